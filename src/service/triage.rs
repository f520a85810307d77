//! The triage list over a store: every network that needs attention, with
//! its reasons (see [`crate::domain::triage`]), most urgent first.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::grading;
use crate::domain::model::NetworkId;
use crate::domain::settings::Config;
use crate::domain::timeline;
use crate::domain::triage::{self, Context, SortBy, TriageRow};
use crate::error::Result;
use crate::store::CaseStore;

/// Every network that needs attention on `today`, ranked by urgency.
pub fn rows(store: &dyn CaseStore, today: NaiveDate, config: &Config) -> Result<Vec<TriageRow>> {
    let clients: HashMap<_, _> = store.clients()?.into_iter().map(|c| (c.id, c)).collect();
    let settings = &config.settings;
    let cx = Context {
        today,
        due_soon_days: settings.due_soon_days,
        stall_days: &settings.stall_days,
    };
    // Every finding in one call, grouped by network: one request however
    // many networks there are.
    let mut findings = findings_by_network(store)?;
    let mut out = Vec::new();
    for n in store.networks()? {
        let Some(client) = clients.get(&n.client) else {
            continue;
        };
        let grade = grading::grade(&n.answers, &n.overrides, settings.rules);
        let t = timeline::timeline(&n, grade.level, &settings.intervals, &config.calendar);
        let own = findings.remove(&n.id).unwrap_or_default();
        out.extend(triage::row_with_findings(client, &n, &grade, &t, &own, cx));
    }
    triage::sort(&mut out, SortBy::Urgency);
    Ok(out)
}

/// Every finding of the store, grouped by network (in id order within
/// each), from one [`CaseStore::all_findings`] call.
pub fn findings_by_network(
    store: &dyn CaseStore,
) -> Result<HashMap<NetworkId, Vec<crate::domain::gaps::Finding>>> {
    let mut out: HashMap<NetworkId, Vec<_>> = HashMap::new();
    for f in store.all_findings()? {
        out.entry(f.network).or_default().push(f.finding);
    }
    Ok(out)
}
