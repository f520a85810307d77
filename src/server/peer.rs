//! Who is on the other end of a Unix socket, as the kernel says: a client
//! could claim to be anyone, so its own words are never asked.

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;

/// The credentials of a connected peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    pub uid: u32,
    pub gid: u32,
    /// Not every platform reports the peer's process.
    pub pid: Option<i32>,
}

#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn peer_of(stream: &UnixStream) -> io::Result<Peer> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `cred` and `len` are valid for writes and `len` is the size
    // of `cred`, as SO_PEERCRED requires; the fd is open for the call.
    let rc = unsafe {
        libc::getsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&raw mut cred).cast(),
            &mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    if len as usize != std::mem::size_of::<libc::ucred>() {
        return Err(io::Error::other("SO_PEERCRED returned a short answer"));
    }
    Ok(Peer {
        uid: cred.uid,
        gid: cred.gid,
        pid: Some(cred.pid),
    })
}

#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
pub fn peer_of(stream: &UnixStream) -> io::Result<Peer> {
    let (mut uid, mut gid) = (0, 0);
    // SAFETY: both pointers are valid for writes; the fd is open.
    let rc = unsafe { libc::getpeereid(stream.as_raw_fd(), &mut uid, &mut gid) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(Peer {
        uid,
        gid,
        pid: None,
    })
}

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

/// Whether `peer` may act for group `gid`: it runs with that group, or its
/// user is a member (the group of its passwd entry, or a supplementary
/// one), as the user database says now.
pub fn in_group(peer: &Peer, gid: u32) -> bool {
    if peer.gid == gid {
        return true;
    }
    let Ok(account) = account(peer.uid) else {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_socket_pair_is_this_process_and_user() {
        let (a, _b) = UnixStream::pair().unwrap();
        let peer = peer_of(&a).unwrap();
        // SAFETY: geteuid and getegid cannot fail.
        let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
        assert_eq!((peer.uid, peer.gid), (uid, gid));
        if let Some(pid) = peer.pid {
            assert_eq!(pid as u32, std::process::id());
        }
    }

    #[test]
    fn groups_are_found_by_name_and_by_id() {
        // SAFETY: getegid cannot fail.
        let gid = unsafe { libc::getegid() };
        let name = group_name(gid);
        if !name.starts_with("gid ") {
            assert_eq!(group_id(&name).unwrap(), Some(gid));
        }
        assert_eq!(group_id("mlps-no-such-group").unwrap(), None);
        assert_eq!(group_id("nul\0inside").unwrap(), None);
    }

    #[test]
    fn a_process_is_in_its_own_group() {
        let (a, _b) = UnixStream::pair().unwrap();
        let peer = peer_of(&a).unwrap();
        assert!(in_group(&peer, peer.gid));
        let stranger = Peer {
            gid: u32::MAX - 7,
            ..peer
        };
        assert!(!in_group(&stranger, u32::MAX - 9));
    }
}
