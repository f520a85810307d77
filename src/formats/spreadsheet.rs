//! The spreadsheet tracker: CSV import (`mlps import FILE.csv`) and export
//! (`mlps export --format csv`), one row per network.
//!
//! Consultancies keep years of cases in spreadsheets, one row per network
//! with the client's columns repeated on each of its rows. [`parse`] turns
//! such a sheet into the records the JSON import makes, checked the same
//! way, and lists every bad cell of every row at once, so a sheet is fixed in
//! one pass rather than one error per attempt. [`write`] writes the database
//! in the same columns ([`COLUMNS`]), and what it writes reads back to the
//! same records.
//!
//! How the sheet is read:
//! - Encoding ([`decode`]): UTF-8 with or without a byte order mark; bytes
//!   that are not UTF-8 are read as GBK (GB18030), which Chinese Excel saves,
//!   and the caller is told so. Anything else, and any file holding a NUL
//!   byte, is refused as not text, naming the byte offset.
//! - The header row names the columns, in any order, matched ignoring case,
//!   surrounding spaces, and spaces or hyphens for underscores. Only a client
//!   name column (`client_name` or `client_name_zh`) is required. The
//!   delimiter is a comma, or a semicolon or tab when the header row uses
//!   that instead (spreadsheets in some locales save those).
//! - Row numbers in messages are the spreadsheet's: the header is row 1, and
//!   a cell holding line breaks still counts as one row. Empty rows are
//!   skipped.
//! - Rows of one client are grouped by `client_id`, else by the client's
//!   two names; its repeated columns must be the same on each of its rows.
//!   A row whose network columns are all empty is a client without networks.
//! - Contacts: the i-th line of each `contact_*` cell is the i-th contact.
//! - An empty answer cell is an unknown answer; `data_categories` of `none`
//!   is the known empty set.
//! - A stage cell holds one date or several separated by `;`, each
//!   `YYYY-MM-DD` or `YYYY/MM/DD` (one-digit month and day allowed, as Excel
//!   writes `2025/1/5`). The evaluation columns belong to the latest
//!   `evaluation_passed` date, `certificate_number` to the latest
//!   `certificate_issued`.
//! - A file without data rows is refused: importing nothing is almost always
//!   the wrong file or the wrong sheet.
//!
//! Formula injection: a spreadsheet runs a cell that starts with `=`, `+`,
//! `-` or `@` (or a tab or carriage return) as a formula, so a client name
//! like `=HYPERLINK(...)` in an exported sheet would run when the sheet is
//! opened. Export therefore puts a `'` before every text cell that starts
//! with one of those (full-width forms and leading spaces included) or with
//! a `'` itself; the spreadsheet shows the text and hides the `'`. Import
//! strips one leading `'` from every cell, so the text reads back as it was.
//!
//! What the columns cannot hold is lost on export: milestone notes, the
//! score, conclusion and risks of every evaluation but the latest, the
//! number of every certificate but the latest, the order of same-day
//! milestones of different stages, and a free-text answer that is known to
//! be empty (it reads back as unknown).
//!
//! Export starts with a UTF-8 byte order mark, which is how Excel tells a
//! UTF-8 CSV from one in the system's code page (GBK on Chinese Windows).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::domain::grading::RuleSet;
use crate::domain::model::MAX_ID;
use crate::domain::model::{
    Aspect, Client, ClientId, Conclusion, Contact, Degree, FieldError, HarmOverride, HarmedObject,
    Level, Milestone, Network, NetworkId, Overrides, Stage,
};
use crate::domain::model::{NewClient, NewNetwork};
use crate::domain::questionnaire::{Answers, QuestionId, QuestionKind};
use crate::error::Error;

/// The columns, in the order export writes them.
/// The client's and the network's own columns, before the answers.
const RECORD_COLUMNS: &[&str] = &[
    "client_id",
    "client_name",
    "client_name_zh",
    "region",
    "credit_code",
    "address",
    "client_notes",
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
    "network_id",
    "network",
    "network_notes",
    "filed_level",
];

/// The override columns, after the answers (`QuestionId::IDS`).
const OVERRIDE_COLUMNS: &[&str] = &[
    "s_object",
    "s_degree",
    "s_justification",
    "a_object",
    "a_degree",
    "a_justification",
];

/// The milestones with their details, and the computed levels, last.
const STAGE_COLUMNS: &[&str] = &[
    "questionnaire_sent",
    "questionnaire_received",
    "initial_assessment",
    "self_assessment",
    "audit_firm_selected",
    "expert_review",
    "filing_submitted",
    "filing_level",
    "gap_analysis",
    "rectification_done",
    "evaluation_passed",
    "evaluation_score",
    "evaluation_conclusion",
    "high_risks",
    "medium_risks",
    "evaluation_failed",
    "certificate_issued",
    "certificate_number",
    "certificate_level",
    "computed_level",
    "max_level",
];

/// Where the answers, the overrides and the milestones start.
const ANSWERS_AT: usize = RECORD_COLUMNS.len();
const OVERRIDES_AT: usize = ANSWERS_AT + QuestionId::IDS.len();
const STAGES_AT: usize = OVERRIDES_AT + OVERRIDE_COLUMNS.len();

/// Every column, in order: the record's, one per question (named as the
/// questionnaire names them), the overrides, the milestones.
pub const COLUMNS: &[&str] = &concat::<{ STAGES_AT + STAGE_COLUMNS.len() }>([
    RECORD_COLUMNS,
    QuestionId::IDS,
    OVERRIDE_COLUMNS,
    STAGE_COLUMNS,
]);

/// The parts one after another, at compile time.
const fn concat<const N: usize>(parts: [&[&'static str]; 4]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut at = 0;
    let mut p = 0;
    while p < parts.len() {
        let mut i = 0;
        while i < parts[p].len() {
            out[at] = parts[p][i];
            at += 1;
            i += 1;
        }
        p += 1;
    }
    assert!(at == N, "the column count is the parts' lengths added up");
    out
}

/// A CSV file's text, and what was done to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// Set when the file was not UTF-8 and was read as GBK, for the user
    /// to check the result.
    pub note: Option<String>,
}

/// Every problem of a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems {
    pub file: String,
    pub problems: Vec<Problem>,
}

/// One bad cell, row or header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The spreadsheet row (the header is row 1); 0 for the file as a whole.
    pub row: usize,
    /// The column, as [`COLUMNS`] names it (or as the header spells an
    /// unknown one); `None` for the row as a whole.
    pub column: Option<String>,
    pub message: String,
}

impl Problems {
    /// The problems as one input error (exit 2), one line each.
    pub fn into_error(self) -> Error {
        let count = self.problems.len();
        Error::input(format!(
            "{self}\n{count} problem{} in {}; nothing was imported",
            if count == 1 { "" } else { "s" },
            self.file
        ))
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}: ", self.file)?;
            match (p.row, &p.column) {
                (0, None) => {}
                (0, Some(c)) => write!(f, "column {c}: ")?,
                (r, None) => write!(f, "row {r}: ")?,
                (r, Some(c)) => write!(f, "row {r}, column {c}: ")?,
            }
            f.write_str(&p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

// ---------------------------------------------------------------------------
// Decoding

/// Reads a CSV file's bytes as text: UTF-8 (a byte order mark is dropped),
/// else GBK (GB18030), saying so in the note. Anything else is refused with
/// a message naming `file` and the byte offset (from 0) of the bad byte.
pub fn decode(file: &str, bytes: &[u8]) -> Result<Decoded, Error> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let not_text = |why: String| {
        Error::input(format!(
            "{file}: {why}; save the sheet as \"CSV UTF-8 (comma delimited)\" and import that"
        ))
    };
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(not_text(
            "the file is UTF-16 text (Excel's \"Unicode Text\"), not a UTF-8 or GBK CSV".into(),
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(not_text(
            "the file is an Excel workbook (.xlsx) or another zip archive, not a CSV".into(),
        ));
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(not_text(format!(
            "byte offset {at} is a NUL byte, which no text file holds: this is not a CSV file"
        )));
    }
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let utf8_error = match std::str::from_utf8(body) {
        Ok(text) => {
            return Ok(Decoded {
                text: text.to_string(),
                note: None,
            });
        }
        Err(e) => e,
    };
    let skipped = bytes.len() - body.len();
    let utf8_at = skipped + utf8_error.valid_up_to();
    match decode_gb18030(bytes) {
        Ok(text) => Ok(Decoded {
            text: text.strip_prefix('\u{feff}').unwrap_or(&text).to_string(),
            note: Some(format!("{file} is not UTF-8; read it as GBK (GB18030)")),
        }),
        Err(gbk_at) => {
            let byte = |at: usize| {
                bytes
                    .get(at)
                    .map_or(String::new(), |b| format!("0x{b:02X}"))
            };
            let why = if gbk_at == utf8_at {
                format!(
                    "the file is neither UTF-8 nor GBK (GB18030) text: byte {} at byte offset {utf8_at} is not valid in either",
                    byte(utf8_at)
                )
            } else {
                format!(
                    "the file is neither UTF-8 nor GBK (GB18030) text: as UTF-8, byte {} at byte offset {utf8_at} is not valid; as GBK, byte {} at byte offset {gbk_at}",
                    byte(utf8_at),
                    byte(gbk_at)
                )
            };
            Err(not_text(why))
        }
    }
}

/// The bytes as GB18030 (a superset of GBK), or the offset of the first
/// byte that is not.
fn decode_gb18030(bytes: &[u8]) -> Result<String, usize> {
    use encoding_rs::DecoderResult;
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(2));
    let mut out = String::with_capacity(capacity);
    let mut read = 0;
    loop {
        let rest = bytes.get(read..).unwrap_or_default();
        let (result, n) = decoder.decode_to_string_without_replacement(rest, &mut out, true);
        read += n;
        match result {
            DecoderResult::InputEmpty => return Ok(out),
            DecoderResult::OutputFull => out.reserve(rest.len().saturating_mul(4) + 16),
            DecoderResult::Malformed(bad, after) => {
                return Err(read.saturating_sub(usize::from(bad) + usize::from(after)));
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Columns

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Object,
    Degree,
    Justification,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    ClientId,
    ClientName,
    ClientNameZh,
    Region,
    CreditCode,
    Address,
    ClientNotes,
    ContactName,
    ContactRole,
    ContactEmail,
    ContactPhone,
    NetworkId,
    Network,
    NetworkNotes,
    FiledLevel,
    Question(QuestionId),
    Override(Aspect, Part),
    Stage(Stage),
    EvaluationScore,
    EvaluationConclusion,
    HighRisks,
    MediumRisks,
    CertificateNumber,
    /// The level the latest `filing_submitted` filed.
    FilingLevel,
    /// The level the latest `certificate_issued` confirmed.
    CertificateLevel,
    /// Derived, written for reading and not read back: the computed level
    /// and, while open answers could raise it, the highest it could be.
    ComputedLevel,
    MaxLevel,
}

/// The client's columns, which every row of a client repeats.
const CLIENT_COLS: [Col; 11] = [
    Col::ClientId,
    Col::ClientName,
    Col::ClientNameZh,
    Col::Region,
    Col::CreditCode,
    Col::Address,
    Col::ClientNotes,
    Col::ContactName,
    Col::ContactRole,
    Col::ContactEmail,
    Col::ContactPhone,
];

/// Where the network's columns start in [`COLUMNS`]; everything from here
/// on belongs to the network.
const FIRST_NETWORK_COL: usize = 11;

const ASPECTS: [(Aspect, &str); 2] = [
    (Aspect::BusinessInformation, "s"),
    (Aspect::SystemService, "a"),
];

impl Col {
    /// The position in [`COLUMNS`].
    fn idx(self) -> usize {
        match self {
            Col::ClientId => 0,
            Col::ClientName => 1,
            Col::ClientNameZh => 2,
            Col::Region => 3,
            Col::CreditCode => 4,
            Col::Address => 5,
            Col::ClientNotes => 6,
            Col::ContactName => 7,
            Col::ContactRole => 8,
            Col::ContactEmail => 9,
            Col::ContactPhone => 10,
            Col::NetworkId => 11,
            Col::Network => 12,
            Col::NetworkNotes => 13,
            Col::FiledLevel => 14,
            Col::Question(q) => ANSWERS_AT + q as usize,
            Col::Override(aspect, part) => {
                let a = match aspect {
                    Aspect::BusinessInformation => 0,
                    Aspect::SystemService => 3,
                };
                OVERRIDES_AT + a + part as usize
            }
            // The filing, evaluation and certificate details sit beside
            // their stage.
            Col::Stage(Stage::EvaluationFailed) => STAGES_AT + 15,
            Col::Stage(Stage::CertificateIssued) => STAGES_AT + 16,
            Col::Stage(s) if s <= Stage::FilingSubmitted => STAGES_AT + s as usize,
            Col::Stage(s) => STAGES_AT + 1 + s as usize,
            Col::FilingLevel => STAGES_AT + 7,
            Col::EvaluationScore => STAGES_AT + 11,
            Col::EvaluationConclusion => STAGES_AT + 12,
            Col::HighRisks => STAGES_AT + 13,
            Col::MediumRisks => STAGES_AT + 14,
            Col::CertificateNumber => STAGES_AT + 17,
            Col::CertificateLevel => STAGES_AT + 18,
            Col::ComputedLevel => STAGES_AT + 19,
            Col::MaxLevel => STAGES_AT + 20,
        }
    }

    fn name(self) -> &'static str {
        COLUMNS[self.idx()]
    }

    fn from_name(name: &str) -> Option<Col> {
        let col = match name {
            "client_id" => Col::ClientId,
            "client_name" => Col::ClientName,
            "client_name_zh" => Col::ClientNameZh,
            "region" => Col::Region,
            "credit_code" => Col::CreditCode,
            "address" => Col::Address,
            "client_notes" => Col::ClientNotes,
            "contact_name" => Col::ContactName,
            "contact_role" => Col::ContactRole,
            "contact_email" => Col::ContactEmail,
            "contact_phone" => Col::ContactPhone,
            "network_id" => Col::NetworkId,
            "network" => Col::Network,
            "network_notes" => Col::NetworkNotes,
            "filed_level" => Col::FiledLevel,
            "s_object" => Col::Override(Aspect::BusinessInformation, Part::Object),
            "s_degree" => Col::Override(Aspect::BusinessInformation, Part::Degree),
            "s_justification" => Col::Override(Aspect::BusinessInformation, Part::Justification),
            "a_object" => Col::Override(Aspect::SystemService, Part::Object),
            "a_degree" => Col::Override(Aspect::SystemService, Part::Degree),
            "a_justification" => Col::Override(Aspect::SystemService, Part::Justification),
            "evaluation_score" => Col::EvaluationScore,
            "evaluation_conclusion" => Col::EvaluationConclusion,
            "high_risks" => Col::HighRisks,
            "medium_risks" => Col::MediumRisks,
            "certificate_number" => Col::CertificateNumber,
            "filing_level" => Col::FilingLevel,
            "certificate_level" => Col::CertificateLevel,
            "computed_level" => Col::ComputedLevel,
            "max_level" => Col::MaxLevel,
            other => {
                if let Ok(q) = other.parse::<QuestionId>() {
                    Col::Question(q)
                } else {
                    Col::Stage(other.parse::<Stage>().ok()?)
                }
            }
        };
        Some(col)
    }

    /// Whether the cell is free text, which a spreadsheet could take for a
    /// formula.
    fn is_text(self) -> bool {
        matches!(
            self,
            Col::ClientName
                | Col::ClientNameZh
                | Col::Region
                | Col::CreditCode
                | Col::Address
                | Col::ClientNotes
                | Col::ContactName
                | Col::ContactRole
                | Col::ContactEmail
                | Col::ContactPhone
                | Col::Network
                | Col::NetworkNotes
                | Col::Question(QuestionId::CloudProvider | QuestionId::ArchitectureNotes)
                | Col::Override(_, Part::Justification)
                | Col::CertificateNumber
        )
    }
}

/// A header cell as a column name: case, surrounding space, and spaces or
/// hyphens for underscores do not matter.
fn normalise_header(cell: &str) -> String {
    cell.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// The spreadsheet's letter for the column at `index` (0 is A, 26 is AA).
pub(crate) fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// The known column closest to a misspelt one, when one is close.
fn suggestion(name: &str) -> Option<&'static str> {
    COLUMNS
        .iter()
        .map(|c| (crate::text::edit_distance(name, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 5))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

// ---------------------------------------------------------------------------
// Parsing

/// A value quoted for a message, cut short when long.
fn shown(s: &str) -> String {
    format!("{:?}", crate::text::truncate(s, 60))
}

/// The lines of a multi-line cell, without the empty lines at its end.
fn cell_lines(cell: &str) -> Vec<String> {
    let unified = cell.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines: Vec<String> = unified.split('\n').map(crate::text::clean_line).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

/// A value as the store would keep it, to compare a client's repeated
/// columns without tripping over spacing.
fn normalised(col: Col, cell: &str) -> String {
    match col {
        Col::ClientId => cell.trim().to_string(),
        Col::ClientNotes => crate::text::clean_multiline(cell),
        Col::CreditCode => crate::text::clean_line(cell).to_ascii_uppercase(),
        Col::ContactName | Col::ContactRole | Col::ContactEmail | Col::ContactPhone => {
            cell_lines(cell).join("\n")
        }
        _ => crate::text::clean_line(cell),
    }
}

fn parse_id(cell: &str, what: &str) -> Result<Option<u64>, String> {
    let t = cell.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let out_of_range = || {
        format!(
            "{what} {} is out of range: ids run from 1 to {MAX_ID}",
            shown(t)
        )
    };
    if !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{} is not an id: expected a whole number from 1 to {MAX_ID}",
            shown(t)
        ));
    }
    match t.parse::<u64>() {
        Ok(n) if (1..=MAX_ID).contains(&n) => Ok(Some(n)),
        _ => Err(out_of_range()),
    }
}

fn parse_level(cell: &str) -> Result<Option<Level>, String> {
    let t = cell.trim();
    if t.is_empty() {
        return Ok(None);
    }
    // Chinese sheets write 三级 or 第三级, English ones "Level 3".
    let lower = t.to_lowercase();
    let core = lower
        .strip_prefix("level")
        .unwrap_or(&lower)
        .trim()
        .trim_start_matches('第')
        .trim_end_matches('级')
        .trim();
    let n = match core {
        "1" | "一" => 1,
        "2" | "二" => 2,
        "3" | "三" => 3,
        "4" | "四" => 4,
        "5" | "五" => 5,
        _ => {
            return Err(format!(
                "{} is not a level: expected 1 to 5, or empty when not filed",
                shown(t)
            ));
        }
    };
    Ok(Level::new(n))
}

/// An id of a fixed list, forgiving capitals and spaces or hyphens for
/// underscores; the error is about the text as written.
fn lenient<T: FromStr<Err = String>>(t: &str) -> Result<T, String> {
    t.parse().or_else(|e| {
        let norm: String = t
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c == ' ' || c == '-' { '_' } else { c })
            .collect();
        norm.parse().map_err(|_| e)
    })
}

fn parse_conclusion(t: &str) -> Result<Conclusion, String> {
    match t {
        "优" => Ok(Conclusion::Excellent),
        "良" => Ok(Conclusion::Good),
        "中" => Ok(Conclusion::Fair),
        "差" => Ok(Conclusion::Poor),
        _ => lenient(t),
    }
}

fn parse_score(t: &str) -> Result<f64, String> {
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!(
            "{} is not a score: expected a number from 0 to 100",
            shown(t)
        )),
    }
}

fn parse_risks(t: &str) -> Result<u32, String> {
    let digits: String = t
        .chars()
        .filter(|c| !matches!(c, ' ' | ',' | '_'))
        .collect();
    if digits.starts_with('-') {
        return Err(format!(
            "{} is negative: expected a whole number, 0 or more",
            shown(t)
        ));
    }
    digits
        .parse::<u32>()
        .map_err(|_| format!("{} is not a whole number from 0 to {}", shown(t), u32::MAX))
}

/// A date as `YYYY-MM-DD` or `YYYY/MM/DD`, month and day of one or two
/// digits.
pub(crate) fn parse_date(t: &str) -> Result<NaiveDate, String> {
    let sep = if t.contains('/') { '/' } else { '-' };
    let parts: Vec<&str> = t.split(sep).collect();
    let shaped = parts.len() == 3
        && parts[0].len() == 4
        && (1..=2).contains(&parts[1].len())
        && (1..=2).contains(&parts[2].len())
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !shaped {
        return Err(format!(
            "{} is not a date: expected YYYY-MM-DD or YYYY/MM/DD",
            shown(t)
        ));
    }
    let num = |p: &str| p.parse::<u32>().unwrap_or(0);
    i32::try_from(num(parts[0]))
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, num(parts[1]), num(parts[2])))
        .ok_or_else(|| format!("{} is not a real calendar date", shown(t)))
}

/// The answer cell as `Answers::set_from_text` takes it, forgiving what
/// spreadsheets commonly do to lists.
fn answer_text(q: QuestionId, cell: &str) -> String {
    match q.question().kind {
        QuestionKind::SetOf(_) => cell
            .trim()
            .to_lowercase()
            .replace(['，', '；', '、', '\n', '\r'], ","),
        _ => cell.to_string(),
    }
}

/// Grouping key of a client's rows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum IdKey {
    Id(u64),
    /// An id cell that is not a valid id: rows with the same text still go
    /// together, so its problem is named once.
    Bad(String),
}

struct Group {
    first_row: usize,
    id: Option<IdKey>,
    /// The client's columns, normalised, from its first row.
    values: Vec<String>,
    /// `None` when the client's columns have a problem.
    client: Option<Client>,
    client_id: Option<ClientId>,
    networks: Vec<NewNetwork>,
}

struct Sheet {
    problems: Vec<Problem>,
    groups: Vec<Group>,
    by_id: HashMap<IdKey, usize>,
    by_names: HashMap<(String, String), Vec<usize>>,
    network_ids: HashMap<u64, usize>,
}

/// One data row, its cells by [`COLUMNS`] position, one leading `'` gone.
struct Row {
    n: usize,
    cells: Vec<String>,
}

impl Row {
    fn get(&self, col: Col) -> &str {
        self.cells.get(col.idx()).map_or("", String::as_str)
    }
}

impl Sheet {
    fn problem(&mut self, row: usize, col: Option<Col>, message: impl Into<String>) {
        self.problems.push(Problem {
            row,
            column: col.map(|c| c.name().to_string()),
            message: message.into(),
        });
    }

    fn row(&mut self, row: &Row) {
        let name = crate::text::clean_line(row.get(Col::ClientName));
        let name_zh = crate::text::clean_line(row.get(Col::ClientNameZh));
        if name.is_empty() && name_zh.is_empty() {
            self.problem(
                row.n,
                Some(Col::ClientName),
                "a client needs a name: client_name and client_name_zh are both empty",
            );
            return;
        }
        let id = match parse_id(row.get(Col::ClientId), "client id") {
            Ok(id) => id.map(IdKey::Id),
            Err(_) => Some(IdKey::Bad(row.get(Col::ClientId).trim().to_string())),
        };
        let names = (name, name_zh);
        let found = match &id {
            Some(key) => self.by_id.get(key).copied().or_else(|| {
                self.by_names
                    .get(&names)
                    .and_then(|gs| gs.iter().copied().find(|g| self.groups[*g].id.is_none()))
            }),
            None => self.by_names.get(&names).and_then(|gs| gs.first().copied()),
        };
        let values: Vec<String> = CLIENT_COLS
            .iter()
            .map(|c| normalised(*c, row.get(*c)))
            .collect();
        let g = match found {
            Some(g) => {
                let first = self.groups[g].first_row;
                for (i, col) in CLIENT_COLS.iter().enumerate() {
                    let there = &self.groups[g].values[i];
                    if values[i] != *there {
                        let here = if values[i].is_empty() {
                            "is empty here".to_string()
                        } else {
                            format!("{} here", shown(&values[i]))
                        };
                        let there = if there.is_empty() {
                            "is empty".to_string()
                        } else {
                            format!("has {}", shown(there))
                        };
                        self.problem(
                            row.n,
                            Some(*col),
                            format!(
                                "{here}, but row {first} of the same client {there}: repeat the client's columns unchanged on each of its rows"
                            ),
                        );
                    }
                }
                g
            }
            None => {
                let (client, client_id) = self.client(row, names.0.clone(), names.1.clone());
                let g = self.groups.len();
                self.groups.push(Group {
                    first_row: row.n,
                    id: id.clone(),
                    values,
                    client,
                    client_id,
                    networks: Vec::new(),
                });
                if let Some(key) = id {
                    self.by_id.insert(key, g);
                }
                self.by_names.entry(names).or_default().push(g);
                g
            }
        };
        let has_network = (FIRST_NETWORK_COL..COLUMNS.len())
            .any(|i| !row.cells.get(i).is_none_or(|c| c.trim().is_empty()));
        if has_network {
            let client_id = self.groups[g].client_id.unwrap_or_default();
            if let Some(n) = self.network(row, client_id) {
                self.groups[g].networks.push(n);
            }
        }
    }

    /// The client of its first row, or `None` after naming its problems.
    fn client(
        &mut self,
        row: &Row,
        name: String,
        name_zh: String,
    ) -> (Option<Client>, Option<ClientId>) {
        let before = self.problems.len();
        let id = match parse_id(row.get(Col::ClientId), "client id") {
            Ok(id) => id.map(ClientId),
            Err(e) => {
                self.problem(row.n, Some(Col::ClientId), e);
                None
            }
        };
        let credit_code = crate::text::clean_line(row.get(Col::CreditCode)).to_ascii_uppercase();
        if !credit_code.is_empty()
            && let Err(e) = crate::domain::model::check_credit_code(&credit_code)
        {
            self.problem(row.n, Some(Col::CreditCode), e);
        }
        let contact_cols = [
            Col::ContactName,
            Col::ContactRole,
            Col::ContactEmail,
            Col::ContactPhone,
        ];
        let lines: Vec<Vec<String>> = contact_cols
            .iter()
            .map(|c| cell_lines(row.get(*c)))
            .collect();
        let count = lines.iter().map(Vec::len).max().unwrap_or(0);
        let mut contacts = Vec::with_capacity(count);
        for i in 0..count {
            let field = |k: usize| lines[k].get(i).cloned().unwrap_or_default();
            let mut contact = Contact {
                name: field(0),
                role: field(1),
                email: field(2),
                phone: field(3),
            };
            if contact == Contact::default() {
                continue;
            }
            match contact.validate() {
                Ok(()) => contacts.push(contact),
                Err(e) => {
                    let col = match e.field.as_str() {
                        "role" => Col::ContactRole,
                        "email" => Col::ContactEmail,
                        "phone" => Col::ContactPhone,
                        _ => Col::ContactName,
                    };
                    let message = if count > 1 {
                        format!(
                            "contact {} (line {} of the cell): {}",
                            i + 1,
                            i + 1,
                            e.message
                        )
                    } else {
                        e.message
                    };
                    self.problem(row.n, Some(col), message);
                }
            }
        }
        let mut client = Client {
            id: id.unwrap_or_default(),
            revision: 0,
            name,
            name_zh,
            region: row.get(Col::Region).to_string(),
            credit_code,
            address: row.get(Col::Address).to_string(),
            contacts,
            notes: row.get(Col::ClientNotes).to_string(),
        };
        if self.problems.len() > before {
            return (None, id);
        }
        match client.validate() {
            Ok(()) => (Some(client), id),
            Err(e) => {
                let col = client_field_col(&e);
                self.problem(row.n, Some(col), e.message);
                (None, id)
            }
        }
    }

    /// The network of a row, or `None` after naming its problems.
    fn network(&mut self, row: &Row, client: ClientId) -> Option<NewNetwork> {
        let before = self.problems.len();
        let id = match parse_id(row.get(Col::NetworkId), "network id") {
            Ok(id) => id,
            Err(e) => {
                self.problem(row.n, Some(Col::NetworkId), e);
                None
            }
        };
        if let Some(id) = id {
            if let Some(first) = self.network_ids.get(&id).copied() {
                self.problem(
                    row.n,
                    Some(Col::NetworkId),
                    format!(
                        "network id {id} is also on row {first}: each network's id appears once"
                    ),
                );
            } else {
                self.network_ids.insert(id, row.n);
            }
        }
        let name = crate::text::clean_line(row.get(Col::Network));
        if name.is_empty() {
            self.problem(
                row.n,
                Some(Col::Network),
                "a network needs a name: this row fills network columns but network is empty",
            );
        }
        let filed_level = parse_level(row.get(Col::FiledLevel)).unwrap_or_else(|e| {
            self.problem(row.n, Some(Col::FiledLevel), e);
            None
        });

        let mut answers = Answers::default();
        for q in QuestionId::ALL.iter().copied() {
            let text = answer_text(q, row.get(Col::Question(q)));
            if text.trim().is_empty() {
                continue;
            }
            // Each answer is checked alone first, so that a count that
            // clashes with another is not blamed on every later question.
            let mut alone = Answers::default();
            let checked = match alone.set_from_text(q, &text) {
                Ok(()) => Ok(text),
                Err(e) if matches!(q.question().kind, QuestionKind::OneOf(_)) => {
                    lenient_answer(q, &text).map_err(|_| e)
                }
                Err(e) => Err(e),
            };
            match checked {
                Ok(text) => {
                    // Already parsed once: only the cross-answer check can
                    // fail here, and it runs below on the whole set.
                    let _ = answers.set_from_text(q, &text);
                }
                Err(e) => self.problem(row.n, Some(Col::Question(q)), e),
            }
        }
        if let Err(e) = answers.check_consistency() {
            self.problem(
                row.n,
                Some(Col::Question(QuestionId::SensitivePiSubjects)),
                e,
            );
        }

        let mut overrides = Overrides::default();
        for (aspect, letter) in ASPECTS {
            if let Some(o) = self.harm_override(row, aspect, letter) {
                match aspect {
                    Aspect::BusinessInformation => overrides.business_information = Some(o),
                    Aspect::SystemService => overrides.system_service = Some(o),
                }
            }
        }

        let milestones = self.milestones(row);

        let mut network = Network {
            id: NetworkId(id.unwrap_or(0)),
            client,
            revision: 0,
            name,
            notes: row.get(Col::NetworkNotes).to_string(),
            answers,
            overrides,
            filed_level,
            milestones: milestones.unwrap_or_default(),
        };
        if self.problems.len() > before {
            return None;
        }
        match network
            .validate()
            .and_then(|()| network.check_filed_level())
        {
            Ok(()) => Some(NewNetwork {
                id: id.map(NetworkId),
                network,
                findings: Vec::new(),
                gap_extensions: None,
            }),
            Err(e) => {
                let col = network_field_col(&e);
                self.problem(row.n, col, e.message);
                None
            }
        }
    }

    fn harm_override(&mut self, row: &Row, aspect: Aspect, letter: &str) -> Option<HarmOverride> {
        let cols = [
            Col::Override(aspect, Part::Object),
            Col::Override(aspect, Part::Degree),
            Col::Override(aspect, Part::Justification),
        ];
        let object_text = row.get(cols[0]).trim();
        let degree_text = row.get(cols[1]).trim();
        let justification = crate::text::clean_multiline(row.get(cols[2]));
        let given = [
            !object_text.is_empty(),
            !degree_text.is_empty(),
            !justification.trim().is_empty(),
        ];
        if given.iter().all(|g| !g) {
            return None;
        }
        let mut ok = true;
        for (col, present) in cols.iter().zip(given) {
            if !present {
                ok = false;
                self.problem(
                    row.n,
                    Some(*col),
                    format!(
                        "an override of {} ({aspect}) needs {letter}_object, {letter}_degree and a written {letter}_justification; {} is empty",
                        letter.to_uppercase(),
                        col.name()
                    ),
                );
            }
        }
        let object = if given[0] {
            lenient::<HarmedObject>(object_text)
                .map_err(|e| self.problem(row.n, Some(cols[0]), e))
                .ok()
        } else {
            None
        };
        let degree = if given[1] {
            lenient::<Degree>(degree_text)
                .map_err(|e| self.problem(row.n, Some(cols[1]), e))
                .ok()
        } else {
            None
        };
        match (ok, object, degree) {
            (true, Some(object), Some(degree)) => Some(HarmOverride {
                object,
                degree,
                justification,
            }),
            _ => None,
        }
    }

    /// The milestones of a row, or `None` after naming their problems.
    fn milestones(&mut self, row: &Row) -> Option<Vec<Milestone>> {
        let before = self.problems.len();
        let mut out: Vec<Milestone> = Vec::new();
        for stage in Stage::ALL.iter().copied() {
            let cell = row.get(Col::Stage(stage));
            for part in cell
                .split([';', '；', ',', '\n', '\r'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                match parse_date(part) {
                    Ok(date) => out.push(Milestone::new(stage, date)),
                    Err(e) => self.problem(row.n, Some(Col::Stage(stage)), e),
                }
            }
        }
        let stage_problems = self.problems.len() > before;

        let eval_cols = [
            Col::EvaluationScore,
            Col::EvaluationConclusion,
            Col::HighRisks,
            Col::MediumRisks,
        ];
        let mut details = Milestone::new(Stage::EvaluationPassed, NaiveDate::MIN);
        let mut any_eval = false;
        for col in eval_cols {
            let t = row.get(col).trim();
            if t.is_empty() {
                continue;
            }
            any_eval = true;
            let result = match col {
                Col::EvaluationScore => parse_score(t).map(|v| details.score = Some(v)),
                Col::EvaluationConclusion => {
                    parse_conclusion(t).map(|v| details.conclusion = Some(v))
                }
                Col::HighRisks => parse_risks(t).map(|v| details.high_risks = Some(v)),
                _ => parse_risks(t).map(|v| details.medium_risks = Some(v)),
            };
            if let Err(e) = result {
                self.problem(row.n, Some(col), e);
            }
        }
        let number = crate::text::clean_line(row.get(Col::CertificateNumber));

        if any_eval {
            match latest(&mut out, Stage::EvaluationPassed) {
                Some(m) => {
                    m.score = details.score;
                    m.conclusion = details.conclusion;
                    m.high_risks = details.high_risks;
                    m.medium_risks = details.medium_risks;
                }
                None if !stage_problems => {
                    for col in eval_cols {
                        if !row.get(col).trim().is_empty() {
                            self.problem(
                                row.n,
                                Some(col),
                                format!(
                                    "{} belongs to an evaluation, but evaluation_passed has no date",
                                    col.name()
                                ),
                            );
                        }
                    }
                }
                None => {}
            }
        }
        for (col, stage) in [
            (Col::FilingLevel, Stage::FilingSubmitted),
            (Col::CertificateLevel, Stage::CertificateIssued),
        ] {
            let cell = row.get(col).trim();
            if cell.is_empty() {
                continue;
            }
            match parse_level(cell) {
                Ok(level) => match latest(&mut out, stage) {
                    Some(m) => m.level = level,
                    None if !stage_problems => self.problem(
                        row.n,
                        Some(col),
                        format!(
                            "{} belongs to a {stage}, but {stage} has no date",
                            col.name()
                        ),
                    ),
                    None => {}
                },
                Err(e) => self.problem(row.n, Some(col), e),
            }
        }
        if !number.is_empty() {
            match latest(&mut out, Stage::CertificateIssued) {
                Some(m) => m.number = Some(number),
                None if !stage_problems => self.problem(
                    row.n,
                    Some(Col::CertificateNumber),
                    "a certificate number belongs to a certificate, but certificate_issued has no date",
                ),
                None => {}
            }
        }
        for m in &mut out {
            if let Err(e) = m.validate() {
                let col = match e.field.as_str() {
                    "score" => Col::EvaluationScore,
                    "conclusion" => Col::EvaluationConclusion,
                    "high_risks" => Col::HighRisks,
                    "medium_risks" => Col::MediumRisks,
                    "number" => Col::CertificateNumber,
                    "level" if m.stage == Stage::CertificateIssued => Col::CertificateLevel,
                    "level" => Col::FilingLevel,
                    _ => Col::Stage(m.stage),
                };
                self.problem(row.n, Some(col), e.message);
            }
        }
        (self.problems.len() == before).then_some(out)
    }
}

/// The latest milestone of `stage`; of several on that day, the last, as
/// [`Network::last`] picks it.
fn latest(milestones: &mut [Milestone], stage: Stage) -> Option<&mut Milestone> {
    milestones
        .iter_mut()
        .filter(|m| m.stage == stage)
        .max_by_key(|m| m.date)
}

/// A one-of-a-list answer written with capitals or spaces, as the canonical
/// id, or the error about it.
fn lenient_answer(q: QuestionId, text: &str) -> Result<String, String> {
    let norm: String = text
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect();
    let mut alone = Answers::default();
    alone.set_from_text(q, &norm).map(|()| norm)
}

/// The column of a client's field, for a check the row checks did not
/// foresee.
fn client_field_col(e: &FieldError) -> Col {
    let field = e.field.as_str();
    match field {
        "region" => Col::Region,
        "credit_code" => Col::CreditCode,
        "address" => Col::Address,
        "notes" => Col::ClientNotes,
        f if f.starts_with("contacts") => {
            if f.ends_with(".email") {
                Col::ContactEmail
            } else if f.ends_with(".phone") {
                Col::ContactPhone
            } else if f.ends_with(".role") {
                Col::ContactRole
            } else {
                Col::ContactName
            }
        }
        _ => Col::ClientName,
    }
}

/// The column of a network's field, for a check the row checks did not
/// foresee.
fn network_field_col(e: &FieldError) -> Option<Col> {
    let field = e.field.as_str();
    let col = match field {
        "name" => Col::Network,
        "notes" => Col::NetworkNotes,
        "filed_level" => Col::FiledLevel,
        "answers" => Col::Question(QuestionId::SensitivePiSubjects),
        f if f.starts_with("override.business_information") => {
            Col::Override(Aspect::BusinessInformation, Part::Justification)
        }
        f if f.starts_with("override.system_service") => {
            Col::Override(Aspect::SystemService, Part::Justification)
        }
        _ => return None,
    };
    Some(col)
}

/// Counts the empty lines csv skipped before the record that starts at
/// `start`, so that row numbers stay the spreadsheet's.
pub(crate) fn skipped_lines(text: &[u8], start: usize) -> usize {
    let mut i = start;
    // A record ended by CR LF may leave its LF to the next one.
    if i > 0 && text.get(i - 1) == Some(&b'\r') && text.get(i) == Some(&b'\n') {
        i += 1;
    }
    let mut n = 0;
    while let Some(&b) = text.get(i) {
        match b {
            b'\r' => {
                n += 1;
                i += 1;
                if text.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => {
                n += 1;
                i += 1;
            }
            _ => break,
        }
    }
    n
}

/// The delimiter the header row uses: a comma, unless the first line holds
/// none and a semicolon or tab instead.
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let count = |c: char| first.matches(c).count();
    let (comma, semi, tab) = (count(','), count(';'), count('\t'));
    if comma == 0 && (semi > 0 || tab > 0) {
        if semi >= tab { b';' } else { b'\t' }
    } else {
        b','
    }
}

/// Reads a sheet: a header row naming the columns, then one row per
/// network (or per client without networks). Every problem of every row is
/// collected; the records come back only when there are none.
pub fn parse(file: &str, text: &str) -> Result<Vec<NewClient>, Problems> {
    let fail = |problems: Vec<Problem>| Problems {
        file: file.to_string(),
        problems,
    };
    let whole = |message: String| Problem {
        row: 0,
        column: None,
        message,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(fail(vec![whole(
            "the file is empty: expected a header row naming the columns (client_name, network, ...), then one row per network".into(),
        )]));
    }
    let bytes = text.as_bytes();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(bytes);

    let mut sheet = Sheet {
        problems: Vec::new(),
        groups: Vec::new(),
        by_id: HashMap::new(),
        by_names: HashMap::new(),
        network_ids: HashMap::new(),
    };
    // Per cell of the file: its column, or `None` when it has no known name.
    let mut header: Option<Vec<Slot>> = None;
    let mut header_row = 0;
    let mut data_rows = 0;
    let mut row_number = 0;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                sheet.problems.push(Problem {
                    row: row_number + 1,
                    column: None,
                    message: format!("the row can't be read as CSV: {e}"),
                });
                break;
            }
        }
        let start = record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
            .unwrap_or(bytes.len());
        row_number += 1 + skipped_lines(bytes, start);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let Some(columns) = &header else {
            header_row = row_number;
            let (columns, names_present) = read_header(&record, row_number, &mut sheet.problems);
            if !names_present {
                return Err(fail(sheet.problems));
            }
            header = Some(columns);
            continue;
        };
        data_rows += 1;
        let mut cells = vec![String::new(); COLUMNS.len()];
        let mut stray = 0;
        for (i, cell) in record.iter().enumerate() {
            let cell = crate::text::unescape_hidden(cell.strip_prefix('\'').unwrap_or(cell));
            let cell = cell.as_ref();
            let why = match columns.get(i).copied() {
                Some(Slot::Known(col)) => {
                    cell.clone_into(&mut cells[col.idx()]);
                    continue;
                }
                Some(Slot::Refused) => continue,
                _ if cell.trim().is_empty() => continue,
                Some(Slot::Unnamed) => "the header row gives this column no name",
                None => "the header row has no column there",
            };
            stray += 1;
            if stray <= MAX_STRAY_LISTED {
                sheet.problems.push(Problem {
                    row: row_number,
                    column: None,
                    message: format!(
                        "cell {}{row_number} holds {}, but {why}",
                        column_letter(i),
                        shown(cell)
                    ),
                });
            }
        }
        if stray > MAX_STRAY_LISTED {
            sheet.problems.push(Problem {
                row: row_number,
                column: None,
                message: format!(
                    "and {} more cells outside the named columns",
                    stray - MAX_STRAY_LISTED
                ),
            });
        }
        sheet.row(&Row {
            n: row_number,
            cells,
        });
    }
    if header.is_some() && data_rows == 0 && sheet.problems.is_empty() {
        sheet.problems.push(Problem {
            row: header_row,
            column: None,
            message: "the file has a header row but no data rows: nothing to import".into(),
        });
    }
    if !sheet.problems.is_empty() {
        return Err(fail(sheet.problems));
    }
    let mut out = Vec::with_capacity(sheet.groups.len());
    for g in sheet.groups {
        // A group without problems always has its client.
        if let Some(client) = g.client {
            out.push(NewClient {
                id: g.client_id,
                client,
                networks: g.networks,
            });
        }
    }
    Ok(out)
}

/// How many unknown columns, or stray cells of a row, are named one by one:
/// past that they are counted, so that a file that is no sheet gives a
/// short answer.
const MAX_STRAY_LISTED: usize = 10;

/// What a cell of the header row names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Known(Col),
    /// An unknown or repeated column, already named as a problem.
    Refused,
    /// No name: harmless while its cells are empty.
    Unnamed,
}

/// The columns of the header row, and whether a client name column is
/// among them. Unknown and repeated columns are problems.
fn read_header(
    record: &csv::StringRecord,
    row: usize,
    problems: &mut Vec<Problem>,
) -> (Vec<Slot>, bool) {
    let mut seen: HashMap<usize, usize> = HashMap::new();
    let mut unknown = 0;
    let mut columns = Vec::with_capacity(record.len());
    for (i, cell) in record.iter().enumerate() {
        let name = normalise_header(cell);
        if name.is_empty() {
            columns.push(Slot::Unnamed);
            continue;
        }
        match Col::from_name(&name) {
            Some(col) => {
                if let Some(first) = seen.get(&col.idx()) {
                    problems.push(Problem {
                        row,
                        column: Some(col.name().to_string()),
                        message: format!(
                            "the header names this column twice, in column {} and column {}",
                            column_letter(*first),
                            column_letter(i)
                        ),
                    });
                    columns.push(Slot::Refused);
                } else {
                    seen.insert(col.idx(), i);
                    columns.push(Slot::Known(col));
                }
            }
            None => {
                unknown += 1;
                if unknown <= MAX_STRAY_LISTED {
                    let hint = suggestion(&name)
                        .map(|s| format!(" (did you mean {s}?)"))
                        .unwrap_or_default();
                    problems.push(Problem {
                        row,
                        column: Some(crate::text::truncate(cell.trim(), 60)),
                        message: format!(
                            "unknown column{hint}; the columns are: {}",
                            COLUMNS.join(", ")
                        ),
                    });
                }
                columns.push(Slot::Refused);
            }
        }
    }
    if unknown > MAX_STRAY_LISTED {
        problems.push(Problem {
            row,
            column: None,
            message: format!("and {} more unknown columns", unknown - MAX_STRAY_LISTED),
        });
    }
    let names_present =
        seen.contains_key(&Col::ClientName.idx()) || seen.contains_key(&Col::ClientNameZh.idx());
    if !names_present {
        problems.push(Problem {
            row,
            column: None,
            message: "the header row names neither client_name nor client_name_zh: each row needs its client's name (is this row the header?)".into(),
        });
    }
    (columns, names_present)
}

// ---------------------------------------------------------------------------
// Writing

/// Characters a spreadsheet takes as the start of a formula, ASCII and
/// full-width.
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// A text cell safe to open in a spreadsheet (see the module comment):
/// hidden characters (bidi overrides, zero-width joiners) are written as
/// visible `\u{..}` escapes, which import reads back.
pub(crate) fn inert(text: &str) -> String {
    let text = &crate::text::escape_for_terminal(text);
    let risky = text.starts_with('\'')
        || text.starts_with(['\t', '\r'])
        || text.trim_start().starts_with(FORMULA_STARTS);
    if risky {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// An answer as a cell: ids, plain digits, yes/no; empty when unknown.
fn answer_cell(a: &Answers, q: QuestionId) -> String {
    use QuestionId as Q;
    let num = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
    let small = |v: Option<u8>| v.map(|v| v.to_string()).unwrap_or_default();
    let boolean = |v: Option<bool>| v.map(yes_no).unwrap_or_default();
    match q {
        Q::ObjectType => a.object_type.map(|v| v.to_string()).unwrap_or_default(),
        Q::Sector => a.sector.map(|v| v.to_string()).unwrap_or_default(),
        Q::Cii => boolean(a.cii),
        Q::DataCategories => match &a.data_categories {
            None => String::new(),
            Some(set) if set.is_empty() => "none".to_string(),
            Some(set) => set.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(";"),
        },
        Q::PiSubjects => num(a.pi_subjects),
        Q::SensitivePiSubjects => num(a.sensitive_pi_subjects),
        Q::RegisteredUsers => num(a.registered_users),
        Q::PublicFacing => boolean(a.public_facing),
        Q::PublicOpinion => boolean(a.public_opinion),
        Q::OutageAffectedPeople => num(a.outage_affected_people),
        Q::HostedMaxLevel => small(a.hosted_max_level),
        Q::Deployment => a.deployment.map(|v| v.to_string()).unwrap_or_default(),
        Q::CloudProvider => a.cloud_provider.clone().unwrap_or_default(),
        Q::CloudProviderLevel => small(a.cloud_provider_level),
        Q::CrossBorderTransfer => boolean(a.cross_border_transfer),
        Q::ArchitectureNotes => a.architecture_notes.clone().unwrap_or_default(),
    }
}

fn client_cells(c: &Client, cells: &mut [String]) {
    let id = if c.id.0 == 0 {
        String::new()
    } else {
        c.id.0.to_string()
    };
    let contacts =
        |f: fn(&Contact) -> &str| c.contacts.iter().map(f).collect::<Vec<_>>().join("\n");
    for (col, value) in [
        (Col::ClientId, id),
        (Col::ClientName, c.name.clone()),
        (Col::ClientNameZh, c.name_zh.clone()),
        (Col::Region, c.region.clone()),
        (Col::CreditCode, c.credit_code.clone()),
        (Col::Address, c.address.clone()),
        (Col::ClientNotes, c.notes.clone()),
        (Col::ContactName, contacts(|k| &k.name)),
        (Col::ContactRole, contacts(|k| &k.role)),
        (Col::ContactEmail, contacts(|k| &k.email)),
        (Col::ContactPhone, contacts(|k| &k.phone)),
    ] {
        cells[col.idx()] = value;
    }
}

fn network_cells(n: &Network, rules: RuleSet, cells: &mut [String]) {
    let mut set = |col: Col, value: String| cells[col.idx()] = value;
    if n.id.0 != 0 {
        set(Col::NetworkId, n.id.0.to_string());
    }
    set(Col::Network, n.name.clone());
    set(Col::NetworkNotes, n.notes.clone());
    if let Some(l) = n.filed_level {
        set(Col::FiledLevel, l.get().to_string());
    }
    for q in QuestionId::ALL.iter().copied() {
        set(Col::Question(q), answer_cell(&n.answers, q));
    }
    for (aspect, _) in ASPECTS {
        if let Some(o) = n.overrides.get(aspect) {
            set(Col::Override(aspect, Part::Object), o.object.to_string());
            set(Col::Override(aspect, Part::Degree), o.degree.to_string());
            set(
                Col::Override(aspect, Part::Justification),
                o.justification.clone(),
            );
        }
    }
    let mut by_date: Vec<&Milestone> = n.milestones.iter().collect();
    // Stable: same-day milestones of a stage keep their order.
    by_date.sort_by_key(|m| m.date);
    for stage in Stage::ALL.iter().copied() {
        let dates: Vec<String> = by_date
            .iter()
            .filter(|m| m.stage == stage)
            .map(|m| m.date.format("%Y-%m-%d").to_string())
            .collect();
        set(Col::Stage(stage), dates.join(";"));
    }
    if let Some(m) = n.last(Stage::EvaluationPassed) {
        if let Some(s) = m.score {
            set(Col::EvaluationScore, s.to_string());
        }
        if let Some(c) = m.conclusion {
            set(Col::EvaluationConclusion, c.to_string());
        }
        if let Some(h) = m.high_risks {
            set(Col::HighRisks, h.to_string());
        }
        if let Some(r) = m.medium_risks {
            set(Col::MediumRisks, r.to_string());
        }
    }
    if let Some(number) = n
        .last(Stage::CertificateIssued)
        .and_then(|m| m.number.clone())
    {
        set(Col::CertificateNumber, number);
    }
    for (col, stage) in [
        (Col::FilingLevel, Stage::FilingSubmitted),
        (Col::CertificateLevel, Stage::CertificateIssued),
    ] {
        if let Some(level) = n.last(stage).and_then(|m| m.level) {
            set(col, level.get().to_string());
        }
    }
    let (computed, most) = crate::domain::grading::level_range(&n.answers, &n.overrides, rules);
    set(Col::ComputedLevel, computed.get().to_string());
    if most > computed {
        set(Col::MaxLevel, most.get().to_string());
    }
}

/// The database as CSV in [`COLUMNS`]: a byte order mark, the header, then
/// one row per network, clients and their networks in id order; a client
/// without networks gets one row with the network columns empty.
/// `computed_level` and `max_level` are graded under `rules`.
pub fn write(clients: &[(Client, Vec<Network>)], rules: RuleSet) -> String {
    let mut sorted: Vec<&(Client, Vec<Network>)> = clients.iter().collect();
    sorted.sort_by_key(|(c, _)| c.id);
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (client, networks) in sorted {
        let mut base = vec![String::new(); COLUMNS.len()];
        client_cells(client, &mut base);
        let mut networks: Vec<&Network> = networks.iter().collect();
        networks.sort_by_key(|n| n.id);
        if networks.is_empty() {
            rows.push(base);
            continue;
        }
        for n in networks {
            let mut cells = base.clone();
            network_cells(n, rules, &mut cells);
            rows.push(cells);
        }
    }
    let text_cols: Vec<bool> = COLUMNS
        .iter()
        .map(|name| Col::from_name(name).is_some_and(Col::is_text))
        .collect();
    let mut out = Vec::new();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let header = w.write_record(COLUMNS);
        let body =
            rows.iter().try_for_each(|cells| {
                let inert_cells = cells.iter().zip(&text_cols).map(|(cell, text)| {
                    if *text { inert(cell) } else { cell.clone() }
                });
                w.write_record(inert_cells)
            });
        // Writing to memory can't fail.
        debug_assert!(header.is_ok() && body.is_ok());
        let _ = w.flush();
    }
    let mut text = String::from('\u{feff}');
    text.push_str(&String::from_utf8_lossy(&out));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_knows_its_place() {
        for (i, name) in COLUMNS.iter().enumerate() {
            let col = Col::from_name(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(col.idx(), i, "{name}");
            assert_eq!(col.name(), *name);
        }
        let questions: Vec<&str> = COLUMNS
            .iter()
            .copied()
            .filter(|c| c.parse::<QuestionId>().is_ok())
            .collect();
        assert_eq!(questions, QuestionId::IDS);
        let stages: Vec<&str> = COLUMNS
            .iter()
            .copied()
            .filter(|c| c.parse::<Stage>().is_ok())
            .collect();
        assert_eq!(stages, Stage::IDS);
        assert_eq!(COLUMNS[FIRST_NETWORK_COL], "network_id");
        assert_eq!(CLIENT_COLS.len(), FIRST_NETWORK_COL);
    }

    #[test]
    fn column_letters_are_the_spreadsheets() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(52), "BA");
    }

    #[test]
    fn dates_in_both_forms_and_impossible_ones() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(parse_date("2025-01-05"), Ok(d(2025, 1, 5)));
        assert_eq!(parse_date("2025/1/5"), Ok(d(2025, 1, 5)));
        assert_eq!(parse_date("2025-1-05"), Ok(d(2025, 1, 5)));
        assert!(
            parse_date("2026-02-30")
                .unwrap_err()
                .contains("not a real calendar date")
        );
        for bad in [
            "2025-01/05",
            "25/1/5",
            "2025-001-05",
            "yesterday",
            "2025-01-05 10:00",
        ] {
            assert!(parse_date(bad).unwrap_err().contains("not a date"), "{bad}");
        }
    }

    #[test]
    fn levels_forgive_the_ways_sheets_write_them() {
        for (t, n) in [
            ("3", 3),
            ("三级", 3),
            ("第二级", 2),
            ("Level 5", 5),
            (" 1 ", 1),
        ] {
            assert_eq!(parse_level(t).unwrap().map(Level::get), Some(n), "{t}");
        }
        assert_eq!(parse_level(""), Ok(None));
        for bad in ["0", "6", "三四", "high"] {
            assert!(parse_level(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formula_cells_are_made_inert() {
        assert_eq!(inert("=1+1"), "'=1+1");
        assert_eq!(inert("+86 21 5555 0100"), "'+86 21 5555 0100");
        assert_eq!(inert("  -x"), "'  -x");
        assert_eq!(inert("＝SUM(A1)"), "'＝SUM(A1)");
        assert_eq!(inert("'quoted'"), "''quoted'");
        assert_eq!(inert("Acme"), "Acme");
        assert_eq!(inert("a=b"), "a=b");
    }

    #[test]
    fn blank_lines_count_as_rows() {
        // Header, an empty line, then a data row: the data row is row 3 in
        // the spreadsheet, with LF and with CRLF line ends.
        for text in [
            "client_name,region\n\nAcme,\"x\ny\"\n,\nB,=\n",
            "client_name,region\r\n\r\nAcme,\"x\r\ny\"\r\n,\r\nB,=\r\n",
        ] {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            let mut rows = Vec::new();
            let mut n = 0;
            let mut rec = csv::StringRecord::new();
            while rdr.read_record(&mut rec).unwrap() {
                let start = rec.position().unwrap().byte() as usize;
                n += 1 + skipped_lines(text.as_bytes(), start);
                rows.push((n, rec.get(0).unwrap().to_string()));
            }
            let names: Vec<(usize, &str)> = rows.iter().map(|(n, s)| (*n, s.as_str())).collect();
            assert_eq!(
                names,
                [(1, "client_name"), (3, "Acme"), (4, ""), (5, "B")],
                "{text:?}"
            );
        }
    }

    #[test]
    fn misspelt_columns_get_a_suggestion() {
        assert_eq!(suggestion("pi_subject"), Some("pi_subjects"));
        assert_eq!(suggestion("clientname"), Some("client_name"));
        assert_eq!(suggestion("favourite_colour"), None);
    }

    #[test]
    fn the_delimiter_follows_the_header() {
        assert_eq!(sniff_delimiter("client_name,network\n"), b',');
        assert_eq!(sniff_delimiter("client_name;network\n"), b';');
        assert_eq!(sniff_delimiter("client_name\tnetwork\n"), b'\t');
        assert_eq!(sniff_delimiter("client_name\n"), b',');
    }
}
