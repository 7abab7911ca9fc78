#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Query benchmark: Folio against quest (Xapian), SQLite FTS5 and Lucene++ on Reuters-21578, in one run.

Builds (or reuses, from bench/index_bench.py's work folder) each engine's Reuters index, generates the
query sets with bench/make_queries.py (fixed seed: 1,000 word queries, 1,000 phrase queries that
occur in the text, 200 boolean queries) and runs every class against every engine, top 10:
  Folio batch         one `folio-searcher --db DB --batch --limit 10` process per class; the latency of a
                      query is taken on the client side: write the query line, read its JSON line
                      (hits with passages), so it includes the pipe and Folio's JSON output
  Folio per process   `folio-searcher --db DB --limit 10 QUERY`, one process per query (a sample: the first
                      200 queries of each class), wall time of the process as a script sees it
  quest per process   `quest -d DB -m 10 QUERY`, the same sample (no passages: quest has none),
                      taking turns with Folio per process query by query
  SQLite FTS5         in this process (Python sqlite3): bm25() ORDER BY, snippet() of the body, LIMIT 10
  Lucene++            bench/lucene's `lucene_bench search`: its own latency per query (parse, search,
                      load the 10 documents, Highlighter fragment of each)
Reported per class and engine: p50, p95, p99 (ms, nearest rank), queries/s (queries / sum of
latencies), mean hits returned and the share of hits that came with a passage. Then the targets:
Folio batch ahead of every peer at p50 and p95 in every class, Folio per process no slower than
quest per process. Written between the query-bench markers of docs/BENCHMARKS.md.

Exits 0 printing "skipped: ..." when ../shared/corpora is absent; peers not installed are skipped.

Usage: bench/query_bench.py [--quick] [--rebuild] [--no-docs] [--sample N] [--corpora DIR] [--build DIR] [--work DIR]
  --quick     smoke run: the first 1,000 Reuters articles, 100/100/20 queries, sample of 20;
              docs/BENCHMARKS.md is left alone
"""

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as B  # noqa: E402
import fts5_peer  # noqa: E402

BENCH = Path(__file__).resolve().parent
CLASSES = ("words", "phrases", "boolean")


def ensure_indexes(args, indexer, lucene, work, jsonl):
    idx = work / "index"
    idx.mkdir(exist_ok=True)
    marker = idx / "reuters.source"
    fresh = args.rebuild or not marker.exists() or marker.read_text() != str(jsonl)

    def build(name, path, cmd):
        if fresh or not Path(path).exists():
            B.log(f"building the {name} index ...")
            if Path(path).is_dir():
                shutil.rmtree(path)
            elif Path(path).exists():
                Path(path).unlink()
            B.run_checked([str(c) for c in cmd])

    build("Folio", idx / "folio", [indexer, "--db", idx / "folio", "-q", jsonl])
    if B.have("scriptindex"):
        si_input = work / (jsonl.stem + ".scriptindex")
        if not si_input.exists():
            subprocess.run([sys.executable, BENCH / "jsonl_to_scriptindex.py", jsonl, si_input], check=True)
        build("Xapian", idx / "xapian", ["scriptindex", "--overwrite", idx / "xapian", BENCH / "xapian" / "reuters.index",
                                         si_input])
    if lucene:
        build("Lucene++", idx / "lucene", [lucene, "index", idx / "lucene", jsonl])
    if fts5_peer.has_fts5():
        build("FTS5", idx / "fts5.db", [sys.executable, BENCH / "fts5_peer.py", "index", idx / "fts5.db", jsonl])
    marker.write_text(str(jsonl))
    return idx


def folio_hits(line):
    j = json.loads(line)
    hits = j.get("hits") or []
    return len(hits), sum(1 for h in hits if h.get("passages")), j.get("error")


def run_folio_batch(searcher, db, queries):
    p = subprocess.Popen([str(searcher), "--db", str(db), "--batch", "--limit", "10"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
    lat, hits, passages, errors = [], 0, 0, 0
    for q in queries:
        t = time.perf_counter()
        p.stdin.write(q + "\n")
        p.stdin.flush()
        line = p.stdout.readline()
        lat.append(time.perf_counter() - t)
        if not line:
            raise RuntimeError("Folio's searcher --batch stopped answering")
        n, k, err = folio_hits(line)
        hits, passages, errors = hits + n, passages + k, errors + bool(err)
    p.stdin.close()
    p.wait()
    return lat, hits, passages, errors


def run_per_process(make_cmd, queries, count_hits):
    lat, hits, passages, errors = [], 0, 0, 0
    for q in queries:
        t = time.perf_counter()
        r = subprocess.run(make_cmd(q), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lat.append(time.perf_counter() - t)
        if r.returncode not in (0, 1):
            errors += 1
            continue
        n, k = count_hits(r.stdout)
        hits, passages = hits + n, passages + k
    return lat, hits, passages, errors


def run_per_process_interleaved(engines, queries):
    """run_per_process for several engines, (make_cmd, count_hits) each, taking turns query by
    query (the first to go alternates), so that a machine that speeds up or slows down during the
    run weighs on every engine alike. Returns each engine's (lat, hits, passages, errors)."""
    out = [([], 0, 0, 0) for _ in engines]
    for i, q in enumerate(queries):
        order = list(range(len(engines)))
        if i % 2:
            order.reverse()
        for k in order:
            make_cmd, count_hits = engines[k]
            lat, hits, passages, errors = run_per_process(make_cmd, [q], count_hits)
            a = out[k]
            out[k] = (a[0] + lat, a[1] + hits, a[2] + passages, a[3] + errors)
    return out


def folio_text_hits(out):
    """Hits and hits with a passage in the searcher's plain output: a hit is "N. title", then an
    indented metadata line, then an indented passage line per passage."""
    hits = passages = 0
    indented = 0
    for line in out.splitlines() + ["1. end"]:
        if re.match(r"^\d+\. ", line):
            if hits:
                passages += indented >= 2
            hits += 1
            indented = 0
        elif line.startswith("   "):
            indented += 1
    return hits - 1, passages


def quest_hits(out):
    n = sum(1 for line in out.splitlines() if line[:1].isdigit() and ": [" in line)
    return n, 0


def run_fts5(db, queries):
    con = sqlite3.connect(db)
    lat, hits, passages, errors = [], 0, 0, 0
    for q in queries:
        secs, rows, err = fts5_peer.search(None, q, con=con)
        lat.append(secs)
        if err:
            errors += 1
            continue
        hits += len(rows)
        passages += sum(1 for r in rows if r[2])
    con.close()
    return lat, hits, passages, errors


def run_lucene(lucene, db, queries):
    r = subprocess.run([str(lucene), "search", str(db)], input="\n".join(queries) + "\n", stdout=subprocess.PIPE,
                       text=True, check=True)
    lat, hits, passages, errors = [], 0, 0, 0
    for line in r.stdout.splitlines():
        j = json.loads(line)
        lat.append(j["latency_us"] / 1e6)
        if "error" in j:
            errors += 1
            continue
        hits += len(j["hits"])
        passages += sum(1 for h in j["hits"] if h.get("fragment"))
    return lat, hits, passages, errors


def stats(lat, hits, passages, errors):
    s = sorted(lat)
    n = len(s)
    return {"n": n, "p50": B.percentile(s, 50) * 1e3, "p95": B.percentile(s, 95) * 1e3,
            "p99": B.percentile(s, 99) * 1e3, "qps": n / sum(s) if n else 0, "hits": hits / n if n else 0,
            "passages": passages / hits if hits else 0, "errors": errors}


def jsonl_articles(jsonl):
    return B.jsonl_stats(jsonl)[0]


def main():
    ap = argparse.ArgumentParser(description="Folio's query benchmark (see the docstring)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rebuild", action="store_true", help="build every index anew")
    ap.add_argument("--no-docs", action="store_true")
    ap.add_argument("--no-build", action="store_true", help="use the binaries already in --build")
    ap.add_argument("--sample", type=int, default=None, help="queries per class for the per-process runs (200)")
    ap.add_argument("--corpora", type=Path, default=B.DEFAULT_CORPORA)
    ap.add_argument("--build", type=Path, default=B.DEFAULT_BUILD)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--no-plots", action="store_true", help="do not draw query-latency.png")
    ap.add_argument("--plots", type=Path, default=None,
                    help="where query-latency.png (and .json) go: docs/img when docs/BENCHMARKS.md is written, "
                         "else WORK")
    args = ap.parse_args()
    B.skip_without_corpora(args.corpora)
    # Absolute: the index marker records the JSONL path, and a relative --work must not look like a
    # different corpus (that would rebuild every index).
    work = (args.work or args.build / ("bench-quick" if args.quick else "bench-work")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    sample = args.sample or (20 if args.quick else 200)
    info = B.machine_info()
    indexer, searcher = B.build_folio(args.build, rebuild=not args.no_build)
    lucene = B.build_lucene(args.build)
    jsonl = B.reuters_jsonl(work, args.corpora, 1000 if args.quick else None)
    idx = ensure_indexes(args, indexer, lucene, work, jsonl)

    qdir = work / "queries"
    counts = ["--words", "100", "--phrases", "100", "--boolean", "20"] if args.quick else []
    B.run_checked([sys.executable, BENCH / "make_queries.py", jsonl, qdir] + counts)
    sets = {c: B.read_queries(qdir / f"{c}.txt") for c in CLASSES}

    have_quest = B.have("quest") and (idx / "xapian").exists()
    if not have_quest:
        B.log("skipped quest: not installed (xapian-tools) or no scriptindex-built index (xapian-omega)")
    have_fts5 = fts5_peer.has_fts5()
    engines = ["Folio batch", "Folio per process", "quest per process", "SQLite FTS5", "Lucene++"]
    results = {}
    for cls in CLASSES:
        qs = sets[cls]
        sub = qs[:sample]
        folio_cmd = lambda q: [str(searcher), "--db", str(idx / "folio"), "--limit", "10", "--color", "never", q]  # noqa: E731
        quest_cmd = lambda q: ["quest", "-d", str(idx / "xapian"), "-m", "10", q]  # noqa: E731
        runs = {
            "Folio batch": lambda: run_folio_batch(searcher, idx / "folio", qs),
            "Folio per process": lambda: run_per_process(folio_cmd, sub, folio_text_hits),
            "quest per process": (lambda: run_per_process(quest_cmd, sub, quest_hits)) if have_quest else None,
            "SQLite FTS5": (lambda: run_fts5(idx / "fts5.db", [B.to_fts5(q, cls) for q in qs])) if have_fts5 else None,
            "Lucene++": (lambda: run_lucene(lucene, idx / "lucene", qs)) if lucene else None,
        }
        if runs["quest per process"] is not None:
            # The two per-process engines take turns, query by query (their comparison is a
            # target): the fixed results replace their runs below.
            B.log(f"{cls}: Folio and quest per process, taking turns ...")
            both = run_per_process_interleaved([(folio_cmd, folio_text_hits), (quest_cmd, quest_hits)], sub)
            runs["Folio per process"] = lambda: both[0]
            runs["quest per process"] = lambda: both[1]
        for name in engines:
            if runs[name] is None:
                continue
            B.log(f"{cls}: {name} ...")
            st = stats(*runs[name]())
            results[(cls, name)] = st
            B.log(f"  p50 {st['p50']:.2f} ms, p95 {st['p95']:.2f} ms, p99 {st['p99']:.2f} ms, {st['qps']:.0f} q/s, "
                  f"{st['hits']:.1f} hits/query, errors {st['errors']}")

    header = ["Class", "Engine", "Queries", "p50 ms", "p95 ms", "p99 ms", "Queries/s", "Hits/query", "With passage",
              "Errors"]
    rows = []
    for cls in CLASSES:
        for name in engines:
            st = results.get((cls, name))
            if st:
                pas = "-" if name == "quest per process" else f"{st['passages']:.0%}"
                rows.append([cls, name, st["n"], f"{st['p50']:.2f}", f"{st['p95']:.2f}", f"{st['p99']:.2f}",
                             f"{st['qps']:,.0f}", f"{st['hits']:.1f}", pas, st["errors"]])
    table = B.md_table(header, rows, ["l", "l"] + ["r"] * 8)

    checks = []
    for cls in CLASSES:
        fb = results.get((cls, "Folio batch"))
        for peer in ("SQLite FTS5", "Lucene++"):
            st = results.get((cls, peer))
            if fb and st:
                for p in ("p50", "p95"):
                    ok = fb[p] < st[p]
                    checks.append(f"- {cls}, {p}: Folio batch {fb[p]:.2f} ms vs {peer} {st[p]:.2f} ms "
                                  f"({st[p] / fb[p]:.2f}x): **{'met' if ok else 'MISSED'}**")
        fp, qp = results.get((cls, "Folio per process")), results.get((cls, "quest per process"))
        if fp and qp:
            ok = fp["p50"] <= qp["p50"]
            checks.append(f"- {cls}, per process p50: Folio {fp['p50']:.2f} ms vs quest {qp['p50']:.2f} ms "
                          f"(Folio takes {fp['p50'] / qp['p50']:.2f}x): **{'met' if ok else 'MISSED'}**")
    print(("\n## Queries (quick)\n\n" if args.quick else "\n## Queries\n\n") + table + "\n\n" + "\n".join(checks))
    if not args.no_plots:
        import plots
        plots_dir = args.plots or (work if args.quick or args.no_docs else B.REPO / "docs" / "img")
        note = (f"bench/query_bench.py{' --quick' if args.quick else ''}, {info['date']}, {info['nproc']} CPUs "
                f"({info['cpu']}), load {info['load'][0]:.1f}; {jsonl_articles(jsonl):,} Reuters articles")
        runs = [dict(st, **{"class": cls, "engine": name}) for (cls, name), st in results.items()]
        drawn = plots.draw("query", {"note": note, "classes": list(CLASSES), "engines": engines, "runs": runs},
                           plots_dir / "query-latency.png")
        if drawn:
            B.log(f"drew {drawn}")
    if args.quick or args.no_docs:
        return
    section = f"""## Queries

Run: `bench/query_bench.py` (after `scripts/setup-bench.sh`; reuses `bench/index_bench.py`'s Reuters indexes),
{B.machine_line(info, os.getloadavg())}.
Query sets from `bench/make_queries.py` (seed 21578): {len(sets['words'])} word queries (1-3 words, OR),
{len(sets['phrases'])} phrase queries (2-4 words that occur in a body), {len(sets['boolean'])} boolean queries;
the per-process engines run the first {sample} of each class. Top 10 everywhere; Folio returns a passage
per hit (default 240 bytes), FTS5 a `snippet()`, Lucene++ a Highlighter fragment, quest none. Folio batch
latency is taken on the client side (write the query, read its JSON line); FTS5 in Python's
sqlite3; Lucene++'s inside its process; per-process rows are the wall time of one process run from Python, Folio and quest taking turns query by query.

{table}

Targets (issue "Measured search"): Folio batch ahead of SQLite FTS5 and Lucene++ at p50 and p95 in
every class (quest, a process per query, is compared with Folio per process):

""" + "\n".join(checks) + "\n"
    B.write_doc_section("query-bench", section)


if __name__ == "__main__":
    main()
