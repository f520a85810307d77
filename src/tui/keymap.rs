//! Keys to [`Action`]s. The defaults are `keymap.toml` at the top of the
//! repository, built into the binary; a user's `keymap.toml` in the config
//! directory is merged over them section by section. Nothing else in the
//! case manager reads raw keys.
//!
//! A bad user keymap is an error naming `file:line:column` and the entry
//! (`[clients] add`), never silently ignored: a key that does something
//! other than the user wrote is worse than a refusal to start.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::Action;
use crate::error::{Error, Result, line_col, toml_error};
use crate::id_enum;

/// The default keymap, as shipped.
pub const DEFAULT_KEYMAP: &str = include_str!("../../keymap.toml");

/// How the built-in file is named in messages.
const DEFAULT_FILE: &str = "keymap.toml (built in)";

/// The file name of a user's keymap in the config directory.
pub const USER_FILE: &str = "keymap.toml";

id_enum!(
    /// Where a key is looked up: one section per pane, one for forms, and
    /// `global` for what every pane shares.
    Section {
        Global => "global",
        Clients => "clients",
        Networks => "networks",
        Answers => "answers",
        Timeline => "timeline",
        Agenda => "agenda",
        Triage => "triage",
        /// The Gaps view of a network.
        Gaps => "gaps",
        Form => "form",
    }
);

impl Section {
    /// Whether a key this section does not bind is looked up in `global`.
    /// A form does not: its letters belong to the field, and `q` types a q.
    pub fn falls_back_to_global(self) -> bool {
        !matches!(self, Section::Global | Section::Form)
    }

    /// The sections `action` may be bound in. An action anywhere else could
    /// never run, so binding it there is an error rather than a dead key.
    pub fn allowed_for(action: Action) -> &'static [Section] {
        use Section::*;
        match action {
            Action::NextPane
            | Action::PrevPane
            | Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::Filter
            | Action::FuzzyJump
            | Action::Agenda
            | Action::Triage
            | Action::History
            | Action::Report
            | Action::Undo
            | Action::Help
            | Action::Command
            | Action::Zoom
            | Action::Messages
            | Action::Language
            | Action::Quit => &[Global],
            Action::Left | Action::Right | Action::Cancel => &[Global, Form],
            Action::Edit => &[Clients, Networks, Answers, Timeline, Gaps],
            Action::Add | Action::Delete => &[Clients, Networks, Timeline, Gaps],
            Action::Gaps => &[Networks, Answers, Timeline, Gaps],
            Action::MarkOpen
            | Action::MarkInProgress
            | Action::MarkFixed
            | Action::MarkVerified
            | Action::ShowAll
            | Action::CycleFilter => &[Gaps],
            Action::ClearField => &[Answers, Form],
            Action::Override => &[Answers],
            Action::Questionnaire => &[Networks, Answers],
            Action::Submit => &[Agenda, Triage, Form],
            Action::Sort => &[Triage],
            Action::Details => &[Clients, Global],
            Action::NextField | Action::PrevField | Action::Today => &[Form],
            Action::Toggle => &[Form, Gaps],
        }
    }
}

/// One key with its modifiers, normalised so that what a terminal reports
/// and what a user writes compare equal: a character carries its own shift
/// (`G`, not Shift-g), Ctrl with a letter ignores case (terminals cannot
/// tell Ctrl-p from Ctrl-P), and Shift-Tab is `BackTab`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeyChord {
    /// The chord for `code` with `modifiers`, normalised.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> KeyChord {
        let mut modifiers = modifiers;
        let code = match code {
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::BackTab => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::Char(c) => {
                let mut c = c;
                if modifiers.contains(KeyModifiers::SHIFT) {
                    modifiers.remove(KeyModifiers::SHIFT);
                    c = uppercase(c);
                }
                if modifiers.contains(KeyModifiers::CONTROL) && c.is_ascii_alphabetic() {
                    c = c.to_ascii_lowercase();
                }
                KeyCode::Char(c)
            }
            other => other,
        };
        KeyChord { code, modifiers }
    }

    /// The chord a key event from the terminal stands for.
    pub fn from_event(event: &KeyEvent) -> KeyChord {
        KeyChord::new(event.code, event.modifiers)
    }
}

fn uppercase(c: char) -> char {
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// What the parse error says about valid key names.
const KEY_NAMES: &str = "a key is one character (a, A, ?, /, :) or one of Enter, Esc, Tab, \
     Shift-Tab, Backspace, Delete, Insert, Home, End, PageUp, PageDown, Up, Down, Left, Right, \
     Space, F1..F12, after any of Ctrl-, Alt-, Shift- (e.g. Ctrl-p)";

impl FromStr for KeyChord {
    type Err = String;

    /// Parses `Ctrl-p`, `Shift-Tab`, `G`, `PageDown`, ...; modifier and key
    /// names ignore case, single characters do not.
    fn from_str(s: &str) -> Result<KeyChord, String> {
        let mut rest = s;
        let mut modifiers = KeyModifiers::NONE;
        // "-" alone and "Ctrl--" are the minus key: a prefix is a modifier
        // only when something follows it.
        while let Some((head, tail)) = rest.split_once('-') {
            if tail.is_empty() {
                break;
            }
            let m = match head.to_ascii_lowercase().as_str() {
                "ctrl" => KeyModifiers::CONTROL,
                "alt" => KeyModifiers::ALT,
                "shift" => KeyModifiers::SHIFT,
                _ => break,
            };
            if modifiers.contains(m) {
                return Err(format!("key {s:?} names {head}- twice"));
            }
            modifiers |= m;
            rest = tail;
        }
        let code = key_code(rest).map_err(|hint| format!("unknown key {s:?}: {hint}"))?;
        if let KeyCode::Char(c) = code
            && modifiers.contains(KeyModifiers::SHIFT)
            && !c.is_alphabetic()
        {
            return Err(format!(
                "key {s:?}: Shift- goes with letters and named keys; write the character \
                 Shift types instead (e.g. ? rather than Shift-/)"
            ));
        }
        Ok(KeyChord::new(code, modifiers))
    }
}

/// The key named `name` (without modifiers), or a hint for the message.
fn key_code(name: &str) -> Result<KeyCode, String> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.clone().next()) {
        return match c {
            ' ' => Err("write Space for the space bar".into()),
            c if c.is_control() || c.is_whitespace() => Err(KEY_NAMES.into()),
            c => Ok(KeyCode::Char(c)),
        };
    }
    let lower = name.to_ascii_lowercase();
    let code = match lower.as_str() {
        "enter" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "delete" => KeyCode::Delete,
        "insert" => KeyCode::Insert,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "space" => KeyCode::Char(' '),
        _ => match lower.strip_prefix('f').map(str::parse::<u8>) {
            Some(Ok(n @ 1..=12)) => KeyCode::F(n),
            _ if name.contains('+') => {
                return Err(format!(
                    "write modifiers with a dash, e.g. Ctrl-p; {KEY_NAMES}"
                ));
            }
            _ => return Err(KEY_NAMES.into()),
        },
    };
    Ok(code)
}

impl fmt::Display for KeyChord {
    /// The canonical name, as `keymap print` writes it: `Ctrl-p`,
    /// `Shift-Tab`, `Space`, `G`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (flag, name) in [
            (KeyModifiers::CONTROL, "Ctrl-"),
            (KeyModifiers::ALT, "Alt-"),
            (KeyModifiers::SUPER, "Super-"),
            (KeyModifiers::HYPER, "Hyper-"),
            (KeyModifiers::META, "Meta-"),
            (KeyModifiers::SHIFT, "Shift-"),
        ] {
            if self.modifiers.contains(flag) {
                f.write_str(name)?;
            }
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Delete"),
            KeyCode::Insert => f.write_str("Insert"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PageUp"),
            KeyCode::PageDown => f.write_str("PageDown"),
            KeyCode::Up => f.write_str("Up"),
            KeyCode::Down => f.write_str("Down"),
            KeyCode::Left => f.write_str("Left"),
            KeyCode::Right => f.write_str("Right"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// The keys of every section, defaults merged with the user's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    /// Per section, the keys of each bound action; `Action`'s order is the
    /// declaration order, so iteration is in `Action` order.
    sections: BTreeMap<Section, BTreeMap<Action, Vec<KeyChord>>>,
    /// The user's file merged over the defaults, if there was one.
    user_file: Option<PathBuf>,
}

impl Keymap {
    /// The built-in keymap.
    pub fn defaults() -> Keymap {
        static DEFAULTS: std::sync::OnceLock<Keymap> = std::sync::OnceLock::new();
        DEFAULTS
            .get_or_init(|| {
                let empty = Keymap {
                    sections: BTreeMap::new(),
                    user_file: None,
                };
                merge(&empty, DEFAULT_FILE, DEFAULT_KEYMAP)
                    .expect("the built-in keymap.toml is valid (tested)")
            })
            .clone()
    }

    /// The defaults merged with `<dir>/keymap.toml` when that file exists.
    pub fn load(dir: Option<&Path>) -> Result<Keymap> {
        let Some(dir) = dir else {
            return Ok(Keymap::defaults());
        };
        let path = dir.join(USER_FILE);
        let Some((name, text)) = crate::config::read_optional(&path)? else {
            return Ok(Keymap::defaults());
        };
        let mut keymap = Keymap::from_user_toml(&name, &text)?;
        keymap.user_file = Some(path);
        Ok(keymap)
    }

    /// The defaults merged with a user file's `text`; `file_name` names it
    /// in messages.
    pub fn from_user_toml(file_name: &str, text: &str) -> Result<Keymap> {
        merge(&Keymap::defaults(), file_name, text)
    }

    /// The user's file in effect, `None` for the defaults alone.
    pub fn user_file(&self) -> Option<&Path> {
        self.user_file.as_deref()
    }

    /// The action `key` asks for in `section`: the section's own bindings
    /// first, then `global` unless the section is a form. Key releases
    /// (reported by some terminals) ask for nothing.
    pub fn lookup(&self, section: Section, key: &KeyEvent) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        self.lookup_chord(section, KeyChord::from_event(key))
    }

    /// As [`Keymap::lookup`], for a chord.
    pub fn lookup_chord(&self, section: Section, chord: KeyChord) -> Option<Action> {
        self.own(section, chord).or_else(|| {
            if section.falls_back_to_global() {
                self.own(Section::Global, chord)
            } else {
                None
            }
        })
    }

    fn own(&self, section: Section, chord: KeyChord) -> Option<Action> {
        self.sections.get(&section).and_then(|actions| {
            actions
                .iter()
                .find(|(_, keys)| keys.contains(&chord))
                .map(|(action, _)| *action)
        })
    }

    /// The keys that do `action` in `section`, as [`Keymap::lookup`] sees
    /// them: the section's own, then the global ones it does not shadow.
    pub fn keys_for(&self, section: Section, action: Action) -> Vec<KeyChord> {
        let mut sources = vec![section];
        if section.falls_back_to_global() {
            sources.push(Section::Global);
        }
        let mut keys: Vec<KeyChord> = Vec::new();
        for source in sources {
            let bound = self
                .sections
                .get(&source)
                .and_then(|actions| actions.get(&action));
            for &chord in bound.into_iter().flatten() {
                if !keys.contains(&chord) && self.lookup_chord(section, chord) == Some(action) {
                    keys.push(chord);
                }
            }
        }
        keys
    }

    /// The section's own entries, in `Action` order: what `[section]` of
    /// the effective keymap says (the help overlay's groups).
    pub fn bindings(&self, section: Section) -> Vec<(Action, Vec<KeyChord>)> {
        self.sections
            .get(&section)
            .map(|actions| {
                actions
                    .iter()
                    .map(|(action, keys)| (*action, keys.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The effective keymap in the format of `keymap.toml`. An entry the
    /// defaults have and this keymap removed reads `"none"`, so the text,
    /// used as a user's file, gives this keymap back.
    pub fn to_toml(&self) -> String {
        let defaults = Keymap::defaults();
        let mut out = String::from("# The keymap in effect: ");
        match &self.user_file {
            Some(path) => {
                // A path is user data: no line break may end the comment.
                let path = crate::text::escape_for_terminal(&path.display().to_string());
                out.push_str(&format!("the built-in defaults merged with {path}.\n"));
            }
            None => out.push_str("the built-in defaults.\n"),
        }
        for &section in Section::ALL {
            out.push_str(&format!("\n[{section}]\n"));
            let own = self.sections.get(&section);
            for &action in Action::ALL {
                let keys = own.and_then(|a| a.get(&action)).filter(|k| !k.is_empty());
                let had_default = defaults
                    .sections
                    .get(&section)
                    .is_some_and(|a| a.contains_key(&action));
                let value = match keys {
                    Some(keys) if keys.len() == 1 => toml_string(&keys[0].to_string()),
                    Some(keys) => {
                        let items: Vec<String> =
                            keys.iter().map(|k| toml_string(&k.to_string())).collect();
                        format!("[{}]", items.join(", "))
                    }
                    None if had_default => toml_string("none"),
                    None => continue,
                };
                out.push_str(&format!("{action} = {value}\n"));
            }
        }
        out
    }
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The file being read, for messages that name `file:line:column`.
struct Source<'a> {
    file: &'a str,
    text: &'a str,
}

impl Source<'_> {
    fn at(&self, offset: usize, msg: String) -> Error {
        let (line, col) = line_col(self.text, offset);
        Error::input(format!("{}:{line}:{col}: {msg}", self.file))
    }
}

/// One `action = keys` entry of a file, checked; offsets are byte offsets
/// into the file.
struct Entry {
    action: Action,
    keys: Vec<(KeyChord, usize)>,
}

/// Where a key already bound in a section came from.
#[derive(Clone, Copy)]
enum Origin {
    /// The keymap merged over.
    Base,
    /// Earlier in the same file, at this offset.
    File(usize),
}

/// `base` with the entries of `text` merged over it, section by section.
/// Bindings that can't be removed: quitting, and leaving or saving a form.
const REQUIRED: &[(Section, Action)] = &[
    (Section::Global, Action::Quit),
    (Section::Form, Action::Cancel),
    (Section::Form, Action::Submit),
];

fn merge(base: &Keymap, file: &str, text: &str) -> Result<Keymap> {
    let src = Source { file, text };
    let at = |offset: usize, msg: String| src.at(offset, msg);
    let doc = DeTable::parse(text).map_err(|e| toml_error(file, text, &e))?;
    let mut sections = base.sections.clone();
    for (name, value) in in_file_order(doc.get_ref()) {
        let name_at = name.span().start;
        let table = match (name.get_ref().parse::<Section>(), value.get_ref()) {
            (Ok(_), DeValue::Table(table)) => table,
            (Err(_), DeValue::Table(_)) => {
                return Err(at(
                    name_at,
                    format!(
                        "[{}]: unknown section; the sections are: {}",
                        name.get_ref(),
                        Section::expected()
                    ),
                ));
            }
            (Ok(section), other) => {
                return Err(at(
                    name_at,
                    format!(
                        "[{section}]: expected a table of `action = \"Key\"` entries, found {}",
                        other.type_str()
                    ),
                ));
            }
            (Err(_), _) => {
                return Err(at(
                    name_at,
                    format!(
                        "{}: entries go in a section, e.g. [global]; the sections are: {}",
                        name.get_ref(),
                        Section::expected()
                    ),
                ));
            }
        };
        let section: Section = name.get_ref().parse().expect("checked above");
        let mut entries = Vec::new();
        for (action_name, value) in in_file_order(table) {
            let entry = parse_entry(section, action_name, value, &at)?;
            // Some keys must stay bound, or there would be no way out.
            if entry.keys.is_empty() && REQUIRED.contains(&(section, entry.action)) {
                return Err(at(
                    action_name.span().start,
                    format!(
                        "[{section}] {}: this action needs at least one key, or there is no way out of {}",
                        entry.action,
                        if section == Section::Form {
                            "a form"
                        } else {
                            "mlps"
                        }
                    ),
                ));
            }
            entries.push(entry);
        }
        let bound = sections.entry(section).or_default();
        check_duplicates(section, bound, &entries, &src)?;
        for entry in entries {
            let mut keys: Vec<KeyChord> = Vec::new();
            for (chord, _) in entry.keys {
                if !keys.contains(&chord) {
                    keys.push(chord);
                }
            }
            if keys.is_empty() {
                bound.remove(&entry.action);
            } else {
                bound.insert(entry.action, keys);
            }
        }
    }
    Ok(Keymap {
        sections,
        user_file: None,
    })
}

type Spans<'a, 'i> = Vec<(
    &'a Spanned<std::borrow::Cow<'i, str>>,
    &'a Spanned<DeValue<'i>>,
)>;

/// A table's entries in the order the file has them, so the first problem
/// reported is the first in the file.
fn in_file_order<'a, 'i>(table: &'a DeTable<'i>) -> Spans<'a, 'i> {
    let mut entries: Spans<'a, 'i> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

fn parse_entry(
    section: Section,
    name: &Spanned<std::borrow::Cow<'_, str>>,
    value: &Spanned<DeValue<'_>>,
    at: &impl Fn(usize, String) -> Error,
) -> Result<Entry> {
    let entry = format!("[{section}] {}", name.get_ref());
    let action: Action = name.get_ref().parse().map_err(|_| {
        at(
            name.span().start,
            format!(
                "{entry}: unknown action; the actions are: {}",
                Action::expected()
            ),
        )
    })?;
    let allowed = Section::allowed_for(action);
    if !allowed.contains(&section) {
        let places: Vec<String> = allowed.iter().map(|s| format!("[{s}]")).collect();
        return Err(at(
            name.span().start,
            format!(
                "{entry}: {action} cannot be bound in [{section}]; it goes in {}",
                places.join(", ")
            ),
        ));
    }
    let wrong_type = |span: std::ops::Range<usize>, found: &str| {
        at(
            span.start,
            format!("{entry}: expected a key name or a list of key names, found {found}"),
        )
    };
    let names: Vec<(&str, usize)> = match value.get_ref() {
        DeValue::String(s) => vec![(s.as_ref(), value.span().start)],
        DeValue::Array(items) => items
            .iter()
            .map(|item| match item.get_ref() {
                DeValue::String(s) => Ok((s.as_ref(), item.span().start)),
                other => Err(wrong_type(item.span(), other.type_str())),
            })
            .collect::<Result<_>>()?,
        // A table may be a `[section.action]` header elsewhere in the file:
        // point at the action's name.
        other @ DeValue::Table(_) => return Err(wrong_type(name.span(), other.type_str())),
        other => return Err(wrong_type(value.span(), other.type_str())),
    };
    let is_none = |s: &str| s.eq_ignore_ascii_case("none");
    if names.len() > 1
        && let Some((_, offset)) = names.iter().find(|(s, _)| is_none(s))
    {
        return Err(at(
            *offset,
            format!("{entry}: \"none\" removes the binding, so it cannot be listed with keys"),
        ));
    }
    let mut keys = Vec::new();
    for (key, offset) in names {
        if is_none(key) {
            continue;
        }
        let chord = key
            .parse::<KeyChord>()
            .map_err(|m| at(offset, format!("{entry}: {m}")))?;
        keys.push((chord, offset));
    }
    Ok(Entry { action, keys })
}

/// Refuses a key bound to two actions of one section once `entries` are
/// merged over `bound`. Shadowing a global key is fine: the section wins.
fn check_duplicates(
    section: Section,
    bound: &BTreeMap<Action, Vec<KeyChord>>,
    entries: &[Entry],
    src: &Source<'_>,
) -> Result<()> {
    let replaced = |action: &Action| entries.iter().any(|e| e.action == *action);
    let mut taken: HashMap<KeyChord, (Action, Origin)> = HashMap::new();
    for (action, keys) in bound.iter().filter(|(a, _)| !replaced(a)) {
        for &chord in keys {
            taken.insert(chord, (*action, Origin::Base));
        }
    }
    let mut keys: Vec<(Action, KeyChord, usize)> = entries
        .iter()
        .flat_map(|e| {
            e.keys
                .iter()
                .map(|&(chord, offset)| (e.action, chord, offset))
        })
        .collect();
    keys.sort_by_key(|&(_, _, offset)| offset);
    for (action, chord, offset) in keys {
        match taken.get(&chord) {
            Some(&(other, origin)) if other != action => {
                let whence = match origin {
                    Origin::Base => "a default".to_string(),
                    Origin::File(o) => {
                        let (line, col) = line_col(src.text, o);
                        format!("at {line}:{col}")
                    }
                };
                return Err(src.at(
                    offset,
                    format!(
                        "[{section}] {action}: key \"{chord}\" is already bound to {other} in \
                         [{section}] ({whence}); set {other} = \"none\" (or another key) in \
                         [{section}], or pick another key for {action}"
                    ),
                ));
            }
            Some(_) => {}
            None => {
                taken.insert(chord, (action, Origin::File(offset)));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventState;

    const C: KeyModifiers = KeyModifiers::CONTROL;
    const A: KeyModifiers = KeyModifiers::ALT;
    const S: KeyModifiers = KeyModifiers::SHIFT;
    const N: KeyModifiers = KeyModifiers::NONE;

    fn chord(s: &str) -> KeyChord {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn ch(c: char) -> KeyEvent {
        key(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn user(text: &str) -> Keymap {
        Keymap::from_user_toml("keymap.toml", text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn error(text: &str) -> String {
        let err = Keymap::from_user_toml("keymap.toml", text).unwrap_err();
        assert_eq!(err.exit_code(), 2, "{err}");
        err.message().to_string()
    }

    #[test]
    fn every_key_name_form_parses() {
        let table: &[(&str, KeyCode, KeyModifiers)] = &[
            ("a", KeyCode::Char('a'), N),
            ("A", KeyCode::Char('A'), N),
            ("?", KeyCode::Char('?'), N),
            ("/", KeyCode::Char('/'), N),
            (":", KeyCode::Char(':'), N),
            ("-", KeyCode::Char('-'), N),
            ("é", KeyCode::Char('é'), N),
            ("Enter", KeyCode::Enter, N),
            ("Esc", KeyCode::Esc, N),
            ("Escape", KeyCode::Esc, N),
            ("Tab", KeyCode::Tab, N),
            ("Shift-Tab", KeyCode::BackTab, N),
            ("BackTab", KeyCode::BackTab, N),
            ("Backspace", KeyCode::Backspace, N),
            ("Delete", KeyCode::Delete, N),
            ("Insert", KeyCode::Insert, N),
            ("Home", KeyCode::Home, N),
            ("End", KeyCode::End, N),
            ("PageUp", KeyCode::PageUp, N),
            ("PageDown", KeyCode::PageDown, N),
            ("Up", KeyCode::Up, N),
            ("Down", KeyCode::Down, N),
            ("Left", KeyCode::Left, N),
            ("Right", KeyCode::Right, N),
            ("Space", KeyCode::Char(' '), N),
            ("F1", KeyCode::F(1), N),
            ("F12", KeyCode::F(12), N),
            ("Ctrl-p", KeyCode::Char('p'), C),
            ("Alt-x", KeyCode::Char('x'), A),
            ("Alt-X", KeyCode::Char('X'), A),
            ("Shift-a", KeyCode::Char('A'), N),
            ("Shift-Up", KeyCode::Up, S),
            ("Ctrl--", KeyCode::Char('-'), C),
            ("Ctrl-Alt-Delete", KeyCode::Delete, C | A),
            ("Alt-Ctrl-Delete", KeyCode::Delete, C | A),
            ("Ctrl-Shift-Tab", KeyCode::BackTab, C),
            ("Ctrl-Space", KeyCode::Char(' '), C),
            ("Alt-F4", KeyCode::F(4), A),
            // Modifier and named keys ignore case; Ctrl ignores a letter's.
            ("ctrl-p", KeyCode::Char('p'), C),
            ("CTRL-P", KeyCode::Char('p'), C),
            ("Ctrl-Shift-p", KeyCode::Char('p'), C),
            ("shift-tab", KeyCode::BackTab, N),
            ("enter", KeyCode::Enter, N),
            ("ESC", KeyCode::Esc, N),
            ("pageup", KeyCode::PageUp, N),
            ("PAGEDOWN", KeyCode::PageDown, N),
            ("space", KeyCode::Char(' '), N),
            ("f5", KeyCode::F(5), N),
            ("aLt-sHiFt-left", KeyCode::Left, A | S),
        ];
        for &(name, code, modifiers) in table {
            assert_eq!(chord(name), KeyChord { code, modifiers }, "{name}");
        }
    }

    #[test]
    fn bad_key_names_say_what_is_valid() {
        for (name, says) in [
            ("Ctrl+q", "write modifiers with a dash"),
            ("Foo", "a key is one character"),
            ("F13", "F1..F12"),
            ("F0", "F1..F12"),
            ("Ctrl-", "a key is one character"),
            ("Hyper-a", "a key is one character"),
            ("", "a key is one character"),
            ("\t", "a key is one character"),
            (" ", "write Space"),
            ("Shift-1", "write the character Shift types"),
            ("Shift-?", "write the character Shift types"),
            ("Ctrl-Ctrl-a", "names Ctrl- twice"),
        ] {
            let err = name.parse::<KeyChord>().unwrap_err();
            assert!(err.contains(says), "{name:?}: {err}");
            assert!(err.contains(&format!("{name:?}")), "{name:?}: {err}");
        }
    }

    #[test]
    fn display_is_canonical_and_round_trips() {
        for (name, shown) in [
            ("ctrl-P", "Ctrl-p"),
            ("BackTab", "Shift-Tab"),
            ("shift-tab", "Shift-Tab"),
            ("space", "Space"),
            ("Shift-g", "G"),
            ("alt-shift-left", "Alt-Shift-Left"),
            ("Alt-Ctrl-Delete", "Ctrl-Alt-Delete"),
            ("escape", "Esc"),
            ("f11", "F11"),
            ("Ctrl--", "Ctrl--"),
            ("\"", "\""),
        ] {
            assert_eq!(chord(name).to_string(), shown, "{name}");
        }
        for name in [
            "a",
            "A",
            "?",
            "/",
            ":",
            "-",
            "Enter",
            "Esc",
            "Tab",
            "Shift-Tab",
            "Backspace",
            "Delete",
            "Insert",
            "Home",
            "End",
            "PageUp",
            "PageDown",
            "Up",
            "Down",
            "Left",
            "Right",
            "Space",
            "F1",
            "F12",
            "Ctrl-p",
            "Alt-Enter",
            "Ctrl-Alt-Shift-Up",
        ] {
            let c = chord(name);
            assert_eq!(c.to_string(), name);
            assert_eq!(chord(&c.to_string()), c, "{name}");
        }
    }

    #[test]
    fn terminal_events_match_what_users_write() {
        // (what crossterm may report, the chord written in keymap.toml)
        let table: &[(KeyEvent, &str)] = &[
            (key(KeyCode::Char('G'), S), "G"),
            (key(KeyCode::Char('G'), N), "G"),
            (key(KeyCode::Char('g'), S), "G"),
            (key(KeyCode::Char('p'), C), "Ctrl-p"),
            (key(KeyCode::Char('P'), C), "Ctrl-p"),
            (key(KeyCode::Char('P'), C | S), "Ctrl-p"),
            (key(KeyCode::Char('?'), S), "?"),
            (key(KeyCode::Char(':'), S), ":"),
            (key(KeyCode::BackTab, S), "Shift-Tab"),
            (key(KeyCode::BackTab, N), "Shift-Tab"),
            (key(KeyCode::Tab, S), "Shift-Tab"),
            (key(KeyCode::Char(' '), N), "Space"),
            (key(KeyCode::Char('u'), C), "Ctrl-u"),
            (key(KeyCode::Up, S), "Shift-Up"),
        ];
        for (event, written) in table {
            assert_eq!(KeyChord::from_event(event), chord(written), "{event:?}");
        }
        assert_ne!(
            KeyChord::from_event(&key(KeyCode::Char('g'), N)),
            chord("G")
        );
        assert_ne!(
            KeyChord::from_event(&key(KeyCode::Char('q'), KeyModifiers::SUPER)),
            chord("q")
        );
    }

    #[test]
    fn the_built_in_keymap_parses_and_is_the_documented_one() {
        let k = Keymap::defaults();
        let shown = |section| -> Vec<(String, Vec<String>)> {
            k.bindings(section)
                .into_iter()
                .map(|(a, keys)| {
                    (
                        a.to_string(),
                        keys.iter().map(ToString::to_string).collect(),
                    )
                })
                .collect()
        };
        let expect = |entries: &[(&str, &[&str])]| -> Vec<(String, Vec<String>)> {
            entries
                .iter()
                .map(|(a, keys)| (a.to_string(), keys.iter().map(|k| k.to_string()).collect()))
                .collect()
        };
        assert_eq!(
            shown(Section::Global),
            expect(&[
                ("next_pane", &["Tab"]),
                ("prev_pane", &["Shift-Tab"]),
                ("up", &["k", "Up"]),
                ("down", &["j", "Down"]),
                ("left", &["h", "Left"]),
                ("right", &["l", "Right"]),
                ("page_up", &["PageUp"]),
                ("page_down", &["PageDown"]),
                ("top", &["g", "Home"]),
                ("bottom", &["G", "End"]),
                ("filter", &["/"]),
                ("fuzzy_jump", &["Ctrl-p"]),
                ("agenda", &["r"]),
                ("history", &["H"]),
                ("report", &["R"]),
                ("undo", &["u"]),
                ("help", &["?"]),
                ("command", &[":"]),
                ("quit", &["q", "Ctrl-c"]),
                ("cancel", &["Esc"]),
                ("triage", &["T"]),
                ("zoom", &["z"]),
                ("messages", &["m"]),
                ("language", &["L"]),
            ])
        );
        let panes = expect(&[
            ("edit", &["Enter"]),
            ("add", &["a"]),
            ("delete", &["d"]),
            ("gaps", &["g"]),
        ]);
        assert_eq!(
            shown(Section::Clients),
            expect(&[
                ("edit", &["Enter"]),
                ("add", &["a"]),
                ("delete", &["d"]),
                ("details", &["i"]),
            ])
        );
        assert_eq!(
            shown(Section::Networks),
            expect(&[
                ("edit", &["Enter"]),
                ("add", &["a"]),
                ("delete", &["d"]),
                ("questionnaire", &["Q"]),
                ("gaps", &["g"]),
            ])
        );
        assert_eq!(shown(Section::Timeline), panes);
        assert_eq!(
            shown(Section::Answers),
            expect(&[
                ("edit", &["Enter"]),
                ("clear_field", &["x"]),
                ("override", &["o"]),
                ("questionnaire", &["Q"]),
                ("gaps", &["g"]),
            ])
        );
        assert_eq!(
            shown(Section::Gaps),
            expect(&[
                ("edit", &["Enter"]),
                ("add", &["a"]),
                ("delete", &["d"]),
                ("toggle", &["Space"]),
                ("gaps", &["g"]),
                ("mark_open", &["o"]),
                ("mark_in_progress", &["p"]),
                ("mark_fixed", &["f"]),
                ("mark_verified", &["v"]),
                ("show_all", &["A"]),
                ("cycle_filter", &["c"]),
            ])
        );
        assert_eq!(shown(Section::Agenda), expect(&[("submit", &["Enter"])]));
        assert_eq!(
            shown(Section::Triage),
            expect(&[("submit", &["Enter"]), ("sort", &["s"])])
        );
        assert_eq!(
            shown(Section::Form),
            expect(&[
                ("left", &["Left"]),
                ("right", &["Right"]),
                ("cancel", &["Esc", "Ctrl-c"]),
                ("submit", &["Enter"]),
                ("next_field", &["Tab", "Down"]),
                ("prev_field", &["Shift-Tab", "Up"]),
                ("today", &["t"]),
                ("clear_field", &["Ctrl-u"]),
                ("toggle", &["Space"]),
            ])
        );
        // The defaults are the same whichever way they are read.
        assert_eq!(user(""), k);
        assert_eq!(Keymap::load(None).unwrap(), k);
    }

    #[test]
    fn panes_fall_back_to_global_and_forms_do_not() {
        let k = Keymap::defaults();
        let look = |section, event: KeyEvent| k.lookup(section, &event);
        assert_eq!(
            look(Section::Clients, key(KeyCode::Enter, N)),
            Some(Action::Edit)
        );
        assert_eq!(look(Section::Clients, ch('q')), Some(Action::Quit));
        assert_eq!(look(Section::Clients, ch('j')), Some(Action::Down));
        assert_eq!(
            look(Section::Clients, key(KeyCode::Char('G'), S)),
            Some(Action::Bottom)
        );
        assert_eq!(
            look(Section::Clients, key(KeyCode::Char('p'), C)),
            Some(Action::FuzzyJump)
        );
        assert_eq!(look(Section::Answers, ch('o')), Some(Action::Override));
        assert_eq!(look(Section::Answers, ch('a')), None);
        assert_eq!(
            look(Section::Agenda, key(KeyCode::Enter, N)),
            Some(Action::Submit)
        );
        assert_eq!(look(Section::Agenda, ch('?')), Some(Action::Help));
        assert_eq!(look(Section::Global, key(KeyCode::Enter, N)), None);
        // A form: letters reach the field, q does not quit.
        assert_eq!(look(Section::Form, ch('q')), None);
        assert_eq!(look(Section::Form, ch('j')), None);
        assert_eq!(look(Section::Form, ch('/')), None);
        assert_eq!(
            look(Section::Form, key(KeyCode::Esc, N)),
            Some(Action::Cancel)
        );
        assert_eq!(
            look(Section::Form, key(KeyCode::Tab, N)),
            Some(Action::NextField)
        );
        assert_eq!(
            look(Section::Form, key(KeyCode::Down, N)),
            Some(Action::NextField)
        );
        assert_eq!(
            look(Section::Form, key(KeyCode::BackTab, S)),
            Some(Action::PrevField)
        );
        assert_eq!(look(Section::Form, ch(' ')), Some(Action::Toggle));
        assert_eq!(
            look(Section::Form, key(KeyCode::Char('u'), C)),
            Some(Action::ClearField)
        );
        assert_eq!(look(Section::Form, ch('t')), Some(Action::Today));
        // Only presses and repeats count.
        let mut release = ch('q');
        release.kind = KeyEventKind::Release;
        assert_eq!(k.lookup(Section::Clients, &release), None);
        let repeat = KeyEvent::new_with_kind_and_state(
            KeyCode::Char('j'),
            N,
            KeyEventKind::Repeat,
            KeyEventState::NONE,
        );
        assert_eq!(k.lookup(Section::Clients, &repeat), Some(Action::Down));
    }

    #[test]
    fn user_entries_replace_defaults_and_none_removes() {
        let k = user(
            "[clients]\ndelete = \"D\"\nadd = [\"a\", \"Insert\"]\n\
             [global]\nagenda = \"none\"\nundo = []\nquit = \"Ctrl-q\"\n",
        );
        let look = |section, event: KeyEvent| k.lookup(section, &event);
        assert_eq!(
            look(Section::Clients, key(KeyCode::Char('D'), S)),
            Some(Action::Delete)
        );
        assert_eq!(look(Section::Clients, ch('d')), None);
        assert_eq!(
            look(Section::Clients, key(KeyCode::Insert, N)),
            Some(Action::Add)
        );
        assert_eq!(look(Section::Clients, ch('q')), None);
        assert_eq!(
            look(Section::Clients, key(KeyCode::Char('q'), C)),
            Some(Action::Quit)
        );
        assert_eq!(look(Section::Clients, ch('r')), None);
        assert_eq!(look(Section::Clients, ch('u')), None);
        // Untouched entries and sections stay as they were.
        assert_eq!(
            look(Section::Clients, key(KeyCode::Enter, N)),
            Some(Action::Edit)
        );
        assert_eq!(look(Section::Networks, ch('d')), Some(Action::Delete));
        assert_eq!(k.keys_for(Section::Global, Action::Agenda), vec![]);
        assert_eq!(
            k.keys_for(Section::Clients, Action::Add),
            vec![chord("a"), chord("Insert")]
        );
        // A key freed by one entry may be taken by another, in either order.
        let k = user("[clients]\nedit = \"d\"\ndelete = \"Delete\"\n");
        assert_eq!(k.lookup(Section::Clients, &ch('d')), Some(Action::Edit));
        let k = user("[clients]\ndelete = \"Delete\"\nedit = \"d\"\n");
        assert_eq!(k.lookup(Section::Clients, &ch('d')), Some(Action::Edit));
        // The same key twice for one action is one key.
        let k = user("[global]\nquit = [\"q\", \"q\", \"Q\"]\n");
        assert_eq!(
            k.keys_for(Section::Global, Action::Quit),
            vec![chord("q"), chord("Q")]
        );
        // "none" ignores case like the key names.
        let k = user("[global]\nagenda = \"None\"\n");
        assert!(k.keys_for(Section::Global, Action::Agenda).is_empty());
        // Quitting, and leaving or saving a form, can't be unbound.
        for (text, entry) in [
            (
                "[global]\nquit = \"none\"\n",
                "keymap.toml:2:1: [global] quit: this action needs at least one key",
            ),
            (
                "[form]\ncancel = []\n",
                "keymap.toml:2:1: [form] cancel: this action needs at least one key",
            ),
            (
                "[form]\n\nsubmit = \"None\"\n",
                "keymap.toml:3:1: [form] submit: this action needs at least one key",
            ),
        ] {
            let m = error(text);
            assert!(m.starts_with(entry), "{m}");
        }
    }

    #[test]
    fn details_is_i_in_the_clients_panes_and_rebindable() {
        let k = Keymap::defaults();
        assert_eq!(k.lookup(Section::Clients, &ch('i')), Some(Action::Details));
        assert_eq!(k.lookup(Section::Networks, &ch('i')), None);
        assert!(!Action::Details.edits(), "it must work in --readonly");
        // Another key, or every pane through [global].
        let k = user("[clients]\ndetails = \"I\"\n");
        assert_eq!(
            k.lookup(Section::Clients, &key(KeyCode::Char('I'), S)),
            Some(Action::Details)
        );
        assert_eq!(k.lookup(Section::Clients, &ch('i')), None);
        let k = user("[clients]\ndetails = \"none\"\n[global]\ndetails = \"i\"\n");
        assert_eq!(k.lookup(Section::Networks, &ch('i')), Some(Action::Details));
        assert_eq!(k.lookup(Section::Clients, &ch('i')), Some(Action::Details));
        assert_eq!(
            error("[answers]\ndetails = \"i\"\n"),
            "keymap.toml:2:1: [answers] details: details cannot be bound in [answers]; \
             it goes in [clients], [global]"
        );
    }

    #[test]
    fn a_pane_may_shadow_a_global_key() {
        let k = user("[clients]\nadd = \"g\"\n");
        assert_eq!(k.lookup(Section::Clients, &ch('g')), Some(Action::Add));
        assert_eq!(k.lookup(Section::Agenda, &ch('g')), Some(Action::Top));
        // The built-in keymap shadows it too: g opens the Gaps view from
        // the networks pane, where Home goes to the top.
        assert_eq!(k.lookup(Section::Networks, &ch('g')), Some(Action::Gaps));
        // What the clients pane shows for `top` is what works there.
        assert_eq!(
            k.keys_for(Section::Clients, Action::Top),
            vec![chord("Home")]
        );
        assert_eq!(
            k.keys_for(Section::Agenda, Action::Top),
            vec![chord("g"), chord("Home")]
        );
        assert_eq!(
            k.keys_for(Section::Networks, Action::Top),
            vec![chord("Home")]
        );
        assert_eq!(
            k.keys_for(Section::Clients, Action::Quit),
            vec![chord("q"), chord("Ctrl-c")]
        );
        // The own entries of a section are just that section's.
        assert_eq!(
            k.bindings(Section::Clients),
            vec![
                (Action::Edit, vec![chord("Enter")]),
                (Action::Add, vec![chord("g")]),
                (Action::Delete, vec![chord("d")]),
                (Action::Details, vec![chord("i")]),
            ]
        );
        // A form has no global keys at all.
        assert_eq!(k.keys_for(Section::Form, Action::Quit), vec![]);
        assert_eq!(
            k.keys_for(Section::Form, Action::Cancel),
            vec![chord("Esc"), chord("Ctrl-c")]
        );
    }

    #[test]
    fn every_action_has_a_section_and_the_table_is_as_documented() {
        for &action in Action::ALL {
            assert!(!Section::allowed_for(action).is_empty(), "{action}");
        }
        // Every default binding sits in a section its action allows.
        let k = Keymap::defaults();
        for &section in Section::ALL {
            for (action, _) in k.bindings(section) {
                assert!(
                    Section::allowed_for(action).contains(&section),
                    "[{section}] {action}"
                );
            }
        }
        assert_eq!(Section::allowed_for(Action::Today), &[Section::Form]);
        assert_eq!(
            Section::allowed_for(Action::Submit),
            &[Section::Agenda, Section::Triage, Section::Form]
        );
        assert_eq!(Section::allowed_for(Action::Sort), &[Section::Triage]);
        assert_eq!(Section::allowed_for(Action::Quit), &[Section::Global]);
    }

    #[test]
    fn to_toml_prints_the_effective_keymap_and_reads_back() {
        let defaults = Keymap::defaults();
        let text = defaults.to_toml();
        assert!(
            text.contains(
                "[global]\nnext_pane = \"Tab\"\nprev_pane = \"Shift-Tab\"\nup = [\"k\", \"Up\"]\n"
            ),
            "{text}"
        );
        assert!(text.contains("fuzzy_jump = \"Ctrl-p\"\n"), "{text}");
        assert!(!text.contains("\"none\""), "{text}");
        assert_eq!(user(&text), defaults);

        let k = user(
            "[clients]\ndelete = \"none\"\nadd = [\"A\", \"Insert\"]\n[form]\nsubmit = \"Ctrl-s\"\n[networks]\nedit = \"e\"\n[global]\nhelp = '\"'\n",
        );
        let text = k.to_toml();
        assert!(
            text.contains(
                "[clients]\nedit = \"Enter\"\nadd = [\"A\", \"Insert\"]\ndelete = \"none\"\n"
            ),
            "{text}"
        );
        assert!(text.contains("submit = \"Ctrl-s\"\n"), "{text}");
        assert!(text.contains("edit = \"e\"\n"), "{text}");
        assert!(text.contains("help = \"\\\"\"\n"), "{text}");
        assert_eq!(user(&text), k);
        // Every section appears, in order, even an empty one.
        let headers: Vec<&str> = text.lines().filter(|l| l.starts_with('[')).collect();
        let expected: Vec<String> = Section::IDS.iter().map(|s| format!("[{s}]")).collect();
        assert_eq!(headers, expected);
    }

    #[test]
    fn load_merges_the_file_in_the_config_dir() {
        let dir = tempfile::tempdir().unwrap();
        let k = Keymap::load(Some(dir.path())).unwrap();
        assert_eq!(k, Keymap::defaults());
        assert_eq!(k.user_file(), None);

        let path = dir.path().join("keymap.toml");
        std::fs::write(&path, "[global]\nquit = \"Q\"\n").unwrap();
        let k = Keymap::load(Some(dir.path())).unwrap();
        assert_eq!(k.user_file(), Some(path.as_path()));
        assert_eq!(k.keys_for(Section::Global, Action::Quit), vec![chord("Q")]);
        assert!(k.to_toml().contains(&path.display().to_string()));

        std::fs::write(&path, "[global]\nquit = \"Q\"\nhelp = \"Q\"\n").unwrap();
        let err = Keymap::load(Some(dir.path())).unwrap_err();
        assert!(
            err.message()
                .starts_with(&format!("{}:3:8: [global] help: ", path.display())),
            "{err}"
        );

        std::fs::write(&path, b"[global]\nquit = \"\xff\"\n").unwrap();
        let err = Keymap::load(Some(dir.path())).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message().contains("not UTF-8"), "{err}");
    }

    #[test]
    fn syntax_errors_name_the_place() {
        let m = error("[global]\nquit = q\n");
        assert!(m.starts_with("keymap.toml:2:8: "), "{m}");
        let m = error("[global]\nquit = \"q\"\nquit = \"Q\"\n");
        assert!(m.starts_with("keymap.toml:3:1: "), "{m}");
        assert!(m.contains("duplicate"), "{m}");
    }

    #[test]
    fn unknown_section_names_it_and_the_valid_ones() {
        let m = error("[global]\nquit = \"q\"\n\n[client]\nadd = \"A\"\n");
        assert_eq!(
            m,
            "keymap.toml:4:2: [client]: unknown section; the sections are: \
             global, clients, networks, answers, timeline, agenda, triage, gaps, form"
        );
        let m = error("quit = \"q\"\n");
        assert!(
            m.starts_with("keymap.toml:1:1: quit: entries go in a section"),
            "{m}"
        );
    }

    #[test]
    fn unknown_action_names_the_entry() {
        let m = error("[clients]\nedit = \"Enter\"\n  remove = \"x\"\n");
        assert!(
            m.starts_with(
                "keymap.toml:3:3: [clients] remove: unknown action; the actions are: next_pane, "
            ),
            "{m}"
        );
        assert!(m.contains("toggle, override"), "{m}");
    }

    #[test]
    fn unknown_key_names_the_entry_and_the_valid_names() {
        let m = error("[global]\nquit = \"q\"\nhelp = [\"?\", \"Ctrl+h\"]\n");
        assert!(m.starts_with("keymap.toml:3:14: [global] help: unknown key \"Ctrl+h\": write modifiers with a dash"), "{m}");
        let m = error("[form]\ntoggle = \"Spacebar\"\n");
        assert_eq!(
            m,
            format!("keymap.toml:2:10: [form] toggle: unknown key \"Spacebar\": {KEY_NAMES}")
        );
    }

    #[test]
    fn wrong_value_types_name_the_entry() {
        let m = error("[global]\nquit = 1\n");
        assert_eq!(
            m,
            "keymap.toml:2:8: [global] quit: expected a key name or a list of key names, found integer"
        );
        let m = error("[global]\nquit = [\"q\", true]\n");
        assert!(
            m.starts_with("keymap.toml:2:14: [global] quit: expected a key name"),
            "{m}"
        );
        assert!(m.ends_with("found boolean"), "{m}");
        let m = error("[global]\nquit = { key = \"q\" }\n");
        assert!(m.starts_with("keymap.toml:2:1: [global] quit: "), "{m}");
        let m = error("[global.quit]\nkey = \"q\"\n");
        assert!(m.starts_with("keymap.toml:1:9: [global] quit: "), "{m}");
        assert!(m.ends_with("found table"), "{m}");
        let m = error("global = \"q\"\n");
        assert_eq!(
            m,
            "keymap.toml:1:1: [global]: expected a table of `action = \"Key\"` entries, found string"
        );
        let m = error("[global]\nquit = [\"none\", \"q\"]\n");
        assert!(
            m.starts_with("keymap.toml:2:9: [global] quit: \"none\" removes the binding"),
            "{m}"
        );
    }

    #[test]
    fn an_action_outside_its_sections_says_where_it_goes() {
        assert_eq!(
            error("[form]\nquit = \"Ctrl-q\"\n"),
            "keymap.toml:2:1: [form] quit: quit cannot be bound in [form]; it goes in [global]"
        );
        assert_eq!(
            error("\n[global]\ntoday = \"t\"\n"),
            "keymap.toml:3:1: [global] today: today cannot be bound in [global]; it goes in [form]"
        );
        assert_eq!(
            error("[answers]\nadd = \"a\"\n"),
            "keymap.toml:2:1: [answers] add: add cannot be bound in [answers]; \
             it goes in [clients], [networks], [timeline], [gaps]"
        );
        assert_eq!(
            error("[clients]\nsubmit = \"Enter\"\n"),
            "keymap.toml:2:1: [clients] submit: submit cannot be bound in [clients]; \
             it goes in [agenda], [triage], [form]"
        );
    }

    #[test]
    fn a_key_bound_twice_in_a_section_names_both_actions() {
        // Against a default.
        assert_eq!(
            error("[clients]\nadd = \"d\"\n"),
            "keymap.toml:2:7: [clients] add: key \"d\" is already bound to delete in [clients] \
             (a default); set delete = \"none\" (or another key) in [clients], or pick another \
             key for add"
        );
        // Against another entry of the file: the later one is reported.
        assert_eq!(
            error("[global]\nhelp = \"F1\"\nquit = [\"q\", \"f1\"]\n"),
            "keymap.toml:3:14: [global] quit: key \"F1\" is already bound to help in [global] \
             (at 2:8); set help = \"none\" (or another key) in [global], or pick another key \
             for quit"
        );
        // Shift-g and G are one key.
        let m = error("[global]\nup = \"Shift-g\"\n");
        assert!(
            m.starts_with("keymap.toml:2:6: [global] up: key \"G\" is already bound to bottom"),
            "{m}"
        );
        // Freeing the default first makes it fine.
        user("[clients]\nadd = \"d\"\ndelete = \"none\"\n");
    }
}
