# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared helpers of Folio's benchmarks (index_bench.py, query_bench.py, make_queries.py).

Everything the benchmarks generate (JSONL, indexes, query sets, results) goes to a work folder,
build-bench/bench-work by default (ignored by git). The corpora come from ../shared/corpora.
"""

import datetime
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
DEFAULT_BUILD = REPO / "build-bench"
DOC = REPO / "docs" / "BENCHMARKS.md"
GNU_TIME = Path("/usr/bin/time")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def skip_without_corpora(corpora, needed=("reuters21578",)):
    """Exit 0 with 'skipped: ...' when the shared corpora are not there."""
    for name in needed:
        if not (Path(corpora) / name).is_dir():
            print(f"skipped: corpus folder {Path(corpora) / name} not found (the shared corpora are absent)")
            sys.exit(0)


# ---------------------------------------------------------------- building


def build_folio(build_dir, rebuild=True):
    """Configure and build Folio in build_dir (Release, no tests, static libraries, non-PIE programs
    as a user's build gets them); returns (indexer, searcher). The configure step runs every time,
    so an old build folder's cache cannot keep options from before (say, a shared libstemmer)."""
    indexer = build_dir / "indexer" / "folio-indexer"
    searcher = build_dir / "searcher" / "folio-searcher"
    if rebuild or not (indexer.exists() and searcher.exists()):
        configure = ["cmake", "-S", str(REPO), "-B", str(build_dir), "-DCMAKE_BUILD_TYPE=Release",
                     "-DFOLIO_BUILD_TESTS=OFF", "-DFOLIO_STATIC_DEPS=ON", "-DFOLIO_PIE=OFF",
                     "-DFOLIO_SANITIZE=OFF"]
        if not (build_dir / "build.ninja").exists():
            configure += ["-G", "Ninja"]
        run_checked(configure)
        run_checked(["cmake", "--build", str(build_dir), "--target", "indexer", "searcher"])
    warn_slow_startup(searcher)
    return indexer, searcher


def warn_slow_startup(program):
    """Says when `program` was not linked for a fast start (a PIE, or the shared libstemmer): the
    per-process figures would then measure the build, not Folio."""
    try:
        header = subprocess.run(["readelf", "-h", str(program)], stdout=subprocess.PIPE, text=True).stdout
        libs = subprocess.run(["ldd", str(program)], stdout=subprocess.PIPE, text=True).stdout
    except OSError:
        return
    if re.search(r"Type:\s+DYN", header):
        log(f"warning: {program} is a position-independent executable (configure with -DFOLIO_PIE=OFF)")
    if "libstemmer.so" in libs:
        log(f"warning: {program} loads the shared libstemmer (configure with -DFOLIO_STATIC_DEPS=ON)")


def build_lucene(build_dir):
    """Build bench/lucene (needs liblucene++-dev); returns the binary, or None with a message."""
    if not Path("/usr/include/lucene++/LuceneHeaders.h").exists():
        log("skipped Lucene++: liblucene++-dev is not installed (run scripts/setup-bench.sh)")
        return None
    return build_bench_program("lucene", "lucene_bench", "Lucene++", build_dir)


def build_writer_floor(build_dir):
    """Build bench/xapian's writer_floor (Xapian's writer alone on prebuilt documents); returns the
    binary, or None with a message."""
    return build_bench_program("xapian", "writer_floor", "Xapian's writer floor", build_dir)


def build_bench_program(folder, program, name, build_dir):
    """Configure (once) and build the CMake project bench/FOLDER in BUILD/FOLDER (Release); returns
    the path of PROGRAM, or None with a message naming NAME when it does not build."""
    out = build_dir / folder
    try:
        if not (out / "build.ninja").exists():
            run_checked(["cmake", "-S", str(REPO / "bench" / folder), "-B", str(out), "-G", "Ninja",
                         "-DCMAKE_BUILD_TYPE=Release"])
        run_checked(["cmake", "--build", str(out)])
    except subprocess.CalledProcessError:
        log(f"skipped {name}: bench/{folder} failed to build (see above)")
        return None
    return out / program


def run_checked(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if r.returncode != 0:
        log(r.stdout)
        raise subprocess.CalledProcessError(r.returncode, cmd)
    return r


def have(program):
    return shutil.which(program) is not None


def folio_has_jobs(indexer):
    """Whether the indexer has -j (parallel indexing)."""
    r = subprocess.run([str(indexer), "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return re.search(r"(^|\s)-j\b|--jobs\b", r.stdout) is not None


# ---------------------------------------------------------------- data


def reuters_jsonl(work, corpora, limit=None):
    """The Reuters-21578 JSONL (all 19,043 articles, or the first `limit`), made once."""
    full = work / "reuters.jsonl"
    if not full.exists():
        log("converting Reuters-21578 to JSONL ...")
        run_checked([sys.executable, str(SCRIPTS / "reuters_to_jsonl.py"), "--corpora", str(corpora),
                     "-o", str(full)])
    if limit is None:
        return full
    part = work / f"reuters-{limit}.jsonl"
    if not part.exists():
        with open(full, encoding="utf-8") as src, open(part, "w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i >= limit:
                    break
                dst.write(line)
    return part


def gutenberg_jsonl(work, corpora, max_mb):
    """Gutenberg articles up to max_mb MB of body text (None: all), made once."""
    name = f"gutenberg-{max_mb if max_mb else 'all'}mb.jsonl"
    path = work / name
    if not path.exists():
        log(f"converting Gutenberg ({max_mb or 'all'} MB) to JSONL ...")
        cmd = [sys.executable, str(SCRIPTS / "gutenberg_to_jsonl.py"), "--corpora", str(corpora), "-o", str(path)]
        if max_mb:
            cmd += ["--max-mb", str(max_mb)]
        run_checked(cmd)
    return path


def jsonl_stats(path):
    """(articles, bytes of title+body text as UTF-8)."""
    n = text = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                n += 1
                text += len((rec.get("title") or "").encode()) + len((rec.get("body") or "").encode())
    return n, text


def dir_size(path):
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# ---------------------------------------------------------------- measuring


def run_measured(cmd, stdin=None, stdout=subprocess.PIPE, cwd=None):
    """Run cmd; returns dict(seconds, rss_kb, rc, out). Peak RSS from GNU time -v when installed,
    else from wait4()'s rusage."""
    start = time.perf_counter()
    if GNU_TIME.exists():
        tfile = Path(os.environ.get("TMPDIR", "/tmp")) / f"folio-bench-time-{os.getpid()}.txt"
        p = subprocess.run([str(GNU_TIME), "-v", "-o", str(tfile)] + [str(c) for c in cmd], stdin=stdin,
                           stdout=stdout, stderr=subprocess.PIPE, text=True, cwd=cwd)
        seconds = time.perf_counter() - start
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", tfile.read_text())
        tfile.unlink()
        rss = int(m.group(1)) if m else None
        out, err, rc = p.stdout, p.stderr, p.returncode
    else:
        p = subprocess.Popen([str(c) for c in cmd], stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                             text=True, cwd=cwd)
        out = p.stdout.read() if p.stdout else None
        err = p.stderr.read()
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        rss, rc = usage.ru_maxrss, p.returncode
    return {"seconds": seconds, "rss_kb": rss, "rc": rc, "out": out, "err": err}


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, math.ceil(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


# ---------------------------------------------------------------- queries


def read_queries(path):
    return [q for q in Path(path).read_text(encoding="utf-8").splitlines() if q.strip()]


def to_fts5(query, kind):
    """The query sets are written in the syntax Folio, Xapian and Lucene share (words, "phrases",
    AND, OR, AND NOT, parentheses; loose words OR'ed). FTS5 ANDs loose words and spells AND NOT as NOT."""
    if kind == "words":
        return " OR ".join(query.split())
    if kind == "boolean":
        return query.replace(" AND NOT ", " NOT ")
    return query


# ---------------------------------------------------------------- report


def machine_info():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "os": platform.platform(),
        "load": os.getloadavg(),
    }


def machine_line(info, load_end=None):
    load = "/".join(f"{x:.2f}" for x in info["load"])
    s = f"{info['date']}; {info['nproc']} CPUs ({info['cpu']}); {info['os']}; load average at start {load}"
    if load_end:
        s += "; at end " + "/".join(f"{x:.2f}" for x in load_end)
    return s


def md_table(header, rows, align=None):
    align = align or ["l"] + ["r"] * (len(header) - 1)
    sep = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


DOC_HEAD = """# Folio benchmarks

Folio against its peers on this machine, measured by the scripts in `bench/` (see their docstrings).
Each section below is rewritten by the script named in it; the text outside the markers is kept.
Peers come from Debian (`scripts/setup-bench.sh`). Only ratios measured in the same run are
comparable: the machine is shared, and absolute times move with its load.

"""


def write_doc_section(name, text, doc=DOC):
    """Replace the text between <!-- NAME:begin --> and <!-- NAME:end --> in docs/BENCHMARKS.md
    (appending the section when it is not there)."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    block = f"{begin}\n{text.rstrip()}\n{end}"
    content = doc.read_text(encoding="utf-8") if doc.exists() else DOC_HEAD
    if begin in content and end in content:
        pre = content[: content.index(begin)]
        post = content[content.index(end) + len(end):]
        content = pre + block + post
    else:
        content = content.rstrip() + "\n\n" + block + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(content, encoding="utf-8")
    log(f"wrote section {name} of {doc}")
