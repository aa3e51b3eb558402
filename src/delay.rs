//! Delay distributions (how long producing or consuming one item takes) and
//! the text syntax used by the command line, the page and shared links:
//! `const:250ms`, `uniform:0ms..1s`, `exp:100ms`.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::number::{exact_decimal, parse_f64};
use crate::sim::Ctx;
use crate::trace::{duration_to_nanos, Nanos};

/// The longest duration accepted anywhere: one day of virtual time.
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 60 * 60);

/// A distribution of durations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Delay {
    /// Always the same.
    Const(Duration),
    /// Uniform between the two bounds (`random.uniform(lo, hi)`); the seed's
    /// `time.sleep(random.random())` is `Uniform(0s, 1s)`.
    Uniform(Duration, Duration),
    /// Exponential with the given mean (`random.expovariate(1/mean)`), the
    /// service or inter-arrival time of a Poisson process.
    Exp(Duration),
}

impl Delay {
    /// Draws one duration from the run's random stream.
    ///
    /// Only IEEE-exact float operations and libm's `log` (the same bits on
    /// every target; std's `ln` may differ in the last bit between native
    /// and wasm) are used, so traces match everywhere.
    pub fn sample(&self, ctx: &Ctx) -> Duration {
        match *self {
            Delay::Const(d) => d,
            _ => Duration::from_nanos(self.nanos().sample(ctx)),
        }
    }

    /// The distribution in virtual nanoseconds, converted once: what a
    /// task that draws many delays keeps (no `Duration` at each draw).
    pub fn nanos(&self) -> Draw {
        // Durations here are at most a day, so their nanoseconds fit in a
        // u64 and convert to f64 exactly as the u128's did.
        let float = |d: Duration| duration_to_nanos(d) as f64;
        match *self {
            Delay::Const(d) => Draw::Const(duration_to_nanos(d)),
            Delay::Uniform(lo, hi) => Draw::Uniform {
                // `lo * 1.0` truncated, as it always was drawn.
                lo: float(lo) as u64,
                span: float(hi - lo),
            },
            Delay::Exp(mean) => Draw::Exp { mean: float(mean) },
        }
    }

    /// The duration at `u` in `[0, 1)` of the distribution (its inverse
    /// CDF): what [`sample`](Delay::sample) returns when it draws `u`. For
    /// callers with their own deterministic stream.
    pub fn quantile(&self, u: f64) -> Duration {
        match *self {
            Delay::Const(d) => d,
            _ => Duration::from_nanos(self.nanos().quantile(u)),
        }
    }

    /// The mean of the distribution.
    pub fn mean(&self) -> Duration {
        match *self {
            Delay::Const(d) | Delay::Exp(d) => d,
            Delay::Uniform(lo, hi) => (lo + hi) / 2,
        }
    }
}

/// A [`Delay`] in virtual nanoseconds ([`Delay::nanos`]): the same draws,
/// bit for bit, without converting a `Duration` at each one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Draw {
    Const(Nanos),
    /// `lo + span * u`, each part truncated to whole nanoseconds.
    Uniform {
        lo: Nanos,
        span: f64,
    },
    /// `-mean * ln(1 - u)`, truncated.
    Exp {
        mean: f64,
    },
}

impl Draw {
    /// Draws one duration from the run's random stream (none for a
    /// constant: the stream stays where it is).
    pub fn sample(self, ctx: &Ctx) -> Nanos {
        match self {
            Draw::Const(d) => d,
            _ => self.quantile(ctx.random()),
        }
    }

    /// The duration at `u` in `[0, 1)`: the inverse CDF.
    pub fn quantile(self, u: f64) -> Nanos {
        // Only IEEE-exact operations and libm's `log`: the same bits on
        // every target.
        match self {
            Draw::Const(d) => d,
            Draw::Uniform { lo, span } => lo + (span * u) as u64,
            Draw::Exp { mean } => (mean * -libm::log(1.0 - u)) as u64,
        }
    }
}

impl fmt::Display for Delay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Delay::Const(d) => write!(f, "const:{}", DurationText(*d)),
            Delay::Uniform(lo, hi) => {
                write!(f, "uniform:{}..{}", DurationText(*lo), DurationText(*hi))
            }
            Delay::Exp(mean) => write!(f, "exp:{}", DurationText(*mean)),
        }
    }
}

/// Why a delay's text does not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DelayProblem {
    /// Not of the form `const:…`, `uniform:…..…` or `exp:…`.
    NotADelay,
    /// One of its durations does not read (why, and that duration's text).
    Duration(DurationProblem, String),
    /// A uniform range whose lower bound is above its upper bound.
    LowerAboveUpper,
}

impl FromStr for Delay {
    type Err = DelayProblem;

    fn from_str(text: &str) -> Result<Self, DelayProblem> {
        let duration = |part: &str| {
            parse_duration(part).map_err(|why| DelayProblem::Duration(why, part.trim().to_string()))
        };
        let (kind, rest) = text.trim().split_once(':').ok_or(DelayProblem::NotADelay)?;
        match kind.trim() {
            "const" => Ok(Delay::Const(duration(rest)?)),
            "exp" => Ok(Delay::Exp(duration(rest)?)),
            "uniform" => {
                let (lo, hi) = rest.split_once("..").ok_or(DelayProblem::NotADelay)?;
                let (lo, hi) = (duration(lo)?, duration(hi)?);
                if lo > hi {
                    return Err(DelayProblem::LowerAboveUpper);
                }
                Ok(Delay::Uniform(lo, hi))
            }
            _ => Err(DelayProblem::NotADelay),
        }
    }
}

/// Why a duration's text does not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationProblem {
    /// No `ms` or `s` at the end.
    NoUnit,
    /// What comes before the unit is not a number.
    NotNumber,
    Negative,
    /// Longer than the limit, `max`.
    TooLong {
        max: Duration,
    },
}

/// Parses `250ms`, `1s`, `0.5s`, `1.5ms`: a non-negative number and a unit
/// (`ms` or `s`), at most [`MAX_DURATION`].
pub fn parse_duration(text: &str) -> Result<Duration, DurationProblem> {
    let text = text.trim();
    let (number, unit_secs) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else {
        return Err(DurationProblem::NoUnit);
    };
    let value = parse_f64(number.trim())
        .filter(|v| v.is_finite())
        .ok_or(DurationProblem::NotNumber)?;
    if value < 0.0 {
        return Err(DurationProblem::Negative);
    }
    match Duration::try_from_secs_f64(value * unit_secs) {
        Ok(duration) if duration <= MAX_DURATION => Ok(duration),
        _ => Err(DurationProblem::TooLong { max: MAX_DURATION }),
    }
}

/// Formats a duration the way [`parse_duration`] reads it back: whole
/// milliseconds as `250ms`, whole seconds as `2s`, otherwise fractional ms.
pub struct DurationText(pub Duration);

impl fmt::Display for DurationText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Durations here are at most MAX_DURATION, far below u64::MAX ns.
        let nanos = u64::try_from(self.0.as_nanos()).unwrap_or(u64::MAX);
        if nanos % 1_000_000_000 == 0 && nanos > 0 {
            write!(f, "{}s", nanos / 1_000_000_000)
        } else {
            write!(f, "{}ms", exact_decimal(nanos, 6))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_form_and_prints_it_back() {
        for text in ["const:250ms", "uniform:0ms..1s", "exp:100ms", "const:1.5ms"] {
            let delay: Delay = text.parse().unwrap();
            assert_eq!(delay.to_string(), text);
        }
        assert_eq!(
            "uniform:0.5s..2s".parse::<Delay>().unwrap(),
            Delay::Uniform(Duration::from_millis(500), Duration::from_secs(2))
        );
    }

    #[test]
    fn rejects_bad_text_naming_what_is_wrong() {
        let part = |why, text: &str| DelayProblem::Duration(why, text.to_string());
        let too_long = DurationProblem::TooLong { max: MAX_DURATION };
        for (text, problem) in [
            ("const:250", part(DurationProblem::NoUnit, "250")),
            ("const:-1ms", part(DurationProblem::Negative, "-1ms")),
            ("uniform:2s..1s", DelayProblem::LowerAboveUpper),
            ("gauss:1s", DelayProblem::NotADelay),
            ("uniform:1s", DelayProblem::NotADelay),
            ("exp:abcms", part(DurationProblem::NotNumber, "abcms")),
            ("const:100000s", part(too_long, "100000s")),
            ("const:NaNs", part(DurationProblem::NotNumber, "NaNs")),
            ("const:1e300s", part(too_long, "1e300s")),
        ] {
            assert_eq!(text.parse::<Delay>(), Err(problem), "{text}");
        }
    }

    #[test]
    fn mean_of_each_form() {
        let ms = Duration::from_millis;
        assert_eq!(Delay::Uniform(ms(0), ms(1000)).mean(), ms(500));
        assert_eq!(Delay::Exp(ms(9)).mean(), ms(9));
        assert_eq!(Delay::Const(ms(3)).mean(), ms(3));
    }
}
