//! The generated Python program: it carries the settings, and — when
//! `python3` is on PATH — it runs as is (with a tiny `TIME_SCALE`) and ends
//! with the counts the scenario promises, printing the page's log lines.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use canteen::delay::Delay;
use canteen::i18n::{actor_name, log_line};
use canteen::lang::Lang;
use canteen::python::{python_code, TIME_SCALE_LINE};
use canteen::scenario::{Config, ScenarioKind};
use canteen::termination::Strategy;
use canteen::trace::{ActorId, Event, EventKind, ItemId, Role};

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

#[test]
fn hotdog_code_follows_the_seed() {
    let code = python_code(&hotdog(), Lang::Zh);
    for needle in [
        "from multiprocessing import Process, JoinableQueue, Value",
        TIME_SCALE_LINE,
        "def product(q, name, produced):",
        "for i in range(5):",
        r#"dog = "%s的热狗%s" % (name, (i + 1))"#,
        "time.sleep(random.uniform(0.0, 1.0) * TIME_SCALE)",
        r#"print("生产了", dog, flush=True)"#,
        r#"print("消费了%s" % dog, flush=True)"#,
        "q.task_done()",
        "q = JoinableQueue()",
        r#"p1 = Process(target=product, args=(q, "上海分店", produced))"#,
        r#"p2 = Process(target=product, args=(q, "北京分店", produced))"#,
        "c = Process(target=customer, args=(q, consumed))",
        "p1.join()",
        "p2.join()  # 代码走到这里意味着生产方完成",
        "q.join()  # 意味着队列中的任务都处理完成了",
        "c.terminate()  # 直接终止消费者进程",
        "if __name__ == '__main__':",
        "# 生产者任务",
    ] {
        assert!(code.contains(needle), "missing {needle:?} in\n{code}");
    }
    assert!(!code.contains("maxsize"), "unbounded by default");
    assert!(
        !code.contains("TIMEOUT"),
        "only plain needs the demo timeout"
    );
    // The English program has English comments and lines.
    let en = python_code(&hotdog(), Lang::En);
    assert!(en.contains(r#"p1 = Process(target=product, args=(q, "Shanghai shop", produced))"#));
    assert!(en.contains(r#"print("made", dog, flush=True)"#));
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
        r#"p3 = Process(target=product, args=(q, "producer 3", produced))"#,
        "c1 = Process(target=customer, args=(q, consumed))",
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
        "consumers = [Process(target=customer, args=(q, consumed)) for _ in range(5)]",
        "time.sleep(random.uniform(0.005, 0.015) * TIME_SCALE)",
        "time.sleep(random.expovariate(1 / 0.01) * TIME_SCALE)",
    ] {
        assert!(crowd.contains(needle), "missing {needle:?} in\n{crowd}");
    }
}

#[test]
fn plain_code_uses_a_plain_queue_and_a_demo_timeout() {
    let code = python_code(&Config::defaults(ScenarioKind::Plain, 1), Lang::Zh);
    for needle in [
        "from multiprocessing import Process, Queue, Value",
        "q = Queue()",
        "TIMEOUT = 2.0 + 4.0 * TIME_SCALE",
        "c.join(max(0.0, deadline - time.monotonic()))",
        "# 问题: 消费者不知道什么时候结束",
        "c.terminate()",
    ] {
        assert!(code.contains(needle), "missing {needle:?} in\n{code}");
    }
    assert!(!code.contains("task_done()\n"), "{code}");
    assert!(!code.contains("q.join()\n"), "{code}");
    assert!(!code.contains("JoinableQueue("), "{code}");
}

// ---- running the programs ----------------------------------------------------------------------

/// The tiny time scale the runs use: a 1 s delay becomes 1 ms.
const FAST: &str = "TIME_SCALE = 0.001";

/// Python 3 on PATH, or `None` with a note.
fn python3() -> Option<&'static str> {
    let found = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        eprintln!("note: python3 is not on PATH; the generated programs were not run");
    }
    found.then_some("python3")
}

/// Runs the program for `config` in `lang` with the tiny time scale and
/// returns its output lines.
fn run_python(python: &str, config: &Config, lang: Lang, file: &str) -> Vec<String> {
    let code = python_code(config, lang);
    assert!(code.contains(TIME_SCALE_LINE));
    let code = code.replacen(TIME_SCALE_LINE, FAST, 1);
    let path: PathBuf = [env!("CARGO_TARGET_TMPDIR"), file].iter().collect();
    std::fs::write(&path, code).unwrap();
    let mut child = Command::new(python)
        .arg(&path)
        .env("PYTHONIOENCODING", "utf-8")
        // Buffered stdout, flushed by each print(..., flush=True): one write
        // per line, so lines of different processes cannot run together
        // (PYTHONUNBUFFERED=1 writes each piece of a print separately).
        .env_remove("PYTHONUNBUFFERED")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A guard against a program that never ends, not a speed check.
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("{} did not end within 120 s", path.display());
        }
        std::thread::sleep(Duration::from_millis(20));
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
    assert!(
        status.success(),
        "{}: {status}\n{out}\n{err}",
        path.display()
    );
    assert!(err.is_empty(), "{}: stderr\n{err}", path.display());
    out.lines().map(str::to_string).collect()
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

/// Checks the final counts and that every item was made and eaten once,
/// with the page's own log lines.
fn check_run(lines: &[String], config: &Config, lang: Lang) {
    let total = config.total_items();
    assert_eq!(
        lines.last().map(String::as_str),
        Some(format!("produced={total} consumed={total}").as_str()),
        "{lines:#?}"
    );
    let items: Vec<ItemId> = (0..config.producers)
        .flat_map(|origin| (1..=config.items).map(move |seq| ItemId { origin, seq }))
        .collect();
    for kind in [EventKind::Produce, EventKind::Consume] {
        let expected: BTreeSet<String> = items
            .iter()
            .map(|&item| page_line(config, kind, item, lang))
            .collect();
        let printed: Vec<&String> = lines.iter().filter(|l| expected.contains(*l)).collect();
        assert_eq!(printed.len(), items.len(), "{kind}: {lines:#?}");
        let distinct: BTreeSet<&String> = printed.into_iter().collect();
        assert_eq!(distinct.len(), items.len(), "{kind}: {lines:#?}");
    }
}

#[test]
fn hotdog_program_runs_and_counts_ten_and_ten() {
    let Some(python) = python3() else { return };
    for lang in [Lang::Zh, Lang::En] {
        let config = hotdog();
        let lines = run_python(python, &config, lang, &format!("hotdog_{}.py", lang.code()));
        assert_eq!(lines.last().unwrap(), "produced=10 consumed=10");
        check_run(&lines, &config, lang);
        assert!(lines.iter().any(|l| l
            == &page_line(
                &config,
                EventKind::Produce,
                ItemId { origin: 0, seq: 1 },
                lang
            )));
    }
}

#[test]
fn custom_program_runs_and_counts_every_item() {
    let Some(python) = python3() else { return };
    let config = custom();
    let lines = run_python(python, &config, Lang::En, "custom_en.py");
    assert_eq!(lines.last().unwrap(), "produced=12 consumed=12");
    check_run(&lines, &config, Lang::En);

    let config = crowd();
    let lines = run_python(python, &config, Lang::Zh, "crowd_zh.py");
    check_run(&lines, &config, Lang::Zh);
}

#[test]
fn plain_program_reports_the_blocked_consumer_and_ends() {
    let Some(python) = python3() else { return };
    let config = Config::defaults(ScenarioKind::Plain, 1);
    let lines = run_python(python, &config, Lang::En, "plain_en.py");
    check_run(&lines, &config, Lang::En);
    let consumer = actor_name(config.scenario, Role::Consumer(0), Lang::En);
    let blocked = format!("{consumer} is still blocked in q.get() after");
    assert_eq!(
        lines.iter().filter(|l| l.starts_with(&blocked)).count(),
        1,
        "{lines:#?}"
    );
    // Several consumers in a list: each is reported.
    let config = Config {
        consumers: 5,
        ..config
    };
    let lines = run_python(python, &config, Lang::Zh, "plain_crowd_zh.py");
    check_run(&lines, &config, Lang::Zh);
    for i in 0..5 {
        let consumer = actor_name(config.scenario, Role::Consumer(i), Lang::Zh);
        let blocked = format!("{consumer} 等了");
        assert!(
            lines.iter().any(|l| l.starts_with(&blocked)),
            "{consumer}: {lines:#?}"
        );
    }
}

// ---- the termination lab's strategies --------------------------------------------------------

/// The lab (two shops of five hot dogs, two consumers) with `strategy`.
fn lab(strategy: Strategy) -> Config {
    let mut config = Config::defaults(ScenarioKind::Termination, 42);
    config.termination.strategy = strategy;
    config
}

#[test]
fn each_strategy_has_its_own_program() {
    let code = |s| python_code(&lab(s), Lang::En);
    let none = code(Strategy::None);
    for needle in ["q = Queue()", "TIMEOUT = ", "c1.join(max(0.0"] {
        assert!(none.contains(needle), "missing {needle:?} in\n{none}");
    }
    assert!(!none.contains("task_done()\n"), "{none}");

    let seed = code(Strategy::JoinTerminate);
    assert!(seed.contains("q.join()  #"), "{seed}");
    assert!(seed.contains("c2.terminate()  #"), "{seed}");

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
            "sys.exit(0)",
            "q = queue.Queue()",
            "except queue.ShutDown:",
            "c1 = Thread(target=customer, args=(q, consumed))",
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
    // The failure options are only named, once they are set.
    assert!(!seed.contains("the page's lab shows them"));
    let mut failing = lab(Strategy::Sentinel);
    failing.termination.forget_task_done = Some(3);
    let code = python_code(&failing, Lang::Zh);
    assert!(code.contains("# 故障选项"), "{code}");
}

/// The `produced=10 consumed=…` line, or the Python 3.13 message.
fn ran_or_needs_313(lines: &[String], config: &Config, lang: Lang) -> bool {
    let needs = lang.pick("这个程序需要 Python 3.13", "This program needs Python 3.13");
    if lines.len() == 1 && lines[0].starts_with(needs) {
        return false;
    }
    assert!(
        lines.last().unwrap().starts_with("produced=10 consumed="),
        "{config:?}: {lines:#?}"
    );
    true
}

#[test]
fn each_strategy_program_runs_and_counts() {
    let Some(python) = python3() else { return };
    for strategy in Strategy::ALL {
        let config = lab(strategy);
        let lang = if strategy.name().len() % 2 == 0 {
            Lang::En
        } else {
            Lang::Zh
        };
        let lines = run_python(python, &config, lang, &format!("lab_{strategy}.py"));
        match strategy {
            Strategy::Shutdown => {
                if ran_or_needs_313(&lines, &config, lang) {
                    check_run(&lines, &config, lang);
                }
            }
            Strategy::ShutdownImmediate => {
                ran_or_needs_313(&lines, &config, lang);
            }
            _ => check_run(&lines, &config, lang),
        }
        // The consumers that never learn the end are named.
        let blocked: Vec<&String> = (0..2)
            .flat_map(|i| {
                let name = actor_name(config.scenario, Role::Consumer(i), lang);
                let prefix = format!("{name}{}", lang.pick(" 等了", " is still blocked"));
                lines.iter().filter(move |l| l.starts_with(&prefix))
            })
            .collect();
        let expected = match strategy {
            Strategy::None => 2,
            Strategy::SentinelBug => 1,
            _ => 0,
        };
        assert_eq!(blocked.len(), expected, "{strategy}: {lines:#?}");
    }
}
