#!/usr/bin/env python3
"""Issue 23's reproductions, replayed from outside against the server jar: one row per case, what RFC 9112 or the
contract expects and what the server answered. Not a benchmark (nothing is timed): it starts the jar itself (its own
process, a fresh data directory, EXPRUN_WORKERS=0), speaks raw bytes where framing is the question, and exits 1 when
a case does not give the expected answer. The tests in server/src/test are the gate; this is the reproduction an
operator can run against a build or a deployment-like start.

    python3 bench/edge-probe.py [server/target/exprun-server.jar]

Needs Python 3.9+, Java 17; the full-disk case needs root and unshare(1) (skipped otherwise).
"""
import gzip
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

JAR = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "server/target/exprun-server.jar")
KEY_A, KEY_B = "probe-key-a", "probe-key-b"
RUNS = "/v1/workflows/experiments/runs"
ROWS = []


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """The jar in its own process on a free port; its output kept for the log checks."""

    def __init__(self, env=None, launcher=None, workdir=None):
        self.dir = workdir or tempfile.mkdtemp(prefix="edge-probe-")
        self.port = free_port()
        full_env = dict(os.environ, EXPRUN_PORT=str(self.port), EXPRUN_BIND="127.0.0.1", EXPRUN_WORKERS="0",
                        EXPRUN_API_KEYS=f"{KEY_A}:tenant-a,{KEY_B}:tenant-b", EXPRUN_LOG_LEVEL="DEBUG")
        full_env.update(env or {})
        self.log_path = os.path.join(tempfile.mkdtemp(prefix="edge-probe-log-"), "server.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen((launcher or []) + ["java", "-jar", JAR], cwd=self.dir, env=full_env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(240):
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.output())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    if s.recv(12).startswith(b"HTTP/1.1 200"):
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError("server did not start")

    def output(self):
        self.log.flush()
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def exchange(port, data, timeout=20.0, quiet=1.5):
    """Sends raw bytes, then reads until the server closes, or is quiet for `quiet` s after answering something, or
    `timeout` passes: (all the bytes, whether the server closed the connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        chunks, closed = [], False
        deadline = time.time() + timeout
        while time.time() < deadline:
            s.settimeout(quiet if chunks else max(0.1, deadline - time.time()))
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not b:
                closed = True
                break
            chunks.append(b)
        return b"".join(chunks), closed


def responses(raw):
    """The status codes of the responses in the bytes, read one after another (Content-Length or chunked bodies)."""
    codes, rest = [], raw
    while rest.startswith(b"HTTP/1."):
        head, sep, rest = rest.partition(b"\r\n\r\n")
        codes.append(int(head[9:12]))
        headers = head.decode("latin-1").lower()
        length = re.search(r"\r\ncontent-length: *(\d+)", headers)
        if length:
            rest = rest[int(length.group(1)):]
        elif re.search(r"\r\ntransfer-encoding: *chunked", headers):
            while True:
                size_line, _, rest = rest.partition(b"\r\n")
                size = int(size_line.split(b";")[0] or b"0", 16)
                rest = rest[size + 2:]
                if size == 0:
                    break
        else:
            break  # close-delimited: the rest is its body
    return codes


def head_of(raw):
    return raw.split(b"\r\n\r\n", 1)[0].decode("latin-1")


def row(item, case, expected, got, ok):
    ROWS.append((item, case, expected, got, "yes" if ok else "NO"))


def request(port, method, target, key=KEY_A, headers=None, body=None, version="HTTP/1.1"):
    lines = [f"{method} {target} {version}", "Host: 127.0.0.1", "Connection: close"]
    if key:
        lines.append(f"Authorization: Bearer {key}")
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
    raw, _ = exchange(port, data)
    return raw


def status(raw):
    r = responses(raw)
    return r[0] if r else None


def framing(port):
    smuggled = f"GET {RUNS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY_B}\r\n\r\n"
    chunked = f"{len(smuggled):x}\r\n{smuggled}\r\n0\r\n\r\n"

    def post(te_lines, body, with_length=True, extra=""):
        head = f"POST {RUNS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY_A}\r\nContent-Type: application/json\r\n"
        head += te_lines + extra
        if with_length:
            head += f"Content-Length: {len(body)}\r\n"
        return (head + "\r\n").encode() + body.encode()

    cases = [
        ("TE `identity, chunked` + CL, chunks hold a GET", post("Transfer-Encoding: identity, chunked\r\n", chunked)),
        ("TE `gzip, chunked` + CL", post("Transfer-Encoding: gzip, chunked\r\n", chunked)),
        ("TE `x, chunked` + CL", post("Transfer-Encoding: x, chunked\r\n", chunked)),
        ("TE `identity, chunked`, no CL", post("Transfer-Encoding: identity, chunked\r\n", chunked, False)),
        ("TE `chunked, identity`", post("Transfer-Encoding: chunked, identity\r\n", chunked, False)),
        ("`Transfer-Encoding : chunked` (space before colon)", post("Transfer-Encoding : chunked\r\n", chunked, False)),
        ("obs-folded Transfer-Encoding", post("Transfer-Encoding: identity,\r\n chunked\r\n", chunked, False)),
        ("obs-folded Authorization",
         f"GET {RUNS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer\r\n {KEY_A}\r\n\r\n".encode()),
        ("a header line without a colon", f"GET {RUNS} HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n".encode()),
        ("CONNECT", b"CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n"),
    ]
    for name, data in cases:
        raw, closed = exchange(port, data)
        got = responses(raw)
        # 501 for a transfer coding or a method the server does not implement (RFC 9112 §6.1, RFC 9110 §15.6.2)
        ok = len(got) == 1 and (400 <= got[0] < 500 or got[0] == 501) and closed and b"X-Request-Id" in raw
        row(1, name, "one 4xx/501, closed, X-Request-Id", f"{got} closed={closed}", ok)

    body = '{"experiment_id":"exp_demo"}'
    raw, closed = exchange(port, post("Transfer-Encoding: chunked\r\n", chunked_of(body), True))
    got = responses(raw)
    row(1, "CL together with TE chunked", "one answer, then closed", f"{got} closed={closed}", len(got) == 1 and closed)
    raw, _ = exchange(port, post("Transfer-Encoding: chunked\r\n", f"{len(body):x};ext=1\r\n{body}\r\n0\r\n\r\n", False,
                                 "Connection: close\r\n"))
    row(1, "chunk extension `;ext=1` (ignored, §7.1.1)", "200", str(status(raw)), status(raw) == 200)
    raw = request(port, "DELETE", "/v1/workflows/experiments/exp_demo", body=b"{}")
    row(1, "DELETE with a body", "answered with X-Request-Id", f"{status(raw)} id={b'X-Request-Id' in raw}",
        status(raw) is not None and b"X-Request-Id" in raw)
    for target in ("/openapi.json", RUNS + "?limit=100"):
        raw = request(port, "GET", target, version="HTTP/1.0")
        head = head_of(raw).lower()
        ok = status(raw) == 200 and "transfer-encoding" not in head
        row(1, f"HTTP/1.0 GET {target}", "200, no chunked", f"{status(raw)} chunked={'transfer-encoding' in head}", ok)
    # control: a good keep-alive pair on one connection is answered twice
    pair = (f"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    raw, _ = exchange(port, pair.encode())
    row(1, "control: two good requests on one connection", "[200, 200]", str(responses(raw)),
        responses(raw) == [200, 200])


def chunked_of(text):
    return f"{len(text):x}\r\n{text}\r\n0\r\n\r\n"


def targets(server):
    before = server.output().count("exprun.access")
    for target in ("/healthz\\x", "/v1/{x}", "/v1/x}", "/v1/a|b", "/v1/a^b", "/v1/a`b", '/v1/a"b', "/v1/a<b",
                   "http://a:b@evil/v1/workflows/experiments/runs", "http://[::1/x", "http://"):
        raw = request(server.port, "GET", target)
        ok = status(raw) == 400 and b"X-Request-Id" in raw and b'"detail"' in raw
        row(2, f"GET {target}", "400 envelope + X-Request-Id", f"{status(raw)} id={b'X-Request-Id' in raw}", ok)
    seen = server.output().count("exprun.access") - before
    row(2, "access-log lines for those 11", ">= 11", str(seen), seen >= 11)


def fair_shares(port):
    for _ in range(30):
        request(port, "POST", RUNS, headers={"Content-Type": "application/json"}, body=b'{"experiment_id":"exp_demo"}')
    results, barrier = [], threading.Barrier(32)

    def one():
        barrier.wait()
        raw = request(port, "GET", RUNS + "?limit=100&order=asc")
        results.append((status(raw), "retry-after" in head_of(raw).lower()))

    threads = [threading.Thread(target=one) for _ in range(32)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    statuses = sorted({r[0] for r in results})
    b = status(request(port, "GET", RUNS + "?limit=1", key=KEY_B))
    row(3, "32 lists of tenant A at once, then a list of B", "all 200 (A's queue, not refused); B 200",
        f"A={statuses} (429s: {sum(1 for r in results if r[0] == 429)}), B={b}",
        statuses == [200] and b == 200)


def clients_that_leave(server):
    before = server.output().count(" ERROR ")
    for _ in range(10):
        with socket.create_connection(("127.0.0.1", server.port)) as s:
            s.sendall(f"GET {RUNS}?limit=100 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY_A}\r\n\r\n".encode())
    time.sleep(2)  # the answers are written (or not) after the clients left; only the log is looked at
    errors = server.output().count(" ERROR ") - before
    row(4, "10 list requests whose clients left", "no ERROR line", f"ERROR lines={errors}", errors == 0)


def unstorable_and_honesty(port):
    raw = request(port, "POST", RUNS, headers={"Content-Type": "application/json", "Idempotency-Key": "a\x00b"},
                  body=b'{"experiment_id":"exp_demo"}')
    # Jetty refuses a NUL in any field value before the operation sees it (RFC 9110 §5.5 lets it; issue 32 asks it)
    row(8, "Idempotency-Key with a NUL byte", "400", str(status(raw)), status(raw) == 400)
    raw = request(port, "GET", "/docs/index.html")
    row(9, "/docs/index.html", "exprun's spec, no petstore", f"{status(raw)} petstore={b'petstore' in raw}",
        status(raw) == 200 and b"petstore" not in raw)
    body = b'{"experiment_id":"exp_demo"}'
    for label, data in (("plain JSON labelled gzip", body), ("real gzip", gzip.compress(body))):
        raw = request(port, "POST", RUNS, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
                      body=data)
        row(10, f"Content-Encoding: gzip, {label}", "415", str(status(raw)), status(raw) == 415)
    raw = request(port, "POST", RUNS, headers={"Content-Type": "application/json"}, body=b"x" * (3 * 1024 * 1024))
    row(10, "a 3 MiB body", "413 (declared in the spec)", str(status(raw)), status(raw) == 413)
    raw = request(port, "GET", RUNS + "?limit=0")
    line = head_of(raw).split("\r\n")[0]
    row(10, "reason phrase of a 422", "Unprocessable Content/Entity", line,
        "CUSTOM" not in line and "Unprocessable" in line)
    raw = request(port, "GET", RUNS + "?limit=5&limit=500")
    row(10, "?limit=5&limit=500", "422", str(status(raw)), status(raw) == 422)


def operator_mistakes():
    for keys in ("key_a:tenant_a,key_a:tenant_b", "key_a:tenant_a,key_a:tenant_a", ","):
        d = tempfile.mkdtemp(prefix="edge-probe-")
        p = subprocess.run(["java", "-jar", JAR], cwd=d, capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, EXPRUN_PORT="0", EXPRUN_API_KEYS=keys))
        said = (p.stderr + p.stdout).strip().splitlines()
        row(7, f"EXPRUN_API_KEYS={keys!r}", "refuses to start, cause + fix",
            f"exit {p.returncode}: {said[0][:60] if said else ''}",
            p.returncode != 0 and any("fix:" in line for line in said))


def connection_cap():
    server = Server(launcher=["sh", "-c", 'ulimit -n 256 && exec "$@"', "sh"])
    try:
        held = []
        for _ in range(400):
            try:
                held.append(socket.create_connection(("127.0.0.1", server.port), timeout=2))
            except OSError:
                break
        try:
            raw, _ = exchange(server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            health = status(raw)
        except OSError as e:
            health = f"{type(e).__name__}"
        warns = len(re.findall(r" WARN .*connection", server.output(), re.IGNORECASE))
        row(5, "400 silent connections under `ulimit -n 256`", "/healthz 200 while held; one WARN",
            f"healthz={health}, connection WARN lines={warns}", health == 200 and warns == 1)
        for s in held:
            s.close()
    finally:
        server.stop()


def full_disk():
    if os.geteuid() != 0 or not shutil.which("unshare"):
        row(6, "full disk", "503", "skipped: needs root and unshare", True)
        return
    work = tempfile.mkdtemp(prefix="edge-probe-disk-")
    launcher = ["unshare", "-m", "sh", "-c", 'mount -t tmpfs -o size=3m tmpfs "$0" && cd "$0" && exec "$@"', work]
    server = Server(launcher=launcher, workdir=work)
    try:
        codes, reads, ready = {}, {}, set()
        for _ in range(3000):
            s = status(request(server.port, "POST", RUNS, headers={"Content-Type": "application/json"},
                               body=b'{"experiment_id":"exp_demo"}'))
            codes[s] = codes.get(s, 0) + 1
            if s != 200:
                r = status(request(server.port, "GET", RUNS + "?limit=5"))
                reads[r] = reads.get(r, 0) + 1
                r = json.loads(request(server.port, "GET", "/readyz").split(b"\r\n\r\n", 1)[1])
                ready.add(r.get("writes") if r.get("database") == "up" else "database " + r.get("database"))
                if codes.get(503, 0) + codes.get(500, 0) >= 60:
                    break
        row(6, "creates on a full 3 MB disk", "200 then 503, never 500", str(dict(sorted(codes.items(), key=lambda kv: str(kv[0])))),
            500 not in codes and 503 in codes)
        row(6, "lists between refused creates", "200", str(reads), set(reads) == {200})
        row(6, "/readyz between refused creates", "writes: failing, steadily", str(sorted(ready)), ready == {"failing"})
    finally:
        server.stop()


def guarded(item, section, *args):
    try:
        section(*args)
    except Exception as e:  # a section that breaks is a row that failed, and the others still run
        row(item, section.__name__, "runs to its end", f"{type(e).__name__}: {e}"[:120], False)


def main():
    server = Server()
    try:
        guarded(1, framing, server.port)
        guarded(2, targets, server)
        guarded(3, fair_shares, server.port)
        guarded(4, clients_that_leave, server)
        guarded(10, unstorable_and_honesty, server.port)
    finally:
        server.stop()
    guarded(7, operator_mistakes)
    guarded(5, connection_cap)
    guarded(6, full_disk)
    print("| item | case | expected | answered | as expected |")
    print("|---:|---|---|---|---|")
    for r in ROWS:
        print("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |")
    failed = [r for r in ROWS if r[4] == "NO"]
    print(f"\n{len(ROWS) - len(failed)} of {len(ROWS)} cases as expected")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
