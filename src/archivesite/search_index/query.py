"""How a query's text becomes the terms the index is searched for, as the browser engine
(``static/assets/search-engine.js``) takes them; for tests and benchmarks.
"""

from __future__ import annotations

from ..stemming import terms


def query_terms(text: str) -> list[str]:
    """The distinct terms of a query, as the browser engine takes them (tests, bench)."""
    return list(dict.fromkeys(terms(text)))
