"""`squadboard log`: the event history, filterable by card, actor, kind and time."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import click
from rich.table import Table

from kanban_tui.cli.context import CliContext, json_option, pass_cli, squad_option
from kanban_tui.cli.output import cell, console, emit_json, event_json, local_time
from kanban_tui.domain.events import EventKind, describe

KIND = click.Choice([k.value for k in EventKind])


@click.command()
@click.option("--card", "card_key", metavar="KEY", help="Only this card's events.")
@click.option("--actor", metavar="NAME", help="Only changes made by this person.")
@click.option("--kind", "kinds", type=KIND, multiple=True, help="Only these kinds (repeatable).")
@click.option("--since", metavar="WHEN", help="Only changes at or after WHEN.")
@click.option("--until", metavar="WHEN", help="Only changes before WHEN.")
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Show the newest N events.",
)
@click.option("--all", "everything", is_flag=True, help="No limit.")
@squad_option
@json_option
@pass_cli
def log(
    state: CliContext,
    card_key: str | None,
    actor: str | None,
    kinds: tuple[str, ...],
    since: str | None,
    until: str | None,
    limit: int,
    everything: bool,
    squad: str | None,
    as_json: bool,
) -> None:
    """Show the history of changes, oldest first: who did what, and when it happened."""
    store = state.store(create=False)
    zone = ZoneInfo(store.squad(squad).timezone)
    events = store.events(
        squad=squad,
        card=card_key,
        actor=actor,
        since=state.moment(since, zone),
        until=state.moment(until, zone),
        kinds=kinds,
        limit=None if everything else limit,
    )
    keys = store.card_keys(sorted({e.card_uid for e in events if e.card_uid}))
    if as_json:
        emit_json([event_json(e, keys) for e in events])
        return
    table = Table(box=None, header_style="bold")
    for heading in ("When", "Who", "Card", "What"):
        table.add_column(heading)
    board = store.board(squad, with_cards=False)
    columns = {c.id: c.name for c in board.columns}
    tags = {t.id: t.name for t in board.tags}
    for e in events:
        table.add_row(
            cell(local_time(e.at, zone)),
            cell(e.actor),
            cell(keys.get(e.card_uid or "", "")),
            cell(describe(e, columns, tags)),
        )
    console().print(table)
    click.echo(f"Times are in {zone.key}.", err=True)
