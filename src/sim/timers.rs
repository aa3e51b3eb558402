//! The executor's pending timers: a min-heap on (deadline, seq).
//!
//! A timer is one `u128`: its deadline in the high half, then its
//! sequence number, then the slot of the task to wake, compared whole. So
//! it sorts by deadline, then by sequence number (unique), and an entry is
//! 16 bytes: 2000 sleepers (1000 producers, 1000 consumers) fit in 32 KB,
//! a first-level cache, where the 32-byte entries of a key and a separate
//! task key did not. Which task held the slot when the timer was set is
//! for the executor to tell ([`Timer::seq`] against the task's birth).
//!
//! Whole words only: an entry of mixed parts (the 24-byte (deadline, seq,
//! task) it once was) is stored in parts and read back whole, which stalls
//! the processor on every level of every push and pop.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::trace::Nanos;

/// Bits of a timer's slot number.
const SLOT_BITS: u32 = 21;

/// Task slots a timer can name: more than the largest run has tasks at
/// once (the direct service of peak shaving: 1000 workers' worth plus a
/// 1,000,000-request line, one task each).
pub(super) const MAX_SLOTS: usize = 1 << SLOT_BITS;

/// Sequence numbers a timer can carry: 2⁴³, days of timers at full speed
/// (a run of the largest settings sets a few times 10⁷).
pub(super) const MAX_SEQ: u64 = 1 << (64 - SLOT_BITS);

/// A pending timer, taken apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Timer {
    pub deadline: Nanos,
    /// Its place among timers set: unique, and increasing.
    pub seq: u64,
    /// The slot of the task it wakes.
    pub slot: usize,
}

impl Timer {
    fn key(self) -> u128 {
        debug_assert!(self.seq < MAX_SEQ && self.slot < MAX_SLOTS);
        u128::from(self.deadline) << 64 | u128::from(self.seq << SLOT_BITS | self.slot as u64)
    }

    fn of(key: u128) -> Timer {
        let low = key as u64;
        Timer {
            deadline: (key >> 64) as Nanos,
            seq: low >> SLOT_BITS,
            slot: (low & (MAX_SLOTS as u64 - 1)) as usize,
        }
    }
}

/// Timers, earliest first: by deadline, then by sequence number.
#[derive(Default)]
pub(super) struct Timers(BinaryHeap<Reverse<u128>>);

impl Timers {
    /// Adds a timer (its sequence number below [`MAX_SEQ`] and unlike
    /// every other's, its slot below [`MAX_SLOTS`]).
    pub(super) fn push(&mut self, timer: Timer) {
        self.0.push(Reverse(timer.key()));
    }

    /// The earliest timer, taken out, if it fires at or before `limit`.
    pub(super) fn pop_until(&mut self, limit: Nanos) -> Option<Timer> {
        let &Reverse(key) = self.0.peek()?;
        if (key >> 64) as Nanos > limit {
            return None;
        }
        self.0.pop();
        Some(Timer::of(key))
    }

    /// Every pending timer, in no particular order.
    pub(super) fn iter(&self) -> impl Iterator<Item = Timer> + '_ {
        self.0.iter().map(|&Reverse(key)| Timer::of(key))
    }

    pub(super) fn clear(&mut self) {
        self.0.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::{Timer, Timers, MAX_SEQ, MAX_SLOTS};

    fn timer(deadline: u64, seq: u64, slot: usize) -> Timer {
        Timer {
            deadline,
            seq,
            slot,
        }
    }

    #[test]
    fn timers_fire_by_deadline_then_by_sequence() {
        let mut timers = Timers::default();
        let deadlines = [50, 10, 30, 10, 70, 30, 10, 0, 90, 30];
        for (seq, &deadline) in deadlines.iter().enumerate() {
            // Slots in the opposite order: they must not sort anything.
            timers.push(timer(deadline, seq as u64, 9 - seq));
        }
        assert_eq!(timers.pop_until(5), Some(timer(0, 7, 2)));
        assert_eq!(timers.pop_until(5), None, "the next fires at 10");
        let mut fired = Vec::new();
        while let Some(t) = timers.pop_until(80) {
            fired.push((t.deadline, t.seq));
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
        assert!(timers.iter().eq([timer(90, 8, 1)]));
        timers.clear();
        assert_eq!(timers.pop_until(u64::MAX), None);
    }

    #[test]
    fn the_largest_parts_come_back_whole() {
        let mut timers = Timers::default();
        let last = timer(u64::MAX, MAX_SEQ - 1, MAX_SLOTS - 1);
        timers.push(last);
        timers.push(timer(u64::MAX, 0, MAX_SLOTS - 1));
        timers.push(timer(0, MAX_SEQ - 2, 0));
        assert_eq!(timers.pop_until(0), Some(timer(0, MAX_SEQ - 2, 0)));
        assert_eq!(
            timers.pop_until(u64::MAX),
            Some(timer(u64::MAX, 0, MAX_SLOTS - 1))
        );
        assert_eq!(timers.pop_until(u64::MAX), Some(last));
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
            let slot = (state >> 8) as usize % MAX_SLOTS;
            timers.push(timer(deadline, seq, slot));
            model.insert((deadline, seq, slot));
            if seq % 3 == 0 {
                let limit = 1_000 + (state >> 20) % 500;
                let earliest = model.first().copied().filter(|&(d, ..)| d <= limit);
                assert_eq!(
                    timers.pop_until(limit).map(|t| (t.deadline, t.seq, t.slot)),
                    earliest
                );
                model.retain(|&t| Some(t) != earliest);
            }
        }
        while let Some(t) = timers.pop_until(u64::MAX) {
            assert_eq!(Some((t.deadline, t.seq, t.slot)), model.pop_first());
        }
        assert!(model.is_empty());
    }
}
