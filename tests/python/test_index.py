# SPDX-License-Identifier: GPL-2.0-or-later
"""folio.Index: adding, updating, rebuilding and deleting, the summary (the fields of
indexer --json), progress callbacks, and the indexer's rules for languages and locks."""
import json
import os
import subprocess
import unittest

import folio
from folio_test import GOOD, GOOD_ARTICLES, INDEXER, copy_good, scratch


class IndexTest(unittest.TestCase):
    def test_add_gives_the_summary_of_indexer_json(self):
        """add() indexes every article and its Summary has indexer --json's fields, in order."""
        directory = scratch(self)
        summary = folio.Index(os.path.join(directory, "db")).add([GOOD])
        self.assertEqual((summary.files, summary.added, summary.replaced, summary.failed),
                         (4, GOOD_ARTICLES, 0, 0))
        self.assertEqual(summary.language, "english")
        self.assertEqual(summary.exit_code, 0)
        self.assertFalse(summary.interrupted)
        run = subprocess.run([INDEXER, "--json", "--db", os.path.join(directory, "cli"), GOOD],
                             capture_output=True, text=True, check=True)
        expected = json.loads(run.stdout)
        mine = summary.as_dict()
        self.assertEqual(list(mine), list(expected))
        for key in ("files", "added", "replaced", "deleted", "unchanged", "failed", "skipped",
                    "language", "shards", "compacted", "interrupted", "diagnostics"):
            self.assertEqual(mine[key], expected[key], key)

    def test_a_second_run_reads_nothing_unchanged(self):
        """The same paths again: every file unchanged, nothing added (a path alone, as str)."""
        db = os.path.join(scratch(self), "db")
        index = folio.Index(db)
        index.add(GOOD)
        again = index.add(GOOD)
        self.assertEqual((again.added, again.replaced, again.unchanged_files), (0, 0, 4))

    def test_update_without_paths_reads_the_changed_files_the_database_records(self):
        """update() finds a changed file among those the manifest records."""
        directory = scratch(self)
        good = copy_good(directory)
        index = folio.Index(os.path.join(directory, "db"))
        index.add(good)
        with open(os.path.join(good, "news", "nato.txt"), "a", encoding="utf-8") as f:
            f.write("\nA new closing line about submarines.\n")
        summary = index.update()
        self.assertEqual((summary.replaced, summary.added, summary.unchanged_files), (1, 0, 3))
        hits = folio.Searcher(index.path).search("submarines")
        self.assertEqual([h.title for h in hits],
                         ["NATO Leaders Look to Defense, Deterrence Against Russia"])

    def test_update_without_paths_deletes_the_articles_of_files_gone(self):
        """update() deletes the articles of a recorded file that is gone, and nothing else."""
        directory = scratch(self)
        good = copy_good(directory)
        index = folio.Index(os.path.join(directory, "db"))
        index.add(good)
        os.remove(os.path.join(good, "news", "wire.jsonl"))
        summary = index.update()
        self.assertEqual((summary.deleted, summary.unchanged_files, summary.added), (3, 3, 0))
        searcher = folio.Searcher(index.path)
        self.assertEqual(searcher.search("cocoa").total.estimated, 0)
        self.assertEqual(searcher.stats()["articles"], GOOD_ARTICLES - 3)
        self.assertEqual(index.update().deleted, 0)  # forgotten: not deleted twice

    def test_update_without_paths_finds_new_files_in_the_folders_indexed(self):
        """update() goes over the folders the database was indexed from: a new file is added."""
        directory = scratch(self)
        good = copy_good(directory)
        index = folio.Index(os.path.join(directory, "db"))
        index.add(good)
        with open(os.path.join(good, "news", "fresh.txt"), "w", encoding="utf-8") as f:
            f.write("Fresh\n\nA note about marmalade.\n")
        summary = index.update()
        self.assertEqual((summary.added, summary.unchanged_files, summary.deleted), (1, 4, 0))
        self.assertEqual(folio.Searcher(index.path).search("marmalade").total.estimated, 1)

    def test_update_without_paths_keeps_a_root_that_is_gone(self):
        """A file indexed on its own and gone since keeps its articles, with a warning."""
        directory = scratch(self)
        good = copy_good(directory)
        index = folio.Index(os.path.join(directory, "db"))
        single = os.path.join(directory, "single.txt")
        with open(single, "w", encoding="utf-8") as f:
            f.write("Single\n\nA note about saxophones.\n")
        index.add([good, single])
        os.remove(single)
        summary = index.update()
        self.assertEqual((summary.deleted, summary.warnings), (0, 1))
        self.assertEqual([(d.severity, d.path) for d in summary.diagnostics],
                         [("warning", single)])
        self.assertEqual(folio.Searcher(index.path).search("saxophones").total.estimated, 1)
        self.assertEqual(index.update([single]).deleted, 1)

    def test_update_without_paths_of_a_database_without_roots(self):
        """A database that records no roots (made by an earlier version): the files it records."""
        directory = scratch(self)
        good = copy_good(directory)
        db = os.path.join(directory, "db")
        index = folio.Index(db)
        index.add(good)
        generations = [g for g in os.listdir(db) if g.startswith("gen-")]
        subprocess.run(["xapian-metadata", "set", os.path.join(db, generations[0]),
                        "folio.roots", ""], check=True)
        os.remove(os.path.join(good, "news", "wire.jsonl"))
        with open(os.path.join(good, "news", "fresh.txt"), "w", encoding="utf-8") as f:
            f.write("Fresh\n\nA note about marmalade.\n")
        summary = index.update()
        self.assertEqual((summary.deleted, summary.added), (3, 0))  # the new file is not seen

    def test_update_with_paths_deletes_what_is_gone(self):
        """update(paths) is the indexer's run: a file removed under a path loses its articles."""
        directory = scratch(self)
        good = copy_good(directory)
        index = folio.Index(os.path.join(directory, "db"))
        index.add(good)
        os.remove(os.path.join(good, "news", "wire.jsonl"))
        summary = index.update([good])
        self.assertEqual(summary.deleted, 3)
        self.assertEqual(folio.Searcher(index.path).search("cocoa").total.estimated, 0)

    def test_rebuild_switches_to_a_new_generation(self):
        """rebuild() builds a fresh generation of only the paths named."""
        directory = scratch(self)
        index = folio.Index(os.path.join(directory, "db"))
        first = index.add(GOOD)
        summary = index.rebuild([os.path.join(GOOD, "books")])
        self.assertNotEqual(summary.generation, first.generation)
        self.assertEqual(summary.added, 1)
        self.assertEqual(folio.Searcher(index.path).search("nato").total.estimated, 0)
        with self.assertRaises(folio.UsageError) as caught:
            index.rebuild([os.path.join(directory, "missing")])
        self.assertIn("not rebuilding", str(caught.exception))

    def test_delete_by_id(self):
        """delete() removes the named articles, counts only those it held, keeps the others."""
        db = os.path.join(scratch(self), "db")
        index = folio.Index(db)
        index.add(GOOD)
        self.assertEqual(index.delete(["wire-1", "wire-2", "no-such-id"]), 2)
        self.assertEqual(index.delete("wire-1"), 0)
        searcher = folio.Searcher(db)
        self.assertEqual(searcher.search("cocoa").total.estimated, 0)
        self.assertEqual(searcher.stats()["articles"], GOOD_ARTICLES - 2)

    def test_progress_callback(self):
        """progress gets Progress objects on the calling thread, the last one complete."""
        seen = []
        folio.Index(os.path.join(scratch(self), "db")).add(GOOD, progress=seen.append)
        self.assertTrue(seen)
        last = seen[-1]
        self.assertIsInstance(last, folio.Progress)
        self.assertEqual((last.files_done, last.files_total), (4, 4))
        self.assertEqual(last.bytes_done, last.bytes_total)
        self.assertEqual(last.articles, GOOD_ARTICLES)

    def test_an_exception_in_progress_stops_the_run_and_is_raised(self):
        """An exception raised by the callback comes out of add(), after the run stopped."""
        class Stop(Exception):
            pass

        def stop(progress):
            raise Stop(progress.files_total)

        with self.assertRaises(Stop):
            folio.Index(os.path.join(scratch(self), "db")).add(GOOD, progress=stop)

    def test_bad_files_are_diagnostics_not_exceptions(self):
        """A malformed JSON Lines record is counted as failed and listed in diagnostics."""
        directory = scratch(self)
        bad = os.path.join(directory, "bad.jsonl")
        with open(bad, "w", encoding="utf-8") as f:
            f.write('{"id": "x", "title": "Fine", "body": "good text"}\n{not json\n')
        summary = folio.Index(os.path.join(directory, "db")).add([bad])
        self.assertEqual((summary.added, summary.failed, summary.exit_code), (1, 1, 1))
        [diagnostic] = summary.diagnostics
        self.assertEqual((diagnostic.severity, diagnostic.line), ("error", 2))
        self.assertTrue(diagnostic.path.endswith("bad.jsonl"))

    def test_language(self):
        """A new database takes language=; an existing one refuses another; bad names raise."""
        db = os.path.join(scratch(self), "db")
        self.assertEqual(folio.Index(db, language="fr").add(GOOD).language, "french")
        with self.assertRaises(folio.UsageError) as caught:
            folio.Index(db, language="german").add(GOOD)
        self.assertIn("use --rebuild to change the language", str(caught.exception))
        with self.assertRaises(folio.UsageError):
            folio.Index(db, language="klingon")
        self.assertIn("english", folio.languages())

    def test_plan_changes_nothing(self):
        """plan() lists what add() would do, as indexer --dry-run does."""
        db = os.path.join(scratch(self), "db")
        plan = folio.Index(db).plan(GOOD)
        self.assertEqual(len(plan.add), 4)
        self.assertEqual((plan.update, plan.delete, plan.unchanged), ([], [], 0))
        self.assertFalse(os.path.exists(os.path.join(db, "XAPIANDB")))

    def test_shards_jobs_and_memory(self):
        """shards= and jobs= reach the run; memory= below 16 MiB is refused."""
        summary = folio.Index(os.path.join(scratch(self), "db"), shards=2, jobs=2).add(GOOD)
        self.assertEqual((summary.shards, summary.added), (2, GOOD_ARTICLES))
        with self.assertRaises(folio.UsageError):
            folio.Index("x", memory=1 << 20)

    def test_paths_may_be_path_objects(self):
        """os.PathLike works wherever a path does."""
        import pathlib
        db = pathlib.Path(scratch(self)) / "db"
        index = folio.Index(db)
        self.assertEqual(index.add([pathlib.Path(GOOD) / "books"]).added, 1)
        self.assertEqual(len(folio.Searcher(db).search("ishmael")), 1)


if __name__ == "__main__":
    unittest.main()
