"""Sharing from the shell: merge (and later sync, export, import), checked through --json."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.cli.helpers import Squadboard, file_hash


def _copy(board: Squadboard, path: Path, user: str) -> Squadboard:
    board.ok("check")  # closes cleanly, so the file alone holds every change
    shutil.copy(board.db, path)
    return Squadboard(path, user=user)


def test_merge_brings_in_the_other_copy_and_reports_concurrent_edits(
    growth: Squadboard, tmp_path: Path
) -> None:
    ben = _copy(growth, tmp_path / "ben.db", "Ben")
    ben.ok("card", "edit", "GRW-4", "--title", "Ben's title")
    ben.ok("card", "add", "Ben's card")
    growth.ok("card", "edit", "GRW-4", "--title", "Ana's title")

    report = growth.json("merge", str(ben.db))

    assert report["source"] == str(ben.db)
    assert report["added"] == 2
    assert report["received"] > report["added"]
    assert [(e["card"], e["field"]) for e in report["concurrent_edits"]] == [("GRW-4", "title")]
    assert report["over_limit"] == []
    card = growth.json("card", "show", "GRW-4")
    assert card["edited_concurrently"] is True
    assert card["title"] in ("Ana's title", "Ben's title")
    assert "Ben's card" in [c["title"] for c in growth.json("card", "list")]
    assert growth.json("merge", str(ben.db))["added"] == 0


def test_merge_refuses_a_file_that_is_no_board_and_changes_nothing(
    growth: Squadboard, tmp_path: Path
) -> None:
    other = tmp_path / "notes.db"
    other.write_text("not a board\n" * 20)
    growth.ok("check")
    ours = file_hash(growth.db)

    assert "not a squadboard board" in growth.fail(1, "merge", str(other))
    assert "no board file" in growth.fail(1, "merge", str(tmp_path / "missing.db"))
    assert "itself" in growth.fail(1, "merge", str(growth.db))
    assert file_hash(growth.db) == ours
