//! The command line is never broken by its input: thousands of random
//! argument lists (the real options and commands, values of every kind:
//! huge, negative, empty, unicode, control characters, and on unix bytes
//! that are not UTF-8) read in-process by `canteen::cli::parse` either give
//! a command or one problem, worded as one line in both languages; none
//! panics.
#![cfg(not(target_arch = "wasm32"))]

use std::ffi::OsString;

use canteen::cli::{self, Command, Refusal};
use canteen::i18n::cli::problem;
use canteen::lang::Lang;
use proptest::prelude::*;

/// Every long option of every command, as typed (`--seed`…).
fn real_options() -> Vec<String> {
    fn collect(command: &clap::Command, into: &mut Vec<String>) {
        for arg in command.get_arguments() {
            if let Some(long) = arg.get_long() {
                into.push(format!("--{long}"));
            }
        }
        for sub in command.get_subcommands() {
            collect(sub, into);
        }
    }
    let mut command = cli::command::command();
    command.build();
    let mut options = Vec::new();
    collect(&command, &mut options);
    options.sort();
    options.dedup();
    options
}

/// The words that choose a command or a scenario, and some near misses.
const WORDS: [&str; 18] = [
    "run",
    "python",
    "scenarios",
    "lesson",
    "sentinels",
    "help",
    "plain",
    "hotdog",
    "custom",
    "termination",
    "peak-shaving",
    "scraper",
    "rn",
    "hotdgo",
    "-h",
    "--",
    "-3",
    "--lang=zh",
];

/// Values of every kind an option might be given.
const VALUES: [&str; 44] = [
    "0",
    "1",
    "2",
    "7",
    "1000",
    "1001",
    "10000000",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999999999999999999",
    "-1",
    "+5",
    "1.5",
    "NaN",
    "inf",
    "",
    " ",
    "zh",
    "en",
    "fr",
    "250ms",
    "1e300s",
    "-1ms",
    "5",
    "0s",
    "exp:10ms",
    "uniform:1s..0s",
    "const:1e308s",
    "gauss:1s",
    "20s,5s,120",
    "1s,1s,-5",
    "90s,1s,1e400",
    "steady",
    "daemon",
    "plain",
    "joinable",
    "(",
    "a{99999}",
    "src=//(.*? width",
    "热狗\n第二行",
    "tab\there\r",
    "\u{0}\u{7}",
    "static/pages/gallery.html",
];

/// One argument: a real option, a command word, a value, or any text.
fn argument(options: Vec<String>) -> impl Strategy<Value = OsString> {
    prop_oneof![
        4 => proptest::sample::select(options).prop_map(OsString::from),
        2 => proptest::sample::select(WORDS.to_vec()).prop_map(OsString::from),
        4 => proptest::sample::select(VALUES.to_vec()).prop_map(OsString::from),
        1 => any::<String>().prop_map(OsString::from),
        1 => any::<u64>().prop_map(|n| OsString::from(n.to_string())),
        1 => not_text(),
    ]
}

#[cfg(unix)]
fn not_text() -> impl Strategy<Value = OsString> {
    use std::os::unix::ffi::OsStringExt;
    proptest::collection::vec(any::<u8>(), 0..6).prop_map(|mut bytes| {
        bytes.push(0xff); // never UTF-8
        OsString::from_vec(bytes)
    })
}

#[cfg(not(unix))]
fn not_text() -> impl Strategy<Value = OsString> {
    any::<String>().prop_map(OsString::from)
}

/// A command line: mostly a command and a scenario first, then anything.
fn command_line() -> impl Strategy<Value = Vec<OsString>> {
    let options = real_options();
    let head = prop_oneof![
        3 => proptest::sample::select(vec!["run", "python"]).prop_flat_map(|top| {
            proptest::sample::select(vec![
                "plain", "hotdog", "custom", "termination", "peak-shaving", "scraper",
            ])
            .prop_map(move |scenario| vec![OsString::from(top), OsString::from(scenario)])
        }),
        1 => proptest::collection::vec(argument(options.clone()), 0..3),
    ];
    (head, proptest::collection::vec(argument(options), 0..12)).prop_map(|(mut head, tail)| {
        head.extend(tail);
        head
    })
}

/// Checks one command line: a command, or a problem that is one line of
/// text in both languages.
fn check(args: Vec<OsString>) -> Result<(), TestCaseError> {
    match cli::parse(args.clone(), Lang::En) {
        Ok(Command::Help(text)) => prop_assert!(text.contains("Usage"), "{text}"),
        Ok(_) => {}
        Err(Refusal { problem: p, .. }) => {
            for lang in [Lang::Zh, Lang::En] {
                let line = problem(&p, lang);
                prop_assert!(!line.is_empty(), "{args:?}");
                prop_assert!(
                    !line.contains(char::is_control),
                    "{args:?} → {p:?} → {line:?}"
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 4000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_command_line_gives_a_command_or_one_line(args in command_line()) {
        check(args)?;
    }
}

#[test]
fn the_real_options_are_many() {
    let options = real_options();
    assert!(options.len() > 30, "{options:?}");
    for option in ["--kill-chance", "--burst", "--pages", "--lang", "--events"] {
        assert!(options.contains(&option.to_string()), "{option}");
    }
}

/// Lines that once broke, or would break, a hand-written reader.
#[test]
fn known_hard_lines_are_refused_in_one_line() {
    for line in [
        vec!["run", "hotdog", "--until", "1e300s"],
        vec!["run", "hotdog", "--produce-delay", "const:1e308s"],
        vec!["run", "hotdog", "--items", "99999999999999999999999"],
        vec!["run", "peak-shaving", "--burst", "90s,1s,1e400"],
        vec![
            "run",
            "scraper",
            "--pages",
            "a",
            "--regex",
            "(a{1000}){1000}",
        ],
        vec![
            "run",
            "termination",
            "--kill-chance",
            "NaN",
            "--kill-consumer",
            "1",
        ],
        vec!["run", "hotdog", "--items", "热狗\n第二行"],
    ] {
        let args: Vec<OsString> = line.iter().map(OsString::from).collect();
        let refusal = match cli::parse(args, Lang::En) {
            Err(refusal) => refusal,
            Ok(_) => panic!("{line:?} was taken"),
        };
        let words = problem(&refusal.problem, Lang::En);
        assert_eq!(words.lines().count(), 1, "{line:?}: {words}");
    }
}
