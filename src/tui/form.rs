//! Forms: a list of typed fields, each with the editor its type needs and
//! an inline check that says what is wrong.

use chrono::NaiveDate;

use crate::domain::calendar::parse_date;
use crate::domain::labels::{self, Label, Lang};
use crate::domain::model::{Client, Network};
use crate::tui::words;

/// The editor a field uses.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// One line of text. `required` refuses an empty value.
    Text { required: bool },
    /// Several lines; Enter inserts nothing (the form's submit wins), so
    /// line breaks are typed as ` / ` and kept as text.
    Notes,
    /// A whole number ≥ 0, empty for unknown.
    Count,
    /// A number with decimals in a range, empty for none.
    Decimal { min: f64, max: f64 },
    /// yes / no / unknown.
    YesNo,
    /// One of the options; `None` (unknown) allowed when `optional`.
    OneOf {
        options: Vec<String>,
        optional: bool,
    },
    /// A set of flags; `None` is unknown.
    SetOf { options: Vec<String> },
    /// YYYY-MM-DD; `t` for today.
    Date { required: bool },
}

/// The value a field holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    /// yes/no/unknown.
    Bool(Option<bool>),
    /// Index into the options.
    Choice(Option<usize>),
    /// Flags; `None` is unknown.
    Flags(Option<Vec<bool>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: &'static str,
    pub label: String,
    pub kind: FieldKind,
    pub value: Value,
    /// For flag sets: the flag under the cursor.
    pub cursor: usize,
    pub error: Option<String>,
    /// The language the field's words and checks are in.
    pub lang: Lang,
    /// What to call each option (in the order of the options); empty
    /// shows the ids.
    pub names: Vec<Label>,
    /// Not shown, not focused and not checked: a milestone's fields its
    /// stage does not use.
    pub hidden: bool,
    /// The value the field was made with.
    initial: Value,
}

impl Field {
    pub fn text(key: &'static str, label: impl Into<String>, value: &str, required: bool) -> Field {
        Field::new(
            key,
            label,
            FieldKind::Text { required },
            Value::Text(value.to_string()),
        )
    }

    pub fn notes(key: &'static str, label: impl Into<String>, value: &str) -> Field {
        Field::new(
            key,
            label,
            FieldKind::Notes,
            Value::Text(value.replace('\n', " / ")),
        )
    }

    pub fn count(key: &'static str, label: impl Into<String>, value: Option<u64>) -> Field {
        Field::new(
            key,
            label,
            FieldKind::Count,
            Value::Text(value.map(|v| v.to_string()).unwrap_or_default()),
        )
    }

    pub fn decimal(
        key: &'static str,
        label: impl Into<String>,
        value: Option<f64>,
        min: f64,
        max: f64,
    ) -> Field {
        Field::new(
            key,
            label,
            FieldKind::Decimal { min, max },
            Value::Text(value.map(|v| v.to_string()).unwrap_or_default()),
        )
    }

    pub fn yes_no(key: &'static str, label: impl Into<String>, value: Option<bool>) -> Field {
        Field::new(key, label, FieldKind::YesNo, Value::Bool(value))
    }

    pub fn one_of(
        key: &'static str,
        label: impl Into<String>,
        options: &[&str],
        value: Option<&str>,
        optional: bool,
    ) -> Field {
        let index = value.and_then(|v| options.iter().position(|o| *o == v));
        let index = if optional { index } else { index.or(Some(0)) };
        Field::new(
            key,
            label,
            FieldKind::OneOf {
                options: options.iter().map(|s| s.to_string()).collect(),
                optional,
            },
            Value::Choice(index),
        )
    }

    pub fn set_of(
        key: &'static str,
        label: impl Into<String>,
        options: &[&str],
        value: Option<Vec<&str>>,
    ) -> Field {
        let flags = value.map(|set| options.iter().map(|o| set.contains(o)).collect());
        Field::new(
            key,
            label,
            FieldKind::SetOf {
                options: options.iter().map(|s| s.to_string()).collect(),
            },
            Value::Flags(flags),
        )
    }

    pub fn date(
        key: &'static str,
        label: impl Into<String>,
        value: Option<NaiveDate>,
        required: bool,
    ) -> Field {
        Field::new(
            key,
            label,
            FieldKind::Date { required },
            Value::Text(
                value
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            ),
        )
    }

    fn new(key: &'static str, label: impl Into<String>, kind: FieldKind, value: Value) -> Field {
        let mut f = Field {
            key,
            label: label.into(),
            kind,
            initial: value.clone(),
            value,
            cursor: 0,
            error: None,
            lang: Lang::En,
            names: Vec::new(),
            hidden: false,
        };
        f.check();
        f
    }

    /// The field with a name for each of its options (ids stay the
    /// values).
    pub fn named(mut self, names: Vec<Label>) -> Field {
        self.names = names;
        self
    }

    /// What option `i` is called in the field's language, as the panes
    /// say it (the id where the option has no name).
    fn option_name(&self, i: usize, id: &str, lang: Lang) -> String {
        match self.names.get(i) {
            Some(name) => name.get(lang).into_owned(),
            None => id.to_string(),
        }
    }

    /// Whether the value is other than the one the field was made with.
    pub fn changed(&self) -> bool {
        self.value != self.initial
    }

    /// Whether the field is a set of flags.
    pub fn is_flags(&self) -> bool {
        matches!(self.kind, FieldKind::SetOf { .. })
    }

    /// Whether a typed character goes into this field.
    pub fn accepts(&self, c: char) -> bool {
        match self.kind {
            FieldKind::Text { .. } | FieldKind::Notes => !c.is_control(),
            FieldKind::Count => c.is_ascii_digit() || c == ' ' || c == '_',
            FieldKind::Decimal { .. } => c.is_ascii_digit() || c == '.',
            FieldKind::Date { .. } => c.is_ascii_digit() || c == '-',
            FieldKind::YesNo | FieldKind::OneOf { .. } | FieldKind::SetOf { .. } => {
                matches!(c, 'y' | 'n' | '?') && self.kind == FieldKind::YesNo
            }
        }
    }

    pub fn input(&mut self, c: char) {
        match (&self.kind, &mut self.value) {
            (FieldKind::YesNo, Value::Bool(b)) => {
                *b = match c {
                    'y' => Some(true),
                    'n' => Some(false),
                    _ => None,
                }
            }
            (_, Value::Text(s)) => s.push(c),
            _ => {}
        }
        self.check();
    }

    pub fn backspace(&mut self) {
        if let Value::Text(s) = &mut self.value {
            s.pop();
        }
        self.check();
    }

    /// Empties the field: unknown, where the field allows it.
    pub fn clear(&mut self) {
        match &mut self.value {
            Value::Text(s) => s.clear(),
            Value::Bool(b) => *b = None,
            Value::Choice(c) => {
                if matches!(self.kind, FieldKind::OneOf { optional: true, .. }) {
                    *c = None
                }
            }
            Value::Flags(f) => *f = None,
        }
        self.check();
    }

    pub fn set_today(&mut self, today: NaiveDate) {
        if let (FieldKind::Date { .. }, Value::Text(s)) = (&self.kind, &mut self.value) {
            *s = today.format("%Y-%m-%d").to_string();
        }
        self.check();
    }

    /// Left / right: cycle a choice, or move along the flags.
    pub fn step(&mut self, forward: bool) {
        match (&self.kind, &mut self.value) {
            (FieldKind::YesNo, Value::Bool(b)) => {
                let order = [None, Some(true), Some(false)];
                let i = order.iter().position(|o| o == b).unwrap_or(0);
                *b = order[(i + if forward { 1 } else { 2 }) % 3];
            }
            (FieldKind::OneOf { options, optional }, Value::Choice(c)) => {
                // Unknown sits before the first option when allowed.
                let n = options.len() + usize::from(*optional);
                let pos = match c {
                    Some(i) => *i + usize::from(*optional),
                    None => 0,
                };
                let next = (pos + if forward { 1 } else { n - 1 }) % n;
                *c = if *optional {
                    next.checked_sub(1)
                } else {
                    Some(next)
                };
            }
            (FieldKind::SetOf { options }, Value::Flags(_)) => {
                let n = options.len();
                self.cursor = (self.cursor + if forward { 1 } else { n - 1 }) % n;
            }
            _ => {}
        }
        self.check();
    }

    /// Space: flip yes/no, or the flag under the cursor.
    pub fn toggle(&mut self) {
        match (&self.kind, &mut self.value) {
            (FieldKind::YesNo, Value::Bool(b)) => *b = Some(!b.unwrap_or(false)),
            (FieldKind::SetOf { options }, Value::Flags(f)) => {
                let flags = f.get_or_insert_with(|| vec![false; options.len()]);
                if let Some(x) = flags.get_mut(self.cursor) {
                    *x = !*x;
                }
            }
            (FieldKind::OneOf { .. }, _) => return self.step(true),
            _ => {}
        }
        self.check();
    }

    /// Re-checks the value; the reason stays in `error`.
    pub fn check(&mut self) {
        self.error = self.problem();
    }

    fn problem(&self) -> Option<String> {
        let text = match &self.value {
            Value::Text(s) => s.trim(),
            _ => return None,
        };
        let lang = self.lang;
        match &self.kind {
            FieldKind::Text { required: true } if text.is_empty() => {
                Some(words::form::REQUIRED.get(lang).into_owned())
            }
            FieldKind::Count if !text.is_empty() => {
                let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
                digits
                    .parse::<u64>()
                    .err()
                    .map(|_| format!("{} {}", words::form::WHOLE_NUMBER.get(lang), u64::MAX))
            }
            FieldKind::Decimal { min, max } if !text.is_empty() => match text.parse::<f64>() {
                Ok(v) if (*min..=*max).contains(&v) => None,
                _ => Some(format!(
                    "{} {min} {} {max}",
                    words::form::NUMBER_FROM.get(lang),
                    words::form::TO.get(lang)
                )),
            },
            FieldKind::Date { required } => {
                if text.is_empty() {
                    required.then(|| words::form::REQUIRED_DATE.get(lang).into_owned())
                } else {
                    parse_date(text).err()
                }
            }
            _ => None,
        }
    }

    /// The text value, trimmed.
    pub fn as_text(&self) -> String {
        match &self.value {
            Value::Text(s) => s.trim().to_string(),
            _ => String::new(),
        }
    }

    pub fn as_notes(&self) -> String {
        self.as_text().replace(" / ", "\n")
    }

    pub fn as_count(&self) -> Option<u64> {
        let digits: String = self
            .as_text()
            .chars()
            .filter(|c| c.is_ascii_digit())
            .collect();
        digits.parse().ok()
    }

    pub fn as_decimal(&self) -> Option<f64> {
        self.as_text().parse().ok()
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => b,
            _ => None,
        }
    }

    pub fn as_choice(&self) -> Option<&str> {
        match (&self.kind, &self.value) {
            (FieldKind::OneOf { options, .. }, Value::Choice(Some(i))) => {
                options.get(*i).map(|s| s.as_str())
            }
            _ => None,
        }
    }

    pub fn as_flags(&self) -> Option<Vec<&str>> {
        match (&self.kind, &self.value) {
            (FieldKind::SetOf { options }, Value::Flags(Some(f))) => Some(
                options
                    .iter()
                    .zip(f)
                    .filter(|(_, on)| **on)
                    .map(|(o, _)| o.as_str())
                    .collect(),
            ),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<NaiveDate> {
        parse_date(&self.as_text()).ok()
    }

    /// For a set of flags, one line per option (`[x] personal`); `None`
    /// for every other kind. An unknown set shows every flag unticked and
    /// says it is unknown; a set with no flag ticked says "none of these".
    pub fn option_lines(&self, lang: crate::domain::labels::Lang) -> Option<Vec<String>> {
        use crate::domain::labels::Label;
        match (&self.kind, &self.value) {
            (FieldKind::SetOf { options }, Value::Flags(f)) => {
                let mut lines: Vec<String> = options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        let on = f
                            .as_ref()
                            .is_some_and(|f| f.get(i).copied().unwrap_or(false));
                        let o = self.option_name(i, o, lang);
                        format!("[{}] {o}", if on { 'x' } else { ' ' })
                    })
                    .collect();
                match f {
                    // Nothing ticked yet is "unknown", not "none of these".
                    None => lines.push(format!(
                        "({})",
                        Label::new("unknown until a flag is ticked", "未知：勾选后才有答案")
                            .get(lang)
                    )),
                    Some(f) if f.iter().all(|on| !on) => lines.push(format!(
                        "({})",
                        Label::new("none of these", "以上都不是").get(lang)
                    )),
                    Some(_) => {}
                }
                Some(lines)
            }
            _ => None,
        }
    }

    /// The value as the form shows it.
    pub fn display(&self) -> String {
        let unknown = || labels::UNKNOWN.get(self.lang).into_owned();
        match (&self.kind, &self.value) {
            (_, Value::Text(s)) => s.clone(),
            (_, Value::Bool(None)) => unknown(),
            (_, Value::Bool(Some(b))) => if *b { labels::YES } else { labels::NO }
                .get(self.lang)
                .into_owned(),
            (FieldKind::OneOf { options, .. }, Value::Choice(c)) => c
                .and_then(|i| options.get(i).map(|o| self.option_name(i, o, self.lang)))
                .unwrap_or_else(unknown),
            (FieldKind::SetOf { options }, Value::Flags(f)) => match f {
                None => unknown(),
                Some(f) => options
                    .iter()
                    .zip(f)
                    .enumerate()
                    .map(|(i, (o, on))| {
                        format!(
                            "[{}] {}",
                            if *on { 'x' } else { ' ' },
                            self.option_name(i, o, self.lang)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("  "),
            },
            _ => String::new(),
        }
    }
}

/// A form: a title, fields and the field with focus.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// A problem with the whole record, from the last submit.
    pub error: Option<String>,
    /// The record being edited, as it was when the form opened: a save
    /// applies what the form changed from it, over the stored version.
    pub base: Option<Version>,
    /// The revision of the stored version the open conflict dialog
    /// describes: overwriting saves over that version only.
    pub theirs: Option<u64>,
    /// The language of the form's words and of the problems it states.
    pub lang: Lang,
}

/// One version of a stored record.
#[derive(Debug, Clone, PartialEq)]
pub enum Version {
    Client(Box<Client>),
    Network(Box<Network>),
}

impl Version {
    pub fn revision(&self) -> u64 {
        match self {
            Version::Client(c) => c.revision,
            Version::Network(n) => n.revision,
        }
    }
}

impl Form {
    pub fn new(title: impl Into<String>, fields: Vec<Field>) -> Form {
        Form {
            title: title.into(),
            fields,
            focus: 0,
            error: None,
            base: None,
            theirs: None,
            lang: Lang::En,
        }
    }

    /// The form with its fields' words and checks in `lang`.
    pub fn in_lang(mut self, lang: Lang) -> Form {
        self.lang = lang;
        for f in &mut self.fields {
            f.lang = lang;
            f.check();
        }
        self
    }

    pub fn field(&self, key: &str) -> &Field {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .expect("form has the field it was built with")
    }

    /// Whether the field `key` holds another value than the form opened
    /// with.
    pub fn changed(&self, key: &str) -> bool {
        self.field(key).changed()
    }

    pub fn focused(&mut self) -> &mut Field {
        &mut self.fields[self.focus]
    }

    /// The next shown field.
    pub fn next(&mut self) {
        let n = self.fields.len();
        for step in 1..=n {
            let i = (self.focus + step) % n;
            if !self.fields[i].hidden {
                self.focus = i;
                return;
            }
        }
    }

    /// The previous shown field.
    pub fn prev(&mut self) {
        let n = self.fields.len();
        for step in 1..=n {
            let i = (self.focus + n - step) % n;
            if !self.fields[i].hidden {
                self.focus = i;
                return;
            }
        }
    }

    /// The first field with a problem, focused, or `None` when all are fine.
    pub fn first_problem(&mut self) -> Option<String> {
        for (i, f) in self.fields.iter_mut().enumerate() {
            if f.hidden {
                continue;
            }
            f.check();
            if let Some(e) = &f.error {
                self.focus = i;
                return Some(format!("{}: {e}", f.label));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_field_checks_inline() {
        let mut f = Field::count("pi_subjects", "PI subjects", Some(5));
        f.backspace();
        assert_eq!(f.as_count(), None);
        for c in "250 000".chars() {
            assert!(f.accepts(c));
            f.input(c);
        }
        assert_eq!(f.as_count(), Some(250_000));
        assert!(!f.accepts('x'));
        assert!(f.error.is_none());
        for _ in 0..25 {
            f.input('9');
        }
        assert!(f.error.as_deref().unwrap().contains("whole number"));
    }

    #[test]
    fn dates_accept_today_and_refuse_impossible_days() {
        let mut f = Field::date("date", "Date", None, true);
        assert!(f.error.as_deref().unwrap().contains("required"));
        assert!(!f.accepts('t'));
        f.set_today(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
        assert_eq!(f.display(), "2026-11-28");
        assert!(f.error.is_none());
        f.clear();
        for c in "2026-02-30".chars() {
            f.input(c);
        }
        assert!(
            f.error
                .as_deref()
                .unwrap()
                .contains("not a real calendar date")
        );
    }

    #[test]
    fn choices_cycle_through_unknown() {
        let mut f = Field::one_of(
            "deployment",
            "Deployment",
            &["on_premises", "cloud"],
            None,
            true,
        );
        assert_eq!(f.as_choice(), None);
        f.step(true);
        assert_eq!(f.as_choice(), Some("on_premises"));
        f.step(true);
        f.step(true);
        assert_eq!(f.as_choice(), None);
        f.step(false);
        assert_eq!(f.as_choice(), Some("cloud"));
        let mut y = Field::yes_no("cii", "CII", None);
        y.toggle();
        assert_eq!(y.as_bool(), Some(true));
        y.input('n');
        assert_eq!(y.as_bool(), Some(false));
        y.clear();
        assert_eq!(y.as_bool(), None);
    }

    #[test]
    fn flags_toggle_under_the_cursor() {
        let mut f = Field::set_of("data", "Data", &["business", "personal", "payment"], None);
        assert_eq!(f.as_flags(), None);
        f.step(true);
        f.toggle();
        assert_eq!(f.as_flags(), Some(vec!["personal"]));
        f.clear();
        assert_eq!(f.display(), "unknown");
    }
}
