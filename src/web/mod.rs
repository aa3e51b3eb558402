//! The browser page (wasm32 only): Yew function components that render the
//! playground's state ([`crate::playground::app::AppState`]) and dispatch its
//! actions, plus the few things only a browser has — timer ticks, keys,
//! the URL fragment, the clipboard and the panic banner.

mod app;
pub mod charts;
mod controls;
mod copy;
mod dom;
mod field;
mod leaf;
mod lessons;
mod live;
mod log;
mod panels;
mod panic;
mod peak;
mod scraper;
mod settings;
mod shared;
mod stage;
mod termination;
mod ticker;
mod worker;

pub use app::{App, AppProps};
pub use panic::{show_banner, BANNER_ID};

/// Starts the page: installs the panic banner, then renders the app into
/// the document's body (the app itself is `<main id="app-root">`), its
/// playground's engine in a worker.
pub fn start() {
    panic::install();
    let body = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body());
    match body {
        Some(body) => {
            let props = AppProps {
                worker: true,
                ..AppProps::default()
            };
            yew::Renderer::<App>::with_root_and_props(body.into(), props).render();
        }
        None => web_sys::console::error_1(&"canteen: no document body to render into".into()),
    }
}
