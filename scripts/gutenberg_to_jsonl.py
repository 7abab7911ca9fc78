#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Split Project Gutenberg books into ~5 KB articles as Folio JSONL (for scale benchmarks).

Input:  <corpora>/gutenberg/<Author>__<Title>.txt (401 books; UTF-8, else read as cp1252; CRLF, CR
        or LF line ends) and MANIFEST.tsv, whose second column gives the original
        "<Author, Name>/<Title>.txt" path (used for readable titles and author names; without it
        they are derived from the file name).
Output: JSONL on stdout or -o FILE. The Project Gutenberg header and footer are removed where
        found ("*** START OF ..." or the older "*END*THE SMALL PRINT!..." line; "*** END OF ..." or
        "End of [the|this] Project Gutenberg ..."). The text is split at paragraph (blank-line)
        boundaries into chunks of about 5,000 bytes; each is a record with id "<file stem>#<n>",
        title "<Book Title> (part n)", authors ["<Author Name>"], source "gutenberg",
        language "english", body.
        --max-mb N stops after N MB (1 MB = 1,000,000 bytes of UTF-8 body text): whole books in
        sorted file-name order, then stopping after the chunk that crosses N MB.

Usage: gutenberg_to_jsonl.py [--corpora DIR] [-o FILE] [--max-mb N]
"""

import argparse
import re

from folio_data import JsonlWriter, add_corpora_argument, open_output, read_text, report

PROG = "gutenberg_to_jsonl"
TARGET = 5000  # bytes per chunk (a chunk ends at the first paragraph end at or after this)
MIN_LAST = 1000  # a shorter final chunk is merged into the one before
START = re.compile(r"^(\*{3}\s*START OF (THIS|THE) PROJECT GUTENBERG|\*END\*THE SMALL PRINT)", re.I | re.M)
END = re.compile(r"^(\*{3}\s*END OF (THIS|THE) PROJECT GUTENBERG|End of (the |this )?Project Gutenberg)", re.I | re.M)
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def author_name(folder):
    """'Alcott, Louisa May' -> 'Louisa May Alcott'; 'Alger, Horatio, Jr.' -> 'Horatio Alger Jr.'."""
    parts = [p.strip() for p in re.sub(r"\s*\(.*?\)", "", folder).split(",")]
    if len(parts) == 1:
        return parts[0]
    name = f"{parts[1]} {parts[0]}"
    for extra in parts[2:]:
        if extra in ("Jr.", "Sr."):
            name += f" {extra}"
        elif extra == "Sir":
            name = f"Sir {name}"
    return name


def book_names(folder):
    """file name -> (title, author) from MANIFEST.tsv, if there is one."""
    manifest = folder / "MANIFEST.tsv"
    names = {}
    if manifest.exists():
        for line in read_text(manifest).splitlines():
            fields = line.split("\t")
            if len(fields) > 1 and "/" in fields[1]:
                author, title = fields[1].rsplit("/", 1)
                names[fields[0]] = (title.removesuffix(".txt"), author_name(author))
    return names


def strip_boilerplate(text):
    """Cut the Project Gutenberg header and footer. Returns (text, header found, footer found)."""
    start = START.search(text)
    if start:
        text = text[text.find("\n", start.end()) + 1 :]
    end = END.search(text)
    if end:
        text = text[: end.start()]
    return text, bool(start), bool(end)


def split_long(paragraph):
    """Split a paragraph longer than 2 * TARGET bytes at line ends, or else at spaces."""
    sep = "\n" if paragraph.count("\n") > 1 else " "
    pieces, current = [], []
    for part in paragraph.split(sep):
        current.append(part)
        if len(sep.join(current).encode("utf-8")) >= TARGET:
            pieces.append(sep.join(current))
            current = []
    if current:
        pieces.append(sep.join(current))
    return pieces


def chunks(text):
    """Split text into chunks of about TARGET bytes at paragraph boundaries."""
    out, current, size = [], [], 0
    for paragraph in PARAGRAPH_BREAK.split(text.strip()):
        paragraph = "\n".join(line.rstrip() for line in paragraph.split("\n"))
        pieces = split_long(paragraph) if len(paragraph.encode("utf-8")) > 2 * TARGET else [paragraph]
        for piece in pieces:
            piece_size = len(piece.encode("utf-8")) + 2
            if current and size + piece_size > 2 * TARGET:  # keep chunks below ~10 KB
                out.append("\n\n".join(current))
                current, size = [], 0
            current.append(piece)
            size += piece_size
            if size >= TARGET:
                out.append("\n\n".join(current))
                current, size = [], 0
    if current:
        if out and size < MIN_LAST:
            out[-1] += "\n\n" + "\n\n".join(current)
        else:
            out.append("\n\n".join(current))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_corpora_argument(parser)
    parser.add_argument("-o", "--output", help="JSONL output file (default: stdout)")
    parser.add_argument("--max-mb", type=float, help="stop after this many MB (10^6 bytes) of body text")
    args = parser.parse_args()

    folder = args.corpora / "gutenberg"
    books = sorted(folder.glob("*__*.txt"))
    if not books:
        parser.error(f"no <Author>__<Title>.txt files in {folder}")
    names = book_names(folder)
    limit = args.max_mb * 1_000_000 if args.max_mb else None
    stream = open_output(args.output)
    writer = JsonlWriter(stream)
    body_bytes, done, headers, footers, partial = 0, 0, 0, 0, False
    for path in books:
        if limit is not None and body_bytes >= limit:
            break
        text, header, footer = strip_boilerplate(read_text(path, "cp1252"))
        headers += header
        footers += footer
        author_part, title_part = path.stem.split("__", 1)
        title, author = names.get(path.name, (title_part.replace("_", " "), author_part.replace("_", " ")))
        parts = chunks(text)
        for n, body in enumerate(parts, 1):
            writer.write({
                "id": f"{path.stem}#{n}",
                "title": f"{title} (part {n})",
                "authors": [author],
                "source": "gutenberg",
                "language": "english",
                "body": body,
            })
            body_bytes += len(body.encode("utf-8"))
            if limit is not None and body_bytes >= limit:
                partial = n < len(parts)
                break
        done += 1
    if args.output and args.output != "-":
        stream.close()
    report(PROG, [
        ("books available", len(books)),
        ("books used", done if not partial else f"{done} (the last one in part)"),
        ("headers stripped", headers),
        ("footers stripped", footers),
        ("articles written", writer.records),
        ("body text", f"{body_bytes:,} bytes ({body_bytes / 1e6:.2f} MB)"),
        ("JSONL bytes", writer.bytes),
        ("output", args.output or "stdout"),
    ])


if __name__ == "__main__":
    main()
