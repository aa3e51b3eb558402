//! The clock of everything that plays: while `playing`, a gloo-timers
//! interval measures the wall-clock milliseconds that pass; the playground
//! and the scraper turn them into virtual time at their speed. The page is
//! drawn at most once per animation frame, whatever the tick and the speed:
//! the ticks only add up the time played, and the next animation frame
//! (`requestAnimationFrame`) hands it over in one go — so one state change,
//! and one render, per frame the browser paints. A caller may ask for at
//! least so many milliseconds a hand-over (a run that plays fast asks for
//! two frames' worth: see [`use_ticker`]).

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::dom;

/// Timer period while playing.
const TICK_MS: u32 = 16;

/// The most wall-clock time one frame may account for: after the tab was
/// hidden (no frames, timers slowed down) a run resumes where it was
/// instead of leaping ahead.
const MAX_TICK_MS: f64 = 100.0;

/// Time played and not yet handed over, and the animation frame asked for.
#[derive(Default)]
struct Owed {
    ms: Cell<f64>,
    frame: Cell<Option<i32>>,
}

/// A running ticker; stops (timer and any frame asked for) when dropped.
struct Ticker {
    _interval: Interval,
    owed: Rc<Owed>,
    _on_frame: Closure<dyn FnMut()>,
}

impl Ticker {
    fn start(on_tick: Callback<f64>, least_ms: Rc<Cell<f64>>) -> Ticker {
        let owed = Rc::new(Owed::default());
        let on_frame = {
            let owed = Rc::clone(&owed);
            let least_ms = Rc::clone(&least_ms);
            Closure::<dyn FnMut()>::new(move || {
                owed.frame.set(None);
                // Less than asked for (it was asked for more since): kept
                // for a later frame.
                if owed.ms.get() >= least_ms.get() {
                    on_tick.emit(owed.ms.replace(0.0));
                }
            })
        };
        let frame: js_sys::Function = on_frame
            .as_ref()
            .unchecked_ref::<js_sys::Function>()
            .clone();
        let last = Cell::new(dom::now_ms());
        let interval = {
            let owed = Rc::clone(&owed);
            Interval::new(TICK_MS, move || {
                let now = dom::now_ms();
                let real_ms = (now - last.replace(now)).max(0.0);
                owed.ms.set((owed.ms.get() + real_ms).min(MAX_TICK_MS));
                // A frame only once there is enough to hand over: no
                // animation frame (and no frame's work) in between.
                if owed.frame.get().is_none() && owed.ms.get() >= least_ms.get() {
                    let id = web_sys::window().and_then(|w| w.request_animation_frame(&frame).ok());
                    owed.frame.set(id);
                }
            })
        };
        Ticker {
            _interval: interval,
            owed,
            _on_frame: on_frame,
        }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        if let (Some(id), Some(window)) = (self.owed.frame.take(), web_sys::window()) {
            let _ = window.cancel_animation_frame(id);
        }
    }
}

/// Calls `on_tick` with the real milliseconds passed, at most once per
/// animation frame while `playing` (the time is measured every
/// [`TICK_MS`]), and only once at least `least_ms` passed (the latest
/// value given); stops when `playing` turns false or the component goes.
#[hook]
pub fn use_ticker(playing: bool, least_ms: f64, on_tick: Callback<f64>) {
    let least = use_mut_ref(|| Rc::new(Cell::new(0.0)));
    let least = Rc::clone(&least.borrow());
    least.set(least_ms);
    use_effect_with(playing, move |&playing| {
        let ticker = playing.then(|| Ticker::start(on_tick, least));
        move || drop(ticker)
    });
}
