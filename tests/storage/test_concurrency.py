"""Eight processes hammer one board at once (a file, or a database on a server); nothing is lost,
duplicated or over the limit.

Each worker (see `concurrency_worker`) performs random card operations through the public Store
API and records what every operation returned. Afterwards the file must hold exactly the events
the successful operations reported, fold to the same projections when rebuilt, pass SQLite's
integrity check, and never have let a `block` column go over its limit without a recorded
override in the same transaction.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from kanban_tui.storage.store import Store
from tests.conftest import on_both_backends
from tests.storage import concurrency_worker
from tests.storage.concurrency_worker import WorkerPlan
from tests.storage.helpers import dump_projections, query

pytestmark = pytest.mark.slow

WORKERS = 8
OPERATIONS = 250
DEADLINE_S = 180
"""How long the workers may take together before the test gives up on them (normally seconds)."""

EXPECTED_REFUSALS = {"Refused", "WipLimitReached"}
ENTERING = {"card.created", "card.moved", "card.unarchived", "card.restored"}
"""Event kinds that can put a card into a column's WIP count."""


class LoggedEvent(NamedTuple):
    rowid: int
    id: str
    hlc: int
    actor: str
    card_uid: str | None
    kind: str
    payload: dict[str, Any]


def _seed_board(path: Path | str) -> tuple[str, ...]:
    """The default board (Doing: 3, block; Review: 2, warn) with a few cards already flowing."""
    with Store(path, actor="Setup") as store:
        store.add_squad("Growth squad", prefix="GRW", members=["Ana", "Ben"])
        keys = tuple(store.add_card(None, f"Seed card {n}").card.key for n in range(1, 7))
        for key, column in zip(keys, ("Doing", "Doing", "Review", "Ready"), strict=False):
            store.move_card(key, column)
        return keys


def _run_workers(
    tmp_path: Path, path: Path | str, seed_keys: tuple[str, ...]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The workers' records, and the polling reader's (which runs until the workers are done)."""
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    reader_out = tmp_path / "reader.json"
    reader = context.Process(
        target=concurrency_worker.poll, args=(str(path), stop, str(reader_out)), name="Reader"
    )
    reader.start()
    barrier = context.Barrier(WORKERS)
    plans = [
        WorkerPlan(
            path=str(path),
            actor=f"Worker {n}",
            seed=1_000 + n,
            operations=OPERATIONS,
            seed_keys=seed_keys,
            out=str(tmp_path / f"worker-{n}.json"),
        )
        for n in range(1, WORKERS + 1)
    ]
    processes = [
        context.Process(target=concurrency_worker.run, args=(plan, barrier), name=plan.actor)
        for plan in plans
    ]
    for process in processes:
        process.start()
    deadline = time.monotonic() + DEADLINE_S
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    hung = [p.name for p in processes if p.is_alive()]
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join()
    stop.set()
    reader.join(30)
    assert not hung, f"workers still running after {DEADLINE_S} s: {hung}"
    assert [p.exitcode for p in processes] == [0] * WORKERS
    assert reader.exitcode == 0
    records = [json.loads(Path(plan.out).read_text(encoding="utf-8")) for plan in plans]
    return records, json.loads(reader_out.read_text(encoding="utf-8"))


def _logged_events(store: Store) -> list[LoggedEvent]:
    return [
        LoggedEvent(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]))
        for r in query(
            store,
            "SELECT rowid, id, hlc, actor, card_uid, kind, payload FROM events ORDER BY hlc, id",
        )
    ]


def _check_wip_history(events: list[LoggedEvent]) -> Counter[str]:
    """Replay the log and check every WIP decision against the board as it was at that moment.

    Returns how many of each WIP situation the replay met, so the test can see they happened.
    """
    limits: dict[str, tuple[int, str]] = {}
    column_of: dict[str, str] = {}
    counting: dict[str, bool] = {}
    seen: Counter[str] = Counter()

    def count(column_id: str) -> int:
        return sum(1 for uid, c in column_of.items() if c == column_id and counting[uid])

    for index, event in enumerate(events):
        p = event.payload
        entered: str | None = None
        uid = event.card_uid or ""
        if event.kind == "column.added" and p.get("wip_limit"):
            limits[p["column_id"]] = (p["wip_limit"], p.get("wip_policy", "off"))
        elif event.kind == "card.created":
            column_of[uid], counting[uid] = p["column_id"], True
            entered = p["column_id"]
        elif event.kind == "card.moved" and uid in column_of:
            if column_of[uid] != p["column_id"]:
                entered = p["column_id"]
            column_of[uid] = p["column_id"]
        elif event.kind in ("card.archived", "card.deleted") and uid in counting:
            counting[uid] = False
        elif event.kind in ("card.unarchived", "card.restored") and uid in counting:
            counting[uid] = True
            entered = column_of[uid]
        elif event.kind in ("wip.overridden", "wip.breached"):
            held = count(p["column_id"])
            assert held == p["count"] > p["limit"], f"{event} does not match the board ({held})"
            seen[event.kind] += 1
        if event.kind not in ENTERING or entered is None or entered not in limits:
            continue
        limit, policy = limits[entered]
        if policy != "block" or count(entered) <= limit or not counting[uid]:
            continue
        # Over a block limit: only an override recorded in the same transaction may do that.
        following = events[index + 1] if index + 1 < len(events) else None
        assert following is not None, f"{event} took a block column over its limit at the end"
        assert following.kind == "wip.overridden", f"{event} went over the limit: {following}"
        assert following.card_uid == event.card_uid
        assert following.actor == event.actor
        assert following.hlc == event.hlc + 1, "the override is not in the move's transaction"
        assert following.payload["column_id"] == entered
        seen["over the block limit with an override"] += 1
    return seen


@on_both_backends
def test_eight_processes_and_a_polling_reader_share_one_board_without_losing_anything(
    tmp_path: Path, board_location: Path | str
) -> None:
    path = board_location
    seed_keys = _seed_board(path)

    results, reader = _run_workers(tmp_path, path, seed_keys)

    # A TUI-like reader polling beside them saw the board change, without an error.
    assert reader["errors"] == []
    assert reader["refreshes"] > 10, reader
    print(
        f"\nload: {WORKERS} x {OPERATIONS} operations, reader refreshed {reader['refreshes']} times"
    )

    # Every worker finished every operation; nothing unexpected (SQLITE_BUSY above all) escaped.
    for result in results:
        assert result["crash"] is None, result["crash"]
        assert len(result["operations"]) == OPERATIONS
        unexpected = [op for op in result["operations"] if op["outcome"] == "unexpected"]
        assert not unexpected, f"{result['actor']}: {unexpected[0]['message']}"
        refusals = {op["error"] for op in result["operations"] if op["outcome"] == "refused"}
        assert refusals <= EXPECTED_REFUSALS

    with Store(path, actor="Checker") as store:
        events = _logged_events(store)
        # Each actor's events are exactly those its successful operations returned: none lost,
        # none twice, none for a refused operation.
        for result in results:
            reported = [
                (event_id, kind)
                for op in result["operations"]
                if op["outcome"] == "ok"
                for event_id, kind in op["events"]
            ]
            assert len(reported) == len(set(reported))
            stored = [(e.id, e.kind) for e in events if e.actor == result["actor"]]
            assert len(stored) == len(set(stored))
            assert set(stored) == set(reported), result["actor"]
        assert {e.actor for e in events} == {"Setup"} | {r["actor"] for r in results}
        # Writers were serialised: clock stamps are unique and follow the commit order.
        assert len({e.hlc for e in events}) == len(events)
        assert [e.rowid for e in events] == sorted(e.rowid for e in events)
        # ... and they really ran at the same time: their commits interleave in the log.
        writers = [e.actor for e in events if e.actor != "Setup"]
        switches = sum(a != b for a, b in pairwise(writers))
        assert switches > 4 * WORKERS, f"the workers barely overlapped ({switches} switches)"

    seen = _check_wip_history(events)
    outcomes = Counter(
        op.get("error", op["outcome"]) for result in results for op in result["operations"]
    )
    # The run really contended for the limits: refusals, overrides and warn breaches all happened.
    assert outcomes["WipLimitReached"] > 0, outcomes
    assert seen["wip.overridden"] > 0, seen
    assert seen["wip.overridden"] == seen["over the block limit with an override"], seen
    assert seen["wip.breached"] > 0, seen

    with Store(path, actor="Checker") as store:
        if isinstance(path, Path):
            assert store.integrity_check() == ["ok"]
        incremental = dump_projections(store)
        assert store.rebuild_projections() == len(events)
        assert dump_projections(store) == incremental
