//! Setting up a database directory for its daemon: private, or shared
//! with a Unix group (the directory the group's and setgid, files
//! group-readable), the daemon's lock, and the socket.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};

use super::{lock_path, socket_path};
use crate::error::{Error, Result};

/// The Unix group a database is shared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Sharing {
    pub(super) gid: u32,
    pub(super) name: String,
    /// Asked for with `--group`, rather than found on the directory.
    asked: bool,
}

/// The mode of a shared database directory: the group's, and setgid so
/// that everything created in it is the group's too.
pub(super) const SHARED_DIR_MODE: u32 = 0o2770;
pub(super) const SHARED_FILE_MODE: u32 = 0o660;

/// A directory an administrator shared by hand (`chgrp team DIR; chmod
/// 2770 DIR`): setgid, and the group may read, write and enter it.
pub(super) fn shared_by_mode(mode: u32) -> bool {
    mode & 0o2000 != 0 && mode & 0o070 == 0o070
}

pub(super) fn euid() -> u32 {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() }
}

/// The process's file-creation mask, put back when dropped.
pub(super) struct Umask(libc::mode_t);

impl Umask {
    pub(super) fn set(mask: libc::mode_t) -> Umask {
        // SAFETY: umask cannot fail and touches no memory.
        Umask(unsafe { libc::umask(mask) })
    }
}

impl Drop for Umask {
    fn drop(&mut self) {
        // SAFETY: as above.
        unsafe { libc::umask(self.0) };
    }
}

/// Creates the directory private to the user; refuses one that anyone
/// could put a socket of their own into. Says whether, and with which
/// group, the database is shared; nothing is changed for that yet.
pub(super) fn prepare_dir(dir: &Path, group: Option<&str>) -> Result<Option<Sharing>> {
    // A group that does not exist is bad input, found before anything is
    // created.
    let asked = group
        .map(|name| match crate::sys::group_id(name) {
            Ok(Some(gid)) => Ok(Sharing {
                gid,
                name: name.to_string(),
                asked: true,
            }),
            Ok(None) => Err(Error::input(format!(
                "there is no group named {name:?} to share {} with",
                dir.display()
            ))),
            Err(e) => Err(Error::runtime(format!("looking up group {name:?}: {e}"))),
        })
        .transpose()?;
    let failed = |e: std::io::Error| {
        Error::io_said(dir, format!("database directory {}: {e}", dir.display()))
    };
    let meta = match std::fs::metadata(dir) {
        Ok(m) if !m.is_dir() => {
            return Err(Error::input(format!(
                "{} is a file, not a database directory",
                dir.display()
            )));
        }
        Ok(m) if m.permissions().mode() & 0o002 != 0 => {
            return Err(Error::input(format!(
                "the database directory {} is writable by every user (mode {:o}), so anyone \
                 could replace the daemon's socket: run `chmod o-w {}` or choose another --db",
                dir.display(),
                m.permissions().mode() & 0o7777,
                dir.display()
            )));
        }
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(failed)?;
            std::fs::metadata(dir).map_err(failed)?
        }
        Err(e) => return Err(failed(e)),
    };
    match asked {
        Some(sharing) => {
            // Sharing hands the owner's data to others: the owner decides.
            if meta.uid() != euid() && euid() != 0 {
                return Err(Error::input(format!(
                    "{} belongs to user {}: only its owner or root can share it with group {}",
                    dir.display(),
                    crate::sys::user_label(meta.uid()),
                    sharing.name
                )));
            }
            Ok(Some(sharing))
        }
        None if shared_by_mode(meta.mode()) => Ok(Some(Sharing {
            gid: meta.gid(),
            name: crate::sys::group_name(meta.gid()),
            asked: false,
        })),
        None => Ok(None),
    }
}

/// Gives a shared database to its group: the directory (when asked with
/// `--group`), the daemon lock and everything sled keeps in `DIR/store`
/// become the group's, readable and writable by it and by nobody else, so
/// whichever member's daemon runs next can open them. What another user
/// owns is left as it is when it already is the group's; otherwise this
/// daemon could not open it, and says why.
pub(super) fn share(dir: &Path, sharing: &Sharing) -> Result<()> {
    let failed = |p: &Path, e: std::io::Error| Error::io(p, e);
    if sharing.asked {
        let meta = std::fs::metadata(dir).map_err(|e| failed(dir, e))?;
        give(dir, &meta, SHARED_DIR_MODE, sharing.gid).map_err(|e| match e.kind() {
            std::io::ErrorKind::PermissionDenied => Error::input(format!(
                "cannot give {} to group {}: you are not in that group, and only root can \
                 give a directory to a group its owner is not in",
                dir.display(),
                sharing.name
            )),
            _ => failed(dir, e),
        })?;
    }
    let mut paths = vec![lock_path(dir)];
    entries_under(&dir.join("store"), &mut paths).map_err(|e| failed(&dir.join("store"), e))?;
    for path in paths {
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(failed(&path, e)),
        };
        let (mode, needed) = if meta.is_dir() {
            (SHARED_DIR_MODE, 0o2070)
        } else if meta.is_file() {
            (SHARED_FILE_MODE, 0o060)
        } else {
            continue;
        };
        if meta.gid() == sharing.gid && meta.mode() & 0o7777 == mode {
            continue;
        }
        if meta.uid() == euid() || euid() == 0 {
            give(&path, &meta, mode, sharing.gid).map_err(|e| failed(&path, e))?;
        } else if meta.gid() != sharing.gid || meta.mode() & needed != needed {
            return Err(unshared(&path, meta.uid(), sharing, dir));
        }
    }
    Ok(())
}

/// Why a file of a shared database cannot be used by this daemon.
pub(super) fn unshared(path: &Path, owner: u32, sharing: &Sharing, dir: &Path) -> Error {
    Error::io_said(
        path,
        format!(
            "{} belongs to user {} and is not shared with group {}, so user {} cannot open \
             the database: root can share it again with `mlps serve --db {} --group {}`",
            path.display(),
            crate::sys::user_label(owner),
            sharing.name,
            crate::sys::user_label(euid()),
            dir.display(),
            sharing.name
        ),
    )
}

/// Sets a path's group and mode where they differ (the group first: a
/// change of group may clear the setgid bit).
pub(super) fn give(
    path: &Path,
    meta: &std::fs::Metadata,
    mode: u32,
    gid: u32,
) -> std::io::Result<()> {
    let regrouped = meta.gid() != gid;
    if regrouped {
        std::os::unix::fs::chown(path, None, Some(gid))?;
    }
    if regrouped || meta.mode() & 0o7777 != mode {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

/// `dir` and everything under it, symbolic links not followed; nothing
/// when it does not exist.
pub(super) fn entries_under(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    }
    found.push(dir.to_path_buf());
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            entries_under(&entry.path(), found)?;
        } else {
            found.push(entry.path());
        }
    }
    Ok(())
}

/// The daemon lock, or `None` when another daemon holds it.
pub(super) fn take_lock(dir: &Path, sharing: Option<&Sharing>) -> Result<Option<std::fs::File>> {
    let path = lock_path(dir);
    let failed = |e: std::io::Error| Error::io(&path, e);
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(if sharing.is_some() { 0o660 } else { 0o600 })
        .open(&path)
        .map_err(|e| match (e.kind(), sharing, std::fs::metadata(&path)) {
            // Left private by a daemon from before the directory was shared.
            (std::io::ErrorKind::PermissionDenied, Some(sharing), Ok(m)) => {
                unshared(&path, m.uid(), sharing, dir)
            }
            _ => failed(e),
        })?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
        Err(std::fs::TryLockError::Error(e)) => return Err(failed(e)),
    }
    // The pid is for people and for the "already running" message; the
    // lock, not the file's content, decides who owns the directory.
    file.set_len(0).map_err(failed)?;
    writeln!(file, "{}", std::process::id()).map_err(failed)?;
    Ok(Some(file))
}

/// Binds the socket under a temporary name and renames it into place once
/// it is 0600 (0660 and the group's when shared), so no client ever finds
/// it with looser permissions.
pub(super) fn bind(dir: &Path, sharing: Option<&Sharing>) -> Result<UnixListener> {
    let path = socket_path(dir);
    let temp = dir.join(format!("mlps.sock.{}", std::process::id()));
    let failed = |p: &Path, e: std::io::Error| Error::io(p, e);
    for stale in [&path, &temp] {
        match std::fs::remove_file(stale) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(failed(stale, e)),
            _ => {}
        }
    }
    let listener = UnixListener::bind(&temp).map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidInput => Error::input(format!(
            "the database directory {} has too long a path for a Unix socket; choose a shorter --db",
            dir.display()
        )),
        _ => failed(&temp, e),
    })?;
    let placed = match sharing {
        Some(s) => std::os::unix::fs::chown(&temp, None, Some(s.gid))
            .and_then(|()| std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(0o660))),
        None => std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(0o600)),
    };
    let placed = placed
        .and_then(|()| std::fs::rename(&temp, &path))
        .and_then(|()| listener.set_nonblocking(true));
    if let Err(e) = placed {
        let _ = std::fs::remove_file(&temp);
        return Err(failed(&path, e));
    }
    Ok(listener)
}
