//! The engine inside a real browser (headless Chrome via wasm-pack): the
//! same seed gives the same hot-dog trace as natively (the golden file the
//! native tests check too), whether run flat out or driven live by
//! gloo-timers ticks at any speed, and a paused clock holds still.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use canteen::clock::Playback;
use canteen::run::{Outcome, Run};
use canteen::scenario::{Config, ScenarioKind};
use canteen::trace::Event;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const GOLDEN: &str = include_str!("golden/hotdog_seed42.trace");

fn recorded_hotdog() -> (Run<Config>, Rc<RefCell<String>>) {
    let trace: Rc<RefCell<String>> = Rc::default();
    let sink = Rc::clone(&trace);
    let run = Run::new(
        Config::defaults(ScenarioKind::Hotdog, 42),
        move |e: &Event| sink.borrow_mut().push_str(&format!("{e}\n")),
    );
    (run, trace)
}

fn real_now_ms() -> f64 {
    js_sys::Date::now()
}

/// Drives `run` with real gloo-timers ticks, as the page does, until it ends.
async fn drive_live(run: &mut Run<Config>, clock: &mut Playback) -> u32 {
    let mut ticks = 0;
    let mut last = real_now_ms();
    clock.play();
    while !clock.is_paused() {
        TimeoutFuture::new(16).await;
        let now = real_now_ms();
        clock.tick(run, now - last);
        last = now;
        ticks += 1;
    }
    ticks
}

#[wasm_bindgen_test]
fn hotdog_trace_in_the_browser_equals_the_native_one() {
    let (mut run, trace) = recorded_hotdog();
    assert_eq!(run.run_to_end(), Outcome::Completed);
    assert_eq!(*trace.borrow(), GOLDEN);
}

#[wasm_bindgen_test]
async fn gloo_timer_ticks_drive_the_clock_to_the_same_trace_at_any_speed() {
    for speed in [50.0, 1000.0] {
        let (mut run, trace) = recorded_hotdog();
        let mut clock = Playback::new(speed).unwrap();
        let ticks = drive_live(&mut run, &mut clock).await;
        assert_eq!(run.outcome(), Outcome::Completed);
        assert!(ticks >= 1);
        assert_eq!(*trace.borrow(), GOLDEN, "speed {speed}");
    }
}

#[wasm_bindgen_test]
async fn pause_holds_virtual_time_and_resume_continues() {
    let (mut run, trace) = recorded_hotdog();
    let mut clock = Playback::new(20.0).unwrap();
    clock.play();
    let mut last = real_now_ms();
    while run.now() == 0 {
        TimeoutFuture::new(16).await;
        let now = real_now_ms();
        clock.tick(&mut run, now - last);
        last = now;
    }
    clock.pause();
    let paused_at = run.now();
    for _ in 0..5 {
        TimeoutFuture::new(16).await;
        let now = real_now_ms();
        clock.tick(&mut run, now - last);
        last = now;
    }
    assert_eq!(run.now(), paused_at, "no virtual time passes while paused");
    assert_eq!(run.outcome(), Outcome::Running);
    drive_live(&mut run, &mut clock).await;
    assert_eq!(run.outcome(), Outcome::Completed);
    assert_eq!(*trace.borrow(), GOLDEN);
}
