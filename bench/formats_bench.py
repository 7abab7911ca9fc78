#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Document formats benchmark: Folio, Recoll and Xapian's omindex indexing the same PDF, DOCX,
ODT and EPUB files.

1. Generates, once (kept in the work folder), a folder per format from the first N State of the
   Union addresses of ../shared/corpora/sotu (public domain; N = --count, all 234 by default): PDF with
   python3-reportlab, DOCX, ODT and EPUB with pandoc from Markdown with a YAML header (title,
   author, date). scripts/setup-bench.sh installs the tools and the peers.
2. Indexes each folder anew with each engine, --repeat rounds, each engine's fastest run kept:
     Folio     folio-indexer --db DB --json DIR (its defaults: all cores)
     Recoll    recollindex -c CONF -z (CONF/recoll.conf: topdirs = DIR; its own PDF filter runs
               pdftotext from poppler-utils, its Python handlers read DOCX, ODT and EPUB)
     omindex   omindex --db DB --url / DIR (PDF through pdftotext; DOCX and ODT built in; no
               EPUB in omindex 1.4: "unknown MIME type", reported as not supported)
   Reported: MB/s (MB = 10^6 bytes of the files), the documents each index holds (Xapian's
   doc count: Recoll also indexes an EPUB's chapters as sub-documents), and each peer's time over
   Folio's (above 1: Folio is faster).
The table is printed and written between the formats-bench markers of docs/BENCHMARKS.md.

Peers that are not installed are skipped with a message. Exits 0 printing "skipped: ..." when
../shared/corpora/sotu is absent.

Usage: bench/formats_bench.py [--quick] [--count N] [--repeat N] [--indexer PATH] [--no-build]
                              [--no-docs] [--corpora DIR] [--build DIR] [--work DIR]
  --indexer PATH  use this folio-indexer instead of building build-bench/ (Release)
  --no-build      use the folio-indexer already in --build DIR
  --quick         smoke run: 5 addresses, one round, the peers on the PDFs only, docs/BENCHMARKS.md
                  left alone
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as B  # noqa: E402

FORMATS = ["pdf", "docx", "odt", "epub"]
# Debian's python3 has python3-reportlab; a python3 of its own may not.
SYSTEM_PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable

PDF_MAKER = r"""
import sys
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate
styles = getSampleStyleSheet()
for md in sys.argv[1:]:
    text = open(md, encoding="utf-8").read()
    head, body = text.split("\n---\n", 1)
    meta = dict(line.split(": ", 1) for line in head.strip("-\n").splitlines())
    doc = SimpleDocTemplate(md[:-3] + ".pdf", invariant=1, title=meta["title"].strip('"'),
                            author=meta["author"])
    doc.build([Paragraph(p, styles["BodyText"]) for p in body.split("\n\n") if p.strip()])
"""


def addresses(corpora, count):
    files = sorted((Path(corpora) / "sotu").glob("*.txt"))[:count]
    for f in files:
        year, rest = f.stem.split("_", 1)
        president = " ".join(w.capitalize() for w in rest.split("_")[:-1])
        text = f.read_text(encoding="utf-8", errors="replace").strip()
        sentences = re.split(r"(?<=[.!?])\s+", text)
        paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
        yield f.stem, year, president, paragraphs


def generate(corpora, work, count):
    """The folders work/formats-N/{pdf,docx,odt,epub}, made when missing."""
    root = work / f"formats-{count}"
    if all((root / f).is_dir() for f in FORMATS):
        return root
    md_dir = root / "md"
    md_dir.mkdir(parents=True, exist_ok=True)
    sources = []
    for stem, year, president, paragraphs in addresses(corpora, count):
        md = md_dir / f"{stem}.md"
        md.write_text(f'---\ntitle: "State of the Union {year}"\nauthor: {president}\n'
                      f"date: {year}-12-01\n---\n\n" + "\n\n".join(paragraphs) + "\n",
                      encoding="utf-8")
        sources.append(md)
    B.log(f"generating {len(sources)} documents per format in {root} ...")
    for fmt in FORMATS:
        (root / fmt).mkdir(exist_ok=True)
    B.run_checked([SYSTEM_PYTHON, "-c", PDF_MAKER] + [str(s) for s in sources])
    for md in sources:
        shutil.move(str(md.with_suffix(".pdf")), root / "pdf" / md.with_suffix(".pdf").name)
        for fmt in ("docx", "odt", "epub"):
            B.run_checked(["pandoc", str(md), "-o", str(root / fmt / md.with_suffix("." + fmt).name)])
    shutil.rmtree(md_dir)
    return root


def doc_count(db):
    r = subprocess.run(["xapian-delve", str(db)], capture_output=True, text=True)
    m = re.search(r"number of documents = (\d+)", r.stdout)
    return int(m.group(1)) if m else None


def run_engine(engine, folder, work, indexer):
    folder, work = folder.resolve(), work.resolve()  # recoll.conf's topdirs must be absolute
    db = work / f"db-{engine}-{folder.name}"
    shutil.rmtree(db, ignore_errors=True)
    if engine == "Folio":
        cmd = [indexer, "--db", db, "--json", folder]
        xapian_db = db
    elif engine == "Recoll":
        db.mkdir(parents=True)
        (db / "recoll.conf").write_text(f"topdirs = {folder}\nnoaspell = 1\nloglevel = 1\n")
        cmd = ["recollindex", "-c", db, "-z"]
        xapian_db = db / "xapiandb"
    else:
        cmd = ["omindex", "--db", db, "--url", "/", folder]
        xapian_db = db
    r = B.run_measured(cmd)
    if r["rc"] != 0:
        B.log(f"  {engine} on {folder.name} failed (exit {r['rc']}): {r['err'][-1000:]}")
        return None
    return {"seconds": r["seconds"], "docs": doc_count(xapian_db), "cmd": " ".join(map(str, cmd))}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--count", type=int, default=234)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--indexer")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--no-docs", action="store_true")
    ap.add_argument("--corpora", default=str(B.DEFAULT_CORPORA))
    ap.add_argument("--build", type=Path, default=B.DEFAULT_BUILD)
    ap.add_argument("--work", type=Path)
    args = ap.parse_args()
    B.skip_without_corpora(args.corpora, ("sotu",))
    if args.quick:
        args.count, args.repeat = 5, 1
    for tool in ("pandoc", "xapian-delve"):
        if not B.have(tool):
            print(f"skipped: {tool} is not installed (scripts/setup-bench.sh)")
            return
    if subprocess.run([SYSTEM_PYTHON, "-c", "import reportlab"], capture_output=True).returncode:
        print("skipped: python3-reportlab is not installed (scripts/setup-bench.sh)")
        return
    work = args.work or (args.build / "bench-work")
    work.mkdir(parents=True, exist_ok=True)
    if args.indexer:
        indexer = Path(args.indexer)
    elif args.no_build:
        indexer = args.build / "indexer" / "folio-indexer"
    else:
        indexer = B.build_folio(args.build)[0]
    info = B.machine_info()
    root = generate(args.corpora, work, args.count)

    engines = ["Folio"]
    for engine, program in (("Recoll", "recollindex"), ("omindex", "omindex")):
        if B.have(program):
            engines.append(engine)
        else:
            B.log(f"{engine}: {program} not installed, skipped (scripts/setup-bench.sh)")
    best = {}
    for rnd in range(args.repeat):
        for fmt in FORMATS:
            for engine in engines:
                if engine == "omindex" and fmt == "epub" or args.quick and engine != "Folio" and fmt != "pdf":
                    continue
                B.log(f"round {rnd + 1}: {engine} on {fmt} ...")
                r = run_engine(engine, root / fmt, work, indexer)
                if r and ((engine, fmt) not in best or r["seconds"] < best[(engine, fmt)]["seconds"]):
                    best[(engine, fmt)] = r

    rows = []
    for fmt in FORMATS:
        size = B.dir_size(root / fmt)
        folio = best.get(("Folio", fmt))
        files = len(list((root / fmt).iterdir()))
        row = [f"{fmt.upper()} ({files} files, {size / 1e6:.1f} MB)"]
        for engine in ("Folio", "Recoll", "omindex"):
            r = best.get((engine, fmt))
            if engine not in engines:
                row += ["not installed", ""]
            elif r is None:
                row += ["not supported" if engine == "omindex" and fmt == "epub"
                        else "not run" if args.quick and fmt != "pdf" else "failed", ""]
            else:
                row += [f"{size / 1e6 / r['seconds']:.2f} MB/s ({r['docs']} docs)",
                        "" if engine == "Folio" or not folio else f"{r['seconds'] / folio['seconds']:.1f}"]
        rows.append([row[0], row[1], row[3], row[4], row[5], row[6]])
    table = B.md_table(["Format", "Folio", "Recoll", "Recoll time / Folio's", "omindex",
                        "omindex time / Folio's"], rows)
    print(table)
    if args.quick or args.no_docs:
        return
    cmd = "bench/formats_bench.py" + (f" --indexer {args.indexer}" if args.indexer else "")
    cmd = cmd.replace(str(B.REPO) + "/", "")
    section = f"""## Document formats: PDF, DOCX, ODT, EPUB (issue 25)

Run: `{cmd}` (after `scripts/setup-bench.sh`), {B.machine_line(info, os.getloadavg())}.
{len(list((root / "pdf").iterdir()))} State of the Union addresses of `../shared/corpora/sotu` made into each format
(PDF: python3-reportlab; DOCX, ODT, EPUB: pandoc), a folder per format, each indexed anew by each
engine; {args.repeat} rounds, each engine's fastest run. MB = 10^6 bytes of the files. "docs" is the
number of documents in the index (Xapian's count): Recoll counts the folder too and adds an EPUB's
chapters as sub-documents.
omindex 1.4 reads no EPUB. Each engine's time includes its start, the creation of its index and its
last commit (Folio: also its spelling dictionary, as by default).
Commands (DB paths shortened): `folio-indexer --db DB --json DIR`; `recollindex -c CONF -z`
(`topdirs = DIR`, `noaspell = 1`); `omindex --db DB --url / DIR`.

{table}
"""
    B.write_doc_section("formats-bench", section)


if __name__ == "__main__":
    main()
