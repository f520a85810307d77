//! The agenda of open obligations that `mlps renewals`, `mlps due`, the
//! calendar feed and the case manager's agenda show: read from the
//! due-date index, joined with client and network names, sorted by date,
//! then client, then network; and the networks that need re-grading.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::agenda::AgendaRow;
use crate::domain::grading::{self, RuleSet};
use crate::domain::model::{ClientId, Level, NetworkId};
use crate::domain::timeline::status_for;
use crate::error::Result;
use crate::store::CaseStore;

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
    // The level each network's rows carry, for its fixes' rows: only
    // those need it (renewals have none).
    let mut known: HashMap<NetworkId, Known> = HashMap::new();
    store.visit_due_named(
        until,
        renewals_only,
        &mut |item, client, client_zh, network| {
            if !renewals_only {
                known.insert(
                    item.network,
                    Known {
                        client: item.client,
                        client_name: client.to_string(),
                        client_zh: client_zh.to_string(),
                        network: network.to_string(),
                        levels: (item.level, item.max_level),
                    },
                );
            }
            let days_left = (item.due - today).num_days();
            out.push(AgendaRow {
                client: client.to_string(),
                network: network.to_string(),
                level: item.level.get(),
                max_level: (item.max_level > item.level).then(|| item.max_level.get()),
                kind: item.kind,
                due: item.due,
                days_left,
                status: status_for(days_left, due_soon_days),
                client_id: item.client,
                network_id: item.network,
                client_zh: client_zh.to_string(),
            });
        },
    )?;
    if !renewals_only {
        out.extend(finding_rows(store, today, within, due_soon_days, &known)?);
    }
    out.sort_by(|a, b| {
        (a.due, &a.client, &a.network, a.kind).cmp(&(b.due, &b.client, &b.network, b.kind))
    });
    Ok(out)
}

/// What the due index already told about a network: enough for the rows
/// of its fixes, without reading it.
struct Known {
    client: ClientId,
    client_name: String,
    client_zh: String,
    network: String,
    levels: (Level, Level),
}

/// Up to this many networks with fixes due and no other row are read one
/// by one; more, and every network is read in one call. Measured on the
/// 10,000-client demo (2026-12-05, release build): reading its few
/// thousand such networks one by one made `mlps due` take 0.66 s, reading
/// all 49,915 networks 1.7 s.
const READ_ONE_BY_ONE: usize = 5_000;

/// The `finding_due` rows: one per due date of each network's open fixes
/// (see [`crate::domain::agenda::finding_rows`]), from one read of every
/// finding. A network's level is the one its other rows carry, else its
/// filed level, else the level its answers give under the conservative
/// rules.
fn finding_rows(
    store: &dyn CaseStore,
    today: NaiveDate,
    within: u32,
    due_soon_days: u32,
    known: &HashMap<NetworkId, Known>,
) -> Result<Vec<AgendaRow>> {
    let until = crate::domain::calendar::add_days(today, within);
    let mut due: Vec<(NetworkId, Vec<crate::domain::gaps::Finding>)> =
        crate::service::triage::findings_by_network(store)?
            .into_iter()
            .filter(|(_, fs)| {
                crate::domain::agenda::finding_due_dates(fs)
                    .keys()
                    .next()
                    .is_some_and(|first| *first <= until)
            })
            .collect();
    if due.is_empty() {
        return Ok(Vec::new());
    }
    due.sort_by_key(|(id, _)| *id);
    let unknown: Vec<NetworkId> = due
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !known.contains_key(id))
        .collect();
    let mut networks: HashMap<NetworkId, crate::domain::model::Network> = HashMap::new();
    if unknown.len() <= READ_ONE_BY_ONE {
        for id in unknown {
            if let Some(n) = store.network(id)? {
                networks.insert(id, n);
            }
        }
    } else {
        networks = store.networks()?.into_iter().map(|n| (n.id, n)).collect();
    }
    let mut clients: HashMap<ClientId, crate::domain::model::Client> = HashMap::new();
    let mut out = Vec::new();
    for (id, findings) in &due {
        if let Some(k) = known.get(id) {
            // The names and level the index gave: no read.
            let client = crate::domain::model::Client {
                id: k.client,
                name: k.client_name.clone(),
                name_zh: k.client_zh.clone(),
                ..crate::domain::model::Client::default()
            };
            let network = crate::domain::model::Network {
                id: *id,
                client: k.client,
                revision: 0,
                name: k.network.clone(),
                notes: String::new(),
                answers: Default::default(),
                overrides: Default::default(),
                filed_level: None,
                milestones: Vec::new(),
            };
            out.extend(crate::domain::agenda::finding_rows(
                &client,
                &network,
                k.levels.0,
                Some(k.levels.1),
                findings,
                today,
                within,
                due_soon_days,
            ));
            continue;
        }
        let Some(network) = networks.get(id) else {
            continue;
        };
        if !clients.contains_key(&network.client) {
            match store.client(network.client)? {
                Some(c) => clients.insert(c.id, c),
                None => continue,
            };
        }
        let Some(client) = clients.get(&network.client) else {
            continue;
        };
        let level = network.filed_level.unwrap_or_else(|| {
            grading::level(&network.answers, &network.overrides, RuleSet::Conservative)
        });
        let max_level = level;
        out.extend(crate::domain::agenda::finding_rows(
            client,
            network,
            level,
            Some(max_level),
            findings,
            today,
            within,
            due_soon_days,
        ));
    }
    Ok(out)
}

/// A filed network whose computed level differs from its filed level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regrading {
    /// The client's display name (English, else Chinese).
    pub client: String,
    /// The client's Chinese name; empty when it has none.
    pub client_zh: String,
    pub client_id: ClientId,
    pub network_id: crate::domain::model::NetworkId,
    pub network: String,
    pub filed: Level,
    pub computed: Level,
    /// The computed level under the other rule set.
    pub other_rules: Level,
}

/// Every network that needs re-grading, by client then network.
pub fn regrading_needed(store: &dyn CaseStore, rules: RuleSet) -> Result<Vec<Regrading>> {
    let names: HashMap<ClientId, (String, String)> = store
        .clients()?
        .into_iter()
        .map(|c| (c.id, (c.display_name().to_string(), c.name_zh)))
        .collect();
    let mut out: Vec<Regrading> = store
        .networks()?
        .into_iter()
        .filter_map(|n| {
            let filed = n.filed_level?;
            let computed = grading::level(&n.answers, &n.overrides, rules);
            let other_rules = grading::level(&n.answers, &n.overrides, rules.other());
            (filed != computed).then(|| {
                let (client, client_zh) = names.get(&n.client).cloned().unwrap_or_default();
                Regrading {
                    client,
                    client_zh,
                    client_id: n.client,
                    network_id: n.id,
                    network: n.name,
                    filed,
                    computed,
                    other_rules,
                }
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.client, &a.network).cmp(&(&b.client, &b.network)));
    Ok(out)
}
