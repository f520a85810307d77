//! The Gaps view of a network (docs/rectification.md): its findings under
//! the control points of GB/T 22239 that apply to it, by category, with
//! the predicted evaluation result in the title. This module holds the
//! view's state and its rows; `update` (through [`key`] and [`done`])
//! changes it, asking the store for reads and writes as [`GapsDo`]
//! effects, and `panes::gaps` draws it.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use crate::domain::gaps::{
    self, ControlPoint, Extension, ExtensionChoice, FindingId, FindingStatus, Progress, Risk,
};
use crate::domain::labels::Label;
use crate::domain::model::{Level, NetworkId};
use crate::error::Result;
use crate::store::StoredFinding;
use crate::tui::Action;
use crate::tui::app::{App, Mode, Msg};
use crate::tui::effect::Effect;

/// Which findings the view lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapFilter {
    All,
    /// Not fixed or verified yet.
    Open,
    /// High risk only.
    High,
    /// Owned by [`App::me`].
    Mine,
}

impl GapFilter {
    pub fn next(self) -> GapFilter {
        match self {
            GapFilter::All => GapFilter::Open,
            GapFilter::Open => GapFilter::High,
            GapFilter::High => GapFilter::Mine,
            GapFilter::Mine => GapFilter::All,
        }
    }

    pub fn label(self) -> Label {
        match self {
            GapFilter::All => Label::new("all", "全部"),
            GapFilter::Open => Label::new("open only", "仅未整改"),
            GapFilter::High => Label::new("high risk only", "仅高风险"),
            GapFilter::Mine => Label::new("mine", "我负责的"),
        }
    }
}

/// The Gaps view's state.
#[derive(Debug, Clone, PartialEq)]
pub struct GapsView {
    pub network: NetworkId,
    pub level: Level,
    pub extensions: BTreeSet<Extension>,
    /// `None` until the store answered.
    pub findings: Option<Vec<StoredFinding>>,
    pub filter: GapFilter,
    /// Every applicable point, not only those with findings.
    pub show_all: bool,
    pub selected: usize,
    /// Findings marked for a bulk status change.
    pub marked: BTreeSet<FindingId>,
    /// A write is on its way: keys that write wait for it.
    pub busy: bool,
    /// The `/` filter: findings whose description, owner, evidence or
    /// point name contain it (case ignored).
    pub query: String,
    /// The `/` filter is being typed.
    pub typing: bool,
    /// The form whose save is on its way: opened again, over the
    /// finding as stored now, when the save is refused as stale.
    pub pending: Option<(Box<crate::tui::form::Form>, GapTarget)>,
}

/// A row of the view.
#[derive(Debug, Clone, PartialEq)]
pub enum GapRow {
    /// A category (or the findings whose points do not apply: `None`),
    /// with the counts of its findings that pass the filter.
    Category { label: Label, counts: Progress },
    Point {
        point: Option<&'static ControlPoint>,
        id: String,
        findings: usize,
    },
    /// Index into the view's findings.
    Finding(usize),
}

/// What the view asks of the store (answered by `Msg::Gaps`).
#[derive(Debug, Clone, PartialEq)]
pub enum GapsDo {
    /// The network's findings and extension sets.
    Load(NetworkId),
    /// Move these findings (with the revisions shown) to `status` on
    /// `date`, all or none; refused when one changed meanwhile.
    Status {
        network: NetworkId,
        ids: Vec<(FindingId, u64)>,
        status: FindingStatus,
        date: NaiveDate,
    },
    /// Create (`before` none) or replace a finding.
    Save {
        network: NetworkId,
        finding: Box<StoredFinding>,
        create: bool,
    },
    Delete {
        network: NetworkId,
        id: FindingId,
        revision: u64,
    },
    /// Undo one of this session's finding writes, on `date`.
    Undo {
        network: NetworkId,
        step: Box<GapUndo>,
        date: NaiveDate,
    },
}

/// One of this session's finding writes, as undo needs it.
#[derive(Debug, Clone, PartialEq)]
pub enum GapUndo {
    /// An edit: the finding before, and as this session saved it.
    Edit {
        before: Box<StoredFinding>,
        saved: Box<StoredFinding>,
    },
    /// A status change: each finding, its status before, and the revision
    /// this session left it at.
    Status(Vec<(FindingId, FindingStatus, u64)>),
    /// An added finding, as saved.
    Added(Box<StoredFinding>),
    /// A deleted finding, as it was.
    Deleted(Box<StoredFinding>),
}

/// What came of a [`GapsDo`].
#[derive(Debug, Clone, PartialEq)]
pub enum GapsDone {
    Loaded(NetworkId, Result<(Vec<StoredFinding>, ExtensionChoice)>),
    /// A write: done (with a word for the status line), or why not; the
    /// findings as stored now either way (`None`: could not be read).
    Wrote {
        network: NetworkId,
        result: std::result::Result<String, WriteRefused>,
        now: Option<Vec<StoredFinding>>,
        /// A step for the session's undo stack: the write done, or an
        /// undo refused for a change meanwhile (to try again).
        undo: Option<GapUndo>,
    },
}

/// Why a write of findings did not happen.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteRefused {
    /// Someone else changed (or deleted) a finding since it was shown.
    Stale,
    Failed(String),
    /// An undo that did not happen, said in full.
    Undo(String),
}

impl GapsView {
    pub fn new(network: NetworkId, level: Level, extensions: BTreeSet<Extension>) -> GapsView {
        GapsView {
            network,
            level,
            extensions,
            findings: None,
            filter: GapFilter::All,
            show_all: false,
            selected: 0,
            marked: BTreeSet::new(),
            busy: false,
            query: String::new(),
            typing: false,
            pending: None,
        }
    }

    /// The findings as plain domain findings.
    pub fn plain(&self) -> Vec<gaps::Finding> {
        self.findings
            .iter()
            .flatten()
            .map(|s| s.finding.clone())
            .collect()
    }

    /// Whether finding `f` passes the filter (`me`: the user's name).
    fn passes(&self, f: &gaps::Finding, me: &str) -> bool {
        let q = self.query.trim().to_lowercase();
        if !q.is_empty() {
            let point = gaps::point(&f.control_point)
                .map(|p| format!("{} {}", p.zh, p.en))
                .unwrap_or_default();
            let text = format!(
                "{} {} {} {} {}",
                f.description, f.owner, f.evidence, f.control_point, point
            )
            .to_lowercase();
            if !text.contains(&q) {
                return false;
            }
        }
        match self.filter {
            GapFilter::All => true,
            GapFilter::Open => !f.status.is_closed(),
            GapFilter::High => f.risk == Risk::High,
            GapFilter::Mine => owner_is(&f.owner, me),
        }
    }

    /// The rows: categories in catalogue order, their applicable points
    /// with findings (or all of them when `show_all`), and the findings;
    /// then findings under points that do not apply.
    pub fn rows(&self, me: &str, today: NaiveDate) -> Vec<GapRow> {
        let points = gaps::applicable(self.level, &self.extensions);
        let empty = Vec::new();
        let findings = self.findings.as_ref().unwrap_or(&empty);
        let mut by_point: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, s) in findings.iter().enumerate() {
            if self.passes(&s.finding, me) {
                by_point
                    .entry(s.finding.control_point.as_str())
                    .or_default()
                    .push(i);
            }
        }
        let counts = |idx: &[usize]| {
            let list: Vec<gaps::Finding> =
                idx.iter().map(|i| findings[*i].finding.clone()).collect();
            gaps::progress(&list, today)
        };
        let mut out = Vec::new();
        for cat in &gaps::catalogue().categories {
            let mut rows = Vec::new();
            let mut all = Vec::new();
            for p in points.iter().filter(|p| p.category_id() == cat.id) {
                let idx = by_point.remove(p.id.as_str()).unwrap_or_default();
                if idx.is_empty() && !self.show_all {
                    continue;
                }
                rows.push(GapRow::Point {
                    point: Some(*p),
                    id: p.id.clone(),
                    findings: idx.len(),
                });
                rows.extend(idx.iter().map(|i| GapRow::Finding(*i)));
                all.extend(idx);
            }
            if !rows.is_empty() {
                out.push(GapRow::Category {
                    label: Label::new(&cat.en, &cat.zh),
                    counts: counts(&all),
                });
                out.extend(rows);
            }
        }
        // Findings under points the network's level and extension sets
        // do not give it (or unknown ones): shown, never lost.
        if !by_point.is_empty() {
            let mut rest: Vec<(&str, Vec<usize>)> = by_point.into_iter().collect();
            rest.sort();
            let all: Vec<usize> = rest.iter().flat_map(|(_, v)| v.clone()).collect();
            out.push(GapRow::Category {
                label: Label::new("Points that do not apply", "不适用的控制点"),
                counts: counts(&all),
            });
            for (id, idx) in rest {
                out.push(GapRow::Point {
                    point: gaps::point(id),
                    id: id.to_string(),
                    findings: idx.len(),
                });
                out.extend(idx.into_iter().map(GapRow::Finding));
            }
        }
        out
    }

    /// The prediction and progress over every finding (not the filter's).
    pub fn estimate(&self, today: NaiveDate) -> (gaps::Prediction, Progress) {
        let list = self.plain();
        let points = gaps::applicable(self.level, &self.extensions);
        (
            gaps::predict(&list, &points, today),
            gaps::progress(&list, today),
        )
    }

    pub fn finding_at(&self, rows: &[GapRow]) -> Option<&StoredFinding> {
        match rows.get(self.selected) {
            Some(GapRow::Finding(i)) => self.findings.as_ref()?.get(*i),
            _ => None,
        }
    }
}

/// Whether a finding's owner is the user: `me` appears in it, ignoring
/// case (owners are often "IT dept / 张三"). An empty `me` matches no one.
pub fn owner_is(owner: &str, me: &str) -> bool {
    let me = me.trim();
    !me.is_empty() && owner.to_lowercase().contains(&me.to_lowercase())
}

/// Opens the view for the selected network and asks for its findings.
pub fn open(app: &mut App) -> Vec<Effect> {
    let Some(n) = app.selected_network() else {
        app.info(Label::new("select a network first", "请先选择定级对象").get(app.lang));
        return Vec::new();
    };
    let level = app.timeline_of(n).level;
    let extensions = gaps::default_extensions(&n.answers);
    let id = n.id;
    app.mode = Mode::Gaps(Box::new(GapsView::new(id, level, extensions)));
    vec![Effect::Gaps(GapsDo::Load(id))]
}

/// The status a key moves findings to.
fn status_of(a: Action) -> Option<FindingStatus> {
    Some(match a {
        Action::MarkOpen => FindingStatus::Open,
        Action::MarkInProgress => FindingStatus::InProgress,
        Action::MarkFixed => FindingStatus::Fixed,
        Action::MarkVerified => FindingStatus::Verified,
        _ => return None,
    })
}

/// A key in the view.
pub fn key(app: &mut App, mut v: Box<GapsView>, msg: Msg, fx: &mut Vec<Effect>) -> Mode {
    if v.typing {
        match msg {
            Msg::Char(c) if !c.is_control() => v.query.push(c),
            Msg::Backspace => {
                v.query.pop();
            }
            Msg::Action(Action::ClearField) => v.query.clear(),
            Msg::Action(Action::Cancel) => {
                v.query.clear();
                v.typing = false;
            }
            Msg::Action(Action::Submit) => v.typing = false,
            _ => {}
        }
        v.selected = 0;
        return Mode::Gaps(v);
    }
    let rows = v.rows(&app.me, app.today);
    let last = rows.len().saturating_sub(1);
    let Msg::Action(a) = msg else {
        return Mode::Gaps(v);
    };
    match a {
        Action::Up => v.selected = v.selected.saturating_sub(1),
        Action::Down => v.selected = (v.selected + 1).min(last),
        Action::PageUp => v.selected = v.selected.saturating_sub(10),
        Action::PageDown => v.selected = (v.selected + 10).min(last),
        Action::Top => v.selected = 0,
        Action::Bottom => v.selected = last,
        Action::Filter => v.typing = true,
        // Esc clears a filter first, then leaves.
        Action::Cancel if !v.query.is_empty() => {
            v.query.clear();
            v.selected = 0;
        }
        Action::Cancel | Action::Gaps | Action::Quit => {
            if let Some(list) = v.findings.take() {
                app.findings.insert(v.network, list);
            }
            return Mode::Normal;
        }
        Action::Help => {
            // Help closes to the main view: the header keeps the findings.
            if let Some(list) = v.findings.take() {
                app.findings.insert(v.network, list);
            }
            return Mode::Help { scroll: 0 };
        }
        Action::CycleFilter => {
            v.filter = v.filter.next();
            v.selected = 0;
            if v.filter == GapFilter::Mine && app.me.trim().is_empty() {
                app.info(
                    Label::new(
                        "no user name: set MLPS_OWNER to see your findings",
                        "未知用户名：设置 MLPS_OWNER 后可看我负责的问题",
                    )
                    .get(app.lang),
                );
            } else {
                app.info(format!(
                    "{} {}",
                    Label::new("showing", "显示").get(app.lang),
                    v.filter.label().get(app.lang)
                ));
            }
        }
        Action::Edit | Action::Add | Action::Delete if app.readonly => {
            app.error(crate::tui::words::status::READ_ONLY.get(app.lang));
        }
        Action::Edit if v.findings.is_some() && !v.busy => {
            if let Some(s) = v.finding_at(&rows).cloned() {
                let form = finding_form(Some(&s.finding), None, app.lang);
                return Mode::GapForm {
                    view: v,
                    form: Box::new(form),
                    target: GapTarget::Finding(Box::new(s)),
                };
            }
        }
        Action::Add if v.findings.is_some() && !v.busy => {
            let point = point_at(&v, &rows);
            let form = finding_form(None, point.as_deref(), app.lang);
            return Mode::GapForm {
                view: v,
                form: Box::new(form),
                target: GapTarget::New,
            };
        }
        Action::Delete if v.findings.is_some() && !v.busy => {
            if let Some(s) = v.finding_at(&rows).cloned() {
                let message = format!(
                    "{} \"{}\"? (y/n)",
                    Label::new("Delete the finding", "删除整改问题").get(app.lang),
                    crate::text::truncate(
                        &crate::text::escape_for_terminal(&s.finding.description),
                        40
                    )
                );
                return Mode::GapConfirm {
                    view: v,
                    finding: Box::new(s),
                    message,
                };
            }
        }
        Action::Undo if app.readonly => {
            app.error(crate::tui::words::status::READ_ONLY.get(app.lang));
        }
        Action::Undo if !v.busy => {
            let newest = app.gap_undo.iter().rposition(|(n, _)| *n == v.network);
            match newest {
                None => app.info(crate::tui::words::status::NOTHING_TO_UNDO.get(app.lang)),
                Some(i) => {
                    let (network, step) = app.gap_undo.remove(i);
                    v.busy = true;
                    fx.push(Effect::Gaps(GapsDo::Undo {
                        network,
                        step: Box::new(step),
                        date: app.today,
                    }));
                }
            }
        }
        Action::ShowAll => {
            v.show_all = !v.show_all;
            v.selected = 0;
        }
        Action::Toggle => {
            if let Some(s) = v.finding_at(&rows) {
                let id = s.finding.id;
                if !v.marked.remove(&id) {
                    v.marked.insert(id);
                }
                v.selected = (v.selected + 1).min(last);
            }
        }
        _ if status_of(a).is_some() => {
            let Some(status) = status_of(a) else {
                return Mode::Gaps(v);
            };
            if app.readonly {
                app.error(crate::tui::words::status::READ_ONLY.get(app.lang));
                return Mode::Gaps(v);
            }
            if v.busy {
                return Mode::Gaps(v);
            }
            let list = v.findings.as_deref().unwrap_or(&[]);
            let ids: Vec<(FindingId, u64)> = if v.marked.is_empty() {
                v.finding_at(&rows)
                    .map(|s| vec![(s.finding.id, s.revision)])
                    .unwrap_or_default()
            } else {
                list.iter()
                    .filter(|s| v.marked.contains(&s.finding.id))
                    .map(|s| (s.finding.id, s.revision))
                    .collect()
            };
            if ids.is_empty() {
                app.info(
                    Label::new(
                        "put the cursor on a finding, or mark some with Space",
                        "请把光标移到问题上，或用空格标记",
                    )
                    .get(app.lang),
                );
                return Mode::Gaps(v);
            }
            v.busy = true;
            fx.push(Effect::Gaps(GapsDo::Status {
                network: v.network,
                ids,
                status,
                date: app.today,
            }));
        }
        _ => {}
    }
    Mode::Gaps(v)
}

/// A store's answer for the view.
pub fn done(app: &mut App, d: GapsDone) -> Vec<Effect> {
    match d {
        GapsDone::Loaded(network, result) => match result {
            Ok((list, choice)) => {
                let extensions = app.network(network).map(|n| choice.resolve(&n.answers));
                if let Some(v) = app.gaps_view_mut()
                    && v.network == network
                {
                    if let Some(e) = extensions {
                        v.extensions = e;
                    }
                    let known: BTreeSet<FindingId> = list.iter().map(|s| s.finding.id).collect();
                    v.marked.retain(|id| known.contains(id));
                    v.findings = Some(list);
                } else {
                    app.findings.insert(network, list);
                }
            }
            Err(e) => app.error(format!(
                "{}: {}",
                Label::new("could not read the findings", "无法读取整改问题").get(app.lang),
                e.message()
            )),
        },
        GapsDone::Wrote {
            network,
            result,
            now,
            undo,
        } => {
            if let Some(step) = undo {
                app.gap_undo.push((network, step));
            }
            let lang = app.lang;
            let ok = result.is_ok();
            let stale = matches!(result, Err(WriteRefused::Stale));
            let pending = app.gaps_view_mut().and_then(|v| v.pending.take());
            // A refused form: back to it, over their version, to save
            // yours over theirs (Enter) or keep theirs (Esc).
            if stale
                && let Some((mut form, GapTarget::Finding(old))) = pending
                && let Some(theirs) = now
                    .as_ref()
                    .and_then(|l| l.iter().find(|s| s.finding.id == old.finding.id))
                    .cloned()
                && let Mode::Gaps(mut v) = std::mem::replace(&mut app.mode, Mode::Normal)
            {
                v.busy = false;
                if let Some(list) = now {
                    v.findings = Some(list);
                }
                form.error = Some(
                    Label::new(
                        "someone else changed this finding meanwhile: Enter saves yours over theirs, Esc keeps theirs",
                        "其他人刚修改了此问题：Enter 用你的内容覆盖，Esc 保留对方的",
                    )
                    .get(lang)
                    .into_owned(),
                );
                app.error(form.error.clone().unwrap_or_default());
                app.mode = Mode::GapForm {
                    view: v,
                    form,
                    target: GapTarget::Finding(Box::new(theirs)),
                };
                return Vec::new();
            }
            match result {
                Ok(word) => app.saved(word),
                Err(WriteRefused::Stale) => app.error(
                    Label::new(
                        "someone else changed these findings meanwhile: theirs are shown now, nothing was saved",
                        "其他人刚修改了这些问题：已显示最新内容，本次未保存",
                    )
                    .get(lang),
                ),
                Err(WriteRefused::Failed(why)) => app.error(format!(
                    "{}: {why}",
                    Label::new("not saved", "未保存").get(lang)
                )),
                Err(WriteRefused::Undo(why)) => app.error(why),
            }
            if let Some(v) = app.gaps_view_mut()
                && v.network == network
            {
                v.busy = false;
                // Marks go with a done change; a refused one keeps them,
                // to try again on what is shown now.
                if ok {
                    v.marked.clear();
                }
                if let Some(list) = now {
                    let known: BTreeSet<FindingId> = list.iter().map(|s| s.finding.id).collect();
                    v.marked.retain(|id| known.contains(id));
                    v.findings = Some(list);
                }
            } else if let Some(list) = now {
                app.findings.insert(network, list);
            }
        }
    }
    Vec::new()
}

/// Another session wrote findings of these networks: read again those
/// the view shows or the header uses.
pub fn changed(app: &App, networks: &[NetworkId]) -> Vec<Effect> {
    networks
        .iter()
        .filter(|n| {
            app.findings.contains_key(n) || app.gaps_view().is_some_and(|v| v.network == **n)
        })
        .map(|n| Effect::Gaps(GapsDo::Load(*n)))
        .collect()
}

/// The word for a status change of `n` findings.
pub fn status_word(status: FindingStatus, n: usize, lang: crate::domain::labels::Lang) -> String {
    let s = gaps::labels::status(status).get(lang);
    match lang {
        crate::domain::labels::Lang::Zh => format!("{n} 项问题已改为{s}"),
        _ => format!("{n} finding(s) now {s}"),
    }
}

/// What the view's form edits.
#[derive(Debug, Clone, PartialEq)]
pub enum GapTarget {
    /// A finding as stored when the form opened.
    Finding(Box<StoredFinding>),
    /// A new finding (the control point is a field of the form).
    New,
}

/// The form of a finding: description, (for a new one) control point,
/// result, risk, owner, due, status, evidence; choices named by the
/// catalogue's labels.
pub fn finding_form(
    f: Option<&gaps::Finding>,
    point: Option<&str>,
    lang: crate::domain::labels::Lang,
) -> crate::tui::form::Form {
    use crate::tui::form::{Field, Form};
    let ids = |all: &[&'static str]| all.to_vec();
    let results = ids(&["non_compliant", "partial", "compliant", "not_applicable"]);
    let risks = ids(&["high", "medium", "low"]);
    let statuses = ids(&["open", "in_progress", "fixed", "verified"]);
    let mut fields = vec![Field::text(
        "description",
        Label::new("Description", "问题描述").get(lang),
        f.map_or("", |f| f.description.as_str()),
        true,
    )];
    if f.is_none() {
        fields.push(Field::text(
            "point",
            Label::new("Control point", "控制点").get(lang),
            point.unwrap_or(""),
            true,
        ));
    }
    fields.extend([
        Field::one_of(
            "result",
            Label::new("Result", "测评结果").get(lang),
            &results,
            f.map(|f| f.result.as_str()),
            false,
        )
        .named(
            results
                .iter()
                .filter_map(|r| r.parse::<gaps::ComplianceResult>().ok())
                .map(gaps::labels::result)
                .collect(),
        ),
        Field::one_of(
            "risk",
            Label::new("Risk", "风险等级").get(lang),
            &risks,
            f.map(|f| f.risk.as_str()).or(Some("medium")),
            false,
        )
        .named(
            risks
                .iter()
                .filter_map(|r| r.parse::<Risk>().ok())
                .map(gaps::labels::risk)
                .collect(),
        ),
        Field::text(
            "owner",
            Label::new("Owner (client side)", "整改负责人（客户方）").get(lang),
            f.map_or("", |f| f.owner.as_str()),
            false,
        ),
        Field::date(
            "due",
            Label::new("Due", "整改期限").get(lang),
            f.and_then(|f| f.due),
            false,
        ),
        Field::one_of(
            "status",
            Label::new("Status", "整改状态").get(lang),
            &statuses,
            f.map(|f| f.status.as_str()),
            false,
        )
        .named(
            statuses
                .iter()
                .filter_map(|s| s.parse::<FindingStatus>().ok())
                .map(gaps::labels::status)
                .collect(),
        ),
        Field::notes(
            "evidence",
            Label::new("Evidence", "整改证据").get(lang),
            f.map_or("", |f| f.evidence.as_str()),
        ),
    ]);
    let title = match f {
        Some(_) => Label::new("Edit finding", "编辑整改问题"),
        None => Label::new("New finding", "新增整改问题"),
    };
    Form::new(title.get(lang), fields).in_lang(lang)
}

/// The finding a submitted form describes, or what is wrong with it.
fn from_form(
    form: &crate::tui::form::Form,
    target: &GapTarget,
    v: &GapsView,
    today: NaiveDate,
    lang: crate::domain::labels::Lang,
) -> std::result::Result<gaps::Finding, String> {
    let result = form
        .field("result")
        .as_choice()
        .and_then(|x| x.parse::<gaps::ComplianceResult>().ok())
        .unwrap_or(gaps::ComplianceResult::NonCompliant);
    let risk = form
        .field("risk")
        .as_choice()
        .and_then(|x| x.parse::<Risk>().ok())
        .unwrap_or(Risk::Medium);
    let status = form
        .field("status")
        .as_choice()
        .and_then(|x| x.parse::<FindingStatus>().ok())
        .unwrap_or(FindingStatus::Open);
    let mut f = match target {
        GapTarget::Finding(s) => s.finding.clone(),
        GapTarget::New => {
            let typed = form.field("point").as_text();
            let points = gaps::applicable(v.level, &v.extensions);
            let point = match gaps::point(typed.trim()) {
                Some(p) => p,
                None => match gaps::lookup_point(&typed, None, &points) {
                    gaps::PointLookup::Found(p) => p,
                    gaps::PointLookup::Ambiguous(list)
                    | gaps::PointLookup::NotFound { did_you_mean: list } => {
                        return Err(format!(
                            "{} \"{}\" {}",
                            Label::new("control point", "控制点").get(lang),
                            crate::text::escape_for_terminal(typed.trim()),
                            gaps::labels::did_you_mean(&list, lang)
                        ));
                    }
                },
            };
            gaps::Finding::new(FindingId(0), &point.id, "", result, risk, today)
        }
    };
    // An edit writes the fields the form changed, over the finding as
    // stored: after a refused save, over their version, theirs staying in
    // the fields this form left alone.
    let new = matches!(target, GapTarget::New);
    let set = |key: &str| new || form.field(key).changed();
    if set("description") {
        f.description = form.field("description").as_text().trim().to_string();
    }
    if set("result") {
        f.result = result;
    }
    if set("risk") {
        f.risk = risk;
    }
    if set("owner") {
        f.owner = form.field("owner").as_text().trim().to_string();
    }
    if set("due") {
        f.due = form.field("due").as_date();
    }
    if set("evidence") {
        f.evidence = form.field("evidence").as_notes();
    }
    if set("status") {
        let on = today.max(f.history.last().map_or(today, |h| h.date));
        f.set_status(status, on).map_err(|e| e.to_string())?;
    }
    f.validate().map_err(|e| e.to_string())?;
    Ok(f)
}

/// A key while the view's form is open.
pub fn form_key(
    app: &mut App,
    mut v: Box<GapsView>,
    mut form: Box<crate::tui::form::Form>,
    target: GapTarget,
    msg: Msg,
    fx: &mut Vec<Effect>,
) -> Mode {
    match msg {
        Msg::Char(c) if form.focused().accepts(c) => form.focused().input(c),
        Msg::Backspace => form.focused().backspace(),
        Msg::Action(Action::Cancel) => {
            app.info(crate::tui::words::status::NOT_SAVED.get(app.lang));
            return Mode::Gaps(v);
        }
        Msg::Action(Action::NextField | Action::Down) => form.next(),
        Msg::Action(Action::PrevField | Action::Up) => form.prev(),
        Msg::Action(Action::Left) => form.focused().step(false),
        Msg::Action(Action::Right) => form.focused().step(true),
        Msg::Action(Action::Toggle) => form.focused().toggle(),
        Msg::Action(Action::ClearField) => form.focused().clear(),
        Msg::Action(Action::Today) => {
            let today = app.today;
            form.focused().set_today(today);
        }
        Msg::Action(Action::Submit) => {
            if form.first_problem().is_some() {
                form.error = None;
            } else {
                match from_form(&form, &target, &v, app.today, app.lang) {
                    Err(problem) => form.error = Some(problem),
                    Ok(finding) => {
                        let (stored, create) = match &target {
                            GapTarget::Finding(s) => {
                                let mut s = (**s).clone();
                                if s.finding == finding {
                                    return Mode::Gaps(v);
                                }
                                s.finding = finding;
                                (s, false)
                            }
                            GapTarget::New => (StoredFinding::new(v.network, finding), true),
                        };
                        v.busy = true;
                        v.pending = Some((form.clone(), target.clone()));
                        fx.push(Effect::Gaps(GapsDo::Save {
                            network: v.network,
                            finding: Box::new(stored),
                            create,
                        }));
                        return Mode::Gaps(v);
                    }
                }
            }
        }
        _ => {}
    }
    Mode::GapForm {
        view: v,
        form,
        target,
    }
}

/// The control point at the cursor: of the point row, or of the finding.
pub fn point_at(v: &GapsView, rows: &[GapRow]) -> Option<String> {
    match rows.get(v.selected)? {
        GapRow::Point { id, .. } => Some(id.clone()),
        GapRow::Finding(i) => v
            .findings
            .as_ref()?
            .get(*i)
            .map(|s| s.finding.control_point.clone()),
        GapRow::Category { .. } => None,
    }
}

/// A key while asking before a delete.
pub fn confirm_key(
    app: &mut App,
    mut v: Box<GapsView>,
    finding: Box<StoredFinding>,
    message: String,
    msg: Msg,
    fx: &mut Vec<Effect>,
) -> Mode {
    match msg {
        Msg::Action(Action::Submit) | Msg::Char('y') => {
            v.busy = true;
            fx.push(Effect::Gaps(GapsDo::Delete {
                network: v.network,
                id: finding.finding.id,
                revision: finding.revision,
            }));
            Mode::Gaps(v)
        }
        Msg::Action(Action::Cancel) | Msg::Char('n') => {
            app.info(crate::tui::words::status::NOTHING_DELETED.get(app.lang));
            Mode::Gaps(v)
        }
        _ => Mode::GapConfirm {
            view: v,
            finding,
            message,
        },
    }
}
