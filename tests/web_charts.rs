//! The chart components in a real browser (headless Chrome via wasm-pack):
//! a hot-dog run draws three SVG charts with their axis titles and units,
//! one line per series, one bar per non-empty histogram bin, and a summary
//! for screen readers; an empty run draws the "nothing yet" message.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use canteen::lang::Lang;
use canteen::run::Run;
use canteen::scenario::{Config, ScenarioKind};
use canteen::series::{ChartData, Series};
use canteen::web::charts::{ChartProps, Charts};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The chart data of `scenario` run to the end.
fn finished(scenario: ScenarioKind) -> ChartData {
    let config = Config::defaults(scenario, 42);
    let capacity = config.capacity;
    let mut run = Run::charted(config, |_| {});
    run.run_to_end();
    let charts = run.charts().expect("a charted run keeps charts");
    charts.chart_data(run.now(), capacity)
}

/// Renders the charts into a fresh element and returns its HTML.
async fn render(data: ChartData, lang: Lang) -> String {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let props = ChartProps {
        data: Rc::new(data),
        lang,
    };
    yew::Renderer::<Charts>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    root.inner_html()
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

#[wasm_bindgen_test]
async fn a_hotdog_run_draws_three_labelled_charts() {
    let data = finished(ScenarioKind::Hotdog);
    let bars = data.waits.iter().filter(|b| b.count > 0).count();
    let html = render(data, Lang::En).await;
    assert_eq!(count(&html, "<svg"), 3, "{html}");
    assert_eq!(count(&html, "viewBox=\"0 0 360 220\""), 3);
    // The queue line, then produced and consumed.
    assert_eq!(count(&html, "<polyline"), 3, "{html}");
    assert!(bars > 0);
    assert_eq!(count(&html, "<rect"), bars, "{html}");
    for text in [
        "Queue length over time",
        "time (s)",
        "items in queue",
        "time waited in the queue (ms)",
        "produced",
        "consumed",
        "unbounded",
        "10 produced, 10 consumed",
        "Wait times of 10 items",
    ] {
        assert!(html.contains(text), "missing {text:?} in {html}");
    }
}

#[wasm_bindgen_test]
async fn an_empty_run_says_nothing_was_got_yet_in_chinese() {
    let data = Series::default().chart_data(0, 3);
    let html = render(data, Lang::Zh).await;
    assert_eq!(count(&html, "<svg"), 3);
    assert!(html.contains("还没有从队列取出数据"), "{html}");
    assert!(html.contains("容量 3"), "{html}");
    assert!(html.contains("时间 (s)"), "{html}");
    assert_eq!(count(&html, "<rect"), 0);
}
