//! The charts' data, derived from a run's events in bounded memory: the
//! queue length over time (a step function), the cumulative counts produced
//! and consumed, and a histogram of waiting times (put → get); plus the
//! axis arithmetic (nice ticks) to draw them.
//!
//! Long runs stay cheap: events are gathered into time buckets, at most
//! [`MAX_POINTS`] of them; when there are more, the bucket width doubles and
//! neighbours merge. A bucket keeps the queue's minimum and maximum, so
//! peaks survive the merging. The histogram has [`WAIT_BINS`] bins whose
//! width doubles when a longer wait arrives.
//!
//! The charts draw fewer points still: [`Series::chart_data`] merges the
//! buckets into at most [`CHART_COLUMNS`] columns of the time axis (the same
//! merge, so a column keeps its minimum and maximum and the queue's peak
//! stays drawn at its true height). A chart is about 300 units wide; more
//! vertices than that only cost the wire, the SVG and its paint.

use crate::number::fixed;
use crate::trace::{Event, EventKind, Nanos};

/// Most buckets kept; merging halves them.
pub const MAX_POINTS: usize = 2000;
/// Most columns of the time axis a chart's polylines have (each one a
/// vertical stroke through its minimum and maximum at most).
pub const CHART_COLUMNS: u64 = 300;
/// Width of a time bucket at the start: 1 µs.
const FIRST_WIDTH: Nanos = 1_000;
/// Bins of the waiting-time histogram.
pub const WAIT_BINS: usize = 40;
/// Width of a histogram bin at the start: 1 µs.
const FIRST_BIN_WIDTH: Nanos = 1_000;

/// Vertices `(time, value)` of a step polyline.
pub type Steps = Vec<(Nanos, u64)>;

/// The events of one time bucket, summarised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    /// Time of the bucket's first event.
    pub t: Nanos,
    /// Smallest and largest queue length within the bucket (including the
    /// length it started with).
    pub queue_min: u64,
    pub queue_max: u64,
    /// Queue length after the bucket's last event.
    pub queue_last: u64,
    /// Items produced and consumed up to the end of the bucket.
    pub produced: u64,
    pub consumed: u64,
}

impl Point {
    /// Takes in a later bucket (or event) of the same time span: the
    /// extremes of both, the later one's last values.
    #[inline(always)]
    fn absorb(&mut self, later: &Point) {
        self.queue_min = self.queue_min.min(later.queue_min);
        self.queue_max = self.queue_max.max(later.queue_max);
        self.queue_last = later.queue_last;
        self.produced = later.produced;
        self.consumed = later.consumed;
    }
}

/// One bin of the waiting-time histogram: waits in `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitBin {
    pub from: Nanos,
    pub to: Nanos,
    pub count: u64,
}

/// Chart data accumulated from events, one at a time, in time order.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    points: Vec<Point>,
    /// Bucket width: a point covers `[k·width, (k+1)·width)` where
    /// `k = t / width`.
    width: Nanos,
    /// The last nanosecond of the last point's bucket (`(k + 1)·width − 1`,
    /// or the end of time), so that an event tells its bucket by a compare,
    /// not a division.
    bucket_last: Nanos,
    last_time: Nanos,
    queue: u64,
    produced: u64,
    consumed: u64,
    waits: [u64; WAIT_BINS],
    bin_width: Nanos,
    /// The longest wait the bins hold: `WAIT_BINS · bin_width − 1`, or the
    /// longest there is.
    longest_binned: Nanos,
    wait_count: u64,
}

impl Default for Series {
    fn default() -> Self {
        Series {
            points: Vec::new(),
            width: FIRST_WIDTH,
            bucket_last: 0,
            last_time: 0,
            queue: 0,
            produced: 0,
            consumed: 0,
            waits: [0; WAIT_BINS],
            bin_width: FIRST_BIN_WIDTH,
            longest_binned: FIRST_BIN_WIDTH * WAIT_BINS as u64 - 1,
            wait_count: 0,
        }
    }
}

impl Series {
    /// Takes one event into account, with, for a get, how long its item
    /// waited as the run's statistics measured it ([`Stats::record`]'s
    /// answer; the series keeps no ledger of its own). Events come in time
    /// order (an earlier one is counted at the latest time seen).
    ///
    /// Always inlined (it takes most events of a page's run): what is rare,
    /// a new bucket or wider histogram bins, is out of line.
    ///
    /// [`Stats::record`]: crate::stats::Stats::record
    #[inline(always)]
    pub fn record(&mut self, event: &Event, wait: Option<Nanos>) {
        let t = event.time.max(self.last_time);
        match event.kind {
            EventKind::Produce => self.produced += 1,
            EventKind::Consume => self.consumed += 1,
            // A redelivered item is back in the queue, waiting again (as
            // `Stats` counts it).
            EventKind::Put | EventKind::Redeliver => self.queue += 1,
            EventKind::Get => {
                self.queue = self.queue.saturating_sub(1);
                if let Some(wait) = wait {
                    self.record_wait(wait);
                }
            }
            EventKind::Drop => self.queue = self.queue.saturating_sub(1),
            _ => return,
        }
        self.last_time = t;
        self.update_bucket(t);
    }

    #[inline]
    fn update_bucket(&mut self, t: Nanos) {
        let now = self.point_at(t);
        // Events come in time order: the last bucket's, or a later one's.
        match self.points.last_mut() {
            Some(p) if t <= self.bucket_last => p.absorb(&now),
            _ => self.new_bucket(t),
        }
    }

    /// The series at `t` as a bucket of one event.
    #[inline(always)]
    fn point_at(&self, t: Nanos) -> Point {
        Point {
            t,
            queue_min: self.queue,
            queue_max: self.queue,
            queue_last: self.queue,
            produced: self.produced,
            consumed: self.consumed,
        }
    }

    /// Starts a bucket at `t` (the queue's extremes include the length it
    /// started with), merging buckets when there are too many.
    #[inline(never)]
    fn new_bucket(&mut self, t: Nanos) {
        let before = self.points.last().map_or(0, |p| p.queue_last);
        let mut first = self.point_at(t);
        first.queue_min = first.queue_min.min(before);
        first.queue_max = first.queue_max.max(before);
        self.points.push(first);
        if self.points.len() > MAX_POINTS {
            self.compact();
        }
        // The bucket of `t`: the last one, after a merge too.
        let start = t / self.width * self.width;
        self.bucket_last = start.saturating_add(self.width - 1);
    }

    /// Doubles the bucket width, merging neighbours, until at most
    /// [`MAX_POINTS`] buckets are left (usually about half of it).
    fn compact(&mut self) {
        while self.points.len() > MAX_POINTS {
            self.width = self.width.saturating_mul(2);
            let width = self.width;
            let mut merged: Vec<Point> = Vec::with_capacity(self.points.len());
            for p in self.points.drain(..) {
                merge_into(&mut merged, p, width);
            }
            self.points = merged;
        }
    }

    /// The buckets up to `end`, merged into columns of `end /`
    /// [`CHART_COLUMNS`] (at most `CHART_COLUMNS + 1` of them) when there
    /// are more buckets than that.
    fn columns(&self, end: Nanos) -> Vec<Point> {
        let upto = self.points.partition_point(|p| p.t <= end);
        let points = &self.points[..upto];
        if points.len() as u64 <= CHART_COLUMNS {
            return points.to_vec();
        }
        let width = end.div_ceil(CHART_COLUMNS).max(1);
        let mut merged = Vec::with_capacity(CHART_COLUMNS as usize + 1);
        for &p in points {
            merge_into(&mut merged, p, width);
        }
        merged
    }

    #[inline]
    fn record_wait(&mut self, wait: Nanos) {
        if wait > self.longest_binned {
            self.widen_bins(wait);
        }
        self.waits[(wait / self.bin_width) as usize] += 1;
        self.wait_count += 1;
    }

    /// Doubles the bins' width, merging neighbours, until `wait` fits.
    #[inline(never)]
    fn widen_bins(&mut self, wait: Nanos) {
        while wait > self.longest_binned {
            for i in 0..WAIT_BINS {
                self.waits[i] = if i < WAIT_BINS / 2 {
                    self.waits[2 * i] + self.waits[2 * i + 1]
                } else {
                    0
                };
            }
            self.bin_width = self.bin_width.saturating_mul(2);
            self.longest_binned = self
                .bin_width
                .checked_mul(WAIT_BINS as u64)
                .map_or(Nanos::MAX, |end| end - 1);
        }
    }

    /// The buckets, in time order.
    pub fn points(&self) -> &[Point] {
        &self.points
    }

    /// The time of the latest event counted.
    pub fn last_time(&self) -> Nanos {
        self.last_time
    }

    /// Items produced so far.
    pub fn produced(&self) -> u64 {
        self.produced
    }

    /// Items consumed so far.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    /// The largest queue length so far.
    pub fn max_queue(&self) -> u64 {
        self.points.iter().map(|p| p.queue_max).max().unwrap_or(0)
    }

    /// The queue length as a polyline up to `end`: `(time, length)`
    /// vertices of a step function starting at `(0, 0)`, at most about
    /// 4 × [`CHART_COLUMNS`] of them. A bucket or column that merged several
    /// changes is drawn as a vertical stroke through its minimum and
    /// maximum, so no peak is lost.
    pub fn queue_steps(&self, end: Nanos) -> Steps {
        queue_line(&self.columns(end), end)
    }

    /// Cumulative items produced (first) and consumed (second) as step
    /// polylines up to `end`, starting at `(0, 0)`, at most about
    /// 2 × [`CHART_COLUMNS`] vertices each.
    pub fn flow_steps(&self, end: Nanos) -> (Steps, Steps) {
        flow_lines(&self.columns(end), end)
    }

    /// The waiting-time histogram, from 0 up to the last non-empty bin
    /// (empty when no item was got yet).
    pub fn wait_bins(&self) -> Vec<WaitBin> {
        let used = self
            .waits
            .iter()
            .rposition(|&n| n > 0)
            .map_or(0, |last| last + 1);
        (0..used)
            .map(|i| WaitBin {
                from: i as u64 * self.bin_width,
                to: (i as u64 + 1).saturating_mul(self.bin_width),
                count: self.waits[i],
            })
            .collect()
    }

    /// How many waits the histogram holds (items got).
    pub fn wait_count(&self) -> u64 {
        self.wait_count
    }

    /// Everything the three charts draw at virtual time `end`, for a queue
    /// of `capacity` (0 = unbounded).
    pub fn chart_data(&self, end: Nanos, capacity: usize) -> ChartData {
        let columns = self.columns(end);
        let (produced, consumed) = flow_lines(&columns, end);
        ChartData {
            end,
            capacity,
            queue: queue_line(&columns, end),
            produced,
            consumed,
            waits: self.wait_bins(),
            wait_count: self.wait_count,
        }
    }
}

/// A snapshot of the charts' data at one moment (what the chart
/// components take as props).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartData {
    /// The moment shown: the right end of the time axes.
    pub end: Nanos,
    /// The queue's capacity; 0 = unbounded.
    pub capacity: usize,
    /// Queue length over time ([`Series::queue_steps`]).
    pub queue: Steps,
    /// Cumulative items produced and consumed ([`Series::flow_steps`]).
    pub produced: Steps,
    pub consumed: Steps,
    /// Waiting times ([`Series::wait_bins`]).
    pub waits: Vec<WaitBin>,
    /// Items got so far (the histogram's total).
    pub wait_count: u64,
}

impl ChartData {
    /// The largest value of a step polyline.
    pub fn peak(steps: &[(Nanos, u64)]) -> u64 {
        steps.iter().map(|&(_, v)| v).max().unwrap_or(0)
    }
}

/// Adds bucket `p` to the last of `merged` when both fall in the same
/// `width`-wide column (keeping the extremes and the last values), or
/// appends it.
fn merge_into(merged: &mut Vec<Point>, p: Point, width: Nanos) {
    match merged.last_mut() {
        Some(q) if q.t / width == p.t / width => q.absorb(&p),
        _ => merged.push(p),
    }
}

/// The queue's step polyline through `points` up to `end`.
fn queue_line(points: &[Point], end: Nanos) -> Steps {
    let mut line = Polyline::new();
    let mut before = 0;
    for p in points {
        line.push(p.t, before);
        if p.queue_min < before.min(p.queue_last) {
            line.push(p.t, p.queue_min);
        }
        if p.queue_max > before.max(p.queue_last) {
            line.push(p.t, p.queue_max);
        }
        line.push(p.t, p.queue_last);
        before = p.queue_last;
    }
    line.finish(end, before)
}

/// The produced and consumed step polylines through `points` up to `end`.
fn flow_lines(points: &[Point], end: Nanos) -> (Steps, Steps) {
    let mut produced = Polyline::new();
    let mut consumed = Polyline::new();
    let (mut p_before, mut c_before) = (0, 0);
    for p in points {
        produced.push(p.t, p_before);
        produced.push(p.t, p.produced);
        consumed.push(p.t, c_before);
        consumed.push(p.t, p.consumed);
        (p_before, c_before) = (p.produced, p.consumed);
    }
    (
        produced.finish(end, p_before),
        consumed.finish(end, c_before),
    )
}

/// Polyline vertices from `(0, 0)`, without repeats.
struct Polyline(Steps);

impl Polyline {
    fn new() -> Self {
        Polyline(vec![(0, 0)])
    }

    fn push(&mut self, t: Nanos, v: u64) {
        match self.0.as_mut_slice() {
            [.., last] if *last == (t, v) => {}
            // A level run: move its end instead of adding a vertex.
            [.., (_, a), last] if *a == v && last.1 == v => last.0 = t,
            _ => self.0.push((t, v)),
        }
    }

    /// Runs level to `end` (or to the last vertex).
    fn finish(mut self, end: Nanos, last: u64) -> Steps {
        let until = self.0.last().map_or(end, |&(t, _)| t.max(end));
        self.push(until, last);
        self.0
    }
}

/// A linear axis from 0 to `max`, with a tick every `step`; both are
/// "nice" numbers (1, 2 or 5 times a power of ten).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Axis {
    pub max: f64,
    pub step: f64,
}

/// The power of ten at or below `x` and its exponent, `floor(log10(x))`
/// (1 and 0 for anything not positive and finite), by multiplying by ten:
/// `powf` and `log10` would bring 3 KB of the maths library into the page.
/// Exact from 1e-22 to 1e22 (powers of ten are exact doubles up to 1e22);
/// beyond, within one decade, which an axis does not notice.
fn decade(x: f64) -> (f64, i32) {
    if !(x.is_finite() && x > 0.0) {
        return (1.0, 0);
    }
    let (mut power, mut exponent) = (1.0f64, 0);
    if x >= 1.0 {
        while power * 10.0 <= x {
            power *= 10.0;
            exponent += 1;
        }
        (power, exponent)
    } else {
        // 10^-k is 1 / 10^k, both exact up to 10^22, so this is the
        // nearest double to the power, as powf gives it.
        while x * power < 1.0 {
            power *= 10.0;
            exponent -= 1;
        }
        (1.0 / power, exponent)
    }
}

impl Axis {
    /// An axis covering `0..=data_max` with about `ticks` intervals;
    /// `whole` keeps the step at 1 or more (for counts of items).
    pub fn new(data_max: f64, ticks: u32, whole: bool) -> Axis {
        let data_max = if data_max.is_finite() && data_max > 0.0 {
            data_max
        } else {
            1.0
        };
        let raw = data_max / f64::from(ticks.max(1));
        let (magnitude, _) = decade(raw);
        let mut step = [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|m| m * magnitude)
            .find(|&s| s >= raw * (1.0 - 1e-9))
            .unwrap_or(10.0 * magnitude);
        if whole {
            step = step.max(1.0).round();
        }
        let max = (data_max / step - 1e-9).ceil().max(1.0) * step;
        Axis { max, step }
    }

    /// An axis ending exactly at `data_max` (e.g. the moment shown), with
    /// nice ticks inside it; like [`Axis::new`] when `data_max` is not
    /// positive.
    pub fn exact(data_max: f64, ticks: u32) -> Axis {
        let nice = Axis::new(data_max, ticks, false);
        if data_max.is_finite() && data_max > 0.0 {
            Axis {
                max: data_max,
                step: nice.step,
            }
        } else {
            nice
        }
    }

    /// The tick values, from 0 up to `max`.
    pub fn ticks(&self) -> Vec<f64> {
        let n = (self.max / self.step + 1e-9).floor() as u32;
        (0..=n).map(|i| f64::from(i) * self.step).collect()
    }

    /// A tick's label, with as many decimals as the step needs.
    pub fn label(&self, value: f64) -> String {
        let decimals = (-decade(self.step).1).max(0) as usize;
        fixed(value, decimals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Stats;

    /// A series fed as a run feeds it: each event through the statistics
    /// first, which measure each get's wait.
    #[derive(Default)]
    struct Fed {
        series: Series,
        stats: Stats,
    }

    impl Fed {
        fn record(&mut self, event: &Event) {
            let wait = self.stats.record(event);
            self.series.record(event, wait);
        }
    }

    impl std::ops::Deref for Fed {
        type Target = Series;

        fn deref(&self) -> &Series {
            &self.series
        }
    }

    #[test]
    fn decade_is_floor_log10_and_its_power() {
        for x in [
            1e-12_f64, 0.000_73, 0.01, 0.099, 0.1, 0.3, 0.999, 1.0, 1.5, 9.99, 10.0, 57.0, 99.9,
            100.0, 12_345.0, 1e15, 7.3e21,
        ] {
            let exponent = x.log10().floor();
            let (power, e) = decade(x);
            assert_eq!(f64::from(e), exponent, "{x}");
            assert_eq!(power, 10f64.powf(exponent), "{x}");
        }
        assert_eq!(decade(0.0), (1.0, 0));
        assert_eq!(decade(f64::NAN), (1.0, 0));
    }
    use crate::trace::testing::ev;

    const MS: Nanos = 1_000_000;

    #[test]
    fn a_short_run_is_kept_exactly() {
        let mut s = Fed::default();
        for e in [
            ev(10 * MS, 1, EventKind::Produce, Some(1)),
            ev(10 * MS, 1, EventKind::Put, Some(1)),
            ev(20 * MS, 1, EventKind::Produce, Some(2)),
            ev(20 * MS, 1, EventKind::Put, Some(2)),
            ev(30 * MS, 1, EventKind::Get, Some(1)),
            ev(35 * MS, 1, EventKind::GetBlocked, Some(0)), // changes nothing
            ev(50 * MS, 1, EventKind::Consume, Some(1)),
        ] {
            s.record(&e);
        }
        assert_eq!(s.points().len(), 4);
        assert_eq!(
            s.queue_steps(60 * MS),
            vec![
                (0, 0),
                (10 * MS, 0),
                (10 * MS, 1),
                (20 * MS, 1),
                (20 * MS, 2),
                (30 * MS, 2),
                (30 * MS, 1),
                (60 * MS, 1)
            ]
        );
        let (produced, consumed) = s.flow_steps(60 * MS);
        assert_eq!(produced.last(), Some(&(60 * MS, 2)));
        assert_eq!(
            consumed,
            vec![(0, 0), (50 * MS, 0), (50 * MS, 1), (60 * MS, 1)]
        );
        // Item 1 waited 20 ms: one wait, in the last bin.
        assert_eq!(s.wait_count(), 1);
        let bins = s.wait_bins();
        let last = bins.last().unwrap();
        assert_eq!(last.count, 1);
        assert!(last.from <= 20 * MS && 20 * MS < last.to, "{last:?}");
        assert!(bins.len() > WAIT_BINS / 2 && bins.len() <= WAIT_BINS);
        assert_eq!(s.max_queue(), 2);
        assert_eq!(s.last_time(), 50 * MS);
    }

    #[test]
    fn steps_are_cut_at_the_end_time() {
        let mut s = Fed::default();
        s.record(&ev(10 * MS, 1, EventKind::Put, Some(1)));
        s.record(&ev(30 * MS, 1, EventKind::Put, Some(2)));
        assert_eq!(
            s.queue_steps(20 * MS),
            vec![(0, 0), (10 * MS, 0), (10 * MS, 1), (20 * MS, 1)]
        );
        assert_eq!(Series::default().queue_steps(5), vec![(0, 0), (5, 0)]);
    }

    /// A long run: the queue climbs in saw teeth with one tall spike.
    #[test]
    fn a_long_run_stays_bounded_and_keeps_its_peak() {
        let mut s = Fed::default();
        let mut seq = 0;
        let mut put = |s: &mut Fed, t: Nanos, n: u32| {
            for _ in 0..n {
                seq += 1;
                s.record(&ev(t, 1, EventKind::Produce, Some(seq)));
                s.record(&ev(t, 1, EventKind::Put, Some(seq)));
            }
        };
        let mut got = 0;
        let mut take = |s: &mut Fed, t: Nanos, n: u32| {
            for _ in 0..n {
                got += 1;
                s.record(&ev(t, 1, EventKind::Get, Some(got)));
                s.record(&ev(t + 1, 1, EventKind::Consume, Some(got)));
            }
        };
        let mut t = 0;
        for round in 0..100_000u64 {
            t += 997;
            let n = if round == 54_321 { 500 } else { 3 };
            put(&mut s, t, n);
            t += 1_009;
            take(&mut s, t, n);
            assert!(s.points().len() <= MAX_POINTS);
        }
        assert!(s.points().len() >= MAX_POINTS / 2);
        assert_eq!(s.max_queue(), 500);
        let steps = s.queue_steps(t + 10);
        assert!(steps.iter().any(|&(_, v)| v == 500));
        // The chart draws columns, not buckets: a few vertices per column.
        let columns = CHART_COLUMNS as usize + 1;
        assert!(steps.len() <= 4 * columns + 2, "{}", steps.len());
        assert!(
            steps.windows(2).all(|w| w[0].0 <= w[1].0),
            "time only moves on"
        );
        let (produced, consumed) = s.flow_steps(t + 10);
        assert!(produced.len() <= 2 * columns + 2, "{}", produced.len());
        assert!(consumed.len() <= 2 * columns + 2, "{}", consumed.len());
        let total = 99_999 * 3 + 500;
        assert_eq!(produced.last().unwrap().1, total);
        assert_eq!(consumed.last().unwrap().1, total);
        // At any moment, the chart's peak is the queue's true maximum so far,
        // and its last values are the counts at that moment.
        let spike = 54_321 * (997 + 1_009) + 997;
        for end in [spike - 1, spike, spike + 1_009, t / 3, t] {
            let upto = s.points().partition_point(|p| p.t <= end);
            let kept = &s.points()[..upto];
            let most = kept.iter().map(|p| p.queue_max).max().unwrap_or(0);
            let data = s.chart_data(end, 0);
            assert_eq!(ChartData::peak(&data.queue), most, "at {end}");
            assert_eq!(
                data.queue.last(),
                Some(&(end, kept.last().unwrap().queue_last))
            );
            assert_eq!(
                data.produced.last().unwrap().1,
                kept.last().unwrap().produced
            );
            assert!(data.queue.iter().all(|&(at, _)| at <= end));
        }
        assert_eq!(ChartData::peak(&s.chart_data(spike, 0).queue), 500);
        assert_eq!(s.wait_count(), total);
        let binned: u64 = s.wait_bins().iter().map(|b| b.count).sum();
        assert_eq!(binned, total);
        // Every item went in and came out again.
        assert!(s.stats.conserved(0));
    }

    #[test]
    fn each_bucket_holds_exactly_the_events_of_its_time_span() {
        // Every 3 µs to 5 ms apart, with a jump to near the end of time and
        // the last event at its very end, so that buckets merge many times
        // and the last bucket's end saturates. After every event, the
        // newest bucket starts at the first event of its time span, its
        // neighbour lies in an earlier span, and every item made so far is
        // counted.
        let mut s = Fed::default();
        let mut times = Vec::new();
        let mut state: u64 = 7;
        let mut t: Nanos = 0;
        for seq in 1..=30_000u32 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            t = match seq {
                29_000 => Nanos::MAX - 10_000 * MS,
                // The last two at the very end of time.
                29_999.. => Nanos::MAX - Nanos::from(30_000 - seq),
                _ => t + 3_000 + (state >> 33) % (5 * MS),
            };
            times.push(t);
            s.record(&ev(t, 1, EventKind::Produce, Some(seq)));
            let width = s.width;
            let [.., before, last] = s.points() else {
                continue;
            };
            let start = last.t / width * width;
            let first = times[times.partition_point(|&t| t < start)];
            assert_eq!(first, last.t, "event {seq}");
            assert!(before.t / width < last.t / width, "event {seq}");
            assert_eq!(last.produced, u64::from(seq));
        }
        assert!(s.width > FIRST_WIDTH, "buckets merged");
    }

    #[test]
    fn histogram_bins_double_without_losing_counts() {
        let mut s = Fed::default();
        let waits = [0, 5, 39_999, 40_000, 1_000_000, 7 * MS, Nanos::MAX - 1];
        for seq in (1..).take(waits.len()) {
            s.record(&ev(0, 1, EventKind::Put, Some(seq)));
        }
        for (seq, &w) in (1..).zip(&waits) {
            s.record(&ev(w, 1, EventKind::Get, Some(seq)));
        }
        let bins = s.wait_bins();
        assert_eq!(
            bins.iter().map(|b| b.count).sum::<u64>(),
            waits.len() as u64
        );
        for &w in &waits {
            let bin = bins.iter().find(|b| b.from <= w && w < b.to).unwrap();
            assert!(bin.count > 0, "{w} in {bin:?}");
        }
        assert_eq!(bins[0].from, 0);
        assert!(bins.windows(2).all(|b| b[0].to == b[1].from));
        assert!(bins.len() <= WAIT_BINS);
        // The longest wait there is fits the last bin.
        let mut longest = Series::default();
        longest.record_wait(Nanos::MAX);
        let bins = longest.wait_bins();
        assert_eq!(bins.last().map(|b| b.count), Some(1));
        assert!(bins.len() <= WAIT_BINS);
    }

    #[test]
    fn a_drop_leaves_the_queue_without_a_wait() {
        let mut s = Fed::default();
        s.record(&ev(0, 1, EventKind::Put, Some(1)));
        s.record(&ev(0, 1, EventKind::Put, Some(2)));
        s.record(&ev(MS, 1, EventKind::Drop, Some(1)));
        s.record(&ev(2 * MS, 1, EventKind::Get, Some(2)));
        assert_eq!(s.wait_count(), 1);
        assert_eq!(s.queue_steps(3 * MS).last(), Some(&(3 * MS, 0)));
    }

    #[test]
    fn a_redelivered_item_queues_and_waits_again() {
        let mut s = Fed::default();
        s.record(&ev(0, 1, EventKind::Put, Some(1)));
        s.record(&ev(MS, 1, EventKind::Get, Some(1)));
        s.record(&ev(5 * MS, 1, EventKind::Redeliver, Some(1)));
        assert_eq!(s.queue_steps(6 * MS).last(), Some(&(6 * MS, 1)));
        s.record(&ev(7 * MS, 1, EventKind::Get, Some(1)));
        assert_eq!(s.wait_count(), 2);
        // The second wait is 2 ms (from the redelivery), not 7 ms.
        let last = *s.wait_bins().last().unwrap();
        assert!(last.from <= 2 * MS && 2 * MS < last.to, "{last:?}");
        assert_eq!(s.produced(), 0);
    }

    #[test]
    fn chart_data_is_the_series_at_one_moment() {
        let mut s = Fed::default();
        s.record(&ev(MS, 1, EventKind::Produce, Some(1)));
        s.record(&ev(MS, 1, EventKind::Put, Some(1)));
        s.record(&ev(3 * MS, 1, EventKind::Get, Some(1)));
        let data = s.chart_data(4 * MS, 5);
        assert_eq!(data.end, 4 * MS);
        assert_eq!(data.capacity, 5);
        assert_eq!(data.queue, s.queue_steps(4 * MS));
        assert_eq!(ChartData::peak(&data.queue), 1);
        assert_eq!(ChartData::peak(&data.produced), 1);
        assert_eq!(ChartData::peak(&data.consumed), 0);
        assert_eq!(data.wait_count, 1);
        assert_eq!(data.waits.iter().map(|b| b.count).sum::<u64>(), 1);
        // An earlier moment cuts the steps.
        assert_eq!(ChartData::peak(&s.chart_data(0, 5).queue), 0);
    }

    #[test]
    fn axes_use_nice_steps_and_cover_the_data() {
        let a = Axis::new(7.3, 5, false);
        assert_eq!((a.max, a.step), (8.0, 2.0));
        assert_eq!(a.ticks(), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        let a = Axis::new(0.043, 4, false);
        assert!(
            (a.step - 0.02).abs() < 1e-12 && (a.max - 0.06).abs() < 1e-12,
            "{a:?}"
        );
        assert_eq!(a.label(0.04), "0.04");
        let a = Axis::new(3.0, 5, true);
        assert_eq!((a.max, a.step), (3.0, 1.0));
        assert_eq!(a.label(2.0), "2");
        let a = Axis::new(10.0, 5, true);
        assert_eq!((a.max, a.step), (10.0, 2.0));
        for empty in [0.0, -1.0, f64::NAN] {
            assert_eq!(
                Axis::new(empty, 5, true),
                Axis {
                    max: 1.0,
                    step: 1.0
                }
            );
        }
        let a = Axis::exact(5.8, 5);
        assert_eq!((a.max, a.step), (5.8, 2.0));
        assert_eq!(a.ticks(), vec![0.0, 2.0, 4.0]);
        assert_eq!(Axis::exact(0.0, 5), Axis::new(0.0, 5, false));
        let a = Axis::new(1234.0, 5, false);
        assert_eq!((a.max, a.step), (1500.0, 500.0));
        assert_eq!(a.label(1000.0), "1000");
    }
}
