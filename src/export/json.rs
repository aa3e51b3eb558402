//! Compact JSON text written value by value, in the form `serde_json`
//! writes (so the page's export reads as the command line's `--json`),
//! without a JSON library in the page.

use std::fmt::Write as _;

use crate::number::JsonFloat;

/// JSON being written: objects and lists are opened and closed by the
/// caller, who names each field with [`key`](Json::key) and starts each
/// list element with [`item`](Json::item); the commas come by themselves.
#[derive(Default)]
pub(super) struct Json {
    pub(super) out: String,
    /// Nothing written yet in the innermost object or list.
    first: bool,
}

impl Json {
    /// `{` or `[`.
    pub(super) fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.first = true;
    }

    /// `}` or `]`.
    pub(super) fn close(&mut self, bracket: char) {
        self.out.push(bracket);
        self.first = false;
    }

    /// Before each element of a list.
    pub(super) fn item(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
    }

    /// An object's next field: `"name":`.
    pub(super) fn key(&mut self, name: &str) {
        self.item();
        self.string(name);
        self.out.push(':');
    }

    /// A string, with `"`, `\` and the control characters escaped.
    pub(super) fn string(&mut self, text: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.out.push('"');
        for c in text.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\t' => self.out.push_str("\\t"),
                '\u{8}' => self.out.push_str("\\b"),
                '\u{c}' => self.out.push_str("\\f"),
                c if c < ' ' => {
                    self.out.push_str("\\u00");
                    self.out.push(char::from(HEX[c as usize >> 4]));
                    self.out.push(char::from(HEX[c as usize & 0xf]));
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }

    pub(super) fn whole(&mut self, n: u64) {
        // Writing to a String cannot fail.
        let _ = write!(self.out, "{n}");
    }

    pub(super) fn float(&mut self, x: f64) {
        let _ = write!(self.out, "{}", JsonFloat(x));
    }

    pub(super) fn boolean(&mut self, yes: bool) {
        self.out.push_str(if yes { "true" } else { "false" });
    }

    pub(super) fn null(&mut self) {
        self.out.push_str("null");
    }
}

#[cfg(test)]
mod tests {
    use super::Json;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let text = "say \"hi\"\\ 上海\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}";
        let mut json = Json::default();
        json.string(text);
        assert_eq!(json.out, serde_json::to_string(text).unwrap());
    }

    #[test]
    fn commas_separate_fields_and_elements() {
        let mut json = Json::default();
        json.open('{');
        json.key("a");
        json.open('[');
        for n in [1, 2] {
            json.item();
            json.whole(n);
        }
        json.item();
        json.open('{');
        json.close('}');
        json.close(']');
        json.key("b");
        json.null();
        json.key("c");
        json.boolean(true);
        json.close('}');
        assert_eq!(json.out, r#"{"a":[1,2,{}],"b":null,"c":true}"#);
    }
}
