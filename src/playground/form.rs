//! The settings form: every setting as the text the user typed, read into a
//! [`Config`] with one [`Problem`] per bad field (all fields are checked, so
//! every message shows at once). Out-of-range values are refused, never
//! clamped; the ranges are the engine's (a test holds them to
//! [`Config::validate`], which also has the last word).

use std::fmt;
use std::time::Duration;
use strum::VariantArray;

use crate::delay::{parse_duration, Delay, DurationProblem, DurationText};
use crate::scenario::ending::UnknownStrategy;
use crate::scenario::{Config, ConfigProblem, ScenarioKind};

/// A field of the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "kebab-case")]
pub enum Field {
    Seed,
    Producers,
    Consumers,
    Items,
    Capacity,
    ProduceDelay,
    ConsumeDelay,
}

impl Field {
    /// The field's name in [`Config::validate`]'s errors, also the id of its
    /// input on the page.
    pub fn config_name(self) -> &'static str {
        self.into()
    }
}

/// What is wrong with a field's text.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// Nothing was typed.
    Empty,
    /// Not a whole number (the text as typed).
    NotWholeNumber(String),
    /// A whole number outside the accepted range.
    OutOfRange { value: String, lo: u64, hi: u64 },
    /// A duration that does not read (the text as typed).
    Duration(DurationProblem, String),
    /// A uniform range whose lower bound is above its upper bound.
    LowerAboveUpper,
    /// Not of the form `const:…`, `uniform:…..…` or `exp:…`.
    NotADelay(String),
    /// A strategy name (in a link) that is none of the strategies.
    UnknownStrategy(UnknownStrategy),
    /// A kill (in a link) that is not `consumer@time` or `consumer~chance`.
    NotAKill(String),
    /// Refused by [`Config::validate`].
    Config(ConfigProblem),
}

/// A field with a problem.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    pub field: Field,
    pub problem: Problem,
}

/// The three shapes of delay, named by their prefix in the delay syntax
/// (`const`, `uniform`, `exp`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString, strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum DelayKind {
    Const,
    Uniform,
    Exp,
}

impl DelayKind {
    /// The prefix in the delay syntax.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// A delay as typed: its kind and one duration (`const`, `exp`: the value or
/// mean) or two (`uniform`: from, to).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelayFields {
    pub kind: DelayKind,
    pub a: String,
    /// Used by `uniform` only; kept when switching kinds.
    pub b: String,
}

impl DelayFields {
    /// The fields showing `delay`.
    pub fn from_delay(delay: Delay) -> DelayFields {
        let text = |d: Duration| DurationText(d).to_string();
        match delay {
            Delay::Const(d) => DelayFields {
                kind: DelayKind::Const,
                a: text(d),
                b: text(d),
            },
            Delay::Uniform(lo, hi) => DelayFields {
                kind: DelayKind::Uniform,
                a: text(lo),
                b: text(hi),
            },
            Delay::Exp(mean) => DelayFields {
                kind: DelayKind::Exp,
                a: text(mean),
                b: text(mean),
            },
        }
    }

    /// Splits delay syntax (`uniform:0ms..1s`) into fields, without reading
    /// the durations yet.
    pub fn from_text(text: &str) -> Result<DelayFields, Problem> {
        let bad = || Problem::NotADelay(text.to_string());
        let (kind, rest) = text.trim().split_once(':').ok_or_else(bad)?;
        let kind: DelayKind = kind.trim().parse().map_err(|_| bad())?;
        let (a, b) = match kind {
            DelayKind::Uniform => rest.split_once("..").ok_or_else(bad)?,
            DelayKind::Const | DelayKind::Exp => (rest, rest),
        };
        Ok(DelayFields {
            kind,
            a: a.trim().to_string(),
            b: b.trim().to_string(),
        })
    }

    /// Reads the fields into a delay.
    pub fn to_delay(&self) -> Result<Delay, Problem> {
        let a = read_duration(&self.a)?;
        match self.kind {
            DelayKind::Const => Ok(Delay::Const(a)),
            DelayKind::Exp => Ok(Delay::Exp(a)),
            DelayKind::Uniform => {
                let b = read_duration(&self.b)?;
                if a > b {
                    Err(Problem::LowerAboveUpper)
                } else {
                    Ok(Delay::Uniform(a, b))
                }
            }
        }
    }
}

/// Reads a duration with [`parse_duration`], naming what is wrong.
pub fn read_duration(text: &str) -> Result<Duration, Problem> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Problem::Empty);
    }
    parse_duration(trimmed).map_err(|why| Problem::Duration(why, trimmed.to_string()))
}

/// Reads a whole number (no sign, no fraction), without a range yet.
fn read_whole(text: &str) -> Result<u128, Problem> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Problem::Empty);
    }
    if let Some(digits) = trimmed.strip_prefix('-') {
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            // A negative whole number: out of range rather than malformed.
            return Err(Problem::OutOfRange {
                value: trimmed.to_string(),
                lo: 0,
                hi: 0,
            });
        }
    }
    if !trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::NotWholeNumber(trimmed.to_string()));
    }
    // All digits: only overflow can fail, and that is out of any range.
    Ok(trimmed.parse::<u128>().unwrap_or(u128::MAX))
}

/// The accepted range of a numeric field (the seed takes any `u64`).
pub fn bounds(field: Field) -> (u64, u64) {
    use crate::scenario::{MAX_ACTORS, MAX_CAPACITY, MAX_ITEMS};
    match field {
        Field::Producers | Field::Consumers => (1, MAX_ACTORS.into()),
        Field::Items => (0, MAX_ITEMS.into()),
        Field::Capacity => (0, MAX_CAPACITY as u64),
        Field::Seed | Field::ProduceDelay | Field::ConsumeDelay => (0, u64::MAX),
    }
}

/// Reads a numeric field and checks its range.
pub fn read_number(field: Field, text: &str) -> Result<u64, Problem> {
    let (lo, hi) = bounds(field);
    read_in_range(text, lo, hi)
}

/// Reads a whole number and checks that it is within `lo..=hi`.
pub fn read_in_range(text: &str, lo: u64, hi: u64) -> Result<u64, Problem> {
    let out_of_range = || Problem::OutOfRange {
        value: text.trim().to_string(),
        lo,
        hi,
    };
    match read_whole(text) {
        Ok(v) if (u128::from(lo)..=u128::from(hi)).contains(&v) => Ok(v as u64),
        Ok(_) | Err(Problem::OutOfRange { .. }) => Err(out_of_range()),
        Err(problem) => Err(problem),
    }
}

/// Every setting, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    pub scenario: ScenarioKind,
    pub seed: String,
    pub producers: String,
    pub consumers: String,
    pub items: String,
    pub capacity: String,
    pub produce: DelayFields,
    pub consume: DelayFields,
}

impl Form {
    /// The form showing `config`.
    pub fn from_config(config: &Config) -> Form {
        Form {
            scenario: config.scenario,
            seed: config.seed.to_string(),
            producers: config.producers.to_string(),
            consumers: config.consumers.to_string(),
            items: config.items.to_string(),
            capacity: config.capacity.to_string(),
            produce: DelayFields::from_delay(config.produce_delay),
            consume: DelayFields::from_delay(config.consume_delay),
        }
    }

    /// The text of a numeric field (a delay field's first duration).
    fn text(&self, field: Field) -> &str {
        match field {
            Field::Seed => &self.seed,
            Field::Producers => &self.producers,
            Field::Consumers => &self.consumers,
            Field::Items => &self.items,
            Field::Capacity => &self.capacity,
            Field::ProduceDelay => &self.produce.a,
            Field::ConsumeDelay => &self.consume.a,
        }
    }

    /// The fields of a delay setting (`None` for other fields).
    pub fn delay_mut(&mut self, field: Field) -> Option<&mut DelayFields> {
        match field {
            Field::ProduceDelay => Some(&mut self.produce),
            Field::ConsumeDelay => Some(&mut self.consume),
            _ => None,
        }
    }

    /// Reads every field; either a valid config or every field's problem.
    pub fn read(&self) -> Result<Config, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut config = Config::defaults(self.scenario, 0);
        let mut number = |field: Field| {
            read_number(field, self.text(field))
                .map_err(|problem| errors.push(FieldError { field, problem }))
                .ok()
        };
        let seed = number(Field::Seed);
        let producers = number(Field::Producers);
        let consumers = number(Field::Consumers);
        let items = number(Field::Items);
        let capacity = number(Field::Capacity);
        let mut delay = |field: Field, fields: &DelayFields| {
            fields
                .to_delay()
                .map_err(|problem| errors.push(FieldError { field, problem }))
                .ok()
        };
        let produce = delay(Field::ProduceDelay, &self.produce);
        let consume = delay(Field::ConsumeDelay, &self.consume);
        // The bounds above are u32/usize ranges, so these conversions hold.
        if let Some(v) = seed {
            config.seed = v;
        }
        if let Some(v) = producers {
            config.producers = v as u32;
        }
        if let Some(v) = consumers {
            config.consumers = v as u32;
        }
        if let Some(v) = items {
            config.items = v as u32;
        }
        if let Some(v) = capacity {
            config.capacity = v as usize;
        }
        if let Some(v) = produce {
            config.produce_delay = v;
        }
        if let Some(v) = consume {
            config.consume_delay = v;
        }
        if errors.is_empty() {
            // The engine has the last word; a refusal lands at its field.
            if let Err(problem) = config.validate() {
                let field = Field::VARIANTS
                    .iter()
                    .copied()
                    .find(|f| f.config_name() == problem.field())
                    .unwrap_or(Field::Seed);
                errors.push(FieldError {
                    field,
                    problem: Problem::Config(problem),
                });
            }
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.config_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hotdog_form() -> Form {
        Form::from_config(&Config::defaults(ScenarioKind::Hotdog, 42))
    }

    #[test]
    fn the_form_of_a_config_reads_back_as_that_config() {
        for &kind in ScenarioKind::VARIANTS {
            let mut config = Config::defaults(kind, 7);
            config.consume_delay = "exp:1.5ms".parse().unwrap();
            config.produce_delay = "const:2s".parse().unwrap();
            assert_eq!(Form::from_config(&config).read(), Ok(config));
        }
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let mut form = hotdog_form();
        form.producers = "abc".into();
        form.consumers = "0".into();
        form.items = "".into();
        form.capacity = "-3".into();
        form.produce.a = "5".into();
        form.consume = DelayFields {
            kind: DelayKind::Uniform,
            a: "2s".into(),
            b: "1s".into(),
        };
        let errors = form.read().unwrap_err();
        let got: Vec<_> = errors
            .iter()
            .map(|e| (e.field, e.problem.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (Field::Producers, Problem::NotWholeNumber("abc".into())),
                (
                    Field::Consumers,
                    Problem::OutOfRange {
                        value: "0".into(),
                        lo: 1,
                        hi: 1000
                    }
                ),
                (Field::Items, Problem::Empty),
                (
                    Field::Capacity,
                    Problem::OutOfRange {
                        value: "-3".into(),
                        lo: 0,
                        hi: 1_000_000
                    }
                ),
                (
                    Field::ProduceDelay,
                    Problem::Duration(DurationProblem::NoUnit, "5".into())
                ),
                (Field::ConsumeDelay, Problem::LowerAboveUpper),
            ]
        );
    }

    #[test]
    fn the_bounds_are_the_engines() {
        // Each bound is accepted by Config::validate, one past it is refused.
        for field in [
            Field::Producers,
            Field::Consumers,
            Field::Items,
            Field::Capacity,
        ] {
            let (lo, hi) = bounds(field);
            let with = |v: u64| {
                let mut c = Config::defaults(ScenarioKind::Custom, 0);
                // One producer: its items may reach their own bound.
                c.producers = 1;
                match field {
                    Field::Producers => c.producers = v as u32,
                    Field::Consumers => c.consumers = v as u32,
                    Field::Items => c.items = v as u32,
                    _ => c.capacity = v as usize,
                }
                c.validate()
            };
            assert!(with(lo).is_ok() && with(hi).is_ok(), "{field}");
            assert_eq!(with(hi + 1).unwrap_err().field(), field.config_name());
            if lo > 0 {
                assert_eq!(with(lo - 1).unwrap_err().field(), field.config_name());
            }
            let too_big = (hi + 1).to_string();
            assert!(matches!(
                read_number(field, &too_big),
                Err(Problem::OutOfRange { .. })
            ));
        }
    }

    #[test]
    fn huge_and_signed_numbers_are_out_of_range_or_malformed_never_wrapped() {
        assert!(matches!(
            read_number(Field::Seed, "99999999999999999999999999999999999999999"),
            Err(Problem::OutOfRange { .. })
        ));
        assert_eq!(
            read_number(Field::Seed, " 18446744073709551615 "),
            Ok(u64::MAX)
        );
        assert_eq!(
            read_number(Field::Items, "+3"),
            Err(Problem::NotWholeNumber("+3".into()))
        );
        assert_eq!(
            read_number(Field::Items, "2.5"),
            Err(Problem::NotWholeNumber("2.5".into()))
        );
    }

    #[test]
    fn duration_problems_agree_with_the_engine_parser() {
        for (text, problem) in [
            ("250", DurationProblem::NoUnit),
            ("abcms", DurationProblem::NotNumber),
            ("NaNs", DurationProblem::NotNumber),
            ("-1ms", DurationProblem::Negative),
            (
                "100000s",
                DurationProblem::TooLong {
                    max: crate::delay::MAX_DURATION,
                },
            ),
        ] {
            assert!(parse_duration(text).is_err());
            assert_eq!(
                read_duration(text),
                Err(Problem::Duration(problem, text.into()))
            );
        }
        assert_eq!(read_duration(" 1.5s "), Ok(Duration::from_millis(1500)));
    }

    #[test]
    fn delay_text_splits_into_fields_that_read_as_the_engine_reads_the_text() {
        for text in [
            "const:250ms",
            "uniform:0ms..1s",
            "exp:100ms",
            "uniform: 1s .. 2s",
        ] {
            let fields = DelayFields::from_text(text).unwrap();
            assert_eq!(fields.to_delay(), Ok(text.parse::<Delay>().unwrap()));
        }
        for text in ["gauss:1s", "uniform:1s", "250ms", ""] {
            assert_eq!(
                DelayFields::from_text(text),
                Err(Problem::NotADelay(text.into()))
            );
        }
    }
}
