#!/usr/bin/env python3
"""Relevance evaluation of Folio on the Cranfield and CISI test collections.

For each collection: convert it (scripts/<name>_to_jsonl.py), index it with `indexer` into a
temporary folder, run every query through `searcher --batch --limit 1000 --passages 0`
twice (the plain BM25 baseline, then Folio's defaults), and print MAP, nDCG@10, P@10 and
Recall@100 (trec_eval's rules, see eval/metrics.py) next to the baselines reported in the
issue, with Folio's change against the baseline measured in the same run.

Usage:
  python3 eval/run_eval.py [--collections cranfield,cisi] [--searcher PATH] [--indexer PATH]
                           [--corpora DIR] [--smoke] [--write docs/RELEVANCE.md]
                           [-- EXTRA SEARCHER FLAGS for the Folio run]

  --smoke   only the first 10 queries of each collection (for CI; well under 30 s).
  --write   write the report (tables, method, "what we tried") to a Markdown file.

Skips (prints "skipped: ...", exit 0) when the shared corpora folder is absent.

Query cleaning, the same for every engine: each raw query is lower-cased (so AND, OR, NOT,
NEAR are plain words, and every word is stemmed); every character other than a letter, a
digit, or a '.' or apostrophe between two letters/digits ("3.5", "o'neill") becomes a space
(quotes, parentheses, colons, '*', '+', '-', '/', ...), so the query stays a natural-language
OR of words: no phrases, fields, wildcards, ranges or operators.
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import metrics  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
EXPERIMENTS = Path(__file__).resolve().parent / "experiments.json"

COLLECTIONS = {
    # name: (converter script, corpus folder, reported baselines {engine: {metric: value}})
    "cranfield": ("cranfield_to_jsonl.py", "cranfield", {
        "Xapian BM25 (reported)": {"MAP": 0.303, "nDCG@10": 0.365},
        "SQLite FTS5 (reported)": {"MAP": 0.301, "nDCG@10": 0.361},
    }),
    "cisi": ("cisi_to_jsonl.py", "cisi", {
        "Xapian BM25 (reported)": {"MAP": 0.212, "nDCG@10": 0.383},
        "SQLite FTS5 (reported)": {"MAP": 0.173, "nDCG@10": 0.314},
    }),
}
REPORTED = "Xapian BM25 (reported)"

# The plain BM25 baseline: Xapian's BM25 with k1=1, b=0.5 and pseudo-relevance feedback off
# (Folio's only ranking addition at query time; see common/src/ranking.cpp).
BASELINE_FLAGS = ["--k1", "1", "--b", "0.5", "--expand", "0"]
TARGET = 0.10  # the target: Folio's defaults >= 10% above plain BM25

SMOKE_QUERIES = 10
DEPTH = 1000


def clean_query(text):
    """A raw natural-language query as a Folio OR-of-words query (see the module docstring)."""
    text = text.lower()
    text = re.sub(r"[^\w.']|_", " ", text)
    text = re.sub(r"(?<![^\W_])[.']|[.'](?![^\W_])", " ", text)
    return " ".join(text.split())


def find_binary(name, given):
    if given:
        path = Path(given)
        if not path.is_file():
            sys.exit(f"run_eval: error: no {name} at {path}")
        return path
    env = os.environ.get(f"FOLIO_{name.upper()}")
    if env:
        return Path(env)
    for build in ("build-eval", "build/ci", "build", "build/release"):
        path = REPO / build / name / name
        if path.is_file():
            return path
    found = shutil.which(name)
    if found:
        return Path(found)
    sys.exit(f"run_eval: error: cannot find the {name} binary; build Folio first "
             f"(cmake -S . -B build -G Ninja && cmake --build build) or pass --{name} PATH")


def run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        sys.exit(f"run_eval: error: {' '.join(map(str, cmd))} failed ({proc.returncode}):\n"
                 f"{proc.stderr.strip()}")
    return proc


def prepare(name, corpora, work, indexer):
    """Convert and index one collection; returns (db, queries [(qid, text)], qrels)."""
    script, _, _ = COLLECTIONS[name]
    out = work / name
    db = out / "db"
    if not (db.exists() and (out / "qrels.txt").exists()):
        run([sys.executable, str(REPO / "scripts" / script), "--out-dir", str(out),
             "--corpora", str(corpora)])
        if db.exists():
            shutil.rmtree(db)
        run([str(indexer), "--db", str(db), str(out / "docs.jsonl")])
    queries = []
    with open(out / "queries.tsv", encoding="utf-8") as f:
        for line in f:
            qid, _, text = line.rstrip("\n").partition("\t")
            queries.append((qid, text))
    return db, queries, metrics.read_qrels(out / "qrels.txt")


def search(searcher, db, queries, flags):
    """{qid: [docid, ...]} for `queries`, via one `searcher --batch` process."""
    cleaned = [(qid, clean_query(text)) for qid, text in queries]
    sent = [(qid, q) for qid, q in cleaned if q]  # batch mode skips blank lines
    cmd = [str(searcher), "--db", str(db), "--batch", "--limit", str(DEPTH), "--passages", "0",
           *flags]
    proc = subprocess.run(cmd, input="".join(q + "\n" for _, q in sent), capture_output=True,
                          text=True)
    lines = proc.stdout.splitlines()
    if proc.returncode not in (0, 1, 2) or len(lines) != len(sent):
        sys.exit(f"run_eval: error: {' '.join(cmd)} answered {len(lines)} of {len(sent)} "
                 f"queries (exit {proc.returncode}):\n{proc.stderr.strip()}")
    results, errors = {}, []
    for (qid, q), line in zip(sent, lines):
        answer = json.loads(line)
        if "error" in answer:
            errors.append(f"query {qid} ({q!r}): {answer['error']}")
            results[qid] = []
            continue
        hits = sorted(answer.get("hits", []), key=lambda h: h["rank"])
        results[qid] = [str(h["id"]) for h in hits]
    for e in errors:
        print(f"run_eval: warning: {e}", file=sys.stderr)
    return results


def pct(new, old):
    if old == 0:
        return "n/a"
    return f"{(new - old) / old * 100:+.1f}%"


def table(results, smoke):
    """Markdown table: one row per collection and metric."""
    head = ["Collection", "Metric", "Xapian BM25 (reported)", "SQLite FTS5 (reported)",
            "Plain BM25 (measured)", "Folio default", "Folio vs measured", "Folio vs reported"]
    rows = []
    for name, r in results.items():
        reported = COLLECTIONS[name][2]
        for m in metrics.METRICS:
            rep = reported[REPORTED].get(m)
            fts = reported["SQLite FTS5 (reported)"].get(m)
            base, folio = r["baseline"][m], r["folio"][m]
            rows.append([
                f"{name} ({r['queries']} q)" if m == "MAP" else "",
                m,
                f"{rep:.3f}" if rep is not None and not smoke else "",
                f"{fts:.3f}" if fts is not None and not smoke else "",
                f"{base:.3f}",
                f"**{folio:.3f}**",
                pct(folio, base),
                pct(folio, rep) if rep is not None and not smoke else "",
            ])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    fmt = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    out = [fmt(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [fmt(r) for r in rows]
    return "\n".join(out)


def experiments_table():
    """The "what we tried" table from eval/experiments.json (recorded during tuning)."""
    if not EXPERIMENTS.exists():
        return "(no eval/experiments.json)"
    data = json.loads(EXPERIMENTS.read_text(encoding="utf-8"))
    head = ["Setting", "Cranfield MAP", "Cranfield nDCG@10", "CISI MAP", "CISI nDCG@10", "Note"]
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for e in data["experiments"]:
        cells = [e["setting"]]
        for c in ("cranfield", "cisi"):
            for m in ("MAP", "nDCG@10"):
                v = e.get(c, {}).get(m)
                cells.append(f"{v:.3f}" if v is not None else "")
        cells.append(e.get("note", ""))
        out.append("| " + " | ".join(cells) + " |")
    intro, outro = data.get("intro", ""), data.get("outro", "")
    return ((intro + "\n\n" if intro else "") + "\n".join(out)
            + ("\n\n" + outro if outro else ""))


def target_lines(results):
    """Whether Folio's defaults reach the +10% target, per collection and metric."""
    out = []
    for name, r in results.items():
        rep = COLLECTIONS[name][2][REPORTED]
        for m in ("MAP", "nDCG@10"):
            base, folio = r["baseline"][m], r["folio"][m]
            ok = lambda old: "met" if old and folio >= old * (1 + TARGET) else "not met"
            out.append(f"- {name} {m}: {pct(folio, base)} vs measured ({ok(base)}), "
                       f"{pct(folio, rep[m])} vs reported ({ok(rep[m])})")
    return "\n".join(out)


def report(results, args, folio_flags, baseline_flags, seconds):
    experiments = experiments_table()
    text = f"""# Relevance evaluation

Generated by `python3 eval/run_eval.py --write docs/RELEVANCE.md` (do not edit by hand;
the "what we tried" table comes from `eval/experiments.json`).

## Results

{table(results, args.smoke)}

- *Plain BM25 (measured)*: `searcher {' '.join(baseline_flags)}`, i.e. Xapian's BM25 with
  k1 = 1, b = 0.5, English stemming and stop list, and Folio's ranking additions off.
- *Folio default*: `searcher {' '.join(folio_flags) or '(no ranking flags)'}`.
- *Reported*: the baselines measured for the issue (plain Xapian BM25 and SQLite FTS5, same
  settings); MAP and nDCG@10 only.
- Run time of the whole evaluation: {seconds:.0f} s.

Target (+{TARGET:.0%} over plain BM25 in MAP and nDCG@10 on both collections):

{target_lines(results)}

## Method

- Collections: Cranfield 1400 (225 queries, graded judgments 1-4) and CISI (112 queries, 76
  judged, binary), from `../shared/corpora`, converted by `scripts/cranfield_to_jsonl.py`
  and `scripts/cisi_to_jsonl.py` and indexed with `indexer` (English stemming).
- Every query goes through `searcher --batch --limit 1000 --passages 0`; hits are taken in
  Folio's rank order.
- Query cleaning (the same for every engine): lower-case; every character other than a
  letter, a digit, or a `.`/apostrophe between two letters or digits becomes a space. So
  quotes, parentheses, `:` (fields), `*` (wildcards), `-`/`+` prefixes, hyphens (which
  would make phrases) and upper-case `AND`/`OR`/`NOT`/`NEAR` lose their meaning, and each
  query is a natural-language OR of words.
- Metrics (`eval/metrics.py`, self-test `python3 eval/test_metrics.py`), trec_eval's rules:
  relevant = grade >= 1; queries without any relevant judgment are left out; MAP over the
  top 1,000; nDCG@10 as trec_eval's `ndcg_cut.10` (gain = grade, discount log2(rank + 1),
  ideal from all judged documents); P@10; Recall@100. A judged query with no hits scores 0.
  Unlike trec_eval, ties are not re-broken by document id: Folio's rank order is used as is.

## Reproduce

```
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build build
python3 eval/run_eval.py --searcher build/searcher/searcher --indexer build/indexer/indexer
python3 eval/run_eval.py --smoke          # the first 10 queries of each collection (CI)
python3 eval/run_eval.py -- --k1 1.2      # Folio with extra searcher flags
```

## What we tried

{experiments}
"""
    return re.sub(r"\n{3,}", "\n\n", text)


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--collections", default="cranfield,cisi",
                        help="comma-separated: cranfield, cisi (default: both)")
    parser.add_argument("--searcher", help="searcher binary (default: build*/searcher/searcher)")
    parser.add_argument("--indexer", help="indexer binary (default: build*/indexer/indexer)")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA,
                        help=f"shared corpora folder (default: {DEFAULT_CORPORA})")
    parser.add_argument("--smoke", action="store_true",
                        help=f"only the first {SMOKE_QUERIES} queries of each collection")
    parser.add_argument("--write", type=Path, metavar="FILE",
                        help="write the Markdown report to FILE (e.g. docs/RELEVANCE.md)")
    parser.add_argument("--work-dir", type=Path,
                        help="keep converted collections and indexes here and reuse them "
                             "(default: a temporary folder, removed afterwards)")
    parser.add_argument("--jobs", type=int, default=2,
                        help="searcher processes to run at once (default: 2)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the baseline run (faster when trying settings)")
    args = parser.parse_args(argv)

    names = [n.strip() for n in args.collections.split(",") if n.strip()]
    for n in names:
        if n not in COLLECTIONS:
            parser.error(f"unknown collection {n!r} (known: {', '.join(COLLECTIONS)})")
    if args.smoke and args.write:
        parser.error("--smoke results are not a benchmark: do not --write them")
    if not args.corpora.is_dir():
        print(f"skipped: no shared corpora folder at {args.corpora}")
        return 0
    absent = [n for n in names if not (args.corpora / COLLECTIONS[n][1]).is_dir()]
    if absent:
        print(f"skipped: {', '.join(absent)} not in {args.corpora}")
        return 0

    searcher = find_binary("searcher", args.searcher)
    indexer = find_binary("indexer", args.indexer)
    baseline_flags = BASELINE_FLAGS
    print(f"searcher: {searcher}\nindexer:  {indexer}", file=sys.stderr)

    start = time.monotonic()
    tmp = None
    if args.work_dir:
        work = args.work_dir
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="folio-eval-")
        work = Path(tmp.name)
    results = {}
    try:
        jobs = []
        for name in names:
            db, queries, qrels = prepare(name, args.corpora, work, indexer)
            if args.smoke:
                queries = queries[:SMOKE_QUERIES]
            results[name] = {}
            runs = [("folio", extra)] if args.no_baseline else [("baseline", baseline_flags),
                                                                ("folio", extra)]
            jobs += [(name, label, flags, db, queries, qrels) for label, flags in runs]

        def evaluate(job):
            name, label, flags, db, queries, qrels = job
            t = time.monotonic()
            run_ = search(searcher, db, queries, flags)
            means, _, n = metrics.evaluate(run_, qrels, [q for q, _ in queries])
            print(f"{name} {label}: " + "  ".join(f"{m} {v:.4f}" for m, v in means.items())
                  + f"  ({n} judged queries, {time.monotonic() - t:.1f} s)", file=sys.stderr)
            return name, label, means, n

        # Two searcher processes at a time (each is single-threaded).
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for name, label, means, n in pool.map(evaluate, jobs):
                results[name][label] = means
                results[name]["queries"] = n
        for r in results.values():
            r.setdefault("baseline", r["folio"])
    finally:
        if tmp is not None:
            tmp.cleanup()
    seconds = time.monotonic() - start

    print(table(results, args.smoke))
    if args.smoke:
        print(f"(smoke run: first {SMOKE_QUERIES} queries of each collection; "
              f"reported baselines not comparable)")
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(report(results, args, extra, baseline_flags, seconds),
                              encoding="utf-8")
        print(f"wrote {args.write}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
