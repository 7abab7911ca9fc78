# SPDX-License-Identifier: GPL-2.0-or-later
"""The module and `searcher --json` on the bundled corpus/ give the same results for the same
queries and options: ids, order, scores, totals, suggestions, facets, passages' text and
highlight offsets (and the module's char offsets agree with the bytes)."""
import math
import os
import subprocess
import unittest

import folio
from folio_test import CORPUS, INDEXER, scratch, searcher_json

# (searcher arguments, the module's keyword arguments)
CASES = [
    (['"nato allies"'], {}),
    (["slavery AND year:1850..1865"], {}),
    (["union", "--limit", "20"], {"limit": 20}),
    (["union", "--limit", "5", "--offset", "7"], {"limit": 5, "offset": 7}),
    (["war", "--sort", "date"], {"sort": "date"}),
    (["war", "--sort", "-date", "--limit", "3"], {"sort": "-date", "limit": 3}),
    (["tax*", "--passages", "3"], {"passages": 3}),
    (["economy", "--passage-length", "80"], {"passage_length": 80}),
    (["freedom", "--facet", "author:5,year:3"], {"facets": "author:5,year:3"}),
    (["congress", "--filter", "year:1900..1950"], {"filters": ["year:1900..1950"]}),
    (["peace treaty", "--default-op", "and"], {"default_op": "and"}),
    (["peace", "--count"], None),  # checked apart: --count prints a number
    (["title:union"], {}),
    (["author:lincoln \"union\""], {}),
    (["war -peace"], {}),
    (["econmy"], {}),
    (["econmy", "--correct"], {"correct": True}),
    (["the", "--limit", "3"], {"limit": 3}),
    (["nato NEAR/5 defense"], {}),
    (["(nato OR alliance) AND defense"], {}),
    (["tariff", "--collapse", "author"], {"collapse": "author"}),
    (["railroads", "--boost-recent", "10y", "--reference-date", "20200101"],
     {"boost_recent": "10y", "reference_date": "20200101"}),
    (["industry", "--k1", "1.6", "--b", "0.8"], {"k1": 1.6, "b": 0.8}),
    (["the american people deserve better schools", "--expand", "0"], {"expand": 0}),
    (["the american people deserve better schools"], {}),
    (["--like", "$NATO", "--limit", "3"], {"like": ["$NATO"], "limit": 3}),
    (["zzzqqqxxx"], {}),
    (["ukraine", "--explain"], {"explain": True}),
]


def rounded(score):
    """A score as the JSON gives it: std::round(score * 1e6) / 1e6 (half away from zero)."""
    y = score * 1e6
    whole = math.floor(abs(y))
    whole += 1 if abs(y) - whole >= 0.5 else 0
    return math.copysign(whole, y) / 1e6


def matches(passage):
    """A passage's highlighted words as the JSON's matches: text, bytes, chars."""
    return [{"text": t, "bytes": list(b), "chars": list(c)}
            for t, b, c in zip(passage.matches, passage.highlights, passage.char_highlights)]


def module_document(results):
    """The parts of searcher --json's document the module's typed objects carry."""
    total = results.total
    doc = {
        "query": results.query,
        "parsed": results.parsed,
        "total": {"estimated": total.estimated, "lower_bound": total.lower_bound,
                  "upper_bound": total.upper_bound, "exact": total.exact,
                  "time_limited": total.time_limited},
        "offset": results.offset,
        "suggestion": results.suggestion,
        "corrected": results.corrected,
        "hits": [],
    }
    for hit in results:
        entry = {"rank": hit.rank, "score": rounded(hit.score), "id": hit.id,
                 "title": hit.title, "title_highlights": [list(r) for r in hit.title_highlights],
                 "title_matches": matches(hit.title_passage),
                 "path": hit.path, "url": hit.url, "date": hit.date, "authors": hit.authors,
                 "tags": hit.tags, "source": hit.source, "language": hit.language,
                 "passages": [{"text": p.text, "highlights": [list(r) for r in p.highlights],
                               "matches": matches(p), "at_start": p.at_start, "at_end": p.at_end}
                              for p in hit.passages]}
        if hit.collapse:
            entry["collapse"] = {"key": hit.collapse[0], "count": hit.collapse[1]}
        if hit.explain:
            entry["explain"] = [(e.label, rounded(e.weight)) for e in hit.explain]
        doc["hits"].append(entry)
    if results.facets:
        doc["facets"] = {name: {"distinct": f.distinct,
                                "values": [{"value": v.value, "count": v.count} for v in f.values]}
                         for name, f in results.facets.items()}
    if results.like_terms:
        doc["like_terms"] = results.like_terms
    if results.collapse:
        doc["collapse"] = results.collapse
    return doc


def program_document(document):
    """searcher --json's document with the keys module_document builds."""
    del document["version"]
    document.pop("feedback", None)
    for hit in document["hits"]:
        hit.pop("path_bytes", None)
        if "explain" in hit:
            hit["explain"] = [(e["label"], e["weight"]) for e in hit["explain"]]
    return document


@unittest.skipUnless(os.path.isdir(CORPUS), "no corpus/")
class ParityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = os.path.join(scratch(cls), "db")
        subprocess.run([INDEXER, "--quiet", "--db", cls.db, CORPUS], check=True)
        cls.searcher = folio.Searcher(cls.db)
        cls.nato = cls.searcher.search('"nato allies"')[0].id  # for --like

    def cases(self):
        """CASES with $NATO as the NATO article's id."""
        for args, options in CASES:
            if options is None:
                continue
            args = [self.nato if a == "$NATO" else a for a in args]
            options = {k: [self.nato] if v == ["$NATO"] else v for k, v in options.items()}
            yield args, ("" if args[0].startswith("--") else args[0]), options

    def test_same_results_as_searcher_json(self):
        """Every case: the module's results equal searcher --json's, field for field."""
        for args, query, options in self.cases():
            with self.subTest(args=args):
                expected, status, stderr = searcher_json(self.db, *args)
                self.assertIn(status, (0, 1), stderr)
                results = self.searcher.search(query, **options)
                self.assertEqual(module_document(results), program_document(expected))
                self.assertEqual(status, 0 if results.matched else 1)

    def test_char_offsets_agree_with_byte_offsets(self):
        """For every passage of every case, char and byte offsets pick the same text."""
        for _, query, options in self.cases():
            for hit in self.searcher.search(query, **options):
                for p in hit.passages + [hit.title_passage]:
                    data = p.text.encode()
                    for (b0, b1), (c0, c1) in zip(p.highlights, p.char_highlights):
                        self.assertEqual(data[b0:b1].decode(), p.text[c0:c1])

    def test_count_and_to_json(self):
        """exact=True counts as --count does; to_json() is byte for byte --json's document."""
        run = subprocess.run([os.environ.get("FOLIO_SEARCHER", "folio-searcher"), "--db", self.db,
                              "--count", "peace"], capture_output=True, text=True, check=True)
        results = self.searcher.search("peace", exact=True, limit=0, passages=0)
        self.assertEqual(results.total.estimated, int(run.stdout))
        self.assertTrue(results.total.exact)
        run = subprocess.run([os.environ.get("FOLIO_SEARCHER", "folio-searcher"), "--db", self.db,
                              "--json", '"nato allies"'], capture_output=True, text=True,
                             check=True)
        self.assertEqual(self.searcher.search('"nato allies"').to_json(pretty=True) + "\n",
                         run.stdout)


if __name__ == "__main__":
    unittest.main()
