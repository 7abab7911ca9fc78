# SPDX-License-Identifier: GPL-2.0-or-later
"""folio.Searcher.search and every one of its options, on tests/data/e2e/good; the typed
results (hits, passages with byte and character offsets, facets, totals); paging."""
import os
import unittest

import folio
from folio_test import GOOD, GOOD_ARTICLES, good_index, scratch


class SearchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = good_index(cls)
        cls.searcher = folio.Searcher(cls.db)

    def search(self, query="", **options):
        return self.searcher.search(query, **options)

    def test_hit_fields(self):
        """A hit carries the article's stored fields, its rank and score."""
        results = self.search("cocoa")
        self.assertEqual(len(results), 1)
        hit = results[0]
        self.assertIsInstance(hit, folio.Hit)
        self.assertEqual((hit.rank, hit.id, hit.title), (1, "wire-1", "Cocoa harvest recovers in Bahia"))
        self.assertEqual((hit.date, hit.authors, hit.tags, hit.source),
                         ("1987-02-26", ["Wire Desk"], ["cocoa"], "wire"))
        self.assertGreater(hit.score, 0)
        self.assertTrue(hit.path.endswith("wire.jsonl"))
        self.assertEqual(hit.path_bytes, os.fsencode(hit.path))
        self.assertEqual(hit.location, hit.path + "#wire-1")
        self.assertEqual(hit.title_highlights, [(0, 5)])
        self.assertEqual(hit.title_passage.matches, ["Cocoa"])
        self.assertIsNone(hit.collapse)
        self.assertEqual(hit.explain, [])
        md = self.search("ishmael")[0]
        self.assertEqual((md.url, md.language), ("https://example.org/moby-dick/1", "english"))

    def test_passages_have_byte_and_character_offsets(self):
        """highlights are UTF-8 byte offsets, char_highlights index the str; both agree."""
        hit = self.search("café")[0]
        [passage] = hit.passages
        self.assertEqual(passage.matches, ["café"])
        for (b0, b1), (c0, c1), text in zip(passage.highlights, passage.char_highlights,
                                            passage.matches):
            self.assertEqual(passage.text.encode()[b0:b1].decode(), text)
            self.assertEqual(passage.text[c0:c1], text)
        self.assertNotEqual(passage.highlights, passage.char_highlights)  # "Zürich" before it
        self.assertIsInstance(passage.at_start, bool)
        self.assertEqual(str(passage), passage.text)

    def test_results_fields(self):
        """Results: query, parsed query, exact totals, offset, no suggestion, sequence."""
        results = self.search("grain OR cocoa")
        self.assertEqual(results.query, "grain OR cocoa")
        self.assertIn("cocoa", results.parsed)
        total = results.total
        self.assertEqual((total.estimated, total.lower_bound, total.upper_bound), (2, 2, 2))
        self.assertTrue(total.exact)
        self.assertFalse(total.time_limited)
        self.assertEqual(int(total), 2)
        self.assertEqual(results.offset, 0)
        self.assertIsNone(results.suggestion)
        self.assertFalse(results.corrected)
        self.assertTrue(results.matched)
        self.assertEqual([h.rank for h in results], [1, 2])
        self.assertEqual(results[-1].rank, 2)
        self.assertEqual([h.rank for h in results[0:1]], [1])
        with self.assertRaises(IndexError):
            results[2]
        self.assertEqual(results.facets, {})
        self.assertIsNone(results.collapse)
        self.assertIsNone(results.feedback)
        self.assertEqual(results.warnings, [])

    def test_limit_and_offset(self):
        """limit and offset page through the hits in rank order."""
        everything = [h.id for h in self.search("the", limit=100)]
        self.assertGreaterEqual(len(everything), 4)
        page = self.search("the", limit=2, offset=1)
        self.assertEqual([h.id for h in page], everything[1:3])
        self.assertEqual([h.rank for h in page], [2, 3])
        self.assertEqual(page.offset, 1)
        self.assertEqual(len(self.search("the", limit=0)), 0)
        self.assertTrue(self.search("the", limit=0).matched)

    def test_pages_and_hits(self):
        """pages() walks every page; hits() every hit, in order."""
        everything = [h.id for h in self.search("the", limit=100)]
        pages = list(self.searcher.pages("the", page_size=2))
        self.assertEqual([h.id for page in pages for h in page], everything)
        self.assertTrue(all(len(p) == 2 for p in pages[:-1]))
        self.assertEqual([h.id for h in self.searcher.hits("the", page_size=3)], everything)
        self.assertEqual(list(self.searcher.pages("zzzqqq")), [])

    def test_sort(self):
        """sort: date (oldest first) and -date."""
        dated = lambda sort: [h.date for h in self.search("the", sort=sort, limit=100) if h.date]
        self.assertEqual(dated("date"), sorted(dated("date")))
        self.assertEqual(dated("-date"), sorted(dated("-date"), reverse=True))
        with self.assertRaises(folio.UsageError):
            self.search("the", sort="newest")

    def test_facets(self):
        """facets: counted over all matches, as a list or comma-separated, with :N."""
        results = self.search("the", facets=["source", "year:2"], limit=1)
        self.assertEqual(list(results.facets), ["source", "year"])
        year = results.facets["year"]
        self.assertEqual(year.field, "year")
        self.assertLessEqual(len(year.values), 2)
        self.assertGreaterEqual(year.distinct, len(year.values))
        self.assertTrue(all(isinstance(v.count, int) and v.value for v in year.values))
        same = self.search("the", facets="source,year:2", limit=1)
        self.assertEqual([(v.value, v.count) for v in same.facets["year"].values],
                         [(v.value, v.count) for v in year.values])
        with self.assertRaises(folio.UsageError):
            self.search("the", facets=["colour"])

    def test_passages_and_their_length(self):
        """passages=0 gives none; passage_length bounds them; out of range is refused."""
        self.assertEqual(self.search("ishmael", passages=0)[0].passages, [])
        short = self.search("ishmael", passages=1, passage_length=40)[0].passages[0]
        longer = self.search("ishmael", passages=1, passage_length=400)[0].passages[0]
        self.assertLess(len(short.text.encode()), len(longer.text.encode()))
        self.assertLessEqual(len(self.search("whenever", passages=3)[0].passages), 3)
        with self.assertRaises(folio.UsageError):
            self.search("ishmael", passage_length=5)

    def test_filters_and_default_op(self):
        """filters restrict without ranking; default_op=and needs every word."""
        self.assertEqual([h.id for h in self.search("the", filters=["tag:cocoa"])], ["wire-1"])
        self.assertEqual(sorted(h.id for h in self.search("", filters="source:wire")),
                         ["wire-1", "wire-2", "wire-3"])
        either = self.search("cocoa grain").total.estimated
        both = self.search("cocoa grain", default_op="and").total.estimated
        self.assertEqual((either, both), (2, 0))
        with self.assertRaises(folio.UsageError):
            self.search("cocoa", default_op="xor")

    def test_exact_and_time_limit(self):
        """exact counts every match; a time limit of 0 is none."""
        results = self.search("the", exact=True, time_limit=0)
        self.assertTrue(results.total.exact)
        with self.assertRaises(folio.UsageError):
            self.search("the", time_limit=-1)

    def test_suggest_and_correct(self):
        """A misspelled word gets a suggestion; correct=True runs it."""
        results = self.search("cocao")
        self.assertEqual(results.suggestion, "cocoa")
        self.assertEqual(len(results), 0)
        self.assertIsNone(self.search("cocao", suggest=False).suggestion)
        corrected = self.search("cocao", correct=True)
        self.assertTrue(corrected.corrected)
        self.assertEqual(corrected[0].id, "wire-1")

    def test_synonyms(self):
        """expand_synonyms expands every word by the database's synonyms."""
        directory = scratch(self)
        db = os.path.join(directory, "db")
        index = folio.Index(db)
        index.add(GOOD)
        synonyms = os.path.join(directory, "synonyms.txt")
        with open(synonyms, "w", encoding="utf-8") as f:
            f.write("chocolate => cocoa\n")
        self.assertEqual(index.set_synonyms(synonyms), 1)
        searcher = folio.Searcher(db)
        self.assertEqual(len(searcher.search("chocolate")), 0)
        self.assertEqual([h.id for h in searcher.search("chocolate", expand_synonyms=True)],
                         ["wire-1"])

    def test_like(self):
        """like= finds articles like an id; like_files= like a file's text."""
        results = self.search(like=["wire-2"], like_terms=5)
        self.assertNotIn("wire-2", [h.id for h in results])
        self.assertTrue(results.like_terms)
        self.assertLessEqual(len(results.like_terms), 5)
        text = os.path.join(scratch(self), "like.txt")
        with open(text, "w", encoding="utf-8") as f:
            f.write("Harbour pilots and grain shipments at the port.\n")
        self.assertTrue(self.search(like_files=[text]).like_terms)
        with self.assertRaises(folio.UsageError):
            self.search(like=["no-such-id"])
        with self.assertRaises(folio.UsageError):
            self.search(like=["wire-2"], like_terms=0)

    def test_explain(self):
        """explain gives each hit's score as parts that add up, and the feedback decision."""
        results = self.search("cocoa harvest", explain=True)
        hit = results[0]
        self.assertTrue(hit.explain)
        self.assertAlmostEqual(sum(p.weight for p in hit.explain), hit.score, places=4)
        self.assertIn("cocoa", [p.label for p in hit.explain])
        self.assertIn("reason", results.feedback)

    def test_collapse(self):
        """collapse keeps one hit per value and says how many share it."""
        results = self.search("the", collapse="source", limit=100)
        sources = [h.source for h in results]
        self.assertEqual(len(sources), len(set(sources)))
        self.assertEqual(results.collapse, "source")
        wire = [h for h in results if h.source == "wire"]
        if wire:
            self.assertEqual(wire[0].collapse[0], "wire")
        with self.assertRaises(folio.UsageError):
            self.search("the", collapse="colour")

    def test_boost_recent(self):
        """boost_recent raises recent articles' scores; bad half-lives are refused."""
        plain = {h.id: h.score for h in self.search("the", limit=100)}
        boosted = {h.id: h.score for h in
                   self.search("the", limit=100, boost_recent="10y", reference_date="20230101")}
        self.assertEqual(set(plain), set(boosted))
        self.assertTrue(any(boosted[i] > plain[i] for i in plain))
        self.assertEqual(len(self.search("the", boost_recent=365)), len(self.search("the")))
        with self.assertRaises(folio.UsageError):
            self.search("the", boost_recent="soon")

    def test_ranking_options(self):
        """k1, b, expand, feedback_threshold, proximity reach the ranking; ranges are checked."""
        default = [h.score for h in self.search("harbour pilots")]
        other = [h.score for h in self.search("harbour pilots", k1=2.0, b=0.9)]
        self.assertNotEqual(default, other)
        self.search("harbour pilots strike over pay", expand=0, feedback_threshold=0,
                    proximity=5, proximity_weight=0.5)
        for bad in ({"k1": 11}, {"b": 2}, {"limit": -1}, {"offset": -3}):
            with self.assertRaises(folio.UsageError, msg=str(bad)):
                self.search("harbour", **bad)

    def test_no_query(self):
        """No query, filter or like is a UsageError, as in the searcher."""
        with self.assertRaises(folio.UsageError):
            self.search("")

    def test_searcher_properties(self):
        """language, databases, stats; default database; context manager closes."""
        self.assertEqual(self.searcher.language, "english")
        self.assertEqual(self.searcher.databases, [self.db])
        self.assertEqual(self.searcher.stats()["articles"], GOOD_ARTICLES)
        with folio.Searcher([self.db, self.db]) as both:
            self.assertEqual(both.search("cocoa").total.estimated, 2)
        with self.assertRaises(folio.UsageError):
            both.search("cocoa")
        old = os.environ.get("FOLIO_DB")
        os.environ["FOLIO_DB"] = self.db
        try:
            self.assertEqual(folio.default_database(), self.db)
            self.assertEqual(len(folio.Searcher().search("cocoa")), 1)
        finally:
            if old is None:
                del os.environ["FOLIO_DB"]
            else:
                os.environ["FOLIO_DB"] = old

    def test_allow_partial(self):
        """A shard that cannot be reached fails the open, or with allow_partial is left out
        with a warning, on the Searcher and on each Results."""
        import socket
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        closed.close()  # nothing listens there now
        shard = "tcp://127.0.0.1:%d" % port
        with self.assertRaises(folio.DatabaseError):
            folio.Searcher([self.db, shard], remote_timeout_ms=2000)
        searcher = folio.Searcher([self.db, shard], remote_timeout_ms=2000, allow_partial=True)
        self.assertEqual(len(searcher.warnings), 1)
        self.assertIn(shard, searcher.warnings[0])
        results = searcher.search("cocoa")
        self.assertEqual([h.id for h in results], ["wire-1"])
        self.assertEqual(results.warnings, searcher.warnings)

    def test_results_outlive_the_searcher(self):
        """Hits and passages keep their results alive, after the Searcher is gone."""
        searcher = folio.Searcher(self.db)
        passage = searcher.search("cocoa")[0].passages[0]
        del searcher
        self.assertIn("cocoa", passage.text.lower())

    def test_to_json(self):
        """to_json() is searcher --json's document."""
        import json
        document = json.loads(self.search("cocoa").to_json(pretty=True))
        self.assertEqual(document["version"], 2)
        self.assertEqual(document["hits"][0]["id"], "wire-1")

    def test_help_and_module(self):
        """Classes live in folio; docstrings are there for help()."""
        self.assertEqual(folio.Searcher.__module__, "folio")
        self.assertIn("limit", folio.Searcher.search.__doc__)
        self.assertTrue(folio.__version__)
        self.assertIn("Xapian", folio.versions())


if __name__ == "__main__":
    unittest.main()
