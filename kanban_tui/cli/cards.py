"""`squadboard card ...`: add, edit, move, block, assign, tag, archive, delete, show, list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import click
from rich.table import Table
from rich.text import Text

from kanban_tui.cli.context import CliContext, at_option, json_option, pass_cli, squad_option
from kanban_tui.cli.output import (
    Names,
    card_json,
    cell,
    console,
    emit_json,
    event_json,
    local_time,
    print_cards,
    say,
    transition_json,
)
from kanban_tui.domain.days import DAY_CONVENTION
from kanban_tui.domain.flow import Conventions, card_flow
from kanban_tui.domain.models import ClassOfService
from kanban_tui.domain.rules import WipOutcome
from kanban_tui.domain.text import printable
from kanban_tui.storage.store import UNSET, CardChange, Store

CLASS = click.Choice([c.value for c in ClassOfService])


@click.group()
def card() -> None:
    """Add, change and list cards. Cards are named by their key, e.g. GRW-42."""


def _card_zone(store: Store, key: str) -> ZoneInfo:
    return ZoneInfo(store.board_of(store.card(key)).squad.timezone)


def _report(store: Store, change: CardChange, as_json: bool, done: str) -> None:
    """Print the outcome of a card change: JSON of the card, or one line for people."""
    names = Names(store.board_of(change.card))
    if as_json:
        data = card_json(change.card, names)
        data["wip"] = change.wip.value
        data["events"] = [e.id for e in change.events]
        emit_json(data)
        return
    line = f"{change.card.key} {done}"
    if change.column is not None and change.column.wip_limit is not None:
        if change.wip is WipOutcome.BREACH:
            line += f" (over the warn limit of {change.column.wip_limit}; breach recorded)"
        elif change.wip is WipOutcome.OVERRIDE:
            line += f" (over the block limit of {change.column.wip_limit}; override recorded)"
    say(line)


def _card_command(
    state: CliContext,
    key: str,
    at_text: str | None,
    as_json: bool,
    action: Callable[[Store, datetime | None], CardChange],
    done: str,
) -> None:
    store = state.store(create=False)
    at = state.moment(at_text, _card_zone(store, key)) if at_text else None
    _report(store, action(store, at), as_json, done)


@card.command("add")
@click.argument("title")
@click.option("--column", "-c", metavar="COLUMN", help="Where it starts (default: first column).")
@click.option("--description", "-d", default="", help="Details, in Markdown.")
@click.option("--tag", "-t", "tags", multiple=True, metavar="TAG", help="A value tag (repeatable).")
@click.option(
    "--assignee",
    "-a",
    "assignees",
    multiple=True,
    metavar="NAME",
    help="A squad member (repeatable).",
)
@click.option(
    "--class", "class_", type=CLASS, default="standard", show_default=True, help="Class of service."
)
@click.option("--due", metavar="DATE", help="Due date, e.g. 2026-12-01 or 'tomorrow'.")
@click.option("--top", is_flag=True, help="Put it at the top of the column (default: bottom).")
@click.option(
    "--override",
    "override_reason",
    metavar="REASON",
    help="Reason for going over a blocking WIP limit.",
)
@at_option
@squad_option
@json_option
@pass_cli
def card_add(
    state: CliContext,
    title: str,
    column: str | None,
    description: str,
    tags: tuple[str, ...],
    assignees: tuple[str, ...],
    class_: str,
    due: str | None,
    top: bool,
    override_reason: str | None,
    at_text: str | None,
    squad: str | None,
    as_json: bool,
) -> None:
    """Add a card titled TITLE."""
    store = state.store()
    zone = ZoneInfo(store.squad(squad).timezone)
    change = store.add_card(
        squad,
        title,
        column=column,
        description=description,
        tags=tags,
        assignees=assignees,
        class_of_service=ClassOfService(class_),
        due=state.day(due, zone) if due else None,
        top=top,
        override_reason=override_reason,
        at=state.moment(at_text, zone),
    )
    _report(store, change, as_json, f"added: {change.card.title}")


@card.command("edit")
@click.argument("key")
@click.option("--title", help="A new title.")
@click.option("--description", "-d", help="A new description (Markdown).")
@click.option("--class", "class_", type=CLASS, help="A new class of service.")
@click.option("--due", metavar="DATE|none", help="A new due date, or 'none' to clear it.")
@at_option
@json_option
@pass_cli
def card_edit(
    state: CliContext,
    key: str,
    title: str | None,
    description: str | None,
    class_: str | None,
    due: str | None,
    at_text: str | None,
    as_json: bool,
) -> None:
    """Change a card's title, description, class of service or due date."""

    def action(store: Store, at: datetime | None) -> CardChange:
        due_value: Any = UNSET
        if due is not None:
            due_value = (
                None if due.strip().lower() == "none" else state.day(due, _card_zone(store, key))
            )
        return store.edit_card(
            key,
            title=title,
            description=description,
            class_of_service=ClassOfService(class_) if class_ else None,
            due=due_value,
            at=at,
        )

    _card_command(state, key, at_text, as_json, action, "updated")


@card.command("move")
@click.argument("key")
@click.argument("column", required=False)
@click.option("--top", is_flag=True, help="Put it at the top of the column.")
@click.option("--before", metavar="CARD", help="Put it just above this card.")
@click.option("--after", metavar="CARD", help="Put it just below this card.")
@click.option(
    "--override",
    "override_reason",
    metavar="REASON",
    help="Reason for going over a blocking WIP limit (recorded).",
)
@at_option
@json_option
@pass_cli
def card_move(
    state: CliContext,
    key: str,
    column: str | None,
    top: bool,
    before: str | None,
    after: str | None,
    override_reason: str | None,
    at_text: str | None,
    as_json: bool,
) -> None:
    """Move card KEY to COLUMN (at the bottom unless placed), or within its own column.

    A full column with a `block` policy refuses the card (exit code 1) unless you give an
    --override reason; a `warn` column takes it and records the breach.
    """

    def action(store: Store, at: datetime | None) -> CardChange:
        return store.move_card(
            key,
            column,
            top=top,
            before=before,
            after=after,
            override_reason=override_reason,
            at=at,
        )

    store = state.store(create=False)
    at = state.moment(at_text, _card_zone(store, key)) if at_text else None
    change = action(store, at)
    where = Names(store.board_of(change.card)).column(change.card.column_id)
    _report(store, change, as_json, f"moved to {where}")


@card.command("block")
@click.argument("key")
@click.argument("reason")
@at_option
@json_option
@pass_cli
def card_block(
    state: CliContext, key: str, reason: str, at_text: str | None, as_json: bool
) -> None:
    """Mark card KEY blocked, with the REASON (blocked time counts from now or --at)."""
    _card_command(
        state,
        key,
        at_text,
        as_json,
        lambda store, at: store.block_card(key, reason, at=at),
        f"blocked: {reason}",
    )


@card.command("unblock")
@click.argument("key")
@at_option
@json_option
@pass_cli
def card_unblock(state: CliContext, key: str, at_text: str | None, as_json: bool) -> None:
    """Clear card KEY's block."""
    _card_command(
        state, key, at_text, as_json, lambda store, at: store.unblock_card(key, at=at), "unblocked"
    )


@card.command("assign")
@click.argument("key")
@click.argument("names", nargs=-1, required=True)
@click.option("--remove", is_flag=True, help="Take these members off the card instead.")
@at_option
@json_option
@pass_cli
def card_assign(
    state: CliContext,
    key: str,
    names: tuple[str, ...],
    remove: bool,
    at_text: str | None,
    as_json: bool,
) -> None:
    """Assign squad members to card KEY (or take them off with --remove)."""
    _card_command(
        state,
        key,
        at_text,
        as_json,
        lambda store, at: store.assign_card(key, names, remove=remove, at=at),
        ("unassigned: " if remove else "assigned: ") + ", ".join(names),
    )


@card.command("tag")
@click.argument("key")
@click.argument("tags", nargs=-1, required=True)
@click.option("--remove", is_flag=True, help="Remove these value tags instead.")
@at_option
@json_option
@pass_cli
def card_tag(
    state: CliContext,
    key: str,
    tags: tuple[str, ...],
    remove: bool,
    at_text: str | None,
    as_json: bool,
) -> None:
    """Link card KEY to customer value TAGS (or unlink them with --remove)."""
    _card_command(
        state,
        key,
        at_text,
        as_json,
        lambda store, at: store.tag_card(key, tags, remove=remove, at=at),
        ("untagged: " if remove else "tagged: ") + ", ".join(tags),
    )


@card.command("archive")
@click.argument("key")
@click.option("--undo", is_flag=True, help="Bring an archived card back instead.")
@click.option(
    "--override",
    "override_reason",
    metavar="REASON",
    help="With --undo: reason for going over a blocking WIP limit.",
)
@at_option
@json_option
@pass_cli
def card_archive(
    state: CliContext,
    key: str,
    undo: bool,
    override_reason: str | None,
    at_text: str | None,
    as_json: bool,
) -> None:
    """Archive card KEY: it leaves the board and WIP but keeps its history."""

    def action(store: Store, at: datetime | None) -> CardChange:
        if undo:
            return store.unarchive_card(key, override_reason=override_reason, at=at)
        return store.archive_card(key, at=at)

    _card_command(state, key, at_text, as_json, action, "unarchived" if undo else "archived")


@card.command("delete")
@click.argument("key")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@json_option
@pass_cli
def card_delete(state: CliContext, key: str, yes: bool, as_json: bool) -> None:
    """Delete card KEY (undo with `card restore KEY`; its events stay in the log)."""
    store = state.store(create=False)
    found = store.card(key)
    if not yes:
        click.confirm(f"Delete {found.key} ({printable(found.title)})?", abort=True, err=True)
    _report(store, store.delete_card(key), as_json, "deleted; `squadboard card restore` undoes it")


@card.command("restore")
@click.argument("key")
@json_option
@pass_cli
def card_restore(state: CliContext, key: str, as_json: bool) -> None:
    """Bring back a deleted card."""
    store = state.store(create=False)
    _report(store, store.restore_card(key), as_json, "restored")


@card.command("show")
@click.argument("key")
@json_option
@pass_cli
def card_show(state: CliContext, key: str, as_json: bool) -> None:
    """Show a card: its details, the columns it passed through, and its history."""
    store = state.store(create=False)
    found = store.card(key)
    names = Names(store.board_of(found))
    moves = store.transitions(key)
    history = store.events(card=key)
    flow_data = store.flow_inputs(card=key)
    conventions = Conventions(zone=names.zone.key)
    times = card_flow(flow_data.histories[0], flow_data.column_order, state.clock(), conventions)
    if as_json:
        data = card_json(found, names)
        data["times"] = {
            **times.model_dump(mode="json", exclude={"uid", "key", "time_in_columns_hours"}),
            "hours_in_columns": {
                names.column(column_id): hours
                for column_id, hours in times.time_in_columns_hours.items()
            },
            "convention": conventions.describe(),
        }
        data["transitions"] = [transition_json(t, names) for t in moves]
        keys = {found.uid: found.key}
        data["history"] = [event_json(e, keys) for e in history]
        emit_json(data)
        return
    out = console()
    out.print(Text.assemble((found.key, "bold"), " ", printable(found.title)))
    details = [
        ("Column", names.column(found.column_id)),
        ("Value tags", ", ".join(names.tags(found.tag_ids)) or "none (which customer value?)"),
        ("Assignees", ", ".join(found.assignees) or "nobody"),
        ("Class", found.class_of_service.value),
        ("Due", found.due.isoformat() if found.due else "-"),
        ("Blocked", found.blocked_reason if found.blocked else "no"),
        ("Archived", "yes" if found.archived else "no"),
        ("Created", local_time(found.created_at, names.zone)),
        ("Started", local_time(times.started_at, names.zone) or "not yet"),
        ("Finished", local_time(times.finished_at, names.zone) or "not yet"),
        ("Cycle time", f"{times.cycle_time:.0f} days" if times.cycle_time else "-"),
        ("Lead time", f"{times.lead_time:.0f} days" if times.lead_time else "-"),
        ("Age", f"{times.age:.0f} days" if times.age else "-"),
        ("Blocked time", f"{times.blocked_hours:.1f} hours in all"),
        (
            "Efficiency",
            f"{times.flow_efficiency:.0%} of its cycle time active"
            if times.flow_efficiency is not None
            else "-",
        ),
    ]
    grid = Table.grid(padding=(0, 2))
    for label, value in details:
        grid.add_row(cell(label, "dim"), cell(value))
    out.print(grid)
    if found.description:
        out.print(cell(found.description and "\n" + printable(found.description, multiline=True)))
    moves_table = Table(title="Columns", box=None, header_style="bold", title_justify="left")
    for heading in ("Column", "Entered", "Left", "By"):
        moves_table.add_column(heading)
    for t in moves:
        moves_table.add_row(
            cell(names.column(t.column_id)),
            cell(local_time(t.entered_at, names.zone)),
            cell(local_time(t.exited_at, names.zone)),
            cell(t.actor),
        )
    out.print(moves_table)
    out.print(Text(f"Times are in {names.zone.key}; {DAY_CONVENTION}.", style="dim"))


@card.command("list")
@click.option("--column", "-c", metavar="COLUMN", help="Only cards in this column.")
@click.option("--tag", "-t", metavar="TAG", help="Only cards with this value tag.")
@click.option("--assignee", "-a", metavar="NAME", help="Only cards assigned to this member.")
@click.option("--blocked/--not-blocked", default=None, help="Only blocked (or unblocked) cards.")
@click.option("--text", metavar="TEXT", help="Only cards whose title or description has TEXT.")
@click.option("--archived", is_flag=True, help="Include archived cards.")
@squad_option
@json_option
@pass_cli
def card_list(
    state: CliContext,
    column: str | None,
    tag: str | None,
    assignee: str | None,
    blocked: bool | None,
    text: str | None,
    archived: bool,
    squad: str | None,
    as_json: bool,
) -> None:
    """List a squad's cards in board order, optionally filtered."""
    store = state.store(create=False)
    found = store.cards(
        squad,
        column=column,
        tag=tag,
        assignee=assignee,
        blocked=blocked,
        text=text,
        include_archived=archived,
    )
    names = Names(store.board(squad, with_cards=False))
    if as_json:
        emit_json([card_json(c, names) for c in found])
    else:
        print_cards(found, names)
