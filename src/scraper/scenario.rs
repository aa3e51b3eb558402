//! The seed's first example as a scenario: fetchers (producers) download
//! pages and put them on a [`JoinableQueue`], counters (consumers) get them
//! and count regex matches like `re.findall`. Two shapes: the seed's plain
//! queue (the counters never learn when to stop, so the run ends stuck) and
//! the joinable one (`task_done()`, `p.join()`, `q.join()`, then the
//! counters are terminated).
//!
//! The tasks run on the deterministic [`Sim`](crate::sim::Sim) like every
//! other scenario; only the [`Fetcher`] decides whether pages come from a
//! fake, local files, a recording, or the real network. Each URL's
//! [`UrlRow`] (status, bytes, latency, matches, fault) is kept as the run
//! goes, and is the recording a replay plays back.

use std::cell::{Cell, Ref, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::fetch::{Fetcher, Request, MAX_BYTES};
use super::gantt::Gantt;
use super::matcher::Matcher;
use super::rows::{url_index, QueuedPage, RowState, UrlRow};
use crate::delay::Delay;
use crate::queue::{JoinableQueue, TryGetError, TryPutError};
use crate::run::{Actors, Program, Run, MAIN};
use crate::scenario::MAX_CAPACITY;
use crate::sim::{Ctx, TaskHandle};
use crate::trace::{ActorId, Event, EventKind, Fault, FetchFault, ItemId, Nanos};

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

/// The scraper as a program for a [`Run`]: its settings, the fetcher and
/// matcher its tasks use, each URL's row as they write it, and what the run
/// keeps of its events.
pub struct ScraperProgram {
    config: ScraperConfig,
    fetcher: Rc<dyn Fetcher>,
    matcher: Rc<dyn Matcher>,
    rows: RefCell<Vec<UrlRow>>,
    /// The next URL a fetcher takes.
    next_url: Cell<usize>,
    log: RefCell<PageLog>,
}

impl ScraperProgram {
    /// The program for `config` (which must be valid:
    /// [`ScraperConfig::validate`]), fetching with `fetcher` and counting
    /// with `matcher`, compiled from its pattern.
    pub fn new(
        config: ScraperConfig,
        fetcher: Rc<dyn Fetcher>,
        matcher: Rc<dyn Matcher>,
    ) -> ScraperProgram {
        ScraperProgram {
            rows: RefCell::new(config.urls.iter().cloned().map(UrlRow::new).collect()),
            next_url: Cell::new(0),
            config,
            fetcher,
            matcher,
            log: RefCell::default(),
        }
    }

    /// The settings it runs.
    pub fn settings(&self) -> &ScraperConfig {
        &self.config
    }

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

impl Program for ScraperProgram {
    type Item = QueuedPage;

    fn name(&self) -> &'static str {
        "scraper"
    }

    fn seed(&self) -> u64 {
        self.config.seed
    }

    fn capacity(&self) -> usize {
        self.config.capacity
    }

    /// None: the scraper runs to its end.
    fn until(&self) -> Option<Duration> {
        None
    }

    /// The fetchers produce, the counters consume.
    fn actors(&self) -> Actors {
        Actors {
            producers: self.config.fetchers,
            consumers: self.config.counters,
        }
    }

    /// The scraper's log keeps every event (the page's and the command
    /// line's report read them).
    const KEEPS_EVENTS: bool = true;

    fn record(&self, event: &Event) {
        self.log.borrow_mut().record(event);
    }

    fn start(self: Rc<Self>, ctx: &Ctx, queue: &JoinableQueue<QueuedPage>) {
        ctx.spawn(MAIN, main_program(ctx.clone(), self, queue.clone()));
    }
}

/// What the scraper keeps of its events: all of them, and the pages in the
/// queue.
#[derive(Default)]
struct PageLog {
    events: Vec<Event>,
    /// The items in the queue, front first.
    queued: VecDeque<ItemId>,
}

impl PageLog {
    fn record(&mut self, event: &Event) {
        match (event.kind, event.item) {
            (EventKind::Put, Some(item)) => self.queued.push_back(item),
            (EventKind::Get, Some(item)) => self.queued.retain(|&i| i != item),
            _ => {}
        }
        self.events.push(*event);
    }
}

/// A scraper run in progress. While a real fetch is in flight only the
/// outside world can move it: it stays `Running`.
pub type ScraperRun = Run<ScraperProgram>;

/// What only a scraper run has: its rows, its events and pages, the
/// fetches in flight, the timeline, and its report.
impl Run<ScraperProgram> {
    /// Real fetches in flight: while any is, the run waits on the network.
    pub fn fetches_in_flight(&self) -> usize {
        self.sim().external_in_flight()
    }

    /// The URL index of every page in the queue, front first.
    pub fn queued(&self) -> Vec<usize> {
        self.config()
            .log
            .borrow()
            .queued
            .iter()
            .map(|&item| url_index(item))
            .collect()
    }

    /// Every URL's row so far.
    pub fn rows(&self) -> Ref<'_, Vec<UrlRow>> {
        self.config().rows.borrow()
    }

    /// Every event so far.
    pub fn events(&self) -> Ref<'_, [Event]> {
        Ref::map(self.config().log.borrow(), |log| log.events.as_slice())
    }

    /// The per-worker timeline so far.
    pub fn gantt(&self) -> Gantt {
        let downloaded: Vec<Option<Nanos>> = self
            .rows()
            .iter()
            .map(|row| Some(row.fetch_started? + row.latency?))
            .collect();
        Gantt::from_events(&self.events(), self.roles(), self.now(), &downloaded)
    }

    /// Whether every page is accounted for: the queue's ledger holds (every
    /// page put was got once or is still queued), and each URL was fetched
    /// or failed at most once, every URL exactly once when the run is over.
    pub fn conserved(&self) -> bool {
        let mut outcomes = vec![0u32; self.config().config.urls.len()];
        for event in self.events().iter() {
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
        let once = if self.outcome().is_over() {
            outcomes.iter().all(|&n| n == 1)
        } else {
            outcomes.iter().all(|&n| n <= 1)
        };
        once && self.stats().conserved(self.queue().len() as u64)
    }
}

async fn main_program(ctx: Ctx, program: Rc<ScraperProgram>, q: JoinableQueue<QueuedPage>) {
    let config = &program.config;
    let fetchers: Vec<(ActorId, TaskHandle)> = (0..config.fetchers)
        .map(|i| {
            let me = program.actors().producer(i);
            let task = fetcher(ctx.clone(), Rc::clone(&program), q.clone(), i);
            (me, ctx.spawn(me, task))
        })
        .collect();
    let counters: Vec<(ActorId, TaskHandle)> = (0..config.counters)
        .map(|i| {
            let me = program.actors().consumer(i);
            let task = counter(ctx.clone(), Rc::clone(&program), q.clone(), i);
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
async fn fetcher(
    ctx: Ctx,
    program: Rc<ScraperProgram>,
    q: JoinableQueue<QueuedPage>,
    me_index: u32,
) {
    let me = program.actors().producer(me_index);
    while let Some(index) = program.take_url() {
        let item = ItemId {
            origin: me_index,
            seq: index as u32 + 1,
        };
        let started = ctx.now();
        program.row(index, |row| {
            row.state = RowState::Fetching;
            row.fetcher = Some(me_index);
            row.fetch_started = Some(started);
        });
        let request = Request {
            index,
            url: program.config.urls[index].clone(),
            timeout: program.config.timeout,
            max_bytes: MAX_BYTES,
        };
        let outcome = program.fetcher.fetch(&ctx, request).await;
        let latency = ctx.now() - started;
        program.row(index, |row| {
            row.latency = Some(latency);
            row.real_latency_ms = outcome.real_latency_ms;
        });
        let page = match outcome.result {
            Ok(page) => page,
            Err(error) => {
                let fault = error.fault;
                program.row(index, |row| {
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
        program.row(index, |row| {
            row.state = RowState::Fetched;
            row.status = page.status;
            row.bytes = Some(page.bytes);
            row.text = Some(Rc::clone(&page.text));
        });
        ctx.sleep(program.config.sleep_for(index, 0)).await;
        ctx.emit(me, EventKind::Produce, Some(item));
        let queued = QueuedPage {
            item,
            index,
            text: page.text,
        };
        if put_traced(&ctx, &q, me, queued).await.is_err() {
            break;
        }
        program.row(index, |row| row.state = RowState::Queued);
    }
    ctx.emit(me, EventKind::Finish, None);
}

/// `customer(q)`: gets a page, sleeps, counts with the pattern, and (in
/// the joinable shape) marks it done. Never returns by itself.
async fn counter(
    ctx: Ctx,
    program: Rc<ScraperProgram>,
    q: JoinableQueue<QueuedPage>,
    me_index: u32,
) {
    let me = program.actors().consumer(me_index);
    while let Some(page) = get_traced(&ctx, &q, me).await {
        program.row(page.index, |row| {
            row.state = RowState::Counting;
            row.counter = Some(me_index);
        });
        ctx.sleep(program.config.sleep_for(page.index, 1)).await;
        let matches = program.matcher.find_all(&page.text, KEEP_FOUND);
        program.row(page.index, |row| {
            row.state = RowState::Counted;
            row.matches = Some(matches);
        });
        ctx.emit(me, EventKind::Consume, Some(page.item));
        if program.config.shape == Shape::Joinable {
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
