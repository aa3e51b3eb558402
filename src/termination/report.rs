//! A termination-lab run ([`Lab`]: a [`Run`] plus its [`Ledger`]), its
//! report ([`LabReport`]: the foundation's [`Report`] plus where every item
//! ended, how the consumers stopped, and why, as [`Diagnosis`] facts), and
//! the comparison of every strategy for the same settings and seed
//! ([`compare`]), which the page's table and `canteen run termination
//! --compare` share. Items and actors are ids here; the words layer names
//! them and words the diagnosis.

use std::cell::{Ref, RefCell};
use std::rc::Rc;
use std::time::Duration;
use strum::VariantArray;

use serde::Serialize;

use super::ledger::{Ending, Fate, Ledger};
use crate::run::{Outcome, Report, Run};
use crate::scenario::ending::Strategy;
use crate::scenario::{Config, ScenarioKind};
use crate::trace::{nanos_to_ms, ActorId, Event, ItemId, Nanos, Role, WaitingOn};

/// Most items listed by fate in a report (the counts are always exact).
pub const LISTED_ITEMS: usize = 100;

/// A run with the lab's books.
pub struct Lab {
    run: Run<Config>,
    ledger: Rc<RefCell<Ledger>>,
}

impl Lab {
    /// Sets up a run of `config` (which must be valid); `sink` sees every
    /// event after the run's statistics and the books have taken it.
    pub fn new(config: Config, mut sink: impl FnMut(&Event) + 'static) -> Lab {
        let ledger = Rc::new(RefCell::new(Ledger::new(&config.roles())));
        let books = Rc::clone(&ledger);
        let run = Run::new(config, move |event: &Event| {
            books.borrow_mut().record(event);
            sink(event);
        });
        Lab { run, ledger }
    }

    pub fn run(&self) -> &Run<Config> {
        &self.run
    }

    /// The run, to drive it.
    pub fn run_mut(&mut self) -> &mut Run<Config> {
        &mut self.run
    }

    pub fn ledger(&self) -> Ref<'_, Ledger> {
        self.ledger.borrow()
    }

    /// The headline so far.
    pub fn verdict(&self) -> Verdict {
        let ledger = self.ledger.borrow();
        let counts = Tally::of(&ledger);
        Verdict::of(self.run.outcome(), &counts, self.run.config().total_items())
    }

    /// The report so far.
    pub fn report(&self) -> LabReport {
        let config = self.run.config();
        let ledger = self.ledger.borrow();
        let tally = Tally::of(&ledger);
        let base = self.run.report();
        LabReport {
            verdict: Verdict::of(self.run.outcome(), &tally, config.total_items()),
            strategy: config.strategy(),
            broker_ack: config.termination.broker_ack,
            fates: tally.fates,
            duplicates: tally.duplicates,
            duplicate_copies: tally.duplicate_copies(),
            redelivered: ledger.redeliveries.len() as u64,
            acked: ledger.acks,
            stale_acks: ledger.stale_acks,
            sentinels_put: ledger.sentinels_put,
            sentinels_got: ledger.sentinels_got,
            accounted: tally.accounted(&base),
            last_item_ms: ledger.last_processed_at.map(nanos_to_ms),
            consumers_stopped_ms: ledger.consumers_stopped_at().map(nanos_to_ms),
            stop_lag_ms: ledger.stop_lag().map(nanos_to_ms),
            diagnosis: self.diagnosis(&ledger, &tally),
            run: base,
        }
    }

    /// The first [`LISTED_ITEMS`] items whose fate is `fate`.
    pub fn items(&self, fate: Fate) -> Vec<ItemId> {
        self.ledger
            .borrow()
            .items()
            .filter(|(_, r)| r.fate() == fate)
            .take(LISTED_ITEMS)
            .map(|(item, _)| item)
            .collect()
    }

    /// The first [`LISTED_ITEMS`] items processed more than once.
    pub fn duplicated_items(&self) -> Vec<ItemId> {
        self.ledger
            .borrow()
            .items()
            .filter(|(_, r)| r.processed > 1)
            .take(LISTED_ITEMS)
            .map(|(item, _)| item)
            .collect()
    }

    /// How each consumer stopped so far.
    pub fn consumer_stops(&self) -> Vec<ConsumerStop> {
        let ledger = self.ledger.borrow();
        ledger
            .consumers()
            .map(|actor| {
                let stop = ledger.stop_of(actor);
                ConsumerStop {
                    consumer: self.role(actor),
                    ended: stop.map(|s| s.how),
                    at_ms: stop.map(|s| nanos_to_ms(s.at)),
                }
            })
            .collect()
    }

    /// The role of an actor of this run.
    fn role(&self, actor: ActorId) -> Role {
        self.run.roles()[actor.0 as usize]
    }

    /// Why the run ended as it did, failures first.
    fn diagnosis(&self, ledger: &Ledger, tally: &Tally) -> Vec<Diagnosis> {
        let config = self.run.config();
        let who = |a: ActorId| self.role(a);
        let settings = config.termination;
        let broker = settings.broker_ack;
        let outcome = self.run.outcome();
        let join_hangs = outcome == Outcome::Stuck
            && self.run.waiting_on(ActorId(0)) == Some(WaitingOn::QueueJoin);
        let mut out = Vec::new();

        for death in &ledger.deaths {
            let consumer = who(death.consumer);
            let item = death.item;
            out.push(if broker {
                let redelivery = ledger
                    .redeliveries
                    .iter()
                    .find(|r| r.item == death.item && r.at >= death.at);
                let dead_lettered = ledger
                    .dead_letters
                    .iter()
                    .any(|d| d.item == death.item && d.at >= death.at);
                Diagnosis::KilledBroker {
                    consumer,
                    item,
                    visibility_timeout: settings.visibility_timeout,
                    redelivered: match redelivery {
                        Some(r) => {
                            r.to.map_or(Redelivered::Unclaimed, |to| Redelivered::To(who(to)))
                        }
                        None if dead_lettered => Redelivered::DeadLettered,
                        None => Redelivered::Never,
                    },
                }
            } else {
                Diagnosis::KilledJoinable {
                    consumer,
                    item,
                    join_hangs,
                }
            });
        }
        if let (Some(_), true) = (settings.kill, ledger.deaths.is_empty()) {
            out.push(Diagnosis::KillMissed);
        }
        if settings.forget_task_done.is_some() {
            for &(consumer, item) in &ledger.forgotten {
                out.push(Diagnosis::ForgotTaskDone {
                    consumer: who(consumer),
                    item,
                    broker,
                    join_hangs,
                });
            }
        }
        for call in &ledger.extra_calls {
            let early = !call.raised
                && ledger.join_returned_at.is_some()
                && tally.fates.processed < config.total_items();
            out.push(Diagnosis::ExtraTaskDone {
                consumer: who(call.consumer),
                item: call.item,
                raised: call.raised,
                broker,
                early_join: ledger.join_returned_at.filter(|_| early),
            });
        }
        for call in &ledger.refused {
            out.push(Diagnosis::RefusedTaskDone {
                consumer: who(call.consumer),
                item: call.item,
            });
        }
        if tally.duplicates > 0 {
            out.push(Diagnosis::Duplicates(tally.duplicates));
        }
        if tally.dead_letters > 0 {
            out.push(Diagnosis::DeadLettered {
                items: tally.dead_letters,
                never_processed: tally.fates.dead_lettered,
                max_deliveries: settings.max_deliveries,
                visibility_timeout: settings.visibility_timeout,
            });
        }
        match config.strategy() {
            Strategy::None if outcome == Outcome::Stuck => out.push(Diagnosis::NoSignal),
            Strategy::SentinelBug if outcome == Outcome::Stuck => {
                let waiting = ledger
                    .consumers()
                    .filter(|&c| self.run.waiting_on(c) == Some(WaitingOn::Get))
                    .count();
                out.push(Diagnosis::TooFewSentinels {
                    sentinels: ledger.sentinels_put,
                    consumers: config.consumers,
                    waiting,
                });
            }
            Strategy::ShutdownImmediate if tally.fates.dropped > 0 => {
                out.push(Diagnosis::DroppedAtShutdown(tally.fates.dropped))
            }
            _ => {}
        }
        let f = &tally.fates;
        if outcome == Outcome::Completed {
            if f.in_queue > 0 {
                out.push(Diagnosis::LeftInQueue(f.in_queue));
            }
            if f.lost > 0 && ledger.deaths.len() as u64 != f.lost {
                out.push(Diagnosis::LostAtStop(f.lost));
            }
        }
        let copies = tally.duplicate_copies();
        if copies != DuplicateCopies::default() {
            out.push(Diagnosis::DuplicateCopies(copies));
        }
        out
    }
}

/// One reason why a run ended as it did. Consumers are named by their
/// [`Role`], items by their id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Diagnosis {
    /// A consumer died mid-item on a joinable queue: the item was got but
    /// will never be `task_done()`. `join_hangs`: so `q.join()` waits
    /// forever.
    KilledJoinable {
        consumer: Role,
        item: ItemId,
        join_hangs: bool,
    },
    /// A consumer died mid-item with broker acknowledgements: its delivery
    /// was never acknowledged, and after the visibility timeout the item
    /// was (or was not) redelivered.
    KilledBroker {
        consumer: Role,
        item: ItemId,
        visibility_timeout: Duration,
        redelivered: Redelivered,
    },
    /// A kill was asked for, but the consumer did not work on an item at or
    /// after that time, so it did not die.
    KillMissed,
    /// A consumer forgot one `task_done()` (or acknowledgement, `broker`).
    /// `join_hangs`: so `q.join()` never returns.
    ForgotTaskDone {
        consumer: Role,
        item: ItemId,
        broker: bool,
        join_hangs: bool,
    },
    /// One `task_done()` (or acknowledgement) too many after `item`.
    /// `raised`: it raised (or was rejected) and changed nothing; otherwise
    /// it took one off the count, and `early_join` is when `q.join()`
    /// returned too early because of it.
    ExtraTaskDone {
        consumer: Role,
        item: ItemId,
        raised: bool,
        broker: bool,
        early_join: Option<Nanos>,
    },
    /// An item's own `task_done()` raised because an extra call had already
    /// taken the count to 0.
    RefusedTaskDone { consumer: Role, item: ItemId },
    /// Items processed more than once (at-least-once delivery).
    Duplicates(u64),
    /// `items` went to the dead-letter list: each was delivered
    /// `max_deliveries` times and no delivery was acknowledged within the
    /// visibility timeout; `never_processed` of them were never processed
    /// (the others were, by a consumer whose acknowledgement came late).
    DeadLettered {
        items: u64,
        never_processed: u64,
        max_deliveries: u32,
        visibility_timeout: Duration,
    },
    /// Copies left in the queue, dropped or dead-lettered of items whose
    /// fate is already counted (mostly items already processed):
    /// duplicates, not items.
    DuplicateCopies(DuplicateCopies),
    /// Nobody tells the consumers the work is over (no-signal strategy).
    NoSignal,
    /// Fewer sentinels than consumers: `waiting` consumers never get one.
    TooFewSentinels {
        sentinels: u64,
        consumers: u32,
        waiting: usize,
    },
    /// Items (never processed) dropped by `shutdown(immediate=True)`.
    DroppedAtShutdown(u64),
    /// Items (never processed) left in the queue when the run completed.
    LeftInQueue(u64),
    /// Items lost because their consumer was stopped mid-item.
    LostAtStop(u64),
}

/// What became of a dead consumer's item with broker acknowledgements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Redelivered {
    /// Redelivered to this consumer: nothing lost.
    To(Role),
    /// Back in the queue, but no consumer took it again.
    Unclaimed,
    /// Its last allowed delivery: it went to the dead-letter list.
    DeadLettered,
    /// Not redelivered before the run ended.
    Never,
}

/// Items by fate (the ledger's books): they add up to the items made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Fates {
    pub processed: u64,
    pub in_progress: u64,
    pub in_queue: u64,
    pub dead_lettered: u64,
    pub dropped: u64,
    pub lost: u64,
    pub not_put: u64,
}

impl Fates {
    /// Every item counted once.
    pub fn total(&self) -> u64 {
        self.processed
            + self.in_progress
            + self.in_queue
            + self.dead_lettered
            + self.dropped
            + self.lost
            + self.not_put
    }

    /// Items neither processed, dropped, dead-lettered nor lost: still
    /// queued, in a consumer's hands, or never put.
    pub fn left(&self) -> u64 {
        self.in_queue + self.in_progress + self.not_put
    }
}

/// Copies beyond the one that gives each item its fate (most often copies
/// of items already processed): duplicates, not items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DuplicateCopies {
    /// Still in the queue.
    pub in_queue: u64,
    /// Dropped from the queue.
    pub dropped: u64,
    /// In the dead-letter list.
    pub dead_lettered: u64,
}

/// The books summed up: the items by fate and the copies by place.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Tally {
    fates: Fates,
    /// Processings after each item's first.
    duplicates: u64,
    /// Every processing.
    processings: u64,
    /// Copies in the queue.
    queued_copies: u64,
    dropped_copies: u64,
    dead_letters: u64,
}

impl Tally {
    fn of(ledger: &Ledger) -> Tally {
        let mut t = Tally {
            dropped_copies: ledger.copies_dropped,
            dead_letters: ledger.dead_letters.len() as u64,
            ..Tally::default()
        };
        for (_, record) in ledger.items() {
            t.duplicates += record.duplicates();
            t.processings += u64::from(record.processed);
            t.queued_copies += u64::from(record.queued);
            let f = &mut t.fates;
            *match record.fate() {
                Fate::Processed => &mut f.processed,
                Fate::InProgress => &mut f.in_progress,
                Fate::InQueue => &mut f.in_queue,
                Fate::DeadLettered => &mut f.dead_lettered,
                Fate::Dropped => &mut f.dropped,
                Fate::Lost => &mut f.lost,
                Fate::NotPut => &mut f.not_put,
            } += 1;
        }
        t
    }

    /// The copies in the queue, dropped and dead-lettered that are not the
    /// one giving an item its fate.
    fn duplicate_copies(&self) -> DuplicateCopies {
        let f = &self.fates;
        DuplicateCopies {
            in_queue: self.queued_copies.saturating_sub(f.in_queue),
            dropped: self.dropped_copies.saturating_sub(f.dropped),
            dead_lettered: self.dead_letters.saturating_sub(f.dead_lettered),
        }
    }

    /// Whether the books balance (see [`super::ledger`]): every item made
    /// has exactly one fate, and the copies agree with the run's own
    /// counters — those in the queue with the queue, those dropped with its
    /// drops, the processings with its consumes.
    fn accounted(&self, run: &Report) -> bool {
        self.fates.total() == run.produced
            && self.queued_copies == run.in_queue
            && self.dropped_copies == run.dropped
            && self.processings == run.consumed
    }
}

/// The headline of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Still going.
    Running,
    /// Completed, and every item was processed exactly once.
    AllProcessed,
    /// Completed, every item processed, some more than once.
    Duplicates,
    /// Completed, but some items were not processed.
    Incomplete,
    /// Some tasks wait forever.
    Stuck,
    /// Stopped at the time limit.
    TimeLimit,
}

impl Verdict {
    fn of(outcome: Outcome, tally: &Tally, total: u64) -> Verdict {
        match outcome {
            Outcome::Running => Verdict::Running,
            Outcome::Stuck => Verdict::Stuck,
            Outcome::TimeLimit => Verdict::TimeLimit,
            Outcome::Completed if tally.fates.processed < total => Verdict::Incomplete,
            Outcome::Completed if tally.duplicates > 0 => Verdict::Duplicates,
            Outcome::Completed => Verdict::AllProcessed,
        }
    }
}

/// How one consumer stopped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ConsumerStop {
    pub consumer: Role,
    /// `None` if it has not stopped.
    pub ended: Option<Ending>,
    pub at_ms: Option<f64>,
}

/// The summary of a termination-lab run: the foundation's report, then the
/// lab's figures and the diagnosis. (The items by fate and how each
/// consumer stopped are [`Lab::items`], [`Lab::duplicated_items`] and
/// [`Lab::consumer_stops`].) Its words (the JSON of `canteen run
/// termination`, the page's panel) are made from it above.
#[derive(Clone, Debug)]
pub struct LabReport {
    pub run: Report,
    pub strategy: Strategy,
    pub broker_ack: bool,
    pub verdict: Verdict,
    /// The items by fate: processed at least once, in a consumer's hands (a
    /// run stopped at its time limit), still queued, dead-lettered, dropped,
    /// lost (got by a consumer that died or was stopped mid-item), or never
    /// put (a producer still waits in `put()`).
    pub fates: Fates,
    /// Extra times items were processed (at-least-once delivery).
    pub duplicates: u64,
    /// Copies counted apart from the items.
    pub duplicate_copies: DuplicateCopies,
    pub redelivered: u64,
    pub acked: u64,
    pub stale_acks: u64,
    pub sentinels_put: u64,
    pub sentinels_got: u64,
    /// The books balance: every item made has exactly one fate, and the
    /// copies agree with the run's counters (see [`super::ledger`]).
    pub accounted: bool,
    /// When the last item was processed.
    pub last_item_ms: Option<f64>,
    /// When the last consumer stopped (`None`: some never stop).
    pub consumers_stopped_ms: Option<f64>,
    /// How long after the last item the consumers stopped.
    pub stop_lag_ms: Option<f64>,
    /// Why it ended as it did, failures first.
    pub diagnosis: Vec<Diagnosis>,
}

/// One strategy's line in the comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub strategy: Strategy,
    pub outcome: Outcome,
    pub verdict: Verdict,
    pub processed: u64,
    pub dropped: u64,
    pub dead_lettered: u64,
    pub lost: u64,
    pub duplicates: u64,
    /// Items neither processed, dropped, dead-lettered nor lost: still
    /// queued, in a consumer's hands, or never put.
    pub left: u64,
    /// Actors that wait forever.
    pub stuck: usize,
    pub end_ms: f64,
    pub stop_lag_ms: Option<f64>,
}

/// Runs `config` (its scenario set to `termination`) once per strategy, with
/// the same settings, failures and seed, each to its end.
pub fn compare(config: &Config) -> Vec<Row> {
    Strategy::VARIANTS
        .iter()
        .map(|&strategy| {
            let mut config = config.clone();
            config.scenario = ScenarioKind::Termination;
            config.termination.strategy = strategy;
            let mut lab = Lab::new(config, |_| {});
            lab.run_mut().run_to_end();
            let ledger = lab.ledger();
            let tally = Tally::of(&ledger);
            let run = lab.run();
            Row {
                strategy,
                outcome: run.outcome(),
                verdict: Verdict::of(run.outcome(), &tally, run.config().total_items()),
                processed: tally.fates.processed,
                dropped: tally.fates.dropped,
                dead_lettered: tally.fates.dead_lettered,
                lost: tally.fates.lost,
                duplicates: tally.duplicates,
                left: tally.fates.left(),
                stuck: run.stuck().len(),
                end_ms: nanos_to_ms(run.now()),
                stop_lag_ms: ledger.stop_lag().map(nanos_to_ms),
            }
        })
        .collect()
}
