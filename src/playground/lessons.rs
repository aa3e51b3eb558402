//! The lessons' part of the page, free of the browser: the lesson open, its
//! question asked before the run, the learner's answer as chosen or typed
//! (with its problem at the field), and the progress kept in the browser.
//!
//! A lesson's setting, its words and its run's answer are made where the
//! engine is (the page's worker; here with the feature `page-engine`) and
//! arrive as one [`Given`] ([`LessonsState::command`], [`LessonsState::
//! arrive`]): the page's wasm carries neither the lessons' settings nor
//! their sentences, only what shows them and checks an answer.

use std::rc::Rc;

use crate::lang::Lang;
use crate::lessons::{score, Guess, LessonId, Verdict};

use super::form::{read_in_range, Problem};
pub use super::outcomes::Given;
use super::session::{next_id, Command, Reply};
/// The largest estimate read (more is out of range, said at the field).
pub const MAX_ESTIMATE: u64 = 10_000_000;

/// How an answer fared, kept as progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Right,
    Close,
    Wrong,
}

/// The last answer to a lesson: for which seed, what, and how it fared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answered {
    pub seed: u64,
    pub guess: Guess,
    pub mark: Mark,
}

/// The last answer to each lesson, by place (kept in `localStorage` as
/// [`Progress::to_text`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress(pub [Option<Answered>; 10]);

impl Progress {
    /// The last answer to `id`.
    pub fn get(&self, id: LessonId) -> Option<Answered> {
        self.0.get(id.number().wrapping_sub(1)).copied().flatten()
    }

    /// As text: `number:seed:guess:mark` for each lesson answered, joined
    /// by `,`; a guess is `c` and a choice's index or `e` and an estimate,
    /// a mark `r`, `c` or `w` (`3:42:e4:w`).
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for (i, answered) in self.0.iter().enumerate() {
            let Some(a) = answered else { continue };
            let (kind, n) = match a.guess {
                Guess::Choice(i) => ('c', i as u64),
                Guess::Number(n) => ('e', n),
            };
            let mark = match a.mark {
                Mark::Right => 'r',
                Mark::Close => 'c',
                Mark::Wrong => 'w',
            };
            if !text.is_empty() {
                text.push(',');
            }
            text += &format!("{}:{}:{kind}{n}:{mark}", i + 1, a.seed);
        }
        text
    }

    /// Reads [`Progress::to_text`]'s text; a part that does not read is
    /// left out.
    pub fn from_text(text: &str) -> Progress {
        let mut progress = Progress::default();
        for part in text.split(',') {
            let mut fields = part.split(':');
            let mut number = || fields.next().and_then(|f| f.parse::<u64>().ok());
            let (Some(place), Some(seed)) = (number(), number()) else {
                continue;
            };
            let (Some(guess), Some(mark), None) = (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let n = guess.get(1..).and_then(|n| n.parse::<u64>().ok());
            let guess = match (guess.as_bytes().first(), n) {
                (Some(b'c'), Some(n)) => Guess::Choice(n as usize),
                (Some(b'e'), Some(n)) => Guess::Number(n),
                _ => continue,
            };
            let mark = match mark {
                "r" => Mark::Right,
                "c" => Mark::Close,
                "w" => Mark::Wrong,
                _ => continue,
            };
            if let Some(slot) = progress.0.get_mut((place as usize).wrapping_sub(1)) {
                *slot = Some(Answered { seed, guess, mark });
            }
        }
        progress
    }
}

/// Why an answer cannot be checked (said at its field).
#[derive(Clone, Debug, PartialEq)]
pub enum GuessProblem {
    /// No choice was picked.
    NoChoice,
    /// The estimate's text.
    Estimate(Problem),
}

/// What can happen to the lessons.
#[derive(Clone, Debug, PartialEq)]
pub enum LessonAction {
    /// Open a lesson (with the seed of the one open).
    Open(LessonId),
    /// The same lesson with a new seed, drawn by the browser.
    NewSeed(u64),
    /// Pick a choice (its index).
    Pick(usize),
    /// New text in the estimate's field.
    Type(String),
    /// Check the answer and play the run.
    Check,
    /// Answer again.
    Retry,
    /// Show the moment that decides the answer.
    Jump,
    /// The progress kept in the browser, as [`Progress::to_text`] wrote it.
    Restore(String),
}

/// The lesson open and the learner's answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Open {
    pub id: LessonId,
    pub seed: u64,
    /// The lesson as given; `None` until it arrives.
    pub given: Option<Rc<Given>>,
    /// The choice picked.
    pub pick: Option<usize>,
    /// The estimate as typed.
    pub estimate: String,
    pub problem: Option<GuessProblem>,
    /// The answer checked: the run is shown beside it.
    pub checked: Option<Guess>,
    /// The language its words are asked in.
    lang: Lang,
    asked_id: u64,
}

impl Open {
    /// How the answer checked fared.
    pub fn verdict(&self) -> Option<Verdict> {
        let given = self.given.as_ref()?;
        Some(score(given.answer, given.choices.len(), self.checked?))
    }

    /// Shows `answered` as the answer checked, when it is this seed's.
    fn restore(&mut self, answered: Option<Answered>) {
        if let Some(a) = answered.filter(|a| a.seed == self.seed && self.checked.is_none()) {
            match a.guess {
                Guess::Choice(i) => self.pick = Some(i),
                Guess::Number(n) => self.estimate = n.to_string(),
            }
            self.checked = Some(a.guess);
        }
    }

    /// The answer as given, or its problem.
    fn guess(&self, given: &Given) -> Result<Guess, GuessProblem> {
        if given.choices.is_empty() {
            read_in_range(&self.estimate, 0, MAX_ESTIMATE)
                .map(Guess::Number)
                .map_err(GuessProblem::Estimate)
        } else {
            self.pick.map(Guess::Choice).ok_or(GuessProblem::NoChoice)
        }
    }
}

/// The lessons' state: the lesson open (once the part is shown) and the
/// progress.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LessonsState {
    pub open: Option<Open>,
    pub progress: Progress,
}

impl LessonsState {
    /// Opens lesson `id` for `seed`, its words asked in `lang`.
    pub fn open(&mut self, id: LessonId, seed: u64, lang: Lang) {
        let mut open = Open {
            id,
            seed,
            given: None,
            pick: None,
            estimate: String::new(),
            problem: None,
            checked: None,
            lang,
            asked_id: next_id(),
        };
        open.restore(self.progress.get(id));
        self.open = Some(open);
    }

    /// Asks for the open lesson's words in `lang` (its answer stays).
    pub fn relang(&mut self, lang: Lang) {
        if let Some(open) = self.open.as_mut().filter(|o| o.lang != lang) {
            open.lang = lang;
            open.asked_id = next_id();
        }
    }

    /// The first lesson not yet answered right (the first when all are).
    pub fn next_to_learn(&self) -> LessonId {
        use strum::VariantArray;
        LessonId::VARIANTS
            .iter()
            .copied()
            .find(|&id| self.progress.get(id).is_none_or(|a| a.mark != Mark::Right))
            .unwrap_or(LessonId::NoQueue)
    }

    /// What to ask of the engine's side: the lesson open in its language,
    /// until it arrives.
    pub fn command(&self) -> Option<Command> {
        let open = self.open.as_ref()?;
        if open.given.as_ref().is_some_and(|g| g.lang == open.lang) {
            return None;
        }
        Some(Command::Lesson {
            id: open.asked_id,
            lesson: open.id,
            seed: open.seed,
            lang: open.lang,
        })
    }

    /// Takes the engine's reply: the lesson as given, when it is the one
    /// asked for (false otherwise).
    pub fn arrive(&mut self, reply: Reply) -> bool {
        match (reply, &mut self.open) {
            (Reply::Lesson(id, given), Some(open)) if id == open.asked_id => {
                open.given = Some(given);
                true
            }
            _ => false,
        }
    }

    /// Applies an edit of the answer, a check or a restore (opening a
    /// lesson and jumping are the page's: they move its runs); false when
    /// nothing changed. A check that goes through leaves `checked` set.
    pub fn apply(&mut self, action: LessonAction) -> bool {
        if let LessonAction::Restore(text) = action {
            self.progress = Progress::from_text(&text);
            if let Some(open) = &mut self.open {
                open.restore(self.progress.get(open.id));
            }
            return true;
        }
        let Some(open) = &mut self.open else {
            return false;
        };
        match action {
            LessonAction::Pick(i)
                if open.checked.is_none()
                    && open.given.as_ref().is_some_and(|g| i < g.choices.len()) =>
            {
                open.pick = Some(i);
                open.problem = None;
            }
            LessonAction::Type(text) if open.checked.is_none() => {
                open.problem = None;
                open.estimate = text;
            }
            LessonAction::Retry if open.checked.is_some() => open.checked = None,
            LessonAction::Check if open.checked.is_none() => {
                let Some(given) = open.given.clone() else {
                    return false;
                };
                match open.guess(&given) {
                    Ok(guess) => {
                        let mark = match score(given.answer, given.choices.len(), guess) {
                            Verdict::Right => Mark::Right,
                            Verdict::Close { .. } => Mark::Close,
                            Verdict::Wrong { .. } | Verdict::NotAnAnswer => Mark::Wrong,
                        };
                        open.checked = Some(guess);
                        if let Some(slot) = self.progress.0.get_mut(open.id.number() - 1) {
                            *slot = Some(Answered {
                                seed: open.seed,
                                guess,
                                mark,
                            });
                        }
                    }
                    Err(problem) => open.problem = Some(problem),
                }
            }
            _ => return false,
        }
        true
    }
}

/// A lesson as the worker gives it, with placeholder words (this layer has
/// none): for the tests of the page's state.
#[cfg(test)]
pub(crate) fn given_for(id: LessonId, seed: u64, lang: Lang) -> Given {
    let lesson = crate::lessons::Lesson::new(id, seed);
    Given {
        lang,
        config: match lesson.setup {
            crate::lessons::Setup::Run(config) => Some(config),
            crate::lessons::Setup::Peak(_) => None,
        },
        titles: vec![String::new(); 10],
        intro: String::new(),
        question: String::new(),
        choices: (0..lesson.choices.len()).map(|i| i.to_string()).collect(),
        why: String::new(),
        answer: lesson.answer,
        deciding: lesson.deciding,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::Lesson;
    use strum::VariantArray;

    #[test]
    fn progress_reads_back_and_skips_what_does_not_read() {
        let mut progress = Progress::default();
        progress.0[0] = Some(Answered {
            seed: 42,
            guess: Guess::Choice(1),
            mark: Mark::Right,
        });
        progress.0[9] = Some(Answered {
            seed: u64::MAX,
            guess: Guess::Number(1234),
            mark: Mark::Close,
        });
        progress.0[2] = Some(Answered {
            seed: 0,
            guess: Guess::Number(0),
            mark: Mark::Wrong,
        });
        let text = progress.to_text();
        assert_eq!(text, "1:42:c1:r,3:0:e0:w,10:18446744073709551615:e1234:c");
        assert_eq!(Progress::from_text(&text), progress);
        let noisy = format!("{text},0:1:c1:r,11:1:c1:r,2:x:c1:r,4:1:q1:r,5:1:c1:z,6:1:c1:r:9,,7");
        assert_eq!(Progress::from_text(&noisy), progress);
        assert_eq!(Progress::from_text(""), Progress::default());
    }

    fn opened(id: LessonId, seed: u64) -> LessonsState {
        let mut state = LessonsState::default();
        state.open(id, seed, Lang::En);
        arrive(&mut state);
        state
    }

    /// Answers the state's command as the worker would (without words).
    fn arrive(state: &mut LessonsState) {
        if let Some(Command::Lesson {
            id,
            lesson,
            seed,
            lang,
        }) = state.command()
        {
            assert!(state.arrive(Reply::Lesson(id, Rc::new(given_for(lesson, seed, lang)))));
        }
    }

    #[test]
    fn an_estimate_that_does_not_read_is_refused_at_its_field_and_nothing_is_kept() {
        let mut state = opened(LessonId::Decoupled, 42);
        for (text, problem) in [
            ("", Problem::Empty),
            ("three", Problem::NotWholeNumber("three".into())),
            (
                "-3",
                Problem::OutOfRange {
                    value: "-3".into(),
                    lo: 0,
                    hi: MAX_ESTIMATE,
                },
            ),
            (
                "99999999999999999999999",
                Problem::OutOfRange {
                    value: "99999999999999999999999".into(),
                    lo: 0,
                    hi: MAX_ESTIMATE,
                },
            ),
        ] {
            state.apply(LessonAction::Type(text.into()));
            assert!(state.apply(LessonAction::Check));
            let open = state.open.as_ref().unwrap();
            assert_eq!(
                open.problem,
                Some(GuessProblem::Estimate(problem)),
                "{text}"
            );
            assert_eq!(open.checked, None);
            assert_eq!(state.progress, Progress::default());
        }
        state.apply(LessonAction::Type(" 4 ".into()));
        assert_eq!(
            state.open.as_ref().unwrap().problem,
            None,
            "typing clears it"
        );
        state.apply(LessonAction::Check);
        let open = state.open.as_ref().unwrap();
        assert_eq!(open.checked, Some(Guess::Number(4)));
        assert!(state.progress.get(LessonId::Decoupled).is_some());
        // A choice question without a pick says so.
        let mut state = opened(LessonId::Daemon, 42);
        state.apply(LessonAction::Check);
        assert_eq!(
            state.open.as_ref().unwrap().problem,
            Some(GuessProblem::NoChoice)
        );
        assert!(!state.apply(LessonAction::Pick(2)), "no third choice");
        // Nothing to check before the lesson arrives.
        let mut early = LessonsState::default();
        early.open(LessonId::Daemon, 42, Lang::En);
        assert!(early.command().is_some());
        assert!(!early.apply(LessonAction::Pick(0)));
        assert!(!early.apply(LessonAction::Check));
    }

    /// The page marks right exactly the run's answer, for every lesson
    /// and several seeds, and keeps the mark.
    #[test]
    fn the_page_marks_right_the_runs_answer() {
        for &id in LessonId::VARIANTS {
            for seed in [1, 7, 42, 2024] {
                let lesson = Lesson::new(id, seed);
                let mut state = opened(id, seed);
                assert_eq!(state.command(), None, "answered");
                let given = state.open.as_ref().unwrap().given.clone().unwrap();
                assert_eq!(given.answer, lesson.answer);
                let guesses: Vec<Guess> = if given.choices.is_empty() {
                    (0..=30).map(Guess::Number).collect()
                } else {
                    (0..given.choices.len()).map(Guess::Choice).collect()
                };
                for guess in guesses {
                    state.apply(LessonAction::Retry);
                    match guess {
                        Guess::Choice(i) => state.apply(LessonAction::Pick(i)),
                        Guess::Number(n) => state.apply(LessonAction::Type(n.to_string())),
                    };
                    assert!(state.apply(LessonAction::Check));
                    let mark = state.progress.get(id).unwrap().mark;
                    let right = Guess::from(lesson.answer) == guess;
                    assert_eq!(mark == Mark::Right, right, "{id:?} seed {seed} {guess:?}");
                    assert_eq!(
                        state.open.as_ref().unwrap().verdict(),
                        Some(lesson.check(guess))
                    );
                }
            }
        }
    }

    #[test]
    fn an_answer_kept_shows_again_for_its_seed_only() {
        let mut state = opened(LessonId::Joinable, 42);
        state.apply(LessonAction::Pick(0));
        state.apply(LessonAction::Check);
        let text = state.progress.to_text();
        let mut later = LessonsState::default();
        later.apply(LessonAction::Restore(text.clone()));
        later.open(LessonId::Joinable, 42, Lang::En);
        let open = later.open.as_ref().unwrap();
        assert_eq!((open.checked, open.pick), (Some(Guess::Choice(0)), Some(0)));
        later.open(LessonId::Joinable, 43, Lang::En);
        assert_eq!(later.open.as_ref().unwrap().checked, None, "another seed");
        // Restored after the lesson opened, as the page does.
        let mut page = opened(LessonId::Joinable, 42);
        page.apply(LessonAction::Restore(text));
        assert_eq!(page.open.as_ref().unwrap().checked, Some(Guess::Choice(0)));
        assert_eq!(page.next_to_learn(), LessonId::NoQueue);
    }

    #[test]
    fn a_lesson_and_a_program_travel_as_bytes_and_cut_bytes_read_as_nothing() {
        use super::super::wire::{command_bytes, read_command, read_reply, reply_bytes};
        for (id, seed, lang) in [
            (LessonId::NoQueue, 0, Lang::Zh),
            (LessonId::PeakShaving, u64::MAX, Lang::En),
        ] {
            let reply = Reply::Lesson(7, Rc::new(given_for(id, seed, lang)));
            let bytes = reply_bytes(&reply);
            assert_eq!(read_reply(&bytes), Some(reply));
            for cut in 0..bytes.len() {
                assert_eq!(read_reply(&bytes[..cut]), None, "cut at {cut}");
            }
            let command = Command::Lesson {
                id: 8,
                lesson: id,
                seed,
                lang,
            };
            let bytes = command_bytes(&command);
            assert_eq!(read_command(&bytes), Some(command));
            for cut in 0..bytes.len() {
                assert_eq!(read_command(&bytes[..cut]), None);
            }
        }
        let program = Reply::Python(3, "print('热狗')".into());
        let bytes = reply_bytes(&program);
        assert_eq!(read_reply(&bytes), Some(program));
        assert_eq!(read_reply(&bytes[..bytes.len() - 1]), None);
        // Lesson 11 is no lesson.
        let mut eleven = command_bytes(&Command::Lesson {
            id: 1,
            lesson: LessonId::Dies,
            seed: 7,
            lang: Lang::En,
        });
        eleven[2] = 11;
        assert_eq!(read_command(&eleven), None);
    }
}
