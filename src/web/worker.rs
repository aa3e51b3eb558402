//! The playground's engine in a dedicated Web Worker (`canteen-worker`,
//! built by trunk beside the page): the page posts its session's commands
//! as bytes and takes the replies as actions. Nothing is shared but
//! messages (no `SharedArrayBuffer`), so any static host serves it.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

use crate::playground::app::Action;
use crate::playground::session::{Command, Reply};
use crate::playground::wire::{command_bytes_after, read_reply};
use crate::scenario::Config;

use super::dom;
use super::shared::Dispatch;

/// The worker's script, beside the page (trunk's loader shim).
const SCRIPT: &str = "./canteen-worker_loader.js";

/// The worker's message and error listeners, kept alive with it.
type Listeners = (Closure<dyn FnMut(MessageEvent)>, Closure<dyn FnMut()>);

/// A running worker and its listeners; dropped, it is terminated.
pub struct EngineWorker {
    worker: Worker,
    listeners: Option<Listeners>,
    /// The commands sent before the worker said it listens (an empty
    /// message): a worker's wasm starts asynchronously, and a message that
    /// arrives before it listens would be lost. `None` once it listens.
    early: Rc<RefCell<Option<Vec<js_sys::Uint8Array>>>>,
    /// The config of the latest move sent: the worker knows it, so the
    /// next moves of the same run leave it out.
    told: RefCell<Option<Rc<Config>>>,
}

impl EngineWorker {
    /// Starts the worker; `None` where workers cannot start.
    pub fn spawn() -> Option<EngineWorker> {
        let worker = Worker::new(SCRIPT).ok()?;
        Some(EngineWorker {
            worker,
            listeners: None,
            early: Rc::new(RefCell::new(Some(Vec::new()))),
            told: RefCell::new(None),
        })
    }

    /// Dispatches every reply as [`Action::Engine`], and [`Action::EngineLost`]
    /// when the worker fails (its script does not load, or it panics).
    pub fn listen(&mut self, dispatch: Dispatch) {
        let on_message = {
            let dispatch = dispatch.clone();
            let worker = self.worker.clone();
            let early = Rc::clone(&self.early);
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let bytes = js_sys::Uint8Array::new(&event.data()).to_vec();
                if bytes.is_empty() {
                    // The worker listens: what was sent before goes now.
                    for message in early.take().unwrap_or_default() {
                        let _ = worker.post_message(&message);
                    }
                    return;
                }
                match read_reply(&bytes) {
                    // A file of the run: saved as it arrives.
                    Some(Reply::Export(_, file)) => {
                        dom::download(&file.name, file.what.mime(), &file.text);
                    }
                    Some(reply) => dispatch.dispatch(Action::Engine(reply)),
                    None => dispatch.dispatch(Action::EngineLost),
                }
            })
        };
        let on_error = Closure::<dyn FnMut()>::new(move || dispatch.dispatch(Action::EngineLost));
        self.worker
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        self.worker
            .set_onerror(Some(on_error.as_ref().unchecked_ref()));
        self.listeners = Some((on_message, on_error));
    }

    pub fn send(&self, command: &Command) {
        let mut told = self.told.borrow_mut();
        let bytes = command_bytes_after(command, told.as_deref());
        if let Command::Go { config, .. } = command {
            *told = Some(Rc::clone(config));
        }
        let array = js_sys::Uint8Array::from(&bytes[..]);
        match self.early.borrow_mut().as_mut() {
            Some(early) => early.push(array),
            None => {
                let _ = self.worker.post_message(&array);
            }
        }
    }
}

impl Drop for EngineWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
