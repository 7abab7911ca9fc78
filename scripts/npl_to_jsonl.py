#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Convert the NPL (Vaswani) test collection into Folio JSONL + queries + TREC qrels.

Input:  <corpora>/npl/doc-text.trec (<DOC> <DOCNO>N</DOCNO> text </DOC>; no titles),
        query-text.trec (<top> <num>N</num><title> text </title> </top>),
        qrels ("query 0 doc 1"; every listed pair is relevant).
Output: DIR/docs.jsonl   11,429 records: id (the DOCNO), body (the abstract, whitespace
                         collapsed; the collection has no titles), source "npl", language
                         "english".
        DIR/queries.tsv  "qid<TAB>text" with the <num> as qid (93 queries, all judged).
        DIR/qrels.txt    "qid 0 docid 1" for every pair in qrels.

Usage: npl_to_jsonl.py --out-dir DIR [--corpora DIR]
"""

import argparse
import re
import sys
from pathlib import Path

from folio_data import add_corpora_argument, collapse_ws, read_text, report, write_ir_collection

PROG = "npl_to_jsonl"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", type=Path, required=True, help="output folder")
    add_corpora_argument(parser)
    args = parser.parse_args()
    src = args.corpora / "npl"

    docs = []
    for m in re.finditer(r"<DOC>\s*<DOCNO>\s*(\S+?)\s*</DOCNO>(.*?)</DOC>", read_text(src / "doc-text.trec"), re.S):
        docs.append({"id": m.group(1), "body": collapse_ws(m.group(2)), "source": "npl", "language": "english"})
    empty = [d["id"] for d in docs if not d["body"]]
    for d in docs:
        if not d["body"]:
            d["title"] = ""  # a record needs a title or a body; an empty abstract stays findable by id
    queries = [(m.group(1), collapse_ws(m.group(2)))
               for m in re.finditer(r"<num>\s*(\S+?)\s*</num>\s*<title>(.*?)</title>",
                                    read_text(src / "query-text.trec"), re.S)]
    if not docs or not queries:
        sys.exit(f"{PROG}: error: {src}: no documents or no queries found (expected TREC format)")

    qrels = []
    for n, line in enumerate(read_text(src / "qrels").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 4:
            sys.exit(f"{PROG}: error: {src / 'qrels'}:{n}: expected 'query 0 doc relevance'")
        qrels.append((parts[0], parts[2], int(parts[3])))

    counts = write_ir_collection(args.out_dir, docs, queries, qrels)
    report(PROG, counts + [("documents with an empty abstract", len(empty))])


if __name__ == "__main__":
    main()
