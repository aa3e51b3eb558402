//! What the termination lab's panel shows for a config — this run's
//! outcome, the joinable queue and broker acknowledgements side by side,
//! every strategy compared — as facts that travel: the page's worker runs
//! the lab ([`super::lab::outcomes`]) and sends these back
//! ([`super::wire`]), so the page holds no run of its own. A lesson
//! arrives the same way ([`Given`]).

use crate::lang::Lang;
use crate::lessons::{Answer, Guess};
use crate::run::Stuck;
use crate::scenario::Config;
use crate::termination::ledger::Fate;
use crate::termination::report::{Diagnosis, Fates, LabReport, Row, Verdict};
use crate::trace::{ItemId, Nanos};

/// Where one item of this run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemFate {
    pub item: ItemId,
    pub fate: Fate,
    /// Times it was processed.
    pub times: u8,
}

/// What the panel shows of one run's [`LabReport`].
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub verdict: Verdict,
    pub fates: Fates,
    pub duplicates: u64,
    pub redelivered: u64,
    pub last_item_ms: Option<f64>,
    pub consumers_stopped_ms: Option<f64>,
    pub stop_lag_ms: Option<f64>,
    /// The run's stuck actors.
    pub stuck: Vec<Stuck>,
    pub diagnosis: Vec<Diagnosis>,
}

impl From<&LabReport> for Summary {
    fn from(r: &LabReport) -> Summary {
        Summary {
            verdict: r.verdict,
            fates: r.fates,
            duplicates: r.duplicates,
            redelivered: r.redelivered,
            last_item_ms: r.last_item_ms,
            consumers_stopped_ms: r.consumers_stopped_ms,
            stop_lag_ms: r.stop_lag_ms,
            stuck: r.run.stuck.clone(),
            diagnosis: r.diagnosis.clone(),
        }
    }
}

/// What the panel shows for a config.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcomes {
    /// This run, to its end.
    pub this_run: Summary,
    /// Every item of this run, in producer then sequence order.
    pub items: Vec<ItemFate>,
    /// The same settings with a joinable queue and with broker
    /// acknowledgements (one of them is `this_run`).
    pub joinable: Summary,
    pub broker: Summary,
    /// Every strategy.
    pub rows: Vec<Row>,
}

/// A lesson for a seed as the engine's side gives it: its setting, its
/// words in one language, and its run's answer with the moment that
/// decides it (made by `i18n::lessons::given`).
#[derive(Clone, Debug, PartialEq)]
pub struct Given {
    pub lang: Lang,
    /// The playground's run it loads; `None`: peak shaving's lab.
    pub config: Option<Config>,
    /// Every lesson's title, in order.
    pub titles: Vec<String>,
    pub intro: String,
    pub question: String,
    /// The choices offered, in words (none for an estimate).
    pub choices: Vec<String>,
    pub why: String,
    pub answer: Answer,
    pub deciding: Nanos,
}

impl Given {
    /// The run's answer in words.
    pub fn answer_words(&self) -> String {
        match self.answer {
            Answer::Choice(i) => self.choices.get(i).cloned().unwrap_or_default(),
            Answer::Number(n) => n.to_string(),
        }
    }

    /// A guess in words.
    pub fn guess_words(&self, guess: Guess) -> String {
        match guess {
            Guess::Choice(i) => self.choices.get(i).cloned().unwrap_or_default(),
            Guess::Number(n) => n.to_string(),
        }
    }
}
