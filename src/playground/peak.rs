//! The peak-shaving view's state, free of the browser: the preset, the
//! settings as typed (each field with its own problem when its text cannot
//! be used), and the report of the last valid run. Every change goes
//! through [`PeakState::apply`]; a valid form is run to the end at once
//! (the page caps the traffic at [`PAGE_MAX_REQUESTS`] so that stays quick):
//! away, in the page's worker ([`PeakState::command`], the report arrives
//! with [`PeakState::arrive`]), or here with the feature `page-engine`.

use std::rc::Rc;

use crate::delay::{parse_duration, Delay, DurationText};
use crate::number::Shortest;
use crate::peak::config::{parse_rate, Problem};
use crate::peak::{Burst, PeakConfig, PeakReport, PeakRun, Preset};

use super::session::{next_id, Command, Reply};

/// Most requests the page runs on each edit (the command line allows more):
/// both variants of 50,000 requests take a fraction of a second.
pub const PAGE_MAX_REQUESTS: f64 = 50_000.0;

/// The run of `config` to its end (made in the page's worker, or here with
/// the feature `page-engine`).
pub fn run(config: &PeakConfig) -> PeakReport {
    let mut run = PeakRun::new(config.clone());
    run.run_to_end();
    run.report()
}

/// The form's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PeakField {
    Seed,
    BaseRate,
    Bursts,
    Duration,
    Workers,
    ServiceDelay,
    Capacity,
    Overload,
}

impl PeakField {
    /// The text fields, in the order they are shown.
    pub const TEXT: [PeakField; 7] = [
        PeakField::Seed,
        PeakField::BaseRate,
        PeakField::Bursts,
        PeakField::Duration,
        PeakField::Workers,
        PeakField::ServiceDelay,
        PeakField::Capacity,
    ];

    /// The element id of the field's input (its message adds `-error`).
    pub fn id(self) -> &'static str {
        match self {
            PeakField::Seed => "peak-seed",
            PeakField::BaseRate => "peak-base-rate",
            PeakField::Bursts => "peak-bursts",
            PeakField::Duration => "peak-duration",
            PeakField::Workers => "peak-workers",
            PeakField::ServiceDelay => "peak-service-delay",
            PeakField::Capacity => "peak-capacity",
            PeakField::Overload => "peak-overload",
        }
    }

    /// The field a setting's problem belongs to.
    fn of(problem: &Problem) -> PeakField {
        match problem.field() {
            "base-rate" => PeakField::BaseRate,
            "burst" => PeakField::Bursts,
            "workers" => PeakField::Workers,
            "service-delay" => PeakField::ServiceDelay,
            "capacity" => PeakField::Capacity,
            "overload" => PeakField::Overload,
            _ => PeakField::Duration,
        }
    }
}

/// Why a field's text cannot be used.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldProblem {
    /// Not a whole number (seed, workers, capacity).
    NotWhole,
    /// Not a rate (requests per second).
    NotRate,
    /// Not a duration with a unit.
    NotDuration,
    /// Not a delay (`exp:100ms`, …).
    NotDelay,
    /// Burst number n (1-based) is not `START,LENGTH,RATE`.
    NotBurst(usize),
    /// The value reads but is out of range.
    Setting(Problem),
}

/// A field and what is wrong with it.
#[derive(Clone, Debug, PartialEq)]
pub struct PeakError {
    pub field: PeakField,
    pub problem: FieldProblem,
}

/// The settings as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct PeakForm {
    pub seed: String,
    pub base_rate: String,
    /// Bursts as `START,LENGTH,RATE`, separated by `;`.
    pub bursts: String,
    pub duration: String,
    pub workers: String,
    pub service: String,
    pub capacity: String,
    pub overload: bool,
}

impl PeakForm {
    /// The form showing `config`.
    pub fn from_config(config: &PeakConfig) -> PeakForm {
        let bursts: Vec<String> = config.bursts.iter().map(Burst::to_string).collect();
        PeakForm {
            seed: config.seed.to_string(),
            base_rate: Shortest(config.base_rate).to_string(),
            bursts: bursts.join("; "),
            duration: DurationText(config.duration).to_string(),
            workers: config.workers.to_string(),
            service: config.service.to_string(),
            capacity: config.capacity.to_string(),
            overload: config.overload,
        }
    }

    /// A text field's text.
    pub fn text(&self, field: PeakField) -> &str {
        match field {
            PeakField::Seed => &self.seed,
            PeakField::BaseRate => &self.base_rate,
            PeakField::Bursts => &self.bursts,
            PeakField::Duration => &self.duration,
            PeakField::Workers => &self.workers,
            PeakField::ServiceDelay => &self.service,
            PeakField::Capacity => &self.capacity,
            PeakField::Overload => "",
        }
    }

    pub(super) fn set(&mut self, field: PeakField, text: String) {
        match field {
            PeakField::Seed => self.seed = text,
            PeakField::BaseRate => self.base_rate = text,
            PeakField::Bursts => self.bursts = text,
            PeakField::Duration => self.duration = text,
            PeakField::Workers => self.workers = text,
            PeakField::ServiceDelay => self.service = text,
            PeakField::Capacity => self.capacity = text,
            PeakField::Overload => {}
        }
    }

    /// The config, or every field's problem: first each text must read,
    /// then the settings must be in range (one problem, at its field).
    pub fn config(&self) -> Result<PeakConfig, Vec<PeakError>> {
        let mut errors = Vec::new();
        let mut fail = |field, problem| errors.push(PeakError { field, problem });
        let whole = |text: &str| text.trim().parse::<u64>().ok();
        let seed = whole(&self.seed);
        if seed.is_none() {
            fail(PeakField::Seed, FieldProblem::NotWhole);
        }
        let base_rate = parse_rate(&self.base_rate).ok();
        if base_rate.is_none() {
            fail(PeakField::BaseRate, FieldProblem::NotRate);
        }
        let mut bursts = Vec::new();
        for (i, text) in self
            .bursts
            .split(';')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .enumerate()
        {
            match text.parse::<Burst>() {
                Ok(burst) => bursts.push(burst),
                Err(_) => {
                    fail(PeakField::Bursts, FieldProblem::NotBurst(i + 1));
                    break;
                }
            }
        }
        let duration = parse_duration(&self.duration).ok();
        if duration.is_none() {
            fail(PeakField::Duration, FieldProblem::NotDuration);
        }
        let workers = whole(&self.workers).and_then(|n| u32::try_from(n).ok());
        if workers.is_none() {
            fail(PeakField::Workers, FieldProblem::NotWhole);
        }
        let service = self.service.parse::<Delay>().ok();
        if service.is_none() {
            fail(PeakField::ServiceDelay, FieldProblem::NotDelay);
        }
        let capacity = whole(&self.capacity).and_then(|n| usize::try_from(n).ok());
        if capacity.is_none() {
            fail(PeakField::Capacity, FieldProblem::NotWhole);
        }
        let (
            Some(seed),
            Some(base_rate),
            Some(duration),
            Some(workers),
            Some(service),
            Some(capacity),
            true,
        ) = (
            seed,
            base_rate,
            duration,
            workers,
            service,
            capacity,
            errors.is_empty(),
        )
        else {
            return Err(errors);
        };
        let config = PeakConfig {
            seed,
            base_rate,
            bursts,
            duration,
            workers,
            service,
            capacity,
            overload: self.overload,
        };
        config.check(PAGE_MAX_REQUESTS).map_err(|problem| {
            vec![PeakError {
                field: PeakField::of(&problem),
                problem: FieldProblem::Setting(problem),
            }]
        })?;
        Ok(config)
    }
}

/// What can happen to the view.
#[derive(Clone, Debug, PartialEq)]
pub enum PeakAction {
    /// Start over from a preset (keeping the seed).
    Preset(Preset),
    Edit(PeakField, String),
    SetOverload(bool),
    /// A new random seed, drawn by the browser.
    NewSeed(u64),
}

/// The view's state.
#[derive(Clone, Debug, PartialEq)]
pub struct PeakState {
    /// The preset last picked (the fields may differ from it since).
    pub preset: Preset,
    pub form: PeakForm,
    pub errors: Vec<PeakError>,
    /// The run of the form's settings; `None` while they are invalid or
    /// it is being computed away.
    pub report: Option<Rc<PeakReport>>,
    /// The settings of `report` (or of the run asked for).
    pub config: Option<PeakConfig>,
    /// Whether the runs are made away (in the page's worker).
    pub away: bool,
    /// The id of the run asked for last.
    asked: u64,
}

impl PeakState {
    /// The flash-sale preset with `seed`, already run here (with the
    /// feature `page-engine`; otherwise its run is asked for away).
    pub fn new(seed: u64) -> PeakState {
        PeakState::with(seed, !cfg!(feature = "page-engine"))
    }

    /// The flash-sale preset with `seed`, its run asked for away.
    pub fn away(seed: u64) -> PeakState {
        PeakState::with(seed, true)
    }

    fn with(seed: u64, away: bool) -> PeakState {
        let preset = Preset::FlashSale;
        PeakState::opened(preset, PeakForm::from_config(&preset.config(seed)), away)
    }

    /// The settings of a link (a preset and the form), run here or away.
    pub fn opened(preset: Preset, form: PeakForm, away: bool) -> PeakState {
        let mut state = PeakState {
            preset,
            form,
            errors: Vec::new(),
            report: None,
            config: None,
            away,
            asked: 0,
        };
        state.refresh();
        state
    }

    /// Whether a run is asked for and not arrived yet.
    pub fn computing(&self) -> bool {
        self.config.is_some() && self.report.is_none()
    }

    /// What to ask of the engine away: the run of the settings, until its
    /// report arrives.
    pub fn command(&self) -> Option<Command> {
        let config = self
            .config
            .as_ref()
            .filter(|_| self.away && self.report.is_none())?;
        Some(Command::Peak {
            id: self.asked,
            config: Rc::new(config.clone()),
        })
    }

    /// Takes the engine's reply; false when it is not the run asked for.
    pub fn arrive(&mut self, reply: Reply) -> bool {
        match reply {
            Reply::Peak(id, report) if id == self.asked && self.computing() => {
                self.report = Some(report);
                true
            }
            _ => false,
        }
    }

    /// Runs here from now on (the engine away is lost); a run asked for is
    /// made now.
    #[cfg(feature = "page-engine")]
    pub fn come_home(&mut self) {
        self.away = false;
        self.run_here();
    }

    #[cfg(feature = "page-engine")]
    fn run_here(&mut self) {
        if let (false, Some(config), None) = (self.away, &self.config, &self.report) {
            self.report = Some(Rc::new(run(config)));
        }
    }

    /// Applies an action; false if nothing changed.
    pub fn apply(&mut self, action: PeakAction) -> bool {
        let before = self.form.clone();
        match action {
            PeakAction::Preset(preset) => {
                let seed = self.form.seed.clone();
                self.preset = preset;
                self.form = PeakForm::from_config(&preset.config(0));
                self.form.seed = seed;
            }
            PeakAction::Edit(field, text) => self.form.set(field, text),
            PeakAction::SetOverload(on) => self.form.overload = on,
            PeakAction::NewSeed(seed) => self.form.seed = seed.to_string(),
        }
        if self.form == before {
            return false;
        }
        self.refresh();
        true
    }

    /// The problem of a field, if it has one.
    pub fn error(&self, field: PeakField) -> Option<&FieldProblem> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| &e.problem)
    }

    /// Re-reads the form; runs it when it is valid and new.
    fn refresh(&mut self) {
        match self.form.config() {
            Ok(config) => {
                self.errors.clear();
                if self.config.as_ref() != Some(&config) {
                    self.report = None;
                    self.config = Some(config);
                    self.asked = next_id();
                    #[cfg(feature = "page-engine")]
                    self.run_here();
                }
            }
            Err(errors) => {
                self.errors = errors;
                self.report = None;
                self.config = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    fn edit(state: &mut PeakState, field: PeakField, text: &str) -> bool {
        state.apply(PeakAction::Edit(field, text.to_string()))
    }

    #[test]
    fn starts_with_the_flash_sale_run() {
        let state = PeakState::new(42);
        assert_eq!(
            state.form,
            PeakForm::from_config(&Preset::FlashSale.config(42))
        );
        assert_eq!(state.form.bursts, "20s,5s,120");
        let report = state.report.as_ref().unwrap();
        assert!(report.direct.rejected > 0);
        assert_eq!(report.queued.dropped, 0);
        assert_eq!(state.config, Some(Preset::FlashSale.config(42)));
    }

    #[test]
    fn the_form_reads_back_every_preset() {
        for &preset in Preset::VARIANTS {
            let config = preset.config(9);
            assert_eq!(PeakForm::from_config(&config).config(), Ok(config));
        }
    }

    #[test]
    fn each_bad_field_gets_its_own_problem() {
        let mut state = PeakState::new(1);
        assert!(edit(&mut state, PeakField::Workers, "four"));
        assert!(edit(&mut state, PeakField::BaseRate, "-3"));
        assert!(edit(&mut state, PeakField::Bursts, "20s,5s,120; 30s"));
        assert_eq!(
            state.error(PeakField::Workers),
            Some(&FieldProblem::NotWhole)
        );
        assert_eq!(
            state.error(PeakField::BaseRate),
            Some(&FieldProblem::NotRate)
        );
        assert_eq!(
            state.error(PeakField::Bursts),
            Some(&FieldProblem::NotBurst(2))
        );
        assert_eq!(state.error(PeakField::Capacity), None);
        assert!(state.report.is_none(), "no run of invalid settings");
        // Fixed one by one, the run comes back.
        edit(&mut state, PeakField::Workers, "4");
        edit(&mut state, PeakField::BaseRate, "20");
        edit(&mut state, PeakField::Bursts, "20s,5s,120; 30s,1s,80");
        assert!(state.errors.is_empty(), "{:?}", state.errors);
        assert_eq!(state.config.as_ref().unwrap().bursts.len(), 2);
        assert!(state.report.is_some());
    }

    #[test]
    fn out_of_range_settings_point_at_their_field() {
        let mut state = PeakState::new(1);
        edit(&mut state, PeakField::Bursts, "90s,1s,50");
        assert_eq!(
            state.error(PeakField::Bursts),
            Some(&FieldProblem::Setting(Problem::BurstAfterEnd { burst: 1 }))
        );
        edit(&mut state, PeakField::Bursts, "");
        assert!(state.errors.is_empty(), "no bursts is fine");
        edit(&mut state, PeakField::BaseRate, "5000");
        assert!(matches!(
            state.error(PeakField::Duration),
            Some(FieldProblem::Setting(Problem::TooMuchTraffic { .. }))
        ));
        edit(&mut state, PeakField::BaseRate, "20");
        edit(&mut state, PeakField::Capacity, "0");
        assert!(state.apply(PeakAction::SetOverload(true)));
        assert_eq!(
            state.error(PeakField::Overload),
            Some(&FieldProblem::Setting(Problem::OverloadUnbounded))
        );
        edit(&mut state, PeakField::ServiceDelay, "exp:0ms");
        assert_eq!(
            state.error(PeakField::ServiceDelay),
            Some(&FieldProblem::Setting(Problem::ServiceMean))
        );
        assert_eq!(
            state.error(PeakField::Overload),
            None,
            "one range problem at a time"
        );
        edit(&mut state, PeakField::ServiceDelay, "fast");
        assert_eq!(
            state.error(PeakField::ServiceDelay),
            Some(&FieldProblem::NotDelay)
        );
    }

    #[test]
    fn presets_keep_the_seed_and_unchanged_edits_do_nothing() {
        let mut state = PeakState::new(7);
        assert!(state.apply(PeakAction::Preset(Preset::Steady)));
        assert_eq!(state.form.seed, "7");
        assert_eq!(state.form.bursts, "");
        assert_eq!(state.preset, Preset::Steady);
        assert!(state.report.as_ref().unwrap().direct.theory.is_some());
        assert!(!edit(&mut state, PeakField::Workers, "4"), "already 4");
        assert!(state.apply(PeakAction::NewSeed(8)));
        assert_eq!(state.config.as_ref().unwrap().seed, 8);
    }
}
