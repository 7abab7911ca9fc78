#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Made the hostile documents of this folder once (committed, not made by the tests), from the
# samples in ../documents. Needs qpdf, python3-reportlab and Python's zipfile.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
samples=$here/../documents
cd "$here"
# Encrypted with a user password: not readable without it.
qpdf --encrypt secret owner 256 -- "$samples/washington-1790.pdf" encrypted.pdf
# Cut short.
head -c 2000 "$samples/washington-1790.pdf" >truncated.pdf
head -c 3000 "$samples/madison-1810.epub" >truncated.epub
# Not what the extension says.
printf 'A plain text file that calls itself a PDF.\n' >not-a-pdf.pdf
cp "$samples/madison-1810.epub" epub-named.docx
printf 'Plain text named as an OpenDocument file.\n' >text-named.odt
python3 - <<'PY'
import struct
import zipfile
from reportlab.pdfgen import canvas

# A page with drawings only: no text layer, as a scanned page without OCR.
c = canvas.Canvas("image-only.pdf", invariant=1)
c.setTitle("A scanned page")
for i in range(20):
    c.rect(50 + i * 10, 100 + i * 20, 200, 30, fill=1)
c.showPage()
c.save()

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
         'content-types"/>')

def docx(name, document):
    with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", TYPES)
        z.writestr("word/document.xml", document)

# A zip bomb: 16 MB of spaces inside one paragraph, a few KB compressed.
docx("bomb.docx", f'<?xml version="1.0"?><w:document {W}><w:body><w:p><w:r><w:t>bomb'
     + " " * (16 << 20) + "</w:t></w:r></w:p></w:body></w:document>")
# The same bomb declaring 1,000 bytes for its entry (local header and central directory): only
# counting while inflating finds it.
data = bytearray(open("bomb.docx", "rb").read())
for signature, size_at, name_length_at, name_at in ((b"PK\x03\x04", 22, 26, 30),
                                                    (b"PK\x01\x02", 24, 28, 46)):
    i = data.find(signature)
    while i >= 0:
        n = struct.unpack_from("<H", data, i + name_length_at)[0]
        if data[i + name_at:i + name_at + n] == b"word/document.xml":
            struct.pack_into("<I", data, i + size_at, 1000)
        i = data.find(signature, i + 4)
open("lying-bomb.docx", "wb").write(data)
# Entities that would expand to gigabytes (billion laughs) if they were substituted.
lol = "".join(f'<!ENTITY lol{i} "{"&lol%d;" % (i - 1) * 10}">' for i in range(1, 10))
docx("entities.docx", f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol0 "lol">{lol}]>'
     f'<w:document {W}><w:body><w:p><w:r><w:t>laughs &lol9;</w:t></w:r></w:p></w:body>'
     "</w:document>")
# XML nested 10,000 elements deep.
T = 'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
O = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
content = (f'<?xml version="1.0"?><office:document-content {O} {T}><office:body><office:text>'
           "<text:p>" + "<text:span>" * 10000 + "deep" + "</text:span>" * 10000 +
           "</text:p></office:text></office:body></office:document-content>")
with zipfile.ZipFile("nested.odt", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
    z.writestr("content.xml", content)
PY
