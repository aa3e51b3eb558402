//! Every user-facing string, in 中文 and English, made from the facts the
//! layers below return: actor and item names, log lines in the seed's
//! style, stuck actors explained ([`run_report`]), scenario descriptions,
//! and (in the submodules) every typed problem, verdict and diagnosis. The
//! command line and the page both read from here.

pub mod charts;
pub mod cli;
pub mod lessons;
#[cfg(not(target_arch = "wasm32"))]
pub mod live;
pub mod peak;
pub mod problems;
pub mod python;
pub mod scraper;
pub mod termination;
pub mod ui;

use std::fmt;

use serde::Serialize;

use crate::lang::Lang;
use crate::run::{Report, Run, Stuck};
use crate::scenario::{Config, ScenarioKind};
use crate::trace::{Event, EventKind, Fault, ItemId, Role, WaitingOn};

/// The hot-dog shops, the seed's two, then more for larger experiments: the
/// name in 中文 and English, and the city's one-character 中文 short name
/// (沪 for Shanghai, as on a licence plate) for the item chips.
const SHOPS: [(&str, &str, &str); 6] = [
    ("上海分店", "Shanghai shop", "沪"),
    ("北京分店", "Beijing shop", "京"),
    ("广州分店", "Guangzhou shop", "穗"),
    ("深圳分店", "Shenzhen shop", "深"),
    ("成都分店", "Chengdu shop", "蓉"),
    ("杭州分店", "Hangzhou shop", "杭"),
];

/// The name of producer `index` of the hot-dog scenario.
pub fn shop_name(index: u32, lang: Lang) -> String {
    match SHOPS.get(index as usize) {
        Some(&(zh, en, _)) => lang.pick(zh, en).to_string(),
        None => match lang {
            Lang::Zh => format!("{}号分店", index + 1),
            Lang::En => format!("shop {}", index + 1),
        },
    }
}

/// The display name of an actor.
pub fn actor_name(scenario: ScenarioKind, role: Role, lang: Lang) -> String {
    match role {
        Role::Main => lang.pick("主进程", "main").to_string(),
        Role::Producer(i) if scenario.hot_dogs() => shop_name(i, lang),
        Role::Producer(i) => match lang {
            Lang::Zh => format!("生产者{}", i + 1),
            Lang::En => format!("producer {}", i + 1),
        },
        Role::Consumer(i) => match lang {
            Lang::Zh => format!("消费者{}", i + 1),
            Lang::En => format!("consumer {}", i + 1),
        },
    }
}

/// The full name of an item, as the seed prints it ("上海分店的热狗1").
pub fn item_name(scenario: ScenarioKind, item: ItemId, lang: Lang) -> String {
    match (scenario.hot_dogs(), lang) {
        (true, Lang::Zh) => format!("{}的热狗{}", shop_name(item.origin, lang), item.seq),
        (true, Lang::En) => format!("{} hot dog {}", shop_name(item.origin, lang), item.seq),
        (_, Lang::Zh) => format!("生产者{}的第{}个数据", item.origin + 1, item.seq),
        (_, Lang::En) => format!("item {} of producer {}", item.seq, item.origin + 1),
    }
}

/// A compact item label for tight spaces. In English `P1-3` (producer 1's
/// third item); in 中文 a hot dog is its shop's city and number (`沪3`,
/// 上海分店的热狗3) and any other item its producer's number and its own
/// (`1号-3`, 生产者1的第3个数据).
pub fn item_short(scenario: ScenarioKind, item: ItemId, lang: Lang) -> String {
    let (producer, seq) = (item.origin + 1, item.seq);
    match (lang, SHOPS.get(item.origin as usize)) {
        (Lang::En, _) => format!("P{producer}-{seq}"),
        (Lang::Zh, Some(&(_, _, city))) if scenario.hot_dogs() => format!("{city}{seq}"),
        (Lang::Zh, _) => format!("{producer}号-{seq}"),
    }
}

/// Our words around a quotation: text from elsewhere (Python's, a browser's
/// or a server's message, a command to type) that is shown as it came, in
/// its own language. The page shows the quotation as code; as text it is
/// `before`, the quotation, `after`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quoting {
    pub before: String,
    pub quote: Option<String>,
    pub after: &'static str,
}

impl Quoting {
    /// Words with nothing quoted.
    pub fn words(text: impl Into<String>) -> Self {
        Quoting {
            before: text.into(),
            quote: None,
            after: "",
        }
    }
}

impl fmt::Display for Quoting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.before)?;
        if let Some(quote) = &self.quote {
            f.write_str(quote)?;
        }
        f.write_str(self.after)
    }
}

/// What a waiting actor waits on, in words.
pub fn waiting_on(scenario: ScenarioKind, wait: WaitingOn, roles: &[Role], lang: Lang) -> String {
    match wait {
        WaitingOn::Get => "get()".to_string(),
        WaitingOn::Put => "put()".to_string(),
        WaitingOn::QueueJoin => "q.join()".to_string(),
        WaitingOn::TaskJoin(actor) => {
            let name = roles
                .get(actor.0 as usize)
                .map(|&role| actor_name(scenario, role, lang))
                .unwrap_or_default();
            format!("p.join() ({name})")
        }
    }
}

/// The sentence explaining why a stuck actor will never wake.
pub fn stuck_sentence(actor: &str, wait: WaitingOn, waits_on: &str, lang: Lang) -> String {
    let why = match (wait, lang) {
        (WaitingOn::Get, Lang::Zh) => "队列已空，且再没有人会放入数据：消费者不知道什么时候结束",
        (WaitingOn::Get, Lang::En) => {
            "the queue is empty and nobody will put again: the consumer does not know when to end"
        }
        (WaitingOn::Put, Lang::Zh) => "队列已满，且再没有人会取走数据",
        (WaitingOn::Put, Lang::En) => "the queue is full and nobody will take from it again",
        (WaitingOn::QueueJoin, Lang::Zh) => "还有未完成的任务，但不会再有 task_done()",
        (WaitingOn::QueueJoin, Lang::En) => "tasks are unfinished and no task_done() will come",
        (WaitingOn::TaskJoin(_), Lang::Zh) => "它等待的进程永远不会结束",
        (WaitingOn::TaskJoin(_), Lang::En) => "the process it waits for will never end",
    };
    match lang {
        Lang::Zh => format!("{actor} 永远等在 {waits_on}：{why}"),
        Lang::En => format!("{actor} waits on {waits_on} forever: {why}"),
    }
}

/// A stuck actor in words: its name, what it waits on, and why it will
/// never wake (the `stuck` entries of the JSON the command line prints and
/// the page exports).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StuckActor {
    pub actor: String,
    pub waiting_on: String,
    /// The explanation, as a sentence.
    pub explanation: String,
}

/// Names and explains a stuck actor of a run of `scenario` (`roles`: the
/// run's actor table, for whom a `p.join()` waits on).
pub fn stuck_actor(scenario: ScenarioKind, stuck: Stuck, roles: &[Role], lang: Lang) -> StuckActor {
    let actor = actor_name(scenario, stuck.role, lang);
    let waiting_on = waiting_on(scenario, stuck.waiting_on, roles, lang);
    StuckActor {
        explanation: stuck_sentence(&actor, stuck.waiting_on, &waiting_on, lang),
        actor,
        waiting_on,
    }
}

/// A run's report with its stuck actors named and explained in `lang`.
pub fn run_report(run: &Run<Config>, lang: Lang) -> Report<StuckActor> {
    let scenario = run.config().scenario;
    run.report()
        .map_stuck(|stuck| stuck_actor(scenario, stuck, run.roles(), lang))
}

/// One log line for an event, in the seed's style where the seed has one.
pub fn log_line(scenario: ScenarioKind, event: &Event, roles: &[Role], lang: Lang) -> String {
    let item = event
        .item
        .map(|i| item_name(scenario, i, lang))
        .unwrap_or_default();
    let other = |actor: crate::trace::ActorId| {
        roles
            .get(actor.0 as usize)
            .map(|&r| actor_name(scenario, r, lang))
            .unwrap_or_default()
    };
    match (event.kind, lang) {
        (EventKind::Produce, Lang::Zh) => format!("生产了 {item}"),
        (EventKind::Produce, Lang::En) => format!("made {item}"),
        (EventKind::Put, Lang::Zh) => format!("q.put({item})"),
        (EventKind::Put, Lang::En) => format!("q.put({item})"),
        (EventKind::PutBlocked, Lang::Zh) => format!("队列已满，等待放入 {item}"),
        (EventKind::PutBlocked, Lang::En) => format!("queue full, waiting to put {item}"),
        (EventKind::Get, Lang::Zh) => format!("q.get() → {item}"),
        (EventKind::Get, Lang::En) => format!("q.get() → {item}"),
        (EventKind::GetBlocked, Lang::Zh) => "队列为空，等待 q.get()".to_string(),
        (EventKind::GetBlocked, Lang::En) => "queue empty, waiting in q.get()".to_string(),
        (EventKind::Consume, Lang::Zh) => format!("消费了{item}"),
        (EventKind::Consume, Lang::En) => format!("ate {item}"),
        (EventKind::TaskDone, _) => format!("q.task_done() ({item})"),
        (EventKind::JoinStart, Lang::Zh) => "q.join()：等待所有任务完成".to_string(),
        (EventKind::JoinStart, Lang::En) => "q.join(): waiting for every task".to_string(),
        (EventKind::JoinDone, Lang::Zh) => "q.join() 返回：队列中的任务都处理完成了".to_string(),
        (EventKind::JoinDone, Lang::En) => "q.join() returned: every task is done".to_string(),
        (EventKind::TaskJoinStart(a), _) => format!("p.join() ({})", other(a)),
        (EventKind::TaskJoinDone(a), Lang::Zh) => format!("{} 已结束", other(a)),
        (EventKind::TaskJoinDone(a), Lang::En) => format!("{} has ended", other(a)),
        (EventKind::Terminate, Lang::Zh) => "被 terminate() 终止".to_string(),
        (EventKind::Terminate, Lang::En) => "terminated by terminate()".to_string(),
        (EventKind::Finish, Lang::Zh) => "结束".to_string(),
        (EventKind::Finish, Lang::En) => "finished".to_string(),
        (EventKind::Drop, Lang::Zh) => format!("丢弃 {item}"),
        (EventKind::Drop, Lang::En) => format!("dropped {item}"),
        (EventKind::Error(fault), _) => fault_text(fault, lang).to_string(),
        (
            EventKind::SentinelPut
            | EventKind::SentinelGet
            | EventKind::Shutdown { .. }
            | EventKind::GetShutDown
            | EventKind::Killed
            | EventKind::DaemonExit
            | EventKind::Ack
            | EventKind::Redeliver
            | EventKind::DeadLetter,
            _,
        ) => termination::log_line(event.kind, &item, lang).unwrap_or_default(),
    }
}

/// The message of a fault.
pub fn fault_text(fault: Fault, lang: Lang) -> &'static str {
    match fault {
        Fault::TaskDoneTooMany => lang.pick(
            "ValueError：task_done() 调用次数过多（计数不变）",
            "ValueError: task_done() called too many times (the count is unchanged)",
        ),
        Fault::PutAfterShutdown => lang.pick(
            "QueueShutDown：队列已关闭，放入失败",
            "QueueShutDown: the queue is shut down, the put failed",
        ),
        Fault::Fetch(fault) => scraper::fault_title(fault, lang),
        Fault::StaleAck => termination::stale_ack(lang),
    }
}

/// A scenario's one-line summary, for `canteen scenarios` and the picker.
pub fn scenario_summary(kind: ScenarioKind, lang: Lang) -> &'static str {
    match kind {
        ScenarioKind::Plain => lang.pick(
            "普通 Queue：生产者做完了，消费者却永远等在 get()——它不知道什么时候结束",
            "plain Queue: the producers finish, but the consumer waits in get() forever; it cannot know when to end",
        ),
        ScenarioKind::Hotdog => lang.pick(
            "JoinableQueue 热狗：上海分店和北京分店各做 5 个，一个人吃；p.join()、q.join() 后 terminate()",
            "JoinableQueue hot dogs: two shops make 5 each, one eater; p.join(), q.join(), then terminate()",
        ),
        ScenarioKind::Custom => lang.pick(
            "自定义：任意数量的生产者、消费者、容量和延迟分布",
            "custom: any number of producers and consumers, any capacity and delay distributions",
        ),
        ScenarioKind::Termination => termination::summary(lang),
    }
}

/// Formats virtual nanoseconds as seconds with millisecond precision: `1.234s`.
pub struct Clock(pub u64);

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0 / 1_000_000;
        write!(f, "{}.{:03}s", ms / 1000, ms % 1000)
    }
}

/// The check every problem's words must pass.
#[cfg(test)]
pub(crate) mod words_test {
    use crate::lang::Lang;

    /// Whether `text` has a Han character (CJK unified ideographs).
    pub fn has_han(text: &str) -> bool {
        text.chars().any(|c| {
            ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
        })
    }

    /// `words` in Chinese has Han characters, in English none, and both
    /// name each of `shown`.
    pub fn assert_both_languages(words: impl Fn(Lang) -> String, shown: &[&str]) {
        let (zh, en) = (words(Lang::Zh), words(Lang::En));
        assert!(has_han(&zh), "no Chinese in {zh:?}");
        assert!(!has_han(&en), "Chinese in the English {en:?}");
        assert!(!en.trim().is_empty());
        for s in shown {
            assert!(
                zh.contains(s) && en.contains(s),
                "{s:?} missing in {zh:?} / {en:?}"
            );
        }
    }
}
