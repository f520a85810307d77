//! Answers files for `mlps assess`: TOML, or JSON when the name ends in
//! `.json`. Top-level keys are question ids, plus an optional `override`
//! table. Errors name the key and, for TOML, the line and column.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::domain::model::Overrides;
use crate::domain::questionnaire::{Answers, KnownKey, QuestionId, read_answer};
use crate::error::{Error, Result, toml_error};

/// The keys an answers file may have: the question ids and `override`.
static FILE_KEYS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    QuestionId::IDS
        .iter()
        .copied()
        .chain(["override"])
        .collect()
});

/// The answers and overrides of one network, as an answers file holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswersFile {
    pub answers: Answers,
    pub overrides: Overrides,
}

impl<'de> Deserialize<'de> for AnswersFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FileVisitor;
        impl<'de> Visitor<'de> for FileVisitor {
            type Value = AnswersFile;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of answers keyed by question id")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnswersFile, A::Error> {
                let mut file = AnswersFile::default();
                let mut seen_override = false;
                while let Some(key) = map.next_key_seed(KnownKey(&FILE_KEYS))? {
                    if key == "override" {
                        if seen_override {
                            return Err(de::Error::duplicate_field("override"));
                        }
                        seen_override = true;
                        file.overrides = map.next_value()?;
                    } else {
                        read_answer(&mut file.answers, &key, &mut map)?;
                    }
                }
                // The cross-field check runs after parsing, where it can
                // point at the line (see `parse`).
                file.answers.clean_text();
                Ok(file)
            }
        }
        deserializer.deserialize_map(FileVisitor)
    }
}

/// Parses an answers file. `name` decides the format and names the file in
/// messages.
pub fn parse(name: &str, text: &str) -> Result<AnswersFile> {
    let mut file: AnswersFile = if name.ends_with(".json") {
        if text.trim().is_empty() {
            return Err(Error::input(format!(
                "{name}: the file is empty: expected a JSON object of answers"
            )));
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let parsed = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let msg = inner.to_string();
            let msg = msg
                .rsplit_once(" at line ")
                .map_or(msg.as_str(), |(m, _)| m);
            let at = if path == "." {
                String::new()
            } else {
                format!(" at {path}:")
            };
            Error::input(format!(
                "{name}:{}:{}:{at} {msg}",
                inner.line(),
                inner.column()
            ))
        })?;
        de.end().map_err(|e| {
            Error::input(format!(
                "{name}:{}:{}: trailing characters after the answers",
                e.line(),
                e.column()
            ))
        })?;
        parsed
    } else {
        toml::from_str(text).map_err(|e| toml_error(name, text, &e))?
    };
    if let Err(m) = file.answers.check_consistency() {
        let place = crate::error::locate_key(text, "sensitive_pi_subjects")
            .map_or(String::new(), |(l, c)| format!(":{l}:{c}"));
        return Err(Error::input(format!("{name}{place}: {m}")));
    }
    file.overrides
        .validate()
        .map_err(|e| Error::input(format!("{name}: at override.{}: {}", e.field, e.message)))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_keys_are_the_questions_and_override() {
        let questions = &FILE_KEYS[..FILE_KEYS.len() - 1];
        assert_eq!(questions, crate::domain::questionnaire::QuestionId::IDS);
        assert_eq!(FILE_KEYS.last(), Some(&"override"));
    }

    #[test]
    fn toml_with_override() {
        let f = parse(
            "a.toml",
            "object_type = \"website\"\npi_subjects = 250000\n[override.system_service]\nobject = \"social_order\"\ndegree = \"serious\"\njustification = \"x\"\n",
        )
        .unwrap();
        assert_eq!(f.answers.pi_subjects, Some(250_000));
        assert!(f.overrides.system_service.is_some());
    }

    #[test]
    fn errors_name_the_key_and_place() {
        let e = parse("a.toml", "object_type = \"website\"\npi_subject = 5\n").unwrap_err();
        assert!(e.message().starts_with("a.toml:2:1:"), "{e}");
        assert!(e.message().contains("pi_subject"), "{e}");
        let e = parse("a.toml", "pi_subjects = -5\n").unwrap_err();
        assert!(e.message().starts_with("a.toml:1:15:"), "{e}");
        assert!(e.message().contains("negative"), "{e}");
        let e = parse("a.json", "{\"cii\": \"yes\"}").unwrap_err();
        assert!(e.message().contains("at cii"), "{e}");
        let e = parse("a.toml", "[override.system_service]\nobject = \"social_order\"\ndegree = \"serious\"\njustification = \" \"\n")
            .unwrap_err();
        assert!(
            e.message()
                .contains("override.system_service.justification"),
            "{e}"
        );
    }
}
