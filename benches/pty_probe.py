#!/usr/bin/env python3
"""Runs the real case manager in a pseudo-terminal and measures what a
consultant at the keyboard sees: time to the first complete frame, time
from a keypress to the end of the redraw it causes, the bytes written per
cursor move, and the resident memory of the case manager and its daemon.

usage: pty_probe.py MLPS_BINARY EXPECTED_TEXT [COLS ROWS]

EXPECTED_TEXT is what the first complete frame shows (for example
"Clients 10000"). Prints one JSON object.
"""

import fcntl
import json
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import time

QUIET = 0.15  # seconds without output that end a redraw
SETTLE = 12.0  # seconds after the first frame before keys are measured


def read_until_quiet(fd, deadline, quiet=QUIET):
    """Reads until no byte arrives for `quiet` seconds; returns the bytes
    and the time the last one arrived."""
    data = b""
    last = None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], quiet)
        if not ready:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
        last = time.monotonic()
    return data, last


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def daemon_pid(binary, env):
    import subprocess

    out = subprocess.run(
        [binary, "status"], env=env, capture_output=True, text=True
    ).stdout
    for part in out.split(","):
        part = part.strip()
        if part.startswith("pid "):
            try:
                return int(part.split()[1])
            except ValueError:
                return None
        if ": pid " in part:
            return int(part.split(": pid ")[1])
    return None


def main():
    binary, expected = sys.argv[1], sys.argv[2].encode()
    cols = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 50
    env = dict(os.environ, TERM="xterm-256color")
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(binary, [binary], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    screen = b""
    first_frame = None
    deadline = start + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
            if expected in screen:
                # The rest of that frame, up to the first quiet moment.
                rest, last = read_until_quiet(fd, deadline, quiet=0.05)
                first_frame = (last or time.monotonic()) - start
                break
    result = {"first_frame_ms": None if first_frame is None else first_frame * 1000}
    if first_frame is None:
        os.kill(pid, signal.SIGTERM)
        print(json.dumps(result))
        return
    # Steady state: the daemon loads its jump index after the first frame;
    # keys are measured once it is done, memory after the keys.
    settle = time.monotonic() + SETTLE
    while time.monotonic() < settle:
        read_until_quiet(fd, settle, quiet=0.5)
    result["settled_after_s"] = SETTLE

    def keystrokes(keys, label):
        times, sizes = [], []
        for key in keys:
            sent = time.monotonic()
            os.write(fd, key)
            data, last = read_until_quiet(fd, time.monotonic() + 5)
            if last is not None:
                times.append((last - sent) * 1000)
            sizes.append(len(data))
        result[f"{label}_ms_median"] = statistics.median(times) if times else None
        result[f"{label}_ms_max"] = max(times) if times else None
        result[f"{label}_bytes_median"] = statistics.median(sizes) if sizes else None

    # Cursor moves down the clients list and back.
    keystrokes([b"j"] * 15 + [b"k"] * 15, "move")
    # Typing in fuzzy jump (Ctrl-p), one character at a time.
    os.write(fd, b"\x10")
    read_until_quiet(fd, time.monotonic() + 5)
    keystrokes([c.encode() for c in "shzx"] + [b"\x7f"] * 4 + [c.encode() for c in "acme"], "fuzzy")
    # Typing a clients filter (/), then Ctrl-u and another, then Esc.
    os.write(fd, b"\x1b")
    read_until_quiet(fd, time.monotonic() + 5)
    os.write(fd, b"/")
    read_until_quiet(fd, time.monotonic() + 5)
    keystrokes([c.encode() for c in "yuhe"] + [b"\x7f"] * 2 + [b"\x15"] + [c.encode() for c in "shzx"], "filter")
    os.write(fd, b"\x1b")
    read_until_quiet(fd, time.monotonic() + 5)
    result["tui_rss_kb"] = rss_kb(pid)
    dpid = daemon_pid(binary, env)
    result["daemon_rss_kb"] = rss_kb(dpid) if dpid else None
    os.write(fd, b"\x1b")
    read_until_quiet(fd, time.monotonic() + 5)
    os.write(fd, b"q")
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    print(json.dumps(result))


if __name__ == "__main__":
    main()
