"""Text as Markdown that shows it literally: titles, quotes, tags, notes and front matter.

Every piece of user or article text in an export goes through here. Plain text (titles, quotes,
outlets) is escaped wholly; a note keeps its inline Markdown (emphasis, links, code spans, lists)
but can neither open a block that reaches past it (heading, quote, fence, HTML block, rule) nor
carry live HTML anywhere: `<` and character references are backslashed outside code spans, so
renderers that allow HTML (Obsidian, many viewers) never run a note's `<script>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml

from brief_reader.sanitize import strip_controls

# Characters that start inline Markdown (or Obsidian) syntax anywhere in a line.
_INLINE = re.compile(r"([\\`*_\[\]<>#|~$])")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_LIST_MARKER = re.compile(r"(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$)")
_RULE_OR_UNDERLINE = re.compile(r"[-=*_+ \t]+")
_BLOCK_STARTERS = ("#", ">", "<", "[", "`", "~", "|", "$", "%", "=", "+", "-", "*", "_", ":")
_SAFE_URL = re.compile(r"https?://[^\s<>\"`\\]+")
_OBSIDIAN_TAG = re.compile(r"[^\W_][\w/-]*")


def escape_text(text: str) -> str:
    """Plain text (a title, a quote line) as Markdown that shows it literally, on one line."""
    text = " ".join(strip_controls(text).split())
    return _escape_line_start(_escape_inline(text))


def _escape_inline(text: str) -> str:
    text = _INLINE.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    # Obsidian comments (%%) and highlights (==) have no closing rule that stops at a block.
    return text.replace("%%", "%\\%").replace("==", "=\\=")


def _escape_line_start(line: str) -> str:
    """Keep a line from starting a block: heading, quote, fence, HTML, list, rule, table..."""
    stripped = line.lstrip(" \t")
    indent = line[: len(line) - len(stripped)]
    if not stripped:
        return line
    if _RULE_OR_UNDERLINE.fullmatch(stripped) or _LIST_MARKER.match(stripped):
        return indent + _escape_first(stripped)
    if stripped.startswith(_BLOCK_STARTERS) and not stripped.startswith("\\"):
        return indent + "\\" + stripped
    return line


def _escape_first(text: str) -> str:
    """Backslash the character that makes `text` a list item, a rule or a setext underline."""
    match = re.match(r"\d{1,9}", text)
    at = match.end() if match else 0
    return text[:at] + "\\" + text[at:]


def escape_note(note: str) -> list[str]:
    """A user's Markdown note as lines, inline formatting kept, block structure neutralised.

    Notes may use emphasis, links and code spans, and lists; they may not open headings, block
    quotes, code fences, HTML blocks, rules, setext underlines or link definitions, at the start
    of a line or of a list item, because those would reach past the note into the document.
    """
    lines: list[str] = []
    for raw in strip_controls(note).strip("\n").split("\n"):
        line = raw.rstrip()
        line = line.replace("%%", "%\\%").replace("$$", "$\\$")
        lines.append(_escape_note_line(line))
    return _escape_html(lines)


_BACKTICKS = re.compile(r"`+")


def _escape_html(lines: list[str]) -> list[str]:
    """Backslash every `<` (and `&` of a character reference) outside code spans: no live HTML.

    Renderers that allow HTML (Obsidian, many viewers) would run a note's `<script>`, `<img
    onerror>` or `<iframe>`. Code spans are kept as written only where they are unambiguous (on
    one line, no backslashed backtick, no table pipe in them): elsewhere everything is escaped,
    which at worst shows a backslash inside a code span.
    """
    out: list[str] = []
    paragraph: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            paragraph.append(line)
            continue
        if paragraph:
            text = "\n".join(paragraph)
            out += _escape_outside(text, _code_spans(text)).split("\n")
            paragraph = []
        out.append(line)
    return out[:-1]


def _code_spans(text: str) -> list[tuple[int, int]]:
    """The code spans of one paragraph as CommonMark finds them, or none where any is unclear."""
    runs = list(_BACKTICKS.finditer(text))
    for run in runs:
        if _backslashes_before(text, run.start()) % 2:
            return []  # an escaped backtick: leave the reckoning to nobody, escape everything
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        width = len(runs[index].group())
        later = range(index + 1, len(runs))
        closing = next((j for j in later if len(runs[j].group()) == width), None)
        if closing is None:
            index += 1
            continue
        start, end = runs[index].start(), runs[closing].end()
        if "\n" in text[start:end] or "|" in text[start:end]:
            return []
        spans.append((start, end))
        index = closing + 1
    return spans


def _backslashes_before(text: str, at: int) -> int:
    count = 0
    while at - count - 1 >= 0 and text[at - count - 1] == "\\":
        count += 1
    return count


def _escape_outside(text: str, spans: list[tuple[int, int]]) -> str:
    pieces: list[str] = []
    inside = iter(spans)
    span = next(inside, None)
    for at, char in enumerate(text):
        while span is not None and at >= span[1]:
            span = next(inside, None)
        in_code = span is not None and span[0] <= at < span[1]
        live = char == "<" or (char == "&" and _ENTITY.match(text, at) is not None)
        if live and not in_code and _backslashes_before(text, at) % 2 == 0:
            pieces.append("\\")
        pieces.append(char)
    return "".join(pieces)


def _escape_note_line(line: str) -> str:
    # A list item's content is a line start too ("- # x" is a heading): keep the markers and
    # escape what follows them.
    stripped = line.lstrip(" \t")
    indent = line[: len(line) - len(stripped)]
    if _RULE_OR_UNDERLINE.fullmatch(stripped or "x"):
        return indent + _escape_first(stripped)
    markers = ""
    while True:
        match = _LIST_MARKER.match(stripped)
        if not match or match.end() == len(stripped):
            break
        markers += match.group()
        stripped = stripped[match.end() :]
    if stripped.startswith(("#", ">", "<", "[", "```", "~~~", "$$", "|")):
        stripped = "\\" + stripped
    elif markers and _RULE_OR_UNDERLINE.fullmatch(stripped):
        stripped = _escape_first(stripped)
    return indent + markers + stripped


def blockquote(text: str) -> list[str]:
    """Article text as a block quote; its line breaks stay inside the quote."""
    out: list[str] = []
    for raw in strip_controls(text).strip().split("\n"):
        line = " ".join(raw.split())
        out.append("> " + _escape_line_start(_escape_inline(line)) if line else ">")
    return out or [">"]


def tag_list(tags: Iterable[str]) -> str:
    """Tags as Obsidian #tags where they can be one, else as escaped text."""
    shown = []
    for tag in tags:
        if _OBSIDIAN_TAG.fullmatch(tag) and not tag.isdigit():
            shown.append("#" + tag)
        else:
            shown.append(_escape_inline(strip_controls(tag)))
    return " ".join(shown)


def link(url: str) -> str:
    """A web address as an autolink when it is a plain http(s) one, else as escaped text."""
    return f"<{url}>" if _SAFE_URL.fullmatch(url) else escape_text(url)


def heading(level: int, text: str) -> str:
    """A heading of `level` whose text shows literally."""
    return "#" * level + " " + (escape_text(text) or "(untitled)")


class _FrontMatterDumper(yaml.SafeDumper):
    """YAML whose every `<` and `&` sits in a double-quoted scalar, written as an escape."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if "<" in value or "&" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_FrontMatterDumper.add_representer(str, _represent_text)


def front_matter(front: dict[str, Any]) -> str:
    """The front matter as YAML that a viewer showing it as text cannot take for HTML."""
    text = yaml.dump(front, Dumper=_FrontMatterDumper, sort_keys=False, allow_unicode=True)
    # Every `<` and `&` is inside a double-quoted scalar, where \x3C and \x26 are escapes.
    return text.replace("<", "\\x3C").replace("&", "\\x26")
