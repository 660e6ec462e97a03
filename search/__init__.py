"""Finding text: the persistent search index and its query language (headless; no Textual)."""
