"""Fuzzed command lines (Hypothesis): always a clean exit, and a refused command changes nothing.

Arguments are drawn from the CLI's own words mixed with junk. Whatever comes out, squadboard
exits with 0, 1 or 2 without a traceback; when it fails it says so in one line (or shows usage),
and the board file is byte-for-byte what it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kanban_tui.cli import cli
from tests.cli.helpers import Squadboard, file_hash

FUZZ_EXAMPLES = int(os.environ.get("SQUADBOARD_FUZZ_EXAMPLES", "500"))
WORDS = [
    "card", "add", "move", "edit", "show", "list", "block", "unblock", "assign", "tag",
    "archive", "delete", "restore", "squad", "column", "remove", "log", "stats", "forecast",
    "board", "init", "check", "--repair", "backup", "merge", "export", "import", "sync",
    "--json", "--squad", "--at", "--title", "--limit", "--policy", "--format", "--dry-run",
    "--before", "--after", "--top", "--override", "--since", "--items", "--trials", "-n",
    "--role", "--tz", "--member", "--output", "-o", "--yes", "-h",
    "GRW-1", "GRW-4", "GRW-99", "Doing", "Review", "Done", "Growth squad", "Ana", "Ben",
    "block", "warn", "queue", "jsonl", "csv", "kanban-tui", "0", "3", "-1", "1e9", "yesterday",
    "3 days ago", "2026-13-45", "", " ", "\x1b[31m", "\u202e", "\x00", "é", "x" * 300,
    "{dir}/out.db", "{dir}/events.jsonl", "{dir}/nothing", "{dir}", "{board}",
]  # fmt: skip
"""The CLI's own words, values that should work, and junk; `{dir}` is a scratch folder."""


@pytest.fixture(scope="module")
def seeded_board(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The growth board, written once; each example works on a fresh copy."""
    path = tmp_path_factory.mktemp("fuzz") / "board.db"
    sb = Squadboard(path)
    sb.ok("squad", "add", "Growth squad", "--prefix", "GRW", "--tz", "UTC", "--member", "Ana")
    for column in ("Doing", "Doing", "Review", "Backlog"):
        sb.ok("card", "add", f"A card in {column}", "--column", column)
    sb.ok("export", "-o", str(path.parent / "events.jsonl"))
    return path


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(words=st.lists(st.sampled_from(WORDS) | st.text(max_size=12), min_size=1, max_size=6))
def test_any_command_line_ends_cleanly_and_a_failure_changes_nothing(
    seeded_board: Path, words: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        board = Path(scratch) / "board.db"
        shutil.copy(seeded_board, board)
        shutil.copy(seeded_board.parent / "events.jsonl", Path(scratch) / "events.jsonl")
        args = [w.replace("{dir}", scratch).replace("{board}", str(board)) for w in words]
        before = file_hash(board)

        result = CliRunner().invoke(
            cli, ["--db", str(board), "--user", "Ana", *args], prog_name="squadboard"
        )

        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"squadboard {args!r} raised {result.exception!r}"
        )
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr)
        assert "Traceback" not in result.stderr
        if result.exit_code != 0:
            lines = result.stderr.splitlines()
            shows_usage = result.stderr.startswith("Usage:")
            assert shows_usage or (len(lines) == 1 and lines[0].startswith("squadboard: ")), (
                args,
                result.stderr,
            )
            assert file_hash(board) == before, f"squadboard {args!r} failed yet changed the file"
