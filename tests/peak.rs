//! Peak shaving: the M/M/c queue against Erlang C and Little's law, the two
//! variants on identical arrivals, what a flash sale does to each,
//! conservation at every step, overload collapse, and the command line
//! (`canteen run peak-shaving`, and `theory` in `canteen run custom --json`).

mod common;

use common::{assert_fields, canteen, json, STATS_FIELDS};
use std::time::Duration;
use strum::VariantArray;

use canteen::peak::arrivals::Arrivals;
use canteen::peak::meter::digest;
use canteen::peak::{Burst, PeakConfig, PeakRun, Preset, Variant};
use canteen::run::Outcome;
use canteen::theory::erlang_b;

fn relative(measured: f64, expected: f64) -> f64 {
    (measured - expected).abs() / expected
}

/// Steady Poisson traffic at `rate`/s for `requests` expected requests.
fn steady(seed: u64, rate: f64, requests: f64, workers: u32, service: &str) -> PeakConfig {
    PeakConfig {
        base_rate: rate,
        bursts: Vec::new(),
        duration: Duration::from_secs_f64(requests / rate),
        workers,
        service: service.parse().unwrap(),
        ..Preset::Steady.config(seed)
    }
}

#[test]
fn mmc_queue_matches_erlang_c_and_littles_law() {
    // c = 4 workers at μ = 100/s, λ = 320/s: ρ = 0.8; 400,000 requests,
    // an unbounded queue.
    let config = PeakConfig {
        capacity: 0,
        ..steady(1, 320.0, 400_000.0, 4, "exp:10ms")
    };
    let mut run = PeakRun::new(config);
    assert_eq!(run.run_to_end(), Outcome::Completed);
    let q = run.variant_report(Variant::Queued);
    assert!(q.arrivals >= 390_000, "{}", q.arrivals);
    let theory = q
        .theory
        .as_ref()
        .expect("steady, exponential: M/M/c applies");
    assert_eq!(theory.model, "M/M/4");
    assert!((theory.rho - 0.8).abs() < 1e-12);
    let wq = theory.wq_ms.unwrap();
    assert!(
        relative(q.stats.mean_wait_ms, wq) < 0.05,
        "Wq measured {} ms vs Erlang C {wq} ms",
        q.stats.mean_wait_ms
    );
    assert!(
        relative(q.measured.p_wait, theory.p_wait.unwrap()) < 0.05,
        "P(wait) {} vs {:?}",
        q.measured.p_wait,
        theory.p_wait
    );
    assert!(relative(q.stats.mean_queue_len, theory.lq.unwrap()) < 0.05);
    assert!(relative(q.stats.utilization, 0.8) < 0.02);
    // Little's law on the trace: time-average number in the system against
    // throughput × mean latency, and the same for the queue alone.
    assert!(q.little.relative_error < 0.02, "{:?}", q.little);
    let lambda = q.little.lambda_per_s;
    assert!(relative(q.stats.mean_queue_len, lambda * q.stats.mean_wait_ms / 1e3) < 0.02);
    assert!(relative(q.little.l, theory.l.unwrap()) < 0.05);
}

#[test]
fn the_direct_variant_is_erlangs_loss_system() {
    // 60,000 requests at a = 3 erlangs on 4 workers: B(4, 3) ≈ 0.206.
    let mut run = PeakRun::new(steady(2, 30.0, 60_000.0, 4, "exp:100ms"));
    run.run_to_end();
    let d = run.variant_report(Variant::Direct);
    let theory = d.theory.as_ref().unwrap();
    assert_eq!(theory.model, "M/M/4/4");
    let blocked = d.rejected as f64 / d.arrivals as f64;
    assert!((blocked - erlang_b(4, 3.0)).abs() < 0.01, "{blocked}");
    assert_eq!(
        d.stats.max_queue_len, 0,
        "nothing waits in the direct variant"
    );
    assert_eq!(d.stats.mean_wait_ms, 0.0);
}

#[test]
fn both_variants_see_the_same_arrivals() {
    let config = Preset::FlashSale.config(7);
    let expected = digest(Arrivals::new(&config));
    let count = Arrivals::new(&config).count() as u64;
    let mut run = PeakRun::new(config);
    run.run_to_end();
    let (d, q) = (
        run.variant_report(Variant::Direct),
        run.variant_report(Variant::Queued),
    );
    // The variants draw different numbers of service times (direct rejects
    // many), yet their arrival times are the same sequence.
    assert!(d.served < q.served);
    assert_eq!(d.arrivals, count);
    assert_eq!(q.arrivals, count);
    assert_eq!(d.arrival_digest, format!("{expected:016x}"));
    assert_eq!(q.arrival_digest, d.arrival_digest);
    assert_eq!(d.series.arrivals_per_s, q.series.arrivals_per_s);
    // Another seed, other arrivals.
    let mut other = PeakRun::new(Preset::FlashSale.config(8));
    other.run_to_end();
    assert_ne!(
        other.variant_report(Variant::Direct).arrival_digest,
        d.arrival_digest
    );
}

#[test]
fn a_flash_sale_is_rejected_directly_and_queued_instead() {
    for seed in 1..=3 {
        let mut run = PeakRun::new(Preset::FlashSale.config(seed));
        run.run_to_end();
        let r = run.report();
        let (d, q) = (&r.direct, &r.queued);
        // About 600 requests come in the 5 s burst at 120/s; the 4 workers
        // serve 40/s.
        assert!(
            d.rejected > 300,
            "seed {seed}: direct rejected {}",
            d.rejected
        );
        assert_eq!(
            q.dropped, 0,
            "seed {seed}: a queue of 1000 absorbs the burst"
        );
        assert_eq!(q.served, q.arrivals);
        // The price: waiting.
        assert!(q.stats.max_queue_len > 200);
        assert!(q.latency.p99_ms > 10.0 * d.latency.p99_ms);
        assert_eq!(r.load.peak_rho, 3.0);
        assert!(d.theory.is_none() && q.theory.is_none(), "not steady");
    }
    // A small queue drops some of the burst, still fewer than direct rejects.
    let mut run = PeakRun::new(PeakConfig {
        capacity: 100,
        ..Preset::FlashSale.config(1)
    });
    run.run_to_end();
    let r = run.report();
    assert!(r.queued.dropped > 0);
    assert!(r.queued.dropped < r.direct.rejected);
    assert!(r.queued.stats.max_queue_len <= 100);
}

#[test]
fn every_request_is_accounted_for_at_every_moment() {
    let configs = [
        Preset::FlashSale.config(3),
        Preset::TwoBursts.config(4),
        PeakConfig {
            capacity: 50,
            ..Preset::TwoBursts.config(5)
        },
        PeakConfig {
            overload: true,
            capacity: 200,
            ..Preset::FlashSale.config(6)
        },
    ];
    for config in configs {
        let mut run = PeakRun::new(config.clone());
        let mut t = 0;
        let mut seen_in_system = false;
        while run.outcome() == Outcome::Running {
            // Quarter seconds while the traffic lasts, then longer strides
            // (an overloaded service takes a long time to drain).
            t += if t < 60_000_000_000 {
                250_000_000
            } else {
                20_000_000_000
            };
            run.advance_to(t);
            for &variant in Variant::VARIANTS {
                let v = run.variant_report(variant);
                assert!(v.conserved, "{config:?} {variant:?} at {t}: {v:?}");
                assert_eq!(
                    v.arrivals,
                    v.served + v.rejected + v.dropped + v.in_queue + v.in_service
                );
                seen_in_system |= v.in_queue + v.in_service > 0;
            }
        }
        assert!(seen_in_system, "the check ran while requests were inside");
        for &variant in Variant::VARIANTS {
            let v = run.variant_report(variant);
            assert_eq!(v.outcome, Outcome::Completed);
            assert_eq!(v.in_queue + v.in_service, 0, "drained at the end");
            assert_eq!(v.arrivals, v.served + v.rejected + v.dropped);
        }
    }
}

#[test]
fn overload_mode_collapses_the_direct_service() {
    let normal = {
        let mut run = PeakRun::new(Preset::FlashSale.config(9));
        run.run_to_end();
        run.variant_report(Variant::Direct)
    };
    let mut run = PeakRun::new(PeakConfig {
        overload: true,
        capacity: 200,
        ..Preset::FlashSale.config(9)
    });
    run.run_to_end();
    let over = run.variant_report(Variant::Direct);
    assert!(over.theory.is_none(), "no M/M/c/c in overload mode");
    // Admitting more than it can serve, it slows down until it serves far
    // fewer requests, turns away more at its connection limit, and runs on
    // long after the traffic stopped.
    assert!(
        over.served < normal.served / 2,
        "{} vs {}",
        over.served,
        normal.served
    );
    assert!(over.rejected > normal.rejected);
    assert!(over.latency.p99_ms > 100.0 * normal.latency.p99_ms);
    assert!(over.end_time_ms > 2.0 * normal.end_time_ms);
    // While overloaded, it serves less per second than its 40/s.
    let bucket_s = over.series.bucket_ms / 1e3;
    let window = |from_s: f64, to_s: f64| {
        let (a, b) = ((from_s / bucket_s) as usize, (to_s / bucket_s) as usize);
        over.series.served_per_s[a..b].iter().sum::<f64>() / (b - a) as f64
    };
    assert!(window(25.0, 45.0) < 20.0, "{}", window(25.0, 45.0));
}

#[test]
fn a_steady_preset_has_theory_for_both_variants() {
    let mut run = PeakRun::new(Preset::Steady.config(1));
    run.run_to_end();
    let r = run.report();
    assert_eq!(r.direct.theory.as_ref().unwrap().model, "M/M/4/4");
    assert_eq!(r.queued.theory.as_ref().unwrap().model, "M/M/4/1004");
    // ρ ≥ 1 with an unbounded queue: no steady state, and it says so.
    let run = PeakRun::new(PeakConfig {
        capacity: 0,
        ..steady(1, 50.0, 1000.0, 4, "exp:100ms")
    });
    let theory = run.theory(Variant::Queued).unwrap().report();
    assert!(theory.grows_without_bound);
    assert_eq!(theory.wq_ms, None);
}

#[test]
fn bursts_change_only_their_window() {
    let config = PeakConfig {
        bursts: vec![Burst {
            start: Duration::from_secs(10),
            length: Duration::from_secs(10),
            rate: 200.0,
        }],
        ..Preset::FlashSale.config(11)
    };
    let mut run = PeakRun::new(config);
    run.run_to_end();
    let s = run.variant_report(Variant::Direct).series;
    let bucket_s = s.bucket_ms / 1e3;
    let mean = |from_s: f64, to_s: f64| {
        let (a, b) = ((from_s / bucket_s) as usize, (to_s / bucket_s) as usize);
        s.arrivals_per_s[a..b].iter().sum::<f64>() / (b - a) as f64
    };
    assert!(
        (mean(10.0, 20.0) - 200.0).abs() < 30.0,
        "{}",
        mean(10.0, 20.0)
    );
    assert!(
        (mean(30.0, 60.0) - 20.0).abs() < 5.0,
        "{}",
        mean(30.0, 60.0)
    );
}

// ---- the command line ----------------------------------------------------------------------

#[test]
fn cli_reports_both_variants_in_json() {
    let v = json(&["run", "peak-shaving", "--seed", "42", "--json"]);
    assert_eq!(v["scenario"], "peak-shaving");
    assert_eq!(v["seed"], 42);
    for variant in ["direct", "queued"] {
        let side = &v[variant];
        for field in [
            "arrivals",
            "served",
            "rejected",
            "dropped",
            "in_queue",
            "conserved",
            "latency",
            "little",
            "series",
            "measured",
        ] {
            assert!(side.get(field).is_some(), "{variant}: missing {field}");
        }
        assert_fields(&side["stats"], &STATS_FIELDS, &format!("{variant} stats"));
        for field in ["p50_ms", "p95_ms", "p99_ms"] {
            assert!(side["latency"][field].is_number());
        }
        assert_eq!(side["conserved"], true);
    }
    assert!(v["direct"]["rejected"].as_u64().unwrap() > 0);
    assert_eq!(v["queued"]["dropped"], 0);
    assert!(
        v["direct"].get("theory").is_none(),
        "a flash sale is not steady"
    );
    let steady = json(&[
        "run",
        "peak-shaving",
        "--preset",
        "steady",
        "--seed",
        "1",
        "--json",
    ]);
    assert_eq!(steady["queued"]["theory"]["model"], "M/M/4/1004");
    assert_eq!(steady["direct"]["theory"]["model"], "M/M/4/4");
}

#[test]
fn cli_options_change_the_run() {
    let v = json(&[
        "run",
        "peak-shaving",
        "--seed",
        "3",
        "--preset",
        "steady",
        "--base-rate",
        "10",
        "--burst",
        "5s,5s,200",
        "--duration",
        "20s",
        "--workers",
        "2",
        "--service-delay",
        "const:50ms",
        "--capacity",
        "30",
        "--json",
    ]);
    let s = &v["settings"];
    assert_eq!(s["base_rate_per_s"], 10.0);
    assert_eq!(s["bursts"][0]["rate_per_s"], 200.0);
    assert_eq!(s["duration_ms"], 20_000.0);
    assert_eq!(s["workers"], 2);
    assert_eq!(s["service_delay"], "const:50ms");
    assert_eq!(s["capacity"], 30);
    assert_eq!(
        v["queued"]["stats"]["max_queue_len"], 30,
        "the burst fills it"
    );
    assert!(v["queued"]["dropped"].as_u64().unwrap() > 0);
}

#[test]
fn cli_prints_a_side_by_side_summary() {
    let output = canteen(&["run", "peak-shaving", "--seed", "42"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let header = text.lines().find(|l| l.contains("Direct")).unwrap();
    assert!(header.contains("Through a queue"), "{header}");
    let rejected = text
        .lines()
        .find(|l| l.starts_with("rejected (503)"))
        .unwrap();
    let cells: Vec<&str> = rejected.split_whitespace().collect();
    assert_eq!(
        cells[cells.len() - 1],
        "0",
        "the queue rejects none: {rejected}"
    );
    assert_ne!(cells[cells.len() - 2], "0", "{rejected}");
    assert!(text.contains("ρ = 3.00 ≥ 1"));
    assert!(text.contains("The queue turns rejections into waiting"));
    assert!(text.contains("In this run: direct rejected"));
    let zh = canteen(&["run", "peak-shaving", "--seed", "42", "--lang", "zh"]);
    assert!(String::from_utf8(zh.stdout)
        .unwrap()
        .contains("队列把拒绝变成了等待"));
}

#[test]
fn cli_bad_options_exit_2_naming_the_option() {
    for (args, option) in [
        (vec!["--preset", "rush"], "--preset"),
        (vec!["--base-rate", "-5"], "--base-rate"),
        (vec!["--burst", "5s,1"], "--burst"),
        (vec!["--burst", "90s,1s,10"], "--burst"),
        (vec!["--workers", "0"], "--workers"),
        (vec!["--service-delay", "gauss:1s"], "--service-delay"),
        (vec!["--capacity", "x"], "--capacity"),
        (vec!["--capacity", "0", "--overload"], "--overload"),
        (vec!["--duration", "0s"], "--duration"),
        (vec!["--seed"], "--seed"),
        (vec!["--producers", "2"], "--producers"),
    ] {
        let mut full = vec!["run", "peak-shaving"];
        full.extend(&args);
        let output = canteen(&full);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(output.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(option), "{args:?}: {err}");
    }
}

#[test]
fn cli_lists_and_documents_peak_shaving() {
    let list = String::from_utf8(canteen(&["scenarios"]).stdout).unwrap();
    assert!(list.lines().any(|l| l.starts_with("peak-shaving ")));
    let help = String::from_utf8(canteen(&["help"]).stdout).unwrap();
    for option in [
        "--preset",
        "--base-rate",
        "--burst",
        "--service-delay",
        "--overload",
    ] {
        assert!(help.contains(option), "{option}");
    }
}

#[test]
fn custom_json_has_theory_only_when_mmc_applies() {
    let base = [
        "run",
        "custom",
        "--seed",
        "4",
        "--producers",
        "2",
        "--consumers",
        "3",
        "--items",
        "20000",
        "--produce-delay",
        "exp:10ms",
        "--consume-delay",
        "exp:12ms",
        "--json",
    ];
    let v = json(&base);
    let t = &v["theory"];
    assert_eq!(t["model"], "M/M/3");
    // λ = 2/10ms = 200/s, μ = 1/12ms: ρ = 200 / (3 × 83.3) = 0.8.
    assert!((t["lambda_per_s"].as_f64().unwrap() - 200.0).abs() < 1e-9);
    assert!((t["rho"].as_f64().unwrap() - 0.8).abs() < 1e-9);
    let (wq, measured) = (
        t["wq_ms"].as_f64().unwrap(),
        v["stats"]["mean_wait_ms"].as_f64().unwrap(),
    );
    assert!(relative(measured, wq) < 0.15, "{measured} vs {wq}");
    let mut bounded = base.to_vec();
    bounded.extend(["--capacity", "5"]);
    assert!(json(&bounded).get("theory").is_none());
    let mut uniform = base.to_vec();
    uniform.extend(["--consume-delay", "uniform:0ms..24ms"]);
    assert!(json(&uniform).get("theory").is_none());
}
