//! The printed commands in the consultant's language: with `--lang zh`
//! every sentence `renewals`, `due`, `triage` (and `--brief`), `show`,
//! `assess`, `log`, `report --output`, `keymap check` and `doctor` print
//! is Chinese; with `--lang both` English, then Chinese; without a
//! language English as before; JSON the same in every language.

use std::path::{Path, PathBuf};

use crate::support;

/// A demo database of 5 clients, with one change to a network's answers
/// in its log, and the pinned today of [`support::mlps`].
struct Demo {
    db: PathBuf,
    _dir: tempfile::TempDir,
}

impl Demo {
    fn new() -> Demo {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        support::mlps_beside(&db)
            .args(["demo", "--clients", "5"])
            .assert()
            .success();
        Demo { db, _dir: dir }
    }

    /// stdout of `mlps ARGS`, which must succeed.
    fn run(&self, args: &[&str]) -> String {
        let out = support::mlps_beside(&self.db).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    }

    /// One network's PI subjects changed through the daemon, for the log.
    fn change_a_network(&self) {
        use mlps::store::CaseStore;
        let launcher = support::launcher(&self.db.with_extension("config"));
        let store = mlps::server::client::connect_or_start_with(&self.db, &launcher).unwrap();
        let mut n = store.networks().unwrap().remove(0);
        n.answers.pi_subjects = Some(250_000);
        store.update_network(n).unwrap();
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = support::mlps_beside(&self.db).arg("stop").output();
    }
}

/// Asserts that `text` holds none of the English `words`.
fn no_english(text: &str, words: &[&str], what: &str) {
    for w in words {
        assert!(!text.contains(w), "{what}: {w:?} left in\n{text}");
    }
}

/// Asserts that `text` holds every one of `parts`.
fn has_all(text: &str, parts: &[&str], what: &str) {
    for p in parts {
        assert!(text.contains(p), "{what}: {p:?} missing from\n{text}");
    }
}

#[test]
fn the_agenda_speaks_the_language_asked() {
    let demo = Demo::new();
    for cmd in ["due", "renewals"] {
        let en = demo.run(&[cmd, "--within", "400"]);
        let what = if cmd == "due" {
            "Open deadlines"
        } else {
            "Renewals"
        };
        has_all(
            &en,
            &[
                &format!("{what} due by 2028-01-02 (today 2026-11-28; overdue ones always shown)"),
                " overdue, ",
                " due within 30 days, ",
            ],
            cmd,
        );
        let zh = demo.run(&["--lang", "zh", cmd, "--within", "400"]);
        let zh_what = if cmd == "due" {
            "未完成事项"
        } else {
            "年度自查和等级测评"
        };
        has_all(
            &zh,
            &[
                &format!("2028-01-02 前到期的{zh_what}（今天是 2026-11-28；已逾期的一律列出）"),
                "已逾期 ",
                "30 天内到期 ",
                "之后到期 ",
            ],
            cmd,
        );
        no_english(
            &zh,
            &[
                "due by",
                "today",
                "overdue",
                "within",
                "later.",
                "Re-grading",
                "FILED",
                "COMPUTED",
                "=filed",
                "STATUS",
                "NETWORK",
            ],
            cmd,
        );
        // Both: each sentence in English, then in Chinese, on the next
        // line.
        let both = demo.run(&["--lang", "both", cmd, "--within", "400"]);
        let lines: Vec<&str> = both.lines().collect();
        assert!(lines[0].starts_with(what), "{both}");
        assert!(lines[1].contains(zh_what), "{both}");
        let counts = lines
            .iter()
            .position(|l| l.contains(" due within 30 days, "))
            .expect("the counts in English");
        assert!(lines[counts + 1].starts_with("已逾期 "), "{both}");
        // The JSON is the same in every language.
        let json = demo.run(&[cmd, "--json"]);
        for lang in ["zh", "both"] {
            assert_eq!(demo.run(&["--lang", lang, cmd, "--json"]), json, "{cmd}");
        }
    }
    // The re-grading list of `due`, when the demo has one.
    let zh = demo.run(&["--lang", "zh", "due"]);
    let en = demo.run(&["due"]);
    assert_eq!(
        en.contains("Re-grading needed (computed level differs from the filed one):"),
        zh.contains("需要重新定级（计算等级与备案等级不同）：\nID    客户"),
        "{en}\n{zh}"
    );
    // A query's client in the heading, in Chinese.
    let zh = demo.run(&["--lang", "zh", "due", "Acme"]);
    assert!(zh.starts_with("客户 16 Acme Trading"), "{zh}");
    assert!(
        zh.lines().next().unwrap().contains("：2027-02-26 前到期"),
        "{zh}"
    );
    no_english(&zh, &["client 16", " of ", "due by"], "due Acme");
    // Nothing due, in Chinese.
    let zh = demo.run(&["--lang", "zh", "renewals", "--within", "0", "16/18"]);
    assert!(zh.ends_with("没有到期事项。\n"), "{zh}");
}

#[test]
fn triage_and_its_brief_line_speak_the_language_asked() {
    let demo = Demo::new();
    let en = demo.run(&["triage"]);
    assert!(
        en.starts_with("8 networks need attention on 2026-11-28, most urgent first:\n"),
        "{en}"
    );
    let zh = demo.run(&["--lang", "zh", "triage"]);
    assert!(
        zh.starts_with("2026-11-28 有 8 个定级对象需要处理，最紧急的在前：\n"),
        "{zh}"
    );
    no_english(
        &zh,
        &[
            "need attention",
            "most urgent",
            "also (",
            "URGENCY",
            "book the",
        ],
        "triage",
    );
    let both = demo.run(&["--lang", "both", "triage"]);
    assert!(
        both.starts_with(
            "8 networks need attention on 2026-11-28, most urgent first:\n\
             2026-11-28 有 8 个定级对象需要处理，最紧急的在前：\n"
        ),
        "{both}"
    );

    let brief = demo.run(&["triage", "--brief"]);
    assert_eq!(
        brief,
        "mlps: 2 overdue, 4 due within 30 days, 1 to re-grade: run mlps triage\n"
    );
    let zh = demo.run(&["--lang", "zh", "triage", "--brief"]);
    assert_eq!(
        zh,
        "mlps：已逾期 2 个，30 天内到期 4 个，需重新定级 1 个。详见 mlps triage\n"
    );
    let both = demo.run(&["--lang", "both", "triage", "--brief"]);
    assert_eq!(both, format!("{}{zh}", brief));

    // Nothing needing attention, years before the demo's cases.
    let early = |lang: &str| {
        let out = support::mlps_beside(&demo.db)
            .env("MLPS_TODAY", "2000-01-01")
            .args(["--lang", lang, "triage", "16/18"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(early("zh"), "2000-01-01 没有需要处理的定级对象。\n");
    assert_eq!(early("en"), "Nothing needs attention on 2000-01-01.\n");

    let json = demo.run(&["triage", "--json"]);
    for lang in ["zh", "both"] {
        assert_eq!(demo.run(&["--lang", lang, "triage", "--json"]), json);
    }
}

#[test]
fn show_has_no_english_word_of_its_own_in_chinese() {
    let demo = Demo::new();
    let zh = demo.run(&["--lang", "zh", "show", "Acme"]);
    has_all(
        &zh,
        &[
            "客户 16:",
            "定级对象 (3):",
            "等级：",
            "下次到期：",
            "下一步：",
        ],
        "show",
    );
    no_english(
        &zh,
        &[
            "Client ",
            "Network ",
            "Level",
            "Next",
            "(none)",
            "none yet",
            "nothing open",
            "filed",
            "provisional",
            "overdue",
            "Open:",
        ],
        "show",
    );
    let both = demo.run(&["--lang", "both", "show", "Acme"]);
    has_all(&both, &["Client 客户 16:", "Level 等级："], "show both");
}

#[test]
fn the_log_doctor_report_and_keymap_check_speak_the_language_asked() {
    let demo = Demo::new();
    demo.change_a_network();

    let en = demo.run(&["log"]);
    assert!(
        en.contains("  imported 5 clients and 14 networks\n"),
        "{en}"
    );
    assert!(en.contains("  updated network \""), "{en}");
    assert!(en.contains("    answers.pi_subjects: "), "{en}");
    let zh = demo.run(&["--lang", "zh", "log"]);
    has_all(
        &zh,
        &[
            "  导入 5 个客户和 14 个定级对象\n",
            "  修改 定级对象“",
            "    个人信息主体数量: ",
        ],
        "log",
    );
    no_english(
        &zh,
        &[
            "imported",
            "updated",
            "network \"",
            "clients and",
            "answers.",
        ],
        "log",
    );
    let both = demo.run(&["--lang", "both", "log"]);
    has_all(
        &both,
        &["  imported 5 clients and 14 networks · 导入 5 个客户和 14 个定级对象\n"],
        "log both",
    );
    let json = demo.run(&["log", "--json"]);
    assert_eq!(demo.run(&["--lang", "zh", "log", "--json"]), json);
    let later = |lang: &str| demo.run(&["--lang", lang, "log", "--since", "2999-01-01"]);
    assert_eq!(later("en"), "No changes recorded.\n");
    assert_eq!(later("zh"), "没有变更记录。\n");
    assert_eq!(later("both"), "No changes recorded.\n没有变更记录。\n");

    let place = demo.db.display().to_string();
    let en = demo.run(&["doctor"]);
    assert!(
        en.starts_with("Checked 5 clients, 14 networks, 231 findings, 2 log entries and ")
            && en.ends_with(&format!("index entries in {place}: no problems.\n")),
        "{en}"
    );
    let zh = demo.run(&["--lang", "zh", "doctor"]);
    assert!(
        zh.starts_with(&format!(
            "已检查 {place} 中的 5 个客户、14 个定级对象、231 条整改问题、2 条日志和 "
        )) && zh.ends_with("条索引：没有问题。\n"),
        "{zh}"
    );
    let both = demo.run(&["--lang", "both", "doctor"]);
    assert_eq!(both, format!("{en}{zh}"));

    let file = demo.db.with_extension("md");
    let report = |lang: &str| {
        demo.run(&[
            "--lang",
            lang,
            "report",
            "16/18",
            "--output",
            file.to_str().unwrap(),
        ])
    };
    let path = file.display();
    assert_eq!(
        report("en"),
        format!("Wrote the report of \"ERP\" to {path}.\n")
    );
    assert_eq!(report("zh"), format!("已将“ERP”的定级报告写入 {path}。\n"));

    let check = |lang: &str| demo.run(&["--lang", lang, "keymap", "check"]);
    assert_eq!(check("en"), "keymap OK: defaults\n");
    assert_eq!(check("zh"), "键位配置无误：默认配置\n");
    assert_eq!(
        check("both"),
        "keymap OK: defaults\n键位配置无误：默认配置\n"
    );
}

#[test]
fn assess_in_chinese_has_no_english_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.toml");
    std::fs::write(
        &file,
        "object_type = \"website\"\nsector = \"finance\"\npi_subjects = 2000000\n",
    )
    .unwrap();
    let run = |lang: &str, json: bool| {
        let mut cmd = support::mlps(&dir.path().join("db"), &dir.path().join("config"));
        cmd.args(["--lang", lang, "assess"]).arg(&file);
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let en = run("en", false);
    let zh = run("zh", false);
    assert!(en.starts_with("Level "), "{en}");
    assert!(zh.starts_with("定级结果："), "{zh}");
    no_english(
        &zh,
        &[
            "Level ",
            "level ",
            "under the",
            "provisional",
            "warning ",
            "open questions",
        ],
        "assess",
    );
    assert_eq!(run("both", false), format!("{en}{zh}"));
    assert_eq!(run("zh", true), run("en", true));
}

/// A query that fits several, or nothing, is refused (exit 2) in the
/// language asked, the candidates listed with their ids.
#[test]
fn a_query_is_refused_in_the_language_asked() {
    let demo = Demo::new();
    let refused = |args: &[&str]| {
        let out = support::mlps_beside(&demo.db).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(out.stdout.is_empty(), "{out:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let en = refused(&["due", "bank"]);
    assert!(
        en.starts_with(
            "mlps: \"bank\" matches 2 clients equally well; give one by its id, or more of its \
             name:\n  client   5  Woodgrove Bank"
        ),
        "{en}"
    );
    let zh = refused(&["--lang", "zh", "due", "bank"]);
    assert!(
        zh.starts_with(
            "mlps: \"bank\" 同样匹配 2 个客户：请用编号指定，或多给出一些名称：\n  客户      5  Woodgrove Bank"
        ),
        "{zh}"
    );
    no_english(&zh, &["matches", "client ", "give one"], "ties");
    let both = refused(&["--lang", "both", "triage", "bank"]);
    assert!(
        both.contains("equally well") && both.contains("同样匹配"),
        "{both}"
    );
    assert!(both.contains("\n  client 客户 "), "{both}");

    let zh = refused(&["--lang", "zh", "show", "zzzzqqq"]);
    assert!(
        zh.starts_with("mlps: 没有与 \"zzzzqqq\" 匹配的客户或定级对象："),
        "{zh}"
    );
    no_english(&zh, &["no client", "matches", "give an id"], "nothing");
    let en = refused(&["show", "zzzzqqq"]);
    assert!(
        en.starts_with("mlps: no client or network matches \"zzzzqqq\": give an id"),
        "{en}"
    );
}

/// Other errors stay English on stderr whatever the language: a path
/// that is not a database is refused so.
#[test]
fn errors_stay_english_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let out = support::mlps(&dir.path().join("none"), Path::new("/nonexistent"))
        .args(["--lang", "zh", "due"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no database at"),
        "{out:?}"
    );
}
