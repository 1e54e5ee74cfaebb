#!/usr/bin/env python3
"""Summary of a volume benchmark run (bench/run-volume-benchmark.sh): latency by operation as the data grows, with the
p99 at the largest size over the p99 at the smallest (the issue's target: at most 1.5), and bytes on disk per run,
SQLite over PostgreSQL (target: at most 2)."""
import collections
import csv
import pathlib
import sys

out = pathlib.Path(sys.argv[1])


def rows(name):
    path = out / name
    return list(csv.reader(path.open(), delimiter="\t")) if path.exists() else []


latency = collections.OrderedDict()  # (db, op) -> {size: (p50, p99, p999, max, errors)}
sizes = {}
for label, op, n, p50, p99, p999, mx, errors in rows("volume.tsv"):
    db, size = label.rsplit("-", 1)
    latency.setdefault((db, op), {})[int(size)] = (float(p50), float(p99), float(p999), float(mx), int(errors))
    sizes.setdefault(db, set()).add(int(size))

for db in sizes:
    ordered = sorted(sizes[db])
    print(f"\n### {db}: latency (ms, one request at a time)\n")
    head = " | ".join(f"{s:,} p50 / p99 / p99.9 / max" for s in ordered)
    print(f"| operation | {head} | p99 {ordered[-1]:,} / {ordered[0]:,} |")
    print("|---|" + "---:|" * (len(ordered) + 1))
    for (d, op), by_size in latency.items():
        if d != db:
            continue
        cells = []
        for s in ordered:
            if s in by_size:
                p50, p99, p999, mx, errors = by_size[s]
                cells.append(f"{p50:.2f} / {p99:.2f} / {p999:.2f} / {mx:.1f}" + (f" ({errors} errors)" if errors else ""))
            else:
                cells.append("")
        first, last = by_size.get(ordered[0]), by_size.get(ordered[-1])
        ratio = f"{last[1] / first[1]:.2f}" if first and last and first[1] > 0 else ""
        print(f"| {op} | " + " | ".join(cells) + f" | {ratio} |")

disk = rows("disk.tsv")
if disk:
    print("\n### bytes on disk per run\n")
    print("| database | runs | when | bytes | bytes per run |")
    print("|---|---:|---|---:|---:|")
    for db, size, when, b, per in disk:
        print(f"| {db} | {int(size):,} | {when} | {int(b):,} | {int(per):,} |")
    per_run = {(db, size, when): int(per) for db, size, when, b, per in disk}
    print("\n| runs | when | SQLite / PostgreSQL bytes per run |")
    print("|---:|---|---:|")
    for (db, size, when), per in per_run.items():
        pg = per_run.get(("postgresql", size, when))
        if db == "sqlite" and pg:
            print(f"| {int(size):,} | {when} | {per / pg:.2f} |")

for name in ("fill.tsv", "mix.tsv", "retention.tsv", "skipped.tsv"):
    lines = rows(name)
    if lines:
        print(f"\n{name}:")
        for line in lines:
            print("  " + "  ".join(line))
