#!/usr/bin/env bash
# Prints the scaling table of docs/performance.md: what each cost becomes at
# 1 000, 10 000 and 50 000 clients (or the sizes given), measured with the
# release binary, each size on its own fresh demo database.
#
#   benches/scaling.sh                    # 1000 10000 50000 (20 minutes or more)
#   benches/scaling.sh 1000 10000         # some sizes only
#   MLPS_BENCH_DIR=/tmp/x benches/scaling.sh   # keep the data (x/clients-N)
#
# Guards, so a size too large for the machine is recorded rather than
# swapping it to death: the importing daemon is stopped when its resident
# memory passes MLPS_SCALING_MAX_MB (default 12000), and the demo when it
# runs longer than MLPS_SCALING_MAX_DEMO_S seconds (default 600); that
# size's column then says what happened, and the rest of its figures are
# measured on a book of the same size made by runs of MLPS_SCALING_PIECE
# clients (default 10000; seeds 1, 2, ...), each on a daemon of its own.
#
#   MLPS_BENCH_DIR=/tmp/x MLPS_SCALING_TABLE_ONLY=1 benches/scaling.sh 1000 10000 50000
#                                         # the table of what was kept there
#
# Needs python3 (benches/pty_probe.py runs the case manager in a pty).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -gt 0 ]; then sizes=("$@"); else sizes=(1000 10000 50000); fi
for n in "${sizes[@]}"; do
  case $n in '' | *[!0-9]*) echo "scaling.sh: not a number of clients: $n" >&2; exit 2 ;; esac
done
root=${MLPS_BENCH_DIR:-$(mktemp -d /tmp/mlps-scaling.XXXXXX)}
max_mb=${MLPS_SCALING_MAX_MB:-12000}
max_demo_s=${MLPS_SCALING_MAX_DEMO_S:-600}
export MLPS_TODAY=2026-11-28
bin=$PWD/target/release/mlps
probe=$PWD/benches/pty_probe.py

[ -n "${MLPS_SCALING_TABLE_ONLY:-}" ] || cargo build --release --quiet

# Wall-clock times from bash itself: no process is started to read the clock.
now() { echo "$EPOCHREALTIME"; }
ms() { local end=$EPOCHREALTIME; python3 -c 'import sys; print(round((float(sys.argv[2])-float(sys.argv[1]))*1000,1))' "$1" "$end"; }
# runs N CMD...: the median and the worst wall time of N runs, in ms.
runs() {
  local count=$1 t
  shift
  for _ in $(seq 1 "$count"); do
    t=$(now); "$@" >/dev/null 2>&1 || true; ms "$t"
  done | python3 -c 'import sys,statistics; v=[float(x) for x in sys.stdin]; print(f"{statistics.median(v):.1f} {max(v):.1f}")'
}
# The pid of the daemon serving $MLPS_DB (it prints it), or nothing.
daemon_pid() { "$bin" status 2>/dev/null | sed -n 's/.*pid \([0-9]*\).*/\1/p' || true; }
# The same, from /proc, for while the daemon is too busy to answer.
daemon_pid_proc() {
  local f c
  for f in /proc/[0-9]*/cmdline; do
    c=$(tr '\0' ' ' 2>/dev/null <"$f") || continue
    if [[ $c == "$bin serve --db $MLPS_DB "* ]]; then
      f=${f#/proc/}; echo "${f%/cmdline}"; return
    fi
  done
}
# mb PID FIELD: a /proc/PID/status figure (VmRSS, VmHWM) in MB.
mb() { awk -v k="$2:" '$1 == k { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || true; }
# field JSON KEY: one figure of pty_probe.py's answer ("" when missing).
field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1] or "{}").get(sys.argv[2]); print("" if v is None else (f"{v:.1f}" if isinstance(v,float) else v))' "$1" "$2"; }

# cpu_ms PID: the user and system CPU time the process has used, in ms.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.0f", ($12 + $13) * 1000 / hz }' "/proc/$1/stat" 2>/dev/null || true; }
kb_mb() { if [ -n "$1" ]; then echo $(($1 / 1024)); fi; }

# demo_run DIR N SEED: `mlps demo --clients N --seed SEED` on $MLPS_DB, its
# daemon watched: stopped past $max_mb MB resident, the whole past
# $max_demo_s seconds. Fails, saying why in DIR/demo.failed.
demo_run() {
  local dir=$1 demo_pid watch_pid rc=0
  rm -f "$dir/demo.failed" "$dir/guard"
  /usr/bin/time -f '%U %S %M' -o "$dir/demo.time" "$bin" demo --clients "$2" --seed "$3" >"$dir/demo.out" 2>&1 &
  demo_pid=$!
  (
    start=$SECONDS
    while kill -0 "$demo_pid" 2>/dev/null; do
      d=$(daemon_pid_proc)
      rss=0
      if [ -n "$d" ]; then rss=$(mb "$d" VmRSS); rss=${rss:-0}; fi
      if [ "$rss" -gt "$max_mb" ] || [ $((SECONDS - start)) -gt "$max_demo_s" ]; then
        echo "stopped by the guard: its daemon at ${rss} MB resident after $((SECONDS - start)) s" >"$dir/guard"
        # The daemon first: the command then fails on its own.
        if [ -n "$d" ]; then kill "$d" 2>/dev/null || true; fi
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$demo_pid" 2>/dev/null || break; sleep 1; done
        if [ -n "$d" ]; then kill -9 "$d" 2>/dev/null || true; fi
        read -ra children 2>/dev/null <"/proc/$demo_pid/task/$demo_pid/children" || true
        for c in "${children[@]}"; do kill "$c" 2>/dev/null || true; done
        break
      fi
      sleep 0.5
    done
  ) &
  watch_pid=$!
  wait "$demo_pid" || rc=$?
  wait "$watch_pid" || true
  if [ -f "$dir/guard" ]; then
    cat "$dir/guard" >"$dir/demo.failed"
  elif [ "$rc" -ne 0 ]; then
    echo "failed ($rc): $(tr '\n' ' ' <"$dir/demo.out")" >"$dir/demo.failed"
  fi
  [ ! -f "$dir/demo.failed" ]
}

measure() { # measure N DIR: writes DIR/figures (key=value lines)
  local n=$1 dir=$2 out=$2/figures
  export MLPS_DB="$dir/db" MLPS_CONFIG_DIR="$dir/config"
  mkdir -p "$MLPS_CONFIG_DIR"
  : >"$out"
  put() { echo "$1=$2" >>"$out"; }
  put clients "$n"

  # 1. The demo in one run, as a consultant would make it; when the
  # guard stops it, the same number of clients from several smaller runs
  # (other seeds), so the rest of the figures are still measured.
  local t said pid med worst cold warm user sys maxrss piece=${MLPS_SCALING_PIECE:-10000}
  t=$(now)
  if demo_run "$dir" "$n" 1; then
    put demo_ms "$(ms "$t")"
    read -r user sys maxrss < <(tail -1 "$dir/demo.time")
    put demo_cmd_mb "$(kb_mb "$maxrss")"
    put demo_cmd_cpu_ms "$(python3 -c 'import sys; print(round((float(sys.argv[1])+float(sys.argv[2]))*1000))' "$user" "$sys")"
    said=$(cat "$dir/demo.out")
    put networks "$(sed -n 's/.* and \([0-9]*\) networks.*/\1/p' <<<"$said")"
    put findings "$(sed -n 's/.*with \([0-9]*\) findings.*/\1/p' <<<"$said")"
  else
    put failed "one run of mlps demo --clients $n: $(cat "$dir/demo.failed")"
    echo "scaling.sh: $n clients in one run: $(cat "$dir/demo.failed")" >&2
    "$bin" stop >/dev/null 2>&1 || true
    rm -rf "$MLPS_DB"
    [ "$piece" -lt "$n" ] || return 0
    local left=$n seed=1 networks=0 findings=0 size hwm=0 cpu=0
    t=$(now)
    while [ "$left" -gt 0 ]; do
      size=$((left < piece ? left : piece))
      echo "scaling.sh: $n clients: mlps demo --clients $size --seed $seed" >&2
      if ! demo_run "$dir" "$size" "$seed"; then
        put failed_pieces "mlps demo --clients $size --seed $seed: $(cat "$dir/demo.failed")"
        "$bin" stop >/dev/null 2>&1 || true
        return 0
      fi
      # Each run on a daemon of its own: one daemon keeps what every
      # import it made held (measured: 12 GB after four runs of 10 000).
      pid=$(daemon_pid)
      if [ -n "$pid" ]; then
        hwm=$(( $(mb "$pid" VmHWM) > hwm ? $(mb "$pid" VmHWM) : hwm ))
        cpu=$((cpu + $(cpu_ms "$pid")))
      fi
      "$bin" stop >/dev/null 2>&1 || true
      said=$(cat "$dir/demo.out")
      networks=$((networks + $(sed -n 's/.* and \([0-9]*\) networks.*/\1/p' <<<"$said")))
      findings=$((findings + $(sed -n 's/.*with \([0-9]*\) findings.*/\1/p' <<<"$said")))
      left=$((left - size)) seed=$((seed + 1))
    done
    put pieces "$((seed - 1)) runs of mlps demo --clients $piece (seeds 1-$((seed - 1)))"
    put pieces_ms "$(ms "$t")"
    put networks "$networks"
    put findings "$findings"
    put import_hwm_mb "$hwm"
    put import_cpu_ms "$cpu"
  fi
  pid=$(daemon_pid)
  if [ -n "$pid" ]; then
    put import_hwm_mb "$(mb "$pid" VmHWM)"
    put import_rss_mb "$(mb "$pid" VmRSS)"
    put import_cpu_ms "$(cpu_ms "$pid")"
  fi
  "$bin" stop >/dev/null 2>&1 || true
  put db_mb "$(du -sm "$MLPS_DB" | cut -f1)"

  # 2. Fuzzy jump through `mlps show`: the first search of a new daemon
  # (its start, the store's opening and the jump index's load), then warm.
  t=$(now); "$bin" show shzx >/dev/null 2>&1 || true; put show_cold_ms "$(ms "$t")"
  read -r med worst < <(runs 10 "$bin" show shzx)
  put show_ms "$med"; put show_max_ms "$worst"
  read -r med worst < <(runs 10 "$bin" show "pem erp")
  put show_list_ms "$med"

  # 3. The case manager in a 200x50 pty: first with a daemon it starts,
  # then with that daemon warm (the keys are measured on that run).
  "$bin" stop >/dev/null 2>&1 || true
  cold=$(python3 "$probe" "$bin" "Clients $n" 200 50 || echo '{}')
  warm=$(python3 "$probe" "$bin" "Clients $n" 200 50 || echo '{}')
  put first_cold_ms "$(field "$cold" first_frame_ms)"
  put daemon_tui_mb "$(kb_mb "$(field "$cold" daemon_rss_kb)")"
  put first_warm_ms "$(field "$warm" first_frame_ms)"
  put move_ms "$(field "$warm" move_ms_median)"
  put move_max_ms "$(field "$warm" move_ms_max)"
  put fuzzy_ms "$(field "$warm" fuzzy_ms_median)"
  put fuzzy_max_ms "$(field "$warm" fuzzy_ms_max)"
  put filter_ms "$(field "$warm" filter_ms_median)"
  put filter_max_ms "$(field "$warm" filter_ms_max)"
  put tui_mb "$(kb_mb "$(field "$warm" tui_rss_kb)")"

  # 4. Commands that list across the book, daemon warm.
  "$bin" renewals --json >/dev/null
  read -r med worst < <(runs 10 "$bin" renewals --json)
  put renewals_ms "$med"; put renewals_max_ms "$worst"
  put renewals_rows "$("$bin" renewals --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
  read -r med worst < <(runs 5 "$bin" due --json)
  put due_ms "$med"
  put due_rows "$("$bin" due --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
  read -r med worst < <(runs 3 "$bin" triage --brief)
  put triage_ms "$med"

  # 5. The daemon after all that.
  pid=$(daemon_pid)
  if [ -n "$pid" ]; then
    put daemon_rss_mb "$(mb "$pid" VmRSS)"
    put daemon_hwm_mb "$(mb "$pid" VmHWM)"
  fi
  "$bin" stop >/dev/null 2>&1 || true
}

dirs=()
for n in "${sizes[@]}"; do
  dir=$root/clients-$n
  dirs+=("$dir")
  # MLPS_SCALING_TABLE_ONLY=1 with MLPS_BENCH_DIR: the table of what was
  # measured there before, measuring nothing.
  [ -z "${MLPS_SCALING_TABLE_ONLY:-}" ] || continue
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "scaling.sh: $n clients in $dir" >&2
  measure "$n" "$dir"
done

python3 - "${dirs[@]}" <<'PY'
import sys

cols = []
for d in sys.argv[1:]:
    f = {}
    for line in open(f"{d}/figures", encoding="utf-8"):
        k, _, v = line.rstrip("\n").partition("=")
        f[k] = v
    cols.append(f)

def num(f, k):
    try:
        return float(f.get(k, ""))
    except ValueError:
        return None

def fmt(v, unit):
    if v is None:
        return "—"
    if unit == "s":
        return f"{v/1000:.1f} s"
    if unit == "":
        return f"{v:,.0f}".replace(",", " ")
    return f"{v:.0f} {unit}" if v >= 10 else f"{v:.1f} {unit}"

# (label, key, unit, worst key)
rows = [
    ("networks made by the demo", "networks", "", None),
    ("findings made by the demo", "findings", "", None),
    ("`mlps demo --clients N`, wall time", "demo_ms", "s", None),
    ("`mlps demo` command (makes the book, sends it), CPU time", "demo_cmd_cpu_ms", "s", None),
    ("importing daemon (stages and stores it), CPU time", "import_cpu_ms", "s", None),
    ("`mlps demo` command, peak memory", "demo_cmd_mb", "MB", None),
    ("importing daemon, peak memory (VmHWM)", "import_hwm_mb", "MB", None),
    ("importing daemon, resident right after", "import_rss_mb", "MB", None),
    ("database size on disk", "db_mb", "MB", None),
    ("`mlps show shzx`, daemon cold (start, open, jump index load)", "show_cold_ms", "ms", None),
    ("`mlps show shzx`, daemon warm, median of 10", "show_ms", "ms", "show_max_ms"),
    ("`mlps show \"pem erp\"` (a list of matches), warm", "show_list_ms", "ms", None),
    ("case manager first frame, daemon cold", "first_cold_ms", "ms", None),
    ("case manager first frame, daemon warm", "first_warm_ms", "ms", None),
    ("keypress to frame, moving, median (worst)", "move_ms", "ms", "move_max_ms"),
    ("keypress to frame, typing in fuzzy jump, median (worst)", "fuzzy_ms", "ms", "fuzzy_max_ms"),
    ("keypress to frame, typing a list filter, median (worst)", "filter_ms", "ms", "filter_max_ms"),
    ("case manager resident memory", "tui_mb", "MB", None),
    ("daemon resident, serving the case manager it was started by", "daemon_tui_mb", "MB", None),
    ("`mlps renewals --json`, warm, median of 10 (worst)", "renewals_ms", "ms", "renewals_max_ms"),
    ("renewals rows (due within 90 days or overdue)", "renewals_rows", "", None),
    ("`mlps due --json`, warm, median of 5", "due_ms", "ms", None),
    ("due rows", "due_rows", "", None),
    ("`mlps triage --brief`, warm, median of 3", "triage_ms", "ms", None),
    ("daemon resident after all of the above", "daemon_rss_mb", "MB", None),
    ("daemon peak (VmHWM) after all of the above", "daemon_hwm_mb", "MB", None),
]

def size(f):
    return f"{int(f['clients']):,}".replace(",", " ") + " clients"

head = "| figure | " + " | ".join(size(f) for f in cols)
growth = len(cols) > 1
if growth:
    head += f" | growth {size(cols[0]).split(' clients')[0]}→{size(cols[-1]).split(' clients')[0]}"
    scale = float(cols[-1]["clients"]) / float(cols[0]["clients"])
# The last step too: the smallest size's figures are mostly fixed costs.
step = len(cols) > 2
if step:
    head += f" | growth {size(cols[-2]).split(' clients')[0]}→{size(cols[-1]).split(' clients')[0]}"
print(head + " |")
print("|---" * (len(cols) + 1 + growth + step) + "|")
for label, key, unit, worst in rows:
    cells = []
    for f in cols:
        v = num(f, key)
        if key == "demo_ms" and "failed" in f:
            cells.append("stopped, see below" + (f" ({fmt(num(f, 'pieces_ms'), 's')} in pieces)" if "pieces_ms" in f else ""))
            continue
        cell = fmt(v, unit)
        w = num(f, worst) if worst else None
        if w is not None and v is not None:
            cell += f" ({fmt(w, unit)})"
        cells.append(cell)
    line = f"| {label} | " + " | ".join(cells)
    if growth:
        a, b = num(cols[0], key), num(cols[-1], key)
        stopped = key in ("demo_ms", "demo_cmd_mb", "demo_cmd_cpu_ms", "import_cpu_ms", "import_hwm_mb", "import_rss_mb") and "failed" in cols[-1]
        line += " | " + (f"×{b/a:.1f}" if a and b is not None and not stopped else "—")
    if step:
        a = num(cols[-2], key)
        line += " | " + (f"×{b/a:.1f}" if a and b is not None and not stopped else "—")
    print(line + " |")
if growth:
    last = float(cols[-1]["clients"]) / float(cols[-2]["clients"])
    print(f"\n(clients ×{scale:g}" + (f", and ×{last:g} in the last step" if step else "")
          + ": a cost that grows as the book does grows as much.)")
for f in cols:
    if "failed" in f:
        print(f"\n{size(f)}: {f['failed']}.", end="")
        if "pieces" in f:
            print(f" Measured instead on a book of the same size made by {f['pieces']}:"
                  f" {fmt(num(f, 'pieces_ms'), 's')}, each on a daemon of its own; the import figures"
                  f" in its column are those runs' (peak: the largest, CPU: the sum).", end="")
        if "failed_pieces" in f:
            print(f" Making it in pieces failed too: {f['failed_pieces']}.", end="")
        print()
PY
