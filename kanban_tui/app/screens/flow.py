"""The flow screen: headline tiles, flow charts, value tags and a forecast for one squad.

Everything is computed in one thread worker that posts two messages: first the cycle-time
scatter, from finish and start times read in a few queries, then the rest (the store read,
`flow_report` and a Monte Carlo forecast). The handlers hand each chart its data, and the
charts draw themselves once per data or size change; the screen stays usable meanwhile.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from kanban_tui.app.widgets.charts import (
    AgingColumn,
    ChartView,
    histogram,
    number,
    render_aging,
    render_bars,
    render_cfd,
    render_scatter,
)
from kanban_tui.app.widgets.footer import KeyBar
from kanban_tui.domain.clock import Clock
from kanban_tui.domain.errors import SquadboardError
from kanban_tui.domain.flow import (
    Conventions,
    FlowReport,
    Group,
    Percentiles,
    look_back_start,
    percentiles,
)
from kanban_tui.domain.forecast import (
    WhenForecast,
    forecast_when,
    sample_from_daily,
    sample_window,
)
from kanban_tui.domain.models import ColumnRole
from kanban_tui.domain.text import printable
from kanban_tui.storage.store import Store

PERIODS = (30, 60, 90, 180)
"""The periods `[` and `]` step through, in days ending today."""
DEFAULT_PERIOD = 90
FORECAST_ITEMS = 10
"""The forecast answers "when will this many more cards be done?"."""
FORECAST_TRIALS = 10_000
SCATTER_PAINT_WAIT = 0.5
"""Seconds the worker waits at most for the scatter to be painted before computing the rest."""
LOW_SAMPLE_NOTE = " ⚠ low sample"
PERCENTILE_NOTE = "percentiles: rank = floor(p*n)"


@dataclass(frozen=True)
class ScatterData:
    """The cycle-time scatter of one period: what the screen shows first."""

    period_days: int
    since: date
    until: date
    """The last day counted (today)."""
    unit: str
    points: list[tuple[float, float]]
    """(days from the start of `since` to the finish, cycle time) per card finished."""
    cycle_time: Percentiles


@dataclass
class ScatterComputed(Message):
    """The worker read the finished cards and placed them on the scatter."""

    data: ScatterData
    shown: threading.Event = field(default_factory=threading.Event)
    """Set once the scatter is on screen (or will not be): the worker waits for it."""


@dataclass(frozen=True)
class FlowData:
    """What the worker computed for one squad and period."""

    squad: str
    mission: str
    period_days: int
    report: FlowReport
    forecast: WhenForecast | None
    forecast_error: str | None
    column_names: dict[str, str]
    column_roles: dict[str, ColumnRole]
    column_order: list[str]
    tag_names: dict[str, str]
    seconds: float
    """How long the computation took."""


@dataclass
class FlowComputed(Message):
    """The worker finished the flow figures for a period."""

    data: FlowData


@dataclass
class FlowUnavailable(Message):
    """The figures could not be computed (the board file is unreadable, the squad is gone…)."""

    reason: str


@dataclass(frozen=True)
class Tiles:
    """The text of each headline tile (label, value, note)."""

    wip: tuple[str, str, str]
    throughput: tuple[str, str, str]
    cycle_time: tuple[str, str, str]
    sle: tuple[str, str, str]
    efficiency: tuple[str, str, str]
    low_sample: bool = field(default=False)


def period_of(today: date, days: int) -> tuple[date, date]:
    """The `days` local days ending today."""
    return today - timedelta(days=days - 1), today


def share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def percentiles_text(p: Percentiles, unit: str) -> str:
    return f"50% {number(p.p50, unit)} · 85% {number(p.p85, unit)}"


def weekly_throughput(report: FlowReport) -> float | None:
    """Mean throughput of the complete weeks in the period (as `squadboard stats` shows it)."""
    weeks = [w.throughput for w in report.weeks if w.complete]
    return sum(weeks) / len(weeks) if weeks else None


def tiles_for(report: FlowReport) -> Tiles:
    """The headline figures of a report, as the tiles show them."""
    unit = "d" if report.conventions.unit == "days" else "h"
    sle = report.sle
    sle_value = (
        f"{sle.percent}% ≤ {number(sle.value, unit)}" if sle.value is not None else "no SLE yet"
    )
    sle_note = (
        f"hit {share(sle.hit_rate)} of {sle.finished}"
        if sle.value is not None
        else "not enough finished cards"
    )
    cycle = report.cycle_time
    efficiency = report.flow_efficiency
    return Tiles(
        wip=("WIP now", str(len(report.in_flight)), "cards in flight"),
        throughput=(
            "Throughput / week",
            number(weekly_throughput(report)),
            f"{report.throughput} in period",
        ),
        cycle_time=(
            "Cycle time",
            percentiles_text(cycle, unit),
            f"n={cycle.n}" + (LOW_SAMPLE_NOTE if cycle.low_sample else ""),
        ),
        sle=("SLE", sle_value, sle_note),
        efficiency=(
            "Flow efficiency",
            share(efficiency.mean),
            f"pooled {share(efficiency.pooled)}, n={efficiency.n}",
        ),
        low_sample=cycle.low_sample,
    )


def compute_scatter(
    store: Store, now: datetime, squad: str | None, period_days: int
) -> ScatterData:
    """The cycle-time scatter from the start and finish of each card finished in the period
    (runs in a thread)."""
    found = store.squad(squad)
    conventions = Conventions(zone=found.timezone)
    since, until = period_of(now.astimezone(conventions.tz).date(), period_days)
    cycles = store.finished_cycle_days(found, since, until, now)
    start = datetime.combine(since, datetime.min.time(), tzinfo=conventions.tz)
    return ScatterData(
        period_days=period_days,
        since=since,
        until=until,
        unit="d" if conventions.unit == "days" else "h",
        points=[((finish - start).total_seconds() / 86400, cycle) for finish, cycle in cycles],
        cycle_time=percentiles([cycle for _, cycle in cycles]),
    )


def compute_flow(
    store: Store, now: datetime, squad: str | None, period_days: int, seed: int
) -> FlowData:
    """Read a squad's histories and compute its report and forecast; runs in a thread."""
    started = time.perf_counter()
    found = store.squad(squad)
    conventions = Conventions(zone=found.timezone)
    since, until = period_of(now.astimezone(conventions.tz).date(), period_days)
    inputs = store.flow_inputs(found.name, look_back_from=look_back_start(since, now, conventions))
    report = inputs.report(
        since=since, until=until, now=now, conventions=conventions, per_card=False
    )
    forecast: WhenForecast | None = None
    forecast_error: str | None = None
    try:
        first, last = sample_window(now=now, conventions=conventions)
        sample = sample_from_daily(first, store.finishes_per_day(found, first, last))
        forecast = forecast_when(sample, FORECAST_ITEMS, seed=seed, trials=FORECAST_TRIALS)
    except SquadboardError as error:
        forecast_error = str(error)
    tags = store.board(inputs.squad.name, with_cards=False).tags
    return FlowData(
        squad=inputs.squad.name,
        mission=inputs.squad.mission,
        period_days=period_days,
        report=report,
        forecast=forecast,
        forecast_error=forecast_error,
        column_names={c.id: c.name for c in inputs.columns},
        column_roles={c.id: c.role for c in inputs.columns},
        column_order=inputs.column_order,
        tag_names={t.id: t.name for t in tags},
        seconds=time.perf_counter() - started,
    )


class FlowScreen(Screen[None]):
    """Flow metrics of one squad: tiles on top, charts in a grid below, all scrollable."""

    BINDINGS = [
        Binding("escape,q", "close", "Board"),
        Binding("left_square_bracket", "period(-1)", "Shorter", key_display="["),
        Binding("right_square_bracket", "period(1)", "Longer", key_display="]"),
    ]

    def __init__(
        self, store: Store, clock: Clock, squad: str | None, *, seed: int | None = None
    ) -> None:
        super().__init__()
        self.store = store
        self.clock = clock
        self.squad_name = squad
        self.seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
        """Seeds every forecast on this screen, so figures do not jump between periods."""
        self.period_days = DEFAULT_PERIOD
        self.scatter: ScatterData | None = None
        self.data: FlowData | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="flow-header"):
            yield Static(id="flow-squad", markup=False)
            yield Static(id="flow-status", markup=False)
        yield Static(id="flow-mission", markup=False)
        yield Static(id="flow-convention", markup=False)
        with VerticalScroll(id="flow-body"):
            with Horizontal(id="flow-tiles"):
                for name in ("wip", "throughput", "cycle", "sle", "efficiency"):
                    yield Static(id=f"tile-{name}", classes="tile", markup=False)
            with Grid(id="flow-charts"):
                yield ChartView("Cycle time by finish date", id="chart-scatter")
                yield ChartView("Aging WIP by column", id="chart-aging")
                yield ChartView("Throughput", id="chart-throughput")
                yield ChartView("Cumulative flow", id="chart-cfd")
                yield ChartView("Cycle time histogram", id="chart-histogram")
                yield Static(id="chart-tags", classes="panel", markup=False)
                yield Static(id="chart-forecast", classes="panel", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#chart-tags", Static).border_title = "Value tags"
        self.query_one("#chart-forecast", Static).border_title = "Forecast"
        self.query_one("#flow-squad", Static).update(Text("Flow metrics", style="bold"))
        self.query_one("#flow-body", VerticalScroll).focus()
        self._recompute()

    # -- computing -----------------------------------------------------------------------------

    def _recompute(self) -> None:
        self.set_class(True, "-loading")
        self.query_one("#flow-status", Static).update(
            Text(f"computing {self.period_days} days…", style="dim italic")
        )
        self.compute(self.period_days)

    @work(thread=True, exclusive=True, group="flow", exit_on_error=False)
    def compute(self, period_days: int) -> None:
        worker = get_current_worker()
        now = self.clock()
        try:
            scatter = compute_scatter(self.store, now, self.squad_name, period_days)
            if worker.is_cancelled:
                return
            message = ScatterComputed(scatter)
            self.post_message(message)
            # The rest holds the GIL for seconds: let the UI thread paint the scatter first.
            message.shown.wait(timeout=SCATTER_PAINT_WAIT)
            if worker.is_cancelled:
                return
            data = compute_flow(self.store, now, self.squad_name, period_days, self.seed)
        except SquadboardError as error:
            if not worker.is_cancelled:
                self.post_message(FlowUnavailable(str(error)))
            return
        if not worker.is_cancelled:
            self.post_message(FlowComputed(data))

    @on(FlowUnavailable)
    def flow_unavailable(self, message: FlowUnavailable) -> None:
        self.set_class(False, "-loading")
        self.query_one("#flow-status", Static).update(
            Text(f"⚠ {printable(message.reason)}", style="bold red")
        )

    @on(ScatterComputed)
    def scatter_computed(self, message: ScatterComputed) -> None:
        data = message.data
        if data.period_days != self.period_days:
            message.shown.set()
            return  # a period the user has already moved away from
        self.scatter = data
        self.query_one("#flow-status", Static).update(
            Text(f"computing the rest of {data.period_days} days…", style="dim italic")
        )
        self._show_scatter(data)
        self.call_after_refresh(message.shown.set)

    @on(FlowComputed)
    def flow_computed(self, message: FlowComputed) -> None:
        data = message.data
        if data.period_days != self.period_days:
            return  # a period the user has already moved away from
        self.data = data
        self.set_class(False, "-loading")
        self._show_header(data)
        self._show_tiles(tiles_for(data.report))
        self._show_charts(data)

    # -- actions -------------------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss()

    def action_period(self, step: int) -> None:
        index = PERIODS.index(self.period_days) if self.period_days in PERIODS else 2
        new = PERIODS[max(0, min(len(PERIODS) - 1, index + step))]
        if new != self.period_days:
            self.period_days = new
            self._recompute()

    # -- drawing -------------------------------------------------------------------------------

    def _show_header(self, data: FlowData) -> None:
        report = data.report
        self.query_one("#flow-squad", Static).update(
            Text.assemble(
                (printable(data.squad), "bold"),
                f"  flow metrics, {report.since} to {report.until} ({data.period_days} days)",
            )
        )
        self.query_one("#flow-status", Static).update(Text("[ ] change the period", style="dim"))
        self.query_one("#flow-mission", Static).update(
            Text(printable(data.mission), style="italic")
        )
        self.query_one("#flow-convention", Static).update(
            Text(f"{report.convention}; {PERCENTILE_NOTE}", style="dim")
        )

    def _show_tiles(self, tiles: Tiles) -> None:
        for name, (label, value, note) in (
            ("wip", tiles.wip),
            ("throughput", tiles.throughput),
            ("cycle", tiles.cycle_time),
            ("sle", tiles.sle),
            ("efficiency", tiles.efficiency),
        ):
            tile = self.query_one(f"#tile-{name}", Static)
            warn = name == "cycle" and tiles.low_sample
            tile.update(
                Text.assemble(
                    (label, "dim"),
                    "\n",
                    (value, "bold"),
                    "\n",
                    (note, "yellow" if warn else "dim"),
                )
            )
            tile.set_class(warn, "-warning")

    def _show_scatter(self, data: ScatterData) -> None:
        span = float((data.until - data.since).days + 1)
        cycle = data.cycle_time
        lines = {50: cycle.p50, 85: cycle.p85, 95: cycle.p95}
        dates = (str(data.since), str(data.until))
        self.query_one("#chart-scatter", ChartView).show(
            lambda w, h: render_scatter(
                data.points,
                x_range=(0.0, span),
                lines=lines,
                width=w,
                height=h,
                unit=data.unit,
                x_labels=dates,
            )
        )

    def _show_charts(self, data: FlowData) -> None:
        """Every chart but the scatter, which the first message drew."""
        report = data.report
        unit = "d" if report.conventions.unit == "days" else "h"
        bands = {b.column_id: b.ages.p85 for b in report.aging_bands}
        ages: dict[str, list[float]] = {}
        for card in report.in_flight:
            ages.setdefault(card.column_id, []).append(card.age)
        aging = [
            AgingColumn(data.column_names.get(c, "?"), tuple(ages.get(c, ())), bands.get(c))
            for c in data.column_order
            if data.column_roles.get(c) in (ColumnRole.ACTIVE, ColumnRole.QUEUE_IN_PROGRESS)
            or c in ages
        ]
        self.query_one("#chart-aging", ChartView).show(
            lambda w, h: render_aging(aging, width=w, height=h, unit=unit)
        )
        self.query_one("#chart-throughput", ChartView).show(
            lambda w, h: self._throughput(report, w, h)
        )
        cfd = report.cumulative_flow
        order = list(reversed(cfd.columns))  # Done at the bottom
        names = [data.column_names.get(c, "?") for c in order]
        counts = [[day.counts.get(c, 0) for c in order] for day in cfd.days]
        cfd_dates = (str(cfd.days[0].day), str(cfd.days[-1].day)) if cfd.days else ("", "")
        self.query_one("#chart-cfd", ChartView).show(
            lambda w, h: render_cfd(names, counts, width=w, height=h, x_labels=cfd_dates)
        )
        # The report leaves out per-card measures; the scatter has every cycle time.
        assert self.scatter is not None, "the scatter's message comes first"
        cycle_times = [cycle for _, cycle in self.scatter.points]
        self.query_one("#chart-histogram", ChartView).show(
            lambda w, h: self._histogram(cycle_times, unit, w, h)
        )
        self.query_one("#chart-tags", Static).update(self._tag_table(report, data, unit))
        self.query_one("#chart-forecast", Static).update(self._forecast_text(data))

    @staticmethod
    def _throughput(report: FlowReport, width: int, height: int) -> Text:
        """Daily bars when every day gets a cell, weekly bars otherwise."""
        days = report.days
        if days and len(days) <= width - 5:
            values: list[float] = [d.throughput for d in days]
            labels = (str(days[0].day), str(days[-1].day))
            mean = f"daily; {report.throughput} finished in {len(days)} days"
        else:
            values = [w.throughput for w in report.weeks]
            labels = (report.weeks[0].week, report.weeks[-1].week) if report.weeks else ("", "")
            mean = f"weekly; mean of full weeks {number(weekly_throughput(report))}"
        return render_bars(values, width=width, height=height, x_labels=labels, mean_label=mean)

    @staticmethod
    def _histogram(values: list[float], unit: str, width: int, height: int) -> Text:
        counts, low, high = histogram(values, max(1, width - 6))
        if not counts:
            return Text("no finished cards in this period", style="dim")
        return render_bars(
            [float(c) for c in counts],
            width=width,
            height=height,
            x_labels=(number(low, unit), number(high, unit)),
            style="cyan",
            mean_label=f"cards per cycle time, n={len(values)}",
        )

    @staticmethod
    def _tag_table(report: FlowReport, data: FlowData, unit: str) -> Table:
        table = Table(box=None, header_style="bold", expand=True, pad_edge=False)
        for heading in ("Tag", "Finished", "Share", "Cycle 50/85", "n", "WIP"):
            table.add_column(heading, justify="left" if heading == "Tag" else "right")

        def name(group: Group) -> Text:
            if group.key is None:
                return Text("(no value tag)", style="italic")
            return Text(printable(data.tag_names.get(group.key, group.key)))

        for group in report.breakdowns.by_tag:
            cycle = group.cycle_time
            table.add_row(
                name(group),
                Text(str(group.throughput)),
                Text(share(group.share_of_throughput)),
                Text(f"{number(cycle.p50, unit)} / {number(cycle.p85, unit)}"),
                Text(str(cycle.n) + (" ⚠" if cycle.low_sample else "")),
                Text(str(group.wip)),
            )
        return table

    @staticmethod
    def _forecast_text(data: FlowData) -> Text:
        result = data.forecast
        if result is None:
            return Text(f"no forecast: {data.forecast_error or 'no data'}", style="dim")
        out = Text(f"When will {result.items} more cards be done?\n", style="bold")
        for percent in (50, 70, 85, 95):
            when = getattr(result, f"p{percent}")
            out.append(f"  {percent}%: ", style="bold")
            out.append(f"on or before {when.isoformat() if when else 'beyond the horizon'}\n")
        out.append(
            f"window {result.window_start} to {result.window_end} ({result.window_days} days, "
            f"{result.zero_days} with none, {result.mean_daily_throughput:.2f}/day)\n"
            f"{result.trials} trials, seed {result.seed}",
            style="dim",
        )
        if result.stability_warning:
            out.append(
                "\n⚠ weekly throughput shows XmR signals (" + ", ".join(result.signals) + ")",
                style="yellow",
            )
        return out
