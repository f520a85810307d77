#!/usr/bin/env bash
# Prints the performance table of docs/performance.md, measured on this machine on
# the scale data (mlps demo --clients 10000: about 50 000 networks).
#
#   benches/report.sh            # everything (about 10 minutes)
#   MLPS_BENCH_DIR=/tmp/x benches/report.sh   # keep the scale data there
#
# Needs tmux-free tools only: python3 (a pty), and fzf and sqlite3 for the
# side-by-side figures (installed with apt-get when missing and possible).
set -euo pipefail
cd "$(dirname "$0")/.."

work=${MLPS_BENCH_DIR:-$(mktemp -d /tmp/mlps-bench.XXXXXX)}
mkdir -p "$work/config"
export MLPS_DB="$work/db" MLPS_CONFIG_DIR="$work/config" MLPS_TODAY=2026-11-28
bin=target/release/mlps

cargo build --release --quiet
"$bin" stop >/dev/null 2>&1 || true

# Wall-clock times from bash itself: no process is started to read the
# clock, so none is counted in what is measured.
now() { echo "$EPOCHREALTIME"; }
ms() { local end=$EPOCHREALTIME; python3 -c 'import sys; print(round((float(sys.argv[2])-float(sys.argv[1]))*1000,1))' "$1" "$end"; }

# 1. Scale data.
demo_ms=n/a
if [ ! -d "$MLPS_DB/store" ]; then
  t=$(now); "$bin" demo --clients 10000 >/dev/null; demo_ms=$(ms "$t")
fi
# A daemon started on demand, as a consultant's first command would:
# the one that imported the data is measured on its own, now and at its
# peak.
# vm PID FIELD: the daemon's VmRSS (now) or VmHWM (its peak), in MB.
vm() { echo "$(( $(awk "/$2/ {print \$2}" /proc/$1/status) / 1024 )) MB"; }
daemon_pid() { "$bin" status "$@" 2>/dev/null | sed -n 's/.*pid \([0-9]*\).*/\1/p'; }
importer_rss=n/a import_peak=n/a
if [ "$demo_ms" != n/a ] && pid=$(daemon_pid) && [ -n "$pid" ]; then
  importer_rss=$(vm "$pid" VmRSS)
  import_peak="$(vm "$pid" VmHWM) ($demo_ms ms)"
fi
"$bin" stop >/dev/null 2>&1 || true

# The daemon's peak restoring a backup of the scale data into an empty
# database: a daemon started by the restore, read before it idles out.
rm -rf "$work/backup" "$work/restored"
"$bin" backup "$work/backup" >/dev/null
"$bin" stop >/dev/null 2>&1 || true
t=$(now); "$bin" restore --db "$work/restored" "$work/backup" >/dev/null; restore_ms=$(ms "$t")
restore_peak=n/a
if pid=$(daemon_pid --db "$work/restored") && [ -n "$pid" ]; then
  restore_peak="$(vm "$pid" VmHWM) ($restore_ms ms)"
fi
"$bin" stop --db "$work/restored" >/dev/null 2>&1 || true
rm -rf "$work/backup" "$work/restored"

networks=$("$bin" export | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(len(c["networks"]) for c in d["clients"]))')
db_size=$(du -sh "$MLPS_DB" | cut -f1)

# 2. In-process figures (criterion), medians.
cargo bench --bench perf 2>/dev/null > "$work/criterion.txt"
crit() { # crit PATTERN [summary]: the median of the benchmarks named like PATTERN
  python3 - "$work/criterion.txt" "$1" "${2:-}" <<'PY'
import re, sys
units = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1000.0}
name, found = None, []
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.search(r"time:\s+\[\S+ \S+ (\S+) (\S+)", line)
    head = line.split("time:")[0].strip()
    if head:
        name = head
    if m and name and re.search(sys.argv[2], name):
        found.append(float(m.group(1)) * units[m.group(2)])
if not found:
    print("n/a")
elif sys.argv[3]:
    print(f"{sum(found)/len(found):.2f} ms mean, {max(found):.2f} ms worst, over {len(found)} keystrokes")
else:
    v = found[0]
    print(f"{v*1000:.2f} µs" if v < 0.1 else f"{v:.2f} ms")
PY
}

# pair_time N CMD_A CMD_B: runs A and B alternately, N times each, output
# to /dev/null, so that both see the same load on this shared machine;
# prints "MEDIAN_A MEDIAN_B WORST_A WORST_B" in ms. The clock is bash's
# $EPOCHREALTIME: no process is started to read it.
pair_time() {
  local n=$1 a=$2 b=$3 i t0 t1 ta=() tb=()
  for ((i = 0; i < n; i++)); do
    t0=${EPOCHREALTIME/./}; eval "$a" >/dev/null; t1=${EPOCHREALTIME/./}; ta+=($((t1 - t0)))
    t0=${EPOCHREALTIME/./}; eval "$b" >/dev/null; t1=${EPOCHREALTIME/./}; tb+=($((t1 - t0)))
  done
  python3 - "${ta[*]}" "${tb[*]}" <<'PY'
import statistics, sys
a = [int(x) / 1000 for x in sys.argv[1].split()]
b = [int(x) / 1000 for x in sys.argv[2].split()]
print(f"{statistics.median(a):.1f} {statistics.median(b):.1f} {max(a):.1f} {max(b):.1f}")
PY
}

# 3. `mlps renewals --json`, daemon warm, against sqlite3 -json answering
# the same query over the same obligations (every open one, from
# `mlps due --json`, in a table with an index on due): same rows, same
# fields, days_left and status worked out by the query.
if ! command -v sqlite3 >/dev/null && command -v apt-get >/dev/null; then
  apt-get install -y sqlite3 >/dev/null 2>&1 || true
fi
"$bin" renewals --json >/dev/null
renewals=n/a sqlite_line=n/a
if command -v sqlite3 >/dev/null; then
  "$bin" due --json --within 36500 > "$work/obligations.json"
  rm -f "$work/obligations.sqlite"
  sqlite3 "$work/obligations.sqlite" <<SQL
CREATE TABLE obligations (client TEXT NOT NULL, network TEXT NOT NULL, level INTEGER NOT NULL,
  max_level INTEGER, kind TEXT NOT NULL, due TEXT NOT NULL, client_id INTEGER NOT NULL,
  network_id INTEGER NOT NULL, client_zh TEXT NOT NULL);
INSERT INTO obligations SELECT value->>'client', value->>'network', value->>'level',
  value->>'max_level', value->>'kind', value->>'due', value->>'client_id',
  value->>'network_id', value->>'client_zh'
  FROM json_each(readfile('$work/obligations.json'));
CREATE INDEX obligations_due ON obligations(due);
ANALYZE;
SQL
  query="SELECT client, network, level, max_level, kind, due,
    CAST(julianday(due) - julianday('$MLPS_TODAY') AS INTEGER) AS days_left,
    CASE WHEN due < '$MLPS_TODAY' THEN 'overdue'
         WHEN due <= date('$MLPS_TODAY', '+30 days') THEN 'due' ELSE 'upcoming' END AS status,
    client_id, network_id, client_zh
    FROM obligations
    WHERE due <= date('$MLPS_TODAY', '+90 days') AND kind IN ('evaluation', 'self_assessment')
    ORDER BY due, client, network, kind"
  count() { python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
  mine=$("$bin" renewals --json | count)
  theirs=$(sqlite3 -json "$work/obligations.sqlite" "$query" | count)
  if [ "$mine" != "$theirs" ]; then
    echo "renewals --json gives $mine rows, sqlite3 $theirs: not the same query" >&2
    exit 1
  fi
  read -r a b wa wb < <(pair_time 20 '"$bin" renewals --json' 'sqlite3 -json "$work/obligations.sqlite" "$query"')
  renewals="$a ms median, $wa ms worst ($mine rows)"
  sqlite_line="$b ms median, $wb ms worst; ratio $(python3 -c "print(f'{$a/$b:.2f}')") (20 alternating pairs)"
else
  renewals=$(pair_time 20 '"$bin" renewals --json' 'true' | awk '{print $1 " ms median, " $3 " ms worst"}')
fi

# 4. The case manager in a pty: first frame (warm, then cold), keys, RSS.
warm=$(python3 benches/pty_probe.py "$bin" "Clients 10000" 200 50)
"$bin" stop >/dev/null
cold=$(python3 benches/pty_probe.py "$bin" "Clients 10000" 200 50)
field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print("n/a" if v is None else (f"{v:.0f}" if isinstance(v,float) else v))' "$1" "$2"; }

# 5. fzf on the same names, one query at a time.
if ! command -v fzf >/dev/null && command -v apt-get >/dev/null; then
  apt-get install -y fzf >/dev/null 2>&1 || true
fi
fzf_line=n/a
if command -v fzf >/dev/null; then
  "$bin" export | python3 -c '
import json,sys
d=json.load(sys.stdin)
for c in d["clients"]:
    name=" · ".join(x for x in (c.get("name",""),c.get("name_zh","")) if x)
    print(name)
    for k in c.get("contacts",[]): print(k["name"]+" — "+name)
    for n in c["networks"]: print(n["name"]+" — "+name)' > "$work/names.txt"
  count=$(wc -l < "$work/names.txt")
  fzf_line=$(for q in s sh shz shzx a ac acm acme p pe pem "pem erp"; do
      t=$(now); fzf --filter "$q" < "$work/names.txt" >/dev/null || true; ms "$t"; done \
    | python3 -c 'import sys; v=[float(x) for x in sys.stdin]; print(f"{sum(v)/len(v):.1f} ms mean per query over {sys.argv[1]} names")' "$count")
fi

cat <<EOF
| figure | target | measured |
|---|---|---|
| \`mlps demo --clients 10000\` ($networks networks) | < 30 s | ${demo_ms} ms |
| grading one network | — | $(crit 'grading one network') |
| re-grading all $networks networks | < 50 ms | $(crit 're-grading all') |
| fuzzy jump, one keystroke, every name with its pinyin keys | < 8 ms | $(crit 'fuzzy jump keystroke' summary) |
| fzf --filter on the same names (labels only, process start included) | — | $fzf_line |
| list filter (\`/\`), one keystroke over every client's spellings | < 8 ms | $(crit 'list filter keystroke' summary) |
| the list filter's spellings of 10 000 clients (idle time after the start, once) | — | $(crit 'filter texts of') |
| renewals due within 90 days, in process | < 2 ms | $(crit 'renewals due within 90 days') |
| Gaps view of a network with 200 findings: \`g\` to the drawn 200x50 frame, in process | < 150 ms | $(crit 'gaps view: open') |
| keypress to updated frame in that Gaps view | < 16 ms | $(crit 'gaps view: a key') |
| \`mlps renewals --json\` end to end, daemon warm | < 50 ms | $renewals |
| \`sqlite3 -json\` on the same rows (index on due), paired with the line above | mlps below it | $sqlite_line |
| case manager start to first complete frame, daemon warm | < 150 ms | $(field "$warm" first_frame_ms) ms |
| case manager start to first complete frame, daemon cold | < 400 ms | $(field "$cold" first_frame_ms) ms |
| keypress to updated frame, moving the cursor | < 16 ms | $(field "$warm" move_ms_median) ms median, $(field "$warm" move_ms_max) ms worst |
| keypress to updated frame, typing in fuzzy jump | < 16 ms | $(field "$warm" fuzzy_ms_median) ms median, $(field "$warm" fuzzy_ms_max) ms worst |
| keypress to updated frame, typing a clients filter | < 16 ms | $(field "$warm" filter_ms_median) ms median, $(field "$warm" filter_ms_max) ms worst |
| bytes written per cursor move, 200x50 | < 2 KB | $(field "$warm" move_bytes_median) B median |
| resident memory of the case manager | < 150 MB | $(( $(field "$warm" tui_rss_kb) / 1024 )) MB |
| resident memory of the daemon, serving that case manager | < 150 MB | $(( $(field "$cold" daemon_rss_kb) / 1024 )) MB (started by it), $(( $(field "$warm" daemon_rss_kb) / 1024 )) MB (after renewals too); $importer_rss right after importing the scale data |
| daemon's peak importing the scale data (\`mlps demo --clients 10000\`) | < 300 MB | $import_peak |
| daemon's peak restoring a backup of it into an empty database | < 300 MB | $restore_peak |
| database size on disk | — | $db_size |
EOF
"$bin" stop >/dev/null 2>&1 || true
