//! The termination lab's panel, free of the browser: its edits (strategy,
//! the two classic mistakes, the kill control, broker acknowledgements
//! with their visibility timeout and delivery limit),
//! how they become the run's [`Settings`], how they follow a change of the
//! other settings, and what the panel shows for the current settings — this
//! run's outcome, the joinable queue and broker acknowledgements side by
//! side, and every strategy compared ([`outcomes`]: run in the page's
//! worker, kept in the page's state as facts).

use std::time::Duration;

use crate::delay::DurationText;
use crate::scenario::ending::{
    Kill, KillWhen, Settings, Strategy, DEFAULT_MAX_DELIVERIES, MAX_DELIVERIES,
};
use crate::scenario::{Config, ScenarioKind};
use crate::termination::report::{compare, Lab, LabReport};

pub use super::outcomes::{ItemFate, Outcomes, Summary};

use super::form::{read_duration, read_in_range, Problem};
use super::session::Session;

/// Above this many items the panel does not run the comparison (nine runs
/// to the end on every change would keep the page's worker, and with the
/// feature `page-engine` the page, busy); the command line does.
/// With broker acknowledgements each item may be delivered up to the
/// delivery limit, so the limit counts deliveries: this many items at the
/// default limit, fewer at a higher one.
pub const MAX_COMPARED_ITEMS: u64 = 5_000;

/// The kill time the kill control starts with.
pub const DEFAULT_KILL_AT: Duration = Duration::from_secs(1);

/// One edit in the panel.
#[derive(Clone, Debug, PartialEq)]
pub enum LabEdit {
    Strategy(Strategy),
    /// "Forget one task_done()": the middle item's is forgotten.
    ForgetTaskDone(bool),
    /// "One task_done() too many": after the last item, so the error shows.
    ExtraTaskDone(bool),
    /// Kill this consumer (1-based) at this time (as typed), or nobody.
    Kill {
        consumer: Option<u32>,
        at: String,
    },
    BrokerAck(bool),
    /// The visibility timeout, as typed.
    VisibilityTimeout(String),
    /// The most deliveries of an item before it is dead-lettered, as typed.
    MaxDeliveries(String),
}

/// What the panel's fields hold: the times as typed (valid or not) and the
/// problem with one of them. The settings in force live in the session's
/// config; a field shows its typed text while that text is what is in force
/// or has a problem (see [`shown`]).
#[derive(Clone, Debug, PartialEq)]
pub struct LabForm {
    pub kill_at: String,
    pub visibility: String,
    pub max_deliveries: String,
    pub problem: Option<(LabField, Problem)>,
}

impl LabForm {
    pub fn new(config: &Config) -> LabForm {
        LabForm {
            kill_at: DurationText(DEFAULT_KILL_AT).to_string(),
            visibility: DurationText(config.termination.visibility_timeout).to_string(),
            max_deliveries: config.termination.max_deliveries.to_string(),
            problem: None,
        }
    }

    /// Takes `edit` in: keeps what was typed, then either the settings the
    /// session should switch to (`None` when they are unchanged) or the
    /// problem, kept here for the field.
    pub fn edit(&mut self, config: &Config, edit: &LabEdit) -> Option<Settings> {
        match edit {
            LabEdit::Kill { at, .. } => self.kill_at.clone_from(at),
            LabEdit::VisibilityTimeout(text) => self.visibility.clone_from(text),
            LabEdit::MaxDeliveries(text) => self.max_deliveries.clone_from(text),
            _ => {}
        }
        match apply(config, edit) {
            Ok(settings) => {
                self.problem = None;
                settings
            }
            Err(problem) => {
                self.problem = Some(problem);
                None
            }
        }
    }

    /// The problem of `field`, if it has one.
    pub fn problem(&self, field: LabField) -> Option<&Problem> {
        self.problem
            .as_ref()
            .filter(|(f, _)| *f == field)
            .map(|(_, p)| p)
    }
}

/// A field of the panel that can hold a bad value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabField {
    /// The kill time.
    Kill,
    VisibilityTimeout,
    MaxDeliveries,
}

/// The item whose `task_done()` the "forget" button leaves out: the middle
/// one, so some work is still going on around it.
pub fn forgotten_item(config: &Config) -> u64 {
    config.total_items().div_ceil(2).max(1)
}

/// The item after which the "too many" button calls `task_done()` again:
/// the last one, when the count is already 0, so `ValueError` shows.
pub fn extra_item(config: &Config) -> u64 {
    config.total_items().max(1)
}

/// Applies an edit to the run's config: the new lab settings, or the
/// problem of the field that was typed into. `Ok(None)`: nothing changes.
pub fn apply(config: &Config, edit: &LabEdit) -> Result<Option<Settings>, (LabField, Problem)> {
    let mut s = config.termination;
    match edit {
        LabEdit::Strategy(strategy) => s.strategy = *strategy,
        LabEdit::ForgetTaskDone(on) => s.forget_task_done = on.then(|| forgotten_item(config)),
        LabEdit::ExtraTaskDone(on) => s.extra_task_done = on.then(|| extra_item(config)),
        // Nobody to kill: the time is not used, whatever it says.
        LabEdit::Kill { consumer: None, .. } => s.kill = None,
        LabEdit::Kill {
            consumer: Some(consumer),
            at,
        } => {
            let at = read_duration(at).map_err(|p| (LabField::Kill, p))?;
            s.kill = Some(Kill {
                consumer: *consumer,
                when: KillWhen::At(at),
            });
        }
        LabEdit::BrokerAck(on) => s.broker_ack = *on,
        LabEdit::VisibilityTimeout(text) => {
            // A zero timeout is refused by the config's check, below.
            s.visibility_timeout =
                read_duration(text).map_err(|p| (LabField::VisibilityTimeout, p))?;
        }
        LabEdit::MaxDeliveries(text) => {
            let n = read_in_range(text, 1, MAX_DELIVERIES.into())
                .map_err(|p| (LabField::MaxDeliveries, p))?;
            // In range, so it fits.
            s.max_deliveries = n as u32;
        }
    }
    let mut next = config.clone();
    next.termination = s;
    match next.validate() {
        Ok(()) if s != config.termination => Ok(Some(s)),
        Ok(()) => Ok(None),
        Err(problem) => {
            let field = match problem.field() {
                "visibility-timeout" => LabField::VisibilityTimeout,
                "max-deliveries" => LabField::MaxDeliveries,
                _ => LabField::Kill,
            };
            Err((field, Problem::Config(problem)))
        }
    }
}

/// Puts new lab settings (from [`apply`]) into the session: the run
/// starts again with them, at the same speed. False when nothing changed or
/// the settings do not fit the run.
pub fn set(session: &mut Session, settings: Settings) -> bool {
    let mut config = session.config().clone();
    if config.scenario != ScenarioKind::Termination || config.termination == settings {
        return false;
    }
    config.termination = settings;
    if config.validate().is_err() {
        return false;
    }
    *session = session.renew(config);
    true
}

/// The lab settings of `old` carried over to `new` (other settings
/// changed): the buttons keep their meaning (the middle and the last item
/// of the new run), and a kill of a consumer that no longer exists is
/// dropped — the panel shows it unticked.
pub fn carry(old: &Config, mut new: Config) -> Config {
    if old.scenario != ScenarioKind::Termination || new.scenario != ScenarioKind::Termination {
        return new;
    }
    let mut s = old.termination;
    s.forget_task_done = s.forget_task_done.map(|_| forgotten_item(&new));
    s.extra_task_done = s.extra_task_done.map(|_| extra_item(&new));
    s.kill = s.kill.filter(|k| k.consumer <= new.consumers);
    new.termination = s;
    new
}

/// The text a duration field shows: what was typed while it reads as the
/// value in force (so typing is never rewritten), else that value.
pub fn shown(typed: &str, in_force: Duration) -> String {
    if read_duration(typed) == Ok(in_force) {
        typed.to_string()
    } else {
        DurationText(in_force).to_string()
    }
}

/// The text a whole-number field shows: what was typed while it reads as
/// the value in force, else that value.
pub fn shown_number(typed: &str, in_force: u32) -> String {
    if typed.trim().parse() == Ok(in_force) {
        typed.to_string()
    } else {
        in_force.to_string()
    }
}

/// Runs `config` to its end with the lab's books: its report and where
/// each item went.
pub fn report_of(config: &Config) -> (LabReport, Vec<ItemFate>) {
    let mut lab = Lab::new(config.clone(), |_| {});
    lab.run_mut().run_to_end();
    let items = lab
        .ledger()
        .items()
        .map(|(item, record)| ItemFate {
            item,
            fate: record.fate(),
            times: record.processed,
        })
        .collect();
    (lab.report(), items)
}

/// The panel's results for `config` (a valid `termination` config), or
/// `None` when it has too many items to run them all on the page.
pub fn outcomes(config: &Config) -> Option<Outcomes> {
    if too_big(config) {
        return None;
    }
    let with_broker = |on: bool| {
        let mut c = config.clone();
        c.termination.broker_ack = on;
        report_of(&c)
    };
    let (joinable, broker) = (with_broker(false), with_broker(true));
    let (this_run, items) = if config.termination.broker_ack {
        broker.clone()
    } else {
        joinable.clone()
    };
    Some(Outcomes {
        this_run: Summary::from(&this_run),
        items,
        joinable: Summary::from(&joinable.0),
        broker: Summary::from(&broker.0),
        rows: compare(config),
    })
}

/// Whether `config` has too many items (deliveries) for the panel to run
/// its results ([`MAX_COMPARED_ITEMS`]).
pub fn too_big(config: &Config) -> bool {
    // The broker run is always made, so its deliveries always count.
    let deliveries = config.total_items() * u64::from(config.termination.max_deliveries);
    deliveries > MAX_COMPARED_ITEMS * u64::from(DEFAULT_MAX_DELIVERIES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delay::DurationProblem;
    use crate::lang::Lang;
    use crate::scenario::ConfigProblem;
    use crate::termination::ledger::Fate;
    use crate::termination::report::Verdict;

    fn lab() -> Config {
        Config::defaults(ScenarioKind::Termination, 42)
    }

    fn edited(config: &Config, edit: LabEdit) -> Config {
        let mut next = config.clone();
        next.termination = apply(config, &edit).unwrap().unwrap();
        next
    }

    #[test]
    fn the_buttons_forget_the_middle_items_call_and_repeat_the_last_ones() {
        let c = edited(&lab(), LabEdit::ForgetTaskDone(true));
        assert_eq!(c.termination.forget_task_done, Some(5));
        let c = edited(&c, LabEdit::ExtraTaskDone(true));
        assert_eq!(c.termination.extra_task_done, Some(10));
        let c = edited(&c, LabEdit::ForgetTaskDone(false));
        assert_eq!(c.termination.forget_task_done, None);
        assert_eq!(
            apply(&c, &LabEdit::ExtraTaskDone(true)),
            Ok(None),
            "no change"
        );
    }

    fn kill(consumer: Option<u32>, at: &str) -> LabEdit {
        LabEdit::Kill {
            consumer,
            at: at.into(),
        }
    }

    #[test]
    fn the_kill_control_reports_a_bad_time_at_its_field() {
        let c = edited(&lab(), kill(Some(2), "1s"));
        assert_eq!(
            c.termination.kill,
            Some(Kill {
                consumer: 2,
                when: KillWhen::At(DEFAULT_KILL_AT)
            })
        );
        let c = edited(&c, kill(Some(1), "250ms"));
        assert_eq!(
            c.termination.kill.unwrap().when,
            KillWhen::At(Duration::from_millis(250))
        );
        assert_eq!(
            apply(&c, &kill(Some(1), "soon")),
            Err((
                LabField::Kill,
                Problem::Duration(DurationProblem::NoUnit, "soon".into())
            ))
        );
        assert_eq!(
            apply(&c, &kill(Some(3), "1s")).unwrap_err().0,
            LabField::Kill
        );
        let c = edited(&c, kill(None, "soon"));
        assert_eq!(c.termination.kill, None, "no time needed to kill nobody");
    }

    #[test]
    fn the_form_keeps_what_was_typed_and_the_problem_until_it_is_fixed() {
        let config = lab();
        let mut form = LabForm::new(&config);
        assert_eq!(
            (form.kill_at.as_str(), form.visibility.as_str()),
            ("1s", "1500ms")
        );
        assert_eq!(form.edit(&config, &kill(Some(2), "soon")), None);
        assert_eq!(form.kill_at, "soon");
        assert!(form.problem(LabField::Kill).is_some());
        assert_eq!(form.problem(LabField::VisibilityTimeout), None);
        let settings = form.edit(&config, &kill(Some(2), "300ms")).unwrap();
        assert_eq!(form.kill_at, "300ms");
        assert_eq!(form.problem, None);
        assert_eq!(
            settings.kill.unwrap().when,
            KillWhen::At(Duration::from_millis(300))
        );
        // Nothing to change: no settings, no problem.
        assert_eq!(
            form.edit(&config, &LabEdit::Strategy(config.termination.strategy)),
            None
        );
        assert_eq!(form.problem, None);
    }

    #[test]
    fn the_visibility_timeout_must_be_positive() {
        let c = edited(&lab(), LabEdit::BrokerAck(true));
        let c = edited(&c, LabEdit::VisibilityTimeout("700ms".into()));
        assert_eq!(c.termination.visibility_timeout, Duration::from_millis(700));
        assert_eq!(
            apply(&c, &LabEdit::VisibilityTimeout("0ms".into())),
            Err((
                LabField::VisibilityTimeout,
                Problem::Config(ConfigProblem::Zero {
                    field: "visibility-timeout"
                })
            ))
        );
    }

    #[test]
    fn the_delivery_limit_is_a_whole_number_from_1_to_100_with_broker_acks() {
        let field = LabField::MaxDeliveries;
        let c = edited(&lab(), LabEdit::BrokerAck(true));
        let c = edited(&c, LabEdit::MaxDeliveries(" 3 ".into()));
        assert_eq!(c.termination.max_deliveries, 3);
        for (text, problem) in [
            (
                "0",
                Problem::OutOfRange {
                    value: "0".into(),
                    lo: 1,
                    hi: 100,
                },
            ),
            (
                "101",
                Problem::OutOfRange {
                    value: "101".into(),
                    lo: 1,
                    hi: 100,
                },
            ),
            (
                "99999999999",
                Problem::OutOfRange {
                    value: "99999999999".into(),
                    lo: 1,
                    hi: 100,
                },
            ),
            ("2.5", Problem::NotWholeNumber("2.5".into())),
            ("", Problem::Empty),
        ] {
            assert_eq!(
                apply(&c, &LabEdit::MaxDeliveries(text.into())),
                Err((field, problem))
            );
        }
        // Without broker acks the limit means nothing: refused at its field.
        let off = edited(&c, LabEdit::MaxDeliveries("5".into()));
        let off = edited(&off, LabEdit::BrokerAck(false));
        assert_eq!(
            apply(&off, &LabEdit::MaxDeliveries("4".into())),
            Err((
                field,
                Problem::Config(ConfigProblem::NeedsBrokerAck {
                    field: "max-deliveries"
                })
            ))
        );
        let mut form = LabForm::new(&c);
        assert_eq!(form.max_deliveries, "3");
        assert_eq!(form.edit(&c, &LabEdit::MaxDeliveries("x".into())), None);
        assert_eq!(form.max_deliveries, "x");
        assert!(form.problem(field).is_some());
        assert_eq!(shown_number("03", 3), "03");
        assert_eq!(shown_number("4", 3), "3");
    }

    #[test]
    fn a_higher_delivery_limit_lowers_the_items_the_page_compares() {
        let mut c = edited(&lab(), LabEdit::BrokerAck(true));
        // Two producers: at the default limit, up to 5000 items as before.
        c.items = 2_501;
        assert!(outcomes(&c).is_none());
        c.items = 25;
        c.termination.max_deliveries = 100;
        assert!(outcomes(&c).is_some(), "5000 deliveries are within reach");
        c.items = 126;
        assert!(outcomes(&c).is_none(), "25 200 are not");
    }

    #[test]
    fn lab_settings_follow_a_change_of_the_other_settings() {
        let mut old = edited(&lab(), LabEdit::ForgetTaskDone(true));
        old = edited(&old, kill(Some(2), "1s"));
        old = edited(&old, LabEdit::Strategy(Strategy::Sentinel));
        let mut new = old.clone();
        new.items = 9;
        new.termination = Settings::default();
        let carried = carry(&old, new.clone());
        assert_eq!(carried.termination.strategy, Strategy::Sentinel);
        assert_eq!(carried.termination.forget_task_done, Some(9));
        new.consumers = 1;
        assert_eq!(carry(&old, new).termination.kill, None);
        let hotdog = Config::defaults(ScenarioKind::Hotdog, 42);
        assert_eq!(carry(&old, hotdog.clone()), hotdog);
    }

    #[test]
    fn new_settings_restart_the_run_at_the_same_speed() {
        let mut session = Session::new(lab());
        session.set_speed(4.0).unwrap();
        session.run_to_end();
        let settings = edited(&lab(), LabEdit::Strategy(Strategy::Daemon)).termination;
        assert!(set(&mut session, settings));
        assert_eq!((session.moment().now, session.speed()), (0, 4.0));
        assert_eq!(session.config().strategy(), Strategy::Daemon);
        assert!(!set(&mut session, settings), "unchanged");
        let mut hotdog = Session::new(Config::defaults(ScenarioKind::Hotdog, 1));
        assert!(!set(&mut hotdog, settings), "only the lab has them");
    }

    #[test]
    fn the_lab_settings_travel_in_the_link() {
        use crate::playground::link;
        let mut c = edited(&lab(), LabEdit::Strategy(Strategy::Shutdown));
        c = edited(&c, kill(Some(2), "750ms"));
        c = edited(&c, LabEdit::BrokerAck(true));
        c = edited(&c, LabEdit::VisibilityTimeout("2s".into()));
        c = edited(&c, LabEdit::ExtraTaskDone(true));
        let fragment = link::to_fragment(&c, 1.0, Lang::En);
        assert!(
            fragment.ends_with("&st=shutdown&extra=10&kill=2@750ms&ack=2s"),
            "{fragment}"
        );
        assert_eq!(link::parse(&fragment).unwrap().unwrap().config, c);
        c = edited(&c, LabEdit::MaxDeliveries("2".into()));
        let fragment = link::to_fragment(&c, 1.0, Lang::En);
        assert!(fragment.ends_with("&ack=2s&deliveries=2"), "{fragment}");
        assert_eq!(link::parse(&fragment).unwrap().unwrap().config, c);
        c.termination.kill = Some(Kill {
            consumer: 1,
            when: KillWhen::Chance(0.25),
        });
        let fragment = link::to_fragment(&c, 1.0, Lang::En);
        assert_eq!(link::parse(&fragment).unwrap().unwrap().config, c);
        let hotdog = Config::defaults(ScenarioKind::Hotdog, 1);
        assert!(!link::to_fragment(&hotdog, 1.0, Lang::En).contains("st="));
        for (bad, key) in [
            ("s=termination&st=poison", "st"),
            ("s=termination&kill=3@1s", "kill"),
            ("s=termination&kill=2", "kill"),
            ("s=termination&kill=1@soon", "kill"),
            ("s=termination&forget=x", "forget"),
            ("s=termination&ack=0ms", "ack"),
            ("s=termination&deliveries=3", "deliveries"),
            ("s=termination&ack=1s&deliveries=0", "deliveries"),
            ("s=termination&ack=1s&deliveries=x", "deliveries"),
            ("s=termination&ack=1s&deliveries=99999999999", "deliveries"),
            ("s=hotdog&st=daemon", "st"),
        ] {
            match link::parse(bad) {
                Err(link::LinkError::Setting { key: k, .. }) => assert_eq!(k, key, "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_typed_duration_is_kept_while_it_means_the_value_in_force() {
        assert_eq!(shown("1.5s", Duration::from_millis(1500)), "1.5s");
        assert_eq!(shown("2s", Duration::from_millis(1500)), "1500ms");
        assert_eq!(shown("", Duration::from_secs(1)), "1s");
    }

    #[test]
    fn outcomes_show_the_kill_with_and_without_broker_acks() {
        let c = edited(&lab(), kill(Some(2), "1s"));
        let o = outcomes(&c).unwrap();
        assert_eq!(o.joinable.verdict, Verdict::Stuck);
        assert_eq!(o.broker.verdict, Verdict::AllProcessed);
        assert_eq!(o.this_run.verdict, Verdict::Stuck);
        let lost: Vec<_> = o.items.iter().filter(|i| i.fate == Fate::Lost).collect();
        assert_eq!(lost.len(), 1);
        assert_eq!(o.items.len(), 10);
        assert_eq!(o.rows.len(), 7);
        let mut big = lab();
        big.items = 3000;
        assert!(outcomes(&big).is_none());
    }
}
