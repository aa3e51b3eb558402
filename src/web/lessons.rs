//! The lessons on the page: the path of ten lessons with each one's mark
//! (a sign and its words, never a colour alone), and the lesson open — its
//! few sentences, its question asked before the run (choices as radio
//! buttons, an estimate as a field with its problem at the field), then the
//! prediction beside the run's answer, why, and a button to the moment
//! that decides it. The state is [`LessonsState`]; this renders it and
//! dispatches [`LessonAction`]s. Each lesson in the list is a link (the
//! page opens links as they change).

use strum::VariantArray;
use yew::prelude::*;

use crate::i18n::lessons::{self as words, W};
use crate::i18n::ui::{problem, T};
use crate::lang::Lang;
use crate::lessons::{Choice, LessonId, Setup, Verdict};
use crate::playground::app::Action;
use crate::playground::lessons::{GuessProblem, LessonAction, LessonsState, Mark, Open};
use crate::playground::link::lesson_fragment;
use crate::scenario::ScenarioKind;

use super::dom;
use super::field::{text_field, TextField};
use super::leaf::muted;
use super::shared::Dispatch;

fn send(dispatch: &Dispatch, action: LessonAction) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_| dispatch.dispatch(Action::Lesson(action.clone())))
}

/// The path: every lesson in order, a link to it for the seed open, with
/// how it was last answered.
pub fn lesson_list(state: &LessonsState, lang: Lang) -> Html {
    let open = state.open.as_ref();
    let seed = open.map_or(0, |o| o.seed);
    let item = |&id: &LessonId| {
        let current = open.is_some_and(|o| o.id == id);
        let mark = state.progress.get(id).map(|a| a.mark);
        let sign = match mark {
            Some(Mark::Right) => "✓",
            Some(Mark::Close) => "≈",
            Some(Mark::Wrong) => "✗",
            None => "·",
        };
        let href = format!("#{}", lesson_fragment(id, seed, lang));
        html! {
            <li>
                <a {href} aria-current={current.then_some("step")}>
                    <span class="mark" aria-hidden="true">{ sign }</span>
                    { words::title(id, lang) }
                    if let Some(mark) = mark {
                        <span class="visually-hidden">{ " (" }{ words::mark(mark, lang) }{ ")" }</span>
                    }
                </a>
            </li>
        }
    };
    html! {
        <nav class="panel lesson-list" aria-labelledby="lessons-title">
            <h2 id="lessons-title">{ W::Lessons.get(lang) }</h2>
            <ol>{ for LessonId::VARIANTS.iter().map(item) }</ol>
        </nav>
    }
}

/// The lesson open: its sentences, its question, and once checked, the
/// prediction beside the run's answer.
pub fn lesson_step(open: &Open, lost: bool, lang: Lang, dispatch: &Dispatch) -> Html {
    let scenario = match &open.setup {
        Setup::Run(config) => config.scenario,
        Setup::Peak(_) => ScenarioKind::Custom,
    };
    let checked = open.checked.is_some();
    let question = words::question(open.asked, lang);
    let error = open.problem.as_ref().map(|p| match p {
        GuessProblem::NoChoice => W::PickOne.get(lang).to_string(),
        GuessProblem::Estimate(p) => problem(p, lang),
    });
    let asking = if open.is_estimate() {
        let dispatch = dispatch.clone();
        text_field(TextField {
            id: "lesson-estimate",
            label: question,
            value: open.estimate.clone(),
            numeric: true,
            hint: None,
            problem: error,
            on_edit: Callback::from(move |text| {
                dispatch.dispatch(Action::Lesson(LessonAction::Type(text)))
            }),
        })
    } else {
        let choice = |(i, &c): (usize, &Choice)| {
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
                    { words::choice(c, scenario, lang) }
                </label>
            }
        };
        html! {
            <fieldset class="field" aria-describedby={error.is_some().then_some("lesson-choice-error")}>
                <legend>{ question }</legend>
                { for open.choices.iter().enumerate().map(choice) }
                if let Some(error) = error {
                    <p class="field-error" id="lesson-choice-error">{ error }</p>
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
    let computing = open.decided.is_none();
    let new_seed = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| {
            dispatch.dispatch(Action::Lesson(LessonAction::NewSeed(dom::random_seed())))
        })
    };
    let result = match (open.checked, open.lesson()) {
        (Some(guess), Some(lesson)) => {
            let verdict = lesson.check(guess);
            let (sign, class) = match verdict {
                Verdict::Right => ("✓ ", "verdict right"),
                Verdict::Close { .. } => ("≈ ", "verdict close"),
                _ => ("✗ ", "verdict wrong"),
            };
            let next = LessonId::nth(open.id.number() + 1).map(|next| {
                let href = format!("#{}", lesson_fragment(next, open.seed, lang));
                html! { <a class="button" {href}>{ W::Next.get(lang) }{ " →" }</a> }
            });
            html! {
                <div class="lesson-result" id="lesson-result" role="status">
                    <p id="lesson-prediction">{ words::prediction(guess, &open.choices, scenario, lang) }</p>
                    <p id="lesson-verdict" {class}>
                        <span aria-hidden="true">{ sign }</span>
                        { words::verdict(&lesson, verdict, lang) }
                    </p>
                    <p id="lesson-why">{ words::why(open.id, lang) }</p>
                    <div class="buttons">
                        if matches!(open.setup, Setup::Run(_)) {
                            <button type="button" id="lesson-jump" onclick={send(dispatch, LessonAction::Jump)}>
                                { W::Jump.get(lang) }
                            </button>
                        }
                        <button type="button" id="lesson-again" onclick={send(dispatch, LessonAction::Retry)}>
                            { W::Again.get(lang) }
                        </button>
                        { for next }
                    </div>
                </div>
            }
        }
        _ => Html::default(),
    };
    html! {
        <article class="panel lesson" id="lesson" aria-labelledby="lesson-title">
            <div class="buttons lesson-place">
                <p class="hint">{ words::place(open.id, open.seed, lang) }</p>
                <button type="button" id="lesson-seed" onclick={new_seed}>{ T::NewSeed.get(lang) }</button>
            </div>
            <h2 id="lesson-title">{ words::title(open.id, lang) }</h2>
            <p>{ words::intro(open.id, lang) }</p>
            <form class="lesson-ask" {onsubmit} novalidate=true>
                { asking }
                if !checked {
                    <div class="buttons">
                        <button type="submit" class="primary" id="lesson-check" disabled={computing}>{ W::Check.get(lang) }</button>
                    </div>
                    if computing {
                        { muted(if lost { T::EngineLost.get(lang) } else { T::Computing.get(lang) }) }
                    }
                }
            </form>
            { result }
        </article>
    }
}
