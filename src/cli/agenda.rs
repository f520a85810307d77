//! The agenda as `mlps renewals` and `mlps due` print it (and `mlps` when
//! not in a terminal): aligned tables, widths in display columns.

use crate::domain::labels::{self, Label, Lang};
use std::collections::HashMap;
use std::io::Write;

use crate::config;
use crate::domain::agenda::{AgendaRow, grouped};
use crate::domain::grading::RuleSet;
use crate::domain::model::{ClientId, NetworkId};
use crate::domain::settings::Config;
use crate::error::{Error, Result};
use crate::service::agenda::Regrading;
use crate::service::lookup::Found;
use crate::store::CaseStore;
use crate::text;

use super::{AgendaArgs, io_error};

/// How a table fits its text: cut to widths that suit a terminal, or
/// whole where a script or a file reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    Cut,
    Whole,
}

impl Fit {
    /// Cut when stdout is a terminal, whole otherwise.
    pub fn stdout() -> Fit {
        use std::io::IsTerminal;
        if std::io::stdout().is_terminal() {
            Fit::Cut
        } else {
            Fit::Whole
        }
    }
}

/// On a terminal: the client column's width (names cut to it) and the
/// network's.
const CLIENT_COLUMNS: usize = 48;
const NETWORK_COLUMNS: usize = 30;
/// Whole: the client column is padded to the longest name up to this
/// width; a longer name is printed whole and pushes the rest of its row
/// right.
const WHOLE_CLIENT_PAD: usize = 100;

/// `12/345`: the client's and the network's ids, as a query takes them
/// back.
fn ids(client: ClientId, network: NetworkId) -> String {
    format!("{}/{}", client.0, network.0)
}

/// The client's names as a table shows them, made inert: the display name
/// with the Chinese name beside it (once, when it is the display name).
fn client_names(client: &str, client_zh: &str) -> (String, String) {
    let en = text::escape_for_terminal(client);
    let zh = if client_zh.is_empty() || client_zh == client {
        String::new()
    } else {
        text::escape_for_terminal(client_zh)
    };
    (en, zh)
}

fn joined((en, zh): &(String, String)) -> String {
    if zh.is_empty() {
        en.clone()
    } else {
        format!("{en} {zh}")
    }
}

/// The client cell at `cols` columns: whole when it fits; cut on a
/// terminal, the English name first so that the Chinese one stays.
fn client_cell(names: &(String, String), cols: usize, fit: Fit) -> String {
    let whole = joined(names);
    if fit == Fit::Whole || text::width(&whole) <= cols {
        return text::pad(&whole, cols.max(text::width(&whole)));
    }
    let (en, zh) = names;
    if zh.is_empty() || cols < 3 {
        return text::pad(&whole, cols);
    }
    // The English name gives way to the Chinese one, down to half.
    let room = cols - 1;
    let en_cols = room
        .saturating_sub(text::width(zh))
        .max(room / 2)
        .min(text::width(en));
    let zh_cols = room - en_cols;
    text::pad(
        &format!(
            "{} {}",
            text::truncate(en, en_cols),
            text::truncate(zh, zh_cols)
        ),
        cols,
    )
}

/// The width of the client column for these names.
fn client_width<'a>(names: impl Iterator<Item = &'a (String, String)>, fit: Fit) -> usize {
    let most = match fit {
        Fit::Cut => CLIENT_COLUMNS,
        Fit::Whole => WHOLE_CLIENT_PAD,
    };
    names
        .map(|n| text::width(&joined(n)))
        .max()
        .unwrap_or(0)
        .clamp(6, most)
}

/// A network's name, made inert; cut on a terminal.
fn network_cell(name: &str, cols: usize, fit: Fit) -> String {
    let name = text::escape_for_terminal(name);
    match fit {
        Fit::Cut => text::truncate(&name, cols),
        Fit::Whole => name,
    }
}

/// The rows as an aligned table, widths in display columns: the ids
/// (`CLIENT_ID/NETWORK_ID`) in a column of their own, the client's
/// English and Chinese names side by side.
pub fn table(rows: &[AgendaRow], fit: Fit) -> String {
    table_in(rows, fit, Lang::En)
}

/// [`table`] with its headers, statuses and kinds in `lang` (ids and
/// names as they are).
pub fn table_in(rows: &[AgendaRow], fit: Fit, lang: Lang) -> String {
    let word = |l: Label, cols: usize| text::pad(&l.get(lang), cols);
    let names: HashMap<ClientId, (String, String)> = rows
        .iter()
        .map(|r| (r.client_id, client_names(&r.client, &r.client_zh)))
        .collect();
    let client_w = client_width(names.values(), fit);
    let id_w = rows
        .iter()
        .map(|r| ids(r.client_id, r.network_id).len())
        .max()
        .unwrap_or(0)
        .max(2);
    let status_w = if lang == Lang::Both { 17 } else { 8 };
    let kind_w = if lang == Lang::Both { 40 } else { 22 };
    let mut out = format!(
        "{}  {}  {}  {}  {:<id_w$}  {}  {}  {}\n",
        word(Label::new("STATUS", "状态"), status_w),
        word(Label::new("DUE", "到期日"), 10),
        right(&Label::new("DAYS", "天数").get(lang), 5),
        right(&Label::new("LVL", "等级").get(lang), 4),
        "ID",
        word(Label::new("KIND", "事项"), kind_w),
        text::pad(&Label::new("CLIENT", "客户").get(lang), client_w),
        Label::new("NETWORK", "定级对象").get(lang)
    );
    for (r, under) in grouped(rows) {
        let kind = if lang == Lang::En {
            r.kind_label(under)
        } else {
            let mark = if under { "└ " } else { "" };
            format!("{mark}{}", labels::due_kind(r.kind).get(lang))
        };
        out.push_str(&format!(
            "{}  {}  {:>5}  {:>4}  {:<id_w$}  {}  {}  {}\n",
            word(labels::due_status(r.status), status_w),
            r.due.format("%Y-%m-%d"),
            r.days_left,
            r.level_mark(),
            ids(r.client_id, r.network_id),
            text::pad(&kind, kind_w),
            client_cell(&names[&r.client_id], client_w, fit),
            network_cell(&r.network, NETWORK_COLUMNS, fit),
        ));
    }
    out
}

/// The table, saying where the other rule set would agree with the filing.
pub fn regrading_table(rows: &[Regrading], rules: RuleSet, fit: Fit) -> String {
    regrading_table_in(rows, rules, fit, Lang::En)
}

/// [`regrading_table`] with its headers in `lang` (ids, names and level
/// numbers as they are).
pub fn regrading_table_in(rows: &[Regrading], rules: RuleSet, fit: Fit, lang: Lang) -> String {
    let names: HashMap<ClientId, (String, String)> = rows
        .iter()
        .map(|r| (r.client_id, client_names(&r.client, &r.client_zh)))
        .collect();
    let head = |l: Label| l.get(lang).into_owned();
    let client_h = head(Label::new("CLIENT", "客户"));
    let client_w = client_width(names.values(), fit).max(text::width(&client_h));
    let id_w = rows
        .iter()
        .map(|r| ids(r.client_id, r.network_id).len())
        .max()
        .unwrap_or(0)
        .max(2);
    let other = match lang {
        Lang::En => rules.other().title().to_uppercase(),
        _ => labels::rule_set(rules.other()).get(lang).into_owned(),
    };
    let agrees = format!(" {}", labels::cli::AGREES_WITH_FILED.get(lang));
    let (filed_h, computed_h) = (
        head(labels::cli::FILED_HEADER),
        head(labels::cli::COMPUTED_HEADER),
    );
    let filed_w = text::width(&filed_h).max(5);
    let computed_w = text::width(&computed_h).max(8);
    let other_w = text::width(&other).max(1 + text::width(&agrees)) + 3;
    let mut out = format!(
        "{:<id_w$}  {}  {}  {}  {}  {}\n",
        "ID",
        text::pad(&client_h, client_w),
        text::pad(&filed_h, filed_w),
        text::pad(&computed_h, computed_w),
        text::pad(&other, other_w),
        head(Label::new("NETWORK", "定级对象")),
    );
    for r in rows {
        let agrees = if r.other_rules == r.filed {
            agrees.as_str()
        } else {
            ""
        };
        out.push_str(&format!(
            "{:<id_w$}  {}  {}  {}  {}  {}\n",
            ids(r.client_id, r.network_id),
            client_cell(&names[&r.client_id], client_w, fit),
            text::pad(&r.filed.to_string(), filed_w),
            text::pad(&r.computed.to_string(), computed_w),
            text::pad(&format!("{}{agrees}", r.other_rules), other_w),
            network_cell(&r.network, 40, fit),
        ));
    }
    out
}

/// Asks glibc's allocator to keep memory this short-lived command frees
/// for its next allocations, rather than handing large blocks back to the
/// system and taking fresh ones (each of whose pages then faults again).
/// `mlps renewals` on the scale data frees the daemon's 1.8 MB answer
/// and builds 15 835 rows: a third fewer page faults, about 1 ms. Other
/// C libraries keep their defaults.
pub(super) fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets two of the allocator's parameters (under
    // its own lock); no memory is touched.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 << 20);
    }
}

/// The rows as `--json` prints them, with the final line break: the bytes
/// of serde_json's pretty form of the rows made inert
/// ([`text::inert_json`]).
pub fn json(rows: &[AgendaRow]) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_json(rows, &mut out);
    out
}

/// Writes [`json`] to `out` as it is made, in pieces of about 64 KiB: a
/// large agenda (15 835 rows, 5 MB on the scale data) is most of what
/// `mlps renewals --json` does, so no text is built twice and the output
/// is never held whole.
pub fn write_json(rows: &[AgendaRow], out: &mut impl Write) -> std::io::Result<()> {
    const PIECE: usize = 64 * 1024;
    fn number(buf: &mut Vec<u8>, n: i64) {
        if n < 0 {
            buf.push(b'-');
        }
        digits(buf, n.unsigned_abs(), 1);
    }
    /// `n` in decimal, zero-padded to `width` digits.
    fn digits(buf: &mut Vec<u8>, mut n: u64, width: usize) {
        let mut tmp = [b'0'; 20];
        let mut at = tmp.len();
        while n > 0 || tmp.len() - at < width {
            at -= 1;
            tmp[at] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        buf.extend_from_slice(&tmp[at..]);
    }
    fn date(buf: &mut Vec<u8>, d: chrono::NaiveDate) {
        use chrono::Datelike;
        match u64::try_from(d.year()) {
            Ok(year) if year <= 9999 => {
                digits(buf, year, 4);
                buf.push(b'-');
                digits(buf, u64::from(d.month()), 2);
                buf.push(b'-');
                digits(buf, u64::from(d.day()), 2);
            }
            // NaiveDate's Display, signed outside 0000-9999. Writing to
            // a Vec cannot fail.
            _ => {
                let _ = write!(buf, "{d}");
            }
        }
    }
    if rows.is_empty() {
        return out.write_all(b"[]\n");
    }
    let mut buf = Vec::with_capacity(PIECE + 4096);
    buf.push(b'[');
    for (i, r) in rows.iter().enumerate() {
        if buf.len() >= PIECE {
            out.write_all(&buf)?;
            buf.clear();
        }
        buf.extend_from_slice(if i == 0 { b"\n  {" } else { b",\n  {" });
        buf.extend_from_slice(b"\n    \"client\": ");
        text::push_inert_json_str(&mut buf, &r.client);
        buf.extend_from_slice(b",\n    \"network\": ");
        text::push_inert_json_str(&mut buf, &r.network);
        buf.extend_from_slice(b",\n    \"level\": ");
        number(&mut buf, i64::from(r.level));
        if let Some(most) = r.max_level {
            buf.extend_from_slice(b",\n    \"max_level\": ");
            number(&mut buf, i64::from(most));
        }
        buf.extend_from_slice(b",\n    \"kind\": \"");
        buf.extend_from_slice(r.kind.as_str().as_bytes());
        // A date needs no escaping.
        buf.extend_from_slice(b"\",\n    \"due\": \"");
        date(&mut buf, r.due);
        buf.extend_from_slice(b"\",\n    \"days_left\": ");
        number(&mut buf, r.days_left);
        buf.extend_from_slice(b",\n    \"status\": \"");
        buf.extend_from_slice(r.status.as_str().as_bytes());
        buf.extend_from_slice(b"\",\n    \"client_id\": ");
        digits(&mut buf, r.client_id.0, 1);
        buf.extend_from_slice(b",\n    \"network_id\": ");
        digits(&mut buf, r.network_id.0, 1);
        buf.extend_from_slice(b",\n    \"client_zh\": ");
        text::push_inert_json_str(&mut buf, &r.client_zh);
        buf.extend_from_slice(b"\n  }");
    }
    buf.extend_from_slice(b"\n]\n");
    out.write_all(&buf)
}

/// `mlps renewals` and `mlps due`: the table (or JSON), the counts and,
/// for `due`, the networks to re-grade; only those of `found`, the client
/// or network a QUERY found, when there is one.
#[allow(clippy::too_many_arguments)]
pub(super) fn print_agenda(
    store: &dyn CaseStore,
    today: chrono::NaiveDate,
    args: &AgendaArgs,
    renewals_only: bool,
    settings: &crate::domain::settings::Settings,
    found: Option<&Found>,
    (fit, lang): (Fit, Lang),
    out: &mut impl Write,
) -> Result<()> {
    let due_soon = settings.due_soon_days;
    let mut rows =
        crate::service::agenda::rows(store, today, args.within, renewals_only, due_soon)?;
    if let Some(found) = found {
        rows.retain(|r| found.covers(r.client_id, r.network_id));
    }
    if args.json {
        return write_json(&rows, out).map_err(io_error);
    }
    let what = if renewals_only {
        labels::cli::RENEWALS
    } else {
        labels::cli::OPEN_DEADLINES
    };
    let of = found
        .map(|f| {
            (
                text::escape_for_terminal(&f.describe()),
                text::escape_for_terminal(&describe_zh(f)),
            )
        })
        .unwrap_or_default();
    let until = crate::domain::calendar::add_days(today, args.within);
    writeln!(
        out,
        "{}",
        labels::cli::agenda_heading(
            lang,
            what,
            (&of.0, &of.1),
            &until.to_string(),
            &today.to_string()
        )
    )
    .map_err(io_error)?;
    if rows.is_empty() {
        writeln!(
            out,
            "{}",
            labels::cli::lines(labels::cli::NOTHING_DUE, lang)
        )
        .map_err(io_error)?;
    } else {
        out.write_all(table_in(&rows, fit, lang).as_bytes())
            .map_err(io_error)?;
        let count = |s| rows.iter().filter(|r| r.status == s).count();
        use crate::domain::timeline::DueStatus;
        writeln!(
            out,
            "{}",
            labels::cli::agenda_counts(
                lang,
                count(DueStatus::Overdue),
                count(DueStatus::Due),
                count(DueStatus::Upcoming),
                due_soon
            )
        )
        .map_err(io_error)?;
    }
    if !renewals_only {
        print_regrading(store, settings.rules, found, (fit, lang), out)?;
    }
    Ok(())
}

/// What a query found, in Chinese: `客户 16 Acme 阿克米` /
/// `定级对象 16/17 Online shop — Acme 阿克米` (the English is
/// `Found::describe`).
fn describe_zh(found: &Found) -> String {
    let names = crate::service::lookup::names(found.client());
    match found.network() {
        None => format!("{} {} {names}", labels::cli::CLIENT_WORD.zh, found.id()),
        Some(n) => format!(
            "{} {} {} — {names}",
            labels::cli::NETWORK_WORD.zh,
            found.id(),
            n.name
        ),
    }
}

/// Lists the filed networks whose computed level differs from the filed
/// one (of `found` only, when given): they must be re-graded and
/// re-filed.
fn print_regrading(
    store: &dyn CaseStore,
    rules: RuleSet,
    found: Option<&Found>,
    (fit, lang): (Fit, Lang),
    out: &mut impl Write,
) -> Result<()> {
    let mut rows = crate::service::agenda::regrading_needed(store, rules)?;
    if let Some(found) = found {
        rows.retain(|r| found.covers(r.client_id, r.network_id));
    }
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\n{}",
        labels::cli::lines(labels::cli::REGRADING_HEADING, lang)
    )
    .map_err(io_error)?;
    out.write_all(regrading_table_in(&rows, rules, fit, lang).as_bytes())
        .map_err(io_error)
}

/// What `mlps` prints when it is not run in a terminal (a pipe, cron):
/// the counts, the renewals of the next 90 days and the re-grading list.
pub(super) fn overview(store: &dyn CaseStore, config: &Config) -> Result<()> {
    let clients = store.clients()?.len();
    let networks = store.networks()?.len();
    let today = config::today(None)?;
    let rows = crate::service::agenda::rows(store, today, 90, true, config.settings.due_soon_days)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{clients} clients, {networks} networks.").map_err(io_error)?;
    out.write_all(b"\n").map_err(io_error)?;
    if rows.is_empty() {
        writeln!(out, "No renewals due in the next 90 days.").map_err(io_error)?;
    } else {
        writeln!(out, "Renewals due in the next 90 days (overdue first):").map_err(io_error)?;
        out.write_all(table(&rows, Fit::stdout()).as_bytes())
            .map_err(io_error)?;
    }
    print_regrading(
        store,
        config.settings.rules,
        None,
        (Fit::stdout(), Lang::En),
        &mut out,
    )?;
    writeln!(
        out,
        "\nRun mlps in a terminal for the case manager; mlps --help lists the commands."
    )
    .map_err(io_error)
}

/// `mlps triage`: the networks that need attention, most urgent first,
/// each with its next action and why, its further reasons below it; or
/// the JSON array; or, `--brief`, one line of counts (nothing when none
/// is pressing). Names are never cut: a script reads every column.
pub(super) fn print_triage(
    rows: &[crate::domain::triage::TriageRow],
    today: chrono::NaiveDate,
    args: &super::TriageArgs,
    settings: &crate::domain::settings::Settings,
    lang: Lang,
    out: &mut impl Write,
) -> Result<()> {
    use crate::domain::triage::Tier;
    if args.json {
        let text = serde_json::to_string_pretty(rows).map_err(|e| Error::runtime(e.to_string()))?;
        let mut text = crate::text::inert_json(&text);
        text.push('\n');
        return out.write_all(text.as_bytes()).map_err(io_error);
    }
    if args.brief {
        let count = |t: Tier| {
            rows.iter()
                .filter(|r| r.reasons.iter().any(|x| x.tier == t))
                .count()
        };
        let counts = (
            count(Tier::Overdue),
            count(Tier::Due),
            count(Tier::Regrading),
            count(Tier::Stalled),
        );
        let fixes: usize = rows
            .iter()
            .filter_map(|r| r.rectification.as_ref())
            .map(|r| r.overdue)
            .sum();
        return match labels::cli::triage_brief_with_fixes(
            lang,
            counts,
            fixes,
            settings.due_soon_days,
        ) {
            Some(line) => writeln!(out, "{line}").map_err(io_error),
            None => Ok(()),
        };
    }
    let today = today.to_string();
    if rows.is_empty() {
        return writeln!(
            out,
            "{}",
            labels::cli::nothing_needs_attention(lang, &today)
        )
        .map_err(io_error);
    }
    writeln!(
        out,
        "{}",
        labels::cli::need_attention(lang, rows.len(), &today)
    )
    .map_err(io_error)?;
    let client = |r: &crate::domain::triage::TriageRow| {
        if r.client_zh.is_empty() || r.client_zh == r.client {
            r.client.clone()
        } else {
            format!("{} {}", r.client, r.client_zh)
        }
    };
    let ids =
        |r: &crate::domain::triage::TriageRow| format!("{}/{}", r.client_id.0, r.network_id.0);
    let width = |f: &dyn Fn(&crate::domain::triage::TriageRow) -> String, title: &str| {
        rows.iter()
            .map(|r| text::width(&f(r)))
            .chain([text::width(title)])
            .max()
            .unwrap_or(0)
    };
    let head = |l: Label| l.get(lang).into_owned();
    let (client_h, network_h) = (
        head(Label::new("CLIENT", "客户")),
        head(Label::new("NETWORK", "定级对象")),
    );
    let id_w = width(&ids, "ID");
    let client_w = width(&client, &client_h);
    let network_w = width(&|r| r.network.clone(), &network_h);
    let tier_w = if lang == Lang::Both { 24 } else { 11 };
    let lead = tier_w + 2 + 5 + 2 + 5 + 2 + id_w + 2 + client_w + 2 + network_w + 2;
    writeln!(
        out,
        "{}  {}  {}  {}  {}  {}  {}",
        text::pad(&head(Label::new("URGENCY", "紧急程度")), tier_w),
        right(&head(Label::new("DAYS", "天数")), 5),
        text::pad(&head(Label::new("LVL", "等级")), 5),
        text::pad("ID", id_w),
        text::pad(&client_h, client_w),
        text::pad(&network_h, network_w),
        head(Label::new("NEXT ACTION (WHY)", "下一步（原因）")),
    )
    .map_err(io_error)?;
    for r in rows {
        let first = r.first();
        let days = first.days.map_or(String::new(), |d| d.to_string());
        writeln!(
            out,
            "{}  {:>5}  {:<5}  {}  {}  {}  {}",
            text::pad(&labels::tier(first.tier).get(lang), tier_w),
            days,
            r.level_mark(),
            text::pad(&ids(r), id_w),
            text::pad(&text::escape_for_terminal(&client(r)), client_w),
            text::pad(&text::escape_for_terminal(&r.network), network_w),
            sentence(first, lang)
        )
        .map_err(io_error)?;
        for more in &r.reasons[1..] {
            writeln!(
                out,
                "{:lead$}{} ({}): {}",
                "",
                Label::new("also", "另有").get(lang),
                labels::tier(more.tier).get(lang),
                sentence(more, lang)
            )
            .map_err(io_error)?;
        }
        if let Some(rect) = &r.rectification {
            writeln!(
                out,
                "{:lead$}{}: {}",
                "",
                Label::new("rectification", "整改进度").get(lang),
                rectification_line(rect, lang)
            )
            .map_err(io_error)?;
        }
    }
    Ok(())
}

/// A row's rectification progress in `lang`: the line the row carries in
/// English, the same counts in Chinese (`已整改 12/40，高风险未关闭 2，逾期 3`).
fn rectification_line(r: &crate::domain::triage::findings::Rectification, lang: Lang) -> String {
    let zh = || {
        let mut parts = vec![format!("已整改 {}/{}", r.fixed, r.total)];
        if r.high_open > 0 {
            parts.push(format!("高风险未关闭 {}", r.high_open));
        }
        if r.overdue > 0 {
            parts.push(format!("逾期 {}", r.overdue));
        }
        parts.join("，")
    };
    match lang {
        Lang::En => r.line.clone(),
        Lang::Zh => zh(),
        Lang::Both => format!("{} {}", r.line, zh()),
    }
}

/// A reason's next action and why: in English as the engine says it (ids
/// as ids, as scripts read it), else in `lang`.
fn sentence(r: &crate::domain::triage::Reason, lang: Lang) -> String {
    match lang {
        Lang::En => r.sentence(),
        _ => labels::reason_sentence(r, lang),
    }
}

/// `s` padded on the left to `cols` display columns.
fn right(s: &str, cols: usize) -> String {
    format!("{}{s}", " ".repeat(cols.saturating_sub(text::width(s))))
}
