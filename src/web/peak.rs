//! The peak-shaving lab on the page: the presets, the traffic and service
//! settings (each field with its own message), the two variants side by
//! side — counts, latency percentiles, utilisation, an arrivals/s vs
//! served/s chart and a queue-depth chart on shared axes — the M/M/c
//! theory beside the measurements with the ρ ≥ 1 warning, and the
//! trade-off said plainly. The state is [`PeakState`], kept in the page's
//! state; this only renders it and dispatches [`PeakAction`]s.

use std::rc::Rc;
use strum::VariantArray;

use yew::prelude::*;

use crate::i18n::peak::{self as words, P};
use crate::i18n::ui::T;
use crate::lang::Lang;
use crate::number::{fixed, Fixed};
use crate::peak::meter::SeriesReport;
use crate::peak::{PeakReport, Preset, Variant, VariantReport};
use crate::playground::app::Action;
use crate::playground::peak::{PeakAction, PeakField, PeakState};
use crate::series::Axis;
use crate::theory::TheoryReport;

use super::charts::{
    f, figure, Frame, Swatch, BOTTOM, CAPACITY, CONSUMED, H, LEFT, PRODUCED, QUEUE, RIGHT, TOP, W,
};
use super::dom;
use super::field::{text_field, TextField};
use super::leaf::{dt, hint, subtitle, td};
use super::shared::Dispatch;

type PeakDispatch = Callback<PeakAction>;

pub struct PeakLabProps<'a> {
    pub state: &'a PeakState,
    /// The worker that runs it is lost (see [`T::EngineLost`]).
    pub lost: bool,
    pub lang: Lang,
    pub dispatch: &'a Dispatch,
}

/// The whole lab, as one `<section id="peak">`.
pub fn peak_lab(props: &PeakLabProps) -> Html {
    let lang = props.lang;
    let state = props.state;
    let dispatch: PeakDispatch = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |action| dispatch.dispatch(Action::Peak(action)))
    };
    let results = match (&state.report, &state.config) {
        (Some(report), Some(config)) => html! {
            { results(&ResultsProps { report: Rc::clone(report), overload: config.overload,
                steady: config.is_steady(), lang }) }
        },
        (None, Some(_)) if props.lost => html! {
            <p class="field-error" id="peak-lost" role="alert">{ T::EngineLost.get(lang) }</p>
        },
        (None, Some(_)) => html! {
            <p class="muted computing" id="peak-computing" role="status">{ T::Computing.get(lang) }</p>
        },
        _ => html! { <p class="field-error" id="peak-fix">{ P::FixSettings.get(lang) }</p> },
    };
    html! {
        <section class="panel peak" id="peak" aria-labelledby="peak-title">
            <h2 id="peak-title">{ P::Title.get(lang) }</h2>
            { subtitle(P::Subtitle.get(lang)) }
            { presets(state, &dispatch, lang) }
            // Desktop: the settings beside what they produce; phone: the
            // results first (static/peak.css).
            <div class="peak-body">
                { form(state, &dispatch, lang) }
                { results }
            </div>
        </section>
    }
}

fn presets(state: &PeakState, dispatch: &PeakDispatch, lang: Lang) -> Html {
    let button = |preset: Preset| {
        let dispatch = dispatch.clone();
        let onclick = Callback::from(move |_| dispatch.emit(PeakAction::Preset(preset)));
        html! {
            <button type="button" class="seg" id={format!("peak-preset-{}", preset.name())}
                aria-pressed={(state.preset == preset).to_string()} {onclick}>
                { words::preset_name(preset, lang) }
            </button>
        }
    };
    html! {
        <div class="peak-presets">
            <div role="group" aria-label={P::Preset.get(lang)}>
                { for Preset::VARIANTS.iter().copied().map(button) }
            </div>
            { hint(words::preset_description(state.preset, lang)) }
        </div>
    }
}

fn form(state: &PeakState, dispatch: &PeakDispatch, lang: Lang) -> Html {
    let field = |field: PeakField| {
        let hint = match field {
            PeakField::Bursts => Some(P::BurstsHint),
            PeakField::ServiceDelay => Some(P::ServiceHint),
            PeakField::Capacity => Some(P::CapacityHint),
            _ => None,
        };
        let dispatch = dispatch.clone();
        text_field(TextField {
            id: field.id(),
            label: words::field_label(field, lang),
            value: state.form.text(field).to_string(),
            numeric: matches!(
                field,
                PeakField::Seed | PeakField::Workers | PeakField::Capacity
            ),
            hint: hint.map(|hint| (format!("{}-hint", field.id()), hint.get(lang))),
            problem: state
                .error(field)
                .map(|problem| words::field_problem(problem, lang)),
            on_edit: Callback::from(move |text| dispatch.emit(PeakAction::Edit(field, text))),
        })
    };
    let new_seed = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.emit(PeakAction::NewSeed(dom::random_seed())))
    };
    let overload_error = state.error(PeakField::Overload);
    let onoverload = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let on = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked();
            dispatch.emit(PeakAction::SetOverload(on));
        })
    };
    let overload_id = PeakField::Overload.id();
    html! {
        <div class="peak-form" aria-labelledby="peak-settings-title" role="group">
            <h3 id="peak-settings-title">{ P::Settings.get(lang) }</h3>
            { hint(P::LiveResults.get(lang)) }
            <div class="seed-row">
                { field(PeakField::Seed) }
                <button type="button" id="peak-new-seed" onclick={new_seed}>{ P::NewSeed.get(lang) }</button>
            </div>
            <div class="peak-fields">
                { field(PeakField::BaseRate) }
                { field(PeakField::Duration) }
                { field(PeakField::Workers) }
                { field(PeakField::Capacity) }
            </div>
            { field(PeakField::Bursts) }
            { field(PeakField::ServiceDelay) }
            <div class={classes!("field", overload_error.is_some().then_some("invalid"))}>
                <label for={overload_id}>
                    <input type="checkbox" id={overload_id} checked={state.form.overload}
                        onchange={onoverload} aria-invalid={overload_error.is_some().to_string()}
                        aria-describedby={overload_error.map(|_| format!("{overload_id}-error"))} />
                    { " " }{ words::field_label(PeakField::Overload, lang) }
                </label>
                { for overload_error.map(|problem| html! {
                    <p class="field-error" id={format!("{overload_id}-error")}>{ words::field_problem(problem, lang) }</p>
                }) }
            </div>
        </div>
    }
}

struct ResultsProps {
    report: Rc<PeakReport>,
    overload: bool,
    steady: bool,
    lang: Lang,
}

/// Both variants, the theory and the trade-off.
fn results(props: &ResultsProps) -> Html {
    let lang = props.lang;
    let r = &props.report;
    let load = &r.load;
    let warning = (load.peak_rho >= 1.0).then(|| {
        html! {
            <p class="peak-warning" role="note">
                { "⚠ " }{ words::overload_warning(load.peak_rho, props.steady, lang) }
            </p>
        }
    });
    let overload = props
        .overload
        .then(|| html! { { hint(P::Overload.get(lang)) } });
    // Shared axes, so that the two sides compare at a glance.
    let end_s = (r.direct.end_time_ms.max(r.queued.end_time_ms) / 1e3).max(1e-3);
    let top_rate = [&r.direct, &r.queued]
        .iter()
        .flat_map(|v| v.series.arrivals_per_s.iter().chain(&v.series.served_per_s))
        .fold(0.0, |a: f64, &b| a.max(b));
    let axes = SharedAxes {
        x: Axis::exact(end_s, 5),
        rate: Axis::new(top_rate, 4, true),
    };
    let side = |v: &VariantReport| {
        html! {
            { side(&SideProps { report: Rc::clone(r), variant: v.variant, overload: props.overload,
                axes, lang }) }
        }
    };
    html! {
        <div class="peak-results">
            <p>
                { words::service_line(r.settings.workers, &r.settings.service_delay,
                    load.service_capacity_per_s, r.settings.capacity, lang) }
                <br />
                { words::load_line(load.base_rho, (!props.steady).then_some(load.peak_rho), lang) }
            </p>
            { for warning }
            { for overload }
            <div class="peak-sides">
                { side(&r.direct) }
                { side(&r.queued) }
            </div>
            { theory_panel(r, lang) }
            <p class="peak-plainly" id="peak-plainly">{ P::Plainly.get(lang) }</p>
            <p class="peak-tradeoff" id="peak-tradeoff">
                { words::trade_off(r.direct.rejected, r.direct.arrivals, r.queued.dropped,
                    r.queued.stats.p99_wait_ms / 1e3, lang) }
            </p>
        </div>
    }
}

/// The axes both sides draw on.
#[derive(Clone, Copy, PartialEq)]
struct SharedAxes {
    /// Seconds.
    x: Axis,
    /// Requests per second.
    rate: Axis,
}

struct SideProps {
    report: Rc<PeakReport>,
    variant: Variant,
    overload: bool,
    axes: SharedAxes,
    lang: Lang,
}

/// One variant: its rule, its figures and its two charts.
fn side(props: &SideProps) -> Html {
    let lang = props.lang;
    let v = props.report.variant(props.variant);
    let capacity = props.report.settings.capacity;
    let stat = |key: &'static str, label: P, value: String| {
        html! {
            <div class="peak-stat">
                { dt(label.get(lang)) }
                <dd data-stat={key}>{ value }</dd>
            </div>
        }
    };
    let turned_away = match props.variant {
        Variant::Direct => stat("rejected", P::Rejected, v.rejected.to_string()),
        Variant::Queued => stat("dropped", P::Dropped, v.dropped.to_string()),
    };
    html! {
        <article class="panel peak-side" data-variant={props.variant.name()}
            aria-labelledby={format!("peak-{}-title", props.variant.name())}>
            <h3 id={format!("peak-{}-title", props.variant.name())}>{ words::variant_title(props.variant, lang) }</h3>
            { hint(words::variant_rule(props.variant, capacity, props.overload, lang)) }
            <dl class="peak-stats">
                { stat("arrivals", P::Arrivals, v.arrivals.to_string()) }
                { stat("served", P::Served, v.served.to_string()) }
                { turned_away }
                { stat("p50", P::LatencyP50, Fixed::<0>(v.latency.p50_ms).to_string()) }
                { stat("p95", P::LatencyP95, Fixed::<0>(v.latency.p95_ms).to_string()) }
                { stat("p99", P::LatencyP99, Fixed::<0>(v.latency.p99_ms).to_string()) }
                { stat("wait", P::MeanWait, Fixed::<0>(v.stats.mean_wait_ms).to_string()) }
                { stat("queue-max", P::QueueMeanMax, format!("{} / {}", Fixed::<1>(v.stats.mean_queue_len), v.stats.max_queue_len)) }
                { stat("utilization", P::Utilization, format!("{}%", Fixed::<0>(100.0 * v.stats.utilization))) }
            </dl>
            { flow_chart(v, props.axes, lang) }
            { depth_chart(v, props.axes, capacity, lang) }
        </article>
    }
}

/// SVG `points` of one value per bucket, at the buckets' middles.
fn bucket_points(frame: &Frame, series: &SeriesReport, values: &[f64]) -> String {
    let bucket_s = series.bucket_ms / 1e3;
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let x = frame.px(((i as f64 + 0.5) * bucket_s).min(frame.x.max));
            format!("{},{}", f(x), f(frame.py(v.min(frame.y.max))))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Arrivals/s, served/s and turned away/s over time.
fn flow_chart(v: &VariantReport, axes: SharedAxes, lang: Lang) -> Html {
    let frame = Frame {
        x: axes.x,
        y: axes.rate,
    };
    let s = &v.series;
    let line = |values: &[f64], series: &'static str, dash: Option<&'static str>| {
        html! {
            <polyline class={format!("line {series}")} points={bucket_points(&frame, s, values)}
                stroke-width="1.8" stroke-linejoin="round" stroke-dasharray={dash} />
        }
    };
    let (away, away_label) = match v.variant {
        Variant::Direct => (v.rejected, P::RejectedPerS),
        Variant::Queued => (v.dropped, P::DroppedPerS),
    };
    let peak = |values: &[f64]| values.iter().fold(0.0, |a: f64, &b| a.max(b));
    let summary = words::flow_summary(
        v.variant,
        peak(&s.arrivals_per_s),
        peak(&s.served_per_s),
        lang,
    );
    let body = html! {
        <>
            { frame.axes(P::TimeAxis.get(lang), P::RateAxis.get(lang)) }
            { line(&s.arrivals_per_s, PRODUCED, None) }
            { line(&s.served_per_s, QUEUE, None) }
            if away > 0 {
                { line(&s.turned_away_per_s, CAPACITY, Some("4 3")) }
            }
        </>
    };
    let mut legend = vec![
        (
            Swatch::Solid(PRODUCED),
            P::ArrivalsPerS.get(lang).to_string(),
        ),
        (Swatch::Solid(QUEUE), P::ServedPerS.get(lang).to_string()),
    ];
    if away > 0 {
        legend.push((Swatch::Dashed(CAPACITY), away_label.get(lang).to_string()));
    }
    figure(P::FlowTitle.get(lang), summary, body, legend)
}

/// The queue's depth over time (the largest in each bucket); the direct
/// variant has no queue.
fn depth_chart(v: &VariantReport, axes: SharedAxes, capacity: usize, lang: Lang) -> Html {
    let s = &v.series;
    let peak = s.max_queue_len.iter().copied().max().unwrap_or(0);
    let show_capacity =
        v.variant == Variant::Queued && capacity > 0 && capacity as u64 <= 2 * peak.max(2);
    let top = if show_capacity {
        peak.max(capacity as u64)
    } else {
        peak
    };
    let frame = Frame {
        x: axes.x,
        y: Axis::new(top as f64, 4, true),
    };
    let levels: Vec<f64> = s.max_queue_len.iter().map(|&n| n as f64).collect();
    let line = bucket_points(&frame, s, &levels);
    let area = format!(
        "{},{} {line} {},{}",
        f(frame.px(0.0)),
        f(frame.py(0.0)),
        f(frame.px((levels.len() as f64 * s.bucket_ms / 1e3).min(frame.x.max))),
        f(frame.py(0.0))
    );
    let no_queue = v.variant == Variant::Direct && !v.series.max_queue_len.iter().any(|&n| n > 0);
    let capacity_line = show_capacity.then(|| {
        let y = f(frame.py(capacity as f64));
        html! {
            <line x1={f(LEFT)} x2={f(W - RIGHT)} y1={y.clone()} y2={y}
                class="line capacity" stroke-width="1.5" stroke-dasharray="5 4" />
        }
    });
    let body = html! {
        <>
            { frame.axes(P::TimeAxis.get(lang), P::DepthAxis.get(lang)) }
            if no_queue {
                <text x={f((LEFT + W - RIGHT) / 2.0)} y={f((TOP + H - BOTTOM) / 2.0)} text-anchor="middle"
                    class="note">{ P::NoQueue.get(lang) }</text>
            } else {
                <polygon class="area consumed" points={area} fill-opacity="0.2" />
                <polyline class="line consumed" points={line} stroke-width="1.8" />
            }
            { for capacity_line }
        </>
    };
    let summary = if no_queue {
        P::NoQueue.get(lang).to_string()
    } else {
        words::depth_summary(peak, lang)
    };
    let mut legend = Vec::new();
    if !no_queue {
        legend.push((Swatch::Solid(CONSUMED), P::QueueDepth.get(lang).to_string()));
    }
    if show_capacity {
        legend.push((
            Swatch::Dashed(CAPACITY),
            words::capacity_legend(capacity, lang),
        ));
    }
    figure(P::DepthTitle.get(lang), summary, body, legend)
}

/// The theory next to the measurements, or why it does not apply.
fn theory_panel(r: &PeakReport, lang: Lang) -> Html {
    let sides = [&r.direct, &r.queued];
    let any = sides.iter().any(|v| v.theory.is_some());
    let warnings = sides
        .iter()
        .filter_map(|v| v.theory.as_ref().filter(|t| t.grows_without_bound))
        .map(|t| {
            html! {
                <p class="peak-warning" role="note">
                    { "⚠ " }{ words::overload_warning(t.rho, true, lang) }
                </p>
            }
        });
    let body = if any {
        let head = |v: &VariantReport| {
            let model = v
                .theory
                .as_ref()
                .map(|t| t.model.clone())
                .unwrap_or_default();
            html! {
                <th scope="colgroup" colspan="2">{ words::variant_title(v.variant, lang) }{ " " }<code>{ model }</code></th>
            }
        };
        type Pick = fn(&TheoryReport) -> Option<f64>;
        type Measure = fn(&VariantReport) -> f64;
        let rows: [(P, Pick, Measure, usize); 7] = [
            (P::Rho, |t| t.utilization, |v| v.measured.utilization, 3),
            (P::PBlock, |t| t.p_block, |v| v.measured.p_block, 3),
            (P::PWait, |t| t.p_wait, |v| v.measured.p_wait, 3),
            (P::Wq, |t| t.wq_ms, |v| v.measured.wq_ms, 1),
            (P::Lq, |t| t.lq, |v| v.measured.lq, 2),
            (P::W, |t| t.w_ms, |v| v.measured.w_ms, 1),
            (P::L, |t| t.l, |v| v.measured.l, 2),
        ];
        let cells = |v: &VariantReport, pick: Pick, measure: Measure, digits: usize| {
            let theory = v
                .theory
                .as_ref()
                .and_then(pick)
                .map_or("—".to_string(), |x| fixed(x, digits));
            let measured = if v.theory.is_some() {
                fixed(measure(v), digits)
            } else {
                "—".to_string()
            };
            html! { <>{ td(theory) }{ td(measured) }</> }
        };
        let body_rows = rows.into_iter().map(|(label, pick, measure, digits)| {
            html! {
                <tr>
                    <th scope="row">{ label.get(lang) }</th>
                    { cells(&r.direct, pick, measure, digits) }
                    { cells(&r.queued, pick, measure, digits) }
                </tr>
            }
        });
        html! {
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="peak-theory-title">
                <table class="peak-theory-table">
                    <thead>
                        <tr><th></th>{ head(&r.direct) }{ head(&r.queued) }</tr>
                        <tr>
                            <th></th>
                            <th scope="col">{ P::TheoryCol.get(lang) }</th><th scope="col">{ P::Measured.get(lang) }</th>
                            <th scope="col">{ P::TheoryCol.get(lang) }</th><th scope="col">{ P::Measured.get(lang) }</th>
                        </tr>
                    </thead>
                    <tbody>{ for body_rows }</tbody>
                </table>
            </div>
        }
    } else {
        html! { { hint(P::TheoryNotApplicable.get(lang)) } }
    };
    let little = sides.iter().map(|v| {
        html! {
            <li>
                { words::variant_title(v.variant, lang) }{ ": " }{ P::Little.get(lang) }{ " = " }
                { format!("{} / {}", Fixed::<3>(v.little.l), Fixed::<3>(v.little.lambda_w)) }
            </li>
        }
    });
    html! {
        <section class="peak-theory" id="peak-theory" aria-labelledby="peak-theory-title">
            <h3 id="peak-theory-title">{ P::Theory.get(lang) }</h3>
            { hint(P::Theory2.get(lang)) }
            { body }
            { for warnings }
            <ul class="hint">{ for little }</ul>
        </section>
    }
}
