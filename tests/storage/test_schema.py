"""The board file's identity and migrations: foreign, newer and missing files are refused."""

from __future__ import annotations

import sqlite3 as stdlib_sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from kanban_tui.storage.connection import APPLICATION_ID, BoardFileError, connect, sqlite_version
from kanban_tui.storage.maintenance import check_board
from kanban_tui.storage.schema import SCHEMA_VERSION, migration_set
from kanban_tui.storage.store import Store
from tests.conftest import FakeClock
from tests.storage.helpers import dump_projections, event_count, file_digest


def _schema(path: Path) -> list[tuple[str, str]]:
    conn = connect(path)
    try:
        return sorted(conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
    finally:
        conn.close()


def test_runs_on_a_sqlite_without_the_wal_reset_bug() -> None:
    major, minor, patch = (int(p) for p in sqlite_version().split(".")[:3])
    assert (major, minor, patch) >= (3, 51, 3)


def test_a_new_file_identifies_itself(db_path: Path, clock: FakeClock) -> None:
    Store(db_path, actor="Ana", clock=clock).close()
    conn = connect(db_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    applied = migration_set().applied(Database(conn, execute_plugins=False))
    assert len(applied) == SCHEMA_VERSION
    conn.close()


def test_migrations_are_idempotent(db_path: Path, clock: FakeClock) -> None:
    Store(db_path, actor="Ana", clock=clock).close()
    before = _schema(db_path)
    Store(db_path, actor="Ben", clock=clock).close()
    conn = connect(db_path)
    migration_set().apply(Database(conn, execute_plugins=False))
    conn.close()
    assert _schema(db_path) == before


def test_an_empty_file_becomes_a_board(db_path: Path, clock: FakeClock) -> None:
    db_path.touch()
    with Store(db_path, actor="Ana", clock=clock) as store:
        assert store.squads() == []
    assert ("events",) in [(name,) for name, _ in _schema(db_path)]


def test_a_text_file_is_refused_untouched(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "notes.db"
    path.write_text("shopping list: milk, eggs\n" * 20)
    digest = file_digest(path)
    with pytest.raises(BoardFileError, match="not a squadboard board file"):
        Store(path, actor="Ana", clock=clock)
    assert file_digest(path) == digest
    assert not Path(f"{path}-wal").exists()


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "other.db"
    other = stdlib_sqlite3.connect(path)
    other.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    other.execute("INSERT INTO invoices (total) VALUES (12.5)")
    other.commit()
    other.close()
    digest = file_digest(path)
    with pytest.raises(BoardFileError, match="not a squadboard board"):
        Store(path, actor="Ana", clock=clock)
    assert file_digest(path) == digest
    assert not Path(f"{path}-wal").exists()


def test_a_file_from_a_newer_squadboard_is_refused_untouched(
    db_path: Path, clock: FakeClock
) -> None:
    with Store(db_path, actor="Ana", clock=clock) as store:
        store.add_squad("Growth squad")
    conn = connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    digest = file_digest(db_path)
    with pytest.raises(BoardFileError, match="newer squadboard"):
        Store(db_path, actor="Ana", clock=clock)
    assert file_digest(db_path) == digest


def test_a_missing_file_is_not_created_by_readers(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "nowhere" / "board.db"
    with pytest.raises(BoardFileError, match="no board file"):
        Store(path, actor="Ana", clock=clock, create=False)
    assert not path.exists()
    assert not path.parent.exists()


def test_writers_create_the_file_and_its_folder(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "deep" / "er" / "board.db"
    with Store(path, actor="Ana", clock=clock) as store:
        store.add_squad("Growth squad")
    assert path.exists()


FIXTURES = Path(__file__).parent / "fixtures"


def write_old_board(path: Path, version: int) -> None:
    """A board as squadboard at schema `version` wrote it (a dump made with that release)."""
    conn = connect(path)
    conn.executescript((FIXTURES / f"schema-{version}.sql").read_text(encoding="utf-8"))
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_a_board_from_every_earlier_schema_is_migrated_with_nothing_lost(
    version: int, db_path: Path, clock: FakeClock
) -> None:
    write_old_board(db_path, version)
    events_before = event_count(db_path)
    with Store(db_path, actor="Ana", clock=clock) as current:
        assert current.squad().name == "Growth squad"
        assert len(current.cards(include_archived=True)) == 30
        edited = current.cards(text=f"Edited by schema {version}", include_archived=True)
        assert len(edited) == 1
        assert not edited[0].edited_concurrently
        incremental = dump_projections(current)
        current.rebuild_projections()
        assert dump_projections(current) == incremental
        assert event_count(db_path) == events_before
        # Old events saw everything before them; new ones record the card's latest event.
        change = current.edit_card(edited[0].key, title="Edited after the upgrade")
        latest_before = [e.id for e in current.events(card=edited[0].key)][-2]
        assert change.events[0].parents == (latest_before,)
        assert not change.card.edited_concurrently
    assert check_board(db_path).ok
    conn = connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT count(*) FROM card_heads").fetchone()[0] == 30
    conn.close()
    with Store(db_path, actor="Ana", clock=clock) as upgraded:
        upgraded.start_retro()
        upgraded.add_retro_note(1, "Start", "Written after the upgrade")
        assert [n.text for n in upgraded.retro_board(1).notes] == ["Written after the upgrade"]
