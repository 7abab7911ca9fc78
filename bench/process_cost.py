#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Where the time of a process per query goes: Folio's searcher against Xapian's quest, in one run.

A script that calls `folio-searcher QUERY` once per query pays for starting a program, loading its
libraries and parsing its command line before any search. This splits a process's wall time into
start-up and search by timing, in turn, round after round (so that the machine's drift touches
every row alike):
  /bin/true                              starting any program at all
  quest --version                        quest's start-up: libxapian loaded, command line parsed
  searcher --version                     Folio's: libxapian loaded, every option of the command line
                                         built (CLI11), the version printed
  quest -d DB -m 10 QUERY                a search, top 10 (no passages: quest has none)
  searcher --db DB --limit 10 QUERY      a search, top 10 with a passage per hit (the default)
  searcher --db DB --limit 10 --passages 0 QUERY   the same without passages
  searcher --db DB --count QUERY         the number of matches alone
QUERY takes turns among a fixed list of word queries. Reported: p50 and p25 of each row (ms, wall
time as Python's subprocess sees it), the p50 over the queries of one or two words and over those
of three (Folio's default ranking adds a feedback round from three words on), and the search part
(a row's p50 less its program's --version p50). --baseline SEARCHER adds a row for another build
of the searcher (e.g. the previous commit's), measured in the same rounds. Written between the
process-cost markers of docs/BENCHMARKS.md.

Needs bench/index_bench.py's Reuters indexes (Folio's and scriptindex's) in the work folder;
exits 0 printing "skipped: ..." without them.

Usage: bench/process_cost.py [--rounds N] [--no-docs] [--build DIR] [--work DIR] [--baseline SEARCHER]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as B  # noqa: E402

QUERIES = ["oil prices", "coffee export", "bank rate cut", "gold", "wheat tonnes", "crude oil output",
           "dollar yen", "profit rose"]


def main():
    ap = argparse.ArgumentParser(description="Folio's process-per-query cost (see the docstring)")
    ap.add_argument("--rounds", type=int, default=400)
    ap.add_argument("--no-docs", action="store_true", help="do not write docs/BENCHMARKS.md")
    ap.add_argument("--build", type=Path, default=B.DEFAULT_BUILD)
    ap.add_argument("--work", type=Path, default=None, help="default: BUILD/bench-work")
    ap.add_argument("--baseline", type=Path, default=None,
                    help="another searcher program to time beside this build's (e.g. an older commit's)")
    args = ap.parse_args()
    work = args.work or args.build / "bench-work"
    folio_db, xapian_db = work / "index" / "folio", work / "index" / "xapian"
    searcher = args.build / "searcher" / "folio-searcher"
    if not (folio_db.is_dir() and xapian_db.is_dir() and searcher.exists()):
        print(f"skipped: no Reuters indexes in {work / 'index'} (run bench/index_bench.py first)")
        return
    if not shutil.which("quest"):
        print("skipped: quest is not installed (Debian package xapian-tools)")
        return
    info = B.machine_info()
    rows = [
        ("/bin/true", ["/bin/true"], False),
        ("quest --version", ["quest", "--version"], False),
        ("folio-searcher --version", [searcher, "--version"], False),
        ("quest -d DB -m 10 QUERY", ["quest", "-d", xapian_db, "-m", "10"], True),
        ("folio-searcher --db DB --limit 10 QUERY", [searcher, "--db", folio_db, "--limit", "10"], True),
        ("folio-searcher --db DB --limit 10 --passages 0 QUERY",
         [searcher, "--db", folio_db, "--limit", "10", "--passages", "0"], True),
        ("folio-searcher --db DB --count QUERY", [searcher, "--db", folio_db, "--count"], True),
    ]
    if args.baseline:
        if not args.baseline.exists():
            sys.exit(f"process_cost: error: {args.baseline} not found")
        rows.append(("baseline folio-searcher --db DB --limit 10 QUERY",
                     [args.baseline, "--db", folio_db, "--limit", "10"], True))
    times = {name: [] for name, _, _ in rows}
    words = []  # the number of words of each round's query
    with open(os.devnull, "w") as devnull:
        for r in range(args.rounds):
            words.append(len(QUERIES[r % len(QUERIES)].split()))
            for name, cmd, takes_query in rows:
                argv = [str(c) for c in cmd] + ([QUERIES[r % len(QUERIES)]] if takes_query else [])
                start = time.perf_counter()
                p = subprocess.Popen(argv, stdout=devnull)
                _, status, _ = os.wait4(p.pid, 0)
                elapsed = time.perf_counter() - start
                if os.waitstatus_to_exitcode(status) not in (0, 1):
                    sys.exit(f"process_cost: error: {' '.join(argv)} failed")
                times[name].append(elapsed * 1000)
    load_end = os.getloadavg()
    p50 = {name: statistics.median(t) for name, t in times.items()}
    startup = {"quest": p50["quest --version"], "folio-searcher": p50["folio-searcher --version"]}
    def p50_of(name, keep):
        picked = [t for t, n in zip(times[name], words) if keep(n)]
        return f"{statistics.median(picked):.2f}" if picked else "-"

    table = []
    for name, _, takes_query in rows:
        program = "folio-searcher" if name.startswith("baseline") else name.split()[0]
        search = f"{p50[name] - startup[program]:.2f}" if takes_query else "-"
        short = p50_of(name, lambda n: n <= 2) if takes_query else "-"
        long = p50_of(name, lambda n: n >= 3) if takes_query else "-"
        table.append([f"`{name}`", f"{p50[name]:.2f}", f"{statistics.quantiles(times[name], n=4)[0]:.2f}",
                      short, long, search])
    text = B.md_table(["Process", "p50 ms", "p25 ms", "p50, 1-2 words", "p50, 3 words",
                       "Search ms (p50 less --version's)"], table)
    gap = p50["folio-searcher --db DB --limit 10 QUERY"] - p50["quest -d DB -m 10 QUERY"]
    gap_start = startup["folio-searcher"] - startup["quest"]
    summary = (f"Folio's process per query takes {gap:.2f} ms more than quest's (p50); {gap_start:.2f} ms of it "
               f"is start-up (the --version rows), the rest the search, passages included.")
    if args.baseline:
        base = p50["baseline folio-searcher --db DB --limit 10 QUERY"]
        summary += (f" The baseline searcher ({args.baseline.name}) takes {base:.2f} ms, "
                    f"{base - p50['folio-searcher --db DB --limit 10 QUERY']:.2f} ms more than this build.")
    print(text + "\n\n" + summary)
    if args.no_docs:
        return
    baseline_arg = f" --baseline {args.baseline}" if args.baseline else ""
    B.write_doc_section("process-cost", f"""## A process per query: start-up and search

`python3 bench/process_cost.py{baseline_arg}` ({args.rounds} rounds; {B.machine_line(info, load_end)}). Every row is one
process, run in turn with the others round after round, its wall time as a script sees it; the
queries take turns among {len(QUERIES)} word queries on Reuters-21578 (the indexes of `bench/index_bench.py`).

{text}

{summary}
""")


if __name__ == "__main__":
    main()
