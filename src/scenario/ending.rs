//! How a producer–consumer program ends: the ways the main program can
//! tell the consumers that the work is over ([`Strategy`]), and the
//! failures that can be injected into it ([`Settings`]). The tasks that
//! carry them out are the scenario's; the termination lab
//! ([`crate::termination`]) runs, books and compares them.

use std::time::Duration;

use serde::Serialize;

/// How the main program tells the consumers that the work is over; named
/// `none`, `join-terminate`… and listed in this order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[derive(strum::IntoStaticStr, strum::Display, strum::EnumString, strum::VariantArray)]
#[strum(
    serialize_all = "kebab-case",
    parse_err_ty = UnknownStrategy,
    parse_err_fn = UnknownStrategy::named
)]
pub enum Strategy {
    /// No signal at all (the seed's plain queue): the consumers wait in
    /// `get()` forever.
    None,
    /// The seed's fix: `p.join()` every producer, `q.join()`, then
    /// `c.terminate()` every consumer.
    #[default]
    JoinTerminate,
    /// The consumers are daemons: after `p.join()` and `q.join()` main simply
    /// ends, and the consumers end with it.
    Daemon,
    /// Poison pills: after `p.join()` main puts one sentinel per consumer and
    /// joins the consumers; each consumer stops at its sentinel.
    Sentinel,
    /// The classic bug: one sentinel for all the consumers.
    SentinelBug,
    /// `q.shutdown()`: the consumers drain the queue, then `get()` raises
    /// `ShutDown` and they stop.
    Shutdown,
    /// `q.shutdown(immediate=True)`: the queued items are dropped.
    ShutdownImmediate,
}

impl Strategy {
    /// The name used on the command line and in links.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Whether main waits for the producers before it signals anything.
    pub fn joins_producers(self) -> bool {
        self != Strategy::None
    }

    /// The sentinels main puts for `consumers` consumers.
    pub fn sentinels(self, consumers: u32) -> u32 {
        match self {
            Strategy::Sentinel => consumers,
            Strategy::SentinelBug => 1,
            _ => 0,
        }
    }
}

/// A strategy name that is none of [`Strategy::VARIANTS`]'s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownStrategy(pub String);

impl UnknownStrategy {
    fn named(name: &str) -> UnknownStrategy {
        UnknownStrategy(name.to_string())
    }
}

/// When the chosen consumer dies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KillWhen {
    /// At this virtual time if it is working on an item then; otherwise
    /// halfway through the first item it starts after that time.
    At(Duration),
    /// With this probability (0 to 1) for each item it starts, halfway
    /// through that item.
    Chance(f64),
}

/// A consumer that dies mid-item.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Kill {
    /// The consumer, 1-based as the page names it ("consumer 2").
    pub consumer: u32,
    pub when: KillWhen,
}

/// The visibility timeout used when none is given: longer than the seed's
/// longest consume delay (1 s), so a live consumer never loses its delivery.
pub const DEFAULT_VISIBILITY_TIMEOUT: Duration = Duration::from_millis(1500);

/// The most deliveries of one item used when none is given: a few retries
/// before the broker gives up on it, as RabbitMQ quorum queues' delivery
/// limit or SQS's `maxReceiveCount` are usually set.
pub const DEFAULT_MAX_DELIVERIES: u32 = 5;

/// The largest delivery limit accepted.
pub const MAX_DELIVERIES: u32 = 100;

/// The termination lab's settings (used by the `termination` scenario; the
/// other scenarios keep the defaults).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    pub strategy: Strategy,
    /// The n-th item processed (1-based, counted across all consumers) is
    /// never marked `task_done()`.
    pub forget_task_done: Option<u64>,
    /// After the n-th item processed, its consumer calls `task_done()` once
    /// more.
    pub extra_task_done: Option<u64>,
    pub kill: Option<Kill>,
    /// Broker semantics: a consumer acknowledges an item after its work, and
    /// an item whose delivery is not acknowledged within
    /// `visibility_timeout` is redelivered (at-least-once delivery).
    pub broker_ack: bool,
    pub visibility_timeout: Duration,
    /// Broker semantics: an item whose `max_deliveries`-th delivery also
    /// goes unacknowledged is not redelivered again but moved to the
    /// dead-letter list (1 to [`MAX_DELIVERIES`]).
    pub max_deliveries: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            strategy: Strategy::default(),
            forget_task_done: None,
            extra_task_done: None,
            kill: None,
            broker_ack: false,
            visibility_timeout: DEFAULT_VISIBILITY_TIMEOUT,
            max_deliveries: DEFAULT_MAX_DELIVERIES,
        }
    }
}

impl Settings {
    /// The first setting that differs from the default, named as its
    /// command-line option (without `--`); `None` if all are defaults.
    pub fn first_changed(&self) -> Option<&'static str> {
        let d = Settings::default();
        [
            (self.strategy != d.strategy, "strategy"),
            (self.forget_task_done.is_some(), "forget-task-done"),
            (self.extra_task_done.is_some(), "extra-task-done"),
            (self.kill.is_some(), "kill-consumer"),
            (self.broker_ack, "broker-ack"),
            (
                self.visibility_timeout != d.visibility_timeout,
                "visibility-timeout",
            ),
            (self.max_deliveries != d.max_deliveries, "max-deliveries"),
        ]
        .into_iter()
        .find_map(|(changed, name)| changed.then_some(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn strategy_names_round_trip_and_unknown_names_are_kept() {
        let names: Vec<&str> = Strategy::VARIANTS.iter().map(|s| s.name()).collect();
        for &s in Strategy::VARIANTS {
            assert_eq!(s.name().parse::<Strategy>(), Ok(s));
            assert_eq!(s.to_string(), s.name());
        }
        assert_eq!(
            "poison".parse::<Strategy>(),
            Err(UnknownStrategy("poison".into()))
        );
        assert_eq!(
            names.join("|"),
            "none|join-terminate|daemon|sentinel|sentinel-bug|shutdown|shutdown-immediate"
        );
    }

    #[test]
    fn sentinels_are_one_per_consumer_or_one_for_the_bug() {
        assert_eq!(Strategy::Sentinel.sentinels(3), 3);
        assert_eq!(Strategy::SentinelBug.sentinels(3), 1);
        assert_eq!(Strategy::Shutdown.sentinels(3), 0);
    }

    #[test]
    fn first_changed_names_the_option() {
        assert_eq!(Settings::default().first_changed(), None);
        let s = Settings {
            broker_ack: true,
            ..Settings::default()
        };
        assert_eq!(s.first_changed(), Some("broker-ack"));
        let s = Settings {
            strategy: Strategy::Daemon,
            broker_ack: true,
            ..Settings::default()
        };
        assert_eq!(s.first_changed(), Some("strategy"));
        let s = Settings {
            max_deliveries: 2,
            ..Settings::default()
        };
        assert_eq!(s.first_changed(), Some("max-deliveries"));
    }
}
