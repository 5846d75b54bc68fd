"""Text from a shared board file is printed literally: never read as markup or terminal codes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests.cli.helpers import Squadboard

if TYPE_CHECKING:
    import sqlite3
else:
    try:
        import pysqlite3.dbapi2 as sqlite3
    except ImportError:  # pragma: no cover
        import sqlite3

MARKUP = "[bold red]x[/] [link=file:///etc/passwd]y[/link]"
SHORT_MARKUP = "[red]z[/]"


@pytest.fixture
def marked_up(growth: Squadboard) -> Squadboard:
    """A card whose title, description, value tag and block reason hold rich markup."""
    growth.ok("tag", "add", "[blink]Value[/blink]")
    growth.ok(
        "card", "add", MARKUP, "-c", "Ready", "-d", f"See {MARKUP}", "-t", "[blink]Value[/blink]"
    )
    growth.ok("card", "block", "GRW-6", "[italic]legal[/italic]")
    return growth


def test_card_list_prints_markup_literally(marked_up: Squadboard) -> None:
    out = marked_up.ok("card", "list").stdout

    assert MARKUP in out
    assert "[blink]Value[/blink]" in out
    assert "BLOCKED: [italic]legal[/italic]" in out
    assert "\x1b" not in out


def test_card_show_prints_markup_literally(marked_up: Squadboard) -> None:
    out = marked_up.ok("card", "show", "GRW-6").stdout

    assert f"GRW-6 {MARKUP}" in out
    assert f"See {MARKUP}" in out
    assert "[blink]Value[/blink]" in out
    assert "[italic]legal[/italic]" in out
    assert "\x1b" not in out


def test_board_prints_markup_literally(marked_up: Squadboard) -> None:
    marked_up.ok("card", "add", SHORT_MARKUP, "-c", "Review")

    out = marked_up.ok("board").stdout

    assert f"GRW-7 {SHORT_MARKUP}" in out
    # Panels are narrow: the long title wraps, and its longest word is cut short with an
    # ellipsis, but what is shown is shown as typed.
    assert "GRW-6 [bold red]x[/]" in out
    assert "[link=file:///etc/passwd]y[" in out
    assert "\x1b" not in out


def test_squad_and_column_names_are_printed_literally(sb: Squadboard) -> None:
    sb.ok("squad", "add", "[b]Squad[/b]", "--mission", "[link=https://x.test]go[/link]")
    sb.ok("column", "add", "[u]Later[/u]", "--role", "queue", "--before", "Backlog")

    assert "[b]Squad[/b]" in sb.ok("squad", "list").stdout
    assert "[link=https://x.test]go[/link]" in sb.ok("board").stdout
    assert "[u]Later[/u]" in sb.ok("column", "list").stdout


def test_control_characters_in_a_shared_file_never_reach_the_terminal(growth: Squadboard) -> None:
    """A board written by someone else may hold anything; the CLI escapes it when printing."""
    evil = "evil \x1b]8;;file:///etc/passwd\x1b\\link\x1b]8;;\x1b\\ \x1b[2J\u202egnp"
    conn = sqlite3.connect(growth.db)
    conn.execute("UPDATE cards SET title = ?, description = ? WHERE key = 'GRW-4'", [evil, evil])
    conn.execute("UPDATE tags SET name = ? WHERE name = 'Onboarding'", [evil])
    conn.commit()
    conn.close()
    growth.ok("card", "tag", "GRW-4", "Trial conversion")

    for args in (["card", "list"], ["card", "show", "GRW-4"], ["board"], ["tag", "list"]):
        result = growth.ok(*args)
        assert "\x1b" not in result.stdout, args
        assert "\u202e" not in result.stdout, args
        assert "\ufffd" in result.stdout, args
    # JSON keeps the text as it is stored, safely escaped by the JSON encoder.
    raw = growth.ok("card", "show", "GRW-4", "--json").stdout
    assert "\x1b" not in raw
    assert json.loads(raw)["title"] == evil
