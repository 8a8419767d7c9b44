"""The static search index: written whole from a stream of records, or updated by delta files.

Owns the layout ``docs/search-index-format.md`` describes (``static/assets/search-engine.js``
reads it) and promises:

- :func:`write_index` reads its records once, holding at most :data:`RUN_POSTINGS`
  postings in memory (the rest go to sorted runs on disk, merged at the end), so a
  million records index in bounded memory; the new index is built in a temporary folder
  and swapped in, so a kill leaves the old one whole.
- :func:`update_index` makes edits, additions and removals searchable by writing small
  delta files and a new manifest (renamed into place last); only the files that show the
  changed documents are written, and a term file's delta is folded into it when it grows.
- Every file but ``manifest.json``, ``built-from.txt`` and the updater's URL buckets
  (``u/``) is named by a stamp of its content, so a browser may cache it for long.
- Output is a function of the records: the same records give byte-identical files.

One stage a module, data flowing one way: :mod:`.records` (what a record holds and the
terms counted in it), :mod:`.files` (the folder's layout, its encoding and its manifest),
:mod:`.write` (the whole index), :mod:`.update` (delta files and folding), :mod:`.query`
(a query's terms). The names below are re-exported for callers; a tunable such as
:data:`RUN_POSTINGS` or :data:`FOLD_BYTES` is read from the module that uses it, so a test
that changes one sets it there (``search_index.write.RUN_POSTINGS``).
"""

from __future__ import annotations

from .files import (
    BUILT_FROM,
    DOC_CHUNK,
    FORMAT,
    MANIFEST,
    added_documents,
    by_number,
    indexed_keys,
    read_manifest,
    remove_leftovers,
    remove_partial,
    shown_at,
    term_stamp,
    voided,
)
from .query import query_terms
from .records import (
    EXCERPT_CHARS,
    FACETS,
    MAX_TF,
    TITLE_WEIGHT,
    IndexStats,
    SearchRecord,
    doc_meta,
    excerpt_source,
    plain_text,
    sort_key,
    term_counts,
)
from .update import (
    FOLD_BYTES,
    FOLD_SHARE,
    REWRITE_ADDED,
    REWRITE_SHARE,
    due_for_rewrite,
    update_index,
)
from .write import (
    COUNT_CHUNK,
    MAX_RECORDS,
    PARALLEL_AFTER,
    RUN_POSTINGS,
    TERM_FILE_BYTES,
    URLS_PER_BUCKET,
    write_index,
)

__all__ = [
    "BUILT_FROM",
    "COUNT_CHUNK",
    "DOC_CHUNK",
    "EXCERPT_CHARS",
    "FACETS",
    "FOLD_BYTES",
    "FOLD_SHARE",
    "FORMAT",
    "MANIFEST",
    "MAX_RECORDS",
    "MAX_TF",
    "PARALLEL_AFTER",
    "REWRITE_ADDED",
    "REWRITE_SHARE",
    "RUN_POSTINGS",
    "TERM_FILE_BYTES",
    "TITLE_WEIGHT",
    "URLS_PER_BUCKET",
    "IndexStats",
    "SearchRecord",
    "added_documents",
    "by_number",
    "doc_meta",
    "due_for_rewrite",
    "excerpt_source",
    "indexed_keys",
    "plain_text",
    "query_terms",
    "read_manifest",
    "remove_leftovers",
    "remove_partial",
    "shown_at",
    "sort_key",
    "term_counts",
    "term_stamp",
    "update_index",
    "voided",
    "write_index",
]
