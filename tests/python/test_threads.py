# SPDX-License-Identifier: GPL-2.0-or-later
"""Threads: searches release the GIL (other Python threads run meanwhile), two threads each
with their own Searcher get the results one thread gets, and calls on one shared Searcher
take turns instead of racing."""
import fcntl
import os
import socket
import threading
import time
import unittest

import folio
from folio_test import CORPUS, GOOD, good_index, scratch

QUERIES = ["nato", "cocoa OR grain", '"harbour pilots"', "ishmael sea", "the", "café",
           "year:1987", "whaling OR shipping"]


def answers(searcher, queries):
    return [[(h.id, round(h.score, 6), [p.text for p in h.passages])
             for h in searcher.search(q, limit=5, facets="source")] for q in queries]


class ThreadsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = good_index(cls)

    def test_two_threads_with_their_own_searchers(self):
        """Two threads searching at once get exactly what one thread alone gets."""
        expected = answers(folio.Searcher(self.db), QUERIES)
        results, errors = {}, []

        def work(name):
            try:
                searcher = folio.Searcher(self.db)
                results[name] = [answers(searcher, QUERIES) for _ in range(30)]
            except Exception as e:  # reported by the main thread
                errors.append(e)

        threads = [threading.Thread(target=work, args=(n,)) for n in ("a", "b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        for name in ("a", "b"):
            for got in results[name]:
                self.assertEqual(got, expected)

    def test_one_searcher_shared_takes_turns(self):
        """Threads sharing a Searcher are serialised inside it: no crash, the same answers."""
        searcher = folio.Searcher(self.db)
        expected = answers(searcher, QUERIES)
        got, errors = [], []

        def work():
            try:
                for _ in range(20):
                    got.append(answers(searcher, QUERIES))
            except Exception as e:
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(got), 60)
        self.assertTrue(all(g == expected for g in got))

    def test_the_gil_is_released_while_opening_and_searching(self):
        """While one thread waits inside the library (a shard server that never answers),
        the main thread runs Python code: the GIL is not held across the call."""
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        self.addCleanup(server.close)
        address = "tcp://127.0.0.1:%d" % server.getsockname()[1]
        outcome = []

        def open_remote():
            try:
                folio.Searcher(address, remote_timeout_ms=4000)
            except folio.Error as e:
                outcome.append(e)

        thread = threading.Thread(target=open_remote)
        thread.start()
        time.sleep(0.5)  # the thread is now waiting for the server's greeting
        total = sum(range(200000))  # needs the GIL
        still_waiting = thread.is_alive()
        thread.join()
        self.assertEqual(total, 19999900000)
        self.assertTrue(still_waiting, "the main thread only ran once the call returned")
        self.assertEqual(len(outcome), 1)
        self.assertIsInstance(outcome[0], folio.DatabaseError)

    def test_the_gil_is_released_while_indexing(self):
        """An Index waiting for the database's lock (wait_lock=True) lets other threads run."""
        db = os.path.join(scratch(self), "db")
        folio.Index(db).add(os.path.join(GOOD, "books"))
        lock = os.path.join(db, "folio.lock")
        done = []
        with open(lock, "a") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            thread = threading.Thread(
                target=lambda: done.append(folio.Index(db, wait_lock=True).add(GOOD)))
            thread.start()
            time.sleep(0.5)
            total = sum(range(200000))
            self.assertTrue(thread.is_alive())
            self.assertEqual(done, [])
            fcntl.flock(held, fcntl.LOCK_UN)
        thread.join()
        self.assertEqual(total, 19999900000)
        self.assertEqual(done[0].added, 5)

    @unittest.skipUnless(os.path.isdir(CORPUS), "no corpus/")
    def test_threads_search_in_parallel(self):
        """Two threads searching the bundled corpus finish; the time each took is printed
        (parallel speed is measured by bench/python_bench.py, not asserted here)."""
        db = os.path.join(scratch(self), "corpus-db")
        folio.Index(db).add(os.path.join(CORPUS, "sotu"))
        queries = ["union", "war AND peace", '"federal government"', "tax*", "slavery"] * 10
        searchers = [folio.Searcher(db), folio.Searcher(db)]
        start = time.perf_counter()
        for q in queries:
            searchers[0].search(q, exact=True)
        alone = time.perf_counter() - start
        threads = [threading.Thread(target=lambda s=s: [s.search(q, exact=True) for q in queries])
                   for s in searchers]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        both = time.perf_counter() - start
        print("\none thread: %.3f s for %d searches; two threads: %.3f s for %d"
              % (alone, len(queries), both, 2 * len(queries)))


if __name__ == "__main__":
    unittest.main()
