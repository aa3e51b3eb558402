//! The termination lab's strings, in 中文 and English: its log lines, the
//! strategies, verdicts, blocked-on badges, the explanations of each way a
//! run can fail to stop or lose items ([`diagnosis`]), the report in words
//! ([`report`], the JSON of `canteen run termination`), and the command
//! line's summary and comparison table.

use std::time::Duration;

use serde::Serialize;

use super::{actor_name, item_name, stuck_actor, StuckActor};
use crate::delay::DurationText;
use crate::lang::Lang;
use crate::lines::Blocked;
use crate::number::Fixed;
use crate::run::Report;
use crate::scenario::ending::Strategy;
use crate::scenario::ScenarioKind;
use crate::termination::ledger::Fate;
use crate::termination::report::{
    Diagnosis, DuplicateCopies, Fates, Lab, LabReport, Redelivered, Row, Verdict,
};
use crate::trace::{nanos_to_ms, EventKind, Role, WaitingOn};

/// The log line of one of the lab's events (`item` is the item's full
/// name, empty if none); `None` for the foundation's events.
pub fn log_line(kind: EventKind, item: &str, lang: Lang) -> Option<String> {
    Some(match (kind, lang) {
        (EventKind::SentinelPut, Lang::Zh) => "q.put(None)：放入一个哨兵（毒丸）".into(),
        (EventKind::SentinelPut, Lang::En) => "q.put(None): a sentinel (poison pill)".into(),
        (EventKind::SentinelGet, Lang::Zh) => "q.get() → None：收到哨兵，task_done() 后结束".into(),
        (EventKind::SentinelGet, Lang::En) => {
            "q.get() → None: a sentinel; task_done(), then stop".into()
        }
        (EventKind::Shutdown { immediate: false }, Lang::Zh) => {
            "q.shutdown()：不再接受放入；消费者取完剩下的就结束".into()
        }
        (EventKind::Shutdown { immediate: false }, Lang::En) => {
            "q.shutdown(): no more puts; the consumers drain what is left, then stop".into()
        }
        (EventKind::Shutdown { immediate: true }, Lang::Zh) => {
            "q.shutdown(immediate=True)：队列里剩下的数据被丢弃".into()
        }
        (EventKind::Shutdown { immediate: true }, Lang::En) => {
            "q.shutdown(immediate=True): the queued items are dropped".into()
        }
        (EventKind::GetShutDown, Lang::Zh) => {
            "q.get() 抛出 ShutDown：队列已关闭且已取空，结束".into()
        }
        (EventKind::GetShutDown, Lang::En) => {
            "q.get() raised ShutDown: the queue is shut down and empty; stop".into()
        }
        // Killed holding nothing: a live run's SIGKILL landed while the
        // process waited in get().
        (EventKind::Killed, Lang::Zh) if item.is_empty() => "等待取数据时进程意外死亡".into(),
        (EventKind::Killed, Lang::En) if item.is_empty() => "died while waiting in get()".into(),
        (EventKind::Killed, Lang::Zh) => format!("处理 {item} 时进程意外死亡"),
        (EventKind::Killed, Lang::En) => format!("died while working on {item}"),
        (EventKind::DaemonExit, Lang::Zh) => "守护进程：随主进程一起结束".into(),
        (EventKind::DaemonExit, Lang::En) => "daemon: ends with main".into(),
        (EventKind::Ack, Lang::Zh) => format!("确认 {item}"),
        (EventKind::Ack, Lang::En) => format!("ack {item}"),
        (EventKind::Redeliver, Lang::Zh) => {
            format!("{item} 的投递超时未确认：重新放回队列")
        }
        (EventKind::Redeliver, Lang::En) => {
            format!("the delivery of {item} was not acknowledged in time: back in the queue")
        }
        (EventKind::DeadLetter, Lang::Zh) => {
            format!("{item} 的最后一次投递也超时未确认：放进死信列表，不再投递")
        }
        (EventKind::DeadLetter, Lang::En) => format!(
            "the last allowed delivery of {item} was not acknowledged either: to the dead-letter list, no more deliveries"
        ),
        _ => return None,
    })
}

/// The message of a stale acknowledgement.
pub fn stale_ack(lang: Lang) -> &'static str {
    lang.pick(
        "确认被拒绝：这次投递已超时，数据已重新投递或进了死信列表",
        "ack rejected: this delivery had expired; the item was redelivered or filed as a dead letter",
    )
}

/// The scenario's one-line summary.
pub fn summary(lang: Lang) -> &'static str {
    lang.pick(
        "怎样结束：七种结束方式并排比较，外加两个经典错误和一个中途死掉的消费者",
        "how to stop: seven ways to end, side by side, plus the two classic mistakes and a consumer that dies mid-item",
    )
}

/// The scenario's name in the picker.
pub fn title(lang: Lang) -> &'static str {
    lang.pick("怎样结束（终止实验）", "How to stop (termination lab)")
}

/// The scenario's problem and answer.
pub fn explanation(lang: Lang) -> (&'static str, &'static str) {
    (
        lang.pick(
            "怎么知道今天的热狗真的吃完了？生产者做完了，还要确认做出来的每一个都处理完了，消费者才能结束。",
            "How do we know today's hot dogs are really all eaten? The producers must be done, and every item made must be processed, before the consumers may stop.",
        ),
        lang.pick(
            "选一种结束方式，再比较全部方式：谁处理了哪些数据、丢了哪些、是否卡住、消费者在最后一个数据之后多久结束。",
            "Pick a way to stop, then compare them all: which items were processed or dropped, whether the run completed or is stuck, and how long after the last item the consumers stopped.",
        ),
    )
}

/// A strategy's name in the picker and the table.
pub fn strategy_title(strategy: Strategy, lang: Lang) -> &'static str {
    match strategy {
        Strategy::None => lang.pick("不发信号", "No signal"),
        Strategy::JoinTerminate => lang.pick("join + terminate", "join + terminate"),
        Strategy::Daemon => lang.pick("守护进程", "Daemon consumers"),
        Strategy::Sentinel => lang.pick("哨兵（每个消费者一个）", "Sentinels, one each"),
        Strategy::SentinelBug => lang.pick("只放一个哨兵（错误）", "One sentinel for all (bug)"),
        Strategy::Shutdown => lang.pick("shutdown()", "shutdown()"),
        Strategy::ShutdownImmediate => {
            lang.pick("shutdown(immediate=True)", "shutdown(immediate=True)")
        }
    }
}

/// What a strategy does, in one sentence.
pub fn strategy_description(strategy: Strategy, lang: Lang) -> &'static str {
    match strategy {
        Strategy::None => lang.pick(
            "普通队列的做法：没有人告诉消费者活干完了，它们永远等在 get()。",
            "The seed's plain queue: nobody tells the consumers the work is over, so they wait in get() forever.",
        ),
        Strategy::JoinTerminate => lang.pick(
            "种子的做法：p.join() 等生产者做完，q.join() 等每个数据都 task_done()，然后 terminate() 消费者。",
            "The seed's fix: p.join() waits for the producers, q.join() for a task_done() per item, then terminate() the consumers.",
        ),
        Strategy::Daemon => lang.pick(
            "消费者设为守护进程：p.join()、q.join() 之后主进程结束，消费者随之结束。",
            "Daemon consumers: after p.join() and q.join() main simply ends, and the consumers end with it.",
        ),
        Strategy::Sentinel => lang.pick(
            "生产者做完后，主进程给每个消费者放一个哨兵（None），消费者收到就结束，主进程再 join() 它们。",
            "When the producers are done, main puts one sentinel (None) per consumer; each stops at its sentinel, and main joins them.",
        ),
        Strategy::SentinelBug => lang.pick(
            "经典错误：只放一个哨兵，却有好几个消费者——其余的永远等下去。",
            "The classic bug: one sentinel for several consumers; the others wait forever.",
        ),
        Strategy::Shutdown => lang.pick(
            "生产者做完后 q.shutdown()：消费者取完剩下的数据，get() 抛出 ShutDown，它们就结束。",
            "When the producers are done, q.shutdown(): the consumers drain the queue, then get() raises ShutDown and they stop.",
        ),
        Strategy::ShutdownImmediate => lang.pick(
            "q.shutdown(immediate=True)：队列里还没取走的数据直接丢弃，计为丢弃。",
            "q.shutdown(immediate=True): the items still queued are dropped, and counted as dropped.",
        ),
    }
}

/// A verdict in words.
pub fn verdict(verdict: Verdict, lang: Lang) -> &'static str {
    match verdict {
        Verdict::Running => lang.pick("运行中", "running"),
        Verdict::AllProcessed => lang.pick(
            "完成：每个数据都处理了一次",
            "completed: every item processed once",
        ),
        Verdict::Duplicates => lang.pick(
            "完成：都处理了，有的处理了两次",
            "completed: all processed, some twice",
        ),
        Verdict::Incomplete => lang.pick(
            "完成，但有数据没处理",
            "completed, but items were not processed",
        ),
        Verdict::Stuck => lang.pick("卡住（永远等待）", "stuck (waits forever)"),
        Verdict::TimeLimit => lang.pick("到达时间上限", "time limit reached"),
    }
}

/// The blocked-on badge: what the task waits on and its place in the line,
/// e.g. "get() · 2nd of 3".
pub fn badge(blocked: Blocked, waits_on: &str, lang: Lang) -> String {
    if matches!(blocked.on, WaitingOn::TaskJoin(_)) {
        return match lang {
            Lang::Zh => format!("等待 {waits_on}"),
            Lang::En => format!("waits on {waits_on}"),
        };
    }
    let Blocked { place, line, .. } = blocked;
    match lang {
        Lang::Zh => format!("等待 {waits_on} · 排第 {place} 位，共 {line} 个"),
        Lang::En => format!("waits on {waits_on} · {} of {line}", ordinal(place)),
    }
}

/// 1st, 2nd, 3rd, 4th, … 11th, 12th, 13th, 21st.
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// One reason of the diagnosis as a sentence; items and consumers are named
/// as in `scenario`.
pub fn diagnosis(d: &Diagnosis, scenario: ScenarioKind, lang: Lang) -> String {
    let who = |role| actor_name(scenario, role, lang);
    let item = |item| item_name(scenario, item, lang);
    match *d {
        Diagnosis::KilledJoinable {
            consumer,
            item: it,
            join_hangs,
        } => killed_joinable(&who(consumer), &item(it), join_hangs, lang),
        Diagnosis::KilledBroker {
            consumer,
            item: it,
            visibility_timeout,
            redelivered,
        } => {
            let what = redelivered_text(redelivered, &who, lang);
            killed_broker(&who(consumer), &item(it), visibility_timeout, &what, lang)
        }
        Diagnosis::KillMissed => kill_missed(lang).to_string(),
        Diagnosis::ForgotTaskDone {
            consumer,
            item: it,
            broker,
            join_hangs,
        } => forgot_task_done(&who(consumer), &item(it), broker, join_hangs, lang),
        Diagnosis::ExtraTaskDone {
            consumer,
            item: it,
            raised,
            broker,
            early_join,
        } => extra_task_done(
            &who(consumer),
            &item(it),
            raised,
            broker,
            early_join.map(nanos_to_ms),
            lang,
        ),
        Diagnosis::RefusedTaskDone { consumer, item: it } => {
            refused_task_done(&who(consumer), &item(it), lang)
        }
        Diagnosis::Duplicates(n) => duplicates(n, lang),
        Diagnosis::DeadLettered {
            items,
            never_processed,
            max_deliveries,
            visibility_timeout,
        } => dead_lettered(
            items,
            never_processed,
            max_deliveries,
            visibility_timeout,
            lang,
        ),
        Diagnosis::DuplicateCopies(copies) => duplicate_copies(copies, lang),
        Diagnosis::NoSignal => no_signal(lang).to_string(),
        Diagnosis::TooFewSentinels {
            sentinels,
            consumers,
            waiting,
        } => too_few_sentinels(sentinels, consumers, waiting, lang),
        Diagnosis::DroppedAtShutdown(n) => dropped_at_shutdown(n, lang),
        Diagnosis::LeftInQueue(n) => left_in_queue(n, lang),
        Diagnosis::LostAtStop(n) => lost_at_stop(n, lang),
    }
}

/// A consumer died mid-item on a joinable queue.
fn killed_joinable(who: &str, item: &str, join_hangs: bool, lang: Lang) -> String {
    let hang = match (join_hangs, lang) {
        (true, Lang::Zh) => "，q.join() 永远等下去",
        (true, Lang::En) => ", and q.join() waits forever",
        (false, _) => "",
    };
    match lang {
        Lang::Zh => format!(
            "{who} 处理 {item} 时死掉了：它已经 get() 了 {item}，却永远不会 task_done()。task_done() 不是消息确认：没有人会重做 {item}{hang}。"
        ),
        Lang::En => format!(
            "{who} died while working on {item}: {item} was got but will never be task_done(). task_done() is not an acknowledgement: nobody will redo {item}{hang}."
        ),
    }
}

/// What became of a dead consumer's item, as the end of a sentence that
/// starts with the item; `who` names the consumer it went to.
fn redelivered_text(redelivered: Redelivered, who: &dyn Fn(Role) -> String, lang: Lang) -> String {
    match (redelivered, lang) {
        (Redelivered::To(to), Lang::Zh) => format!("重新投递给了 {}：没有丢失", who(to)),
        (Redelivered::To(to), Lang::En) => {
            format!("was redelivered to {}: nothing lost", who(to))
        }
        (Redelivered::Unclaimed, Lang::Zh) => "重新放回了队列，但再没有消费者来取".to_string(),
        (Redelivered::Unclaimed, Lang::En) => {
            "went back into the queue, but no consumer took it again".to_string()
        }
        (Redelivered::DeadLettered, Lang::Zh) => {
            "进了死信列表：那已是它最后一次允许的投递".to_string()
        }
        (Redelivered::DeadLettered, Lang::En) => {
            "went to the dead-letter list: that was its last allowed delivery".to_string()
        }
        (Redelivered::Never, Lang::Zh) => "还没来得及重新投递，运行就结束了".to_string(),
        (Redelivered::Never, Lang::En) => "was never redelivered: the run ended first".to_string(),
    }
}

/// A consumer died mid-item with broker acknowledgements; `what` became of
/// its item ([`redelivered_text`]).
fn killed_broker(
    who: &str,
    item: &str,
    visibility_timeout: Duration,
    what: &str,
    lang: Lang,
) -> String {
    let vt = DurationText(visibility_timeout);
    match lang {
        Lang::Zh => format!(
            "{who} 处理 {item} 时死掉了；这次投递没有确认，可见性超时（{vt}）后，{item} {what}。"
        ),
        Lang::En => format!(
            "{who} died while working on {item}; that delivery was never acknowledged, so after the visibility timeout ({vt}) {item} {what}."
        ),
    }
}

/// A kill was asked for but never happened.
fn kill_missed(lang: Lang) -> &'static str {
    lang.pick(
        "要杀死的消费者在那个时间之后没再处理数据，所以没有死。",
        "The consumer to kill did not work on an item at or after that time, so it did not die.",
    )
}

/// A consumer forgot one `task_done()` (or acknowledgement).
fn forgot_task_done(who: &str, item: &str, broker: bool, join_hangs: bool, lang: Lang) -> String {
    match (broker, join_hangs, lang) {
        (true, _, Lang::Zh) => format!(
            "{who} 处理完 {item} 后忘了确认：超时后 {item} 被重新投递，又处理了一次。"
        ),
        (true, _, Lang::En) => format!(
            "{who} forgot to acknowledge {item}: after the visibility timeout it was redelivered and processed again."
        ),
        (false, true, Lang::Zh) => format!(
            "{who} 处理完 {item} 后忘了 task_done()：未完成计数停在 1，q.join() 永远不会返回。"
        ),
        (false, true, Lang::En) => format!(
            "{who} forgot task_done() for {item}: the unfinished count stays at 1 and q.join() never returns."
        ),
        (false, false, Lang::Zh) => format!(
            "{who} 处理完 {item} 后忘了 task_done()：未完成计数停在 1，但这种结束方式不等 q.join()，所以没人发现。"
        ),
        (false, false, Lang::En) => format!(
            "{who} forgot task_done() for {item}: the unfinished count stays at 1, but this way of stopping never waits in q.join(), so nobody notices."
        ),
    }
}

/// One `task_done()` (or acknowledgement) too many. `early_join_ms`: when
/// `q.join()` returned too early because of it.
fn extra_task_done(
    who: &str,
    item: &str,
    raised: bool,
    broker: bool,
    early_join_ms: Option<f64>,
    lang: Lang,
) -> String {
    let call = if broker { "ack" } else { "task_done()" };
    match (raised, broker, lang) {
        (true, false, Lang::Zh) => format!(
            "{who} 在 {item} 之后多调用了一次 task_done()：Python 抛出 ValueError（task_done() 调用次数过多），计数不变，运行继续。"
        ),
        (true, false, Lang::En) => format!(
            "{who} called task_done() once too often after {item}: ValueError: task_done() called too many times; the count is unchanged and the run goes on."
        ),
        (true, true, Lang::Zh) => {
            format!("{who} 对 {item} 确认了两次：第二次确认被拒绝，运行继续。")
        }
        (true, true, Lang::En) => format!(
            "{who} acknowledged {item} twice: the second {call} was rejected and the run goes on."
        ),
        (false, _, lang) => {
            let early = match (early_join_ms, lang) {
                (Some(t), Lang::Zh) => format!(
                    "于是 q.join() 在 {t} ms 就返回了，那时还有数据没处理完。"
                , t = Fixed::<0>(t)),
                (Some(t), Lang::En) => format!(
                    "So q.join() returned at {t} ms, while items were still unprocessed."
                , t = Fixed::<0>(t)),
                (None, _) => String::new(),
            };
            match lang {
                Lang::Zh => format!(
                    "{who} 在 {item} 之后多调用了一次 {call}，当时还有别的未完成任务：没有报错，但计数少了一个。{early}"
                ),
                Lang::En => format!(
                    "{who} called {call} once too often after {item} while other tasks were unfinished: no error, but the count is now one short. {early}"
                )
                .trim_end()
                .to_string(),
            }
        }
    }
}

/// An item's own `task_done()` refused because an extra call had already
/// taken the count to 0.
fn refused_task_done(who: &str, item: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "{who} 对 {item} 的 task_done() 抛出 ValueError：之前多调用的那一次已经把计数减到了 0。"
        ),
        Lang::En => format!(
            "{who}'s own task_done() for {item} raised ValueError: the earlier extra call had already taken the count to 0."
        ),
    }
}

/// Items processed more than once.
fn duplicates(n: u64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "有 {n} 次重复处理：某次投递超时时，消费者其实还在处理（至少一次投递）。"
        ),
        Lang::En => format!(
            "{n} duplicate processing(s): a delivery timed out while its consumer was still working (at-least-once delivery)."
        ),
    }
}

/// Items filed in the dead-letter list.
fn dead_lettered(
    items: u64,
    never_processed: u64,
    max_deliveries: u32,
    visibility_timeout: Duration,
    lang: Lang,
) -> String {
    let vt = DurationText(visibility_timeout);
    match lang {
        Lang::Zh => format!(
            "{items} 个数据进了死信列表：每个都投递了 {max_deliveries} 次，没有一次在可见性超时（{vt}）内确认，broker 不再投递，运行因此能结束。其中 {never_processed} 个从没处理完，其余的处理过，只是确认太晚。"
        ),
        Lang::En => format!(
            "{items} item(s) went to the dead-letter list: each was delivered {max_deliveries} time(s), never acknowledged within the visibility timeout ({vt}), so the broker stopped redelivering it and the run could end. {never_processed} of them were never processed; the others were, only acknowledged too late."
        ),
    }
}

/// Copies of items already counted: duplicates, not items.
fn duplicate_copies(copies: DuplicateCopies, lang: Lang) -> String {
    let DuplicateCopies {
        in_queue: q,
        dropped: d,
        dead_lettered: l,
    } = copies;
    match lang {
        Lang::Zh => format!(
            "这些副本所属的数据已经记过账，是重复，不算作数据：队列里 {q} 个，丢弃 {d} 个，死信 {l} 个。"
        ),
        Lang::En => format!(
            "Copies of items already counted, so duplicates, not items: {q} left in the queue, {d} dropped, {l} dead-lettered."
        ),
    }
}

/// Why the no-signal strategy is stuck.
fn no_signal(lang: Lang) -> &'static str {
    lang.pick(
        "没有人告诉消费者活干完了：队列空了，它们就永远等在 get()。",
        "Nobody tells the consumers that the work is over: once the queue is empty they wait in get() forever.",
    )
}

/// Why the one-sentinel bug is stuck.
fn too_few_sentinels(sentinels: u64, consumers: u32, waiting: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "{consumers} 个消费者只放了 {sentinels} 个哨兵：{waiting} 个消费者永远收不到，永远等在 get()，主进程也在 join() 里等它们。"
        ),
        Lang::En => format!(
            "Only {sentinels} sentinel(s) for {consumers} consumers: {waiting} never get one and wait in get() forever, and main waits for them in join()."
        ),
    }
}

/// Items dropped by an immediate shutdown.
fn dropped_at_shutdown(n: u64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("shutdown(immediate=True) 丢弃了队列里的 {n} 个数据，它们从没处理过。"),
        Lang::En => {
            format!("shutdown(immediate=True) dropped {n} queued item(s), never processed.")
        }
    }
}

/// Items still queued when the run completed.
fn left_in_queue(n: u64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("运行结束时队列里还剩 {n} 个数据，没人处理。"),
        Lang::En => format!("{n} item(s) are left in the queue, never processed."),
    }
}

/// Items lost because their consumer was stopped mid-item.
fn lost_at_stop(n: u64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{n} 个数据在处理中途被结束的消费者带走了。"),
        Lang::En => format!("{n} item(s) were lost: their consumer was stopped mid-item."),
    }
}

/// How one consumer stopped, in words.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConsumerStopText {
    pub actor: String,
    /// `returned`, `terminated`, `daemon_exit` or `killed`; `None` if it has
    /// not stopped.
    pub ended: Option<&'static str>,
    pub at_ms: Option<f64>,
}

/// A termination-lab report with its items, actors, stuck actors and
/// diagnosis in words: the JSON of `canteen run termination`.
#[derive(Clone, Debug, Serialize)]
pub struct LabReportText {
    #[serde(flatten)]
    pub run: Report<StuckActor>,
    pub strategy: Strategy,
    pub broker_ack: bool,
    pub verdict: Verdict,
    pub processed: u64,
    pub duplicates: u64,
    pub lost: u64,
    pub in_progress: u64,
    pub not_put: u64,
    /// Items whose fate is the dead-letter list (never processed).
    pub dead_lettered: u64,
    /// The books: every item made counted once, by fate.
    pub fates: Fates,
    /// Copies of items already counted (duplicates, not items).
    pub duplicate_copies: DuplicateCopies,
    pub redelivered: u64,
    pub acked: u64,
    pub stale_acks: u64,
    pub sentinels_put: u64,
    pub sentinels_got: u64,
    pub accounted: bool,
    pub last_item_ms: Option<f64>,
    pub consumers_stopped_ms: Option<f64>,
    pub stop_lag_ms: Option<f64>,
    pub dropped_items: Vec<String>,
    pub lost_items: Vec<String>,
    pub queued_items: Vec<String>,
    pub in_progress_items: Vec<String>,
    pub dead_lettered_items: Vec<String>,
    pub duplicated_items: Vec<String>,
    pub consumers: Vec<ConsumerStopText>,
    /// Why it ended as it did, as sentences.
    pub diagnosis: Vec<String>,
}

/// A lab run's report so far, in words.
pub fn report(lab: &Lab, lang: Lang) -> LabReportText {
    let run = lab.run();
    let scenario = run.config().scenario;
    let r: LabReport = lab.report();
    let names = |items: Vec<_>| -> Vec<String> {
        items
            .into_iter()
            .map(|item| item_name(scenario, item, lang))
            .collect()
    };
    let fates = |fate| names(lab.items(fate));
    LabReportText {
        run: r
            .run
            .map_stuck(|stuck| stuck_actor(scenario, stuck, run.roles(), lang)),
        strategy: r.strategy,
        broker_ack: r.broker_ack,
        verdict: r.verdict,
        processed: r.fates.processed,
        duplicates: r.duplicates,
        lost: r.fates.lost,
        in_progress: r.fates.in_progress,
        not_put: r.fates.not_put,
        dead_lettered: r.fates.dead_lettered,
        fates: r.fates,
        duplicate_copies: r.duplicate_copies,
        redelivered: r.redelivered,
        acked: r.acked,
        stale_acks: r.stale_acks,
        sentinels_put: r.sentinels_put,
        sentinels_got: r.sentinels_got,
        accounted: r.accounted,
        last_item_ms: r.last_item_ms,
        consumers_stopped_ms: r.consumers_stopped_ms,
        stop_lag_ms: r.stop_lag_ms,
        dropped_items: fates(Fate::Dropped),
        lost_items: fates(Fate::Lost),
        queued_items: fates(Fate::InQueue),
        in_progress_items: fates(Fate::InProgress),
        dead_lettered_items: fates(Fate::DeadLettered),
        duplicated_items: names(lab.duplicated_items()),
        consumers: lab
            .consumer_stops()
            .iter()
            .map(|c| ConsumerStopText {
                actor: actor_name(scenario, c.consumer, lang),
                ended: c.ended.map(|how| how.name()),
                at_ms: c.at_ms,
            })
            .collect(),
        diagnosis: r
            .diagnosis
            .iter()
            .map(|d| diagnosis(d, scenario, lang))
            .collect(),
    }
}

/// The command line's lines after the foundation's summary.
pub fn summary_lines(report: &LabReportText, lang: Lang) -> Vec<String> {
    let r = report;
    let ms = |t: Option<f64>| {
        t.map_or(never(lang).to_string(), |t| {
            format!("{t} ms", t = Fixed::<3>(t))
        })
    };
    let mut lines = vec![match lang {
        Lang::Zh => format!(
            "结束方式 {}{}  结论 {}",
            r.strategy,
            if r.broker_ack {
                "（消息代理确认）"
            } else {
                ""
            },
            verdict(r.verdict, lang)
        ),
        Lang::En => format!(
            "strategy {}{}  verdict {}",
            r.strategy,
            if r.broker_ack { " (broker acks)" } else { "" },
            verdict(r.verdict, lang)
        ),
    }];
    lines.push(match lang {
        Lang::Zh => format!(
            "处理 {}  重复 {}  丢弃 {}  死信 {}  丢失 {}  队列中 {}  处理中 {}  确认 {}  重新投递 {}  账目{}",
            r.processed,
            r.duplicates,
            r.fates.dropped,
            r.dead_lettered,
            r.lost,
            r.fates.in_queue,
            r.in_progress,
            r.acked,
            r.redelivered,
            if r.accounted { "相符" } else { "不符" }
        ),
        Lang::En => format!(
            "processed {}  duplicates {}  dropped {}  dead_lettered {}  lost {}  in_queue {}  in_progress {}  acked {}  redelivered {}  books {}",
            r.processed,
            r.duplicates,
            r.fates.dropped,
            r.dead_lettered,
            r.lost,
            r.fates.in_queue,
            r.in_progress,
            r.acked,
            r.redelivered,
            if r.accounted { "balance" } else { "DO NOT balance" }
        ),
    });
    lines.push(match lang {
        Lang::Zh => format!(
            "最后一个数据 {}  消费者全部结束 {}  间隔 {}",
            ms(r.last_item_ms),
            ms(r.consumers_stopped_ms),
            ms(r.stop_lag_ms)
        ),
        Lang::En => format!(
            "last item {}  consumers stopped {}  lag {}",
            ms(r.last_item_ms),
            ms(r.consumers_stopped_ms),
            ms(r.stop_lag_ms)
        ),
    });
    lines.extend(r.diagnosis.iter().cloned());
    lines
}

/// The comparison table's column headings.
pub fn table_headings(lang: Lang) -> [&'static str; 11] {
    match lang {
        Lang::Zh => [
            "结束方式",
            "结论",
            "处理",
            "丢弃",
            "死信",
            "丢失",
            "重复",
            "剩下",
            "卡住",
            "结束时间",
            "停止延迟",
        ],
        Lang::En => [
            "strategy",
            "verdict",
            "processed",
            "dropped",
            "dead-lettered",
            "lost",
            "duplicates",
            "left",
            "stuck",
            "end",
            "stop lag",
        ],
    }
}

/// A verdict in one or two words, for the table.
pub fn verdict_short(verdict: Verdict, lang: Lang) -> &'static str {
    match verdict {
        Verdict::Running => lang.pick("运行中", "running"),
        Verdict::AllProcessed => lang.pick("全部处理", "all processed"),
        Verdict::Duplicates => lang.pick("有重复", "duplicates"),
        Verdict::Incomplete => lang.pick("有遗漏", "incomplete"),
        Verdict::Stuck => lang.pick("卡住", "stuck"),
        Verdict::TimeLimit => lang.pick("时间上限", "time limit"),
    }
}

/// The comparison as a text table (the command line's `--compare`).
pub fn comparison_table(rows: &[Row], lang: Lang) -> String {
    let ms = |t: f64| format!("{t} ms", t = Fixed::<0>(t));
    let mut cells: Vec<Vec<String>> = vec![table_headings(lang).map(String::from).to_vec()];
    for r in rows {
        cells.push(vec![
            r.strategy.name().to_string(),
            verdict_short(r.verdict, lang).to_string(),
            r.processed.to_string(),
            r.dropped.to_string(),
            r.dead_lettered.to_string(),
            r.lost.to_string(),
            r.duplicates.to_string(),
            r.left.to_string(),
            r.stuck.to_string(),
            ms(r.end_ms),
            r.stop_lag_ms.map_or(never(lang).to_string(), ms),
        ]);
    }
    let columns = cells[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| cells.iter().map(|row| width(&row[c])).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &cells {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (cell, &w))| {
                let pad = " ".repeat(w - width(cell));
                // Text columns align left, numbers right.
                if c < 2 {
                    format!("{cell}{pad}")
                } else {
                    format!("{pad}{cell}")
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out.pop();
    out
}

/// Display width in a terminal: CJK characters take two columns.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| if c >= '\u{1100}' { 2 } else { 1 })
        .sum()
}

/// "never", for a stop that does not happen.
pub fn never(lang: Lang) -> &'static str {
    lang.pick("永不", "never")
}

/// The lab panel's fixed texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum L {
    Title,
    Intro,
    Strategy,
    Mistakes,
    Forget,
    Extra,
    KillTitle,
    KillWho,
    Nobody,
    KillAt,
    KillAtHint,
    BrokerAck,
    BrokerHint,
    Visibility,
    MaxDeliveries,
    MaxDeliveriesHint,
    ThisRun,
    SideBySide,
    Joinable,
    Broker,
    Compare,
    TooBig,
    Waiting,
    NobodyWaits,
    Processed,
    Dropped,
    DeadLettered,
    DeadLetters,
    Lost,
    Duplicates,
    LeftInQueue,
    Redelivered,
    LastItem,
    Stopped,
    StopLag,
    Items,
}

impl L {
    pub fn get(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            L::Title => ("怎样结束：终止实验", "How to stop: the termination lab"),
            L::Intro => (
                "同样的生产者、消费者和种子，换一种结束方式，或者故意犯个错。下面的结果都是把这次运行跑到底得到的。",
                "The same producers, consumers and seed; change the way of stopping, or make a mistake on purpose. The results below come from running this run to its end.",
            ),
            L::Strategy => ("结束方式", "Way of stopping"),
            L::Mistakes => ("两个经典错误", "The two classic mistakes"),
            L::Forget => ("忘了一次 task_done()", "Forget one task_done()"),
            L::Extra => ("多调一次 task_done()", "One task_done() too many"),
            L::KillTitle => ("处理中途死掉的消费者", "A consumer dies mid-item"),
            L::KillWho => ("杀死", "Kill"),
            L::Nobody => ("不杀", "nobody"),
            L::KillAt => ("时间", "at"),
            L::KillAtHint => (
                "如果那时它正在处理数据就立刻死掉，否则在它下一个数据处理到一半时死掉。",
                "It dies then if it is working on an item; otherwise halfway through its next item.",
            ),
            L::BrokerAck => ("消息代理确认（处理完才确认，超时重新投递）", "Broker acks (ack after the work, redeliver after a timeout)"),
            L::BrokerHint => (
                "像 Redis Streams 的待确认列表或消息队列：没确认的数据在可见性超时后重新投递——不会丢，但可能重复。",
                "As Redis Streams' pending list or a message queue: an unacknowledged item is redelivered after the visibility timeout; nothing is lost, but duplicates are possible.",
            ),
            L::Visibility => ("可见性超时", "Visibility timeout"),
            L::MaxDeliveries => ("最多投递次数", "Most deliveries"),
            L::MaxDeliveriesHint => (
                "投递这么多次仍未确认的数据进死信列表。",
                "After this many unacknowledged deliveries an item goes to the dead-letter list.",
            ),
            L::ThisRun => ("这次运行的结果", "This run, to its end"),
            L::SideBySide => ("JoinableQueue 与消息代理确认并排", "Joinable queue and broker acks side by side"),
            L::Joinable => ("JoinableQueue（task_done）", "Joinable queue (task_done)"),
            L::Broker => ("消息代理确认（确认 + 重新投递）", "Broker acks (ack + redelivery)"),
            L::Compare => ("所有结束方式比较（同样的设置和种子）", "Every way of stopping (same settings and seed)"),
            L::TooBig => (
                "数据太多，页面上不做比较；请用命令行：",
                "Too many items to compare on the page; use the command line: ",
            ),
            L::Waiting => ("谁在等（先来先服务的位置）", "Who waits (place in the first-come-first-served line)"),
            L::NobodyWaits => ("现在没有人在等。", "Nobody waits right now."),
            L::Processed => ("处理了", "processed"),
            L::Dropped => ("丢弃", "dropped"),
            L::DeadLettered => ("进了死信列表", "dead-lettered"),
            L::DeadLetters => ("死信", "dead letters:"),
            L::Lost => ("丢失", "lost"),
            L::Duplicates => ("重复处理", "duplicates"),
            L::LeftInQueue => ("留在队列", "left in queue"),
            L::Redelivered => ("重新投递", "redelivered"),
            L::LastItem => ("最后一个数据处理完", "last item processed"),
            L::Stopped => ("消费者全部结束", "consumers stopped"),
            L::StopLag => ("最后一个数据之后多久结束", "stopped after the last item"),
            L::Items => ("每个数据的去向", "Where each item went"),
        };
        lang.pick(zh, en)
    }
}

/// The "forget" button's explanation: which item's call is left out.
pub fn forget_hint(item: u64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("第 {item} 个处理完的数据不调用 task_done()。"),
        Lang::En => format!(
            "The {} item processed gets no task_done().",
            ordinal(item as usize)
        ),
    }
}

/// The "too many" button's explanation.
pub fn extra_hint(item: u64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("第 {item} 个（最后一个）处理完的数据之后再多调一次 task_done()。"),
        Lang::En => format!(
            "After the {} (last) item processed, task_done() is called once more.",
            ordinal(item as usize)
        ),
    }
}

/// A consumer's name in the kill control.
pub fn consumer_option(index: u32, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("消费者{index}"),
        Lang::En => format!("consumer {index}"),
    }
}

/// A fate's label for the item list.
pub fn fate(fate: Fate, lang: Lang) -> &'static str {
    match fate {
        Fate::Processed => lang.pick("处理了", "processed"),
        Fate::Dropped => lang.pick("丢弃", "dropped"),
        Fate::Lost => lang.pick("丢失", "lost"),
        Fate::InQueue => lang.pick("留在队列", "left in queue"),
        Fate::InProgress => lang.pick("处理中", "in progress"),
        Fate::DeadLettered => lang.pick("死信", "dead-lettered"),
        Fate::NotPut => lang.pick("没放进队列", "never put"),
    }
}
