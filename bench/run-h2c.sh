#!/usr/bin/env bash
# HTTP/1.1 against HTTP/2 cleartext (h2c) on exprun's get, the same sitting, 32 connections each (issue 32: keep h2c
# only if it is at least as fast). One command:
#
#   bench/run-h2c.sh                                                          # 3 rounds of 8 s per point (~4 min)
#   BENCH_SECONDS=3 BENCH_ROUNDS=1 BENCH_WARMUP_SECONDS=3 bench/run-h2c.sh     # smoke run
#
# exprun (the shipped jar, its own process, SQLite, EXPRUN_WORKERS=0) gets existing runs, one per request, through
#   h1 wrk         wrk -t2 -c32 (bench/lua/runs.lua), HTTP/1.1 keep-alive: the figure the other benchmarks use;
#   h1 h2load      h2load --h1 -t2 -c32: the same generator as the h2c points, so only the protocol differs;
#   h2c h2load     h2load -t2 -c32 -m1: prior knowledge, one stream at a time per connection, as HTTP/1.1 has;
#   h2c h2load m8  the same with 8 streams per connection (256 in flight): what multiplexing adds, or costs.
# Points take turns within each round, so a change in the machine's speed weighs on all alike. Each line gives req/s,
# its ratio to "h1 wrk" in the same round, latency p50/p99/p99.9/max (wrk's histogram; h2load's per-request log),
# non-2xx answers, and the server's CPU per request (from /proc, as bench/run-get-layers.sh).
# Needs wrk and h2load (Debian: apt-get install wrk nghttp2-client). Output: the table (Markdown) on stdout, raw lines
# in bench/target/h2c-<time>/results.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
POINT=${BENCH_SECONDS:-8}
ROUNDS=${BENCH_ROUNDS:-3}
WARM=${BENCH_WARMUP_SECONDS:-15}
OUT=$ROOT/bench/target/h2c-$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$OUT/results.tsv
mkdir -p "$OUT"
PY=/usr/bin/python3
command -v wrk >/dev/null && command -v h2load >/dev/null || {
  echo "needs wrk and h2load: apt-get install wrk nghttp2-client" >&2; exit 1; }
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  ./mvnw -B -q -pl server -am package -DskipTests
fi
SERVER_JAR=${BENCH_SERVER_JAR:-$ROOT/server/target/exprun-server.jar}
KEY=bench_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
PIDS=()
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 240); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done; log "nothing at $1"; return 1; }
ticks() { [[ -r /proc/$1/stat ]] && awk '{print $14+$15}' /proc/"$1"/stat || echo 0; }

# percentiles of an h2load --log-file (start µs, status, duration µs): requests, req/s, p50, p99, p99.9, max, non-2xx
h2load_line() {
  $PY - "$1" "$2" <<'EOF'
import sys
rows = [l.split("\t") for l in open(sys.argv[1]) if l.strip()]
lat = sorted(int(r[2]) / 1000 for r in rows)
bad = sum(1 for r in rows if not r[1].startswith("2"))
pct = lambda p: lat[min(len(lat) - 1, int(p / 100 * len(lat)))]
print("%d\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%d" % (len(lat), len(lat) / float(sys.argv[2]), pct(50), pct(99), pct(99.9),
                                                 lat[-1], bad))
EOF
}

# point NAME: one measured point against exprun; appends "NAME, requests, req/s, p50, p99, p99.9, max, non-2xx, CPU"
point() {
  local name=$1 hz c0 c1 line req
  hz=$(getconf CLK_TCK)
  c0=$(ticks "$PID")
  case "$name" in
    "h1 wrk")
      line=$(WRK_THREADS=2 wrk -t2 -c32 -d"$POINT"s --timeout 10s -s "$ROOT/bench/lua/runs.lua" "http://127.0.0.1:$PORT" \
        -- get "$OUT/ids.txt" "$KEY" | tail -1) ;;
    *)
      local flags=(-t2 -c32 -m1)
      [[ "$name" == "h1 h2load" ]] && flags=(--h1 -t2 -c32 -m1)
      [[ "$name" == "h2c h2load m8" ]] && flags=(-t2 -c32 -m8)
      rm -f "$OUT/h2load.log"
      h2load "${flags[@]}" -D "$POINT" -H "Authorization: Bearer $KEY" -i "$OUT/uris.txt" \
        --log-file="$OUT/h2load.log" >"$OUT/h2load-last.txt" 2>&1
      line=$(h2load_line "$OUT/h2load.log" "$POINT") ;;
  esac
  c1=$(ticks "$PID")
  req=$(cut -f1 <<<"$line")
  printf '%s\t%s\t%s\n' "$name" "$line" "$(( (c1 - c0) * 1000000 / hz / (req > 0 ? req : 1) ))" >>"$RESULTS"
  log "$name: $line"
}

log "exprun on SQLite"
PORT=$(free_port); mkdir -p "$OUT/sqlite"
(cd "$OUT/sqlite" && exec env EXPRUN_PORT="$PORT" EXPRUN_BIND=127.0.0.1 EXPRUN_WORKERS=0 EXPRUN_API_KEYS="$KEY:bench" \
  java -jar "$SERVER_JAR" >"$OUT/server.log" 2>&1) &
wait_http "http://127.0.0.1:$PORT/healthz"
PID=$(pgrep -f -n "java -jar $SERVER_JAR"); PIDS+=("$PID")
wrk -t2 -c16 -d3s -s "$ROOT/bench/lua/create.lua" "http://127.0.0.1:$PORT" -- "$KEY" "$OUT/ids" >/dev/null
cat "$OUT/ids".* >"$OUT/ids.txt"
sed "s|^|http://127.0.0.1:$PORT/v1/workflows/experiments/runs/|" "$OUT/ids.txt" >"$OUT/uris.txt"
log "$(wc -l <"$OUT/ids.txt") runs to get"

POINTS=("h1 wrk" "h1 h2load" "h2c h2load" "h2c h2load m8")
log "warm-up, ${WARM} s per point"
SAVE=$POINT; POINT=$WARM; RESULTS=$OUT/warmup.tsv
for p in "${POINTS[@]}"; do point "$p"; done
POINT=$SAVE; RESULTS=$OUT/results.tsv
for round in $(seq 1 "$ROUNDS"); do
  log "round $round of $ROUNDS"
  for p in "${POINTS[@]}"; do point "$p"; done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $POINT s per point, $ROUNDS rounds"
$PY - "$RESULTS" <<'EOF'
import collections, statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by, rounds = collections.OrderedDict(), []
for r in rows:
    if r[0] == "h1 wrk":
        rounds.append({})
    rounds[-1][r[0]] = r
    by.setdefault(r[0], []).append(r)
med = lambda n, c: statistics.median(float(r[c]) for r in by[n])
print("| point | req/s | ratio to h1 wrk | p50 ms | p99 ms | p99.9 ms | max ms | non-2xx | server CPU µs/req |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for n in by:
    ratio = statistics.median(float(rd[n][2]) / float(rd["h1 wrk"][2]) for rd in rounds if n in rd)
    print("| %s | %s | %.2f | %.2f | %.2f | %.2f | %.1f | %d | %.0f |" % (n, format(round(med(n, 2)), ","), ratio,
          med(n, 3), med(n, 4), med(n, 5), med(n, 6), med(n, 7), med(n, 8)))
print("\nmedian of %d rounds; ratio: each round's req/s over h1 wrk's in the same round" % len(rounds))
EOF
