//! The panels under the stage, each showing another module's output for the
//! current run: the charts ([`super::charts`] over the run's chart series,
//! redrawn a few times a second while the run plays),
//! the Python program ([`crate::python`]) with copy and download, and the
//! downloads of events and summary ([`crate::export`]).

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::export::{self, Names};
use crate::i18n::ui::T;
use crate::lang::Lang;
use crate::playground::session::Session;
use crate::python::python_code;
use crate::scenario::Config;
use crate::series::ChartData;

use super::app::Live;
use super::charts::Charts;
use super::copy::CopyButton;
use super::dom;
use super::leaf::hint;
use super::stage::LiveProps;

/// While a run plays, the charts are redrawn at most this often (ms of
/// real time); paused, stepped or scrubbed, at once.
const CHART_REFRESH_MS: f64 = 250.0;

/// The chart data last drawn: for which session, when, and what.
struct ChartCache {
    session: Rc<RefCell<Session>>,
    at_ms: f64,
    data: Rc<ChartData>,
}

#[function_component(ChartsPanel)]
pub fn charts_panel(props: &LiveProps) -> Html {
    let lang = props.lang;
    let cache = use_mut_ref(|| None::<ChartCache>);
    let data = {
        let session = props.live.session.borrow();
        let now_ms = dom::now_ms();
        let mut cache = cache.borrow_mut();
        let recent = cache.as_ref().filter(|c| {
            session.is_playing()
                && Rc::ptr_eq(&c.session, &props.live.session)
                && now_ms - c.at_ms < CHART_REFRESH_MS
        });
        match recent {
            Some(c) => Rc::clone(&c.data),
            None => {
                let end = session.run().now();
                let capacity = session.config().capacity;
                let data = Rc::new(session.derived().series.chart_data(end, capacity));
                *cache = Some(ChartCache {
                    session: Rc::clone(&props.live.session),
                    at_ms: now_ms,
                    data: Rc::clone(&data),
                });
                data
            }
        }
    };
    html! {
        <section class="panel charts-panel" aria-labelledby="charts-title">
            <h2 id="charts-title">{ T::Charts.get(lang) }</h2>
            <Charts {data} {lang} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct PythonProps {
    pub config: Config,
    pub lang: Lang,
}

#[function_component(PythonPanel)]
pub fn python_panel(props: &PythonProps) -> Html {
    // A component, so the program is only written again when its props
    // (the settings and the language) change.
    let lang = props.lang;
    let code = AttrValue::from(python_code(&props.config, lang));
    let on_download = {
        let code = code.clone();
        let name = format!(
            "canteen-{}-{}.py",
            props.config.scenario.name(),
            props.config.seed
        );
        Callback::from(move |_| {
            dom::download(&name, "text/x-python;charset=utf-8", &code);
        })
    };
    html! {
        <section class="panel python-panel" aria-labelledby="python-title">
            <h2 id="python-title">{ T::Python.get(lang) }</h2>
            { hint(T::PythonHint.get(lang)) }
            <div class="buttons">
                <CopyButton id="copy-python" text={code.clone()}
                    label={T::Copy.get(lang)} done={T::Copied.get(lang)} />
                <button type="button" id="download-python" onclick={on_download}>
                    { T::DownloadPy.get(lang) }
                </button>
            </div>
            <pre class="code" tabindex="0" aria-labelledby="python-title"><code id="python-code">{ code }</code></pre>
        </section>
    }
}

/// Which download.
#[derive(Clone, Copy, PartialEq)]
enum Download {
    EventsCsv,
    SummaryCsv,
    Json,
}

fn save(live: &Live, lang: Lang, what: Download) {
    let session = live.session.borrow();
    let run = session.run();
    let report = crate::i18n::run_report(run, lang);
    let names = Names {
        scenario: session.config().scenario,
        roles: run.roles(),
        lang,
    };
    match what {
        Download::EventsCsv => {
            let text = export::events_csv(&session.events(), names);
            dom::download(
                &export::file_name(&report, "-events.csv"),
                "text/csv;charset=utf-8",
                &text,
            );
        }
        Download::SummaryCsv => {
            dom::download(
                &export::file_name(&report, "-summary.csv"),
                "text/csv;charset=utf-8",
                &export::report_csv(&report),
            );
        }
        Download::Json => {
            let text = export::run_json(&report, Some(&session.events()), names);
            dom::download(
                &export::file_name(&report, ".json"),
                "application/json",
                &text,
            );
        }
    }
}

pub fn export_panel(props: &LiveProps) -> Html {
    let lang = props.lang;
    let button = |id: &'static str, what: Download, label: T| {
        let live = props.live.clone();
        let onclick = Callback::from(move |_| save(&live, lang, what));
        html! { <button type="button" {id} {onclick}>{ label.get(lang) }</button> }
    };
    html! {
        <section class="panel export-panel" aria-labelledby="export-title">
            <h2 id="export-title">{ T::Export.get(lang) }</h2>
            { hint(T::ExportHint.get(lang)) }
            <div class="buttons">
                { button("export-events-csv", Download::EventsCsv, T::EventsCsv) }
                { button("export-summary-csv", Download::SummaryCsv, T::SummaryCsv) }
                { button("export-json", Download::Json, T::RunJson) }
            </div>
        </section>
    }
}
