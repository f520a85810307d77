//! The agenda as `mlps renewals` and `mlps due` print it: aligned tables,
//! widths in display columns.

use crate::domain::agenda::{AgendaRow, grouped};
use crate::domain::grading::RuleSet;
use crate::service::agenda::Regrading;
use crate::text;

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
