"""`squadboard check` and `backup`: looking after the board file itself."""

from __future__ import annotations

from pathlib import Path

import click

from kanban_tui.cli.context import CliContext, json_option, pass_cli
from kanban_tui.cli.output import emit_json, say
from kanban_tui.domain.errors import Refused
from kanban_tui.storage.connection import BoardFileError
from kanban_tui.storage.maintenance import CheckReport, check_board, repair_board

new_file = click.Path(dir_okay=False, writable=True, path_type=Path)


@click.command()
@click.option(
    "--repair",
    is_flag=True,
    help="Remove triggers and views squadboard did not create and rebuild the board from events.",
)
@json_option
@pass_cli
def check(state: CliContext, repair: bool, as_json: bool) -> None:
    """Check the board file: SQLite's integrity check, the schema, and the board against its events.

    Nothing is changed unless --repair is given. The findings go to stdout; exits with 1 when a
    problem is found (and, with --repair, when it could not be fixed).
    """
    report = check_board(state.db_path)
    repaired = None
    if repair and not report.ok:
        repaired = repair_board(state.db_path)
        report = check_board(state.db_path)
    if as_json:
        data = report.as_json()
        data["repaired"] = (
            {"dropped": repaired.dropped, "events": repaired.events} if repaired else None
        )
        emit_json(data)
    else:
        if repaired:
            dropped = f"; removed {', '.join(repaired.dropped)}" if repaired.dropped else ""
            say(f"Rebuilt the board from {repaired.events} events{dropped}")
        for line in _problems(report):
            say(line)
        if report.ok:
            say(f"{report.path}: ok ({report.events} events, schema {report.schema_version})")
    if not report.ok:
        hint = "" if repair else "; `squadboard check --repair` rebuilds the board from its events"
        raise BoardFileError(f"{report.path}: the check found problems{hint}")


def _problems(report: CheckReport) -> list[str]:
    lines = [f"integrity: {line}" for line in report.integrity if line != "ok"]
    lines += [f"not created by squadboard: {item}" for item in report.unexpected_schema]
    lines += [f"missing from the schema: {item}" for item in report.missing_schema]
    lines += [
        f"differs from a rebuild from the events: {table} (fix with --repair)"
        for table in report.stale_projections
    ]
    return lines


@click.command()
@click.argument("destination", type=new_file)
@json_option
@pass_cli
def backup(state: CliContext, destination: Path, as_json: bool) -> None:
    """Copy the board to DESTINATION, consistently, even while teammates keep working.

    Uses SQLite's backup API; the copy is checked and appears only once complete. DESTINATION
    must not exist yet.
    """
    store = state.store(create=False)
    if destination.resolve() == store.path.resolve():
        raise Refused("the backup must go to another file than the board itself")
    size = store.backup(destination)
    if as_json:
        emit_json({"path": str(store.path), "backup": str(destination), "bytes": size})
    else:
        say(f"Backed up {store.path} to {destination} ({size:,} bytes)")
