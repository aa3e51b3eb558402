//! The lessons: ten short steps through the seed in its own order, each a
//! setting and a question asked *before* the run ("predict, then run").
//!
//! No answer is written down. Every answer is computed from the run of the
//! lesson's setting for the seed given, together with the moment that
//! decides it, so a learner who changes the seed gets another question whose
//! answer is still exact. A choice is right or wrong; an estimate is scored
//! by its distance from the run's figure ([`Lesson::check`]).
//!
//! ```
//! use canteen::lessons::{Guess, Lesson, LessonId, Verdict};
//!
//! let lesson = Lesson::new(LessonId::Joinable, 42);
//! let right = lesson.answer;
//! assert_eq!(lesson.check(right.into()), Verdict::Right);
//! ```

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use crate::delay::Delay;
use crate::peak::config::{PeakConfig, Preset};
use crate::peak::{PeakRun, Variant};
use crate::run::{Outcome, Run};
use crate::scenario::ending::{Kill, KillWhen, Strategy};
use crate::scenario::{Config, ScenarioKind};
use crate::trace::{Event, EventKind, Nanos, Role};

/// The lessons, in the seed's order (their number is their place, from 1).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString, strum::VariantArray,
)]
#[strum(serialize_all = "kebab-case")]
pub enum LessonId {
    /// Two sides at different speeds, a single place between them: each
    /// waits for the other.
    NoQueue,
    /// An unbounded queue decouples them: the fast side runs ahead.
    Decoupled,
    /// A bounded queue pushes back: a full `put()` waits.
    Backpressure,
    /// The seed's scraper with a plain `Queue`: the consumer never learns
    /// when to stop.
    PlainQueue,
    /// `JoinableQueue`: `task_done()` and `join()`, the seed's hot dogs.
    Joinable,
    /// A daemon consumer instead of `terminate()`.
    Daemon,
    /// One sentinel for two consumers: the classic bug.
    Sentinels,
    /// `shutdown(immediate=True)`: what is still queued is dropped.
    Shutdown,
    /// A consumer dies mid-item: `task_done()` is not an acknowledgement.
    Dies,
    /// Peak shaving: the same burst straight at a service and through a
    /// queue.
    PeakShaving,
}

impl LessonId {
    /// The name used in links and on the command line.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The lesson's place in the path, from 1.
    pub fn number(self) -> usize {
        use strum::VariantArray;
        LessonId::VARIANTS
            .iter()
            .position(|&id| id == self)
            .map_or(0, |i| i + 1)
    }

    /// The lesson at place `number` (from 1).
    pub fn nth(number: usize) -> Option<LessonId> {
        use strum::VariantArray;
        number
            .checked_sub(1)
            .and_then(|i| LessonId::VARIANTS.get(i))
            .copied()
    }
}

/// What a lesson runs.
#[derive(Clone, Debug, PartialEq)]
pub enum Setup {
    /// A run of the playground (the seed's cases and the termination lab).
    Run(Config),
    /// Peak shaving: the direct service and the queued one side by side.
    Peak(PeakConfig),
}

/// The question a lesson asks (the words are in `i18n::lessons`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asked {
    /// Who waits longer in all: the producer in `put()` or the consumer in
    /// `get()`?
    WhoWaitsLonger,
    /// What will the queue's peak be?
    QueuePeak,
    /// How many times will the producer wait in `put()`?
    PutWaits,
    /// Who waits forever?
    WhoWaitsForever,
    /// When does `q.join()` return?
    WhenJoinReturns,
    /// Main never calls `terminate()`: does the run end?
    RunEnds,
    /// With one sentinel for two consumers, which consumer waits forever?
    WhichConsumerHangs,
    /// How many items will `shutdown(immediate=True)` drop?
    Dropped,
    /// A consumer dies mid-item: will `q.join()` return?
    JoinReturns,
    /// How many requests will the direct service reject?
    Rejected,
}

/// One answer a choice question offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// An actor of the run.
    Actor(Role),
    Yes,
    No,
    /// Nobody (no actor is the answer).
    Nobody,
    /// Both wait exactly as long.
    Equally,
    /// `q.join()` returns when the last item is put.
    WhenLastPut,
    /// `q.join()` returns when the last item is marked done.
    WhenLastDone,
    /// `q.join()` never returns.
    Never,
}

/// The run's answer: one of the choices (its index), or a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Choice(usize),
    Number(u64),
}

/// What a learner answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guess {
    Choice(usize),
    Number(u64),
}

impl From<Answer> for Guess {
    fn from(answer: Answer) -> Guess {
        match answer {
            Answer::Choice(i) => Guess::Choice(i),
            Answer::Number(n) => Guess::Number(n),
        }
    }
}

/// How a guess compares with the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Right,
    /// An estimate within a tenth of the answer (at least 1) of it.
    Close {
        off_by: u64,
    },
    /// A wrong choice, or an estimate further off (`off_by` 0 for a choice).
    Wrong {
        off_by: u64,
    },
    /// A guess of the other kind, or a choice that is not offered.
    NotAnAnswer,
}

/// What a lesson's run decides: the answer and the moment that decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decided {
    pub answer: Answer,
    pub deciding: Nanos,
}

/// Runs `id`'s setting for `seed` to its end: the run's answer to the
/// lesson's question and the moment that decides it.
pub fn decide(id: LessonId, seed: u64) -> Decided {
    let setup = setup(id, seed);
    let (_, choices) = question(id, &setup);
    let (answer, deciding) = match &setup {
        Setup::Run(config) => ask(id, &Played::new(config.clone()), &choices),
        Setup::Peak(config) => ask_peak(config),
    };
    Decided { answer, deciding }
}

/// Compares `guess` with `answer`, the run's answer to a question offering
/// `choices` choices (none for an estimate).
pub fn score(answer: Answer, choices: usize, guess: Guess) -> Verdict {
    match (answer, guess) {
        (Answer::Choice(right), Guess::Choice(g)) if g < choices => {
            if g == right {
                Verdict::Right
            } else {
                Verdict::Wrong { off_by: 0 }
            }
        }
        (Answer::Number(right), Guess::Number(g)) => {
            let off_by = right.abs_diff(g);
            if off_by == 0 {
                Verdict::Right
            } else if off_by <= (right / 10).max(1) {
                Verdict::Close { off_by }
            } else {
                Verdict::Wrong { off_by }
            }
        }
        _ => Verdict::NotAnAnswer,
    }
}

/// One lesson for one seed: its setting, its question and the run's answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub id: LessonId,
    pub seed: u64,
    pub setup: Setup,
    pub asked: Asked,
    /// The choices offered (empty for an estimate).
    pub choices: Vec<Choice>,
    pub answer: Answer,
    /// The virtual time that decides the answer: jump there to see why.
    pub deciding: Nanos,
}

impl Lesson {
    /// `id`'s setting for `seed`, run to its end, with the answer and the
    /// moment that decides it.
    pub fn new(id: LessonId, seed: u64) -> Lesson {
        Lesson::decided(id, seed, decide(id, seed))
    }

    /// `id`'s setting and question for `seed`, with the answer and deciding
    /// moment `decided` of its run (made elsewhere: the page's worker runs
    /// [`decide`], the page words the question without running anything).
    pub fn decided(id: LessonId, seed: u64, decided: Decided) -> Lesson {
        let setup = setup(id, seed);
        let (asked, choices) = question(id, &setup);
        Lesson {
            id,
            seed,
            setup,
            asked,
            choices,
            answer: decided.answer,
            deciding: decided.deciding,
        }
    }

    /// Compares `guess` with the run's answer.
    pub fn check(&self, guess: Guess) -> Verdict {
        score(self.answer, self.choices.len(), guess)
    }

    /// Whether the question is an estimate (a number) rather than a choice.
    pub fn is_estimate(&self) -> bool {
        matches!(self.answer, Answer::Number(_))
    }
}

/// Each lesson's setting: the seed's numbers where the seed has them.
pub fn setup(id: LessonId, seed: u64) -> Setup {
    let ms = |n| Duration::from_millis(n);
    let custom = |items, capacity, produce, consume| {
        let mut config = Config::defaults(ScenarioKind::Custom, seed);
        config.producers = 1;
        config.consumers = 1;
        config.items = items;
        config.capacity = capacity;
        config.produce_delay = produce;
        config.consume_delay = consume;
        config
    };
    let lab = |strategy| {
        let mut config = Config::defaults(ScenarioKind::Termination, seed);
        config.termination.strategy = strategy;
        config
    };
    let config = match id {
        LessonId::NoQueue => custom(
            8,
            1,
            Delay::Uniform(ms(0), ms(1000)),
            Delay::Uniform(ms(0), ms(1000)),
        ),
        LessonId::Decoupled => custom(12, 0, Delay::Exp(ms(100)), Delay::Exp(ms(300))),
        LessonId::Backpressure => custom(12, 2, Delay::Exp(ms(100)), Delay::Exp(ms(300))),
        LessonId::PlainQueue => Config::defaults(ScenarioKind::Plain, seed),
        LessonId::Joinable => Config::defaults(ScenarioKind::Hotdog, seed),
        LessonId::Daemon => lab(Strategy::Daemon),
        LessonId::Sentinels => lab(Strategy::SentinelBug),
        LessonId::Shutdown => lab(Strategy::ShutdownImmediate),
        LessonId::Dies => {
            let mut config = lab(Strategy::JoinTerminate);
            config.termination.kill = Some(Kill {
                consumer: 1,
                when: KillWhen::At(ms(1000)),
            });
            config
        }
        LessonId::PeakShaving => return Setup::Peak(Preset::FlashSale.config(seed)),
    };
    Setup::Run(config)
}

/// A playground run played to its end, with every event it emitted.
struct Played {
    config: Config,
    events: Vec<Event>,
    roles: Vec<Role>,
    outcome: Outcome,
    stuck: Vec<Role>,
    max_queue: u64,
    dropped: u64,
}

impl Played {
    fn new(config: Config) -> Played {
        let events = Rc::new(RefCell::new(Vec::new()));
        let sink = Rc::clone(&events);
        let mut run = Run::new(config.clone(), move |e: &Event| sink.borrow_mut().push(*e));
        let outcome = run.run_to_end();
        let report = run.report();
        let roles = run.roles().to_vec();
        let stuck = run.stuck().iter().map(|s| s.role).collect();
        drop(run);
        let events = Rc::try_unwrap(events).map_or_else(|e| e.borrow().clone(), |e| e.into_inner());
        Played {
            config,
            events,
            roles,
            outcome,
            stuck,
            max_queue: report.stats.max_queue_len,
            dropped: report.dropped,
        }
    }

    fn role(&self, event: &Event) -> Role {
        self.roles
            .get(event.actor.0 as usize)
            .copied()
            .unwrap_or(Role::Main)
    }

    /// The first event of `kind` (by `who`, if given).
    fn first(&self, kind: EventKind, who: Option<Role>) -> Option<&Event> {
        self.events
            .iter()
            .find(|e| e.kind == kind && who.is_none_or(|r| self.role(e) == r))
    }

    fn last(&self, kind: EventKind) -> Option<&Event> {
        self.events.iter().rev().find(|e| e.kind == kind)
    }

    fn count(&self, kind: EventKind) -> u64 {
        self.events.iter().filter(|e| e.kind == kind).count() as u64
    }

    /// How long `who` waited in all after each `blocked` event, until its
    /// next `resumed` event (or the run's end).
    fn waited(&self, who: Role, blocked: EventKind, resumed: EventKind) -> Nanos {
        let end = self.events.last().map_or(0, |e| e.time);
        let mut since = None;
        let mut total = 0;
        for e in self.events.iter().filter(|e| self.role(e) == who) {
            if e.kind == blocked {
                since = Some(e.time);
            } else if e.kind == resumed {
                if let Some(start) = since.take() {
                    total += e.time - start;
                }
            }
        }
        total + since.map_or(0, |start| end - start)
    }

    /// When the queue first held as many items as it ever did.
    fn queue_peak_time(&self) -> Nanos {
        let mut len: u64 = 0;
        for e in &self.events {
            match e.kind {
                EventKind::Put => len += 1,
                EventKind::Get | EventKind::Drop => len = len.saturating_sub(1),
                _ => {}
            }
            if len == self.max_queue {
                return e.time;
            }
        }
        0
    }

    /// When `who` began its last wait (the one that never ends).
    fn last_wait_of(&self, who: Role) -> Nanos {
        self.events
            .iter()
            .rev()
            .find(|e| self.role(e) == who && e.kind == EventKind::GetBlocked)
            .map_or(0, |e| e.time)
    }
}

/// The question `id` asks of its setting and the choices it offers (none
/// for an estimate): known before anything runs.
pub fn question(id: LessonId, setup: &Setup) -> (Asked, Vec<Choice>) {
    let producer = Choice::Actor(Role::Producer(0));
    let consumers = || match setup {
        Setup::Run(config) => (0..config.consumers)
            .map(|i| Choice::Actor(Role::Consumer(i)))
            .collect(),
        Setup::Peak(_) => Vec::new(),
    };
    match id {
        LessonId::NoQueue => (
            Asked::WhoWaitsLonger,
            vec![producer, Choice::Actor(Role::Consumer(0)), Choice::Equally],
        ),
        LessonId::Decoupled => (Asked::QueuePeak, Vec::new()),
        LessonId::Backpressure => (Asked::PutWaits, Vec::new()),
        LessonId::PlainQueue | LessonId::Sentinels => {
            let (asked, mut choices) = if id == LessonId::PlainQueue {
                (Asked::WhoWaitsForever, vec![producer])
            } else {
                (Asked::WhichConsumerHangs, Vec::new())
            };
            choices.extend(consumers());
            choices.push(Choice::Nobody);
            (asked, choices)
        }
        LessonId::Joinable => (
            Asked::WhenJoinReturns,
            vec![Choice::WhenLastPut, Choice::WhenLastDone, Choice::Never],
        ),
        LessonId::Daemon => (Asked::RunEnds, vec![Choice::Yes, Choice::No]),
        LessonId::Dies => (Asked::JoinReturns, vec![Choice::Yes, Choice::No]),
        LessonId::Shutdown => (Asked::Dropped, Vec::new()),
        LessonId::PeakShaving => (Asked::Rejected, Vec::new()),
    }
}

/// The run's answer to a playground lesson's question (among `choices`)
/// and the moment that decides it.
fn ask(id: LessonId, run: &Played, choices: &[Choice]) -> (Answer, Nanos) {
    let producer = Role::Producer(0);
    let consumer = |i| Role::Consumer(i);
    let index =
        |right: Choice| Answer::Choice(choices.iter().position(|&c| c == right).unwrap_or(0));
    let end = run.events.last().map_or(0, |e| e.time);
    match id {
        LessonId::NoQueue => {
            let put = run.waited(producer, EventKind::PutBlocked, EventKind::Put);
            let get = run.waited(consumer(0), EventKind::GetBlocked, EventKind::Get);
            let (right, first) = match put.cmp(&get) {
                std::cmp::Ordering::Greater => (
                    Choice::Actor(producer),
                    run.first(EventKind::PutBlocked, Some(producer)),
                ),
                std::cmp::Ordering::Less => (
                    Choice::Actor(consumer(0)),
                    run.first(EventKind::GetBlocked, Some(consumer(0))),
                ),
                std::cmp::Ordering::Equal => (Choice::Equally, None),
            };
            (index(right), first.map_or(0, |e| e.time))
        }
        LessonId::Decoupled => (Answer::Number(run.max_queue), run.queue_peak_time()),
        LessonId::Backpressure => (
            Answer::Number(run.count(EventKind::PutBlocked)),
            run.first(EventKind::PutBlocked, None).map_or(0, |e| e.time),
        ),
        LessonId::PlainQueue | LessonId::Sentinels => {
            let hung = run
                .stuck
                .iter()
                .copied()
                .find(|r| matches!(r, Role::Consumer(_) | Role::Producer(_)));
            let (right, at) = match hung {
                Some(role) => (Choice::Actor(role), run.last_wait_of(role)),
                None => (Choice::Nobody, end),
            };
            (index(right), at)
        }
        LessonId::Joinable => {
            let joined = run.first(EventKind::JoinDone, None).map(|e| e.time);
            let last_put = run.last(EventKind::Put).map_or(0, |e| e.time);
            let last_done = run.last(EventKind::TaskDone).map_or(0, |e| e.time);
            let (right, at) = match joined {
                None => (Choice::Never, end),
                Some(t) if t == last_done => (Choice::WhenLastDone, t),
                Some(t) if t == last_put => (Choice::WhenLastPut, t),
                Some(t) => (Choice::WhenLastDone, t),
            };
            (index(right), at)
        }
        LessonId::Daemon | LessonId::Dies => {
            let (yes, at) = if id == LessonId::Daemon {
                (run.outcome == Outcome::Completed, end)
            } else {
                let joined = run.first(EventKind::JoinDone, None).is_some();
                let killed = run.first(EventKind::Killed, None).map_or(0, |e| e.time);
                (joined, killed)
            };
            (index(if yes { Choice::Yes } else { Choice::No }), at)
        }
        LessonId::Shutdown => {
            let at = run
                .events
                .iter()
                .find(|e| matches!(e.kind, EventKind::Shutdown { .. }))
                .map_or(0, |e| e.time);
            (Answer::Number(run.dropped), at)
        }
        // Its setting is peak shaving's, not a playground run.
        LessonId::PeakShaving => ask_peak(&Preset::FlashSale.config(run.config.seed)),
    }
}

/// Peak shaving's question: how many requests the direct service rejects;
/// decided when the first burst begins.
fn ask_peak(config: &PeakConfig) -> (Answer, Nanos) {
    let mut run = PeakRun::new(config.clone());
    run.run_to_end();
    let rejected = run.meter(Variant::Direct).counts().turned_away;
    let burst = config
        .bursts
        .first()
        .map_or(0, |b| u64::try_from(b.start.as_nanos()).unwrap_or(u64::MAX));
    (Answer::Number(rejected), burst)
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    const SEEDS: [u64; 4] = [1, 7, 42, 2024];

    #[test]
    fn numbers_and_names_go_both_ways() {
        for (i, &id) in LessonId::VARIANTS.iter().enumerate() {
            assert_eq!(id.number(), i + 1);
            assert_eq!(LessonId::nth(i + 1), Some(id));
            assert_eq!(id.name().parse::<LessonId>(), Ok(id));
        }
        assert_eq!(LessonId::nth(0), None);
        assert_eq!(LessonId::nth(11), None);
    }

    #[test]
    fn the_answer_is_right_and_every_other_choice_wrong() {
        for &id in LessonId::VARIANTS {
            for seed in SEEDS {
                let lesson = Lesson::new(id, seed);
                assert_eq!(lesson.check(lesson.answer.into()), Verdict::Right);
                for i in 0..lesson.choices.len() {
                    if Answer::Choice(i) != lesson.answer {
                        assert_eq!(lesson.check(Guess::Choice(i)), Verdict::Wrong { off_by: 0 });
                    }
                }
                assert_eq!(
                    lesson.check(Guess::Choice(lesson.choices.len())),
                    Verdict::NotAnAnswer
                );
            }
        }
    }

    #[test]
    fn estimates_are_scored_by_distance() {
        let mut lesson = Lesson::new(LessonId::PeakShaving, 42);
        lesson.answer = Answer::Number(500);
        assert_eq!(lesson.check(Guess::Number(500)), Verdict::Right);
        assert_eq!(
            lesson.check(Guess::Number(550)),
            Verdict::Close { off_by: 50 }
        );
        assert_eq!(
            lesson.check(Guess::Number(449)),
            Verdict::Wrong { off_by: 51 }
        );
        assert_eq!(lesson.check(Guess::Choice(0)), Verdict::NotAnAnswer);
        lesson.answer = Answer::Number(0);
        assert_eq!(lesson.check(Guess::Number(1)), Verdict::Close { off_by: 1 });
        assert_eq!(lesson.check(Guess::Number(2)), Verdict::Wrong { off_by: 2 });
    }

    /// The seed's lessons teach what the seed says, whatever the seed.
    #[test]
    fn the_seed_cases_answer_as_the_seed_says() {
        for seed in SEEDS {
            let plain = Lesson::new(LessonId::PlainQueue, seed);
            assert_eq!(
                plain.choices[answer_index(&plain)],
                Choice::Actor(Role::Consumer(0))
            );
            let joinable = Lesson::new(LessonId::Joinable, seed);
            assert_eq!(
                joinable.choices[answer_index(&joinable)],
                Choice::WhenLastDone
            );
            let daemon = Lesson::new(LessonId::Daemon, seed);
            assert_eq!(daemon.choices[answer_index(&daemon)], Choice::Yes);
            let dies = Lesson::new(LessonId::Dies, seed);
            assert_eq!(dies.choices[answer_index(&dies)], Choice::No);
            let hung = Lesson::new(LessonId::Sentinels, seed);
            assert!(matches!(
                hung.choices[answer_index(&hung)],
                Choice::Actor(Role::Consumer(_))
            ));
        }
    }

    /// The answers follow the run: they change with the seed where the run
    /// does, and the deciding moment is an event of the run.
    #[test]
    fn answers_follow_the_seed() {
        let peaks: Vec<_> = SEEDS
            .iter()
            .map(|&s| Lesson::new(LessonId::Decoupled, s).answer)
            .collect();
        assert!(peaks.windows(2).any(|w| w[0] != w[1]), "{peaks:?}");
        let waits: Vec<_> = (0..8)
            .map(|s| Lesson::new(LessonId::NoQueue, s).answer)
            .collect();
        assert!(waits.windows(2).any(|w| w[0] != w[1]), "{waits:?}");
        for &id in LessonId::VARIANTS {
            let lesson = Lesson::new(id, 42);
            if let Setup::Run(config) = &lesson.setup {
                let played = Played::new(config.clone());
                assert!(
                    played.events.iter().any(|e| e.time == lesson.deciding),
                    "{id:?} decided at {} with no event then",
                    lesson.deciding
                );
            }
        }
    }

    #[test]
    fn the_backpressure_lesson_counts_the_waits_the_queue_caused() {
        for seed in SEEDS {
            let unbounded = Lesson::new(LessonId::Decoupled, seed);
            let bounded = Lesson::new(LessonId::Backpressure, seed);
            let Answer::Number(peak) = unbounded.answer else {
                panic!("an estimate")
            };
            let Answer::Number(waits) = bounded.answer else {
                panic!("an estimate")
            };
            // A queue that never held more than 2 makes nobody wait.
            assert_eq!(
                peak <= 2,
                waits == 0,
                "seed {seed}: peak {peak}, waits {waits}"
            );
        }
    }

    fn answer_index(lesson: &Lesson) -> usize {
        match lesson.answer {
            Answer::Choice(i) => i,
            Answer::Number(_) => panic!("{:?} is an estimate", lesson.id),
        }
    }
}
