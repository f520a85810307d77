//! What the integration tests share.

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
