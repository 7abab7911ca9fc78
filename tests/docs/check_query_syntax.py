#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs the examples of docs/QUERY-SYNTAX.md and checks they print what the page says.

  check_query_syntax.py INDEXER SEARCHER QUERY-SYNTAX.md CORPUS

Indexes CORPUS into a scratch database with the synonyms line `defence, defense` stored, then
runs every `$ searcher ARGS` line of the page's console blocks as `searcher --db DB ARGS` and
compares its output (standard output and error) with the lines below it. Exit status 0 when
every example holds, 1 otherwise (each difference printed with its line in the page).
"""
import shlex
import shutil
import subprocess
import sys
import tempfile


def examples(page):
    """(line number, argument list, expected output lines) of each `$ searcher` line."""
    out, in_console, current = [], False, None
    for number, line in enumerate(open(page, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if line.startswith("```"):
            in_console = line == "```console"
            current = None
            continue
        if not in_console:
            continue
        if line.startswith("$ "):
            words = shlex.split(line[2:])
            if words[0] != "folio-searcher":
                raise SystemExit(f"{page}:{number}: only folio-searcher examples can be checked")
            current = (number, words[1:], [])
            out.append(current)
        elif current is not None:
            current[2].append(line)
    return out


def main(argv):
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    indexer, searcher, page, corpus = argv[1:]
    cases = examples(page)
    if not cases:
        print(f"{page}: no examples found")
        return 1
    work = tempfile.mkdtemp(prefix="folio-query-syntax-")
    failures = 0
    try:
        db = f"{work}/db"
        with open(f"{work}/synonyms.txt", "w", encoding="utf-8") as f:
            f.write("defence, defense\n")
        subprocess.run([indexer, "--quiet", "--db", db, "--synonyms", f"{work}/synonyms.txt", corpus],
                       check=True)
        for number, args, expected in cases:
            r = subprocess.run([searcher, "--db", db, "--color", "never", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            got = r.stdout.rstrip("\n").split("\n")
            if got != expected:
                failures += 1
                print(f"{page}:{number}: folio-searcher {shlex.join(args)}\n  expected: {expected}\n"
                      f"  got:      {got} (exit status {r.returncode})")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(cases)} examples, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
