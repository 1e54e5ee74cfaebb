#!/usr/bin/env bash
# exprun cancel / get-run benchmark, measured from outside (see BENCHMARKS.md). One command reruns everything:
#
#   bench/run-benchmark.sh                 # full run: 10 s per point, 30 s for cancel at 32 connections (~20 min)
#   BENCH_SECONDS=3 BENCH_LONG_SECONDS=3 BENCH_WARMUP_SECONDS=2 bench/run-benchmark.sh    # smoke run
#   BENCH_DATA=/var/tmp/exprun-bench BENCH_PREPARE_RUNS=400000 bench/run-benchmark.sh     # only create runs, then
#   BENCH_DATA=/var/tmp/exprun-bench bench/run-benchmark.sh                               # measure with them
# Creating runs through the API is the slow part (~1,000/s on 2 cores; a full run consumes ~400k per
# database); BENCH_DATA keeps both databases and their pending runs between invocations so that can be done first.
#
# What runs, each in its own process, all on 127.0.0.1:
#   - the server under test: the shipped jar (server/target/exprun-server.jar), configured only through EXPRUN_*
#     (EXPRUN_WORKERS=0: nothing but the requests touches the runs), on SQLite (embedded default) and on PostgreSQL
#     (Debian's server binaries, synchronous_commit=on);
#   - the ceilings: the same Jersey + Jackson on Jetty 12 (Jersey's Jetty container, stock) on the same routes
#     answering a constant body of the size of a real cancel / get answer (bench's CeilingServer), one process per
#     endpoint;
#   - the storage's own limit, with the server stopped: exprun's cancel statement, one commit per cancel, from 32
#     clients with no HTTP in front: over JDBC through exprun's own store with group commit off (bench's
#     storage-limit) on both databases, and through pgbench (bench/pgbench/cancel.sql) on PostgreSQL;
#   - the peer: FastAPI + uvicorn over SQLite in WAL mode with the same cancel semantics (bench/fastapi_peer.py);
#   - load: Debian's wrk (closed loop, one distinct run per cancel, bench/lua/runs.lua) at 1, 8, 32 and 64
#     connections; and fixed-rate runs at 50% and 80% of the cancel ceiling through bench's open-loop generator
#     (JDK HttpClient, latency from each request's intended start: coordinated omission corrected).
# Runs are created through the API (wrk + bench/lua/create.lua, which keeps each new run's id from its answer).
# A JFR recording of exprun during a 32-connection SQLite cancel run is summarised by bench/jfr_summary.py.
# Output: the table (bench/report.py) on stdout and everything under bench/target/benchmark-<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

POINT=${BENCH_SECONDS:-10}          # seconds per measured point
LONG=${BENCH_LONG_SECONDS:-30}      # cancel at 32 connections (the targets' "max in a 30 s run")
WARM=${BENCH_WARMUP_SECONDS:-15}    # per server process, before its first point, not recorded: exprun's cancel rate
                                    # climbs for ~15 s of load in a fresh JVM (JIT), 5 s measured a cold server
CONNECTIONS=(1 8 32 64)
OUT=$ROOT/bench/target/benchmark-$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$OUT/results.tsv
DATA=${BENCH_DATA:-$OUT/data}       # SQLite's working directory and PostgreSQL's data directory
PREPARE=${BENCH_PREPARE_RUNS:-0}    # > 0: only make sure each database holds this many pending runs, then stop
mkdir -p "$OUT" "$DATA"
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
PIDS=()
# one key drives every connection: the server as deployed, its fair queuing on (a tenant alone gets every thread);
# bench/run-fairness.sh measures it
PGDATA_DIR=""

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n "$PGDATA_DIR" ]]; then runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# ---- tools ------------------------------------------------------------------------------------------------------
PY=/usr/bin/python3
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
missing=()
command -v wrk >/dev/null || missing+=(wrk)
$PY -c 'import fastapi, uvicorn' 2>/dev/null || missing+=(python3-fastapi python3-uvicorn)
[[ -x "$PG_BIN/postgres" ]] || missing+=(postgresql)
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "building server and bench jars"
  ./mvnw -B -q -pl server,bench -am package -DskipTests
fi
SERVER_JAR=${BENCH_SERVER_JAR:-$ROOT/server/target/exprun-server.jar}
BENCH_JAR=${BENCH_TOOLS_JAR:-$ROOT/bench/target/exprun-bench.jar}
KEY=bench_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # url: until anything answers
  for _ in $(seq 1 240); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done
  log "nothing answers at $1"; return 1
}
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# one result line: system endpoint mode load seconds | requests req/s p50 p99 p99.9 max errors
record() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" >>"$RESULTS"; log "$1 $2 $3 $4: $6"
}

# wrk_point PORT MODE IDS CONNECTIONS SECONDS -> the tab-separated line printed by runs.lua's done()
wrk_point() {
  local threads=2; (($4 < 2)) && threads=1
  WRK_THREADS=$threads wrk -t"$threads" -c"$4" -d"$5"s --timeout 10s -s "$ROOT/bench/lua/runs.lua" \
    "http://127.0.0.1:$1" -- "$2" "$3" "$KEY" | tail -1
}

# ---- exprun: start, create runs, collect ids ----------------------------------------------------------------------
EXPRUN_PID=""; EXPRUN_PORT=""; CREATE_RATE=1000
start_exprun() { # working directory (where SQLite's default ./data lives), then env (EXPRUN_DB_URL=...)
  local name=$1; shift
  EXPRUN_PORT=$(free_port)
  mkdir -p "$name"
  (cd "$name" && exec env EXPRUN_PORT="$EXPRUN_PORT" EXPRUN_BIND=127.0.0.1 EXPRUN_WORKERS=0 \
    EXPRUN_API_KEYS="$KEY:bench" "$@" java -jar "$SERVER_JAR" >>"$OUT/server-$(basename "$name").log" 2>&1) &
  EXPRUN_PID=$!; PIDS+=("$EXPRUN_PID")
  wait_http "http://127.0.0.1:$EXPRUN_PORT/healthz"
}
collect_ids() { # file: the ids of all pending runs, paging the list API (used once, on a database not seen before)
  java -jar "$BENCH_JAR" run-ids --base "http://127.0.0.1:$EXPRUN_PORT" --key "$KEY" --out "$1" >/dev/null
  wc -l <"$1"
}
disk_low() { # stop creating runs before the disk runs low
  local free_gb; free_gb=$(df -BG --output=avail "$DATA" | tail -1 | tr -dc 0-9)
  if ((free_gb < ${BENCH_MIN_FREE_GB:-10})); then log "only ${free_gb} GB free under $DATA: skipping"; return 0; fi
  return 1
}
ensure_ids() { # file needed: at least `needed` unused pending runs, their ids in file (fails when the disk is low)
  local file=$1 needed=$2 have=0
  [[ -f "$file" ]] || collect_ids "$file" >/dev/null
  have=$(wc -l <"$file")
  while ((have < needed)); do
    disk_low && return 1
    # new runs' ids come from their answers (create.lua): collecting hundreds of thousands of ids by paging the list
    # API costs a request per 100 runs
    local secs=$(( (needed - have) * 11 / 10 / CREATE_RATE + 1 )); ((secs > 60)) && secs=60
    local t0=$(date +%s%N) line
    rm -f "$file.new".*
    line=$(wrk -t2 -c16 -d"${secs}"s -s "$ROOT/bench/lua/create.lua" "http://127.0.0.1:$EXPRUN_PORT" -- "$KEY" "$file.new" | tail -1)
    cat "$file.new".* >>"$file"; rm -f "$file.new".*
    have=$(wc -l <"$file")
    local created; created=$(cut -f2 <<<"$line")
    CREATE_RATE=$(( created * 1000000000 / ($(date +%s%N) - t0) + 1 ))
    log "created $created runs (${CREATE_RATE}/s); $have unused pending, $needed needed"
  done
}
consume() { # file n: the first n ids were used
  head -n "$2" "$1" >"$1.used"
  tail -n +"$(( $2 + 1 ))" "$1" >"$1.rest" && mv "$1.rest" "$1"
}
wrk_used() { # requests connections: how far into the id list a wrk point may have gone. Its 2 threads stride
  # through the list (ids k, k+2, ...) and need not send equally many requests: skip 20% more, so a later point never
  # reuses a run (a cancelled run answers 404; the first full run lost ~0.5% of its cancels to that)
  echo $(( $1 * 12 / 10 + 2 * $2 + 100 ))
}
RATE_SEEN=0
estimate() { # connections seconds -> runs to have ready (leftovers serve the next point): 1.5 x the rate this
  # server reached at the end of its warm-up, or BENCH_MAX_CANCEL_RATE (default 6000/s) before that; at most that
  # (creating runs costs time and disk). A server faster than the estimate runs out: 404s, counted as errors.
  local max=${BENCH_MAX_CANCEL_RATE:-6000} rate
  rate=$(( RATE_SEEN > 0 ? RATE_SEEN * 3 / 2 : max * 2 / 3 ))   # a warm-up that runs short only sends 404s
  ((rate > max)) && rate=$max
  echo $(( rate * $2 + 1000 ))
}

# group commit: the store's default (JdbiRunStore.groupCancelsByDefault: on for both databases); each series also measures
# the other setting
SQLITE_OTHER=off
PG_OTHER=off
declare -A CEIL_CANCEL
if ((PREPARE == 0)); then
# ---- 1. real answers, for the ceiling's bodies ------------------------------------------------------------------
log "capturing a real cancel and get answer (SQLite)"
start_exprun "$OUT/capture"
ensure_ids "$OUT/capture/ids.txt" 1
ID=$(head -1 "$OUT/capture/ids.txt")
curl -s -X POST -H "Authorization: Bearer $KEY" "http://127.0.0.1:$EXPRUN_PORT/v1/workflows/experiments/runs/$ID/cancel" >"$OUT/cancel-body.json"
curl -s -H "Authorization: Bearer $KEY" "http://127.0.0.1:$EXPRUN_PORT/v1/workflows/experiments/runs/$ID" >"$OUT/get-body.json"
stop_pid "$EXPRUN_PID"
log "bodies: cancel $(wc -c <"$OUT/cancel-body.json") bytes, get $(wc -c <"$OUT/get-body.json") bytes"
seq -f "ceiling_%g" 1 1000 >"$OUT/ceiling-ids.txt"

# ---- 2. ceilings, each in its own process -------------------------------------------------------------------------
for endpoint in cancel get; do
  port=$(free_port)
  java -jar "$BENCH_JAR" ceiling --port "$port" --cancel-body "$OUT/cancel-body.json" --get-body "$OUT/get-body.json" \
    >"$OUT/ceiling-$endpoint.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  wait_http "http://127.0.0.1:$port/"
  wrk_point "$port" "$endpoint" "$OUT/ceiling-ids.txt" 32 "$WARM" >/dev/null
  for c in "${CONNECTIONS[@]}"; do
    secs=$POINT; [[ $c == 32 && $endpoint == cancel ]] && secs=$LONG
    line=$(wrk_point "$port" "$endpoint" "$OUT/ceiling-ids.txt" "$c" "$secs")
    record ceiling "$endpoint" closed "$c" "$secs" "$line"
    [[ $endpoint == cancel ]] && CEIL_CANCEL[$c]=$(cut -f2 <<<"$line")
  done
  if [[ $endpoint == cancel ]]; then
    # the fixed-rate runs against the ceiling: what the open-loop generator itself adds at these rates
    RATE50=$(( CEIL_CANCEL[32] / 2 )); RATE80=$(( CEIL_CANCEL[32] * 8 / 10 ))
    seq -f "ceiling_%g" 1 $(( RATE80 * (POINT + 1) + 100 )) >"$OUT/ceiling-open-ids.txt"
    for rate in $RATE50 $RATE80; do
      record ceiling cancel open "$rate" "$POINT" "$(java -jar "$BENCH_JAR" open-loop --base "http://127.0.0.1:$port" \
        --key "$KEY" --ids "$OUT/ceiling-open-ids.txt" --rate "$rate" --seconds "$POINT" --warmup-seconds 1 --connections 64)"
    done
  fi
  stop_pid "$pid"
done
fi

# ---- 3. exprun on each database -----------------------------------------------------------------------------------
# JFR's "default" settings (CPU sampled every 20 ms, allocation samples, waits of 20 ms and more): the "profile"
# settings with a 1 ms wait threshold, used first, record a stack for every cancel that waits for its batch and cut
# the server's rate to a third, so that profile described a different server
JFC=default

warm_cancels() { # port ids seconds: 32-connection cancels to warm a fresh JVM up, not recorded, ids consumed;
  # the rate of its last third sets RATE_SEEN
  local first=$(( $3 * 2 / 3 )) line rest
  ((first >= 1)) || first=1   # wrk refuses a 0 s run (a smoke run's short warm-up)
  rest=$(( $3 - first )); ((rest >= 1)) || rest=1
  line=$(wrk_point "$1" cancel "$2" 32 "$first")
  consume "$2" "$(wrk_used "$(cut -f1 <<<"$line")" 32)"
  line=$(wrk_point "$1" cancel "$2" 32 "$rest")
  consume "$2" "$(wrk_used "$(cut -f1 <<<"$line")" 32)"
  RATE_SEEN=$(cut -f2 <<<"$line"); log "warmed up: $RATE_SEEN cancels/s at the end"
}

cancel_point() { # system port ids connections seconds [mode]: one wrk cancel point, recorded, its ids consumed
  local line; line=$(wrk_point "$2" cancel "$3" "$4" "$5")
  record "$1" cancel "${6:-closed}" "$4" "$5" "$line"
  consume "$3" "$(wrk_used "$(cut -f1 <<<"$line")" "$4")"
}

exprun_series() { # system (sqlite | pg), group commit setting not used by default there (on | off), then env
  local system=$1 other=$2; shift 2
  local home=$DATA/$system-home ids=$DATA/$system-ids.txt
  start_exprun "$home" "$@"
  if ((PREPARE > 0)); then ensure_ids "$ids" "$PREPARE" || true; stop_pid "$EXPRUN_PID"; return; fi
  RATE_SEEN=0
  ensure_ids "$ids" $(( $(estimate 32 "$WARM") + 1000 )) || true
  warm_cancels "$EXPRUN_PORT" "$ids" "$WARM"
  head -n 1000 "$ids.used" >"$OUT/$system-warm-ids.txt"   # runs that exist: the ones the warm-up just cancelled
  wrk_point "$EXPRUN_PORT" get "$OUT/$system-warm-ids.txt" 32 "$WARM" >/dev/null
  for c in "${CONNECTIONS[@]}"; do
    local secs=$POINT; [[ $c == 32 ]] && secs=$LONG
    ensure_ids "$ids" "$(estimate "$c" "$secs")" || true   # short of runs: the point still runs; running out shows as errors
    cancel_point "$system" "$EXPRUN_PORT" "$ids" "$c" "$secs"
  done
  # get run: runs that exist (the ones just cancelled), cycled through by wrk
  head -n 20000 "$ids.used" >"$OUT/$system-get-ids.txt"
  for c in "${CONNECTIONS[@]}"; do
    record "$system" get closed "$c" "$POINT" "$(wrk_point "$EXPRUN_PORT" get "$OUT/$system-get-ids.txt" "$c" "$POINT")"
  done
  # fixed rates: 50% and 80% of what this server sustained closed-loop at 32 connections (loads it can carry);
  # 50% and 80% of the ceiling itself are far beyond it on this machine (see the ceiling's own fixed-rate rows)
  local sustained; sustained=$(awk -F'\t' -v s="$system" '$1==s && $2=="cancel" && $3=="closed" && $4==32 {print int($7)}' "$RESULTS")
  for rate in $(( ${sustained:-2000} / 2 )) $(( ${sustained:-2000} * 8 / 10 )); do
    local n=$(( rate * (POINT + 1) + 100 ))
    ensure_ids "$ids" "$n" || continue
    record "$system" cancel open "$rate" "$POINT" "$(java -jar "$BENCH_JAR" open-loop --base "http://127.0.0.1:$EXPRUN_PORT" \
      --key "$KEY" --ids "$ids" --rate "$rate" --seconds "$POINT" --warmup-seconds 1 --connections 64)"
    consume "$ids" "$n"
  done
  if [[ $system == sqlite ]] && ensure_ids "$ids" $(( $(estimate 32 $(( (WARM + 1) / 2 ))) + $(estimate 32 "$POINT") )); then
    # the profile: JFR on the server during 32-connection cancels (a point of its own, so the target rows are
    # measured without it). Starting JFR re-instruments the JDK's I/O classes and throws away their compiled code
    # (a first attempt measured a third of the rate), so a throw-away recording starts first and the server is warmed
    # up again under it; the recording that is kept then starts without that cost
    jcmd "$EXPRUN_PID" JFR.start name=rewarm settings="$JFC" maxage=1s >/dev/null
    warm_cancels "$EXPRUN_PORT" "$ids" $(( (WARM + 1) / 2 ))   # only the JDK's I/O paths need compiling again
    jcmd "$EXPRUN_PID" JFR.start name=cancel32 settings="$JFC" filename="$OUT/sqlite-cancel-32.jfr" >/dev/null
    cancel_point "$system" "$EXPRUN_PORT" "$ids" 32 "$POINT" "closed+jfr"
    jcmd "$EXPRUN_PID" JFR.stop name=cancel32 >/dev/null
    jcmd "$EXPRUN_PID" JFR.stop name=rewarm >/dev/null
  fi
  stop_pid "$EXPRUN_PID"
  # group commit the other way on the same database, same load, fresh JVM: the store's default is decided per
  # database; -Dexprun.groupCommit (an internal switch, not configuration) forces it for this comparison
  start_exprun "$home" "$@" JAVA_TOOL_OPTIONS="-Dexprun.groupCommit=$other"
  RATE_SEEN=$(( ${sustained:-2000} / 2 ))   # a guess until its own warm-up: without group commit it is slower
  ensure_ids "$ids" $(( $(estimate 32 "$WARM") + $(estimate 32 "$POINT") )) || { stop_pid "$EXPRUN_PID"; return; }
  warm_cancels "$EXPRUN_PORT" "$ids" "$WARM"
  ensure_ids "$ids" "$(estimate 32 "$POINT")" || true
  cancel_point "$system" "$EXPRUN_PORT" "$ids" 32 "$POINT" "closed gc=$other"
  # the storage's own limit, with this server stopped: enough pending runs for its points first (JDBC, and pgbench on
  # PostgreSQL), each a warm-up and a point
  local points=1; [[ $system == pg ]] && points=2
  local limit_runs=$(( points * ($(limit_estimate "$LIMIT_WARM") + $(limit_estimate "$POINT")) ))
  ensure_ids "$ids" "$limit_runs" || { stop_pid "$EXPRUN_PID"; return; }
  stop_pid "$EXPRUN_PID"
  storage_limit "$system" "$ids" "$@"
}

# ---- the storage's own limit: exprun's cancel statement, one commit per cancel, 32 clients, no HTTP --------------
LIMIT_WARM=5
limit_estimate() { # seconds -> runs to have ready for one limit phase: without HTTP the database alone goes faster than
  # exprun did with one commit per cancel (RATE_SEEN, just measured with gc=off): 3 x that, at most
  # BENCH_MAX_LIMIT_RATE (8000/s); running short shows as errors
  local rate=$(( RATE_SEEN * 3 )) max=${BENCH_MAX_LIMIT_RATE:-8000}
  ((rate > max)) && rate=$max
  echo $(( rate * $1 + 1000 ))
}
storage_limit() { # system ids env...: over JDBC through exprun's own store (bench's storage-limit) on either
  # database, and through pgbench on PostgreSQL
  local system=$1 ids=$2 url="jdbc:sqlite:$DATA/sqlite-home/data/exprun.db" user=""; shift 2
  if [[ $system == pg ]]; then url="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres"; user=postgres; fi
  local line; line=$(java -jar "$BENCH_JAR" storage-limit --url "$url" ${user:+--user "$user"} --tenant bench \
    --ids "$ids" --threads 32 --seconds "$POINT" --warmup-seconds "$LIMIT_WARM" --used "$OUT/limit-used")
  record "$system-jdbc" cancel closed 32 "$POINT" "$line"
  consume "$ids" "$(cat "$OUT/limit-used")"
  [[ $system == pg ]] && pgbench_limit "$ids"
  return 0
}
pgsql() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
pgbench_point() { # ids runs seconds [log prefix]: bench/pgbench/cancel.sql on the next `runs` ids; prints the rows it
  # cancelled. Client c takes ids c, c + 32, ...: each client has runs/32 of them
  local ids=$1 runs=$2 secs=$3
  head -n "$runs" "$ids" | awk '{print NR - 1 "\t" $0}' >"$OUT/pgbench-ids.tsv"
  pgsql -c "DROP TABLE IF EXISTS bench_cancel_ids" -c "CREATE TABLE bench_cancel_ids (n int PRIMARY KEY, id text NOT NULL)" \
    -c "\\copy bench_cancel_ids FROM '$OUT/pgbench-ids.tsv'"
  "$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared -c 32 -j 2 \
    -T "$secs" -D k=0 -D clients=32 -D tenant=bench -D "reason=Cancelled by API request" -f "$ROOT/bench/pgbench/cancel.sql" ${4:+-l --log-prefix="$4"} \
    postgres >"$OUT/pgbench-last.log" 2>&1
  cat "$OUT/pgbench-last.log" >>"$OUT/pgbench.log"
  consume "$ids" "$runs"
  pgsql -c "SELECT COUNT(*) FROM runs WHERE status = 'cancelled' AND id IN (SELECT id FROM bench_cancel_ids)"
}
pgbench_limit() { # ids: warm-up, then the measured point; a transaction that cancelled nothing is an error
  local warm; warm=$(limit_estimate "$LIMIT_WARM"); local measured; measured=$(limit_estimate "$POINT")
  local avail; avail=$(wc -l <"$1"); ((warm + measured > avail)) && { log "pgbench: only $avail runs left"; return; }
  pgbench_point "$1" "$warm" "$LIMIT_WARM" >/dev/null
  local prefix=$OUT/pgbench-log; rm -f "$prefix".*
  local cancelled; cancelled=$(pgbench_point "$1" "$measured" "$POINT" "$prefix")
  local transactions; transactions=$(cat "$prefix".* | wc -l)
  record pgbench cancel closed 32 "$POINT" "$($PY "$ROOT/bench/pgbench_line.py" "$prefix" "$OUT/pgbench-last.log" \
    $(( transactions - cancelled )))"
  pgsql -c "DROP TABLE bench_cancel_ids"
}

log "exprun on SQLite (embedded default)"
exprun_series sqlite "$SQLITE_OTHER"

log "exprun on PostgreSQL"
PG_PORT=$(free_port)
PGDATA_DIR=$DATA/pg
if [[ ! -f "$PGDATA_DIR/PG_VERSION" ]]; then
  mkdir -p "$PGDATA_DIR"; chown postgres "$PGDATA_DIR"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres >"$OUT/pg-initdb.log"
fi
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w start -o \
  "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c synchronous_commit=on -c fsync=on -c max_connections=100" >/dev/null
PG_VERSION=$("$PG_BIN/postgres" --version)
exprun_series pg "$PG_OTHER" EXPRUN_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres" EXPRUN_DB_USER=postgres
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null
cp "$PGDATA_DIR/server.log" "$OUT/postgres.log"; PGDATA_DIR=""
if ((PREPARE > 0)); then log "prepared: $PREPARE pending runs in each database under $DATA"; exit 0; fi

# ---- 4. the peer: FastAPI + uvicorn over SQLite (WAL) -------------------------------------------------------------
log "FastAPI + SQLite peer"
port=$(free_port)
total=0; for c in "${CONNECTIONS[@]}"; do secs=$POINT; [[ $c == 32 ]] && secs=$LONG; total=$(( total + 3000 * secs )); done
$PY "$ROOT/bench/fastapi_peer.py" --port "$port" --db "$OUT/peer.db" --seed $(( total + 3000 * WARM )) \
  --ids-out "$OUT/peer-ids.txt" --key "$KEY" >"$OUT/peer.log" 2>&1 &
pid=$!; PIDS+=("$pid")
wait_http "http://127.0.0.1:$port/"
echo 0 >"$OUT/peer-offset"
peer_point() { # connections seconds: ids from the seeded list not used yet (wrk's count tells how many were)
  local offset; offset=$(cat "$OUT/peer-offset")
  tail -n +$((offset + 1)) "$OUT/peer-ids.txt" >"$OUT/peer-ids-now.txt"
  local line; line=$(wrk_point "$port" cancel "$OUT/peer-ids-now.txt" "$1" "$2")
  echo $(( offset + $(wrk_used "$(cut -f1 <<<"$line")" "$1") )) >"$OUT/peer-offset"
  echo "$line"
}
peer_point 32 "$WARM" >/dev/null
for c in "${CONNECTIONS[@]}"; do
  secs=$POINT; [[ $c == 32 ]] && secs=$LONG
  record fastapi cancel closed "$c" "$secs" "$(peer_point "$c" "$secs")"
done
stop_pid "$pid"

# ---- 5. report --------------------------------------------------------------------------------------------------
{
  echo "# exprun benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB RAM,"
  echo "$(java -version 2>&1 | head -1), wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'), ${PG_VERSION}, FastAPI $($PY -c 'import fastapi; print(fastapi.__version__)'),"
  echo "load average (1, 5, 15 min) at the start ${LOAD_AT_START}, at the end $(cut -d' ' -f1-3 /proc/loadavg). Point length ${POINT} s (cancel at 32 connections: ${LONG} s),"
  echo "warm-up ${WARM} s per server process. Bodies: cancel $(wc -c <"$OUT/cancel-body.json") B, get $(wc -c <"$OUT/get-body.json") B."
  echo
  $PY "$ROOT/bench/report.py" "$RESULTS"
  if [[ -f "$OUT/sqlite-cancel-32.jfr" ]]; then
    echo
    echo "## Profile: exprun during 32-connection SQLite cancels (JFR)"
    echo
    $PY "$ROOT/bench/jfr_summary.py" "$OUT/sqlite-cancel-32.jfr"
  fi
} | tee "$OUT/report.md"
log "report: $OUT/report.md"
