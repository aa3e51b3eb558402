//! The stage — a lane per producer, the queue as slots, a lane per
//! consumer, a lane for the main program, and the stuck explanation — and
//! the counters.
//!
//! Drawn on every animation frame while a run plays, so it keeps the work
//! per frame small: a lane keeps its elements (an empty chip stands in for
//! none), fast runs leave out tooltips and blocked-on badges that would
//! change on every frame, and while it plays fast (when every lane and
//! queue slot changes on every frame) only [`PER_FRAME`] lanes and as many
//! slots are drawn again per frame, in turn.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::ui::{self, T};
use crate::i18n::{actor_name, item_name, item_short, stuck_actor, Clock};
use crate::lang::Lang;
use crate::playground::app::Announced;
use crate::playground::session::{Derived, Session};
use crate::playground::stage::{
    ConsumerLane, ConsumerState, ProducerLane, ProducerState, StepStatus, QUEUE_SHOWN,
};
use crate::run::Outcome;
use crate::scenario::{Config, ScenarioKind};
use crate::trace::{ActorId, ItemId, Role};

use super::leaf::{dd, dt, h3};
use super::shared::{hue, LiveProps};
use super::termination::blocked_badge;

/// Lanes drawn per side; the rest are summed up in one line.
const MAX_LANES: usize = 24;
/// Queue slots drawn; the rest are counted.
const MAX_SLOTS: usize = QUEUE_SHOWN;
/// While a run plays fast, every lane and every queue slot changes on
/// every frame: this many lanes, and as many slots, are drawn again per
/// frame, in turn (so 20 + 20 lanes each change 15 times a second at 60
/// frames a second); the others still show what they showed.
const PER_FRAME: usize = 10;

/// A list of elements as last drawn, kept between renders while a run
/// plays fast.
#[derive(Default)]
pub struct Kept {
    /// The run (its settings) and language they were drawn in.
    of: Option<(Rc<Config>, Lang)>,
    drawn: Vec<Html>,
    /// The element to draw first next time.
    next: usize,
}

impl Kept {
    /// Elements `0..count`, each drawn by `draw`: all of them when `every`
    /// (or when the run or language changed), else those not drawn yet and
    /// the next [`PER_FRAME`] of the others, in turn.
    fn draw(
        &mut self,
        session: &Session,
        lang: Lang,
        every: bool,
        count: usize,
        draw: &dyn Fn(usize) -> Html,
    ) -> &[Html] {
        let same = self
            .of
            .as_ref()
            .is_some_and(|(c, l)| Rc::ptr_eq(c, session.config_rc()) && *l == lang);
        if !same {
            self.of = Some((Rc::clone(session.config_rc()), lang));
        }
        let kept = if every || !same {
            0
        } else {
            self.drawn.len().min(count)
        };
        self.drawn.truncate(kept);
        self.drawn.extend((kept..count).map(draw));
        for k in 0..PER_FRAME.min(kept) {
            let i = (self.next + k) % kept;
            self.drawn[i] = draw(i);
        }
        self.next = (self.next + PER_FRAME) % kept.max(1);
        &self.drawn
    }
}

/// The stage's lanes and queue slots as last drawn, and the whole stage as
/// last drawn with what it showed (the stage of a moment, in a language,
/// every lane or a few, fast or not).
#[derive(Default)]
pub struct Drawn {
    lanes: Kept,
    slots: Kept,
    last: Option<(Shown, Html)>,
}

/// What a drawn stage showed: the derived moment (by pointer), the
/// language, every lane or a few, fast or not, playing or paused (its
/// text's live region), and the text equivalent as announced.
struct Shown {
    derived: Rc<Derived>,
    lang: Lang,
    every: bool,
    fast: bool,
    playing: bool,
    announced: Option<Announced>,
}

impl Shown {
    fn same(&self, other: &Shown) -> bool {
        Rc::ptr_eq(&self.derived, &other.derived)
            && (self.lang, self.every, self.fast, self.playing)
                == (other.lang, other.every, other.fast, other.playing)
            && self.announced == other.announced
    }
}

/// The props of the stage: the run, and its lanes and slots as last drawn.
pub struct StageProps {
    pub live: Session,
    pub lang: Lang,
    pub drawn: Rc<RefCell<Drawn>>,
    /// The stage's text equivalent as last announced.
    pub announced: Option<Announced>,
}

/// How a chip is drawn.
#[derive(Clone, Copy)]
struct ChipLook {
    /// Beside its producer, whose colour (`--hue`) it takes from the lane;
    /// elsewhere it sets its own.
    at_producer: bool,
    /// Fast: items come and go faster than anyone points at them, so no
    /// tooltip (its full name) to rewrite on every frame.
    fast: bool,
}

/// A small coloured tag for an item, with its full name for tooltips and
/// screen readers (the lane's own text names it too); without one, an
/// empty chip that is not shown.
/// `class` is `chip` and any more classes.
fn chip(
    scenario: ScenarioKind,
    item: Option<ItemId>,
    lang: Lang,
    class: &'static str,
    look: ChipLook,
) -> Html {
    let Some(item) = item else {
        return html! { <span class="chip none" aria-hidden="true"></span> };
    };
    let style = (!look.at_producer).then(|| format!("--hue:{}", hue(Role::Producer(item.origin))));
    let title = (!look.fast).then(|| item_name(scenario, item, lang));
    html! {
        <span class={class} {style} {title}>
            { item_short(scenario, item, lang) }
        </span>
    }
}

/// The stage; the same as last time while it shows the same moment (a
/// render for another reason — a move asked of the worker, a tick while
/// it works — changes nothing on it, and draws no lanes in turn).
pub fn stage_view(props: &StageProps) -> Html {
    let session = &props.live;
    let fast = session.speed() > 10.0;
    let every = !(fast && session.is_playing());
    let shown = Shown {
        derived: Rc::clone(&session.moment().derived),
        lang: props.lang,
        every,
        fast,
        playing: session.is_playing(),
        announced: props.announced.clone(),
    };
    let mut drawn = props.drawn.borrow_mut();
    if let Some((last, html)) = &drawn.last {
        if last.same(&shown) {
            return html.clone();
        }
    }
    let html = draw(props, &mut drawn, fast, every);
    drawn.last = Some((shown, html.clone()));
    html
}

fn draw(props: &StageProps, kept: &mut Drawn, fast: bool, every: bool) -> Html {
    let lang = props.lang;
    let session = &props.live;
    let moment = session.moment();
    let stage = &session.derived().stage;
    let scenario = session.config().scenario;
    let roles = stage.roles();
    let stuck = moment.outcome == Outcome::Stuck;
    // Above 10× items come and go faster than the chip animation. Slow or
    // paused, every lane and slot is drawn on every render; fast, a few per
    // frame, and no badges (a place in a line changes on every frame).
    let badges = every;
    let Drawn { lanes, slots, .. } = kept;

    // A lane: its class, what it does, its item (with its chip's class) and its tally.
    let lane = |actor: ActorId,
                class: &'static str,
                what: String,
                item: (Option<ItemId>, &'static str),
                tally: String| {
        let role = roles[actor.0 as usize];
        let look = ChipLook {
            at_producer: matches!(role, Role::Producer(_)),
            fast,
        };
        html! {
            <li {class} style={format!("--hue:{}", hue(role))}>
                <span class="who"><span class="dot" aria-hidden="true"></span>{ actor_name(scenario, role, lang) }</span>
                <span class="what">{ what }</span>
                { chip(scenario, item.0, lang, item.1, look) }
                if badges { { blocked_badge(session, actor, lang) } }
                <span class="tally">{ tally }</span>
            </li>
        }
    };
    let producer = |lane_: &ProducerLane| {
        let (class, item) = match lane_.state {
            ProducerState::Producing(i) => ("lane producing", (Some(i), "chip making")),
            ProducerState::Putting(i) => ("lane putting", (Some(i), "chip")),
            ProducerState::Blocked(i) => ("lane blocked", (Some(i), "chip")),
            ProducerState::Done => ("lane done", (None, "chip")),
        };
        let what = ui::producer_state(scenario, lane_.state, lang);
        lane(lane_.actor, class, what, item, ui::made(lane_.made, lang))
    };
    let consumer = |lane_: &ConsumerLane| {
        let (class, item) = match lane_.state {
            ConsumerState::Idle => ("lane idle", None),
            ConsumerState::WaitingGet if stuck => ("lane stuck", None),
            ConsumerState::WaitingGet => ("lane waiting", None),
            ConsumerState::Working(i) => ("lane working", Some(i)),
            ConsumerState::Terminated => ("lane terminated", None),
            ConsumerState::Finished => ("lane done", None),
        };
        let what = ui::consumer_state(scenario, lane_.state, stuck, lang);
        lane(
            lane_.actor,
            class,
            what,
            (item, "chip"),
            ui::consumed(lane_.consumed, lang),
        )
    };
    let (producer_lanes, consumer_lanes) = (stage.producers(), stage.consumers());
    let drawn_producers = producer_lanes.len().min(MAX_LANES);
    let drawn_consumers = consumer_lanes.len().min(MAX_LANES);
    let lanes = lanes.draw(
        session,
        lang,
        every,
        drawn_producers + drawn_consumers,
        &|i| match i.checked_sub(drawn_producers) {
            None => producer(&producer_lanes[i]),
            Some(i) => consumer(&consumer_lanes[i]),
        },
    );
    let (producers, consumers) = lanes.split_at(drawn_producers);
    let more = |total: usize| {
        (total > MAX_LANES)
            .then(|| html! { <li class="lane more">{ ui::more(total - MAX_LANES, lang) }</li> })
    };

    // The queue: oldest (next out) first; drawn right to left, towards the consumers.
    let queue = stage.queue();
    let queue_len = stage.queue_len();
    let capacity = stage.capacity();
    let drawn = if capacity == 0 {
        queue_len.min(MAX_SLOTS)
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
    let slots = slots.draw(session, lang, every, drawn, &|i| match queue.get(i) {
        Some(&item) => html! {
            <li class="slot full" key={slot_key(i, Some(item))}>
                { chip(scenario, Some(item), lang, "chip", ChipLook { at_producer: false, fast }) }
            </li>
        },
        None => html! { <li class="slot empty" key={slot_key(i, None)}></li> },
    });
    let hidden = queue_len.saturating_sub(drawn);

    let main_steps: Vec<_> = stage.main_steps().collect();
    let main_role = Role::Main;

    html! {
        <section class={if fast { "panel stage fast" } else { "panel stage" }} aria-labelledby="stage-title"
            aria-describedby="stage-text">
            <h2 id="stage-title">{ T::Stage.get(lang) }</h2>
            { stage_text(props) }
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
                                StepStatus::Pending => "step pending",
                                StepStatus::Active => "step active",
                                StepStatus::Done => "step done",
                            };
                            html! {
                                <li {class}>
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
                        { for producers.iter().cloned() }
                        { for more(stage.producers().len()) }
                    </ul>
                </div>
                <div class="queue" id="queue">
                    <h3>
                        { T::Queue.get(lang) }
                        <span class="fill" id="queue-fill">{ ui::queue_fill(queue_len, capacity, lang) }</span>
                    </h3>
                    <div class="tube">
                        <span class="end in" aria-hidden="true">{ "put →" }</span>
                        <ol class="slots" aria-label={T::Queue.get(lang)}>
                            { for slots.iter().cloned() }
                        </ol>
                        <span class="end out" aria-hidden="true">{ "→ get" }</span>
                    </div>
                    if hidden > 0 {
                        <p class="more">{ ui::more(hidden, lang) }</p>
                    }
                    if queue_len == 0 && capacity == 0 {
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
                        { for consumers.iter().cloned() }
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

/// The stage's text equivalent, for screen readers: its summary as last
/// announced (the page's state limits how often while a run plays), a
/// polite live region while the run plays, silent while it is paused
/// (the narration reads each step then).
fn stage_text(props: &StageProps) -> Html {
    let Some(announced) = &props.announced else {
        return Html::default();
    };
    let session = &props.live;
    let text = ui::stage_summary(
        session.config().scenario,
        announced.at,
        &announced.summary,
        session.roles(),
        props.lang,
    );
    html! {
        <p id="stage-text" class="visually-hidden"
            aria-live={if session.is_playing() { "polite" } else { "off" }}>{ text }</p>
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
