//! Demo findings (docs/rectification.md): the gap list an audit firm
//! hands a level 2-4 network at the gap analysis, and where its fixes
//! stand, deterministic from a seed and dated relative to the network's
//! milestones and today.
//!
//! - Only level 2+ networks with a gap analysis on or before today have
//!   findings; 15-45 of them, or the count of the milestone's note
//!   ("40 gaps, 2 high: mostly logging, access control and backups.")
//!   when it has one, with its number of high risks. Noted networks draw
//!   logging, access control and backup gaps first.
//! - The mix: a few high risks (0-3 unless noted), about a third of the
//!   rest medium, the others low. Each gap sits under a control point
//!   that applies at the network's level with its extension sets.
//! - Words: the firm writes in Chinese with an English gloss, in Chinese
//!   only, or in English (an international client's firm), per network.
//! - Due dates: high risks 30 days after the gap analysis, medium 60, low
//!   90 (a gap list sets a few batch dates).
//! - Status by stage ([`Stage`]): just assessed (under three weeks since
//!   the gap analysis, nothing recorded after it): all open; half fixed:
//!   about half closed, some in progress, some overdue; ready for
//!   evaluation (rectification done or the evaluation passed since): every
//!   high and medium gap fixed or verified, a few low ones left.
//!
//! Cheap: one pass over the applicable points and a table of typical
//! gaps, no per-finding lookups, so `demo --clients 10000` stays fast.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::{Rng, offset};
use crate::domain::gaps::{
    ComplianceResult, ControlPoint, Finding, FindingId, FindingStatus, Risk, applicable,
    default_extensions,
};
use crate::domain::grading::{self, RuleSet};
use crate::domain::model::{Level, Milestone, Network, Stage as Milestones};
use crate::domain::questionnaire::Answers;
use crate::formats::interchange::Document;

/// Where a network's rectification stands, as the demo draws it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The gap list just came in: every finding open.
    JustAssessed,
    /// About half the fixes done, some in progress, some late.
    HalfFixed,
    /// Rectification done: every high and medium gap fixed or verified.
    ReadyForEvaluation,
}

/// Days after the gap analysis a network counts as just assessed.
pub const JUST_ASSESSED_DAYS: i64 = 21;

/// A typical gap: the control point, how grave it usually is (0: can be a
/// high risk, 1: usually medium, 2: usually low), and its words.
struct Gap {
    point: &'static str,
    gravity: u8,
    zh: &'static str,
    en: &'static str,
}

const fn gap(point: &'static str, gravity: u8, zh: &'static str, en: &'static str) -> Gap {
    Gap {
        point,
        gravity,
        zh,
        en,
    }
}

/// Gaps that come up in real level 2-4 evaluations, the logging, access
/// control and backup ones first (the demo's notes say "mostly logging,
/// access control and backups").
const FOCUS: usize = 9;
#[rustfmt::skip]
const GAPS: &[Gap] = &[
    // Logging, access control, backups (FOCUS).
    gap("computing.audit", 0, "服务器和数据库审计日志仅保留30天，不足6个月", "Server and database audit logs kept 30 days, less than the 6 months required"),
    gap("boundary.audit", 1, "边界防火墙未开启访问日志审计", "Perimeter firewall does not log traffic for audit"),
    gap("centre.audit_admin", 1, "未设置独立审计管理员，审计记录可被系统管理员删除", "No separate audit administrator; system admins can delete audit records"),
    gap("boundary.access_control", 0, "防火墙存在any-any放通策略", "Firewall has any-to-any allow rules"),
    gap("computing.access_control", 1, "数据库存在默认账户和共享账户", "Default and shared accounts remain on the database"),
    gap("boundary.access_control", 1, "访问控制策略未定期清理，存在过期规则", "Firewall rules are never reviewed; stale rules remain"),
    gap("computing.backup", 0, "无异地备份，备份与生产系统同机房", "No off-site backup; backups sit in the same machine room as production"),
    gap("computing.backup", 1, "未定期开展备份恢复测试", "Restores from backup are never tested"),
    gap("operations.backup", 2, "备份策略未形成书面制度", "Backup policy is not written down"),
    // The rest.
    gap("computing.identity_auth", 0, "管理员登录未采用双因素认证", "No two-factor authentication for administrator logins"),
    gap("computing.identity_auth", 1, "口令策略过弱，未要求复杂度和定期更换", "Weak password policy: no complexity or expiry rules"),
    gap("computing.identity_auth", 1, "未配置登录失败锁定", "No account lockout after failed logins"),
    gap("computing.identity_auth", 2, "远程管理使用Telnet明文协议", "Remote administration over plain-text Telnet"),
    gap("computing.intrusion", 1, "服务器开启不必要的服务和高危端口", "Unneeded services and high-risk ports open on servers"),
    gap("computing.intrusion", 2, "未限制管理终端的接入地址", "Administration not restricted to known terminals"),
    gap("computing.malware", 1, "部分服务器未安装防恶意代码软件", "Some servers run without anti-malware"),
    gap("computing.data_integrity", 2, "重要数据传输未校验完整性", "Integrity of important data in transit is not checked"),
    gap("computing.data_confidentiality", 1, "数据库中用户口令明文存储", "User passwords stored in clear text in the database"),
    gap("computing.personal_info", 1, "个人信息收集未取得明确授权", "Personal information collected without explicit consent"),
    gap("computing.personal_info", 2, "测试环境使用未脱敏的生产数据", "Test environment uses unmasked production data"),
    gap("computing.residual_info", 2, "会话结束后未清除缓存中的鉴别信息", "Credentials left in cache after sessions end"),
    gap("computing.trusted_verification", 2, "未部署可信验证机制", "No trusted verification of boot and applications"),
    gap("network.architecture", 1, "核心交换机和出口链路无冗余", "No redundancy for the core switch and uplink"),
    gap("network.architecture", 2, "办公网与服务器区未划分安全区域", "Office and server networks are not separated into zones"),
    gap("network.transmission", 1, "管理流量未加密传输", "Management traffic is not encrypted"),
    gap("boundary.protection", 1, "存在未受控的无线接入和外联", "Uncontrolled wireless access and outbound links"),
    gap("boundary.intrusion", 1, "未部署入侵检测或防御设备", "No intrusion detection or prevention at the perimeter"),
    gap("boundary.malware_spam", 2, "边界未部署防病毒网关", "No anti-malware gateway at the perimeter"),
    gap("centre.system_admin", 2, "系统管理员操作未经审批和记录", "System administrators' actions are not approved or logged"),
    gap("centre.security_admin", 2, "未设置安全管理员统一管理安全策略", "No security administrator managing the security policies"),
    gap("centre.centralised", 1, "未建立集中管控平台，日志未集中收集分析", "No central management: logs are not collected or analysed centrally"),
    gap("centre.centralised", 2, "网络设备时钟未统一同步", "Device clocks are not synchronised"),
    gap("policies.strategy", 2, "未制定网络安全总体方针", "No overall security policy"),
    gap("policies.policies", 1, "安全管理制度不完整，缺少运维和变更制度", "Security management rules incomplete: no operations or change rules"),
    gap("policies.review", 2, "安全制度超过一年未评审修订", "Policies not reviewed for over a year"),
    gap("organisation.roles", 2, "未成立网络安全领导小组", "No security leadership group"),
    gap("organisation.inspection", 2, "未定期开展安全检查", "No regular security inspections"),
    gap("personnel.training", 2, "未开展年度安全意识培训", "No yearly security awareness training"),
    gap("personnel.leaving", 2, "离职人员账户未及时注销", "Leavers' accounts are not removed promptly"),
    gap("construction.outsourced_dev", 2, "外包开发未要求提供源代码安全审查报告", "Outsourced code delivered without a security review"),
    gap("construction.acceptance", 2, "上线前未进行安全测试", "No security testing before go-live"),
    gap("operations.vulnerability", 0, "未定期漏洞扫描，存在高危漏洞未修复", "No regular vulnerability scans; high-risk vulnerabilities unpatched"),
    gap("operations.vulnerability", 1, "操作系统补丁长期未更新", "Operating system patches long out of date"),
    gap("operations.assets", 2, "资产清单不完整", "Asset inventory incomplete"),
    gap("operations.change", 2, "变更未经审批和回退测试", "Changes made without approval or a rollback test"),
    gap("operations.contingency", 1, "未制定应急预案或未演练", "No incident response plan, or never rehearsed"),
    gap("operations.incidents", 2, "安全事件报告流程不明确", "Unclear security incident reporting"),
    gap("operations.outsourced_ops", 2, "外包运维未签订保密协议", "Outsourced operations without a confidentiality agreement"),
    gap("operations.crypto", 2, "未使用国家密码管理部门认可的密码产品", "Cryptography not from products approved by the state cryptography administration"),
    gap("physical.access", 2, "机房出入未登记", "Machine-room entry not logged"),
    gap("physical.power", 2, "机房无UPS或UPS容量不足", "No or undersized UPS in the machine room"),
    gap("physical.fire", 2, "机房未配置自动气体灭火系统", "No automatic gas fire suppression in the machine room"),
    gap("cloud.computing.access_control", 1, "云主机安全组对公网开放管理端口", "Cloud security groups expose management ports to the internet"),
    gap("cloud.boundary.audit", 2, "未开启云平台操作审计", "Cloud control-plane operation audit not enabled"),
    gap("cloud.computing.images_snapshots", 2, "镜像未做安全加固", "Images are not hardened"),
    gap("mobile.computing.app_control", 2, "移动应用未做加固和签名校验", "Mobile app neither hardened nor signature-checked"),
    gap("iot.boundary.access", 1, "感知设备接入未认证", "Sensor devices join without authentication"),
    gap("industrial_control.boundary.access_control", 0, "工控网与办公网之间无隔离", "No isolation between the control network and the office network"),
];

/// The client-side owners of rules and people, in English and Chinese.
const MANAGEMENT_EN: &[&str] = &["Security Officer", "HR", "Compliance"];
const MANAGEMENT_ZH: &[&str] = &["信息安全部", "人力资源部", "综合管理部"];

/// How the audit firm writes its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// Chinese, with an English gloss after a dash.
    Glossed,
    Chinese,
    English,
}

/// The gap analysis a network's findings date from: its latest one on
/// or before `today`.
fn gap_analysis(milestones: &[Milestone], today: NaiveDate) -> Option<&Milestone> {
    milestones
        .iter()
        .filter(|m| m.stage == Milestones::GapAnalysis && m.date <= today)
        .max_by_key(|m| m.date)
}

/// Where `milestones` put the rectification on `today`; `None` before a
/// gap analysis.
pub fn stage(milestones: &[Milestone], today: NaiveDate) -> Option<Stage> {
    let gap = gap_analysis(milestones, today)?;
    let done = milestones.iter().any(|m| {
        m.date >= gap.date
            && m.date <= today
            && matches!(
                m.stage,
                Milestones::RectificationDone | Milestones::EvaluationPassed
            )
    });
    Some(if done {
        Stage::ReadyForEvaluation
    } else if (today - gap.date).num_days() < JUST_ASSESSED_DAYS {
        Stage::JustAssessed
    } else {
        Stage::HalfFixed
    })
}

/// Whether the network's latest gap analysis (on or before `today`) is
/// still its current cycle: no evaluation has passed since. A gap list
/// the evaluation has closed is history; the scale demo leaves it out.
pub fn current_cycle(milestones: &[Milestone], today: NaiveDate) -> bool {
    gap_analysis(milestones, today).is_some_and(|gap| {
        !milestones.iter().any(|m| {
            m.stage == Milestones::EvaluationPassed && m.date >= gap.date && m.date <= today
        })
    })
}

/// The gap and high-risk counts of a note like "40 gaps, 2 high: ...".
pub fn noted_counts(note: &str) -> Option<(usize, usize)> {
    let (gaps, rest) = note.split_once(" gaps, ")?;
    let (high, _) = rest.split_once(" high")?;
    let gaps: usize = gaps.trim().parse().ok()?;
    let high: usize = high.trim().parse().ok()?;
    (gaps > 0 && high <= gaps).then_some((gaps, high))
}

/// The demo findings of `network`, working to `level`, on `today`, drawn
/// from `seed` (mixed with the network's name, so networks of one book
/// differ). Empty below level 2 or before a gap analysis. Ids run from 1;
/// the store gives them their own.
pub fn findings_for(network: &Network, level: Level, today: NaiveDate, seed: u64) -> Vec<Finding> {
    draw(
        &network.name,
        &network.answers,
        &network.milestones,
        level,
        today,
        seed,
    )
}

/// The findings of every network of a demo document that has them:
/// (client index, network index, findings), each network working to its
/// filed level, else the level `rules` compute.
pub fn document_findings(
    doc: &Document,
    today: NaiveDate,
    seed: u64,
    rules: RuleSet,
) -> Vec<(usize, usize, Vec<Finding>)> {
    let mut out = Vec::new();
    for (c, client) in doc.clients.iter().enumerate() {
        for (n, network) in client.networks.iter().enumerate() {
            // Cheap checks first: most networks have no gap analysis.
            if gap_analysis(&network.milestones, today).is_none() {
                continue;
            }
            let level = network
                .filed_level
                .unwrap_or_else(|| grading::level(&network.answers, &network.overrides, rules));
            let found = draw(
                &network.name,
                &network.answers,
                &network.milestones,
                level,
                today,
                seed,
            );
            if !found.is_empty() {
                out.push((c, n, found));
            }
        }
    }
    out
}

fn mix(seed: u64, name: &str, date: NaiveDate) -> u64 {
    // FNV-1a over the name and the date: stable across runs and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes().chain(date.to_string().into_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    seed ^ h
}

fn draw(
    name: &str,
    answers: &Answers,
    milestones: &[Milestone],
    level: Level,
    today: NaiveDate,
    seed: u64,
) -> Vec<Finding> {
    if level < Level::L2 {
        return Vec::new();
    }
    let Some(gap) = gap_analysis(milestones, today) else {
        return Vec::new();
    };
    let Some(stage) = stage(milestones, today) else {
        return Vec::new();
    };
    let found = gap.date;
    let mut rng = Rng::new(mix(seed, name, found));
    let points = applicable(level, &default_extensions(answers));
    let ids: BTreeSet<&str> = points.iter().map(|p| p.id.as_str()).collect();
    let noted = noted_counts(&gap.note);
    let total = match noted {
        Some((n, _)) => n,
        None => rng.range(15, 45) as usize,
    };
    let highs = match noted {
        Some((_, h)) => h,
        None => rng.weighted(&[25, 35, 25, 15]),
    }
    .min(total);
    let mediums = ((total - highs) * 35).div_ceil(100);
    let cjk = name.chars().any(|c| c as u32 >= 0x3000);
    let style = match rng.weighted(if cjk { &[50, 45, 5] } else { &[45, 15, 40] }) {
        0 => Style::Glossed,
        1 => Style::Chinese,
        _ => Style::English,
    };

    // The typical gaps that apply, the focus ones first when the note
    // says so, the rest in a drawn order; then points with no typical gap
    // of their own.
    let mut typical: Vec<&Gap> = GAPS.iter().filter(|g| ids.contains(g.point)).collect();
    let split = if noted.is_some() {
        typical.iter().filter(|g| is_focus(g)).count()
    } else {
        0
    };
    shuffle(&mut rng, &mut typical[split..]);
    let covered: BTreeSet<&str> = typical.iter().map(|g| g.point).collect();
    let mut others: Vec<&&ControlPoint> = points
        .iter()
        .filter(|p| !covered.contains(p.id.as_str()))
        .collect();
    shuffle(&mut rng, &mut others);
    let mut chosen: Vec<(&str, u8, String)> = typical
        .iter()
        .take(total)
        .map(|g| (g.point, g.gravity, words(style, g.zh, g.en)))
        .collect();
    for p in others.iter().take(total.saturating_sub(chosen.len())) {
        let zh = format!("{}：{}（部分落实）", p.zh, p.asks_zh);
        let en = format!("{}: partly in place. {}", p.en, p.asks_en);
        chosen.push((p.id.as_str(), 2, words(style, &zh, &en)));
    }
    // The gravest get the high risks, then the medium ones.
    chosen.sort_by_key(|(_, gravity, _)| *gravity);

    let mut out = Vec::with_capacity(chosen.len());
    for (i, (point, _, description)) in chosen.into_iter().enumerate() {
        let risk = if i < highs {
            Risk::High
        } else if i < highs + mediums {
            Risk::Medium
        } else {
            Risk::Low
        };
        let result = match risk {
            Risk::High => ComplianceResult::NonCompliant,
            Risk::Medium if rng.chance(60) => ComplianceResult::NonCompliant,
            _ => ComplianceResult::Partial,
        };
        let mut f = Finding::new(
            FindingId(i as u64 + 1),
            point,
            &description,
            result,
            risk,
            found,
        );
        f.owner = owner(&mut rng, style, point).to_string();
        f.due = Some(offset(
            found,
            match risk {
                Risk::High => 30,
                Risk::Medium => 60,
                Risk::Low => 90,
            },
        ));
        progress(&mut rng, &mut f, stage, found, milestones, today);
        out.push(f);
    }
    out
}

fn is_focus(g: &Gap) -> bool {
    GAPS[..FOCUS].iter().any(|x| std::ptr::eq(x, g))
}

fn shuffle<T>(rng: &mut Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

fn words(style: Style, zh: &str, en: &str) -> String {
    match style {
        Style::Glossed => format!("{zh} — {en}"),
        Style::Chinese => zh.to_string(),
        Style::English => en.to_string(),
    }
}

/// Who fixes a gap under `point`: the network team for the network and
/// its boundary, operations or the DBA for hosts, security for the
/// management centre, the security officer, HR or compliance for rules
/// and people.
fn owner(rng: &mut Rng, style: Style, point: &str) -> &'static str {
    // The category is the segment before the point's own (ids are
    // `category.point` or `extension.category.point`): no lookup.
    let category = point
        .rsplit_once('.')
        .map(|(rest, _)| rest.rsplit('.').next().unwrap_or(rest))
        .unwrap_or("");
    let (en, zh): (&[&'static str], &[&'static str]) = match category {
        "network" | "boundary" => (&["Network Team", "IT Manager"], &["网络组", "IT经理"]),
        "computing" => (
            &["Ops Team", "DBA", "IT Manager"],
            &["运维组", "开发组", "IT经理"],
        ),
        "centre" => (&["Security Officer", "Ops Team"], &["信息安全部", "运维组"]),
        "physical" | "operations" => (&["IT Manager", "Ops Team"], &["运维组", "IT经理"]),
        _ => (MANAGEMENT_EN, MANAGEMENT_ZH),
    };
    let list = if style == Style::English { en } else { zh };
    list[rng.below(list.len() as u64) as usize]
}

/// Evidence a closed fix points to.
const EVIDENCE: &[&str] = &[
    "Change ticket CHG-{n}",
    "整改报告 v1.{n}",
    "Screenshot of the new policy, {n}.png",
    "配置截图 {n}.png",
    "Vendor report REF-{n}",
];

/// Moves `f` along as far as `stage` says, every change between the gap
/// analysis `found` and the end of the rectification (its milestone, or
/// today).
fn progress(
    rng: &mut Rng,
    f: &mut Finding,
    stage: Stage,
    found: NaiveDate,
    milestones: &[Milestone],
    today: NaiveDate,
) {
    let end = milestones
        .iter()
        .filter(|m| {
            m.date >= found
                && matches!(
                    m.stage,
                    Milestones::RectificationDone | Milestones::EvaluationPassed
                )
        })
        .map(|m| m.date)
        .min()
        .unwrap_or(today)
        .min(today);
    let span = (end - found).num_days().max(0);
    // (in progress, fixed, verified) as a share of where the fix ends up.
    let target = match stage {
        Stage::JustAssessed => return,
        Stage::HalfFixed => match rng.below(100) {
            0..=19 => FindingStatus::InProgress,
            20..=34 => FindingStatus::Open,
            35..=84 => FindingStatus::Fixed,
            _ => FindingStatus::Verified,
        },
        Stage::ReadyForEvaluation => {
            // Once the evaluation has passed, the cycle's list is closed.
            let evaluated = milestones.iter().any(|m| {
                m.stage == Milestones::EvaluationPassed && m.date >= found && m.date <= today
            });
            if f.risk == Risk::Low && !evaluated && rng.chance(25) {
                if rng.chance(50) {
                    FindingStatus::InProgress
                } else {
                    FindingStatus::Open
                }
            } else if rng.chance(55) {
                FindingStatus::Verified
            } else {
                FindingStatus::Fixed
            }
        }
    };
    if target == FindingStatus::Open {
        return;
    }
    // Dates spread over the span, in order.
    let mut day = |from: i64| from + rng.below((span - from).max(0) as u64 + 1) as i64;
    let started = day(span.min(3));
    let steps: &[FindingStatus] = match target {
        FindingStatus::InProgress => &[FindingStatus::InProgress],
        FindingStatus::Fixed => &[FindingStatus::InProgress, FindingStatus::Fixed],
        _ => &[
            FindingStatus::InProgress,
            FindingStatus::Fixed,
            FindingStatus::Verified,
        ],
    };
    let mut at = started;
    for (k, s) in steps.iter().enumerate() {
        if k > 0 {
            at = day(at);
        }
        // Dates never go back, so the change is always accepted.
        let _ = f.set_status(*s, offset(found, at));
    }
    if f.status.is_closed() {
        let n = 100 + rng.below(9000);
        f.evidence = rng.pick(EVIDENCE).replace("{n}", &n.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::gaps::{point, progress as count, rectification_done};
    use crate::domain::model::{ClientId, NetworkId};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        date(2026, 11, 28)
    }

    fn network(name: &str, stages: &[(Milestones, NaiveDate)], note: &str) -> Network {
        Network {
            id: NetworkId(1),
            client: ClientId(1),
            revision: 1,
            name: name.into(),
            notes: String::new(),
            answers: Answers::default(),
            overrides: Default::default(),
            filed_level: None,
            milestones: stages
                .iter()
                .map(|(s, d)| {
                    let mut m = Milestone::new(*s, *d);
                    if *s == Milestones::GapAnalysis {
                        m.note = note.to_string();
                    }
                    m
                })
                .collect(),
        }
    }

    #[test]
    fn the_current_cycle_ends_when_an_evaluation_passes_after_the_gap_analysis() {
        let gap = date(2026, 8, 1);
        let n = network("Shop", &[(Milestones::GapAnalysis, gap)], "");
        assert!(current_cycle(&n.milestones, today()));
        let done = network(
            "Shop",
            &[
                (Milestones::GapAnalysis, gap),
                (Milestones::RectificationDone, date(2026, 10, 1)),
            ],
            "",
        );
        assert!(current_cycle(&done.milestones, today()));
        let passed = network(
            "Shop",
            &[
                (Milestones::GapAnalysis, gap),
                (Milestones::EvaluationPassed, date(2026, 11, 1)),
            ],
            "",
        );
        assert!(!current_cycle(&passed.milestones, today()));
        // An evaluation of an earlier cycle does not close this one, one
        // after today not yet, and no gap analysis is no cycle.
        let earlier = network(
            "Shop",
            &[
                (Milestones::EvaluationPassed, date(2026, 1, 1)),
                (Milestones::GapAnalysis, gap),
                (Milestones::EvaluationPassed, date(2026, 12, 1)),
            ],
            "",
        );
        assert!(current_cycle(&earlier.milestones, today()));
        assert!(!current_cycle(&[], today()));
    }

    fn at(stage: Stage) -> Network {
        let gap = date(2026, 8, 1);
        let mut stages = vec![(Milestones::GapAnalysis, gap)];
        match stage {
            Stage::JustAssessed => stages[0].1 = offset(today(), -10),
            Stage::HalfFixed => {}
            Stage::ReadyForEvaluation => {
                stages.push((Milestones::RectificationDone, date(2026, 11, 1)))
            }
        }
        network("CRM", &stages, "")
    }

    #[test]
    fn the_same_seed_gives_the_same_findings_and_another_differs() {
        let n = at(Stage::HalfFixed);
        let a = findings_for(&n, Level::L3, today(), 7);
        assert_eq!(a, findings_for(&n, Level::L3, today(), 7));
        assert_ne!(a, findings_for(&n, Level::L3, today(), 8));
    }

    #[test]
    fn every_finding_is_valid_under_a_point_of_its_level() {
        for level in [Level::L2, Level::L3, Level::L4] {
            let applies: BTreeSet<&str> = applicable(level, &BTreeSet::new())
                .iter()
                .map(|p| p.id.as_str())
                .collect();
            for seed in 0..40 {
                for stage in [
                    Stage::JustAssessed,
                    Stage::HalfFixed,
                    Stage::ReadyForEvaluation,
                ] {
                    let found = findings_for(&at(stage), level, today(), seed);
                    assert!((15..=45).contains(&found.len()), "{}", found.len());
                    for f in &found {
                        assert!(
                            applies.contains(f.control_point.as_str()),
                            "{} at level {level}",
                            f.control_point
                        );
                        assert!(point(&f.control_point).is_some());
                        let mut checked = f.clone();
                        checked.validate().unwrap();
                        assert_eq!(&checked, f, "validation changed nothing");
                        assert!(f.history.iter().all(|c| c.date <= today()));
                        assert!(f.due.is_some() && !f.owner.is_empty());
                        if f.control_point.starts_with("boundary.") {
                            assert!(
                                ["Network Team", "IT Manager", "网络组", "IT经理"]
                                    .contains(&f.owner.as_str()),
                                "{}",
                                f.owner
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_risk_mix_is_a_few_high_more_medium_many_low() {
        let mut by = [0usize; 3];
        for seed in 0..50 {
            for f in findings_for(&at(Stage::HalfFixed), Level::L3, today(), seed) {
                by[f.risk as usize] += 1;
            }
        }
        let [high, medium, low] = by;
        assert!(high > 0 && high * 5 < medium, "{by:?}");
        assert!(medium < low, "{by:?}");
    }

    #[test]
    fn stages_mix_statuses_as_described() {
        for seed in 0..30 {
            let just = findings_for(&at(Stage::JustAssessed), Level::L3, today(), seed);
            assert!(just.iter().all(|f| f.status == FindingStatus::Open));
            assert!(just.iter().all(|f| f.history.len() == 1));
            assert!(!rectification_done(&just) || just.iter().all(|f| f.risk == Risk::Low));

            // Evaluated since: the whole list is closed.
            let mut evaluated = at(Stage::ReadyForEvaluation);
            evaluated.milestones.push(Milestone::new(
                Milestones::EvaluationPassed,
                date(2026, 11, 20),
            ));
            let closed = findings_for(&evaluated, Level::L3, today(), seed);
            assert!(closed.iter().all(|f| f.status.is_closed()), "seed {seed}");

            let ready = findings_for(&at(Stage::ReadyForEvaluation), Level::L3, today(), seed);
            assert!(rectification_done(&ready), "seed {seed}");
            assert!(
                ready.iter().filter(|f| f.status.is_closed()).all(|f| f
                    .history
                    .last()
                    .unwrap()
                    .date
                    <= date(2026, 11, 1)
                    && !f.evidence.is_empty())
            );
        }
        // Half fixed, over many networks: about half closed, some in
        // progress, some overdue.
        let mut closed = 0;
        let mut total = 0;
        let mut overdue = 0;
        let mut in_progress = 0;
        for seed in 0..30 {
            let half = findings_for(&at(Stage::HalfFixed), Level::L3, today(), seed);
            let p = count(&half, today());
            closed += p.closed();
            total += p.total();
            overdue += p.overdue;
            in_progress += p.in_status(FindingStatus::InProgress);
        }
        let share = closed * 100 / total;
        assert!((40..=75).contains(&share), "{share}% closed");
        assert!(overdue > 0 && in_progress > 0);
    }

    #[test]
    fn a_noted_gap_analysis_gets_its_counts_and_its_focus() {
        assert_eq!(
            noted_counts("40 gaps, 2 high: mostly logging, access control and backups."),
            Some((40, 2))
        );
        assert_eq!(noted_counts("Expert panel confirmed."), None);
        let n = network(
            "CRM",
            &[(Milestones::GapAnalysis, date(2026, 8, 1))],
            "12 gaps, 2 high: mostly logging, access control and backups.",
        );
        let found = findings_for(&n, Level::L3, today(), 3);
        assert_eq!(found.len(), 12);
        assert_eq!(found.iter().filter(|f| f.risk == Risk::High).count(), 2);
        let focus: BTreeSet<&str> = GAPS[..FOCUS].iter().map(|g| g.point).collect();
        let in_focus = found
            .iter()
            .filter(|f| focus.contains(f.control_point.as_str()))
            .count();
        assert!(in_focus >= FOCUS - 1, "{in_focus}");
    }

    #[test]
    fn no_findings_below_level_2_or_before_a_gap_analysis() {
        assert!(findings_for(&at(Stage::HalfFixed), Level::L1, today(), 1).is_empty());
        let early = network(
            "CRM",
            &[(Milestones::CertificateIssued, date(2026, 8, 1))],
            "",
        );
        assert!(findings_for(&early, Level::L3, today(), 1).is_empty());
        // A gap analysis after today does not count yet.
        let later = network("CRM", &[(Milestones::GapAnalysis, date(2027, 1, 1))], "");
        assert!(findings_for(&later, Level::L3, today(), 1).is_empty());
    }

    #[test]
    fn extension_points_come_from_the_networks_answers() {
        let mut n = at(Stage::HalfFixed);
        n.answers.deployment = Some(crate::domain::questionnaire::Deployment::Cloud);
        let exts = default_extensions(&n.answers);
        let applies: BTreeSet<&str> = applicable(Level::L3, &exts)
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        let mut cloud = 0;
        for seed in 0..20 {
            for f in findings_for(&n, Level::L3, today(), seed) {
                assert!(applies.contains(f.control_point.as_str()));
                cloud += usize::from(f.control_point.starts_with("cloud."));
            }
        }
        assert!(cloud > 0);
    }

    #[test]
    fn the_demo_book_has_findings_at_every_stage() {
        let doc = super::super::generate(30, 1, today());
        let all = document_findings(&doc, today(), 1, RuleSet::default());
        assert!(!all.is_empty());
        let mut stages = BTreeSet::new();
        for (c, n, found) in &all {
            let net = &doc.clients[*c].networks[*n];
            let s = stage(&net.milestones, today()).unwrap();
            stages.insert(format!("{s:?}"));
            if s == Stage::ReadyForEvaluation {
                assert!(rectification_done(found), "{}", net.name);
            }
            // A noted gap analysis is matched.
            let gap = gap_analysis(&net.milestones, today()).unwrap();
            if let Some((total, high)) = noted_counts(&gap.note) {
                assert_eq!(found.len(), total, "{}", net.name);
                assert_eq!(
                    found.iter().filter(|f| f.risk == Risk::High).count(),
                    high,
                    "{}",
                    net.name
                );
            } else {
                assert!((15..=45).contains(&found.len()));
            }
        }
        assert_eq!(stages.len(), 3, "{stages:?}");
    }

    #[test]
    fn the_scale_book_has_findings_for_its_level_2_networks() {
        let doc = super::super::generate(2000, 5, today());
        let all = document_findings(&doc, today(), 5, RuleSet::default());
        let findings: usize = all.iter().map(|(_, _, f)| f.len()).sum();
        assert!(all.len() > 50, "{} networks", all.len());
        // Its time is not judged here: `mlps demo --clients 10000` is in
        // the performance table.
        assert!(findings >= 15 * all.len(), "{findings} findings");
    }
}
