//! The scenario picker with its explanation, the settings form (each field
//! with its own message when its value cannot be used), and the link to the
//! current run.

use strum::VariantArray;
use yew::prelude::*;

use crate::i18n::scenario_summary;
use crate::i18n::ui::{self, T};
use crate::lang::Lang;
use crate::playground::app::{Action, DelayPart};
use crate::playground::form::{DelayFields, DelayKind, Field, FieldError, Form};
use crate::scenario::ScenarioKind;

use super::copy::CopyButton;
use super::dom;
use super::field::{text_field, TextField};
use super::leaf::{h3, hint, legend};
use super::shared::Dispatch;

pub struct PickerProps {
    pub scenario: ScenarioKind,
    pub lang: Lang,
    pub dispatch: Dispatch,
}

pub fn scenario_picker(props: &PickerProps) -> Html {
    let lang = props.lang;
    let (problem, solution) = ui::scenario_explanation(props.scenario, lang);
    let option = |kind: ScenarioKind| {
        let dispatch = props.dispatch.clone();
        let onchange =
            Callback::from(move |_: Event| dispatch.dispatch(Action::PickScenario(kind)));
        let id = format!("scenario-{}", kind.name());
        let checked = kind == props.scenario;
        // The summary reads "name: what it shows"; the name is the title.
        let text = scenario_summary(kind, lang);
        let (title, summary) = text
            .split_once('：')
            .or_else(|| text.split_once(": "))
            .unwrap_or((kind.name(), text));
        let title = capitalized(title);
        html! {
            <div class={classes!("scenario", checked.then_some("checked"))}>
                <input type="radio" name="scenario" id={id.clone()} value={kind.name()} {checked} {onchange}
                    aria-describedby={format!("{id}-summary")} />
                <label for={id.clone()}>
                    <span class="scenario-title">{ title }</span>
                    <span class="scenario-summary" id={format!("{id}-summary")}>{ summary }</span>
                </label>
            </div>
        }
    };
    html! {
        <section class="panel picker" aria-labelledby="scenario-title">
            <h2 id="scenario-title">{ T::Scenario.get(lang) }</h2>
            <div class="scenarios" role="radiogroup" aria-labelledby="scenario-title">
                { for ScenarioKind::VARIANTS.iter().copied().map(option) }
            </div>
            <div class="explain" id="explanation">
                { h3(T::Problem.get(lang)) }
                <p>{ problem }</p>
                { h3(T::Solution.get(lang)) }
                <p>{ solution }</p>
            </div>
        </section>
    }
}

/// `plain Queue` → `Plain Queue` (Chinese is unchanged). ASCII only: the titles
/// are ours, and full Unicode case mapping would bring its tables into the wasm.
fn capitalized(text: &str) -> String {
    let mut text = text.to_string();
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}

pub struct FormProps {
    pub form: Form,
    pub errors: Vec<FieldError>,
    pub lang: Lang,
    pub dispatch: Dispatch,
}

/// The message under a field, if it has a problem.
fn message(props: &FormProps, field: Field) -> Html {
    match props.errors.iter().find(|e| e.field == field) {
        Some(error) => html! {
            <p class="field-error" id={format!("{}-error", field.config_name())}>
                { ui::problem(&error.problem, props.lang) }
            </p>
        },
        None => html! {},
    }
}

fn invalid(props: &FormProps, field: Field) -> bool {
    props.errors.iter().any(|e| e.field == field)
}

fn described_by(props: &FormProps, field: Field, hint: Option<&str>) -> Option<String> {
    let error = invalid(props, field).then(|| format!("{}-error", field.config_name()));
    let parts: Vec<String> = hint.map(str::to_string).into_iter().chain(error).collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A numeric field.
fn number_field(props: &FormProps, field: Field, hint: Option<(&'static str, T)>) -> Html {
    let value = match field {
        Field::Seed => &props.form.seed,
        Field::Producers => &props.form.producers,
        Field::Consumers => &props.form.consumers,
        Field::Items => &props.form.items,
        _ => &props.form.capacity,
    };
    let dispatch = props.dispatch.clone();
    text_field(TextField {
        id: field.config_name(),
        label: ui::field_label(field, props.lang),
        value: value.clone(),
        numeric: true,
        hint: hint.map(|(id, text)| (id.to_string(), text.get(props.lang))),
        problem: props
            .errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| ui::problem(&e.problem, props.lang)),
        on_edit: Callback::from(move |text| dispatch.dispatch(Action::Edit(field, text))),
    })
}

/// A delay field: its shape, then one or two durations.
fn delay_field(props: &FormProps, field: Field, fields: &DelayFields) -> Html {
    let lang = props.lang;
    let id = field.config_name();
    let onkind = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            if let Ok(kind) = value.parse::<DelayKind>() {
                dispatch.dispatch(Action::SetDelayKind(field, kind));
            }
        })
    };
    let duration = |part: DelayPart, label: T, value: &str| {
        let dispatch = props.dispatch.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            dispatch.dispatch(Action::EditDelay(field, part, value));
        });
        let input_id = format!("{id}-{}", if part == DelayPart::A { "a" } else { "b" });
        html! {
            <span class="duration">
                <label for={input_id.clone()}>{ label.get(lang) }</label>
                <input type="text" id={input_id} autocomplete="off" spellcheck="false"
                    value={value.to_string()} {oninput}
                    aria-invalid={invalid(props, field).to_string()}
                    aria-describedby={described_by(props, field, Some("duration-hint"))} />
            </span>
        }
    };
    let bad = invalid(props, field);
    html! {
        <fieldset class={classes!("field", "delay", bad.then_some("invalid"))} id={id}>
            { legend(ui::field_label(field, lang)) }
            <div class="delay-row">
                <span class="duration">
                    <label for={format!("{id}-kind")}>{ T::DelayShape.get(lang) }</label>
                    <select id={format!("{id}-kind")} onchange={onkind}>
                        { for DelayKind::VARIANTS.iter().map(|&kind| html! {
                            <option value={kind.name()} selected={kind == fields.kind}>
                                { ui::delay_kind(kind, lang) }
                            </option>
                        }) }
                    </select>
                </span>
                { match fields.kind {
                    DelayKind::Const => duration(DelayPart::A, T::Value, &fields.a),
                    DelayKind::Exp => duration(DelayPart::A, T::Mean, &fields.a),
                    DelayKind::Uniform => html! {
                        <>
                            { duration(DelayPart::A, T::From, &fields.a) }
                            { duration(DelayPart::B, T::To, &fields.b) }
                        </>
                    },
                } }
            </div>
            { message(props, field) }
        </fieldset>
    }
}

pub fn settings_form(props: &FormProps) -> Html {
    let lang = props.lang;
    let new_seed = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(Action::NewSeed(dom::random_seed())))
    };
    html! {
        <section class="panel settings" aria-labelledby="settings-title">
            <h2 id="settings-title">{ T::Settings.get(lang) }</h2>
            { hint(T::SettingsResetHint.get(lang)) }
            <div class="seed-row">
                { number_field(props, Field::Seed, None) }
                <button type="button" id="new-seed" onclick={new_seed}>{ T::NewSeed.get(lang) }</button>
            </div>
            <div class="grid-2">
                { number_field(props, Field::Producers, Some(("producers-hint", T::ActorsHint))) }
                { number_field(props, Field::Consumers, Some(("consumers-hint", T::ActorsHint))) }
                { number_field(props, Field::Items, Some(("items-hint", T::ItemsHint))) }
                { number_field(props, Field::Capacity, Some(("capacity-hint", T::CapacityHint))) }
            </div>
            { delay_field(props, Field::ProduceDelay, &props.form.produce) }
            { delay_field(props, Field::ConsumeDelay, &props.form.consume) }
            <p class="hint" id="duration-hint">{ T::DurationHint.get(lang) }</p>
        </section>
    }
}

pub struct ShareProps {
    /// The current run's fragment (`None` while the settings are invalid).
    pub fragment: Option<String>,
    pub lang: Lang,
}

pub fn share_link(props: &ShareProps) -> Html {
    let lang = props.lang;
    let Some(fragment) = &props.fragment else {
        return html! {};
    };
    let url = AttrValue::from(dom::link_to(fragment));
    html! {
        <section class="panel share" aria-labelledby="share-title">
            <h2 id="share-title" class="visually-hidden">{ T::CopyLink.get(lang) }</h2>
            <div class="share-row">
                <input type="text" readonly=true id="share-url" value={url.clone()}
                    aria-label={T::CopyLink.get(lang)} />
                <CopyButton id="copy-link" text={url}
                    label={T::CopyLink.get(lang)} done={T::LinkCopied.get(lang)} />
            </div>
        </section>
    }
}

/// The side column: the scenario picker, the settings and the link.
#[derive(Properties, PartialEq)]
pub struct SideProps {
    pub scenario: ScenarioKind,
    pub form: Form,
    pub errors: Vec<FieldError>,
    pub fragment: Option<String>,
    pub lang: Lang,
    pub dispatch: Dispatch,
}

/// The side column, a component of its own: it is drawn again only when
/// its props change, not on every frame of a run that plays.
#[function_component(Side)]
pub fn side(props: &SideProps) -> Html {
    let lang = props.lang;
    html! {
        <div class="col col-side">
            { scenario_picker(&PickerProps { scenario: props.scenario, lang, dispatch: props.dispatch.clone() }) }
            { settings_form(&FormProps {
                form: props.form.clone(),
                errors: props.errors.clone(),
                lang,
                dispatch: props.dispatch.clone(),
            }) }
            { share_link(&ShareProps { fragment: props.fragment.clone(), lang }) }
        </div>
    }
}
