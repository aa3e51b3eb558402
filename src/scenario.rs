//! The seed's cases as runnable scenarios: their settings, validation, and
//! the producer, consumer and main-program tasks, written as ordinary
//! `async fn`s that see only a [`Ctx`] and the queue.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::delay::{Delay, MAX_DURATION};
use crate::queue::{JoinableQueue, ShutDown, TryGetError, TryPutError};
use crate::sim::{Ctx, TaskHandle};
use crate::trace::{ActorId, EventKind, Fault, ItemId, Role};

/// The scenarios.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScenarioKind {
    /// The seed's first case: a plain `Queue`, no `task_done`/`join`.
    Plain,
    /// The seed's `JoinableQueue` hot dogs.
    Hotdog,
    /// The hot-dog protocol with every setting free.
    Custom,
}

impl ScenarioKind {
    /// All scenarios, in the order they are listed.
    pub const ALL: [ScenarioKind; 3] = [
        ScenarioKind::Plain,
        ScenarioKind::Hotdog,
        ScenarioKind::Custom,
    ];

    /// The name used on the command line and in links.
    pub fn name(self) -> &'static str {
        match self {
            ScenarioKind::Plain => "plain",
            ScenarioKind::Hotdog => "hotdog",
            ScenarioKind::Custom => "custom",
        }
    }

    /// Whether consumers call `task_done()` and main waits in `q.join()`.
    pub fn joinable(self) -> bool {
        self != ScenarioKind::Plain
    }
}

impl fmt::Display for ScenarioKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ScenarioKind {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "unknown scenario '{name}'; choose one of {}",
                    names.join(", ")
                )
            })
    }
}

/// Upper bounds on the settings, so that a typo cannot freeze the page.
pub const MAX_ACTORS: u32 = 1000;
/// Most items one producer may make.
pub const MAX_ITEMS: u32 = 10_000_000;
/// Largest bounded capacity.
pub const MAX_CAPACITY: usize = 1_000_000;

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
}

/// A setting that is out of range, named by its field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The field, as named on the command line without `--` (e.g. `producers`).
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "--{}: {}", self.field, self.message)
    }
}

impl Config {
    /// The scenario's own defaults: the seed's numbers.
    pub fn defaults(scenario: ScenarioKind, seed: u64) -> Config {
        let seed_delay = Delay::Uniform(Duration::ZERO, Duration::from_secs(1));
        let (producers, items) = match scenario {
            // The seed's first case: one producer, four pages.
            ScenarioKind::Plain => (1, 4),
            ScenarioKind::Hotdog | ScenarioKind::Custom => (2, 5),
        };
        Config {
            scenario,
            seed,
            producers,
            consumers: 1,
            items,
            capacity: 0,
            produce_delay: seed_delay,
            consume_delay: seed_delay,
            until: None,
        }
    }

    /// Checks every setting; the first one out of range is reported.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let range = |field, value: u64, lo: u64, hi: u64| {
            if (lo..=hi).contains(&value) {
                Ok(())
            } else {
                Err(ConfigError {
                    field,
                    message: format!("{value} is out of range; use {lo} to {hi}"),
                })
            }
        };
        range("producers", self.producers.into(), 1, MAX_ACTORS.into())?;
        range("consumers", self.consumers.into(), 1, MAX_ACTORS.into())?;
        range("items", self.items.into(), 0, MAX_ITEMS.into())?;
        range("capacity", self.capacity as u64, 0, MAX_CAPACITY as u64)?;
        if let Some(until) = self.until {
            if until > MAX_DURATION {
                return Err(ConfigError {
                    field: "until",
                    message: "is longer than the limit of 24 hours".into(),
                });
            }
        }
        Ok(())
    }

    /// The actor table: main, then the producers, then the consumers.
    pub fn roles(&self) -> Vec<Role> {
        std::iter::once(Role::Main)
            .chain((0..self.producers).map(Role::Producer))
            .chain((0..self.consumers).map(Role::Consumer))
            .collect()
    }

    /// Items all producers make together.
    pub fn total_items(&self) -> u64 {
        u64::from(self.producers) * u64::from(self.items)
    }
}

/// The main program's actor id.
pub const MAIN: ActorId = ActorId(0);

fn producer_actor(i: u32) -> ActorId {
    ActorId(1 + i)
}

fn consumer_actor(cfg: &Config, i: u32) -> ActorId {
    ActorId(1 + cfg.producers + i)
}

/// Starts the scenario's main program in `ctx`'s simulation; it spawns the
/// producers and consumers itself, as the seed's `__main__` does.
pub fn start(ctx: &Ctx, cfg: &Config, queue: &JoinableQueue<ItemId>) {
    let main = main_program(ctx.clone(), cfg.clone(), queue.clone());
    ctx.spawn(MAIN, main);
}

async fn main_program(ctx: Ctx, cfg: Config, q: JoinableQueue<ItemId>) {
    let producers: Vec<(ActorId, TaskHandle)> = (0..cfg.producers)
        .map(|i| {
            let me = producer_actor(i);
            let task = producer(ctx.clone(), q.clone(), me, i, cfg.items, cfg.produce_delay);
            (me, ctx.spawn(me, task))
        })
        .collect();
    let consumers: Vec<(ActorId, TaskHandle)> = (0..cfg.consumers)
        .map(|i| {
            let me = consumer_actor(&cfg, i);
            let task = consumer(
                ctx.clone(),
                q.clone(),
                me,
                cfg.consume_delay,
                cfg.scenario.joinable(),
            );
            (me, ctx.spawn(me, task))
        })
        .collect();
    if cfg.scenario.joinable() {
        // p1.join(); p2.join()  — the producers are done.
        for (actor, task) in &producers {
            ctx.emit(MAIN, EventKind::TaskJoinStart(*actor), None);
            task.join().await;
            ctx.emit(MAIN, EventKind::TaskJoinDone(*actor), None);
        }
        // q.join()  — every item put was marked done.
        ctx.emit(MAIN, EventKind::JoinStart, None);
        q.join().await;
        ctx.emit(MAIN, EventKind::JoinDone, None);
        // c.terminate()
        for (actor, task) in &consumers {
            if ctx.terminate(task) {
                ctx.emit(*actor, EventKind::Terminate, None);
            }
        }
    }
    ctx.emit(MAIN, EventKind::Finish, None);
}

/// Makes `items` items, each after a delay, and puts them (`product(q, name)`).
async fn producer(
    ctx: Ctx,
    q: JoinableQueue<ItemId>,
    me: ActorId,
    origin: u32,
    items: u32,
    delay: Delay,
) {
    for seq in 1..=items {
        ctx.sleep(delay.sample(&ctx)).await;
        let item = ItemId { origin, seq };
        ctx.emit(me, EventKind::Produce, Some(item));
        if put_traced(&ctx, &q, me, item).await.is_err() {
            break;
        }
    }
    ctx.emit(me, EventKind::Finish, None);
}

/// Gets items forever, works on each, and (if `joinable`) marks it done
/// (`customer(q)`). Ends only if the queue is shut down.
async fn consumer(ctx: Ctx, q: JoinableQueue<ItemId>, me: ActorId, delay: Delay, joinable: bool) {
    while let Ok(item) = get_traced(&ctx, &q, me).await {
        ctx.sleep(delay.sample(&ctx)).await;
        ctx.emit(me, EventKind::Consume, Some(item));
        if joinable {
            task_done_traced(&ctx, &q, me, item);
        }
    }
    ctx.emit(me, EventKind::Finish, None);
}

/// `q.put(item)`, with `put_blocked` in the trace when it has to wait.
pub async fn put_traced(
    ctx: &Ctx,
    q: &JoinableQueue<ItemId>,
    me: ActorId,
    item: ItemId,
) -> Result<(), ShutDown<ItemId>> {
    let result = match q.try_put(item) {
        Ok(()) => Ok(()),
        Err(TryPutError::Full(item)) => {
            ctx.emit(me, EventKind::PutBlocked, Some(item));
            q.put(item).await
        }
        Err(TryPutError::ShutDown(item)) => Err(ShutDown(item)),
    };
    match result {
        Ok(()) => ctx.emit(me, EventKind::Put, Some(item)),
        Err(_) => ctx.emit(me, EventKind::Error(Fault::PutAfterShutdown), Some(item)),
    }
    result
}

/// `q.get()`, with `get_blocked` in the trace when it has to wait.
pub async fn get_traced(
    ctx: &Ctx,
    q: &JoinableQueue<ItemId>,
    me: ActorId,
) -> Result<ItemId, ShutDown> {
    let item = match q.try_get() {
        Ok(item) => item,
        Err(TryGetError::ShutDown) => return Err(ShutDown(())),
        Err(TryGetError::Empty) => {
            ctx.emit(me, EventKind::GetBlocked, None);
            q.get().await?
        }
    };
    ctx.emit(me, EventKind::Get, Some(item));
    Ok(item)
}

/// `q.task_done()`, with the `ValueError` in the trace if it is one too many.
pub fn task_done_traced(ctx: &Ctx, q: &JoinableQueue<ItemId>, me: ActorId, item: ItemId) {
    match q.task_done() {
        Ok(()) => ctx.emit(me, EventKind::TaskDone, Some(item)),
        Err(_) => ctx.emit(me, EventKind::Error(Fault::TaskDoneTooMany), Some(item)),
    }
}
