//! The words of the charts (`web::charts`): titles, axis titles with
//! their units, legends and the sentences read out to screen readers.

use crate::lang::Lang;

/// A fixed piece of chart text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum C {
    QueueTitle,
    FlowTitle,
    WaitTitle,
    /// The time axis (seconds).
    TimeAxis,
    /// The queue chart's value axis.
    QueueAxis,
    /// The flow chart's value axis.
    ItemsAxis,
    /// The histogram's value axis.
    CountAxis,
    /// The histogram's wait axis (milliseconds).
    WaitAxis,
    QueueLegend,
    Produced,
    Consumed,
    Unbounded,
    NoWaits,
}

impl C {
    pub fn get(self, lang: Lang) -> &'static str {
        match self {
            C::QueueTitle => lang.pick("队列长度随时间变化", "Queue length over time"),
            C::FlowTitle => lang.pick("累计生产与消费", "Produced and consumed, cumulative"),
            C::WaitTitle => lang.pick("等待时间分布（放入 → 取出）", "Wait times (put → get)"),
            C::TimeAxis => lang.pick("时间 (s)", "time (s)"),
            C::QueueAxis => lang.pick("队列中（个）", "items in queue"),
            C::ItemsAxis => lang.pick("数量（个）", "items"),
            C::CountAxis => lang.pick("数据（个）", "items"),
            C::WaitAxis => lang.pick("在队列中等待的时间 (ms)", "time waited in the queue (ms)"),
            C::QueueLegend => lang.pick("队列长度", "queue length"),
            C::Produced => lang.pick("已生产", "produced"),
            C::Consumed => lang.pick("已消费", "consumed"),
            C::Unbounded => lang.pick("容量不限", "unbounded"),
            C::NoWaits => lang.pick("还没有从队列取出数据", "nothing got from the queue yet"),
        }
    }
}

/// The capacity line's legend: `容量 3` / `capacity 3`.
pub fn capacity_legend(capacity: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("容量 {capacity}"),
        Lang::En => format!("capacity {capacity}"),
    }
}

/// What the queue chart shows, in one sentence.
pub fn queue_summary(peak: u64, capacity: usize, seconds: &str, lang: Lang) -> String {
    let limit = match capacity {
        0 => C::Unbounded.get(lang).to_string(),
        n => capacity_legend(n, lang),
    };
    match lang {
        Lang::Zh => format!("{seconds} 秒内队列最长 {peak} 个（{limit}）"),
        Lang::En => format!("Over {seconds} s the queue held at most {peak} items ({limit})"),
    }
}

/// What the flow chart shows, in one sentence.
pub fn flow_summary(produced: u64, consumed: u64, seconds: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{seconds} 秒内生产了 {produced} 个，消费了 {consumed} 个"),
        Lang::En => format!("Over {seconds} s: {produced} produced, {consumed} consumed"),
    }
}

/// What the histogram shows, in one sentence.
pub fn wait_summary(count: u64, longest_ms: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{count} 个数据的等待时间，最长不到 {longest_ms} ms"),
        Lang::En => format!("Wait times of {count} items, all under {longest_ms} ms"),
    }
}
