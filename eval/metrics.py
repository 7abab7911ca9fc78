# SPDX-License-Identifier: GPL-2.0-or-later
"""Retrieval metrics with trec_eval's rules (standard library only).

Definitions (as trec_eval 9.x computes them, relevance_level 1):

* A document is *relevant* to a query when its qrels grade is >= 1; grade 0 (or a
  negative grade) is judged non-relevant; a document absent from the qrels is
  non-relevant.
* A query is *judged* when the qrels hold at least one relevant document for it.
  Queries that are not judged are left out of every mean (trec_eval cannot score
  them either: their AP, nDCG and recall are undefined). A judged query for which the
  engine returns nothing still counts, with every metric 0 (trec_eval's ``-c``).
* ``AP``: the sum, over the relevant documents retrieved (within the run's depth,
  1,000 here), of the precision at the rank where each is found, divided by the
  number of relevant documents in the qrels. ``MAP`` is its mean over judged queries.
* ``P@k``: relevant documents in the top k, divided by k (even if fewer than k were
  retrieved).
* ``R@k``: relevant documents in the top k, divided by the number of relevant
  documents in the qrels.
* ``nDCG@k`` (trec_eval's ``ndcg_cut``): DCG@k = sum over ranks i = 1..k of
  gain_i / log2(i + 1) with gain = the qrels grade (0 for unjudged documents);
  divided by the ideal DCG@k, computed from all judged documents sorted by grade.

One difference from trec_eval, on purpose: trec_eval re-sorts a run by score and
breaks ties by document id (descending). Here the run is taken in the engine's own
rank order, which is what users see.
"""

import math
from collections import defaultdict


def read_qrels(path):
    """TREC qrels ``qid iter docid grade`` -> {qid: {docid: grade}}."""
    qrels = defaultdict(dict)
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 4:
                raise ValueError(f"{path}: malformed qrels line: {line!r}")
            qid, _, docid, grade = parts
            qrels[qid][docid] = int(grade)
    return dict(qrels)


def judged_queries(qrels):
    """The query ids that have at least one relevant (grade >= 1) document, sorted."""
    return sorted((q for q, docs in qrels.items() if any(g >= 1 for g in docs.values())),
                  key=_natural_key)


def _natural_key(qid):
    return (0, int(qid), "") if qid.isdigit() else (1, 0, qid)


def average_precision(ranking, judgments):
    relevant = sum(1 for g in judgments.values() if g >= 1)
    if relevant == 0:
        return 0.0
    found, total = 0, 0.0
    for i, docid in enumerate(ranking, 1):
        if judgments.get(docid, 0) >= 1:
            found += 1
            total += found / i
    return total / relevant


def precision_at(ranking, judgments, k):
    return sum(1 for d in ranking[:k] if judgments.get(d, 0) >= 1) / k


def recall_at(ranking, judgments, k):
    relevant = sum(1 for g in judgments.values() if g >= 1)
    if relevant == 0:
        return 0.0
    return sum(1 for d in ranking[:k] if judgments.get(d, 0) >= 1) / relevant


def ndcg_at(ranking, judgments, k):
    def dcg(gains):
        return sum(g / math.log2(i + 1) for i, g in enumerate(gains, 1) if g > 0)

    ideal = dcg(sorted((g for g in judgments.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judgments.get(d, 0) for d in ranking[:k]]) / ideal


METRICS = ("MAP", "nDCG@10", "P@10", "R@100")


def query_metrics(ranking, judgments):
    """All reported metrics for one query: {name: value}."""
    seen, unique = set(), []
    for d in ranking:  # trec_eval refuses duplicate docids; keep the first occurrence
        if d not in seen:
            seen.add(d)
            unique.append(d)
    return {
        "MAP": average_precision(unique, judgments),
        "nDCG@10": ndcg_at(unique, judgments, 10),
        "P@10": precision_at(unique, judgments, 10),
        "R@100": recall_at(unique, judgments, 100),
    }


def evaluate(run, qrels, queries=None):
    """Mean metrics over the judged queries.

    ``run``: {qid: [docid, ...] in rank order}; ``qrels``: {qid: {docid: grade}};
    ``queries``: restrict to these query ids (e.g. the queries actually run), else all
    judged ones. Returns ({name: mean}, {qid: {name: value}}, number of queries).
    """
    judged = judged_queries(qrels)
    if queries is not None:
        wanted = set(queries)
        judged = [q for q in judged if q in wanted]
    per_query = {q: query_metrics(run.get(q, []), qrels[q]) for q in judged}
    n = len(per_query)
    means = {m: (sum(v[m] for v in per_query.values()) / n if n else 0.0) for m in METRICS}
    return means, per_query, n


def robustness(base, new, metric, queries=None):
    """Per-query comparison of two runs' ``evaluate`` results (their ``per_query`` dicts) on one
    metric: (gained, lost, tied) query counts, a tie being an equal value (within 1e-9, so
    only the same ranking of the judged documents). Over ``queries``, else the queries of
    ``base``; a query missing from ``new`` counts as scoring 0 there."""
    gained = lost = tied = 0
    for q in (queries if queries is not None else base):
        old, now = base[q][metric], new.get(q, {}).get(metric, 0.0)
        if abs(now - old) <= 1e-9:
            tied += 1
        elif now > old:
            gained += 1
        else:
            lost += 1
    return gained, lost, tied
