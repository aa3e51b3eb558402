//! One run on the page, as a value: its settings, where it stands (the
//! position reached by ticks, steps and seeks), the playback clock, the
//! timeline's end, the [`Moment`] shown there — immutable facts (the
//! counters, who waits on what, the stage and the log) — the log as drawn
//! (no more often than a few times a second while more lines arrive per
//! frame than anyone reads), and the charts' data, drawn a few times a
//! second while the run plays.
//!
//! The simulation itself cannot be copied. It lives in an engine that every
//! copy of a session shares as a cache: a copy that moves brings the engine
//! to its own position first — on from where it is when that position lies
//! ahead, otherwise rebuilt from the config (runs are deterministic, so a
//! fresh run brought to a position shows exactly what the live run showed
//! there). No copy can see another's moves: each keeps its own moment.

use std::cell::RefCell;
use std::rc::Rc;

use crate::clock::{Playback, SpeedOutOfRange};
use crate::lang::Lang;
use crate::lessons::LessonId;
use crate::lines::{Blocked, Lines};
use crate::peak::{PeakConfig, PeakReport};
use crate::run::{Outcome, Run, Stuck};
use crate::scenario::Config;
use crate::series::ChartData;
use crate::stats::Counts;
use crate::trace::{ActorId, Event, ItemId, Nanos, Role};

use super::outcomes::{Given, Outcomes};
use super::stage::{Log, Stage};

/// How many log lines the page keeps.
pub const LOG_LINES: usize = 200;

/// While a run plays, its charts are drawn again at most this often (ms of
/// real time); paused, stepped or scrubbed, at once.
pub const CHART_REFRESH_MS: f64 = 250.0;

/// While a run plays, its log follows every move that adds at most this
/// many lines (so it scrolls line by line at slow speeds); faster, it is
/// drawn again at most every [`LOG_REFRESH_MS`] of real time (the newest
/// lines at that moment). Paused, stepped or scrubbed, at once.
pub const LOG_LINES_PER_MOVE: u64 = 4;

/// See [`LOG_LINES_PER_MOVE`].
pub const LOG_REFRESH_MS: f64 = 100.0;

/// The stage and the log, derived from a run's events.
#[derive(Clone, Debug, PartialEq)]
pub struct Derived {
    pub stage: Stage,
    pub log: Log,
}

impl Derived {
    /// Nothing derived yet, for a run of `config`.
    pub fn new(config: &Config) -> Derived {
        Derived {
            stage: Stage::new(config),
            log: Log::new(LOG_LINES),
        }
    }

    /// Takes one event into account: what the page derives from a run's
    /// events besides the run's own recorder (whose statistics, lines and
    /// charts it reads).
    pub fn record(&mut self, event: &Event) {
        self.stage.record(event);
        self.log.push(*event);
    }

    /// A copy to show, its stage holding the front of `queued`, the items in
    /// the queue, next out first (a run's
    /// [`Stats::queued_items`](crate::stats::Stats::queued_items)).
    pub fn shown(&self, queued: impl ExactSizeIterator<Item = ItemId>) -> Derived {
        let mut shown = self.clone();
        shown.stage.show_queue(queued);
        shown
    }
}

/// What the page shows of a run at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Moment {
    pub outcome: Outcome,
    /// Virtual time.
    pub now: Nanos,
    pub event_count: u64,
    pub counts: Counts,
    /// Items in the queue (sentinels left out).
    pub in_queue: u64,
    /// Tasks put and not yet marked done.
    pub unfinished: u64,
    /// Who waits on what, and where in its line.
    pub lines: Lines,
    /// The actors that will wait forever, with what each waits on (empty
    /// unless the run is stuck).
    pub stuck: Vec<Stuck>,
    pub derived: Rc<Derived>,
}

impl Moment {
    /// What `actor` waits on and its place in that line, if it waits.
    pub fn blocked(&self, actor: ActorId) -> Option<Blocked> {
        self.lines.blocked(actor)
    }
}

/// Where a run stands: advanced to a time (every event up to and including
/// it has happened), then stepped event by event. A fresh run brought to
/// the same position is in the same state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    /// The time last advanced to; `None` while only stepped from the start.
    pub at: Option<Nanos>,
    /// Steps since.
    pub steps: u64,
}

/// The simulation behind a session's copies, and the position it is at.
pub(super) struct Engine {
    run: Run<Config>,
    /// What the events derived so far.
    recorded: Rc<RefCell<Derived>>,
    /// A copy of the stage and log handed out with a moment, and the
    /// events it saw.
    shown: (u64, Rc<Derived>),
    position: Position,
}

impl Engine {
    pub(super) fn new(config: Config) -> Engine {
        let derived = Derived::new(&config);
        let shown = (0, Rc::new(derived.clone()));
        let recorded = Rc::new(RefCell::new(derived));
        let sink = Rc::clone(&recorded);
        let run = Run::charted(config, move |event| sink.borrow_mut().record(event));
        Engine {
            run,
            recorded,
            shown,
            position: Position::default(),
        }
    }

    /// Brings the run to `to`.
    #[cfg(feature = "page-engine")]
    fn go(&mut self, to: Position) {
        let here = self.position;
        if here.at != to.at || here.steps > to.steps {
            self.restart_unless_ahead(to);
            if let Some(t) = to.at {
                self.run.advance_to(t);
            }
            self.position = Position {
                at: to.at,
                steps: 0,
            };
        }
        while self.position.steps < to.steps {
            self.run.step();
            self.position.steps += 1;
        }
    }

    /// Brings the run towards `to`, advancing by a slice of virtual time
    /// that holds about `budget` events (judged by the events so far);
    /// true once it is there. The position between slices is a position of
    /// its own (advanced to the slice's end), so a move cut short leaves the
    /// engine somewhere a fresh run reproduces.
    pub(super) fn go_within(&mut self, to: Position, budget: u64) -> bool {
        let here = self.position;
        if here.at != to.at || here.steps > to.steps {
            self.restart_unless_ahead(to);
            if let Some(t) = to.at {
                let (now, events) = (self.run.now(), self.run.event_count());
                // Nanoseconds that hold about `budget` events so far; while
                // none happened, twice the time so far (at least 1 ms).
                let span = if events == 0 {
                    now.max(1_000_000)
                } else {
                    let span = u128::from(budget) * u128::from(now.max(1)) / u128::from(events);
                    span.clamp(1, u128::from(Nanos::MAX)) as Nanos
                };
                let next = now.saturating_add(span).min(t);
                self.run.advance_to(next);
                self.position = Position {
                    at: Some(next),
                    steps: 0,
                };
                if next < t && !self.run.outcome().is_over() {
                    return false;
                }
            }
            self.position = Position {
                at: to.at,
                steps: 0,
            };
        }
        while self.position.steps < to.steps {
            self.run.step();
            self.position.steps += 1;
        }
        true
    }

    /// Starts the run again from time 0 unless `to` lies ahead of where
    /// it stands: advancing runs every event up to a time, which reproduces
    /// `to` from any earlier state. (A run at its time limit stands where
    /// a fresh run advanced past the limit stands: steps never pass it.)
    fn restart_unless_ahead(&mut self, to: Position) {
        let ahead = matches!(to.at, Some(t) if self.run.now() <= t);
        if !ahead {
            *self = Engine::new(self.run.config().clone());
        }
    }

    /// Where the run stands.
    pub(super) fn position(&self) -> Position {
        self.position
    }

    /// Virtual time, events and items consumed so far.
    pub(super) fn progress(&self) -> (Nanos, u64, u64) {
        let run = &self.run;
        (run.now(), run.event_count(), run.counts().consumed)
    }

    /// The run's config.
    pub(super) fn config(&self) -> &Config {
        self.run.config()
    }

    /// What the run shows now; the derived views are copied only when an
    /// event changed them since the last copy, with the front of the queue
    /// (the rest is counted, however long the backlog).
    pub(super) fn moment(&mut self) -> Moment {
        let run = &self.run;
        if self.shown.0 != run.event_count() {
            let derived = self.recorded.borrow().shown(run.stats().queued_items());
            self.shown = (run.event_count(), Rc::new(derived));
        }
        Moment {
            outcome: run.outcome(),
            now: run.now(),
            event_count: run.event_count(),
            counts: run.counts(),
            in_queue: run.items_in_queue(),
            unfinished: run.queue().unfinished_tasks() as u64,
            lines: run.lines(),
            stuck: run.stuck(),
            derived: Rc::clone(&self.shown.1),
        }
    }

    /// The charts' data now.
    pub(super) fn chart(&self) -> ChartData {
        let capacity = self.run.config().capacity;
        let charts = self.run.charts().expect("the page's runs keep charts");
        charts.chart_data(self.run.now(), capacity)
    }
}

/// How far a long move of an engine away has come.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    /// Virtual time reached.
    pub now: Nanos,
    pub events: u64,
    /// Items consumed so far.
    pub consumed: u64,
    /// Wall-clock milliseconds the move has taken so far.
    pub elapsed_ms: f64,
}

/// A move asked of the engine away and not answered yet.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    /// Tells its answer from the answers to older moves.
    pub id: u64,
    pub to: Position,
    /// Whether the answer brings the charts' data.
    pub chart: bool,
    /// The move was called off: the engine answers where it got to.
    pub cancelled: bool,
    /// The latest report of a long move.
    pub progress: Option<Progress>,
}

/// What the page asks of its engine away: a session's moves, and the
/// results of the termination lab and of peak shaving (run to their ends
/// at once, answered with one reply).
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Bring the run of `config` to `to` (and answer with a [`Snapshot`]).
    Go {
        id: u64,
        config: Rc<Config>,
        to: Position,
        chart: bool,
    },
    /// Stop move `id` where it is, and answer with a snapshot there.
    Cancel { id: u64 },
    /// The termination lab's results for `config` ([`Reply::Lab`]).
    Lab { id: u64, config: Rc<Config> },
    /// The peak-shaving run of `config` ([`Reply::Peak`]).
    Peak { id: u64, config: Rc<PeakConfig> },
    /// A file of the run of `config` brought to `to`, in `lang`
    /// ([`Reply::Export`]): a fresh run replays every event up to there.
    Export {
        id: u64,
        config: Rc<Config>,
        to: Position,
        what: Download,
        lang: Lang,
    },
    /// The Python program of `config` in `lang` ([`Reply::Python`]).
    Python {
        id: u64,
        config: Rc<Config>,
        lang: Lang,
    },
    /// A lesson for a seed, worded in `lang` ([`Reply::Lesson`]).
    Lesson {
        id: u64,
        lesson: LessonId,
        seed: u64,
        lang: Lang,
    },
    /// More lines of live run `id` of `config` (`canteen live --serve`):
    /// answered with a [`Snapshot`] of everything it told so far.
    Live {
        id: u64,
        config: Rc<Config>,
        lines: Rc<str>,
    },
}

/// Which file of a run to download.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Download {
    /// Every event, a line each.
    EventsCsv,
    /// The summary's fields.
    SummaryCsv,
    /// The summary and every event.
    Json,
}

impl Download {
    pub const ALL: [Download; 3] = [Download::EventsCsv, Download::SummaryCsv, Download::Json];

    /// The file's media type.
    pub fn mime(self) -> &'static str {
        match self {
            Download::EventsCsv | Download::SummaryCsv => "text/csv;charset=utf-8",
            Download::Json => "application/json",
        }
    }
}

/// A file made away, to be saved by the page.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub what: Download,
    pub name: String,
    pub text: String,
}

/// The answer to a move: where the run is and what it shows there.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub id: u64,
    pub position: Position,
    pub moment: Moment,
    pub chart: Option<ChartData>,
}

/// What an engine away reports.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    Progress(u64, Progress),
    Snapshot(Box<Snapshot>),
    /// The lab's results for the config of [`Command::Lab`] `id` (`None`:
    /// too many items to run them).
    Lab(u64, Option<Rc<Outcomes>>),
    /// The report of [`Command::Peak`] `id`.
    Peak(u64, Rc<PeakReport>),
    /// The file of [`Command::Export`] `id`.
    Export(u64, Rc<File>),
    /// The program of [`Command::Python`] `id`.
    Python(u64, Rc<str>),
    /// The lesson of [`Command::Lesson`] `id`, as given.
    Lesson(u64, Rc<Given>),
}

/// A fresh run of `config` brought to `at`, and every event it emitted.
pub fn replay(config: &Config, at: Position) -> (Run<Config>, Vec<Event>) {
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&events);
    let mut run = Run::new(config.clone(), move |e| sink.borrow_mut().push(*e));
    if let Some(t) = at.at {
        run.advance_to(t);
    }
    for _ in 0..at.steps {
        run.step();
    }
    let events = events.take();
    (run, events)
}

/// A fresh id for a move; ids never repeat within a page, whichever
/// session asks.
pub fn next_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A run being watched.
#[derive(Clone)]
pub struct Session {
    config: Rc<Config>,
    roles: Rc<[Role]>,
    playback: Playback,
    position: Position,
    /// The latest moment this run has reached (the timeline's end).
    horizon: Nanos,
    moment: Rc<Moment>,
    chart: Rc<ChartData>,
    /// Where the charts were drawn, and the real time played since.
    charted: (Position, f64),
    /// The stage and log of the moment whose log is drawn, and the real
    /// time played since.
    logged: (Rc<Derived>, f64),
    /// The engine in this thread, shared by the copies as a cache; `None`
    /// when it runs away (in the page's worker): moves then become
    /// [`Command`]s, answered by [`Reply`]s.
    #[cfg(feature = "page-engine")]
    engine: Option<Rc<RefCell<Engine>>>,
    /// The move asked of the engine away, until its snapshot arrives.
    pending: Option<Rc<Pending>>,
    /// Real time played while a move was pending, to play on its arrival.
    owed_ms: f64,
}

impl PartialEq for Session {
    /// Equal while showing the same: the same run at the same moment,
    /// played the same way.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.moment, &other.moment)
            && Rc::ptr_eq(&self.chart, &other.chart)
            && Rc::ptr_eq(&self.logged.0, &other.logged.0)
            && self.playback == other.playback
            && self.horizon == other.horizon
            && self.pending == other.pending
    }
}

impl Session {
    /// A paused session at time 0 at speed 1×; `config` must be valid. Its
    /// engine runs in this thread (away, where this thread has none: the
    /// page's build without the `page-engine` feature).
    #[cfg(feature = "page-engine")]
    pub fn new(config: Config) -> Session {
        let mut engine = Engine::new(config.clone());
        let moment = Rc::new(engine.moment());
        let chart = Rc::new(engine.chart());
        let logged = (Rc::clone(&moment.derived), 0.0);
        Session {
            roles: config.roles().into(),
            config: Rc::new(config),
            playback: Playback::default(),
            position: Position::default(),
            horizon: 0,
            moment,
            chart,
            charted: (Position::default(), 0.0),
            logged,
            engine: Some(Rc::new(RefCell::new(engine))),
            pending: None,
            owed_ms: 0.0,
        }
    }

    /// A paused session at time 0 at speed 1×; `config` must be valid.
    #[cfg(not(feature = "page-engine"))]
    pub fn new(config: Config) -> Session {
        Session::away(config)
    }

    /// A paused session at time 0 whose engine runs away: every move is a
    /// [`Command`] ([`Session::command`]) and shows once its [`Reply`]
    /// arrives ([`Session::arrive`]). It asks for the facts of time 0 at
    /// once, and shows an empty stage until they arrive.
    pub fn away(config: Config) -> Session {
        let moment = Moment {
            outcome: Outcome::Running,
            now: 0,
            event_count: 0,
            counts: Counts::default(),
            in_queue: 0,
            unfinished: 0,
            lines: Lines::default(),
            stuck: Vec::new(),
            derived: Rc::new(Derived {
                stage: Stage::new(&config),
                log: Log::new(LOG_LINES),
            }),
        };
        let start = vec![(0, 0)];
        let chart = ChartData {
            end: 0,
            capacity: config.capacity,
            queue: start.clone(),
            produced: start.clone(),
            consumed: start,
            waits: Vec::new(),
            wait_count: 0,
        };
        let moment = Rc::new(moment);
        let mut session = Session {
            roles: config.roles().into(),
            config: Rc::new(config),
            playback: Playback::default(),
            position: Position::default(),
            horizon: 0,
            logged: (Rc::clone(&moment.derived), 0.0),
            moment,
            chart: Rc::new(chart),
            charted: (Position::default(), 0.0),
            #[cfg(feature = "page-engine")]
            engine: None,
            pending: None,
            owed_ms: 0.0,
        };
        session.go(Position::default(), 0.0);
        session
    }

    /// A paused session of `config` at this one's speed, whose engine runs
    /// where this one's does.
    pub fn renew(&self, config: Config) -> Session {
        #[cfg(feature = "page-engine")]
        let session = if self.engine.is_some() {
            Session::new(config)
        } else {
            Session::away(config)
        };
        #[cfg(not(feature = "page-engine"))]
        let session = Session::away(config);
        session.renew_speed(self)
    }

    /// This session at `other`'s speed.
    pub fn renew_speed(mut self, other: &Session) -> Session {
        // The speed was valid for the other session, so it is for this one.
        let _ = self.set_speed(other.speed());
        self
    }

    /// Whether the moves are made away (in the worker), not in this thread.
    pub fn is_away(&self) -> bool {
        #[cfg(feature = "page-engine")]
        return self.engine.is_none();
        #[cfg(not(feature = "page-engine"))]
        true
    }

    /// Brings the engine home: the moves from now on run in this thread
    /// (when the engine away is lost). A pending move is made here.
    #[cfg(feature = "page-engine")]
    pub fn come_home(&mut self) {
        if self.engine.is_none() {
            self.engine = Some(Rc::new(RefCell::new(Engine::new(self.config().clone()))));
            self.pending = None;
            self.go(self.position, 0.0);
        }
    }

    /// The move waiting for its answer, if any.
    pub fn pending(&self) -> Option<&Pending> {
        self.pending.as_deref()
    }

    /// What to tell the engine away now: the pending move, or that it was
    /// called off. Commands with the same id and kind are one command.
    pub fn command(&self) -> Option<Command> {
        let pending = self.pending.as_deref()?;
        Some(if pending.cancelled {
            Command::Cancel { id: pending.id }
        } else {
            Command::Go {
                id: pending.id,
                config: Rc::clone(&self.config),
                to: pending.to,
                chart: pending.chart,
            }
        })
    }

    /// Calls off the pending move; false when there is none.
    pub fn cancel(&mut self) -> bool {
        match self.pending.as_deref() {
            Some(pending) if !pending.cancelled => {
                self.pending = Some(Rc::new(Pending {
                    cancelled: true,
                    ..pending.clone()
                }));
                self.playback.pause();
                true
            }
            _ => false,
        }
    }

    /// Takes a report of the engine away; false when it is not about the
    /// pending move (an answer to a move since replaced).
    pub fn arrive(&mut self, reply: Reply) -> bool {
        let Some(pending) = self.pending.as_deref() else {
            return false;
        };
        match reply {
            Reply::Progress(id, progress) if id == pending.id => {
                self.pending = Some(Rc::new(Pending {
                    progress: Some(progress),
                    ..pending.clone()
                }));
                true
            }
            Reply::Snapshot(snapshot) if snapshot.id == pending.id => {
                self.show(*snapshot);
                // Time played while the move was pending plays on now; a
                // run that is over pauses (and draws its charts).
                let owed = std::mem::take(&mut self.owed_ms);
                if self.is_playing() && (owed > 0.0 || self.moment.outcome.is_over()) {
                    self.tick(owed);
                }
                true
            }
            _ => false,
        }
    }

    /// Shows a live run's snapshot (`canteen live --serve`): paused, at
    /// the run's latest moment; a pending move is dropped.
    pub fn show_live(&mut self, snapshot: Snapshot) {
        self.playback.pause();
        self.show(snapshot);
        self.logged = (Rc::clone(&self.moment.derived), 0.0);
    }

    /// Shows what a snapshot says (the move it answers is no longer
    /// pending): its position, moment, charts and log.
    fn show(&mut self, snapshot: Snapshot) {
        self.pending = None;
        self.position = snapshot.position;
        self.moment = Rc::new(snapshot.moment);
        self.horizon = self.horizon.max(self.moment.now);
        if let Some(chart) = snapshot.chart {
            self.chart = Rc::new(chart);
            self.charted = (snapshot.position, 0.0);
        }
        self.relog();
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The actor table (index = [`ActorId`]).
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    /// What the run shows at the current moment.
    pub fn moment(&self) -> &Moment {
        &self.moment
    }

    /// The current moment, shared: the same `Rc` until the run moves.
    pub fn moment_rc(&self) -> &Rc<Moment> {
        &self.moment
    }

    /// The stage and log at the current moment.
    pub fn derived(&self) -> &Derived {
        &self.moment.derived
    }

    /// The log to draw: of the current moment, or while the run plays
    /// and adds more than [`LOG_LINES_PER_MOVE`] lines a move, of one at
    /// most [`LOG_REFRESH_MS`] of real time earlier. The same `Rc` until
    /// it is to be drawn again.
    pub fn log(&self) -> &Rc<Derived> {
        &self.logged.0
    }

    /// The settings, shared by every copy of this session (a run with
    /// new settings is a new session with its own).
    pub fn config_rc(&self) -> &Rc<Config> {
        &self.config
    }

    /// The charts' data: of the current moment, or while the run plays, of
    /// one at most [`CHART_REFRESH_MS`] of real time earlier.
    pub fn chart(&self) -> &Rc<ChartData> {
        &self.chart
    }

    pub fn is_playing(&self) -> bool {
        !self.playback.is_paused()
    }

    pub fn speed(&self) -> f64 {
        self.playback.speed()
    }

    /// Sets the playback speed (the run itself is unchanged).
    pub fn set_speed(&mut self, speed: f64) -> Result<(), SpeedOutOfRange> {
        self.playback.set_speed(speed)
    }

    /// The latest moment reached: the end of the timeline.
    pub fn horizon(&self) -> Nanos {
        self.horizon
    }

    /// Plays; a run that is over starts again from the beginning.
    pub fn play(&mut self) {
        if self.moment.outcome.is_over() {
            self.reset();
        }
        self.playback.play();
    }

    /// Pauses (and draws the charts and the log of this moment).
    pub fn pause(&mut self) {
        self.playback.pause();
        if self.charted.0 != self.position {
            self.go(self.position, 0.0);
        }
        self.logged = (Rc::clone(&self.moment.derived), 0.0);
    }

    /// Advances by one timer tick of `real_ms` wall-clock milliseconds;
    /// false while paused. Pauses when the run is over.
    pub fn tick(&mut self, real_ms: f64) -> bool {
        if !self.is_playing() {
            return false;
        }
        if self.pending.is_some() {
            // The engine away is busy: play this time once it answers.
            self.owed_ms += real_ms;
            return true;
        }
        if !self.moment.outcome.is_over() {
            let until = self.playback.reach(self.moment.now, real_ms);
            let to = Position {
                at: Some(until),
                steps: 0,
            };
            self.go(to, real_ms);
        }
        if self.moment.outcome.is_over() {
            self.pause();
        }
        true
    }

    /// Pauses and runs to the next event.
    pub fn step(&mut self) {
        self.playback.pause();
        if !self.moment.outcome.is_over() {
            let to = Position {
                steps: self.position.steps + 1,
                ..self.position
            };
            self.go(to, 0.0);
        }
    }

    /// Pauses and steps back to the moment before the last event shown:
    /// every event before its time has happened, none at or after it (the
    /// run is deterministic, so this is a seek). At the start, nothing.
    pub fn step_back(&mut self) {
        self.playback.pause();
        let last = self
            .moment
            .derived
            .log
            .entries()
            .last()
            .map(|(_, e)| e.time);
        let to = match last {
            Some(t) if t > 0 => Position {
                at: Some(t - 1),
                steps: 0,
            },
            _ => Position::default(),
        };
        if to != self.position {
            self.go(to, 0.0);
        }
    }

    /// Pauses and runs to the end at once.
    pub fn run_to_end(&mut self) {
        self.playback.pause();
        if !self.moment.outcome.is_over() {
            let to = Position {
                at: Some(Nanos::MAX),
                steps: 0,
            };
            self.go(to, 0.0);
        }
    }

    /// Pauses and starts the same run again from time 0.
    pub fn reset(&mut self) {
        self.playback.pause();
        self.go(Position::default(), 0.0);
        self.horizon = 0;
    }

    /// Pauses and shows moment `t` (at most the horizon): every event up to
    /// and including `t` has happened.
    pub fn seek(&mut self, t: Nanos) {
        self.playback.pause();
        let to = Position {
            at: Some(t.min(self.horizon)),
            steps: 0,
        };
        self.go(to, 0.0);
    }

    /// Where the run stands (or will, once the pending move is answered).
    pub fn position(&self) -> Position {
        self.position
    }

    /// Pauses and shows moment `t`, also beyond the horizon (the run is
    /// brought there): every event up to and including `t` has happened.
    pub fn jump(&mut self, t: Nanos) {
        self.playback.pause();
        let to = Position {
            at: Some(t),
            steps: 0,
        };
        self.go(to, 0.0);
    }

    /// A fresh run brought to this moment, and every event it emitted (the
    /// page keeps only the newest lines), for export.
    pub fn replay(&self) -> (Run<Config>, Vec<Event>) {
        replay(self.config(), self.position)
    }

    /// Moves to `to`, `real_ms` of play after the last move; the charts
    /// are drawn again unless the run plays and they are recent, the log
    /// unless the run plays, it is recent and many lines came.
    fn go(&mut self, to: Position, real_ms: f64) {
        self.charted.1 += real_ms;
        self.logged.1 += real_ms;
        let chart = self.playback.is_paused() || self.charted.1 >= CHART_REFRESH_MS;
        if self.go_here(to, chart) {
            self.relog();
        } else {
            // Away: ask for the move; it shows when its snapshot arrives.
            self.pending = Some(Rc::new(Pending {
                id: next_id(),
                to,
                chart,
                cancelled: false,
                progress: None,
            }));
            self.position = to;
        }
    }

    /// Draws the log of the moment shown again, unless the run plays, the
    /// log was drawn less than [`LOG_REFRESH_MS`] ago and more than
    /// [`LOG_LINES_PER_MOVE`] lines came since.
    fn relog(&mut self) {
        let (drawn, now) = (self.logged.0.log.total(), self.moment.derived.log.total());
        let few = drawn <= now && now - drawn <= LOG_LINES_PER_MOVE;
        if self.playback.is_paused() || few || self.logged.1 >= LOG_REFRESH_MS {
            self.logged = (Rc::clone(&self.moment.derived), 0.0);
        }
    }

    /// Makes the move with the engine in this thread; false when there is
    /// none.
    #[cfg(feature = "page-engine")]
    fn go_here(&mut self, to: Position, chart: bool) -> bool {
        let Some(engine) = &self.engine else {
            return false;
        };
        let mut engine = engine.borrow_mut();
        engine.go(to);
        self.moment = Rc::new(engine.moment());
        self.position = to;
        self.horizon = self.horizon.max(self.moment.now);
        if chart {
            self.chart = Rc::new(engine.chart());
            self.charted = (to, 0.0);
        }
        true
    }

    #[cfg(not(feature = "page-engine"))]
    fn go_here(&mut self, _to: Position, _chart: bool) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ending::Strategy;
    use crate::scenario::ScenarioKind;

    fn custom() -> Config {
        let mut config = Config::defaults(ScenarioKind::Custom, 11);
        config.producers = 3;
        config.consumers = 2;
        config.capacity = 3;
        config
    }

    /// The derived views of a fresh run advanced straight to `t`.
    fn straight_to(config: &Config, t: Nanos) -> Derived {
        let mut engine = Engine::new(config.clone());
        engine.run.advance_to(t);
        let derived = engine.moment().derived;
        (*derived).clone()
    }

    #[test]
    fn live_ticks_and_a_seek_show_the_same_moment() {
        let mut live = Session::new(custom());
        live.set_speed(7.0).unwrap();
        live.play();
        let mut moments = Vec::new();
        while live.is_playing() {
            live.tick(16.0);
            moments.push(live.moment().clone());
        }
        assert_eq!(live.moment().outcome, Outcome::Completed);
        assert!(moments.len() > 10);
        let mut scrubbed = Session::new(custom());
        scrubbed.run_to_end();
        // Back and forth over the timeline, including backwards jumps.
        for &i in &[
            moments.len() / 2,
            3,
            moments.len() - 1,
            0,
            moments.len() / 3,
        ] {
            let seen = &moments[i];
            scrubbed.seek(seen.now);
            assert_eq!(scrubbed.moment(), seen, "moment {i} at {} ns", seen.now);
            assert_eq!(*seen.derived, straight_to(&custom(), seen.now));
        }
    }

    #[test]
    fn seek_never_goes_past_the_horizon() {
        let mut session = Session::new(custom());
        session.set_speed(2.0).unwrap();
        session.play();
        session.tick(100.0);
        let horizon = session.horizon();
        assert_eq!(horizon, 200_000_000);
        session.seek(10 * horizon);
        assert_eq!(session.moment().now, horizon);
        assert!(!session.is_playing(), "seeking pauses");
    }

    #[test]
    fn reset_starts_the_same_run_again_and_play_after_the_end_restarts() {
        let mut session = Session::new(custom());
        session.run_to_end();
        let end = session.moment().clone();
        session.reset();
        assert_eq!(session.moment().now, 0);
        assert_eq!(session.derived().log.total(), 0);
        assert_eq!(session.horizon(), 0);
        session.run_to_end();
        assert_eq!(*session.moment(), end);
        session.play();
        assert_eq!(
            session.moment().now,
            0,
            "play on a finished run restarts it"
        );
        assert!(session.is_playing());
    }

    #[test]
    fn the_clock_pauses_itself_at_the_end() {
        let mut session = Session::new(custom());
        session.set_speed(100.0).unwrap();
        session.play();
        let mut ticks = 0;
        while session.tick(16.0) {
            ticks += 1;
            assert!(ticks < 10_000, "the run does not end");
        }
        assert_eq!(session.moment().outcome, Outcome::Completed);
        assert!(ticks > 1, "a run of several seconds takes several ticks");
        assert!(!session.tick(16.0), "paused");
    }

    #[test]
    fn replayed_events_are_the_runs_own_even_mid_moment() {
        let mut session = Session::new(custom());
        for _ in 0..7 {
            session.step();
        }
        let (run, events) = session.replay();
        assert_eq!(events.len() as u64, session.moment().event_count);
        assert_eq!(run.now(), session.moment().now);
        let logged: Vec<Event> = session.derived().log.entries().map(|(_, &e)| e).collect();
        assert_eq!(events, logged, "the log holds them all while it is short");
        session.run_to_end();
        let (run, events) = session.replay();
        assert_eq!(events.len() as u64, session.moment().event_count);
        assert_eq!(run.outcome(), Outcome::Completed);
    }

    #[test]
    fn step_pauses_and_adds_at_least_one_event() {
        let mut session = Session::new(custom());
        session.play();
        let before = session.derived().log.total();
        session.step();
        assert!(!session.is_playing());
        assert!(session.derived().log.total() > before);
    }

    #[test]
    fn step_back_shows_the_moment_before_the_last_event_as_a_fresh_run_does() {
        let mut session = Session::new(custom());
        // At the start there is nothing to go back to.
        session.step_back();
        assert_eq!(session.moment().event_count, 0);
        session.play();
        session.tick(2_000.0);
        for _ in 0..20 {
            let (now, count) = (session.moment().now, session.moment().event_count);
            let last = session.derived().log.entries().last().map(|(_, e)| e.time);
            session.step_back();
            assert!(!session.is_playing());
            let back = session.moment();
            assert!(back.event_count < count, "fewer events than {count}");
            assert!(back.now <= now);
            // Every event before the last one's time, none at it.
            if let Some(t) = last.filter(|&t| t > 0) {
                assert_eq!(back.now, t - 1);
                let mut run = Run::new(session.config().clone(), |_| {});
                run.advance_to(t - 1);
                assert_eq!(back.event_count, run.event_count());
            }
        }
        // Stepping forward again after stepping back goes on from there.
        let count = session.moment().event_count;
        session.step();
        assert!(session.moment().event_count > count);
    }

    #[test]
    fn a_moment_tells_who_waits_and_who_is_stuck() {
        let mut session = Session::new(Config::defaults(ScenarioKind::Plain, 5));
        session.run_to_end();
        let moment = session.moment();
        assert_eq!(moment.outcome, Outcome::Stuck);
        let (run, _) = session.replay();
        assert_eq!(moment.stuck, run.stuck());
        assert!(!moment.stuck.is_empty());
        for i in 0..session.roles().len() {
            let actor = ActorId(i as u32);
            assert_eq!(
                moment.blocked(actor),
                run.lines().blocked(actor),
                "actor {i}"
            );
        }
    }

    #[test]
    fn a_step_past_the_time_limit_then_a_seek_shows_what_a_fresh_run_shows() {
        let mut config = custom();
        config.until = Some(std::time::Duration::from_millis(700));
        let mut session = Session::new(config);
        session.seek(0);
        while !session.moment().outcome.is_over() {
            session.step();
        }
        assert_eq!(session.moment().outcome, Outcome::TimeLimit);
        // Stepping to the limit shows what running to it shows: every event
        // by 700 ms, none after, the clock at 700 ms.
        let mut run = Run::new(session.config().clone(), |_| {});
        assert_eq!(run.run_to_end(), Outcome::TimeLimit);
        assert_eq!(
            (session.moment().now, session.moment().event_count),
            (run.now(), run.event_count())
        );
        assert_eq!(run.now(), 700_000_000);
        session.seek(session.horizon());
        let (run, _) = session.replay();
        assert_eq!(
            (session.moment().now, session.moment().event_count),
            (run.now(), run.event_count())
        );
    }

    #[test]
    fn charts_are_drawn_a_few_times_a_second_while_playing_and_at_once_when_paused() {
        let mut session = Session::new(custom());
        session.play();
        session.tick(100.0);
        let drawn = Rc::clone(session.chart());
        assert_eq!(drawn.end, 0, "drawn at the start, not yet again");
        session.tick(100.0);
        assert!(Rc::ptr_eq(session.chart(), &drawn));
        session.tick(100.0);
        assert_eq!(session.chart().end, session.moment().now, "250 ms passed");
        session.tick(16.0);
        assert!(session.chart().end < session.moment().now);
        session.pause();
        assert_eq!(session.chart().end, session.moment().now);
        let mut straight = Engine::new(custom());
        straight.go(session.position);
        assert_eq!(**session.chart(), straight.chart());
        session.step();
        assert_eq!(session.chart().end, session.moment().now);
    }

    #[test]
    fn the_log_follows_every_few_lines_and_many_lines_a_few_times_a_second() {
        let mut config = custom();
        config.items = 10_000;
        let mut session = Session::new(config);
        session.play();
        // A tenth of a millisecond of play at 1×: no event, or a few.
        session.tick(0.0001);
        assert!(Rc::ptr_eq(session.log(), &session.moment().derived));
        // Fast, many lines a move: drawn again only after LOG_REFRESH_MS.
        session.set_speed(1000.0).unwrap();
        session.tick(16.0);
        let drawn = Rc::clone(session.log());
        session.tick(16.0);
        assert!(session.moment().derived.log.total() > drawn.log.total() + LOG_LINES_PER_MOVE);
        assert!(
            Rc::ptr_eq(session.log(), &drawn),
            "16 ms later: not yet again"
        );
        session.tick(100.0);
        assert!(
            Rc::ptr_eq(session.log(), &session.moment().derived),
            "100 ms passed"
        );
        session.tick(16.0);
        assert!(!Rc::ptr_eq(session.log(), &session.moment().derived));
        // Paused, stepped, sought, reset: the log of the moment shown.
        session.pause();
        assert!(Rc::ptr_eq(session.log(), &session.moment().derived));
        session.step();
        assert!(Rc::ptr_eq(session.log(), &session.moment().derived));
        session.reset();
        assert_eq!(session.log().log.total(), 0);
    }

    /// One of the moves a session makes, for the value tests.
    #[derive(Clone, Copy, Debug)]
    enum Move {
        Tick(f64),
        Step,
        Seek(Nanos),
        ToEnd,
        Reset,
    }

    fn make(session: &mut Session, m: Move) {
        match m {
            Move::Tick(ms) => {
                session.play();
                session.tick(ms);
            }
            Move::Step => session.step(),
            Move::Seek(t) => session.seek(t),
            Move::ToEnd => session.run_to_end(),
            Move::Reset => session.reset(),
        }
    }

    fn moves(seed: u64) -> Vec<Move> {
        // A small deterministic mix (xorshift), so every path through the
        // engine (on, stepped, rebuilt) is taken.
        let mut x = seed | 1;
        (0..40)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                match x % 10 {
                    0..=3 => Move::Tick((x >> 8) as f64 % 40.0),
                    4..=6 => Move::Step,
                    7 => Move::Seek((x >> 8) % 3_000_000_000),
                    8 => Move::ToEnd,
                    _ => Move::Reset,
                }
            })
            .collect()
    }

    fn configs() -> Vec<Config> {
        let mut stuck = Config::defaults(ScenarioKind::Plain, 3);
        stuck.items = 6;
        let mut limited = custom();
        limited.until = Some(std::time::Duration::from_millis(700));
        let mut lab = Config::defaults(ScenarioKind::Termination, 9);
        lab.termination.strategy = Strategy::Sentinel;
        vec![custom(), stuck, limited, lab]
    }

    #[test]
    fn an_old_session_still_shows_what_it_showed_and_moves_on_its_own() {
        for config in configs() {
            for seed in [1, 2, 3, 4] {
                let mut old = Session::new(config.clone());
                old.set_speed(20.0).unwrap();
                // The same moves on a session with an engine of its own.
                let mut alone = Session::new(config.clone());
                alone.set_speed(20.0).unwrap();
                for (i, &m) in moves(seed).iter().enumerate() {
                    let shown = old.moment().clone();
                    let (horizon, playing) = (old.horizon(), old.is_playing());
                    // A copy moves (and drags the shared engine along) ...
                    let mut copy = old.clone();
                    make(&mut copy, m);
                    make(&mut copy, Move::Step);
                    // ... and the original still shows exactly what it did.
                    assert_eq!(*old.moment(), shown, "{config:?} move {i}: {m:?}");
                    assert_eq!((old.horizon(), old.is_playing()), (horizon, playing));
                    // Moving the original gives what it would have alone.
                    make(&mut old, m);
                    make(&mut alone, m);
                    assert_eq!(old.moment(), alone.moment(), "move {i}: {m:?}");
                    assert_eq!(old.horizon(), alone.horizon());
                    let (run, _) = old.replay();
                    assert_eq!(
                        (run.now(), run.event_count(), run.outcome()),
                        (
                            old.moment().now,
                            old.moment().event_count,
                            old.moment().outcome
                        ),
                        "a fresh run at the same position, move {i}: {m:?}"
                    );
                }
            }
        }
    }
}
