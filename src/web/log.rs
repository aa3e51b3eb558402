//! The log: the newest events in the seed's words, with virtual timestamps
//! and a colour per actor, and how many older lines were left out. It
//! follows the newest line unless the reader scrolled up.

use yew::prelude::*;

use crate::i18n::ui::{self, T};
use crate::i18n::{actor_name, log_line, Clock};

use super::stage::{hue, LiveProps};

/// How close to the bottom (px) still counts as "following".
const FOLLOW_SLACK: i32 = 24;

/// Whether the view sticks to the newest line, and where the last scroll
/// left it.
struct Follow {
    on: bool,
    expected_top: i32,
}

#[function_component(LogView)]
pub fn log_view(props: &LiveProps) -> Html {
    let lang = props.lang;
    let list = use_node_ref();
    let follow = use_mut_ref(|| Follow {
        on: true,
        expected_top: 0,
    });
    let empty = props.live.session.borrow().derived().log.total() == 0;

    {
        let list = list.clone();
        let follow = follow.clone();
        use_effect_with(props.live.clone(), move |_| {
            let mut follow = follow.borrow_mut();
            if empty {
                // A new or reset run: follow it from the start.
                follow.on = true;
            }
            if let Some(el) = list.cast::<web_sys::Element>().filter(|_| follow.on) {
                el.set_scroll_top(el.scroll_height());
                follow.expected_top = el.scroll_top();
            }
        });
    }
    let onscroll = {
        let list = list.clone();
        Callback::from(move |_: Event| {
            let Some(el) = list.cast::<web_sys::Element>() else {
                return;
            };
            let mut follow = follow.borrow_mut();
            let top = el.scroll_top();
            if el.scroll_height() - top - el.client_height() <= FOLLOW_SLACK {
                follow.on = true;
            } else if top < follow.expected_top - FOLLOW_SLACK {
                // Scrolled up by the reader (lines added after our own
                // scroll only leave the view short of the bottom).
                follow.on = false;
            }
            follow.expected_top = top;
        })
    };

    let session = props.live.session.borrow();
    let derived = session.derived();
    let log = &derived.log;
    let scenario = session.config().scenario;
    let roles = session.run().roles();
    let omitted = log.omitted();

    html! {
        <section class="panel log" aria-labelledby="log-title">
            <h2 id="log-title">{ T::Log.get(lang) }</h2>
            if omitted > 0 {
                <p class="muted" id="log-omitted">{ ui::log_omitted(omitted, lang) }</p>
            }
            <div class="log-scroll" ref={list} {onscroll} tabindex="0" aria-labelledby="log-title">
                if log.total() == 0 {
                    <p class="muted">{ T::LogEmpty.get(lang) }</p>
                } else {
                    <ol class="lines" id="log-lines">
                        { for log.entries().map(|(index, event)| {
                            let role = roles.get(event.actor.0 as usize).copied();
                            let who = role.map(|r| actor_name(scenario, r, lang)).unwrap_or_default();
                            let style = role.map(|r| format!("--hue:{}", hue(r)));
                            html! {
                                <li key={*index} class={classes!("line", event.kind.name())} {style}>
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
