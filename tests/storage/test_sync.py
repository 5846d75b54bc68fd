"""Sync through a folder: members converge despite conflict copies, torn and late files.

A simulated sync tool carries the members' logs between their own copies of the folder one file
at a time, in random order, sometimes half-written, and sometimes keeps both versions of a file as
a conflict copy (as Syncthing and Dropbox do). Members change their boards and sync at random.
Once the tool has delivered everything, every member's board is the same.
"""

from __future__ import annotations

import contextlib
import os
import random
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest

from kanban_tui.domain.errors import SquadboardError
from kanban_tui.storage.store import Store
from kanban_tui.storage.sync import (
    LOG_FOLDER,
    SyncReport,
    member_log,
    read_folder,
    sync_once,
    watch,
)
from tests.conftest import START, FakeClock
from tests.storage.helpers import dump_projections

SCRATCH = "/dev/shm" if Path("/dev/shm").is_dir() else None
MEMBERS = ("Ana", "Ben", "Chloé")


class SyncTool:
    """Carries log files between the members' copies of the shared folder, badly on purpose."""

    def __init__(self, folders: list[Path], rng: random.Random) -> None:
        self.folders = folders
        self.rng = rng
        self.conflicts = 0

    def step(self) -> None:
        source, target = self.rng.sample(self.folders, 2)
        logs = sorted((source / LOG_FOLDER).glob("*.jsonl"))
        if not logs:
            return
        log = self.rng.choice(logs)
        data = log.read_bytes()
        destination = target / LOG_FOLDER / log.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        roll = self.rng.random()
        if roll < 0.2 and len(data) > 10:  # caught mid-transfer: a torn last line
            data = data[: self.rng.randrange(len(data) // 2, len(data))]
        elif roll < 0.35 and destination.exists() and destination.read_bytes() != data:
            self.conflicts += 1
            destination = destination.with_name(
                f"{log.stem}.sync-conflict-{self.conflicts:04d}.jsonl"
            )
        destination.write_bytes(data)  # even over the writer's own, newer log: sync heals that

    def deliver_everything(self) -> None:
        """The tool catches up: every folder gets the latest full version of every file."""
        latest: dict[str, bytes] = {}
        for folder in self.folders:
            for log in (folder / LOG_FOLDER).glob("*.jsonl"):
                data = log.read_bytes()
                if len(data) > len(latest.get(log.name, b"")):
                    latest[log.name] = data
        for folder in self.folders:
            (folder / LOG_FOLDER).mkdir(exist_ok=True)
            for name, data in latest.items():
                (folder / LOG_FOLDER / name).write_bytes(data)


def _change(store: Store, rng: random.Random) -> None:
    roll = rng.random()
    with contextlib.suppress(SquadboardError):  # refusals, and no squad before the first sync
        keys = [c.key for c in store.cards()]
        if roll < 0.3 or not keys:
            store.add_card(None, f"{store.actor}'s card {rng.randrange(1000)}")
        elif roll < 0.6:
            store.move_card(rng.choice(keys), rng.choice(["Ready", "Doing", "Review", "Done"]))
        elif roll < 0.85:
            store.edit_card(rng.choice(keys), title=f"{store.actor} retitled it")
        else:
            store.block_card(rng.choice(keys), "waiting")


@pytest.mark.parametrize("members", [2, 3])
@pytest.mark.parametrize("seed", range(6 * int(os.environ.get("SQUADBOARD_SOAK_SCALE", "1"))))
def test_members_syncing_through_a_folder_converge(members: int, seed: int) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(dir=SCRATCH) as scratch:
        root = Path(scratch)
        folders = [root / f"{name}-folder" for name in MEMBERS[:members]]
        for folder in folders:
            folder.mkdir()
        clocks = [FakeClock(START + timedelta(seconds=rng.randint(-300, 300))) for _ in folders]
        stores = [
            Store(root / f"{name}.db", actor=name, clock=clock)
            for name, clock in zip(MEMBERS, clocks, strict=False)
        ]
        stores[0].add_squad("Growth squad", prefix="GRW", members=list(MEMBERS))
        tool = SyncTool(folders, rng)
        for _ in range(60):
            who = rng.randrange(members)
            clocks[who].advance(minutes=rng.randint(0, 90))
            action = rng.random()
            if action < 0.45:
                _change(stores[who], rng)
            elif action < 0.7:
                sync_once(stores[who], folders[who], MEMBERS[who])
            else:
                tool.step()
        for _round in range(3):  # everyone syncs, the tool catches up, everyone syncs again
            for store, folder, name in zip(stores, folders, MEMBERS, strict=False):
                sync_once(store, folder, name)
            tool.deliver_everything()
        for store, folder, name in zip(stores, folders, MEMBERS, strict=False):
            sync_once(store, folder, name)

        boards = [dump_projections(store) for store in stores]
        assert all(board == boards[0] for board in boards[1:])
        assert boards[0]["cards"], "the members made changes"
        assert all(store.event_ids() == stores[0].event_ids() for store in stores)
        for store in stores:
            assert store.integrity_check() == ["ok"]
            store.close()


def test_conflict_copies_and_torn_lines_are_read_by_event_id(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    with Store(tmp_path / "ana.db", actor="Ana", clock=FakeClock()) as ana:
        ana.add_squad("Growth squad", prefix="GRW")
        ana.add_card(None, "first")
        sync_once(ana, folder, "Ana")
    log = member_log(folder, "Ana")
    lines = log.read_text(encoding="utf-8").splitlines()
    log.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    log.with_name(f"{log.stem} (Ben's conflicted copy 2026-11-02).jsonl").write_text(
        "\n".join(lines[2:]) + "\n<<<<<<< HEAD\n" + lines[-1][:25], encoding="utf-8"
    )

    found = read_folder(folder)

    assert len(found.events) == len(lines)
    assert found.skipped_lines == 2
    with Store(tmp_path / "ben.db", actor="Ben", clock=FakeClock()) as ben:
        report, _ = sync_once(ben, folder, "Ben")
        assert report.received.added == len(lines)
        assert [c.title for c in ben.cards()] == ["first"]
        assert report.written == 0, "everything Ben has is already in the folder"


def test_a_torn_last_line_of_the_own_log_is_closed_before_appending(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    with Store(tmp_path / "ana.db", actor="Ana", clock=FakeClock()) as ana:
        ana.add_squad("Growth squad", prefix="GRW")
        sync_once(ana, folder, "Ana")
        log = member_log(folder, "Ana")
        with log.open("a", encoding="utf-8") as torn:
            torn.write('{"id": "half a line')
        ana.add_card(None, "after the crash")
        sync_once(ana, folder, "Ana")
    found = read_folder(folder)
    assert found.skipped_lines == 1
    with Store(tmp_path / "ben.db", actor="Ben", clock=FakeClock()) as ben:
        sync_once(ben, folder, "Ben")
        assert [c.title for c in ben.cards()] == ["after the crash"]


def test_watch_syncs_only_when_the_folder_or_the_board_changed(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    reports: list[SyncReport] = []
    with Store(tmp_path / "ana.db", actor="Ana", clock=FakeClock()) as ana:
        ana.add_squad("Growth squad", prefix="GRW")
        watch(
            ana, folder, "Ana", interval=0, on_sync=reports.append, rounds=4, sleep=lambda _: None
        )
    assert [r.written for r in reports] == [6, 0], "round 2 sees its own write; 3-4 skip"


def test_a_member_log_is_never_shared_by_two_names(tmp_path: Path) -> None:
    assert member_log(tmp_path, "Ana Costa") != member_log(tmp_path, "ana costa")
    assert member_log(tmp_path, "Ana Costa").name.startswith("ana-costa-")
    assert member_log(tmp_path, "../../etc").parent == tmp_path / LOG_FOLDER
