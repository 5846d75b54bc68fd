"""`squadboard merge` and `sync`: bringing diverged copies of a board back together."""

from __future__ import annotations

import json
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
    """The human summary of a merge: what came in and what needs a look."""
    say(f"{report.added} new of {report.received} events from {report.source}")
    say_merged_findings(report)


def say_merged_findings(report: MergeReport) -> None:
    """Concurrent edits and over-limit columns that events from elsewhere brought."""
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


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--member", metavar="NAME", help="Whose log this board writes (default: --user).")
@click.option("--watch", is_flag=True, help="Keep syncing every --interval seconds until Ctrl-C.")
@click.option(
    "--interval",
    type=click.FloatRange(0.2, 3600),
    default=5.0,
    show_default=True,
    help="Seconds between syncs with --watch.",
)
@click.option("--rounds", type=click.IntRange(1), hidden=True, help="Stop --watch after N rounds.")
@json_option
@pass_cli
def sync(
    state: CliContext,
    folder: Path,
    member: str | None,
    watch: bool,
    interval: float,
    rounds: int | None,
    as_json: bool,
) -> None:
    """Share the board through FOLDER, a folder that Dropbox, OneDrive, Syncthing or git syncs.

    Never sync the board file itself. Each member's board stays local; sync appends the events
    the folder lacks to this member's own log in FOLDER/events/ and imports every other log
    there, the sync tool's conflict copies included, by event id. Run it once, or with --watch
    beside the board (which shows what arrives within a second). With --watch --json, one JSON
    object per line for each sync.
    """
    from kanban_tui.storage.sync import SyncReport, sync_once
    from kanban_tui.storage.sync import watch as keep_syncing

    store = state.store(create=True)
    who = member or state.user

    def show(report: SyncReport) -> None:
        data = {
            "folder": report.folder,
            "log": report.log,
            "files": report.files,
            "skipped_lines": report.skipped_lines,
            "written": report.written,
            **merge_json(report.received),
        }
        if as_json:
            click.echo(
                json.dumps(data, ensure_ascii=False) if watch else json.dumps(data, indent=2)
            )
            return
        if watch and not (report.written or report.received.added):
            return
        say(
            f"Synced with {report.folder}: {report.received.added} new events in, "
            f"{report.written} written to {Path(report.log).name}"
            + (
                f" ({report.skipped_lines} unreadable lines skipped)"
                if report.skipped_lines
                else ""
            )
        )
        say_merged_findings(report.received)

    if not watch:
        show(sync_once(store, folder, who)[0])
        return
    try:
        keep_syncing(store, folder, who, interval=interval, on_sync=show, rounds=rounds)
    except KeyboardInterrupt:
        return
