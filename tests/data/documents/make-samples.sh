#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Made the sample documents of this folder once, from State of the Union addresses (public
# domain, the corpora's sotu collection); they are committed, not made by the tests.
#   make-samples.sh SOTU_DIR
# Needs pandoc, python3-reportlab, qpdf and zip (Debian packages).
set -euo pipefail
sotu=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# excerpt FILE SENTENCES: the first sentences of an address, one paragraph per three sentences.
excerpt() {
  python3 - "$1" "$2" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
sentences = re.split(r"(?<=[.!?])\s+", text.strip())[: int(sys.argv[2])]
print("\n\n".join(" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)))
PY
}

# PDF with reportlab: three pages, the document information filled in; and one without a title
# (its first line is the title).
excerpt "$sotu/1790_george_washington_n.txt" 24 >"$work/washington.txt"
excerpt "$sotu/1791_george_washington_n.txt" 9 >"$work/washington-1791.txt"
python3 - "$work" "$here" <<'PY'
import sys
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate
work, here = sys.argv[1], sys.argv[2]
styles = getSampleStyleSheet()

def build(name, paragraphs, pages, **info):
    doc = SimpleDocTemplate(f"{here}/{name}", invariant=1, **info)
    story, per_page = [], -(-len(paragraphs) // pages)
    for i, p in enumerate(paragraphs):
        if i and i % per_page == 0:
            story.append(PageBreak())
        story.append(Paragraph(p, styles["BodyText"]))
    doc.build(story)

paragraphs = open(f"{work}/washington.txt").read().split("\n\n")
build("washington-1790.pdf", paragraphs, 3, title="Second Annual Message 1790",
      author="George Washington", subject="Annual message to Congress",
      keywords="congress, public credit")
paragraphs = ["Third Annual Message to Congress"] + open(f"{work}/washington-1791.txt").read().split("\n\n")
build("untitled-1791.pdf", paragraphs, 1, title="", author="")
PY

# DOCX, ODT and EPUB with pandoc, from Markdown with a YAML header.
{
  printf -- '---\ntitle: "First Annual Message 1797"\nauthor: John Adams\ndate: 1797-11-22\nlang: en-US\nkeywords: [congress, navy]\ndescription: "The annual message of 1797."\n---\n\n'
  excerpt "$sotu/1797_john_adams_f.txt" 18
} >"$work/adams.md"
pandoc "$work/adams.md" -o "$here/adams-1797.docx"
{
  printf -- '---\ntitle: "First Annual Message 1801"\nauthor: Thomas Jefferson\ndate: 1801-12-08\nlang: en-US\nkeywords: [congress, peace]\ndescription: "The annual message of 1801."\n---\n\n'
  excerpt "$sotu/1801_thomas_jefferson_dr.txt" 18
} >"$work/jefferson.md"
pandoc "$work/jefferson.md" -o "$here/jefferson-1801.odt"
{
  printf -- '---\ntitle: "Second Annual Message 1810"\ncreator:\n- role: author\n  text: James Madison\ndate: 1810-12-05\nlang: en-US\nsubject: congress\n---\n\n# The state of our foreign relations\n\n'
  excerpt "$sotu/1810_james_madison_dr.txt" 12
  printf '\n\n# The finances of the nation\n\n'
  python3 - "$sotu/1810_james_madison_dr.txt" <<'PY'
import re, sys
sentences = re.split(r"(?<=[.!?])\s+", open(sys.argv[1], encoding="utf-8").read().strip())
print(" ".join(sentences[30:42]))
PY
} >"$work/madison.md"
pandoc "$work/madison.md" --epub-chapter-level=1 -o "$here/madison-1810.epub"
