//! Engine benchmarks: whole runs of the `custom` scenario in virtual time.
//! Plain `std::time::Instant`, median of several runs; `cargo bench --bench engine`, or
//! `cargo bench --bench engine -- NAME` for the benchmarks whose name contains NAME.
//!
//! `page_engine_mm1_1M` is the page's run to the end of the 1M-item M/M/1
//! run (seed 7) as its Web Worker makes it (the playground's host, in
//! slices of events, with the stage, log and charts it records), here
//! natively: the native side of `scripts/measure-worker.mjs`'s wasm/native
//! ratio for the same work.

use std::hint::black_box;
use std::time::{Duration, Instant};

use std::rc::Rc;

use canteen::playground::host::Host;
use canteen::playground::session::{Command, Position, Reply};
use canteen::run::Run;
use canteen::scenario::{Config, ScenarioKind};

fn median_time(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// Whether the benchmark `name` was asked for (every one, unless a name to
/// match is given; cargo passes `--bench` too).
fn wanted(name: &str) -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()))
}

fn bench(name: &str, config: Config) {
    if !wanted(name) {
        return;
    }
    let items = config.total_items();
    let time = median_time(5, || {
        let mut run = Run::unobserved(config.clone());
        black_box(run.run_to_end());
        black_box(run.report());
    });
    println!(
        "engine/{name}: {:.1} ms per run, {:.2} M items/s (median of 5)",
        time.as_secs_f64() * 1e3,
        items as f64 / time.as_secs_f64() / 1e6
    );
}

/// The page's run of `config` to its end, through the host the worker
/// drives (budgets of 200,000 events, about its slices).
fn bench_page_engine(name: &str, config: Config) {
    if !wanted(name) {
        return;
    }
    let items = config.total_items();
    let config = Rc::new(config);
    let time = median_time(5, || {
        let mut host = Host::default();
        let go = Command::Go {
            id: 1,
            config: Rc::clone(&config),
            to: Position {
                at: Some(u64::MAX),
                steps: 0,
            },
            chart: true,
        };
        black_box(host.receive(go, 0.0));
        while let Some(reply) = host.work(200_000, 0.0) {
            if matches!(reply, Reply::Snapshot(_)) {
                black_box(reply);
                break;
            }
        }
    });
    println!(
        "engine/{name}: {:.1} ms per run, {:.2} M items/s (median of 5)",
        time.as_secs_f64() * 1e3,
        items as f64 / time.as_secs_f64() / 1e6
    );
}

fn main() {
    let custom = |producers, consumers, items, capacity, pd: &str, cd: &str| Config {
        producers,
        consumers,
        items,
        capacity,
        produce_delay: pd.parse().unwrap(),
        consume_delay: cd.parse().unwrap(),
        ..Config::defaults(ScenarioKind::Custom, 1)
    };
    bench(
        "mm1_1M_items",
        custom(1, 1, 1_000_000, 0, "exp:10ms", "exp:9ms"),
    );
    bench(
        "20x20_bounded_200k_items",
        custom(20, 20, 10_000, 10, "exp:10ms", "exp:12ms"),
    );
    bench("hotdog", Config::defaults(ScenarioKind::Hotdog, 1));
    bench_page_engine(
        "page_engine_mm1_1M",
        Config {
            seed: 7,
            ..custom(1, 1, 1_000_000, 0, "exp:10ms", "exp:9ms")
        },
    );
}
