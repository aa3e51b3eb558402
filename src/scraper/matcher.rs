//! Counting with a regex the way Python's `re.findall(pattern, text)` does:
//! the [`Matcher`] trait, the shape of `findall`'s result ([`Found`]), the
//! scanning loop with Python's empty-match rule (shared by every engine),
//! and a compiled pattern with its notes ([`Compiled`]). The engines
//! themselves, and the choice between them, are in [`super::engine`].

use std::fmt;
use std::rc::Rc;

use serde::Serialize;

use super::pattern::{Note, NoteKind, Syntax};

/// One element of `re.findall`'s list: the whole match (no group), the
/// group (one group), or a tuple of every group (several). A group that
/// did not take part is `""`, as in Python.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Found {
    Text(String),
    Tuple(Vec<String>),
}

impl fmt::Display for Found {
    /// As Python prints it inside a list: the text, or `('a', 'b')`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::Text(text) => f.write_str(text),
            Found::Tuple(parts) => {
                f.write_str("(")?;
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "'{part}'")?;
                }
                if parts.len() == 1 {
                    f.write_str(",")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// What `findall` found in one text: how many, and the first few.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Matches {
    /// `len(re.findall(pattern, text))`.
    pub count: u64,
    /// The first elements of the list (at most the `keep` asked for).
    pub found: Vec<Found>,
}

/// A compiled pattern that counts like `re.findall`.
pub trait Matcher {
    /// `re.findall(pattern, text)`: the count, and the first `keep` elements.
    fn find_all(&self, text: &str, keep: usize) -> Matches;
}

/// A leftmost match found from some position: where it starts and ends (in
/// the engine's units: bytes or UTF-16 code units), and its `findall`
/// element when asked for.
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub found: Option<Found>,
}

/// Python's `findall` loop over an engine's "leftmost match at or after
/// `from`" (`search(from, want_found)`): after an empty match the next one
/// may not be empty at the same place (CPython's `must_advance`), so the
/// search moves on one character (`next_char`). A non-empty match may be
/// followed by an empty one where it ends.
pub fn find_all_with(
    len: usize,
    keep: usize,
    mut search: impl FnMut(usize, bool) -> Option<Hit>,
    next_char: impl Fn(usize) -> usize,
) -> Matches {
    let mut matches = Matches::default();
    let mut pos = 0;
    let mut must_advance = false;
    while pos <= len {
        let want = matches.found.len() < keep;
        let Some(mut hit) = search(pos, want) else {
            break;
        };
        if must_advance && hit.start == pos && hit.end == pos {
            if pos >= len {
                break;
            }
            match search(next_char(pos), want) {
                Some(next) => hit = next,
                None => break,
            }
        }
        matches.count += 1;
        if let Some(found) = hit.found.filter(|_| want) {
            matches.found.push(found);
        }
        must_advance = hit.start == hit.end;
        pos = hit.end;
    }
    matches
}

/// The `findall` element for a match with `groups` capturing groups, given
/// the whole match and a way to read group `n` (`None`: did not take part).
pub fn found_from<'a>(
    groups: usize,
    whole: impl FnOnce() -> String,
    group: impl Fn(usize) -> Option<&'a str>,
) -> Found {
    match groups {
        0 => Found::Text(whole()),
        1 => Found::Text(group(1).unwrap_or("").to_string()),
        n => Found::Tuple(
            (1..=n)
                .map(|g| group(g).unwrap_or("").to_string())
                .collect(),
        ),
    }
}

/// A pattern ready to count, with the notes to show next to it.
pub struct Compiled {
    pub matcher: Rc<dyn Matcher>,
    pub notes: Vec<Note>,
}

impl Compiled {
    /// `matcher` with the translation's `notes`, plus a "may differ" note
    /// when the pattern `prefers_shorter` matches and the engine finds it
    /// can match the empty string: Python's empty-match rule may then pick
    /// otherwise.
    pub fn new(
        matcher: Rc<dyn Matcher>,
        mut notes: Vec<Note>,
        empty_match_differs: bool,
    ) -> Compiled {
        if empty_match_differs {
            notes.push(Note {
                syntax: Syntax::EmptyMatchPriority,
                kind: NoteKind::MayDiffer,
                at: 0,
            });
        }
        Compiled { matcher, notes }
    }
}
