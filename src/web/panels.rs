//! The panels under the stage, each showing another module's output for the
//! current run: the charts ([`super::charts`] over the run's chart data,
//! drawn a few times a second while the run plays),
//! the Python program ([`crate::python`]) with copy and download, and the
//! downloads of events and summary ([`crate::export`]).

use std::rc::Rc;

use yew::prelude::*;

#[cfg(feature = "page-engine")]
use crate::export;
use crate::i18n::ui::T;
use crate::lang::Lang;
use crate::playground::app::PythonText;
use crate::playground::session::Download;
#[cfg(feature = "page-engine")]
use crate::playground::session::Session;

use super::charts::Charts;
use super::copy::CopyButton;
use super::dom;
use super::leaf::hint;
use super::shared::LiveProps;

/// The charts of the run (drawn a few times a second while it plays).
pub fn charts_panel(props: &LiveProps) -> Html {
    let lang = props.lang;
    html! {
        <section class="panel charts-panel" aria-labelledby="charts-title">
            <h2 id="charts-title">{ T::Charts.get(lang) }</h2>
            <Charts data={Rc::clone(props.live.chart())} {lang} />
        </section>
    }
}

pub struct PythonProps<'a> {
    pub python: &'a PythonText,
    pub lang: Lang,
}

/// The Python program of the settings (written in the page's worker; until
/// it arrives, "computing").
pub fn python_panel(props: &PythonProps) -> Html {
    let lang = props.lang;
    let config = &props.python.config;
    let Some(text) = &props.python.text else {
        return html! {
            <section class="panel python-panel" aria-labelledby="python-title">
                <h2 id="python-title">{ T::Python.get(lang) }</h2>
                <p class="muted">{ T::Computing.get(lang) }</p>
            </section>
        };
    };
    let code = AttrValue::from(Rc::clone(text));
    let on_download = {
        let code = code.clone();
        let name = format!("canteen-{}-{}.py", config.scenario.name(), config.seed);
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

/// Saves file `what` of the session's run, made here (where the engine
/// runs on the page; the worker makes it otherwise: see [`super::worker`]).
#[cfg(feature = "page-engine")]
pub fn save_here(session: &Session, lang: Lang, what: Download) {
    let file = export::file(session.config(), session.position(), what, lang);
    dom::download(&file.name, what.mime(), &file.text);
}

/// The export panel: `save` saves a file of the run.
pub fn export_panel(lang: Lang, save: &Callback<Download>) -> Html {
    let button = |id: &'static str, what: Download, label: T| {
        let onclick = save.reform(move |_| what);
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
