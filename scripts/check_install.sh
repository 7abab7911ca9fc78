#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Checks Folio as a user or another program gets it: installs a build into two scratch prefixes,
# one like /usr/local and one like ~/.local, and checks that each command finds its manual and
# completions there; builds the C++ example against it (CMake find_package(Folio), and
# pkg-config), runs the installed programs and the example scripts on corpus/, then builds the
# .deb packages with CPack, checks their contents and dependencies and runs lintian on them
# (errors and warnings fail), unpacks them into a scratch root and runs the programs from there.
# The Python module (where it is built) is imported from the prefix and from its package.
# Nothing is installed on the machine.
#
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/ci}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/folio-install-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'echo "check_install: failed (line $LINENO): $BASH_COMMAND" >&2' ERR
prefix=$scratch/usr/local          # like /usr/local
home=$scratch/home
local=$home/.local                   # like ~/.local

fail() {
  echo "check_install: $*" >&2
  exit 1
}
# expect NAME PATTERN FILE: FILE must match the extended regex PATTERN.
expect() {
  grep -Eq -- "$2" "$3" || {
    echo "--- $3:" >&2
    cat "$3" >&2
    fail "$1: no match for /$2/"
  }
}

echo "== install into scratch prefixes like /usr/local and ~/.local"
cmake --install "$build" --prefix "$prefix" >/dev/null
cmake --install "$build" --prefix "$local" >/dev/null
libdir=$(cd "$prefix" && dirname "$(find . -name libfolio_common.a | head -1)")
for root in "$prefix" "$local"; do
  for f in bin/folio-indexer bin/folio-searcher share/man/man1/folio-indexer.1.gz \
    share/man/man1/folio-searcher.1.gz share/bash-completion/completions/folio-indexer \
    share/bash-completion/completions/folio-searcher share/zsh/site-functions/_folio-indexer \
    share/zsh/site-functions/_folio-searcher share/fish/vendor_completions.d/folio-indexer.fish \
    share/fish/vendor_completions.d/folio-searcher.fish share/doc/folio/README.md \
    share/doc/folio/QUERY-SYNTAX.md share/doc/folio/folio-search.schema.json \
    share/doc/folio/copyright share/doc/folio/changelog.gz share/doc/folio-dev/copyright \
    include/folio/search.hpp include/folio/indexing.hpp "$libdir/libfolio_common.a" \
    "$libdir/cmake/Folio/FolioConfig.cmake" "$libdir/cmake/Folio/FolioConfigVersion.cmake" \
    "$libdir/cmake/Folio/FolioTargets.cmake" "$libdir/pkgconfig/folio.pc"; do
    [ -e "$root/$f" ] || fail "not installed: $root/$f"
  done
  # What a user of this prefix gets with bin/ on the PATH: man finds the manuals through the
  # PATH; zsh loads the completions from site-functions.
  for page in folio-indexer folio-searcher; do
    found=$(env -i HOME="$home" PATH="$root/bin:/usr/bin:/bin" man -w "$page")
    [ "$found" = "$root/share/man/man1/$page.1.gz" ] || fail "man -w $page with $root/bin on the PATH: $found"
  done
  comps=$(zsh -fc 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -d "$2";
    print ${_comps[folio-indexer]} ${_comps[folio-searcher]}' zsh "$root/share/zsh/site-functions" \
    "$scratch/zcompdump")
  [ "$comps" = "_folio-indexer _folio-searcher" ] || fail "zsh completions from $root: '$comps'"
done
# zsh looks in /usr/local's site-functions without being told; bash-completion in ~/.local's.
zsh -fc 'print -l $fpath' | grep -qx /usr/local/share/zsh/site-functions ||
  fail "zsh's \$fpath lacks /usr/local/share/zsh/site-functions"
found=$(env -i HOME="$home" bash -c 'source /usr/share/bash-completion/bash_completion
  __load_completion folio-searcher && complete -p folio-searcher')
[ "$found" = "complete -F _folio_searcher folio-searcher" ] ||
  fail "bash-completion does not load folio-searcher's completion from ~/.local: $found"
for page in folio-indexer folio-searcher; do
  warnings=$(zcat "$prefix/share/man/man1/$page.1.gz" | groff -ww -man -Tutf8 -z 2>&1)
  [ -z "$warnings" ] || fail "man page $page: $warnings"
done

echo "== the installed programs on corpus/"
"$prefix/bin/folio-searcher" --version >"$scratch/version"
expect "folio-searcher --version" '^folio-searcher \(Folio\) [0-9]+\.[0-9]+\.[0-9]+$' "$scratch/version"
expect "folio-searcher --version" "^Xapian $(pkg-config --modversion xapian-core), Snowball libstemmer" \
  "$scratch/version"
db=$scratch/db
"$prefix/bin/folio-indexer" --quiet --db "$db" corpus
"$prefix/bin/folio-searcher" --db "$db" --count '"nato allies"' >"$scratch/count"
expect "installed searcher" '^[1-9][0-9]*$' "$scratch/count"

echo "== examples/search.sh (jq)"
SEARCHER=$prefix/bin/folio-searcher examples/search.sh --db "$db" '"nato allies"' >"$scratch/sh.out"
expect "search.sh" '^[0-9]+ matches for "nato allies"' "$scratch/sh.out"
expect "search.sh" '^1\. NATO Leaders Look to Defense' "$scratch/sh.out"
expect "search.sh" '^   matched: NATO allies' "$scratch/sh.out"
expect "search.sh" '^source: ' "$scratch/sh.out"
status=0
SEARCHER=$prefix/bin/folio-searcher examples/search.sh --db "$db" 'zzzqqqxxx' >/dev/null || status=$?
[ "$status" -eq 1 ] || fail "search.sh with no hits exited $status, not 1"
status=0
SEARCHER=$prefix/bin/folio-searcher examples/search.sh --db "$db" '(nato' 2>/dev/null || status=$?
[ "$status" -eq 2 ] || fail "search.sh with a bad query exited $status, not 2"

echo "== examples/search.py (subprocess + json, --json and --batch)"
python=$(command -v /usr/bin/python3 || command -v python3)
"$python" examples/search.py --searcher "$prefix/bin/folio-searcher" --db "$db" \
  '"nato allies"' 'slavery AND year:1850..1865' >"$scratch/py.out"
expect "search.py" '^1\. NATO Leaders Look to Defense' "$scratch/py.out"
expect "search.py" '\[NATO allies\]|\[NATO\] \[allies\]|\[nato allies\]' "$scratch/py.out"
expect "search.py" "^  'slavery AND year:1850\.\.1865': (about )?[1-9][0-9]* matches, top: State of the Union" \
  "$scratch/py.out"
status=0
"$python" examples/search.py --searcher "$prefix/bin/folio-searcher" --db "$db" nato '(nato' \
  >"$scratch/py2.out" || status=$?
[ "$status" -eq 2 ] || fail "search.py with a malformed batch query exited $status, not 2"
expect "search.py" "^  '\(nato': error: " "$scratch/py2.out"

# ---- the Python module (python/): installed under the prefix, imported from there ----
pymodule=false
[ -e "$build/python/folio/__init__.py" ] && pymodule=true
if $pymodule; then
  echo "== the Python module from the prefix (import folio), examples/search_module.py"
  init=$(cd "$prefix" && find . -path '*/folio/__init__.py' | head -1)
  [ -n "$init" ] || fail "not installed: the Python package folio"
  init=${init#./}
  pypath=$prefix/$(dirname "$(dirname "$init")")
  for f in __init__.pyi py.typed; do
    [ -e "$pypath/folio/$f" ] || fail "not installed: folio/$f"
  done
  PYTHONPATH=$pypath "$python" -c 'import folio, sys
assert folio.__file__.startswith(sys.argv[1]), folio.__file__
print(folio.Searcher(sys.argv[2]).search("\"nato allies\"")[0].title)' "$pypath" "$db" >"$scratch/module.out"
  expect "import folio" '^NATO Leaders Look to Defense' "$scratch/module.out"
  PYTHONPATH=$pypath "$python" examples/search_module.py --db "$db" --facet year \
    '"nato allies"' 'slavery AND year:1850..1865' >"$scratch/module-example.out"
  expect "search_module.py" '^1\. NATO Leaders Look to Defense' "$scratch/module-example.out"
  expect "search_module.py" '\[NATO allies\]|\[NATO\] \[allies\]' "$scratch/module-example.out"
  expect "search_module.py" '^year: [0-9]{4} \([0-9]+\)' "$scratch/module-example.out"
  expect "search_module.py" "^  'slavery AND year:1850\.\.1865': (about )?[1-9][0-9]* matches, top: State of the Union" \
    "$scratch/module-example.out"
  status=0
  PYTHONPATH=$pypath "$python" examples/search_module.py --db "$db" nato '(nato' \
    >"$scratch/module-example2.out" || status=$?
  [ "$status" -eq 2 ] || fail "search_module.py with a malformed query exited $status, not 2"
  expect "search_module.py" "^  '\(nato': error: " "$scratch/module-example2.out"
fi
# ----

echo "== examples/embed against the installed library (find_package(Folio))"
cmake -S examples/embed -B "$scratch/embed" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$scratch/embed" >/dev/null
"$scratch/embed/embed" "$scratch/embed-db" 'nato allies' corpus/dod-news corpus/sotu/2019_donald_j_trump.md \
  >"$scratch/embed.out"
expect "embed" '^indexed 2 files: 2 added, 0 replaced \(english\)$' "$scratch/embed.out"
expect "embed" '^1\. NATO Leaders Look to Defense' "$scratch/embed.out"
expect "embed" '\[NATO\] \[allies\]|\[NATO allies\]' "$scratch/embed.out"

echo "== a consumer of Folio::folio without a -std flag of its own, and folio/version.hpp"
# The package carries C++20 (the headers need it; GCC 12 defaults to C++17), names no helper
# target, and its version header says what --version says.
targets=$prefix/$libdir/cmake/Folio/FolioTargets.cmake
expect "FolioTargets.cmake" 'add_library\(Folio::folio STATIC IMPORTED\)' "$targets"
expect "FolioTargets.cmake" 'INTERFACE_COMPILE_FEATURES "cxx_std_20"' "$targets"
if grep -n 'folio_dep_\|Folio::common' "$targets" >&2; then
  fail "FolioTargets.cmake exports a helper target or the old name"
fi
mkdir -p "$scratch/consumer"
cat >"$scratch/consumer/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(consumer LANGUAGES CXX)
find_package(Folio REQUIRED)
add_executable(consumer main.cpp)
target_link_libraries(consumer PRIVATE Folio::folio)
CMAKE
cat >"$scratch/consumer/main.cpp" <<'CPP'
#include <folio/facets.hpp>
#include <folio/search.hpp>
#include <folio/version.hpp>

#include <iostream>

int main() {
    folio::FacetRequest a, b;  // operator== = default: C++20
    std::cout << folio::kVersionString << " " << FOLIO_VERSION_MAJOR << "." << FOLIO_VERSION_MINOR
              << "." << FOLIO_VERSION_PATCH << " " << (a == b) << "\n";
}
CPP
cmake -S "$scratch/consumer" -B "$scratch/consumer/build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
cmake --build "$scratch/consumer/build" >/dev/null
version=$(sed -n 's/^folio-searcher (Folio) //p' "$scratch/version")
[ "$("$scratch/consumer/build/consumer")" = "$version $version 1" ] ||
  fail "consumer: folio/version.hpp says $("$scratch/consumer/build/consumer"), --version $version"
expect "consumer's compile command" '-std=(gnu|c)\+\+20' "$scratch/consumer/build/compile_commands.json"

echo "== examples/embed through pkg-config"
# pkg-config has no field for a language standard: the consumer gives its own.
pc_flags=$(PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig" pkg-config --cflags --libs folio)
case $pc_flags in *-std=*) fail "folio.pc forces a standard on its consumers: $pc_flags" ;; esac
# shellcheck disable=SC2086
c++ -std=c++20 -o "$scratch/embed-pc" examples/embed/embed.cpp $pc_flags
"$scratch/embed-pc" "$scratch/embed-pc-db" 'cocoa' tests/data/e2e/good >"$scratch/embed-pc.out"
expect "embed (pkg-config)" '^1\. Cocoa harvest recovers in Bahia' "$scratch/embed-pc.out"

echo "== .deb packages (CPack)"
(cd "$build" && cpack -G DEB -B "$scratch/pkg" >/dev/null)
deb=$(ls "$scratch"/pkg/folio_*.deb)
dev=$(ls "$scratch"/pkg/folio-dev_*.deb)
dpkg-deb -f "$deb" Depends >"$scratch/depends"
expect "folio.deb Depends" 'libxapian30' "$scratch/depends"
expect "folio.deb Depends" 'libc6' "$scratch/depends"
dpkg-deb -f "$dev" Depends >"$scratch/dev-depends"
expect "folio-dev.deb Depends" 'libxapian-dev' "$scratch/dev-depends"
dpkg -c "$deb" >"$scratch/contents"
for f in usr/bin/folio-indexer usr/bin/folio-searcher usr/share/man/man1/folio-indexer.1.gz \
  usr/share/man/man1/folio-searcher.1.gz usr/share/bash-completion/completions/folio-searcher \
  usr/share/zsh/vendor-completions/_folio-indexer \
  usr/share/fish/vendor_completions.d/folio-searcher.fish usr/share/doc/folio/copyright \
  usr/share/doc/folio/changelog.gz usr/share/doc/folio/QUERY-SYNTAX.md; do
  expect "folio.deb contents" "\./$f\$" "$scratch/contents"
done
dpkg -c "$dev" >"$scratch/dev-contents"
expect "folio-dev.deb contents" 'usr/include/folio/search\.hpp$' "$scratch/dev-contents"
expect "folio-dev.deb contents" 'usr/lib/.*cmake/Folio/FolioConfig\.cmake$' "$scratch/dev-contents"
expect "folio-dev.deb contents" "usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/pkgconfig/folio\\.pc\$" \
  "$scratch/dev-contents"
expect "folio-dev.deb contents" 'usr/share/doc/folio-dev/copyright$' "$scratch/dev-contents"
# lintian: errors and warnings fail (no copyright or changelog, non-PIE programs, description
# lines over 80 characters, a .pc file outside the multiarch directory were among them).
lintian --fail-on error,warning --tag-display-limit 0 "$deb" "$dev" >"$scratch/lintian" 2>&1 || {
  cat "$scratch/lintian" >&2
  fail "lintian finds errors or warnings in the packages"
}
# The machine has what the package depends on: apt would install it without anything more.
if apt-get install --simulate "$deb" >"$scratch/apt" 2>&1; then
  expect "apt-get --simulate" '^Inst folio ' "$scratch/apt"
  if grep -E '^Inst ' "$scratch/apt" | grep -v '^Inst folio ' >&2; then
    fail "installing folio.deb would pull in packages not installed"
  fi
else
  cat "$scratch/apt" >&2
  fail "apt cannot install $deb"
fi
# ---- python3-folio.deb: its contents and dependencies, unpacked beside folio and imported ----
if $pymodule; then
  pydeb=$(ls "$scratch"/pkg/python3-folio_*.deb)
  dpkg-deb -f "$pydeb" Depends >"$scratch/py-depends"
  expect "python3-folio.deb Depends" 'python3 \(>= 3\.' "$scratch/py-depends"
  expect "python3-folio.deb Depends" 'libxapian30' "$scratch/py-depends"
  dpkg -c "$pydeb" >"$scratch/py-contents"
  for f in __init__.py __init__.pyi py.typed '_folio\.cpython-.*\.so'; do
    expect "python3-folio.deb contents" "\./usr/lib/python3/dist-packages/folio/$f\$" "$scratch/py-contents"
  done
  apt-get install --simulate "$pydeb" >"$scratch/py-apt" 2>&1 || {
    cat "$scratch/py-apt" >&2
    fail "apt cannot install $pydeb"
  }
  if grep -E '^Inst ' "$scratch/py-apt" | grep -v '^Inst python3-folio ' >&2; then
    fail "installing python3-folio.deb would pull in packages not installed"
  fi
  expect "python3-folio.deb contents" 'usr/share/doc/python3-folio/copyright$' "$scratch/py-contents"
  # lintian: errors fail; its warnings on the extension module are shown.
  lintian --fail-on error --tag-display-limit 0 "$pydeb" >"$scratch/py-lintian" 2>&1 || {
    cat "$scratch/py-lintian" >&2
    fail "lintian finds errors in python3-folio.deb"
  }
  cat "$scratch/py-lintian"
  dpkg -x "$pydeb" "$scratch/root"
fi
# ----
root=$scratch/root
dpkg -x "$deb" "$root"
"$root/usr/bin/folio-indexer" --quiet --db "$scratch/deb-db" corpus/dod-news
"$root/usr/bin/folio-searcher" --db "$scratch/deb-db" --files 'nato' >"$scratch/deb.out"
expect "packaged searcher" 'nato-leaders-look-to-defense' "$scratch/deb.out"
if $pymodule; then
  PYTHONPATH=$root/usr/lib/python3/dist-packages "$python" -c 'import folio, sys
print(folio.Searcher(sys.argv[1]).search("nato")[0].title)' "$scratch/deb-db" >"$scratch/deb-py.out"
  expect "packaged module" '^NATO Leaders Look to Defense' "$scratch/deb-py.out"
fi
MANWIDTH=80 man --warnings -l "$root/usr/share/man/man1/folio-searcher.1.gz" >/dev/null 2>"$scratch/man.err"
[ ! -s "$scratch/man.err" ] || fail "man -l folio-searcher.1.gz: $(cat "$scratch/man.err")"
echo "check_install: all good ($(basename "$deb"), $(basename "$dev")${pydeb:+, $(basename "$pydeb")})"
