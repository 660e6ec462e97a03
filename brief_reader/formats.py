"""Which files hold articles, and how big they may be: light constants, no reading stack.

Kept apart from `brief_reader.reading` so that listing a library (and loading it from the
article cache) does not import the parsers that only reading a file needs.
"""

from __future__ import annotations

ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"})
DATASET_SUFFIXES = frozenset({".csv", ".tsv", ".jsonl", ".ndjson", ".json"})
SUPPORTED_SUFFIXES = ARTICLE_SUFFIXES | DATASET_SUFFIXES

MAX_ARTICLE_BYTES = 5 * 1024 * 1024
