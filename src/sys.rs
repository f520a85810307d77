//! What the operating system says about users and groups: names, ids and
//! membership, from the system's user database. Support code: it knows
//! nothing of cases.

use std::ffi::{CStr, CString};
use std::io;

/// The user database's answer about one user: enough to list their groups.
struct Account {
    name: CString,
    gid: u32,
}

/// Calls a `get*_r` lookup with a buffer that grows until the answer fits;
/// `Ok(false)`: no such entry.
fn with_buffer(mut lookup: impl FnMut(&mut [u8]) -> (libc::c_int, bool)) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; 1024];
    loop {
        let (rc, found) = lookup(&mut buf);
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 4, 0);
            continue;
        }
        return match (rc, found) {
            (0, true) => Ok(buf),
            (0, false) => Err(io::ErrorKind::NotFound.into()),
            (rc, _) => Err(io::Error::from_raw_os_error(rc)),
        };
    }
}

fn account(uid: u32) -> io::Result<Account> {
    // SAFETY: all-zero is a valid `passwd` (null pointers, zero ids).
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let _buf = with_buffer(|buf| {
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the call and `buf.len()` is
        // the size of `buf`.
        let rc = unsafe {
            libc::getpwuid_r(
                uid,
                &mut pwd,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut found,
            )
        };
        (rc, !found.is_null() && !pwd.pw_name.is_null())
    })?;
    // SAFETY: on success `pw_name` is a NUL-terminated string in `_buf`,
    // which is still alive.
    let name = unsafe { CStr::from_ptr(pwd.pw_name) }.to_owned();
    Ok(Account {
        name,
        gid: pwd.pw_gid,
    })
}

/// The login name of `uid`, from the system's user database, cleaned for
/// display; `None` when it has none.
pub fn user_name(uid: u32) -> Option<String> {
    let account = account(uid).ok()?;
    Some(crate::text::clean_line(&account.name.to_string_lossy())).filter(|n| !n.is_empty())
}

/// The login name of `uid`, or `uid N` when the system has none.
pub fn user_label(uid: u32) -> String {
    user_name(uid).unwrap_or_else(|| format!("uid {uid}"))
}

/// The id of the group called `name`; `None` when there is none.
pub fn group_id(name: &str) -> io::Result<Option<u32>> {
    let Ok(c_name) = CString::new(name) else {
        return Ok(None);
    };
    // SAFETY: all-zero is a valid `group` (null pointers, zero id).
    let mut grp: libc::group = unsafe { std::mem::zeroed() };
    let looked = with_buffer(|buf| {
        let mut found: *mut libc::group = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the call and `buf.len()` is
        // the size of `buf`.
        let rc = unsafe {
            libc::getgrnam_r(
                c_name.as_ptr(),
                &mut grp,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut found,
            )
        };
        (rc, !found.is_null())
    });
    match looked {
        Ok(_) => Ok(Some(grp.gr_gid)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The name of group `gid`, or `gid N` when the system has none for it.
pub fn group_name(gid: u32) -> String {
    // SAFETY: all-zero is a valid `group` (null pointers, zero id).
    let mut grp: libc::group = unsafe { std::mem::zeroed() };
    let looked = with_buffer(|buf| {
        let mut found: *mut libc::group = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the call and `buf.len()` is
        // the size of `buf`.
        let rc = unsafe {
            libc::getgrgid_r(
                gid,
                &mut grp,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut found,
            )
        };
        (rc, !found.is_null() && !grp.gr_name.is_null())
    });
    match looked {
        // SAFETY: on success `gr_name` is a NUL-terminated string in `buf`.
        Ok(_buf) => unsafe { CStr::from_ptr(grp.gr_name) }
            .to_string_lossy()
            .into_owned(),
        Err(_) => format!("gid {gid}"),
    }
}

#[cfg(target_vendor = "apple")]
type RawGid = libc::c_int;
#[cfg(not(target_vendor = "apple"))]
type RawGid = libc::gid_t;

/// Whether user `uid` is a member of group `gid` (the group of its passwd
/// entry, or a supplementary one), as the user database says now.
pub fn user_in_group(uid: u32, gid: u32) -> bool {
    let Ok(account) = account(uid) else {
        return false;
    };
    if account.gid == gid {
        return true;
    }
    let mut groups: Vec<RawGid> = vec![0; 64];
    loop {
        let mut count = libc::c_int::try_from(groups.len()).unwrap_or(libc::c_int::MAX);
        // SAFETY: `groups` has room for `count` ids and the name is a
        // NUL-terminated string; both outlive the call.
        let rc = unsafe {
            libc::getgrouplist(
                account.name.as_ptr(),
                account.gid as RawGid,
                groups.as_mut_ptr(),
                &mut count,
            )
        };
        if rc >= 0 {
            let listed = usize::try_from(count).unwrap_or(0).min(groups.len());
            return groups[..listed].contains(&(gid as RawGid));
        }
        if groups.len() >= 1 << 16 {
            return false;
        }
        let wanted = usize::try_from(count).unwrap_or(0);
        groups.resize(wanted.max(groups.len() * 2), 0);
    }
}
