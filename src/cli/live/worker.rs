//! `canteen worker producer|consumer --redis URL --run ID --index N`: one
//! process of a live run. It reads the run's settings from Redis, sleeps
//! the real delays (drawn from the run's seed, times the time scale), puts
//! or takes items on the run's list or stream, and writes each event it
//! makes as one line on its standard output (read by `canteen live`; see
//! [`Line`]). A worker started by hand on another machine joins the same
//! run.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use std::thread::sleep;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::store::{self, Entry, Keys, Link, GROUP};
use crate::delay::Delay;
use crate::i18n::live::{failure, LiveFailure};
use crate::lang::Lang;
use crate::scenario::ending::Strategy;
use crate::scenario::{Config, ScenarioKind};
use crate::trace::{ActorId, Event, EventKind, Fault, ItemId};

/// Which worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    Producer,
    Consumer,
}

/// A worker to run.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub role: Role,
    pub redis: String,
    pub run: String,
    /// From 1.
    pub index: u32,
    /// The language of its messages.
    pub lang: Lang,
}

/// The settings a live run keeps in Redis for its workers.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub config: Config,
    pub time_scale: f64,
    /// The run's start, in nanoseconds since the Unix epoch.
    pub epoch_ns: u64,
    /// A stream with a consumer group (else a list).
    pub stream: bool,
}

impl Settings {
    /// As the fields of the run's settings hash.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let c = &self.config;
        let t = &c.termination;
        vec![
            ("scenario", c.scenario.name().to_string()),
            ("seed", c.seed.to_string()),
            ("producers", c.producers.to_string()),
            ("consumers", c.consumers.to_string()),
            ("items", c.items.to_string()),
            ("capacity", c.capacity.to_string()),
            ("produce_delay", c.produce_delay.to_string()),
            ("consume_delay", c.consume_delay.to_string()),
            ("time_scale", self.time_scale.to_string()),
            ("epoch_ns", self.epoch_ns.to_string()),
            ("stream", u8::from(self.stream).to_string()),
            ("broker", u8::from(t.broker_ack).to_string()),
            (
                "visibility_ms",
                t.visibility_timeout.as_millis().to_string(),
            ),
            ("max_deliveries", t.max_deliveries.to_string()),
            ("strategy", t.strategy.name().to_string()),
            (
                "forget_task_done",
                t.forget_task_done.unwrap_or(0).to_string(),
            ),
            (
                "extra_task_done",
                t.extra_task_done.unwrap_or(0).to_string(),
            ),
        ]
    }

    /// Read back from the hash's fields; `None` when one is missing or bad.
    pub fn from_fields(fields: &HashMap<String, String>) -> Option<Settings> {
        let get = |name: &str| fields.get(name).map(String::as_str);
        let num = |name: &str| get(name)?.parse::<u64>().ok();
        let scenario: ScenarioKind = get("scenario")?.parse().ok()?;
        let mut config = Config::defaults(scenario, num("seed")?);
        config.producers = u32::try_from(num("producers")?).ok()?;
        config.consumers = u32::try_from(num("consumers")?).ok()?;
        config.items = u32::try_from(num("items")?).ok()?;
        config.capacity = usize::try_from(num("capacity")?).ok()?;
        config.produce_delay = get("produce_delay")?.parse::<Delay>().ok()?;
        config.consume_delay = get("consume_delay")?.parse::<Delay>().ok()?;
        config.termination.broker_ack = num("broker")? == 1;
        config.termination.visibility_timeout = Duration::from_millis(num("visibility_ms")?);
        config.termination.max_deliveries = u32::try_from(num("max_deliveries")?).ok()?;
        config.termination.strategy = get("strategy")?.parse().ok()?;
        config.termination.forget_task_done = Some(num("forget_task_done")?).filter(|&n| n > 0);
        config.termination.extra_task_done = Some(num("extra_task_done")?).filter(|&n| n > 0);
        Some(Settings {
            config,
            time_scale: get("time_scale")?.parse().ok()?,
            epoch_ns: num("epoch_ns")?,
            stream: num("stream")? == 1,
        })
    }

    /// The scenario's time now, in nanoseconds since the run's start.
    pub fn now(&self) -> u64 {
        let real = wall_ns().saturating_sub(self.epoch_ns);
        (real as f64 / self.time_scale) as u64
    }

    /// Sleeps a scenario's duration, scaled.
    pub fn sleep(&self, d: Duration) {
        sleep(d.mul_f64(self.time_scale));
    }
}

/// Nanoseconds since the Unix epoch.
pub fn wall_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// What a worker tells `canteen live`, one line each.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Line {
    Event(Event),
    /// An item its producer could not put (the server stayed away).
    NotPut(ItemId),
    /// The worker found the server gone and reached it again.
    Reconnected,
}

/// The kinds of event a worker makes.
const KINDS: [EventKind; 15] = [
    EventKind::Produce,
    EventKind::Put,
    EventKind::PutBlocked,
    EventKind::Finish,
    EventKind::GetBlocked,
    EventKind::Get,
    EventKind::Consume,
    EventKind::TaskDone,
    EventKind::Ack,
    EventKind::Redeliver,
    EventKind::DeadLetter,
    EventKind::SentinelGet,
    EventKind::GetShutDown,
    EventKind::Error(Fault::StaleAck),
    EventKind::Error(Fault::TaskDoneTooMany),
];

impl Line {
    pub fn text(&self) -> String {
        match *self {
            Line::Event(e) => {
                let item = e
                    .item
                    .map_or("-".to_string(), |i| format!("{}:{}", i.origin, i.seq));
                format!("ev {} {} {} {item}", e.time, e.actor.0, kind_token(e.kind))
            }
            Line::NotPut(i) => format!("not_put {}:{}", i.origin, i.seq),
            Line::Reconnected => "reconnected".to_string(),
        }
    }

    pub fn parse(text: &str) -> Option<Line> {
        let words: Vec<&str> = text.split_whitespace().collect();
        match words.as_slice() {
            ["ev", time, actor, kind, item] => Some(Line::Event(Event {
                time: time.parse().ok()?,
                actor: ActorId(actor.parse().ok()?),
                kind: *KINDS.iter().find(|&&k| kind_token(k) == *kind)?,
                item: match *item {
                    "-" => None,
                    item => Some(item_id(item)?),
                },
            })),
            ["not_put", item] => Some(Line::NotPut(item_id(item)?)),
            ["reconnected"] => Some(Line::Reconnected),
            _ => None,
        }
    }
}

/// A kind as one word: its name, and a fault's after it (`error:stale_ack`).
fn kind_token(kind: EventKind) -> String {
    match kind {
        EventKind::Error(Fault::StaleAck) => "error:stale_ack".to_string(),
        EventKind::Error(Fault::TaskDoneTooMany) => "error:task_done_too_many".to_string(),
        other => other.name().to_string(),
    }
}

/// `origin:seq`.
pub fn item_id(text: &str) -> Option<ItemId> {
    let (origin, seq) = text.split_once(':')?;
    Some(ItemId {
        origin: origin.parse().ok()?,
        seq: seq.parse().ok()?,
    })
}

/// Writes a line for `canteen live`; a worker whose reader is gone stops.
fn tell(line: Line) {
    tell_all(&[line]);
}

/// Writes lines for `canteen live` in one write.
fn tell_all(lines: &[Line]) {
    let text: String = lines.iter().map(|l| l.text() + "\n").collect();
    let mut out = io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}

/// A worker at work: its link, settings, keys and who it is.
struct Worker {
    link: Link,
    settings: Settings,
    keys: Keys,
    actor: ActorId,
    rng: ChaCha8Rng,
    reconnects: u64,
    url: String,
    lang: Lang,
    /// The simulation's delays for the same seed, to replay.
    drawn: HashMap<String, u64>,
}

impl Worker {
    fn emit(&mut self, kind: EventKind, item: Option<ItemId>, time: Option<u64>) {
        self.note_reconnects();
        tell(Line::Event(Event {
            time: time.unwrap_or_else(|| self.settings.now()),
            actor: self.actor,
            kind,
            item,
        }));
    }

    /// Several events about `item`, now, told in one write.
    fn emit_all(&mut self, kinds: &[EventKind], item: Option<ItemId>) {
        self.note_reconnects();
        let time = self.settings.now();
        let lines: Vec<Line> = kinds
            .iter()
            .map(|&kind| {
                Line::Event(Event {
                    time,
                    actor: self.actor,
                    kind,
                    item,
                })
            })
            .collect();
        tell_all(&lines);
    }

    fn note_reconnects(&mut self) {
        while self.reconnects < self.link.reconnects {
            self.reconnects += 1;
            tell(Line::Reconnected);
        }
    }

    /// The simulation's delay `key` for the same seed, or one drawn from
    /// this worker's own stream of the seed when the simulation has none
    /// (e.g. an item redelivered).
    fn delay(&mut self, key: String, delay: Delay) -> Duration {
        match self.drawn.get(&key) {
            Some(&nanos) => Duration::from_nanos(nanos),
            None => self.draw(delay),
        }
    }

    /// A delay drawn from this worker's own stream of the run's seed.
    fn draw(&mut self, delay: Delay) -> Duration {
        delay.quantile((self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64))
    }
}

/// Runs a worker; its exit status (0, or 1 when it could not start).
pub fn run(request: &Request) -> i32 {
    let role = match request.role {
        Role::Producer => "producer",
        Role::Consumer => "consumer",
    };
    let name = format!("canteen-{role}-{}", request.index);
    let keys = Keys::new(&request.run);
    let start = Link::open(&request.redis, &name).and_then(|mut link| {
        let fields: HashMap<String, String> =
            link.query(redis::cmd("HGETALL").arg(keys.config()))?;
        Ok((link, fields))
    });
    let say = |what: LiveFailure| {
        eprintln!("canteen: {}", failure(&what, request.lang));
        1
    };
    let (mut link, fields) = match start {
        Ok(started) => started,
        Err(error) => {
            return say(LiveFailure::Redis {
                url: request.redis.clone(),
                detail: error.to_string(),
            })
        }
    };
    let Some(settings) = Settings::from_fields(&fields) else {
        return say(LiveFailure::NoRun(request.run.clone()));
    };
    let actors = crate::run::Program::actors(&settings.config);
    let i = request.index.saturating_sub(1);
    let (actor, count) = match request.role {
        Role::Producer => (actors.producer(i), settings.config.producers),
        Role::Consumer => (actors.consumer(i), settings.config.consumers),
    };
    if request.index == 0 || request.index > count {
        return say(LiveFailure::NoSuchWorker {
            worker: format!("{role} {}", request.index),
            count,
        });
    }
    let drawn: HashMap<String, u64> = link
        .query(redis::cmd("HGETALL").arg(keys.delays()))
        .unwrap_or_default();
    // The start gate: every worker of the run starts the clock together
    // (a worker joining a run already started goes straight to work).
    let mut settings = settings;
    if settings.epoch_ns == 0 {
        let started = link
            .query::<()>(redis::cmd("INCR").arg(keys.ready()))
            .and_then(|()| loop {
                let token: Option<(String, String)> =
                    link.query(redis::cmd("BLPOP").arg(keys.start()).arg(1))?;
                if token.is_some() {
                    break link.query::<Option<u64>>(
                        redis::cmd("HGET").arg(keys.config()).arg("epoch_ns"),
                    );
                }
            });
        match started {
            Ok(Some(epoch)) => settings.epoch_ns = epoch,
            Ok(None) => return say(LiveFailure::NoRun(request.run.clone())),
            Err(error) => {
                return say(LiveFailure::Redis {
                    url: request.redis.clone(),
                    detail: error.to_string(),
                })
            }
        }
    }
    let seed = settings.config.seed ^ u64::from(actor.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut worker = Worker {
        link,
        settings,
        keys,
        actor,
        rng: ChaCha8Rng::seed_from_u64(seed),
        reconnects: 0,
        url: request.redis.clone(),
        lang: request.lang,
        drawn,
    };
    match request.role {
        Role::Producer => produce(&mut worker, i),
        Role::Consumer => consume(&mut worker, &name),
    }
}

/// The producer: makes its items at the produce delay and puts each once.
fn produce(w: &mut Worker, origin: u32) -> i32 {
    let put_list = store::put_list();
    let put_stream = store::put_stream();
    for seq in 1..=w.settings.config.items {
        let delay = w.delay(format!("p:{origin}:{seq}"), w.settings.config.produce_delay);
        w.settings.sleep(delay);
        let item = ItemId { origin, seq };
        w.emit(EventKind::Produce, Some(item), None);
        let member = format!("{origin}:{seq}");
        let capacity = w.settings.config.capacity;
        let mut blocked = false;
        let put = loop {
            let put_ns = w.settings.now();
            let keys = w.keys.clone();
            let put = if w.settings.stream {
                w.link.with(|con| {
                    put_stream
                        .key(keys.put())
                        .key(keys.stream())
                        .key(keys.unfinished())
                        .key(keys.items())
                        .key(keys.queued())
                        .arg(&member)
                        .arg(&member)
                        .arg(put_ns)
                        .arg("1")
                        .arg(capacity)
                        .invoke::<i64>(con)
                })
            } else {
                w.link.with(|con| {
                    put_list
                        .key(keys.put())
                        .key(keys.list())
                        .key(keys.items())
                        .key(keys.queued())
                        .arg(&member)
                        .arg(format!("{member} {put_ns}"))
                        .arg("1")
                        .arg(capacity)
                        .invoke::<i64>(con)
                })
            };
            match put {
                // The queue is full: wait in put() for a place.
                Ok(2) => {
                    if !std::mem::replace(&mut blocked, true) {
                        w.emit(EventKind::PutBlocked, Some(item), None);
                    }
                    let _ = w.link.query::<Option<(String, String)>>(
                        redis::cmd("BLPOP").arg(keys.space()).arg(0.05),
                    );
                }
                other => break other.map(|_| put_ns),
            }
        };
        let keys = w.keys.clone();
        match put {
            Ok(put_ns) => w.emit(EventKind::Put, Some(item), Some(put_ns)),
            Err(error) => {
                let what = LiveFailure::NotPut {
                    item: member.clone(),
                    detail: error.to_string(),
                };
                eprintln!("canteen: {}", failure(&what, w.lang));
                let _ = w
                    .link
                    .query::<()>(redis::cmd("RPUSH").arg(keys.not_put()).arg(&member));
                tell(Line::NotPut(item));
            }
        }
    }
    w.emit(EventKind::Finish, None, None);
    0
}

/// A parcel taken: its entry (stream) or payload (list), and whether it is
/// a redelivery (claimed from another consumer).
struct Taken {
    entry: Entry,
    redelivered: bool,
}

/// The consumer: takes, works at the consume delay, marks done; never
/// learns when to stop (main ends it), unless it gets a sentinel.
fn consume(w: &mut Worker, name: &str) -> i32 {
    let ack = store::ack();
    let dead_letter = store::dead_letter();
    let scale = w.settings.time_scale;
    let t = w.settings.config.termination;
    let visibility = t.visibility_timeout.mul_f64(scale);
    // Blocking reads wake now and then to claim what a dead consumer left.
    let shutdown = matches!(t.strategy, Strategy::Shutdown | Strategy::ShutdownImmediate);
    let block_ms = if t.broker_ack {
        (visibility.as_millis() / 2).clamp(5, 500) as u64
    } else if shutdown {
        20 // the shutdown key is read between blocking reads
    } else {
        500
    };
    let mut blocked = false;
    // After a (re)connection: this consumer's own pending entries first
    // (an entry delivered while its answer was lost would wait forever).
    let mut recover = true;
    let mut seen_reconnects = 0;
    let mut got: HashSet<String> = HashSet::new();
    let mut processings = 0u64;
    loop {
        if w.link.reconnects != seen_reconnects {
            seen_reconnects = w.link.reconnects;
            recover = true;
        }
        let keys = w.keys.clone();
        // q.shutdown(): get() raises ShutDown once the queue has nothing
        // for this consumer (it does not wait); shutdown(immediate=True)
        // at once.
        let shut_down: Option<String> = if shutdown {
            match w.link.query(redis::cmd("GET").arg(keys.shutdown())) {
                Ok(state) => state,
                Err(error) => return gone(w, &error),
            }
        } else {
            None
        };
        if shut_down.as_deref() == Some("immediate") {
            w.emit(EventKind::GetShutDown, None, None);
            w.emit(EventKind::Finish, None, None);
            return 0;
        }
        if shut_down.is_some() {
            blocked = true; // no wait told: an empty queue raises instead
        }
        let taken = if !w.settings.stream {
            take_list(w, &keys, &mut blocked, block_ms)
        } else if recover {
            let own: redis::Value = match w.link.query(
                redis::cmd("XREADGROUP")
                    .arg("GROUP")
                    .arg(GROUP)
                    .arg(name)
                    .arg("COUNT")
                    .arg(1)
                    .arg("STREAMS")
                    .arg(keys.stream())
                    .arg("0"),
            ) {
                Ok(reply) => reply,
                Err(error) => return gone(w, &error),
            };
            let mut own = store::read_reply(&own);
            if own.is_empty() {
                recover = false;
                continue;
            }
            Some(Taken {
                entry: own.remove(0),
                redelivered: false,
            })
        } else {
            take_stream(w, &keys, name, &mut blocked, block_ms, &dead_letter)
        };
        if shut_down.is_some() && taken.is_none() {
            w.emit(EventKind::GetShutDown, None, None);
            w.emit(EventKind::Finish, None, None);
            return 0;
        }
        let Some(Taken { entry, redelivered }) = taken else {
            continue;
        };
        if entry.item == "sentinel" {
            w.emit(EventKind::SentinelGet, None, None);
            let _ = invoke_ack(w, &ack, &keys, &entry, &format!("{name}:sentinel"));
            w.emit(EventKind::Finish, None, None);
            return 0;
        }
        let Some(item) = store_item(&entry) else {
            continue;
        };
        let now = w.settings.now();
        if redelivered {
            w.emit(EventKind::Redeliver, Some(item), Some(now));
        }
        if got.insert(entry.id.clone()) || redelivered {
            w.emit(EventKind::Get, Some(item), Some(now.max(entry.put_ns)));
        }
        let key = format!("c:{}:{}", item.origin, item.seq);
        let delay = if redelivered {
            w.draw(w.settings.config.consume_delay)
        } else {
            w.delay(key, w.settings.config.consume_delay)
        };
        w.settings.sleep(delay);
        w.emit(EventKind::Consume, Some(item), None);
        if !w.settings.stream {
            continue;
        }
        processings += 1;
        // The lab's failures: the n-th item processed (across consumers).
        let nth = if t.forget_task_done.is_some() || t.extra_task_done.is_some() {
            let counted = w.link.query::<u64>(redis::cmd("INCR").arg(keys.key("nth")));
            match counted {
                Ok(n) => Some(n),
                Err(error) => return gone(w, &error),
            }
        } else {
            None
        };
        if nth.is_some() && nth == t.forget_task_done {
            continue; // task_done() forgotten: the entry stays pending.
        }
        // What the acknowledgement (and an extra task_done()) tell is
        // written at once, so that a consumer terminated right after the
        // last ack has told all of it.
        let mut told = Vec::new();
        match invoke_ack(w, &ack, &keys, &entry, &format!("{name}:{processings}")) {
            Ok(0) => told.push(EventKind::Error(Fault::StaleAck)),
            Ok(_) => {
                if t.broker_ack {
                    told.push(EventKind::Ack);
                }
                told.push(EventKind::TaskDone);
            }
            Err(error) => return gone(w, &error),
        }
        if nth.is_some() && nth == t.extra_task_done {
            // task_done() once more: Python's ValueError when none is left
            // unfinished, else one task counted done too early.
            let extra = store::extra_task_done();
            let left = w.link.with(|con| {
                extra
                    .key(keys.unfinished())
                    .key(keys.joined())
                    .invoke::<i64>(con)
            });
            match left {
                Ok(-1) => told.push(EventKind::Error(Fault::TaskDoneTooMany)),
                Ok(_) => told.push(EventKind::TaskDone),
                Err(error) => return gone(w, &error),
            }
        }
        w.emit_all(&told, Some(item));
    }
}

/// The item of an entry (`origin:seq`).
fn store_item(entry: &Entry) -> Option<ItemId> {
    item_id(&entry.item)
}

/// A worker whose server stayed away past the retries.
fn gone(w: &Worker, error: &redis::RedisError) -> i32 {
    let what = LiveFailure::Redis {
        url: w.url.clone(),
        detail: error.to_string(),
    };
    eprintln!("canteen: {}", failure(&what, w.lang));
    1
}

fn invoke_ack(
    w: &mut Worker,
    ack: &redis::Script,
    keys: &Keys,
    entry: &Entry,
    token: &str,
) -> redis::RedisResult<i64> {
    w.link.with(|con| {
        ack.key(keys.stream())
            .key(keys.unfinished())
            .key(keys.joined())
            .key(keys.processed())
            .key(keys.processings())
            .key(keys.acked())
            .arg(GROUP)
            .arg(&entry.id)
            .arg(&entry.item)
            .arg(token)
            .invoke::<i64>(con)
    })
}

/// After a read from the queue: finding nothing leaves the consumer
/// waiting in `get()` (said once); finding an item counts a delivery and
/// frees a place for a producer waiting in `put()`. Whether it found one.
fn after_read(w: &mut Worker, keys: &Keys, blocked: &mut bool, found: bool) -> bool {
    if !found {
        if !*blocked {
            *blocked = true;
            w.emit(EventKind::GetBlocked, None, None);
        }
        return false;
    }
    *blocked = false;
    let _ = w
        .link
        .query::<()>(redis::cmd("INCR").arg(keys.deliveries()));
    freed(w, keys);
    true
}

/// A parcel from the list: at once if one is there, else after telling
/// that the consumer waits in `get()`.
fn take_list(w: &mut Worker, keys: &Keys, blocked: &mut bool, block_ms: u64) -> Option<Taken> {
    let payload: Option<String> = if *blocked {
        let reply: Option<(String, String)> = w
            .link
            .query(
                redis::cmd("BRPOP")
                    .arg(keys.list())
                    .arg(block_ms as f64 / 1000.0),
            )
            .ok()?;
        reply.map(|(_, payload)| payload)
    } else {
        w.link.query(redis::cmd("RPOP").arg(keys.list())).ok()?
    };
    if !after_read(w, keys, blocked, payload.is_some()) {
        return None;
    }
    let payload = payload?;
    let (item, put_ns) = payload.split_once(' ')?;
    Some(Taken {
        entry: Entry {
            id: item.to_string(),
            item: item.to_string(),
            put_ns: put_ns.parse().unwrap_or(0),
        },
        redelivered: false,
    })
}

/// A parcel taken out of the queue: a place for a waiting producer.
fn freed(w: &mut Worker, keys: &Keys) {
    let taken = store::taken();
    let _ = w.link.with(|con| {
        taken
            .key(keys.queued())
            .key(keys.space())
            .invoke::<i64>(con)
    });
}

/// An entry from the stream: one whose delivery expired (broker
/// acknowledgements), else a new one, else after telling that the
/// consumer waits in `get()`.
fn take_stream(
    w: &mut Worker,
    keys: &Keys,
    name: &str,
    blocked: &mut bool,
    block_ms: u64,
    dead_letter: &redis::Script,
) -> Option<Taken> {
    let t = w.settings.config.termination;
    if t.broker_ack {
        let visibility = t.visibility_timeout.mul_f64(w.settings.time_scale);
        let claimed: redis::Value = w
            .link
            .query(
                redis::cmd("XAUTOCLAIM")
                    .arg(keys.stream())
                    .arg(GROUP)
                    .arg(name)
                    .arg(visibility.as_millis().max(1) as u64)
                    .arg("0-0")
                    .arg("COUNT")
                    .arg(1),
            )
            .ok()?;
        let claimed = store::items(&claimed)
            .get(1)
            .map(store::entries)
            .unwrap_or_default();
        if let Some(entry) = claimed.into_iter().next() {
            *blocked = false;
            let _ = w
                .link
                .query::<()>(redis::cmd("INCR").arg(keys.deliveries()));
            let pending: redis::Value = w
                .link
                .query(
                    redis::cmd("XPENDING")
                        .arg(keys.stream())
                        .arg(GROUP)
                        .arg(&entry.id)
                        .arg(&entry.id)
                        .arg(1),
                )
                .ok()?;
            let deliveries = store::items(&pending)
                .first()
                .and_then(|row| store::items(row).get(3))
                .and_then(store::text)
                .and_then(|t| t.parse::<u32>().ok())
                .unwrap_or(0);
            if deliveries > t.max_deliveries {
                let moved: i64 = w
                    .link
                    .with(|con| {
                        dead_letter
                            .key(keys.stream())
                            .key(keys.unfinished())
                            .key(keys.joined())
                            .key(keys.dead())
                            .arg(GROUP)
                            .arg(&entry.id)
                            .arg(&entry.item)
                            .arg(deliveries - 1)
                            .invoke(con)
                    })
                    .ok()?;
                if moved == 1 {
                    let item = store_item(&entry);
                    w.emit(EventKind::DeadLetter, item, None);
                }
                return None;
            }
            return Some(Taken {
                entry,
                redelivered: true,
            });
        }
    }
    let mut read = redis::cmd("XREADGROUP");
    read.arg("GROUP").arg(GROUP).arg(name).arg("COUNT").arg(1);
    if *blocked {
        read.arg("BLOCK").arg(block_ms);
    }
    read.arg("STREAMS").arg(keys.stream()).arg(">");
    let reply: redis::Value = w.link.query(&read).ok()?;
    let mut new = store::read_reply(&reply);
    if !after_read(w, keys, blocked, !new.is_empty()) {
        return None;
    }
    Some(Taken {
        entry: new.remove(0),
        redelivered: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_back_as_written() {
        let item = Some(ItemId { origin: 1, seq: 7 });
        for kind in KINDS {
            let line = Line::Event(Event {
                time: 123_456,
                actor: ActorId(3),
                kind,
                item,
            });
            assert_eq!(Line::parse(&line.text()), Some(line));
        }
        let no_item = Line::Event(Event {
            time: 0,
            actor: ActorId(0),
            kind: EventKind::Finish,
            item: None,
        });
        assert_eq!(Line::parse(&no_item.text()), Some(no_item));
        for line in [
            Line::NotPut(ItemId { origin: 0, seq: 1 }),
            Line::Reconnected,
        ] {
            assert_eq!(Line::parse(&line.text()), Some(line));
        }
        assert_eq!(Line::parse("ev 1 2 terminate -"), None);
        assert_eq!(Line::parse("something else"), None);
    }

    #[test]
    fn settings_read_back_from_their_fields() {
        let mut config = Config::defaults(ScenarioKind::Termination, 42);
        config.termination.broker_ack = true;
        config.termination.max_deliveries = 3;
        config.produce_delay = "exp:100ms".parse().unwrap();
        let settings = Settings {
            config,
            time_scale: 0.05,
            epoch_ns: 17,
            stream: true,
        };
        let fields = settings
            .fields()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        assert_eq!(Settings::from_fields(&fields), Some(settings));
    }
}
