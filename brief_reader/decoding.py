"""Turning a file's bytes into text: UTF-8 first, then an honest fallback, never a crash."""

from __future__ import annotations

import codecs
import html
import html.entities
import re
from dataclasses import dataclass

from brief_reader.markdown_text import ESCAPE
from brief_reader.sanitize import strip_controls
from brief_reader.text import counted

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

    Order: a byte-order mark, strict UTF-8, UTF-8 with a few bytes that are not (see
    `_damaged_utf8`), then charset detection, then cp1252 (which maps almost every byte, so old
    Windows files read as their authors meant).
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
    damaged = _damaged_utf8(data)
    if damaged is not None:
        return damaged
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


# A byte that is not UTF-8, as the "surrogateescape" error handler gives it back.
_UNREADABLE_BYTE_RE = re.compile("[\udc80-\udcff]")


_DAMAGE_SAMPLE = 1 << 18  # bytes looked at to tell damaged UTF-8 from a single-byte code page


def _damaged_utf8(data: bytes) -> Decoded | None:
    """`data` read as UTF-8, each byte that is not shown as U+FFFD, when the rest of it shows it
    is UTF-8. A stray byte in a UTF-8 file (a cut, a bad copy) then costs that character alone,
    not every accent and curly quote of the file read as mojibake.

    The evidence is the multi-byte sequences that are whole, each counting its bytes beyond the
    first ("é" one, "’" two): text in a single-byte code page (cp1252, Latin-1) almost never
    holds them, its high bytes stand alone, and a three-byte sequence by chance is rarer still.
    It must outweigh the bytes that are not UTF-8. The file's first 256 KiB are looked at.
    """
    sample = data[:_DAMAGE_SAMPLE].decode("utf-8", "surrogateescape")
    unreadable = len(_UNREADABLE_BYTE_RE.findall(sample))
    wide = [c for c in sample if c > "\x7f" and not _UNREADABLE_BYTE_RE.match(c)]
    evidence = sum(len(c.encode("utf-8", "surrogatepass")) - 1 for c in wide)
    if evidence <= unreadable:
        return None
    text = data.decode("utf-8-sig", "replace")
    bad = len(_UNREADABLE_BYTE_RE.findall(data.decode("utf-8", "surrogateescape")))
    note = f"{counted(bad, 'byte')} could not be read as UTF-8 (shown as \ufffd)"
    return Decoded(strip_controls(text), "utf-8", note)


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
# A backslash escape of Markdown: the "&" of "\&amp;" is a character, not a reference.
_ESCAPE_OR_REFERENCE_RE = re.compile(ESCAPE + "|" + _REFERENCE_RE.pattern)


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
    not one stays as written: a name HTML does not know, a number that is no character.

    In `markdown` (read by `markdown_text.read_inline` first, so its code is escaped text) an
    escaped "&" starts no reference, and a reference to a backslash comes out escaped: as
    CommonMark reads them, a reference is a character, never an escape. What they stand for is
    checked like any text after this (a reference to a control character is taken out with
    the others)."""
    if "&" not in text:
        return text
    if not markdown:
        return _REFERENCE_RE.sub(_character, text)
    return _ESCAPE_OR_REFERENCE_RE.sub(_markdown_character, text)


def _markdown_character(found: re.Match[str]) -> str:
    """A Markdown escape as written; a reference as its character, a backslash escaped."""
    if found.group()[0] == "\\":
        return found.group()
    character = _character(found)
    return "\\\\" if character == "\\" else character
