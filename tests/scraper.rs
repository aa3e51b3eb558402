//! The scraper natively: regex counting that equals Python's `re.findall`
//! (hard-coded cases, and python3 itself when it is on PATH), fake-fetcher
//! runs in both shapes, every fault kind, local files, the timeline and
//! speedup, and a replay that equals the recorded run.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::process::Command;
use std::rc::Rc;
use std::time::Duration;

use canteen::delay::Delay;
use canteen::lang::Lang;
use canteen::run::Outcome;
use canteen::scraper::engine::compile;
use canteen::scraper::fetch::{FakeAnswer, FakeFetcher, FetchError, FileFetcher, MAX_BYTES};
use canteen::scraper::gantt::PhaseKind;
use canteen::scraper::matcher::Found;
use canteen::scraper::pattern::{NoteKind, PatternError, Syntax};
use canteen::scraper::replay::ReplayFetcher;
use canteen::scraper::rows::RowState;
use canteen::scraper::{ScraperConfig, ScraperProgram, ScraperRun, Shape, SEED_PATTERN};
use canteen::trace::{Event, EventKind, Fault, FetchFault};
use serde::Deserialize;

const PARITY: &str = include_str!("data/regex_parity.json");
const PAGES: [(&str, u64); 4] = [
    ("static/pages/search-home.html", 1),
    ("static/pages/no-images.html", 0),
    ("static/pages/gallery.html", 12),
    ("static/pages/zh-menu.html", 5),
];

#[derive(Deserialize)]
struct Case {
    pattern: String,
    text: String,
    found: serde_json::Value,
}

fn cases() -> Vec<Case> {
    serde_json::from_str(PARITY).expect("tests/data/regex_parity.json parses")
}

/// What our native matcher says for a case: its `findall` list as JSON, or
/// why it cannot say (unsupported, or a noted possible difference).
fn native_findall(pattern: &str, text: &str) -> Result<serde_json::Value, String> {
    let compiled = compile(pattern).map_err(|e| format!("refused: {e:?}"))?;
    if let Some(note) = compiled
        .notes
        .iter()
        .find(|n| n.kind == NoteKind::MayDiffer)
    {
        if note.syntax != Syntax::IgnoreCase {
            return Err(format!("noted: {:?}", note.syntax));
        }
    }
    let matches = compiled.matcher.find_all(text, usize::MAX);
    assert_eq!(matches.count as usize, matches.found.len());
    Ok(serde_json::to_value(&matches.found).unwrap())
}

#[test]
fn counts_equal_python_findall_on_the_recorded_cases() {
    let mut checked = 0;
    let mut declined = Vec::new();
    for case in cases() {
        match native_findall(&case.pattern, &case.text) {
            Ok(found) => {
                assert_eq!(
                    found, case.found,
                    "pattern {:?} on {:?}",
                    case.pattern, case.text
                );
                checked += 1;
            }
            Err(why) => declined.push((case.pattern.clone(), why)),
        }
    }
    // The regex crate has no back-references, and its `$` does not match
    // before a final newline (the note says so); everything else matches.
    let declined_patterns: Vec<&str> = declined.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        declined_patterns,
        [r#"(?P<q>['\"]).*?(?P=q)"#, r"\w+$", r"(.)\1"],
        "{declined:?}"
    );
    assert!(checked >= 40, "only {checked} cases checked");
}

#[test]
fn the_seed_pattern_counts_the_sample_pages_as_python_does() {
    let matcher = compile(SEED_PATTERN).unwrap().matcher;
    for (path, expected) in PAGES {
        let text = std::fs::read_to_string(path).unwrap();
        let m = matcher.find_all(&text, 3);
        assert_eq!(m.count, expected, "{path}");
        assert!(m.found.len() <= 3);
    }
    let menu = std::fs::read_to_string("static/pages/zh-menu.html").unwrap();
    let found = matcher.find_all(&menu, 10).found;
    assert_eq!(
        found[2],
        Found::Text("img.shitang.example/菜单/兰州拉面🍜.jpg".into())
    );
}

/// Runs python3's `re.findall` on every case (and on the sample pages);
/// returns `None` when python3 is not on PATH.
fn python_findall(inputs: &[(String, String)]) -> Option<Vec<serde_json::Value>> {
    let script = r#"
import json, re, sys
out = []
for pattern, text in json.load(sys.stdin):
    try:
        out.append(re.findall(pattern, text))
    except re.error as e:
        out.append({"error": str(e)})
print(json.dumps(out))
"#;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    let input = serde_json::to_vec(inputs).unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), &input).unwrap();
    drop(child.stdin.take());
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "python3 failed");
    Some(serde_json::from_slice(&output.stdout).unwrap())
}

#[test]
fn python3_itself_agrees_with_the_recorded_cases_and_the_pages() {
    let mut inputs: Vec<(String, String)> =
        cases().into_iter().map(|c| (c.pattern, c.text)).collect();
    for (path, _) in PAGES {
        inputs.push((SEED_PATTERN.into(), std::fs::read_to_string(path).unwrap()));
        inputs.push((
            r"<(\w+)[^>]*>".into(),
            std::fs::read_to_string(path).unwrap(),
        ));
    }
    // Patterns Python must reject as we do.
    for bad in [
        r"\p{L}", "(?<n>a)", "a**", "(a", r"(a)\2", "[z-a]", "a(?i)b",
    ] {
        inputs.push((bad.into(), "abc".into()));
    }
    let Some(python) = python_findall(&inputs) else {
        eprintln!("python3 is not on PATH: skipped");
        return;
    };
    let recorded = cases();
    for (i, ((pattern, text), theirs)) in inputs.iter().zip(&python).enumerate() {
        if let Some(case) = recorded.get(i) {
            assert_eq!(theirs, &case.found, "recorded case {pattern:?} is stale");
        }
        match compile(pattern) {
            Err(PatternError::Python { .. }) => {
                assert!(theirs.get("error").is_some(), "Python accepts {pattern:?}")
            }
            Err(e) => assert!(i < recorded.len(), "{pattern:?}: {e:?}"),
            Ok(_) => {
                assert!(theirs.get("error").is_none(), "Python rejects {pattern:?}");
                if let Ok(ours) = native_findall(pattern, text) {
                    assert_eq!(&ours, theirs, "pattern {pattern:?}");
                }
            }
        }
    }
}

#[test]
fn invalid_and_unsupported_patterns_say_why() {
    let python = |p: &str| match compile(p) {
        Err(PatternError::Python { message, .. }) => message,
        other => panic!("{p}: {:?}", other.map(|c| c.notes)),
    };
    assert_eq!(
        python("src=//(.*? width"),
        "missing ), unterminated subpattern"
    );
    assert_eq!(python("(?P<1x>a)"), "bad character in group name '1x'");
    assert!(matches!(
        compile(r"a++"),
        Err(PatternError::Unsupported {
            syntax: Syntax::Possessive,
            ..
        })
    ));
    assert!(matches!(
        compile(r"(?<=a)b"),
        Err(PatternError::Unsupported {
            syntax: Syntax::LookAround,
            ..
        })
    ));
    // Valid Python that the regex crate refuses is reported in its words.
    match compile(r"a{1000000}") {
        Err(PatternError::Engine(message)) => assert!(!message.is_empty()),
        other => panic!("{:?}", other.map(|c| c.notes)),
    }
}

fn recorded_run(
    config: ScraperConfig,
    fetcher: FakeFetcher,
) -> (ScraperRun, Rc<RefCell<Vec<Event>>>) {
    let trace: Rc<RefCell<Vec<Event>>> = Rc::default();
    let sink = Rc::clone(&trace);
    let matcher = compile(&config.pattern).unwrap().matcher;
    let run = ScraperRun::new(
        ScraperProgram::new(config, Rc::new(fetcher), matcher),
        move |e: &Event| sink.borrow_mut().push(*e),
    );
    (run, trace)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn three_pages() -> FakeFetcher {
    FakeFetcher::new()
        .page("/a", ms(120), "<img src=//a.png width=1>")
        .page("/b", ms(80), "none")
        .page(
            "/c",
            ms(200),
            "<img src=//c1 width=2><img src=//c2 width=3>",
        )
}

fn config(urls: &[&str], shape: Shape) -> ScraperConfig {
    let mut config = ScraperConfig::defaults(urls.iter().map(|u| u.to_string()).collect(), 7);
    config.shape = shape;
    config
}

#[test]
fn plain_shape_ends_stuck_with_the_counter_in_get() {
    let (mut run, _) = recorded_run(config(&["/a", "/b", "/c"], Shape::Plain), three_pages());
    assert_eq!(run.run_to_end(), Outcome::Stuck);
    let report = canteen::i18n::scraper::report(&run, Lang::En);
    assert_eq!((report.fetched, report.counted, report.matches), (3, 3, 3));
    assert_eq!(report.task_done, 0);
    assert_eq!(report.unfinished, 3, "nobody calls task_done()");
    assert!(report.conserved);
    assert_eq!(report.stuck.len(), 1);
    assert_eq!(report.stuck[0].actor, "counter 1");
    assert_eq!(report.stuck[0].waiting_on, "get()");
}

#[test]
fn joinable_shape_completes_and_terminates_the_counters() {
    let mut cfg = config(&["/a", "/b", "/c", "/a"], Shape::Joinable);
    cfg.fetchers = 2;
    cfg.counters = 2;
    cfg.capacity = 1;
    let (mut run, trace) = recorded_run(cfg, three_pages());
    assert_eq!(run.run_to_end(), Outcome::Completed);
    let report = run.report();
    assert_eq!(
        (report.fetched, report.counted, report.task_done),
        (4, 4, 4)
    );
    assert_eq!(
        (report.unfinished, report.in_queue, report.failed),
        (0, 0, 0)
    );
    assert!(report.conserved);
    let counts: Vec<_> = run
        .rows()
        .iter()
        .map(|r| r.matches.as_ref().unwrap().count)
        .collect();
    assert_eq!(counts, [1, 0, 2, 1]);
    let terminated = trace
        .borrow()
        .iter()
        .filter(|e| e.kind == EventKind::Terminate)
        .count();
    assert_eq!(terminated, 2);
    assert!(run.rows().iter().all(|r| r.state == RowState::Counted));
}

#[test]
fn every_fault_is_reported_on_its_row_and_counted_as_failed() {
    let answer = |status: u16, content_type: &str, body: Vec<u8>| FakeAnswer::Answer {
        status,
        content_type: Some(content_type.into()),
        body,
    };
    let fail = |fault, detail: &str| FakeAnswer::Fail(FetchError::said(fault, detail));
    let fetcher = FakeFetcher::new()
        .page("/ok", ms(10), "<img src=//x width=1>")
        .with(
            "ht!tp://bad",
            ms(0),
            fail(FetchFault::MalformedUrl, "Invalid URL"),
        )
        .with(
            "https://other.example/",
            ms(30),
            fail(FetchFault::CrossOrigin, ""),
        )
        .with(
            "/missing",
            ms(20),
            answer(404, "text/html", b"Not Found".to_vec()),
        )
        .page("/slow", ms(5_000), "late")
        .with(
            "/logo.png",
            ms(10),
            answer(200, "image/png", vec![0x89, b'P', b'N', b'G']),
        )
        .with(
            "/huge",
            ms(10),
            answer(200, "text/plain", vec![b'a'; MAX_BYTES as usize + 1]),
        );
    let urls = [
        "/ok",
        "ht!tp://bad",
        "http://unreachable.example/",
        "https://other.example/",
        "/missing",
        "/slow",
        "/logo.png",
        "/huge",
    ];
    let mut cfg = config(&urls, Shape::Joinable);
    cfg.timeout = Duration::from_secs(2);
    cfg.fetchers = 3;
    let (mut run, trace) = recorded_run(cfg, fetcher);
    assert_eq!(
        run.run_to_end(),
        Outcome::Completed,
        "faults do not stop the run"
    );
    let faults: Vec<Option<FetchFault>> = run
        .rows()
        .iter()
        .map(|r| r.error.as_ref().map(|e| e.fault))
        .collect();
    assert_eq!(
        faults,
        [
            None,
            Some(FetchFault::MalformedUrl),
            Some(FetchFault::Network),
            Some(FetchFault::CrossOrigin),
            Some(FetchFault::HttpStatus(404)),
            Some(FetchFault::Timeout),
            Some(FetchFault::NotText),
            Some(FetchFault::TooLarge),
        ]
    );
    let report = canteen::i18n::scraper::report(&run, Lang::En);
    assert_eq!((report.fetched, report.failed, report.counted), (1, 7, 1));
    assert!(report.conserved);
    assert_eq!(report.rows[4].status, Some(404));
    assert_eq!(report.rows[1].fault, Some("malformed_url"));
    assert!(report.rows[3]
        .fault_message
        .as_ref()
        .unwrap()
        .contains("cross-origin"));
    // The timeout ends the fetch at the timeout, not at the page's latency.
    assert_eq!(run.rows()[5].latency, Some(2_000_000_000));
    // Each failure is an error event for its item, never a put.
    let trace = trace.borrow();
    let failed_items: Vec<u32> = trace
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Error(Fault::Fetch(_))))
        .map(|e| e.item.unwrap().seq)
        .collect();
    let mut sorted = failed_items.clone();
    sorted.sort();
    assert_eq!(sorted, [2, 3, 4, 5, 6, 7, 8]);
    assert!(trace
        .iter()
        .filter(|e| e.kind == EventKind::Put)
        .all(|e| e.item.unwrap().seq == 1));
}

#[test]
fn an_invalid_regex_stops_the_run_before_it_starts() {
    let error = compile("src=//(.*? width").err().unwrap();
    let message = canteen::i18n::scraper::pattern_error(
        &error,
        canteen::scraper::pattern::Engine::Rust,
        Lang::En,
    );
    assert_eq!(
        message,
        "Python rejects this pattern: missing ), unterminated subpattern at position 6"
    );
}

#[test]
fn settings_out_of_range_name_their_field() {
    let field = |f: fn(&mut ScraperConfig)| {
        let mut cfg = config(&["/a"], Shape::Plain);
        f(&mut cfg);
        cfg.validate().err().map(|e| e.field())
    };
    assert_eq!(field(|_| {}), None);
    assert_eq!(field(|c| c.urls.clear()), Some("urls"));
    assert_eq!(field(|c| c.urls.push(" ".into())), Some("urls"));
    assert_eq!(field(|c| c.fetchers = 0), Some("fetchers"));
    assert_eq!(field(|c| c.counters = 101), Some("counters"));
    assert_eq!(field(|c| c.timeout = Duration::ZERO), Some("timeout"));
}

#[test]
fn local_files_are_pages_and_their_faults_are_reported() {
    let dir = std::env::temp_dir().join(format!("canteen-scraper-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("logo.png");
    std::fs::write(&png, [0x89, b'P', b'N', b'G', 0, 0]).unwrap();
    let mut urls: Vec<String> = PAGES.iter().map(|(p, _)| p.to_string()).collect();
    urls.push(png.display().to_string());
    urls.push("static/pages/nowhere.html".into());
    urls.push("http://example.com/".into());
    let mut cfg = ScraperConfig::defaults(urls, 1);
    cfg.fetchers = 2;
    let matcher = compile(&cfg.pattern).unwrap().matcher;
    let mut run = ScraperRun::new(
        ScraperProgram::new(cfg, Rc::new(FileFetcher), matcher),
        |_| {},
    );
    assert_eq!(run.run_to_end(), Outcome::Completed);
    let rows = run.rows();
    for (row, (_, expected)) in rows.iter().zip(PAGES) {
        assert_eq!(row.matches.as_ref().unwrap().count, expected, "{}", row.url);
        assert_eq!(row.status, None, "files have no HTTP status");
    }
    let fault = |i: usize| rows[i].error.as_ref().map(|e| e.fault);
    assert_eq!(fault(4), Some(FetchFault::NotText));
    assert_eq!(fault(5), Some(FetchFault::Network));
    assert_eq!(fault(6), Some(FetchFault::MalformedUrl));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_timeline_shows_parallel_fetches_and_the_speedup() {
    let fetcher = (1..=4).fold(FakeFetcher::new(), |f, i| {
        f.page(&format!("/{i}"), ms(1000), "<img src=//x width=1>")
    });
    let mut cfg = config(&["/1", "/2", "/3", "/4"], Shape::Joinable);
    cfg.fetchers = 4;
    cfg.fetch_delay = Delay::Const(Duration::ZERO);
    cfg.count_delay = Delay::Const(ms(250));
    let (mut run, _) = recorded_run(cfg, fetcher);
    assert_eq!(run.run_to_end(), Outcome::Completed);
    let gantt = run.gantt();
    assert_eq!(gantt.lanes.len(), 5, "4 fetchers and 1 counter");
    for lane in &gantt.lanes[..4] {
        assert_eq!(lane.phases.len(), 1);
        assert_eq!(
            (
                lane.phases[0].kind,
                lane.phases[0].start,
                lane.phases[0].end
            ),
            (PhaseKind::Fetch, 0, 1_000_000_000)
        );
    }
    // The counter sleeps 250 ms before each count, and counts at once.
    let counts: Vec<_> = gantt.lanes[4]
        .phases
        .iter()
        .filter(|p| p.kind == PhaseKind::Sleep)
        .map(|p| (p.start, p.end))
        .collect();
    let regex: Vec<_> = gantt.lanes[4]
        .phases
        .iter()
        .filter(|p| p.kind == PhaseKind::Regex)
        .map(|p| (p.start, p.end))
        .collect();
    let s = 1_000_000_000;
    let q = 250_000_000;
    assert_eq!(
        counts,
        [
            (s, s + q),
            (s + q, s + 2 * q),
            (s + 2 * q, s + 3 * q),
            (s + 3 * q, 2 * s)
        ]
    );
    assert_eq!(
        regex,
        [
            (s + q, s + q),
            (s + 2 * q, s + 2 * q),
            (s + 3 * q, s + 3 * q),
            (2 * s, 2 * s)
        ]
    );
    let speedup = run.report().speedup;
    // One worker: 4 × 1 s of fetching and 4 × 0.25 s of counting = 5 s; the run took 2 s.
    assert_eq!((speedup.sequential_ms, speedup.span_ms), (5000.0, 2000.0));
    assert_eq!(speedup.speedup, 2.5);
}

#[test]
fn a_replay_of_the_recording_equals_the_recorded_run() {
    let mut cfg = config(&["/a", "/b", "/c", "/a", "/missing", "/b"], Shape::Joinable);
    cfg.fetchers = 2;
    cfg.counters = 2;
    cfg.capacity = 1;
    let fetcher = three_pages().with(
        "/missing",
        ms(40),
        FakeAnswer::Answer {
            status: 500,
            content_type: None,
            body: Vec::new(),
        },
    );
    let (mut run, trace) = recorded_run(cfg.clone(), fetcher);
    assert_eq!(run.run_to_end(), Outcome::Completed);
    let replay = ReplayFetcher::new(&run.rows());
    assert!(replay.is_complete());
    let matcher = compile(&cfg.pattern).unwrap().matcher;
    let replayed: Rc<RefCell<Vec<Event>>> = Rc::default();
    let sink = Rc::clone(&replayed);
    let mut again = ScraperRun::new(
        ScraperProgram::new(cfg, Rc::new(replay), matcher),
        move |e: &Event| sink.borrow_mut().push(*e),
    );
    // Driven in slices, as the page plays it back.
    while !again.advance_to(again.now() + 37_000_000).is_over() {}
    assert_eq!(again.outcome(), Outcome::Completed);
    assert_eq!(*replayed.borrow(), *trace.borrow());
    assert_eq!(*again.rows(), *run.rows());
}

#[test]
fn the_same_seed_gives_the_same_sleeps_whatever_the_order_of_fetches() {
    // The seed's random sleeps belong to the URL, not to the order in which
    // concurrent fetches finish: swap the latencies and each URL still
    // sleeps the same.
    let slept = |fetcher: FakeFetcher| {
        let mut cfg = config(&["/a", "/b"], Shape::Joinable);
        cfg.fetchers = 2;
        let (mut run, trace) = recorded_run(cfg, fetcher);
        assert_eq!(run.run_to_end(), Outcome::Completed);
        let rows = run.rows();
        let trace = trace.borrow();
        let produced = |seq: usize| {
            trace
                .iter()
                .find(|e| e.kind == EventKind::Produce && e.item.unwrap().seq as usize == seq)
                .unwrap()
                .time
        };
        rows.iter()
            .enumerate()
            .map(|(i, row)| produced(i + 1) - row.fetch_started.unwrap() - row.latency.unwrap())
            .collect::<Vec<_>>()
    };
    let fast_first = FakeFetcher::new()
        .page("/a", ms(10), "")
        .page("/b", ms(500), "");
    let slow_first = FakeFetcher::new()
        .page("/a", ms(500), "")
        .page("/b", ms(10), "");
    let sleeps = slept(fast_first);
    assert_ne!(sleeps[0], sleeps[1]);
    assert_eq!(sleeps, slept(slow_first));
}
