//! The termination lab's panel (shown for the `termination` scenario): the
//! strategy picker, the two classic mistakes as buttons, the kill control
//! with broker acknowledgements, this run's outcome with where every item
//! went, the joinable queue and the broker side by side, every strategy
//! compared; and the blocked-on badges the stage shows for every scenario.

use strum::VariantArray;
use yew::prelude::*;

use crate::i18n::termination::{self as text, L};
use crate::i18n::ui;
use crate::i18n::Clock;
use crate::i18n::{self, item_name, item_short};
use crate::lang::Lang;
use crate::playground::app::Action;
use crate::playground::app::LabResults;
use crate::playground::lab::Summary;
use crate::playground::lab::{self, LabEdit, LabField, LabForm};
use crate::playground::session::Session;
use crate::scenario::ending::{KillWhen, Strategy};
use crate::scenario::{Config, ScenarioKind};
use crate::termination::ledger::Fate;
use crate::termination::report::{Row, Verdict};
use crate::trace::{ActorId, Role};

use super::leaf::{dd, dt, h3, h4, hint, legend, muted, td, th_col};
use super::shared::{hue, Dispatch};

/// The blocked-on badge of an actor that waits: what it waits on and its
/// place in that line; nothing if it does not wait.
pub fn blocked_badge(session: &Session, actor: ActorId, lang: Lang) -> Html {
    let Some(blocked) = session.moment().blocked(actor) else {
        return html! {};
    };
    let scenario = session.config().scenario;
    let waits_on = i18n::waiting_on(scenario, blocked.on, session.roles(), lang);
    html! {
        <span class="badge blocked" data-place={blocked.place.to_string()}>
            { text::badge(blocked, &waits_on, lang) }
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct LabProps {
    pub live: Session,
    /// What the panel's fields hold (part of the app's state).
    pub form: LabForm,
    /// The results for the run's settings (part of the app's state).
    pub results: Option<LabResults>,
    /// The worker that runs them is lost (see [`ui::T::EngineLost`]).
    pub lost: bool,
    pub lang: Lang,
    pub dispatch: Dispatch,
}

/// The panel; empty unless the run is the termination lab.
#[function_component(TerminationLab)]
pub fn termination_lab(props: &LabProps) -> Html {
    let lang = props.lang;
    let config = props.live.config().clone();
    if config.scenario != ScenarioKind::Termination {
        return html! {};
    }

    // Every control goes through one edit: valid settings restart the run,
    // a bad value stays in its field with its message.
    let edit = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |edit: LabEdit| dispatch.dispatch(Action::EditLab(edit)))
    };
    let form = &props.form;
    let field_problem = |field: LabField| form.problem(field).map(|p| ui::problem(p, lang));

    let s = config.termination;
    let strategies = Strategy::VARIANTS.iter().map(|&strategy| {
        let id = format!("strategy-{}", strategy.name());
        let checked = s.strategy == strategy;
        let onchange = {
            let edit = edit.clone();
            Callback::from(move |_: Event| edit.emit(LabEdit::Strategy(strategy)))
        };
        html! {
            <div class={classes!("strategy", checked.then_some("checked"))}>
                <input type="radio" name="strategy" id={id.clone()} value={strategy.name()} {checked} {onchange} />
                <label for={id}>{ text::strategy_title(strategy, lang) }</label>
            </div>
        }
    });

    let toggle = |id: &'static str, label: L, on: bool, make: fn(bool) -> LabEdit, hint: String| {
        let onclick = {
            let edit = edit.clone();
            Callback::from(move |_| edit.emit(make(!on)))
        };
        html! {
            <div class="mistake">
                <button type="button" {id} class="toggle" aria-pressed={on.to_string()} {onclick}
                    aria-describedby={format!("{id}-hint")}>
                    { label.get(lang) }
                </button>
                <p class="hint" id={format!("{id}-hint")}>{ hint }</p>
            </div>
        }
    };

    let chosen = s.kill.map(|k| k.consumer);
    let on_consumer = {
        let edit = edit.clone();
        let kill_at = form.kill_at.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            let consumer = value.parse::<u32>().ok();
            edit.emit(LabEdit::Kill {
                consumer,
                at: kill_at.clone(),
            })
        })
    };
    let on_kill_at = {
        let edit = edit.clone();
        Callback::from(move |e: InputEvent| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            edit.emit(LabEdit::Kill {
                consumer: chosen,
                at: value,
            })
        })
    };
    let on_broker = {
        let edit = edit.clone();
        Callback::from(move |e: Event| {
            let on = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked();
            edit.emit(LabEdit::BrokerAck(on))
        })
    };
    let on_visibility = on_text(&edit, LabEdit::VisibilityTimeout);
    let on_deliveries = on_text(&edit, LabEdit::MaxDeliveries);
    let kill_problem = field_problem(LabField::Kill);
    let visibility_problem = field_problem(LabField::VisibilityTimeout);
    let deliveries_problem = field_problem(LabField::MaxDeliveries);
    // The fields show the values in force (a link may have set them), or
    // the text typed while it has a problem.
    let kill_text = match s.kill.map(|k| k.when) {
        Some(KillWhen::At(at)) if kill_problem.is_none() => lab::shown(&form.kill_at, at),
        _ => form.kill_at.clone(),
    };
    let visibility_text = match visibility_problem {
        None => lab::shown(&form.visibility, s.visibility_timeout),
        Some(_) => form.visibility.clone(),
    };
    let deliveries_text = match deliveries_problem {
        None => lab::shown_number(&form.max_deliveries, s.max_deliveries),
        Some(_) => form.max_deliveries.clone(),
    };
    let deliveries_invalid = deliveries_problem.is_some();

    html! {
        <section class="panel lab" id="lab" aria-labelledby="lab-title">
            <h2 id="lab-title">{ L::Title.get(lang) }</h2>
            { muted(L::Intro.get(lang)) }
            <div class="lab-controls">
                <fieldset class="lab-group">
                    <legend id="strategy-title">{ L::Strategy.get(lang) }</legend>
                    // Radio buttons in a group, not a list: a radiogroup's
                    // children are its radios.
                    <div class="strategies" role="radiogroup" aria-labelledby="strategy-title">
                        { for strategies }
                    </div>
                    <p class="hint" id="strategy-description">{ text::strategy_description(s.strategy, lang) }</p>
                </fieldset>
                <fieldset class="lab-group">
                    { legend(L::Mistakes.get(lang)) }
                    { toggle("mistake-forget", L::Forget, s.forget_task_done.is_some(), LabEdit::ForgetTaskDone,
                        text::forget_hint(lab::forgotten_item(&config), lang)) }
                    { toggle("mistake-extra", L::Extra, s.extra_task_done.is_some(), LabEdit::ExtraTaskDone,
                        text::extra_hint(lab::extra_item(&config), lang)) }
                </fieldset>
                <fieldset class="lab-group">
                    { legend(L::KillTitle.get(lang)) }
                    <div class={classes!("field", "kill-row", kill_problem.is_some().then_some("invalid"))}>
                        <span class="duration">
                            <label for="kill-consumer">{ L::KillWho.get(lang) }</label>
                            <select id="kill-consumer" onchange={on_consumer}>
                                <option value="" selected={chosen.is_none()}>{ L::Nobody.get(lang) }</option>
                                { for (1..=config.consumers.min(24)).map(|i| html! {
                                    <option value={i.to_string()} selected={chosen == Some(i)}>
                                        { text::consumer_option(i, lang) }
                                    </option>
                                }) }
                            </select>
                        </span>
                        <span class="duration">
                            <label for="kill-at">{ L::KillAt.get(lang) }</label>
                            <input type="text" id="kill-at" autocomplete="off" spellcheck="false"
                                value={kill_text} oninput={on_kill_at}
                                aria-invalid={kill_problem.is_some().to_string()}
                                aria-describedby="kill-hint" />
                        </span>
                        <p class="hint" id="kill-hint">{ L::KillAtHint.get(lang) }</p>
                        { for kill_problem.map(|p| html! { <p class="field-error" id="kill-at-error">{ p }</p> }) }
                    </div>
                    <div class={classes!("field", visibility_problem.is_some().then_some("invalid"))}>
                        <label class="check">
                            <input type="checkbox" id="broker-ack" checked={s.broker_ack} onchange={on_broker} />
                            { L::BrokerAck.get(lang) }
                        </label>
                        { hint(L::BrokerHint.get(lang)) }
                        { typed(("visibility-timeout", "visibility-error"), L::Visibility.get(lang),
                            visibility_text, on_visibility, visibility_problem) }
                    </div>
                    <div class={classes!("field", deliveries_invalid.then_some("invalid"))}>
                        { typed(("max-deliveries", "max-deliveries-error"), L::MaxDeliveries.get(lang),
                            deliveries_text, on_deliveries, deliveries_problem) }
                        { hint(L::MaxDeliveriesHint.get(lang)) }
                    </div>
                </fieldset>
            </div>
            { results(props.results.as_ref(), props.lost, &config, lang) }
            { waiting_list(&WaitingProps { live: props.live.clone(), lang }) }
        </section>
    }
}

/// What typing into a text field of the lab sends: `make` of its text.
fn on_text(edit: &Callback<LabEdit>, make: fn(String) -> LabEdit) -> Callback<InputEvent> {
    let edit = edit.clone();
    Callback::from(move |e: InputEvent| {
        let value = e
            .target_unchecked_into::<web_sys::HtmlInputElement>()
            .value();
        edit.emit(make(value))
    })
}

/// A lab setting typed as text: its label and input (`ids`: the input's,
/// then its problem's), then its problem if it has one.
fn typed(
    ids: (&'static str, &'static str),
    label: &'static str,
    value: String,
    oninput: Callback<InputEvent>,
    problem: Option<String>,
) -> Html {
    let (id, error_id) = ids;
    html! {
        <>
            <span class="duration">
                <label for={id}>{ label }</label>
                <input type="text" {id} autocomplete="off" spellcheck="false" {value} {oninput}
                    aria-invalid={problem.is_some().to_string()} />
            </span>
            { for problem.map(|p| html! { <p class="field-error" id={error_id}>{ p }</p> }) }
        </>
    }
}

/// This run's outcome, the side-by-side pair and the comparison.
fn results(results: Option<&LabResults>, lost: bool, config: &Config, lang: Lang) -> Html {
    let Some(r) = results.filter(|r| !r.too_big) else {
        return html! {
            <p class="muted" id="lab-too-big">
                { L::TooBig.get(lang) }<code>{ "canteen run termination --compare" }</code>
            </p>
        };
    };
    let Some(o) = r.outcomes.as_deref() else {
        if lost {
            return html! {
                <p class="field-error" id="lab-lost" role="alert">{ ui::T::EngineLost.get(lang) }</p>
            };
        }
        return html! {
            <p class="muted computing" id="lab-computing" role="status">{ ui::T::Computing.get(lang) }</p>
        };
    };
    let scenario = config.scenario;
    let items = o.items.iter().map(|f| {
        let class = match f.fate {
            Fate::Processed if f.times > 1 => "twice",
            Fate::Processed => "processed",
            Fate::Dropped => "dropped",
            Fate::DeadLettered => "dead",
            Fate::Lost => "lost",
            Fate::InQueue | Fate::InProgress | Fate::NotPut => "left",
        };
        let title = format!(
            "{}: {}{}",
            item_name(scenario, f.item, lang),
            text::fate(f.fate, lang),
            if f.times > 1 { format!(" ×{}", f.times) } else { String::new() }
        );
        html! {
            <li class={classes!("chip", "fate", class)} style={format!("--hue:{}", hue(Role::Producer(f.item.origin)))}
                {title}>
                { item_short(scenario, f.item, lang) }
                if f.times > 1 { <sup>{ format!("×{}", f.times) }</sup> }
            </li>
        }
    });
    html! {
        <>
            <div class="lab-result" id="lab-result">
                { h3(L::ThisRun.get(lang)) }
                { summary(&o.this_run, config, lang, "this-run") }
                { h4(L::Items.get(lang)) }
                <ul class="fates" id="item-fates">{ for items }</ul>
            </div>
            <div class="lab-pair" id="side-by-side">
                { h3(L::SideBySide.get(lang)) }
                <div class="pair-cols">
                    <div class={classes!("pair-col", (!config.termination.broker_ack).then_some("current"))} id="pair-joinable">
                        { h4(L::Joinable.get(lang)) }
                        { summary(&o.joinable, config, lang, "joinable") }
                    </div>
                    <div class={classes!("pair-col", config.termination.broker_ack.then_some("current"))} id="pair-broker">
                        { h4(L::Broker.get(lang)) }
                        { summary(&o.broker, config, lang, "broker") }
                    </div>
                </div>
            </div>
            { comparison(&o.rows, config.termination.strategy, lang) }
        </>
    }
}

fn verdict_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::AllProcessed => "ok",
        Verdict::Duplicates => "warn",
        Verdict::Incomplete | Verdict::Stuck | Verdict::TimeLimit => "bad",
        Verdict::Running => "",
    }
}

/// A report's verdict, figures and explanations.
fn summary(r: &Summary, config: &Config, lang: Lang, id: &'static str) -> Html {
    let scenario = config.scenario;
    let roles = config.roles();
    let at = |t: Option<f64>| t.map_or(text::never(lang).to_string(), virtual_time);
    let figures = [
        (L::Processed, r.fates.processed.to_string()),
        (L::Dropped, r.fates.dropped.to_string()),
        (L::DeadLettered, r.fates.dead_lettered.to_string()),
        (L::Lost, r.fates.lost.to_string()),
        (L::Duplicates, r.duplicates.to_string()),
        (L::LeftInQueue, r.fates.left().to_string()),
        (L::Redelivered, r.redelivered.to_string()),
        (L::LastItem, at(r.last_item_ms)),
        (L::Stopped, at(r.consumers_stopped_ms)),
        (L::StopLag, at(r.stop_lag_ms)),
    ];
    html! {
        <div class="lab-summary" id={format!("{id}-summary")}>
            <p class={classes!("verdict", verdict_class(r.verdict))} id={format!("{id}-verdict")}>
                { text::verdict(r.verdict, lang) }
            </p>
            <dl class="figures">
                { for figures.into_iter().map(|(label, value)| html! {
                    <div>{ dt(label.get(lang)) }{ dd(value) }</div>
                }) }
            </dl>
            <ul class="diagnosis">
                { for r.stuck.iter().map(|&s| html! {
                    <li class="stuck-line">{ i18n::stuck_actor(scenario, s, &roles, lang).explanation }</li>
                }) }
                { for r.diagnosis.iter().map(|d| html! { <li>{ text::diagnosis(d, scenario, lang) }</li> }) }
            </ul>
        </div>
    }
}

/// A virtual time the report gives in milliseconds, written as the
/// counters and the log write theirs (`3.653s`), so one moment reads the
/// same everywhere.
fn virtual_time(ms: f64) -> String {
    Clock((ms * 1e6).round() as u64).to_string()
}

/// Every strategy for the same settings and seed.
fn comparison(rows: &[Row], current: Strategy, lang: Lang) -> Html {
    let headings = text::table_headings(lang);
    html! {
        <div class="lab-compare">
            <h3 id="comparison-title">{ L::Compare.get(lang) }</h3>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="comparison-title">
                <table id="comparison" aria-labelledby="comparison-title">
                    <thead><tr>{ for headings.into_iter().map(th_col) }</tr></thead>
                    <tbody>
                        { for rows.iter().map(|r| html! {
                            <tr class={classes!((r.strategy == current).then_some("current"))}
                                data-strategy={r.strategy.name()}>
                                <th scope="row">{ text::strategy_title(r.strategy, lang) }</th>
                                <td class={classes!("verdict", verdict_class(r.verdict))}>{ text::verdict_short(r.verdict, lang) }</td>
                                { td(r.processed.to_string()) }
                                { td(r.dropped.to_string()) }
                                { td(r.dead_lettered.to_string()) }
                                { td(r.lost.to_string()) }
                                { td(r.duplicates.to_string()) }
                                { td(r.left.to_string()) }
                                { td(r.stuck.to_string()) }
                                { td(virtual_time(r.end_ms)) }
                                { td(r.stop_lag_ms.map_or(text::never(lang).to_string(), virtual_time)) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </div>
    }
}

struct WaitingProps {
    live: Session,
    lang: Lang,
}

/// Everyone who waits right now, with the badge.
fn waiting_list(props: &WaitingProps) -> Html {
    let lang = props.lang;
    let session = &props.live;
    let scenario = session.config().scenario;
    let waiting: Vec<Html> = session
        .roles()
        .iter()
        .enumerate()
        .filter_map(|(i, &role)| {
            let actor = ActorId(i as u32);
            session.moment().blocked(actor)?;
            Some(html! {
                <li style={format!("--hue:{}", hue(role))}>
                    <span class="who"><span class="dot" aria-hidden="true"></span>
                        { i18n::actor_name(scenario, role, lang) }</span>
                    { blocked_badge(session, actor, lang) }
                </li>
            })
        })
        .collect();
    html! {
        <div class="lab-waiting" id="lab-waiting">
            { h3(L::Waiting.get(lang)) }
            if waiting.is_empty() {
                { muted(L::NobodyWaits.get(lang)) }
            } else {
                <ul class="waiting">{ for waiting }</ul>
            }
        </div>
    }
}
