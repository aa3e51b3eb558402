//! The scraper's Python program, in the seed's first shape: producer
//! processes download pages with `urllib.request` and put their text in the
//! queue, consumer processes count the pattern's matches with
//! `re.findall`. Standard library only; relative URLs are read from
//! `BASE_URL`, so the bundled sample pages served by `python3 -m
//! http.server` from `static/` work offline. It ends with each URL's count
//! and one line of totals, and exits with [`EXIT_STUCK`] for the plain
//! shape, whose counters never learn when to stop.

use super::writer::{delay_expr, py_secs, py_str, sleep_line, uses_random, Py};
use super::{say_and_add, timeout_line, wait_fn, Workers, EXIT_STUCK, TIME_SCALE_LINE};
use crate::i18n::python::{
    py_text, scraper_say_counted, scraper_say_fetched, scraper_settings, scraper_text,
};
use crate::i18n::scraper::actor_name;
use crate::lang::Lang;
use crate::scraper::fetch::MAX_BYTES;
use crate::scraper::{ScraperConfig, Shape, SEED_PATTERN};
use crate::trace::Role;

/// The line that sets where relative URLs are read from, exactly as
/// generated; replace it to serve the pages elsewhere.
pub const BASE_URL_LINE: &str = "BASE_URL = \"http://127.0.0.1:8000/\"";

/// The last line's format.
const FINAL_LINE: &str =
    r#"say("urls=%d fetched=%d failed=%d counted=%d task_done=%d matches=%d outcome=%s" % ("#;

/// The Python program for the scraper's `config`, in `lang`.
pub fn scraper_code(config: &ScraperConfig, lang: Lang) -> String {
    let mut py = Py::default();
    header(&mut py, config, lang);
    producer_fn(&mut py, config, lang);
    consumer_fn(&mut py, config, lang);
    main_block(&mut py, config, lang);
    py.out
}

fn header(py: &mut Py, config: &ScraperConfig, lang: Lang) {
    let t = scraper_text(lang);
    let seed = py_text(lang);
    py.line(0, "# -*- coding: utf-8 -*-");
    py.line(0, "\"\"\"");
    py.line(0, t.title);
    py.line(0, "");
    for part in t.roles.lines() {
        py.line(0, part);
    }
    py.line(0, "");
    py.line(0, seed.generated);
    for part in scraper_settings(config, lang).lines() {
        py.line(0, part);
    }
    py.line(0, "");
    for part in t.serve.lines() {
        py.line(0, part);
    }
    py.line(0, "");
    py.block(0, seed.about);
    py.line(0, "\"\"\"");
    let queue = match config.shape {
        Shape::Plain => "Queue",
        Shape::Joinable => "JoinableQueue",
    };
    py.line(
        0,
        &format!("from multiprocessing import Process, {queue}, Array"),
    );
    py.line(0, "from urllib.parse import urljoin");
    py.line(0, "from urllib.request import urlopen");
    if uses_random(config.fetch_delay) || uses_random(config.count_delay) {
        py.line(0, "import random");
    }
    py.line(0, "import re");
    py.line(0, "import sys");
    py.line(0, "import time");
    py.line(0, "");
    py.comment(0, seed.time_scale);
    py.line(0, TIME_SCALE_LINE);
    if config.shape == Shape::Plain {
        py.comment(0, seed.timeout);
        py.line(0, &timeout_line(config.count_delay));
    }
    py.comment(0, t.base_url);
    py.line(0, BASE_URL_LINE);
    py.line(0, "URLS = [");
    for url in &config.urls {
        py.line(1, &format!("{},", py_str(url.trim())));
    }
    py.line(0, "]");
    py.line(0, &format!("PATTERN = {}", py_str(&config.pattern)));
    py.commented(
        0,
        &format!("FETCH_TIMEOUT = {}", py_secs(config.timeout)),
        t.fetch_timeout,
    );
    py.commented(0, &format!("MAX_BYTES = {MAX_BYTES}"), t.max_bytes);
    py.comment(0, seed.counters);
    py.line(
        0,
        "FETCHED, FAILED, COUNTED, TASK_DONE, MATCHES, NEXT_URL = range(6)",
    );
    py.gap();
    say_and_add(py, seed);
    if config.shape == Shape::Plain {
        wait_fn(py, seed);
    }
    py.line(0, "def is_text(content_type):");
    py.comment(1, t.is_text);
    py.line(1, "return (content_type.startswith(\"text/\")");
    py.line(2, "or content_type.endswith((\"+xml\", \"+json\"))");
    py.line(2, "or content_type in (\"application/xml\", \"application/json\", \"application/javascript\",");
    py.line(
        3,
        "\"application/ecmascript\", \"application/x-javascript\"))",
    );
    py.gap();
}

fn producer_fn(py: &mut Py, config: &ScraperConfig, lang: Lang) {
    let t = scraper_text(lang);
    py.comment(0, t.fetch_task);
    py.line(0, "def product(q, counts, found):");
    py.line(1, "while True:");
    py.commented(2, "i = add(counts, NEXT_URL) - 1", t.take_url);
    py.line(2, "if i >= len(URLS):");
    py.line(3, "break");
    py.line(2, "try:");
    py.line(
        3,
        "with urlopen(urljoin(BASE_URL, URLS[i]), timeout=FETCH_TIMEOUT) as response:",
    );
    py.line(4, "status = response.status");
    py.line(4, "body = response.read(MAX_BYTES + 1)");
    py.line(4, "if not is_text(response.headers.get_content_type()):");
    py.line(5, &format!("raise ValueError({})", py_str(t.not_text)));
    py.line(3, "if len(body) > MAX_BYTES:");
    py.line(4, &format!("raise ValueError({})", py_str(t.too_large)));
    py.commented(2, "except Exception as e:", t.any_failure);
    py.line(3, &format!("say({} % (URLS[i], e))", py_str(t.failed_line)));
    py.line(3, "found[i] = -2");
    py.line(3, "add(counts, FAILED)");
    py.line(3, "continue");
    py.line(2, &sleep_line(config.fetch_delay));
    py.line(2, scraper_say_fetched(lang));
    py.line(2, "add(counts, FETCHED)");
    py.comment(2, py_text(lang).put_in_queue);
    py.line(2, "q.put((i, body.decode(\"utf-8\", errors=\"replace\")))");
    py.gap();
}

fn consumer_fn(py: &mut Py, config: &ScraperConfig, lang: Lang) {
    let seed = py_text(lang);
    py.comment(0, scraper_text(lang).count_task);
    py.line(0, "def customer(q, counts, found):");
    py.line(1, "while True:");
    py.line(2, "i, text = q.get()");
    py.line(
        2,
        &format!(
            "time.sleep({} * TIME_SCALE)",
            delay_expr(config.count_delay)
        ),
    );
    py.line(2, "res = re.findall(PATTERN, text)");
    py.line(2, "found[i] = len(res)");
    py.line(
        2,
        &scraper_say_counted(lang, config.pattern == SEED_PATTERN),
    );
    py.line(2, "add(counts, MATCHES, len(res))");
    py.line(2, "add(counts, COUNTED)");
    match config.shape {
        Shape::Joinable => {
            py.line(2, "add(counts, TASK_DONE)");
            py.commented(2, "q.task_done()", seed.task_done);
        }
        Shape::Plain => py.comment(2, seed.no_task_done),
    }
    py.gap();
}

fn main_block(py: &mut Py, config: &ScraperConfig, lang: Lang) {
    let t = scraper_text(lang);
    let seed = py_text(lang);
    py.line(0, "if __name__ == '__main__':");
    py.comment(1, seed.shared_container);
    let maxsize = match config.capacity {
        0 => String::new(),
        n => format!("maxsize={n}"),
    };
    let queue = match config.shape {
        Shape::Plain => "Queue",
        Shape::Joinable => "JoinableQueue",
    };
    py.line(1, &format!("q = {queue}({maxsize})"));
    py.line(1, "counts = Array('q', 6)");
    py.line(1, "found = Array('q', [-1] * len(URLS))");

    let pattern = |role: Role| {
        let first = actor_name(role, lang);
        // "fetcher 1" → "fetcher %d" % (i + 1)
        let stem = first.trim_end_matches('1');
        format!("{} % (i + 1)", py_str(&format!("{stem}%d")))
    };
    let sides = [
        (
            Workers::producers(config.fetchers),
            seed.producer_processes,
            "product",
        ),
        (
            Workers::consumers(config.counters),
            seed.consumer_processes,
            "customer",
        ),
    ];
    for (workers, title, target) in &sides {
        py.comment(1, title);
        let process = format!("Process(target={target}, args=(q, counts, found))");
        match &workers.named {
            Some(vars) => {
                for var in vars {
                    py.line(1, &format!("{var} = {process}"));
                }
                for var in vars {
                    py.line(1, &format!("{var}.start()"));
                }
            }
            None => {
                let n = workers.n;
                py.line(
                    1,
                    &format!("{} = [{process} for _ in range({n})]", workers.list),
                );
                py.line(1, &format!("for {} in {}:", workers.each, workers.list));
                py.line(2, &format!("{}.start()", workers.each));
            }
        }
    }
    let [(producers, ..), (consumers, ..)] = &sides;
    producers.each(py, 1, &|_| String::new(), "", &mut |py, indent, var, _| {
        py.line(indent, &format!("{var}.join()"))
    });
    py.comment(1, seed.producers_done);
    let consumer_name = |i: u32| actor_name(Role::Consumer(i), lang);
    let in_loop = pattern(Role::Consumer(0));
    match config.shape {
        Shape::Joinable => {
            py.commented(1, "q.join()", seed.queue_done);
            py.comment(1, seed.end_all);
            consumers.each(
                py,
                1,
                &consumer_name,
                &in_loop,
                &mut |py, indent, var, _| {
                    py.commented(indent, &format!("{var}.terminate()"), seed.terminate);
                },
            );
            py.line(1, "stuck = False");
        }
        Shape::Plain => {
            py.comment(1, t.plain_problem);
            py.comment(1, seed.demo_ends);
            py.line(
                1,
                &format!(
                    "stuck = not wait(lambda: {}, counts)",
                    consumers.none_alive()
                ),
            );
            let message = py_str(t.still_blocked);
            consumers.each(
                py,
                1,
                &consumer_name,
                &in_loop,
                &mut |py, indent, var, name| {
                    py.line(indent, &format!("if {var}.is_alive():"));
                    py.line(indent + 1, &format!("say({message} % ({name}, TIMEOUT))"));
                    py.line(indent + 1, &format!("{var}.terminate()"));
                },
            );
        }
    }
    py.comment(1, t.rows);
    py.line(1, "found = found.get_obj()");
    py.line(1, "for i, url in enumerate(URLS):");
    py.line(2, &format!("result = {}", py_str(t.failed_row)));
    py.line(2, "if found[i] == -1:");
    py.line(3, &format!("result = {}", py_str(t.not_counted_row)));
    py.line(2, "elif found[i] >= 0:");
    py.line(3, &format!("result = {} % found[i]", py_str(t.matches_row)));
    py.line(2, "say(\"%3d  %s  %s\" % (i + 1, url, result))");
    py.comment(1, t.totals);
    py.line(1, "n = counts.get_obj()");
    py.line(1, FINAL_LINE);
    py.line(
        2,
        "len(URLS), n[FETCHED], n[FAILED], n[COUNTED], n[TASK_DONE], n[MATCHES],",
    );
    py.line(2, "\"stuck\" if stuck else \"completed\"))");
    py.line(1, &format!("sys.exit({EXIT_STUCK} if stuck else 0)"));
}
