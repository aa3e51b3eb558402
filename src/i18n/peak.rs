//! The words of the peak-shaving scenario, in 中文 and English: its
//! summary line, the presets, the two variants, the rows of the side-by-side
//! summary, the theory panel, the ρ ≥ 1 warning and the trade-off sentence.
//! Fixed labels are [`P`] variants; sentences with values are functions.

use super::Lang;
use crate::peak::{Preset, Variant};

/// A fixed label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum P {
    Title,
    Traffic,
    Service,
    Arrivals,
    Served,
    Rejected,
    Dropped,
    TurnedAway,
    LatencyP50,
    LatencyP95,
    LatencyP99,
    MeanWait,
    QueueMeanMax,
    Utilization,
    Throughput,
    Little,
    EndTime,
    Theory,
    TheoryMeasured,
    TheoryNotApplicable,
    Rho,
    PBlock,
    PWait,
    Wq,
    Lq,
    W,
    L,
    ArrivalsPerS,
    ServedPerS,
    QueueDepth,
    Overload,
}

impl P {
    pub fn get(self, lang: Lang) -> &'static str {
        match self {
            P::Title => lang.pick("削峰：消息队列挡住流量高峰", "Peak shaving: a message queue against a traffic peak"),
            P::Traffic => lang.pick("流量", "traffic"),
            P::Service => lang.pick("服务", "service"),
            P::Arrivals => lang.pick("到达请求", "arrivals"),
            P::Served => lang.pick("已处理", "served"),
            P::Rejected => lang.pick("拒绝（503）", "rejected (503)"),
            P::Dropped => lang.pick("丢弃（队列已满）", "dropped (queue full)"),
            P::TurnedAway => lang.pick("拒绝 / 丢弃", "rejected / dropped"),
            P::LatencyP50 => lang.pick("延迟 p50 (ms)", "latency p50 (ms)"),
            P::LatencyP95 => lang.pick("延迟 p95 (ms)", "latency p95 (ms)"),
            P::LatencyP99 => lang.pick("延迟 p99 (ms)", "latency p99 (ms)"),
            P::MeanWait => lang.pick("队列中平均等待 (ms)", "mean wait in queue (ms)"),
            P::QueueMeanMax => lang.pick("队列长度 平均 / 最大", "queue length mean / max"),
            P::Utilization => lang.pick("工人利用率", "worker utilisation"),
            P::Throughput => lang.pick("吞吐量 (/s)", "throughput (/s)"),
            P::Little => lang.pick("利特尔法则 L / λW", "Little's law L / λW"),
            P::EndTime => lang.pick("结束时间 (s)", "end (s)"),
            P::Theory => lang.pick("理论（M/M/c）与实测", "theory (M/M/c) vs measured"),
            P::TheoryMeasured => lang.pick("理论 / 实测", "theory / measured"),
            P::TheoryNotApplicable => lang.pick(
                "理论只适用于平稳的泊松到达（没有高峰）和指数分布的服务时间",
                "the theory applies to steady Poisson arrivals (no bursts) and exponential service times only",
            ),
            P::Rho => lang.pick("利用率 ρ", "utilisation ρ"),
            P::PBlock => lang.pick("被拒绝的概率", "P(turned away)"),
            P::PWait => lang.pick("需要等待的概率", "P(wait)"),
            P::Wq => lang.pick("平均排队时间 Wq (ms)", "mean wait in queue Wq (ms)"),
            P::Lq => lang.pick("平均队列长度 Lq", "mean queue length Lq"),
            P::W => lang.pick("平均延迟 W (ms)", "mean latency W (ms)"),
            P::L => lang.pick("系统中平均请求数 L", "mean requests in the system L"),
            P::ArrivalsPerS => lang.pick("到达/秒", "arrivals/s"),
            P::ServedPerS => lang.pick("处理/秒", "served/s"),
            P::QueueDepth => lang.pick("队列长度", "queue depth"),
            P::Overload => lang.pick(
                "过载模式：直连服务不再在工人忙时拒绝，而是最多接纳 工人数+容量 个请求；同时进行的请求 n 超过工人数 c 时，新请求的服务时间乘以 (n/c)²——抢占与争用让服务越接越慢，吞吐量崩溃",
                "overload mode: the direct service no longer rejects when the workers are busy but admits up to workers + capacity requests; a request that starts while n > c are in flight takes (n/c)² times as long: contention makes the service slower the more it accepts, and throughput collapses",
            ),
        }
    }
}

/// The scenario's one-line summary, for `canteen scenarios` and the picker.
pub fn summary(lang: Lang) -> &'static str {
    lang.pick(
        "削峰：流量高峰直接打到服务上 vs 先进消息队列；队列把拒绝变成了等待",
        "peak shaving: a traffic burst straight at a service vs through a message queue; the queue turns rejections into waiting",
    )
}

/// A preset's name.
pub fn preset_name(preset: Preset, lang: Lang) -> &'static str {
    match preset {
        Preset::Steady => lang.pick("平稳流量", "steady"),
        Preset::FlashSale => lang.pick("秒杀", "flash sale"),
        Preset::TwoBursts => lang.pick("两次高峰", "two bursts"),
    }
}

/// What a preset shows, in one sentence.
pub fn preset_description(preset: Preset, lang: Lang) -> &'static str {
    match preset {
        Preset::Steady => lang.pick(
            "每秒 30 个请求，是服务能力（40/s）的 75%：没有高峰，直连也会因为偶然的扎堆而拒绝一些请求",
            "30 requests/s, 75% of the service's 40/s: no peak, yet the direct service rejects some requests when they happen to bunch up",
        ),
        Preset::FlashSale => lang.pick(
            "平时每秒 20 个；第 20 秒起 5 秒内每秒 120 个，是服务能力的 3 倍",
            "20 requests/s, and from 20 s for 5 s a flash sale at 120/s: three times what the service can do",
        ),
        Preset::TwoBursts => lang.pick(
            "平时每秒 20 个；第 10 秒和第 30 秒各有 4 秒每秒 100 个",
            "20 requests/s, with two 4 s bursts at 100/s from 10 s and from 30 s",
        ),
    }
}

/// A variant's title.
pub fn variant_title(variant: Variant, lang: Lang) -> &'static str {
    match variant {
        Variant::Direct => lang.pick("直连服务", "direct"),
        Variant::Queued => lang.pick("经由消息队列", "through a queue"),
    }
}

/// What a variant does, in one sentence.
pub fn variant_rule(variant: Variant, capacity: usize, overload: bool, lang: Lang) -> String {
    match (variant, overload, lang) {
        (Variant::Direct, false, Lang::Zh) => "请求直接交给服务；工人全忙就返回 503".into(),
        (Variant::Direct, false, Lang::En) => {
            "requests go straight to the service; 503 when every worker is busy".into()
        }
        (Variant::Direct, true, Lang::Zh) => "请求直接交给服务；过载时服务变慢（过载模式）".into(),
        (Variant::Direct, true, Lang::En) => {
            "requests go straight to the service, which slows down when overloaded (overload mode)".into()
        }
        (Variant::Queued, _, Lang::Zh) if capacity == 0 => {
            "请求先进入不限容量的队列，工人按自己的节奏取".into()
        }
        (Variant::Queued, _, Lang::En) if capacity == 0 => {
            "requests wait in an unbounded queue; the workers take them at their own pace".into()
        }
        (Variant::Queued, _, Lang::Zh) => {
            format!("请求先进入容量 {capacity} 的队列，满了才丢弃；工人按自己的节奏取")
        }
        (Variant::Queued, _, Lang::En) => format!(
            "requests wait in a queue of {capacity} places, dropped only when it is full; the workers take them at their own pace"
        ),
    }
}

/// The warning for a load at or above the service's capacity.
pub fn overload_warning(rho: f64, steady: bool, lang: Lang) -> String {
    match (steady, lang) {
        (true, Lang::Zh) => format!(
            "ρ = {rho:.2} ≥ 1：请求来得比工人处理得快，不限容量的队列会无限增长（没有稳态）"
        ),
        (true, Lang::En) => format!(
            "ρ = {rho:.2} ≥ 1: requests arrive faster than the workers serve them; an unbounded queue grows without bound (there is no steady state)"
        ),
        (false, Lang::Zh) => format!(
            "高峰时 ρ = {rho:.2} ≥ 1：请求来得比工人处理得快，高峰期间队列一直增长（不限容量时没有上限）"
        ),
        (false, Lang::En) => format!(
            "at the peak ρ = {rho:.2} ≥ 1: requests arrive faster than the workers serve them, so a queue grows for as long as the peak lasts (without bound if unbounded)"
        ),
    }
}

/// The trade-off, stated plainly with the run's numbers.
pub fn trade_off(
    rejected: u64,
    arrivals: u64,
    dropped: u64,
    p99_wait_s: f64,
    lang: Lang,
) -> String {
    let share = if arrivals > 0 {
        100.0 * rejected as f64 / arrivals as f64
    } else {
        0.0
    };
    match lang {
        Lang::Zh => format!(
            "队列把拒绝变成了等待：直连拒绝了 {rejected} 个请求（{share:.1}%），经由队列丢弃了 {dropped} 个，代价是排队——p99 等待 {p99_wait_s:.2} 秒。"
        ),
        Lang::En => format!(
            "The queue turns rejections into waiting: direct rejected {rejected} requests ({share:.1}%), the queue dropped {dropped}, and made requests wait instead: p99 wait {p99_wait_s:.2} s."
        ),
    }
}

/// The traffic in one line: base rate, bursts, duration, expected count.
pub fn traffic_line(
    base: f64,
    bursts: &[String],
    duration: &str,
    expected: f64,
    lang: Lang,
) -> String {
    match (bursts.is_empty(), lang) {
        (true, Lang::Zh) => {
            format!("流量：平稳的每秒 {base} 个，持续 {duration}（预计 {expected:.0} 个请求）")
        }
        (true, Lang::En) => {
            format!("traffic: a steady {base}/s for {duration} (about {expected:.0} requests)")
        }
        (false, Lang::Zh) => format!(
            "流量：平时每秒 {base} 个，高峰 {}，持续 {duration}（预计 {expected:.0} 个请求）",
            bursts.join("，")
        ),
        (false, Lang::En) => format!(
            "traffic: base {base}/s, bursts {}, for {duration} (about {expected:.0} requests)",
            bursts.join(", ")
        ),
    }
}

/// The service in one line.
pub fn service_line(workers: u32, delay: &str, per_s: f64, capacity: usize, lang: Lang) -> String {
    let queue = match (capacity, lang) {
        (0, Lang::Zh) => "队列容量不限".to_string(),
        (0, Lang::En) => "unbounded queue".to_string(),
        (n, Lang::Zh) => format!("队列容量 {n}"),
        (n, Lang::En) => format!("queue of {n} places"),
    };
    match lang {
        Lang::Zh => {
            format!("服务：{workers} 个工人，每个请求 {delay} → 每秒最多 {per_s:.1} 个；{queue}")
        }
        Lang::En => format!(
            "service: {workers} workers, {delay} per request → at most {per_s:.1}/s; {queue}"
        ),
    }
}

/// The load in one line: ρ at the base rate, and at the peak if there is one.
pub fn load_line(base_rho: f64, peak_rho: Option<f64>, lang: Lang) -> String {
    match (peak_rho, lang) {
        (None, Lang::Zh) => format!("负载：ρ = {base_rho:.2}"),
        (None, Lang::En) => format!("load: ρ = {base_rho:.2}"),
        (Some(peak), Lang::Zh) => format!("负载：平时 ρ = {base_rho:.2}，高峰 ρ = {peak:.2}"),
        (Some(peak), Lang::En) => {
            format!("load: ρ = {base_rho:.2} at the base rate, {peak:.2} at the peak")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_has_both_languages() {
        for p in [P::Title, P::Rejected, P::Overload, P::TheoryNotApplicable] {
            assert_ne!(p.get(Lang::Zh), p.get(Lang::En));
        }
        for preset in Preset::ALL {
            assert_ne!(preset_name(preset, Lang::Zh), preset_name(preset, Lang::En));
        }
    }

    #[test]
    fn sentences_carry_their_numbers() {
        let s = trade_off(504, 1731, 0, 9.09, Lang::En);
        assert!(
            s.contains("504") && s.contains("29.1%") && s.contains("9.09 s"),
            "{s}"
        );
        assert!(trade_off(1, 0, 0, 0.0, Lang::Zh).contains("0.0%"));
        assert!(overload_warning(3.0, false, Lang::En).contains("3.00 ≥ 1"));
        assert!(variant_rule(Variant::Queued, 7, false, Lang::En).contains("7 places"));
    }
}
