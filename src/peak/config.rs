//! The settings of a peak-shaving run: the traffic (a base rate and burst
//! windows), the service (workers and a service-time distribution), the
//! broker queue's capacity and the overload switch; the three presets; the
//! validation that names the offending field; and the text forms of rates
//! and bursts used by the command line and the page.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::delay::{parse_duration, Delay, DurationProblem, DurationText, MAX_DURATION};
use crate::number::{parse_f64, Shortest};
use crate::scenario::{MAX_ACTORS, MAX_CAPACITY};

/// Highest arrival rate accepted, in requests per second.
pub const MAX_RATE: f64 = 1_000_000.0;
/// Most burst windows in one profile.
pub const MAX_BURSTS: usize = 8;
/// Most requests a run may expect (rates × durations), so that a typo cannot
/// freeze the page.
pub const MAX_EXPECTED_REQUESTS: f64 = 20_000_000.0;

/// A window of different traffic: from `start`, for `length`, requests
/// arrive at `rate` per second instead of the base rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Burst {
    pub start: Duration,
    pub length: Duration,
    /// Requests per second during the window.
    pub rate: f64,
}

/// The named starting points: `steady`, `flash-sale`, `two-bursts`.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::Display,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(
    serialize_all = "kebab-case",
    parse_err_ty = UnknownPreset,
    parse_err_fn = UnknownPreset::named
)]
pub enum Preset {
    /// Constant traffic at 75% of the service's capacity: no peak.
    Steady,
    /// A flash sale: a 5 s burst at three times the service's capacity.
    FlashSale,
    /// Two shorter bursts, the second before the queue has fully drained.
    TwoBursts,
}

impl Preset {
    /// The name on the command line and in links.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The preset's settings. All share the service: 4 workers, exponential
    /// service with mean 100 ms (40 requests/s together), a broker queue of
    /// 1000 places, 60 s of traffic.
    pub fn config(self, seed: u64) -> PeakConfig {
        let secs = Duration::from_secs;
        let burst = |start, length, rate| Burst {
            start: secs(start),
            length: secs(length),
            rate,
        };
        let (base_rate, bursts) = match self {
            Preset::Steady => (30.0, vec![]),
            Preset::FlashSale => (20.0, vec![burst(20, 5, 120.0)]),
            Preset::TwoBursts => (20.0, vec![burst(10, 4, 100.0), burst(30, 4, 100.0)]),
        };
        PeakConfig {
            seed,
            base_rate,
            bursts,
            duration: secs(60),
            workers: 4,
            service: Delay::Exp(Duration::from_millis(100)),
            capacity: 1000,
            overload: false,
        }
    }
}

/// A preset name that is none of [`Preset::VARIANTS`]'s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownPreset(pub String);

impl UnknownPreset {
    fn named(name: &str) -> UnknownPreset {
        UnknownPreset(name.to_string())
    }
}

/// Everything that determines a peak-shaving run (both variants).
#[derive(Clone, Debug, PartialEq)]
pub struct PeakConfig {
    pub seed: u64,
    /// Requests per second outside the bursts.
    pub base_rate: f64,
    /// During a window the rate is the burst's (overlapping windows: the
    /// highest of them).
    pub bursts: Vec<Burst>,
    /// Requests arrive during `[0, duration)`; the run then drains.
    pub duration: Duration,
    /// Requests served at the same time.
    pub workers: u32,
    /// How long serving one request takes.
    pub service: Delay,
    /// Places in the broker queue of the queued variant; 0 = unbounded.
    pub capacity: usize,
    /// The direct variant admits up to `workers + capacity` requests at
    /// once and slows down when overloaded, instead of rejecting at
    /// `workers` (see [`overload_factor`]).
    pub overload: bool,
}

/// The overload mode's slowdown: a request that starts while `in_flight`
/// requests (itself included) share `workers` workers takes its service
/// time times `(in_flight / workers)²`, and keeps that factor to the end.
/// Sharing the workers costs one factor `in_flight / workers`, contention
/// (context switches, locks, cache and connection thrashing) another; so
/// throughput falls to `workers² / (in_flight · service)`: the more the
/// service accepts, the less it serves.
pub fn overload_factor(in_flight: u64, workers: u32) -> f64 {
    let ratio = in_flight as f64 / f64::from(workers);
    if ratio > 1.0 {
        ratio * ratio
    } else {
        1.0
    }
}

impl PeakConfig {
    /// The rate at virtual time `t` (0 once arrivals have stopped).
    pub fn rate_at(&self, t: Duration) -> f64 {
        if t >= self.duration {
            return 0.0;
        }
        self.bursts
            .iter()
            .filter(|b| t >= b.start && t < b.start + b.length)
            .map(|b| b.rate)
            .reduce(f64::max)
            .unwrap_or(self.base_rate)
    }

    /// The profile as constant-rate pieces `(end, rate per second)` covering
    /// `[0, duration)` in order.
    pub fn segments(&self) -> Vec<(Duration, f64)> {
        // The burst edges inside the traffic, then its end; in order, once
        // each (a handful of them: inserted in place rather than sorted).
        let mut cuts: Vec<Duration> = Vec::new();
        let edges = self
            .bursts
            .iter()
            .flat_map(|b| [b.start, b.start + b.length]);
        for cut in edges.filter(|&t| t > Duration::ZERO && t < self.duration) {
            if let Err(at) = cuts.binary_search(&cut) {
                cuts.insert(at, cut);
            }
        }
        cuts.push(self.duration);
        let mut start = Duration::ZERO;
        cuts.into_iter()
            .map(|end| {
                let rate = self.rate_at(start);
                start = end;
                (end, rate)
            })
            .collect()
    }

    /// The mean number of requests the profile brings.
    pub fn expected_arrivals(&self) -> f64 {
        let mut start = Duration::ZERO;
        self.segments()
            .into_iter()
            .map(|(end, rate)| {
                let n = rate * (end - start).as_secs_f64();
                start = end;
                n
            })
            .sum()
    }

    /// Whether the rate is the same all along (the theory's steady state).
    pub fn is_steady(&self) -> bool {
        self.segments().iter().all(|&(_, r)| r == self.base_rate)
    }

    /// Requests per second all workers serve together when busy.
    pub fn service_capacity(&self) -> f64 {
        f64::from(self.workers) / self.service.mean().as_secs_f64()
    }

    /// The highest rate of the profile.
    pub fn peak_rate(&self) -> f64 {
        self.segments().iter().map(|&(_, r)| r).fold(0.0, f64::max)
    }

    /// Checks every setting against the engine's limits; the first one out
    /// of range is reported (its field is named by [`Problem::field`]).
    pub fn validate(&self) -> Result<(), Problem> {
        self.check(MAX_EXPECTED_REQUESTS)
    }

    /// Checks every setting, allowing at most `max_requests` expected
    /// requests (the page allows fewer than the command line).
    pub fn check(&self, max_requests: f64) -> Result<(), Problem> {
        let rate_ok = |r: f64| r.is_finite() && (0.0..=MAX_RATE).contains(&r);
        if !rate_ok(self.base_rate) {
            return Err(Problem::BaseRate { max: MAX_RATE });
        }
        if self.duration.is_zero() || self.duration > MAX_DURATION {
            return Err(Problem::Duration { max: MAX_DURATION });
        }
        if self.bursts.len() > MAX_BURSTS {
            return Err(Problem::TooManyBursts { max: MAX_BURSTS });
        }
        for (i, b) in self.bursts.iter().enumerate() {
            let burst = i + 1;
            if !rate_ok(b.rate) {
                return Err(Problem::BurstRate {
                    burst,
                    max: MAX_RATE,
                });
            }
            if b.length.is_zero() {
                return Err(Problem::BurstLength { burst });
            }
            if b.start >= self.duration {
                return Err(Problem::BurstAfterEnd { burst });
            }
        }
        let expected = self.expected_arrivals();
        if expected > max_requests {
            return Err(Problem::TooMuchTraffic {
                expected,
                limit: max_requests,
            });
        }
        if !(1..=MAX_ACTORS).contains(&self.workers) {
            return Err(Problem::Workers { max: MAX_ACTORS });
        }
        if self.service.mean().is_zero() {
            return Err(Problem::ServiceMean);
        }
        if self.capacity > MAX_CAPACITY {
            return Err(Problem::Capacity { max: MAX_CAPACITY });
        }
        if self.overload && self.capacity == 0 {
            return Err(Problem::OverloadUnbounded);
        }
        Ok(())
    }
}

/// A setting out of range, with the limit it breaks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Problem {
    /// The base rate is not within 0 to `max` requests per second.
    BaseRate { max: f64 },
    /// The traffic lasts 0, or longer than `max`.
    Duration { max: Duration },
    /// More than `max` bursts.
    TooManyBursts { max: usize },
    /// Burst number `burst` (1-based): its rate is not within 0 to `max`.
    BurstRate { burst: usize, max: f64 },
    /// Burst number `burst` lasts 0.
    BurstLength { burst: usize },
    /// Burst number `burst` starts at or after the end of the traffic.
    BurstAfterEnd { burst: usize },
    /// The rates and duration bring about `expected` requests, more than
    /// `limit`.
    TooMuchTraffic { expected: f64, limit: f64 },
    /// Workers not within 1 to `max`.
    Workers { max: u32 },
    /// The service time has a mean of 0.
    ServiceMean,
    /// Capacity above `max`.
    Capacity { max: usize },
    /// Overload mode with an unbounded queue: no connection limit.
    OverloadUnbounded,
}

impl Problem {
    /// The setting at fault, named as its command-line option without `--`.
    pub fn field(&self) -> &'static str {
        match self {
            Problem::BaseRate { .. } => "base-rate",
            Problem::Duration { .. } | Problem::TooMuchTraffic { .. } => "duration",
            Problem::TooManyBursts { .. }
            | Problem::BurstRate { .. }
            | Problem::BurstLength { .. }
            | Problem::BurstAfterEnd { .. } => "burst",
            Problem::Workers { .. } => "workers",
            Problem::ServiceMean => "service-delay",
            Problem::Capacity { .. } => "capacity",
            Problem::OverloadUnbounded => "overload",
        }
    }
}

/// The text after `--base-rate` (or in the page's field) is not a rate: a
/// non-negative number of requests per second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotARate;

/// Reads a rate: a non-negative number of requests per second, optionally
/// followed by `/s` (`120`, `2.5/s`).
pub fn parse_rate(text: &str) -> Result<f64, NotARate> {
    let text = text.trim();
    let number = text.strip_suffix("/s").unwrap_or(text).trim();
    match parse_f64(number) {
        Some(r) if r.is_finite() && r >= 0.0 => Ok(r),
        _ => Err(NotARate),
    }
}

/// Why a burst's text (`START,LENGTH,RATE`) does not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BurstProblem {
    /// Not three parts separated by commas.
    NotABurst,
    /// Its start or length does not read (why, and that part's text).
    Duration(DurationProblem, String),
    /// Its rate does not read (that part's text).
    Rate(String),
}

impl FromStr for Burst {
    type Err = BurstProblem;

    /// `START,LENGTH,RATE`: two durations and a rate, e.g. `20s,5s,120`.
    fn from_str(text: &str) -> Result<Self, BurstProblem> {
        let parts: Vec<&str> = text.split(',').collect();
        let [start, length, rate] = parts[..] else {
            return Err(BurstProblem::NotABurst);
        };
        let duration = |part: &str| {
            parse_duration(part).map_err(|why| BurstProblem::Duration(why, part.trim().to_string()))
        };
        Ok(Burst {
            start: duration(start)?,
            length: duration(length)?,
            rate: parse_rate(rate)
                .map_err(|NotARate| BurstProblem::Rate(rate.trim().to_string()))?,
        })
    }
}

impl fmt::Display for Burst {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{},{},{}",
            DurationText(self.start),
            DurationText(self.length),
            Shortest(self.rate)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn presets_are_valid_and_named() {
        for &preset in Preset::VARIANTS {
            let cfg = preset.config(1);
            assert_eq!(cfg.validate(), Ok(()), "{preset}");
            assert_eq!(preset.name().parse::<Preset>(), Ok(preset));
        }
        assert!(Preset::Steady.config(1).is_steady());
        assert!(!Preset::FlashSale.config(1).is_steady());
        assert_eq!("rush".parse::<Preset>(), Err(UnknownPreset("rush".into())));
    }

    #[test]
    fn the_profile_is_the_burst_rate_inside_windows_and_the_base_elsewhere() {
        let mut cfg = Preset::FlashSale.config(1);
        assert_eq!(cfg.rate_at(secs(0)), 20.0);
        assert_eq!(cfg.rate_at(secs(20)), 120.0);
        assert_eq!(cfg.rate_at(secs(25)), 20.0);
        assert_eq!(cfg.rate_at(secs(60)), 0.0);
        assert_eq!(
            cfg.segments(),
            vec![(secs(20), 20.0), (secs(25), 120.0), (secs(60), 20.0)]
        );
        assert!((cfg.expected_arrivals() - (55.0 * 20.0 + 5.0 * 120.0)).abs() < 1e-9);
        assert_eq!(cfg.peak_rate(), 120.0);
        assert!((cfg.service_capacity() - 40.0).abs() < 1e-9);
        // Overlapping windows take the highest rate; a window past the end is cut.
        cfg.bursts.push(Burst {
            start: secs(22),
            length: secs(100),
            rate: 50.0,
        });
        assert_eq!(cfg.rate_at(secs(24)), 120.0);
        assert_eq!(cfg.rate_at(secs(30)), 50.0);
        assert_eq!(cfg.segments().last(), Some(&(secs(60), 50.0)));
        // Bursts in any order, touching: each edge once, in time order.
        cfg.bursts = vec![
            Burst {
                start: secs(30),
                length: secs(10),
                rate: 90.0,
            },
            Burst {
                start: secs(10),
                length: secs(20),
                rate: 60.0,
            },
        ];
        assert_eq!(
            cfg.segments(),
            vec![
                (secs(10), 20.0),
                (secs(30), 60.0),
                (secs(40), 90.0),
                (secs(60), 20.0)
            ]
        );
    }

    #[test]
    fn validation_names_the_field() {
        let base = Preset::FlashSale.config(1);
        let field = |change: &dyn Fn(&mut PeakConfig)| {
            let mut cfg = base.clone();
            change(&mut cfg);
            cfg.validate().unwrap_err().field()
        };
        assert_eq!(field(&|c| c.base_rate = -1.0), "base-rate");
        assert_eq!(field(&|c| c.base_rate = f64::NAN), "base-rate");
        assert_eq!(field(&|c| c.workers = 0), "workers");
        assert_eq!(field(&|c| c.duration = Duration::ZERO), "duration");
        assert_eq!(field(&|c| c.bursts[0].start = secs(60)), "burst");
        assert_eq!(field(&|c| c.bursts[0].length = Duration::ZERO), "burst");
        assert_eq!(field(&|c| c.bursts[0].rate = 2e6), "burst");
        assert_eq!(
            field(&|c| c.service = Delay::Const(Duration::ZERO)),
            "service-delay"
        );
        assert_eq!(field(&|c| c.capacity = MAX_CAPACITY + 1), "capacity");
        assert_eq!(field(&|c| c.base_rate = MAX_RATE), "duration");
        assert_eq!(
            field(&|c| {
                c.overload = true;
                c.capacity = 0;
            }),
            "overload"
        );
    }

    #[test]
    fn bursts_and_rates_read_and_print() {
        let b: Burst = "20s,5s,120".parse().unwrap();
        assert_eq!(
            b,
            Burst {
                start: secs(20),
                length: secs(5),
                rate: 120.0
            }
        );
        assert_eq!(b.to_string(), "20s,5s,120");
        assert_eq!(parse_rate("2.5/s"), Ok(2.5));
        assert_eq!(parse_rate("-1"), Err(NotARate));
        assert_eq!("20s,5s".parse::<Burst>(), Err(BurstProblem::NotABurst));
        assert_eq!(
            "20,5s,1".parse::<Burst>(),
            Err(BurstProblem::Duration(DurationProblem::NoUnit, "20".into()))
        );
        assert_eq!(
            "20s,5s,fast".parse::<Burst>(),
            Err(BurstProblem::Rate("fast".into()))
        );
    }

    #[test]
    fn overload_slows_down_quadratically_above_the_workers() {
        assert_eq!(overload_factor(3, 4), 1.0);
        assert_eq!(overload_factor(4, 4), 1.0);
        assert_eq!(overload_factor(8, 4), 4.0);
    }
}
