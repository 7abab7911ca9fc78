#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Indexing benchmark: Folio against Xapian's scriptindex, Lucene++ and SQLite FTS5, in one run.

1. Reuters-21578 (19,043 articles, from scripts/reuters_to_jsonl.py): each engine builds its index
   anew from the same articles, with stemming (English/Porter) and positions:
     Folio               build-bench/indexer/folio-indexer --db DB --json reuters.jsonl (defaults: spelling on)
     Folio -j N          the same with -j N (N = nproc), when the indexer has -j
     Folio --no-spelling the same without the spelling dictionary
     Xapian scriptindex  scriptindex --overwrite DB bench/xapian/reuters.index reuters.scriptindex
                         (input converted from the JSONL beforehand, untimed)
     Lucene++            bench/lucene: lucene_bench index DB reuters.jsonl (StandardAnalyzer + PorterStemFilter)
     SQLite FTS5         bench/fts5_peer.py index DB reuters.jsonl (tokenize='porter unicode61')
     Xapian's writer alone  bench/xapian: writer_floor reuters.jsonl DB (not an indexer: the documents'
                         terms are generated before its clock starts; see below)
   Reported: wall time, articles/s, MB/s (MB = 10^6 bytes of title+body text), peak RSS (GNU time -v),
   index size on disk, and each peer's time divided by Folio's (above 1: Folio is faster).
   writer_floor measures the floor under every indexer built on Xapian 1.4: the same postings (stems with
   positions, the title also prefixed) added through WritableDatabase by one thread per CPU, each into a
   part with Folio's writer settings, and the parts compacted, the documents having been built in memory
   beforehand (no reading, no term generation, no stored text, no spelling). Its row is that writer time.
2. Scale run: Folio alone on the Gutenberg slice (~5 KB articles) at 15 MB, 50 MB and all of it
   (~150 MB): throughput, and each size's throughput relative to the smallest run's.
The tables are printed and written between the index-bench markers of docs/BENCHMARKS.md.

Peers that are not installed are skipped with a message (scripts/setup-bench.sh installs them).
Exits 0 printing "skipped: ..." when ../shared/corpora is absent.

Usage: bench/index_bench.py [--quick] [--no-scale] [--repeat N] [--no-docs] [--corpora DIR] [--build DIR] [--work DIR]
  --repeat N  rounds over every engine on Reuters, each engine's fastest run kept (default 3)
  --quick     smoke run: the first 1,000 Reuters articles and a 1 MB / 3 MB Gutenberg scale run;
              docs/BENCHMARKS.md is left alone (under a minute)
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as B  # noqa: E402

BENCH = Path(__file__).resolve().parent


def measure(name, cmd, db, articles, text_bytes, stdin_path=None, check_json=True):
    B.log(f"indexing: {name} ...")
    if Path(db).is_dir():
        shutil.rmtree(db)
    elif Path(db).exists():
        Path(db).unlink()
    stdin = open(stdin_path) if stdin_path else subprocess.DEVNULL
    r = B.run_measured(cmd, stdin=stdin)
    if r["rc"] != 0:
        B.log(f"  {name} failed (exit {r['rc']}): {r['err'][-2000:]}")
        return None
    size = B.dir_size(db)
    res = {
        "engine": name, "seconds": r["seconds"], "articles": articles, "bytes": text_bytes,
        "rss_mb": (r["rss_kb"] or 0) / 1024, "index_mb": size / 1e6, "cmd": " ".join(str(c) for c in cmd),
        "out": (r["out"] or "").strip()[-500:],
    }
    B.log(f"  {name}: {r['seconds']:.2f} s, {articles / r['seconds']:.0f} articles/s, "
          f"{text_bytes / 1e6 / r['seconds']:.2f} MB/s, peak {res['rss_mb']:.0f} MB, index {res['index_mb']:.0f} MB")
    return res


def peer_runs(work, idx, jsonl, lucene, tag="", quiet=False):
    """(name, command, database) of each installed peer indexing jsonl into idx / (tag + its name);
    scriptindex's input is converted beforehand (untimed). Peers not installed are left out."""
    runs = []
    if B.have("scriptindex"):
        si_input = work / (jsonl.stem + ".scriptindex")
        if not si_input.exists() or si_input.stat().st_mtime < jsonl.stat().st_mtime:
            subprocess.run([sys.executable, BENCH / "jsonl_to_scriptindex.py", jsonl, si_input], check=True)
        runs.append(("Xapian scriptindex", ["scriptindex", "--overwrite", idx / f"{tag}xapian",
                                            BENCH / "xapian" / "reuters.index", si_input], idx / f"{tag}xapian"))
    elif not quiet:
        B.log("skipped Xapian scriptindex: not installed (Debian package xapian-omega; scripts/setup-bench.sh)")
    if lucene:
        runs.append(("Lucene++", [lucene, "index", idx / f"{tag}lucene", jsonl], idx / f"{tag}lucene"))
    sys.path.insert(0, str(BENCH))
    import fts5_peer
    if fts5_peer.has_fts5():
        runs.append(("SQLite FTS5", [sys.executable, BENCH / "fts5_peer.py", "index", idx / f"{tag}fts5.db", jsonl],
                     idx / f"{tag}fts5.db"))
    elif not quiet:
        B.log("skipped SQLite FTS5: Python's sqlite3 module has no FTS5")
    return runs


def floor_run(floor, db, jsonl, articles, text_bytes):
    """One run of writer_floor: a row whose time is the writer's alone (adding and compacting)."""
    B.log("indexing: Xapian's writer alone (writer_floor) ...")
    for stale in Path(db).parent.glob(Path(db).name + "*"):
        shutil.rmtree(stale)
    r = B.run_measured([floor, jsonl, db])
    if r["rc"] != 0:
        B.log(f"  writer_floor failed (exit {r['rc']}): {r['err'][-2000:]}")
        return None
    phases = json.loads(r["out"])
    seconds = phases["writer_seconds"]
    B.log(f"  Xapian's writer alone: {seconds:.2f} s (adding {phases['write_seconds']:.2f} s, compacting "
          f"{phases['compact_seconds']:.2f} s; term generation before it {phases['termgen_seconds']:.2f} s)")
    return {"engine": FLOOR, "seconds": seconds, "articles": articles, "bytes": text_bytes,
            "rss_mb": (r["rss_kb"] or 0) / 1024, "index_mb": B.dir_size(db) / 1e6,
            "cmd": f"{floor} {jsonl} DB", "out": r["out"].strip(), "phases": phases}


FLOOR = "Xapian's writer alone"


def reuters_run(args, indexer, lucene, floor, work, jsonl):
    """Every engine on Reuters, round-robin args.repeat times (so that the machine's drift touches
    every engine alike); each engine's fastest run is its row."""
    articles, text_bytes = B.jsonl_stats(jsonl)
    idx = work / "index"
    idx.mkdir(exist_ok=True)
    runs = [("Folio", [indexer, "--db", idx / "folio", "--json", jsonl], idx / "folio")]
    if B.folio_has_jobs(indexer):
        n = os.cpu_count() or 2
        runs.append((f"Folio -j {n}", [indexer, "--db", idx / "folio-j", "--json", "-j", str(n), jsonl],
                     idx / "folio-j"))
    else:
        B.log("note: this indexer has no -j (parallel indexing); the Folio -j row is left out")
    runs.append(("Folio --no-spelling", [indexer, "--db", idx / "folio-nospell", "--json", "--no-spelling", jsonl],
                 idx / "folio-nospell"))
    runs += peer_runs(work, idx, jsonl, lucene)
    if floor:
        runs.append((FLOOR, None, idx / "xapian-floor"))
    best = {}
    for round_ in range(args.repeat):
        if args.repeat > 1:
            B.log(f"round {round_ + 1} of {args.repeat}")
        for name, cmd, db in runs:
            r = measure(name, cmd, db, articles, text_bytes) if name != FLOOR else \
                floor_run(floor, db, jsonl, articles, text_bytes)
            if r and (name not in best or r["seconds"] < best[name]["seconds"]):
                r["runs"] = best.get(name, {}).get("runs", []) + [r["seconds"]]
                best[name] = r
            elif r:
                best[name]["runs"].append(r["seconds"])
    results = [best.get(name) for name, _, _ in runs]
    folio = best.get("Folio")
    (idx / "reuters.source").write_text(str(jsonl))
    return [r for r in results if r], folio


def reuters_table(results, folio):
    header = ["Engine", "Wall s", "Articles/s", "MB/s", "Peak RSS MB", "Index MB", "Time / Folio's", "Every run s"]
    rows = []
    for r in results:
        ratio = f"{r['seconds'] / folio['seconds']:.2f}" if folio else "-"
        every = " / ".join(f"{t:.2f}" for t in r.get("runs", [r["seconds"]]))
        rows.append([r["engine"], f"{r['seconds']:.2f}", f"{r['articles'] / r['seconds']:,.0f}",
                     f"{r['bytes'] / 1e6 / r['seconds']:.2f}", f"{r['rss_mb']:.0f}", f"{r['index_mb']:.1f}", ratio,
                     every])
    return B.md_table(header, rows)


def targets(results, folio):
    by = {r["engine"]: r for r in results}
    lines = []
    if not folio:
        return ["- Folio's indexer failed: no targets checked."]
    best = min((r for r in results if r["engine"].startswith("Folio") and r["engine"] != "Folio --no-spelling"),
               key=lambda r: r["seconds"])
    for peer, need, text in (("Xapian scriptindex", 4.0, "at least 4x faster than scriptindex"),
                             ("Lucene++", 1.0, "faster than Lucene++")):
        if peer in by:
            ratio = by[peer]["seconds"] / best["seconds"]
            ok = "met" if ratio >= need else "MISSED"
            lines.append(f"- {text}: {best['engine']} runs at {ratio:.2f}x {peer}'s speed: **{ok}**")
    if FLOOR in by and "Lucene++" in by:
        f, lu = by[FLOOR], by["Lucene++"]
        lines.append(f"- floor: Xapian's writer alone (prebuilt documents, {f['phases']['jobs']} threads, parts "
                     f"compacted) takes {f['seconds']:.2f} s, {f['seconds'] / lu['seconds']:.2f}x Lucene++'s whole "
                     f"run; {best['engine']} spends {best['seconds'] - f['seconds']:.2f} s beyond it")
    if "SQLite FTS5" in by:
        lines.append(f"- ratio to SQLite FTS5: {best['engine']} takes {best['seconds'] / by['SQLite FTS5']['seconds']:.1f}x "
                     f"FTS5's time")
    return lines


def scale_run(args, indexer, work, sizes):
    rows = []
    for mb in sizes:
        jsonl = B.gutenberg_jsonl(work, args.corpora, mb)
        articles, text_bytes = B.jsonl_stats(jsonl)
        db = work / "index" / f"folio-gutenberg-{mb or 'all'}"
        # --max-file-size 0: the whole slice is one JSONL file, larger than the indexer's 100M default limit
        r = measure(f"Folio, Gutenberg {mb or 'all'} MB", [indexer, "--db", db, "--json", "--max-file-size", "0", jsonl],
                    db, articles, text_bytes)
        if db.exists():
            shutil.rmtree(db)
        if r:
            rows.append(r)
    return rows


def prefix_jsonl(work, jsonl, n):
    """The first n articles of jsonl, in a file of their own (made once)."""
    out = work / f"{jsonl.stem}-{n}.jsonl"
    if not out.exists() or out.stat().st_mtime < jsonl.stat().st_mtime:
        with open(jsonl) as src, open(out, "w") as dst:
            for i, line in enumerate(src):
                if i == n:
                    break
                dst.write(line)
    return out


def sweep_run(indexer, lucene, work, jsonl, sizes):
    """Each engine on the first N articles of jsonl for each N in sizes: throughput against size."""
    idx = work / "index"
    rows = []
    for n in sizes:
        part = prefix_jsonl(work, jsonl, n)
        articles, text_bytes = B.jsonl_stats(part)
        runs = [("Folio", [indexer, "--db", idx / "sweep-folio", "--json", part], idx / "sweep-folio")]
        runs += peer_runs(work, idx, part, lucene, "sweep-", quiet=True)
        for engine, cmd, db in runs:
            r = measure(f"{engine}, {n} articles", cmd, db, articles, text_bytes)
            if r:
                r["engine"] = engine
                rows.append(r)
    return rows


def draw_index(results, sweep, picture, note):
    """Throughput against corpus size per engine: the sweep's points and the main run's."""
    import plots
    runs = [{"engine": r["engine"], "articles": r["articles"], "bytes": r["bytes"], "seconds": r["seconds"]}
            for r in sweep + [r for r in results if r["engine"] in {s["engine"] for s in sweep}]]
    drawn = plots.draw("index", {"note": note, "runs": runs}, picture)
    if drawn:
        B.log(f"drew {drawn}")


def scale_table(rows):
    header = ["Slice", "Articles", "Text MB", "Wall s", "Articles/s", "MB/s", "Peak RSS MB", "Index MB",
              "Throughput / smallest run's"]
    out = []
    base = rows[0]["bytes"] / rows[0]["seconds"] if rows else 1
    for r in rows:
        tp = r["bytes"] / r["seconds"]
        out.append([r["engine"].replace("Folio, ", ""), f"{r['articles']:,}", f"{r['bytes'] / 1e6:.1f}",
                    f"{r['seconds']:.1f}", f"{r['articles'] / r['seconds']:,.0f}", f"{tp / 1e6:.2f}",
                    f"{r['rss_mb']:.0f}", f"{r['index_mb']:.0f}", f"{tp / base:.2f}"])
    return B.md_table(header, out)


def main():
    ap = argparse.ArgumentParser(description="Folio's indexing benchmark (see the docstring)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-scale", action="store_true", help="skip the Gutenberg scale run")
    ap.add_argument("--repeat", type=int, default=None,
                    help="Reuters rounds over every engine, each engine's fastest kept (default 3, 1 with --quick)")
    ap.add_argument("--no-docs", action="store_true", help="do not write docs/BENCHMARKS.md")
    ap.add_argument("--no-build", action="store_true", help="use the binaries already in --build")
    ap.add_argument("--corpora", type=Path, default=B.DEFAULT_CORPORA)
    ap.add_argument("--build", type=Path, default=B.DEFAULT_BUILD)
    ap.add_argument("--work", type=Path, default=None, help="default: BUILD/bench-work (BUILD/bench-quick with --quick)")
    ap.add_argument("--no-plots", action="store_true", help="skip the size sweep and its picture")
    ap.add_argument("--plots", type=Path, default=None,
                    help="where index-throughput.png (and .json) go: docs/img when docs/BENCHMARKS.md is written, "
                         "else WORK")
    args = ap.parse_args()
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    B.skip_without_corpora(args.corpora, ("reuters21578",) + (() if args.no_scale else ("gutenberg",)))
    work = args.work or args.build / ("bench-quick" if args.quick else "bench-work")
    work.mkdir(parents=True, exist_ok=True)
    info = B.machine_info()
    indexer, _ = B.build_folio(args.build, rebuild=not args.no_build)
    lucene = B.build_lucene(args.build)
    floor = B.build_writer_floor(args.build)
    jsonl = B.reuters_jsonl(work, args.corpora, 1000 if args.quick else None)

    results, folio = reuters_run(args, indexer, lucene, floor, work, jsonl)
    t1 = reuters_table(results, folio)
    tl = targets(results, folio)
    print("\n## Indexing Reuters-21578" + (" (quick: first 1,000 articles)" if args.quick else "") + "\n")
    print(t1 + "\n\n" + "\n".join(tl))

    t2 = ""
    if not args.no_scale:
        sizes = [1, 3] if args.quick else [15, 50, None]
        scale = scale_run(args, indexer, work, sizes)
        t2 = scale_table(scale)
        print("\n## Scale run (Folio, Gutenberg)\n\n" + t2)
        if scale:
            worst = min(r["bytes"] / r["seconds"] for r in scale) / (scale[0]["bytes"] / scale[0]["seconds"])
            verdict = "met" if worst >= 0.7 else "MISSED"
            tl2 = f"- throughput within 30% of the smallest run's: lowest is {worst:.2f}x: **{verdict}**"
            print(tl2)
            t2 += "\n\n" + tl2

    if not args.no_plots:
        # Throughput against corpus size: every engine on prefixes of the same Reuters file.
        sizes = [250, 500] if args.quick else [2000, 5000, 10000]
        sweep = sweep_run(indexer, lucene, work, jsonl, sizes)
        plots_dir = args.plots or (work if args.quick or args.no_docs else B.REPO / "docs" / "img")
        note = (f"bench/index_bench.py{' --quick' if args.quick else ''}, {info['date']}, {info['nproc']} CPUs "
                f"({info['cpu']}), load {info['load'][0]:.1f}; first {', '.join(map(str, sizes))} and {results[0]['articles']:,} articles")
        draw_index(results, sweep, plots_dir / "index-throughput.png", note)

    load_end = os.getloadavg()
    if args.quick or args.no_docs:
        return
    cmd = "bench/index_bench.py" + (" --no-scale" if args.no_scale else "")
    section = f"""## Indexing

Run: `{cmd}` (after `scripts/setup-bench.sh`), {B.machine_line(info, load_end)}.
Reuters-21578 as made by `scripts/reuters_to_jsonl.py`: {results[0]['articles']:,} articles,
{results[0]['bytes'] / 1e6:.1f} MB of title+body text (MB = 10^6 bytes). Every engine stems (English Porter/Snowball)
and keeps positions; each builds its index anew. The engines run in turn, {args.repeat} rounds over all of
them, so that the machine's drift (it is a shared virtual machine) touches each alike; a row is the
engine's fastest run ("Every run s" lists them all). "Time / Folio's" is the engine's wall time over
plain Folio's (above 1: Folio is faster). Peak RSS from GNU `time -v`.
The row "Xapian's writer alone" is not an indexer but the floor under every indexer built on Xapian 1.4:
`bench/xapian/writer_floor` generates the articles' terms in memory first (Xapian's TermGenerator: the
same stems with positions, the title also prefixed), and its time is the writer's alone: one thread per CPU
adding the documents to a part each with Folio's writer settings, and the compaction of the parts (no
stored text, no spelling; its peak RSS includes the documents held in memory).
Commands (DB paths shortened):

""" + "\n".join(f"- {r['engine']}: `{short(r['cmd'], args.build)}`" for r in results) + f"""

{t1}

Targets (issue "The indexer for real use"; the best Folio row other than --no-spelling):

""" + "\n".join(tl) + "\n"
    if t2:
        section += f"""
### Scale run: Folio on the Gutenberg slice

Books from `../shared/corpora/gutenberg` split into ~5 KB articles by `scripts/gutenberg_to_jsonl.py --max-mb N`
(all of it for the last row); Folio's default settings except `--max-file-size 0`
(`folio-indexer --db DB --json --max-file-size 0 FILE`: the whole slice is one JSONL file, which the default 100M limit refuses).

{t2}
"""
    B.write_doc_section("index-bench", section)


def short(cmd, build):
    return cmd.replace(str(build) + "/", "build-bench/").replace(str(B.REPO) + "/", "").replace(sys.executable, "python3")


if __name__ == "__main__":
    main()
