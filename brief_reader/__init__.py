"""brief-reader's headless core: articles, the library, annotations and export.

Nothing in this package imports Textual or Whoosh, so scripts and tests can drive it without a
terminal (a test checks this in a subprocess).
"""

__version__ = "0.1.0"
