//! What a scraper run tells: its counters ([`Tally`]) and its summary as
//! facts ([`ScraperReport`], one [`RowReport`] per URL), which the words
//! layer explains.

use serde::Serialize;

use super::fetch::FetchError;
use super::gantt::Speedup;
use super::matcher::Found;
use super::rows::{RowState, UrlRow};
use super::scenario::{ScraperProgram, Shape};
use crate::run::{Outcome, Program, Run, Stuck};
use crate::stats::StatsReport;
use crate::trace::nanos_to_ms;

/// The counters and the summary of a scraper run.
impl Run<ScraperProgram> {
    /// The counters so far (cheap enough for every frame).
    pub fn tally(&self) -> Tally {
        let counts = self.counts();
        let rows = self.rows();
        Tally {
            fetched: counts.produced,
            failed: rows.iter().filter(|r| r.error.is_some()).count() as u64,
            counted: counts.consumed,
            in_queue: self.queue().len() as u64,
            matches: rows
                .iter()
                .filter_map(|r| r.matches.as_ref())
                .map(|m| m.count)
                .sum(),
        }
    }

    /// The summary so far, as facts.
    pub fn report(&self) -> ScraperReport {
        let program = self.config();
        let config = program.settings();
        let rows = self.rows();
        let end = self.now();
        let tally = self.tally();
        ScraperReport {
            scenario: program.name(),
            seed: config.seed,
            shape: config.shape,
            pattern: config.pattern.clone(),
            outcome: self.outcome(),
            end_time_ms: nanos_to_ms(end),
            urls: rows.len() as u64,
            fetched: tally.fetched,
            failed: tally.failed,
            counted: tally.counted,
            task_done: self.counts().task_done,
            unfinished: self.queue().unfinished_tasks() as u64,
            in_queue: tally.in_queue,
            matches: tally.matches,
            conserved: self.conserved(),
            stuck: self.stuck(),
            speedup: self.gantt().speedup(),
            rows: rows.iter().map(RowReport::new).collect(),
            stats: self.stats().report(end, program.actors().consumers),
        }
    }
}

/// The run's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Pages fetched (and put, or waiting to be put).
    pub fetched: u64,
    /// Fetches that failed.
    pub failed: u64,
    /// Pages counted.
    pub counted: u64,
    pub in_queue: u64,
    /// Matches over all pages counted.
    pub matches: u64,
}

/// One URL in the report. Its fault is the [`FetchError`] as fetched; in
/// the JSON the command line prints it is explained in words (`E` =
/// `String`).
#[derive(Clone, Debug, Serialize)]
pub struct RowReport<E = FetchError> {
    pub url: String,
    pub state: RowState,
    pub status: Option<u16>,
    pub bytes: Option<u64>,
    pub latency_ms: Option<f64>,
    pub real_latency_ms: Option<f64>,
    /// The fault's stable name (`timeout`, `http_status`, …).
    pub fault: Option<&'static str>,
    /// The fault, with the underlying message.
    pub fault_message: Option<E>,
    pub matches: Option<u64>,
    /// The first matched strings (what `re.findall` returns).
    pub found: Vec<Found>,
}

impl RowReport {
    fn new(row: &UrlRow) -> Self {
        RowReport {
            url: row.url.clone(),
            state: row.state,
            status: row.status,
            bytes: row.bytes,
            latency_ms: row.latency.map(nanos_to_ms),
            real_latency_ms: row.real_latency_ms,
            fault: row.error.as_ref().map(|e| e.fault.name()),
            fault_message: row.error.clone(),
            matches: row.matches.as_ref().map(|m| m.count),
            found: row
                .matches
                .as_ref()
                .map(|m| m.found.clone())
                .unwrap_or_default(),
        }
    }
}

impl<E> RowReport<E> {
    /// The same row with its fault made into an `F` (e.g. words).
    pub fn map_fault<F>(self, explain: impl FnOnce(E) -> F) -> RowReport<F> {
        RowReport {
            url: self.url,
            state: self.state,
            status: self.status,
            bytes: self.bytes,
            latency_ms: self.latency_ms,
            real_latency_ms: self.real_latency_ms,
            fault: self.fault,
            fault_message: self.fault_message.map(explain),
            matches: self.matches,
            found: self.found,
        }
    }
}

/// The summary of a scraper run, as facts: stuck actors as [`Stuck`] and
/// faults as [`FetchError`]s. The words layer names and explains them (`S`
/// and `E` become words) for the JSON `canteen run scraper` prints.
#[derive(Clone, Debug, Serialize)]
pub struct ScraperReport<S = Stuck, E = FetchError> {
    pub scenario: &'static str,
    pub seed: u64,
    pub shape: Shape,
    pub pattern: String,
    pub outcome: Outcome,
    pub end_time_ms: f64,
    pub urls: u64,
    /// Pages fetched and put (or waiting to be put).
    pub fetched: u64,
    /// Fetches that failed: counted here, never queued.
    pub failed: u64,
    /// Pages counted.
    pub counted: u64,
    pub task_done: u64,
    pub unfinished: u64,
    pub in_queue: u64,
    /// Matches over all pages.
    pub matches: u64,
    pub conserved: bool,
    pub stuck: Vec<S>,
    pub speedup: Speedup,
    pub rows: Vec<RowReport<E>>,
    pub stats: StatsReport,
}

impl<S, E> ScraperReport<S, E> {
    /// The same report with each stuck actor made into a `T` and each
    /// fault into an `F` (e.g. words).
    pub fn map<T, F>(
        self,
        describe: impl FnMut(S) -> T,
        mut explain: impl FnMut(E) -> F,
    ) -> ScraperReport<T, F> {
        ScraperReport {
            scenario: self.scenario,
            seed: self.seed,
            shape: self.shape,
            pattern: self.pattern,
            outcome: self.outcome,
            end_time_ms: self.end_time_ms,
            urls: self.urls,
            fetched: self.fetched,
            failed: self.failed,
            counted: self.counted,
            task_done: self.task_done,
            unfinished: self.unfinished,
            in_queue: self.in_queue,
            matches: self.matches,
            conserved: self.conserved,
            stuck: self.stuck.into_iter().map(describe).collect(),
            speedup: self.speedup,
            rows: self
                .rows
                .into_iter()
                .map(|row| row.map_fault(&mut explain))
                .collect(),
            stats: self.stats,
        }
    }
}
