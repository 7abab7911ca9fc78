#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The SQLite FTS5 peer of Folio's benchmarks (Python's sqlite3 module; needs FTS5).

  fts5_peer.py index DB FILE.jsonl    build DB anew: table docs(id UNINDEXED, title, body) with
                                      tokenize='porter unicode61' (stemming; positions are kept, FTS5's
                                      default detail=full), all rows in one transaction; prints a JSON summary
  fts5_peer.py search DB < queries    one FTS5 query per line; prints one JSON line per query with
                                      latency_us, total (not counted: 0) and the top 10 by bm25() with snippet()

query_bench.py imports search() and runs it in its own process.
"""

import json
import sqlite3
import sys
import time
from pathlib import Path

SCHEMA = "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize='porter unicode61')"
SEARCH = ("SELECT id, title, snippet(docs, 2, '**', '**', '...', 40) FROM docs WHERE docs MATCH ? "
          "ORDER BY bm25(docs) LIMIT ?")


def has_fts5():
    try:
        sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize=porter)")
        return True
    except sqlite3.Error:
        return False


def index(db, jsonl):
    start = time.perf_counter()
    db = Path(db)
    for suffix in ("", "-journal", "-wal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    con = sqlite3.connect(db)
    con.execute(SCHEMA)
    n = 0

    def rows():
        nonlocal n
        with open(jsonl, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    rec = json.loads(line)
                    n += 1
                    yield rec.get("id"), rec.get("title") or "", rec.get("body") or ""

    with con:
        con.executemany("INSERT INTO docs(id, title, body) VALUES (?, ?, ?)", rows())
    con.close()
    print(json.dumps({"added": n, "seconds": time.perf_counter() - start}))


def search(db, query, limit=10, con=None):
    """One query: (latency in seconds, rows or None, error)."""
    start = time.perf_counter()
    try:
        rows = con.execute(SEARCH, (query, limit)).fetchall()
        err = None
    except sqlite3.Error as e:
        rows, err = None, str(e)
    return time.perf_counter() - start, rows, err


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "index":
        index(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "search":
        con = sqlite3.connect(sys.argv[2])
        for line in sys.stdin:
            q = line.rstrip("\n")
            secs, rows, err = search(None, q, con=con)
            out = {"query": q, "latency_us": secs * 1e6}
            if err:
                out["error"] = err
            else:
                out["hits"] = [{"id": r[0], "title": r[1], "snippet": r[2]} for r in rows]
            print(json.dumps(out), flush=True)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
