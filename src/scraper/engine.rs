//! The platform's regex engine, chosen in one place: [`compile`] translates
//! a Python pattern and compiles it with the `regex` crate on the command
//! line (below), or with the browser's own `RegExp` in wasm (`browser`).
//! The [`Matcher`](super::matcher::Matcher) trait and the `findall` loop
//! every engine shares are in [`super::matcher`], which does not import
//! this module back.

use super::matcher::Compiled;
use super::pattern::PatternError;

/// Compiles Python pattern `pattern` for this platform's engine.
pub fn compile(pattern: &str) -> Result<Compiled, PatternError> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        native::compile(pattern)
    }
    #[cfg(target_arch = "wasm32")]
    {
        super::browser::compile(pattern)
    }
}

/// The `regex` crate as the engine (native only).
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::rc::Rc;

    use crate::scraper::matcher::{find_all_with, found_from, Compiled, Hit, Matcher, Matches};
    use crate::scraper::pattern::{translate, Engine, PatternError};

    /// A pattern compiled with the `regex` crate.
    pub struct RustMatcher {
        regex: regex::Regex,
        groups: usize,
    }

    /// Translates `pattern` and compiles it with the `regex` crate.
    pub fn compile(pattern: &str) -> Result<Compiled, PatternError> {
        let translation = translate(pattern, Engine::Rust)?;
        let regex = regex::Regex::new(&translation.source)
            .map_err(|e| PatternError::Engine(e.to_string()))?;
        let empty_match_differs = translation.prefers_shorter && regex.is_match("");
        let matcher = Rc::new(RustMatcher {
            regex,
            groups: translation.groups,
        });
        Ok(Compiled::new(
            matcher,
            translation.notes,
            empty_match_differs,
        ))
    }

    impl Matcher for RustMatcher {
        fn find_all(&self, text: &str, keep: usize) -> Matches {
            let search = |from: usize, want: bool| -> Option<Hit> {
                if !want {
                    let m = self.regex.find_at(text, from)?;
                    return Some(Hit {
                        start: m.start(),
                        end: m.end(),
                        found: None,
                    });
                }
                let caps = self.regex.captures_at(text, from)?;
                let whole = caps.get(0)?;
                let found = found_from(
                    self.groups,
                    || whole.as_str().to_string(),
                    |g| caps.get(g).map(|m| m.as_str()),
                );
                Some(Hit {
                    start: whole.start(),
                    end: whole.end(),
                    found: Some(found),
                })
            };
            let next_char = |pos: usize| pos + text[pos..].chars().next().map_or(1, char::len_utf8);
            find_all_with(text.len(), keep, search, next_char)
        }
    }
}
