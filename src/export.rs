//! Downloads of a run: its events as CSV (`t_ms,actor,kind,item`), its
//! summary as CSV (`field,value`), and both as one JSON object — the
//! [`Report`]'s fields plus `"events": [{t_ms, actor, kind, item}, …]`, the
//! shape of `canteen run --json --events`. Actor and item names come from
//! [`crate::i18n`], in the language asked for.
//!
//! The page writes the JSON and the summary by hand ([`json`]), byte for
//! byte as `serde_json` writes the same fields (tests hold them together):
//! a JSON library was 8.6 KB of the page's gzipped wasm.

mod json;

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::i18n::StuckActor;
use crate::i18n::{actor_name, item_name};
use crate::lang::Lang;
use crate::number::{exact_decimal, JsonFloat};
use crate::playground::session::{replay, Download, File, Position};
use crate::run::{Outcome, Report};
use crate::scenario::{Config, ScenarioKind};
use crate::trace::{nanos_to_ms, Event, Role};
use json::Json;

/// The file `what` of the run of `config` brought to `at`, in `lang`: a
/// fresh run replays every event up to there (the page keeps only the
/// newest). Made in the page's worker, or on the page when its engine is.
pub fn file(config: &Config, at: Position, what: Download, lang: Lang) -> File {
    let (run, events) = replay(config, at);
    let report = crate::i18n::run_report(&run, lang);
    let names = Names {
        scenario: config.scenario,
        roles: run.roles(),
        lang,
    };
    let (suffix, text) = match what {
        Download::EventsCsv => ("-events.csv", events_csv(&events, names)),
        Download::SummaryCsv => ("-summary.csv", report_csv(&report)),
        Download::Json => (".json", run_json(&report, Some(&events), names)),
    };
    File {
        what,
        name: file_name(&report, suffix),
        text,
    }
}

/// How the names in an export are written: the scenario (it picks the
/// names), the run's actor table and the language.
#[derive(Clone, Copy)]
pub struct Names<'a> {
    pub scenario: ScenarioKind,
    /// The run's actor table (`Run::roles`), index = actor id.
    pub roles: &'a [Role],
    pub lang: Lang,
}

/// One exported event.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct EventRow {
    /// Virtual time in milliseconds.
    pub t_ms: f64,
    /// The actor's name (`上海分店`, `consumer 1`).
    pub actor: String,
    /// The event kind's stable name (`produce`, `put`, `get_blocked`…).
    pub kind: &'static str,
    /// The item's name, if the event has one.
    pub item: Option<String>,
}

impl Names<'_> {
    /// The exported form of `event`.
    pub fn row(&self, event: &Event) -> EventRow {
        EventRow {
            t_ms: nanos_to_ms(event.time),
            actor: self
                .roles
                .get(event.actor.0 as usize)
                .map(|&role| actor_name(self.scenario, role, self.lang))
                .unwrap_or_default(),
            kind: event.kind.name(),
            item: event
                .item
                .map(|item| item_name(self.scenario, item, self.lang)),
        }
    }
}

/// Line end of the CSV files (RFC 4180).
const CRLF: &str = "\r\n";

/// One CSV field, quoted when it holds a comma, a quote or a line break
/// (RFC 4180: quotes inside are doubled).
pub fn csv_field(text: &str) -> Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

/// The events as CSV: a header `t_ms,actor,kind,item`, then one row per
/// event (an event without an item has an empty last field).
pub fn events_csv(events: &[Event], names: Names<'_>) -> String {
    let mut out = String::with_capacity(32 * (events.len() + 1));
    out.push_str("t_ms,actor,kind,item");
    out.push_str(CRLF);
    for event in events {
        let row = names.row(event);
        let item = row.item.as_deref().unwrap_or("");
        // Writing to a String cannot fail.
        let _ = write!(
            out,
            "{},{},{},{}{CRLF}",
            exact_decimal(event.time, 6),
            csv_field(&row.actor),
            csv_field(row.kind),
            csv_field(item)
        );
    }
    out
}

/// The outcome as the report's JSON names it.
fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Running => "running",
        Outcome::Completed => "completed",
        Outcome::Stuck => "stuck",
        Outcome::TimeLimit => "time_limit",
    }
}

/// The run as one compact JSON object: the [`Report`]'s fields in their
/// order, plus `"events"` (`[{t_ms, actor, kind, item}, …]`) when `events`
/// is given.
pub fn run_json(report: &Report<StuckActor>, events: Option<&[Event]>, names: Names<'_>) -> String {
    let mut json = Json::default();
    json.open('{');
    json.key("scenario");
    json.string(&report.scenario);
    json.key("seed");
    json.whole(report.seed);
    json.key("outcome");
    json.string(outcome_name(report.outcome));
    json.key("end_time_ms");
    json.float(report.end_time_ms);
    for (name, count) in [
        ("produced", report.produced),
        ("consumed", report.consumed),
        ("task_done", report.task_done),
        ("unfinished", report.unfinished),
        ("in_queue", report.in_queue),
        ("dropped", report.dropped),
        ("errors", report.errors),
    ] {
        json.key(name);
        json.whole(count);
    }
    json.key("stuck");
    json.open('[');
    for stuck in &report.stuck {
        json.item();
        json.open('{');
        for (name, text) in [
            ("actor", &stuck.actor),
            ("waiting_on", &stuck.waiting_on),
            ("explanation", &stuck.explanation),
        ] {
            json.key(name);
            json.string(text);
        }
        json.close('}');
    }
    json.close(']');
    json.key("conserved");
    json.boolean(report.conserved);
    let stats = &report.stats;
    json.key("stats");
    json.open('{');
    for (name, figure) in [
        ("throughput_per_s", stats.throughput_per_s),
        ("mean_wait_ms", stats.mean_wait_ms),
        ("p50_wait_ms", stats.p50_wait_ms),
        ("p95_wait_ms", stats.p95_wait_ms),
        ("p99_wait_ms", stats.p99_wait_ms),
        ("mean_queue_len", stats.mean_queue_len),
    ] {
        json.key(name);
        json.float(figure);
    }
    json.key("max_queue_len");
    json.whole(stats.max_queue_len);
    json.key("utilization");
    json.float(stats.utilization);
    json.close('}');
    if let Some(events) = events {
        json.key("events");
        json.open('[');
        for event in events {
            let row = names.row(event);
            json.item();
            json.open('{');
            json.key("t_ms");
            json.float(row.t_ms);
            json.key("actor");
            json.string(&row.actor);
            json.key("kind");
            json.string(row.kind);
            json.key("item");
            match &row.item {
                Some(item) => json.string(item),
                None => json.null(),
            }
            json.close('}');
        }
        json.close(']');
    }
    json.close('}');
    json.out
}

/// The summary as CSV: `field,value` rows, one per field of the [`Report`]
/// in alphabetical order; nested fields are joined with dots
/// (`stats.p95_wait_ms`, `stuck.0.actor`), and an empty `stuck` list has
/// one empty row. Numbers are written as in the JSON.
pub fn report_csv(report: &Report<StuckActor>) -> String {
    let mut out = String::from("field,value");
    out.push_str(CRLF);
    let mut row = |field: &str, value: &str| {
        let _ = write!(out, "{field},{}{CRLF}", csv_field(value));
    };
    let whole = |n: u64| n.to_string();
    let float = |x: f64| JsonFloat(x).to_string();
    let stats = &report.stats;
    row("conserved", if report.conserved { "true" } else { "false" });
    row("consumed", &whole(report.consumed));
    row("dropped", &whole(report.dropped));
    row("end_time_ms", &float(report.end_time_ms));
    row("errors", &whole(report.errors));
    row("in_queue", &whole(report.in_queue));
    row("outcome", outcome_name(report.outcome));
    row("produced", &whole(report.produced));
    row("scenario", &report.scenario);
    row("seed", &whole(report.seed));
    row("stats.max_queue_len", &whole(stats.max_queue_len));
    row("stats.mean_queue_len", &float(stats.mean_queue_len));
    row("stats.mean_wait_ms", &float(stats.mean_wait_ms));
    row("stats.p50_wait_ms", &float(stats.p50_wait_ms));
    row("stats.p95_wait_ms", &float(stats.p95_wait_ms));
    row("stats.p99_wait_ms", &float(stats.p99_wait_ms));
    row("stats.throughput_per_s", &float(stats.throughput_per_s));
    row("stats.utilization", &float(stats.utilization));
    if report.stuck.is_empty() {
        row("stuck", "");
    }
    for (i, stuck) in report.stuck.iter().enumerate() {
        row(&format!("stuck.{i}.actor"), &stuck.actor);
        row(&format!("stuck.{i}.explanation"), &stuck.explanation);
        row(&format!("stuck.{i}.waiting_on"), &stuck.waiting_on);
    }
    row("task_done", &whole(report.task_done));
    row("unfinished", &whole(report.unfinished));
    out
}

/// A download's file name: `canteen-hotdog-42` followed by `suffix`
/// (e.g. `.json`, `-events.csv`, `-summary.csv`).
pub fn file_name<S>(report: &Report<S>, suffix: &str) -> String {
    format!("canteen-{}-{}{suffix}", report.scenario, report.seed)
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use serde_json::{json, Value};

    use super::*;
    use crate::run::Run;
    use crate::scenario::Config;
    use crate::trace::testing::ev;
    use crate::trace::EventKind;
    use strum::VariantArray;

    /// Runs `scenario` to the end and keeps its events.
    fn run(scenario: ScenarioKind, lang: Lang) -> (Report<StuckActor>, Vec<Event>, Vec<Role>) {
        run_config(Config::defaults(scenario, 42), lang)
    }

    fn run_config(config: Config, lang: Lang) -> (Report<StuckActor>, Vec<Event>, Vec<Role>) {
        let kept: Rc<RefCell<Vec<Event>>> = Rc::default();
        let sink = {
            let kept = Rc::clone(&kept);
            move |e: &Event| kept.borrow_mut().push(*e)
        };
        let mut run = Run::new(config, sink);
        run.run_to_end();
        let report = crate::i18n::run_report(&run, lang);
        let roles = run.roles().to_vec();
        drop(run);
        let events = kept.take();
        (report, events, roles)
    }

    #[test]
    fn a_file_asked_of_the_worker_is_the_runs_own_file_and_travels_whole() {
        use crate::playground::session::{Command, Reply, Session};
        use crate::playground::wire::{command_bytes, read_command, read_reply, reply_bytes};
        for (scenario, lang) in [
            (ScenarioKind::Custom, Lang::En),
            (ScenarioKind::Plain, Lang::Zh),
        ] {
            let config = Config::defaults(scenario, 42);
            // At the end: the files of a run to the end.
            let (report, events, roles) = run_config(config.clone(), lang);
            let mut session = Session::new(config.clone());
            session.run_to_end();
            let names = Names {
                scenario,
                roles: &roles,
                lang,
            };
            let expected = [
                (events_csv(&events, names), "-events.csv"),
                (report_csv(&report), "-summary.csv"),
                (run_json(&report, Some(&events), names), ".json"),
            ];
            for (what, (text, suffix)) in Download::ALL.into_iter().zip(expected) {
                let command = Command::Export {
                    id: 9,
                    config: Rc::new(config.clone()),
                    to: session.position(),
                    what,
                    lang,
                };
                let Some(Command::Export {
                    config, to, what, ..
                }) = read_command(&command_bytes(&command))
                else {
                    panic!("an export command reads back");
                };
                let made = file(&config, to, what, lang);
                assert_eq!(made.text, text, "{what:?}");
                assert_eq!(made.name, file_name(&report, suffix));
                let reply = Reply::Export(9, Rc::new(made));
                assert_eq!(read_reply(&reply_bytes(&reply)), Some(reply));
            }
            // Midway, and stepped: every event up to the moment shown.
            session.seek(session.horizon() / 2);
            session.step();
            let made = file(&config, session.position(), Download::EventsCsv, lang);
            let (_, replayed) = session.replay();
            assert_eq!(replayed.len() as u64, session.moment().event_count);
            assert_eq!(made.text, events_csv(&replayed, names));
        }
    }

    /// Splits one CSV line into fields, undoing the quoting.
    fn parse_csv_line(line: &str) -> Vec<String> {
        let mut fields = vec![String::new()];
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', false) => quoted = true,
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    fields.last_mut().unwrap().push('"');
                }
                ('"', true) => quoted = false,
                (',', false) => fields.push(String::new()),
                (c, _) => fields.last_mut().unwrap().push(c),
            }
        }
        fields
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("上海分店"), "上海分店");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        for text in ["a,b", "say \"hi\", twice", "plain"] {
            assert_eq!(parse_csv_line(&csv_field(text)), vec![text.to_string()]);
        }
    }

    #[test]
    fn events_csv_has_a_row_per_event_with_the_page_names() {
        let (_, events, roles) = run(ScenarioKind::Hotdog, Lang::Zh);
        let names = Names {
            scenario: ScenarioKind::Hotdog,
            roles: &roles,
            lang: Lang::Zh,
        };
        let csv = events_csv(&events, names);
        assert!(csv.ends_with("\r\n"));
        let lines: Vec<&str> = csv.split_terminator("\r\n").collect();
        assert_eq!(lines[0], "t_ms,actor,kind,item");
        assert_eq!(lines.len(), events.len() + 1);
        for (line, event) in lines[1..].iter().zip(&events) {
            let fields = parse_csv_line(line);
            assert_eq!(fields.len(), 4, "{line}");
            assert_eq!(fields[0].parse::<f64>().unwrap(), nanos_to_ms(event.time));
            assert_eq!(fields[2], event.kind.name());
            assert_eq!(fields[3].is_empty(), event.item.is_none(), "{line}");
        }
        let first_made = lines
            .iter()
            .find(|l| l.contains(",produce,"))
            .map(|l| parse_csv_line(l))
            .unwrap();
        assert!(first_made[1].ends_with("分店"), "{first_made:?}");
        assert!(first_made[3].contains("分店的热狗"), "{first_made:?}");
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("0,主进程,task_join_start,")),
            "{csv}"
        );
    }

    #[test]
    fn an_unknown_actor_gets_an_empty_name_not_a_panic() {
        // Actor 7 is not in the table: an empty name, not a panic.
        let roles = [Role::Main];
        let names = Names {
            scenario: ScenarioKind::Custom,
            roles: &roles,
            lang: Lang::En,
        };
        let event = ev(1_500_000, 7, EventKind::Get, Some(2));
        let csv = events_csv(&[event], names);
        assert_eq!(
            csv,
            "t_ms,actor,kind,item\r\n1.5,,get,item 2 of producer 1\r\n"
        );
    }

    /// The CLI's `--json --events` object, built field by field.
    fn cli_shape(report: &Report<StuckActor>, events: &[Event], names: Names<'_>) -> Value {
        let mut value = serde_json::to_value(report).unwrap();
        let list: Vec<Value> = events
            .iter()
            .map(|e| {
                json!({
                    "t_ms": nanos_to_ms(e.time),
                    "actor": actor_name(names.scenario, names.roles[e.actor.0 as usize], names.lang),
                    "kind": e.kind.name(),
                    "item": e.item.map(|i| item_name(names.scenario, i, names.lang)),
                })
            })
            .collect();
        value["events"] = list.into();
        value
    }

    #[test]
    fn run_json_is_the_report_plus_the_events() {
        for lang in [Lang::Zh, Lang::En] {
            let (report, events, roles) = run(ScenarioKind::Hotdog, lang);
            let names = Names {
                scenario: ScenarioKind::Hotdog,
                roles: &roles,
                lang,
            };
            let text = run_json(&report, Some(&events), names);
            let parsed: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(parsed, cli_shape(&report, &events, names));
            assert_eq!(parsed["produced"], 10);
            assert_eq!(parsed["events"].as_array().unwrap().len(), events.len());

            let summary: Value = serde_json::from_str(&run_json(&report, None, names)).unwrap();
            assert_eq!(summary, serde_json::to_value(&report).unwrap());
            assert!(summary.get("events").is_none());

            let empty: Value = serde_json::from_str(&run_json(&report, Some(&[]), names)).unwrap();
            assert_eq!(empty["events"], json!([]));
        }
    }

    #[test]
    fn report_csv_lists_every_field_including_nested_ones() {
        let (report, _, _) = run(ScenarioKind::Plain, Lang::Zh);
        let csv = report_csv(&report);
        let rows: Vec<Vec<String>> = csv.split_terminator("\r\n").map(parse_csv_line).collect();
        assert_eq!(rows[0], ["field", "value"]);
        let get = |field: &str| {
            rows.iter()
                .find(|r| r[0] == field)
                .map(|r| r[1].clone())
                .unwrap_or_else(|| panic!("no {field} in\n{csv}"))
        };
        assert_eq!(get("scenario"), "plain");
        assert_eq!(get("seed"), "42");
        assert_eq!(get("outcome"), "stuck");
        assert_eq!(get("produced"), "4");
        assert_eq!(get("consumed"), "4");
        assert_eq!(get("conserved"), "true");
        assert_eq!(get("stuck.0.actor"), "消费者1");
        assert!(get("stuck.0.explanation").contains("不知道什么时候结束"));
        assert_eq!(
            get("stats.max_queue_len"),
            report.stats.max_queue_len.to_string()
        );
        // No field is listed twice.
        let fields: std::collections::BTreeSet<&String> = rows[1..].iter().map(|r| &r[0]).collect();
        assert_eq!(fields.len(), rows.len() - 1);

        let (done, _, _) = run(ScenarioKind::Hotdog, Lang::En);
        let csv = report_csv(&done);
        assert!(csv.contains("\r\nstuck,\r\n"), "{csv}");
    }

    /// What `serde_json` writes for the run: the report's fields
    /// (flattened, in their order), then the events.
    fn serde_run_json(report: &Report<StuckActor>, events: &[Event], names: Names<'_>) -> String {
        #[derive(serde::Serialize)]
        struct Document<'a> {
            #[serde(flatten)]
            report: &'a Report<StuckActor>,
            events: Vec<EventRow>,
        }
        let events = events.iter().map(|e| names.row(e)).collect();
        serde_json::to_string(&Document { report, events }).unwrap()
    }

    /// The summary through `serde_json`'s map of the report (keys in
    /// alphabetical order), flattened.
    fn serde_report_csv(report: &Report<StuckActor>) -> String {
        fn flatten(prefix: &str, value: &Value, rows: &mut Vec<(String, String)>) {
            let key = |name: &str| match prefix {
                "" => name.to_string(),
                _ => format!("{prefix}.{name}"),
            };
            match value {
                Value::Object(map) => {
                    for (name, inner) in map {
                        flatten(&key(name), inner, rows);
                    }
                }
                Value::Array(list) if list.is_empty() => {
                    rows.push((prefix.to_string(), String::new()))
                }
                Value::Array(list) => {
                    for (i, inner) in list.iter().enumerate() {
                        flatten(&key(&i.to_string()), inner, rows);
                    }
                }
                Value::String(text) => rows.push((prefix.to_string(), text.clone())),
                Value::Null => rows.push((prefix.to_string(), String::new())),
                other => rows.push((prefix.to_string(), other.to_string())),
            }
        }
        let mut rows = Vec::new();
        flatten("", &serde_json::to_value(report).unwrap(), &mut rows);
        let mut out = format!("field,value{CRLF}");
        for (field, value) in rows {
            out.push_str(&format!(
                "{},{}{CRLF}",
                csv_field(&field),
                csv_field(&value)
            ));
        }
        out
    }

    #[test]
    fn the_json_and_the_summary_are_serde_jsons_byte_for_byte() {
        // Twelve consumers of the plain queue all end stuck: `stuck.10`
        // comes after `stuck.9`, as in the list.
        let mut many = Config::defaults(ScenarioKind::Plain, 7);
        many.consumers = 12;
        let mut configs = vec![(many, Lang::En)];
        for lang in [Lang::Zh, Lang::En] {
            for &scenario in ScenarioKind::VARIANTS {
                configs.push((Config::defaults(scenario, 42), lang));
            }
        }
        let mut runs = Vec::new();
        for (config, lang) in configs {
            let scenario = config.scenario;
            let (report, events, roles) = run_config(config, lang);
            let names = Names {
                scenario,
                roles: &roles,
                lang,
            };
            assert_eq!(
                run_json(&report, Some(&events), names),
                serde_run_json(&report, &events, names)
            );
            assert_eq!(report_csv(&report), serde_report_csv(&report));
            runs.push(report);
        }
        assert!(report_csv(&runs[0]).contains("\r\nstuck.10.actor,"));
    }

    #[test]
    fn file_names_name_the_scenario_and_seed() {
        let (report, _, _) = run(ScenarioKind::Hotdog, Lang::En);
        assert_eq!(
            file_name(&report, "-events.csv"),
            "canteen-hotdog-42-events.csv"
        );
    }
}
