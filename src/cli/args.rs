//! Command-line option reading shared by every scenario's `canteen run`
//! options: each error is one line naming the option and what it accepts.

use std::str::FromStr;
use std::time::Duration;

use crate::delay::{parse_duration, Delay, DELAY_SYNTAX};

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
    pub fn value(&mut self, option: &str) -> Result<&'a str, String> {
        self.rest
            .next()
            .map(String::as_str)
            .ok_or_else(|| format!("{option} needs a value"))
    }

    /// Every value after `option` up to the next `--option` (at least one).
    pub fn values(&mut self, option: &str) -> Result<Vec<&'a str>, String> {
        let mut values = Vec::new();
        while let Some(next) = self.rest.clone().next() {
            if next.starts_with("--") {
                break;
            }
            values.push(next.as_str());
            self.rest.next();
        }
        if values.is_empty() {
            return Err(format!("{option} needs at least one value"));
        }
        Ok(values)
    }

    /// A number after `option`; `accepted` says what is accepted.
    pub fn number<T: FromStr>(&mut self, option: &str, accepted: &str) -> Result<T, String> {
        let text = self.value(option)?;
        text.parse()
            .map_err(|_| format!("{option}: '{text}' is not {accepted}"))
    }

    /// A delay distribution after `option`.
    pub fn delay(&mut self, option: &str) -> Result<Delay, String> {
        self.value(option)?
            .parse()
            .map_err(|e: String| format!("{option}: {e} (accepted: {DELAY_SYNTAX})"))
    }

    /// A duration after `option`.
    pub fn duration(&mut self, option: &str) -> Result<Duration, String> {
        parse_duration(self.value(option)?).map_err(|e| format!("{option}: {e}"))
    }
}

/// The error for an option no scenario knows.
pub fn unknown(option: &str) -> String {
    format!("unknown option '{option}'; see `canteen help`")
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(args.number::<u32>("--items", "a whole number"), Ok(7));
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
            Err("--pages needs at least one value".to_string())
        );
    }

    #[test]
    fn errors_name_the_option() {
        let list = owned(&["--items", "-3"]);
        let mut args = Args::new(&list);
        args.next_option();
        assert_eq!(
            args.number::<u32>("--items", "a whole number"),
            Err("--items: '-3' is not a whole number".to_string())
        );
        assert_eq!(
            args.value("--seed"),
            Err("--seed needs a value".to_string())
        );
        assert!(Args::new(&owned(&["x"]))
            .delay("--consume-delay")
            .unwrap_err()
            .starts_with("--consume-delay:"));
    }
}
