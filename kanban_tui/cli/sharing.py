"""`squadboard merge`: bringing diverged copies of a board back together."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from kanban_tui.cli.context import CliContext, json_option, pass_cli
from kanban_tui.cli.output import emit_json, say
from kanban_tui.storage.merge import MergeReport

board_file = click.Path(dir_okay=False, path_type=Path)


def merge_json(report: MergeReport) -> dict[str, Any]:
    return {
        "source": report.source,
        "received": report.received,
        "added": report.added,
        "concurrent_edits": [asdict(edit) for edit in report.new_concurrent_edits],
        "over_limit": [asdict(column) for column in report.over_limit],
    }


def say_merged(report: MergeReport) -> None:
    """The human summary of a merge, sync or import: what came in and what needs a look."""
    say(f"{report.added} new of {report.received} events from {report.source}")
    for edit in report.new_concurrent_edits:
        say(
            f"{edit.card}: {edit.field} was changed by two people at once; the later change won, "
            f"both are in `squadboard log --card {edit.card}`"
        )
    for column in report.over_limit:
        say(
            f"{column.squad} / {column.column} holds {column.cards} cards, over its limit of "
            f"{column.limit}: left as merged, for the squad to sort out"
        )


@click.command()
@click.argument("other", type=board_file)
@json_option
@pass_cli
def merge(state: CliContext, other: Path, as_json: bool) -> None:
    """Merge OTHER, another copy of this board (e.g. a sync tool's conflicted copy), into it.

    Takes the union of both copies' events and rebuilds the board, so merging the same copies in
    any order, any number of times, gives the same board. When two people changed the same field
    of a card without seeing each other's change, the later change wins, both stay in the
    card's history and the card is marked as edited concurrently. Columns left over a block
    limit are reported, not changed. OTHER is only read.
    """
    report = state.store(create=False).merge(other)
    if as_json:
        emit_json(merge_json(report))
    else:
        say_merged(report)
