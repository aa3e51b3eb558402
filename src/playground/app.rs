//! The page's whole state and its one reducer: every user action, timer tick
//! and opened link is an [`Action`] applied by [`AppState::apply`]. The
//! browser layer only renders this state and dispatches actions, so the
//! page's behaviour is plain Rust, tested natively.

use std::cell::RefCell;
use std::rc::Rc;

use crate::lang::Lang;
use crate::scenario::{Config, ScenarioKind};
use crate::trace::Nanos;

use super::form::{DelayKind, Field, FieldError, Form};
use super::lab::LabForm;
use super::link::{self, LinkError};
use super::session::Session;

/// The seed a first visit starts with.
pub const DEFAULT_SEED: u64 = 42;

/// The scenario a first visit starts with.
pub const DEFAULT_SCENARIO: ScenarioKind = ScenarioKind::Hotdog;

/// Which part of a delay field is edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DelayPart {
    /// The value, the mean, or the lower bound.
    A,
    /// The upper bound of a uniform range.
    B,
}

/// Everything that can happen to the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A timer tick: this many wall-clock milliseconds passed.
    Tick(f64),
    TogglePlay,
    Step,
    RunToEnd,
    Reset,
    SetSpeed(f64),
    /// Show this moment of the run.
    Seek(Nanos),
    PickScenario(ScenarioKind),
    /// New text in a numeric field.
    Edit(Field, String),
    EditDelay(Field, DelayPart, String),
    SetDelayKind(Field, DelayKind),
    /// The "new random seed" button, with the seed it drew.
    NewSeed(u64),
    SetLang(Lang),
    ShowSection(Section),
    /// An edit in the termination lab's panel.
    EditLab(super::lab::LabEdit),
    /// A link's fragment was opened.
    OpenLink(String),
    DismissNotice,
}

/// What a key press landed on, for [`key_action`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyTarget {
    /// A field that takes typing (input, select, textarea, editable text).
    Field,
    /// A button or link, which space activates by itself.
    Button,
    /// Anything else.
    Page,
}

/// The shortcut for a key (`KeyboardEvent.key`): space = play/pause,
/// → = step, r = reset; none while typing in a field or with a modifier
/// held (so Ctrl+R still reloads).
pub fn key_action(key: &str, target: KeyTarget, modifier: bool) -> Option<Action> {
    if modifier || target == KeyTarget::Field {
        return None;
    }
    match key {
        " " | "Spacebar" if target == KeyTarget::Page => Some(Action::TogglePlay),
        "ArrowRight" => Some(Action::Step),
        "r" | "R" => Some(Action::Reset),
        _ => None,
    }
}

/// The page's parts; one is shown at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// The seed's producer–consumer cases and the termination lab.
    Playground,
    /// Peak shaving with a message queue.
    PeakShaving,
    /// The scraper: real fetches and a regex.
    Scraper,
}

/// The page's state.
#[derive(Clone)]
pub struct AppState {
    pub lang: Lang,
    /// The part of the page shown.
    pub section: Section,
    pub form: Form,
    /// The form's problems; while there are any, the run does not start.
    pub errors: Vec<FieldError>,
    /// The run of the last valid settings.
    pub session: Rc<RefCell<Session>>,
    /// A link that could not be read (the defaults are shown instead).
    pub notice: Option<LinkError>,
    /// The termination lab's fields.
    pub lab: LabForm,
    /// Bumped on every change, for cheap comparisons in the view.
    pub version: u64,
}

impl AppState {
    /// The page for a visitor whose browser prefers `lang`, opening
    /// `fragment` (the URL's `#…`, possibly empty).
    pub fn new(lang: Lang, fragment: &str) -> AppState {
        let config = Config::defaults(DEFAULT_SCENARIO, DEFAULT_SEED);
        let mut state = AppState {
            lang,
            section: Section::Playground,
            form: Form::from_config(&config),
            errors: Vec::new(),
            lab: LabForm::new(&config),
            session: Rc::new(RefCell::new(Session::new(config))),
            notice: None,
            version: 0,
        };
        state.apply(Action::OpenLink(fragment.to_string()));
        state
    }

    /// Whether the settings are valid (so the run may start).
    pub fn ready(&self) -> bool {
        self.errors.is_empty()
    }

    /// The problem of a field, if it has one.
    pub fn error(&self, field: Field) -> Option<&FieldError> {
        self.errors.iter().find(|e| e.field == field)
    }

    /// The fragment of the link that reproduces this run, while the
    /// settings are valid.
    pub fn fragment(&self) -> Option<String> {
        let session = self.session.borrow();
        self.ready()
            .then(|| link::to_fragment(session.config(), session.speed(), self.lang))
    }

    /// Applies an action; false when nothing changed.
    pub fn apply(&mut self, action: Action) -> bool {
        let changed = self.apply_inner(action);
        if changed {
            self.version += 1;
        }
        changed
    }

    fn apply_inner(&mut self, action: Action) -> bool {
        let ready = self.ready();
        let mut session = self.session.borrow_mut();
        match action {
            Action::Tick(real_ms) => {
                if !session.is_playing() {
                    return false;
                }
                session.tick(real_ms);
            }
            Action::TogglePlay if ready => {
                if session.is_playing() {
                    session.pause();
                } else {
                    session.play();
                }
            }
            Action::Step if ready => {
                session.step();
            }
            Action::RunToEnd if ready => {
                session.run_to_end();
            }
            Action::Seek(t) if ready => session.seek(t),
            Action::TogglePlay | Action::Step | Action::RunToEnd | Action::Seek(_) => return false,
            Action::Reset => session.reset(),
            Action::EditLab(edit) => {
                let settings = self.lab.edit(session.config(), &edit);
                if let Some(settings) = settings {
                    super::lab::set(&mut session, settings);
                }
            }
            Action::SetSpeed(speed) => {
                if session.set_speed(speed).is_err() {
                    return false;
                }
            }
            Action::SetLang(lang) => {
                if self.lang == lang {
                    return false;
                }
                self.lang = lang;
            }
            Action::ShowSection(section) => {
                if self.section == section {
                    return false;
                }
                self.section = section;
            }
            Action::DismissNotice => {
                if self.notice.take().is_none() {
                    return false;
                }
            }
            Action::OpenLink(fragment) => {
                drop(session);
                return self.open_link(&fragment);
            }
            Action::PickScenario(kind) => {
                let seed = session.config().seed;
                drop(session);
                let mut form = Form::from_config(&Config::defaults(kind, seed));
                form.seed = self.form.seed.clone();
                return self.set_form(form);
            }
            Action::NewSeed(seed) => {
                drop(session);
                let mut form = self.form.clone();
                form.seed = seed.to_string();
                return self.set_form(form);
            }
            Action::Edit(field, text) => {
                drop(session);
                let mut form = self.form.clone();
                match field {
                    Field::Seed => form.seed = text,
                    Field::Producers => form.producers = text,
                    Field::Consumers => form.consumers = text,
                    Field::Items => form.items = text,
                    Field::Capacity => form.capacity = text,
                    Field::ProduceDelay | Field::ConsumeDelay => return false,
                }
                return self.set_form(form);
            }
            Action::EditDelay(field, part, text) => {
                drop(session);
                let mut form = self.form.clone();
                let Some(delay) = form.delay_mut(field) else {
                    return false;
                };
                match part {
                    DelayPart::A => delay.a = text,
                    DelayPart::B => delay.b = text,
                }
                return self.set_form(form);
            }
            Action::SetDelayKind(field, kind) => {
                drop(session);
                let mut form = self.form.clone();
                let Some(delay) = form.delay_mut(field) else {
                    return false;
                };
                delay.kind = kind;
                return self.set_form(form);
            }
        }
        true
    }

    /// Takes new form text: a valid form whose config differs resets the
    /// run to it; an invalid one keeps the old run, paused, and lists the
    /// problems.
    fn set_form(&mut self, form: Form) -> bool {
        if form == self.form {
            return false;
        }
        match form.read() {
            Ok(config) => {
                self.errors.clear();
                let mut session = self.session.borrow_mut();
                let config = super::lab::carry(session.config(), config);
                if *session.config() != config {
                    let speed = session.speed();
                    *session = Session::new(config);
                    // The speed was valid for the old session, so it is now.
                    let _ = session.set_speed(speed);
                }
            }
            Err(errors) => {
                self.errors = errors;
                self.session.borrow_mut().pause();
            }
        }
        self.form = form;
        true
    }

    fn open_link(&mut self, fragment: &str) -> bool {
        let (config, lang, speed) = match link::parse(fragment) {
            Ok(None) => return false,
            Ok(Some(link)) => {
                self.notice = None;
                (link.config, link.lang, link.speed)
            }
            Err(error) => {
                self.notice = Some(error);
                let defaults = Config::defaults(DEFAULT_SCENARIO, DEFAULT_SEED);
                (defaults, None, None)
            }
        };
        if let Some(lang) = lang {
            self.lang = lang;
        }
        let mut session = Session::new(config.clone());
        let speed = speed.unwrap_or(self.session.borrow().speed());
        let _ = session.set_speed(speed);
        self.session = Rc::new(RefCell::new(session));
        self.form = Form::from_config(&config);
        self.errors.clear();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::Outcome;

    fn fresh() -> AppState {
        AppState::new(Lang::En, "")
    }

    #[test]
    fn a_first_visit_shows_the_hotdog_defaults_paused() {
        let state = fresh();
        let session = state.session.borrow();
        assert_eq!(
            *session.config(),
            Config::defaults(ScenarioKind::Hotdog, DEFAULT_SEED)
        );
        assert!(!session.is_playing());
        assert!(state.notice.is_none());
        assert!(state.fragment().unwrap().starts_with("s=hotdog&seed=42&"));
    }

    #[test]
    fn a_bad_value_blocks_the_run_until_it_is_fixed_and_the_fix_resets_the_run() {
        let mut state = fresh();
        state.apply(Action::Step);
        assert!(state.session.borrow().derived().log.total() > 0);
        assert!(state.apply(Action::Edit(Field::Producers, "0".into())));
        assert!(!state.ready());
        assert_eq!(
            state.error(Field::Producers).unwrap().field,
            Field::Producers
        );
        assert_eq!(
            state.fragment(),
            None,
            "no link for a run that cannot start"
        );
        let version = state.version;
        assert!(!state.apply(Action::TogglePlay));
        assert!(!state.apply(Action::RunToEnd));
        assert_eq!(state.version, version);
        assert!(!state.session.borrow().is_playing());
        state.apply(Action::Edit(Field::Producers, "3".into()));
        assert!(state.ready());
        let session = state.session.borrow();
        assert_eq!(session.config().producers, 3);
        assert_eq!(session.run().now(), 0, "a changed setting resets the run");
    }

    #[test]
    fn picking_a_scenario_loads_its_defaults_and_keeps_the_seed() {
        let mut state = fresh();
        state.apply(Action::NewSeed(777));
        state.apply(Action::PickScenario(ScenarioKind::Plain));
        let config = state.session.borrow().config().clone();
        assert_eq!(config, Config::defaults(ScenarioKind::Plain, 777));
        state.apply(Action::RunToEnd);
        assert_eq!(state.session.borrow().run().outcome(), Outcome::Stuck);
    }

    #[test]
    fn delay_edits_read_into_the_config() {
        let mut state = fresh();
        state.apply(Action::SetDelayKind(Field::ConsumeDelay, DelayKind::Exp));
        state.apply(Action::EditDelay(
            Field::ConsumeDelay,
            DelayPart::A,
            "300ms".into(),
        ));
        assert_eq!(
            state.session.borrow().config().consume_delay.to_string(),
            "exp:300ms"
        );
        state.apply(Action::SetDelayKind(
            Field::ProduceDelay,
            DelayKind::Uniform,
        ));
        state.apply(Action::EditDelay(
            Field::ProduceDelay,
            DelayPart::B,
            "1ms".into(),
        ));
        state.apply(Action::EditDelay(
            Field::ProduceDelay,
            DelayPart::A,
            "5ms".into(),
        ));
        assert_eq!(
            state.error(Field::ProduceDelay).map(|e| e.field),
            Some(Field::ProduceDelay)
        );
    }

    #[test]
    fn a_shared_link_reproduces_the_run() {
        let mut first = fresh();
        first.apply(Action::PickScenario(ScenarioKind::Custom));
        first.apply(Action::Edit(Field::Consumers, "2".into()));
        first.apply(Action::NewSeed(9));
        first.apply(Action::SetSpeed(50.0));
        first.apply(Action::SetLang(Lang::Zh));
        first.apply(Action::RunToEnd);
        let fragment = first.fragment().unwrap();
        let opened = AppState::new(Lang::En, &format!("#{fragment}"));
        assert_eq!(opened.lang, Lang::Zh);
        assert_eq!(opened.form, first.form);
        let mut opened_session = opened.session.borrow_mut();
        assert_eq!(opened_session.speed(), 50.0);
        opened_session.run_to_end();
        assert_eq!(*opened_session.derived(), *first.session.borrow().derived());
    }

    #[test]
    fn a_malformed_link_shows_a_notice_and_the_defaults() {
        let state = AppState::new(Lang::En, "#s=hotdog&p=lots");
        assert!(matches!(
            state.notice,
            Some(LinkError::Setting { key: "p", .. })
        ));
        assert_eq!(
            *state.session.borrow().config(),
            Config::defaults(DEFAULT_SCENARIO, DEFAULT_SEED)
        );
        assert!(state.ready());
        let mut state = state;
        assert!(state.apply(Action::DismissNotice));
        assert!(state.notice.is_none());
    }

    #[test]
    fn the_page_opens_on_the_playground_and_shows_one_part_at_a_time() {
        let mut state = AppState::new(Lang::En, "");
        assert_eq!(state.section, Section::Playground);
        let version = state.version;
        assert!(state.apply(Action::ShowSection(Section::Scraper)));
        assert_eq!(state.section, Section::Scraper);
        assert!(state.version > version);
        assert!(
            !state.apply(Action::ShowSection(Section::Scraper)),
            "already shown"
        );
    }

    #[test]
    fn shortcuts_stay_out_of_fields_and_away_from_modifiers() {
        assert_eq!(
            key_action(" ", KeyTarget::Page, false),
            Some(Action::TogglePlay)
        );
        assert_eq!(
            key_action("ArrowRight", KeyTarget::Button, false),
            Some(Action::Step)
        );
        assert_eq!(key_action("r", KeyTarget::Page, false), Some(Action::Reset));
        assert_eq!(
            key_action(" ", KeyTarget::Button, false),
            None,
            "the button clicks itself"
        );
        assert_eq!(
            key_action("r", KeyTarget::Field, false),
            None,
            "typing an r"
        );
        assert_eq!(key_action("ArrowRight", KeyTarget::Field, false), None);
        assert_eq!(
            key_action("r", KeyTarget::Page, true),
            None,
            "Ctrl+R reloads"
        );
        assert_eq!(key_action("x", KeyTarget::Page, false), None);
    }

    #[test]
    fn ticks_only_count_while_playing() {
        let mut state = fresh();
        assert!(!state.apply(Action::Tick(16.0)));
        state.apply(Action::TogglePlay);
        assert!(state.apply(Action::Tick(16.0)));
        assert_eq!(state.session.borrow().run().now(), 16_000_000);
        assert!(!state.apply(Action::SetSpeed(0.1)), "out of range: refused");
    }
}
