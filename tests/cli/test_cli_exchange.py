"""`export` and `import`: round trips, validation of every row, no partial import, kanban-tui."""

from __future__ import annotations

import csv
import json
import sqlite3 as stdlib_sqlite3
from pathlib import Path

import pytest

from tests.cli.helpers import Squadboard, file_hash, snapshot


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_an_event_export_imports_into_an_identical_board(
    fmt: str, growth: Squadboard, tmp_path: Path
) -> None:
    growth.ok("card", "move", "GRW-4", "Doing", "--override", "launch day")
    growth.ok("card", "block", "GRW-1", "Waiting on legal")
    target = tmp_path / f"events.{fmt}"

    exported = growth.json("export", "--format", fmt, "--output", str(target))
    copy = Squadboard(tmp_path / "copy.db")
    dry = copy.json("import", str(target), "--dry-run")
    assert not copy.db.exists(), "a dry run creates nothing"
    done = copy.json("import", str(target))

    assert exported == {"path": str(target), "format": fmt, "bytes": target.stat().st_size}
    assert dry["added"] == done["added"] == done["records"] > 10
    assert copy.json("board") == growth.json("board")
    assert copy.json("log", "--all") == growth.json("log", "--all")
    assert copy.json("import", str(target))["added"] == 0


def test_csv_export_is_a_spreadsheet_of_cards_that_cannot_run_formulas(
    growth: Squadboard, tmp_path: Path
) -> None:
    growth.ok("card", "add", '=HYPERLINK("http://x")', "--tag", "Onboarding")
    target = tmp_path / "cards.csv"
    growth.ok("export", "--format", "csv", "-o", str(target))

    rows = list(csv.DictReader(target.open(encoding="utf-8")))

    by_key = {r["key"]: r for r in rows}
    assert sorted(by_key) == [f"GRW-{n}" for n in range(1, 7)]
    assert by_key["GRW-6"]["title"] == '\'=HYPERLINK("http://x")'
    assert by_key["GRW-6"]["tags"] == "Onboarding"
    assert {r["column"] for r in rows} == {"Doing", "Ready", "Backlog"}

    growth.ok("squad", "add", "Other squad", "--prefix", "OTH", "--tz", "UTC")
    growth.ok("tag", "add", "Onboarding", "--squad", "Other squad")
    done = growth.json("import", str(target), "--squad", "Other squad", "--dry-run")
    assert done["added"] == 6
    assert growth.card_keys("--squad", "Other squad") == []
    growth.json("import", str(target), "--squad", "Other squad")
    titles = [c["title"] for c in growth.json("card", "list", "--squad", "Other squad")]
    assert '=HYPERLINK("http://x")' in titles


BAD_LINES = {
    "not JSON": "{oops",
    "a missing field": json.dumps({"id": "x"}),
    "an unknown kind": None,
    "a time without a zone": None,
    "a payload of the wrong shape": None,
    "a huge payload": None,
}


def _spoil(line: str, case: str) -> str:
    event = json.loads(line)
    if case == "an unknown kind":
        event["kind"] = "card.teleported"
    elif case == "a time without a zone":
        event["at"] = "2026-11-02T09:00:00"
    elif case == "a payload of the wrong shape":
        event["payload"] = {"title": 42}
    elif case == "a huge payload":
        event["payload"]["title"] = "x" * 300_000
    return json.dumps(event)


@pytest.mark.parametrize("case", BAD_LINES)
def test_one_bad_line_imports_nothing_and_names_the_line(
    case: str, growth: Squadboard, tmp_path: Path
) -> None:
    source = tmp_path / "events.jsonl"
    growth.ok("export", "-o", str(source))
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[3] = BAD_LINES[case] or _spoil(lines[3], case)
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = Squadboard(tmp_path / "target.db")
    target.ok("init")
    before = file_hash(target.db)

    assert "line 4" in target.fail(2, "import", str(source))

    assert file_hash(target.db) == before


CSV_PROBLEMS = {
    "an empty title": ("title,column\nfine,Backlog\n,Backlog\n", 2, "line 3"),
    "an unknown column": ("title,column\nfine,Backlog\nlost,Nowhere\n", 2, "row 2"),
    "a bad date": ("title,due\nfine,2026-13-40\n", 2, "line 2"),
    "a full block column": ("title,column\na,Doing\n", 1, "row 1"),
    "no title column": ("name\nx\n", 2, "title"),
}


@pytest.mark.parametrize("case", CSV_PROBLEMS)
def test_a_bad_csv_row_imports_no_card(case: str, growth: Squadboard, tmp_path: Path) -> None:
    text, code, where = CSV_PROBLEMS[case]
    source = tmp_path / "cards.csv"
    source.write_text(text, encoding="utf-8")
    before = snapshot(growth.db)

    assert where in growth.fail(code, "import", str(source))

    assert snapshot(growth.db) == before


def _kanban_tui_file(path: Path) -> None:
    """A kanban-tui database as its SQLite backend creates it (0.15 and later: with positions)."""
    conn = stdlib_sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE categories (category_id INTEGER PRIMARY KEY, name TEXT NOT NULL,
            color TEXT NOT NULL);
        CREATE TABLE tasks (task_id INTEGER PRIMARY KEY, title TEXT NOT NULL,
            column INTEGER NOT NULL, category INTEGER, description TEXT,
            creation_date DATETIME NOT NULL, start_date DATETIME, finish_date DATETIME,
            due_date DATETIME, board_id INTEGER, position INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE boards (board_id INTEGER PRIMARY KEY, name TEXT NOT NULL, icon TEXT,
            creation_date DATETIME NOT NULL, reset_column INTEGER DEFAULT NULL,
            start_column INTEGER DEFAULT NULL, finish_column INTEGER DEFAULT NULL);
        CREATE TABLE columns (column_id INTEGER PRIMARY KEY, name TEXT NOT NULL,
            visible BOOLEAN, position INTEGER, board_id INTEGER);
        CREATE TABLE audits (event_id INTEGER PRIMARY KEY, event_timestamp DATETIME NOT NULL,
            event_type TEXT NOT NULL, object_type TEXT NOT NULL, object_id INTEGER NOT NULL,
            object_field TEXT, value_old TEXT, value_new TEXT);
        CREATE TRIGGER task_creation AFTER INSERT ON tasks FOR EACH ROW BEGIN
            INSERT INTO audits (event_timestamp, event_type, object_type, object_id)
            VALUES (datetime('now'), 'CREATE', 'task', NEW.task_id); END;
        INSERT INTO categories VALUES (1, 'Blog', 'blue'), (2, 'Ads', 'not-a-colour');
        INSERT INTO boards VALUES (1, 'Kanban Board', NULL, '2026-09-01T10:00:00', 1, 2, 3);
        INSERT INTO columns VALUES (1, 'Ready', 1, 1, 1), (2, 'Doing', 1, 2, 1),
            (3, 'Done', 1, 3, 1), (4, 'Archive', 0, 4, 1);
        INSERT INTO tasks VALUES
            (1, 'Write post', 3, 1, 'About **us**', '2026-09-02T09:00:00',
             '2026-09-03T09:30:00', '2026-09-05T16:00:00', '2026-09-10T00:00:00', 1, 0),
            (2, 'Run ads', 2, 2, NULL, '2026-09-04T11:00:00', '2026-09-06T10:00:00',
             NULL, NULL, 1, 0),
            (3, 'Idea', 1, NULL, '', '2026-09-07T08:00:00', NULL, NULL, NULL, 1, 1),
            (4, 'Urgent idea', 1, NULL, '', '2026-09-08T08:00:00', NULL, NULL, NULL, 1, 0);
        """
    )
    conn.commit()
    conn.close()


def test_a_kanban_tui_board_moves_over_with_its_history(sb: Squadboard, tmp_path: Path) -> None:
    source = tmp_path / "kanban_tui.db"
    _kanban_tui_file(source)
    digest = file_hash(source)

    done = sb.json("import", str(source), "--tz", "Europe/Berlin")

    assert file_hash(source) == digest
    assert (done["squads"], done["cards"], done["format"]) == (1, 4, "kanban-tui")
    columns = sb.json("column", "list")
    assert [(c["name"], c["role"]) for c in columns] == [
        ("Ready", "queue"),
        ("Doing", "active"),
        ("Done", "done"),
        ("Archive", "done"),
    ]
    cards = {c["title"]: c for c in sb.json("card", "list")}
    assert cards["Write post"]["column"] == "Done"
    assert cards["Write post"]["tags"] == ["Blog"]
    assert cards["Write post"]["due"] == "2026-09-10"
    assert cards["Run ads"]["column"] == "Doing"
    ready = [c["title"] for c in sb.json("card", "list", "--column", "Ready")]
    assert ready == ["Urgent idea", "Idea"], "kanban-tui's order within a column is kept"
    assert cards["Idea"]["key"] == "KAN-3", "card numbers follow creation"
    shown = sb.json("card", "show", cards["Write post"]["key"])
    assert [(t["column"], t["entered_at"]) for t in shown["transitions"]] == [
        ("Ready", "2026-09-02T07:00:00+00:00"),
        ("Doing", "2026-09-03T07:30:00+00:00"),
        ("Done", "2026-09-05T14:00:00+00:00"),
    ]
    assert {t["name"] for t in sb.json("tag", "list")} == {"Blog", "Ads"}


def test_a_file_that_is_no_kanban_tui_database_is_refused(sb: Squadboard, tmp_path: Path) -> None:
    source = tmp_path / "other.db"
    conn = stdlib_sqlite3.connect(source)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.close()

    assert "not a kanban-tui database" in sb.fail(1, "import", str(source))
    assert not sb.db.exists(), "a refused import creates no board"
    sb.ok("init")
    assert "squadboard merge" in sb.fail(1, "import", str(sb.db))
    assert "cannot tell the format" in sb.fail(2, "import", str(tmp_path / "notes.txt"))
