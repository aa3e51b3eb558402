//! The panic hook: instead of a dead page, an error banner with a button
//! that reloads the page with its default settings. Written with plain DOM
//! calls, because Yew does not run after a panic, and with a plain HTML form
//! for the button, because no wasm code runs after one either.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::i18n::ui::{self, T};
use crate::lang::Lang;

/// Whether the page speaks Chinese, for the banner (set on every render).
static ZH: AtomicBool = AtomicBool::new(false);

/// The id of the banner element.
pub const BANNER_ID: &str = "panic-banner";

/// Records the page's language for the banner.
pub fn set_lang(lang: Lang) {
    ZH.store(lang == Lang::Zh, Ordering::Relaxed);
}

fn lang() -> Lang {
    if ZH.load(Ordering::Relaxed) {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// Installs the hook (before Yew renders, so Yew keeps it).
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = match info.payload().downcast_ref::<&str>() {
            Some(s) => (*s).to_string(),
            None => info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default(),
        };
        let location = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        web_sys::console::error_1(&format!("canteen panicked: {message}{location}").into());
        show_banner(&message, lang());
    }));
}

/// Puts the error banner at the top of the page (once).
pub fn show_banner(message: &str, lang: Lang) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.get_element_by_id(BANNER_ID).is_some() {
        return;
    }
    let Some(body) = document.body() else {
        return;
    };
    let build = || -> Result<web_sys::Element, wasm_bindgen::JsValue> {
        let banner = document.create_element("div")?;
        banner.set_id(BANNER_ID);
        banner.set_attribute("role", "alert")?;
        banner.set_class_name("panic-banner");

        let title = document.create_element("p")?;
        title.set_class_name("panic-title");
        title.set_text_content(Some(T::PanicTitle.get(lang)));
        banner.append_child(&title)?;

        if !message.is_empty() {
            let detail = document.create_element("p")?;
            detail.set_class_name("panic-detail");
            // Text, never markup.
            detail.set_text_content(Some(&ui::panic_detail(message, lang)));
            banner.append_child(&detail)?;
        }

        // A GET form to the page's own path: reloads it without the fragment
        // (whose settings may be what went wrong), with no script involved.
        let form = document.create_element("form")?;
        form.set_attribute("method", "get")?;
        let path = web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .unwrap_or_else(|| "/".to_string());
        form.set_attribute("action", &path)?;
        let button = document.create_element("button")?;
        button.set_attribute("type", "submit")?;
        button.set_text_content(Some(T::PanicReset.get(lang)));
        form.append_child(&button)?;
        banner.append_child(&form)?;
        Ok(banner)
    };
    if let Ok(banner) = build() {
        let _ = body.prepend_with_node_1(&banner);
    }
}
