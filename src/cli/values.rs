//! The values the options take, read by typed functions that clap calls
//! (`value_parser`): each refusal is a [`Refused`] carrying what was typed
//! and why ([`Invalid`]), which [`super::errors`] pairs with the option
//! clap names. Also [`lang`], which finds `--lang` wherever it stands.

use std::ffi::OsString;
use std::fmt;
use std::time::Duration;

use crate::delay::{parse_duration, Delay};
use crate::i18n::cli::{self as words, Accepted, Invalid, Problem};
use crate::lang::Lang;
use crate::lessons::LessonId;
use crate::peak::config::{parse_rate, Burst, Preset};
use crate::scenario::ending::Strategy;
use crate::scraper::scenario::Shape;

/// A value its parser refused: the text typed and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Refused {
    pub text: String,
    pub why: Invalid,
}

impl Refused {
    /// The problem, once the option is known.
    pub fn at(&self, option: &str) -> Problem {
        Problem::Value {
            option: option.to_string(),
            text: self.text.clone(),
            why: self.why.clone(),
        }
    }
}

/// For clap, which keeps it as the error's source; never printed (the
/// command line words problems in `--lang`).
impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&words::problem(&self.at("value"), Lang::En))
    }
}

impl std::error::Error for Refused {}

fn refuse<T>(text: &str, why: Invalid) -> Result<T, Refused> {
    Err(Refused {
        text: text.to_string(),
        why,
    })
}

/// A whole number of type `T` (digits, an optional `+`); `accepted` says
/// what the option takes, `lo..=hi` its range, told when the number is
/// too big for `T` (the range itself is checked with the other settings).
pub fn whole<T: TryFrom<u64>>(
    accepted: Accepted,
    lo: u64,
    hi: u64,
) -> impl Fn(&str) -> Result<T, Refused> + Clone + Send + Sync + 'static {
    move |text| {
        let digits = text.strip_prefix('+').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return refuse(text, Invalid::Number(accepted));
        }
        match digits.parse::<u64>().ok().map(T::try_from) {
            Some(Ok(n)) => Ok(n),
            _ => refuse(text, Invalid::OutOfRange { lo, hi }),
        }
    }
}

/// A seed: any whole number that fits in 64 bits.
pub fn seed(text: &str) -> Result<u64, Refused> {
    whole(Accepted::Seed, 0, u64::MAX)(text)
}

/// A probability as a decimal number (its range is checked with the other
/// settings).
pub fn probability(text: &str) -> Result<f64, Refused> {
    text.parse()
        .or_else(|_| refuse(text, Invalid::Number(Accepted::Probability)))
}

/// A duration: `250ms`, `1.5s`.
pub fn duration(text: &str) -> Result<Duration, Refused> {
    parse_duration(text).or_else(|why| refuse(text, Invalid::Duration(why)))
}

/// A delay distribution: `const:250ms`, `uniform:0ms..1s`, `exp:100ms`.
pub fn delay(text: &str) -> Result<Delay, Refused> {
    text.parse()
        .or_else(|why| refuse(text, Invalid::Delay(why)))
}

/// `zh` or `en`.
pub fn language(text: &str) -> Result<Lang, Refused> {
    text.parse().or_else(|_| refuse(text, Invalid::Lang))
}

/// A termination strategy's name.
pub fn strategy(text: &str) -> Result<Strategy, Refused> {
    text.parse().or_else(|_| refuse(text, Invalid::Strategy))
}

/// A lesson: its number (from 1) or its name.
pub fn lesson(text: &str) -> Result<LessonId, Refused> {
    let number = text.parse::<usize>().ok().and_then(LessonId::nth);
    number
        .or_else(|| text.parse().ok())
        .map_or_else(|| refuse(text, Invalid::Lesson), Ok)
}

/// A peak-shaving preset's name (spaces around it allowed).
pub fn preset(text: &str) -> Result<Preset, Refused> {
    text.trim()
        .parse()
        .or_else(|_| refuse(text, Invalid::Preset))
}

/// A rate in requests per second: `120`, `2.5/s`.
pub fn rate(text: &str) -> Result<f64, Refused> {
    parse_rate(text).or_else(|_| refuse(text, Invalid::Rate))
}

/// A burst: `START,LENGTH,RATE`.
pub fn burst(text: &str) -> Result<Burst, Refused> {
    text.parse()
        .or_else(|why| refuse(text, Invalid::Burst(why)))
}

/// The scraper's shape: `plain` or `joinable`.
pub fn shape(text: &str) -> Result<Shape, Refused> {
    text.parse().or_else(|_| refuse(text, Invalid::Shape))
}

/// The language the command line speaks: the last valid `--lang` among
/// `args` (`--lang zh` or `--lang=zh`), wherever it stands, so that a
/// problem with an option before it is reported in it; else `default`
/// (from the locale).
/// `--redis`: a URL the redis client reads.
pub fn redis_url(text: &str) -> Result<String, Refused> {
    let refused = || Refused {
        text: text.to_string(),
        why: Invalid::RedisUrl,
    };
    if !text.starts_with("redis://") {
        return Err(refused());
    }
    redis::Client::open(text).map_err(|_| refused())?;
    Ok(text.to_string())
}

/// `--time-scale`: above 0, up to 100.
pub fn time_scale(text: &str) -> Result<f64, Refused> {
    match text.trim().parse::<f64>() {
        Ok(scale) if scale > 0.0 && scale <= 100.0 => Ok(scale),
        _ => Err(Refused {
            text: text.to_string(),
            why: Invalid::Number(Accepted::TimeScale),
        }),
    }
}

pub fn lang(args: &[OsString], default: Lang) -> Lang {
    let texts: Vec<Option<&str>> = args.iter().map(|arg| arg.to_str()).collect();
    let mut found = None;
    for (i, text) in texts.iter().enumerate() {
        let code = match (i.checked_sub(1).and_then(|j| texts[j]), text) {
            (Some("--lang"), Some(code)) => Some(*code),
            (_, Some(text)) => text.strip_prefix("--lang="),
            (_, None) => None,
        };
        found = code.and_then(|code| code.parse().ok()).or(found);
    }
    found.unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delay::{DelayProblem, DurationProblem};
    use crate::peak::config::BurstProblem;

    fn refused(text: &str, why: Invalid) -> Refused {
        Refused {
            text: text.into(),
            why,
        }
    }

    #[test]
    fn whole_numbers_say_the_range_when_too_big_for_their_type() {
        let items = whole::<u32>(Accepted::WholeNumber, 0, 10_000_000);
        assert_eq!(items("7"), Ok(7));
        assert_eq!(items("+7"), Ok(7));
        assert_eq!(
            items("20000000"),
            Ok(20_000_000),
            "the range is the config's"
        );
        let too_big = Invalid::OutOfRange {
            lo: 0,
            hi: 10_000_000,
        };
        for text in ["4294967296", "99999999999999999999999999"] {
            assert_eq!(items(text), Err(refused(text, too_big.clone())));
        }
        for text in ["-3", "", "1.5", "x", "+", " 5", "٣"] {
            assert_eq!(
                items(text),
                Err(refused(text, Invalid::Number(Accepted::WholeNumber)))
            );
        }
        assert_eq!(seed("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(
            seed("18446744073709551616"),
            Err(refused(
                "18446744073709551616",
                Invalid::OutOfRange {
                    lo: 0,
                    hi: u64::MAX
                }
            ))
        );
    }

    #[test]
    fn each_value_is_read_by_its_own_parser() {
        assert_eq!(delay("exp:5ms"), Ok(Delay::Exp(Duration::from_millis(5))));
        assert_eq!(duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(language("zh"), Ok(Lang::Zh));
        assert_eq!(strategy("daemon"), Ok(Strategy::Daemon));
        assert_eq!(preset("steady"), Ok(Preset::Steady));
        assert_eq!(rate("2.5/s"), Ok(2.5));
        assert_eq!(shape("plain"), Ok(Shape::Plain));
        assert_eq!(probability("0.25"), Ok(0.25));
        assert_eq!(
            burst("20s,5s,120").map(|b| b.length),
            Ok(Duration::from_secs(5))
        );
    }

    #[test]
    fn refusals_keep_what_was_typed_and_why() {
        assert_eq!(
            delay("x"),
            Err(refused("x", Invalid::Delay(DelayProblem::NotADelay)))
        );
        assert_eq!(
            duration("5"),
            Err(refused("5", Invalid::Duration(DurationProblem::NoUnit)))
        );
        assert_eq!(language("fr"), Err(refused("fr", Invalid::Lang)));
        assert_eq!(
            strategy("poison"),
            Err(refused("poison", Invalid::Strategy))
        );
        assert_eq!(preset("rush"), Err(refused("rush", Invalid::Preset)));
        assert_eq!(rate("fast"), Err(refused("fast", Invalid::Rate)));
        assert_eq!(shape("round"), Err(refused("round", Invalid::Shape)));
        assert_eq!(
            burst("1s"),
            Err(refused("1s", Invalid::Burst(BurstProblem::NotABurst)))
        );
        assert_eq!(
            probability("often"),
            Err(refused("often", Invalid::Number(Accepted::Probability)))
        );
        assert_eq!(
            refused("x", Invalid::Rate).at("--base-rate"),
            Problem::Value {
                option: "--base-rate".into(),
                text: "x".into(),
                why: Invalid::Rate
            }
        );
    }

    #[test]
    fn the_language_is_found_wherever_lang_stands() {
        let lang_of = |list: &[&str], default| {
            let list: Vec<OsString> = list.iter().map(OsString::from).collect();
            lang(&list, default)
        };
        let en = Lang::En;
        assert_eq!(lang_of(&["--workers", "0", "--lang", "zh"], en), Lang::Zh);
        assert_eq!(lang_of(&["--lang=zh", "--items", "x"], en), Lang::Zh);
        assert_eq!(lang_of(&["--lang", "zh", "--lang", "en"], en), Lang::En);
        assert_eq!(lang_of(&["--lang", "zh", "--lang", "fr"], en), Lang::Zh);
        assert_eq!(lang_of(&["--lang", "fr"], en), Lang::En);
        assert_eq!(lang_of(&["--lang"], en), Lang::En);
        assert_eq!(lang_of(&["--seed", "1"], Lang::Zh), Lang::Zh);
    }

    #[cfg(unix)]
    #[test]
    fn arguments_that_are_not_text_are_passed_over() {
        use std::os::unix::ffi::OsStringExt;
        let list = [
            OsString::from("--lang"),
            OsString::from_vec(vec![0xff, b'z']),
            OsString::from("--lang"),
            OsString::from("zh"),
            OsString::from_vec(vec![0x80]),
        ];
        assert_eq!(lang(&list, Lang::En), Lang::Zh);
    }
}
