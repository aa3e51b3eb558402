//! Downloads of a run: its events as CSV (`t_ms,actor,kind,item`), its
//! summary as CSV (`field,value`), and both as one JSON object — the
//! [`Report`]'s fields plus `"events": [{t_ms, actor, kind, item}, …]`, the
//! shape of `canteen run --json --events`. Actor and item names come from
//! [`crate::i18n`], in the language asked for.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde::ser::{Serialize, Serializer};
use serde_json::Value;

use crate::i18n::StuckActor;
use crate::i18n::{actor_name, item_name};
use crate::lang::Lang;
use crate::number::exact_decimal;
use crate::run::Report;
use crate::scenario::ScenarioKind;
use crate::trace::{nanos_to_ms, Event, Role};

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

/// The events, serialized one row at a time (no list of rows is built).
struct EventList<'a> {
    events: &'a [Event],
    names: Names<'a>,
}

impl Serialize for EventList<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.events.iter().map(|e| self.names.row(e)))
    }
}

/// The report's fields, then the events if given.
#[derive(serde::Serialize)]
struct RunDocument<'a> {
    #[serde(flatten)]
    report: &'a Report<StuckActor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    events: Option<EventList<'a>>,
}

/// The run as one compact JSON object: the [`Report`]'s fields, plus
/// `"events"` (`[{t_ms, actor, kind, item}, …]`) when `events` is given.
pub fn run_json(report: &Report<StuckActor>, events: Option<&[Event]>, names: Names<'_>) -> String {
    let document = RunDocument {
        report,
        events: events.map(|events| EventList { events, names }),
    };
    // Serializing plain data (strings, finite numbers, maps with string
    // keys) into a String cannot fail.
    serde_json::to_string(&document).unwrap_or_default()
}

/// The summary as CSV: `field,value` rows, one per field of the [`Report`]
/// in alphabetical order; nested fields are joined with dots
/// (`stats.p95_wait_ms`, `stuck.0.actor`).
pub fn report_csv(report: &Report<StuckActor>) -> String {
    let mut rows = Vec::new();
    if let Ok(value) = serde_json::to_value(report) {
        flatten("", &value, &mut rows);
    }
    let mut out = String::from("field,value");
    out.push_str(CRLF);
    for (field, value) in rows {
        let _ = write!(out, "{},{}{CRLF}", csv_field(&field), csv_field(&value));
    }
    out
}

fn flatten(prefix: &str, value: &Value, rows: &mut Vec<(String, String)>) {
    let key = |name: &str| {
        if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        }
    };
    match value {
        Value::Object(map) => {
            for (name, inner) in map {
                flatten(&key(name), inner, rows);
            }
        }
        // An empty list (e.g. no stuck actor) still gets its row.
        Value::Array(list) if list.is_empty() => rows.push((prefix.to_string(), String::new())),
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

/// A download's file name: `canteen-hotdog-42` followed by `suffix`
/// (e.g. `.json`, `-events.csv`, `-summary.csv`).
pub fn file_name<S>(report: &Report<S>, suffix: &str) -> String {
    format!("canteen-{}-{}{suffix}", report.scenario, report.seed)
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use serde_json::json;

    use super::*;
    use crate::run::Run;
    use crate::scenario::Config;
    use crate::trace::testing::ev;
    use crate::trace::EventKind;

    /// Runs `scenario` to the end and keeps its events.
    fn run(scenario: ScenarioKind, lang: Lang) -> (Report<StuckActor>, Vec<Event>, Vec<Role>) {
        let kept: Rc<RefCell<Vec<Event>>> = Rc::default();
        let sink = {
            let kept = Rc::clone(&kept);
            move |e: &Event| kept.borrow_mut().push(*e)
        };
        let mut run = Run::new(Config::defaults(scenario, 42), sink);
        run.run_to_end();
        let report = crate::i18n::run_report(&run, lang);
        let roles = run.roles().to_vec();
        drop(run);
        let events = kept.take();
        (report, events, roles)
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

    #[test]
    fn file_names_name_the_scenario_and_seed() {
        let (report, _, _) = run(ScenarioKind::Hotdog, Lang::En);
        assert_eq!(
            file_name(&report, "-events.csv"),
            "canteen-hotdog-42-events.csv"
        );
    }
}
