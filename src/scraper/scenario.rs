//! The seed's first example as a scenario: fetchers (producers) download
//! pages and put them on a [`JoinableQueue`], counters (consumers) get them
//! and count regex matches like `re.findall`. Two shapes: the seed's plain
//! queue (the counters never learn when to stop, so the run ends stuck) and
//! the joinable one (`task_done()`, `p.join()`, `q.join()`, then the
//! counters are terminated).
//!
//! The tasks run on the deterministic [`Sim`] like every other scenario;
//! only the [`Fetcher`] decides whether pages come from a fake, local
//! files, a recording, or the real network. Each URL's row (status, bytes,
//! latency, matches, fault) is kept as the run goes, and is the recording a
//! replay plays back.

use std::cell::{Cell, Ref, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::fetch::{FetchError, Fetcher, Page, Request, MAX_BYTES};
use super::gantt::{Gantt, Speedup};
use super::matcher::{Matcher, Matches};
use crate::delay::Delay;
use crate::queue::{JoinableQueue, TryGetError, TryPutError};
use crate::run::{Driver, Outcome, Stuck};
use crate::scenario::MAX_CAPACITY;
use crate::sim::{Ctx, Sim, TaskHandle};
use crate::stats::{Stats, StatsReport};
use crate::trace::{
    nanos_to_ms, ActorId, Event, EventKind, Fault, FetchFault, ItemId, Nanos, Role, WaitingOn,
};

/// The seed's pattern: `re.findall('src=//(.*?) width', text)`.
pub const SEED_PATTERN: &str = "src=//(.*?) width";
/// Most URLs in one run.
pub const MAX_URLS: usize = 1000;
/// Most fetchers, and most counters.
pub const MAX_WORKERS: u32 = 100;
/// Shortest and longest fetch timeout.
pub const MIN_TIMEOUT: Duration = Duration::from_millis(10);
/// See [`MIN_TIMEOUT`].
pub const MAX_TIMEOUT: Duration = Duration::from_secs(300);
/// Matched strings kept per URL (the count is always exact).
pub const KEEP_FOUND: usize = 200;

/// The queue protocol, named `plain` or `joinable`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Shape {
    /// The seed's `Queue`: no `task_done`/`join`; the counters wait forever.
    Plain,
    /// `JoinableQueue`: `task_done()`, `join()`, then `terminate()`.
    Joinable,
}

impl Shape {
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// Everything that determines a scraper run, besides its fetcher.
#[derive(Clone, Debug, PartialEq)]
pub struct ScraperConfig {
    /// The URLs (or, natively, file paths), in order; duplicates allowed.
    pub urls: Vec<String>,
    /// A Python `re` pattern.
    pub pattern: String,
    pub fetchers: u32,
    pub counters: u32,
    /// Queue capacity; 0 = unbounded.
    pub capacity: usize,
    /// Each fetch gives up after this long.
    pub timeout: Duration,
    /// The seed's `time.sleep(random.random())` after each download.
    pub fetch_delay: Delay,
    /// The seed's `time.sleep(random.random())` before each count.
    pub count_delay: Delay,
    pub shape: Shape,
    pub seed: u64,
}

impl ScraperConfig {
    /// The seed's settings for `urls`: its pattern, one fetcher, one
    /// counter, an unbounded queue, 0–1 s sleeps, and a 10 s timeout.
    pub fn defaults(urls: Vec<String>, seed: u64) -> Self {
        let seed_sleep = Delay::Uniform(Duration::ZERO, Duration::from_secs(1));
        ScraperConfig {
            urls,
            pattern: SEED_PATTERN.to_string(),
            fetchers: 1,
            counters: 1,
            capacity: 0,
            timeout: Duration::from_secs(10),
            fetch_delay: seed_sleep,
            count_delay: seed_sleep,
            shape: Shape::Joinable,
            seed,
        }
    }

    /// Checks every setting but the pattern (compiling it checks that);
    /// the first one out of range is reported.
    pub fn validate(&self) -> Result<(), ScraperProblem> {
        if self.urls.is_empty() || self.urls.len() > MAX_URLS {
            return Err(ScraperProblem::UrlCount {
                count: self.urls.len(),
                max: MAX_URLS,
            });
        }
        if let Some(line) = self.urls.iter().position(|u| u.trim().is_empty()) {
            return Err(ScraperProblem::EmptyUrl { line: line + 1 });
        }
        let range = |field, value: u64, lo: u64, hi: u64| {
            if (lo..=hi).contains(&value) {
                Ok(())
            } else {
                Err(ScraperProblem::OutOfRange {
                    field,
                    value,
                    lo,
                    hi,
                })
            }
        };
        range("fetchers", self.fetchers.into(), 1, MAX_WORKERS.into())?;
        range("counters", self.counters.into(), 1, MAX_WORKERS.into())?;
        range("capacity", self.capacity as u64, 0, MAX_CAPACITY as u64)?;
        if !(MIN_TIMEOUT..=MAX_TIMEOUT).contains(&self.timeout) {
            return Err(ScraperProblem::Timeout {
                min: MIN_TIMEOUT,
                max: MAX_TIMEOUT,
            });
        }
        Ok(())
    }

    /// The actor table: main, the fetchers, then the counters.
    pub fn roles(&self) -> Vec<Role> {
        std::iter::once(Role::Main)
            .chain((0..self.fetchers).map(Role::Producer))
            .chain((0..self.counters).map(Role::Consumer))
            .collect()
    }

    /// The seed's sleep for URL `index` in phase `phase` (0 after the
    /// fetch, 1 before the count). Each URL draws from its own stream of
    /// the run's seed, so its sleeps do not depend on the order in which
    /// fetches happened to finish, and a replay sleeps the same.
    fn sleep_for(&self, index: usize, phase: u64) -> Duration {
        let delay = if phase == 0 {
            self.fetch_delay
        } else {
            self.count_delay
        };
        if let Delay::Const(d) = delay {
            return d;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(index as u64 * 2 + phase);
        let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        delay.quantile(u)
    }
}

/// A scraper setting out of range, with the limits it breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScraperProblem {
    /// `count` URLs; 1 to `max` are accepted.
    UrlCount { count: usize, max: usize },
    /// URL number `line` (1-based) is empty.
    EmptyUrl { line: usize },
    /// A whole number outside `lo..=hi`; `field` is its option without `--`.
    OutOfRange {
        field: &'static str,
        value: u64,
        lo: u64,
        hi: u64,
    },
    /// The fetch timeout is not within `min..=max`.
    Timeout { min: Duration, max: Duration },
}

impl ScraperProblem {
    /// The setting at fault: `urls`, `fetchers`, `counters`, `capacity` or
    /// `timeout`.
    pub fn field(&self) -> &'static str {
        match *self {
            ScraperProblem::UrlCount { .. } | ScraperProblem::EmptyUrl { .. } => "urls",
            ScraperProblem::OutOfRange { field, .. } => field,
            ScraperProblem::Timeout { .. } => "timeout",
        }
    }
}

/// Where a URL stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum RowState {
    /// No fetcher has taken it yet.
    Waiting,
    Fetching,
    /// Downloaded; the fetcher sleeps or waits to put it.
    Fetched,
    /// In the queue.
    Queued,
    /// A counter is on it.
    Counting,
    Counted,
    /// The fetch failed; it never entered the queue.
    Failed,
}

impl RowState {
    /// The state's name as in the JSON report (`waiting`, `fetching`, …).
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// One URL's record: what happened to it, as the page's table shows it and
/// a replay plays it back.
#[derive(Clone, Debug, PartialEq)]
pub struct UrlRow {
    pub url: String,
    pub state: RowState,
    /// Index of the fetcher that took it, and of the counter.
    pub fetcher: Option<u32>,
    pub counter: Option<u32>,
    /// Virtual time the fetch started, and how long it took (virtual).
    pub fetch_started: Option<Nanos>,
    pub latency: Option<Nanos>,
    /// Wall-clock time of a real fetch.
    pub real_latency_ms: Option<f64>,
    pub status: Option<u16>,
    pub bytes: Option<u64>,
    pub error: Option<FetchError>,
    pub matches: Option<Matches>,
    /// The page's text, kept so a replay can count again.
    pub text: Option<Rc<str>>,
}

impl UrlRow {
    fn new(url: String) -> Self {
        UrlRow {
            url,
            state: RowState::Waiting,
            fetcher: None,
            counter: None,
            fetch_started: None,
            latency: None,
            real_latency_ms: None,
            status: None,
            bytes: None,
            error: None,
            matches: None,
            text: None,
        }
    }

    /// The fetch result as recorded (`None` while not fetched yet).
    pub fn fetch_result(&self) -> Option<Result<Page, FetchError>> {
        if let Some(error) = &self.error {
            return Some(Err(error.clone()));
        }
        Some(Ok(Page {
            status: self.status,
            bytes: self.bytes?,
            text: Rc::clone(self.text.as_ref()?),
        }))
    }
}

/// A page in the queue: which item, which URL, and its text.
#[derive(Clone, Debug)]
pub struct QueuedPage {
    pub item: ItemId,
    pub index: usize,
    pub text: Rc<str>,
}

/// The URL index an item stands for (items are numbered from 1).
pub fn url_index(item: ItemId) -> usize {
    item.seq as usize - 1
}

/// State the tasks share.
struct Shared {
    config: ScraperConfig,
    fetcher: Rc<dyn Fetcher>,
    matcher: Rc<dyn Matcher>,
    rows: RefCell<Vec<UrlRow>>,
    /// The next URL a fetcher takes.
    next_url: Cell<usize>,
}

impl Shared {
    fn take_url(&self) -> Option<usize> {
        let index = self.next_url.get();
        (index < self.config.urls.len()).then(|| {
            self.next_url.set(index + 1);
            index
        })
    }

    fn row(&self, index: usize, update: impl FnOnce(&mut UrlRow)) {
        if let Some(row) = self.rows.borrow_mut().get_mut(index) {
            update(row);
        }
    }
}

/// What the run derives from each event.
#[derive(Default)]
struct Recorder {
    stats: Stats,
    waiting: Vec<Option<WaitingOn>>,
    events: Vec<Event>,
    /// The items in the queue, front first.
    queued: VecDeque<ItemId>,
}

impl Recorder {
    fn record(&mut self, event: &Event) {
        self.stats.record(event);
        let at = event.actor.0 as usize;
        if self.waiting.len() <= at {
            self.waiting.resize(at + 1, None);
        }
        self.waiting[at] = WaitingOn::started_by(event.kind);
        match (event.kind, event.item) {
            (EventKind::Put, Some(item)) => self.queued.push_back(item),
            (EventKind::Get, Some(item)) => self.queued.retain(|&i| i != item),
            _ => {}
        }
        self.events.push(*event);
    }
}

/// A scraper run in progress.
pub struct ScraperRun {
    roles: Vec<Role>,
    driver: Driver,
    queue: JoinableQueue<QueuedPage>,
    shared: Rc<Shared>,
    recorder: Rc<RefCell<Recorder>>,
}

/// The main program's actor.
pub const MAIN: ActorId = ActorId(0);

fn fetcher_actor(i: u32) -> ActorId {
    ActorId(1 + i)
}

fn counter_actor(config: &ScraperConfig, i: u32) -> ActorId {
    ActorId(1 + config.fetchers + i)
}

impl ScraperRun {
    /// Sets the run up; `sink` sees every event after the run recorded it.
    /// The config must be valid ([`ScraperConfig::validate`]) and `matcher`
    /// compiled from its pattern.
    pub fn new(
        config: ScraperConfig,
        fetcher: Rc<dyn Fetcher>,
        matcher: Rc<dyn Matcher>,
        mut sink: impl FnMut(&Event) + 'static,
    ) -> ScraperRun {
        let recorder = Rc::new(RefCell::new(Recorder::default()));
        let observer = {
            let recorder = Rc::clone(&recorder);
            Box::new(move |event: &Event| {
                recorder.borrow_mut().record(event);
                sink(event);
            })
        };
        let sim = Sim::new(config.seed, observer);
        let queue = JoinableQueue::new(config.capacity);
        let shared = Rc::new(Shared {
            rows: RefCell::new(config.urls.iter().cloned().map(UrlRow::new).collect()),
            next_url: Cell::new(0),
            config,
            fetcher,
            matcher,
        });
        let ctx = sim.ctx();
        ctx.spawn(
            MAIN,
            main_program(ctx.clone(), Rc::clone(&shared), queue.clone()),
        );
        ScraperRun {
            roles: shared.config.roles(),
            driver: Driver::new(sim, Nanos::MAX),
            queue,
            shared,
            recorder,
        }
    }

    /// Runs until the run is over, or only the outside world can move it
    /// (a real fetch is in flight: the outcome stays `Running`).
    pub fn run_to_end(&mut self) -> Outcome {
        self.advance_to(Nanos::MAX)
    }

    /// Runs every event up to virtual time `t`.
    pub fn advance_to(&mut self, t: Nanos) -> Outcome {
        self.driver.advance_to(t)
    }

    /// Runs until the next event (or until only the outside can move it).
    pub fn step(&mut self) -> Outcome {
        self.driver.step()
    }

    pub fn config(&self) -> &ScraperConfig {
        &self.shared.config
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

    /// Real fetches in flight: while any is, the run waits on the network.
    pub fn fetches_in_flight(&self) -> usize {
        self.driver.sim().external_in_flight()
    }

    /// Pages in the queue now.
    pub fn queue_len(&self) -> usize {
        self.queue.len()
    }

    /// The URL index of every page in the queue, front first.
    pub fn queued(&self) -> Vec<usize> {
        self.recorder
            .borrow()
            .queued
            .iter()
            .map(|&item| url_index(item))
            .collect()
    }

    /// Every URL's row so far.
    pub fn rows(&self) -> Ref<'_, Vec<UrlRow>> {
        self.shared.rows.borrow()
    }

    /// Every event so far.
    pub fn events(&self) -> Ref<'_, [Event]> {
        Ref::map(self.recorder.borrow(), |r| r.events.as_slice())
    }

    /// The per-worker timeline so far.
    pub fn gantt(&self) -> Gantt {
        Gantt::from_events(&self.events(), &self.roles, self.now())
    }

    /// What an actor waits on now, if it waits.
    pub fn waiting_on(&self, actor: ActorId) -> Option<WaitingOn> {
        self.recorder
            .borrow()
            .waiting
            .get(actor.0 as usize)
            .copied()
            .flatten()
    }

    /// The actors that wait forever (empty unless the run is stuck).
    pub fn stuck(&self) -> Vec<Stuck> {
        if self.driver.outcome() != Outcome::Stuck {
            return Vec::new();
        }
        self.driver
            .sim()
            .live_actors()
            .into_iter()
            .filter_map(|actor| {
                Some(Stuck {
                    actor,
                    role: *self.roles.get(actor.0 as usize)?,
                    waiting_on: self.waiting_on(actor)?,
                })
            })
            .collect()
    }

    /// Whether every page is accounted for: the queue's ledger holds (every
    /// page put was got once or is still queued), and each URL was fetched
    /// or failed at most once, every URL exactly once when the run is over.
    pub fn conserved(&self) -> bool {
        let recorder = self.recorder.borrow();
        let mut outcomes = vec![0u32; self.shared.config.urls.len()];
        for event in &recorder.events {
            let fetched = matches!(
                event.kind,
                EventKind::Produce | EventKind::Error(Fault::Fetch(_))
            );
            if let (true, Some(item)) = (fetched, event.item) {
                match outcomes.get_mut(url_index(item)) {
                    Some(n) => *n += 1,
                    None => return false,
                }
            }
        }
        let once = if self.driver.outcome().is_over() {
            outcomes.iter().all(|&n| n == 1)
        } else {
            outcomes.iter().all(|&n| n <= 1)
        };
        once && recorder.stats.conserved(self.queue.len() as u64)
    }

    /// The counters so far (cheap enough for every frame).
    pub fn tally(&self) -> Tally {
        let counts = self.recorder.borrow().stats.counts;
        let rows = self.shared.rows.borrow();
        Tally {
            fetched: counts.produced,
            failed: rows.iter().filter(|r| r.error.is_some()).count() as u64,
            counted: counts.consumed,
            in_queue: self.queue.len() as u64,
            matches: rows
                .iter()
                .filter_map(|r| r.matches.as_ref())
                .map(|m| m.count)
                .sum(),
        }
    }

    /// The summary so far, as facts.
    pub fn report(&self) -> ScraperReport {
        let stuck = self.stuck();
        let conserved = self.conserved();
        let tally = self.tally();
        let recorder = self.recorder.borrow();
        let counts = recorder.stats.counts;
        let rows = self.shared.rows.borrow();
        let end = self.now();
        let gantt = Gantt::from_events(&recorder.events, &self.roles, end);
        let config = &self.shared.config;
        ScraperReport {
            scenario: "scraper",
            seed: config.seed,
            shape: config.shape,
            pattern: config.pattern.clone(),
            outcome: self.driver.outcome(),
            end_time_ms: nanos_to_ms(end),
            urls: rows.len() as u64,
            fetched: tally.fetched,
            failed: tally.failed,
            counted: tally.counted,
            task_done: counts.task_done,
            unfinished: self.queue.unfinished_tasks() as u64,
            in_queue: tally.in_queue,
            matches: tally.matches,
            conserved,
            stuck,
            speedup: gantt.speedup(),
            rows: rows.iter().map(RowReport::new).collect(),
            stats: recorder.stats.report(end, config.counters),
        }
    }
}

/// The run's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Pages fetched (and put, or waiting to be put).
    pub fetched: u64,
    /// Fetches that failed.
    pub failed: u64,
    /// Pages counted.
    pub counted: u64,
    pub in_queue: u64,
    /// Matches over all pages counted.
    pub matches: u64,
}

/// One URL in the report. Its fault is the [`FetchError`] as fetched; in
/// the JSON the command line prints it is explained in words (`E` =
/// `String`).
#[derive(Clone, Debug, Serialize)]
pub struct RowReport<E = FetchError> {
    pub url: String,
    pub state: RowState,
    pub status: Option<u16>,
    pub bytes: Option<u64>,
    pub latency_ms: Option<f64>,
    pub real_latency_ms: Option<f64>,
    /// The fault's stable name (`timeout`, `http_status`, …).
    pub fault: Option<&'static str>,
    /// The fault, with the underlying message.
    pub fault_message: Option<E>,
    pub matches: Option<u64>,
    /// The first matched strings (what `re.findall` returns).
    pub found: Vec<super::matcher::Found>,
}

impl RowReport {
    fn new(row: &UrlRow) -> Self {
        RowReport {
            url: row.url.clone(),
            state: row.state,
            status: row.status,
            bytes: row.bytes,
            latency_ms: row.latency.map(nanos_to_ms),
            real_latency_ms: row.real_latency_ms,
            fault: row.error.as_ref().map(|e| e.fault.name()),
            fault_message: row.error.clone(),
            matches: row.matches.as_ref().map(|m| m.count),
            found: row
                .matches
                .as_ref()
                .map(|m| m.found.clone())
                .unwrap_or_default(),
        }
    }
}

impl<E> RowReport<E> {
    /// The same row with its fault made into an `F` (e.g. words).
    pub fn map_fault<F>(self, explain: impl FnOnce(E) -> F) -> RowReport<F> {
        RowReport {
            url: self.url,
            state: self.state,
            status: self.status,
            bytes: self.bytes,
            latency_ms: self.latency_ms,
            real_latency_ms: self.real_latency_ms,
            fault: self.fault,
            fault_message: self.fault_message.map(explain),
            matches: self.matches,
            found: self.found,
        }
    }
}

/// The summary of a scraper run, as facts: stuck actors as [`Stuck`] and
/// faults as [`FetchError`]s. The words layer names and explains them (`S`
/// and `E` become words) for the JSON `canteen run scraper` prints.
#[derive(Clone, Debug, Serialize)]
pub struct ScraperReport<S = Stuck, E = FetchError> {
    pub scenario: &'static str,
    pub seed: u64,
    pub shape: Shape,
    pub pattern: String,
    pub outcome: Outcome,
    pub end_time_ms: f64,
    pub urls: u64,
    /// Pages fetched and put (or waiting to be put).
    pub fetched: u64,
    /// Fetches that failed: counted here, never queued.
    pub failed: u64,
    /// Pages counted.
    pub counted: u64,
    pub task_done: u64,
    pub unfinished: u64,
    pub in_queue: u64,
    /// Matches over all pages.
    pub matches: u64,
    pub conserved: bool,
    pub stuck: Vec<S>,
    pub speedup: Speedup,
    pub rows: Vec<RowReport<E>>,
    pub stats: StatsReport,
}

impl<S, E> ScraperReport<S, E> {
    /// The same report with each stuck actor made into a `T` and each
    /// fault into an `F` (e.g. words).
    pub fn map<T, F>(
        self,
        describe: impl FnMut(S) -> T,
        mut explain: impl FnMut(E) -> F,
    ) -> ScraperReport<T, F> {
        ScraperReport {
            scenario: self.scenario,
            seed: self.seed,
            shape: self.shape,
            pattern: self.pattern,
            outcome: self.outcome,
            end_time_ms: self.end_time_ms,
            urls: self.urls,
            fetched: self.fetched,
            failed: self.failed,
            counted: self.counted,
            task_done: self.task_done,
            unfinished: self.unfinished,
            in_queue: self.in_queue,
            matches: self.matches,
            conserved: self.conserved,
            stuck: self.stuck.into_iter().map(describe).collect(),
            speedup: self.speedup,
            rows: self
                .rows
                .into_iter()
                .map(|row| row.map_fault(&mut explain))
                .collect(),
            stats: self.stats,
        }
    }
}

async fn main_program(ctx: Ctx, shared: Rc<Shared>, q: JoinableQueue<QueuedPage>) {
    let config = &shared.config;
    let fetchers: Vec<(ActorId, TaskHandle)> = (0..config.fetchers)
        .map(|i| {
            let me = fetcher_actor(i);
            let task = fetcher(ctx.clone(), Rc::clone(&shared), q.clone(), i);
            (me, ctx.spawn(me, task))
        })
        .collect();
    let counters: Vec<(ActorId, TaskHandle)> = (0..config.counters)
        .map(|i| {
            let me = counter_actor(config, i);
            let task = counter(ctx.clone(), Rc::clone(&shared), q.clone(), i);
            (me, ctx.spawn(me, task))
        })
        .collect();
    if config.shape == Shape::Joinable {
        for (actor, task) in &fetchers {
            ctx.emit(MAIN, EventKind::TaskJoinStart(*actor), None);
            task.join().await;
            ctx.emit(MAIN, EventKind::TaskJoinDone(*actor), None);
        }
        ctx.emit(MAIN, EventKind::JoinStart, None);
        q.join().await;
        ctx.emit(MAIN, EventKind::JoinDone, None);
        for (actor, task) in &counters {
            if ctx.terminate(task) {
                ctx.emit(*actor, EventKind::Terminate, None);
            }
        }
    }
    ctx.emit(MAIN, EventKind::Finish, None);
}

/// `product(urls, q)`: takes the next URL, downloads it, sleeps, puts the
/// text. A failed download is recorded and never put.
async fn fetcher(ctx: Ctx, shared: Rc<Shared>, q: JoinableQueue<QueuedPage>, me_index: u32) {
    let me = fetcher_actor(me_index);
    while let Some(index) = shared.take_url() {
        let item = ItemId {
            origin: me_index,
            seq: index as u32 + 1,
        };
        let started = ctx.now();
        shared.row(index, |row| {
            row.state = RowState::Fetching;
            row.fetcher = Some(me_index);
            row.fetch_started = Some(started);
        });
        let request = Request {
            index,
            url: shared.config.urls[index].clone(),
            timeout: shared.config.timeout,
            max_bytes: MAX_BYTES,
        };
        let outcome = shared.fetcher.fetch(&ctx, request).await;
        let latency = ctx.now() - started;
        shared.row(index, |row| {
            row.latency = Some(latency);
            row.real_latency_ms = outcome.real_latency_ms;
        });
        let page = match outcome.result {
            Ok(page) => page,
            Err(error) => {
                let fault = error.fault;
                shared.row(index, |row| {
                    row.state = RowState::Failed;
                    if let FetchFault::HttpStatus(status) = fault {
                        row.status = Some(status);
                    }
                    row.error = Some(error);
                });
                ctx.emit(me, EventKind::Error(Fault::Fetch(fault)), Some(item));
                continue;
            }
        };
        shared.row(index, |row| {
            row.state = RowState::Fetched;
            row.status = page.status;
            row.bytes = Some(page.bytes);
            row.text = Some(Rc::clone(&page.text));
        });
        ctx.sleep(shared.config.sleep_for(index, 0)).await;
        ctx.emit(me, EventKind::Produce, Some(item));
        let queued = QueuedPage {
            item,
            index,
            text: page.text,
        };
        if put_traced(&ctx, &q, me, queued).await.is_err() {
            break;
        }
        shared.row(index, |row| row.state = RowState::Queued);
    }
    ctx.emit(me, EventKind::Finish, None);
}

/// `customer(q)`: gets a page, sleeps, counts with the pattern, and (in
/// the joinable shape) marks it done. Never returns by itself.
async fn counter(ctx: Ctx, shared: Rc<Shared>, q: JoinableQueue<QueuedPage>, me_index: u32) {
    let me = counter_actor(&shared.config, me_index);
    while let Some(page) = get_traced(&ctx, &q, me).await {
        shared.row(page.index, |row| {
            row.state = RowState::Counting;
            row.counter = Some(me_index);
        });
        ctx.sleep(shared.config.sleep_for(page.index, 1)).await;
        let matches = shared.matcher.find_all(&page.text, KEEP_FOUND);
        shared.row(page.index, |row| {
            row.state = RowState::Counted;
            row.matches = Some(matches);
        });
        ctx.emit(me, EventKind::Consume, Some(page.item));
        if shared.config.shape == Shape::Joinable {
            match q.task_done() {
                Ok(()) => ctx.emit(me, EventKind::TaskDone, Some(page.item)),
                Err(_) => ctx.emit(
                    me,
                    EventKind::Error(Fault::TaskDoneTooMany),
                    Some(page.item),
                ),
            }
        }
    }
    ctx.emit(me, EventKind::Finish, None);
}

/// `q.put(page)`, with `put_blocked` in the trace when it has to wait.
async fn put_traced(
    ctx: &Ctx,
    q: &JoinableQueue<QueuedPage>,
    me: ActorId,
    page: QueuedPage,
) -> Result<(), ()> {
    let item = page.item;
    let result = match q.try_put(page) {
        Ok(()) => Ok(()),
        Err(TryPutError::Full(page)) => {
            ctx.emit(me, EventKind::PutBlocked, Some(item));
            q.put(page).await.map_err(|_| ())
        }
        Err(TryPutError::ShutDown(_)) => Err(()),
    };
    match result {
        Ok(()) => ctx.emit(me, EventKind::Put, Some(item)),
        Err(()) => ctx.emit(me, EventKind::Error(Fault::PutAfterShutdown), Some(item)),
    }
    result
}

/// `q.get()`, with `get_blocked` in the trace when it has to wait; `None`
/// once the queue is shut down and empty.
async fn get_traced(ctx: &Ctx, q: &JoinableQueue<QueuedPage>, me: ActorId) -> Option<QueuedPage> {
    let page = match q.try_get() {
        Ok(page) => page,
        Err(TryGetError::ShutDown) => return None,
        Err(TryGetError::Empty) => {
            ctx.emit(me, EventKind::GetBlocked, None);
            q.get().await.ok()?
        }
    };
    ctx.emit(me, EventKind::Get, Some(page.item));
    Some(page)
}

#[cfg(test)]
mod tests {
    use super::RowState;

    #[test]
    fn a_row_state_name_is_its_json_name() {
        use RowState::*;
        for state in [
            Waiting, Fetching, Fetched, Queued, Counting, Counted, Failed,
        ] {
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(json, format!("\"{}\"", state.name()));
        }
    }
}
