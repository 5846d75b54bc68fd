"""`squadboard check` and `backup` from the shell: JSON reports, exit codes, untouched files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import Squadboard, file_hash
from tests.storage.helpers import tamper


def test_check_reports_a_sound_board(growth: Squadboard) -> None:
    report = growth.json("check")

    assert report["ok"] is True
    assert report["integrity"] == ["ok"]
    assert report["events"] > 5
    assert report["unexpected_schema"] == report["stale_projections"] == []
    assert report["repaired"] is None


def test_check_finds_a_stale_board_and_repair_fixes_it(growth: Squadboard) -> None:
    tamper(growth.db, "UPDATE cards SET title = 'forged' WHERE key = 'GRW-1'")

    result = growth.run("check", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["stale_projections"] == ["cards"]
    assert "--repair" in result.stderr
    told = growth.run("check")
    assert told.exit_code == 1
    assert "differs from a rebuild from the events: cards" in told.stdout
    assert len(told.stderr.splitlines()) == 1

    repaired = growth.json("check", "--repair")
    assert repaired["ok"] is True
    assert repaired["repaired"]["events"] == repaired["events"]
    assert growth.json("card", "show", "GRW-1")["title"] == "Doing card 1"


def test_a_planted_trigger_is_refused_by_every_command_until_repaired(growth: Squadboard) -> None:
    tamper(growth.db, "CREATE TRIGGER t AFTER INSERT ON events BEGIN DELETE FROM cards; END")
    digest = file_hash(growth.db)

    assert "trigger t" in growth.fail(1, "card", "add", "new card")
    assert "trigger t" in growth.fail(1, "card", "list")
    assert file_hash(growth.db) == digest

    repaired = growth.json("check", "--repair")
    assert repaired["repaired"]["dropped"] == ["trigger t"]
    growth.ok("card", "add", "new card")
    assert len(growth.card_keys()) == 6


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some notes\n" * 10, "not a squadboard board file"),
        (b"SQLite format 3\x00" + b"\x10\x00" + b"\x00" * 82, "file is not a database"),
    ],
    ids=["text", "broken header"],
)
def test_check_and_backup_refuse_a_file_that_is_no_board(
    content: bytes, message: str, sb: Squadboard, tmp_path: Path
) -> None:
    sb.db.write_bytes(content)

    assert message in sb.fail(1, "check")
    sb.fail(1, "backup", str(tmp_path / "copy.db"))

    assert sb.db.read_bytes() == content
    assert not (tmp_path / "copy.db").exists()


def test_backup_writes_a_checked_copy(growth: Squadboard, tmp_path: Path) -> None:
    target = tmp_path / "backups" / "board-copy.db"
    target.parent.mkdir()

    done = growth.json("backup", str(target))

    assert done == {"path": str(growth.db), "backup": str(target), "bytes": target.stat().st_size}
    copy = Squadboard(target)
    assert copy.card_keys() == growth.card_keys()
    assert copy.json("check")["ok"] is True


def test_backup_refuses_an_existing_file_and_the_board_itself(
    growth: Squadboard, tmp_path: Path
) -> None:
    existing = tmp_path / "kept.db"
    existing.write_text("keep me")

    assert "already exists" in growth.fail(1, "backup", str(existing))
    assert "another file" in growth.fail(1, "backup", str(growth.db))
    assert existing.read_text() == "keep me"
