#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Convert the Cranfield 1400 test collection into Folio JSONL + queries + TREC qrels.

Input:  <corpora>/cranfield/cran.all.1400 (SMART format: .I .T .A .B .W), cran.qry (.I .W),
        cranqrel ("query doc code"), see cranqrel.readme.
Output: DIR/docs.jsonl   1,400 records: id (the .I number), title, authors (the .A line split at
                         " and "; omitted when empty), body (the .W abstract re-flowed: wrapped
                         lines joined; lines indented by 2+ spaces start a paragraph, a single
                         leading space is a wrapping artefact), source "cranfield", language
                         "english". Stray ".A"/".B"/".W" lines inside an abstract (documents 240,
                         576, 578) are dropped, their text kept. Documents 471 and 995 are empty.
        DIR/queries.tsv  "qid<TAB>text"; queries numbered 1..225 in file order (as cranqrel
                         numbers them), not by their .I numbers (001..365).
        DIR/qrels.txt    "qid 0 docid rel" with graded rel, higher = more relevant:
                         code 1 (complete answer) -> 4, 2 -> 3, 3 -> 2, 4 (minimum interest) -> 1;
                         codes -1 and 5 (no interest) -> 0 (judged non-relevant).

Usage: cranfield_to_jsonl.py --out-dir DIR [--corpora DIR]
"""

import argparse
from pathlib import Path

from folio_data import add_corpora_argument, collapse_ws, parse_smart, read_text, reflow, report, write_ir_collection

PROG = "cranfield_to_jsonl"
GRADES = {1: 4, 2: 3, 3: 2, 4: 1, 5: 0, -1: 0}


def first(fields, key):
    return fields.get(key, [[]])[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", type=Path, required=True, help="output folder")
    add_corpora_argument(parser)
    args = parser.parse_args()
    src = args.corpora / "cranfield"

    records, stray = parse_smart(read_text(src / "cran.all.1400"), final_field="W")
    docs = []
    for doc_id, fields in records:
        doc = {
            "id": doc_id,
            "title": collapse_ws(" ".join(first(fields, "T"))),
            "body": reflow(first(fields, "W"), indent=2),
            "source": "cranfield",
            "language": "english",
        }
        authors = [collapse_ws(a) for a in " ".join(first(fields, "A")).split(" and ") if a.strip()]
        if authors:
            doc["authors"] = authors
        docs.append(doc)

    query_records, _ = parse_smart(read_text(src / "cran.qry"))
    queries = [(str(n), " ".join(first(fields, "W"))) for n, (_, fields) in enumerate(query_records, 1)]

    qrels = []
    for line in read_text(src / "cranqrel").splitlines():
        if line.strip():
            qid, docid, code = line.split()
            qrels.append((qid, docid, GRADES[int(code)]))

    counts = write_ir_collection(args.out_dir, docs, queries, qrels)
    report(PROG, counts + [
        ("documents with an empty abstract", sum(1 for d in docs if not d["body"])),
        ("stray field markers dropped", stray),
    ])


if __name__ == "__main__":
    main()
