"""One worker process of `test_concurrency`: random card operations on a shared board file.

Each worker waits at a barrier so all of them start together, then performs its operations through
the public `Store` API under its own actor name and a seeded RNG. It records every operation it
attempted and how it ended in a JSON file: the event ids and kinds a successful change returned, the
refusal type when the board's rules said no, or the traceback of anything unexpected. It never
stops early on an exception; a crash outside an operation is recorded too.
"""

from __future__ import annotations

import json
import random
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.synchronize import Barrier, Event
from pathlib import Path
from typing import Any

from kanban_tui.domain.errors import Refused
from kanban_tui.storage.store import CardChange, Store

COLUMNS = ("Backlog", "Ready", "Doing", "Review", "Done")
MOVE_WEIGHTS = (1, 1, 3, 2, 1)
"""Moves aim at Doing (block limit) and Review (warn limit) most, so the limits are contended."""

Record = dict[str, Any]
Action = Callable[[Store], CardChange]


@dataclass(frozen=True)
class WorkerPlan:
    """What one worker does; picklable, so it crosses into a spawned process."""

    path: str
    actor: str
    seed: int
    operations: int
    seed_keys: tuple[str, ...]
    out: str
    """Where the JSON record of the worker's operations is written."""


def run(plan: WorkerPlan, barrier: Barrier) -> None:
    """The process entry point: wait for the others, work, and always write the record."""
    result: Record = {"actor": plan.actor, "operations": [], "crash": None}
    try:
        barrier.wait(timeout=120)
        _work(plan, result["operations"])
    except BaseException:
        result["crash"] = traceback.format_exc()
    finally:
        Path(plan.out).write_text(json.dumps(result), encoding="utf-8")


def _work(plan: WorkerPlan, operations: list[Record]) -> None:
    rng = random.Random(plan.seed)
    with Store(plan.path, actor=plan.actor) as store:
        keys = list(plan.seed_keys)
        for index in range(plan.operations):
            if index % 10 == 0:  # pick up the cards the other workers added
                keys = [card.key for card in store.cards()]
            record, action = _choose(rng, plan.actor, index, keys)
            try:
                change = action(store)
            except Refused as error:
                record.update(outcome="refused", error=type(error).__name__, message=str(error))
            except Exception as error:
                record.update(
                    outcome="unexpected", error=type(error).__name__, message=traceback.format_exc()
                )
            else:
                record.update(
                    outcome="ok",
                    events=[[event.id, str(event.kind)] for event in change.events],
                    key=change.card.key,
                )
                if record["op"] == "add":
                    keys.append(change.card.key)
            operations.append(record)


def _choose(rng: random.Random, actor: str, index: int, keys: list[str]) -> tuple[Record, Action]:
    """One random operation: its description for the record, and the call that performs it."""
    roll = rng.random()
    if roll < 0.2 or not keys:
        column = rng.choices((None, "Doing", "Review"), weights=(7, 2, 1))[0]
        reason = f"{actor} expedites card {index}" if rng.random() < 0.5 else None
        title = f"{actor} card {index}"

        def add(store: Store) -> CardChange:
            return store.add_card(None, title, column=column, override_reason=reason)

        return {"op": "add", "column": column, "override": reason is not None}, add
    key = rng.choice(keys)
    if roll < 0.6:
        target = rng.choices(COLUMNS, weights=MOVE_WEIGHTS)[0]
        reason = f"{actor} overrides for {key}" if rng.random() < 0.3 else None

        def move(store: Store) -> CardChange:
            return store.move_card(key, target, override_reason=reason)

        return {"op": "move", "key": key, "column": target, "override": reason is not None}, move
    if roll < 0.8:
        title = f"{actor} renamed it in operation {index}"

        def edit(store: Store) -> CardChange:
            return store.edit_card(key, title=title)

        return {"op": "edit", "key": key}, edit
    if rng.random() < 0.5:

        def block(store: Store) -> CardChange:
            return store.block_card(key, f"{actor} is waiting on legal")

        return {"op": "block", "key": key}, block

    def unblock(store: Store) -> CardChange:
        return store.unblock_card(key)

    return {"op": "unblock", "key": key}, unblock


def poll(path: str, stop: Event, out: str) -> None:
    """A TUI-like reader: polls `PRAGMA data_version` and re-reads the board when it changes."""
    result: Record = {"refreshes": 0, "errors": []}
    try:
        with Store(path, actor="Reader") as store:
            seen = -1
            while not stop.is_set():
                version = store.data_version()
                if version != seen:
                    seen = version
                    try:
                        snapshot = store.snapshot()
                        assert len({c.key for c in snapshot.board.cards}) == len(
                            snapshot.board.cards
                        ), "a card shown twice"
                        result["refreshes"] += 1
                    except Exception:
                        result["errors"].append(traceback.format_exc())
                stop.wait(0.05)
    except BaseException:
        result["errors"].append(traceback.format_exc())
    finally:
        Path(out).write_text(json.dumps(result), encoding="utf-8")
