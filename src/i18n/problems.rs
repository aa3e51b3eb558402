//! The words of the typed problems shared by the forms and the command
//! line, in 中文 and English: a duration or a delay that does not read, a
//! run's setting the engine refuses, and a scenario or strategy name that
//! is none of the choices. Each sentence names what was typed and, for a
//! value out of range, the range, from the data the problem carries. They
//! have no final full stop: the page adds one ([`sentence`]), the command
//! line prefixes the option.

use std::fmt;
use std::time::Duration;
use strum::VariantArray;

use crate::delay::{DelayProblem, DurationProblem};
use crate::lang::Lang;
use crate::number::Shortest;
use crate::scenario::ending::{Strategy, UnknownStrategy};
use crate::scenario::{ConfigProblem, ScenarioKind, UnknownScenario};

/// A problem's words as a sentence on the page: with its full stop.
pub fn sentence(words: String, lang: Lang) -> String {
    words + lang.pick("。", ".")
}

/// A number outside `lo..=hi` (as typed, or as read).
pub fn out_of_range(value: &dyn fmt::Display, lo: u64, hi: u64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{value} 超出范围；请用 {lo} 到 {hi}"),
        Lang::En => format!("{value} is out of range; use {lo} to {hi}"),
    }
}

/// A limit of time: `24 hours` for whole hours, else whole seconds.
pub fn time_limit(max: Duration, lang: Lang) -> String {
    let secs = max.as_secs();
    let (n, zh, en) = if secs % 3600 == 0 {
        (secs / 3600, "小时", "hours")
    } else {
        (secs, "秒", "s")
    };
    format!("{n} {}", lang.pick(zh, en))
}

/// Why `text` does not read as a duration.
pub fn duration(problem: DurationProblem, text: &str, lang: Lang) -> String {
    match (problem, lang) {
        (DurationProblem::NoUnit, Lang::Zh) => {
            format!("“{text}”缺少单位：数字后面加 ms 或 s，如 250ms 或 1s")
        }
        (DurationProblem::NoUnit, Lang::En) => {
            format!("'{text}' needs a unit: a number followed by ms or s, e.g. 250ms or 1s")
        }
        (DurationProblem::NotNumber, Lang::Zh) => format!("“{text}”不是数字加 ms 或 s"),
        (DurationProblem::NotNumber, Lang::En) => {
            format!("'{text}' is not a number followed by ms or s")
        }
        (DurationProblem::Negative, Lang::Zh) => format!("“{text}”是负数；时长不能小于 0"),
        (DurationProblem::Negative, Lang::En) => {
            format!("'{text}' is negative; durations are 0 or more")
        }
        (DurationProblem::TooLong { max }, Lang::Zh) => {
            format!("“{text}”超过了 {}的上限", time_limit(max, lang))
        }
        (DurationProblem::TooLong { max }, Lang::En) => {
            format!(
                "'{text}' is longer than the limit of {}",
                time_limit(max, lang)
            )
        }
    }
}

/// The delay syntax, for the messages that show it.
pub fn delay_syntax(lang: Lang) -> &'static str {
    lang.pick(
        "const:250ms、uniform:0ms..1s 或 exp:100ms",
        "const:250ms, uniform:0ms..1s or exp:100ms",
    )
}

/// `text` is not of the form `const:…`, `uniform:…..…` or `exp:…`.
pub fn not_a_delay(text: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("“{text}”不是延迟；请写 {}", delay_syntax(lang)),
        Lang::En => format!("'{text}' is not a delay; use {}", delay_syntax(lang)),
    }
}

/// Why `text` does not read as a delay.
pub fn delay(problem: &DelayProblem, text: &str, lang: Lang) -> String {
    let text = text.trim();
    match (problem, lang) {
        (DelayProblem::NotADelay, _) => not_a_delay(text, lang),
        (DelayProblem::Duration(why, part), _) => duration(*why, part, lang),
        (DelayProblem::LowerAboveUpper, Lang::Zh) => format!("“{text}”的下限大于上限"),
        (DelayProblem::LowerAboveUpper, Lang::En) => {
            format!("in '{text}' the lower bound is above the upper bound")
        }
    }
}

/// Why the engine refuses a run's setting (the setting itself is named by
/// whoever shows it: the field, or the option on the command line).
pub fn config(problem: &ConfigProblem, lang: Lang) -> String {
    match (problem, lang) {
        (ConfigProblem::OutOfRange { value, lo, hi, .. }, _) => out_of_range(value, *lo, *hi, lang),
        (ConfigProblem::TooLong { max, .. }, Lang::Zh) => {
            format!("超过了 {}的上限", time_limit(*max, lang))
        }
        (ConfigProblem::TooLong { max, .. }, Lang::En) => {
            format!("is longer than the limit of {}", time_limit(*max, lang))
        }
        (ConfigProblem::Zero { .. }, Lang::Zh) => "必须大于 0".to_string(),
        (ConfigProblem::Zero { .. }, Lang::En) => "must be longer than 0".to_string(),
        (ConfigProblem::NotProbability { value, .. }, Lang::Zh) => {
            format!("{} 不是概率；请用 0 到 1", Shortest(*value))
        }
        (ConfigProblem::NotProbability { value, .. }, Lang::En) => {
            format!("{} is not a probability; use 0 to 1", Shortest(*value))
        }
        (
            ConfigProblem::TooManyItems {
                producers,
                items,
                max,
                ..
            },
            Lang::Zh,
        ) => {
            format!("生产者数 × 每个生产者的数据最多 {max}（现在是 {producers} × {items}）")
        }
        (
            ConfigProblem::TooManyItems {
                producers,
                items,
                max,
                ..
            },
            Lang::En,
        ) => {
            format!("producers × items is at most {max} (here {producers} × {items})")
        }
        (ConfigProblem::OnlyTermination { .. }, _) => only_termination(lang).to_string(),
        (ConfigProblem::NeedsBrokerAck { .. }, Lang::Zh) => {
            "需要先打开 消息代理确认（--broker-ack）".to_string()
        }
        (ConfigProblem::NeedsBrokerAck { .. }, Lang::En) => "needs --broker-ack".to_string(),
    }
}

/// An option or setting of the termination lab given to another scenario.
pub fn only_termination(lang: Lang) -> &'static str {
    lang.pick(
        "只有 termination（终止实验）场景有这个设置",
        "only the termination scenario has this option",
    )
}

/// A scenario name that is none of the scenarios.
pub fn unknown_scenario(unknown: &UnknownScenario, lang: Lang) -> String {
    let name = &unknown.0;
    let mut names: Vec<&str> = ScenarioKind::VARIANTS.iter().map(|k| k.name()).collect();
    names.extend([crate::peak::NAME, "scraper"]);
    match lang {
        Lang::Zh => format!("没有叫“{name}”的场景；请从 {} 中选一个", names.join("、")),
        Lang::En => format!(
            "unknown scenario '{name}'; choose one of {}",
            names.join(", ")
        ),
    }
}

/// A strategy name that is none of the strategies.
pub fn unknown_strategy(unknown: &UnknownStrategy, lang: Lang) -> String {
    let name = &unknown.0;
    let names: Vec<&str> = Strategy::VARIANTS.iter().map(|s| s.name()).collect();
    let names = names.join("|");
    match lang {
        Lang::Zh => format!("“{name}”不是结束方式；请从 {names} 中选一个"),
        Lang::En => format!("'{name}' is not a strategy; choose one of {names}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delay::MAX_DURATION;
    use crate::i18n::words_test::assert_both_languages;

    #[test]
    fn every_duration_and_delay_problem_names_the_text_in_both_languages() {
        let durations = [
            DurationProblem::NoUnit,
            DurationProblem::NotNumber,
            DurationProblem::Negative,
            DurationProblem::TooLong { max: MAX_DURATION },
        ];
        for p in durations {
            assert_both_languages(|lang| duration(p, "5x", lang), &["5x"]);
        }
        assert!(duration(
            DurationProblem::TooLong { max: MAX_DURATION },
            "9h",
            Lang::En
        )
        .ends_with("the limit of 24 hours"));
        let delays = [
            DelayProblem::NotADelay,
            DelayProblem::Duration(DurationProblem::Negative, "-1s".into()),
            DelayProblem::LowerAboveUpper,
        ];
        for p in &delays {
            let shown = match p {
                DelayProblem::Duration(..) => "-1s",
                _ => "uniform:2s..1s",
            };
            assert_both_languages(|lang| delay(p, "uniform:2s..1s", lang), &[shown]);
        }
    }

    #[test]
    fn every_config_problem_is_worded_in_both_languages_with_its_limits() {
        let problems = [
            ConfigProblem::OutOfRange {
                field: "items",
                value: 10_000_001,
                lo: 0,
                hi: 10_000_000,
            },
            ConfigProblem::TooLong {
                field: "until",
                max: MAX_DURATION,
            },
            ConfigProblem::Zero {
                field: "visibility-timeout",
            },
            ConfigProblem::NotProbability {
                field: "kill-chance",
                value: 1.5,
            },
            ConfigProblem::TooManyItems {
                field: "items",
                producers: 1000,
                items: 10_000_000,
                max: 10_000_000,
            },
            ConfigProblem::OnlyTermination { field: "strategy" },
            ConfigProblem::NeedsBrokerAck {
                field: "max-deliveries",
            },
        ];
        for p in &problems {
            assert_both_languages(|lang| config(p, lang), &[]);
        }
        assert_both_languages(|lang| config(&problems[0], lang), &["10000000"]);
        assert_both_languages(|lang| config(&problems[1], lang), &["24"]);
        assert_both_languages(|lang| config(&problems[3], lang), &["1.5"]);
    }

    #[test]
    fn unknown_names_list_the_choices_in_both_languages() {
        let scenario = UnknownScenario("pizza".into());
        assert_both_languages(
            |lang| unknown_scenario(&scenario, lang),
            &["pizza", "hotdog"],
        );
        let strategy = UnknownStrategy("poison".into());
        assert_both_languages(
            |lang| unknown_strategy(&strategy, lang),
            &["poison", "sentinel-bug"],
        );
    }
}
