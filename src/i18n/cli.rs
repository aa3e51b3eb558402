//! The command line's words, in 中文 and English: every problem with what
//! was typed, as the one line `canteen` prints (naming the option), what
//! went wrong after a run, and the run's outcome in the summary. The
//! command line sits above the words, so what it can say is listed here as
//! data ([`Problem`], [`Broken`]), as the page's labels are
//! ([`super::ui::T`]): it picks a variant with the facts, this module words
//! it.

use super::peak::{burst_problem, not_a_rate, unknown_preset};
use super::problems::{
    self, config, delay, duration, out_of_range, unknown_scenario, unknown_strategy,
};
use super::scraper::{self as scraper_words, pattern_error};
use super::StuckActor;
use crate::delay::{DelayProblem, DurationProblem};
use crate::lang::Lang;
use crate::lessons::LessonId;
use crate::peak::config::{BurstProblem, Problem as PeakProblem, UnknownPreset};
use crate::peak::Variant;
use crate::run::{Outcome, Report};
use crate::scenario::ending::UnknownStrategy;
use crate::scenario::{ConfigProblem, UnknownScenario};
use crate::scraper::pattern::{Engine, PatternError};
use crate::scraper::report::ScraperReport;
use crate::scraper::scenario::ScraperProblem;

/// What kind of number an option takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accepted {
    /// 0 or more.
    WholeNumber,
    /// A seed: 0 to 2^64-1.
    Seed,
    /// A capacity: 0 or more, 0 = unbounded.
    Capacity,
    /// 1 or more (the n-th item processed).
    FromOne,
    /// A consumer, numbered from 1.
    Consumer,
    /// A probability, 0 to 1.
    Probability,
    /// A time scale: a decimal above 0, up to 100.
    TimeScale,
}

/// Why a value was refused; the option and the text typed are beside it
/// in [`Problem::Value`].
#[derive(Clone, Debug, PartialEq)]
pub enum Invalid {
    /// Not the kind of number the option takes.
    Number(Accepted),
    /// A whole number too big for the option: outside `lo..=hi`.
    OutOfRange {
        lo: u64,
        hi: u64,
    },
    Duration(DurationProblem),
    Delay(DelayProblem),
    /// Neither `zh` nor `en`.
    Lang,
    /// Neither `plain` nor `joinable`.
    Shape,
    /// None of the termination strategies.
    Strategy,
    /// None of peak shaving's presets.
    Preset,
    /// Not a rate (requests per second).
    Rate,
    Burst(BurstProblem),
    /// Neither a lesson's number nor its name.
    Lesson,
    /// Not a Redis URL (`redis://HOST:PORT/DB`).
    RedisUrl,
}

/// What is wrong with the command line (exit status 2).
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// `canteen` without a command.
    NoCommand,
    /// None of `scenarios`, `run`, `python` and `help`; the closest one.
    UnknownCommand {
        name: String,
        suggestion: Option<String>,
    },
    /// `canteen run` without a scenario.
    NoScenario,
    /// None of the scenarios; the closest one.
    UnknownScenario {
        unknown: UnknownScenario,
        suggestion: Option<String>,
    },
    /// An option the scenario does not have; the closest one it has.
    UnknownOption {
        name: String,
        suggestion: Option<String>,
    },
    /// A word where an option was expected.
    Unexpected(String),
    /// An option without its value.
    NeedsValue(String),
    /// An option that takes values, without any.
    NeedsValues(String),
    /// A switch given a value (`--json=yes`).
    TakesNoValue(String),
    /// A value the option does not take.
    Value {
        option: String,
        text: String,
        why: Invalid,
    },
    /// An argument that is not UTF-8 text: the value of `option`, or not a
    /// value.
    NotText { option: Option<String> },
    /// Two options that exclude each other.
    Conflict { option: String, other: String },
    /// An option only the termination scenario has.
    OnlyTermination(String),
    /// `--kill-at` or `--kill-chance` without `--kill-consumer`.
    KillNeedsConsumer(String),
    /// `canteen run scraper` without `--pages`.
    NeedsPages,
    /// A run's setting the engine refuses.
    Config(ConfigProblem),
    /// A peak-shaving setting out of range.
    Peak(PeakProblem),
    /// A scraper setting out of range.
    Scraper(ScraperProblem),
    /// A `--regex` that cannot be used (the command line's engine).
    Pattern(PatternError),
    /// An option `canteen python` refuses: the program prints no report
    /// and always runs to its end.
    NotForPython(String),
    /// `canteen python` for a scenario without a Python program.
    NoProgram(String),
    /// An option or setting `canteen live` has no real counterpart for.
    NotLive(String),
    /// A command line the parser could not read otherwise.
    Unreadable,
}

fn accepted(accepted: Accepted, lang: Lang) -> &'static str {
    match accepted {
        Accepted::WholeNumber => lang.pick("整数", "a whole number"),
        Accepted::Seed => lang.pick("整数（0 到 2^64-1）", "a whole number 0 to 2^64-1"),
        Accepted::Capacity => lang.pick("整数（0 = 不限）", "a whole number; 0 = unbounded"),
        Accepted::FromOne => lang.pick("整数（从 1 起）", "a whole number from 1"),
        Accepted::Consumer => lang.pick("消费者编号（从 1 起）", "a consumer number from 1"),
        Accepted::Probability => lang.pick("概率（0 到 1）", "a probability from 0 to 1"),
        Accepted::TimeScale => lang.pick(
            "大于 0、至多 100 的小数（0.01 即快 100 倍）",
            "a decimal above 0 and up to 100 (0.01 runs 100 times faster)",
        ),
    }
}

/// `--option: words` (with a full-width colon in Chinese).
fn at(option: &str, words: String, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{option}：{words}"),
        Lang::En => format!("{option}: {words}"),
    }
}

/// `text` in one line: line breaks and other control characters become
/// spaces, runs of spaces one (a library's message may span lines).
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_control() || c == ' ')
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// ` (did you mean 'X'?)`, or nothing.
fn did_you_mean(suggestion: &Option<String>, lang: Lang) -> String {
    match (suggestion, lang) {
        (None, _) => String::new(),
        (Some(s), Lang::Zh) => format!("（是不是想写“{s}”？）"),
        (Some(s), Lang::En) => format!(" (did you mean '{s}'?)"),
    }
}

/// Why the value `text` of `option` was refused.
fn invalid(option: &str, text: &str, why: &Invalid, lang: Lang) -> String {
    match (why, lang) {
        (Invalid::Number(kind), Lang::Zh) => at(
            option,
            format!("“{text}”不是{}", accepted(*kind, lang)),
            lang,
        ),
        (Invalid::Number(kind), Lang::En) => at(
            option,
            format!("'{text}' is not {}", accepted(*kind, lang)),
            lang,
        ),
        (Invalid::OutOfRange { lo, hi }, _) => {
            at(option, out_of_range(&text, *lo, *hi, lang), lang)
        }
        (Invalid::Duration(why), _) => at(option, duration(*why, text, lang), lang),
        (Invalid::Delay(why), Lang::Zh) => at(
            option,
            format!(
                "{}（可用：{}）",
                delay(why, text, lang),
                problems::delay_syntax(lang)
            ),
            lang,
        ),
        (Invalid::Delay(why), Lang::En) => at(
            option,
            format!(
                "{} (accepted: {})",
                delay(why, text, lang),
                problems::delay_syntax(lang)
            ),
            lang,
        ),
        (Invalid::Lang, Lang::Zh) => format!("{option} 只接受 zh 或 en"),
        (Invalid::Lang, Lang::En) => format!("{option} accepts zh or en"),
        (Invalid::RedisUrl, Lang::Zh) => format!("{option} 需要 redis://主机:端口/库 形式的地址"),
        (Invalid::RedisUrl, Lang::En) => format!("{option} takes a URL redis://HOST:PORT/DB"),
        (Invalid::Shape, Lang::Zh) => format!("{option} 只接受 plain 或 joinable"),
        (Invalid::Shape, Lang::En) => format!("{option} accepts plain or joinable"),
        (Invalid::Strategy, _) => at(
            option,
            unknown_strategy(&UnknownStrategy(text.to_string()), lang),
            lang,
        ),
        (Invalid::Preset, _) => at(
            option,
            unknown_preset(&UnknownPreset(text.to_string()), lang),
            lang,
        ),
        (Invalid::Rate, _) => at(option, not_a_rate(text, lang), lang),
        (Invalid::Burst(why), _) => at(option, burst_problem(why, text, lang), lang),
        (Invalid::Lesson, Lang::Zh) => format!(
            "没有“{text}”这一课：请用 1 到 {} 或课名（{}）",
            lessons().len(),
            lessons().join("、")
        ),
        (Invalid::Lesson, Lang::En) => format!(
            "there is no lesson '{text}': use 1 to {} or a name ({})",
            lessons().len(),
            lessons().join(", ")
        ),
    }
}

/// The lessons' names, in order.
fn lessons() -> Vec<&'static str> {
    use strum::VariantArray;
    LessonId::VARIANTS.iter().map(|id| id.name()).collect()
}

/// The one line that reports `problem` (after `canteen: `).
pub fn problem(problem: &Problem, lang: Lang) -> String {
    one_line(&words(problem, lang))
}

fn words(problem: &Problem, lang: Lang) -> String {
    let option = |field: &str| format!("--{field}");
    let see_help = lang.pick("；见 `canteen help`", "; see `canteen help`");
    match (problem, lang) {
        (Problem::NoCommand, _) => lang
            .pick(
                "需要一个命令：scenarios、run、python、lesson 或 help",
                "needs a command: scenarios, run, python, lesson or help",
            )
            .to_string(),
        (Problem::UnknownCommand { name, suggestion }, Lang::Zh) => {
            format!(
                "没有“{name}”这个命令{}{see_help}",
                did_you_mean(suggestion, lang)
            )
        }
        (Problem::UnknownCommand { name, suggestion }, Lang::En) => {
            format!(
                "unknown command '{name}'{}{see_help}",
                did_you_mean(suggestion, lang)
            )
        }
        (Problem::NotForPython(name), Lang::Zh) => {
            format!("{name}：canteen python 只打印程序；程序总是运行到结束")
        }
        (Problem::NotForPython(name), Lang::En) => {
            format!("{name}: canteen python prints a program; the program always runs to its end")
        }
        (Problem::NotLive(name), Lang::Zh) => {
            format!("{name}：canteen live 还没有真实的对应做法")
        }
        (Problem::NotLive(name), Lang::En) => {
            format!("{name}: canteen live has no real counterpart for it yet")
        }
        (Problem::NoProgram(name), Lang::Zh) => format!("{name} 没有 Python 程序"),
        (Problem::NoProgram(name), Lang::En) => format!("{name} has no Python program"),
        (Problem::NoScenario, _) => lang
            .pick(
                "run 需要一个场景；见 `canteen scenarios`",
                "run needs a scenario; see `canteen scenarios`",
            )
            .to_string(),
        (
            Problem::UnknownScenario {
                unknown,
                suggestion,
            },
            _,
        ) => unknown_scenario(unknown, lang) + &did_you_mean(suggestion, lang),
        (Problem::UnknownOption { name, suggestion }, Lang::Zh) => {
            format!(
                "不认识的选项“{name}”{}{see_help}",
                did_you_mean(suggestion, lang)
            )
        }
        (Problem::UnknownOption { name, suggestion }, Lang::En) => {
            format!(
                "unknown option '{name}'{}{see_help}",
                did_you_mean(suggestion, lang)
            )
        }
        (Problem::Unexpected(text), Lang::Zh) => format!("多余的参数“{text}”{see_help}"),
        (Problem::Unexpected(text), Lang::En) => format!("unexpected argument '{text}'{see_help}"),
        (Problem::NeedsValue(name), Lang::Zh) => format!("{name} 后面需要一个值"),
        (Problem::NeedsValue(name), Lang::En) => format!("{name} needs a value"),
        (Problem::NeedsValues(name), Lang::Zh) => format!("{name} 后面至少需要一个值"),
        (Problem::NeedsValues(name), Lang::En) => format!("{name} needs at least one value"),
        (Problem::TakesNoValue(name), Lang::Zh) => format!("{name} 不带值"),
        (Problem::TakesNoValue(name), Lang::En) => format!("{name} takes no value"),
        (Problem::Value { option, text, why }, _) => invalid(option, text, why, lang),
        (Problem::NotText { option: Some(name) }, _) => at(
            name,
            lang.pick("值不是 UTF-8 文本", "the value is not UTF-8 text")
                .to_string(),
            lang,
        ),
        (Problem::NotText { option: None }, _) => lang
            .pick("有一个参数不是 UTF-8 文本", "an argument is not UTF-8 text")
            .to_string(),
        (Problem::Conflict { option, other }, Lang::Zh) => {
            format!("{option}：不能和 {other} 一起用")
        }
        (Problem::Conflict { option, other }, Lang::En) => {
            format!("{option}: cannot be given with {other}")
        }
        (Problem::OnlyTermination(name), _) => {
            at(name, problems::only_termination(lang).to_string(), lang)
        }
        (Problem::KillNeedsConsumer(name), Lang::Zh) => {
            format!("{name} 需要同时给出 --kill-consumer N")
        }
        (Problem::KillNeedsConsumer(name), Lang::En) => {
            format!("{name} needs --kill-consumer N")
        }
        (Problem::NeedsPages, _) => lang
            .pick(
                "run scraper 需要 --pages 路径...",
                "run scraper needs --pages PATH...",
            )
            .to_string(),
        (Problem::Config(p), _) => at(&option(p.field()), config(p, lang), lang),
        (Problem::Peak(p), _) => at(&option(p.field()), super::peak::problem(p, lang), lang),
        (Problem::Scraper(p), _) => {
            // The URLs are the pages on the command line.
            let name = match p.field() {
                "urls" => "pages",
                field => field,
            };
            at(&option(name), scraper_words::problem(p, lang), lang)
        }
        (Problem::Pattern(error), _) => {
            at("--regex", pattern_error(error, Engine::Rust, lang), lang)
        }
        (Problem::Unreadable, _) => format!(
            "{}{see_help}",
            lang.pick("无法读懂这个命令行", "cannot read this command line")
        ),
    }
}

/// What went wrong in a run that did run (exit status 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Broken {
    /// A run's items: one was lost or got twice.
    Conservation,
    /// The termination lab's books do not balance.
    Books,
    /// A peak-shaving variant lost a request or counted one twice.
    PeakConservation(Variant),
    /// The scraper lost a page or counted one twice.
    ScraperConservation,
    /// The report could not be written as JSON (the library's message).
    Json(String),
}

/// The line that reports `broken` (after `canteen: `).
pub fn broken(broken: &Broken, lang: Lang) -> String {
    match (broken, lang) {
        (Broken::Conservation, Lang::Zh) => "守恒被破坏：有数据丢失或被取了两次".into(),
        (Broken::Conservation, Lang::En) => {
            "conservation violated: an item was lost or got twice".into()
        }
        (Broken::Books, Lang::Zh) => "终止实验的账目不符".into(),
        (Broken::Books, Lang::En) => "the termination lab's books do not balance".into(),
        (Broken::PeakConservation(variant), Lang::Zh) => format!(
            "{}一侧守恒被破坏：有请求丢失或被计了两次",
            super::peak::variant_title(*variant, lang)
        ),
        (Broken::PeakConservation(variant), Lang::En) => format!(
            "conservation violated in the {} variant: a request was lost or counted twice",
            variant.name()
        ),
        (Broken::ScraperConservation, Lang::Zh) => "守恒被破坏：有网页丢失或被计了两次".into(),
        (Broken::ScraperConservation, Lang::En) => {
            "conservation violated: a page was lost or counted twice".into()
        }
        (Broken::Json(message), Lang::Zh) => format!("无法写出 JSON：{message}"),
        (Broken::Json(message), Lang::En) => format!("cannot write the JSON: {message}"),
    }
}

/// A run's outcome in the summary line.
pub fn outcome(outcome: Outcome, lang: Lang) -> &'static str {
    match outcome {
        Outcome::Completed => lang.pick("完成", "completed"),
        Outcome::Stuck => lang.pick("卡住（永远等待）", "stuck (waits forever)"),
        Outcome::TimeLimit => lang.pick("到达时间上限", "time limit reached"),
        Outcome::Running => lang.pick("运行中", "running"),
    }
}

/// The figures of a run's summary, the three lines `canteen run` prints
/// after its log (the labels are the JSON's keys in English).
pub fn summary(r: &Report<StuckActor>, lang: Lang) -> String {
    let outcome = outcome(r.outcome, lang);
    let s = &r.stats;
    let end = r.end_time_ms;
    let (p, c, t, u, q, d, e) = (
        r.produced,
        r.consumed,
        r.task_done,
        r.unfinished,
        r.in_queue,
        r.dropped,
        r.errors,
    );
    let (rate, mean, p50, p95, p99) = (
        s.throughput_per_s,
        s.mean_wait_ms,
        s.p50_wait_ms,
        s.p95_wait_ms,
        s.p99_wait_ms,
    );
    let (queue_mean, queue_max, busy) = (s.mean_queue_len, s.max_queue_len, s.utilization);
    let (scenario, seed) = (&r.scenario, r.seed);
    match lang {
        Lang::Zh => format!(
            "场景 {scenario}  种子 {seed}  结果 {outcome}  结束 {end:.3} ms\n\
             已生产 {p}  已消费 {c}  task_done {t}  未完成任务 {u}  队列中 {q}  丢弃 {d}  出错 {e}\n\
             吞吐量 {rate:.2}/s  等待 平均 {mean:.3} ms p50 {p50:.3} p95 {p95:.3} p99 {p99:.3}  \
             队列长度 平均 {queue_mean:.3} 最大 {queue_max}  利用率 {busy:.3}"
        ),
        Lang::En => format!(
            "scenario {scenario}  seed {seed}  outcome {outcome}  end {end:.3} ms\n\
             produced {p}  consumed {c}  task_done {t}  unfinished {u}  in_queue {q}  dropped {d}  errors {e}\n\
             throughput {rate:.2}/s  wait mean {mean:.3} ms p50 {p50:.3} p95 {p95:.3} p99 {p99:.3}  \
             queue mean {queue_mean:.3} max {queue_max}  utilization {busy:.3}"
        ),
    }
}

/// The scraper's two summary lines after its table of pages.
pub fn scraper_summary<S, E>(r: &ScraperReport<S, E>, lang: Lang) -> String {
    let (shape, seed, outcome, end) = (
        r.shape.name(),
        r.seed,
        outcome(r.outcome, lang),
        r.end_time_ms,
    );
    let (urls, fetched, failed, counted) = (r.urls, r.fetched, r.failed, r.counted);
    let (t, u, q, m) = (r.task_done, r.unfinished, r.in_queue, r.matches);
    match lang {
        Lang::Zh => format!(
            "场景 scraper  形态 {shape}  种子 {seed}  结果 {outcome}  结束 {end:.3} ms\n\
             网址 {urls}  已抓取 {fetched}  失败 {failed}  已计数 {counted}  task_done {t}  未完成任务 {u}  队列中 {q}  匹配 {m}"
        ),
        Lang::En => format!(
            "scenario scraper  shape {shape}  seed {seed}  outcome {outcome}  end {end:.3} ms\n\
             urls {urls}  fetched {fetched}  failed {failed}  counted {counted}  task_done {t}  unfinished {u}  in_queue {q}  matches {m}"
        ),
    }
}

/// A note printed before a run's log (e.g. on the regex).
pub fn note(text: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("注意：{text}"),
        Lang::En => format!("note: {text}"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::i18n::words_test::assert_both_languages;

    /// One of every problem.
    fn every_problem() -> Vec<Problem> {
        let option = || "--opt".to_string();
        let text = || "xyz".to_string();
        let suggestion = || Some("--opts".to_string());
        let value = |why| Problem::Value {
            option: option(),
            text: text(),
            why,
        };
        let mut all = vec![
            Problem::NoCommand,
            Problem::UnknownCommand {
                name: text(),
                suggestion: None,
            },
            Problem::UnknownCommand {
                name: text(),
                suggestion: suggestion(),
            },
            Problem::NoScenario,
            Problem::UnknownScenario {
                unknown: UnknownScenario(text()),
                suggestion: suggestion(),
            },
            Problem::UnknownOption {
                name: option(),
                suggestion: suggestion(),
            },
            Problem::UnknownOption {
                name: option(),
                suggestion: None,
            },
            Problem::Unexpected(text()),
            Problem::NeedsValue(option()),
            Problem::NeedsValues(option()),
            Problem::TakesNoValue(option()),
            Problem::NotText {
                option: Some(option()),
            },
            Problem::NotText { option: None },
            Problem::Conflict {
                option: option(),
                other: option(),
            },
            Problem::OnlyTermination(option()),
            Problem::KillNeedsConsumer(option()),
            Problem::NeedsPages,
            Problem::Config(ConfigProblem::OutOfRange {
                field: "items",
                value: 10_000_001,
                lo: 0,
                hi: 10_000_000,
            }),
            Problem::Peak(PeakProblem::Workers { max: 1000 }),
            Problem::Scraper(ScraperProblem::Timeout {
                min: Duration::from_millis(10),
                max: Duration::from_secs(300),
            }),
            Problem::Pattern(PatternError::Unavailable),
            Problem::Pattern(PatternError::Engine(
                "regex parse error:\n    (\n    ^\nerror: unclosed group".into(),
            )),
            Problem::NotForPython(option()),
            Problem::NoProgram(text()),
            Problem::NotLive(option()),
            Problem::Unreadable,
        ];
        all.extend(
            [
                Invalid::OutOfRange { lo: 0, hi: 10 },
                Invalid::Duration(DurationProblem::NoUnit),
                Invalid::Delay(DelayProblem::NotADelay),
                Invalid::Lang,
                Invalid::Shape,
                Invalid::Strategy,
                Invalid::Preset,
                Invalid::Lesson,
                Invalid::Rate,
                Invalid::Burst(BurstProblem::NotABurst),
                Invalid::RedisUrl,
            ]
            .map(value),
        );
        all.extend(
            [
                Accepted::WholeNumber,
                Accepted::Seed,
                Accepted::Capacity,
                Accepted::FromOne,
                Accepted::Consumer,
                Accepted::Probability,
                Accepted::TimeScale,
            ]
            .map(|accepted| value(Invalid::Number(accepted))),
        );
        all
    }

    #[test]
    fn every_problem_is_one_line_in_both_languages() {
        for p in every_problem() {
            assert_both_languages(|lang| problem(&p, lang), &[]);
            for lang in [Lang::Zh, Lang::En] {
                let line = problem(&p, lang);
                assert_eq!(line.lines().count(), 1, "{p:?}");
                assert!(!line.contains(char::is_control), "{line:?}");
            }
        }
        let typed = Problem::Value {
            option: "--items".into(),
            text: "1\n2\r3\t4".into(),
            why: Invalid::Number(Accepted::WholeNumber),
        };
        assert_eq!(
            problem(&typed, Lang::En),
            "--items: '1 2 3 4' is not a whole number"
        );
        let suggested = Problem::UnknownOption {
            name: "--sed".into(),
            suggestion: Some("--seed".into()),
        };
        assert_eq!(
            problem(&suggested, Lang::En),
            "unknown option '--sed' (did you mean '--seed'?); see `canteen help`"
        );
        assert_eq!(
            problem(&suggested, Lang::Zh),
            "不认识的选项“--sed”（是不是想写“--seed”？）；见 `canteen help`"
        );
        let range = Problem::Config(ConfigProblem::OutOfRange {
            field: "items",
            value: 10_000_001,
            lo: 0,
            hi: 10_000_000,
        });
        assert_eq!(
            problem(&range, Lang::En),
            "--items: 10000001 is out of range; use 0 to 10000000"
        );
        assert_eq!(
            problem(&range, Lang::Zh),
            "--items：10000001 超出范围；请用 0 到 10000000"
        );
    }

    #[test]
    fn every_broken_run_and_outcome_is_worded_in_both_languages() {
        for b in [
            Broken::Conservation,
            Broken::Books,
            Broken::PeakConservation(Variant::Queued),
            Broken::ScraperConservation,
            Broken::Json("key must be a string".into()),
        ] {
            assert_both_languages(|lang| broken(&b, lang), &[]);
        }
        for o in [
            Outcome::Completed,
            Outcome::Stuck,
            Outcome::TimeLimit,
            Outcome::Running,
        ] {
            assert_both_languages(|lang| outcome(o, lang).to_string(), &[]);
        }
        assert_both_languages(|lang| note("x", lang), &["x"]);
    }
}
