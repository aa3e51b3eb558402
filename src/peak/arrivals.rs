//! The request arrivals: a Poisson process whose rate follows the config's
//! profile, drawn from its own random stream so that both variants of a
//! run — whatever they draw for service times — see exactly the same
//! arrival times for the same seed.
//!
//! The stream is ChaCha8 seeded with the run's seed on stream 1 (the
//! engine's own RNG uses stream 0). Each arrival takes one exponential
//! draw E and walks the piecewise-constant rate until the accumulated
//! intensity reaches E (inversion of the cumulative rate): exact, and one
//! random number per request.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::config::PeakConfig;
use crate::trace::{duration_to_nanos, Nanos};

/// The arrival times of a run, in order, as an iterator.
pub struct Arrivals {
    rng: ChaCha8Rng,
    /// `(end in ns, requests per ns)`, in order.
    segments: Vec<(f64, f64)>,
    index: usize,
    /// The last arrival, in ns (fractional: rounding happens on output).
    t: f64,
}

impl Arrivals {
    pub fn new(config: &PeakConfig) -> Arrivals {
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        rng.set_stream(1);
        let segments = config
            .segments()
            .into_iter()
            .map(|(end, rate)| (duration_to_nanos(end) as f64, rate / 1e9))
            .collect();
        Arrivals {
            rng,
            segments,
            index: 0,
            t: 0.0,
        }
    }

    /// An exponential draw with mean 1, from the top 53 bits of the stream
    /// and libm's `log` (the same bits on every target).
    fn unit_exponential(&mut self) -> f64 {
        let u = (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        -libm::log(1.0 - u)
    }
}

impl Iterator for Arrivals {
    type Item = Nanos;

    fn next(&mut self) -> Option<Nanos> {
        let mut need = self.unit_exponential();
        while let Some(&(end, rate)) = self.segments.get(self.index) {
            let room = rate * (end - self.t);
            if need < room {
                self.t += need / rate;
                return Some(self.t.round() as Nanos);
            }
            need -= room;
            self.t = end;
            self.index += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peak::config::Preset;
    use std::time::Duration;

    #[test]
    fn same_seed_same_times_other_seed_other_times() {
        let cfg = Preset::FlashSale.config(7);
        let a: Vec<Nanos> = Arrivals::new(&cfg).collect();
        let b: Vec<Nanos> = Arrivals::new(&cfg).collect();
        assert_eq!(a, b);
        let c: Vec<Nanos> = Arrivals::new(&Preset::FlashSale.config(8)).collect();
        assert_ne!(a, c);
        assert!(a.windows(2).all(|w| w[0] <= w[1]), "in order");
        assert!(*a.last().unwrap() < 60_000_000_000, "none after the end");
    }

    #[test]
    fn counts_follow_the_rate_profile() {
        // Base 20/s for 55 s and 120/s for 5 s: about 1100 and 600.
        let mut cfg = Preset::FlashSale.config(3);
        cfg.duration = Duration::from_secs(600);
        cfg.bursts[0].length = Duration::from_secs(50);
        let (mut base, mut burst) = (0u64, 0u64);
        for t in Arrivals::new(&cfg) {
            if (20_000_000_000..70_000_000_000).contains(&t) {
                burst += 1;
            } else {
                base += 1;
            }
        }
        // Expected 550 s × 20 = 11000 and 50 s × 120 = 6000; 4 sd ≈ 420, 310.
        assert!((base as f64 - 11_000.0).abs() < 420.0, "{base}");
        assert!((burst as f64 - 6_000.0).abs() < 310.0, "{burst}");
    }

    #[test]
    fn no_traffic_no_arrivals() {
        let mut cfg = Preset::Steady.config(1);
        cfg.base_rate = 0.0;
        assert_eq!(Arrivals::new(&cfg).next(), None);
    }
}
