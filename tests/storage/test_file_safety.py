"""A file nobody can break: damaged and hostile files are refused untouched; check, backup."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from kanban_tui.storage import schema
from kanban_tui.storage.connection import BoardFileError, SQLiteConnection, connect
from kanban_tui.storage.guard import check_header
from kanban_tui.storage.maintenance import check_board, repair_board
from kanban_tui.storage.schema_allowlist import ALLOWED_OBJECTS
from kanban_tui.storage.store import Store
from tests.conftest import FakeClock
from tests.storage.helpers import dump_projections, event_count, file_digest, tamper


def _board(path: Path, clock: FakeClock, cards: int = 3) -> None:
    with Store(path, actor="Ana", clock=clock) as store:
        store.add_squad("Growth squad", prefix="GRW")
        for n in range(cards):
            store.add_card(None, f"card {n}")
    conn = connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


@pytest.mark.parametrize("version", range(1, schema.SCHEMA_VERSION + 1))
def test_the_allow_list_covers_what_every_schema_version_creates(
    version: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:version])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", version)
    conn = connect(Path(":memory:"))
    schema.migrate(conn, Path(":memory:"))
    created = conn.execute("SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL")
    for kind, name, sql in created:
        assert name in ALLOWED_OBJECTS, f"regenerate schema_allowlist.py: {kind} {name} is new"
        assert ALLOWED_OBJECTS[name][0] == kind
        assert sql in ALLOWED_OBJECTS[name][1], f"add this SQL of {name} to schema_allowlist.py"


HOSTILE = {
    "a trigger": "CREATE TRIGGER wipe AFTER INSERT ON events BEGIN DELETE FROM cards; END",
    "a view": "CREATE VIEW everything AS SELECT * FROM cards",
    "a table": "CREATE TABLE loot (secret TEXT)",
    "an index": "CREATE INDEX idx_sneaky ON cards (title)",
    "a changed table": "ALTER TABLE cards ADD COLUMN extra TEXT DEFAULT 'x'",
}


@pytest.mark.parametrize("sql", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_planted_schema_object_is_refused_and_the_file_left_untouched(
    sql: str, db_path: Path, clock: FakeClock
) -> None:
    _board(db_path, clock)
    tamper(db_path, sql)
    digest = file_digest(db_path)

    with pytest.raises(BoardFileError, match="squadboard did not create"):
        Store(db_path, actor="Ana", clock=clock)

    assert file_digest(db_path) == digest
    assert not Path(f"{db_path}-wal").exists()
    assert not check_board(db_path).ok
    assert file_digest(db_path) == digest


def test_a_truncated_file_is_refused_untouched(db_path: Path, clock: FakeClock) -> None:
    _board(db_path, clock, cards=60)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    digest = file_digest(db_path)

    with pytest.raises(BoardFileError, match="truncated"):
        Store(db_path, actor="Ana", clock=clock)
    with pytest.raises(BoardFileError, match="truncated"):
        check_board(db_path)

    assert file_digest(db_path) == digest


def test_a_short_file_with_its_journal_beside_it_is_left_to_sqlite(
    db_path: Path, clock: FakeClock
) -> None:
    """A checkpoint writes the new header before the pages it counts; the WAL still has them."""
    _board(db_path, clock, cards=60)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) - 4096])
    Path(f"{db_path}-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\x00" * 28)

    check_header(db_path)  # no verdict from the header: SQLite judges with the WAL


def test_every_connection_distrusts_the_schema_and_checks_cells(db_path: Path) -> None:
    conn = connect(db_path)
    assert conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0
    assert conn.execute("PRAGMA cell_size_check").fetchone()[0] == 1
    conn.close()


def test_check_passes_a_sound_board_without_writing_to_it(db_path: Path, clock: FakeClock) -> None:
    _board(db_path, clock)
    digest = file_digest(db_path)

    report = check_board(db_path)

    assert report.ok, report
    assert report.events == event_count(db_path)
    assert report.schema_version == schema.SCHEMA_VERSION
    assert file_digest(db_path) == digest


Damage = Callable[[SQLiteConnection], object]
STALE: dict[str, Damage] = {
    "a card edited behind the log's back": lambda c: c.execute("UPDATE cards SET title = 'x'"),
    "a card lost": lambda c: c.execute("DELETE FROM cards WHERE key = 'GRW-2'"),
    "a transition added": lambda c: c.execute(
        "INSERT INTO card_transitions (card_uid, column_id, entered_at, actor, event_id)"
        " VALUES ('u', 'c', 't', 'a', 'e')"
    ),
}


@pytest.mark.parametrize("damage", STALE.values(), ids=STALE.keys())
def test_check_finds_projections_that_differ_from_the_events_and_repair_rebuilds_them(
    damage: Damage, db_path: Path, clock: FakeClock
) -> None:
    _board(db_path, clock)
    with Store(db_path, actor="Ana", clock=clock) as store:
        good = dump_projections(store)
    conn = connect(db_path)
    damage(conn)
    conn.close()

    report = check_board(db_path)
    assert not report.ok
    assert report.stale_projections

    repaired = repair_board(db_path)
    assert repaired.events == event_count(db_path)
    assert check_board(db_path).ok
    with Store(db_path, actor="Ana", clock=clock) as store:
        assert dump_projections(store) == good


def test_repair_removes_a_planted_trigger_and_view(db_path: Path, clock: FakeClock) -> None:
    _board(db_path, clock)
    tamper(db_path, HOSTILE["a trigger"])
    tamper(db_path, HOSTILE["a view"])

    repaired = repair_board(db_path)

    assert sorted(repaired.dropped) == ["trigger wipe", "view everything"]
    assert check_board(db_path).ok
    with Store(db_path, actor="Ana", clock=clock) as store:
        store.add_card(None, "after the repair")
        assert len(store.cards()) == 4


def test_repair_leaves_a_foreign_table_and_everything_else_alone(
    db_path: Path, clock: FakeClock
) -> None:
    _board(db_path, clock)
    tamper(db_path, HOSTILE["a table"])
    digest = file_digest(db_path)

    with pytest.raises(BoardFileError, match="table loot"):
        repair_board(db_path)

    assert file_digest(db_path) == digest


def test_a_backup_is_a_consistent_board_while_a_teammate_keeps_writing(
    tmp_path: Path, db_path: Path, clock: FakeClock
) -> None:
    _board(db_path, clock)
    stop = threading.Event()

    def keep_writing() -> None:
        with Store(db_path, actor="Ben") as writer:
            while not stop.is_set():
                writer.add_card(None, "written during the backup")

    teammate = threading.Thread(target=keep_writing)
    teammate.start()
    try:
        with Store(db_path, actor="Ana", clock=clock) as store:
            copies = [tmp_path / f"backup-{n}.db" for n in range(5)]
            for copy in copies:
                store.backup(copy)
    finally:
        stop.set()
        teammate.join()

    for copy in copies:
        report = check_board(copy)
        assert report.ok, report
        assert report.events >= 4
    assert not list(tmp_path.glob(".*.partial"))


def test_a_backup_never_overwrites_a_file(tmp_path: Path, store: Store) -> None:
    existing = tmp_path / "precious.db"
    existing.write_text("do not touch")

    with pytest.raises(BoardFileError, match="already exists"):
        store.backup(existing)

    assert existing.read_text() == "do not touch"
