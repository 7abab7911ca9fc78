#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""search_module.py: Folio from Python through its module (import folio), in one process.

    examples/search_module.py [--db DB] [--facet FIELD] QUERY [QUERY...]

The first QUERY's hits are printed with the matched words marked [like this] (the passages'
char_highlights index the str directly), with the facets asked for; then each QUERY's number
of matches, or its error. The module must be importable: installed (python3-folio, or
`cmake --install`), or from a build tree with PYTHONPATH=build/release/python.

Exit status: 0 when every query matched, 1 when one did not, 2 on an error.
"""
import argparse
import sys

import folio


def marked(passage):
    """The passage's text with each highlighted range put in brackets."""
    text, out, at = passage.text, [], 0
    for begin, end in passage.char_highlights:
        out += [text[at:begin], "[", text[begin:end], "]"]
        at = end
    out.append(text[at:])
    return "".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="the database (default: folio.default_database())")
    parser.add_argument("--facet", action="append", default=[], help="a facet to count")
    parser.add_argument("queries", nargs="+", metavar="QUERY")
    args = parser.parse_args()
    try:
        searcher = folio.Searcher(args.db)
        results = searcher.search(args.queries[0], limit=3, facets=args.facet)
    except folio.Error as e:
        print(f"search_module.py: error: {e}", file=sys.stderr)
        return 2
    about = "" if results.total.exact else "about "
    print(f"{about}{results.total.estimated} matches for {results.query}")
    if results.suggestion:
        print(f"did you mean: {results.suggestion}?")
    for hit in results:
        print(f"{hit.rank}. {marked(hit.title_passage)} "
              f"({hit.date or 'undated'}, score {hit.score:.2f})")
        for passage in hit.passages:
            print("   " + marked(passage))
    for facet in results.facets.values():
        print(f"{facet.field}: " + ", ".join(f"{v.value} ({v.count})" for v in facet.values))

    # Many queries, one open searcher: no process per query.
    status = 0
    print("queries:")
    for query in args.queries:
        try:
            answer = searcher.search(query, passages=0)
        except folio.QueryError as e:
            print(f"  {query!r}: error: {e} (column {e.column})")
            status = 2
            continue
        about = "" if answer.total.exact else "about "
        print(f"  {query!r}: {about}{answer.total.estimated} matches, "
              f"top: {answer[0].title if len(answer) else '-'}")
        if not len(answer) and status == 0:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
