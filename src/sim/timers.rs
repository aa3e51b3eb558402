//! The executor's pending timers: a four-ary min-heap on (deadline, seq).
//!
//! Each timer is a key, its deadline and its sequence number in one `u128`
//! compared whole, and a value (the task to wake), kept in two arrays moved
//! in step. Entries are plain words, so moving one is a move of whole
//! words: the processor forwards each store to the next load of the same
//! word instead of stalling on a value stored in parts and loaded whole.
//! Four children a node: a heap of thousands of timers (a run with
//! thousands of tasks) is half as deep as a binary one, with a node's
//! children side by side. Taking the earliest out moves the hole at the
//! root down to the bottom, as the standard library's heap does.

use crate::trace::Nanos;

/// Children a node.
const ARITY: usize = 4;

/// Timers with values of type `T`, earliest first. Sequence numbers are
/// unique, so timers fire in one exact order: by deadline, then by
/// sequence number.
pub(super) struct Timers<T> {
    /// `deadline << 64 | seq`, in heap order.
    keys: Vec<u128>,
    /// The value of the timer whose key is at the same place in `keys`.
    values: Vec<T>,
}

impl<T> Default for Timers<T> {
    fn default() -> Self {
        Self {
            keys: Vec::new(),
            values: Vec::new(),
        }
    }
}

impl<T: Copy> Timers<T> {
    /// Adds a timer firing at `deadline`; `seq` orders equal deadlines and
    /// must differ from every other timer's.
    pub(super) fn push(&mut self, deadline: Nanos, seq: u64, value: T) {
        let key = u128::from(deadline) << 64 | u128::from(seq);
        let at = self.keys.len();
        self.keys.push(key);
        self.values.push(value);
        self.sift_up(at, key, value);
    }

    /// The earliest timer's deadline and value, taken out, if it fires at
    /// or before `limit`.
    pub(super) fn pop_until(&mut self, limit: Nanos) -> Option<(Nanos, T)> {
        let first = *self.keys.first()?;
        let deadline = (first >> 64) as Nanos;
        if deadline > limit {
            return None;
        }
        let value = self.values[0];
        let (Some(key), Some(last)) = (self.keys.pop(), self.values.pop()) else {
            return None;
        };
        if !self.keys.is_empty() {
            // The hole left at the root goes down to the bottom along the
            // earliest children, and the last timer goes up from there:
            // it belongs near the bottom, as it was a leaf.
            let at = self.hole_to_bottom();
            self.sift_up(at, key, last);
        }
        Some((deadline, value))
    }

    /// Moves the root's hole down to a leaf, each time swapping in its
    /// earliest child; returns where it ends. Which child is earliest is
    /// chance: it is picked without branches to mispredict.
    fn hole_to_bottom(&mut self) -> usize {
        let len = self.keys.len();
        let mut at = 0;
        loop {
            let first = ARITY * at + 1;
            let child = match self.keys.get(first..first + ARITY) {
                Some(&[k0, k1, k2, k3]) => {
                    let a = usize::from(k1 < k0);
                    let b = 2 + usize::from(k3 < k2);
                    let (ka, kb) = ([k0, k1][a], [k2, k3][b - 2]);
                    first + if kb < ka { b } else { a }
                }
                _ if first < len => (first + 1..len).fold(first, |earliest, other| {
                    if self.keys[other] < self.keys[earliest] {
                        other
                    } else {
                        earliest
                    }
                }),
                _ => return at,
            };
            self.move_up(child, at);
            at = child;
        }
    }

    /// Moves the timer at `from` to the hole at `to`.
    fn move_up(&mut self, from: usize, to: usize) {
        self.keys[to] = self.keys[from];
        self.values[to] = self.values[from];
    }

    /// Puts the timer (`key`, `value`) in the hole at `at`, moving it up
    /// past every later parent.
    fn sift_up(&mut self, mut at: usize, key: u128, value: T) {
        while at > 0 {
            let parent = (at - 1) / ARITY;
            if self.keys[parent] < key {
                break;
            }
            self.move_up(parent, at);
            at = parent;
        }
        self.keys[at] = key;
        self.values[at] = value;
    }

    /// The values of every pending timer, in no particular order.
    pub(super) fn values(&self) -> &[T] {
        &self.values
    }

    pub(super) fn clear(&mut self) {
        self.keys.clear();
        self.values.clear();
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
        assert_eq!(timers.values(), [8]);
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
