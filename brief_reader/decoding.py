"""Turning a file's bytes into text: UTF-8 first, then an honest fallback, never a crash."""

from __future__ import annotations

import codecs
import html
import html.entities
import re
from dataclasses import dataclass

from brief_reader.sanitize import strip_controls

# Bytes that never appear in text files; a few of them in the first block means binary.
_BINARY_SNIFF = 8192


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, with a note when it was not plain UTF-8."""

    text: str
    encoding: str
    note: str | None = None


class BinaryContentError(ValueError):
    """The bytes are not text."""


def looks_binary(data: bytes) -> bool:
    """True when `data` holds NUL bytes or many control bytes: an image, an archive, a binary."""
    head = data[:_BINARY_SNIFF]
    if not head:
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE)):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / len(head) > 0.05


def decode(data: bytes) -> Decoded:
    """Decode `data` as text, say how if it was not UTF-8; raise BinaryContentError if binary.

    Order: a byte-order mark, strict UTF-8, then charset detection, then cp1252 (which maps
    almost every byte, so old Windows files read as their authors meant).
    """
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return Decoded(strip_controls(data.decode(encoding)), encoding)
            except UnicodeDecodeError:
                break
    if looks_binary(data):
        raise BinaryContentError("binary file, not text")
    try:
        return Decoded(strip_controls(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass
    guess = _detect(data)
    mostly_ascii = sum(1 for b in data[:65536] if b < 128) >= 0.97 * min(len(data), 65536)
    if guess is None or _is_latin(guess) or mostly_ascii:
        # Detection guesses among Latin code pages on short text (and guesses wildly on English
        # with a stray byte); Windows-1252 is by far the most common of them, so it wins
        # whenever it decodes every byte.
        try:
            return Decoded(
                strip_controls(data.decode("cp1252")), "cp1252", "not UTF-8; read as cp1252"
            )
        except UnicodeDecodeError:
            pass
    if guess is not None:
        try:
            text = data.decode(guess)
            return Decoded(strip_controls(text), guess, f"not UTF-8; read as {guess}")
        except (UnicodeDecodeError, LookupError):
            pass
    text = data.decode("cp1252", errors="replace")
    return Decoded(strip_controls(text), "cp1252", "not UTF-8; read as cp1252")


_LATIN = ("cp125", "cp775", "cp85", "cp437", "latin", "iso8859", "mac_", "cp1006", "ascii")


def _is_latin(encoding: str) -> bool:
    name = encoding.lower().replace("-", "_")
    return name.startswith(_LATIN) and name not in (
        "cp1251",
        "cp855",
        "cp1253",
        "cp1255",
        "cp1256",
        "iso8859_5",
        "iso8859_7",
        "iso8859_8",
        "mac_cyrillic",
        "mac_greek",
    )


def _detect(data: bytes) -> str | None:
    """The most likely encoding of `data` by charset detection, or None."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    best = from_bytes(data[:65536]).best()
    if best is None or best.encoding in ("utf_8", "ascii"):
        return None
    return str(best.encoding)


# A character reference as web pages write one, whole: with its semicolon (HTML also reads
# "&not" in "&nothing", which a text never means).
_REFERENCE_RE = re.compile(
    r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));"
)
# Markdown's inline code ("`&amp;`"), whose references are text as written: a run of
# backticks, then anything up to a run as long, inside one paragraph.
_CODE_SPAN_RE = re.compile(r"(`+)(?!`)(?:(?!\n[ \t]*\n).)*?(?<!`)\1(?!`)", re.DOTALL)


def _character(found: re.Match[str]) -> str:
    """The character a reference stands for; the reference itself when it stands for none: a
    name HTML does not know ("&section;", though HTML reads "&sect" at its start), no code
    point at all, NUL or half of a surrogate pair."""
    decimal, hexadecimal, name = found.groups()
    if name is not None:
        return html.entities.html5.get(f"{name};", found.group())
    number = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if number == 0 or number > 0x10FFFF or 0xD800 <= number <= 0xDFFF:
        return found.group()
    # As HTML reads them: "&#150;" is the dash Windows code pages put there, not a control.
    return html.unescape(found.group())


def character_references(text: str, markdown: bool = False) -> str:
    """Text with the HTML character references that text pasted from a web page keeps
    ("Pel&#233;", "&pound;1m", "AT&amp;T") read as the characters they stand for. What is
    not one stays as written: a name HTML does not know, a number that is no character, and
    in `markdown` inline code ("`&amp;`"), as CommonMark reads it. What they stand for is
    checked like any text after this (a reference to a control character is taken out with
    the others)."""
    if "&" not in text:
        return text
    if not markdown or "`" not in text:
        return _REFERENCE_RE.sub(_character, text)
    pieces: list[str] = []
    last = 0
    for code in _CODE_SPAN_RE.finditer(text):
        pieces.append(_REFERENCE_RE.sub(_character, text[last : code.start()]))
        pieces.append(code.group())
        last = code.end()
    pieces.append(_REFERENCE_RE.sub(_character, text[last:]))
    return "".join(pieces)
