#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Convert the CISI test collection into Folio JSONL + queries + TREC qrels.

Input:  <corpora>/cisi/CISI.ALL (SMART format: .I .T .A .B .W .X ...), CISI.QRY (.I .W, some also
        .T .A .B), CISI.REL ("query doc 0 0.000000"; every listed pair is relevant).
Output: DIR/docs.jsonl   1,460 records: id (the .I number), title, authors (one per .A line),
                         body (the .W abstract re-flowed: wrapped lines joined; lines indented by
                         2+ spaces start a paragraph), source "cisi", language "english".
                         Citation data (.X) and the year (.B) are not kept.
        DIR/queries.tsv  "qid<TAB>text" with the .I number as qid; the text is the .W field,
                         preceded by the .T title for the 55 queries that have one.
        DIR/qrels.txt    "qid 0 docid 1" for every pair in CISI.REL (76 of the 112 queries are judged).

Usage: cisi_to_jsonl.py --out-dir DIR [--corpora DIR]
"""

import argparse
from pathlib import Path

from folio_data import add_corpora_argument, collapse_ws, parse_smart, read_text, reflow, report, write_ir_collection

PROG = "cisi_to_jsonl"


def lines(fields, key):
    """All text lines of every occurrence of a field."""
    return [line for value in fields.get(key, []) for line in value]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", type=Path, required=True, help="output folder")
    add_corpora_argument(parser)
    args = parser.parse_args()
    src = args.corpora / "cisi"

    docs = []
    for doc_id, fields in parse_smart(read_text(src / "CISI.ALL"))[0]:
        doc = {
            "id": doc_id,
            "title": collapse_ws(" ".join(lines(fields, "T"))),
            "body": reflow(lines(fields, "W"), indent=2),
            "source": "cisi",
            "language": "english",
        }
        authors = [collapse_ws(a) for a in lines(fields, "A") if a.strip()]
        if authors:
            doc["authors"] = authors
        docs.append(doc)

    queries = [
        (qid, " ".join(lines(fields, "T") + lines(fields, "W")))
        for qid, fields in parse_smart(read_text(src / "CISI.QRY"))[0]
    ]

    qrels, seen, duplicates = [], set(), 0
    for line in read_text(src / "CISI.REL").splitlines():
        if line.strip():
            qid, docid = line.split()[:2]
            duplicates += (qid, docid) in seen
            if (qid, docid) not in seen:
                seen.add((qid, docid))
                qrels.append((qid, docid, 1))

    report(PROG, write_ir_collection(args.out_dir, docs, queries, qrels) + [
        ("documents with an empty abstract", sum(1 for d in docs if not d["body"])),
        ("duplicate judgment lines dropped", duplicates),
    ])


if __name__ == "__main__":
    main()
