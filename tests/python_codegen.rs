//! The generated Python programs: they carry the settings and the injected
//! failures, `canteen python` prints them, and — when `python3` is on PATH —
//! every one runs as is (with a tiny `TIME_SCALE`) and its last line counts
//! what Canteen's run of the same settings counts. The scraper's program is
//! run against the bundled sample pages served by `python3 -m http.server`
//! and counts what the native scraper counts.
//!
//! The runs compare counts, never timings; the few counts that depend on
//! how real processes happen to interleave are left out where noted.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use strum::VariantArray;

use canteen::delay::Delay;
use canteen::i18n::{actor_name, log_line};
use canteen::lang::Lang;
use canteen::python::scraper::{scraper_code, BASE_URL_LINE};
use canteen::python::{python_code, EXIT_NEEDS_313, EXIT_STUCK, TIME_SCALE_LINE};
use canteen::run::Outcome;
use canteen::scenario::ending::{Kill, KillWhen, Strategy};
use canteen::scenario::{Config, ScenarioKind};
use canteen::scraper::{ScraperConfig, Shape};
use canteen::termination::report::Lab;
use canteen::trace::{ActorId, Event, EventKind, ItemId, Role};
use common::canteen;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn hotdog() -> Config {
    Config::defaults(ScenarioKind::Hotdog, 42)
}

/// Three producers of four items, two consumers, a queue of two, three
/// kinds of delay.
fn custom() -> Config {
    Config {
        producers: 3,
        consumers: 2,
        items: 4,
        capacity: 2,
        produce_delay: Delay::Exp(ms(30)),
        consume_delay: Delay::Const(ms(20)),
        ..Config::defaults(ScenarioKind::Custom, 7)
    }
}

/// Many producers and consumers: they are kept in lists.
fn crowd() -> Config {
    Config {
        producers: 6,
        consumers: 5,
        items: 3,
        capacity: 0,
        produce_delay: Delay::Uniform(ms(5), ms(15)),
        consume_delay: Delay::Exp(ms(10)),
        ..Config::defaults(ScenarioKind::Custom, 7)
    }
}

/// The lab (two shops of five hot dogs, two consumers) with `strategy`.
fn lab(strategy: Strategy) -> Config {
    let mut config = Config::defaults(ScenarioKind::Termination, 42);
    config.termination.strategy = strategy;
    config
}

/// Consumer `consumer` dies halfway through its first item.
fn killing(mut config: Config, consumer: u32) -> Config {
    config.termination.kill = Some(Kill {
        consumer,
        when: KillWhen::At(Duration::ZERO),
    });
    config
}

/// One slow producer of three items that are eaten at once, and one
/// `task_done()` too many after the first: nothing else is unfinished
/// then, so it raises, in the run and in Python alike (200 s of produce
/// delay is 200 ms at the tests' time scale: room for a busy machine).
fn extra_first(strategy: Strategy) -> Config {
    let mut config = lab(strategy);
    config.producers = 1;
    config.items = 3;
    config.produce_delay = Delay::Const(Duration::from_secs(200));
    config.consume_delay = Delay::Const(Duration::ZERO);
    config.termination.extra_task_done = Some(1);
    config
}

// ---- the programs' text ----------------------------------------------------------------------

#[test]
fn hotdog_code_follows_the_seed() {
    let code = python_code(&hotdog(), Lang::Zh);
    for needle in [
        "from multiprocessing import Process, JoinableQueue, Array",
        TIME_SCALE_LINE,
        "def product(q, name, counts):",
        "for i in range(5):",
        r#"dog = "%s的热狗%s" % (name, (i + 1))"#,
        "time.sleep(random.uniform(0.0, 1.0) * TIME_SCALE)",
        r#"say("生产了 %s" % dog)"#,
        r#"say("消费了%s" % dog)"#,
        "q.task_done()",
        "q = JoinableQueue()",
        r#"p1 = Process(target=product, args=(q, "上海分店", counts))"#,
        r#"p2 = Process(target=product, args=(q, "北京分店", counts))"#,
        r#"c = Process(target=customer, args=(q, "消费者1", counts))"#,
        "p1.join()",
        "p2.join()  # 代码走到这里意味着生产方完成",
        "q.join()  # 意味着队列中的任务都处理完成了",
        "c.terminate()  # 直接终止消费者进程",
        "finish(counts, False)",
        "if __name__ == '__main__':",
        "# 生产者任务",
    ] {
        assert!(code.contains(needle), "missing {needle:?} in\n{code}");
    }
    assert!(!code.contains("maxsize"), "unbounded by default");
    assert!(!code.contains("TIMEOUT"), "nothing here can wait forever");
    // The English program has English comments and lines.
    let en = python_code(&hotdog(), Lang::En);
    assert!(en.contains(r#"p1 = Process(target=product, args=(q, "Shanghai shop", counts))"#));
    assert!(en.contains(r#"say("made %s" % dog)"#));
    assert!(en.contains("# Producer task"));
    assert!(
        !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{en}"
    );
}

#[test]
fn custom_code_carries_every_setting() {
    let code = python_code(&custom(), Lang::En);
    for needle in [
        "q = JoinableQueue(maxsize=2)",
        "for i in range(4):",
        "time.sleep(random.expovariate(1 / 0.03) * TIME_SCALE)",
        "time.sleep(0.02 * TIME_SCALE)",
        r#"p3 = Process(target=product, args=(q, "producer 3", counts))"#,
        r#"c1 = Process(target=customer, args=(q, "consumer 1", counts))"#,
        "c2.terminate()",
        r#"data = "item %s of %s" % ((i + 1), name)"#,
    ] {
        assert!(code.contains(needle), "missing {needle:?} in\n{code}");
    }
    assert!(!code.contains("p4 ="));
    assert!(!code.contains("c3 ="));

    let crowd = python_code(&crowd(), Lang::Zh);
    for needle in [
        r#"names = ["生产者%d" % (i + 1) for i in range(6)]"#,
        r#"consumers = [Process(target=customer, args=(q, "消费者%d" % (i + 1), counts)) for i in range(5)]"#,
        "time.sleep(random.uniform(0.005, 0.015) * TIME_SCALE)",
        "time.sleep(random.expovariate(1 / 0.01) * TIME_SCALE)",
    ] {
        assert!(crowd.contains(needle), "missing {needle:?} in\n{crowd}");
    }
}

#[test]
fn plain_code_uses_a_plain_queue_and_a_bounded_wait() {
    let code = python_code(&Config::defaults(ScenarioKind::Plain, 1), Lang::Zh);
    for needle in [
        "from multiprocessing import Process, Queue, Array",
        "q = Queue()",
        "TIMEOUT = 2.0 + 1.0 * TIME_SCALE",
        "stuck = not wait(lambda: not c.is_alive(), counts)",
        "# 问题: 消费者不知道什么时候结束",
        "c.terminate()",
        "finish(counts, stuck)",
    ] {
        assert!(code.contains(needle), "missing {needle:?} in\n{code}");
    }
    let calls = |call: &str| code.lines().any(|l| l.trim_start().starts_with(call));
    assert!(!calls("q.task_done()"), "{code}");
    assert!(!calls("q.join()"), "{code}");
    assert!(!code.contains("JoinableQueue("), "{code}");
}

/// Every program of the lab, each strategy with each failure option.
fn lab_programs() -> Vec<(String, Config)> {
    let mut out = Vec::new();
    for &strategy in Strategy::VARIANTS {
        out.push((format!("{strategy}"), lab(strategy)));
        let mut forget = lab(strategy);
        forget.termination.forget_task_done = Some(3);
        out.push((format!("{strategy} forget"), forget));
        out.push((format!("{strategy} extra"), extra_first(strategy)));
        out.push((format!("{strategy} kill"), killing(lab(strategy), 1)));
        let mut broker = lab(strategy);
        broker.termination.broker_ack = true;
        out.push((format!("{strategy} broker"), broker));
    }
    out
}

#[test]
fn every_printed_line_is_one_write() {
    let mut programs = lab_programs();
    programs.extend([
        (
            "plain".to_string(),
            Config::defaults(ScenarioKind::Plain, 1),
        ),
        ("hotdog".to_string(), hotdog()),
        ("crowd".to_string(), crowd()),
    ]);
    for (name, config) in programs {
        for lang in [Lang::Zh, Lang::En] {
            let code = python_code(&config, lang);
            // print() writes its arguments, separators and end one by one
            // when Python runs unbuffered: only say() writes.
            assert!(!code.contains("print("), "{name}:\n{code}");
            let writes: Vec<&str> = code
                .lines()
                .filter(|l| l.contains("sys.stdout.write("))
                .collect();
            assert_eq!(writes, ["    sys.stdout.write(line + \"\\n\")"], "{name}");
        }
    }
}

#[test]
fn each_strategy_has_its_own_program() {
    let code = |s| python_code(&lab(s), Lang::En);
    let none = code(Strategy::None);
    for needle in [
        // The lab's consumers mark items done, as in the run; main never joins.
        "q = JoinableQueue()",
        "q.task_done()  #",
        "TIMEOUT = ",
        "stuck = not wait(lambda: not any(c.is_alive() for c in [c1, c2]), counts)",
        "# They still call task_done() (as in Canteen's run), but main never calls q.join().",
    ] {
        assert!(none.contains(needle), "missing {needle:?} in\n{none}");
    }
    assert!(!none.contains("    q.join()"), "{none}");

    let seed = code(Strategy::JoinTerminate);
    assert!(seed.contains("q.join()  #"), "{seed}");
    assert!(seed.contains("c2.terminate()  #"), "{seed}");
    assert!(!seed.contains("TIMEOUT"), "{seed}");

    let daemon = code(Strategy::Daemon);
    assert!(daemon.contains("c1.daemon = True  #"), "{daemon}");
    assert!(daemon.contains("q.join()  #"), "{daemon}");
    assert!(!daemon.contains(".terminate()"), "{daemon}");

    let sentinel = code(Strategy::Sentinel);
    for needle in [
        "if dog is None:  #",
        "for _ in range(2):\n        q.put(None)",
        "c1.join()\n    c2.join()",
    ] {
        assert!(
            sentinel.contains(needle),
            "missing {needle:?} in\n{sentinel}"
        );
    }
    let pill = sentinel.find("if dog is None:").unwrap();
    assert!(sentinel[pill..].starts_with(
        "if dog is None:  # the sentinel (poison pill): production is over, this consumer ends\n            q.task_done()"
    ));
    assert!(!sentinel.contains("terminate()"), "{sentinel}");
    assert!(!sentinel.contains("TIMEOUT"), "{sentinel}");

    let bug = code(Strategy::SentinelBug);
    assert_eq!(bug.matches("q.put(None)").count(), 1, "{bug}");
    assert!(bug.contains("TIMEOUT = "), "{bug}");
    assert!(bug.contains("# The bug: one sentinel None"), "{bug}");

    for (strategy, call) in [
        (Strategy::Shutdown, "q.shutdown()  #"),
        (Strategy::ShutdownImmediate, "q.shutdown(immediate=True)  #"),
    ] {
        let code = code(strategy);
        for needle in [
            "# multiprocessing.JoinableQueue has no shutdown()",
            "from threading import Thread",
            "if sys.version_info < (3, 13):",
            "sys.stderr.write(",
            &format!("sys.exit({EXIT_NEEDS_313})"),
            "q = queue.Queue()",
            "except queue.ShutDown:",
            r#"c1 = Thread(target=customer, args=(q, "consumer 1", counts))"#,
            call,
            "c2.join()",
        ] {
            assert!(
                code.contains(needle),
                "{strategy}: missing {needle:?} in\n{code}"
            );
        }
        assert!(!code.contains("Process("), "{code}");
    }
    let immediate = code(Strategy::ShutdownImmediate);
    assert!(immediate.contains("finish(counts, False, n[PRODUCED] - n[CONSUMED] - n[IN_HAND])"));
}

#[test]
fn the_failure_options_change_the_program() {
    let base = python_code(&lab(Strategy::JoinTerminate), Lang::En);
    for absent in [
        "FORGET_TASK_DONE",
        "EXTRA_TASK_DONE",
        "KILL_AT",
        "kill()",
        "ValueError",
    ] {
        assert!(!base.contains(absent), "{absent}");
    }

    // A forgotten task_done() is not called, and q.join() is waited for
    // with a bound.
    let mut forget = lab(Strategy::JoinTerminate);
    forget.termination.forget_task_done = Some(3);
    let code = python_code(&forget, Lang::En);
    for needle in [
        "FORGET_TASK_DONE = 3  #",
        "if n == FORGET_TASK_DONE:  # the failure: task_done() forgotten\n            say(\"%s forgot task_done() for %s\" % (name, dog))\n        else:\n            add(counts, TASK_DONE)\n            q.task_done()",
        "joining = Thread(target=q.join, daemon=True)",
        "stuck = not wait(lambda: not joining.is_alive(), counts)",
        "q.join() is still waiting",
        "finish(counts, stuck)",
        "- item no. 3 processed is never marked task_done() (FORGET_TASK_DONE)",
    ] {
        assert!(code.contains(needle), "missing {needle:?} in\n{code}");
    }

    // An extra one is really called, and its ValueError caught and counted.
    let code = python_code(&extra_first(Strategy::JoinTerminate), Lang::En);
    for needle in [
        "EXTRA_TASK_DONE = 1  #",
        "if n == EXTRA_TASK_DONE:  # the failure: one task_done() too many\n            try:\n                add(counts, TASK_DONE)\n                q.task_done()",
        "except ValueError as e:\n                add(counts, TASK_DONE, -1)\n                add(counts, ERRORS)",
    ] {
        assert!(code.contains(needle), "missing {needle:?} in\n{code}");
    }
    // With sentinels, the sentinel's own task_done() may be the one that raises.
    let code = python_code(&extra_first(Strategy::Sentinel), Lang::En);
    assert!(code.contains("if dog is None:  # the sentinel (poison pill): production is over, this consumer ends\n            try:\n                q.task_done()"), "{code}");

    // A killed consumer's process is killed by main, mid-item.
    let mut kill = lab(Strategy::Sentinel);
    kill.termination.kill = Some(Kill {
        consumer: 2,
        when: KillWhen::At(ms(1500)),
    });
    let code = python_code(&kill, Lang::En);
    for needle in [
        "from multiprocessing import Process, JoinableQueue, Array, SimpleQueue",
        "KILL_AT = 1.5  #",
        "def death(start, work):\n",
        "    if KILL_AT < start:\n        return start + work / 2\n    if KILL_AT < start + work:\n        return KILL_AT\n    return None",
        "def kill_when_dying(c, name, dying):",
        "    dog = dying.get()\n    c.kill()  #",
        "def customer(q, name, counts, dying=None, t0=0.0):",
        "dying.put(dog)  #",
        "t0 = time.monotonic()  #",
        "    dying = SimpleQueue()\n",
        r#"c1 = Process(target=customer, args=(q, "consumer 1", counts, None, t0))"#,
        r#"c2 = Process(target=customer, args=(q, "consumer 2", counts, dying, t0))"#,
        r#"Thread(target=kill_when_dying, args=(c2, "consumer 2", dying), daemon=True).start()"#,
        "- consumer 2 is killed with kill() during the item it works on at 1500ms",
    ] {
        assert!(code.contains(needle), "missing {needle:?} in\n{code}");
    }
    // By chance, in a list of consumers; a bounded queue may then block
    // the producers forever.
    let mut chance = lab(Strategy::JoinTerminate);
    chance.consumers = 6;
    chance.capacity = 2;
    chance.termination.kill = Some(Kill {
        consumer: 5,
        when: KillWhen::Chance(0.25),
    });
    let code = python_code(&chance, Lang::Zh);
    for needle in [
        "KILL_CHANCE = 0.25  #",
        "if random.random() < KILL_CHANCE:",
        r#"consumers = [Process(target=customer, args=(q, "消费者%d" % (i + 1), counts, dying if i + 1 == 5 else None, t0)) for i in range(6)]"#,
        r#"Thread(target=kill_when_dying, args=(consumers[4], "消费者5", dying), daemon=True).start()"#,
        "if not wait(lambda: not any(p.is_alive() for p in [p1, p2]), counts):",
        "q.put()：队列满了",
    ] {
        assert!(code.contains(needle), "missing {needle:?} in\n{code}");
    }
    // A thread cannot be killed: it stops, and the header says so.
    let code = python_code(&killing(lab(Strategy::Shutdown), 1), Lang::En);
    assert!(code.contains("# A thread cannot be killed"), "{code}");
    assert!(
        code.contains(
            "died while working on %s (the thread returns)\" % (name, dog))\n            return"
        ),
        "{code}"
    );
    assert!(!code.contains("kill_when_dying"), "{code}");

    // What multiprocessing cannot express is said in the header.
    let mut broker = lab(Strategy::JoinTerminate);
    broker.termination.broker_ack = true;
    let code = python_code(&broker, Lang::En);
    let header = &code[..code.find("\"\"\"\nfrom").unwrap()];
    assert!(
        header.contains(
            "--broker-ack (broker acknowledgements, the visibility timeout and --max-deliveries) cannot be"
        ),
        "{header}"
    );
    assert!(header.contains("its counts are those of the same run without --broker-ack"));
    assert!(!base.contains("--broker-ack"));
}

// ---- canteen python ----------------------------------------------------------------------------

fn stdout_of(args: &[&str]) -> String {
    let out = canteen(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn canteen_python_prints_the_pages_program() {
    assert_eq!(
        stdout_of(&["python", "hotdog", "--lang", "zh"]),
        python_code(&hotdog(), Lang::Zh)
    );
    assert_eq!(
        stdout_of(&[
            "python",
            "custom",
            "--producers",
            "3",
            "--consumers",
            "2",
            "--items",
            "4",
            "--capacity",
            "2",
            "--produce-delay",
            "exp:30ms",
            "--consume-delay",
            "const:20ms",
        ]),
        python_code(&custom(), Lang::En)
    );
    let mut lab_config = lab(Strategy::Daemon);
    lab_config.termination.forget_task_done = Some(2);
    let lab_config = killing(lab_config, 2);
    assert_eq!(
        stdout_of(&[
            "python",
            "termination",
            "--strategy",
            "daemon",
            "--forget-task-done",
            "2",
            "--kill-consumer",
            "2",
            "--seed",
            "9",
        ]),
        python_code(&lab_config, Lang::En)
    );
    let pages = ["pages/gallery.html", "pages/zh-menu.html"];
    let mut config = ScraperConfig::defaults(pages.map(String::from).to_vec(), 1);
    config.counters = 3;
    config.shape = Shape::Plain;
    assert_eq!(
        stdout_of(&[
            "python",
            "scraper",
            "--pages",
            pages[0],
            pages[1],
            "--counters",
            "3",
            "--shape",
            "plain",
            "--lang",
            "zh",
        ]),
        scraper_code(&config, Lang::Zh)
    );
}

#[test]
fn canteen_python_refuses_bad_options_in_one_line() {
    let cases: [(&[&str], &str); 7] = [
        (&["python"], "run needs a scenario"),
        (&["python", "soup"], "unknown scenario 'soup'"),
        (&["python", "hotdog", "--items", "x"], "--items: 'x' is not"),
        (
            &["python", "hotdog", "--json"],
            "--json: canteen python prints a program",
        ),
        (&["python", "termination", "--compare"], "--compare:"),
        (
            &["python", "peak-shaving"],
            "peak-shaving has no Python program",
        ),
        (
            &[
                "python",
                "scraper",
                "--pages",
                "a",
                "--regex",
                "src=//(.*? width",
            ],
            "--regex: Python rejects this pattern",
        ),
    ];
    for (args, expected) in cases {
        let out = canteen(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
}

// ---- running the programs ----------------------------------------------------------------------

/// The tiny time scale the runs use: a 1 s delay becomes 1 ms.
const FAST: &str = "TIME_SCALE = 0.001";

/// Programs run at once: they mostly sleep, waiting for quiet.
const PARALLEL: usize = 8;

/// The Python 3 the runs use: its executable (resolved once, past any
/// launcher script) and whether it has `Queue.shutdown` (3.13+).
struct Python {
    exe: PathBuf,
    has_shutdown: bool,
}

/// `python3` on PATH, or `None` with a note.
fn python3() -> Option<Python> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys; print(sys.executable); print(sys.version_info >= (3, 13))",
        ])
        .stderr(Stdio::null())
        .output();
    let found = out.ok().filter(|o| o.status.success()).and_then(|o| {
        let text = String::from_utf8(o.stdout).ok()?;
        let mut lines = text.lines();
        Some(Python {
            exe: PathBuf::from(lines.next()?),
            has_shutdown: lines.next()? == "True",
        })
    });
    if found.is_none() {
        eprintln!("note: python3 is not on PATH; the generated programs were not run");
    }
    found
}

/// What a program printed and how it exited.
struct Ran {
    status: Option<i32>,
    lines: Vec<String>,
    stderr: String,
}

impl Ran {
    /// The last line's `key=value` pairs.
    fn last(&self) -> BTreeMap<String, String> {
        let last = self.lines.last().map(String::as_str).unwrap_or_default();
        last.split(' ')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn has_line(&self, prefix: &str) -> bool {
        self.lines.iter().any(|l| l.starts_with(prefix))
    }

    fn count_lines(&self, prefix: &str) -> usize {
        self.lines.iter().filter(|l| l.starts_with(prefix)).count()
    }
}

/// Runs `code` (with the tiny time scale) as `file` (behind this process's id), unbuffered as on
/// these machines, so one write per line is what keeps lines whole.
fn run_python(python: &Python, code: &str, file: &str) -> Ran {
    assert!(code.contains(TIME_SCALE_LINE), "{file}");
    let code = code.replacen(TIME_SCALE_LINE, FAST, 1);
    // Named after this process too: two test runs at once (two checkouts'
    // `cargo test`, or one started while another runs) must not run each
    // other's programs, or one half-written.
    let file = format!("{}-{file}", std::process::id());
    let path: PathBuf = [env!("CARGO_TARGET_TMPDIR"), &file].iter().collect();
    std::fs::write(&path, code).unwrap();
    let mut child = Command::new(&python.exe)
        .arg(&path)
        .env("PYTHONIOENCODING", "utf-8")
        .env("PYTHONUNBUFFERED", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read while it runs, so a full pipe cannot stall it.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        stdout.read_to_string(&mut out).map(|_| out)
    });
    let status = wait_or_kill(&mut child, Duration::from_secs(120), &path);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let out = reader.join().unwrap().unwrap();
    std::fs::remove_file(&path).ok();
    Ran {
        status,
        lines: out.lines().map(str::to_string).collect(),
        stderr,
    }
}

/// Waits for `child`; a guard against a program that never ends, not a
/// speed check.
fn wait_or_kill(child: &mut Child, limit: Duration, path: &Path) -> Option<i32> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("{} did not end within {limit:?}", path.display());
        }
        std::thread::sleep(ms(20));
    }
}

/// Runs `jobs` on a few threads at once; returns their results in order.
fn in_parallel<T: Sync, R: Send>(jobs: &[T], run: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = Mutex::new(0usize);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(jobs.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL.min(jobs.len()) {
            scope.spawn(|| loop {
                let i = {
                    let mut next = next.lock().unwrap();
                    *next += 1;
                    *next - 1
                };
                let Some(job) = jobs.get(i) else { break };
                let result = run(job);
                results.lock().unwrap()[i] = Some(result);
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.expect("every job ran"))
        .collect()
}

/// The counts of Canteen's run of `config`, as the program's last line
/// names them, plus `unfinished`.
fn engine_counts(config: &Config) -> BTreeMap<String, String> {
    let mut lab = Lab::new(config.clone(), |_| {});
    lab.run_mut().run_to_end();
    let r = lab.report();
    let outcome = match r.run.outcome {
        Outcome::Completed => "completed",
        Outcome::Stuck => "stuck",
        other => panic!("{other:?}"),
    };
    [
        ("produced", r.run.produced),
        ("consumed", r.run.consumed),
        ("task_done", r.run.task_done),
        ("errors", r.run.errors),
        ("lost", r.fates.lost + r.fates.in_progress),
        ("dropped", r.run.dropped),
        ("unfinished", r.run.unfinished),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .chain([("outcome".to_string(), outcome.to_string())])
    .collect()
}

/// One program to run and what to hold it to.
struct Case {
    name: String,
    config: Config,
    lang: Lang,
    /// The counts that depend on how real processes interleave.
    racy: &'static [&'static str],
}

impl Case {
    fn new(name: &str, config: Config, lang: Lang) -> Case {
        Case {
            name: name.to_string(),
            config,
            lang,
            racy: &[],
        }
    }
}

/// The page's log line for `kind` on `item`.
fn page_line(config: &Config, kind: EventKind, item: ItemId, lang: Lang) -> String {
    let event = Event {
        time: 0,
        actor: ActorId(1),
        kind,
        item: Some(item),
    };
    log_line(config.scenario, &event, &config.roles(), lang)
}

/// Every item was made and eaten once, with the page's own log lines.
fn check_every_item_logged(ran: &Ran, case: &Case) {
    let config = &case.config;
    let items: Vec<ItemId> = (0..config.producers)
        .flat_map(|origin| (1..=config.items).map(move |seq| ItemId { origin, seq }))
        .collect();
    for kind in [EventKind::Produce, EventKind::Consume] {
        let expected: BTreeSet<String> = items
            .iter()
            .map(|&item| page_line(config, kind, item, case.lang))
            .collect();
        let printed: Vec<&String> = ran.lines.iter().filter(|l| expected.contains(*l)).collect();
        assert_eq!(printed.len(), items.len(), "{}: {kind}", case.name);
        let distinct: BTreeSet<&String> = printed.into_iter().collect();
        assert_eq!(distinct.len(), items.len(), "{}: {kind}", case.name);
    }
}

/// Checks one run against the engine's run of the same settings.
fn check_case(python: &Python, case: &Case, ran: &Ran) {
    let name = &case.name;
    let config = &case.config;
    let lang = case.lang;
    let context = format!("{name}:\n{}\n{}", ran.lines.join("\n"), ran.stderr);
    let threaded = matches!(
        config.strategy(),
        Strategy::Shutdown | Strategy::ShutdownImmediate
    );
    if threaded && !python.has_shutdown {
        assert_eq!(ran.status, Some(EXIT_NEEDS_313), "{context}");
        assert!(ran.lines.is_empty(), "{context}");
        let needs = lang.pick("这个程序需要 Python 3.13", "This program needs Python 3.13");
        assert!(ran.stderr.starts_with(needs), "{context}");
        return;
    }
    assert!(ran.stderr.is_empty(), "{context}");
    // What multiprocessing cannot express counts as the run without it.
    let mut reference = config.clone();
    reference.termination.broker_ack = false;
    let expected = engine_counts(&reference);
    let got = ran.last();
    for (key, value) in &expected {
        if key == "unfinished" || case.racy.contains(&key.as_str()) {
            continue;
        }
        assert_eq!(got.get(key), Some(value), "{key} in {context}");
    }
    let stuck = expected["outcome"] == "stuck";
    assert_eq!(
        ran.status,
        Some(if stuck { EXIT_STUCK } else { 0 }),
        "{context}"
    );
    if expected["consumed"] == config.total_items().to_string() && !case.racy.contains(&"consumed")
    {
        check_every_item_logged(ran, case);
    }

    // The lines that say what happened.
    let blocked = lang.pick(" 仍然阻塞在 q.get()", " is still blocked in q.get()");
    let blocked_consumers: usize = (0..config.consumers)
        .map(|i| {
            let consumer = actor_name(config.scenario, Role::Consumer(i), lang);
            ran.count_lines(&format!("{consumer}{blocked}"))
        })
        .sum();
    let waits_in_get = matches!(config.strategy(), Strategy::None | Strategy::SentinelBug);
    if !(waits_in_get && stuck) {
        assert_eq!(blocked_consumers, 0, "{context}");
    } else if config.termination.kill.is_none() {
        let expected = if config.strategy() == Strategy::None {
            config.consumers as usize
        } else {
            config.consumers as usize - 1
        };
        assert_eq!(blocked_consumers, expected, "{context}");
    }
    let join_waits = lang.pick("q.join() 仍在等待", "q.join() is still waiting");
    let joins = matches!(
        config.strategy(),
        Strategy::JoinTerminate | Strategy::Daemon
    );
    if joins && stuck && config.capacity == 0 {
        let unfinished = match lang {
            Lang::Zh => format!("还有 {} 个任务没有标记完成", expected["unfinished"]),
            Lang::En => format!(", {} task(s) never marked done", expected["unfinished"]),
        };
        let line = ran.lines.iter().find(|l| l.starts_with(join_waits));
        assert!(line.is_some_and(|l| l.ends_with(&unfinished)), "{context}");
    } else {
        assert!(!ran.has_line(join_waits), "{context}");
    }
    let t = &config.termination;
    if t.forget_task_done
        .is_some_and(|n| n <= config.total_items())
    {
        let forgot = lang.pick(" 忘了对 ", " forgot task_done() for ");
        assert_eq!(
            ran.lines.iter().filter(|l| l.contains(forgot)).count(),
            1,
            "{context}"
        );
    }
    if expected["errors"] != "0" && !case.racy.contains(&"errors") {
        let raised = "ValueError: task_done() called too many times";
        assert!(ran.lines.iter().any(|l| l.ends_with(raised)), "{context}");
    }
    if expected["lost"] != "0" && t.kill.is_some() && !threaded {
        let killed = lang.pick(
            " 时被 kill() 杀死",
            " was killed with kill() while working on ",
        );
        assert_eq!(
            ran.lines.iter().filter(|l| l.contains(killed)).count(),
            1,
            "{context}"
        );
    }
}

#[test]
fn every_program_runs_and_counts_what_the_run_counts() {
    let Some(python) = python3() else { return };
    let started = Instant::now();
    let mut cases = vec![
        Case::new(
            "plain-zh",
            Config::defaults(ScenarioKind::Plain, 1),
            Lang::Zh,
        ),
        Case::new(
            "plain-en",
            Config::defaults(ScenarioKind::Plain, 1),
            Lang::En,
        ),
        Case::new(
            "plain-crowd",
            Config {
                consumers: 5,
                ..Config::defaults(ScenarioKind::Plain, 1)
            },
            Lang::Zh,
        ),
        Case::new("hotdog-zh", hotdog(), Lang::Zh),
        Case::new("hotdog-en", hotdog(), Lang::En),
        Case::new("custom", custom(), Lang::En),
        Case::new("crowd", crowd(), Lang::Zh),
    ];
    for (i, (name, config)) in lab_programs().into_iter().enumerate() {
        let lang = if i % 2 == 0 { Lang::En } else { Lang::Zh };
        let mut case = Case::new(&name, config, lang);
        // How many items are still queued when an immediate shutdown drops
        // them depends on how fast the real consumers were.
        if case.config.strategy() == Strategy::ShutdownImmediate {
            case.racy = &["consumed", "task_done", "dropped"];
        }
        cases.push(case);
    }
    // The doomed consumer in a list, by chance (certain here). Every item
    // is made at once and takes long (0.5 s at the tests' scale), so each
    // consumer gets one first.
    let mut chance = lab(Strategy::JoinTerminate);
    chance.consumers = 5;
    chance.produce_delay = Delay::Const(Duration::ZERO);
    chance.consume_delay = Delay::Const(Duration::from_secs(500));
    chance.termination.kill = Some(Kill {
        consumer: 5,
        when: KillWhen::Chance(1.0),
    });
    cases.push(Case::new("list-kill-chance", chance, Lang::Zh));
    // The only consumer dies and a bounded queue fills: the producers
    // block in put() forever.
    let mut full = killing(lab(Strategy::Sentinel), 1);
    full.consumers = 1;
    full.capacity = 2;
    cases.push(Case::new("full-queue", full, Lang::En));
    // One task_done() too many that does not raise: q.join() returns
    // early and main terminates the consumer mid-item, which may not have
    // taken the last item yet.
    let mut early = lab(Strategy::JoinTerminate);
    early.producers = 1;
    early.items = 2;
    early.consumers = 1;
    early.produce_delay = Delay::Const(Duration::ZERO);
    early.consume_delay = Delay::Const(Duration::from_secs(300));
    early.termination.extra_task_done = Some(1);
    let mut case = Case::new("early-join", early, Lang::En);
    case.racy = &["lost"];
    cases.push(case);

    let runs = in_parallel(&cases, |case| {
        let code = python_code(&case.config, case.lang);
        run_python(
            &python,
            &code,
            &format!("run_{}.py", case.name.replace(' ', "_")),
        )
    });
    eprintln!(
        "ran {} Python programs in {:.1} s",
        runs.len(),
        started.elapsed().as_secs_f64()
    );
    // Every case is checked; the failures are named together at the end.
    let failures: Vec<&str> = cases
        .iter()
        .zip(&runs)
        .filter(|(case, ran)| {
            std::panic::catch_unwind(AssertUnwindSafe(|| check_case(&python, case, ran))).is_err()
        })
        .map(|(case, _)| case.name.as_str())
        .collect();
    assert!(failures.is_empty(), "failed: {failures:?}");
}

// ---- the scraper -------------------------------------------------------------------------------

/// `python3 -m http.server` serving `static/` on a free port of
/// 127.0.0.1, stopped when dropped.
struct PageServer {
    child: Child,
    port: u16,
}

impl PageServer {
    fn start(python: &Python) -> PageServer {
        let mut child = Command::new(&python.exe)
            .args(["-u", "-m", "http.server", "0", "--bind", "127.0.0.1"])
            .arg("--directory")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("static"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let port = first
            .split_once(" port ")
            .and_then(|(_, rest)| rest.split(' ').next())
            .and_then(|port| port.parse().ok());
        match port {
            Some(port) => PageServer { child, port },
            None => {
                child.kill().ok();
                panic!("http.server said {first:?}");
            }
        }
    }
}

impl Drop for PageServer {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

const PAGES: [&str; 5] = [
    "pages/search-home.html",
    "pages/no-images.html",
    "pages/gallery.html",
    "pages/zh-menu.html",
    "pages/missing.html",
];

/// The native scraper over the same files: each URL's matches (`None`
/// where the fetch failed) and the totals.
fn native_scraper(extra: &[&str]) -> serde_json::Value {
    let files: Vec<String> = PAGES.iter().map(|p| format!("static/{p}")).collect();
    let mut args = vec!["run", "scraper", "--json", "--seed", "1", "--pages"];
    args.extend(files.iter().map(String::as_str));
    args.extend(extra);
    common::json(&args)
}

#[test]
fn the_scraper_program_counts_what_the_scraper_counts() {
    let Some(python) = python3() else { return };
    let server = PageServer::start(&python);
    let base = format!("BASE_URL = \"http://127.0.0.1:{}/\"", server.port);
    let shapes: [(&[&str], Shape, u32, u32, usize); 2] = [
        (
            &["--fetchers", "2", "--counters", "2", "--capacity", "1"],
            Shape::Joinable,
            2,
            2,
            1,
        ),
        (
            &["--shape", "plain", "--counters", "5"],
            Shape::Plain,
            1,
            5,
            0,
        ),
    ];
    let runs = in_parallel(&shapes, |&(_, shape, fetchers, counters, capacity)| {
        let mut config = ScraperConfig::defaults(PAGES.map(String::from).to_vec(), 1);
        (
            config.shape,
            config.fetchers,
            config.counters,
            config.capacity,
        ) = (shape, fetchers, counters, capacity);
        let code = scraper_code(&config, Lang::En);
        assert!(code.contains(BASE_URL_LINE));
        let code = code.replacen(BASE_URL_LINE, &base, 1);
        run_python(&python, &code, &format!("scraper_{}.py", shape.name()))
    });
    for ((options, shape, ..), ran) in shapes.iter().zip(&runs) {
        let context = format!(
            "{}:\n{}\n{}",
            shape.name(),
            ran.lines.join("\n"),
            ran.stderr
        );
        let native = native_scraper(options);
        // Each URL's row: "  3  pages/gallery.html  12 matches".
        for (i, row) in native["rows"].as_array().unwrap().iter().enumerate() {
            let result = match row["matches"].as_u64() {
                Some(n) => format!("{n} matches"),
                None => "fetch failed".to_string(),
            };
            let line = format!("{:>3}  {}  {result}", i + 1, PAGES[i]);
            assert!(ran.lines.contains(&line), "{line:?} in {context}");
        }
        let got = ran.last();
        for key in [
            "fetched",
            "failed",
            "counted",
            "task_done",
            "matches",
            "outcome",
        ] {
            let want = match &native[key] {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(got.get(key), Some(&want), "{key} in {context}");
        }
        assert_eq!(got["urls"], PAGES.len().to_string());
        let stuck = *shape == Shape::Plain;
        assert_eq!(
            ran.status,
            Some(if stuck { EXIT_STUCK } else { 0 }),
            "{context}"
        );
        assert_eq!(
            ran.count_lines("counter "),
            if stuck { 5 } else { 0 },
            "{context}"
        );
        assert!(
            ran.has_line("fetch failed for pages/missing.html: HTTP Error 404"),
            "{context}"
        );
        assert!(
            ran.has_line("task 3 found 12 img (pages/gallery.html)"),
            "{context}"
        );
    }
}
