//! `canteen live peak-shaving`: the preset's traffic sent for real, as HTTP
//! requests on 127.0.0.1, to a service with a fixed number of workers, twice
//! on the same arrival times:
//!
//! - **direct**: a request that finds every worker busy is answered 503 at
//!   once;
//! - **queued**: the front adds each request to a Redis stream (refused
//!   with 503 only when `--capacity` requests already wait) and answers when
//!   it is done; the workers read the stream through a consumer group at
//!   their own pace and acknowledge each request.
//!
//! Each request's service time is drawn from the run's seed (the same in
//! both variants). The measured rejections and latencies (arrival →
//! answer, in the scenario's time) are reported beside the simulation's
//! for the same settings.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, sleep, JoinHandle};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::store::{self, Keys, Link, GROUP};
use super::worker::wall_ns;
use super::{open_run, redis_failure, Opened};
use crate::i18n::live::{self as words, LiveFailure};
use crate::lang::Lang;
use crate::peak::arrivals::Arrivals;
use crate::peak::meter::{LatencyReport, Meter};
use crate::peak::{PeakConfig, PeakReport, PeakRun};
use crate::trace::{duration_to_nanos, Nanos};

/// A live peak-shaving run to carry out.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub config: PeakConfig,
    pub json: bool,
    pub lang: Lang,
    pub redis: Option<String>,
    pub time_scale: f64,
}

/// One variant as measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measured {
    pub arrivals: u64,
    pub served: u64,
    /// Answered 503: every worker busy (direct) or the queue full (queued).
    pub turned_away: u64,
    /// Requests that got no answer at all (none expected).
    pub failed: u64,
    /// Arrival → answer, in the scenario's time.
    pub latency: LatencyReport,
}

/// What one request's client saw, in the scenario's nanoseconds.
#[derive(Clone, Copy, Debug)]
struct Outcome {
    sent: Nanos,
    /// The service's start and end of its work, and when the answer came.
    served: Option<(Nanos, Nanos, Nanos)>,
    turned_away: bool,
}

/// The queued fronts waiting for their request's end (start, end), by
/// request number.
type Waiting = Mutex<HashMap<u64, Sender<(Nanos, Nanos)>>>;

/// The service's clock: the scenario's time since `epoch`.
#[derive(Clone, Copy)]
struct Clock {
    epoch: u64,
    scale: f64,
}

impl Clock {
    fn now(self) -> Nanos {
        (wall_ns().saturating_sub(self.epoch) as f64 / self.scale) as Nanos
    }
}

/// Carries out the run; its exit status.
pub fn run(request: &Request) -> i32 {
    match live(request) {
        Ok(()) => 0,
        Err(failure) => {
            eprintln!("canteen: {}", words::failure(&failure, request.lang));
            1
        }
    }
}

fn live(request: &Request) -> Result<(), LiveFailure> {
    let config = &request.config;
    let predicted = {
        let mut run = PeakRun::new(config.clone());
        run.run_to_end();
        run.report()
    };
    let arrivals: Vec<Nanos> = Arrivals::new(config)
        .take_while(|&t| t < duration_to_nanos(config.duration))
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    rng.set_stream(2);
    let services: Vec<Duration> = arrivals
        .iter()
        .map(|_| {
            let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            config.service.quantile(u).mul_f64(request.time_scale)
        })
        .collect();
    let services = Arc::new(services);
    let Opened {
        mut embedded,
        url,
        keys,
        mut link,
        ..
    } = open_run(request.redis.as_deref(), "canteen-peak")?;
    link.create_group(&keys)
        .map_err(|e| redis_failure(&url, &e))?;
    let direct = variant(request, &arrivals, &services, None)?;
    let queued = variant(request, &arrivals, &services, Some((&url, &keys, link)))?;
    if request.redis.is_some() {
        if let Ok(mut link) = Link::open(&url, "canteen-peak") {
            let _ = link.query::<()>(redis::cmd("DEL").arg(keys.all()));
        }
    }
    if let Some(server) = embedded.as_mut() {
        server.stop();
    }
    print(request, &url, &direct, &queued, &predicted);
    Ok(())
}

fn print(
    request: &Request,
    url: &str,
    direct: &Measured,
    queued: &Measured,
    predicted: &PeakReport,
) {
    let text = if request.json {
        serde_json::json!({
            "scenario": crate::peak::NAME,
            "seed": request.config.seed,
            "live": {"redis": url, "time_scale": request.time_scale},
            "direct": direct,
            "queued": queued,
            "prediction": predicted,
        })
        .to_string()
    } else {
        let row = |m: &Measured| words::PeakRow {
            arrivals: m.arrivals,
            served: m.served,
            turned_away: m.turned_away,
            p50_ms: m.latency.p50_ms,
            p95_ms: m.latency.p95_ms,
            p99_ms: m.latency.p99_ms,
        };
        let predicted_row = |v: &crate::peak::VariantReport| words::PeakRow {
            arrivals: v.arrivals,
            served: v.served,
            turned_away: v.rejected + v.dropped,
            p50_ms: v.latency.p50_ms,
            p95_ms: v.latency.p95_ms,
            p99_ms: v.latency.p99_ms,
        };
        words::peak_table(
            [
                (row(direct), predicted_row(&predicted.direct)),
                (row(queued), predicted_row(&predicted.queued)),
            ],
            request.lang,
        )
    };
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// The queued variant's Redis: the server's URL, the run's keys, a link.
type Queue<'a> = (&'a str, &'a Keys, Link);

/// Runs one variant: starts the service (and, queued, its workers on the
/// stream), sends every request at its time, waits for every answer.
fn variant(
    request: &Request,
    arrivals: &[Nanos],
    services: &Arc<Vec<Duration>>,
    queue: Option<Queue<'_>>,
) -> Result<Measured, LiveFailure> {
    let config = &request.config;
    let listener =
        TcpListener::bind(("127.0.0.1", 0)).map_err(|e| LiveFailure::Spawn(e.to_string()))?;
    let port = listener
        .local_addr()
        .map_err(|e| LiveFailure::Spawn(e.to_string()))?
        .port();
    // The clock starts a little later, once the service is up.
    let clock = Clock {
        epoch: wall_ns() + 50_000_000,
        scale: request.time_scale,
    };
    let stop = Arc::new(AtomicBool::new(false));
    let busy = Arc::new(AtomicU32::new(0));
    let waiting: Arc<Waiting> = Arc::default();
    let queued = queue.is_some();
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    let front: Option<Arc<Mutex<(Link, Keys)>>> = match queue {
        None => None,
        Some((url, keys, link)) => {
            for i in 0..config.workers {
                let mut link = Link::open(url, &format!("canteen-peak-worker-{}", i + 1))
                    .map_err(|e| redis_failure(url, &e))?;
                let (keys, stop, waiting, services) = (
                    keys.clone(),
                    Arc::clone(&stop),
                    Arc::clone(&waiting),
                    Arc::clone(services),
                );
                workers.push(thread::spawn(move || {
                    queue_worker(&mut link, &keys, i, &stop, &waiting, &services, clock)
                }));
            }
            Some(Arc::new(Mutex::new((link, keys.clone()))))
        }
    };
    let capacity = config.capacity as u64;
    let limit = config.workers;
    let service = {
        let (stop, busy, waiting, services) = (
            Arc::clone(&stop),
            Arc::clone(&busy),
            Arc::clone(&waiting),
            Arc::clone(services),
        );
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (busy, waiting, services, front) = (
                    Arc::clone(&busy),
                    Arc::clone(&waiting),
                    Arc::clone(&services),
                    front.clone(),
                );
                let _ = thread::Builder::new()
                    .stack_size(128 * 1024)
                    .spawn(move || {
                        let _ = handle(
                            stream, &busy, limit, &waiting, &services, front, capacity, clock,
                        );
                    });
            }
        })
    };
    // The load: each request at its arrival time, on its own connection.
    let outcomes: Arc<Mutex<Vec<Outcome>>> = Arc::default();
    let mut clients = Vec::new();
    for (n, &t) in arrivals.iter().enumerate() {
        let due = clock.epoch + (t as f64 * request.time_scale) as u64;
        let now = wall_ns();
        if due > now {
            sleep(Duration::from_nanos(due - now));
        }
        let outcomes = Arc::clone(&outcomes);
        let spawned = thread::Builder::new()
            .stack_size(128 * 1024)
            .spawn(move || {
                let outcome = send(port, n as u64, queued, clock);
                outcomes
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(outcome);
            });
        if let Ok(client) = spawned {
            clients.push(client);
        }
    }
    for client in clients {
        let _ = client.join();
    }
    stop.store(true, Ordering::SeqCst);
    let _ = TcpStream::connect(("127.0.0.1", port)); // wakes the accept loop
    let _ = service.join();
    for worker in workers {
        let _ = worker.join();
    }
    let outcomes = outcomes.lock().unwrap_or_else(|e| e.into_inner()).clone();
    Ok(measure(config, &outcomes, queued))
}

/// One request: `GET /N`; its outcome.
fn send(port: u16, n: u64, queued: bool, clock: Clock) -> Outcome {
    let sent = clock.now();
    let failed = Outcome {
        sent,
        served: None,
        turned_away: false,
    };
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return failed;
    };
    let path = if queued { "queued" } else { "direct" };
    let asked = write!(
        stream,
        "GET /{path}/{n} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    );
    let mut answer = String::new();
    if asked.is_err() || stream.read_to_string(&mut answer).is_err() {
        return failed;
    }
    let answered = clock.now();
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    if answer.starts_with("HTTP/1.1 503") {
        return Outcome {
            turned_away: true,
            ..failed
        };
    }
    let mut times = body
        .split_whitespace()
        .filter_map(|t| t.parse::<Nanos>().ok());
    match (
        answer.starts_with("HTTP/1.1 200"),
        times.next(),
        times.next(),
    ) {
        (true, Some(start), Some(end)) => Outcome {
            served: Some((start, end, answered)),
            ..failed
        },
        _ => failed,
    }
}

/// Serves one connection.
#[allow(clippy::too_many_arguments)]
fn handle(
    stream: TcpStream,
    busy: &AtomicU32,
    workers: u32,
    waiting: &Waiting,
    services: &[Duration],
    front: Option<Arc<Mutex<(Link, Keys)>>>,
    capacity: u64,
    clock: Clock,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" {
            break;
        }
    }
    let path = line.split_whitespace().nth(1).unwrap_or_default();
    let n: u64 = path
        .rsplit('/')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let service = services.get(n as usize).copied().unwrap_or_default();
    let answer = match front {
        None => {
            let admitted = busy
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |b| {
                    (b < workers).then_some(b + 1)
                })
                .is_ok();
            if admitted {
                let start = clock.now();
                sleep(service);
                let end = clock.now();
                busy.fetch_sub(1, Ordering::SeqCst);
                Some((start, end))
            } else {
                None
            }
        }
        Some(front) => {
            let (tx, rx) = channel();
            waiting
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(n, tx);
            let added: i64 = {
                let mut front = front.lock().unwrap_or_else(|e| e.into_inner());
                let (link, keys) = &mut *front;
                let keys = keys.clone();
                link.with(|con| {
                    store::admit()
                        .key(keys.key("waiting"))
                        .key(keys.stream())
                        .arg(capacity)
                        .arg(n)
                        .invoke(con)
                })
                .unwrap_or(0)
            };
            if added == 1 {
                rx.recv_timeout(Duration::from_secs(600)).ok()
            } else {
                waiting.lock().unwrap_or_else(|e| e.into_inner()).remove(&n);
                None
            }
        }
    };
    let mut stream = stream;
    match answer {
        Some((start, end)) => {
            let body = format!("{start} {end}\n");
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
        }
        None => write!(
            stream,
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
    }
}

/// A worker of the queued service: takes requests from the stream at its
/// own pace, serves each, acknowledges it and answers its front.
fn queue_worker(
    link: &mut Link,
    keys: &Keys,
    index: u32,
    stop: &AtomicBool,
    waiting: &Waiting,
    services: &[Duration],
    clock: Clock,
) {
    let name = format!("worker-{}", index + 1);
    while !stop.load(Ordering::SeqCst) {
        let reply: redis::Value = match link.query(
            redis::cmd("XREADGROUP")
                .arg("GROUP")
                .arg(GROUP)
                .arg(&name)
                .arg("COUNT")
                .arg(1)
                .arg("BLOCK")
                .arg(100)
                .arg("STREAMS")
                .arg(keys.stream())
                .arg(">"),
        ) {
            Ok(reply) => reply,
            Err(_) => return,
        };
        for entry in store::read_reply(&reply) {
            let _ = link.query::<()>(redis::cmd("DECR").arg(keys.key("waiting")));
            let n: u64 = entry.item.parse().unwrap_or(0);
            let start = clock.now();
            sleep(services.get(n as usize).copied().unwrap_or_default());
            let end = clock.now();
            let _ = link.query::<()>(
                redis::cmd("XACK")
                    .arg(keys.stream())
                    .arg(GROUP)
                    .arg(&entry.id),
            );
            let tx = waiting.lock().unwrap_or_else(|e| e.into_inner()).remove(&n);
            if let Some(tx) = tx {
                let _ = tx.send((start, end));
            }
        }
    }
}

/// The clients' outcomes measured as the simulation measures its own.
fn measure(config: &PeakConfig, outcomes: &[Outcome], queued: bool) -> Measured {
    // The meter takes its events in time order: arrivals (and turning
    // away or queueing), starts, finishes.
    let mut events: Vec<(Nanos, u8, usize)> = Vec::new();
    for (i, o) in outcomes.iter().enumerate() {
        events.push((o.sent, 0, i));
        if let Some((start, _, answered)) = o.served {
            events.push((start.max(o.sent), 1, i));
            events.push((answered.max(start).max(o.sent), 2, i));
        }
    }
    events.sort();
    let mut meter = Meter::new(config.workers, duration_to_nanos(config.duration));
    for &(t, kind, i) in &events {
        let o = &outcomes[i];
        match kind {
            0 => {
                meter.arrive(t);
                if o.turned_away {
                    meter.turn_away(t);
                } else if queued && o.served.is_some() {
                    meter.enqueue(t);
                }
            }
            1 => meter.start(t, o.sent, queued),
            _ => meter.finish(t, o.sent),
        }
    }
    let count = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count() as u64;
    Measured {
        arrivals: outcomes.len() as u64,
        served: count(|o| o.served.is_some()),
        turned_away: count(|o| o.turned_away),
        failed: count(|o| o.served.is_none() && !o.turned_away),
        latency: meter.latency(),
    }
}
