# SPDX-License-Identifier: GPL-2.0-or-later
"""What the Python module's tests share: where the fixtures and programs are, scratch
directories, and small indexes built through the module. ctest sets the environment
(tests/CMakeLists.txt): PYTHONPATH to the built package, FOLIO_SOURCE_DIR, FOLIO_INDEXER and
FOLIO_SEARCHER."""
import json
import os
import shutil
import subprocess
import tempfile

import folio

SOURCE = os.environ.get("FOLIO_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CORPUS = os.path.join(SOURCE, "corpus")
GOOD = os.path.join(SOURCE, "tests", "data", "e2e", "good")  # 4 files, 6 articles
GOOD_ARTICLES = 6
INDEXER = os.environ.get("FOLIO_INDEXER", "folio-indexer")
SEARCHER = os.environ.get("FOLIO_SEARCHER", "folio-searcher")


def scratch(test):
    """A scratch directory removed when `test` (a TestCase, or a class in setUpClass) ends."""
    path = tempfile.mkdtemp(prefix="folio-python-")
    cleanup = test.addClassCleanup if isinstance(test, type) else test.addCleanup
    cleanup(shutil.rmtree, path, True)
    return path


def copy_good(directory):
    """A copy of tests/data/e2e/good in `directory` (to change files in); returns its path."""
    target = os.path.join(directory, "good")
    shutil.copytree(GOOD, target)
    return target


def good_index(test):
    """A database of tests/data/e2e/good built through the module; returns its path."""
    db = os.path.join(scratch(test), "db")
    summary = folio.Index(db).add(GOOD)
    assert summary.added == GOOD_ARTICLES, summary
    return db


def searcher_json(db, *args):
    """searcher --json's document for these arguments (and its exit code)."""
    run = subprocess.run([SEARCHER, "--db", db, "--json", *args], capture_output=True,
                         text=True, check=False)
    return json.loads(run.stdout) if run.stdout else None, run.returncode, run.stderr
