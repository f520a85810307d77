//! The triage list over a store: every network that needs attention, with
//! its reasons (see [`crate::domain::triage`]), most urgent first.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::grading;
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
    let mut out = Vec::new();
    for n in store.networks()? {
        let Some(client) = clients.get(&n.client) else {
            continue;
        };
        let grade = grading::grade(&n.answers, &n.overrides, settings.rules);
        let t = timeline::timeline(&n, grade.level, &settings.intervals, &config.calendar);
        // The network's findings join in once the store serves them.
        out.extend(triage::row_with_findings(client, &n, &grade, &t, &[], cx));
    }
    triage::sort(&mut out, SortBy::Urgency);
    Ok(out)
}
