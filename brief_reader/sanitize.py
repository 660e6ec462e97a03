"""Making untrusted text safe to show: no escape sequences, no control or bidi-override characters.

Every field of every article passes through `clean_text` / `clean_field` when the article is
assembled (`reading._build`), after each format has decoded its own escapes (JSON's `\\u001b`,
YAML's `"\\e"`, HTML's `&#27;`), so nothing read from a file reaches a screen, the CLI or
`--json` with a raw control character in it.
"""

from __future__ import annotations

import re

# CSI / OSC / other ESC sequences, then any remaining C0/C1 control character except \n and \t.
_ANSI_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI ... final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[@-Z\\-_]"  # two-byte escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # 8-bit OSC
)
# What no shown text holds, whatever its kind: C1 controls and DEL, the bidi embeddings,
# overrides and isolates (U+202A-202E, U+2066-2069) that make a terminal show text in another
# order than it is stored, and lone surrogates (a JSON "\ud800"), which no terminal or file
# can be given as UTF-8. The patterns below add the C0 controls each kind of text may not hold.
_NEVER = r"\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
# What `strip_controls` removes: C0 controls but \t, \n and \r (which become newlines).
_CONTROL_RE = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f{_NEVER}]")
_SPACE_RE = re.compile(r"\s+")
# What `clean_text` never leaves in text (carriage returns included: they become newlines),
# and what `clean_field` never leaves in a one-line field (no newline or tab either). Text
# holding any of it did not come through the reader (see brief_reader.article_cache).
UNSAFE_TEXT = re.compile(rf"[\x00-\x08\x0b-\x1f{_NEVER}]")
UNSAFE_FIELD = re.compile(rf"[\x00-\x1f{_NEVER}]")


def strip_controls(text: str) -> str:
    """Remove escape sequences, control and bidi-override characters; keep newlines and tabs."""
    text = _ANSI_RE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub("", text)


def clean_text(text: str) -> str:
    """A block of untrusted text (an article's body) made safe to show; lines are kept."""
    return strip_controls(text)


def clean_field(value: object) -> str | None:
    """A one-line field (title, source, url, tag...) made safe to show: controls removed,
    whitespace (newlines and tabs included) folded to single spaces; None when nothing is left."""
    if value is None:
        return None
    text = _SPACE_RE.sub(" ", strip_controls(str(value))).strip()
    return text or None


def for_terminal(text: str) -> str:
    """Text as printed by the CLI: control characters and escape sequences removed."""
    return strip_controls(text)
