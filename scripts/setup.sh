#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs everything Folio needs to build and test, from Debian's packages.
# Idempotent: when every package is already there it returns at once.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git python3
  lld                             # links the searcher with its hot functions together (start-up)
  libxapian-dev xapian-tools      # the search library; xapian-check, xapian-tcpsrv, quest
  libstemmer-dev                  # Snowball stemmers
  libcli11-dev                    # command lines
  libboost-test-dev               # unit tests
  python3-dev pybind11-dev        # the Python module (python/)
  nlohmann-json3-dev              # JSON (JSONL input, --json output)
  libgumbo-dev                    # HTML5 parser
  libyaml-cpp-dev                 # Markdown front matter
  libxxhash-dev                   # content hashes
  liblz4-dev                      # stored articles (LZ4)
  libjemalloc-dev                 # the indexer's allocator
  libpoppler-cpp-dev libzip-dev libxml2-dev   # PDF; EPUB, DOCX and ODT (zip + XML)
  clang clang-format libclang-rt-14-dev   # sanitizer build, fuzzers (libFuzzer), formatting check
  jq                              # example scripts
  python3-jsonschema groff-base man-db zsh fish bash-completion   # checks: JSON Schema, manuals, completions
  python3-matplotlib dpkg-dev file   # benchmark plots; .deb packages (CPack: dpkg-shlibdeps, file)
  lintian                         # the .deb packages checked as Debian checks them
  valgrind                        # scripts/hot_functions.py (the searcher's function order)
)

source "$(dirname "$0")/packages.sh"
install_packages setup "${packages[@]}"
