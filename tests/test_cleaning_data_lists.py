"""Lists of data are text, not menus: a table of results ("10th League One", "WINNERS (once)")
and a list of award winners ("Animation - Brush Head") are kept whole, while menus of section
names, a contact menu of phone numbers and a headline a widget repeats still go."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from brief_reader.cleaning import clean
from brief_reader.library import load_paths

BBC = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "bbc-news" / "bbc"


def body_of(text: str) -> str:
    cleaned = clean(text)
    return "\n".join([cleaned.meta.title or "", *(t for _, t in cleaned.parts)])


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("sport/180.txt", ["10th League One", "QUARTER-FINALS (four times)", "18th PREM"]),
        ("sport/179.txt", ["16th PREM", "WINNERS (six times)", "13th Championship"]),
        ("entertainment/070.txt", ["Pre-School Live Action - Balamory", "Animation - Brush Head"]),
    ],
)
def test_a_bbc_list_of_data_is_read_whole(name: str, rows: list[str], tmp_path: Path) -> None:
    source = BBC / name
    if not source.exists():
        pytest.skip("the BBC data set is not beside the project")
    copy = tmp_path / source.name
    shutil.copyfile(source, copy)
    article = load_paths([copy]).articles[0]
    for row in rows:
        assert row in article.body, row
    raw = source.read_text(encoding="latin-1")
    assert set(words(raw)) - set(words(article.title + " " + article.body)) == set()


RESULTS = """Harbour United v City

Harbour United go into the tie on the back of three straight wins in the league.

The teams last met in the cup in 1998, when City won after a replay.

3rd Division One

SEMI-FINALS (twice)

11th Premier

WINNERS (once)
"""

AWARDS = """Young viewers pick their favourites

More than 6,000 children voted in the category chosen by viewers this year.

Drama - The Lighthouse Keepers

Animation - Paper Boats

Factual - Hidden Rivers

Comedy - The Late Bus

The awards were presented at a ceremony in London on Sunday evening.
"""


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        (RESULTS, ["3rd Division One", "SEMI-FINALS (twice)", "11th Premier", "WINNERS (once)"]),
        (
            AWARDS,
            ["Drama - The Lighthouse Keepers", "Animation - Paper Boats", "Comedy - The Late Bus"],
        ),
    ],
)
def test_rows_of_data_stay(text: str, rows: list[str]) -> None:
    body = body_of(text)
    for row in rows:
        assert row in body, (row, body)


MENU = """Home
World
Business
Technology
Science
Health

Harbour fire closes the northern dock

A fire broke out at the harbour on Monday and closed the northern dock for the day.
"""

CONTACT = """Harbour fire closes the northern dock

A fire broke out at the harbour on Monday and closed the northern dock for the day.

Contact us
Americas+1 212 318 2000
EMEA+44 20 7330 7500
Asia Pacific+65 6212 1000
"""

WIDGET = """Harbour fire closes the northern dock

A fire broke out at the harbour on Monday and closed the northern dock for the day.

Harbour Fire — A Dock Closed — Ships Wait

Harbour Fire — A Dock Closed — Ships Wait

Harbour Fire — A Dock Closed — Ships Wait

Buy the book

The harbour master said the dock would reopen on Tuesday morning.
"""


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        (MENU, ["Business", "Technology"]),
        (CONTACT, ["212 318", "7330 7500"]),
        (WIDGET, ["Ships Wait"]),
    ],
)
def test_menus_and_widgets_still_go(text: str, gone: list[str]) -> None:
    body = body_of(text)
    assert "closed the northern dock" in body
    for piece in gone:
        assert piece not in body, (piece, body)


def test_a_short_headline_in_sentence_case_is_the_title_not_a_section_label(
    tmp_path: Path,
) -> None:
    source = BBC / "politics" / "326.txt"
    if not source.exists():
        pytest.skip("the BBC data set is not beside the project")
    copy = tmp_path / source.name
    shutil.copyfile(source, copy)
    article = load_paths([copy]).articles[0]
    assert article.title == "Prime minister's questions"
    assert article.body.startswith("So who, if anyone, is playing politics")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Harbour news\n\nWho will pay for the new dock, and when?\n\n"
            "The council met on Monday to discuss the cost of the northern dock.\n",
            "Harbour news",
        ),
        (
            "White House\n\nPresident Signs Harbour Funding Bill\n\n"
            "The president signed the bill on Monday after a long debate in Congress.\n",
            "President Signs Harbour Funding Bill",
        ),
    ],
)
def test_a_label_in_title_case_still_gives_way_to_the_headline(text: str, title: str) -> None:
    assert clean(text).meta.title == title


STORY = (
    "Council approves new budget for city transport\n\n"
    "The city council approved a new budget on Tuesday that will fund two new tram lines and "
    "more buses, officials said.\n\n"
    "The vote was 12 to 3, with opposition members saying the plan costs too much.\n\n"
)
MENUS = {
    "languages": "Edition\nEnglish (UK)\nEnglish (US)\nFrançais (FR)\nDeutsch (DE)\nEspañol (ES)",
    "account": "Sign in\nBasket (0)\nSaved (3)\nHelp - FAQ",
    "editions": "UK Edition - English\nUS Edition - English\nAU Edition - English\nWorld - English",
}


@pytest.mark.parametrize("name", sorted(MENUS))
def test_a_menu_whose_entries_repeat_a_template_or_a_code_still_goes(name: str) -> None:
    body = body_of(STORY + MENUS[name] + "\n")
    assert "opposition members" in body
    for entry in MENUS[name].splitlines()[1:]:
        assert entry not in body, (entry, body)


@pytest.mark.parametrize("label", ["Breaking news", "Live updates", "Watch live", "Most read"])
def test_a_label_in_sentence_case_over_a_headline_gives_way_to_it(label: str) -> None:
    text = (
        f"{label}\n\nMinister resigns over expenses scandal after weeks of pressure\n\n"
        "The minister resigned on Tuesday after weeks of pressure over his expense claims.\n"
    )
    assert (
        clean(text).meta.title == "Minister resigns over expenses scandal after weeks of pressure"
    )
