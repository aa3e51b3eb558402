//! What the views share, below all of them: the page state's reducer and
//! the handle that dispatches to it, the props of the views that show the
//! playground's run, and the actors' colours. Views import this, never the
//! root component.

use std::rc::Rc;

use yew::prelude::*;

use crate::lang::Lang;
use crate::playground::app::{Action, AppState};
use crate::playground::session::Session;
use crate::trace::Role;

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        if next.apply(action) {
            Rc::new(next)
        } else {
            // Unchanged: the same Rc, so nothing re-renders.
            self
        }
    }
}

/// Dispatches actions to the page state.
pub type Dispatch = UseReducerDispatcher<AppState>;

/// The props of a view of the playground's run.
pub struct LiveProps {
    /// The run as shown now.
    pub live: Session,
    pub lang: Lang,
}

/// The colour of an actor, as a hue: producers warm, consumers cool.
pub fn hue(role: Role) -> u32 {
    match role {
        Role::Main => 280,
        Role::Producer(i) => (20 + i * 47) % 360,
        Role::Consumer(i) => (200 + i * 53) % 360,
    }
}
