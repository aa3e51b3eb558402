//! The words of the peak-shaving scenario, in 中文 and English: its
//! summary line, the presets, the two variants, the rows of the side-by-side
//! summary, the theory panel, the ρ ≥ 1 warning and the trade-off sentence.
//! Fixed labels are [`P`] variants; sentences with values are functions.

use super::problems::{duration, time_limit};
use crate::lang::Lang;
use crate::number::{Fixed, Shortest};
use crate::peak::config::{BurstProblem, Problem, UnknownPreset};
use crate::peak::{Preset, Variant};
use crate::playground::peak::{FieldProblem, PeakField};
use strum::VariantArray;

/// A fixed label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum P {
    Title,
    /// Under the title: what the lab compares.
    Subtitle,
    /// Beside the settings: the results follow them at once.
    LiveResults,
    Arrivals,
    Served,
    Rejected,
    Dropped,
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
    Preset,
    Settings,
    NewSeed,
    BurstsHint,
    ServiceHint,
    CapacityHint,
    FixSettings,
    FlowTitle,
    DepthTitle,
    TimeAxis,
    RateAxis,
    DepthAxis,
    RejectedPerS,
    DroppedPerS,
    NoQueue,
    Plainly,
    Theory2,
    Measured,
    TheoryCol,
}

impl P {
    pub fn get(self, lang: Lang) -> &'static str {
        match self {
            P::Title => lang.pick("削峰：消息队列挡住流量高峰", "Peak shaving: a message queue against a traffic peak"),
            P::Arrivals => lang.pick("到达请求", "arrivals"),
            P::Served => lang.pick("已处理", "served"),
            P::Rejected => lang.pick("拒绝（503）", "rejected (503)"),
            P::Dropped => lang.pick("丢弃（队列已满）", "dropped (queue full)"),
            P::LatencyP50 => lang.pick("延迟 p50 (ms)", "latency p50 (ms)"),
            P::LatencyP95 => lang.pick("延迟 p95 (ms)", "latency p95 (ms)"),
            P::LatencyP99 => lang.pick("延迟 p99 (ms)", "latency p99 (ms)"),
            P::MeanWait => lang.pick("队列中平均等待 (ms)", "mean wait in queue (ms)"),
            P::QueueMeanMax => lang.pick("队列长度 平均 / 最大", "queue length mean / max"),
            P::Utilization => lang.pick("工人利用率", "worker utilisation"),
            P::Throughput => lang.pick("吞吐量 (/s)", "throughput (/s)"),
            P::Little => lang.pick("利特尔法则 L / λW", "Little's law L / λW"),
            P::EndTime => lang.pick("结束时间 (s)", "end (s)"),
            P::Theory => lang.pick("理论（M/M/c）与实测", "Theory (M/M/c) vs measured"),
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
            P::Preset => lang.pick("预设", "Preset"),
            P::Settings => lang.pick("流量与服务", "Traffic and service"),
            P::Subtitle => lang.pick(
                "流量高峰直接打到服务上，还是先进消息队列？队列把拒绝变成了等待",
                "A traffic burst straight at a service, or through a message queue: the queue turns rejections into waiting",
            ),
            P::LiveResults => lang.pick(
                "改动任何设置，两边都会立即重新运行",
                "Change any setting and both sides run again at once",
            ),
            P::NewSeed => lang.pick("换一个种子", "New seed"),
            P::BurstsHint => lang.pick(
                "开始,时长,速率，例如 20s,5s,120；多个高峰用 ; 分隔；留空表示没有高峰",
                "start,length,rate, e.g. 20s,5s,120; separate several with ;, leave empty for none",
            ),
            P::ServiceHint => lang.pick(
                "const:100ms、uniform:50ms..150ms 或 exp:100ms（指数分布，平均 100ms）",
                "const:100ms, uniform:50ms..150ms or exp:100ms (exponential, mean 100ms)",
            ),
            P::CapacityHint => lang.pick("0 = 不限容量", "0 = unbounded"),
            P::FixSettings => lang.pick(
                "请先改正标出的设置，然后才能运行",
                "Fix the settings marked above to run",
            ),
            P::FlowTitle => lang.pick("到达/秒 与 处理/秒", "Arrivals/s vs served/s"),
            P::DepthTitle => lang.pick("队列长度随时间变化", "Queue depth over time"),
            P::TimeAxis => lang.pick("时间 (s)", "time (s)"),
            P::RateAxis => lang.pick("请求/秒", "requests/s"),
            P::DepthAxis => lang.pick("队列中的请求", "requests in queue"),
            P::RejectedPerS => lang.pick("拒绝/秒", "rejected/s"),
            P::DroppedPerS => lang.pick("丢弃/秒", "dropped/s"),
            P::NoQueue => lang.pick(
                "没有队列：工人全忙就返回 503",
                "no queue: 503 when every worker is busy",
            ),
            P::Plainly => lang.pick(
                "队列把拒绝变成了等待：高峰时多出来的请求不会被拒绝，而是排队，等工人按自己的节奏处理——代价是延迟。",
                "The queue turns rejections into waiting: the requests a peak brings beyond the service's capacity are not turned away but wait in line until the workers get to them, at their own pace — the price is latency.",
            ),
            P::Theory2 => lang.pick(
                "M/M/c 理论：泊松到达、指数服务时间、c 个工人",
                "M/M/c theory: Poisson arrivals, exponential service times, c workers",
            ),
            P::Measured => lang.pick("实测", "measured"),
            P::TheoryCol => lang.pick("理论", "theory"),
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
        "削峰：流量高峰直接打到服务上，还是先进消息队列？队列把拒绝变成了等待",
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
        Variant::Direct => lang.pick("直连服务", "Direct"),
        Variant::Queued => lang.pick("经由消息队列", "Through a queue"),
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
            "ρ = {rho} ≥ 1：请求来得比工人处理得快，不限容量的队列会无限增长（没有稳态）"
        , rho = Fixed::<2>(rho)),
        (true, Lang::En) => format!(
            "ρ = {rho} ≥ 1: requests arrive faster than the workers serve them; an unbounded queue grows without bound (there is no steady state)"
        , rho = Fixed::<2>(rho)),
        (false, Lang::Zh) => format!(
            "高峰时 ρ = {rho} ≥ 1：请求来得比工人处理得快，高峰期间队列一直增长（不限容量时没有上限）"
        , rho = Fixed::<2>(rho)),
        (false, Lang::En) => format!(
            "at the peak ρ = {rho} ≥ 1: requests arrive faster than the workers serve them, so a queue grows for as long as the peak lasts (without bound if unbounded)"
        , rho = Fixed::<2>(rho)),
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
            "这次运行：直连拒绝了 {rejected} 个请求（{share}%）；经由队列只丢弃了 {dropped} 个，代价是排队——p99 等待 {p99_wait_s} 秒。"
        , share = Fixed::<1>(share), p99_wait_s = Fixed::<2>(p99_wait_s)),
        Lang::En => format!(
            "In this run: direct rejected {rejected} requests ({share}%); the queue dropped {dropped} and made requests wait instead: p99 wait {p99_wait_s} s."
        , share = Fixed::<1>(share), p99_wait_s = Fixed::<2>(p99_wait_s)),
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
    let base = Shortest(base);
    match (bursts.is_empty(), lang) {
        (true, Lang::Zh) => {
            format!(
                "流量：平稳的每秒 {base} 个，持续 {duration}（预计 {expected} 个请求）",
                expected = Fixed::<0>(expected)
            )
        }
        (true, Lang::En) => {
            format!(
                "traffic: a steady {base}/s for {duration} (about {expected} requests)",
                expected = Fixed::<0>(expected)
            )
        }
        (false, Lang::Zh) => format!(
            "流量：平时每秒 {base} 个，高峰 {}，持续 {duration}（预计 {expected} 个请求）",
            bursts.join("，"),
            expected = Fixed::<0>(expected)
        ),
        (false, Lang::En) => format!(
            "traffic: base {base}/s, bursts {}, for {duration} (about {expected} requests)",
            bursts.join(", "),
            expected = Fixed::<0>(expected)
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
            format!(
                "服务：{workers} 个工人，每个请求 {delay} → 每秒最多 {per_s} 个；{queue}",
                per_s = Fixed::<1>(per_s)
            )
        }
        Lang::En => format!(
            "service: {workers} workers, {delay} per request → at most {per_s}/s; {queue}",
            per_s = Fixed::<1>(per_s)
        ),
    }
}

/// The load in one line: ρ at the base rate, and at the peak if there is one.
pub fn load_line(base_rho: f64, peak_rho: Option<f64>, lang: Lang) -> String {
    match (peak_rho, lang) {
        (None, Lang::Zh) => format!("负载：ρ = {base_rho}", base_rho = Fixed::<2>(base_rho)),
        (None, Lang::En) => format!("load: ρ = {base_rho}", base_rho = Fixed::<2>(base_rho)),
        (Some(peak), Lang::Zh) => format!(
            "负载：平时 ρ = {base_rho}，高峰 ρ = {peak}",
            base_rho = Fixed::<2>(base_rho),
            peak = Fixed::<2>(peak)
        ),
        (Some(peak), Lang::En) => {
            format!(
                "load: ρ = {base_rho} at the base rate, {peak} at the peak",
                base_rho = Fixed::<2>(base_rho),
                peak = Fixed::<2>(peak)
            )
        }
    }
}

/// A setting out of range, with its limit (the command line prefixes the
/// option's name; the page shows it under the field).
pub fn problem(problem: &Problem, lang: Lang) -> String {
    match (problem, lang) {
        (Problem::BaseRate { max }, Lang::Zh) => {
            format!("请用 0 到 {} 之间的每秒请求数", Shortest(*max))
        }
        (Problem::BaseRate { max }, Lang::En) => format!("use 0 to {} requests/s", Shortest(*max)),
        (Problem::Duration { max }, Lang::Zh) => {
            format!("请用大于 0、不超过 {}的时长", time_limit(*max, lang))
        }
        (Problem::Duration { max }, Lang::En) => {
            format!("use more than 0 and at most {}", time_limit(*max, lang))
        }
        (Problem::TooManyBursts { max }, Lang::Zh) => format!("最多 {max} 个高峰"),
        (Problem::TooManyBursts { max }, Lang::En) => format!("at most {max} bursts"),
        (Problem::BurstRate { burst, max }, Lang::Zh) => format!(
            "第 {burst} 个高峰：速率请用 0 到 {} 之间的每秒请求数",
            Shortest(*max)
        ),
        (Problem::BurstRate { burst, max }, Lang::En) => {
            format!("burst {burst}: use a rate of 0 to {} requests/s", Shortest(*max))
        }
        (Problem::BurstLength { burst }, Lang::Zh) => format!("第 {burst} 个高峰：时长必须大于 0"),
        (Problem::BurstLength { burst }, Lang::En) => {
            format!("burst {burst}: the length must be above 0")
        }
        (Problem::BurstAfterEnd { burst }, Lang::Zh) => {
            format!("第 {burst} 个高峰：开始时间必须早于流量结束的时间")
        }
        (Problem::BurstAfterEnd { burst }, Lang::En) => {
            format!("burst {burst}: it must start before the traffic ends")
        }
        (Problem::TooMuchTraffic { expected, limit }, Lang::Zh) => format!(
            "这样的流量约有 {expected} 个请求，上限是 {limit}：请缩短时长或降低速率"
        , expected = Fixed::<0>(*expected), limit = Fixed::<0>(*limit)),
        (Problem::TooMuchTraffic { expected, limit }, Lang::En) => format!(
            "this traffic brings about {expected} requests; the limit is {limit} (shorten it or lower the rates)"
        , expected = Fixed::<0>(*expected), limit = Fixed::<0>(*limit)),
        (Problem::Workers { max }, Lang::Zh) => format!("请用 1 到 {max} 个工人"),
        (Problem::Workers { max }, Lang::En) => format!("use 1 to {max} workers"),
        (Problem::ServiceMean, Lang::Zh) => "服务时间的平均值必须大于 0".into(),
        (Problem::ServiceMean, Lang::En) => "the service time needs a mean above 0".into(),
        (Problem::Capacity { max }, Lang::Zh) => format!("请用 0（不限）到 {max}"),
        (Problem::Capacity { max }, Lang::En) => format!("use 0 (unbounded) to {max}"),
        (Problem::OverloadUnbounded, Lang::Zh) => {
            "过载模式需要有限的队列容量：直连服务最多接纳 工人数+容量 个请求".into()
        }
        (Problem::OverloadUnbounded, Lang::En) => {
            "overload mode needs a bounded capacity: the direct service then admits up to workers + capacity requests".into()
        }
    }
}

/// A preset name that is none of the presets.
pub fn unknown_preset(unknown: &UnknownPreset, lang: Lang) -> String {
    let name = &unknown.0;
    let names: Vec<&str> = Preset::VARIANTS.iter().map(|p| p.name()).collect();
    match lang {
        Lang::Zh => format!("“{name}”不是预设；请从 {} 中选一个", names.join("、")),
        Lang::En => format!("'{name}' is not a preset; choose {}", names.join(", ")),
    }
}

/// `text` is not a rate.
pub fn not_a_rate(text: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("“{text}”不是速率；请用每秒请求数，例如 120 或 2.5/s"),
        Lang::En => {
            format!("'{text}' is not a rate; use requests per second, e.g. 120 or 2.5/s")
        }
    }
}

/// Why `text` does not read as a burst.
pub fn burst_problem(problem: &BurstProblem, text: &str, lang: Lang) -> String {
    let syntax = lang.pick(
        "开始,时长,速率，例如 20s,5s,120",
        "START,LENGTH,RATE, e.g. 20s,5s,120",
    );
    let part = match problem {
        BurstProblem::NotABurst => {
            return match lang {
                Lang::Zh => format!("“{text}”不是高峰；请写成 {syntax}"),
                Lang::En => format!("'{text}' is not a burst; use {syntax}"),
            }
        }
        BurstProblem::Duration(why, part) => duration(*why, part, lang),
        BurstProblem::Rate(part) => not_a_rate(part, lang),
    };
    match lang {
        Lang::Zh => format!("高峰“{text}”中{part}（{syntax}）"),
        Lang::En => format!("{part} in burst '{text}' ({syntax})"),
    }
}

/// The label of a form field.
pub fn field_label(field: PeakField, lang: Lang) -> &'static str {
    match field {
        PeakField::Seed => lang.pick("随机种子", "Seed"),
        PeakField::BaseRate => lang.pick("平时速率（请求/秒）", "Base rate (requests/s)"),
        PeakField::Bursts => lang.pick("高峰", "Bursts"),
        PeakField::Duration => lang.pick("流量持续", "Traffic lasts"),
        PeakField::Workers => lang.pick("工人数", "Workers"),
        PeakField::ServiceDelay => lang.pick("服务时间", "Service time"),
        PeakField::Capacity => lang.pick("队列容量", "Queue capacity"),
        PeakField::Overload => lang.pick(
            "过载模式：直连服务不拒绝，而是越忙越慢",
            "Overload mode: the direct service slows down instead of rejecting",
        ),
    }
}

/// Why a field's text cannot be used.
pub fn field_problem(what: &FieldProblem, lang: Lang) -> String {
    match (what, lang) {
        (FieldProblem::NotWhole, Lang::Zh) => "请输入一个非负整数".into(),
        (FieldProblem::NotWhole, Lang::En) => "enter a whole number, 0 or more".into(),
        (FieldProblem::NotRate, Lang::Zh) => "请输入每秒请求数，例如 120 或 2.5".into(),
        (FieldProblem::NotRate, Lang::En) => "enter requests per second, e.g. 120 or 2.5".into(),
        (FieldProblem::NotDuration, Lang::Zh) => "请输入数字加单位 ms 或 s，例如 60s".into(),
        (FieldProblem::NotDuration, Lang::En) => {
            "enter a number followed by ms or s, e.g. 60s".into()
        }
        (FieldProblem::NotDelay, Lang::Zh) => {
            "请写成 const:100ms、uniform:50ms..150ms 或 exp:100ms".into()
        }
        (FieldProblem::NotDelay, Lang::En) => {
            "write it as const:100ms, uniform:50ms..150ms or exp:100ms".into()
        }
        (FieldProblem::NotBurst(n), Lang::Zh) => {
            format!("第 {n} 个高峰请写成 开始,时长,速率，例如 20s,5s,120")
        }
        (FieldProblem::NotBurst(n), Lang::En) => {
            format!("write burst {n} as start,length,rate, e.g. 20s,5s,120")
        }
        (FieldProblem::Setting(p), _) => problem(p, lang),
    }
}

/// What a chart shows, in one sentence (for screen readers).
pub fn flow_summary(variant: Variant, peak_in: f64, peak_out: f64, lang: Lang) -> String {
    let name = variant_title(variant, lang);
    match lang {
        Lang::Zh => format!(
            "{name}：到达最高 {peak_in}/秒，处理最高 {peak_out}/秒",
            peak_in = Fixed::<0>(peak_in),
            peak_out = Fixed::<0>(peak_out)
        ),
        Lang::En => format!(
            "{name}: arrivals peak at {peak_in}/s, served at {peak_out}/s",
            peak_in = Fixed::<0>(peak_in),
            peak_out = Fixed::<0>(peak_out)
        ),
    }
}

/// The queue chart in one sentence.
pub fn depth_summary(peak: u64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("队列最长 {peak} 个请求"),
        Lang::En => format!("the queue held at most {peak} requests"),
    }
}

/// The capacity line's legend.
pub fn capacity_legend(capacity: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("容量 {capacity}"),
        Lang::En => format!("capacity {capacity}"),
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
        for &preset in Preset::VARIANTS {
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
        let p = Problem::BurstAfterEnd { burst: 2 };
        assert!(problem(&p, Lang::Zh).contains("第 2 个"));
    }

    #[test]
    fn every_problem_is_worded_in_both_languages_with_its_limits() {
        use crate::delay::{DurationProblem, MAX_DURATION};
        use crate::i18n::words_test::assert_both_languages;
        let limited = [
            (Problem::BaseRate { max: 1e6 }, "1000000"),
            (Problem::Duration { max: MAX_DURATION }, "24"),
            (Problem::TooManyBursts { max: 8 }, "8"),
            (Problem::BurstRate { burst: 3, max: 1e6 }, "1000000"),
            (Problem::BurstLength { burst: 3 }, "3"),
            (Problem::BurstAfterEnd { burst: 3 }, "3"),
            (
                Problem::TooMuchTraffic {
                    expected: 3e7,
                    limit: 2e7,
                },
                "20000000",
            ),
            (Problem::Workers { max: 1000 }, "1000"),
            (Problem::ServiceMean, "0"),
            (Problem::Capacity { max: 1_000_000 }, "1000000"),
            (Problem::OverloadUnbounded, ""),
        ];
        for (p, shown) in &limited {
            assert_both_languages(|lang| problem(p, lang), &[shown]);
        }
        let preset = UnknownPreset("rush".into());
        assert_both_languages(
            |lang| unknown_preset(&preset, lang),
            &["rush", "flash-sale"],
        );
        assert_both_languages(|lang| not_a_rate("fast", lang), &["fast"]);
        for p in [
            BurstProblem::NotABurst,
            BurstProblem::Duration(DurationProblem::NoUnit, "20".into()),
            BurstProblem::Rate("x".into()),
        ] {
            assert_both_languages(|lang| burst_problem(&p, "20,5s,x", lang), &["20,5s,x"]);
        }
    }
}
