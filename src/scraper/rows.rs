//! Each URL's row of a scraper run: where it stands, what its fetch and its
//! count gave, and the text a replay counts again; the page a queue item
//! carries, and the URL an item stands for.

use std::rc::Rc;

use serde::Serialize;

use super::fetch::{FetchError, Page};
use super::matcher::Matches;
use crate::trace::{ItemId, Nanos};

/// Where a URL stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum RowState {
    /// No fetcher has taken it yet.
    Waiting,
    Fetching,
    /// Downloaded; the fetcher sleeps or waits to put it.
    Fetched,
    /// In the queue.
    Queued,
    /// A counter is on it.
    Counting,
    Counted,
    /// The fetch failed; it never entered the queue.
    Failed,
}

impl RowState {
    /// The state's name as in the JSON report (`waiting`, `fetching`, …).
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// One URL's record: what happened to it, as the page's table shows it and
/// a replay plays it back.
#[derive(Clone, Debug, PartialEq)]
pub struct UrlRow {
    pub url: String,
    pub state: RowState,
    /// Index of the fetcher that took it, and of the counter.
    pub fetcher: Option<u32>,
    pub counter: Option<u32>,
    /// Virtual time the fetch started, and how long it took (virtual).
    pub fetch_started: Option<Nanos>,
    pub latency: Option<Nanos>,
    /// Wall-clock time of a real fetch.
    pub real_latency_ms: Option<f64>,
    pub status: Option<u16>,
    pub bytes: Option<u64>,
    pub error: Option<FetchError>,
    pub matches: Option<Matches>,
    /// The page's text, kept so a replay can count again.
    pub text: Option<Rc<str>>,
}

impl UrlRow {
    /// A row for `url` that no fetcher has taken yet.
    pub fn new(url: String) -> Self {
        UrlRow {
            url,
            state: RowState::Waiting,
            fetcher: None,
            counter: None,
            fetch_started: None,
            latency: None,
            real_latency_ms: None,
            status: None,
            bytes: None,
            error: None,
            matches: None,
            text: None,
        }
    }

    /// The fetch result as recorded (`None` while not fetched yet).
    pub fn fetch_result(&self) -> Option<Result<Page, FetchError>> {
        if let Some(error) = &self.error {
            return Some(Err(error.clone()));
        }
        Some(Ok(Page {
            status: self.status,
            bytes: self.bytes?,
            text: Rc::clone(self.text.as_ref()?),
        }))
    }
}

/// A page in the queue: which item, which URL, and its text.
#[derive(Clone, Debug)]
pub struct QueuedPage {
    pub item: ItemId,
    pub index: usize,
    pub text: Rc<str>,
}

/// The URL index an item stands for (items are numbered from 1).
pub fn url_index(item: ItemId) -> usize {
    item.seq as usize - 1
}

#[cfg(test)]
mod tests {
    use super::RowState;

    #[test]
    fn a_row_state_name_is_its_json_name() {
        use RowState::*;
        for state in [
            Waiting, Fetching, Fetched, Queued, Counting, Counted, Failed,
        ] {
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(json, format!("\"{}\"", state.name()));
        }
    }
}
