//! The `canteen` command line: listing, running, JSON output and errors.

mod common;

use std::process::Output;

use common::{assert_fields, canteen, json, REPORT_FIELDS, STATS_FIELDS};

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn scenarios_lists_one_line_each() {
    let text = stdout(&canteen(&["scenarios"]));
    let names: Vec<&str> = text
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "plain",
            "hotdog",
            "custom",
            "termination",
            "peak-shaving",
            "scraper"
        ]
    );
}

#[test]
fn run_json_has_every_field_the_issue_lists() {
    let v = json(&["run", "hotdog", "--seed", "42", "--json"]);
    assert_fields(&v, &REPORT_FIELDS, "report");
    assert_fields(&v["stats"], &STATS_FIELDS, "stats");
    assert_eq!(v["outcome"], "completed");
    assert_eq!(v["seed"], 42);
    assert_eq!(
        (v["produced"].as_u64(), v["task_done"].as_u64()),
        (Some(10), Some(10))
    );
    assert!(v.get("events").is_none(), "events only with --events");
}

#[test]
fn events_are_listed_with_time_actor_kind_item() {
    let v = json(&["run", "hotdog", "--seed", "42", "--json", "--events"]);
    let events = v["events"].as_array().unwrap();
    let golden = include_str!("golden/hotdog_seed42.trace");
    assert_eq!(events.len(), golden.lines().count());
    let first_produce = events.iter().find(|e| e["kind"] == "produce").unwrap();
    assert_eq!(first_produce["actor"], "Shanghai shop");
    assert_eq!(first_produce["item"], "Shanghai shop hot dog 1");
    assert!(first_produce["t_ms"].as_f64().unwrap() > 0.0);
}

#[test]
fn plain_reports_stuck_with_who_waits_on_what() {
    let v = json(&["run", "plain", "--seed", "1", "--json"]);
    assert_eq!(v["outcome"], "stuck");
    assert_eq!(v["stuck"][0]["actor"], "consumer 1");
    assert_eq!(v["stuck"][0]["waiting_on"], "get()");
    let text = stdout(&canteen(&["run", "plain", "--seed", "1"]));
    assert!(text.contains("consumer 1 waits on get() forever"));
}

#[test]
fn text_output_is_the_seed_style_log_and_a_summary() {
    let text = stdout(&canteen(&["run", "hotdog", "--seed", "42", "--lang", "zh"]));
    assert!(text.contains("上海分店: 生产了 上海分店的热狗1"));
    assert!(text.contains("消费者1: 消费了上海分店的热狗1"));
    // The summary speaks --lang too: no English label in the 中文 one.
    assert!(text.contains("已生产 10  已消费 10  task_done 10  未完成任务 0"));
    let summary = text.rsplit("\n\n").next().unwrap();
    assert!(
        summary.starts_with("场景 hotdog  种子 42  结果 完成"),
        "{summary}"
    );
    assert!(
        !summary.contains("produced") && !summary.contains("mean"),
        "{summary}"
    );
    let text = stdout(&canteen(&["run", "hotdog", "--seed", "42"]));
    assert!(text.contains("produced 10  consumed 10  task_done 10  unfinished 0"));
}

#[test]
fn without_seed_a_random_seed_is_reported_and_repeats_the_run() {
    let first = json(&["run", "custom", "--json", "--items", "20"]);
    let seed = first["seed"].as_u64().unwrap().to_string();
    let again = json(&["run", "custom", "--json", "--items", "20", "--seed", &seed]);
    assert_eq!(first, again);
}

#[test]
fn options_shape_the_run() {
    let v = json(&[
        "run",
        "custom",
        "--seed",
        "3",
        "--producers",
        "3",
        "--consumers",
        "2",
        "--items",
        "7",
        "--capacity",
        "1",
        "--produce-delay",
        "const:10ms",
        "--consume-delay",
        "uniform:5ms..50ms",
        "--json",
    ]);
    assert_eq!(v["produced"], 21);
    assert_eq!(v["stats"]["max_queue_len"], 1);
    let limited = json(&[
        "run", "custom", "--seed", "3", "--items", "1000", "--until", "2s", "--json",
    ]);
    assert_eq!(limited["outcome"], "time_limit");
    assert_eq!(limited["end_time_ms"], 2000.0);
}

#[test]
fn bad_options_exit_2_with_one_line_naming_the_option() {
    for (args, expected) in [
        (
            vec!["run", "hotdog", "--producers", "x"],
            "--producers: 'x' is not a whole number",
        ),
        (
            vec!["run", "hotdog", "--producers", "0"],
            "--producers: 0 is out of range; use 1 to 1000",
        ),
        (
            vec!["run", "hotdog", "--produce-delay", "250ms"],
            "--produce-delay:",
        ),
        (vec!["run", "hotdog", "--until", "2h"], "--until:"),
        (vec!["run", "hotdog", "--seed"], "--seed needs a value"),
        (
            vec!["run", "hotdog", "--speed", "2"],
            "unknown option '--speed' (did you mean '--seed'?)",
        ),
        (
            vec!["run", "hotdog", "--items", "99999999999"],
            "--items: 99999999999 is out of range; use 0 to 10000000",
        ),
        (vec!["run", "hotdog", "--json=yes"], "--json takes no value"),
        (
            vec!["run", "hotdog", "--strategy", "daemon"],
            "--strategy: only the termination scenario has this option",
        ),
        (
            vec![
                "run",
                "termination",
                "--kill-at",
                "1s",
                "--kill-chance",
                "0.5",
            ],
            "--kill-at: cannot be given with --kill-chance",
        ),
        (
            vec!["run", "hotdog", "extra"],
            "unexpected argument 'extra'",
        ),
        (
            vec![],
            "needs a command: scenarios, run, python, lesson or help",
        ),
        (vec!["run"], "run needs a scenario"),
        (vec!["rnu"], "unknown command 'rnu'"),
        (
            vec!["run", "pizza"],
            "unknown scenario 'pizza'; choose one of plain, hotdog, custom, termination, \
             peak-shaving, scraper",
        ),
        (vec!["run", "hotdgo"], "(did you mean 'hotdog'?)"),
        (
            vec!["run", "hotdog", "--lang", "fr"],
            "--lang accepts zh or en",
        ),
    ] {
        let output = canteen(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(output.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}

/// Whether `text` has a Han character.
fn has_han(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn with_lang_zh_a_bad_option_is_one_chinese_line_wherever_lang_stands() {
    for (args, expected) in [
        (
            vec!["run", "hotdog", "--producers", "0", "--lang", "zh"],
            "--producers：0 超出范围；请用 1 到 1000",
        ),
        (
            vec!["run", "hotdog", "--lang", "zh", "--until", "5"],
            "--until：“5”缺少单位",
        ),
        (
            vec!["run", "peak-shaving", "--workers", "0", "--lang", "zh"],
            "--workers：请用 1 到 1000 个工人",
        ),
        (
            vec![
                "run",
                "scraper",
                "--pages",
                "a",
                "--fetchers",
                "0",
                "--lang",
                "zh",
            ],
            "--fetchers：0 超出范围；请用 1 到 100",
        ),
        (
            vec!["run", "termination", "--strategy", "poison", "--lang", "zh"],
            "--strategy：“poison”不是结束方式",
        ),
        (
            vec!["run", "termination", "--kill-at", "1s", "--lang", "zh"],
            "--kill-at 需要同时给出 --kill-consumer N",
        ),
        (vec!["run", "pizza", "--lang", "zh"], "没有叫“pizza”的场景"),
        (
            vec!["--lang", "zh", "run", "hotdog", "--sed", "1"],
            "不认识的选项“--sed”（是不是想写“--seed”？）",
        ),
        (
            vec!["run", "hotdog", "--lang=zh", "--items", "99999999999"],
            "--items：99999999999 超出范围；请用 0 到 10000000",
        ),
        (vec!["--lang", "zh"], "需要一个命令"),
    ] {
        let output = canteen(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(output.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(has_han(&err), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    // The same problem in English without --lang zh.
    let output = canteen(&["run", "peak-shaving", "--workers", "0"]);
    let err = String::from_utf8(output.stderr).unwrap();
    assert_eq!(err, "canteen: --workers: use 1 to 1000 workers\n");
}

/// Runs `canteen` with `args` (any bytes) and `LANG`.
#[cfg(unix)]
fn canteen_os(args: &[std::ffi::OsString], locale: &str) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_canteen"))
        .args(args)
        .env("LANG", locale)
        .output()
        .expect("the canteen binary runs")
}

#[cfg(unix)]
#[test]
fn arguments_that_are_not_utf8_are_one_line_naming_the_option() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;
    let not_text = || OsString::from_vec(vec![b'a', 0xff, b'b']);
    let line = |args: Vec<OsString>, locale: &str| {
        let output = canteen_os(&args, locale);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty());
        let err = String::from_utf8(output.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        err
    };
    let regex = vec![
        OsString::from("run"),
        OsString::from("scraper"),
        OsString::from("--pages"),
        OsString::from("a"),
        OsString::from("--regex"),
        not_text(),
    ];
    assert_eq!(
        line(regex.clone(), "en_US.UTF-8"),
        "canteen: --regex: the value is not UTF-8 text\n"
    );
    assert_eq!(
        line(regex, "zh_CN.UTF-8"),
        "canteen: --regex：值不是 UTF-8 文本\n"
    );
    let scenario = vec![OsString::from("run"), not_text()];
    assert!(line(scenario, "en_US.UTF-8").starts_with("canteen: "));
}

#[test]
fn help_is_clap_s_and_exits_0() {
    for args in [
        vec!["help"],
        vec!["--help"],
        vec!["run", "termination", "--help"],
        vec!["help", "run", "scraper"],
        vec!["run", "peak-shaving", "-h", "--lang", "zh"],
    ] {
        let output = canteen(&args);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert!(output.stderr.is_empty());
        assert!(stdout(&output).contains("Usage:"), "{args:?}");
    }
    let lab = stdout(&canteen(&["run", "termination", "--help"]));
    for option in ["--kill-consumer <N>", "--broker-ack", "--consumers <N>"] {
        assert!(lab.contains(option), "{option}: {lab}");
    }
    assert!(lab.contains("[default: join-terminate]"), "{lab}");
    let hotdog = stdout(&canteen(&["run", "hotdog", "--help"]));
    assert!(!hotdog.contains("--strategy"), "{hotdog}");
}

#[test]
fn a_repeated_option_takes_its_last_value() {
    let v = json(&["run", "hotdog", "--seed", "1", "--seed", "42", "--json"]);
    assert_eq!(v["seed"], 42);
}

#[test]
fn json_events_stream_one_object_with_every_field() {
    let with = json(&["run", "hotdog", "--seed", "42", "--json", "--events"]);
    let without = json(&["run", "hotdog", "--seed", "42", "--json"]);
    let mut fields: Vec<&String> = with.as_object().unwrap().keys().collect();
    fields.retain(|key| *key != "events");
    let plain: Vec<&String> = without.as_object().unwrap().keys().collect();
    assert_eq!(fields, plain, "the same fields besides the events");
    for key in plain {
        assert_eq!(with[key], without[key], "{key}");
    }
    let text = stdout(&canteen(&[
        "run", "hotdog", "--seed", "42", "--json", "--events",
    ]));
    assert!(text.starts_with("{\"events\":[{\"t_ms\":"), "{text}");
    assert_eq!(text.lines().count(), 1);
    let stuck = json(&["run", "plain", "--seed", "1", "--json", "--events"]);
    assert_eq!(stuck["outcome"], "stuck");
    assert!(!stuck["events"].as_array().unwrap().is_empty());
}

#[test]
fn lesson_lists_asks_and_checks_an_answer_by_the_run() {
    let list = stdout(&canteen(&["lesson", "--lang", "zh"]));
    assert_eq!(list.lines().count(), 10, "{list}");
    assert!(list.starts_with(" 1  no-queue"), "{list}");
    assert!(list.contains("原文的爬虫"), "{list}");

    // The question, its choices, and the command that plays it.
    let asked = stdout(&canteen(&["lesson", "sentinels", "--seed", "42"]));
    assert!(asked.contains("canteen run termination --seed 42 --strategy sentinel-bug"));
    assert!(
        asked.contains("  1) consumer 1\n  2) consumer 2\n  3) nobody\n"),
        "{asked}"
    );
    // The answer is the run's: the consumer the run leaves waiting.
    let run = json(&[
        "run",
        "termination",
        "--seed",
        "42",
        "--strategy",
        "sentinel-bug",
        "--json",
    ]);
    let hung = run["stuck"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|s| s["actor"].as_str().filter(|a| a.starts_with("consumer")))
        .unwrap()
        .to_string();
    let choice = if hung == "consumer 1" { "1" } else { "2" };
    let right = stdout(&canteen(&[
        "lesson", "7", "--seed", "42", "--answer", choice,
    ]));
    assert!(right.contains(&format!("Right: {hung}")), "{right}");
    let other = if choice == "1" { "2" } else { "1" };
    let wrong = stdout(&canteen(&[
        "lesson", "7", "--seed", "42", "--answer", other,
    ]));
    assert!(wrong.contains(&format!("the run says {hung}")), "{wrong}");

    // An estimate is scored by its distance from the run's figure.
    let dropped = json(&[
        "run",
        "termination",
        "--seed",
        "7",
        "--strategy",
        "shutdown-immediate",
        "--json",
    ])["dropped"]
        .as_u64()
        .unwrap();
    let estimate = (dropped + 5).to_string();
    let far = stdout(&canteen(&[
        "lesson", "shutdown", "--seed", "7", "--answer", &estimate,
    ]));
    assert!(far.contains(&format!("the run says {dropped}")), "{far}");

    for (args, message) in [
        (
            vec!["lesson", "daemon", "--answer", "3"],
            "canteen: --answer: 3 is out of range; use 1 to 2",
        ),
        (
            vec!["lesson", "0"],
            "canteen: there is no lesson '0': use 1 to 10 or a name",
        ),
    ] {
        let out = canteen(&args);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.starts_with(message) && err.lines().count() == 1,
            "{err}"
        );
    }
}
