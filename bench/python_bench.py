#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Python benchmark: queries per second from a Python program, three ways, on Reuters-21578.

  folio module          `import folio`: one Searcher, search(q, limit=10) (one passage per hit,
                        as the searcher gives by default), and the hits' titles and passages read
                        into Python strs
  folio module, 2 thr.  the same from two threads, a Searcher each, the queries split between them
                        (the GIL is released while a search runs): queries / wall time
  folio-searcher --batch      one `folio-searcher --batch --limit 10` process: write the query line, read the
                        JSON line and json.loads it (what a Python script gets)
  python3-xapian        Xapian's own bindings on an index of the same articles built here through
                        them (title and body indexed with positions, english stems, the text stored):
                        QueryParser (boolean, phrase, love/hate; STEM_SOME; loose words OR'ed),
                        get_mset(0, 10), and MSet.snippet of each hit's body (240 bytes, as
                        Folio's passages) with its title
With --baseline SEARCHER, "baseline --batch" is another build's searcher run as folio-searcher --batch (e.g.
the previous commit's: the programs' speed before and after a change to the library's build), and
the two searchers' own CPU a query (without the client's) is compared.
Every engine runs the same query sets (bench/make_queries.py, fixed seed: word, phrase and boolean
queries); the engines take turns, class by class, for --rounds rounds, and each reports the median
of its rounds' queries/s (queries / the sum of the per-query times; wall time for the threads)
and CPU milliseconds a query (user + system time of the processes doing the work: on a shared,
loaded machine wall time also measures the scheduler, which favours a process waking from a pipe
read over one that computes without pause).
Written between the python-bench markers of docs/BENCHMARKS.md.

Exits 0 printing "skipped: ..." when ../shared/corpora is absent; python3-xapian (scripts/setup-bench.sh)
is skipped with a message when missing.

Usage: bench/python_bench.py [--quick] [--no-build] [--no-docs] [--rounds N] [--corpora DIR]
                             [--build DIR] [--work DIR] [--baseline SEARCHER]
  --quick     smoke run: the first 1,000 Reuters articles, 100/100/20 queries, one round;
              docs/BENCHMARKS.md is left alone
  --no-build  use the programs and module already built in --build (default build-bench)
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as B  # noqa: E402

BENCH = Path(__file__).resolve().parent
CLASSES = ("words", "phrases", "boolean")
SNIPPET_BYTES = 240


def build(args):
    """indexer, searcher and the module (Release, as bench/benchlib.py builds the programs)."""
    indexer = args.build / "indexer" / "folio-indexer"
    searcher = args.build / "searcher" / "folio-searcher"
    if not args.no_build:
        configure = ["cmake", "-S", str(B.REPO), "-B", str(args.build), "-DCMAKE_BUILD_TYPE=Release",
                     "-DFOLIO_BUILD_TESTS=OFF", "-DFOLIO_SANITIZE=OFF", "-DFOLIO_PYTHON=ON"]
        if not (args.build / "build.ninja").exists():
            configure += ["-G", "Ninja"]
        B.run_checked(configure)
        B.run_checked(["cmake", "--build", str(args.build), "--target", "indexer", "searcher",
                       "folio_python"])
    module_dir = args.build / "python"
    if not (module_dir / "folio" / "__init__.py").exists():
        sys.exit(f"python_bench: no Python module in {module_dir} (pybind11-dev, python3-dev?)")
    sys.path.insert(0, str(module_dir))
    return indexer, searcher


def folio_index(indexer, work, jsonl):
    db = work / "index" / "folio"
    marker = work / "index" / "reuters.source"
    if not db.exists() or not marker.exists() or marker.read_text() != str(jsonl):
        B.log("building the Folio index ...")
        db.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["rm", "-rf", str(db)], check=True)
        B.run_checked([str(indexer), "--db", str(db), "-q", str(jsonl)])
        marker.write_text(str(jsonl))
    return db


def xapian_index(xapian, work, jsonl):
    """The same articles through python3-xapian: title and body with positions, english stems,
    {"title", "body"} stored as the document's data, the id as a unique Q term."""
    db_path = work / "index" / "xapian-python"
    marker = work / "index" / "xapian-python.source"
    if db_path.exists() and marker.exists() and marker.read_text() == str(jsonl):
        return db_path
    B.log("building the python3-xapian index ...")
    subprocess.run(["rm", "-rf", str(db_path)], check=True)
    db = xapian.WritableDatabase(str(db_path), xapian.DB_CREATE_OR_OVERWRITE)
    generator = xapian.TermGenerator()
    generator.set_stemmer(xapian.Stem("english"))
    with open(jsonl, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            doc = xapian.Document()
            generator.set_document(doc)
            generator.index_text(record.get("title", ""))
            generator.increase_termpos()
            generator.index_text(record.get("body", ""))
            doc.set_data(json.dumps({"title": record.get("title", ""), "body": record.get("body", "")}))
            term = "Q" + record["id"]
            doc.add_boolean_term(term)
            db.replace_document(term, doc)
    db.commit()
    db.close()
    marker.write_text(str(jsonl))
    return db_path


def run_module(searcher, queries):
    seconds, hits, cpu = 0.0, 0, time.process_time()
    for q in queries:
        t = time.perf_counter()
        results = searcher.search(q, limit=10)
        for hit in results:
            hit.title
            [p.text for p in hit.passages]
        seconds += time.perf_counter() - t
        hits += len(results)
    return seconds, hits, time.process_time() - cpu


def run_module_threads(folio, db, queries):
    halves = [queries[0::2], queries[1::2]]
    searchers = [folio.Searcher(str(db)) for _ in halves]
    counts = [0, 0]

    def work(k):
        counts[k] = run_module(searchers[k], halves[k])[1]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    t, cpu = time.perf_counter(), time.process_time()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return time.perf_counter() - t, sum(counts), time.process_time() - cpu


class Batch:
    """One `folio-searcher --batch` process kept for the whole run."""

    def __init__(self, searcher, db):
        self.process = subprocess.Popen([str(searcher), "--db", str(db), "--batch", "--limit", "10"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True, bufsize=1)
        self.searcher_cpu = []  # the searcher's own CPU a query, seconds, per run

    def cpu(self):
        """The searcher process's CPU time so far, seconds (schedstat: nanoseconds, where stat
        counts clock ticks of 10 ms)."""
        with open(f"/proc/{self.process.pid}/schedstat") as f:
            return int(f.read().split()[0]) / 1e9

    def run(self, queries):
        seconds, hits, cpu, own = 0.0, 0, time.process_time() + self.cpu(), self.cpu()
        for q in queries:
            t = time.perf_counter()
            self.process.stdin.write(q + "\n")
            self.process.stdin.flush()
            answer = json.loads(self.process.stdout.readline())
            seconds += time.perf_counter() - t
            hits += len(answer.get("hits") or [])
        self.searcher_cpu.append((self.cpu() - own) / len(queries))
        return seconds, hits, time.process_time() + self.cpu() - cpu

    def close(self):
        self.process.stdin.close()
        self.process.wait()


class XapianPeer:
    def __init__(self, xapian, db):
        self.xapian = xapian
        self.db = xapian.Database(str(db))
        self.stem = xapian.Stem("english")
        self.parser = xapian.QueryParser()
        self.parser.set_stemmer(self.stem)
        self.parser.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        self.parser.set_database(self.db)
        self.parser.set_default_op(xapian.Query.OP_OR)
        self.flags = (xapian.QueryParser.FLAG_BOOLEAN | xapian.QueryParser.FLAG_PHRASE |
                      xapian.QueryParser.FLAG_LOVEHATE)
        self.enquire = xapian.Enquire(self.db)

    def run(self, queries):
        seconds, hits, cpu = 0.0, 0, time.process_time()
        for q in queries:
            t = time.perf_counter()
            self.enquire.set_query(self.parser.parse_query(q, self.flags))
            mset = self.enquire.get_mset(0, 10)
            for m in mset:
                data = json.loads(m.document.get_data())
                data["title"]
                mset.snippet(data["body"], SNIPPET_BYTES, self.stem)
            seconds += time.perf_counter() - t
            hits += mset.size()
        return seconds, hits, time.process_time() - cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--no-docs", action="store_true")
    ap.add_argument("--rounds", type=int, default=None, help="rounds per engine and class (3)")
    ap.add_argument("--corpora", type=Path, default=B.DEFAULT_CORPORA)
    ap.add_argument("--build", type=Path, default=B.DEFAULT_BUILD)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--baseline", type=Path, default=None,
                    help="another build's searcher, run as folio-searcher --batch beside this build's")
    args = ap.parse_args()
    B.skip_without_corpora(args.corpora)
    rounds = args.rounds or (1 if args.quick else 3)
    work = (args.work or args.build / ("bench-quick" if args.quick else "bench-work")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    info = B.machine_info()
    indexer, searcher_program = build(args)
    import folio  # noqa: E402 (from the build tree, found by build())
    try:
        import xapian
    except ImportError:
        xapian = None
    if not hasattr(xapian, "WritableDatabase"):  # None, or bench/xapian/ as a namespace package
        xapian = None
        B.log(f"skipped python3-xapian: not installed for {sys.executable} "
              "(scripts/setup-bench.sh installs it for Debian's python3)")

    jsonl = B.reuters_jsonl(work, args.corpora, 1000 if args.quick else None)
    db = folio_index(indexer, work, jsonl)
    qdir = work / "queries"
    counts = ["--words", "100", "--phrases", "100", "--boolean", "20"] if args.quick else []
    B.run_checked([sys.executable, BENCH / "make_queries.py", jsonl, qdir] + counts)
    sets = {c: B.read_queries(qdir / f"{c}.txt") for c in CLASSES}

    module = folio.Searcher(str(db))
    batch = Batch(searcher_program, db)
    engines = {
        "folio module": lambda qs: run_module(module, qs),
        "folio module, 2 threads": lambda qs: run_module_threads(folio, db, qs),
        "folio-searcher --batch": batch.run,
    }
    if xapian is not None:
        peer = XapianPeer(xapian, xapian_index(xapian, work, jsonl))
        engines["python3-xapian"] = peer.run
    baseline = None
    if args.baseline:
        baseline = Batch(args.baseline.resolve(), db)
        engines["baseline --batch"] = baseline.run
    for run in engines.values():  # warm the caches: every index read once
        for cls in CLASSES:
            run(sets[cls][:50])

    qps, cpu_ms, hits = {}, {}, {}
    for cls in CLASSES:
        for r in range(rounds):
            names = list(engines) if r % 2 == 0 else list(reversed(engines))
            for name in names:
                seconds, n, cpu = engines[name](sets[cls])
                qps.setdefault((cls, name), []).append(len(sets[cls]) / seconds)
                cpu_ms.setdefault((cls, name), []).append(1000 * cpu / len(sets[cls]))
                hits[(cls, name)] = n / len(sets[cls])
        for name in engines:
            B.log(f"{cls:8} {name:24} {statistics.median(qps[(cls, name)]):8.0f} queries/s "
                  f"{statistics.median(cpu_ms[(cls, name)]):7.3f} CPU ms a query "
                  f"({hits[(cls, name)]:.1f} hits a query)")
    batch.close()
    if baseline:
        baseline.close()

    header = ["class (queries)"] + list(engines)
    rows, cpu_rows = [], []
    for cls in CLASSES:
        rows.append([f"{cls} ({len(sets[cls])})"] +
                    [f"{statistics.median(qps[(cls, n)]):,.0f}" for n in engines])
        cpu_rows.append([f"{cls} ({len(sets[cls])})"] +
                        [f"{statistics.median(cpu_ms[(cls, n)]):.3f}" for n in engines])
    ratios = []
    cpu = lambda cls, name: statistics.median(cpu_ms[(cls, name)])  # noqa: E731
    for cls in CLASSES:
        m = cpu(cls, "folio module")
        parts = [f"{m / cpu(cls, 'folio-searcher --batch'):.2f}x the CPU a query of folio-searcher --batch"]
        if "python3-xapian" in engines:
            parts.append(f"{m / cpu(cls, 'python3-xapian'):.2f}x python3-xapian's")
        one = statistics.median(qps[(cls, "folio module")])
        parts.append(f"two threads {statistics.median(qps[(cls, 'folio module, 2 threads')]) / one:.2f}x "
                     f"the queries/s of one")
        if baseline:
            # This class's rounds, after the warm-up's three runs.
            first = len(CLASSES) + CLASSES.index(cls) * rounds
            mine = batch.searcher_cpu[first:first + rounds]
            theirs = baseline.searcher_cpu[first:first + rounds]
            parts.append(f"the searcher's own CPU a query {statistics.median(mine) * 1000:.3f} ms, the "
                         f"baseline's {statistics.median(theirs) * 1000:.3f} ms "
                         f"({statistics.median(mine) / statistics.median(theirs):.3f}x)")
        ratios.append(f"- {cls}: the module " + "; ".join(parts))
    text = f"""## Python: the folio module against folio-searcher --batch and python3-xapian

`python3 bench/python_bench.py{' --quick' if args.quick else ''}` ({len(jsonl.read_text().splitlines()):,} Reuters-21578 articles;
{rounds} round(s), median queries/s; {B.machine_line(info, os.getloadavg())}). What each engine does
per query is in the script's docstring: all return 10 hits with the title and a ~240-byte passage
(Folio's highlighted passage, Xapian's `MSet.snippet`) read into Python.

Queries per second (wall time):

{B.md_table(header, rows)}

CPU milliseconds a query (the process's user + system time; for folio-searcher --batch the searcher's and
the client's, pipe and JSON included; for two threads both threads'):

{B.md_table(header, cpu_rows)}

{chr(10).join(ratios)}
"""
    print(text)
    if not args.quick and not args.no_docs:
        B.write_doc_section("python-bench", text)


if __name__ == "__main__":
    main()
