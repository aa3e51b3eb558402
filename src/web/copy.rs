//! The copy button of the share link and the Python panel: it puts a text
//! on the clipboard and says so ("Copied") until the text changes.

use yew::prelude::*;

use super::dom;

#[derive(Properties, PartialEq)]
pub struct CopyProps {
    pub id: &'static str,
    /// What a click copies.
    pub text: AttrValue,
    pub label: &'static str,
    /// The label once the text is copied.
    pub done: &'static str,
}

#[function_component(CopyButton)]
pub fn copy_button(props: &CopyProps) -> Html {
    let copied = use_state(|| false);
    {
        let copied = copied.clone();
        use_effect_with(props.text.clone(), move |_| copied.set(false));
    }
    let onclick = {
        let copied = copied.clone();
        let text = props.text.clone();
        Callback::from(move |_| copied.set(dom::copy_text(&text)))
    };
    html! {
        <button type="button" id={props.id} {onclick}>
            { if *copied { props.done } else { props.label } }
        </button>
    }
}
