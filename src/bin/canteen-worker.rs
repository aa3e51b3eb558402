//! The page's engine, in a dedicated Web Worker: the playground's runs go
//! on here, off the page's thread, so the page answers input while a long
//! move (a run to the end of millions of items, a seek far into one) is
//! made. It takes the page's commands as bytes ([`canteen::playground::wire`]),
//! works on the latest move in slices of about [`SLICE_MS`] — between two
//! slices it yields, so a newer command or a cancel is read — and posts
//! progress every [`PROGRESS_MS`] or so, then the snapshot where the move ends.
//! The termination lab's results and peak shaving's run (capped by the page
//! to a fraction of a second), and the run's files for download, are made
//! at once and answered in one reply.
//!
//! It holds the engine only (no views) and is built for speed (cargo
//! profile `worker`, opt-level 3). Built by trunk for wasm32 (index.html's
//! `data-type="worker"`); on other targets it is empty.

#[cfg(target_arch = "wasm32")]
mod worker {
    use std::cell::RefCell;
    use std::rc::Rc;

    use canteen::i18n::lessons::given;
    use canteen::playground::host::Host;
    use canteen::playground::session::{Command, Reply};
    use canteen::playground::wire::{read_command_after, reply_bytes};
    use canteen::python::python_code;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent, MessagePort};

    /// Wall-clock milliseconds of work between two yields.
    const SLICE_MS: f64 = 25.0;
    /// Progress is posted at most this often (ms): each report renders the
    /// page again, which the page's thread should mostly be free of.
    const PROGRESS_MS: f64 = 150.0;
    /// Events per call of [`Host::work`] at first; adapted so that a call
    /// takes a few milliseconds.
    const FIRST_BUDGET: u64 = 20_000;

    struct Worker {
        scope: DedicatedWorkerGlobalScope,
        host: Host,
        budget: u64,
        /// A slice is already asked for (a message on `wake`).
        scheduled: bool,
        /// When progress was last posted.
        reported_ms: f64,
        wake: MessagePort,
    }

    fn now_ms() -> f64 {
        js_sys::Date::now()
    }

    impl Worker {
        fn post(&self, reply: &Reply) {
            let bytes = reply_bytes(reply);
            let array = js_sys::Uint8Array::from(&bytes[..]);
            let transfer = js_sys::Array::of1(&array.buffer());
            let _ = self.scope.post_message_with_transfer(&array, &transfer);
        }

        /// Asks for a slice of work after whatever waits in the event loop
        /// (a message on a channel of its own: no timer clamping).
        fn schedule(&mut self) {
            if self.host.busy() && !self.scheduled {
                self.scheduled = true;
                let _ = self.wake.post_message(&JsValue::NULL);
            }
        }

        fn receive(&mut self, bytes: &[u8]) {
            match read_command_after(bytes, self.host.told()) {
                // A file of the run, written here (the move being worked
                // on waits meanwhile).
                Some(Command::Export {
                    id,
                    config,
                    to,
                    what,
                    lang,
                }) => {
                    let file = canteen::export::file(&config, to, what, lang);
                    self.post(&Reply::Export(id, Rc::new(file)));
                }
                // A lesson is worded here, above the host (which has no words).
                Some(Command::Lesson {
                    id,
                    lesson,
                    seed,
                    lang,
                }) => self.post(&Reply::Lesson(id, Rc::new(given(lesson, seed, lang)))),
                Some(Command::Python { id, config, lang }) => {
                    self.post(&Reply::Python(id, python_code(&config, lang).into()))
                }
                Some(command) => {
                    if let Some(reply) = self.host.receive(command, now_ms()) {
                        self.post(&reply);
                    }
                }
                None => {}
            }
            self.schedule();
        }

        /// Works for about [`SLICE_MS`], then posts where the move is.
        fn slice(&mut self) {
            self.scheduled = false;
            let start = now_ms();
            loop {
                let before = now_ms();
                let Some(reply) = self.host.work(self.budget, before) else {
                    break;
                };
                let took = now_ms() - before;
                if took < 2.0 {
                    self.budget = self.budget.saturating_mul(2).min(1 << 40);
                } else if took > 8.0 {
                    self.budget = (self.budget / 2).max(256);
                }
                let now = now_ms();
                if matches!(reply, Reply::Snapshot(_)) {
                    self.post(&reply);
                    break;
                }
                if now - start >= SLICE_MS {
                    if now - self.reported_ms >= PROGRESS_MS {
                        self.reported_ms = now;
                        self.post(&reply);
                    }
                    break;
                }
            }
            self.schedule();
        }
    }

    pub fn start() {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let Ok(channel) = MessageChannel::new() else {
            return;
        };
        let worker = Rc::new(RefCell::new(Worker {
            scope: scope.clone(),
            host: Host::default(),
            budget: FIRST_BUDGET,
            scheduled: false,
            reported_ms: 0.0,
            wake: channel.port2(),
        }));
        let on_wake = {
            let worker = Rc::clone(&worker);
            Closure::<dyn FnMut()>::new(move || worker.borrow_mut().slice())
        };
        channel
            .port1()
            .set_onmessage(Some(on_wake.as_ref().unchecked_ref()));
        on_wake.forget();
        let on_command = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let bytes = js_sys::Uint8Array::new(&event.data()).to_vec();
            worker.borrow_mut().receive(&bytes);
        });
        scope.set_onmessage(Some(on_command.as_ref().unchecked_ref()));
        on_command.forget();
        // Listening now: an empty message tells the page to send (what it
        // posted before this point was not heard).
        let _ = scope.post_message(&js_sys::Uint8Array::new_with_length(0));
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
