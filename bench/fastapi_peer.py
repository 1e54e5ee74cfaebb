"""The seed's own stack as a peer in the benchmark: FastAPI + uvicorn (one worker) over SQLite in WAL mode.

Same cancel semantics as exprun: in one transaction, a conditional update of the run (only while pending, queued or
running) and the update of its unfinished results; 404 when the run is not cancellable; bearer-key auth.

    /usr/bin/python3 bench/fastapi_peer.py --port 8090 --db /tmp/peer.db --seed 50000 --ids-out /tmp/peer-ids.txt --key k

Seeds N pending runs with 5 pending results each straight into SQLite (set-up, not measured), writes their ids, serves.
"""
import argparse
import sqlite3
import threading
import time
import uuid

import uvicorn
from fastapi import FastAPI, Header, HTTPException
from fastapi.responses import JSONResponse

ACTIVE = ("pending", "queued", "running")
app = FastAPI()
_local = threading.local()
DB_PATH = ""
API_KEY = ""


def db():
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(DB_PATH, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")  # durable commits, as exprun's H2 default
        _local.conn = conn
    return conn


def schema(conn):
    conn.executescript("""
        CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, experiment_id TEXT NOT NULL,
            status TEXT NOT NULL, cancel_reason TEXT, created_at INTEGER NOT NULL, completed_at INTEGER,
            document_count INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS results (id TEXT PRIMARY KEY, run_id TEXT NOT NULL, seq INTEGER NOT NULL,
            status TEXT NOT NULL, cancel_reason TEXT, completed_at INTEGER);
        CREATE INDEX IF NOT EXISTS results_run ON results (run_id, seq);
    """)


def seed(n, ids_out):
    conn = db()
    schema(conn)
    now = int(time.time() * 1000)
    ids = ["exprun_" + uuid.uuid4().hex for _ in range(n)]
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO runs VALUES (?, 'bench', 'exp_demo', 'pending', NULL, ?, NULL, 5)",
                     [(i, now) for i in ids])
    conn.executemany("INSERT INTO results VALUES (?, ?, ?, 'pending', NULL, NULL)",
                     [(i.replace("exprun_", "expres_") + "_" + str(s), i, s) for i in ids for s in range(5)])
    conn.execute("COMMIT")
    with open(ids_out, "w") as f:
        f.write("\n".join(ids) + "\n")


def authorized(authorization):
    if authorization != "Bearer " + API_KEY:
        raise HTTPException(status_code=401, detail={"code": "unauthorized", "message": "missing or unknown key"})


def run_json(row):
    return {"id": row[0], "experiment_id": row[2],
            "lifecycle": {"status": row[3], "reason": row[4]},
            "timing": {"created_at": row[5], "completed_at": row[6]},
            "progress": {"document_count": row[7]}}


@app.post("/v1/workflows/experiments/runs/{run_id}/cancel")
def cancel(run_id: str, authorization: str = Header(default="")):
    authorized(authorization)
    conn = db()
    now = int(time.time() * 1000)
    conn.execute("BEGIN IMMEDIATE")
    try:
        updated = conn.execute(
            "UPDATE runs SET status = 'cancelled', cancel_reason = 'cancelled by user', completed_at = ? "
            "WHERE id = ? AND tenant = 'bench' AND status IN (?, ?, ?)", (now, run_id, *ACTIVE)).rowcount
        if updated == 0:
            conn.execute("ROLLBACK")
            return JSONResponse(status_code=404, content={"detail": {"code": "run_not_cancellable",
                                                                      "message": "run is not cancellable"}})
        conn.execute("UPDATE results SET status = 'cancelled', cancel_reason = 'cancelled by user', completed_at = ? "
                     "WHERE run_id = ? AND status IN (?, ?, ?)", (now, run_id, *ACTIVE))
        row = conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return run_json(row)


@app.get("/v1/workflows/experiments/runs/{run_id}")
def get_run(run_id: str, authorization: str = Header(default="")):
    authorized(authorization)
    row = db().execute("SELECT * FROM runs WHERE id = ? AND tenant = 'bench'", (run_id,)).fetchone()
    if row is None:
        return JSONResponse(status_code=404, content={"detail": {"code": "run_not_found", "message": "no such run"}})
    return run_json(row)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ids-out")
    parser.add_argument("--key", required=True)
    a = parser.parse_args()
    DB_PATH, API_KEY = a.db, a.key
    if a.seed:
        seed(a.seed, a.ids_out)
    uvicorn.run(app, host="127.0.0.1", port=a.port, workers=1, log_level="warning", access_log=False)
