//! Who waits on what, and where in its line: the getters waiting in
//! `get()`, the putters in `put()` and the joiners in `q.join()` are served
//! first come, first served, so an actor's place is its arrival order among
//! those still waiting. Derived from the event stream alone (a wait starts
//! with `get_blocked`, `put_blocked`, `join_start` or `task_join_start`, and
//! ends with the actor's next event), for the page's blocked-on badges and
//! the stuck explanations.

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

/// The waits of every actor, in arrival order per line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lines {
    /// What each actor waits on (index = actor).
    waiting: Vec<Option<WaitingOn>>,
    getters: Vec<ActorId>,
    putters: Vec<ActorId>,
    joiners: Vec<ActorId>,
}

impl Lines {
    /// Takes one event into account: it ends its actor's wait, and may start
    /// a new one.
    pub fn record(&mut self, event: &Event) {
        let actor = event.actor;
        let at = actor.0 as usize;
        if self.waiting.len() <= at {
            self.waiting.resize(at + 1, None);
        }
        if let Some(ended) = self.waiting[at].take() {
            if let Some(line) = self.line_mut(ended) {
                if let Some(i) = line.iter().position(|&a| a == actor) {
                    line.remove(i);
                }
            }
        }
        let started = WaitingOn::started_by(event.kind);
        if let Some(wait) = started {
            if let Some(line) = self.line_mut(wait) {
                line.push(actor);
            }
        }
        self.waiting[at] = started;
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
        let mut lines = Lines::default();
        for a in [3, 1, 2] {
            lines.record(&ev(0, a, EventKind::GetBlocked, None));
        }
        let place = |l: &Lines, a| l.blocked(ActorId(a)).map(|b| (b.place, b.line));
        assert_eq!(place(&lines, 3), Some((1, 3)));
        assert_eq!(place(&lines, 2), Some((3, 3)));
        lines.record(&ev(0, 3, EventKind::Get, None));
        assert_eq!(place(&lines, 3), None);
        assert_eq!(place(&lines, 1), Some((1, 2)));
        assert_eq!(place(&lines, 2), Some((2, 2)));
        assert_eq!(lines.line(WaitingOn::Get), [ActorId(1), ActorId(2)]);
    }

    #[test]
    fn each_wait_has_its_own_line_and_task_joins_stand_alone() {
        let mut lines = Lines::default();
        lines.record(&ev(0, 1, EventKind::PutBlocked, None));
        lines.record(&ev(0, 4, EventKind::GetBlocked, None));
        lines.record(&ev(0, 0, EventKind::TaskJoinStart(ActorId(1)), None));
        assert_eq!(lines.blocked(ActorId(1)).unwrap().on, WaitingOn::Put);
        assert_eq!(lines.blocked(ActorId(4)).unwrap().place, 1);
        let main = lines.blocked(ActorId(0)).unwrap();
        assert_eq!(
            (main.on, main.place, main.line),
            (WaitingOn::TaskJoin(ActorId(1)), 1, 1)
        );
        // Terminated while waiting: out of the line.
        lines.record(&ev(0, 4, EventKind::Terminate, None));
        assert!(lines.line(WaitingOn::Get).is_empty());
        lines.record(&ev(0, 0, EventKind::JoinStart, None));
        assert_eq!(lines.line(WaitingOn::QueueJoin), [ActorId(0)]);
    }
}
