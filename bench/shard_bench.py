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

Remote latency and round trips (the "shards-remote" section): 1, 2 and 4 shards, each served by
xapian-tcpsrv behind a forwarding proxy (bench/remote_proxy.py) that counts the remote protocol's
messages and round trips and can delay each way (--delay, 0.25 ms: a LAN). --remote-queries
one-to-three-word queries (fixed seed, title words) go through one `folio-searcher --batch
--limit 10` process per configuration, taking turns query by query; the time of each is taken on
the client side (write the line, read its answer). Configurations: the default (feedback for
queries of three words or more, a passage per hit), --expand 0 and --passages 0, each with no
delay and with the delay; --baseline SEARCHER adds the same rows for another build (the one
before a change), in the same run. Beside them `quest -d STUB -m 10 QUERY` on a stub of the same
proxied shards, a process per query, and quest's process start-up alone (`quest --version`).
Reported: p50/p95/p99 ms, and client->server messages and round trips per query (mean, max).

Writes the figures to the "shards" and "shards-remote" sections of docs/BENCHMARKS.md (unless
--no-docs or --quick).

  --quick         smoke run for CI: 2,000 articles, 1 and 2 shards, 20 queries (a few seconds)
  --remote-only   only the remote latency table (the indexes are built as needed)
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
from remote_proxy import Proxy  # noqa: E402


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


def sample_phrases(jsonl, n, seed=11):
    """`n` queries of one to three title words (a third of each), fixed seed."""
    words = sample_queries(jsonl, 100000, seed)
    rng = random.Random(seed)
    return [" ".join(rng.sample(words, 1 + i % 3)) for i in range(n)]


def start_batch(searcher, dbs, flags):
    cmd = [str(searcher)]
    for db in dbs:
        cmd += ["--db", str(db)]
    return subprocess.Popen(cmd + ["--batch", "--limit", "10", *flags], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)


def counted(proxies):
    return [sum(p.counts()[i] for p in proxies) for i in range(3)]


def latency_stats(lat, msgs, trips):
    s = sorted(x * 1000 for x in lat)
    return {"p50": B.percentile(s, 50), "p95": B.percentile(s, 95), "p99": B.percentile(s, 99),
            "msgs": sum(msgs) / len(msgs), "msgs_max": max(msgs),
            "trips": sum(trips) / len(trips), "trips_max": max(trips)}


def remote_latency(runs, queries, proxies):
    """Each of `runs` ((name, searcher, dbs, flags)) answers every query, the processes taking
    turns; per run: latency stats, messages and round trips per query, and the answers' ids."""
    procs = [start_batch(searcher, dbs, flags) for _, searcher, dbs, flags in runs]
    lat = [[] for _ in runs]
    msgs = [[] for _ in runs]
    trips = [[] for _ in runs]
    ids = [[] for _ in runs]
    # A first query each, unmeasured: connecting is not a query's cost in a batch.
    for p in procs:
        p.stdin.write("warm\n")
        p.stdin.flush()
        p.stdout.readline()
    for i, q in enumerate(queries):
        for k in range(len(runs)):
            j = (i + k) % len(runs)
            before = counted(proxies[runs[j][0]])
            t = time.perf_counter()
            procs[j].stdin.write(q + "\n")
            procs[j].stdin.flush()
            line = procs[j].stdout.readline()
            lat[j].append(time.perf_counter() - t)
            after = counted(proxies[runs[j][0]])
            if not line:
                raise SystemExit(f"{runs[j][0]}: the searcher stopped answering")
            msgs[j].append(after[0] - before[0])
            trips[j].append(after[2] - before[2])
            answer = json.loads(line)
            ids[j].append([h["id"] for h in answer.get("hits") or []])
    for p in procs:
        p.stdin.close()
        p.wait()
    return [latency_stats(lat[j], msgs[j], trips[j]) for j in range(len(runs))], ids


def quest_latency(stub, queries, proxies):
    lat, msgs, trips = [], [], []
    for q in queries:
        before = counted(proxies)
        t = time.perf_counter()
        r = subprocess.run(["quest", "-d", str(stub), "-m", "10", q], capture_output=True, text=True)
        lat.append(time.perf_counter() - t)
        after = counted(proxies)
        if r.returncode != 0:
            raise SystemExit(f"quest failed: {r.stderr}")
        msgs.append(after[0] - before[0])
        trips.append(after[2] - before[2])
    startup = []
    for _ in queries:
        t = time.perf_counter()
        subprocess.run(["quest", "--version"], capture_output=True)
        startup.append(time.perf_counter() - t)
    s = sorted(x * 1000 for x in startup)
    return latency_stats(lat, msgs, trips), B.percentile(s, 50)


def remote_table(indexer, searcher, baseline, jsonl, work, shard_counts, n_queries, delay, quick):
    """The remote latency rows (see the docstring), and the targets' lines."""
    queries = sample_phrases(jsonl, n_queries)
    rows, checks = [], []
    builds = [("", searcher)] + ([("baseline ", baseline)] if baseline else [])
    configs = [("default", []), ("--expand 0", ["--expand", "0"]), ("--passages 0", ["--passages", "0"])]
    delays = [0.0] if quick else [0.0, delay]
    for shards in shard_counts:
        db = work / f"remote-shards-{shards}.db"
        shutil.rmtree(db, ignore_errors=True)
        B.run_checked([str(indexer), "--db", str(db), "--quiet", "--shards", str(shards), str(jsonl)])
        with Servers(shard_dirs(db) if shards > 1 else [db]) as servers:
            for d in delays:
                proxies = [Proxy(port, d) for port in servers.ports]
                try:
                    remote = [f"tcp://127.0.0.1:{p.port}" for p in proxies]
                    runs = [(f"{b}{c}", s, remote, f) for b, s in builds for c, f in configs]
                    named = {name: proxies for name, *_ in runs}
                    stats, ids = remote_latency(runs, queries, named)
                    for k in range(len(runs)):
                        first = k - k % len(configs)  # the same build's default
                        if runs[k][3] == ["--passages", "0"] and ids[k] != ids[first]:
                            raise SystemExit(f"{shards} shards: {runs[k][0]} ranks otherwise than the default")
                    if baseline and ids[0] != ids[len(configs)]:
                        B.log(f"{shards} shards: the baseline's hits differ from this build's")
                    stub = work / f"remote-{shards}.stub"
                    stub.write_text("".join(f"remote 127.0.0.1:{p.port}\n" for p in proxies))
                    quest, startup = (quest_latency(stub, queries, proxies) if B.have("quest")
                                      else (None, None))
                finally:
                    for p in proxies:
                        p.close()
                for (name, *_), st in zip(runs, stats):
                    rows.append([str(shards), f"{d:g}", name, f"{st['p50']:.1f}", f"{st['p95']:.1f}",
                                 f"{st['p99']:.1f}", f"{st['msgs']:.1f} ({st['msgs_max']})",
                                 f"{st['trips']:.1f} ({st['trips_max']})"])
                if quest:
                    rows.append([str(shards), f"{d:g}", "quest -m 10, a process per query",
                                 f"{quest['p50']:.1f}", f"{quest['p95']:.1f}", f"{quest['p99']:.1f}",
                                 f"{quest['msgs']:.1f} ({quest['msgs_max']})",
                                 f"{quest['trips']:.1f} ({quest['trips_max']})"])
                    rows.append([str(shards), f"{d:g}", "quest --version (process start-up)",
                                 f"{startup:.1f}", "", "", "", ""])
                    bound = 2 * max(quest["p50"] - startup, 0.0)
                    ok = stats[0]["p50"] <= bound
                    checks.append(f"- {shards} shard(s), delay {d:g} ms: default p50 {stats[0]['p50']:.1f} ms "
                                  f"within 2x of quest's minus its start-up ({quest['p50']:.1f} - "
                                  f"{startup:.1f} ms, x2 = {bound:.1f} ms): **{'met' if ok else 'MISSED'}**")
                ratio = stats[0]["p95"] / stats[1]["p95"]
                checks.append(f"- {shards} shard(s), delay {d:g} ms: default p95 {stats[0]['p95']:.1f} ms "
                              f"within 1.5x of --expand 0's ({stats[1]['p95']:.1f} ms; {ratio:.2f}x): "
                              f"**{'met' if ratio <= 1.5 else 'MISSED'}**")
                B.log(f"{shards} shard(s), delay {d:g} ms: default p50/p95 {stats[0]['p50']:.1f}/"
                      f"{stats[0]['p95']:.1f} ms, {stats[0]['trips']:.1f} round trips per query")
    table = B.md_table(["shards", "delay ms", "searcher", "p50 ms", "p95 ms", "p99 ms",
                        "messages/query (max)", "round trips/query (max)"], rows)
    return table, checks, len(queries)


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
    ap.add_argument("--remote-only", action="store_true", help="only the remote latency table")
    ap.add_argument("--delay", type=float, default=0.25, help="ms each way of the simulated LAN")
    ap.add_argument("--baseline", type=Path, default=None,
                    help="another folio-searcher to measure beside this build's (remote table)")
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

    remote_shards = [1, 2] if args.quick else [1, 2, 4]
    r_table, r_checks, r_n = remote_table(indexer, searcher, args.baseline, jsonl, work, remote_shards,
                                          n_remote if args.quick else max(n_remote, 100),
                                          args.delay, args.quick)
    print(r_table)
    print("\n".join(r_checks))
    if not (args.quick or args.no_docs):
        B.write_doc_section("shards-remote", f"""## Remote shards: time and round trips per query

`python3 bench/shard_bench.py` ({B.machine_line(info, os.getloadavg())}). Reuters-21578 in 1, 2
and 4 shards, each served by `xapian-tcpsrv` on loopback behind a forwarding proxy that counts
the remote protocol's messages and round trips (bench/remote_proxy.py) and delays each way by
0 or {args.delay:g} ms (a LAN). {r_n} one-to-three-word queries (a third of each length), one
`folio-searcher --batch --limit 10` process per row, taking turns query by query, timed on the
client side; `quest -d STUB -m 10` on a stub of the same proxied shards, a process per query.
Messages: client to server, per query (mean, and the largest); round trips: the times the client
spoke after the server had answered.

{r_table}

Targets (issue "Remote shards at the speed of the network"):

{chr(10).join(r_checks)}
""")
    if args.remote_only:
        return 0

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
