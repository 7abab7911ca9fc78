#!/usr/bin/env bash
# Checks Folio as a user or another program gets it: installs a build into a scratch prefix,
# builds the C++ example against it (CMake find_package(Folio), and pkg-config), runs the
# installed programs and the example scripts on corpus/, then builds the .deb packages with
# CPack, checks their contents and dependencies, unpacks them into a scratch root and runs the
# programs from there; the Python module (where it is built) is imported from the prefix and
# from its package. Nothing is installed on the machine.
#
#   scripts/check_install.sh [BUILD_DIR]      (default build/ci, already built)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/ci}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/folio-install-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'echo "check_install: failed (line $LINENO): $BASH_COMMAND" >&2' ERR
prefix=$scratch/prefix

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

echo "== install into a scratch prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(cd "$prefix" && dirname "$(find . -name libfolio_common.a | head -1)")
for f in bin/indexer bin/searcher share/man/man1/indexer.1.gz share/man/man1/searcher.1.gz \
  share/bash-completion/completions/indexer share/bash-completion/completions/searcher \
  share/zsh/vendor-completions/_indexer share/zsh/vendor-completions/_searcher \
  share/fish/vendor_completions.d/indexer.fish share/fish/vendor_completions.d/searcher.fish \
  include/folio/search.hpp include/folio/indexing.hpp "$libdir/libfolio_common.a" \
  "$libdir/cmake/Folio/FolioConfig.cmake" "$libdir/cmake/Folio/FolioConfigVersion.cmake" \
  "$libdir/cmake/Folio/FolioTargets.cmake" "$libdir/pkgconfig/folio.pc"; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
for page in indexer searcher; do
  warnings=$(zcat "$prefix/share/man/man1/$page.1.gz" | groff -ww -man -Tutf8 -z 2>&1)
  [ -z "$warnings" ] || fail "man page $page: $warnings"
done

echo "== the installed programs on corpus/"
"$prefix/bin/searcher" --version >"$scratch/version"
expect "searcher --version" '^searcher \(Folio\) [0-9]+\.[0-9]+\.[0-9]+$' "$scratch/version"
expect "searcher --version" "^Xapian $(pkg-config --modversion xapian-core), Snowball libstemmer" \
  "$scratch/version"
db=$scratch/db
"$prefix/bin/indexer" --quiet --db "$db" corpus
"$prefix/bin/searcher" --db "$db" --count '"nato allies"' >"$scratch/count"
expect "installed searcher" '^[1-9][0-9]*$' "$scratch/count"

echo "== examples/search.sh (jq)"
SEARCHER=$prefix/bin/searcher examples/search.sh --db "$db" '"nato allies"' >"$scratch/sh.out"
expect "search.sh" '^[0-9]+ matches for "nato allies"' "$scratch/sh.out"
expect "search.sh" '^1\. NATO Leaders Look to Defense' "$scratch/sh.out"
expect "search.sh" '^source: ' "$scratch/sh.out"
status=0
SEARCHER=$prefix/bin/searcher examples/search.sh --db "$db" 'zzzqqqxxx' >/dev/null || status=$?
[ "$status" -eq 1 ] || fail "search.sh with no hits exited $status, not 1"
status=0
SEARCHER=$prefix/bin/searcher examples/search.sh --db "$db" '(nato' 2>/dev/null || status=$?
[ "$status" -eq 2 ] || fail "search.sh with a bad query exited $status, not 2"

echo "== examples/search.py (subprocess + json, --json and --batch)"
python=$(command -v /usr/bin/python3 || command -v python3)
"$python" examples/search.py --searcher "$prefix/bin/searcher" --db "$db" \
  '"nato allies"' 'slavery AND year:1850..1865' >"$scratch/py.out"
expect "search.py" '^1\. NATO Leaders Look to Defense' "$scratch/py.out"
expect "search.py" '\[NATO allies\]|\[NATO\] \[allies\]|\[nato allies\]' "$scratch/py.out"
expect "search.py" "^  'slavery AND year:1850\.\.1865': (about )?[1-9][0-9]* matches, top: State of the Union" \
  "$scratch/py.out"
status=0
"$python" examples/search.py --searcher "$prefix/bin/searcher" --db "$db" nato '(nato' \
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

echo "== examples/embed through pkg-config"
# shellcheck disable=SC2046
c++ -o "$scratch/embed-pc" examples/embed/embed.cpp \
  $(PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig" pkg-config --cflags --libs folio)
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
for f in usr/bin/indexer usr/bin/searcher usr/share/man/man1/indexer.1.gz \
  usr/share/man/man1/searcher.1.gz usr/share/bash-completion/completions/searcher \
  usr/share/zsh/vendor-completions/_indexer usr/share/fish/vendor_completions.d/searcher.fish; do
  expect "folio.deb contents" "\./$f\$" "$scratch/contents"
done
dpkg -c "$dev" >"$scratch/dev-contents"
expect "folio-dev.deb contents" 'usr/include/folio/search\.hpp$' "$scratch/dev-contents"
expect "folio-dev.deb contents" 'usr/lib/.*cmake/Folio/FolioConfig\.cmake$' "$scratch/dev-contents"
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
  dpkg -x "$pydeb" "$scratch/root"
fi
# ----
root=$scratch/root
dpkg -x "$deb" "$root"
"$root/usr/bin/indexer" --quiet --db "$scratch/deb-db" corpus/dod-news
"$root/usr/bin/searcher" --db "$scratch/deb-db" --files 'nato' >"$scratch/deb.out"
expect "packaged searcher" 'nato-leaders-look-to-defense' "$scratch/deb.out"
if $pymodule; then
  PYTHONPATH=$root/usr/lib/python3/dist-packages "$python" -c 'import folio, sys
print(folio.Searcher(sys.argv[1]).search("nato")[0].title)' "$scratch/deb-db" >"$scratch/deb-py.out"
  expect "packaged module" '^NATO Leaders Look to Defense' "$scratch/deb-py.out"
fi
MANWIDTH=80 man --warnings -l "$root/usr/share/man/man1/searcher.1.gz" >/dev/null 2>"$scratch/man.err"
[ ! -s "$scratch/man.err" ] || fail "man -l searcher.1.gz: $(cat "$scratch/man.err")"
echo "check_install: all good ($(basename "$deb"), $(basename "$dev")${pydeb:+, $(basename "$pydeb")})"
