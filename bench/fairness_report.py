"""The table of bench/run-fairness.sh: each scenario's figures against the issue's acceptance.

results.tsv lines: scenario, turn, mode, who, then fairness.lua's: requests, req/s, p50, p99, p99.9, max (ms), errors,
429s, 503s.
"""
import collections
import statistics
import sys

LIST_COST = 7  # http/EdgeHandler.LIST_COST: a list is 7 gets' worth of an API thread


def main(path, runs, cores):
    rows = collections.defaultdict(list)
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 13:
            continue
        scenario, turn, mode, who = f[:4]
        req, rate, p50, p99, p999, mx, errors, r429, r503 = (float(x) for x in f[4:13])
        rows[(scenario, mode, who)].append(dict(req=req, rate=rate, p50=p50, p99=p99, p999=p999, max=mx,
                                                errors=errors, r429=r429, r503=r503))
    med = lambda key, field: statistics.median(r[field] for r in rows[key]) if rows.get(key) else float("nan")
    total = lambda key, field: sum(r[field] for r in rows.get(key, []))
    verdict = lambda ok: "**yes**" if ok else "**no**"
    print(f"\n{runs} runs, {cores} cores; medians over turns\n")
    print("| scenario | measured | wanted | met |")
    print("|---|---|---|---|")
    for who in ("gets64", "lists16"):
        if ("lone", "fair", who) in rows:
            fair, off = med(("lone", "fair", who), "rate"), med(("lone", "off", who), "rate")
            n429 = total(("lone", "fair", who), "r429")
            print(f"| lone tenant, {who} | fair {fair:.0f}/s, off {off:.0f}/s: {fair / off:.3f}x; 429s {n429:.0f}; "
                  f"errors {total(('lone', 'fair', who), 'errors'):.0f} | 0 answers 429, >= 0.95x | "
                  f"{verdict(n429 == 0 and fair >= 0.95 * off)} |")
    if ("split", "fair", "a") in rows:
        a, b = med(("split", "fair", "a"), "req"), med(("split", "fair", "b"), "req")
        share = a / (a + b)
        print(f"| two tenants saturating, gets 32+32 | A {a:.0f}, B {b:.0f}: A's share {share:.3f} | 0.45-0.55 | "
              f"{verdict(0.45 <= share <= 0.55)} |")
    if ("noisy", "fair", "b-loaded") in rows:
        u, l = med(("noisy", "fair", "b-unloaded"), "p99"), med(("noisy", "fair", "b-loaded"), "p99")
        alone, loaded = med(("noisy", "fair", "a-alone"), "rate"), med(("noisy", "fair", "a-loaded"), "rate")
        b_rate = med(("noisy", "fair", "b-loaded"), "rate")
        want = 0.9 * (alone - b_rate / LIST_COST)
        hz = rows[("noisy", "fair", "healthz")][0] if rows.get(("noisy", "fair", "healthz")) else {"p99": float("nan")}
        print(f"| noisy neighbour: B's get p99 | unloaded {u:.2f} ms, loaded {l:.2f} ms: {l / u:.2f}x "
              f"(/healthz p99 {hz['p99']:.2f} ms) | <= 2x | {verdict(l <= 2 * u)} |")
        print(f"| noisy neighbour: A's lists | alone {alone:.0f}/s, with B {loaded:.0f}/s (B {b_rate:.0f} gets/s = "
              f"{b_rate / LIST_COST:.0f} lists' worth) | >= {want:.0f}/s | {verdict(loaded >= want)} |")
    if ("hammer", "fair", "b-loaded") in rows:
        alone, loaded = med(("hammer", "fair", "b-alone"), "rate"), med(("hammer", "fair", "b-loaded"), "rate")
        a = rows[("hammer", "fair", "a-hammer")][0]
        print(f"| hammering A (sent {a['rate']:.0f}/s, {a['r429']:.0f} answered 429) | B alone {alone:.0f}/s, "
              f"with A {loaded:.0f}/s: {loaded / alone:.2f}x | >= 0.8x | {verdict(loaded >= 0.8 * alone)} |")
    for who in ("gets64", "lists16"):
        if ("dbdown", "fair", who) in rows:
            r = rows[("dbdown", "fair", who)][0]
            print(f"| database down, {who} | {r['req']:.0f} answers: 503 {r['r503']:.0f}, 429 {r['r429']:.0f}, "
                  f"errors {r['errors']:.0f} | 0 answers 429 | {verdict(r['r429'] == 0 and r['r503'] > 0)} |")


if __name__ == "__main__":
    main(*sys.argv[1:4])
