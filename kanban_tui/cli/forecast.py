"""`squadboard forecast`: when more cards will be done, by Monte Carlo over past throughput.

It imports only what a forecast needs (rich only for output meant for people): the whole
process is mostly start-up, and the issue asks for 10,000 trials in half a second.
"""

from __future__ import annotations

import random
from typing import Any

import click

from kanban_tui.cli.context import CliContext, json_option, pass_cli, squad_option
from kanban_tui.cli.output import console, emit_json
from kanban_tui.domain.conventions import Conventions
from kanban_tui.domain.errors import InvalidInput
from kanban_tui.domain.forecast import (
    forecast_how_many,
    forecast_when,
    sample_from_daily,
    sample_window,
)


@click.command()
@squad_option
@click.option("--items", type=click.IntRange(min=1), help="When will this many cards be done?")
@click.option("--by", "by_date", metavar="DATE", help="How many cards will be done by DATE?")
@click.option(
    "--window",
    type=click.IntRange(7, 730),
    default=84,
    show_default=True,
    help="Past days of throughput to sample from.",
)
@click.option(
    "--trials",
    type=click.IntRange(100, 1_000_000),
    default=10_000,
    show_default=True,
    help="Monte Carlo trials.",
)
@click.option(
    "--seed", type=int, help="Random seed, to repeat a forecast (default: random, printed)."
)
@json_option
@pass_cli
def forecast(
    state: CliContext,
    squad: str | None,
    items: int | None,
    by_date: str | None,
    window: int,
    trials: int,
    seed: int | None,
    as_json: bool,
) -> None:
    """Monte Carlo forecast from past daily throughput: when N cards, or how many by a date."""
    if (items is None) == (by_date is None):
        raise click.UsageError("give exactly one of --items N or --by DATE")
    store = state.store(create=False)
    found = store.squad(squad)
    conventions = Conventions(zone=found.timezone)
    now = state.clock()
    first, last = sample_window(now=now, conventions=conventions, window_days=window)
    sample = sample_from_daily(first, store.finishes_per_day(found, first, last))
    chosen_seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
    result: Any
    if items is not None:
        result = forecast_when(sample, items, seed=chosen_seed, trials=trials)
    else:
        until = state.day(by_date or "", conventions.tz)
        if until <= now.astimezone(conventions.tz).date():
            raise InvalidInput(f"--by {until} is not in the future")
        result = forecast_how_many(sample, until, seed=chosen_seed, trials=trials)
    if as_json:
        emit_json(result.model_dump(mode="json"))
        return
    from rich.text import Text

    out = console()
    if items is not None:
        out.print(Text(f"When will {items} more cards be done?", style="bold"))
        for percent in (50, 70, 85, 95):
            when = getattr(result, f"p{percent}")
            out.print(
                f"  {percent}%: on or before {when.isoformat() if when else 'beyond the horizon'}"
            )
    else:
        out.print(Text(f"How many cards will be done by {result.until}?", style="bold"))
        for percent in (50, 70, 85, 95):
            out.print(f"  {percent}%: {getattr(result, f'p{percent}')} or more")
    out.print(
        Text(
            f"Sampled daily throughput {result.window_start} to {result.window_end} "
            f"({result.window_days} days, {result.zero_days} with none, mean "
            f"{result.mean_daily_throughput:.2f}/day); {result.trials} trials, seed "
            f"{result.seed} (--seed {result.seed} repeats it).",
            style="dim",
        )
    )
    if result.stability_warning:
        out.print(
            Text(
                "⚠ weekly throughput shows XmR signals ("
                + ", ".join(result.signals)
                + "): the past may not predict the future well",
                style="yellow",
            )
        )
