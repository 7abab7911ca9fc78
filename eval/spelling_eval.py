#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""How well "did you mean" corrects real misspellings on Reuters-21578, and how often it
"corrects" a word that was right.

Converts Reuters-21578 (scripts/reuters_to_jsonl.py), indexes it with `folio-indexer` into a work
folder (kept, so that a second run with another searcher reuses it), and sends through
`folio-searcher --batch` (one process):

- each misspelling of tests/data/spelling/misspellings.tsv (real common English misspellings,
  with the correct word): corrected when the suggestion is the correct word; a wrong suggestion
  when it is another word; missed when there is none. Counted apart for the misspellings that
  occur in Reuters (the case where a plain "not in the index" rule stays silent) and those that
  do not;
- each correct word of that list, and each "rare correct word" (a word of at least 3 letters
  used in at least 3 of the bundled State of the Union addresses, corpus/sotu, so not a typo,
  and found in 1 to 50 Reuters articles, where a frequency rule could go wrong): wrongly
  corrected when any suggestion comes back.

Usage:
  python3 eval/spelling_eval.py [--searcher PATH] [--indexer PATH] [--corpora DIR]
                                [--work DIR] [--list FILE] [--show N]

Skips (prints "skipped: ...", exit 0) when Reuters-21578 is absent from the corpora folder.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import run_eval  # the same directory: its search for the programs

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
DEFAULT_LIST = REPO / "tests" / "data" / "spelling" / "misspellings.tsv"
PROG = "spelling_eval"
RARE_MAX = 50


def find_binary(name, given):
    return run_eval.find_binary(name, given, PROG)


def run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if proc.returncode not in (0, 1):
        sys.exit(f"{PROG}: error: {' '.join(map(str, cmd))} failed ({proc.returncode}):\n"
                 f"{proc.stderr.strip()}")
    return proc


def read_list(path):
    pairs = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            wrong, sep, right = line.partition("\t")
            if not sep or not wrong or not right or wrong == right:
                sys.exit(f"{PROG}: error: {path}:{number}: expected 'misspelling<TAB>correct word'")
            pairs.append((wrong.lower(), right.lower()))
    return pairs


def sotu_words():
    """Words used in at least 3 of the bundled addresses (so not typos), lower case."""
    seen = Counter()
    for path in sorted((REPO / "corpus" / "sotu").glob("*.md")):
        text = path.read_text(encoding="utf-8").lower()
        text = text.split("\n---\n", 1)[-1]  # after the front matter
        seen.update(set(re.findall(r"(?<![\w'])[a-z]{3,}(?![\w'])", text)))
    return sorted(w for w, n in seen.items() if n >= 3)


def batch(searcher, db, queries):
    """The batch answer (parsed JSON) for each query, in order."""
    proc = run([str(searcher), "--db", str(db), "--batch", "--limit", "1", "--passages", "0"],
               input="".join(q + "\n" for q in queries))
    answers = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    if len(answers) != len(queries):
        sys.exit(f"{PROG}: error: {len(queries)} queries, {len(answers)} answers")
    return answers


def count_of(answer):
    total = answer.get("total") or {}
    return total.get("estimated", 0) if isinstance(total, dict) else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--searcher")
    parser.add_argument("--indexer")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--work", type=Path, help="work folder (default: build/spelling-eval)")
    parser.add_argument("--list", type=Path, default=DEFAULT_LIST)
    parser.add_argument("--show", type=int, default=20, help="examples listed per outcome")
    args = parser.parse_args()

    reuters = args.corpora / "reuters21578"
    if not (reuters / "reut2-000.sgm").is_file():
        print(f"skipped: Reuters-21578 not found in {args.corpora}")
        return
    searcher = find_binary("searcher", args.searcher)
    pairs = read_list(args.list)
    work = args.work or REPO / "build" / "spelling-eval"
    work.mkdir(parents=True, exist_ok=True)
    db = work / "reuters-db"
    if not (db / "XAPIANDB").exists():
        indexer = find_binary("indexer", args.indexer)
        jsonl = work / "reuters.jsonl"
        run([sys.executable, str(REPO / "scripts" / "reuters_to_jsonl.py"), "--corpora",
             str(args.corpora), "-o", str(jsonl)])
        run([str(indexer), "--db", str(db), "-q", str(jsonl)])

    wrongs = [w for w, _ in pairs]
    rights = sorted({r for _, r in pairs})
    probe = [w for w in sotu_words() if w not in set(rights)]
    answers = batch(searcher, db, wrongs + rights + probe)
    by_wrong = answers[:len(wrongs)]
    by_right = dict(zip(rights, answers[len(wrongs):len(wrongs) + len(rights)]))
    by_probe = answers[len(wrongs) + len(rights):]

    outcome = {True: Counter(), False: Counter()}  # misspelling in Reuters? -> outcome counts
    examples = {}
    same_articles = []  # missed, but found the correct word's articles (the same stem)
    for (wrong, right), answer in zip(pairs, by_wrong):
        present = count_of(answer) > 0
        if count_of(by_right[right]) == 0:
            kind = "correct word not in Reuters"
        else:
            suggestion = (answer.get("suggestion") or "").lower()
            kind = ("corrected" if suggestion == right
                    else "wrong suggestion" if suggestion else "missed")
            if kind == "wrong suggestion":
                wrong_note = f"{wrong} -> {suggestion} (not {right})"
                examples.setdefault(kind, []).append(wrong_note)
            elif kind == "missed":
                examples.setdefault(kind, []).append(f"{wrong} ({count_of(answer)} articles)")
                if count_of(answer) == count_of(by_right[right]):
                    same_articles.append(wrong)
        outcome[present][kind] += 1

    def wrongly(words_answers):
        out = []
        for word, answer in words_answers:
            if answer.get("suggestion"):
                out.append(f"{word} ({count_of(answer)}) -> {answer['suggestion']}")
        return out

    right_fp = wrongly((w, by_right[w]) for w in rights if count_of(by_right[w]) > 0)
    rights_present = sum(1 for w in rights if count_of(by_right[w]) > 0)
    rare = [(w, a) for w, a in zip(probe, by_probe) if 1 <= count_of(a) <= RARE_MAX]
    rare_fp = wrongly(rare)

    print(f"searcher: {searcher}")
    print(f"misspellings: {len(pairs)} ({args.list.relative_to(REPO) if args.list.is_relative_to(REPO) else args.list})")
    for present, label in ((True, "occur in Reuters"), (False, "not in Reuters")):
        c = outcome[present]
        usable = sum(c.values()) - c["correct word not in Reuters"]
        print(f"  {label}: {sum(c.values())} ({c['correct word not in Reuters']} whose correct "
              f"word is not in Reuters either); of the other {usable}: corrected "
              f"{c['corrected']}, wrong suggestion {c['wrong suggestion']}, "
              f"missed {c['missed']}")
    total = outcome[True] + outcome[False]
    usable = sum(total.values()) - total["correct word not in Reuters"]
    print(f"  all: corrected {total['corrected']} of {usable} "
          f"({100.0 * total['corrected'] / max(usable, 1):.0f}%), wrong suggestion "
          f"{total['wrong suggestion']}, missed {total['missed']}")
    print(f"  missed, but the search finds the correct word's articles (the same stem): "
          f"{len(same_articles)}")
    print(f"correct words of the list in Reuters: {rights_present}; wrongly corrected: "
          f"{len(right_fp)}")
    print(f"rare correct words (in >= 3 addresses of corpus/sotu, in 1-{RARE_MAX} Reuters "
          f"articles): {len(rare)}; wrongly corrected: {len(rare_fp)} "
          f"({100.0 * len(rare_fp) / max(len(rare), 1):.1f}%)")
    for kind in ("wrong suggestion", "missed"):
        if examples.get(kind):
            print(f"{kind}: " + ", ".join(examples[kind][:args.show]))
    if right_fp:
        print("correct words corrected: " + ", ".join(right_fp[:args.show]))
    if rare_fp:
        print("rare correct words corrected: " + ", ".join(rare_fp[:args.show]))


if __name__ == "__main__":
    main()
