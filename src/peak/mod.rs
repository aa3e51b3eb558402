//! Peak shaving: a traffic burst, a service's capacity, and what a message
//! queue buys. Requests arrive as a Poisson process with a rate profile
//! ([`config`], [`arrivals`]); a service with `workers` workers serves
//! them, each taking a service time drawn from a [`Delay`]. Two variants
//! run on the same arrivals (same seed, same arrival times):
//!
//! - **direct**: a request that finds every worker busy is rejected (HTTP
//!   503). With `overload`, the service admits up to `workers + capacity`
//!   requests and slows down instead ([`config::overload_factor`]).
//! - **queued**: requests go into a bounded broker queue
//!   ([`JoinableQueue`] of `capacity` places, 0 = unbounded) and are
//!   dropped only when it is full; `workers` worker tasks take them at
//!   their own pace.
//!
//! Each variant is its own deterministic [`Sim`]; both are driven to the
//! same virtual time by [`PeakRun`], and measured by a [`Meter`]. Where
//! the M/M/c model applies (steady Poisson traffic, exponential service)
//! the report puts its predictions ([`crate::theory`]) beside the
//! measurements.

pub mod arrivals;
pub mod config;
pub mod meter;

use std::cell::{Ref, RefCell};
use std::rc::Rc;
use std::time::Duration;

use serde::Serialize;

use crate::delay::{Delay, DurationText};
use crate::number::Shortest;
use crate::queue::JoinableQueue;
use crate::run::{Driver, Outcome};
use crate::sim::{Ctx, Sim};
use crate::stats::StatsReport;
use crate::theory::{Mmc, TheoryReport};
use crate::trace::{duration_to_nanos, nanos_to_ms, ActorId, Nanos};

use arrivals::Arrivals;
pub use config::{Burst, PeakConfig, Preset};
use meter::{LatencyReport, LittleCheck, Measured, Meter, SeriesReport};

/// The scenario's name on the command line and in reports.
pub const NAME: &str = "peak-shaving";

/// The two ways of meeting the traffic, `direct` then `queued`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Variant {
    /// Straight to the service; 503 when every worker is busy.
    Direct,
    /// Through a bounded broker queue; dropped only when it is full.
    Queued,
}

impl Variant {
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// The task that brings the requests.
const CLIENTS: ActorId = ActorId(0);
/// The direct variant's request handlers, and the first queued worker.
const SERVICE: ActorId = ActorId(1);

/// What the direct variant's service needs to know.
#[derive(Clone, Copy)]
struct Service {
    workers: u32,
    /// Requests admitted at once.
    limit: u64,
    delay: Delay,
    overload: bool,
}

/// One variant in progress.
struct Side {
    driver: Driver,
    meter: Rc<RefCell<Meter>>,
    /// The broker queue (queued variant only), holding arrival times.
    queue: Option<JoinableQueue<Nanos>>,
}

/// Both variants of a peak-shaving run, driven side by side.
pub struct PeakRun {
    config: PeakConfig,
    direct: Side,
    queued: Side,
}

impl PeakRun {
    /// Sets up both variants; the config must be valid
    /// ([`PeakConfig::validate`]).
    pub fn new(config: PeakConfig) -> PeakRun {
        let span = duration_to_nanos(config.duration);
        let side = |queue| Side {
            driver: Driver::new(Sim::new(config.seed, None), Nanos::MAX),
            meter: Rc::new(RefCell::new(Meter::new(config.workers, span))),
            queue,
        };

        let direct = side(None);
        let ctx = direct.driver.sim().ctx();
        let service = Service {
            workers: config.workers,
            limit: u64::from(config.workers)
                + if config.overload {
                    config.capacity as u64
                } else {
                    0
                },
            delay: config.service,
            overload: config.overload,
        };
        let clients = direct_clients(
            ctx.clone(),
            Arrivals::new(&config),
            Rc::clone(&direct.meter),
            service,
        );
        ctx.spawn(CLIENTS, clients);

        let queue = JoinableQueue::new(config.capacity);
        let queued = side(Some(queue.clone()));
        let ctx = queued.driver.sim().ctx();
        let clients = queued_clients(
            ctx.clone(),
            Arrivals::new(&config),
            Rc::clone(&queued.meter),
            queue.clone(),
        );
        ctx.spawn(CLIENTS, clients);
        for i in 0..config.workers {
            let task = worker(
                ctx.clone(),
                queue.clone(),
                Rc::clone(&queued.meter),
                config.service,
            );
            ctx.spawn(ActorId(SERVICE.0 + i), task);
        }

        PeakRun {
            config,
            direct,
            queued,
        }
    }

    pub fn config(&self) -> &PeakConfig {
        &self.config
    }

    fn side(&self, variant: Variant) -> &Side {
        match variant {
            Variant::Direct => &self.direct,
            Variant::Queued => &self.queued,
        }
    }

    /// Runs both variants through virtual time `t`.
    pub fn advance_to(&mut self, t: Nanos) -> Outcome {
        for side in [&mut self.direct, &mut self.queued] {
            side.driver.advance_to(t);
        }
        self.outcome()
    }

    /// Runs both variants until every request is served or turned away.
    pub fn run_to_end(&mut self) -> Outcome {
        self.advance_to(Nanos::MAX)
    }

    /// Running until both variants are over; then the later one's outcome
    /// if either did not complete.
    pub fn outcome(&self) -> Outcome {
        match (self.direct.driver.outcome(), self.queued.driver.outcome()) {
            (Outcome::Running, _) | (_, Outcome::Running) => Outcome::Running,
            (Outcome::Completed, other) | (other, _) => other,
        }
    }

    /// The virtual time reached (the later of the two variants).
    pub fn now(&self) -> Nanos {
        self.direct
            .driver
            .sim()
            .now()
            .max(self.queued.driver.sim().now())
    }

    /// A variant's measurements so far.
    pub fn meter(&self, variant: Variant) -> Ref<'_, Meter> {
        self.side(variant).meter.borrow()
    }

    /// The M/M/c prediction for a variant, where it applies: steady Poisson
    /// traffic and exponential service; the direct variant is Erlang's loss
    /// system M/M/c/c (not in overload mode), the queued one M/M/c with the
    /// queue's places (unbounded when the capacity is 0).
    pub fn theory(&self, variant: Variant) -> Option<Mmc> {
        let cfg = &self.config;
        let Delay::Exp(mean) = cfg.service else {
            return None;
        };
        if !cfg.is_steady() {
            return None;
        }
        let slots = match variant {
            Variant::Direct if cfg.overload => return None,
            Variant::Direct => Some(0),
            Variant::Queued if cfg.capacity == 0 => None,
            Variant::Queued => Some(cfg.capacity as u64),
        };
        Mmc::new(cfg.base_rate, 1.0 / mean.as_secs_f64(), cfg.workers, slots)
    }

    /// One variant's report at its current time.
    pub fn variant_report(&self, variant: Variant) -> VariantReport {
        let side = self.side(variant);
        let meter = side.meter.borrow();
        let end = side.driver.sim().now();
        let counts = meter.counts();
        let in_queue = side.queue.as_ref().map_or(0, |q| q.len() as u64);
        let (rejected, dropped) = match variant {
            Variant::Direct => (counts.turned_away, 0),
            Variant::Queued => (0, counts.turned_away),
        };
        VariantReport {
            variant,
            outcome: side.driver.outcome(),
            end_time_ms: nanos_to_ms(end),
            arrivals: counts.arrivals,
            served: counts.served,
            rejected,
            dropped,
            in_queue,
            in_service: counts.in_service,
            conserved: counts.conserved() && counts.waiting == in_queue,
            arrival_digest: format!("{:016x}", meter.arrival_digest()),
            stats: meter.stats(end),
            latency: meter.latency(),
            little: meter.little(end),
            measured: meter.measured(end),
            series: meter.series_report(end),
            theory: self.theory(variant).map(|q| q.report()),
        }
    }

    /// Both variants' reports and the settings.
    pub fn report(&self) -> PeakReport {
        let cfg = &self.config;
        let capacity = cfg.service_capacity();
        PeakReport {
            scenario: NAME,
            seed: cfg.seed,
            settings: Settings {
                base_rate_per_s: cfg.base_rate,
                bursts: cfg
                    .bursts
                    .iter()
                    .map(|b| BurstReport {
                        start_ms: b.start.as_secs_f64() * 1e3,
                        length_ms: b.length.as_secs_f64() * 1e3,
                        rate_per_s: b.rate,
                    })
                    .collect(),
                duration_ms: cfg.duration.as_secs_f64() * 1e3,
                workers: cfg.workers,
                service_delay: cfg.service.to_string(),
                capacity: cfg.capacity,
                overload: cfg.overload,
            },
            load: Load {
                service_capacity_per_s: capacity,
                expected_arrivals: cfg.expected_arrivals(),
                base_rho: cfg.base_rate / capacity,
                peak_rho: cfg.peak_rate() / capacity,
            },
            direct: self.variant_report(Variant::Direct),
            queued: self.variant_report(Variant::Queued),
        }
    }
}

/// Brings the requests to the direct service: each one is admitted if a
/// worker is free (or, in overload mode, below the connection limit) and
/// handled by a task of its own, or else rejected.
async fn direct_clients(ctx: Ctx, arrivals: Arrivals, meter: Rc<RefCell<Meter>>, service: Service) {
    for t in arrivals {
        ctx.sleep(Duration::from_nanos(t.saturating_sub(ctx.now())))
            .await;
        let in_flight = {
            let mut m = meter.borrow_mut();
            m.arrive(t);
            let in_flight = m.counts().in_service;
            if in_flight >= service.limit {
                m.turn_away(t);
                continue;
            }
            m.start(t, t, false);
            in_flight + 1
        };
        let mut time = service.delay.sample(&ctx);
        if service.overload {
            let factor = config::overload_factor(in_flight, service.workers);
            time =
                Duration::from_nanos((time.as_nanos() as f64 * factor).min(u64::MAX as f64) as u64);
        }
        let handler = handle(ctx.clone(), time, t, Rc::clone(&meter));
        ctx.spawn(SERVICE, handler);
    }
}

/// Serves one request of the direct variant.
async fn handle(ctx: Ctx, time: Duration, arrival: Nanos, meter: Rc<RefCell<Meter>>) {
    ctx.sleep(time).await;
    meter.borrow_mut().finish(ctx.now(), arrival);
}

/// Brings the requests to the broker queue; a full queue drops them. Shuts
/// the queue down after the last one, so the workers end once it is empty.
async fn queued_clients(
    ctx: Ctx,
    arrivals: Arrivals,
    meter: Rc<RefCell<Meter>>,
    queue: JoinableQueue<Nanos>,
) {
    for t in arrivals {
        ctx.sleep(Duration::from_nanos(t.saturating_sub(ctx.now())))
            .await;
        let mut m = meter.borrow_mut();
        m.arrive(t);
        match queue.try_put(t) {
            Ok(()) => m.enqueue(t),
            Err(_) => m.turn_away(t),
        }
    }
    queue.shutdown(false);
}

/// Takes requests from the broker queue at its own pace.
async fn worker(ctx: Ctx, queue: JoinableQueue<Nanos>, meter: Rc<RefCell<Meter>>, delay: Delay) {
    while let Ok(arrival) = queue.get().await {
        meter.borrow_mut().start(ctx.now(), arrival, true);
        ctx.sleep(delay.sample(&ctx)).await;
        meter.borrow_mut().finish(ctx.now(), arrival);
    }
}

/// One burst window, for reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BurstReport {
    pub start_ms: f64,
    pub length_ms: f64,
    pub rate_per_s: f64,
}

/// The settings of a run, for reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Settings {
    pub base_rate_per_s: f64,
    pub bursts: Vec<BurstReport>,
    pub duration_ms: f64,
    pub workers: u32,
    pub service_delay: String,
    pub capacity: usize,
    pub overload: bool,
}

/// The load the traffic puts on the service.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Load {
    /// Requests per second all workers serve together (workers / mean service).
    pub service_capacity_per_s: f64,
    pub expected_arrivals: f64,
    /// Utilisation the base rate asks for, λ/(cμ).
    pub base_rho: f64,
    /// Utilisation the highest rate asks for; ≥ 1 means a queue grows
    /// while it lasts.
    pub peak_rho: f64,
}

/// One variant's figures (the JSON of `direct` and `queued`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VariantReport {
    pub variant: Variant,
    pub outcome: Outcome,
    pub end_time_ms: f64,
    pub arrivals: u64,
    pub served: u64,
    /// Turned away with 503 (direct only).
    pub rejected: u64,
    /// Turned away by a full queue (queued only).
    pub dropped: u64,
    pub in_queue: u64,
    pub in_service: u64,
    /// Every request is served, rejected or dropped, or still in the system.
    pub conserved: bool,
    /// Digest of the arrival times: equal in both variants of a run.
    pub arrival_digest: String,
    /// The foundation's statistics; wait = arrival → start of service.
    pub stats: StatsReport,
    /// Arrival → completion.
    pub latency: LatencyReport,
    pub little: LittleCheck,
    /// The figures [`theory`](Self::theory) predicts, measured.
    pub measured: Measured,
    pub series: SeriesReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theory: Option<TheoryReport>,
}

/// The whole run (the JSON `canteen run peak-shaving --json` prints).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeakReport {
    pub scenario: &'static str,
    pub seed: u64,
    pub settings: Settings,
    pub load: Load,
    pub direct: VariantReport,
    pub queued: VariantReport,
}

impl PeakReport {
    /// The report of a variant.
    pub fn variant(&self, variant: Variant) -> &VariantReport {
        match variant {
            Variant::Direct => &self.direct,
            Variant::Queued => &self.queued,
        }
    }
}

/// A burst as text for summaries: `20s+5s @ 120/s`.
pub fn burst_text(b: &Burst) -> String {
    format!(
        "{}+{} @ {}/s",
        DurationText(b.start),
        DurationText(b.length),
        Shortest(b.rate)
    )
}
