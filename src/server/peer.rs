//! Who is on the other end of a Unix socket, as the kernel says: a client
//! could claim to be anyone, so its own words are never asked.

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

/// Whether `peer` may act for group `gid`: it runs with that group, or its
/// user is a member (the group of its passwd entry, or a supplementary
/// one), as the user database says now.
pub fn in_group(peer: &Peer, gid: u32) -> bool {
    peer.gid == gid || crate::sys::user_in_group(peer.uid, gid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::{group_id, group_name};

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
