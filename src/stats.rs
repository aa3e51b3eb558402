//! Statistics derived from the event stream, in bounded memory: counters,
//! the time-weighted queue length, waiting times (put → get) in a
//! log-linear histogram, consumer utilisation, and the conservation check
//! (every item put is got exactly once, still queued, or reported dropped);
//! and the [`Recorder`] every run keeps: these statistics, who waits where,
//! and the sentinels queued.

use std::collections::VecDeque;

use serde::Serialize;

use crate::lines::Waits;
use crate::trace::{nanos_to_ms, ActorId, Event, EventKind, ItemId, Nanos};

/// The items in the queue, in the order they went in, with the time each
/// went in: the conservation ledger, and where waits start.
///
/// The queue is first in, first out, and the events of a put or a get are
/// emitted as the item goes in or out, so the item a get takes is almost
/// always the oldest here: taking it costs no search and no hashing. Any
/// other (a bug the ledger is there to catch) is searched for. Likewise a
/// put is a new item whenever its producer has not put that number or a
/// later one before (producers number their items in order); only then
/// (a redelivery, or a bug) is the ledger searched for it.
#[derive(Default)]
struct Queued {
    items: VecDeque<(ItemId, Nanos)>,
    /// The highest number put so far by each producer (index = origin),
    /// for origins below [`Queued::TRACKED`].
    newest: Vec<u32>,
}

impl Queued {
    /// Producers tracked by number; items of others are always searched.
    const TRACKED: usize = 1 << 16;

    /// Records that `item` went in at `time`; false if it was in already
    /// (its time is then updated, as a map's insert would).
    fn insert(&mut self, item: ItemId, time: Nanos) -> bool {
        let origin = item.origin as usize;
        let fresh = match self.newest.get_mut(origin) {
            Some(newest) if *newest < item.seq => {
                *newest = item.seq;
                true
            }
            Some(_) => false,
            None if origin < Self::TRACKED => {
                self.newest.resize(origin + 1, 0);
                self.newest[origin] = item.seq;
                // Numbers start at 1: 0 means none put yet.
                item.seq > 0
            }
            None => false,
        };
        if !fresh {
            if let Some(entry) = self.items.iter_mut().find(|(i, _)| *i == item) {
                entry.1 = time;
                return false;
            }
        }
        self.items.push_back((item, time));
        true
    }

    /// Takes `item` out; when it went in, or `None` if it was not in.
    fn remove(&mut self, item: ItemId) -> Option<Nanos> {
        match self.items.front() {
            Some(&(oldest, time)) if oldest == item => {
                self.items.pop_front();
                Some(time)
            }
            _ => self.remove_later(item),
        }
    }

    /// [`remove`](Queued::remove) of an item that is not the oldest.
    #[inline(never)]
    fn remove_later(&mut self, item: ItemId) -> Option<Nanos> {
        let at = self.items.iter().position(|(i, _)| *i == item)?;
        self.items.remove(at).map(|(_, time)| time)
    }

    fn len(&self) -> usize {
        self.items.len()
    }
}

/// A histogram of durations with about 0.4% relative error and fixed size
/// (about 60 KB), so a run of any length keeps bounded memory.
#[derive(Clone)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    /// The exact sum of the values (a float sum would round at each add,
    /// and cost a conversion per value).
    sum: u128,
}

/// Values below this are counted exactly.
const EXACT: u64 = 256;
/// Sub-buckets per power of two above [`EXACT`].
const SUB: u64 = 128;

impl Default for Histogram {
    fn default() -> Self {
        Self {
            counts: vec![0; Self::bucket(u64::MAX) + 1],
            total: 0,
            sum: 0,
        }
    }
}

impl Histogram {
    fn bucket(value: u64) -> usize {
        if value < EXACT {
            return value as usize;
        }
        let exponent = 63 - u64::from(value.leading_zeros()); // >= 8
        let shift = exponent - 7;
        let mantissa = value >> shift; // in [128, 256)
        (EXACT + (exponent - 8) * SUB + (mantissa - SUB)) as usize
    }

    /// The middle of a bucket's range.
    fn representative(bucket: usize) -> f64 {
        let bucket = bucket as u64;
        if bucket < EXACT {
            return bucket as f64;
        }
        let exponent = (bucket - EXACT) / SUB + 8;
        let mantissa = (bucket - EXACT) % SUB + SUB;
        let shift = exponent - 7;
        let low = (mantissa << shift) as f64;
        low + ((1u64 << shift) as f64 - 1.0) / 2.0
    }

    /// Counts one value.
    pub fn record(&mut self, value: u64) {
        self.counts[Self::bucket(value)] += 1;
        self.total += 1;
        self.sum += u128::from(value);
    }

    /// How many values were recorded.
    pub fn len(&self) -> u64 {
        self.total
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The exact mean, 0 when empty.
    pub fn mean(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.sum as f64 / self.total as f64
        }
    }

    /// The value at quantile `q` in `[0, 1]` (nearest rank), 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (bucket, &count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return Self::representative(bucket);
            }
        }
        unreachable!("rank <= total")
    }
}

/// The figures the issue asks for, as reported in JSON.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StatsReport {
    pub throughput_per_s: f64,
    pub mean_wait_ms: f64,
    pub p50_wait_ms: f64,
    pub p95_wait_ms: f64,
    pub p99_wait_ms: f64,
    pub mean_queue_len: f64,
    pub max_queue_len: u64,
    pub utilization: f64,
}

/// Event counters.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub produced: u64,
    pub put: u64,
    pub got: u64,
    pub consumed: u64,
    pub task_done: u64,
    pub dropped: u64,
    pub errors: u64,
    /// Items a broker put back after an unacknowledged delivery (each is
    /// got once more).
    pub redelivered: u64,
}

/// Whether [`product`] tries 64 bits first: on 32-bit targets (wasm32) a
/// u128 product is a call (`__multi3`, 2% of the page's worker); on 64-bit
/// ones it is one instruction, and the test would only cost.
const NARROW_FIRST: bool = cfg!(target_pointer_width = "32");

/// `a · b` exactly; with `narrow_first`, in 64 bits when both are below
/// 2³² (a queue shorter than 4 billion items, events less than 4 s apart).
#[inline(always)]
fn product(a: u64, b: u64, narrow_first: bool) -> u128 {
    if narrow_first && (a | b) >> 32 == 0 {
        u128::from(a * b)
    } else {
        u128::from(a) * u128::from(b)
    }
}

/// Accumulates statistics from events, one at a time.
#[derive(Default)]
pub struct Stats {
    pub counts: Counts,
    queue_len: u64,
    max_queue_len: u64,
    /// The queue length integrated over time (items × ns), exactly.
    queue_area: u128,
    last_change: Nanos,
    /// Put time of every item now in the queue; also the conservation ledger.
    queued_since: Queued,
    waits: Histogram,
    /// When each busy consumer got its item, indexed by actor.
    busy_since: Vec<Option<Nanos>>,
    busy_total: Nanos,
    /// Gets or drops of items that were not in the queue.
    violations: u64,
}

impl Stats {
    /// Takes one event into account; of a get, returns how long its item
    /// waited (since its put, or its redelivery), if it was in the queue.
    ///
    /// Most events only count; those that move an item in or out of the
    /// queue do their work out of line, so that the counting stays cheap.
    #[inline(always)]
    pub fn record(&mut self, event: &Event) -> Option<Nanos> {
        let c = &mut self.counts;
        match event.kind {
            EventKind::Produce => c.produced += 1,
            EventKind::Put => self.went_in(event, false),
            EventKind::Redeliver => self.went_in(event, true),
            EventKind::Get => return self.got(event),
            EventKind::Drop => self.dropped(event),
            EventKind::Consume => {
                c.consumed += 1;
                self.end_busy(event.actor, event.time);
            }
            EventKind::Terminate | EventKind::Killed | EventKind::DaemonExit => {
                self.end_busy(event.actor, event.time)
            }
            EventKind::TaskDone => c.task_done += 1,
            EventKind::Error(_) => c.errors += 1,
            _ => {}
        }
        None
    }

    /// A put, or a broker's redelivery.
    #[inline(never)]
    fn went_in(&mut self, event: &Event, redelivery: bool) {
        if redelivery {
            self.counts.redelivered += 1;
        } else {
            self.counts.put += 1;
        }
        self.set_queue_len(event.time, self.queue_len + 1);
        if let Some(item) = event.item {
            if !self.queued_since.insert(item, event.time) {
                self.violations += 1;
            }
        }
    }

    /// A get; how long its item waited, if it was in the queue.
    #[inline(never)]
    fn got(&mut self, event: &Event) -> Option<Nanos> {
        self.counts.got += 1;
        self.set_queue_len(event.time, self.queue_len.saturating_sub(1));
        let wait = event
            .item
            .and_then(|item| self.queued_since.remove(item))
            .map(|put_at| event.time - put_at);
        match wait {
            Some(wait) => self.waits.record(wait),
            None => self.violations += 1,
        }
        match self.busy_since.get_mut(event.actor.0 as usize) {
            Some(since) => *since = Some(event.time),
            None => self.busy_from(event.actor, event.time),
        }
        wait
    }

    #[inline(never)]
    fn dropped(&mut self, event: &Event) {
        self.counts.dropped += 1;
        self.set_queue_len(event.time, self.queue_len.saturating_sub(1));
        if event
            .item
            .and_then(|i| self.queued_since.remove(i))
            .is_none()
        {
            self.violations += 1;
        }
    }

    fn set_queue_len(&mut self, now: Nanos, len: u64) {
        let span = now - self.last_change;
        self.queue_area += product(self.queue_len, span, NARROW_FIRST);
        self.last_change = now;
        self.queue_len = len;
        self.max_queue_len = self.max_queue_len.max(len);
    }

    /// An actor not seen busy before gets busy (out of line: each
    /// comes once).
    #[inline(never)]
    fn busy_from(&mut self, actor: ActorId, now: Nanos) {
        let at = actor.0 as usize;
        self.busy_since.resize(at + 1, None);
        self.busy_since[at] = Some(now);
    }

    fn end_busy(&mut self, actor: ActorId, now: Nanos) {
        if let Some(since) = self
            .busy_since
            .get_mut(actor.0 as usize)
            .and_then(Option::take)
        {
            self.busy_total += now - since;
        }
    }

    /// Items in the queue according to the events.
    pub fn queue_len(&self) -> u64 {
        self.queue_len
    }

    /// The items in the queue according to the events, next out first (the
    /// conservation ledger, which keeps them in queue order).
    pub fn queued_items(&self) -> impl ExactSizeIterator<Item = ItemId> + '_ {
        self.queued_since.items.iter().map(|&(item, _)| item)
    }

    /// Waiting times recorded so far.
    pub fn waits(&self) -> &Histogram {
        &self.waits
    }

    /// Whether every item is accounted for: got exactly once per time it
    /// went in (put, or redelivered by a broker), dropped, or — `in_queue`
    /// as the queue itself counts — still queued.
    pub fn conserved(&self, in_queue: u64) -> bool {
        let c = &self.counts;
        self.violations == 0
            && self.queued_since.len() as u64 == in_queue
            && c.put + c.redelivered == c.got + c.dropped + in_queue
    }

    /// The summary at virtual time `end` for a run with `consumers` consumers.
    pub fn report(&self, end: Nanos, consumers: u32) -> StatsReport {
        let secs = end as f64 / 1e9;
        let open_busy: Nanos = self.busy_since.iter().flatten().map(|&t| end - t).sum();
        let busy = (self.busy_total + open_busy) as f64;
        let queue_area = (self.queue_area
            + u128::from(self.queue_len) * u128::from(end - self.last_change))
            as f64;
        let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { 0.0 };
        let ms = |nanos: f64| nanos_to_ms(nanos.round() as u64);
        StatsReport {
            throughput_per_s: ratio(self.counts.consumed as f64, secs),
            mean_wait_ms: self.waits.mean() / 1e6,
            p50_wait_ms: ms(self.waits.quantile(0.50)),
            p95_wait_ms: ms(self.waits.quantile(0.95)),
            p99_wait_ms: ms(self.waits.quantile(0.99)),
            mean_queue_len: ratio(queue_area, end as f64),
            max_queue_len: self.max_queue_len,
            utilization: ratio(busy, f64::from(consumers) * end as f64),
        }
    }
}

/// What every run derives from its events, whoever else watches them: the
/// statistics, who waits on what ([`Waits`]), and the sentinels in the
/// queue. The executor owns one and feeds it each event as it is emitted,
/// with the event's kind known where it is emitted, so that each emit does
/// only its own kind's work (a sleep's event, say, only counts).
#[derive(Default)]
pub struct Recorder {
    stats: Stats,
    waits: Waits,
    /// Sentinels in the queue (they are not items: the statistics and the
    /// conservation law leave them out).
    sentinels_queued: u64,
}

impl Recorder {
    /// Takes one event into account; of a get, returns how long its item
    /// waited (see [`Stats::record`]).
    #[inline(always)]
    pub fn record(&mut self, event: &Event) -> Option<Nanos> {
        let wait = self.stats.record(event);
        self.waits.record(event);
        match event.kind {
            EventKind::SentinelPut => self.sentinels_queued += 1,
            // Saturating: a live run's stream may tell a get before its put.
            EventKind::SentinelGet => {
                self.sentinels_queued = self.sentinels_queued.saturating_sub(1)
            }
            _ => {}
        }
        wait
    }

    /// The statistics so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Who waits on what now, and since when.
    pub fn waits(&self) -> &Waits {
        &self.waits
    }

    /// Sentinels in the queue now.
    pub fn sentinels_queued(&self) -> u64 {
        self.sentinels_queued
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::testing::ev;

    #[test]
    fn histogram_quantiles_are_within_half_a_percent() {
        let mut h = Histogram::default();
        for v in 1..=100_000u64 {
            h.record(v * 1000);
        }
        for q in [0.5, 0.95, 0.99] {
            let exact = q * 100_000.0 * 1000.0;
            let got = h.quantile(q);
            assert!(
                (got - exact).abs() / exact < 0.005,
                "q{q}: {got} vs {exact}"
            );
        }
        assert!((h.mean() - 50_000.5 * 1000.0).abs() < 1e-6);
    }

    #[test]
    fn histogram_is_exact_for_small_values_and_handles_extremes() {
        let mut h = Histogram::default();
        for v in [0, 1, 255] {
            h.record(v);
        }
        assert_eq!(h.quantile(0.0), 0.0);
        assert_eq!(h.quantile(0.5), 1.0);
        assert_eq!(h.quantile(1.0), 255.0);
        h.record(u64::MAX);
        assert!(h.quantile(1.0) > 1.8e19);
    }

    #[test]
    fn waits_queue_length_and_conservation_follow_the_events() {
        let mut s = Stats::default();
        s.record(&ev(0, 1, EventKind::Put, Some(1)));
        s.record(&ev(10, 1, EventKind::Put, Some(2)));
        s.record(&ev(30, 1, EventKind::Get, Some(1)));
        assert_eq!(s.queue_len(), 1);
        assert!(s.conserved(1));
        assert!(!s.conserved(0), "the queue says empty, the events say one");
        s.record(&ev(40, 1, EventKind::Drop, Some(2)));
        assert!(s.conserved(0));
        s.record(&ev(50, 1, EventKind::Get, Some(1))); // got twice
        assert!(!s.conserved(0));
        let r = s.report(100, 1);
        assert_eq!(r.max_queue_len, 2);
        // Length 1 for 10 ns, 2 for 20 ns, 1 for 10 ns, then 0: area 60.
        assert!((r.mean_queue_len - 0.6).abs() < 1e-12);
    }

    #[test]
    fn a_product_is_exact_whichever_width_it_tries_first() {
        let big = [0, 1, 7, (1 << 32) - 1, 1 << 32, 5 << 32, 1 << 62, u64::MAX];
        for a in big {
            for b in big {
                let exact = u128::from(a) * u128::from(b);
                assert_eq!(product(a, b, true), exact, "{a} x {b}");
                assert_eq!(product(a, b, false), exact, "{a} x {b}");
            }
        }
    }

    #[test]
    fn the_time_weighted_queue_length_is_exact_over_long_and_short_spans() {
        // Spans on both sides of 2³² (the product taken in 64 bits or in
        // 128), and an area past 2⁶⁴.
        for long in [1 << 20, 5 << 32, 1 << 62] {
            let mut s = Stats::default();
            for seq in 1..=5 {
                s.record(&ev(0, 1, EventKind::Put, Some(seq)));
            }
            s.record(&ev(10, 1, EventKind::Get, Some(1)));
            for seq in 2..=5 {
                s.record(&ev(10 + long, 1, EventKind::Get, Some(seq)));
            }
            let end = 2 * long;
            // 5 for 10 ns, then 4 for `long`, then 0.
            let area = 5 * 10 + 4 * u128::from(long);
            let r = s.report(end, 1);
            assert_eq!(r.mean_queue_len, area as f64 / end as f64, "{long}");
            assert_eq!(r.max_queue_len, 5);
        }
    }

    #[test]
    fn a_redelivered_item_may_be_got_again_and_is_counted_apart() {
        let mut s = Stats::default();
        s.record(&ev(0, 1, EventKind::Put, Some(1)));
        s.record(&ev(10, 1, EventKind::Get, Some(1)));
        s.record(&ev(20, 1, EventKind::Get, Some(1)));
        assert!(!s.conserved(0), "a second get without a redelivery");
        let mut s = Stats::default();
        s.record(&ev(0, 1, EventKind::Put, Some(1)));
        s.record(&ev(10, 1, EventKind::Get, Some(1)));
        s.record(&ev(30, 1, EventKind::Redeliver, Some(1)));
        assert_eq!((s.counts.put, s.counts.redelivered), (1, 1));
        assert_eq!(s.queue_len(), 1);
        assert!(s.conserved(1));
        s.record(&ev(40, 1, EventKind::Get, Some(1)));
        assert!(s.conserved(0));
        assert_eq!(s.counts.got, 2);
        // Waits: 10 ns, then 10 ns after the redelivery.
        assert_eq!(s.waits().len(), 2);
        assert_eq!(s.waits().mean(), 10.0);
    }
}
