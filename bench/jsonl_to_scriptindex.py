#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Convert benchmark JSONL (id, title, body) into scriptindex's input format.

scriptindex reads records separated by blank lines, each line "field=value"; a value spanning
several lines continues on lines starting with "=". Used by bench/index_bench.py for the
"Xapian scriptindex" peer (script: bench/xapian/reuters.index); the conversion is not timed.

Usage: jsonl_to_scriptindex.py IN.jsonl OUT.txt
"""

import json
import sys


def field(name, value):
    lines = (value or "").replace("\r", "").split("\n")
    return f"{name}={lines[0]}\n" + "".join(f"={line}\n" for line in lines[1:])


def convert(src, dst):
    with open(src, encoding="utf-8") as fin, open(dst, "w", encoding="utf-8") as fout:
        for line in fin:
            if not line.strip():
                continue
            rec = json.loads(line)
            fout.write(field("id", rec.get("id")) + field("title", rec.get("title")) + field("body", rec.get("body")) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    convert(sys.argv[1], sys.argv[2])
