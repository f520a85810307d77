//! `mlps serve`, `status` and `stop`: the database daemon from the
//! command line.

use std::io::Write;
use std::path::Path;

use crate::domain::settings::Config;
use crate::error::Result;
use crate::text::counted;

use super::{Command, io_error};

/// `serve`, `status` and `stop`.
pub(super) fn run(command: Command, dir: &Path) -> Result<()> {
    use crate::server::{client, daemon};
    let mut out = std::io::stdout().lock();
    match command {
        Command::Serve { idle, group, .. } => {
            let config = Config::load_default()?;
            let idle = idle.unwrap_or(config.settings.daemon.idle_seconds).max(1);
            let options = daemon::ServeOptions {
                idle: std::time::Duration::from_secs(idle),
                group: group.clone(),
            };
            if let daemon::Served::AlreadyRunning { pid } = daemon::serve(dir, config, options)? {
                let pid = pid.map(|p| format!(" (pid {p})")).unwrap_or_default();
                // Sharing is set up by the daemon that starts: a running
                // one that does not share with the group must go first.
                let running_group = || client::connect(dir).ok()?.status().ok()?.group;
                match group {
                    Some(g) if running_group().as_ref() != Some(&g) => eprintln!(
                        "mlps: a daemon already serves {}{pid} without sharing it with group {g}; \
                         stop it with `mlps stop --db {}` and run this again.",
                        dir.display(),
                        dir.display()
                    ),
                    _ => eprintln!(
                        "mlps: a daemon already serves {}{pid}; nothing to do.",
                        dir.display()
                    ),
                }
            }
            Ok(())
        }
        Command::Status => {
            let s = client::connect(dir)?.status()?;
            let shared = s
                .group
                .as_ref()
                .map(|g| format!(", shared with group {g}"))
                .unwrap_or_default();
            // A case manager has a second connection for live changes:
            // one session, shown once. This command is not one.
            let me = i32::try_from(std::process::id()).ok();
            let sessions: Vec<_> = s
                .clients
                .iter()
                .filter(|c| !c.feed && (c.pid.is_none() || c.pid != me))
                .collect();
            writeln!(
                out,
                "mlps daemon for {}: pid {}, mlps {} (protocol {}), up {} s, {}{shared}",
                s.database,
                s.pid,
                s.version,
                s.protocol,
                s.uptime_secs,
                counted(sessions.len(), "session", "sessions")
            )
            .map_err(io_error)?;
            for c in sessions {
                let pid = c.pid.map(|p| format!(", pid {p}")).unwrap_or_default();
                let live = s
                    .clients
                    .iter()
                    .any(|f| f.feed && f.pid.is_some() && f.pid == c.pid);
                let user = crate::sys::user_name(c.uid).unwrap_or_else(|| "(no name)".to_string());
                writeln!(
                    out,
                    "  {} (uid {}, gid {}){pid}, connected {} s{}",
                    crate::text::escape_for_terminal(&user),
                    c.uid,
                    c.gid,
                    c.connected_secs,
                    if live { ", following changes" } else { "" }
                )
                .map_err(io_error)?;
            }
            Ok(())
        }
        Command::Stop => {
            let said = match client::stop(dir)? {
                client::StopOutcome::Stopped => "Stopped the mlps daemon for",
                client::StopOutcome::NotRunning => "No mlps daemon was running for",
            };
            writeln!(out, "{said} {}.", dir.display()).map_err(io_error)
        }
        _ => unreachable!("only daemon commands come here"),
    }
}
