//! Command-line option reading shared by every scenario's `canteen run`
//! options: each problem names the option and what it accepts, as a typed
//! [`Problem`] the words layer turns into one line in the language asked
//! for ([`lang`] finds it wherever `--lang` stands).

use std::str::FromStr;
use std::time::Duration;

use crate::delay::{parse_duration, Delay};
use crate::i18n::cli::{Accepted, Problem};
use crate::lang::Lang;

/// The options after `canteen run SCENARIO`, read one at a time.
pub struct Args<'a> {
    rest: std::slice::Iter<'a, String>,
}

impl<'a> Args<'a> {
    pub fn new(args: &'a [String]) -> Self {
        Args { rest: args.iter() }
    }

    /// The next option name (e.g. `--seed`), if any.
    pub fn next_option(&mut self) -> Option<&'a str> {
        self.rest.next().map(String::as_str)
    }

    /// The value after `option`.
    pub fn value(&mut self, option: &str) -> Result<&'a str, Problem> {
        self.rest
            .next()
            .map(String::as_str)
            .ok_or_else(|| Problem::NeedsValue(option.to_string()))
    }

    /// Every value after `option` up to the next `--option` (at least one).
    pub fn values(&mut self, option: &str) -> Result<Vec<&'a str>, Problem> {
        let mut values = Vec::new();
        while let Some(next) = self.rest.clone().next() {
            if next.starts_with("--") {
                break;
            }
            values.push(next.as_str());
            self.rest.next();
        }
        if values.is_empty() {
            return Err(Problem::NeedsValues(option.to_string()));
        }
        Ok(values)
    }

    /// A number after `option`; `accepted` says what is accepted.
    pub fn number<T: FromStr>(&mut self, option: &str, accepted: Accepted) -> Result<T, Problem> {
        let text = self.value(option)?;
        text.parse().map_err(|_| Problem::NotANumber {
            option: option.to_string(),
            text: text.to_string(),
            accepted,
        })
    }

    /// A delay distribution after `option`.
    pub fn delay(&mut self, option: &str) -> Result<Delay, Problem> {
        let text = self.value(option)?;
        text.parse().map_err(|why| Problem::Delay {
            option: option.to_string(),
            text: text.to_string(),
            why,
        })
    }

    /// A duration after `option`.
    pub fn duration(&mut self, option: &str) -> Result<Duration, Problem> {
        let text = self.value(option)?;
        parse_duration(text).map_err(|why| Problem::Duration {
            option: option.to_string(),
            text: text.to_string(),
            why,
        })
    }

    /// The language after `option` (`zh` or `en`).
    pub fn lang(&mut self, option: &str) -> Result<Lang, Problem> {
        Lang::from_code(self.value(option)?).ok_or_else(|| Problem::Lang(option.to_string()))
    }
}

/// The language the command line speaks: the last valid `--lang` among
/// `args`, wherever it stands (so that a problem with an option before it
/// is reported in it), else `default` (from the locale).
pub fn lang(args: &[String], default: Lang) -> Lang {
    args.windows(2)
        .rev()
        .filter(|pair| pair[0] == "--lang")
        .find_map(|pair| Lang::from_code(&pair[1]))
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delay::{DelayProblem, DurationProblem};

    fn owned(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_options_and_values_in_order() {
        let list = owned(&[
            "--items",
            "7",
            "--produce-delay",
            "exp:5ms",
            "--until",
            "2s",
        ]);
        let mut args = Args::new(&list);
        assert_eq!(args.next_option(), Some("--items"));
        assert_eq!(args.number::<u32>("--items", Accepted::WholeNumber), Ok(7));
        assert_eq!(args.next_option(), Some("--produce-delay"));
        assert_eq!(
            args.delay("--produce-delay"),
            Ok(Delay::Exp(Duration::from_millis(5)))
        );
        assert_eq!(args.next_option(), Some("--until"));
        assert_eq!(args.duration("--until"), Ok(Duration::from_secs(2)));
        assert_eq!(args.next_option(), None);
    }

    #[test]
    fn values_run_up_to_the_next_option() {
        let list = owned(&["--pages", "a.html", "b.html", "--json", "--pages"]);
        let mut args = Args::new(&list);
        args.next_option();
        assert_eq!(args.values("--pages"), Ok(vec!["a.html", "b.html"]));
        assert_eq!(args.next_option(), Some("--json"));
        args.next_option();
        assert_eq!(
            args.values("--pages"),
            Err(Problem::NeedsValues("--pages".into()))
        );
    }

    #[test]
    fn problems_name_the_option_and_what_was_typed() {
        let list = owned(&["--items", "-3"]);
        let mut args = Args::new(&list);
        args.next_option();
        assert_eq!(
            args.number::<u32>("--items", Accepted::WholeNumber),
            Err(Problem::NotANumber {
                option: "--items".into(),
                text: "-3".into(),
                accepted: Accepted::WholeNumber
            })
        );
        assert_eq!(
            args.value("--seed"),
            Err(Problem::NeedsValue("--seed".into()))
        );
        assert_eq!(
            Args::new(&owned(&["x"])).delay("--consume-delay"),
            Err(Problem::Delay {
                option: "--consume-delay".into(),
                text: "x".into(),
                why: DelayProblem::NotADelay
            })
        );
        assert_eq!(
            Args::new(&owned(&["5"])).duration("--until"),
            Err(Problem::Duration {
                option: "--until".into(),
                text: "5".into(),
                why: DurationProblem::NoUnit
            })
        );
        assert_eq!(
            Args::new(&owned(&["fr"])).lang("--lang"),
            Err(Problem::Lang("--lang".into()))
        );
    }

    #[test]
    fn the_language_is_found_wherever_lang_stands() {
        let lang_of = |list: &[&str]| lang(&owned(list), Lang::En);
        assert_eq!(lang_of(&["--workers", "0", "--lang", "zh"]), Lang::Zh);
        assert_eq!(lang_of(&["--lang", "zh", "--lang", "en"]), Lang::En);
        assert_eq!(lang_of(&["--lang", "fr"]), Lang::En);
        assert_eq!(lang_of(&["--lang"]), Lang::En);
        assert_eq!(lang(&owned(&["--seed", "1"]), Lang::Zh), Lang::Zh);
    }
}
