//! The playground page's logic, free of the browser: the settings form and
//! its validation, the shareable link, the stage and log derived from a
//! run's events, the live session (playback and timeline), and the page's
//! state with its one reducer. `web` renders it in the browser.

pub mod app;
pub mod form;
pub mod host;
pub mod lab;
pub mod lessons;
pub mod link;
pub mod live;
pub mod outcomes;
pub mod peak;
pub mod scraper;
pub mod session;
pub mod stage;
pub mod wire;
