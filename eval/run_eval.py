#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Relevance evaluation of Folio: the robustness test bed.

Collections: Cranfield, CISI and NPL as they are, and four variants made from Cranfield and
CISI: each with only the titles as documents (short records: "-titles") and each with only the
first three words of every query that are not stop words (short queries: "-q3"). For each
collection: convert it (scripts/<name>_to_jsonl.py), index it with `folio-indexer` into a temporary
folder (the titles-only variants into a second index), run every query through
`folio-searcher --batch --limit 1000 --passages 0` twice (the plain BM25 baseline, then Folio's
defaults), and print MAP, nDCG@10, P@10 and Recall@100 (trec_eval's rules, see
eval/metrics.py), Folio's change against the baseline measured in the same run, and how many
queries gained, lost and tied against it (the robustness index). With --cross-validate, also
the feedback decision's threshold chosen on two collections and reported on the third.

Usage:
  python3 eval/run_eval.py [--variants cranfield,cisi,...] [--searcher PATH] [--indexer PATH]
                           [--corpora DIR] [--smoke] [--cross-validate]
                           [--write docs/RELEVANCE.md] [-- EXTRA SEARCHER FLAGS for Folio]

  --smoke   only the first 10 queries of each variant (for CI; about 25 s).
  --write   write the report (tables, method, "what we tried") to a Markdown file; implies
            --cross-validate.

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
    "npl": ("npl_to_jsonl.py", "npl", {
        "Xapian BM25 (reported)": {"MAP": 0.295, "nDCG@10": 0.450},
    }),
}
REPORTED = "Xapian BM25 (reported)"

# The robustness test bed: variant -> (collection, documents, queries). Documents "full" are
# the collection's records as converted, "titles" the same records with the title alone (those
# without a title left out); queries "full" are the collection's, "q3" the first three words
# of each that are not stop words (see short_query).
VARIANTS = {
    "cranfield": ("cranfield", "full", "full"),
    "cisi": ("cisi", "full", "full"),
    "npl": ("npl", "full", "full"),
    "cranfield-titles": ("cranfield", "titles", "full"),
    "cisi-titles": ("cisi", "titles", "full"),
    "cranfield-q3": ("cranfield", "full", "q3"),
    "cisi-q3": ("cisi", "full", "q3"),
}

# The plain BM25 baseline: Xapian's BM25 with k1=1, b=0.5 and pseudo-relevance feedback off
# (Folio's only ranking addition at query time; see common/src/search/ranking.cpp).
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


def find_binary(name, given, prog="run_eval"):
    """The Folio program `name`: --NAME as given, else $FOLIO_NAME, else a build of this
    checkout, else $PATH; exits with PROG's message when there is none."""
    if given:
        path = Path(given)
        if not path.is_file():
            sys.exit(f"{prog}: error: no {name} at {path}")
        return path
    env = os.environ.get(f"FOLIO_{name.upper()}")
    if env:
        return Path(env)
    for build in ("build-eval", "build/dev", "build/ci", "build", "build/release"):
        path = REPO / build / name / f"folio-{name}"
        if path.is_file():
            return path
    found = shutil.which(f"folio-{name}")
    if found:
        return Path(found)
    sys.exit(f"{prog}: error: cannot find the {name} binary; build Folio first "
             f"(cmake -S . -B build -G Ninja && cmake --build build) or pass --{name} PATH")


def run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        sys.exit(f"run_eval: error: {' '.join(map(str, cmd))} failed ({proc.returncode}):\n"
                 f"{proc.stderr.strip()}")
    return proc


def stop_words():
    """Folio's English stop list, read from its one definition (common/src/analysis/stemmer.cpp)."""
    src = (REPO / "common" / "src" / "analysis" / "stemmer.cpp").read_text(encoding="utf-8")
    m = re.search(r"kEnglishStopwords\[\] = \{(.*?)\};", src, re.S)
    if not m:
        sys.exit("run_eval: error: common/src/analysis/stemmer.cpp: cannot find kEnglishStopwords")
    return set(re.findall(r'"([^"]+)"', m.group(1)))


def short_query(text, stops):
    """The "-q3" variants' query: the first three words of the cleaned query that are not
    stop words (fewer when it has fewer)."""
    return " ".join([w for w in clean_query(text).split() if w not in stops][:3])


def titles_only(src, dst):
    """DIR/docs-titles.jsonl: every record of docs.jsonl with its title alone; records without
    a title are left out (a search could not find them). Returns the number written."""
    kept = 0
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            doc = json.loads(line)
            title = doc.get("title", "").strip()
            if not title:
                continue
            slim = {k: v for k, v in doc.items() if k in ("id", "source", "language")}
            slim["title"] = title
            out.write(json.dumps(slim, sort_keys=True) + "\n")
            kept += 1
    return kept


def prepare(variant, corpora, work, indexer, stops):
    """Convert and index one variant's collection (each collection and index once per work
    folder); returns (db, queries [(qid, text)], qrels)."""
    name, docs, kind = VARIANTS[variant]
    script = COLLECTIONS[name][0]
    out = work / name
    if not (out / "qrels.txt").exists():
        run([sys.executable, str(REPO / "scripts" / script), "--out-dir", str(out),
             "--corpora", str(corpora)])
    db = out / ("db" if docs == "full" else "db-titles")
    if not (db / "XAPIANDB").exists() and not (db / "iamglass").exists():
        source = out / "docs.jsonl"
        if docs == "titles":
            source = out / "docs-titles.jsonl"
            titles_only(out / "docs.jsonl", source)
        if db.exists():
            shutil.rmtree(db)
        run([str(indexer), "--db", str(db), str(source)])
    queries = []
    with open(out / "queries.tsv", encoding="utf-8") as f:
        for line in f:
            qid, _, text = line.rstrip("\n").partition("\t")
            queries.append((qid, short_query(text, stops) if kind == "q3" else text))
    return db, queries, metrics.read_qrels(out / "qrels.txt")


def search(searcher, db, queries, flags, limit=DEPTH):
    """{qid: answer} for `queries`, via one `folio-searcher --batch` process: each answer is the
    query's JSON line (hits, and with --explain the feedback decision), or None on an error."""
    cleaned = [(qid, clean_query(text)) for qid, text in queries]
    sent = [(qid, q) for qid, q in cleaned if q]  # batch mode skips blank lines
    cmd = [str(searcher), "--db", str(db), "--batch", "--limit", str(limit), "--passages", "0",
           *flags]
    proc = subprocess.run(cmd, input="".join(q + "\n" for _, q in sent), capture_output=True,
                          text=True)
    lines = proc.stdout.splitlines()
    if proc.returncode not in (0, 1, 2) or len(lines) != len(sent):
        sys.exit(f"run_eval: error: {' '.join(map(str, cmd))} answered {len(lines)} of "
                 f"{len(sent)} queries (exit {proc.returncode}):\n{proc.stderr.strip()}")
    answers = {}
    for (qid, q), line in zip(sent, lines):
        answer = json.loads(line)
        if "error" in answer:
            print(f"run_eval: warning: query {qid} ({q!r}): {answer['error']}", file=sys.stderr)
            answer = None
        answers[qid] = answer
    return answers


def ranking(answers):
    """{qid: [docid, ...]} in rank order from search()'s answers."""
    return {qid: [str(h["id"]) for h in sorted(a.get("hits", []), key=lambda h: h["rank"])]
            if a else [] for qid, a in answers.items()}


def pct(new, old):
    if old == 0:
        return "n/a"
    return f"{(new - old) / old * 100:+.1f}%"


def wlt(counts):
    return "{}/{}/{}".format(*counts)


def table(results, smoke):
    """Markdown table: one row per variant, MAP and nDCG@10 against plain BM25 with the
    per-query gains, losses and ties."""
    head = ["Variant", "Queries", "MAP plain", "MAP Folio", "change", "gained/lost/tied",
            "nDCG@10 plain", "nDCG@10 Folio", "change", "gained/lost/tied", "feedback applied"]
    rows = []
    for name, r in results.items():
        row = [name, str(r["queries"])]
        for m in ("MAP", "nDCG@10"):
            base, folio = r["baseline"][m], r["folio"][m]
            row += [f"{base:.4f}", f"**{folio:.4f}**", pct(folio, base), wlt(r["robust"][m])]
        applied = r.get("applied")
        row.append(f"{applied[0]} of {applied[1]}" if applied else "")
        rows.append(row)
    return markdown(head, rows)


def markdown(head, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    fmt = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    out = [fmt(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [fmt(r) for r in rows]
    return "\n".join(out)


def reported_table(results, smoke):
    """The collections as they are: every metric, next to the baselines reported in the issue."""
    head = ["Collection", "Metric", "Xapian BM25 (reported)", "SQLite FTS5 (reported)",
            "Plain BM25 (measured)", "Folio default", "Folio vs measured", "Folio vs reported"]
    rows = []
    for name, r in results.items():
        if name not in COLLECTIONS:
            continue
        reported = COLLECTIONS[name][2]
        for m in metrics.METRICS:
            rep = reported[REPORTED].get(m)
            fts = reported.get("SQLite FTS5 (reported)", {}).get(m)
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
    return markdown(head, rows)


def target_lines(results):
    """Whether Folio's defaults meet the targets: no loss against plain BM25 in MAP and
    nDCG@10 on every variant, and +10% MAP on Cranfield and CISI as they are."""
    out = []
    for name, r in results.items():
        for m in ("MAP", "nDCG@10"):
            base, folio = r["baseline"][m], r["folio"][m]
            line = f"- {name} {m}: {pct(folio, base)}, "
            line += "no loss (met)" if folio >= base - 1e-12 else "a loss (not met)"
            if m == "MAP" and name in ("cranfield", "cisi"):
                line += (", +10% (met)" if folio >= base * (1 + TARGET) else ", +10% (not met)")
            out.append(line)
    return "\n".join(out)


# Cross-validation of the feedback decision's threshold. For every variant three runs: feedback
# off (`--expand 0`), feedback on for every query the decision considers (a threshold of 0),
# and the decision itself (`--explain --limit 1`: the predictor's value per query). A
# threshold t gives, per query, the "on" ranking where the value is at least t and the "off"
# ranking elsewhere: exactly what the searcher does with the threshold t.
OFF_FLAGS = ["--expand", "0"]
ON_FLAGS = ["--feedback-threshold", "0"]
DECISION_FLAGS = ["--feedback-threshold", "0", "--explain"]


def mixed(cv, variant, threshold):
    """Per-query metrics of `variant` with feedback where the predictor reaches `threshold`."""
    c = cv[variant]
    return {q: c["on"][q] if c["value"].get(q) is not None and c["value"][q] >= threshold
            else c["off"][q] for q in c["off"]}


def feasible(cv, variants, threshold):
    """No loss at `threshold` on any of `variants`, in MAP or nDCG@10: the mean is not below
    plain BM25's, and no more queries lost than gained (the robustness index is not negative)."""
    for v in variants:
        per = mixed(cv, v, threshold)
        plain = cv[v]["plain"]
        n = len(per)
        for m in ("MAP", "nDCG@10"):
            if sum(x[m] for x in per.values()) / n < sum(x[m] for x in plain.values()) / n - 1e-12:
                return False
            gained, lost, _ = metrics.robustness(plain, per, m)
            if lost > gained:
                return False
    return True


# The thresholds the cross-validation chooses from: a coarse grid, so that no choice is an edge
# that one or two training queries put there.
GRID = [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 25, 30, 40, 50, 60]


def choose_threshold(cv, variants):
    """The lowest threshold of GRID that is feasible() on `variants`: feedback for as many
    queries as the training collections show to be safe. Infinity (never) when none is."""
    for t in GRID:
        if feasible(cv, variants, t):
            return float(t)
    return float("inf")


def cross_validation(cv):
    """Markdown: for each collection in turn, the threshold chosen on the other two (all their
    variants), and the held-out collection's variants at that threshold."""
    collections = sorted({VARIANTS[v][0] for v in cv})
    head = ["Held out", "Threshold chosen on the others", "Variant", "MAP change",
            "gained/lost/tied", "nDCG@10 change", "gained/lost/tied", "feedback applied"]
    rows, losses = [], []
    for held in collections:
        train = [v for v in cv if VARIANTS[v][0] != held]
        test = [v for v in cv if VARIANTS[v][0] == held]
        if not train:
            continue
        t = choose_threshold(cv, train)
        for i, v in enumerate(test):
            per = mixed(cv, v, t)
            plain = cv[v]["plain"]
            n = len(per)
            row = [held if i == 0 else "", f"{t:.3g}" if i == 0 else "", v]
            for m in ("MAP", "nDCG@10"):
                base = sum(x[m] for x in plain.values()) / n
                new = sum(x[m] for x in per.values()) / n
                row += [pct(new, base), wlt(metrics.robustness(plain, per, m))]
            for m in ("MAP", "nDCG@10"):
                n_ = len(per)
                base = sum(x[m] for x in plain.values()) / n_
                new = sum(x[m] for x in per.values()) / n_
                g, l, ties = metrics.robustness(plain, per, m)
                if new < base - 1e-12 or l > g:
                    losses.append(f"- {v} {m}: {pct(new, base)}, {g}/{l}/{ties} "
                                  f"(threshold {t:.3g}, chosen without {held})")
            applied = sum(1 for q in per if cv[v]["value"].get(q) is not None
                          and cv[v]["value"][q] >= t)
            row.append(f"{applied} of {n}")
            rows.append(row)
    everything = choose_threshold(cv, list(cv))
    text = markdown(head, rows)
    if losses:
        text += ("\n\nHeld out, these lose against plain BM25 at the threshold chosen without "
                 "them (in the mean, or more queries lost than gained):\n\n" + "\n".join(losses))
    else:
        text += "\n\nHeld out, no variant loses against plain BM25 at the threshold chosen without it."
    return text, everything


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
    text = ((intro + "\n\n" if intro else "") + "\n".join(out)
            + ("\n\n" + outro if outro else ""))
    robust = data.get("robustness")
    if robust:
        head = ["Setting", *VARIANTS, "Note"]
        rows = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        for e in robust["rows"]:
            cells = [e["setting"]]
            for v in VARIANTS:
                c = e["change"].get(v)
                cells.append(f"{c['MAP']:+.1f} / {c['nDCG@10']:+.1f}" if c else "")
            cells.append(e.get("note", ""))
            rows.append("| " + " | ".join(cells) + " |")
        text = ("### On the robustness test bed\n\n" + robust["intro"] + "\n\n" + "\n".join(rows)
                + "\n\n" + robust["outro"] + "\n\n### Before: on Cranfield and CISI\n\n" + text)
    return text


def report(results, args, folio_flags, baseline_flags, seconds, cv_text):
    experiments = experiments_table()
    text = f"""# Relevance evaluation

Generated by `python3 eval/run_eval.py --write docs/RELEVANCE.md` (do not edit by hand;
the "what we tried" table comes from `eval/experiments.json`).

## Results: the robustness test bed

{table(results, args.smoke)}

- *Plain BM25*: `folio-searcher {' '.join(baseline_flags)}`, i.e. Xapian's BM25 with k1 = 1,
  b = 0.5, Folio's English stemming and stop list, and no feedback.
- *Folio*: `folio-searcher {' '.join(folio_flags) or '(no ranking flags)'}`, the default.
- *gained/lost/tied*: the judged queries whose average precision (nDCG@10) is higher, lower or
  the same (the same ranking of the judged documents) with Folio than with plain BM25.
- *feedback applied*: the judged queries for which the default's feedback decision said yes
  (`folio-searcher --explain`).
- Variants: `-titles` indexes each record's title alone (short records; Cranfield's 1,400
  records all have one, CISI's 1,460 too), with the collection's queries; `-q3` keeps the
  first three words of each query that are not stop words (short queries), on the full
  records.
- Run time of the whole evaluation: {seconds:.0f} s.

Targets: no loss against plain BM25 in MAP and nDCG@10 on every variant; +{TARGET:.0%} MAP on
Cranfield and CISI as they are:

{target_lines(results)}

## The collections as they are, with the baselines reported in the issue

{reported_table(results, args.smoke)}

## Cross-validation of the feedback decision

{cv_text}

## Method

- Collections: Cranfield 1400 (225 queries, graded judgments 1-4), CISI (112 queries, 76
  judged, binary) and NPL (11,429 abstracts, 93 queries, binary), from `../shared/corpora`,
  converted by `scripts/cranfield_to_jsonl.py`, `scripts/cisi_to_jsonl.py` and
  `scripts/npl_to_jsonl.py` and indexed with `folio-indexer` (English stemming).
- Every query goes through `folio-searcher --batch --limit 1000 --passages 0`; hits are taken in
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
python3 eval/run_eval.py --searcher build/searcher/folio-searcher --indexer build/indexer/folio-indexer
python3 eval/run_eval.py --smoke          # the first 10 queries of each variant (CI)
python3 eval/run_eval.py --cross-validate # and the threshold's cross-validation
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
    parser.add_argument("--variants", "--collections", default=",".join(VARIANTS),
                        help=f"comma-separated, of: {', '.join(VARIANTS)} (default: all)")
    parser.add_argument("--searcher", help="searcher binary (default: build*/searcher/folio-searcher, else folio-searcher on PATH)")
    parser.add_argument("--indexer", help="indexer binary (default: build*/indexer/folio-indexer, else folio-indexer on PATH)")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA,
                        help=f"shared corpora folder (default: {DEFAULT_CORPORA})")
    parser.add_argument("--smoke", action="store_true",
                        help=f"only the first {SMOKE_QUERIES} queries of each variant")
    parser.add_argument("--cross-validate", action="store_true",
                        help="also cross-validate the feedback decision's threshold")
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

    names = [n.strip() for n in args.variants.split(",") if n.strip()]
    for n in names:
        if n not in VARIANTS:
            parser.error(f"unknown variant {n!r} (known: {', '.join(VARIANTS)})")
    if args.smoke and args.write:
        parser.error("--smoke results are not a benchmark: do not --write them")
    if args.write:
        args.cross_validate = True
    if not args.corpora.is_dir():
        print(f"skipped: no shared corpora folder at {args.corpora}")
        return 0
    absent = sorted({VARIANTS[n][0] for n in names
                     if not (args.corpora / COLLECTIONS[VARIANTS[n][0]][1]).is_dir()})
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
    results, cv = {}, {}
    stops = stop_words()
    try:
        jobs, data = [], {}
        for name in names:
            db, queries, qrels = prepare(name, args.corpora, work, indexer, stops)
            if args.smoke:
                queries = queries[:SMOKE_QUERIES]
            data[name] = (db, queries, qrels)
            runs = [("folio", extra, DEPTH), ("decision", [*extra, "--explain"], 1)]
            if not args.no_baseline:
                runs.append(("baseline", baseline_flags, DEPTH))
            if args.cross_validate:
                runs += [("off", OFF_FLAGS, DEPTH), ("on", ON_FLAGS, DEPTH),
                         ("value", DECISION_FLAGS, 1)]
            jobs += [(name, label, flags, limit) for label, flags, limit in runs]

        def evaluate(job):
            name, label, flags, limit = job
            db, queries, qrels = data[name]
            t = time.monotonic()
            answers = search(searcher, db, queries, flags, limit)
            means, per_query, n = metrics.evaluate(ranking(answers), qrels,
                                                   [q for q, _ in queries])
            if limit == DEPTH:
                print(f"{name} {label}: " + "  ".join(f"{m} {v:.4f}" for m, v in means.items())
                      + f"  ({n} judged queries, {time.monotonic() - t:.1f} s)", file=sys.stderr)
            return name, label, answers, means, per_query, n

        # Two searcher processes at a time (each is single-threaded).
        runs = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for name, label, answers, means, per_query, n in pool.map(evaluate, jobs):
                runs[(name, label)] = (answers, means, per_query, n)
        for name in names:
            _, folio, folio_q, n = runs[(name, "folio")]
            _, base, base_q, _ = runs.get((name, "baseline"), runs[(name, "folio")])
            decisions = runs[(name, "decision")][0]
            applied = sum(1 for q in folio_q
                          if (decisions.get(q) or {}).get("feedback", {}).get("applied"))
            results[name] = {
                "queries": n, "folio": folio, "baseline": base, "applied": (applied, n),
                "robust": {m: metrics.robustness(base_q, folio_q, m) for m in metrics.METRICS},
            }
            if args.cross_validate:
                values = {}
                for q, a in runs[(name, "value")][0].items():
                    fb = (a or {}).get("feedback", {})
                    values[q] = fb.get("value") if fb.get("considered") else None
                cv[name] = {"plain": base_q, "off": runs[(name, "off")][2],
                            "on": runs[(name, "on")][2], "value": values}
    finally:
        if tmp is not None:
            tmp.cleanup()
    seconds = time.monotonic() - start

    print(table(results, args.smoke))
    cv_text = "(not run: --cross-validate)"
    if cv:
        folds, everything = cross_validation(cv)
        cv_text = CV_INTRO + "\n\n" + folds + "\n\n" + (
            f"Chosen the same way on every variant of all three collections: {everything:.3g}.")
        print("\n" + cv_text)
    if args.smoke:
        print(f"(smoke run: first {SMOKE_QUERIES} queries of each variant; "
              f"reported baselines not comparable)")
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(report(results, args, extra, baseline_flags, seconds, cv_text),
                              encoding="utf-8")
        print(f"wrote {args.write}", file=sys.stderr)
    return 0


CV_INTRO = """The feedback decision's one tuned number, its threshold, chosen on two collections (all
their variants) and reported on the third, each in turn. For each variant the evaluation runs
the queries with feedback off (`--expand 0`), with feedback for every query the decision
considers (`--feedback-threshold 0`), and reads each query's predictor value
(`--explain`); a threshold t takes, per query, the ranking with feedback where the value
reaches t and the one without elsewhere, which is what the searcher does with that
threshold. The threshold chosen is the lowest of a coarse grid (0, 2, 4, ... 20, 25, 30, 40, 50, 60
distinct words per feedback document) at which no training variant loses, in MAP or nDCG@10,
neither in the mean nor in the count of queries (no more lost than gained): feedback for as
many queries as the training collections show to be safe."""


if __name__ == "__main__":
    sys.exit(main())
