//! The label catalogue: what the product calls each thing, in Chinese and
//! in English, and the interface language that picks between them. Pure
//! data; every screen, form, table and message takes its words from here
//! (ids stay ids in files: CSV headers, JSON keys, answers files).

use std::borrow::Cow;

mod case;
pub mod cli;
mod fields;
mod grading;
mod legend;

pub use case::*;
pub use fields::*;
pub use grading::*;
pub use legend::*;

/// The interface language: `lang` in `config.toml`, `--lang`, else the
/// locale (`LC_ALL`, `LANG`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// 中文.
    Zh,
    /// English.
    En,
    /// English, then Chinese: `Evaluation 测评`. The case manager's
    /// default.
    #[default]
    Both,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Zh, Lang::En, Lang::Both];

    /// The id written in `config.toml` and given to `--lang`.
    pub fn id(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
            Lang::Both => "both",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.id().eq_ignore_ascii_case(s.trim()))
    }

    /// The next language, for the key that switches while running.
    pub fn next(self) -> Lang {
        match self {
            Lang::Both => Lang::Zh,
            Lang::Zh => Lang::En,
            Lang::En => Lang::Both,
        }
    }

    /// The interface language: `--lang` first, then `lang` in
    /// `config.toml`, then the locale (`LC_ALL`, then `LANG`: a `zh_*`
    /// locale is Chinese, `en_*`, `C` and `POSIX` English; an unset or
    /// empty one, or one naming another language, is passed over), else
    /// `default` (the case manager's is `Both`, the command line's `En`).
    pub fn resolve(
        flag: Option<Lang>,
        config: Option<Lang>,
        lc_all: Option<&str>,
        lang: Option<&str>,
        default: Lang,
    ) -> Lang {
        flag.or(config)
            .or_else(|| lc_all.and_then(Lang::from_locale))
            .or_else(|| lang.and_then(Lang::from_locale))
            .unwrap_or(default)
    }

    /// The language a locale string (`LC_ALL`, `LANG`: `zh_CN.UTF-8`,
    /// `en_GB.UTF-8`, `C`) asks for; `None` when it names neither.
    pub fn from_locale(locale: &str) -> Option<Lang> {
        let l = locale.trim().to_ascii_lowercase();
        if l.starts_with("zh") {
            Some(Lang::Zh)
        } else if l.starts_with("en") || l == "c" || l.starts_with("c.") || l == "posix" {
            Some(Lang::En)
        } else {
            None
        }
    }
}

/// One thing's name in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub en: &'static str,
    pub zh: &'static str,
}

impl Label {
    pub const fn new(en: &'static str, zh: &'static str) -> Label {
        Label { en, zh }
    }

    /// The label in `lang`; `Both` joins the two with a space (just one
    /// when they are the same).
    pub fn get(self, lang: Lang) -> Cow<'static, str> {
        match lang {
            Lang::En => Cow::Borrowed(self.en),
            Lang::Zh => Cow::Borrowed(self.zh),
            Lang::Both if self.en == self.zh || self.zh.is_empty() => Cow::Borrowed(self.en),
            Lang::Both => Cow::Owned(format!("{} {}", self.en, self.zh)),
        }
    }

    /// The label in `lang` in at most `cols` display columns where it can
    /// be: in `Both`, when the two together do not fit, the Chinese alone,
    /// else the English alone (so a narrow cell shows one whole word
    /// rather than two cut ones). It may still be wider than `cols` when
    /// nothing fits; the caller cuts it.
    pub fn fit(self, lang: Lang, cols: usize) -> Cow<'static, str> {
        let full = self.get(lang);
        if lang != Lang::Both || crate::text::width(&full) <= cols {
            return full;
        }
        if crate::text::width(self.en) <= cols && crate::text::width(self.zh) > cols {
            Cow::Borrowed(self.en)
        } else {
            Cow::Borrowed(self.zh)
        }
    }

    /// The language a column of `labels` is drawn in, in `cols` columns:
    /// `Both` only when every label fits in both, else Chinese for the
    /// whole column (one language down a column reads better than a mix).
    pub fn column(lang: Lang, labels: impl IntoIterator<Item = Label>, cols: usize) -> Lang {
        if lang == Lang::Both
            && labels
                .into_iter()
                .any(|l| crate::text::width(&l.get(Lang::Both)) > cols)
        {
            Lang::Zh
        } else {
            lang
        }
    }

    /// Both languages, Chinese first, as the report writes them:
    /// `专家评审 expert review`.
    pub fn zh_en(self) -> String {
        if self.zh == self.en || self.en.is_empty() {
            self.zh.to_string()
        } else {
            format!("{} {}", self.zh, self.en)
        }
    }
}

use crate::domain::questionnaire::{DataCategory, Deployment, ObjectType, QuestionId, Sector};

/// A question's short name, as a pane row or a form field says it (the
/// report's Chinese names; `Question::meaning` is the long English).
pub fn question(q: QuestionId) -> Label {
    use QuestionId as Q;
    match q {
        Q::ObjectType => Label::new("Object type", "定级对象类型"),
        Q::Sector => Label::new("Sector", "行业类别"),
        Q::Cii => Label::new("CII", "关键信息基础设施"),
        Q::DataCategories => Label::new("Data categories", "数据类别"),
        Q::PiSubjects => Label::new("PI subjects", "个人信息主体数量"),
        Q::SensitivePiSubjects => Label::new("Sensitive-PI subjects", "敏感个人信息主体数量"),
        Q::RegisteredUsers => Label::new("Registered users", "注册用户数"),
        Q::PublicFacing => Label::new("Public-facing", "面向公众服务"),
        Q::PublicOpinion => Label::new("Public opinion", "舆论属性或社会动员能力"),
        Q::OutageAffectedPeople => Label::new("Outage affects", "服务中断影响人数"),
        Q::HostedMaxLevel => Label::new("Hosted max level", "承载对象最高等级"),
        Q::Deployment => Label::new("Deployment", "部署方式"),
        Q::CloudProvider => Label::new("Cloud provider", "云服务商"),
        Q::CloudProviderLevel => Label::new("Cloud platform level", "云平台安全保护等级"),
        Q::CrossBorderTransfer => Label::new("Cross-border transfer", "数据出境"),
        Q::ArchitectureNotes => Label::new("Architecture", "网络拓扑/互联情况"),
    }
}

pub fn object_type(o: ObjectType) -> Label {
    use ObjectType as O;
    match o {
        O::InformationSystem => Label::new("Information system", "信息系统"),
        O::Website => Label::new("Website", "网站"),
        O::MobileAppBackend => Label::new("Mobile app backend", "移动应用后台"),
        O::CloudPlatform => Label::new("Cloud platform", "云计算平台"),
        O::BigData => Label::new("Big data platform", "大数据平台"),
        O::Iot => Label::new("Internet of things", "物联网"),
        O::IndustrialControl => Label::new("Industrial control", "工业控制系统"),
        O::CommunicationNetwork => Label::new("Communication network", "通信网络设施"),
        O::DataResource => Label::new("Data resource", "数据资源"),
    }
}

pub fn sector(s: Sector) -> Label {
    use Sector as S;
    match s {
        S::Finance => Label::new("Finance", "金融"),
        S::Energy => Label::new("Energy", "能源"),
        S::Telecom => Label::new("Telecom", "电信"),
        S::Transport => Label::new("Transport", "交通运输"),
        S::Water => Label::new("Water", "水利"),
        S::Healthcare => Label::new("Healthcare", "卫生健康"),
        S::Education => Label::new("Education", "教育"),
        S::Government => Label::new("Government", "政务"),
        S::Media => Label::new("Media", "新闻传媒"),
        S::Ecommerce => Label::new("E-commerce", "电子商务"),
        S::Gaming => Label::new("Online games", "网络游戏"),
        S::Manufacturing => Label::new("Manufacturing", "制造业"),
        S::Other => Label::new("Other", "其他"),
    }
}

pub fn data_category(d: DataCategory) -> Label {
    use DataCategory as D;
    match d {
        D::Business => Label::new("Business data", "业务数据"),
        D::Personal => Label::new("Personal information", "个人信息"),
        D::SensitivePersonal => Label::new("Sensitive PI", "敏感个人信息"),
        D::Payment => Label::new("Payment data", "支付数据"),
        D::Health => Label::new("Health data", "健康数据"),
        D::Minors => Label::new("Minors' data", "未成年人信息"),
        D::Important => Label::new("Important data", "重要数据"),
        D::Core => Label::new("Core data", "核心数据"),
    }
}

pub fn deployment(d: Deployment) -> Label {
    use Deployment as D;
    match d {
        D::OnPremises => Label::new("On premises", "本地部署"),
        D::Cloud => Label::new("Cloud", "云上部署"),
        D::Hybrid => Label::new("Hybrid", "混合部署"),
    }
}

/// The label of answer value `id` of question `q` (a choice or a flag of
/// `object_type`, `sector`, `data_categories`, `deployment`; yes and no of
/// the yes/no questions); `None` for a value the question does not have.
pub fn value(q: QuestionId, id: &str) -> Option<Label> {
    use crate::domain::questionnaire::QuestionKind;
    match q {
        QuestionId::ObjectType => id.parse::<ObjectType>().ok().map(object_type),
        QuestionId::Sector => id.parse::<Sector>().ok().map(sector),
        QuestionId::DataCategories => id.parse::<DataCategory>().ok().map(data_category),
        QuestionId::Deployment => id.parse::<Deployment>().ok().map(deployment),
        _ if q.question().kind == QuestionKind::Bool => match id {
            "true" | "yes" => Some(YES),
            "false" | "no" => Some(NO),
            _ => None,
        },
        _ => None,
    }
}

pub const YES: Label = Label::new("yes", "是");
pub const NO: Label = Label::new("no", "否");
pub const UNKNOWN: Label = Label::new("unknown", "未知");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_in_each_language() {
        let l = Label::new("Evaluation", "测评");
        assert_eq!(l.get(Lang::En), "Evaluation");
        assert_eq!(l.get(Lang::Zh), "测评");
        assert_eq!(l.get(Lang::Both), "Evaluation 测评");
        assert_eq!(Label::new("ICP", "ICP").get(Lang::Both), "ICP");
    }

    #[test]
    fn languages_from_ids_and_locales() {
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.id()), Some(l));
        }
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::from_locale("en_GB.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_locale("C.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_locale("de_DE.UTF-8"), None);
        assert_eq!(Lang::Both.next().next().next(), Lang::Both);
        assert_eq!(Lang::from_locale(""), None);
    }

    #[test]
    fn the_flag_wins_then_the_config_then_lc_all_then_lang() {
        use Lang::*;
        let r = Lang::resolve;
        assert_eq!(r(Some(En), Some(Zh), Some("zh_CN.UTF-8"), None, Both), En);
        assert_eq!(r(None, Some(Zh), Some("en_US.UTF-8"), None, Both), Zh);
        assert_eq!(r(None, None, Some("zh_CN.UTF-8"), Some("en_US"), Both), Zh);
        assert_eq!(r(None, None, Some(""), Some("zh_TW.UTF-8"), En), Zh);
        assert_eq!(r(None, None, Some("de_DE.UTF-8"), Some("en_GB"), Both), En);
        assert_eq!(r(None, None, None, None, Both), Both);
        assert_eq!(r(None, None, None, Some("fr_FR"), En), En);
    }

    #[test]
    fn every_answer_value_has_a_label_in_both_languages() {
        use crate::domain::questionnaire::QuestionKind;
        for q in QuestionId::ALL {
            let l = question(*q);
            assert!(!l.en.is_empty() && !l.zh.is_empty(), "{q}");
            let ids: &[&str] = match q.question().kind {
                QuestionKind::OneOf(ids) | QuestionKind::SetOf(ids) => ids,
                QuestionKind::Bool => &["true", "false"],
                _ => &[],
            };
            for id in ids {
                let v = value(*q, id).unwrap_or_else(|| panic!("{q}: {id} has no label"));
                assert!(!v.en.is_empty() && !v.zh.is_empty(), "{q}: {id}");
                assert_ne!(v.en, *id, "{q}: {id} is labelled by its id");
            }
        }
        assert_eq!(value(QuestionId::Sector, "bakery"), None);
    }

    #[test]
    fn every_catalogue_value_has_both_labels_non_empty() {
        use crate::domain::grading::{FloorId, RuleId, RuleSet, WarningId};
        use crate::domain::model::{Aspect, Conclusion, Degree, HarmedObject, Level, Stage};
        use crate::domain::timeline::{DueKind, DueStatus};
        use crate::domain::triage::{Fact, SortBy, Tier};
        let mut all: Vec<(String, Label)> = Vec::new();
        let mut add = |what: String, l: Label| all.push((what, l));
        for s in Stage::ALL {
            add(format!("stage {s}"), stage(*s));
            add(format!("stage action {s}"), stage_action(*s));
        }
        for k in DueKind::ALL {
            add(format!("due kind {k}"), due_kind(*k));
            assert_eq!(due_kind(*k).en, k.label());
        }
        for s in DueStatus::ALL {
            add(format!("status {s}"), due_status(*s));
        }
        for c in Conclusion::ALL {
            add(format!("conclusion {c}"), conclusion(*c));
        }
        for t in Tier::ALL {
            add(format!("tier {t}"), tier(*t));
        }
        for s in [SortBy::Urgency, SortBy::Due, SortBy::Client, SortBy::Level] {
            add(format!("sort {s:?}"), sort_by(s));
        }
        for f in [Fact::Contact, Fact::CreditCode, Fact::Address] {
            add(format!("fact {f:?}"), fact(f));
        }
        for r in RuleSet::ALL {
            add(format!("rule set {r}"), rule_set(*r));
        }
        for r in RuleId::ALL {
            add(format!("rule {r}"), rule(*r));
        }
        for f in FloorId::ALL {
            add(format!("floor {f}"), floor(*f));
        }
        for w in WarningId::ALL {
            add(format!("warning {w}"), warning(*w));
            add(format!("warning meaning {w}"), warning_meaning(*w));
        }
        for o in HarmedObject::ALL {
            add(format!("object {o}"), harmed_object(*o));
            add(format!("object in full {o}"), harmed_object_full(*o));
        }
        for d in Degree::ALL {
            add(format!("degree {d}"), degree(*d));
        }
        for a in Aspect::ALL {
            add(format!("aspect {a}"), aspect(*a));
        }
        for n in 1..=5 {
            let v = Level::new(n).expect("a level");
            add(format!("level {n}"), level_number(v));
            add(format!("level name {n}"), level_name(v));
        }
        for l in [
            OPEN,
            COULD_RAISE,
            REGRADING_NEEDED,
            FILED,
            NOT_FILED,
            PROVISIONAL,
            NONE,
            YES,
            NO,
            UNKNOWN,
            DO_YEARLY_SELF_ASSESSMENT,
            RENEW_CERTIFICATE,
            CHASE_FIX_OWNER,
            FIX_HIGH_BEFORE_EVALUATION,
            RECORD_LAST_MILESTONE,
            REGRADE_HIGHER,
            RECONFIRM_LEVEL,
        ] {
            add(format!("mark {}", l.en), l);
        }
        for (what, l) in &all {
            assert!(!l.en.trim().is_empty(), "{what}: no English");
            assert!(!l.zh.trim().is_empty(), "{what}: no Chinese");
            // The Chinese says it in Chinese (codes such as GB/T aside).
            assert!(
                l.zh == l.en || l.zh.chars().any(|c| c as u32 >= 0x3000),
                "{what}: {:?} is not Chinese",
                l.zh
            );
        }
        assert_eq!(level_number(Level::L3).zh, "第三级");
        assert_eq!(level_name(Level::L5).zh, "专控保护级");
    }

    #[test]
    fn the_rules_thresholds_are_the_grading_engines() {
        use crate::domain::grading::*;
        use crate::domain::questionnaire::group_thousands as n;
        assert!(rule(RuleId::S3).en.contains(&n(PI_SOCIAL)));
        assert!(rule(RuleId::S3).en.contains(&n(SENSITIVE_SOCIAL)));
        assert!(rule(RuleId::S4).en.contains(&n(PI_SERIOUS)));
        assert!(rule(RuleId::S4).en.contains(&n(SENSITIVE_SERIOUS)));
        assert!(rule(RuleId::A3).en.contains(&n(OUTAGE_SOCIAL)));
        assert!(rule(RuleId::A3).zh.contains(&n(OUTAGE_SOCIAL)));
        assert!(rule(RuleId::A4).en.contains(&n(OUTAGE_GENERAL)));
        assert!(rule(RuleId::A4).zh.contains(&n(OUTAGE_GENERAL)));
    }

    #[test]
    fn a_narrow_cell_gets_one_whole_language() {
        let l = Label::new("questionnaire received", "收到问卷答复");
        assert_eq!(l.fit(Lang::Both, 40), "questionnaire received 收到问卷答复");
        assert_eq!(l.fit(Lang::Both, 20), "收到问卷答复");
        assert_eq!(l.fit(Lang::En, 5), "questionnaire received");
        let wide_zh = Label::new("CII", "关键信息基础设施");
        assert_eq!(wide_zh.fit(Lang::Both, 10), "CII");
        // Nothing fits: the Chinese, for the caller to cut.
        assert_eq!(l.fit(Lang::Both, 4), "收到问卷答复");
        let cells = [l, wide_zh];
        assert_eq!(Label::column(Lang::Both, cells, 40), Lang::Both);
        assert_eq!(Label::column(Lang::Both, cells, 20), Lang::Zh);
        assert_eq!(Label::column(Lang::En, cells, 2), Lang::En);
    }

    #[test]
    fn the_legend_names_every_warning_rule_and_floor_in_each_language() {
        use crate::domain::grading::{FloorId, RuleId, WarningId};
        for lang in Lang::ALL {
            let legend = legend(lang);
            let marks: Vec<&String> = legend
                .iter()
                .flat_map(|s| s.rows.iter().map(|(m, _)| m))
                .collect();
            for w in WarningId::ALL {
                assert!(marks.iter().any(|m| m.starts_with(w.as_str())), "{w}");
            }
            for r in RuleId::ALL {
                assert!(marks.iter().any(|m| *m == r.as_str()), "{r}");
            }
            for f in FloorId::ALL {
                assert!(marks.iter().any(|m| *m == f.as_str()), "{f}");
            }
            for s in &legend {
                for (m, meaning) in &s.rows {
                    assert!(!meaning.is_empty(), "{lang:?} {m}");
                }
            }
        }
    }
}
