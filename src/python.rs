//! The Python program that matches a scenario and its settings, in the
//! seed's style: `multiprocessing` with a `JoinableQueue` (or a plain
//! `Queue` for `plain`), one `Process` per producer and consumer, then
//! `p.join()`, `q.join()` and `c.terminate()`. It uses only the standard
//! library, scales every delay by one `TIME_SCALE` constant, and ends with a
//! line `produced=N consumed=M`.
//!
//! The `termination` scenario shows its chosen [`Strategy`]: daemon
//! consumers, sentinels (one per consumer, or the one-sentinel bug), or
//! `Queue.shutdown()`, which only `queue.Queue` has (Python 3.13+), so those
//! two programs use threads and exit early on older Pythons.

use std::time::Duration;

use crate::delay::Delay;
use crate::i18n::actor_name;
use crate::i18n::python::{
    py_consumer_pattern, py_item_expr, py_print_ate, py_print_made, py_producer_pattern,
    py_settings, py_text,
};
use crate::lang::Lang;
use crate::number::exact_decimal;
use crate::scenario::{Config, ScenarioKind};
use crate::termination::Strategy;
use crate::trace::Role;

/// The line that sets the time scale, exactly as generated; replace it to
/// run the program faster (`TIME_SCALE = 0.01` is 100 times faster).
pub const TIME_SCALE_LINE: &str = "TIME_SCALE = 1.0";

/// Up to this many producers (or consumers) get a variable each (`p1`,
/// `p2`, as in the seed); more are kept in a list.
const NAMED_PROCESSES: u32 = 4;

/// Slack for the plain demo's timeout, in real seconds (starting processes
/// costs real time whatever the scale).
const TIMEOUT_SLACK: Duration = Duration::from_secs(2);

/// The Python program for `config`, with comments and printed lines in `lang`.
pub fn python_code(config: &Config, lang: Lang) -> String {
    let mut py = Py::default();
    header(&mut py, config, lang);
    producer_fn(&mut py, config, lang);
    consumer_fn(&mut py, config, lang);
    main_block(&mut py, config, lang);
    py.out
}

/// A Python source being written, line by line.
#[derive(Default)]
struct Py {
    out: String,
}

impl Py {
    /// One line at `indent` levels of four spaces.
    fn line(&mut self, indent: usize, text: &str) {
        if !text.is_empty() {
            for _ in 0..indent {
                self.out.push_str("    ");
            }
            self.out.push_str(text);
        }
        self.out.push('\n');
    }

    /// A comment, one `#` line per line of `text`.
    fn comment(&mut self, indent: usize, text: &str) {
        for part in text.lines() {
            self.line(indent, &format!("# {part}"));
        }
    }

    /// A line of code with a trailing comment.
    fn commented(&mut self, indent: usize, code: &str, comment: &str) {
        self.line(indent, &format!("{code}  # {comment}"));
    }
}

/// A Python string literal (double-quoted, escaped).
fn py_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Seconds as a Python float literal: `0.25`, `1.0`.
fn py_secs(d: Duration) -> String {
    py_seconds(d.as_nanos())
}

/// `nanos` nanoseconds in seconds, exactly (no float in between): the text
/// Python prints for the float it reads back.
fn py_seconds(nanos: u128) -> String {
    let whole = u64::try_from(nanos / 1_000_000_000).unwrap_or(u64::MAX);
    let part = (nanos % 1_000_000_000) as u64;
    match exact_decimal(part, 9).strip_prefix('0') {
        Some(fraction) if !fraction.is_empty() => format!("{whole}{fraction}"),
        _ => format!("{whole}.0"),
    }
}

/// The Python expression drawing one delay in seconds (before scaling).
fn delay_expr(delay: Delay) -> String {
    match delay {
        Delay::Const(d) => py_secs(d),
        Delay::Uniform(lo, hi) => format!("random.uniform({}, {})", py_secs(lo), py_secs(hi)),
        // expovariate(1 / 0) would divide by zero; a zero mean is always 0.
        Delay::Exp(mean) if mean.is_zero() => py_secs(mean),
        Delay::Exp(mean) => format!("random.expovariate(1 / {})", py_secs(mean)),
    }
}

fn uses_random(delay: Delay) -> bool {
    match delay {
        Delay::Const(_) => false,
        Delay::Uniform(..) => true,
        Delay::Exp(mean) => !mean.is_zero(),
    }
}

fn sleep_line(delay: Delay) -> String {
    format!("time.sleep({} * TIME_SCALE)", delay_expr(delay))
}

/// The variable holding one item in the tasks: the seed's `dog`, or `data`.
fn item_var(scenario: ScenarioKind) -> &'static str {
    if scenario.hot_dogs() {
        "dog"
    } else {
        "data"
    }
}

/// Whether consumers call `task_done()` (every strategy but `none`).
fn joinable(config: &Config) -> bool {
    config.strategy() != Strategy::None
}

/// Whether the program runs threads around a `queue.Queue` (the shutdown
/// strategies) instead of processes around a `multiprocessing` queue.
fn threaded(config: &Config) -> bool {
    matches!(
        config.strategy(),
        Strategy::Shutdown | Strategy::ShutdownImmediate
    )
}

/// Whether main gives up on blocked consumers after `TIMEOUT`.
fn times_out(config: &Config) -> bool {
    matches!(config.strategy(), Strategy::None | Strategy::SentinelBug)
}

/// Whether consumers stop at a `None` sentinel.
fn uses_sentinels(config: &Config) -> bool {
    config.strategy().sentinels(config.consumers) > 0
}

fn queue_class(config: &Config) -> &'static str {
    if threaded(config) {
        "queue.Queue"
    } else if joinable(config) {
        "JoinableQueue"
    } else {
        "Queue"
    }
}

/// The class running each producer and consumer.
fn worker_class(config: &Config) -> &'static str {
    if threaded(config) {
        "Thread"
    } else {
        "Process"
    }
}

fn header(py: &mut Py, config: &Config, lang: Lang) {
    let t = py_text(lang);
    let title = match config.scenario {
        ScenarioKind::Plain => t.title_plain.to_string(),
        ScenarioKind::Hotdog => t.title_hotdog.to_string(),
        ScenarioKind::Termination => format!("{}{}", t.title_termination, config.strategy()),
        ScenarioKind::Custom => t.title_custom.to_string(),
    };
    let roles = if config.scenario.hot_dogs() {
        t.roles_hotdog
    } else {
        t.roles_data
    };
    py.line(0, "# -*- coding: utf-8 -*-");
    py.line(0, "\"\"\"");
    py.line(0, &title);
    py.line(0, "");
    for part in roles.lines() {
        py.line(0, part);
    }
    py.line(0, "");
    py.line(0, t.generated);
    for part in py_settings(config, lang).lines() {
        py.line(0, part);
    }
    py.line(0, t.real_time);
    py.line(0, t.stdlib_only);
    py.line(0, "\"\"\"");
    let lab = config.termination;
    if config.scenario == ScenarioKind::Termination
        && (lab.forget_task_done.is_some()
            || lab.extra_task_done.is_some()
            || lab.kill.is_some()
            || lab.broker_ack)
    {
        py.comment(0, t.failures_elsewhere);
    }
    if threaded(config) {
        py.comment(0, t.no_mp_shutdown);
        py.line(0, "from multiprocessing import Value");
        py.line(0, "from threading import Thread");
        py.line(0, "import queue");
        py.line(0, "import sys");
    } else {
        let queue = queue_class(config);
        py.line(
            0,
            &format!("from multiprocessing import Process, {queue}, Value"),
        );
    }
    if uses_random(config.produce_delay) || uses_random(config.consume_delay) {
        py.line(0, "import random");
    }
    py.line(0, "import time");
    py.line(0, "");
    py.comment(0, t.time_scale);
    py.line(0, TIME_SCALE_LINE);
    if times_out(config) {
        py.comment(0, t.timeout);
        let per_consumer = config.total_items().div_ceil(u64::from(config.consumers));
        let work = 2 * u128::from(per_consumer) * config.consume_delay.mean().as_nanos();
        py.line(
            0,
            &format!(
                "TIMEOUT = {} + {} * TIME_SCALE",
                py_secs(TIMEOUT_SLACK),
                py_seconds(work)
            ),
        );
    }
    py.line(0, "");
    py.line(0, "");
}

fn producer_fn(py: &mut Py, config: &Config, lang: Lang) {
    let t = py_text(lang);
    let var = item_var(config.scenario);
    py.comment(0, t.producer_task);
    py.line(0, "def product(q, name, produced):");
    py.line(1, &format!("for i in range({}):", config.items));
    py.line(
        2,
        &format!("{var} = {}", py_item_expr(config.scenario, lang)),
    );
    py.line(2, &sleep_line(config.produce_delay));
    py.line(2, &py_print_made(lang, var));
    py.line(2, "with produced.get_lock():");
    py.line(3, "produced.value += 1");
    py.comment(2, t.put_in_queue);
    py.line(2, &format!("q.put({var})"));
    py.line(0, "");
    py.line(0, "");
}

fn consumer_fn(py: &mut Py, config: &Config, lang: Lang) {
    let t = py_text(lang);
    let var = item_var(config.scenario);
    let title = if config.scenario.hot_dogs() {
        t.consumer_task_hotdog
    } else {
        t.consumer_task_data
    };
    py.comment(0, title);
    py.line(0, "def customer(q, consumed):");
    py.line(1, "while True:");
    if threaded(config) {
        py.line(2, "try:");
        py.line(3, &format!("{var} = q.get()"));
        py.commented(2, "except queue.ShutDown:", t.shut_down_caught);
        py.line(3, "break");
    } else {
        py.line(2, &format!("{var} = q.get()"));
    }
    if uses_sentinels(config) {
        py.commented(2, &format!("if {var} is None:"), t.sentinel_seen);
        py.commented(3, "q.task_done()", t.sentinel_task_done);
        py.line(3, "break");
    }
    py.line(2, &sleep_line(config.consume_delay));
    py.line(2, &py_print_ate(lang, var));
    py.line(2, "with consumed.get_lock():");
    py.line(3, "consumed.value += 1");
    if joinable(config) {
        py.commented(2, "q.task_done()", t.task_done);
    } else {
        py.comment(2, t.no_task_done);
    }
    py.line(0, "");
    py.line(0, "");
}

/// The producers' process variables, or `None` when they live in a list.
fn producer_vars(config: &Config) -> Option<Vec<String>> {
    (config.producers <= NAMED_PROCESSES)
        .then(|| (1..=config.producers).map(|i| format!("p{i}")).collect())
}

/// The consumers' process variables (`c` alone, as in the seed, or `c1`…),
/// or `None` when they live in a list.
fn consumer_vars(config: &Config) -> Option<Vec<String>> {
    match config.consumers {
        1 => Some(vec!["c".to_string()]),
        n if n <= NAMED_PROCESSES => Some((1..=n).map(|i| format!("c{i}")).collect()),
        _ => None,
    }
}

fn main_block(py: &mut Py, config: &Config, lang: Lang) {
    let t = py_text(lang);
    let scenario = config.scenario;
    let worker = worker_class(config);
    let strategy = config.strategy();
    py.line(0, "if __name__ == '__main__':");
    if threaded(config) {
        py.line(1, "if sys.version_info < (3, 13):");
        py.line(
            2,
            &format!(
                "print({} % sys.version_info[:2], flush=True)",
                py_str(t.needs_313)
            ),
        );
        py.line(2, "sys.exit(0)");
    }
    py.comment(1, t.shared_container);
    let maxsize = match config.capacity {
        0 => String::new(),
        n => format!("maxsize={n}"),
    };
    py.line(1, &format!("q = {}({maxsize})", queue_class(config)));
    py.comment(1, t.counters);
    py.line(1, "produced = Value('q', 0)");
    py.line(1, "consumed = Value('q', 0)");

    // Start the producers, then the consumers.
    py.comment(1, t.producer_processes);
    let producers = producer_vars(config);
    match &producers {
        Some(vars) => {
            for (i, var) in (0u32..).zip(vars) {
                let name = actor_name(scenario, Role::Producer(i), lang);
                py.line(
                    1,
                    &format!(
                        "{var} = {worker}(target=product, args=(q, {}, produced))",
                        py_str(&name)
                    ),
                );
            }
            for var in vars {
                py.line(1, &format!("{var}.start()"));
            }
        }
        None => {
            if scenario.hot_dogs() {
                py.line(1, "names = [");
                for i in 0..config.producers {
                    let name = actor_name(scenario, Role::Producer(i), lang);
                    py.line(2, &format!("{},", py_str(&name)));
                }
                py.line(1, "]");
            } else {
                py.line(
                    1,
                    &format!(
                        "names = [{} % (i + 1) for i in range({})]",
                        py_str(py_producer_pattern(lang)),
                        config.producers
                    ),
                );
            }
            py.line(
                1,
                &format!(
                    "producers = [{worker}(target=product, args=(q, name, produced)) for name in names]"
                ),
            );
            py.line(1, "for p in producers:");
            py.line(2, "p.start()");
        }
    }
    py.comment(1, t.consumer_processes);
    let consumers = consumer_vars(config);
    match &consumers {
        Some(vars) => {
            for var in vars {
                py.line(
                    1,
                    &format!("{var} = {worker}(target=customer, args=(q, consumed))"),
                );
            }
            if vars.len() == 1 && strategy == Strategy::JoinTerminate {
                py.comment(1, t.daemon_hint);
            }
            for var in vars {
                if strategy == Strategy::Daemon {
                    py.commented(1, &format!("{var}.daemon = True"), t.daemon_on);
                }
                py.line(1, &format!("{var}.start()"));
            }
        }
        None => {
            py.line(
                1,
                &format!(
                    "consumers = [{worker}(target=customer, args=(q, consumed)) for _ in range({})]",
                    config.consumers
                ),
            );
            py.line(1, "for c in consumers:");
            if strategy == Strategy::Daemon {
                py.commented(2, "c.daemon = True", t.daemon_on);
            }
            py.line(2, "c.start()");
        }
    }

    // p.join() for every producer.
    match &producers {
        Some(vars) => {
            for (i, var) in vars.iter().enumerate() {
                let join = format!("{var}.join()");
                if i + 1 == vars.len() {
                    py.commented(1, &join, t.producers_done);
                } else {
                    py.line(1, &join);
                }
            }
        }
        None => {
            py.line(1, "for p in producers:");
            py.line(2, "p.join()");
            py.comment(1, t.producers_done);
        }
    }

    let consumers = consumers.as_deref();
    match strategy {
        Strategy::None => plain_ending(py, config, lang, consumers, t.plain_problem),
        Strategy::JoinTerminate => {
            py.commented(1, "q.join()", t.queue_done);
            py.comment(1, t.end_all);
            each_consumer(py, consumers, |py, indent, var| {
                py.commented(indent, &format!("{var}.terminate()"), t.terminate);
            });
        }
        Strategy::Daemon => {
            py.commented(1, "q.join()", t.queue_done);
            py.comment(1, t.daemon_end);
        }
        Strategy::Sentinel => {
            py.comment(1, t.put_sentinels);
            py.line(1, &format!("for _ in range({}):", config.consumers));
            py.line(2, "q.put(None)");
            join_consumers(py, consumers, lang);
        }
        Strategy::SentinelBug => {
            py.line(1, "q.put(None)");
            plain_ending(py, config, lang, consumers, t.sentinel_bug_problem);
        }
        Strategy::Shutdown => {
            py.commented(1, "q.shutdown()", t.shutdown);
            join_consumers(py, consumers, lang);
        }
        Strategy::ShutdownImmediate => {
            py.commented(1, "q.shutdown(immediate=True)", t.shutdown_immediate);
            join_consumers(py, consumers, lang);
        }
    }

    py.comment(1, t.final_counts);
    py.line(
        1,
        r#"print("produced=%d consumed=%d" % (produced.value, consumed.value), flush=True)"#,
    );
}

/// `body(py, indent, var)` for every consumer variable, or in a loop over
/// the list `consumers` with the variable `c`.
fn each_consumer(py: &mut Py, consumers: Option<&[String]>, body: impl Fn(&mut Py, usize, &str)) {
    match consumers {
        Some(vars) => {
            for var in vars {
                body(py, 1, var);
            }
        }
        None => {
            py.line(1, "for c in consumers:");
            body(py, 2, "c");
        }
    }
}

/// Main waits for consumers that end by themselves.
fn join_consumers(py: &mut Py, consumers: Option<&[String]>, lang: Lang) {
    py.comment(1, py_text(lang).join_consumers);
    each_consumer(py, consumers, |py, indent, var| {
        py.line(indent, &format!("{var}.join()"));
    });
}

/// The ending of consumers that may never end by themselves (`none`, and
/// `sentinel-bug` for all but one): main waits up to `TIMEOUT`, reports
/// those still blocked in `get()` and terminates them; `problem` says why.
fn plain_ending(
    py: &mut Py,
    config: &Config,
    lang: Lang,
    consumers: Option<&[String]>,
    problem: &[&str],
) {
    let t = py_text(lang);
    for part in problem {
        py.comment(1, part);
    }
    py.line(1, "deadline = time.monotonic() + TIMEOUT");
    let blocked = py_str(t.still_blocked);
    let check = |py: &mut Py, indent: usize, var: &str, name: &str| {
        py.line(
            indent,
            &format!("{var}.join(max(0.0, deadline - time.monotonic()))"),
        );
        py.line(indent, &format!("if {var}.is_alive():"));
        py.line(
            indent + 1,
            &format!("print({blocked} % ({name}, TIMEOUT), flush=True)"),
        );
        py.line(indent + 1, &format!("{var}.terminate()"));
    };
    match consumers {
        Some(vars) => {
            for (i, var) in (0u32..).zip(vars) {
                let name = actor_name(config.scenario, Role::Consumer(i), lang);
                check(py, 1, var, &py_str(&name));
            }
        }
        None => {
            // The consumer's name from its 0-based index `i`.
            let name = format!("{} % (i + 1)", py_str(py_consumer_pattern(lang)));
            py.line(1, "for i, c in enumerate(consumers):");
            check(py, 2, "c", &name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::item_name;
    use crate::trace::ItemId;

    #[test]
    fn seconds_are_written_exactly_as_python_floats() {
        assert_eq!(py_seconds(0), "0.0");
        assert_eq!(py_seconds(2_000_000_000), "2.0");
        assert_eq!(py_seconds(1_500_000), "0.0015");
        assert_eq!(py_seconds(86_400_000_000_001), "86400.000000001");
        // The same text as the float of the same number of seconds prints.
        for nanos in (0..5_000_000_000u128).step_by(7_777_777) {
            let float = format!("{:?}", nanos as f64 / 1e9);
            assert_eq!(py_seconds(nanos), float, "{nanos} ns");
        }
    }

    #[test]
    fn delays_become_python_expressions() {
        let ms = Duration::from_millis;
        assert_eq!(delay_expr(Delay::Const(ms(250))), "0.25");
        assert_eq!(delay_expr(Delay::Const(ms(2000))), "2.0");
        assert_eq!(
            delay_expr(Delay::Uniform(ms(0), ms(1000))),
            "random.uniform(0.0, 1.0)"
        );
        assert_eq!(
            delay_expr(Delay::Exp(ms(100))),
            "random.expovariate(1 / 0.1)"
        );
        assert_eq!(delay_expr(Delay::Exp(ms(0))), "0.0");
        assert_eq!(
            delay_expr(Delay::Const(Duration::from_micros(1500))),
            "0.0015"
        );
    }

    #[test]
    fn python_strings_are_escaped() {
        assert_eq!(py_str(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(py_str("上海分店"), "\"上海分店\"");
    }

    /// Evaluates the few `%` patterns the generator uses, as Python would.
    fn percent(pattern: &str, args: &[&str]) -> String {
        let mut out = pattern.to_string();
        for arg in args {
            let at = out.find('%').expect("a placeholder per argument");
            out.replace_range(at..at + 2, arg);
        }
        out
    }

    #[test]
    fn python_item_names_match_the_page() {
        for lang in [Lang::Zh, Lang::En] {
            for scenario in ScenarioKind::ALL {
                let expr = py_item_expr(scenario, lang);
                let (pattern, args) = expr.split_once(" % ").unwrap();
                let pattern = pattern.trim_matches('"');
                let name = actor_name(scenario, Role::Producer(1), lang);
                // `(name, (i + 1))` or `((i + 1), name)` with i = 2.
                let args: Vec<&str> = if args.starts_with("(name") {
                    vec![&name, "3"]
                } else {
                    vec!["3", &name]
                };
                let item = ItemId { origin: 1, seq: 3 };
                assert_eq!(
                    percent(pattern, &args),
                    item_name(scenario, item, lang),
                    "{scenario} {lang:?}"
                );
            }
            let producer = percent(py_producer_pattern(lang), &["7"]);
            assert_eq!(
                producer,
                actor_name(ScenarioKind::Custom, Role::Producer(6), lang)
            );
            let consumer = percent(py_consumer_pattern(lang), &["7"]);
            assert_eq!(
                consumer,
                actor_name(ScenarioKind::Custom, Role::Consumer(6), lang)
            );
        }
    }
}
