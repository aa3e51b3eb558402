//! `canteen run scraper` on the bundled sample pages: the counts, the two
//! shapes, JSON, and bad options and patterns (exit 2, one line).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{canteen, json};

const PAGES: [&str; 4] = [
    "static/pages/search-home.html",
    "static/pages/no-images.html",
    "static/pages/gallery.html",
    "static/pages/zh-menu.html",
];

fn json_run(extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["run", "scraper", "--pages"];
    args.extend(PAGES);
    args.extend(["--json", "--seed", "42"]);
    args.extend(extra);
    json(&args)
}

#[test]
fn scenarios_lists_the_scraper() {
    let out = canteen(&["scenarios"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().any(|l| l.starts_with("scraper ")), "{text}");
}

#[test]
fn the_sample_pages_count_as_python_counts_them() {
    let report = json_run(&["--fetchers", "2", "--counters", "2", "--capacity", "1"]);
    let counts: Vec<u64> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["matches"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [1, 0, 12, 5]);
    assert_eq!(report["outcome"], "completed");
    assert_eq!(report["matches"], 18);
    assert_eq!(report["conserved"], true);
    assert_eq!(
        report["rows"][0]["found"][0],
        "www.sousuo.example/img/logo_270x129.png"
    );
    assert!(report["speedup"]["speedup"].as_f64().unwrap() > 1.0);
}

#[test]
fn the_same_seed_gives_the_same_report() {
    assert_eq!(json_run(&[]), json_run(&[]));
}

#[test]
fn the_plain_shape_ends_stuck_as_in_the_seed() {
    let report = json_run(&["--shape", "plain"]);
    assert_eq!(report["outcome"], "stuck");
    assert_eq!(report["task_done"], 0);
    assert_eq!(report["stuck"][0]["waiting_on"], "get()");
}

#[test]
fn the_text_output_has_the_seed_style_log_and_a_summary() {
    let mut args = vec!["run", "scraper", "--seed", "1", "--pages"];
    args.extend(PAGES);
    let out = canteen(&args);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("fetcher 1: fetched page 1: static/pages/search-home.html"));
    assert!(text.contains("counter 1: task 3 found 12 img (static/pages/gallery.html)"));
    assert!(text.contains("  3  static/pages/gallery.html  1511 B  12 matches"));
    assert!(text.contains("outcome completed"));
}

#[test]
fn bad_options_and_patterns_exit_2_with_one_line() {
    let cases: [(&[&str], &str); 5] = [
        (&["run", "scraper"], "needs --pages"),
        (
            &["run", "scraper", "--pages"],
            "--pages needs at least one value",
        ),
        (
            &["run", "scraper", "--pages", "a", "--shape", "round"],
            "--shape accepts plain or joinable",
        ),
        (
            &["run", "scraper", "--pages", "a", "--fetchers", "0"],
            "--fetchers: 0 is out of range",
        ),
        (
            &[
                "run",
                "scraper",
                "--pages",
                "a",
                "--regex",
                "src=//(.*? width",
            ],
            "--regex: Python rejects this pattern: missing ), unterminated subpattern",
        ),
    ];
    for (args, expected) in cases {
        let out = canteen(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}

#[test]
fn with_lang_zh_bad_options_and_patterns_are_one_chinese_line() {
    let cases: [(&[&str], &str); 3] = [
        (
            &["run", "scraper", "--lang", "zh"],
            "run scraper 需要 --pages",
        ),
        (
            &[
                "run", "scraper", "--pages", "a", "--shape", "round", "--lang", "zh",
            ],
            "--shape 只接受 plain 或 joinable",
        ),
        (
            &[
                "run",
                "scraper",
                "--lang",
                "zh",
                "--pages",
                "a",
                "--regex",
                "src=//(.*? width",
            ],
            "--regex：Python 不接受这个正则：有一个左括号 ( 没有闭合（位置 6）。Python 的报错：missing ), unterminated subpattern at position 6",
        ),
    ];
    for (args, expected) in cases {
        let out = canteen(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}

#[test]
fn the_stuck_explanation_follows_lang() {
    let mut args = vec!["run", "scraper", "--pages"];
    args.extend(PAGES);
    args.extend(["--json", "--seed", "42", "--shape", "plain", "--lang", "zh"]);
    let report = json(&args);
    assert_eq!(report["stuck"][0]["actor"], "计数者1");
    assert!(report["stuck"][0]["explanation"]
        .as_str()
        .unwrap()
        .starts_with("计数者1 永远等在 get()"));
}

#[test]
fn the_summary_follows_lang() {
    let mut args = vec![
        "run", "scraper", "--seed", "1", "--shape", "plain", "--pages",
    ];
    args.extend(PAGES);
    let english = String::from_utf8(canteen(&args).stdout).unwrap();
    assert!(english.contains("shape plain  seed 1  outcome stuck (waits forever)"));
    assert!(english.contains("urls 4  fetched 4  failed 0  counted 4"));
    args.extend(["--lang", "zh"]);
    let chinese = String::from_utf8(canteen(&args).stdout).unwrap();
    assert!(chinese.contains("形态 plain  种子 1  结果 卡住（永远等待）"));
    assert!(chinese.contains("网址 4  已抓取 4  失败 0  已计数 4"));
    assert!(!chinese.contains("fetched") && !chinese.contains("outcome"));
}
