//! `canteen live SCENARIO`: the playground's scenarios run for real. The
//! producers and consumers are processes (`canteen worker …`, this same
//! binary) around a Redis server ([`server`]: an embedded one by default,
//! or `--redis URL`), sleeping the configured delays for real (times
//! `--time-scale`). This process is the main program: it joins the
//! producers, waits in `q.join()` (a `BLPOP`), terminates or signals the
//! consumers as the strategy says, kills a consumer with SIGKILL when
//! asked, and notices a run that will never end (every producer exited,
//! every live consumer waiting in `get()`, nothing happening for a grace
//! period). The workers' events, in the scenario's time, make the same
//! report as `canteen run` (the same statistics and stuck explanations),
//! printed beside Redis's own view of the queue and the simulation's
//! prediction for the same settings.

pub mod peak;
pub mod serve;
pub mod server;
pub mod store;
pub mod worker;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::thread::{self, sleep};
use std::time::{Duration, Instant};

use rand::Rng;

use crate::i18n;
use crate::i18n::cli::{self as words, Broken};
use crate::i18n::live::{self as live_words, LiveFailure, RedisView};
use crate::lang::Lang;
use crate::lines::Waits;
use crate::run::{Outcome, Program, Report, Run, Stuck};
use crate::scenario::ending::{KillWhen, Strategy};
use crate::scenario::{Config, ScenarioKind};
use crate::stats::Stats;
use crate::trace::{nanos_to_ms, ActorId, Event, EventKind, ItemId, Role, WaitingOn};
use store::{Keys, Link, GROUP};
use worker::{Line, Settings};

/// How long a run with nothing left to happen is watched before it is
/// reported stuck (real time; with broker acknowledgements, twice the
/// scaled visibility timeout is added, so a claim due is waited for).
pub const GRACE: Duration = Duration::from_millis(500);

/// A live run to carry out.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub config: Config,
    pub json: bool,
    pub events: bool,
    pub lang: Lang,
    pub redis: Option<String>,
    pub time_scale: f64,
    /// `--serve [PORT]`: serve the page and stream the run to it (0: a
    /// free port).
    pub serve: Option<u16>,
}

/// Carries out a live run; its exit status (1: a failure around the run, or
/// books that do not balance).
pub fn run(request: Request) -> i32 {
    let lang = request.lang;
    match live(&request) {
        Ok(status) => status,
        Err(failure) => {
            eprintln!("canteen: {}", live_words::failure(&failure, lang));
            1
        }
    }
}

/// Carries out `canteen worker`.
pub fn work(request: &worker::Request) -> i32 {
    worker::run(request)
}

/// What the workers and main have told so far.
struct Told {
    events: Vec<Event>,
    waits: Waits,
    /// When the latest line arrived.
    last: Instant,
    /// The item each consumer works on (by actor).
    busy: HashMap<ActorId, ItemId>,
    not_put: Vec<ItemId>,
    reconnects: u64,
}

/// The place every process's lines come to; prints the log as they come.
struct Hub {
    told: Mutex<Told>,
    print: bool,
    scenario: ScenarioKind,
    roles: Vec<Role>,
    lang: Lang,
    settings: Settings,
    /// The run's start (nanoseconds since the Unix epoch), once the
    /// workers are ready.
    epoch: std::sync::atomic::AtomicU64,
    /// The page's stream (`--serve`).
    feed: Option<Arc<serve::Feed>>,
}

impl Hub {
    fn lock(&self) -> MutexGuard<'_, Told> {
        self.told.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn take(&self, line: Line) {
        let mut told = self.lock();
        told.last = Instant::now();
        match line {
            Line::Event(event) => {
                told.waits.record(&event);
                match event.kind {
                    EventKind::Get => {
                        if let Some(item) = event.item {
                            told.busy.insert(event.actor, item);
                        }
                    }
                    EventKind::Consume | EventKind::Terminate | EventKind::Killed => {
                        told.busy.remove(&event.actor);
                    }
                    _ => {}
                }
                told.events.push(event);
                if let Some(feed) = &self.feed {
                    feed.push(crate::playground::live::event_line(&event));
                }
                if self.print {
                    let actor = i18n::actor_name(
                        self.scenario,
                        self.roles[event.actor.0 as usize],
                        self.lang,
                    );
                    let text = i18n::log_line(self.scenario, &event, &self.roles, self.lang);
                    let time = i18n::Clock(event.time).to_string();
                    let _ = writeln!(io::stdout().lock(), "[{time:>9}] {actor}: {text}");
                }
            }
            Line::NotPut(item) => told.not_put.push(item),
            Line::Reconnected => told.reconnects += 1,
        }
    }

    /// The scenario's time now.
    fn now(&self) -> u64 {
        let mut settings = self.settings.clone();
        settings.epoch_ns = self.epoch.load(std::sync::atomic::Ordering::SeqCst);
        settings.now()
    }

    /// Main's own event, now.
    fn emit(&self, actor: ActorId, kind: EventKind, item: Option<ItemId>) {
        self.take(Line::Event(Event {
            time: self.now(),
            actor,
            kind,
            item,
        }));
    }
}

/// The worker processes; every one still running is killed when dropped.
struct Workers {
    producers: Vec<Child>,
    consumers: Vec<Option<Child>>,
    /// For each consumer, word that every line it wrote has been read
    /// (its output closed): what it held when killed is known then.
    consumers_read: Vec<Option<mpsc::Receiver<()>>>,
}

impl Drop for Workers {
    fn drop(&mut self) {
        for child in self
            .producers
            .iter_mut()
            .chain(self.consumers.iter_mut().flatten())
        {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn redis_failure(url: &str, error: &redis::RedisError) -> LiveFailure {
    LiveFailure::Redis {
        url: url.to_string(),
        detail: error.to_string(),
    }
}

/// A run's place on a Redis server: the embedded server (started when no
/// `--redis` was given, stopped when dropped), the server's URL, the
/// run's id and keys, and main's own connection.
struct Opened {
    embedded: Option<server::Server>,
    url: String,
    run_id: String,
    keys: Keys,
    link: Link,
}

/// Opens a run on the server at `redis`, or on an embedded one; `client`
/// names main's connection (`CLIENT LIST` shows it).
fn open_run(redis: Option<&str>, client: &str) -> Result<Opened, LiveFailure> {
    let (embedded, url) = match redis {
        Some(url) => (None, url.to_string()),
        None => {
            let server = server::Server::start()?;
            let url = server.url();
            (Some(server), url)
        }
    };
    let run_id = format!("{:016x}", rand::rng().next_u64());
    let keys = Keys::new(&run_id);
    let link = Link::open(&url, client).map_err(|e| redis_failure(&url, &e))?;
    Ok(Opened {
        embedded,
        url,
        run_id,
        keys,
        link,
    })
}

fn live(request: &Request) -> Result<i32, LiveFailure> {
    let config = &request.config;
    let lang = request.lang;
    let scenario = config.scenario;
    let roles = config.roles();
    let actors = config.actors();
    let strategy = config.strategy();
    // --serve without a built page: said before anything starts.
    if request.serve.is_some() && !std::path::Path::new(PAGE_DIR).join("index.html").is_file() {
        return Err(LiveFailure::NoPage(PAGE_DIR.to_string()));
    }
    // The simulation's prediction for the same settings.
    let (predicted, drawn) = {
        let events = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&events);
        let keep = config.total_items() <= MAX_REPLAYED;
        let mut sim = Run::new(config.clone(), move |e: &Event| {
            if keep {
                kept.lock().unwrap_or_else(|e| e.into_inner()).push(*e);
            }
        });
        sim.run_to_end();
        let events = events.lock().unwrap_or_else(|e| e.into_inner());
        (i18n::run_report(&sim, lang), drawn_delays(&events))
    };
    let Opened {
        mut embedded,
        url,
        run_id,
        keys,
        mut link,
    } = open_run(request.redis.as_deref(), "canteen-main")?;
    let stream = scenario.joinable();
    let settings = Settings {
        config: config.clone(),
        time_scale: request.time_scale,
        epoch_ns: 0,
        stream,
    };
    if stream {
        link.create_group(&keys)
            .map_err(|e| redis_failure(&url, &e))?;
    }
    let mut hset = redis::cmd("HSET");
    hset.arg(keys.config());
    for (field, value) in settings.fields() {
        hset.arg(field).arg(value);
    }
    link.query::<()>(&hset)
        .map_err(|e| redis_failure(&url, &e))?;
    for chunk in drawn.chunks(1000) {
        let mut hset = redis::cmd("HSET");
        hset.arg(keys.delays());
        for (field, nanos) in chunk {
            hset.arg(field).arg(nanos);
        }
        link.query::<()>(&hset)
            .map_err(|e| redis_failure(&url, &e))?;
    }
    let print = !request.json;
    if print {
        let heading = live_words::heading(
            &url,
            &run_id,
            config.producers,
            config.consumers,
            request.time_scale,
            lang,
        );
        let _ = writeln!(io::stdout().lock(), "{heading}");
    }
    let feed = match request.serve {
        Some(port) => Some(serve_page(request, port, &run_id, &predicted)?),
        None => None,
    };
    let hub = Arc::new(Hub {
        told: Mutex::new(Told {
            events: Vec::new(),
            waits: Waits::default(),
            last: Instant::now(),
            busy: HashMap::new(),
            not_put: Vec::new(),
            reconnects: 0,
        }),
        print,
        scenario,
        roles: roles.clone(),
        lang,
        settings: settings.clone(),
        epoch: std::sync::atomic::AtomicU64::new(0),
        feed: feed.clone(),
    });
    let exe = std::env::current_exe().map_err(|e| LiveFailure::Spawn(e.to_string()))?;
    let mut readers = Vec::new();
    let mut spawn = |role: &str, index: u32| -> Result<(Child, mpsc::Receiver<()>), LiveFailure> {
        let mut child = Command::new(&exe)
            .args(["worker", role, "--redis", &url, "--run", &run_id, "--index"])
            .arg(index.to_string())
            .args(["--lang", lang.code()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| LiveFailure::Spawn(e.to_string()))?;
        let (read, all_read) = mpsc::channel();
        if let Some(out) = child.stdout.take() {
            let hub = Arc::clone(&hub);
            readers.push(thread::spawn(move || {
                for line in BufReader::new(out).lines() {
                    let Ok(line) = line else { break };
                    if let Some(line) = Line::parse(&line) {
                        hub.take(line);
                    }
                }
                let _ = read.send(());
            }));
        }
        Ok((child, all_read))
    };
    let mut workers = Workers {
        producers: Vec::new(),
        consumers: Vec::new(),
        consumers_read: Vec::new(),
    };
    for i in 1..=config.producers {
        workers.producers.push(spawn("producer", i)?.0);
    }
    for i in 1..=config.consumers {
        let (child, all_read) = spawn("consumer", i)?;
        workers.consumers.push(Some(child));
        workers.consumers_read.push(Some(all_read));
    }
    // The start gate: once every worker is ready, the clock starts for all.
    let ready_by = Instant::now() + Duration::from_secs(60);
    let all = u64::from(config.producers + config.consumers);
    loop {
        let ready: Option<u64> = link
            .query(redis::cmd("GET").arg(keys.ready()))
            .map_err(|e| redis_failure(&url, &e))?;
        if ready.unwrap_or(0) >= all {
            break;
        }
        let producers = workers
            .producers
            .iter_mut()
            .enumerate()
            .map(|(i, c)| ("producer", i, c));
        let consumers = workers.consumers.iter_mut().enumerate();
        let consumers = consumers.filter_map(|(i, c)| Some(("consumer", i, c.as_mut()?)));
        for (role, i, child) in producers.chain(consumers) {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(LiveFailure::Worker {
                    worker: format!("{role} {}", i + 1),
                    status: status.to_string(),
                });
            }
        }
        if Instant::now() > ready_by {
            return Err(LiveFailure::Spawn(
                "the workers were not ready within 60 s".into(),
            ));
        }
        sleep(Duration::from_millis(2));
    }
    let epoch = worker::wall_ns();
    hub.epoch.store(epoch, std::sync::atomic::Ordering::SeqCst);
    link.query::<()>(
        redis::cmd("HSET")
            .arg(keys.config())
            .arg("epoch_ns")
            .arg(epoch),
    )
    .map_err(|e| redis_failure(&url, &e))?;
    let mut push = redis::cmd("RPUSH");
    push.arg(keys.start());
    for _ in 0..all {
        push.arg(1);
    }
    link.query::<()>(&push)
        .map_err(|e| redis_failure(&url, &e))?;
    let workers = Arc::new(Mutex::new(workers));
    let over = Arc::new(std::sync::atomic::AtomicBool::new(false));
    // A consumer to kill with SIGKILL, during the item it holds at the
    // time asked (or the first it starts after it).
    let killer = config.termination.kill.map(|kill| {
        let (hub, workers, over) = (Arc::clone(&hub), Arc::clone(&workers), Arc::clone(&over));
        let at = match kill.when {
            KillWhen::At(at) => at,
            KillWhen::Chance(_) => Duration::ZERO,
        };
        let index = kill.consumer - 1;
        let actor = actors.consumer(index);
        let seed = config.seed;
        thread::spawn(move || {
            let due = Duration::from_nanos(hub.epoch.load(std::sync::atomic::Ordering::SeqCst))
                + at.mul_f64(hub.settings.time_scale);
            let due_ns = due.as_nanos() as u64;
            while worker::wall_ns() < due_ns && !over.load(std::sync::atomic::Ordering::SeqCst) {
                sleep(Duration::from_millis(1));
            }
            // --kill-chance: a draw for each item the consumer starts.
            let mut rng =
                <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(seed ^ 0x6b69_6c6c);
            let mut seen: Option<ItemId> = None;
            while !over.load(std::sync::atomic::Ordering::SeqCst) {
                let item = hub.lock().busy.get(&actor).copied();
                let chosen = match (kill.when, item) {
                    (_, None) => false,
                    (KillWhen::At(_), Some(_)) => true,
                    (KillWhen::Chance(p), Some(item)) if seen != Some(item) => {
                        let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
                        u < p
                    }
                    (KillWhen::Chance(_), Some(_)) => false,
                };
                seen = item;
                if chosen {
                    let mut workers = workers.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(mut child) = workers.consumers[index as usize].take() {
                        let _ = child.kill();
                        let _ = child.wait();
                        // The lines seen when choosing may lag behind the
                        // process: once all it wrote is read, what it held
                        // is known (nothing, if it was waiting in get()).
                        if let Some(all_read) = workers.consumers_read[index as usize].take() {
                            let _ = all_read.recv_timeout(Duration::from_secs(5));
                        }
                        let held = hub.lock().busy.get(&actor).copied();
                        hub.emit(actor, EventKind::Killed, held);
                    }
                    return;
                }
                sleep(Duration::from_millis(1));
            }
        })
    });
    let grace = if config.termination.broker_ack {
        GRACE
            + 2 * config
                .termination
                .visibility_timeout
                .mul_f64(request.time_scale)
    } else {
        GRACE
    };
    let main = Main {
        hub: &hub,
        workers: &workers,
        actors,
        grace,
        until: config.until.map(|until| until.as_nanos() as u64),
        url: &url,
    };
    let started = Instant::now();
    let end = main.program(strategy, &mut link, &keys)?;
    let real_seconds = started.elapsed().as_secs_f64();
    over.store(true, std::sync::atomic::Ordering::SeqCst);
    if let Some(killer) = killer {
        let _ = killer.join();
    }
    // Every worker still running ends now; then their last lines are read.
    drop(
        Arc::try_unwrap(workers)
            .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
            .ok(),
    );
    for reader in readers {
        let _ = reader.join();
    }
    let (outcome, stuck) = match end {
        End::Completed => (Outcome::Completed, Vec::new()),
        End::Stuck(stuck) => (Outcome::Stuck, stuck),
        End::TimeLimit => (Outcome::TimeLimit, Vec::new()),
    };
    let told = hub.lock();
    let mut view =
        redis_view(&mut link, &keys, stream, &told).map_err(|e| redis_failure(&url, &e))?;
    view.reconnects = told.reconnects + link.reconnects;
    let mut events = told.events.clone();
    drop(told);
    events.sort_by_key(|e| e.time);
    if let (Outcome::TimeLimit, Some(until)) = (outcome, config.until) {
        // What happened while the processes were being stopped is past it.
        let until = until.as_nanos() as u64;
        events.retain(|e| e.time <= until);
    }
    let report = measured(config, &events, outcome, &stuck, &view)
        .map_stuck(|s| i18n::stuck_actor(scenario, s, &roles, lang));
    if request.redis.is_some() {
        let _ = link.query::<()>(redis::cmd("DEL").arg(keys.all()));
    }
    if let Some(server) = embedded.as_mut() {
        server.stop();
    }
    let written = if request.json {
        let mut value =
            serde_json::to_value(&report).map_err(|e| LiveFailure::Spawn(e.to_string()))?;
        value["live"] = serde_json::json!({
            "run": run_id,
            "redis": url,
            "embedded": embedded.is_some(),
            "time_scale": request.time_scale,
            "real_seconds": real_seconds,
            "redis_view": view,
        });
        if let Some(theory) = crate::theory::for_config(config).map(|queue| queue.report()) {
            // The M/M/c prediction beside the measured `stats`, as canteen run.
            value["theory"] =
                serde_json::to_value(theory).map_err(|e| LiveFailure::Spawn(e.to_string()))?;
        }
        value["prediction"] =
            serde_json::to_value(&predicted).map_err(|e| LiveFailure::Spawn(e.to_string()))?;
        if request.events {
            let rows: Vec<serde_json::Value> = events
                .iter()
                .map(|e| {
                    let names = crate::export::Names {
                        scenario,
                        roles: &roles,
                        lang,
                    };
                    serde_json::to_value(names.row(e)).unwrap_or_default()
                })
                .collect();
            value["events"] = serde_json::Value::Array(rows);
        }
        writeln!(io::stdout().lock(), "{value}")
    } else {
        let mut text = format!("\n{}\n", words::summary(&report, lang));
        for stuck in &report.stuck {
            text += &format!("{}\n", stuck.explanation);
        }
        text += &format!("{}\n\n", live_words::redis_view(&view, lang));
        text += &live_words::measured_vs_predicted(&report, &predicted, lang);
        write!(io::stdout().lock(), "{text}")
    };
    if written.is_err() {
        return Ok(0);
    }
    let status = if !report.conserved {
        eprintln!("canteen: {}", words::broken(&Broken::Conservation, lang));
        1
    } else if !view.balanced {
        eprintln!("canteen: {}", words::broken(&Broken::Books, lang));
        1
    } else {
        0
    };
    if let Some(feed) = &feed {
        let outcome = serde_json::to_value(outcome).unwrap_or_default();
        feed.end(outcome.as_str().unwrap_or_default());
        // The page may still be watching: served until the process is
        // interrupted (what went wrong is said above).
        if !request.json {
            let _ = writeln!(io::stdout().lock(), "{}", live_words::still_serving(lang));
        }
        loop {
            thread::park();
        }
    }
    Ok(status)
}

/// Serves the page and the run's stream (`--serve`): prints the page's
/// address (with `?live` and the run's settings in the link fragment).
fn serve_page(
    request: &Request,
    port: u16,
    run_id: &str,
    predicted: &Report<i18n::StuckActor>,
) -> Result<Arc<serve::Feed>, LiveFailure> {
    let dist = std::path::PathBuf::from(PAGE_DIR);
    let fragment = crate::playground::link::to_fragment(&request.config, 1.0, request.lang);
    let info = serde_json::json!({
        "run": run_id,
        "link": fragment,
        "prediction": predicted,
    });
    let feed = Arc::new(serve::Feed::default());
    feed.push(crate::playground::live::prediction_line(
        &crate::playground::live::Prediction {
            end: (predicted.end_time_ms * 1e6).round() as u64,
            consumed: predicted.consumed,
            outcome: predicted.outcome,
        },
    ));
    let address = serve::start(port, dist, info.to_string(), Arc::clone(&feed))
        .map_err(|e| LiveFailure::Serve(e.to_string()))?;
    let url = format!("http://{address}/?live#{fragment}");
    let line = live_words::serving(&url, request.lang);
    if request.json {
        // Standard output holds the report's JSON only.
        eprintln!("{line}");
    } else {
        let mut out = io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
    Ok(feed)
}

/// The built page `--serve` serves (`make dist`), from the current directory.
pub const PAGE_DIR: &str = "dist";

/// Runs with at most this many items replay the simulation's delays.
pub const MAX_REPLAYED: u64 = 100_000;

/// The delays the simulation drew, for the workers to sleep the same: each
/// producer's wait before each item (`p:ORIGIN:SEQ`), and each item's
/// consume time (`c:ORIGIN:SEQ`, with the item whichever consumer gets it),
/// in nanoseconds of the scenario.
fn drawn_delays(events: &[Event]) -> Vec<(String, u64)> {
    let mut since: HashMap<ActorId, u64> = HashMap::new();
    let mut got: HashMap<(ActorId, ItemId), u64> = HashMap::new();
    let mut drawn = Vec::new();
    let mut consumed: HashSet<ItemId> = HashSet::new();
    for e in events {
        match (e.kind, e.item) {
            (EventKind::Produce, Some(i)) => {
                let from = since.get(&e.actor).copied().unwrap_or(0);
                drawn.push((format!("p:{}:{}", i.origin, i.seq), e.time - from));
            }
            (EventKind::Put, Some(_)) => {
                since.insert(e.actor, e.time);
            }
            (EventKind::Get, Some(i)) => {
                got.insert((e.actor, i), e.time);
            }
            // An item's first processing (a redelivered copy draws its own).
            (EventKind::Consume, Some(i)) => {
                if let Some(at) = got.remove(&(e.actor, i)) {
                    if consumed.insert(i) {
                        drawn.push((format!("c:{}:{}", i.origin, i.seq), e.time - at));
                    }
                }
            }
            _ => {}
        }
    }
    drawn
}

/// This process as the main program.
struct Main<'a> {
    hub: &'a Hub,
    workers: &'a Mutex<Workers>,
    actors: crate::run::Actors,
    grace: Duration,
    /// `--until`, in the scenario's nanoseconds.
    until: Option<u64>,
    /// The server's URL, for the failures.
    url: &'a str,
}

/// How main's part ended.
enum End {
    Completed,
    /// These actors wait forever.
    Stuck(Vec<Stuck>),
    /// `--until` came first.
    TimeLimit,
}

const MAIN: ActorId = ActorId(0);

impl Main<'_> {
    fn workers(&self) -> MutexGuard<'_, Workers> {
        self.workers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Carries out the strategy; the actors that wait forever, if the run
    /// turned out stuck.
    fn program(
        &self,
        strategy: Strategy,
        link: &mut Link,
        keys: &Keys,
    ) -> Result<End, LiveFailure> {
        let producers = self.workers().producers.len() as u32;
        let consumers = self.workers().consumers.len() as u32;
        if strategy == Strategy::None {
            // The seed's plain queue: main starts the processes and ends.
            self.hub.emit(MAIN, EventKind::Finish, None);
            for i in 0..producers {
                if let Some(end) = self.wait_producer(i) {
                    return Ok(end);
                }
            }
            loop {
                if let Some(end) = self.over() {
                    return Ok(end);
                }
                sleep(Duration::from_millis(10));
            }
        }
        for i in 0..producers {
            let actor = self.actors.producer(i);
            self.hub.emit(MAIN, EventKind::TaskJoinStart(actor), None);
            if let Some(end) = self.wait_producer(i) {
                return Ok(end);
            }
            self.hub.emit(MAIN, EventKind::TaskJoinDone(actor), None);
        }
        match strategy {
            Strategy::Sentinel | Strategy::SentinelBug => {
                let put = store::put_stream();
                for k in 0..strategy.sentinels(consumers) {
                    let keys = keys.clone();
                    let now = self.hub.now();
                    link.with(|con| {
                        put.key(keys.put())
                            .key(keys.stream())
                            .key(keys.unfinished())
                            .key(keys.items())
                            .key(keys.queued())
                            .arg(format!("sentinel:{k}"))
                            .arg("sentinel")
                            .arg(now)
                            .arg("0")
                            .arg(0)
                            .invoke::<i64>(con)
                    })
                    .map_err(|e| self.failed(&e))?;
                    self.hub.emit(MAIN, EventKind::SentinelPut, None);
                }
                if let Some(end) = self.join_consumers(consumers) {
                    return Ok(end);
                }
            }
            Strategy::Shutdown | Strategy::ShutdownImmediate => {
                let immediate = strategy == Strategy::ShutdownImmediate;
                let failed = |e: redis::RedisError| self.failed(&e);
                // q.shutdown(): a key the consumers read when the stream
                // has nothing for them; immediate: the entries not yet
                // delivered are deleted at once, their tasks counted done.
                let dropped: Vec<String> = if immediate {
                    let script = store::shutdown_immediate();
                    link.with(|con| {
                        script
                            .key(keys.stream())
                            .key(keys.unfinished())
                            .key(keys.joined())
                            .key(keys.shutdown())
                            .key(keys.dropped())
                            .arg(GROUP)
                            .invoke(con)
                    })
                    .map_err(failed)?
                } else {
                    link.query::<()>(redis::cmd("SET").arg(keys.shutdown()).arg("1"))
                        .map_err(failed)?;
                    Vec::new()
                };
                self.hub.emit(MAIN, EventKind::Shutdown { immediate }, None);
                for item in dropped.iter().filter_map(|i| worker::item_id(i)) {
                    self.hub.emit(MAIN, EventKind::Drop, Some(item));
                }
                if let Some(end) = self.join_consumers(consumers) {
                    return Ok(end);
                }
            }
            _ => {
                // q.join(): wait on the key the last acknowledgement pushes to.
                self.hub.emit(MAIN, EventKind::JoinStart, None);
                loop {
                    let unfinished: Option<i64> = link
                        .query(redis::cmd("GET").arg(keys.unfinished()))
                        .map_err(|e| self.failed(&e))?;
                    if unfinished.unwrap_or(0) <= 0 {
                        break;
                    }
                    let _: Option<(String, String)> = link
                        .query(redis::cmd("BLPOP").arg(keys.joined()).arg(0.05))
                        .map_err(|e| self.failed(&e))?;
                    if let Some(end) = self.over() {
                        return Ok(end);
                    }
                }
                self.settle(link, keys);
                self.hub.emit(MAIN, EventKind::JoinDone, None);
                let ending = if strategy == Strategy::Daemon {
                    self.hub.emit(MAIN, EventKind::Finish, None);
                    EventKind::DaemonExit
                } else {
                    EventKind::Terminate
                };
                for i in 0..consumers {
                    let child = self.workers().consumers[i as usize].take();
                    if let Some(mut child) = child {
                        // c.terminate()
                        let _ = child.kill();
                        let _ = child.wait();
                        self.hub.emit(self.actors.consumer(i), ending, None);
                    }
                }
                if strategy == Strategy::Daemon {
                    return Ok(End::Completed);
                }
            }
        }
        self.hub.emit(MAIN, EventKind::Finish, None);
        Ok(End::Completed)
    }

    /// Waits (at most 5 s) until the lines of every acknowledgement
    /// Redis counted have arrived, so that terminating the consumers cuts
    /// no `task_done()` out of the log.
    fn settle(&self, link: &mut Link, keys: &Keys) {
        let counted = link
            .query::<Option<u64>>(redis::cmd("GET").arg(keys.acked()))
            .ok()
            .flatten()
            .unwrap_or(0)
            + link
                .query::<u64>(redis::cmd("XLEN").arg(keys.dead()))
                .unwrap_or(0);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            let told = self
                .hub
                .lock()
                .events
                .iter()
                .filter(|e| matches!(e.kind, EventKind::TaskDone | EventKind::DeadLetter))
                .count() as u64;
            if told >= counted {
                return;
            }
            sleep(Duration::from_millis(1));
        }
    }

    fn failed(&self, error: &redis::RedisError) -> LiveFailure {
        redis_failure(self.url, error)
    }

    /// `c.join()` for every consumer in turn; how the run ended if one
    /// never ends.
    fn join_consumers(&self, consumers: u32) -> Option<End> {
        for i in 0..consumers {
            let actor = self.actors.consumer(i);
            self.hub.emit(MAIN, EventKind::TaskJoinStart(actor), None);
            loop {
                let done = match self.workers().consumers[i as usize].as_mut() {
                    Some(child) => matches!(child.try_wait(), Ok(Some(_))),
                    None => true,
                };
                if done {
                    break;
                }
                if let Some(end) = self.over() {
                    return Some(end);
                }
                sleep(Duration::from_millis(5));
            }
            self.hub.emit(MAIN, EventKind::TaskJoinDone(actor), None);
        }
        None
    }

    /// `p.join()` for producer `i` (its process's exit); the stuck actors
    /// if it never ends (it waits in `put()` on a full queue nobody takes
    /// from).
    fn wait_producer(&self, i: u32) -> Option<End> {
        loop {
            if let Ok(Some(_)) = self.workers().producers[i as usize].try_wait() {
                return None;
            }
            if let Some(end) = self.over() {
                return Some(end);
            }
            sleep(Duration::from_millis(5));
        }
    }

    /// The run's end if it is over while main waits: past `--until`, or
    /// stuck.
    fn over(&self) -> Option<End> {
        if self.until.is_some_and(|until| self.hub.now() >= until) {
            return Some(End::TimeLimit);
        }
        self.stuck().map(End::Stuck)
    }

    /// The actors that wait forever, once nothing can happen any more:
    /// every worker still running waits (a consumer in `get()`, a producer
    /// in `put()`), and nothing was told for the grace period.
    fn stuck(&self) -> Option<Vec<Stuck>> {
        let alive: Vec<ActorId> = {
            let mut workers = self.workers();
            let running = |child: &mut Child| matches!(child.try_wait(), Ok(None));
            let producers: Vec<ActorId> = workers
                .producers
                .iter_mut()
                .enumerate()
                .filter_map(|(i, child)| running(child).then(|| self.actors.producer(i as u32)))
                .collect();
            let consumers = workers.consumers.iter_mut().enumerate();
            let consumers = consumers.filter_map(|(i, child)| {
                running(child.as_mut()?).then(|| self.actors.consumer(i as u32))
            });
            producers.into_iter().chain(consumers).collect()
        };
        let told = self.hub.lock();
        let waiting = alive.iter().all(|&a| {
            matches!(
                told.waits.waiting_on(a),
                Some(WaitingOn::Get | WaitingOn::Put)
            )
        });
        if !waiting || told.last.elapsed() < self.grace {
            return None;
        }
        let roles = self.actors.roles();
        let stuck = std::iter::once(MAIN)
            .chain(alive)
            .filter_map(|actor| {
                Some(Stuck {
                    actor,
                    role: roles[actor.0 as usize],
                    waiting_on: told.waits.waiting_on(actor)?,
                })
            })
            .collect();
        Some(stuck)
    }
}

/// The run's report from its events (in time order), as `canteen run`
/// makes it from the simulation's.
fn measured(
    config: &Config,
    events: &[Event],
    outcome: Outcome,
    stuck: &[Stuck],
    view: &RedisView,
) -> Report {
    let mut stats = Stats::default();
    // A consumer killed between reading an entry and telling it got it
    // leaves it pending, untold; its claim by another consumer is then no
    // return to the queue as far as the events know: that redelivery is
    // left out.
    let mut queued: HashSet<ItemId> = HashSet::new();
    for event in events {
        match (event.kind, event.item) {
            (EventKind::Put, Some(item)) => {
                queued.insert(item);
            }
            (EventKind::Get | EventKind::Drop, Some(item)) => {
                queued.remove(&item);
            }
            (EventKind::Redeliver, Some(item)) if queued.contains(&item) => continue,
            (EventKind::Redeliver, Some(item)) => {
                queued.insert(item);
            }
            _ => {}
        }
        stats.record(event);
    }
    let end = match (outcome, config.until) {
        (Outcome::TimeLimit, Some(until)) => until.as_nanos() as u64,
        _ => events.last().map_or(0, |e| e.time),
    };
    // Stopped at --until, the processes were ended wherever they were: the
    // events' own count of the queue is the one that matches them.
    let in_queue = if outcome == Outcome::TimeLimit {
        stats.queue_len()
    } else {
        view.undelivered_or_length()
    };
    let counts = stats.counts;
    Report {
        scenario: config.scenario.name().to_string(),
        seed: config.seed,
        outcome,
        end_time_ms: nanos_to_ms(end),
        produced: counts.produced,
        consumed: counts.consumed,
        task_done: counts.task_done,
        unfinished: view.unfinished.max(0) as u64,
        in_queue,
        dropped: counts.dropped,
        errors: counts.errors,
        stuck: stuck.to_vec(),
        conserved: stats.conserved(in_queue),
        stats: stats.report(end, config.consumers),
    }
}

trait InQueue {
    fn undelivered_or_length(&self) -> u64;
}

impl InQueue for RedisView {
    /// Items in the queue as Redis counts them: the list's length, or the
    /// stream's entries not yet delivered.
    fn undelivered_or_length(&self) -> u64 {
        if self.structure == "list" {
            self.length
        } else {
            self.undelivered + self.pending_untold
        }
    }
}

/// A stream id as numbers, to compare.
fn id_order(id: &str) -> (u64, u64) {
    let (ms, seq) = id.split_once('-').unwrap_or((id, "0"));
    (ms.parse().unwrap_or(0), seq.parse().unwrap_or(0))
}

/// Redis's view of the run's queue, and whether every item put has a fate
/// there (processed, dead-lettered, pending or still queued).
fn redis_view(
    link: &mut Link,
    keys: &Keys,
    stream: bool,
    told: &Told,
) -> redis::RedisResult<RedisView> {
    let int = |link: &mut Link, key: String| -> redis::RedisResult<i64> {
        Ok(link
            .query::<Option<i64>>(redis::cmd("GET").arg(key))?
            .unwrap_or(0))
    };
    let items_put = int(link, keys.items())? as u64;
    let not_put: u64 = link.query(redis::cmd("LLEN").arg(keys.not_put()))?;
    let deliveries = int(link, keys.deliveries())? as u64;
    let put: HashSet<String> = link.query(redis::cmd("SMEMBERS").arg(keys.put()))?;
    let put: HashSet<String> = put
        .into_iter()
        .filter(|m| !m.starts_with("sentinel"))
        .collect();
    if !stream {
        let length: u64 = link.query(redis::cmd("LLEN").arg(keys.list()))?;
        let queued: Vec<String> =
            link.query(redis::cmd("LRANGE").arg(keys.list()).arg(0).arg(-1))?;
        let mut fates: HashSet<String> = queued
            .iter()
            .filter_map(|p| p.split_once(' ').map(|(item, _)| item.to_string()))
            .collect();
        let got: Vec<&Event> = told
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Get)
            .collect();
        fates.extend(
            got.iter()
                .filter_map(|e| e.item)
                .map(|i| format!("{}:{}", i.origin, i.seq)),
        );
        return Ok(RedisView {
            structure: "list",
            items_put,
            length,
            deliveries,
            processed_items: got.len() as u64,
            not_put,
            balanced: put.iter().all(|m| fates.contains(m)) && put.len() as u64 == items_put,
            ..RedisView::default()
        });
    }
    let length: u64 = link.query(redis::cmd("XLEN").arg(keys.stream()))?;
    let dead_letters: u64 = link.query(redis::cmd("XLEN").arg(keys.dead()))?;
    let processed: HashMap<String, u64> =
        link.query(redis::cmd("HGETALL").arg(keys.processed()))?;
    let processings: u64 = processed.values().sum();
    let acknowledged = int(link, keys.acked())? as u64;
    let unfinished = int(link, keys.unfinished())?;
    // Every entry (id → item), the pending ids, the last delivered id.
    let all: redis::Value =
        link.query(redis::cmd("XRANGE").arg(keys.stream()).arg("-").arg("+"))?;
    let all = store::entries(&all);
    let pending_rows: redis::Value = link.query(
        redis::cmd("XPENDING")
            .arg(keys.stream())
            .arg(GROUP)
            .arg("-")
            .arg("+")
            .arg(1_000_000),
    )?;
    let pending: HashSet<String> = store::items(&pending_rows)
        .iter()
        .filter_map(|row| store::items(row).first().and_then(store::text))
        .collect();
    let groups: redis::Value = link.query(redis::cmd("XINFO").arg("GROUPS").arg(keys.stream()))?;
    let last_delivered = store::items(&groups)
        .iter()
        .find_map(|group| {
            let fields: Vec<String> = store::items(group)
                .iter()
                .map(|v| store::text(v).unwrap_or_default())
                .collect();
            let get = |name: &str| {
                fields
                    .chunks(2)
                    .find(|kv| kv[0] == name)
                    .and_then(|kv| kv.get(1).cloned())
            };
            (get("name").as_deref() == Some(GROUP)).then(|| get("last-delivered-id"))?
        })
        .unwrap_or_else(|| "0-0".to_string());
    let dead: redis::Value = link.query(redis::cmd("XRANGE").arg(keys.dead()).arg("-").arg("+"))?;
    let dead: HashSet<String> = store::items(&dead)
        .iter()
        .filter_map(|pair| {
            let fields: Vec<String> = store::items(store::items(pair).get(1)?)
                .iter()
                .filter_map(store::text)
                .collect();
            fields
                .chunks(2)
                .find(|kv| kv[0] == "item")
                .and_then(|kv| kv.get(1).cloned())
        })
        .collect();
    let dropped: HashSet<String> = link.query(redis::cmd("SMEMBERS").arg(keys.dropped()))?;
    let mut fates: BTreeMap<&str, &str> = BTreeMap::new();
    for item in &dropped {
        fates.insert(item, "dropped");
    }
    let mut undelivered = 0;
    for entry in &all {
        let queued = id_order(&entry.id) > id_order(&last_delivered);
        if queued && entry.item != "sentinel" {
            undelivered += 1;
        }
        if pending.contains(&entry.id) || queued {
            fates.insert(&entry.item, "waiting");
        }
    }
    for item in processed.keys() {
        fates.insert(item, "processed");
    }
    for item in &dead {
        fates.insert(item, "dead");
    }
    let balanced =
        put.len() as u64 == items_put && put.iter().all(|m| fates.contains_key(m.as_str()));
    let told_got: HashSet<String> = told
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Get)
        .filter_map(|e| e.item)
        .map(|i| format!("{}:{}", i.origin, i.seq))
        .collect();
    let pending_untold = all
        .iter()
        .filter(|e| pending.contains(&e.id) && e.item != "sentinel" && !told_got.contains(&e.item))
        .count() as u64;
    Ok(RedisView {
        structure: "stream",
        items_put,
        length,
        pending: pending.len() as u64,
        undelivered,
        pending_untold,
        dropped: dropped.len() as u64,
        deliveries,
        acknowledged,
        dead_letters,
        processed_items: processed.len() as u64,
        duplicates: processings - processed.len() as u64,
        unfinished,
        not_put,
        reconnects: 0,
        balanced,
    })
}
