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
    /// While open answers could raise the level: the highest level they
    /// could lead to (the level is provisional). Absent when it is firm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_level: Option<u8>,
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
            max_level: (item.max_level > item.level).then(|| item.max_level.get()),
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

impl AgendaRow {
    /// The level as tables show it: `3`, or `1–4?` while provisional.
    pub fn level_mark(&self) -> String {
        match self.max_level {
            Some(most) => format!("{}–{most}?", self.level),
            None => self.level.to_string(),
        }
    }

    /// The kind as tables show it; a certificate expiry listed under its
    /// network's renewal is marked as belonging to it.
    pub fn kind_label(&self, under_renewal: bool) -> String {
        if under_renewal {
            format!("└ {}", self.kind.label())
        } else {
            self.kind.label().to_string()
        }
    }
}

/// The rows in the order tables show them: by date, except that a
/// certificate expiry follows its network's renewal when that is listed
/// too. Each row comes with whether it is such an expiry.
pub fn grouped(rows: &[AgendaRow]) -> Vec<(&AgendaRow, bool)> {
    let renewed: std::collections::HashSet<NetworkId> = rows
        .iter()
        .filter(|r| r.kind.is_renewal())
        .map(|r| r.network_id)
        .collect();
    let mut expiries: HashMap<NetworkId, Vec<&AgendaRow>> = HashMap::new();
    for r in rows {
        if r.kind == DueKind::CertificateExpiry && renewed.contains(&r.network_id) {
            expiries.entry(r.network_id).or_default().push(r);
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        if r.kind == DueKind::CertificateExpiry && renewed.contains(&r.network_id) {
            continue;
        }
        out.push((r, false));
        if r.kind.is_renewal()
            && let Some(list) = expiries.remove(&r.network_id)
        {
            out.extend(list.into_iter().map(|x| (x, true)));
        }
    }
    out
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
