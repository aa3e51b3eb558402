//! `canteen live … --serve [PORT]`: the built page (`dist/`) served on
//! 127.0.0.1 only, with the run's events streamed to it as Server-Sent
//! Events. A small axum server on a tokio runtime of its own, in a thread
//! beside the live run.
//!
//! - `GET /live/events`: `text/event-stream`; every message is one or more
//!   lines: first `predicted END CONSUMED OUTCOME` (the simulation's
//!   prediction), then `ev TIME ACTOR KIND ITEM` (an event:
//!   [`crate::playground::live::event_line`]) and at the end `end OUTCOME`.
//!   Every client gets the run from its first event.
//! - `GET /live/info`: the run's id, its settings as the page's link
//!   fragment, and the simulation's prediction (JSON).
//! - anything else: a file of the page's directory (`index.html` for `/`).

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::sse::{Event as Message, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::{self, Stream};

/// How often a stream looks for new lines.
const POLL: Duration = Duration::from_millis(50);

/// The lines told so far, and whether the run is over.
#[derive(Default)]
pub struct Feed {
    told: Mutex<(Vec<String>, bool)>,
}

impl Feed {
    /// One more line.
    pub fn push(&self, line: String) {
        self.lock().0.push(line);
    }

    /// The run is over (`end OUTCOME`, the last line).
    pub fn end(&self, outcome: &str) {
        let mut told = self.lock();
        told.0.push(format!("end {outcome}"));
        told.1 = true;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (Vec<String>, bool)> {
        self.told.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The lines from `from` on, and whether they are the last.
    fn since(&self, from: usize) -> (Vec<String>, bool) {
        let told = self.lock();
        (told.0.get(from..).unwrap_or_default().to_vec(), told.1)
    }
}

#[derive(Clone)]
struct Shared {
    feed: Arc<Feed>,
    dist: Arc<PathBuf>,
    info: Arc<String>,
}

/// Binds 127.0.0.1:`port` (0: a free port) and serves in a thread of its
/// own until the process ends; the address it listens on.
pub fn start(
    port: u16,
    dist: PathBuf,
    info: String,
    feed: Arc<Feed>,
) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
    listener.set_nonblocking(true)?;
    let address = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    let shared = Shared {
        feed,
        dist: Arc::new(dist),
        info: Arc::new(info),
    };
    let app = Router::new()
        .route("/live/events", get(events))
        .route("/live/info", get(info_json))
        .fallback(get(file))
        .with_state(shared);
    std::thread::spawn(move || {
        runtime.block_on(async move {
            if let Ok(listener) = tokio::net::TcpListener::from_std(listener) {
                let _ = axum::serve(listener, app).await;
            }
        });
    });
    Ok(address)
}

async fn info_json(State(shared): State<Shared>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        shared.info.as_str().to_owned(),
    )
        .into_response()
}

async fn events(
    State(shared): State<Shared>,
) -> Sse<impl Stream<Item = Result<Message, Infallible>>> {
    let lines = stream::unfold(
        (shared.feed, 0usize, false),
        |(feed, from, done)| async move {
            if done {
                return None;
            }
            loop {
                let (lines, last) = feed.since(from);
                if !lines.is_empty() {
                    let next = from + lines.len();
                    let message = Message::default().data(lines.join("\n"));
                    return Some((Ok(message), (feed, next, last)));
                }
                if last {
                    return None;
                }
                tokio::time::sleep(POLL).await;
            }
        },
    );
    Sse::new(lines).keep_alive(KeepAlive::default())
}

/// A file of the page's directory; only plain names below it.
async fn file(State(shared): State<Shared>, uri: Uri) -> Response {
    let Some(path) = page_path(&shared.dist, uri.path()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match std::fs::read(&path) {
        Ok(bytes) => ([(header::CONTENT_TYPE, content_type(&path))], bytes).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The file `path` of the URL names under `dist`; `None` for anything but
/// plain names (no `..`, no absolute parts).
fn page_path(dist: &Path, path: &str) -> Option<PathBuf> {
    let relative = path.trim_start_matches('/');
    let relative = if relative.is_empty() {
        "index.html"
    } else {
        relative
    };
    let relative = Path::new(relative);
    relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| dist.join(relative))
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_below_the_page_directory_are_served() {
        let dist = Path::new("/d");
        assert_eq!(page_path(dist, "/"), Some(PathBuf::from("/d/index.html")));
        assert_eq!(
            page_path(dist, "/a/b.wasm"),
            Some(PathBuf::from("/d/a/b.wasm"))
        );
        assert_eq!(page_path(dist, "/../etc/passwd"), None);
        assert_eq!(page_path(dist, "/a/../../x"), None);
        assert_eq!(
            page_path(dist, "//etc/passwd"),
            Some(PathBuf::from("/d/etc/passwd"))
        );
    }

    #[test]
    fn a_stream_gets_every_line_from_the_first() {
        let feed = Feed::default();
        feed.push("ev 1 0 produce 1:1".to_string());
        assert_eq!(
            feed.since(0),
            (vec!["ev 1 0 produce 1:1".to_string()], false)
        );
        feed.end("completed");
        assert_eq!(feed.since(1), (vec!["end completed".to_string()], true));
    }
}
