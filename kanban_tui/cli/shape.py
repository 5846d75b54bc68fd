"""Shaping a squad's board: `squad`, `column` and `tag` commands."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import click
from rich.table import Table

from kanban_tui.cli.context import CliContext, at_option, json_option, pass_cli, squad_option
from kanban_tui.cli.output import (
    cell,
    column_json,
    console,
    emit_json,
    say,
    squad_json,
    tag_json,
    wip_label,
)
from kanban_tui.domain.models import ColumnRole, WipPolicy
from kanban_tui.storage.store import UNSET

ROLE = click.Choice([r.value for r in ColumnRole])
POLICY = click.Choice([p.value for p in WipPolicy])


def _limit(value: str | None) -> int | None:
    """Parse a WIP limit: a positive whole number, or `none` to remove it."""
    if value is None or value.strip().lower() in ("none", "off", "0"):
        return None
    try:
        number = int(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a whole number or 'none'") from None
    if number < 1:
        raise click.BadParameter("a WIP limit must be at least 1 (or 'none')")
    return number


def _at(state: CliContext, squad: str | None, at_text: str | None) -> datetime | None:
    """Read --at in the squad's time zone (only when it was given)."""
    if not at_text:
        return None
    return state.moment(at_text, ZoneInfo(state.store().squad(squad).timezone))


def _sle(value: str | None) -> Any:
    """An SLE in days, `none` to clear it, or UNSET when the option was not given."""
    if value is None:
        return UNSET
    if value.strip().lower() == "none":
        return None
    try:
        return float(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a number of days or 'none'") from None


@click.group()
def squad() -> None:
    """Create, list and edit squads (each squad has one board)."""


@squad.command("add")
@click.argument("name")
@click.option("--mission", "-m", default="", help="The customer value mission, one sentence.")
@click.option(
    "--timezone",
    "--tz",
    default="UTC",
    show_default=True,
    help="IANA time zone; days are counted in it.",
)
@click.option("--prefix", help="Card key prefix, e.g. GRW for GRW-42 (default: from the name).")
@click.option("--member", "members", multiple=True, metavar="NAME", help="A member (repeatable).")
@at_option
@json_option
@pass_cli
def squad_add(
    state: CliContext,
    name: str,
    mission: str,
    timezone: str,
    prefix: str | None,
    members: tuple[str, ...],
    at_text: str | None,
    as_json: bool,
) -> None:
    """Create a squad with the default board: Backlog, Ready, Doing (3, block), Review (2, warn),
    Done."""
    created = state.store().add_squad(
        name,
        mission=mission,
        timezone=timezone,
        prefix=prefix,
        members=members,
        at=state.moment(at_text, ZoneInfo(timezone)) if at_text else None,
    )
    if as_json:
        emit_json(squad_json(created))
    else:
        first = f"{created.prefix}-1"
        say(f"Created squad {created.name}; its cards will be {first}, {created.prefix}-2, ...")


@squad.command("list")
@json_option
@pass_cli
def squad_list(state: CliContext, as_json: bool) -> None:
    """List the squads in the file."""
    squads = state.store(create=False).squads()
    if as_json:
        emit_json([squad_json(s) for s in squads])
        return
    table = Table(box=None, header_style="bold")
    for heading in ("Squad", "Prefix", "Time zone", "Members", "Mission"):
        table.add_column(heading)
    for s in squads:
        table.add_row(
            cell(s.name, "bold"),
            cell(s.prefix),
            cell(s.timezone),
            cell(", ".join(s.members)),
            cell(s.mission),
        )
    console().print(table)


@squad.command("edit")
@click.argument("name", required=False)
@click.option("--name", "new_name", metavar="NEW", help="Rename the squad.")
@click.option("--mission", "-m", help="A new mission sentence.")
@click.option("--timezone", "--tz", help="A new IANA time zone.")
@click.option("--add-member", multiple=True, metavar="NAME", help="Add a member (repeatable).")
@click.option(
    "--remove-member", multiple=True, metavar="NAME", help="Remove a member (repeatable)."
)
@click.option(
    "--sle",
    "sle_text",
    metavar="DAYS|none",
    help="Service Level Expectation: cards should finish within DAYS (or 'none' to clear).",
)
@click.option(
    "--sle-percent",
    type=click.IntRange(1, 99),
    help="The share of cards the SLE promises (default 85).",
)
@at_option
@json_option
@pass_cli
def squad_edit(
    state: CliContext,
    name: str | None,
    new_name: str | None,
    mission: str | None,
    timezone: str | None,
    add_member: tuple[str, ...],
    remove_member: tuple[str, ...],
    sle_text: str | None,
    sle_percent: int | None,
    at_text: str | None,
    as_json: bool,
) -> None:
    """Rename a squad, change its mission or time zone, or its members.

    NAME may be left out when the file holds one squad.
    """
    edited = state.store().edit_squad(
        name,
        name=new_name,
        mission=mission,
        timezone=timezone,
        add_members=add_member,
        remove_members=remove_member,
        sle_days=_sle(sle_text),
        sle_percent=sle_percent,
        at=_at(state, name, at_text),
    )
    if as_json:
        emit_json(squad_json(edited))
    else:
        say(f"Updated squad {edited.name}")


@click.group()
def column() -> None:
    """Shape a board's columns: roles, WIP limits and policies, order."""


@column.command("list")
@squad_option
@json_option
@pass_cli
def column_list(state: CliContext, squad: str | None, as_json: bool) -> None:
    """List the columns with their roles, WIP limits and card counts."""
    board = state.store(create=False).board(squad)
    counts = Counter(c.column_id for c in board.cards)
    if as_json:
        emit_json([column_json(c, counts[c.id]) for c in board.columns])
        return
    table = Table(box=None, header_style="bold")
    for heading in ("Column", "Role", "WIP", "Policy", "Marks"):
        table.add_column(heading)
    start, finish = board.start_column, board.finish_column
    for c in board.columns:
        marks = "start point" if start and c.id == start.id else ""
        marks = "finish point" if finish and c.id == finish.id else marks
        table.add_row(
            cell(c.name, "bold"),
            cell(c.role),
            cell(wip_label(c, counts[c.id])),
            cell(c.wip_policy),
            cell(marks),
        )
    console().print(table)


@column.command("add")
@click.argument("name")
@click.option("--role", type=ROLE, required=True, help="Where it sits in the workflow.")
@click.option("--limit", "limit_text", metavar="N", help="WIP limit (a positive number).")
@click.option("--policy", type=POLICY, help="What happens over the limit (default: warn).")
@click.option("--before", metavar="COLUMN", help="Place it before this column.")
@click.option("--after", metavar="COLUMN", help="Place it after this column (default: last).")
@squad_option
@at_option
@json_option
@pass_cli
def column_add(
    state: CliContext,
    name: str,
    role: str,
    limit_text: str | None,
    policy: str | None,
    before: str | None,
    after: str | None,
    squad: str | None,
    at_text: str | None,
    as_json: bool,
) -> None:
    """Add a column to a board."""
    added = state.store().add_column(
        squad,
        name,
        ColumnRole(role),
        wip_limit=_limit(limit_text),
        wip_policy=WipPolicy(policy) if policy else None,
        before=before,
        after=after,
        at=_at(state, squad, at_text),
    )
    if as_json:
        emit_json(column_json(added))
    else:
        say(f"Added column {added.name} ({added.role})")


@column.command("edit")
@click.argument("name")
@click.option("--name", "new_name", metavar="NEW", help="Rename the column.")
@click.option("--role", type=ROLE, help="A new role.")
@click.option("--limit", "limit_text", metavar="N|none", help="A new WIP limit, or 'none'.")
@click.option("--policy", type=POLICY, help="A new WIP policy.")
@squad_option
@at_option
@json_option
@pass_cli
def column_edit(
    state: CliContext,
    name: str,
    new_name: str | None,
    role: str | None,
    limit_text: str | None,
    policy: str | None,
    squad: str | None,
    at_text: str | None,
    as_json: bool,
) -> None:
    """Rename a column or change its role, WIP limit or policy."""
    edited = state.store().edit_column(
        squad,
        name,
        new_name=new_name,
        role=ColumnRole(role) if role else None,
        wip_limit=UNSET if limit_text is None else _limit(limit_text),
        wip_policy=WipPolicy(policy) if policy else None,
        at=_at(state, squad, at_text),
    )
    if as_json:
        emit_json(column_json(edited))
    else:
        limit = edited.wip_limit if edited.wip_limit is not None else "none"
        say(f"Updated column {edited.name}: {edited.role}, limit {limit}, {edited.wip_policy}")


@column.command("move")
@click.argument("name")
@click.option("--before", metavar="COLUMN", help="Move it before this column.")
@click.option("--after", metavar="COLUMN", help="Move it after this column.")
@squad_option
@at_option
@json_option
@pass_cli
def column_move(
    state: CliContext,
    name: str,
    before: str | None,
    after: str | None,
    squad: str | None,
    at_text: str | None,
    as_json: bool,
) -> None:
    """Move a column before or after another column."""
    moved = state.store().move_column(
        squad, name, before=before, after=after, at=_at(state, squad, at_text)
    )
    if as_json:
        emit_json(column_json(moved))
    else:
        say(f"Moved column {moved.name}")


@column.command("remove")
@click.argument("name")
@squad_option
@at_option
@json_option
@pass_cli
def column_remove(
    state: CliContext, name: str, squad: str | None, at_text: str | None, as_json: bool
) -> None:
    """Remove an empty column (its history stays in the log)."""
    removed = state.store().remove_column(squad, name, at=_at(state, squad, at_text))
    if as_json:
        emit_json(column_json(removed))
    else:
        say(f"Removed column {removed.name}")


@click.group()
def tag() -> None:
    """Customer value tags: which customer value a card serves."""


@tag.command("add")
@click.argument("name")
@click.option("--description", "-d", default="", help="What this customer value means.")
@click.option("--colour", "--color", help="A colour name (red, green, ...) or #rrggbb.")
@squad_option
@at_option
@json_option
@pass_cli
def tag_add(
    state: CliContext,
    name: str,
    description: str,
    colour: str | None,
    squad: str | None,
    at_text: str | None,
    as_json: bool,
) -> None:
    """Add a customer value tag to a squad."""
    added = state.store().add_tag(
        squad, name, description=description, colour=colour, at=_at(state, squad, at_text)
    )
    if as_json:
        emit_json(tag_json(added))
    else:
        say(f"Added value tag {added.name} ({added.colour})")


@tag.command("list")
@squad_option
@json_option
@pass_cli
def tag_list(state: CliContext, squad: str | None, as_json: bool) -> None:
    """List a squad's customer value tags."""
    board = state.store(create=False).board(squad, with_cards=False)
    if as_json:
        emit_json([tag_json(t) for t in board.tags])
        return
    table = Table(box=None, header_style="bold")
    for heading in ("Value tag", "Colour", "Description"):
        table.add_column(heading)
    for t in board.tags:
        table.add_row(cell(t.name, "bold"), cell(t.colour), cell(t.description))
    console().print(table)


@tag.command("edit")
@click.argument("name")
@click.option("--name", "new_name", metavar="NEW", help="Rename the tag.")
@click.option("--description", "-d", help="A new description.")
@click.option("--colour", "--color", help="A new colour.")
@squad_option
@at_option
@json_option
@pass_cli
def tag_edit(
    state: CliContext,
    name: str,
    new_name: str | None,
    description: str | None,
    colour: str | None,
    squad: str | None,
    at_text: str | None,
    as_json: bool,
) -> None:
    """Rename a value tag or change its description or colour."""
    edited = state.store().edit_tag(
        squad,
        name,
        new_name=new_name,
        description=description,
        colour=colour,
        at=_at(state, squad, at_text),
    )
    if as_json:
        emit_json(tag_json(edited))
    else:
        say(f"Updated value tag {edited.name}")
