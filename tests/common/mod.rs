//! Shared by the command-line tests: runs the `canteen` binary in English.

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
