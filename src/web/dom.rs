//! The few browser calls the page makes outside Yew: the preferred
//! language, the document's title and language, the URL fragment (read,
//! and replaced without a history entry),
//! a monotonic clock, random seeds, the clipboard, and window event
//! listeners that are removed when dropped.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget};

use crate::i18n::ui::T;
use crate::lang::Lang;

/// The browser's preferred language (English when it cannot tell).
pub fn preferred_lang() -> Lang {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map_or(Lang::En, |tag| Lang::from_locale(&tag))
}

/// Names the document in `lang`: the window's title and the language of
/// the whole page (`<html lang>`).
pub fn name_document(lang: Lang) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    document.set_title(T::DocumentTitle.get(lang));
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("lang", lang.pick("zh-CN", "en"));
    }
}

/// The URL fragment, with its `#` (empty when there is none).
pub fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Makes `#fragment` the URL's fragment without adding a history entry and
/// without firing `hashchange`.
pub fn replace_fragment(fragment: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if fragment_matches(&self::fragment(), fragment) {
        return;
    }
    if let Ok(history) = window.history() {
        let url = format!("#{fragment}");
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

fn fragment_matches(current: &str, fragment: &str) -> bool {
    current.strip_prefix('#').unwrap_or(current) == fragment
}

/// Where the lessons' progress is kept in `localStorage` (nothing is sent
/// anywhere).
const PROGRESS_KEY: &str = "canteen-lessons";

/// The lessons' progress kept in the browser (empty when there is none or
/// storage is not allowed).
pub fn load_progress() -> String {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(PROGRESS_KEY).ok().flatten())
        .unwrap_or_default()
}

/// Keeps the lessons' progress in the browser (quietly not, where storage
/// is not allowed).
pub fn save_progress(text: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(PROGRESS_KEY, text);
    }
}

/// The full address of the page with `fragment`.
pub fn link_to(fragment: &str) -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return format!("#{fragment}");
    };
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    let query = location.search().unwrap_or_default();
    format!("{origin}{path}{query}#{fragment}")
}

/// Milliseconds from a monotonic clock.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// A fresh seed below 2³² (short enough to read and type).
pub fn random_seed() -> u64 {
    (js_sys::Math::random() * 4_294_967_296.0) as u64
}

/// Puts `text` on the clipboard; false when the browser offers no clipboard.
pub fn copy_text(text: &str) -> bool {
    match web_sys::window() {
        Some(window) => {
            // The promise is left alone: the field beside the button shows
            // the link too, for when the browser refuses.
            let _ = window.navigator().clipboard().write_text(text);
            true
        }
        None => false,
    }
}

/// Offers `text` as a file download named `file_name`; false when the
/// browser refused.
pub fn download(file_name: &str, mime: &str, text: &str) -> bool {
    let save = || -> Result<(), wasm_bindgen::JsValue> {
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(|| wasm_bindgen::JsValue::from_str("no document"))?;
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob)?;
        let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
        link.set_href(&url);
        link.set_download(file_name);
        link.click();
        web_sys::Url::revoke_object_url(&url)
    };
    save().is_ok()
}

/// A listener on the window, removed when dropped.
pub struct WindowListener {
    kind: &'static str,
    closure: Closure<dyn FnMut(Event)>,
}

impl WindowListener {
    /// Listens to `kind` events on the window.
    pub fn new(kind: &'static str, handler: impl FnMut(Event) + 'static) -> Option<Self> {
        let window = web_sys::window()?;
        let closure = Closure::<dyn FnMut(Event)>::new(handler);
        let target: &EventTarget = window.as_ref();
        target
            .add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref())
            .ok()?;
        Some(WindowListener { kind, closure })
    }
}

impl Drop for WindowListener {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let target: &EventTarget = window.as_ref();
            let _ = target.remove_event_listener_with_callback(
                self.kind,
                self.closure.as_ref().unchecked_ref(),
            );
        }
    }
}
