//! Python `re` patterns, read the way Python reads them and rewritten for
//! the engine that runs them (the browser's `RegExp` or the `regex` crate),
//! so that matching gives what `re.findall(pattern, text)` gives.
//!
//! Python's syntax is checked here first: what Python rejects is rejected
//! with Python's message, even where an engine would accept it (`\p{L}`,
//! `(?<name>…)`). Then every construct is written in the engine's own
//! spelling: `(?P<name>…)` becomes a plain group, `\Z`/`\A` become
//! look-arounds (JavaScript) or `\z`/`\A` (Rust), `\d`, `\w`, `\s`, `\b`,
//! `.`, `^` and `$` are spelled out with Python's Unicode meaning, inline
//! flags are applied by the translation itself, and every escaped
//! punctuation or control character becomes a code-point escape. What an
//! engine cannot do (back-references in Rust, atomic groups, possessive
//! quantifiers, `\N{…}`) is refused with a note, and what may still differ
//! is noted, so the page can say so.

/// The engine a pattern is translated for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// The browser's `RegExp`, with the `v` flag (and `g`, and `i` if asked).
    Js,
    /// The `regex` crate (the command line).
    Rust,
}

/// A Python construct that the engine spells differently or cannot do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// `(?P<name>…)`.
    NamedGroup,
    /// `(?P=name)`.
    NamedBackref,
    /// `\1` … `\99`.
    Backref,
    /// `\A`.
    StartOfString,
    /// `\Z`.
    EndOfString,
    /// `$` also matches before a newline at the very end in Python.
    DollarBeforeFinalNewline,
    /// `(?aimsux)` at the start.
    GlobalFlags,
    /// `(?i:…)`, `(?-i:…)`.
    ScopedFlags,
    /// `(?#…)`.
    Comment,
    /// `(?x)`: whitespace and `#` comments are ignored.
    Verbose,
    /// `\uXXXX`, `\UXXXXXXXX`, octal escapes.
    CodePointEscape,
    /// `\N{NAME}`.
    UnicodeName,
    /// `(?>…)`.
    AtomicGroup,
    /// `*+`, `++`, `?+`, `{m,n}+`.
    Possessive,
    /// `(?(1)yes|no)`.
    Conditional,
    /// `(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)`.
    LookAround,
    /// Ignore-case: case folding may differ for a few characters.
    IgnoreCase,
    /// A pattern that prefers an empty match where a longer one exists at
    /// the same place (`a??`, `|a`): after an empty match Python tries the
    /// longer one, the engines move on one character.
    EmptyMatchPriority,
}

/// What a note says about a construct.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteKind {
    /// Python-only syntax, rewritten for the engine; results are Python's.
    Rewritten,
    /// Runs, but the engine's result may differ from Python's.
    MayDiffer,
}

/// A remark about the pattern, shown next to the regex field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub syntax: Syntax,
    pub kind: NoteKind,
    /// Character position in the pattern.
    pub at: usize,
}

/// Why a pattern cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatternError {
    /// Python itself rejects it; its message (as `re.error` words it).
    Python { message: String, at: usize },
    /// Valid Python, but the engine cannot do it.
    Unsupported { syntax: Syntax, at: usize },
    /// The engine rejected the translated pattern; its own message.
    Engine(String),
    /// The engine is not there (a browser without `RegExp`).
    Unavailable,
}

/// A pattern rewritten for one engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    /// The engine's source.
    pub source: String,
    /// Whole-pattern ignore-case (`(?i)` at the start). For JavaScript the
    /// caller adds the `i` flag; for Rust it is already in `source`.
    pub ignore_case: bool,
    /// Capturing groups, which decide the shape of `findall`'s result.
    pub groups: usize,
    /// Whether the pattern has lazy quantifiers or alternatives: if it can
    /// also match the empty string, Python's empty-match rule may differ.
    pub prefers_shorter: bool,
    pub notes: Vec<Note>,
}

/// Translates Python pattern `pattern` for `engine`.
pub fn translate(pattern: &str, engine: Engine) -> Result<Translation, PatternError> {
    let mut t = Translator {
        chars: pattern.chars().collect(),
        pos: 0,
        engine,
        out: String::new(),
        flags: Flags::default(),
        global_ignore_case: false,
        open: Vec::new(),
        groups: 0,
        closed: Vec::new(),
        names: Vec::new(),
        prev: Prev::Nothing,
        at_start: true,
        prefers_shorter: false,
        notes: Vec::new(),
    };
    t.run()?;
    let mut source = t.out;
    if t.global_ignore_case && engine == Engine::Rust {
        source.insert_str(0, "(?i)");
    }
    Ok(Translation {
        source,
        ignore_case: t.global_ignore_case,
        groups: t.groups,
        prefers_shorter: t.prefers_shorter,
        notes: t.notes,
    })
}

/// Python's inline flags that change how the rest is read or matched.
#[derive(Clone, Copy, Debug, Default)]
struct Flags {
    ignore_case: bool,
    multiline: bool,
    dotall: bool,
    verbose: bool,
    ascii: bool,
}

/// What a quantifier right here would repeat.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    /// Nothing (start, after `(` or `|`): "nothing to repeat".
    Nothing,
    /// A zero-width assertion (`^`, `\b`, …): also "nothing to repeat".
    Anchor,
    /// Something repeatable.
    Atom,
    /// A quantifier: "multiple repeat".
    Repeat,
}

struct Open {
    /// Where the `(` is.
    at: usize,
    /// Flags to restore at `)`.
    saved: Flags,
    /// Group number, for capturing groups.
    capture: Option<usize>,
}

/// One member of a character class.
enum ClassItem {
    Char(char),
    Range(char, char),
    /// `\d`, `\w`, `\s` (negated: `\D`, `\W`, `\S`).
    Category(char),
}

struct Translator {
    chars: Vec<char>,
    pos: usize,
    engine: Engine,
    out: String,
    flags: Flags,
    global_ignore_case: bool,
    open: Vec<Open>,
    groups: usize,
    /// `closed[n - 1]`: group `n` has been closed (a back-reference may use it).
    closed: Vec<bool>,
    /// Named groups and their numbers (a pattern has a handful at most).
    names: Vec<(String, usize)>,
    prev: Prev,
    /// Top level, first alternative, nothing read yet: global flags allowed.
    at_start: bool,
    prefers_shorter: bool,
    notes: Vec<Note>,
}

/// Python's `str.isspace()` characters: what its `\s` matches.
const UNICODE_SPACE: [char; 29] = [
    '\u{9}', '\u{a}', '\u{b}', '\u{c}', '\u{d}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{1f}', ' ',
    '\u{85}', '\u{a0}', '\u{1680}', '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}',
    '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}', '\u{2009}', '\u{200a}', '\u{2028}', '\u{2029}',
    '\u{202f}', '\u{205f}', '\u{3000}',
];
/// `\s` under `(?a)`.
const ASCII_SPACE: [char; 6] = [' ', '\t', '\n', '\r', '\u{c}', '\u{b}'];

/// Characters Python's verbose mode skips.
fn verbose_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}')
}

impl Translator {
    fn error<T>(&self, message: impl Into<String>, at: usize) -> Result<T, PatternError> {
        Err(PatternError::Python {
            message: message.into(),
            at,
        })
    }

    fn unsupported<T>(&self, syntax: Syntax, at: usize) -> Result<T, PatternError> {
        Err(PatternError::Unsupported { syntax, at })
    }

    fn note(&mut self, syntax: Syntax, kind: NoteKind, at: usize) {
        if !self.notes.iter().any(|n| n.syntax == syntax) {
            self.notes.push(Note { syntax, kind, at });
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn text(&self, from: usize, to: usize) -> String {
        self.chars[from..to.min(self.chars.len())].iter().collect()
    }

    fn run(&mut self) -> Result<(), PatternError> {
        while let Some(c) = self.next() {
            let at = self.pos - 1;
            if self.flags.verbose && verbose_space(c) {
                continue;
            }
            if self.flags.verbose && c == '#' {
                while let Some(c) = self.next() {
                    if c == '\n' {
                        break;
                    }
                }
                continue;
            }
            let was_start = self.at_start;
            self.at_start = false;
            match c {
                '\\' => self.escape(at)?,
                '[' => self.class(at)?,
                '(' => self.open_group(at, was_start)?,
                ')' => self.close_group(at)?,
                '|' => {
                    self.out.push('|');
                    self.prev = Prev::Nothing;
                    self.prefers_shorter = true;
                }
                '.' => {
                    let dot = if self.flags.dotall {
                        r"[\s\S]"
                    } else {
                        r"[^\n]"
                    };
                    self.atom(dot);
                }
                '^' => {
                    let text = match (self.engine, self.flags.multiline) {
                        (Engine::Js, false) => r"(?<![\s\S])",
                        (Engine::Js, true) => r"(?<![^\n])",
                        (Engine::Rust, false) => r"\A",
                        (Engine::Rust, true) => "(?m:^)",
                    };
                    self.anchor(text);
                }
                '$' => {
                    let text = match (self.engine, self.flags.multiline) {
                        (Engine::Js, false) => r"(?=\n?(?![\s\S]))",
                        (Engine::Js, true) => r"(?=\n|(?![\s\S]))",
                        (Engine::Rust, false) => {
                            self.note(Syntax::DollarBeforeFinalNewline, NoteKind::MayDiffer, at);
                            r"\z"
                        }
                        (Engine::Rust, true) => "(?m:$)",
                    };
                    self.anchor(text);
                }
                '*' | '+' | '?' => {
                    let quantifier = c.to_string();
                    self.repeat(at, &quantifier)?;
                }
                '{' => match self.braces()? {
                    Some(quantifier) => self.repeat(at, &quantifier)?,
                    None => self.literal(c),
                },
                _ => self.literal(c),
            }
        }
        if let Some(open) = self.open.last() {
            return self.error("missing ), unterminated subpattern", open.at);
        }
        Ok(())
    }

    fn atom(&mut self, text: &str) {
        self.out.push_str(text);
        self.prev = Prev::Atom;
    }

    fn anchor(&mut self, text: &str) {
        self.out.push_str(text);
        self.prev = Prev::Anchor;
    }

    fn literal(&mut self, c: char) {
        let text = self.char_text(c, false);
        self.atom(&text);
    }

    /// A character as a literal of the engine: letters, digits, `_` and
    /// printable non-ASCII characters as they are, and punctuation that
    /// neither engine reads specially outside a class; everything else as a
    /// code-point escape, which both engines read as a literal anywhere.
    fn char_text(&self, c: char, in_class: bool) -> String {
        let plain = c.is_ascii_alphanumeric()
            || c == '_'
            || (!c.is_ascii() && !c.is_whitespace() && !c.is_control())
            || (!in_class && " !\"#%&',-/:;<=>@`~".contains(c));
        if plain {
            c.to_string()
        } else {
            self.code_point(c as u32)
        }
    }

    fn code_point(&self, value: u32) -> String {
        match self.engine {
            Engine::Js => format!("\\u{{{value:X}}}"),
            Engine::Rust => format!("\\x{{{value:X}}}"),
        }
    }

    /// A code point escape read from the pattern, as a literal.
    fn code_point_literal(&mut self, value: u32, at: usize) -> Result<(), PatternError> {
        match char::from_u32(value) {
            Some(c) => self.literal(c),
            // A lone surrogate: JavaScript strings may hold one.
            None if self.engine == Engine::Js => {
                let text = self.code_point(value);
                self.atom(&text);
            }
            None => return self.unsupported(Syntax::CodePointEscape, at),
        }
        Ok(())
    }

    /// The members of `\d`, `\w` or `\s` (lower case), for use inside `[…]`.
    fn category_members(&self, c: char) -> String {
        let ascii = self.flags.ascii;
        match c.to_ascii_lowercase() {
            'd' if ascii => "0-9".to_string(),
            'd' => r"\p{Nd}".to_string(),
            'w' if ascii => "A-Za-z0-9_".to_string(),
            'w' => r"\p{L}\p{N}_".to_string(),
            _ => {
                let list: &[char] = if ascii { &ASCII_SPACE } else { &UNICODE_SPACE };
                list.iter().map(|&c| self.code_point(c as u32)).collect()
            }
        }
    }

    /// `\d`, `\D`, `\w`, … as a whole class; `inside` for use in a class.
    fn category(&self, c: char, inside: bool) -> String {
        let members = self.category_members(c);
        match (c.is_ascii_uppercase(), inside) {
            (false, true) => members,
            (false, false) => format!("[{members}]"),
            (true, _) => format!("[^{members}]"),
        }
    }

    fn word_boundary(&self, negated: bool) -> String {
        match self.engine {
            Engine::Rust => {
                let b = if negated { r"\B" } else { r"\b" };
                if self.flags.ascii {
                    format!("(?-u:{b})")
                } else {
                    b.to_string()
                }
            }
            Engine::Js => {
                let w = self.category('w', false);
                if negated {
                    format!("(?:(?<={w})(?={w})|(?<!{w})(?!{w}))")
                } else {
                    format!("(?:(?<={w})(?!{w})|(?<!{w})(?={w}))")
                }
            }
        }
    }

    /// `n` hex digits after `\x`, `\u` or `\U`.
    fn hex(&mut self, n: usize, escape: char, at: usize) -> Result<u32, PatternError> {
        let start = self.pos;
        let mut value = 0u32;
        for _ in 0..n {
            match self.peek().and_then(|c| c.to_digit(16)) {
                Some(d) => {
                    self.pos += 1;
                    value = value * 16 + d;
                }
                None => {
                    let got = self.text(start, self.pos);
                    return self.error(format!("incomplete escape \\{escape}{got}"), at);
                }
            }
        }
        Ok(value)
    }

    /// Up to `more` further octal digits after `first`.
    fn octal(&mut self, first: u32, more: usize, at: usize) -> Result<u32, PatternError> {
        let mut value = first;
        for _ in 0..more {
            match self.peek().and_then(|c| c.to_digit(8)) {
                Some(d) => {
                    self.pos += 1;
                    value = value * 8 + d;
                }
                None => break,
            }
        }
        if value > 0o377 {
            let text = self.text(at, self.pos);
            return self.error(
                format!("octal escape value {text} outside of range 0-0o377"),
                at,
            );
        }
        Ok(value)
    }

    fn escape(&mut self, at: usize) -> Result<(), PatternError> {
        let Some(c) = self.next() else {
            return self.error("bad escape (end of pattern)", at);
        };
        match c {
            'A' => {
                let text = match self.engine {
                    Engine::Js => {
                        self.note(Syntax::StartOfString, NoteKind::Rewritten, at);
                        r"(?<![\s\S])"
                    }
                    Engine::Rust => r"\A",
                };
                self.anchor(text);
            }
            'Z' => {
                self.note(Syntax::EndOfString, NoteKind::Rewritten, at);
                let text = match self.engine {
                    Engine::Js => r"(?![\s\S])",
                    Engine::Rust => r"\z",
                };
                self.anchor(text);
            }
            'b' | 'B' => {
                let text = self.word_boundary(c == 'B');
                self.anchor(&text);
            }
            'd' | 'D' | 'w' | 'W' | 's' | 'S' => {
                let text = self.category(c, false);
                self.atom(&text);
            }
            'a' => self.literal('\u{7}'),
            'f' => self.literal('\u{c}'),
            'n' => self.literal('\n'),
            'r' => self.literal('\r'),
            't' => self.literal('\t'),
            'v' => self.literal('\u{b}'),
            'x' => {
                let value = self.hex(2, 'x', at)?;
                self.code_point_literal(value, at)?;
            }
            'u' | 'U' => {
                let value = self.hex(if c == 'u' { 4 } else { 8 }, c, at)?;
                if value > 0x10_FFFF {
                    let text = self.text(at, self.pos);
                    return self.error(format!("bad escape {text}"), at);
                }
                if c == 'U' {
                    self.note(Syntax::CodePointEscape, NoteKind::Rewritten, at);
                }
                self.code_point_literal(value, at)?;
            }
            'N' => return self.unsupported(Syntax::UnicodeName, at),
            '0' => {
                let value = self.octal(0, 2, at)?;
                self.note(Syntax::CodePointEscape, NoteKind::Rewritten, at);
                self.code_point_literal(value, at)?;
            }
            '1'..='9' => self.digit_escape(c, at)?,
            c if c.is_ascii_alphabetic() => return self.error(format!("bad escape \\{c}"), at),
            c => self.literal(c),
        }
        Ok(())
    }

    /// `\1`…`\99` (a back-reference) or `\123` (an octal escape).
    fn digit_escape(&mut self, first: char, at: usize) -> Result<(), PatternError> {
        let d1 = first.to_digit(10).unwrap_or(0);
        if let Some(d2) = self.peek().and_then(|c| c.to_digit(10)) {
            let third = self.chars.get(self.pos + 1).and_then(|c| c.to_digit(8));
            if d1 < 8 && d2 < 8 && third.is_some() {
                let value = self.octal(d1, 2, at)?;
                self.note(Syntax::CodePointEscape, NoteKind::Rewritten, at);
                return self.code_point_literal(value, at);
            }
            self.pos += 1;
            return self.backref((d1 * 10 + d2) as usize, at, Syntax::Backref);
        }
        self.backref(d1 as usize, at, Syntax::Backref)
    }

    fn backref(&mut self, group: usize, at: usize, syntax: Syntax) -> Result<(), PatternError> {
        if group == 0 || group > self.groups {
            return self.error(format!("invalid group reference {group}"), at + 1);
        }
        if !self.closed[group - 1] {
            return self.error("cannot refer to an open group", at);
        }
        match self.engine {
            Engine::Rust => self.unsupported(syntax, at),
            Engine::Js => {
                if syntax == Syntax::NamedBackref {
                    self.note(syntax, NoteKind::Rewritten, at);
                }
                self.atom(&format!(r"(?:\{group})"));
                Ok(())
            }
        }
    }

    /// After `{`: a quantifier `{m}`, `{m,}`, `{,n}`, `{m,n}` in the
    /// engine's spelling, or `None` when Python reads the `{` as a literal.
    fn braces(&mut self) -> Result<Option<String>, PatternError> {
        let here = self.pos;
        if self.peek() == Some('}') {
            return Ok(None);
        }
        let digits = |t: &mut Self| {
            let start = t.pos;
            while t.peek().is_some_and(|c| c.is_ascii_digit()) {
                t.pos += 1;
            }
            t.text(start, t.pos)
        };
        let lo = digits(self);
        let hi = if self.eat(',') {
            Some(digits(self))
        } else {
            None
        };
        if !self.eat('}') {
            self.pos = here;
            return Ok(None);
        }
        let number = |t: &Self, s: &str| -> Result<u64, PatternError> {
            match s.parse::<u64>() {
                Ok(n) if n < u64::from(u32::MAX) => Ok(n),
                _ => t.error("the repetition number is too large", here),
            }
        };
        let min = if lo.is_empty() { 0 } else { number(self, &lo)? };
        Ok(Some(match hi {
            None => format!("{{{min}}}"),
            Some(hi) if hi.is_empty() => format!("{{{min},}}"),
            Some(hi) => {
                let max = number(self, &hi)?;
                if max < min {
                    return self.error("min repeat greater than max repeat", here);
                }
                format!("{{{min},{max}}}")
            }
        }))
    }

    fn repeat(&mut self, at: usize, quantifier: &str) -> Result<(), PatternError> {
        match self.prev {
            Prev::Nothing | Prev::Anchor => return self.error("nothing to repeat", at),
            Prev::Repeat => return self.error("multiple repeat", at),
            Prev::Atom => {}
        }
        self.out.push_str(quantifier);
        if self.eat('?') {
            self.out.push('?');
            self.prefers_shorter = true;
        } else if self.peek() == Some('+') {
            return self.unsupported(Syntax::Possessive, at);
        }
        self.prev = Prev::Repeat;
        Ok(())
    }

    fn open_group(&mut self, at: usize, at_start: bool) -> Result<(), PatternError> {
        if !self.eat('?') {
            return self.open_capture(at, None);
        }
        let Some(c) = self.next() else {
            return self.error("unexpected end of pattern", self.pos);
        };
        match c {
            'P' => match self.next() {
                Some('<') => {
                    let name = self.group_name('>')?;
                    if self.engine == Engine::Js {
                        self.note(Syntax::NamedGroup, NoteKind::Rewritten, at);
                    }
                    self.open_capture(at, Some(name))
                }
                Some('=') => {
                    let name = self.group_name(')')?;
                    let Some(group) = self.group_named(&name) else {
                        return self.error(format!("unknown group name '{name}'"), at + 4);
                    };
                    self.backref(group, at, Syntax::NamedBackref)
                }
                Some(other) => self.error(format!("unknown extension ?P{other}"), at + 1),
                None => self.error("unexpected end of pattern", self.pos),
            },
            ':' => self.open_plain(at, "(?:", self.flags),
            '#' => {
                loop {
                    match self.next() {
                        Some(')') => break,
                        Some(_) => {}
                        None => return self.error("missing ), unterminated comment", at),
                    }
                }
                self.note(Syntax::Comment, NoteKind::Rewritten, at);
                // A comment is nothing: what came before it stays repeatable,
                // and global flags may still follow it at the start.
                self.at_start = at_start;
                Ok(())
            }
            '=' | '!' => self.look_around(at, if c == '=' { "(?=" } else { "(?!" }),
            '<' => match self.next() {
                Some('=') => self.look_around(at, "(?<="),
                Some('!') => self.look_around(at, "(?<!"),
                Some(other) => self.error(format!("unknown extension ?<{other}"), at + 1),
                None => self.error("unexpected end of pattern", self.pos),
            },
            '(' => self.unsupported(Syntax::Conditional, at),
            '>' => self.unsupported(Syntax::AtomicGroup, at),
            c if "aiLmsux-".contains(c) => {
                self.pos -= 1;
                self.flag_group(at, at_start)
            }
            other => self.error(format!("unknown extension ?{other}"), at + 1),
        }
    }

    fn look_around(&mut self, at: usize, opening: &str) -> Result<(), PatternError> {
        if self.engine == Engine::Rust {
            return self.unsupported(Syntax::LookAround, at);
        }
        self.open_plain(at, opening, self.flags)
    }

    fn open_plain(&mut self, at: usize, opening: &str, saved: Flags) -> Result<(), PatternError> {
        self.out.push_str(opening);
        self.open.push(Open {
            at,
            saved,
            capture: None,
        });
        self.prev = Prev::Nothing;
        Ok(())
    }

    /// The number of the group called `name`, if one is.
    fn group_named(&self, name: &str) -> Option<usize> {
        self.names
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, group)| group)
    }

    fn open_capture(&mut self, at: usize, name: Option<String>) -> Result<(), PatternError> {
        self.groups += 1;
        self.closed.push(false);
        if let Some(name) = name {
            if let Some(was) = self.group_named(&name) {
                return self.error(
                    format!(
                        "redefinition of group name '{name}' as group {}; was group {was}",
                        self.groups
                    ),
                    at + 4,
                );
            }
            self.names.push((name, self.groups));
        }
        self.out.push('(');
        self.open.push(Open {
            at,
            saved: self.flags,
            capture: Some(self.groups),
        });
        self.prev = Prev::Nothing;
        Ok(())
    }

    /// A group name up to `end`, checked as Python checks it.
    fn group_name(&mut self, end: char) -> Result<String, PatternError> {
        let start = self.pos;
        loop {
            match self.next() {
                Some(c) if c == end => break,
                Some(_) => {}
                None => {
                    let what = if end == '>' { ">" } else { ")" };
                    return self.error(format!("missing {what}, unterminated name"), start);
                }
            }
        }
        let name = self.text(start, self.pos - 1);
        if name.is_empty() {
            return self.error("missing group name", start);
        }
        if !is_identifier(&name) {
            return self.error(format!("bad character in group name '{name}'"), start);
        }
        Ok(name)
    }

    /// `(?aiLmsux)` (global, only at the start) or `(?flags-flags:…)`.
    fn flag_group(&mut self, at: usize, at_start: bool) -> Result<(), PatternError> {
        let mut on = Vec::new();
        let mut off = Vec::new();
        let mut removing = false;
        loop {
            let Some(c) = self.next() else {
                return self.error("missing -, : or )", self.pos);
            };
            match c {
                'a' | 'i' | 'L' | 'm' | 's' | 'u' | 'x' => {
                    if c == 'L' {
                        return self.error(
                            "bad inline flag: cannot use 'L' flag with a str pattern",
                            self.pos - 1,
                        );
                    }
                    if removing {
                        if matches!(c, 'a' | 'u') {
                            return self.error(
                                "bad inline flag: cannot turn off flags 'a', 'u' and 'L'",
                                self.pos - 1,
                            );
                        }
                        off.push(c);
                    } else {
                        on.push(c);
                    }
                }
                '-' if !removing => removing = true,
                ')' if !removing => break,
                ':' => break,
                _ => {
                    let message = if c.is_alphabetic() {
                        "unknown flag"
                    } else {
                        "missing -, : or )"
                    };
                    return self.error(message, self.pos - 1);
                }
            }
        }
        if on.contains(&'a') && on.contains(&'u') {
            return self.error(
                "bad inline flag: flags 'a', 'u' and 'L' are incompatible",
                at + 2,
            );
        }
        if removing && off.is_empty() {
            return self.error("missing flag", self.pos - 1);
        }
        let scoped = self.chars[self.pos - 1] == ':';
        let saved = self.flags;
        let mut flags = self.flags;
        for &c in &on {
            set_flag(&mut flags, c, true);
        }
        for &c in &off {
            set_flag(&mut flags, c, false);
        }
        if !scoped {
            if !at_start {
                return self.error("global flags not at the start of the expression", at);
            }
            if self.engine == Engine::Js {
                self.note(Syntax::GlobalFlags, NoteKind::Rewritten, at);
            }
            if on.contains(&'x') {
                self.note(Syntax::Verbose, NoteKind::Rewritten, at);
            }
            if flags.ignore_case {
                self.global_ignore_case = true;
                self.note(Syntax::IgnoreCase, NoteKind::MayDiffer, at);
            }
            self.flags = flags;
            self.flags.ignore_case = false;
            self.at_start = true;
            return Ok(());
        }
        if self.engine == Engine::Js {
            self.note(Syntax::ScopedFlags, NoteKind::Rewritten, at);
        }
        let opening = match (on.contains(&'i'), off.contains(&'i')) {
            (true, _) => {
                self.note(Syntax::IgnoreCase, NoteKind::MayDiffer, at);
                "(?i:"
            }
            (false, true) => "(?-i:",
            (false, false) => "(?:",
        };
        self.open_plain(at, opening, saved)?;
        self.flags = flags;
        Ok(())
    }

    fn close_group(&mut self, at: usize) -> Result<(), PatternError> {
        let Some(open) = self.open.pop() else {
            return self.error("unbalanced parenthesis", at);
        };
        self.flags = open.saved;
        if let Some(group) = open.capture {
            self.closed[group - 1] = true;
        }
        self.atom(")");
        Ok(())
    }

    fn class(&mut self, at: usize) -> Result<(), PatternError> {
        let negated = self.eat('^');
        let mut items = Vec::new();
        let unterminated = |t: &Self| t.error("unterminated character set", at);
        loop {
            let item_at = self.pos;
            let Some(c) = self.next() else {
                return unterminated(self);
            };
            if c == ']' && !items.is_empty() {
                break;
            }
            let first = if c == '\\' {
                self.class_escape(item_at)?
            } else {
                ClassItem::Char(c)
            };
            if !self.eat('-') {
                items.push(first);
                continue;
            }
            let Some(that) = self.next() else {
                return unterminated(self);
            };
            if that == ']' {
                items.push(first);
                items.push(ClassItem::Char('-'));
                break;
            }
            let second = if that == '\\' {
                self.class_escape(self.pos - 1)?
            } else {
                ClassItem::Char(that)
            };
            match (first, second) {
                (ClassItem::Char(lo), ClassItem::Char(hi)) if lo <= hi => {
                    items.push(ClassItem::Range(lo, hi))
                }
                _ => {
                    let text = self.text(item_at, self.pos);
                    return self.error(format!("bad character range {text}"), item_at);
                }
            }
        }
        let mut text = String::from(if negated { "[^" } else { "[" });
        for item in &items {
            match *item {
                ClassItem::Char(c) => text.push_str(&self.char_text(c, true)),
                ClassItem::Range(lo, hi) => {
                    text.push_str(&self.char_text(lo, true));
                    text.push('-');
                    text.push_str(&self.char_text(hi, true));
                }
                ClassItem::Category(c) => text.push_str(&self.category(c, true)),
            }
        }
        text.push(']');
        self.atom(&text);
        Ok(())
    }

    fn class_escape(&mut self, at: usize) -> Result<ClassItem, PatternError> {
        let Some(c) = self.next() else {
            return self.error("bad escape (end of pattern)", at);
        };
        let code = |v: u32, t: &Self| match char::from_u32(v) {
            Some(c) => Ok(ClassItem::Char(c)),
            None => t.unsupported(Syntax::CodePointEscape, at),
        };
        match c {
            'd' | 'D' | 'w' | 'W' | 's' | 'S' => Ok(ClassItem::Category(c)),
            'a' => Ok(ClassItem::Char('\u{7}')),
            'b' => Ok(ClassItem::Char('\u{8}')),
            'f' => Ok(ClassItem::Char('\u{c}')),
            'n' => Ok(ClassItem::Char('\n')),
            'r' => Ok(ClassItem::Char('\r')),
            't' => Ok(ClassItem::Char('\t')),
            'v' => Ok(ClassItem::Char('\u{b}')),
            'x' => {
                let v = self.hex(2, 'x', at)?;
                code(v, self)
            }
            'u' | 'U' => {
                let v = self.hex(if c == 'u' { 4 } else { 8 }, c, at)?;
                if v > 0x10_FFFF {
                    let text = self.text(at, self.pos);
                    return self.error(format!("bad escape {text}"), at);
                }
                code(v, self)
            }
            'N' => self.unsupported(Syntax::UnicodeName, at),
            '0'..='7' => {
                let v = self.octal(c.to_digit(8).unwrap_or(0), 2, at)?;
                self.note(Syntax::CodePointEscape, NoteKind::Rewritten, at);
                code(v, self)
            }
            c if c.is_ascii_alphanumeric() => self.error(format!("bad escape \\{c}"), at),
            c => Ok(ClassItem::Char(c)),
        }
    }
}

fn set_flag(flags: &mut Flags, c: char, value: bool) {
    match c {
        'i' => flags.ignore_case = value,
        'm' => flags.multiline = value,
        's' => flags.dotall = value,
        'x' => flags.verbose = value,
        'a' => flags.ascii = value,
        // 'u' is Python's default for str patterns.
        _ => {}
    }
}

/// Python's `str.isidentifier()`, close enough for group names: a letter
/// or `_`, then letters, digits or `_`.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(p: &str) -> String {
        translate(p, Engine::Js).unwrap().source
    }

    /// Python's error as `str(re.error)` prints it.
    fn err(p: &str) -> String {
        match translate(p, Engine::Js).unwrap_err() {
            PatternError::Python { message, at } => format!("{message} at position {at}"),
            other => panic!("{p}: not Python's error: {other:?}"),
        }
    }

    #[test]
    fn the_seed_pattern_keeps_its_shape() {
        assert_eq!(js("src=//(.*?) width"), r"src=//([^\n]*?) width");
        let t = translate("src=//(.*?) width", Engine::Rust).unwrap();
        assert_eq!(t.groups, 1);
        assert!(t.notes.is_empty());
    }

    #[test]
    fn python_errors_come_with_python_messages() {
        assert_eq!(err("*"), "nothing to repeat at position 0");
        assert_eq!(err("a**"), "multiple repeat at position 2");
        assert_eq!(err(r"\p{L}"), r"bad escape \p at position 0");
        assert_eq!(err("(?<n>a)"), "unknown extension ?<n at position 1");
        assert_eq!(
            err("(a"),
            "missing ), unterminated subpattern at position 0"
        );
        assert_eq!(err("a)"), "unbalanced parenthesis at position 1");
        assert_eq!(err("[a"), "unterminated character set at position 0");
        assert_eq!(err(r"(a)\2"), "invalid group reference 2 at position 4");
        assert_eq!(
            err("a(?i)"),
            "global flags not at the start of the expression at position 1"
        );
        assert_eq!(err("[z-a]"), "bad character range z-a at position 1");
    }

    #[test]
    fn python_only_syntax_is_rewritten_and_noted() {
        let t = translate(r"(?P<x>a)(?P=x)\Z", Engine::Js).unwrap();
        assert_eq!(t.source, r"(a)(?:\1)(?![\s\S])");
        let kinds: Vec<_> = t.notes.iter().map(|n| n.syntax).collect();
        assert_eq!(
            kinds,
            [
                Syntax::NamedGroup,
                Syntax::NamedBackref,
                Syntax::EndOfString
            ]
        );
        assert_eq!(
            translate(r"(a)\1", Engine::Rust),
            Err(PatternError::Unsupported {
                syntax: Syntax::Backref,
                at: 3
            })
        );
    }

    #[test]
    fn braces_that_are_not_quantifiers_are_literals() {
        assert_eq!(js("a{"), r"a\u{7B}");
        assert_eq!(js("a{,2}"), "a{0,2}");
        assert_eq!(js("a{x}"), r"a\u{7B}x\u{7D}");
    }
}
