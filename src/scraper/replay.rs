//! Replaying a finished scraper run: a [`Fetcher`] that answers each URL
//! with what the recording says (page or fault) after the recorded
//! latency, in virtual time. Run with the same settings, the replay gives
//! the same rows and (for a run whose fetches all went through virtual
//! time) the same trace, at any playback speed and without the network.

use std::time::Duration;

use super::fetch::{FetchDetail, FetchError, FetchFuture, FetchOutcome, Fetcher, Page, Request};
use super::rows::UrlRow;
use crate::sim::Ctx;
use crate::trace::FetchFault;

/// One URL's recorded fetch.
#[derive(Clone, Debug)]
struct Recorded {
    latency: Duration,
    result: Result<Page, FetchError>,
    real_latency_ms: Option<f64>,
}

/// Plays back recorded fetches by URL index.
pub struct ReplayFetcher {
    recorded: Vec<Option<Recorded>>,
}

impl ReplayFetcher {
    /// The fetches recorded in `rows` (a URL whose fetch had not finished
    /// fails as not recorded).
    pub fn new(rows: &[UrlRow]) -> Self {
        let recorded = rows
            .iter()
            .map(|row| {
                Some(Recorded {
                    latency: Duration::from_nanos(row.latency?),
                    result: row.fetch_result()?,
                    real_latency_ms: row.real_latency_ms,
                })
            })
            .collect();
        ReplayFetcher { recorded }
    }

    /// Whether every URL's fetch is in the recording.
    pub fn is_complete(&self) -> bool {
        self.recorded.iter().all(Option::is_some)
    }
}

impl Fetcher for ReplayFetcher {
    fn fetch(&self, ctx: &Ctx, request: Request) -> FetchFuture {
        let recorded = self.recorded.get(request.index).cloned().flatten();
        let ctx = ctx.clone();
        Box::pin(async move {
            match recorded {
                Some(recorded) => {
                    ctx.sleep(recorded.latency).await;
                    FetchOutcome {
                        result: recorded.result,
                        real_latency_ms: recorded.real_latency_ms,
                    }
                }
                None => FetchOutcome {
                    result: Err(FetchError::new(
                        FetchFault::Network,
                        FetchDetail::NotRecorded,
                    )),
                    real_latency_ms: None,
                },
            }
        })
    }
}
