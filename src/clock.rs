//! The playback clock: turns real elapsed time into virtual time for a run
//! driven live (in the browser, by timer ticks). Pause, speed, step and
//! run-to-end are operations on this clock; the run itself stays the same
//! deterministic sequence of events whatever the slices.

use crate::run::{Outcome, Program, Run};
use crate::trace::Nanos;

/// Slowest and fastest playback speeds offered.
pub const MIN_SPEED: f64 = 0.25;
/// See [`MIN_SPEED`].
pub const MAX_SPEED: f64 = 1000.0;

/// A speed outside [`MIN_SPEED`]..=[`MAX_SPEED`], with that range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpeedOutOfRange {
    pub speed: f64,
    pub min: f64,
    pub max: f64,
}

/// A clock that advances a [`Run`] by `speed` virtual seconds per real second.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Playback {
    speed: f64,
    paused: bool,
}

impl Default for Playback {
    fn default() -> Self {
        Playback {
            speed: 1.0,
            paused: true,
        }
    }
}

impl Playback {
    /// A paused clock at `speed`; `Err` names the accepted range.
    pub fn new(speed: f64) -> Result<Playback, SpeedOutOfRange> {
        let mut clock = Playback::default();
        clock.set_speed(speed)?;
        Ok(clock)
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Sets the speed; refuses values outside [`MIN_SPEED`]..=[`MAX_SPEED`].
    pub fn set_speed(&mut self, speed: f64) -> Result<(), SpeedOutOfRange> {
        if !(MIN_SPEED..=MAX_SPEED).contains(&speed) {
            return Err(SpeedOutOfRange {
                speed,
                min: MIN_SPEED,
                max: MAX_SPEED,
            });
        }
        self.speed = speed;
        Ok(())
    }

    pub fn is_paused(&self) -> bool {
        self.paused
    }

    pub fn play(&mut self) {
        self.paused = false;
    }

    pub fn pause(&mut self) {
        self.paused = true;
    }

    /// The virtual time one timer tick of `real_ms` milliseconds of wall
    /// time reaches from `now` (`now` itself while paused).
    pub fn reach(&self, now: Nanos, real_ms: f64) -> Nanos {
        if self.paused {
            return now;
        }
        now.saturating_add((real_ms.max(0.0) * self.speed * 1e6) as Nanos)
    }

    /// Advances `run` by `real_ms` milliseconds of wall time (one timer
    /// tick). Does nothing while paused. Pauses itself when the run is over.
    pub fn tick<P: Program>(&mut self, run: &mut Run<P>, real_ms: f64) -> Outcome {
        if self.paused || run.outcome().is_over() {
            self.paused = true;
            return run.outcome();
        }
        let outcome = run.advance_to(self.reach(run.now(), real_ms));
        if outcome.is_over() {
            self.paused = true;
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;
    use std::time::Duration;

    use crate::queue::JoinableQueue;
    use crate::run::{Actors, MAIN};
    use crate::sim::Ctx;
    use crate::trace::EventKind;

    /// A program of one task that naps one virtual second five times.
    struct Naps;

    impl Program for Naps {
        type Item = ();

        fn name(&self) -> &'static str {
            "naps"
        }

        fn seed(&self) -> u64 {
            7
        }

        fn capacity(&self) -> usize {
            0
        }

        fn until(&self) -> Option<Duration> {
            None
        }

        fn actors(&self) -> Actors {
            Actors {
                producers: 0,
                consumers: 0,
            }
        }

        fn start(self: Rc<Self>, ctx: &Ctx, _: &JoinableQueue<()>) {
            let task_ctx = ctx.clone();
            ctx.spawn(MAIN, async move {
                for _ in 0..5 {
                    task_ctx.sleep(Duration::from_secs(1)).await;
                }
                task_ctx.emit(MAIN, EventKind::Finish, None);
            });
        }
    }

    fn naps() -> Run<Naps> {
        Run::new(Naps, |_| {})
    }

    #[test]
    fn paused_clock_does_not_move_the_run() {
        let mut run = naps();
        let mut clock = Playback::default();
        clock.tick(&mut run, 1000.0);
        assert_eq!(run.now(), 0);
    }

    #[test]
    fn ticks_advance_virtual_time_by_speed() {
        let mut run = naps();
        let mut clock = Playback::new(4.0).unwrap();
        clock.play();
        clock.tick(&mut run, 50.0);
        assert_eq!(run.now(), 200_000_000, "50 ms at 4x is 200 ms");
        clock.pause();
        clock.tick(&mut run, 50.0);
        assert_eq!(run.now(), 200_000_000);
    }

    #[test]
    fn clock_pauses_itself_at_the_end() {
        let mut run = naps();
        let mut clock = Playback::new(100.0).unwrap();
        clock.play();
        let mut ticks = 0;
        while !clock.is_paused() {
            clock.tick(&mut run, 16.0);
            ticks += 1;
        }
        assert_eq!(run.outcome(), Outcome::Completed);
        assert!(
            ticks > 1,
            "at 100x a run of several seconds takes several ticks"
        );
    }

    #[test]
    fn speed_out_of_range_is_refused_not_clamped() {
        assert_eq!(
            Playback::new(0.1),
            Err(SpeedOutOfRange {
                speed: 0.1,
                min: 0.25,
                max: 1000.0
            })
        );
        let mut clock = Playback::new(2.0).unwrap();
        assert!(clock.set_speed(f64::NAN).is_err());
        assert_eq!(clock.speed(), 2.0);
    }
}
