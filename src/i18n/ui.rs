//! The page's words, in 中文 and English: labels, buttons, states of the
//! stage, counters, validation messages, link notices and the panic banner.
//! Fixed labels are [`T`] variants; sentences with values are functions.

use super::problems;
use super::{actor_name, item_name, Clock};
use crate::lang::Lang;
use crate::number::Shortest;
use crate::playground::form::{DelayKind, Field, Problem};
use crate::playground::link::{shortened, LinkError};
use crate::playground::stage::{ConsumerState, MainStep, ProducerState, Summary};
use crate::run::Outcome;
use crate::scenario::ScenarioKind;
use crate::trace::{ActorId, Nanos, Role};

/// A fixed label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum T {
    Title,
    DocumentTitle,
    Subtitle,
    /// The badge of a page watching a live run (`canteen live --serve`).
    Live,
    /// Its explanation (a tooltip).
    LiveHint,
    Language,
    Sections,
    SectionPlayground,
    SectionPeak,
    SectionScraper,
    SectionLessons,
    CopyLink,
    LinkCopied,
    Dismiss,
    Scenario,
    Settings,
    SettingsResetHint,
    FixSettings,
    Seed,
    NewSeed,
    Producers,
    Consumers,
    Items,
    Capacity,
    CapacityHint,
    /// The limits of the producers and consumers fields.
    ActorsHint,
    /// The limit of the items field (and of producers × items).
    ItemsHint,
    ProduceDelay,
    ConsumeDelay,
    DelayShape,
    DurationHint,
    From,
    To,
    Value,
    Mean,
    Controls,
    Play,
    Pause,
    Replay,
    Step,
    /// Back to the moment before the last event.
    StepBack,
    RunToEnd,
    Cancel,
    EngineLost,
    /// Results being run in the background.
    Computing,
    Reset,
    Speed,
    KeysHint,
    Stage,
    Queue,
    Main,
    QueueEmpty,
    Unbounded,
    MainSpawned,
    MainFinished,
    StuckTitle,
    Counters,
    Produced,
    InQueue,
    BeingProcessed,
    Consumed,
    TaskDone,
    Unfinished,
    Dropped,
    VirtualTime,
    Timeline,
    TimelineHint,
    Log,
    LogEmpty,
    Charts,
    Python,
    PythonHint,
    Copy,
    Copied,
    DownloadPy,
    Export,
    ExportHint,
    EventsCsv,
    SummaryCsv,
    RunJson,
    Problem,
    Solution,
    PanicTitle,
    PanicReset,
    Footer,
}

impl T {
    /// The label in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            T::Title => ("食堂 Canteen", "Canteen"),
            T::DocumentTitle => ("食堂 Canteen · 生产者–消费者演练场", "Canteen · a producer–consumer playground"),
            T::Live => ("实况", "Live"),
            T::LiveHint => (
                "这是 canteen live 在本机真实运行的进程和 Redis",
                "Real processes around Redis, run by canteen live on this machine",
            ),
            T::Subtitle => (
                "生产者–消费者演练场：看队列如何让快慢不同的双方各干各的",
                "A producer–consumer playground: watch a queue let a fast side and a slow side each work at its own pace",
            ),
            T::Language => ("语言", "Language"),
            T::CopyLink => ("复制本次运行的链接", "Copy a link to this run"),
            T::LinkCopied => ("链接已复制", "Link copied"),
            T::Dismiss => ("知道了", "Dismiss"),
            T::Scenario => ("场景", "Scenario"),
            T::Settings => ("设置", "Settings"),
            T::SettingsResetHint => ("修改任何设置都会重新开始这次运行。", "Changing any setting starts the run again."),
            T::FixSettings => ("请先修正下面标出的设置，运行才能开始。", "Fix the settings marked below to start the run."),
            T::Seed => ("随机种子", "Seed"),
            T::NewSeed => ("换一个随机种子", "New random seed"),
            T::Producers => ("生产者", "Producers"),
            T::Consumers => ("消费者", "Consumers"),
            T::Items => ("每个生产者做几个", "Items per producer"),
            T::Capacity => ("队列容量", "Queue capacity"),
            T::CapacityHint => ("0 表示不限容量，最多 1000000", "0 means unbounded; at most 1000000"),
            T::ActorsHint => ("1 到 1000", "1 to 1000"),
            T::ItemsHint => ("生产者数 × 个数最多 10000000", "producers × items at most 10000000"),
            T::ProduceDelay => ("生产一个的耗时", "Time to produce one"),
            T::ConsumeDelay => ("消费一个的耗时", "Time to consume one"),
            T::DelayShape => ("分布", "Distribution"),
            T::DurationHint => ("时长写作 250ms 或 1.5s", "durations like 250ms or 1.5s"),
            T::From => ("从", "from"),
            T::To => ("到", "to"),
            T::Value => ("时长", "duration"),
            T::Mean => ("均值", "mean"),
            T::Controls => ("播放控制", "Playback"),
            T::Play => ("播放", "Play"),
            T::Pause => ("暂停", "Pause"),
            T::Replay => ("重新播放", "Replay"),
            T::Step => ("单步", "Step"),
            T::StepBack => ("后退", "Back"),
            T::RunToEnd => ("直接运行到结束", "Run to the end"),
            T::Cancel => ("取消", "Cancel"),
            T::EngineLost => (
                "运行模拟的后台线程（Web Worker）没能启动或已停止，请刷新页面；若仍如此，请通过网页服务器（而非本地文件）打开本页，并允许脚本与 Web Worker。",
                "The background thread that runs the simulation (a Web Worker) could not start or stopped; reload the page. If it happens again, open the page from a web server (not as a local file) and allow scripts and Web Workers.",
            ),
            T::Computing => ("计算中…", "Computing…"),
            T::Reset => ("重置", "Reset"),
            T::Speed => ("速度", "Speed"),
            T::KeysHint => ("快捷键：空格 播放/暂停 · → 单步 · ← 后退一步 · - / + 减速/加速 · r 重置", "Keys: space play/pause · → step · ← step back · - / + slower/faster · r reset"),
            T::Stage => ("现场", "Stage"),
            T::Queue => ("队列", "Queue"),
            T::Main => ("主进程", "Main program"),
            T::QueueEmpty => ("空", "empty"),
            T::Unbounded => ("不限容量", "unbounded"),
            T::MainSpawned => (
                "启动了生产者和消费者进程，没有 join()",
                "started the producer and consumer processes; no join()",
            ),
            T::MainFinished => ("主进程已结束", "main has finished"),
            T::StuckTitle => ("运行卡住了", "The run is stuck"),
            T::Counters => ("计数", "Counters"),
            T::Produced => ("已生产", "Produced"),
            T::InQueue => ("队列中", "In queue"),
            T::BeingProcessed => ("处理中", "Being processed"),
            T::Consumed => ("已消费", "Consumed"),
            T::TaskDone => ("已完成 task_done()", "Done (task_done)"),
            T::Unfinished => ("未完成任务", "Unfinished tasks"),
            T::Dropped => ("丢弃", "Dropped"),
            T::VirtualTime => ("虚拟时间", "Virtual time"),
            T::Timeline => ("时间线", "Timeline"),
            T::TimelineHint => (
                "拖动到任意时刻：运行是确定的，可以随时重算",
                "Drag to any moment: the run is deterministic, so any moment can be recomputed",
            ),
            T::Log => ("日志", "Log"),
            T::LogEmpty => ("还没有事件。按“播放”或“单步”开始。", "No events yet. Press Play or Step to start."),
            T::Charts => ("图表", "Charts"),
            T::Python => ("对应的 Python 代码", "The same program in Python"),
            T::PythonHint => (
                "按原文的写法，随设置更新。用 python3 直接运行（只用标准库）；开头的 TIME_SCALE 统一缩放所有延迟。",
                "In the seed's style, following the settings. Runs as is with python3 (standard library only); TIME_SCALE at the top scales every delay.",
            ),
            T::Copy => ("复制代码", "Copy code"),
            T::Copied => ("已复制", "Copied"),
            T::DownloadPy => ("下载 .py", "Download .py"),
            T::Export => ("导出", "Export"),
            T::ExportHint => (
                "下载到当前时刻为止的事件和汇总。",
                "Download the events and the summary up to the moment shown.",
            ),
            T::EventsCsv => ("事件 CSV", "Events CSV"),
            T::SummaryCsv => ("汇总 CSV", "Summary CSV"),
            T::RunJson => ("汇总和事件 JSON", "Summary and events JSON"),
            T::Problem => ("问题", "The problem"),
            T::Solution => ("解决办法", "How the queue solves it"),
            T::PanicTitle => ("出错了，页面停止了运行。", "Something went wrong and the page stopped."),
            T::PanicReset => ("重置页面", "Reset the page"),
            T::Sections => ("页面", "Parts of Canteen"),
            T::SectionPlayground => ("生产者与消费者", "Producers and consumers"),
            T::SectionPeak => ("消息队列削峰", "Peak shaving"),
            T::SectionScraper => ("爬虫：Fetch 与正则", "Scraper: fetch and regex"),
            T::SectionLessons => ("课程：先预测，再运行", "Lessons: predict, then run"),
            T::Footer => (
                "同样的设置和种子总是得到同样的运行。时间是虚拟的：1× 表示 1 秒虚拟时间用 1 秒真实时间。",
                "The same settings and seed always give the same run. Time is virtual: at 1×, one virtual second takes one real second.",
            ),
        };
        lang.pick(zh, en)
    }
}

/// A scenario's explanation: the problem it shows, and how the queue (or
/// `join()`/`task_done()`) solves it.
pub fn scenario_explanation(kind: ScenarioKind, lang: Lang) -> (&'static str, &'static str) {
    match kind {
        ScenarioKind::Plain => (
            lang.pick(
                "生产者做完就结束了，但消费者不知道：它一直等在 q.get()，程序永远不会结束。",
                "The producer finishes, but the consumer cannot know that: it waits in q.get() forever, and the program never ends.",
            ),
            lang.pick(
                "用 JoinableQueue：消费者每处理完一个就调用 task_done()，主进程先 p.join() 等生产者做完，再 q.join() 等所有数据处理完，然后 terminate() 消费者。试试“热狗”场景。",
                "Use a JoinableQueue: the consumer calls task_done() after each item; main waits for the producers with p.join(), then for every item with q.join(), and then terminates the consumer. Try the hot-dog scenario.",
            ),
        ),
        ScenarioKind::Hotdog => (
            lang.pick(
                "两家分店做热狗的速度时快时慢，吃的人也有自己的节奏。没有队列，双方就得互相等待，效率低。",
                "Two shops make hot dogs at changing speeds, and the eater has a pace of their own. Without a queue each side would have to wait for the other.",
            ),
            lang.pick(
                "队列把双方解耦：做好的热狗先放进队列。task_done() 标记每个热狗吃完了，所以 p.join() 之后，q.join() 恰好在全部吃完时返回，主进程就可以放心地 terminate() 吃的人。",
                "The queue decouples them: finished hot dogs wait in it. task_done() marks each one eaten, so after p.join() (the shops are done) q.join() returns exactly when everything is eaten, and main can safely terminate() the eater.",
            ),
        ),
        ScenarioKind::Custom => (
            lang.pick(
                "调整数字看看：生产者比消费者快，队列就越积越长；设了容量，队列满时生产者只好等待（背压）。",
                "Change the numbers: when producers outpace consumers the queue grows; with a capacity, producers must wait when it is full (backpressure).",
            ),
            lang.pick(
                "队列吸收双方速度的差异和突发；join()/task_done() 让主进程知道什么时候全部处理完。",
                "The queue absorbs bursts and differences in speed; join()/task_done() tell main when everything is processed.",
            ),
        ),
        ScenarioKind::Termination => super::termination::explanation(lang),
    }
}

/// The label of a settings field.
pub fn field_label(field: Field, lang: Lang) -> &'static str {
    match field {
        Field::Seed => T::Seed,
        Field::Producers => T::Producers,
        Field::Consumers => T::Consumers,
        Field::Items => T::Items,
        Field::Capacity => T::Capacity,
        Field::ProduceDelay => T::ProduceDelay,
        Field::ConsumeDelay => T::ConsumeDelay,
    }
    .get(lang)
}

/// The name of a delay shape.
pub fn delay_kind(kind: DelayKind, lang: Lang) -> &'static str {
    match kind {
        DelayKind::Const => lang.pick("固定", "constant"),
        DelayKind::Uniform => lang.pick("均匀分布（范围）", "uniform range"),
        DelayKind::Exp => lang.pick("指数分布（均值）", "exponential (mean)"),
    }
}

/// What is wrong with a field, as a sentence.
pub fn problem(problem: &Problem, lang: Lang) -> String {
    let words = match (problem, lang) {
        (Problem::Empty, _) => lang.pick("请填写一个值", "Enter a value").to_string(),
        (Problem::NotWholeNumber(text), Lang::Zh) => format!("“{text}”不是整数"),
        (Problem::NotWholeNumber(text), Lang::En) => format!("'{text}' is not a whole number"),
        (Problem::OutOfRange { value, lo, hi }, _) => problems::out_of_range(value, *lo, *hi, lang),
        (Problem::Duration(why, text), _) => problems::duration(*why, text, lang),
        (Problem::LowerAboveUpper, _) => lang
            .pick("下限大于上限", "The lower bound is above the upper bound")
            .to_string(),
        (Problem::NotADelay(text), _) => problems::not_a_delay(text, lang),
        (Problem::UnknownStrategy(unknown), _) => problems::unknown_strategy(unknown, lang),
        (Problem::NotAKill(text), Lang::Zh) => {
            format!("“{text}”不是 消费者@时间（或 消费者~概率）")
        }
        (Problem::NotAKill(text), Lang::En) => {
            format!("'{text}' is not consumer@time (or consumer~chance)")
        }
        (Problem::Config(p), _) => problems::config(p, lang),
    };
    problems::sentence(words, lang)
}

/// The parts of a link left out, as a whole notice: the rest was opened.
pub fn link_ignored(ignored: &[LinkError], lang: Lang) -> String {
    let why: Vec<String> = ignored.iter().map(|e| link_error(e, lang)).collect();
    match lang {
        Lang::Zh => format!(
            "这个链接有些部分无法读取，已略过（{}），其余部分照常打开。",
            why.join("；")
        ),
        Lang::En => format!(
            "Parts of this link could not be read and were left out ({}); the rest of it is open.",
            why.join("; ")
        ),
    }
}

/// Why one part of a link could not be read.
fn link_error(error: &LinkError, lang: Lang) -> String {
    let why = match (error, lang) {
        (LinkError::Malformed(part), Lang::Zh) => format!("“{part}”不是 键=值 的形式"),
        (LinkError::Malformed(part), Lang::En) => format!("'{part}' is not key=value"),
        (LinkError::UnknownKey(key), Lang::Zh) => format!("不认识的键“{key}”"),
        (LinkError::UnknownKey(key), Lang::En) => format!("unknown key '{key}'"),
        (LinkError::Repeated(key), Lang::Zh) => format!("键“{key}”出现了不止一次"),
        (LinkError::Repeated(key), Lang::En) => format!("key '{key}' appears more than once"),
        (LinkError::UnknownScenario(name), Lang::Zh) => format!("没有叫“{name}”的场景"),
        (LinkError::UnknownScenario(name), Lang::En) => format!("there is no scenario '{name}'"),
        (LinkError::UnknownTab(name), Lang::Zh) => {
            format!("没有“{name}”这个部分（peak-shaving、scraper 或 lessons）")
        }
        (LinkError::UnknownTab(name), Lang::En) => {
            format!("there is no part '{name}' (peak-shaving, scraper or lessons)")
        }
        (LinkError::UnknownLang(code), Lang::Zh) => format!("语言“{code}”不可用（zh 或 en）"),
        (LinkError::UnknownLang(code), Lang::En) => {
            format!("language '{code}' is not available (zh or en)")
        }
        (LinkError::BadSpeed { text, min, max }, Lang::Zh) => {
            format!(
                "速度“{text}”无效（{} 到 {}）",
                Shortest(*min),
                Shortest(*max)
            )
        }
        (LinkError::BadSpeed { text, min, max }, Lang::En) => {
            format!(
                "speed '{text}' is not valid ({} to {})",
                Shortest(*min),
                Shortest(*max)
            )
        }
        (LinkError::Setting { key, problem: p }, _) => format!("{key}: {}", problem(p, lang)),
        (LinkError::Tab { key, text }, Lang::Zh) => format!("{key}“{text}”用不了，该项保留默认值"),
        (LinkError::Tab { key, text }, Lang::En) => {
            format!("{key} '{text}' cannot be used; that setting keeps its default")
        }
    };
    // A value typed into a link may be thousands of characters long.
    shortened(&why, LINK_WORDS_CHARS)
}

/// Most characters said of one part of a link left out.
const LINK_WORDS_CHARS: usize = 160;

/// The simulation's prediction beside a live run watched.
pub fn live_prediction(p: &crate::playground::live::Prediction, lang: Lang) -> String {
    let end = crate::i18n::Clock(p.end);
    let consumed = p.consumed;
    let how = match (p.outcome, lang) {
        (Outcome::Completed, Lang::Zh) => "完成",
        (Outcome::Completed, Lang::En) => "completed",
        (Outcome::Stuck, Lang::Zh) => "卡住",
        (Outcome::Stuck, Lang::En) => "stuck",
        (Outcome::TimeLimit, Lang::Zh) => "到达时限",
        (Outcome::TimeLimit, Lang::En) => "time limit",
        (Outcome::Running, Lang::Zh) => "运行中",
        (Outcome::Running, Lang::En) => "running",
    };
    match lang {
        Lang::Zh => format!("模拟的预测：{end} 结束（{how}），消费 {consumed} 件"),
        Lang::En => format!("The simulation predicts: ends at {end} ({how}), {consumed} consumed"),
    }
}

/// A run's state, for the status badge.
pub fn outcome(outcome: Outcome, playing: bool, lang: Lang) -> &'static str {
    match outcome {
        Outcome::Running if playing => lang.pick("运行中", "Playing"),
        Outcome::Running => lang.pick("已暂停", "Paused"),
        Outcome::Completed => lang.pick("已完成", "Completed"),
        Outcome::Stuck => lang.pick("卡住了", "Stuck"),
        Outcome::TimeLimit => lang.pick("到达时间上限", "Time limit reached"),
    }
}

/// The speed as shown in the picker: `0.25×`, `100×`.
pub fn speed(speed: f64) -> String {
    format!("{}×", Shortest(speed))
}

/// What a producer lane says.
pub fn producer_state(scenario: ScenarioKind, state: ProducerState, lang: Lang) -> String {
    let item = |i| item_name(scenario, i, lang);
    match (state, lang) {
        (ProducerState::Producing(i), Lang::Zh) => format!("正在做 {}", item(i)),
        (ProducerState::Producing(i), Lang::En) => format!("making {}", item(i)),
        (ProducerState::Putting(i), Lang::Zh) => format!("q.put({})", item(i)),
        (ProducerState::Putting(i), Lang::En) => format!("q.put({})", item(i)),
        (ProducerState::Blocked(i), Lang::Zh) => format!("队列满了，拿着 {} 等在 put()", item(i)),
        (ProducerState::Blocked(i), Lang::En) => {
            format!("queue full: waits in put() with {}", item(i))
        }
        (ProducerState::Done, _) => lang.pick("做完了", "done").to_string(),
    }
}

/// What a consumer lane says; `stuck` when the run is stuck.
pub fn consumer_state(
    scenario: ScenarioKind,
    state: ConsumerState,
    stuck: bool,
    lang: Lang,
) -> String {
    match state {
        ConsumerState::Idle => lang.pick("调用 q.get()", "calling q.get()").to_string(),
        ConsumerState::WaitingGet if stuck => lang
            .pick("永远等在 q.get()", "waits in q.get() forever")
            .to_string(),
        ConsumerState::WaitingGet => lang
            .pick("队列空了，等在 q.get()", "queue empty: waits in q.get()")
            .to_string(),
        ConsumerState::Working(i) => match lang {
            Lang::Zh => format!("正在处理 {}", item_name(scenario, i, lang)),
            Lang::En => format!("working on {}", item_name(scenario, i, lang)),
        },
        ConsumerState::Terminated => lang.pick("已被 terminate()", "terminated").to_string(),
        ConsumerState::Finished => lang.pick("已结束", "finished").to_string(),
    }
}

/// The stage's text equivalent: when, who works on what, who waits on
/// what (and where in its line), and what the queue holds.
pub fn stage_summary(
    scenario: ScenarioKind,
    at: Nanos,
    summary: &Summary,
    roles: &[Role],
    lang: Lang,
) -> String {
    let name = |actor: ActorId| {
        roles
            .get(actor.0 as usize)
            .map(|&role| actor_name(scenario, role, lang))
            .unwrap_or_default()
    };
    // The named ones (`parts`, of `total`), how many more, or `none`.
    let list = |out: &mut String,
                parts: &mut dyn Iterator<Item = String>,
                total: usize,
                sep: &str,
                none: &str| {
        let mut shown = 0;
        for part in parts {
            if shown > 0 {
                out.push_str(sep);
            }
            out.push_str(&part);
            shown += 1;
        }
        if total > shown {
            if shown > 0 {
                out.push_str(sep);
            }
            out.push_str(&more(total - shown, lang));
        }
        if total == 0 {
            out.push_str(none);
        }
    };
    let (sep, nobody) = (lang.pick("；", "; "), lang.pick("没有", "nobody"));
    let mut out = Clock(at).to_string();
    out.push_str(lang.pick("：在工作：", ": Working: "));
    let mut working = summary.working.iter().map(|&(actor, item)| {
        let what = match roles.get(actor.0 as usize) {
            Some(Role::Producer(_)) => {
                producer_state(scenario, ProducerState::Producing(item), lang)
            }
            _ => consumer_state(scenario, ConsumerState::Working(item), false, lang),
        };
        format!("{} {what}", name(actor))
    });
    list(&mut out, &mut working, summary.working_total, sep, nobody);
    out.push_str(lang.pick("。在等待：", ". Waiting: "));
    let mut waiting = summary.waiting.iter().map(|&(actor, blocked)| {
        let on = super::waiting_on(scenario, blocked.on, roles, lang);
        format!(
            "{} {}",
            name(actor),
            super::termination::badge(blocked, &on, lang)
        )
    });
    list(&mut out, &mut waiting, summary.waiting_total, sep, nobody);
    out.push_str(lang.pick("。队列 ", ". Queue "));
    out.push_str(&queue_fill(summary.queued, summary.capacity, lang));
    out.push_str(lang.pick("：", ": "));
    let mut items = summary
        .first
        .iter()
        .map(|&item| item_name(scenario, item, lang));
    let (sep, empty) = (lang.pick("、", ", "), lang.pick("空", "empty"));
    list(&mut out, &mut items, summary.queued, sep, empty);
    out.push_str(lang.pick("。", "."));
    out
}

/// A lane's tally: `made 3` / `done 4`.
pub fn made(n: u32, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已做 {n}"),
        Lang::En => format!("made {n}"),
    }
}

/// See [`made`].
pub fn consumed(n: u64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已处理 {n}"),
        Lang::En => format!("done {n}"),
    }
}

/// A main step's label.
pub fn main_step(scenario: ScenarioKind, step: MainStep, roles: &[Role], lang: Lang) -> String {
    match step {
        MainStep::JoinProducer(actor) => {
            let name = roles
                .get(actor.0 as usize)
                .map(|&r| actor_name(scenario, r, lang))
                .unwrap_or_default();
            format!("p.join() ({name})")
        }
        MainStep::JoinQueue => "q.join()".to_string(),
        MainStep::Terminate => "c.terminate()".to_string(),
    }
}

/// The queue's fill: `3 / 5` or `3 (unbounded)`.
pub fn queue_fill(len: usize, capacity: usize, lang: Lang) -> String {
    if capacity == 0 {
        match lang {
            Lang::Zh => format!("{len}（{}）", T::Unbounded.get(lang)),
            Lang::En => format!("{len} ({})", T::Unbounded.get(lang)),
        }
    } else {
        format!("{len} / {capacity}")
    }
}

/// "+12 more" after the drawn slots or lanes.
pub fn more(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("还有 {n} 个"),
        Lang::En => format!("+{n} more"),
    }
}

/// "12 older lines are not shown".
pub fn log_omitted(n: u64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("较早的 {n} 行没有显示（只显示最新的；暂停时显示更多）"),
        Lang::En => {
            format!("{n} older lines are not shown (only the newest are; pause to see more)")
        }
    }
}

/// The timeline's position: `1.234s / 5.000s`.
pub fn timeline_position(now: u64, end: u64) -> String {
    format!("{} / {}", Clock(now), Clock(end))
}

/// How far a long move of the engine has come: `done` of `total` items
/// after `elapsed_ms` of work, the rate, and the time left at that rate.
pub fn progress(done: u64, total: u64, elapsed_ms: f64, lang: Lang) -> String {
    let per_s = if elapsed_ms > 0.0 {
        (done as f64 * 1000.0 / elapsed_ms) as u64
    } else {
        0
    };
    let left = (per_s > 0 && total >= done).then(|| (total - done).div_ceil(per_s));
    match (lang, left) {
        (Lang::Zh, Some(left)) => {
            format!("已完成 {done} / {total} 件 · 每秒 {per_s} 件 · 约剩 {left} 秒")
        }
        (Lang::Zh, None) => format!("已完成 {done} / {total} 件"),
        (Lang::En, Some(left)) => {
            format!("{done} of {total} items done · {per_s} items/s · about {left} s left")
        }
        (Lang::En, None) => format!("{done} of {total} items done"),
    }
}

/// The panic banner's detail line.
pub fn panic_detail(message: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("错误信息：{message}"),
        Lang::En => format!("Error: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delay::DurationProblem;

    #[test]
    fn every_problem_has_a_sentence_in_both_languages_that_names_the_text() {
        use crate::i18n::words_test::assert_both_languages;
        use crate::scenario::ending::UnknownStrategy;
        use crate::scenario::ConfigProblem;
        let named = [
            Problem::NotWholeNumber("abc".into()),
            Problem::OutOfRange {
                value: "abc".into(),
                lo: 1,
                hi: 2,
            },
            Problem::Duration(DurationProblem::NoUnit, "abc".into()),
            Problem::Duration(DurationProblem::NotNumber, "abc".into()),
            Problem::Duration(DurationProblem::Negative, "abc".into()),
            Problem::Duration(
                DurationProblem::TooLong {
                    max: crate::delay::MAX_DURATION,
                },
                "abc".into(),
            ),
            Problem::NotADelay("abc".into()),
            Problem::UnknownStrategy(UnknownStrategy("abc".into())),
            Problem::NotAKill("abc".into()),
        ];
        for p in &named {
            assert_both_languages(|lang| problem(p, lang), &["abc"]);
        }
        for p in [
            Problem::Empty,
            Problem::LowerAboveUpper,
            Problem::Config(ConfigProblem::NeedsBrokerAck {
                field: "visibility-timeout",
            }),
        ] {
            assert_both_languages(|lang| problem(&p, lang), &[]);
        }
        let range = Problem::OutOfRange {
            value: "0".into(),
            lo: 1,
            hi: 1000,
        };
        assert_eq!(
            problem(&range, Lang::En),
            "0 is out of range; use 1 to 1000."
        );
        assert_eq!(problem(&range, Lang::Zh), "0 超出范围；请用 1 到 1000。");
    }

    #[test]
    fn every_link_error_is_worded_in_both_languages() {
        use crate::i18n::words_test::assert_both_languages;
        for (error, shown) in [
            (LinkError::Malformed("zz".into()), "zz"),
            (LinkError::UnknownKey("zz".into()), "zz"),
            (LinkError::Repeated("zz".into()), "zz"),
            (LinkError::UnknownScenario("zz".into()), "zz"),
            (LinkError::UnknownLang("zz".into()), "zz"),
            (
                LinkError::BadSpeed {
                    text: "zz".into(),
                    min: 0.25,
                    max: 1000.0,
                },
                "1000",
            ),
            (
                LinkError::Setting {
                    key: "n",
                    problem: Problem::NotWholeNumber("zz".into()),
                },
                "zz",
            ),
            (
                LinkError::Tab {
                    key: "pk-workers",
                    text: "zz".into(),
                },
                "pk-workers",
            ),
            (
                LinkError::Tab {
                    key: "sc-timeout",
                    text: "zz".into(),
                },
                "zz",
            ),
        ] {
            assert_both_languages(|lang| link_error(&error, lang), &[shown]);
        }
    }

    #[test]
    fn link_notices_name_each_part_left_out_and_say_the_rest_is_open() {
        let ignored = [
            LinkError::UnknownKey("zz".into()),
            LinkError::Repeated("c".into()),
        ];
        let en = link_ignored(&ignored, Lang::En);
        assert!(
            en.contains("unknown key 'zz'; key 'c' appears more than once"),
            "{en}"
        );
        assert!(en.contains("the rest of it is open"), "{en}");
        let zh = link_ignored(&ignored, Lang::Zh);
        assert!(zh.contains("不认识的键“zz”；键“c”出现了不止一次"), "{zh}");
        assert!(zh.contains("其余部分照常打开"), "{zh}");
    }
}

#[cfg(test)]
mod stage_text {
    use super::*;
    use crate::playground::app::{Action, AppState};
    use crate::scraper::fetch::FakeFetcher;
    use std::rc::Rc;

    /// The stage's text equivalent of the hot dogs (seed 42) after `steps` events.
    fn after(steps: usize, lang: Lang) -> String {
        let mut state = AppState::new(lang, "#s=hotdog&seed=42", Rc::new(FakeFetcher::new()));
        for _ in 0..steps {
            state.apply(Action::Step);
        }
        let announced = state.announced.unwrap();
        let session = &state.session;
        let scenario = session.config().scenario;
        stage_summary(
            scenario,
            announced.at,
            &announced.summary,
            session.roles(),
            lang,
        )
    }

    #[test]
    fn the_hot_dogs_text_says_who_works_who_waits_on_what_and_what_is_queued() {
        assert_eq!(
            after(3, Lang::En),
            "0.681s: Working: Shanghai shop making Shanghai shop hot dog 2; Beijing shop making \
             Beijing shop hot dog 1. Waiting: main waits on p.join() (Shanghai shop); consumer 1 \
             waits on get() · 1st of 1. Queue 1 (unbounded): Shanghai shop hot dog 1."
        );
        assert_eq!(
            after(3, Lang::Zh),
            "0.681s：在工作：上海分店 正在做 上海分店的热狗2；北京分店 正在做 北京分店的热狗1。\
             在等待：主进程 等待 p.join() (上海分店)；消费者1 等待 get() · 排第 1 位，共 1 个。\
             队列 1（不限容量）：上海分店的热狗1。"
        );
        assert_eq!(
            after(0, Lang::En),
            "0.000s: Working: Shanghai shop making Shanghai shop hot dog 1; Beijing shop making \
             Beijing shop hot dog 1. Waiting: nobody. Queue 0 (unbounded): empty."
        );
    }

    #[test]
    fn many_actors_are_counted_beyond_the_first_few() {
        let state = AppState::new(
            Lang::En,
            "#s=custom&seed=1&p=9&c=7&n=3",
            Rc::new(FakeFetcher::new()),
        );
        let announced = state.announced.unwrap();
        let text = stage_summary(
            state.session.config().scenario,
            announced.at,
            &announced.summary,
            state.session.roles(),
            Lang::En,
        );
        assert_eq!(announced.summary.working.len(), 4);
        assert_eq!(announced.summary.working_total, 9);
        assert!(text.contains("; +5 more. Waiting: nobody."), "{text}");
    }
}
