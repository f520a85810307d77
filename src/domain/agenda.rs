//! The agenda's rows: one open obligation of a network, with the names a
//! person reads it by, and how lists group them. Pure data; the query over
//! a store is `crate::service::agenda`. A network's open findings add
//! rows of their own (`finding_rows`): one per due date of its fixes.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::gaps::Finding;
use crate::domain::model::{Client, ClientId, Level, Network, NetworkId};
use crate::domain::timeline::{DueKind, DueStatus, status_for};

/// One row, in the shape `renewals --json` and `due --json` print: the
/// keys of `interfaces.md` first, then the ids and the client's Chinese
/// name (added later, so scripts need not match names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgendaRow {
    /// The client's display name: English, else Chinese.
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
    pub client_id: ClientId,
    pub network_id: NetworkId,
    /// The client's Chinese name; empty when it has none.
    pub client_zh: String,
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
    let renewed: HashSet<NetworkId> = rows
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

/// The due dates of `findings`' open fixes (gaps neither fixed nor
/// verified, with a due date), each with how many fall due that day.
pub fn finding_due_dates(findings: &[Finding]) -> BTreeMap<NaiveDate, usize> {
    let mut out = BTreeMap::new();
    for f in findings.iter().filter(|f| f.is_open_gap()) {
        if let Some(due) = f.due {
            *out.entry(due).or_insert(0) += 1;
        }
    }
    out
}

/// The agenda rows of `network`'s open findings: one `finding_due` row
/// per due date of its open fixes (a gap list gives many fixes the same
/// date; the agenda lists the date once), due within `within` days of
/// `today`, overdue ones always included, like the store's due index.
/// `level` and `max_level` are the network's as its other rows carry
/// them. Empty without findings, so that the agenda is unchanged.
#[allow(clippy::too_many_arguments)]
pub fn finding_rows(
    client: &Client,
    network: &Network,
    level: Level,
    max_level: Option<Level>,
    findings: &[Finding],
    today: NaiveDate,
    within: u32,
    due_soon_days: u32,
) -> Vec<AgendaRow> {
    let until = crate::domain::calendar::add_days(today, within);
    finding_due_dates(findings)
        .into_keys()
        .filter(|due| *due <= until)
        .map(|due| {
            let days_left = (due - today).num_days();
            AgendaRow {
                client: client.display_name().to_string(),
                network: network.name.clone(),
                level: level.get(),
                max_level: max_level.filter(|m| *m > level).map(Level::get),
                kind: DueKind::FindingDue,
                due,
                days_left,
                status: status_for(days_left, due_soon_days),
                client_id: client.id,
                network_id: network.id,
                client_zh: client.name_zh.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::gaps::{ComplianceResult, FindingId, FindingStatus, Risk};

    fn d(s: &str) -> NaiveDate {
        crate::domain::calendar::parse_date(s).unwrap()
    }

    fn finding(id: u64, due: Option<&str>) -> Finding {
        let mut f = Finding::new(
            FindingId(id),
            "computing.backup",
            "no off-site backup",
            ComplianceResult::NonCompliant,
            Risk::Medium,
            d("2026-09-01"),
        );
        f.due = due.map(d);
        f
    }

    fn names() -> (Client, Network) {
        let client = Client {
            id: ClientId(1),
            name: "Acme".into(),
            name_zh: "阿克米".into(),
            ..Client::default()
        };
        let network = Network {
            id: NetworkId(2),
            client: ClientId(1),
            revision: 1,
            name: "CRM".into(),
            notes: String::new(),
            answers: Default::default(),
            overrides: Default::default(),
            filed_level: None,
            milestones: Vec::new(),
        };
        (client, network)
    }

    #[test]
    fn open_fixes_give_one_row_per_due_date_within_the_window() {
        let (c, n) = names();
        let mut fixed = finding(5, Some("2026-11-01"));
        fixed
            .set_status(FindingStatus::Fixed, d("2026-10-20"))
            .unwrap();
        let mut compliant = finding(6, Some("2026-11-02"));
        compliant.result = ComplianceResult::Compliant;
        let findings = [
            finding(1, Some("2026-11-20")),
            finding(2, Some("2026-11-20")),
            finding(3, Some("2026-12-15")),
            finding(4, Some("2027-06-30")),
            finding(7, None),
            fixed,
            compliant,
        ];
        let today = d("2026-11-28");
        let rows = finding_rows(&c, &n, Level::L3, None, &findings, today, 30, 30);
        let got: Vec<(String, i64, DueStatus)> = rows
            .iter()
            .map(|r| (r.due.to_string(), r.days_left, r.status))
            .collect();
        assert_eq!(
            got,
            vec![
                ("2026-11-20".to_string(), -8, DueStatus::Overdue),
                ("2026-12-15".to_string(), 17, DueStatus::Due),
            ]
        );
        assert!(rows.iter().all(|r| r.kind == DueKind::FindingDue));
        assert_eq!(rows[0].client_zh, "阿克米");
        assert_eq!(rows[0].level, 3);
        assert_eq!(finding_due_dates(&findings).get(&d("2026-11-20")), Some(&2));
        // A wider window reaches the fix due in June.
        assert_eq!(
            finding_rows(&c, &n, Level::L3, None, &findings, today, 365, 30).len(),
            3
        );
    }

    #[test]
    fn no_findings_no_rows_and_the_json_names_the_kind() {
        let (c, n) = names();
        let today = d("2026-11-28");
        assert!(finding_rows(&c, &n, Level::L2, None, &[], today, 30, 30).is_empty());
        let rows = finding_rows(
            &c,
            &n,
            Level::L2,
            Some(Level::L3),
            &[finding(1, Some("2026-12-01"))],
            today,
            30,
            30,
        );
        let json = serde_json::to_value(&rows[0]).unwrap();
        assert_eq!(json["kind"], "finding_due");
        assert_eq!(json["due"], "2026-12-01");
        assert_eq!(json["status"], "due");
        assert_eq!(json["max_level"], 3);
        assert!(!DueKind::FindingDue.is_renewal());
        let words = crate::domain::labels::due_kind(DueKind::FindingDue);
        assert_eq!((words.en, words.zh), ("fix due", "整改期限"));
    }
}
