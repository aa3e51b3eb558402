//! The clock of everything that plays: while `playing`, a gloo-timers
//! interval reports the wall-clock milliseconds since its last tick; the
//! playground and the scraper turn them into virtual time at their speed.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use yew::prelude::*;

use super::dom;

/// Timer period while playing.
const TICK_MS: u32 = 16;

/// The most wall-clock time one tick may account for: after the tab was
/// hidden a run resumes where it was instead of leaping ahead.
const MAX_TICK_MS: f64 = 100.0;

/// Calls `on_tick` with the real milliseconds passed, every [`TICK_MS`]
/// while `playing`; stops when `playing` turns false or the component goes.
#[hook]
pub fn use_ticker(playing: bool, on_tick: Callback<f64>) {
    use_effect_with(playing, move |&playing| {
        let interval = playing.then(|| {
            let last = Rc::new(Cell::new(dom::now_ms()));
            Interval::new(TICK_MS, move || {
                let now = dom::now_ms();
                let real_ms = (now - last.replace(now)).clamp(0.0, MAX_TICK_MS);
                on_tick.emit(real_ms);
            })
        });
        move || drop(interval)
    });
}
