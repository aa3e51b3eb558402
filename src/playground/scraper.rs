//! The scraper view's state, free of the browser: the URL list, the regex
//! and the settings as typed (each field with its own problem), the notes
//! on the regex, the run in progress (live: real fetches, the clock at 1×
//! with real time; or a replay of the last finished live run, at any
//! speed), and the recording a replay plays. Every change goes through
//! [`ScraperState::apply`]. The fetcher is given from outside: the
//! browser's in the page, a fake in tests.
//!
//! The state is a value. What a run shows is a [`Scrape`], taken at each
//! tick and never changed afterwards; the run itself is not part of the
//! value: a live one waits on the real network, which no state can rewind,
//! so the state only holds a handle to move it on with.

use std::cell::RefCell;
use std::rc::Rc;

use crate::delay::{parse_duration, Delay, DurationText};
use crate::run::Outcome;
use crate::run::Stuck;
use crate::scraper::engine::compile;
use crate::scraper::fetch::Fetcher;
use crate::scraper::gantt::Gantt;
use crate::scraper::matcher::Matcher;
use crate::scraper::pattern::{Note, PatternError};
use crate::scraper::replay::ReplayFetcher;
use crate::scraper::report::Tally;
use crate::scraper::scenario::ScraperProblem;
use crate::scraper::{ScraperConfig, ScraperProgram, ScraperRun, Shape, UrlRow, SEED_PATTERN};
use crate::trace::{Event, Nanos, Role};

/// The sample pages shipped with the page (`static/pages/`), by relative
/// URL so they work offline.
pub const DEFAULT_URLS: [&str; 4] = [
    "pages/search-home.html",
    "pages/no-images.html",
    "pages/gallery.html",
    "pages/zh-menu.html",
];

/// Replay speeds offered (a live run always goes at 1×: its clock is the
/// network's).
pub const REPLAY_SPEEDS: [u32; 4] = [1, 4, 16, 64];

/// The longest real time one tick may account for.
pub const MAX_TICK_MS: f64 = 100.0;

/// The form's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScraperField {
    Urls,
    Regex,
    Fetchers,
    Counters,
    Capacity,
    Timeout,
    FetchDelay,
    CountDelay,
    Seed,
}

impl ScraperField {
    /// The settings shown in the grid, in order.
    pub const SETTINGS: [ScraperField; 7] = [
        ScraperField::Fetchers,
        ScraperField::Counters,
        ScraperField::Capacity,
        ScraperField::Timeout,
        ScraperField::FetchDelay,
        ScraperField::CountDelay,
        ScraperField::Seed,
    ];

    /// The element id of the field's input (its message adds `-error`).
    pub fn id(self) -> &'static str {
        match self {
            ScraperField::Urls => "scraper-urls",
            ScraperField::Regex => "scraper-regex",
            ScraperField::Fetchers => "scraper-fetchers",
            ScraperField::Counters => "scraper-counters",
            ScraperField::Capacity => "scraper-capacity",
            ScraperField::Timeout => "scraper-timeout",
            ScraperField::FetchDelay => "scraper-fetch-delay",
            ScraperField::CountDelay => "scraper-count-delay",
            ScraperField::Seed => "scraper-seed",
        }
    }

    fn of_config_field(field: &str) -> ScraperField {
        match field {
            "fetchers" => ScraperField::Fetchers,
            "counters" => ScraperField::Counters,
            "capacity" => ScraperField::Capacity,
            "timeout" => ScraperField::Timeout,
            _ => ScraperField::Urls,
        }
    }
}

/// Why a field's text cannot be used.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldProblem {
    /// Not a whole number.
    NotWhole,
    /// Not a duration with a unit (`10s`, `500ms`).
    NotDuration,
    /// Not a delay (`const:0ms`, `uniform:0ms..1s`, `exp:100ms`).
    NotDelay,
    /// Reads, but out of range.
    Setting(ScraperProblem),
    /// The regex cannot be used (the run does not start).
    Regex(PatternError),
}

/// A field and what is wrong with it.
#[derive(Clone, Debug, PartialEq)]
pub struct ScraperError {
    pub field: ScraperField,
    pub problem: FieldProblem,
}

/// The settings as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct ScraperForm {
    /// One URL per line; blank lines are ignored.
    pub urls: String,
    pub regex: String,
    pub fetchers: String,
    pub counters: String,
    pub capacity: String,
    pub timeout: String,
    pub fetch_delay: String,
    pub count_delay: String,
    pub seed: String,
    pub shape: Shape,
}

impl ScraperForm {
    /// The seed's settings over the sample pages.
    pub fn defaults(seed: u64) -> ScraperForm {
        let urls = DEFAULT_URLS.iter().map(|u| u.to_string()).collect();
        let config = ScraperConfig::defaults(urls, seed);
        ScraperForm {
            urls: config.urls.join("\n"),
            regex: config.pattern.clone(),
            fetchers: config.fetchers.to_string(),
            counters: config.counters.to_string(),
            capacity: config.capacity.to_string(),
            timeout: DurationText(config.timeout).to_string(),
            fetch_delay: config.fetch_delay.to_string(),
            count_delay: config.count_delay.to_string(),
            seed: seed.to_string(),
            shape: config.shape,
        }
    }

    /// A field's text.
    pub fn text(&self, field: ScraperField) -> &str {
        match field {
            ScraperField::Urls => &self.urls,
            ScraperField::Regex => &self.regex,
            ScraperField::Fetchers => &self.fetchers,
            ScraperField::Counters => &self.counters,
            ScraperField::Capacity => &self.capacity,
            ScraperField::Timeout => &self.timeout,
            ScraperField::FetchDelay => &self.fetch_delay,
            ScraperField::CountDelay => &self.count_delay,
            ScraperField::Seed => &self.seed,
        }
    }

    pub(super) fn set(&mut self, field: ScraperField, text: String) {
        let slot = match field {
            ScraperField::Urls => &mut self.urls,
            ScraperField::Regex => &mut self.regex,
            ScraperField::Fetchers => &mut self.fetchers,
            ScraperField::Counters => &mut self.counters,
            ScraperField::Capacity => &mut self.capacity,
            ScraperField::Timeout => &mut self.timeout,
            ScraperField::FetchDelay => &mut self.fetch_delay,
            ScraperField::CountDelay => &mut self.count_delay,
            ScraperField::Seed => &mut self.seed,
        };
        *slot = text;
    }

    /// The URLs: one per line, trimmed, blank lines left out.
    pub fn url_list(&self) -> Vec<String> {
        self.urls
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(String::from)
            .collect()
    }

    /// The config, or every field's problem (the regex is checked apart).
    pub fn config(&self) -> Result<ScraperConfig, Vec<ScraperError>> {
        let mut errors = Vec::new();
        let mut fail = |field, problem| errors.push(ScraperError { field, problem });
        let whole = |text: &str| text.trim().parse::<u64>().ok();
        let small = |text: &str| whole(text).and_then(|n| u32::try_from(n).ok());
        let fetchers = small(&self.fetchers);
        if fetchers.is_none() {
            fail(ScraperField::Fetchers, FieldProblem::NotWhole);
        }
        let counters = small(&self.counters);
        if counters.is_none() {
            fail(ScraperField::Counters, FieldProblem::NotWhole);
        }
        let capacity = whole(&self.capacity).and_then(|n| usize::try_from(n).ok());
        if capacity.is_none() {
            fail(ScraperField::Capacity, FieldProblem::NotWhole);
        }
        let timeout = parse_duration(&self.timeout).ok();
        if timeout.is_none() {
            fail(ScraperField::Timeout, FieldProblem::NotDuration);
        }
        let fetch_delay = self.fetch_delay.parse::<Delay>().ok();
        if fetch_delay.is_none() {
            fail(ScraperField::FetchDelay, FieldProblem::NotDelay);
        }
        let count_delay = self.count_delay.parse::<Delay>().ok();
        if count_delay.is_none() {
            fail(ScraperField::CountDelay, FieldProblem::NotDelay);
        }
        let seed = whole(&self.seed);
        if seed.is_none() {
            fail(ScraperField::Seed, FieldProblem::NotWhole);
        }
        let (
            Some(fetchers),
            Some(counters),
            Some(capacity),
            Some(timeout),
            Some(fetch_delay),
            Some(count_delay),
            Some(seed),
            true,
        ) = (
            fetchers,
            counters,
            capacity,
            timeout,
            fetch_delay,
            count_delay,
            seed,
            errors.is_empty(),
        )
        else {
            return Err(errors);
        };
        let config = ScraperConfig {
            urls: self.url_list(),
            pattern: self.regex.clone(),
            fetchers,
            counters,
            capacity,
            timeout,
            fetch_delay,
            count_delay,
            shape: self.shape,
            seed,
        };
        if let Err(problem) = config.validate() {
            return Err(vec![ScraperError {
                field: ScraperField::of_config_field(problem.field()),
                problem: FieldProblem::Setting(problem),
            }]);
        }
        Ok(config)
    }
}

/// What a run on the page is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Real fetches; the clock follows real time.
    Live,
    /// The last finished live run, played back from its recording.
    Replay,
}

/// What can happen to the view.
#[derive(Clone, Debug, PartialEq)]
pub enum ScraperAction {
    Edit(ScraperField, String),
    SetShape(Shape),
    /// Put the sample pages back in the URL list.
    SampleUrls,
    /// A new random seed, drawn by the browser.
    NewSeed(u64),
    /// Start a live run with the form's settings.
    Start,
    /// Stop the run where it is (a live run cannot go on afterwards).
    Stop,
    /// Play the last finished live run back.
    Replay,
    SetReplaySpeed(u32),
    /// `real_ms` of wall-clock time passed.
    Tick(f64),
}

/// A finished live run: its settings and rows.
pub struct Recording {
    pub config: ScraperConfig,
    pub rows: Vec<UrlRow>,
}

/// What a scraper run shows at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Scrape {
    /// The actor table (index = [`ActorId`]).
    pub roles: Vec<Role>,
    /// Whether the run counts with the seed's pattern (the log then names
    /// what it counts as the seed does).
    pub seed_pattern: bool,
    pub outcome: Outcome,
    /// Virtual time.
    pub now: Nanos,
    /// Real fetches in flight.
    pub in_flight: usize,
    pub tally: Tally,
    /// Every URL's row.
    pub rows: Vec<UrlRow>,
    /// The URL index of every page in the queue, front first.
    pub queued: Vec<usize>,
    pub events: Vec<Event>,
    /// The per-worker timeline.
    pub gantt: Gantt,
    /// The actors that wait forever, with what each waits on (empty unless
    /// the run is stuck).
    pub stuck: Vec<Stuck>,
}

impl Scrape {
    fn of(run: &ScraperRun) -> Scrape {
        Scrape {
            roles: run.roles().to_vec(),
            seed_pattern: run.config().settings().pattern == SEED_PATTERN,
            outcome: run.outcome(),
            now: run.now(),
            in_flight: run.fetches_in_flight(),
            tally: run.tally(),
            rows: run.rows().clone(),
            queued: run.queued(),
            events: run.events().to_vec(),
            gantt: run.gantt(),
            stuck: run.stuck(),
        }
    }
}

/// Moves `run` on by `by` of virtual time and tells what it shows then.
fn advance(run: &RefCell<ScraperRun>, by: Nanos) -> Scrape {
    let mut run = run.borrow_mut();
    let until = run.now().saturating_add(by);
    run.advance_to(until);
    Scrape::of(&run)
}

/// The view's state.
#[derive(Clone)]
pub struct ScraperState {
    pub form: ScraperForm,
    pub errors: Vec<ScraperError>,
    /// What the regex field should say about the pattern.
    pub notes: Vec<Note>,
    fetcher: Rc<dyn Fetcher>,
    matcher: Option<Rc<dyn Matcher>>,
    config: Option<ScraperConfig>,
    /// The run in progress or last run, to move on with.
    run: Option<Rc<RefCell<ScraperRun>>>,
    /// What that run showed at its last tick.
    pub shown: Option<Rc<Scrape>>,
    pub mode: Mode,
    pub playing: bool,
    pub replay_speed: u32,
    pub recording: Option<Rc<Recording>>,
}

impl ScraperState {
    /// The seed's settings over the sample pages, fetched with `fetcher`.
    pub fn new(fetcher: Rc<dyn Fetcher>, seed: u64) -> ScraperState {
        let mut state = ScraperState {
            form: ScraperForm::defaults(seed),
            errors: Vec::new(),
            notes: Vec::new(),
            fetcher,
            matcher: None,
            config: None,
            run: None,
            shown: None,
            mode: Mode::Live,
            playing: false,
            replay_speed: REPLAY_SPEEDS[1],
            recording: None,
        };
        state.refresh();
        state
    }

    /// Takes the settings of a link; false when they are the form's.
    pub fn open(&mut self, form: ScraperForm) -> bool {
        if self.form == form {
            return false;
        }
        self.form = form;
        self.refresh();
        true
    }

    /// The problem of a field, if it has one.
    pub fn error(&self, field: ScraperField) -> Option<&FieldProblem> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| &e.problem)
    }

    /// Whether the form is valid (a run can start).
    pub fn ready(&self) -> bool {
        self.config.is_some() && self.matcher.is_some()
    }

    /// Applies an action; false if nothing changed.
    pub fn apply(&mut self, action: ScraperAction) -> bool {
        match action {
            ScraperAction::Edit(field, text) => {
                if self.form.text(field) == text {
                    return false;
                }
                self.form.set(field, text);
                self.refresh();
            }
            ScraperAction::SetShape(shape) => {
                if self.form.shape == shape {
                    return false;
                }
                self.form.shape = shape;
                self.refresh();
            }
            ScraperAction::SampleUrls => {
                let urls = DEFAULT_URLS.join("\n");
                if self.form.urls == urls {
                    return false;
                }
                self.form.urls = urls;
                self.refresh();
            }
            ScraperAction::NewSeed(seed) => {
                self.form.seed = seed.to_string();
                self.refresh();
            }
            ScraperAction::Start => return self.start(),
            ScraperAction::Stop => {
                if !self.playing {
                    return false;
                }
                self.playing = false;
            }
            ScraperAction::Replay => return self.replay(),
            ScraperAction::SetReplaySpeed(speed) => {
                if self.replay_speed == speed || !REPLAY_SPEEDS.contains(&speed) {
                    return false;
                }
                self.replay_speed = speed;
            }
            ScraperAction::Tick(real_ms) => return self.tick(real_ms),
        }
        true
    }

    /// Re-reads the form and compiles the regex.
    fn refresh(&mut self) {
        let (config, mut errors) = match self.form.config() {
            Ok(config) => (Some(config), Vec::new()),
            Err(errors) => (None, errors),
        };
        match compile(&self.form.regex) {
            Ok(compiled) => {
                self.notes = compiled.notes;
                self.matcher = Some(compiled.matcher);
            }
            Err(error) => {
                self.notes.clear();
                self.matcher = None;
                errors.push(ScraperError {
                    field: ScraperField::Regex,
                    problem: FieldProblem::Regex(error),
                });
            }
        }
        self.config = config;
        self.errors = errors;
    }

    fn start(&mut self) -> bool {
        let (Some(config), Some(matcher)) = (self.config.clone(), self.matcher.clone()) else {
            return false;
        };
        let run = ScraperRun::new(
            ScraperProgram::new(config, Rc::clone(&self.fetcher), matcher),
            |_| {},
        );
        self.begin(run, Mode::Live)
    }

    fn replay(&mut self) -> bool {
        let Some(recording) = self.recording.clone() else {
            return false;
        };
        let Ok(compiled) = compile(&recording.config.pattern) else {
            return false;
        };
        let fetcher = ReplayFetcher::new(&recording.rows);
        let run = ScraperRun::new(
            ScraperProgram::new(recording.config.clone(), Rc::new(fetcher), compiled.matcher),
            |_| {},
        );
        self.begin(run, Mode::Replay)
    }

    fn begin(&mut self, run: ScraperRun, mode: Mode) -> bool {
        self.run = Some(Rc::new(RefCell::new(run)));
        self.mode = mode;
        self.playing = true;
        self.tick(0.0)
    }

    /// Moves the run on by `real_ms` of wall-clock time (1× live, the
    /// replay speed in a replay).
    fn tick(&mut self, real_ms: f64) -> bool {
        if !self.playing {
            return false;
        }
        let Some(run) = &self.run else {
            self.playing = false;
            return true;
        };
        let speed = match self.mode {
            Mode::Live => 1.0,
            Mode::Replay => f64::from(self.replay_speed),
        };
        let scrape = advance(
            run,
            (real_ms.clamp(0.0, MAX_TICK_MS) * speed * 1e6) as Nanos,
        );
        if scrape.outcome.is_over() {
            self.playing = false;
            if self.mode == Mode::Live {
                self.recording = Some(Rc::new(Recording {
                    config: run.borrow().config().settings().clone(),
                    rows: scrape.rows.clone(),
                }));
            }
        }
        self.shown = Some(Rc::new(scrape));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scraper::fetch::FakeFetcher;
    use std::time::Duration;

    fn fake() -> Rc<dyn Fetcher> {
        let ms = Duration::from_millis;
        Rc::new(
            FakeFetcher::new()
                .page(DEFAULT_URLS[0], ms(300), "<img src=//logo.png width=270>")
                .page(DEFAULT_URLS[1], ms(100), "nothing")
                .page(
                    DEFAULT_URLS[2],
                    ms(200),
                    "<img src=//a width=1>\n<img src=//b width=1>",
                )
                .page(DEFAULT_URLS[3], ms(50), "<img src=//菜单/面.jpg width=1>"),
        )
    }

    fn edit(state: &mut ScraperState, field: ScraperField, text: &str) -> bool {
        state.apply(ScraperAction::Edit(field, text.to_string()))
    }

    fn play_out(state: &mut ScraperState) -> u32 {
        let mut ticks = 0;
        while state.playing {
            state.apply(ScraperAction::Tick(16.0));
            ticks += 1;
            assert!(ticks < 100_000, "the run does not end");
        }
        ticks
    }

    #[test]
    fn each_field_reports_its_own_problem() {
        let mut state = ScraperState::new(fake(), 1);
        assert!(state.ready());
        edit(&mut state, ScraperField::Fetchers, "two");
        edit(&mut state, ScraperField::Timeout, "10");
        edit(&mut state, ScraperField::CountDelay, "sometimes");
        assert_eq!(
            state.error(ScraperField::Fetchers),
            Some(&FieldProblem::NotWhole)
        );
        assert_eq!(
            state.error(ScraperField::Timeout),
            Some(&FieldProblem::NotDuration)
        );
        assert_eq!(
            state.error(ScraperField::CountDelay),
            Some(&FieldProblem::NotDelay)
        );
        assert!(!state.ready());
        assert!(
            !state.apply(ScraperAction::Start),
            "an invalid form does not start"
        );
        edit(&mut state, ScraperField::Fetchers, "0");
        edit(&mut state, ScraperField::Timeout, "10s");
        edit(&mut state, ScraperField::CountDelay, "const:0ms");
        assert_eq!(
            state.error(ScraperField::Fetchers),
            Some(&FieldProblem::Setting(ScraperProblem::OutOfRange {
                field: "fetchers",
                value: 0,
                lo: 1,
                hi: 100
            }))
        );
        edit(&mut state, ScraperField::Urls, "\n  \n");
        assert!(state.error(ScraperField::Urls).is_some());
    }

    #[test]
    fn an_invalid_regex_is_reported_and_the_run_does_not_start() {
        let mut state = ScraperState::new(fake(), 1);
        edit(&mut state, ScraperField::Regex, "src=//(.*? width");
        assert!(matches!(
            state.error(ScraperField::Regex),
            Some(FieldProblem::Regex(PatternError::Python { .. }))
        ));
        assert!(!state.apply(ScraperAction::Start));
        assert!(state.shown.is_none());
        edit(&mut state, ScraperField::Regex, "(?P<src>src)=//");
        assert!(state.ready());
        assert!(state.error(ScraperField::Regex).is_none());
    }

    #[test]
    fn a_live_run_plays_to_the_end_and_its_replay_shows_the_same_rows() {
        let mut state = ScraperState::new(fake(), 3);
        edit(&mut state, ScraperField::Fetchers, "2");
        assert!(state.apply(ScraperAction::Start));
        assert!(state.recording.is_none());
        play_out(&mut state);
        let finished = state.shown.clone().unwrap();
        assert_eq!(finished.outcome, Outcome::Completed);
        let counts: Vec<u64> = finished
            .rows
            .iter()
            .map(|r| r.matches.as_ref().unwrap().count)
            .collect();
        assert_eq!(counts, [1, 0, 2, 1]);
        let recording = state
            .recording
            .clone()
            .expect("a finished live run is recorded");
        // Editing the form afterwards does not change what a replay plays.
        edit(&mut state, ScraperField::Regex, "img");
        state.apply(ScraperAction::SetReplaySpeed(64));
        assert!(state.apply(ScraperAction::Replay));
        assert_eq!(state.mode, Mode::Replay);
        let ticks = play_out(&mut state);
        let replayed = state.shown.clone().unwrap();
        assert_eq!(replayed.rows, recording.rows);
        assert!(
            ticks < 10,
            "64× plays back faster than real time ({ticks} ticks)"
        );
    }

    #[test]
    fn the_plain_shape_ends_stuck_and_stop_holds_a_run() {
        let mut state = ScraperState::new(fake(), 3);
        state.apply(ScraperAction::SetShape(Shape::Plain));
        state.apply(ScraperAction::Start);
        state.apply(ScraperAction::Tick(16.0));
        assert!(state.apply(ScraperAction::Stop));
        let now = state.shown.as_ref().unwrap().now;
        assert!(!state.apply(ScraperAction::Tick(16.0)));
        assert_eq!(state.shown.as_ref().unwrap().now, now);
        state.apply(ScraperAction::Start);
        play_out(&mut state);
        let stuck = state.shown.as_ref().unwrap();
        assert_eq!(stuck.outcome, Outcome::Stuck);
        assert!(!stuck.stuck.is_empty(), "the counters wait forever");
    }

    #[test]
    fn a_copy_that_moves_on_leaves_the_original_as_it_was() {
        let mut state = ScraperState::new(fake(), 3);
        state.apply(ScraperAction::Start);
        state.apply(ScraperAction::Tick(16.0));
        let shown = state.shown.clone().unwrap();
        let before = (*shown).clone();
        let mut copy = state.clone();
        play_out(&mut copy);
        assert_eq!(copy.shown.as_ref().unwrap().outcome, Outcome::Completed);
        assert!(Rc::ptr_eq(state.shown.as_ref().unwrap(), &shown));
        assert_eq!(*shown, before, "what the original shows did not change");
        assert!(state.playing && state.recording.is_none());
        assert!(copy.recording.is_some());
    }
}
