//! The seed's cases as runnable scenarios: their settings, validation, and
//! the producer, consumer and main-program tasks, written as ordinary
//! `async fn`s that see only a [`Ctx`] and the queue.
//!
//! Every scenario is one producer/consumer program with a termination
//! [`Strategy`]: `plain` has none (the consumers wait forever), `hotdog` and
//! `custom` join and terminate, and `termination` lets the strategy and the
//! injected failures be chosen ([`Settings`]). An item taken with broker
//! semantics (`--broker-ack`) is acknowledged through [`broker`].

pub mod broker;
pub mod ending;

use std::time::Duration;

use std::cell::Cell;
use std::rc::Rc;

use crate::delay::{Delay, Draw, MAX_DURATION};
use crate::queue::{JoinableQueue, ShutDown, TryGetError, TryPutError};
use crate::run::{Actors, Program, MAIN};
use crate::sim::{Ctx, TaskHandle};
use crate::trace::{duration_to_nanos, ActorId, EventKind, Fault, ItemId, Nanos, Parcel, Role};
use broker::Broker;
use ending::{KillWhen, Settings, Strategy, MAX_DELIVERIES};

/// The scenarios, named on the command line and in links as `plain`,
/// `hotdog`…, listed in this order.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::Display,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(
    serialize_all = "kebab-case",
    parse_err_ty = UnknownScenario,
    parse_err_fn = UnknownScenario::named
)]
pub enum ScenarioKind {
    /// The seed's first case: a plain `Queue`, no `task_done`/`join`.
    Plain,
    /// The seed's `JoinableQueue` hot dogs.
    Hotdog,
    /// The hot-dog protocol with every setting free.
    Custom,
    /// The termination lab: the hot dogs with a chosen way of stopping and
    /// injected failures.
    Termination,
}

impl ScenarioKind {
    /// The name used on the command line and in links.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Whether its producers are the seed's hot-dog shops (names of actors
    /// and items).
    pub fn hot_dogs(self) -> bool {
        matches!(self, ScenarioKind::Hotdog | ScenarioKind::Termination)
    }

    /// Whether consumers call `task_done()` and main waits in `q.join()`.
    pub fn joinable(self) -> bool {
        self != ScenarioKind::Plain
    }
}

/// A scenario name that is none of [`ScenarioKind::VARIANTS`]'s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownScenario(pub String);

impl UnknownScenario {
    fn named(name: &str) -> UnknownScenario {
        UnknownScenario(name.to_string())
    }
}

/// Upper bounds on the settings, so that a typo cannot freeze the page.
pub const MAX_ACTORS: u32 = 1000;
/// Most items one producer may make.
pub const MAX_ITEMS: u32 = 10_000_000;
/// Largest bounded capacity.
pub const MAX_CAPACITY: usize = 1_000_000;
/// Most items of all producers together: a run holds up to this many in
/// its queue (about 28 bytes each), so it bounds a run's memory (under
/// 300 MB) and its time (seconds natively) whatever the other settings.
pub const MAX_TOTAL_ITEMS: u64 = 10_000_000;

/// Everything that determines a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub scenario: ScenarioKind,
    pub seed: u64,
    pub producers: u32,
    pub consumers: u32,
    /// Items each producer makes.
    pub items: u32,
    /// Queue capacity; 0 = unbounded.
    pub capacity: usize,
    pub produce_delay: Delay,
    pub consume_delay: Delay,
    /// Stop the run at this virtual time (`None`: run to the end).
    pub until: Option<Duration>,
    /// The termination lab's strategy and failures (only the `termination`
    /// scenario may change them).
    pub termination: Settings,
}

/// A setting the engine refuses, named by its field (the command-line
/// option without `--`, e.g. `producers`), with the limits it breaks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ConfigProblem {
    /// A whole number outside `lo..=hi`.
    OutOfRange {
        field: &'static str,
        value: u64,
        lo: u64,
        hi: u64,
    },
    /// A duration longer than `max`.
    TooLong { field: &'static str, max: Duration },
    /// A duration of 0 where only a longer one works.
    Zero { field: &'static str },
    /// A chance that is not a probability (0 to 1).
    NotProbability { field: &'static str, value: f64 },
    /// More items in all than [`MAX_TOTAL_ITEMS`]: `producers` × `items`
    /// (reported at `items`).
    TooManyItems {
        field: &'static str,
        producers: u32,
        items: u32,
        max: u64,
    },
    /// A termination-lab setting on another scenario.
    OnlyTermination { field: &'static str },
    /// A broker setting (the visibility timeout, the delivery limit)
    /// without broker acknowledgements.
    NeedsBrokerAck { field: &'static str },
}

impl ConfigProblem {
    /// The setting at fault, named as its command-line option without `--`.
    pub fn field(&self) -> &'static str {
        match *self {
            ConfigProblem::OutOfRange { field, .. }
            | ConfigProblem::TooLong { field, .. }
            | ConfigProblem::Zero { field }
            | ConfigProblem::NotProbability { field, .. }
            | ConfigProblem::TooManyItems { field, .. }
            | ConfigProblem::OnlyTermination { field }
            | ConfigProblem::NeedsBrokerAck { field } => field,
        }
    }
}

impl Config {
    /// The scenario's own defaults: the seed's numbers.
    pub fn defaults(scenario: ScenarioKind, seed: u64) -> Config {
        let seed_delay = Delay::Uniform(Duration::ZERO, Duration::from_secs(1));
        let (producers, items, consumers) = match scenario {
            // The seed's first case: one producer, four pages.
            ScenarioKind::Plain => (1, 4, 1),
            ScenarioKind::Hotdog | ScenarioKind::Custom => (2, 5, 1),
            // Two eaters: one sentinel for both shows the bug, and they
            // often fall behind, so an immediate shutdown drops items.
            ScenarioKind::Termination => (2, 5, 2),
        };
        Config {
            scenario,
            seed,
            producers,
            consumers,
            items,
            capacity: 0,
            produce_delay: seed_delay,
            consume_delay: seed_delay,
            until: None,
            termination: Settings::default(),
        }
    }

    /// How this run stops: the scenario's own way, or the lab's choice.
    pub fn strategy(&self) -> Strategy {
        match self.scenario {
            ScenarioKind::Plain => Strategy::None,
            ScenarioKind::Hotdog | ScenarioKind::Custom => Strategy::JoinTerminate,
            ScenarioKind::Termination => self.termination.strategy,
        }
    }

    /// Checks every setting; the first one out of range is reported.
    pub fn validate(&self) -> Result<(), ConfigProblem> {
        let range = |field, value: u64, lo: u64, hi: u64| {
            if (lo..=hi).contains(&value) {
                Ok(())
            } else {
                Err(ConfigProblem::OutOfRange {
                    field,
                    value,
                    lo,
                    hi,
                })
            }
        };
        range("producers", self.producers.into(), 1, MAX_ACTORS.into())?;
        range("consumers", self.consumers.into(), 1, MAX_ACTORS.into())?;
        range("items", self.items.into(), 0, MAX_ITEMS.into())?;
        range("capacity", self.capacity as u64, 0, MAX_CAPACITY as u64)?;
        if self.total_items() > MAX_TOTAL_ITEMS {
            return Err(ConfigProblem::TooManyItems {
                field: "items",
                producers: self.producers,
                items: self.items,
                max: MAX_TOTAL_ITEMS,
            });
        }
        let too_long = |field, d: Duration| {
            if d > MAX_DURATION {
                Err(ConfigProblem::TooLong {
                    field,
                    max: MAX_DURATION,
                })
            } else {
                Ok(())
            }
        };
        if let Some(until) = self.until {
            too_long("until", until)?;
        }
        let t = &self.termination;
        if self.scenario != ScenarioKind::Termination {
            if let Some(field) = t.first_changed() {
                return Err(ConfigProblem::OnlyTermination { field });
            }
            return Ok(());
        }
        let total = self.total_items();
        if let Some(n) = t.forget_task_done {
            range("forget-task-done", n, 1, total.max(1))?;
        }
        if let Some(n) = t.extra_task_done {
            range("extra-task-done", n, 1, total.max(1))?;
        }
        if let Some(kill) = t.kill {
            range(
                "kill-consumer",
                kill.consumer.into(),
                1,
                self.consumers.into(),
            )?;
            match kill.when {
                KillWhen::At(at) => too_long("kill-at", at)?,
                KillWhen::Chance(p) if !(0.0..=1.0).contains(&p) => {
                    return Err(ConfigProblem::NotProbability {
                        field: "kill-chance",
                        value: p,
                    })
                }
                KillWhen::Chance(_) => {}
            }
        }
        if t.visibility_timeout.is_zero() {
            return Err(ConfigProblem::Zero {
                field: "visibility-timeout",
            });
        }
        too_long("visibility-timeout", t.visibility_timeout)?;
        range(
            "max-deliveries",
            t.max_deliveries.into(),
            1,
            MAX_DELIVERIES.into(),
        )?;
        let d = Settings::default();
        if !t.broker_ack {
            if t.visibility_timeout != d.visibility_timeout {
                return Err(ConfigProblem::NeedsBrokerAck {
                    field: "visibility-timeout",
                });
            }
            if t.max_deliveries != d.max_deliveries {
                return Err(ConfigProblem::NeedsBrokerAck {
                    field: "max-deliveries",
                });
            }
        }
        Ok(())
    }

    /// The actor table: main, then the producers, then the consumers.
    pub fn roles(&self) -> Vec<Role> {
        self.actors().roles()
    }

    /// Items all producers make together.
    pub fn total_items(&self) -> u64 {
        u64::from(self.producers) * u64::from(self.items)
    }
}

impl Program for Config {
    type Item = Parcel;

    fn name(&self) -> &'static str {
        self.scenario.name()
    }

    fn seed(&self) -> u64 {
        self.seed
    }

    fn capacity(&self) -> usize {
        self.capacity
    }

    fn until(&self) -> Option<Duration> {
        self.until
    }

    fn actors(&self) -> Actors {
        Actors {
            producers: self.producers,
            consumers: self.consumers,
        }
    }

    /// Starts the scenario's main program; it spawns the producers and
    /// consumers itself, as the seed's `__main__` does.
    fn start(self: Rc<Self>, ctx: &Ctx, queue: &JoinableQueue<Parcel>) {
        let main = main_program(ctx.clone(), (*self).clone(), queue.clone());
        ctx.spawn(MAIN, main);
    }
}

async fn main_program(ctx: Ctx, cfg: Config, q: JoinableQueue<Parcel>) {
    let strategy = cfg.strategy();
    let produce = cfg.produce_delay.nanos();
    let producers: Vec<(ActorId, TaskHandle)> = (0..cfg.producers)
        .map(|i| {
            let me = cfg.actors().producer(i);
            let task = producer(ctx.clone(), q.clone(), me, i, cfg.items, produce);
            (me, ctx.spawn(me, task))
        })
        .collect();
    let plan = Rc::new(ConsumerPlan::new(&ctx, &cfg, &q));
    let consumers: Vec<(ActorId, TaskHandle)> = (0..cfg.consumers)
        .map(|i| {
            let me = cfg.actors().consumer(i);
            let task = consumer(ctx.clone(), q.clone(), me, i, Rc::clone(&plan));
            let handle = if strategy == Strategy::Daemon {
                ctx.spawn_daemon(Some(me), task)
            } else {
                ctx.spawn(me, task)
            };
            (me, handle)
        })
        .collect();
    if strategy.joins_producers() {
        // p1.join(); p2.join()  — the producers are done.
        join_all(&ctx, &producers).await;
    }
    match strategy {
        Strategy::None => {}
        Strategy::JoinTerminate | Strategy::Daemon => {
            // q.join()  — every item put was marked done.
            ctx.emit(MAIN, EventKind::JoinStart, None);
            q.join().await;
            ctx.emit(MAIN, EventKind::JoinDone, None);
            if strategy == Strategy::JoinTerminate {
                // c.terminate()
                for (actor, task) in &consumers {
                    if ctx.terminate(task) {
                        ctx.emit(*actor, EventKind::Terminate, None);
                    }
                }
            }
            // Daemon consumers end with main, right after its `Finish`.
        }
        Strategy::Sentinel | Strategy::SentinelBug => {
            for _ in 0..strategy.sentinels(cfg.consumers) {
                // q.put(None)
                if q.put(Parcel::Sentinel).await.is_ok() {
                    ctx.emit(MAIN, EventKind::SentinelPut, None);
                }
            }
            join_all(&ctx, &consumers).await;
        }
        Strategy::Shutdown => {
            q.shutdown(false);
            ctx.emit(MAIN, EventKind::Shutdown { immediate: false }, None);
            join_all(&ctx, &consumers).await;
        }
        Strategy::ShutdownImmediate => {
            let removed = q.shutdown_immediate();
            ctx.emit(MAIN, EventKind::Shutdown { immediate: true }, None);
            for parcel in removed {
                if let Parcel::Item(item) = parcel {
                    ctx.emit(MAIN, EventKind::Drop, Some(item));
                }
            }
            join_all(&ctx, &consumers).await;
        }
    }
    ctx.emit(MAIN, EventKind::Finish, None);
}

/// `p.join()` for each task in turn.
async fn join_all(ctx: &Ctx, tasks: &[(ActorId, TaskHandle)]) {
    for (actor, task) in tasks {
        ctx.emit(MAIN, EventKind::TaskJoinStart(*actor), None);
        task.join().await;
        ctx.emit(MAIN, EventKind::TaskJoinDone(*actor), None);
    }
}

/// Makes `items` items, each after a delay, and puts them (`product(q, name)`).
async fn producer(
    ctx: Ctx,
    q: JoinableQueue<Parcel>,
    me: ActorId,
    origin: u32,
    items: u32,
    delay: Draw,
) {
    for seq in 1..=items {
        ctx.sleep_nanos(delay.sample(&ctx)).await;
        let item = ItemId { origin, seq };
        ctx.emit(me, EventKind::Produce, Some(item));
        if put_traced(&ctx, &q, me, item).await.is_err() {
            break;
        }
    }
    ctx.emit(me, EventKind::Finish, None);
}

/// What the consumers share: how they work on an item, how they finish it
/// (`task_done()`, a broker acknowledgement, or nothing for a plain queue),
/// and the injected failures.
struct ConsumerPlan {
    delay: Draw,
    /// Whether consumers call `task_done()` (every scenario but `plain`).
    joinable: bool,
    broker: Option<Broker>,
    settings: Settings,
    /// Items processed so far by all consumers (for the n-th-item failures).
    processed: Cell<u64>,
}

impl ConsumerPlan {
    fn new(ctx: &Ctx, cfg: &Config, q: &JoinableQueue<Parcel>) -> Self {
        let settings = cfg.termination;
        ConsumerPlan {
            delay: cfg.consume_delay.nanos(),
            joinable: cfg.scenario.joinable(),
            broker: settings
                .broker_ack
                .then(|| Broker::new(ctx, q, settings.visibility_timeout, settings.max_deliveries)),
            settings,
            processed: Cell::new(0),
        }
    }

    /// When consumer `index` (0-based), starting an item that takes `work`,
    /// dies during it, if it does.
    fn death(&self, ctx: &Ctx, index: u32, work: Nanos) -> Option<Nanos> {
        let kill = self.settings.kill.filter(|k| k.consumer == index + 1)?;
        let start = ctx.now();
        let halfway = start.saturating_add(work / 2);
        match kill.when {
            KillWhen::At(at) => {
                let at = duration_to_nanos(at);
                if at < start {
                    Some(halfway)
                } else {
                    (at < start.saturating_add(work)).then_some(at)
                }
            }
            KillWhen::Chance(p) => (ctx.random() < p).then_some(halfway),
        }
    }
}

/// Gets items until told to stop, works on each, and marks it done
/// (`customer(q)`): with `task_done()` on a joinable queue, with an
/// acknowledgement in broker mode. Stops at a sentinel or when `get()`
/// raises `ShutDown`; without either it waits forever.
async fn consumer(
    ctx: Ctx,
    q: JoinableQueue<Parcel>,
    me: ActorId,
    index: u32,
    plan: Rc<ConsumerPlan>,
) {
    loop {
        let item = match get_traced(&ctx, &q, me).await {
            Ok(Parcel::Item(item)) => item,
            Ok(Parcel::Sentinel) => {
                // The sentinel is a task of the queue too.
                if q.task_done().is_err() {
                    ctx.emit(me, EventKind::Error(Fault::TaskDoneTooMany), None);
                }
                break;
            }
            Err(ShutDown(())) => {
                ctx.emit(me, EventKind::GetShutDown, None);
                break;
            }
        };
        let delivery = plan.broker.as_ref().map(|b| b.deliver(me, item));
        let work = plan.delay.sample(&ctx);
        if let Some(death) = plan.death(&ctx, index, work) {
            ctx.sleep_nanos(death - ctx.now()).await;
            ctx.emit(me, EventKind::Killed, Some(item));
            return;
        }
        ctx.sleep_nanos(work).await;
        ctx.emit(me, EventKind::Consume, Some(item));
        let n = plan.processed.get() + 1;
        plan.processed.set(n);
        let forget = plan.settings.forget_task_done == Some(n);
        let extra = plan.settings.extra_task_done == Some(n);
        if let (Some(broker), Some(delivery)) = (&plan.broker, delivery) {
            if !forget {
                broker.ack(me, item, delivery);
            }
            if extra {
                broker.ack(me, item, delivery);
            }
        } else if plan.joinable {
            if !forget {
                task_done_traced(&ctx, &q, me, item);
            }
            if extra {
                task_done_traced(&ctx, &q, me, item);
            }
        }
    }
    ctx.emit(me, EventKind::Finish, None);
}

/// `q.put(item)`, with `put_blocked` in the trace when it has to wait.
pub async fn put_traced(
    ctx: &Ctx,
    q: &JoinableQueue<Parcel>,
    me: ActorId,
    item: ItemId,
) -> Result<(), ShutDown<ItemId>> {
    let result = match q.try_put(Parcel::Item(item)) {
        Ok(()) => Ok(()),
        Err(TryPutError::Full(parcel)) => {
            ctx.emit(me, EventKind::PutBlocked, Some(item));
            q.put(parcel).await
        }
        Err(TryPutError::ShutDown(parcel)) => Err(ShutDown(parcel)),
    };
    match result {
        Ok(()) => {
            ctx.emit(me, EventKind::Put, Some(item));
            Ok(())
        }
        Err(_) => {
            ctx.emit(me, EventKind::Error(Fault::PutAfterShutdown), Some(item));
            Err(ShutDown(item))
        }
    }
}

/// `q.get()`, with `get_blocked` in the trace when it has to wait; a
/// sentinel is traced as `sentinel_get`, never as an item.
pub async fn get_traced(
    ctx: &Ctx,
    q: &JoinableQueue<Parcel>,
    me: ActorId,
) -> Result<Parcel, ShutDown> {
    let parcel = match q.try_get() {
        Ok(parcel) => parcel,
        Err(TryGetError::ShutDown) => return Err(ShutDown(())),
        Err(TryGetError::Empty) => {
            ctx.emit(me, EventKind::GetBlocked, None);
            q.get().await?
        }
    };
    match parcel {
        Parcel::Item(item) => ctx.emit(me, EventKind::Get, Some(item)),
        Parcel::Sentinel => ctx.emit(me, EventKind::SentinelGet, None),
    }
    Ok(parcel)
}

/// `q.task_done()`, with the `ValueError` in the trace if it is one too many.
pub fn task_done_traced(ctx: &Ctx, q: &JoinableQueue<Parcel>, me: ActorId, item: ItemId) {
    match q.task_done() {
        Ok(()) => ctx.emit(me, EventKind::TaskDone, Some(item)),
        Err(_) => ctx.emit(me, EventKind::Error(Fault::TaskDoneTooMany), Some(item)),
    }
}
