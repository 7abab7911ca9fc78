#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A process per query as a shell script pays for it: `hyperfine -N` (no shell in between),
Folio's searcher against Xapian's quest on the Reuters-21578 indexes.

bench/process_cost.py times processes from Python, whose own ~2 ms per process (fork, exec,
pipes) dilutes the ratio between two programs; hyperfine -N starts each process directly and
reports its mean wall, user and system time. Rows (400 runs each after 20 warm-up runs, by
default): --version of both programs, and the issue's queries 'oil prices' (two words) and
'bank rate cut' (three words, where Folio's feedback decision is read) with `folio-searcher --limit 10`
(a passage per hit), `folio-searcher --limit 10 --passages 0 --expand 0` (no passages, no feedback)
and `quest -m 10`. Then `strace -c -f` of one process each (when strace is installed): the
system calls a search makes and the time the kernel spends on them. Target (issue 22): the
three-word search within 1.2x of quest's mean. Written between the hyperfine markers of
docs/BENCHMARKS.md.

Needs hyperfine (scripts/setup-bench.sh) and the Reuters indexes of bench/index_bench.py (Folio's
and scriptindex's) in the work folder: WORK/index/folio and WORK/index/xapian; exits 0 printing
"skipped: ..." without them.

Usage: bench/hyperfine_cost.py [--runs N] [--no-docs] [--build DIR] [--work DIR]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as B  # noqa: E402

TARGET = 1.2


def hyperfine(commands, runs):
    """{name: (mean ms, stddev ms, user ms, system ms)} for [(name, argv)], one hyperfine run."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "h.json"
        cmd = ["hyperfine", "-N", "--runs", str(runs), "--warmup", "20", "--style", "none",
               "--export-json", str(out)]
        for name, argv in commands:
            cmd += ["--command-name", name, " ".join(shell_quote(a) for a in argv)]
        B.run_checked(cmd)
        data = json.loads(out.read_text())
    return {r["command"]: (r["mean"] * 1e3, r["stddev"] * 1e3, r["user"] * 1e3, r["system"] * 1e3)
            for r in data["results"]}


def shell_quote(arg):
    """hyperfine -N splits the command line itself, honouring quotes."""
    return arg if arg and all(c.isalnum() or c in "-_./=:" for c in arg) else "'" + arg + "'"


def strace_summary(argv):
    """(total system calls, the four most frequent as [(name, calls)]) of one process."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "s.txt"
        subprocess.run(["strace", "-c", "-f", "-o", str(out), *argv], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        rows, total = [], 0
        for line in out.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 5 and parts[0][0].isdigit() and parts[3].isdigit():
                if parts[-1] == "total":
                    total = int(parts[3])
                else:
                    rows.append((parts[-1], int(parts[3])))
        rows.sort(key=lambda r: -r[1])
        return total, rows[:4]


def main():
    ap = argparse.ArgumentParser(description="A process per query under hyperfine -N")
    ap.add_argument("--runs", type=int, default=400)
    ap.add_argument("--no-docs", action="store_true")
    ap.add_argument("--no-build", action="store_true", help="use the binaries already in --build")
    ap.add_argument("--build", type=Path, default=B.DEFAULT_BUILD)
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    work = (args.work or args.build / "bench-work").resolve()
    folio_db, xapian_db = work / "index" / "folio", work / "index" / "xapian"
    if not B.have("hyperfine"):
        print("skipped: hyperfine is not installed (scripts/setup-bench.sh)")
        return
    if not (folio_db.exists() and xapian_db.exists() and B.have("quest")):
        print(f"skipped: no Reuters indexes in {work / 'index'} (run bench/index_bench.py) or no quest")
        return
    info = B.machine_info()
    _, searcher = B.build_folio(args.build, rebuild=not args.no_build)
    s, q = str(searcher), "quest"
    commands = [
        ("folio-searcher --version", [s, "--version"]),
        ("quest --version", [q, "--version"]),
    ]
    for query in ("oil prices", "bank rate cut"):
        commands += [
            (f"folio-searcher --limit 10 '{query}'", [s, "--db", str(folio_db), "--limit", "10",
                                               "--color", "never", query]),
            (f"folio-searcher --limit 10 --passages 0 --expand 0 '{query}'",
             [s, "--db", str(folio_db), "--limit", "10", "--passages", "0", "--expand", "0",
              "--color", "never", query]),
            (f"quest -m 10 '{query}'", [q, "-d", str(xapian_db), "-m", "10", query]),
        ]
    B.log(f"hyperfine -N, {args.runs} runs of {len(commands)} commands ...")
    res = hyperfine(commands, args.runs)
    rows = [[f"`{name}`", f"{res[name][0]:.2f} ± {res[name][1]:.2f}", f"{res[name][2]:.2f}",
             f"{res[name][3]:.2f}"] for name, _ in commands]
    table = B.md_table(["Process", "Mean ms", "User ms", "System ms"], rows, ["l", "r", "r", "r"])
    checks = []
    for query in ("oil prices", "bank rate cut"):
        f, qq = res[f"folio-searcher --limit 10 '{query}'"][0], res[f"quest -m 10 '{query}'"][0]
        line = f"- '{query}': searcher {f:.2f} ms vs quest {qq:.2f} ms ({f / qq:.2f}x)"
        if len(query.split()) == 3:
            line += f": **{'met' if f <= TARGET * qq else 'MISSED'}** (target {TARGET}x)"
        checks.append(line)
    text = table + "\n\n" + "\n".join(checks)
    if B.have("strace"):
        calls = []
        for name, argv in commands[2:]:
            total, top = strace_summary(argv)
            calls.append(f"- `{name}`: {total} system calls (" +
                         ", ".join(f"{c} {n}" for n, c in top) + ")")
        text += ("\n\nSystem calls of one process each (`strace -c -f`): pread64 is a block "
                 "read of the database (Xapian does not map its tables); feedback's are the 10 "
                 "feedback documents' term lists and the term-frequency lookups of its "
                 "candidates:\n\n" + "\n".join(calls))
    print("\n## A process per query under hyperfine -N\n\n" + text)
    if args.no_docs:
        return
    section = f"""## A process per query under hyperfine -N

Run: `bench/hyperfine_cost.py` (hyperfine {args.runs} runs after 20 warm-up runs, `-N`: no shell),
{B.machine_line(info, os.getloadavg())}. Reuters-21578, the indexes of `bench/index_bench.py`.

{text}
"""
    B.write_doc_section("hyperfine", section)


if __name__ == "__main__":
    main()
