#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# search.sh: Folio from a shell script, through `folio-searcher --json` and jq.
#
#   examples/search.sh [--db DB] QUERY...
#
# Prints the number of matches, the top five hits (title, date, path, the words matched) and how the matches
# spread over sources and years, then exits as the searcher does: 0 hits, 1 none, 2 error.
# SEARCHER names the searcher program (default: folio-searcher on the PATH).
set -euo pipefail

searcher=${SEARCHER:-folio-searcher}
db=()
if [ "${1:-}" = --db ]; then
  db=(--db "$2")
  shift 2
fi
if [ $# -eq 0 ]; then
  echo "usage: $0 [--db DB] QUERY..." >&2
  exit 2
fi

status=0
json=$("$searcher" "${db[@]}" --json --limit 5 --passages 1 --facet source:3,year:3 "$@") ||
  status=$?
if [ "$status" -eq 2 ]; then
  exit 2 # the searcher said why on stderr
fi

jq -r '
  "\(.total.estimated) matches for \(.query)" + (if .total.exact then "" else " (estimated)" end),
  (.hits[] | "\(.rank). \(.title) [\(.date // "undated")]\n   \(.path // .url // .id)",
    # The matched words of the first passage, sliced by their code point offsets (jq counts
    # code points; the byte offsets of "highlights" would be off after an accented letter).
    (.passages[0] // empty | .text as $text |
      "   matched: " + ([.matches[] | $text[.chars[0]:.chars[1]]] | unique | join(", ")))),
  (.facets // {} | to_entries[] |
    "\(.key): " + ([.value.values[] | "\(.value) (\(.count))"] | join(", ")))
' <<<"$json"
exit "$status"
