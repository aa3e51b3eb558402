//! Property test of the termination lab (issue 11 §2): over thousands of
//! random valid configurations — every strategy, a kill at a time or by
//! chance, a forgotten and an extra `task_done()`, broker acknowledgements
//! with short and long visibility timeouts and various delivery limits,
//! capacities, const/uniform/exp delays, several producers and consumers,
//! sometimes a time limit — every run ends within a bound on its events
//! that follows from its settings, its books balance, no item is delivered
//! more often than the broker allows, and the same seed gives the same
//! report twice.
// proptest is a native-only dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use canteen::delay::Delay;
use canteen::run::Outcome;
use canteen::scenario::ending::{Kill, KillWhen, Settings, Strategy as Stop};
use canteen::scenario::{Config, ScenarioKind};
use canteen::termination::report::{Lab, Verdict};
use canteen::trace::{Event, EventKind, ItemId};
use proptest::prelude::*;
use strum::VariantArray;

/// Random configurations tried; each is run twice, stepped and to its end.
const CASES: u32 = 5000;

fn ms(range: std::ops::RangeInclusive<u64>) -> impl Strategy<Value = Duration> {
    range.prop_map(Duration::from_millis)
}

fn delay() -> impl Strategy<Value = Delay> {
    prop_oneof![
        ms(0..=1200).prop_map(Delay::Const),
        (ms(0..=1200), ms(0..=1200)).prop_map(|(a, b)| Delay::Uniform(a.min(b), a.max(b))),
        ms(1..=1000).prop_map(Delay::Exp),
    ]
}

fn kill_when() -> impl Strategy<Value = KillWhen> {
    prop_oneof![
        ms(0..=4000).prop_map(KillWhen::At),
        prop_oneof![Just(0.0), Just(1.0), 0.0..=1.0f64].prop_map(KillWhen::Chance),
    ]
}

/// The broker's settings: off, or on with a visibility timeout shorter or
/// longer than most work, and a delivery limit.
fn broker() -> impl Strategy<Value = Option<(Duration, u32)>> {
    let timeout = prop_oneof![ms(1..=400), ms(1000..=3000)];
    let limit = prop_oneof![3 => 1u32..=6, 1 => 7u32..=100];
    prop_oneof![
        1 => Just(None),
        2 => (timeout, limit).prop_map(Some),
    ]
}

prop_compose! {
    /// A valid `termination` config with few items, to keep each run short.
    fn lab_config()(
        seed in any::<u64>(),
        strategy in prop::sample::select(Stop::VARIANTS.to_vec()),
        producers in 1u32..=3,
        consumers in 1u32..=4,
        items in 0u32..=6,
        capacity in prop_oneof![2 => Just(0usize), 1 => 1usize..=3],
        produce in delay(),
        consume in delay(),
        until in prop_oneof![4 => Just(None), 1 => ms(0..=5000).prop_map(Some)],
        forget in prop::option::of(1u64..=18),
        extra in prop::option::of(1u64..=18),
        kill in prop::option::of((1u32..=4, kill_when())),
        broker in broker(),
    ) -> Config {
        let total = u64::from(producers * items).max(1);
        let (broker_ack, (visibility_timeout, max_deliveries)) = match broker {
            Some(settings) => (true, settings),
            None => {
                let d = Settings::default();
                (false, (d.visibility_timeout, d.max_deliveries))
            }
        };
        Config {
            scenario: ScenarioKind::Termination,
            seed,
            producers,
            consumers,
            items,
            capacity,
            produce_delay: produce,
            consume_delay: consume,
            until,
            termination: Settings {
                strategy,
                forget_task_done: forget.map(|n| (n - 1) % total + 1),
                extra_task_done: extra.map(|n| (n - 1) % total + 1),
                kill: kill.map(|(c, when)| Kill {
                    consumer: (c - 1) % consumers + 1,
                    when,
                }),
                broker_ack,
                visibility_timeout,
                max_deliveries,
            },
        }
    }
}

/// A bound on the events of a run of `config`: per delivery of an item a
/// few events (waiting for it, getting it, working or dying, finishing,
/// an extra call, its expiry), per item its making and putting, per actor
/// its start and end and main's joins and signals for it.
fn event_bound(config: &Config) -> u64 {
    let t = &config.termination;
    let deliveries = if t.broker_ack {
        u64::from(t.max_deliveries)
    } else {
        1
    };
    let actors = u64::from(config.producers + config.consumers) + 1;
    config.total_items() * (4 + 8 * deliveries) + 12 * actors
}

/// What one run gives: the lab, its outcome, its events and the
/// deliveries of each item.
struct Ran {
    lab: Lab,
    outcome: Outcome,
    events: u64,
    deliveries: HashMap<ItemId, u32>,
}

/// How a run is driven: to its end at once (as the command line does), or
/// one event at a time (as the page steps), giving up past `budget` events.
#[derive(Clone, Copy)]
enum Drive {
    ToEnd,
    Stepped { budget: u64 },
}

fn run(config: &Config, drive: Drive) -> Ran {
    let deliveries: Rc<RefCell<HashMap<ItemId, u32>>> = Rc::default();
    let counted = Rc::clone(&deliveries);
    let mut lab = Lab::new(config.clone(), move |e: &Event| {
        if let (EventKind::Get, Some(item)) = (e.kind, e.item) {
            *counted.borrow_mut().entry(item).or_default() += 1;
        }
    });
    let outcome = match drive {
        Drive::ToEnd => lab.run_mut().run_to_end(),
        Drive::Stepped { budget } => loop {
            let outcome = lab.run_mut().step();
            if outcome.is_over() || lab.run().event_count() > budget {
                break outcome;
            }
        },
    };
    let events = lab.run().event_count();
    let deliveries = deliveries.take();
    Ran {
        lab,
        outcome,
        events,
        deliveries,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn every_run_ends_its_books_balance_and_a_seed_gives_the_same_report(
        config in lab_config()
    ) {
        prop_assert_eq!(config.validate(), Ok(()));
        let bound = event_bound(&config);
        // With a time limit both runs go to the end at once: `Driver::step`
        // ends a run at its first event at the limit, while running to the
        // end takes every event at that time.
        let drive = match config.until {
            None => Drive::Stepped { budget: bound },
            Some(_) => Drive::ToEnd,
        };
        let first = run(&config, drive);
        prop_assert_ne!(first.outcome, Outcome::Running, "{} events", first.events);
        prop_assert!(first.events <= bound, "{} events, bound {}", first.events, bound);
        if config.until.is_none() {
            prop_assert_ne!(first.outcome, Outcome::TimeLimit);
        }

        let r = first.lab.report();
        prop_assert!(r.run.conserved, "conservation: {:#?}", r);
        prop_assert!(r.accounted, "books: {:#?}", r);
        prop_assert_eq!(r.fates.total(), r.run.produced);
        let t = &config.termination;
        let most = if t.broker_ack { t.max_deliveries } else { 1 };
        prop_assert!(first.deliveries.values().all(|&n| n <= most));
        let ledger = first.lab.ledger();
        prop_assert!(t.broker_ack || ledger.dead_letters.is_empty());
        if r.verdict == Verdict::AllProcessed || r.verdict == Verdict::Duplicates {
            prop_assert_eq!(r.fates.processed, config.total_items());
        }
        drop(ledger);

        let second = run(&config, Drive::ToEnd);
        prop_assert_eq!(second.events, first.events);
        prop_assert_eq!(
            format!("{:?}", second.lab.report()),
            format!("{r:?}")
        );
    }
}
