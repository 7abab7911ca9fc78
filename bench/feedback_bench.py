#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What pseudo-relevance feedback costs at scale: Folio on the whole shared Gutenberg slice.

Converts the slice into ~5 KB articles (scripts/gutenberg_to_jsonl.py), indexes it once (or
reuses bench/index_bench.py's index of it), generates word queries from it with
bench/make_queries.py (fixed seed: 1-3 words, 60% one, 30% two, 10% three) and runs them
through one `folio-searcher --db DB --batch --limit 10` process each way, the three processes taking
turns query by query, the latency of a query taken on the client side (write the query line,
read its JSON line):
  default     Folio's ranking as it ships: feedback where the feedback decision says so
  --expand 0  feedback off: plain BM25
  always      --feedback-threshold 0: feedback for every query of three words or more
Then one `--explain --limit 1 --passages 0` pass says for which queries feedback was applied.
Reported: p50, p95, p99 (ms, nearest rank) overall and over the three-word queries (the only ones
feedback considers), queries/s, and the target: the default's p95 within 1.5x of --expand 0's.
Written between the feedback-bench markers of docs/BENCHMARKS.md.

Exits 0 printing "skipped: ..." when ../shared/corpora/gutenberg is absent.

Usage: bench/feedback_bench.py [--quick] [--no-build] [--no-docs] [--corpora DIR] [--build DIR] [--work DIR]
  --quick     smoke run: 3 MB of the slice, 300 queries; docs/BENCHMARKS.md is left alone
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as B  # noqa: E402

BENCH = Path(__file__).resolve().parent
RUNS = [("default", []), ("--expand 0", ["--expand", "0"]),
        ("always (--feedback-threshold 0)", ["--feedback-threshold", "0"])]
TARGET = 1.5


def start(searcher, db, flags):
    return subprocess.Popen([str(searcher), "--db", str(db), "--batch", "--limit", "10", *flags],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, bufsize=1)


def ask(p, query):
    """Client-side latency (s) of one query to a `folio-searcher --batch` process, and its answer."""
    t = time.perf_counter()
    p.stdin.write(query + "\n")
    p.stdin.flush()
    line = p.stdout.readline()
    elapsed = time.perf_counter() - t
    if not line:
        raise RuntimeError("Folio's searcher --batch stopped answering")
    return elapsed, json.loads(line)


def run_interleaved(searcher, db, queries, runs):
    """One `folio-searcher --batch` process per entry of `runs` ([flags]), all open at once, each
    query sent to each in turn (the first to go rotating), so that the machine's drift weighs
    on every run alike. Returns each run's latencies (s) and answers."""
    procs = [start(searcher, db, flags) for flags in runs]
    lat = [[] for _ in runs]
    answers = [[] for _ in runs]
    for i, q in enumerate(queries):
        for k in range(len(runs)):
            j = (i + k) % len(runs)
            t, a = ask(procs[j], q)
            lat[j].append(t)
            answers[j].append(a)
    for p in procs:
        p.stdin.close()
        p.wait()
    return lat, answers


def summary(lat):
    s = sorted(x * 1000 for x in lat)
    return {"n": len(s), "p50": B.percentile(s, 50), "p95": B.percentile(s, 95),
            "p99": B.percentile(s, 99), "qps": len(s) / (sum(s) / 1000) if s else 0.0}


def main():
    ap = argparse.ArgumentParser(description="What feedback costs at scale (see the docstring)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-build", action="store_true", help="use the binaries already in --build")
    ap.add_argument("--no-docs", action="store_true")
    ap.add_argument("--queries", type=int, default=None, help="word queries (default 2,000; --quick 300)")
    ap.add_argument("--corpora", type=Path, default=B.DEFAULT_CORPORA)
    ap.add_argument("--build", type=Path, default=B.DEFAULT_BUILD)
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    B.skip_without_corpora(args.corpora, ("gutenberg",))
    work = (args.work or args.build / ("bench-quick" if args.quick else "bench-work")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    info = B.machine_info()
    indexer, searcher = B.build_folio(args.build, rebuild=not args.no_build)
    mb = 3 if args.quick else None
    jsonl = B.gutenberg_jsonl(work, args.corpora, mb)
    db = work / "index" / f"folio-gutenberg-{mb or 'all'}"  # bench/index_bench.py's, if it ran
    if not (db / "XAPIANDB").exists():
        B.log(f"indexing {jsonl.name} ...")
        B.run_checked([str(indexer), "--db", str(db), "--max-file-size", "0", str(jsonl)])
    articles, text = B.jsonl_stats(jsonl)

    count = args.queries or (300 if args.quick else 2000)
    qdir = work / f"queries-gutenberg-{mb or 'all'}"
    B.run_checked([sys.executable, str(BENCH / "make_queries.py"), str(jsonl), str(qdir),
                   "--words", str(count), "--phrases", "0", "--boolean", "0"])
    queries = B.read_queries(qdir / "words.txt")
    three = [i for i, q in enumerate(queries) if len(q.split()) >= 3]

    # Warm the page cache and the searcher's code once, so the first run does not pay for both.
    run_interleaved(searcher, db, queries[:200], [[]])
    B.log(f"{len(queries)} queries, {', '.join(name for name, _ in RUNS)}, taking turns ...")
    lat, _ = run_interleaved(searcher, db, queries, [flags for _, flags in RUNS])
    results = {}
    for (name, _), l in zip(RUNS, lat):
        results[name] = (summary(l), summary([l[i] for i in three]))
        st = results[name][0]
        B.log(f"  {name}: p50 {st['p50']:.2f} ms, p95 {st['p95']:.2f} ms, p99 {st['p99']:.2f} ms")
    _, (explained,) = run_interleaved(searcher, db, queries, [["--explain", "--passages", "0"]])
    applied = sum(1 for a in explained if a.get("feedback", {}).get("applied"))
    considered = sum(1 for a in explained if a.get("feedback", {}).get("considered"))

    header = ["Ranking", "Queries", "p50 ms", "p95 ms", "p99 ms", "Queries/s",
              "3-word p50 ms", "3-word p95 ms", "3-word p99 ms"]
    rows = []
    for name, _ in RUNS:
        st, st3 = results[name]
        rows.append([name, st["n"], f"{st['p50']:.2f}", f"{st['p95']:.2f}", f"{st['p99']:.2f}",
                     f"{st['qps']:,.0f}", f"{st3['p50']:.2f}", f"{st3['p95']:.2f}",
                     f"{st3['p99']:.2f}"])
    table = B.md_table(header, rows, ["l"] + ["r"] * 8)
    d, off = results["default"][0], results["--expand 0"][0]
    d3, off3 = results["default"][1], results["--expand 0"][1]
    ok = d["p95"] <= TARGET * off["p95"]
    check = (f"- p95, all queries: default {d['p95']:.2f} ms vs --expand 0 {off['p95']:.2f} ms "
             f"({d['p95'] / off['p95']:.2f}x; target {TARGET}x): **{'met' if ok else 'MISSED'}**")
    extra = (f"- the feedback round, three-word queries: p50 {d3['p50'] - off3['p50']:+.2f} ms, "
             f"p95 {d3['p95'] - off3['p95']:+.2f} ms against --expand 0; feedback considered for "
             f"{considered} of {len(queries)} queries, applied to {applied}")
    if applied == considered:
        al = results["always (--feedback-threshold 0)"][0]
        extra += (f"\n- here the decision applied feedback to every query it considered, so "
                  f"*default* and *always* did the same work: the gap between their rows "
                  f"(p95 {d['p95']:.2f} against {al['p95']:.2f} ms) is this run's noise")
    print(("\n## Feedback at scale (quick)\n\n" if args.quick else "\n## Feedback at scale\n\n")
          + table + "\n\n" + check + "\n" + extra)
    if args.quick or args.no_docs:
        return
    section = f"""## Feedback at scale

Run: `bench/feedback_bench.py`, {B.machine_line(info, os.getloadavg())}.
The whole shared Gutenberg slice as {articles:,} articles of ~5 KB ({text / 1e6:.0f} MB of text);
{len(queries):,} word queries from `bench/make_queries.py` on it (seed 21578; 1-3 words, of which
{len(three)} of three words, the only ones feedback considers), one `folio-searcher --batch --limit 10`
process per row, the three taking turns query by query, latency taken on the client side. *always* applies feedback to every query of
three words or more, as Folio did before the feedback decision.

{table}

Target (issue 22): the default's p95 within {TARGET}x of `--expand 0`'s:

{check}
{extra}
"""
    B.write_doc_section("feedback-bench", section)


if __name__ == "__main__":
    main()
