#!/usr/bin/env bash
# exprun with a year's worth of runs: latency and bytes on disk as the data grows (issue 19; results in
# docs/benchmarks-archive.md, "Volume"). One command:
#
#   bench/run-volume-benchmark.sh                                   # 10k, 100k and 1M runs on SQLite and PostgreSQL
#   BENCH_VOLUME_SIZES="2000 10000" BENCH_VOLUME_IDLE_SECONDS=5 bench/run-volume-benchmark.sh     # smoke run
#   BENCH_VOLUME_DATABASES=sqlite bench/run-volume-benchmark.sh                                  # one database
#
# For each database (SQLite, the embedded default; PostgreSQL from Debian's server binaries, synchronous_commit=on),
# in its own fresh data directory, with the shipped jar in its own process:
#   1. fill through the API up to the next size (bench's `volume fill`: two tenants, both catalog experiments, every
#      fourth run cancelled at once, the others moved on by the server's own BENCH_VOLUME_WORKERS (1) workers as fast
#      as they go: completed, some in error (EXPRUN_SIM_FAILURE_RATE=0.05 per document), the rest pending or queued);
#   2. restart the server without workers (the data holds still while it is measured), measure every operation one
#      request at a time (`volume measure`: create, get, cancel, results of a run, every list shape) and the bytes on
#      disk per run (SQLite: its file, WAL and shared memory; PostgreSQL: runs, results and idempotency_keys with
#      their indexes and TOAST, plus pg_wal);
#   3. the bytes on disk are taken right after each fill with the server still up (no restart has compacted anything),
#      after the restart, and after the last size also after BENCH_VOLUME_IDLE_SECONDS (120) idle and another restart;
#   4. retention, after the last size: every terminal run swept (EXPRUN_RETENTION=1s) while creates and cancels are
#      timed, then as many runs created again: the bytes show the freed space reused rather than the files growing.
#      BENCH_VOLUME_RETENTION=0 leaves it out: the sweeper's pace (10 runs a batch, 100 ms apart) needs 2 h or more
#      for the ~750k terminal runs of the 1M size.
# Creating stops before a size that would leave less than BENCH_MIN_FREE_GB (20) free, and says so.
# Output: bench/target/volume-<time>/volume.tsv (latency) and disk.tsv (bytes), and a summary on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SIZES=(${BENCH_VOLUME_SIZES:-10000 100000 1000000})
IDLE=${BENCH_VOLUME_IDLE_SECONDS:-120}
SAMPLES=${BENCH_VOLUME_SAMPLES:-500}
OUT=$ROOT/bench/target/volume-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
PIDS=(); PGDATA_DIR=""
# the fill sends 16 connections of two tenants, served in turn by the fair queues (bench/run-fairness.sh measures them)
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n "$PGDATA_DIR" ]]; then runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
missing=()
[[ -x "$PG_BIN/postgres" ]] || missing+=(postgresql)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
if ((${#missing[@]})); then
  log "installing ${missing[*]}"; apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "building server and bench jars"; ./mvnw -B -q -pl server,bench -am package -DskipTests
fi
SERVER_JAR=$ROOT/server/target/exprun-server.jar
BENCH_JAR=$ROOT/bench/target/exprun-bench.jar
KEY_A=vol_a_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n'); KEY_B=vol_b_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 240); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; log "nothing at $1"; return 1; }

PORT=""; SERVER_PID=""
start_server() { # workers dir env...
  local workers=$1 dir=$2; shift 2
  PORT=$(free_port)
  (cd "$dir" && exec env EXPRUN_PORT="$PORT" EXPRUN_BIND=127.0.0.1 EXPRUN_WORKERS="$workers" EXPRUN_SIM_DOC_MS=0 \
    EXPRUN_SIM_FAILURE_RATE=0.05 EXPRUN_API_KEYS="$KEY_A:tenant-a,$KEY_B:tenant-b" "$@" \
    java -Xmx1g -jar "$SERVER_JAR" >>"$OUT/server-$DB.log" 2>&1) &
  SERVER_PID=$!; PIDS+=("$SERVER_PID")
  wait_http "http://127.0.0.1:$PORT/healthz"
}
stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
volume() { java -jar "$BENCH_JAR" volume "$1" --base "http://127.0.0.1:$PORT" --key-a "$KEY_A" --key-b "$KEY_B" \
  --ids "$WORK/ids.tsv" "${@:2}"; }

disk_bytes() { # the database's bytes on disk now
  if [[ $DB == sqlite ]]; then
    du -cb "$WORK"/data/exprun.db* | tail -1 | cut -f1
  else
    local tables wal
    tables=$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atc "SELECT pg_total_relation_size('runs') \
      + pg_total_relation_size('results') + pg_total_relation_size('idempotency_keys')")
    wal=$(du -sb "$PGDATA_DIR/pg_wal" | cut -f1)
    echo $((tables + wal))
  fi
}
runs_in_db() { # the runs the API created (ids file) — the denominator of bytes per run
  wc -l <"$WORK/ids.tsv"
}
record_disk() { # when
  local bytes runs; bytes=$(disk_bytes); runs=$(runs_in_db)
  printf '%s\t%s\t%s\t%s\t%s\n' "$DB" "$SIZE" "$1" "$bytes" "$((bytes / runs))" >>"$OUT/disk.tsv"
  log "$DB $SIZE $1: $bytes bytes, $((bytes / runs)) bytes/run"
}
status_mix() {
  local sql="SELECT status, COUNT(*) FROM runs GROUP BY status ORDER BY status"
  if [[ $DB == sqlite ]]; then sqlite3 "$WORK/data/exprun.db" "$sql" | tr '\n' ' '
  else psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atc "$sql" | tr '\n' ' '; fi
}

metric() { # name: its value in the running server's /metrics (0 when absent)
  curl -s "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" '$1 == m {print $2; found=1} END {if (!found) print 0}'
}
batch_times() { # the sweeper's transactions so far, from its timer (percentiles over the last minute or two)
  curl -s "http://127.0.0.1:$PORT/metrics" | awk '
    /^exprun_retention_batch_seconds\{.*quantile="0.5"/ {p50 = $2 * 1000}
    /^exprun_retention_batch_seconds\{.*quantile="0.99"/ {p99 = $2 * 1000}
    /^exprun_retention_batch_seconds_max/ {max = $2 * 1000}
    /^exprun_retention_batch_seconds_count/ {n = $2}
    END {printf "sweep transactions: %d, p50 %.1f ms, p99 %.1f ms, max %.1f ms", n, p50, p99, max}'
}
live_runs() {
  local sql="SELECT COUNT(*) FROM runs"
  if [[ $DB == sqlite ]]; then sqlite3 "$WORK/data/exprun.db" "$sql"
  else psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atc "$sql"; fi
}
retention_phase() { # env...: the space coming back. Every terminal run is made old enough (EXPRUN_RETENTION=1s) and
  # swept while creates and cancels are timed; then as many runs as were deleted are created again, and the bytes
  # show whether the freed space was reused (SQLite's free pages, PostgreSQL's autovacuum) or the files grew
  local before after deleted
  before=$(disk_bytes)
  start_server 0 "$WORK" "$@" EXPRUN_RETENTION=1s EXPRUN_RETENTION_SWEEP_MS=1000
  log "$DB: sweeping terminal runs (live runs: $(live_runs))"
  volume measure "$DB-during-the-sweep-$SIZE" --samples "$SAMPLES" --only create,cancel | tee -a "$OUT/volume.tsv" >&2
  # how long each sweep transaction held the database while those creates and cancels were timed
  printf '%s\t%s\t%s\t\t\n' "$DB" "$SIZE" "$(batch_times)" >>"$OUT/retention.tsv"
  local last=-1 now
  while now=$(metric exprun_retention_runs_deleted_total); [[ "$now" != "$last" ]]; do last=$now; sleep 10; done
  deleted=${now%.*}
  after=$(disk_bytes)
  printf '%s\t%s\t%s\t%s\t%s\n' "$DB" "$SIZE" "swept: $deleted runs deleted, $(live_runs) live" "$after" \
    "$(( (before - after) ))" >>"$OUT/retention.tsv"
  stop_server
  start_server "${BENCH_VOLUME_WORKERS:-1}" "$WORK" "$@"
  log "$DB: creating $deleted runs again"
  volume fill --from 0 --to "$deleted" >/dev/null
  stop_server
  printf '%s\t%s\t%s\t%s\t%s\n' "$DB" "$SIZE" "after creating $deleted runs again" "$(disk_bytes)" \
    "$(( $(disk_bytes) - before ))" >>"$OUT/retention.tsv"
  log "$DB: bytes before the sweep $before, after it $after, after refilling $(disk_bytes)"
}

series() { # db env...
  DB=$1; shift
  WORK=$OUT/$DB; mkdir -p "$WORK"; : >"$WORK/ids.tsv"
  local made=0
  for SIZE in "${SIZES[@]}"; do
    local free_gb; free_gb=$(df -BG --output=avail "$WORK" | tail -1 | tr -dc 0-9)
    if ((free_gb < ${BENCH_MIN_FREE_GB:-20})); then
      log "$DB: stopped creating runs before $SIZE: only ${free_gb} GB free"; echo "$DB	$SIZE	not reached: ${free_gb} GB free" >>"$OUT/skipped.tsv"; break
    fi
    start_server "${BENCH_VOLUME_WORKERS:-1}" "$WORK" "$@"
    log "$DB: filling to $SIZE runs"
    printf '%s\t%s\t%s\n' "$DB" "$SIZE" "$(volume fill --from "$made" --to "$SIZE")" >>"$OUT/fill.tsv"
    made=$SIZE
    record_disk "right after filling, server up"
    stop_server
    start_server 0 "$WORK" "$@"
    log "$DB: status mix at $SIZE: $(status_mix)"
    echo "$DB	$SIZE	$(status_mix)" >>"$OUT/mix.tsv"
    volume measure "$DB-$SIZE" --samples "$SAMPLES" | tee -a "$OUT/volume.tsv" >&2
    record_disk "after a restart and the measurement"
    if [[ $SIZE == "${SIZES[-1]}" ]]; then
      sleep "$IDLE"; record_disk "after ${IDLE}s idle"
      stop_server; start_server 0 "$WORK" "$@"; record_disk "after idle and another restart"
      stop_server
      if [[ "${BENCH_VOLUME_RETENTION:-1}" != 0 ]]; then retention_phase "$@"; fi
      continue
    fi
    stop_server
  done
}

DATABASES=" ${BENCH_VOLUME_DATABASES:-sqlite postgresql} "
if [[ $DATABASES == *" sqlite "* ]]; then
  log "SQLite (embedded default)"
  series sqlite
fi
if [[ $DATABASES == *" postgresql "* ]]; then
log "PostgreSQL ($("$PG_BIN/postgres" --version))"
PG_PORT=$(free_port); PGDATA_DIR=$OUT/pg
mkdir -p "$PGDATA_DIR"; chown postgres "$PGDATA_DIR"
runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres >"$OUT/pg-initdb.log"
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w start -o \
  "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c synchronous_commit=on -c fsync=on -c max_connections=100" >/dev/null
series postgresql EXPRUN_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres" EXPRUN_DB_USER=postgres
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null; PGDATA_DIR=""
fi

python3 "$ROOT/bench/volume_report.py" "$OUT"
