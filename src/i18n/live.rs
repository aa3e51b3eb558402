//! The words of `canteen live` (a scenario run for real, with producer and
//! consumer processes around Redis): what went wrong around the run, Redis's
//! own view of the queue, and the measured figures beside the simulation's
//! prediction. Native only, like the command line that uses them.

use serde::Serialize;

use super::cli::outcome;
use super::StuckActor;
use crate::lang::Lang;
use crate::run::Report;

/// What kept a live run from starting or finishing (exit status 1).
#[derive(Clone, Debug, PartialEq)]
pub enum LiveFailure {
    /// No `redis-server` on the PATH for the embedded server.
    NoRedisServer,
    /// The embedded `redis-server` did not start (its detail).
    ServerDidNotStart(String),
    /// The Redis server at this URL could not be used (the error).
    Redis { url: String, detail: String },
    /// A worker process could not be started.
    Spawn(String),
    /// A worker process ended with a failure (its role and status).
    Worker { worker: String, status: String },
    /// `canteen worker` for a run the server does not have.
    NoRun(String),
    /// `canteen worker` for a producer or consumer the run does not have.
    NoSuchWorker { worker: String, count: u32 },
    /// An item a producer could not put: the server stayed away.
    NotPut { item: String, detail: String },
    /// `--serve`: no built page in this directory (`make dist`).
    NoPage(String),
    /// `--serve`: the page's server could not start (the error).
    Serve(String),
}

/// Redis's own view of a live run's queue, read from the server at the end.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RedisView {
    /// `list` (a plain `Queue`: LPUSH/BRPOP) or `stream` (a `JoinableQueue`:
    /// a stream with a consumer group).
    pub structure: &'static str,
    /// Items the producers put (the put script's set, sentinels left out).
    pub items_put: u64,
    /// Entries in the list (plain) or in the stream (every entry added).
    pub length: u64,
    /// Entries delivered and not acknowledged (stream only).
    pub pending: u64,
    /// Entries not yet delivered to any consumer (stream only).
    pub undelivered: u64,
    /// Pending entries whose consumer was ended before it told that it got
    /// them (still in the queue as far as the events know).
    #[serde(skip)]
    pub pending_untold: u64,
    /// Deliveries: reads and claims of entries by consumers.
    pub deliveries: u64,
    /// Acknowledgements that counted (`XACK` answering 1).
    pub acknowledged: u64,
    /// Entries moved to the dead-letter stream.
    pub dead_letters: u64,
    /// Entries deleted undelivered by `shutdown(immediate=True)`.
    pub dropped: u64,
    /// Items processed at least once, and processings after an item's first.
    pub processed_items: u64,
    pub duplicates: u64,
    /// The unfinished-tasks count kept beside the stream.
    pub unfinished: i64,
    /// Items a producer could not put (reported, never silently lost).
    pub not_put: u64,
    /// Times a process found the server gone and connected again.
    pub reconnects: u64,
    /// Every item put is processed, dead-lettered, pending or still queued,
    /// and a completed run left nothing unfinished.
    pub balanced: bool,
}

/// One line for a failure around a live run.
pub fn failure(failure: &LiveFailure, lang: Lang) -> String {
    let one_line = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    match (failure, lang) {
        (LiveFailure::NoRedisServer, Lang::Zh) => {
            "找不到 redis-server：请安装（scripts/setup.sh 或 \
            apt-get install redis-server），或用 --redis URL 指定已有的服务器"
                .to_string()
        }
        (LiveFailure::NoRedisServer, Lang::En) => "redis-server not found: install it \
            (scripts/setup.sh, or apt-get install redis-server) or give --redis URL"
            .to_string(),
        (LiveFailure::ServerDidNotStart(detail), Lang::Zh) => {
            format!("内置的 redis-server 没有启动：{}", one_line(detail))
        }
        (LiveFailure::ServerDidNotStart(detail), Lang::En) => {
            format!(
                "the embedded redis-server did not start: {}",
                one_line(detail)
            )
        }
        (LiveFailure::Redis { url, detail }, Lang::Zh) => {
            format!("无法使用 Redis 服务器 {url}：{}", one_line(detail))
        }
        (LiveFailure::Redis { url, detail }, Lang::En) => {
            format!("cannot use the Redis server at {url}: {}", one_line(detail))
        }
        (LiveFailure::Spawn(detail), Lang::Zh) => {
            format!("无法启动工作进程：{}", one_line(detail))
        }
        (LiveFailure::Spawn(detail), Lang::En) => {
            format!("cannot start a worker process: {}", one_line(detail))
        }
        (LiveFailure::Worker { worker, status }, Lang::Zh) => {
            format!("工作进程 {worker} 失败结束：{status}")
        }
        (LiveFailure::Worker { worker, status }, Lang::En) => {
            format!("worker process {worker} ended with a failure: {status}")
        }
        (LiveFailure::NoPage(dir), Lang::Zh) => {
            format!("--serve：当前目录下没有构建好的页面 {dir}/index.html（先运行 make dist）")
        }
        (LiveFailure::NoPage(dir), Lang::En) => {
            format!("--serve: no built page at {dir}/index.html here (run make dist first)")
        }
        (LiveFailure::Serve(detail), Lang::Zh) => {
            format!("--serve：页面服务器没有启动：{}", one_line(detail))
        }
        (LiveFailure::Serve(detail), Lang::En) => {
            format!(
                "--serve: the page's server did not start: {}",
                one_line(detail)
            )
        }
        (LiveFailure::NoRun(run), Lang::Zh) => format!("这个 Redis 服务器上没有运行 {run}"),
        (LiveFailure::NoRun(run), Lang::En) => format!("no run {run} on this Redis server"),
        (LiveFailure::NoSuchWorker { worker, count }, Lang::Zh) => {
            format!("{worker}：这次运行只有 {count} 个")
        }
        (LiveFailure::NoSuchWorker { worker, count }, Lang::En) => {
            format!("{worker}: the run has {count} of them")
        }
        (LiveFailure::NotPut { item, detail }, Lang::Zh) => {
            format!("没能放入 {item}（已记入 not_put）：{}", one_line(detail))
        }
        (LiveFailure::NotPut { item, detail }, Lang::En) => {
            format!(
                "could not put {item} (counted in not_put): {}",
                one_line(detail)
            )
        }
    }
}

/// The run's setting, in one line: where Redis is, the processes, the scale.
pub fn heading(
    server: &str,
    run: &str,
    producers: u32,
    consumers: u32,
    time_scale: f64,
    lang: Lang,
) -> String {
    match lang {
        Lang::Zh => format!(
            "真实运行 {run}，Redis {server}：{producers} 个生产者进程，{consumers} 个消费者进程，\
             时间比例 {time_scale}（日志中的时间已换算回场景时间）"
        ),
        Lang::En => format!(
            "live run {run} on Redis {server}: {producers} producer processes, {consumers} \
             consumer processes, time scale {time_scale} (times in the log are the scenario's)"
        ),
    }
}

/// `--serve`: where to open the page that watches the run.
pub fn serving(url: &str, lang: Lang) -> String {
    match lang {
        // The address last on its line: nothing sticks to it when copied.
        Lang::Zh => format!("在浏览器中观看这次运行（仅限本机）：{url}"),
        Lang::En => format!("watch this run in a browser (this machine only): {url}"),
    }
}

/// `--serve`: the run is over, the page is still served.
pub fn still_serving(lang: Lang) -> String {
    match lang {
        Lang::Zh => "页面仍在提供中；按 Ctrl-C 结束".to_string(),
        Lang::En => "the page is still served; press Ctrl-C to stop".to_string(),
    }
}

/// Redis's view, in one or two lines.
pub fn redis_view(view: &RedisView, lang: Lang) -> String {
    let RedisView {
        structure,
        items_put,
        length,
        pending,
        undelivered,
        deliveries,
        acknowledged,
        dead_letters,
        processed_items,
        duplicates,
        unfinished,
        not_put,
        reconnects,
        balanced,
        ..
    } = view;
    let books = match (balanced, lang) {
        (true, Lang::Zh) => "账目平衡",
        (true, Lang::En) => "the books balance",
        (false, Lang::Zh) => "账目不平衡",
        (false, Lang::En) => "the books do not balance",
    };
    match lang {
        Lang::Zh => format!(
            "Redis（{structure}）：放入 {items_put} 项，长度 {length}，待确认 {pending}，\
             未投递 {undelivered}，投递 {deliveries} 次，确认 {acknowledged}，死信 {dead_letters}，\
             处理过 {processed_items} 项，重复处理 {duplicates}，未完成任务 {unfinished}，\
             未能放入 {not_put}，重连 {reconnects} 次；{books}"
        ),
        Lang::En => format!(
            "Redis ({structure}): {items_put} items put, length {length}, pending {pending}, \
             undelivered {undelivered}, {deliveries} deliveries, {acknowledged} acknowledged, \
             {dead_letters} dead letters, {processed_items} items processed, \
             {duplicates} duplicates, unfinished {unfinished}, {not_put} not put, \
             {reconnects} reconnects; {books}"
        ),
    }
}

/// The measured figures beside the simulation's prediction for the same
/// settings, as a small table.
pub fn measured_vs_predicted(
    measured: &Report<StuckActor>,
    predicted: &Report<StuckActor>,
    lang: Lang,
) -> String {
    let rows: Vec<(&str, String, String)> = vec![
        (
            lang.pick("结果", "outcome"),
            outcome(measured.outcome, lang).to_string(),
            outcome(predicted.outcome, lang).to_string(),
        ),
        (
            lang.pick("结束 (ms)", "end (ms)"),
            format!("{:.1}", measured.end_time_ms),
            format!("{:.1}", predicted.end_time_ms),
        ),
        (
            lang.pick("已消费", "consumed"),
            measured.consumed.to_string(),
            predicted.consumed.to_string(),
        ),
        (
            lang.pick("吞吐量 (/s)", "throughput (/s)"),
            format!("{:.2}", measured.stats.throughput_per_s),
            format!("{:.2}", predicted.stats.throughput_per_s),
        ),
        (
            lang.pick("平均等待 (ms)", "mean wait (ms)"),
            format!("{:.1}", measured.stats.mean_wait_ms),
            format!("{:.1}", predicted.stats.mean_wait_ms),
        ),
        (
            "p50 (ms)",
            format!("{:.1}", measured.stats.p50_wait_ms),
            format!("{:.1}", predicted.stats.p50_wait_ms),
        ),
        (
            "p95 (ms)",
            format!("{:.1}", measured.stats.p95_wait_ms),
            format!("{:.1}", predicted.stats.p95_wait_ms),
        ),
        (
            "p99 (ms)",
            format!("{:.1}", measured.stats.p99_wait_ms),
            format!("{:.1}", predicted.stats.p99_wait_ms),
        ),
        (
            lang.pick("利用率", "utilization"),
            format!("{:.3}", measured.stats.utilization),
            format!("{:.3}", predicted.stats.utilization),
        ),
    ];
    let (first, measured_head, predicted_head) = match lang {
        Lang::Zh => ("", "实测（真实进程）", "预测（模拟，同一种子）"),
        Lang::En => ("", "measured (live)", "predicted (simulation, same seed)"),
    };
    let width = |text: &str| {
        text.chars()
            .map(|c| if c.is_ascii() { 1 } else { 2 })
            .sum::<usize>()
    };
    let pad =
        |text: &str, to: usize| format!("{text}{}", " ".repeat(to.saturating_sub(width(text))));
    let w0 = rows.iter().map(|r| width(r.0)).max().unwrap_or(0) + 2;
    let w1 = rows
        .iter()
        .map(|r| width(&r.1))
        .chain([width(measured_head)])
        .max()
        .unwrap_or(0)
        + 2;
    let mut text = format!(
        "{}{}{predicted_head}\n",
        pad(first, w0),
        pad(measured_head, w1)
    );
    for (name, m, p) in &rows {
        text += &format!("{}{}{p}\n", pad(name, w0), pad(m, w1));
    }
    text
}

/// One variant of peak shaving, for the side-by-side table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PeakRow {
    pub arrivals: u64,
    pub served: u64,
    /// Answered 503 (direct: every worker busy; queued: the queue full).
    pub turned_away: u64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

/// Peak shaving measured for real beside the simulation's prediction: for
/// each variant (direct, queued), measured then predicted.
pub fn peak_table(rows: [(PeakRow, PeakRow); 2], lang: Lang) -> String {
    let head = match lang {
        Lang::Zh => "                 到达    已服务  被拒(503)  延迟 p50 ms  p95 ms    p99 ms",
        Lang::En => "                 arrived served  turned away  latency p50 ms  p95 ms  p99 ms",
    };
    let names = [
        lang.pick("直连 实测", "direct measured"),
        lang.pick("直连 预测", "direct predicted"),
        lang.pick("排队 实测", "queued measured"),
        lang.pick("排队 预测", "queued predicted"),
    ];
    let width = |text: &str| {
        text.chars()
            .map(|c| if c.is_ascii() { 1 } else { 2 })
            .sum::<usize>()
    };
    let mut text = format!("{head}\n");
    let all = [rows[0].0, rows[0].1, rows[1].0, rows[1].1];
    for (name, r) in names.iter().zip(all) {
        let pad = " ".repeat(17usize.saturating_sub(width(name)));
        text += &format!(
            "{name}{pad}{:<8}{:<8}{:<13}{:<16.1}{:<8.1}{:.1}\n",
            r.arrivals, r.served, r.turned_away, r.p50_ms, r.p95_ms, r.p99_ms
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::words_test::assert_both_languages;

    #[test]
    fn every_failure_is_one_line_in_both_languages() {
        for f in [
            LiveFailure::NoRedisServer,
            LiveFailure::ServerDidNotStart("port\nin use".into()),
            LiveFailure::Redis {
                url: "redis://127.0.0.1:1/0".into(),
                detail: "refused".into(),
            },
            LiveFailure::Spawn("no such file".into()),
            LiveFailure::Worker {
                worker: "consumer 1".into(),
                status: "exit status: 3".into(),
            },
            LiveFailure::NoRun("0123".into()),
            LiveFailure::NoSuchWorker {
                worker: "consumer 3".into(),
                count: 2,
            },
            LiveFailure::NotPut {
                item: "0:1".into(),
                detail: "broken pipe".into(),
            },
        ] {
            assert_both_languages(|lang| failure(&f, lang), &[]);
            for lang in [Lang::Zh, Lang::En] {
                assert_eq!(failure(&f, lang).lines().count(), 1, "{f:?}");
            }
        }
    }
}
