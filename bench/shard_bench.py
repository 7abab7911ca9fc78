#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Sharding benchmark: indexing time and query latency of the same corpus in 1, 2, 3 and 4 shards,
searched locally (the index's stub) and over loopback (one xapian-tcpsrv per shard).

Corpus: Reuters-21578 as JSON Lines (all 19,043 articles; --quick: the first 2,000).
Indexing: `folio-indexer --shards S` into a fresh database, wall time of the process (-j: all cores).
Queries: a fixed-seed sample of words from the articles' titles (--queries, 200 by default; 40
over loopback, where each hit's document is a round trip), answered by one `folio-searcher --batch`
process per configuration, twice: top 10 with passages (what a user sees), and the count alone
(--limit 0: the match only). Reported: mean milliseconds per query (batch wall time / queries).
Each figure is the best of --repeat runs (2 by default), since the machine is shared and its load
moves single runs. Every configuration must return the same total of matches as the single database; the script
checks it and fails otherwise.

Writes the figures to the "shards" section of docs/BENCHMARKS.md (unless --no-docs or --quick).

  --quick   smoke run for CI: 2,000 articles, 1 and 2 shards, 20 queries (a few seconds)
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as B  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accepts(port):
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Servers:
    """One xapian-tcpsrv per shard on loopback, each in a session of its own (on SIGTERM it
    signals its process group); all killed on exit."""

    def __init__(self, shards):
        self.procs, self.ports = [], []
        for shard in shards:
            for _ in range(5):
                port = free_port()
                p = subprocess.Popen(["xapian-tcpsrv", "--interface", "127.0.0.1", "--port", str(port),
                                      "--quiet", str(shard)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
                for _ in range(100):
                    if accepts(port):
                        break
                    time.sleep(0.05)
                if accepts(port):
                    self.procs.append(p)
                    self.ports.append(port)
                    break
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
            else:
                self.close()
                raise SystemExit(f"xapian-tcpsrv did not start for {shard}")

    def close(self):
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
        self.procs = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def shard_dirs(db):
    lines = (Path(db) / "XAPIANDB").read_text().split("\n")
    return [Path(db) / line.split(" ", 1)[1] for line in lines if line.strip()]


def sample_queries(jsonl, n, seed=7):
    words = set()
    with open(jsonl, encoding="utf-8") as f:
        for line in f:
            title = json.loads(line).get("title") or ""
            words.update(w.lower() for w in re.findall(r"[A-Za-z]{4,}", title))
    rng = random.Random(seed)
    return rng.sample(sorted(words), min(n, len(words)))


def batch(searcher, dbs, queries, extra):
    """Mean ms per query of one --batch process, and the summed match totals."""
    cmd = [str(searcher)]
    for db in dbs:
        cmd += ["--db", str(db)]
    cmd += ["--batch"] + extra
    start = time.perf_counter()
    r = subprocess.run(cmd, input="\n".join(queries) + "\n", capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if r.returncode > 1:
        raise SystemExit(f"searcher failed: {r.stderr}")
    total = sum(json.loads(line)["total"]["estimated"] for line in r.stdout.splitlines())
    return 1000 * seconds / len(queries), total


def main():
    ap = argparse.ArgumentParser(description="Folio's sharding benchmark (see the docstring)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-docs", action="store_true")
    ap.add_argument("--no-build", action="store_true", help="use the binaries already in --build")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--remote-queries", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=2, help="runs per figure; the best is kept")
    ap.add_argument("--corpora", type=Path, default=B.DEFAULT_CORPORA)
    ap.add_argument("--build", type=Path, default=B.DEFAULT_BUILD)
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()

    B.skip_without_corpora(args.corpora)
    if not B.have("xapian-tcpsrv"):
        print("skipped: xapian-tcpsrv is not installed (Debian xapian-tools)")
        return 0
    indexer, searcher = B.build_folio(args.build, rebuild=not args.no_build)
    work = args.work or args.build / "bench-work"
    work.mkdir(parents=True, exist_ok=True)
    limit = 2000 if args.quick else None
    jsonl = B.reuters_jsonl(work, args.corpora, limit)
    articles, text = B.jsonl_stats(jsonl)
    n_local = 20 if args.quick else args.queries
    n_remote = 10 if args.quick else args.remote_queries
    queries = sample_queries(jsonl, n_local)
    shard_counts = [1, 2] if args.quick else [1, 2, 3, 4]
    info = B.machine_info()

    rows, expected = [], None
    for shards in shard_counts:
        db = work / f"shards-{shards}.db"
        repeat = 1 if args.quick else max(1, args.repeat)
        index_s = None
        for _ in range(repeat):
            shutil.rmtree(db, ignore_errors=True)
            start = time.perf_counter()
            B.run_checked([str(indexer), "--db", str(db), "--quiet", "--shards", str(shards), str(jsonl)])
            index_s = min(index_s or 1e9, time.perf_counter() - start)

        def best(dbs, qs, extra):
            runs = [batch(searcher, dbs, qs, extra) for _ in range(repeat)]
            return min(r[0] for r in runs), runs[0][1]

        top_ms, total = best([db], queries, [])
        count_ms, total_count = best([db], queries, ["--limit", "0"])
        if expected is None:
            expected = total
        if total != expected or total_count != expected:
            raise SystemExit(f"{shards} shards: {total} matches, the single database {expected}")
        with Servers(shard_dirs(db) if shards > 1 else [db]) as servers:
            remote = [f"tcp://127.0.0.1:{p}" for p in servers.ports]
            r_top_ms, r_total = best(remote, queries[:n_remote], [])
            r_count_ms, _ = best(remote, queries, ["--limit", "0"])
        _, l_total = batch(searcher, [db], queries[:n_remote], ["--limit", "0"])
        if r_total != l_total:
            raise SystemExit(f"{shards} remote shards: {r_total} matches, local {l_total}")
        B.log(f"{shards} shard(s): index {index_s:.2f} s; local {top_ms:.1f}/{count_ms:.1f} ms; "
              f"loopback {r_top_ms:.1f}/{r_count_ms:.1f} ms per query (top 10 / count)")
        rows.append([str(shards), f"{index_s:.2f}", f"{articles / index_s:,.0f}", f"{top_ms:.1f}",
                     f"{count_ms:.1f}", f"{r_top_ms:.1f}", f"{r_count_ms:.1f}"])

    table = B.md_table(["shards", "index s", "articles/s", "local top 10 ms", "local count ms",
                        "loopback top 10 ms", "loopback count ms"], rows)
    print(table)
    if args.quick or args.no_docs:
        return 0
    text_mb = text / 1e6
    section = f"""## Shards: 1 to 4 shards, local and over loopback

`python3 bench/shard_bench.py` (best of {args.repeat} runs; {B.machine_line(info, os.getloadavg())}). Reuters-21578, {articles:,}
articles ({text_mb:.1f} MB of text), indexed with `folio-indexer --shards S` (all cores), then
{n_local} one-word queries (fixed-seed sample of title words) answered by one `folio-searcher --batch`
process: mean ms per query for the top 10 with passages, and for the count alone (`--limit 0`);
over loopback, the same index served by one `xapian-tcpsrv` per shard ({n_remote} queries for the
top 10). Every configuration returned the same number of matches.

{table}
"""
    B.write_doc_section("shards", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
