"""The board's first frame, read in a thread started before Textual is imported.

Importing Textual and the app takes a few hundred milliseconds of start-up; the read of the
columns' heads (squad, columns, the first cards, WIP counts, recent finishes) takes 100-200 ms
at 10,000 cards, much of it in SQLite, which lets go of the interpreter. Started first, the read
(and the view state built from it) runs beside the imports, and the board screen finds it done
when it mounts, instead of reading while it draws its empty first frame.

No Textual here: `squadboard open` starts this before the app is imported.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from kanban_tui.app.view_model import DONE_COLUMN_CAP, SLE_HISTORY_DAYS, BoardState
from kanban_tui.domain.clock import Clock
from kanban_tui.storage.store import BoardSnapshot, Store

HEAD_CARDS = DONE_COLUMN_CAP
"""Cards per column in a first frame: a screen 160 lines tall shows no more."""


def read_head(store: Store, squad: str | None, clock: Clock) -> BoardSnapshot:
    """What the board's first frame draws of `squad` (None: the file's only squad)."""
    since = clock() - timedelta(days=SLE_HISTORY_DAYS)
    return store.board_head(squad, HEAD_CARDS, since)


def view_state(snapshot: BoardSnapshot, now: datetime) -> BoardState:
    """The board's view state for a snapshot, its SLE computed (off the UI thread: it goes
    through up to 90 days of finishes)."""
    state = BoardState(
        snapshot.board,
        snapshot.times,
        counts=snapshot.counts,
        recent_finishes=snapshot.recent_finishes,
    )
    state.sle_days(now)
    return state


class HeadRead:
    """One read of a board's head, running in a thread of its own from construction.

    The thread only reads, on its own connection of the store (connections are per thread),
    and hands its result over through `result`; it never touches the UI.
    """

    def __init__(self, store: Store, squad: str | None, clock: Clock) -> None:
        self.squad = squad
        """The squad asked for (None: the file's only squad): the board uses the read only
        when it opens this squad."""
        self._store = store
        self._clock = clock
        self._done = threading.Event()
        self._result: tuple[BoardSnapshot, BoardState] | None = None
        self._error: BaseException | None = None
        self._taken = False
        threading.Thread(target=self._read, name="board-head", daemon=True).start()

    def _read(self) -> None:
        try:
            snapshot = read_head(self._store, self.squad, self._clock)
            self._result = snapshot, view_state(snapshot, self._clock())
        except BaseException as error:  # handed over to whoever takes the result
            self._error = error
        finally:
            self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to `timeout` seconds (None: for good); whether the read is done."""
        return self._done.wait(timeout)

    def take(self) -> tuple[BoardSnapshot, BoardState]:
        """Wait for the read and return it with its view state, or raise what it raised.

        Once only: a later read (another squad, a reload) goes to the store, since the board
        may have changed since."""
        if self._taken:
            raise RuntimeError("the board's head was taken already")
        self._taken = True
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    @property
    def taken(self) -> bool:
        return self._taken
