//! What the stage shows at one moment of a run — each producer's and
//! consumer's state, the queue's contents, the main program's progress — and
//! the bounded log, all derived from the event stream alone (so a live run,
//! a stepped run and a run rebuilt for the timeline look the same).
//!
//! The queue's contents are not kept here but in the run's statistics
//! (their ledger holds the queued items in order): a moment copies only
//! the front of the queue into its stage ([`Stage::show_queue`]), so a
//! backlog of millions costs a moment no more than a short queue.

use std::collections::VecDeque;

use crate::lines::Blocked;
use crate::scenario::ending::Strategy;
use crate::scenario::Config;
use crate::trace::{ActorId, Event, EventKind, ItemId, Role};

/// The queue's items the stage shows (the oldest); a snapshot of the
/// engine away carries these and the count of the others, so an unbounded
/// backlog of millions costs the page no more than a short queue.
pub const QUEUE_SHOWN: usize = 60;

/// What a producer is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProducerState {
    /// Making this item (sleeping its produce delay).
    Producing(ItemId),
    /// Made this item and is putting it into the queue.
    Putting(ItemId),
    /// Waits in `put()` with this item: the queue is full.
    Blocked(ItemId),
    /// Its function returned.
    Done,
}

/// What a consumer is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumerState {
    /// About to call `get()` (at the start, or between two items).
    Idle,
    /// Waits in `get()`: the queue is empty.
    WaitingGet,
    /// Got this item and works on it (sleeping its consume delay).
    Working(ItemId),
    /// Stopped by main's `terminate()`.
    Terminated,
    /// Its function returned.
    Finished,
}

/// A producer lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProducerLane {
    pub actor: ActorId,
    pub state: ProducerState,
    /// Items made so far.
    pub made: u32,
}

/// A consumer lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConsumerLane {
    pub actor: ActorId,
    pub state: ConsumerState,
    /// Items finished so far.
    pub consumed: u64,
}

/// One step of the main program, in the order it takes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MainStep {
    /// `p.join()` for this producer.
    JoinProducer(ActorId),
    /// `q.join()`.
    JoinQueue,
    /// `c.terminate()` for every consumer.
    Terminate,
}

/// Where a main step stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepStatus {
    Pending,
    /// Main is at this step (waiting in it, for the joins).
    Active,
    Done,
}

/// The stage at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Stage {
    pub(super) roles: Vec<Role>,
    pub(super) producers: Vec<ProducerLane>,
    pub(super) consumers: Vec<ConsumerLane>,
    /// The first [`QUEUE_SHOWN`] items in the queue as last shown, oldest
    /// (next to be got) first.
    pub(super) queue: VecDeque<ItemId>,
    /// Items in the queue after those held in `queue`.
    pub(super) hidden: usize,
    pub(super) capacity: usize,
    pub(super) steps: Vec<MainStep>,
    /// Index into `steps` of the step main is at (`steps.len()`: past all).
    pub(super) main_cursor: usize,
    pub(super) main_finished: bool,
    /// Items the broker filed in its dead-letter list.
    pub(super) dead_letters: u64,
}

impl Stage {
    /// The stage before the first event of a run of `config`.
    pub fn new(config: &Config) -> Stage {
        let roles = config.roles();
        let mut producers = Vec::new();
        let mut consumers = Vec::new();
        for (index, role) in roles.iter().enumerate() {
            let actor = ActorId(index as u32);
            match *role {
                Role::Producer(origin) => producers.push(ProducerLane {
                    actor,
                    state: ProducerState::Producing(ItemId { origin, seq: 1 }),
                    made: 0,
                }),
                Role::Consumer(_) => consumers.push(ConsumerLane {
                    actor,
                    state: ConsumerState::Idle,
                    consumed: 0,
                }),
                Role::Main => {}
            }
        }
        // The steps main takes: the termination lab's strategies show the
        // joins they share with the seed's; their own steps are in the log.
        let last_steps: &[MainStep] = match config.strategy() {
            Strategy::None => &[],
            Strategy::JoinTerminate => &[MainStep::JoinQueue, MainStep::Terminate],
            Strategy::Daemon => &[MainStep::JoinQueue],
            _ => &[],
        };
        let steps = if config.strategy().joins_producers() {
            producers
                .iter()
                .map(|p| MainStep::JoinProducer(p.actor))
                .chain(last_steps.iter().copied())
                .collect()
        } else {
            Vec::new()
        };
        Stage {
            roles,
            producers,
            consumers,
            queue: VecDeque::new(),
            hidden: 0,
            capacity: config.capacity,
            steps,
            main_cursor: 0,
            main_finished: false,
            dead_letters: 0,
        }
    }

    /// Takes one event into account (always inlined: it takes every event of a
    /// page's run; main's few are out of line).
    #[inline(always)]
    pub fn record(&mut self, event: &Event) {
        match self.roles.get(event.actor.0 as usize) {
            Some(Role::Producer(i)) => self.record_producer(*i as usize, event),
            Some(Role::Consumer(i)) => self.record_consumer(*i as usize, event),
            Some(Role::Main) => self.record_main(event),
            None => {}
        }
        // The broker's dead-letter list beside the queue, whoever acted on
        // it. (The queue's items are the statistics': see `show_queue`.)
        if let (EventKind::DeadLetter, Some(_)) = (event.kind, event.item) {
            self.dead_letters += 1;
        }
    }

    /// Shows the queue holding `items`, next out first (a run's
    /// [`Stats::queued_items`](crate::stats::Stats::queued_items)): the
    /// first [`QUEUE_SHOWN`] by name, the rest counted.
    pub fn show_queue(&mut self, items: impl ExactSizeIterator<Item = ItemId>) {
        let len = items.len();
        self.queue = items.take(QUEUE_SHOWN).collect();
        self.hidden = len - self.queue.len();
    }

    fn record_producer(&mut self, index: usize, event: &Event) {
        let Some(lane) = self.producers.get_mut(index) else {
            return;
        };
        match (event.kind, event.item) {
            (EventKind::Produce, Some(item)) => {
                lane.made += 1;
                lane.state = ProducerState::Putting(item);
            }
            (EventKind::PutBlocked, Some(item)) => lane.state = ProducerState::Blocked(item),
            (EventKind::Put, Some(item)) => {
                lane.state = ProducerState::Producing(ItemId {
                    origin: item.origin,
                    seq: item.seq + 1,
                });
            }
            (EventKind::Finish, _) => lane.state = ProducerState::Done,
            _ => {}
        }
    }

    fn record_consumer(&mut self, index: usize, event: &Event) {
        let Some(lane) = self.consumers.get_mut(index) else {
            return;
        };
        match (event.kind, event.item) {
            (EventKind::GetBlocked, _) => lane.state = ConsumerState::WaitingGet,
            (EventKind::Get, Some(item)) => lane.state = ConsumerState::Working(item),
            (EventKind::Consume, _) => {
                lane.consumed += 1;
                lane.state = ConsumerState::Idle;
            }
            (EventKind::Terminate, _) => {
                lane.state = ConsumerState::Terminated;
                // Main is at its terminate step while it stops consumers.
                if let Some(at) = self.steps.iter().position(|s| *s == MainStep::Terminate) {
                    self.main_cursor = self.main_cursor.max(at);
                }
            }
            (EventKind::Finish, _) => lane.state = ConsumerState::Finished,
            // A consumer that died, or a daemon that ended with main.
            (EventKind::Killed | EventKind::DaemonExit, _) => {
                lane.state = ConsumerState::Terminated
            }
            _ => {}
        }
    }

    #[inline(never)]
    fn record_main(&mut self, event: &Event) {
        let position = |step: MainStep| self.steps.iter().position(|s| *s == step);
        match event.kind {
            EventKind::TaskJoinStart(actor) => {
                if let Some(at) = position(MainStep::JoinProducer(actor)) {
                    self.main_cursor = at;
                }
            }
            EventKind::TaskJoinDone(actor) => {
                if let Some(at) = position(MainStep::JoinProducer(actor)) {
                    self.main_cursor = at + 1;
                }
            }
            EventKind::JoinStart => {
                if let Some(at) = position(MainStep::JoinQueue) {
                    self.main_cursor = at;
                }
            }
            EventKind::JoinDone => {
                if let Some(at) = position(MainStep::JoinQueue) {
                    self.main_cursor = at + 1;
                }
            }
            EventKind::Finish => {
                self.main_cursor = self.steps.len();
                self.main_finished = true;
            }
            _ => {}
        }
    }

    /// The actor table (index = [`ActorId`]).
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    pub fn producers(&self) -> &[ProducerLane] {
        &self.producers
    }

    pub fn consumers(&self) -> &[ConsumerLane] {
        &self.consumers
    }

    /// Items in the broker's dead-letter list.
    pub fn dead_letters(&self) -> u64 {
        self.dead_letters
    }

    /// The first [`QUEUE_SHOWN`] queued items, oldest first (see
    /// [`Stage::queue_len`] for them all).
    pub fn queue(&self) -> &VecDeque<ItemId> {
        &self.queue
    }

    /// How many items the queue holds.
    pub fn queue_len(&self) -> usize {
        self.queue.len() + self.hidden
    }

    /// The queue's capacity; 0 = unbounded.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Main's steps with where each stands.
    pub fn main_steps(&self) -> impl Iterator<Item = (MainStep, StepStatus)> + '_ {
        self.steps.iter().enumerate().map(|(i, &step)| {
            let status = match i.cmp(&self.main_cursor) {
                std::cmp::Ordering::Less => StepStatus::Done,
                std::cmp::Ordering::Equal => StepStatus::Active,
                std::cmp::Ordering::Greater => StepStatus::Pending,
            };
            (step, status)
        })
    }

    /// Whether main's function returned.
    pub fn main_finished(&self) -> bool {
        self.main_finished
    }

    /// Items consumers hold right now (got, not yet finished).
    pub fn in_progress(&self) -> usize {
        self.consumers
            .iter()
            .filter(|c| matches!(c.state, ConsumerState::Working(_)))
            .count()
    }
}

/// Most actors, and queued items, a [`Summary`] names; the rest are counted.
pub const SUMMARY_NAMES: usize = 4;

/// The stage in facts, for its text equivalent: who works on what, who
/// waits on what (and where in its line), and what the queue holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// Producers making an item and consumers working on one: the first
    /// [`SUMMARY_NAMES`], and how many in all.
    pub working: Vec<(ActorId, ItemId)>,
    pub working_total: usize,
    /// Who waits (main first), on what and where in its line: the first
    /// [`SUMMARY_NAMES`], and how many in all.
    pub waiting: Vec<(ActorId, Blocked)>,
    pub waiting_total: usize,
    /// Items in the queue, and its capacity (0: unbounded).
    pub queued: usize,
    pub capacity: usize,
    /// The first [`SUMMARY_NAMES`] items in the queue, next out first.
    pub first: Vec<ItemId>,
}

impl Stage {
    /// The stage's [`Summary`]; `blocked` tells what an actor waits on.
    pub fn summary(&self, blocked: impl Fn(ActorId) -> Option<Blocked>) -> Summary {
        fn keep<T>(list: &mut Vec<T>, total: &mut usize, entry: T) {
            *total += 1;
            if list.len() < SUMMARY_NAMES {
                list.push(entry);
            }
        }
        let mut summary = Summary {
            queued: self.queue.len(),
            capacity: self.capacity,
            first: self.queue.iter().take(SUMMARY_NAMES).copied().collect(),
            ..Summary::default()
        };
        let making = self.producers.iter().filter_map(|p| match p.state {
            ProducerState::Producing(item) => Some((p.actor, item)),
            _ => None,
        });
        let working = self.consumers.iter().filter_map(|c| match c.state {
            ConsumerState::Working(item) => Some((c.actor, item)),
            _ => None,
        });
        for entry in making.chain(working) {
            keep(&mut summary.working, &mut summary.working_total, entry);
        }
        for actor in (0..self.roles.len() as u32).map(ActorId) {
            if let Some(wait) = blocked(actor) {
                keep(
                    &mut summary.waiting,
                    &mut summary.waiting_total,
                    (actor, wait),
                );
            }
        }
        summary
    }
}

/// The newest events of a run, at most `capacity`, and how many older ones
/// were left out. Entries keep the event, not its text, so the log follows a
/// change of language.
///
/// A ring: once full, a new event takes the oldest one's place (every event
/// of a run passes through here, a run to the end of millions of them too).
#[derive(Clone, Debug)]
pub struct Log {
    /// The kept events: the oldest at `oldest`, the rest after it, wrapping
    /// around. Their indexes in the run follow from `total`.
    ring: Vec<Event>,
    oldest: usize,
    pub(super) capacity: usize,
    pub(super) total: u64,
}

impl Log {
    /// An empty log that keeps the newest `capacity` events (at least one).
    pub fn new(capacity: usize) -> Log {
        let capacity = capacity.max(1);
        Log {
            ring: Vec::with_capacity(capacity),
            oldest: 0,
            capacity,
            total: 0,
        }
    }

    /// A log of `total` events whose newest are `events`, oldest first; `None`
    /// unless they fit its `capacity` (at least one) and are no more than
    /// `total`.
    pub(super) fn with_events(capacity: usize, total: u64, events: Vec<Event>) -> Option<Log> {
        let fits = capacity > 0 && events.len() <= capacity && events.len() as u64 <= total;
        fits.then_some(Log {
            ring: events,
            oldest: 0,
            capacity,
            total,
        })
    }

    pub fn push(&mut self, event: Event) {
        if self.ring.len() < self.capacity {
            self.ring.push(event);
        } else {
            self.ring[self.oldest] = event;
            self.oldest += 1;
            if self.oldest == self.ring.len() {
                self.oldest = 0;
            }
        }
        self.total += 1;
    }

    /// The kept events, oldest first, each with its index in the run.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (u64, &Event)> + DoubleEndedIterator {
        let (ring, oldest, first) = (&self.ring, self.oldest, self.omitted());
        (0..ring.len()).map(move |i| {
            let at = oldest + i;
            let event = &ring[if at < ring.len() { at } else { at - ring.len() }];
            (first + i as u64, event)
        })
    }

    /// Events seen in all.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Events left out (older than the kept ones).
    pub fn omitted(&self) -> u64 {
        self.total - self.ring.len() as u64
    }
}

/// Two logs are equal when they keep the same events (wherever their rings
/// start) of as many in all.
impl PartialEq for Log {
    fn eq(&self, other: &Log) -> bool {
        self.capacity == other.capacity
            && self.total == other.total
            && self.entries().eq(other.entries())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{Outcome, Run};
    use crate::scenario::ScenarioKind;
    use crate::trace::testing::ev;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// Runs `config` to the end, feeding a stage, and returns both (the
    /// stage showing the run's queue).
    fn staged(config: Config) -> (Run<Config>, Stage) {
        let stage = Rc::new(RefCell::new(Stage::new(&config)));
        let mut run = {
            let stage = Rc::clone(&stage);
            Run::new(config, move |e| stage.borrow_mut().record(e))
        };
        run.run_to_end();
        let mut stage = stage.borrow().clone();
        stage.show_queue(run.stats().queued_items());
        (run, stage)
    }

    #[test]
    fn hotdog_ends_with_producers_done_consumer_terminated_and_main_past_every_step() {
        let (run, stage) = staged(Config::defaults(ScenarioKind::Hotdog, 42));
        assert_eq!(run.outcome(), Outcome::Completed);
        assert!(stage
            .producers()
            .iter()
            .all(|p| p.state == ProducerState::Done && p.made == 5));
        assert_eq!(stage.consumers().len(), 1);
        assert_eq!(stage.consumers()[0].state, ConsumerState::Terminated);
        assert_eq!(stage.consumers()[0].consumed, 10);
        assert!(stage.queue().is_empty());
        let steps: Vec<_> = stage.main_steps().collect();
        assert_eq!(steps.len(), 4, "p1.join, p2.join, q.join, terminate");
        assert!(steps.iter().all(|&(_, s)| s == StepStatus::Done));
        assert!(stage.main_finished());
    }

    #[test]
    fn the_stage_counts_the_brokers_dead_letters() {
        let mut config = Config::defaults(ScenarioKind::Termination, 1);
        config.consume_delay = "const:1s".parse().unwrap();
        config.termination.broker_ack = true;
        config.termination.visibility_timeout = std::time::Duration::from_millis(300);
        config.termination.max_deliveries = 2;
        let (run, stage) = staged(config);
        assert_eq!(run.outcome(), Outcome::Completed);
        assert_eq!(
            stage.dead_letters(),
            10,
            "no delivery is acknowledged in time"
        );
        let (_, hotdog) = staged(Config::defaults(ScenarioKind::Hotdog, 42));
        assert_eq!(hotdog.dead_letters(), 0);
    }

    #[test]
    fn plain_ends_with_the_consumer_waiting_on_get_and_no_main_steps() {
        let (run, stage) = staged(Config::defaults(ScenarioKind::Plain, 1));
        assert_eq!(run.outcome(), Outcome::Stuck);
        assert_eq!(stage.consumers()[0].state, ConsumerState::WaitingGet);
        assert_eq!(stage.main_steps().count(), 0);
        assert!(stage.main_finished());
    }

    #[test]
    fn a_full_queue_blocks_producers_and_the_stage_queue_matches_the_engine_queue() {
        let mut config = Config::defaults(ScenarioKind::Custom, 3);
        config.producers = 3;
        config.capacity = 2;
        config.produce_delay = "const:10ms".parse().unwrap();
        config.consume_delay = "const:100ms".parse().unwrap();
        let stage = Rc::new(RefCell::new(Stage::new(&config)));
        let mut run = {
            let stage = Rc::clone(&stage);
            Run::new(config, move |e| stage.borrow_mut().record(e))
        };
        let mut saw_blocked = false;
        while !run.step().is_over() {
            let mut stage = stage.borrow().clone();
            stage.show_queue(run.stats().queued_items());
            assert_eq!(stage.queue_len(), run.queue().len());
            assert_eq!(stage.queue().len(), run.queue().len());
            assert!(stage.queue().len() <= 2);
            saw_blocked |= stage
                .producers()
                .iter()
                .any(|p| matches!(p.state, ProducerState::Blocked(_)));
            let working = stage.in_progress() as u64;
            let counts = run.counts();
            assert_eq!(working, counts.got - counts.consumed);
        }
        assert!(saw_blocked, "fast producers must hit the capacity of 2");
    }

    #[test]
    fn a_long_queue_is_shown_by_its_front_and_counted() {
        let mut stage = Stage::new(&Config::defaults(ScenarioKind::Custom, 1));
        let items: Vec<ItemId> = (1..=100).map(|seq| ItemId { origin: 0, seq }).collect();
        stage.show_queue(items.iter().copied());
        assert_eq!(stage.queue_len(), 100);
        assert!(stage.queue().iter().eq(&items[..QUEUE_SHOWN]));
        stage.show_queue(items[..3].iter().copied());
        assert_eq!((stage.queue_len(), stage.queue().len()), (3, 3));
        stage.show_queue(std::iter::empty());
        assert_eq!(stage.queue_len(), 0);
    }

    #[test]
    fn main_is_at_the_join_it_waits_in() {
        let config = Config::defaults(ScenarioKind::Hotdog, 5);
        let stage = Rc::new(RefCell::new(Stage::new(&config)));
        let mut run = {
            let stage = Rc::clone(&stage);
            Run::new(config, move |e| stage.borrow_mut().record(e))
        };
        run.step();
        let steps: Vec<_> = stage.borrow().main_steps().map(|(_, s)| s).collect();
        assert_eq!(
            steps,
            [
                StepStatus::Active,
                StepStatus::Pending,
                StepStatus::Pending,
                StepStatus::Pending
            ]
        );
    }

    #[test]
    fn log_keeps_the_newest_events_and_counts_the_rest() {
        let mut log = Log::new(3);
        for t in 0..5 {
            log.push(ev(t, 0, EventKind::Finish, None));
        }
        assert_eq!(log.total(), 5);
        assert_eq!(log.omitted(), 2);
        let kept: Vec<u64> = log.entries().map(|(i, e)| i * 100 + e.time).collect();
        assert_eq!(kept, [202, 303, 404]);
        assert_eq!(log.entries().len(), 3);
        assert_eq!(log.entries().next_back().map(|(i, _)| i), Some(4));
    }

    #[test]
    fn a_log_is_its_events_wherever_its_ring_starts() {
        // Pushed one at a time, the ring goes round: at every count, the
        // same log as the newest events laid out from the start.
        let mut log = Log::new(4);
        let mut all = Vec::new();
        for t in 0..11 {
            let event = ev(t, 1, EventKind::Produce, Some(t as u32));
            log.push(event);
            all.push(event);
            let newest = all[all.len().saturating_sub(4)..].to_vec();
            let laid_out = Log::with_events(4, t + 1, newest.clone()).unwrap();
            assert_eq!(log, laid_out, "after {} events", t + 1);
            let first = (t + 1).saturating_sub(4);
            assert!(log.entries().eq((first..).zip(&newest)));
            assert_eq!(log.omitted(), (t + 1).saturating_sub(4));
        }
        let mut other = log.clone();
        other.push(ev(99, 1, EventKind::Finish, None));
        assert_ne!(log, other);
    }
}
