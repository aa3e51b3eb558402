//! The termination lab: runs the `termination` scenario with a strategy and
//! injected failures ([`crate::scenario::ending`]), books what happens to
//! every item ([`ledger`]), and tells what each run means ([`report`]),
//! including the comparison of every strategy for the same settings and
//! seed.
//!
//! The tasks themselves live in [`crate::scenario`], and the broker
//! semantics used by `--broker-ack` in [`crate::scenario::broker`].

pub mod ledger;
pub mod report;
