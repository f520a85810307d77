//! Deterministic, realistic demo data (`mlps demo`, `mlps --demo`): a
//! consultancy's case book of foreign and Chinese clients, their networks,
//! questionnaire answers and filing histories, dated relative to `today`.
//!
//! The same `(clients, seed, today)` always gives the same document. The
//! first clients are hand-written showcases that together cover every level,
//! every milestone and every renewal window; the rest are drawn at random.
//! Every record passes [`crate::formats::interchange::to_records`]; ids are left for
//! the store to assign.

use std::collections::{BTreeSet, HashSet};

use chrono::{Months, NaiveDate};

use crate::domain::calendar::{add_days, add_months};
use crate::domain::grading::{self, RuleSet};
use crate::domain::model::{
    Conclusion, Contact, Degree, HarmOverride, HarmedObject, Level, Milestone, Overrides, Stage,
};
use crate::domain::questionnaire::{
    Answers, DataCategory, Deployment, ObjectType, QuestionId, Sector,
};
use crate::domain::settings::Settings;
use crate::domain::timeline::Intervals;
use crate::formats::interchange::{ClientDoc, Document, FORMAT, NetworkDoc, VERSION};

pub mod findings;

pub use findings::findings_for;

/// The most clients one demo run makes.
pub const MAX_CLIENTS: usize = 100_000;

/// Books up to this many clients get every gap list; larger ones (the
/// scale data) only the gap lists of the current cycle, the ones no
/// evaluation has closed yet: all of them made `demo --clients 10000`
/// eight times slower and its database four times larger
/// (docs/rectification.md).
pub const FULL_GAP_LISTS_UP_TO: usize = 100;

/// The demo's records as `mlps demo` and `mlps --demo` import them:
/// `doc` (made by [`generate_with`] from `seed` on `today`) with the gap
/// list of every level 2-4 network past its gap analysis
/// ([`findings::document_findings`]), so the store holds findings at the
/// networks' stages; above [`FULL_GAP_LISTS_UP_TO`] clients, only the
/// current cycle's.
pub fn records(
    doc: &Document,
    today: NaiveDate,
    seed: u64,
    settings: &Settings,
) -> crate::error::Result<Vec<crate::domain::model::NewClient>> {
    let mut records = crate::formats::interchange::to_records("demo", doc)?;
    let scale = doc.clients.len() > FULL_GAP_LISTS_UP_TO;
    for (c, n, found) in findings::document_findings(doc, today, seed, settings.rules) {
        let Some(network) = records.get_mut(c).and_then(|r| r.networks.get_mut(n)) else {
            continue;
        };
        if scale && !findings::current_cycle(&network.network.milestones, today) {
            continue;
        }
        // The store gives them their ids (the demo numbers them within
        // each network only).
        network.findings = found
            .into_iter()
            .map(|mut f| {
                f.id = crate::domain::gaps::FindingId(0);
                f
            })
            .collect();
    }
    Ok(records)
}

/// A demo case book of `clients` clients, drawn from `seed`, with every
/// date on or before `today`, under the default settings.
pub fn generate(clients: usize, seed: u64, today: NaiveDate) -> Document {
    generate_with(clients, seed, today, &Settings::default())
}

/// The same under `settings`, so that the agenda mix of overdue, due and
/// upcoming cases comes out as planned with the firm's own intervals and
/// rule set. At most [`MAX_CLIENTS`] clients.
pub fn generate_with(clients: usize, seed: u64, today: NaiveDate, settings: &Settings) -> Document {
    let clients = clients.min(MAX_CLIENTS);
    let mut g = Gen {
        rng: Rng::new(seed),
        today,
        intervals: settings.intervals.clone(),
        rules: settings.rules,
        used_names: HashSet::with_capacity(clients * 2),
    };
    // Reserve the showcase names first, so no random client takes them.
    for f in FEATURED.iter().take(clients) {
        g.used_names.insert(f.name.to_string());
        g.used_names.insert(f.name_zh.to_string());
    }
    // Small books (the default demo) have 1-4 networks a client; large
    // ones, 1-9 (about 5 on average).
    let max_networks = if clients <= 100 { 4 } else { 9 };
    let mut out = Vec::with_capacity(clients);
    for i in 0..clients {
        let client = match FEATURED.get(i) {
            Some(f) => g.featured(f),
            None => g.random_client(max_networks),
        };
        out.push(client);
    }
    Document {
        format: FORMAT.to_string(),
        version: VERSION,
        clients: out,
    }
}

// ---------------------------------------------------------------------------
// A tiny deterministic PRNG (splitmix64).

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x6d6c_7073_2d64_656d)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `lo..=hi`, for day counts.
    fn days(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An index drawn with the given weights.
    fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut r = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }
}

// ---------------------------------------------------------------------------
// Vocabulary.

struct City {
    en: &'static str,
    zh: &'static str,
    /// Telephone area code.
    area: &'static str,
    /// Administrative code of a district, the head of certificate numbers.
    code: &'static str,
    weight: u64,
}

const CITIES: &[City] = &[
    City {
        en: "Shanghai",
        zh: "上海",
        area: "21",
        code: "310104",
        weight: 5,
    },
    City {
        en: "Beijing",
        zh: "北京",
        area: "10",
        code: "110105",
        weight: 4,
    },
    City {
        en: "Shenzhen",
        zh: "深圳",
        area: "755",
        code: "440305",
        weight: 3,
    },
    City {
        en: "Chongqing",
        zh: "重庆",
        area: "23",
        code: "500103",
        weight: 2,
    },
    City {
        en: "Guangzhou",
        zh: "广州",
        area: "20",
        code: "440106",
        weight: 2,
    },
    City {
        en: "Hangzhou",
        zh: "杭州",
        area: "571",
        code: "330106",
        weight: 2,
    },
    City {
        en: "Suzhou",
        zh: "苏州",
        area: "512",
        code: "320505",
        weight: 2,
    },
    City {
        en: "Chengdu",
        zh: "成都",
        area: "28",
        code: "510107",
        weight: 2,
    },
    City {
        en: "Tianjin",
        zh: "天津",
        area: "22",
        code: "120116",
        weight: 1,
    },
    City {
        en: "Wuhan",
        zh: "武汉",
        area: "27",
        code: "420106",
        weight: 1,
    },
    City {
        en: "Nanjing",
        zh: "南京",
        area: "25",
        code: "320106",
        weight: 1,
    },
    City {
        en: "Xi'an",
        zh: "西安",
        area: "29",
        code: "610113",
        weight: 1,
    },
    City {
        en: "Xiamen",
        zh: "厦门",
        area: "592",
        code: "350203",
        weight: 1,
    },
    City {
        en: "Dalian",
        zh: "大连",
        area: "411",
        code: "210204",
        weight: 1,
    },
    City {
        en: "Qingdao",
        zh: "青岛",
        area: "532",
        code: "370202",
        weight: 1,
    },
];

fn city(en: &str) -> usize {
    CITIES
        .iter()
        .position(|c| c.en == en)
        .expect("a known city")
}

/// Foreign brands: English, and the Chinese transliteration they register.
const FOREIGN_BRANDS: &[(&str, &str)] = &[
    ("Acme", "阿克米"),
    ("Northwind", "诺斯温德"),
    ("Contoso", "康托索"),
    ("Fabrikam", "法布瑞康"),
    ("Globex", "格洛贝克斯"),
    ("Initech", "艾尼泰克"),
    ("Tailspin", "泰尔斯平"),
    ("Litware", "利特威尔"),
    ("Wingtip", "温蒂普"),
    ("Adatum", "阿达坦"),
    ("Lucerne", "卢塞恩"),
    ("Proseware", "普罗斯威尔"),
    ("Woodgrove", "伍德格罗夫"),
    ("Bluefin", "蓝鳍"),
    ("Nordlicht", "诺德利希特"),
    ("Kestrel", "凯斯特瑞尔"),
    ("Meridian", "美瑞迪恩"),
    ("Hoshino", "星野"),
    ("Bergmann", "伯格曼"),
    ("Lumiere", "吕米埃"),
    ("Harbor", "哈伯"),
    ("Silverline", "银线"),
    ("Alder", "奥尔德"),
    ("Brightwater", "布莱特沃特"),
    ("Castellan", "卡斯特兰"),
    ("Dunmore", "邓莫尔"),
    ("Fairhaven", "费尔黑文"),
    ("Halvorsen", "哈尔沃森"),
    ("Ironbridge", "艾恩布里奇"),
    ("Kobayashi", "小林"),
    ("Larkspur", "拉克斯珀"),
    ("Montague", "蒙塔古"),
    ("Nakamura", "中村"),
    ("Pemberton", "彭伯顿"),
    ("Rosenthal", "罗森塔尔"),
    ("Sterling", "斯特林"),
    ("Westbrook", "韦斯特布鲁克"),
    ("Zellweger", "策尔韦格"),
];

/// Chinese brands (字号): characters and pinyin.
const CHINESE_BRANDS: &[(&str, &str)] = &[
    ("长江", "Changjiang"),
    ("华信", "Huaxin"),
    ("金桥", "Jinqiao"),
    ("东方", "Dongfang"),
    ("新锐", "Xinrui"),
    ("汇通", "Huitong"),
    ("天元", "Tianyuan"),
    ("博远", "Boyuan"),
    ("恒泰", "Hengtai"),
    ("瑞丰", "Ruifeng"),
    ("宏达", "Hongda"),
    ("锦程", "Jincheng"),
    ("万联", "Wanlian"),
    ("云帆", "Yunfan"),
    ("启明", "Qiming"),
    ("安和", "Anhe"),
    ("星河", "Xinghe"),
    ("嘉禾", "Jiahe"),
    ("鼎盛", "Dingsheng"),
    ("和信", "Hexin"),
    ("远航", "Yuanhang"),
    ("正阳", "Zhengyang"),
    ("明德", "Mingde"),
    ("渝信", "Yuxin"),
    ("两江", "Liangjiang"),
    ("浦江", "Pujiang"),
    ("钱塘", "Qiantang"),
    ("蜀道", "Shudao"),
    ("楚天", "Chutian"),
    ("鹏城", "Pengcheng"),
    ("珠江", "Zhujiang"),
    ("金陵", "Jinling"),
];

/// A line of business: what the company name says it does.
struct Line {
    en: &'static str,
    zh: &'static str,
    slug: &'static str,
    sector: Sector,
    weight: u64,
}

const BANK: &str = "bank";

const LINES: &[Line] = &[
    Line {
        en: "Trading",
        zh: "贸易",
        slug: "trading",
        sector: Sector::Ecommerce,
        weight: 4,
    },
    Line {
        en: "E-commerce",
        zh: "电子商务",
        slug: "shop",
        sector: Sector::Ecommerce,
        weight: 3,
    },
    Line {
        en: "Technology",
        zh: "科技",
        slug: "tech",
        sector: Sector::Other,
        weight: 4,
    },
    Line {
        en: "Software",
        zh: "软件",
        slug: "soft",
        sector: Sector::Other,
        weight: 3,
    },
    Line {
        en: "Cloud Services",
        zh: "云计算",
        slug: "cloud",
        sector: Sector::Telecom,
        weight: 1,
    },
    Line {
        en: "Logistics",
        zh: "物流",
        slug: "logistics",
        sector: Sector::Transport,
        weight: 3,
    },
    Line {
        en: "Automotive Parts",
        zh: "汽车零部件",
        slug: "auto",
        sector: Sector::Manufacturing,
        weight: 3,
    },
    Line {
        en: "Precision Machinery",
        zh: "精密机械",
        slug: "machinery",
        sector: Sector::Manufacturing,
        weight: 2,
    },
    Line {
        en: "Medical Devices",
        zh: "医疗器械",
        slug: "medical",
        sector: Sector::Healthcare,
        weight: 2,
    },
    Line {
        en: "Pharmaceuticals",
        zh: "医药",
        slug: "pharma",
        sector: Sector::Healthcare,
        weight: 2,
    },
    Line {
        en: "Education Technology",
        zh: "教育科技",
        slug: "edu",
        sector: Sector::Education,
        weight: 2,
    },
    Line {
        en: "Games",
        zh: "游戏",
        slug: "games",
        sector: Sector::Gaming,
        weight: 2,
    },
    Line {
        en: "Media",
        zh: "文化传媒",
        slug: "media",
        sector: Sector::Media,
        weight: 2,
    },
    Line {
        en: "Energy",
        zh: "能源",
        slug: "energy",
        sector: Sector::Energy,
        weight: 1,
    },
    Line {
        en: "Bank",
        zh: "银行",
        slug: BANK,
        sector: Sector::Finance,
        weight: 2,
    },
    Line {
        en: "Insurance Brokers",
        zh: "保险经纪",
        slug: "insure",
        sector: Sector::Finance,
        weight: 1,
    },
    Line {
        en: "Geographic Information",
        zh: "地理信息",
        slug: "geo",
        sector: Sector::Other,
        weight: 1,
    },
    Line {
        en: "Hotel Management",
        zh: "酒店管理",
        slug: "hotels",
        sector: Sector::Other,
        weight: 1,
    },
];

const SURNAMES: &[(&str, &str)] = &[
    ("王", "Wang"),
    ("李", "Li"),
    ("张", "Zhang"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("黄", "Huang"),
    ("赵", "Zhao"),
    ("吴", "Wu"),
    ("周", "Zhou"),
    ("徐", "Xu"),
    ("孙", "Sun"),
    ("马", "Ma"),
    ("朱", "Zhu"),
    ("胡", "Hu"),
    ("郭", "Guo"),
    ("何", "He"),
    ("林", "Lin"),
    ("罗", "Luo"),
    ("高", "Gao"),
];

const GIVEN_NAMES: &[(&str, &str)] = &[
    ("伟", "Wei"),
    ("芳", "Fang"),
    ("娜", "Na"),
    ("敏", "Min"),
    ("静", "Jing"),
    ("磊", "Lei"),
    ("洋", "Yang"),
    ("艳", "Yan"),
    ("勇", "Yong"),
    ("杰", "Jie"),
    ("婷", "Ting"),
    ("强", "Qiang"),
    ("晓明", "Xiaoming"),
    ("思远", "Siyuan"),
    ("雨桐", "Yutong"),
    ("子涵", "Zihan"),
    ("建国", "Jianguo"),
    ("丽华", "Lihua"),
    ("浩然", "Haoran"),
    ("欣怡", "Xinyi"),
];

const WESTERN_FIRST: &[&str] = &[
    "Anna", "James", "Sophie", "Thomas", "Emma", "Lukas", "Olivia", "Pierre", "Hannah", "Daniel",
    "Kenji", "Yuki", "Marco", "Laura", "Henrik", "Claire",
];

const WESTERN_LAST: &[&str] = &[
    "Schmidt",
    "Miller",
    "Martin",
    "Weber",
    "Clarke",
    "Fischer",
    "Brown",
    "Dubois",
    "Becker",
    "Evans",
    "Sato",
    "Tanaka",
    "Rossi",
    "Jensen",
    "Novak",
    "Lindqvist",
];

const FOREIGN_ROLES: &[&str] = &[
    "CTO",
    "IT Manager",
    "Compliance Officer",
    "Head of IT",
    "Legal Counsel",
    "Data Protection Officer",
    "General Manager",
    "Regional IT Director (APAC)",
    "Information Security Manager",
];

const CHINESE_ROLES: &[&str] = &[
    "法务",
    "IT 经理",
    "信息安全负责人",
    "技术总监",
    "运维经理",
    "总经理助理",
    "合规专员",
    "CTO",
    "IT Manager",
];

const CLIENT_NOTES: &[&str] = &[
    "Prefers WeChat for quick questions; formal documents by e-mail.",
    "Group IT abroad approves every change: allow two extra weeks for rectification.",
    "Invoices go to the Hong Kong office.",
    "续期提醒请同时抄送法务部。",
    "Evaluation windows only in Q1 and Q3 (production freeze in Q4).",
    "Referred by the audit firm; first MLPS project for this client.",
    "客户希望等保测评与密评（商用密码应用安全性评估）同步进行。",
    "The local PSB cyber unit (网安大队) asked for paper copies of the filing forms.",
    "Annual framework contract; renewals are billed per network.",
];

const NETWORK_NOTES: &[&str] = &[
    "Pen test by the audit firm booked two weeks before the evaluation.",
    "Client wants the evaluation combined with the ISO 27001 surveillance audit.",
    "WAF and bastion host added during rectification.",
    "Logs must be kept 6 months: SIEM retention extended.",
    "Scope excludes the Hong Kong tenant.",
    "测评报告需提交属地公安网安部门。",
    "Vendor manages the servers; access via the client's bastion host only.",
];

const AUDIT_FIRMS: &[&str] = &[
    "华东信安测评技术有限公司",
    "Beijing Zhongxin Security Evaluation Co., Ltd.",
    "南方等保测评中心",
    "西部网络安全测评有限公司",
    "CyberAssure Evaluation (Shenzhen) Co., Ltd.",
];

/// Cloud providers and the MLPS level of their platform.
const CLOUDS: &[(&str, u8)] = &[
    ("Alibaba Cloud", 3),
    ("Tencent Cloud", 3),
    ("Huawei Cloud", 3),
    ("AWS China (Ningxia)", 3),
    ("Azure China (21Vianet)", 3),
    ("Alibaba Finance Cloud", 4),
];

// ---------------------------------------------------------------------------
// Network kinds.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Website,
    OnlineShop,
    MobileApp,
    Erp,
    Crm,
    DataWarehouse,
    IotFleet,
    PaymentGateway,
    Hr,
    CustomerPortal,
    PrivateCloud,
    Wiki,
    TestEnv,
    Mes,
    Oa,
    Mail,
    Community,
    NewsApp,
    CoreBanking,
    MobileBanking,
    His,
    Game,
    Learning,
    HdMap,
    RemoteSensing,
    GridDispatch,
    SmartMeter,
    Tms,
    ClinicalTrials,
}

impl Kind {
    fn names(self) -> (&'static str, &'static str) {
        use Kind::*;
        match self {
            Website => ("Corporate website", "官网"),
            OnlineShop => ("Online shop", "网上商城"),
            MobileApp => ("Mobile app backend", "App 后台"),
            Erp => ("ERP", "ERP 系统"),
            Crm => ("CRM", "客户关系管理系统"),
            DataWarehouse => ("Data warehouse", "数据仓库"),
            IotFleet => ("IoT fleet platform", "物联网车队平台"),
            PaymentGateway => ("Payment gateway", "支付网关"),
            Hr => ("HR system", "人力资源系统"),
            CustomerPortal => ("Customer portal", "客户门户"),
            PrivateCloud => ("Private cloud", "私有云平台"),
            Wiki => ("Internal wiki", "内部知识库"),
            TestEnv => ("Test environment", "测试环境"),
            Mes => ("Factory MES", "生产执行系统 MES"),
            Oa => ("Office automation (OA)", "OA 办公系统"),
            Mail => ("Mail system", "邮件系统"),
            Community => ("User community", "用户社区"),
            NewsApp => ("News app backend", "新闻客户端后台"),
            CoreBanking => ("Core banking system", "核心业务系统"),
            MobileBanking => ("Mobile banking", "手机银行"),
            His => ("Hospital information system", "医院信息系统 HIS"),
            Game => ("Game platform", "游戏平台"),
            Learning => ("Online learning platform", "在线学习平台"),
            HdMap => ("HD map platform", "高精地图平台"),
            RemoteSensing => ("Remote-sensing data archive", "遥感数据资源库"),
            GridDispatch => ("Grid dispatch control", "电网调度控制系统"),
            SmartMeter => ("Smart meter data collection", "智能电表采集系统"),
            Tms => ("Transport management system", "运输管理系统 TMS"),
            ClinicalTrials => ("Clinical trial data platform", "临床试验数据平台"),
        }
    }

    /// Whether it runs plant or grid equipment (kept off the public cloud).
    fn is_ot(self) -> bool {
        matches!(self, Kind::Mes | Kind::GridDispatch | Kind::SmartMeter)
    }
}

/// Kinds any company may run.
const GENERIC_KINDS: &[Kind] = &[
    Kind::Website,
    Kind::Erp,
    Kind::Crm,
    Kind::Hr,
    Kind::Oa,
    Kind::Mail,
    Kind::Wiki,
    Kind::TestEnv,
    Kind::CustomerPortal,
    Kind::MobileApp,
    Kind::DataWarehouse,
    Kind::PrivateCloud,
];

/// Kinds typical of a sector (drawn three times as often).
fn sector_kinds(sector: Sector, slug: &str) -> &'static [Kind] {
    use Kind::*;
    match sector {
        Sector::Finance if slug == BANK => &[CoreBanking, MobileBanking, PaymentGateway],
        Sector::Finance => &[PaymentGateway, MobileApp],
        Sector::Ecommerce => &[OnlineShop, PaymentGateway, MobileApp],
        Sector::Manufacturing if slug == "auto" => &[Mes, IotFleet, HdMap],
        Sector::Manufacturing => &[Mes, IotFleet],
        Sector::Transport => &[Tms, IotFleet],
        Sector::Healthcare => &[His, ClinicalTrials],
        Sector::Education => &[Learning, MobileApp],
        Sector::Gaming => &[Game, Community],
        Sector::Media => &[NewsApp, Community],
        Sector::Energy => &[SmartMeter, GridDispatch],
        Sector::Telecom => &[PrivateCloud, DataWarehouse],
        _ if slug == "geo" => &[RemoteSensing, HdMap],
        _ => &[OnlineShop, MobileApp, Community],
    }
}

/// Where a case stands. `Renewal(d)`: the case is done and the next renewal
/// falls `d` days from today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Sent,
    Received,
    Assessed,
    AuditFirm,
    ExpertReview,
    Filed,
    GapAnalysis,
    Rectified,
    Evaluated,
    Renewal(i64),
}

/// Something special about a showcase network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Extra {
    None,
    /// The kind's escalating override (level 4 or 5 by hand).
    Escalate,
    /// Filed at a level other than the computed one.
    Regrade,
}

struct FeaturedNetwork {
    kind: Kind,
    tier: u8,
    phase: Phase,
    extra: Extra,
}

struct Featured {
    name: &'static str,
    name_zh: &'static str,
    city: &'static str,
    sector: Sector,
    line_slug: &'static str,
    domain: &'static str,
    foreign: bool,
    notes: &'static str,
    networks: &'static [FeaturedNetwork],
}

const fn fnet(kind: Kind, tier: u8, phase: Phase, extra: Extra) -> FeaturedNetwork {
    FeaturedNetwork {
        kind,
        tier,
        phase,
        extra,
    }
}

/// Showcase clients, in the order they are added. Together they cover every
/// level 1-5, every milestone, overdue renewals, renewals due within 30 and
/// within 90 days, and a filed level that no longer matches.
const FEATURED: &[Featured] = &[
    Featured {
        name: "Shanghai Center Data Services Co., Ltd.",
        name_zh: "上海中心数据服务有限公司",
        city: "Shanghai",
        sector: Sector::Telecom,
        line_slug: "cloud",
        domain: "shcenter-data.example",
        foreign: false,
        notes: "Hosts several of our other clients' systems on its private cloud.",
        networks: &[
            fnet(Kind::PrivateCloud, 1, Phase::Renewal(15), Extra::None),
            fnet(Kind::Website, 0, Phase::Renewal(-25), Extra::None),
            fnet(Kind::Wiki, 0, Phase::Renewal(60), Extra::None),
        ],
    },
    Featured {
        name: "Woodgrove Bank (China) Co., Ltd.",
        name_zh: "伍德格罗夫银行（中国）有限公司",
        city: "Shanghai",
        sector: Sector::Finance,
        line_slug: BANK,
        domain: "woodgrove-bank.example",
        foreign: true,
        notes: "Group IT in Frankfurt approves every change: allow two extra weeks.",
        networks: &[
            fnet(Kind::CoreBanking, 2, Phase::Renewal(55), Extra::Escalate),
            fnet(Kind::MobileBanking, 1, Phase::Rectified, Extra::None),
            fnet(Kind::PaymentGateway, 1, Phase::ExpertReview, Extra::None),
        ],
    },
    Featured {
        name: "Chongqing Yuxin Commercial Bank Co., Ltd.",
        name_zh: "重庆渝信商业银行股份有限公司",
        city: "Chongqing",
        sector: Sector::Finance,
        line_slug: BANK,
        domain: "yuxin-bank.example",
        foreign: false,
        notes: "续期提醒请同时抄送法务部。",
        networks: &[
            fnet(Kind::CoreBanking, 1, Phase::Renewal(-40), Extra::None),
            fnet(Kind::MobileBanking, 2, Phase::Filed, Extra::None),
            fnet(Kind::CustomerPortal, 1, Phase::Renewal(200), Extra::Regrade),
        ],
    },
    Featured {
        name: "Chongqing Liangjiang Grid Operations Co., Ltd.",
        name_zh: "重庆两江电网运营有限公司",
        city: "Chongqing",
        sector: Sector::Energy,
        line_slug: "energy",
        domain: "liangjiang-grid.example",
        foreign: false,
        notes: "Specially controlled system: every document goes through the client's security office.",
        networks: &[
            fnet(Kind::GridDispatch, 2, Phase::Renewal(120), Extra::Escalate),
            fnet(Kind::SmartMeter, 1, Phase::GapAnalysis, Extra::None),
        ],
    },
    Featured {
        name: "Acme Trading (Shanghai) Co., Ltd.",
        name_zh: "阿克米贸易（上海）有限公司",
        city: "Shanghai",
        sector: Sector::Ecommerce,
        line_slug: "trading",
        domain: "acme-trading.example",
        foreign: true,
        notes: "",
        networks: &[
            fnet(Kind::OnlineShop, 2, Phase::Renewal(5), Extra::None),
            fnet(Kind::Erp, 0, Phase::Assessed, Extra::None),
            fnet(Kind::Crm, 0, Phase::AuditFirm, Extra::None),
        ],
    },
    Featured {
        name: "Northwind Automotive Parts (Suzhou) Co., Ltd.",
        name_zh: "诺斯温德汽车零部件（苏州）有限公司",
        city: "Suzhou",
        sector: Sector::Manufacturing,
        line_slug: "auto",
        domain: "northwind-auto.example",
        foreign: true,
        notes: "Evaluation windows only in Q1 and Q3 (production freeze in Q4).",
        networks: &[
            fnet(Kind::HdMap, 1, Phase::Renewal(-10), Extra::Escalate),
            fnet(Kind::Mes, 0, Phase::Sent, Extra::None),
            fnet(Kind::IotFleet, 0, Phase::Received, Extra::None),
        ],
    },
    Featured {
        name: "Hangzhou Yunfan Education Technology Co., Ltd.",
        name_zh: "杭州云帆教育科技有限公司",
        city: "Hangzhou",
        sector: Sector::Education,
        line_slug: "edu",
        domain: "yunfan-edu.example",
        foreign: false,
        notes: "",
        networks: &[
            fnet(Kind::Learning, 1, Phase::Evaluated, Extra::None),
            fnet(Kind::Hr, 0, Phase::Renewal(45), Extra::None),
        ],
    },
    Featured {
        name: "Hoshino Medical Devices (Beijing) Co., Ltd.",
        name_zh: "星野医疗器械（北京）有限公司",
        city: "Beijing",
        sector: Sector::Healthcare,
        line_slug: "medical",
        domain: "hoshino-medical.example",
        foreign: true,
        notes: "Human genetic resources rules apply to the trial data; legal reviews every export.",
        networks: &[
            fnet(Kind::ClinicalTrials, 1, Phase::Assessed, Extra::None),
            fnet(Kind::Hr, 0, Phase::Renewal(-5), Extra::None),
            fnet(Kind::TestEnv, 0, Phase::Renewal(20), Extra::None),
        ],
    },
];

// ---------------------------------------------------------------------------
// The generator.

/// FNV-1a: unit fields derived from a company's names, so that they take
/// nothing from the random sequence the rest of the demo data comes from.
fn name_hash(company: &Company) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in company.name.bytes().chain(company.name_zh.bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A well-formed unified social credit code: an enterprise (91)
/// registered in the company's district, with its check character.
fn credit_code(company: &Company) -> String {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut h = name_hash(company);
    let mut code = format!("91{}", CITIES[company.city].code);
    for _ in 0..9 {
        code.push(CHARS[(h % 31) as usize] as char);
        h /= 31;
    }
    let check = crate::domain::model::credit_code_check(&code).expect("17 code characters");
    code.push(check);
    code
}

fn address(company: &Company) -> String {
    const ROADS: &[&str] = &[
        "世纪大道",
        "人民路",
        "中山路",
        "建国路",
        "科技园路",
        "长江路",
    ];
    let h = name_hash(company) >> 20;
    let city = CITIES[company.city].zh;
    format!(
        "{city}{}{}{}号",
        if city.ends_with('市') { "" } else { "市" },
        ROADS[(h % ROADS.len() as u64) as usize],
        1 + (h / 8) % 999
    )
}

struct Company {
    name: String,
    name_zh: String,
    city: usize,
    sector: Sector,
    slug: &'static str,
    domain: String,
    foreign: bool,
}

struct Gen {
    rng: Rng,
    today: NaiveDate,
    intervals: Intervals,
    rules: RuleSet,
    /// English and Chinese client names taken so far.
    used_names: HashSet<String>,
}

impl Gen {
    fn featured(&mut self, f: &Featured) -> ClientDoc {
        let company = Company {
            name: f.name.to_string(),
            name_zh: f.name_zh.to_string(),
            city: city(f.city),
            sector: f.sector,
            slug: f.line_slug,
            domain: f.domain.to_string(),
            foreign: f.foreign,
        };
        let contacts = self.contacts(&company);
        let networks = f
            .networks
            .iter()
            .enumerate()
            .map(|(i, n)| self.network(&company, i, n.kind, n.tier, n.phase, n.extra))
            .collect();
        let (credit_code, address) = (credit_code(&company), address(&company));
        ClientDoc {
            id: None,
            name: company.name,
            name_zh: company.name_zh,
            region: CITIES[company.city].en.to_string(),
            credit_code,
            address,
            contacts,
            notes: f.notes.to_string(),
            networks,
        }
    }

    fn random_client(&mut self, max_networks: u64) -> ClientDoc {
        let company = self.company();
        let contacts = self.contacts(&company);
        let notes = if self.rng.chance(30) {
            self.rng.pick(CLIENT_NOTES).to_string()
        } else {
            String::new()
        };
        let count = self.rng.range(1, max_networks) as usize;
        let kinds = self.pick_kinds(&company, count);
        let networks = kinds
            .into_iter()
            .enumerate()
            .map(|(i, kind)| {
                let tier = self.rng.weighted(&[35, 40, 25]) as u8;
                let phase = self.random_phase();
                let extra = if self.rng.chance(6) {
                    Extra::Regrade
                } else {
                    Extra::None
                };
                self.network(&company, i, kind, tier, phase, extra)
            })
            .collect();
        let (credit_code, address) = (credit_code(&company), address(&company));
        ClientDoc {
            id: None,
            name: company.name,
            name_zh: company.name_zh,
            region: CITIES[company.city].en.to_string(),
            credit_code,
            address,
            contacts,
            notes,
            networks,
        }
    }

    /// A new company whose English and Chinese names are both unused.
    fn company(&mut self) -> Company {
        let city_weights: Vec<u64> = CITIES.iter().map(|c| c.weight).collect();
        let line_weights: Vec<u64> = LINES.iter().map(|l| l.weight).collect();
        // A few fresh draws; then a branch of the last one in another city;
        // then a numbered branch.
        let mut attempt = 0;
        let (c, line, foreign, en, zh, domain) = loop {
            let c = self.rng.weighted(&city_weights);
            let line = &LINES[self.rng.weighted(&line_weights)];
            let foreign = self.rng.chance(55);
            let (en, zh, domain) = self.base_name(foreign, line, c);
            attempt += 1;
            if self.is_free(&en, &zh) {
                return self.take(en, zh, domain, c, line, foreign);
            }
            if attempt == 4 {
                break (c, line, foreign, en, zh, domain);
            }
        };
        let branch_word = if line.slug == BANK {
            "分行"
        } else {
            "分公司"
        };
        for _ in 0..6 {
            let b = self.rng.below(CITIES.len() as u64) as usize;
            if b == c {
                continue;
            }
            let bname = format!("{en} {} Branch", CITIES[b].en);
            let bzh = format!("{zh}{}{branch_word}", CITIES[b].zh);
            if self.is_free(&bname, &bzh) {
                return self.take(bname, bzh, domain, b, line, foreign);
            }
        }
        let mut k = 2;
        loop {
            let bname = format!("{en} Branch No. {k}");
            let bzh = format!("{zh}第{k}{branch_word}");
            if self.is_free(&bname, &bzh) {
                return self.take(bname, bzh, domain, c, line, foreign);
            }
            k += 1;
        }
    }

    /// Records the names as used and makes the company.
    fn take(
        &mut self,
        name: String,
        name_zh: String,
        domain: String,
        city: usize,
        line: &Line,
        foreign: bool,
    ) -> Company {
        self.used_names.insert(name.clone());
        self.used_names.insert(name_zh.clone());
        Company {
            name,
            name_zh,
            city,
            sector: line.sector,
            slug: line.slug,
            domain,
            foreign,
        }
    }

    fn is_free(&self, en: &str, zh: &str) -> bool {
        !self.used_names.contains(en) && !self.used_names.contains(zh)
    }

    /// English name, Chinese name and mail domain of a company.
    fn base_name(&mut self, foreign: bool, line: &Line, c: usize) -> (String, String, String) {
        let city = &CITIES[c];
        if foreign {
            let (brand, brand_zh) = *self.rng.pick(FOREIGN_BRANDS);
            let domain = format!("{}-{}.example", brand.to_lowercase(), line.slug);
            if line.slug == BANK {
                (
                    format!("{brand} Bank (China) Co., Ltd."),
                    format!("{brand_zh}银行（中国）有限公司"),
                    domain,
                )
            } else {
                (
                    format!("{brand} {} ({}) Co., Ltd.", line.en, city.en),
                    format!("{brand_zh}{}（{}）有限公司", line.zh, city.zh),
                    domain,
                )
            }
        } else {
            let (brand_zh, brand) = *self.rng.pick(CHINESE_BRANDS);
            let domain = format!("{}-{}.example", brand.to_lowercase(), line.slug);
            if line.slug == BANK {
                (
                    format!("{} {brand} Commercial Bank Co., Ltd.", city.en),
                    format!("{}{brand_zh}商业银行股份有限公司", city.zh),
                    domain,
                )
            } else {
                (
                    format!("{} {brand} {} Co., Ltd.", city.en, line.en),
                    format!("{}{brand_zh}{}有限公司", city.zh, line.zh),
                    domain,
                )
            }
        }
    }

    /// One to three people at the client.
    fn contacts(&mut self, company: &Company) -> Vec<Contact> {
        let count = 1 + self.rng.weighted(&[40, 40, 20]);
        let mut out: Vec<Contact> = Vec::with_capacity(count);
        let mut emails = HashSet::new();
        for _ in 0..count {
            let western = company.foreign && self.rng.chance(40);
            let (name, user) = if western {
                let first = *self.rng.pick(WESTERN_FIRST);
                let last = *self.rng.pick(WESTERN_LAST);
                (
                    format!("{first} {last}"),
                    format!("{}.{}", first.to_lowercase(), last.to_lowercase()),
                )
            } else {
                let (sur_zh, sur) = *self.rng.pick(SURNAMES);
                let (given_zh, given) = *self.rng.pick(GIVEN_NAMES);
                let user = format!("{}.{}", sur.to_lowercase(), given.to_lowercase());
                let name = match (company.foreign, self.rng.below(3)) {
                    (true, 0) => format!("{given} {sur}"),
                    (true, 1) => format!("{sur} {given} ({sur_zh}{given_zh})"),
                    (true, _) => format!("{sur} {given}"),
                    (false, 0) => format!("{sur} {given}"),
                    (false, _) => format!("{sur_zh}{given_zh}"),
                };
                (name, user)
            };
            if !emails.insert(user.clone()) {
                continue;
            }
            let roles = if company.foreign {
                FOREIGN_ROLES
            } else {
                CHINESE_ROLES
            };
            let role = self.rng.pick(roles).to_string();
            let email = if self.rng.chance(92) {
                format!("{user}@{}", company.domain)
            } else {
                String::new()
            };
            let phone = match self.rng.below(10) {
                0 => String::new(),
                1..=3 => format!(
                    "+86 1{} 5555 {:04}",
                    self.rng.pick(&["38", "39", "86", "37", "58"]),
                    self.rng.below(10_000)
                ),
                _ => format!(
                    "+86 {} 5555 {:04}",
                    CITIES[company.city].area,
                    self.rng.below(10_000)
                ),
            };
            out.push(Contact {
                name,
                role,
                email,
                phone,
            });
        }
        out
    }

    /// `count` different kinds for a company, its sector's kinds favoured.
    fn pick_kinds(&mut self, company: &Company, count: usize) -> Vec<Kind> {
        let mut pool: Vec<(Kind, u64)> = Vec::with_capacity(20);
        for &k in sector_kinds(company.sector, company.slug) {
            pool.push((k, 3));
        }
        for &k in GENERIC_KINDS {
            if !pool.iter().any(|(p, _)| *p == k) {
                pool.push((k, 1));
            }
        }
        let mut out = Vec::with_capacity(count);
        while out.len() < count && !pool.is_empty() {
            let weights: Vec<u64> = pool.iter().map(|(_, w)| *w).collect();
            let i = self.rng.weighted(&weights);
            out.push(pool.remove(i).0);
        }
        out
    }

    fn random_phase(&mut self) -> Phase {
        const PHASES: &[Phase] = &[
            Phase::Sent,
            Phase::Received,
            Phase::Assessed,
            Phase::AuditFirm,
            Phase::ExpertReview,
            Phase::Filed,
            Phase::GapAnalysis,
            Phase::Rectified,
            Phase::Evaluated,
        ];
        if self.rng.chance(58) {
            // Filled in once the level, and so the renewal period, is known.
            Phase::Renewal(i64::MIN)
        } else {
            *self.rng.pick(PHASES)
        }
    }

    /// Days from today to the next renewal: overdue, due within 30 days,
    /// within 90 days, or later in a period of `months`.
    fn renewal_offset(&mut self, months: u32) -> i64 {
        let period = i64::from(months) * 30;
        match self.rng.weighted(&[15, 20, 20, 45]) {
            0 => self.rng.days(-120, -1),
            1 => self.rng.days(0, 30),
            2 => self.rng.days(31, 90),
            _ => self.rng.days(91, (period - 10).max(91)),
        }
    }

    fn network(
        &mut self,
        company: &Company,
        index: usize,
        kind: Kind,
        tier: u8,
        phase: Phase,
        extra: Extra,
    ) -> NetworkDoc {
        let (en, zh) = kind.names();
        // Both languages, unless the Chinese name already carries the
        // English acronym ("ERP 系统").
        let both = if zh.chars().any(|c| c.is_ascii_alphabetic()) {
            zh.to_string()
        } else {
            format!("{en} {zh}")
        };
        let name = if company.foreign {
            if self.rng.chance(15) {
                both
            } else {
                en.to_string()
            }
        } else {
            match self.rng.below(10) {
                0..=5 => zh.to_string(),
                6..=7 => both,
                _ => en.to_string(),
            }
        };
        let mut answers = self.answers(company, kind, tier);
        let overrides = self.overrides(kind, tier, extra);
        let computed = grading::level(&answers, &overrides, self.rules);

        // Leave some questions open, as long as that keeps the level.
        let mut open = None;
        for (q, percent) in [
            (QuestionId::Cii, 20),
            (QuestionId::SensitivePiSubjects, 10),
            (QuestionId::RegisteredUsers, 15),
            (QuestionId::OutageAffectedPeople, 10),
            (QuestionId::CloudProviderLevel, 15),
            (QuestionId::CrossBorderTransfer, 10),
            (QuestionId::Sector, 5),
        ] {
            if self.rng.chance(percent) && answers.is_answered(q) {
                open.get_or_insert_with(|| answers.clone()).clear(q);
            }
        }
        if let Some(open) = open
            && grading::level(&open, &overrides, self.rules) == computed
        {
            answers = open;
        }

        // Before the answers come back only the kick-off facts are known.
        let computed = if phase == Phase::Sent {
            answers = Answers {
                object_type: answers.object_type,
                sector: answers.sector,
                deployment: answers.deployment,
                ..Answers::default()
            };
            grading::level(&answers, &overrides, self.rules)
        } else {
            computed
        };

        let certified = matches!(phase, Phase::Renewal(_));
        let filed = match extra {
            Extra::Regrade if certified => Some(Gen::regraded(computed)),
            _ => None,
        };
        let current = filed.unwrap_or(computed);
        let phase = match phase {
            Phase::Renewal(i64::MIN) => {
                Phase::Renewal(self.renewal_offset(self.intervals.renewal_months(current)))
            }
            // Level 1 skips the audit firm, expert review and filing.
            Phase::AuditFirm
            | Phase::ExpertReview
            | Phase::Filed
            | Phase::GapAnalysis
            | Phase::Rectified
            | Phase::Evaluated
                if current == Level::L1 =>
            {
                Phase::Assessed
            }
            p => p,
        };
        let city = &CITIES[company.city];
        let mut milestones = self.milestones(current, phase, city, index);
        let has_certificate = milestones
            .iter()
            .any(|m| m.stage == Stage::CertificateIssued);
        let filed_level = match filed {
            Some(f) => Some(f),
            None if has_certificate && current >= Level::L2 => Some(current),
            None => None,
        };
        // Each filing records the level it filed, which the certificate
        // confirms.
        for m in milestones.iter_mut().filter(|m| m.stage.is_filing()) {
            m.level = filed_level;
        }

        let mut notes = String::new();
        if filed.is_some() {
            notes = if computed > current {
                "Grown since the filing (more users and data): the computed level is now higher, so the level must be re-confirmed and re-filed.".to_string()
            } else {
                "Scope reduced since the filing (personal data moved to the group platform): re-confirm the level with the expert panel."
                    .to_string()
            };
        } else if self.rng.chance(20) {
            notes = self.rng.pick(NETWORK_NOTES).to_string();
        }
        NetworkDoc {
            id: None,
            name,
            notes,
            answers,
            overrides,
            filed_level,
            milestones,
            gap_extensions: None,
            findings: Vec::new(),
        }
    }

    /// A filed level that no longer matches the computed one: mostly a
    /// network that has grown since it was filed, now and then one whose
    /// scope shrank.
    fn regraded(computed: Level) -> Level {
        let filed = match computed.get() {
            1 => 2,
            2 => 3,
            n => n - 1,
        };
        Level::new(filed).expect("a level from 2 to 5")
    }

    fn overrides(&mut self, kind: Kind, tier: u8, extra: Extra) -> Overrides {
        let hand = |object, degree, justification: &str| {
            Some(HarmOverride {
                object,
                degree,
                justification: justification.to_string(),
            })
        };
        let mut o = Overrides::default();
        let escalate = extra == Extra::Escalate
            || (extra == Extra::None && matches!(kind, Kind::GridDispatch))
            || (extra == Extra::None
                && kind == Kind::CoreBanking
                && tier == 2
                && self.rng.chance(15));
        match kind {
            Kind::CoreBanking if escalate => {
                o.system_service = hand(
                    HarmedObject::SocialOrder,
                    Degree::ParticularlySerious,
                    "Settles interbank payments for the whole region: an outage stops salary and merchant \
                     payments for millions of people (confirmed at the expert review).",
                );
            }
            Kind::GridDispatch if escalate && tier == 2 => {
                o.system_service = hand(
                    HarmedObject::NationalSecurity,
                    Degree::ParticularlySerious,
                    "Dispatches the municipal power grid: a disruption could black out the city and its \
                     defence industry. The expert panel and the PSB agree on level 5.",
                );
            }
            Kind::GridDispatch if escalate => {
                o.system_service = hand(
                    HarmedObject::SocialOrder,
                    Degree::ParticularlySerious,
                    "Dispatches the district grid: an outage cuts power to hospitals and water works.",
                );
            }
            Kind::HdMap if escalate => {
                o.business_information = hand(
                    HarmedObject::NationalSecurity,
                    Degree::Serious,
                    "Survey-grade map data near restricted areas: the provincial surveying bureau classes a \
                     leak as serious harm to national security.",
                );
            }
            _ if self.rng.chance(6) => match kind {
                Kind::Website | Kind::CustomerPortal => {
                    o.business_information = hand(
                        HarmedObject::Citizens,
                        Degree::General,
                        "The contact form keeps names and phone numbers for 30 days only; no accounts.",
                    );
                }
                Kind::IotFleet | Kind::Tms => {
                    o.system_service = hand(
                        HarmedObject::SocialOrder,
                        Degree::General,
                        "Cold-chain trucks: an outage can spoil vaccine shipments for several provinces.",
                    );
                }
                Kind::Crm => {
                    o.business_information = hand(
                        HarmedObject::Citizens,
                        Degree::Serious,
                        "Business contacts of corporate customers only; no consumer data.",
                    );
                }
                Kind::Community | Kind::NewsApp => {
                    o.system_service = hand(
                        HarmedObject::SocialOrder,
                        Degree::Serious,
                        "Registered with the CAC as a service with public-opinion attributes.",
                    );
                }
                _ => {}
            },
            _ => {}
        }
        o
    }

    /// Questionnaire answers consistent with the kind; `tier` 0-2 is the
    /// scale (small, large, very large).
    fn answers(&mut self, company: &Company, kind: Kind, tier: u8) -> Answers {
        use DataCategory::*;
        use Kind::*;
        let cats = |list: &[DataCategory]| Some(list.iter().copied().collect::<BTreeSet<_>>());
        let r = &mut self.rng;
        // People with personal information, by tier: S5, S4 and S3 scale.
        let people = |r: &mut Rng| match tier {
            0 => r.range(2, 90) * 500,
            1 => r.range(15, 90) * 10_000,
            _ => r.range(12, 80) * 100_000,
        };
        let mut a = Answers {
            sector: Some(company.sector),
            cii: Some(false),
            public_facing: Some(false),
            public_opinion: Some(false),
            ..Answers::default()
        };
        match kind {
            Website => {
                a.object_type = Some(ObjectType::Website);
                a.data_categories = if tier == 0 {
                    cats(&[Business])
                } else {
                    cats(&[Business, Personal])
                };
                a.pi_subjects = Some(if tier == 0 { 0 } else { r.range(3, 200) * 100 });
                a.public_facing = Some(true);
                a.outage_affected_people = Some(r.range(1, 20) * 1000);
            }
            OnlineShop | MobileApp | Learning | Game => {
                a.object_type = Some(match kind {
                    OnlineShop => ObjectType::Website,
                    Learning if r.chance(50) => ObjectType::Website,
                    _ => ObjectType::MobileAppBackend,
                });
                a.data_categories = match kind {
                    OnlineShop => cats(&[Business, Personal, Payment]),
                    MobileApp => cats(&[Personal, SensitivePersonal]),
                    Learning => cats(&[Personal, Minors]),
                    _ => cats(&[Personal, Payment, Minors]),
                };
                if kind == Learning {
                    a.sector = Some(Sector::Education);
                } else if kind == Game {
                    a.sector = Some(Sector::Gaming);
                }
                let pi = people(r);
                a.pi_subjects = Some(pi);
                a.sensitive_pi_subjects = Some(pi * r.range(5, 15) / 100);
                a.registered_users = Some(pi + pi * r.range(5, 40) / 100);
                a.public_facing = Some(true);
                a.public_opinion = Some(kind == Game && tier == 2 && r.chance(50));
                a.outage_affected_people = Some(pi * r.range(5, 30) / 100);
            }
            Erp | Oa | Mail | Hr | Tms => {
                a.object_type = Some(ObjectType::InformationSystem);
                let staff = if tier == 2 {
                    r.range(60, 400) * 50
                } else {
                    r.range(2, 60) * 50
                };
                a.data_categories = match kind {
                    Erp if tier == 0 => cats(&[Business]),
                    Hr => cats(&[Personal, SensitivePersonal, Health]),
                    _ => cats(&[Business, Personal]),
                };
                a.pi_subjects = Some(match kind {
                    Erp if tier == 0 => 0,
                    Tms => r.range(2, 80) * 1000,
                    _ => staff,
                });
                if kind == Hr {
                    a.sensitive_pi_subjects = Some(staff);
                }
                a.outage_affected_people = Some(staff);
            }
            Crm | CustomerPortal => {
                a.object_type = Some(if kind == Crm {
                    ObjectType::InformationSystem
                } else {
                    ObjectType::Website
                });
                a.data_categories = cats(&[Business, Personal]);
                a.pi_subjects = Some(people(r));
                a.public_facing = Some(kind == CustomerPortal);
                a.registered_users = a.pi_subjects.filter(|_| kind == CustomerPortal);
                a.outage_affected_people = Some(r.range(1, 50) * 1000);
            }
            DataWarehouse => {
                a.object_type = Some(ObjectType::BigData);
                a.data_categories = match tier {
                    0 => cats(&[Business]),
                    1 => cats(&[Business, Personal]),
                    _ => cats(&[Business, Personal, Important]),
                };
                a.pi_subjects = Some(if tier == 0 { 0 } else { people(r) });
                a.hosted_max_level = Some(0);
            }
            IotFleet | SmartMeter => {
                a.object_type = Some(ObjectType::Iot);
                a.data_categories = cats(&[Business, Personal]);
                a.pi_subjects = Some(if kind == SmartMeter {
                    people(r)
                } else {
                    r.range(1, 60) * 500
                });
                a.outage_affected_people = Some(match tier {
                    0 => r.range(1, 50) * 1000,
                    1 => r.range(12, 80) * 10_000,
                    _ => r.range(12, 40) * 100_000,
                });
                if kind == SmartMeter {
                    a.sector = Some(Sector::Energy);
                    a.cii = None;
                }
            }
            PaymentGateway | MobileBanking => {
                a.object_type = Some(if kind == PaymentGateway {
                    ObjectType::InformationSystem
                } else {
                    ObjectType::MobileAppBackend
                });
                a.sector = Some(Sector::Finance);
                a.data_categories = cats(&[Personal, SensitivePersonal, Payment]);
                let pi = r.range(2, 60) * 100_000 * (u64::from(tier) + 1);
                a.pi_subjects = Some(pi);
                a.sensitive_pi_subjects = Some(pi * r.range(20, 60) / 100);
                a.registered_users = Some(pi);
                a.public_facing = Some(true);
                a.outage_affected_people = Some(pi / 5);
            }
            PrivateCloud => {
                a.object_type = Some(ObjectType::CloudPlatform);
                a.data_categories = cats(&[Business, Personal]);
                a.pi_subjects = Some(r.range(2, 100) * 500);
                a.hosted_max_level = Some(if tier == 0 { 2 } else { 3 });
                a.outage_affected_people = Some(r.range(1, 9) * 10_000);
            }
            Wiki | TestEnv => {
                a.object_type = Some(ObjectType::InformationSystem);
                a.data_categories = cats(&[Business]);
                a.pi_subjects = Some(0);
                a.outage_affected_people = Some(r.range(1, 40) * 50);
            }
            Mes => {
                a.object_type = Some(ObjectType::IndustrialControl);
                a.sector = Some(Sector::Manufacturing);
                if tier == 2 {
                    a.data_categories = cats(&[Business, Personal]);
                    a.pi_subjects = Some(r.range(3, 30) * 100);
                } else {
                    a.data_categories = cats(&[Business]);
                    a.pi_subjects = Some(0);
                }
                a.outage_affected_people = Some(r.range(1, 30) * 100);
            }
            Community | NewsApp => {
                a.object_type = Some(if kind == Community {
                    ObjectType::Website
                } else {
                    ObjectType::MobileAppBackend
                });
                a.data_categories = cats(&[Personal]);
                let pi = people(r);
                a.pi_subjects = Some(pi);
                a.registered_users = Some(pi);
                a.public_facing = Some(true);
                a.public_opinion = Some(true);
                a.outage_affected_people = Some(pi / 3);
            }
            CoreBanking => {
                a.object_type = Some(ObjectType::InformationSystem);
                a.sector = Some(Sector::Finance);
                a.cii = Some(tier >= 1);
                a.data_categories =
                    cats(&[Business, Personal, SensitivePersonal, Payment, Important]);
                let pi = r.range(8, 120) * 100_000;
                a.pi_subjects = Some(pi);
                a.sensitive_pi_subjects = Some(pi / 2);
                a.outage_affected_people = Some(pi);
            }
            His | ClinicalTrials => {
                a.sector = Some(Sector::Healthcare);
                if kind == His {
                    a.object_type = Some(ObjectType::InformationSystem);
                    a.data_categories = cats(&[Personal, SensitivePersonal, Health]);
                    let pi = people(r);
                    a.pi_subjects = Some(pi);
                    a.sensitive_pi_subjects = Some(pi);
                    a.outage_affected_people = Some(pi / 10);
                } else {
                    a.object_type = Some(ObjectType::DataResource);
                    a.data_categories = cats(&[SensitivePersonal, Health, Important]);
                    let pi = r.range(4, 120) * 500;
                    a.pi_subjects = Some(pi);
                    a.sensitive_pi_subjects = Some(pi);
                }
            }
            HdMap | RemoteSensing => {
                a.object_type = Some(ObjectType::DataResource);
                a.data_categories = if kind == RemoteSensing && tier == 2 {
                    cats(&[Business, Core])
                } else {
                    cats(&[Business, Important])
                };
                a.pi_subjects = Some(0);
            }
            GridDispatch => {
                a.object_type = Some(ObjectType::IndustrialControl);
                a.sector = Some(Sector::Energy);
                a.cii = Some(true);
                a.data_categories = cats(&[Business, Important]);
                a.pi_subjects = Some(0);
                a.outage_affected_people = Some(r.range(30, 150) * 100_000);
            }
        }

        // Where it runs.
        let on_premises_only = kind.is_ot()
            || matches!(
                kind,
                PrivateCloud | CoreBanking | GridDispatch | RemoteSensing
            );
        let deployment = if on_premises_only {
            Deployment::OnPremises
        } else {
            [
                Deployment::Cloud,
                Deployment::Cloud,
                Deployment::Hybrid,
                Deployment::OnPremises,
            ][r.below(4) as usize]
        };
        a.deployment = Some(deployment);
        if deployment != Deployment::OnPremises {
            let (provider, level) = *r.pick(CLOUDS);
            a.cloud_provider = Some(provider.to_string());
            a.cloud_provider_level = Some(level);
        }
        a.cross_border_transfer = Some(if company.foreign {
            r.chance(25)
        } else {
            r.chance(3)
        });
        if r.chance(40) {
            a.architecture_notes =
                Some(architecture(kind, deployment, a.cloud_provider.as_deref()).to_string());
        }
        a
    }

    /// The dated milestones of a case at `phase`, at level `level`.
    fn milestones(
        &mut self,
        level: Level,
        phase: Phase,
        city: &City,
        index: usize,
    ) -> Vec<Milestone> {
        use Stage::*;
        let path: &[Stage] = if level == Level::L1 {
            &[
                QuestionnaireSent,
                QuestionnaireReceived,
                InitialAssessment,
                SelfAssessment,
            ]
        } else {
            &[
                QuestionnaireSent,
                QuestionnaireReceived,
                InitialAssessment,
                AuditFirmSelected,
                ExpertReview,
                FilingSubmitted,
                GapAnalysis,
                RectificationDone,
                EvaluationPassed,
            ]
        };
        let today = self.today;
        let mut out = Vec::new();
        match phase {
            Phase::Renewal(days_left) => {
                let months = self.intervals.renewal_months(level);
                let due = offset(today, days_left);
                // The last anchoring milestone, then the earlier cycles.
                let mut last = sub_months(due, months);
                // Month-end clamping can land a day or two short.
                while add_months(last, months) < due {
                    last = add_days(last, 1);
                }
                let mut anchors = vec![last.min(today)];
                let cycles = match level.get() {
                    1 => self.rng.range(0, 3),
                    2 => self.rng.range(0, 1),
                    3 => self.rng.range(0, 2),
                    _ => self.rng.range(0, 3),
                };
                for _ in 0..cycles {
                    let later = *anchors.last().expect("one anchor");
                    let earlier = offset(sub_months(later, months), -self.rng.days(-10, 20));
                    anchors.push(earlier);
                }
                anchors.reverse();
                for (stage, date) in self.case_dates(path, anchors[0]) {
                    out.push(self.milestone(stage, date, city, index));
                }
                for &anchor in &anchors[1..] {
                    if level >= Level::L2 && self.rng.chance(60) {
                        let gap = offset(anchor, -self.rng.days(30, 50));
                        out.push(self.milestone(GapAnalysis, gap, city, index));
                        if self.rng.chance(50) {
                            let fixed = offset(anchor, -self.rng.days(7, 20));
                            out.push(self.milestone(RectificationDone, fixed, city, index));
                        }
                    }
                    let stage = if level == Level::L1 {
                        SelfAssessment
                    } else {
                        EvaluationPassed
                    };
                    out.push(self.milestone(stage, anchor, city, index));
                }
                // Now and then an evaluation fails and passes on a second
                // attempt weeks later. Decided by position, not by the random
                // sequence, so the rest of the data stays as it was.
                if level >= Level::L2 {
                    for (i, &anchor) in anchors.iter().enumerate() {
                        if (index + i) % 5 == 2 {
                            let before = 21 + (index % 15) as i64;
                            out.push(failed_evaluation(offset(anchor, -before), index));
                        }
                    }
                }
            }
            _ => {
                let (last, recent) = match phase {
                    Phase::Sent => (QuestionnaireSent, (0, 10)),
                    Phase::Received => (QuestionnaireReceived, (0, 14)),
                    Phase::Assessed => (InitialAssessment, (2, 30)),
                    Phase::AuditFirm => (AuditFirmSelected, (2, 25)),
                    // Inside the filing deadline.
                    Phase::ExpertReview => (ExpertReview, (0, 8)),
                    // Awaiting the certificate.
                    Phase::Filed => (FilingSubmitted, (0, 12)),
                    Phase::GapAnalysis => (GapAnalysis, (3, 30)),
                    Phase::Rectified => (RectificationDone, (3, 20)),
                    _ => (EvaluationPassed, (0, 10)),
                };
                let k = path
                    .iter()
                    .position(|s| *s == last)
                    .unwrap_or(path.len() - 1);
                let end = offset(today, -self.rng.days(recent.0, recent.1));
                for (stage, date) in self.case_dates(&path[..=k], end) {
                    out.push(self.milestone(stage, date, city, index));
                }
            }
        }
        // The bureau issues the certificate about ten working days after
        // the filing; now and then it is late.
        let awaiting = matches!(phase, Phase::Filed);
        if let Some(filed) = out
            .iter()
            .find(|m| m.stage == FilingSubmitted)
            .map(|m| m.date)
            && !awaiting
        {
            let days = if self.rng.chance(10) {
                self.rng.range(16, 30)
            } else {
                self.rng.range(5, 14)
            };
            out.push(self.milestone(CertificateIssued, add_days(filed, days as u32), city, index));
        }
        out.retain(|m| m.date <= today);
        out.sort_by_key(|m| m.date);
        out
    }

    /// Dates for `path`, the last one on `end`, with realistic gaps.
    fn case_dates(&mut self, path: &[Stage], end: NaiveDate) -> Vec<(Stage, NaiveDate)> {
        let gaps: Vec<i64> = path
            .iter()
            .skip(1)
            .map(|s| match s {
                Stage::QuestionnaireReceived => self.rng.days(7, 24),
                Stage::InitialAssessment => self.rng.days(5, 16),
                Stage::SelfAssessment => self.rng.days(14, 40),
                Stage::AuditFirmSelected => self.rng.days(7, 21),
                Stage::ExpertReview => self.rng.days(14, 35),
                // Usually inside the 10 working days; now and then late.
                Stage::FilingSubmitted if self.rng.chance(10) => self.rng.days(15, 25),
                Stage::FilingSubmitted => self.rng.days(3, 12),
                Stage::GapAnalysis => self.rng.days(7, 21),
                Stage::RectificationDone => self.rng.days(28, 84),
                Stage::EvaluationPassed => self.rng.days(14, 35),
                _ => self.rng.days(7, 21),
            })
            .collect();
        let mut date = offset(end, -gaps.iter().sum::<i64>());
        let mut out = Vec::with_capacity(path.len());
        out.push((path[0], date));
        for (stage, gap) in path.iter().skip(1).zip(gaps) {
            date = add_days(date, gap as u32);
            out.push((*stage, date));
        }
        out
    }

    fn milestone(&mut self, stage: Stage, date: NaiveDate, city: &City, index: usize) -> Milestone {
        let mut m = Milestone::new(stage, date);
        match stage {
            Stage::EvaluationPassed => {
                let score = self.rng.range(700, 985) as f64 / 10.0;
                let medium = if score >= 90.0 {
                    self.rng.range(0, 2) as u32
                } else {
                    self.rng.range(0, 8) as u32
                };
                m.score = Some(score);
                m.high_risks = Some(0);
                m.medium_risks = Some(medium);
                m.conclusion = Some(Conclusion::from_score(score, 0, medium));
            }
            Stage::CertificateIssued => {
                m.number = Some(format!(
                    "{}{:05}-{:05}",
                    city.code,
                    self.rng.range(10_000, 99_999),
                    index + 1
                ));
            }
            Stage::AuditFirmSelected => {
                m.note = format!("Evaluation body: {}", self.rng.pick(AUDIT_FIRMS))
            }
            Stage::GapAnalysis if self.rng.chance(60) => {
                m.note = format!(
                    "{} gaps, {} high: mostly logging, access control and backups.",
                    self.rng.range(8, 45),
                    self.rng.range(0, 6)
                );
            }
            Stage::SelfAssessment if self.rng.chance(30) => {
                m.note = "自查完成，无重大问题。".to_string()
            }
            Stage::ExpertReview if self.rng.chance(30) => {
                m.note = "Expert panel confirmed the proposed level.".to_string()
            }
            _ => {}
        }
        m
    }
}

fn architecture(kind: Kind, deployment: Deployment, provider: Option<&str>) -> String {
    if kind.is_ot() {
        return "Isolated OT network; one-way gateway to the office LAN; vendor access via bastion host.".into();
    }
    match (deployment, provider) {
        (Deployment::Cloud, Some(p)) => format!("Kubernetes on {p}; managed database; CDN and WAF in front."),
        (Deployment::Hybrid, Some(p)) => {
            format!("Web tier on {p}; database in the client's data centre over a dedicated line.")
        }
        _ => "Internet → firewall → load balancer → app servers → database; admin access via bastion host.".into(),
    }
}

/// A failed evaluation: a score below 70 or high risks left, concluded
/// poor, its figures taken from the network's position.
fn failed_evaluation(date: NaiveDate, index: usize) -> Milestone {
    let mut m = Milestone::new(Stage::EvaluationFailed, date);
    m.score = Some(58.0 + (index % 17) as f64);
    m.high_risks = Some(1 + (index % 3) as u32);
    m.medium_risks = Some(3 + (index % 6) as u32);
    m.conclusion = Some(Conclusion::Poor);
    m.note =
        "高风险未整改：日志审计与备份恢复。High risks open: audit logging and backup recovery."
            .to_string();
    m
}

fn offset(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        add_days(date, days as u32)
    } else {
        date.checked_sub_days(chrono::Days::new(days.unsigned_abs()))
            .unwrap_or(NaiveDate::MIN)
    }
}

fn sub_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::domain::calendar::WorkCalendar;
    use crate::domain::timeline::{DueKind, timeline};
    use crate::formats::interchange::to_records;

    #[test]
    fn the_records_carry_every_gap_list_of_a_small_book_and_the_current_cycles_of_a_large_one() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let settings = Settings::default();
        let count = |records: &[crate::domain::model::NewClient]| -> (usize, usize) {
            let lists = records.iter().flat_map(|c| &c.networks);
            let with: Vec<_> = lists.filter(|n| !n.findings.is_empty()).collect();
            (with.len(), with.iter().map(|n| n.findings.len()).sum())
        };
        let doc = generate_with(30, 1, today, &settings);
        let all = findings::document_findings(&doc, today, 1, settings.rules);
        let made = records(&doc, today, 1, &settings).unwrap();
        assert_eq!(
            count(&made),
            (all.len(), all.iter().map(|(_, _, f)| f.len()).sum())
        );
        assert!(count(&made).0 > 10);
        // A large book: only the lists no evaluation has closed.
        let doc = generate_with(FULL_GAP_LISTS_UP_TO + 50, 1, today, &settings);
        let all = findings::document_findings(&doc, today, 1, settings.rules);
        let made = records(&doc, today, 1, &settings).unwrap();
        let current = all
            .iter()
            .filter(|(c, n, _)| {
                findings::current_cycle(&doc.clients[*c].networks[*n].milestones, today)
            })
            .count();
        assert_eq!(count(&made).0, current);
        assert!(
            0 < current && current < all.len(),
            "{current} of {}",
            all.len()
        );
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        date(2026, 11, 28)
    }

    fn levels(doc: &Document) -> BTreeSet<u8> {
        doc.clients
            .iter()
            .flat_map(|c| &c.networks)
            .map(|n| grading::level(&n.answers, &n.overrides, RuleSet::Conservative).get())
            .collect()
    }

    #[test]
    fn is_deterministic() {
        assert_eq!(generate(30, 7, today()), generate(30, 7, today()));
        assert_eq!(generate(300, 1, today()), generate(300, 1, today()));
    }

    #[test]
    fn no_clients_is_an_empty_book() {
        let doc = generate(0, 1, today());
        assert!(doc.clients.is_empty());
        to_records("demo", &doc).unwrap();
    }

    #[test]
    fn seeds_differ() {
        assert_ne!(generate(30, 1, today()), generate(30, 2, today()));
    }

    #[test]
    fn every_level_appears() {
        for seed in [0, 1, 42, 12345] {
            assert_eq!(
                levels(&generate(30, seed, today())),
                (1..=5).collect(),
                "seed {seed}"
            );
        }
    }

    #[test]
    fn every_stage_appears() {
        for seed in [0, 1, 42] {
            let doc = generate(30, seed, today());
            let stages: BTreeSet<Stage> = doc
                .clients
                .iter()
                .flat_map(|c| &c.networks)
                .flat_map(|n| &n.milestones)
                .map(|m| m.stage)
                .collect();
            assert_eq!(stages, Stage::ALL.iter().copied().collect(), "seed {seed}");
        }
    }

    #[test]
    fn agenda_has_overdue_and_due_renewals() {
        // The required day, then month ends and a leap day.
        let days = [
            today(),
            date(2028, 2, 29),
            date(2025, 3, 31),
            date(2027, 8, 31),
        ];
        for (seed, day) in [
            (0, days[0]),
            (1, days[0]),
            (42, days[0]),
            (999, days[0]),
            (7, days[1]),
            (8, days[2]),
            (9, days[3]),
        ] {
            let doc = generate(30, seed, day);
            let records = to_records("demo", &doc).unwrap();
            let (mut overdue, mut within_30, mut within_90, mut later) = (0, 0, 0, 0);
            for n in records.iter().flat_map(|c| &c.networks) {
                assert!(n.network.milestones.iter().all(|m| m.date <= day));
                let computed = grading::level(
                    &n.network.answers,
                    &n.network.overrides,
                    RuleSet::Conservative,
                );
                let tl = timeline(
                    &n.network,
                    computed,
                    &Intervals::default(),
                    &WorkCalendar::default(),
                );
                for d in tl.open().filter(|d| d.kind.is_renewal()) {
                    match d.days_left(day) {
                        i64::MIN..=-1 => overdue += 1,
                        0..=30 => within_30 += 1,
                        31..=90 => within_90 += 1,
                        _ => later += 1,
                    }
                }
            }
            assert!(
                overdue >= 1 && within_30 >= 1 && within_90 >= 1 && later >= 1,
                "seed {seed}, {day}: {overdue} overdue, {within_30} within 30 days, {within_90} within 90, {later} later"
            );
        }
    }

    #[test]
    fn filing_deadline_and_regrading_show() {
        let doc = generate(30, 3, today());
        let records = to_records("demo", &doc).unwrap();
        let mut filing_open = false;
        let mut regrading = false;
        for n in records.iter().flat_map(|c| &c.networks) {
            let computed = grading::level(
                &n.network.answers,
                &n.network.overrides,
                RuleSet::Conservative,
            );
            let tl = timeline(
                &n.network,
                computed,
                &Intervals::default(),
                &WorkCalendar::default(),
            );
            filing_open |= tl
                .open()
                .any(|d| d.kind == DueKind::Filing && d.days_left(today()) >= 0);
            regrading |= tl.regrading_needed;
        }
        assert!(filing_open);
        assert!(regrading);
    }

    #[test]
    fn records_are_valid_and_dated_by_today() {
        for seed in [0, 5] {
            let doc = generate(200, seed, today());
            let records = to_records("demo", &doc).unwrap();
            assert_eq!(records.len(), 200);
            for n in records.iter().flat_map(|c| &c.networks) {
                assert!(n.id.is_none());
                assert!(n.network.milestones.iter().all(|m| m.date <= today()));
                for m in &n.network.milestones {
                    if m.stage == Stage::EvaluationFailed {
                        assert_eq!(m.effective_conclusion(), Some(Conclusion::Poor));
                        continue;
                    }
                    if let Some(score) = m.score {
                        assert!(score >= 70.0);
                        assert_eq!(m.high_risks, Some(0));
                        assert_eq!(
                            m.conclusion,
                            Some(Conclusion::from_score(score, 0, m.medium_risks.unwrap()))
                        );
                    }
                }
                // The first time each stage happens follows the usual order,
                // except the certificate, which follows the filing, and a
                // failed evaluation, which comes before the pass.
                let first = |stage| {
                    n.network
                        .milestones
                        .iter()
                        .find(|m| m.stage == stage)
                        .map(|m| m.date)
                };
                if let Some(issued) = first(Stage::CertificateIssued) {
                    assert!(first(Stage::FilingSubmitted).is_some_and(|f| f < issued));
                }
                let mut firsts: Vec<(Stage, NaiveDate)> = Vec::new();
                for m in &n.network.milestones {
                    if !matches!(m.stage, Stage::CertificateIssued | Stage::EvaluationFailed)
                        && !firsts.iter().any(|(s, _)| *s == m.stage)
                    {
                        firsts.push((m.stage, m.date));
                    }
                }
                let mut by_stage = firsts.clone();
                by_stage.sort_by_key(|(s, _)| *s);
                assert!(
                    by_stage.windows(2).all(|w| w[0].1 < w[1].1),
                    "{:?}",
                    n.network.milestones
                );
            }
        }
        let doc = generate(30, 0, today());
        assert!(doc.clients.iter().all(|c| c.id.is_none()));
        let names: Vec<&str> = doc
            .clients
            .iter()
            .flat_map(|c| [c.name.as_str(), c.name_zh.as_str()])
            .collect();
        for needle in ["银行", "重庆", "上海中心"] {
            assert!(names.iter().any(|n| n.contains(needle)), "{needle}");
        }
    }

    #[test]
    fn whole_document_imports() {
        let doc = generate(30, 0, today());
        to_records("demo", &doc).unwrap();
        // Also through JSON, as `mlps import` reads it.
        let json = crate::formats::interchange::to_json(&doc);
        let parsed = crate::formats::interchange::parse("demo.json", &json).unwrap();
        to_records("demo.json", &parsed).unwrap();
    }

    #[test]
    fn ten_thousand_clients() {
        let doc = generate(10_000, 11, today());
        assert_eq!(doc.clients.len(), 10_000);
        let en: HashSet<&str> = doc.clients.iter().map(|c| c.name.as_str()).collect();
        let zh: HashSet<&str> = doc.clients.iter().map(|c| c.name_zh.as_str()).collect();
        assert_eq!(en.len(), 10_000);
        assert_eq!(zh.len(), 10_000);
        let networks: usize = doc.clients.iter().map(|c| c.networks.len()).sum();
        assert!((40_000..=60_000).contains(&networks), "{networks} networks");
        for c in &doc.clients {
            let names: HashSet<&str> = c.networks.iter().map(|n| n.name.as_str()).collect();
            assert_eq!(names.len(), c.networks.len(), "{}", c.name);
        }
        to_records("demo", &doc).unwrap();
    }
}
