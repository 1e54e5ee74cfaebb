#!/usr/bin/env bash
# Two builds of the server, the same sitting: cancel and get at 32 connections (and the creates that make the runs, at
# 16) on SQLite and on PostgreSQL, with the baseline (A) and the candidate (B) taking turns (A B B A), so a machine
# that speeds up or slows down during the sitting weighs on both alike. For a change that must not make cancel or get
# slower (BENCHMARKS.md says which).
#
#   BENCH_A_JAR=/tmp/before/exprun-server.jar BENCH_B_JAR=server/target/exprun-server.jar bench/run-ab.sh
#   BENCH_SECONDS=3 BENCH_CANCEL_SECONDS=2 BENCH_CREATE_SECONDS=20 BENCH_WARMUP_SECONDS=3 BENCH_DATABASES=sqlite \
#     bench/run-ab.sh                                                                    # smoke run
# A cancel point with errors ran out of runs (its 404s are cheap and flatter the rate): create for longer.
#
# Each turn starts its server afresh (its own process, EXPRUN_WORKERS=0, an empty database), creates runs through the
# API (wrk + bench/lua/create.lua), warms up with gets, then measures get and cancel (wrk + bench/lua/runs.lua: one
# distinct run per request, latency p50/p99/p99.9/max from wrk's histogram). PostgreSQL is Debian's, synchronous_commit
# on, started once for all turns; each turn uses a database of its own.
# Output: one line per measured point, then the medians of each build and B/A, under bench/target/ab-<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
A_JAR=${BENCH_A_JAR:?the baseline server jar}
B_JAR=${BENCH_B_JAR:-$ROOT/server/target/exprun-server.jar}
# settings one build needs and the other refuses, e.g. a build from before fair queuing (issue 33) capped a lone
# tenant at 8 requests in progress: BENCH_A_ENV="EXPRUN_TENANT_MAX_CONCURRENT=1000000 EXPRUN_TENANT_MAX_LISTS=1000000"
read -r -a A_ENV <<<"${BENCH_A_ENV:-}"
read -r -a B_ENV <<<"${BENCH_B_ENV:-}"
POINT=${BENCH_SECONDS:-10}
CANCEL_POINT=${BENCH_CANCEL_SECONDS:-5}   # cancels consume runs: ~4,000/s on SQLite, each created beforehand
CREATE=${BENCH_CREATE_SECONDS:-80}       # creating runs takes a durable commit each: ~250/s on SQLite here
WARM=${BENCH_WARMUP_SECONDS:-60}   # a build on Jdbi takes ~40 s of load to reach its steady speed (docs/benchmarks-archive.md)
DATABASES=${BENCH_DATABASES:-sqlite postgresql}
ORDER=${BENCH_ORDER:-A B B A}
OUT=$ROOT/bench/target/ab-$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$OUT/results.tsv
mkdir -p "$OUT"
KEY=bench_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
PIDS=(); PGDATA_DIR=""
# one key drives every connection: the server as deployed, its fair queuing on (a tenant alone gets every thread);
# bench/run-fairness.sh measures it

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n "$PGDATA_DIR" ]]; then runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 240); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; return 1; }

# wrk_point PORT MODE IDS -> requests, req/s, p50, p99, p99.9, max, errors (runs.lua's done())
wrk_point() {
  WRK_THREADS=2 wrk -t2 -c32 -d"$4"s --timeout 10s -s "$ROOT/bench/lua/runs.lua" "http://127.0.0.1:$1" -- "$2" "$3" "$KEY" | tail -1
}

if [[ " $DATABASES " == *" postgresql "* ]]; then
  [[ -x "$PG_BIN/postgres" ]] || { echo "needs PostgreSQL's server binaries (apt-get install postgresql)"; exit 1; }
  PG_PORT=$(free_port); PGDATA_DIR=$OUT/pg
  mkdir -p "$PGDATA_DIR"; chown postgres "$PGDATA_DIR"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres >"$OUT/pg-initdb.log"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w start -o \
    "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c synchronous_commit=on -c fsync=on -c max_connections=100" >/dev/null
fi

turn=0
for db in $DATABASES; do
  for build in $ORDER; do
    turn=$((turn + 1))
    jar=$A_JAR; build_env=("${A_ENV[@]}")
    if [[ $build == B ]]; then jar=$B_JAR; build_env=("${B_ENV[@]}"); fi
    dir=$OUT/turn-$turn-$db-$build; mkdir -p "$dir"
    env_db=()
    if [[ $db == postgresql ]]; then
      "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "t$turn"
      env_db=(EXPRUN_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/t$turn" EXPRUN_DB_USER=postgres)
    fi
    port=$(free_port)
    (cd "$dir" && exec env EXPRUN_PORT="$port" EXPRUN_BIND=127.0.0.1 EXPRUN_WORKERS=0 EXPRUN_API_KEYS="$KEY:bench" \
      "${env_db[@]}" "${build_env[@]}" java -jar "$jar" >>"$dir/server.log" 2>&1) &
    pid=$!; PIDS+=("$pid")
    wait_http "http://127.0.0.1:$port/healthz" || { log "server of turn $turn did not start"; exit 1; }
    # runs for the cancel point (it must not run out: a cancel of a cancelled run is a 404, counted as an error),
    # created through the API and not measured
    # (the create phase is measured too: 16 connections, a fresh server, so the first seconds are a cold JVM's)
    created=$(wrk -t2 -c16 -d"${CREATE}"s --timeout 10s -s "$ROOT/bench/lua/create.lua" "http://127.0.0.1:$port" -- "$KEY" "$dir/ids")
    printf '%s\t%s\t%s\t%s\t%s\n' "$db" create "$build" "$turn" "$(tail -2 <<<"$created" | head -1)" | tee -a "$RESULTS"
    cat "$dir"/ids.* >"$dir/ids.txt"
    log "turn $turn ($db, $build): $(wc -l <"$dir/ids.txt") runs created"
    wrk_point "$port" get "$dir/ids.txt" "$WARM" >/dev/null
    printf '%s\t%s\t%s\t%s\t%s\n' "$db" get "$build" "$turn" "$(wrk_point "$port" get "$dir/ids.txt" "$POINT")" | tee -a "$RESULTS"
    printf '%s\t%s\t%s\t%s\t%s\n' "$db" cancel "$build" "$turn" "$(wrk_point "$port" cancel "$dir/ids.txt" "$CANCEL_POINT")" | tee -a "$RESULTS"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done

python3 - "$RESULTS" <<'EOF'
import sys, statistics, collections
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by = collections.defaultdict(list)
for db, ep, build, turn, req, rps, p50, p99, p999, mx, err in rows:
    by[(db, ep, build)].append((float(rps), float(p50), float(p99), float(p999), float(mx), int(err)))
print("\n| database | endpoint | build | turns | req/s | p50 ms | p99 ms | p99.9 ms | max ms | errors |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
for (db, ep, build), v in sorted(by.items()):
    med = [statistics.median(x[i] for x in v) for i in range(5)]
    print(f"| {db} | {ep} | {build} | {len(v)} | {med[0]:,.0f} | {med[1]:.2f} | {med[2]:.2f} | {med[3]:.2f} | {med[4]:.1f} | {sum(x[5] for x in v)} |")
print("\n| database | endpoint | B/A req/s | B/A p50 | B/A p99 | B/A p99.9 |")
print("|---|---|---:|---:|---:|---:|")
for db, ep in sorted({(k[0], k[1]) for k in by}):
    a, b = by.get((db, ep, "A")), by.get((db, ep, "B"))
    if not a or not b:
        continue
    r = [statistics.median(x[i] for x in b) / statistics.median(x[i] for x in a) for i in range(4)]
    print(f"| {db} | {ep} | {r[0]:.2f} | {r[1]:.2f} | {r[2]:.2f} | {r[3]:.2f} |")
EOF
