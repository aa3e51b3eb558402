//! Peak-shaving benchmark: a run of about 1,000,000 requests, both variants
//! (direct and queued) on the same arrivals. Plain `std::time::Instant`,
//! median of several runs; `cargo bench --bench peak`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use canteen::peak::{Burst, PeakConfig, PeakRun, Preset};

const RUNS: usize = 5;

fn main() {
    // The flash sale scaled up a hundredfold: 2000 requests/s for 500 s with
    // a 5 s burst at 12000/s, 400 workers at 100 ms each (4000/s).
    let config = PeakConfig {
        base_rate: 2000.0,
        bursts: vec![Burst {
            start: Duration::from_secs(20),
            length: Duration::from_secs(5),
            rate: 12_000.0,
        }],
        duration: Duration::from_secs(500),
        workers: 400,
        capacity: 100_000,
        ..Preset::FlashSale.config(1)
    };
    let mut times = Vec::with_capacity(RUNS);
    let mut requests = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let mut run = PeakRun::new(config.clone());
        run.run_to_end();
        let report = black_box(run.report());
        times.push(start.elapsed());
        assert!(report.direct.conserved && report.queued.conserved);
        assert_eq!(report.direct.arrival_digest, report.queued.arrival_digest);
        requests = report.direct.arrivals;
    }
    times.sort();
    let median = times[RUNS / 2];
    println!(
        "peak/flash_sale_x100: {requests} requests, both variants: {:.1} ms per run (median of {RUNS}; min {:.1}, max {:.1}), {:.2} M requests/s per variant",
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[RUNS - 1].as_secs_f64() * 1e3,
        requests as f64 / median.as_secs_f64() / 1e6 * 2.0
    );
}
