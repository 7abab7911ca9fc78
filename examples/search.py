#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""search.py: Folio from Python, through `folio-searcher --json` and `folio-searcher --batch`.

    examples/search.py [--db DB] [--searcher PATH] QUERY [QUERY...]

The first QUERY runs with `--json` and its hits are printed with the matched words marked
[like this] (highlights are byte offsets into the UTF-8 passage). Then all the QUERYs go
through one `folio-searcher --batch` process (one query a line in, one JSON document a line out)
and each one's number of matches, or its error, is printed.

Exit status: 0 when every query matched, 1 when one did not, 2 on an error.
"""
import argparse
import json
import subprocess
import sys


def marked(text, highlights):
    """The text with each [begin, end) byte range put in brackets."""
    data = text.encode("utf-8")
    out, at = [], 0
    for begin, end in highlights:
        out += [data[at:begin], b"[", data[begin:end], b"]"]
        at = end
    out.append(data[at:])
    return b"".join(out).decode("utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="the database (default: the searcher's)")
    parser.add_argument("--searcher", default="folio-searcher", help="the searcher program")
    parser.add_argument("queries", nargs="+", metavar="QUERY")
    args = parser.parse_args()
    base = [args.searcher] + (["--db", args.db] if args.db else [])

    # One query, one JSON document.
    run = subprocess.run(base + ["--json", "--limit", "3", args.queries[0]],
                         capture_output=True, text=True)
    if run.returncode == 2:
        sys.stderr.write(run.stderr)
        return 2
    result = json.loads(run.stdout)
    total = result["total"]
    about = "" if total["exact"] else "about "
    print(f"{about}{total['estimated']} matches for {result['query']}")
    if result["suggestion"]:
        print(f"did you mean: {result['suggestion']}?")
    for hit in result["hits"]:
        print(f"{hit['rank']}. {marked(hit['title'], hit['title_highlights'])} "
              f"({hit['date'] or 'undated'}, score {hit['score']:.2f})")
        for passage in hit["passages"]:
            print("   " + marked(passage["text"], passage["highlights"]))

    # Many queries, one process: --batch answers each input line with a JSON line.
    batch = subprocess.run(base + ["--batch", "--passages", "0"], input="\n".join(args.queries) + "\n",
                           capture_output=True, text=True)
    if batch.returncode == 2 and not batch.stdout:
        sys.stderr.write(batch.stderr)
        return 2
    status = 0
    print("batch:")
    for line in batch.stdout.splitlines():
        answer = json.loads(line)
        if "error" in answer:
            print(f"  {answer['query']!r}: error: {answer['error']}")
            status = 2
        else:
            total = answer["total"]
            about = "" if total["exact"] else "about "
            print(f"  {answer['query']!r}: {about}{total['estimated']} matches, "
                  f"top: {answer['hits'][0]['title'] if answer['hits'] else '-'}")
            if not answer["hits"] and status == 0:
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
