//! The log: the newest events in the seed's words, with virtual timestamps
//! and a colour per actor, and how many older lines were left out. Its
//! scroll box is anchored at the bottom by CSS (`column-reverse`), so it
//! follows the newest line without reading the layout on every tick.
//!
//! It draws the session's log as drawn ([`Session::log`]) and keeps what
//! it drew: until that changes, it hands out the same again, built once.
//! Its rows are keyed by their index in the run, so new lines are appended
//! and old ones dropped, the rest left as they are.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::ui::{self, T};
use crate::i18n::{actor_name, log_line, Clock};
use crate::lang::Lang;
use crate::playground::session::Derived;

use super::leaf::muted;
use super::shared::{hue, LiveProps};

/// Lines drawn while the run plays: about what its box shows (320 px);
/// they pass faster than anyone reads, and fewer lines are less work per
/// frame. Paused, every kept line is drawn.
const LINES_WHILE_PLAYING: usize = 20;

/// The log as last drawn: from which log, playing or not, in which
/// language.
pub type DrawnLog = Option<(Rc<Derived>, bool, Lang, Html)>;

/// The log; the same as last time (`drawn`) while it shows the same.
pub fn log_view(props: &LiveProps, drawn: &RefCell<DrawnLog>) -> Html {
    let key = (props.live.log(), props.live.is_playing(), props.lang);
    let mut drawn = drawn.borrow_mut();
    match &*drawn {
        Some((log, playing, lang, html))
            if (Rc::ptr_eq(log, key.0), *playing, *lang) == (true, key.1, key.2) =>
        {
            html.clone()
        }
        _ => {
            let html = draw(props);
            *drawn = Some((Rc::clone(key.0), key.1, key.2, html.clone()));
            html
        }
    }
}

fn draw(props: &LiveProps) -> Html {
    let lang = props.lang;
    let session = &props.live;
    let log = &session.log().log;
    let scenario = session.config().scenario;
    let roles = session.roles();
    let kept = log.entries().len();
    let shown = if session.is_playing() {
        kept.min(LINES_WHILE_PLAYING)
    } else {
        kept
    };
    let omitted = log.total() - shown as u64;

    html! {
        <section class="panel log" aria-labelledby="log-title">
            <h2 id="log-title">{ T::Log.get(lang) }</h2>
            if omitted > 0 {
                <p class="muted" id="log-omitted">{ ui::log_omitted(omitted, lang) }</p>
            }
            <div class="log-scroll" tabindex="0" aria-labelledby="log-title">
                if log.total() == 0 {
                    { muted(T::LogEmpty.get(lang)) }
                } else {
                    <ol class="lines" id="log-lines">
                        { for log.entries().skip(kept - shown).map(|(index, event)| {
                            let role = roles.get(event.actor.0 as usize).copied();
                            let who = role.map(|r| actor_name(scenario, r, lang)).unwrap_or_default();
                            let style = role.map(|r| format!("--hue:{}", hue(r)));
                            html! {
                                <li key={index} class={format!("line {}", event.kind.name())} {style}>
                                    <span class="t">{ Clock(event.time).to_string() }</span>
                                    <span class="who">{ who }</span>
                                    <span class="text">{ log_line(scenario, event, roles, lang) }</span>
                                </li>
                            }
                        }) }
                    </ol>
                }
            </div>
        </section>
    }
}
