//! The audit firm's gap list as CSV: import ([`read_gap_list`]) into a
//! network's findings, and export ([`write_gap_list`]) of the same columns,
//! the client's action plan (docs/formats.md, "The gap list").
//!
//! How the file is read, like the spreadsheet tracker:
//! - Encoding: UTF-8 with or without a byte order mark, else GBK
//!   (GB18030), which Chinese Excel saves; anything else is refused.
//! - The header row names the columns ([`COLUMNS`]) by id (`control_point`)
//!   or in Chinese (`控制点`), in any order; case, spaces, hyphens and
//!   underscores do not matter, and a bilingual header (`控制点 control_point`)
//!   is read too. `control_point`, `description`, `result` and `risk` are
//!   required; a serial-number column (序号) is skipped; any other column is
//!   refused, so a misspelt one never drops its data silently.
//! - Results, risks and statuses are ids, English or Chinese words
//!   (`部分符合`, `partial`, `中`, `medium`, `未整改`, `open`), or both
//!   (`partial 部分符合`). An empty status is `open`.
//! - The control point is found by id or name among the network's points
//!   (`domain::gaps::lookup_point`), the category cell narrowing the search;
//!   a miss says "did you mean".
//! - Dates are `YYYY-MM-DD` or `YYYY/MM/DD`.
//! - Every bad cell of every row is reported, as
//!   `FILE:ROW:COLUMN (header): expected ...`, and nothing is returned
//!   unless the whole file is good: all or nothing.
//!
//! Export guards against formula injection as the tracker does (a `'`
//! before a text cell that a spreadsheet would run), and what it writes
//! reads back to the same findings.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;

use crate::domain::gaps::catalogue::{self, ControlPoint, PointLookup};
use crate::domain::gaps::finding::{
    ComplianceResult, Finding, FindingId, FindingStatus, Risk, StatusChange,
};
use crate::domain::gaps::labels;
use crate::domain::labels::{Label, Lang};
use crate::formats::spreadsheet;

/// A column of the gap list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GapColumn {
    Category,
    ControlPoint,
    Description,
    Result,
    Risk,
    Owner,
    Due,
    Status,
    Evidence,
}

/// The columns, in the order export writes them.
pub const COLUMNS: [GapColumn; 9] = [
    GapColumn::Category,
    GapColumn::ControlPoint,
    GapColumn::Description,
    GapColumn::Result,
    GapColumn::Risk,
    GapColumn::Owner,
    GapColumn::Due,
    GapColumn::Status,
    GapColumn::Evidence,
];

impl GapColumn {
    /// The column's id, as an English header names it.
    pub fn id(self) -> &'static str {
        match self {
            GapColumn::Category => "category",
            GapColumn::ControlPoint => "control_point",
            GapColumn::Description => "description",
            GapColumn::Result => "result",
            GapColumn::Risk => "risk",
            GapColumn::Owner => "owner",
            GapColumn::Due => "due",
            GapColumn::Status => "status",
            GapColumn::Evidence => "evidence",
        }
    }

    /// The column's Chinese header.
    pub fn zh(self) -> &'static str {
        match self {
            GapColumn::Category => "类别",
            GapColumn::ControlPoint => "控制点",
            GapColumn::Description => "问题描述",
            GapColumn::Result => "结果",
            GapColumn::Risk => "风险等级",
            GapColumn::Owner => "责任人",
            GapColumn::Due => "整改期限",
            GapColumn::Status => "状态",
            GapColumn::Evidence => "证据",
        }
    }

    /// Other headers audit firms use for the column.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            GapColumn::Category => &["安全类", "安全类别", "类别名称", "层面", "安全层面"],
            GapColumn::ControlPoint => &["控制点名称", "point"],
            GapColumn::Description => &[
                "描述",
                "问题",
                "差距描述",
                "存在问题",
                "问题说明",
                "finding",
                "gap",
            ],
            GapColumn::Result => &["测评结果", "符合情况", "结论", "compliance"],
            GapColumn::Risk => &["风险", "风险级别", "risk_level"],
            GapColumn::Owner => &["整改责任人", "负责人", "责任部门"],
            GapColumn::Due => &[
                "期限",
                "截止日期",
                "完成期限",
                "计划完成时间",
                "due_date",
                "deadline",
            ],
            GapColumn::Status => &["整改状态", "进度"],
            GapColumn::Evidence => &["整改证据", "佐证材料", "证明材料"],
        }
    }

    /// Whether every gap list must have the column.
    pub fn required(self) -> bool {
        matches!(
            self,
            GapColumn::ControlPoint | GapColumn::Description | GapColumn::Result | GapColumn::Risk
        )
    }

    /// Both names, for messages: `control_point 控制点`.
    fn names(self) -> String {
        format!("{} or {}", self.id(), self.zh())
    }

    fn label(self) -> Label {
        Label::new(self.id(), self.zh())
    }
}

/// Headers of columns that are read past: a serial number.
const SKIPPED: &[&str] = &["序号", "编号", "no", "no.", "#", "seq", "serial"];

/// A header or word folded for comparison: lower case, without white
/// space, underscores, hyphens and a byte order mark.
fn fold_word(s: &str) -> String {
    s.trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn column_by_name(name: &str) -> Option<GapColumn> {
    let q = fold_word(name);
    COLUMNS.into_iter().find(|c| {
        fold_word(c.id()) == q
            || fold_word(c.zh()) == q
            || c.aliases().iter().any(|a| fold_word(a) == q)
    })
}

/// What a header cell names: a column, one to skip, or nothing known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Header {
    Column(GapColumn),
    Skipped,
    Unknown,
    /// Unknown or repeated: the header row's error covers its cells.
    Refused,
}

fn read_header_cell(cell: &str) -> Header {
    if fold_word(cell).is_empty() {
        return Header::Unknown;
    }
    if let Some(c) = column_by_name(cell) {
        return Header::Column(c);
    }
    let q = fold_word(cell);
    if SKIPPED.iter().any(|s| fold_word(s) == q) {
        return Header::Skipped;
    }
    // A bilingual header (`控制点 control_point`): every word names the same
    // column.
    match bilingual(cell, column_by_name) {
        Some(c) => Header::Column(c),
        None => Header::Unknown,
    }
}

/// Reads a cell written in both languages (`partial 部分符合`,
/// `控制点 control_point`): the ASCII words and the others must each read,
/// to the same value. `None` when the cell is not of that form or the two
/// disagree.
fn bilingual<T: PartialEq>(cell: &str, read: impl Fn(&str) -> Option<T>) -> Option<T> {
    let (latin, other) = split_languages(cell)?;
    let a = read(&latin)?;
    let b = read(&other)?;
    (a == b).then_some(a)
}

/// The ASCII words and the other words of a cell, when it has both.
fn split_languages(cell: &str) -> Option<(String, String)> {
    let (latin, other): (Vec<&str>, Vec<&str>) =
        cell.split_whitespace().partition(|w| w.is_ascii());
    if latin.is_empty() || other.is_empty() {
        return None;
    }
    Some((latin.join(" "), other.join(" ")))
}

// ---------------------------------------------------------------------------
// Words

fn result_word(t: &str) -> Option<ComplianceResult> {
    let q = fold_word(t);
    ComplianceResult::ALL.iter().copied().find(|r| {
        let l = labels::result(*r);
        let extra: &[&str] = match r {
            ComplianceResult::NotApplicable => &["n/a", "na"],
            ComplianceResult::NonCompliant => &["noncompliance", "fail"],
            _ => &[],
        };
        [r.as_str(), l.en, l.zh]
            .iter()
            .chain(extra)
            .any(|w| fold_word(w) == q)
    })
}

fn risk_word(t: &str) -> Option<Risk> {
    let q = fold_word(t);
    Risk::ALL.iter().copied().find(|r| {
        let l = labels::risk(*r);
        let zh_long = format!("{}风险", l.zh);
        let en_long = format!("{} risk", l.en);
        let extra: &[&str] = match r {
            Risk::Medium => &["med", "中等"],
            _ => &[],
        };
        [r.as_str(), l.en, l.zh, &zh_long, &en_long]
            .iter()
            .chain(extra)
            .any(|w| fold_word(w) == q)
    })
}

fn status_word(t: &str) -> Option<FindingStatus> {
    let q = fold_word(t);
    FindingStatus::ALL.iter().copied().find(|s| {
        let l = labels::status(*s);
        let extra: &[&str] = match s {
            FindingStatus::Open => &["未整改", "未开始"],
            FindingStatus::InProgress => &["进行中"],
            FindingStatus::Fixed => &["已完成", "done"],
            FindingStatus::Verified => &["已复核", "已确认"],
        };
        [s.as_str(), l.en, l.zh]
            .iter()
            .chain(extra)
            .any(|w| fold_word(w) == q)
    })
}

/// A word of a fixed list, alone or in both languages.
fn word<T: PartialEq>(cell: &str, read: fn(&str) -> Option<T>) -> Option<T> {
    read(cell).or_else(|| bilingual(cell, read))
}

/// The accepted words of a list, for a message: `符合 / 部分符合 / ...
/// (compliant / partial / ...)`.
fn expected_words<T: Copy>(all: &[T], label: fn(T) -> Label, id: fn(T) -> &'static str) -> String {
    let zh: Vec<&str> = all.iter().map(|v| label(*v).zh).collect();
    let ids: Vec<&str> = all.iter().map(|v| id(*v)).collect();
    format!("{} or {}", zh.join(" / "), ids.join(" / "))
}

// ---------------------------------------------------------------------------
// Errors

/// One problem of a gap list: a bad cell, a bad row, a bad header or a bad
/// file. Shown as `FILE:ROW:COLUMN (header): message`, the row and column
/// the spreadsheet's (the header is row 1, the first column is A).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub file: String,
    /// The spreadsheet row; 0 for the file as a whole.
    pub row: usize,
    /// The column's position (0 is A) and its header as the file spells
    /// it; `None` for a whole row or file.
    pub column: Option<(usize, String)>,
    pub message: String,
}

impl CellError {
    /// The spreadsheet letter of the column (`C`), if any.
    pub fn column_letter(&self) -> Option<String> {
        self.column
            .as_ref()
            .map(|(i, _)| spreadsheet::column_letter(*i))
    }
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.row, &self.column) {
            (0, _) => write!(f, "{}: {}", self.file, self.message),
            (row, None) => write!(f, "{}:{row}: {}", self.file, self.message),
            (row, Some((i, header))) => {
                let letter = spreadsheet::column_letter(*i);
                let header = crate::text::truncate(&crate::text::clean_line(header), 40);
                if header.is_empty() {
                    write!(f, "{}:{row}:{letter}: {}", self.file, self.message)
                } else {
                    write!(
                        f,
                        "{}:{row}:{letter} ({header}): {}",
                        self.file, self.message
                    )
                }
            }
        }
    }
}

impl std::error::Error for CellError {}

/// The errors as one input error, one line each, ending with their count
/// and that nothing was imported.
pub fn into_error(errors: &[CellError]) -> crate::error::Error {
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let file = errors.first().map(|e| e.file.as_str()).unwrap_or("");
    let n = errors.len();
    crate::error::Error::input(format!(
        "{}\n{n} problem{} in {file}; nothing was imported",
        lines.join("\n"),
        if n == 1 { "" } else { "s" }
    ))
}

// ---------------------------------------------------------------------------
// Reading

/// One good row of a gap list: its spreadsheet row and the finding it
/// makes, with id 0 (the caller assigns ids).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapRow {
    pub row: usize,
    pub finding: Finding,
}

/// A note for the user when the file was read as GBK rather than UTF-8;
/// `None` for UTF-8 (and for files that are not text, which
/// [`read_gap_list`] refuses).
pub fn encoding_note(bytes: &[u8], file_name: &str) -> Option<String> {
    spreadsheet::decode(file_name, bytes)
        .ok()
        .and_then(|d| d.note)
}

/// A value quoted for a message, cut short when long.
fn shown(s: &str) -> String {
    format!("{:?}", crate::text::truncate(s, 60))
}

/// How many stray cells or unknown columns are named one by one.
const MAX_LISTED: usize = 10;

/// Reads an audit firm's gap list for a network whose applicable control
/// points are `points` (usually `domain::gaps::applicable(level,
/// extensions)`): every finding open since `found` unless its status
/// cell says otherwise (its history starts on `found`). Either every row is
/// good and all come back, in file order, or every problem of every row
/// comes back and no finding at all.
pub fn read_gap_list(
    bytes: &[u8],
    file_name: &str,
    points: &[&'static ControlPoint],
    found: NaiveDate,
) -> Result<Vec<GapRow>, Vec<CellError>> {
    let whole = |message: String| CellError {
        file: file_name.to_string(),
        row: 0,
        column: None,
        message,
    };
    let decoded = spreadsheet::decode(file_name, bytes).map_err(|e| {
        let text = e.to_string();
        let prefix = format!("{file_name}: ");
        vec![whole(
            text.strip_prefix(&prefix).unwrap_or(&text).to_string(),
        )]
    })?;
    let text = decoded.text.as_str();
    if text.trim().is_empty() {
        return Err(vec![whole(format!(
            "expected a header row naming the columns ({}), then one row per finding; the file is empty",
            COLUMNS.map(GapColumn::id).join(", ")
        ))]);
    }
    let bytes = text.as_bytes();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(spreadsheet::sniff_delimiter(text))
        .from_reader(bytes);
    let mut errors: Vec<CellError> = Vec::new();
    let mut rows: Vec<GapRow> = Vec::new();
    // The header: per cell of the file, what it names and its text.
    let mut header: Option<Vec<(Header, String)>> = None;
    let mut header_row = 0;
    let mut data_rows = 0;
    let mut row_number = 0;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                errors.push(CellError {
                    file: file_name.to_string(),
                    row: row_number + 1,
                    column: None,
                    message: format!("expected a CSV row, but it can't be read: {e}"),
                });
                break;
            }
        }
        let start = record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
            .unwrap_or(bytes.len());
        row_number += 1 + spreadsheet::skipped_lines(bytes, start);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let Some(columns) = &header else {
            header_row = row_number;
            let cols = read_header(file_name, &record, row_number, &mut errors);
            let Some(cols) = cols else {
                return Err(errors);
            };
            header = Some(cols);
            continue;
        };
        data_rows += 1;
        let mut cells: HashMap<GapColumn, (usize, String, String)> = HashMap::new();
        let mut stray = 0;
        for (i, cell) in record.iter().enumerate() {
            // One leading `'` is the export's guard against formulas.
            let cell = crate::text::unescape_hidden(cell.strip_prefix('\'').unwrap_or(cell));
            match columns.get(i) {
                Some((Header::Column(c), name)) => {
                    cells.insert(*c, (i, name.clone(), cell.into_owned()));
                }
                Some((Header::Skipped | Header::Refused, _)) => {}
                _ if cell.trim().is_empty() => {}
                _ => {
                    stray += 1;
                    if stray <= MAX_LISTED {
                        errors.push(CellError {
                            file: file_name.to_string(),
                            row: row_number,
                            column: Some((i, String::new())),
                            message: format!(
                                "expected nothing in a column the header row does not name, found {}",
                                shown(&cell)
                            ),
                        });
                    }
                }
            }
        }
        let row = Row {
            file: file_name,
            n: row_number,
            cells,
        };
        if let Some(finding) = read_row(&row, points, found, &mut errors) {
            rows.push(GapRow {
                row: row_number,
                finding,
            });
        }
    }
    if header.is_some() && data_rows == 0 && errors.is_empty() {
        errors.push(CellError {
            file: file_name.to_string(),
            row: header_row,
            column: None,
            message: "expected rows of findings after the header row; there are none, so nothing to import".into(),
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        // In the sheet's order: by row, then by column.
        errors.sort_by_key(|e| (e.row, e.column.as_ref().map_or(usize::MAX, |(i, _)| *i)));
        Err(errors)
    }
}

/// The header row: what each cell names. Unknown and repeated columns and
/// missing required ones are errors; `None` when the row is unusable.
fn read_header(
    file: &str,
    record: &csv::StringRecord,
    row: usize,
    errors: &mut Vec<CellError>,
) -> Option<Vec<(Header, String)>> {
    let before = errors.len();
    let mut seen: HashMap<GapColumn, usize> = HashMap::new();
    let mut out = Vec::with_capacity(record.len());
    let mut unknown = 0;
    for (i, cell) in record.iter().enumerate() {
        let name = crate::text::clean_line(cell.trim_start_matches('\u{feff}'));
        let mut h = read_header_cell(&name);
        match h {
            Header::Column(c) => {
                if let Some(first) = seen.get(&c) {
                    errors.push(CellError {
                        file: file.to_string(),
                        row,
                        column: Some((i, name.clone())),
                        message: format!(
                            "expected each column once; the header names {} in column {} too",
                            c.names(),
                            spreadsheet::column_letter(*first)
                        ),
                    });
                    h = Header::Refused;
                } else {
                    seen.insert(c, i);
                }
            }
            Header::Unknown if !name.is_empty() => {
                h = Header::Refused;
                unknown += 1;
                if unknown <= MAX_LISTED {
                    errors.push(CellError {
                        file: file.to_string(),
                        row,
                        column: Some((i, name.clone())),
                        message: format!(
                            "expected one of the gap list's columns: {}",
                            COLUMNS.map(|c| c.label().get(Lang::Both)).join(", ")
                        ),
                    });
                }
            }
            _ => {}
        }
        out.push((h, name));
    }
    if unknown > MAX_LISTED {
        errors.push(CellError {
            file: file.to_string(),
            row,
            column: None,
            message: format!("and {} more unknown columns", unknown - MAX_LISTED),
        });
    }
    let missing: Vec<GapColumn> = COLUMNS
        .into_iter()
        .filter(|c| c.required() && !seen.contains_key(c))
        .collect();
    for c in &missing {
        errors.push(CellError {
            file: file.to_string(),
            row,
            column: None,
            message: format!(
                "expected a {} column in the header row: every finding needs one",
                c.names()
            ),
        });
    }
    if seen.is_empty() {
        errors.push(CellError {
            file: file.to_string(),
            row,
            column: None,
            message: "expected a header row naming the columns first (is this row the header?)"
                .into(),
        });
    }
    // Unknown or repeated columns still let the rows be checked; a missing
    // required column does not.
    if missing.is_empty() && !seen.is_empty() {
        Some(out)
    } else {
        debug_assert!(errors.len() > before);
        None
    }
}

/// A data row's cells by column: position, header as written, text.
struct Row<'a> {
    file: &'a str,
    n: usize,
    cells: HashMap<GapColumn, (usize, String, String)>,
}

impl Row<'_> {
    /// The cell's text, cleaned to one line; empty when absent.
    fn line(&self, c: GapColumn) -> String {
        self.cells
            .get(&c)
            .map(|(_, _, t)| crate::text::clean_line(t))
            .unwrap_or_default()
    }

    /// The cell's raw text (for multi-line cells).
    fn raw(&self, c: GapColumn) -> String {
        self.cells
            .get(&c)
            .map(|(_, _, t)| t.clone())
            .unwrap_or_default()
    }

    fn error(&self, c: GapColumn, message: String) -> CellError {
        CellError {
            file: self.file.to_string(),
            row: self.n,
            column: self.cells.get(&c).map(|(i, name, _)| (*i, name.clone())),
            message,
        }
    }
}

/// Reads one data row into a finding, or adds its errors.
fn read_row(
    row: &Row<'_>,
    points: &[&'static ControlPoint],
    found: NaiveDate,
    errors: &mut Vec<CellError>,
) -> Option<Finding> {
    let before = errors.len();
    let mut bad = |c: GapColumn, m: String| errors.push(row.error(c, m));

    let category = row.line(GapColumn::Category);
    let scope_text = if category.is_empty() {
        None
    } else if catalogue::parse_scope(&category).is_some() {
        Some(category.clone())
    } else if let Some((latin, other)) = split_languages(&category)
        && let Some(t) = [other, latin]
            .into_iter()
            .find(|t| catalogue::parse_scope(t).is_some())
    {
        Some(t)
    } else {
        let names: Vec<String> = catalogue::catalogue()
            .categories
            .iter()
            .map(|c| c.zh.clone())
            .collect();
        bad(
            GapColumn::Category,
            format!(
                "expected a category of GB/T 22239 ({}), an extension set (云计算, 移动互联, 物联网, 工业控制) or both, not {}",
                names.join(", "),
                shown(&category)
            ),
        );
        None
    };
    let category_ok = category.is_empty() || scope_text.is_some();

    let name = row.line(GapColumn::ControlPoint);
    let point = if name.is_empty() {
        bad(
            GapColumn::ControlPoint,
            "expected the control point's name (身份鉴别, Identity authentication) or id; the cell is empty".into(),
        );
        None
    } else if !category_ok {
        None
    } else {
        match find_point(&name, scope_text.as_deref(), points) {
            Ok(p) => Some(p),
            Err(m) => {
                bad(GapColumn::ControlPoint, m);
                None
            }
        }
    };

    let description = crate::text::clean_multiline(&row.raw(GapColumn::Description))
        .trim()
        .to_string();
    if description.is_empty() {
        bad(
            GapColumn::Description,
            "expected a description of the gap; the cell is empty".into(),
        );
    }

    let result = read_word(
        row,
        GapColumn::Result,
        result_word,
        || {
            expected_words(
                ComplianceResult::ALL,
                labels::result,
                ComplianceResult::as_str,
            )
        },
        "result",
        &mut bad,
    );
    let risk = read_word(
        row,
        GapColumn::Risk,
        risk_word,
        || expected_words(Risk::ALL, labels::risk, Risk::as_str),
        "risk",
        &mut bad,
    );
    let status_text = row.line(GapColumn::Status);
    let status = if status_text.is_empty() {
        Some(FindingStatus::Open)
    } else {
        let s = word(&status_text, status_word);
        if s.is_none() {
            bad(
                GapColumn::Status,
                format!(
                    "expected a status, {}; 未整改 and an empty cell are open; not {}",
                    expected_words(FindingStatus::ALL, labels::status, FindingStatus::as_str),
                    shown(&status_text)
                ),
            );
        }
        s
    };

    let due_text = row.line(GapColumn::Due);
    let due = if due_text.is_empty() {
        Some(None)
    } else {
        match spreadsheet::parse_date(&due_text) {
            Ok(d) => Some(Some(d)),
            Err(m) => {
                let m = if m.contains("not a real calendar date") {
                    format!("expected a due date: {m}")
                } else {
                    format!(
                        "expected a due date, YYYY-MM-DD or YYYY/MM/DD, not {}",
                        shown(&due_text)
                    )
                };
                bad(GapColumn::Due, m);
                None
            }
        }
    };

    if errors.len() > before {
        return None;
    }
    let (Some(point), Some(result), Some(risk), Some(status), Some(due)) =
        (point, result, risk, status, due)
    else {
        return None;
    };
    let mut finding = Finding {
        id: FindingId(0),
        control_point: point.id.clone(),
        description,
        result,
        risk,
        owner: row.line(GapColumn::Owner),
        due,
        status,
        evidence: row.raw(GapColumn::Evidence),
        history: vec![StatusChange {
            date: found,
            from: None,
            to: status,
        }],
    };
    if let Err(e) = finding.validate() {
        let col = match e.field.as_str() {
            "description" => GapColumn::Description,
            "owner" => GapColumn::Owner,
            "evidence" => GapColumn::Evidence,
            "status" => GapColumn::Status,
            _ => GapColumn::ControlPoint,
        };
        errors.push(row.error(
            col,
            format!("expected at most the allowed length: {}", e.message),
        ));
        return None;
    }
    Some(finding)
}

/// Reads a required word cell (result, risk).
fn read_word<T: PartialEq>(
    row: &Row<'_>,
    c: GapColumn,
    read: fn(&str) -> Option<T>,
    expected: impl Fn() -> String,
    what: &str,
    bad: &mut impl FnMut(GapColumn, String),
) -> Option<T> {
    let t = row.line(c);
    if t.is_empty() {
        bad(
            c,
            format!("expected a {what}, {}; the cell is empty", expected()),
        );
        return None;
    }
    let v = word(&t, read);
    if v.is_none() {
        bad(
            c,
            format!("expected a {what}, {}, not {}", expected(), shown(&t)),
        );
    }
    v
}

/// The control point a cell names, within the category cell's scope, or
/// the message saying why not.
fn find_point(
    name: &str,
    scope: Option<&str>,
    points: &[&'static ControlPoint],
) -> Result<&'static ControlPoint, String> {
    let lookup = |n: &str| catalogue::lookup_point(n, scope, points);
    let mut outcome = lookup(name);
    if !matches!(outcome, PointLookup::Found(_))
        && let Some((latin, other)) = split_languages(name)
    {
        for part in [other, latin] {
            if let found @ PointLookup::Found(_) = lookup(&part) {
                outcome = found;
                break;
            }
        }
    }
    match outcome {
        PointLookup::Found(p) => Ok(p),
        PointLookup::Ambiguous(ps) => {
            let names: Vec<String> = ps.iter().map(|p| point_with_category(p)).collect();
            Err(format!(
                "expected one control point, but {} names several: {}; fill the category column (类别) to choose",
                shown(name),
                names.join(", ")
            ))
        }
        PointLookup::NotFound { did_you_mean } => {
            let all: Vec<&'static ControlPoint> = catalogue::catalogue().points.iter().collect();
            if let PointLookup::Found(p) = catalogue::lookup_point(name, scope, &all) {
                return Err(format!(
                    "expected a control point that applies to this network, but {} does not (another level, or an extension set the network lacks)",
                    point_with_category(p)
                ));
            }
            let mut hints = did_you_mean;
            if hints.is_empty()
                && scope.is_some()
                && let PointLookup::NotFound { did_you_mean } =
                    catalogue::lookup_point(name, None, points)
            {
                hints = did_you_mean;
            }
            let hint = labels::did_you_mean(&hints, Lang::Both);
            let hint = if hint.is_empty() {
                String::new()
            } else {
                format!("; {hint}")
            };
            let within = match scope {
                Some(s) => format!(" under {}", shown(s)),
                None => String::new(),
            };
            Err(format!(
                "expected a control point of GB/T 22239 by name (Chinese or English) or id, but {} is none{within}{hint}",
                shown(name)
            ))
        }
    }
}

/// `安全区域边界 访问控制 (boundary.access_control)`.
fn point_with_category(p: &'static ControlPoint) -> String {
    let ext = p
        .extension
        .map(|e| format!("{} ", labels::extension(e).zh))
        .unwrap_or_default();
    let cat = p.category().map(|c| c.zh.as_str()).unwrap_or("");
    format!("{ext}{cat} {} ({})", p.zh, p.id)
}

// ---------------------------------------------------------------------------
// Writing

/// The category cell of a point: the category, after the extension set
/// for an extension point (`云计算 安全计算环境`).
fn category_cell(p: &'static ControlPoint, lang: Lang) -> String {
    let cat = p
        .category()
        .map(|c| c.label().get(lang).into_owned())
        .unwrap_or_default();
    match p.extension {
        Some(e) => {
            let ext = labels::extension(e);
            match lang {
                Lang::Both => {
                    let zh = p.category().map(|c| c.zh.as_str()).unwrap_or("");
                    let en = p.category().map(|c| c.en.as_str()).unwrap_or("");
                    format!("{} {en} {} {zh}", ext.en, ext.zh)
                }
                _ => format!("{} {cat}", ext.get(lang)),
            }
        }
        None => cat,
    }
}

/// A finding's findings as a gap list (the client's action plan): a byte
/// order mark (for Excel), the header, one row per finding in catalogue
/// order (then due date, then id). `Lang::En` writes the column ids and
/// the ids of results, risks and statuses with the English names of
/// categories and points; `Lang::Zh` writes everything in Chinese;
/// `Lang::Both` writes both. Every text cell is guarded against formula
/// injection. [`read_gap_list`] reads it back to the same findings.
pub fn write_gap_list(findings: &[Finding], lang: Lang) -> String {
    let order: HashMap<&str, usize> = catalogue::catalogue()
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| {
        (
            order
                .get(f.control_point.as_str())
                .copied()
                .unwrap_or(usize::MAX),
            f.due.is_none(),
            f.due,
            f.id,
        )
    });
    let header: Vec<String> = COLUMNS
        .iter()
        .map(|c| match lang {
            Lang::En => c.id().to_string(),
            Lang::Zh => c.zh().to_string(),
            Lang::Both => format!("{} {}", c.id(), c.zh()),
        })
        .collect();
    let word = |l: Label, id: &'static str| match lang {
        Lang::En => id.to_string(),
        _ => l.get(lang).into_owned(),
    };
    let mut out = Vec::new();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let mut ok = w.write_record(&header).is_ok();
        for f in sorted {
            let point = catalogue::point(&f.control_point);
            let cells = [
                point.map(|p| category_cell(p, lang)).unwrap_or_default(),
                point.map_or_else(
                    || f.control_point.clone(),
                    |p| p.label().get(lang).into_owned(),
                ),
                f.description.clone(),
                word(labels::result(f.result), f.result.as_str()),
                word(labels::risk(f.risk), f.risk.as_str()),
                f.owner.clone(),
                f.due
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                word(labels::status(f.status), f.status.as_str()),
                f.evidence.clone(),
            ];
            ok &= w
                .write_record(cells.iter().map(|c| spreadsheet::inert(c)))
                .is_ok();
        }
        // Writing to memory can't fail.
        debug_assert!(ok);
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
    fn headers_in_either_language() {
        assert_eq!(
            read_header_cell("Control Point"),
            Header::Column(GapColumn::ControlPoint)
        );
        assert_eq!(
            read_header_cell(" 控制点 "),
            Header::Column(GapColumn::ControlPoint)
        );
        assert_eq!(
            read_header_cell("风险等级 risk"),
            Header::Column(GapColumn::Risk)
        );
        assert_eq!(read_header_cell("序号"), Header::Skipped);
        assert_eq!(read_header_cell("风险等级 owner"), Header::Unknown);
        assert_eq!(read_header_cell("colour"), Header::Unknown);
    }

    #[test]
    fn words_in_either_language() {
        assert_eq!(
            word("部分符合", result_word),
            Some(ComplianceResult::Partial)
        );
        assert_eq!(
            word("Non-Compliant", result_word),
            Some(ComplianceResult::NonCompliant)
        );
        assert_eq!(
            word("not applicable 不适用", result_word),
            Some(ComplianceResult::NotApplicable)
        );
        assert_eq!(word("partial 不符合", result_word), None);
        assert_eq!(word("高风险", risk_word), Some(Risk::High));
        assert_eq!(word("Medium", risk_word), Some(Risk::Medium));
        assert_eq!(word("未整改", status_word), Some(FindingStatus::Open));
        assert_eq!(word("待整改", status_word), Some(FindingStatus::Open));
        assert_eq!(
            word("in progress 整改中", status_word),
            Some(FindingStatus::InProgress)
        );
        assert_eq!(word("已验证", status_word), Some(FindingStatus::Verified));
        assert_eq!(word("maybe", status_word), None);
    }
}
