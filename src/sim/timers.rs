//! The executor's pending timers: a min-heap on (deadline, seq).
//!
//! Each timer's key is its deadline and its sequence number in one `u128`,
//! compared whole, beside its value (the task to wake): entries of whole,
//! aligned words. The heap moves an entry through a copy on the stack; an
//! entry of mixed parts (the 24-byte (deadline, seq, task) it was) is
//! stored in parts and read back whole at once, which stalls the processor
//! on every level of every push and pop.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use crate::trace::Nanos;

/// Timers with values of type `T`, earliest first. Sequence numbers are
/// unique, so timers fire in one exact order: by deadline, then by
/// sequence number.
pub(super) struct Timers<T>(BinaryHeap<Reverse<Entry<T>>>);

/// A timer: `deadline << 64 | seq`, and its value. Ordered by key alone.
struct Entry<T> {
    key: u128,
    value: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<T> Eq for Entry<T> {}

impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

impl<T> Default for Timers<T> {
    fn default() -> Self {
        Self(BinaryHeap::new())
    }
}

impl<T: Copy> Timers<T> {
    /// Adds a timer firing at `deadline`; `seq` orders equal deadlines and
    /// must differ from every other timer's.
    pub(super) fn push(&mut self, deadline: Nanos, seq: u64, value: T) {
        let key = u128::from(deadline) << 64 | u128::from(seq);
        self.0.push(Reverse(Entry { key, value }));
    }

    /// The earliest timer's deadline and value, taken out, if it fires at
    /// or before `limit`.
    pub(super) fn pop_until(&mut self, limit: Nanos) -> Option<(Nanos, T)> {
        let deadline = (self.0.peek()?.0.key >> 64) as Nanos;
        if deadline > limit {
            return None;
        }
        let Reverse(entry) = self.0.pop()?;
        Some((deadline, entry.value))
    }

    /// The values of every pending timer, in no particular order.
    pub(super) fn values(&self) -> impl Iterator<Item = T> + '_ {
        self.0.iter().map(|Reverse(entry)| entry.value)
    }

    pub(super) fn clear(&mut self) {
        self.0.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::Timers;

    #[test]
    fn timers_fire_by_deadline_then_by_sequence() {
        let mut timers = Timers::default();
        let deadlines = [50, 10, 30, 10, 70, 30, 10, 0, 90, 30];
        for (seq, &deadline) in deadlines.iter().enumerate() {
            timers.push(deadline, seq as u64, seq);
        }
        assert_eq!(timers.pop_until(5), Some((0, 7)));
        assert_eq!(timers.pop_until(5), None, "the next fires at 10");
        let mut fired = Vec::new();
        while let Some(timer) = timers.pop_until(80) {
            fired.push(timer);
        }
        assert_eq!(
            fired,
            [
                (10, 1),
                (10, 3),
                (10, 6),
                (30, 2),
                (30, 5),
                (30, 9),
                (50, 0),
                (70, 4)
            ]
        );
        assert!(timers.values().eq([8]));
        timers.clear();
        assert_eq!(timers.pop_until(u64::MAX), None);
    }

    #[test]
    fn many_timers_pushed_and_popped_in_turns_fire_as_a_sorted_set_would() {
        let mut timers = Timers::default();
        let mut model = std::collections::BTreeSet::new();
        // A linear congruential stream: deadlines with many repeats.
        let mut state: u64 = 1;
        for seq in 0..3_000u64 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let deadline = 1_000 + (state >> 40) % 500;
            timers.push(deadline, seq, seq);
            model.insert((deadline, seq));
            if seq % 3 == 0 {
                let limit = 1_000 + (state >> 20) % 500;
                let earliest = model.first().copied().filter(|&(d, _)| d <= limit);
                assert_eq!(timers.pop_until(limit), earliest);
                model.retain(|&t| Some(t) != earliest);
            }
        }
        while let Some(timer) = timers.pop_until(u64::MAX) {
            assert_eq!(Some(timer), model.pop_first());
        }
        assert!(model.is_empty());
    }
}
