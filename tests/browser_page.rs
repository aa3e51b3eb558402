//! The page's components in a real browser (headless Chrome via wasm-pack):
//! the hot-dog run driven by the buttons and keys shows the right counters,
//! lanes and log; a bad setting shows its message and blocks the run; the
//! language switch changes labels and log lines; a malformed link shows a
//! notice and the defaults; the panic banner is plain text with a reset
//! button. Rendering is awaited with `yew::scheduler::flush`, never a sleep.
#![cfg(target_arch = "wasm32")]

use canteen::lang::Lang;
use canteen::web::{show_banner, App, AppProps, BANNER_ID};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::AttrValue;

wasm_bindgen_test_configure!(run_in_browser);

/// A mounted page; destroyed (listeners and all) when dropped.
struct Page {
    root: Element,
    handle: Option<yew::AppHandle<App>>,
}

impl Drop for Page {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
        self.root.remove();
    }
}

impl Page {
    async fn open(fragment: &str, lang: Lang) -> Page {
        let document = gloo_document();
        let root = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&root).unwrap();
        let props = AppProps {
            fragment: Some(AttrValue::from(fragment.to_string())),
            lang: Some(lang),
            // The engine on the page's thread (the worker is the built page's).
            worker: false,
        };
        let handle = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
        yew::scheduler::flush().await;
        Page {
            root,
            handle: Some(handle),
        }
    }

    fn find(&self, selector: &str) -> Option<Element> {
        self.root.query_selector(selector).unwrap()
    }

    fn get(&self, selector: &str) -> Element {
        self.find(selector)
            .unwrap_or_else(|| panic!("no element matches {selector}"))
    }

    fn text(&self, selector: &str) -> String {
        self.get(selector).text_content().unwrap_or_default()
    }

    /// The value of a counter tile.
    fn count(&self, id: &str) -> String {
        self.text(&format!("#count-{id} dd"))
    }

    async fn click(&self, selector: &str) {
        self.get(selector)
            .dyn_into::<HtmlElement>()
            .unwrap()
            .click();
        yew::scheduler::flush().await;
    }

    async fn type_into(&self, selector: &str, value: &str) {
        let input: HtmlInputElement = self.get(selector).dyn_into().unwrap();
        input.set_value(value);
        let init = web_sys::InputEventInit::new();
        init.set_bubbles(true);
        let event = web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap();
        input.dispatch_event(&event).unwrap();
        yew::scheduler::flush().await;
    }

    fn disabled(&self, selector: &str) -> bool {
        self.get(selector).has_attribute("disabled")
    }
}

fn gloo_document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

async fn press(key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    gloo_document()
        .body()
        .unwrap()
        .dispatch_event(&event)
        .unwrap();
    yew::scheduler::flush().await;
}

const HOTDOG: &str = "#s=hotdog&seed=42&p=2&c=1&n=5&cap=0&pd=uniform:0ms..1s&cd=uniform:0ms..1s";

#[wasm_bindgen_test]
async fn the_hotdog_page_mounts_paused_at_zero() {
    let page = Page::open(HOTDOG, Lang::En).await;
    assert_eq!(page.get("main").id(), "app-root");
    assert_eq!(page.count("produced"), "0");
    assert_eq!(page.count("time"), "0.000s");
    assert_eq!(page.text("#status"), "Paused");
    assert_eq!(
        page.get("#seed")
            .dyn_into::<HtmlInputElement>()
            .unwrap()
            .value(),
        "42"
    );
    assert!(page.text(".log").contains("No events yet"));
}

#[wasm_bindgen_test]
async fn run_to_the_end_shows_ten_made_ten_done_and_the_consumer_terminated() {
    let page = Page::open(HOTDOG, Lang::En).await;
    page.click("#run-to-end").await;
    assert_eq!(page.count("produced"), "10");
    assert_eq!(page.count("task-done"), "10");
    assert_eq!(page.count("unfinished"), "0");
    assert_eq!(page.count("in-queue"), "0");
    assert_eq!(page.text("#status"), "Completed");
    assert_eq!(page.text("#consumer-lanes .lane .what"), "terminated");
    assert!(page
        .text("#log-lines")
        .contains("ate Beijing shop hot dog 5"));
    assert!(page.disabled("#step"), "nothing left to step through");
    // Reset goes back to the start of the same run.
    page.click("#reset").await;
    assert_eq!(page.count("produced"), "0");
    assert_eq!(page.text("#status"), "Paused");
}

#[wasm_bindgen_test]
async fn step_adds_log_lines_one_event_at_a_time() {
    let page = Page::open(HOTDOG, Lang::En).await;
    page.click("#step").await;
    let after_one = page
        .root
        .query_selector_all("#log-lines li")
        .unwrap()
        .length();
    assert!(after_one >= 1);
    page.click("#step").await;
    let after_two = page
        .root
        .query_selector_all("#log-lines li")
        .unwrap()
        .length();
    assert!(after_two > after_one);
    assert!(page.text("#log-lines").contains("p.join() (Shanghai shop)"));
}

#[wasm_bindgen_test]
async fn keys_play_pause_step_and_reset() {
    let page = Page::open(HOTDOG, Lang::En).await;
    press(" ").await;
    assert_eq!(page.text("#status"), "Playing");
    press(" ").await;
    assert_eq!(page.text("#status"), "Paused");
    press("ArrowRight").await;
    assert!(page.find("#log-lines li").is_some());
    press("r").await;
    assert!(page.find("#log-lines").is_none(), "reset clears the log");
}

#[wasm_bindgen_test]
async fn a_bad_setting_shows_its_message_and_the_run_does_not_start() {
    let page = Page::open(HOTDOG, Lang::En).await;
    page.type_into("#producers", "0").await;
    assert_eq!(
        page.text("#producers-error"),
        "0 is out of range; use 1 to 1000."
    );
    assert_eq!(
        page.get("#producers")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert!(page.disabled("#play") && page.disabled("#run-to-end") && page.disabled("#step"));
    assert!(page.find("#settings-blocked").is_some());
    page.type_into("#produce-delay-a", "fast").await;
    assert!(page.text("#produce-delay-error").contains("needs a unit"));
    // Fixing both starts a new run of the new settings.
    page.type_into("#producers", "3").await;
    page.type_into("#produce-delay-a", "0ms").await;
    assert!(page.find(".field-error").is_none());
    page.click("#run-to-end").await;
    assert_eq!(page.count("produced"), "15");
}

#[wasm_bindgen_test]
async fn switching_language_changes_labels_and_log_lines() {
    let page = Page::open(HOTDOG, Lang::En).await;
    page.click("#run-to-end").await;
    assert!(page
        .text("#log-lines")
        .contains("ate Shanghai shop hot dog 1"));
    page.click(".lang-switch button[lang='zh-CN']").await;
    assert_eq!(page.text("#status"), "已完成");
    assert!(page.text("#log-lines").contains("消费了上海分店的热狗1"));
    assert_eq!(
        page.get("main").get_attribute("lang").as_deref(),
        Some("zh-CN")
    );
}

#[wasm_bindgen_test]
async fn a_link_with_a_bad_value_opens_the_rest_and_names_it() {
    let page = Page::open("#s=hotdog&p=lots&c=2", Lang::En).await;
    let notice = page.text(".notice p");
    assert!(notice.contains("'lots' is not a whole number"), "{notice}");
    assert!(notice.contains("the rest of it is open"), "{notice}");
    assert_eq!(
        page.get("#consumers")
            .dyn_into::<HtmlInputElement>()
            .unwrap()
            .value(),
        "2"
    );
    assert_eq!(
        page.get("#producers")
            .dyn_into::<HtmlInputElement>()
            .unwrap()
            .value(),
        "2"
    );
    page.click(".notice button").await;
    assert!(page.find(".notice").is_none());
}

#[wasm_bindgen_test]
async fn the_plain_scenario_ends_stuck_with_the_explanation() {
    let page = Page::open("#s=plain&seed=1", Lang::En).await;
    page.click("#run-to-end").await;
    assert_eq!(page.text("#status"), "Stuck");
    assert!(page.text("#stuck").contains("waits on get() forever"));
    assert_eq!(
        page.text("#consumer-lanes .lane .what"),
        "waits in q.get() forever"
    );
}

#[wasm_bindgen_test]
fn the_panic_banner_is_text_with_a_reset_button() {
    show_banner("<img src=x onerror=alert(1)>", Lang::En);
    let banner = gloo_document().get_element_by_id(BANNER_ID).unwrap();
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    assert!(
        banner.query_selector("img").unwrap().is_none(),
        "the message is text, not markup"
    );
    assert!(banner.text_content().unwrap().contains("<img src=x"));
    let button = banner.query_selector("form button").unwrap().unwrap();
    assert_eq!(button.get_attribute("type").as_deref(), Some("submit"));
    assert_eq!(button.text_content().as_deref(), Some("Reset the page"));
    // A second panic does not stack a second banner.
    show_banner("again", Lang::En);
    assert_eq!(
        gloo_document()
            .query_selector_all(".panic-banner")
            .unwrap()
            .length(),
        1
    );
    banner.remove();
}
