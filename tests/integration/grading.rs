//! Table-driven tests of the grading engine against the domain spec
//! (`mlps-domain.md` sections 3 to 6) and the `mlps assess --json` shape of
//! `interfaces.md`. Public API only.

use std::collections::BTreeSet;

use mlps::domain::grading::{FloorId, Grade, RuleId, RuleSet, WarningId, grade, level, matrix};
use mlps::domain::model::{Aspect, Degree, HarmOverride, HarmedObject, Level, Overrides};
use mlps::domain::questionnaire::{
    Answers, DataCategory, Deployment, ObjectType, QuestionId, Sector,
};

use Degree::{General, ParticularlySerious, Serious};
use HarmedObject::{Citizens, NationalSecurity, SocialOrder};

use crate::support::{answered, lv};

const CONS: RuleSet = RuleSet::Conservative;
const GBT: RuleSet = RuleSet::Gbt22240;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn with(edit: fn(&mut Answers)) -> Answers {
    let mut a = answered();
    edit(&mut a);
    a
}

fn cats(list: &[DataCategory]) -> Option<BTreeSet<DataCategory>> {
    Some(list.iter().copied().collect())
}

fn ov(object: HarmedObject, degree: Degree) -> HarmOverride {
    HarmOverride {
        object,
        degree,
        justification: "set by hand after the client interview".into(),
    }
}

fn override_on(aspect: Aspect, object: HarmedObject, degree: Degree) -> Overrides {
    let mut o = Overrides::default();
    match aspect {
        Aspect::BusinessInformation => o.business_information = Some(ov(object, degree)),
        Aspect::SystemService => o.system_service = Some(ov(object, degree)),
    }
    o
}

fn none() -> Overrides {
    Overrides::default()
}

/// Grades and checks that `level()` agrees with `grade()`.
fn g(answers: &Answers, overrides: &Overrides, rules: RuleSet) -> Grade {
    let out = grade(answers, overrides, rules);
    assert_eq!(
        level(answers, overrides, rules),
        out.level,
        "level() disagrees with grade().level"
    );
    assert_eq!(out.rules, rules);
    out
}

fn floor_ids(gr: &Grade) -> Vec<&'static str> {
    gr.floors.iter().map(|f| f.rule.as_str()).collect()
}

fn warning_ids(gr: &Grade) -> Vec<&'static str> {
    gr.warnings.iter().map(|w| w.as_str()).collect()
}

fn qids(list: &[QuestionId]) -> Vec<&'static str> {
    list.iter().map(|q| q.as_str()).collect()
}

// ---------------------------------------------------------------------------
// The level matrix (section 3)
// ---------------------------------------------------------------------------

/// (object, degree, conservative level, gbt22240 level), written out from
/// the spec's table.
const MATRIX: [(HarmedObject, Degree, u8, u8); 9] = [
    (Citizens, General, 1, 1),
    (Citizens, Serious, 2, 2),
    (Citizens, ParticularlySerious, 3, 2),
    (SocialOrder, General, 2, 2),
    (SocialOrder, Serious, 3, 3),
    (SocialOrder, ParticularlySerious, 4, 4),
    (NationalSecurity, General, 3, 3),
    (NationalSecurity, Serious, 4, 4),
    (NationalSecurity, ParticularlySerious, 5, 5),
];

#[test]
fn matrix_function_matches_the_spec_table_for_both_rule_sets() {
    for (object, degree, cons, gbt) in MATRIX {
        assert_eq!(
            matrix(CONS, object, degree),
            lv(cons),
            "conservative {object}/{degree}"
        );
        assert_eq!(
            matrix(GBT, object, degree),
            lv(gbt),
            "gbt22240 {object}/{degree}"
        );
    }
}

#[test]
fn the_two_rule_sets_differ_only_in_the_citizens_particularly_serious_cell() {
    let mut differing = Vec::new();
    for object in HarmedObject::ALL {
        for degree in Degree::ALL {
            if matrix(CONS, *object, *degree) != matrix(GBT, *object, *degree) {
                differing.push((*object, *degree));
            }
        }
    }
    assert_eq!(differing, vec![(Citizens, ParticularlySerious)]);
}

#[test]
fn default_rule_set_is_conservative_and_other_swaps() {
    assert_eq!(RuleSet::default(), CONS);
    assert_eq!(CONS.other(), GBT);
    assert_eq!(GBT.other(), CONS);
    assert_eq!(CONS.as_str(), "conservative");
    assert_eq!(GBT.as_str(), "gbt22240");
}

#[test]
fn every_matrix_cell_through_grade_with_an_override_on_each_aspect() {
    for rules in [CONS, GBT] {
        for aspect in [Aspect::BusinessInformation, Aspect::SystemService] {
            for (object, degree, cons, gbt) in MATRIX {
                let ctx = format!("{rules} {aspect} {object}/{degree}");
                let (expected, other) = match rules {
                    RuleSet::Conservative => (lv(cons), lv(gbt)),
                    RuleSet::Gbt22240 => (lv(gbt), lv(cons)),
                };
                let overrides = override_on(aspect, object, degree);
                let gr = g(&answered(), &overrides, rules);

                let set = gr.aspect(aspect);
                assert_eq!(set.object, object, "{ctx}: object");
                assert_eq!(set.degree, degree, "{ctx}: degree");
                assert_eq!(set.level, expected, "{ctx}: aspect level");
                assert_eq!(set.rule, RuleId::Override, "{ctx}: rule");
                assert_eq!(set.rule.as_str(), "override", "{ctx}: rule id");
                assert_eq!(
                    set.reason, "set by hand after the client interview",
                    "{ctx}: reason"
                );

                // The other aspect stays at its lowest heuristic.
                let (other_aspect, lowest_rule) = match aspect {
                    Aspect::BusinessInformation => (Aspect::SystemService, RuleId::A6),
                    Aspect::SystemService => (Aspect::BusinessInformation, RuleId::S6),
                };
                let low = gr.aspect(other_aspect);
                assert_eq!(
                    (low.object, low.degree, low.level, low.rule),
                    (Citizens, General, Level::L1, lowest_rule),
                    "{ctx}"
                );

                assert_eq!(gr.level, expected, "{ctx}: final level");
                assert_eq!(gr.other_rules_level, other, "{ctx}: other_rules_level");
                assert!(gr.floors.is_empty(), "{ctx}: no floor applies");
                assert!(gr.warnings.is_empty(), "{ctx}: no warning applies");
                assert!(gr.open_questions.is_empty(), "{ctx}: all answered");
            }
        }
    }
}

#[test]
fn final_level_is_the_max_of_both_overridden_aspects() {
    for (so, sd, scons, sgbt) in MATRIX {
        for (ao, ad, acons, agbt) in MATRIX {
            let overrides = Overrides {
                business_information: Some(ov(so, sd)),
                system_service: Some(ov(ao, ad)),
            };
            let c = g(&answered(), &overrides, CONS);
            assert_eq!(c.level, lv(scons.max(acons)), "S {so}/{sd} A {ao}/{ad}");
            assert_eq!(c.other_rules_level, lv(sgbt.max(agbt)));
            let b = g(&answered(), &overrides, GBT);
            assert_eq!(b.level, lv(sgbt.max(agbt)));
            assert_eq!(b.other_rules_level, lv(scons.max(acons)));
        }
    }
}

#[test]
fn an_override_replaces_the_heuristic_in_both_directions() {
    // Heuristic S1 (core, level 4) overridden down to citizens/general.
    let a = with(|a| a.data_categories = cats(&[DataCategory::Core]));
    let gr = g(
        &a,
        &override_on(Aspect::BusinessInformation, Citizens, General),
        CONS,
    );
    assert_eq!(gr.business_information.rule, RuleId::Override);
    assert_eq!(gr.level, Level::L1);
    // Heuristic A6 overridden up to national_security/serious.
    let gr = g(
        &answered(),
        &override_on(Aspect::SystemService, NationalSecurity, Serious),
        CONS,
    );
    assert_eq!(gr.system_service.rule, RuleId::Override);
    assert_eq!(gr.level, Level::L4);
    // The aspect that is not overridden keeps its heuristic.
    let a = with(|a| a.public_facing = Some(true));
    let gr = g(
        &a,
        &override_on(Aspect::BusinessInformation, Citizens, General),
        CONS,
    );
    assert_eq!(gr.system_service.rule, RuleId::A5);
    assert_eq!(gr.level, Level::L2);
}

#[test]
fn an_override_needs_a_written_justification() {
    for blank in ["", "   ", "\n\t "] {
        let mut o = override_on(Aspect::SystemService, SocialOrder, Serious);
        o.system_service.as_mut().unwrap().justification = blank.into();
        let err = o.validate().unwrap_err();
        assert_eq!(err.field, "system_service.justification", "{blank:?}");
        let mut o = override_on(Aspect::BusinessInformation, SocialOrder, Serious);
        o.business_information.as_mut().unwrap().justification = blank.into();
        assert_eq!(
            o.validate().unwrap_err().field,
            "business_information.justification"
        );
    }
    let mut o = override_on(Aspect::SystemService, SocialOrder, Serious);
    assert!(o.validate().is_ok());
}

// ---------------------------------------------------------------------------
// S heuristics (section 5)
// ---------------------------------------------------------------------------

struct RuleCase {
    name: &'static str,
    edit: fn(&mut Answers),
    rule: RuleId,
    object: HarmedObject,
    degree: Degree,
    cons: u8,
    gbt: u8,
    /// Text the reason must contain (the figure, or the fact).
    reason: &'static str,
}

#[rustfmt::skip]
const S_CASES: &[RuleCase] = &[
    // S1 and its precedence over everything.
    RuleCase { name: "core", edit: |a| a.data_categories = cats(&[DataCategory::Core]), rule: RuleId::S1, object: NationalSecurity, degree: Serious, cons: 4, gbt: 4, reason: "core" },
    RuleCase { name: "core + 2M PI", edit: |a| { a.data_categories = cats(&[DataCategory::Core]); a.pi_subjects = Some(2_000_000); }, rule: RuleId::S1, object: NationalSecurity, degree: Serious, cons: 4, gbt: 4, reason: "core" },
    RuleCase { name: "core + important + sensitive", edit: |a| { a.data_categories = cats(&[DataCategory::Core, DataCategory::Important, DataCategory::Health]); a.pi_subjects = Some(500_000); a.sensitive_pi_subjects = Some(200_000); }, rule: RuleId::S1, object: NationalSecurity, degree: Serious, cons: 4, gbt: 4, reason: "core" },
    // S2 and its precedence over S3-S5.
    RuleCase { name: "important", edit: |a| a.data_categories = cats(&[DataCategory::Important]), rule: RuleId::S2, object: SocialOrder, degree: Serious, cons: 3, gbt: 3, reason: "important" },
    RuleCase { name: "important + 2M PI", edit: |a| { a.data_categories = cats(&[DataCategory::Important, DataCategory::Personal]); a.pi_subjects = Some(2_000_000); }, rule: RuleId::S2, object: SocialOrder, degree: Serious, cons: 3, gbt: 3, reason: "important" },
    // S3: PI thresholds.
    RuleCase { name: "pi 1 000 000", edit: |a| a.pi_subjects = Some(1_000_000), rule: RuleId::S3, object: SocialOrder, degree: Serious, cons: 3, gbt: 3, reason: "1 000 000 PI subjects" },
    RuleCase { name: "pi 5 000 000 + payment", edit: |a| { a.pi_subjects = Some(5_000_000); a.data_categories = cats(&[DataCategory::Payment]); }, rule: RuleId::S3, object: SocialOrder, degree: Serious, cons: 3, gbt: 3, reason: "5 000 000 PI subjects" },
    // S3: sensitive thresholds.
    RuleCase { name: "sensitive 100 000", edit: |a| { a.pi_subjects = Some(100_000); a.sensitive_pi_subjects = Some(100_000); }, rule: RuleId::S3, object: SocialOrder, degree: Serious, cons: 3, gbt: 3, reason: "100 000 sensitive-PI subjects" },
    RuleCase { name: "sensitive 100 000 under 999 999 PI", edit: |a| { a.pi_subjects = Some(999_999); a.sensitive_pi_subjects = Some(100_000); }, rule: RuleId::S3, object: SocialOrder, degree: Serious, cons: 3, gbt: 3, reason: "100 000 sensitive-PI subjects" },
    // S4: PI thresholds.
    RuleCase { name: "pi 999 999", edit: |a| a.pi_subjects = Some(999_999), rule: RuleId::S4, object: Citizens, degree: ParticularlySerious, cons: 3, gbt: 2, reason: "999 999 PI subjects" },
    RuleCase { name: "pi 100 000", edit: |a| a.pi_subjects = Some(100_000), rule: RuleId::S4, object: Citizens, degree: ParticularlySerious, cons: 3, gbt: 2, reason: "100 000 PI subjects" },
    RuleCase { name: "pi 250 000 + health (S4 before S5)", edit: |a| { a.pi_subjects = Some(250_000); a.data_categories = cats(&[DataCategory::Health]); }, rule: RuleId::S4, object: Citizens, degree: ParticularlySerious, cons: 3, gbt: 2, reason: "250 000 PI subjects" },
    // S4: sensitive thresholds.
    RuleCase { name: "sensitive 99 999", edit: |a| { a.pi_subjects = Some(99_999); a.sensitive_pi_subjects = Some(99_999); }, rule: RuleId::S4, object: Citizens, degree: ParticularlySerious, cons: 3, gbt: 2, reason: "99 999 sensitive-PI subjects" },
    RuleCase { name: "sensitive 10 000", edit: |a| { a.pi_subjects = Some(10_000); a.sensitive_pi_subjects = Some(10_000); }, rule: RuleId::S4, object: Citizens, degree: ParticularlySerious, cons: 3, gbt: 2, reason: "10 000 sensitive-PI subjects" },
    RuleCase { name: "sensitive 10 000, pi unknown", edit: |a| { a.pi_subjects = None; a.sensitive_pi_subjects = Some(10_000); }, rule: RuleId::S4, object: Citizens, degree: ParticularlySerious, cons: 3, gbt: 2, reason: "10 000 sensitive-PI subjects" },
    RuleCase { name: "sensitive 99 999 under 500 000 PI", edit: |a| { a.pi_subjects = Some(500_000); a.sensitive_pi_subjects = Some(99_999); }, rule: RuleId::S4, object: Citizens, degree: ParticularlySerious, cons: 3, gbt: 2, reason: "500 000" },
    // S5: just under the thresholds.
    RuleCase { name: "pi 99 999", edit: |a| a.pi_subjects = Some(99_999), rule: RuleId::S5, object: Citizens, degree: Serious, cons: 2, gbt: 2, reason: "99 999 PI subjects" },
    RuleCase { name: "sensitive 9 999", edit: |a| { a.pi_subjects = Some(9_999); a.sensitive_pi_subjects = Some(9_999); }, rule: RuleId::S5, object: Citizens, degree: Serious, cons: 2, gbt: 2, reason: "9 999" },
    RuleCase { name: "pi 1", edit: |a| a.pi_subjects = Some(1), rule: RuleId::S5, object: Citizens, degree: Serious, cons: 2, gbt: 2, reason: "1 PI subjects" },
    RuleCase { name: "sensitive 1, pi unknown", edit: |a| { a.pi_subjects = None; a.sensitive_pi_subjects = Some(1); }, rule: RuleId::S5, object: Citizens, degree: Serious, cons: 2, gbt: 2, reason: "personal information" },
    // S5: categories.
    RuleCase { name: "personal category", edit: |a| a.data_categories = cats(&[DataCategory::Personal]), rule: RuleId::S5, object: Citizens, degree: Serious, cons: 2, gbt: 2, reason: "personal information" },
    RuleCase { name: "sensitive_personal", edit: |a| a.data_categories = cats(&[DataCategory::SensitivePersonal]), rule: RuleId::S5, object: Citizens, degree: Serious, cons: 2, gbt: 2, reason: "sensitive_personal" },
    RuleCase { name: "payment", edit: |a| a.data_categories = cats(&[DataCategory::Payment]), rule: RuleId::S5, object: Citizens, degree: Serious, cons: 2, gbt: 2, reason: "payment" },
    RuleCase { name: "health", edit: |a| a.data_categories = cats(&[DataCategory::Health]), rule: RuleId::S5, object: Citizens, degree: Serious, cons: 2, gbt: 2, reason: "health" },
    RuleCase { name: "minors", edit: |a| a.data_categories = cats(&[DataCategory::Minors]), rule: RuleId::S5, object: Citizens, degree: Serious, cons: 2, gbt: 2, reason: "minors" },
    RuleCase { name: "business + minors", edit: |a| a.data_categories = cats(&[DataCategory::Business, DataCategory::Minors]), rule: RuleId::S5, object: Citizens, degree: Serious, cons: 2, gbt: 2, reason: "minors" },
    // S6.
    RuleCase { name: "nothing", edit: |_| {}, rule: RuleId::S6, object: Citizens, degree: General, cons: 1, gbt: 1, reason: "no personal" },
    RuleCase { name: "business only", edit: |a| a.data_categories = cats(&[DataCategory::Business]), rule: RuleId::S6, object: Citizens, degree: General, cons: 1, gbt: 1, reason: "no personal" },
    RuleCase { name: "registered users alone are not PI", edit: |a| a.registered_users = Some(5_000_000), rule: RuleId::S6, object: Citizens, degree: General, cons: 1, gbt: 1, reason: "no personal" },
];

#[test]
fn s_rules_first_match_wins_with_threshold_edges() {
    for c in S_CASES {
        let a = with(c.edit);
        for (rules, expected) in [(CONS, c.cons), (GBT, c.gbt)] {
            let ctx = format!("{} ({rules})", c.name);
            let gr = g(&a, &none(), rules);
            let s = &gr.business_information;
            assert_eq!(s.rule, c.rule, "{ctx}: rule");
            assert_eq!(s.object, c.object, "{ctx}: object");
            assert_eq!(s.degree, c.degree, "{ctx}: degree");
            assert_eq!(s.level, lv(expected), "{ctx}: S level");
            assert!(
                s.reason.contains(c.reason),
                "{ctx}: reason {:?} should mention {:?}",
                s.reason,
                c.reason
            );
            // A stays A6, so the S level is the final level.
            assert_eq!(gr.system_service.rule, RuleId::A6, "{ctx}");
            assert_eq!(gr.level, lv(expected), "{ctx}: final level");
        }
    }
}

#[test]
fn s5_covers_every_sensitive_category_and_only_those_plus_personal() {
    for cat in DataCategory::ALL {
        let a = Answers {
            data_categories: cats(&[*cat]),
            ..answered()
        };
        let rule = g(&a, &none(), CONS).business_information.rule;
        let expected = match cat {
            DataCategory::Core => RuleId::S1,
            DataCategory::Important => RuleId::S2,
            DataCategory::Personal
            | DataCategory::SensitivePersonal
            | DataCategory::Payment
            | DataCategory::Health
            | DataCategory::Minors => RuleId::S5,
            DataCategory::Business => RuleId::S6,
        };
        assert_eq!(rule, expected, "category {cat}");
    }
}

// ---------------------------------------------------------------------------
// A heuristics (section 5)
// ---------------------------------------------------------------------------

#[rustfmt::skip]
const A_CASES: &[RuleCase] = &[
    RuleCase { name: "cii", edit: |a| a.cii = Some(true), rule: RuleId::A1, object: NationalSecurity, degree: General, cons: 3, gbt: 3, reason: "critical information infrastructure" },
    RuleCase { name: "cii + opinion + 2M outage", edit: |a| { a.cii = Some(true); a.public_opinion = Some(true); a.outage_affected_people = Some(2_000_000); a.public_facing = Some(true); }, rule: RuleId::A1, object: NationalSecurity, degree: General, cons: 3, gbt: 3, reason: "critical" },
    RuleCase { name: "public_opinion", edit: |a| a.public_opinion = Some(true), rule: RuleId::A2, object: SocialOrder, degree: Serious, cons: 3, gbt: 3, reason: "public-opinion" },
    RuleCase { name: "public_opinion + 2M outage", edit: |a| { a.public_opinion = Some(true); a.outage_affected_people = Some(2_000_000); }, rule: RuleId::A2, object: SocialOrder, degree: Serious, cons: 3, gbt: 3, reason: "public-opinion" },
    RuleCase { name: "outage 1 000 000", edit: |a| a.outage_affected_people = Some(1_000_000), rule: RuleId::A3, object: SocialOrder, degree: Serious, cons: 3, gbt: 3, reason: "1 000 000 people" },
    RuleCase { name: "outage 2 000 000 + public_facing", edit: |a| { a.outage_affected_people = Some(2_000_000); a.public_facing = Some(true); }, rule: RuleId::A3, object: SocialOrder, degree: Serious, cons: 3, gbt: 3, reason: "2 000 000 people" },
    RuleCase { name: "outage 999 999", edit: |a| a.outage_affected_people = Some(999_999), rule: RuleId::A4, object: SocialOrder, degree: General, cons: 2, gbt: 2, reason: "999 999 people" },
    RuleCase { name: "outage 100 000", edit: |a| a.outage_affected_people = Some(100_000), rule: RuleId::A4, object: SocialOrder, degree: General, cons: 2, gbt: 2, reason: "100 000 people" },
    RuleCase { name: "outage 100 000 + public_facing", edit: |a| { a.outage_affected_people = Some(100_000); a.public_facing = Some(true); }, rule: RuleId::A4, object: SocialOrder, degree: General, cons: 2, gbt: 2, reason: "100 000 people" },
    RuleCase { name: "outage 99 999 + public_facing", edit: |a| { a.outage_affected_people = Some(99_999); a.public_facing = Some(true); }, rule: RuleId::A5, object: Citizens, degree: Serious, cons: 2, gbt: 2, reason: "public" },
    RuleCase { name: "public_facing", edit: |a| a.public_facing = Some(true), rule: RuleId::A5, object: Citizens, degree: Serious, cons: 2, gbt: 2, reason: "serves the public" },
    RuleCase { name: "outage 99 999", edit: |a| a.outage_affected_people = Some(99_999), rule: RuleId::A6, object: Citizens, degree: General, cons: 1, gbt: 1, reason: "internal" },
    RuleCase { name: "nothing", edit: |_| {}, rule: RuleId::A6, object: Citizens, degree: General, cons: 1, gbt: 1, reason: "internal" },
];

#[test]
fn a_rules_first_match_wins_with_threshold_edges() {
    for c in A_CASES {
        let a = with(c.edit);
        for (rules, expected) in [(CONS, c.cons), (GBT, c.gbt)] {
            let ctx = format!("{} ({rules})", c.name);
            let gr = g(&a, &none(), rules);
            let s = &gr.system_service;
            assert_eq!(s.rule, c.rule, "{ctx}: rule");
            assert_eq!(s.object, c.object, "{ctx}: object");
            assert_eq!(s.degree, c.degree, "{ctx}: degree");
            assert_eq!(s.level, lv(expected), "{ctx}: A level");
            assert!(
                s.reason.contains(c.reason),
                "{ctx}: reason {:?} should mention {:?}",
                s.reason,
                c.reason
            );
            assert_eq!(gr.business_information.rule, RuleId::S6, "{ctx}");
            assert_eq!(gr.level, lv(expected), "{ctx}: final level");
        }
    }
}

#[test]
fn rule_ids_have_their_spec_spelling() {
    let ids: Vec<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(
        ids,
        [
            "S1", "S2", "S3", "S4", "S5", "S6", "A1", "A2", "A3", "A4", "A5", "A6", "override"
        ]
    );
    let floors: Vec<&str> = FloorId::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(floors, ["F-CII", "F-BIGDATA", "F-HOST"]);
    let warnings: Vec<&str> = WarningId::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(warnings, ["W-CLOUD", "W-XBORDER", "W-OPEN"]);
}

// ---------------------------------------------------------------------------
// Floors (section 4)
// ---------------------------------------------------------------------------

struct FloorCase {
    name: &'static str,
    edit: fn(&mut Answers),
    /// An override on A, to pull the A heuristic down.
    a_override: Option<(HarmedObject, Degree)>,
    rules: RuleSet,
    level: u8,
    /// The floors listed, with their levels.
    floors: &'static [(&'static str, u8)],
}

#[rustfmt::skip]
const FLOOR_CASES: &[FloorCase] = &[
    // F-CII.
    FloorCase { name: "cii alone: A1 already gives 3", edit: |a| a.cii = Some(true), a_override: None, rules: CONS, level: 3, floors: &[] },
    FloorCase { name: "cii, A overridden citizens/general", edit: |a| a.cii = Some(true), a_override: Some((Citizens, General)), rules: CONS, level: 3, floors: &[("F-CII", 3)] },
    FloorCase { name: "cii, A overridden citizens/serious", edit: |a| a.cii = Some(true), a_override: Some((Citizens, Serious)), rules: CONS, level: 3, floors: &[("F-CII", 3)] },
    FloorCase { name: "cii, A overridden social_order/serious (3)", edit: |a| a.cii = Some(true), a_override: Some((SocialOrder, Serious)), rules: CONS, level: 3, floors: &[] },
    FloorCase { name: "cii, A overridden national_security/serious (4)", edit: |a| a.cii = Some(true), a_override: Some((NationalSecurity, Serious)), rules: CONS, level: 4, floors: &[] },
    FloorCase { name: "cii false, A overridden citizens/general", edit: |a| a.cii = Some(false), a_override: Some((Citizens, General)), rules: CONS, level: 1, floors: &[] },
    FloorCase { name: "cii unknown counts as false", edit: |a| a.cii = None, a_override: Some((Citizens, General)), rules: CONS, level: 1, floors: &[] },
    FloorCase { name: "cii with S4 (gbt 2), A overridden low", edit: |a| { a.cii = Some(true); a.pi_subjects = Some(250_000); }, a_override: Some((Citizens, General)), rules: GBT, level: 3, floors: &[("F-CII", 3)] },
    FloorCase { name: "cii with S4 (cons 3), A overridden low", edit: |a| { a.cii = Some(true); a.pi_subjects = Some(250_000); }, a_override: Some((Citizens, General)), rules: CONS, level: 3, floors: &[] },
    // F-BIGDATA.
    FloorCase { name: "big_data + personal category", edit: |a| { a.object_type = Some(ObjectType::BigData); a.data_categories = cats(&[DataCategory::Personal]); }, a_override: None, rules: CONS, level: 3, floors: &[("F-BIGDATA", 3)] },
    FloorCase { name: "big_data + 5 PI subjects", edit: |a| { a.object_type = Some(ObjectType::BigData); a.pi_subjects = Some(5); }, a_override: None, rules: CONS, level: 3, floors: &[("F-BIGDATA", 3)] },
    FloorCase { name: "big_data + sensitive-PI count", edit: |a| { a.object_type = Some(ObjectType::BigData); a.pi_subjects = None; a.sensitive_pi_subjects = Some(7); }, a_override: None, rules: CONS, level: 3, floors: &[("F-BIGDATA", 3)] },
    FloorCase { name: "big_data + health", edit: |a| { a.object_type = Some(ObjectType::BigData); a.data_categories = cats(&[DataCategory::Health]); }, a_override: None, rules: CONS, level: 3, floors: &[("F-BIGDATA", 3)] },
    FloorCase { name: "big_data, business data only", edit: |a| { a.object_type = Some(ObjectType::BigData); a.data_categories = cats(&[DataCategory::Business]); }, a_override: None, rules: CONS, level: 1, floors: &[] },
    FloorCase { name: "big_data, important data only (not PI)", edit: |a| { a.object_type = Some(ObjectType::BigData); a.data_categories = cats(&[DataCategory::Important]); a.public_facing = Some(true); }, a_override: None, rules: CONS, level: 3, floors: &[] },
    FloorCase { name: "website + personal: no F-BIGDATA", edit: |a| { a.object_type = Some(ObjectType::Website); a.data_categories = cats(&[DataCategory::Personal]); }, a_override: None, rules: CONS, level: 2, floors: &[] },
    FloorCase { name: "cloud_platform + personal: no F-BIGDATA", edit: |a| { a.object_type = Some(ObjectType::CloudPlatform); a.pi_subjects = Some(50); }, a_override: None, rules: CONS, level: 2, floors: &[] },
    FloorCase { name: "object_type unknown + personal: no F-BIGDATA", edit: |a| { a.object_type = None; a.pi_subjects = Some(50); }, a_override: None, rules: CONS, level: 2, floors: &[] },
    FloorCase { name: "big_data + 2M PI: S3 already 3", edit: |a| { a.object_type = Some(ObjectType::BigData); a.pi_subjects = Some(2_000_000); }, a_override: None, rules: CONS, level: 3, floors: &[] },
    FloorCase { name: "big_data + 250k PI, conservative S4 already 3", edit: |a| { a.object_type = Some(ObjectType::BigData); a.pi_subjects = Some(250_000); }, a_override: None, rules: CONS, level: 3, floors: &[] },
    FloorCase { name: "big_data + 250k PI, gbt S4 is 2", edit: |a| { a.object_type = Some(ObjectType::BigData); a.pi_subjects = Some(250_000); }, a_override: None, rules: GBT, level: 3, floors: &[("F-BIGDATA", 3)] },
    FloorCase { name: "big_data + core: S1 4", edit: |a| { a.object_type = Some(ObjectType::BigData); a.data_categories = cats(&[DataCategory::Core, DataCategory::Personal]); }, a_override: None, rules: CONS, level: 4, floors: &[] },
    // F-HOST.
    FloorCase { name: "cloud platform hosting level 4", edit: |a| { a.object_type = Some(ObjectType::CloudPlatform); a.hosted_max_level = Some(4); }, a_override: None, rules: CONS, level: 4, floors: &[("F-HOST", 4)] },
    FloorCase { name: "cloud platform hosting level 5", edit: |a| { a.object_type = Some(ObjectType::CloudPlatform); a.hosted_max_level = Some(5); }, a_override: None, rules: CONS, level: 5, floors: &[("F-HOST", 5)] },
    FloorCase { name: "hosting level 2 over base 1", edit: |a| { a.object_type = Some(ObjectType::CloudPlatform); a.hosted_max_level = Some(2); }, a_override: None, rules: CONS, level: 2, floors: &[("F-HOST", 2)] },
    FloorCase { name: "hosting level 1 over base 1", edit: |a| { a.object_type = Some(ObjectType::CloudPlatform); a.hosted_max_level = Some(1); }, a_override: None, rules: CONS, level: 1, floors: &[] },
    FloorCase { name: "hosted 0", edit: |a| { a.object_type = Some(ObjectType::CloudPlatform); a.hosted_max_level = Some(0); }, a_override: None, rules: CONS, level: 1, floors: &[] },
    FloorCase { name: "hosted 0 on a level 4 network", edit: |a| { a.object_type = Some(ObjectType::CloudPlatform); a.hosted_max_level = Some(0); a.data_categories = cats(&[DataCategory::Core]); }, a_override: None, rules: CONS, level: 4, floors: &[] },
    FloorCase { name: "hosted unknown", edit: |a| { a.object_type = Some(ObjectType::CloudPlatform); a.hosted_max_level = None; }, a_override: None, rules: CONS, level: 1, floors: &[] },
    FloorCase { name: "hosting 3 on a level 3 network", edit: |a| { a.object_type = Some(ObjectType::CloudPlatform); a.hosted_max_level = Some(3); a.public_opinion = Some(true); }, a_override: None, rules: CONS, level: 3, floors: &[] },
    FloorCase { name: "hosting 4 on a level 3 network", edit: |a| { a.object_type = Some(ObjectType::BigData); a.hosted_max_level = Some(4); a.public_opinion = Some(true); }, a_override: None, rules: CONS, level: 4, floors: &[("F-HOST", 4)] },
    FloorCase { name: "hosting 4 on a level 4 network", edit: |a| { a.object_type = Some(ObjectType::CloudPlatform); a.hosted_max_level = Some(4); a.data_categories = cats(&[DataCategory::Core]); }, a_override: None, rules: CONS, level: 4, floors: &[] },
    FloorCase { name: "big data + PI hosting 4: F-HOST decides", edit: |a| { a.object_type = Some(ObjectType::BigData); a.hosted_max_level = Some(4); a.data_categories = cats(&[DataCategory::Personal]); a.public_opinion = Some(true); }, a_override: None, rules: CONS, level: 4, floors: &[("F-HOST", 4)] },
];

#[test]
fn floors_raise_and_only_raising_floors_are_listed() {
    for c in FLOOR_CASES {
        let a = with(c.edit);
        let overrides = match c.a_override {
            Some((o, d)) => override_on(Aspect::SystemService, o, d),
            None => none(),
        };
        let gr = g(&a, &overrides, c.rules);
        let listed: Vec<(&str, u8)> = gr
            .floors
            .iter()
            .map(|f| (f.rule.as_str(), f.level.get()))
            .collect();
        assert_eq!(listed, c.floors, "{}: floors", c.name);
        assert_eq!(gr.level, lv(c.level), "{}: level", c.name);
        let base = gr.business_information.level.max(gr.system_service.level);
        for f in &gr.floors {
            assert!(
                f.level > base,
                "{}: listed floor {} does not raise {base}",
                c.name,
                f.rule
            );
            assert!(
                !f.reason.is_empty(),
                "{}: floor {} has no reason",
                c.name,
                f.rule
            );
        }
        if gr.floors.is_empty() {
            assert_eq!(
                gr.level, base,
                "{}: no floor, so level is max(S, A)",
                c.name
            );
        }
    }
}

#[test]
fn floors_apply_on_top_of_overrides() {
    // Both aspects overridden to the bottom; every floor still applies.
    let both_low = Overrides {
        business_information: Some(ov(Citizens, General)),
        system_service: Some(ov(Citizens, General)),
    };
    let a = Answers {
        object_type: Some(ObjectType::BigData),
        data_categories: cats(&[DataCategory::Personal]),
        ..answered()
    };
    let gr = g(&a, &both_low, CONS);
    assert_eq!(gr.level, Level::L3);
    assert_eq!(floor_ids(&gr), ["F-BIGDATA"]);

    let a = Answers {
        object_type: Some(ObjectType::CloudPlatform),
        hosted_max_level: Some(5),
        ..answered()
    };
    let gr = g(&a, &both_low, GBT);
    assert_eq!(gr.level, Level::L5);
    assert_eq!(floor_ids(&gr), ["F-HOST"]);
    assert!(
        gr.floors[0].reason.contains('5'),
        "{:?}",
        gr.floors[0].reason
    );
}

// ---------------------------------------------------------------------------
// other_rules_level
// ---------------------------------------------------------------------------

struct OtherCase {
    name: &'static str,
    edit: fn(&mut Answers),
    overrides: fn() -> Overrides,
    cons: u8,
    gbt: u8,
}

#[rustfmt::skip]
const OTHER_CASES: &[OtherCase] = &[
    OtherCase { name: "S4 by PI", edit: |a| a.pi_subjects = Some(250_000), overrides: none, cons: 3, gbt: 2 },
    OtherCase { name: "S4 by sensitive PI", edit: |a| { a.pi_subjects = Some(20_000); a.sensitive_pi_subjects = Some(20_000); }, overrides: none, cons: 3, gbt: 2 },
    OtherCase { name: "S4 + A5", edit: |a| { a.pi_subjects = Some(250_000); a.public_facing = Some(true); }, overrides: none, cons: 3, gbt: 2 },
    OtherCase { name: "S override citizens/particularly_serious", edit: |_| {}, overrides: || override_on(Aspect::BusinessInformation, Citizens, ParticularlySerious), cons: 3, gbt: 2 },
    OtherCase { name: "A override citizens/particularly_serious", edit: |_| {}, overrides: || override_on(Aspect::SystemService, Citizens, ParticularlySerious), cons: 3, gbt: 2 },
    OtherCase { name: "S4 masked by A2", edit: |a| { a.pi_subjects = Some(250_000); a.public_opinion = Some(true); }, overrides: none, cons: 3, gbt: 3 },
    OtherCase { name: "S4 masked by A1 / F-CII", edit: |a| { a.pi_subjects = Some(250_000); a.cii = Some(true); }, overrides: none, cons: 3, gbt: 3 },
    OtherCase { name: "S4 masked by F-BIGDATA", edit: |a| { a.pi_subjects = Some(250_000); a.object_type = Some(ObjectType::BigData); }, overrides: none, cons: 3, gbt: 3 },
    OtherCase { name: "S4 masked by F-HOST 4", edit: |a| { a.pi_subjects = Some(250_000); a.object_type = Some(ObjectType::CloudPlatform); a.hosted_max_level = Some(4); }, overrides: none, cons: 4, gbt: 4 },
    OtherCase { name: "S4 under an S override", edit: |a| a.pi_subjects = Some(250_000), overrides: || override_on(Aspect::BusinessInformation, Citizens, Serious), cons: 2, gbt: 2 },
    OtherCase { name: "S3", edit: |a| a.pi_subjects = Some(1_000_000), overrides: none, cons: 3, gbt: 3 },
    OtherCase { name: "S5", edit: |a| a.pi_subjects = Some(99_999), overrides: none, cons: 2, gbt: 2 },
    OtherCase { name: "S6/A6", edit: |_| {}, overrides: none, cons: 1, gbt: 1 },
    OtherCase { name: "S1", edit: |a| a.data_categories = cats(&[DataCategory::Core]), overrides: none, cons: 4, gbt: 4 },
];

#[test]
fn other_rules_level_differs_only_through_the_citizens_particularly_serious_cell() {
    for c in OTHER_CASES {
        let a = with(c.edit);
        let o = (c.overrides)();
        let cons = g(&a, &o, CONS);
        let gbt = g(&a, &o, GBT);
        assert_eq!(
            (cons.level, cons.other_rules_level),
            (lv(c.cons), lv(c.gbt)),
            "{}: conservative",
            c.name
        );
        assert_eq!(
            (gbt.level, gbt.other_rules_level),
            (lv(c.gbt), lv(c.cons)),
            "{}: gbt22240",
            c.name
        );
        // The explanation names the other rule set exactly when they differ.
        assert_eq!(
            cons.explain().contains("GB/T 22240 gives"),
            c.cons != c.gbt,
            "{}",
            c.name
        );
        assert_eq!(
            gbt.explain().contains(" gives 3"),
            c.cons != c.gbt,
            "{}",
            c.name
        );
    }
}

// ---------------------------------------------------------------------------
// Warnings (section 6)
// ---------------------------------------------------------------------------

struct WarnCase {
    name: &'static str,
    edit: fn(&mut Answers),
    level: u8,
    warnings: &'static [&'static str],
}

#[rustfmt::skip]
const CLOUD_CASES: &[WarnCase] = &[
    WarnCase { name: "cloud, provider 2 < level 3", edit: |a| { a.deployment = Some(Deployment::Cloud); a.cloud_provider_level = Some(2); a.pi_subjects = Some(250_000); }, level: 3, warnings: &["W-CLOUD"] },
    WarnCase { name: "hybrid, provider 2 < level 3", edit: |a| { a.deployment = Some(Deployment::Hybrid); a.cloud_provider_level = Some(2); a.pi_subjects = Some(250_000); }, level: 3, warnings: &["W-CLOUD"] },
    WarnCase { name: "cloud, provider 3 = level 3", edit: |a| { a.deployment = Some(Deployment::Cloud); a.cloud_provider_level = Some(3); a.pi_subjects = Some(250_000); }, level: 3, warnings: &[] },
    WarnCase { name: "hybrid, provider 4 > level 3", edit: |a| { a.deployment = Some(Deployment::Hybrid); a.cloud_provider_level = Some(4); a.pi_subjects = Some(250_000); }, level: 3, warnings: &[] },
    WarnCase { name: "cloud, provider level unknown counts as 0", edit: |a| { a.deployment = Some(Deployment::Cloud); a.cloud_provider_level = None; }, level: 1, warnings: &["W-CLOUD"] },
    WarnCase { name: "cloud, provider level 0", edit: |a| { a.deployment = Some(Deployment::Cloud); a.cloud_provider_level = Some(0); }, level: 1, warnings: &["W-CLOUD"] },
    WarnCase { name: "cloud, provider 1 = level 1", edit: |a| { a.deployment = Some(Deployment::Cloud); a.cloud_provider_level = Some(1); }, level: 1, warnings: &[] },
    WarnCase { name: "cloud, provider 3 < floor-raised level 4", edit: |a| { a.deployment = Some(Deployment::Cloud); a.cloud_provider_level = Some(3); a.object_type = Some(ObjectType::CloudPlatform); a.hosted_max_level = Some(4); }, level: 4, warnings: &["W-CLOUD"] },
    WarnCase { name: "on_premises, provider 0, level 3", edit: |a| { a.deployment = Some(Deployment::OnPremises); a.cloud_provider_level = Some(0); a.pi_subjects = Some(250_000); }, level: 3, warnings: &[] },
    WarnCase { name: "deployment unknown means on_premises", edit: |a| { a.deployment = None; a.cloud_provider_level = Some(0); a.pi_subjects = Some(250_000); }, level: 3, warnings: &[] },
];

#[rustfmt::skip]
const XBORDER_CASES: &[WarnCase] = &[
    WarnCase { name: "xborder, 100 000 PI", edit: |a| { a.cross_border_transfer = Some(true); a.pi_subjects = Some(100_000); }, level: 3, warnings: &["W-XBORDER"] },
    WarnCase { name: "xborder, 2 000 000 PI", edit: |a| { a.cross_border_transfer = Some(true); a.pi_subjects = Some(2_000_000); }, level: 3, warnings: &["W-XBORDER"] },
    WarnCase { name: "xborder, 99 999 PI", edit: |a| { a.cross_border_transfer = Some(true); a.pi_subjects = Some(99_999); }, level: 2, warnings: &[] },
    WarnCase { name: "xborder, 10 000 sensitive", edit: |a| { a.cross_border_transfer = Some(true); a.pi_subjects = Some(10_000); a.sensitive_pi_subjects = Some(10_000); }, level: 3, warnings: &["W-XBORDER"] },
    WarnCase { name: "xborder, 9 999 sensitive", edit: |a| { a.cross_border_transfer = Some(true); a.pi_subjects = Some(9_999); a.sensitive_pi_subjects = Some(9_999); }, level: 2, warnings: &[] },
    WarnCase { name: "xborder, 99 999 PI with 9 999 sensitive", edit: |a| { a.cross_border_transfer = Some(true); a.pi_subjects = Some(99_999); a.sensitive_pi_subjects = Some(9_999); }, level: 2, warnings: &[] },
    WarnCase { name: "no transfer, 2 000 000 PI", edit: |a| { a.cross_border_transfer = Some(false); a.pi_subjects = Some(2_000_000); }, level: 3, warnings: &[] },
    WarnCase { name: "transfer unknown means false", edit: |a| { a.cross_border_transfer = None; a.pi_subjects = Some(2_000_000); }, level: 3, warnings: &[] },
    WarnCase { name: "xborder + cloud together, in spec order", edit: |a| { a.cross_border_transfer = Some(true); a.pi_subjects = Some(2_000_000); a.deployment = Some(Deployment::Cloud); a.cloud_provider_level = Some(2); }, level: 3, warnings: &["W-CLOUD", "W-XBORDER"] },
];

#[test]
fn w_cloud_fires_when_the_provider_is_below_the_level() {
    for c in CLOUD_CASES {
        let gr = g(&with(c.edit), &none(), CONS);
        assert_eq!(gr.level, lv(c.level), "{}: level", c.name);
        assert_eq!(warning_ids(&gr), c.warnings, "{}: warnings", c.name);
    }
}

#[test]
fn w_xborder_fires_at_the_export_thresholds() {
    for c in XBORDER_CASES {
        let gr = g(&with(c.edit), &none(), CONS);
        assert_eq!(gr.level, lv(c.level), "{}: level", c.name);
        assert_eq!(warning_ids(&gr), c.warnings, "{}: warnings", c.name);
    }
}

#[test]
fn warnings_never_change_the_level() {
    let quiet = with(|a| a.pi_subjects = Some(2_000_000));
    let loud = with(|a| {
        a.pi_subjects = Some(2_000_000);
        a.cross_border_transfer = Some(true);
        a.deployment = Some(Deployment::Hybrid);
        a.cloud_provider_level = Some(1);
        a.cii = None;
    });
    for rules in [CONS, GBT] {
        let (q, l) = (g(&quiet, &none(), rules), g(&loud, &none(), rules));
        assert_eq!(q.level, l.level);
        assert_eq!(warning_ids(&l), ["W-CLOUD", "W-XBORDER"]);
    }
}

struct OpenCase {
    name: &'static str,
    answers: fn() -> Answers,
    overrides: fn() -> Overrides,
    level: u8,
    open: &'static [&'static str],
    could_raise: &'static [&'static str],
}

fn all_unknown() -> Answers {
    Answers::default()
}

const ALL_IDS: &[&str] = &[
    "object_type",
    "sector",
    "cii",
    "data_categories",
    "pi_subjects",
    "sensitive_pi_subjects",
    "registered_users",
    "public_facing",
    "public_opinion",
    "outage_affected_people",
    "hosted_max_level",
    "deployment",
    "cloud_provider",
    "cloud_provider_level",
    "cross_border_transfer",
    "architecture_notes",
];

#[rustfmt::skip]
const OPEN_CASES: &[OpenCase] = &[
    OpenCase { name: "fully answered", answers: answered, overrides: none, level: 1, open: &[], could_raise: &[] },
    OpenCase { name: "fully answered, level 3", answers: || with(|a| { a.pi_subjects = Some(250_000); a.public_facing = Some(true); }), overrides: none, level: 3, open: &[], could_raise: &[] },
    OpenCase {
        name: "nothing answered",
        answers: all_unknown,
        overrides: none,
        level: 1,
        open: ALL_IDS,
        could_raise: &["cii", "data_categories", "pi_subjects", "sensitive_pi_subjects", "public_facing", "public_opinion", "outage_affected_people", "hosted_max_level"],
    },
    OpenCase {
        name: "nothing answered but level 5 by override",
        answers: all_unknown,
        overrides: || override_on(Aspect::BusinessInformation, NationalSecurity, ParticularlySerious),
        level: 5,
        open: ALL_IDS,
        could_raise: &[],
    },
    OpenCase { name: "cii unknown at level 2", answers: || with(|a| { a.cii = None; a.pi_subjects = Some(5); }), overrides: none, level: 2, open: &["cii"], could_raise: &["cii"] },
    OpenCase { name: "cii unknown at level 3", answers: || with(|a| { a.cii = None; a.pi_subjects = Some(250_000); }), overrides: none, level: 3, open: &["cii"], could_raise: &[] },
    OpenCase { name: "cii unknown at level 2 by override", answers: || with(|a| a.cii = None), overrides: || override_on(Aspect::SystemService, SocialOrder, General), level: 2, open: &["cii"], could_raise: &["cii"] },
    OpenCase { name: "public_facing unknown at level 1", answers: || with(|a| a.public_facing = None), overrides: none, level: 1, open: &["public_facing"], could_raise: &["public_facing"] },
    OpenCase { name: "public_facing unknown at level 2", answers: || with(|a| { a.public_facing = None; a.pi_subjects = Some(5); }), overrides: none, level: 2, open: &["public_facing"], could_raise: &[] },
    OpenCase { name: "public_opinion unknown at level 2", answers: || with(|a| { a.public_opinion = None; a.pi_subjects = Some(5); }), overrides: none, level: 2, open: &["public_opinion"], could_raise: &["public_opinion"] },
    OpenCase { name: "outage unknown at level 2", answers: || with(|a| { a.outage_affected_people = None; a.pi_subjects = Some(5); }), overrides: none, level: 2, open: &["outage_affected_people"], could_raise: &["outage_affected_people"] },
    OpenCase { name: "outage unknown but A overridden", answers: || with(|a| a.outage_affected_people = None), overrides: || override_on(Aspect::SystemService, Citizens, General), level: 1, open: &["outage_affected_people"], could_raise: &[] },
    OpenCase { name: "pi unknown at level 2", answers: || with(|a| { a.pi_subjects = None; a.public_facing = Some(true); }), overrides: none, level: 2, open: &["pi_subjects"], could_raise: &["pi_subjects"] },
    OpenCase { name: "pi and sensitive unknown at level 4 (core)", answers: || with(|a| { a.pi_subjects = None; a.sensitive_pi_subjects = None; a.data_categories = cats(&[DataCategory::Core]); }), overrides: none, level: 4, open: &["pi_subjects", "sensitive_pi_subjects"], could_raise: &[] },
    OpenCase { name: "pi unknown but S overridden", answers: || with(|a| a.pi_subjects = None), overrides: || override_on(Aspect::BusinessInformation, Citizens, General), level: 1, open: &["pi_subjects"], could_raise: &[] },
    OpenCase { name: "data_categories unknown at level 3 (core could give 4)", answers: || with(|a| { a.data_categories = None; a.public_opinion = Some(true); }), overrides: none, level: 3, open: &["data_categories"], could_raise: &["data_categories"] },
    OpenCase { name: "object_type unknown with PI (big_data could floor to 3)", answers: || with(|a| { a.object_type = None; a.pi_subjects = Some(5); }), overrides: none, level: 2, open: &["object_type"], could_raise: &["object_type"] },
    OpenCase { name: "object_type unknown without PI", answers: || with(|a| a.object_type = None), overrides: none, level: 1, open: &["object_type"], could_raise: &[] },
    OpenCase { name: "hosted unknown on a cloud platform", answers: || with(|a| { a.object_type = Some(ObjectType::CloudPlatform); a.hosted_max_level = None; a.data_categories = cats(&[DataCategory::Core]); }), overrides: none, level: 4, open: &["hosted_max_level"], could_raise: &["hosted_max_level"] },
    OpenCase { name: "hosted unknown on a website", answers: || with(|a| { a.object_type = Some(ObjectType::Website); a.hosted_max_level = None; }), overrides: none, level: 1, open: &["hosted_max_level"], could_raise: &[] },
    OpenCase {
        name: "questions no rule reads never raise",
        answers: || with(|a| {
            a.sector = None;
            a.registered_users = None;
            a.deployment = None;
            a.cloud_provider = None;
            a.cloud_provider_level = None;
            a.cross_border_transfer = None;
            a.architecture_notes = None;
        }),
        overrides: none,
        level: 1,
        open: &["sector", "registered_users", "deployment", "cloud_provider", "cloud_provider_level", "cross_border_transfer", "architecture_notes"],
        could_raise: &[],
    },
    OpenCase {
        name: "open questions come in canonical order",
        answers: || with(|a| {
            a.architecture_notes = None;
            a.cii = None;
            a.hosted_max_level = None;
            a.object_type = None;
            a.pi_subjects = None;
        }),
        overrides: none,
        level: 1,
        open: &["object_type", "cii", "pi_subjects", "hosted_max_level", "architecture_notes"],
        could_raise: &["cii", "pi_subjects", "hosted_max_level"],
    },
];

#[test]
fn open_questions_could_raise_and_w_open() {
    for c in OPEN_CASES {
        let gr = g(&(c.answers)(), &(c.overrides)(), CONS);
        assert_eq!(gr.level, lv(c.level), "{}: level", c.name);
        assert_eq!(
            qids(&gr.open_questions),
            c.open,
            "{}: open_questions",
            c.name
        );
        assert_eq!(
            qids(&gr.could_raise),
            c.could_raise,
            "{}: could_raise",
            c.name
        );
        assert_eq!(
            gr.warnings.contains(&WarningId::Open),
            !c.could_raise.is_empty(),
            "{}: W-OPEN fires exactly when an open question could raise the level",
            c.name
        );
        for q in &gr.could_raise {
            assert!(
                gr.open_questions.contains(q),
                "{}: {q} could raise but is not open",
                c.name
            );
        }
    }
}

#[test]
fn answering_a_could_raise_question_the_worst_way_does_raise_the_level() {
    // cii unknown at level 2: answering yes gives 3, answering no keeps 2.
    let open = with(|a| {
        a.cii = None;
        a.pi_subjects = Some(5);
    });
    assert_eq!(g(&open, &none(), CONS).could_raise, [QuestionId::Cii]);
    let yes = Answers {
        cii: Some(true),
        ..open.clone()
    };
    let no = Answers {
        cii: Some(false),
        ..open.clone()
    };
    assert_eq!(g(&yes, &none(), CONS).level, Level::L3);
    let no = g(&no, &none(), CONS);
    assert_eq!(no.level, Level::L2);
    assert!(no.open_questions.is_empty());
    assert!(!no.warnings.contains(&WarningId::Open));
}

// ---------------------------------------------------------------------------
// Provisional level: the highest level the open questions could lead to
// ---------------------------------------------------------------------------

#[test]
fn max_level_is_the_worst_the_open_answers_could_give() {
    #[rustfmt::skip]
    let cases: &[(&str, Answers, Overrides, u8, u8)] = &[
        // A new network: a platform hosting level 5 networks is possible.
        ("nothing answered", all_unknown(), none(), 1, 5),
        ("fully answered", answered(), none(), 1, 1),
        ("cii unknown at level 2", with(|a| { a.cii = None; a.pi_subjects = Some(5); }), none(), 2, 3),
        ("data categories unknown at level 3", with(|a| { a.data_categories = None; a.public_opinion = Some(true); }), none(), 3, 4),
        ("object type unknown with PI", with(|a| { a.object_type = None; a.pi_subjects = Some(5); }), none(), 2, 3),
        ("hosted unknown on a website", with(|a| { a.object_type = Some(ObjectType::Website); a.hosted_max_level = None; }), none(), 1, 1),
        ("hosted unknown on a cloud platform", with(|a| { a.object_type = Some(ObjectType::CloudPlatform); a.hosted_max_level = None; }), none(), 1, 5),
        ("pi and sensitive unknown at level 4", with(|a| { a.pi_subjects = None; a.sensitive_pi_subjects = None; a.data_categories = cats(&[DataCategory::Core]); }), none(), 4, 4),
        ("an override caps its aspect", with(|a| { a.pi_subjects = None; a.data_categories = None; }), override_on(Aspect::BusinessInformation, Citizens, General), 1, 1),
        ("everything open, level 5 by override", all_unknown(), override_on(Aspect::BusinessInformation, NationalSecurity, ParticularlySerious), 5, 5),
        // Each alone would give 3 (S3 or A3): together still 3, not more.
        ("pi and outage unknown", with(|a| { a.pi_subjects = None; a.sensitive_pi_subjects = None; a.outage_affected_people = None; }), none(), 1, 3),
    ];
    for (name, answers, overrides, level, most) in cases {
        let gr = g(answers, overrides, CONS);
        assert_eq!(gr.level, lv(*level), "{name}: level");
        assert_eq!(gr.max_level, lv(*most), "{name}: max_level");
        assert_eq!(gr.provisional, most > level, "{name}: provisional");
        assert_eq!(
            gr.is_provisional(),
            !gr.could_raise.is_empty(),
            "{name}: names"
        );
        assert_eq!(
            mlps::domain::grading::level_range(answers, overrides, CONS),
            (lv(*level), lv(*most)),
            "{name}: level_range"
        );
    }
}

/// A small deterministic generator, so that the sampled answers are the
/// same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n
    }
}

/// Fills every open question of `answers` with a value drawn from `rng`.
fn complete(answers: &Answers, rng: &mut Lcg) -> Answers {
    let mut a = answers.clone();
    let counts = [
        0,
        5,
        9_999,
        10_000,
        99_999,
        100_000,
        999_999,
        1_000_000,
        u64::MAX,
    ];
    let pick = |rng: &mut Lcg, list: &[u64]| list[rng.next(list.len())];
    if a.object_type.is_none() {
        a.object_type = Some(ObjectType::ALL[rng.next(ObjectType::ALL.len())]);
    }
    if a.cii.is_none() {
        a.cii = Some(rng.next(2) == 1);
    }
    if a.data_categories.is_none() {
        a.data_categories = Some(
            DataCategory::ALL
                .iter()
                .copied()
                .filter(|_| rng.next(3) == 0)
                .collect(),
        );
    }
    if a.pi_subjects.is_none() {
        let floor = a.sensitive_pi_subjects.unwrap_or(0);
        a.pi_subjects = Some(pick(rng, &counts).max(floor));
    }
    if a.sensitive_pi_subjects.is_none() {
        let most = a.pi_subjects.unwrap_or(u64::MAX);
        a.sensitive_pi_subjects = Some(pick(rng, &counts).min(most));
    }
    if a.public_facing.is_none() {
        a.public_facing = Some(rng.next(2) == 1);
    }
    if a.public_opinion.is_none() {
        a.public_opinion = Some(rng.next(2) == 1);
    }
    if a.outage_affected_people.is_none() {
        a.outage_affected_people = Some(pick(rng, &counts));
    }
    // Only a platform hosts other networks: anything else answers 0 (the
    // grading reads the question that way too).
    if a.hosted_max_level.is_none() {
        let platform = a.object_type.is_some_and(|t| t.is_platform());
        a.hosted_max_level = Some(if platform { rng.next(6) as u8 } else { 0 });
    }
    a
}

#[test]
fn no_way_of_answering_the_open_questions_goes_above_max_level() {
    let mut rng = Lcg(7);
    for c in OPEN_CASES {
        let answers = (c.answers)();
        let overrides = (c.overrides)();
        for rules in [CONS, GBT] {
            let gr = g(&answers, &overrides, rules);
            let mut highest = gr.level;
            for _ in 0..400 {
                let filled = complete(&answers, &mut rng);
                let reached = level(&filled, &overrides, rules);
                assert!(
                    reached <= gr.max_level,
                    "{}: {filled:?} gives {reached}, above max_level {}",
                    c.name,
                    gr.max_level
                );
                highest = highest.max(reached);
            }
            // And the bound is reached by some answers, not just claimed.
            assert_eq!(highest, gr.max_level, "{}: max_level never reached", c.name);
        }
    }
}

#[test]
fn a_provisional_level_is_said_in_words() {
    let gr = g(
        &with(|a| {
            a.cii = None;
            a.pi_subjects = Some(5);
        }),
        &none(),
        CONS,
    );
    assert_eq!(gr.level_mark(), "2–3?");
    assert_eq!(
        gr.provisional_words(3).as_deref(),
        Some("provisional: up to 3 until cii is answered")
    );
    assert!(
        gr.explain()
            .starts_with("Level 2, provisional: up to 3 until cii is answered · ")
    );
    let all = g(&all_unknown(), &none(), CONS);
    assert_eq!(all.level_mark(), "1–5?");
    assert_eq!(
        all.provisional_words(2).as_deref(),
        Some("provisional: up to 5 until cii, data_categories, … are answered")
    );
    let firm = g(&answered(), &none(), CONS);
    assert_eq!(firm.level_mark(), "1");
    assert_eq!(firm.provisional_words(3), None);
    assert!(firm.explain().starts_with("Level 1 · "));
    let v = serde_json::to_value(&all).unwrap();
    assert_eq!(v["max_level"], 5);
    assert_eq!(v["provisional"], true);
}

// ---------------------------------------------------------------------------
// Worked examples
// ---------------------------------------------------------------------------

const WORKED_TOML: &str = r#"
object_type = "website"
sector = "ecommerce"
data_categories = ["personal", "payment"]
pi_subjects = 250000
public_facing = true

[override.system_service]          # or [override.business_information]
object = "social_order"
degree = "serious"
justification = "regional payment service; outage stops merchants"
"#;

fn worked_example() -> (Answers, Overrides) {
    let mut table: toml::Table = toml::from_str(WORKED_TOML).unwrap();
    let overrides: Overrides = table.remove("override").unwrap().try_into().unwrap();
    let answers: Answers = toml::Value::Table(table).try_into().unwrap();
    (answers, overrides)
}

#[test]
fn worked_example_of_interfaces_md() {
    let (answers, overrides) = worked_example();
    // The TOML reads as the answers the spec describes.
    let expected = Answers {
        object_type: Some(ObjectType::Website),
        sector: Some(Sector::Ecommerce),
        data_categories: cats(&[DataCategory::Personal, DataCategory::Payment]),
        pi_subjects: Some(250_000),
        public_facing: Some(true),
        ..Answers::default()
    };
    assert_eq!(answers, expected);
    assert_eq!(
        overrides.system_service,
        Some(HarmOverride {
            object: SocialOrder,
            degree: Serious,
            justification: "regional payment service; outage stops merchants".into(),
        })
    );
    assert!(overrides.business_information.is_none());

    let gr = g(&answers, &overrides, CONS);
    assert_eq!(gr.level, Level::L3);
    let s = &gr.business_information;
    assert_eq!(
        (s.object, s.degree, s.level, s.rule),
        (Citizens, ParticularlySerious, Level::L3, RuleId::S4)
    );
    assert!(s.reason.contains("250 000 PI subjects"));
    let a = &gr.system_service;
    assert_eq!(
        (a.object, a.degree, a.level, a.rule),
        (SocialOrder, Serious, Level::L3, RuleId::Override)
    );
    assert_eq!(a.reason, "regional payment service; outage stops merchants");
    // GB/T 22240 puts S at 2, but the A override keeps 3.
    assert_eq!(gr.other_rules_level, Level::L3);
    assert!(gr.floors.is_empty());
    // Unanswered: nothing that could raise a level-3 website with A set by hand.
    assert_eq!(
        qids(&gr.open_questions),
        [
            "cii",
            "sensitive_pi_subjects",
            "registered_users",
            "public_opinion",
            "outage_affected_people",
            "hosted_max_level",
            "deployment",
            "cloud_provider",
            "cloud_provider_level",
            "cross_border_transfer",
            "architecture_notes",
        ]
    );
    assert!(gr.could_raise.is_empty());
    assert!(gr.warnings.is_empty());
    assert!(!gr.explain().contains("gives"), "{}", gr.explain());

    let gbt = g(&answers, &overrides, GBT);
    assert_eq!(gbt.level, Level::L3);
    assert_eq!(gbt.business_information.level, Level::L2);
    assert_eq!(gbt.other_rules_level, Level::L3);
}

#[test]
fn header_example_of_the_product_issue() {
    let answers = Answers {
        pi_subjects: Some(250_000),
        public_facing: Some(true),
        ..answered()
    };
    let gr = g(&answers, &none(), CONS);
    assert_eq!(gr.level, Level::L3);
    let s = &gr.business_information;
    assert_eq!(
        (s.object, s.degree, s.level, s.rule),
        (Citizens, ParticularlySerious, Level::L3, RuleId::S4)
    );
    let a = &gr.system_service;
    assert_eq!(
        (a.object, a.degree, a.level, a.rule),
        (Citizens, Serious, Level::L2, RuleId::A5)
    );
    assert_eq!(gr.other_rules_level, Level::L2);

    let line = gr.explain();
    assert!(line.starts_with("Level 3"), "{line}");
    assert!(line.contains("S4: 250 000 PI subjects"), "{line}");
    assert!(line.contains("(A5"), "{line}");
    assert!(line.contains("GB/T 22240 gives 2"), "{line}");
    assert!(line.contains("citizens/particularly serious"), "{line}");

    let gbt = g(&answers, &none(), GBT);
    assert_eq!(gbt.level, Level::L2);
    assert_eq!(gbt.other_rules_level, Level::L3);
    assert!(gbt.explain().starts_with("Level 2"), "{}", gbt.explain());
    assert!(
        !gbt.explain().contains("GB/T 22240 gives"),
        "{}",
        gbt.explain()
    );
}

#[test]
fn explain_names_the_floors_that_raised_the_level() {
    let a = with(|a| {
        a.object_type = Some(ObjectType::CloudPlatform);
        a.hosted_max_level = Some(4);
    });
    let line = g(&a, &none(), CONS).explain();
    assert!(line.starts_with("Level 4"), "{line}");
    assert!(line.contains("F-HOST raises to 4"), "{line}");
    let line = g(&with(|a| a.cii = Some(true)), &none(), CONS).explain();
    assert!(!line.contains("F-CII"), "F-CII did not raise: {line}");
}

// ---------------------------------------------------------------------------
// `mlps assess --json` shape
// ---------------------------------------------------------------------------

#[test]
fn grade_serialises_to_the_assess_json_shape() {
    // gbt22240: S4 gives 2, A overridden to 1, F-CII raises to 3; the
    // provider's platform is level 2; sector is left open.
    let answers = with(|a| {
        a.pi_subjects = Some(250_000);
        a.cii = Some(true);
        a.deployment = Some(Deployment::Cloud);
        a.cloud_provider = Some("Example Cloud".into());
        a.cloud_provider_level = Some(2);
        a.sector = None;
    });
    let overrides = override_on(Aspect::SystemService, Citizens, General);
    let gr = g(&answers, &overrides, GBT);
    let v = serde_json::to_value(&gr).unwrap();

    for key in [
        "level",
        "rules",
        "other_rules_level",
        "business_information",
        "system_service",
        "floors",
        "warnings",
        "open_questions",
    ] {
        assert!(v.get(key).is_some(), "missing key {key} in {v}");
    }
    assert_eq!(v["level"], 3);
    assert_eq!(v["rules"], "gbt22240");
    assert_eq!(v["other_rules_level"], 3);
    let s = &v["business_information"];
    assert_eq!(s["object"], "citizens");
    assert_eq!(s["degree"], "particularly_serious");
    assert_eq!(s["level"], 2);
    assert_eq!(s["rule"], "S4");
    let a = &v["system_service"];
    assert_eq!(a["object"], "citizens");
    assert_eq!(a["degree"], "general");
    assert_eq!(a["level"], 1);
    assert_eq!(a["rule"], "override");
    assert_eq!(v["floors"].as_array().unwrap().len(), 1);
    assert_eq!(v["floors"][0]["rule"], "F-CII");
    assert_eq!(v["floors"][0]["level"], 3);
    assert_eq!(v["warnings"], serde_json::json!(["W-CLOUD"]));
    assert_eq!(v["open_questions"], serde_json::json!(["sector"]));
}

#[test]
fn assess_json_string_forms_of_the_remaining_ids() {
    // conservative, S3 by sensitive PI, A2, cross-border: every string form
    // the first test did not show.
    let answers = Answers {
        pi_subjects: Some(150_000),
        sensitive_pi_subjects: Some(150_000),
        public_opinion: Some(true),
        cross_border_transfer: Some(true),
        object_type: Some(ObjectType::BigData),
        hosted_max_level: Some(4),
        cii: None,
        ..answered()
    };
    let v = serde_json::to_value(g(&answers, &none(), CONS)).unwrap();
    assert_eq!(v["rules"], "conservative");
    assert_eq!(v["level"], 4);
    assert_eq!(v["business_information"]["object"], "social_order");
    assert_eq!(v["business_information"]["degree"], "serious");
    assert_eq!(v["business_information"]["rule"], "S3");
    assert_eq!(v["system_service"]["rule"], "A2");
    assert_eq!(v["floors"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["floors"][0]["rule"], "F-HOST");
    assert_eq!(v["floors"][0]["level"], 4);
    // cii unknown: F-CII floor 3 could not raise a level-4 network.
    assert_eq!(v["warnings"], serde_json::json!(["W-XBORDER"]));
    assert_eq!(v["open_questions"], serde_json::json!(["cii"]));

    let core = with(|a| {
        a.data_categories = cats(&[DataCategory::Core]);
        a.cii = None;
        a.object_type = Some(ObjectType::CloudPlatform);
        a.hosted_max_level = None;
    });
    let v = serde_json::to_value(g(&core, &none(), CONS)).unwrap();
    assert_eq!(v["business_information"]["object"], "national_security");
    assert_eq!(v["warnings"], serde_json::json!(["W-OPEN"]));
    assert_eq!(
        v["open_questions"],
        serde_json::json!(["cii", "hosted_max_level"])
    );
}

#[test]
fn unknown_sensitive_count_cannot_exceed_the_known_pi_count() {
    use mlps::domain::grading::{RuleSet, WarningId, grade};
    use mlps::domain::questionnaire::{Answers, QuestionId};
    // Everything answered but the sensitive count; 500 people in all can't
    // hold 10 000 sensitive-PI subjects, so that question cannot raise it.
    let mut a = Answers {
        object_type: Some(mlps::domain::questionnaire::ObjectType::Website),
        cii: Some(false),
        data_categories: Some(Default::default()),
        pi_subjects: Some(500),
        public_facing: Some(false),
        public_opinion: Some(false),
        outage_affected_people: Some(0),
        hosted_max_level: Some(0),
        ..Answers::default()
    };
    let g = grade(&a, &Default::default(), RuleSet::Conservative);
    assert!(
        !g.could_raise.contains(&QuestionId::SensitivePiSubjects),
        "{:?}",
        g.could_raise
    );
    assert!(!g.warnings.contains(&WarningId::Open));
    // With 20 000 people it could: 10 000 sensitive gives S4.
    a.pi_subjects = Some(20_000);
    let g = grade(&a, &Default::default(), RuleSet::Conservative);
    assert!(g.could_raise.contains(&QuestionId::SensitivePiSubjects));
    assert!(g.warnings.contains(&WarningId::Open));
}
