//! The termination lab's `canteen run` options (`--strategy`, the failure
//! injections, `--broker-ack` and its settings), read with the shared [`Args`] reader so
//! every problem names the option.

use super::args::Args;
use crate::i18n::cli::{Accepted, Problem};
use crate::scenario::ending::{Kill, KillWhen, Settings};

/// The options, for the usage text.
pub const USAGE: &str = "\
       canteen run termination [the options above] [--strategy S] [--compare]
                            [--kill-consumer N [--kill-at DURATION | --kill-chance P]]
                            [--forget-task-done N] [--extra-task-done N]
                            [--broker-ack [--visibility-timeout DURATION] [--max-deliveries N]]";

/// Where a kill option stands while the options are read: `--kill-at` and
/// `--kill-chance` may come before or after `--kill-consumer`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Reading {
    consumer: Option<u32>,
    when: Option<(&'static str, KillWhen)>,
}

/// Reads `option` into `settings` if it is one of the lab's; `Ok(false)` if
/// it is not.
pub fn read(
    option: &str,
    args: &mut Args<'_>,
    settings: &mut Settings,
    reading: &mut Reading,
) -> Result<bool, Problem> {
    match option {
        "--strategy" => {
            settings.strategy =
                args.value(option)?
                    .parse()
                    .map_err(|unknown| Problem::Strategy {
                        option: option.to_string(),
                        unknown,
                    })?;
        }
        "--forget-task-done" => {
            settings.forget_task_done = Some(args.number(option, Accepted::FromOne)?)
        }
        "--extra-task-done" => {
            settings.extra_task_done = Some(args.number(option, Accepted::FromOne)?)
        }
        "--kill-consumer" => reading.consumer = Some(args.number(option, Accepted::Consumer)?),
        "--kill-at" => reading.when = Some(("--kill-at", KillWhen::At(args.duration(option)?))),
        "--kill-chance" => {
            let p: f64 = args.number(option, Accepted::Probability)?;
            reading.when = Some(("--kill-chance", KillWhen::Chance(p)));
        }
        "--broker-ack" => settings.broker_ack = true,
        "--visibility-timeout" => settings.visibility_timeout = args.duration(option)?,
        "--max-deliveries" => settings.max_deliveries = args.number(option, Accepted::FromOne)?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// Completes the kill option once every option was read: a kill time or
/// chance needs `--kill-consumer`; a consumer alone dies during its first
/// item.
pub fn finish(settings: &mut Settings, reading: Reading) -> Result<(), Problem> {
    settings.kill = match (reading.consumer, reading.when) {
        (None, None) => None,
        (None, Some((option, _))) => return Err(Problem::KillNeedsConsumer(option.to_string())),
        (Some(consumer), when) => Some(Kill {
            consumer,
            when: when.map_or(KillWhen::At(std::time::Duration::ZERO), |(_, w)| w),
        }),
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::scenario::ending::{Strategy, UnknownStrategy};

    fn parse(list: &[&str]) -> Result<Settings, Problem> {
        let owned: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        let mut args = Args::new(&owned);
        let mut settings = Settings::default();
        let mut reading = Reading::default();
        while let Some(option) = args.next_option() {
            if !read(option, &mut args, &mut settings, &mut reading)? {
                return Err(Problem::UnknownOption(option.to_string()));
            }
        }
        finish(&mut settings, reading)?;
        Ok(settings)
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
            "--max-deliveries",
            "3",
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
        assert_eq!(s.max_deliveries, 3);
        let s = parse(&["--kill-consumer", "1"]).unwrap();
        assert_eq!(s.kill.unwrap().when, KillWhen::At(Duration::ZERO));
        let s = parse(&["--kill-chance", "0.25", "--kill-consumer", "3"]).unwrap();
        assert_eq!(s.kill.unwrap().when, KillWhen::Chance(0.25));
        assert_eq!(
            parse(&["--seed"]),
            Err(Problem::UnknownOption("--seed".into()))
        );
    }

    #[test]
    fn problems_name_the_option() {
        assert_eq!(
            parse(&["--strategy", "poison"]),
            Err(Problem::Strategy {
                option: "--strategy".into(),
                unknown: UnknownStrategy("poison".into())
            })
        );
        assert_eq!(
            parse(&["--kill-at", "1s"]),
            Err(Problem::KillNeedsConsumer("--kill-at".into()))
        );
        assert_eq!(
            parse(&["--kill-chance", "often"]),
            Err(Problem::NotANumber {
                option: "--kill-chance".into(),
                text: "often".into(),
                accepted: Accepted::Probability
            })
        );
        assert!(matches!(
            parse(&["--visibility-timeout", "5"]),
            Err(Problem::Duration { option, .. }) if option == "--visibility-timeout"
        ));
        assert_eq!(
            parse(&["--max-deliveries", "many"]),
            Err(Problem::NotANumber {
                option: "--max-deliveries".into(),
                text: "many".into(),
                accepted: Accepted::FromOne
            })
        );
        assert_eq!(
            parse(&["--forget-task-done"]),
            Err(Problem::NeedsValue("--forget-task-done".into()))
        );
    }
}
