//! Who waits on what, and where in its line: the getters waiting in
//! `get()`, the putters in `put()` and the joiners in `q.join()` are served
//! first come, first served, so an actor's place is its arrival order among
//! those still waiting. Derived from the event stream alone (a wait starts
//! with `get_blocked`, `put_blocked`, `join_start` or `task_join_start`, and
//! ends with the actor's next event), for the page's blocked-on badges and
//! the stuck explanations.
//!
//! A run keeps [`Waits`]: what each actor waits on and since when, at a
//! constant cost per event however long the lines. The lines themselves
//! ([`Lines`]) are put in order only when asked for.

use crate::trace::{ActorId, Event, WaitingOn};

/// An actor's wait and its place in the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blocked {
    pub on: WaitingOn,
    /// 1-based place in the line (1 = served next).
    pub place: usize,
    /// How many wait in that line. `p.join()` has no shared line: place and
    /// length are 1.
    pub line: usize,
}

/// What each actor waits on, and when (in order of arrival) it began.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Waits {
    /// Each actor's wait and its arrival number (index = actor).
    waiting: Vec<Option<(WaitingOn, u64)>>,
    /// Waits started so far: the next arrival number.
    started: u64,
}

impl Waits {
    /// Takes one event into account: it ends its actor's wait, and may start
    /// a new one.
    ///
    /// Most events neither start a wait nor end one: those write nothing.
    /// (Writing the unchanged slot anyway cost more than all the rest: the
    /// value, built in parts, stalled the store that wrote it whole.)
    #[inline(always)]
    pub fn record(&mut self, event: &Event) {
        let wait = WaitingOn::started_by(event.kind).map(|wait| {
            self.started += 1;
            (wait, self.started)
        });
        match self.waiting.get_mut(event.actor.0 as usize) {
            Some(None) if wait.is_none() => {}
            Some(slot) => *slot = wait,
            None => self.grow(event.actor, wait),
        }
    }

    /// An actor not seen before (out of line: each actor comes once).
    #[inline(never)]
    fn grow(&mut self, actor: ActorId, wait: Option<(WaitingOn, u64)>) {
        let at = actor.0 as usize;
        self.waiting.resize(at + 1, None);
        self.waiting[at] = wait;
    }

    /// What `actor` waits on now, if it waits.
    pub fn waiting_on(&self, actor: ActorId) -> Option<WaitingOn> {
        self.waiting.get(actor.0 as usize)?.map(|(wait, _)| wait)
    }

    /// The lines now, each in arrival order.
    pub fn lines(&self) -> Lines {
        let mut arrivals: Vec<(u64, ActorId, WaitingOn)> = self
            .waiting
            .iter()
            .enumerate()
            .filter_map(|(actor, wait)| {
                let (on, arrival) = (*wait)?;
                Some((arrival, ActorId(actor as u32), on))
            })
            .collect();
        arrivals.sort_unstable_by_key(|&(arrival, ..)| arrival);
        let mut lines = Lines {
            waiting: self.waiting.iter().map(|w| w.map(|(on, _)| on)).collect(),
            ..Lines::default()
        };
        for (_, actor, on) in arrivals {
            if let Some(line) = lines.line_mut(on) {
                line.push(actor);
            }
        }
        lines
    }
}

/// The waits of every actor, in arrival order per line (a copy of
/// [`Waits`] at one moment).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lines {
    /// What each actor waits on (index = actor).
    waiting: Vec<Option<WaitingOn>>,
    getters: Vec<ActorId>,
    putters: Vec<ActorId>,
    joiners: Vec<ActorId>,
}

impl Lines {
    /// Lines made of their parts: what each actor waits on (index = actor)
    /// and the lines of `get()`, `put()` and `q.join()`, each first come
    /// first (as a copy sent elsewhere has them).
    pub fn from_parts(
        waiting: Vec<Option<WaitingOn>>,
        [getters, putters, joiners]: [Vec<ActorId>; 3],
    ) -> Lines {
        Lines {
            waiting,
            getters,
            putters,
            joiners,
        }
    }

    fn line_mut(&mut self, wait: WaitingOn) -> Option<&mut Vec<ActorId>> {
        match wait {
            WaitingOn::Get => Some(&mut self.getters),
            WaitingOn::Put => Some(&mut self.putters),
            WaitingOn::QueueJoin => Some(&mut self.joiners),
            WaitingOn::TaskJoin(_) => None,
        }
    }

    /// The actors waiting on `wait`, first come first; empty for `p.join()`.
    pub fn line(&self, wait: WaitingOn) -> &[ActorId] {
        match wait {
            WaitingOn::Get => &self.getters,
            WaitingOn::Put => &self.putters,
            WaitingOn::QueueJoin => &self.joiners,
            WaitingOn::TaskJoin(_) => &[],
        }
    }

    /// What `actor` waits on now, if it waits.
    pub fn waiting_on(&self, actor: ActorId) -> Option<WaitingOn> {
        self.waiting.get(actor.0 as usize).copied().flatten()
    }

    /// What `actor` waits on and its place in that line.
    pub fn blocked(&self, actor: ActorId) -> Option<Blocked> {
        let on = self.waiting_on(actor)?;
        let line = self.line(on);
        Some(match line.iter().position(|&a| a == actor) {
            Some(i) => Blocked {
                on,
                place: i + 1,
                line: line.len(),
            },
            None => Blocked {
                on,
                place: 1,
                line: 1,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::testing::ev;
    use crate::trace::EventKind;

    #[test]
    fn places_follow_arrival_and_close_up_when_one_is_served() {
        let mut waits = Waits::default();
        for a in [3, 1, 2] {
            waits.record(&ev(0, a, EventKind::GetBlocked, None));
        }
        let place = |w: &Waits, a| w.lines().blocked(ActorId(a)).map(|b| (b.place, b.line));
        assert_eq!(place(&waits, 3), Some((1, 3)));
        assert_eq!(place(&waits, 2), Some((3, 3)));
        waits.record(&ev(0, 3, EventKind::Get, None));
        assert_eq!(place(&waits, 3), None);
        assert_eq!(place(&waits, 1), Some((1, 2)));
        assert_eq!(place(&waits, 2), Some((2, 2)));
        assert_eq!(waits.lines().line(WaitingOn::Get), [ActorId(1), ActorId(2)]);
        // Served, then waiting again: at the back of the line.
        waits.record(&ev(0, 1, EventKind::Get, None));
        waits.record(&ev(0, 1, EventKind::GetBlocked, None));
        assert_eq!(waits.lines().line(WaitingOn::Get), [ActorId(2), ActorId(1)]);
    }

    #[test]
    fn each_wait_has_its_own_line_and_task_joins_stand_alone() {
        let mut waits = Waits::default();
        waits.record(&ev(0, 1, EventKind::PutBlocked, None));
        waits.record(&ev(0, 4, EventKind::GetBlocked, None));
        waits.record(&ev(0, 0, EventKind::TaskJoinStart(ActorId(1)), None));
        let lines = waits.lines();
        assert_eq!(lines.blocked(ActorId(1)).unwrap().on, WaitingOn::Put);
        assert_eq!(lines.blocked(ActorId(4)).unwrap().place, 1);
        let main = lines.blocked(ActorId(0)).unwrap();
        assert_eq!(
            (main.on, main.place, main.line),
            (WaitingOn::TaskJoin(ActorId(1)), 1, 1)
        );
        assert_eq!(waits.waiting_on(ActorId(4)), Some(WaitingOn::Get));
        // Terminated while waiting: out of the line.
        waits.record(&ev(0, 4, EventKind::Terminate, None));
        assert_eq!(waits.waiting_on(ActorId(4)), None);
        assert!(waits.lines().line(WaitingOn::Get).is_empty());
        waits.record(&ev(0, 0, EventKind::JoinStart, None));
        assert_eq!(waits.lines().line(WaitingOn::QueueJoin), [ActorId(0)]);
    }
}
