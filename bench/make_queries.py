#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate the query sets of Folio's query benchmark from the Reuters-21578 JSONL, with a fixed seed.

Output (in OUT_DIR): words.txt, phrases.txt, boolean.txt, one query a line, in the syntax that
Folio, Xapian's QueryParser (quest) and Lucene's query parser share: loose words (combined with OR),
"double-quoted phrases", AND, OR, AND NOT and parentheses. bench/benchlib.py's to_fts5() turns them
into FTS5 syntax (loose words joined by OR, AND NOT written NOT).

  words    1-3 words (60% one, 30% two, 10% three), each drawn from the body vocabulary (alphabetic
           words of 3+ letters, no stop words, in at least 2 articles) with weight sqrt(document
           frequency), so every query has hits and common words come up more often than rare ones
  phrases  2-4 consecutive words really occurring in a randomly chosen body: alphabetic words with
           only spaces between them (no punctuation), at least two of them not stop words
  boolean  a AND b | a OR b | a AND NOT b | (a OR b) AND c | a AND (b OR c) |
           (a AND b) OR (c AND d) | (a OR b) AND NOT c, where the ANDed words come from one article
           (so AND has hits) and the NOTed or ORed others from the whole vocabulary
Words are lower case and never one of the operator words (and, or, not, near, adj, ...).

Usage: make_queries.py REUTERS.jsonl OUT_DIR [--seed N] [--words N] [--phrases N] [--boolean N]
"""

import argparse
import collections
import json
import math
import random
import re
from pathlib import Path

# Lucene's StandardAnalyzer stop set plus common function words; the operator words of every syntax.
STOP = set("""a an and are as at be but by for if in into is it no not of on or such that the their then
there these they this to was will with from has have had he she his her its were been which who whom what
when where why how would could should may might can do does did said say says we you your our us i me my
mr mrs also than more most other some any all one two about over after before up down out so""".split())
OPERATORS = {"and", "or", "not", "near", "adj", "xor", "to"}
WORD = re.compile(r"^[a-z]{3,}$")
ALPHA = re.compile(r"^[A-Za-z]+$")


def load(jsonl):
    bodies = []
    with open(jsonl, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                bodies.append(json.loads(line).get("body") or "")
    return bodies


def vocabulary(bodies):
    df = collections.Counter()
    doc_words = []
    for body in bodies:
        words = {w for w in (t.strip(".,;:\"'()!?").lower() for t in body.split()) if WORD.match(w)}
        words -= STOP | OPERATORS
        df.update(words)
        doc_words.append(sorted(words))
    vocab = sorted(w for w, n in df.items() if n >= 2)
    weights = [math.sqrt(df[w]) for w in vocab]
    return df, vocab, weights, doc_words


def make_words(rng, n, vocab, weights):
    out = []
    for _ in range(n):
        k = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
        out.append(" ".join(rng.choices(vocab, weights=weights, k=k)))
    return out


def make_phrases(rng, n, bodies):
    out, seen = [], set()
    while len(out) < n:
        tokens = rng.choice(bodies).split()
        if len(tokens) < 4:
            continue
        k = rng.choice([2, 3, 4])
        i = rng.randrange(0, len(tokens) - k + 1)
        run = tokens[i:i + k]
        if not all(ALPHA.match(t) for t in run):
            continue
        words = [t.lower() for t in run]
        if any(w in OPERATORS for w in words) or sum(w not in STOP and len(w) > 2 for w in words) < 2:
            continue
        q = '"' + " ".join(words) + '"'
        if q not in seen:
            seen.add(q)
            out.append(q)
    return out


def make_boolean(rng, n, vocab, weights, doc_words, df):
    forms = ["{a} AND {b}", "{a} OR {x}", "{a} AND NOT {x}", "({a} OR {x}) AND {b}", "{a} AND ({b} OR {x})",
             "({a} AND {b}) OR ({x} AND {y})", "({a} OR {b}) AND NOT {x}"]
    out = []
    while len(out) < n:
        words = [w for w in rng.choice(doc_words) if df[w] >= 2]
        if len(words) < 2:
            continue
        a, b = rng.sample(words, 2)
        x, y = rng.choices(vocab, weights=weights, k=2)
        if len({a, b, x, y}) < 4:
            continue
        out.append(forms[len(out) % len(forms)].format(a=a, b=b, x=x, y=y))
    rng.shuffle(out)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("jsonl", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=21578)
    ap.add_argument("--words", type=int, default=1000)
    ap.add_argument("--phrases", type=int, default=1000)
    ap.add_argument("--boolean", type=int, default=200)
    args = ap.parse_args()
    bodies = load(args.jsonl)
    df, vocab, weights, doc_words = vocabulary(bodies)
    args.out.mkdir(parents=True, exist_ok=True)
    sets = {
        "words": make_words(random.Random(args.seed), args.words, vocab, weights),
        "phrases": make_phrases(random.Random(args.seed + 1), args.phrases, bodies),
        "boolean": make_boolean(random.Random(args.seed + 2), args.boolean, vocab, weights, doc_words, df),
    }
    for name, queries in sets.items():
        (args.out / f"{name}.txt").write_text("\n".join(queries) + "\n", encoding="utf-8")
        print(f"make_queries: {len(queries)} {name} queries -> {args.out / (name + '.txt')}")


if __name__ == "__main__":
    main()
