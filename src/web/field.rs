//! One text field, drawn the same way by every form on the page (the
//! playground's settings, peak shaving, the scraper): a label, the input,
//! an optional hint, and the problem with what was typed, tied to the input
//! with `aria-invalid` and `aria-describedby`. The error's id is
//! `{id}-error`; the field's class is `field`, plus `invalid` with a problem.

use yew::prelude::*;

/// What a [`text_field`] shows.
pub struct TextField {
    /// The input's id (the label points at it).
    pub id: &'static str,
    pub label: &'static str,
    /// What the input holds: the text as typed, valid or not.
    pub value: String,
    /// Ask phones for the numeric keyboard.
    pub numeric: bool,
    /// A hint under the input: its id and text.
    pub hint: Option<(String, &'static str)>,
    /// What is wrong with the value, shown under it.
    pub problem: Option<String>,
    /// Called with the whole text on every edit.
    pub on_edit: Callback<String>,
}

pub fn text_field(field: TextField) -> Html {
    let TextField {
        id,
        label,
        value,
        numeric,
        hint,
        problem,
        on_edit,
    } = field;
    let error_id = format!("{id}-error");
    let described = hint
        .as_ref()
        .map(|(hint_id, _)| hint_id.clone())
        .into_iter()
        .chain(problem.is_some().then(|| error_id.clone()))
        .collect::<Vec<_>>()
        .join(" ");
    let oninput = Callback::from(move |e: InputEvent| {
        let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
        on_edit.emit(input.value());
    });
    let invalid = problem.is_some();
    html! {
        <div class={classes!("field", invalid.then_some("invalid"))}>
            <label for={id}>{ label }</label>
            <input type="text" {id} autocomplete="off" spellcheck="false"
                inputmode={numeric.then_some("numeric")}
                {value} {oninput}
                aria-invalid={invalid.to_string()}
                aria-describedby={(!described.is_empty()).then_some(described)} />
            if let Some((hint_id, text)) = hint {
                <p class="hint" id={hint_id}>{ text }</p>
            }
            if let Some(problem) = problem {
                <p class="field-error" id={error_id}>{ problem }</p>
            }
        </div>
    }
}
