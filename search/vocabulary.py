"""The words the index has seen, as written (folded) and as stemmed, kept beside the index.

The index holds stems, but people type words: `government*` must find `governments`, whose stem
`govern` does not start with `government`, and `goverment~` must find `government`. Prefix,
wildcard and fuzzy words, and did-you-mean suggestions, are therefore matched against this
vocabulary of raw words, then searched by their stems.

The file only grows between rebuilds; a word whose articles were deleted is harmless (its stem
simply finds nothing). It is written before the index commit that needs it, atomically.
"""

from __future__ import annotations

import bisect
import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

FILE_NAME = "vocabulary.json"
_FORMAT = 1


class Vocabulary:
    """Raw words and their stems, with fast prefix, pattern and edit-distance lookups."""

    def __init__(self, words: dict[str, str] | None = None) -> None:
        self.words: dict[str, str] = dict(words or {})
        self._sorted: list[str] | None = None

    def __len__(self) -> int:
        return len(self.words)

    @property
    def sorted_words(self) -> list[str]:
        """The raw words in order (built on first use)."""
        if self._sorted is None:
            self._sorted = sorted(self.words)
        return self._sorted

    def stem(self, raw: str) -> str:
        """The stem of a raw word (the word itself when unknown)."""
        return self.words.get(raw, raw)

    def with_prefix(self, prefix: str) -> list[str]:
        """Raw words starting with `prefix`."""
        words = self.sorted_words
        start = bisect.bisect_left(words, prefix)
        end = bisect.bisect_left(words, prefix + "\U0010ffff")
        return words[start:end]

    def matching(self, pattern: re.Pattern[str]) -> list[str]:
        """Raw words the whole of which `pattern` matches."""
        return [w for w in self.sorted_words if pattern.fullmatch(w)]

    def _edits_from(self, word: str, maxdist: int, limit: int | None) -> list[tuple[str, int, int]]:
        """(word, edit distance, index) for the words at most `maxdist` edits from `word`."""
        if not self.words:
            return []
        return process.extract(
            word,
            self.sorted_words,
            scorer=Levenshtein.distance,
            score_cutoff=maxdist,
            limit=limit,
        )

    def within(self, word: str, maxdist: int, prefixlength: int = 0) -> list[str]:
        """Raw words at most `maxdist` edits from `word`, sharing its first `prefixlength` chars."""
        found = self._edits_from(word, maxdist, limit=None)
        prefix = word[:prefixlength]
        return [choice for choice, _, _ in found if choice.startswith(prefix)]

    def nearest(self, word: str, maxdist: int) -> list[tuple[str, int]]:
        """Raw words other than `word` within `maxdist` edits, with the distance, nearest first."""
        found = self._edits_from(word, maxdist, limit=50)
        return sorted(
            ((choice, int(distance)) for choice, distance, _ in found if choice != word),
            key=lambda pair: pair[1],
        )

    def merged(self, entries: Iterable[tuple[str, str, bytes]]) -> Vocabulary:
        """A vocabulary with these (raw, stem, _) analyses added."""
        words = dict(self.words)
        for raw, stem, _ in entries:
            if raw:
                words[raw] = stem
        return Vocabulary(words)

    @classmethod
    def load(cls, folder: Path) -> Vocabulary:
        """The vocabulary saved in `folder`; empty when missing or unreadable."""
        try:
            data = json.loads((folder / FILE_NAME).read_text(encoding="utf-8"))
            if data.get("format") != _FORMAT or not isinstance(data.get("words"), dict):
                return cls()
            return cls({str(k): str(v) for k, v in data["words"].items()})
        except (OSError, ValueError, AttributeError):
            return cls()

    def save(self, folder: Path) -> None:
        """Write the vocabulary to `folder` atomically."""
        text = json.dumps({"format": _FORMAT, "words": self.words}, ensure_ascii=False)
        fd, name = tempfile.mkstemp(prefix=".vocabulary-", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(name, folder / FILE_NAME)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
