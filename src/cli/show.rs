//! `mlps show QUERY`: one client or network in summary, as a person reads
//! it in a terminal or a script greps it: the client's details and
//! contacts, each network with its level, next date and status, its open
//! questions and what to do next.

use std::io::Write;

use chrono::NaiveDate;

use crate::domain::grading::{self, Grade};
use crate::domain::labels::{self, Label, Lang};
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
    lang: Lang,
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
    client_text(client, lang, &mut text);
    if found.network().is_none() {
        text.push_str(&format!(
            "\n{} ({}):\n",
            labels::NETWORKS.get(lang),
            networks.len()
        ));
        if networks.is_empty() {
            text.push_str(&format!("  {}\n", labels::cli::NONE_YET.get(lang)));
        }
    }
    for n in &networks {
        let findings: Vec<_> = store
            .findings_of(n.id)?
            .into_iter()
            .map(|f| f.finding)
            .collect();
        network_text(client, (n, &findings), today, config, lang, &mut text);
    }
    out.write_all(text.as_bytes()).map_err(io_error)
}

/// The client's details and contacts.
fn client_text(c: &Client, lang: Lang, text: &mut String) {
    let head = |l: Label| heading(l, lang);
    let zh = if c.name_zh.is_empty() || c.name_zh == c.display_name() {
        String::new()
    } else {
        format!(" {}", esc(&c.name_zh))
    };
    text.push_str(&format!(
        "{} {}: {}{zh}\n",
        Label::new("Client", "客户").get(lang),
        c.id.0,
        esc(c.display_name())
    ));
    let none = format!("({})", labels::cli::NONE.get(lang));
    let field = |label: Label, value: &str| {
        let value = if value.trim().is_empty() {
            none.clone()
        } else {
            esc(value)
        };
        format!("  {} {value}\n", head(label))
    };
    text.push_str(&field(Label::new("Region", "地区"), &c.region));
    text.push_str(&field(
        Label::new("Credit code", "信用代码"),
        &c.credit_code,
    ));
    text.push_str(&field(Label::new("Address", "地址"), &c.address));
    if !c.notes.trim().is_empty() {
        text.push_str(&field(Label::new("Notes", "备注"), &c.notes));
    }
    if c.contacts.is_empty() {
        text.push_str(&format!("  {} {none}\n", head(labels::CONTACTS)));
    } else {
        text.push_str(&format!("  {}\n", head(labels::CONTACTS).trim_end()));
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
fn network_text(
    c: &Client,
    (n, findings): (&Network, &[crate::domain::gaps::Finding]),
    today: NaiveDate,
    config: &Config,
    lang: Lang,
    text: &mut String,
) {
    let head = |l: Label| heading(l, lang);
    let english = lang == Lang::En;
    let settings = &config.settings;
    let grade: Grade = grading::grade(&n.answers, &n.overrides, settings.rules);
    let t: Timeline = timeline::timeline(n, grade.level, &settings.intervals, &config.calendar);
    text.push_str(&format!(
        "\n{} {}/{}: {}\n",
        Label::new("Network", "定级对象").get(lang),
        c.id.0,
        n.id.0,
        esc(&n.name)
    ));
    let mut level = format!("{}", t.level);
    if !english {
        level = labels::level_number(t.level).get(lang).into_owned();
        match n.filed_level {
            Some(filed) if filed != grade.level => level.push_str(&format!(
                " ({}{}，{}{}：{})",
                labels::FILED.zh,
                labels::level_number(filed).zh,
                "计算为",
                labels::level_number(grade.level).zh,
                labels::REGRADING_NEEDED.zh
            )),
            Some(_) => level.push_str(&format!(" ({})", labels::FILED.get(lang))),
            None => level.push_str(&format!(" ({})", labels::NOT_FILED.get(lang))),
        }
        if let Some(words) = labels::provisional_words(&grade, lang, usize::MAX) {
            level.push_str(&format!("; {words}"));
        }
    } else {
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
    }
    text.push_str(&format!(
        "  {} {level}\n",
        head(Label::new("Level", "等级"))
    ));
    let next = t.open().next();
    let next = match next {
        Some(d) => {
            let days = d.days_left(today);
            let status = d.status(today, settings.due_soon_days);
            let when = match (days, english) {
                (..0, true) => format!("overdue by {} days", -days),
                (0, true) => "due today".to_string(),
                (_, true) => format!("{status} in {days} days"),
                (..0, false) => format!("{} {} 天", labels::due_status(status).get(lang), -days),
                (0, false) => Label::new("due today", "今天到期").get(lang).into_owned(),
                (_, false) => format!("{}，还有 {days} 天", labels::due_status(status).get(lang)),
            };
            let kind = if english {
                d.kind.label().to_string()
            } else {
                labels::due_kind(d.kind).get(lang).into_owned()
            };
            format!("{} {kind} ({when})", d.due)
        }
        None => format!("({})", labels::cli::NOTHING_OPEN.get(lang)),
    };
    text.push_str(&format!(
        "  {} {next}\n",
        head(Label::new("Next due", "下次到期"))
    ));
    if let Some(m) = n.milestones.last() {
        let stage = if english {
            m.stage.to_string()
        } else {
            labels::stage(m.stage).get(lang).into_owned()
        };
        text.push_str(&format!(
            "  {} {} {stage}\n",
            head(Label::new("Last step", "最近进展")),
            m.date
        ));
    }
    let open: Vec<String> = grade
        .open_questions
        .iter()
        .map(|q| {
            if english {
                q.as_str().to_string()
            } else {
                labels::question(*q).get(lang).into_owned()
            }
        })
        .collect();
    if !open.is_empty() {
        text.push_str(&format!(
            "  {} {}\n",
            head(Label::new("Open", "未答问题")),
            open.join(", ")
        ));
    }
    let cx = Context {
        today,
        due_soon_days: settings.due_soon_days,
        stall_days: &settings.stall_days,
    };
    if let Some(line) = triage::findings::progress_line(findings, today, lang) {
        text.push_str(&format!("  {} {line}\n", head(Label::new("Gaps", "整改"))));
    }
    let reasons = triage::reasons_with_findings(c, n, &grade, &t, findings, cx);
    let sentence = |r: &triage::Reason| {
        if english {
            r.sentence()
        } else {
            labels::reason_sentence(r, lang)
        }
    };
    let next_action = head(Label::new("Next action", "下一步"));
    match reasons.split_first() {
        None => text.push_str(&format!(
            "  {next_action} {}\n",
            Label::new("nothing pressing", "暂无紧急事项").get(lang)
        )),
        Some((first, rest)) => {
            text.push_str(&format!("  {next_action} {}\n", sentence(first)));
            for r in rest {
                text.push_str(&format!(
                    "  {} {}\n",
                    head(Label::new("Then", "然后")),
                    sentence(r)
                ));
            }
        }
    }
}

/// A field's name and its colon, padded: `Level:      ` (12 columns in
/// English, as scripts grep it), `等级：` in Chinese, both in `both`.
fn heading(l: Label, lang: Lang) -> String {
    let (text, cols) = match lang {
        Lang::En => (format!("{}:", l.en), 12),
        Lang::Zh => (format!("{}：", l.zh), 12),
        Lang::Both => (format!("{} {}：", l.en, l.zh), 26),
    };
    crate::text::pad(&text, cols)
}
