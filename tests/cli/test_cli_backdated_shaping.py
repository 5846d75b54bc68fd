"""Every change takes --at, including shaping the board, so whole histories can be scripted."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.cli.helpers import Squadboard


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        (("squad", "edit", "--mission", "Grow trials"), "squad.edited"),
        (("column", "add", "Design", "--role", "active", "--after", "Ready"), "column.added"),
        (("column", "edit", "Review", "--limit", "4"), "column.edited"),
        (("column", "move", "Ready", "--before", "Backlog"), "column.moved"),
        (("tag", "add", "Speed"), "tag.added"),
        (("tag", "edit", "Onboarding", "-d", "New customers"), "tag.edited"),
    ],
)
def test_shaping_changes_record_the_time_given(
    growth: Squadboard, args: tuple[str, ...], kind: str
) -> None:
    growth.ok(*args, "--at", "yesterday 09:30")
    (event,) = growth.json("log", "--kind", kind, "-n", "1")
    at = datetime.fromisoformat(event["at"])
    assert at < datetime.fromisoformat(event["recorded_at"]) - timedelta(hours=12)
    assert (at.minute, at.second) == (30, 0)


def test_a_squad_can_be_created_in_the_past_in_its_own_zone(sb: Squadboard) -> None:
    squad = sb.json("squad", "add", "Ops", "--tz", "Europe/Paris", "--at", "2026-11-01 09:00")
    assert squad["created_at"] == "2026-11-01T08:00:00Z"


def test_shaping_in_the_future_is_refused_and_changes_nothing(growth: Squadboard) -> None:
    before = growth.json("log", "--all")
    growth.fail(2, "column", "remove", "Review", "--at", "tomorrow")
    growth.fail(2, "tag", "add", "Later", "--at", "in 2 days")
    assert growth.json("log", "--all") == before
