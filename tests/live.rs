//! `canteen live` against real Redis servers (issue 14): each test starts its
//! own `redis-server` (Debian's, installed by scripts/setup.sh) on a free
//! 127.0.0.1 port, runs `canteen live … --json` with a small --time-scale,
//! bounded in time, and stops everything it started. A missing
//! `redis-server` fails the tests, saying so.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use canteen::cli::live::server::{Server, AOF_ALWAYS};
use common::{assert_fields, REPORT_FIELDS};

/// The longest a live run in these tests may take.
const BOUND: Duration = Duration::from_secs(90);

/// A server of the test's own in a temporary directory.
fn server(extra: &[&str]) -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let server = Server::start_in(dir.path(), None, extra).unwrap_or_else(|failure| {
        panic!(
            "{} (scripts/setup.sh redis installs it)",
            canteen::i18n::live::failure(&failure, canteen::lang::Lang::En)
        )
    });
    (server, dir)
}

/// `canteen ARGS`, started.
fn start(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_canteen"))
        .args(args)
        .env("LANG", "en_US.UTF-8")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the canteen binary runs")
}

/// Waits for `child` (killed past [`BOUND`]); its status, stdout, stderr.
fn finish(mut child: Child) -> (i32, String, String) {
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > BOUND {
            let _ = child.kill();
            let _ = child.wait();
            panic!("canteen live took longer than {BOUND:?}");
        }
        sleep(Duration::from_millis(20));
    };
    let mut out = String::new();
    let mut err = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status.code().unwrap_or(-1), out, err)
}

/// Runs `canteen live ARGS --json`, expects success; its report.
fn live_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["live"];
    all.extend_from_slice(args);
    all.push("--json");
    let (status, out, err) = finish(start(&all));
    assert_eq!(status, 0, "{err}\n{out}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn int(report: &serde_json::Value, path: &[&str]) -> i64 {
    let mut value = report;
    for key in path {
        value = &value[*key];
    }
    value
        .as_i64()
        .unwrap_or_else(|| panic!("{path:?} in {report}"))
}

/// A connection of the test's own.
fn connect(server: &Server) -> redis::Connection {
    redis::Client::open(server.url())
        .unwrap()
        .get_connection()
        .unwrap()
}

/// The value of the one run's counter `name` (0 while there is none).
fn counter(con: &mut redis::Connection, name: &str) -> i64 {
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("canteen:*:{name}"))
        .query(con)
        .unwrap_or_default();
    keys.first()
        .map_or(0, |key| redis::cmd("GET").arg(key).query(con).unwrap_or(0))
}

/// Waits (bounded) until the run's counter `name` reaches `at_least`.
fn wait_for(con: &mut redis::Connection, name: &str, at_least: i64) {
    let start = Instant::now();
    while counter(con, name) < at_least {
        assert!(start.elapsed() < BOUND, "{name} never reached {at_least}");
        sleep(Duration::from_millis(5));
    }
}

/// The books of a completed joinable run: every item made, put, processed
/// and acknowledged once, nothing left pending or unfinished.
fn assert_balanced(report: &serde_json::Value, items: i64) {
    assert_eq!(report["outcome"], "completed", "{report}");
    assert_eq!(report["conserved"], true, "{report}");
    assert_eq!(int(report, &["produced"]), items, "{report}");
    assert_eq!(int(report, &["task_done"]), items, "{report}");
    assert_eq!(int(report, &["unfinished"]), 0, "{report}");
    let view = &report["live"]["redis_view"];
    assert_eq!(view["balanced"], true, "{report}");
    assert_eq!(view["structure"], "stream", "{report}");
    assert_eq!(int(view, &["items_put"]), items, "{report}");
    assert_eq!(int(view, &["acknowledged"]), items, "{report}");
    assert_eq!(int(view, &["processed_items"]), items, "{report}");
    assert_eq!(int(view, &["pending"]), 0, "{report}");
    assert_eq!(int(view, &["unfinished"]), 0, "{report}");
    assert_eq!(int(view, &["not_put"]), 0, "{report}");
}

#[test]
fn hotdog_runs_balanced_and_beside_its_prediction() {
    let (server, _dir) = server(&[]);
    let url = server.url();
    let report = live_json(&[
        "hotdog",
        "--seed",
        "42",
        "--time-scale",
        "0.01",
        "--redis",
        &url,
    ]);
    assert_fields(&report, &REPORT_FIELDS, "canteen live hotdog");
    assert_balanced(&report, 10);
    assert_eq!(report["scenario"], "hotdog");
    assert_eq!(report["seed"], 42);
    assert_eq!(int(&report, &["consumed"]), 10);
    assert_eq!(int(&report, &["live", "redis_view", "duplicates"]), 0);
    assert_eq!(int(&report, &["live", "redis_view", "dead_letters"]), 0);
    assert_eq!(report["live"]["embedded"], false);
    // The simulation's prediction for the same settings, beside it.
    let prediction = &report["prediction"];
    assert_eq!(prediction["outcome"], "completed");
    assert_eq!(prediction["seed"], 42);
    assert_eq!(int(prediction, &["task_done"]), 10);
    assert!(report["stats"]["throughput_per_s"].as_f64().unwrap() > 0.0);
    // A shared server keeps none of the run's keys.
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("canteen:*")
        .query(&mut connect(&server))
        .unwrap();
    assert_eq!(keys, Vec::<String>::new());
}

#[test]
fn plain_is_reported_stuck_with_the_simulation_s_explanation() {
    // No --redis: canteen starts and stops its own embedded server.
    let report = live_json(&["plain", "--seed", "1", "--time-scale", "0.01"]);
    assert_eq!(report["live"]["embedded"], true);
    assert_eq!(report["outcome"], "stuck", "{report}");
    assert_eq!(int(&report, &["consumed"]), 4);
    assert_eq!(int(&report, &["in_queue"]), 0);
    assert_eq!(report["live"]["redis_view"]["structure"], "list");
    assert_eq!(report["live"]["redis_view"]["balanced"], true);
    let stuck = report["stuck"].as_array().unwrap();
    assert_eq!(stuck.len(), 1, "{report}");
    assert_eq!(stuck[0], report["prediction"]["stuck"][0], "{report}");
    assert!(stuck[0]["explanation"]
        .as_str()
        .unwrap()
        .contains("does not know when to end"));
}

#[test]
fn a_killed_consumer_s_item_is_claimed_and_processed_by_another() {
    let (server, _dir) = server(&[]);
    let url = server.url();
    let report = live_json(&[
        "termination",
        "--seed",
        "3",
        "--time-scale",
        "0.02",
        "--consume-delay",
        "const:300ms",
        "--kill-consumer",
        "1",
        "--broker-ack",
        "--visibility-timeout",
        "500ms",
        "--redis",
        &url,
        "--events",
    ]);
    assert_balanced(&report, 10);
    let events = report["events"].as_array().unwrap();
    let item_of = |kind: &str| -> Vec<(String, String)> {
        events
            .iter()
            .filter(|e| e["kind"] == kind)
            .map(|e| (e["actor"].to_string(), e["item"].to_string()))
            .collect()
    };
    let killed = item_of("killed");
    assert_eq!(killed.len(), 1, "{report}");
    assert!(killed[0].0.contains("consumer 1"), "{killed:?}");
    let item = &killed[0].1;
    // Redis redelivered it (XAUTOCLAIM) to the other consumer, who did it.
    let redelivered = item_of("redeliver");
    assert!(
        redelivered
            .iter()
            .any(|(actor, i)| i == item && actor.contains("consumer 2")),
        "{redelivered:?}"
    );
    assert!(item_of("task_done").iter().any(|(_, i)| i == item));
    assert!(int(&report, &["live", "redis_view", "deliveries"]) >= 11);
}

#[test]
fn a_delivery_past_its_visibility_timeout_is_processed_twice_and_counted() {
    let (server, _dir) = server(&[]);
    let url = server.url();
    // An item every 2 s, each taking 3 s, acknowledged within 300 ms or
    // claimed by the idle consumer: the later copy's ack is refused.
    let report = live_json(&[
        "termination",
        "--seed",
        "5",
        "--producers",
        "1",
        "--items",
        "2",
        "--produce-delay",
        "const:2s",
        "--consume-delay",
        "const:3s",
        "--broker-ack",
        "--visibility-timeout",
        "300ms",
        "--time-scale",
        "0.1",
        "--redis",
        &url,
    ]);
    assert_balanced(&report, 2);
    let duplicates = int(&report, &["live", "redis_view", "duplicates"]);
    assert!(duplicates >= 1, "{report}");
    // Each duplicate is a stale acknowledgement, counted as an error.
    assert_eq!(int(&report, &["errors"]), duplicates, "{report}");
}

#[test]
fn producers_that_lose_their_connection_reconnect_and_lose_nothing() {
    let (server, _dir) = server(&[]);
    let url = server.url();
    let child = start(&[
        "live",
        "hotdog",
        "--seed",
        "9",
        "--items",
        "10",
        "--produce-delay",
        "const:500ms",
        "--consume-delay",
        "const:100ms",
        "--time-scale",
        "0.1",
        "--redis",
        &url,
        "--json",
    ]);
    let mut con = connect(&server);
    wait_for(&mut con, "items", 4);
    // The server drops every producer's connection.
    let clients: String = redis::cmd("CLIENT").arg("LIST").query(&mut con).unwrap();
    let mut dropped = 0;
    for line in clients
        .lines()
        .filter(|l| l.contains("name=canteen-producer-"))
    {
        let id = line
            .split_whitespace()
            .find_map(|field| field.strip_prefix("id="))
            .unwrap();
        let killed: i64 = redis::cmd("CLIENT")
            .arg("KILL")
            .arg("ID")
            .arg(id)
            .query(&mut con)
            .unwrap();
        dropped += killed;
    }
    assert_eq!(dropped, 2, "{clients}");
    let (status, out, err) = finish(child);
    assert_eq!(status, 0, "{err}\n{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_balanced(&report, 20);
    assert!(
        int(&report, &["live", "redis_view", "reconnects"]) >= 2,
        "{report}"
    );
}

#[test]
fn a_redis_killed_mid_run_restarts_from_its_append_only_file_and_the_run_ends_balanced() {
    let (mut server, dir) = server(&AOF_ALWAYS);
    let url = server.url();
    let port = server.port();
    let child = start(&[
        "live",
        "hotdog",
        "--seed",
        "11",
        "--items",
        "10",
        "--consumers",
        "2",
        "--produce-delay",
        "const:200ms",
        "--consume-delay",
        "const:300ms",
        "--time-scale",
        "0.1",
        "--redis",
        &url,
        "--json",
    ]);
    let mut con = connect(&server);
    wait_for(&mut con, "acked", 3);
    let acked_before = counter(&mut con, "acked");
    drop(con);
    server.kill();
    sleep(Duration::from_millis(300));
    let server =
        Server::start_in(dir.path(), Some(port), &AOF_ALWAYS).unwrap_or_else(|f| panic!("{f:?}"));
    let (status, out, err) = finish(child);
    assert_eq!(status, 0, "{err}\n{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_balanced(&report, 20);
    let view = &report["live"]["redis_view"];
    assert!(int(view, &["reconnects"]) >= 1, "{report}");
    // What was acknowledged before the crash stayed acknowledged: nothing
    // was processed twice.
    assert!(acked_before >= 3);
    assert_eq!(int(view, &["duplicates"]), 0, "{report}");
    drop(server);
}

#[test]
fn options_without_a_live_counterpart_are_refused_at_the_option_in_the_user_s_language() {
    for (args, line) in [
        (
            vec!["live", "termination", "--compare"],
            "canteen: --compare: canteen live has no real counterpart for it yet\n",
        ),

        (
            vec!["live", "peak-shaving", "--overload"],
            "canteen: --overload: canteen live has no real counterpart for it yet\n",
        ),
        (
            vec!["live", "plain", "--time-scale", "0"],
            "canteen: --time-scale: '0' is not a decimal above 0 and up to 100 (0.01 runs 100 times faster)\n",
        ),
        (
            vec!["live", "hotdog", "--redis", "http://127.0.0.1:6379", "--lang", "zh"],
            "canteen: --redis 需要 redis://主机:端口/库 形式的地址\n",
        ),
    ] {
        let (status, out, err) = finish(start(&args));
        assert_eq!((status, out.as_str(), err.as_str()), (2, "", line), "{args:?}");
    }
}

#[test]
fn a_server_that_cannot_be_reached_is_one_line() {
    let port = canteen::cli::live::server::free_port().unwrap().to_string();
    let url = format!("redis://127.0.0.1:{port}/0");
    let (status, out, err) = finish(start(&["live", "hotdog", "--redis", &url]));
    assert_eq!(status, 1, "{out}");
    assert!(
        err.starts_with(&format!("canteen: cannot use the Redis server at {url}: ")),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn peak_shaving_for_real_rejects_in_the_burst_straight_and_serves_everything_through_redis() {
    let (server, _dir) = server(&[]);
    let url = server.url();
    // 20/s, and 120/s for 2 s, at a service of 4 workers of 100 ms (40/s).
    let report = live_json(&[
        "peak-shaving",
        "--seed",
        "3",
        "--duration",
        "6s",
        "--burst",
        "2s,2s,120",
        "--time-scale",
        "0.05",
        "--redis",
        &url,
    ]);
    let arrivals = int(&report, &["prediction", "direct", "arrivals"]);
    assert!(arrivals > 100, "{report}");
    let direct = &report["direct"];
    assert_eq!(int(direct, &["arrivals"]), arrivals, "{report}");
    assert_eq!(int(direct, &["failed"]), 0, "{report}");
    assert!(int(direct, &["turned_away"]) > 0, "{report}");
    assert_eq!(
        int(direct, &["served"]) + int(direct, &["turned_away"]),
        arrivals
    );
    let queued = &report["queued"];
    assert_eq!(int(queued, &["arrivals"]), arrivals, "{report}");
    assert_eq!(int(queued, &["failed"]), 0, "{report}");
    assert_eq!(int(queued, &["turned_away"]), 0, "{report}");
    assert_eq!(int(queued, &["served"]), arrivals, "{report}");
}

#[test]
fn a_bounded_queue_makes_producers_wait_in_put() {
    let (server, _dir) = server(&[]);
    let url = server.url();
    let report = live_json(&[
        "hotdog",
        "--seed",
        "42",
        "--capacity",
        "1",
        "--consume-delay",
        "const:500ms",
        "--time-scale",
        "0.02",
        "--redis",
        &url,
        "--events",
    ]);
    assert_balanced(&report, 10);
    let events = report["events"].as_array().unwrap();
    let blocked = events.iter().filter(|e| e["kind"] == "put_blocked").count();
    assert!(blocked >= 1, "{report}");
}

#[test]
fn until_stops_the_processes_at_the_time_limit() {
    let (server, _dir) = server(&[]);
    let url = server.url();
    let report = live_json(&[
        "hotdog",
        "--seed",
        "42",
        "--until",
        "2s",
        "--time-scale",
        "0.02",
        "--redis",
        &url,
    ]);
    assert_eq!(report["outcome"], "time_limit", "{report}");
    assert_eq!(report["prediction"]["outcome"], "time_limit");
    assert_eq!(report["end_time_ms"], 2000.0);
    assert_eq!(report["conserved"], true, "{report}");
    assert!(int(&report, &["task_done"]) < 10, "{report}");
}

#[test]
fn a_forgotten_task_done_leaves_main_in_join_forever_and_an_extra_one_raises() {
    let (server, _dir) = server(&[]);
    let url = server.url();
    let forgot = live_json(&[
        "termination",
        "--seed",
        "4",
        "--forget-task-done",
        "3",
        "--time-scale",
        "0.01",
        "--redis",
        &url,
    ]);
    assert_eq!(forgot["outcome"], "stuck", "{forgot}");
    assert_eq!(
        forgot["stuck"][0], forgot["prediction"]["stuck"][0],
        "{forgot}"
    );
    assert_eq!(forgot["stuck"][0]["waiting_on"], "q.join()", "{forgot}");
    assert_eq!(int(&forgot, &["task_done"]), 9);
    assert_eq!(int(&forgot, &["live", "redis_view", "unfinished"]), 1);
    assert_eq!(int(&forgot, &["live", "redis_view", "pending"]), 1);
    assert_eq!(forgot["live"]["redis_view"]["balanced"], true);
    // The last item's task_done() called twice: Python's ValueError.
    let extra = live_json(&[
        "termination",
        "--seed",
        "4",
        "--consumers",
        "1",
        "--extra-task-done",
        "10",
        "--time-scale",
        "0.01",
        "--redis",
        &url,
        "--events",
    ]);
    assert_balanced(&extra, 10);
    assert_eq!(int(&extra, &["errors"]), 1, "{extra}");
    let raised = extra["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "error")
        .count();
    assert_eq!(raised, 1, "{extra}");
    assert_eq!(int(&extra, &["prediction", "errors"]), 1, "{extra}");
}

#[test]
fn shutdown_drains_the_stream_and_shutdown_immediate_deletes_what_waits() {
    let (server, _dir) = server(&[]);
    let url = server.url();
    let slow = [
        "--seed",
        "4",
        "--consumers",
        "1",
        "--consume-delay",
        "const:500ms",
        "--produce-delay",
        "const:100ms",
        "--time-scale",
        "0.02",
        "--redis",
        &url,
        "--events",
    ];
    let count = |report: &serde_json::Value, kind: &str| {
        let events = report["events"].as_array().unwrap();
        events.iter().filter(|e| e["kind"] == kind).count() as i64
    };
    let mut args = vec!["termination", "--strategy", "shutdown"];
    args.extend_from_slice(&slow);
    let drained = live_json(&args);
    assert_balanced(&drained, 10);
    assert_eq!(count(&drained, "get_shut_down"), 1, "{drained}");
    let mut args = vec!["termination", "--strategy", "shutdown-immediate"];
    args.extend_from_slice(&slow);
    let cut = live_json(&args);
    assert_eq!(cut["outcome"], "completed", "{cut}");
    assert_eq!(cut["conserved"], true, "{cut}");
    let view = &cut["live"]["redis_view"];
    assert_eq!(view["balanced"], true, "{cut}");
    let dropped = int(&cut, &["dropped"]);
    assert!(dropped >= 1, "{cut}");
    assert_eq!(int(view, &["dropped"]), dropped, "{cut}");
    assert_eq!(int(view, &["processed_items"]) + dropped, 10, "{cut}");
    assert_eq!(int(view, &["unfinished"]), 0, "{cut}");
    assert_eq!(count(&cut, "drop"), dropped, "{cut}");
}

#[test]
fn kill_chance_one_kills_the_consumer_during_an_item_it_holds() {
    let (server, _dir) = server(&[]);
    let url = server.url();
    let report = live_json(&[
        "termination",
        "--seed",
        "6",
        "--kill-consumer",
        "2",
        "--kill-chance",
        "1",
        "--broker-ack",
        "--visibility-timeout",
        "300ms",
        "--time-scale",
        "0.02",
        "--redis",
        &url,
        "--events",
    ]);
    assert_balanced(&report, 10);
    let events = report["events"].as_array().unwrap();
    // The kill names what the process held when SIGKILL landed, read from
    // all it wrote (not from main's view when it chose, which may lag): the
    // last item it got, unless it had finished it (then nothing).
    let mine: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e["actor"] == "consumer 2")
        .collect();
    let kills = mine.iter().filter(|e| e["kind"] == "killed").count();
    assert_eq!(kills, 1, "{report}");
    let n = mine.len();
    assert_eq!(mine[n - 1]["kind"], "killed", "{report}");
    let last_get = mine.iter().rposition(|e| e["kind"] == "get").unwrap();
    let finished = mine[last_get + 1..n - 1]
        .iter()
        .any(|e| e["kind"] == "consume" && e["item"] == mine[last_get]["item"]);
    let held = if finished {
        serde_json::Value::Null
    } else {
        mine[last_get]["item"].clone()
    };
    assert_eq!(mine[n - 1]["item"], held, "{report}");
}

#[test]
fn a_worker_for_a_run_the_server_does_not_have_says_so() {
    let (server, _dir) = server(&[]);
    let url = server.url();
    let (status, out, err) = finish(start(&[
        "worker", "consumer", "--redis", &url, "--run", "nope", "--index", "1",
    ]));
    assert_eq!(
        (status, out.as_str(), err.as_str()),
        (1, "", "canteen: no run nope on this Redis server\n")
    );
}

/// A raw HTTP/1.1 GET of `path` on 127.0.0.1:`port`: the status line, the
/// headers and the body read until the server closes (or `until` is in it).
fn http_get(port: u16, path: &str, until: Option<&str>) -> (String, String) {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("the page's server");
    stream.set_read_timeout(Some(BOUND)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = stream.read(&mut buffer).unwrap_or(0);
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&buffer[..n]);
        if until.is_some_and(|u| String::from_utf8_lossy(&bytes).contains(u)) {
            break;
        }
    }
    let text = String::from_utf8_lossy(&bytes).to_string();
    let (head, body) = text.split_once("\r\n\r\n").expect("a response");
    (head.to_string(), body.to_string())
}

/// A directory holding a built page of `files` (names under `dist/`).
fn built_page(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let page = tempfile::tempdir().unwrap();
    std::fs::create_dir(page.path().join("dist")).unwrap();
    for (name, bytes) in files {
        std::fs::write(page.path().join("dist").join(name), bytes).unwrap();
    }
    page
}

/// `canteen live hotdog … --serve EXTRA` on `url`, serving `page`'s dist/;
/// its standard output piped.
fn serve(page: &tempfile::TempDir, url: &str, extra: &[&str], stderr: Stdio) -> Child {
    Command::new(env!("CARGO_BIN_EXE_canteen"))
        .args(["live", "hotdog", "--seed", "42", "--time-scale", "0.01"])
        .args(["--redis", url, "--serve"])
        .args(extra)
        .args(["--lang", "en"])
        .current_dir(page.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

#[test]
fn serve_serves_the_page_on_loopback_and_streams_the_run_s_events() {
    use std::io::{BufRead, BufReader};
    let (server, _dir) = server(&[]);
    let url = server.url();
    // A page directory of the test's own: what --serve serves is dist/ here.
    let page = built_page(&[("index.html", b"<p>canteen page</p>"), ("a.wasm", b"\0asm")]);
    let mut child = serve(&page, &url, &[], Stdio::null());
    let mut out = BufReader::new(child.stdout.take().unwrap());
    // The address it prints: loopback, a free port, ?live and the settings.
    let mut line = String::new();
    let address = loop {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "no address printed");
        if let Some(at) = line.find("http://") {
            break line[at..].split_whitespace().next().unwrap().to_string();
        }
    };
    let rest = address.strip_prefix("http://127.0.0.1:").expect(&address);
    let (port, path) = rest.split_once('/').unwrap();
    let port: u16 = port.parse().unwrap();
    assert!(path.starts_with("?live#s=hotdog&seed=42&"), "{path}");
    let (head, body) = http_get(port, "/", None);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.to_lowercase().contains("content-type: text/html"),
        "{head}"
    );
    assert_eq!(body, "<p>canteen page</p>");
    let (head, _) = http_get(port, "/a.wasm", None);
    assert!(
        head.to_lowercase()
            .contains("content-type: application/wasm"),
        "{head}"
    );
    let (head, _) = http_get(port, "/../Cargo.toml", None);
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");
    let (head, info) = http_get(port, "/live/info", None);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let info: serde_json::Value = serde_json::from_str(&info).unwrap();
    assert_eq!(info["prediction"]["outcome"], "completed");
    assert!(info["link"]
        .as_str()
        .unwrap()
        .starts_with("s=hotdog&seed=42"));
    // The stream: every event of the run from the first, then its end.
    let (head, stream) = http_get(port, "/live/events", Some("data: end "));
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        head.to_lowercase()
            .contains("content-type: text/event-stream"),
        "{head}"
    );
    let lines: Vec<&str> = stream
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .collect();
    let count = |kind: &str| {
        lines
            .iter()
            .filter(|l| l.split_whitespace().nth(3) == Some(kind))
            .count()
    };
    assert_eq!(count("produce"), 10, "{lines:?}");
    assert_eq!(count("consume"), 10, "{lines:?}");
    assert_eq!(count("task_done"), 10, "{lines:?}");
    assert!(
        lines.iter().any(|l| l.starts_with("end completed")),
        "{lines:?}"
    );
    // First the simulation's prediction: its end and the 10 items consumed.
    let predicted: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(predicted[0], "predicted", "{lines:?}");
    assert_eq!(predicted[2..], ["10", "completed"], "{lines:?}");
}

#[test]
fn serve_with_json_keeps_the_address_off_the_report() {
    use std::io::{BufRead, BufReader};
    let (server, _dir) = server(&[]);
    let url = server.url();
    let page = built_page(&[("index.html", b"<p>page</p>")]);
    let mut child = serve(&page, &url, &["--json"], Stdio::piped());
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut address = String::new();
    err.read_line(&mut address).unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut report = String::new();
    out.read_line(&mut report).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(address.contains("http://127.0.0.1:"), "{address}");
    let report: serde_json::Value = serde_json::from_str(&report).expect("stdout is the report");
    assert_eq!(int(&report, &["consumed"]), 10);
}

#[test]
fn serve_without_a_built_page_says_so_in_one_line() {
    let empty = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_canteen"))
        .args([
            "live",
            "hotdog",
            "--time-scale",
            "0.01",
            "--serve",
            "--lang",
            "en",
        ])
        .current_dir(empty.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.trim(),
        "canteen: --serve: no built page at dist/index.html here (run make dist first)"
    );
}
