"""A writer process for `test_crash`: changes the board until it is killed, logging each commit.

After every change that returned (so was committed), the worker appends the change's event ids to
its acknowledgement file with one `write` call; a SIGKILL can cut the last line short but never
loses a line that was written, since the kernel keeps it.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from kanban_tui.domain.errors import SquadboardError
from kanban_tui.storage.store import Store

COLUMNS = ("Backlog", "Ready", "Doing", "Review", "Done")


def run(path: str, actor: str, seed: int, acks: str, ready: str) -> None:
    """The process entry point: open the board, say so by creating `ready`, then write forever
    (the test kills it)."""
    rng = random.Random(seed)
    fd = os.open(acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with Store(path, actor=actor) as store:
        keys = [c.key for c in store.cards()]
        Path(ready).touch()
        while True:
            roll = rng.random()
            try:
                if roll < 0.4 or not keys:
                    change = store.add_card(None, f"{actor} card {rng.randrange(10**6)}")
                    keys.append(change.card.key)
                elif roll < 0.75:
                    change = store.move_card(
                        rng.choice(keys), rng.choice(COLUMNS), override_reason="crash test"
                    )
                elif roll < 0.97:
                    change = store.edit_card(rng.choice(keys), title=f"{actor} {rng.random()}")
                else:
                    store.rebuild_projections()  # a long transaction to be killed inside
                    continue
            except SquadboardError:
                continue
            os.write(fd, ("".join(f"{e.id}\n" for e in change.events)).encode())
