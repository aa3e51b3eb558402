//! The command line, an edge above the words: [`parse`] reads any list of
//! arguments with clap ([`command`] is the grammar, [`values`] the typed
//! value parsers, [`errors`] turns clap's errors into typed problems) into
//! a [`Command`] or one problem; [`main`] carries the command out ([`run`]
//! for the playground's scenarios, [`peak`] and [`scraper`] for theirs,
//! [`lesson`] for the lessons).
//! Every problem is one line in the language asked for, exit status 2;
//! `--help` is clap's, in English. The binary is `src/bin/canteen.rs`.

pub mod command;
pub mod errors;
pub mod lesson;
pub mod live;
pub mod peak;
pub mod run;
pub mod scraper;
pub mod termination;
pub mod values;

use std::ffi::OsString;
use std::io::{self, Write};
use strum::VariantArray;

use clap::error::ErrorKind;
use clap::FromArgMatches;
use rand::Rng;

use self::command::{Canteen, LiveScenario, Scenario, Top};
use crate::i18n;
use crate::i18n::cli::{self as words, Problem};
use crate::lang::Lang;
use crate::python;
use crate::scenario::ScenarioKind;

/// What the command line asks for.
pub enum Command {
    /// `canteen scenarios`: the list, in this language.
    Scenarios(Lang),
    /// `--help`, `-h` or `help`: clap's text, to print as it is.
    Help(String),
    /// `canteen run SCENARIO`.
    Run(Request),
    /// `canteen python SCENARIO`: the program to print.
    Python(String),
    /// `canteen lesson`: the list, or a lesson's question and answer.
    Lesson(lesson::Request),
    /// `canteen live SCENARIO`: a run with real processes around Redis.
    Live(live::Request),
    /// `canteen live peak-shaving`: real HTTP requests, straight and through Redis.
    LivePeak(live::peak::Request),
    /// `canteen worker`: one process of a live run.
    Worker(live::worker::Request),
}

/// A scenario to run.
pub enum Request {
    /// plain, hotdog, custom, termination.
    Playground(run::Request),
    PeakShaving(peak::Request),
    Scraper(scraper::Request),
}

/// A command line refused: the problem, and the language to word it in.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    pub problem: Problem,
    pub lang: Lang,
}

/// Reads `args` (without the program's name): a command, or the one
/// problem to report. `lang` is the locale's language, for a command line
/// without a valid `--lang`. Any list of arguments, text or not, gives one
/// or the other.
pub fn parse(args: Vec<OsString>, lang: Lang) -> Result<Command, Refusal> {
    let lang = values::lang(&args, lang);
    let refuse = |problem| Refusal { problem, lang };
    let grammar = command::command();
    let name = std::iter::once(OsString::from("canteen"));
    let matches = match grammar
        .clone()
        .try_get_matches_from(name.chain(args.iter().cloned()))
    {
        Ok(matches) => matches,
        Err(error) => {
            return match error.kind() {
                ErrorKind::DisplayHelp => Ok(Command::Help(error.render().to_string())),
                _ => Err(refuse(errors::problem(&error, &args, &grammar))),
            }
        }
    };
    let canteen = Canteen::from_arg_matches(&matches)
        .map_err(|error| refuse(errors::problem(&error, &args, &grammar)))?;
    let seed = rand::rng().next_u64();
    let lang = canteen.lang.unwrap_or(lang);
    match canteen.command {
        Top::Scenarios => Ok(Command::Scenarios(lang)),
        Top::Run { scenario } => request(scenario, seed, lang).map(Command::Run),
        Top::Python { scenario } => program(scenario, seed, lang).map(Command::Python),
        Top::Lesson(options) => options.request(seed, lang).map(Command::Lesson),
        Top::Live { scenario } => live_request(scenario, seed, lang),
        Top::Worker(options) => Ok(Command::Worker(live::worker::Request {
            role: options.role,
            redis: options.redis,
            run: options.run,
            index: options.index,
            lang,
        })),
    }
    .map_err(refuse)
}

/// The run `scenario` and its options ask for.
fn request(scenario: Scenario, seed: u64, lang: Lang) -> Result<Request, Problem> {
    let (kind, options, lab) = match scenario {
        Scenario::Plain(options) => (ScenarioKind::Plain, options, None),
        Scenario::Hotdog(options) => (ScenarioKind::Hotdog, options, None),
        Scenario::Custom(options) => (ScenarioKind::Custom, options, None),
        Scenario::Termination(both) => (ScenarioKind::Termination, both.run, Some(both.lab)),
        Scenario::PeakShaving(options) => {
            return options.request(seed, lang).map(Request::PeakShaving)
        }
        Scenario::Scraper(options) => return options.request(seed, lang).map(Request::Scraper),
    };
    let mut config = options.config(kind, seed);
    if let Some(lab) = &lab {
        config.termination = lab.settings()?;
    }
    config.validate().map_err(Problem::Config)?;
    Ok(Request::Playground(run::Request {
        config,
        json: options.json,
        events: options.events,
        lang,
        compare: lab.is_some_and(|lab| lab.compare),
    }))
}

/// The run these options ask for, or the first one without a live
/// counterpart.
fn live_request(scenario: LiveScenario, seed: u64, lang: Lang) -> Result<Command, Problem> {
    let (kind, run, lab, live) = match scenario {
        LiveScenario::Plain(o) => (ScenarioKind::Plain, o.run, None, o.live),
        LiveScenario::Hotdog(o) => (ScenarioKind::Hotdog, o.run, None, o.live),
        LiveScenario::Custom(o) => (ScenarioKind::Custom, o.run, None, o.live),
        LiveScenario::Termination(o) => (ScenarioKind::Termination, o.run, Some(o.lab), o.live),
        LiveScenario::PeakShaving(options) => {
            let request = options.peak.request(seed, lang)?;
            if options.live.serve.is_some() {
                return Err(Problem::NotLive("--serve".to_string()));
            }
            if request.config.overload {
                return Err(Problem::NotLive("--overload".to_string()));
            }
            return Ok(Command::LivePeak(live::peak::Request {
                config: request.config,
                json: request.json,
                lang,
                redis: options.live.redis,
                time_scale: options.live.time_scale.unwrap_or(1.0),
            }));
        }
    };
    let mut config = run.config(kind, seed);
    if let Some(lab) = &lab {
        config.termination = lab.settings()?;
    }
    config.validate().map_err(Problem::Config)?;
    // --compare runs every strategy side by side: not one live run.
    if lab.as_ref().is_some_and(|l| l.compare) {
        return Err(Problem::NotLive("--compare".to_string()));
    }
    Ok(Command::Live(live::Request {
        config,
        json: run.json,
        events: run.events,
        lang,
        redis: live.redis,
        time_scale: live.time_scale.unwrap_or(1.0),
        serve: live.serve,
    }))
}

/// The Python program the page shows for the settings `scenario` and its
/// options ask for; a report's options are refused.
fn program(scenario: Scenario, seed: u64, lang: Lang) -> Result<String, Problem> {
    match request(scenario, seed, lang)? {
        Request::Playground(request) => {
            let refused = [
                (request.json, "--json"),
                (request.events, "--events"),
                (request.compare, "--compare"),
                (request.config.until.is_some(), "--until"),
            ];
            match refused.into_iter().find(|(given, _)| *given) {
                Some((_, option)) => Err(Problem::NotForPython(option.to_string())),
                None => Ok(python::python_code(&request.config, request.lang)),
            }
        }
        Request::Scraper(request) if request.json => {
            Err(Problem::NotForPython("--json".to_string()))
        }
        Request::Scraper(request) => {
            Ok(python::scraper::scraper_code(&request.config, request.lang))
        }
        Request::PeakShaving(_) => Err(Problem::NoProgram(crate::peak::NAME.to_string())),
    }
}

/// Carries out `canteen ARGS`; returns the exit status: 0, 2 for a command
/// line refused (one line on stderr), 1 for a run whose books do not
/// balance. `lang` is the locale's language.
pub fn main(args: Vec<OsString>, lang: Lang) -> i32 {
    let command = match parse(args, lang) {
        Ok(command) => command,
        Err(Refusal { problem, lang }) => {
            eprintln!("canteen: {}", words::problem(&problem, lang));
            return 2;
        }
    };
    match command {
        Command::Scenarios(lang) => {
            let listed = ScenarioKind::VARIANTS
                .iter()
                .map(|&kind| (kind.name(), i18n::scenario_summary(kind, lang)))
                .chain([
                    (crate::peak::NAME, i18n::peak::summary(lang)),
                    ("scraper", i18n::scraper::summary(lang)),
                ]);
            let text: String = listed
                .map(|(name, summary)| format!("{name:<13} {summary}\n"))
                .collect();
            print(&text)
        }
        Command::Help(text) => print(&text),
        Command::Python(code) => print(&code),
        Command::Lesson(request) => print(&lesson::text(&request)),
        Command::Live(request) => live::run(request),
        Command::LivePeak(request) => live::peak::run(&request),
        Command::Worker(request) => live::work(&request),
        Command::Run(Request::Playground(request)) => run::run(request),
        Command::Run(Request::PeakShaving(request)) => {
            let (text, broken) = peak::run(&request);
            print(&format!("{text}\n"));
            match broken {
                Some(broken) => {
                    eprintln!("canteen: {}", words::broken(&broken, request.lang));
                    1
                }
                None => 0,
            }
        }
        Command::Run(Request::Scraper(request)) => scraper::run(request),
    }
}

/// Prints `text` as it is; exit status 0 (a closed pipe is not an error
/// worth a panic).
fn print(text: &str) -> i32 {
    let _ = io::stdout().lock().write_all(text.as_bytes());
    0
}
