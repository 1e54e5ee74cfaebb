#!/usr/bin/env bash
# Waiting for a run without polling (contract 0.3.0, issue 35): BENCH_WAIT_CLIENTS (200) clients wait at once on one
# run of the demo experiment (GET …/runs/{id}?wait_for=terminal&timeout=60s, asking again while not terminal), and
# each client's answer is timed from the run's end (its completed_at: the database's clock, on this machine, taken by
# the statement, so the commit's own time is in it) to its arrival. Printed per sitting: latency first / p50 / p99 /
# max (max − first: the fan-out alone), requests per client (mean, max), the waiting server's live
# threads before the waits and while they all wait (jvm_threads_live_threads), how many waited at once.
#
#   bench/run-waits.sh                                   # SQLite, one instance; then PostgreSQL, two instances
#   BENCH_WAIT_SYSTEMS=sqlite BENCH_WAIT_REPEAT=1 BENCH_WAIT_CLIENTS=20 BENCH_WAIT_DOC_MS=200 bench/run-waits.sh  # smoke
#
# sqlite: one instance with workers; the run ends there, so its waiters are woken in the process (target: p99 ≤ 50 ms,
#   threads not growing with the waiters, ≤ 2 requests per client).
# pg: two instances on one PostgreSQL (a throwaway cluster, as run-benchmark.sh makes one): the clients wait on A (no
#   workers), the run is created on and executed by B; A learns of the end at its next poll of the runs waited on
#   (every 100 ms; target p99 ≤ 1 s).
# Each system is measured BENCH_WAIT_REPEAT (3) times; a run takes 5 × BENCH_WAIT_DOC_MS (default 2000: 10 s), long
# enough for every client to be waiting before it ends. Needs: java, curl, python3; for pg, PostgreSQL's programs
# (/usr/lib/postgresql/*/bin; run as root, like run-benchmark.sh). Results: bench/target/waits-<time>/results.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CLIENTS=${BENCH_WAIT_CLIENTS:-200}
DOC_MS=${BENCH_WAIT_DOC_MS:-2000}
REPEAT=${BENCH_WAIT_REPEAT:-3}
SYSTEMS=${BENCH_WAIT_SYSTEMS:-sqlite pg}
OUT=$ROOT/bench/target/waits-$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$OUT/results.tsv
mkdir -p "$OUT"
PIDS=()
PGDATA_DIR=""
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n "$PGDATA_DIR" ]]; then runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "building server and bench jars"; ./mvnw -B -q -pl server,bench -am package -DskipTests
fi
SERVER_JAR=$ROOT/server/target/exprun-server.jar
BENCH_JAR=$ROOT/bench/target/exprun-bench.jar
KEY=wait_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 240); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; log "nothing at $1"; return 1; }

PORT=""; SERVER_PID=""
start_server() { # workers dir env...
  local workers=$1 dir=$2; shift 2
  mkdir -p "$dir"; PORT=$(free_port)
  (cd "$dir" && exec env EXPRUN_PORT="$PORT" EXPRUN_BIND=127.0.0.1 EXPRUN_WORKERS="$workers" EXPRUN_SIM_DOC_MS="$DOC_MS" \
    EXPRUN_SIM_FAILURE_RATE=0 EXPRUN_RETENTION=off EXPRUN_API_KEYS="$KEY:tenant-a" EXPRUN_TENANT_MAX_WAITS=$((CLIENTS * 2)) \
    "$@" java -Xmx1g -jar "$SERVER_JAR" >>"$dir/server.log" 2>&1) &
  SERVER_PID=$!; PIDS+=("$SERVER_PID")
  wait_http "http://127.0.0.1:$PORT/healthz"
}

for system in $SYSTEMS; do
  case $system in
    sqlite)
      for i in $(seq 1 "$REPEAT"); do
        start_server 2 "$OUT/sqlite-$i"; a=$PORT; a_pid=$SERVER_PID
        line=$(java -jar "$BENCH_JAR" waits --base "http://127.0.0.1:$a" --key "$KEY" --clients "$CLIENTS")
        printf 'sqlite\t%s\t%s\n' "$i" "$line" | tee -a "$RESULTS" >&2
        kill "$a_pid"; wait "$a_pid" 2>/dev/null || true
      done ;;
    pg)
      [[ -x "$PG_BIN/postgres" ]] || { log "pg: needs PostgreSQL's programs (apt-get install postgresql)"; exit 1; }
      PG_PORT=$(free_port); PGDATA_DIR=$OUT/pgdata; mkdir -p "$PGDATA_DIR"; chown postgres "$PGDATA_DIR"
      runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres >"$OUT/pg-initdb.log"
      runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w start -o \
        "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=100" >/dev/null
      DB=(EXPRUN_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres" EXPRUN_DB_USER=postgres EXPRUN_DB_POOL_SIZE=16)
      for i in $(seq 1 "$REPEAT"); do
        start_server 2 "$OUT/pg-$i-b" "${DB[@]}"; b=$PORT; b_pid=$SERVER_PID
        start_server 0 "$OUT/pg-$i-a" "${DB[@]}"; a=$PORT; a_pid=$SERVER_PID
        line=$(java -jar "$BENCH_JAR" waits --base "http://127.0.0.1:$a" --create-via "http://127.0.0.1:$b" \
          --key "$KEY" --clients "$CLIENTS")
        printf 'pg\t%s\t%s\n' "$i" "$line" | tee -a "$RESULTS" >&2
        kill "$a_pid" "$b_pid"; wait "$a_pid" "$b_pid" 2>/dev/null || true
      done
      runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null; PGDATA_DIR="" ;;
    *) log "BENCH_WAIT_SYSTEMS: sqlite or pg, not $system"; exit 1 ;;
  esac
done

python3 - "$RESULTS" "$CLIENTS" "$DOC_MS" "$(nproc)" <<'PY'
import sys, collections, statistics
path, clients, doc_ms, cores = sys.argv[1:]
by = collections.defaultdict(list)
for line in open(path):
    f = line.rstrip("\n").split("\t")
    by[f[0]].append([float(x) for x in f[2:12]])
print(f"\n{clients} clients waiting on one run of exp_demo (5 documents × {doc_ms} ms), {cores} cores; medians over sittings")
print("\n| system | sittings | end → answer first / p50 / p99 / max ms | requests per client mean / max | server threads before / while waiting | waited at once |")
print("|---|---:|---|---|---|---:|")
for system in ("sqlite", "pg"):
    v = by.get(system)
    if not v:
        continue
    med = lambda i: statistics.median(x[i] for x in v)
    where = "one instance" if system == "sqlite" else "waits on A, run ended by B"
    print(f"| {system} ({where}) | {len(v)} | {med(9):.0f} / {med(1):.0f} / {med(2):.0f} / {med(3):.0f} | {med(4):.2f} / {med(5):.0f} "
          f"| {med(6):.0f} / {med(7):.0f} | {med(8):.0f} |")
PY
