"""Fixtures for the command-line tests: a CLI runner bound to a throwaway board file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import Squadboard


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wide, colourless terminal, whatever the developer's shell sets."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def sb(db_path: Path) -> Squadboard:
    """`squadboard --db <tmp>/board.db --user Ana`; the file does not exist yet."""
    return Squadboard(db_path)


@pytest.fixture
def growth(sb: Squadboard) -> Squadboard:
    """A board with one squad (UTC, members Ana, Ben, Chloé), two value tags and five cards.

    GRW-1..3 fill Doing (limit 3, block), GRW-4 is in Ready and GRW-5 in Backlog; Review
    (limit 2, warn) and Done are empty.
    """
    sb.ok(
        "squad",
        "add",
        "Growth squad",
        "--mission",
        "Help every trial user reach a first win within 7 days.",
        "--tz",
        "UTC",
        "--prefix",
        "GRW",
        "--member",
        "Ana",
        "--member",
        "Ben",
        "--member",
        "Chloé",
    )
    sb.ok("tag", "add", "Trial conversion")
    sb.ok("tag", "add", "Onboarding")
    for number in (1, 2, 3):
        sb.ok("card", "add", f"Doing card {number}", "--column", "Doing")
    sb.ok("card", "add", "Ready card", "--column", "Ready")
    sb.ok("card", "add", "Backlog card")
    return sb
