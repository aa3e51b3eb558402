//! Shared by the command-line tests: runs the `canteen` binary in English and
//! checks the JSON fields the issues list. Each test crate uses a part of it.
#![allow(dead_code)]

use std::process::{Command, Output};

/// Runs `canteen` with `args`.
pub fn canteen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_canteen"))
        .args(args)
        .env("LANG", "en_US.UTF-8")
        .output()
        .expect("the canteen binary runs")
}

/// Runs `canteen` with `args`, expects success, and parses its one JSON object.
pub fn json(args: &[&str]) -> serde_json::Value {
    let output = canteen(args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

/// The run report's fields that issue 2 lists for `--json`.
pub const REPORT_FIELDS: [&str; 12] = [
    "scenario",
    "seed",
    "outcome",
    "end_time_ms",
    "produced",
    "consumed",
    "task_done",
    "unfinished",
    "in_queue",
    "dropped",
    "stuck",
    "stats",
];

/// The `stats` fields that issue 2 lists.
pub const STATS_FIELDS: [&str; 8] = [
    "throughput_per_s",
    "mean_wait_ms",
    "p50_wait_ms",
    "p95_wait_ms",
    "p99_wait_ms",
    "mean_queue_len",
    "max_queue_len",
    "utilization",
];

/// Asserts that `value` has every one of `fields`; `context` names it in the message.
pub fn assert_fields(value: &serde_json::Value, fields: &[&str], context: &str) {
    for field in fields {
        assert!(value.get(field).is_some(), "{context}: missing {field}");
    }
}
