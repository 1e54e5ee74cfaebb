"""Prints the benchmark's table (Markdown) from bench/run-benchmark.sh's results.tsv, with ratios to the ceilings
and the issue #12 targets checked. Columns of results.tsv: system, endpoint, mode, load, seconds, then the load
generator's line: requests, req/s, p50, p99, p99.9, max (ms), errors."""
import sys

NAMES = {"ceiling": "ceiling (constant Jersey)", "sqlite": "exprun SQLite", "pg": "exprun PostgreSQL",
         "fastapi": "FastAPI + SQLite (WAL)", "sqlite-jdbc": "storage limit: SQLite, JDBC",
         "pg-jdbc": "storage limit: PostgreSQL, JDBC", "pgbench": "storage limit: PostgreSQL, pgbench"}

rows = []
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    if len(f) < 12:
        continue
    rows.append(dict(system=f[0], endpoint=f[1], mode=f[2], load=f[3], seconds=int(f[4]), requests=int(f[5]),
                     rps=float(f[6]), p50=float(f[7]), p99=float(f[8]), p999=float(f[9]), max=float(f[10]),
                     errors=int(f[11])))


def find(system, endpoint, mode, load):
    for r in rows:
        if (r["system"], r["endpoint"], r["mode"], r["load"]) == (system, endpoint, mode, str(load)):
            return r
    return None


def ceiling_of(r):
    load = r["load"] if r["mode"].startswith("closed") else "32"
    return find("ceiling", r["endpoint"], "closed", load)


print("| system | endpoint | load | s | requests | req/s | p50 ms | p99 ms | p99.9 ms | max ms | errors | "
      "ratio to ceiling req/s | p99 / ceiling p99 |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    c = ceiling_of(r)
    load = (r["load"] + " conn") if r["mode"] == "closed" else (
        "fixed " + r["load"] + "/s" if r["mode"] == "open" else r["load"] + " conn (" + r["mode"].replace("closed", "").strip() + ")")
    ratio = "%.2f" % (r["rps"] / c["rps"]) if c and r["system"] != "ceiling" and r["mode"] != "open" else ""
    p99r = "%.1f" % (r["p99"] / c["p99"]) if c and r["system"] != "ceiling" and r["mode"] != "open" else ""
    print("| %s | %s | %s | %d | %s | %s | %.2f | %.2f | %.2f | %.1f | %d | %s | %s |" % (
        NAMES.get(r["system"], r["system"]), r["endpoint"], load, r["seconds"], format(r["requests"], ","),
        format(round(r["rps"]), ","), r["p50"], r["p99"], r["p999"], r["max"], r["errors"], ratio, p99r))

print()
print("## Targets (issue #12; at 32 connections unless said)")
print()
print("| target | SQLite | PostgreSQL |")
print("|---|---|---|")


def verdict(ok, text):
    return ("**met**: " if ok else "**missed**: ") + text


def targets():
    cc, cg = find("ceiling", "cancel", "closed", 32), find("ceiling", "get", "closed", 32)
    peer = find("fastapi", "cancel", "closed", 32)
    opens = {s: sorted([r for r in rows if r["system"] == s and r["mode"] == "open"], key=lambda r: float(r["load"]))
             for s in ("sqlite", "pg")}
    cancel = lambda s: find(s, "cancel", "closed", 32)
    lines = []

    def row(name, fn):
        cells = []
        for s in ("sqlite", "pg"):
            try:
                cells.append(fn(s))
            except (TypeError, IndexError, ZeroDivisionError):
                cells.append("not measured")
        lines.append("| %s | %s | %s |" % (name, cells[0], cells[1]))

    def cancel(s):
        return find(s, "cancel", "closed", 32)

    row("cancel ≥ 0.6 (SQLite) / 0.5 (PostgreSQL) of the POST ceiling", lambda s: verdict(
        cancel(s)["rps"] / cc["rps"] >= (0.6 if s == "sqlite" else 0.5),
        "%s / %s = %.2f" % (format(round(cancel(s)["rps"]), ","), format(round(cc["rps"]), ","), cancel(s)["rps"] / cc["rps"])))
    row("cancel p99 ≤ 2 × ceiling p99", lambda s: verdict(cancel(s)["p99"] <= 2 * cc["p99"],
        "%.1f ms vs 2 × %.1f ms (%.1f×)" % (cancel(s)["p99"], cc["p99"], cancel(s)["p99"] / cc["p99"])))
    row("cancel p99.9 ≤ 50 ms", lambda s: verdict(cancel(s)["p999"] <= 50, "%.1f ms" % cancel(s)["p999"]))
    row("cancel max ≤ 200 ms (%d s run)" % (cancel("sqlite") or {"seconds": 0})["seconds"],
        lambda s: verdict(cancel(s)["max"] <= 200, "%.1f ms" % cancel(s)["max"]))
    half = round(cc["rps"] / 2) if cc else 0
    row("fixed rate at 50%% of the ceiling (%s/s): cancel p99 ≤ 10 ms" % format(half, ","),
        lambda s: verdict(False, "%s/s is %.1f× what exprun sustains closed-loop (%s/s): not sustainable, p99 grows "
                          "without bound" % (format(half, ","), half / cancel(s)["rps"], format(round(cancel(s)["rps"]), ","))
                          if half > cancel(s)["rps"] else "see the fixed-rate rows"))
    row("fixed rate at 50% of exprun's own 32-connection rate: cancel p99 ≤ 10 ms",
        lambda s: verdict(opens[s][0]["p99"] <= 10, "%s/s: p99 %.1f ms, p99.9 %.1f ms, max %.1f ms" % (
            format(round(float(opens[s][0]["load"])), ","), opens[s][0]["p99"], opens[s][0]["p999"], opens[s][0]["max"])))
    limit = {"sqlite": "sqlite-jdbc", "pg": "pgbench"}
    row("cancel ≥ 1.0 × the storage's per-commit limit (issue 19: exprun's cancel statement, one commit each, "
        "32 clients, no HTTP; SQLite over JDBC, PostgreSQL through pgbench)", lambda s: verdict(
        cancel(s)["rps"] >= find(limit[s], "cancel", "closed", 32)["rps"],
        "%s / %s = %.2f" % (format(round(cancel(s)["rps"]), ","),
                            format(round(find(limit[s], "cancel", "closed", 32)["rps"]), ","),
                            cancel(s)["rps"] / find(limit[s], "cancel", "closed", 32)["rps"])))
    row("get run ≥ 0.9 of the GET ceiling (issue 19)", lambda s: verdict(
        find(s, "get", "closed", 32)["rps"] / cg["rps"] >= 0.9, "%.2f" % (find(s, "get", "closed", 32)["rps"] / cg["rps"])))
    row("get run ≥ 0.8 of the GET ceiling", lambda s: verdict(find(s, "get", "closed", 32)["rps"] / cg["rps"] >= 0.8,
        "%.2f" % (find(s, "get", "closed", 32)["rps"] / cg["rps"])))
    row("get run p99 ≤ 2 × GET ceiling p99", lambda s: verdict(find(s, "get", "closed", 32)["p99"] <= 2 * cg["p99"],
        "%.1f ms vs 2 × %.1f ms" % (find(s, "get", "closed", 32)["p99"], cg["p99"])))
    row("ahead of FastAPI + SQLite on cancel req/s and p99", lambda s: verdict(
        cancel(s)["rps"] > peer["rps"] and cancel(s)["p99"] < peer["p99"],
        "%s vs %s req/s, p99 %.1f vs %.1f ms" % (format(round(cancel(s)["rps"]), ","), format(round(peer["rps"]), ","),
                                                 cancel(s)["p99"], peer["p99"])))
    all_rows = [r for r in rows if r["system"] != "ceiling"]
    lines.append("| zero errors everywhere | %s | %s |" % tuple(
        verdict(sum(r["errors"] for r in all_rows if r["system"] == s) == 0,
                "%d errors" % sum(r["errors"] for r in all_rows if r["system"] == s)) for s in ("sqlite", "pg")))
    ab = {s: (find(s, "cancel", "closed", 32), find(s, "cancel", "closed gc=off", 32)) for s in ("sqlite", "pg")}
    lines.append("| group commit on (the default, 30 s row) vs off (10 s row), 32 connections: req/s, p99 | %s | %s |" % tuple(
        ("%s vs %s req/s, p99 %.1f vs %.1f ms" % (format(round(ab[s][0]["rps"]), ","), format(round(ab[s][1]["rps"]), ","),
                                                  ab[s][0]["p99"], ab[s][1]["p99"]) if ab[s][0] and ab[s][1] else "not measured")
        for s in ("sqlite", "pg")))
    print("\n".join(lines))


targets()
