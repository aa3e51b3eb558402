//! The scraper's words, in 中文 and English: worker names, log lines in the
//! seed's style, fault messages, regex notes and errors, setting errors,
//! and the labels of its table and timeline.

use std::time::Duration;

use super::problems::out_of_range;
use super::{Clock, Quoting, StuckActor};
use crate::lang::Lang;
use crate::number::Fixed;
use crate::playground::scraper::FieldProblem;
use crate::run::Stuck;
use crate::scraper::fetch::{FetchDetail, FetchError};
use crate::scraper::gantt::{PhaseKind, Speedup};
use crate::scraper::pattern::{Engine, Note, NoteKind, PatternError, Syntax};
use crate::scraper::report::ScraperReport;
use crate::scraper::rows::{url_index, RowState, UrlRow};
use crate::scraper::scenario::{ScraperProblem, ScraperRun};
use crate::trace::{ActorId, Event, EventKind, Fault, FetchFault, Role, WaitingOn};

/// The scraper's line for `canteen scenarios` and the picker.
pub fn summary(lang: Lang) -> &'static str {
    lang.pick(
        "爬虫：抓取者下载网页，计数者用 re.findall 数 <img>；plain 形态像原文一样卡住，joinable 形态正常结束",
        "web pages: fetchers download, counters count <img> sources with re.findall; the plain shape ends stuck as in the seed, the joinable one completes",
    )
}

/// The display name of a worker.
pub fn actor_name(role: Role, lang: Lang) -> String {
    match (role, lang) {
        (Role::Main, _) => lang.pick("主进程", "main").to_string(),
        (Role::Producer(i), Lang::Zh) => format!("抓取者{}", i + 1),
        (Role::Producer(i), Lang::En) => format!("fetcher {}", i + 1),
        (Role::Consumer(i), Lang::Zh) => format!("计数者{}", i + 1),
        (Role::Consumer(i), Lang::En) => format!("counter {}", i + 1),
    }
}

fn name_of(actor: ActorId, roles: &[Role], lang: Lang) -> String {
    roles
        .get(actor.0 as usize)
        .map(|&role| actor_name(role, lang))
        .unwrap_or_default()
}

/// What a waiting worker waits on, in words.
pub fn waiting_on(wait: WaitingOn, roles: &[Role], lang: Lang) -> String {
    match wait {
        WaitingOn::Get => "get()".to_string(),
        WaitingOn::Put => "put()".to_string(),
        WaitingOn::QueueJoin => "q.join()".to_string(),
        WaitingOn::TaskJoin(actor) => format!("p.join() ({})", name_of(actor, roles, lang)),
    }
}

/// A stuck worker in words: its name, what it waits on, and why.
pub fn stuck_actor(stuck: Stuck, roles: &[Role], lang: Lang) -> StuckActor {
    let actor = actor_name(stuck.role, lang);
    let waiting_on = waiting_on(stuck.waiting_on, roles, lang);
    StuckActor {
        explanation: super::stuck_sentence(&actor, stuck.waiting_on, &waiting_on, lang),
        actor,
        waiting_on,
    }
}

/// A scraper run's report with its stuck workers and its faults in words:
/// the JSON `canteen run scraper` prints.
pub fn report(run: &ScraperRun, lang: Lang) -> ScraperReport<StuckActor, String> {
    run.report().map(
        |stuck| stuck_actor(stuck, run.roles(), lang),
        |error| fault_message(&error, lang).to_string(),
    )
}

/// A fault's short title (the log's `error` line and the row's badge).
pub fn fault_title(fault: FetchFault, lang: Lang) -> &'static str {
    match fault {
        FetchFault::MalformedUrl => lang.pick("网址格式错误", "malformed URL"),
        FetchFault::Network => lang.pick("网络错误", "network failure"),
        FetchFault::CrossOrigin => lang.pick("跨域读取被拒绝", "cross-origin read refused"),
        FetchFault::HttpStatus(_) => lang.pick("HTTP 错误状态", "HTTP error status"),
        FetchFault::Timeout => lang.pick("超时", "timeout"),
        FetchFault::NotText => lang.pick("不是文本", "not text"),
        FetchFault::TooLarge => lang.pick("超过 5 MB", "over 5 MB"),
    }
}

/// A fault explained in one sentence, then what else is known in brackets:
/// our words, or the browser's, the server's or the system's own message
/// quoted as it came.
pub fn fault_message(error: &FetchError, lang: Lang) -> Quoting {
    let sentence = match error.fault {
        FetchFault::MalformedUrl => lang
            .pick("这不是可以抓取的网址。", "This is not a URL that can be fetched.")
            .to_string(),
        FetchFault::Network => lang
            .pick("连不上服务器（或读不到文件）。", "The server could not be reached (or the file could not be read).")
            .to_string(),
        FetchFault::CrossOrigin => lang
            .pick(
                "该网页的服务器不允许跨域读取；与本页同源的网页可以正常抓取。",
                "The page's server did not allow cross-origin reads; pages from this site's own origin work.",
            )
            .to_string(),
        FetchFault::HttpStatus(status) => match lang {
            Lang::Zh => format!("服务器回答了错误状态 HTTP {status}。"),
            Lang::En => format!("The server answered with the error status HTTP {status}."),
        },
        FetchFault::Timeout => lang
            .pick("在超时之前没有得到完整的回答。", "No complete answer came before the timeout.")
            .to_string(),
        FetchFault::NotText => lang
            .pick("内容不是文本（例如图片），没有计数。", "The body is not text (an image, say), so it was not counted.")
            .to_string(),
        FetchFault::TooLarge => lang
            .pick("内容超过 5 MB 的上限，没有读完。", "The body is over the 5 MB limit and was not read in full.")
            .to_string(),
    };
    let (open, close) = (lang.pick("（", " ("), lang.pick("）", ")"));
    let detail = match (&error.detail, lang) {
        (FetchDetail::None, _) => return Quoting::words(sentence),
        (FetchDetail::Said(message), _) => {
            return Quoting {
                before: format!("{sentence}{open}"),
                quote: Some(message.clone()),
                after: close,
            }
        }
        (FetchDetail::Bytes(n), Lang::Zh) => format!("{n} 字节"),
        (FetchDetail::Bytes(n), Lang::En) => format!("{n} bytes"),
        #[cfg(not(target_arch = "wasm32"))]
        (FetchDetail::EmptyPath, _) => lang.pick("路径为空", "empty path").to_string(),
        #[cfg(not(target_arch = "wasm32"))]
        (FetchDetail::NotLocal, _) => lang
            .pick(
                "不是本地路径：命令行只读文件",
                "not a local path (the command line reads files only)",
            )
            .to_string(),
        (FetchDetail::NotRecorded, _) => {
            lang.pick("不在记录中", "not in the recording").to_string()
        }
        (FetchDetail::NoSuchHost, _) => lang.pick("没有这个主机", "no such host").to_string(),
    };
    Quoting::words(format!("{sentence}{open}{detail}{close}"))
}

/// "1 match", "12 matches".
pub fn matches_label(count: u64, lang: Lang) -> String {
    match (lang, count) {
        (Lang::Zh, _) => format!("{count} 处匹配"),
        (Lang::En, 1) => "1 match".to_string(),
        (Lang::En, _) => format!("{count} matches"),
    }
}

/// A row's state, for the table.
pub fn state_label(state: RowState, lang: Lang) -> &'static str {
    match state {
        RowState::Waiting => lang.pick("等待", "waiting"),
        RowState::Fetching => lang.pick("抓取中", "fetching"),
        RowState::Fetched => lang.pick("已下载", "fetched"),
        RowState::Queued => lang.pick("在队列中", "queued"),
        RowState::Counting => lang.pick("计数中", "counting"),
        RowState::Counted => lang.pick("已计数", "counted"),
        RowState::Failed => lang.pick("失败", "failed"),
    }
}

/// A timeline phase, for the legend.
pub fn phase_label(kind: PhaseKind, lang: Lang) -> &'static str {
    match kind {
        PhaseKind::Fetch => lang.pick("下载", "download"),
        PhaseKind::Sleep => lang.pick("休眠", "sleep"),
        PhaseKind::Blocked => lang.pick("等待放入", "waiting to put"),
        PhaseKind::Regex => lang.pick(
            "正则计数（不占虚拟时间）",
            "regex count (takes no virtual time)",
        ),
    }
}

/// A real fetch's wall-clock time, for the latency cell's tooltip.
pub fn real_ms(ms: f64, lang: Lang) -> String {
    let ms = crate::number::Fixed::<0>(ms);
    match lang {
        Lang::Zh => format!("真实时间 {ms} ms"),
        Lang::En => format!("real time {ms} ms"),
    }
}

/// The speedup, as a sentence.
pub fn speedup_sentence(s: &Speedup, lang: Lang) -> String {
    let ms = |v: f64| Clock((v * 1e6).round() as u64).to_string();
    let (seq, span) = (ms(s.sequential_ms), ms(s.span_ms));
    match lang {
        Lang::Zh => format!(
            "加速比 {}×：一个工作者依次做完全部抓取和计数要 {seq}，这次运行用了 {span}",
            Fixed::<2>(s.speedup)),
        Lang::En => format!(
            "speedup {}×: one worker doing every fetch and count in turn would take {seq}; this run took {span}",
            Fixed::<2>(s.speedup)),
    }
}

fn url_of(event: &Event, rows: &[UrlRow]) -> String {
    event
        .item
        .and_then(|item| rows.get(url_index(item)))
        .map(|row| row.url.clone())
        .unwrap_or_default()
}

/// One log line for an event, in the seed's style: "生产了第1个数据",
/// "第1个任务获取到1个img"; a failed fetch quotes its message. `seed_pattern`:
/// the run counts with the seed's own regex, so the matches are `img`s.
pub fn log_line(
    event: &Event,
    roles: &[Role],
    rows: &[UrlRow],
    seed_pattern: bool,
    lang: Lang,
) -> Quoting {
    let url = url_of(event, rows);
    let n = event.item.map_or(0, |item| item.seq);
    let row = event.item.and_then(|item| rows.get(url_index(item)));
    let line = match (event.kind, lang) {
        (EventKind::Produce, _) => {
            let status = row
                .and_then(|r| r.status)
                .map_or_else(String::new, |s| format!("HTTP {s}, "));
            let bytes = row.and_then(|r| r.bytes).unwrap_or(0);
            match lang {
                Lang::Zh => format!("生产了第{n}个数据：{url}（{status}{bytes} 字节）"),
                Lang::En => format!("fetched page {n}: {url} ({status}{bytes} bytes)"),
            }
        }
        (EventKind::Consume, _) => {
            let count = row.and_then(|r| r.matches.as_ref()).map_or(0, |m| m.count);
            let what = match (seed_pattern, lang) {
                (true, _) => "img",
                (false, Lang::Zh) => "处匹配",
                (false, Lang::En) => "matches",
            };
            match lang {
                Lang::Zh => format!("第{n}个任务获取到{count}个{what}（{url}）"),
                Lang::En => format!("task {n} found {count} {what} ({url})"),
            }
        }
        (EventKind::Error(Fault::Fetch(_)), _) => {
            let mut message = row
                .and_then(|r| r.error.as_ref())
                .map_or_else(|| Quoting::words(""), |e| fault_message(e, lang));
            message.before = match lang {
                Lang::Zh => format!("抓取失败 {url}：{}", message.before),
                Lang::En => format!("fetch failed for {url}: {}", message.before),
            };
            return message;
        }
        (EventKind::Put, _) => format!("q.put({url})"),
        (EventKind::PutBlocked, Lang::Zh) => format!("队列已满，等待放入 {url}"),
        (EventKind::PutBlocked, Lang::En) => format!("queue full, waiting to put {url}"),
        (EventKind::Get, _) => format!("q.get() → {url}"),
        (EventKind::TaskDone, _) => format!("q.task_done() ({url})"),
        (EventKind::TaskJoinStart(actor), _) => {
            format!("p.join() ({})", name_of(actor, roles, lang))
        }
        (EventKind::TaskJoinDone(actor), Lang::Zh) => {
            format!("{} 已结束", name_of(actor, roles, lang))
        }
        (EventKind::TaskJoinDone(actor), Lang::En) => {
            format!("{} has ended", name_of(actor, roles, lang))
        }
        // Item-less lines read the same in every scenario.
        _ => super::log_line(crate::scenario::ScenarioKind::Custom, event, roles, lang),
    };
    Quoting::words(line)
}

/// Why a setting is refused, with the limits it breaks.
pub fn problem(problem: &ScraperProblem, lang: Lang) -> String {
    match (problem, lang) {
        (ScraperProblem::UrlCount { count, max }, Lang::Zh) => {
            format!("需要 1 到 {max} 个网址（现在是 {count} 个）")
        }
        (ScraperProblem::UrlCount { count, max }, Lang::En) => {
            format!("give 1 to {max} URLs (now {count})")
        }
        (ScraperProblem::EmptyUrl { line }, Lang::Zh) => format!("第 {line} 个网址是空的"),
        (ScraperProblem::EmptyUrl { line }, Lang::En) => format!("URL {line} is empty"),
        (ScraperProblem::OutOfRange { value, lo, hi, .. }, _) => {
            out_of_range(value, *lo, *hi, lang)
        }
        (ScraperProblem::Timeout { min, max }, Lang::Zh) => format!(
            "超时要在 {} 毫秒到 {} 秒之间",
            whole_ms(*min),
            max.as_secs()
        ),
        (ScraperProblem::Timeout { min, max }, Lang::En) => format!(
            "the timeout must be {} ms to {} s",
            whole_ms(*min),
            max.as_secs()
        ),
    }
}

/// Whole milliseconds as a `u64` (printing a `u128` would bring its own
/// formatting code into the page).
fn whole_ms(d: Duration) -> u64 {
    d.as_secs() * 1000 + u64::from(d.subsec_millis())
}

/// Why a field of the scraper's form cannot be used (a regex's error quotes
/// Python's or the browser's message).
pub fn field_problem(problem: &FieldProblem, lang: Lang) -> Quoting {
    match problem {
        FieldProblem::NotWhole => Quoting::words(S::NotWhole.get(lang)),
        FieldProblem::NotDuration => Quoting::words(S::NotDuration.get(lang)),
        FieldProblem::NotDelay => Quoting::words(S::NotDelay.get(lang)),
        FieldProblem::Setting(p) => Quoting::words(self::problem(p, lang)),
        FieldProblem::Regex(error) => pattern_words(error, Engine::Js, lang),
    }
}

fn engine_name(engine: Engine, lang: Lang) -> &'static str {
    match engine {
        Engine::Js => lang.pick("浏览器的 RegExp", "the browser's RegExp"),
        Engine::Rust => lang.pick("regex crate", "the regex crate"),
    }
}

/// A Python construct, named.
fn syntax_name(syntax: Syntax) -> &'static str {
    match syntax {
        Syntax::NamedGroup => "(?P<name>…)",
        Syntax::NamedBackref => "(?P=name)",
        Syntax::Backref => "\\1",
        Syntax::StartOfString => "\\A",
        Syntax::EndOfString => "\\Z",
        Syntax::DollarBeforeFinalNewline => "$",
        Syntax::GlobalFlags => "(?aimsux)",
        Syntax::ScopedFlags => "(?i:…)",
        Syntax::Comment => "(?#…)",
        Syntax::Verbose => "(?x)",
        Syntax::CodePointEscape => "\\U…, \\0…",
        Syntax::UnicodeName => "\\N{…}",
        Syntax::AtomicGroup => "(?>…)",
        Syntax::Possessive => "*+, ++, ?+",
        Syntax::Conditional => "(?(1)…|…)",
        Syntax::LookAround => "(?=…), (?<=…)",
        Syntax::IgnoreCase => "(?i)",
        Syntax::EmptyMatchPriority => "a??, |a",
    }
}

/// A note on the pattern, as shown next to the regex field.
pub fn note_text(note: &Note, engine: Engine, lang: Lang) -> String {
    let name = syntax_name(note.syntax);
    let engine = engine_name(engine, lang);
    match (note.syntax, note.kind, lang) {
        (Syntax::NamedGroup, _, Lang::Zh) => format!("{name} 是 Python 写法，JavaScript 写作 (?<name>…)；已自动改写，结果与 Python 相同。"),
        (Syntax::NamedGroup, _, Lang::En) => format!("{name} is Python syntax; JavaScript writes (?<name>…). Rewritten for you; results are Python's."),
        (Syntax::DollarBeforeFinalNewline, _, Lang::Zh) => format!("Python 的 $ 也匹配末尾换行符之前的位置，{engine} 只匹配真正的结尾：文本以换行结尾时计数可能不同。"),
        (Syntax::DollarBeforeFinalNewline, _, Lang::En) => format!("Python's $ also matches just before a final newline; {engine} only at the very end, so counts may differ for text that ends with a newline."),
        (Syntax::IgnoreCase, _, Lang::Zh) => format!("忽略大小写：{engine} 与 Python 对少数字符的大小写折叠不同，计数可能不同。"),
        (Syntax::IgnoreCase, _, Lang::En) => format!("Ignore-case: {engine} folds a few characters differently from Python, so counts may differ."),
        (Syntax::EmptyMatchPriority, _, Lang::Zh) => format!("这个模式可能优先匹配空串（如 {name}）：在空匹配之后 Python 会在同一位置改试更长的匹配，{engine} 则前进一个字符，计数可能不同。"),
        (Syntax::EmptyMatchPriority, _, Lang::En) => format!("This pattern may prefer an empty match (like {name}): after an empty match Python tries a longer one at the same place, {engine} moves on one character, so counts may differ."),
        (_, NoteKind::Rewritten, Lang::Zh) => format!("{name} 是 {engine} 没有的 Python 写法；已自动改写，结果与 Python 相同。"),
        (_, NoteKind::Rewritten, Lang::En) => format!("{name} is Python syntax that {engine} lacks; rewritten for you, results are Python's."),
        (_, NoteKind::MayDiffer, Lang::Zh) => format!("{name}：{engine} 的结果可能与 Python 不同。"),
        (_, NoteKind::MayDiffer, Lang::En) => format!("{name}: {engine} may give other results than Python."),
    }
}

/// What each of Python's `re.error` messages means, in 中文: the start of
/// the message (its variable part cut off), and the explanation.
const PYTHON_ERRORS: [(&str, &str); 28] = [
    (
        "missing ), unterminated subpattern",
        "有一个左括号 ( 没有闭合",
    ),
    ("missing ), unterminated comment", "注释 (?#…) 没有闭合"),
    ("missing -, : or )", "内联标志后面缺少 -、: 或 ) 之一"),
    ("missing flag", "- 后面缺少要关掉的标志"),
    ("missing group name", "缺少组名"),
    ("missing >, unterminated name", "组名没有用 > 结束"),
    ("missing ), unterminated name", "组名没有用 ) 结束"),
    ("incomplete escape", "转义不完整：十六进制数字不够"),
    ("octal escape value", "八进制转义超出范围（最大 \\377）"),
    ("bad escape (end of pattern)", "模式以单独的 \\ 结尾"),
    ("bad escape", "Python 不认识这个转义"),
    ("invalid group reference", "引用了不存在的组"),
    (
        "cannot refer to an open group",
        "在组还没结束时引用了它自己",
    ),
    ("the repetition number is too large", "重复次数太大"),
    (
        "min repeat greater than max repeat",
        "重复次数的下限大于上限",
    ),
    (
        "nothing to repeat",
        "量词（*、+、? 或 {…}）前面没有可以重复的内容",
    ),
    ("multiple repeat", "两个量词连在了一起"),
    ("unexpected end of pattern", "模式没写完就结束了"),
    ("unknown group name", "引用了不存在的组名"),
    ("unknown extension", "Python 不认识这种 (?…) 写法"),
    ("redefinition of group name", "组名重复了"),
    ("bad character in group name", "组名里有不允许的字符"),
    ("bad inline flag", "内联标志用得不对"),
    ("unknown flag", "Python 不认识这个标志"),
    (
        "global flags not at the start",
        "全局标志（如 (?i)）只能写在整个模式的最前面",
    ),
    ("unbalanced parenthesis", "右括号 ) 多了一个"),
    ("unterminated character set", "字符集 [ 没有闭合"),
    ("bad character range", "字符范围的起点大于终点"),
];

/// What Python's `re.error` message means, in 中文 (`None` for a message
/// not in [`PYTHON_ERRORS`]).
fn python_error_meaning(message: &str) -> Option<&'static str> {
    PYTHON_ERRORS
        .iter()
        .find(|(start, _)| message.starts_with(start))
        .map(|&(_, meaning)| meaning)
}

/// Why a pattern cannot be used (the run does not start), as text.
pub fn pattern_error(error: &PatternError, engine: Engine, lang: Lang) -> String {
    pattern_words(error, engine, lang).to_string()
}

/// Why a pattern cannot be used: our words, quoting Python's message as
/// `str(re.error)` prints it, or the engine's own.
pub fn pattern_words(error: &PatternError, engine: Engine, lang: Lang) -> Quoting {
    let engine_words = engine_name(engine, lang);
    let quoting = |before: String, quote: String| Quoting {
        before,
        quote: Some(quote),
        after: "",
    };
    match (error, lang) {
        (PatternError::Python { message, at }, _) => {
            let before = match (lang, python_error_meaning(message)) {
                (Lang::Zh, Some(meaning)) => {
                    format!("Python 不接受这个正则：{meaning}（位置 {at}）。Python 的报错：")
                }
                (Lang::Zh, None) => format!("Python 不接受这个正则（位置 {at}）。Python 的报错："),
                (Lang::En, _) => "Python rejects this pattern: ".to_string(),
            };
            quoting(before, format!("{message} at position {at}"))
        }
        (PatternError::Unsupported { syntax, at }, Lang::Zh) => Quoting::words(format!(
            "{} 是合法的 Python 写法，但 {engine_words} 做不到（位置 {at}）；请换一种写法。",
            syntax_name(*syntax)
        )),
        (PatternError::Unsupported { syntax, at }, Lang::En) => Quoting::words(format!(
            "{} is valid Python, but {engine_words} cannot do it (position {at}); please write it another way.",
            syntax_name(*syntax)
        )),
        (PatternError::Engine(message), Lang::Zh) => {
            quoting(format!("{engine_words} 报错："), message.clone())
        }
        (PatternError::Engine(message), Lang::En) => {
            quoting(format!("{engine_words} says: "), message.clone())
        }
        (PatternError::Unavailable, Lang::Zh) => Quoting::words(format!("{engine_words} 不可用")),
        (PatternError::Unavailable, Lang::En) => {
            Quoting::words(format!("{engine_words} is not available"))
        }
    }
}

/// The labels of the scraper's section of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum S {
    Title,
    Intro,
    Urls,
    UrlsHint,
    SampleUrls,
    Regex,
    RegexHint,
    Shape,
    ShapePlain,
    ShapeJoinable,
    Settings,
    Fetchers,
    Counters,
    Capacity,
    Timeout,
    FetchDelay,
    CountDelay,
    Seed,
    NewSeed,
    Start,
    Stop,
    Replay,
    ReplaySpeed,
    LiveNote,
    ReplayNote,
    Running,
    WaitingOnNetwork,
    Completed,
    Stuck,
    Stopped,
    Fetched,
    Failed,
    Counted,
    InQueue,
    Matches,
    VirtualTime,
    Pages,
    Url,
    State,
    Worker,
    Status,
    Bytes,
    Latency,
    Details,
    MatchedStrings,
    Queue,
    QueueEmpty,
    Timeline,
    TimelineEmpty,
    Failure,
    Log,
    NotWhole,
    NotDuration,
    NotDelay,
    RegexNotes,
}

impl S {
    pub fn get(self, lang: Lang) -> &'static str {
        match self {
            S::Title => lang.pick("爬虫：抓取真实网页，用正则计数", "The scraper: real pages, counted with a regex"),
            S::Intro => lang.pick(
                "原文的第一个例子：生产者用 requests.get(url) 下载网页放进队列，消费者用 re.findall('src=//(.*?) width', text) 数 <img>。这里由浏览器的 Fetch API 下载，由浏览器自己的 RegExp 计数。",
                "The seed's first example: producers download pages with requests.get(url) and put them on a queue; consumers count <img> sources with re.findall('src=//(.*?) width', text). Here the browser's Fetch API downloads and the browser's own RegExp counts.",
            ),
            S::Urls => lang.pick("网址（每行一个）", "URLs (one per line)"),
            S::UrlsHint => lang.pick(
                "默认是本站自带的示例网页（同源，离线也能用）。别的网站的网页，只有它的服务器允许跨域读取时才能抓取。",
                "The defaults are sample pages shipped with this site (same origin; they work offline). Pages of other sites can only be read if their server allows cross-origin reads.",
            ),
            S::SampleUrls => lang.pick("换回示例网页", "Sample pages"),
            S::Regex => lang.pick("正则表达式（Python 写法）", "Regex (Python syntax)"),
            S::RegexHint => lang.pick(
                "计数与 Python 的 re.findall(pattern, text) 相同（无标志），由浏览器的 RegExp 执行。",
                "Counts as Python's re.findall(pattern, text) does (no flags), run by the browser's RegExp.",
            ),
            S::Shape => lang.pick("队列形态", "Queue shape"),
            S::ShapePlain => lang.pick("普通 Queue（原文：最后卡住）", "Plain Queue (the seed: ends stuck)"),
            S::ShapeJoinable => lang.pick("JoinableQueue（task_done + join）", "JoinableQueue (task_done + join)"),
            S::Settings => lang.pick("设置", "Settings"),
            S::Fetchers => lang.pick("抓取者（生产者）", "Fetchers (producers)"),
            S::Counters => lang.pick("计数者（消费者）", "Counters (consumers)"),
            S::Capacity => lang.pick("队列容量（0 = 无限）", "Queue capacity (0 = unbounded)"),
            S::Timeout => lang.pick("抓取超时", "Fetch timeout"),
            S::FetchDelay => lang.pick("每次下载后等待", "Sleep after each download"),
            S::CountDelay => lang.pick("每次计数前等待", "Sleep before each count"),
            S::Seed => lang.pick("随机种子", "Seed"),
            S::NewSeed => lang.pick("新种子", "New seed"),
            S::Start => lang.pick("抓取并计数", "Fetch and count"),
            S::Stop => lang.pick("停止", "Stop"),
            S::Replay => lang.pick("重放上一次运行", "Replay the last run"),
            S::ReplaySpeed => lang.pick("重放速度", "Replay speed"),
            S::LiveNote => lang.pick(
                "实时运行：虚拟时钟跟着真实时间走（1×），每次抓取的真实耗时都会记录下来。",
                "Live: the virtual clock follows real time (1×); each fetch's real latency is recorded.",
            ),
            S::ReplayNote => lang.pick(
                "重放：按记录的结果和延迟在虚拟时间里重演，不访问网络，结果确定。",
                "Replay: the recorded pages and latencies played back in virtual time, without the network, always the same.",
            ),
            S::Running => lang.pick("运行中", "running"),
            S::WaitingOnNetwork => lang.pick("等待网络", "waiting on the network"),
            S::Completed => lang.pick("完成", "completed"),
            S::Stuck => lang.pick("卡住了", "stuck"),
            S::Stopped => lang.pick("已停止", "stopped"),
            S::Fetched => lang.pick("已下载", "fetched"),
            S::Failed => lang.pick("失败", "failed"),
            S::Counted => lang.pick("已计数", "counted"),
            S::InQueue => lang.pick("在队列中", "in queue"),
            S::Matches => lang.pick("匹配", "matches"),
            S::VirtualTime => lang.pick("虚拟时间", "virtual time"),
            S::Pages => lang.pick("网页", "Pages"),
            S::Url => lang.pick("网址", "URL"),
            S::State => lang.pick("状态", "state"),
            S::Worker => lang.pick("工作者", "worker"),
            S::Status => "HTTP",
            S::Bytes => lang.pick("字节", "bytes"),
            S::Latency => lang.pick("延迟（虚拟 ms）", "latency (virtual ms)"),
            S::Details => lang.pick("匹配到的字符串 / 问题", "matched strings / problem"),
            S::MatchedStrings => lang.pick("匹配到的字符串", "matched strings"),
            S::Queue => lang.pick("队列中的网页", "Pages in the queue"),
            S::QueueEmpty => lang.pick("（空）", "(empty)"),
            S::Timeline => lang.pick("时间线（虚拟时间）：每个工作者的下载、休眠和计数", "Timeline (virtual time): each worker's downloads, sleeps and counts"),
            S::TimelineEmpty => lang.pick("运行后在这里显示。", "Shown here once a run has started."),
            S::Failure => lang.pick("抓取失败", "failed fetch"),
            S::Log => lang.pick("日志（虚拟时间）", "Log (virtual time)"),
            S::NotWhole => lang.pick("请输入整数", "enter a whole number"),
            S::NotDuration => lang.pick("请输入带单位的时长，如 10s 或 500ms", "enter a duration with a unit, like 10s or 500ms"),
            S::NotDelay => lang.pick(
                "请输入延迟：const:0ms、uniform:0ms..1s 或 exp:100ms",
                "enter a delay: const:0ms, uniform:0ms..1s or exp:100ms",
            ),
            S::RegexNotes => lang.pick("关于这个正则", "About this pattern"),
        }
    }
}

/// "waiting on the network (2 fetches in flight)".
pub fn in_flight(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}（{n} 个请求进行中）", S::WaitingOnNetwork.get(lang)),
        Lang::En if n == 1 => format!("{} (1 fetch in flight)", S::WaitingOnNetwork.get(lang)),
        Lang::En => format!("{} ({n} fetches in flight)", S::WaitingOnNetwork.get(lang)),
    }
}

/// "…and 12 more".
pub fn and_more(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("……还有 {n} 个"),
        Lang::En => format!("…and {n} more"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::i18n::words_test::{assert_both_languages, has_han};

    #[test]
    fn every_setting_problem_is_worded_in_both_languages_with_its_limits() {
        let problems = [
            (
                ScraperProblem::UrlCount {
                    count: 0,
                    max: 1000,
                },
                "1000",
            ),
            (ScraperProblem::EmptyUrl { line: 3 }, "3"),
            (
                ScraperProblem::OutOfRange {
                    field: "fetchers",
                    value: 0,
                    lo: 1,
                    hi: 100,
                },
                "100",
            ),
            (
                ScraperProblem::Timeout {
                    min: Duration::from_millis(10),
                    max: Duration::from_secs(300),
                },
                "300",
            ),
        ];
        for (p, shown) in &problems {
            assert_both_languages(|lang| problem(p, lang), &[shown]);
        }
    }

    #[test]
    fn every_fetch_detail_is_worded_in_both_languages() {
        use crate::scraper::fetch::FetchDetail;
        for (detail, shown) in [
            (FetchDetail::None, ""),
            (FetchDetail::Said("ECONNREFUSED".into()), "ECONNREFUSED"),
            (FetchDetail::Bytes(6_000_000), "6000000"),
            #[cfg(not(target_arch = "wasm32"))]
            (FetchDetail::EmptyPath, ""),
            #[cfg(not(target_arch = "wasm32"))]
            (FetchDetail::NotLocal, ""),
            (FetchDetail::NotRecorded, ""),
            (FetchDetail::NoSuchHost, ""),
        ] {
            let error = FetchError::new(FetchFault::TooLarge, detail);
            assert_both_languages(|lang| fault_message(&error, lang).to_string(), &[shown]);
            if error.detail != FetchDetail::None {
                let zh = fault_message(&error, Lang::Zh).to_string();
                assert!(zh.ends_with('）'), "{zh}");
            }
        }
    }

    #[test]
    fn every_pattern_error_is_worded_in_both_languages() {
        for error in [
            PatternError::Python {
                message: "nothing to repeat".into(),
                at: 4,
            },
            PatternError::Unsupported {
                syntax: Syntax::AtomicGroup,
                at: 4,
            },
            PatternError::Engine("regex too big".into()),
            PatternError::Unavailable,
        ] {
            for engine in [Engine::Js, Engine::Rust] {
                assert_both_languages(|lang| pattern_error(&error, engine, lang), &[]);
            }
        }
    }

    #[test]
    fn what_the_page_quotes_is_only_what_came_from_elsewhere() {
        let said = FetchError::new(
            FetchFault::HttpStatus(404),
            FetchDetail::Said("Not Found".into()),
        );
        let zh = fault_message(&said, Lang::Zh);
        assert_eq!(zh.quote.as_deref(), Some("Not Found"));
        assert_eq!(
            zh.to_string(),
            "服务器回答了错误状态 HTTP 404。（Not Found）"
        );
        let bytes = FetchError::new(FetchFault::TooLarge, FetchDetail::Bytes(6_291_456));
        assert_eq!(fault_message(&bytes, Lang::Zh).quote, None);
        let python = PatternError::Python {
            message: "nothing to repeat".into(),
            at: 0,
        };
        let zh = pattern_words(&python, Engine::Js, Lang::Zh);
        assert_eq!(zh.quote.as_deref(), Some("nothing to repeat at position 0"));
        assert!(has_han(&zh.before), "{zh:?}");
        assert_eq!(
            pattern_error(&python, Engine::Rust, Lang::En),
            "Python rejects this pattern: nothing to repeat at position 0"
        );
    }

    /// Every message Python's `re` gives for a bad pattern (as the
    /// translator words it) has its meaning in 中文.
    #[test]
    fn every_python_regex_error_is_explained_in_chinese() {
        let bad = [
            "(a",
            "(?#c",
            "(?i",
            "(?-:a)",
            "(?P<>a)",
            "(?P<a",
            "(?P=a",
            r"\x1",
            r"\400",
            "a\\",
            r"\q",
            r"(a)\2",
            r"(a\1)",
            "a{99999999999}",
            "a{3,2}",
            "*",
            "a**",
            "(?",
            "(?P=b)",
            "(?<n>a)",
            "(?P<a>x)(?P<a>y)",
            "(?P<1a>x)",
            "(?L)",
            "(?iz)",
            "a(?i)",
            "a)",
            "[a",
            "[z-a]",
            "(?-a:b)",
            "(?au)",
        ];
        let mut explained = Vec::new();
        for pattern in bad {
            match crate::scraper::pattern::translate(pattern, Engine::Js) {
                Err(PatternError::Python { message, .. }) => explained.push(
                    python_error_meaning(&message)
                        .unwrap_or_else(|| panic!("{pattern}: {message} has no meaning in 中文")),
                ),
                other => panic!("{pattern}: not Python's error: {other:?}"),
            }
        }
        for (start, meaning) in PYTHON_ERRORS {
            assert!(!has_han(start) && has_han(meaning), "{start}");
            assert!(
                explained.contains(&meaning),
                "no pattern here gives {start:?}"
            );
        }
    }
}
