//! Queueing theory beside the measurements: the M/M/c queue (Poisson
//! arrivals, exponential service, c servers) with an unbounded or a bounded
//! waiting room. Pure functions of the rates; the runs compare their
//! measured figures with these.
//!
//! - Unbounded (M/M/c): utilisation ρ = λ/(cμ), the probability of waiting
//!   (Erlang C), mean wait in queue Wq, mean queue length Lq, and W, L. When
//!   ρ ≥ 1 there is no steady state: the queue grows without bound.
//! - Bounded (M/M/c/K with K waiting places; K = 0 is Erlang's loss system
//!   M/M/c/c): the probability that an arrival is turned away, and Wq, Lq,
//!   W, L of the requests let in. Always stable.

use serde::Serialize;

use crate::delay::Delay;
use crate::scenario::{Config, ScenarioKind};

/// Erlang B: the probability that an arrival finds all `servers` busy in a
/// loss system with offered load `load` = λ/μ (in erlangs). Computed with
/// the stable recursion B(k) = a·B(k−1) / (k + a·B(k−1)).
pub fn erlang_b(servers: u32, load: f64) -> f64 {
    (1..=servers).fold(1.0, |b, k| load * b / (f64::from(k) + load * b))
}

/// Erlang C: the probability that an arrival has to wait in an M/M/c queue
/// with offered load `load` = λ/μ; `None` when `load >= servers` (no
/// steady state).
pub fn erlang_c(servers: u32, load: f64) -> Option<f64> {
    let c = f64::from(servers);
    if load >= c {
        return None;
    }
    let b = erlang_b(servers, load);
    Some(c * b / (c - load * (1.0 - b)))
}

/// A queue with Poisson arrivals at `lambda` per second, `servers` servers
/// each serving at `mu` per second (exponential service times), and
/// `queue_slots` waiting places (`None`: unbounded).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mmc {
    pub lambda: f64,
    pub mu: f64,
    pub servers: u32,
    pub queue_slots: Option<u64>,
}

/// The predictions for one queue, as reported in JSON. Times in ms; a
/// `None` figure does not exist (an unbounded queue with ρ ≥ 1).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TheoryReport {
    /// Kendall's notation with the numbers filled in, e.g. `M/M/4`, `M/M/4/504`.
    pub model: String,
    pub lambda_per_s: f64,
    pub mu_per_s: f64,
    pub servers: u32,
    /// Waiting places; `None` = unbounded.
    pub queue_slots: Option<u64>,
    /// Offered utilisation λ/(cμ).
    pub rho: f64,
    /// An unbounded queue with ρ ≥ 1: no steady state.
    pub grows_without_bound: bool,
    /// Probability that an arrival is turned away (0 when unbounded).
    pub p_block: Option<f64>,
    /// Probability that a request let in has to wait (Erlang C when unbounded).
    pub p_wait: Option<f64>,
    /// Fraction of server time busy.
    pub utilization: Option<f64>,
    pub wq_ms: Option<f64>,
    pub lq: Option<f64>,
    pub w_ms: Option<f64>,
    pub l: Option<f64>,
}

/// The steady state of a queue: every figure per second or per request.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SteadyState {
    pub p_block: f64,
    pub p_wait: f64,
    pub utilization: f64,
    /// Seconds.
    pub wq: f64,
    pub lq: f64,
    /// Seconds.
    pub w: f64,
    pub l: f64,
}

impl Mmc {
    /// A queue with the given rates; `None` unless λ, μ > 0 and finite and
    /// there is at least one server.
    pub fn new(lambda: f64, mu: f64, servers: u32, queue_slots: Option<u64>) -> Option<Mmc> {
        let positive = |x: f64| x.is_finite() && x > 0.0;
        (positive(lambda) && positive(mu) && servers > 0).then_some(Mmc {
            lambda,
            mu,
            servers,
            queue_slots,
        })
    }

    /// Offered load a = λ/μ, in erlangs.
    pub fn load(&self) -> f64 {
        self.lambda / self.mu
    }

    /// Utilisation ρ = λ/(cμ).
    pub fn rho(&self) -> f64 {
        self.load() / f64::from(self.servers)
    }

    /// Whether an unbounded queue would grow without bound (ρ ≥ 1).
    pub fn grows_without_bound(&self) -> bool {
        self.queue_slots.is_none() && self.rho() >= 1.0
    }

    /// The steady state, `None` when there is none (unbounded, ρ ≥ 1).
    pub fn steady_state(&self) -> Option<SteadyState> {
        match self.queue_slots {
            None => self.unbounded(),
            Some(slots) => Some(self.bounded(slots)),
        }
    }

    fn unbounded(&self) -> Option<SteadyState> {
        let c = f64::from(self.servers);
        let p_wait = erlang_c(self.servers, self.load())?;
        let wq = p_wait / (c * self.mu - self.lambda);
        let w = wq + 1.0 / self.mu;
        Some(SteadyState {
            p_block: 0.0,
            p_wait,
            utilization: self.rho(),
            wq,
            lq: self.lambda * wq,
            w,
            l: self.lambda * w,
        })
    }

    /// M/M/c/K by its birth–death distribution, summed in log space so that
    /// many servers or a long queue cannot overflow.
    fn bounded(&self, slots: u64) -> SteadyState {
        let servers = u64::from(self.servers);
        let top = servers + slots;
        let (ln_load, ln_rho) = (libm::log(self.load()), libm::log(self.rho()));
        // ln of the unnormalised probability of n in the system.
        let ln_term = |n: u64, prev: f64| {
            if n == 0 {
                0.0
            } else if n <= servers {
                prev + ln_load - libm::log(n as f64)
            } else {
                prev + ln_rho
            }
        };
        let mut peak = f64::NEG_INFINITY;
        let mut ln = 0.0;
        for n in 0..=top {
            ln = ln_term(n, ln);
            peak = peak.max(ln);
        }
        let (mut sum, mut l, mut lq, mut waiting, mut full) = (0.0, 0.0, 0.0, 0.0, 0.0);
        let mut ln = 0.0;
        for n in 0..=top {
            ln = ln_term(n, ln);
            let p = (ln - peak).exp();
            sum += p;
            l += n as f64 * p;
            lq += n.saturating_sub(servers) as f64 * p;
            if n >= servers && n < top {
                waiting += p;
            }
            if n == top {
                full = p;
            }
        }
        let (l, lq, p_block) = (l / sum, lq / sum, full / sum);
        let admitted = self.lambda * (1.0 - p_block);
        SteadyState {
            p_block,
            p_wait: waiting / sum / (1.0 - p_block),
            utilization: (l - lq) / f64::from(self.servers),
            wq: lq / admitted,
            lq,
            w: l / admitted,
            l,
        }
    }

    /// The predictions, for reports.
    pub fn report(&self) -> TheoryReport {
        let steady = self.steady_state();
        let model = match self.queue_slots {
            None => format!("M/M/{}", self.servers),
            Some(slots) => format!("M/M/{}/{}", self.servers, u64::from(self.servers) + slots),
        };
        TheoryReport {
            model,
            lambda_per_s: self.lambda,
            mu_per_s: self.mu,
            servers: self.servers,
            queue_slots: self.queue_slots,
            rho: self.rho(),
            grows_without_bound: self.grows_without_bound(),
            p_block: steady.map(|s| s.p_block),
            p_wait: steady.map(|s| s.p_wait),
            utilization: steady.map(|s| s.utilization),
            wq_ms: steady.map(|s| s.wq * 1e3),
            lq: steady.map(|s| s.lq),
            w_ms: steady.map(|s| s.w * 1e3),
            l: steady.map(|s| s.l),
        }
    }
}

/// The M/M/c model of a `custom` run, when it is one: both delays
/// exponential and an unbounded queue, so producers never block and their
/// items arrive as the superposition of `producers` Poisson streams
/// (λ = producers / mean produce delay); `consumers` servers with
/// μ = 1 / mean consume delay. Wait in queue is the run's put → get wait.
pub fn for_config(config: &Config) -> Option<Mmc> {
    let (Delay::Exp(produce), Delay::Exp(consume)) = (config.produce_delay, config.consume_delay)
    else {
        return None;
    };
    if config.scenario != ScenarioKind::Custom || config.capacity != 0 {
        return None;
    }
    Mmc::new(
        f64::from(config.producers) / produce.as_secs_f64(),
        1.0 / consume.as_secs_f64(),
        config.consumers,
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1e-300)
    }

    #[test]
    fn mm1_matches_the_closed_forms() {
        // λ = 0.5, μ = 1: ρ = 0.5, Wq = ρ/(μ−λ) = 1 s, Lq = ρ²/(1−ρ) = 0.5.
        let q = Mmc::new(0.5, 1.0, 1, None).unwrap();
        let s = q.steady_state().unwrap();
        assert!(close(q.rho(), 0.5, 1e-12));
        assert!(close(s.p_wait, 0.5, 1e-12), "Erlang C of M/M/1 is ρ");
        assert!(close(s.wq, 1.0, 1e-12));
        assert!(close(s.lq, 0.5, 1e-12));
        assert!(close(s.w, 2.0, 1e-12));
        assert!(close(s.l, 1.0, 1e-12), "L = ρ/(1−ρ)");
        // λ = 8, μ = 10: Wq = 0.8/2 = 0.4 s.
        let s = Mmc::new(8.0, 10.0, 1, None)
            .unwrap()
            .steady_state()
            .unwrap();
        assert!(close(s.wq, 0.4, 1e-12));
    }

    #[test]
    fn erlang_b_and_c_match_known_values() {
        assert!(close(erlang_b(1, 2.0), 2.0 / 3.0, 1e-12), "a/(1+a)");
        assert!(close(erlang_b(2, 1.0), 0.2, 1e-12));
        // Textbook table values.
        assert!(close(erlang_b(10, 5.0), 0.018_385, 1e-4));
        assert!(close(erlang_c(2, 1.0).unwrap(), 1.0 / 3.0, 1e-12));
        assert!(close(erlang_c(10, 8.0).unwrap(), 0.409_2, 1e-3));
        assert_eq!(erlang_c(4, 4.0), None);
        // M/M/2, λ = μ = 1: P0 = 1/3, Lq = 1/3, Wq = 1/3 s.
        let s = Mmc::new(1.0, 1.0, 2, None).unwrap().steady_state().unwrap();
        assert!(close(s.lq, 1.0 / 3.0, 1e-12));
        assert!(close(s.wq, 1.0 / 3.0, 1e-12));
        // Many servers do not overflow.
        let big = erlang_c(1000, 950.0).unwrap();
        assert!(big > 0.0 && big < 1.0, "{big}");
    }

    #[test]
    fn unbounded_queue_with_rho_at_least_one_has_no_steady_state() {
        let q = Mmc::new(4.0, 1.0, 4, None).unwrap();
        assert!(q.grows_without_bound());
        assert_eq!(q.steady_state(), None);
        let r = q.report();
        assert!(r.grows_without_bound);
        assert_eq!(r.wq_ms, None);
        assert_eq!(r.model, "M/M/4");
        // A bounded queue is always stable.
        let bounded = Mmc::new(8.0, 1.0, 4, Some(10)).unwrap();
        assert!(!bounded.grows_without_bound());
        assert!(bounded.steady_state().unwrap().p_block > 0.4);
    }

    #[test]
    fn bounded_queue_matches_erlang_b_mm1k_and_the_unbounded_limit() {
        // No waiting places: Erlang's loss system.
        let loss = Mmc::new(3.0, 1.0, 4, Some(0)).unwrap();
        let s = loss.steady_state().unwrap();
        assert!(close(s.p_block, erlang_b(4, 3.0), 1e-12));
        assert_eq!(s.lq, 0.0);
        assert!(close(s.l, 3.0 * (1.0 - s.p_block), 1e-12), "L = a(1−B)");
        assert_eq!(loss.report().model, "M/M/4/4");
        // M/M/1/N: P(full) = (1−ρ)ρ^N / (1−ρ^(N+1)), here N = 1 + 4.
        let rho: f64 = 0.8;
        let s = Mmc::new(0.8, 1.0, 1, Some(4))
            .unwrap()
            .steady_state()
            .unwrap();
        let expect = (1.0 - rho) * rho.powi(5) / (1.0 - rho.powi(6));
        assert!(close(s.p_block, expect, 1e-12));
        // A long queue at ρ < 1 is the unbounded one.
        let long = Mmc::new(3.2, 1.0, 4, Some(100_000))
            .unwrap()
            .steady_state()
            .unwrap();
        let free = Mmc::new(3.2, 1.0, 4, None).unwrap().steady_state().unwrap();
        assert!(close(long.wq, free.wq, 1e-9));
        assert!(close(long.p_wait, free.p_wait, 1e-9));
        assert!(close(long.utilization, 0.8, 1e-9));
    }

    #[test]
    fn a_config_is_mmc_only_with_exponential_delays_and_no_bound() {
        let mut cfg = Config {
            producers: 2,
            consumers: 3,
            produce_delay: "exp:10ms".parse().unwrap(),
            consume_delay: "exp:50ms".parse().unwrap(),
            ..Config::defaults(ScenarioKind::Custom, 1)
        };
        let q = for_config(&cfg).unwrap();
        assert!(close(q.lambda, 200.0, 1e-12));
        assert!(close(q.mu, 20.0, 1e-12));
        assert_eq!(q.servers, 3);
        cfg.capacity = 5;
        assert_eq!(for_config(&cfg), None, "producers may block");
        cfg.capacity = 0;
        cfg.consume_delay = "uniform:0ms..100ms".parse().unwrap();
        assert_eq!(for_config(&cfg), None);
        cfg.consume_delay = "exp:0ms".parse().unwrap();
        assert_eq!(for_config(&cfg), None, "no rate from a zero mean");
        cfg.consume_delay = "exp:50ms".parse().unwrap();
        cfg.scenario = ScenarioKind::Hotdog;
        assert_eq!(for_config(&cfg), None, "only custom runs");
    }

    #[test]
    fn no_theory_without_traffic_or_servers() {
        assert_eq!(Mmc::new(0.0, 1.0, 1, None), None);
        assert_eq!(Mmc::new(1.0, f64::INFINITY, 1, None), None);
        assert_eq!(Mmc::new(1.0, 1.0, 0, None), None);
    }
}
