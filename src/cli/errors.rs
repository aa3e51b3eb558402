//! clap's errors as the command line's typed [`Problem`]s, so that every
//! one is a line in `--lang` naming the option: clap's own (multi-line,
//! English) messages are never printed. What clap knows of an error (the
//! argument, its suggestion, a value parser's [`Refused`]) is read from the
//! error's context; which level of commands an unknown name stands at, from
//! the arguments themselves.

use std::error::Error as _;
use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::Command;

use super::values::Refused;
use crate::i18n::cli::Problem;
use crate::scenario::{ScenarioKind, UnknownScenario};

/// The commands that take a scenario.
const WITH_SCENARIO: [&str; 2] = ["run", "python"];

/// `error`, which clap made reading `args` (without the program's name)
/// with `command`, as a problem.
pub fn problem(error: &clap::Error, args: &[OsString], command: &Command) -> Problem {
    let text = |kind| context(error, kind);
    // "--items <N>" → "--items"
    let arg = || {
        text(ContextKind::InvalidArg)
            .and_then(|arg| arg.split_whitespace().next().map(String::from))
            .unwrap_or_default()
    };
    match error.kind() {
        ErrorKind::ValueValidation => error
            .source()
            .and_then(|source| source.downcast_ref::<Refused>())
            .map_or(Problem::Unreadable, |refused| refused.at(&arg())),
        ErrorKind::InvalidValue
            if text(ContextKind::InvalidValue).is_some_and(|v| v.is_empty()) =>
        {
            needs_values(arg(), command)
        }
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => needs_values(arg(), command),
        ErrorKind::TooManyValues => Problem::TakesNoValue(arg()),
        ErrorKind::UnknownArgument => {
            let name = arg();
            if lab_only(command).contains(&name) {
                Problem::OnlyTermination(name)
            } else if name.starts_with('-') {
                Problem::UnknownOption {
                    name,
                    suggestion: text(ContextKind::SuggestedArg),
                }
            } else {
                Problem::Unexpected(name)
            }
        }
        ErrorKind::InvalidSubcommand => {
            let name = text(ContextKind::InvalidSubcommand).unwrap_or_default();
            let suggestion = text(ContextKind::SuggestedSubcommand);
            if takes_scenario(args) {
                Problem::UnknownScenario {
                    unknown: UnknownScenario(name),
                    suggestion,
                }
            } else {
                Problem::UnknownCommand { name, suggestion }
            }
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            if takes_scenario(args) =>
        {
            Problem::NoScenario
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            Problem::NoCommand
        }
        ErrorKind::InvalidUtf8 => Problem::NotText {
            option: not_text_option(args),
        },
        ErrorKind::ArgumentConflict => Problem::Conflict {
            option: arg(),
            other: text(ContextKind::PriorArg)
                .and_then(|arg| arg.split_whitespace().next().map(String::from))
                .unwrap_or_default(),
        },
        _ => Problem::Unreadable,
    }
}

/// A piece of the error's context as text (the first, if a list).
fn context(error: &clap::Error, kind: ContextKind) -> Option<String> {
    match error.get(kind)? {
        ContextValue::String(text) => Some(text.clone()),
        ContextValue::Strings(texts) => texts.first().cloned(),
        ContextValue::StyledStr(text) => Some(text.to_string()),
        ContextValue::StyledStrs(texts) => texts.first().map(ToString::to_string),
        _ => None,
    }
}

/// `option` was given no value: it needs one, or at least one if it
/// takes several (`--pages`).
fn needs_values(option: String, command: &Command) -> Problem {
    fn takes_many(command: &Command, long: &str) -> bool {
        command.get_arguments().any(|arg| {
            arg.get_long() == Some(long) && arg.get_num_args().is_some_and(|n| n.max_values() > 1)
        }) || command.get_subcommands().any(|sub| takes_many(sub, long))
    }
    if takes_many(command, option.trim_start_matches('-')) {
        Problem::NeedsValues(option)
    } else {
        Problem::NeedsValue(option)
    }
}

/// Whether the command given is one that takes a scenario: the command is
/// the first argument that is not a switch (`canteen` has no option that
/// takes a value).
fn takes_scenario(args: &[OsString]) -> bool {
    args.iter()
        .map(|arg| arg.to_str())
        .find(|arg| !arg.is_some_and(|a| a.starts_with('-')))
        .flatten()
        .is_some_and(|command| WITH_SCENARIO.contains(&command))
}

/// The options only the termination lab has: the other scenarios refuse
/// them as such, not as unknown.
fn lab_only(command: &Command) -> Vec<String> {
    let options = |name: &str| -> Vec<String> {
        command
            .find_subcommand("run")
            .and_then(|run| run.find_subcommand(name))
            .map(|sub| {
                sub.get_arguments()
                    .filter_map(|arg| arg.get_long())
                    .map(|long| format!("--{long}"))
                    .collect()
            })
            .unwrap_or_default()
    };
    let everyone = options(ScenarioKind::Plain.name());
    options(ScenarioKind::Termination.name())
        .into_iter()
        .filter(|option| !everyone.contains(option))
        .collect()
}

/// The option whose value is the first argument that is not UTF-8 text:
/// the argument before it (`--regex …`), or its own start
/// (`--regex=…`); none if it is not a value.
fn not_text_option(args: &[OsString]) -> Option<String> {
    let at = args.iter().position(|arg| arg.to_str().is_none())?;
    let bytes = args[at].as_encoded_bytes();
    if bytes.starts_with(b"--") {
        let name = bytes.split(|&b| b == b'=').next()?;
        return std::str::from_utf8(name).ok().map(String::from);
    }
    at.checked_sub(1)
        .and_then(|before| args[before].to_str())
        .filter(|before| before.starts_with("--") && !before.contains('='))
        .map(String::from)
}
