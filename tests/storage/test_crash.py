"""Writers killed with SIGKILL at random moments: the file stays sound and keeps every commit.

Two writer processes change one board at once; the test kills them at random moments, again
and again (at least 30 kills; `make soak` many more). Afterwards SQLite's integrity check passes,
the projections equal a rebuild from the events, and every change a writer saw committed is there.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from multiprocessing.process import BaseProcess
from pathlib import Path

import pytest

from kanban_tui.storage.maintenance import check_board
from kanban_tui.storage.store import Store
from tests.storage import crash_worker

pytestmark = pytest.mark.slow

SCALE = int(os.environ.get("SQUADBOARD_SOAK_SCALE", "1"))
"""`make soak` multiplies the rounds."""
ROUNDS = 16 * SCALE
WRITERS = 2


def _acknowledged(folder: Path) -> set[str]:
    """Every event id a writer logged as committed (a torn last line is ignored)."""
    ids: set[str] = set()
    for acks in folder.glob("acks-*.txt"):
        text = acks.read_text(encoding="utf-8")
        complete = text if text.endswith("\n") else text.rsplit("\n", 1)[0]
        ids.update(line for line in complete.splitlines() if line)
    return ids


def _wait_for(ready: Path, writer: BaseProcess, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not ready.exists():
        assert writer.is_alive(), f"a writer died before it opened the board ({writer.exitcode})"
        assert time.monotonic() < deadline, f"a writer did not start within {timeout_s} s"
        time.sleep(0.005)


def test_writers_killed_at_random_lose_nothing_they_committed(tmp_path: Path) -> None:
    path = tmp_path / "board.db"
    with Store(path, actor="Setup") as store:
        store.add_squad("Growth squad", prefix="GRW", members=["Ana", "Ben"])
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kanban_tui.storage.store", "tests.storage.crash_worker"])
    rng = random.Random(6)
    kills = 0
    for round_number in range(ROUNDS):
        writers = [
            context.Process(
                target=crash_worker.run,
                args=(
                    str(path),
                    f"Writer {n}",
                    round_number * 10 + n,
                    str(tmp_path / f"acks-{n}.txt"),
                    str(tmp_path / f"ready-{round_number}-{n}"),
                ),
            )
            for n in range(WRITERS)
        ]
        for writer in writers:
            writer.start()
        for n, writer in enumerate(writers):  # kill while writing, not while starting up
            _wait_for(tmp_path / f"ready-{round_number}-{n}", writer)
        for writer in writers:
            time.sleep(rng.uniform(0.02, 0.25))
            assert writer.pid is not None
            os.kill(writer.pid, signal.SIGKILL)
        for writer in writers:
            writer.join(10)
            assert writer.exitcode == -signal.SIGKILL, "the writer stopped before it was killed"
            kills += 1

    acknowledged = _acknowledged(tmp_path)
    assert kills >= 30
    assert len(acknowledged) > 50, "the writers barely wrote between kills"
    report = check_board(path)
    assert report.integrity == ["ok"]
    assert report.ok, report
    with Store(path, actor="Checker") as store:
        missing = acknowledged - store.event_ids()
        assert not missing, f"{len(missing)} committed events lost"
        # The figure docs/reliability.md quotes (shown with `pytest -s`, as `make soak` runs).
        print(f"\ncrash: {kills} SIGKILLs, {len(acknowledged)} acknowledged events, 0 lost")
        store.add_card(None, "the board still takes changes")
