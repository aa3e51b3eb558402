//! Fetching a page: the [`Fetcher`] trait the scraper's producers use, what
//! a fetch gives back, the checks every fetcher shares (HTTP status, text
//! or not, size limit), and two fetchers that need no network: a scripted
//! fake for tests ([`FakeFetcher`], in virtual time) and local files for
//! the command line ([`FileFetcher`], native only). The browser's real
//! fetcher is in `browser`, the replay of a recorded run in `replay`.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use crate::sim::Ctx;
use crate::trace::FetchFault;

/// The largest body accepted (5 MB).
pub const MAX_BYTES: u64 = 5 * 1024 * 1024;

/// One fetch to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Position of the URL in the list (the same URL may appear twice).
    pub index: usize,
    pub url: String,
    /// Give up after this long.
    pub timeout: Duration,
    /// Refuse bodies larger than this.
    pub max_bytes: u64,
}

/// A page fetched as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// The HTTP status (`None` for a local file).
    pub status: Option<u16>,
    /// Size of the body as received, in bytes.
    pub bytes: u64,
    pub text: Rc<str>,
}

/// Why a fetch failed, and what else is known about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchError {
    pub fault: FetchFault,
    pub detail: FetchDetail,
}

/// What is known about a failed fetch besides its fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchDetail {
    /// Nothing more.
    None,
    /// The underlying text in its own words: the browser's or the operating
    /// system's message, the server's status text, the content type, or
    /// the URL's scheme.
    Said(String),
    /// The body's size (or what arrived of it), in bytes.
    Bytes(u64),
    /// An empty path (local files, native only).
    #[cfg(not(target_arch = "wasm32"))]
    EmptyPath,
    /// A URL where the command line reads local files only (native only).
    #[cfg(not(target_arch = "wasm32"))]
    NotLocal,
    /// A URL that is not in the recording a replay plays.
    NotRecorded,
    /// A host that does not exist (the fake network's unknown URLs).
    NoSuchHost,
}

impl FetchError {
    pub fn new(fault: FetchFault, detail: FetchDetail) -> Self {
        FetchError { fault, detail }
    }

    /// A failure with the underlying library's or system's message.
    pub fn said(fault: FetchFault, message: impl Into<String>) -> Self {
        FetchError::new(fault, FetchDetail::Said(message.into()))
    }
}

/// What a fetch gave back.
#[derive(Clone, Debug, PartialEq)]
pub struct FetchOutcome {
    pub result: Result<Page, FetchError>,
    /// Wall-clock time the fetch took, when it went to the real network.
    pub real_latency_ms: Option<f64>,
}

/// A fetch in progress.
pub type FetchFuture = Pin<Box<dyn Future<Output = FetchOutcome>>>;

/// Gets pages for the scraper's producers.
pub trait Fetcher {
    /// Fetches `request.url`. Time spent waiting is virtual (`ctx.sleep`)
    /// or, for real fetches, wrapped in [`Ctx::external`].
    fn fetch(&self, ctx: &Ctx, request: Request) -> FetchFuture;
}

/// Success statuses are 2xx; anything else is an HTTP error.
pub fn check_status(status: u16) -> Result<(), FetchFault> {
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(FetchFault::HttpStatus(status))
    }
}

/// The MIME type without parameters, lower case (`text/html`).
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a `Content-Type` names text: `text/*`, XML, JSON, JavaScript.
pub fn is_text_type(content_type: &str) -> bool {
    let mime = essence(content_type);
    mime.starts_with("text/")
        || mime.ends_with("+xml")
        || mime.ends_with("+json")
        || matches!(
            mime.as_str(),
            "application/xml"
                | "application/json"
                | "application/javascript"
                | "application/ecmascript"
                | "application/x-javascript"
        )
}

/// The `charset` parameter of a `Content-Type`, if any.
pub fn charset(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"'))
    })
}

/// WHATWG's "binary data byte": a control byte that text does not contain.
fn is_binary_byte(b: u8) -> bool {
    matches!(b, 0x00..=0x08 | 0x0B | 0x0E..=0x1A | 0x1C..=0x1F)
}

/// Whether a body is text: by its `Content-Type` if there is one, else by
/// sniffing its first bytes for binary data.
pub fn check_text(content_type: Option<&str>, head: &[u8]) -> Result<(), FetchFault> {
    let text = match content_type.filter(|t| !t.trim().is_empty()) {
        Some(t) => is_text_type(t),
        None => !head.iter().take(1024).any(|&b| is_binary_byte(b)),
    };
    if text {
        Ok(())
    } else {
        Err(FetchFault::NotText)
    }
}

/// Whether a body of `bytes` fits under `max_bytes`.
pub fn check_size(bytes: u64, max_bytes: u64) -> Result<(), FetchFault> {
    if bytes > max_bytes {
        Err(FetchFault::TooLarge)
    } else {
        Ok(())
    }
}

/// Checks an answer (status, type, size) and decodes its body as UTF-8
/// (invalid bytes become U+FFFD, as a browser decodes).
pub fn accept_answer(
    status: Option<u16>,
    content_type: Option<&str>,
    body: &[u8],
    max_bytes: u64,
) -> Result<Page, FetchError> {
    let fail = |fault| Err(FetchError::new(fault, FetchDetail::None));
    if let Some(Err(fault)) = status.map(check_status) {
        return fail(fault);
    }
    if let Err(fault) = check_size(body.len() as u64, max_bytes) {
        return fail(fault);
    }
    if let Err(fault) = check_text(content_type, body) {
        return fail(fault);
    }
    Ok(Page {
        status,
        bytes: body.len() as u64,
        text: String::from_utf8_lossy(body).into(),
    })
}

/// Sorts a browser fetch that failed without an answer (a `TypeError`):
/// a cross-origin URL whose server is reachable (a `no-cors` probe got
/// through) refused to be read; anything else is a network failure.
pub fn classify_failed_fetch(same_origin: bool, probe_reached_server: bool) -> FetchFault {
    if !same_origin && probe_reached_server {
        FetchFault::CrossOrigin
    } else {
        FetchFault::Network
    }
}

/// A scripted answer of the [`FakeFetcher`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FakeAnswer {
    /// The server answers with this status, type and body.
    Answer {
        status: u16,
        content_type: Option<String>,
        body: Vec<u8>,
    },
    /// The fetch fails this way without an answer.
    Fail(FetchError),
}

/// A fake network for tests: each URL answers as scripted after its
/// latency, in virtual time. A latency over the request's timeout ends in
/// a timeout at that time. Unscripted URLs fail as unreachable at once.
#[derive(Default)]
pub struct FakeFetcher {
    script: HashMap<String, (Duration, FakeAnswer)>,
}

impl FakeFetcher {
    pub fn new() -> Self {
        FakeFetcher::default()
    }

    /// `url` answers `answer` after `latency`.
    pub fn with(mut self, url: &str, latency: Duration, answer: FakeAnswer) -> Self {
        self.script.insert(url.to_string(), (latency, answer));
        self
    }

    /// `url` answers 200 with an HTML `body` after `latency`.
    pub fn page(self, url: &str, latency: Duration, body: &str) -> Self {
        let answer = FakeAnswer::Answer {
            status: 200,
            content_type: Some("text/html; charset=utf-8".into()),
            body: body.as_bytes().to_vec(),
        };
        self.with(url, latency, answer)
    }
}

impl Fetcher for FakeFetcher {
    fn fetch(&self, ctx: &Ctx, request: Request) -> FetchFuture {
        let scripted = self.script.get(&request.url).cloned();
        let ctx = ctx.clone();
        Box::pin(async move {
            let result = match scripted {
                None => Err(FetchError::new(
                    FetchFault::Network,
                    FetchDetail::NoSuchHost,
                )),
                Some((latency, _)) if latency > request.timeout => {
                    ctx.sleep(request.timeout).await;
                    Err(FetchError::new(FetchFault::Timeout, FetchDetail::None))
                }
                Some((latency, answer)) => {
                    ctx.sleep(latency).await;
                    match answer {
                        FakeAnswer::Fail(error) => Err(error),
                        FakeAnswer::Answer {
                            status,
                            content_type,
                            body,
                        } => accept_answer(
                            Some(status),
                            content_type.as_deref(),
                            &body,
                            request.max_bytes,
                        ),
                    }
                }
            };
            FetchOutcome {
                result,
                real_latency_ms: None,
            }
        })
    }
}

/// Local files as pages, for `canteen run scraper --pages PATH...`: the
/// "URL" is a path, read at once (no virtual time passes). There is no
/// network client natively: `http://` and other URLs are malformed here.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy, Debug, Default)]
pub struct FileFetcher;

#[cfg(not(target_arch = "wasm32"))]
impl FileFetcher {
    /// The type a file's extension says, for the text check (`None`:
    /// unknown, sniff the bytes).
    fn content_type(path: &std::path::Path) -> Option<&'static str> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "html" | "htm" => "text/html",
            "txt" | "md" | "csv" | "css" => "text/plain",
            "xml" | "svg" => "application/xml",
            "json" => "application/json",
            "js" | "mjs" => "application/javascript",
            "png" | "jpg" | "jpeg" | "gif" | "webp" | "ico" => "image/*",
            "pdf" | "zip" | "gz" | "wasm" => "application/octet-stream",
            _ => return None,
        })
    }

    /// Reads one file as a page.
    pub fn read(request: &Request) -> Result<Page, FetchError> {
        let url = request.url.as_str();
        if url.trim().is_empty() || url.contains('\0') {
            return Err(FetchError::new(
                FetchFault::MalformedUrl,
                FetchDetail::EmptyPath,
            ));
        }
        if url.contains("://") {
            return Err(FetchError::new(
                FetchFault::MalformedUrl,
                FetchDetail::NotLocal,
            ));
        }
        let path = std::path::Path::new(url);
        let io = |e: std::io::Error| FetchError::said(FetchFault::Network, e.to_string());
        let meta = std::fs::metadata(path).map_err(io)?;
        if let Err(fault) = check_size(meta.len(), request.max_bytes) {
            return Err(FetchError::new(fault, FetchDetail::Bytes(meta.len())));
        }
        let body = std::fs::read(path).map_err(io)?;
        accept_answer(None, Self::content_type(path), &body, request.max_bytes)
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Fetcher for FileFetcher {
    fn fetch(&self, _ctx: &Ctx, request: Request) -> FetchFuture {
        let result = FileFetcher::read(&request);
        Box::pin(std::future::ready(FetchOutcome {
            result,
            real_latency_ms: None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_types_and_sniffing() {
        assert!(is_text_type("text/html; charset=gbk"));
        assert!(is_text_type("application/xhtml+xml"));
        assert!(is_text_type("Application/JSON"));
        assert!(!is_text_type("image/png"));
        assert_eq!(
            check_text(Some("image/png"), b"<html>"),
            Err(FetchFault::NotText)
        );
        assert_eq!(check_text(None, b"<html>\n</html>"), Ok(()));
        assert_eq!(
            check_text(None, b"\x89PNG\r\n\x1a\n\0\0"),
            Err(FetchFault::NotText)
        );
        assert_eq!(charset("text/html; charset=\"GBK\""), Some("GBK"));
        assert_eq!(charset("text/html"), None);
    }

    #[test]
    fn answers_are_checked_in_order_status_size_type() {
        let ok = accept_answer(Some(200), Some("text/plain"), "图片".as_bytes(), 100).unwrap();
        assert_eq!((ok.bytes, &*ok.text), (6, "图片"));
        let fault = |s, t, b: &[u8], max| accept_answer(s, t, b, max).unwrap_err().fault;
        assert_eq!(
            fault(Some(404), Some("text/html"), b"", 9),
            FetchFault::HttpStatus(404)
        );
        assert_eq!(
            fault(Some(200), Some("text/html"), b"0123456789", 9),
            FetchFault::TooLarge
        );
        assert_eq!(
            fault(Some(200), Some("image/gif"), b"GIF89a", 9),
            FetchFault::NotText
        );
        assert_eq!(check_status(204), Ok(()));
        assert_eq!(check_status(301), Err(FetchFault::HttpStatus(301)));
    }

    #[test]
    fn failed_fetches_are_sorted_by_origin_and_probe() {
        assert_eq!(classify_failed_fetch(false, true), FetchFault::CrossOrigin);
        assert_eq!(classify_failed_fetch(false, false), FetchFault::Network);
        assert_eq!(classify_failed_fetch(true, true), FetchFault::Network);
    }
}
