#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the peers that Folio's benchmarks (bench/) compare against, from Debian's packages.
# Idempotent: when every package is already there it returns at once.
# Run scripts/setup.sh first for Folio's own build dependencies.
set -euo pipefail

packages=(
  xapian-omega                    # scriptindex (Xapian's indexer peer)
  xapian-tools                    # quest (Xapian's one-process-per-query search peer)
  liblucene++-dev                 # Lucene++ 3.0.8 (+ contrib: PorterStemFilter, Highlighter) for bench/lucene
  g++ cmake ninja-build pkg-config libboost-dev nlohmann-json3-dev   # to build bench/lucene
  sqlite3 libsqlite3-dev python3  # SQLite FTS5 peer (Python's sqlite3 module)
  python3-xapian                  # Xapian's Python bindings (bench/python_bench.py's peer)
  time                            # GNU /usr/bin/time -v for peak memory
  hyperfine                       # a process per query as a shell script pays for it (hyperfine -N)
  pandoc python3-reportlab        # bench/formats_bench.py makes its DOCX, ODT, EPUB and PDF files
  recoll poppler-utils            # Recoll and omindex read PDFs with pdftotext (formats_bench.py)
)

source "$(dirname "$0")/packages.sh"
install_packages setup-bench "${packages[@]}"
