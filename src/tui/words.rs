//! The case manager's own words (its chrome): key hints, form words,
//! dialogs and status messages, each in English and Chinese, grouped by
//! where they are drawn. The names of things (questions, answers, stages)
//! are in the catalogue, `domain::labels`.
//!
//! In `both`, a place with room for a fixed number of columns (the hint
//! bar, an overlay's title) shows `english 中文` where that fits and the
//! Chinese alone where it does not: see [`fit`].

use std::borrow::Cow;

use crate::domain::labels::{Label, Lang};
use crate::tui::Action;

/// What a save changed (`client`, `milestone`, a question's id), as the
/// status line names it in `lang`: English keeps the id, Chinese says the
/// question's name.
pub fn what(what: &str, lang: Lang) -> String {
    let label = match what {
        "client" => Label::new("client", "客户"),
        "contact" => Label::new("contact", "联系人"),
        "network" => Label::new("network", "定级对象"),
        "override" => Label::new("override", "侵害调整"),
        "milestone" => Label::new("milestone", "节点"),
        id => match id.parse::<crate::domain::questionnaire::QuestionId>() {
            Ok(q) => {
                let zh = crate::domain::labels::question(q).zh;
                return phrase(lang, id.to_string(), zh.to_string());
            }
            Err(_) => return id.to_string(),
        },
    };
    label.get(lang).into_owned()
}

/// A sentence with values in it, said in `lang` (`both`: the English,
/// then the Chinese).
pub fn phrase(lang: Lang, en: String, zh: String) -> String {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
        Lang::Both if en == zh => en,
        Lang::Both => format!("{en} {zh}"),
    }
}

/// A form's word: `label` in `lang`, where in `both` an English that
/// already carries its Chinese (`Credit code 统一社会信用代码`) is not
/// followed by it again, and the two that would not fit a form's line
/// (72 columns) are the Chinese alone.
pub fn say(label: Label, lang: Lang) -> String {
    if lang == Lang::Both && label.en.contains(label.zh) {
        label.en.to_string()
    } else {
        fit(label, lang, FORM_LINE).into_owned()
    }
}

/// The columns of a form's line, as a label has them.
pub const FORM_LINE: usize = 72;

/// `label` in `lang`; in `both`, the Chinese alone when `english 中文`
/// is wider than `room` columns.
pub fn fit(label: Label, lang: Lang, room: usize) -> Cow<'static, str> {
    let both = label.get(lang);
    if lang == Lang::Both && crate::text::width(&both) > room {
        Cow::Borrowed(label.zh)
    } else {
        both
    }
}

/// The word of the hint bar for an action: short, one or two words.
pub fn hint(a: Action) -> Label {
    match a {
        Action::NextPane => Label::new("pane", "窗格"),
        Action::PrevPane => Label::new("previous pane", "上一窗格"),
        Action::FuzzyJump => Label::new("jump", "跳转"),
        Action::NextField => Label::new("next", "下一项"),
        Action::PrevField => Label::new("prev", "上一项"),
        Action::ClearField => Label::new("unknown", "未知"),
        Action::Override => Label::new("override", "调整"),
        Action::Cancel => Label::new("back", "返回"),
        Action::Submit => Label::new("ok", "确定"),
        Action::Filter => Label::new("filter", "筛选"),
        Action::Agenda => Label::new("agenda", "日程"),
        Action::Triage => Label::new("triage", "待办"),
        Action::Sort => Label::new("sort", "排序"),
        Action::Details => Label::new("details", "详情"),
        Action::Undo => Label::new("undo", "撤销"),
        Action::Delete => Label::new("del", "删除"),
        Action::Edit => Label::new("edit", "编辑"),
        Action::Add => Label::new("add", "新增"),
        Action::Help => Label::new("help", "帮助"),
        Action::Quit => Label::new("quit", "退出"),
        Action::Up => Label::new("up", "上"),
        Action::Down => Label::new("down", "下"),
        Action::Left => Label::new("left", "左"),
        Action::Right => Label::new("right", "右"),
        Action::Toggle => Label::new("toggle", "切换"),
        Action::Today => Label::new("today's date", "今天"),
        Action::Zoom => Label::new("zoom", "全屏"),
        Action::Messages => Label::new("messages", "消息"),
        Action::History => Label::new("history", "历史"),
        Action::Report => Label::new("report", "报告"),
        Action::Command => Label::new("command line", "命令"),
        Action::PageUp => Label::new("page up", "上页"),
        Action::PageDown => Label::new("page down", "下页"),
        Action::Top => Label::new("first row", "首行"),
        Action::Bottom => Label::new("last row", "末行"),
        Action::Questionnaire => Label::new("questionnaire", "问卷"),
        Action::Language => Label::new("language", "语言"),
        Action::Gaps => Label::new("gaps", "差距"),
        Action::MarkOpen => Label::new("open", "待整改"),
        Action::MarkInProgress => Label::new("in progress", "整改中"),
        Action::MarkFixed => Label::new("fixed", "已整改"),
        Action::MarkVerified => Label::new("verified", "已验证"),
        Action::ShowAll => Label::new("all points", "全部控制点"),
        Action::CycleFilter => Label::new("show", "显示"),
    }
}

/// Hint-bar words that depend on the moment.
pub mod hints {
    use super::Label;
    pub const RESTORE: Label = Label::new("restore", "还原");
    /// Questionnaire mode: the next question, the one before, leaving.
    pub const SKIP: Label = Label::new("skip", "跳过");
    pub const PREVIOUS_QUESTION: Label = Label::new("back", "上一题");
    pub const LEAVE: Label = Label::new("leave", "退出");
    /// A flag list in a form.
    pub const NEXT_FLAG: Label = Label::new("next flag", "下一项");
    pub const PREVIOUS_FLAG: Label = Label::new("previous flag", "上一项");
    pub const TICK: Label = Label::new("tick / untick", "勾选/取消");
    /// Right in a form: the next choice.
    pub const CHOOSE: Label = Label::new("choose", "选择");
    pub const SAVE: Label = Label::new("save", "保存");
    /// Clearing the filter being typed.
    pub const CLEAR: Label = Label::new("clear", "清除");
    /// Enter in the agenda, triage, fuzzy jump.
    pub const JUMP: Label = Label::new("jump", "跳转");
    /// The conflict dialog's own letters.
    pub const RELOAD_THEIRS: Label = Label::new("reload theirs", "载入对方版本");
    pub const SAVE_YOURS: Label = Label::new("save your changes", "保存我的修改");
}

/// Overlays: titles, their key hints and the words inside.
pub mod overlay {
    use super::Label;
    pub const CONFIRM: Label = Label::new("Confirm", "确认");
    pub const DELETE: Label = Label::new("delete", "删除");
    pub const KEEP: Label = Label::new("keep", "保留");
    pub const CONFLICT: Label = Label::new("Changed by someone else", "已被他人修改");
    pub const RELOAD_DROP: Label =
        Label::new("reload theirs, drop yours", "载入对方版本，放弃我的");
    pub const SAVE_YOURS: Label = Label::new("save your changes", "保存我的修改");
    pub const KEEP_EDITING: Label = Label::new("keep editing", "继续编辑");
    pub const SEARCHING: Label = Label::new("searching…", "搜索中…");
    pub const NO_MATCH: Label = Label::new("no match", "无匹配");
    pub const JUMP_TITLE: Label = Label::new(
        "Jump · Chinese, pinyin, initials or English · Enter jumps · Esc closes",
        "跳转 · 中文、拼音、首字母或英文 · Enter 跳转 · Esc 关闭",
    );
    pub const HISTORY_TAIL: Label = Label::new(
        "newest first · j/k scroll · Esc closes",
        "最新在前 · j/k 滚动 · Esc 关闭",
    );
    pub const DETAILS: Label = Label::new("Client details", "客户详情");
    pub const SCROLL: Label = Label::new("scroll", "滚动");
    pub const CLOSES: Label = Label::new("closes", "关闭");
    pub const CLIENT_GONE: Label = Label::new(
        "This client is no longer in the database.",
        "数据库中已没有这个客户。",
    );
    pub const NAME: Label = Label::new("Name", "名称");
    pub const NAME_ZH: Label = Label::new("Chinese name", "中文名称");
    pub const REGION: Label = Label::new("Region", "地区");
    pub const CREDIT_CODE: Label = Label::new("Credit code", "统一社会信用代码");
    pub const ADDRESS: Label = Label::new("Address", "单位地址");
    pub const CONTACTS: Label = Label::new("Contacts", "联系人");
    pub const NOTES: Label = Label::new("Notes", "备注");
    pub const NONE: Label = Label::new("none", "无");
}

/// Forms: titles, field labels, placeholders and the field checks.
pub mod form {
    use super::Label;
    pub const NEW_CLIENT: Label = Label::new("New client", "新增客户");
    pub const EDIT_CLIENT: Label = Label::new("Edit client", "编辑客户");
    pub const NEW_CONTACT: Label = Label::new("New contact", "新增联系人");
    pub const EDIT_CONTACT: Label = Label::new("Edit contact", "编辑联系人");
    pub const NEW_NETWORK: Label = Label::new("New network", "新增定级对象");
    pub const EDIT_NETWORK: Label = Label::new("Edit network", "编辑定级对象");
    pub const NEW_MILESTONE: Label = Label::new("New milestone", "新增节点");
    pub const EDIT_MILESTONE: Label = Label::new("Edit milestone", "编辑节点");
    pub const OVERRIDE: Label = Label::new(
        "Override the harm (needs a justification)",
        "调整侵害判定（须写明理由）",
    );

    pub const NAME: Label = Label::new("Name", "名称");
    pub const NAME_ZH: Label = Label::new("中文名", "中文名");
    pub const REGION: Label = Label::new("Region", "地区");
    pub const CREDIT_CODE: Label = Label::new("Credit code 统一社会信用代码", "统一社会信用代码");
    pub const ADDRESS: Label = Label::new("Address 单位地址", "单位地址");
    pub const NOTES: Label = Label::new("Notes", "备注");
    pub const ROLE: Label = Label::new("Role", "职务");
    pub const EMAIL: Label = Label::new("E-mail", "电子邮箱");
    pub const PHONE: Label = Label::new("Phone", "电话");
    pub const FILED_LEVEL: Label = Label::new("Filed level (certificate)", "备案等级（证书）");

    pub const HARMED_OBJECT: Label = Label::new(
        "harmed object (unknown: no override)",
        "受侵害的客体（未知：不调整）",
    );
    pub const DEGREE: Label = Label::new("degree", "侵害程度");
    pub const JUSTIFICATION: Label = Label::new("justification", "理由");

    pub const STAGE: Label = Label::new("Stage", "阶段");
    pub const DATE: Label =
        Label::new("Date (YYYY-MM-DD, t: today)", "日期（YYYY-MM-DD，t：今天）");
    pub const NOTE: Label = Label::new("Note", "备注");
    pub const SCORE: Label = Label::new("Score (evaluation)", "测评得分");
    pub const CONCLUSION: Label = Label::new("Conclusion (evaluation)", "测评结论");
    pub const HIGH_RISKS: Label = Label::new("High risks (evaluation)", "高风险数");
    pub const MEDIUM_RISKS: Label = Label::new("Medium risks (evaluation)", "中风险数");
    pub const NUMBER: Label = Label::new("Certificate number", "备案证明编号");
    pub const LEVEL: Label = Label::new(
        "Level filed (empty: the computed level)",
        "备案等级（空：按定级结果）",
    );

    /// The answer form's title: the question, and what unknown counts as.
    pub const ANSWER: Label = Label::new("Answer", "填写");
    pub const UNKNOWN_COUNTS_AS: Label = Label::new("unknown counts as", "未知按");
    pub const NO_CATEGORIES: Label = Label::new("no categories", "无类别");
    pub const EMPTY: Label = Label::new("empty", "空");
    pub const FALSE_LISTED_OPEN: Label = Label::new("false, listed as open", "否，列为待补");

    /// A flag set no flag of which is ticked yet.
    pub const UNKNOWN_UNTIL_TICKED: Label = Label::new(
        "(unknown until a flag is ticked)",
        "（勾选任一项之前为未知）",
    );

    pub const REQUIRED: Label = Label::new("required", "必填");
    pub const CLIENT_GONE: Label = Label::new("the client no longer exists", "该客户已不存在");
    pub const NETWORK_GONE: Label =
        Label::new("the network no longer exists", "该定级对象已不存在");
    pub const DATE_EXPECTED: Label =
        Label::new("date: expected YYYY-MM-DD", "日期：应为 YYYY-MM-DD");
    pub const REQUIRED_DATE: Label = Label::new(
        "required: YYYY-MM-DD, or t for today",
        "必填：YYYY-MM-DD，或按 t 填今天",
    );
    pub const WHOLE_NUMBER: Label = Label::new("a whole number from 0 to", "0 到以下的整数：");
    pub const NUMBER_FROM: Label = Label::new("a number from", "数值范围");
    pub const TO: Label = Label::new("to", "至");
}

/// Status-line messages the case manager writes.
pub mod status {
    use super::Label;
    pub const SAVED: Label = Label::new("saved", "已保存");
    pub const LEVEL: Label = Label::new("level", "等级");
    pub const READ_ONLY: Label = Label::new(
        "read-only: editing is turned off (--readonly)",
        "只读：已关闭编辑（--readonly）",
    );
    pub const PASTE_IGNORED: Label = Label::new(
        "paste ignored: open a field first",
        "已忽略粘贴：请先打开一个字段",
    );
    pub const NOTHING_DELETED: Label = Label::new("nothing deleted", "未删除任何内容");
    pub const RELOADED: Label = Label::new("reloaded from the database", "已从数据库重新载入");
    pub const DAEMON_RESTARTED: Label = Label::new(
        "the database daemon restarted; reconnected and reloaded",
        "数据库守护进程已重启；已重新连接并载入",
    );
    pub const CONNECTION_LOST: Label = Label::new(
        "the connection to the database was lost; reconnected and reloaded",
        "与数据库的连接曾中断；已重新连接并载入",
    );
    pub const DAEMON_LOST: Label = Label::new(
        "lost the database daemon: other sessions' edits no longer show; restart mlps",
        "与数据库守护进程失去联系：不再显示其他会话的修改；请重启 mlps",
    );
    pub const NO_CLIENT: Label = Label::new("no client selected", "未选择客户");
    pub const FILTER_CLEARED: Label = Label::new("filter cleared", "已清除筛选");
    pub const SELECT_NETWORK: Label = Label::new(
        "select a network first: the report is of one network",
        "请先选择一个定级对象：报告针对单个定级对象",
    );
    pub const NOTHING_SELECTED: Label = Label::new("nothing selected here", "此处未选择任何内容");
    pub const DERIVED_DATES: Label = Label::new(
        "derived dates follow the milestones: edit a milestone instead",
        "推算的日期随节点变化：请改为编辑节点",
    );
    pub const ONLY_RECORDED: Label = Label::new(
        "only recorded milestones can be deleted",
        "只能删除已记录的节点",
    );
    pub const NOT_SAVED: Label = Label::new("not saved", "未保存");
    pub const NO_CHANGES: Label = Label::new("no changes to save", "没有需要保存的修改");
    pub const RELOADED_THEIRS: Label = Label::new(
        "reloaded their version; your edit was not saved",
        "已载入对方版本；你的修改未保存",
    );
    pub const NOT_SAVED_CHANGED: Label = Label::new(
        "not saved: someone else changed this record meanwhile",
        "未保存：其间他人修改了这条记录",
    );
    pub const NOT_SAVED_DELETED: Label = Label::new(
        "not saved: someone else deleted this record",
        "未保存：他人删除了这条记录",
    );
    pub const NOTHING_TO_UNDO: Label = Label::new("nothing to undo", "没有可撤销的操作");
    pub const UNDONE: Label = Label::new("undone", "已撤销");
    pub const NOTHING_UNDONE: Label = Label::new("nothing undone", "未撤销");
    pub const UNKNOWN_AGAIN: Label = Label::new("is unknown again", "已恢复为未知");
    pub const COULD_NOT_WRITE_REPORT: Label =
        Label::new("could not write the report", "无法写入报告");
    pub const NO_DIRECTORY: Label = Label::new(
        "no directory to write the report in",
        "没有可写入报告的目录",
    );
    pub const COULD_NOT_READ_CHANGE: Label = Label::new(
        "could not read another session's change",
        "无法读取其他会话的修改",
    );
    pub const COULD_NOT_READ_HISTORY: Label =
        Label::new("could not read the history", "无法读取变更历史");
    pub const COULD_NOT_READ_TRIAGE: Label =
        Label::new("could not read the triage list", "无法读取待办列表");
    pub const SORTED_BY: Label = Label::new("triage sorted by", "待办排序：");
    pub const COULD_NOT_RELOAD: Label = Label::new("could not reload", "无法重新载入");
    pub const COULD_NOT_READ_STORED: Label =
        Label::new("could not read the stored version", "无法读取已保存的版本");
    pub const COULD_NOT_READ_THEIRS: Label =
        Label::new("could not read their version", "无法读取对方版本");
    pub const CONTACT_DELETED: Label = Label::new("contact deleted", "已删除联系人");
    pub const MILESTONE_DELETED: Label = Label::new("milestone deleted", "已删除节点");
    pub const NOTHING_TO_DELETE: Label = Label::new("nothing to delete", "没有可删除的内容");
    pub const COULD_NOT_UNDO: Label = Label::new("could not undo", "无法撤销");
    pub const UNDO_AGAIN: Label = Label::new(
        "press undo again to try on their version",
        "再按撤销可在对方版本上重试",
    );
    pub const KEPT: Label = Label::new("kept", "保留");
    pub const UNDONE_ALREADY: Label = Label::new("is undone already", "已经撤销过");
    pub const COULD_NOT_READ_NETWORKS: Label =
        Label::new("could not read the networks", "无法读取定级对象");
    pub const COULD_NOT_SEARCH: Label = Label::new("could not search", "无法搜索");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_falls_back_to_chinese_where_the_two_do_not_fit() {
        let l = Label::new("save your changes", "保存我的修改");
        assert_eq!(fit(l, Lang::Both, 80), "save your changes 保存我的修改");
        assert_eq!(fit(l, Lang::Both, 20), "保存我的修改");
        assert_eq!(fit(l, Lang::En, 5), "save your changes");
        assert_eq!(fit(l, Lang::Zh, 80), "保存我的修改");
    }

    #[test]
    fn a_form_word_says_its_chinese_once() {
        assert_eq!(
            say(form::CREDIT_CODE, Lang::Both),
            "Credit code 统一社会信用代码"
        );
        assert_eq!(say(form::CREDIT_CODE, Lang::Zh), "统一社会信用代码");
        assert_eq!(say(form::NAME_ZH, Lang::Both), "中文名");
        let long = Label::new(
            "A label far too long to stand beside its Chinese on one line of a form",
            "很长的标签",
        );
        assert_eq!(say(long, Lang::Both), long.zh);
        assert_eq!(say(form::SCORE, Lang::Both), "Score (evaluation) 测评得分");
    }

    #[test]
    fn what_a_save_changed_in_each_language() {
        assert_eq!(what("pi_subjects", Lang::En), "pi_subjects");
        assert_eq!(what("pi_subjects", Lang::Zh), "个人信息主体数量");
        assert_eq!(
            what("pi_subjects", Lang::Both),
            "pi_subjects 个人信息主体数量"
        );
        assert_eq!(what("milestone", Lang::Zh), "节点");
        assert_eq!(what("contact deleted", Lang::Zh), "contact deleted");
        assert_eq!(
            phrase(Lang::Both, "not saved".into(), "未保存".into()),
            "not saved 未保存"
        );
    }

    #[test]
    fn every_hint_is_short_in_chinese() {
        for a in Action::ALL {
            let zh = hint(*a).zh;
            assert!(crate::text::width(zh) <= 12, "{a:?}: {zh}");
            assert!(!a.describe(Lang::Zh).is_empty());
        }
    }
}
