#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's first command: installs what Folio needs, builds it, indexes the bundled corpus/
# into the default database ($FOLIO_DB, else ~/.local/share/folio/index) and runs an example
# phrase search, with the programs and with the Python module.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DFOLIO_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc)"

echo "== folio-indexer corpus"
./build/release/indexer/folio-indexer corpus
echo
echo "== folio-searcher --limit 3 '\"nato allies\"'"
./build/release/searcher/folio-searcher --limit 3 '"nato allies"'
if [ -e build/release/python/folio/__init__.py ]; then
  echo
  echo "== the same from Python (PYTHONPATH=build/release/python)"
  PYTHONPATH=build/release/python python3 -c "import folio; print(folio.Searcher(folio.default_database()).search('\"nato allies\"')[0].title)"
fi
