//! `mlps show QUERY`: one client or network in summary, as a person reads
//! it in a terminal or a script greps it: the client's details and
//! contacts, each network with its level, next date and status, its open
//! questions and what to do next.

use std::io::Write;

use chrono::NaiveDate;

use crate::domain::grading::{self, Grade};
use crate::domain::model::{Client, Network};
use crate::domain::settings::Config;
use crate::domain::timeline::{self, Timeline};
use crate::domain::triage::{self, Context};
use crate::error::Result;
use crate::service::lookup::Found;
use crate::store::CaseStore;
use crate::text::escape_for_terminal as esc;

use super::io_error;

/// Prints what was found: a network with its client, or a client with
/// every network of it.
pub(super) fn print(
    store: &dyn CaseStore,
    found: &Found,
    today: NaiveDate,
    config: &Config,
    out: &mut impl Write,
) -> Result<()> {
    let client = found.client();
    let networks = match found.network() {
        Some(n) => vec![n.clone()],
        None => {
            let mut list = store.networks_of(client.id)?;
            list.sort_by_key(|n| n.name.to_lowercase());
            list
        }
    };
    let mut text = String::new();
    client_text(client, &mut text);
    if found.network().is_none() {
        text.push_str(&format!("\nNetworks ({}):\n", networks.len()));
        if networks.is_empty() {
            text.push_str("  none yet\n");
        }
    }
    for n in &networks {
        network_text(client, n, today, config, &mut text);
    }
    out.write_all(text.as_bytes()).map_err(io_error)
}

/// The client's details and contacts.
fn client_text(c: &Client, text: &mut String) {
    let zh = if c.name_zh.is_empty() || c.name_zh == c.display_name() {
        String::new()
    } else {
        format!(" {}", esc(&c.name_zh))
    };
    text.push_str(&format!(
        "Client {}: {}{zh}\n",
        c.id.0,
        esc(c.display_name())
    ));
    let field = |label: &str, value: &str| {
        let value = if value.trim().is_empty() {
            "(none)".to_string()
        } else {
            esc(value)
        };
        format!("  {label:<12} {value}\n")
    };
    text.push_str(&field("Region:", &c.region));
    text.push_str(&field("Credit code:", &c.credit_code));
    text.push_str(&field("Address:", &c.address));
    if !c.notes.trim().is_empty() {
        text.push_str(&field("Notes:", &c.notes));
    }
    if c.contacts.is_empty() {
        text.push_str("  Contacts:    (none)\n");
    } else {
        text.push_str("  Contacts:\n");
        for k in &c.contacts {
            let parts: Vec<String> = [&k.role, &k.email, &k.phone]
                .into_iter()
                .filter(|p| !p.trim().is_empty())
                .map(|p| esc(p))
                .collect();
            let rest = if parts.is_empty() {
                String::new()
            } else {
                format!(" · {}", parts.join(" · "))
            };
            text.push_str(&format!("    {}{rest}\n", esc(&k.name)));
        }
    }
}

/// A network: level, next date, open questions, what to do next.
fn network_text(c: &Client, n: &Network, today: NaiveDate, config: &Config, text: &mut String) {
    let settings = &config.settings;
    let grade: Grade = grading::grade(&n.answers, &n.overrides, settings.rules);
    let t: Timeline = timeline::timeline(n, grade.level, &settings.intervals, &config.calendar);
    text.push_str(&format!(
        "\nNetwork {}/{}: {}\n",
        c.id.0,
        n.id.0,
        esc(&n.name)
    ));
    let mut level = format!("{}", t.level);
    match n.filed_level {
        Some(filed) if filed != grade.level => {
            level.push_str(&format!(
                " (filed {filed}; computed {}: re-grading needed)",
                grade.level
            ));
        }
        Some(_) => level.push_str(" (filed)"),
        None => level.push_str(" (computed; not filed)"),
    }
    if grade.provisional {
        level.push_str(&format!(
            "; provisional: up to {} until {} answered",
            grade.max_level,
            grade
                .could_raise
                .iter()
                .map(|q| q.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    text.push_str(&format!("  {:<12} {level}\n", "Level:"));
    let next = t.open().next();
    let next = match next {
        Some(d) => {
            let days = d.days_left(today);
            let when = match days {
                ..0 => format!("overdue by {} days", -days),
                0 => "due today".to_string(),
                _ => format!("{} in {days} days", d.status(today, settings.due_soon_days)),
            };
            format!("{} {} ({when})", d.due, d.kind.label())
        }
        None => "(nothing open)".to_string(),
    };
    text.push_str(&format!("  {:<12} {next}\n", "Next due:"));
    if let Some(m) = n.milestones.last() {
        text.push_str(&format!("  {:<12} {} {}\n", "Last step:", m.date, m.stage));
    }
    let open: Vec<&str> = grade.open_questions.iter().map(|q| q.as_str()).collect();
    if !open.is_empty() {
        text.push_str(&format!("  {:<12} {}\n", "Open:", open.join(", ")));
    }
    let cx = Context {
        today,
        due_soon_days: settings.due_soon_days,
        stall_days: &settings.stall_days,
    };
    let reasons = triage::reasons(c, n, &grade, &t, cx);
    match reasons.split_first() {
        None => text.push_str(&format!("  {:<12} nothing pressing\n", "Next action:")),
        Some((first, rest)) => {
            text.push_str(&format!("  {:<12} {}\n", "Next action:", first.sentence()));
            for r in rest {
                text.push_str(&format!("  {:<12} {}\n", "Then:", r.sentence()));
            }
        }
    }
}
