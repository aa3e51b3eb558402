//! `canteen lesson`: the lessons of the page, on the command line. Without
//! a lesson, the list; with one, its setting (as the `canteen run` command
//! that repeats it), its question and its choices; with `--answer`, how the
//! answer fared beside the run's, and the moment that decides it.

use std::fmt::Write as _;

use super::command::LessonOptions;
use crate::delay::DurationText;
use crate::i18n::cli::{Invalid, Problem};
use crate::i18n::lessons as words;
use crate::lang::Lang;
use crate::lessons::{Guess, Lesson, LessonId, Setup};
use crate::scenario::ending::KillWhen;
use crate::scenario::Config;

/// What `canteen lesson` asks for.
pub enum Request {
    /// The list of lessons.
    List(Lang),
    /// One lesson, and perhaps an answer to check.
    Ask {
        lesson: Box<Lesson>,
        guess: Option<Guess>,
        lang: Lang,
    },
}

impl LessonOptions {
    /// The lesson asked for, run for `--seed` (or `seed`); an answer that
    /// is not one of its choices is refused at `--answer`.
    pub fn request(&self, seed: u64, lang: Lang) -> Result<Request, Problem> {
        let Some(id) = self.lesson else {
            return Ok(Request::List(lang));
        };
        let lesson = Lesson::new(id, self.seed.unwrap_or(seed));
        let guess = match self.answer {
            None => None,
            Some(n) if lesson.is_estimate() => Some(Guess::Number(n)),
            Some(n) => {
                let choices = lesson.choices.len() as u64;
                if !(1..=choices).contains(&n) {
                    return Err(Problem::Value {
                        option: "--answer".to_string(),
                        text: n.to_string(),
                        why: Invalid::OutOfRange { lo: 1, hi: choices },
                    });
                }
                Some(Guess::Choice((n - 1) as usize))
            }
        };
        Ok(Request::Ask {
            lesson: Box::new(lesson),
            guess,
            lang,
        })
    }
}

/// Prints what `request` asks for.
pub fn text(request: &Request) -> String {
    match request {
        Request::List(lang) => {
            use strum::VariantArray;
            LessonId::VARIANTS
                .iter()
                .map(|&id| {
                    format!(
                        "{:>2}  {:<13} {}\n",
                        id.number(),
                        id.name(),
                        words::title(id, *lang)
                    )
                })
                .collect()
        }
        Request::Ask {
            lesson,
            guess,
            lang,
        } => ask(lesson, *guess, *lang),
    }
}

fn ask(lesson: &Lesson, guess: Option<Guess>, lang: Lang) -> String {
    let mut out = String::new();
    let id = lesson.id;
    let _ = writeln!(out, "{}. {}", id.number(), words::title(id, lang));
    let _ = writeln!(out, "{}", words::intro(id, lang));
    let _ = writeln!(out, "    {}", run_command(&lesson.setup));
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", words::question(lesson.asked, lang));
    let scenario = words::scenario_of(lesson);
    for (i, &choice) in lesson.choices.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {}) {}",
            i + 1,
            words::choice(choice, scenario, lang)
        );
    }
    match guess {
        None => {
            let hint = match (lesson.is_estimate(), lang) {
                (true, Lang::Zh) => "先别运行：用 --answer 给出你的估计",
                (true, Lang::En) => "Before you run it: give your estimate with --answer",
                (false, Lang::Zh) => "先别运行：用 --answer 给出你选的编号",
                (false, Lang::En) => {
                    "Before you run it: give the number of your choice with --answer"
                }
            };
            let _ = writeln!(out, "{hint} (--seed {})", lesson.seed);
        }
        Some(guess) => {
            let verdict = lesson.check(guess);
            let _ = writeln!(out, "{}", words::verdict(lesson, verdict, lang));
            let _ = writeln!(out, "{}", words::why(id, lang));
        }
    }
    out
}

/// The `canteen run` command that plays the lesson's setting.
fn run_command(setup: &Setup) -> String {
    match setup {
        Setup::Peak(config) => format!(
            "canteen run peak-shaving --preset flash-sale --seed {}",
            config.seed
        ),
        Setup::Run(config) => {
            let mut line = format!(
                "canteen run {} --seed {}",
                config.scenario.name(),
                config.seed
            );
            for (option, value) in options(config) {
                let _ = write!(line, " --{option} {value}");
            }
            line
        }
    }
}

/// The options of `config` that differ from its scenario's defaults.
fn options(config: &Config) -> Vec<(&'static str, String)> {
    // Each option's text for a config: the lesson's and the defaults'.
    let texts = |c: &Config| {
        [
            ("producers", c.producers.to_string()),
            ("consumers", c.consumers.to_string()),
            ("items", c.items.to_string()),
            ("capacity", c.capacity.to_string()),
            ("produce-delay", c.produce_delay.to_string()),
            ("consume-delay", c.consume_delay.to_string()),
            ("strategy", c.termination.strategy.name().to_string()),
        ]
    };
    let defaults = texts(&Config::defaults(config.scenario, config.seed));
    let mut options: Vec<_> = texts(config)
        .into_iter()
        .zip(defaults)
        .filter(|(given, default)| given != default)
        .map(|(given, _)| given)
        .collect();
    let lab = &config.termination;
    if let Some(kill) = lab.kill {
        options.push(("kill-consumer", kill.consumer.to_string()));
        match kill.when {
            KillWhen::At(at) => options.push(("kill-at", DurationText(at).to_string())),
            KillWhen::Chance(p) => options.push(("kill-chance", p.to_string())),
        }
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{parse, Command};
    use strum::VariantArray;

    /// The command each lesson prints plays the lesson's own setting.
    #[test]
    fn each_lesson_prints_the_run_that_repeats_it() {
        for &id in LessonId::VARIANTS {
            let lesson = Lesson::new(id, 7);
            let line = run_command(&lesson.setup);
            let args = line.split(' ').skip(1).map(Into::into).collect();
            let Ok(Command::Run(request)) = parse(args, Lang::En) else {
                panic!("{line}")
            };
            match (request, &lesson.setup) {
                (crate::cli::Request::Playground(run), Setup::Run(config)) => {
                    assert_eq!(&run.config, config, "{line}")
                }
                (crate::cli::Request::PeakShaving(peak), Setup::Peak(config)) => {
                    assert_eq!(&peak.config, config, "{line}")
                }
                _ => panic!("{line}"),
            }
        }
    }
}
