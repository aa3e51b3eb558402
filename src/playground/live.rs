//! A live run watched on the page (`canteen live … --serve`): its events
//! arrive as text lines (`ev TIME ACTOR KIND ITEM`, then `end OUTCOME`),
//! and [`Watch`] derives from them what the page shows of a simulated run
//! — the same stage, log, counters, lines and charts, by the same
//! recorders — as a [`Snapshot`] of a move. It runs where the page's
//! engine runs (the worker). The lines are only ever parsed, never shown.

use std::rc::Rc;

use crate::run::Outcome;
use crate::scenario::Config;
use crate::series::Series;
use crate::stats::Recorder;
use crate::trace::{ActorId, Event, EventKind, Fault, ItemId, Nanos};

use super::session::{Derived, Moment, Position, Snapshot};

/// A line of the stream.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Line {
    Event(Event),
    /// The run is over.
    End(Outcome),
    /// The simulation's prediction for the same settings (the stream's
    /// first line).
    Predicted(Prediction),
}

/// What the simulation predicts of a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prediction {
    pub end: Nanos,
    pub consumed: u64,
    pub outcome: Outcome,
}

/// The prediction as its line: `predicted END CONSUMED OUTCOME`.
pub fn prediction_line(p: &Prediction) -> String {
    let outcome = OUTCOMES
        .iter()
        .find(|(_, o)| *o == p.outcome)
        .map_or("running", |(name, _)| name);
    format!("predicted {} {} {outcome}", p.end, p.consumed)
}

/// An event as one line: `ev TIME ACTOR KIND ITEM` (`ITEM`: `ORIGIN:SEQ`,
/// or `-`; a kind's actor or fault after a colon: `task_join_start:0`,
/// `error:stale_ack`).
pub fn event_line(e: &Event) -> String {
    let item = e
        .item
        .map_or("-".to_string(), |i| format!("{}:{}", i.origin, i.seq));
    let kind = match e.kind {
        EventKind::TaskJoinStart(a) | EventKind::TaskJoinDone(a) => {
            format!("{}:{}", e.kind.name(), a.0)
        }
        EventKind::Error(fault) => format!("error:{}", fault_name(fault).unwrap_or("other")),
        kind => kind.name().to_string(),
    };
    format!("ev {} {} {kind} {item}", e.time, e.actor.0)
}

fn fault_name(fault: Fault) -> Option<&'static str> {
    match fault {
        Fault::TaskDoneTooMany => Some("task_done_too_many"),
        Fault::PutAfterShutdown => Some("put_after_shutdown"),
        Fault::StaleAck => Some("stale_ack"),
        Fault::Fetch(_) => None,
    }
}

/// The kinds without a value of their own.
const KINDS: [EventKind; 22] = [
    EventKind::Produce,
    EventKind::Put,
    EventKind::PutBlocked,
    EventKind::Get,
    EventKind::GetBlocked,
    EventKind::Consume,
    EventKind::TaskDone,
    EventKind::JoinStart,
    EventKind::JoinDone,
    EventKind::Terminate,
    EventKind::Finish,
    EventKind::Drop,
    EventKind::SentinelPut,
    EventKind::SentinelGet,
    EventKind::Shutdown { immediate: false },
    EventKind::Shutdown { immediate: true },
    EventKind::GetShutDown,
    EventKind::Killed,
    EventKind::DaemonExit,
    EventKind::Ack,
    EventKind::Redeliver,
    EventKind::DeadLetter,
];

const FAULTS: [Fault; 3] = [
    Fault::TaskDoneTooMany,
    Fault::PutAfterShutdown,
    Fault::StaleAck,
];

const OUTCOMES: [(&str, Outcome); 3] = [
    ("completed", Outcome::Completed),
    ("stuck", Outcome::Stuck),
    ("time_limit", Outcome::TimeLimit),
];

/// A line read; `None` when it is none of the stream's.
pub fn read_line(text: &str) -> Option<Line> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words[..] {
        ["ev", time, actor, kind, item] => Some(Line::Event(Event {
            time: time.parse().ok()?,
            actor: ActorId(actor.parse().ok()?),
            kind: read_kind(kind)?,
            item: match item {
                "-" => None,
                item => {
                    let (origin, seq) = item.split_once(':')?;
                    Some(ItemId {
                        origin: origin.parse().ok()?,
                        seq: seq.parse().ok()?,
                    })
                }
            },
        })),
        ["end", outcome] => read_outcome(outcome).map(Line::End),
        ["predicted", ..] => read_prediction(text).map(Line::Predicted),
        _ => None,
    }
}

/// A prediction's line read (the page reads only this line itself).
pub fn read_prediction(text: &str) -> Option<Prediction> {
    let mut words = text.split_whitespace();
    if words.next()? != "predicted" {
        return None;
    }
    let prediction = Prediction {
        end: words.next()?.parse().ok()?,
        consumed: words.next()?.parse().ok()?,
        outcome: read_outcome(words.next()?)?,
    };
    words.next().is_none().then_some(prediction)
}

fn read_outcome(text: &str) -> Option<Outcome> {
    OUTCOMES
        .iter()
        .find(|(name, _)| *name == text)
        .map(|&(_, o)| o)
}

fn read_kind(text: &str) -> Option<EventKind> {
    if let Some((name, value)) = text.split_once(':') {
        if name == "error" {
            let fault = FAULTS.into_iter().find(|&f| fault_name(f) == Some(value))?;
            return Some(EventKind::Error(fault));
        }
        let actor = ActorId(value.parse().ok()?);
        return match name {
            "task_join_start" => Some(EventKind::TaskJoinStart(actor)),
            "task_join_done" => Some(EventKind::TaskJoinDone(actor)),
            _ => None,
        };
    }
    KINDS.into_iter().find(|k| k.name() == text)
}

/// A live run's events so far, and what the page shows of them.
pub struct Watch {
    config: Config,
    /// Every event told, in time order.
    told: Vec<Event>,
    /// The stage and the log, as a simulated run's page derives them.
    derived: Derived,
    series: Series,
    /// The statistics and who waits where, as a simulated run keeps them.
    recorder: Recorder,
    now: Nanos,
    events: u64,
    outcome: Outcome,
}

impl Watch {
    pub fn new(config: Config) -> Watch {
        Watch {
            told: Vec::new(),
            derived: Derived::new(&config),
            series: Series::default(),
            recorder: Recorder::default(),
            now: 0,
            events: 0,
            outcome: Outcome::Running,
            config,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Takes the stream's lines (one a line; others, and events of actors
    /// the run does not have, are left out). The processes' lines arrive a
    /// little out of order (a consumer's get before the producer's put of
    /// the same item): an event earlier than the latest is put in its
    /// place by time and everything is derived again from the start, so
    /// the recorders see the events in time order, as the command line's
    /// report does.
    pub fn take(&mut self, text: &str) {
        let mut late = false;
        for line in text.lines().filter_map(read_line) {
            match line {
                Line::Event(event) => {
                    if event.actor.0 as usize >= self.derived.stage.roles().len() {
                        continue;
                    }
                    if event.time < self.now {
                        let at = self.told.partition_point(|e| e.time <= event.time);
                        self.told.insert(at, event);
                        late = true;
                    } else {
                        self.told.push(event);
                        if !late {
                            self.record(&event);
                        }
                    }
                    self.now = self.now.max(event.time);
                }
                Line::End(outcome) => self.outcome = outcome,
                Line::Predicted(_) => {}
            }
        }
        if late {
            let told = std::mem::take(&mut self.told);
            let outcome = self.outcome;
            *self = Watch::new(self.config.clone());
            for event in &told {
                self.record(event);
            }
            self.told = told;
            self.outcome = outcome;
        }
    }

    fn record(&mut self, event: &Event) {
        self.derived.record(event);
        let wait = self.recorder.record(event);
        self.series.record(event, wait);
        self.now = self.now.max(event.time);
        self.events += 1;
    }

    /// What the page shows now, as the answer to move `id`.
    pub fn snapshot(&self, id: u64) -> Snapshot {
        let counts = self.recorder.stats().counts;
        let derived = self.derived.shown(self.recorder.stats().queued_items());
        let in_queue = derived.stage.queue_len() as u64;
        Snapshot {
            id,
            position: Position {
                at: Some(self.now),
                steps: 0,
            },
            moment: Moment {
                outcome: self.outcome,
                now: self.now,
                event_count: self.events,
                counts,
                in_queue,
                unfinished: counts.put.saturating_sub(counts.task_done),
                lines: self.recorder.waits().lines(),
                stuck: Vec::new(),
                derived: Rc::new(derived),
            },
            chart: Some(self.series.chart_data(self.now, self.config.capacity)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::Run;
    use crate::scenario::ScenarioKind;

    #[test]
    fn every_event_of_a_run_reads_back_from_its_line() {
        let config = Config::defaults(ScenarioKind::Hotdog, 7);
        let kept = Rc::new(std::cell::RefCell::new(Vec::new()));
        let sink = Rc::clone(&kept);
        let mut run = Run::new(config, move |e: &Event| sink.borrow_mut().push(*e));
        run.run_to_end();
        let events = kept.borrow();
        assert!(!events.is_empty());
        for e in events.iter() {
            assert_eq!(read_line(&event_line(e)), Some(Line::Event(*e)));
        }
        let join = Event {
            time: 5,
            actor: ActorId(0),
            kind: EventKind::TaskJoinDone(ActorId(3)),
            item: None,
        };
        assert_eq!(read_line(&event_line(&join)), Some(Line::Event(join)));
        assert_eq!(
            read_line("end completed"),
            Some(Line::End(Outcome::Completed))
        );
        assert_eq!(read_line("<b>ev</b> 1 2"), None);
        assert_eq!(read_line("ev x 0 produce -"), None);
    }

    #[test]
    fn a_watched_run_shows_what_the_simulation_shows_at_its_end() {
        let config = Config::defaults(ScenarioKind::Hotdog, 7);
        let kept = Rc::new(std::cell::RefCell::new(String::new()));
        let sink = Rc::clone(&kept);
        let mut run = Run::new(config.clone(), move |e: &Event| {
            let mut lines = sink.borrow_mut();
            *lines += &event_line(e);
            lines.push('\n');
        });
        run.run_to_end();
        let (counts, now) = (run.counts(), run.now());
        let lines = kept.borrow().clone();
        let mut watch = Watch::new(config.clone());
        watch.take(&lines);
        watch.take("end completed\n");
        let snapshot = watch.snapshot(9);
        assert_eq!(snapshot.id, 9);
        assert_eq!(snapshot.moment.counts, counts);
        assert_eq!(snapshot.moment.now, now);
        assert_eq!(snapshot.moment.outcome, Outcome::Completed);
        assert_eq!(snapshot.moment.in_queue, 0);
        // The same stage and log as the page's own engine at the end.
        let mut engine = super::super::session::Engine::new(config);
        let end = Position {
            at: Some(Nanos::MAX),
            steps: 0,
        };
        while !engine.go_within(end, 1_000) {}
        assert_eq!(*snapshot.moment.derived, *engine.moment().derived);
    }
}
