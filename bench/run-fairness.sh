#!/usr/bin/env bash
# Fair shares between tenants (issue 23, item 3): tenant B's get while tenant A saturates lists, with the per-tenant
# bounds and without them (both set very high: the baseline), the same sitting.
#
#   bench/run-fairness.sh                                                         # 152k runs, as in the issue
#   BENCH_FAIR_RUNS=20000 BENCH_FAIR_SECONDS=15 BENCH_FAIR_WARMUP_SECONDS=10 BENCH_FAIR_ORDER="baseline bounded" \
#     BENCH_SKIP_BUILD=1 bench/run-fairness.sh                                     # reduced scale
#
# The data: BENCH_FAIR_RUNS runs of two tenants, A and B, half each, created through the API by the volume benchmark's
# `volume fill` (every status present: the server's worker moves them on), in one SQLite database that every turn
# copies. Each turn (BENCH_FAIR_ORDER, default "baseline bounded bounded baseline", so a machine that speeds up or slows
# down during the sitting weighs on both alike) starts the shipped jar in its own process on its copy, without
# workers, and:
#   1. warms up with B's gets (BENCH_FAIR_WARMUP_SECONDS), then measures them alone: B unloaded;
#   2. starts A: 16 connections (BENCH_FAIR_A_CONNECTIONS) of lists, a random limit 50-100 and a random order each
#      (bench/lua/fairness.lua), honouring Retry-After (BENCH_FAIR_A_RETRY=ignore: not);
#   3. while A runs, measures B's gets again (B loaded) and /healthz on one connection.
# B's gets: wrk + bench/lua/runs.lua (one of B's runs per request) on BENCH_FAIR_B_CONNECTIONS (4) connections.
# "bounded" runs with the server's defaults (EXPRUN_TENANT_MAX_CONCURRENT, EXPRUN_TENANT_MAX_LISTS unset); "baseline"
# with both at 1000000, which no load here reaches.
# Output: bench/target/fairness-<time>/results.tsv, and a table: B's get p50/p99/p99.9/max unloaded and loaded, each as
# a ratio of B's unloaded p99 of the same turn, /healthz under load, and A's answered lists and 429s.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=${BENCH_FAIR_RUNS:-152000}
POINT=${BENCH_FAIR_SECONDS:-30}
WARM=${BENCH_FAIR_WARMUP_SECONDS:-60}
ORDER=${BENCH_FAIR_ORDER:-baseline bounded bounded baseline}
A_CONNECTIONS=${BENCH_FAIR_A_CONNECTIONS:-16}
B_CONNECTIONS=${BENCH_FAIR_B_CONNECTIONS:-4}
A_RETRY=${BENCH_FAIR_A_RETRY:-honor}
OUT=$ROOT/bench/target/fairness-$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$OUT/results.tsv
mkdir -p "$OUT"
PIDS=()
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
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
UNBOUNDED=(EXPRUN_TENANT_MAX_CONCURRENT=1000000 EXPRUN_TENANT_MAX_LISTS=1000000)

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

# the data, once: created through the API with the bounds off (the fill's 16 connections are one tenant's at a time)
SEED=$OUT/seed; mkdir -p "$SEED"
start_server 1 "$SEED" "${UNBOUNDED[@]}"
log "creating $RUNS runs of tenants A and B"
java -jar "$BENCH_JAR" volume fill --from 0 --to "$RUNS" --base "http://127.0.0.1:$PORT" --key-a "$KEY_A" \
  --key-b "$KEY_B" --ids "$SEED/ids.tsv" >"$SEED/fill.txt"
stop_server
sqlite3 "$SEED/data/exprun.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
awk -F'\t' '$1 == 1 {print $2}' "$SEED/ids.tsv" | shuf >"$OUT/b-ids.txt"
log "$(wc -l <"$SEED/ids.tsv") runs, $(wc -l <"$OUT/b-ids.txt") of them B's; statuses: $(sqlite3 "$SEED/data/exprun.db" \
  "SELECT status || '=' || COUNT(*) FROM runs GROUP BY status" | tr '\n' ' ')"

b_gets() { # seconds -> runs.lua's line: requests, req/s, p50, p99, p99.9, max, errors
  WRK_THREADS=2 wrk -t2 -c"$B_CONNECTIONS" -d"$1"s --timeout 10s -s "$ROOT/bench/lua/runs.lua" \
    "http://127.0.0.1:$PORT" -- get "$OUT/b-ids.txt" "$KEY_B" | tail -1
}

turn=0
for mode in $ORDER; do
  turn=$((turn + 1))
  dir=$OUT/turn-$turn-$mode; mkdir -p "$dir/data"
  cp "$SEED/data/exprun.db" "$dir/data/"
  bounds=()
  [[ $mode == baseline ]] && bounds=("${UNBOUNDED[@]}")
  [[ $mode == baseline || $mode == bounded ]] || { log "BENCH_FAIR_ORDER: baseline or bounded, not $mode"; exit 1; }
  start_server 0 "$dir" "${bounds[@]}"
  b_gets "$WARM" >/dev/null
  unloaded=$(b_gets "$POINT")
  # A runs through the whole loaded point: it starts first and ends after it
  wrk -t2 -c"$A_CONNECTIONS" -d"$((POINT + 4))"s --timeout 30s -s "$ROOT/bench/lua/fairness.lua" \
    "http://127.0.0.1:$PORT" -- lists "$KEY_A" "$A_RETRY" | tail -1 >"$dir/a.txt" &
  a_pid=$!; PIDS+=("$a_pid")
  sleep 2
  wrk -t1 -c1 -d"$POINT"s --timeout 10s -s "$ROOT/bench/lua/fairness.lua" "http://127.0.0.1:$PORT" -- healthz \
    | tail -1 >"$dir/healthz.txt" &
  h_pid=$!; PIDS+=("$h_pid")
  loaded=$(b_gets "$POINT")
  wait "$h_pid" "$a_pid"
  refused=$(curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^exprun_tenant_requests_refused_total\{.*tenant="tenant-a"/ {
    sub(/.*bound="/, "", $1); sub(/".*/, "", $1); printf "%s%s=%d", sep, $1, $2; sep=","}')
  stop_server
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$turn" "$unloaded" "$loaded" "$(cat "$dir/healthz.txt")" \
    "$(cat "$dir/a.txt")" "$refused" | tee -a "$RESULTS" >&2
done

python3 - "$RESULTS" "$RUNS" "$A_CONNECTIONS" "$B_CONNECTIONS" "$A_RETRY" "$(nproc)" <<'EOF'
import sys, statistics, collections
path, runs, a_conn, b_conn, retry, cores = sys.argv[1:]
by = collections.defaultdict(list)
for line in open(path):
    f = line.rstrip("\n").split("\t")
    if len(f) < 30:
        continue
    mode = f[0]
    unl = [float(x) for x in f[2:9]]    # requests, req/s, p50, p99, p99.9, max, errors
    lod = [float(x) for x in f[9:16]]
    hz = [float(x) for x in f[16:24]]   # + 429s
    a = [float(x) for x in f[24:32]]
    by[mode].append((unl, lod, hz, a, f[32] if len(f) > 32 else ""))
print(f"\n{runs} runs, A: {a_conn} connections of lists (Retry-After {retry}), B: {b_conn} connections of gets, "
      f"{cores} cores; medians over turns; ratios against B's unloaded p99 of the same turn")
print("\n| bounds | turns | B unloaded p50 / p99 / p99.9 / max ms | B loaded p50 / p99 / p99.9 / max ms "
      "| loaded ÷ unloaded p99: p50 / p99 / p99.9 / max | B errors | /healthz loaded p99 / max ms "
      "| A lists/s answered | A 429s | refused (metrics) |")
print("|---|---:|---|---|---|---:|---|---:|---:|---|")
for mode in ("baseline", "bounded"):
    v = by.get(mode)
    if not v:
        continue
    med = lambda pick: statistics.median(pick(x) for x in v)
    u = [med(lambda x, i=i: x[0][i]) for i in range(2, 6)]
    l = [med(lambda x, i=i: x[1][i]) for i in range(2, 6)]
    ratio = [med(lambda x, i=i: x[1][i] / x[0][3]) for i in range(2, 6)]
    errors = sum(x[0][6] + x[1][6] for x in v)
    hz = (med(lambda x: x[2][3]), med(lambda x: x[2][5]))
    a_ok = med(lambda x: (x[3][0] - x[3][7]) / (x[3][0] / x[3][1]) if x[3][1] else 0)
    a_429 = med(lambda x: x[3][7])
    print(f"| {mode} | {len(v)} | {u[0]:.2f} / {u[1]:.2f} / {u[2]:.2f} / {u[3]:.1f} "
          f"| {l[0]:.2f} / {l[1]:.2f} / {l[2]:.2f} / {l[3]:.1f} "
          f"| {ratio[0]:.2f}x / {ratio[1]:.2f}x / {ratio[2]:.2f}x / {ratio[3]:.2f}x | {errors:.0f} "
          f"| {hz[0]:.2f} / {hz[1]:.1f} | {a_ok:.0f} | {a_429:.0f} | {v[-1][4]} |")
EOF
