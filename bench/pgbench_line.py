"""One result line for results.tsv from a pgbench run's per-transaction logs (pgbench -l): requests, req/s, p50,
p99, p99.9, max (ms), errors, as bench's open-loop prints it. Arguments: the log prefix (pgbench --log-prefix), the
file holding pgbench's own report (its rate, "tps = … (without initial connection time)", is the req/s: -T's
seconds also count the time its 32 connections took to open), the errors counted by the caller (transactions that
cancelled nothing)."""
import glob
import re
import sys

prefix, report, errors = sys.argv[1], open(sys.argv[2]).read(), int(sys.argv[3])
tps = re.findall(r"tps = ([0-9.]+) \(without initial connection time\)", report)
if not tps:
    sys.exit("no rate in pgbench's report " + sys.argv[2])
micros = []
for name in glob.glob(prefix + ".*"):
    for line in open(name):
        f = line.split()
        if len(f) >= 3 and f[2].isdigit():  # client, transaction, latency in µs ("skipped" when late: not here)
            micros.append(int(f[2]))
micros.sort()
if not micros:
    sys.exit("no transactions logged under " + prefix)


def at(p):
    return micros[min(len(micros) - 1, int(len(micros) * p / 100.0))] / 1000.0


print("%d\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%d" % (len(micros), float(tps[-1]), at(50), at(99), at(99.9),
                                                micros[-1] / 1000.0, errors))
