"""The flow screen's charts drawn by squadboard's own renderer and by plotext (textual-plotext).

    python -m bench.charts                  # on the 100,000-card demo board in bench/results/
    python -m bench.charts --board FILE     # on another board file

Both draw the same data at the same size: the cycle-time scatter of the last 90 days (every
finished card, with 50/85/95% lines) and the cumulative flow of the same days. A draw is the
whole way from the data to the lines of styled cells Textual paints: the renderer's `Text`,
then Rich's `render_lines` at the chart's width. textual-plotext's widget builds its plot on
every repaint (focus, scroll, hover), where `ChartView` repaints its cached drawing, so a
repaint costs plotext one more draw and squadboard nothing. Prints a Markdown table and writes
each drawing, without colour, to bench/results/ for looking at them side by side.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

from rich.console import Console
from rich.text import Text
from textual_plotext.plot import Plot

from kanban_tui.app.screens.flow import compute_scatter
from kanban_tui.app.widgets.charts import render_cfd, render_scatter
from kanban_tui.domain.clock import system_clock
from kanban_tui.domain.flow import Conventions, look_back_start
from kanban_tui.storage.store import Store

RESULTS_DIR = Path(__file__).resolve().parent / "results"
SIZE = (58, 18)
"""One cell of the flow screen's chart grid on a 120-column terminal, inside its border."""
REPEATS = 7


def lines_of(text: Text, width: int) -> list[str]:
    """What Textual paints: the renderable cut into lines of segments at `width`."""
    console = Console(width=width, color_system="truecolor", legacy_windows=False)
    lines = console.render_lines(text, console.options.update(width=width), pad=False)
    return ["".join(segment.text for segment in line) for line in lines]


def timed(draw: Callable[[], list[str]]) -> tuple[list[float], list[str]]:
    samples = []
    drawing: list[str] = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        drawing = draw()
        samples.append(time.perf_counter() - start)
    return samples, drawing


def plotext_scatter(
    points: Sequence[tuple[float, float]], lines: dict[int, float | None], width: int, height: int
) -> Text:
    """The scatter as textual-plotext's widget renders it (`PlotextPlot.render`)."""
    plt = Plot()
    plt.scatter([x for x, _ in points], [y for _, y in points], marker="braille")
    for value in lines.values():
        if value is not None:
            plt.hline(value)
    plt.plotsize(width, height)
    plt._set_size(width, height)  # the widget does this too (textual-plotext issue 5)
    return Text.from_ansi(plt.build())


def plotext_cfd(
    names: Sequence[str], days: Sequence[Sequence[int]], width: int, height: int
) -> Text:
    plt = Plot()
    bands = [[day[i] for day in days] for i in range(len(names))]
    # textual-plotext's stub calls it `label`; plotext 5.3 itself takes `labels`.
    plt.stacked_bar(list(range(len(days))), bands, labels=list(names), width=1.0)  # type: ignore[call-arg]
    plt.plotsize(width, height)
    plt._set_size(width, height)
    return Text.from_ansi(plt.build())


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--board", type=Path, default=RESULTS_DIR / "demo-100000.db")
    args = parser.parse_args(argv)
    width, height = SIZE
    now = system_clock()
    with Store(args.board, actor="Bench", create=False) as store:
        scatter = compute_scatter(store, now, None, 90)
        conventions = Conventions(zone=store.squad().timezone)
        inputs = store.flow_inputs(look_back_from=look_back_start(scatter.since, now, conventions))
        report = inputs.report(
            since=scatter.since, until=scatter.until, now=now, conventions=conventions
        )
    span = float((scatter.until - scatter.since).days + 1)
    cycle = scatter.cycle_time
    lines = {50: cycle.p50, 85: cycle.p85, 95: cycle.p95}
    cfd = report.cumulative_flow
    order = list(reversed(cfd.columns))
    names = [c.name for c in reversed(inputs.columns)]
    counts = [[day.counts.get(c, 0) for c in order] for day in cfd.days]
    first = cfd.days[0].day if cfd.days else scatter.since
    dates = (str(first), str(first + timedelta(days=len(cfd.days) - 1)))
    charts = {
        "scatter, squadboard": lambda: lines_of(
            render_scatter(
                scatter.points, x_range=(0.0, span), lines=lines, width=width, height=height
            ),
            width,
        ),
        "scatter, plotext": lambda: lines_of(
            plotext_scatter(scatter.points, lines, width, height), width
        ),
        "CFD, squadboard": lambda: lines_of(
            render_cfd(names, counts, width=width, height=height, x_labels=dates), width
        ),
        "CFD, plotext": lambda: lines_of(plotext_cfd(names, counts, width, height), width),
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    print(f"{len(scatter.points)} points, {len(counts)} days x {len(names)} columns,")
    print(f"{width}x{height} cells, median of {REPEATS} draws\n")
    print("| Chart, renderer | Median draw | Range (min - max) |")
    print("|---|---|---|")
    for name, draw in charts.items():
        samples, drawing = timed(draw)
        slug = name.replace(", ", "-").replace(" ", "-").lower()
        (RESULTS_DIR / f"chart-{slug}.txt").write_text("\n".join(drawing) + "\n")
        low, high = min(samples) * 1000, max(samples) * 1000
        print(
            f"| {name} | {statistics.median(samples) * 1000:.1f} ms | {low:.1f} - {high:.1f} ms |"
        )


if __name__ == "__main__":
    main()
