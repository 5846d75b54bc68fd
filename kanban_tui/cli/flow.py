"""`squadboard stats`: how work flows, period by period."""

from __future__ import annotations

import csv
import sys
from datetime import date, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import click
from rich.table import Table
from rich.text import Text

from kanban_tui.cli.context import CliContext, json_option, pass_cli, squad_option
from kanban_tui.cli.output import cell, console, emit_json
from kanban_tui.domain.errors import InvalidInput
from kanban_tui.domain.flow import (
    Conventions,
    FlowReport,
    Group,
    Percentiles,
    look_back_start,
)
from kanban_tui.domain.text import printable

DEFAULT_PERIOD_DAYS = 90


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return f"{text}{unit}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _percentiles(p: Percentiles, unit: str) -> str:
    text = f"50% {_number(p.p50, unit)} · 85% {_number(p.p85, unit)} (n={p.n})"
    return text + (" ⚠ fewer than 10 cards" if p.low_sample else "")


def _period(
    state: CliContext, zone: ZoneInfo, since: str | None, until: str | None
) -> tuple[date, date]:
    today = state.clock().astimezone(zone).date()
    end = state.day(until, zone) if until else today
    start = state.day(since, zone) if since else end - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if start > end:
        raise InvalidInput(f"--since {start} is after --until {end}")
    return start, end


@click.command()
@squad_option
@click.option(
    "--since", metavar="DATE", help=f"First day (default: {DEFAULT_PERIOD_DAYS} days ago)."
)
@click.option("--until", metavar="DATE", help="Last day (default: today).")
@click.option(
    "--by",
    type=click.Choice(["tag", "class", "assignee"]),
    help="Break throughput, cycle time and WIP down by value tag, class of service or assignee.",
)
@click.option(
    "--unit",
    type=click.Choice(["days", "hours"]),
    default="days",
    show_default=True,
    help="Inclusive calendar days in the squad's zone, or elapsed hours.",
)
@click.option(
    "--csv", "as_csv", is_flag=True, help="Print a CSV table (cards, or groups with --by)."
)
@json_option
@pass_cli
def stats(
    state: CliContext,
    squad: str | None,
    since: str | None,
    until: str | None,
    by: str | None,
    unit: Literal["days", "hours"],
    as_csv: bool,
    as_json: bool,
) -> None:
    """Flow metrics for a period: cycle time, throughput, WIP, SLE, aging, blockers, value.

    Every figure states its convention; docs/metrics.md defines them all.
    """
    if as_csv and as_json:
        raise click.UsageError("choose either --csv or --json")
    store = state.store(create=False)
    found = store.squad(squad)
    conventions = Conventions(zone=found.timezone, unit=unit)
    start, end = _period(state, conventions.tz, since, until)
    now = state.clock()
    # Only --json and the card table of --csv show per-card measures; only --json shows the
    # cumulative flow (and the days over a WIP limit counted from it).
    per_card = as_json or (as_csv and by is None)
    look_back_from = look_back_start(start, now, conventions)
    inputs = (
        store.flow_inputs(found.name, look_back_from=look_back_from, waiting_stays=as_json)
        if per_card or as_json
        else store.summarised_flow_inputs(
            found.name, look_back_from=look_back_from, now=now, unit=unit
        )
    )
    report = inputs.report(
        since=start,
        until=end,
        now=now,
        conventions=conventions,
        per_card=per_card,
        cumulative=as_json,
    )
    tags = {t.id: t.name for t in store.board(inputs.squad.name, with_cards=False).tags}
    columns = {c.id: c.name for c in inputs.columns}
    groups = _groups(report, by)
    if as_json:
        data = report.model_dump(mode="json")
        data["squad"] = inputs.squad.name
        data["column_names"] = columns
        data["tag_names"] = tags
        emit_json(data)
    elif as_csv:
        _write_csv(report, groups, by, tags, columns)
    else:
        _print_report(report, inputs.squad.name, inputs.squad.mission, groups, by, tags, columns)


def _groups(report: FlowReport, by: str | None) -> tuple[Group, ...]:
    if by == "tag":
        return report.breakdowns.by_tag
    if by == "class":
        return report.breakdowns.by_class_of_service
    if by == "assignee":
        return report.breakdowns.by_assignee
    return ()


def _group_name(group: Group, by: str | None, tags: dict[str, str]) -> str:
    if group.key is None:
        return "(no value tag)" if by == "tag" else "(none)"
    return tags.get(group.key, group.key) if by == "tag" else group.key


def _write_csv(
    report: FlowReport,
    groups: tuple[Group, ...],
    by: str | None,
    tags: dict[str, str],
    columns: dict[str, str],
) -> None:
    out = csv.writer(sys.stdout)
    if by:
        out.writerow([by, "throughput", "share", "cycle_p50", "cycle_p85", "n", "wip"])
        for g in groups:
            out.writerow(
                [
                    _group_name(g, by, tags),
                    g.throughput,
                    g.share_of_throughput,
                    g.cycle_time.p50,
                    g.cycle_time.p85,
                    g.cycle_time.n,
                    g.wip,
                ]
            )
        return
    out.writerow(
        [
            "key",
            "started_at",
            "finished_at",
            "cycle_time",
            "lead_time",
            "age",
            "blocked_hours",
            "flow_efficiency",
            "backward_moves",
            "unit",
        ]
    )
    for card in report.cards:
        out.writerow(
            [
                card.key,
                card.started_at.isoformat() if card.started_at else "",
                card.finished_at.isoformat() if card.finished_at else "",
                card.cycle_time,
                card.lead_time,
                card.age,
                round(card.blocked_hours, 2),
                card.flow_efficiency,
                card.backward_moves,
                report.conventions.unit,
            ]
        )


def _print_report(
    report: FlowReport,
    squad: str,
    mission: str,
    groups: tuple[Group, ...],
    by: str | None,
    tags: dict[str, str],
    columns: dict[str, str],
) -> None:
    out = console()
    unit = "d" if report.conventions.unit == "days" else "h"
    out.print(Text.assemble((printable(squad), "bold"), f"  {report.since} to {report.until}"))
    if mission:
        out.print(Text(printable(mission), style="italic"))
    sle = report.sle
    sle_text = (
        f"{sle.percent}% within {_number(sle.value, unit)} ({sle.source}); "
        f"hit {_share(sle.hit_rate)} of {sle.finished}"
        if sle.value is not None
        else "not enough finished cards yet"
    )
    weeks = [w for w in report.weeks if w.complete]
    per_week = sum(w.throughput for w in weeks) / len(weeks) if weeks else None
    tiles = Table.grid(padding=(0, 2))
    tiles.add_column(style="bold")
    tiles.add_column()
    for label, value in (
        ("Cycle time", _percentiles(report.cycle_time, unit)),
        ("Throughput", f"{report.throughput} finished; {_number(per_week)} per full week"),
        ("WIP now", str(len(report.in_flight))),
        ("SLE", sle_text),
        (
            "Net flow",
            f"{report.arrivals} started - {report.throughput} finished = {report.net_flow}",
        ),
        (
            "Flow efficiency",
            f"{_share(report.flow_efficiency.mean)} mean of cards, "
            f"{_share(report.flow_efficiency.pooled)} pooled",
        ),
        ("Lead time", _percentiles(report.lead_time, unit)),
        (
            "WIP limits",
            f"{report.wip_exceptions.breaches} breaches, "
            f"{report.wip_exceptions.overrides} overrides",
        ),
        (
            "No value tag",
            f"{_share(report.breakdowns.finished_untagged_share)} of finished work, "
            f"{_share(report.breakdowns.wip_untagged_share)} of WIP",
        ),
    ):
        tiles.add_row(label, cell(value))
    out.print(tiles)
    warnings = []
    if not report.cycle_time_xmr.stable:
        warnings.append("cycle times show XmR signals: the process is not stable")
    if not report.throughput_xmr.stable:
        warnings.append("weekly throughput shows XmR signals: forecasts are less reliable")
    if report.littles_law.flags:
        warnings.append("Little's Law check: " + ", ".join(report.littles_law.flags))
    for warning in warnings:
        out.print(Text(f"⚠ {warning}", style="yellow"))
    risky = [c for c in report.in_flight if c.at_risk]
    if risky:
        table = Table(
            title="Aging cards (older than 85% of past cards in their column)",
            box=None,
            header_style="bold",
            title_justify="left",
        )
        for heading in ("Card", "Column", "Age", "SLE used"):
            table.add_column(heading)
        for card in sorted(risky, key=lambda c: -c.age)[:10]:
            table.add_row(
                cell(card.key),
                cell(columns.get(card.column_id, "?")),
                cell(_number(card.age, unit)),
                cell(_share(card.sle_consumed)),
            )
        out.print(table)
    if report.blockers:
        table = Table(title="Blocker clusters", box=None, header_style="bold", title_justify="left")
        for heading in ("Reason", "Blocks", "Blocked days", "Share of cycle time"):
            table.add_column(heading)
        for cluster in report.blockers[:5]:
            table.add_row(
                cell(cluster.reason),
                cell(str(cluster.count)),
                cell(_number(cluster.blocked_days)),
                cell(_share(cluster.share_of_cycle_time)),
            )
        out.print(table)
    if by:
        table = Table(title=f"By {by}", box=None, header_style="bold", title_justify="left")
        for heading in (by.capitalize(), "Finished", "Share", "Cycle time", "WIP"):
            table.add_column(heading)
        for g in groups:
            table.add_row(
                cell(_group_name(g, by, tags)),
                cell(str(g.throughput)),
                cell(_share(g.share_of_throughput)),
                cell(_percentiles(g.cycle_time, unit)),
                cell(str(g.wip)),
            )
        out.print(table)
    out.print(
        Text(f"Conventions: {report.convention}. Percentiles use rank = floor(p*n).", style="dim")
    )
