//! The scraper in the browser (wasm32 only): real fetches with the Fetch
//! API, each bounded by a timeout through an `AbortController`, read as a
//! stream up to the size limit and decoded with the page's charset, their
//! wall-clock latency measured with `performance.now()`; and counting with
//! the browser's own `RegExp` (flags `g` and `v`), driven by the shared
//! `findall` loop.
//!
//! A fetch is an outside-world future ([`Ctx::external`]): while one is in
//! flight the simulation waits on the network instead of calling itself
//! stuck, and the page's driver moves virtual time with real time.

use std::rc::Rc;

use js_sys::{Array, JsString, Reflect, RegExp, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, ReadableStreamDefaultReader, RequestInit, RequestMode, Response};

use super::fetch::{
    charset, check_size, check_status, check_text, classify_failed_fetch, is_text_type,
    FetchDetail, FetchError, FetchFuture, FetchOutcome, Fetcher, Page, Request,
};
use super::matcher::{find_all_with, found_from, Compiled, Hit, Matcher, Matches};
use super::pattern::{translate, Engine, PatternError};
use crate::sim::Ctx;
use crate::trace::FetchFault;

/// Fetches with the browser's Fetch API.
#[derive(Clone, Copy, Debug, Default)]
pub struct BrowserFetcher;

impl Fetcher for BrowserFetcher {
    fn fetch(&self, ctx: &Ctx, request: Request) -> FetchFuture {
        Box::pin(ctx.external(fetch_page(request)))
    }
}

/// Milliseconds on the page's monotonic clock.
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// The message of a JavaScript error value.
fn js_message(value: &JsValue) -> String {
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}

/// Fetches one page and measures how long it took in real time.
pub async fn fetch_page(request: Request) -> FetchOutcome {
    let started = now_ms();
    let result = fetch_checked(&request).await;
    FetchOutcome {
        result,
        real_latency_ms: Some(now_ms() - started),
    }
}

/// Aborts its controller after a timeout unless dropped first.
struct Deadline {
    controller: AbortController,
    _timer: gloo_timers::callback::Timeout,
}

impl Deadline {
    fn new(timeout_ms: u32) -> Result<Deadline, FetchError> {
        let controller = AbortController::new()
            .map_err(|e| FetchError::said(FetchFault::Network, js_message(&e)))?;
        if timeout_ms == 0 {
            // Already past: the request never leaves.
            controller.abort();
        }
        let aborter = controller.clone();
        let timer = gloo_timers::callback::Timeout::new(timeout_ms, move || aborter.abort());
        Ok(Deadline {
            controller,
            _timer: timer,
        })
    }

    fn expired(&self) -> bool {
        self.controller.signal().aborted()
    }

    /// The error for a rejected promise: a timeout if the deadline passed.
    fn error(&self, value: &JsValue, otherwise: FetchFault) -> FetchError {
        if self.expired() {
            FetchError::new(FetchFault::Timeout, FetchDetail::None)
        } else {
            FetchError::said(otherwise, js_message(value))
        }
    }
}

fn request_init(mode: RequestMode, deadline: &Deadline) -> RequestInit {
    let init = RequestInit::new();
    init.set_mode(mode);
    init.set_signal(Some(&deadline.controller.signal()));
    init
}

async fn fetch_checked(request: &Request) -> Result<Page, FetchError> {
    let network = |message: String| FetchError::said(FetchFault::Network, message);
    let window =
        web_sys::window().ok_or(FetchError::new(FetchFault::Network, FetchDetail::None))?;
    let location = window.location();
    let base = location.href().map_err(|e| network(js_message(&e)))?;
    let url = web_sys::Url::new_with_base(request.url.trim(), &base)
        .map_err(|e| FetchError::said(FetchFault::MalformedUrl, js_message(&e)))?;
    if !matches!(
        url.protocol().as_str(),
        "http:" | "https:" | "data:" | "blob:"
    ) {
        return Err(FetchError::said(FetchFault::MalformedUrl, url.protocol()));
    }
    let href = url.href();
    let same_origin = location.origin().is_ok_and(|origin| origin == url.origin());
    let timeout_ms = u32::try_from(request.timeout.as_millis()).unwrap_or(u32::MAX);
    let deadline = Deadline::new(timeout_ms)?;
    let promise =
        window.fetch_with_str_and_init(&href, &request_init(RequestMode::Cors, &deadline));
    let response = match JsFuture::from(promise).await {
        Ok(value) => value
            .dyn_into::<Response>()
            .map_err(|v| network(js_message(&v)))?,
        Err(error) if deadline.expired() => return Err(deadline.error(&error, FetchFault::Timeout)),
        Err(error) => {
            // A TypeError: the network, or a cross-origin refusal. A
            // `no-cors` probe reaches a server that merely refused reads.
            let probe = window
                .fetch_with_str_and_init(&href, &request_init(RequestMode::NoCors, &deadline));
            let reached = JsFuture::from(probe).await.is_ok();
            let fault = classify_failed_fetch(same_origin, reached);
            return Err(FetchError::said(fault, js_message(&error)));
        }
    };
    let status = response.status();
    check_status(status).map_err(|fault| FetchError::said(fault, response.status_text()))?;
    let headers = response.headers();
    let content_type = headers.get("content-type").ok().flatten();
    if let Some(kind) = content_type.as_deref().filter(|t| !t.trim().is_empty()) {
        if !is_text_type(kind) {
            return Err(FetchError::said(FetchFault::NotText, kind));
        }
    }
    let declared = headers
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|n| n.trim().parse::<u64>().ok());
    let body = match declared {
        Some(length) => {
            check_size(length, request.max_bytes)
                .map_err(|fault| FetchError::new(fault, FetchDetail::Bytes(length)))?;
            read_whole(&response, &deadline).await?
        }
        None => read_capped(&response, request.max_bytes, &deadline).await?,
    };
    check_size(body.len() as u64, request.max_bytes)
        .map_err(|fault| FetchError::new(fault, FetchDetail::Bytes(body.len() as u64)))?;
    check_text(content_type.as_deref(), &body)
        .map_err(|fault| FetchError::new(fault, FetchDetail::None))?;
    let label = content_type.as_deref().and_then(charset).unwrap_or("utf-8");
    let decoder = web_sys::TextDecoder::new_with_label(label)
        .or_else(|_| web_sys::TextDecoder::new())
        .map_err(|e| network(js_message(&e)))?;
    let text = decoder
        .decode_with_u8_array(&body)
        .map_err(|e| FetchError::said(FetchFault::NotText, js_message(&e)))?;
    Ok(Page {
        status: Some(status),
        bytes: body.len() as u64,
        text: Rc::from(text),
    })
}

/// Reads a body whose length was declared (and checked) in one go.
async fn read_whole(response: &Response, deadline: &Deadline) -> Result<Vec<u8>, FetchError> {
    let promise = response
        .array_buffer()
        .map_err(|e| FetchError::said(FetchFault::Network, js_message(&e)))?;
    let buffer = JsFuture::from(promise)
        .await
        .map_err(|e| deadline.error(&e, FetchFault::Network))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Reads a body of unknown length chunk by chunk, refusing it as soon as
/// it passes `max_bytes` (the rest is never downloaded). (Only then: a
/// stream read to its end shows in the browser's tools as cancelled.)
async fn read_capped(
    response: &Response,
    max_bytes: u64,
    deadline: &Deadline,
) -> Result<Vec<u8>, FetchError> {
    let Some(stream) = response.body() else {
        return Ok(Vec::new());
    };
    let reader: ReadableStreamDefaultReader = stream
        .get_reader()
        .dyn_into()
        .map_err(|v| FetchError::said(FetchFault::Network, js_message(&v)))?;
    let mut body = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| deadline.error(&e, FetchFault::Network))?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(body);
        }
        if let Ok(value) = Reflect::get(&chunk, &JsValue::from_str("value")) {
            body.extend(Uint8Array::new(&value).to_vec());
        }
        if let Err(fault) = check_size(body.len() as u64, max_bytes) {
            let _ = reader.cancel();
            return Err(FetchError::new(
                fault,
                FetchDetail::Bytes(body.len() as u64),
            ));
        }
    }
}

#[wasm_bindgen]
extern "C" {
    /// A `RegExp` whose `exec` takes a JavaScript string, so a long page is
    /// copied into JavaScript once, not once per match.
    #[wasm_bindgen(js_name = RegExp)]
    type StringRegExp;

    #[wasm_bindgen(method, js_name = exec)]
    fn exec(this: &StringRegExp, text: &JsString) -> Option<Array>;
}

/// A pattern compiled with the browser's `RegExp`.
pub struct JsMatcher {
    regex: RegExp,
    groups: usize,
}

/// Translates `pattern` and compiles it with `new RegExp(source, "gv")`;
/// a syntax error is reported in the browser's own words.
pub fn compile(pattern: &str) -> Result<Compiled, PatternError> {
    let translation = translate(pattern, Engine::Js)?;
    let flags = if translation.ignore_case { "giv" } else { "gv" };
    let constructor = Reflect::get(&js_sys::global(), &JsValue::from_str("RegExp"))
        .ok()
        .and_then(|c| c.dyn_into::<js_sys::Function>().ok())
        .ok_or(PatternError::Unavailable)?;
    let args = Array::of2(&translation.source.as_str().into(), &flags.into());
    let regex: RegExp = Reflect::construct(&constructor, &args)
        .map_err(|e| PatternError::Engine(js_message(&e)))?
        .unchecked_into();
    let empty_match_differs = translation.prefers_shorter && regex.test("");
    let matcher = Rc::new(JsMatcher {
        regex,
        groups: translation.groups,
    });
    Ok(Compiled::new(
        matcher,
        translation.notes,
        empty_match_differs,
    ))
}

impl Matcher for JsMatcher {
    fn find_all(&self, text: &str, keep: usize) -> Matches {
        let text = JsString::from(text);
        let len = text.length() as usize;
        let search = |from: usize, want: bool| -> Option<Hit> {
            self.regex.set_last_index(u32::try_from(from).ok()?);
            let m = self.regex.unchecked_ref::<StringRegExp>().exec(&text)?;
            let start = Reflect::get(&m, &JsValue::from_str("index"))
                .ok()?
                .as_f64()? as usize;
            let whole: JsString = m.get(0).dyn_into().ok()?;
            let end = start + whole.length() as usize;
            let found = want.then(|| {
                let groups: Vec<Option<String>> = (1..=self.groups)
                    .map(|g| m.get(g as u32).as_string())
                    .collect();
                found_from(
                    self.groups,
                    || String::from(&whole),
                    |g| groups.get(g - 1).and_then(|s| s.as_deref()),
                )
            });
            Some(Hit { start, end, found })
        };
        // One code point on: two UTF-16 units for a surrogate pair.
        let unit = |i: usize| text.char_code_at(i as u32) as u32;
        let next_char = |pos: usize| {
            let pair =
                (0xD800..0xDC00).contains(&unit(pos)) && (0xDC00..0xE000).contains(&unit(pos + 1));
            pos + if pair { 2 } else { 1 }
        };
        find_all_with(len, keep, search, next_char)
    }
}
