//! `canteen run peak-shaving`: its options (over a preset, which applies
//! first) and the readable side-by-side summary printed without `--json`.

use std::fmt::Write as _;
use std::time::Duration;
use strum::VariantArray;

use clap::Args;

use super::values::{self, whole};
use crate::delay::{Delay, DurationText};
use crate::i18n::cli::{Accepted, Broken, Problem};
use crate::i18n::peak::{self as words, P};
use crate::lang::Lang;
use crate::peak::config::{Burst, PeakConfig, Preset};
use crate::peak::{burst_text, PeakReport, PeakRun, Variant, VariantReport};
use crate::scenario::{MAX_ACTORS, MAX_CAPACITY};
use crate::theory::TheoryReport;

/// `canteen run peak-shaving`'s options; those not given are the preset's.
#[derive(Debug, Args)]
pub struct Options {
    /// The traffic and service the other options change
    #[arg(long, value_parser = values::preset, allow_hyphen_values = true)]
    pub preset: Option<Preset>,
    /// The run's seed [default: a random one, reported]
    #[arg(long, value_name = "N", value_parser = values::seed, allow_hyphen_values = true)]
    pub seed: Option<u64>,
    /// Requests per second outside the bursts (120 or 120/s)
    #[arg(long, value_name = "R", value_parser = values::rate, allow_hyphen_values = true)]
    pub base_rate: Option<f64>,
    /// A burst: from START, for LENGTH, RATE requests per second (e.g.
    /// 20s,5s,120); the bursts given replace the preset's
    #[arg(long, value_name = "START,LENGTH,RATE", value_parser = values::burst,
          allow_hyphen_values = true)]
    pub burst: Vec<Burst>,
    /// Requests arrive for this long; the run then drains
    #[arg(long, value_name = "D", value_parser = values::duration, allow_hyphen_values = true)]
    pub duration: Option<Duration>,
    /// Requests served at the same time, 1 to 1000
    #[arg(long, value_name = "N", allow_hyphen_values = true,
          value_parser = whole::<u32>(Accepted::WholeNumber, 1, MAX_ACTORS.into()))]
    pub workers: Option<u32>,
    /// How long serving one request takes
    #[arg(long, value_name = "D", value_parser = values::delay, allow_hyphen_values = true)]
    pub service_delay: Option<Delay>,
    /// Places in the queue of the queued variant; 0 = unbounded
    #[arg(long, value_name = "N", allow_hyphen_values = true,
          value_parser = whole::<usize>(Accepted::Capacity, 0, MAX_CAPACITY as u64))]
    pub capacity: Option<usize>,
    /// The direct service admits workers + capacity requests and slows
    /// down as (in flight / workers)^2
    #[arg(long)]
    pub overload: bool,
    /// Print one JSON object instead of the summary
    #[arg(long)]
    pub json: bool,
}

/// What `canteen run peak-shaving` was asked to do.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub config: PeakConfig,
    pub json: bool,
    pub lang: Lang,
}

impl Options {
    /// The request, in `lang`: the preset's settings changed by the
    /// options; `seed` when `--seed` is not given.
    pub fn request(self, seed: u64, lang: Lang) -> Result<Request, Problem> {
        let preset = self.preset.unwrap_or(Preset::FlashSale);
        let mut config = preset.config(self.seed.unwrap_or(seed));
        config.base_rate = self.base_rate.unwrap_or(config.base_rate);
        if !self.burst.is_empty() {
            config.bursts = self.burst;
        }
        config.duration = self.duration.unwrap_or(config.duration);
        config.workers = self.workers.unwrap_or(config.workers);
        config.service = self.service_delay.unwrap_or(config.service);
        config.capacity = self.capacity.unwrap_or(config.capacity);
        config.overload = self.overload;
        config.validate().map_err(Problem::Peak)?;
        Ok(Request {
            config,
            json: self.json,
            lang,
        })
    }
}

/// Runs both variants to the end: the text to print (the summary, or one
/// JSON object with `--json`), and what broke if the run broke a rule.
pub fn run(request: &Request) -> (String, Option<Broken>) {
    let mut run = PeakRun::new(request.config.clone());
    run.run_to_end();
    let report = run.report();
    let text = if request.json {
        match serde_json::to_string(&report) {
            Ok(json) => json,
            Err(e) => return (String::new(), Some(Broken::Json(e.to_string()))),
        }
    } else {
        summary(&request.config, &report, request.lang)
    };
    let broken = Variant::VARIANTS
        .iter()
        .copied()
        .find(|&v| !report.variant(v).conserved)
        .map(Broken::PeakConservation);
    (text, broken)
}

/// The readable summary: settings, the two variants side by side, a
/// sparkline of the traffic, the theory where it applies, and the
/// trade-off in one sentence.
pub fn summary(config: &PeakConfig, report: &PeakReport, lang: Lang) -> String {
    let mut out = String::new();
    let s = &report.settings;
    let (d, q) = (&report.direct, &report.queued);
    let bursts: Vec<String> = config.bursts.iter().map(burst_text).collect();
    let duration = DurationText(config.duration);
    let _ = writeln!(out, "{}  (seed {})", P::Title.get(lang), report.seed);
    let _ = writeln!(
        out,
        "{}",
        words::traffic_line(
            s.base_rate_per_s,
            &bursts,
            &duration.to_string(),
            report.load.expected_arrivals,
            lang
        )
    );
    let _ = writeln!(
        out,
        "{}",
        words::service_line(
            s.workers,
            &s.service_delay,
            report.load.service_capacity_per_s,
            s.capacity,
            lang
        )
    );
    let _ = writeln!(
        out,
        "{}",
        words::load_line(
            report.load.base_rho,
            (!config.is_steady()).then_some(report.load.peak_rho),
            lang
        )
    );
    if report.load.peak_rho >= 1.0 {
        let steady = config.is_steady();
        let _ = writeln!(
            out,
            "! {}",
            words::overload_warning(report.load.peak_rho, steady, lang)
        );
    }
    if s.overload {
        let _ = writeln!(out, "! {}", P::Overload.get(lang));
    }
    let _ = writeln!(out);

    let header = [
        String::new(),
        words::variant_title(Variant::Direct, lang).to_string(),
        words::variant_title(Variant::Queued, lang).to_string(),
    ];
    let mut rows: Vec<[String; 3]> = vec![header];
    let mut row = |label: P, f: &dyn Fn(&VariantReport) -> String| {
        rows.push([label.get(lang).to_string(), f(d), f(q)]);
    };
    row(P::Arrivals, &|v| v.arrivals.to_string());
    row(P::Served, &|v| v.served.to_string());
    row(P::Rejected, &|v| v.rejected.to_string());
    row(P::Dropped, &|v| v.dropped.to_string());
    row(P::LatencyP50, &|v| format!("{:.1}", v.latency.p50_ms));
    row(P::LatencyP95, &|v| format!("{:.1}", v.latency.p95_ms));
    row(P::LatencyP99, &|v| format!("{:.1}", v.latency.p99_ms));
    row(P::MeanWait, &|v| format!("{:.1}", v.stats.mean_wait_ms));
    row(P::QueueMeanMax, &|v| {
        format!("{:.2} / {}", v.stats.mean_queue_len, v.stats.max_queue_len)
    });
    row(P::Utilization, &|v| format!("{:.3}", v.stats.utilization));
    row(P::Throughput, &|v| {
        format!("{:.2}", v.stats.throughput_per_s)
    });
    row(P::Little, &|v| {
        format!("{:.3} / {:.3}", v.little.l, v.little.lambda_w)
    });
    row(P::EndTime, &|v| format!("{:.2}", v.end_time_ms / 1e3));
    write_table(&mut out, &rows);

    let _ = writeln!(out);
    let peak = [d, q]
        .iter()
        .flat_map(|v| v.series.arrivals_per_s.iter())
        .fold(0.0, |a: f64, &b| a.max(b));
    let depth = q
        .series
        .max_queue_len
        .iter()
        .fold(0.0, |a: f64, &b| a.max(b as f64));
    let lines = [
        (
            Variant::Direct,
            P::ArrivalsPerS,
            spark(&d.series.arrivals_per_s, peak),
        ),
        (
            Variant::Direct,
            P::ServedPerS,
            spark(&d.series.served_per_s, peak),
        ),
        (
            Variant::Queued,
            P::ServedPerS,
            spark(&q.series.served_per_s, peak),
        ),
        (Variant::Queued, P::QueueDepth, {
            let levels: Vec<f64> = q.series.max_queue_len.iter().map(|&n| n as f64).collect();
            spark(&levels, depth)
        }),
    ];
    for (variant, label, line) in lines {
        let name = format!(
            "{} {}",
            words::variant_title(variant, lang),
            label.get(lang)
        );
        let _ = writeln!(out, "{} |{line}|", pad(&name, 30));
    }

    let _ = writeln!(out);
    match (&d.theory, &q.theory) {
        (None, None) => {
            let _ = writeln!(
                out,
                "{}: {}",
                P::Theory.get(lang),
                P::TheoryNotApplicable.get(lang)
            );
        }
        (direct, queued) => write_theory(&mut out, [(direct, d), (queued, q)], lang),
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", P::Plainly.get(lang));
    let _ = writeln!(
        out,
        "{}",
        words::trade_off(
            d.rejected,
            d.arrivals,
            q.dropped,
            q.stats.p99_wait_ms / 1e3,
            lang
        )
    );
    out
}

/// The theory next to the measurements, one column per variant.
fn write_theory(out: &mut String, sides: [(&Option<TheoryReport>, &VariantReport); 2], lang: Lang) {
    let mut rows: Vec<[String; 3]> = Vec::new();
    let title = |(t, v): (&Option<TheoryReport>, &VariantReport)| match t {
        Some(t) => format!("{} {}", words::variant_title(v.variant, lang), t.model),
        None => words::variant_title(v.variant, lang).to_string(),
    };
    rows.push([
        format!("{} ({})", P::Theory.get(lang), P::TheoryMeasured.get(lang)),
        title(sides[0]),
        title(sides[1]),
    ]);
    let pair = |theory: Option<f64>, measured: f64| match theory {
        Some(t) => format!("{t:.3} / {measured:.3}"),
        None => format!("- / {measured:.3}"),
    };
    type Pick = fn(&TheoryReport) -> Option<f64>;
    type Measure = fn(&VariantReport) -> f64;
    let figures: [(P, Pick, Measure); 7] = [
        (P::Rho, |t| t.utilization, |v| v.measured.utilization),
        (P::PBlock, |t| t.p_block, |v| v.measured.p_block),
        (P::PWait, |t| t.p_wait, |v| v.measured.p_wait),
        (P::Wq, |t| t.wq_ms, |v| v.measured.wq_ms),
        (P::Lq, |t| t.lq, |v| v.measured.lq),
        (P::W, |t| t.w_ms, |v| v.measured.w_ms),
        (P::L, |t| t.l, |v| v.measured.l),
    ];
    for (label, pick, measure) in figures {
        let cell = |(t, v): (&Option<TheoryReport>, &VariantReport)| match t {
            Some(t) => pair(pick(t), measure(v)),
            None => "-".to_string(),
        };
        rows.push([label.get(lang).to_string(), cell(sides[0]), cell(sides[1])]);
    }
    write_table(out, &rows);
    for (theory, _) in sides {
        if let Some(t) = theory.as_ref().filter(|t| t.grows_without_bound) {
            let _ = writeln!(out, "! {}", words::overload_warning(t.rho, true, lang));
        }
    }
}

fn write_table(out: &mut String, rows: &[[String; 3]]) {
    for [label, a, b] in rows {
        let _ = writeln!(out, "{} {} {}", pad(label, 30), lpad(a, 24), lpad(b, 24));
    }
}

/// Display width: CJK and full-width characters take two columns.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| if c >= '\u{2E80}' { 2 } else { 1 })
        .sum()
}

fn pad(text: &str, to: usize) -> String {
    format!("{text}{}", " ".repeat(to.saturating_sub(width(text))))
}

fn lpad(text: &str, to: usize) -> String {
    format!("{}{text}", " ".repeat(to.saturating_sub(width(text))))
}

/// Columns of a sparkline.
const SPARK_WIDTH: usize = 60;

/// A sparkline of `values` scaled to `top`, averaged down to at most
/// [`SPARK_WIDTH`] columns.
fn spark(values: &[f64], top: f64) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let group = values.len().div_ceil(SPARK_WIDTH).max(1);
    values
        .chunks(group)
        .map(|chunk| {
            let mean = chunk.iter().sum::<f64>() / chunk.len() as f64;
            if mean <= 0.0 || top <= 0.0 {
                ' '
            } else {
                let level = (mean / top * BARS.len() as f64).ceil() as usize;
                BARS[level.clamp(1, BARS.len()) - 1]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Request, Problem> {
        use clap::Parser;
        #[derive(Parser)]
        struct Peak {
            #[command(flatten)]
            options: Options,
        }
        let peak = Peak::try_parse_from(std::iter::once("peak").chain(args.iter().copied()))
            .expect("the options read");
        peak.options.request(5, Lang::En)
    }

    #[test]
    fn reads_options_over_the_preset() {
        let r = parse(&[
            "--workers",
            "8",
            "--preset",
            "steady",
            "--burst",
            "1s,2s,50",
            "--capacity",
            "0",
            "--json",
        ])
        .unwrap();
        assert!(r.json);
        assert_eq!(r.config.seed, 5);
        assert_eq!(
            r.config.workers, 8,
            "the preset does not undo earlier options"
        );
        assert_eq!(r.config.base_rate, 30.0);
        assert_eq!(r.config.capacity, 0);
        assert_eq!(r.config.bursts.len(), 1);
        assert_eq!(r.config.bursts[0].length, Duration::from_secs(2));
        let plain = parse(&[]).unwrap();
        assert_eq!(plain.config, Preset::FlashSale.config(5));
        let two = parse(&["--burst", "1s,2s,50", "--burst", "9s,1s,5"]).unwrap();
        assert_eq!(two.config.bursts.len(), 2, "each --burst adds one");
    }

    #[test]
    fn settings_out_of_range_name_the_option() {
        use crate::peak::config::Problem as Setting;
        assert_eq!(
            parse(&["--workers", "0"]),
            Err(Problem::Peak(Setting::Workers { max: 1000 }))
        );
        assert_eq!(
            parse(&["--capacity", "0", "--overload"]),
            Err(Problem::Peak(Setting::OverloadUnbounded))
        );
        assert_eq!(
            parse(&["--burst", "70s,1s,5"]),
            Err(Problem::Peak(Setting::BurstAfterEnd { burst: 1 }))
        );
    }

    #[test]
    fn sparklines_scale_and_shrink() {
        assert_eq!(spark(&[0.0, 1.0, 2.0], 2.0), " ▄█");
        assert_eq!(spark(&vec![1.0; 600], 1.0).chars().count(), SPARK_WIDTH);
        assert_eq!(width("队列 ab"), 7);
    }
}
