# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared helpers for Folio's data-preparation scripts (Python 3, standard library only).

Imported by make_corpus.py, reuters_to_jsonl.py, gutenberg_to_jsonl.py, cranfield_to_jsonl.py
and cisi_to_jsonl.py; not meant to be run on its own. It provides:

- the location of the shared corpora folder (``--corpora DIR``, default ``../shared/corpora``
  relative to the repository root),
- byte decoding with a fallback encoding, whitespace helpers and line re-flowing,
- deterministic JSONL writing (``ensure_ascii=False, sort_keys=True``, ``\\n`` line ends, UTF-8),
- a reader for SMART-format test collections (``.I`` / ``.T`` / ``.A`` / ``.W`` ... fields) and a
  writer for the docs.jsonl / queries.tsv / qrels.txt triple,
- counts reported on stderr.
"""

import json
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPORA = REPO_ROOT.parent / "shared" / "corpora"

_WS = re.compile(r"\s+")
_SMART_MARKER = re.compile(r"^\.([A-Z])(?:\s+(.*?))?\s*$")


def add_corpora_argument(parser, positional=False):
    """Add the shared-corpora folder argument (``--corpora DIR`` or an optional positional)."""
    help_text = f"shared corpora folder (default: {DEFAULT_CORPORA})"
    if positional:
        parser.add_argument("corpora", nargs="?", type=Path, default=DEFAULT_CORPORA, help=help_text)
    else:
        parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help=help_text)


def log(prog, message):
    print(f"{prog}: {message}", file=sys.stderr)


def report(prog, counts):
    """Print ``name: value`` counts (a list of pairs, in order) on stderr."""
    for name, value in counts:
        if isinstance(value, int):
            value = f"{value:,}"
        log(prog, f"{name}: {value}")


def decode(data, fallback="cp1252"):
    """Decode bytes as UTF-8, else as ``fallback``. Returns (text, used_fallback)."""
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode(fallback), True


def read_text(path, fallback="cp1252"):
    """Read a file as text with universal line ends (CRLF and CR become LF)."""
    text, _ = decode(Path(path).read_bytes(), fallback)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def collapse_ws(text):
    """Collapse every whitespace run to one space and strip both ends."""
    return _WS.sub(" ", text).strip()


def reflow(lines, indent=1):
    """Re-flow hard-wrapped lines into paragraphs.

    A blank line, or a line indented by at least ``indent`` spaces or a tab, starts a new
    paragraph; other lines (including lines with a single leading space, a common wrapping
    artefact) continue the current one. Whitespace inside a paragraph is collapsed.
    Paragraphs are joined with a blank line.
    """
    paragraphs, current = [], []
    for line in lines:
        if not line.strip() or line.startswith((" " * indent, "\t")):
            if current:
                paragraphs.append(current)
            current = []
        if line.strip():
            current.append(line)
    if current:
        paragraphs.append(current)
    return "\n\n".join(collapse_ws(" ".join(p)) for p in paragraphs)


def open_output(path):
    """Binary output stream: ``path``, or stdout when ``path`` is None or '-'."""
    if path is None or str(path) == "-":
        return sys.stdout.buffer
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return open(path, "wb")


class JsonlWriter:
    """Writes one JSON object per line: UTF-8, sorted keys, no ASCII escaping, ``\\n`` ends."""

    def __init__(self, stream):
        self.stream = stream
        self.records = 0
        self.bytes = 0

    def write(self, record):
        line = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"
        self.stream.write(line)
        self.records += 1
        self.bytes += len(line)


def write_text(path, text):
    """Write text as UTF-8 with ``\\n`` line ends (no platform translation)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)


def parse_smart(text, final_field=None):
    """Parse a SMART-format file (``.I <id>`` then ``.X`` field markers, each followed by text lines).

    Returns (records, stray): records is a list of ``(id, fields)`` in file order, where
    ``fields`` maps a field letter to a list of values (one per occurrence of the marker;
    each value is the list of the field's text lines; text on the marker line itself is kept).
    If ``final_field`` is given (e.g. "W"), every line after that field's marker up to the next
    ``.I`` belongs to it, and marker lines met there are dropped and counted in ``stray``
    (some collections have stray ``.A`` / ``.W`` lines inside abstracts).
    """
    records, stray = [], 0
    fields, current, in_final = None, None, False
    for line in text.split("\n"):
        m = _SMART_MARKER.match(line)
        if m and m.group(1) == "I":
            fields, current, in_final = {}, None, False
            records.append(((m.group(2) or "").strip(), fields))
            continue
        if fields is None:
            continue
        if m and in_final:
            stray += 1
            continue
        if m:
            current = [m.group(2)] if m.group(2) else []
            fields.setdefault(m.group(1), []).append(current)
            in_final = m.group(1) == final_field
        elif current is not None:
            current.append(line)
    return records, stray


def write_ir_collection(out_dir, docs, queries, qrels):
    """Write DIR/docs.jsonl, DIR/queries.tsv (``qid<TAB>text``) and DIR/qrels.txt (``qid 0 docid rel``).

    ``docs``: list of dicts; ``queries``: list of (qid, text); ``qrels``: list of (qid, docid, rel).
    Returns the counts to report.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "docs.jsonl", "wb") as out:
        writer = JsonlWriter(out)
        for doc in docs:
            writer.write(doc)
    write_text(out_dir / "queries.tsv", "".join(f"{qid}\t{collapse_ws(q)}\n" for qid, q in queries))
    write_text(out_dir / "qrels.txt", "".join(f"{q} 0 {d} {rel}\n" for q, d, rel in qrels))
    judged = {q for q, _, _ in qrels}
    return [
        ("documents", len(docs)),
        ("queries", len(queries)),
        ("queries with judgments", len(judged)),
        ("judgment lines", len(qrels)),
        ("relevant judgments (rel > 0)", sum(1 for _, _, rel in qrels if rel > 0)),
        ("written to", str(out_dir)),
    ]
