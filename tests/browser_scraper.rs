//! The scraper in a real browser (headless Chrome via wasm-pack): the
//! Fetch API against same-origin pages (the test runner also serves the
//! crate's own files, so `static/pages/` is there), an HTTP error, an
//! unreachable address, a timeout, the size and text checks; `RegExp`
//! counting equal to Python's `re.findall`; and a live run driven by real
//! time whose replay equals it. (A cross-origin refusal needs a second
//! server: the end-to-end test has one; headless Chromium here resolves no
//! host name, and the runner serves only 127.0.0.1.)
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use canteen::delay::Delay;
use canteen::run::Outcome;
use canteen::scraper::browser::{fetch_page, BrowserFetcher};
use canteen::scraper::engine::compile;
use canteen::scraper::fetch::{FetchDetail, FetchOutcome, Request, MAX_BYTES};
use canteen::scraper::pattern::PatternError;
use canteen::scraper::replay::ReplayFetcher;
use canteen::scraper::{ScraperConfig, ScraperProgram, ScraperRun, Shape, SEED_PATTERN};
use canteen::trace::{Event, FetchFault};
use gloo_timers::future::TimeoutFuture;
use serde::Deserialize;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const PAGES: [(&str, u64); 4] = [
    ("static/pages/search-home.html", 1),
    ("static/pages/no-images.html", 0),
    ("static/pages/gallery.html", 12),
    ("static/pages/zh-menu.html", 5),
];

fn request(url: &str) -> Request {
    Request {
        index: 0,
        url: url.to_string(),
        timeout: Duration::from_secs(10),
        max_bytes: MAX_BYTES,
    }
}

async fn fetch(request: Request) -> FetchOutcome {
    fetch_page(request).await
}

fn fault(outcome: &FetchOutcome) -> Option<FetchFault> {
    outcome.result.as_ref().err().map(|e| e.fault)
}

#[wasm_bindgen_test]
async fn same_origin_pages_are_fetched_and_counted_as_python_counts_them() {
    let matcher = compile(SEED_PATTERN).unwrap().matcher;
    for (url, expected) in PAGES {
        let outcome = fetch(request(url)).await;
        let page = outcome
            .result
            .as_ref()
            .unwrap_or_else(|e| panic!("{url}: {e:?}"));
        assert_eq!(page.status, Some(200));
        assert!(page.bytes > 500, "{url}: {} bytes", page.bytes);
        assert!(outcome.real_latency_ms.unwrap() >= 0.0);
        assert_eq!(matcher.find_all(&page.text, 20).count, expected, "{url}");
    }
}

#[wasm_bindgen_test]
async fn the_chinese_page_is_decoded_as_utf8() {
    let outcome = fetch(request("static/pages/zh-menu.html")).await;
    let page = outcome.result.unwrap();
    assert!(page.text.contains("兰州拉面🍜"));
    let found = compile(SEED_PATTERN)
        .unwrap()
        .matcher
        .find_all(&page.text, 5)
        .found;
    assert_eq!(
        found[2].to_string(),
        "img.shitang.example/菜单/兰州拉面🍜.jpg"
    );
}

#[wasm_bindgen_test]
async fn http_errors_and_malformed_urls_fail_cleanly() {
    let missing = fetch(request("static/pages/no-such-page.html")).await;
    assert_eq!(fault(&missing), Some(FetchFault::HttpStatus(404)));
    let malformed = fetch(request("http://[::1")).await;
    assert_eq!(fault(&malformed), Some(FetchFault::MalformedUrl));
    let scheme = fetch(request("ftp://example.com/")).await;
    assert_eq!(fault(&scheme), Some(FetchFault::MalformedUrl));
}

#[wasm_bindgen_test]
async fn an_unreachable_address_is_a_network_failure() {
    let outcome = fetch(request("http://127.0.0.1:9/")).await;
    assert_eq!(fault(&outcome), Some(FetchFault::Network));
    assert!(
        matches!(&outcome.result.unwrap_err().detail, FetchDetail::Said(m) if !m.is_empty()),
        "the browser's message"
    );
}

#[wasm_bindgen_test]
async fn a_fetch_past_its_deadline_times_out() {
    let mut expired = request("static/pages/gallery.html");
    expired.timeout = Duration::ZERO;
    let outcome = fetch(expired).await;
    assert_eq!(fault(&outcome), Some(FetchFault::Timeout));
}

#[wasm_bindgen_test]
async fn bodies_over_the_limit_and_binary_bodies_are_refused() {
    let mut small = request("static/pages/gallery.html");
    small.max_bytes = 100;
    assert_eq!(fault(&fetch(small).await), Some(FetchFault::TooLarge));
    let wasm = fetch(request("wasm-bindgen-test_bg.wasm")).await;
    assert_eq!(fault(&wasm), Some(FetchFault::NotText));
}

#[derive(Deserialize)]
struct Case {
    pattern: String,
    text: String,
    found: serde_json::Value,
}

#[wasm_bindgen_test]
fn regexp_counts_equal_python_findall_on_the_recorded_cases() {
    let cases: Vec<Case> = serde_json::from_str(include_str!("data/regex_parity.json")).unwrap();
    assert!(cases.len() >= 40);
    for case in cases {
        let compiled =
            compile(&case.pattern).unwrap_or_else(|e| panic!("{:?}: {e:?}", case.pattern));
        let matches = compiled.matcher.find_all(&case.text, usize::MAX);
        let found = serde_json::to_value(&matches.found).unwrap();
        assert_eq!(
            found, case.found,
            "pattern {:?} on {:?}",
            case.pattern, case.text
        );
        assert_eq!(matches.count as usize, matches.found.len());
    }
}

#[wasm_bindgen_test]
fn an_invalid_regex_is_reported_in_the_browsers_words() {
    // Valid Python, refused by RegExp: a quantified look-ahead in v mode.
    match compile("(?=a)*b") {
        Err(PatternError::Engine(message)) => assert!(message.contains("Invalid"), "{message}"),
        other => panic!("{:?}", other.map(|c| c.notes)),
    }
    assert!(matches!(compile("(?P<x"), Err(PatternError::Python { .. })));
}

#[wasm_bindgen_test]
async fn a_live_run_waits_on_the_network_and_its_replay_equals_it() {
    let urls: Vec<String> = PAGES.iter().map(|(u, _)| u.to_string()).collect();
    let mut config = ScraperConfig::defaults(urls, 5);
    config.shape = Shape::Joinable;
    config.fetch_delay = Delay::Const(Duration::ZERO);
    config.count_delay = Delay::Const(Duration::from_millis(30));
    let trace: Rc<RefCell<Vec<Event>>> = Rc::default();
    let sink = Rc::clone(&trace);
    let matcher = compile(&config.pattern).unwrap().matcher;
    let mut run = ScraperRun::new(
        ScraperProgram::new(config.clone(), Rc::new(BrowserFetcher), matcher),
        move |e: &Event| sink.borrow_mut().push(*e),
    );
    // Flat out, the run cannot finish: it waits on the network, not stuck.
    assert_eq!(run.run_to_end(), Outcome::Running);
    assert_eq!(run.fetches_in_flight(), 1);
    // Driven at 1×: virtual time follows real time.
    let mut last = js_sys::Date::now();
    while !run.outcome().is_over() {
        TimeoutFuture::new(16).await;
        let now = js_sys::Date::now();
        run.advance_to(run.now() + ((now - last) * 1e6) as u64);
        last = now;
    }
    assert_eq!(run.outcome(), Outcome::Completed);
    let report = run.report();
    let counts: Vec<u64> = report.rows.iter().map(|r| r.matches.unwrap()).collect();
    assert_eq!(counts, [1, 0, 12, 5]);
    assert!(report.rows.iter().all(|r| r.real_latency_ms.is_some()));
    assert!(report.conserved);

    let replayed: Rc<RefCell<Vec<Event>>> = Rc::default();
    let sink = Rc::clone(&replayed);
    let matcher = compile(&config.pattern).unwrap().matcher;
    let fetcher = ReplayFetcher::new(&run.rows());
    let mut again = ScraperRun::new(
        ScraperProgram::new(config, Rc::new(fetcher), matcher),
        move |e: &Event| sink.borrow_mut().push(*e),
    );
    assert_eq!(again.run_to_end(), Outcome::Completed);
    assert_eq!(*replayed.borrow(), *trace.borrow());
    assert_eq!(*again.rows(), *run.rows());
}
