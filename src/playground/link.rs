//! The shareable link: scenario, settings, seed, speed and language in the
//! URL fragment (`s=hotdog&seed=42&p=2&c=1&n=5&cap=0&pd=uniform:0ms..1s&
//! cd=uniform:0ms..1s&speed=1&lang=zh`). Reading keeps what is valid: an
//! unknown or repeated key, or a bad value, is left out and reported by
//! name ([`read`]; [`parse`] is the strict reading), and keys left out take
//! the scenario's defaults, the seed that of the bare address. The
//! termination lab's settings travel in keys of their own (`st`, `forget`,
//! `extra`, `kill`, `ack`), peak shaving's (`pk-…`) and the scraper's
//! (`sc-…`) theirs, each written only where it differs from its default
//! ([`tabs_part`]). The text is only ever parsed, never shown as markup.

use crate::clock::{Playback, MAX_SPEED, MIN_SPEED};
use crate::delay::DurationText;
use crate::lang::Lang;
use crate::number::{parse_f64, Shortest};
use crate::scenario::ending::{Kill, KillWhen, DEFAULT_MAX_DELIVERIES};
use crate::scenario::{Config, ScenarioKind};

use crate::lessons::LessonId;
use crate::peak::Preset;
use crate::scraper::Shape;
use strum::VariantArray;

use super::form::{read_duration, read_in_range, DelayFields, Field, Form, Problem};
use super::peak::{PeakField, PeakForm};
use super::scraper::{ScraperField, ScraperForm};

/// What a link holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// A valid config.
    pub config: Config,
    pub lang: Option<Lang>,
    pub speed: Option<f64>,
    /// The part of the page it opens (`tab=`; the playground when left out).
    pub section: Section,
    /// The lesson it opens (`lesson=`, its place from 1), with the seed's.
    pub lesson: Option<LessonId>,
}

/// Peak shaving's settings in a link: the preset, and the form as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct PeakLink {
    pub preset: Preset,
    pub form: PeakForm,
}

/// The page's parts; one is shown at a time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "kebab-case")]
pub enum Section {
    /// The seed's producer–consumer cases and the termination lab.
    #[default]
    Playground,
    /// Peak shaving with a message queue.
    PeakShaving,
    /// The scraper: real fetches and a regex.
    Scraper,
    /// The lessons: predict, then run.
    Lessons,
}

/// A link's part naming the section shown: `&tab=peak-shaving` or
/// `&tab=scraper`; nothing for the playground.
pub fn section_part(section: Section) -> String {
    match section {
        Section::Playground => String::new(),
        other => format!("&tab={}", <&str>::from(other)),
    }
}

/// The fragment (without `#`) of a lesson for a seed:
/// `seed=42&lang=en&tab=lessons&lesson=3`.
pub fn lesson_fragment(lesson: LessonId, seed: u64, lang: Lang) -> String {
    format!(
        "seed={seed}&lang={}&tab=lessons&lesson={}",
        lang.code(),
        lesson.number()
    )
}

/// Why a fragment could not be read.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkError {
    /// A part that is not `key=value`, or bad percent-encoding.
    Malformed(String),
    UnknownKey(String),
    Repeated(String),
    UnknownScenario(String),
    UnknownLang(String),
    /// A `tab` that names no part of the page.
    UnknownTab(String),
    /// A speed that is not a number within `min..=max`.
    BadSpeed {
        text: String,
        min: f64,
        max: f64,
    },
    /// A setting with a problem, named by its key.
    Setting {
        key: &'static str,
        problem: Problem,
    },
    /// A setting of peak shaving or the scraper that cannot be used (its
    /// field would say why): its key and its text, shortened; the tab keeps
    /// its default there.
    Tab {
        key: &'static str,
        text: String,
    },
}

/// Peak shaving's text fields and their keys.
const PEAK_KEYS: [(&str, PeakField); 7] = [
    ("pk-seed", PeakField::Seed),
    ("pk-rate", PeakField::BaseRate),
    ("pk-bursts", PeakField::Bursts),
    ("pk-dur", PeakField::Duration),
    ("pk-workers", PeakField::Workers),
    ("pk-svc", PeakField::ServiceDelay),
    ("pk-cap", PeakField::Capacity),
];

/// The scraper's text fields and their keys.
const SCRAPER_KEYS: [(&str, ScraperField); 9] = [
    ("sc-urls", ScraperField::Urls),
    ("sc-re", ScraperField::Regex),
    ("sc-fetchers", ScraperField::Fetchers),
    ("sc-counters", ScraperField::Counters),
    ("sc-cap", ScraperField::Capacity),
    ("sc-timeout", ScraperField::Timeout),
    ("sc-fd", ScraperField::FetchDelay),
    ("sc-cd", ScraperField::CountDelay),
    ("sc-seed", ScraperField::Seed),
];

const SWITCH: [&str; 2] = ["0", "1"];

/// The playground's keys, then the termination lab's ([`lab_part`]), then
/// the tabs' ([`tabs_part`]).
const KEYS: [&str; 37] = [
    "s",
    "seed",
    "p",
    "c",
    "n",
    "cap",
    "pd",
    "cd",
    "speed",
    "lang",
    "st",
    "forget",
    "extra",
    "kill",
    "ack",
    "deliveries",
    "tab",
    "lesson",
    "pk-preset",
    "pk-seed",
    "pk-rate",
    "pk-bursts",
    "pk-dur",
    "pk-workers",
    "pk-svc",
    "pk-cap",
    "pk-over",
    "sc-shape",
    "sc-urls",
    "sc-re",
    "sc-fetchers",
    "sc-counters",
    "sc-cap",
    "sc-timeout",
    "sc-fd",
    "sc-cd",
    "sc-seed",
];

/// The key of a settings field.
pub fn key_of(field: Field) -> &'static str {
    match field {
        Field::Seed => "seed",
        Field::Producers => "p",
        Field::Consumers => "c",
        Field::Items => "n",
        Field::Capacity => "cap",
        Field::ProduceDelay => "pd",
        Field::ConsumeDelay => "cd",
    }
}

/// Writes the fragment (without `#`) for a config, speed and language.
pub fn to_fragment(config: &Config, speed: f64, lang: Lang) -> String {
    format!(
        "s={}&seed={}&p={}&c={}&n={}&cap={}&pd={}&cd={}&speed={}&lang={}{}",
        config.scenario.name(),
        config.seed,
        config.producers,
        config.consumers,
        config.items,
        config.capacity,
        config.produce_delay,
        config.consume_delay,
        Shortest(speed),
        lang.code(),
        lab_part(config)
    )
}

/// The seed of a link that names none: the same as the bare address's.
pub const DEFAULT_SEED: u64 = 42;

/// Most characters of a link's text quoted back in a notice.
const QUOTED_CHARS: usize = 40;

/// Reads a fragment (with or without its `#`) strictly: the first problem
/// is an error; `Ok(None)` when it is empty.
pub fn parse(fragment: &str) -> Result<Option<Link>, LinkError> {
    match read(fragment) {
        (link, ignored) if ignored.is_empty() => Ok(link),
        (_, mut ignored) => Err(ignored.swap_remove(0)),
    }
}

/// Reads a fragment (with or without its `#`), keeping what is valid: each
/// part that cannot be read (not `key=value`, an unknown or repeated key,
/// a bad value) is left out and reported, and the rest of the link opens.
/// `None` when nothing in it can be used.
pub fn read(fragment: &str) -> (Option<Link>, Vec<LinkError>) {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let mut ignored = Vec::new();
    let mut values: [Option<String>; KEYS.len()] = std::array::from_fn(|_| None);
    for part in fragment.split('&').filter(|p| !p.trim().is_empty()) {
        match key_value(part) {
            Ok((slot, value)) if values[slot].is_none() => values[slot] = Some(value),
            Ok((slot, _)) => ignored.push(LinkError::Repeated(KEYS[slot].to_string())),
            Err(error) => ignored.push(error),
        }
    }
    // A bad value leaves its key out; the others are read again without it.
    while values.iter().any(Option::is_some) {
        match build(&values) {
            Ok(link) => return (Some(link), ignored),
            Err(error) => {
                let key = error.key();
                match KEYS.iter().position(|k| *k == key) {
                    Some(slot) if values[slot].is_some() => values[slot] = None,
                    _ => values = std::array::from_fn(|_| None),
                }
                ignored.push(error);
            }
        }
    }
    (None, ignored)
}

/// One `key=value` part: its key's place in [`KEYS`] and its value.
fn key_value(part: &str) -> Result<(usize, String), LinkError> {
    let malformed = || LinkError::Malformed(quoted(part));
    let (key, value) = part.split_once('=').ok_or_else(malformed)?;
    let key = percent_decode(key).ok_or_else(malformed)?;
    let value = percent_decode(value).ok_or_else(malformed)?;
    let slot = KEYS
        .iter()
        .position(|k| *k == key)
        .ok_or_else(|| LinkError::UnknownKey(quoted(&key)))?;
    Ok((slot, value))
}

/// `text`, or its first [`QUOTED_CHARS`] characters and `…`: a notice
/// quotes a link's text without growing with it.
fn quoted(text: &str) -> String {
    shortened(text, QUOTED_CHARS)
}

/// `text`, or its first `max` characters and `…`.
pub fn shortened(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

impl LinkError {
    /// The key whose value is at fault (`s` for the scenario).
    fn key(&self) -> &str {
        match self {
            LinkError::UnknownScenario(_) => "s",
            LinkError::UnknownLang(_) => "lang",
            LinkError::UnknownTab(_) => "tab",
            LinkError::BadSpeed { .. } => "speed",
            LinkError::Setting { key, .. } | LinkError::Tab { key, .. } => key,
            LinkError::Malformed(_) | LinkError::UnknownKey(_) | LinkError::Repeated(_) => "",
        }
    }
}

/// The link the values of [`KEYS`] make; keys left out take the scenario's
/// defaults (the seed [`DEFAULT_SEED`]).
fn build(values: &[Option<String>; KEYS.len()]) -> Result<Link, LinkError> {
    let value = |key: &str| {
        KEYS.iter()
            .position(|k| *k == key)
            .and_then(|i| values[i].clone())
    };

    let scenario = match value("s") {
        Some(name) => name
            .parse::<ScenarioKind>()
            .map_err(|_| LinkError::UnknownScenario(quoted(&name)))?,
        None => ScenarioKind::Hotdog,
    };
    let lang = value("lang")
        .map(|code| {
            code.parse()
                .map_err(|_| LinkError::UnknownLang(quoted(&code)))
        })
        .transpose()?;
    let speed = value("speed")
        .map(|text| {
            let bad = |min, max| LinkError::BadSpeed {
                text: quoted(&text),
                min,
                max,
            };
            match parse_f64(text.trim()) {
                Some(speed) => Playback::new(speed)
                    .map(|_| speed)
                    .map_err(|range| bad(range.min, range.max)),
                None => Err(bad(MIN_SPEED, MAX_SPEED)),
            }
        })
        .transpose()?;

    let mut form = Form::from_config(&Config::defaults(scenario, DEFAULT_SEED));
    for (field, target) in [
        (Field::Seed, &mut form.seed),
        (Field::Producers, &mut form.producers),
        (Field::Consumers, &mut form.consumers),
        (Field::Items, &mut form.items),
        (Field::Capacity, &mut form.capacity),
    ] {
        if let Some(text) = value(key_of(field)) {
            *target = text;
        }
    }
    for (field, target) in [
        (Field::ProduceDelay, &mut form.produce),
        (Field::ConsumeDelay, &mut form.consume),
    ] {
        if let Some(text) = value(key_of(field)) {
            *target = DelayFields::from_text(&text).map_err(|problem| LinkError::Setting {
                key: key_of(field),
                problem,
            })?;
        }
    }
    let config = form.read().map_err(|errors| {
        // `read` reports at least one error when it fails.
        let first = errors.into_iter().next();
        let (field, problem) =
            first.map_or((Field::Seed, Problem::Empty), |e| (e.field, e.problem));
        LinkError::Setting {
            key: key_of(field),
            problem,
        }
    })?;
    let config =
        read_lab(config, value).map_err(|(key, problem)| LinkError::Setting { key, problem })?;
    let section = match value("tab") {
        Some(name) => name
            .parse()
            .map_err(|_| LinkError::UnknownTab(quoted(&name)))?,
        None => Section::Playground,
    };
    let lesson = value("lesson")
        .map(|text| {
            let number = read_in_range(&text, 1, LessonId::VARIANTS.len() as u64);
            number
                .map(|n| LessonId::nth(n as usize).unwrap_or(LessonId::NoQueue))
                .map_err(|problem| LinkError::Setting {
                    key: "lesson",
                    problem,
                })
        })
        .transpose()?;
    Ok(Link {
        config,
        lang,
        speed,
        section,
        lesson,
    })
}

/// The tabs' settings in a fragment (with or without its `#`; see
/// [`tabs_part`]): peak shaving's and the scraper's, each when the link has
/// any, and those that could not be used. Apart from [`read`], which the
/// engine's worker uses too: the worker needs none of this. Parts that are
/// not `key=value` or repeat a key are [`read`]'s to name.
pub fn read_tabs(fragment: &str) -> (Option<PeakLink>, Option<ScraperForm>, Vec<LinkError>) {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let mut values: Vec<(usize, String)> = Vec::new();
    for part in fragment.split('&') {
        if let Ok((slot, value)) = key_value(part) {
            if values.iter().all(|(s, _)| *s != slot) {
                values.push((slot, value));
            }
        }
    }
    let value = |key: &str| {
        values
            .iter()
            .find(|(slot, _)| KEYS[*slot] == key)
            .map(|(_, text)| text.clone())
    };
    let mut ignored = Vec::new();
    let peak = read_peak(&value, &mut ignored);
    let scraper = read_scraper(&value, &mut ignored);
    (peak, scraper, ignored)
}

/// The tabs' part of a link: peak shaving's preset and fields and the
/// scraper's fields, each where it differs from its default (so a link to
/// untouched tabs has none), percent-encoded.
pub fn tabs_part(peak: Option<(Preset, &PeakForm)>, scraper: &ScraperForm) -> String {
    let mut part = String::new();
    if let Some((preset, form)) = peak {
        let base = peak_default(preset);
        if preset != Preset::FlashSale {
            push_encoded(&mut part, "pk-preset", preset.name());
        }
        for (key, field) in PEAK_KEYS {
            if form.text(field) != base.text(field) {
                push_encoded(&mut part, key, form.text(field));
            }
        }
        if form.overload != base.overload {
            push_encoded(&mut part, "pk-over", SWITCH[form.overload as usize]);
        }
    }
    let base = ScraperForm::defaults(DEFAULT_SEED);
    if scraper.shape != base.shape {
        push_encoded(&mut part, "sc-shape", scraper.shape.name());
    }
    for (key, field) in SCRAPER_KEYS {
        if scraper.text(field) != base.text(field) {
            push_encoded(&mut part, key, scraper.text(field));
        }
    }
    part
}

/// The form of a preset with the seed of the bare address.
fn peak_default(preset: Preset) -> PeakForm {
    PeakForm::from_config(&preset.config(DEFAULT_SEED))
}

/// `&key=text`, the text percent-encoded but for the characters a fragment
/// keeps as they are.
fn push_encoded(part: &mut String, key: &str, text: &str) {
    part.push('&');
    part.push_str(key);
    part.push('=');
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/,;@!*()".contains(&b) {
            part.push(b as char);
        } else {
            // By hand: `{:02X}` would bring in hex formatting.
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            part.push('%');
            part.push(HEX[usize::from(b >> 4)] as char);
            part.push(HEX[usize::from(b & 15)] as char);
        }
    }
}

fn tab_error(key: &'static str, text: &str) -> LinkError {
    LinkError::Tab {
        key,
        text: quoted(text),
    }
}

/// Peak shaving's settings in a link, when it has any: the preset's, with
/// each field the link gives whose text can be used.
fn read_peak(
    value: &impl Fn(&str) -> Option<String>,
    ignored: &mut Vec<LinkError>,
) -> Option<PeakLink> {
    let given = |key: &str| value(key).is_some();
    if !(given("pk-preset") || given("pk-over") || PEAK_KEYS.iter().any(|(k, _)| given(k))) {
        return None;
    }
    let preset = match value("pk-preset") {
        Some(text) => text.parse().unwrap_or_else(|_| {
            ignored.push(tab_error("pk-preset", &text));
            Preset::FlashSale
        }),
        None => Preset::FlashSale,
    };
    let base = peak_default(preset);
    let mut form = base.clone();
    for (key, field) in PEAK_KEYS {
        if let Some(text) = value(key) {
            form.set(field, text);
        }
    }
    if let Some(text) = value("pk-over") {
        match SWITCH.iter().position(|s| *s == text) {
            Some(on) => form.overload = on == 1,
            None => ignored.push(tab_error("pk-over", &text)),
        }
    }
    // A field whose text cannot be used takes the preset's again, named;
    // a problem of the fields together (too much traffic), at a field the
    // link left alone, takes back the first field it gave. Each round
    // takes back at least one field, so this ends.
    while let Err(errors) = form.config() {
        let before = form.clone();
        for error in errors {
            let given = |f: PeakField| match f {
                PeakField::Overload => form.overload != base.overload,
                f => form.text(f) != base.text(f),
            };
            let fields = PEAK_KEYS
                .iter()
                .map(|&(_, f)| f)
                .chain([PeakField::Overload]);
            let Some(field) = Some(error.field)
                .filter(|&f| given(f))
                .or_else(|| fields.clone().find(|&f| given(f)))
            else {
                continue;
            };
            match PEAK_KEYS.iter().find(|(_, f)| *f == field) {
                Some(&(key, _)) => {
                    ignored.push(tab_error(key, form.text(field)));
                    form.set(field, base.text(field).to_string());
                }
                None => {
                    ignored.push(tab_error("pk-over", SWITCH[1]));
                    form.overload = base.overload;
                }
            }
        }
        if form == before {
            form = base;
            break;
        }
    }
    Some(PeakLink { preset, form })
}

/// The scraper's settings in a link, when it has any: the defaults, with
/// each field the link gives whose text can be used.
fn read_scraper(
    value: &impl Fn(&str) -> Option<String>,
    ignored: &mut Vec<LinkError>,
) -> Option<ScraperForm> {
    let given = |key: &str| value(key).is_some();
    if !(given("sc-shape") || SCRAPER_KEYS.iter().any(|(k, _)| given(k))) {
        return None;
    }
    let base = ScraperForm::defaults(DEFAULT_SEED);
    let mut form = base.clone();
    if let Some(text) = value("sc-shape") {
        match text.parse::<Shape>() {
            Ok(shape) => form.shape = shape,
            Err(_) => ignored.push(tab_error("sc-shape", &text)),
        }
    }
    for (key, field) in SCRAPER_KEYS {
        if let Some(text) = value(key) {
            form.set(field, text);
        }
    }
    if crate::scraper::engine::compile(&form.regex).is_err() {
        ignored.push(tab_error("sc-re", &form.regex));
        form.regex = base.regex.clone();
    }
    while let Err(errors) = form.config() {
        let before = form.clone();
        for error in errors {
            let given = |f: ScraperField| form.text(f) != base.text(f);
            let Some(&(key, field)) = SCRAPER_KEYS
                .iter()
                .find(|(_, f)| *f == error.field && given(*f))
                .or_else(|| SCRAPER_KEYS.iter().find(|(_, f)| given(*f)))
            else {
                continue;
            };
            ignored.push(tab_error(key, form.text(field)));
            form.set(field, base.text(field).to_string());
        }
        if form == before {
            form = base;
            break;
        }
    }
    Some(form)
}

/// The lab's part of a link: `&st=sentinel`, then `&forget=5`,
/// `&extra=10`, `&kill=2@1s` (or `2~0.3` for a chance per item) and
/// `&ack=1500ms` (broker acks with that visibility timeout) when set, with
/// `&deliveries=3` when the delivery limit is not the default; empty for
/// the other scenarios.
fn lab_part(config: &Config) -> String {
    if config.scenario != ScenarioKind::Termination {
        return String::new();
    }
    let s = &config.termination;
    let mut part = format!("&st={}", s.strategy.name());
    if let Some(n) = s.forget_task_done {
        part.push_str(&format!("&forget={n}"));
    }
    if let Some(n) = s.extra_task_done {
        part.push_str(&format!("&extra={n}"));
    }
    match s.kill {
        Some(Kill {
            consumer,
            when: KillWhen::At(at),
        }) => part.push_str(&format!("&kill={consumer}@{}", DurationText(at))),
        Some(Kill {
            consumer,
            when: KillWhen::Chance(p),
        }) => part.push_str(&format!("&kill={consumer}~{}", Shortest(p))),
        None => {}
    }
    if s.broker_ack {
        part.push_str(&format!("&ack={}", DurationText(s.visibility_timeout)));
    }
    if s.max_deliveries != DEFAULT_MAX_DELIVERIES {
        part.push_str(&format!("&deliveries={}", s.max_deliveries));
    }
    part
}

/// Reads the lab's keys of a link (`value` gives a key's text) into
/// `config`; a problem is named by its key.
fn read_lab(
    mut config: Config,
    value: impl Fn(&str) -> Option<String>,
) -> Result<Config, (&'static str, Problem)> {
    let number = |key: &'static str| -> Result<Option<u64>, (&'static str, Problem)> {
        value(key)
            .map(|text| {
                text.trim()
                    .parse()
                    .map_err(|_| (key, Problem::NotWholeNumber(text.clone())))
            })
            .transpose()
    };
    let s = &mut config.termination;
    if let Some(text) = value("st") {
        s.strategy = text
            .parse()
            .map_err(|unknown| ("st", Problem::UnknownStrategy(unknown)))?;
    }
    s.forget_task_done = number("forget")?;
    s.extra_task_done = number("extra")?;
    if let Some(text) = value("kill") {
        let bad = || ("kill", Problem::NotAKill(text.clone()));
        let (consumer, when) = match (text.split_once('@'), text.split_once('~')) {
            (Some((c, at)), _) => {
                let at = read_duration(at).map_err(|p| ("kill", p))?;
                (c, KillWhen::At(at))
            }
            (None, Some((c, p))) => (c, KillWhen::Chance(parse_f64(p.trim()).ok_or_else(bad)?)),
            (None, None) => return Err(bad()),
        };
        let consumer = consumer.trim().parse().map_err(|_| bad())?;
        s.kill = Some(Kill { consumer, when });
    }
    if let Some(text) = value("ack") {
        s.broker_ack = true;
        s.visibility_timeout = read_duration(&text).map_err(|p| ("ack", p))?;
    }
    if let Some(n) = number("deliveries")? {
        // Too large for the setting: out of its range all the same.
        s.max_deliveries = u32::try_from(n).unwrap_or(u32::MAX);
    }
    config.validate().map_err(|problem| {
        let key = match problem.field() {
            "strategy" => "st",
            "forget-task-done" => "forget",
            "extra-task-done" => "extra",
            "broker-ack" | "visibility-timeout" => "ack",
            "max-deliveries" => "deliveries",
            _ => "kill",
        };
        (key, Problem::Config(problem))
    })?;
    Ok(config)
}

/// Decodes `%XX` escapes (and `+` is kept as is); `None` for a broken
/// escape or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delay::Delay;
    use std::time::Duration;

    #[test]
    fn an_empty_fragment_is_no_link() {
        assert_eq!(parse(""), Ok(None));
        assert_eq!(parse("#"), Ok(None));
    }

    #[test]
    fn the_documented_example_reads() {
        let link =
            parse("#s=hotdog&seed=42&p=2&c=1&n=5&cap=0&pd=uniform:0ms..1s&cd=exp:300ms&lang=zh")
                .unwrap()
                .unwrap();
        let mut expected = Config::defaults(ScenarioKind::Hotdog, 42);
        expected.consume_delay = Delay::Exp(Duration::from_millis(300));
        assert_eq!(link.config, expected);
        assert_eq!(link.lang, Some(Lang::Zh));
        assert_eq!(link.speed, None);
    }

    #[test]
    fn read_keeps_what_is_valid_and_reports_the_rest_shortened() {
        let (link, ignored) = read("s=termination&c=3&p=lots&c=9&st=sentinel&x=1");
        let link = link.unwrap();
        assert_eq!(link.config.scenario, ScenarioKind::Termination);
        assert_eq!(link.config.consumers, 3, "the first c counts");
        assert_eq!(link.config.seed, DEFAULT_SEED);
        assert_eq!(link.config.termination.strategy.name(), "sentinel");
        assert_eq!(ignored.len(), 3, "{ignored:?}");
        assert_eq!(ignored[0], LinkError::Repeated("c".into()));
        assert_eq!(ignored[1], LinkError::UnknownKey("x".into()));
        assert!(matches!(ignored[2], LinkError::Setting { key: "p", .. }));
        // A 5,000-character part is quoted by its first 40 characters.
        let long = "y".repeat(5_000);
        let (link, ignored) = read(&format!("s=plain&{long}"));
        assert_eq!(link.unwrap().config.scenario, ScenarioKind::Plain);
        assert_eq!(
            ignored,
            [LinkError::Malformed(format!("{}…", "y".repeat(40)))]
        );
        // Nothing usable: no link, and why.
        let (link, ignored) = read("s=nowhere&lang=xx");
        assert_eq!(link, None);
        assert_eq!(ignored.len(), 2);
        assert_eq!(read(""), (None, Vec::new()));
    }

    #[test]
    fn missing_keys_take_the_scenarios_defaults_and_escapes_are_decoded() {
        let link = parse("s=plain&pd=const%3A250ms").unwrap().unwrap();
        let mut expected = Config::defaults(ScenarioKind::Plain, DEFAULT_SEED);
        expected.produce_delay = Delay::Const(Duration::from_millis(250));
        assert_eq!(link.config, expected);
    }

    fn bad_speed(text: &str) -> LinkError {
        LinkError::BadSpeed {
            text: text.into(),
            min: 0.25,
            max: 1000.0,
        }
    }

    #[test]
    fn bad_fragments_name_what_is_wrong() {
        let setting = |key, problem| Err(LinkError::Setting { key, problem });
        for (fragment, expected) in [
            ("s=hotdog&oops", Err(LinkError::Malformed("oops".into()))),
            ("x=1", Err(LinkError::UnknownKey("x".into()))),
            ("p=1&p=2", Err(LinkError::Repeated("p".into()))),
            ("s=pizza", Err(LinkError::UnknownScenario("pizza".into()))),
            ("lang=fr", Err(LinkError::UnknownLang("fr".into()))),
            ("speed=0.1", Err(bad_speed("0.1"))),
            ("speed=fast", Err(bad_speed("fast"))),
            ("seed=%zz", Err(LinkError::Malformed("seed=%zz".into()))),
            ("p=abc", setting("p", Problem::NotWholeNumber("abc".into()))),
            (
                "c=0",
                setting(
                    "c",
                    Problem::OutOfRange {
                        value: "0".into(),
                        lo: 1,
                        hi: 1000,
                    },
                ),
            ),
            (
                "cd=gauss:1s",
                setting("cd", Problem::NotADelay("gauss:1s".into())),
            ),
            ("pd=uniform:2s..1s", setting("pd", Problem::LowerAboveUpper)),
            (
                "s=<b>x</b>",
                Err(LinkError::UnknownScenario("<b>x</b>".into())),
            ),
        ] {
            assert_eq!(parse(fragment), expected, "{fragment}");
        }
    }
}

/// The tabs' settings in a link.
#[cfg(test)]
mod tabs {
    use super::*;

    /// `tabs_part` read back: the tabs' settings and what was ignored.
    fn reread(part: &str) -> (Option<PeakLink>, Option<ScraperForm>, Vec<LinkError>) {
        let fragment = format!("s=hotdog{part}");
        let (link, ignored) = read(&fragment);
        assert!(link.is_some() && ignored.is_empty(), "{ignored:?}");
        read_tabs(&fragment)
    }

    #[test]
    fn untouched_tabs_add_nothing_to_a_link() {
        let scraper = ScraperForm::defaults(DEFAULT_SEED);
        assert_eq!(tabs_part(None, &scraper), "");
        let peak = peak_default(Preset::FlashSale);
        assert_eq!(tabs_part(Some((Preset::FlashSale, &peak)), &scraper), "");
        assert_eq!(reread(""), (None, None, Vec::new()));
    }

    #[test]
    fn peak_shavings_settings_go_round_a_link() {
        let mut form = peak_default(Preset::TwoBursts);
        form.seed = "7".into();
        form.base_rate = "12.5".into();
        form.bursts = "2s,3s,80; 10s,1s,200".into();
        form.duration = "30s".into();
        form.workers = "6".into();
        form.service = "uniform:10ms..200ms".into();
        form.capacity = "50".into();
        form.overload = true;
        let scraper = ScraperForm::defaults(DEFAULT_SEED);
        let part = tabs_part(Some((Preset::TwoBursts, &form)), &scraper);
        assert!(
            part.starts_with("&pk-preset=two-bursts&pk-seed=7&"),
            "{part}"
        );
        assert!(
            part.contains("&pk-bursts=2s,3s,80;%2010s,1s,200&"),
            "{part}"
        );
        let (peak, scraper_back, ignored) = reread(&part);
        assert_eq!(ignored, []);
        assert_eq!(
            peak,
            Some(PeakLink {
                preset: Preset::TwoBursts,
                form
            })
        );
        assert_eq!(scraper_back, None);
        // A field like the preset's is left out; the preset alone is a link.
        let steady = peak_default(Preset::Steady);
        let part = tabs_part(Some((Preset::Steady, &steady)), &scraper);
        assert_eq!(part, "&pk-preset=steady");
        assert_eq!(reread(&part).0.unwrap().form, steady);
    }

    #[test]
    fn the_scrapers_settings_go_round_a_link_whatever_their_characters() {
        let mut form = ScraperForm::defaults(DEFAULT_SEED);
        form.urls =
            "pages/gallery.html\nhttps://例子.example/a?b=1&c=%41#top\n  spaced url ".into();
        form.regex = r#"<a href="([^"]+)">|&amp;=%20\+"#.into();
        form.fetchers = "3".into();
        form.counters = "2".into();
        form.capacity = "1".into();
        form.timeout = "2s".into();
        form.fetch_delay = "const:0ms".into();
        form.count_delay = "exp:50ms".into();
        form.seed = "123".into();
        form.shape = Shape::Plain;
        let part = tabs_part(None, &form);
        assert!(
            part.starts_with("&sc-shape=plain&sc-urls=pages/gallery.html%0Ahttps://%E4"),
            "{part}"
        );
        assert!(!part[1..].contains(['#', ' ', '\n']), "{part}");
        let (peak, scraper, ignored) = reread(&part);
        assert_eq!(ignored, []);
        assert_eq!(peak, None);
        assert_eq!(scraper, Some(form));
    }

    #[test]
    fn a_bad_tab_setting_is_left_out_and_named_and_the_rest_kept() {
        let long = "9".repeat(5_000);
        let (peak, scraper, ignored) = reread(&format!(
            "&pk-preset=pizza&pk-workers=lots&pk-rate=5&pk-over=yes&pk-dur={long}s\
             &sc-shape=round&sc-fetchers=0&sc-counters=3&sc-re=(oops&sc-timeout=soon"
        ));
        let peak = peak.unwrap();
        assert_eq!(peak.preset, Preset::FlashSale);
        let base = peak_default(Preset::FlashSale);
        assert_eq!(peak.form.base_rate, "5", "the valid field is kept");
        assert_eq!(peak.form.workers, base.workers);
        assert_eq!(peak.form.duration, base.duration);
        assert!(!peak.form.overload);
        let scraper = scraper.unwrap();
        let base = ScraperForm::defaults(DEFAULT_SEED);
        assert_eq!(scraper.counters, "3", "the valid field is kept");
        assert_eq!(
            (
                &scraper.fetchers,
                &scraper.regex,
                &scraper.timeout,
                scraper.shape
            ),
            (&base.fetchers, &base.regex, &base.timeout, base.shape)
        );
        let named: Vec<(&str, &str)> = ignored
            .iter()
            .map(|e| match e {
                LinkError::Tab { key, text, .. } => (*key, text.as_str()),
                other => panic!("{other:?}"),
            })
            .collect();
        let long_quoted = format!("{}…", "9".repeat(40));
        for expected in [
            ("pk-preset", "pizza"),
            ("pk-over", "yes"),
            ("pk-workers", "lots"),
            ("pk-dur", long_quoted.as_str()),
            ("sc-shape", "round"),
            ("sc-re", "(oops"),
            ("sc-timeout", "soon"),
            ("sc-fetchers", "0"),
        ] {
            assert!(named.contains(&expected), "{expected:?} in {named:?}");
        }
        assert_eq!(named.len(), 8, "{named:?}");
    }

    #[test]
    fn settings_that_clash_are_named_and_the_others_kept() {
        // Overload needs a bounded queue: the switch is taken back, named.
        let (peak, _, ignored) = reread("&pk-over=1&pk-cap=0&pk-workers=2");
        let peak = peak.unwrap();
        assert_eq!(
            (peak.form.overload, peak.form.workers.as_str()),
            (false, "2")
        );
        assert_eq!(peak.form.capacity, "0");
        assert!(
            matches!(&ignored[..], [LinkError::Tab { key: "pk-over", .. }]),
            "{ignored:?}"
        );
    }

    #[test]
    fn a_setting_out_of_range_with_the_others_goes_back_to_the_presets() {
        // 4 workers at 100 ms serve 40/s; a rate of 10,000/s for 60 s is
        // more requests than the page runs: the rate is named, the rest kept.
        let (peak, _, ignored) = reread("&pk-rate=10000&pk-workers=5");
        let peak = peak.unwrap();
        assert_eq!(peak.form.workers, "5");
        assert_eq!(
            peak.form.base_rate,
            peak_default(Preset::FlashSale).base_rate
        );
        assert!(
            matches!(&ignored[..], [LinkError::Tab { key: "pk-rate", .. }]),
            "{ignored:?}"
        );
    }
}

/// The round trip, for any settings (proptest runs natively only).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod round_trip {
    use super::*;
    use crate::delay::Delay;
    use crate::scenario::MAX_TOTAL_ITEMS;
    use proptest::prelude::*;
    use std::time::Duration;
    use strum::VariantArray;

    fn delay() -> impl Strategy<Value = Delay> {
        let ms = (0u64..100_000).prop_map(Duration::from_millis);
        prop_oneof![
            ms.clone().prop_map(Delay::Const),
            ms.clone().prop_map(Delay::Exp),
            (ms.clone(), ms).prop_map(|(a, b)| Delay::Uniform(a.min(b), a.max(b))),
        ]
    }

    proptest! {
        #[test]
        fn a_written_link_reads_back_as_the_same_run(
            kind in prop::sample::select(ScenarioKind::VARIANTS.to_vec()),
            seed in any::<u64>(),
            (producers, items) in (1u32..=1000)
                .prop_flat_map(|p| (Just(p), 0u32..=(MAX_TOTAL_ITEMS / u64::from(p)) as u32)),
            consumers in 1u32..=1000,
            capacity in 0usize..=1_000_000,
            produce in delay(),
            consume in delay(),
            speed in prop::sample::select(vec![0.25, 0.5, 1.0, 2.5, 100.0, 1000.0]),
            zh in any::<bool>(),
        ) {
            let config = Config {
                scenario: kind,
                seed,
                producers,
                consumers,
                items,
                capacity,
                produce_delay: produce,
                consume_delay: consume,
                until: None,
                termination: Default::default(),
            };
            let lang = if zh { Lang::Zh } else { Lang::En };
            let fragment = to_fragment(&config, speed, lang);
            let link = parse(&fragment).unwrap().unwrap();
            prop_assert_eq!(link.config, config);
            prop_assert_eq!(link.lang, Some(lang));
            prop_assert_eq!(link.speed, Some(speed));
        }
    }
}
