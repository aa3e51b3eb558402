//! The language tag: which of the two languages the interface speaks, read
//! from a locale, a link or `--lang`. Naming a language needs nothing else;
//! the words themselves are in [`crate::i18n`].

/// The two languages of the interface, coded `zh` and `en` in links and on
/// the command line (parsed with `str::parse`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(serialize_all = "lowercase")]
pub enum Lang {
    Zh,
    #[default]
    En,
}

impl Lang {
    /// Picks the language for a locale tag such as `zh-CN`, `en_US.UTF-8`.
    pub fn from_locale(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The short code used in links and on the command line.
    pub fn code(self) -> &'static str {
        self.into()
    }

    /// Picks the string for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}
