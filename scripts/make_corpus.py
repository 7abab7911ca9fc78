#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build Folio's bundled sample corpus (public-domain texts only) in corpus/.

Input  (the shared corpora folder, default ../shared/corpora relative to the repository root):
  sotu/<year>_<president>_<party>.txt   233 State of the Union addresses, one long line each
  dod-news/<name>.txt                   the DoD News sample article
Output (default <repository>/corpus):
  sotu/<year>_<president>.md            one Markdown file per address, with YAML front matter
                                        (id, title, date, author, tags, source, lang); the speech
                                        is split into paragraphs at sentence ends, words unchanged
  dod-news/<name>.txt                   copy, its relative date line ("1 year ago") replaced
                                        by the article's date (DOD_DATES)
docs/CORPUS.md (the description) is maintained by hand and is not touched.

Usage: python3 scripts/make_corpus.py [CORPORA_DIR] [--out DIR]
"""

import argparse
import re
from collections import defaultdict
from pathlib import Path

from folio_data import REPO_ROOT, add_corpora_argument, collapse_ws, report, write_text

PROG = "make_corpus"

# Party letters used in the file names (see docs/CORPUS.md).
PARTIES = {
    "d": "Democratic",
    "r": "Republican",
    "dr": "Democratic-Republican",
    "w": "Whig",
    "f": "Federalist",
    "n": "Unaffiliated",  # George Washington
    "nu": "National Union",  # Andrew Johnson
    "wd": "Unaffiliated",  # John Tyler: elected as a Whig, expelled by the Whigs in Sept. 1841
}

PARAGRAPH_MIN = 600  # break at the first sentence end after this many characters
LAST_MIN = 200  # ... unless fewer than this many characters would be left for the last paragraph

# A sentence end: . ! or ? (plus closing quotes/brackets), whitespace, then a capital letter,
# a digit or an opening quote/bracket.
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(\s+)(?=[\"“‘(\[]?[A-Z0-9])")
ABBREVIATIONS = {
    "mr", "mrs", "ms", "messrs", "dr", "st", "ft", "mt", "gen", "gov", "sen", "rep", "hon",
    "jr", "sr", "no", "nos", "col", "capt", "lt", "maj", "adm", "rev", "vs", "co", "inc",
    "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "art", "sec", "vol",
}


def president_name(slug):
    """'john_f_kennedy' -> 'John F. Kennedy', 'william_mc_kinley' -> 'William McKinley'."""
    words, parts = [], slug.split("_")
    i = 0
    while i < len(parts):
        part = parts[i]
        if part == "mc" and i + 1 < len(parts):
            words.append("Mc" + parts[i + 1].capitalize())
            i += 2
            continue
        words.append(part.upper() + "." if len(part) == 1 else part.capitalize())
        i += 1
    return " ".join(words)


def is_abbreviation(text, dot):
    """True if the '.' at index ``dot`` ends an abbreviation or initial, not a sentence."""
    word = text[text.rfind(" ", 0, dot) + 1 : dot + 1].lstrip("\"'“‘([")
    stem = word[:-1]
    return len(stem) == 1 or "." in stem or stem.lower() in ABBREVIATIONS


def paragraphs(text):
    """Split one long line into paragraphs of a few sentences; only whitespace is replaced."""
    out, start = [], 0
    for m in SENTENCE_END.finditer(text):
        if m.start(1) - start < PARAGRAPH_MIN or len(text) - m.end(1) < LAST_MIN:
            continue
        if text[m.start()] == "." and is_abbreviation(text, m.start()):
            continue
        out.append(text[start : m.start(1)])
        start = m.end(1)
    out.append(text[start:])
    return out


def parse_name(path):
    """'1953_harry_s_truman_d.txt' -> (1953, 'harry_s_truman', 'd')."""
    m = re.fullmatch(r"(\d{4})_([a-z_]+?)_(d|r|dr|w|f|n|nu|wd)", path.stem)
    if not m:
        raise SystemExit(f"{PROG}: unexpected file name {path.name}")
    return int(m.group(1)), m.group(2), m.group(3)


def build_sotu(src_dir, out_dir):
    speeches = [(*parse_name(p), p) for p in sorted(src_dir.glob("*.txt"))]
    first_year = {}
    for year, slug, _, _ in speeches:
        first_year[slug] = min(year, first_year.get(slug, year))
    by_year = defaultdict(list)
    for speech in speeches:
        by_year[speech[0]].append(speech)

    written, multi, paras = [], [], 0
    for year in sorted(by_year):
        # Two addresses in one year (1953, 1961): the outgoing president's written message came
        # first, so order by the president's first year in the data; number them -1, -2.
        group = sorted(by_year[year], key=lambda s: (first_year[s[1]], s[1]))
        for n, (_, slug, party, path) in enumerate(group, 1):
            suffix = f"-{n}" if len(group) > 1 else ""
            stem = f"{year}_{slug}"
            if sum(1 for s in group if s[1] == slug) > 1:
                stem += f"_{n}"
            text = path.read_bytes().decode("utf-8").strip()
            body = paragraphs(text)
            assert collapse_ws(" ".join(body)) == collapse_ws(text), path  # no word changed
            name = president_name(slug)
            front = [
                "---",
                f"id: sotu-{year}{suffix}",
                f'title: "State of the Union Address ({year}) — {name}"',
                f"date: {year}-01-01",
                f"author: {name}",
                f"tags: [{PARTIES[party]}]",
                "source: sotu",
                "lang: en",
                "---",
            ]
            write_text(out_dir / f"{stem}.md", "\n".join(front) + "\n\n" + "\n\n".join(body) + "\n")
            written.append(f"{stem}.md")
            paras += len(body)
            if suffix:
                multi.append(f"{stem}.md=sotu-{year}{suffix}")

    stale = [p for p in out_dir.glob("*.md") if p.name not in set(written)]
    for p in stale:
        p.unlink()
    return [
        ("sotu input files", len(speeches)),
        ("sotu .md files written", len(written)),
        ("sotu paragraphs", paras),
        ("sotu years with two addresses", ", ".join(multi)),
        ("stale .md files removed", len(stale)),
    ]


# The DoD News pages give a relative date line ("1 year ago"), which a reader can only resolve
# against the file's modification time: a different date in every clone. The bundled copy
# carries the article's own date instead (the NATO Defence Ministerial of 16-17 February 2022
# in Brussels, whose closing press conference the article reports).
DOD_DATES = {
    "nato-leaders-look-to-defense-deterrence-against-russia.txt": "February 17, 2022",
}
RELATIVE_DATE = re.compile(r"^(?:\d+|an?|one) \w+ ago$", re.I)


def absolute_date(src):
    """The article's text with its relative date line (the third line) replaced by its date."""
    text = src.read_text(encoding="utf-8")
    lines = text.split("\n")
    date = DOD_DATES.get(src.name)
    if date is None:
        raise SystemExit(f"{PROG}: error: {src}: no absolute date known for this article; "
                         "add it to DOD_DATES")
    if len(lines) < 3 or not RELATIVE_DATE.match(lines[2].strip()):
        raise SystemExit(f"{PROG}: error: {src}:3: expected a relative date line, found "
                         f"{lines[2] if len(lines) > 2 else 'nothing'!r}")
    lines[2] = date
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_corpora_argument(parser, positional=True)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "corpus", help="output folder (default: %(default)s)")
    args = parser.parse_args()

    sotu_out = args.out / "sotu"
    sotu_out.mkdir(parents=True, exist_ok=True)
    counts = build_sotu(args.corpora / "sotu", sotu_out)

    dod_out = args.out / "dod-news"
    dod_out.mkdir(parents=True, exist_ok=True)
    copied = 0
    for src in sorted((args.corpora / "dod-news").glob("*.txt")):
        write_text(dod_out / src.name, absolute_date(src))
        copied += 1
    report(PROG, counts + [("dod-news .txt files copied", copied), ("output folder", str(args.out))])


if __name__ == "__main__":
    main()
