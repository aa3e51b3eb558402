//! `canteen`: runs Canteen's scenarios from the command line, flat out, and
//! prints the seed-style log and a summary, or one JSON object.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::main(std::env::args().skip(1).collect()));
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::cell::RefCell;
    use std::io::{self, BufWriter, Write};
    use std::rc::Rc;

    use canteen::args::{self, Args};
    use canteen::i18n::{self, Clock, Lang};
    use canteen::run::{Outcome, Report, Run};
    use canteen::scenario::{Config, ScenarioKind};
    use canteen::trace::{nanos_to_ms, Event, Role};
    use rand::Rng;

    const USAGE: &str = "\
usage: canteen scenarios
       canteen run SCENARIO [--seed N] [--producers N] [--consumers N] [--items N]
                            [--capacity N] [--produce-delay D] [--consume-delay D]
                            [--until DURATION] [--json] [--events] [--lang zh|en]
delays D: const:250ms | uniform:0ms..1s | exp:100ms   durations: 250ms, 1.5s";

    /// What the command line asked for.
    struct Request {
        config: Config,
        json: bool,
        events: bool,
        lang: Lang,
    }

    pub fn main(args: Vec<String>) -> i32 {
        let lang = std::env::var("LANG").map_or(Lang::En, |l| Lang::from_locale(&l));
        match args.first().map(String::as_str) {
            Some("scenarios") => {
                for kind in ScenarioKind::ALL {
                    println!("{:<8} {}", kind.name(), i18n::scenario_summary(kind, lang));
                }
                0
            }
            Some("run") => match parse_run(&args[1..], lang) {
                Ok(request) => run(request),
                Err(message) => {
                    eprintln!("canteen: {message}");
                    2
                }
            },
            Some("help" | "--help" | "-h") => {
                println!("{USAGE}");
                0
            }
            _ => {
                eprintln!("{USAGE}");
                2
            }
        }
    }

    fn parse_run(args: &[String], lang: Lang) -> Result<Request, String> {
        let (scenario, options) = args
            .split_first()
            .ok_or("run needs a scenario; see `canteen scenarios`")?;
        let scenario: ScenarioKind = scenario.parse()?;
        let mut config = Config::defaults(scenario, rand::rng().next_u64());
        let (mut json, mut events, mut lang) = (false, false, lang);
        let mut args = Args::new(options);
        while let Some(option) = args.next_option() {
            let whole = "a whole number";
            match option {
                "--seed" => config.seed = args.number(option, "a whole number 0 to 2^64-1")?,
                "--producers" => config.producers = args.number(option, whole)?,
                "--consumers" => config.consumers = args.number(option, whole)?,
                "--items" => config.items = args.number(option, whole)?,
                "--capacity" => {
                    config.capacity = args.number(option, "a whole number; 0 = unbounded")?
                }
                "--produce-delay" => config.produce_delay = args.delay(option)?,
                "--consume-delay" => config.consume_delay = args.delay(option)?,
                "--until" => config.until = Some(args.duration(option)?),
                "--lang" => {
                    lang = Lang::from_code(args.value(option)?)
                        .ok_or_else(|| format!("{option} accepts zh or en"))?
                }
                "--json" => json = true,
                "--events" => events = true,
                other => return Err(args::unknown(other)),
            }
        }
        config.validate().map_err(|e| e.to_string())?;
        Ok(Request {
            config,
            json,
            events,
            lang,
        })
    }

    fn run(request: Request) -> i32 {
        let Request {
            config,
            json,
            events: keep_events,
            lang,
        } = request;
        let roles = config.roles();
        let scenario = config.scenario;
        let kept: Rc<RefCell<Vec<Event>>> = Rc::default();
        let stdout = Rc::new(RefCell::new(BufWriter::new(io::stdout().lock())));
        let sink = {
            let kept = Rc::clone(&kept);
            let stdout = Rc::clone(&stdout);
            move |event: &Event| {
                if keep_events {
                    kept.borrow_mut().push(*event);
                }
                if !json {
                    let actor = i18n::actor_name(scenario, roles[event.actor.0 as usize], lang);
                    let line = i18n::log_line(scenario, event, &roles, lang);
                    // A closed pipe (e.g. `| head`) is not an error worth a panic.
                    let time = Clock(event.time).to_string();
                    let _ = writeln!(stdout.borrow_mut(), "[{time:>9}] {actor}: {line}");
                }
            }
        };
        let mut run = Run::new(config, sink);
        let outcome = run.run_to_end();
        let report = run.report(lang);
        let mut out = stdout.borrow_mut();
        let written = if json {
            let events = keep_events.then(|| kept.borrow());
            write_json(
                &mut *out,
                &report,
                events.as_deref().map(Vec::as_slice),
                run.roles(),
                lang,
            )
        } else {
            write_summary(&mut *out, &report, lang)
        };
        if written.and_then(|()| out.flush()).is_err() {
            return 0; // stdout closed early: nothing left to tell.
        }
        if !report.conserved {
            eprintln!("canteen: conservation violated: an item was lost or got twice");
            return 1;
        }
        debug_assert!(outcome.is_over());
        0
    }

    fn write_json(
        out: &mut impl Write,
        report: &Report,
        events: Option<&[Event]>,
        roles: &[Role],
        lang: Lang,
    ) -> io::Result<()> {
        let mut value = serde_json::to_value(report).map_err(io::Error::other)?;
        if let Some(events) = events {
            let scenario: ScenarioKind = report.scenario.parse().map_err(io::Error::other)?;
            let list: Vec<_> = events
                .iter()
                .map(|e| {
                    serde_json::json!({
                        "t_ms": nanos_to_ms(e.time),
                        "actor": i18n::actor_name(scenario, roles[e.actor.0 as usize], lang),
                        "kind": e.kind.name(),
                        "item": e.item.map(|i| i18n::item_name(scenario, i, lang)),
                    })
                })
                .collect();
            value["events"] = list.into();
        }
        serde_json::to_writer(&mut *out, &value).map_err(io::Error::other)?;
        writeln!(out)
    }

    fn write_summary(out: &mut impl Write, r: &Report, lang: Lang) -> io::Result<()> {
        let outcome = match (r.outcome, lang) {
            (Outcome::Completed, Lang::Zh) => "完成",
            (Outcome::Completed, Lang::En) => "completed",
            (Outcome::Stuck, Lang::Zh) => "卡住（永远等待）",
            (Outcome::Stuck, Lang::En) => "stuck (waits forever)",
            (Outcome::TimeLimit, Lang::Zh) => "到达时间上限",
            (Outcome::TimeLimit, Lang::En) => "time limit reached",
            (Outcome::Running, _) => "running",
        };
        let s = &r.stats;
        writeln!(out)?;
        writeln!(
            out,
            "scenario {}  seed {}  outcome {outcome}  end {:.3} ms",
            r.scenario, r.seed, r.end_time_ms
        )?;
        writeln!(
            out,
            "produced {}  consumed {}  task_done {}  unfinished {}  in_queue {}  dropped {}  errors {}",
            r.produced, r.consumed, r.task_done, r.unfinished, r.in_queue, r.dropped, r.errors
        )?;
        writeln!(
            out,
            "throughput {:.2}/s  wait mean {:.3} ms p50 {:.3} p95 {:.3} p99 {:.3}  queue mean {:.3} max {}  utilization {:.3}",
            s.throughput_per_s, s.mean_wait_ms, s.p50_wait_ms, s.p95_wait_ms, s.p99_wait_ms,
            s.mean_queue_len, s.max_queue_len, s.utilization
        )?;
        for stuck in &r.stuck {
            writeln!(out, "{}", stuck.explanation)?;
        }
        Ok(())
    }
}
