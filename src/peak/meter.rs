//! What one variant measures, in bounded memory: counts (arrived, served,
//! turned away, waiting, in service), time-weighted areas (queue length,
//! requests in the system, busy workers), waits and latencies in
//! [`Histogram`]s, an order-sensitive digest of the arrival times, and a
//! bucketed time series that halves its resolution instead of growing past
//! [`MAX_BUCKETS`].
//!
//! The tasks call the meter at each transition of a request; every figure
//! of the report derives from these calls.

use serde::Serialize;

use crate::stats::{Histogram, StatsReport};
use crate::trace::{nanos_to_ms, Nanos};

/// The series never holds more buckets than this; past it, neighbouring
/// buckets merge and the bucket width doubles.
pub const MAX_BUCKETS: usize = 512;

/// One time bucket of the series.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Bucket {
    pub arrivals: u64,
    pub served: u64,
    /// Rejected (direct) or dropped (queued).
    pub turned_away: u64,
    /// Integral of the queue length over the bucket, in item·ns.
    pub queue_area: f64,
    pub queue_max: u64,
}

impl Bucket {
    fn merge(self, other: Bucket) -> Bucket {
        Bucket {
            arrivals: self.arrivals + other.arrivals,
            served: self.served + other.served,
            turned_away: self.turned_away + other.turned_away,
            queue_area: self.queue_area + other.queue_area,
            queue_max: self.queue_max.max(other.queue_max),
        }
    }
}

/// Per-bucket figures over time.
#[derive(Clone, Debug)]
pub struct Series {
    width: Nanos,
    buckets: Vec<Bucket>,
}

impl Series {
    /// A series whose first buckets are a round width (1, 2 or 5 × 10ⁿ ns)
    /// near `span / 200`.
    pub fn new(span: Nanos) -> Series {
        let target = (span / 200).max(1);
        let mut width = 1;
        'search: loop {
            for step in [1, 2, 5] {
                if width * step >= target {
                    width *= step;
                    break 'search;
                }
            }
            width *= 10;
        }
        Series {
            width,
            buckets: Vec::new(),
        }
    }

    /// The bucket holding time `t`.
    fn at(&mut self, t: Nanos) -> &mut Bucket {
        while (t / self.width) as usize >= MAX_BUCKETS {
            self.buckets = self
                .buckets
                .chunks(2)
                .map(|pair| pair.iter().fold(Bucket::default(), |a, &b| a.merge(b)))
                .collect();
            self.width *= 2;
        }
        let index = (t / self.width) as usize;
        if self.buckets.len() <= index {
            self.buckets.resize(index + 1, Bucket::default());
        }
        &mut self.buckets[index]
    }

    /// Adds `len` × the overlap of `[from, to)` to each bucket's queue area.
    fn spread_queue(&mut self, from: Nanos, to: Nanos, len: u64) {
        if len == 0 || from >= to {
            return;
        }
        self.at(to); // coarsen first, so the widths below stay put
        let mut t = from;
        while t < to {
            let end = ((t / self.width + 1) * self.width).min(to);
            self.at(t).queue_area += len as f64 * (end - t) as f64;
            t = end;
        }
    }

    /// The width of a bucket now.
    pub fn width(&self) -> Nanos {
        self.width
    }

    /// The buckets so far.
    pub fn buckets(&self) -> &[Bucket] {
        &self.buckets
    }
}

/// Counts of one variant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub arrivals: u64,
    pub served: u64,
    /// Rejected (direct) or dropped (queued).
    pub turned_away: u64,
    /// Let in, waiting for a worker.
    pub waiting: u64,
    pub in_service: u64,
}

impl Counts {
    /// Every request is served, turned away, or still in the system.
    pub fn conserved(&self) -> bool {
        self.arrivals == self.served + self.turned_away + self.waiting + self.in_service
    }
}

/// The measurements of one variant.
pub struct Meter {
    workers: u32,
    counts: Counts,
    max_waiting: u64,
    /// Requests let in that did not start at once.
    waited: u64,
    last: Nanos,
    waiting_area: f64,
    system_area: f64,
    busy_area: f64,
    waits: Histogram,
    latencies: Histogram,
    series: Series,
    digest: u64,
}

/// FNV-1a's offset basis and prime, for the arrival digest.
const DIGEST_START: u64 = 0xcbf2_9ce4_8422_2325;
const DIGEST_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The digest of a sequence of arrival times, as [`Meter`] computes it.
pub fn digest(times: impl IntoIterator<Item = Nanos>) -> u64 {
    times
        .into_iter()
        .fold(DIGEST_START, |d, t| (d ^ t).wrapping_mul(DIGEST_PRIME))
}

impl Meter {
    /// A meter for `workers` workers whose series starts with buckets fit
    /// for `span` of virtual time.
    pub fn new(workers: u32, span: Nanos) -> Meter {
        Meter {
            workers,
            counts: Counts::default(),
            max_waiting: 0,
            waited: 0,
            last: 0,
            waiting_area: 0.0,
            system_area: 0.0,
            busy_area: 0.0,
            waits: Histogram::default(),
            latencies: Histogram::default(),
            series: Series::new(span),
            digest: DIGEST_START,
        }
    }

    /// Integrates the levels up to `now`.
    fn advance(&mut self, now: Nanos) {
        let dt = (now - self.last) as f64;
        let c = &self.counts;
        self.waiting_area += c.waiting as f64 * dt;
        self.system_area += (c.waiting + c.in_service) as f64 * dt;
        self.busy_area += c.in_service.min(u64::from(self.workers)) as f64 * dt;
        self.series.spread_queue(self.last, now, c.waiting);
        self.last = now;
    }

    /// A request arrived at `t`.
    pub fn arrive(&mut self, t: Nanos) {
        self.advance(t);
        self.counts.arrivals += 1;
        self.digest = (self.digest ^ t).wrapping_mul(DIGEST_PRIME);
        self.series.at(t).arrivals += 1;
    }

    /// The request that arrived at `t` was rejected or dropped.
    pub fn turn_away(&mut self, t: Nanos) {
        self.counts.turned_away += 1;
        self.series.at(t).turned_away += 1;
    }

    /// The request that arrived at `t` went into the queue.
    pub fn enqueue(&mut self, t: Nanos) {
        self.advance(t);
        self.counts.waiting += 1;
        self.max_waiting = self.max_waiting.max(self.counts.waiting);
        let bucket = self.series.at(t);
        bucket.queue_max = bucket.queue_max.max(self.counts.waiting);
    }

    /// A worker starts, at `now`, on a request that arrived at `arrival`;
    /// `queued` if it came out of the queue.
    pub fn start(&mut self, now: Nanos, arrival: Nanos, queued: bool) {
        self.advance(now);
        if queued {
            self.counts.waiting -= 1;
        }
        self.counts.in_service += 1;
        self.waited += u64::from(now > arrival);
        self.waits.record(now - arrival);
    }

    /// The request that arrived at `arrival` is served, at `now`.
    pub fn finish(&mut self, now: Nanos, arrival: Nanos) {
        self.advance(now);
        self.counts.in_service -= 1;
        self.counts.served += 1;
        self.latencies.record(now - arrival);
        self.series.at(now).served += 1;
    }

    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// The digest of the arrival times so far (equal for equal sequences).
    pub fn arrival_digest(&self) -> u64 {
        self.digest
    }

    pub fn series(&self) -> &Series {
        &self.series
    }

    /// Latencies (arrival → completion) of the requests served.
    pub fn latencies(&self) -> &Histogram {
        &self.latencies
    }

    /// Waits (arrival → start of service) of the requests let in.
    pub fn waits(&self) -> &Histogram {
        &self.waits
    }

    /// The time averages over `[0, end]` (with `end` at or after the last
    /// call): requests waiting, requests in the system, busy workers.
    fn averages(&self, end: Nanos) -> (f64, f64, f64) {
        let dt = end.saturating_sub(self.last) as f64;
        let c = &self.counts;
        let areas = (
            self.waiting_area + c.waiting as f64 * dt,
            self.system_area + (c.waiting + c.in_service) as f64 * dt,
            self.busy_area + c.in_service.min(u64::from(self.workers)) as f64 * dt,
        );
        if end == 0 {
            return (0.0, 0.0, 0.0);
        }
        let end = end as f64;
        (areas.0 / end, areas.1 / end, areas.2 / end)
    }

    /// The foundation's statistics at `end`: throughput, waits in queue,
    /// queue length, utilisation.
    pub fn stats(&self, end: Nanos) -> StatsReport {
        let (queue, _, busy) = self.averages(end);
        let secs = end as f64 / 1e9;
        let ms = |nanos: f64| nanos / 1e6;
        StatsReport {
            throughput_per_s: if secs > 0.0 {
                self.counts.served as f64 / secs
            } else {
                0.0
            },
            mean_wait_ms: ms(self.waits.mean()),
            p50_wait_ms: ms(self.waits.quantile(0.50)),
            p95_wait_ms: ms(self.waits.quantile(0.95)),
            p99_wait_ms: ms(self.waits.quantile(0.99)),
            mean_queue_len: queue,
            max_queue_len: self.max_waiting,
            utilization: busy / f64::from(self.workers),
        }
    }

    /// The figures the theory predicts, as measured over `[0, end]`.
    pub fn measured(&self, end: Nanos) -> Measured {
        let (lq, l, busy) = self.averages(end);
        let c = &self.counts;
        let ratio = |num: u64, den: u64| {
            if den > 0 {
                num as f64 / den as f64
            } else {
                0.0
            }
        };
        Measured {
            p_block: ratio(c.turned_away, c.arrivals),
            p_wait: ratio(self.waited, self.waits.len()),
            utilization: busy / f64::from(self.workers),
            wq_ms: self.waits.mean() / 1e6,
            lq,
            w_ms: self.latencies.mean() / 1e6,
            l,
        }
    }

    /// Latency percentiles of the requests served.
    pub fn latency(&self) -> LatencyReport {
        let h = &self.latencies;
        LatencyReport {
            mean_ms: h.mean() / 1e6,
            p50_ms: h.quantile(0.50) / 1e6,
            p95_ms: h.quantile(0.95) / 1e6,
            p99_ms: h.quantile(0.99) / 1e6,
        }
    }

    /// Little's law from the trace at `end`: the time-average number in the
    /// system L against throughput λ times mean latency W.
    pub fn little(&self, end: Nanos) -> LittleCheck {
        let (_, l, _) = self.averages(end);
        let lambda = if end > 0 {
            self.counts.served as f64 / (end as f64 / 1e9)
        } else {
            0.0
        };
        let w = self.latencies.mean() / 1e9;
        let lambda_w = lambda * w;
        LittleCheck {
            l,
            lambda_per_s: lambda,
            w_ms: w * 1e3,
            lambda_w,
            relative_error: if l > 0.0 {
                (l - lambda_w).abs() / l
            } else {
                0.0
            },
        }
    }

    /// The series as rates and levels per bucket, up to `end`.
    pub fn series_report(&self, end: Nanos) -> SeriesReport {
        let width = self.series.width;
        let buckets = &self.series.buckets;
        let n = buckets.len().max(end.div_ceil(width) as usize);
        let mut report = SeriesReport {
            bucket_ms: nanos_to_ms(width),
            arrivals_per_s: Vec::with_capacity(n),
            served_per_s: Vec::with_capacity(n),
            turned_away_per_s: Vec::with_capacity(n),
            mean_queue_len: Vec::with_capacity(n),
            max_queue_len: Vec::with_capacity(n),
        };
        for i in 0..n {
            let start = i as Nanos * width;
            let b = buckets.get(i).copied().unwrap_or_default();
            // The last bucket may be partly covered yet.
            let covered = (end.max(start) - start).clamp(1, width) as f64;
            // The queue level since the last call is not in the areas yet.
            let (from, to) = (self.last.max(start), end.min(start + width));
            let open = self.counts.waiting as f64 * to.saturating_sub(from) as f64;
            let per_s = |count: u64| count as f64 / (covered / 1e9);
            report.arrivals_per_s.push(per_s(b.arrivals));
            report.served_per_s.push(per_s(b.served));
            report.turned_away_per_s.push(per_s(b.turned_away));
            report.mean_queue_len.push((b.queue_area + open) / covered);
            report.max_queue_len.push(if open > 0.0 {
                b.queue_max.max(self.counts.waiting)
            } else {
                b.queue_max
            });
        }
        report
    }
}

/// Latency (arrival → completion) of the requests served.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LatencyReport {
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

/// The measured counterparts of [`crate::theory::TheoryReport`]'s figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measured {
    /// Fraction of arrivals rejected or dropped.
    pub p_block: f64,
    /// Fraction of the requests let in that had to wait.
    pub p_wait: f64,
    pub utilization: f64,
    /// Mean wait in queue.
    pub wq_ms: f64,
    /// Time-average queue length.
    pub lq: f64,
    /// Mean latency.
    pub w_ms: f64,
    /// Time-average number in the system.
    pub l: f64,
}

/// Little's law, L = λW, checked on the trace.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LittleCheck {
    /// Time-average number of requests in the system.
    pub l: f64,
    /// Throughput.
    pub lambda_per_s: f64,
    /// Mean latency.
    pub w_ms: f64,
    pub lambda_w: f64,
    /// |L − λW| / L.
    pub relative_error: f64,
}

/// The time series, one value per bucket of `bucket_ms`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesReport {
    pub bucket_ms: f64,
    pub arrivals_per_s: Vec<f64>,
    pub served_per_s: Vec<f64>,
    /// Rejected (direct) or dropped (queued) per second.
    pub turned_away_per_s: Vec<f64>,
    pub mean_queue_len: Vec<f64>,
    pub max_queue_len: Vec<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_widths_are_round() {
        assert_eq!(Series::new(60_000_000_000).width(), 500_000_000);
        assert_eq!(Series::new(1_000).width(), 5);
        assert_eq!(Series::new(0).width(), 1);
    }

    #[test]
    fn a_long_run_coarsens_instead_of_growing() {
        let mut m = Meter::new(1, 1_000);
        for i in 0..10_000u64 {
            let t = i * 100;
            m.arrive(t);
            m.start(t, t, false);
            m.finish(t + 50, t);
        }
        let s = m.series();
        assert!(s.buckets().len() <= MAX_BUCKETS);
        let arrivals: u64 = s.buckets().iter().map(|b| b.arrivals).sum();
        assert_eq!(arrivals, 10_000, "merging keeps every count");
        let r = m.stats(1_000_000);
        assert!((r.utilization - 0.5).abs() < 1e-12, "{}", r.utilization);
    }

    #[test]
    fn queue_levels_areas_and_little_follow_the_calls() {
        let mut m = Meter::new(1, 1_000);
        // Two requests at 0: one served 0..100, the other waits 0..100, served 100..300.
        m.arrive(0);
        m.start(0, 0, false);
        m.arrive(0);
        m.enqueue(0);
        m.finish(100, 0);
        m.start(100, 0, true);
        m.finish(300, 0);
        // A third arrives when nothing has room.
        m.arrive(300);
        m.turn_away(300);
        let c = m.counts();
        assert!(c.conserved());
        assert_eq!((c.served, c.turned_away), (2, 1));
        let stats = m.stats(400);
        assert!((stats.mean_queue_len - 100.0 / 400.0).abs() < 1e-12);
        assert_eq!(stats.max_queue_len, 1);
        assert!((stats.mean_wait_ms - 50.0 / 1e6).abs() < 1e-12);
        assert!((stats.utilization - 300.0 / 400.0).abs() < 1e-12);
        let measured = m.measured(400);
        assert!((measured.p_block - 1.0 / 3.0).abs() < 1e-12);
        assert!((measured.p_wait - 0.5).abs() < 1e-12, "one of two waited");
        assert!((measured.w_ms - 200.0 / 1e6).abs() < 1e-12);
        let little = m.little(400);
        // In the system: 2 for 100 ns, 1 for 200 ns → L = 400/400.
        assert!((little.l - 1.0).abs() < 1e-12);
        assert!(little.relative_error < 1e-12, "{little:?}");
        let series = m.series_report(400);
        assert_eq!(series.bucket_ms, 5e-6);
        assert_eq!(series.arrivals_per_s.len(), 80);
        let queued: f64 = series.mean_queue_len.iter().sum::<f64>() * 5.0;
        assert!(
            (queued - 100.0).abs() < 1e-9,
            "the queue area spreads over buckets"
        );
    }

    #[test]
    fn the_open_queue_level_counts_in_the_series() {
        let mut m = Meter::new(1, 1_000);
        m.arrive(0);
        m.start(0, 0, false);
        m.arrive(0);
        m.enqueue(0);
        let series = m.series_report(10);
        assert_eq!(series.mean_queue_len, vec![1.0, 1.0]);
        assert_eq!(series.max_queue_len, vec![1, 1]);
        assert_eq!(m.stats(10).mean_queue_len, 1.0);
    }

    #[test]
    fn digest_is_order_sensitive() {
        assert_eq!(digest([1, 2]), digest([1, 2]));
        assert_ne!(digest([1, 2]), digest([2, 1]));
        let mut m = Meter::new(1, 10);
        m.arrive(1);
        m.turn_away(1);
        m.arrive(2);
        m.turn_away(2);
        assert_eq!(m.arrival_digest(), digest([1, 2]));
    }
}
