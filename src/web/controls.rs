//! Playback controls — play/pause, step back, step, run to the end, reset,
//! speed, the run's status — the last event in a sentence, and the timeline
//! slider.

use yew::prelude::*;

use crate::clock::{MAX_SPEED, MIN_SPEED};
use crate::i18n::ui::{self, T};
use strum::VariantArray;

use crate::i18n::termination::{strategy_title, L};
use crate::i18n::{actor_name, log_line, Clock};
use crate::lang::Lang;
use crate::number::{parse_f64, Shortest};
use crate::playground::app::{Action, SPEEDS};
use crate::playground::lab::LabEdit;
use crate::playground::session::Session;
use crate::run::Outcome;
use crate::scenario::ending::Strategy;
use crate::scenario::ScenarioKind;

use super::shared::Dispatch;

pub struct ControlsProps {
    pub live: Session,
    /// Whether the settings are valid.
    pub ready: bool,
    /// Whether the engine's worker was lost, with no engine on the page.
    pub lost: bool,
    /// Whether the run shown is a live run watched (no moves of it).
    pub watching: bool,
    pub lang: Lang,
    pub dispatch: Dispatch,
}

/// A small inline icon (text glyphs for these are missing from many fonts).
fn icon(path: &'static str) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
            <path d={path} fill="currentColor" />
        </svg>
    }
}

const PLAY: &str = "M4 2.5v11l9-5.5z";
const PAUSE: &str = "M4 2.5h3v11H4zM9 2.5h3v11H9z";
const STEP: &str = "M3 2.5v11l7-5.5zM11 2.5h2.5v11H11z";
const BACK: &str = "M13 2.5v11l-7-5.5zM5 2.5H2.5v11H5z";
const TO_END: &str = "M1 2.5v11l6-5.5zM7 2.5v11l6-5.5zM13 2.5h2v11h-2z";
const RESET: &str = "M8 3V.5L4.5 4 8 7.5V5a4 4 0 1 1-4 4H2a6 6 0 1 0 6-6z";

fn send(dispatch: &Dispatch, action: Action) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_| dispatch.dispatch(action.clone()))
}

/// A long move of the engine (a run to the end, a seek far into a run):
/// how far it has come, and a button to call it off.
fn progress(session: &Session, dispatch: &Dispatch, lang: Lang) -> Html {
    let Some((pending, report)) = session
        .pending()
        .and_then(|p| p.progress.map(|report| (p, report)))
    else {
        return Html::default();
    };
    let total = session.config().total_items();
    let done = report.consumed.min(total);
    html! {
        <div class="progress" id="progress" role="status">
            <progress id="progress-bar" max={total.to_string()} value={done.to_string()}></progress>
            <span id="progress-text">{ ui::progress(done, total, report.elapsed_ms, lang) }</span>
            <button type="button" id="cancel" disabled={pending.cancelled}
                onclick={send(dispatch, Action::Cancel)}>
                { T::Cancel.get(lang) }
            </button>
        </div>
    }
}

pub fn controls(props: &ControlsProps) -> Html {
    let lang = props.lang;
    let session = &props.live;
    let now = session.moment().now;
    let outcome = session.moment().outcome;
    let playing = session.is_playing();
    let speed = session.speed();
    let disabled = !props.ready || props.watching;
    let over = outcome.is_over();

    let play_label = if playing {
        T::Pause
    } else if over {
        T::Replay
    } else {
        T::Play
    };
    let onspeed = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            if let Some(speed) = parse_f64(&value) {
                dispatch.dispatch(Action::SetSpeed(speed));
            }
        })
    };
    let mut speeds: Vec<f64> = SPEEDS.to_vec();
    if !speeds.contains(&speed) && (MIN_SPEED..=MAX_SPEED).contains(&speed) {
        // SPEEDS is in order; keep it so (an insert, not a sort: a sort
        // would bring a whole sorting routine into the wasm).
        let at = speeds.partition_point(|&s| s < speed);
        speeds.insert(at, speed);
    }
    let status_class = match outcome {
        Outcome::Running if playing => "status playing",
        Outcome::Running => "status paused",
        Outcome::Completed => "status completed",
        Outcome::Stuck => "status stuck",
        Outcome::TimeLimit => "status limit",
    };

    // The timeline, in whole virtual milliseconds; the last step reaches
    // the horizon itself.
    let horizon = session.horizon();
    let max_ms = horizon.div_ceil(1_000_000);
    let now_ms = if now >= horizon {
        max_ms
    } else {
        now / 1_000_000
    };
    let onseek = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            if let Ok(ms) = value.parse::<u64>() {
                dispatch.dispatch(Action::Seek(ms.saturating_mul(1_000_000)));
            }
        })
    };

    html! {
        // Busy while the engine (in the worker) makes a move: what is shown
        // is the moment before it. Not while the run plays: it always asks
        // for the next frame's moment, and an attribute that flipped twice
        // a frame would restyle the page twice a frame.
        <section class="panel controls" aria-labelledby="controls-title"
            aria-busy={(session.pending().is_some() && !playing).to_string()}>
            <h2 id="controls-title" class="visually-hidden">{ T::Controls.get(lang) }</h2>
            <div class="buttons">
                <button type="button" class="primary" id="play" {disabled}
                    onclick={send(&props.dispatch, Action::TogglePlay)}>
                    { icon(if playing { PAUSE } else { PLAY }) }
                    { play_label.get(lang) }
                </button>
                <button type="button" id="step-back" disabled={disabled || now == 0 && session.moment().event_count == 0}
                    onclick={send(&props.dispatch, Action::StepBack)}>
                    { icon(BACK) }
                    { T::StepBack.get(lang) }
                </button>
                <button type="button" id="step" disabled={disabled || over}
                    onclick={send(&props.dispatch, Action::Step)}>
                    { icon(STEP) }
                    { T::Step.get(lang) }
                </button>
                <button type="button" id="run-to-end" disabled={disabled || over}
                    onclick={send(&props.dispatch, Action::RunToEnd)}>
                    { icon(TO_END) }
                    { T::RunToEnd.get(lang) }
                </button>
                <button type="button" id="reset" disabled={props.watching} onclick={send(&props.dispatch, Action::Reset)}>
                    { icon(RESET) }
                    { T::Reset.get(lang) }
                </button>
                <label class="speed">
                    <span>{ T::Speed.get(lang) }</span>
                    <select id="speed" onchange={onspeed}>
                        { for speeds.iter().map(|&s| html! {
                            <option value={Shortest(s).to_string()} selected={s == speed}>{ ui::speed(s) }</option>
                        }) }
                    </select>
                </label>
                { strategy_picker(session, &props.dispatch, lang) }
                <span class={status_class} id="status" role="status">
                    { ui::outcome(outcome, playing || props.watching, lang) }
                </span>
            </div>
            if !props.ready {
                <p class="field-error" id="settings-blocked">{ T::FixSettings.get(lang) }</p>
            }
            { progress(session, &props.dispatch, lang) }
            { narration(session, lang) }
            if props.lost {
                <p class="field-error" id="engine-lost" role="alert">{ T::EngineLost.get(lang) }</p>
            }
            <div class="timeline">
                <label for="timeline">{ T::Timeline.get(lang) }</label>
                <input type="range" id="timeline" min="0" max={max_ms.to_string()} step="1"
                    value={now_ms.to_string()} disabled={horizon == 0 || disabled}
                    aria-valuetext={Clock(now).to_string()}
                    aria-describedby="timeline-hint"
                    oninput={onseek} />
                <output for="timeline" id="timeline-position">
                    { ui::timeline_position(now, horizon) }
                </output>
            </div>
            <p class="hint" id="timeline-hint">{ T::TimelineHint.get(lang) }{ " · " }{ T::KeysHint.get(lang) }</p>
        </section>
    }
}

/// The last event shown, in the log's words, beside the controls that
/// move the run. A polite live region while the run is paused (a step, a
/// step back, a seek is read out); silent while it plays, when events pass
/// faster than anyone listens.
fn narration(session: &Session, lang: Lang) -> Html {
    let roles = session.roles();
    let scenario = session.config().scenario;
    let text = session.log().log.entries().last().map(|(_, event)| {
        let who = roles
            .get(event.actor.0 as usize)
            .map(|&r| actor_name(scenario, r, lang))
            .unwrap_or_default();
        format!(
            "{} {who}: {}",
            Clock(event.time),
            log_line(scenario, event, roles, lang)
        )
    });
    let live = if session.is_playing() {
        "off"
    } else {
        "polite"
    };
    html! {
        <p class="narration" id="narration" aria-live={live}>{ text.unwrap_or_default() }</p>
    }
}

/// In the termination lab, the way of stopping beside Play (the lab's own
/// picker is far down the page): the same choice, as a select.
fn strategy_picker(session: &Session, dispatch: &Dispatch, lang: Lang) -> Html {
    let config = session.config();
    if config.scenario != ScenarioKind::Termination {
        return html! {};
    }
    let current = config.termination.strategy;
    let onchange = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            if let Ok(strategy) = value.parse::<Strategy>() {
                dispatch.dispatch(Action::EditLab(LabEdit::Strategy(strategy)));
            }
        })
    };
    html! {
        <label class="speed">
            <span>{ L::Strategy.get(lang) }</span>
            <select id="strategy-quick" {onchange}>
                { for Strategy::VARIANTS.iter().map(|&s| html! {
                    <option value={s.name()} selected={s == current}>{ strategy_title(s, lang) }</option>
                }) }
            </select>
        </label>
    }
}
