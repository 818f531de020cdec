#!/usr/bin/python3
# writer.py - the SQL-writer load of tests/cluster/run.mjs, used while the
# server cannot yet be pointed at PostgreSQL: N threads, each with its own
# autocommit connection through HAProxy (like a server's connection), insert
# notes with unique texts in a loop as fast as the cluster acknowledges them.
# One JSON line per attempt on stdout:
#   {"w": writer, "t0": start ms, "t1": end ms, "ok": true, "note": text}
#   {"w": ..., "t0": ..., "t1": ..., "ok": false, "kind": "conn"|"readonly"|"sqlstate:XXXXX", "err": "..."}
# A connection that failed or landed on a standby (25006) is dropped and a
# new one made. No client-side cancel: a cancel request during a commit
# that waits for its synchronous standby makes PostgreSQL report the commit
# as successful with only a WARNING ("canceling wait for synchronous
# replication ... already committed locally, but might not have been
# replicated"), an acknowledgement of a write that is on one node only.
# (statement_timeout does not fire there: it is disabled before the commit.)
# Stops when standard input closes.
# Usage: writer.py DSN WRITERS TAG [PAUSE_MS]
import json, sys, threading, time
import psycopg2

dsn, n, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
pause = float(sys.argv[4]) / 1000.0 if len(sys.argv) > 4 else 0.0
lock = threading.Lock()
stop = threading.Event()

def emit(rec):
    line = json.dumps(rec)
    with lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

def now():
    return time.time() * 1000.0

def loop(w):
    conn, seq = None, 0
    while not stop.is_set():
        t0 = now()
        try:
            if conn is None:
                conn = psycopg2.connect(dsn, connect_timeout=2, keepalives=1, keepalives_idle=2,
                                        keepalives_interval=1, keepalives_count=2)
                conn.autocommit = True
            seq += 1
            note = "%s-w%d-%d" % (tag, w, seq)
            with conn.cursor() as cur:
                cur.execute("INSERT INTO cluster_notes(note, writer) VALUES (%s, %s)", (note, w))
            emit({"w": w, "t0": t0, "t1": now(), "ok": True, "note": note})
            if pause:
                time.sleep(pause)
        except psycopg2.Error as e:
            code = getattr(e, "pgcode", None)
            kind = "readonly" if code == "25006" else ("sqlstate:" + code if code else "conn")
            emit({"w": w, "t0": t0, "t1": now(), "ok": False, "kind": kind,
                  "err": str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__})
            try:
                if conn is not None:
                    conn.close()
            except Exception:
                pass
            conn = None
            time.sleep(0.05)

threads = [threading.Thread(target=loop, args=(w,), daemon=True) for w in range(n)]
for t in threads:
    t.start()
try:
    sys.stdin.read()
except KeyboardInterrupt:
    pass
stop.set()
for t in threads:
    t.join(timeout=3)
