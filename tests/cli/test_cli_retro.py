"""`squadboard retro`: JSON that parses, refusals with exit codes, and a pinned Markdown export."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from syrupy.assertion import SnapshotAssertion

from kanban_tui.domain.retro import Period, RetroFormat
from kanban_tui.storage.store import Store
from tests.cli.helpers import Squadboard, snapshot
from tests.conftest import FakeClock


def test_a_retro_from_start_to_close_in_json(growth: Squadboard) -> None:
    opened = growth.json("retro", "start", "--format", "4ls", "--votes", "2")
    assert (opened["number"], opened["facilitator"]) == (1, "Ana")
    assert opened["columns"] == ["Liked", "Learned", "Lacked", "Longed for"]
    note = growth.json("retro", "note", "1", "liked", "Small batches", "--anonymous")
    assert (note["number"], note["column"], note["author"]) == (1, "Liked", None)
    growth.json("retro", "note", "1", "Lacked", "A legal contact", user="Ben")
    assert growth.json("retro", "vote", "1", "2")["votes_left"] == 1
    action = growth.json(
        "retro",
        "action",
        "1",
        "Ask legal for a weekly slot",
        "--owner",
        "Ben",
        "--due",
        "2026-12-01",
    )
    assert (action["owner"], action["due"], action["card"]) == ("Ben", "2026-12-01", "GRW-6")
    card = growth.json("card", "show", "GRW-6")
    assert card["description"].startswith("Retro action from retro 1")
    shown = growth.json("retro", "show", "1")
    assert [(n["text"], n["votes"]) for n in shown["notes"]] == [
        ("A legal contact", 1),
        ("Small batches", 0),
    ]
    assert {f["name"] for f in shown["evidence"]["figures"]} >= {
        "throughput",
        "cycle time p85",
        "net flow",
    }
    assert growth.json("retro", "close", "1")["closed_at"] is not None
    assert [r["number"] for r in growth.json("retro", "list")] == [1]


def test_refusals_and_bad_input_change_nothing(growth: Squadboard) -> None:
    growth.ok("retro", "start", "--votes", "1")
    growth.ok("retro", "note", "1", "Start", "Demos every Friday")
    growth.ok("retro", "vote", "1", "1")
    before = snapshot(growth.db)
    assert "used all 1 votes" in growth.fail(1, "retro", "vote", "1", "1")
    assert "only the facilitator" in growth.fail(1, "retro", "close", "1", user="Ben")
    assert "no retro number 7" in growth.fail(2, "retro", "note", "7", "Start", "x")
    assert "no column 'Glad'" in growth.fail(2, "retro", "note", "1", "Glad", "x")
    assert "still open" in growth.fail(1, "retro", "start")
    assert "--every" in growth.fail(2, "retro", "start", "--from", "2026-01-05")
    assert "either --markdown or --json" in growth.fail(
        2, "retro", "show", "1", "--markdown", "--json"
    )
    assert "not a member" in growth.fail(2, "retro", "action", "1", "Do it", "--owner", "Zed")
    assert snapshot(growth.db) == before
    growth.ok("retro", "close", "1")
    assert "is closed" in growth.fail(1, "retro", "note", "1", "Start", "Too late")


def test_a_sprint_from_the_cadence(growth: Squadboard) -> None:
    opened = growth.json(
        "retro", "start", "--every", "2", "--from", "2026-01-05", "--sprint", "last"
    )
    period = opened["period"]
    since, until = date.fromisoformat(period["since"]), date.fromisoformat(period["until"])
    assert (until - since).days == 13
    assert (since - date(2026, 1, 5)).days % 14 == 0


def _closed_retro(db: Path) -> None:
    """A small history and a closed retro, written with a fixed clock so the export is stable."""
    clock = FakeClock(datetime(2026, 11, 12, 9, 0, tzinfo=UTC))

    def day(number: int) -> datetime:
        return datetime(2026, 11, number, 9, 0, tzinfo=UTC)

    with Store(db, actor="Ana", clock=clock) as store:
        store.add_squad(
            "Growth squad", timezone="UTC", prefix="GRW", members=["Ana", "Ben"], at=day(1)
        )
        store.add_tag(None, "Trial conversion", at=day(1))
        launch = store.add_card(None, "Launch email", tags=["Trial conversion"], at=day(2)).card
        pricing = store.add_card(None, "Pricing page", at=day(2)).card
        store.move_card(launch.key, "Doing", at=day(3))
        store.move_card(launch.key, "Done", at=day(4))
        store.move_card(pricing.key, "Doing", at=day(3))
        store.block_card(pricing.key, "Waiting for *legal*", at=day(4))
        store.unblock_card(pricing.key, at=day(6))
        store.move_card(pricing.key, "Done", at=day(6))
        store.start_retro(
            title="Sprint 21",
            retro_format=RetroFormat.SAILBOAT,
            period=Period(since=date(2026, 11, 2), until=date(2026, 11, 8)),
        )
        store.add_retro_note(1, "Anchors", "Legal reviews <b>queue</b> | pipes", anonymous=True)
        store.add_retro_note(1, "Wind", "Pairing on copy")
        store.vote(1, 1)
        store.group_retro_notes(1, [1], "Legal")
        store.add_retro_action(1, "Book a weekly legal slot", owner="Ben", due=date(2026, 11, 30))
        store.close_retro(1)


def test_the_markdown_export_is_pinned(sb: Squadboard, snapshot: SnapshotAssertion) -> None:
    _closed_retro(sb.db)
    exported = sb.ok("retro", "show", "1", "--markdown").stdout
    assert "\\<b\\>queue\\</b\\> \\| pipes" in exported
    assert exported == snapshot
