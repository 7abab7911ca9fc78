# SPDX-License-Identifier: GPL-2.0-or-later
"""Folio, full-text search for article collections, from Python.

The same library as the indexer and searcher programs, without a process per query:

    import folio
    index = folio.Index("articles.db")
    summary = index.add(["corpus"])           # a Summary: the fields of indexer --json
    searcher = folio.Searcher("articles.db")
    for hit in searcher.search('"nato allies"', limit=5):
        print(hit.rank, hit.title, hit.date)
        for passage in hit.passages:
            print("  ", passage.text, passage.char_highlights)

Searcher.search takes the searcher program's options as keyword arguments and returns
Results, a sequence of Hit; Searcher.pages and Searcher.hits walk every page. Errors are
raised as subclasses of folio.Error with the programs' messages: QueryError, UsageError,
DatabaseError, InputError. Searching and indexing release the GIL, so threads, each with its
own Searcher, search in parallel.
"""
from typing import Any, Iterator

from ._folio import (  # noqa: F401 (re-exported)
    DatabaseError,
    Diagnostic,
    Error,
    Explanation,
    Facet,
    FacetValue,
    Hit,
    Index,
    InputError,
    Passage,
    Plan,
    Progress,
    QueryError,
    Results,
    Searcher,
    Summary,
    Total,
    UsageError,
    __version__,
    default_database,
    languages,
    versions,
)


def _pages(self: Searcher, query: str = "", page_size: int = 10, **options: Any) -> Iterator[Results]:
    """Yields the Results of query page by page, page_size hits each (search's keyword
    options apply; offset= starts later), until a page comes back short."""
    if page_size < 1:
        raise UsageError("page_size: value %d not in range 1 to %d" % (page_size, 2**62))
    offset = options.pop("offset", 0)
    options.pop("limit", None)
    while True:
        page = self.search(query, limit=page_size, offset=offset, **options)
        if len(page):
            yield page
        if len(page) < page_size:
            return
        offset += len(page)


def _hits(self: Searcher, query: str = "", page_size: int = 100, **options: Any) -> Iterator[Hit]:
    """Yields every Hit of query, in order, fetching page_size at a time (see pages)."""
    for page in self.pages(query, page_size, **options):
        yield from page


Searcher.pages = _pages  # type: ignore[attr-defined]
Searcher.hits = _hits  # type: ignore[attr-defined]

__all__ = [
    "DatabaseError", "Diagnostic", "Error", "Explanation", "Facet", "FacetValue", "Hit", "Index",
    "InputError", "Passage", "Plan", "Progress", "QueryError", "Results", "Searcher", "Summary",
    "Total", "UsageError", "default_database", "languages", "versions",
]

# The classes' home is the package, for help(folio) and repr().
for _name in __all__:
    _object = globals()[_name]
    if isinstance(_object, type):
        _object.__module__ = __name__
del _name, _object
