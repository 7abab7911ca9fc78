#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Self-test of eval/metrics.py on a hand-computed example. Exit status 0 when all pass.

The example (qrels grades: higher = more relevant, 0 = judged non-relevant):

  query 1: qrels d1=3, d2=0, d3=1, d4=2, d5=1   (relevant: d1 d3 d4 d5, so 4)
           run   d3 d2 d1 d6 d4                 (d6 unjudged = non-relevant; d5 not found)
  query 2: qrels d7=1, d8=1                     run: nothing retrieved
  query 3: qrels d9=0 only                      not judged (no relevant document): left out
  query 4: no qrels at all                      run d1: left out

Query 1 by hand:
  AP      relevant found at ranks 1, 3, 5 -> precisions 1/1, 2/3, 3/5
          (1 + 0.666667 + 0.6) / 4 relevant                       = 2.266667 / 4 = 0.566667
  P@10    3 relevant in the top 10, / 10                           = 0.3
  R@100   3 of the 4 relevant in the top 100                       = 0.75
  nDCG@10 gains by rank: 1 0 3 0 2
          DCG  = 1/log2(2) + 3/log2(4) + 2/log2(6)
               = 1 + 1.5 + 2/2.584963 = 1 + 1.5 + 0.773706          = 3.273706
          ideal: grades 3 2 1 1 -> 3/log2(2) + 2/log2(3) + 1/log2(4) + 1/log2(5)
               = 3 + 1.261860 + 0.5 + 0.430677                      = 5.192537
          nDCG = 3.273706 / 5.192537                                = 0.630464
Query 2: every metric 0 (judged, nothing retrieved: it still counts).
Means over the 2 judged queries (1 and 2):
  MAP 0.283333   nDCG@10 0.315232   P@10 0.15   R@100 0.375
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import metrics  # noqa: E402

QRELS = {
    "1": {"d1": 3, "d2": 0, "d3": 1, "d4": 2, "d5": 1},
    "2": {"d7": 1, "d8": 1},
    "3": {"d9": 0},
}
RUN = {"1": ["d3", "d2", "d1", "d6", "d4"], "2": [], "4": ["d1"]}

failures = []


def check(name, got, want, tol=5e-6):
    if abs(got - want) > tol:
        failures.append(f"{name}: got {got:.6f}, want {want:.6f}")


def main():
    q1 = metrics.query_metrics(RUN["1"], QRELS["1"])
    check("q1 AP", q1["MAP"], 0.566667)
    check("q1 P@10", q1["P@10"], 0.3)
    check("q1 R@100", q1["R@100"], 0.75)
    check("q1 nDCG@10", q1["nDCG@10"], 0.630464)

    # Cut-offs: only the top k count.
    check("q1 P@2", metrics.precision_at(RUN["1"], QRELS["1"], 2), 0.5)
    check("q1 R@3", metrics.recall_at(RUN["1"], QRELS["1"], 3), 0.5)
    # nDCG@1: d3 (grade 1) where the ideal has grade 3 -> 1/3.
    check("q1 nDCG@1", metrics.ndcg_at(RUN["1"], QRELS["1"], 1), 1 / 3)
    # A duplicate docid is counted once (trec_eval rejects duplicates).
    check("q1 duplicate", metrics.query_metrics(["d3", "d3", "d2", "d1", "d6", "d4"],
                                                QRELS["1"])["MAP"], 0.566667)

    if metrics.judged_queries(QRELS) != ["1", "2"]:
        failures.append(f"judged queries: got {metrics.judged_queries(QRELS)}, want ['1', '2']")

    means, per_query, n = metrics.evaluate(RUN, QRELS)
    if n != 2 or sorted(per_query) != ["1", "2"]:
        failures.append(f"evaluated queries: got {sorted(per_query)}, want ['1', '2']")
    check("mean MAP", means["MAP"], 0.283333)
    check("mean nDCG@10", means["nDCG@10"], 0.315232)
    check("mean P@10", means["P@10"], 0.15)
    check("mean R@100", means["R@100"], 0.375)
    for m in metrics.METRICS:
        check(f"q2 {m}", per_query["2"][m], 0.0)

    # Restricting to the queries run (as --smoke does).
    means, _, n = metrics.evaluate(RUN, QRELS, queries=["1"])
    if n != 1:
        failures.append(f"restricted evaluation: got {n} queries, want 1")
    check("restricted MAP", means["MAP"], 0.566667)

    # Robustness: per-query gains, losses and ties against a baseline. Query 1 gains (0.57 ->
    # 1.0), query 2 ties (0 -> 0), query 5 loses (0.5 -> 0), query 6 is missing from the new
    # run and loses (0.25 -> 0).
    base = {"1": {"MAP": 0.566667}, "2": {"MAP": 0.0}, "5": {"MAP": 0.5}, "6": {"MAP": 0.25}}
    new = {"1": {"MAP": 1.0}, "2": {"MAP": 0.0}, "5": {"MAP": 0.0}}
    got = metrics.robustness(base, new, "MAP")
    if got != (1, 2, 1):
        failures.append(f"robustness: got {got}, want (1, 2, 1)")
    got = metrics.robustness(base, new, "MAP", queries=["1", "2"])
    if got != (1, 0, 1):
        failures.append(f"restricted robustness: got {got}, want (1, 0, 1)")

    if failures:
        for f in failures:
            print("FAIL", f)
        return 1
    print("metrics self-test: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
