//! The agenda of open obligations that `mlps renewals` and `mlps due`
//! print: read from the due-date index, joined with client and network
//! names, sorted by date, then client, then network.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::grading::{self, RuleSet};
use crate::domain::model::{ClientId, Level, NetworkId};
use crate::domain::timeline::{DueKind, DueStatus, status_for};
use crate::error::Result;
use crate::store::CaseStore;
use crate::text;

/// One row, in the shape of interfaces.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgendaRow {
    pub client: String,
    pub network: String,
    pub level: u8,
    pub kind: DueKind,
    #[serde(with = "crate::domain::calendar::date_serde")]
    pub due: NaiveDate,
    pub days_left: i64,
    pub status: DueStatus,
    #[serde(skip)]
    pub client_id: ClientId,
    #[serde(skip)]
    pub network_id: NetworkId,
}

/// Open obligations due within `within` days of `today`, overdue ones
/// always included; only renewals when `renewals_only`.
pub fn rows(
    store: &dyn CaseStore,
    today: NaiveDate,
    within: u32,
    renewals_only: bool,
    due_soon_days: u32,
) -> Result<Vec<AgendaRow>> {
    let until = crate::domain::calendar::add_days(today, within);
    let mut out = Vec::new();
    for named in store.due_named_until(until, renewals_only)? {
        let (item, client, network) = (named.item, named.client, named.network);
        let days_left = (item.due - today).num_days();
        out.push(AgendaRow {
            client,
            network,
            level: item.level.get(),
            kind: item.kind,
            due: item.due,
            days_left,
            status: status_for(days_left, due_soon_days),
            client_id: item.client,
            network_id: item.network,
        });
    }
    out.sort_by(|a, b| {
        (a.due, &a.client, &a.network, a.kind).cmp(&(b.due, &b.client, &b.network, b.kind))
    });
    Ok(out)
}

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
        "{:<8}  {:<10}  {:>5}  {:>3}  {:<20}  {}  {}\n",
        "STATUS",
        "DUE",
        "DAYS",
        "LVL",
        "KIND",
        text::pad("CLIENT", client_w),
        "NETWORK"
    );
    for r in rows {
        out.push_str(&format!(
            "{:<8}  {}  {:>5}  {:>3}  {:<20}  {}  {}\n",
            r.status.as_str(),
            r.due.format("%Y-%m-%d"),
            r.days_left,
            r.level,
            r.kind.label(),
            text::pad(&text::escape_for_terminal(&r.client), client_w),
            text::truncate(&text::escape_for_terminal(&r.network), network_w),
        ));
    }
    out
}

/// A filed network whose computed level differs from its filed level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regrading {
    pub client: String,
    pub network: String,
    pub filed: Level,
    pub computed: Level,
    /// The computed level under the other rule set.
    pub other_rules: Level,
}

/// Every network that needs re-grading, by client then network.
pub fn regrading_needed(store: &dyn CaseStore, rules: RuleSet) -> Result<Vec<Regrading>> {
    let names: HashMap<ClientId, String> = store
        .clients()?
        .into_iter()
        .map(|c| (c.id, c.display_name().to_string()))
        .collect();
    let mut out: Vec<Regrading> = store
        .networks()?
        .into_iter()
        .filter_map(|n| {
            let filed = n.filed_level?;
            let computed = grading::level(&n.answers, &n.overrides, rules);
            let other_rules = grading::level(&n.answers, &n.overrides, rules.other());
            (filed != computed).then(|| Regrading {
                client: names.get(&n.client).cloned().unwrap_or_default(),
                network: n.name,
                filed,
                computed,
                other_rules,
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.client, &a.network).cmp(&(&b.client, &b.network)));
    Ok(out)
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
