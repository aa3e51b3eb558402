//! The page's whole state and its one reducer: every user action, timer tick
//! and opened link is an [`Action`] applied by [`AppState::apply`]. The
//! browser layer only renders this state and dispatches actions, so the
//! page's behaviour is plain Rust, tested natively.
//!
//! The state is a value: the reducer applies an action to a copy, and the
//! state it copied still shows exactly what it showed. Each part of the page
//! keeps its runs here, above the views, so switching parts or languages
//! loses nothing and re-runs nothing (no run depends on the language).

use std::rc::Rc;

use crate::lang::Lang;
use crate::scenario::{Config, ScenarioKind};
use crate::scraper::fetch::Fetcher;
use crate::trace::Nanos;

use super::form::{DelayKind, Field, FieldError, Form};
use super::lab::{LabForm, Outcomes};
use super::lessons::{LessonAction, LessonsState};
use super::link::{self, LinkError};
use super::peak::{PeakAction, PeakState};
use super::scraper::{ScraperAction, ScraperForm, ScraperState};
use super::session::{next_id, Command, Reply, Session};
use super::stage::Summary;
use crate::lessons::LessonId;

/// The seed a first visit starts with (and a link without one).
pub use super::link::DEFAULT_SEED;

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
    /// Back to the moment before the last event shown.
    StepBack,
    RunToEnd,
    Reset,
    SetSpeed(f64),
    /// The next speed of [`SPEEDS`] up (true) or down.
    ChangeSpeed(bool),
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
    /// An action of the peak-shaving part.
    Peak(PeakAction),
    /// An action of the scraper part.
    Scraper(ScraperAction),
    /// An action of the lessons.
    Lesson(LessonAction),
    /// A report of the playground's engine away (in the worker).
    Engine(Reply),
    /// Call off the move the engine away is making (a long run to the end).
    Cancel,
    /// The engine away is lost (the worker failed): run here from now on.
    EngineLost,
    /// The page watches live run `id` of the session's settings
    /// (`canteen live --serve`): the engine away answers its lines.
    Live(u64),
    /// The simulation's prediction for the live run watched.
    LivePrediction(super::live::Prediction),
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

/// The speeds offered.
pub const SPEEDS: [f64; 12] = [
    0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0,
];

/// The shortcut for a key (`KeyboardEvent.key`): space = play/pause,
/// → = step, ← = step back, - / + = slower / faster, r = reset; none while
/// typing in a field or with a modifier held (so Ctrl+R still reloads).
pub fn key_action(key: &str, target: KeyTarget, modifier: bool) -> Option<Action> {
    if modifier || target == KeyTarget::Field {
        return None;
    }
    match key {
        " " | "Spacebar" if target == KeyTarget::Page => Some(Action::TogglePlay),
        "ArrowRight" => Some(Action::Step),
        "ArrowLeft" => Some(Action::StepBack),
        "r" | "R" => Some(Action::Reset),
        "-" => Some(Action::ChangeSpeed(false)),
        "+" | "=" => Some(Action::ChangeSpeed(true)),
        _ => None,
    }
}

/// The page's parts; one is shown at a time (a link names it).
pub use super::link::Section;

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
    pub session: Session,
    /// The parts of the last link opened that could not be read (the rest
    /// of it was opened).
    pub notice: Vec<LinkError>,
    /// The termination lab's fields.
    pub lab: LabForm,
    /// The lab's results for the session's config, while it is the lab's.
    pub lab_results: Option<LabResults>,
    /// Peak shaving, made when its part is first shown (its first run
    /// takes a moment).
    pub peak: Option<PeakState>,
    /// The scraper, its runs and its recording.
    pub scraper: ScraperState,
    /// The lessons: the one open and the progress.
    pub lessons: LessonsState,
    /// The Python program of the session's settings, written away.
    pub python: PythonText,
    /// The playground's engine away was lost (its worker failed); with the
    /// `page-engine` feature it runs here since.
    pub engine_lost: bool,
    /// The stage's text equivalent as last announced ([`AppState::announce`]).
    pub announced: Option<Announced>,
    /// The live run watched (`canteen live --serve`): its id and settings.
    pub live: Option<(u64, Rc<Config>)>,
    /// The simulation's prediction for it, once told.
    pub live_prediction: Option<super::live::Prediction>,
}

/// The stage's summary as announced, and the moment (virtual time) it is of.
#[derive(Clone, Debug, PartialEq)]
pub struct Announced {
    pub at: Nanos,
    pub summary: Rc<Summary>,
}

/// While a run plays, the stage is announced at most once per this many
/// seconds of real time: this times the speed in the run's virtual time.
pub const ANNOUNCE_EVERY_S: f64 = 3.0;

impl AppState {
    /// The page for a visitor whose browser prefers `lang`, opening
    /// `fragment` (the URL's `#…`, possibly empty); the scraper fetches
    /// with `fetcher`.
    pub fn new(lang: Lang, fragment: &str, fetcher: Rc<dyn Fetcher>) -> AppState {
        let config = Config::defaults(DEFAULT_SCENARIO, DEFAULT_SEED);
        let mut state = AppState {
            lang,
            section: Section::Playground,
            form: Form::from_config(&config),
            errors: Vec::new(),
            lab: LabForm::new(&config),
            lab_results: None,
            session: Session::new(config.clone()),
            notice: Vec::new(),
            peak: None,
            scraper: ScraperState::new(fetcher, DEFAULT_SEED),
            lessons: LessonsState::default(),
            python: PythonText::ask(&Rc::new(config.clone()), lang),
            engine_lost: false,
            announced: None,
            live: None,
            live_prediction: None,
        };
        state.apply(Action::OpenLink(fragment.to_string()));
        state
    }

    /// The same page whose playground's engine runs away: its moves become
    /// commands ([`Session::command`]), their answers arrive as
    /// [`Action::Engine`].
    pub fn away(mut self) -> AppState {
        self.session = Session::away(self.session.config().clone()).renew_speed(&self.session);
        self.lab_results = None;
        self.follow_lab();
        if let Some(peak) = &mut self.peak {
            peak.away = true;
        }
        self
    }

    /// What to ask of the engine away for the lab, peak shaving and the
    /// lesson open: their results, until they arrive (the session's own
    /// moves are [`Session::command`]).
    pub fn commands(&self) -> [Option<Command>; 4] {
        let lab = self.lab_results.as_ref().and_then(LabResults::command);
        let peak = self.peak.as_ref().and_then(PeakState::command);
        [lab, peak, self.lessons.command(), self.python.command()]
    }

    /// Whether the run shown is the live run watched (`canteen live
    /// --serve`, with its settings): the controls do not move it.
    pub fn watching(&self) -> bool {
        self.live
            .as_ref()
            .is_some_and(|(_, config)| config == self.session.config_rc())
    }

    /// Whether the settings are valid (so the run may start).
    pub fn ready(&self) -> bool {
        self.errors.is_empty()
    }

    /// The problem of a field, if it has one.
    pub fn error(&self, field: Field) -> Option<&FieldError> {
        self.errors.iter().find(|e| e.field == field)
    }

    /// Whether a run of the page plays (so the clock should tick).
    pub fn playing(&self) -> bool {
        self.session.is_playing() || self.scraper.playing
    }

    /// The fragment of the link that reproduces this run, while the
    /// settings are valid.
    pub fn fragment(&self) -> Option<String> {
        if let (Section::Lessons, Some(open)) = (self.section, &self.lessons.open) {
            return Some(link::lesson_fragment(open.id, open.seed, self.lang));
        }
        self.ready().then(|| {
            let run = link::to_fragment(self.session.config(), self.session.speed(), self.lang);
            let peak = self.peak.as_ref().map(|p| (p.preset, &p.form));
            run + &link::section_part(self.section) + &link::tabs_part(peak, &self.scraper.form)
        })
    }

    /// Applies an action; false when nothing changed.
    pub fn apply(&mut self, action: Action) -> bool {
        let changed = self.reduce(action);
        self.follow_lab();
        let config = self.session.config_rc();
        if !Rc::ptr_eq(&self.python.config, config) && *self.python.config != **config
            || self.python.lang != self.lang
        {
            self.python = PythonText::ask(config, self.lang);
        }
        self.announce() || changed
    }

    /// Brings the stage's text equivalent up to date; true when it changed.
    /// Paused, at once (a step or a seek is read out by the narration).
    /// Playing, only when the stage changed and at least
    /// [`ANNOUNCE_EVERY_S`] times the speed of virtual time has passed since
    /// the last announcement (or the run went back): the events of the run,
    /// in its virtual time, drive it, not the animation frames, and a polite
    /// live region is not flooded at any speed.
    fn announce(&mut self) -> bool {
        let session = &self.session;
        let moment = session.moment();
        let (now, playing) = (moment.now, session.is_playing());
        if let Some(last) = self.announced.as_ref().filter(|_| playing) {
            let gap = (ANNOUNCE_EVERY_S * 1e9 * session.speed()) as Nanos;
            if now >= last.at && now - last.at < gap {
                return false;
            }
        }
        let summary = session
            .derived()
            .stage
            .summary(|actor| moment.blocked(actor));
        if let Some(last) = &self.announced {
            if *last.summary == summary && (playing || last.at == now) {
                return false;
            }
        }
        self.announced = Some(Announced {
            at: now,
            summary: Rc::new(summary),
        });
        true
    }

    /// Asks for the lab's results when the session's config is the lab's
    /// and they are not those of its config.
    fn follow_lab(&mut self) {
        let config = self.session.config_rc();
        if config.scenario != ScenarioKind::Termination {
            self.lab_results = None;
        } else if self
            .lab_results
            .as_ref()
            .is_none_or(|r| !Rc::ptr_eq(&r.config, config) && *r.config != **config)
        {
            self.lab_results = Some(LabResults::ask(config, self.session.is_away()));
        }
    }

    fn reduce(&mut self, action: Action) -> bool {
        // A live run watched is the run shown: no moves of the simulation.
        if self.watching()
            && matches!(
                action,
                Action::TogglePlay
                    | Action::Step
                    | Action::StepBack
                    | Action::RunToEnd
                    | Action::Reset
                    | Action::Seek(_)
            )
        {
            return false;
        }
        let ready = self.ready();
        let session = &mut self.session;
        match action {
            Action::Tick(real_ms) => {
                let played = session.tick(real_ms);
                let scraped = self.scraper.apply(ScraperAction::Tick(real_ms));
                played || scraped
            }
            Action::TogglePlay if ready => {
                if session.is_playing() {
                    session.pause();
                } else {
                    session.play();
                }
                true
            }
            Action::Step if ready => {
                session.step();
                true
            }
            Action::StepBack if ready => {
                session.step_back();
                true
            }
            Action::RunToEnd if ready => {
                session.run_to_end();
                true
            }
            Action::Seek(t) if ready => {
                session.seek(t);
                true
            }
            Action::TogglePlay
            | Action::Step
            | Action::StepBack
            | Action::RunToEnd
            | Action::Seek(_) => false,
            Action::Reset => {
                session.reset();
                true
            }
            Action::EditLab(edit) => {
                if let Some(settings) = self.lab.edit(session.config(), &edit) {
                    super::lab::set(session, settings);
                }
                true
            }
            Action::SetSpeed(speed) => session.set_speed(speed).is_ok(),
            Action::ChangeSpeed(faster) => {
                let speed = session.speed();
                let next = if faster {
                    SPEEDS.iter().find(|&&s| s > speed)
                } else {
                    SPEEDS.iter().rev().find(|&&s| s < speed)
                };
                next.is_some_and(|&s| session.set_speed(s).is_ok())
            }
            Action::SetLang(lang) => {
                self.lessons.relang(lang);
                std::mem::replace(&mut self.lang, lang) != lang
            }
            Action::ShowSection(section) => self.show(section),
            Action::DismissNotice => !std::mem::take(&mut self.notice).is_empty(),
            Action::OpenLink(fragment) => self.open_link(&fragment),
            Action::PickScenario(kind) => {
                let mut form = Form::from_config(&Config::defaults(kind, session.config().seed));
                form.seed = self.form.seed.clone();
                self.set_form(form)
            }
            Action::NewSeed(seed) => {
                let mut form = self.form.clone();
                form.seed = seed.to_string();
                self.set_form(form)
            }
            Action::Edit(field, text) => {
                let mut form = self.form.clone();
                match field {
                    Field::Seed => form.seed = text,
                    Field::Producers => form.producers = text,
                    Field::Consumers => form.consumers = text,
                    Field::Items => form.items = text,
                    Field::Capacity => form.capacity = text,
                    Field::ProduceDelay | Field::ConsumeDelay => return false,
                }
                self.set_form(form)
            }
            Action::EditDelay(field, part, text) => {
                let mut form = self.form.clone();
                let Some(delay) = form.delay_mut(field) else {
                    return false;
                };
                match part {
                    DelayPart::A => delay.a = text,
                    DelayPart::B => delay.b = text,
                }
                self.set_form(form)
            }
            Action::SetDelayKind(field, kind) => {
                let mut form = self.form.clone();
                let Some(delay) = form.delay_mut(field) else {
                    return false;
                };
                delay.kind = kind;
                self.set_form(form)
            }
            Action::Peak(action) => self.peak.as_mut().is_some_and(|peak| peak.apply(action)),
            Action::Scraper(action) => self.scraper.apply(action),
            Action::Engine(reply @ Reply::Lab(..)) => {
                self.lab_results.as_mut().is_some_and(|r| r.arrive(reply))
            }
            Action::Engine(reply @ Reply::Peak(..)) => {
                self.peak.as_mut().is_some_and(|p| p.arrive(reply))
            }
            Action::Engine(Reply::Python(id, text)) => {
                let python = &mut self.python;
                let new = id == python.id && python.text.is_none();
                if new {
                    python.text = Some(text);
                }
                new
            }
            Action::Engine(reply @ Reply::Lesson(..)) => {
                let first = self
                    .lessons
                    .open
                    .as_ref()
                    .is_some_and(|o| o.given.is_none());
                if !self.lessons.arrive(reply) {
                    return false;
                }
                // The first arrival loads the lesson's run.
                let config = self.lessons.open.as_ref().and_then(|o| o.given.as_ref());
                if let (true, Some(config)) = (first, config.and_then(|g| g.config.clone())) {
                    self.form = Form::from_config(&config);
                    self.errors.clear();
                    self.session = self.session.renew(config);
                }
                true
            }
            Action::Lesson(action) => self.lesson(action),
            Action::Engine(Reply::Snapshot(snapshot))
                if self.live.as_ref().is_some_and(|(id, config)| {
                    *id == snapshot.id && config == session.config_rc()
                }) =>
            {
                session.show_live(*snapshot);
                true
            }
            Action::Engine(reply) => session.arrive(reply),
            Action::LivePrediction(p) => self.live_prediction.replace(p) != Some(p),
            Action::Live(id) => {
                self.live = Some((id, Rc::clone(session.config_rc())));
                session.pause();
                true
            }
            Action::Cancel => session.cancel(),
            Action::EngineLost => {
                #[cfg(feature = "page-engine")]
                {
                    session.come_home();
                    if let Some(peak) = &mut self.peak {
                        peak.come_home();
                    }
                    self.lab_results = None;
                }
                !std::mem::replace(&mut self.engine_lost, true)
            }
        }
    }

    /// Shows a part of the page; peak shaving is run the first time.
    fn show(&mut self, section: Section) -> bool {
        if section == Section::PeakShaving && self.peak.is_none() {
            self.peak = Some(if self.session.is_away() {
                PeakState::away(DEFAULT_SEED)
            } else {
                PeakState::new(DEFAULT_SEED)
            });
        }
        let opened = section == Section::Lessons && self.lessons.open.is_none();
        if opened {
            let id = self.lessons.next_to_learn();
            self.open_lesson(id, self.session.config().seed);
        }
        if self.section == section && !opened {
            return false;
        }
        self.section = section;
        true
    }

    /// Opens lesson `id` for `seed`; its setting loads when it arrives
    /// (peak shaving's lab, the flash sale for the seed, at once).
    fn open_lesson(&mut self, id: LessonId, seed: u64) {
        self.lessons.open(id, seed, self.lang);
        if id == LessonId::PeakShaving {
            self.peak = Some(if self.session.is_away() {
                PeakState::away(seed)
            } else {
                PeakState::new(seed)
            });
        }
    }

    /// A lesson's action: opening one loads its setting, a check plays
    /// its run from the start, a jump shows the moment that decides it.
    fn lesson(&mut self, action: LessonAction) -> bool {
        let Some(open) = &self.lessons.open else {
            return self.lessons.apply(action);
        };
        let run = open.given.as_ref().is_some_and(|g| g.config.is_some());
        let (id, seed) = (open.id, open.seed);
        match action {
            LessonAction::Open(next) => self.open_lesson(next, seed),
            LessonAction::NewSeed(next) => self.open_lesson(id, next),
            LessonAction::Jump => match &open.given {
                Some(given) if run && open.checked.is_some() => self.session.jump(given.deciding),
                _ => return false,
            },
            LessonAction::Retry => {
                // Asked again: the run waits at its start until the answer.
                if !self.lessons.apply(LessonAction::Retry) {
                    return false;
                }
                if run {
                    self.session.reset();
                }
            }
            LessonAction::Check => {
                if !self.lessons.apply(LessonAction::Check) {
                    return false;
                }
                if run
                    && self
                        .lessons
                        .open
                        .as_ref()
                        .is_some_and(|o| o.checked.is_some())
                {
                    self.session.reset();
                    self.session.play();
                }
            }
            action => return self.lessons.apply(action),
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
                let config = super::lab::carry(self.session.config(), config);
                if *self.session.config() != config {
                    self.session = self.session.renew(config);
                }
            }
            Err(errors) => {
                self.errors = errors;
                self.session.pause();
            }
        }
        self.form = form;
        true
    }

    fn open_link(&mut self, fragment: &str) -> bool {
        let (link, mut ignored) = link::read(fragment);
        let (peak, scraper, tabs_ignored) = link::read_tabs(fragment);
        ignored.extend(tabs_ignored);
        if link.is_none() && ignored.is_empty() {
            return false;
        }
        self.notice = ignored;
        let (config, lang, speed, section, lesson) = match link {
            Some(link) => (
                link.config,
                link.lang,
                link.speed,
                link.section,
                link.lesson,
            ),
            None => (
                Config::defaults(DEFAULT_SCENARIO, DEFAULT_SEED),
                None,
                None,
                Section::Playground,
                None,
            ),
        };
        // The tabs' settings: the link's, or their defaults (peak shaving
        // is made again when it is shown).
        let away = self.session.is_away() || !cfg!(feature = "page-engine");
        self.peak = peak.map(|p| PeakState::opened(p.preset, p.form, away));
        self.scraper
            .open(scraper.unwrap_or_else(|| ScraperForm::defaults(DEFAULT_SEED)));
        if section != Section::Lessons {
            self.show(section);
        }
        if let Some(lang) = lang {
            self.lang = lang;
        }
        let speed = speed.unwrap_or(self.session.speed());
        self.session = self.session.renew(config.clone());
        let _ = self.session.set_speed(speed);
        self.form = Form::from_config(&config);
        self.errors.clear();
        if section == Section::Lessons {
            let id = lesson.unwrap_or_else(|| self.lessons.next_to_learn());
            self.open_lesson(id, config.seed);
            self.section = section;
        }
        true
    }
}

/// The Python program of a config in a language, written away (in the
/// page's worker, or here without one): the page's wasm carries no Python.
#[derive(Clone, Debug, PartialEq)]
pub struct PythonText {
    pub config: Rc<Config>,
    pub lang: Lang,
    /// `None` until it arrives.
    pub text: Option<Rc<str>>,
    id: u64,
}

impl PythonText {
    fn ask(config: &Rc<Config>, lang: Lang) -> PythonText {
        PythonText {
            config: Rc::clone(config),
            lang,
            text: None,
            id: next_id(),
        }
    }

    fn command(&self) -> Option<Command> {
        self.text.is_none().then(|| Command::Python {
            id: self.id,
            config: Rc::clone(&self.config),
            lang: self.lang,
        })
    }
}

/// The termination lab's results for a config: made here at once (with
/// the feature `page-engine`), or asked of the engine away until they
/// arrive.
#[derive(Clone, Debug, PartialEq)]
pub struct LabResults {
    pub config: Rc<Config>,
    /// Too many items for the page to run them: nothing is asked.
    pub too_big: bool,
    /// `None` while they are being computed away.
    pub outcomes: Option<Rc<Outcomes>>,
    away: bool,
    id: u64,
}

impl LabResults {
    fn ask(config: &Rc<Config>, away: bool) -> LabResults {
        let too_big = super::lab::too_big(config);
        #[cfg(feature = "page-engine")]
        let outcomes = if away || too_big {
            None
        } else {
            super::host::lab_outcomes(config)
        };
        #[cfg(not(feature = "page-engine"))]
        let outcomes = None;
        LabResults {
            config: Rc::clone(config),
            too_big,
            outcomes,
            away,
            id: next_id(),
        }
    }

    /// Whether they are being computed.
    pub fn computing(&self) -> bool {
        !self.too_big && self.outcomes.is_none()
    }

    fn command(&self) -> Option<Command> {
        (self.away && self.computing()).then(|| Command::Lab {
            id: self.id,
            config: Rc::clone(&self.config),
        })
    }

    fn arrive(&mut self, reply: Reply) -> bool {
        match reply {
            Reply::Lab(id, outcomes) if id == self.id && self.computing() => {
                // None: the engine found them too big to run after all.
                self.too_big = outcomes.is_none();
                self.outcomes = outcomes;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::Outcome;
    use crate::scraper::fetch::FakeFetcher;
    use std::time::Duration;

    fn fetcher() -> Rc<dyn Fetcher> {
        let ms = Duration::from_millis;
        let [home, none, gallery, menu] = super::super::scraper::DEFAULT_URLS;
        Rc::new(
            FakeFetcher::new()
                .page(home, ms(300), "<img src=//logo.png width=270>")
                .page(none, ms(100), "nothing")
                .page(
                    gallery,
                    ms(200),
                    "<img src=//a width=1>\n<img src=//b width=1>",
                )
                .page(menu, ms(50), "<img src=//菜单/面.jpg width=1>"),
        )
    }

    fn open(fragment: &str) -> AppState {
        AppState::new(Lang::En, fragment, fetcher())
    }

    fn fresh() -> AppState {
        open("")
    }

    #[test]
    fn a_first_visit_shows_the_hotdog_defaults_paused() {
        let state = fresh();
        let session = &state.session;
        assert_eq!(
            *session.config(),
            Config::defaults(ScenarioKind::Hotdog, DEFAULT_SEED)
        );
        assert!(!session.is_playing());
        assert!(state.notice.is_empty());
        assert!(state.fragment().unwrap().starts_with("s=hotdog&seed=42&"));
    }

    #[test]
    fn a_bad_value_blocks_the_run_until_it_is_fixed_and_the_fix_resets_the_run() {
        let mut state = fresh();
        state.apply(Action::Step);
        assert!(state.session.derived().log.total() > 0);
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
        assert!(!state.apply(Action::TogglePlay));
        assert!(!state.apply(Action::RunToEnd));
        assert!(!state.session.is_playing());
        state.apply(Action::Edit(Field::Producers, "3".into()));
        assert!(state.ready());
        let session = &state.session;
        assert_eq!(session.config().producers, 3);
        assert_eq!(session.moment().now, 0, "a changed setting resets the run");
    }

    #[test]
    fn picking_a_scenario_loads_its_defaults_and_keeps_the_seed() {
        let mut state = fresh();
        state.apply(Action::NewSeed(777));
        state.apply(Action::PickScenario(ScenarioKind::Plain));
        let config = state.session.config().clone();
        assert_eq!(config, Config::defaults(ScenarioKind::Plain, 777));
        state.apply(Action::RunToEnd);
        assert_eq!(state.session.moment().outcome, Outcome::Stuck);
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
            state.session.config().consume_delay.to_string(),
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
        let opened = open(&format!("#{fragment}"));
        assert_eq!(opened.lang, Lang::Zh);
        assert_eq!(opened.form, first.form);
        let mut opened_session = opened.session.clone();
        assert_eq!(opened_session.speed(), 50.0);
        opened_session.run_to_end();
        assert_eq!(opened_session.moment(), first.session.moment());
    }

    #[test]
    fn a_link_with_a_bad_part_opens_the_rest_and_says_what_was_left_out() {
        let state = open("#s=custom&p=lots&c=3&seed=7&bogus=1");
        assert!(matches!(
            state.notice.as_slice(),
            [
                LinkError::UnknownKey(key),
                LinkError::Setting { key: "p", .. }
            ] if key == "bogus"
        ));
        let mut expected = Config::defaults(ScenarioKind::Custom, 7);
        expected.consumers = 3;
        assert_eq!(*state.session.config(), expected);
        assert!(state.ready());
        let mut state = state;
        assert!(state.apply(Action::DismissNotice));
        assert!(state.notice.is_empty());
        // Nothing usable at all: the defaults, and what was wrong.
        let state = open("#s=nowhere");
        assert_eq!(state.notice.len(), 1);
        assert_eq!(
            *state.session.config(),
            Config::defaults(DEFAULT_SCENARIO, DEFAULT_SEED)
        );
    }

    #[test]
    fn the_part_shown_is_in_the_link_and_a_link_opens_it() {
        let mut state = open("#lang=en");
        assert_eq!(state.section, Section::Playground);
        assert!(!state.fragment().unwrap().contains("tab="));
        state.apply(Action::ShowSection(Section::Scraper));
        let fragment = state.fragment().unwrap();
        assert!(fragment.ends_with("&tab=scraper"), "{fragment}");
        let reopened = open(&fragment);
        assert_eq!(reopened.section, Section::Scraper);
        assert!(reopened.notice.is_empty());
        let peak = open("#tab=peak-shaving");
        assert_eq!(peak.section, Section::PeakShaving);
        assert!(peak.peak.is_some());
        let bad = open("#tab=kitchen&seed=3");
        assert_eq!(bad.section, Section::Playground);
        assert_eq!(bad.session.config().seed, 3);
        assert_eq!(bad.notice, [LinkError::UnknownTab("kitchen".into())]);
    }

    #[test]
    fn while_a_run_plays_the_stage_is_announced_at_most_once_per_few_seconds_of_real_time() {
        for (speed, text) in [(1.0, "1"), (20.0, "20"), (1000.0, "1000")] {
            let mut state = open(&format!("#s=hotdog&seed=42&speed={text}"));
            let first = state.announced.clone().unwrap();
            assert_eq!(first.at, 0, "paused: the moment shown");
            state.apply(Action::TogglePlay);
            let mut announced = Vec::new();
            let mut last = first;
            while state.session.is_playing() {
                state.apply(Action::Tick(16.0));
                let now = state.announced.clone().unwrap();
                if now != last && state.session.is_playing() {
                    announced.push(now.at);
                }
                last = now;
            }
            let end = state.session.moment().now;
            let gap = (ANNOUNCE_EVERY_S * 1e9 * speed) as Nanos;
            for pair in [0].iter().chain(&announced).collect::<Vec<_>>().windows(2) {
                assert!(pair[1] - pair[0] >= gap, "{speed}×: {announced:?}");
            }
            assert!(
                announced.len() as u64 <= end / gap,
                "{speed}×: {announced:?}"
            );
            let events = state.session.derived().log.total();
            assert!(
                events > 40,
                "{events} events, {} announced",
                announced.len()
            );
            if speed == 1.0 {
                assert!(!announced.is_empty(), "a slow run is announced as it plays");
            }
            // Once it ends (it no longer plays), the end is announced at once.
            let shown = state.announced.unwrap();
            assert_eq!(shown.at, end);
            assert_eq!(shown.summary.working_total + shown.summary.waiting_total, 0);
        }
    }

    #[test]
    fn a_step_or_a_seek_while_paused_shows_its_moment_at_once_and_keys_change_the_speed() {
        let mut state = open("#s=hotdog&seed=42");
        state.apply(Action::Step);
        state.apply(Action::Step);
        let shown = state.announced.clone().unwrap();
        assert_eq!(
            shown.summary.waiting_total, 2,
            "main in p.join(), the consumer in get()"
        );
        state.apply(Action::RunToEnd);
        state.apply(Action::Seek(2_000_000_000));
        assert_eq!(state.session.moment().now, 2_000_000_000);
        assert_eq!(state.announced.as_ref().unwrap().at, 2_000_000_000);
        assert_eq!(
            key_action("+", KeyTarget::Page, false),
            Some(Action::ChangeSpeed(true))
        );
        assert_eq!(
            key_action("-", KeyTarget::Button, false),
            Some(Action::ChangeSpeed(false))
        );
        assert_eq!(key_action("-", KeyTarget::Field, false), None);
        assert!(state.apply(Action::ChangeSpeed(true)));
        assert_eq!(state.session.speed(), 2.0);
        state.apply(Action::SetSpeed(1000.0));
        assert!(
            !state.apply(Action::ChangeSpeed(true)),
            "the fastest already"
        );
        assert!(state.apply(Action::ChangeSpeed(false)));
        assert_eq!(state.session.speed(), 500.0);
    }

    #[test]
    fn the_tabs_settings_are_in_the_link_and_a_link_opens_them() {
        use super::super::peak::{PeakAction, PeakField};
        use super::super::scraper::ScraperField;
        let mut state = open("#lang=en&tab=peak-shaving");
        state.apply(Action::Peak(PeakAction::Preset(
            crate::peak::Preset::Steady,
        )));
        state.apply(Action::Peak(PeakAction::Edit(
            PeakField::Workers,
            "6".into(),
        )));
        state.apply(Action::Scraper(ScraperAction::Edit(
            ScraperField::Counters,
            "3".into(),
        )));
        let fragment = state.fragment().unwrap();
        assert!(
            fragment.ends_with("&tab=peak-shaving&pk-preset=steady&pk-workers=6&sc-counters=3"),
            "{fragment}"
        );
        let reopened = open(&fragment);
        assert!(reopened.notice.is_empty(), "{:?}", reopened.notice);
        assert_eq!(reopened.section, Section::PeakShaving);
        let peak = reopened.peak.as_ref().unwrap();
        assert_eq!(peak.form, state.peak.as_ref().unwrap().form);
        assert_eq!(peak.preset, crate::peak::Preset::Steady);
        assert!(peak.report.is_some(), "its run is made");
        assert_eq!(reopened.scraper.form, state.scraper.form);
        assert!(reopened.scraper.ready());
        assert_eq!(reopened.fragment(), Some(fragment));
        // A link without them opens their defaults.
        let mut again = reopened;
        again.apply(Action::OpenLink("#tab=scraper".into()));
        assert_eq!(again.scraper.form, ScraperForm::defaults(DEFAULT_SEED));
        assert!(again.peak.is_none());
    }

    #[test]
    fn a_link_without_a_seed_opens_the_bare_addresss_seed() {
        let state = open("#lang=en");
        assert!(state.notice.is_empty());
        assert_eq!(state.session.config().seed, DEFAULT_SEED);
        assert_eq!(
            *state.session.config(),
            Config::defaults(DEFAULT_SCENARIO, DEFAULT_SEED)
        );
    }

    #[test]
    fn the_page_opens_on_the_playground_and_shows_one_part_at_a_time() {
        let mut state = fresh();
        assert_eq!(state.section, Section::Playground);
        assert!(state.apply(Action::ShowSection(Section::Scraper)));
        assert_eq!(state.section, Section::Scraper);
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
        assert_eq!(
            key_action("ArrowLeft", KeyTarget::Page, false),
            Some(Action::StepBack)
        );
        assert_eq!(key_action("ArrowLeft", KeyTarget::Field, false), None);
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
        assert_eq!(state.session.moment().now, 16_000_000);
        assert!(!state.apply(Action::SetSpeed(0.1)), "out of range: refused");
    }

    /// What a reader of the state can see.
    fn visible(state: &AppState) -> impl PartialEq + std::fmt::Debug {
        let s = &state.session;
        (
            (
                state.lang,
                state.section,
                state.form.clone(),
                state.fragment(),
            ),
            (s.moment().clone(), s.is_playing(), s.speed(), s.horizon()),
            state.scraper.shown.as_deref().cloned(),
            state
                .peak
                .as_ref()
                .map(|p| (p.form.clone(), p.report.clone())),
        )
    }

    #[test]
    fn an_old_state_still_shows_exactly_what_it_showed() {
        let mut state = fresh();
        state.apply(Action::ShowSection(Section::PeakShaving));
        state.apply(Action::Scraper(ScraperAction::Start));
        state.apply(Action::TogglePlay);
        state.apply(Action::Tick(40.0));
        let actions = [
            Action::Tick(16.0),
            Action::Step,
            Action::Seek(10_000_000),
            Action::RunToEnd,
            Action::SetLang(Lang::Zh),
            Action::Reset,
            Action::Edit(Field::Consumers, "3".into()),
            Action::Peak(PeakAction::NewSeed(5)),
            Action::Scraper(ScraperAction::Stop),
        ];
        for action in actions {
            let seen = visible(&state);
            let mut next = state.clone();
            assert!(next.apply(action.clone()), "{action:?} changes something");
            let applied = next.session.clone();
            // The new state moves on (and the engine they share with it).
            next.apply(Action::TogglePlay);
            next.apply(Action::Tick(500.0));
            assert_eq!(visible(&state), seen, "after {action:?}");
            // The old state still goes where it would have gone alone (the
            // scraper's live run is the real world's, so it is left out).
            let mut again = state.clone();
            again.apply(action.clone());
            assert_eq!(again.session.moment(), applied.moment(), "{action:?}");
            assert_eq!(again.session.horizon(), applied.horizon());
            state = next;
        }
    }

    #[test]
    fn every_run_survives_switching_parts_and_languages_without_running_again() {
        let mut state = fresh();
        state.apply(Action::ShowSection(Section::Scraper));
        state.apply(Action::Scraper(ScraperAction::Start));
        while state.scraper.playing {
            state.apply(Action::Tick(16.0));
        }
        let scraped = state.scraper.shown.clone().unwrap();
        assert_eq!(scraped.outcome, Outcome::Completed);
        let recording = state.scraper.recording.clone().unwrap();
        state.apply(Action::ShowSection(Section::PeakShaving));
        let peak = state
            .peak
            .clone()
            .expect("peak shaving runs when first shown");
        let report = peak.report.clone().unwrap();
        state.apply(Action::TogglePlay);
        state.apply(Action::Tick(50.0));
        let playground = state.session.clone();
        for action in [
            Action::SetLang(Lang::Zh),
            Action::ShowSection(Section::Playground),
            Action::SetLang(Lang::En),
            Action::ShowSection(Section::Scraper),
            Action::ShowSection(Section::PeakShaving),
        ] {
            state.apply(action);
        }
        // The very same results, not runs made again.
        assert!(Rc::ptr_eq(state.scraper.shown.as_ref().unwrap(), &scraped));
        assert!(Rc::ptr_eq(
            state.scraper.recording.as_ref().unwrap(),
            &recording
        ));
        let kept = state.peak.as_ref().unwrap();
        assert_eq!(*kept, peak);
        assert!(Rc::ptr_eq(kept.report.as_ref().unwrap(), &report));
        assert!(
            state.session == playground,
            "the playground's run is where it was"
        );
        assert!(state.session.is_playing());
        // The recording still replays.
        state.apply(Action::Scraper(ScraperAction::SetReplaySpeed(64)));
        assert!(state.apply(Action::Scraper(ScraperAction::Replay)));
        while state.scraper.playing {
            state.apply(Action::Tick(16.0));
        }
        assert_eq!(state.scraper.shown.as_ref().unwrap().rows, recording.rows);
    }

    #[test]
    fn a_language_switch_mid_run_keeps_the_runs_moment() {
        let mut state = fresh();
        state.apply(Action::TogglePlay);
        for _ in 0..20 {
            state.apply(Action::Tick(16.0));
        }
        let moment = state.session.moment().clone();
        assert!(moment.now > 0 && moment.event_count > 0);
        assert!(state.apply(Action::SetLang(Lang::Zh)));
        assert_eq!(*state.session.moment(), moment);
        state.apply(Action::Tick(16.0));
        assert!(state.session.moment().now > moment.now, "and it plays on");
    }

    /// Carries the page's lab and peak commands to a host and its answers
    /// back as actions, through their bytes.
    fn answer(state: &mut AppState, host: &mut super::super::host::Host) -> usize {
        use super::super::wire::{command_bytes, read_command, read_reply, reply_bytes};
        let mut answered = 0;
        for command in state.commands().into_iter().take(2).flatten() {
            let command = read_command(&command_bytes(&command)).unwrap();
            let reply = host.receive(command, 0.0).unwrap();
            assert!(state.apply(Action::Engine(read_reply(&reply_bytes(&reply)).unwrap())));
            answered += 1;
        }
        answered
    }

    #[test]
    fn away_the_lab_and_peak_shaving_show_computing_until_the_worker_answers() {
        use super::super::host::Host;
        use super::super::lab::{outcomes, LabEdit};
        use crate::scenario::ending::Strategy;
        let mut host = Host::default();
        let mut state = fresh().away();
        assert_eq!(
            state.commands()[..3],
            [None, None, None],
            "nothing to ask for the hot dogs"
        );
        state.apply(Action::PickScenario(ScenarioKind::Termination));
        let results = state.lab_results.clone().unwrap();
        assert!(results.computing() && results.outcomes.is_none());
        let asked = state.commands();
        assert!(matches!(asked[0], Some(Command::Lab { .. })));
        assert_eq!(state.commands(), asked, "asked once, until answered");
        // An answer to another question changes nothing.
        let stale = Reply::Lab(0, None);
        assert!(!state.apply(Action::Engine(stale)));
        assert_eq!(answer(&mut state, &mut host), 1);
        let shown = state.lab_results.clone().unwrap();
        assert!(!shown.computing());
        let config = state.session.config().clone();
        assert_eq!(*shown.outcomes.unwrap(), outcomes(&config).unwrap());
        assert_eq!(state.commands()[..3], [None, None, None]);
        // New lab settings: computing again, then their results.
        state.apply(Action::EditLab(LabEdit::Strategy(Strategy::Sentinel)));
        assert!(state.lab_results.as_ref().unwrap().computing());
        // A change of language asks nothing again.
        state.apply(Action::SetLang(Lang::Zh));
        assert_eq!(answer(&mut state, &mut host), 1);
        let config = state.session.config().clone();
        assert_eq!(config.termination.strategy, Strategy::Sentinel);
        let shown = state.lab_results.clone().unwrap();
        assert_eq!(*shown.outcomes.unwrap(), outcomes(&config).unwrap());
        // Too many items: nothing is asked, the panel says so.
        state.apply(Action::Edit(Field::Items, "4000".into()));
        assert!(state.lab_results.as_ref().unwrap().too_big);
        assert_eq!(state.commands()[..3], [None, None, None]);

        state.apply(Action::ShowSection(Section::PeakShaving));
        let peak = state.peak.clone().unwrap();
        assert!(peak.computing() && peak.report.is_none());
        assert_eq!(answer(&mut state, &mut host), 1);
        let here = PeakState::new(DEFAULT_SEED);
        assert_eq!(state.peak.as_ref().unwrap().report, here.report);
        state.apply(Action::Peak(PeakAction::NewSeed(5)));
        assert!(state.peak.as_ref().unwrap().computing());
        assert_eq!(answer(&mut state, &mut host), 1);
        let mut here = here;
        here.apply(PeakAction::NewSeed(5));
        assert_eq!(state.peak.as_ref().unwrap().report, here.report);
    }

    #[test]
    fn when_the_worker_is_lost_the_lab_and_peak_shaving_run_here() {
        let mut state = fresh().away();
        state.apply(Action::PickScenario(ScenarioKind::Termination));
        state.apply(Action::ShowSection(Section::PeakShaving));
        assert!(state.peak.as_ref().unwrap().computing());
        state.apply(Action::EngineLost);
        assert!(!state.lab_results.as_ref().unwrap().computing());
        assert!(state.peak.as_ref().unwrap().report.is_some());
        assert_eq!(state.commands()[..3], [None, None, None]);
    }

    /// Answers the page's lesson command as the worker would, through
    /// its bytes (with placeholder words: this layer has none).
    fn give(state: &mut AppState) -> bool {
        use super::super::lessons::given_for;
        use super::super::wire::{command_bytes, read_command, read_reply, reply_bytes};
        let Some(command) = state.commands()[2].clone() else {
            return false;
        };
        let Some(Command::Lesson {
            id,
            lesson,
            seed,
            lang,
        }) = read_command(&command_bytes(&command))
        else {
            panic!("a lesson command")
        };
        let reply = Reply::Lesson(id, Rc::new(given_for(lesson, seed, lang)));
        state.apply(Action::Engine(read_reply(&reply_bytes(&reply)).unwrap()))
    }

    /// The lessons' path through the page: a link opens a lesson, its
    /// setting and answer arrive from the worker (through their bytes) and
    /// load its run, a check plays the run from its start, a jump shows
    /// the moment that decides it.
    #[test]
    fn a_lesson_opens_from_its_link_and_is_checked_against_the_workers_run() {
        use super::super::lessons::Mark;
        use crate::lessons::{Answer, Lesson, Setup};
        for seed in [3, 42] {
            let lesson = Lesson::new(LessonId::Sentinels, seed);
            let mut state = open(&format!("#seed={seed}&tab=lessons&lesson=7&lang=zh")).away();
            assert_eq!(state.section, Section::Lessons);
            assert_eq!(state.lang, Lang::Zh);
            let open = state.lessons.open.clone().unwrap();
            assert_eq!((open.id, open.seed), (LessonId::Sentinels, seed));
            assert_eq!(
                state.fragment().unwrap(),
                format!("seed={seed}&lang=zh&tab=lessons&lesson=7")
            );
            assert!(!state.apply(Action::Lesson(LessonAction::Check)), "not yet");
            assert!(give(&mut state));
            assert_eq!(state.commands()[2], None, "asked once");
            assert_eq!(Setup::Run(state.session.config().clone()), lesson.setup);
            // Another language asks for its words again; the run stays.
            let session = state.session.clone();
            state.apply(Action::SetLang(Lang::En));
            assert!(give(&mut state));
            assert!(state.session == session);
            let Answer::Choice(right) = lesson.answer else {
                panic!("a choice")
            };
            let wrong = (right + 1) % lesson.choices.len();
            state.apply(Action::Lesson(LessonAction::Pick(wrong)));
            state.apply(Action::Lesson(LessonAction::Check));
            let marked = |state: &AppState| {
                state
                    .lessons
                    .progress
                    .get(LessonId::Sentinels)
                    .unwrap()
                    .mark
            };
            assert_eq!(marked(&state), Mark::Wrong);
            assert!(state.session.is_playing(), "the run plays");
            state.apply(Action::Lesson(LessonAction::Retry));
            state.apply(Action::Lesson(LessonAction::Pick(right)));
            state.apply(Action::Lesson(LessonAction::Check));
            assert_eq!(marked(&state), Mark::Right);
            assert!(state.apply(Action::Lesson(LessonAction::Jump)));
            let to = state.session.pending().unwrap().to;
            assert_eq!(to.at, Some(lesson.deciding));
        }
    }

    #[test]
    fn a_jump_shows_the_deciding_moment_and_a_new_seed_asks_again() {
        use crate::lessons::{Answer, Lesson};
        let mut state = open("#tab=lessons&lesson=2");
        give(&mut state);
        let lesson = Lesson::new(LessonId::Decoupled, DEFAULT_SEED);
        state.apply(Action::Lesson(LessonAction::Type("3".into())));
        state.apply(Action::Lesson(LessonAction::Check));
        assert!(state.apply(Action::Lesson(LessonAction::Jump)));
        assert_eq!(state.session.moment().now, lesson.deciding);
        assert!(!state.session.is_playing());
        let Answer::Number(peak) = lesson.answer else {
            panic!("an estimate")
        };
        assert_eq!(
            state.session.moment().in_queue,
            peak,
            "the queue at its peak"
        );
        // Asked again: the run waits at its start, paused, until the answer.
        state.apply(Action::Lesson(LessonAction::Retry));
        assert_eq!(state.session.moment().now, 0);
        assert!(!state.session.is_playing());
        state.apply(Action::Lesson(LessonAction::NewSeed(5)));
        give(&mut state);
        let reopened = state.lessons.open.as_ref().unwrap();
        assert_eq!((reopened.seed, reopened.checked), (5, None));
        assert_eq!(state.session.config().seed, 5);
        let five = Lesson::new(LessonId::Decoupled, 5);
        assert_eq!(reopened.given.as_ref().unwrap().answer, five.answer);
        // Peak shaving's lesson loads the lab's flash sale for the seed.
        state.apply(Action::Lesson(LessonAction::Open(LessonId::PeakShaving)));
        let peak = state.peak.as_ref().unwrap();
        assert_eq!(peak.config, Some(crate::peak::Preset::FlashSale.config(5)));
        // An out-of-range lesson in a link is left out and named.
        let bad = open("#tab=lessons&lesson=11&seed=9");
        assert_eq!(bad.lessons.open.as_ref().unwrap().id, LessonId::NoQueue);
        assert!(matches!(
            bad.notice.as_slice(),
            [LinkError::Setting { key: "lesson", .. }]
        ));
        // The tab opens the first lesson not yet answered right.
        let mut state = fresh();
        state.apply(Action::ShowSection(Section::Lessons));
        assert_eq!(state.lessons.open.as_ref().unwrap().id, LessonId::NoQueue);
    }

    /// The Python program is written away, once per settings and language.
    #[test]
    fn the_python_program_is_asked_once_per_settings_and_language() {
        use super::super::wire::{command_bytes, read_command, read_reply, reply_bytes};
        let mut state = fresh().away();
        let write = |state: &mut AppState| {
            let Some(command) = state.commands()[3].clone() else {
                return false;
            };
            let Some(Command::Python { id, config, lang }) = read_command(&command_bytes(&command))
            else {
                panic!("a Python command")
            };
            assert_eq!(*config, *state.session.config());
            let text = format!("# {} {}", config.seed, lang.code());
            let reply = reply_bytes(&Reply::Python(id, text.into()));
            state.apply(Action::Engine(read_reply(&reply).unwrap()))
        };
        assert!(state.python.text.is_none());
        assert!(write(&mut state));
        assert_eq!(state.python.text.as_deref(), Some("# 42 en"));
        assert_eq!(state.commands()[3], None, "asked once");
        state.apply(Action::TogglePlay);
        state.apply(Action::Tick(50.0));
        assert_eq!(state.commands()[3], None, "a run that plays asks nothing");
        state.apply(Action::SetLang(Lang::Zh));
        assert!(write(&mut state));
        assert_eq!(state.python.text.as_deref(), Some("# 42 zh"));
        state.apply(Action::NewSeed(7));
        assert!(write(&mut state));
        assert_eq!(state.python.text.as_deref(), Some("# 7 zh"));
        // A late answer to an old question changes nothing.
        assert!(!state.apply(Action::Engine(Reply::Python(0, "old".into()))));
    }

    #[test]
    fn a_live_run_watched_is_not_moved_by_the_controls_until_the_settings_change() {
        use super::super::live::Watch;
        let mut state = open("s=hotdog&seed=7").away();
        assert!(!state.watching());
        assert!(state.apply(Action::Live(77)));
        assert!(state.watching());
        let mut watch = Watch::new(state.session.config().clone());
        watch.take("ev 5 1 produce 0:1\n");
        assert!(state.apply(Action::Engine(Reply::Snapshot(Box::new(
            watch.snapshot(77)
        )))));
        assert_eq!(state.session.moment().counts.produced, 1);
        for action in [
            Action::TogglePlay,
            Action::Step,
            Action::RunToEnd,
            Action::Reset,
        ] {
            assert!(!state.apply(action.clone()), "{action:?}");
        }
        assert!(!state.session.is_playing());
        assert_eq!(state.session.moment().counts.produced, 1);
        // Other settings: their own simulated run, which the live lines leave alone.
        assert!(state.apply(Action::Edit(Field::Items, "3".to_string())));
        assert!(!state.watching());
        assert!(!state.apply(Action::Engine(Reply::Snapshot(Box::new(
            watch.snapshot(77)
        )))));
    }
}
