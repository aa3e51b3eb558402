//! Engine benchmarks: whole runs of the `custom` scenario in virtual time.
//! Plain `std::time::Instant`, median of several runs; `cargo bench --bench engine`.

use std::hint::black_box;
use std::time::{Duration, Instant};

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

fn bench(name: &str, config: Config) {
    let items = config.total_items();
    let time = median_time(5, || {
        let mut run = Run::new(config.clone(), |_| {});
        black_box(run.run_to_end());
        black_box(run.report());
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
}
