"""The Markdown export never carries live HTML, whatever the user wrote.

Renderers that allow HTML in Markdown (Obsidian, many viewers) run a note's `<script>`, `<img
onerror>` or `<iframe>`. Parsed as CommonMark (and with GFM tables), an export must hold no raw
HTML at all: no HTML block and no inline HTML, from notes, tags, titles, outlets or quotes.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from test_export import entry, make_article, note

from brief_reader.anchor import make_anchor
from brief_reader.export import escape_note, to_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<iframe src="https://evil.example"></iframe>',
    "<div>\n<b>raw block</b>\n</div>",
    "<!-- hidden -->",
    "<?php echo 1 ?>",
    "<a href='javascript:alert(1)'>x</a>",
]
PARSERS = [
    MarkdownIt("commonmark"),
    MarkdownIt("commonmark").enable(["table", "strikethrough"]),
]


def html_tokens(markdown: str) -> list[str]:
    """The raw HTML a CommonMark renderer would pass through, from every parser."""
    found: list[str] = []
    for parser in PARSERS:
        stack: list[Token] = list(parser.parse(markdown))
        while stack:
            token = stack.pop()
            if token.type in ("html_block", "html_inline"):
                found.append(token.content)
            stack.extend(token.children or [])
    return found


def export_of(text: str, tags: tuple[str, ...] = ()) -> str:
    """An export where `text` is the note, the title, the outlet, a tag and the quoted passage."""
    body = "Start. " + text + " end."
    article = make_article(
        "hostile", [body], title=text, source=text, credit=text, url=text, tags=(text, *tags)
    )
    start, end = 0, len(article.body)
    annotations = [
        note(1, article, text, anchor=make_anchor(article.body, start, end), tags=tags),
        note(2, article, "on the article: " + text, tags=tags),
    ]
    orphan = note(3, article, text)
    return to_markdown(
        [
            entry(article, article.id, (text, *tags), *annotations),
            entry(None, "gone", (text,), orphan),
        ],
        stories=[(text, [article.id])],
        title=text,
    )


def test_the_usual_payloads_stay_text() -> None:
    for payload in PAYLOADS:
        for wrapped in (payload, f"see {payload} here", f"- item {payload}", f"`code` {payload}"):
            exported = export_of(wrapped)
            assert html_tokens(exported) == [], wrapped


def test_code_spans_in_notes_are_kept_as_written() -> None:
    assert escape_note("use `<br>` for a break, not <br>") == ["use `<br>` for a break, not \\<br>"]
    # A backtick that opened a span on the line before cannot hide a tag on this one.
    lines = escape_note("a `b\nc` <img src=x onerror=alert(1)> `d`")
    assert html_tokens("\n".join(lines)) == []


HTMLISH = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "<",
                ">",
                "</",
                "<!--",
                "-->",
                "<?",
                "<!X",
                "<![CDATA[",
                "`",
                "``",
                "\\",
                "&",
                "&lt;",
                "&#60;",
                "|",
                "\n",
                "\n\n",
                "- ",
                "1. ",
                "    ",
                "> ",
                "script",
                "img src=x onerror=y",
                "a",
                " ",
                '"',
                "'",
                "=",
                "/",
                "[",
                "](",
                ")",
                "*",
                "_",
                "---",
                "\r",
            ]
        ),
        st.text(max_size=3),
    ),
    max_size=24,
).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=HTMLISH, second=HTMLISH)
def test_no_raw_html_survives_from_user_text(text: str, second: str) -> None:
    exported = export_of(text + second)
    assert html_tokens(exported) == []
