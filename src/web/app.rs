//! The root component: holds the page state in one reducer, drives the runs
//! with a timer while one plays, wires the keyboard shortcuts and the URL
//! fragment, and lays the page out. It imports the views; they never import
//! it (what they share is in [`super::shared`]).

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::i18n::ui::T;
use crate::lang::Lang;
use crate::playground::app::{key_action, Action, AppState, KeyTarget, Section};
use crate::scraper::browser::BrowserFetcher;

use super::controls::{controls, ControlsProps};
use super::dom::{self, WindowListener};
use super::leaf::subtitle;
use super::log::{log_view, DrawnLog};
use super::panels::{charts_panel, export_panel, PythonPanel};
use super::panic;
use super::peak::{peak_lab, PeakLabProps};
use super::scraper::{scraper_lab, ScraperLabProps};
use super::settings::{
    scenario_picker, settings_form, share_link, FormProps, PickerProps, ShareProps,
};
use super::shared::{Dispatch, LiveProps};
use super::stage::{counters, stage_view, Drawn, StageProps};
use super::termination::TerminationLab;
use super::ticker::use_ticker;
use super::worker::EngineWorker;

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
            let state = AppState::new(lang, &fragment, Rc::new(BrowserFetcher));
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
        use_effect_with((), move |_| {
            if let Some(worker) = worker.borrow_mut().as_mut() {
                worker.listen(dispatch);
            }
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
    // And the lab's and peak shaving's results are asked for, each once.
    use_effect_with(state.commands(), move |(lab, peak)| {
        if let Some(worker) = worker.borrow().as_ref() {
            for command in [lab, peak].into_iter().flatten() {
                worker.send(command);
            }
        }
    });
    let lang = state.lang;
    panic::set_lang(lang);
    let section = state.section;
    // The keyboard shortcuts drive the playground only while it is shown.
    let shown = use_mut_ref(|| Section::Playground);
    *shown.borrow_mut() = section;

    // Drive the runs while one plays.
    use_ticker(state.playing(), {
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
                    if *shown.borrow() != Section::Playground {
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
    // The stage's lanes and slots as last drawn (it draws a few per frame while fast).
    let drawn = use_mut_ref(Drawn::default);
    // The log as last drawn (drawn again only when it changes).
    let drawn_log = use_mut_ref(DrawnLog::default);
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
    let scenario = state.form.scenario;
    let config = state.session.config().clone();
    // The worker is lost and nothing runs here: what waits for it says so.
    let lost = state.engine_lost && cfg!(not(feature = "page-engine"));

    let shown_part = match section {
        Section::Playground => html! {
            <>
                <div class="layout">
                    <div class="col col-side">
                        { scenario_picker(&PickerProps { scenario, lang, dispatch: dispatch.clone() }) }
                        { settings_form(&FormProps {
                            form: state.form.clone(),
                            errors: state.errors.clone(),
                            lang,
                            dispatch: dispatch.clone(),
                        }) }
                        { share_link(&ShareProps { fragment, lang }) }
                    </div>
                    <div class="col col-main">
                        { controls(&ControlsProps {
                            live: live.clone(),
                            ready: state.ready(),
                            lost,
                            watching: state.watching(),
                            lang,
                            dispatch: dispatch.clone(),
                        }) }
                        { stage_view(&StageProps { live: live.clone(), lang, drawn }) }
                        { counters(&LiveProps { live: live.clone(), lang }) }
                        { log_view(&LiveProps { live: live.clone(), lang }, &drawn_log) }
                    </div>
                </div>
                <TerminationLab live={live.clone()} form={state.lab.clone()} results={state.lab_results.clone()} {lost} {lang} dispatch={dispatch.clone()} />
                { charts_panel(&LiveProps { live: live.clone(), lang }) }
                <div class="pair">
                    <PythonPanel config={config} {lang} />
                    { export_panel(&LiveProps { live, lang }) }
                </div>
            </>
        },
        Section::PeakShaving => state.peak.as_ref().map_or_else(Html::default, |peak| {
            peak_lab(&PeakLabProps {
                state: peak,
                lost,
                lang,
                dispatch: &dispatch,
            })
        }),
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
            <footer class="foot"><p>{ T::Footer.get(lang) }</p></footer>
        </main>
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
