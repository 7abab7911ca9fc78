# SPDX-License-Identifier: GPL-2.0-or-later
"""Errors: every one a subclass of folio.Error, with the message the programs print after
'error: ' (checked against the real searcher and indexer), and its details as attributes."""
import os
import subprocess
import unittest

import folio
from folio_test import GOOD, INDEXER, SEARCHER, good_index, scratch


def program_error(*command):
    """The message a program prints on stderr after 'PROGRAM: error: ', and its exit code."""
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    first = run.stderr.splitlines()[0]
    return first.split(": error: ", 1)[1], run.returncode


class ErrorsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = good_index(cls)

    def test_hierarchy(self):
        """One base, four kinds, each an Exception."""
        for kind in (folio.QueryError, folio.DatabaseError, folio.UsageError, folio.InputError):
            self.assertTrue(issubclass(kind, folio.Error), kind)
        self.assertTrue(issubclass(folio.Error, Exception))
        self.assertTrue(folio.QueryError.__doc__)

    def test_query_error_as_the_searcher_reports_it(self):
        """A malformed query: the searcher's message, the query and the fault's column."""
        searcher = folio.Searcher(self.db)
        for query in ("(nato", "nato AND", 'title:"unclosed', "nato NEAR/x allies"):
            expected, status = program_error(SEARCHER, "--db", self.db, "--", query)
            if status != 2:
                continue  # the searcher accepts it: so must the module
            with self.assertRaises(folio.QueryError, msg=query) as caught:
                searcher.search(query)
            error = caught.exception
            self.assertEqual(str(error), expected)
            self.assertEqual(error.reason, expected)
            self.assertEqual(error.query, query)
            self.assertIsInstance(error.column, int)
        with self.assertRaises(folio.QueryError) as caught:
            searcher.search("(nato")
        self.assertEqual(caught.exception.column, 0)

    def test_wildcard_limit_as_the_searcher_applies_it(self):
        """A wildcard past wildcard_limit: QueryError with the searcher's message; raised, it
        is searched."""
        searcher = folio.Searcher(self.db)
        expected, status = program_error(SEARCHER, "--db", self.db, "--wildcard-limit", "1", "a*")
        self.assertEqual(status, 2)
        with self.assertRaises(folio.QueryError) as caught:
            searcher.search("a*", wildcard_limit=1)
        self.assertEqual(str(caught.exception), expected)
        self.assertGreater(searcher.search("a*", wildcard_limit=65536).total.estimated, 0)
        with self.assertRaises(folio.UsageError):
            searcher.search("a*", wildcard_limit=0)

    def test_database_error_as_the_searcher_reports_it(self):
        """A database that is not there: the searcher's message."""
        missing = os.path.join(scratch(self), "missing")
        expected, status = program_error(SEARCHER, "--db", missing, "nato")
        self.assertEqual(status, 2)
        with self.assertRaises(folio.DatabaseError) as caught:
            folio.Searcher(missing)
        self.assertEqual(str(caught.exception), expected)

    def test_not_a_database(self):
        """A directory of files is not a Folio database: DatabaseError, as the searcher says."""
        expected, _ = program_error(SEARCHER, "--db", GOOD, "nato")
        with self.assertRaises(folio.DatabaseError) as caught:
            folio.Searcher(GOOD)
        self.assertEqual(str(caught.exception), expected)

    def test_usage_errors(self):
        """Bad options are UsageErrors: facets, collapse, like, languages."""
        searcher = folio.Searcher(self.db)
        expected, _ = program_error(SEARCHER, "--db", self.db, "--facet", "colour", "nato")
        with self.assertRaises(folio.UsageError) as caught:
            searcher.search("nato", facets="colour")
        self.assertEqual(str(caught.exception), expected)
        expected, _ = program_error(SEARCHER, "--db", self.db, "--like", "nobody")
        with self.assertRaises(folio.UsageError) as caught:
            searcher.search(like="nobody")
        self.assertEqual(str(caught.exception), expected)
        expected, _ = program_error(SEARCHER, "--db", self.db, "--boost-recent", "soon", "nato")
        with self.assertRaises(folio.UsageError) as caught:
            searcher.search("nato", boost_recent="soon")
        self.assertEqual(str(caught.exception), expected)
        with self.assertRaises(folio.UsageError):
            folio.Index(self.db, language="klingon")

    def test_input_error(self):
        """A --like-file that holds no article: InputError naming the file."""
        empty = os.path.join(scratch(self), "empty.txt")
        open(empty, "w").close()
        expected, _ = program_error(SEARCHER, "--db", self.db, "--like-file", empty)
        with self.assertRaises(folio.InputError) as caught:
            folio.Searcher(self.db).search(like_files=empty)
        self.assertEqual(str(caught.exception), expected)
        self.assertEqual(caught.exception.path, empty)

    def test_locked_database(self):
        """A database another indexer holds: DatabaseError (the indexer's message)."""
        import fcntl
        db = os.path.join(scratch(self), "db")
        folio.Index(db).add(os.path.join(GOOD, "books"))
        lock = [os.path.join(db, name) for name in os.listdir(db) if "lock" in name]
        self.assertTrue(lock, os.listdir(db))
        with open(lock[0], "a") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            expected, status = program_error(INDEXER, "--db", db, GOOD)
            self.assertEqual(status, 2)
            with self.assertRaises(folio.DatabaseError) as caught:
                folio.Index(db).add(GOOD)
            self.assertEqual(str(caught.exception).split(" (pid")[0], expected.split(" (pid")[0])
            with self.assertRaises(folio.DatabaseError):
                folio.Index(db).delete(["x"])


if __name__ == "__main__":
    unittest.main()
