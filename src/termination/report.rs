//! A termination-lab run ([`Lab`]: a [`Run`] plus its [`Ledger`]), its
//! report ([`LabReport`]: the foundation's [`Report`] plus where every item
//! ended, how the consumers stopped, and the explanations), and the
//! comparison of every strategy for the same settings and seed
//! ([`compare`]), which the page's table and `canteen run termination
//! --compare` share.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use serde::Serialize;

use super::ledger::{Ending, Fate, Ledger};
use super::Strategy;
use crate::i18n;
use crate::i18n::termination as text;
use crate::i18n::StuckActor;
use crate::lang::Lang;
use crate::number::Fixed;
use crate::run::{Outcome, Report, Run};
use crate::scenario::{Config, ScenarioKind};
use crate::trace::{nanos_to_ms, ActorId, Event, ItemId, WaitingOn};

/// Most items listed by fate in a report (the counts are always exact).
pub const LISTED_ITEMS: usize = 100;

/// A run with the lab's books.
pub struct Lab {
    run: Run,
    ledger: Rc<RefCell<Ledger>>,
}

impl Lab {
    /// Sets up a run of `config` (which must be valid); `sink` sees every
    /// event after the run's statistics and the books have taken it.
    pub fn new(config: Config, mut sink: impl FnMut(&Event) + 'static) -> Lab {
        let ledger = Rc::new(RefCell::new(Ledger::new(&config.roles())));
        let books = Rc::clone(&ledger);
        let run = Run::new(config, move |event: &Event| {
            books.borrow_mut().record(event);
            sink(event);
        });
        Lab { run, ledger }
    }

    pub fn run(&self) -> &Run {
        &self.run
    }

    /// The run, to drive it.
    pub fn run_mut(&mut self) -> &mut Run {
        &mut self.run
    }

    pub fn ledger(&self) -> Ref<'_, Ledger> {
        self.ledger.borrow()
    }

    /// The headline so far.
    pub fn verdict(&self) -> Verdict {
        let ledger = self.ledger.borrow();
        let counts = Tally::of(&ledger);
        Verdict::of(self.run.outcome(), &counts, self.run.config().total_items())
    }

    /// The report so far, with names and sentences in `lang`.
    pub fn report(&self, lang: Lang) -> LabReport {
        let config = self.run.config();
        let ledger = self.ledger.borrow();
        let tally = Tally::of(&ledger);
        let base = i18n::run_report(&self.run, lang);
        let name = |item: ItemId| i18n::item_name(config.scenario, item, lang);
        let listed = |fate: Fate| -> Vec<String> {
            ledger
                .items()
                .filter(|(_, r)| r.fate() == fate)
                .take(LISTED_ITEMS)
                .map(|(item, _)| name(item))
                .collect()
        };
        let consumers = ledger
            .consumers()
            .map(|actor| {
                let stop = ledger.stop_of(actor);
                ConsumerStop {
                    actor: self.actor_name(actor, lang),
                    ended: stop.map(|s| ending_name(s.how)),
                    at_ms: stop.map(|s| nanos_to_ms(s.at)),
                }
            })
            .collect();
        LabReport {
            verdict: Verdict::of(self.run.outcome(), &tally, config.total_items()),
            strategy: config.strategy(),
            broker_ack: config.termination.broker_ack,
            processed: tally.processed,
            duplicates: tally.duplicates,
            lost: tally.lost,
            in_progress: tally.in_progress,
            not_put: tally.not_put,
            redelivered: ledger.redeliveries.len() as u64,
            acked: ledger.acks,
            stale_acks: ledger.stale_acks,
            sentinels_put: ledger.sentinels_put,
            sentinels_got: ledger.sentinels_got,
            accounted: tally.accounted(base.produced, base.dropped, base.in_queue),
            last_item_ms: ledger.last_processed_at.map(nanos_to_ms),
            consumers_stopped_ms: ledger.consumers_stopped_at().map(nanos_to_ms),
            stop_lag_ms: ledger.stop_lag().map(nanos_to_ms),
            dropped_items: listed(Fate::Dropped),
            lost_items: listed(Fate::Lost),
            queued_items: listed(Fate::InQueue),
            in_progress_items: listed(Fate::InProgress),
            duplicated_items: ledger
                .items()
                .filter(|(_, r)| r.processed > 1)
                .take(LISTED_ITEMS)
                .map(|(item, _)| name(item))
                .collect(),
            consumers,
            diagnosis: self.diagnosis(&ledger, &tally, &base, lang),
            run: base,
        }
    }

    fn actor_name(&self, actor: ActorId, lang: Lang) -> String {
        let role = self.run.roles()[actor.0 as usize];
        i18n::actor_name(self.run.config().scenario, role, lang)
    }

    /// Why the run ended as it did, as sentences, failures first.
    fn diagnosis(
        &self,
        ledger: &Ledger,
        tally: &Tally,
        base: &Report<StuckActor>,
        lang: Lang,
    ) -> Vec<String> {
        let config = self.run.config();
        let scenario = config.scenario;
        let item = |i: ItemId| i18n::item_name(scenario, i, lang);
        let who = |a: ActorId| self.actor_name(a, lang);
        let settings = config.termination;
        let broker = settings.broker_ack;
        let outcome = self.run.outcome();
        let main_waits_on_join = outcome == Outcome::Stuck
            && self.run.waiting_on(ActorId(0)) == Some(WaitingOn::QueueJoin);
        let mut out = Vec::new();

        for death in &ledger.deaths {
            let redelivery = ledger
                .redeliveries
                .iter()
                .find(|r| r.item == death.item && r.at >= death.at);
            out.push(if broker {
                text::killed_broker(
                    &who(death.consumer),
                    &item(death.item),
                    settings.visibility_timeout,
                    redelivery.map(|r| r.to.map(&who)),
                    lang,
                )
            } else {
                text::killed_joinable(
                    &who(death.consumer),
                    &item(death.item),
                    main_waits_on_join,
                    lang,
                )
            });
        }
        if let (Some(_), true) = (settings.kill, ledger.deaths.is_empty()) {
            out.push(text::kill_missed(lang).to_string());
        }
        if settings.forget_task_done.is_some() {
            for &(consumer, forgotten) in &ledger.forgotten {
                out.push(text::forgot_task_done(
                    &who(consumer),
                    &item(forgotten),
                    broker,
                    main_waits_on_join,
                    lang,
                ));
            }
        }
        for call in &ledger.extra_calls {
            let early = !call.raised
                && ledger.join_returned_at.is_some()
                && tally.processed < config.total_items();
            out.push(text::extra_task_done(
                &who(call.consumer),
                &item(call.item),
                call.raised,
                broker,
                early
                    .then(|| ledger.join_returned_at.map(nanos_to_ms))
                    .flatten(),
                lang,
            ));
        }
        for call in &ledger.refused {
            out.push(text::refused_task_done(
                &who(call.consumer),
                &item(call.item),
                lang,
            ));
        }
        if tally.duplicates > 0 {
            out.push(text::duplicates(tally.duplicates, lang));
        }
        match config.strategy() {
            Strategy::None if outcome == Outcome::Stuck => out.push(text::no_signal(lang).into()),
            Strategy::SentinelBug if outcome == Outcome::Stuck => {
                let waiting = ledger
                    .consumers()
                    .filter(|&c| self.run.waiting_on(c) == Some(WaitingOn::Get))
                    .count();
                out.push(text::too_few_sentinels(
                    ledger.sentinels_put,
                    config.consumers,
                    waiting,
                    lang,
                ));
            }
            Strategy::ShutdownImmediate if base.dropped > 0 => {
                out.push(text::dropped_at_shutdown(base.dropped, lang))
            }
            _ => {}
        }
        if outcome == Outcome::Completed {
            if base.in_queue > 0 {
                out.push(text::left_in_queue(base.in_queue, lang));
            }
            if tally.lost > 0 && ledger.deaths.len() as u64 != tally.lost {
                out.push(text::lost_at_stop(tally.lost, lang));
            }
        }
        out
    }
}

/// Counts by fate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Tally {
    processed: u64,
    duplicates: u64,
    dropped: u64,
    lost: u64,
    in_queue: u64,
    in_progress: u64,
    not_put: u64,
}

impl Tally {
    fn of(ledger: &Ledger) -> Tally {
        let mut t = Tally::default();
        for (_, record) in ledger.items() {
            match record.fate() {
                Fate::Processed => {
                    t.processed += 1;
                    t.duplicates += u64::from(record.processed.saturating_sub(1));
                }
                Fate::Dropped => t.dropped += 1,
                Fate::Lost => t.lost += 1,
                Fate::InQueue => t.in_queue += 1,
                Fate::InProgress => t.in_progress += 1,
                Fate::NotPut => t.not_put += 1,
            }
        }
        t
    }

    /// Whether the books agree with the run's own counters: every item made
    /// has exactly one fate, and the queue and the drops match.
    fn accounted(&self, produced: u64, dropped: u64, in_queue: u64) -> bool {
        let fates = self.processed + self.dropped + self.lost + self.in_queue;
        fates + self.in_progress + self.not_put == produced
            && self.dropped == dropped
            && self.in_queue == in_queue
    }
}

/// The headline of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Still going.
    Running,
    /// Completed, and every item was processed exactly once.
    AllProcessed,
    /// Completed, every item processed, some more than once.
    Duplicates,
    /// Completed, but some items were not processed.
    Incomplete,
    /// Some tasks wait forever.
    Stuck,
    /// Stopped at the time limit.
    TimeLimit,
}

impl Verdict {
    fn of(outcome: Outcome, tally: &Tally, total: u64) -> Verdict {
        match outcome {
            Outcome::Running => Verdict::Running,
            Outcome::Stuck => Verdict::Stuck,
            Outcome::TimeLimit => Verdict::TimeLimit,
            Outcome::Completed if tally.processed < total => Verdict::Incomplete,
            Outcome::Completed if tally.duplicates > 0 => Verdict::Duplicates,
            Outcome::Completed => Verdict::AllProcessed,
        }
    }
}

/// The JSON name of an ending.
fn ending_name(how: Ending) -> &'static str {
    match how {
        Ending::Returned => "returned",
        Ending::Terminated => "terminated",
        Ending::DaemonExit => "daemon_exit",
        Ending::Killed => "killed",
    }
}

/// How one consumer stopped.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConsumerStop {
    pub actor: String,
    /// `returned`, `terminated`, `daemon_exit` or `killed`; `None` if it has
    /// not stopped.
    pub ended: Option<&'static str>,
    pub at_ms: Option<f64>,
}

/// The summary of a termination-lab run (the JSON of `canteen run
/// termination`): the foundation's fields, then the lab's.
#[derive(Clone, Debug, Serialize)]
pub struct LabReport {
    #[serde(flatten)]
    pub run: Report<StuckActor>,
    pub strategy: Strategy,
    pub broker_ack: bool,
    pub verdict: Verdict,
    /// Items processed at least once.
    pub processed: u64,
    /// Extra times items were processed (at-least-once delivery).
    pub duplicates: u64,
    /// Items got by a consumer that died or was stopped before finishing.
    pub lost: u64,
    /// Items a consumer is working on (a run stopped at its time limit).
    pub in_progress: u64,
    /// Items made but not put (a producer still waits in `put()`).
    pub not_put: u64,
    pub redelivered: u64,
    pub acked: u64,
    pub stale_acks: u64,
    pub sentinels_put: u64,
    pub sentinels_got: u64,
    /// Every item made has exactly one fate, matching the run's counters:
    /// processed + dropped + lost + in_queue + in_progress + not_put = produced.
    pub accounted: bool,
    /// When the last item was processed.
    pub last_item_ms: Option<f64>,
    /// When the last consumer stopped (`None`: some never stop).
    pub consumers_stopped_ms: Option<f64>,
    /// How long after the last item the consumers stopped.
    pub stop_lag_ms: Option<f64>,
    pub dropped_items: Vec<String>,
    pub lost_items: Vec<String>,
    pub queued_items: Vec<String>,
    pub in_progress_items: Vec<String>,
    pub duplicated_items: Vec<String>,
    pub consumers: Vec<ConsumerStop>,
    /// Why it ended as it did, as sentences.
    pub diagnosis: Vec<String>,
}

/// One strategy's line in the comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub strategy: Strategy,
    pub outcome: Outcome,
    pub verdict: Verdict,
    pub processed: u64,
    pub dropped: u64,
    pub lost: u64,
    pub duplicates: u64,
    /// Items neither processed, dropped nor lost: still queued, in a
    /// consumer's hands, or never put.
    pub left: u64,
    /// Actors that wait forever.
    pub stuck: usize,
    pub end_ms: f64,
    pub stop_lag_ms: Option<f64>,
}

/// Runs `config` (its scenario set to `termination`) once per strategy, with
/// the same settings, failures and seed, each to its end.
pub fn compare(config: &Config) -> Vec<Row> {
    Strategy::ALL
        .into_iter()
        .map(|strategy| {
            let mut config = config.clone();
            config.scenario = ScenarioKind::Termination;
            config.termination.strategy = strategy;
            let mut lab = Lab::new(config, |_| {});
            lab.run_mut().run_to_end();
            let ledger = lab.ledger();
            let tally = Tally::of(&ledger);
            let run = lab.run();
            Row {
                strategy,
                outcome: run.outcome(),
                verdict: Verdict::of(run.outcome(), &tally, run.config().total_items()),
                processed: tally.processed,
                dropped: tally.dropped,
                lost: tally.lost,
                duplicates: tally.duplicates,
                left: tally.in_queue + tally.in_progress + tally.not_put,
                stuck: run.stuck().len(),
                end_ms: nanos_to_ms(run.now()),
                stop_lag_ms: ledger.stop_lag().map(nanos_to_ms),
            }
        })
        .collect()
}

/// The comparison as a text table (the command line's `--compare`).
pub fn comparison_table(rows: &[Row], lang: Lang) -> String {
    let ms = |t: f64| format!("{t} ms", t = Fixed::<0>(t));
    let mut cells: Vec<Vec<String>> = vec![text::table_headings(lang).map(String::from).to_vec()];
    for r in rows {
        cells.push(vec![
            r.strategy.name().to_string(),
            text::verdict_short(r.verdict, lang).to_string(),
            r.processed.to_string(),
            r.dropped.to_string(),
            r.lost.to_string(),
            r.duplicates.to_string(),
            r.left.to_string(),
            r.stuck.to_string(),
            ms(r.end_ms),
            r.stop_lag_ms.map_or(text::never(lang).to_string(), ms),
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
