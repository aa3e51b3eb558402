//! Writing Python source: the line writer ([`Py`]) and the literals the
//! programs need, for strings, seconds and delay draws.

use std::fmt::{self, Write as _};
use std::time::Duration;

use crate::delay::Delay;
use crate::number::exact_decimal;

/// A Python source being written, line by line.
#[derive(Default)]
pub(super) struct Py {
    pub(super) out: String,
    /// What `$` stands for in a [`block`](Py::block): the item's variable.
    pub(super) var: &'static str,
}

impl Py {
    /// Fixed lines of Python, each at `indent` more levels than written;
    /// `$` stands for the item's variable. One call writes a whole block,
    /// which keeps the page's code small.
    pub(super) fn block(&mut self, indent: usize, text: &str) {
        for line in text.lines() {
            if !line.is_empty() {
                for _ in 0..indent {
                    self.out.push_str("    ");
                }
                let mut parts = line.split('$');
                self.out.push_str(parts.next().unwrap_or_default());
                for part in parts {
                    self.out.push_str(self.var);
                    self.out.push_str(part);
                }
            }
            self.out.push('\n');
        }
    }

    /// One line at `indent` levels of four spaces.
    pub(super) fn line(&mut self, indent: usize, text: &str) {
        if !text.is_empty() {
            for _ in 0..indent {
                self.out.push_str("    ");
            }
            self.out.push_str(text);
        }
        self.out.push('\n');
    }

    /// One line at `indent` levels, written from `format_args!` (with no
    /// `String` in between).
    pub(super) fn line_args(&mut self, indent: usize, args: fmt::Arguments<'_>) {
        for _ in 0..indent {
            self.out.push_str("    ");
        }
        // Writing to a String cannot fail.
        let _ = self.out.write_fmt(args);
        self.out.push('\n');
    }

    /// A comment, one `#` line per line of `text`.
    pub(super) fn comment(&mut self, indent: usize, text: &str) {
        for part in text.lines() {
            self.line(indent, &format!("# {part}"));
        }
    }

    /// A line of code with a trailing comment.
    pub(super) fn commented(&mut self, indent: usize, code: &str, comment: &str) {
        self.line(indent, &format!("{code}  # {comment}"));
    }

    /// Two empty lines, between top-level definitions.
    pub(super) fn gap(&mut self) {
        self.line(0, "");
        self.line(0, "");
    }
}

/// A Python string literal (double-quoted, escaped).
pub(super) fn py_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A duration in seconds as a Python float literal (`0.25`, `1.0`),
/// exactly (no float in between): the text Python prints for the float it
/// reads back. (Whole seconds and nanoseconds apart: a u128 division would
/// bring its routine into the page.)
pub(super) fn py_secs(d: Duration) -> String {
    let (whole, part) = (d.as_secs(), u64::from(d.subsec_nanos()));
    match exact_decimal(part, 9).strip_prefix('0') {
        Some(fraction) if !fraction.is_empty() => format!("{whole}{fraction}"),
        _ => format!("{whole}.0"),
    }
}

/// The Python expression drawing one delay in seconds (before scaling).
pub(super) fn delay_expr(delay: Delay) -> String {
    match delay {
        Delay::Const(d) => py_secs(d),
        Delay::Uniform(lo, hi) => format!("random.uniform({}, {})", py_secs(lo), py_secs(hi)),
        // expovariate(1 / 0) would divide by zero; a zero mean is always 0.
        Delay::Exp(mean) if mean.is_zero() => py_secs(mean),
        Delay::Exp(mean) => format!("random.expovariate(1 / {})", py_secs(mean)),
    }
}

pub(super) fn uses_random(delay: Delay) -> bool {
    match delay {
        Delay::Const(_) => false,
        Delay::Uniform(..) => true,
        Delay::Exp(mean) => !mean.is_zero(),
    }
}

pub(super) fn sleep_line(delay: Delay) -> String {
    format!("time.sleep({} * TIME_SCALE)", delay_expr(delay))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_indented_and_name_the_item() {
        let mut py = Py {
            var: "dog",
            ..Py::default()
        };
        py.block(1, "if $ is None:\n    break\n\nq.put($)");
        assert_eq!(
            py.out,
            "    if dog is None:\n        break\n\n    q.put(dog)\n"
        );
    }

    #[test]
    fn seconds_are_written_exactly_as_python_floats() {
        let ns = Duration::from_nanos;
        assert_eq!(py_secs(ns(0)), "0.0");
        assert_eq!(py_secs(ns(2_000_000_000)), "2.0");
        assert_eq!(py_secs(ns(1_500_000)), "0.0015");
        assert_eq!(py_secs(ns(86_400_000_000_001)), "86400.000000001");
        // The same text as the float of the same number of seconds prints.
        for nanos in (0..5_000_000_000u64).step_by(7_777_777) {
            let float = format!("{:?}", nanos as f64 / 1e9);
            assert_eq!(py_secs(ns(nanos)), float, "{nanos} ns");
        }
    }

    #[test]
    fn delays_become_python_expressions() {
        let ms = Duration::from_millis;
        assert_eq!(delay_expr(Delay::Const(ms(250))), "0.25");
        assert_eq!(delay_expr(Delay::Const(ms(2000))), "2.0");
        assert_eq!(
            delay_expr(Delay::Uniform(ms(0), ms(1000))),
            "random.uniform(0.0, 1.0)"
        );
        assert_eq!(
            delay_expr(Delay::Exp(ms(100))),
            "random.expovariate(1 / 0.1)"
        );
        assert_eq!(delay_expr(Delay::Exp(ms(0))), "0.0");
        assert_eq!(
            delay_expr(Delay::Const(Duration::from_micros(1500))),
            "0.0015"
        );
    }

    #[test]
    fn python_strings_are_escaped() {
        assert_eq!(py_str(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(py_str("上海分店"), "\"上海分店\"");
        assert_eq!(py_str("a\tb\r\n"), r#""a\tb\r\n""#);
    }
}
