//! `canteen run` for the playground's scenarios (plain, hotdog, custom and
//! the termination lab): runs one flat out and prints the seed-style log
//! and a summary, or one JSON object, or `--compare`'s table. Events are
//! written as they happen, `--events` included, so memory stays flat
//! however long the run.

use std::cell::RefCell;
use std::io::{self, BufWriter, StdoutLock, Write};
use std::rc::Rc;

use crate::i18n::cli::{self as words, Broken};
use crate::i18n::{self, Clock, StuckActor};
use crate::lang::Lang;
use crate::run::{Report, Run};
use crate::scenario::{Config, ScenarioKind};
use crate::termination::report::{compare, Lab};
use crate::theory;
use crate::trace::{nanos_to_ms, Event, ItemId, Nanos, Role};

/// What `canteen run SCENARIO` was asked to do.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub config: Config,
    pub json: bool,
    /// `--events`: with `--json`, every event.
    pub events: bool,
    pub lang: Lang,
    /// `--compare`: every termination strategy for these settings.
    pub compare: bool,
}

/// Standard output, written until a write fails (a closed pipe, e.g.
/// `| head`, is not an error worth a panic, nor worth writing on).
struct Out {
    writer: BufWriter<StdoutLock<'static>>,
    failed: bool,
}

impl Out {
    fn new() -> Out {
        Out {
            writer: BufWriter::new(io::stdout().lock()),
            failed: false,
        }
    }

    fn write(&mut self, write: impl FnOnce(&mut BufWriter<StdoutLock<'static>>) -> io::Result<()>) {
        if !self.failed {
            self.failed = write(&mut self.writer).is_err();
        }
    }

    /// Whether everything was written.
    fn finish(&mut self) -> bool {
        self.write(|w| w.flush());
        !self.failed
    }
}

/// Runs the request and prints it; returns the exit code (1: the books do
/// not balance).
pub fn run(request: Request) -> i32 {
    let Request {
        config,
        json,
        events,
        lang,
        compare: comparing,
    } = request;
    if comparing {
        return print_comparison(&config, json, lang);
    }
    let roles = config.roles();
    let scenario = config.scenario;
    let out = Rc::new(RefCell::new(Out::new()));
    // With --json --events the object opens with its events, each written
    // as it happens; the rest of the object follows the run.
    let stream = json && events;
    if stream {
        out.borrow_mut().write(|w| w.write_all(b"{\"events\":["));
    }
    let sink = {
        let out = Rc::clone(&out);
        let mut first = true;
        let mut rows = EventJson::new(scenario, &roles, lang);
        move |event: &Event| {
            if stream {
                let comma = !std::mem::take(&mut first);
                out.borrow_mut().write(|w| {
                    if comma {
                        w.write_all(b",")?;
                    }
                    rows.write(w, event)
                });
            } else if !json {
                let actor = i18n::actor_name(scenario, roles[event.actor.0 as usize], lang);
                let line = i18n::log_line(scenario, event, &roles, lang);
                let time = Clock(event.time).to_string();
                out.borrow_mut()
                    .write(|w| writeln!(w, "[{time:>9}] {actor}: {line}"));
            }
        }
    };
    // A JSON summary alone hands no event out: nobody watches the run's
    // events, so a long run pays nothing for them.
    let mut runner = if json && !stream {
        Runner::unobserved(config)
    } else {
        Runner::start(config, sink)
    };
    let outcome = runner.run_mut().run_to_end();
    let run = runner.run();
    let report = i18n::run_report(run, lang);
    let lab_report = match &runner {
        Runner::Lab(lab) => Some(i18n::termination::report(lab, lang)),
        Runner::Plain(_) => None,
    };
    let mut out = out.borrow_mut();
    if json {
        let value = match &lab_report {
            Some(lab) => serde_json::to_value(lab),
            None => serde_json::to_value(&report),
        };
        let theory = theory::for_config(run.config()).map(|queue| queue.report());
        out.write(|w| {
            let mut value = value.map_err(io::Error::other)?;
            if let Some(theory) = theory {
                // The M/M/c prediction beside the measured `stats`.
                value["theory"] = serde_json::to_value(theory).map_err(io::Error::other)?;
            }
            write_json_rest(w, &value, stream)
        });
    } else {
        out.write(|w| {
            write_summary(w, &report, lang)?;
            lab_report
                .iter()
                .flat_map(|r| i18n::termination::summary_lines(r, lang))
                .try_for_each(|line| writeln!(w, "{line}"))
        });
    }
    if !out.finish() {
        return 0; // stdout closed early: nothing left to tell.
    }
    if !report.conserved {
        eprintln!("canteen: {}", words::broken(&Broken::Conservation, lang));
        return 1;
    }
    if lab_report.is_some_and(|r| !r.accounted) {
        eprintln!("canteen: {}", words::broken(&Broken::Books, lang));
        return 1;
    }
    debug_assert!(outcome.is_over());
    0
}

/// Writes events in JSON exactly as [`crate::export::EventRow`]
/// serializes, but faster: each actor's name is worded and escaped once,
/// each item's name once while its events follow each other (a small
/// cache), each time once for the events at that time.
struct EventJson {
    scenario: ScenarioKind,
    lang: Lang,
    /// Each actor's name as a JSON string, by actor id.
    actors: Vec<String>,
    /// Item names as JSON strings, by a hash of the item.
    items: Vec<Option<(ItemId, String)>>,
    /// The latest time, and its JSON.
    time: Option<Nanos>,
    time_json: Vec<u8>,
}

/// `value` as JSON text.
fn to_json(value: &impl serde::Serialize) -> io::Result<String> {
    serde_json::to_string(value).map_err(io::Error::other)
}

/// Places in [`EventJson`]'s cache of item names.
const ITEM_CACHE: usize = 4096;

impl EventJson {
    fn new(scenario: ScenarioKind, roles: &[Role], lang: Lang) -> EventJson {
        let json = |text: String| to_json(&text).unwrap_or_default();
        EventJson {
            scenario,
            lang,
            actors: roles
                .iter()
                .map(|&role| json(i18n::actor_name(scenario, role, lang)))
                .collect(),
            items: vec![None; ITEM_CACHE],
            time: None,
            time_json: Vec::new(),
        }
    }

    fn write(&mut self, out: &mut impl Write, event: &Event) -> io::Result<()> {
        if self.time != Some(event.time) {
            self.time = Some(event.time);
            self.time_json.clear();
            serde_json::to_writer(&mut self.time_json, &nanos_to_ms(event.time))
                .map_err(io::Error::other)?;
        }
        let actor = self
            .actors
            .get(event.actor.0 as usize)
            .map_or("\"\"", String::as_str);
        out.write_all(b"{\"t_ms\":")?;
        out.write_all(&self.time_json)?;
        out.write_all(b",\"actor\":")?;
        out.write_all(actor.as_bytes())?;
        out.write_all(b",\"kind\":")?;
        serde_json::to_writer(&mut *out, event.kind.name()).map_err(io::Error::other)?;
        out.write_all(b",\"item\":")?;
        let Some(item) = event.item else {
            return out.write_all(b"null}");
        };
        let slot = (item.seq as usize ^ (item.origin as usize).wrapping_mul(7919)) % ITEM_CACHE;
        let cached = &mut self.items[slot];
        if cached.as_ref().is_none_or(|(id, _)| *id != item) {
            let name = i18n::item_name(self.scenario, item, self.lang);
            *cached = Some((item, to_json(&name)?));
        }
        let name = cached.as_ref().map_or("null", |(_, text)| text);
        out.write_all(name.as_bytes())?;
        out.write_all(b"}")
    }
}

/// Writes the report `value` (an object) as one JSON object and a line end;
/// when `streamed`, as the rest of the object whose `"events":[…` was
/// written during the run.
fn write_json_rest(
    out: &mut impl Write,
    value: &serde_json::Value,
    streamed: bool,
) -> io::Result<()> {
    if !streamed {
        serde_json::to_writer(&mut *out, value).map_err(io::Error::other)?;
        return writeln!(out);
    }
    out.write_all(b"]")?;
    for (key, field) in value.as_object().into_iter().flatten() {
        out.write_all(b",")?;
        serde_json::to_writer(&mut *out, key).map_err(io::Error::other)?;
        out.write_all(b":")?;
        serde_json::to_writer(&mut *out, field).map_err(io::Error::other)?;
    }
    writeln!(out, "}}")
}

/// A run, with the termination lab's books or without.
enum Runner {
    Plain(Run<Config>),
    Lab(Lab),
}

impl Runner {
    /// Sets up a run of `config` whose events go to `sink` too. Only the
    /// termination lab keeps its per-item books.
    fn start(config: Config, sink: impl FnMut(&Event) + 'static) -> Runner {
        if config.scenario == ScenarioKind::Termination {
            Runner::Lab(Lab::new(config, sink))
        } else {
            Runner::Plain(Run::new(config, sink))
        }
    }

    /// Sets up a run of `config` whose events nobody else watches.
    fn unobserved(config: Config) -> Runner {
        if config.scenario == ScenarioKind::Termination {
            Runner::Lab(Lab::new(config, |_: &Event| {}))
        } else {
            Runner::Plain(Run::unobserved(config))
        }
    }

    fn run(&self) -> &Run<Config> {
        match self {
            Runner::Plain(run) => run,
            Runner::Lab(lab) => lab.run(),
        }
    }

    fn run_mut(&mut self) -> &mut Run<Config> {
        match self {
            Runner::Plain(run) => run,
            Runner::Lab(lab) => lab.run_mut(),
        }
    }
}

/// `--compare`: runs every strategy and prints the table (or JSON).
fn print_comparison(config: &Config, json: bool, lang: Lang) -> i32 {
    let rows = compare(config);
    let text = if json {
        serde_json::json!({
            "scenario": config.scenario.name(),
            "seed": config.seed,
            "comparison": rows,
        })
        .to_string()
    } else {
        i18n::termination::comparison_table(&rows, lang)
    };
    // A closed pipe is not an error worth a panic.
    let _ = writeln!(io::stdout().lock(), "{text}");
    0
}

fn write_summary(out: &mut impl Write, r: &Report<StuckActor>, lang: Lang) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{}", words::summary(r, lang))?;
    for stuck in &r.stuck {
        writeln!(out, "{}", stuck.explanation)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rest(value: serde_json::Value, streamed: bool) -> String {
        let mut out = Vec::new();
        write_json_rest(&mut out, &value, streamed).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn events_are_written_as_their_rows_serialize() {
        use crate::export::Names;
        for (scenario, lang) in [
            (ScenarioKind::Hotdog, Lang::Zh),
            (ScenarioKind::Custom, Lang::En),
            (ScenarioKind::Termination, Lang::En),
        ] {
            let mut config = Config::defaults(scenario, 42);
            config.items = 1500; // more items than the cache has places
            config.producers = 3;
            config.consumers = 2;
            let roles = config.roles();
            let events: Rc<RefCell<Vec<Event>>> = Rc::default();
            let kept = Rc::clone(&events);
            let mut run = Run::new(config, move |e: &Event| kept.borrow_mut().push(*e));
            run.run_to_end();
            let names = Names {
                scenario,
                roles: &roles,
                lang,
            };
            let mut rows = EventJson::new(scenario, &roles, lang);
            let events = events.borrow();
            assert!(events.len() > 4500 * 3, "{}", events.len());
            for event in events.iter() {
                let mut written = Vec::new();
                rows.write(&mut written, event).unwrap();
                let expected = serde_json::to_string(&names.row(event)).unwrap();
                assert_eq!(String::from_utf8(written).unwrap(), expected);
            }
        }
    }

    #[test]
    fn the_rest_of_a_streamed_object_closes_it() {
        let value = serde_json::json!({"seed": 4, "a\"b": [1]});
        assert_eq!(rest(value.clone(), false), "{\"a\\\"b\":[1],\"seed\":4}\n");
        let whole = format!("{{\"events\":[{{\"t\":1}}{}", rest(value, true));
        assert_eq!(
            whole,
            "{\"events\":[{\"t\":1}],\"a\\\"b\":[1],\"seed\":4}\n"
        );
        let parsed: serde_json::Value = serde_json::from_str(&whole).unwrap();
        assert_eq!(parsed["seed"], 4);
        assert_eq!(rest(serde_json::json!({}), true), "]}\n");
    }
}
