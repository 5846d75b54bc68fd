"""Write workloads through the public Store API: in this process, or in several at once.

The workload adds cards and moves them between the columns without a WIP limit (Backlog, Ready,
Done), so every operation commits exactly one event and none is refused: the figures measure
writing, not the board's rules. Each writer moves only cards it added, so it always knows where
they are.

In the worker processes the SQLite connections are made with a subclass that times every
`BEGIN IMMEDIATE`: that statement is where a writer waits for the file's write lock, so its
duration tells whether the transaction had to wait for another process.
"""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from kanban_tui.storage import connection
from kanban_tui.storage.store import Store

FREE_COLUMNS = ("Backlog", "Ready", "Done")
WAITED_S = 0.001
"""A `BEGIN IMMEDIATE` slower than this waited for another writer (uncontended it takes µs)."""


@dataclass
class LockStats:
    """How one process's write transactions fared at the file's write lock."""

    transactions: int = 0
    waited: int = 0
    """Transactions whose `BEGIN IMMEDIATE` took longer than WAITED_S."""
    wait_s: float = 0.0
    longest_wait_s: float = 0.0
    busy: int = 0
    """`BEGIN IMMEDIATE` failed with SQLITE_BUSY after the whole busy timeout (Store retries)."""


_LOCKS = LockStats()


class _TimedConnection(connection.SQLiteConnection):
    """A connection that records how long each `BEGIN IMMEDIATE` waited for the lock."""

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        if sql != "BEGIN IMMEDIATE":
            return super().execute(sql, parameters)
        start = time.perf_counter()
        try:
            return super().execute(sql, parameters)
        except connection.DatabaseError:
            _LOCKS.busy += 1
            raise
        finally:
            took = time.perf_counter() - start
            _LOCKS.transactions += 1
            _LOCKS.wait_s += took
            _LOCKS.longest_wait_s = max(_LOCKS.longest_wait_s, took)
            _LOCKS.waited += took > WAITED_S


def _time_lock_waits() -> None:
    """Make every connection opened from now on in this process a `_TimedConnection`."""
    module = vars(connection)["sqlite3"]  # pysqlite3.dbapi2, or the standard library's sqlite3
    real_connect = module.connect

    def timed_connect(*args: Any, **kwargs: Any) -> Any:
        return real_connect(*args, factory=_TimedConnection, **kwargs)

    module.connect = timed_connect


def new_board(path: Path | str) -> None:
    """A board (a file, or a database on a server) with the default squad and columns only."""
    with Store(path, actor="Bench setup") as store:
        store.add_squad("Bench squad", prefix="BEN")


def add_cards(store: Store, count: int, label: str) -> list[str]:
    return [store.add_card(None, f"{label} card {n}").card.key for n in range(count)]


def move_cards(store: Store, keys: list[str], count: int) -> int:
    """Move cards round Backlog -> Ready -> Done -> Backlog; returns the events committed."""
    events = 0
    for n in range(count):
        column = FREE_COLUMNS[(n // len(keys) + 1) % len(FREE_COLUMNS)]
        events += len(store.move_card(keys[n % len(keys)], column).events)
    return events


def mixed(store: Store, rng: random.Random, operations: int, label: str) -> int:
    """30% adds, 70% moves of this writer's own cards; returns the events committed."""
    where: dict[str, str] = {}
    keys: list[str] = []
    events = 0
    for n in range(operations):
        if not keys or rng.random() < 0.3:
            change = store.add_card(None, f"{label} card {n}")
            keys.append(change.card.key)
            where[change.card.key] = "Backlog"
        else:
            key = rng.choice(keys)
            target = rng.choice([c for c in FREE_COLUMNS if c != where[key]])
            change = store.move_card(key, target)
            where[key] = target
        events += len(change.events)
    return events


@dataclass(frozen=True)
class WorkerResult:
    actor: str
    events: int
    started: float
    finished: float
    locks: LockStats


def worker(
    path: str, actor: str, seed: int, operations: int, barrier: Barrier, results: Queue[Any]
) -> None:
    """A spawned writer: wait for the others, run the mixed workload, report."""
    _time_lock_waits()
    with Store(path, actor=actor) as store:
        barrier.wait(timeout=120)
        started = time.time()
        events = mixed(store, random.Random(seed), operations, actor)
        finished = time.time()
    results.put(asdict(WorkerResult(actor, events, started, finished, _LOCKS)))
