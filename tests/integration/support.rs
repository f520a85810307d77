//! What the integration tests share: the binary and the two ways they run
//! it, the day they take as today, fresh and demo databases, the case
//! manager on them, and where the snapshots are kept.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::NaiveDate;
use mlps::domain::model::Level;
use mlps::domain::settings::Config;
use mlps::formats::interchange;
use mlps::server::client::Launcher;
use mlps::store::{CaseStore, SledStore};
use mlps::tui::Action;
use mlps::tui::app::Msg;
use mlps::tui::keymap::Keymap;
use mlps::tui::session::Session;
use tempfile::TempDir;

/// The binary under test.
pub const MLPS: &str = env!("CARGO_BIN_EXE_mlps");

/// The example interchange document of `tests/fixtures/`: one client with
/// one network and its milestones.
pub const EXAMPLE: &str = include_str!("../fixtures/interchange-example.json");

/// The day the tests take as today, unless one says otherwise.
pub const TODAY: &str = "2026-11-28";

/// [`TODAY`] as a date.
pub fn today() -> NaiveDate {
    d(TODAY)
}

/// A date written YYYY-MM-DD.
pub fn d(s: &str) -> NaiveDate {
    mlps::domain::calendar::parse_date(s).unwrap_or_else(|e| panic!("{e}"))
}

/// A level by its number, 1 to 5.
pub fn lv(n: u8) -> Level {
    Level::new(n).unwrap()
}

/// Every question answered with the value that raises nothing: S6, A6, no
/// floor, no warning, no open question.
pub fn answered() -> mlps::domain::questionnaire::Answers {
    use mlps::domain::questionnaire::{Answers, Deployment, ObjectType, Sector};
    Answers {
        object_type: Some(ObjectType::InformationSystem),
        sector: Some(Sector::Other),
        cii: Some(false),
        data_categories: Some(Default::default()),
        pi_subjects: Some(0),
        sensitive_pi_subjects: Some(0),
        registered_users: Some(0),
        public_facing: Some(false),
        public_opinion: Some(false),
        outage_affected_people: Some(0),
        hosted_max_level: Some(0),
        deployment: Some(Deployment::OnPremises),
        cloud_provider: Some(String::new()),
        cloud_provider_level: Some(0),
        cross_border_transfer: Some(false),
        architecture_notes: Some(String::new()),
    }
}

/// Whether the tests run as root (some need it, and say so when skipped).
pub fn is_root() -> bool {
    // SAFETY: geteuid cannot fail and only reads the process's user id.
    unsafe { libc::geteuid() == 0 }
}

/// `mlps` as a script runs it: the database named by `MLPS_DB`, the
/// settings read from `config` (so that none of the user's reach the
/// test) and today fixed at [`TODAY`]. A test adds what else it needs,
/// another day included (`.env("MLPS_TODAY", ...)`).
pub fn mlps(db: &Path, config: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(MLPS);
    // The locale is fixed, so that printed tables are in English
    // whatever the machine's language.
    cmd.env("MLPS_DB", db)
        .env("MLPS_CONFIG_DIR", config)
        .env("MLPS_TODAY", TODAY)
        .env("LC_ALL", "C.UTF-8");
    cmd
}

/// [`mlps`] with the settings directory beside the database: `DB.config`,
/// where a test that needs settings writes them.
pub fn mlps_beside(db: &Path) -> assert_cmd::Command {
    mlps(db, &db.with_extension("config"))
}

/// `mlps` as a child process of the test, to spawn, to pipe to, or to
/// find by its command line: the settings read from `config`, no
/// `MLPS_DB` taken from the environment, stdin empty, and today not
/// fixed. The database is given on the command line.
pub fn mlps_process(config: &Path) -> Command {
    let mut cmd = Command::new(MLPS);
    cmd.env("MLPS_CONFIG_DIR", config)
        .env("LC_ALL", "C.UTF-8")
        .env_remove("MLPS_DB")
        .stdin(Stdio::null());
    cmd
}

/// [`mlps_process`] on `db`: `mlps --db DB ...`.
pub fn mlps_process_on(db: &Path, config: &Path) -> Command {
    let mut cmd = mlps_process(config);
    cmd.arg("--db").arg(db);
    cmd
}

/// What starts a daemon on demand for a client in the test, with the
/// settings read from `config`.
pub fn launcher(config: &Path) -> Launcher {
    Launcher::new(MLPS).env("MLPS_CONFIG_DIR", config)
}

/// A temporary directory holding a database path (`db`, not made yet) and
/// an empty settings directory (`config`), so that no setting of the user
/// running the tests reaches the test. Removed when dropped.
pub struct Place {
    pub db: PathBuf,
    pub config: PathBuf,
    /// The temporary directory, for the test's other files.
    pub root: PathBuf,
    _tmp: TempDir,
}

impl Place {
    /// `mlps --db DB ...` with the place's settings: [`mlps_process_on`].
    pub fn mlps(&self) -> Command {
        mlps_process_on(&self.db, &self.config)
    }

    /// What starts the place's daemon on demand: [`launcher`].
    pub fn launcher(&self) -> Launcher {
        launcher(&self.config)
    }
}

/// A new [`Place`].
pub fn place() -> Place {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    let config = root.join("config");
    std::fs::create_dir(&config).unwrap();
    Place {
        db: root.join("db"),
        config,
        root,
        _tmp: tmp,
    }
}

/// A fresh database: an empty store with the default settings, in a
/// temporary directory that goes with the returned guard.
pub fn fresh_store() -> (TempDir, SledStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path(), Config::default()).unwrap();
    (dir, store)
}

/// Imports the demo data of `clients` clients made with `seed`, dated by
/// [`today`], into `store`.
pub fn import_demo(store: &SledStore, clients: usize, seed: u64) {
    let doc = mlps::demo::generate(clients, seed, today());
    store
        .import(interchange::to_records("demo", &doc).unwrap())
        .unwrap();
}

/// The demo's records of `clients` clients made with `seed`, dated by
/// [`today`], with their findings, as `mlps demo` imports them.
pub fn demo_records(clients: usize, seed: u64) -> Vec<mlps::domain::model::NewClient> {
    let doc = mlps::demo::generate(clients, seed, today());
    mlps::demo::records(&doc, today(), seed, &Default::default()).unwrap()
}

/// A fresh database holding the demo data of `clients` clients made with
/// `seed`.
pub fn demo_store(clients: usize, seed: u64) -> (TempDir, SledStore) {
    let (dir, store) = fresh_store();
    import_demo(&store, clients, seed);
    (dir, store)
}

/// The case manager on `store`, with the default settings and keys, on
/// [`today`].
pub fn app(store: std::sync::Arc<dyn CaseStore>) -> Session {
    Session::new(store, Config::default(), Keymap::defaults(), today()).unwrap()
}

/// The case manager on a fresh database of the 30-client demo data.
pub fn demo_app() -> (TempDir, Session) {
    let (dir, store) = demo_store(30, 1);
    (dir, app(std::sync::Arc::new(store)))
}

/// One action, as its key would give it.
pub fn act(app: &mut Session, a: Action) {
    app.send(Msg::Action(a));
}

/// Text typed into the focused field or prompt, a character at a time.
pub fn typ(app: &mut Session, text: &str) {
    for c in text.chars() {
        app.send(Msg::Char(c));
    }
}

/// `insta::assert_snapshot!` under the name `name`, kept where the
/// snapshots of these tests have always been: `tests/snapshots/`, as
/// `<module>__<name>.snap`. (Left to itself, insta would name the file
/// after the whole module path, `integration__<module>__<name>`, in
/// `tests/integration/snapshots/`.)
macro_rules! assert_snapshot {
    ($name:literal, $value:expr) => {{
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("../snapshots");
        settings.set_prepend_module_to_snapshot(false);
        let module = module_path!().rsplit("::").next().unwrap();
        settings.bind(|| insta::assert_snapshot!(format!("{module}__{}", $name), $value));
    }};
}
pub(crate) use assert_snapshot;

/// The sled trees of the database at `dir`, sled's own included, read
/// with sled itself once the store has let go of it (sled's flusher
/// thread holds the file's lock a moment after the store is dropped).
pub fn sled_trees(dir: &Path) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let raw = loop {
        match sled::open(dir.join("store")) {
            Ok(db) => break db,
            Err(_) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            Err(e) => panic!("{}: {e}", dir.display()),
        }
    };
    (raw.tree_names().iter())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect()
}
