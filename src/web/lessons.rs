//! The lessons on the page: the path of ten lessons with each one's mark
//! (a sign and its words, never a colour alone), and the lesson open — its
//! few sentences, its question asked before the run (choices as radio
//! buttons, an estimate as a field with its problem at the field), then the
//! prediction beside the run's answer, why, and a button to the moment
//! that decides it. The state is [`LessonsState`]; this renders it and
//! dispatches [`LessonAction`]s. Each lesson in the list is a link (the
//! page opens links as they change). The words arrive with the lesson
//! ([`crate::playground::lessons::Given`]).

use yew::prelude::*;

use crate::i18n::lessons::{self as words, W};
use crate::i18n::ui::{problem, T};
use crate::lang::Lang;
use crate::lessons::{LessonId, Verdict};
use crate::playground::app::Action;
use crate::playground::lessons::{GuessProblem, LessonAction, LessonsState, Mark, Open};
use crate::playground::link::lesson_fragment;

use super::dom;
use super::field::{text_field, TextField};
use super::shared::Dispatch;

/// A button that dispatches a lesson's action.
fn button(
    id: &'static str,
    label: &'static str,
    action: LessonAction,
    dispatch: &Dispatch,
) -> Html {
    let dispatch = dispatch.clone();
    let onclick = Callback::from(move |_| dispatch.dispatch(Action::Lesson(action.clone())));
    html! { <button type="button" {id} {onclick}>{ label }</button> }
}

/// `<p id=…>text</p>`.
fn line(id: &'static str, class: &'static str, text: String) -> Html {
    html! { <p {id} {class}>{ text }</p> }
}

/// The link to lesson `id` for `seed`.
fn href(id: LessonId, seed: u64, lang: Lang) -> String {
    format!("#{}", lesson_fragment(id, seed, lang))
}

/// The path: every lesson in order, a link to it for the seed open, with
/// how it was last answered.
pub fn lesson_list(state: &LessonsState, lang: Lang) -> Html {
    let Some(open) = &state.open else {
        return Html::default();
    };
    let titles = open.given.as_ref().map_or(&[][..], |g| &g.titles[..]);
    let item = |(i, title): (usize, &String)| {
        let id = LessonId::nth(i + 1).unwrap_or(LessonId::NoQueue);
        let mark = state.progress.get(id).map(|a| a.mark);
        let sign = match mark {
            Some(Mark::Right) => "✓",
            Some(Mark::Close) => "≈",
            Some(Mark::Wrong) => "✗",
            None => "",
        };
        html! {
            <li>
                <a href={href(id, open.seed, lang)} aria-current={(open.id == id).then_some("step")}>
                    { title }
                    <span class="mark" aria-hidden="true">{ sign }</span>
                    if let Some(mark) = mark {
                        <span class="visually-hidden">{ words::mark(mark, lang) }</span>
                    }
                </a>
            </li>
        }
    };
    html! {
        <nav class="panel lesson-list" aria-labelledby="lessons-title">
            <h2 id="lessons-title">{ W::Lessons.get(lang) }</h2>
            <ol>{ for titles.iter().enumerate().map(item) }</ol>
        </nav>
    }
}

/// The lesson open: its sentences, its question, and once checked, the
/// prediction beside the run's answer.
pub fn lesson_step(open: &Open, lost: bool, lang: Lang, dispatch: &Dispatch) -> Html {
    let checked = open.checked.is_some();
    let new_seed = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| {
            dispatch.dispatch(Action::Lesson(LessonAction::NewSeed(dom::random_seed())))
        })
    };
    let head = html! {
        <div class="buttons lesson-place">
            <p class="hint">{ words::place(open.id, open.seed, lang) }</p>
            <button type="button" id="lesson-seed" onclick={new_seed}>{ T::NewSeed.get(lang) }</button>
        </div>
    };
    let Some(given) = &open.given else {
        let waiting = if lost { T::EngineLost } else { T::Computing };
        return html! {
            <article class="panel lesson" id="lesson">
                { head }
                <p class="muted">{ waiting.get(lang) }</p>
            </article>
        };
    };
    let error = open.problem.as_ref().map(|p| match p {
        GuessProblem::NoChoice => W::PickOne.get(lang).to_string(),
        GuessProblem::Estimate(p) => problem(p, lang),
    });
    let asking = if given.choices.is_empty() {
        let dispatch = dispatch.clone();
        text_field(TextField {
            id: "lesson-estimate",
            label: "",
            value: open.estimate.clone(),
            numeric: true,
            hint: None,
            problem: error,
            on_edit: Callback::from(move |text| {
                dispatch.dispatch(Action::Lesson(LessonAction::Type(text)))
            }),
        })
    } else {
        let choice = |(i, text): (usize, &String)| {
            let onchange = {
                let dispatch = dispatch.clone();
                Callback::from(move |_: Event| {
                    dispatch.dispatch(Action::Lesson(LessonAction::Pick(i)))
                })
            };
            html! {
                <label class="choice">
                    <input type="radio" name="lesson-choice" checked={open.pick == Some(i)}
                        disabled={checked} {onchange} />
                    { text }
                </label>
            }
        };
        html! {
            <fieldset aria-describedby={error.is_some().then_some("lesson-choice-error")}>
                <legend>{ &given.question }</legend>
                { for given.choices.iter().enumerate().map(choice) }
                if let Some(error) = error {
                    { line("lesson-choice-error", "field-error", error) }
                }
            </fieldset>
        }
    };
    let onsubmit = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            dispatch.dispatch(Action::Lesson(LessonAction::Check));
        })
    };
    let result = match (open.checked, open.verdict()) {
        (Some(guess), Some(verdict)) => {
            let class = match verdict {
                Verdict::Right => "verdict right",
                Verdict::Close { .. } => "verdict close",
                _ => "verdict wrong",
            };
            let fared = words::fared(verdict, &given.answer_words(), given.deciding, lang);
            let next = LessonId::nth(open.id.number() + 1).map(|next| {
                html! { <a class="button" href={href(next, open.seed, lang)}>{ W::Next.get(lang) }</a> }
            });
            html! {
                <div class="lesson-result" role="status">
                    { line("lesson-prediction", "", words::prediction(&given.guess_words(guess), lang)) }
                    { line("lesson-verdict", class, fared) }
                    { line("lesson-why", "", given.why.clone()) }
                    <div class="buttons">
                        if given.config.is_some() {
                            { button("lesson-jump", W::Jump.get(lang), LessonAction::Jump, dispatch) }
                        }
                        { button("lesson-again", W::Again.get(lang), LessonAction::Retry, dispatch) }
                        { for next }
                    </div>
                </div>
            }
        }
        _ => html! {
            <button type="submit" class="primary" id="lesson-check">{ W::Check.get(lang) }</button>
        },
    };
    html! {
        <article class="panel lesson" id="lesson" aria-labelledby="lesson-title">
            { head }
            <h2 id="lesson-title">{ open.given.as_ref().and_then(|g| g.titles.get(open.id.number() - 1)).cloned() }</h2>
            <p>{ &given.intro }</p>
            <form {onsubmit} novalidate=true>
                if given.choices.is_empty() {
                    <p class="question"><label for="lesson-estimate">{ &given.question }</label></p>
                }
                { asking }
                { result }
            </form>
        </article>
    }
}
