//! The scraper's per-worker timeline (a Gantt chart) and its speedup, both
//! derived from the event trace and the end of each download: a fetcher's
//! fetch phase runs from the moment it is free (start, or its last
//! `put`/failure) to the end of its download (or its failure), then its
//! sleep to its `produce`; a put waiting on a full queue runs from
//! `put_blocked` to `put`; a counter sleeps from `get` to `consume`, and
//! counts (`re.findall`, which takes no virtual time) at `consume`. The
//! speedup compares the run's span with one worker doing every fetch,
//! sleep and count one after the other.

use serde::Serialize;

use super::rows::url_index;
use crate::trace::{nanos_to_ms, ActorId, Event, EventKind, Fault, Nanos, Role};

/// What a worker is doing in a phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhaseKind {
    /// Downloading.
    Fetch,
    /// The seed's `time.sleep` after a download or before a count.
    Sleep,
    /// Waiting in `put()` on a full queue.
    Blocked,
    /// `re.findall`: an instant of virtual time (a bar of no length).
    Regex,
}

/// One bar of the chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Phase {
    pub kind: PhaseKind,
    pub start: Nanos,
    pub end: Nanos,
    /// The URL's index in the list.
    pub url: usize,
    /// The fetch failed.
    pub failed: bool,
    /// Still going (it ends at the chart's `end` for now).
    pub open: bool,
}

/// One worker's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    pub actor: ActorId,
    pub role: Role,
    pub phases: Vec<Phase>,
}

/// The chart: a lane per fetcher, then per counter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gantt {
    pub lanes: Vec<Lane>,
    /// The time the chart runs to.
    pub end: Nanos,
}

/// The run against one sequential worker.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Speedup {
    /// Every fetch and count one after the other (blocked time excluded).
    pub sequential_ms: f64,
    /// From the start to the end of the last phase.
    pub span_ms: f64,
    /// `sequential_ms / span_ms` (0 before anything happened).
    pub speedup: f64,
}

/// Where a lane's current phase started, if one is open.
#[derive(Clone, Copy)]
enum Open {
    /// A fetcher free since this time (fetching the next URL, if any).
    Fetching(Nanos),
    Blocked(Nanos, usize),
    Counting(Nanos, usize),
    Idle,
}

impl Gantt {
    /// The chart of `events` for actors `roles`, up to time `now`;
    /// `downloaded[url]` is when that URL's download ended, if it did.
    pub fn from_events(
        events: &[Event],
        roles: &[Role],
        now: Nanos,
        downloaded: &[Option<Nanos>],
    ) -> Gantt {
        let mut lanes: Vec<Lane> = roles
            .iter()
            .enumerate()
            .filter(|(_, role)| !matches!(role, Role::Main))
            .map(|(i, &role)| Lane {
                actor: ActorId(i as u32),
                role,
                phases: Vec::new(),
            })
            .collect();
        let mut open: Vec<Open> = lanes
            .iter()
            .map(|lane| match lane.role {
                Role::Producer(_) => Open::Fetching(0),
                _ => Open::Idle,
            })
            .collect();
        // Lane of each actor (main has none).
        let mut lane_of = vec![None; roles.len()];
        for (at, lane) in lanes.iter().enumerate() {
            lane_of[lane.actor.0 as usize] = Some(at);
        }
        let mut add = Vec::new();
        for event in events {
            let Some(at) = lane_of.get(event.actor.0 as usize).copied().flatten() else {
                continue;
            };
            let url = event.item.map(url_index);
            let t = event.time;
            let phase = |kind, start, url, failed| Phase {
                kind,
                start,
                end: t,
                url,
                failed,
                open: false,
            };
            match (event.kind, open[at], url) {
                (EventKind::Produce, Open::Fetching(since), Some(url)) => {
                    // The download, then the sleep (when it is known to have taken time).
                    let end = downloaded.get(url).copied().flatten();
                    match end.filter(|&end| since <= end && end < t) {
                        Some(end) => {
                            add.push((
                                at,
                                Phase {
                                    end,
                                    ..phase(PhaseKind::Fetch, since, url, false)
                                },
                            ));
                            add.push((at, phase(PhaseKind::Sleep, end, url, false)));
                        }
                        None => add.push((at, phase(PhaseKind::Fetch, since, url, false))),
                    }
                    open[at] = Open::Idle;
                }
                (EventKind::Error(Fault::Fetch(_)), Open::Fetching(since), Some(url)) => {
                    add.push((at, phase(PhaseKind::Fetch, since, url, true)));
                    open[at] = Open::Fetching(t);
                }
                (EventKind::PutBlocked, _, Some(url)) => open[at] = Open::Blocked(t, url),
                (EventKind::Put, Open::Blocked(since, url), _) => {
                    add.push((at, phase(PhaseKind::Blocked, since, url, false)));
                    open[at] = Open::Fetching(t);
                }
                (EventKind::Put, _, _) => open[at] = Open::Fetching(t),
                (EventKind::Get, _, Some(url)) => open[at] = Open::Counting(t, url),
                (EventKind::Consume, Open::Counting(since, url), _) => {
                    if since < t {
                        add.push((at, phase(PhaseKind::Sleep, since, url, false)));
                    }
                    add.push((at, phase(PhaseKind::Regex, t, url, false)));
                    open[at] = Open::Idle;
                }
                (EventKind::Finish | EventKind::Terminate, _, _) => open[at] = Open::Idle,
                _ => {}
            }
            for (lane, phase) in add.drain(..) {
                lanes[lane].phases.push(phase);
            }
        }
        // Phases still going end at `now`, marked open. A fetcher free
        // since some time is not shown: it may have no URL left to fetch.
        for (lane, state) in lanes.iter_mut().zip(open) {
            let (kind, start, url) = match state {
                Open::Blocked(since, url) => (PhaseKind::Blocked, since, url),
                // Counting takes no virtual time: until `consume` it sleeps.
                Open::Counting(since, url) => (PhaseKind::Sleep, since, url),
                Open::Fetching(_) | Open::Idle => continue,
            };
            lane.phases.push(Phase {
                kind,
                start,
                end: now.max(start),
                url,
                failed: false,
                open: true,
            });
        }
        Gantt { lanes, end: now }
    }

    /// The speedup over one worker doing every fetch and count in turn.
    pub fn speedup(&self) -> Speedup {
        let phases = || self.lanes.iter().flat_map(|lane| &lane.phases);
        let sequential: Nanos = phases()
            .filter(|p| p.kind != PhaseKind::Blocked)
            .map(|p| p.end - p.start)
            .sum();
        let span = phases().map(|p| p.end).max().unwrap_or(0);
        Speedup {
            sequential_ms: nanos_to_ms(sequential),
            span_ms: nanos_to_ms(span),
            speedup: if span > 0 {
                sequential as f64 / span as f64
            } else {
                0.0
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::testing::ev;
    use crate::trace::FetchFault;

    #[test]
    fn phases_follow_the_events_and_the_speedup_adds_them_up() {
        // main, fetcher (a1), counter (a2).
        let roles = [Role::Main, Role::Producer(0), Role::Consumer(0)];
        let events = [
            ev(0, 2, EventKind::GetBlocked, None),
            ev(10, 1, EventKind::Produce, Some(1)),
            ev(10, 1, EventKind::Put, Some(1)),
            ev(10, 2, EventKind::Get, Some(1)),
            ev(
                25,
                1,
                EventKind::Error(Fault::Fetch(FetchFault::Timeout)),
                Some(2),
            ),
            ev(30, 2, EventKind::Consume, Some(1)),
            ev(30, 1, EventKind::Finish, None),
        ];
        let g = Gantt::from_events(&events, &roles, 40, &[]);
        let bars: Vec<_> = g.lanes[0]
            .phases
            .iter()
            .map(|p| (p.kind, p.start, p.end, p.url, p.failed))
            .collect();
        assert_eq!(
            bars,
            [
                (PhaseKind::Fetch, 0, 10, 0, false),
                (PhaseKind::Fetch, 10, 25, 1, true)
            ]
        );
        // The counter sleeps from its get to its consume, and counts at once.
        let counter: Vec<_> = g.lanes[1]
            .phases
            .iter()
            .map(|p| (p.kind, p.start, p.end))
            .collect();
        assert_eq!(
            counter,
            [(PhaseKind::Sleep, 10, 30), (PhaseKind::Regex, 30, 30)]
        );
        let s = g.speedup();
        // 10 + 15 of fetching and 20 of counting, done in 30.
        assert_eq!(s.sequential_ms, 45e-6);
        assert_eq!(s.span_ms, 30e-6);
        assert!((s.speedup - 1.5).abs() < 1e-12);
    }

    #[test]
    fn an_unfinished_count_is_an_open_phase_up_to_now() {
        let roles = [Role::Main, Role::Producer(0), Role::Consumer(0)];
        let events = [
            ev(5, 1, EventKind::Produce, Some(1)),
            ev(5, 1, EventKind::PutBlocked, Some(1)),
            ev(7, 2, EventKind::Get, Some(3)),
        ];
        let g = Gantt::from_events(&events, &roles, 9, &[]);
        let blocked = g.lanes[0].phases[1];
        assert_eq!(
            (blocked.kind, blocked.start, blocked.end, blocked.open),
            (PhaseKind::Blocked, 5, 9, true)
        );
        let counting = g.lanes[1].phases[0];
        assert_eq!(
            (counting.kind, counting.url, counting.open),
            (PhaseKind::Sleep, 2, true)
        );
    }

    #[test]
    fn a_fetch_ends_with_its_download_and_the_sleep_after_it_is_its_own_bar() {
        let roles = [Role::Main, Role::Producer(0)];
        // URL 1 downloaded by 4, produced at 10; URL 2 failed at 12.
        let events = [
            ev(10, 1, EventKind::Produce, Some(1)),
            ev(10, 1, EventKind::Put, Some(1)),
            ev(
                12,
                1,
                EventKind::Error(Fault::Fetch(FetchFault::Timeout)),
                Some(2),
            ),
        ];
        let g = Gantt::from_events(&events, &roles, 12, &[Some(4), Some(12)]);
        let bars: Vec<_> = g.lanes[0]
            .phases
            .iter()
            .map(|p| (p.kind, p.start, p.end, p.failed))
            .collect();
        assert_eq!(
            bars,
            [
                (PhaseKind::Fetch, 0, 4, false),
                (PhaseKind::Sleep, 4, 10, false),
                (PhaseKind::Fetch, 10, 12, true)
            ]
        );
        assert_eq!(
            g.speedup().sequential_ms,
            12e-6,
            "sleeps count as the work they stand for"
        );
    }
}
