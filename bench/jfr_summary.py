"""Summarises a JFR recording of exprun under load (bench/run-benchmark.sh records one during 32-connection H2
cancels): top frames by CPU (jdk.ExecutionSample), by allocation (jdk.ObjectAllocationSample, weighted), and where
threads waited for monitors (jdk.JavaMonitorEnter) or parked (jdk.ThreadPark), via `jfr print --json`.

    /usr/bin/python3 bench/jfr_summary.py recording.jfr [top-n]
"""
import collections
import json
import re
import subprocess
import sys

JFR, TOP = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 12
# frames that only say "waiting in the JDK's concurrency plumbing": skipped to find who waited
PLUMBING = re.compile(r"^(java\.util\.concurrent\.|java\.lang\.Thread\.|jdk\.internal\.misc\.Unsafe|java\.lang\.Object\.wait)")


def events(kind):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "24", "--events", kind, JFR],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["recording"]["events"]


def frame_name(frame):
    m = frame["method"]
    cls = re.sub(r"\$\$Lambda\$.*", "$$Lambda", m["type"]["name"].replace("/", "."))
    return "%s.%s" % (cls, m["name"])


def frames(e):
    st = e["values"].get("stackTrace") or {}
    return [frame_name(f) for f in st.get("frames", [])]


def first_not_plumbing(fs):
    for f in fs:
        if not PLUMBING.match(f):
            return f
    return fs[0] if fs else "(no stack)"


def package(name):
    parts = name.split(".")
    return ".".join(parts[:3]) if parts[0] in ("org", "com", "io", "jdk", "sun") else ".".join(parts[:2])


def seconds(d):
    if isinstance(d, (int, float)):
        return d / 1e9
    m = re.match(r"PT(?:(\d+)M)?([\d.]+)S", d or "")
    return (int(m.group(1) or 0) * 60 + float(m.group(2))) if m else 0.0


def table(title, header, items, total, unit):
    print("**%s**" % title)
    print()
    print("| %s | %s | share |" % (header, unit))
    print("|---|---:|---:|")
    for name, v in items:
        print("| `%s` | %s | %.1f%% |" % (name, format(round(v, 1), ","), 100.0 * v / total if total else 0))
    print()


cpu = events("jdk.ExecutionSample")
leaf = collections.Counter(frames(e)[0] for e in cpu if frames(e))
by_pkg = collections.Counter(package(frames(e)[0]) for e in cpu if frames(e))
inclusive = collections.Counter()
for e in cpu:
    for f in set(frames(e)):
        inclusive[f] += 1
n = len(cpu)
print("%d CPU samples (jdk.ExecutionSample, every 10 ms per running thread)." % n)
print()
table("CPU, top frames (self)", "frame", leaf.most_common(TOP), n, "samples")
table("CPU by package of the top frame", "package", by_pkg.most_common(TOP), n, "samples")
table("CPU, frames on the stack (inclusive, exprun and H2)", "frame",
      [(k, v) for k, v in inclusive.most_common(400) if k.startswith(("io.exprun", "org.h2.", "com.zaxxer"))][:TOP], n,
      "samples")

alloc = events("jdk.ObjectAllocationSample")
by_class, by_site = collections.Counter(), collections.Counter()
seen_threads = set()
for e in alloc:
    # a thread's first sample carries everything it allocated before the recording: skipped
    thread = (e["values"].get("eventThread") or {}).get("javaThreadId")
    if thread not in seen_threads:
        seen_threads.add(thread)
        continue
    w = e["values"].get("weight", 0) / 1e6
    by_class[(e["values"].get("objectClass") or {}).get("name", "?").replace("/", ".")] += w
    by_site[first_not_plumbing(frames(e))] += w
total = sum(by_class.values())
print("Allocation: %.0f MB (sample weights) over %d samples (jdk.ObjectAllocationSample; each thread's first sample,"
      " which carries its allocation from before the recording, left out)." % (total, len(alloc) - len(seen_threads)))
print()
table("Allocation by class", "class", by_class.most_common(TOP), total, "MB")
table("Allocation by site (top frame)", "frame", by_site.most_common(TOP), total, "MB")

for kind, what in (("jdk.JavaMonitorEnter", "monitorClass"), ("jdk.ThreadPark", "parkedClass")):
    evs = events(kind)
    waits = collections.Counter()
    counts = collections.Counter()
    for e in evs:
        cls = (e["values"].get(what) or {}).get("name", "-").replace("/", ".")
        site = first_not_plumbing(frames(e))
        waits[(cls, site)] += seconds(e["values"].get("duration"))
        counts[(cls, site)] += 1
    total = sum(waits.values())
    print("**%s** (waits above the recording's threshold, 20 ms with JFR's default settings): %d events, %.1f s waited in total (summed over threads)." % (kind, len(evs), total))
    print()
    print("| %s | waiting in | events | s waited |" % what)
    print("|---|---|---:|---:|")
    for (cls, site), s in waits.most_common(TOP):
        print("| `%s` | `%s` | %d | %.2f |" % (cls, site, counts[(cls, site)], s))
    print()

load = events("jdk.CPULoad")
if load:
    avg = lambda k: 100 * sum(e["values"][k] for e in load) / len(load)
    print("CPU load during the recording (jdk.CPULoad, mean): exprun JVM user %.0f%% + system %.0f%%, whole machine %.0f%%."
          % (avg("jvmUser"), avg("jvmSystem"), avg("machineTotal")))
