"""Search a corpus: a concordance of turns by words, CA features, codes and who speaks.

    from cakit.search import CorpusIndex, index_file
    index = CorpusIndex([index_file(transcript, codes) for transcript, codes in pairs])
    hits = index.search("role=patient & question >>2 role=clinician & laugh")

The modules, in the order a search runs: `query` (the syntax, parsed into a frozen tree
that remembers columns, `QueryError` for every malformed query), `index` (what a search
sees in each turn of one transcript, built once), `match` (the corpus index and the
matcher), `kwic` (hits as lines of talk with what matched marked, de-identified) and
`render` (table, CSV, JSON, Markdown, HTML, excerpts). docs/search.md has the syntax.
"""

from __future__ import annotations

from cakit.search.index import FileIndex, Unit, index_file
from cakit.search.match import CorpusIndex, Hit
from cakit.search.query import Query, QueryError, Vocabulary, parse_query

__all__ = ["CorpusIndex", "FileIndex", "Hit", "Query", "QueryError", "Unit", "Vocabulary",
           "index_file", "parse_query"]
