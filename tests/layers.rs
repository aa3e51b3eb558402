//! The layers and the absence of cycles, read from the source itself.
//!
//! Every `.rs` file under `src/` is lexed (comments, strings and character
//! literals dropped), and every crate-internal path in it is resolved to the
//! module it names: `use` trees (grouped, nested, renamed, globbed, `pub use`),
//! and paths in code starting with `crate::`, `super::` (repeated), `self::`, a
//! child module's name, or `canteen::` in the binaries. A `#[cfg(...)]` does not
//! change where code lives, so imports under any cfg count, tests included.
//!
//! Modules: `src/x.rs` and `src/x/mod.rs` are `x`, `src/x/y.rs` is `x::y`;
//! inline `mod m { … }` blocks belong to their file. `src/bin/*.rs` are the
//! binaries, outside the library and above every layer. A path through a
//! re-export (`pub use`) is followed to the module that defines the item.
//!
//! What is checked:
//! - every library module's top-level name is in [`LAYERS`];
//! - an import never points to a higher layer than its module's (a submodule
//!   has the layer of its top-level module);
//! - no cycles. An import from module `a…` to module `b…` is counted between
//!   the two children of their deepest common ancestor that contain them:
//!   `run` → `i18n::ui` is `run` → `i18n` among the top-level modules, and
//!   `web::app` → `web::stage` is `app` → `stage` among `web`'s children. An
//!   import between a module and its own ancestor or descendant (`x::y` using
//!   `super::Thing` from `x`, or `x` declaring and re-exporting `x::y`) is not
//!   counted: that is how Rust modules are built. But since re-exports are
//!   followed, `x::a` reaching `super::Thing` that `x` re-exports from `x::b`
//!   counts as `a` → `b`.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The layers, bottom first. A module may import its own layer or any below.
/// The same order is written in README.md's "Layers" section.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "the queue, the event vocabulary, numbers, the language tag",
        &["number", "lang", "queue", "trace"],
    ),
    (
        "the executor, statistics, chart series, who waits where",
        &["sim", "stats", "series", "lines"],
    ),
    ("runs and the playback clock", &["run", "clock", "delay"]),
    ("the seed's cases and the theory", &["scenario", "theory"]),
    ("the labs", &["lessons", "peak", "scraper", "termination"]),
    ("the page's state as a value", &["playground"]),
    ("every sentence", &["i18n"]),
    ("programs and files made from a run", &["python", "export"]),
    ("the edges: the command line and the page", &["cli", "web"]),
];

/// A module path: `["web", "app"]`; the library root is `[]`, a binary's root
/// is `["bin/NAME"]`.
type Module = Vec<String>;

fn show(module: &[String]) -> String {
    if module.is_empty() {
        "crate".to_string()
    } else {
        module.join("::")
    }
}

// ---- lexing ----------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
    /// A string, character or number literal: only there to keep paths apart.
    Literal,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Rust source to tokens, without comments, strings and lifetimes.
fn lex(source: &str) -> Vec<Token> {
    let c: Vec<char> = source.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    // Skips a "…" string whose opening quote is at `i`; returns the index after it.
    let skip_quoted = |mut i: usize, line: &mut usize| {
        i += 1;
        while i < c.len() && c[i] != '"' {
            if c[i] == '\\' {
                i += 1;
            }
            if at(i) == '\n' {
                *line += 1;
            }
            i += 1;
        }
        i + 1
    };
    while i < c.len() {
        let ch = c[i];
        let start_line = line;
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 1;
            i += 2;
            while i < c.len() && depth > 0 {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                } else {
                    if c[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if is_ident_start(ch) {
            let start = i;
            while i < c.len() && is_ident_char(c[i]) {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            let next = at(i);
            if word == "r" && next == '#' && is_ident_start(at(i + 1)) {
                // A raw identifier, r#type.
                let start = i + 1;
                i += 1;
                while i < c.len() && is_ident_char(c[i]) {
                    i += 1;
                }
                let word = c[start..i].iter().collect();
                out.push(Token {
                    tok: Tok::Ident(word),
                    line: start_line,
                });
            } else if matches!(word.as_str(), "r" | "br" | "cr") && (next == '"' || next == '#') {
                // A raw string: r"…", r#"…"#, br##"…"##.
                let mut hashes = 0;
                while at(i) == '#' {
                    hashes += 1;
                    i += 1;
                }
                if at(i) == '"' {
                    i += 1;
                    while i < c.len() {
                        if c[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                            i += 1 + hashes;
                            break;
                        }
                        if c[i] == '\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
                out.push(Token {
                    tok: Tok::Literal,
                    line: start_line,
                });
            } else if matches!(word.as_str(), "b" | "c") && next == '"' {
                i = skip_quoted(i, &mut line);
                out.push(Token {
                    tok: Tok::Literal,
                    line: start_line,
                });
            } else if word == "b" && next == '\'' {
                i = skip_char_literal(&c, i);
                out.push(Token {
                    tok: Tok::Literal,
                    line: start_line,
                });
            } else {
                out.push(Token {
                    tok: Tok::Ident(word),
                    line: start_line,
                });
            }
        } else if ch == '"' {
            i = skip_quoted(i, &mut line);
            out.push(Token {
                tok: Tok::Literal,
                line: start_line,
            });
        } else if ch == '\'' {
            if at(i + 1) == '\\' || (at(i + 2) == '\'' && at(i + 1) != '\n') {
                i = skip_char_literal(&c, i);
                out.push(Token {
                    tok: Tok::Literal,
                    line: start_line,
                });
            } else {
                // A lifetime or a loop label: 'a, 'static.
                i += 1;
                while i < c.len() && is_ident_char(c[i]) {
                    i += 1;
                }
            }
        } else if ch.is_ascii_digit() {
            while i < c.len() && is_ident_char(c[i]) {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Literal,
                line: start_line,
            });
        } else if ch == ':' && at(i + 1) == ':' {
            out.push(Token {
                tok: Tok::PathSep,
                line: start_line,
            });
            i += 2;
        } else {
            out.push(Token {
                tok: Tok::Punct(ch),
                line: start_line,
            });
            i += 1;
        }
    }
    out
}

/// Skips a character literal whose opening quote is at `i` ('a', '\n', '\'',
/// '\u{1F600}'); returns the index after its closing quote.
fn skip_char_literal(c: &[char], mut i: usize) -> usize {
    i += 1;
    if c.get(i) == Some(&'\\') {
        i += 2;
    } else {
        i += 1;
    }
    while i < c.len() && c[i] != '\'' {
        i += 1;
    }
    i + 1
}

// ---- finding paths ---------------------------------------------------------------------------

/// A path as written, before resolution.
#[derive(Debug, Clone, PartialEq)]
struct RawPath {
    /// The inline modules around it, inside its file: `["tests"]`.
    inline: Vec<String>,
    segments: Vec<String>,
    line: usize,
    /// Ends in `::*`.
    glob: bool,
    /// A `pub use` (any visibility): the name it re-exports under.
    reexport_as: Option<String>,
}

/// What a file's tokens say: its paths and its inline modules.
#[derive(Debug, Default)]
struct Scan {
    paths: Vec<RawPath>,
    inline_modules: Vec<Vec<String>>,
}

fn ident(tokens: &[Token], i: usize) -> Option<&str> {
    match tokens.get(i).map(|t| &t.tok) {
        Some(Tok::Ident(s)) => Some(s),
        _ => None,
    }
}

fn is(tokens: &[Token], i: usize, tok: &Tok) -> bool {
    tokens.get(i).map(|t| &t.tok) == Some(tok)
}

/// Whether the `use` at `i` is `pub use`, `pub(crate) use`, `pub(super) use`.
fn is_pub_use(tokens: &[Token], i: usize) -> bool {
    if i == 0 {
        return false;
    }
    if ident(tokens, i - 1) == Some("pub") {
        return true;
    }
    if is(tokens, i - 1, &Tok::Punct(')')) {
        let mut j = i - 1;
        while j > 0 && !is(tokens, j, &Tok::Punct('(')) {
            j -= 1;
        }
        return j > 0 && ident(tokens, j - 1) == Some("pub");
    }
    false
}

fn scan(tokens: &[Token]) -> Scan {
    let mut scan = Scan::default();
    let mut inline: Vec<String> = Vec::new();
    // The brace depth at which each open inline module closes.
    let mut closes_at: Vec<usize> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < tokens.len() {
        let after_sep = i > 0 && is(tokens, i - 1, &Tok::PathSep);
        match &tokens[i].tok {
            Tok::Ident(w) if w == "mod" && is(tokens, i + 2, &Tok::Punct('{')) => {
                let name = ident(tokens, i + 1).unwrap_or_default().to_string();
                inline.push(name);
                scan.inline_modules.push(inline.clone());
                depth += 1;
                closes_at.push(depth);
                i += 3;
            }
            Tok::Punct('{') => {
                depth += 1;
                i += 1;
            }
            Tok::Punct('}') => {
                if closes_at.last() == Some(&depth) {
                    closes_at.pop();
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            Tok::Ident(w) if w == "use" && !after_sep && !is(tokens, i + 1, &Tok::Punct('<')) => {
                let public = is_pub_use(tokens, i);
                let mut leaves = Vec::new();
                let end = use_tree(tokens, i + 1, Vec::new(), &mut leaves);
                for (segments, line, glob, alias) in leaves {
                    let reexport_as = if public && !glob {
                        alias.or_else(|| segments.last().cloned())
                    } else {
                        None
                    };
                    scan.paths.push(RawPath {
                        inline: inline.clone(),
                        segments,
                        line,
                        glob,
                        reexport_as,
                    });
                }
                i = end;
            }
            Tok::Ident(_) | Tok::Punct('$')
                if !after_sep
                    && (is(tokens, i + 1, &Tok::PathSep) || is_dollar_crate(tokens, i)) =>
            {
                let line = tokens[i].line;
                let mut segments = Vec::new();
                if is_dollar_crate(tokens, i) {
                    segments.push("crate".to_string());
                    i += 2;
                } else {
                    segments.push(ident(tokens, i).unwrap_or_default().to_string());
                    i += 1;
                }
                while is(tokens, i, &Tok::PathSep) {
                    match ident(tokens, i + 1) {
                        Some(s) => {
                            segments.push(s.to_string());
                            i += 2;
                        }
                        None => break,
                    }
                }
                scan.paths.push(RawPath {
                    inline: inline.clone(),
                    segments,
                    line,
                    glob: false,
                    reexport_as: None,
                });
            }
            _ => i += 1,
        }
    }
    scan
}

fn is_dollar_crate(tokens: &[Token], i: usize) -> bool {
    is(tokens, i, &Tok::Punct('$'))
        && ident(tokens, i + 1) == Some("crate")
        && is(tokens, i + 2, &Tok::PathSep)
}

/// A leaf of a use tree: its full path, the line of its last segment, whether
/// it is a glob, and its `as` name.
type Leaf = (Vec<String>, usize, bool, Option<String>);

/// Reads the use tree at `i` under `prefix`, appending its leaves; returns the
/// index after the tree (after the `;` at the top level).
fn use_tree(tokens: &[Token], mut i: usize, prefix: Vec<String>, leaves: &mut Vec<Leaf>) -> usize {
    let top = prefix.is_empty();
    let mut path = prefix;
    let mut line;
    if top && is(tokens, i, &Tok::PathSep) {
        // `use ::extern_crate::…`: never this crate.
        while i < tokens.len() && !is(tokens, i, &Tok::Punct(';')) {
            i += 1;
        }
        return i + 1;
    }
    loop {
        match tokens.get(i).map(|t| &t.tok) {
            Some(Tok::Punct('{')) => {
                i += 1;
                while i < tokens.len() && !is(tokens, i, &Tok::Punct('}')) {
                    i = use_tree(tokens, i, path.clone(), leaves);
                    if is(tokens, i, &Tok::Punct(',')) {
                        i += 1;
                    }
                }
                i += 1;
                break;
            }
            Some(Tok::Punct('*')) => {
                leaves.push((path.clone(), tokens[i].line, true, None));
                i += 1;
                break;
            }
            Some(Tok::Punct('$')) if ident(tokens, i + 1) == Some("crate") => {
                path.push("crate".to_string());
                line = tokens[i].line;
                i += 2;
            }
            Some(Tok::Ident(s)) => {
                line = tokens[i].line;
                path.push(s.clone());
                i += 1;
            }
            _ => break,
        }
        if is(tokens, i, &Tok::PathSep) {
            i += 1;
            continue;
        }
        let mut alias = None;
        if ident(tokens, i) == Some("as") {
            alias = ident(tokens, i + 1).map(str::to_string);
            i += 2;
        }
        if path.last().map(String::as_str) == Some("self") {
            path.pop();
        }
        leaves.push((path, line, false, alias));
        break;
    }
    if top {
        while i < tokens.len() && !is(tokens, i, &Tok::Punct(';')) {
            i += 1;
        }
        i += 1;
    }
    i
}

// ---- the crate -------------------------------------------------------------------------------

struct File {
    display: String,
    module: Module,
    /// `[]` for the library, `["bin/NAME"]` for a binary.
    crate_root: Module,
    scan: Scan,
}

/// One import, resolved.
#[derive(Debug, Clone)]
struct Import {
    from: Module,
    to: Module,
    file: String,
    line: usize,
    written: String,
}

struct Crate {
    files: Vec<File>,
    /// Every module, file or inline, and the file module it belongs to.
    modules: BTreeMap<Module, Module>,
    /// (module, name) → the absolute path it re-exports.
    reexports: BTreeMap<(Module, String), Vec<String>>,
}

/// The module a file under `src/` is: `x.rs`, `x/mod.rs` → `x`; `x/y.rs` → `x::y`.
fn module_of(relative: &Path) -> (Module, Module) {
    let parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.first().map(String::as_str) == Some("bin") {
        let name = parts.last().unwrap().trim_end_matches(".rs").to_string();
        let root = vec![format!("bin/{name}")];
        return (root.clone(), root);
    }
    let mut module: Module = parts.into_iter().collect();
    let last = module.pop().unwrap();
    match last.as_str() {
        "lib.rs" | "mod.rs" => {}
        file => module.push(file.trim_end_matches(".rs").to_string()),
    }
    (module, Vec::new())
}

impl Crate {
    fn from_sources(sources: Vec<(String, Module, Module, String)>) -> Crate {
        let mut files = Vec::new();
        let mut modules = BTreeMap::new();
        for (display, module, crate_root, text) in sources {
            let scan = scan(&lex(&text));
            modules.insert(module.clone(), module.clone());
            for inline in &scan.inline_modules {
                let mut m = module.clone();
                m.extend(inline.iter().cloned());
                modules.insert(m, module.clone());
            }
            files.push(File {
                display,
                module,
                crate_root,
                scan,
            });
        }
        let mut krate = Crate {
            files,
            modules,
            reexports: BTreeMap::new(),
        };
        let mut reexports = BTreeMap::new();
        for file in &krate.files {
            for path in &file.scan.paths {
                if let (Some(name), Some(absolute)) =
                    (&path.reexport_as, krate.absolute(file, path))
                {
                    reexports.insert((krate.lexical(file, path), name.clone()), absolute);
                }
            }
        }
        krate.reexports = reexports;
        krate
    }

    fn read(src: &Path) -> Crate {
        let mut sources = Vec::new();
        let mut stack = vec![src.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}")) {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let relative = path.strip_prefix(src).unwrap();
                    let (module, root) = module_of(relative);
                    let text = std::fs::read_to_string(&path).unwrap();
                    let display = Path::new("src").join(relative).display().to_string();
                    sources.push((display, module, root, text));
                }
            }
        }
        sources.sort();
        Crate::from_sources(sources)
    }

    fn lexical(&self, file: &File, path: &RawPath) -> Module {
        let mut m = file.module.clone();
        m.extend(path.inline.iter().cloned());
        m
    }

    /// The absolute path a written path names, if it is inside this crate
    /// (or, from a binary, inside the library).
    fn absolute(&self, file: &File, path: &RawPath) -> Option<Vec<String>> {
        let lexical = self.lexical(file, path);
        let segments = &path.segments;
        let first = segments.first()?.as_str();
        let absolute = match first {
            "crate" => {
                let mut a = file.crate_root.clone();
                a.extend(segments[1..].iter().cloned());
                a
            }
            "self" => {
                let mut a = lexical;
                a.extend(segments[1..].iter().cloned());
                a
            }
            "super" => {
                let ups = segments.iter().take_while(|s| *s == "super").count();
                if ups > lexical.len() - file.crate_root.len() {
                    return None;
                }
                let mut a = lexical[..lexical.len() - ups].to_vec();
                a.extend(segments[ups..].iter().cloned());
                a
            }
            "canteen" if !file.crate_root.is_empty() => segments[1..].to_vec(),
            child => {
                let mut m = lexical.clone();
                m.push(child.to_string());
                if !self.modules.contains_key(&m) {
                    return None;
                }
                let mut a = lexical;
                a.extend(segments.iter().cloned());
                a
            }
        };
        Some(absolute)
    }

    /// The file module that defines what `absolute` names, following re-exports.
    fn defining_module(&self, absolute: &[String]) -> Module {
        let mut absolute = absolute.to_vec();
        for _ in 0..16 {
            let known = (0..=absolute.len())
                .rev()
                .find(|&k| self.modules.contains_key(&absolute[..k]))
                .unwrap_or(0);
            let module = absolute[..known].to_vec();
            if let Some(target) = absolute
                .get(known)
                .and_then(|name| self.reexports.get(&(module.clone(), name.clone())))
            {
                let mut next = target.clone();
                next.extend(absolute[known + 1..].iter().cloned());
                if next != absolute {
                    absolute = next;
                    continue;
                }
            }
            return self.modules.get(&module).cloned().unwrap_or(module);
        }
        panic!("re-exports loop at {}", absolute.join("::"));
    }

    /// Every import from one file module to another (not to itself).
    fn imports(&self) -> Vec<Import> {
        let mut imports = Vec::new();
        for file in &self.files {
            for path in &file.scan.paths {
                let Some(absolute) = self.absolute(file, path) else {
                    continue;
                };
                let to = self.defining_module(&absolute);
                // The library's root only declares and re-exports its modules.
                if file.module.is_empty() || to == file.module || to.is_empty() {
                    continue;
                }
                let mut written = path.segments.join("::");
                if path.glob {
                    written.push_str("::*");
                }
                imports.push(Import {
                    from: file.module.clone(),
                    to,
                    file: file.display.clone(),
                    line: path.line,
                    written,
                });
            }
        }
        imports
    }

    fn library_modules(&self) -> impl Iterator<Item = &File> {
        self.files
            .iter()
            .filter(|f| f.crate_root.is_empty() && !f.module.is_empty())
    }
}

// ---- the checks ------------------------------------------------------------------------------

fn layer_of(module: &[String]) -> Option<usize> {
    let top = module.first()?;
    LAYERS
        .iter()
        .position(|(_, names)| names.contains(&top.as_str()))
}

fn describe_layer(layer: usize) -> String {
    format!("layer {layer}: {}", LAYERS[layer].0)
}

fn unknown_modules(krate: &Crate) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    for file in krate.library_modules() {
        let top = &file.module[0];
        if layer_of(&file.module).is_none() && seen.insert(top.clone()) {
            problems.push(format!(
                "{}: module `{top}` is in no layer: add it to LAYERS in tests/layers.rs \
                 (and to README.md's \"Layers\"), or move it under a module that is",
                file.display
            ));
        }
    }
    problems
}

fn upward_imports(imports: &[Import]) -> Vec<String> {
    // One line per written line and module imported: `use crate::x::{A, B}` is one problem.
    type Key<'a> = (&'a str, usize, &'a Module);
    let mut grouped: BTreeMap<Key, (&Import, usize, usize, Vec<&str>)> = BTreeMap::new();
    for import in imports {
        // Binaries (and modules in no layer, reported on their own) have no layer here.
        let (Some(from), Some(to)) = (layer_of(&import.from), layer_of(&import.to)) else {
            continue;
        };
        if to > from {
            grouped
                .entry((&import.file, import.line, &import.to))
                .or_insert((import, from, to, Vec::new()))
                .3
                .push(&import.written);
        }
    }
    grouped
        .into_values()
        .map(|(import, from, to, written)| {
            format!(
                "{}:{}: `{}` ({}) imports `{}` ({}), a higher layer: {}",
                import.file,
                import.line,
                show(&import.from),
                describe_layer(from),
                show(&import.to),
                describe_layer(to),
                written.join(", "),
            )
        })
        .collect()
}

/// The import between `from` and `to`, seen among the children of their
/// deepest common ancestor; `None` between a module and its ancestor or descendant.
fn sibling_edge(from: &[String], to: &[String]) -> Option<(Module, Module)> {
    let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    if common == from.len() || common == to.len() {
        return None;
    }
    Some((from[..=common].to_vec(), to[..=common].to_vec()))
}

/// The import cycles, one line each, with the imports that make each step.
fn cycles(imports: &[Import]) -> Vec<String> {
    // (from, to) → the imports that make the edge.
    let mut edges: BTreeMap<(Module, Module), Vec<&Import>> = BTreeMap::new();
    for import in imports {
        if import
            .from
            .iter()
            .chain(&import.to)
            .any(|s| s.starts_with("bin/"))
        {
            continue;
        }
        if let Some(edge) = sibling_edge(&import.from, &import.to) {
            edges.entry(edge).or_default().push(import);
        }
    }
    let mut graph: BTreeMap<&Module, BTreeSet<&Module>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        graph.entry(from).or_default().insert(to);
        graph.entry(to).or_default();
    }
    let mut problems = Vec::new();
    let mut reported: BTreeSet<Vec<&Module>> = BTreeSet::new();
    for component in strongly_connected(&graph) {
        if component.len() < 2 {
            continue;
        }
        if component.len() > 2 {
            let members: Vec<String> = component.iter().map(|m| show(m)).collect();
            problems.push(format!(
                "tangle: {} modules reach each other ({}); its shortest cycles follow",
                members.len(),
                members.join(", ")
            ));
        }
        for &start in &component {
            let cycle = shortest_cycle(&graph, &component, start);
            // The same cycle from another start is a rotation of this one.
            let mut key = cycle.clone();
            let smallest = (0..key.len()).min_by_key(|&k| key[k]).unwrap();
            key.rotate_left(smallest);
            if !reported.insert(key) {
                continue;
            }
            let mut text = String::from("cycle: ");
            for m in &cycle {
                let _ = write!(text, "{} -> ", show(m));
            }
            text.push_str(&show(cycle[0]));
            for k in 0..cycle.len() {
                let (from, to) = (cycle[k], cycle[(k + 1) % cycle.len()]);
                let made_by = &edges[&(from.clone(), to.clone())];
                let _ = write!(text, "\n    {} -> {}:", show(from), show(to));
                for import in made_by.iter().take(3) {
                    let _ = write!(text, " {}:{} {};", import.file, import.line, import.written);
                }
                if made_by.len() > 3 {
                    let _ = write!(text, " and {} more", made_by.len() - 3);
                }
            }
            problems.push(text);
        }
    }
    problems
}

/// Tarjan's strongly connected components.
fn strongly_connected<'a>(
    graph: &BTreeMap<&'a Module, BTreeSet<&'a Module>>,
) -> Vec<Vec<&'a Module>> {
    struct State<'a> {
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on_stack: BTreeSet<&'a Module>,
        components: Vec<Vec<&'a Module>>,
    }
    fn visit<'a>(
        v: &'a Module,
        graph: &BTreeMap<&'a Module, BTreeSet<&'a Module>>,
        s: &mut State<'a>,
    ) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for &w in &graph[v] {
            if !s.index.contains_key(w) {
                visit(w, graph, s);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w);
                if w == v {
                    break;
                }
            }
            component.sort();
            s.components.push(component);
        }
    }
    let mut s = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for &v in graph.keys() {
        if !s.index.contains_key(v) {
            visit(v, graph, &mut s);
        }
    }
    s.components.sort();
    s.components
}

/// The shortest cycle through `start` within its component.
fn shortest_cycle<'a>(
    graph: &BTreeMap<&'a Module, BTreeSet<&'a Module>>,
    component: &[&'a Module],
    start: &'a Module,
) -> Vec<&'a Module> {
    let mut came_from: BTreeMap<&Module, &Module> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in &graph[v] {
            if !component.contains(&w) {
                continue;
            }
            if w == start {
                let mut cycle = vec![v];
                while let Some(&p) = came_from.get(cycle.last().unwrap()) {
                    cycle.push(p);
                }
                cycle.reverse();
                return cycle;
            }
            if !came_from.contains_key(w) && w != start {
                came_from.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    unreachable!("{} is in a cycle", show(start))
}

fn the_crate() -> Crate {
    Crate::read(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src"))
}

fn report(title: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{title} ({}):\n{}\n",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_module_is_in_a_layer() {
    report("modules in no layer", &unknown_modules(&the_crate()));
}

#[test]
fn imports_point_down_the_layers() {
    report(
        "imports against the layers",
        &upward_imports(&the_crate().imports()),
    );
}

#[test]
fn modules_import_each_other_in_no_cycle() {
    report("import cycles", &cycles(&the_crate().imports()));
}

#[test]
fn the_layer_table_names_each_module_once() {
    let mut seen = BTreeSet::new();
    for (_, names) in LAYERS {
        for name in *names {
            assert!(seen.insert(name), "`{name}` is in two layers");
        }
    }
}

#[test]
fn the_checker_sees_the_crate() {
    // Guards against a checker that passes because it read nothing.
    let krate = the_crate();
    let modules: Vec<String> = krate.library_modules().map(|f| show(&f.module)).collect();
    for expected in ["queue", "run", "i18n::ui", "web::app", "playground::app"] {
        assert!(
            modules.iter().any(|m| m == expected),
            "no {expected} in {modules:?}"
        );
    }
    let imports = krate.imports();
    assert!(imports.len() > 100, "only {} imports found", imports.len());
    assert!(imports
        .iter()
        .any(|i| show(&i.from) == "run" && show(&i.to) == "sim"));
}

// ---- the checker's own tests, on small samples ------------------------------------------------

/// The absolute paths (crate-relative, `::`-joined) that `source`, as the
/// file of `module`, refers to, with their lines.
fn paths_in(module: &str, source: &str) -> Vec<(String, usize)> {
    let module: Module = module
        .split("::")
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    // Enough modules around for child-module names to resolve.
    let mut sources = vec![(
        "sample.rs".to_string(),
        module.clone(),
        Vec::new(),
        source.to_string(),
    )];
    for child in ["a", "b", "b::c"] {
        let mut m = module.clone();
        m.extend(child.split("::").map(String::from));
        sources.push(("child.rs".to_string(), m, Vec::new(), String::new()));
    }
    let krate = Crate::from_sources(sources);
    let file = &krate.files[0];
    file.scan
        .paths
        .iter()
        .filter_map(|p| krate.absolute(file, p).map(|a| (a.join("::"), p.line)))
        .collect()
}

fn names(found: &[(String, usize)]) -> Vec<&str> {
    found.iter().map(|(p, _)| p.as_str()).collect()
}

#[test]
fn grouped_and_nested_imports_give_one_path_per_leaf() {
    let found = paths_in(
        "web::app",
        "use crate::{run::Run, i18n::{self, ui::{T, Lang as L}}, trace::*};\n\
         pub(crate) use crate::number::{\n    Fixed,\n    Shortest,\n};",
    );
    assert_eq!(
        names(&found),
        [
            "run::Run",
            "i18n",
            "i18n::ui::T",
            "i18n::ui::Lang",
            "trace",
            "number::Fixed",
            "number::Shortest"
        ]
    );
    assert_eq!(found[6].1, 4, "a leaf's line is the line it is written on");
}

#[test]
fn super_and_self_resolve_from_the_module_they_are_written_in() {
    let found = paths_in(
        "x::y::z",
        "use super::super::w; use super::v::{self}; use self::a::Thing;\nfn f() { super::super::super::q(); }",
    );
    assert_eq!(names(&found), ["x::w", "x::y::v", "x::y::z::a::Thing", "q"]);
    // Above the crate root is not a path into this crate.
    assert!(paths_in("x", "use super::super::nothing;").is_empty());
}

#[test]
fn paths_in_code_types_and_child_modules_count() {
    let found = paths_in(
        "lab",
        "fn f(x: crate::trace::Nanos) -> Vec<crate::run::Outcome> {\n\
         let r = crate::run::Run::new::<u8>(a::make(), b::c::D);\n\
         std::mem::drop(r); yew::html! {} ; Self::new(); Vec::<u8>::new()\n}",
    );
    assert_eq!(
        names(&found),
        [
            "trace::Nanos",
            "run::Outcome",
            "run::Run::new",
            "lab::a::make",
            "lab::b::c::D"
        ]
    );
    assert_eq!(found[2].1, 2);
}

#[test]
fn comments_strings_and_literals_are_not_code() {
    let source = r####"
// use crate::i18n::ui;
/* crate::i18n /* nested */ crate::web */
/// Doc: crate::export
let s = "crate::python \" crate::cli";
let r = r#"crate::peak "# ; let b = b"crate::scraper"; let br = br##"crate::web"##;
let c = '{'; let q = '\''; let u = '\u{7b}'; fn f<'a>(x: &'a str) {}
crate::run::Run;
"####;
    assert_eq!(paths_in("m", source), [("run::Run".to_string(), 8)]);
}

#[test]
fn code_under_any_cfg_counts_and_inline_modules_shift_super() {
    let found = paths_in(
        "peak::meter",
        "#[cfg(target_arch = \"wasm32\")]\nuse crate::web::dom;\n\
         #[cfg(test)]\nmod tests {\n    use super::*;\n    use super::super::config::Preset;\n    use crate::run::Run;\n}\n\
         use super::arrivals;",
    );
    assert_eq!(
        names(&found),
        [
            "web::dom",
            "peak::meter",
            "peak::config::Preset",
            "run::Run",
            "peak::arrivals"
        ]
    );
}

#[test]
fn binaries_reach_the_library_by_its_name() {
    let krate = Crate::from_sources(vec![
        (
            "src/bin/tool.rs".into(),
            vec!["bin/tool".into()],
            vec!["bin/tool".into()],
            "mod cli { pub fn go() {} }\nuse canteen::run::Run; fn main() { crate::cli::go(); }"
                .into(),
        ),
        (
            "src/run.rs".into(),
            vec!["run".into()],
            vec![],
            String::new(),
        ),
    ]);
    let imports = krate.imports();
    assert_eq!(imports.len(), 1, "{imports:?}");
    assert_eq!(
        (show(&imports[0].from), show(&imports[0].to)),
        ("bin/tool".into(), "run".into())
    );
}

/// A crate from (module, source) pairs.
fn sample_crate(files: &[(&str, &str)]) -> Crate {
    Crate::from_sources(
        files
            .iter()
            .map(|(module, text)| {
                let m: Module = module
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect();
                (format!("src/{module}.rs"), m, Vec::new(), text.to_string())
            })
            .collect(),
    )
}

#[test]
fn reexports_are_followed_to_the_defining_module() {
    let krate = sample_crate(&[
        ("", "pub use queue::JoinableQueue;"),
        ("queue", ""),
        ("x", "mod a; mod b; pub use b::{Thing as Shared};"),
        ("x::a", "use super::Shared; use crate::JoinableQueue;"),
        ("x::b", ""),
    ]);
    let edges: Vec<(String, String)> = krate
        .imports()
        .iter()
        .map(|i| (show(&i.from), show(&i.to)))
        .collect();
    assert_eq!(
        edges,
        [
            ("x".into(), "x::b".into()),
            ("x::a".into(), "x::b".into()),
            ("x::a".into(), "queue".into())
        ]
    );
}

#[test]
fn cycles_count_between_siblings_not_between_parent_and_child() {
    let krate = sample_crate(&[
        ("run", "use crate::i18n::ui::T;"),
        ("i18n", "use crate::run::Outcome; mod ui;"),
        ("i18n::ui", "use super::Lang;"),
        ("web", "use app::App; mod app; mod stage;"),
        ("web::app", "use super::stage::Stage; use super::Live;"),
        ("web::stage", "use crate::web::app::Live;"),
        ("queue", "use crate::sim::Ctx;"),
        ("sim", ""),
    ]);
    let found = cycles(&krate.imports());
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("cycle: i18n -> run -> i18n\n"),
        "{}",
        found[0]
    );
    assert!(
        found[0].contains("src/run.rs:1 crate::i18n::ui::T"),
        "{}",
        found[0]
    );
    assert!(
        found[1].starts_with("cycle: web::app -> web::stage -> web::app\n"),
        "{}",
        found[1]
    );
}

#[test]
fn upward_imports_name_the_file_the_line_and_both_layers() {
    let krate = sample_crate(&[
        (
            "run",
            "\nuse crate::i18n::{Lang, ui};\nuse crate::sim::Ctx;",
        ),
        ("i18n", ""),
        ("sim", ""),
    ]);
    let found = upward_imports(&krate.imports());
    assert_eq!(
        found,
        [
            "src/run.rs:2: `run` (layer 2: runs and the playback clock) imports `i18n` \
          (layer 6: every sentence), a higher layer: crate::i18n::Lang, crate::i18n::ui"
        ]
    );
    assert_eq!(
        unknown_modules(&sample_crate(&[("args", ""), ("args::x", ""), ("run", "")])),
        [
            "src/args.rs: module `args` is in no layer: add it to LAYERS in tests/layers.rs \
          (and to README.md's \"Layers\"), or move it under a module that is"
        ]
    );
}
