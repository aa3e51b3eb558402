//! Canteen: a producer–consumer playground.
//!
//! The engine is plain Rust and runs anywhere: [`JoinableQueue`] (Python's
//! queue contract), a deterministic virtual-time executor ([`sim`]), the
//! seed's cases ([`scenario`]), the event trace ([`trace`]) and the
//! statistics derived from it ([`stats`]), tied together by [`run::Run`].
//! The browser page lives in `web` and is compiled only for wasm32.

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod clock;
pub mod delay;
pub mod export;
pub mod i18n;
pub mod lang;
pub mod lessons;
pub mod lines;
pub mod number;
pub mod peak;
pub mod playground;
pub mod python;
pub mod queue;
pub mod run;
pub mod scenario;
pub mod scraper;
pub mod series;
pub mod sim;
pub mod stats;
pub mod termination;
pub mod theory;
pub mod trace;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use queue::JoinableQueue;
