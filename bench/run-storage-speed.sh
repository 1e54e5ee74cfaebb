#!/usr/bin/env bash
# Issue 34: cancel and create at the storage's speed, a bounded WAL, retention that keeps pace. One sitting, the server
# (a jar: BENCH_SERVER_JAR, default the one just built) in its own process, wrk or bench's own load generator. Parts:
#
#   speed      cancel and create at 32 connections on SQLite and PostgreSQL, against the HTTP ceiling of the same
#              sitting (bench's ceiling: the same Jersey + Grizzly answering a constant body) and against the storage's
#              own limit: on SQLite exprun's transactions by one writer in Python's sqlite3 on a copy of the server's
#              file (bench/sqlite_limit.py: COMMIT every 1 and every 64 runs), on PostgreSQL pgbench running the
#              cancel statement (bench/pgbench/cancel.sql). PostgreSQL is measured with its cancel batching on (the
#              default) and off (-Dexprun.groupCommit=off), with pg_stat_statements and pg_stat_activity's wait
#              events sampled during the cancel point (where the time goes).
#   wal        SQLite: creates at full speed (wrk, 32 connections) for BENCH_WAL_LOAD_SECONDS (600), then
#              BENCH_WAL_IDLE_SECONDS (120) idle; the WAL's size sampled every second; bytes on disk per run at the end.
#   retention  SQLite: runs created and cancelled at once at full speed (bench's churn, 32 clients) for
#              BENCH_RETENTION_SECONDS (600), once with EXPRUN_RETENTION=off and once with 1m, each on a fresh server;
#              every 10 s the expired runs still present, the file's size; cancel p99 after the first 2 minutes.
#
#   bench/run-storage-speed.sh                                              # everything (~45 min)
#   BENCH_PARTS="speed" bench/run-storage-speed.sh                          # one part
#   BENCH_SECONDS=2 BENCH_CREATE_SECONDS=6 BENCH_WARMUP_SECONDS=5 BENCH_MAX_CANCEL_RATE=500 BENCH_WAL_LOAD_SECONDS=5 \
#     BENCH_WAL_IDLE_SECONDS=3 BENCH_RETENTION_SECONDS=8 BENCH_RETENTION_MEASURE_AFTER=2 BENCH_RETENTION_AGE=2s \
#     bench/run-storage-speed.sh                                                        # a smoke run (~4 min)
#   BENCH_SERVER_JAR=/tmp/before/exprun-server.jar bench/run-storage-speed.sh        # the same for another build
#
# Output: a report (stdout and bench/target/storage-speed-<time>/report.md) and every raw file beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PARTS=${BENCH_PARTS:-speed wal retention}
POINT=${BENCH_SECONDS:-5}                 # a measured cancel point (it consumes runs: created before, unmeasured)
MAX_RATE=${BENCH_MAX_CANCEL_RATE:-12000}  # the most cancels/s any point is expected to reach: runs made for it
CREATE=${BENCH_CREATE_SECONDS:-40}        # the measured create point, whose runs the cancel points then cancel
WARM=${BENCH_WARMUP_SECONDS:-20}          # per server process: creates, then cancels, not recorded (JIT)
WAL_LOAD=${BENCH_WAL_LOAD_SECONDS:-600}
WAL_IDLE=${BENCH_WAL_IDLE_SECONDS:-120}
RET_SECONDS=${BENCH_RETENTION_SECONDS:-600}
RET_AFTER=${BENCH_RETENTION_MEASURE_AFTER:-120}   # what the cancel p99 of the retention part leaves out
RET_AGE=${BENCH_RETENTION_AGE:-1m}
OUT=$ROOT/bench/target/storage-speed-$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$OUT/results.tsv
mkdir -p "$OUT"
KEY=bench_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
PY=/usr/bin/python3
PIDS=(); PGDATA_DIR=""
# one key drives every connection: the server as deployed (bench/run-fairness.sh measures fair queuing); a build from
# before fair queuing capped a lone tenant: BENCH_SERVER_ENV="EXPRUN_TENANT_MAX_CONCURRENT=1000000 EXPRUN_TENANT_MAX_LISTS=1000000"
read -r -a SERVER_ENV <<<"${BENCH_SERVER_ENV:-}"
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n "$PGDATA_DIR" ]]; then runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
if [[ " $PARTS " == *" speed "* ]]; then
  [[ -x "$PG_BIN/postgres" ]] || { echo "needs PostgreSQL's server binaries (apt-get install postgresql)"; exit 1; }
fi
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "building server and bench jars"; ./mvnw -B -q -pl server,bench -am package -DskipTests
fi
SERVER_JAR=${BENCH_SERVER_JAR:-$ROOT/server/target/exprun-server.jar}
BENCH_JAR=$ROOT/bench/target/exprun-bench.jar

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 240); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; log "nothing at $1"; return 1; }
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
# one result line: system what load seconds | requests req/s p50 p99 p99.9 max errors
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$RESULTS"; log "$1 $2 $3: $5"; }
metric() { # port name: the sum of a /metrics series' values
  curl -s "http://127.0.0.1:$1/metrics" | awk -v n="$2" '$1 == n || index($1, n "{") == 1 {s += $2} END {printf "%.0f", s}'
}

PORT=""; SERVER_PID=""
start_server() { # dir, then env (EXPRUN_DB_URL=..., JAVA_TOOL_OPTIONS=...)
  local dir=$1; shift
  PORT=$(free_port); mkdir -p "$dir"
  (cd "$dir" && exec env EXPRUN_PORT="$PORT" EXPRUN_BIND=127.0.0.1 EXPRUN_WORKERS=0 EXPRUN_API_KEYS="$KEY:bench" \
    "${SERVER_ENV[@]}" "$@" java -jar "$SERVER_JAR" >>"$dir/server.log" 2>&1) &
  SERVER_PID=$!; PIDS+=("$SERVER_PID")
  wait_http "http://127.0.0.1:$PORT/healthz"
}

# creates PORT SECONDS IDS_PREFIX -> the point's line (runs.lua's format); the new runs' ids appended to IDS_PREFIX.txt
creates() {
  rm -f "$3".new.*
  local out; out=$(wrk -t2 -c32 -d"$2"s --timeout 10s -s "$ROOT/bench/lua/create.lua" "http://127.0.0.1:$1" -- "$KEY" "$3.new")
  cat "$3".new.* >>"$3.txt" 2>/dev/null || true; rm -f "$3".new.*
  tail -2 <<<"$out" | head -1
}
# top_up PORT IDS_PREFIX RUNS: creates (not measured) until IDS_PREFIX.txt holds RUNS ids
top_up() {
  while (( $(wc -l <"$2.txt") < $3 )); do creates "$1" 20 "$2" >/dev/null; done
}
# cancels PORT SECONDS IDS_FILE -> the point's line; the ids it may have used are removed from IDS_FILE
cancels() {
  [[ -s "$3" ]] || { log "no runs left to cancel in $3: create for longer"; printf '0\t0\t0\t0\t0\t0\t0\n'; return; }
  local line; line=$(WRK_THREADS=2 wrk -t2 -c32 -d"$2"s --timeout 10s -s "$ROOT/bench/lua/runs.lua" \
    "http://127.0.0.1:$1" -- cancel "$3" "$KEY" | tail -1)
  # wrk's 2 threads stride through the list and need not send equally many: skip 20% more (bench/run-benchmark.sh)
  local used=$(( $(cut -f1 <<<"$line") * 12 / 10 + 164 ))
  tail -n +"$((used + 1))" "$3" >"$3.rest" && mv "$3.rest" "$3"
  echo "$line"
}

# ---- speed --------------------------------------------------------------------------------------------------------
ceiling_points() { # the ceiling for cancel and create, with bodies captured from a real server
  log "ceiling"
  start_server "$OUT/capture"
  curl -s -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d '{"experiment_id":"exp_demo"}' \
    "http://127.0.0.1:$PORT/v1/workflows/experiments/runs" >"$OUT/create-body.json"
  local id; id=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$OUT/create-body.json")
  curl -s -X POST -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/v1/workflows/experiments/runs/$id/cancel" >"$OUT/cancel-body.json"
  curl -s -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/v1/workflows/experiments/runs/$id" >"$OUT/get-body.json"
  stop_pid "$SERVER_PID"
  local port; port=$(free_port)
  java -jar "$BENCH_JAR" ceiling --port "$port" --cancel-body "$OUT/cancel-body.json" --get-body "$OUT/get-body.json" \
    --create-body "$OUT/create-body.json" >"$OUT/ceiling.log" 2>&1 &
  local pid=$!; PIDS+=("$pid")
  wait_http "http://127.0.0.1:$port/"
  seq -f "ceiling_%g" 1 1000 >"$OUT/ceiling-ids.txt"
  WRK_THREADS=2 wrk -t2 -c32 -d"$WARM"s -s "$ROOT/bench/lua/runs.lua" "http://127.0.0.1:$port" -- cancel "$OUT/ceiling-ids.txt" "$KEY" >/dev/null
  record ceiling cancel "32 conn" "$POINT" "$(WRK_THREADS=2 wrk -t2 -c32 -d"$POINT"s --timeout 10s -s "$ROOT/bench/lua/runs.lua" \
    "http://127.0.0.1:$port" -- cancel "$OUT/ceiling-ids.txt" "$KEY" | tail -1)"
  record ceiling create "32 conn" "$POINT" "$(creates "$port" "$POINT" "$OUT/ceiling-created")"
  stop_pid "$pid"
}

exprun_points() { # system dir env...: warm-up, the create point, the cancel point (on the create point's runs)
  local system=$1 dir=$2; shift 2
  start_server "$dir" "$@"
  local ids=$dir/ids
  creates "$PORT" "$WARM" "$ids" >/dev/null
  cancels "$PORT" "$WARM" "$ids.txt" >/dev/null
  record "$system" create "32 conn" "$CREATE" "$(creates "$PORT" "$CREATE" "$ids")"
  top_up "$PORT" "$ids" $(( MAX_RATE * POINT ))
  local c0 w0; c0=$(metric "$PORT" exprun_db_commits_total); w0=$(metric "$PORT" exprun_db_writes_total)
  [[ $system == pg* ]] && pg_watch_start
  record "$system" cancel "32 conn" "$POINT" "$(cancels "$PORT" "$POINT" "$ids.txt")"
  [[ $system == pg* ]] && pg_watch_stop "$system"
  if [[ $system == sqlite ]]; then
    local c1 w1; c1=$(metric "$PORT" exprun_db_commits_total); w1=$(metric "$PORT" exprun_db_writes_total)
    echo "$system: $(( w1 - w0 )) writes in $(( c1 - c0 )) commits during the cancel point" >>"$OUT/notes.txt"
  fi
  # pending runs for the storage's own limit (Python's two cancel loops; pgbench), made through the API
  [[ $system == sqlite || $system == "pg gc=off" ]] && top_up "$PORT" "$ids" $(( MAX_RATE * POINT ))
  stop_pid "$SERVER_PID"
}

sqlite_limits() { # on a copy of the server's file, with the runs it left pending
  local copy=$OUT/sqlite-limit; mkdir -p "$copy"
  cp "$OUT/sqlite/data/exprun.db" "$copy/exprun.db"
  for f in "$OUT"/sqlite/data/exprun.db-wal; do [[ -f $f ]] && cp "$f" "$copy/exprun.db-wal"; done
  local ids=$OUT/sqlite/ids.txt
  for n in 1 64; do # a point that runs out of runs ends early: its rate is over the time it ran
    record "sqlite-limit $n/commit" cancel "1 writer" "$POINT" \
      "$($PY "$ROOT/bench/sqlite_limit.py" cancel "$copy/exprun.db" --ids "$ids" --per-commit "$n" --seconds "$POINT")"
    local used; used=$(tail -1 "$RESULTS" | cut -f5)
    tail -n +"$((used + 1))" "$ids" >"$ids.rest" && mv "$ids.rest" "$ids"
  done
  for n in 1 64; do
    record "sqlite-limit $n/commit" create "1 writer" "$POINT" \
      "$($PY "$ROOT/bench/sqlite_limit.py" create "$copy/exprun.db" --per-commit "$n" --seconds "$POINT")"
  done
}

PG_PORT=""
pgsql() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "${PGDB:-postgres}" -v ON_ERROR_STOP=1 -Atq "$@"; }
pg_start() {
  PG_PORT=$(free_port); PGDATA_DIR=$OUT/pg
  mkdir -p "$PGDATA_DIR"; chown postgres "$PGDATA_DIR"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres >"$OUT/pg-initdb.log"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w start -o \
    "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c synchronous_commit=on -c fsync=on -c max_connections=100 \
     -c shared_preload_libraries=pg_stat_statements -c track_io_timing=on" >/dev/null
}
WATCH_PID=""
pg_watch_start() { # statements and waits of the cancel point: pg_stat_statements reset, pg_stat_activity sampled
  PGDB=$PGDB pgsql -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null
  ( while true; do PGDB=$PGDB pgsql -F $'\t' -c "SELECT coalesce(wait_event_type, 'CPU'), coalesce(wait_event, '-'), state
      FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'"; sleep 0.1; done \
    >>"$OUT/$PGDB-waits.tsv" 2>/dev/null ) &
  WATCH_PID=$!
}
pg_watch_stop() {
  kill "$WATCH_PID" 2>/dev/null || true; wait "$WATCH_PID" 2>/dev/null || true
  { echo "## $1: pg_stat_statements during the cancel point (top 8 by total time)"; echo
    PGDB=$PGDB pgsql -F ' | ' -c "SELECT calls, round(total_exec_time::numeric, 1) AS total_ms, round(mean_exec_time::numeric, 3)
      AS mean_ms, left(regexp_replace(query, '\s+', ' ', 'g'), 100) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 8"
    echo; echo "## $1: backends sampled every 100 ms during the cancel point, by wait (CPU: not waiting)"; echo
    sort "$OUT/$PGDB-waits.tsv" | uniq -c | sort -rn | head -12; echo; } >>"$OUT/pg-where-the-time-goes.md"
}
pg_points() {
  pg_start
  for mode in on off; do
    PGDB=exprun_gc_$mode; "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$PGDB"
    local opts=(); [[ $mode == off ]] && opts=(JAVA_TOOL_OPTIONS=-Dexprun.groupCommit=off)
    exprun_points "pg gc=$mode" "$OUT/pg-$mode" EXPRUN_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$PGDB" \
      EXPRUN_DB_USER=postgres "${opts[@]}"
  done
  # pgbench: exprun's cancel statement, one commit each, on the runs the last server left pending
  local ids=$OUT/pg-off/ids.txt runs=$(( MAX_RATE * POINT ))
  head -n "$runs" "$ids" | awk '{print NR - 1 "\t" $0}' >"$OUT/pgbench-ids.tsv"
  PGDB=exprun_gc_off pgsql -c "DROP TABLE IF EXISTS bench_cancel_ids" -c "CREATE TABLE bench_cancel_ids (n int PRIMARY KEY, id text NOT NULL)" \
    -c "\\copy bench_cancel_ids FROM '$OUT/pgbench-ids.tsv'"
  rm -f "$OUT"/pgbench-log.*
  "$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared -c 32 -j 2 -T "$POINT" -D k=0 -D clients=32 \
    -D tenant=bench -D "reason=Cancelled by API request" -f "$ROOT/bench/pgbench/cancel.sql" -l --log-prefix="$OUT/pgbench-log" \
    exprun_gc_off >"$OUT/pgbench.log" 2>&1
  local cancelled transactions
  cancelled=$(PGDB=exprun_gc_off pgsql -c "SELECT count(*) FROM runs WHERE status = 'cancelled' AND id IN (SELECT id FROM bench_cancel_ids)")
  transactions=$(cat "$OUT"/pgbench-log.* | wc -l)
  record pgbench cancel "32 conn" "$POINT" "$($PY "$ROOT/bench/pgbench_line.py" "$OUT/pgbench-log" "$OUT/pgbench.log" $(( transactions - cancelled )))"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null; PGDATA_DIR=""
}

# ---- wal ----------------------------------------------------------------------------------------------------------
wal_part() {
  local dir=$OUT/wal; start_server "$dir"
  local db=$dir/data/exprun.db
  ( while true; do printf '%s\t%s\t%s\n' "$(date +%s)" "$(stat -c %s "$db-wal" 2>/dev/null || echo 0)" \
      "$(stat -c %s "$db" 2>/dev/null || echo 0)"; sleep 1; done >"$OUT/wal-samples.tsv" ) &
  local sampler=$!
  log "wal: creates at full speed for ${WAL_LOAD} s"
  record "sqlite wal" create "32 conn" "$WAL_LOAD" "$(creates "$PORT" "$WAL_LOAD" "$dir/ids")"
  date +%s >"$OUT/wal-load-ended"
  log "wal: idle for ${WAL_IDLE} s"; sleep "$WAL_IDLE"
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  local runs bytes
  runs=$($PY -c 'import sqlite3,sys; print(sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True).execute("SELECT count(*) FROM runs").fetchone()[0])' "$db")
  bytes=$(du -cb "$db"* | tail -1 | cut -f1)
  stop_pid "$SERVER_PID"
  $PY - "$OUT/wal-samples.tsv" "$(cat "$OUT/wal-load-ended")" "$runs" "$bytes" >"$OUT/wal-summary.txt" <<'EOF'
import sys
rows = [tuple(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
ended, runs, disk = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
load = [w for t, w, d in rows if t <= ended]
idle = [w for t, w, d in rows if t > ended]
mb = lambda b: b / 1048576
print("WAL under load: max %.1f MB over %d samples (1/s); idle: max %.1f MB, last %.1f MB" % (
    mb(max(load or [0])), len(load), mb(max(idle or [0])), mb(idle[-1] if idle else 0)))
print("%d runs, %.1f MB on disk (file, WAL, shared memory): %.0f bytes per run" % (runs, mb(disk), disk / max(runs, 1)))
EOF
  cat "$OUT/wal-summary.txt" >&2
}

# ---- retention ----------------------------------------------------------------------------------------------------
retention_part() {
  for retention in off "$RET_AGE"; do
    local name=retention-${retention/ /}; local dir=$OUT/$name
    start_server "$dir" EXPRUN_RETENTION="$retention"
    local db=$dir/data/exprun.db
    ( while true; do
        $PY - "$db" "$RET_AGE" <<'EOF' 2>/dev/null || true
import re, sqlite3, sys, time
n, unit = re.fullmatch(r"(\d+)(ms|s|m|h|d)", sys.argv[2]).groups()
age_ms = int(n) * {"ms": 1, "s": 1000, "m": 60000, "h": 3600000, "d": 86400000}[unit]
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
now = int(time.time() * 1000)
expired = db.execute("SELECT count(*) FROM runs WHERE completed_at < ? AND status IN ('completed', 'error', "
                     "'cancelled')", (now - age_ms,)).fetchone()[0]
total = db.execute("SELECT count(*) FROM runs").fetchone()[0]
db.close()
import os
size = sum(os.path.getsize(sys.argv[1] + s) for s in ("", "-wal", "-shm") if os.path.exists(sys.argv[1] + s))
print("%d\t%d\t%d\t%d" % (now // 1000, expired, total, size))
EOF
        sleep 10; done >"$OUT/$name-samples.tsv" ) &
    local sampler=$!
    log "$name: runs created and cancelled at full speed for ${RET_SECONDS} s"
    java -jar "$BENCH_JAR" churn --base "http://127.0.0.1:$PORT" --key "$KEY" --connections 32 --seconds "$RET_SECONDS" \
      --measure-after-seconds "$RET_AFTER" --intervals "$OUT/$name-intervals.tsv" >"$OUT/$name-summary.tsv"
    kill "$sampler"; wait "$sampler" 2>/dev/null || true
    while IFS=$'\t' read -r kind line; do record "sqlite $name" "$kind" "churn 32" "$RET_SECONDS" "$line"; done \
      <"$OUT/$name-summary.tsv"
    local deleted; deleted=$(metric "$PORT" exprun_retention_runs_deleted_total)
    echo "$name: $deleted runs deleted by retention" >>"$OUT/notes.txt"
    stop_pid "$SERVER_PID"
  done
  $PY - "$OUT" "$RET_AGE" "$RET_AFTER" >"$OUT/retention-summary.txt" <<'EOF'
import sys
out, age, after = sys.argv[1], sys.argv[2], float(sys.argv[3])
def samples(name):
    return [tuple(map(int, l.split())) for l in open("%s/%s-samples.tsv" % (out, name)) if l.strip()]
on = samples("retention-" + age)
if on:
    t0 = on[0][0]
    late = [s for s in on if s[0] - t0 >= after]
    print("with EXPRUN_RETENTION=%s: expired runs still present, sampled every 10 s after %.0f s: max %d, last %d" % (
        age, after, max((s[1] for s in late), default=0), late[-1][1] if late else 0))
    print("  runs in the file: first %d, last %d; file (with WAL): first %.1f MB, after %.0f s %.1f MB, last %.1f MB" % (
        on[0][2], on[-1][2], on[0][3] / 1048576, after, (late[0][3] if late else 0) / 1048576, on[-1][3] / 1048576))
EOF
  cat "$OUT/retention-summary.txt" >&2
}

# ---- run ----------------------------------------------------------------------------------------------------------
if [[ " $PARTS " == *" speed "* ]]; then
  ceiling_points
  exprun_points sqlite "$OUT/sqlite"
  sqlite_limits
  pg_points
fi
[[ " $PARTS " == *" wal "* ]] && wal_part
[[ " $PARTS " == *" retention "* ]] && retention_part

{
  echo "# exprun storage speed (issue 34), $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Server: $SERVER_JAR. Machine: $(nproc) cores, $(java -version 2>&1 | head -1), wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'),"
  echo "load average (1, 5, 15 min) at the start ${LOAD_AT_START}, at the end $(cut -d' ' -f1-3 /proc/loadavg). Cancel point ${POINT} s,"
  echo "create point ${CREATE} s, warm-up ${WARM} s per server process."
  echo
  $PY "$ROOT/bench/storage_speed_report.py" "$RESULTS"
  for f in notes.txt wal-summary.txt retention-summary.txt pg-where-the-time-goes.md; do
    if [[ -f $OUT/$f ]]; then echo; cat "$OUT/$f"; fi
  done
} | tee "$OUT/report.md"
log "report: $OUT/report.md"
