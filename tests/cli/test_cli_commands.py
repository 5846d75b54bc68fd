"""Scripted sessions through the command line, checking the JSON every command prints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import ANY

import pytest

from tests.cli.helpers import Squadboard, event_count

MISSION = "Help every trial user reach a first win within 7 days."


def columns(sb: Squadboard) -> list[tuple[str, str]]:
    return [(c["name"], c["role"]) for c in sb.json("column", "list")]


def test_init_creates_a_board_once(sb: Squadboard) -> None:
    assert sb.json("init") == {"path": str(sb.db), "created": True, "squads": 0}
    assert sb.db.exists()
    assert sb.json("init") == {"path": str(sb.db), "created": False, "squads": 0}
    assert sb.json("squad", "list") == []


def test_shaping_a_squad_columns_and_tags(sb: Squadboard) -> None:
    sb.ok("init")
    created = sb.json(
        "squad",
        "add",
        "Onboarding squad",
        "--mission",
        MISSION,
        "--tz",
        "Europe/London",
        "--prefix",
        "onb",
        "--member",
        "Ana",
        "--member",
        "Ben",
        "--member",
        "Ana",
    )
    assert created["name"] == "Onboarding squad"
    assert created["mission"] == MISSION
    assert created["timezone"] == "Europe/London"
    assert created["prefix"] == "ONB"
    assert created["members"] == ["Ana", "Ben"]
    assert sb.json("squad", "list") == [created]

    edited = sb.json("squad", "edit", "--add-member", "Chloé", "--remove-member", "Ben")
    assert edited["members"] == ["Ana", "Chloé"]

    default = [
        ("Backlog", "queue"),
        ("Ready", "queue"),
        ("Doing", "active"),
        ("Review", "queue-in-progress"),
        ("Done", "done"),
    ]
    listed = sb.json("column", "list")
    assert [(c["name"], c["role"]) for c in listed] == default
    assert [(c["wip_limit"], c["wip_policy"]) for c in listed] == [
        (None, "off"),
        (None, "off"),
        (3, "block"),
        (2, "warn"),
        (None, "off"),
    ]
    assert {c["cards"] for c in listed} == {0}

    added = sb.json("column", "add", "Ideas", "--role", "queue", "--after", "Backlog")
    assert (added["name"], added["role"], added["wip_limit"]) == ("Ideas", "queue", None)
    assert [n for n, _ in columns(sb)] == ["Backlog", "Ideas", "Ready", "Doing", "Review", "Done"]

    edited_column = sb.json("column", "edit", "Ideas", "--name", "Discovery", "--limit", "4")
    assert edited_column["name"] == "Discovery"
    assert (edited_column["wip_limit"], edited_column["wip_policy"]) == (4, "warn")
    blocking = sb.json("column", "edit", "Discovery", "--policy", "block")
    assert (blocking["wip_limit"], blocking["wip_policy"]) == (4, "block")
    unlimited = sb.json("column", "edit", "Discovery", "--limit", "none")
    assert (unlimited["wip_limit"], unlimited["wip_policy"]) == (None, "off")

    moved = sb.json("column", "move", "Discovery", "--before", "Backlog")
    assert moved["name"] == "Discovery"
    assert [n for n, _ in columns(sb)] == [
        "Discovery",
        "Backlog",
        "Ready",
        "Doing",
        "Review",
        "Done",
    ]
    sb.json("column", "add", "Testing", "--role", "queue-in-progress", "--before", "Done")
    assert columns(sb)[-2:] == [("Testing", "queue-in-progress"), ("Done", "done")]
    removed = sb.json("column", "remove", "Testing")
    assert removed["name"] == "Testing"
    assert columns(sb) == [("Discovery", "queue"), *default]

    trial = sb.json(
        "tag", "add", "Trial conversion", "-d", "Trials become paid", "--colour", "teal"
    )
    assert (trial["name"], trial["description"], trial["colour"]) == (
        "Trial conversion",
        "Trials become paid",
        "teal",
    )
    onboarding = sb.json("tag", "add", "Onboarding")
    assert onboarding["colour"] != "teal"
    renamed = sb.json(
        "tag", "edit", "Onboarding", "--name", "First win", "--color", "#00AA00", "-d", "Day one"
    )
    assert (renamed["name"], renamed["colour"], renamed["description"]) == (
        "First win",
        "#00aa00",
        "Day one",
    )
    tags = sb.json("tag", "list")
    assert [(t["name"], t["colour"]) for t in tags] == [  # by name
        ("First win", "#00aa00"),
        ("Trial conversion", "teal"),
    ]


def test_a_cards_life_through_the_command_line(growth: Squadboard) -> None:
    sb = growth
    card = sb.json(
        "card",
        "add",
        "Landing page copy",
        "-d",
        "Rewrite the *hero* section",
        "--tag",
        "Trial conversion",
        "-t",
        "onboarding",
        "--assignee",
        "ana",
        "-a",
        "Ben",
        "--class",
        "expedite",
        "--due",
        "2030-01-15",
        "--column",
        "Ready",
    )
    key = card["key"]
    assert key == "GRW-6"
    assert card["title"] == "Landing page copy"
    assert card["description"] == "Rewrite the *hero* section"
    assert card["column"] == "Ready"
    assert card["tags"] == ["Trial conversion", "Onboarding"]
    assert card["assignees"] == ["Ana", "Ben"]
    assert card["class_of_service"] == "expedite"
    assert card["due"] == "2030-01-15"
    assert card["wip"] == "within-limit"
    assert len(card["events"]) == 1
    assert sb.json("card", "show", key)["title"] == "Landing page copy"

    edited = sb.json(
        "card", "edit", key, "--title", "Landing page v2", "--class", "standard", "--due", "none"
    )
    assert edited["title"] == "Landing page v2"
    assert edited["class_of_service"] == "standard"
    assert edited["due"] is None
    assert edited["description"] == "Rewrite the *hero* section"

    # Ordering within a column: bottom by default, --top, --before and --after.
    sb.ok("card", "add", "Second", "-c", "Ready")
    sb.ok("card", "add", "Third", "-c", "Ready")
    assert sb.card_keys("--column", "Ready") == ["GRW-4", "GRW-6", "GRW-7", "GRW-8"]
    assert sb.json("card", "move", "GRW-5", "Ready")["column"] == "Ready"
    assert sb.card_keys("--column", "Ready") == ["GRW-4", "GRW-6", "GRW-7", "GRW-8", "GRW-5"]
    sb.ok("card", "move", "GRW-8", "--top")
    assert sb.card_keys("--column", "Ready") == ["GRW-8", "GRW-4", "GRW-6", "GRW-7", "GRW-5"]
    sb.ok("card", "move", "GRW-5", "--before", "GRW-4")
    assert sb.card_keys("--column", "Ready") == ["GRW-8", "GRW-5", "GRW-4", "GRW-6", "GRW-7"]
    sb.ok("card", "move", "GRW-8", "--after", "GRW-6")
    assert sb.card_keys("--column", "Ready") == ["GRW-5", "GRW-4", "GRW-6", "GRW-8", "GRW-7"]
    sb.ok("card", "move", "GRW-1", "Ready", "--before", "GRW-8")
    assert sb.card_keys("--column", "Ready") == [
        "GRW-5",
        "GRW-4",
        "GRW-6",
        "GRW-1",
        "GRW-8",
        "GRW-7",
    ]
    sb.ok("card", "move", key, "Doing", "--top")
    assert sb.card_keys("--column", "Doing") == [key, "GRW-2", "GRW-3"]

    blocked = sb.json("card", "block", key, "Waiting for legal review")
    assert (blocked["blocked"], blocked["blocked_reason"]) == (True, "Waiting for legal review")
    assert sb.card_keys("--blocked") == [key]
    unblocked = sb.json("card", "unblock", key)
    assert (unblocked["blocked"], unblocked["blocked_reason"]) == (False, None)
    assert sb.card_keys("--blocked") == []

    assert sb.json("card", "assign", key, "chloé")["assignees"] == ["Ana", "Ben", "Chloé"]
    assert sb.json("card", "assign", key, "Ana", "Ben", "--remove")["assignees"] == ["Chloé"]
    assert sb.json("card", "tag", "GRW-2", "Onboarding")["tags"] == ["Onboarding"]
    assert sb.json("card", "tag", key, "Onboarding", "--remove")["tags"] == ["Trial conversion"]

    archived = sb.json("card", "archive", key)
    assert archived["archived"] is True
    assert key not in sb.card_keys()
    assert key in sb.card_keys("--archived")
    assert sb.json("card", "archive", key, "--undo")["archived"] is False
    assert key in sb.card_keys()

    deleted = sb.json("card", "delete", "GRW-7", "--yes")
    assert deleted["key"] == "GRW-7"
    assert "GRW-7" not in sb.card_keys("--archived")
    sb.fail(2, "card", "show", "GRW-7")
    restored = sb.json("card", "restore", "GRW-7")
    assert (restored["key"], restored["title"], restored["column"]) == ("GRW-7", "Second", "Ready")
    assert "GRW-7" in sb.card_keys("--column", "Ready")

    shown = sb.json("card", "show", key)
    assert [t["column"] for t in shown["transitions"]] == ["Ready", "Doing"]
    assert shown["transitions"][0]["exited_at"] == shown["transitions"][1]["entered_at"]
    assert shown["transitions"][1]["exited_at"] is None
    assert {t["actor"] for t in shown["transitions"]} == {"Ana"}
    kinds = [e["kind"] for e in shown["history"]]
    assert kinds == [
        "card.created",
        "card.edited",
        "card.moved",
        "card.blocked",
        "card.unblocked",
        "card.assigned",
        "card.unassigned",
        "card.unassigned",
        "card.untagged",
        "card.archived",
        "card.unarchived",
    ]
    assert {e["card"] for e in shown["history"]} == {key}
    assert shown["history"][1]["payload"]["title"] == "Landing page v2"


def test_deleting_without_yes_asks_first(growth: Squadboard) -> None:
    before = event_count(growth.db)
    refused = growth.run("card", "delete", "GRW-4", input="n\n")
    assert refused.exit_code == 1
    assert "aborted; nothing was changed" in refused.stderr
    assert event_count(growth.db) == before
    assert "GRW-4" in growth.card_keys()

    accepted = growth.run("card", "delete", "GRW-4", input="y\n")
    assert accepted.exit_code == 0, accepted.stderr
    assert "GRW-4" not in growth.card_keys()


def test_card_list_filters(growth: Squadboard) -> None:
    sb = growth
    sb.ok("card", "tag", "GRW-1", "Trial conversion")
    sb.ok("card", "tag", "GRW-4", "Trial conversion", "Onboarding")
    sb.ok("card", "assign", "GRW-2", "Ben")
    sb.ok("card", "assign", "GRW-4", "Ben", "Chloé")
    sb.ok("card", "block", "GRW-3", "Waiting for the pricing API")
    sb.ok("card", "edit", "GRW-5", "-d", "Check the PRICING page copy")
    sb.ok("card", "archive", "GRW-2")

    assert sb.card_keys() == ["GRW-5", "GRW-4", "GRW-1", "GRW-3"]
    assert sb.card_keys("--archived") == ["GRW-5", "GRW-4", "GRW-1", "GRW-2", "GRW-3"]
    assert sb.card_keys("--column", "Doing") == ["GRW-1", "GRW-3"]
    assert sb.card_keys("--column", "doing", "--archived") == ["GRW-1", "GRW-2", "GRW-3"]
    assert sb.card_keys("--tag", "Trial conversion") == ["GRW-4", "GRW-1"]
    assert sb.card_keys("-t", "Onboarding") == ["GRW-4"]
    assert sb.card_keys("--assignee", "Ben") == ["GRW-4"]
    assert sb.card_keys("--assignee", "Ben", "--archived") == ["GRW-4", "GRW-2"]
    assert sb.card_keys("--assignee", "Chloé") == ["GRW-4"]
    assert sb.card_keys("--blocked") == ["GRW-3"]
    assert sb.card_keys("--not-blocked") == ["GRW-5", "GRW-4", "GRW-1"]
    assert sb.card_keys("--text", "pricing") == ["GRW-5"]  # the block reason is not searched
    assert sb.card_keys("--text", "Doing card") == ["GRW-1", "GRW-3"]
    assert sb.card_keys("--text", "nothing like this") == []
    assert sb.card_keys("--column", "Doing", "--not-blocked", "--tag", "Trial conversion") == [
        "GRW-1"
    ]
    listed = sb.json("card", "list", "--blocked")
    assert listed[0]["blocked_reason"] == "Waiting for the pricing API"


def test_log_filters(growth: Squadboard) -> None:
    sb = growth
    now = datetime.now(UTC)
    sb.ok("card", "add", "Old card", "--at", "3 days ago")
    sb.ok("card", "move", "GRW-6", "Ready", "--at", "2 days ago")
    sb.ok("card", "assign", "GRW-4", "Chloé", user="Ben")
    sb.ok("card", "block", "GRW-4", "Needs a decision", user="Ben")

    everything = sb.json("log", "--all")
    assert len(everything) == event_count(sb.db)
    assert everything[0]["kind"] == "squad.created"
    assert sb.json("log", "--limit", "2") == everything[-2:]

    by_card = sb.json("log", "--card", "GRW-4")
    assert [e["kind"] for e in by_card] == ["card.created", "card.assigned", "card.blocked"]
    assert {e["card"] for e in by_card} == {"GRW-4"}

    by_ben = sb.json("log", "--actor", "Ben")
    assert [(e["kind"], e["card"]) for e in by_ben] == [
        ("card.assigned", "GRW-4"),
        ("card.blocked", "GRW-4"),
    ]
    assert by_ben[1]["payload"] == {"reason": "Needs a decision"}
    assert {e["actor"] for e in sb.json("log", "--all", "--actor", "Ana")} == {"Ana"}

    blocks = sb.json("log", "--kind", "card.blocked", "--kind", "card.assigned")
    assert [e["kind"] for e in blocks] == ["card.assigned", "card.blocked"]
    assert [e["kind"] for e in sb.json("log", "--kind", "tag.added")] == ["tag.added"] * 2

    old = sb.json("log", "--until", "1 day ago")
    assert [(e["kind"], e["card"]) for e in old] == [
        ("card.created", "GRW-6"),
        ("card.moved", "GRW-6"),
    ]
    created_at = datetime.fromisoformat(old[0]["at"])
    assert abs(created_at - (now - timedelta(days=3))) < timedelta(minutes=5)
    recent = sb.json("log", "--all", "--since", "1 day ago")
    assert len(recent) == len(everything) - 2
    assert not {e["id"] for e in recent} & {e["id"] for e in old}
    since = (now - timedelta(days=4)).isoformat()
    until = (now - timedelta(days=2, hours=12)).isoformat()
    window = sb.json("log", "--since", since, "--until", until)
    assert [e["kind"] for e in window] == ["card.created"]


def test_board_json(growth: Squadboard) -> None:
    growth.ok("card", "block", "GRW-2", "Waiting on design")
    growth.ok("card", "archive", "GRW-5")
    board = growth.json("board")

    assert board["squad"]["name"] == "Growth squad"
    assert board["squad"]["prefix"] == "GRW"
    assert board["squad"]["members"] == ["Ana", "Ben", "Chloé"]
    cards: dict[str, list[Any]] = {
        c["name"]: [k["key"] for k in c["cards"]] for c in board["columns"]
    }
    assert cards == {
        "Backlog": [],
        "Ready": ["GRW-4"],
        "Doing": ["GRW-1", "GRW-2", "GRW-3"],
        "Review": [],
        "Done": [],
    }
    doing = board["columns"][2]
    assert (doing["wip_limit"], doing["wip_policy"]) == (3, "block")
    assert [k["blocked"] for k in doing["cards"]] == [False, True, False]
    assert [t["name"] for t in board["tags"]] == ["Onboarding", "Trial conversion"]

    with_archived = growth.json("board", "--archived")
    assert [k["key"] for k in with_archived["columns"][0]["cards"]] == ["GRW-5"]


def test_demo_creates_its_squad_once(sb: Squadboard, monkeypatch: pytest.MonkeyPatch) -> None:
    sb.ok("squad", "add", "Onboarding squad", "--prefix", "ONB")
    sb.ok("card", "add", "Our own card")
    made = sb.json("demo", "--cards", "60", "--seed", "3")
    assert made == {"path": str(sb.db), "squad": "Growth squad", "created": True, "events": ANY}
    assert made["events"] > 60
    assert [s["name"] for s in sb.json("squad", "list")] == ["Growth squad", "Onboarding squad"]
    demo_cards = sb.json("card", "list", "--squad", "Growth squad", "--archived")
    assert sorted(int(c["key"].removeprefix("GRO-")) for c in demo_cards) == list(range(1, 61))
    assert sb.card_keys("--squad", "Onboarding squad") == ["ONB-1"]
    # Two squads now: commands must be told which one.
    assert "--squad" in sb.fail(2, "card", "list")
    monkeypatch.setenv("SQUADBOARD_SQUAD", "Onboarding squad")
    assert sb.card_keys() == ["ONB-1"]
    before = event_count(sb.db)

    again = sb.json("demo", "--if-missing")
    assert again == {"path": str(sb.db), "squad": "Growth squad", "created": False}
    assert event_count(sb.db) == before
    assert "already exists" in sb.fail(1, "demo")
    assert event_count(sb.db) == before
