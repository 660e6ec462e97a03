"""Markdown and plain text, both ways.

Text as Markdown that shows it literally: titles, quotes, tags, notes and front matter. Every
piece of user or article text in an export goes through here. Plain text (titles, quotes,
outlets) is escaped wholly; a note keeps its inline Markdown (emphasis, links, code spans, lists)
but can neither open a block that reaches past it (heading, quote, fence, HTML block, rule) nor
carry live HTML anywhere: `<` and character references are backslashed outside code spans, so
renderers that allow HTML (Obsidian, many viewers) never run a note's `<script>`.

Markdown read as the text it shows (`read_inline`, then `unescape`): an article written in
Markdown, or a web page as its Markdown, keeps its words and loses its syntax.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import Any, Literal

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


@functools.cache
def _front_matter_dumper() -> type[Any]:
    """PyYAML's safe dumper writing every string that holds `<` or `&` double-quoted (where
    they can be written as escapes). Made when first needed: YAML is slow to import."""
    import yaml

    class FrontMatterDumper(yaml.SafeDumper):
        pass

    def represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = '"' if "<" in value or "&" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    FrontMatterDumper.add_representer(str, represent_text)
    return FrontMatterDumper


def front_matter(front: dict[str, Any]) -> str:
    """The front matter as YAML that a viewer showing it as text cannot take for HTML."""
    import yaml

    text = yaml.dump(front, Dumper=_front_matter_dumper(), sort_keys=False, allow_unicode=True)
    # Every `<` and `&` is inside a double-quoted scalar, where \x3C and \x26 are escapes.
    return text.replace("<", "\\x3C").replace("&", "\\x26")


# --- Reading Markdown as text ---------------------------------------------------------------

CodeKind = Literal["text", "span", "block"]

# ASCII punctuation: what a backslash escapes in CommonMark (before anything else it is itself).
_PUNCTUATION = r"!-/:-@\[-`{-~"
ESCAPE = rf"\\[{_PUNCTUATION}]"  # a backslash escape, as a pattern
_ESCAPED_RE = re.compile(rf"\\([{_PUNCTUATION}])")
# What code is escaped for: every punctuation character but the backticks, which no later
# reading takes for syntax (code spans are found first, here).
_CODE_PUNCTUATION_RE = re.compile(r"([!-/:-@\[-_{-~])")
# A fence opening a code block, and the whole line of one closing it.
_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_CLOSING_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*")
_ESCAPE_OR_BACKTICKS_RE = re.compile(rf"{ESCAPE}|`+")
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")
# A backslash at the end of a line that the paragraph goes on after: a hard line break.
_ESCAPE_OR_BREAK_RE = re.compile(rf"{ESCAPE}|\\(?=\n[ \t]*\S)")
# Link and image text may hold escapes (`[a \] b](x)`), never a bracket of its own; an image
# goes whole, a link leaves its text.
_LINK_TEXT = r"(?:\\.|[^\][\\\n])"
_ESCAPE_OR_LINK_RE = re.compile(
    rf"{ESCAPE}|!\[{_LINK_TEXT}*\]\([^)[\]]*\)"
    rf"|\[({_LINK_TEXT}+)\]\((?:[^)\s[\]]+)(?:\s+\"[^\"]*\")?\)"
)
# Emphasis, strong emphasis and strikethrough, each within a line and never across its own
# closing marks; an escaped mark is a character (the escape is matched first, as one piece).
# `_` marks no emphasis inside a word ("snake_case_name", "a__b__c"); the strong kinds go
# first, so "*a **b** c*" loses both. The lookahead passes every other character at once.
_STRONG_RE = re.compile(
    rf"(?=[\\*_~])(?:{ESCAPE}|(\*\*|~~)(?=\S)((?:\\.|(?!\1)[^\\\n])+?)(?<=\S)\1"
    r"|__(?<!\w__)(?=\S)((?:\\.|(?!__)[^\\\n])+?)(?<=\S)__(?!\w))"
)
_EMPHASIS_RE = re.compile(
    rf"(?=[\\*_])(?:{ESCAPE}|\*(?=\S)((?:\\.|[^\\\n*])+?)(?<=\S)\*"
    r"|_(?<!\w_)(?=\S)((?:\\.|[^\\\n_])+?)(?<=\S)_(?!\w))"
)


def read_inline(markdown: str) -> str:
    r"""Markdown's inline syntax read as the text it shows, its backslash escapes still in it.

    Links become their text, images go, emphasis and strikethrough marks go, a hard line
    break's backslash goes. A code span stays as written, backticks and all; a fenced code
    block's lines stay, its fences leave blank lines; the punctuation of both is escaped, so
    that no later reading takes it for syntax. Block syntax (headings, list markers) is left
    to the cleaning, which reads it line by line: an escaped "\#" or "1\." starts no heading
    or list item there. `unescape` then gives the text.
    """
    pieces: list[str] = []
    for piece, kind in code_pieces(markdown):
        if kind == "span":
            pieces.append(_CODE_PUNCTUATION_RE.sub(r"\\\1", piece))
        elif kind == "block":
            pieces.append(_fenced_code(piece))
        else:
            pieces.append(_inline_text(piece))
    return "".join(pieces)


def _inline_text(text: str) -> str:
    """`read_inline` of text that holds no code; each pass only where its marks are."""
    if "\\" in text:
        text = _ESCAPE_OR_BREAK_RE.sub(_kept_escape, text)
    if "[" in text:
        text = _ESCAPE_OR_LINK_RE.sub(_link_text, text)
    if "**" in text or "__" in text or "~~" in text:
        text = _STRONG_RE.sub(_emphasised_text, text)
    if "*" in text or "_" in text:
        text = _EMPHASIS_RE.sub(_emphasised_text, text)
    return text


def unescape(text: str) -> str:
    r"""Text with Markdown's backslash escapes read: "\*" is "*", "\\" is "\"; a backslash
    before anything but ASCII punctuation is a backslash, as CommonMark reads them."""
    return _ESCAPED_RE.sub(r"\1", text) if "\\" in text else text


def code_pieces(markdown: str) -> Iterator[tuple[str, CodeKind]]:
    """`markdown` in order, in pieces of text, code spans (with their backticks) and fenced
    code blocks (with their fences).

    As CommonMark finds them: a fence of three or more backticks or tildes opens a block that
    a fence as long closes (or the end does); a run of backticks not escaped opens a span
    that the next run of as many closes within the paragraph. Inside code a backslash is a
    backslash.
    """
    lines = markdown.split("\n")
    prose: list[str] = []
    index = 0
    while index < len(lines):
        opening = _FENCE_RE.fullmatch(lines[index])
        fence = opening.group(1) if opening else ""
        if opening is None or (fence[0] == "`" and "`" in opening.group(2)):
            prose.append(lines[index])
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not _closes(lines[end], fence):
            end += 1
        if prose:
            yield from _spans_of("\n".join(prose) + "\n")
        yield "\n".join(lines[index : end + 1]), "block"
        index = end + 1
        prose = [""] if index < len(lines) else []
    if prose:
        yield from _spans_of("\n".join(prose))


def _fenced_code(block: str) -> str:
    """A fenced code block's lines with their punctuation escaped; its fences leave blank
    lines (an info string such as "python" goes with them)."""
    lines = block.split("\n")
    opening = _FENCE_RE.fullmatch(lines[0])
    closed = opening is not None and len(lines) > 1 and _closes(lines[-1], opening.group(1))
    code = lines[1:-1] if closed else lines[1:]
    escaped = [_CODE_PUNCTUATION_RE.sub(r"\\\1", line) for line in code]
    return "\n".join(["", *escaped, *([""] if closed else [])])


def _closes(line: str, fence: str) -> bool:
    closing = _CLOSING_FENCE_RE.fullmatch(line)
    return (
        closing is not None
        and closing.group(1)[0] == fence[0]
        and len(closing.group(1)) >= len(fence)
    )


def _spans_of(text: str) -> Iterator[tuple[str, CodeKind]]:
    """The pieces of `text` (no fenced block in it) between and of its code spans."""
    if "`" not in text:
        yield text, "text"
        return
    runs: dict[int, list[int]] = {}
    for run in _BACKTICKS.finditer(text):
        runs.setdefault(run.end() - run.start(), []).append(run.start())
    blanks = [blank.start() for blank in _BLANK_LINE_RE.finditer(text)]
    done = at = 0
    while (mark := _ESCAPE_OR_BACKTICKS_RE.search(text, at)) is not None:
        at = mark.end()
        width = len(mark.group())
        if mark.group()[0] == "\\":
            continue
        starts = runs.get(width, [])
        closing = bisect_left(starts, at)
        if closing == len(starts):
            continue
        close = starts[closing]
        blank = bisect_left(blanks, at)
        if blank < len(blanks) and blanks[blank] < close:
            continue
        if done < mark.start():
            yield text[done : mark.start()], "text"
        yield text[mark.start() : close + width], "span"
        done = at = close + width
    if done < len(text):
        yield text[done:], "text"


def _kept_escape(found: re.Match[str]) -> str:
    """An escape as written; a hard line break's backslash goes (the line break stays)."""
    return found.group() if len(found.group()) == 2 else ""


def _link_text(found: re.Match[str]) -> str:
    """An escape as written, a link as its text, an image as nothing."""
    if found.group()[0] == "\\":
        return found.group()
    return found.group(1) or ""


def _emphasised_text(found: re.Match[str]) -> str:
    """An escape as written, emphasised text without its marks."""
    if found.group()[0] == "\\":
        return found.group()
    return found.group(found.lastindex or 0)
