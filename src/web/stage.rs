//! The stage — a lane per producer, the queue as slots, a lane per
//! consumer, a lane for the main program, and the stuck explanation — and
//! the counters.

use yew::prelude::*;

use crate::i18n::ui::{self, T};
use crate::i18n::{actor_name, item_name, item_short, stuck_actor, Clock};
use crate::lang::Lang;
use crate::playground::session::Session;
use crate::playground::stage::{ConsumerState, ProducerState, StepStatus};
use crate::run::Outcome;
use crate::scenario::ScenarioKind;
use crate::trace::{ActorId, ItemId, Role};

use super::leaf::{dd, dt, h3};
use super::shared::{hue, LiveProps};
use super::termination::blocked_badge;

/// Lanes drawn per side; the rest are summed up in one line.
const MAX_LANES: usize = 24;
/// Queue slots drawn; the rest are counted.
const MAX_SLOTS: usize = 60;

/// A small coloured tag for an item, with its full name for tooltips and
/// screen readers.
fn chip(scenario: ScenarioKind, item: ItemId, lang: Lang, extra: &'static str) -> Html {
    html! {
        <span class={classes!("chip", extra)} style={format!("--hue:{}", hue(Role::Producer(item.origin)))}
            title={item_name(scenario, item, lang)}>
            { item_short(scenario, item, lang) }
        </span>
    }
}

pub fn stage_view(props: &LiveProps) -> Html {
    let lang = props.lang;
    let session = &props.live;
    let moment = session.moment();
    let stage = &session.derived().stage;
    let scenario = session.config().scenario;
    let roles = stage.roles();
    let stuck = moment.outcome == Outcome::Stuck;
    // Above this speed items come and go faster than the chip animation.
    let fast = session.speed() > 10.0;

    let producers = stage.producers().iter().take(MAX_LANES).map(|lane| {
        let role = roles[lane.actor.0 as usize];
        let (state_class, item) = match lane.state {
            ProducerState::Producing(i) => ("producing", Some((i, "making"))),
            ProducerState::Putting(i) => ("putting", Some((i, ""))),
            ProducerState::Blocked(i) => ("blocked", Some((i, ""))),
            ProducerState::Done => ("done", None),
        };
        html! {
            <li class={classes!("lane", state_class)} style={format!("--hue:{}", hue(role))}>
                <span class="who"><span class="dot" aria-hidden="true"></span>{ actor_name(scenario, role, lang) }</span>
                <span class="what">{ ui::producer_state(scenario, lane.state, lang) }</span>
                { for item.map(|(i, extra)| chip(scenario, i, lang, extra)) }
                { blocked_badge(session, lane.actor, lang) }
                <span class="tally">{ ui::made(lane.made, lang) }</span>
            </li>
        }
    });
    let consumers = stage.consumers().iter().take(MAX_LANES).map(|lane| {
        let role = roles[lane.actor.0 as usize];
        let state_class = match lane.state {
            ConsumerState::Idle => "idle",
            ConsumerState::WaitingGet if stuck => "stuck",
            ConsumerState::WaitingGet => "waiting",
            ConsumerState::Working(_) => "working",
            ConsumerState::Terminated => "terminated",
            ConsumerState::Finished => "done",
        };
        let item = match lane.state {
            ConsumerState::Working(i) => Some(i),
            _ => None,
        };
        html! {
            <li class={classes!("lane", state_class)} style={format!("--hue:{}", hue(role))}>
                <span class="who"><span class="dot" aria-hidden="true"></span>{ actor_name(scenario, role, lang) }</span>
                <span class="what">{ ui::consumer_state(scenario, lane.state, stuck, lang) }</span>
                { for item.map(|i| chip(scenario, i, lang, "")) }
                { blocked_badge(session, lane.actor, lang) }
                <span class="tally">{ ui::consumed(lane.consumed, lang) }</span>
            </li>
        }
    });
    let more = |total: usize| {
        (total > MAX_LANES)
            .then(|| html! { <li class="lane more">{ ui::more(total - MAX_LANES, lang) }</li> })
    };

    // The queue: oldest (next out) first; drawn right to left, towards the consumers.
    let queue = stage.queue();
    let capacity = stage.capacity();
    let drawn = if capacity == 0 {
        queue.len().min(MAX_SLOTS)
    } else {
        capacity.min(MAX_SLOTS)
    };
    // Slowly, each item keeps its slot element as it moves up the queue
    // (and animates in); fast, the slots stay put and only their labels
    // change, which is far less work for the browser.
    let slot_key = |i: usize, item: Option<ItemId>| match item {
        Some(item) if !fast => format!("{}-{}", item.origin, item.seq),
        _ => format!("slot-{i}"),
    };
    let slots = (0..drawn).map(|i| match queue.get(i) {
        Some(&item) => html! {
            <li class="slot full" key={slot_key(i, Some(item))}>
                { chip(scenario, item, lang, "") }
            </li>
        },
        None => html! { <li class="slot empty" key={slot_key(i, None)}></li> },
    });
    let hidden = queue.len().saturating_sub(drawn);

    let main_steps: Vec<_> = stage.main_steps().collect();
    let main_role = Role::Main;

    html! {
        <section class={classes!("panel", "stage", fast.then_some("fast"))} aria-labelledby="stage-title">
            <h2 id="stage-title">{ T::Stage.get(lang) }</h2>
            <div class="main-lane" style={format!("--hue:{}", hue(main_role))}>
                <span class="who"><span class="dot" aria-hidden="true"></span>{ T::Main.get(lang) }</span>
                { blocked_badge(session, ActorId(0), lang) }
                if main_steps.is_empty() {
                    <span class="what">
                        { T::MainSpawned.get(lang) }
                        if stage.main_finished() { { " · " }{ T::MainFinished.get(lang) } }
                    </span>
                } else {
                    <ol class="steps">
                        { for main_steps.iter().map(|&(step, status)| {
                            let class = match status {
                                StepStatus::Pending => "pending",
                                StepStatus::Active => "active",
                                StepStatus::Done => "done",
                            };
                            html! {
                                <li class={classes!("step", class)}>
                                    <span aria-hidden="true" class="mark">{ match status {
                                        StepStatus::Done => "✓",
                                        StepStatus::Active => "…",
                                        StepStatus::Pending => "○",
                                    } }</span>
                                    <code>{ ui::main_step(scenario, step, roles, lang) }</code>
                                </li>
                            }
                        }) }
                    </ol>
                }
            </div>
            <div class="flow">
                <div class="side producers">
                    { h3(T::Producers.get(lang)) }
                    <ul class="lanes" id="producer-lanes">
                        { for producers }
                        { for more(stage.producers().len()) }
                    </ul>
                </div>
                <div class="queue" id="queue">
                    <h3>
                        { T::Queue.get(lang) }
                        <span class="fill" id="queue-fill">{ ui::queue_fill(queue.len(), capacity, lang) }</span>
                    </h3>
                    <div class="tube">
                        <span class="end in" aria-hidden="true">{ "put →" }</span>
                        <ol class="slots" aria-label={T::Queue.get(lang)}>
                            { for slots }
                        </ol>
                        <span class="end out" aria-hidden="true">{ "→ get" }</span>
                    </div>
                    if hidden > 0 {
                        <p class="more">{ ui::more(hidden, lang) }</p>
                    }
                    if queue.is_empty() && capacity == 0 {
                        <p class="muted empty-note">{ T::QueueEmpty.get(lang) }</p>
                    }
                    if stage.dead_letters() > 0 {
                        <p class="badge dead-letters" id="dead-letters">
                            { crate::i18n::termination::L::DeadLetters.get(lang) }{ " " }{ stage.dead_letters() }
                        </p>
                    }
                </div>
                <div class="side consumers">
                    { h3(T::Consumers.get(lang)) }
                    <ul class="lanes" id="consumer-lanes">
                        { for consumers }
                        { for more(stage.consumers().len()) }
                    </ul>
                </div>
            </div>
            if stuck {
                <div class="stuck" role="status" id="stuck">
                    { h3(T::StuckTitle.get(lang)) }
                    <ul>
                        { for stuck_sentences(session, lang).map(|s| html! { <li>{ s }</li> }) }
                    </ul>
                </div>
            }
        </section>
    }
}

/// Why each actor that waits forever does.
fn stuck_sentences(session: &Session, lang: Lang) -> impl Iterator<Item = String> + '_ {
    let scenario = session.config().scenario;
    let roles = session.roles();
    session
        .moment()
        .stuck
        .iter()
        .map(move |&stuck| stuck_actor(scenario, stuck, roles, lang).explanation)
}

pub fn counters(props: &LiveProps) -> Html {
    let lang = props.lang;
    let moment = props.live.moment();
    let counts = moment.counts;
    let in_progress = props.live.derived().stage.in_progress();
    let tiles: [(&str, T, String); 8] = [
        ("produced", T::Produced, counts.produced.to_string()),
        ("in-queue", T::InQueue, moment.in_queue.to_string()),
        ("in-progress", T::BeingProcessed, in_progress.to_string()),
        ("consumed", T::Consumed, counts.consumed.to_string()),
        ("task-done", T::TaskDone, counts.task_done.to_string()),
        ("unfinished", T::Unfinished, moment.unfinished.to_string()),
        ("dropped", T::Dropped, counts.dropped.to_string()),
        ("time", T::VirtualTime, Clock(moment.now).to_string()),
    ];
    html! {
        <section class="panel counters" aria-labelledby="counters-title">
            <h2 id="counters-title" class="visually-hidden">{ T::Counters.get(lang) }</h2>
            <dl class="tiles">
                { for tiles.into_iter().map(|(id, label, value)| html! {
                    <div class="tile" id={format!("count-{id}")}>
                        { dt(label.get(lang)) }
                        { dd(value) }
                    </div>
                }) }
            </dl>
        </section>
    }
}
