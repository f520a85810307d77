//! The agenda's rows: one open obligation of a network, with the names a
//! person reads it by, and how lists group them. Pure data; the query over
//! a store is `crate::service::agenda`.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::model::{ClientId, NetworkId};
use crate::domain::timeline::{DueKind, DueStatus};

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
