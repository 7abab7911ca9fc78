#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Convert Reuters-21578 (original SGML) into Folio JSONL, or into one .txt file per article.

Input:  <corpora>/reuters21578/reut2-000.sgm ... reut2-021.sgm (SGML, not XML; entities such as
        &lt; &amp; &#3;; UTF-8, except reut2-017.sgm which has one Latin-1 byte).
Output: JSONL (stdout, or -o FILE), one record per <REUTERS> with a <BODY> (19,043):
          id "reuters-<NEWID>", title (<TITLE>), body (<BODY> without the "Reuter" sign-off and
          control characters, wrapped lines joined, paragraphs separated by a blank line),
          date (YYYY-MM-DD from <DATE>), tags (the TOPICS codes), source "reuters21578",
          language "english".
        With --files DIR: DIR/reut2-NNN/<NEWID>.txt instead (title, blank line, date, blank line,
          body), for Folio's incremental-update benchmarks.
        With --all: also the records without <BODY> (title only; the 737 with neither title
          nor body are skipped).
The data is for research use only: do not write the output into the repository.

Usage: reuters_to_jsonl.py [--corpora DIR] [-o FILE | --files DIR] [--all]
"""

import argparse
import re
from pathlib import Path

from folio_data import JsonlWriter, add_corpora_argument, collapse_ws, decode, open_output, reflow, report, write_text

PROG = "reuters_to_jsonl"
MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), 1)}

RECORD = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
NEWID = re.compile(r'\bNEWID="(\d+)"')
DATE = re.compile(r"<DATE>\s*(\d{1,2})-([A-Z]{3})-(\d{4})")
TOPICS = re.compile(r"<TOPICS>(.*?)</TOPICS>", re.S)
D = re.compile(r"<D>(.*?)</D>", re.S)
CHAR_REF = re.compile(r"&#(\d+);")
ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
ENTITY = re.compile(r"&(lt|gt|amp|quot|apos);")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The "Reuter" sign-off (also "REUTERS", "REUTER^M", "REUTER...", "REUTER TAW", "Reuter4", ...) at the
# end of the body, on its own line or after a sentence end; some bodies have two.
SIGN_OFF = re.compile(
    r"(?:(?<=[.!?\"')\d])[ \t]+|\s*\n[ \t]*|^\s*)(?i:reuters?)(?:\^M|\.\.\.|\s?[A-Z]{1,3}\b|\d[\d:/A-Z]*)?(?:\^M)?\s*$"
)


def unescape(text):
    """Decode the entities used in the collection; character references to control codes vanish."""
    text = CHAR_REF.sub(lambda m: chr(int(m.group(1))), text)
    text = ENTITY.sub(lambda m: ENTITIES[m.group(1)], text)
    return CONTROL.sub("", text)


def clean_body(raw):
    """Drop the sign-off(s), then re-flow: returns (body, number of sign-offs removed)."""
    removed = 0
    for _ in range(2):
        raw, n = SIGN_OFF.subn("", raw.rstrip(), count=1)
        removed += n
    return reflow(raw.split("\n")), removed


def element(name, text):
    m = re.search(rf"<{name}>(.*?)</{name}>", text, re.S)
    return unescape(m.group(1)) if m else None


def parse(text):
    """Yield (newid, record, sign-offs removed) for each <REUTERS>; record["body"] is None without <BODY>."""
    for attrs, inner in RECORD.findall(text):
        newid = NEWID.search(attrs).group(1)
        day, month, year = DATE.search(inner).groups()
        topics = TOPICS.search(inner)
        body, removed = element("BODY", inner), 0
        if body is not None:
            body, removed = clean_body(body)
        yield newid, removed, {
            "id": f"reuters-{newid}",
            "title": collapse_ws(element("TITLE", inner) or ""),
            "body": body,
            "date": f"{year}-{MONTHS[month]:02d}-{int(day):02d}",
            "tags": [unescape(t) for t in D.findall(topics.group(1))] if topics else [],
            "source": "reuters21578",
            "language": "english",
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_corpora_argument(parser)
    out = parser.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", help="JSONL output file (default: stdout)")
    out.add_argument("--files", type=Path, metavar="DIR", help="write DIR/reut2-NNN/<NEWID>.txt files instead")
    parser.add_argument("--all", action="store_true", help="also records without <BODY> (title only)")
    args = parser.parse_args()

    files = sorted((args.corpora / "reuters21578").glob("reut2-*.sgm"))
    if not files:
        parser.error(f"no reut2-*.sgm files in {args.corpora / 'reuters21578'}")
    stream = None if args.files else open_output(args.output)
    writer = JsonlWriter(stream) if stream else None
    seen, latin1, no_body, skipped, body_bytes, written, sign_offs = set(), 0, 0, 0, 0, 0, 0
    for path in files:
        text, fallback = decode(path.read_bytes(), "latin-1")
        latin1 += fallback
        for newid, removed, record in parse(text):
            if newid in seen:
                raise SystemExit(f"{PROG}: duplicate NEWID {newid} in {path.name}")
            seen.add(newid)
            if record["body"] is None:
                no_body += 1
                if not args.all or not record["title"]:
                    skipped += 1
                    continue
                record["body"] = ""
            body_bytes += len(record["body"].encode("utf-8"))
            sign_offs += removed
            written += 1
            if writer:
                writer.write(record)
            else:
                content = f"{record['title']}\n\n{record['date']}\n\n{record['body']}\n"
                write_text(args.files / path.stem / f"{newid}.txt", content)
    if args.output and args.output != "-":
        stream.close()
    report(PROG, [
        ("input files", len(files)),
        ("files decoded as Latin-1", latin1),
        ("<REUTERS> records", len(seen)),
        ("records without <BODY>", no_body),
        ("records skipped", skipped),
        ("records written", written),
        ("sign-offs removed", sign_offs),
        ("total body bytes (UTF-8)", body_bytes),
        ("output", str(args.files) + "/reut2-NNN/<NEWID>.txt" if args.files else args.output or "stdout"),
    ])


if __name__ == "__main__":
    main()
