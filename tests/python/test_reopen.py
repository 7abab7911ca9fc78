# SPDX-License-Identifier: GPL-2.0-or-later
"""A database updated while a Searcher is open: the Searcher sees the new revision after
reopen(), after an update and after a rebuild that switched generations."""
import os
import shutil
import unittest

import folio
from folio_test import GOOD, scratch


class ReopenTest(unittest.TestCase):
    def test_sees_an_update_after_reopen(self):
        """Articles added after the Searcher opened are found once it reopens."""
        directory = scratch(self)
        db = os.path.join(directory, "db")
        index = folio.Index(db)
        index.add(os.path.join(GOOD, "books"))
        searcher = folio.Searcher(db)
        self.assertEqual(len(searcher.search("cocoa")), 0)
        self.assertEqual(index.add(os.path.join(GOOD, "news")).added, 5)
        searcher.reopen()
        self.assertEqual([h.id for h in searcher.search("cocoa")], ["wire-1"])
        self.assertEqual(searcher.stats()["articles"], 6)

    def test_sees_a_deletion_after_reopen(self):
        """Articles deleted by id are gone once it reopens."""
        db = os.path.join(scratch(self), "db")
        index = folio.Index(db)
        index.add(GOOD)
        searcher = folio.Searcher(db)
        self.assertEqual(len(searcher.search("cocoa")), 1)
        self.assertEqual(index.delete(["wire-1"]), 1)
        searcher.reopen()
        self.assertEqual(len(searcher.search("cocoa")), 0)

    def test_sees_a_rebuild_after_reopen(self):
        """A rebuild switches generations: old results until reopen(), the new index after."""
        directory = scratch(self)
        db = os.path.join(directory, "db")
        source = os.path.join(directory, "articles")
        shutil.copytree(GOOD, source)
        index = folio.Index(db)
        index.add(source)
        searcher = folio.Searcher(db)
        self.assertEqual(len(searcher.search("ishmael")), 1)
        shutil.rmtree(os.path.join(source, "books"))
        index.rebuild(source)
        searcher.reopen()
        self.assertEqual(len(searcher.search("ishmael")), 0)
        self.assertEqual(len(searcher.search("cocoa")), 1)


if __name__ == "__main__":
    unittest.main()
