//! The run's three charts as SVG function components: the queue length
//! over time, the cumulative counts produced and consumed, and the
//! histogram of waiting times. They draw a [`ChartData`] snapshot
//! (`Series::chart_data`), so they cost the same on a run of any length.
//!
//! Each is a `<figure class="chart">` holding a responsive `<svg>` (viewBox,
//! width 100%) and an HTML legend. The look lives in `static/style.css`:
//! a series is a class (`queue`, `capacity`, `produced`, `consumed`,
//! `wait`) that sets its colour from `--chart-queue` … `--chart-wait`, then
//! the page's `--brand`, `--bad`, `--focus`, `--warn`; a `line` strokes it,
//! an `area` or a `bar` fills it; grid lines and notes use `--border` and
//! `--muted`; text and axes use `currentColor`, so both themes read well.

use std::fmt::Write as _;
use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::charts::{self as words, C};
use crate::lang::Lang;
use crate::number::Fixed;
use crate::series::{Axis, ChartData, Steps};
use crate::trace::Nanos;

/// The drawing's size in viewBox units; it scales to the figure's width.
pub(super) const W: f64 = 360.0;
pub(super) const H: f64 = 220.0;
/// Room around the plot for tick labels and axis titles.
pub(super) const LEFT: f64 = 40.0;
pub(super) const RIGHT: f64 = 12.0;
pub(super) const TOP: f64 = 22.0;
pub(super) const BOTTOM: f64 = 38.0;

/// The series' classes (their colours are in the stylesheet).
pub(super) const QUEUE: &str = "queue";
pub(super) const CAPACITY: &str = "capacity";
pub(super) const PRODUCED: &str = "produced";
pub(super) const CONSUMED: &str = "consumed";

/// The props of every chart: the data to draw and the language.
#[derive(Properties, PartialEq, Clone)]
pub struct ChartProps {
    pub data: Rc<ChartData>,
    pub lang: Lang,
}

fn secs(t: Nanos) -> f64 {
    t as f64 / 1e9
}

fn ms(t: Nanos) -> f64 {
    t as f64 / 1e6
}

/// The plot area's axes and the mapping from data to viewBox units.
pub(super) struct Frame {
    pub(super) x: Axis,
    pub(super) y: Axis,
}

impl Frame {
    pub(super) fn px(&self, v: f64) -> f64 {
        LEFT + v / self.x.max * (W - LEFT - RIGHT)
    }

    pub(super) fn py(&self, v: f64) -> f64 {
        H - BOTTOM - v / self.y.max * (H - TOP - BOTTOM)
    }

    /// SVG `points` of a step polyline with times in ns on the x axis.
    fn points(&self, steps: &Steps) -> String {
        let mut out = String::with_capacity(steps.len() * 14);
        for &(t, v) in steps {
            let _ = write!(
                out,
                "{},{} ",
                Fixed::<1>(self.px(secs(t))),
                Fixed::<1>(self.py(v as f64))
            );
        }
        out
    }

    /// Grid lines, ticks with labels, the axes and their titles.
    pub(super) fn axes(&self, x_title: &str, y_title: &str) -> Html {
        let (x0, x1) = (LEFT, W - RIGHT);
        let (y0, y1) = (H - BOTTOM, TOP);
        let y_ticks = self.y.ticks().into_iter().map(|v| {
            let y = self.py(v);
            html! {
                <g>
                    <line class="grid" x1={f(x0)} x2={f(x1)} y1={f(y)} y2={f(y)} />
                    <text x={f(x0 - 5.0)} y={f(y)} dy="0.32em" text-anchor="end">{ self.y.label(v) }</text>
                </g>
            }
        });
        let x_ticks = self.x.ticks().into_iter().map(|v| {
            let x = self.px(v);
            html! {
                <g>
                    <line x1={f(x)} x2={f(x)} y1={f(y0)} y2={f(y0 + 4.0)} stroke="currentColor" />
                    <text x={f(x)} y={f(y0 + 15.0)} text-anchor="middle">{ self.x.label(v) }</text>
                </g>
            }
        });
        html! {
            <g class="chart-axes">
                { for y_ticks }
                { for x_ticks }
                <line x1={f(x0)} x2={f(x1)} y1={f(y0)} y2={f(y0)} stroke="currentColor" />
                <line x1={f(x0)} x2={f(x0)} y1={f(y0)} y2={f(y1)} stroke="currentColor" />
                <text class="note" x={f((x0 + x1) / 2.0)} y={f(H - 4.0)} text-anchor="middle">{ x_title.to_string() }</text>
                <text class="note" x="2" y="11">{ y_title.to_string() }</text>
            </g>
        }
    }
}

/// A viewBox coordinate as an attribute value.
pub(super) fn f(v: f64) -> String {
    Fixed::<1>(v).to_string()
}

/// How a legend entry's swatch looks.
pub(super) enum Swatch {
    Solid(&'static str),
    Dashed(&'static str),
    /// Nothing drawn (e.g. an unbounded queue has no capacity line).
    Text,
}

/// The `<figure>` around a chart: caption, SVG and legend.
pub(super) fn figure(
    title: &str,
    summary: String,
    body: Html,
    legend: Vec<(Swatch, String)>,
) -> Html {
    let has_legend = !legend.is_empty();
    let items = legend.into_iter().map(|(swatch, label)| {
        let class = match swatch {
            Swatch::Solid(series) => Some(format!("swatch {series}")),
            Swatch::Dashed(series) => Some(format!("swatch dashed {series}")),
            Swatch::Text => None,
        };
        html! {
            <li>
                if let Some(class) = class {
                    <span aria-hidden="true" {class}></span>
                }
                { label }
            </li>
        }
    });
    html! {
        <figure class="chart">
            <figcaption class="chart-title">{ title.to_string() }</figcaption>
            <svg viewBox={format!("0 0 {} {}", Fixed::<0>(W), Fixed::<0>(H))} width="100%" role="img" aria-label={summary.clone()}
                font-size="12" fill="currentColor">
                <title>{ summary }</title>
                { body }
            </svg>
            if has_legend {
                <ul class="chart-legend">
                    { for items }
                </ul>
            }
        </figure>
    }
}

/// The queue length over time, with the capacity as a dashed line.
fn queue_chart(props: &ChartProps) -> Html {
    let lang = props.lang;
    let data = &props.data;
    let peak = ChartData::peak(&data.queue);
    let capacity = data.capacity as u64;
    // Show the capacity line when the queue gets anywhere near it.
    let show_capacity = capacity > 0 && capacity <= (2 * peak).max(4);
    let y_max = if show_capacity {
        peak.max(capacity)
    } else {
        peak
    };
    let frame = Frame {
        x: Axis::exact(secs(data.end), 5),
        y: Axis::new(y_max as f64, 4, true),
    };
    let line = frame.points(&data.queue);
    let area = format!(
        "{line}{},{} {},{}",
        Fixed::<1>(frame.px(secs(data.queue.last().map_or(0, |p| p.0)))),
        Fixed::<1>(frame.py(0.0)),
        Fixed::<1>(frame.px(0.0)),
        Fixed::<1>(frame.py(0.0))
    );
    let capacity_line = show_capacity.then(|| {
        let y = f(frame.py(capacity as f64));
        html! {
            <line x1={f(LEFT)} x2={f(W - RIGHT)} y1={y.clone()} y2={y}
                class="line capacity" stroke-width="1.5" stroke-dasharray="5 4" />
        }
    });
    let seconds = frame.x.label(secs(data.end));
    let summary = words::queue_summary(peak, data.capacity, &seconds, lang);
    let capacity_label = match data.capacity {
        0 => C::Unbounded.get(lang).to_string(),
        n => words::capacity_legend(n, lang),
    };
    let body = html! {
        <>
            { frame.axes(C::TimeAxis.get(lang), C::QueueAxis.get(lang)) }
            <polygon class="area queue" points={area} fill-opacity="0.15" />
            <polyline class="line queue" points={line} stroke-width="2" stroke-linejoin="round" />
            { for capacity_line }
        </>
    };
    let capacity_swatch = if show_capacity {
        Swatch::Dashed(CAPACITY)
    } else {
        Swatch::Text
    };
    figure(
        C::QueueTitle.get(lang),
        summary,
        body,
        vec![
            (Swatch::Solid(QUEUE), C::QueueLegend.get(lang).to_string()),
            (capacity_swatch, capacity_label),
        ],
    )
}

/// Cumulative items produced and consumed: the gap between the lines is
/// what sits in the queue or in a consumer's hands.
fn flow_chart(props: &ChartProps) -> Html {
    let lang = props.lang;
    let data = &props.data;
    let produced = ChartData::peak(&data.produced);
    let consumed = ChartData::peak(&data.consumed);
    let frame = Frame {
        x: Axis::exact(secs(data.end), 5),
        y: Axis::new(produced.max(consumed) as f64, 4, true),
    };
    let seconds = frame.x.label(secs(data.end));
    let summary = words::flow_summary(produced, consumed, &seconds, lang);
    let body = html! {
        <>
            { frame.axes(C::TimeAxis.get(lang), C::ItemsAxis.get(lang)) }
            <polyline class="line produced" points={frame.points(&data.produced)}
                stroke-width="2" stroke-linejoin="round" />
            <polyline class="line consumed" points={frame.points(&data.consumed)}
                stroke-width="2" stroke-linejoin="round" stroke-dasharray="6 3" />
        </>
    };
    figure(
        C::FlowTitle.get(lang),
        summary,
        body,
        vec![
            (Swatch::Solid(PRODUCED), C::Produced.get(lang).to_string()),
            (Swatch::Dashed(CONSUMED), C::Consumed.get(lang).to_string()),
        ],
    )
}

/// How long items waited in the queue, from put to get.
fn wait_chart(props: &ChartProps) -> Html {
    let lang = props.lang;
    let data = &props.data;
    let longest = data.waits.last().map_or(0.0, |bin| ms(bin.to));
    let tallest = data.waits.iter().map(|bin| bin.count).max().unwrap_or(0);
    let frame = Frame {
        x: Axis::new(longest, 5, false),
        y: Axis::new(tallest as f64, 4, true),
    };
    let bars = data.waits.iter().filter(|bin| bin.count > 0).map(|bin| {
        let (x0, x1) = (frame.px(ms(bin.from)), frame.px(ms(bin.to)));
        let y = frame.py(bin.count as f64);
        let width = (x1 - x0 - 1.0).max(1.0);
        html! {
            <rect x={f(x0 + 0.5)} y={f(y)} width={f(width)} height={f(frame.py(0.0) - y)}
                class="bar wait" fill-opacity="0.8" />
        }
    });
    let empty = data.waits.is_empty().then(|| {
        html! {
            <text x={f((LEFT + W - RIGHT) / 2.0)} y={f((TOP + H - BOTTOM) / 2.0)} text-anchor="middle"
                class="note">{ C::NoWaits.get(lang) }</text>
        }
    });
    let summary = if data.waits.is_empty() {
        C::NoWaits.get(lang).to_string()
    } else {
        words::wait_summary(data.wait_count, &frame.x.label(longest), lang)
    };
    let body = html! {
        <>
            { frame.axes(C::WaitAxis.get(lang), C::CountAxis.get(lang)) }
            { for bars }
            { for empty }
        </>
    };
    figure(C::WaitTitle.get(lang), summary, body, Vec::new())
}

/// The three charts side by side, wrapping onto more rows on narrow
/// screens (`<div class="charts">`, a grid unless the page's CSS says
/// otherwise).
#[function_component(Charts)]
pub fn charts(props: &ChartProps) -> Html {
    html! {
        <div class="charts">
            { queue_chart(props) }
            { flow_chart(props) }
            { wait_chart(props) }
        </div>
    }
}
