#!/usr/bin/env bash
# What a get costs, layer by layer, against the GET ceiling of the same sitting (docs/benchmarks-archive.md, "Get against the GET
# ceiling"). One command:
#
#   bench/run-get-layers.sh                        # 3 rounds of 8 s per layer (~10 min)
#   BENCH_SECONDS=3 BENCH_ROUNDS=1 bench/run-get-layers.sh                           # smoke run
#
# The GET ceiling (bench's CeilingServer: Jersey's Jetty 12 container + Jackson, stock, answering a constant body of a
# real get's size: the container exprun runs on) does no work a get needs. Beside it, the same on Jetty's EE10 servlet
# container with Jersey's servlet (the alternative container: "ceiling (servlet) 200"; BENCH_SERVLET_CEILING=0 leaves it
# out). This peels exprun's get into what each layer adds, all through the same routes, 32 connections, wrk
# (bench/lua/runs.lua), each server in its own process:
#   401  a wrong key: the edge, request id, metrics, access log, the auth filter; no database
#   404  a run id that does not exist: everything a get does, its query included, but no row is read or mapped
#   200  a get of an existing run
# on SQLite (the embedded default) and on PostgreSQL (Debian's server, on the same 2 cores). Each line also gives the
# server process's CPU per request (and PostgreSQL's, summed over its processes), read from /proc before and after:
# throughput on shared cores is the CPU there is divided by the CPU a request costs. Layers take turns within each
# round, so a change in the machine's speed during the sitting shows in every layer alike.
# Output: the table (Markdown) on stdout, raw lines in bench/target/get-layers-<time>/results.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
POINT=${BENCH_SECONDS:-8}
ROUNDS=${BENCH_ROUNDS:-3}
WARM=${BENCH_WARMUP_SECONDS:-15}
OUT=$ROOT/bench/target/get-layers-$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$OUT/results.tsv
mkdir -p "$OUT"
PY=/usr/bin/python3
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[[ -x "$PG_BIN/postgres" ]] && command -v wrk >/dev/null || {
  echo "needs wrk and PostgreSQL's server: apt-get install wrk postgresql" >&2; exit 1; }
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  ./mvnw -B -q -pl server,bench -am package -DskipTests
fi
SERVER_JAR=${BENCH_SERVER_JAR:-$ROOT/server/target/exprun-server.jar}
BENCH_JAR=${BENCH_TOOLS_JAR:-$ROOT/bench/target/exprun-bench.jar}
KEY=bench_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
WRONG_KEY=bench_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
PIDS=(); PGDATA_DIR=""
# one key drives every connection: the server as deployed, its fair queuing on (a tenant alone gets every thread);
# bench/run-fairness.sh measures it
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n "$PGDATA_DIR" ]]; then runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 240); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; log "nothing at $1"; return 1; }

# CPU ticks (user + system) of the given processes, summed
ticks() { local t=0 p; for p in "$@"; do [[ -r /proc/$p/stat ]] && t=$((t + $(awk '{print $14+$15}' /proc/"$p"/stat))); done; echo $t; }
postgres_pids() { # this sitting's postmaster and its children (backends, checkpointer, WAL writer...)
  local pm; pm=$(head -1 "$PGDATA_DIR/postmaster.pid"); echo "$pm $(pgrep -P "$pm" -d ' ' || true)"
}

# point NAME PORT IDS KEY SERVER_PID [PG]: one 32-connection wrk run; records req/s, latencies, CPU per request
point() {
  local name=$1 port=$2 ids=$3 key=$4 pid=$5 pg=${6:-} hz c0 p0 line c1 p1 req
  hz=$(getconf CLK_TCK)
  c0=$(ticks "$pid"); p0=0; [[ -n "$pg" ]] && p0=$(ticks $(postgres_pids))
  line=$(WRK_THREADS=2 wrk -t2 -c32 -d"$POINT"s --timeout 10s -s "$ROOT/bench/lua/runs.lua" "http://127.0.0.1:$port" \
    -- get "$ids" "$key" | tail -1)
  c1=$(ticks "$pid"); p1=0; [[ -n "$pg" ]] && p1=$(ticks $(postgres_pids))
  req=$(cut -f1 <<<"$line")
  printf '%s\t%s\t%s\t%s\n' "$name" "$line" "$(( (c1 - c0) * 1000000 / hz / req ))" "$(( (p1 - p0) * 1000000 / hz / req ))" \
    >>"$RESULTS"
  log "$name: $line"
}

start_exprun() { # name, then env; prints its port and pid (runs in a subshell: the caller keeps the pid)
  local name=$1; shift
  local port; port=$(free_port); mkdir -p "$OUT/$name"
  (cd "$OUT/$name" && exec env EXPRUN_PORT="$port" EXPRUN_BIND=127.0.0.1 EXPRUN_WORKERS=0 EXPRUN_API_KEYS="$KEY:bench" \
    "$@" java -jar "$SERVER_JAR" >"$OUT/server-$name.log" 2>&1) &
  wait_http "http://127.0.0.1:$port/healthz"
  # a few thousand runs to get, their ids from the create answers
  wrk -t2 -c16 -d3s -s "$ROOT/bench/lua/create.lua" "http://127.0.0.1:$port" -- "$KEY" "$OUT/$name/ids" >/dev/null
  cat "$OUT/$name/ids".* >"$OUT/$name/ids.txt"
  echo "$port $(pgrep -f -n "java -jar $SERVER_JAR")"
}

log "exprun on SQLite"
read -r SQ_PORT SQ_PID < <(start_exprun sqlite); PIDS+=("$SQ_PID")
log "exprun on PostgreSQL ($("$PG_BIN/postgres" --version))"
PG_PORT=$(free_port); PGDATA_DIR=$OUT/pg; mkdir -p "$PGDATA_DIR"; chown postgres "$PGDATA_DIR"
runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres >"$OUT/pg-initdb.log"
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w start -o \
  "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c synchronous_commit=on -c fsync=on" >/dev/null
read -r PGX_PORT PGX_PID < <(start_exprun pg EXPRUN_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres" \
  EXPRUN_DB_USER=postgres); PIDS+=("$PGX_PID")
curl -s -H "Authorization: Bearer $KEY" \
  "http://127.0.0.1:$SQ_PORT/v1/workflows/experiments/runs/$(head -1 "$OUT/sqlite/ids.txt")" >"$OUT/get-body.json"
echo '{}' >"$OUT/cancel-body.json"
C_PORT=$(free_port)
java -jar "$BENCH_JAR" ceiling --port "$C_PORT" --cancel-body "$OUT/cancel-body.json" --get-body "$OUT/get-body.json" \
  >"$OUT/ceiling.log" 2>&1 &
C_PID=$!; PIDS+=("$C_PID"); wait_http "http://127.0.0.1:$C_PORT/"
SERVLET=${BENCH_SERVLET_CEILING:-1}
if [[ "$SERVLET" == 1 ]]; then
  S_PORT=$(free_port)
  java -jar "$BENCH_JAR" ceiling --container servlet --port "$S_PORT" --cancel-body "$OUT/cancel-body.json" \
    --get-body "$OUT/get-body.json" >"$OUT/ceiling-servlet.log" 2>&1 &
  S_PID=$!; PIDS+=("$S_PID"); wait_http "http://127.0.0.1:$S_PORT/"
fi
seq -f "ceiling_%g" 1 1000 >"$OUT/ceiling-ids.txt"
seq -f "exprun_%032g" 1 1000 >"$OUT/missing-ids.txt"

log "warm-up, ${WARM} s per server"
SAVE=$POINT; POINT=$WARM; RESULTS=$OUT/warmup.tsv
point ceiling "$C_PORT" "$OUT/ceiling-ids.txt" "$KEY" "$C_PID"
[[ "$SERVLET" == 1 ]] && point servlet "$S_PORT" "$OUT/ceiling-ids.txt" "$KEY" "$S_PID"
point sqlite "$SQ_PORT" "$OUT/sqlite/ids.txt" "$KEY" "$SQ_PID"
point pg "$PGX_PORT" "$OUT/pg/ids.txt" "$KEY" "$PGX_PID" pg
POINT=$SAVE; RESULTS=$OUT/results.tsv
for round in $(seq 1 "$ROUNDS"); do
  log "round $round of $ROUNDS"
  point "ceiling 200" "$C_PORT" "$OUT/ceiling-ids.txt" "$KEY" "$C_PID"
  [[ "$SERVLET" == 1 ]] && point "ceiling (servlet) 200" "$S_PORT" "$OUT/ceiling-ids.txt" "$KEY" "$S_PID"
  point "SQLite 401" "$SQ_PORT" "$OUT/sqlite/ids.txt" "$WRONG_KEY" "$SQ_PID"
  point "SQLite 404" "$SQ_PORT" "$OUT/missing-ids.txt" "$KEY" "$SQ_PID"
  point "SQLite 200" "$SQ_PORT" "$OUT/sqlite/ids.txt" "$KEY" "$SQ_PID"
  point "PostgreSQL 401" "$PGX_PORT" "$OUT/pg/ids.txt" "$WRONG_KEY" "$PGX_PID" pg
  point "PostgreSQL 404" "$PGX_PORT" "$OUT/missing-ids.txt" "$KEY" "$PGX_PID" pg
  point "PostgreSQL 200" "$PGX_PORT" "$OUT/pg/ids.txt" "$KEY" "$PGX_PID" pg
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $POINT s per point, $ROUNDS rounds"
$PY "$ROOT/bench/get_layers_report.py" "$RESULTS"
