//! The termination lab (issue 6): every way of stopping, every injected
//! failure, broker acknowledgements, the comparison, the blocked-on lines,
//! and the small engine additions they need (daemon tasks, the queue's
//! `shutdown_immediate` and line lengths).

mod common;

use common::{assert_fields, canteen, json, REPORT_FIELDS};
use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use canteen::delay::Delay;
use canteen::i18n;
use canteen::i18n::termination::LabReportText;
use canteen::lang::Lang;
use canteen::run::Outcome;
use canteen::scenario::ending::{Kill, KillWhen, Strategy};
use canteen::scenario::{Config, ConfigProblem, ScenarioKind};
use canteen::sim::{Progress, Sim};
use canteen::termination::ledger::Fate;
use canteen::termination::report::{compare, Diagnosis, Lab, Verdict};
use canteen::trace::{ActorId, Event, EventKind, Fault, Role, WaitingOn};
use canteen::JoinableQueue;
use strum::VariantArray;

// ---- helpers ------------------------------------------------------------

fn lab_config(strategy: Strategy, seed: u64) -> Config {
    let mut config = Config::defaults(ScenarioKind::Termination, seed);
    config.termination.strategy = strategy;
    config
}

/// Runs `config` to its end: the report (English) and every event.
fn run(config: Config) -> (LabReportText, Vec<Event>, Lab) {
    let events: Rc<RefCell<Vec<Event>>> = Rc::default();
    let sink = Rc::clone(&events);
    let mut lab = Lab::new(config, move |e: &Event| sink.borrow_mut().push(*e));
    lab.run_mut().run_to_end();
    let report = i18n::termination::report(&lab, Lang::En);
    let events = events.borrow().clone();
    (report, events, lab)
}

/// The books must always balance, whatever went wrong.
fn assert_balanced(r: &LabReportText) {
    assert!(r.run.conserved, "conservation: {r:#?}");
    assert!(r.accounted, "books: {r:#?}");
}

fn consumers(config: &Config) -> Vec<ActorId> {
    config
        .roles()
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r, Role::Consumer(_)))
        .map(|(i, _)| ActorId(i as u32))
        .collect()
}

fn kinds_of(events: &[Event], actor: ActorId) -> Vec<EventKind> {
    events
        .iter()
        .filter(|e| e.actor == actor)
        .map(|e| e.kind)
        .collect()
}

fn count(events: &[Event], kind: EventKind) -> usize {
    events.iter().filter(|e| e.kind == kind).count()
}

fn trace(events: &[Event]) -> String {
    events.iter().map(|e| format!("{e}\n")).collect()
}

fn poll<F: Future>(f: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(Waker::noop()))
}

// ---- the engine additions -------------------------------------------------

#[test]
fn shutdown_immediate_hands_back_the_removed_items_oldest_first() {
    let q = JoinableQueue::new(0);
    for i in 1..=3 {
        q.try_put(i).unwrap();
    }
    assert_eq!(q.try_get(), Ok(1));
    assert_eq!(q.shutdown_immediate(), vec![2, 3]);
    assert!(q.is_empty() && q.is_shut_down());
    // The item already got still holds the count; the removed ones do not.
    assert_eq!(q.unfinished_tasks(), 1);
    assert_eq!(
        q.shutdown_immediate(),
        Vec::<i32>::new(),
        "twice is harmless"
    );
    q.task_done().unwrap();
    let mut join = pin!(q.join());
    assert_eq!(poll(join.as_mut()), Poll::Ready(()));
}

#[test]
fn the_queue_reports_how_many_wait_in_each_line() {
    let q = JoinableQueue::new(1);
    let mut get_a = pin!(q.get());
    let mut get_b = pin!(q.get());
    assert!(poll(get_a.as_mut()).is_pending());
    assert!(poll(get_b.as_mut()).is_pending());
    assert_eq!(q.waiting_getters(), 2);
    q.try_put(7).unwrap();
    // The item is granted to the first getter: it leaves the line.
    assert_eq!(q.waiting_getters(), 1);
    assert_eq!(poll(get_a.as_mut()), Poll::Ready(Ok(7)));
    q.try_put(8).unwrap();
    assert_eq!(q.waiting_getters(), 0);
    // Full (8 is granted to the second getter but still queued).
    let mut put = pin!(q.put(9));
    assert!(poll(put.as_mut()).is_pending());
    let mut later = Box::pin(q.put(10));
    assert!(poll(later.as_mut()).is_pending());
    assert_eq!(q.waiting_putters(), 2);
    assert_eq!(poll(get_b.as_mut()), Poll::Ready(Ok(8)));
    assert_eq!(q.waiting_putters(), 1, "the slot went to the first putter");
    drop(later);
    assert_eq!(q.waiting_putters(), 0, "a dropped put leaves the line");
    assert_eq!(poll(put.as_mut()), Poll::Ready(Ok(())));
    let mut join_a = pin!(q.join());
    let mut join_b = pin!(q.join());
    assert!(poll(join_a.as_mut()).is_pending());
    assert!(poll(join_b.as_mut()).is_pending());
    assert_eq!(q.waiting_joiners(), 2);
    for _ in 0..3 {
        q.task_done().unwrap();
    }
    assert_eq!(q.waiting_joiners(), 0, "released together");
}

#[test]
fn daemon_tasks_end_with_the_last_other_task_and_say_so() {
    let events: Rc<RefCell<Vec<Event>>> = Rc::default();
    let sink = Rc::clone(&events);
    let sim = Sim::new(
        1,
        Some(Box::new(move |e: &Event, _| sink.borrow_mut().push(*e))),
    );
    let ctx = sim.ctx();
    let q: JoinableQueue<u32> = JoinableQueue::new(0);
    let worker = {
        let (ctx, q) = (ctx.clone(), q.clone());
        async move {
            ctx.sleep(Duration::from_millis(5)).await;
            q.try_put(1).unwrap();
            ctx.emit(ActorId(0), EventKind::Finish, None);
        }
    };
    // A daemon that would wait forever, one with a timer far away, and one
    // without an actor.
    let waiter = {
        let q = q.clone();
        async move {
            let _ = q.get().await;
            let _ = q.get().await;
        }
    };
    let sleeper = {
        let ctx = ctx.clone();
        async move { ctx.sleep(Duration::from_secs(3600)).await }
    };
    let hidden = ctx.spawn_daemon(None, std::future::pending::<()>());
    let d1 = ctx.spawn_daemon(Some(ActorId(1)), waiter);
    let d2 = ctx.spawn_daemon(Some(ActorId(2)), sleeper);
    ctx.spawn(ActorId(0), worker);
    assert_eq!(sim.run(), Progress::Finished, "daemons keep nothing alive");
    assert_eq!(sim.now(), 5_000_000, "the far timer did not run");
    assert!(d1.is_finished() && d2.is_finished() && hidden.is_finished());
    let tail: Vec<(u32, EventKind)> = events
        .borrow()
        .iter()
        .map(|e| (e.actor.0, e.kind))
        .collect();
    assert_eq!(
        tail,
        [
            (0, EventKind::Finish),
            (1, EventKind::DaemonExit),
            (2, EventKind::DaemonExit)
        ]
    );
    assert!(sim.live_actors().is_empty());
}

#[test]
fn a_daemon_does_not_hide_a_stuck_run() {
    let sim = Sim::new(1, None);
    let ctx = sim.ctx();
    let q: JoinableQueue<u32> = JoinableQueue::new(0);
    let (q1, q2) = (q.clone(), q.clone());
    ctx.spawn_daemon(Some(ActorId(1)), async move {
        let _ = q1.get().await;
    });
    ctx.spawn(ActorId(0), async move {
        let _ = q2.get().await;
    });
    assert_eq!(sim.run(), Progress::Stuck);
    assert_eq!(sim.live_actors(), [ActorId(1), ActorId(0)]);
}

// ---- the seed's scenarios are two strategies of one program ------------

#[test]
fn hotdog_is_join_terminate_and_plain_is_no_signal() {
    let (strategy_of, _) = (Config::defaults(ScenarioKind::Hotdog, 1).strategy(), ());
    assert_eq!(strategy_of, Strategy::JoinTerminate);
    assert_eq!(
        Config::defaults(ScenarioKind::Plain, 1).strategy(),
        Strategy::None
    );
    // The lab with the hot-dog settings gives the hot-dog trace exactly.
    let mut lab = lab_config(Strategy::JoinTerminate, 42);
    lab.consumers = 1;
    let (_, lab_events, _) = run(lab);
    let (_, hotdog_events, _) = run(Config::defaults(ScenarioKind::Hotdog, 42));
    assert_eq!(trace(&lab_events), trace(&hotdog_events));
    // And with the plain settings the plain trace, but for the task_done()s
    // a joinable queue adds.
    let mut lab = lab_config(Strategy::None, 9);
    (lab.producers, lab.items, lab.consumers) = (1, 4, 1);
    let (_, lab_events, _) = run(lab);
    let (_, plain_events, _) = run(Config::defaults(ScenarioKind::Plain, 9));
    let without_task_done: Vec<Event> = lab_events
        .into_iter()
        .filter(|e| e.kind != EventKind::TaskDone)
        .collect();
    assert_eq!(trace(&without_task_done), trace(&plain_events));
}

// ---- every strategy ----------------------------------------------------

#[test]
fn no_signal_leaves_every_consumer_waiting_in_get() {
    let config = lab_config(Strategy::None, 42);
    let (r, events, _) = run(config.clone());
    assert_eq!(r.run.outcome, Outcome::Stuck);
    assert_eq!(r.verdict, Verdict::Stuck);
    assert_eq!(r.processed, 10, "the work itself was done");
    let stuck: Vec<(&str, &str)> = r
        .run
        .stuck
        .iter()
        .map(|s| (s.actor.as_str(), s.waiting_on.as_str()))
        .collect();
    assert_eq!(stuck, [("consumer 1", "get()"), ("consumer 2", "get()")]);
    assert_eq!(r.consumers_stopped_ms, None);
    assert_eq!(r.stop_lag_ms, None);
    assert!(r.diagnosis[0].starts_with("Nobody tells the consumers"));
    assert_eq!(count(&events, EventKind::JoinStart), 0);
    assert_balanced(&r);
}

#[test]
fn join_terminate_processes_everything_then_terminates_at_once() {
    for seed in [42, 7, 1234] {
        let config = lab_config(Strategy::JoinTerminate, seed);
        let (r, events, _) = run(config.clone());
        assert_eq!(r.verdict, Verdict::AllProcessed, "seed {seed}");
        assert_eq!(
            (r.processed, r.run.task_done, r.run.unfinished),
            (10, 10, 0)
        );
        for c in consumers(&config) {
            assert_eq!(kinds_of(&events, c).last(), Some(&EventKind::Terminate));
        }
        assert_eq!(r.stop_lag_ms, Some(0.0), "terminated as q.join() returns");
        assert_eq!(r.consumers_stopped_ms, r.last_item_ms);
        assert!(r.diagnosis.is_empty(), "{:?}", r.diagnosis);
        assert_balanced(&r);
    }
}

#[test]
fn daemon_consumers_end_with_main_after_q_join() {
    let config = lab_config(Strategy::Daemon, 42);
    let (r, events, _) = run(config.clone());
    assert_eq!(r.verdict, Verdict::AllProcessed);
    let finish = events
        .iter()
        .position(|e| e.actor.0 == 0 && e.kind == EventKind::Finish)
        .unwrap();
    let exits: Vec<_> = events[finish + 1..]
        .iter()
        .map(|e| (e.actor, e.kind))
        .collect();
    let expected: Vec<_> = consumers(&config)
        .into_iter()
        .map(|c| (c, EventKind::DaemonExit))
        .collect();
    assert_eq!(exits, expected, "the daemons end right after main");
    assert_eq!(count(&events, EventKind::Terminate), 0);
    assert!(r.consumers.iter().all(|c| c.ended == Some("daemon_exit")));
    assert_eq!(r.stop_lag_ms, Some(0.0));
    assert_balanced(&r);
}

#[test]
fn sentinels_one_per_consumer_stop_every_consumer() {
    for consumers_n in [1, 2, 5] {
        let mut config = lab_config(Strategy::Sentinel, 3);
        config.consumers = consumers_n;
        let (r, events, lab) = run(config.clone());
        assert_eq!(r.verdict, Verdict::AllProcessed);
        assert_eq!(r.sentinels_put, u64::from(consumers_n));
        assert_eq!(r.sentinels_got, u64::from(consumers_n));
        for c in consumers(&config) {
            let kinds = kinds_of(&events, c);
            assert_eq!(
                kinds[kinds.len() - 2..],
                [EventKind::SentinelGet, EventKind::Finish]
            );
        }
        // Sentinels are not items: nothing extra was got, put or left.
        assert_eq!(
            (r.run.produced, r.run.consumed, r.run.in_queue),
            (10, 10, 0)
        );
        assert_eq!(lab.run().queue().len(), 0);
        assert_eq!(r.run.unfinished, 0, "each sentinel was marked done");
        assert_balanced(&r);
    }
}

#[test]
fn one_sentinel_for_several_consumers_hangs_the_others_and_says_why() {
    let mut config = lab_config(Strategy::SentinelBug, 42);
    config.consumers = 3;
    let (r, events, lab) = run(config);
    assert_eq!(r.verdict, Verdict::Stuck);
    assert_eq!((r.sentinels_put, r.sentinels_got), (1, 1));
    assert_eq!(r.processed, 10);
    let waits: Vec<&str> = r.run.stuck.iter().map(|s| s.waiting_on.as_str()).collect();
    assert_eq!(waits.iter().filter(|w| **w == "get()").count(), 2);
    assert!(waits.iter().any(|w| w.starts_with("p.join() (consumer")));
    assert!(r
        .diagnosis
        .iter()
        .any(|d| d.starts_with("Only 1 sentinel(s) for 3 consumers: 2 never get one")));
    // The two left wait in line for get(), first come first served.
    let mut places: Vec<(usize, usize)> = (4..=5)
        .chain(3..=3)
        .filter_map(|a| lab.run().blocked(ActorId(a)))
        .filter(|b| b.on == WaitingOn::Get)
        .map(|b| (b.place, b.line))
        .collect();
    places.sort();
    assert_eq!(places, [(1, 2), (2, 2)]);
    assert_eq!(lab.run().queue().waiting_getters(), 2);
    assert_eq!(count(&events, EventKind::SentinelPut), 1);
    assert_balanced(&r);
}

#[test]
fn shutdown_lets_the_consumers_drain_then_stop() {
    let mut config = lab_config(Strategy::Shutdown, 42);
    config.consumers = 1; // falls behind: there is a queue to drain
    let (r, events, _) = run(config.clone());
    assert_eq!(r.verdict, Verdict::AllProcessed);
    let shutdown = events
        .iter()
        .position(|e| e.kind == (EventKind::Shutdown { immediate: false }))
        .unwrap();
    let consumed_after = events[shutdown..]
        .iter()
        .filter(|e| e.kind == EventKind::Consume)
        .count();
    assert!(
        consumed_after > 0,
        "items queued at the shutdown are still processed"
    );
    let c = consumers(&config)[0];
    assert_eq!(
        kinds_of(&events, c)[kinds_of(&events, c).len() - 2..],
        [EventKind::GetShutDown, EventKind::Finish]
    );
    assert_eq!(r.run.dropped, 0);
    assert_balanced(&r);
}

#[test]
fn shutdown_immediate_drops_the_queued_items_and_counts_them() {
    let mut config = lab_config(Strategy::ShutdownImmediate, 42);
    config.consumers = 1;
    let (r, events, _) = run(config);
    assert_eq!(r.verdict, Verdict::Incomplete);
    assert!(r.run.dropped > 0);
    assert_eq!(r.processed + r.run.dropped + r.lost, 10);
    assert_eq!(r.dropped_items.len() as u64, r.run.dropped);
    let shutdown = events
        .iter()
        .position(|e| e.kind == (EventKind::Shutdown { immediate: true }))
        .unwrap();
    let drops: Vec<&Event> = events
        .iter()
        .filter(|e| e.kind == EventKind::Drop)
        .collect();
    assert!(drops.iter().all(|e| e.time == events[shutdown].time));
    assert_eq!(r.run.unfinished, 0, "the dropped items left the count");
    assert!(r.diagnosis.iter().any(|d| d.contains("dropped")));
    assert_balanced(&r);
}

// ---- the two classic mistakes -------------------------------------------

#[test]
fn a_forgotten_task_done_keeps_join_waiting_with_one_unfinished() {
    let mut config = lab_config(Strategy::JoinTerminate, 42);
    config.termination.forget_task_done = Some(3);
    let (r, _, lab) = run(config);
    assert_eq!(r.verdict, Verdict::Stuck);
    assert_eq!((r.processed, r.run.task_done, r.run.unfinished), (10, 9, 1));
    assert_eq!(lab.run().waiting_on(ActorId(0)), Some(WaitingOn::QueueJoin));
    assert!(r.run.stuck[0]
        .explanation
        .starts_with("main waits on q.join() forever"));
    assert!(r.diagnosis[0].contains("forgot task_done()"));
    assert!(r.diagnosis[0].contains("q.join() never returns"));
    assert_balanced(&r);
    // A strategy that never joins the queue does not notice.
    let mut config = lab_config(Strategy::Sentinel, 42);
    config.termination.forget_task_done = Some(3);
    let (r, _, _) = run(config);
    assert_eq!(r.verdict, Verdict::AllProcessed);
    assert_eq!(r.run.unfinished, 1);
    assert!(r.diagnosis[0].contains("nobody notices"));
}

#[test]
fn an_extra_task_done_after_the_last_item_raises_at_that_consumer_and_the_run_goes_on() {
    let mut config = lab_config(Strategy::JoinTerminate, 42);
    config.termination.extra_task_done = Some(config.total_items());
    let (r, events, lab) = run(config);
    assert_eq!(r.verdict, Verdict::AllProcessed);
    assert_eq!(
        (r.run.task_done, r.run.unfinished, r.run.errors),
        (10, 0, 1)
    );
    let error = events
        .iter()
        .find(|e| e.kind == EventKind::Error(Fault::TaskDoneTooMany))
        .unwrap();
    // Right after that consumer's last task_done(), for the same item.
    let last_done = events
        .iter()
        .rfind(|e| e.kind == EventKind::TaskDone)
        .unwrap();
    assert_eq!((error.actor, error.item), (last_done.actor, last_done.item));
    let line = i18n::log_line(
        ScenarioKind::Termination,
        error,
        lab.run().roles(),
        Lang::En,
    );
    assert!(line.contains("task_done() called too many times"));
    assert!(r.diagnosis[0].contains("the count is unchanged and the run goes on"));
    assert_balanced(&r);
}

#[test]
fn an_extra_task_done_while_tasks_are_unfinished_is_silent_and_join_returns_early() {
    let mut config = lab_config(Strategy::JoinTerminate, 42);
    config.termination.extra_task_done = Some(8);
    let (r, events, _) = run(config);
    assert_eq!(count(&events, EventKind::Error(Fault::TaskDoneTooMany)), 0);
    // One task_done() too many: q.join() returned with an item unfinished,
    // and terminate() took it away mid-work.
    assert_eq!(r.verdict, Verdict::Incomplete);
    assert_eq!((r.processed, r.lost), (9, 1));
    assert!(r.diagnosis[0].contains("no error, but the count is now one short"));
    assert!(r.diagnosis[0].contains("q.join() returned at"));
    assert_balanced(&r);
}

// ---- a consumer dies mid-item ---------------------------------------------

fn kill(consumer: u32, when: KillWhen) -> Option<Kill> {
    Some(Kill { consumer, when })
}

#[test]
fn a_consumer_killed_mid_item_on_a_joinable_queue_loses_it_and_join_hangs() {
    let mut config = lab_config(Strategy::JoinTerminate, 42);
    config.termination.kill = kill(2, KillWhen::At(Duration::from_secs(1)));
    let (r, events, lab) = run(config.clone());
    let died = events.iter().find(|e| e.kind == EventKind::Killed).unwrap();
    assert_eq!(
        (died.actor, died.time),
        (consumers(&config)[1], 1_000_000_000)
    );
    let item = died.item.unwrap();
    // It was got and never marked done.
    assert!(events
        .iter()
        .any(|e| e.kind == EventKind::Get && e.item == Some(item)));
    assert!(!events
        .iter()
        .any(|e| e.kind == EventKind::TaskDone && e.item == Some(item)));
    assert_eq!(r.verdict, Verdict::Stuck);
    assert_eq!((r.processed, r.lost, r.run.unfinished), (9, 1, 1));
    assert_eq!(r.lost_items, ["Beijing shop hot dog 1"]);
    assert!(r.diagnosis[0].contains("task_done() is not an acknowledgement"));
    assert!(r.diagnosis[0].ends_with("and q.join() waits forever."));
    assert!(r.consumers[1].ended == Some("killed"));
    assert_balanced(&r);
    // The diagnosis is a fact first: who died, with which item, and that
    // q.join() hangs; the sentence above is its English.
    let facts = lab.report();
    assert_eq!(
        facts.diagnosis[0],
        Diagnosis::KilledJoinable {
            consumer: Role::Consumer(1),
            item,
            join_hangs: true
        }
    );
    assert_eq!(lab.items(Fate::Lost), [item]);
    assert_eq!(
        i18n::termination::diagnosis(&facts.diagnosis[0], config.scenario, Lang::Zh),
        "消费者2 处理 北京分店的热狗1 时死掉了：它已经 get() 了 北京分店的热狗1，却永远不会 task_done()。task_done() 不是消息确认：没有人会重做 北京分店的热狗1，q.join() 永远等下去。"
    );
}

#[test]
fn with_broker_acks_the_killed_consumers_item_is_redelivered_and_nothing_is_lost() {
    let mut config = lab_config(Strategy::JoinTerminate, 42);
    config.termination.kill = kill(2, KillWhen::At(Duration::from_secs(1)));
    config.termination.broker_ack = true;
    let (r, events, _) = run(config.clone());
    assert_eq!(r.verdict, Verdict::AllProcessed);
    assert_eq!((r.processed, r.lost, r.duplicates), (10, 0, 0));
    assert_eq!((r.redelivered, r.acked), (1, 10));
    let redelivery = events
        .iter()
        .find(|e| e.kind == EventKind::Redeliver)
        .unwrap();
    // After the visibility timeout, from the delivery the dead consumer held.
    let got = events
        .iter()
        .find(|e| e.kind == EventKind::Get && e.item == redelivery.item)
        .unwrap();
    assert_eq!(redelivery.time - got.time, 1_500_000_000);
    assert_eq!(redelivery.actor, consumers(&config)[1]);
    // Conservation counts the redelivery explicitly.
    let c = &r.run;
    assert_eq!(
        c.produced + r.redelivered,
        c.consumed + r.lost + c.dropped + 1
    );
    assert!(r.diagnosis[0].contains("was redelivered to consumer 1: nothing lost"));
    assert_balanced(&r);
}

#[test]
fn a_visibility_timeout_shorter_than_the_work_gives_counted_duplicates() {
    let mut config = lab_config(Strategy::JoinTerminate, 42);
    config.termination.broker_ack = true;
    config.termination.visibility_timeout = Duration::from_millis(700);
    let (r, events, _) = run(config);
    assert_eq!(r.verdict, Verdict::Duplicates);
    assert!(r.duplicates > 0);
    assert_eq!(r.run.consumed, 10 + r.duplicates);
    assert_eq!(r.stale_acks, r.duplicates, "each late ack is rejected");
    assert_eq!(r.redelivered, r.duplicates);
    assert_eq!(count(&events, EventKind::Ack) as u64, r.acked);
    assert_eq!(r.acked, 10, "one valid ack per item");
    // Shanghai 2 timed out twice (three times processed), Shanghai 3 once.
    assert_eq!(
        r.duplicated_items,
        ["Shanghai shop hot dog 2", "Shanghai shop hot dog 3"]
    );
    assert_eq!(r.duplicates, 3);
    assert!(r.diagnosis.iter().any(|d| d.contains("at-least-once")));
    assert_balanced(&r);
}

#[test]
fn kill_by_chance_or_at_an_idle_moment_strikes_halfway_through_an_item() {
    let mut config = lab_config(Strategy::JoinTerminate, 5);
    config.termination.kill = kill(1, KillWhen::Chance(1.0));
    let (_, events, _) = run(config.clone());
    let c1 = consumers(&config)[0];
    let first_get = events
        .iter()
        .find(|e| e.actor == c1 && e.kind == EventKind::Get)
        .unwrap();
    let died = events.iter().find(|e| e.kind == EventKind::Killed).unwrap();
    assert_eq!((died.actor, died.item), (c1, first_get.item));
    assert!(died.time >= first_get.time);

    // Chance 0: never.
    config.termination.kill = kill(1, KillWhen::Chance(0.0));
    let (r, events, _) = run(config.clone());
    assert_eq!(count(&events, EventKind::Killed), 0);
    assert_eq!(r.verdict, Verdict::AllProcessed);
    assert!(r.diagnosis[0].contains("did not die"));

    // At 0 s the consumer is idle: it dies during its first item.
    config.termination.kill = kill(1, KillWhen::At(Duration::ZERO));
    let (_, events, _) = run(config.clone());
    let died = events.iter().find(|e| e.kind == EventKind::Killed).unwrap();
    assert_eq!(died.item, first_get.item);
    let work = events
        .iter()
        .find(|e| e.kind == EventKind::Consume && e.item == first_get.item);
    assert!(work.is_none(), "its item was never finished");
}

#[test]
fn a_redelivered_item_with_no_consumer_left_is_stuck_and_explained() {
    let mut config = lab_config(Strategy::JoinTerminate, 42);
    config.consumers = 1;
    config.termination.kill = kill(1, KillWhen::At(Duration::from_secs(1)));
    config.termination.broker_ack = true;
    let (r, _, _) = run(config);
    assert_eq!(r.verdict, Verdict::Stuck);
    assert!(r.run.in_queue > 0);
    assert!(r.diagnosis[0].contains("no consumer took it again"));
    assert_balanced(&r);
}

#[test]
fn sentinels_complete_despite_a_dead_consumer_but_the_item_is_lost() {
    let mut config = lab_config(Strategy::Sentinel, 42);
    config.termination.kill = kill(2, KillWhen::At(Duration::from_secs(1)));
    let (r, _, lab) = run(config);
    assert_eq!(r.run.outcome, Outcome::Completed);
    assert_eq!(r.verdict, Verdict::Incomplete);
    assert_eq!(r.lost, 1);
    // The dead consumer's sentinel is left in the queue; it is no item.
    assert_eq!((lab.run().queue().len(), r.run.in_queue), (1, 0));
    assert_balanced(&r);
}

// ---- the delivery limit and the books with redelivery (issue 11) ------------

/// The lab with broker acknowledgements and this visibility timeout.
fn broker_config(strategy: Strategy, seed: u64, visibility_ms: u64) -> Config {
    let mut config = lab_config(strategy, seed);
    config.termination.broker_ack = true;
    config.termination.visibility_timeout = Duration::from_millis(visibility_ms);
    config
}

#[test]
fn work_slower_than_the_visibility_timeout_ends_with_every_item_dead_lettered() {
    // Every delivery takes 1 s, so no acknowledgement is ever in time: each
    // item is delivered five times, then filed as a dead letter, and
    // q.join() returns. (Before the limit this ran without end.)
    let mut config = broker_config(Strategy::JoinTerminate, 1, 300);
    config.consume_delay = "const:1s".parse().unwrap();
    let (r, events, lab) = run(config);
    assert_eq!(r.run.outcome, Outcome::Completed);
    assert_eq!(count(&events, EventKind::DeadLetter), 10);
    assert_eq!(count(&events, EventKind::Get), 50, "five deliveries each");
    assert_eq!(r.acked, 0);
    // Each item was processed by one of its deliveries anyway: the dead
    // letters are duplicate copies, not items.
    assert_eq!((r.processed, r.dead_lettered), (10, 0));
    assert_eq!(r.duplicate_copies.dead_lettered, 10);
    assert_eq!(r.verdict, Verdict::Duplicates);
    assert_eq!(r.run.consumed, 10 + r.duplicates);
    assert!(
        r.diagnosis.iter().any(|d| d
            .starts_with("10 item(s) went to the dead-letter list: each was delivered 5 time(s)")),
        "{:?}",
        r.diagnosis
    );
    assert_eq!(lab.ledger().dead_letters.len(), 10);
    assert_balanced(&r);

    // A lower limit ends it sooner, with fewer duplicates.
    let mut config = broker_config(Strategy::JoinTerminate, 1, 300);
    config.consume_delay = "const:1s".parse().unwrap();
    config.termination.max_deliveries = 2;
    let (two, events, _) = run(config);
    assert_eq!(count(&events, EventKind::Get), 20);
    assert!(two.run.end_time_ms < r.run.end_time_ms);
    assert!(two.duplicates < r.duplicates);
    assert_balanced(&two);
}

#[test]
fn an_item_dead_lettered_before_any_delivery_finished_is_its_fate() {
    // One delivery allowed, and its consumer dies on it: the broker files
    // the item as a dead letter instead of redelivering it.
    let mut config = broker_config(Strategy::JoinTerminate, 42, 1500);
    config.termination.max_deliveries = 1;
    config.termination.kill = kill(2, KillWhen::At(Duration::from_secs(1)));
    let (r, events, lab) = run(config);
    let item = events
        .iter()
        .find(|e| e.kind == EventKind::Killed)
        .and_then(|e| e.item)
        .unwrap();
    assert_eq!(lab.items(Fate::DeadLettered), [item]);
    assert_eq!((r.processed, r.dead_lettered, r.lost), (9, 1, 0));
    assert_eq!(r.dead_lettered_items.len(), 1);
    assert_eq!(r.verdict, Verdict::Incomplete);
    assert_eq!(count(&events, EventKind::Redeliver), 0);
    let facts = lab.report();
    assert!(matches!(
        facts.diagnosis[0],
        Diagnosis::KilledBroker {
            redelivered: canteen::termination::report::Redelivered::DeadLettered,
            ..
        }
    ));
    assert!(r.diagnosis[0]
        .ends_with("went to the dead-letter list: that was its last allowed delivery."));
    assert!(r
        .diagnosis
        .iter()
        .any(|d| d.contains("1 of them were never processed")));
    assert_balanced(&r);
}

#[test]
fn copies_of_processed_items_left_behind_are_duplicates_and_the_books_balance() {
    // Sentinels: redelivered copies queued behind the sentinels stay in the
    // queue. An immediate shutdown drops them. Both used to be counted as
    // items still queued or dropped, and the books did not balance.
    let (r, _, _) = run(broker_config(Strategy::Sentinel, 1, 300));
    assert_eq!(r.run.outcome, Outcome::Completed);
    assert_eq!(r.verdict, Verdict::Duplicates);
    assert_eq!((r.processed, r.run.in_queue), (10, 2));
    assert_eq!((r.fates.in_queue, r.duplicate_copies.in_queue), (0, 2));
    assert!(r.queued_items.is_empty());
    assert!(
        !r.diagnosis
            .iter()
            .any(|d| d.contains("left in the queue, never")),
        "{:?}",
        r.diagnosis
    );
    assert!(r.diagnosis.contains(
        &"Copies of items already counted, so duplicates, not items: 2 left in the queue, 0 dropped, 0 dead-lettered."
            .to_string()
    ));
    assert_balanced(&r);

    let (r, _, _) = run(broker_config(Strategy::ShutdownImmediate, 1, 300));
    assert_eq!(r.run.dropped, 4, "copies dropped");
    assert_eq!((r.fates.dropped, r.duplicate_copies.dropped), (2, 2));
    assert_eq!(r.dropped_items.len(), 2);
    assert_eq!(r.processed + r.fates.dropped, 10);
    assert!(r.diagnosis.contains(
        &"shutdown(immediate=True) dropped 2 queued item(s), never processed.".to_string()
    ));
    assert_balanced(&r);
}

#[test]
fn the_books_balance_for_every_strategy_failure_and_broker_setting() {
    let failures: [fn(&mut Config); 5] = [
        |_| {},
        |c| c.termination.forget_task_done = Some(3),
        |c| c.termination.extra_task_done = Some(2),
        |c| c.termination.kill = kill(1, KillWhen::At(Duration::from_millis(700))),
        |c| c.termination.kill = kill(2, KillWhen::Chance(0.4)),
    ];
    let brokers: [(bool, u64, u32); 5] = [
        (false, 1500, 5),
        (true, 1500, 5),
        (true, 300, 5),
        (true, 300, 1),
        (true, 100, 3),
    ];
    for &strategy in Strategy::VARIANTS {
        for fail in failures {
            for (on, visibility, deliveries) in brokers {
                for (seed, consume) in [(1, "uniform:0ms..1s"), (7, "exp:1s")] {
                    let mut config = lab_config(strategy, seed);
                    config.consume_delay = consume.parse().unwrap();
                    fail(&mut config);
                    config.termination.broker_ack = on;
                    if on {
                        config.termination.visibility_timeout = Duration::from_millis(visibility);
                        config.termination.max_deliveries = deliveries;
                    }
                    let (r, _, _) = run(config.clone());
                    assert!(r.run.outcome.is_over());
                    assert!(r.accounted, "{config:?}\n{r:#?}");
                    assert!(r.run.conserved, "{config:?}");
                    assert_eq!(r.fates.total(), r.run.produced);
                }
            }
        }
    }
}

#[test]
fn sentinels_with_exponential_work_balance_their_books_for_every_seed() {
    // The default visibility timeout (1.5 s) against exp:1s work: the slow
    // tail is redelivered, and copies end up behind the sentinels.
    let mut with_copies = 0;
    for seed in 0..40 {
        let mut config = lab_config(Strategy::Sentinel, seed);
        config.consume_delay = "exp:1s".parse().unwrap();
        config.termination.broker_ack = true;
        let (r, _, _) = run(config);
        assert_balanced(&r);
        with_copies += usize::from(r.duplicate_copies.in_queue > 0);
    }
    assert!(with_copies > 0, "some seeds leave copies behind");
}

#[test]
fn dead_letters_have_log_lines_and_sentences_in_both_languages() {
    let mut config = broker_config(Strategy::Daemon, 1, 300);
    config.consume_delay = "const:1s".parse().unwrap();
    config.termination.max_deliveries = 2;
    let (_, events, lab) = run(config.clone());
    let dead = events
        .iter()
        .find(|e| e.kind == EventKind::DeadLetter)
        .unwrap();
    assert_eq!(dead.kind.name(), "dead_letter");
    let zh = i18n::log_line(ScenarioKind::Termination, dead, lab.run().roles(), Lang::Zh);
    let en = i18n::log_line(ScenarioKind::Termination, dead, lab.run().roles(), Lang::En);
    assert!(zh.contains("死信列表"), "{zh}");
    assert!(en.contains("dead-letter list"), "{en}");
    for d in &lab.report().diagnosis {
        let zh = i18n::termination::diagnosis(d, ScenarioKind::Termination, Lang::Zh);
        let en = i18n::termination::diagnosis(d, ScenarioKind::Termination, Lang::En);
        assert!(!zh.is_empty() && !en.is_empty() && zh != en, "{d:?}");
    }
    assert_eq!(
        i18n::termination::fate(Fate::DeadLettered, Lang::Zh),
        "死信"
    );
}

#[test]
fn cli_json_lists_the_dead_letters_and_the_books() {
    let v = json(&[
        "run",
        "termination",
        "--seed",
        "1",
        "--strategy",
        "join-terminate",
        "--consume-delay",
        "const:1s",
        "--broker-ack",
        "--visibility-timeout",
        "300ms",
        "--max-deliveries",
        "1",
        "--json",
    ]);
    assert_eq!(v["outcome"], "completed");
    assert_eq!(v["accounted"], true);
    // One delivery each, none acknowledged in time: eight were processed
    // anyway (their dead letters are duplicate copies), the last two were
    // still being worked on when q.join() returned and main terminated
    // their consumers.
    assert_eq!(
        (v["processed"].as_u64(), v["dead_lettered"].as_u64()),
        (Some(8), Some(2))
    );
    assert_eq!(v["duplicate_copies"]["dead_lettered"], 8);
    assert_eq!(v["duplicates"], 0);
    assert_eq!(v["redelivered"], 0);
    let fates = v["fates"].as_object().unwrap();
    let total: u64 = fates.values().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(total, 10);
    assert_eq!(fates.len(), 7);
    assert_eq!(v["dead_lettered_items"].as_array().unwrap().len(), 2);
}

// ---- the comparison ---------------------------------------------------------

#[test]
fn the_comparison_runs_every_strategy_with_the_same_settings_and_seed() {
    let rows = compare(&lab_config(Strategy::Daemon, 42));
    let summary: Vec<(Strategy, Verdict, usize)> = rows
        .iter()
        .map(|r| (r.strategy, r.verdict, r.stuck))
        .collect();
    assert_eq!(
        summary,
        [
            (Strategy::None, Verdict::Stuck, 2),
            (Strategy::JoinTerminate, Verdict::AllProcessed, 0),
            (Strategy::Daemon, Verdict::AllProcessed, 0),
            (Strategy::Sentinel, Verdict::AllProcessed, 0),
            (Strategy::SentinelBug, Verdict::Stuck, 2),
            (Strategy::Shutdown, Verdict::AllProcessed, 0),
            (Strategy::ShutdownImmediate, Verdict::AllProcessed, 0),
        ]
    );
    // The same producers and seed: the same items, all made before anyone
    // signals anything.
    for row in &rows {
        assert_eq!(
            row.processed + row.dropped + row.lost + row.left,
            10,
            "{row:?}"
        );
    }
    // Each row is the run the lab itself gives for that strategy.
    for row in &rows {
        let (r, _, _) = run(lab_config(row.strategy, 42));
        assert_eq!(
            (row.verdict, row.processed, row.dropped),
            (r.verdict, r.processed, r.run.dropped)
        );
        assert_eq!(row.stop_lag_ms, r.stop_lag_ms);
    }
    // With one eater the queue backs up: an immediate shutdown drops items,
    // and one sentinel is enough.
    let mut one = lab_config(Strategy::None, 42);
    one.consumers = 1;
    let rows = compare(&one);
    assert_eq!(rows[4].verdict, Verdict::AllProcessed);
    assert_eq!(rows[6].verdict, Verdict::Incomplete);
    assert!(rows[6].dropped > 0);
}

// ---- blocked-on lines ---------------------------------------------------------

#[test]
fn blocked_on_places_match_the_queues_own_lines_throughout_a_run() {
    let config = Config {
        scenario: ScenarioKind::Custom,
        producers: 4,
        consumers: 3,
        items: 12,
        capacity: 2,
        produce_delay: "exp:20ms".parse().unwrap(),
        consume_delay: Delay::Uniform(Duration::from_millis(10), Duration::from_millis(150)),
        ..Config::defaults(ScenarioKind::Custom, 17)
    };
    let actors = config.roles().len() as u32;
    let mut lab = Lab::new(config, |_| {});
    let (mut saw_putters, mut saw_getters) = (0, 0);
    let mut t = 0;
    while !lab.run().outcome().is_over() {
        t += 7_000_000;
        lab.run_mut().advance_to(t);
        let run = lab.run();
        for (wait, in_line) in [
            (WaitingOn::Put, run.queue().waiting_putters()),
            (WaitingOn::Get, run.queue().waiting_getters()),
        ] {
            let mut places: Vec<usize> = (0..actors)
                .filter_map(|a| run.blocked(ActorId(a)))
                .filter(|b| b.on == wait)
                .inspect(|b| assert_eq!(b.line, in_line))
                .map(|b| b.place)
                .collect();
            places.sort();
            assert_eq!(places, (1..=in_line).collect::<Vec<_>>(), "{wait:?} at {t}");
            if in_line > 1 {
                match wait {
                    WaitingOn::Put => saw_putters += 1,
                    _ => saw_getters += 1,
                }
            }
        }
    }
    assert!(saw_putters > 0 && saw_getters > 0, "both lines formed");
}

#[test]
fn badges_name_the_wait_and_the_place_in_both_languages() {
    use canteen::i18n::termination::badge;
    use canteen::lines::Blocked;
    let b = Blocked {
        on: WaitingOn::Get,
        place: 2,
        line: 3,
    };
    assert_eq!(badge(b, "get()", Lang::En), "waits on get() · 2nd of 3");
    assert_eq!(
        badge(b, "get()", Lang::Zh),
        "等待 get() · 排第 2 位，共 3 个"
    );
    let first = Blocked {
        place: 1,
        line: 1,
        ..b
    };
    assert_eq!(badge(first, "get()", Lang::En), "waits on get() · 1st of 1");
    let eleventh = Blocked {
        place: 11,
        line: 12,
        ..b
    };
    assert_eq!(
        badge(eleventh, "get()", Lang::En),
        "waits on get() · 11th of 12"
    );
    let join = Blocked {
        on: WaitingOn::TaskJoin(ActorId(3)),
        place: 1,
        line: 1,
    };
    assert_eq!(
        badge(join, "p.join() (consumer 1)", Lang::En),
        "waits on p.join() (consumer 1)"
    );
}

// ---- settings, names, determinism -------------------------------------------

#[test]
fn lab_options_are_validated_and_named() {
    let field = |config: &Config| config.validate().unwrap_err().field();
    let mut hotdog = Config::defaults(ScenarioKind::Hotdog, 1);
    hotdog.termination.broker_ack = true;
    assert_eq!(field(&hotdog), "broker-ack");
    let problem = hotdog.validate().unwrap_err();
    assert_eq!(
        problem,
        ConfigProblem::OnlyTermination {
            field: "broker-ack"
        }
    );
    assert!(i18n::problems::config(&problem, Lang::En).contains("only the termination scenario"));
    let base = lab_config(Strategy::Sentinel, 1);
    assert!(base.validate().is_ok());
    let mut c = base.clone();
    c.termination.forget_task_done = Some(11);
    assert_eq!(field(&c), "forget-task-done");
    let mut c = base.clone();
    c.termination.extra_task_done = Some(0);
    assert_eq!(field(&c), "extra-task-done");
    let mut c = base.clone();
    c.termination.kill = kill(3, KillWhen::At(Duration::ZERO));
    assert_eq!(field(&c), "kill-consumer");
    let mut c = base.clone();
    c.termination.kill = kill(1, KillWhen::Chance(1.5));
    assert_eq!(field(&c), "kill-chance");
    c.termination.kill = kill(1, KillWhen::Chance(f64::NAN));
    assert_eq!(field(&c), "kill-chance");
    let mut c = base.clone();
    c.termination.kill = kill(1, KillWhen::At(Duration::from_secs(90_000)));
    assert_eq!(field(&c), "kill-at");
    let mut c = base.clone();
    c.termination.visibility_timeout = Duration::from_secs(3);
    assert_eq!(
        c.validate(),
        Err(ConfigProblem::NeedsBrokerAck {
            field: "visibility-timeout"
        })
    );
    c.termination.broker_ack = true;
    assert!(c.validate().is_ok());
    c.termination.visibility_timeout = Duration::ZERO;
    assert_eq!(field(&c), "visibility-timeout");
    let mut c = base.clone();
    c.termination.max_deliveries = 3;
    assert_eq!(
        c.validate(),
        Err(ConfigProblem::NeedsBrokerAck {
            field: "max-deliveries"
        })
    );
    c.termination.broker_ack = true;
    assert!(c.validate().is_ok());
    for bad in [0, 101] {
        c.termination.max_deliveries = bad;
        assert_eq!(
            c.validate(),
            Err(ConfigProblem::OutOfRange {
                field: "max-deliveries",
                value: bad.into(),
                lo: 1,
                hi: 100
            })
        );
    }
}

#[test]
fn every_lab_event_has_a_log_line_in_both_languages() {
    let mut config = lab_config(Strategy::Sentinel, 42);
    config.termination.kill = kill(1, KillWhen::At(Duration::from_millis(500)));
    config.termination.broker_ack = true;
    config.termination.visibility_timeout = Duration::from_millis(600);
    let mut kinds = Vec::new();
    for strategy in [
        Strategy::Sentinel,
        Strategy::Daemon,
        Strategy::ShutdownImmediate,
    ] {
        config.termination.strategy = strategy;
        let (_, events, lab) = run(config.clone());
        for e in &events {
            for lang in [Lang::Zh, Lang::En] {
                let line = i18n::log_line(ScenarioKind::Termination, e, lab.run().roles(), lang);
                assert!(!line.is_empty(), "{e}");
            }
            if !kinds.contains(&e.kind.name()) {
                kinds.push(e.kind.name());
            }
        }
    }
    for name in [
        "sentinel_put",
        "sentinel_get",
        "shutdown_immediate",
        "get_shut_down",
        "killed",
        "daemon_exit",
        "ack",
        "redeliver",
    ] {
        assert!(kinds.contains(&name), "{name} never happened: {kinds:?}");
    }
}

#[test]
fn lab_runs_are_deterministic_with_every_failure_on() {
    let mut config = lab_config(Strategy::Shutdown, 99);
    config.consumers = 3;
    config.termination.kill = kill(2, KillWhen::Chance(0.3));
    config.termination.broker_ack = true;
    config.termination.visibility_timeout = Duration::from_millis(800);
    config.termination.extra_task_done = Some(4);
    config.termination.forget_task_done = Some(2);
    let (a, ea, _) = run(config.clone());
    let (b, eb, _) = run(config);
    assert_eq!(trace(&ea), trace(&eb));
    assert_eq!(a.diagnosis, b.diagnosis);
    assert_balanced(&a);
}

#[test]
fn the_lab_names_its_actors_and_items_after_the_seeds_hot_dogs() {
    let (r, _, _) = run(lab_config(Strategy::ShutdownImmediate, 2));
    assert!(r.dropped_items.iter().all(|n| n.contains("shop hot dog")));
    let zh = i18n::item_name(
        ScenarioKind::Termination,
        canteen::trace::ItemId { origin: 0, seq: 1 },
        Lang::Zh,
    );
    assert_eq!(zh, "上海分店的热狗1");
}

// ---- the command line ---------------------------------------------------------

#[test]
fn cli_json_has_the_labs_fields_and_the_foundations() {
    let v = json(&[
        "run",
        "termination",
        "--seed",
        "42",
        "--strategy",
        "join-terminate",
        "--kill-consumer",
        "2",
        "--kill-at",
        "1s",
        "--json",
    ]);
    assert_fields(&v, &REPORT_FIELDS, "report");
    for field in [
        "conserved",
        "strategy",
        "verdict",
        "processed",
        "duplicates",
        "lost",
        "redelivered",
        "diagnosis",
        "consumers",
    ] {
        assert!(v.get(field).is_some(), "missing {field}");
    }
    assert_eq!(v["outcome"], "stuck");
    assert_eq!(v["strategy"], "join-terminate");
    assert_eq!(
        (v["processed"].as_u64(), v["lost"].as_u64()),
        (Some(9), Some(1))
    );
    assert_eq!(v["stuck"][0]["waiting_on"], "q.join()");
    assert_eq!(v["consumers"][1]["ended"], "killed");
    // The same with broker acknowledgements: redelivered, nothing lost.
    let v = json(&[
        "run",
        "termination",
        "--seed",
        "42",
        "--kill-consumer",
        "2",
        "--kill-at",
        "1s",
        "--broker-ack",
        "--json",
        "--events",
    ]);
    assert_eq!(v["outcome"], "completed");
    assert_eq!(
        (v["redelivered"].as_u64(), v["lost"].as_u64()),
        (Some(1), Some(0))
    );
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"killed") && kinds.contains(&"redeliver") && kinds.contains(&"ack"));
}

#[test]
fn cli_compare_prints_every_strategy() {
    let v = json(&["run", "termination", "--seed", "42", "--compare", "--json"]);
    let rows = v["comparison"].as_array().unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["strategy"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "none",
            "join-terminate",
            "daemon",
            "sentinel",
            "sentinel-bug",
            "shutdown",
            "shutdown-immediate"
        ]
    );
    assert_eq!(rows[0]["verdict"], "stuck");
    assert_eq!(rows[0]["stop_lag_ms"], serde_json::Value::Null);
    let out = canteen(&["run", "termination", "--seed", "42", "--compare"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 8, "{text}");
    assert!(text.lines().next().unwrap().starts_with("strategy"));
    assert!(text.contains("sentinel-bug        stuck"));
}

#[test]
fn cli_text_output_explains_the_mistake() {
    let out = canteen(&[
        "run",
        "termination",
        "--seed",
        "42",
        "--extra-task-done",
        "10",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("consumer 2: ValueError: task_done() called too many times"));
    assert!(text.contains("verdict completed: every item processed once"));
}

#[test]
fn cli_errors_exit_2_with_one_line_naming_the_option() {
    for (args, start) in [
        (
            vec!["--strategy", "poison"],
            "canteen: --strategy: 'poison' is not a strategy",
        ),
        (
            vec!["--kill-at", "1s"],
            "canteen: --kill-at needs --kill-consumer N",
        ),
        (
            vec!["--kill-consumer", "3"],
            "canteen: --kill-consumer: 3 is out of range; use 1 to 2",
        ),
        (
            vec!["--forget-task-done", "x"],
            "canteen: --forget-task-done: 'x' is not",
        ),
        (
            vec!["--extra-task-done", "11"],
            "canteen: --extra-task-done: 11 is out of range",
        ),
        (
            vec!["--visibility-timeout", "1s"],
            "canteen: --visibility-timeout: needs --broker-ack",
        ),
        (
            vec!["--max-deliveries", "3"],
            "canteen: --max-deliveries: needs --broker-ack",
        ),
        (
            vec!["--broker-ack", "--max-deliveries", "0"],
            "canteen: --max-deliveries: 0 is out of range; use 1 to 100",
        ),
        (
            vec!["--broker-ack", "--max-deliveries", "101"],
            "canteen: --max-deliveries: 101 is out of range; use 1 to 100",
        ),
        (
            vec!["--kill-consumer", "1", "--kill-chance", "2"],
            "canteen: --kill-chance: 2 is not a probability",
        ),
    ] {
        let mut all = vec!["run", "termination"];
        all.extend(args);
        let out = canteen(&all);
        assert_eq!(out.status.code(), Some(2), "{all:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with(start), "{err}");
    }
    for option in ["--strategy", "--compare", "--broker-ack"] {
        let mut all = vec!["run", "hotdog", option];
        if option == "--strategy" {
            all.push("daemon");
        }
        let out = canteen(&all);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.starts_with(&format!("canteen: {option}: only the termination scenario")),
            "{err}"
        );
    }
}

#[test]
fn lab_runs_driven_in_slices_end_exactly_as_in_one_go() {
    // Consumers terminated or killed mid-item leave timers that wake
    // nobody; they must not keep a sliced run going.
    let mut early_join = lab_config(Strategy::JoinTerminate, 42);
    early_join.termination.extra_task_done = Some(8);
    let mut broker_none = lab_config(Strategy::None, 42);
    broker_none.termination.broker_ack = true;
    let mut killed = lab_config(Strategy::Daemon, 3);
    killed.termination.kill = kill(1, KillWhen::At(Duration::from_millis(700)));
    killed.termination.broker_ack = true;
    for config in [early_join, broker_none, killed] {
        let (whole, events, _) = run(config.clone());
        let mut sliced = Lab::new(config, |_| {});
        let mut t = 0;
        while !sliced.run().outcome().is_over() {
            t += 16_000_000;
            sliced.run_mut().advance_to(t);
        }
        let sliced = i18n::termination::report(&sliced, Lang::En);
        assert_eq!(sliced.run.outcome, whole.run.outcome);
        assert_eq!(sliced.run.end_time_ms, whole.run.end_time_ms);
        // The run ends with its last event.
        let last = events.last().unwrap().time as f64 / 1e6;
        assert_eq!(whole.run.end_time_ms, last, "{:?}", whole.strategy);
    }
}
