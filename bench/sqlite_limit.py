#!/usr/bin/env python3
"""The embedded storage's own limit (issue 34): exprun's cancel or create transaction, straight on a copy of exprun's
SQLite file, by one writer in Python's sqlite3, with nothing of exprun above it: WAL, synchronous=FULL, BEGIN
IMMEDIATE, then per run the same statements the server runs, and COMMIT every --per-commit runs (1: one commit per
run, as a server without group commit; 64: what the server's writer reaches at most per commit).

  sqlite_limit.py cancel COPY.db --ids IDS --per-commit 1 --seconds 10 [--tenant bench]
  sqlite_limit.py create COPY.db --per-commit 64 --seconds 10 [--tenant bench]

cancel: the conditional UPDATE of JdbiRunStore.cancelIn and the read-back of the row, for each pending run in IDS (each
once; one that cancels nothing is an error). create: JdbiRunStore.insertRun's transaction: the experiment held (read),
the run and its five results (the demo experiment's documents) inserted. The copy must not be in use by a server.
Output: one tab-separated line as bench's open-loop prints it: requests, req/s, p50, p99, p99.9, max (ms; the time
of a run's own statements, its share of the commit not included), errors."""
import argparse
import os
import sqlite3
import sys
import time

RUN_COLUMNS = ("id, tenant, experiment_id, workflow_id, workflow_version_id, block_id, block_type, n_consensus, "
               "trigger_type, status, error_message, error_details, cancel_reason, created_at, started_at, "
               "completed_at, block_execution_fingerprint, documents_fingerprint, document_count, "
               "completed_document_count, error_count")
# exprun's cancel statement (store/JdbiRunStore): stamped no earlier than the run's last transition (migration V10)
CANCEL = ("UPDATE runs SET status = 'cancelled', cancel_reason = ?, completed_at = greatest(exprun_now_ms(), "
          "last_transition_at), last_transition_at = greatest(exprun_now_ms(), last_transition_at), "
          "lease_owner = NULL, lease_beat = NULL WHERE id = ? AND tenant = ? AND status IN "
          "('pending', 'queued', 'running')")
REREAD = "SELECT " + RUN_COLUMNS + " FROM runs WHERE id = ?"
HOLD = "SELECT 1 FROM experiments WHERE tenant = ? AND id = ?"
INSERT_RUN = "INSERT INTO runs (" + RUN_COLUMNS + ") VALUES (" + ", ".join("?" * 21) + ")"
INSERT_RESULT = ("INSERT INTO results (id, tenant, run_id, seq, experiment_id, document_id, document_filename, "
                 "document_mime_type, block_type, status, created_at, attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                 "?, ?)")
DOCUMENTS = [("doc_1", "invoice-001.pdf", "application/pdf"), ("doc_2", "invoice-002.pdf", "application/pdf"),
             ("doc_3", "receipt-003.png", "image/png"), ("doc_4", "invoice-004.pdf", "application/pdf"),
             ("doc_5", "purchase-order-005.pdf", "application/pdf")]


def now_ms():
    return int(time.time() * 1000)


def greatest(a, b):
    """PostgreSQL's GREATEST, as exprun registers it on SQLite: NULLs are ignored."""
    return b if a is None else a if b is None else max(a, b)


def cancel(db, run_id, tenant):
    changed = db.execute(CANCEL, ("Cancelled by API request", run_id, tenant)).rowcount
    db.execute(REREAD, (run_id,)).fetchall()
    return changed == 1


def create(db, run_id, tenant):
    if db.execute(HOLD, (tenant, "exp_demo")).fetchone() is None:
        return False
    t = now_ms()
    db.execute(INSERT_RUN, (run_id, tenant, "exp_demo", "wf_demo", "wfv_demo_1", "blk_extract", "extract", 3, "api",
                            "pending", None, None, None, t, None, None, "bef_bench", "df_bench", 5, 0, 0))
    db.executemany(INSERT_RESULT, [("res_" + run_id[7:] + "_" + str(seq), tenant, run_id, seq, "exp_demo", d[0], d[1],
                                    d[2], "extract", "pending", t, 1) for seq, d in enumerate(DOCUMENTS)])
    return True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["cancel", "create"])
    p.add_argument("db")
    p.add_argument("--ids", help="pending run ids, one per line (cancel)")
    p.add_argument("--per-commit", type=int, default=1)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--tenant", default="bench")
    a = p.parse_args()
    db = sqlite3.connect(a.db, isolation_level=None)  # transactions are begun and committed below, by hand
    db.create_function("exprun_now_ms", 0, now_ms)
    db.create_function("greatest", 2, greatest, deterministic=True)
    if db.execute("PRAGMA journal_mode = WAL").fetchone()[0] != "wal":
        sys.exit("not in WAL mode")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")
    if a.what == "cancel":
        if not a.ids:
            sys.exit("cancel needs --ids")
        with open(a.ids) as f:
            ids = [line.strip() for line in f if line.strip()]
    else:
        ids = ("exprun_lim" + os.urandom(8).hex() + "%08d" % i for i in range(10 ** 9))
    step = cancel if a.what == "cancel" else create
    micros, errors, done, in_batch = [], 0, 0, 0
    start = time.perf_counter()
    end = start + a.seconds
    for run_id in ids:
        if time.perf_counter() >= end:
            break
        if in_batch == 0:
            db.execute("BEGIN IMMEDIATE")
        t0 = time.perf_counter()
        if not step(db, run_id, a.tenant):
            errors += 1
        micros.append((time.perf_counter() - t0) * 1e6)
        done += 1
        in_batch += 1
        if in_batch == a.per_commit:
            db.execute("COMMIT")
            in_batch = 0
    if in_batch:
        db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    micros.sort()
    if not micros:
        sys.exit("nothing was done (no ids?)")

    def at(q):
        return micros[min(len(micros) - 1, int(len(micros) * q / 100.0))] / 1000.0

    print("%d\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%d" % (done, done / elapsed, at(50), at(99), at(99.9), micros[-1] / 1000.0,
                                                    errors))


if __name__ == "__main__":
    main()
