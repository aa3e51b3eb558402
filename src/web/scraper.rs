//! The scraper's section of the page: the URL list and the regex (with its
//! notes, or why it cannot run), the shape and settings, start / stop /
//! replay, the run's status and counts, the pages in the queue, one row
//! per URL (status, bytes, latency, matches, the matched strings as text,
//! the fault), the per-worker timeline with the speedup, and the log. The
//! state is [`ScraperState`], kept in the page's state (whose clock ticks
//! the run while it plays); this renders it and dispatches
//! [`ScraperAction`]s.

use yew::prelude::*;

use crate::i18n::scraper::{self as words, S};
use crate::i18n::Clock;
use crate::lang::Lang;
use crate::number::Fixed;
use crate::playground::app::Action;
use crate::playground::scraper::{
    Mode, Scrape, ScraperAction, ScraperField, ScraperState, REPLAY_SPEEDS,
};
use crate::run::Outcome;
use crate::scraper::gantt::PhaseKind;
use crate::scraper::pattern::Engine;
use crate::scraper::{Shape, UrlRow};
use crate::series::Axis;
use crate::trace::nanos_to_ms;

use super::charts::f;
use super::dom;
use super::field::{text_field, TextField};
use super::leaf::{dt, h3, hint, quoting, subtitle, summary, th_col};
use super::shared::Dispatch;

/// Log lines shown (the newest).
const LOG_LINES: usize = 200;

type ScraperDispatch = Callback<ScraperAction>;

pub struct ScraperLabProps<'a> {
    pub state: &'a ScraperState,
    pub lang: Lang,
    pub dispatch: &'a Dispatch,
}

/// The whole scraper, as one `<section id="scraper">`.
pub fn scraper_lab(props: &ScraperLabProps) -> Html {
    let lang = props.lang;
    let state = props.state;
    let dispatch: ScraperDispatch = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |action| dispatch.dispatch(Action::Scraper(action)))
    };
    let results = state.shown.as_ref().map(|scrape| {
        html! {
            <>
                { status(state, scrape, lang) }
                { queue(scrape, lang) }
                { table(scrape, lang) }
                { timeline(scrape, lang) }
                { log(scrape, lang) }
            </>
        }
    });
    html! {
        <section class="panel scraper" id="scraper" aria-labelledby="scraper-title">
            <h2 id="scraper-title">{ S::Title.get(lang) }</h2>
            { subtitle(S::Intro.get(lang)) }
            { form(state, &dispatch, lang) }
            { controls(state, &dispatch, lang) }
            { for results }
        </section>
    }
}

fn label(field: ScraperField) -> S {
    match field {
        ScraperField::Urls => S::Urls,
        ScraperField::Regex => S::Regex,
        ScraperField::Fetchers => S::Fetchers,
        ScraperField::Counters => S::Counters,
        ScraperField::Capacity => S::Capacity,
        ScraperField::Timeout => S::Timeout,
        ScraperField::FetchDelay => S::FetchDelay,
        ScraperField::CountDelay => S::CountDelay,
        ScraperField::Seed => S::Seed,
    }
}

/// Edits `field` with the text of the input or text area typed in.
fn on_edit(dispatch: &ScraperDispatch, field: ScraperField) -> Callback<InputEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |e: InputEvent| {
        let text = match e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
            Some(area) => area.value(),
            None => e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value(),
        };
        dispatch.emit(ScraperAction::Edit(field, text));
    })
}

/// The message under a field, and the ids that describe it.
fn field_message(state: &ScraperState, field: ScraperField, lang: Lang) -> (Html, Option<String>) {
    let Some(problem) = state.error(field) else {
        return (html! {}, None);
    };
    let id = format!("{}-error", field.id());
    let html = html! {
        <p class="field-error" id={id.clone()} role="alert">{ quoting(words::field_problem(problem, lang)) }</p>
    };
    (html, Some(id))
}

fn form(state: &ScraperState, dispatch: &ScraperDispatch, lang: Lang) -> Html {
    let setting = |field: ScraperField| {
        let dispatch = dispatch.clone();
        text_field(TextField {
            id: field.id(),
            label: label(field).get(lang),
            value: state.form.text(field).to_string(),
            numeric: matches!(
                field,
                ScraperField::Fetchers
                    | ScraperField::Counters
                    | ScraperField::Capacity
                    | ScraperField::Seed
            ),
            hint: None,
            problem: state
                .error(field)
                .map(|problem| words::field_problem(problem, lang).to_string()),
            on_edit: Callback::from(move |text| dispatch.emit(ScraperAction::Edit(field, text))),
        })
    };
    let (urls_message, urls_error) = field_message(state, ScraperField::Urls, lang);
    let urls_described = ["scraper-urls-hint".to_string()]
        .into_iter()
        .chain(urls_error)
        .collect::<Vec<_>>()
        .join(" ");
    let (regex_message, regex_error) = field_message(state, ScraperField::Regex, lang);
    let regex_described = ["scraper-regex-hint".to_string()]
        .into_iter()
        .chain(regex_error)
        .collect::<Vec<_>>()
        .join(" ");
    let notes = (!state.notes.is_empty()).then(|| {
        html! {
            <div class="scraper-notes" id="scraper-regex-notes" role="note">
                <p><strong>{ S::RegexNotes.get(lang) }</strong></p>
                <ul>
                    { for state.notes.iter().map(|note| html! {
                        <li>{ words::note_text(note, Engine::Js, lang) }</li>
                    }) }
                </ul>
            </div>
        }
    });
    let sample = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.emit(ScraperAction::SampleUrls))
    };
    let new_seed = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.emit(ScraperAction::NewSeed(dom::random_seed())))
    };
    let shape_button = |shape: Shape, text: S| {
        let dispatch = dispatch.clone();
        let onclick = Callback::from(move |_| dispatch.emit(ScraperAction::SetShape(shape)));
        html! {
            <button type="button" class="seg" id={format!("scraper-shape-{}", shape.name())}
                aria-pressed={(state.form.shape == shape).to_string()} {onclick}>
                { text.get(lang) }
            </button>
        }
    };
    let urls_id = ScraperField::Urls.id();
    let regex_id = ScraperField::Regex.id();
    html! {
        <div class="scraper-form">
            <div class={classes!("field", state.error(ScraperField::Urls).is_some().then_some("invalid"))}>
                <label for={urls_id}>{ S::Urls.get(lang) }</label>
                <textarea id={urls_id} rows="5" spellcheck="false" autocomplete="off"
                    value={state.form.urls.clone()}
                    oninput={on_edit(dispatch, ScraperField::Urls)}
                    aria-invalid={state.error(ScraperField::Urls).is_some().to_string()}
                    aria-describedby={urls_described} />
                <p class="hint" id="scraper-urls-hint">
                    { S::UrlsHint.get(lang) }{ " " }
                    <button type="button" id="scraper-sample-urls" onclick={sample}>{ S::SampleUrls.get(lang) }</button>
                </p>
                { urls_message }
            </div>
            <div class={classes!("field", state.error(ScraperField::Regex).is_some().then_some("invalid"))}>
                <label for={regex_id}>{ S::Regex.get(lang) }</label>
                <input type="text" id={regex_id} class="mono" autocomplete="off" spellcheck="false"
                    value={state.form.regex.clone()}
                    oninput={on_edit(dispatch, ScraperField::Regex)}
                    aria-invalid={state.error(ScraperField::Regex).is_some().to_string()}
                    aria-describedby={regex_described} />
                <p class="hint" id="scraper-regex-hint">{ S::RegexHint.get(lang) }</p>
                { regex_message }
                { for notes }
            </div>
            <div class="field">
                <span class="label">{ S::Shape.get(lang) }</span>
                <div class="scraper-shapes" role="group" aria-label={S::Shape.get(lang)}>
                    { shape_button(Shape::Joinable, S::ShapeJoinable) }
                    { shape_button(Shape::Plain, S::ShapePlain) }
                </div>
            </div>
            <div class="scraper-settings" role="group" aria-label={S::Settings.get(lang)}>
                { for ScraperField::SETTINGS.into_iter().map(setting) }
                <div class="field scraper-new-seed">
                    <button type="button" id="scraper-new-seed" onclick={new_seed}>{ S::NewSeed.get(lang) }</button>
                </div>
            </div>
        </div>
    }
}

fn controls(state: &ScraperState, dispatch: &ScraperDispatch, lang: Lang) -> Html {
    let action = |action: ScraperAction| {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.emit(action.clone()))
    };
    let onspeed = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            if let Ok(speed) = value.parse() {
                dispatch.emit(ScraperAction::SetReplaySpeed(speed));
            }
        })
    };
    let live = state.playing && state.mode == Mode::Live;
    html! {
        <div class="controls scraper-controls">
            <button type="button" class="primary" id="scraper-start"
                disabled={!state.ready() || live} onclick={action(ScraperAction::Start)}>
                { S::Start.get(lang) }
            </button>
            <button type="button" id="scraper-stop" disabled={!state.playing}
                onclick={action(ScraperAction::Stop)}>
                { S::Stop.get(lang) }
            </button>
            <button type="button" id="scraper-replay" disabled={state.recording.is_none() || live}
                onclick={action(ScraperAction::Replay)}>
                { S::Replay.get(lang) }
            </button>
            <label for="scraper-replay-speed">{ S::ReplaySpeed.get(lang) }</label>
            <select id="scraper-replay-speed" onchange={onspeed}>
                { for REPLAY_SPEEDS.into_iter().map(|speed| html! {
                    <option value={speed.to_string()} selected={speed == state.replay_speed}>
                        { format!("{speed}×") }
                    </option>
                }) }
            </select>
        </div>
    }
}

fn status(state: &ScraperState, scrape: &Scrape, lang: Lang) -> Html {
    let outcome = scrape.outcome;
    let in_flight = scrape.in_flight;
    let (text, kind) = match outcome {
        Outcome::Completed => (S::Completed.get(lang).to_string(), "completed"),
        Outcome::Stuck => (S::Stuck.get(lang).to_string(), "stuck"),
        _ if !state.playing => (S::Stopped.get(lang).to_string(), "stopped"),
        _ if in_flight > 0 => (words::in_flight(in_flight, lang), "network"),
        _ => (S::Running.get(lang).to_string(), "running"),
    };
    let note = match state.mode {
        Mode::Live => S::LiveNote,
        Mode::Replay => S::ReplayNote,
    };
    let tally = scrape.tally;
    let speedup = scrape.gantt.speedup();
    let stat = |id: &str, label: S, value: String| {
        html! {
            <div>{ dt(label.get(lang)) }<dd id={id.to_string()}>{ value }</dd></div>
        }
    };
    let stuck = scrape.stuck.iter().map(|&s| {
        let explanation = words::stuck_actor(s, &scrape.roles, lang).explanation;
        html! { <p class="scraper-stuck">{ explanation }</p> }
    });
    let speedup = (speedup.span_ms > 0.0).then(|| {
        html! { <p class="scraper-speedup" id="scraper-speedup">{ words::speedup_sentence(&speedup, lang) }</p> }
    });
    html! {
        <div class="scraper-status" aria-live="polite">
            <p><span class={classes!("badge", kind)} id="scraper-outcome" data-outcome={kind}>{ text }</span>
                { " " }<span class="hint">{ note.get(lang) }</span></p>
            <dl class="scraper-counts">
                { stat("scraper-time", S::VirtualTime, Clock(scrape.now).to_string()) }
                { stat("scraper-fetched", S::Fetched, tally.fetched.to_string()) }
                { stat("scraper-failed", S::Failed, tally.failed.to_string()) }
                { stat("scraper-counted", S::Counted, tally.counted.to_string()) }
                { stat("scraper-in-queue", S::InQueue, tally.in_queue.to_string()) }
                { stat("scraper-matches", S::Matches, tally.matches.to_string()) }
            </dl>
            { for stuck }
            { for speedup }
        </div>
    }
}

fn queue(scrape: &Scrape, lang: Lang) -> Html {
    let rows = &scrape.rows;
    let items: Vec<Html> = scrape
        .queued
        .iter()
        .filter_map(|&index| rows.get(index))
        .map(|row| html! { <li class="chip"><code>{ row.url.clone() }</code></li> })
        .collect();
    html! {
        <div class="scraper-queue">
            { h3(S::Queue.get(lang)) }
            if items.is_empty() {
                { hint(S::QueueEmpty.get(lang)) }
            } else {
                <ol class="scraper-chips">{ for items }</ol>
            }
        </div>
    }
}

fn worker(row: &UrlRow, lang: Lang) -> String {
    use crate::trace::Role;
    let fetcher = row
        .fetcher
        .map(|i| words::actor_name(Role::Producer(i), lang));
    let counter = row
        .counter
        .map(|i| words::actor_name(Role::Consumer(i), lang));
    match (fetcher, counter) {
        (Some(f), Some(c)) => format!("{f} → {c}"),
        (Some(f), None) => f,
        _ => String::new(),
    }
}

fn table(scrape: &Scrape, lang: Lang) -> Html {
    let rows = &scrape.rows;
    let dash = || "—".to_string();
    let headings = [
        "#",
        S::Url.get(lang),
        S::State.get(lang),
        S::Worker.get(lang),
        S::Status.get(lang),
        S::Bytes.get(lang),
        S::Latency.get(lang),
        S::Matches.get(lang),
        S::Details.get(lang),
    ];
    // Each cell carries its column's heading: on a phone the rows become
    // cards that show it beside the value (static/scraper.css).
    let cell = |column: usize, class: &'static str, content: Html| {
        html! { <td class={class} data-label={headings[column]}>{ content }</td> }
    };
    let body = rows.iter().enumerate().map(|(i, row)| {
        // In virtual time, the clock of the timeline and the log; a real
        // fetch's wall-clock time in its tooltip.
        let latency = row
            .latency
            .map_or_else(dash, |t| Fixed::<0>(nanos_to_ms(t)).to_string());
        let real = row.real_latency_ms.map(|ms| words::real_ms(ms, lang));
        // The matched strings (as text, never as HTML), or the fault.
        let details = match (&row.error, &row.matches) {
            (Some(error), _) => html! { <span class="problem">{ quoting(words::fault_message(error, lang)) }</span> },
            (None, Some(m)) if !m.found.is_empty() => {
                let more = (m.count as usize).saturating_sub(m.found.len());
                html! {
                    <details class="scraper-found">
                        { summary(S::MatchedStrings.get(lang)) }
                        <ol tabindex="0" aria-label={S::MatchedStrings.get(lang)}>{ for m.found.iter().map(|found| html! { <li><code>{ found.to_string() }</code></li> }) }</ol>
                        if more > 0 { { hint(words::and_more(more, lang)) } }
                    </details>
                }
            }
            _ => html! {},
        };
        let count = row.matches.as_ref().map(|m| m.count.to_string());
        html! {
            <tr id={format!("scraper-row-{i}")} data-state={row.state.name()}
                data-matches={count.clone()} data-fault={row.error.as_ref().map(|e| e.fault.name())}>
                { cell(0, "index", html! { { (i + 1).to_string() } }) }
                { cell(1, "url", html! { <code>{ row.url.clone() }</code> }) }
                { cell(2, "state", html! { { words::state_label(row.state, lang) } }) }
                { cell(3, "worker", html! { { worker(row, lang) } }) }
                { cell(4, "num", html! { { row.status.map_or_else(dash, |s| s.to_string()) } }) }
                { cell(5, "num", html! { { row.bytes.map_or_else(dash, |b| b.to_string()) } }) }
                <td class="num latency" data-label={headings[6]} title={real}>{ latency }</td>
                { cell(7, "num matches", html! { { count.clone().unwrap_or_else(dash) } }) }
                { cell(8, "details", details) }
            </tr>
        }
    });
    html! {
        <div class="scraper-pages">
            { h3(S::Pages.get(lang)) }
            // Scrolls sideways when wide: reachable and scrollable by keyboard.
            <div class="table-scroll" tabindex="0" role="region" aria-label={S::Pages.get(lang)}>
                <table class="scraper-table" id="scraper-table">
                    <thead><tr>{ for headings.into_iter().map(th_col) }</tr></thead>
                    <tbody>{ for body }</tbody>
                </table>
            </div>
        </div>
    }
}

/// The per-worker timeline as SVG: a lane per worker, a bar per phase.
fn timeline(scrape: &Scrape, lang: Lang) -> Html {
    let gantt = &scrape.gantt;
    const W: f64 = 720.0;
    const LABEL: f64 = 96.0;
    const LANE: f64 = 22.0;
    const TOP: f64 = 6.0;
    const AXIS: f64 = 30.0;
    let lanes = gantt.lanes.len() as f64;
    let h = TOP + lanes * LANE + AXIS;
    let secs = gantt.end as f64 / 1e9;
    if gantt.lanes.iter().all(|l| l.phases.is_empty()) {
        return html! {
            <div class="scraper-timeline">{ h3(S::Timeline.get(lang)) }
                { hint(S::TimelineEmpty.get(lang)) }</div>
        };
    }
    let axis = Axis::new(secs, 6, false);
    let px = |t: u64| LABEL + (t as f64 / 1e9) / axis.max * (W - LABEL - 8.0);
    let rows = &scrape.rows;
    let bars = gantt.lanes.iter().enumerate().map(|(lane_at, lane)| {
        let y = TOP + lane_at as f64 * LANE;
        let name = words::actor_name(lane.role, lang);
        let phases = lane.phases.iter().map(|phase| {
            let x = px(phase.start);
            // A count takes no virtual time: a thin mark.
            let width = (px(phase.end) - x).max(2.5);
            let kind = if phase.failed {
                "failed"
            } else {
                match phase.kind {
                    PhaseKind::Fetch => "fetch",
                    PhaseKind::Sleep => "sleep",
                    PhaseKind::Blocked => "blocked",
                    PhaseKind::Regex => "regex",
                }
            };
            let url = rows
                .get(phase.url)
                .map(|r| r.url.clone())
                .unwrap_or_default();
            let what = if phase.failed {
                S::Failure.get(lang)
            } else {
                words::phase_label(phase.kind, lang)
            };
            let tip = format!(
                "{what} · {url} · {} ms",
                Fixed::<0>(nanos_to_ms(phase.end - phase.start))
            );
            html! {
                <rect class={classes!("bar", kind, phase.open.then_some("open"))}
                    x={f(x)} y={f(y + 3.0)}
                    width={f(width)} height={f(LANE - 6.0)} rx="2">
                    <title>{ tip }</title>
                </rect>
            }
        });
        html! {
            <g>
                <text x={f(LABEL - 6.0)} y={f(y + LANE / 2.0)}
                    dy="0.32em" text-anchor="end">{ name }</text>
                { for phases }
            </g>
        }
    });
    let y0 = TOP + lanes * LANE;
    let ticks = axis.ticks().into_iter().map(|v| {
        let x = LABEL + v / axis.max * (W - LABEL - 8.0);
        html! {
            <g>
                <line x1={f(x)} x2={f(x)} y1={f(TOP)} y2={f(y0 + 4.0)} class="grid" />
                <text x={f(x)} y={f(y0 + 16.0)} text-anchor="middle">{ axis.label(v) }</text>
            </g>
        }
    });
    let legend = [
        ("fetch", words::phase_label(PhaseKind::Fetch, lang)),
        ("sleep", words::phase_label(PhaseKind::Sleep, lang)),
        ("blocked", words::phase_label(PhaseKind::Blocked, lang)),
        ("regex", words::phase_label(PhaseKind::Regex, lang)),
        ("failed", S::Failure.get(lang)),
    ];
    html! {
        <figure class="scraper-timeline" id="scraper-timeline">
            <figcaption>{ h3(S::Timeline.get(lang)) }</figcaption>
            <div class="timeline-scroll" tabindex="0" role="region" aria-label={S::Timeline.get(lang)}>
                <svg viewBox={format!("0 0 {} {}", Fixed::<0>(W), Fixed::<0>(h))} width="100%" role="img"
                    aria-label={S::Timeline.get(lang)}>
                    { for ticks }
                    { for bars }
                    <text x={f((LABEL + W) / 2.0)} y={f(h - 2.0)} text-anchor="middle" class="axis-title">{ "s" }</text>
                </svg>
            </div>
            <ul class="legend">
                { for legend.into_iter().map(|(kind, text)| html! {
                    <li><span class={classes!("swatch", kind)} aria-hidden="true"></span>{ text }</li>
                }) }
            </ul>
        </figure>
    }
}

fn log(scrape: &Scrape, lang: Lang) -> Html {
    let events = &scrape.events;
    let rows = &scrape.rows;
    let roles = &scrape.roles;
    let skip = events.len().saturating_sub(LOG_LINES);
    let lines = events.iter().skip(skip).map(|event| {
        let actor = roles
            .get(event.actor.0 as usize)
            .map(|&role| words::actor_name(role, lang))
            .unwrap_or_default();
        let line = words::log_line(event, roles, rows, scrape.seed_pattern, lang);
        html! { <li><span class="t">{ Clock(event.time).to_string() }</span>{ " " }<strong>{ actor }</strong>{ ": " }{ quoting(line) }</li> }
    });
    html! {
        <details class="scraper-log" open=true>
            { summary(S::Log.get(lang)) }
            <ol class="log-lines" id="scraper-log" tabindex="0" aria-label={S::Log.get(lang)}>{ for lines }</ol>
        </details>
    }
}
