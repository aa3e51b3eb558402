//! `canteen run scraper --pages PATH...`: the scraper on local files
//! (native only), printing the seed-style log, a table of the pages and a
//! summary, or one JSON object.

use std::io::{self, BufWriter, Write};
use std::rc::Rc;

use rand::Rng;

use super::args::{self, Args};
use crate::i18n::cli::{self as cli_words, Accepted, Broken, Problem};
use crate::i18n::StuckActor;
use crate::i18n::{scraper as text, Clock};
use crate::lang::Lang;
use crate::scraper::engine::compile;
use crate::scraper::fetch::FileFetcher;
use crate::scraper::pattern::Engine;
use crate::scraper::report::ScraperReport;
use crate::scraper::scenario::{ScraperConfig, ScraperProgram, ScraperRun, Shape, SEED_PATTERN};

/// The usage lines `canteen help` shows for the scraper.
pub const USAGE: &str = "\
       canteen run scraper --pages PATH... [--fetchers N] [--counters N] [--capacity N]
                           [--regex R] [--shape plain|joinable] [--timeout D]
                           [--fetch-delay D] [--count-delay D] [--seed N] [--json] [--lang zh|en]";

/// The report in words.
type Report = ScraperReport<StuckActor, String>;

struct Request {
    config: ScraperConfig,
    json: bool,
    lang: Lang,
}

/// Runs `canteen run scraper OPTIONS`; returns the exit code (2: bad
/// options or pattern, 1: conservation violated). Every line it prints is
/// in `--lang`, or else in `lang`.
pub fn main(options: &[String], lang: Lang) -> i32 {
    let lang = args::lang(options, lang);
    match parse(options, lang) {
        Ok(request) => run(request),
        Err(problem) => {
            eprintln!("canteen: {}", cli_words::problem(&problem, lang));
            2
        }
    }
}

/// The settings and language `canteen run scraper OPTIONS` would run with,
/// its pattern checked, for `canteen python scraper` (which prints no
/// report, so `--json` is refused).
pub fn settings(options: &[String], lang: Lang) -> Result<(ScraperConfig, Lang), Problem> {
    let Request { config, json, lang } = parse(options, lang)?;
    if json {
        return Err(Problem::NotForPython("--json".to_string()));
    }
    compile(&config.pattern).map_err(Problem::Pattern)?;
    Ok((config, lang))
}

fn parse(options: &[String], lang: Lang) -> Result<Request, Problem> {
    let mut config = ScraperConfig::defaults(Vec::new(), rand::rng().next_u64());
    let (mut json, mut lang) = (false, lang);
    let mut args = Args::new(options);
    while let Some(option) = args.next_option() {
        match option {
            "--pages" => config.urls = args.values(option)?.into_iter().map(String::from).collect(),
            "--fetchers" => config.fetchers = args.number(option, Accepted::WholeNumber)?,
            "--counters" => config.counters = args.number(option, Accepted::WholeNumber)?,
            "--capacity" => config.capacity = args.number(option, Accepted::Capacity)?,
            "--regex" => config.pattern = args.value(option)?.to_string(),
            "--shape" => {
                config.shape = Shape::from_name(args.value(option)?)
                    .ok_or_else(|| Problem::Shape(option.to_string()))?
            }
            "--timeout" => config.timeout = args.duration(option)?,
            "--fetch-delay" => config.fetch_delay = args.delay(option)?,
            "--count-delay" => config.count_delay = args.delay(option)?,
            "--seed" => config.seed = args.number(option, Accepted::Seed)?,
            "--lang" => lang = args.lang(option)?,
            "--json" => json = true,
            other => return Err(Problem::UnknownOption(other.to_string())),
        }
    }
    if config.urls.is_empty() {
        return Err(Problem::NeedsPages);
    }
    config.validate().map_err(Problem::Scraper)?;
    Ok(Request { config, json, lang })
}

fn run(request: Request) -> i32 {
    let Request { config, json, lang } = request;
    let compiled = match compile(&config.pattern) {
        Ok(compiled) => compiled,
        Err(e) => {
            eprintln!(
                "canteen: {}",
                cli_words::problem(&Problem::Pattern(e), lang)
            );
            return 2;
        }
    };
    let notes: Vec<String> = compiled
        .notes
        .iter()
        .map(|note| text::note_text(note, Engine::Rust, lang))
        .collect();
    let mut run = ScraperRun::new(
        ScraperProgram::new(config, Rc::new(FileFetcher), compiled.matcher),
        |_| {},
    );
    run.run_to_end();
    let report = text::report(&run, lang);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written = if json {
        write_json(&mut out, &report, &notes)
    } else {
        write_text(&mut out, &run, &report, &notes, lang)
    };
    if written.and_then(|()| out.flush()).is_err() {
        return 0; // stdout closed early: nothing left to tell.
    }
    if !report.conserved {
        let line = cli_words::broken(&Broken::ScraperConservation, lang);
        eprintln!("canteen: {line}");
        return 1;
    }
    0
}

fn write_json(out: &mut impl Write, report: &Report, notes: &[String]) -> io::Result<()> {
    let mut value = serde_json::to_value(report).map_err(io::Error::other)?;
    value["notes"] = notes.into();
    serde_json::to_writer(&mut *out, &value).map_err(io::Error::other)?;
    writeln!(out)
}

fn write_text(
    out: &mut impl Write,
    run: &ScraperRun,
    report: &Report,
    notes: &[String],
    lang: Lang,
) -> io::Result<()> {
    for note in notes {
        writeln!(out, "{}", cli_words::note(note, lang))?;
    }
    let rows = run.rows();
    let seed_pattern = run.config().settings().pattern == SEED_PATTERN;
    for event in run.events().iter() {
        let role = run.roles()[event.actor.0 as usize];
        let actor = text::actor_name(role, lang);
        let line = text::log_line(event, run.roles(), &rows, seed_pattern, lang);
        writeln!(
            out,
            "[{:>9}] {actor}: {line}",
            Clock(event.time).to_string()
        )?;
    }
    writeln!(out)?;
    for (i, row) in report.rows.iter().enumerate() {
        let result = match (&row.fault_message, row.matches) {
            (Some(message), _) => message.clone(),
            (None, Some(count)) => text::matches_label(count, lang),
            (None, None) => text::state_label(row.state, lang).to_string(),
        };
        let bytes = row.bytes.map_or_else(|| "-".to_string(), |b| b.to_string());
        writeln!(out, "{:>3}  {}  {bytes} B  {result}", i + 1, row.url)?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "scenario scraper  shape {}  seed {}  outcome {}  end {:.3} ms",
        report.shape.name(),
        report.seed,
        format!("{:?}", report.outcome).to_lowercase(),
        report.end_time_ms
    )?;
    writeln!(
        out,
        "urls {}  fetched {}  failed {}  counted {}  task_done {}  unfinished {}  in_queue {}  matches {}",
        report.urls,
        report.fetched,
        report.failed,
        report.counted,
        report.task_done,
        report.unfinished,
        report.in_queue,
        report.matches
    )?;
    writeln!(out, "{}", text::speedup_sentence(&report.speedup, lang))?;
    for stuck in &report.stuck {
        writeln!(out, "{}", stuck.explanation)?;
    }
    Ok(())
}
