"""Sharing from the shell: merge (and later sync, export, import), checked through --json."""

from __future__ import annotations

import json
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


def test_two_members_share_a_board_through_a_folder(growth: Squadboard, tmp_path: Path) -> None:
    folder = tmp_path / "Dropbox" / "squad"
    folder.mkdir(parents=True)
    ben = Squadboard(tmp_path / "ben.db", user="Ben")

    first = growth.json("sync", str(folder))
    assert first["written"] > 10
    assert first["folder"] == str(folder)
    assert Path(first["log"]).parent == folder / "events"
    ben_first = ben.json("sync", str(folder))
    assert ben_first["added"] == first["written"]
    ben.ok("card", "move", "GRW-4", "Doing", "--override", "launch")
    assert ben.json("sync", str(folder))["written"] == 2
    back = growth.json("sync", str(folder))

    assert back["added"] == 2
    assert growth.json("board") == ben.json("board")


def test_sync_watch_prints_one_json_object_per_line(growth: Squadboard, tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()

    result = growth.ok(
        "sync", str(folder), "--watch", "--interval", "0.2", "--rounds", "2", "--json"
    )

    lines = result.stdout.splitlines()
    assert len(lines) >= 1
    assert all(json.loads(line)["folder"] == str(folder) for line in lines)


def test_sync_refuses_a_missing_folder(growth: Squadboard, tmp_path: Path) -> None:
    assert "no folder" in growth.fail(1, "sync", str(tmp_path / "nowhere"))
