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

    use canteen::cli::args::{self, Args};
    use canteen::cli::termination::{self as lab_options, Reading};
    use canteen::export;
    use canteen::i18n::cli::{self as words, Accepted, Broken, Problem};
    use canteen::i18n::{self, Clock, StuckActor};
    use canteen::lang::Lang;
    use canteen::peak;
    use canteen::python;
    use canteen::run::{Report, Run};
    use canteen::scenario::{Config, ScenarioKind};
    use canteen::termination::report::{compare, Lab};
    use canteen::theory::{self, Mmc};
    use canteen::trace::{Event, Role};
    use rand::Rng;

    const USAGE: &str = "\
usage: canteen scenarios
       canteen run SCENARIO [--seed N] [--producers N] [--consumers N] [--items N]
                            [--capacity N] [--produce-delay D] [--consume-delay D]
                            [--until DURATION] [--json] [--events] [--lang zh|en]
       canteen run peak-shaving [--seed N] [--preset steady|flash-sale|two-bursts]
                            [--base-rate R] [--burst START,LENGTH,RATE]... [--duration D]
                            [--workers N] [--service-delay D] [--capacity N] [--overload]
                            [--json] [--lang zh|en]
         rates R in requests/s (120 or 120/s); each --burst replaces the preset's bursts
         (e.g. --burst 20s,5s,120); --capacity 0 = unbounded queue; --overload: the direct
         service admits workers + capacity requests and slows down as (in flight/workers)^2
{LAB}
       canteen python SCENARIO [the run options]   (prints the page's Python program)
delays D: const:250ms | uniform:0ms..1s | exp:100ms   durations: 250ms, 1.5s
strategies S: {STRATEGIES}";

    /// What the command line asked for.
    struct Request {
        config: Config,
        json: bool,
        events: bool,
        lang: Lang,
        /// `--compare`: every termination strategy for these settings.
        compare: bool,
    }

    fn usage() -> String {
        USAGE
            .replace("{LAB}", lab_options::USAGE)
            .replace("{STRATEGIES}", &canteen::scenario::ending::names())
            + "\n"
            + canteen::cli::scraper::USAGE
    }

    pub fn main(args: Vec<String>) -> i32 {
        let lang = std::env::var("LANG").map_or(Lang::En, |l| Lang::from_locale(&l));
        match args.first().map(String::as_str) {
            Some("scenarios") => {
                let listed = ScenarioKind::ALL
                    .iter()
                    .map(|&kind| (kind.name(), i18n::scenario_summary(kind, lang)))
                    .chain([
                        (peak::NAME, i18n::peak::summary(lang)),
                        ("scraper", i18n::scraper::summary(lang)),
                    ]);
                for (name, summary) in listed {
                    println!("{name:<13} {summary}");
                }
                0
            }
            Some("run") if args.get(1).map(String::as_str) == Some("scraper") => {
                canteen::cli::scraper::main(&args[2..], lang)
            }
            Some("run") if args.get(1).map(String::as_str) == Some(peak::NAME) => {
                run_peak(&args[2..], args::lang(&args[2..], lang))
            }
            Some("run") => {
                let lang = args::lang(&args[1..], lang);
                match parse_run(&args[1..], lang) {
                    Ok(request) => run(request),
                    Err(problem) => {
                        eprintln!("canteen: {}", words::problem(&problem, lang));
                        2
                    }
                }
            }
            Some("python") => print_python(&args[1..], lang),
            Some("help" | "--help" | "-h") => {
                println!("{}", usage());
                0
            }
            _ => {
                eprintln!("{}", usage());
                2
            }
        }
    }

    fn parse_run(args: &[String], lang: Lang) -> Result<Request, Problem> {
        let (scenario, options) = args.split_first().ok_or(Problem::NoScenario)?;
        let scenario: ScenarioKind = scenario.parse().map_err(Problem::UnknownScenario)?;
        let mut config = Config::defaults(scenario, rand::rng().next_u64());
        let (mut json, mut events, mut lang, mut compare) = (false, false, lang, false);
        let mut kill = Reading::default();
        let mut args = Args::new(options);
        while let Some(option) = args.next_option() {
            let whole = Accepted::WholeNumber;
            match option {
                "--seed" => config.seed = args.number(option, Accepted::Seed)?,
                "--producers" => config.producers = args.number(option, whole)?,
                "--consumers" => config.consumers = args.number(option, whole)?,
                "--items" => config.items = args.number(option, whole)?,
                "--capacity" => config.capacity = args.number(option, Accepted::Capacity)?,
                "--produce-delay" => config.produce_delay = args.delay(option)?,
                "--consume-delay" => config.consume_delay = args.delay(option)?,
                "--until" => config.until = Some(args.duration(option)?),
                "--lang" => lang = args.lang(option)?,
                "--json" => json = true,
                "--events" => events = true,
                "--compare" if scenario == ScenarioKind::Termination => compare = true,
                "--compare" => return Err(Problem::OnlyTermination(option.to_string())),
                other
                    if lab_options::read(other, &mut args, &mut config.termination, &mut kill)? => {
                }
                other => return Err(Problem::UnknownOption(other.to_string())),
            }
        }
        lab_options::finish(&mut config.termination, kill)?;
        config.validate().map_err(Problem::Config)?;
        Ok(Request {
            config,
            json,
            events,
            lang,
            compare,
        })
    }

    /// `canteen python SCENARIO [the run options]`: prints the Python
    /// program the page shows for the same settings.
    fn print_python(args: &[String], lang: Lang) -> i32 {
        let lang = args::lang(args, lang);
        let program = match args.first().map(String::as_str) {
            Some("scraper") => canteen::cli::scraper::settings(&args[1..], lang)
                .map(|(config, lang)| python::scraper::scraper_code(&config, lang)),
            Some(peak::NAME) => Err(Problem::NoProgram(peak::NAME.to_string())),
            _ => parse_run(args, lang).and_then(|request| {
                let refused = [
                    (request.json, "--json"),
                    (request.events, "--events"),
                    (request.compare, "--compare"),
                    (request.config.until.is_some(), "--until"),
                ];
                match refused.into_iter().find(|(given, _)| *given) {
                    Some((_, option)) => Err(Problem::NotForPython(option.to_string())),
                    None => Ok(python::python_code(&request.config, request.lang)),
                }
            }),
        };
        match program {
            Ok(code) => {
                // A closed pipe is not an error worth a panic.
                let _ = io::stdout().lock().write_all(code.as_bytes());
                0
            }
            Err(problem) => {
                eprintln!("canteen: {}", words::problem(&problem, lang));
                2
            }
        }
    }

    fn run(request: Request) -> i32 {
        let Request {
            config,
            json,
            events: keep_events,
            lang,
            compare: comparing,
        } = request;
        if comparing {
            return print_comparison(&config, json, lang);
        }
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
        // Only the termination lab keeps its per-item books.
        let mut runner = if scenario == ScenarioKind::Termination {
            Runner::Lab(Lab::new(config, sink))
        } else {
            Runner::Plain(Run::new(config, sink))
        };
        let outcome = runner.run_mut().run_to_end();
        let run = runner.run();
        let report = i18n::run_report(run, lang);
        let lab_report = match &runner {
            Runner::Lab(lab) => Some(i18n::termination::report(lab, lang)),
            Runner::Plain(_) => None,
        };
        let mut out = stdout.borrow_mut();
        let written = if json {
            let events = keep_events.then(|| kept.borrow());
            let value = match &lab_report {
                Some(lab) => serde_json::to_value(lab),
                None => serde_json::to_value(&report),
            };
            value.map_err(io::Error::other).and_then(|value| {
                write_json(
                    &mut *out,
                    value,
                    scenario,
                    theory::for_config(run.config()),
                    events.as_deref().map(Vec::as_slice),
                    run.roles(),
                    lang,
                )
            })
        } else {
            write_summary(&mut *out, &report, lang).and_then(|()| {
                lab_report
                    .iter()
                    .flat_map(|r| i18n::termination::summary_lines(r, lang))
                    .try_for_each(|line| writeln!(out, "{line}"))
            })
        };
        if written.and_then(|()| out.flush()).is_err() {
            return 0; // stdout closed early: nothing left to tell.
        }
        if !report.conserved {
            eprintln!("canteen: {}", words::broken(&Broken::Conservation, lang));
            return 1;
        }
        if lab_report.is_some_and(|r| !r.accounted) {
            eprintln!("canteen: {}", words::broken(&Broken::Books, lang));
            return 1;
        }
        debug_assert!(outcome.is_over());
        0
    }

    /// A run, with the termination lab's books or without.
    enum Runner {
        Plain(Run<Config>),
        Lab(Lab),
    }

    impl Runner {
        fn run(&self) -> &Run<Config> {
            match self {
                Runner::Plain(run) => run,
                Runner::Lab(lab) => lab.run(),
            }
        }

        fn run_mut(&mut self) -> &mut Run<Config> {
            match self {
                Runner::Plain(run) => run,
                Runner::Lab(lab) => lab.run_mut(),
            }
        }
    }

    /// `--compare`: runs every strategy and prints the table (or JSON).
    fn print_comparison(config: &Config, json: bool, lang: Lang) -> i32 {
        let rows = compare(config);
        let text = if json {
            serde_json::json!({
                "scenario": config.scenario.name(),
                "seed": config.seed,
                "comparison": rows,
            })
            .to_string()
        } else {
            i18n::termination::comparison_table(&rows, lang)
        };
        // A closed pipe is not an error worth a panic.
        let _ = writeln!(io::stdout().lock(), "{text}");
        0
    }

    fn write_json(
        out: &mut impl Write,
        mut value: serde_json::Value,
        scenario: ScenarioKind,
        theory: Option<Mmc>,
        events: Option<&[Event]>,
        roles: &[Role],
        lang: Lang,
    ) -> io::Result<()> {
        if let Some(events) = events {
            let names = export::Names {
                scenario,
                roles,
                lang,
            };
            let rows: Vec<_> = events.iter().map(|e| names.row(e)).collect();
            value["events"] = serde_json::to_value(rows).map_err(io::Error::other)?;
        }
        if let Some(queue) = theory {
            // The M/M/c prediction beside the measured `stats`.
            value["theory"] = serde_json::to_value(queue.report()).map_err(io::Error::other)?;
        }
        serde_json::to_writer(&mut *out, &value).map_err(io::Error::other)?;
        writeln!(out)
    }

    /// `canteen run peak-shaving`: both variants, side by side or as JSON.
    fn run_peak(options: &[String], lang: Lang) -> i32 {
        let request = match canteen::cli::peak::parse(options, rand::rng().next_u64(), lang) {
            Ok(request) => request,
            Err(problem) => {
                eprintln!("canteen: {}", words::problem(&problem, lang));
                return 2;
            }
        };
        let (text, broken) = canteen::cli::peak::run(&request);
        // A closed pipe is not an error worth a panic.
        let _ = writeln!(io::stdout().lock(), "{text}");
        match broken {
            Some(broken) => {
                eprintln!("canteen: {}", words::broken(&broken, request.lang));
                1
            }
            None => 0,
        }
    }

    fn write_summary(out: &mut impl Write, r: &Report<StuckActor>, lang: Lang) -> io::Result<()> {
        let outcome = words::outcome(r.outcome, lang);
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
