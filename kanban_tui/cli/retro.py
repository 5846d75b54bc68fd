"""`squadboard retro`: run a retrospective from the shell, and export it as JSON or Markdown."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo

import click
from rich.table import Table

from kanban_tui.cli.context import CliContext, json_option, pass_cli, squad_option
from kanban_tui.cli.output import cell, console, emit_json, say
from kanban_tui.domain.retro import (
    DEFAULT_VOTES,
    Cadence,
    Evidence,
    Figure,
    Period,
    RetroBoard,
    RetroFormat,
)
from kanban_tui.domain.text import printable

_ARROWS = {"up": "↑", "down": "↓", "same": "→", "n/a": " "}
_MARKDOWN_SPECIAL = "\\`*_[]<>|"
"""Characters that could make untrusted text into emphasis, links, HTML or table cells."""


@click.group()
def retro() -> None:
    """Retrospectives: evidence from the board, notes, dot votes and actions that become cards.

    A retro covers a period (since the previous retro by default, a sprint of the squad's
    cadence, or a range) and compares it with the period of the same length before it.
    """


def _period(
    state: CliContext,
    zone: ZoneInfo,
    since: str | None,
    until: str | None,
    every: int | None,
    first_day: str | None,
    sprint: Literal["current", "last"],
) -> Period | None:
    if every is not None or first_day is not None:
        if since or until:
            raise click.UsageError("give either a cadence (--every/--from) or --since/--until")
        if every is None or first_day is None:
            raise click.UsageError("a cadence needs both --every WEEKS and --from DATE")
        cadence = Cadence(first_day=state.day(first_day, zone), weeks=every)
        return cadence.sprint(state.clock().astimezone(zone).date(), sprint)
    if since or until:
        if not (since and until):
            raise click.UsageError("give both --since and --until, or neither")
        return Period(since=state.day(since, zone), until=state.day(until, zone))
    return None


@retro.command()
@squad_option
@click.option("--title", help="A name for the retro (default: its dates).")
@click.option(
    "--format",
    "retro_format",
    type=click.Choice([f.value for f in RetroFormat]),
    default=RetroFormat.START_STOP_CONTINUE.value,
    show_default=True,
    help="The board layout; custom takes its columns from --column.",
)
@click.option("--column", "columns", multiple=True, metavar="NAME", help="A custom column.")
@click.option("--since", metavar="DATE", help="First day of an explicit period.")
@click.option("--until", metavar="DATE", help="Last day of an explicit period.")
@click.option("--every", type=int, metavar="WEEKS", help="Sprint length of the squad's cadence.")
@click.option("--from", "first_day", metavar="DATE", help="First day of the cadence's sprints.")
@click.option(
    "--sprint",
    type=click.Choice(["current", "last"]),
    default="current",
    show_default=True,
    help="With a cadence: the sprint containing today, or the last one that ended.",
)
@click.option("--votes", type=int, default=DEFAULT_VOTES, show_default=True, help="Dots each.")
@click.option("--hidden", is_flag=True, help="Hide notes from others until `retro reveal`.")
@json_option
@pass_cli
def start(
    state: CliContext,
    squad: str | None,
    title: str | None,
    retro_format: str,
    columns: tuple[str, ...],
    since: str | None,
    until: str | None,
    every: int | None,
    first_day: str | None,
    sprint: Literal["current", "last"],
    votes: int,
    hidden: bool,
    as_json: bool,
) -> None:
    """Open a retro; you become its facilitator (default period: since the previous retro)."""
    store = state.store(create=False)
    found = store.squad(squad)
    zone = ZoneInfo(found.timezone)
    period = _period(state, zone, since, until, every, first_day, sprint)
    opened = store.start_retro(
        found.name,
        title=title,
        retro_format=RetroFormat(retro_format),
        custom_columns=columns,
        period=period,
        vote_limit=votes,
        hidden=hidden,
    )
    if as_json:
        emit_json(opened.model_dump(mode="json"))
    else:
        say(
            f"Retro {opened.number} opened: {opened.title} ({opened.period.since} to "
            f"{opened.period.until}, compared with {opened.previous_period.since} to "
            f"{opened.previous_period.until}); columns: {', '.join(opened.columns)}"
        )


@retro.command()
@click.argument("number", type=int)
@click.argument("column")
@click.argument("text")
@click.option("--anonymous", is_flag=True, help="Store the note with no author at all.")
@json_option
@pass_cli
def note(
    state: CliContext, number: int, column: str, text: str, anonymous: bool, as_json: bool
) -> None:
    """Add a note to a column of retro NUMBER (anonymous notes cannot be edited later)."""
    added = state.store(create=False).add_retro_note(number, column, text, anonymous=anonymous)
    if as_json:
        emit_json(added.model_dump(mode="json"))
    else:
        say(f"Note {added.number} added to {added.column}" + (" anonymously" if anonymous else ""))


@retro.command()
@click.argument("number", type=int)
@click.argument("note_number", metavar="NOTE", type=int)
@click.argument("text")
@pass_cli
def edit(state: CliContext, number: int, note_number: int, text: str) -> None:
    """Change the text of one of your own signed notes."""
    changed = state.store(create=False).edit_retro_note(number, note_number, text)
    say(f"Note {changed.number} changed")


@retro.command()
@click.argument("number", type=int)
@click.argument("note_number", metavar="NOTE", type=int)
@json_option
@pass_cli
def vote(state: CliContext, number: int, note_number: int, as_json: bool) -> None:
    """Place one of your dots on NOTE; refused (exit 1) when your dots are used up."""
    left = state.store(create=False).vote(number, note_number)
    if as_json:
        emit_json({"retro": number, "note": note_number, "votes_left": left})
    else:
        say(f"Voted for note {note_number}; {left} vote(s) left")


@retro.command()
@click.argument("number", type=int)
@click.argument("note_numbers", metavar="NOTE...", type=int, nargs=-1, required=True)
@click.option("--as", "group", metavar="NAME", help="The group's name (omit to ungroup).")
@pass_cli
def group(state: CliContext, number: int, note_numbers: tuple[int, ...], group: str | None) -> None:
    """Group notes under one name, so their votes count together."""
    state.store(create=False).group_retro_notes(number, note_numbers, group)
    say(f"{len(note_numbers)} note(s) " + (f"grouped as {group}" if group else "ungrouped"))


@retro.command()
@click.argument("number", type=int)
@pass_cli
def reveal(state: CliContext, number: int) -> None:
    """Show everyone's notes to everyone (facilitator only)."""
    state.store(create=False).reveal_retro(number)
    say(f"The notes of retro {number} are now visible to everyone")


@retro.command()
@click.argument("number", type=int)
@click.argument("text")
@click.option("--owner", metavar="NAME", help="The squad member who takes it on.")
@click.option("--due", metavar="DATE", help="When it should be done, e.g. 'in 2 weeks'.")
@json_option
@pass_cli
def action(
    state: CliContext,
    number: int,
    text: str,
    owner: str | None,
    due: str | None,
    as_json: bool,
) -> None:
    """Agree an action: it becomes a card on the board, linked back to the retro."""
    store = state.store(create=False)
    zone = ZoneInfo(store.retro_squad(number).timezone)
    agreed, card = store.add_retro_action(
        number, text, owner=owner, due=state.day(due, zone) if due else None
    )
    if as_json:
        emit_json({**agreed.model_dump(mode="json"), "card": card.key})
    else:
        say(f"Action agreed: {card.key} {card.title}")


@retro.command()
@click.argument("number", type=int)
@json_option
@pass_cli
def close(state: CliContext, number: int, as_json: bool) -> None:
    """Close retro NUMBER (facilitator only): read-only from now on, its evidence frozen."""
    closed = state.store(create=False).close_retro(number)
    if as_json:
        emit_json(closed.model_dump(mode="json"))
    else:
        say(f"Retro {number} closed; its evidence is kept as it is now")


@retro.command(name="list")
@squad_option
@json_option
@pass_cli
def list_retros(state: CliContext, squad: str | None, as_json: bool) -> None:
    """The squad's retros, oldest first."""
    found = state.store(create=False).retros(squad)
    if as_json:
        emit_json([r.model_dump(mode="json") for r in found])
        return
    table = Table("#", "Title", "Period", "Format", "State", box=None)
    for r in found:
        table.add_row(
            str(r.number),
            cell(r.title),
            f"{r.period.since} to {r.period.until}",
            r.format.value,
            "closed" if r.closed else "open",
        )
    console().print(table)


@retro.command()
@click.argument("number", type=int, required=False)
@squad_option
@click.option("--markdown", is_flag=True, help="Print the whole retro as Markdown.")
@json_option
@pass_cli
def show(
    state: CliContext, number: int | None, squad: str | None, markdown: bool, as_json: bool
) -> None:
    """Show a retro (the squad's newest by default): evidence, notes by votes, actions."""
    if markdown and as_json:
        raise click.UsageError("choose either --markdown or --json")
    store = state.store(create=False)
    board = store.retro_board(number, squad)
    if as_json:
        emit_json(board.model_dump(mode="json"))
    else:
        click.echo(retro_markdown(board), nl=False)


def _md(text: str) -> str:
    """Untrusted text as inert Markdown: no control characters, every special character escaped."""
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in printable(text))


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "share":
        return f"{value:.0%}"
    number = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return f"{number} {unit}".rstrip()


def _figure_row(f: Figure) -> str:
    verdict = ""
    if f.direction in ("up", "down") and f.better != "neither":
        verdict = " (better)" if f.direction == f.better else " (worse)"
    return (
        f"| {f.name} | {_value(f.current, f.unit)} | {_value(f.previous, f.unit)} "
        f"| {_ARROWS[f.direction]}{verdict} |"
    )


def _evidence_markdown(evidence: Evidence, tags: dict[str, str]) -> list[str]:
    """The evidence pack as Markdown lines: figures with their change, then the lists."""
    lines = [
        "## Evidence",
        "",
        f"{evidence.period.since} to {evidence.period.until} against "
        f"{evidence.previous_period.since} to {evidence.previous_period.until}; "
        f"{evidence.convention}.",
        "",
        "| Figure | This period | Previous | Change |",
        "|---|---|---|---|",
        *(_figure_row(f) for f in evidence.figures),
        "",
    ]
    if evidence.slowest_finished:
        slow = ", ".join(
            f"{c.key} ({_value(c.days, evidence.unit)})" for c in evidence.slowest_finished
        )
        lines += [f"Slowest finished: {slow}", ""]
    if evidence.aging_in_flight:
        aging = ", ".join(
            f"{c.key} ({_value(c.days, evidence.unit)})" for c in evidence.aging_in_flight
        )
        lines += [f"In flight beyond their column's 85th percentile: {aging}", ""]
    if evidence.blockers:
        lines += ["### Top blockers", ""]
        for b in evidence.blockers:
            lines.append(
                f"- {_md(b.reason)}: {b.blocked_days:.1f} blocked days, {b.count} block(s) "
                f"({', '.join(b.card_keys)})"
            )
            if b.prompt:
                lines.append(f"  - {_md(b.prompt)}")
        lines.append("")
    if evidence.wip_overrides:
        lines += ["### WIP-limit overrides", ""]
        lines += [
            f"- {e.at:%Y-%m-%d}: {_md(e.reason or '(no reason)')}" for e in evidence.wip_overrides
        ]
        lines.append("")
    if evidence.value_tags:
        lines += ["### Finished per value tag", ""]
        for t in evidence.value_tags:
            name = tags.get(t.tag_id, "(unknown tag)") if t.tag_id else "(no value tag)"
            lines.append(
                f"- {_md(name)}: {t.current} (previous {t.previous}) {_ARROWS[t.direction]}"
            )
        lines.append("")
    return lines


def retro_markdown(board: RetroBoard) -> str:
    """The whole retro as Markdown, to paste into a wiki or chat; all user text is escaped."""
    r = board.retro
    lines = [
        f"# Retro {r.number}: {_md(r.title)}",
        "",
        f"Format: {r.format.value}. Facilitator: {_md(r.facilitator)}. "
        + ("Closed." if r.closed else "Open."),
        "",
    ]
    review = board.earlier_actions
    if review.actions:
        rate = "-" if review.completion_rate is None else f"{review.completion_rate:.0%}"
        lines += [
            "## Actions from earlier retros",
            "",
            f"{review.done} done, {review.open} open ({review.carried_over} carried over "
            f"more than once); completion rate {rate}.",
            "",
            *(
                f"- [{'x' if a.done else ' '}] {_md(a.text)} ({a.card_key or 'card deleted'}, "
                f"retro {a.retro_number})"
                for a in review.actions
            ),
            "",
        ]
    lines += _evidence_markdown(board.evidence, board.tag_names)
    lines += ["## Notes", ""]
    if board.hidden_notes:
        lines += [f"{board.hidden_notes} note(s) hidden until the facilitator reveals them.", ""]
    for column in r.columns:
        mine = [n for n in board.notes if n.column == column]
        lines += [f"### {_md(column)}", ""]
        lines += [
            f"- {_md(n.text)} ({n.votes} vote{'s' if n.votes != 1 else ''}"
            + (f", {_md(n.group)}" if n.group else "")
            + (f", {_md(n.author)}" if n.author else "")
            + ")"
            for n in mine
        ] or ["- (none)"]
        lines.append("")
    lines += ["## Actions", ""]
    lines += [
        f"- {_md(a.text)}: {a.card_key or 'card deleted'}"
        + (f", owner {_md(a.owner)}" if a.owner else "")
        + (f", due {a.due}" if a.due else "")
        for a in board.actions
    ] or ["- (none)"]
    return "\n".join(lines) + "\n"
