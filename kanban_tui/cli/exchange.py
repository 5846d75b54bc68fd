"""`squadboard export` and `import`: events as JSON lines or JSON, cards as CSV, kanban-tui."""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import click

from kanban_tui.cli.context import CliContext, json_option, pass_cli, squad_option
from kanban_tui.cli.output import Names, append_with_progress, emit_json, say
from kanban_tui.cli.sharing import board_file
from kanban_tui.domain.errors import InvalidInput, Refused
from kanban_tui.domain.models import Board, ClassOfService
from kanban_tui.domain.text import clean_description, clean_title
from kanban_tui.storage.exchange import read_event_file, write_events
from kanban_tui.storage.store import CardDraft, Store

CSV_FIELDS = (
    "squad",
    "key",
    "title",
    "column",
    "description",
    "tags",
    "assignees",
    "class_of_service",
    "due",
    "blocked",
    "blocked_reason",
    "archived",
    "edited_concurrently",
    "created_at",
    "updated_at",
)
LIST_SEPARATOR = "; "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet runs a cell starting with one of these as a formula; card text is untrusted."""
EXTENSIONS = {".jsonl": "jsonl", ".json": "json", ".csv": "csv", ".db": "kanban-tui"}


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _uncell(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def _card_rows(board: Board) -> Iterator[dict[str, Any]]:
    names = Names(board)
    for card in board.cards:
        row = {
            "squad": board.squad.name,
            "key": card.key,
            "title": card.title,
            "column": names.column(card.column_id),
            "description": card.description,
            "tags": LIST_SEPARATOR.join(names.tags(card.tag_ids)),
            "assignees": LIST_SEPARATOR.join(card.assignees),
            "class_of_service": str(card.class_of_service),
            "due": card.due.isoformat() if card.due else "",
            "blocked": str(card.blocked).lower(),
            "blocked_reason": card.blocked_reason or "",
            "archived": str(card.archived).lower(),
            "edited_concurrently": str(card.edited_concurrently).lower(),
            "created_at": card.created_at.isoformat(),
            "updated_at": card.updated_at.isoformat(),
        }
        yield {key: _cell(str(value)) for key, value in row.items()}


def _csv_text(store: Store, squad: str | None) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    names = [squad] if squad else [s.name for s in store.squads()]
    for name in names:
        for row in _card_rows(store.board(name, include_archived=True)):
            writer.writerow(row)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _write_new_file(path: Path, pieces: Iterator[str]) -> int:
    """Write a new file whole or not at all; returns the bytes written."""
    if path.exists():
        raise Refused(f"{path} already exists; choose a new file name")
    folder = path.resolve().parent
    if not folder.is_dir():
        raise Refused(f"no folder {folder} to write {path.name} into")
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            for piece in pieces:
                out.write(piece)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return path.stat().st_size


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "csv"]),
    default="jsonl",
    show_default=True,
    help="jsonl or json: every event (a full copy of the board); csv: the cards, for spreadsheets.",
)
@click.option(
    "--output",
    "-o",
    type=board_file,
    metavar="FILE",
    help="Write to FILE (which must not exist) instead of stdout.",
)
@squad_option
@json_option
@pass_cli
def export(
    state: CliContext, fmt: str, output: Path | None, squad: str | None, as_json: bool
) -> None:
    """Export the board: its events as JSON lines or JSON, or its cards as CSV.

    An event export holds everything and can be imported into another board file. Without
    --squad every squad is exported. With --json (and --output) a summary is printed.
    """
    store = state.store(create=False)
    if as_json and output is None:
        raise click.UsageError("--json reports on a file: give --output FILE as well")
    if fmt == "csv":
        pieces = _csv_text(store, squad)
    else:
        events = store.events(squad=squad)
        pieces = write_events(events, fmt)
    if output is None:
        for piece in pieces:
            sys.stdout.write(piece)
        return
    size = _write_new_file(output, pieces)
    if as_json:
        emit_json({"path": str(output), "format": fmt, "bytes": size})
    else:
        say(f"Exported {store.location} to {output} as {fmt} ({size:,} bytes)")


def _drafts(path: Path) -> list[CardDraft]:
    """Cards from a CSV file with a header row; every row checked before any is used."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read {path}: {error}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "title" not in reader.fieldnames:
        raise InvalidInput(f"{path} needs a header row with at least a 'title' column")
    drafts = []
    for row in reader:
        where = f"{path} line {reader.line_num}"
        try:
            drafts.append(_draft(row))
        except (InvalidInput, ValueError) as error:
            raise InvalidInput(f"{where}: {error}; nothing was imported") from None
    return drafts


def _draft(row: dict[str, str | None]) -> CardDraft:
    def field(name: str) -> str:
        return _uncell((row.get(name) or "").strip())

    def names(name: str) -> tuple[str, ...]:
        return tuple(n.strip() for n in field(name).split(";") if n.strip())

    cos = field("class_of_service") or "standard"
    if cos not in {c.value for c in ClassOfService}:
        raise InvalidInput(f"class of service '{cos}' is not one of standard, expedite, ...")
    due = field("due")
    return CardDraft(
        title=clean_title(field("title")),
        column=field("column") or None,
        description=clean_description(field("description")),
        tags=names("tags"),
        assignees=names("assignees"),
        class_of_service=ClassOfService(cos),
        due=date.fromisoformat(due) if due else None,
    )


@click.command("import")
@click.argument("source", type=board_file)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "csv", "kanban-tui"]),
    help="The file's format (default: from its extension: .jsonl .json .csv, .db = kanban-tui).",
)
@click.option("--dry-run", is_flag=True, help="Check every row and report; change nothing.")
@click.option(
    "--tz",
    "timezone",
    default="UTC",
    show_default=True,
    help="The time zone kanban-tui's times are in (it stores them without one).",
)
@squad_option
@json_option
@pass_cli
def import_(
    state: CliContext,
    source: Path,
    fmt: str | None,
    dry_run: bool,
    timezone: str,
    squad: str | None,
    as_json: bool,
) -> None:
    """Import events (jsonl, json), cards (csv) or a kanban-tui board file into this board.

    Every row is checked first; one bad row imports nothing and names its line. Events already
    in the board are skipped, so importing twice changes nothing. CSV rows become new cards in
    the squad (columns: title, and optionally column, description, tags and assignees separated
    by ';', class_of_service, due as YYYY-MM-DD). A kanban-tui file becomes one squad per board,
    its tasks' start and finish dates becoming moves in their history.
    """
    from kanban_tui.domain.rules import check_timezone

    fmt = fmt or EXTENSIONS.get(source.suffix.lower())
    if fmt is None:
        raise click.UsageError(f"cannot tell the format of {source.name}; give --format")
    if not source.is_file():
        raise Refused(f"no file at {source}")
    result: dict[str, Any] = {"source": str(source), "format": fmt, "dry_run": dry_run}
    if fmt == "csv":
        drafts = _drafts(source)
        cards = state.store(create=not dry_run).add_cards(squad, drafts, dry_run=dry_run)
        result.update(records=len(drafts), added=len(cards), cards=[c.key for c in cards])
    else:
        if fmt == "kanban-tui":
            from kanban_tui.storage.kanban_tui_import import read_kanban_tui

            found = read_kanban_tui(
                source, actor=state.user, timezone=check_timezone(timezone), now=state.clock()
            )
            events = found.events
            result.update(squads=found.squads, cards=found.cards)
        else:
            events = read_event_file(source, fmt)
        if dry_run and not state.board_exists():
            new = len({e.id for e in events})  # into a new board, every event is new
        else:
            store = state.store(create=not dry_run)
            new = store.unknown_events(events)
        if not dry_run:
            new = append_with_progress(store, events, f"Importing {source.name}", as_json)
        result.update(records=len(events), added=new)
    if as_json:
        emit_json(result)
    else:
        verb = "Would import" if dry_run else "Imported"
        say(f"{verb} {result['added']} new of {result['records']} records from {source}")
