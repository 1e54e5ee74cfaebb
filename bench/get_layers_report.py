"""The table of bench/run-get-layers.sh: per layer, the median over rounds of each figure, and req/s as a ratio to
the ceiling of the same round (then the median of those ratios).

    /usr/bin/python3 bench/get_layers_report.py results.tsv

results.tsv: name, requests, req/s, p50, p99, p99.9, max (ms), non-2xx answers or errors, server CPU us/request,
PostgreSQL CPU us/request.
"""
import collections
import statistics
import sys

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
by_name = collections.OrderedDict()
rounds = []  # one dict per round: name -> row
for r in rows:
    if r[0] == "ceiling 200":
        rounds.append({})
    rounds[-1][r[0]] = r
    by_name.setdefault(r[0], []).append(r)


def med(name, col):
    return statistics.median(float(r[col]) for r in by_name[name])


print("| layer | req/s | ratio to ceiling | p50 ms | p99 ms | p99.9 ms | max ms | non-2xx | server CPU µs/req "
      "| PostgreSQL CPU µs/req |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for name in by_name:
    ratios = [float(rd[name][2]) / float(rd["ceiling 200"][2]) for rd in rounds if name in rd]
    pg_cpu = med(name, 9)
    print("| %s | %s | %.2f | %.2f | %.2f | %.2f | %.1f | %s | %.0f | %s |" % (
        name, format(round(med(name, 2)), ","), statistics.median(ratios), med(name, 3), med(name, 4), med(name, 5),
        med(name, 6), format(round(med(name, 7)), ","), med(name, 8), "%.0f" % pg_cpu if pg_cpu else ""))
print("\nmedian of %d rounds; ratio: each round's req/s over the ceiling's in the same round" % len(rounds))
