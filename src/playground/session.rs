//! One run on the page: the [`Run`], the views derived from its events
//! (stage, log, chart series), the playback clock, and the timeline. Reset rebuilds the
//! run from its config; seeking to a moment rebuilds it and advances it to
//! that moment, which shows exactly what the live run showed there because
//! runs are deterministic.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use crate::clock::{Playback, SpeedOutOfRange};
use crate::run::{Outcome, Run};
use crate::scenario::Config;
use crate::series::Series;
use crate::trace::{Event, Nanos};

use super::stage::{Log, Stage};

/// How many log lines the page keeps.
pub const LOG_LINES: usize = 200;

/// Everything the page derives from a run's events.
#[derive(Clone, Debug, PartialEq)]
pub struct Derived {
    pub stage: Stage,
    pub log: Log,
    pub series: Series,
}

impl Derived {
    fn new(config: &Config) -> Derived {
        Derived {
            stage: Stage::new(config),
            log: Log::new(LOG_LINES),
            series: Series::default(),
        }
    }

    fn record(&mut self, event: &Event) {
        self.stage.record(event);
        self.log.push(*event);
        self.series.record(event);
    }
}

/// A run being watched.
pub struct Session {
    run: Run,
    derived: Rc<RefCell<Derived>>,
    playback: Playback,
    /// The latest moment this run has reached (the timeline's end).
    horizon: Nanos,
}

fn build(config: Config) -> (Run, Rc<RefCell<Derived>>) {
    let derived = Rc::new(RefCell::new(Derived::new(&config)));
    let sink = Rc::clone(&derived);
    let run = Run::new(config, move |event| sink.borrow_mut().record(event));
    (run, derived)
}

impl Session {
    /// A paused session at time 0 at speed 1×; `config` must be valid.
    pub fn new(config: Config) -> Session {
        let (run, derived) = build(config);
        Session {
            run,
            derived,
            playback: Playback::default(),
            horizon: 0,
        }
    }

    pub fn config(&self) -> &Config {
        self.run.config()
    }

    pub fn run(&self) -> &Run {
        &self.run
    }

    /// The stage and log at the current moment.
    pub fn derived(&self) -> Ref<'_, Derived> {
        self.derived.borrow()
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
        if self.run.outcome().is_over() {
            self.reset();
        }
        self.playback.play();
    }

    pub fn pause(&mut self) {
        self.playback.pause();
    }

    /// Advances by one timer tick of `real_ms` wall-clock milliseconds.
    pub fn tick(&mut self, real_ms: f64) -> Outcome {
        let outcome = self.playback.tick(&mut self.run, real_ms);
        self.reached();
        outcome
    }

    /// Pauses and runs to the next event.
    pub fn step(&mut self) -> Outcome {
        self.playback.pause();
        let outcome = self.run.step();
        self.reached();
        outcome
    }

    /// Pauses and runs to the end at once.
    pub fn run_to_end(&mut self) -> Outcome {
        self.playback.pause();
        let outcome = self.run.run_to_end();
        self.reached();
        outcome
    }

    /// Pauses and starts the same run again from time 0.
    pub fn reset(&mut self) {
        self.playback.pause();
        self.rebuild();
        self.horizon = 0;
    }

    /// Pauses and shows moment `t` (at most the horizon): every event up to
    /// and including `t` has happened.
    pub fn seek(&mut self, t: Nanos) {
        self.playback.pause();
        let t = t.min(self.horizon);
        if t < self.run.now() {
            self.rebuild();
        }
        self.run.advance_to(t);
    }

    /// Every event so far, for export. The page keeps only the newest
    /// lines, so the run is replayed from its config (it is deterministic):
    /// its first events are this run's.
    pub fn events(&self) -> Vec<Event> {
        let events = Rc::new(RefCell::new(Vec::new()));
        let sink = Rc::clone(&events);
        let mut replay = Run::new(self.config().clone(), move |e| sink.borrow_mut().push(*e));
        replay.advance_to(self.run.now());
        drop(replay);
        let mut events = events.take();
        events.truncate(self.run.event_count() as usize);
        events
    }

    fn rebuild(&mut self) {
        let (run, derived) = build(self.run.config().clone());
        self.run = run;
        self.derived = derived;
    }

    fn reached(&mut self) {
        self.horizon = self.horizon.max(self.run.now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ScenarioKind;

    fn custom() -> Config {
        let mut config = Config::defaults(ScenarioKind::Custom, 11);
        config.producers = 3;
        config.consumers = 2;
        config.capacity = 3;
        config
    }

    /// The derived views of a fresh session advanced straight to `t`.
    fn straight_to(config: &Config, t: Nanos) -> Derived {
        let (mut run, derived) = build(config.clone());
        run.advance_to(t);
        let d = derived.borrow().clone();
        d
    }

    #[test]
    fn live_ticks_and_a_seek_show_the_same_moment() {
        let mut live = Session::new(custom());
        live.set_speed(7.0).unwrap();
        live.play();
        let mut moments = Vec::new();
        while live.is_playing() {
            live.tick(16.0);
            moments.push((live.run().now(), live.derived().clone()));
        }
        assert_eq!(live.run().outcome(), Outcome::Completed);
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
            let (t, ref seen) = moments[i];
            scrubbed.seek(t);
            assert_eq!(&*scrubbed.derived(), seen, "moment {i} at {t} ns");
            assert_eq!(*seen, straight_to(&custom(), t));
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
        assert_eq!(session.run().now(), horizon);
        assert!(!session.is_playing(), "seeking pauses");
    }

    #[test]
    fn reset_starts_the_same_run_again_and_play_after_the_end_restarts() {
        let mut session = Session::new(custom());
        session.run_to_end();
        let end = session.derived().clone();
        session.reset();
        assert_eq!(session.run().now(), 0);
        assert_eq!(session.derived().log.total(), 0);
        assert_eq!(session.horizon(), 0);
        session.run_to_end();
        assert_eq!(*session.derived(), end);
        session.play();
        assert_eq!(session.run().now(), 0, "play on a finished run restarts it");
        assert!(session.is_playing());
    }

    #[test]
    fn events_for_export_are_the_runs_own_even_mid_moment() {
        let mut session = Session::new(custom());
        for _ in 0..7 {
            session.step();
        }
        let events = session.events();
        assert_eq!(events.len() as u64, session.run().event_count());
        let logged: Vec<Event> = session.derived().log.entries().map(|&(_, e)| e).collect();
        assert_eq!(events, logged, "the log holds them all while it is short");
        session.run_to_end();
        assert_eq!(session.events().len() as u64, session.run().event_count());
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
}
