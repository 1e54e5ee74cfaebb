#!/usr/bin/env bash
# Fair queuing between tenants (issue 33): the acceptance scenarios, the shipped jar in its own process, one sitting.
#
#   bench/run-fairness.sh                                                         # 152k runs, as in the issue
#   BENCH_FAIR_RUNS=20000 BENCH_FAIR_SECONDS=15 BENCH_FAIR_WARMUP_SECONDS=10 BENCH_SKIP_BUILD=1 \
#     bench/run-fairness.sh                                                        # reduced scale
#   BENCH_FAIR_SCENARIOS="lone split" ...                                          # some scenarios only
#
# The data: BENCH_FAIR_RUNS runs of two tenants, A and B, half each, created through the API by the volume benchmark's
# `volume fill` (every status present: the server's worker moves them on), in one SQLite database that every server
# copies. Each server runs with the defaults and without workers. Scenarios (BENCH_FAIR_SCENARIOS):
#   lone    A alone on an idle server: gets at 64 connections, then lists at 16 (each warmed up first), in turns
#           BENCH_FAIR_ORDER (default "fair off off fair", A B B A: a machine that drifts weighs on both alike), "off"
#           being EXPRUN_FAIR_QUEUING=off (one first-come-first-served queue). Wants 0 answers 429 and fair's
#           throughput >= 0.95x off's.
#   split   A and B both saturating, gets at 32 connections each, at once: wants each 0.45-0.55 of the completions.
#   noisy   B's gets (4 connections) unloaded; A's lists alone (16 connections); then A's lists and B's gets together,
#           with /healthz on one connection. Wants B's loaded p99 <= 2x its unloaded p99, and A's lists loaded >=
#           0.9x (A alone - B's share), B's gets counted as lists at the edge's cost (7 gets a list).
#   hammer  B's gets alone (4 connections); then A's gets at BENCH_FAIR_HAMMER_CONNECTIONS (512) connections ignoring
#           Retry-After, with B's gets. Wants B's throughput >= 0.8x B alone.
#   dbdown  on PostgreSQL (skipped without it): A's gets (64) and lists (16) while the database is stopped
#           (pg_ctl -m immediate) 2 s in. Wants 0 answers 429 (503 + Retry-After instead).
# Gets and lists: wrk + bench/lua/fairness.lua (gets pick one of the tenant's runs at random).
# Output: bench/target/fairness-<time>/results.tsv (scenario, turn, mode, who, then fairness.lua's line), and a table.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=${BENCH_FAIR_RUNS:-152000}
POINT=${BENCH_FAIR_SECONDS:-30}
WARM=${BENCH_FAIR_WARMUP_SECONDS:-60}
ORDER=${BENCH_FAIR_ORDER:-fair off off fair}
SCENARIOS=${BENCH_FAIR_SCENARIOS:-lone split noisy hammer dbdown}
HAMMER=${BENCH_FAIR_HAMMER_CONNECTIONS:-512}
OUT=$ROOT/bench/target/fairness-$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$OUT/results.tsv
mkdir -p "$OUT"
PIDS=(); PGDATA_DIR=""
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n "$PGDATA_DIR" ]]; then runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m immediate stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
command -v sqlite3 >/dev/null || { echo "needs sqlite3 (apt-get install sqlite3)"; exit 1; }
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "building server and bench jars"; ./mvnw -B -q -pl server,bench -am package -DskipTests
fi
SERVER_JAR=$ROOT/server/target/exprun-server.jar
BENCH_JAR=$ROOT/bench/target/exprun-bench.jar
KEY_A=fair_a_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n'); KEY_B=fair_b_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 240); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; log "nothing at $1"; return 1; }

PORT=""; SERVER_PID=""
start_server() { # workers dir env...
  local workers=$1 dir=$2; shift 2
  PORT=$(free_port)
  (cd "$dir" && exec env EXPRUN_PORT="$PORT" EXPRUN_BIND=127.0.0.1 EXPRUN_WORKERS="$workers" EXPRUN_SIM_DOC_MS=0 \
    EXPRUN_SIM_FAILURE_RATE=0.05 EXPRUN_RETENTION=off EXPRUN_API_KEYS="$KEY_A:tenant-a,$KEY_B:tenant-b" "$@" \
    java -Xmx1g -jar "$SERVER_JAR" >>"$dir/server.log" 2>&1) &
  SERVER_PID=$!; PIDS+=("$SERVER_PID")
  wait_http "http://127.0.0.1:$PORT/healthz"
}
stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
# a copy of the seed's database in a fresh directory, then a server on it: fresh_server name env...
fresh_server() {
  local dir=$OUT/$1; shift; mkdir -p "$dir/data"; cp "$SEED/data/exprun.db" "$dir/data/"; start_server 0 "$dir" "$@"
}
# load what tenant connections seconds [retry] -> fairness.lua's line
load() {
  local what=$1 tenant=$2 conns=$3 secs=$4 retry=${5:-honor} key ids threads=2
  if [[ $tenant == a ]]; then key=$KEY_A; ids=$OUT/a-ids.txt; else key=$KEY_B; ids=$OUT/b-ids.txt; fi
  ((conns < 2)) && threads=1
  wrk -t"$threads" -c"$conns" -d"$secs"s --timeout 10s -s "$ROOT/bench/lua/fairness.lua" "http://127.0.0.1:$PORT" \
    -- "$what" "$key" "$retry" "$ids" | tail -1
}
record() { printf '%s\t%s\n' "$1" "$2" | tee -a "$RESULTS" >&2; } # scenario<TAB>turn<TAB>mode<TAB>who, line

# the data, once, through the API (two tenants, served in turn)
SEED=$OUT/seed; mkdir -p "$SEED"
start_server 1 "$SEED"
log "creating $RUNS runs of tenants A and B"
java -jar "$BENCH_JAR" volume fill --from 0 --to "$RUNS" --base "http://127.0.0.1:$PORT" --key-a "$KEY_A" \
  --key-b "$KEY_B" --ids "$SEED/ids.tsv" >"$SEED/fill.txt"
stop_server
sqlite3 "$SEED/data/exprun.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
awk -F'\t' '$1 == 0 {print $2}' "$SEED/ids.tsv" | shuf >"$OUT/a-ids.txt"
awk -F'\t' '$1 == 1 {print $2}' "$SEED/ids.tsv" | shuf >"$OUT/b-ids.txt"
log "$(wc -l <"$OUT/a-ids.txt") runs of A, $(wc -l <"$OUT/b-ids.txt") of B"

for scenario in $SCENARIOS; do
  case $scenario in
  lone)
    turn=0
    for mode in $ORDER; do
      turn=$((turn + 1)); env=()
      [[ $mode == off ]] && env=(EXPRUN_FAIR_QUEUING=off)
      [[ $mode == fair || $mode == off ]] || { log "BENCH_FAIR_ORDER: fair or off, not $mode"; exit 1; }
      fresh_server "lone-$turn-$mode" "${env[@]}"
      load gets a 64 "$WARM" >/dev/null
      record "lone	$turn	$mode	gets64" "$(load gets a 64 "$POINT")"
      load lists a 16 "$((WARM / 2 + 1))" >/dev/null
      record "lone	$turn	$mode	lists16" "$(load lists a 16 "$POINT")"
      stop_server
    done ;;
  split)
    fresh_server split
    load gets a 32 "$WARM" >/dev/null
    load gets a 32 "$POINT" >"$OUT/split-a.txt" & a_pid=$!; PIDS+=("$a_pid")
    record "split	1	fair	b" "$(load gets b 32 "$POINT")"
    wait "$a_pid"; record "split	1	fair	a" "$(cat "$OUT/split-a.txt")"
    stop_server ;;
  noisy)
    fresh_server noisy
    load gets b 4 "$WARM" >/dev/null
    record "noisy	1	fair	b-unloaded" "$(load gets b 4 "$POINT")"
    load lists a 16 "$((WARM / 2 + 1))" >/dev/null
    record "noisy	1	fair	a-alone" "$(load lists a 16 "$POINT")"
    # A runs through the whole loaded point: it starts first and ends after it
    load lists a 16 "$((POINT + 4))" >"$OUT/noisy-a.txt" & a_pid=$!; PIDS+=("$a_pid")
    sleep 2
    wrk -t1 -c1 -d"$POINT"s --timeout 10s -s "$ROOT/bench/lua/fairness.lua" "http://127.0.0.1:$PORT" -- healthz \
      | tail -1 >"$OUT/noisy-healthz.txt" & h_pid=$!; PIDS+=("$h_pid")
    record "noisy	1	fair	b-loaded" "$(load gets b 4 "$POINT")"
    wait "$h_pid" "$a_pid"
    record "noisy	1	fair	a-loaded" "$(cat "$OUT/noisy-a.txt")"
    record "noisy	1	fair	healthz" "$(cat "$OUT/noisy-healthz.txt")"
    stop_server ;;
  hammer)
    fresh_server hammer
    load gets b 4 "$WARM" >/dev/null
    record "hammer	1	fair	b-alone" "$(load gets b 4 "$POINT")"
    load gets a "$HAMMER" "$((POINT + 4))" ignore >"$OUT/hammer-a.txt" & a_pid=$!; PIDS+=("$a_pid")
    sleep 2
    record "hammer	1	fair	b-loaded" "$(load gets b 4 "$POINT")"
    wait "$a_pid"; record "hammer	1	fair	a-hammer" "$(cat "$OUT/hammer-a.txt")"
    stop_server ;;
  dbdown)
    if [[ ! -x "$PG_BIN/postgres" ]]; then log "dbdown: no PostgreSQL under /usr/lib/postgresql, skipped"; continue; fi
    PG_PORT=$(free_port); PGDATA_DIR=$OUT/pg; mkdir -p "$PGDATA_DIR"; chown postgres "$PGDATA_DIR"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres >"$OUT/pg-initdb.log"
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w start -o \
      "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=100" >/dev/null
    dir=$OUT/dbdown; mkdir -p "$dir"
    start_server 0 "$dir" EXPRUN_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres" EXPRUN_DB_USER=postgres
    java -jar "$BENCH_JAR" volume fill --from 0 --to 2000 --base "http://127.0.0.1:$PORT" --key-a "$KEY_A" \
      --key-b "$KEY_B" --ids "$dir/ids.tsv" >"$dir/fill.txt"
    awk -F'\t' '$1 == 0 {print $2}' "$dir/ids.tsv" >"$OUT/a-ids.txt" # A's gets now read PostgreSQL's runs
    load gets a 64 "$((POINT + 2))" >"$OUT/dbdown-gets.txt" & g_pid=$!; PIDS+=("$g_pid")
    load lists a 16 "$((POINT + 2))" >"$OUT/dbdown-lists.txt" & l_pid=$!; PIDS+=("$l_pid")
    sleep 2
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m immediate stop >/dev/null; PGDATA_DIR=""
    log "dbdown: PostgreSQL stopped"
    wait "$g_pid" "$l_pid"
    record "dbdown	1	fair	gets64" "$(cat "$OUT/dbdown-gets.txt")"
    record "dbdown	1	fair	lists16" "$(cat "$OUT/dbdown-lists.txt")"
    stop_server ;;
  *) log "BENCH_FAIR_SCENARIOS: lone split noisy hammer dbdown, not $scenario"; exit 1 ;;
  esac
done

python3 "$ROOT/bench/fairness_report.py" "$RESULTS" "$RUNS" "$(nproc)"
