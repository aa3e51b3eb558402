//! The shareable link: scenario, settings, seed, speed and language in the
//! URL fragment (`s=hotdog&seed=42&p=2&c=1&n=5&cap=0&pd=uniform:0ms..1s&
//! cd=uniform:0ms..1s&speed=1&lang=zh`). Reading is strict — an unknown or
//! repeated key, or a bad value, is an error naming it — and keys left out
//! take the scenario's defaults. The text is only ever parsed, never shown
//! as markup.

use crate::clock::{Playback, MAX_SPEED, MIN_SPEED};
use crate::lang::Lang;
use crate::number::{parse_f64, Shortest};
use crate::scenario::{Config, ScenarioKind};

use super::form::{DelayFields, Field, Form, Problem};

/// What a link holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// A valid config.
    pub config: Config,
    pub lang: Option<Lang>,
    pub speed: Option<f64>,
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
}

/// The playground's keys, then the termination lab's (`super::lab::link_part`).
const KEYS: [&str; 15] = [
    "s", "seed", "p", "c", "n", "cap", "pd", "cd", "speed", "lang", "st", "forget", "extra",
    "kill", "ack",
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
        super::lab::link_part(config)
    )
}

/// Reads a fragment (with or without its `#`); `Ok(None)` when it is empty.
pub fn parse(fragment: &str) -> Result<Option<Link>, LinkError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.trim().is_empty() {
        return Ok(None);
    }
    let mut values: [Option<String>; KEYS.len()] = Default::default();
    for part in fragment.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| LinkError::Malformed(part.to_string()))?;
        let key = percent_decode(key).ok_or_else(|| LinkError::Malformed(part.to_string()))?;
        let value = percent_decode(value).ok_or_else(|| LinkError::Malformed(part.to_string()))?;
        let slot = KEYS
            .iter()
            .position(|k| *k == key)
            .ok_or_else(|| LinkError::UnknownKey(key.clone()))?;
        if values[slot].replace(value).is_some() {
            return Err(LinkError::Repeated(key));
        }
    }
    let value = |key: &str| {
        KEYS.iter()
            .position(|k| *k == key)
            .and_then(|i| values[i].clone())
    };

    let scenario = match value("s") {
        Some(name) => name
            .parse::<ScenarioKind>()
            .map_err(|_| LinkError::UnknownScenario(name))?,
        None => ScenarioKind::Hotdog,
    };
    let lang = value("lang")
        .map(|code| code.parse().map_err(|_| LinkError::UnknownLang(code)))
        .transpose()?;
    let speed = value("speed")
        .map(|text| {
            let bad = |min, max| LinkError::BadSpeed {
                text: text.clone(),
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

    let mut form = Form::from_config(&Config::defaults(scenario, 0));
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
    let config = super::lab::from_link(config, value)
        .map_err(|(key, problem)| LinkError::Setting { key, problem })?;
    Ok(Some(Link {
        config,
        lang,
        speed,
    }))
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
    fn missing_keys_take_the_scenarios_defaults_and_escapes_are_decoded() {
        let link = parse("s=plain&pd=const%3A250ms").unwrap().unwrap();
        let mut expected = Config::defaults(ScenarioKind::Plain, 0);
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

/// The round trip, for any settings (proptest runs natively only).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod round_trip {
    use super::*;
    use crate::delay::Delay;
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
            producers in 1u32..=1000,
            consumers in 1u32..=1000,
            items in 0u32..=10_000_000,
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
