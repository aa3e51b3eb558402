//! The command line, an edge above the words: reading the options of
//! `canteen run` ([`args`], shared by every scenario; [`termination`], the
//! lab's own; [`peak`] and [`scraper`], whole commands with their printing).
//! Every problem with what was typed is reported as one line in the
//! language asked for. The entry point is `src/bin/canteen.rs`.

pub mod args;
pub mod peak;
pub mod scraper;
pub mod termination;
