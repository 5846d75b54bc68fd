"""The command line against a board on a PostgreSQL server, and `push` / `pull` between a file
and a server."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kanban_tui.cli import cli
from kanban_tui.storage.store import Store
from tests.cli.helpers import Squadboard, event_count
from tests.postgres_cluster import Cluster

FINISHED_WORK = ("throughput", "cycle_time", "lead_time", "arrivals", "cumulative_flow")
"""Parts of `stats --json` that depend only on the log, not on the moment `stats` runs."""


@pytest.fixture
def server_url(postgres: Cluster) -> str:
    return postgres.new_database()


def _event_ids(location: Path | str) -> set[str]:
    with Store(location, actor="Checker", create=False) as store:
        return store.event_ids()


def test_push_then_pull_gives_the_same_events_and_running_either_twice_adds_nothing(
    tmp_path: Path, server_url: str
) -> None:
    laptop = Squadboard(tmp_path / "laptop.db")
    laptop.ok("demo")
    pushed = laptop.json("push", str(laptop.db), server_url)
    assert pushed["added"] == pushed["received"] == event_count(tmp_path / "laptop.db")
    assert laptop.json("push", str(laptop.db), server_url)["added"] == 0

    back = tmp_path / "back.db"
    pulled = laptop.json("pull", server_url, str(back))
    assert pulled["added"] == pushed["added"]
    assert laptop.json("pull", server_url, str(back))["added"] == 0
    assert _event_ids(back) == _event_ids(server_url) == _event_ids(laptop.db)


def test_the_same_board_reports_the_same_flow_on_a_file_and_on_a_server(
    tmp_path: Path, server_url: str
) -> None:
    laptop = Squadboard(tmp_path / "laptop.db")
    laptop.ok("demo")
    laptop.ok("push", str(laptop.db), server_url)
    server = Squadboard(server_url)
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    window = ("--since", "2026-01-01", "--until", str(yesterday))
    on_file = laptop.json("stats", *window)
    on_server = server.json("stats", *window)
    for part in FINISHED_WORK:
        assert on_server[part] == on_file[part], part
    forecast = ("forecast", "--items", "20", "--seed", "1")
    assert server.json(*forecast) == laptop.json(*forecast)
    assert server.json("board")["columns"] == laptop.json("board")["columns"]


def test_a_teammate_on_the_server_is_held_to_the_same_wip_limits(server_url: str) -> None:
    ana, ben = Squadboard(server_url), Squadboard(server_url, user="Ben")
    ana.ok("squad", "add", "Growth squad", "--prefix", "GRW", "--member", "Ana", "--member", "Ben")
    for n in range(3):
        ana.ok("card", "add", f"Doing {n}", "--column", "Doing")
    ben.ok("card", "add", "One more")
    error = ben.fail(1, "card", "move", "GRW-4", "Doing")
    assert "WIP limit" in error
    assert ben.json("card", "move", "GRW-4", "Doing", "--override", "Launch-day fix")["key"] == (
        "GRW-4"
    )
    log = ana.json("log", "--card", "GRW-4")
    assert [(e["kind"], e["actor"]) for e in log][-2:] == [
        ("card.moved", "Ben"),
        ("wip.overridden", "Ben"),
    ]


def test_push_and_pull_say_in_one_line_what_is_wrong_with_their_arguments(
    tmp_path: Path, server_url: str
) -> None:
    sb = Squadboard(tmp_path / "board.db")
    assert "postgresql://" in sb.fail(2, "push", str(tmp_path / "board.db"), "elsewhere.db")
    assert "postgresql://" in sb.fail(2, "pull", "board.db", str(tmp_path / "copy.db"))
    assert "no board file" in sb.fail(1, "push", str(tmp_path / "missing.db"), server_url)
    assert "no board at" in sb.fail(1, "pull", server_url, str(tmp_path / "copy.db"))
    assert not (tmp_path / "copy.db").exists()


def test_file_commands_on_a_server_board_point_to_the_servers_tools(server_url: str) -> None:
    server = Squadboard(server_url)
    server.ok("init")
    for args in (("check",), ("backup", "copy.db")):
        error = server.fail(1, *args)
        assert "PostgreSQL server" in error
        assert "throwaway-test-password" not in error


def test_the_server_can_come_from_squadboard_db(
    server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SQUADBOARD_DB", server_url)
    result = CliRunner().invoke(cli, ["--user", "Ana", "init", "--json"])
    assert result.exit_code == 0, result.stderr
    created = json.loads(result.stdout)
    assert created["created"] is True
    assert created["path"] == server_url.replace("throwaway-test-password", "***")
    assert _event_ids(server_url) == set()


def test_serve_says_it_works_on_files_only_for_now(server_url: str) -> None:
    server = Squadboard(server_url)
    server.ok("init")
    error = server.fail(1, "serve")
    assert "board file for now" in error
    assert "throwaway-test-password" not in error
