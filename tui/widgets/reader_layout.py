"""The reader's layout: an article wrapped at a width into screen lines, and its sentences."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len

from brief_reader.article import Article, BlockKind
from brief_reader.sentences import split_sentences

UNIQUE_BANNER = "Only this source: shared text dimmed (u: back)"


@dataclass(frozen=True, slots=True)
class Line:
    """One screen line: a slice [start, end) of the body, or a header line (start = -1)."""

    start: int
    end: int
    kind: BlockKind | None
    prefix: str
    header: str = ""
    header_style: str = ""


def sentence_spans(article: Article) -> list[tuple[int, int]]:
    """The sentences of the body as spans; a heading or list item is one span."""
    spans: list[tuple[int, int]] = []
    for block in article.blocks:
        if block.kind is not BlockKind.PARAGRAPH:
            spans.append((block.start, block.end))
            continue
        # The core's one splitter: "The U.S." or "Mr." never ends a sentence here either.
        text = article.body[block.start : block.end]
        spans.extend((block.start + s, block.start + e) for s, e in split_sentences(text))
    return [(s, e) for s, e in spans if e > s]


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of `text` to `width` cells, as (start, end) offsets into `text`."""
    width = max(width, 8)
    out: list[tuple[int, int]] = []
    start = 0
    length = len(text)
    while start < length:
        end = start
        cells = 0
        last_break = -1
        while end < length:
            cells += cell_len(text[end])
            if cells > width:
                break
            if text[end] == " ":
                last_break = end
            end += 1
        if end >= length:
            out.append((start, length))
            break
        cut = last_break if last_break > start else end
        out.append((start, cut))
        start = cut + 1 if cut < length and text[cut] == " " else cut
    return out or [(0, 0)]


def layout_lines(article: Article | None, width: int, *, unique: bool = False) -> list[Line]:
    """The screen lines of `article` at `width` cells: its title, its outlet line, then each
    block wrapped (list items indented under their bullet); the banner of the `u` view first."""
    lines: list[Line] = []
    if article is not None:
        if unique:
            for start, end in wrap_offsets(UNIQUE_BANNER, width):
                lines.append(Line(-1, -1, None, "", UNIQUE_BANNER[start:end], "unique"))
        for start, end in wrap_offsets(article.title, width):
            lines.append(Line(-1, -1, None, "", article.title[start:end], "reader--title"))
        facts = " · ".join(
            part
            for part in (
                article.source or "unknown outlet",
                article.date,
                f"credit: {article.credit}" if article.credit else None,
                " ".join(f"#{t}" for t in article.tags) or None,
            )
            if part
        )
        for start, end in wrap_offsets(facts, width):
            lines.append(Line(-1, -1, None, "", facts[start:end], "reader--meta"))
        for block in article.blocks:
            lines.append(Line(-1, -1, None, ""))
            text = article.body[block.start : block.end]
            indent = 2 if block.kind is BlockKind.ITEM else 0
            for index, (start, end) in enumerate(wrap_offsets(text, width - indent)):
                prefix = ""
                if block.kind is BlockKind.ITEM:
                    prefix = "• " if index == 0 else "  "
                lines.append(Line(block.start + start, block.start + end, block.kind, prefix))
    return lines
