//! The Python program that matches a scenario and its settings, in the
//! seed's style: `multiprocessing` with a `JoinableQueue` (or a plain
//! `Queue` for `plain`), one `Process` per producer and consumer, then
//! `p.join()`, `q.join()` and `c.terminate()`. It uses only the standard
//! library and scales every delay by one `TIME_SCALE` constant.
//!
//! The program says what Canteen's run of the same settings says: its last
//! line counts `produced`, `consumed`, `task_done`, `errors` (a `ValueError`
//! from one `task_done()` too many), `lost` (items in the hands of a consumer
//! that died or was terminated), `dropped` and the `outcome`, and it exits
//! with [`EXIT_STUCK`] where the run is stuck: where a real program would
//! wait forever, main gives up once nothing has happened for `TIMEOUT`
//! seconds and says what still waits. Every line is printed with one write.
//!
//! The `termination` scenario shows its chosen [`Strategy`] and carries out
//! its injected failures: the forgotten `task_done()` is not called, the
//! extra one is, and the doomed consumer's process is killed with
//! `Process.kill()` in the middle of its item. `Queue.shutdown()` exists
//! only in `queue.Queue` from Python 3.13, so the two `shutdown` programs use
//! threads and exit with [`EXIT_NEEDS_313`] on older Pythons. The scraper's
//! program is in [`scraper`].

pub mod scraper;
mod writer;

use std::time::Duration;

use crate::delay::Delay;
use crate::i18n::actor_name;
use crate::i18n::python::{
    py_consumer_pattern, py_failures, py_item_expr, py_producer_pattern, py_say_ate, py_say_made,
    py_settings, py_text, PyText,
};
use crate::lang::Lang;
use crate::number::Shortest;
use crate::scenario::ending::{Kill, KillWhen, Strategy};
use crate::scenario::{Config, ScenarioKind};
use crate::trace::Role;
use writer::{delay_expr, py_secs, py_str, sleep_line, uses_random, Py};

/// The line that sets the time scale, exactly as generated; replace it to
/// run the program faster (`TIME_SCALE = 0.01` is 100 times faster).
pub const TIME_SCALE_LINE: &str = "TIME_SCALE = 1.0";

/// The exit status of a program whose main gave up waiting: the run of the
/// same settings ends stuck.
pub const EXIT_STUCK: i32 = 3;

/// The exit status of the `shutdown` programs on Python < 3.13.
pub const EXIT_NEEDS_313: i32 = 2;

/// Up to this many producers (or consumers) get a variable each (`p1`,
/// `p2`, as in the seed); more are kept in a list.
const NAMED_PROCESSES: u32 = 4;

/// Slack for the bounded waits, in real seconds: starting processes and a
/// busy machine cost real time whatever the scale.
const TIMEOUT_SLACK: Duration = Duration::from_secs(2);

/// The Python program for `config`, with comments and printed lines in `lang`.
pub fn python_code(config: &Config, lang: Lang) -> String {
    let plan = Plan::of(config);
    let mut py = Py {
        var: plan.item_var(),
        ..Py::default()
    };
    let t = py_text(lang);
    header(&mut py, &plan, lang);
    helpers(&mut py, &plan, t);
    producer_fn(&mut py, &plan, lang);
    consumer_fn(&mut py, &plan, lang);
    main_block(&mut py, &plan, lang);
    py.out
}

/// What the program for a config contains, decided once.
struct Plan<'a> {
    config: &'a Config,
    strategy: Strategy,
    /// Threads around a `queue.Queue` (the shutdown strategies) instead of
    /// processes around a `multiprocessing` queue.
    threaded: bool,
    /// Consumers call `task_done()` (every scenario but `plain`, as in the run).
    joinable: bool,
    sentinels: bool,
    forget: Option<u64>,
    extra: Option<u64>,
    kill: Option<Kill>,
    /// Main waits for consumers that may never end.
    consumers_may_hang: bool,
    /// `q.join()` may never return.
    join_may_hang: bool,
    /// Producers may block forever in `put()` (a bounded queue, and the
    /// consumers may all die).
    producers_may_hang: bool,
    producers: Workers,
    consumers: Workers,
}

impl Plan<'_> {
    fn of(config: &Config) -> Plan<'_> {
        let strategy = config.strategy();
        let lab = config.termination;
        let threaded = matches!(strategy, Strategy::Shutdown | Strategy::ShutdownImmediate);
        let joins = matches!(strategy, Strategy::JoinTerminate | Strategy::Daemon);
        let may_lose = lab.forget_task_done.is_some() || lab.kill.is_some();
        Plan {
            config,
            strategy,
            threaded,
            joinable: config.scenario.joinable(),
            sentinels: strategy.sentinels(config.consumers) > 0,
            forget: lab.forget_task_done,
            extra: lab.extra_task_done,
            kill: lab.kill,
            consumers_may_hang: matches!(strategy, Strategy::None | Strategy::SentinelBug),
            join_may_hang: joins && may_lose,
            producers_may_hang: !threaded && lab.kill.is_some() && config.capacity > 0,
            producers: Workers::producers(config.producers),
            consumers: Workers::consumers(config.consumers),
        }
    }

    /// Whether main has a bounded wait (and so `TIMEOUT` and `wait()`).
    fn waits(&self) -> bool {
        self.consumers_may_hang || self.join_may_hang || self.producers_may_hang
    }

    /// The class running each producer and consumer.
    fn worker(&self) -> &'static str {
        if self.threaded {
            "Thread"
        } else {
            "Process"
        }
    }

    fn queue_class(&self) -> &'static str {
        if self.threaded {
            "queue.Queue"
        } else if self.joinable {
            "JoinableQueue"
        } else {
            "Queue"
        }
    }

    /// The variable holding one item: the seed's `dog`, or `data`.
    fn item_var(&self) -> &'static str {
        if self.config.scenario.hot_dogs() {
            "dog"
        } else {
            "data"
        }
    }
}

/// One side's workers as the program holds them: a variable each (`p1`,
/// `c`…), or a list (`producers`, `consumers`).
struct Workers {
    /// The variables, or `None` for a list.
    named: Option<Vec<String>>,
    /// How many there are.
    n: u32,
    /// The list's name, and the variable of one worker in its loops.
    list: &'static str,
    each: &'static str,
}

impl Workers {
    /// `n` producers: `p1`, `p2`… or the list `producers`.
    fn producers(n: u32) -> Workers {
        let named = (n <= NAMED_PROCESSES).then(|| (1..=n).map(|i| format!("p{i}")).collect());
        Workers {
            named,
            n,
            list: "producers",
            each: "p",
        }
    }

    /// `n` consumers: `c` alone, as in the seed, or `c1`…, or the list
    /// `consumers`.
    fn consumers(n: u32) -> Workers {
        let named = match n {
            1 => Some(vec!["c".to_string()]),
            n if n <= NAMED_PROCESSES => Some((1..=n).map(|i| format!("c{i}")).collect()),
            _ => None,
        };
        Workers {
            named,
            n,
            list: "consumers",
            each: "c",
        }
    }

    /// The Python test that every worker has ended: `not c.is_alive()`,
    /// `not any(p.is_alive() for p in [p1, p2])` or `… in producers)`.
    fn none_alive(&self) -> String {
        let list = match &self.named {
            Some(vars) if vars.len() == 1 => return format!("not {}.is_alive()", vars[0]),
            Some(vars) => format!("[{}]", vars.join(", ")),
            None => self.list.to_string(),
        };
        let each = self.each;
        format!("not any({each}.is_alive() for {each} in {list})")
    }

    /// `body(py, indent, var, name)` for every worker at `indent`, or once
    /// in a loop over the list (`for i, c in enumerate(consumers):`);
    /// `name` is a Python expression of the worker's name: `name_of(i)` as
    /// a literal for a variable, `in_loop` in the loop.
    fn each(
        &self,
        py: &mut Py,
        indent: usize,
        name_of: &dyn Fn(u32) -> String,
        in_loop: &str,
        body: &mut dyn FnMut(&mut Py, usize, &str, &str),
    ) {
        match &self.named {
            Some(vars) => {
                for (i, var) in (0u32..).zip(vars) {
                    body(py, indent, var, &py_str(&name_of(i)));
                }
            }
            None => {
                py.line_args(
                    indent,
                    format_args!("for i, {} in enumerate({}):", self.each, self.list),
                );
                body(py, indent + 1, self.each, in_loop);
            }
        }
    }
}

/// The longest one draw of `delay` takes, for the bounded waits: its upper
/// bound, or ten times the mean of an exponential (exceeded once in e^10).
fn longest(delay: Delay) -> Duration {
    match delay {
        Delay::Const(d) | Delay::Uniform(_, d) => d,
        Delay::Exp(mean) => mean.saturating_mul(10),
    }
}

/// `TIMEOUT = 2.0 + … * TIME_SCALE`: the quiet time after which main stops
/// waiting, longer than any one item of `delay` takes.
fn timeout_line(delay: Delay) -> String {
    format!(
        "TIMEOUT = {} + {} * TIME_SCALE",
        py_secs(TIMEOUT_SLACK),
        py_secs(longest(delay))
    )
}

fn header(py: &mut Py, plan: &Plan, lang: Lang) {
    let t = py_text(lang);
    let config = plan.config;
    let title = match config.scenario {
        ScenarioKind::Plain => t.title_plain.to_string(),
        ScenarioKind::Hotdog => t.title_hotdog.to_string(),
        ScenarioKind::Termination => format!("{}{}", t.title_termination, plan.strategy),
        ScenarioKind::Custom => t.title_custom.to_string(),
    };
    let roles = if config.scenario.hot_dogs() {
        t.roles_hotdog
    } else {
        t.roles_data
    };
    py.block(0, "# -*- coding: utf-8 -*-\n\"\"\"");
    py.line(0, &title);
    py.line(0, "");
    py.block(0, roles);
    py.line(0, "");
    py.line(0, t.generated);
    py.block(0, &py_settings(config, lang));
    let failures = py_failures(config, lang);
    if !failures.is_empty() {
        py.line(0, t.failures_title);
        for failure in &failures {
            py.line(0, failure);
        }
    }
    if config.termination.broker_ack {
        py.line(0, "");
        py.block(0, t.broker_note);
    }
    py.line(0, "");
    py.block(0, t.about);
    py.line(0, "\"\"\"");
    if plan.threaded {
        py.comment(0, t.no_mp_shutdown);
        if plan.kill.is_some() {
            py.comment(0, t.thread_kill);
        }
        py.block(
            0,
            "from multiprocessing import Array\nfrom threading import Thread\nimport queue",
        );
    } else {
        let simple = if plan.kill.is_some() {
            ", SimpleQueue"
        } else {
            ""
        };
        py.line_args(
            0,
            format_args!(
                "from multiprocessing import Process, {}, Array{simple}",
                plan.queue_class()
            ),
        );
        if plan.join_may_hang || plan.kill.is_some() {
            py.line(0, "from threading import Thread");
        }
    }
    let chance = matches!(
        plan.kill,
        Some(Kill {
            when: KillWhen::Chance(_),
            ..
        })
    );
    if uses_random(config.produce_delay) || uses_random(config.consume_delay) || chance {
        py.line(0, "import random");
    }
    py.block(0, "import sys\nimport time\n");
    py.comment(0, t.time_scale);
    py.line(0, TIME_SCALE_LINE);
    if plan.waits() {
        py.comment(0, t.timeout);
        py.line(0, &timeout_line(config.consume_delay));
    }
    if let Some(n) = plan.forget {
        py.commented(0, &format!("FORGET_TASK_DONE = {n}"), t.forget_const);
    }
    if let Some(n) = plan.extra {
        py.commented(0, &format!("EXTRA_TASK_DONE = {n}"), t.extra_const);
    }
    match plan.kill.map(|k| k.when) {
        Some(KillWhen::At(at)) => {
            py.commented(0, &format!("KILL_AT = {}", py_secs(at)), t.kill_at_const)
        }
        Some(KillWhen::Chance(p)) => py.commented(
            0,
            &format!("KILL_CHANCE = {}", Shortest(p)),
            t.kill_chance_const,
        ),
        None => {}
    }
    py.comment(0, t.counters);
    py.line(
        0,
        "PRODUCED, CONSUMED, TASK_DONE, ERRORS, IN_HAND = range(5)",
    );
    py.gap();
}

/// `say()`, one write per line, and `add()`, a shared counter's `+= n`.
fn say_and_add(py: &mut Py, t: &PyText) {
    py.line(0, "def say(line):");
    py.comment(1, t.say);
    py.block(
        0,
        "    sys.stdout.write(line + \"\\n\")\n    sys.stdout.flush()\n\n\ndef add(counts, what, n=1):",
    );
    py.block(
        0,
        "    with counts.get_lock():\n        counts[what] += n\n        return counts[what]\n\n",
    );
}

/// `wait(done, counts)`: main's bounded wait, which gives up once no
/// counter has changed for `TIMEOUT` seconds.
fn wait_fn(py: &mut Py, t: &PyText) {
    py.line(0, "def wait(done, counts):");
    py.comment(1, t.wait);
    py.block(
        1,
        "seen, since = counts[:], time.monotonic()
while not done():
    time.sleep(0.01)
    if counts[:] != seen:
        seen, since = counts[:], time.monotonic()
    elif time.monotonic() - since > TIMEOUT:
        return False
return True

",
    );
}

/// The body of `finish()`: the last line, then the exit status.
const FINISH: &str = r#"    n = counts.get_obj()
    say("produced=%d consumed=%d task_done=%d errors=%d lost=%d dropped=%d outcome=%s" % (
        n[PRODUCED], n[CONSUMED], n[TASK_DONE], n[ERRORS], n[IN_HAND], dropped,
        "stuck" if stuck else "completed"))
    sys.exit(3 if stuck else 0)

"#;

/// `say`, `add` and `finish`, and the helpers only some programs need:
/// `wait`, `death` and `kill_when_dying`.
fn helpers(py: &mut Py, plan: &Plan, t: &PyText) {
    say_and_add(py, t);
    if plan.waits() {
        wait_fn(py, t);
    }
    py.line(0, "def finish(counts, stuck, dropped=0):");
    py.comment(1, t.finish);
    py.block(0, FINISH);
    let Some(kill) = plan.kill else { return };
    py.line(0, "def death(start, work):");
    py.comment(1, t.death);
    py.block(
        1,
        match kill.when {
            KillWhen::At(_) => {
                "if KILL_AT < start:
    return start + work / 2
if KILL_AT < start + work:
    return KILL_AT
return None

"
            }
            KillWhen::Chance(_) => {
                "if random.random() < KILL_CHANCE:
    return start + work / 2
return None

"
            }
        },
    );
    if plan.threaded {
        return;
    }
    py.line(0, "def kill_when_dying(c, name, dying):");
    py.comment(1, t.kill_when_dying);
    py.block(1, "$ = dying.get()");
    py.commented(1, "c.kill()", t.kill_call);
    say_about_item(py, 1, t.killed_line);
    py.gap();
}

fn producer_fn(py: &mut Py, plan: &Plan, lang: Lang) {
    let t = py_text(lang);
    let config = plan.config;
    py.comment(0, t.producer_task);
    py.line(0, "def product(q, name, counts):");
    py.line_args(1, format_args!("for i in range({}):", config.items));
    let var = py.var;
    py.line_args(
        2,
        format_args!("{var} = {}", py_item_expr(config.scenario, lang)),
    );
    py.line(2, &sleep_line(config.produce_delay));
    py.line(2, &py_say_made(lang, py.var));
    py.line(2, "add(counts, PRODUCED)");
    py.comment(2, t.put_in_queue);
    py.block(2, "q.put($)\n\n");
}

fn consumer_fn(py: &mut Py, plan: &Plan, lang: Lang) {
    let t = py_text(lang);
    let config = plan.config;
    let title = if config.scenario.hot_dogs() {
        t.consumer_task_hotdog
    } else {
        t.consumer_task_data
    };
    py.comment(0, title);
    if plan.kill.is_some() {
        py.line(0, "def customer(q, name, counts, dying=None, t0=0.0):");
    } else {
        py.line(0, "def customer(q, name, counts):");
    }
    if plan.threaded {
        py.block(1, "while True:\n    try:\n        $ = q.get()");
        py.commented(2, "except queue.ShutDown:", t.shut_down_caught);
        py.line(3, "break");
    } else {
        py.block(1, "while True:\n    $ = q.get()");
    }
    if plan.sentinels {
        py.commented(2, &format!("if {} is None:", py.var), t.sentinel_seen);
        if plan.extra.is_some() {
            // One extra task_done() earlier can make the sentinel's raise.
            py.line(3, "try:");
            py.commented(4, "q.task_done()", t.sentinel_task_done);
            py.line(3, "except ValueError as e:");
            extra_raised(py, 4, t);
        } else {
            py.commented(3, "q.task_done()", t.sentinel_task_done);
        }
        py.line(3, "break");
    }
    py.line(2, "add(counts, IN_HAND)");
    if plan.kill.is_some() {
        dying_consumer(py, plan, t);
    } else {
        py.line(2, &sleep_line(config.consume_delay));
    }
    py.line(2, &py_say_ate(lang, py.var));
    if plan.forget.is_some() || plan.extra.is_some() {
        py.line(2, "n = add(counts, CONSUMED)");
    } else {
        py.line(2, "add(counts, CONSUMED)");
    }
    py.line(2, "add(counts, IN_HAND, -1)");
    if !plan.joinable {
        py.comment(2, t.no_task_done);
        py.gap();
        return;
    }
    // The count goes up before the call: once the call lets q.join()
    // return, main may terminate this process at once.
    let mark_done = |py: &mut Py, indent: usize| {
        py.line(indent, "add(counts, TASK_DONE)");
        py.commented(indent, "q.task_done()", t.task_done);
    };
    if plan.forget.is_some() {
        py.commented(2, "if n == FORGET_TASK_DONE:", t.forget_here);
        say_about_item(py, 3, t.forgot_line);
        py.line(2, "else:");
        mark_done(py, 3);
    } else {
        mark_done(py, 2);
    }
    if plan.extra.is_some() {
        py.commented(2, "if n == EXTRA_TASK_DONE:", t.extra_here);
        py.block(3, "try:\n    add(counts, TASK_DONE)\n    q.task_done()");
        say_about_item(py, 4, t.extra_silent_line);
        py.block(3, "except ValueError as e:\n    add(counts, TASK_DONE, -1)");
        extra_raised(py, 4, t);
    }
    py.gap();
}

/// `say("…" % (name, dog))`: a consumer's line about its item, from a
/// pattern with two `%s`.
fn say_about_item(py: &mut Py, indent: usize, pattern: &str) {
    let var = py.var;
    py.line_args(
        indent,
        format_args!("say({} % (name, {var}))", py_str(pattern)),
    );
}

/// The `ValueError` of one `task_done()` too many: counted and printed.
fn extra_raised(py: &mut Py, indent: usize, t: &PyText) {
    py.line(indent, "add(counts, ERRORS)");
    py.line_args(
        indent,
        format_args!("say({} % (name, e))", py_str(t.extra_raised_line)),
    );
}

/// The consumer's work when one consumer is doomed: it draws its work,
/// asks `death()` whether it dies during it, and if so stops halfway:
/// main kills its process (or, for a thread, it returns).
fn dying_consumer(py: &mut Py, plan: &Plan, t: &PyText) {
    py.line_args(
        2,
        format_args!("work = {}", delay_expr(plan.config.consume_delay)),
    );
    py.block(
        2,
        "start = (time.monotonic() - t0) / TIME_SCALE
end = death(start, work) if dying is not None else None
if end is not None:
    time.sleep((end - start) * TIME_SCALE)",
    );
    if plan.threaded {
        say_about_item(py, 3, t.thread_killed_line);
        py.line(3, "return");
    } else {
        py.commented(3, &format!("dying.put({})", py.var), t.dying_put);
        py.line(3, "while True:");
        py.line(4, "time.sleep(1)");
    }
    py.line(2, "time.sleep(work * TIME_SCALE)");
}

fn main_block(py: &mut Py, plan: &Plan, lang: Lang) {
    let t = py_text(lang);
    let config = plan.config;
    let scenario = config.scenario;
    let worker = plan.worker();
    let strategy = plan.strategy;
    py.line(0, "if __name__ == '__main__':");
    if plan.threaded {
        py.line(1, "if sys.version_info < (3, 13):");
        py.line_args(
            2,
            format_args!(
                "sys.stderr.write({} % sys.version_info[:2] + \"\\n\")",
                py_str(t.needs_313)
            ),
        );
        py.line(2, "sys.exit(2)");
    }
    if plan.kill.is_some() {
        py.commented(1, "t0 = time.monotonic()", t.time_zero);
    }
    py.comment(1, t.shared_container);
    let maxsize = match config.capacity {
        0 => String::new(),
        n => format!("maxsize={n}"),
    };
    py.line_args(1, format_args!("q = {}({maxsize})", plan.queue_class()));
    py.line(1, "counts = Array('q', 5)");

    // Start the producers, then the consumers.
    py.comment(1, t.producer_processes);
    let producer_name = |i: u32| actor_name(scenario, Role::Producer(i), lang);
    match &plan.producers.named {
        Some(vars) => {
            for (i, var) in (0u32..).zip(vars) {
                py.line_args(
                    1,
                    format_args!(
                        "{var} = {worker}(target=product, args=(q, {}, counts))",
                        py_str(&producer_name(i))
                    ),
                );
            }
            for var in vars {
                py.line_args(1, format_args!("{var}.start()"));
            }
        }
        None => {
            if scenario.hot_dogs() {
                py.line(1, "names = [");
                for i in 0..config.producers {
                    py.line_args(2, format_args!("{},", py_str(&producer_name(i))));
                }
                py.line(1, "]");
            } else {
                py.line_args(
                    1,
                    format_args!(
                        "names = [{} % (i + 1) for i in range({})]",
                        py_str(py_producer_pattern(lang)),
                        config.producers
                    ),
                );
            }
            py.line_args(
                1,
                format_args!(
                    "producers = [{worker}(target=product, args=(q, name, counts)) for name in names]"
                ),
            );
            py.block(1, "for p in producers:\n    p.start()");
        }
    }
    start_consumers(py, plan, lang);

    let consumer_name = |i: u32| actor_name(scenario, Role::Consumer(i), lang);
    let consumer_in_loop = format!("{} % (i + 1)", py_str(py_consumer_pattern(lang)));
    let consumers =
        |py: &mut Py, indent: usize, body: &mut dyn FnMut(&mut Py, usize, &str, &str)| {
            plan.consumers
                .each(py, indent, &consumer_name, &consumer_in_loop, body)
        };

    // p.join() for every producer, bounded when they may block forever.
    if plan.producers_may_hang {
        py.comment(1, t.bounded_producers);
        py.line_args(
            1,
            format_args!(
                "if not wait(lambda: {}, counts):",
                plan.producers.none_alive()
            ),
        );
        let blocked = py_str(t.put_still_blocked);
        plan.producers.each(
            py,
            2,
            &producer_name,
            "names[i]",
            &mut |py, indent, var, name| {
                py.line_args(indent, format_args!("if {var}.is_alive():"));
                py.line_args(indent + 1, format_args!("say({blocked} % {name})"));
                py.line_args(indent + 1, format_args!("{var}.terminate()"));
            },
        );
        consumers(py, 2, &mut |py, indent, var, _| {
            py.line_args(indent, format_args!("{var}.terminate()"));
        });
        py.line(2, "finish(counts, True)");
    }
    match &plan.producers.named {
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
            py.block(1, "for p in producers:\n    p.join()");
            py.comment(1, t.producers_done);
        }
    }

    match strategy {
        Strategy::None | Strategy::SentinelBug => {
            let problem = match (strategy, scenario) {
                (Strategy::SentinelBug, _) => {
                    py.line(1, "q.put(None)");
                    t.sentinel_bug_problem
                }
                (_, ScenarioKind::Plain) => t.plain_problem,
                _ => t.lab_none_problem,
            };
            py.comment(1, problem);
            py.comment(1, t.demo_ends);
            py.line_args(
                1,
                format_args!(
                    "stuck = not wait(lambda: {}, counts)",
                    plan.consumers.none_alive()
                ),
            );
            let blocked = py_str(t.still_blocked);
            consumers(py, 1, &mut |py, indent, var, name| {
                py.line_args(indent, format_args!("if {var}.is_alive():"));
                py.line_args(
                    indent + 1,
                    format_args!("say({blocked} % ({name}, TIMEOUT))"),
                );
                py.line_args(indent + 1, format_args!("{var}.terminate()"));
            });
            py.line(1, "finish(counts, stuck)");
        }
        Strategy::JoinTerminate | Strategy::Daemon => {
            let stuck = queue_join(py, plan, t);
            if strategy == Strategy::JoinTerminate {
                py.comment(1, t.end_all);
                consumers(py, 1, &mut |py, indent, var, _| {
                    py.commented(indent, &format!("{var}.terminate()"), t.terminate);
                });
            } else {
                py.comment(1, t.daemon_end);
            }
            py.line_args(1, format_args!("finish(counts, {stuck})"));
        }
        Strategy::Sentinel | Strategy::Shutdown | Strategy::ShutdownImmediate => {
            match strategy {
                Strategy::Sentinel => {
                    py.comment(1, t.put_sentinels);
                    py.line_args(1, format_args!("for _ in range({}):", config.consumers));
                    py.line(2, "q.put(None)");
                }
                Strategy::Shutdown => py.commented(1, "q.shutdown()", t.shutdown),
                _ => py.commented(1, "q.shutdown(immediate=True)", t.shutdown_immediate),
            }
            py.comment(1, t.join_consumers);
            consumers(py, 1, &mut |py, indent, var, _| {
                py.line_args(indent, format_args!("{var}.join()"));
            });
            if strategy == Strategy::ShutdownImmediate {
                py.comment(1, t.dropped);
                py.block(
                    1,
                    "n = counts.get_obj()\nfinish(counts, False, n[PRODUCED] - n[CONSUMED] - n[IN_HAND])",
                );
            } else {
                py.line(1, "finish(counts, False)");
            }
        }
    }
}

/// The consumers' processes (or threads), started, with the daemon flag,
/// the doomed consumer's `dying` queue and main's thread that kills it.
fn start_consumers(py: &mut Py, plan: &Plan, lang: Lang) {
    let t = py_text(lang);
    let worker = plan.worker();
    let strategy = plan.strategy;
    let doomed = plan.kill.map(|k| k.consumer);
    py.comment(1, t.consumer_processes);
    // The doomed consumer's marker: main's queue for processes, `True` for threads.
    let dying = if plan.threaded { "True" } else { "dying" };
    if doomed.is_some() && !plan.threaded {
        py.line(1, "dying = SimpleQueue()");
    }
    let args = |name: &str, doomed_here: &str| match doomed {
        Some(_) => format!("args=(q, {name}, counts, {doomed_here}, t0)"),
        None => format!("args=(q, {name}, counts)"),
    };
    let config = plan.config;
    match &plan.consumers.named {
        Some(vars) => {
            for (i, var) in (1u32..).zip(vars) {
                let name = py_str(&actor_name(config.scenario, Role::Consumer(i - 1), lang));
                let here = if doomed == Some(i) { dying } else { "None" };
                py.line_args(
                    1,
                    format_args!("{var} = {worker}(target=customer, {})", args(&name, here)),
                );
            }
            if vars.len() == 1 && strategy == Strategy::JoinTerminate {
                py.comment(1, t.daemon_hint);
            }
            for var in vars {
                if strategy == Strategy::Daemon {
                    py.commented(1, &format!("{var}.daemon = True"), t.daemon_on);
                }
                py.line_args(1, format_args!("{var}.start()"));
            }
        }
        None => {
            let name = format!("{} % (i + 1)", py_str(py_consumer_pattern(lang)));
            let here = match doomed {
                Some(k) => format!("{dying} if i + 1 == {k} else None"),
                None => String::new(),
            };
            py.line_args(
                1,
                format_args!(
                    "consumers = [{worker}(target=customer, {}) for i in range({})]",
                    args(&name, &here),
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
    if let (Some(k), false) = (doomed, plan.threaded) {
        let process = match &plan.consumers.named {
            Some(vars) => vars[(k - 1) as usize].clone(),
            None => format!("consumers[{}]", k - 1),
        };
        let name = py_str(&actor_name(config.scenario, Role::Consumer(k - 1), lang));
        py.line_args(
            1,
            format_args!(
                "Thread(target=kill_when_dying, args=({process}, {name}, dying), daemon=True).start()"
            ),
        );
    }
}

/// `q.join()`, or, when a failure may keep it waiting forever, `q.join()`
/// in a thread that main stops waiting for once nothing happens. Returns
/// the Python expression of whether main gave up: `stuck`, or `False`.
fn queue_join(py: &mut Py, plan: &Plan, t: &PyText) -> &'static str {
    if !plan.join_may_hang {
        py.commented(1, "q.join()", t.queue_done);
        return "False";
    }
    py.comment(1, t.bounded_join);
    py.line(1, "joining = Thread(target=q.join, daemon=True)");
    py.line(1, "joining.start()");
    py.line(
        1,
        "stuck = not wait(lambda: not joining.is_alive(), counts)",
    );
    py.line(1, "if stuck:");
    py.line_args(
        2,
        format_args!(
            "say({} % (TIMEOUT, counts[PRODUCED] - counts[TASK_DONE]))",
            py_str(t.join_still_waits)
        ),
    );
    "stuck"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::item_name;
    use crate::trace::ItemId;
    use strum::VariantArray;

    #[test]
    fn the_programs_exit_with_the_documented_statuses() {
        assert!(FINISH.contains(&format!("sys.exit({EXIT_STUCK} if stuck else 0)")));
        let mut config = Config::defaults(ScenarioKind::Termination, 1);
        config.termination.strategy = Strategy::Shutdown;
        let code = python_code(&config, Lang::En);
        assert!(code.contains(&format!("    sys.exit({EXIT_NEEDS_313})\n")));
    }

    #[test]
    fn the_quiet_time_outlasts_any_one_item() {
        let ms = Duration::from_millis;
        assert_eq!(
            timeout_line(Delay::Uniform(ms(0), ms(1000))),
            "TIMEOUT = 2.0 + 1.0 * TIME_SCALE"
        );
        assert_eq!(
            timeout_line(Delay::Const(ms(250))),
            "TIMEOUT = 2.0 + 0.25 * TIME_SCALE"
        );
        assert_eq!(
            timeout_line(Delay::Exp(ms(100))),
            "TIMEOUT = 2.0 + 1.0 * TIME_SCALE"
        );
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
            for &scenario in ScenarioKind::VARIANTS {
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
            for &scenario in ScenarioKind::VARIANTS {
                assert_eq!(consumer, actor_name(scenario, Role::Consumer(6), lang));
            }
        }
    }
}
