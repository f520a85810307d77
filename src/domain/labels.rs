//! The label catalogue: what the product calls each thing, in Chinese and
//! in English, and the interface language that picks between them. Pure
//! data; every screen, form, table and message takes its words from here
//! (ids stay ids in files: CSV headers, JSON keys, answers files).

use std::borrow::Cow;

/// The interface language: `lang` in `config.toml`, `--lang`, else the
/// locale (`LC_ALL`, `LANG`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// 中文.
    Zh,
    /// English.
    #[default]
    En,
    /// English, then Chinese: `Evaluation 测评`.
    Both,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Zh, Lang::En, Lang::Both];

    /// The id written in `config.toml` and given to `--lang`.
    pub fn id(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
            Lang::Both => "both",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.id().eq_ignore_ascii_case(s.trim()))
    }

    /// The next language, for the key that switches while running.
    pub fn next(self) -> Lang {
        match self {
            Lang::Both => Lang::Zh,
            Lang::Zh => Lang::En,
            Lang::En => Lang::Both,
        }
    }

    /// The language a locale string (`LC_ALL`, `LANG`: `zh_CN.UTF-8`,
    /// `en_GB.UTF-8`, `C`) asks for; `None` when it names neither.
    pub fn from_locale(locale: &str) -> Option<Lang> {
        let l = locale.trim().to_ascii_lowercase();
        if l.starts_with("zh") {
            Some(Lang::Zh)
        } else if l.starts_with("en") || l == "c" || l.starts_with("c.") || l == "posix" {
            Some(Lang::En)
        } else {
            None
        }
    }
}

/// One thing's name in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub en: &'static str,
    pub zh: &'static str,
}

impl Label {
    pub const fn new(en: &'static str, zh: &'static str) -> Label {
        Label { en, zh }
    }

    /// The label in `lang`; `Both` joins the two with a space (just one
    /// when they are the same).
    pub fn get(self, lang: Lang) -> Cow<'static, str> {
        match lang {
            Lang::En => Cow::Borrowed(self.en),
            Lang::Zh => Cow::Borrowed(self.zh),
            Lang::Both if self.en == self.zh || self.zh.is_empty() => Cow::Borrowed(self.en),
            Lang::Both => Cow::Owned(format!("{} {}", self.en, self.zh)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_in_each_language() {
        let l = Label::new("Evaluation", "测评");
        assert_eq!(l.get(Lang::En), "Evaluation");
        assert_eq!(l.get(Lang::Zh), "测评");
        assert_eq!(l.get(Lang::Both), "Evaluation 测评");
        assert_eq!(Label::new("ICP", "ICP").get(Lang::Both), "ICP");
    }

    #[test]
    fn languages_from_ids_and_locales() {
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.id()), Some(l));
        }
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::from_locale("en_GB.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_locale("C.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_locale("de_DE.UTF-8"), None);
        assert_eq!(Lang::Both.next().next().next(), Lang::Both);
    }
}
