//! The root component: holds the page state in one reducer, drives the runs
//! with a timer while one plays, wires the keyboard shortcuts and the URL
//! fragment, and lays the page out. It imports the views; they never import
//! it (what they share is in [`super::shared`]).

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::i18n::ui::T;
use crate::lang::Lang;
use crate::playground::app::{key_action, Action, Announced, AppState, KeyTarget, Section};
use crate::playground::lessons::LessonAction;
use crate::playground::session::{next_id, Command, Session};
use crate::scraper::browser::BrowserFetcher;

use super::controls::{controls, ControlsProps};
use super::dom::{self, WindowListener};
use super::leaf::subtitle;
use super::lessons::{lesson_list, lesson_step};
use super::log::{log_view, DrawnLog};
use super::panels::{charts_panel, export_panel, python_panel, PythonProps};
use super::panic;
use super::peak::{peak_lab, PeakLabProps};
use super::scraper::{scraper_lab, ScraperLabProps};
use super::settings::Side;
use super::shared::{Dispatch, LiveProps};
use super::stage::{counters, stage_view, Drawn, StageProps};
use super::termination::TerminationLab;
use super::ticker::use_ticker;
use super::worker::EngineWorker;

/// Above this speed a run that plays changes more on every frame than
/// anyone follows (the stage draws its lanes in turn, without animations).
const FAST_SPEED: f64 = 10.0;

/// While a run plays faster than [`FAST_SPEED`], the page takes a new
/// moment when at least this much real time passed: every other frame at
/// 60 frames a second, so the page changes 30 times a second and the main
/// thread does half the work of drawing it (the browser still draws every
/// frame; nothing on the page is late for one).
const FAST_FRAME_MS: f64 = 25.0;

#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    /// The fragment to open; the URL's own when `None`.
    #[prop_or_default]
    pub fragment: Option<AttrValue>,
    /// The language to start in; the browser's when `None`.
    #[prop_or_default]
    pub lang: Option<Lang>,
    /// Whether the playground's engine runs in a Web Worker (the page's
    /// own `canteen-worker`); otherwise, and if the worker fails, here.
    #[prop_or_default]
    pub worker: bool,
}

/// What a key press landed on.
fn key_target(event: &KeyboardEvent) -> KeyTarget {
    let Some(element) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return KeyTarget::Page;
    };
    match element.tag_name().as_str() {
        // On the timeline the arrows step by events, not by milliseconds.
        _ if element.id() == "timeline" => KeyTarget::Page,
        "INPUT" | "SELECT" | "TEXTAREA" => KeyTarget::Field,
        _ if element.is_content_editable() => KeyTarget::Field,
        "BUTTON" | "A" | "SUMMARY" => KeyTarget::Button,
        _ => KeyTarget::Page,
    }
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let worker = {
        let wanted = props.worker;
        use_mut_ref(move || wanted.then(EngineWorker::spawn).flatten())
    };
    let state = {
        let fragment = props.fragment.clone();
        let lang = props.lang;
        let away = worker.borrow().is_some();
        use_reducer(move || {
            let fragment = fragment.map_or_else(dom::fragment, |f| f.to_string());
            let lang = lang.unwrap_or_else(dom::preferred_lang);
            let mut state = AppState::new(lang, &fragment, Rc::new(BrowserFetcher));
            state.apply(Action::Lesson(LessonAction::Restore(dom::load_progress())));
            if away {
                state.away()
            } else {
                state
            }
        })
    };
    let dispatch = state.dispatcher();

    // The worker's replies come back as actions; the session's commands go
    // to it, each once.
    {
        let dispatch = dispatch.clone();
        let worker = worker.clone();
        let wanted = props.worker;
        use_effect_with((), move |_| match worker.borrow_mut().as_mut() {
            Some(worker) => worker.listen(dispatch),
            // The browser refused to start it: nothing runs the playground
            // (without the page's own engine), and the page says so.
            None if wanted && cfg!(not(feature = "page-engine")) => {
                dispatch.dispatch(Action::EngineLost)
            }
            None => {}
        });
    }
    {
        let worker = worker.clone();
        use_effect_with(state.session.command(), move |command| {
            if let (Some(worker), Some(command)) = (worker.borrow().as_ref(), command) {
                worker.send(command);
            }
        });
    }
    // A page served by `canteen live --serve` watches its run.
    {
        let worker = worker.clone();
        let dispatch = dispatch.clone();
        let config = Rc::clone(state.session.config_rc());
        use_effect_with((), move |_| {
            let source = super::live::watch(worker, config, &dispatch);
            move || drop(source)
        });
    }
    // And the lab's, peak shaving's and the lesson's results are asked
    // for, each once.
    {
        let dispatch = dispatch.clone();
        let asker = worker.clone();
        use_effect_with(state.commands(), move |commands| {
            if let Some(worker) = asker.borrow().as_ref() {
                for command in commands.iter().flatten() {
                    worker.send(command);
                }
            } else {
                // No worker: a lesson is worded and the program written
                // here (the engine is here).
                #[cfg(feature = "page-engine")]
                for command in commands.iter().flatten() {
                    use crate::playground::session::Reply;
                    let reply = match command {
                        Command::Lesson {
                            id,
                            lesson,
                            seed,
                            lang,
                        } => Reply::Lesson(
                            *id,
                            Rc::new(crate::i18n::lessons::given(*lesson, *seed, *lang)),
                        ),
                        Command::Python { id, config, lang } => {
                            Reply::Python(*id, crate::python::python_code(config, *lang).into())
                        }
                        _ => continue,
                    };
                    dispatch.dispatch(Action::Engine(reply));
                }
                let _ = &dispatch;
            }
        });
    }
    // The lessons' progress is kept in the browser.
    use_effect_with(state.lessons.progress.to_text(), |text| {
        dom::save_progress(text)
    });
    let lang = state.lang;
    panic::set_lang(lang);
    let section = state.section;
    // The keyboard shortcuts drive the playground's run only while it is
    // shown: on its part, or in a lesson once answered (not before).
    let shown = use_mut_ref(|| true);
    *shown.borrow_mut() = section == Section::Playground
        || (section == Section::Lessons
            && state.lessons.open.as_ref().is_some_and(|o| {
                o.checked.is_some() && o.given.as_ref().is_some_and(|g| g.config.is_some())
            }));

    // Drive the runs while one plays; a run that plays fast takes a new
    // moment every other frame (see FAST_FRAME_MS).
    let fast = state.session.is_playing() && state.session.speed() > FAST_SPEED;
    use_ticker(state.playing(), if fast { FAST_FRAME_MS } else { 0.0 }, {
        let dispatch = dispatch.clone();
        Callback::from(move |real_ms| dispatch.dispatch(Action::Tick(real_ms)))
    });

    // Keyboard shortcuts and links opened while the page is open.
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let keys = {
                let dispatch = dispatch.clone();
                WindowListener::new("keydown", move |event| {
                    if !*shown.borrow() {
                        return;
                    }
                    let Ok(event) = event.dyn_into::<KeyboardEvent>() else {
                        return;
                    };
                    let modifier = event.ctrl_key() || event.meta_key() || event.alt_key();
                    if let Some(action) = key_action(&event.key(), key_target(&event), modifier) {
                        event.prevent_default();
                        dispatch.dispatch(action);
                    }
                })
            };
            let hash = WindowListener::new("hashchange", move |_| {
                dispatch.dispatch(Action::OpenLink(dom::fragment()));
            });
            move || drop((keys, hash))
        });
    }

    // The window's title and the page's language follow the language shown.
    use_effect_with(lang, |&lang| dom::name_document(lang));

    // Keep the URL's fragment a link to this run.
    let fragment = state.fragment();
    use_effect_with(fragment.clone(), |fragment| {
        if let Some(fragment) = fragment {
            dom::replace_fragment(fragment);
        }
    });

    let live = state.session.clone();
    let notice = (!state.notice.is_empty()).then(|| {
        let onclick = {
            let dispatch = dispatch.clone();
            Callback::from(move |_| dispatch.dispatch(Action::DismissNotice))
        };
        html! {
            <div class="notice" role="alert">
                <p>{ crate::i18n::ui::link_ignored(&state.notice, lang) }</p>
                <button type="button" {onclick}>{ T::Dismiss.get(lang) }</button>
            </div>
        }
    });
    // A file of the run: made in the worker, which the page saves on its
    // answer; or here, where the engine is on the page.
    let save = {
        let worker = worker.clone();
        let live = state.session.clone();
        Callback::from(move |what| match worker.borrow().as_ref() {
            Some(worker) => worker.send(&Command::Export {
                id: next_id(),
                config: Rc::clone(live.config_rc()),
                to: live.position(),
                what,
                lang,
            }),
            #[cfg(feature = "page-engine")]
            None => super::panels::save_here(&live, lang, what),
            #[cfg(not(feature = "page-engine"))]
            None => {}
        })
    };
    let scenario = state.form.scenario;
    // The worker is lost and nothing runs here: what waits for it says so.
    let lost = state.engine_lost && cfg!(not(feature = "page-engine"));

    // The playground and a lesson show the run with the same views (each
    // written once: a view written twice is built twice into the wasm).
    let open = state
        .lessons
        .open
        .as_ref()
        .filter(|_| section == Section::Lessons);
    let playground = section == Section::Playground;
    let checked = open.is_some_and(|o| o.checked.is_some());
    let given = open.and_then(|o| o.given.as_ref());
    let lesson_run = given.is_some_and(|g| g.config.is_some());
    // A lesson's run shows at its start before the answer, whole after it.
    let run = playground || lesson_run;
    let whole = playground || (lesson_run && checked);
    // Peak shaving's lab: its own part, or the lesson's once answered.
    let peak = state
        .peak
        .as_ref()
        .filter(|_| section == Section::PeakShaving || (checked && given.is_some() && !lesson_run));

    let shown_part = match section {
        Section::Playground | Section::Lessons => html! {
            <>
                <div class={classes!("layout", (!playground).then_some("lessons"))}>
                    if playground {
                        <Side scenario={scenario} form={state.form.clone()} errors={state.errors.clone()}
                            fragment={fragment} {lang} dispatch={dispatch.clone()} />
                    } else {
                        <div class="col col-side">{ lesson_list(&state.lessons, lang) }</div>
                    }
                    <div class="col col-main">
                        { for open.map(|o| lesson_step(o, lost, lang, &dispatch)) }
                        if whole {
                            { controls(&ControlsProps {
                                live: live.clone(),
                                ready: state.ready(),
                                lost,
                                watching: state.watching(),
                                lang,
                                dispatch: dispatch.clone(),
                            }) }
                        }
                        if run {
                            <Watch live={live.clone()} {lang} announced={state.announced.clone()} log={whole} />
                        }
                    </div>
                </div>
                if playground {
                    <TerminationLab live={live.clone()} form={state.lab.clone()} results={state.lab_results.clone()} {lost} {lang} dispatch={dispatch.clone()} />
                    { charts_panel(&LiveProps { live, lang }) }
                    <div class="pair">
                        { python_panel(&PythonProps { python: &state.python, lang }) }
                        { export_panel(lang, &save) }
                    </div>
                }
            </>
        },
        Section::PeakShaving => Html::default(),
        Section::Scraper => scraper_lab(&ScraperLabProps {
            state: &state.scraper,
            lang,
            dispatch: &dispatch,
        }),
    };
    let onselect = {
        let dispatch = dispatch.clone();
        Callback::from(move |target| dispatch.dispatch(Action::ShowSection(target)))
    };

    html! {
        <main id="app-root" lang={lang.pick("zh-CN", "en")}>
            <header class="top">
                <div class="brand">
                    <h1>{ T::Title.get(lang) }{ for state.live.is_some().then(|| html! {
                        <span class="live-badge" title={T::LiveHint.get(lang)}>{ T::Live.get(lang) }</span>
                    }) }</h1>
                    { subtitle(T::Subtitle.get(lang)) }
                    { for state.live_prediction.map(|p| html! {
                        <p class="live-prediction">{ crate::i18n::ui::live_prediction(&p, lang) }</p>
                    }) }
                </div>
                { lang_switch(&LangSwitchProps { lang, dispatch: dispatch.clone() }) }
            </header>
            { section_tabs(&SectionTabsProps { current: section, lang, onselect }) }
            { for notice }
            { shown_part }
            { for peak.map(|peak| peak_lab(&PeakLabProps { state: peak, lost, lang, dispatch: &dispatch })) }
            <footer class="foot"><p>{ T::Footer.get(lang) }</p></footer>
        </main>
    }
}

/// The props of [`Watch`]: the run as shown now.
#[derive(Properties)]
struct WatchProps {
    live: Session,
    lang: Lang,
    /// The stage's text equivalent as last announced.
    announced: Option<Announced>,
    /// Whether the log is shown (a lesson shows it once answered).
    log: bool,
}

impl PartialEq for WatchProps {
    /// Equal while the stage, the counters and the log show the same: the
    /// same moment and log of the same run, played the same way.
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.live, &other.live);
        self.lang == other.lang
            && Rc::ptr_eq(a.moment_rc(), b.moment_rc())
            && Rc::ptr_eq(a.log(), b.log())
            && Rc::ptr_eq(a.config_rc(), b.config_rc())
            && a.is_playing() == b.is_playing()
            && a.speed() == b.speed()
            && self.announced == other.announced
            && self.log == other.log
    }
}

/// The stage, the counters and the log: a component of their own, drawn
/// again only when the moment shown changes (not when the page renders
/// for a move asked of the worker, or for a tick while it works).
#[function_component(Watch)]
fn watch(props: &WatchProps) -> Html {
    // The stage's lanes and slots as last drawn (it draws a few per frame while fast).
    let drawn = use_mut_ref(Drawn::default);
    // The log as last drawn (drawn again only when it changes).
    let drawn_log = use_mut_ref(DrawnLog::default);
    let (live, lang) = (&props.live, props.lang);
    html! {
        <>
            { stage_view(&StageProps { live: live.clone(), lang, drawn, announced: props.announced.clone() }) }
            { counters(&LiveProps { live: live.clone(), lang }) }
            if props.log {
                { log_view(&LiveProps { live: live.clone(), lang }, &drawn_log) }
            }
        </>
    }
}

struct SectionTabsProps {
    current: Section,
    lang: Lang,
    onselect: Callback<Section>,
}

/// The tabs that choose the part of the page shown.
fn section_tabs(props: &SectionTabsProps) -> Html {
    let tab = |target: Section, id: &'static str, label: T| {
        let onselect = props.onselect.clone();
        let onclick = Callback::from(move |_| onselect.emit(target));
        let current = props.current == target;
        html! {
            <button type="button" {id} class="seg" aria-pressed={current.to_string()} {onclick}>
                { label.get(props.lang) }
            </button>
        }
    };
    html! {
        <nav class="sections" aria-label={T::Sections.get(props.lang)}>
            { tab(Section::Playground, "tab-playground", T::SectionPlayground) }
            { tab(Section::PeakShaving, "tab-peak", T::SectionPeak) }
            { tab(Section::Scraper, "tab-scraper", T::SectionScraper) }
            { tab(Section::Lessons, "tab-lessons", T::SectionLessons) }
        </nav>
    }
}

struct LangSwitchProps {
    lang: Lang,
    dispatch: Dispatch,
}

/// The 中文 / English switch.
fn lang_switch(props: &LangSwitchProps) -> Html {
    let button = |target: Lang, label: &'static str, code: &'static str| {
        let dispatch = props.dispatch.clone();
        let onclick = Callback::from(move |_| dispatch.dispatch(Action::SetLang(target)));
        let pressed = props.lang == target;
        html! {
            <button type="button" class="seg" lang={code} aria-pressed={pressed.to_string()} {onclick}>
                { label }
            </button>
        }
    };
    html! {
        <div class="lang-switch" role="group" aria-label={T::Language.get(props.lang)}>
            { button(Lang::Zh, "中文", "zh-CN") }
            { button(Lang::En, "English", "en") }
        </div>
    }
}
