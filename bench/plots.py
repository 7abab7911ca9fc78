#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Draws the benchmarks' results (the JSON files bench/index_bench.py and bench/query_bench.py
save) as PNG pictures, with matplotlib (Debian: python3-matplotlib).

  bench/plots.py index RESULTS.json PICTURE.png   indexing throughput (MB/s) against corpus size,
                                                  one line per engine
  bench/plots.py query RESULTS.json PICTURE.png   query latency per class and engine: p50 bars,
                                                  p95 and p99 marks, log scale

The benchmark scripts call draw() through a Python that has matplotlib (python_with_matplotlib()),
so they run under any python3 and still draw.
"""
import json
import subprocess
import sys
from pathlib import Path


def python_with_matplotlib():
    """A python3 that can import matplotlib: this one, else Debian's; None when neither can."""
    for python in (sys.executable, "/usr/bin/python3"):
        if Path(python).exists() and subprocess.run(
                [python, "-c", "import matplotlib"], capture_output=True).returncode == 0:
            return python
    return None


def draw(kind, results, picture):
    """Writes `results` (a dict) next to `picture` as JSON and draws it; returns the picture's
    path, or None (with a message on stderr) when no Python here has matplotlib."""
    picture = Path(picture)
    picture.parent.mkdir(parents=True, exist_ok=True)
    data = picture.with_suffix(".json")
    data.write_text(json.dumps(results, indent=1) + "\n")
    python = python_with_matplotlib()
    if python is None:
        print("plots: no matplotlib (Debian: python3-matplotlib); results saved in " + str(data),
              file=sys.stderr)
        return None
    subprocess.run([python, str(Path(__file__).resolve()), kind, str(data), str(picture)], check=True)
    return picture


def plot_index(results, picture, plt):
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    by_engine = {}
    for r in results["runs"]:
        by_engine.setdefault(r["engine"], []).append(r)
    for engine, runs in by_engine.items():
        runs.sort(key=lambda r: r["bytes"])
        ax.plot([r["bytes"] / 1e6 for r in runs], [r["bytes"] / 1e6 / r["seconds"] for r in runs],
                marker="o", label=engine)
    ax.set_xlabel("corpus size (MB of title+body text; Reuters-21578 prefixes)")
    ax.set_ylabel("indexing throughput (MB/s)")
    ax.set_title("Indexing throughput against corpus size")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    fig.text(0.01, 0.01, results.get("note", ""), fontsize="x-small", color="gray")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(picture)


def plot_query(results, picture, plt):
    classes = results["classes"]
    engines = [e for e in results["engines"] if any(r["engine"] == e for r in results["runs"])]
    by = {(r["class"], r["engine"]): r for r in results["runs"]}
    fig, ax = plt.subplots(figsize=(9, 4.5), dpi=100)
    width = 0.8 / max(len(engines), 1)
    for i, engine in enumerate(engines):
        xs, p50, p95, p99 = [], [], [], []
        for c, cls in enumerate(classes):
            r = by.get((cls, engine))
            if r:
                xs.append(c + (i - (len(engines) - 1) / 2) * width)
                p50.append(r["p50"])
                p95.append(r["p95"])
                p99.append(r["p99"])
        bars = ax.bar(xs, p50, width, label=engine)
        color = bars.patches[0].get_facecolor() if bars.patches else None
        ax.scatter(xs, p95, marker="_", s=120, color=color, zorder=3)
        ax.scatter(xs, p99, marker="x", s=20, color=color, zorder=3)
    ax.set_yscale("log")
    ax.set_xticks(range(len(classes)))
    ax.set_xticklabels(classes)
    ax.set_ylabel("latency (ms, log scale): bar p50, dash p95, x p99")
    ax.set_title("Query latency per engine and class (top 10)")
    ax.grid(True, axis="y", alpha=0.3, which="both")
    ax.legend(fontsize="small", ncol=len(engines), loc="upper center", bbox_to_anchor=(0.5, -0.08))
    fig.text(0.01, 0.01, results.get("note", ""), fontsize="x-small", color="gray")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(picture)


def main(argv):
    if len(argv) != 4 or argv[1] not in ("index", "query"):
        print(__doc__, file=sys.stderr)
        return 2
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    results = json.loads(Path(argv[2]).read_text())
    (plot_index if argv[1] == "index" else plot_query)(results, argv[3], plt)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
