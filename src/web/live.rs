//! A page served by `canteen live … --serve` (its address has `?live`)
//! watches that run: it reads the run's Server-Sent Events
//! (`/live/events`) and hands their lines, as text, to the engine in the
//! worker ([`Command::Live`]), which answers with the stage, log, counters
//! and charts of the run so far; the simulation's prediction (the first
//! line) is shown beside it. On a static site (no `?live`) nothing of
//! this happens; the lines are never shown as markup.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

use crate::playground::app::Action;
use crate::playground::live::read_prediction;
use crate::playground::session::{next_id, Command};
use crate::scenario::Config;

use super::shared::Dispatch;
use super::worker::EngineWorker;

/// The stream being read and its listeners; dropped, it is closed.
pub struct LiveSource {
    source: EventSource,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut()>,
}

impl Drop for LiveSource {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// Starts watching when the page's address asks for it (`?live`) and its
/// engine runs in a worker; `None` otherwise.
pub fn watch(
    worker: Rc<RefCell<Option<EngineWorker>>>,
    config: Rc<Config>,
    dispatch: &Dispatch,
) -> Option<LiveSource> {
    let search = web_sys::window()?.location().search().ok()?;
    if !search
        .trim_start_matches('?')
        .split('&')
        .any(|p| p == "live")
    {
        return None;
    }
    worker.borrow().as_ref()?;
    let source = EventSource::new("live/events").ok()?;
    let id = next_id();
    dispatch.dispatch(Action::Live(id));
    let on_message = {
        let dispatch = dispatch.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            if let Some(p) = text.lines().find_map(read_prediction) {
                dispatch.dispatch(Action::LivePrediction(p));
            }
            if let Some(worker) = worker.borrow().as_ref() {
                worker.send(&Command::Live {
                    id,
                    config: Rc::clone(&config),
                    lines: text.as_str().into(),
                });
            }
        })
    };
    // The server ends the stream after the run's end; a stream that ends
    // or breaks is not opened again (it would start over).
    let on_error = {
        let source = source.clone();
        Closure::<dyn FnMut()>::new(move || source.close())
    };
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Some(LiveSource {
        source,
        _on_message: on_message,
        _on_error: on_error,
    })
}
