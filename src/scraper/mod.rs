//! The scraper: the seed's first example, where producers download pages
//! and consumers count `<img>` sources with `re.findall`, run on the same
//! deterministic engine as every other scenario.
//!
//! - [`scenario`]: the settings, the fetcher and counter tasks in both queue
//!   shapes (plain: ends stuck; joinable: completes), the scraper as a
//!   [`crate::run::Program`] and what only its run has; [`rows`]: each
//!   URL's row; [`report`]: the run's counters and its summary as facts.
//! - [`fetch`]: the [`fetch::Fetcher`] trait, the checks every fetcher
//!   shares, a fake for tests and local files for the command line;
//!   [`replay`] plays a recorded run back; `browser` (wasm32 only) fetches
//!   with the browser's Fetch API.
//! - [`pattern`] reads Python regex syntax and rewrites it for the engine;
//!   [`matcher`] counts like `re.findall` over any engine; [`engine`]
//!   picks the platform's: the `regex` crate natively, the browser's
//!   `RegExp` in wasm.
//! - [`gantt`]: the per-worker timeline and the speedup, from the trace.

#[cfg(target_arch = "wasm32")]
pub mod browser;
pub mod engine;
pub mod fetch;
pub mod gantt;
pub mod matcher;
pub mod pattern;
pub mod replay;
pub mod report;
pub mod rows;
pub mod scenario;

pub use rows::UrlRow;
pub use scenario::{ScraperConfig, ScraperProgram, ScraperRun, Shape, SEED_PATTERN};
