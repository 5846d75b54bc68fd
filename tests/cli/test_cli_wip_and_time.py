"""WIP limits and back-dated changes (`--at`) through the command line."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from tests.cli.helpers import Squadboard, event_count, snapshot


def test_a_full_blocking_column_refuses_a_fourth_card(growth: Squadboard) -> None:
    sb = growth
    before = snapshot(sb.db)

    result = sb.run("card", "move", "GRW-4", "Doing")

    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    message = lines[0]
    assert message.startswith("squadboard: ")
    assert "'Doing'" in message
    assert "WIP limit of 3" in message
    for key in ("GRW-1", "GRW-2", "GRW-3"):
        assert key in message
    assert "GRW-4" not in message.split("(cards:", 1)[1]
    assert snapshot(sb.db) == before
    assert sb.json("card", "show", "GRW-4")["column"] == "Ready"
    assert sb.card_keys("--column", "Doing") == ["GRW-1", "GRW-2", "GRW-3"]
    # Adding a card straight into the full column is refused the same way.
    assert "WIP limit of 3" in sb.fail(1, "card", "add", "One more", "--column", "Doing")
    assert snapshot(sb.db) == before


def test_an_override_reason_lets_the_card_in_and_is_recorded(growth: Squadboard) -> None:
    sb = growth

    moved = sb.json("card", "move", "GRW-4", "Doing", "--override", "Launch is tomorrow")

    assert moved["column"] == "Doing"
    assert moved["wip"] == "override"
    assert len(moved["events"]) == 2
    assert sb.card_keys("--column", "Doing") == ["GRW-1", "GRW-2", "GRW-3", "GRW-4"]
    overrides = sb.json("log", "--kind", "wip.overridden")
    assert len(overrides) == 1
    event = overrides[0]
    assert event["card"] == "GRW-4"
    assert event["actor"] == "Ana"
    assert event["id"] == moved["events"][1]
    assert event["payload"]["reason"] == "Launch is tomorrow"
    assert (event["payload"]["limit"], event["payload"]["count"]) == (3, 4)
    assert sb.json("log", "--kind", "wip.breached") == []
    # The human-readable line says so too.
    line = sb.ok("card", "move", "GRW-5", "Doing", "--override", "Incident").stdout
    assert "override recorded" in line
    assert len(sb.json("log", "--kind", "wip.overridden")) == 2


def test_a_warn_column_takes_the_card_and_records_a_breach(growth: Squadboard) -> None:
    sb = growth
    sb.ok("card", "move", "GRW-1", "Review")
    sb.ok("card", "move", "GRW-2", "Review")
    assert sb.json("log", "--kind", "wip.breached") == []

    moved = sb.json("card", "move", "GRW-3", "Review")

    assert moved["column"] == "Review"
    assert moved["wip"] == "breach"
    assert sb.card_keys("--column", "Review") == ["GRW-1", "GRW-2", "GRW-3"]
    breaches = sb.json("log", "--kind", "wip.breached")
    assert len(breaches) == 1
    assert breaches[0]["card"] == "GRW-3"
    assert breaches[0]["payload"]["limit"] == 2
    assert breaches[0]["payload"]["count"] == 3
    assert breaches[0]["payload"].get("reason") is None
    line = sb.ok("card", "move", "GRW-4", "Review").stdout
    assert "over the warn limit of 2; breach recorded" in line
    assert len(sb.json("log", "--kind", "wip.breached")) == 2


def test_at_records_a_move_at_the_time_it_happened(growth: Squadboard) -> None:
    sb = growth
    added = sb.json("card", "add", "Back-dated", "--at", "2 days ago")
    key = added["key"]

    moved = sb.json("card", "move", key, "Doing", "--at", "yesterday 10:00", "--override", "Hot")

    zone = ZoneInfo("UTC")  # the growth squad's time zone
    yesterday_ten = datetime.combine(
        datetime.now(zone).date() - timedelta(days=1), time(10, 0), zone
    )
    assert moved["column"] == "Doing"
    shown = sb.json("card", "show", key)
    transitions = shown["transitions"]
    assert [t["column"] for t in transitions] == ["Backlog", "Doing"]
    assert datetime.fromisoformat(transitions[0]["exited_at"]) == yesterday_ten
    assert datetime.fromisoformat(transitions[1]["entered_at"]) == yesterday_ten
    assert datetime.fromisoformat(transitions[0]["entered_at"]) == datetime.fromisoformat(
        added["created_at"]
    )
    moves = [e for e in shown["history"] if e["kind"] == "card.moved"]
    assert len(moves) == 1
    assert datetime.fromisoformat(moves[0]["at"]) == yesterday_ten
    # When it happened is back-dated; when it was recorded is not.
    assert datetime.fromisoformat(moves[0]["recorded_at"]) > yesterday_ten + timedelta(hours=12)


def test_at_in_the_future_is_refused_and_changes_nothing(growth: Squadboard) -> None:
    before = snapshot(growth.db)

    message = growth.fail(2, "card", "move", "GRW-5", "Ready", "--at", "tomorrow 10:00")

    assert "in the future" in message
    assert snapshot(growth.db) == before
    assert growth.json("card", "show", "GRW-5")["column"] == "Backlog"


def test_at_before_the_cards_last_change_is_refused(growth: Squadboard) -> None:
    sb = growth
    key = sb.json("card", "add", "Back-dated", "--at", "2 days ago")["key"]
    sb.ok("card", "move", key, "Ready", "--at", "yesterday 10:00")
    count = event_count(sb.db)
    before = snapshot(sb.db)

    message = sb.fail(2, "card", "move", key, "Backlog", "--at", "3 days ago")

    assert "before the card's last change" in message
    assert snapshot(sb.db) == before
    assert event_count(sb.db) == count
    assert "before the card's last change" in sb.fail(
        2, "card", "block", key, "x", "--at", "2d ago"
    )
    assert snapshot(sb.db) == before
    assert sb.json("card", "show", key)["column"] == "Ready"
