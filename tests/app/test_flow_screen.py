"""The flow screen: opened with `f`, figures equal to `flow_report`'s, period keys, charts."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Static

from kanban_tui.app import SquadboardApp, create_app
from kanban_tui.app.screens import flow as flow_module
from kanban_tui.app.screens.board import BoardScreen
from kanban_tui.app.screens.flow import FlowData, FlowScreen
from kanban_tui.app.widgets.charts import (
    AgingColumn,
    BrailleCanvas,
    ChartView,
    bar_rows,
    cfd_cells,
    cfd_stack,
    histogram,
    number,
    render_aging,
    render_cfd,
    render_scatter,
    scale,
    scatter_canvas,
)
from kanban_tui.domain.flow import Conventions, FlowReport, SleTarget, flow_report
from kanban_tui.domain.forecast import forecast_when, throughput_sample
from kanban_tui.storage.demo import build_demo_history
from kanban_tui.storage.store import Store
from tests.app.helpers import Driver, palette_run, screen_text, settle, top
from tests.conftest import FakeClock

SnapCompare = Callable[..., bool]

FIXED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
"""The demo's "now" and the clock's."""
FLOW_SIZE = (120, 40)
SEED = 1


@pytest.fixture
def demo_store(db_path: Path) -> Store:
    clock = FakeClock(FIXED)
    with Store(db_path, actor="Ana", clock=clock) as store:
        store.append_history(
            build_demo_history(name="Growth squad", cards=120, seed=7, now=FIXED, actor="Ana")
        )
    return Store(db_path, actor="Ana", clock=clock)


@pytest.fixture
def demo_app(demo_store: Store, ui_file: Path) -> SquadboardApp:
    return create_app(
        demo_store,
        clock=FakeClock(FIXED),
        ui_state_file=ui_file,
        poll_seconds=None,
        forecast_seed=SEED,
    )


def direct_report(store: Store, days: int, *, per_card: bool = True) -> FlowReport:
    """The report `squadboard stats` would print for the last `days` days."""
    inputs = store.flow_inputs("Growth squad")
    conventions = Conventions(zone=inputs.squad.timezone)
    today = FIXED.astimezone(conventions.tz).date()
    sle = (
        SleTarget(value=inputs.squad.sle_days, percent=inputs.squad.sle_percent)
        if inputs.squad.sle_days is not None
        else None
    )
    return flow_report(
        inputs.histories,
        column_order=inputs.column_order,
        since=today - timedelta(days=days - 1),
        until=today,
        now=FIXED,
        conventions=conventions,
        wip_events=inputs.wip_events,
        wip_limits=inputs.wip_limits,
        sle=sle,
        per_card=per_card,
    )


def flow_screen(pilot: Driver) -> FlowScreen:
    screen = top(pilot)
    assert isinstance(screen, FlowScreen), f"{screen!r} is not the flow screen"
    return screen


def text_of(screen: FlowScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def open_flow(pilot: Driver) -> FlowScreen:
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)
    return flow_screen(pilot)


async def test_tiles_show_the_figures_of_flow_report(
    demo_app: SquadboardApp, demo_store: Store
) -> None:
    report = direct_report(demo_store, 90)
    async with demo_app.run_test(size=FLOW_SIZE) as pilot:
        screen = await open_flow(pilot)
        assert screen.data is not None
        assert screen.data.report == report.model_copy(update={"cards": ()})
        assert screen.scatter is not None
        start = datetime.combine(report.since, datetime.min.time(), tzinfo=report.conventions.tz)
        assert sorted(screen.scatter.points) == sorted(
            ((c.finished_at - start).total_seconds() / 86400, c.cycle_time)
            for c in report.cards
            if c.finished_at is not None and c.cycle_time is not None
        )
        assert screen.scatter.cycle_time == report.cycle_time

        assert text_of(screen, "#tile-wip").split("\n")[1] == str(len(report.in_flight))
        cycle = text_of(screen, "#tile-cycle")
        assert f"50% {number(report.cycle_time.p50, 'd')}" in cycle
        assert f"85% {number(report.cycle_time.p85, 'd')}" in cycle
        assert f"n={report.cycle_time.n}" in cycle
        assert ("low sample" in cycle) == report.cycle_time.low_sample
        weeks = [w.throughput for w in report.weeks if w.complete]
        throughput = text_of(screen, "#tile-throughput")
        assert throughput.split("\n")[1] == number(sum(weeks) / len(weeks))
        assert f"{report.throughput} in period" in throughput
        sle = text_of(screen, "#tile-sle")
        assert f"{report.sle.percent}% ≤ {number(report.sle.value, 'd')}" in sle
        assert report.sle.hit_rate is not None
        assert f"hit {report.sle.hit_rate:.0%} of {report.sle.finished}" in sle
        efficiency = text_of(screen, "#tile-efficiency")
        assert report.flow_efficiency.mean is not None
        assert efficiency.split("\n")[1] == f"{report.flow_efficiency.mean:.0%}"

        convention = text_of(screen, "#flow-convention")
        assert report.convention in convention
        assert "rank = floor(p*n)" in convention
        assert "Growth squad" in text_of(screen, "#flow-squad")
        assert f"{report.since} to {report.until}" in text_of(screen, "#flow-squad")

        inputs = demo_store.flow_inputs("Growth squad")
        sample = throughput_sample(
            inputs.histories, now=FIXED, conventions=Conventions(zone=inputs.squad.timezone)
        )
        forecast = forecast_when(sample, 10, seed=SEED, trials=10_000)
        assert forecast.p85 is not None
        panel = text_of(screen, "#chart-forecast")
        assert f"85%: on or before {forecast.p85.isoformat()}" in panel
        assert f"10000 trials, seed {SEED}" in panel
        assert all(chart.has_data for chart in screen.query(ChartView))
        assert screen.query_one("#chart-scatter", ChartView).draws == 1  # charts below the fold
        # are drawn when they are scrolled into view


async def test_the_scatter_shows_while_the_rest_is_computed(
    demo_app: SquadboardApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    compute_rest = flow_module.compute_flow

    def held_back(*args: Any) -> FlowData:
        release.wait(timeout=30)
        return compute_rest(*args)

    monkeypatch.setattr(flow_module, "compute_flow", held_back)
    async with demo_app.run_test(size=FLOW_SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        screen = flow_screen(pilot)
        for _ in range(200):
            if screen.scatter is not None:
                break
            await asyncio.sleep(0.02)
        await pilot.pause()
        assert screen.scatter is not None
        assert screen.data is None
        assert screen.query_one("#chart-scatter", ChartView).has_data
        assert not screen.query_one("#chart-cfd", ChartView).has_data
        assert "computing the rest" in text_of(screen, "#flow-status")
        await pilot.press("right_square_bracket")  # keys still work while it computes
        release.set()
        await settle(pilot)
        assert screen.data is not None
        assert screen.data.period_days == 180
        assert screen.scatter.period_days == 180


async def test_period_keys_recompute(demo_app: SquadboardApp, demo_store: Store) -> None:
    async with demo_app.run_test(size=FLOW_SIZE) as pilot:
        screen = await open_flow(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.data is not None
        assert screen.data.period_days == 180
        assert screen.data.report == direct_report(demo_store, 180, per_card=False)
        assert "(180 days)" in text_of(screen, "#flow-squad")
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert screen.data.period_days == 60
        assert screen.data.report == direct_report(demo_store, 60, per_card=False)
        assert f"n={screen.data.report.cycle_time.n}" in text_of(screen, "#tile-cycle")


async def test_escape_and_q_return_to_the_board(demo_app: SquadboardApp) -> None:
    async with demo_app.run_test(size=FLOW_SIZE) as pilot:
        await open_flow(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(top(pilot), BoardScreen)
        await open_flow(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(top(pilot), BoardScreen)
        assert demo_app.is_running


async def test_palette_opens_flow_metrics(demo_app: SquadboardApp) -> None:
    async with demo_app.run_test(size=FLOW_SIZE) as pilot:
        await settle(pilot)
        await palette_run(pilot, "flow metr", "Flow metrics")
        screen = flow_screen(pilot)
        assert screen.data is not None
        assert "Cumulative flow" in screen_text(demo_app)


def test_flow_screen_snapshot(snap_compare: SnapCompare, demo_app: SquadboardApp) -> None:
    assert snap_compare(demo_app, terminal_size=FLOW_SIZE, run_before=open_flow)


# -- renderers -----------------------------------------------------------------------------


def test_scatter_puts_dots_in_the_right_cells() -> None:
    canvas = scatter_canvas([(0, 0), (10, 10), (5, 5)], 5, 2, (0, 10), 10)
    # (0, 0): bottom-left dot of cell (0, row 1); (10, 10): top-right dot of cell (4, row 0).
    assert canvas.char(0, 1) == "\u2840"
    assert canvas.char(4, 0) == "\u2808"
    # (5, 5): dot x = round(0.5 * 9) = 4 (cell 2, left), dot y = 7 - round(0.5 * 7) = 3 (row 0).
    assert canvas.char(2, 0) == "\u2840"
    blank = [(c, r) for r in range(2) for c in range(5) if canvas.char(c, r) == " "]
    assert len(blank) == 7


@given(
    points=st.lists(st.tuples(st.floats(-10, 100), st.floats(-5, 70)), max_size=60),
    width=st.integers(1, 30),
    height=st.integers(1, 12),
    x_high=st.sampled_from([0.0, 1.0, 30.5, 90.0]),
    y_max=st.sampled_from([0.0, 1.0, 57.0]),
)
def test_scatter_places_each_point_as_scale_does(
    points: list[tuple[float, float]], width: int, height: int, x_high: float, y_max: float
) -> None:
    expected = BrailleCanvas(width, height)
    for x, y in points:
        dot_y = expected.dot_height - 1 - scale(y, 0.0, y_max, expected.dot_height)
        expected.plot(scale(x, 0.0, x_high, expected.dot_width), dot_y)
    assert scatter_canvas(points, width, height, (0.0, x_high), y_max).cells == expected.cells


def test_all_eight_dots_make_a_full_cell() -> None:
    canvas = scatter_canvas([], 1, 1, (0, 1), 1)
    for x in range(2):
        for y in range(4):
            canvas.plot(x, y)
    assert canvas.char(0, 0) == "⣿"


def test_scatter_draws_labelled_percentile_lines() -> None:
    text = render_scatter(
        [(1.0, 2.0), (2.0, 8.0)],
        x_range=(0.0, 3.0),
        lines={50: 5.0, 85: 7.0, 95: None},
        width=40,
        height=10,
        x_labels=("Aug", "Nov"),
    )
    lines = text.plain.split("\n")
    assert len(lines) == 10
    assert lines[-1].strip().startswith("Aug")
    assert all(len(line) <= 40 for line in lines)
    assert any("50% 5d" in line and "┈" in line for line in lines)
    assert any("85% 7d" in line for line in lines)
    assert not any("95%" in line for line in lines)


def test_bars_use_eighths() -> None:
    assert bar_rows([0, 4, 8], 3, 1) == [" ▄█"]
    assert bar_rows([1, 2], 2, 2) == [" █", "██"]


def test_cfd_bands_stack_to_the_total() -> None:
    days = [[2, 2], [1, 3], [0, 4]]
    assert [tops[-1] for tops in cfd_stack(days)] == [sum(d) for d in days]
    grid = cfd_cells(days, 3, 4)
    for x, counts in enumerate(days):
        column = [grid[row][x] for row in range(4)]
        assert column.count(None) == 0  # every day holds the peak total here
        assert column.count(0) == counts[0]
        assert column.count(1) == counts[1]
        assert column[-1] == (0 if counts[0] else 1)  # the first band is at the bottom


def test_cfd_scales_smaller_days() -> None:
    grid = cfd_cells([[4, 4], [2, 0]], 2, 4)
    assert [grid[r][1] for r in range(4)] == [None, None, None, 0]


def test_cfd_legend_is_plain_text() -> None:
    text = render_cfd(["[bold]Done[/]", "Doing\x1b"], [[1, 2]], width=40, height=6)
    assert "[bold]Done[/]" in text.plain
    assert "Doing\ufffd" in text.plain
    assert "\x1b" not in text.plain


def test_histogram_bins() -> None:
    assert histogram([1, 2, 2, 4], 10) == ([1, 2, 0, 1], 1, 4)
    counts, low, high = histogram([0.5, 1.5, 9.5], 3)
    assert counts == [2, 0, 1]
    assert (low, high) == (0.5, 9.5)


def test_aging_marks_cards_past_the_85_band() -> None:
    text = render_aging(
        [AgingColumn("Doing", (1.0, 9.0), 5.0), AgingColumn("Review", (), None)],
        width=40,
        height=8,
    )
    assert "Doing (2)" in text.plain
    assert "Review (0)" in text.plain
    late = [span for span in text.spans if span.style == "bold red"]
    assert len(late) == 1


class OneChart(App[None]):
    def compose(self) -> ComposeResult:
        yield ChartView("test", id="chart")


async def test_chart_redraws_only_on_data_or_size_change() -> None:
    app = OneChart()
    async with app.run_test(size=(40, 10)) as pilot:
        chart = app.query_one(ChartView)
        sizes: list[tuple[int, int]] = []

        def draw(width: int, height: int) -> Text:
            sizes.append((width, height))
            return Text("x")

        chart.show(draw)
        await pilot.pause()
        assert chart.draws == 1
        chart.refresh()
        await pilot.pause()
        assert chart.draws == 1
        await pilot.resize_terminal(50, 12)
        await pilot.pause()
        assert chart.draws == 2
        assert sizes[-1][0] > sizes[0][0]
        chart.show(draw)
        await pilot.pause()
        assert chart.draws == 3
