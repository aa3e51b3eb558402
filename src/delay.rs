//! Delay distributions (how long producing or consuming one item takes) and
//! the text syntax used by the command line, the page and shared links:
//! `const:250ms`, `uniform:0ms..1s`, `exp:100ms`.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::number::{exact_decimal, parse_f64};
use crate::sim::Ctx;

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
            // No draw: the stream stays where it is.
            Delay::Const(d) => d,
            _ => self.quantile(ctx.random()),
        }
    }

    /// The duration at `u` in `[0, 1)` of the distribution (its inverse
    /// CDF): what [`sample`](Delay::sample) returns when it draws `u`. For
    /// callers with their own deterministic stream.
    pub fn quantile(&self, u: f64) -> Duration {
        let scaled = |d: Duration, factor: f64| (d.as_nanos() as f64 * factor) as u64;
        Duration::from_nanos(match *self {
            Delay::Const(d) => return d,
            Delay::Uniform(lo, hi) => scaled(lo, 1.0) + scaled(hi - lo, u),
            Delay::Exp(mean) => scaled(mean, -libm::log(1.0 - u)),
        })
    }

    /// The mean of the distribution.
    pub fn mean(&self) -> Duration {
        match *self {
            Delay::Const(d) | Delay::Exp(d) => d,
            Delay::Uniform(lo, hi) => (lo + hi) / 2,
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

/// What a delay looks like, for error messages.
pub const DELAY_SYNTAX: &str = "const:250ms, uniform:0ms..1s or exp:100ms";

impl FromStr for Delay {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let bad = || format!("'{text}' is not a delay; use {DELAY_SYNTAX}");
        let (kind, rest) = text.split_once(':').ok_or_else(bad)?;
        match kind.trim() {
            "const" => Ok(Delay::Const(parse_duration(rest)?)),
            "exp" => Ok(Delay::Exp(parse_duration(rest)?)),
            "uniform" => {
                let (lo, hi) = rest.split_once("..").ok_or_else(bad)?;
                let (lo, hi) = (parse_duration(lo)?, parse_duration(hi)?);
                if lo > hi {
                    return Err(format!(
                        "in '{text}' the lower bound is above the upper bound"
                    ));
                }
                Ok(Delay::Uniform(lo, hi))
            }
            _ => Err(bad()),
        }
    }
}

/// Parses `250ms`, `1s`, `0.5s`, `1.5ms`: a non-negative number and a unit
/// (`ms` or `s`), at most [`MAX_DURATION`].
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit_secs) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else {
        return Err(format!(
            "'{text}' needs a unit: a number followed by ms or s, e.g. 250ms or 1s"
        ));
    };
    let value = parse_f64(number.trim())
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("'{text}' is not a number followed by ms or s"))?;
    if value < 0.0 {
        return Err(format!("'{text}' is negative; durations are 0 or more"));
    }
    let duration = Duration::from_secs_f64(value * unit_secs);
    if duration > MAX_DURATION {
        return Err(format!("'{text}' is longer than the limit of 24 hours"));
    }
    Ok(duration)
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
    fn rejects_bad_text_with_a_message_naming_it() {
        for (text, hint) in [
            ("const:250", "needs a unit"),
            ("const:-1ms", "negative"),
            ("uniform:2s..1s", "lower bound is above"),
            ("gauss:1s", "is not a delay"),
            ("exp:abcms", "not a number"),
            ("const:100000s", "limit of 24 hours"),
            ("const:NaNs", "not a number"),
        ] {
            let err = text.parse::<Delay>().unwrap_err();
            assert!(err.contains(hint), "{text}: {err}");
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
