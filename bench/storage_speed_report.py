#!/usr/bin/env python3
"""The table of bench/run-storage-speed.sh: one row per measured point, with each exprun row set against the ceiling of
the same sitting (req/s and p99) and against the storage's own limit (SQLite: one writer in Python committing every 1
and every 64 runs; PostgreSQL: pgbench running the cancel statement, one commit each), then issue 34's targets."""
import sys

rows = []
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    if len(f) < 11:
        continue
    system, what, load, secs = f[:4]
    req, rps, p50, p99, p999, mx, err = f[4:11]
    rows.append(dict(system=system, what=what, load=load, secs=secs, req=int(req), rps=float(rps), p50=float(p50),
                     p99=float(p99), p999=float(p999), max=float(mx), err=int(err)))


def find(system, what):
    return next((r for r in rows if r["system"] == system and r["what"] == what), None)


def ratio(a, b, key):
    return "%.2f" % (a[key] / b[key]) if a and b and b[key] else ""


print("| system | what | load | s | requests | req/s | p50 ms | p99 ms | p99.9 ms | max ms | errors "
      "| / ceiling req/s | p99 / ceiling p99 | / limit 1 per commit | / limit 64 per commit |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    ceiling = find("ceiling", r["what"])
    one = many = None
    if r["system"].startswith("sqlite") and not r["system"].startswith("sqlite-limit"):
        one, many = find("sqlite-limit 1/commit", r["what"]), find("sqlite-limit 64/commit", r["what"])
    elif r["system"].startswith("pg"):
        one = find("pgbench", r["what"])
    exprun = r["system"] not in ("ceiling", "pgbench") and not r["system"].startswith("sqlite-limit")
    print("| %s | %s | %s | %s | %d | %.0f | %.2f | %.2f | %.2f | %.1f | %d | %s | %s | %s | %s |" % (
        r["system"], r["what"], r["load"], r["secs"], r["req"], r["rps"], r["p50"], r["p99"], r["p999"], r["max"],
        r["err"], ratio(r, ceiling, "rps") if exprun else "", ratio(r, ceiling, "p99") if exprun else "",
        ratio(r, one, "rps") if exprun else "", ratio(r, many, "rps") if exprun else ""))

print()
print("| issue 34 target | SQLite | PostgreSQL |")
print("|---|---|---|")
ceiling = find("ceiling", "cancel")


def verdict(ok, text):
    return ("**met**: " if ok else "**missed**: ") + text


def target(name, check):
    cells = []
    for system in ("sqlite", "pg gc=on"):
        r = find(system, "cancel")
        cells.append(check(r, system) if r and ceiling else "not measured")
    print("| %s | %s | %s |" % (name, cells[0], cells[1]))


target("cancel ≥ 0.5 of the ceiling's req/s (32 connections)",
       lambda r, s: verdict(r["rps"] >= 0.5 * ceiling["rps"], "%.0f / %.0f = %.2f" % (
           r["rps"], ceiling["rps"], r["rps"] / ceiling["rps"])))
target("cancel p99 ≤ 2 × the ceiling's p99",
       lambda r, s: verdict(r["p99"] <= 2 * ceiling["p99"], "%.2f ms vs 2 × %.2f ms (%.1f×)" % (
           r["p99"], ceiling["p99"], r["p99"] / ceiling["p99"])))
limit = find("sqlite-limit 1/commit", "cancel")
r = find("sqlite", "cancel")
if r and limit:
    print("| cancel ≥ 1.0 × the one-commit-per-cancel storage limit (SQLite) | %s | |" % verdict(
        r["rps"] >= limit["rps"], "%.0f / %.0f = %.2f" % (r["rps"], limit["rps"], r["rps"] / limit["rps"])))
for mode in ("on", "off"):
    r, pg = find("pg gc=" + mode, "cancel"), find("pgbench", "cancel")
    if r and pg:
        print("| PostgreSQL cancel batching %s: against pgbench | | %.0f / %.0f = %.2f, p99 %.2f ms |" % (
            mode, r["rps"], pg["rps"], r["rps"] / pg["rps"], r["p99"]))
