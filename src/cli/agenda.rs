//! The agenda as `mlps renewals` and `mlps due` print it (and `mlps` when
//! not in a terminal): aligned tables, widths in display columns.

use std::io::Write;

use crate::config;
use crate::domain::agenda::{AgendaRow, grouped};
use crate::domain::grading::RuleSet;
use crate::domain::settings::Config;
use crate::error::{Error, Result};
use crate::service::agenda::Regrading;
use crate::store::CaseStore;
use crate::text;

use super::{AgendaArgs, io_error};

/// The rows as an aligned table, widths in display columns.
pub fn table(rows: &[AgendaRow]) -> String {
    let client_w = rows
        .iter()
        .map(|r| text::width(&r.client))
        .max()
        .unwrap_or(0)
        .clamp(6, 36);
    let network_w = rows
        .iter()
        .map(|r| text::width(&r.network))
        .max()
        .unwrap_or(0)
        .clamp(7, 30);
    let mut out = format!(
        "{:<8}  {:<10}  {:>5}  {:>4}  {:<22}  {}  {}\n",
        "STATUS",
        "DUE",
        "DAYS",
        "LVL",
        "KIND",
        text::pad("CLIENT", client_w),
        "NETWORK"
    );
    for (r, under) in grouped(rows) {
        out.push_str(&format!(
            "{:<8}  {}  {:>5}  {:>4}  {:<22}  {}  {}\n",
            r.status.as_str(),
            r.due.format("%Y-%m-%d"),
            r.days_left,
            r.level_mark(),
            r.kind_label(under),
            text::pad(&text::escape_for_terminal(&r.client), client_w),
            text::truncate(&text::escape_for_terminal(&r.network), network_w),
        ));
    }
    out
}

/// The table, saying where the other rule set would agree with the filing.
pub fn regrading_table(rows: &[Regrading], rules: RuleSet) -> String {
    let client_w = rows
        .iter()
        .map(|r| text::width(&r.client))
        .max()
        .unwrap_or(0)
        .clamp(6, 36);
    let other = rules.other().title();
    let other_w = other.len() + 3;
    let mut out = format!(
        "{}  {:<5}  {:<8}  {:<other_w$}  NETWORK\n",
        text::pad("CLIENT", client_w),
        "FILED",
        "COMPUTED",
        other.to_uppercase(),
    );
    for r in rows {
        let agrees = if r.other_rules == r.filed {
            " =filed"
        } else {
            ""
        };
        out.push_str(&format!(
            "{}  {:<5}  {:<8}  {:<other_w$}  {}\n",
            text::pad(&text::escape_for_terminal(&r.client), client_w),
            r.filed,
            r.computed,
            format!("{}{agrees}", r.other_rules),
            text::truncate(&text::escape_for_terminal(&r.network), 40),
        ));
    }
    out
}

/// `mlps renewals` and `mlps due`: the table (or JSON), the counts and,
/// for `due`, the networks to re-grade.
pub(super) fn print_agenda(
    store: &dyn CaseStore,
    today: chrono::NaiveDate,
    args: &AgendaArgs,
    renewals_only: bool,
    settings: &crate::domain::settings::Settings,
    out: &mut impl Write,
) -> Result<()> {
    let due_soon = settings.due_soon_days;
    let rows = crate::service::agenda::rows(store, today, args.within, renewals_only, due_soon)?;
    if args.json {
        let text =
            serde_json::to_string_pretty(&rows).map_err(|e| Error::runtime(e.to_string()))?;
        let mut text = crate::text::inert_json(&text);
        text.push('\n');
        return out.write_all(text.as_bytes()).map_err(io_error);
    }
    let what = if renewals_only {
        "Renewals"
    } else {
        "Open deadlines"
    };
    let until = crate::domain::calendar::add_days(today, args.within);
    writeln!(
        out,
        "{what} due by {until} (today {today}; overdue ones always shown)"
    )
    .map_err(io_error)?;
    if rows.is_empty() {
        writeln!(out, "Nothing is due.").map_err(io_error)?;
    } else {
        out.write_all(table(&rows).as_bytes()).map_err(io_error)?;
        let count = |s| rows.iter().filter(|r| r.status == s).count();
        use crate::domain::timeline::DueStatus;
        writeln!(
            out,
            "{} overdue, {} due within {due_soon} days, {} later.",
            count(DueStatus::Overdue),
            count(DueStatus::Due),
            count(DueStatus::Upcoming)
        )
        .map_err(io_error)?;
    }
    if !renewals_only {
        print_regrading(store, settings.rules, out)?;
    }
    Ok(())
}

/// Lists the filed networks whose computed level differs from the filed
/// one: they must be re-graded and re-filed.
fn print_regrading(store: &dyn CaseStore, rules: RuleSet, out: &mut impl Write) -> Result<()> {
    let rows = crate::service::agenda::regrading_needed(store, rules)?;
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\nRe-grading needed (computed level differs from the filed one):"
    )
    .map_err(io_error)?;
    out.write_all(regrading_table(&rows, rules).as_bytes())
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
        out.write_all(table(&rows).as_bytes()).map_err(io_error)?;
    }
    print_regrading(store, config.settings.rules, &mut out)?;
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
        let due_soon = settings.due_soon_days;
        let parts: Vec<String> = [
            (count(Tier::Overdue), "overdue".to_string()),
            (count(Tier::Due), format!("due within {due_soon} days")),
            (count(Tier::Regrading), "to re-grade".to_string()),
            (count(Tier::Stalled), "stalled".to_string()),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if parts.is_empty() {
            return Ok(());
        }
        return writeln!(out, "mlps: {}: run mlps triage", parts.join(", ")).map_err(io_error);
    }
    if rows.is_empty() {
        return writeln!(out, "Nothing needs attention on {today}.").map_err(io_error);
    }
    writeln!(
        out,
        "{} need attention on {today}, most urgent first:",
        text::counted(rows.len(), "network", "networks")
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
    let id_w = width(&ids, "ID");
    let client_w = width(&client, "CLIENT");
    let network_w = width(&|r| r.network.clone(), "NETWORK");
    let lead = 11 + 2 + 5 + 2 + 5 + 2 + id_w + 2 + client_w + 2 + network_w + 2;
    writeln!(
        out,
        "{:<11}  {:>5}  {:<5}  {}  {}  {}  NEXT ACTION (WHY)",
        "URGENCY",
        "DAYS",
        "LVL",
        text::pad("ID", id_w),
        text::pad("CLIENT", client_w),
        text::pad("NETWORK", network_w),
    )
    .map_err(io_error)?;
    for r in rows {
        let first = r.first();
        let days = first.days.map_or(String::new(), |d| d.to_string());
        writeln!(
            out,
            "{:<11}  {:>5}  {:<5}  {}  {}  {}  {}",
            first.tier.label(),
            days,
            r.level_mark(),
            text::pad(&ids(r), id_w),
            text::pad(&text::escape_for_terminal(&client(r)), client_w),
            text::pad(&text::escape_for_terminal(&r.network), network_w),
            first.sentence()
        )
        .map_err(io_error)?;
        for more in &r.reasons[1..] {
            writeln!(
                out,
                "{:lead$}also ({}): {}",
                "",
                more.tier.label(),
                more.sentence()
            )
            .map_err(io_error)?;
        }
    }
    Ok(())
}
