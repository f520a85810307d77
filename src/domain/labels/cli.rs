//! The printed commands' sentences: what `mlps renewals`, `due`,
//! `triage`, `show`, `log`, `report`, `keymap check` and `doctor` say
//! around their tables, in the interface language. English is the
//! product's own words, byte for byte; Chinese is one sentence of its
//! own (not a word-for-word copy); `Both` prints the English line, then
//! the Chinese one. Pure: the callers pass the numbers, dates and names
//! (already made inert).

use super::{Label, Lang};

/// A sentence in `lang`: the English, the Chinese, or both, English
/// first, each on its own line (no line break at the end).
pub fn sentence(lang: Lang, en: impl FnOnce() -> String, zh: impl FnOnce() -> String) -> String {
    match lang {
        Lang::En => en(),
        Lang::Zh => zh(),
        Lang::Both => format!("{}\n{}", en(), zh()),
    }
}

/// A label that is a whole sentence: in `Both`, the English line, then
/// the Chinese one.
pub fn lines(l: Label, lang: Lang) -> String {
    sentence(lang, || l.en.to_string(), || l.zh.to_string())
}

pub const RENEWALS: Label = Label::new("Renewals", "年度自查和等级测评");
pub const OPEN_DEADLINES: Label = Label::new("Open deadlines", "未完成事项");

/// The agenda's first line: `Renewals of client 16 Acme due by
/// 2027-02-26 (today 2026-11-28; overdue ones always shown)`. `of` is
/// what a query found, in the language (empty for the whole database).
pub fn agenda_heading(
    lang: Lang,
    what: Label,
    of: (&str, &str),
    until: &str,
    today: &str,
) -> String {
    sentence(
        lang,
        || {
            let of = if of.0.is_empty() {
                String::new()
            } else {
                format!(" of {}", of.0)
            };
            format!(
                "{}{of} due by {until} (today {today}; overdue ones always shown)",
                what.en
            )
        },
        || {
            let of = if of.1.is_empty() {
                String::new()
            } else {
                format!("{}：", of.1)
            };
            format!(
                "{of}{until} 前到期的{}（今天是 {today}；已逾期的一律列出）",
                what.zh
            )
        },
    )
}

pub const NOTHING_DUE: Label = Label::new("Nothing is due.", "没有到期事项。");

/// The agenda's counts: `1 overdue, 0 due within 30 days, 0 later.`
pub fn agenda_counts(
    lang: Lang,
    overdue: usize,
    due: usize,
    later: usize,
    due_soon: u32,
) -> String {
    sentence(
        lang,
        || format!("{overdue} overdue, {due} due within {due_soon} days, {later} later."),
        || format!("已逾期 {overdue} 项，{due_soon} 天内到期 {due} 项，之后到期 {later} 项。"),
    )
}

pub const REGRADING_HEADING: Label = Label::new(
    "Re-grading needed (computed level differs from the filed one):",
    "需要重新定级（计算等级与备案等级不同）：",
);

/// The re-grading table's headers and its mark for agreement.
pub const FILED_HEADER: Label = Label::new("FILED", "备案等级");
pub const COMPUTED_HEADER: Label = Label::new("COMPUTED", "计算等级");
pub const AGREES_WITH_FILED: Label = Label::new("=filed", "=备案");

/// `mlps triage --brief`: `mlps: 10 overdue, 14 due within 30 days, 2
/// to re-grade: run mlps triage`; `None` when every count is 0.
pub fn triage_brief(
    lang: Lang,
    counts: (usize, usize, usize, usize),
    due_soon: u32,
) -> Option<String> {
    triage_brief_with_fixes(lang, counts, 0, due_soon)
}

/// [`triage_brief`] with the number of overdue fixes (open gaps past
/// their due date) over all the rows, counted when there are any:
/// `mlps: 3 overdue, 1 stalled, 12 fixes overdue: run mlps triage` /
/// `…，整改逾期 12 项。…`.
pub fn triage_brief_with_fixes(
    lang: Lang,
    (overdue, due, regrade, stalled): (usize, usize, usize, usize),
    fixes: usize,
    due_soon: u32,
) -> Option<String> {
    if overdue + due + regrade + stalled == 0 {
        return None;
    }
    let en = || {
        let parts: Vec<String> = [
            (overdue, "overdue".to_string()),
            (due, format!("due within {due_soon} days")),
            (regrade, "to re-grade".to_string()),
            (stalled, "stalled".to_string()),
            (
                fixes,
                if fixes == 1 {
                    "fix overdue"
                } else {
                    "fixes overdue"
                }
                .to_string(),
            ),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        format!("mlps: {}: run mlps triage", parts.join(", "))
    };
    let zh = || {
        let parts: Vec<String> = [
            (overdue, "已逾期".to_string()),
            (due, format!("{due_soon} 天内到期")),
            (regrade, "需重新定级".to_string()),
            (stalled, "进度停滞".to_string()),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{what} {n} 个"))
        .chain((fixes > 0).then(|| format!("整改逾期 {fixes} 项")))
        .collect();
        format!("mlps：{}。详见 mlps triage", parts.join("，"))
    };
    Some(sentence(lang, en, zh))
}

/// `Nothing needs attention on 2026-11-28.`
pub fn nothing_needs_attention(lang: Lang, today: &str) -> String {
    sentence(
        lang,
        || format!("Nothing needs attention on {today}."),
        || format!("{today} 没有需要处理的定级对象。"),
    )
}

/// `8 networks need attention on 2026-11-28, most urgent first:`
pub fn need_attention(lang: Lang, networks: usize, today: &str) -> String {
    sentence(
        lang,
        || {
            format!(
                "{} need attention on {today}, most urgent first:",
                crate::text::counted(networks, "network", "networks")
            )
        },
        || format!("{today} 有 {networks} 个定级对象需要处理，最紧急的在前："),
    )
}

/// `mlps show`'s words for what is not there.
pub const NONE: Label = Label::new("none", "无");
pub const NONE_YET: Label = Label::new("none yet", "暂无");
pub const NOTHING_OPEN: Label = Label::new("nothing open", "无待办事项");

/// `mlps show`'s title of a client or network found: `client 16 Acme`.
pub const CLIENT_WORD: Label = Label::new("client", "客户");
pub const NETWORK_WORD: Label = Label::new("network", "定级对象");

/// A query's candidates: a contact a client was found by, and how many
/// more there were (`N` stands for the number).
pub const CONTACT_WORD: Label = Label::new("contact", "联系人");
pub const AND_MORE: Label = Label::new("and N more", "另有 N 个");

/// A query that matches nothing, in Chinese (`query` as quoted).
pub fn nothing_matches_zh(query: &str) -> String {
    format!(
        "没有与 {query} 匹配的客户或定级对象：请给出编号（CLIENT_ID 或 \
         CLIENT_ID/NETWORK_ID，即 mlps renewals 打印的编号）、名称，或名称中的几个字\
         （英文、中文、拼音或首字母）"
    )
}

/// A query that fits several equally, in Chinese: `"ac" 同样匹配 3
/// 个客户：请用编号指定，或多给出一些名称：`.
pub fn ties_zh(query: &str, total: usize, what: &str) -> String {
    format!("{query} 同样匹配 {total} {what}：请用编号指定，或多给出一些名称：")
}

/// `mlps log` with nothing to list.
pub const NO_CHANGES: Label = Label::new("No changes recorded.", "没有变更记录。");

/// An audit log entry's action, by its id (`created`, `updated`, …).
pub fn log_action(id: &str) -> Label {
    match id {
        "created" => Label::new("created", "新建"),
        "updated" => Label::new("updated", "修改"),
        "deleted" => Label::new("deleted", "删除"),
        "restored" => Label::new("restored", "恢复"),
        "imported" => Label::new("imported", "导入"),
        _ => Label::new("changed", "变更"),
    }
}

/// `mlps report --output`: `Wrote the report of "Shop" to r.md.`
/// `quoted` is the network's name as the English quotes it, `name` as
/// the Chinese does.
pub fn report_written(lang: Lang, (quoted, name): (&str, &str), path: &str) -> String {
    sentence(
        lang,
        || format!("Wrote the report of {quoted} to {path}."),
        || format!("已将“{name}”的定级报告写入 {path}。"),
    )
}

/// `mlps keymap check`: `keymap OK: defaults` or the file read.
pub fn keymap_ok(lang: Lang, file: Option<&str>) -> String {
    sentence(
        lang,
        || format!("keymap OK: {}", file.unwrap_or("defaults")),
        || format!("键位配置无误：{}", file.unwrap_or("默认配置")),
    )
}

/// `mlps doctor`'s line before a rebuilt index and before a problem.
pub const REPAIRED: Label = Label::new("repaired", "已修复");
pub const PROBLEM: Label = Label::new("problem", "问题");

/// `mlps doctor` with nothing wrong: `Checked 5 clients, 14 networks, 40
/// findings, 1 log entry and 51 index entries in DIR: no problems.` (the
/// findings only when there are some).
pub fn doctor_clean(
    lang: Lang,
    (clients, networks, findings, log_entries, index_entries): (usize, usize, usize, usize, usize),
    place: &str,
) -> String {
    use crate::text::counted;
    sentence(
        lang,
        || {
            let findings = if findings > 0 {
                format!(", {}", counted(findings, "finding", "findings"))
            } else {
                String::new()
            };
            format!(
                "Checked {}, {}{findings}, {} and {index_entries} index entries in {place}: no problems.",
                counted(clients, "client", "clients"),
                counted(networks, "network", "networks"),
                counted(log_entries, "log entry", "log entries"),
            )
        },
        || {
            let findings = if findings > 0 {
                format!("、{findings} 条整改问题")
            } else {
                String::new()
            };
            format!(
                "已检查 {place} 中的 {clients} 个客户、{networks} 个定级对象{findings}、{log_entries} 条日志\
                 和 {index_entries} 条索引：没有问题。"
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_the_products_own_words() {
        assert_eq!(
            agenda_heading(
                Lang::En,
                OPEN_DEADLINES,
                ("", ""),
                "2027-02-26",
                "2026-11-28"
            ),
            "Open deadlines due by 2027-02-26 (today 2026-11-28; overdue ones always shown)"
        );
        assert_eq!(
            agenda_counts(Lang::En, 1, 0, 0, 30),
            "1 overdue, 0 due within 30 days, 0 later."
        );
        assert_eq!(
            triage_brief(Lang::En, (10, 14, 2, 0), 30).as_deref(),
            Some("mlps: 10 overdue, 14 due within 30 days, 2 to re-grade: run mlps triage")
        );
        assert_eq!(triage_brief(Lang::Zh, (0, 0, 0, 0), 30), None);
        assert_eq!(
            need_attention(Lang::En, 1, "2026-11-28"),
            "1 network need attention on 2026-11-28, most urgent first:"
        );
    }

    #[test]
    fn chinese_has_no_english_words_and_both_has_the_two() {
        let zh = triage_brief(Lang::Zh, (10, 14, 2, 0), 30).unwrap();
        assert_eq!(
            zh,
            "mlps：已逾期 10 个，30 天内到期 14 个，需重新定级 2 个。详见 mlps triage"
        );
        let zh = agenda_heading(
            Lang::Zh,
            RENEWALS,
            ("client 16 Acme", "客户 16 Acme"),
            "2027-02-26",
            "2026-11-28",
        );
        assert!(zh.starts_with("客户 16 Acme：2027-02-26 前到期"), "{zh}");
        assert!(!zh.contains("due") && !zh.contains("today"), "{zh}");
        let both = agenda_counts(Lang::Both, 1, 2, 3, 30);
        assert_eq!(
            both,
            "1 overdue, 2 due within 30 days, 3 later.\n已逾期 1 项，30 天内到期 2 项，之后到期 3 项。"
        );
        assert_eq!(keymap_ok(Lang::Zh, None), "键位配置无误：默认配置");
    }
}
