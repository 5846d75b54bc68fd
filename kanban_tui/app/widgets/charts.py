"""Small chart renderers for the flow screen: braille scatter, block bars and stacked bands.

Each renderer is a pure function from plain numbers and a size to a rich `Text`, so it can be
tested without an app. `ChartView` keeps the last drawing and redraws only when its data or its
size changes, never per frame. Labels that come from the board (column and tag names) are passed
through `printable` and added as plain text, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import RenderableType
from rich.text import Text
from textual.widget import Widget

from kanban_tui.domain.text import printable

BRAILLE = 0x2800
"""The empty braille cell; each of its 8 dots is one bit."""
_DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
"""Bit of the dot at [row 0-3][column 0-1] of a braille cell."""
EIGHTHS = " ▁▂▃▄▅▆▇█"
"""Bar tops in eighths of a cell."""
PALETTE = ("blue", "cyan", "green", "yellow", "magenta", "red", "bright_blue", "bright_green")
"""One colour per CFD band, by column position (repeats after eight columns)."""
PERCENTILE_STYLES = {50: "green", 85: "yellow", 95: "red"}
"""Styles of the percentile lines on the scatterplot."""

Draw = Callable[[int, int], RenderableType]
"""A chart bound to its data: called with (width, height), returns what to show."""


class BrailleCanvas:
    """A grid of braille cells, each 2 dots wide and 4 dots tall; dot (0, 0) is top left."""

    def __init__(self, width: int, height: int) -> None:
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = [[0] * self.width for _ in range(self.height)]

    @property
    def dot_width(self) -> int:
        return self.width * 2

    @property
    def dot_height(self) -> int:
        return self.height * 4

    def plot(self, x: int, y: int) -> None:
        """Set one dot; dots outside the canvas are ignored."""
        if 0 <= x < self.dot_width and 0 <= y < self.dot_height:
            self.cells[y // 4][x // 2] |= _DOTS[y % 4][x % 2]

    def char(self, column: int, row: int) -> str:
        bits = self.cells[row][column]
        return chr(BRAILLE + bits) if bits else " "

    def row_text(self, row: int) -> str:
        return "".join(self.char(c, row) for c in range(self.width))


def scale(value: float, low: float, high: float, steps: int) -> int:
    """Map `value` in [low, high] to a step in [0, steps - 1], clipped."""
    if steps <= 1 or high <= low:
        return 0
    step = round((value - low) / (high - low) * (steps - 1))
    return max(0, min(steps - 1, step))


def scatter_canvas(
    points: Sequence[tuple[float, float]],
    width: int,
    height: int,
    x_range: tuple[float, float],
    y_max: float,
) -> BrailleCanvas:
    """Plot (x, y) points on a canvas of `width` x `height` cells; y grows upwards from 0.

    Each point goes through `scale`'s arithmetic inline (tens of thousands of points: a call
    per coordinate was most of the drawing), and each distinct dot is plotted once.
    """
    canvas = BrailleCanvas(width, height)
    x_low, x_high = x_range
    x_steps, y_steps = canvas.dot_width - 1, canvas.dot_height - 1
    if x_steps <= 0 or x_high <= x_low or y_steps <= 0 or y_max <= 0.0:
        dots = {
            (
                scale(x, x_low, x_high, canvas.dot_width),
                y_steps - scale(y, 0.0, y_max, canvas.dot_height),
            )
            for x, y in points
        }
    else:
        x_span = x_high - x_low
        dots = {
            (
                min(x_steps, max(0, round((x - x_low) / x_span * x_steps))),
                y_steps - min(y_steps, max(0, round(y / y_max * y_steps))),
            )
            for x, y in points
        }
    for dot_x, dot_y in dots:
        canvas.plot(dot_x, dot_y)
    return canvas


def value_row(value: float, y_max: float, height: int) -> int:
    """The cell row (0 = top) on which a horizontal line at `value` is drawn."""
    dot_height = height * 4
    return (dot_height - 1 - scale(value, 0.0, y_max, dot_height)) // 4


def number(value: float | None, unit: str = "") -> str:
    """A figure as the CLI prints it: whole numbers without decimals, others with one."""
    if value is None:
        return "-"
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return f"{text}{unit}"


def _frame(
    rows: list[Text], top: str, bottom: str, left: str = "", right: str = "", plot_width: int = 0
) -> Text:
    """Put a y-axis label gutter before the plot rows and an x-axis label line under them."""
    gutter = max(len(top), len(bottom))
    out = Text(no_wrap=True, overflow="crop")
    for i, row in enumerate(rows):
        label = top if i == 0 else bottom if i == len(rows) - 1 else ""
        out.append(label.rjust(gutter) + "│", style="dim")
        out.append_text(row)
        out.append("\n")
    if left or right:
        space = max(1, plot_width - len(left) - len(right))
        out.append(" " * (gutter + 1) + left + " " * space + right, style="dim")
    else:
        out.rstrip()
    return out


def _gutter(*labels: str) -> int:
    return max(len(label) for label in labels) + 1


def render_scatter(
    points: Sequence[tuple[float, float]],
    *,
    x_range: tuple[float, float],
    lines: dict[int, float | None],
    width: int,
    height: int,
    unit: str = "d",
    x_labels: tuple[str, str] = ("", ""),
) -> Text:
    """Cycle-time scatterplot: braille dots with horizontal percentile lines labelled on the right.

    Args:
        points: (x, y) pairs, e.g. (days since the period began, cycle time).
        x_range: the x values at the left and right edges.
        lines: percentile -> value, drawn as dotted lines across the plot.
        width: cells available, labels included.
        height: rows available, the x-axis labels included.
        unit: suffix of the y values.
        x_labels: text under the left and right ends of the x axis.
    """
    if not points:
        return Text("no finished cards in this period", style="dim")
    y_max = max([y for _, y in points] + [v for v in lines.values() if v is not None])
    top, bottom = number(y_max, unit), "0"
    labels = {p: f" {p}% {number(v, unit)}" for p, v in lines.items() if v is not None}
    right = max((len(label) for label in labels.values()), default=0)
    plot_w = width - _gutter(top, bottom) - right
    plot_h = height - 1
    if plot_w < 4 or plot_h < 2:
        return Text("too small", style="dim")
    canvas = scatter_canvas(points, plot_w, plot_h, x_range, y_max)
    line_rows: dict[int, int] = {}
    for percent, value in sorted(lines.items()):
        if value is not None:
            line_rows.setdefault(value_row(value, y_max, plot_h), percent)
    rows: list[Text] = []
    for r in range(plot_h):
        row = Text(no_wrap=True)
        percent_here = line_rows.get(r)
        line_style = PERCENTILE_STYLES.get(percent_here or 0, "white")
        for c in range(plot_w):
            char = canvas.char(c, r)
            if percent_here is not None and char == " ":
                row.append("┈", style=line_style)
            else:
                row.append(char, style="bold cyan" if percent_here is None else line_style)
        if percent_here is not None:
            row.append(labels[percent_here].ljust(right), style=line_style)
        else:
            row.append(" " * right)
        rows.append(row)
    return _frame(rows, top, bottom, *x_labels, plot_width=plot_w)


@dataclass(frozen=True)
class AgingColumn:
    """One column of the aging chart: the ages of its cards in flight and its 85% band."""

    name: str
    ages: tuple[float, ...]
    p85: float | None


def render_aging(
    columns: Sequence[AgingColumn], *, width: int, height: int, unit: str = "d"
) -> Text:
    """Aging WIP: one strip per column, a dot per card at its age, the column's p85 as a line.

    Dots above the 85% line are red (older than 85% of the cards that left that column).
    """
    if not columns:
        return Text("no columns in progress", style="dim")
    values = [a for col in columns for a in col.ages] + [
        col.p85 for col in columns if col.p85 is not None
    ]
    y_max = max(values, default=1.0) or 1.0
    top, bottom = number(y_max, unit), "0"
    plot_w = width - _gutter(top, bottom)
    plot_h = height - 1
    slot = plot_w // len(columns)
    if slot < 3 or plot_h < 2:
        return Text("too small", style="dim")
    rows = [Text(no_wrap=True) for _ in range(plot_h)]
    names = Text(no_wrap=True)
    for col in columns:
        canvas = BrailleCanvas(slot - 1, plot_h)
        above = BrailleCanvas(slot - 1, plot_h)
        spread = max(1, canvas.dot_width - 2)
        for i, card_age in enumerate(sorted(col.ages)):
            dot_x = 1 + (i * 7) % spread
            dot_y = canvas.dot_height - 1 - scale(card_age, 0.0, y_max, canvas.dot_height)
            late = col.p85 is not None and card_age > col.p85
            (above if late else canvas).plot(dot_x, dot_y)
        band = value_row(col.p85, y_max, plot_h) if col.p85 is not None else None
        for r in range(plot_h):
            for c in range(slot - 1):
                if above.cells[r][c]:
                    rows[r].append(above.char(c, r), style="bold red")
                elif canvas.cells[r][c]:
                    rows[r].append(canvas.char(c, r), style="bold cyan")
                elif r == band:
                    rows[r].append("┈", style="yellow")
                else:
                    rows[r].append(" ")
            rows[r].append("│" if r != band else "┤", style="dim")
        label = f"{printable(col.name)} ({len(col.ages)})"
        names.append(label[: slot - 1].center(slot - 1) + " ")
    out = _frame(rows, top, bottom)
    out.append("\n" + " " * _gutter(top, bottom))
    out.append_text(names)
    return out


def bar_rows(values: Sequence[float], width: int, height: int) -> list[str]:
    """Vertical bars spread across `width` cells, tops in eighths; row 0 is the top row."""
    n = len(values)
    top = max(values, default=0.0)
    grid = [[" "] * width for _ in range(height)]
    if not n or width < 1 or height < 1:
        return ["".join(row) for row in grid]
    for i, value in enumerate(values):
        left, right = i * width // n, (i + 1) * width // n
        if right - left >= 3:
            right -= 1  # a gap between wide bars
        eighths = round(value / top * height * 8) if top > 0 else 0
        if value > 0:
            eighths = max(1, eighths)
        for level in range(height):
            fill = min(8, max(0, eighths - level * 8))
            for x in range(left, max(left + 1, right)):
                if x < width:
                    grid[height - 1 - level][x] = EIGHTHS[fill]
    return ["".join(row) for row in grid]


def render_bars(
    values: Sequence[float],
    *,
    width: int,
    height: int,
    x_labels: tuple[str, str] = ("", ""),
    style: str = "green",
    mean_label: str = "",
) -> Text:
    """A run chart or histogram of `values` as block bars, with the maximum on the y axis."""
    if not values:
        return Text("nothing to show", style="dim")
    top, bottom = number(max(values)), "0"
    plot_w = width - _gutter(top, bottom)
    plot_h = height - 1 - (1 if mean_label else 0)
    if plot_w < 2 or plot_h < 1:
        return Text("too small", style="dim")
    rows = [Text(line, style=style) for line in bar_rows(values, plot_w, plot_h)]
    out = _frame(rows, top, bottom, *x_labels, plot_width=plot_w)
    if mean_label:
        out.append("\n" + mean_label, style="dim")
    return out


def histogram(values: Sequence[float], bins: int) -> tuple[list[int], float, float]:
    """Counts of `values` in `bins` equal bins from the smallest to the largest value.

    Whole-number values (cycle times in days) get one bin per value when they fit.

    Returns:
        (counts, low, high): the counts and the value range they cover.
    """
    if not values or bins < 1:
        return [], 0.0, 0.0
    low, high = min(values), max(values)
    if all(float(v).is_integer() for v in values) and high - low + 1 <= bins:
        counts = [0] * int(high - low + 1)
        for v in values:
            counts[int(v - low)] += 1
        return counts, low, high
    counts = [0] * bins
    span = (high - low) or 1.0
    for v in values:
        counts[min(bins - 1, int((v - low) / span * bins))] += 1
    return counts, low, high


def cfd_stack(days: Sequence[Sequence[int]]) -> list[list[int]]:
    """Running totals of each day's band counts: the top of band i is `stack[day][i]`."""
    stacked = []
    for counts in days:
        total = 0
        tops = []
        for count in counts:
            total += count
            tops.append(total)
        stacked.append(tops)
    return stacked


def cfd_cells(days: Sequence[Sequence[int]], width: int, height: int) -> list[list[int | None]]:
    """Which band fills each cell of a CFD: grid[row][x] is a band index or None (row 0 = top).

    Bands stack from the bottom in the order given; a cell belongs to the band that covers its
    middle. Days are spread (or sampled) across the width.
    """
    grid: list[list[int | None]] = [[None] * width for _ in range(height)]
    if not days or width < 1 or height < 1:
        return grid
    stacked = cfd_stack(days)
    peak = max((tops[-1] for tops in stacked if tops), default=0)
    if peak <= 0:
        return grid
    for x in range(width):
        tops = stacked[min(len(days) - 1, x * len(days) // width)]
        for level in range(height):
            middle = (level + 0.5) / height * peak
            band = next((i for i, top in enumerate(tops) if top > middle), None)
            grid[height - 1 - level][x] = band
    return grid


def render_cfd(
    names: Sequence[str],
    days: Sequence[Sequence[int]],
    *,
    width: int,
    height: int,
    x_labels: tuple[str, str] = ("", ""),
) -> Text:
    """Cumulative flow: one coloured band per column stacked by day, with a legend underneath.

    Args:
        names: the columns, bottom band first (Done first, Backlog last, as usual for a CFD).
        days: per day, the count of each column in `names` order.
    """
    if not days or not names:
        return Text("no days in this period", style="dim")
    peak = max(sum(counts) for counts in days)
    top, bottom = str(peak), "0"
    legend = Text(no_wrap=True, overflow="crop")
    for i, name in reversed(list(enumerate(names))):
        legend.append("█ ", style=PALETTE[i % len(PALETTE)])
        legend.append(printable(name) + "  ")
    plot_w = width - _gutter(top, bottom)
    plot_h = height - 2
    if plot_w < 2 or plot_h < 1:
        return Text("too small", style="dim")
    rows = []
    for cells in cfd_cells(days, plot_w, plot_h):
        row = Text(no_wrap=True)
        for band in cells:
            if band is None:
                row.append(" ")
            else:
                row.append("█", style=PALETTE[band % len(PALETTE)])
        rows.append(row)
    out = _frame(rows, top, bottom, *x_labels, plot_width=plot_w)
    out.append("\n")
    out.append_text(legend)
    return out


class ChartView(Widget):
    """Shows one chart, redrawn only when its data or its size changes."""

    def __init__(self, title: str, *, id: str) -> None:
        super().__init__(id=id)
        self.border_title = title
        self._draw: Draw | None = None
        self._data_id = 0
        self._drawn: tuple[tuple[int, int, int], RenderableType] | None = None
        self.draws = 0
        """How many times the chart was actually drawn (not just repainted from the cache)."""

    def show(self, draw: Draw) -> None:
        """Replace the chart's data (a drawing function bound to it) and redraw."""
        self._draw = draw
        self._data_id += 1
        self.refresh()

    @property
    def has_data(self) -> bool:
        return self._draw is not None

    def render(self) -> RenderableType:
        if self._draw is None:
            return Text("computing…", style="dim italic")
        width, height = self.content_size
        key = (self._data_id, width, height)
        if self._drawn is None or self._drawn[0] != key:
            self._drawn = (key, self._draw(width, height))
            self.draws += 1
        return self._drawn[1]
