//! `canteen run scraper --pages PATH...`: the scraper on local files
//! (native only): its options, and printing the seed-style log, a table of
//! the pages and a summary, or one JSON object.

use std::io::{self, BufWriter, Write};
use std::rc::Rc;
use std::time::Duration;

use clap::Args;

use super::values::{self, whole};
use crate::delay::Delay;
use crate::i18n::cli::{self as cli_words, Accepted, Broken, Problem};
use crate::i18n::StuckActor;
use crate::i18n::{scraper as text, Clock};
use crate::lang::Lang;
use crate::scenario::MAX_CAPACITY;
use crate::scraper::engine::compile;
use crate::scraper::fetch::FileFetcher;
use crate::scraper::matcher::Compiled;
use crate::scraper::pattern::Engine;
use crate::scraper::report::ScraperReport;
use crate::scraper::scenario::{
    ScraperConfig, ScraperProgram, ScraperRun, Shape, MAX_WORKERS, SEED_PATTERN,
};

/// The report in words.
type Report = ScraperReport<StuckActor, String>;

/// `canteen run scraper`'s options.
#[derive(Debug, Args)]
pub struct Options {
    /// The pages: local files, read in this order
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub pages: Vec<String>,
    /// Fetchers, 1 to 100
    #[arg(long, value_name = "N", allow_hyphen_values = true,
          value_parser = whole::<u32>(Accepted::WholeNumber, 1, MAX_WORKERS.into()))]
    pub fetchers: Option<u32>,
    /// Counters, 1 to 100
    #[arg(long, value_name = "N", allow_hyphen_values = true,
          value_parser = whole::<u32>(Accepted::WholeNumber, 1, MAX_WORKERS.into()))]
    pub counters: Option<u32>,
    /// Places in the queue; 0 = unbounded
    #[arg(long, value_name = "N", allow_hyphen_values = true,
          value_parser = whole::<usize>(Accepted::Capacity, 0, MAX_CAPACITY as u64))]
    pub capacity: Option<usize>,
    /// The Python `re` pattern the counters count
    #[arg(long, value_name = "R", allow_hyphen_values = true)]
    pub regex: Option<String>,
    /// plain: a Queue, stuck at the end as in the seed; joinable: a
    /// JoinableQueue that completes
    #[arg(long, value_name = "plain|joinable", value_parser = values::shape,
          allow_hyphen_values = true)]
    pub shape: Option<Shape>,
    /// Each fetch gives up after this long
    #[arg(long, value_name = "D", value_parser = values::duration, allow_hyphen_values = true)]
    pub timeout: Option<Duration>,
    /// The sleep after each download
    #[arg(long, value_name = "D", value_parser = values::delay, allow_hyphen_values = true)]
    pub fetch_delay: Option<Delay>,
    /// The sleep before each count
    #[arg(long, value_name = "D", value_parser = values::delay, allow_hyphen_values = true)]
    pub count_delay: Option<Delay>,
    /// The run's seed [default: a random one, reported]
    #[arg(long, value_name = "N", value_parser = values::seed, allow_hyphen_values = true)]
    pub seed: Option<u64>,
    /// Print one JSON object instead of the log, the table and the summary
    #[arg(long)]
    pub json: bool,
}

/// What `canteen run scraper` (or `canteen python scraper`) was asked to
/// do, its pattern compiled.
pub struct Request {
    pub config: ScraperConfig,
    pub compiled: Compiled,
    pub json: bool,
    pub lang: Lang,
}

impl Options {
    /// The request, in `lang`, its settings and pattern checked; `seed`
    /// when `--seed` is not given.
    pub fn request(self, seed: u64, lang: Lang) -> Result<Request, Problem> {
        let mut config = ScraperConfig::defaults(self.pages, self.seed.unwrap_or(seed));
        if config.urls.is_empty() {
            return Err(Problem::NeedsPages);
        }
        config.fetchers = self.fetchers.unwrap_or(config.fetchers);
        config.counters = self.counters.unwrap_or(config.counters);
        config.capacity = self.capacity.unwrap_or(config.capacity);
        config.pattern = self.regex.unwrap_or(config.pattern);
        config.shape = self.shape.unwrap_or(config.shape);
        config.timeout = self.timeout.unwrap_or(config.timeout);
        config.fetch_delay = self.fetch_delay.unwrap_or(config.fetch_delay);
        config.count_delay = self.count_delay.unwrap_or(config.count_delay);
        config.validate().map_err(Problem::Scraper)?;
        let compiled = compile(&config.pattern).map_err(Problem::Pattern)?;
        Ok(Request {
            config,
            compiled,
            json: self.json,
            lang,
        })
    }
}

/// Runs the scraper and prints its report; returns the exit code (1:
/// conservation violated).
pub fn run(request: Request) -> i32 {
    let Request {
        config,
        compiled,
        json,
        lang,
    } = request;
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
    writeln!(out, "{}", cli_words::scraper_summary(report, lang))?;
    writeln!(out, "{}", text::speedup_sentence(&report.speedup, lang))?;
    for stuck in &report.stuck {
        writeln!(out, "{}", stuck.explanation)?;
    }
    Ok(())
}
