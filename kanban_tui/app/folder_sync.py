"""The board's own timer for `sync`: shares the board through a synced folder while it is open.

Each round runs `sync_once` in a thread worker on the store; what it imports reaches the screen
through the board's usual live refresh (another connection's commit changes `data_version`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.app import App
from textual.worker import get_current_worker

from kanban_tui.domain.errors import SquadboardError
from kanban_tui.storage.store import Store
from kanban_tui.storage.sync import sync_once

SYNC_SECONDS = 10.0


@dataclass(frozen=True)
class FolderSync:
    """Where and as whom the open board syncs, and how often."""

    folder: Path
    member: str
    seconds: float = SYNC_SECONDS


def start_folder_sync(app: App[None], store: Store, plan: FolderSync) -> None:
    """Sync now and then every `plan.seconds`; problems and concurrent edits become toasts."""

    def sync_round() -> None:
        try:
            report, _ = sync_once(store, plan.folder, plan.member)
        except SquadboardError as error:
            if not get_current_worker().is_cancelled:
                app.call_from_thread(
                    app.notify, str(error), title="Sync", severity="warning", markup=False
                )
            return
        for edit in report.received.new_concurrent_edits:
            app.call_from_thread(
                app.notify,
                f"{edit.card}: {edit.field} was changed by two people at once; the later won",
                title="Sync",
                markup=False,
            )

    def start_round() -> None:
        app.run_worker(
            sync_round, thread=True, exclusive=True, group="folder-sync", exit_on_error=False
        )

    start_round()
    app.set_interval(plan.seconds, start_round)
