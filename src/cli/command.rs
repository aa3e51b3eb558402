//! The command line's grammar, for clap: the commands, a subcommand per
//! scenario with its own options ([`RunOptions`] here, the lab's in
//! [`super::termination`], peak shaving's and the scraper's beside their
//! runs), and [`command`], which completes it from the scenarios' own data
//! (their summaries and defaults) so that `--help` tells them. Help is
//! clap's, in English; every problem is reported by [`super::errors`].

use std::time::Duration;
use strum::VariantArray;

use clap::{Arg, Args, Command, CommandFactory, Parser, Subcommand};

use super::values::{self, whole};
use super::{peak, scraper, termination};
use crate::delay::{Delay, DurationText};
use crate::i18n::{self, cli::Accepted};
use crate::lang::Lang;
use crate::lessons::LessonId;
use crate::peak::config::Preset;
use crate::scenario::ending::{Settings, Strategy};
use crate::scenario::{Config, ScenarioKind, MAX_ACTORS, MAX_CAPACITY, MAX_ITEMS};
use crate::scraper::scenario::ScraperConfig;

/// Every command and its options in one view, shown by `canteen help`
/// (README.md's synopsis is the same text).
pub const SYNOPSIS: &str = "\
canteen scenarios [--lang zh|en]
canteen run plain|hotdog|custom [--seed N] [--producers N] [--consumers N] [--items N]
                     [--capacity N] [--produce-delay D] [--consume-delay D]
                     [--until DURATION] [--json] [--events] [--lang zh|en]
canteen run termination [the options above] [--strategy S] [--compare]
                     [--kill-consumer N [--kill-at DURATION | --kill-chance P]]
                     [--forget-task-done N] [--extra-task-done N]
                     [--broker-ack [--visibility-timeout DURATION] [--max-deliveries N]]
canteen run peak-shaving [--preset steady|flash-sale|two-bursts] [--seed N] [--base-rate R]
                     [--burst START,LENGTH,RATE]... [--duration D] [--workers N]
                     [--service-delay D] [--capacity N] [--overload] [--json] [--lang zh|en]
canteen run scraper --pages PATH... [--fetchers N] [--counters N] [--capacity N]
                     [--regex R] [--shape plain|joinable] [--timeout D] [--fetch-delay D]
                     [--count-delay D] [--seed N] [--json] [--lang zh|en]
canteen live plain|hotdog|custom|termination|peak-shaving [the options of canteen run SCENARIO]
                     [--redis URL] [--time-scale F]
canteen worker producer|consumer --redis URL --run ID --index N
canteen python SCENARIO [the options of canteen run SCENARIO]
canteen lesson [LESSON [--seed N] [--answer A]] [--lang zh|en]
canteen help [COMMAND...]";

/// What `canteen help` adds below the commands.
const AFTER_HELP: &str = "\
Delays D: const:250ms | uniform:0ms..1s | exp:100ms    Durations: 250ms, 1.5s
Rates R: requests per second (120 or 120/s)    --capacity 0: an unbounded queue
`canteen run SCENARIO --help` explains each option of a scenario.";

/// `canteen …`
#[derive(Debug, Parser)]
#[command(
    name = "canteen",
    about = "Canteen: producer–consumer scenarios run flat out, with a log and a summary, \
             or one JSON object; messages in --lang (zh or en), this help in English",
    disable_version_flag = true
)]
pub struct Canteen {
    #[command(subcommand)]
    pub command: Top,
    /// The language of the output and the messages [default: from LANG]
    #[arg(long, global = true, value_name = "zh|en", value_parser = values::language,
          allow_hyphen_values = true, display_order = 1000)]
    pub lang: Option<Lang>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Top {
    /// List the scenarios, one line each
    Scenarios,
    /// Run a scenario flat out; print its log and a summary, or one JSON
    /// object
    Run {
        #[command(subcommand)]
        scenario: Scenario,
    },
    /// Run a scenario for real: producer and consumer processes around
    /// Redis, real delays (times --time-scale); the report beside the
    /// simulation's prediction
    Live {
        #[command(subcommand)]
        scenario: LiveScenario,
    },
    /// One producer or consumer process of a live run (canteen live starts
    /// them; one started by hand joins the run)
    Worker(WorkerOptions),
    /// Print the Python program the page shows for the same settings
    Python {
        #[command(subcommand)]
        scenario: Scenario,
    },
    /// The lessons: predict, then run. Without a lesson, the list; with
    /// one, its question (answered by the run for this seed); with
    /// --answer, how the answer fared
    Lesson(LessonOptions),
}

/// `canteen lesson`'s options.
#[derive(Debug, Args)]
pub struct LessonOptions {
    /// The lesson: its number (1 to 10) or its name
    #[arg(value_name = "LESSON", value_parser = values::lesson, allow_hyphen_values = true)]
    pub lesson: Option<LessonId>,
    /// The run's seed; the question's answer depends on it [default: a
    /// random one, reported]
    #[arg(long, value_name = "N", value_parser = values::seed, allow_hyphen_values = true)]
    pub seed: Option<u64>,
    /// Your answer: the choice's number, or your estimate
    #[arg(long, value_name = "A", allow_hyphen_values = true,
          value_parser = whole::<u64>(Accepted::WholeNumber, 0, u64::MAX))]
    pub answer: Option<u64>,
}

/// The scenarios, each with its options (their summaries are set by
/// [`command`]).
#[derive(Debug, Subcommand)]
pub enum Scenario {
    Plain(RunOptions),
    Hotdog(RunOptions),
    Custom(RunOptions),
    Termination(LabOptions),
    PeakShaving(peak::Options),
    Scraper(scraper::Options),
}

/// The options of every scenario of the playground (plain, hotdog, custom
/// and the termination lab).
#[derive(Debug, Args)]
pub struct RunOptions {
    /// The run's seed; the same seed repeats the run exactly [default: a
    /// random one, reported]
    #[arg(long, value_name = "N", value_parser = values::seed, allow_hyphen_values = true)]
    pub seed: Option<u64>,
    /// Producers, 1 to 1000
    #[arg(long, value_name = "N", allow_hyphen_values = true,
          value_parser = whole::<u32>(Accepted::WholeNumber, 1, MAX_ACTORS.into()))]
    pub producers: Option<u32>,
    /// Consumers, 1 to 1000
    #[arg(long, value_name = "N", allow_hyphen_values = true,
          value_parser = whole::<u32>(Accepted::WholeNumber, 1, MAX_ACTORS.into()))]
    pub consumers: Option<u32>,
    /// Items each producer makes, 0 to 10000000; producers × items at most
    /// 10000000
    #[arg(long, value_name = "N", allow_hyphen_values = true,
          value_parser = whole::<u32>(Accepted::WholeNumber, 0, MAX_ITEMS.into()))]
    pub items: Option<u32>,
    /// Places in the queue; 0 = unbounded
    #[arg(long, value_name = "N", allow_hyphen_values = true,
          value_parser = whole::<usize>(Accepted::Capacity, 0, MAX_CAPACITY as u64))]
    pub capacity: Option<usize>,
    /// How long making one item takes
    #[arg(long, value_name = "D", value_parser = values::delay, allow_hyphen_values = true)]
    pub produce_delay: Option<Delay>,
    /// How long consuming one item takes
    #[arg(long, value_name = "D", value_parser = values::delay, allow_hyphen_values = true)]
    pub consume_delay: Option<Delay>,
    /// Stop at this virtual time [default: run to the end]
    #[arg(long, value_name = "DURATION", value_parser = values::duration, allow_hyphen_values = true)]
    pub until: Option<Duration>,
    /// Print one JSON object instead of the log and the summary
    #[arg(long)]
    pub json: bool,
    /// With --json: every event too, as `events: [{t_ms, actor, kind, item}]`
    #[arg(long)]
    pub events: bool,
}

/// `canteen run termination`'s options: those of every playground
/// scenario and the lab's own.
#[derive(Debug, Args)]
pub struct LabOptions {
    #[command(flatten)]
    pub run: RunOptions,
    #[command(flatten)]
    pub lab: termination::Options,
}

/// The options of a live run besides the scenario's.
#[derive(Debug, Args)]
pub struct LiveOptions {
    /// An existing Redis server, redis://HOST:PORT/DB; the run's keys are
    /// named canteen:RUN:… [default: an embedded redis-server on a free
    /// 127.0.0.1 port]
    #[arg(long, value_name = "URL", value_parser = values::redis_url, allow_hyphen_values = true)]
    pub redis: Option<String>,
    /// Real seconds per second of the scenario: 0.01 runs it 100 times
    /// faster [default: 1]
    #[arg(long, value_name = "F", value_parser = values::time_scale, allow_hyphen_values = true)]
    pub time_scale: Option<f64>,
    /// Also serve the built page (dist/, make dist) on 127.0.0.1:PORT and
    /// stream the run to it [PORT default: a free port]
    #[arg(long, value_name = "PORT", num_args = 0..=1, default_missing_value = "0")]
    pub serve: Option<u16>,
}

/// `canteen live`'s scenarios.
#[derive(Debug, Subcommand)]
pub enum LiveScenario {
    Plain(Playground),
    Hotdog(Playground),
    Custom(Playground),
    Termination(Lab),
    PeakShaving(LivePeak),
}

/// Peak shaving's options, live.
#[derive(Debug, Args)]
pub struct LivePeak {
    #[command(flatten)]
    pub peak: peak::Options,
    #[command(flatten)]
    pub live: LiveOptions,
}

/// The options of plain, hotdog and custom, live.
#[derive(Debug, Args)]
pub struct Playground {
    #[command(flatten)]
    pub run: RunOptions,
    #[command(flatten)]
    pub live: LiveOptions,
}

/// The termination lab's options, live.
#[derive(Debug, Args)]
pub struct Lab {
    #[command(flatten)]
    pub run: RunOptions,
    #[command(flatten)]
    pub lab: termination::Options,
    #[command(flatten)]
    pub live: LiveOptions,
}

/// `canteen worker`'s options.
#[derive(Debug, Args)]
pub struct WorkerOptions {
    /// producer or consumer
    #[arg(value_enum)]
    pub role: super::live::worker::Role,
    /// The run's Redis server
    #[arg(long, value_name = "URL", value_parser = values::redis_url, allow_hyphen_values = true)]
    pub redis: String,
    /// The run's id (canteen live prints it)
    #[arg(long, value_name = "ID")]
    pub run: String,
    /// Which producer or consumer, from 1
    #[arg(long, value_name = "N", allow_hyphen_values = true,
          value_parser = whole::<u32>(Accepted::FromOne, 1, MAX_ACTORS.into()))]
    pub index: u32,
}

impl RunOptions {
    /// `kind`'s settings with these options; `seed` when `--seed` is not
    /// given.
    pub fn config(&self, kind: ScenarioKind, seed: u64) -> Config {
        let mut config = Config::defaults(kind, self.seed.unwrap_or(seed));
        config.producers = self.producers.unwrap_or(config.producers);
        config.consumers = self.consumers.unwrap_or(config.consumers);
        config.items = self.items.unwrap_or(config.items);
        config.capacity = self.capacity.unwrap_or(config.capacity);
        config.produce_delay = self.produce_delay.unwrap_or(config.produce_delay);
        config.consume_delay = self.consume_delay.unwrap_or(config.consume_delay);
        config.until = self.until;
        config
    }
}

/// The whole grammar, with each scenario's summary and defaults and the
/// choices of the named values taken from the scenarios themselves. A
/// later option replaces an earlier one of the same name, as before clap.
pub fn command() -> Command {
    let scenarios = |command: Command| {
        let command = ScenarioKind::VARIANTS
            .iter()
            .copied()
            .fold(command, |command, kind| {
                command.mut_subcommand(kind.name(), |sub| playground(sub, kind))
            });
        command
            .mut_subcommand(crate::peak::NAME, |sub| {
                sub.about(i18n::peak::summary(Lang::En))
                    .mut_arg("preset", |arg| {
                        arg.value_name(names(Preset::VARIANTS, |p| p.name()))
                            .default_value(Preset::FlashSale.name())
                    })
            })
            .mut_subcommand("scraper", scraper_defaults)
    };
    override_self(
        Canteen::command()
            .after_help(AFTER_HELP)
            .override_usage(SYNOPSIS.replace('\n', "\n       "))
            .mut_subcommand("run", scenarios)
            .mut_subcommand("python", scenarios)
            .mut_subcommand("live", |command| {
                ScenarioKind::VARIANTS
                    .iter()
                    .copied()
                    .fold(command, |command, kind| {
                        command.mut_subcommand(kind.name(), |sub| playground(sub, kind))
                    })
            }),
    )
}

/// A scenario of the playground: its summary and its defaults.
fn playground(command: Command, kind: ScenarioKind) -> Command {
    let config = Config::defaults(kind, 0);
    let command = command
        .about(i18n::scenario_summary(kind, Lang::En))
        .mut_arg("producers", default(config.producers))
        .mut_arg("consumers", default(config.consumers))
        .mut_arg("items", default(config.items))
        .mut_arg("capacity", default(config.capacity))
        .mut_arg("produce_delay", default(config.produce_delay))
        .mut_arg("consume_delay", default(config.consume_delay));
    if kind != ScenarioKind::Termination {
        return command;
    }
    let settings = Settings::default();
    command
        .mut_arg("strategy", |arg| {
            default(settings.strategy)(arg).value_name(names(Strategy::VARIANTS, |s| s.name()))
        })
        .mut_arg(
            "visibility_timeout",
            default(DurationText(settings.visibility_timeout)),
        )
        .mut_arg("max_deliveries", default(settings.max_deliveries))
}

/// The scraper's summary and defaults.
fn scraper_defaults(command: Command) -> Command {
    let config = ScraperConfig::defaults(Vec::new(), 0);
    command
        .about(i18n::scraper::summary(Lang::En))
        .mut_arg("fetchers", default(config.fetchers))
        .mut_arg("counters", default(config.counters))
        .mut_arg("capacity", default(config.capacity))
        .mut_arg("regex", default(config.pattern))
        .mut_arg("shape", default(config.shape.name()))
        .mut_arg("timeout", default(DurationText(config.timeout)))
        .mut_arg("fetch_delay", default(config.fetch_delay))
        .mut_arg("count_delay", default(config.count_delay))
}

/// The names of `all`, separated by `|`.
fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> String {
    all.iter().map(|&t| name(t)).collect::<Vec<_>>().join("|")
}

/// Sets an argument's default, written as it would be typed.
fn default(value: impl ToString) -> impl FnOnce(Arg) -> Arg {
    move |arg| arg.default_value(value.to_string())
}

/// `command` and its subcommands, where a repeated option replaces the
/// earlier one instead of being refused.
fn override_self(command: Command) -> Command {
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .collect();
    names
        .iter()
        .fold(command.args_override_self(true), |command, name| {
            command.mut_subcommand(name, override_self)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grammar_is_consistent() {
        command().debug_assert();
    }

    /// The long options of `canteen run NAME` (`--lang` included, which
    /// every command takes).
    fn options(name: &str) -> Vec<String> {
        let mut command = command();
        command.build();
        let run = command.find_subcommand("run").unwrap();
        let scenario = run.find_subcommand(name).unwrap();
        scenario
            .get_arguments()
            .filter_map(|arg| arg.get_long())
            .filter(|&long| long != "help")
            .map(|long| format!("--{long}"))
            .collect()
    }

    #[test]
    fn every_scenario_is_a_subcommand_of_run_and_python() {
        let command = command();
        let names = |top: &str| -> Vec<String> {
            command
                .find_subcommand(top)
                .unwrap()
                .get_subcommands()
                .map(|s| s.get_name().to_string())
                .filter(|name| name != "help")
                .collect()
        };
        let mut expected: Vec<String> = ScenarioKind::VARIANTS
            .iter()
            .map(|k| k.name().to_string())
            .collect();
        expected.extend([crate::peak::NAME.to_string(), "scraper".to_string()]);
        assert_eq!(names("run"), expected);
        assert_eq!(names("python"), expected);
    }

    #[test]
    fn the_synopsis_names_every_option_and_no_other() {
        let line_of = |start: &str| -> String {
            let mut lines = SYNOPSIS.lines().skip_while(|l| !l.starts_with(start));
            let first = lines.next().unwrap_or_else(|| panic!("{start}"));
            let rest = lines.take_while(|l| l.starts_with(' '));
            std::iter::once(first)
                .chain(rest)
                .collect::<Vec<_>>()
                .join(" ")
        };
        let named = |text: &str| -> Vec<String> {
            text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .filter(|w| w.starts_with("--"))
                .map(String::from)
                .collect()
        };
        let run = line_of("canteen run plain");
        let lab = run.clone() + &line_of("canteen run termination");
        for (name, text) in [
            ("plain", run.clone()),
            ("hotdog", run.clone()),
            ("custom", run),
            ("termination", lab),
            ("peak-shaving", line_of("canteen run peak-shaving")),
            ("scraper", line_of("canteen run scraper")),
        ] {
            let mut listed = named(&text);
            listed.sort();
            listed.dedup();
            let mut real = options(name);
            real.sort();
            assert_eq!(listed, real, "{name}");
        }
    }

    #[test]
    fn the_readme_shows_the_synopsis() {
        let readme = include_str!("../../README.md");
        assert!(readme.contains(SYNOPSIS), "README.md's synopsis differs");
    }

    #[test]
    fn each_scenario_shows_its_own_defaults() {
        let mut command = command();
        let help = |command: &mut Command, path: [&str; 2]| {
            let run = command.find_subcommand_mut(path[0]).unwrap();
            run.find_subcommand_mut(path[1])
                .unwrap()
                .render_help()
                .to_string()
        };
        let lab = help(&mut command, ["run", "termination"]);
        assert!(lab.contains("--kill-consumer <N>"), "{lab}");
        assert!(lab.contains("[default: join-terminate]"), "{lab}");
        assert!(lab.contains("[default: 1500ms]"), "{lab}");
        let consumers = |help: &str| {
            help.lines()
                .skip_while(|l| !l.contains("--consumers"))
                .take_while(|l| !l.contains("--items"))
                .collect::<String>()
        };
        assert!(consumers(&lab).contains("[default: 2]"), "{lab}");
        let hotdog = help(&mut command, ["python", "hotdog"]);
        assert!(consumers(&hotdog).contains("[default: 1]"), "{hotdog}");
        assert!(hotdog.contains("[default: uniform:0ms..1s]"), "{hotdog}");
        assert!(!hotdog.contains("--strategy"), "{hotdog}");
        let peak = help(&mut command, ["run", "peak-shaving"]);
        assert!(peak.contains("[default: flash-sale]"), "{peak}");
        let scraper = help(&mut command, ["run", "scraper"]);
        assert!(scraper.contains("[default: joinable]"), "{scraper}");
    }
}
