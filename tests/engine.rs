//! The engine end to end: the seed's scenarios, determinism across ways of
//! driving the clock, time limits, statistics and the conservation law.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use canteen::delay::Delay;
use canteen::i18n;
use canteen::lang::Lang;
use canteen::run::{Outcome, Run, Stuck};
use canteen::scenario::{Config, ScenarioKind};
use canteen::trace::{ActorId, Event, EventKind, Role, WaitingOn};

/// Runs `config` to the end and returns the run and every event.
fn run_collecting(config: Config) -> (Run<Config>, Vec<Event>) {
    let events: Rc<RefCell<Vec<Event>>> = Rc::default();
    let sink = Rc::clone(&events);
    let mut run = Run::new(config, move |e: &Event| sink.borrow_mut().push(*e));
    run.run_to_end();
    let events = events.borrow().clone();
    (run, events)
}

fn trace_text(events: &[Event]) -> String {
    events.iter().map(|e| format!("{e}\n")).collect()
}

fn hotdog(seed: u64) -> Config {
    Config::defaults(ScenarioKind::Hotdog, seed)
}

#[test]
fn hotdog_makes_and_eats_ten_then_terminates_the_consumer() {
    let (run, events) = run_collecting(hotdog(42));
    let report = run.report();
    assert_eq!(report.outcome, Outcome::Completed);
    assert_eq!(
        (report.produced, report.consumed, report.task_done),
        (10, 10, 10)
    );
    assert_eq!(
        (report.unfinished, report.in_queue, report.dropped),
        (0, 0, 0)
    );
    assert!(report.conserved);
    let consumer = run
        .roles()
        .iter()
        .position(|r| *r == Role::Consumer(0))
        .unwrap();
    let last_two: Vec<_> = events
        .iter()
        .rev()
        .take(2)
        .map(|e| (e.actor.0 as usize, e.kind))
        .collect();
    assert_eq!(
        last_two,
        [(0, EventKind::Finish), (consumer, EventKind::Terminate)]
    );
}

#[test]
fn hotdog_main_joins_producers_then_the_queue_then_terminates() {
    let (_, events) = run_collecting(hotdog(3));
    let main_steps: Vec<&str> = events
        .iter()
        .filter(|e| e.actor.0 == 0)
        .map(|e| e.kind.name())
        .collect();
    assert_eq!(
        main_steps,
        [
            "task_join_start",
            "task_join_done",
            "task_join_start",
            "task_join_done",
            "join_start",
            "join_done",
            "finish"
        ]
    );
    let join_done = events
        .iter()
        .position(|e| e.kind == EventKind::JoinDone)
        .unwrap();
    let task_dones = events
        .iter()
        .filter(|e| e.kind == EventKind::TaskDone)
        .count();
    let before_join: usize = events[..join_done]
        .iter()
        .filter(|e| e.kind == EventKind::TaskDone)
        .count();
    assert_eq!(
        before_join, task_dones,
        "q.join() returns only after every task_done()"
    );
}

#[test]
fn hotdog_delays_are_the_seeds_uniform_zero_to_one_second() {
    let (_, events) = run_collecting(hotdog(11));
    // Each shop makes its 5 hot dogs with gaps below 1 s each.
    for shop in 1..=2 {
        let times: Vec<u64> = events
            .iter()
            .filter(|e| e.actor.0 == shop && e.kind == EventKind::Produce)
            .map(|e| e.time)
            .collect();
        assert_eq!(times.len(), 5);
        let mut previous_put = 0;
        for (i, t) in times.iter().enumerate() {
            assert!(t - previous_put < 1_000_000_000, "shop {shop} dog {i}");
            previous_put = *t;
        }
    }
}

#[test]
fn hotdog_log_lines_follow_the_seeds_prints() {
    let (run, events) = run_collecting(hotdog(42));
    let lines = |lang| -> Vec<String> {
        events
            .iter()
            .map(|e| i18n::log_line(ScenarioKind::Hotdog, e, run.roles(), lang))
            .collect()
    };
    let zh = lines(Lang::Zh);
    assert!(zh.contains(&"生产了 上海分店的热狗1".to_string()));
    assert!(zh.contains(&"消费了北京分店的热狗5".to_string()));
    let en = lines(Lang::En);
    assert!(en.contains(&"made Shanghai shop hot dog 1".to_string()));
    assert!(en.contains(&"ate Beijing shop hot dog 5".to_string()));
}

#[test]
fn plain_queue_ends_stuck_with_the_consumer_waiting_on_get() {
    let (run, _) = run_collecting(Config::defaults(ScenarioKind::Plain, 42));
    assert_eq!(
        run.stuck(),
        [Stuck {
            actor: ActorId(2),
            role: Role::Consumer(0),
            waiting_on: WaitingOn::Get
        }]
    );
    let report = i18n::run_report(&run, Lang::En);
    assert_eq!(report.outcome, Outcome::Stuck);
    assert_eq!((report.produced, report.consumed), (4, 4));
    assert_eq!(report.stuck.len(), 1);
    let stuck = &report.stuck[0];
    assert_eq!(
        (stuck.actor.as_str(), stuck.waiting_on.as_str()),
        ("consumer 1", "get()")
    );
    assert!(stuck.explanation.contains("does not know when to end"));
    assert!(report.conserved);
    let zh = i18n::run_report(&run, Lang::Zh);
    assert!(zh.stuck[0].explanation.contains("消费者1 永远等在 get()"));
}

#[test]
fn same_seed_same_trace_different_seed_different_trace() {
    let (_, a) = run_collecting(hotdog(5));
    let (_, b) = run_collecting(hotdog(5));
    let (_, c) = run_collecting(hotdog(6));
    assert_eq!(trace_text(&a), trace_text(&b));
    assert_ne!(trace_text(&a), trace_text(&c));
}

#[test]
fn driving_in_slices_or_steps_gives_the_same_trace_as_one_go() {
    let config = Config {
        producers: 3,
        consumers: 2,
        capacity: 2,
        ..hotdog(9)
    };
    let (_, whole) = run_collecting(config.clone());

    let sliced: Rc<RefCell<Vec<Event>>> = Rc::default();
    let sink = Rc::clone(&sliced);
    let mut run = Run::new(config.clone(), move |e: &Event| sink.borrow_mut().push(*e));
    let mut t = 0;
    while !run.outcome().is_over() {
        t += 37_000_000; // 37 ms slices, as uneven browser ticks would be
        run.advance_to(t);
    }
    assert_eq!(trace_text(&whole), trace_text(&sliced.borrow()));

    let stepped: Rc<RefCell<Vec<Event>>> = Rc::default();
    let sink = Rc::clone(&stepped);
    let mut run = Run::new(config, move |e: &Event| sink.borrow_mut().push(*e));
    let mut steps = 0;
    while !run.step().is_over() {
        steps += 1;
    }
    assert!(
        steps > 1 && steps <= whole.len(),
        "each step emits at least one event"
    );
    assert_eq!(trace_text(&whole), trace_text(&stepped.borrow()));
}

/// With a time limit, stepping to the end and running to the end stop at
/// the same place: every event by the limit, none after, the clock at the
/// limit (a step whose event lies past the limit does not run it).
#[test]
fn stepping_to_a_time_limit_stops_where_running_to_it_stops() {
    for (seed, until_ms) in [(1, 0), (1, 1), (42, 700), (7, 2_500), (3, 10_000)] {
        let config = Config {
            until: Some(Duration::from_millis(until_ms)),
            ..hotdog(seed)
        };
        let (whole_run, whole) = run_collecting(config.clone());
        let stepped: Rc<RefCell<Vec<Event>>> = Rc::default();
        let sink = Rc::clone(&stepped);
        let mut run = Run::new(config, move |e: &Event| sink.borrow_mut().push(*e));
        let mut outcome = run.step();
        while !outcome.is_over() {
            outcome = run.step();
        }
        let context = format!("seed {seed}, until {until_ms} ms");
        assert_eq!(outcome, whole_run.outcome(), "{context}");
        assert_eq!(
            trace_text(&whole),
            trace_text(&stepped.borrow()),
            "{context}"
        );
        assert_eq!(run.now(), whole_run.now(), "{context}");
        if outcome == Outcome::TimeLimit {
            assert_eq!(run.now(), until_ms * 1_000_000, "{context}");
        }
    }
}

#[test]
fn hotdog_trace_matches_the_golden_file_shared_with_the_browser_test() {
    let (_, events) = run_collecting(hotdog(42));
    let golden = include_str!("golden/hotdog_seed42.trace");
    if std::env::var_os("CANTEEN_BLESS").is_some() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/golden/hotdog_seed42.trace"
        );
        std::fs::write(path, trace_text(&events)).unwrap();
        return;
    }
    assert_eq!(trace_text(&events), golden);
}

#[test]
fn a_bounded_queue_blocks_producers_and_never_overfills() {
    let config = Config {
        scenario: ScenarioKind::Custom,
        producers: 4,
        consumers: 1,
        items: 20,
        capacity: 2,
        produce_delay: Delay::Const(Duration::from_millis(10)),
        consume_delay: Delay::Const(Duration::from_millis(50)),
        ..hotdog(1)
    };
    let (run, events) = run_collecting(config);
    let report = run.report();
    assert_eq!(report.outcome, Outcome::Completed);
    assert_eq!(report.consumed, 80);
    assert_eq!(report.stats.max_queue_len, 2);
    assert!(events.iter().any(|e| e.kind == EventKind::PutBlocked));
    // One consumer at 50 ms per item is the bottleneck: 80 items take 4 s.
    assert_eq!(report.end_time_ms, 4010.0);
    assert!((report.stats.utilization - 4000.0 / 4010.0).abs() < 1e-9);
}

#[test]
fn constant_delays_give_exact_waits_and_throughput() {
    // One producer every 100 ms, one consumer taking 100 ms: no item waits.
    let config = Config {
        scenario: ScenarioKind::Custom,
        producers: 1,
        consumers: 1,
        items: 10,
        produce_delay: Delay::Const(Duration::from_millis(100)),
        consume_delay: Delay::Const(Duration::from_millis(100)),
        ..hotdog(1)
    };
    let (run, _) = run_collecting(config);
    let s = run.report().stats;
    assert_eq!((s.mean_wait_ms, s.p99_wait_ms), (0.0, 0.0));
    assert_eq!(s.max_queue_len, 1);
    assert!((s.throughput_per_s - 10.0 / 1.1).abs() < 1e-9);
}

#[test]
fn time_limit_stops_the_run_and_keeps_the_books_balanced() {
    let config = Config {
        scenario: ScenarioKind::Custom,
        items: 1000,
        until: Some(Duration::from_secs(3)),
        ..hotdog(8)
    };
    let (run, _) = run_collecting(config);
    let report = run.report();
    assert_eq!(report.outcome, Outcome::TimeLimit);
    assert_eq!(report.end_time_ms, 3000.0);
    assert!(report.produced > 0 && report.produced < 2000);
    assert!(
        report.conserved,
        "items still queued at the limit are accounted for"
    );
    assert_eq!(run.queue().len() as u64, report.in_queue);
}

#[test]
fn zero_items_completes_at_once() {
    let config = Config {
        items: 0,
        ..hotdog(1)
    };
    let (run, _) = run_collecting(config);
    let report = run.report();
    assert_eq!(report.outcome, Outcome::Completed);
    assert_eq!((report.produced, report.end_time_ms), (0, 0.0));
}

#[test]
fn out_of_range_settings_are_named_not_clamped() {
    for (config, field) in [
        (
            Config {
                producers: 0,
                ..hotdog(1)
            },
            "producers",
        ),
        (
            Config {
                consumers: 1001,
                ..hotdog(1)
            },
            "consumers",
        ),
        (
            Config {
                items: 10_000_001,
                ..hotdog(1)
            },
            "items",
        ),
        (
            Config {
                capacity: 1_000_001,
                ..hotdog(1)
            },
            "capacity",
        ),
        (
            Config {
                until: Some(Duration::from_secs(100_000)),
                ..hotdog(1)
            },
            "until",
        ),
    ] {
        let err = config.validate().unwrap_err();
        assert_eq!(err.field(), field);
        let line = i18n::cli::problem(&i18n::cli::Problem::Config(err), Lang::En);
        assert!(line.starts_with(&format!("--{field}:")), "{line}");
    }
    assert!(hotdog(1).validate().is_ok());
}

#[test]
fn many_producers_and_consumers_share_the_work() {
    let config = Config {
        scenario: ScenarioKind::Custom,
        producers: 20,
        consumers: 20,
        items: 50,
        capacity: 5,
        produce_delay: "exp:10ms".parse().unwrap(),
        consume_delay: "exp:12ms".parse().unwrap(),
        ..hotdog(77)
    };
    let (run, events) = run_collecting(config);
    let report = run.report();
    assert_eq!(report.outcome, Outcome::Completed);
    assert_eq!((report.consumed, report.task_done), (1000, 1000));
    assert!(report.conserved);
    for c in 0..20 {
        let actor = 21 + c;
        let ate = events
            .iter()
            .filter(|e| e.actor.0 == actor && e.kind == EventKind::Consume)
            .count();
        assert!(ate > 0, "consumer {c} got work");
    }
}

/// A run may hold all its items in its queue at once, so the total is
/// capped: the cap bounds any run's memory whatever the other settings.
#[test]
fn producers_times_items_is_capped_so_every_run_fits_in_memory() {
    use canteen::scenario::{ConfigProblem, MAX_TOTAL_ITEMS};
    let with = |producers, items| Config {
        producers,
        items,
        ..Config::defaults(ScenarioKind::Custom, 1)
    };
    assert_eq!(with(1, 10_000_000).validate(), Ok(()));
    assert_eq!(with(1000, 10_000).validate(), Ok(()));
    assert_eq!(
        with(1000, 10_000_000).validate(),
        Err(ConfigProblem::TooManyItems {
            field: "items",
            producers: 1000,
            items: 10_000_000,
            max: MAX_TOTAL_ITEMS,
        })
    );
    assert!(with(3, 3_333_334).validate().is_err());
    let words = i18n::problems::config(&with(2, 6_000_000).validate().unwrap_err(), Lang::En);
    assert_eq!(
        words,
        "producers × items is at most 10000000 (here 2 × 6000000)"
    );
}
