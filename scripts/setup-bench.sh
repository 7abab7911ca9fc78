#!/usr/bin/env bash
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
  time                            # GNU /usr/bin/time -v for peak memory
)
optional=(
  hyperfine                       # handy for ad-hoc timings; the bench scripts do not need it
)

missing=()
for p in "${packages[@]}" "${optional[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup-bench: installing ${missing[*]}" >&2
$sudo apt-get update -qq
required=()
for p in "${missing[@]}"; do
  [[ " ${optional[*]} " == *" $p "* ]] || required+=("$p")
done
if [ ${#required[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${required[@]}" >/dev/null
fi
for p in "${optional[@]}"; do
  if [[ " ${missing[*]} " == *" $p "* ]]; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 \
      || echo "setup-bench: optional package $p not available, skipped" >&2
  fi
done
