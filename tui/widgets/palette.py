"""Colours that mean something: one colour per fact (group), one style per kind of sharing.

The colours come from the theme in front: the hues of its $primary, $secondary, $accent,
$warning, $success and $error, with hues in between added until there are enough to keep the
groups on one screen apart, each blended towards the widget's background so text on it stays
readable. The kind of a passage picks the style: copied text (verbatim) has a solid background,
edited text (near) a lighter one, reworded text (paraphrase) is underlined in the group's colour.

Nothing here is hard-coded to a colour: every value is derived from the theme's variables, so
a light theme, a dark theme and a user's own theme all work.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.filter import LineFilter
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

# Distinct colours a reader tells apart on one screen: more than this and neighbours blur.
PALETTE_SIZE = 12
# Consecutive palette entries step this far round the sorted hues (coprime with the size), so
# groups assigned one after the other never get neighbouring hues.
_STRIDE = 5
_THEME_COLOURS = ("primary", "secondary", "accent", "warning", "success", "error")
_SAME_HUE = 1 / 24  # hues closer than 15 degrees count as one

KIND_WORDS = {"verbatim": "copied", "near": "edited", "paraphrase": "reworded"}
# Text contrast the styles keep (WCAG: 4.5 for body text, 3 for secondary text).
BODY_CONTRAST = 4.5
MUTED_CONTRAST = 3.0
DIM_CONTRAST = MUTED_CONTRAST  # shared text dimmed by `u` is secondary text: stepped back, read
# How much of a group's colour is blended into the background: copied text, edited text.
SOLID_TINT = 0.45
LIGHT_TINT = 0.2  # shared text in the "only this source" view: there, but stepped back


def luminance(colour: Color) -> float:
    """The WCAG relative luminance of an opaque colour, 0 (black) to 1 (white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def contrast_ratio(a: Color, b: Color) -> float:
    """The WCAG contrast ratio of two colours, 1 (same) to 21 (black on white)."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _extreme(background: Color) -> Color:
    """Black on a light background, white on a dark one: the most readable text."""
    white, black = Color(255, 255, 255), Color(0, 0, 0)
    return (
        white if contrast_ratio(white, background) >= contrast_ratio(black, background) else black
    )


def readable(colour: Color, background: Color, minimum: float) -> Color:
    """`colour`, moved towards black or white just enough to reach `minimum` on `background`."""
    if contrast_ratio(colour, background) >= minimum:
        return colour
    target = _extreme(background)
    for step in range(1, 21):
        moved = colour.blend(target, step / 20)
        if contrast_ratio(moved, background) >= minimum:
            return moved
    return target


def faded(foreground: Color, background: Color, ratio: float) -> Color:
    """The colour nearest `background` on its way to `foreground` with `ratio` contrast.

    As near as can be: text dimmed to exactly the contrast it needs stands back furthest
    from the bright text while it still reads. `foreground` itself when it has less.
    """
    if contrast_ratio(foreground, background) <= ratio:
        return foreground
    low, high = 0.0, 1.0
    for _ in range(16):
        middle = (low + high) / 2
        if contrast_ratio(background.blend(foreground, middle), background) >= ratio:
            high = middle
        else:
            low = middle
    return background.blend(foreground, high)


def _is_ansi(colour: Color) -> bool:
    return colour.ansi is not None


def theme_hues(variables: Mapping[str, str], count: int = PALETTE_SIZE) -> list[Color]:
    """`count` saturated colours: the theme's own hues, then hues between them, in palette order.

    Palette order steps round the colour wheel so that entries i and i+1 are far apart.
    """
    base: list[tuple[float, float, float]] = []
    for name in _THEME_COLOURS:
        value = variables.get(name)
        if not value:
            continue
        try:
            colour = Color.parse(value)
        except Exception:  # a theme value Textual cannot parse: skip that hue
            continue
        if _is_ansi(colour):
            continue
        h, s, lum = colour.hsl
        if s < 0.12:
            continue  # a grey has no hue to lend
        if all(min(abs(h - other), 1 - abs(h - other)) >= _SAME_HUE for other, _, _ in base):
            base.append((h, s, lum))
    if not base:
        base = [(0.58, 0.6, 0.5)]  # a theme of greys: start from blue, fill round the wheel
    # Keep every hue vivid enough to tell apart once blended, and mid-light so text reads on it.
    base = [(h, min(max(s, 0.45), 0.9), min(max(lum, 0.4), 0.62)) for h, s, lum in base]
    hues = sorted(base)[:count]
    while len(hues) < count:
        # Fill the widest gap round the wheel with a hue between its two ends.
        gaps = [
            ((hues[(i + 1) % len(hues)][0] - hues[i][0]) % 1.0 or 1.0, i) for i in range(len(hues))
        ]
        width, i = max(gaps)
        a, b = hues[i], hues[(i + 1) % len(hues)]
        hues.insert(i + 1, ((a[0] + width / 2) % 1.0, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2))
        hues.sort()
    colours = [Color.from_hsl(h, s, lum) for h, s, lum in hues]
    stride = _STRIDE if count % _STRIDE else 1
    return [colours[(i * stride) % count] for i in range(count)]


def _ansi_hues(variables: Mapping[str, str]) -> list[Color]:
    """An ANSI theme leaves colours to the terminal: use its named colours as they are."""
    names = ["red", "green", "yellow", "blue", "magenta", "cyan"]
    ordered = [f"ansi_{n}" for n in names] + [f"ansi_bright_{n}" for n in names]
    return [Color.parse(name) for name in ordered[:PALETTE_SIZE]]


@dataclass(frozen=True, slots=True)
class GroupStyle:
    """How one group's colour paints each kind of passage, and its margin mark."""

    copied: Style
    edited: Style
    reworded: Style
    mark: Style


@dataclass(frozen=True, slots=True)
class Palette:
    """Every style the reader paints with, resolved for one theme and one background."""

    groups: tuple[GroupStyle, ...]
    bright: Style  # what only this source says, in the "only this source" view
    dim: Style  # what others share, in that view

    def passage(self, colour: int, kind: str) -> Style:
        """The style of a passage of group colour `colour`, told `kind`-wise."""
        group = self.groups[colour % len(self.groups)]
        if kind == "verbatim":
            return group.copied
        if kind == "near":
            return group.edited
        return group.reworded

    def mark(self, colour: int) -> Style:
        """The margin mark of a passage shared with another pane in front."""
        return self.groups[colour % len(self.groups)].mark


def build_palette(
    variables: Mapping[str, str], background: Color, foreground: Color, count: int = PALETTE_SIZE
) -> Palette:
    """The styles for `count` groups, readable as `foreground` text on `background`."""
    if _is_ansi(background) or _is_ansi(foreground) or background.a == 0:
        return _ansi_palette(variables)
    groups: list[GroupStyle] = []
    for hue in theme_hues(variables, count):
        solid = background.blend(hue, SOLID_TINT)
        light = background.blend(hue, LIGHT_TINT)
        line = readable(hue, background, BODY_CONTRAST)
        # The tint keeps its strength; the text on it moves towards black or white to read.
        on_solid = readable(foreground, solid, BODY_CONTRAST)
        on_light = readable(foreground, light, BODY_CONTRAST)
        groups.append(
            GroupStyle(
                copied=Style(bgcolor=solid.rich_color, color=on_solid.rich_color),
                edited=Style(bgcolor=light.rich_color, color=on_light.rich_color),
                reworded=Style(color=line.rich_color, underline=True),
                mark=Style(color=readable(hue, background, MUTED_CONTRAST).rich_color, bold=True),
            )
        )
    bright = readable(foreground.blend(_extreme(background), 0.5), background, BODY_CONTRAST)
    dim = faded(foreground, background, DIM_CONTRAST)
    return Palette(
        tuple(groups),
        bright=Style(color=bright.rich_color, bold=True),
        dim=Style(color=dim.rich_color, bold=False),
    )


def _ansi_palette(variables: Mapping[str, str]) -> Palette:
    groups = []
    for hue in _ansi_hues(variables):
        groups.append(
            GroupStyle(
                copied=Style(bgcolor=hue.rich_color),
                edited=Style(bgcolor=hue.rich_color, italic=True),
                reworded=Style(color=hue.rich_color, underline=True),
                mark=Style(color=hue.rich_color, bold=True),
            )
        )
    return Palette(tuple(groups), bright=Style(bold=True), dim=Style(dim=True))


def assign_colours(
    positions: Mapping[str, float | Sequence[float]], count: int = PALETTE_SIZE
) -> dict[str, int]:
    """A colour index per group, from where the group stands (0 = top, 1 = bottom).

    A group may stand in several places (one per passage, per pane). Every group gets its own
    colour while there are enough; after that each takes the colour whose other users stand
    farthest from it, so groups near each other on screen still differ. Groups are taken top
    to bottom, so the result does not depend on the mapping's order.
    """
    places: dict[str, list[float]] = {}
    for group, where in positions.items():
        if isinstance(where, Sequence):
            if where:
                places[group] = sorted(where)
        else:
            places[group] = [where]
    assigned: dict[str, int] = {}
    users: list[list[float]] = [[] for _ in range(count)]
    for group, where in sorted(places.items(), key=lambda item: (item[1][0], item[0])):
        colour = max(range(count), key=lambda c: (_gap(where, users[c]), -c))
        users[colour] = sorted(users[colour] + where)
        assigned[group] = colour
    return assigned


def _gap(here: list[float], there: list[float]) -> float:
    """How far apart the closest two places of two sorted lists are (inf if one is empty)."""
    i = j = 0
    best = math.inf
    while i < len(here) and j < len(there):
        best = min(best, abs(here[i] - there[j]))
        if here[i] < there[j]:
            i += 1
        else:
            j += 1
    return best


def theme_palette(variables: Mapping[str, str]) -> Palette:
    """The palette of a theme for text on its $surface (what the readers are drawn on)."""
    try:
        background = Color.parse(variables.get("surface") or variables.get("background") or "")
        foreground = Color.parse(variables.get("foreground") or "")
    except Exception:  # a theme without usable colours: the terminal's own
        return _ansi_palette(variables)
    return build_palette(variables, background, foreground)


def legend(variables: Mapping[str, str] | None = None) -> Text:
    """What the colours and styles of shared passages mean, for the help screen.

    With the theme's `variables`, the samples are drawn in the theme's own colours.
    """
    palette = theme_palette(variables) if variables else None

    def sample(label: str, kind: str, colour: int) -> tuple[str, Style]:
        if palette is None:
            fallback = {"verbatim": "reverse", "near": "dim reverse", "paraphrase": "underline"}
            return label, Style.parse(fallback[kind])
        return label, palette.passage(colour, kind)

    text = Text()
    text.append("Colours: ", style="bold")
    text.append(
        "each colour is one fact several outlets state, the same colour in every pane "
        "(no two facts on one screen share one). The style says how this outlet tells it:\n"
    )
    rows = (
        ("copied", "verbatim", "solid background: the same words"),
        ("edited", "near", "lighter background: the same sentence, lightly edited"),
        ("reworded", "paraphrase", "underlined: the same fact in other words"),
    )
    for colour, (label, kind, meaning) in enumerate(rows):
        text.append("  ")
        text.append(*sample(label, kind, colour))
        text.append(" " * (10 - len(label)) + meaning + "\n")
    text.append("  " + "▌", style=palette.mark(3) if palette else "bold")
    text.append(
        "         in the margin (compare): shared with another pane in front; "
        "without it, shared only with articles not on screen\n"
    )
    text.append("  u", style="bold")
    text.append("         only this source: its own words bright, what others share dimmed\n")
    text.append(
        "The status line says who shares the passage under the cursor and how, first outlet first."
    )
    return text


def resolved_style(widget: Widget, name: str) -> Style:
    """Component class `name` of `widget` as a Rich style resolved for the theme in front.

    Only what the class sets is kept (its colour, background and text style), so it adds to
    whatever it is painted over; its text colour is kept readable on the background it meets.
    """
    styles = widget.get_component_styles(name)
    full = widget.get_component_rich_style(name)
    background = full.bgcolor if full.bgcolor is not None else widget.rich_style.bgcolor
    color = full.color if styles.has_rule("color") else None
    if color is not None and background is not None:
        fg, bg = Color.from_rich_color(color), Color.from_rich_color(background)
        if fg.ansi is None and bg.ansi is None:
            color = readable(fg, bg, MUTED_CONTRAST).rich_color
    return (
        Style(
            color=color,
            bgcolor=full.bgcolor if styles.has_rule("background") else None,
        )
        + styles.text_style
    )


# The frame-style mixin is a plain class when the app runs: as a Widget of its own it would
# stand between a widget's class and Textual's own (ScrollView) and change which default
# styles win. Type checkers see the widget it is mixed into.
if TYPE_CHECKING:
    _MixedIntoWidget = Widget
else:
    _MixedIntoWidget = object


class FrameStyled(_MixedIntoWidget):
    """A Line API widget whose own style (`rich_style`) is worked out once per frame, and whose
    text reads on every background it is drawn on.

    Textual works `rich_style` out from all of the widget's ancestors at every call, and each
    line drawn asks for it two or three times: a page of search results asked some 60 times, a
    third of the time a letter typed in search took.

    Colours are chosen for the widget's own background; a cursor line, a tint or a highlight
    puts another under them (a light theme's text on its cursor row read at 2.85:1). Each line
    drawn keeps on such a background the contrast its text has on the widget's own (body text
    4.5:1 at most), so nothing fades for standing under the cursor, and dimmed text stays
    dimmer than bright text there too.
    """

    _frame_style: Style | None = None
    _contrast_filter: KeepContrast | None = None

    @property
    def frame_style(self) -> Style:
        """`rich_style`, as it is for the frame being drawn, its text colour readable as body
        text (4.5:1) on its background (a theme's own foreground may read at less)."""
        style = self._frame_style
        if style is None:
            style = self._frame_style = body_style(self.rich_style)
        return style

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame_style = None
        return super().render_lines(crop)

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, then the one that keeps text readable on the background under it
        (run once per line drawn: Textual keeps a line's filtered strip until it changes)."""
        gutter = self.styles.gutter  # the border and the padding: drawn on the parent's colours
        span = (gutter.left, self.region.width - gutter.right)
        kept = self._contrast_filter
        if kept is None or kept.span != span:
            kept = self._contrast_filter = KeepContrast(*span)
        return [*super().get_line_filters(), kept]

    def notify_style_update(self) -> None:
        self._frame_style = None
        super().notify_style_update()


def body_style(style: Style) -> Style:
    """`style` with its text colour moved just enough to read as body text on its background."""
    color, bgcolor = style.color, style.bgcolor
    if color is None or bgcolor is None or color.triplet is None or bgcolor.triplet is None:
        return style
    fg, bg = Color.from_rich_color(color), Color.from_rich_color(bgcolor)
    if contrast_ratio(fg, bg) >= BODY_CONTRAST:
        return style
    return style + Style(color=readable(fg, bg, BODY_CONTRAST).rich_color)


class KeepContrast(LineFilter):
    """Keeps the text between cells `start` and `end` of each line that stands on another
    background than the widget's own as readable there as it is on the widget's own."""

    def __init__(self, start: int, end: int) -> None:
        super().__init__()
        self.span = (start, end)

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        start, end = self.span
        own = background.rich_color
        kept: list[Segment] | None = None
        x = 0
        for index, segment in enumerate(segments):
            text, style, control = segment
            width = segment.cell_length
            if style is not None and start <= x and x + width <= end and text.strip():
                colour = _kept_colour(style.color, style.bgcolor, own)
                if colour is not None:
                    if kept is None:
                        kept = list(segments)
                    kept[index] = Segment(text, style + Style(color=colour), control)
            x += width
        return segments if kept is None else kept


@lru_cache(maxsize=1024)
def _kept_colour(
    color: RichColor | None, bgcolor: RichColor | None, background: RichColor
) -> RichColor | None:
    """The text colour `color` needs on `bgcolor` to read as well as on `background` (to 4.5:1),
    or None when it does already."""
    if color is None or bgcolor is None or bgcolor == background:
        return None
    if color.triplet is None or bgcolor.triplet is None or background.triplet is None:
        return None  # a terminal's own colours: the terminal decides
    fg, bg = Color.from_rich_color(color), Color.from_rich_color(bgcolor)
    wanted = min(contrast_ratio(fg, Color.from_rich_color(background)), BODY_CONTRAST)
    if contrast_ratio(fg, bg) >= wanted:
        return None
    return readable(fg, bg, wanted).rich_color


class RestyleCheck:
    """Whether a restyle changed what a widget's cached lines were drawn with.

    Textual restyles a widget on every change of focus (`:focus` rules), and tells it through
    `notify_style_update` before its component classes are restyled; a widget that caches
    lines asks this at its next draw instead, and keeps its lines when the theme, its own
    colours and its component styles (for the focus it has now) are those it drew them with.
    """

    def __init__(self) -> None:
        self._theme: tuple[str, Style] | None = None
        self._seen: dict[bool, tuple[Style, ...]] = {}

    def changed(self, widget: Widget) -> bool:
        """True when `widget`'s lines must be drawn again in new styles."""
        theme = (widget.app.theme, widget.rich_style)
        names = sorted(widget.COMPONENT_CLASSES)
        styles = tuple(resolved_style(widget, name) for name in names)
        focused = widget.has_focus
        if theme != self._theme:
            self._theme = theme
            self._seen = {focused: styles}
            return True
        if self._seen.setdefault(focused, styles) == styles:
            return False
        self._seen = {focused: styles}
        return True
