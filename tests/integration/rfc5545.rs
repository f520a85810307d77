//! An RFC 5545 checker for the calendar feed, written apart from the
//! iCalendar library that writes the feed: it reads the raw bytes and
//! reports every rule a line breaks, with the line's number.
//!
//! It checks what a calendar needs to read the feed as meant: CRLF line
//! ends, physical lines of at most 75 octets folded between characters
//! (3.1); BEGIN and END nesting VCALENDAR > VEVENT > VALARM, VERSION:2.0
//! and PRODID (3.4, 3.6, 3.7); per event one UID, unique in the feed, one
//! DTSTAMP in UTC, one DTSTART, and a DTEND of the same value type and
//! strictly later, never with a DURATION (3.6.1, 3.8.2, 3.8.4.7, 3.8.7.2);
//! escaped TEXT values without control characters (3.3.11); alarms with
//! an ACTION, a TRIGGER and, to display, a DESCRIPTION (3.6.6).

use std::collections::HashMap;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};

/// The rule a line breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Every line ends with CRLF, not LF alone (3.1).
    LineEnding,
    /// A physical line is at most 75 octets, its CRLF not counted (3.1).
    LineLength,
    /// Every physical line is UTF-8 by itself: a fold never splits a
    /// character (3.1).
    Utf8,
    /// A content line reads `name *(";" param) ":" value`, and a folded
    /// line continues one (3.1).
    Syntax,
    /// No control characters but HTAB (3.1, 3.3.11).
    ControlCharacter,
    /// BEGIN and END pair up, each component in its place: VCALENDAR >
    /// VEVENT > VALARM, properties inside a component (3.4, 3.6).
    Nesting,
    /// A VCALENDAR has one VERSION, 2.0, and one PRODID (3.6, 3.7.3, 3.7.4).
    CalendarProperties,
    /// A VEVENT has exactly one UID (3.6.1).
    Uid,
    /// No two events share a UID (3.8.4.7).
    DuplicateUid,
    /// A VEVENT has exactly one DTSTAMP, a UTC date-time (3.8.7.2).
    Dtstamp,
    /// A VEVENT has exactly one DTSTART, a DATE or DATE-TIME (3.8.2.4).
    Dtstart,
    /// At most one DTEND, a DATE or DATE-TIME (3.8.2.2).
    Dtend,
    /// DTEND has DTSTART's value type (3.8.2.2).
    DtendType,
    /// DTEND is later than DTSTART (3.8.2.2).
    DtendNotLater,
    /// DTEND and DURATION never both (3.6.1).
    DtendAndDuration,
    /// A TEXT value escapes `\`, `;` and `,` (commas separate the items of
    /// a list) and has no other backslash escapes than `\\ \; \, \n \N`
    /// (3.3.11).
    TextEscape,
    /// A VALARM has one ACTION and one TRIGGER, a DISPLAY or EMAIL alarm a
    /// DESCRIPTION (3.6.6).
    Alarm,
}

/// One rule broken, on the physical line `line` (from 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub line: usize,
    pub rule: Rule,
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {:?}: {}", self.line, self.rule, self.detail)
    }
}

/// Panics listing every violation in `feed`, if it has any.
pub fn assert_valid(feed: &str) {
    let violations = validate(feed.as_bytes());
    assert!(
        violations.is_empty(),
        "{} RFC 5545 violations:\n{}",
        violations.len(),
        violations
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Properties whose value is one TEXT value.
const TEXT: [&str; 11] = [
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "COMMENT",
    "CONTACT",
    "PRODID",
    "UID",
    "TZNAME",
    "RELATED-TO",
    "X-WR-CALNAME",
    "X-WR-CALDESC",
];

/// Properties whose value is a comma-separated list of TEXT values.
const TEXT_LIST: [&str; 2] = ["CATEGORIES", "RESOURCES"];

/// Every violation in `feed`: those of physical lines first, then those
/// of content lines and components, in the order met.
pub fn validate(feed: &[u8]) -> Vec<Violation> {
    let mut out = Vec::new();
    let lines = unfold(feed, &mut out);
    let mut stack: Vec<Component> = Vec::new();
    let mut calendars = 0;
    let mut uids: HashMap<(String, String), usize> = HashMap::new();
    for (line, bytes) in lines {
        let text = String::from_utf8_lossy(&bytes);
        if let Some(c) = text.chars().find(|c| c.is_control() && *c != '\t') {
            out.push(violation(
                line,
                Rule::ControlCharacter,
                format!("control character {c:?}"),
            ));
        }
        let property = match parse(&text) {
            Ok(p) => p,
            Err(why) => {
                out.push(violation(line, Rule::Syntax, why));
                continue;
            }
        };
        check_text(line, &property, &mut out);
        match property.name.as_str() {
            "BEGIN" => {
                let name = property.value.to_ascii_uppercase();
                let parent = stack.last().map(|c| c.name.as_str());
                let allowed = match name.as_str() {
                    "VCALENDAR" => parent.is_none(),
                    "VEVENT" | "VTODO" | "VJOURNAL" | "VFREEBUSY" | "VTIMEZONE" => {
                        parent == Some("VCALENDAR")
                    }
                    "VALARM" => matches!(parent, Some("VEVENT" | "VTODO")),
                    "STANDARD" | "DAYLIGHT" => parent == Some("VTIMEZONE"),
                    _ => parent.is_some(),
                };
                if !allowed {
                    out.push(violation(
                        line,
                        Rule::Nesting,
                        format!("BEGIN:{name} inside {}", parent.unwrap_or("nothing")),
                    ));
                }
                if name == "VCALENDAR" {
                    calendars += 1;
                }
                stack.push(Component {
                    name,
                    line,
                    properties: Vec::new(),
                });
            }
            "END" => {
                let name = property.value.to_ascii_uppercase();
                match stack.iter().rposition(|c| c.name == name) {
                    Some(at) => {
                        for open in stack.drain(at + 1..).rev() {
                            out.push(violation(
                                open.line,
                                Rule::Nesting,
                                format!("BEGIN:{} ends with its parent, at line {line}", open.name),
                            ));
                        }
                        let component = stack.pop().expect("found above");
                        check_component(&component, &mut uids, &mut out);
                    }
                    None => out.push(violation(
                        line,
                        Rule::Nesting,
                        format!("END:{name} without its BEGIN"),
                    )),
                }
            }
            _ => match stack.last_mut() {
                Some(component) => component.properties.push((line, property)),
                None => out.push(violation(
                    line,
                    Rule::Nesting,
                    format!("{} outside any component", property.name),
                )),
            },
        }
    }
    for open in stack.iter().rev() {
        out.push(violation(
            open.line,
            Rule::Nesting,
            format!("BEGIN:{} never ends", open.name),
        ));
    }
    if calendars == 0 {
        out.push(violation(1, Rule::Nesting, "no VCALENDAR".into()));
    }
    out
}

fn violation(line: usize, rule: Rule, detail: String) -> Violation {
    Violation { line, rule, detail }
}

/// The logical lines of `feed`, each with the number of its first
/// physical line, checking line ends, lengths and UTF-8 on the way.
fn unfold(feed: &[u8], out: &mut Vec<Violation>) -> Vec<(usize, Vec<u8>)> {
    let mut lines: Vec<(usize, Vec<u8>)> = Vec::new();
    let pieces: Vec<&[u8]> = feed.split(|b| *b == b'\n').collect();
    let last = pieces.len() - 1;
    for (i, piece) in pieces.into_iter().enumerate() {
        let number = i + 1;
        let physical = if i == last {
            if piece.is_empty() {
                break;
            }
            out.push(violation(
                number,
                Rule::LineEnding,
                "the last line does not end with CRLF".into(),
            ));
            piece
        } else if let Some(line) = piece.strip_suffix(b"\r") {
            line
        } else {
            out.push(violation(
                number,
                Rule::LineEnding,
                "ends with LF alone".into(),
            ));
            piece
        };
        if physical.len() > 75 {
            out.push(violation(
                number,
                Rule::LineLength,
                format!("{} octets", physical.len()),
            ));
        }
        if std::str::from_utf8(physical).is_err() {
            out.push(violation(
                number,
                Rule::Utf8,
                "not UTF-8 by itself (a fold splits a character?)".into(),
            ));
        }
        match physical.first() {
            Some(b' ' | b'\t') => match lines.last_mut() {
                Some((_, logical)) => logical.extend_from_slice(&physical[1..]),
                None => out.push(violation(
                    number,
                    Rule::Syntax,
                    "a folded line continues nothing".into(),
                )),
            },
            Some(_) => lines.push((number, physical.to_vec())),
            None => out.push(violation(number, Rule::Syntax, "empty line".into())),
        }
    }
    lines
}

struct Property {
    /// Upper case.
    name: String,
    /// Names upper case, values unquoted.
    params: Vec<(String, Vec<String>)>,
    value: String,
}

impl Property {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

/// `name *(";" param) ":" value`, parameter values quoted or not.
fn parse(line: &str) -> Result<Property, String> {
    let name_end = line.find(|c| !is_name_char(c)).unwrap_or(line.len());
    if name_end == 0 {
        return Err(format!("no property name in {line:?}"));
    }
    let name = line[..name_end].to_ascii_uppercase();
    let mut rest = &line[name_end..];
    let mut params = Vec::new();
    loop {
        if let Some(value) = rest.strip_prefix(':') {
            return Ok(Property {
                name,
                params,
                value: value.to_string(),
            });
        }
        let Some(param) = rest.strip_prefix(';') else {
            return Err(format!("{name}: no ':' before the value"));
        };
        let key_end = param.find(|c| !is_name_char(c)).unwrap_or(param.len());
        let key = param[..key_end].to_ascii_uppercase();
        let Some(mut values_text) = param[key_end..].strip_prefix('=') else {
            return Err(format!("{name}: parameter {key:?} without '='"));
        };
        if key.is_empty() {
            return Err(format!("{name}: a parameter without a name"));
        }
        let mut values = Vec::new();
        loop {
            let (value, after) = if let Some(quoted) = values_text.strip_prefix('"') {
                let close = quoted
                    .find('"')
                    .ok_or_else(|| format!("{name};{key}: unclosed quote"))?;
                (&quoted[..close], &quoted[close + 1..])
            } else {
                let end = values_text
                    .find([';', ':', ',', '"'])
                    .unwrap_or(values_text.len());
                (&values_text[..end], &values_text[end..])
            };
            values.push(value.to_string());
            match after.strip_prefix(',') {
                Some(more) => values_text = more,
                None => {
                    rest = after;
                    break;
                }
            }
        }
        params.push((key, values));
    }
}

/// TEXT escapes (3.3.11).
fn check_text(line: usize, property: &Property, out: &mut Vec<Violation>) {
    let name = property.name.as_str();
    let list = TEXT_LIST.contains(&name);
    let text = TEXT.contains(&name) || property.param("VALUE") == Some("TEXT");
    if !list && !text {
        return;
    }
    let mut chars = property.value.chars();
    while let Some(c) = chars.next() {
        let problem = match c {
            '\\' => match chars.next() {
                Some('\\' | ';' | ',' | 'n' | 'N') => None,
                Some(other) => Some(format!("backslash before {other:?}")),
                None => Some("a backslash ends the value".to_string()),
            },
            ';' => Some("unescaped ';'".to_string()),
            ',' if !list => Some("unescaped ','".to_string()),
            _ => None,
        };
        if let Some(problem) = problem {
            out.push(violation(
                line,
                Rule::TextEscape,
                format!("{name}: {problem}"),
            ));
            return;
        }
    }
}

struct Component {
    /// Upper case.
    name: String,
    /// Of its BEGIN.
    line: usize,
    properties: Vec<(usize, Property)>,
}

impl Component {
    fn all(&self, name: &str) -> Vec<&(usize, Property)> {
        self.properties
            .iter()
            .filter(|(_, p)| p.name == name)
            .collect()
    }

    /// The one `name`, or a violation of `rule` when there is none or more.
    fn one(&self, name: &str, rule: Rule, out: &mut Vec<Violation>) -> Option<&(usize, Property)> {
        let all = self.all(name);
        match all.as_slice() {
            [one] => Some(one),
            _ => {
                let line = all.get(1).map_or(self.line, |(l, _)| *l);
                out.push(violation(
                    line,
                    rule,
                    format!("{} {name} in the {} (one wanted)", all.len(), self.name),
                ));
                None
            }
        }
    }

    fn at_most_one(
        &self,
        name: &str,
        rule: Rule,
        out: &mut Vec<Violation>,
    ) -> Option<&(usize, Property)> {
        if self.all(name).len() > 1 {
            return self.one(name, rule, out);
        }
        self.all(name).first().copied()
    }
}

fn check_component(
    component: &Component,
    uids: &mut HashMap<(String, String), usize>,
    out: &mut Vec<Violation>,
) {
    match component.name.as_str() {
        "VCALENDAR" => {
            if let Some((line, version)) = component.one("VERSION", Rule::CalendarProperties, out)
                && version.value != "2.0"
            {
                out.push(violation(
                    *line,
                    Rule::CalendarProperties,
                    format!("VERSION:{} (2.0 wanted)", version.value),
                ));
            }
            component.one("PRODID", Rule::CalendarProperties, out);
        }
        "VEVENT" => check_event(component, uids, out),
        "VALARM" => {
            component.one("TRIGGER", Rule::Alarm, out);
            if let Some((_, action)) = component.one("ACTION", Rule::Alarm, out) {
                let action = action.value.to_ascii_uppercase();
                if action == "DISPLAY" || action == "EMAIL" {
                    component.one("DESCRIPTION", Rule::Alarm, out);
                }
            }
        }
        _ => {}
    }
}

fn check_event(
    event: &Component,
    uids: &mut HashMap<(String, String), usize>,
    out: &mut Vec<Violation>,
) {
    if let Some((line, uid)) = event.one("UID", Rule::Uid, out) {
        // Instances that a recurrence overrides share their event's UID.
        let recurrence = event
            .all("RECURRENCE-ID")
            .first()
            .map_or(String::new(), |(_, p)| p.value.clone());
        if let Some(first) = uids.insert((uid.value.clone(), recurrence), *line) {
            out.push(violation(
                *line,
                Rule::DuplicateUid,
                format!("UID {} already on line {first}", uid.value),
            ));
        }
    }
    if let Some((line, stamp)) = event.one("DTSTAMP", Rule::Dtstamp, out) {
        let utc = stamp.params.is_empty()
            && stamp
                .value
                .strip_suffix('Z')
                .is_some_and(|v| date_time(v).is_some());
        if !utc {
            out.push(violation(
                *line,
                Rule::Dtstamp,
                format!("DTSTAMP {:?} is not a UTC date-time", stamp.value),
            ));
        }
    }
    let start = event
        .one("DTSTART", Rule::Dtstart, out)
        .and_then(|(line, p)| moment(*line, p, Rule::Dtstart, out));
    let end = event
        .at_most_one("DTEND", Rule::Dtend, out)
        .and_then(|(line, p)| Some((*line, moment(*line, p, Rule::Dtend, out)?)));
    if let (Some(start), Some((line, end))) = (start, end) {
        match (&start, &end) {
            (Moment::Date(s), Moment::Date(e)) if e <= s => out.push(violation(
                line,
                Rule::DtendNotLater,
                format!("DTEND {e} is not after DTSTART {s}"),
            )),
            (Moment::DateTime(s, sz), Moment::DateTime(e, ez)) if sz == ez && e <= s => {
                out.push(violation(
                    line,
                    Rule::DtendNotLater,
                    format!("DTEND {e} is not after DTSTART {s}"),
                ))
            }
            (Moment::Date(_), Moment::DateTime(..)) | (Moment::DateTime(..), Moment::Date(_)) => {
                out.push(violation(
                    line,
                    Rule::DtendType,
                    "DTEND and DTSTART differ in value type (DATE and DATE-TIME)".into(),
                ))
            }
            _ => {}
        }
    }
    if !event.all("DTEND").is_empty()
        && let Some((line, _)) = event.all("DURATION").first()
    {
        out.push(violation(
            *line,
            Rule::DtendAndDuration,
            "DURATION in an event with a DTEND".into(),
        ));
    }
}

#[derive(Debug)]
enum Moment {
    Date(NaiveDate),
    /// With its zone: "Z", a TZID, or "" (floating).
    DateTime(NaiveDateTime, String),
}

fn digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// `YYYYMMDD`.
fn date(s: &str) -> Option<NaiveDate> {
    if s.len() != 8 || !digits(s) {
        return None;
    }
    let n = |range: std::ops::Range<usize>| s[range].parse::<u32>().ok();
    NaiveDate::from_ymd_opt(n(0..4)? as i32, n(4..6)?, n(6..8)?)
}

/// `YYYYMMDDTHHMMSS`.
fn date_time(s: &str) -> Option<NaiveDateTime> {
    let (d, t) = s.split_once('T')?;
    if t.len() != 6 || !digits(t) {
        return None;
    }
    let n = |range: std::ops::Range<usize>| t[range].parse::<u32>().ok();
    date(d)?.and_hms_opt(n(0..2)?, n(2..4)?, n(4..6)?)
}

/// A DATE or DATE-TIME value, as its VALUE parameter says.
fn moment(line: usize, p: &Property, rule: Rule, out: &mut Vec<Violation>) -> Option<Moment> {
    let parsed = match p.param("VALUE") {
        Some("DATE") => date(&p.value).map(Moment::Date),
        None | Some("DATE-TIME") => {
            let (local, utc) = match p.value.strip_suffix('Z') {
                Some(v) => (v, true),
                None => (p.value.as_str(), false),
            };
            let zone = match (utc, p.param("TZID")) {
                (true, None) => Some("Z".to_string()),
                (false, Some(tz)) => Some(tz.to_string()),
                (false, None) => Some(String::new()),
                (true, Some(_)) => None,
            };
            zone.and_then(|z| Some(Moment::DateTime(date_time(local)?, z)))
        }
        Some(_) => None,
    };
    if parsed.is_none() {
        out.push(violation(
            line,
            rule,
            format!(
                "{} {:?} is not a DATE or DATE-TIME as its parameters say",
                p.name, p.value
            ),
        ));
    }
    parsed
}
