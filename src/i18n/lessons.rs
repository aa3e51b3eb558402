//! The lessons' words, in 中文 and English: each lesson's title and its few
//! sentences, its question and choices, the one line that explains the
//! run's answer, and how a guess fared.

use super::{actor_name, Clock};
use crate::lang::Lang;
use crate::lessons::{Answer, Asked, Choice, Lesson, LessonId, Setup, Verdict};
use crate::playground::lessons::{Given, Mark};
use crate::scenario::ScenarioKind;
use crate::trace::Nanos;

/// The lesson's title.
pub fn title(id: LessonId, lang: Lang) -> &'static str {
    let (zh, en) = match id {
        LessonId::NoQueue => (
            "快慢不同的两方，中间只有一个位置",
            "Two speeds, one place between them",
        ),
        LessonId::Decoupled => ("队列让两方解耦", "A queue decouples them"),
        LessonId::Backpressure => (
            "有界队列的反压：满了，put() 就等",
            "A bounded queue pushes back: a full put() waits",
        ),
        LessonId::PlainQueue => (
            "原文的爬虫：普通 Queue 不知道何时结束",
            "The seed's scraper: a plain Queue never knows when to stop",
        ),
        LessonId::Joinable => (
            "JoinableQueue：task_done() 与 join()",
            "JoinableQueue: task_done() and join()",
        ),
        LessonId::Daemon => ("terminate() 还是守护进程", "terminate() or a daemon"),
        LessonId::Sentinels => (
            "哨兵，以及多个消费者只放一个哨兵的错误",
            "Sentinels, and one sentinel for many consumers",
        ),
        LessonId::Shutdown => (
            "立即关闭：shutdown(immediate=True)",
            "shutdown(immediate=True)",
        ),
        LessonId::Dies => (
            "消费者中途死掉：task_done() 不是确认",
            "A consumer dies mid-item: task_done() is not an acknowledgement",
        ),
        LessonId::PeakShaving => (
            "削峰：同一个高峰，直连与经由队列",
            "Peak shaving: one burst, straight and through a queue",
        ),
    };
    lang.pick(zh, en)
}

/// What the lesson shows, in a few sentences, before its question.
pub fn intro(id: LessonId, lang: Lang) -> &'static str {
    let (zh, en) = match id {
        LessonId::NoQueue => (
            "一个生产者、一个消费者，速度时快时慢。Python 的队列不能一个位置都没有，容量 1 最接近“没有队列”：每放进一个，就得等对方取走。",
            "One producer, one consumer, each at its own uneven pace. Python's queue cannot have no room at all; a capacity of 1 is the closest: each item put must be taken before the next fits.",
        ),
        LessonId::Decoupled => (
            "同样两方，这次队列不限容量：生产者比消费者快三倍，做好的先放进队列，不必等消费者。",
            "The same two sides, now with an unbounded queue: the producer is three times faster and puts what it makes without waiting for the consumer.",
        ),
        LessonId::Backpressure => (
            "同样的速度，但队列只有 2 个位置。队列满了，put() 就等到有空位：慢的一方通过队列拖住快的一方。",
            "The same speeds, but the queue holds 2. When it is full, put() waits for a free place: the slow side holds the fast side back through the queue.",
        ),
        LessonId::PlainQueue => (
            "原文的第一个例子：生产者抓取网页放进普通 Queue，消费者取出来数 <img>。生产者做完就结束了，消费者呢？",
            "The seed's first example: a producer fetches pages into a plain Queue, a consumer takes them and counts <img>. The producer ends when it is done; what about the consumer?",
        ),
        LessonId::Joinable => (
            "原文的热狗：上海分店和北京分店各做 5 个，一个人吃。每吃完一个调用 task_done()；主进程 p.join() 等两家分店，再 q.join()，然后 terminate() 吃的人。",
            "The seed's hot dogs: the Shanghai and Beijing shops make 5 each, one person eats. Each hot dog eaten is marked task_done(); main calls p.join() on both shops, then q.join(), then terminate() on the eater.",
        ),
        LessonId::Daemon => (
            "原文的另一种写法：消费者设为守护进程（daemon=True）。主进程 p.join()、q.join() 之后直接结束，不调用 terminate()。",
            "The seed's other way: the consumers are daemons (daemon=True). After p.join() and q.join() main simply ends; it never calls terminate().",
        ),
        LessonId::Sentinels => (
            "不用 join()，而是在生产者结束后往队列里放哨兵（None），消费者取到哨兵就退出。两个消费者，却只放了一个哨兵。",
            "Instead of join(), main puts a sentinel (None) after the producers end, and a consumer that gets one stops. Two consumers, but only one sentinel.",
        ),
        LessonId::Shutdown => (
            "Python 3.13 的 q.shutdown(immediate=True)：之后的 get() 抛出 ShutDown，队列里还没取走的数据被丢弃。",
            "Python 3.13's q.shutdown(immediate=True): later get() calls raise ShutDown, and whatever is still queued is dropped.",
        ),
        LessonId::Dies => (
            "消费者1 在第 1 秒时正处理的那个数据处理到一半就死了：它再也不会调用 task_done()。",
            "Consumer 1 dies halfway through the item it is working on at 1 s: it never calls task_done() for it.",
        ),
        LessonId::PeakShaving => (
            "秒杀：平时每秒 20 个请求，第 20 秒起 5 秒内每秒 120 个，是服务能力的 3 倍。直连的服务在工人全忙时拒绝请求；经由队列的请求排队等待。",
            "A flash sale: 20 requests a second, then 120 a second for 5 s from 20 s, three times what the service can do. The direct service rejects a request when every worker is busy; through a queue, requests wait their turn.",
        ),
    };
    lang.pick(zh, en)
}

/// The question, asked before the run.
pub fn question(asked: Asked, lang: Lang) -> &'static str {
    let (zh, en) = match asked {
        Asked::WhoWaitsLonger => (
            "谁等得更久：在 put() 里等的生产者，还是在 get() 里等的消费者？",
            "Who waits longer in all: the producer in put() or the consumer in get()?",
        ),
        Asked::QueuePeak => (
            "队列里最多会同时有几个数据？",
            "What will the queue's peak be (most items in it at once)?",
        ),
        Asked::PutWaits => (
            "生产者会在 put() 里等几次？",
            "How many times will the producer wait in put()?",
        ),
        Asked::WhoWaitsForever => ("谁会永远等下去？", "Who will wait forever?"),
        Asked::WhenJoinReturns => ("q.join() 什么时候返回？", "When does q.join() return?"),
        Asked::RunEnds => (
            "主进程没有调用 terminate()，运行会结束吗？",
            "Main never calls terminate(): will the run end?",
        ),
        Asked::WhichConsumerHangs => (
            "只有一个哨兵：哪个消费者会永远等下去？",
            "With one sentinel: which consumer will wait forever?",
        ),
        Asked::Dropped => (
            "shutdown(immediate=True) 会丢弃几个数据？",
            "How many items will shutdown(immediate=True) drop?",
        ),
        Asked::JoinReturns => ("q.join() 会返回吗？", "Will q.join() return?"),
        Asked::Rejected => (
            "直连的服务会拒绝多少个请求？",
            "How many requests will the direct service reject?",
        ),
    };
    lang.pick(zh, en)
}

/// One of the choices offered, for the lesson's scenario.
pub fn choice(choice: Choice, scenario: ScenarioKind, lang: Lang) -> String {
    let words = match choice {
        Choice::Actor(role) => return actor_name(scenario, role, lang),
        Choice::Yes => ("会", "yes"),
        Choice::No => ("不会", "no"),
        Choice::Nobody => ("谁都不会", "nobody"),
        Choice::Equally => ("一样久", "equally long"),
        Choice::WhenLastPut => ("最后一个数据放进队列时", "when the last item is put"),
        Choice::WhenLastDone => (
            "最后一个数据 task_done() 时",
            "when the last item is marked task_done()",
        ),
        Choice::Never => ("永远不返回", "never"),
    };
    lang.pick(words.0, words.1).to_string()
}

/// The scenario whose names the lesson's choices use.
pub fn scenario_of(lesson: &Lesson) -> ScenarioKind {
    match &lesson.setup {
        Setup::Run(config) => config.scenario,
        Setup::Peak(_) => ScenarioKind::Custom,
    }
}

/// The run's answer in words.
pub fn answer(lesson: &Lesson, lang: Lang) -> String {
    match lesson.answer {
        Answer::Choice(i) => lesson
            .choices
            .get(i)
            .map(|&c| choice(c, scenario_of(lesson), lang))
            .unwrap_or_default(),
        Answer::Number(n) => n.to_string(),
    }
}

/// Why the run answered as it did, in one line.
pub fn why(id: LessonId, lang: Lang) -> &'static str {
    let (zh, en) = match id {
        LessonId::NoQueue => (
            "只有一个位置时，两方轮流等对方：谁这次更快，谁就等得更多。",
            "With one place, each side waits for the other in turn: whichever is faster this time waits more.",
        ),
        LessonId::Decoupled => (
            "生产者跑在前面，多出来的数据在队列里排队，消费者按自己的节奏取。",
            "The producer runs ahead; what it makes beyond the consumer's pace waits in the queue.",
        ),
        LessonId::Backpressure => (
            "每次队列满了，生产者都要在 put() 里等消费者腾出位置。",
            "Each time the queue is full, the producer waits in put() until the consumer makes room.",
        ),
        LessonId::PlainQueue => (
            "普通 Queue 没有 task_done()/join()，也没人放结束信号：消费者在空队列的 get() 上永远等下去。",
            "A plain Queue has no task_done()/join() and nobody sends a stop signal: the consumer waits in get() on an empty queue forever.",
        ),
        LessonId::Joinable => (
            "q.join() 等未完成任务数归零：只有最后一个 task_done() 之后才返回。",
            "q.join() waits for the count of unfinished tasks to reach zero: only after the last task_done().",
        ),
        LessonId::Daemon => (
            "守护进程随主进程一起结束：q.join() 之后主进程一结束，消费者也就结束了。",
            "Daemons end with main: once main ends after q.join(), so do the consumers.",
        ),
        LessonId::Sentinels => (
            "取到哨兵的消费者退出了，另一个在空队列上永远等；主进程 join 它，也一起卡住。",
            "The consumer that got the sentinel stopped; the other waits on the empty queue forever, and main, joining it, waits too.",
        ),
        LessonId::Shutdown => (
            "立即关闭时还在队列里的数据都被丢弃，不会被处理。",
            "Everything still queued at an immediate shutdown is dropped, never processed.",
        ),
        LessonId::Dies => (
            "死掉的消费者没有为手里的数据调用 task_done()，未完成任务数永远不归零，q.join() 永远等。消息代理的确认与重新投递才能救回它。",
            "The dead consumer never marked its item done, so the unfinished count never reaches zero and q.join() waits forever. A broker's acknowledgements and redelivery would save it.",
        ),
        LessonId::PeakShaving => (
            "高峰时请求来得比工人处理得快：直连的服务只能拒绝，队列则把拒绝变成了等待。",
            "During the burst requests come faster than the workers serve them: the direct service can only reject, the queue turns rejections into waiting.",
        ),
    };
    lang.pick(zh, en)
}

/// How a guess fared, with the run's answer and the moment that decides it.
pub fn verdict(lesson: &Lesson, verdict: Verdict, lang: Lang) -> String {
    match (verdict, lang) {
        (Verdict::NotAnAnswer, Lang::Zh) => match lesson.choices.len() {
            0 => "请回答一个整数".to_string(),
            n => format!("请回答 1 到 {n} 之间的一个选项"),
        },
        (Verdict::NotAnAnswer, Lang::En) => match lesson.choices.len() {
            0 => "answer with a whole number".to_string(),
            n => format!("answer with one of the choices 1 to {n}"),
        },
        _ => fared(verdict, &answer(lesson, lang), lesson.deciding, lang),
    }
}

/// How an answer fared, beside the run's `answer` (in words) and the
/// moment `at` that decides it.
pub fn fared(verdict: Verdict, answer: &str, at: Nanos, lang: Lang) -> String {
    let at = Clock(at);
    match (verdict, lang) {
        (Verdict::Right, Lang::Zh) => format!("答对了：{answer}（决定性的时刻 {at}）"),
        (Verdict::Right, Lang::En) => format!("Right: {answer} (decided at {at})"),
        (Verdict::Close { off_by }, Lang::Zh) => {
            format!("很接近：运行的答案是 {answer}，差 {off_by}（决定性的时刻 {at}）")
        }
        (Verdict::Close { off_by }, Lang::En) => {
            format!("Close: the run says {answer}, {off_by} off (decided at {at})")
        }
        (_, Lang::Zh) => format!("不对：运行的答案是 {answer}（决定性的时刻 {at}）"),
        (_, Lang::En) => format!("Not this time: the run says {answer} (decided at {at})"),
    }
}

/// Lesson `id` for `seed` as the page is given it: its setting, its words
/// in `lang` and its run's answer (made where the engine is).
pub fn given(id: LessonId, seed: u64, lang: Lang) -> Given {
    use strum::VariantArray;
    let lesson = Lesson::new(id, seed);
    let scenario = scenario_of(&lesson);
    Given {
        lang,
        config: match &lesson.setup {
            Setup::Run(config) => Some(config.clone()),
            Setup::Peak(_) => None,
        },
        titles: LessonId::VARIANTS
            .iter()
            .map(|&id| title(id, lang).to_string())
            .collect(),
        intro: intro(id, lang).to_string(),
        question: question(lesson.asked, lang).to_string(),
        choices: lesson
            .choices
            .iter()
            .map(|&c| choice(c, scenario, lang))
            .collect(),
        why: why(id, lang).to_string(),
        answer: lesson.answer,
        deciding: lesson.deciding,
    }
}

/// The page's fixed words for the lessons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum W {
    /// The list's heading.
    Lessons,
    Check,
    PickOne,
    Jump,
    Again,
    Next,
}

impl W {
    pub fn get(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            W::Lessons => ("课程", "Lessons"),
            W::Check => ("检查并运行", "Check and run"),
            W::PickOne => ("请先选一个答案", "Pick one of the answers first"),
            W::Jump => ("跳到决定性的时刻", "Jump to the deciding moment"),
            W::Again => ("重新回答", "Answer again"),
            W::Next => ("下一课", "Next lesson"),
        };
        lang.pick(zh, en)
    }
}

/// Where the learner is: "Lesson 3 of 10 · seed 42".
pub fn place(id: LessonId, seed: u64, lang: Lang) -> String {
    let n = id.number();
    match lang {
        Lang::Zh => format!("第 {n} 课，共 10 课 · 随机种子 {seed}"),
        Lang::En => format!("Lesson {n} of 10 · seed {seed}"),
    }
}

/// How a lesson was last answered, in words (beside its mark).
pub fn mark(mark: Mark, lang: Lang) -> &'static str {
    let (zh, en) = match mark {
        Mark::Right => ("答对了", "answered right"),
        Mark::Close => ("很接近", "close"),
        Mark::Wrong => ("答错了", "not right"),
    };
    lang.pick(zh, en)
}

/// The learner's prediction (in words), to show beside the run's answer.
pub fn prediction(said: &str, lang: Lang) -> String {
    lang.pick("你的预测：", "Your prediction: ").to_string() + said
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::words_test;
    use crate::lessons::Guess;
    use strum::VariantArray;

    /// What the worker gives the page is the run's lesson, worded in the
    /// language asked, for several seeds.
    #[test]
    fn the_lesson_given_is_the_runs_in_the_language_asked() {
        for &id in LessonId::VARIANTS {
            for seed in [1, 42, 2024] {
                let lesson = Lesson::new(id, seed);
                for lang in [Lang::Zh, Lang::En] {
                    let given = given(id, seed, lang);
                    assert_eq!(
                        (given.answer, given.deciding),
                        (lesson.answer, lesson.deciding)
                    );
                    assert_eq!(given.choices.len(), lesson.choices.len());
                    assert_eq!(given.answer_words(), answer(&lesson, lang));
                    assert_eq!(given.titles.len(), 10);
                    assert_eq!(given.titles[id.number() - 1], title(id, lang));
                    assert_eq!(given.question, question(lesson.asked, lang));
                    let config = match &lesson.setup {
                        Setup::Run(config) => Some(config.clone()),
                        Setup::Peak(_) => None,
                    };
                    assert_eq!(given.config, config);
                    let right = fared(Verdict::Right, &given.answer_words(), given.deciding, lang);
                    assert_eq!(right, verdict(&lesson, Verdict::Right, lang));
                }
            }
        }
    }

    #[test]
    fn every_lesson_is_worded_in_both_languages() {
        for &id in LessonId::VARIANTS {
            let lesson = Lesson::new(id, 42);
            for lang in [Lang::Zh, Lang::En] {
                let marks = [Mark::Right, Mark::Close, Mark::Wrong].map(|m| mark(m, lang));
                let said = prediction(&answer(&lesson, lang), lang);
                for text in marks
                    .into_iter()
                    .chain([said.as_str(), &place(id, 7, lang)])
                {
                    assert_eq!(words_test::has_han(text), lang == Lang::Zh, "{text}");
                }
                for text in [
                    title(id, lang),
                    intro(id, lang),
                    question(lesson.asked, lang),
                    why(id, lang),
                ] {
                    assert!(!text.is_empty());
                    let han = text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
                    assert_eq!(han, lang == Lang::Zh, "{id:?} {lang:?}: {text}");
                }
                assert!(!answer(&lesson, lang).is_empty());
                let right = verdict(&lesson, lesson.check(lesson.answer.into()), lang);
                assert!(right.contains(&answer(&lesson, lang)), "{right}");
            }
        }
    }

    #[test]
    fn a_guess_out_of_the_choices_is_told_the_range() {
        let lesson = Lesson::new(LessonId::Daemon, 1);
        let out = lesson.check(Guess::Choice(5));
        assert_eq!(
            verdict(&lesson, out, Lang::En),
            "answer with one of the choices 1 to 2"
        );
        assert_eq!(
            verdict(&lesson, out, Lang::Zh),
            "请回答 1 到 2 之间的一个选项"
        );
    }
}
