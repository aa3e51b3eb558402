//! The termination lab's own options (`--strategy`, `--compare`, the
//! failure injections, `--broker-ack` and its settings) and the
//! [`Settings`] they make.

use std::time::Duration;

use clap::Args;

use super::values::{self, whole};
use crate::i18n::cli::{Accepted, Problem};
use crate::scenario::ending::{Kill, KillWhen, Settings, Strategy, MAX_DELIVERIES};
use crate::scenario::{MAX_ACTORS, MAX_TOTAL_ITEMS};

/// The lab's own options.
#[derive(Debug, Args)]
pub struct Options {
    /// How main ends the consumers
    #[arg(long, value_name = "S", value_parser = values::strategy, allow_hyphen_values = true)]
    pub strategy: Option<Strategy>,
    /// Run every strategy with these settings and print them side by side
    #[arg(long)]
    pub compare: bool,
    /// Kill consumer N (from 1): during its first item, or as --kill-at or
    /// --kill-chance say
    #[arg(long, value_name = "N", allow_hyphen_values = true,
          value_parser = whole::<u32>(Accepted::Consumer, 1, MAX_ACTORS.into()))]
    pub kill_consumer: Option<u32>,
    /// Kill it during the item it holds at this virtual time
    #[arg(long, value_name = "DURATION", value_parser = values::duration,
          allow_hyphen_values = true, conflicts_with = "kill_chance")]
    pub kill_at: Option<Duration>,
    /// Kill it during each item with this probability, 0 to 1
    #[arg(long, value_name = "P", value_parser = values::probability, allow_hyphen_values = true)]
    pub kill_chance: Option<f64>,
    /// The N-th item processed is never marked task_done()
    #[arg(long, value_name = "N", allow_hyphen_values = true,
          value_parser = whole::<u64>(Accepted::FromOne, 1, MAX_TOTAL_ITEMS))]
    pub forget_task_done: Option<u64>,
    /// After the N-th item processed, its consumer calls task_done() once more
    #[arg(long, value_name = "N", allow_hyphen_values = true,
          value_parser = whole::<u64>(Accepted::FromOne, 1, MAX_TOTAL_ITEMS))]
    pub extra_task_done: Option<u64>,
    /// Broker semantics: items are acknowledged after their work, and
    /// redelivered when not acknowledged in time
    #[arg(long)]
    pub broker_ack: bool,
    /// With --broker-ack: how long a delivery waits for its acknowledgement
    #[arg(long, value_name = "DURATION", value_parser = values::duration, allow_hyphen_values = true)]
    pub visibility_timeout: Option<Duration>,
    /// With --broker-ack: deliveries of an item before it goes to the
    /// dead-letter list
    #[arg(long, value_name = "N", allow_hyphen_values = true,
          value_parser = whole::<u32>(Accepted::FromOne, 1, MAX_DELIVERIES.into()))]
    pub max_deliveries: Option<u32>,
}

impl Options {
    /// The lab's settings: a kill time or chance needs `--kill-consumer`;
    /// a consumer alone dies during its first item.
    pub fn settings(&self) -> Result<Settings, Problem> {
        let defaults = Settings::default();
        let when = match (self.kill_at, self.kill_chance) {
            (Some(at), _) => Some(("--kill-at", KillWhen::At(at))),
            (None, Some(p)) => Some(("--kill-chance", KillWhen::Chance(p))),
            (None, None) => None,
        };
        let kill = match (self.kill_consumer, when) {
            (None, None) => None,
            (None, Some((option, _))) => {
                return Err(Problem::KillNeedsConsumer(option.to_string()))
            }
            (Some(consumer), when) => Some(Kill {
                consumer,
                when: when.map_or(KillWhen::At(Duration::ZERO), |(_, w)| w),
            }),
        };
        Ok(Settings {
            strategy: self.strategy.unwrap_or(defaults.strategy),
            forget_task_done: self.forget_task_done,
            extra_task_done: self.extra_task_done,
            kill,
            broker_ack: self.broker_ack,
            visibility_timeout: self
                .visibility_timeout
                .unwrap_or(defaults.visibility_timeout),
            max_deliveries: self.max_deliveries.unwrap_or(defaults.max_deliveries),
        })
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Lab {
        #[command(flatten)]
        lab: Options,
    }

    fn parse(list: &[&str]) -> Result<Settings, Problem> {
        let lab = Lab::try_parse_from(std::iter::once("lab").chain(list.iter().copied()))
            .expect("the options read");
        lab.lab.settings()
    }

    #[test]
    fn reads_every_option() {
        let s = parse(&[
            "--kill-at",
            "2s",
            "--strategy",
            "sentinel-bug",
            "--kill-consumer",
            "2",
            "--forget-task-done",
            "3",
            "--extra-task-done",
            "10",
            "--broker-ack",
            "--visibility-timeout",
            "500ms",
        ])
        .unwrap();
        assert_eq!(s.strategy, Strategy::SentinelBug);
        assert_eq!(
            s.kill,
            Some(Kill {
                consumer: 2,
                when: KillWhen::At(Duration::from_secs(2))
            })
        );
        assert_eq!((s.forget_task_done, s.extra_task_done), (Some(3), Some(10)));
        assert!(s.broker_ack);
        assert_eq!(s.visibility_timeout, Duration::from_millis(500));
        let s = parse(&["--kill-consumer", "1"]).unwrap();
        assert_eq!(s.kill.unwrap().when, KillWhen::At(Duration::ZERO));
        let s = parse(&["--kill-chance", "0.25", "--kill-consumer", "3"]).unwrap();
        assert_eq!(s.kill.unwrap().when, KillWhen::Chance(0.25));
        assert_eq!(parse(&[]).unwrap(), Settings::default());
    }

    #[test]
    fn a_kill_time_or_chance_needs_a_consumer() {
        assert_eq!(
            parse(&["--kill-at", "1s"]),
            Err(Problem::KillNeedsConsumer("--kill-at".into()))
        );
        assert_eq!(
            parse(&["--kill-chance", "0.5"]),
            Err(Problem::KillNeedsConsumer("--kill-chance".into()))
        );
    }
}
