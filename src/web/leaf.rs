//! Text-only elements — hints, headings, table cells, terms — as plain
//! functions. Each `html!` element expands into its own construction code
//! wherever it is written; these are written dozens of times, so they are
//! built once, here.

use yew::prelude::*;
use yew::virtual_dom::AttrValue;

use crate::i18n::Quoting;

/// `<tag class=…>text</tag>`.
fn leaf(tag: &'static str, class: Option<&'static str>, text: AttrValue) -> Html {
    html! { <@{tag} {class}>{ text }</@> }
}

/// `<p class="hint">`: a quiet note under a control or a section.
pub fn hint(text: impl Into<AttrValue>) -> Html {
    leaf("p", Some("hint"), text.into())
}

/// `<p class="muted">`: an explanation or an empty state.
pub fn muted(text: impl Into<AttrValue>) -> Html {
    leaf("p", Some("muted"), text.into())
}

/// `<p class="subtitle">`: the line under a section's title.
pub fn subtitle(text: impl Into<AttrValue>) -> Html {
    leaf("p", Some("subtitle"), text.into())
}

pub fn h3(text: impl Into<AttrValue>) -> Html {
    leaf("h3", None, text.into())
}

pub fn h4(text: impl Into<AttrValue>) -> Html {
    leaf("h4", None, text.into())
}

pub fn legend(text: impl Into<AttrValue>) -> Html {
    leaf("legend", None, text.into())
}

pub fn summary(text: impl Into<AttrValue>) -> Html {
    leaf("summary", None, text.into())
}

pub fn dt(text: impl Into<AttrValue>) -> Html {
    leaf("dt", None, text.into())
}

pub fn dd(text: impl Into<AttrValue>) -> Html {
    leaf("dd", None, text.into())
}

pub fn td(text: impl Into<AttrValue>) -> Html {
    leaf("td", None, text.into())
}

/// `<th scope="col">`: a column's heading.
pub fn th_col(text: impl Into<AttrValue>) -> Html {
    html! { <th scope="col">{ text.into() }</th> }
}

/// Our words with their quotation as `<code>`: text from elsewhere, shown
/// as text (never as HTML) in its own language.
pub fn quoting(words: Quoting) -> Html {
    html! {
        <>
            { words.before }
            if let Some(quote) = words.quote { <code>{ quote }</code> }
            { words.after }
        </>
    }
}
