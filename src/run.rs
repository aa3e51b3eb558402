//! One run of a [`Program`] (a seed's case, the scraper), whatever travels
//! through its queue: builds the simulation from the program's settings and
//! starts its tasks, hands its events to whoever watches them (the
//! executor's [`Recorder`] keeps the statistics and who waits where), and
//! drives it (to the end, to a time, or one event at a time).
//! A run of [`Parcel`]s (the seed's cases) is summarised in a [`Report`];
//! the scraper has its own.

use std::cell::{Ref, RefCell};
use std::rc::Rc;
use std::time::Duration;

use serde::Serialize;

use crate::lines::{Blocked, Lines};
use crate::queue::JoinableQueue;
use crate::series::Series;
use crate::sim::{Ctx, Observer, Progress, Sim};
use crate::stats::{Counts, Recorder, Stats, StatsReport};
use crate::trace::{
    duration_to_nanos, nanos_to_ms, ActorId, Event, Nanos, Parcel, Role, WaitingOn,
};

/// What a run needs from the program it runs: what travels through its
/// queue, its settings, its actor table, and how its tasks start.
pub trait Program: 'static {
    /// What the queue carries.
    type Item: 'static;

    /// The name the report gives the run (the scenario's).
    fn name(&self) -> &'static str;

    /// The seed of the run's random stream.
    fn seed(&self) -> u64;

    /// The queue's capacity; 0 = unbounded.
    fn capacity(&self) -> usize;

    /// Virtual time the run stops at (`None`: it runs to its end).
    fn until(&self) -> Option<Duration>;

    /// How many produce and how many consume.
    fn actors(&self) -> Actors;

    /// Whether [`record`](Program::record) keeps something: then even a
    /// run nobody watches hands the program its events.
    const KEEPS_EVENTS: bool = false;

    /// Takes in one event, after the run's statistics and before the
    /// run's sink, for what the program keeps of them itself (the
    /// scraper's log); nothing by default.
    fn record(&self, _event: &Event) {}

    /// Spawns the program's tasks on `ctx`, sharing `queue`.
    fn start(self: Rc<Self>, ctx: &Ctx, queue: &JoinableQueue<Self::Item>);
}

/// The main program's actor: actor 0 of every program.
pub const MAIN: ActorId = ActorId(0);

/// A program's actor table: [`MAIN`], then the producers, then the
/// consumers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actors {
    pub producers: u32,
    pub consumers: u32,
}

impl Actors {
    /// Producer `i`'s actor (`i` from 0).
    pub fn producer(self, i: u32) -> ActorId {
        ActorId(1 + i)
    }

    /// Consumer `i`'s actor (`i` from 0).
    pub fn consumer(self, i: u32) -> ActorId {
        ActorId(1 + self.producers + i)
    }

    /// Every actor's role (index = [`ActorId`]).
    pub fn roles(self) -> Vec<Role> {
        std::iter::once(Role::Main)
            .chain((0..self.producers).map(Role::Producer))
            .chain((0..self.consumers).map(Role::Consumer))
            .collect()
    }
}

/// How a run ended, or that it has not yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Still going (only while driven in slices).
    Running,
    /// Every task finished.
    Completed,
    /// Some tasks wait on something that will never happen.
    Stuck,
    /// Stopped at the `until` time limit.
    TimeLimit,
}

impl From<Progress> for Outcome {
    /// What the executor's progress means for a run without a time limit.
    fn from(progress: Progress) -> Outcome {
        match progress {
            Progress::Finished => Outcome::Completed,
            Progress::Stuck => Outcome::Stuck,
            Progress::Paused => Outcome::Running,
        }
    }
}

impl Outcome {
    /// Whether the run is over.
    pub fn is_over(self) -> bool {
        self != Outcome::Running
    }
}

/// An executor driven to a time, to its end or one event at a time, never
/// past its time limit, and the outcome reached so far. Every kind of run
/// (the playground's, the scraper's, each side of peak shaving) drives its
/// [`Sim`] through one.
pub struct Driver {
    sim: Sim,
    /// Virtual time the run may not pass ([`Nanos::MAX`]: none).
    limit: Nanos,
    outcome: Outcome,
}

impl Driver {
    pub fn new(sim: Sim, limit: Nanos) -> Driver {
        Driver {
            sim,
            limit,
            outcome: Outcome::Running,
        }
    }

    /// Runs every event up to virtual time `t` (never past the limit).
    pub fn advance_to(&mut self, t: Nanos) -> Outcome {
        if self.outcome.is_over() {
            return self.outcome;
        }
        let progress = self.sim.run_until(self.limit.min(t));
        self.settle(progress)
    }

    /// Runs until the next event, if it comes by the time limit; when it
    /// would come later, the run ends at the limit, where running to the
    /// limit ends too.
    pub fn step(&mut self) -> Outcome {
        if self.outcome.is_over() {
            return self.outcome;
        }
        let before = self.sim.event_count();
        let progress = self.sim.step_within(self.limit);
        if progress == Progress::Paused && self.sim.event_count() != before {
            // An event happened; more may follow at this very time.
            self.outcome = Outcome::Running;
            return self.outcome;
        }
        self.settle(progress)
    }

    fn settle(&mut self, progress: Progress) -> Outcome {
        self.outcome = match progress {
            Progress::Paused if self.sim.now() >= self.limit => Outcome::TimeLimit,
            other => other.into(),
        };
        self.outcome
    }

    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    pub fn sim(&self) -> &Sim {
        &self.sim
    }
}

/// An actor that waits forever: who it is and what it waits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stuck {
    pub actor: ActorId,
    pub role: Role,
    pub waiting_on: WaitingOn,
}

/// The summary of a run. Its stuck actors are facts ([`Stuck`]) as the run
/// reports them; the words layer names and explains them in a language
/// (`S` becomes words) for the JSON the command line prints and the page
/// exports.
#[derive(Clone, Debug, Serialize)]
pub struct Report<S = Stuck> {
    pub scenario: String,
    pub seed: u64,
    pub outcome: Outcome,
    pub end_time_ms: f64,
    pub produced: u64,
    pub consumed: u64,
    pub task_done: u64,
    pub unfinished: u64,
    pub in_queue: u64,
    pub dropped: u64,
    pub errors: u64,
    pub stuck: Vec<S>,
    /// Whether every item put was got exactly once, is still queued, or was
    /// reported dropped.
    pub conserved: bool,
    pub stats: StatsReport,
}

impl<S> Report<S> {
    /// The same report with each stuck actor made into a `T` (e.g. words).
    pub fn map_stuck<T>(self, describe: impl FnMut(S) -> T) -> Report<T> {
        Report {
            scenario: self.scenario,
            seed: self.seed,
            outcome: self.outcome,
            end_time_ms: self.end_time_ms,
            produced: self.produced,
            consumed: self.consumed,
            task_done: self.task_done,
            unfinished: self.unfinished,
            in_queue: self.in_queue,
            dropped: self.dropped,
            errors: self.errors,
            stuck: self.stuck.into_iter().map(describe).collect(),
            conserved: self.conserved,
            stats: self.stats,
        }
    }
}

/// A program in progress.
pub struct Run<P: Program> {
    program: Rc<P>,
    roles: Vec<Role>,
    driver: Driver,
    queue: JoinableQueue<P::Item>,
    /// The charts' series, fed by the run's observer, if it keeps them.
    charts: Option<Rc<RefCell<Series>>>,
}

impl<P: Program> Run<P> {
    /// Sets up the run; `sink` sees every event after the run's own
    /// statistics have taken it. The program's settings must be valid
    /// (e.g. `Config::validate`).
    pub fn new(program: P, sink: impl FnMut(&Event) + 'static) -> Run<P> {
        Run::watched(program, sink, false)
    }

    /// Sets up the run as [`new`](Run::new) does, and has it keep the
    /// charts' series ([`Run::charts`]) too: the page's.
    pub fn charted(program: P, sink: impl FnMut(&Event) + 'static) -> Run<P> {
        Run::watched(program, sink, true)
    }

    fn watched(program: P, mut sink: impl FnMut(&Event) + 'static, charts: bool) -> Run<P> {
        let program = Rc::new(program);
        let watcher = Rc::clone(&program);
        let charts = charts.then(Rc::<RefCell<Series>>::default);
        let series = charts.clone();
        let observer: Observer = Box::new(move |event: &Event, wait| {
            watcher.record(event);
            if let Some(series) = &series {
                series.borrow_mut().record(event, wait);
            }
            sink(event);
        });
        Run::with_observer(program, Some(observer), charts)
    }

    /// Sets up a run whose events nobody watches but its own statistics
    /// (and the program, if it [keeps them](Program::KEEPS_EVENTS)): the
    /// command line's report, a benchmark. It costs less per event than
    /// [`new`](Run::new) with a sink that does nothing.
    pub fn unobserved(program: P) -> Run<P> {
        let program = Rc::new(program);
        let observer = P::KEEPS_EVENTS.then(|| {
            let watcher = Rc::clone(&program);
            Box::new(move |event: &Event, _| watcher.record(event)) as Observer
        });
        Run::with_observer(program, observer, None)
    }

    fn with_observer(
        program: Rc<P>,
        observer: Option<Observer>,
        charts: Option<Rc<RefCell<Series>>>,
    ) -> Run<P> {
        let sim = Sim::new(program.seed(), observer);
        let queue = JoinableQueue::new(program.capacity());
        Rc::clone(&program).start(&sim.ctx(), &queue);
        let limit = program.until().map_or(Nanos::MAX, duration_to_nanos);
        Run {
            roles: program.actors().roles(),
            program,
            driver: Driver::new(sim, limit),
            queue,
            charts,
        }
    }

    /// Runs to the end, or to the `until` limit, or until only the outside
    /// world can move it (a real fetch is in flight: the outcome stays
    /// `Running`).
    pub fn run_to_end(&mut self) -> Outcome {
        self.advance_to(Nanos::MAX)
    }

    /// Runs every event up to virtual time `t` (never past `until`).
    pub fn advance_to(&mut self, t: Nanos) -> Outcome {
        self.driver.advance_to(t)
    }

    /// Runs until the next event (never past `until`).
    pub fn step(&mut self) -> Outcome {
        self.driver.step()
    }

    /// The program run, with its settings.
    pub fn config(&self) -> &P {
        &self.program
    }

    /// The actor table (index = [`ActorId`]).
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    pub fn outcome(&self) -> Outcome {
        self.driver.outcome()
    }

    /// Current virtual time.
    pub fn now(&self) -> Nanos {
        self.driver.sim().now()
    }

    /// Events so far.
    pub fn event_count(&self) -> u64 {
        self.driver.sim().event_count()
    }

    /// The queue the actors share (items, and the sentinels of the
    /// sentinel strategies).
    pub fn queue(&self) -> &JoinableQueue<P::Item> {
        &self.queue
    }

    /// Items in the queue now, sentinels left out.
    pub fn items_in_queue(&self) -> u64 {
        self.queue.len() as u64 - self.recorder().sentinels_queued()
    }

    /// Counters so far.
    pub fn counts(&self) -> Counts {
        self.recorder().stats().counts
    }

    /// The statistics so far.
    pub fn stats(&self) -> Ref<'_, Stats> {
        Ref::map(self.recorder(), Recorder::stats)
    }

    /// The charts' series so far, of a run [set up to keep them](Run::charted).
    pub fn charts(&self) -> Option<Ref<'_, Series>> {
        self.charts.as_ref().map(|charts| charts.borrow())
    }

    /// What the run has derived from its events so far.
    fn recorder(&self) -> Ref<'_, Recorder> {
        self.driver.sim().recorder()
    }

    /// The executor, for what the program's own accessors read of it (the
    /// scraper's fetches in flight).
    pub(crate) fn sim(&self) -> &Sim {
        self.driver.sim()
    }

    /// What an actor waits on now, if it waits.
    pub fn waiting_on(&self, actor: ActorId) -> Option<WaitingOn> {
        self.recorder().waits().waiting_on(actor)
    }

    /// What an actor waits on now and its place in that first-come
    /// first-served line (the blocked-on badge). Puts every line in order:
    /// for many actors, take [`lines`](Run::lines) once.
    pub fn blocked(&self, actor: ActorId) -> Option<Blocked> {
        self.lines().blocked(actor)
    }

    /// Who waits on what now, and where in its line, as a copy to keep.
    pub fn lines(&self) -> Lines {
        self.recorder().waits().lines()
    }

    /// The actors that will wait forever (empty unless the run is stuck).
    pub fn stuck(&self) -> Vec<Stuck> {
        if self.driver.outcome() != Outcome::Stuck {
            return Vec::new();
        }
        let recorder = self.recorder();
        self.driver
            .sim()
            .live_actors()
            .into_iter()
            .filter_map(|actor| {
                Some(Stuck {
                    actor,
                    role: *self.roles.get(actor.0 as usize)?,
                    waiting_on: recorder.waits().waiting_on(actor)?,
                })
            })
            .collect()
    }
}

impl<P: Program<Item = Parcel>> Run<P> {
    /// The summary so far.
    pub fn report(&self) -> Report {
        let stuck = self.stuck();
        let in_queue = self.items_in_queue();
        let recorder = self.recorder();
        let stats = recorder.stats();
        let counts = stats.counts;
        let end = self.driver.sim().now();
        Report {
            scenario: self.program.name().to_string(),
            seed: self.program.seed(),
            outcome: self.driver.outcome(),
            end_time_ms: nanos_to_ms(end),
            produced: counts.produced,
            consumed: counts.consumed,
            task_done: counts.task_done,
            unfinished: self.queue.unfinished_tasks() as u64,
            in_queue,
            dropped: counts.dropped,
            errors: counts.errors,
            stuck,
            conserved: stats.conserved(in_queue),
            stats: stats.report(end, self.program.actors().consumers),
        }
    }
}
