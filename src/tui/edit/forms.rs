//! The form for each kind of record, and the record a filled-in form
//! makes: the version it was opened on with the fields it changed.

use chrono::NaiveDate;

use crate::domain::grading;
use crate::domain::labels::{self, Label, Lang};
use crate::domain::model::{
    Aspect, Client, ClientId, Conclusion, Contact, Degree, HarmOverride, HarmedObject, Level,
    Milestone, Network, NetworkId, Overrides, Stage,
};
use crate::domain::questionnaire::{Answers, QuestionId, QuestionKind};
use crate::tui::app::App;
use crate::tui::edit::{Built, FormTarget, Problem};
use crate::tui::form::{Field, Form, Version};
use crate::tui::words::{self, form as w};

pub(super) fn client_form(title: Label, c: Option<&Client>, lang: Lang) -> Form {
    let get = |f: fn(&Client) -> &str| c.map(f).unwrap_or("");
    let say = |l: Label| words::say(l, lang);
    Form::new(
        say(title),
        vec![
            Field::text("name", say(w::NAME), get(|c| &c.name), false),
            Field::text("name_zh", say(w::NAME_ZH), get(|c| &c.name_zh), false),
            Field::text("region", say(w::REGION), get(|c| &c.region), false),
            Field::text(
                "credit_code",
                say(w::CREDIT_CODE),
                get(|c| &c.credit_code),
                false,
            ),
            Field::text("address", say(w::ADDRESS), get(|c| &c.address), false),
            Field::notes("notes", say(w::NOTES), get(|c| &c.notes)),
        ],
    )
    .in_lang(lang)
}

pub(super) fn contact_form(title: Label, c: Option<&Contact>, lang: Lang) -> Form {
    let get = |f: fn(&Contact) -> &str| c.map(f).unwrap_or("");
    let say = |l: Label| words::say(l, lang);
    Form::new(
        say(title),
        vec![
            Field::text("name", say(w::NAME), get(|c| &c.name), true),
            Field::text("role", say(w::ROLE), get(|c| &c.role), false),
            Field::text("email", say(w::EMAIL), get(|c| &c.email), false),
            Field::text("phone", say(w::PHONE), get(|c| &c.phone), false),
        ],
    )
    .in_lang(lang)
}

const LEVELS: &[&str] = &["1", "2", "3", "4", "5"];
const LEVELS0: &[&str] = &["0", "1", "2", "3", "4", "5"];

pub(super) fn network_form(title: Label, n: Option<&Network>, lang: Lang) -> Form {
    let filed = n.and_then(|n| n.filed_level).map(|l| l.to_string());
    let say = |l: Label| words::say(l, lang);
    Form::new(
        say(title),
        vec![
            Field::text("name", say(w::NAME), n.map_or("", |n| &n.name), true),
            Field::notes("notes", say(w::NOTES), n.map_or("", |n| &n.notes)),
            Field::one_of(
                "filed_level",
                say(w::FILED_LEVEL),
                LEVELS,
                filed.as_deref(),
                true,
            ),
        ],
    )
    .in_lang(lang)
}

pub(super) fn answer_form(answers: &Answers, q: QuestionId, lang: Lang) -> Form {
    let question = q.question();
    let current = answers.display(q);
    let key = q.as_str();
    // English says the id and what the question asks; Chinese its name.
    let name = labels::question(q).zh;
    let label = match lang {
        Lang::En => format!("{key}: {}", question.meaning),
        Lang::Zh => format!("{name} ({key})"),
        Lang::Both => format!("{key}: {} {name}", question.meaning),
    };
    // Each choice by its name in the catalogue (the id where it has none).
    let names = |options: &'static [&'static str]| -> Vec<Label> {
        options
            .iter()
            .map(|o| labels::value(q, o).unwrap_or(Label::new(o, o)))
            .collect()
    };
    let field = match question.kind {
        QuestionKind::OneOf(options) => {
            Field::one_of(key, label, options, current.as_deref(), true).named(names(options))
        }
        QuestionKind::SetOf(options) => {
            let set = answers
                .data_categories
                .as_ref()
                .map(|s| s.iter().map(|c| c.as_str()).collect());
            Field::set_of(key, label, options, set).named(names(options))
        }
        QuestionKind::Bool => Field::yes_no(key, label, current.map(|v| v == "yes")),
        QuestionKind::Count => {
            let value = current.and_then(|v| v.replace(' ', "").parse().ok());
            Field::count(key, label, value)
        }
        QuestionKind::Level => Field::one_of(key, label, LEVELS0, current.as_deref(), true),
        QuestionKind::Text => Field::text(key, label, current.as_deref().unwrap_or(""), false),
    };
    // What unknown counts as: English names the value by its id.
    let unknown = |lang: Lang| -> String {
        let named = match question.unknown_means {
            "{}" => w::NO_CATEGORIES,
            "\"\"" => w::EMPTY,
            "false, listed as open" => w::FALSE_LISTED_OPEN,
            other => match labels::value(q, other) {
                Some(l) if lang != Lang::En => l,
                _ => return other.to_string(),
            },
        };
        named.get(lang).into_owned()
    };
    let en = format!(
        "{} {key} ({} {})",
        w::ANSWER.en,
        w::UNKNOWN_COUNTS_AS.en,
        unknown(Lang::En)
    );
    let zh = format!(
        "{} {name}（{} {} 计）",
        w::ANSWER.zh,
        w::UNKNOWN_COUNTS_AS.zh,
        unknown(Lang::Zh)
    );
    // In `both`, the Chinese alone when the two overflow the form's top
    // border (76 columns); the field below names the question in both.
    let title = match words::phrase(lang, en, zh.clone()) {
        t if lang == Lang::Both && crate::text::width(&t) > words::FORM_LINE => zh,
        t => t,
    };
    Form::new(title, vec![field]).in_lang(lang)
}

pub(super) fn override_form(o: &Overrides, lang: Lang) -> Form {
    let mut fields = Vec::new();
    for (aspect, prefix) in [
        (Aspect::BusinessInformation, "S"),
        (Aspect::SystemService, "A"),
    ] {
        let current = o.get(aspect);
        let (object, degree, justification): (&'static str, &'static str, &'static str) =
            match aspect {
                Aspect::BusinessInformation => ("s_object", "s_degree", "s_justification"),
                Aspect::SystemService => ("a_object", "a_degree", "a_justification"),
            };
        fields.push(
            Field::one_of(
                object,
                format!("{prefix} {}", w::HARMED_OBJECT.get(lang)),
                HarmedObject::IDS,
                current.map(|c| c.object.as_str()),
                true,
            )
            .named(
                HarmedObject::ALL
                    .iter()
                    .map(|o| labels::harmed_object(*o))
                    .collect(),
            ),
        );
        fields.push(
            Field::one_of(
                degree,
                format!("{prefix} {}", w::DEGREE.get(lang)),
                Degree::IDS,
                current.map(|c| c.degree.as_str()),
                false,
            )
            .named(Degree::ALL.iter().map(|d| labels::degree(*d)).collect()),
        );
        fields.push(Field::notes(
            justification,
            format!("{prefix} {}", w::JUSTIFICATION.get(lang)),
            current.map_or("", |c| &c.justification),
        ));
    }
    Form::new(w::OVERRIDE.get(lang), fields).in_lang(lang)
}

/// The form of a milestone: `m` to edit, else a new one at `stage` (the
/// stage the case expects next). Only the fields the stage uses are shown
/// (see [`show_stage_fields`]).
pub(super) fn milestone_form(
    title: Label,
    m: Option<&Milestone>,
    stage: Stage,
    lang: Lang,
) -> Form {
    let counts = |v: Option<u32>| v.map(u64::from);
    let say = |l: Label| words::say(l, lang);
    let mut form = Form::new(
        say(title),
        vec![
            Field::one_of(
                "stage",
                say(w::STAGE),
                Stage::IDS,
                Some(m.map_or(stage, |m| m.stage).as_str()),
                false,
            )
            .named(Stage::ALL.iter().map(|s| labels::stage(*s)).collect()),
            Field::date("date", say(w::DATE), m.map(|m| m.date), true),
            Field::notes("note", say(w::NOTE), m.map_or("", |m| &m.note)),
            Field::decimal("score", say(w::SCORE), m.and_then(|m| m.score), 0.0, 100.0),
            Field::one_of(
                "conclusion",
                say(w::CONCLUSION),
                Conclusion::IDS,
                m.and_then(|m| m.conclusion).map(|c| c.as_str()),
                true,
            )
            .named(
                Conclusion::ALL
                    .iter()
                    .map(|c| labels::conclusion(*c))
                    .collect(),
            ),
            Field::count(
                "high_risks",
                say(w::HIGH_RISKS),
                m.and_then(|m| counts(m.high_risks)),
            ),
            Field::count(
                "medium_risks",
                say(w::MEDIUM_RISKS),
                m.and_then(|m| counts(m.medium_risks)),
            ),
            Field::text(
                "number",
                say(w::NUMBER),
                m.and_then(|m| m.number.as_deref()).unwrap_or(""),
                false,
            ),
            Field::one_of(
                "level",
                say(w::LEVEL),
                LEVELS,
                m.and_then(|m| m.level).map(|l| l.to_string()).as_deref(),
                true,
            ),
        ],
    )
    .in_lang(lang);
    show_stage_fields(&mut form);
    form
}

/// The fields of a milestone form that its stage uses: the date and note
/// always; score, conclusion and risks for an evaluation; the level for a
/// filing or a certificate, the number for a certificate. The others are
/// hidden (and saved empty).
pub(super) fn show_stage_fields(form: &mut Form) {
    let Some(stage) = form
        .fields
        .iter()
        .find(|f| f.key == "stage")
        .and_then(|f| f.as_choice())
        .and_then(|s| s.parse::<Stage>().ok())
    else {
        return;
    };
    for f in &mut form.fields {
        f.hidden = !stage_uses(stage, f.key);
    }
    if form.fields.get(form.focus).is_some_and(|f| f.hidden) {
        form.focus = 0;
    }
}

/// Whether a milestone at `stage` has the field `key`.
pub fn stage_uses(stage: Stage, key: &str) -> bool {
    match key {
        "score" | "conclusion" | "high_risks" | "medium_risks" => stage.is_evaluation(),
        "number" => stage == Stage::CertificateIssued,
        "level" => stage.is_filing(),
        _ => true,
    }
}

/// The stage a new milestone of `n` defaults to: the one the case expects
/// next on its level's path (as triage says it); the first, sending the
/// questionnaire, for a case with none; once the case is through its
/// path, the periodic evaluation (level 2 and up) or self-assessment
/// (level 1) that renewals repeat.
pub(super) fn expected_stage(n: &Network, level: Level) -> Stage {
    if n.milestones.is_empty() {
        return Stage::QuestionnaireSent;
    }
    crate::domain::triage::next_stage(n, level).unwrap_or(if level == Level::L1 {
        Stage::SelfAssessment
    } else {
        Stage::EvaluationPassed
    })
}

/// The level a filing milestone records when the form leaves it empty: a
/// filing files the computed level, a certificate confirms the latest
/// filing (else the filed level, else the computed one).
pub(super) fn default_filing_level(rules: grading::RuleSet, n: &Network, stage: Stage) -> Level {
    let computed = grading::level(&n.answers, &n.overrides, rules);
    match stage {
        Stage::CertificateIssued => n
            .latest_filing()
            .and_then(|m| m.level)
            .or(n.filed_level)
            .unwrap_or(computed),
        _ => computed,
    }
}

/// A record's validation error, pointed at the form field of the same name
/// (`contacts[0].email` is the `email` field).
pub(super) fn at_field(e: crate::domain::model::FieldError) -> Problem {
    let key = e.field.rsplit('.').next().unwrap_or("").to_string();
    Problem {
        field: Some(key),
        message: e.to_string(),
        changed: false,
    }
}

pub(super) fn base_client(form: &Form) -> Result<Client, Problem> {
    match &form.base {
        Some(Version::Client(c)) => Ok((**c).clone()),
        _ => Err(w::CLIENT_GONE.get(form.lang).into_owned().into()),
    }
}

pub(super) fn base_network(form: &Form) -> Result<Network, Problem> {
    match &form.base {
        Some(Version::Network(n)) => Ok((**n).clone()),
        _ => Err(w::NETWORK_GONE.get(form.lang).into_owned().into()),
    }
}

/// The record as the form makes it: the version the form was opened on
/// with the fields the form changed (a field left as it was keeps the
/// stored value exactly); and what to call the change.
/// `rules` grade the level a filing files when the form leaves it empty.
pub(super) fn build(
    form: &Form,
    target: &FormTarget,
    rules: grading::RuleSet,
) -> Result<(Built, &'static str), Problem> {
    let text = |k: &str| form.field(k).as_text();
    let notes = |k: &str| form.field(k).as_notes();
    let level = || {
        form.field("filed_level")
            .as_choice()
            .and_then(|l| l.parse().ok())
            .and_then(Level::new)
    };
    match target {
        FormTarget::NewClient | FormTarget::Client(_) => {
            let base = match target {
                FormTarget::Client(_) => Some(base_client(form)?),
                _ => None,
            };
            let take = |k: &str| base.is_none() || form.changed(k);
            let mut c = base.clone().unwrap_or_default();
            for (key, value) in [
                ("name", &mut c.name),
                ("name_zh", &mut c.name_zh),
                ("region", &mut c.region),
                ("credit_code", &mut c.credit_code),
                ("address", &mut c.address),
            ] {
                if take(key) {
                    *value = text(key);
                }
            }
            if take("notes") {
                c.notes = notes("notes");
            }
            c.validate().map_err(at_field)?;
            Ok((Built::client(base, c), "client"))
        }
        FormTarget::NewContact(_) | FormTarget::Contact(_, _) => {
            let base = base_client(form)?;
            let index = match target {
                FormTarget::Contact(_, i) if *i < base.contacts.len() => Some(*i),
                _ => None,
            };
            let take = |k: &str| index.is_none() || form.changed(k);
            let mut contact = index.map_or_else(Contact::default, |i| base.contacts[i].clone());
            for (key, value) in [
                ("name", &mut contact.name),
                ("role", &mut contact.role),
                ("email", &mut contact.email),
                ("phone", &mut contact.phone),
            ] {
                if take(key) {
                    *value = text(key);
                }
            }
            contact.validate().map_err(at_field)?;
            let mut mine = base.clone();
            match index {
                Some(i) => mine.contacts[i] = contact,
                None => mine.contacts.push(contact),
            }
            Ok((Built::client(Some(base), mine), "contact"))
        }
        FormTarget::NewNetwork(client) => {
            let mut n = Network {
                id: NetworkId(0),
                client: *client,
                revision: 0,
                name: text("name"),
                notes: notes("notes"),
                answers: Answers::default(),
                overrides: Overrides::default(),
                filed_level: level(),
                milestones: Vec::new(),
            };
            n.validate().map_err(at_field)?;
            Ok((Built::network(None, n), "network"))
        }
        FormTarget::Network(_) => {
            let base = base_network(form)?;
            let mut n = base.clone();
            if form.changed("name") {
                n.name = text("name");
            }
            if form.changed("notes") {
                n.notes = notes("notes");
            }
            if form.changed("filed_level") {
                n.filed_level = level();
                if n.filed_level != base.filed_level
                    && let Some(m) = base.latest_filing()
                {
                    return Err(Problem {
                        field: Some("filed_level".into()),
                        message: {
                            let (stage, date) = (m.stage, m.date);
                            let level = m.level.map_or(0, Level::get);
                            words::phrase(
                                form.lang,
                                format!(
                                    "filed_level follows the latest filing ({stage} on {date}, \
                                     level {level}): record a filing_submitted milestone to \
                                     change it"
                                ),
                                format!(
                                    "备案等级随最近一次备案（{date} {stage}，等级 {level}）：\
                                     要修改，请记录一个 filing_submitted 节点"
                                ),
                            )
                        },
                        changed: false,
                    });
                }
            }
            Ok((Built::network(Some(base), n), "network"))
        }
        FormTarget::Answer(_, q) => {
            let base = base_network(form)?;
            let mut n = base.clone();
            let field = &form.fields[0];
            let value = match q.question().kind {
                QuestionKind::Bool => field
                    .as_bool()
                    .map(|b| if b { "yes" } else { "no" }.to_string())
                    .unwrap_or_default(),
                QuestionKind::OneOf(_) | QuestionKind::Level => {
                    field.as_choice().unwrap_or("").to_string()
                }
                QuestionKind::SetOf(_) => match field.as_flags() {
                    Some(flags) if flags.is_empty() => "none".into(),
                    Some(flags) => flags.join(","),
                    None => String::new(),
                },
                QuestionKind::Count | QuestionKind::Text => field.as_text(),
            };
            if field.changed() {
                n.answers.set_from_text(*q, &value).map_err(|e| Problem {
                    field: Some(q.as_str().to_string()),
                    message: format!("{q}: {e}"),
                    changed: false,
                })?;
            }
            Ok((Built::network(Some(base), n), q.as_str()))
        }
        FormTarget::Override(_) => {
            let base = base_network(form)?;
            let mut n = base.clone();
            // An aspect whose fields were all left as they were keeps its
            // stored override.
            let read = |aspect: Aspect, [object, degree, justification]: [&str; 3]| {
                if ![object, degree, justification]
                    .iter()
                    .any(|k| form.changed(k))
                {
                    return base.overrides.get(aspect).cloned();
                }
                let object = form.field(object).as_choice()?.parse().ok()?;
                Some(HarmOverride {
                    object,
                    degree: form.field(degree).as_choice()?.parse().ok()?,
                    justification: form.field(justification).as_notes(),
                })
            };
            n.overrides = Overrides {
                business_information: read(
                    Aspect::BusinessInformation,
                    ["s_object", "s_degree", "s_justification"],
                ),
                system_service: read(
                    Aspect::SystemService,
                    ["a_object", "a_degree", "a_justification"],
                ),
            };
            n.overrides.validate().map_err(|e| {
                // `system_service.justification` is the `a_justification` field.
                let prefix = if e.field.starts_with("business") {
                    "s_"
                } else {
                    "a_"
                };
                let key = e.field.rsplit('.').next().unwrap_or("");
                Problem {
                    field: Some(format!("{prefix}{key}")),
                    message: format!("override {e}"),
                    changed: false,
                }
            })?;
            Ok((Built::network(Some(base), n), "override"))
        }
        FormTarget::NewMilestone(_) | FormTarget::Milestone(_, _) => {
            let base = base_network(form)?;
            // The index is of the milestones the form was opened on.
            let index = match target {
                FormTarget::Milestone(_, i) if *i < base.milestones.len() => Some(*i),
                _ => None,
            };
            let take = |k: &str| index.is_none() || form.changed(k);
            // A field the stage does not use is saved empty.
            let hidden = |k: &str| form.field(k).hidden;
            let mut m = match index {
                Some(i) => base.milestones[i].clone(),
                None => Milestone::new(Stage::QuestionnaireSent, NaiveDate::default()),
            };
            if take("stage") {
                m.stage = form
                    .field("stage")
                    .as_choice()
                    .unwrap_or("questionnaire_sent")
                    .parse()?;
            }
            if take("date") {
                m.date = form
                    .field("date")
                    .as_date()
                    .ok_or_else(|| w::DATE_EXPECTED.get(form.lang).into_owned())?;
            }
            if take("note") {
                m.note = notes("note");
            }
            if hidden("score") {
                m.score = None;
            } else if take("score") {
                m.score = form.field("score").as_decimal();
            }
            if hidden("conclusion") {
                m.conclusion = None;
            } else if take("conclusion") {
                m.conclusion = form
                    .field("conclusion")
                    .as_choice()
                    .and_then(|c| c.parse().ok());
            }
            let small = |k: &'static str| -> Result<Option<u32>, Problem> {
                form.field(k)
                    .as_count()
                    .map(|v| {
                        u32::try_from(v).map_err(|_| Problem {
                            field: Some(k.to_string()),
                            message: words::phrase(
                                form.lang,
                                format!("{k}: {v} is more than {} risks", u32::MAX),
                                format!("{k}：{v} 超过了 {} 个风险", u32::MAX),
                            ),
                            changed: false,
                        })
                    })
                    .transpose()
            };
            if hidden("high_risks") {
                m.high_risks = None;
            } else if take("high_risks") {
                m.high_risks = small("high_risks")?;
            }
            if hidden("medium_risks") {
                m.medium_risks = None;
            } else if take("medium_risks") {
                m.medium_risks = small("medium_risks")?;
            }
            if hidden("number") {
                m.number = None;
            } else if take("number") {
                let number = text("number");
                m.number = (!number.is_empty()).then_some(number);
            }
            if !m.stage.is_filing() {
                m.level = None;
            } else if take("level") || m.level.is_none() {
                m.level = Some(
                    form.field("level")
                        .as_choice()
                        .and_then(|l| l.parse().ok())
                        .and_then(Level::new)
                        .unwrap_or_else(|| default_filing_level(rules, &base, m.stage)),
                );
            }
            m.validate().map_err(at_field)?;
            let mut n = base.clone();
            match index {
                Some(i) => n.milestones[i] = m,
                None => n.milestones.push(m),
            }
            Ok((Built::network(Some(base), n), "milestone"))
        }
    }
}

pub(super) fn find_client(app: &App, id: ClientId) -> Result<Client, String> {
    app.clients
        .iter()
        .find(|c| c.id == id)
        .cloned()
        .ok_or_else(|| w::CLIENT_GONE.get(app.lang).into_owned())
}

pub(super) fn find_network(app: &App, id: NetworkId) -> Result<Network, String> {
    app.network(id)
        .cloned()
        .ok_or_else(|| w::NETWORK_GONE.get(app.lang).into_owned())
}
