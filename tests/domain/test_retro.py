"""Retro periods from cadences, the evidence pack on a hand-checked history, votes and actions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kanban_tui.domain.errors import InvalidInput
from kanban_tui.domain.flow import FlowReport, flow_report
from kanban_tui.domain.retro import (
    FORMAT_COLUMNS,
    Cadence,
    Evidence,
    Figure,
    Period,
    RetroAction,
    RetroFormat,
    RetroNote,
    evidence_pack,
    retro_columns,
    review_actions,
    since_previous_retro,
    sort_by_votes,
    visible_notes,
)
from tests.domain.test_flow import ORDER, block, card

# --- Periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_day", "weeks", "day", "which", "expected"),
    [
        # A fortnight crossing the year end.
        (
            date(2026, 12, 14),
            2,
            date(2026, 12, 31),
            "current",
            (date(2026, 12, 28), date(2027, 1, 10)),
        ),
        (date(2026, 12, 14), 2, date(2027, 1, 11), "last", (date(2026, 12, 28), date(2027, 1, 10))),
        # The last day of a sprint that ends on a month's last day, then the next one.
        (date(2026, 1, 5), 2, date(2026, 2, 1), "current", (date(2026, 1, 19), date(2026, 2, 1))),
        (date(2026, 1, 5), 2, date(2026, 2, 2), "current", (date(2026, 2, 2), date(2026, 2, 15))),
        (date(2026, 1, 5), 2, date(2026, 2, 2), "last", (date(2026, 1, 19), date(2026, 2, 1))),
        # A weekly sprint holding a leap day.
        (date(2028, 1, 3), 1, date(2028, 2, 29), "current", (date(2028, 2, 28), date(2028, 3, 5))),
        # Three-week sprints across a month end; the first day of the cadence itself.
        (date(2026, 3, 2), 3, date(2026, 4, 1), "current", (date(2026, 3, 23), date(2026, 4, 12))),
        (date(2026, 3, 2), 3, date(2026, 3, 2), "current", (date(2026, 3, 2), date(2026, 3, 22))),
    ],
)
def test_sprints_follow_the_cadence_across_month_and_year_ends(
    first_day: date, weeks: int, day: date, which: str, expected: tuple[date, date]
) -> None:
    sprint = Cadence(first_day=first_day, weeks=weeks).sprint(
        day, "last" if which == "last" else "current"
    )
    assert (sprint.since, sprint.until) == expected


@given(
    first_day=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    weeks=st.integers(min_value=1, max_value=4),
    offset=st.integers(min_value=0, max_value=3 * 366),
)
def test_sprints_tile_the_calendar(first_day: date, weeks: int, offset: int) -> None:
    cadence = Cadence(first_day=first_day, weeks=weeks)
    day = first_day + timedelta(days=offset)
    sprint = cadence.sprint(day)
    assert sprint.since <= day <= sprint.until
    assert sprint.days == 7 * weeks
    assert (sprint.since - first_day).days % (7 * weeks) == 0
    if sprint.since > first_day:
        assert cadence.sprint(day, "last").until == sprint.since - timedelta(days=1)


def test_a_day_before_the_cadence_or_a_sprint_without_a_past_is_refused() -> None:
    cadence = Cadence(first_day=date(2026, 1, 5), weeks=2)
    with pytest.raises(InvalidInput, match="starts on 2026-01-05"):
        cadence.sprint(date(2026, 1, 4))
    with pytest.raises(InvalidInput, match="no sprint has ended"):
        cadence.sprint(date(2026, 1, 6), "last")
    with pytest.raises(InvalidInput, match="1 to 13 weeks"):
        Cadence(first_day=date(2026, 1, 5), weeks=0)


def test_the_previous_period_has_the_same_length_and_ends_the_day_before() -> None:
    assert Period(since=date(2027, 1, 1), until=date(2027, 1, 14)).previous() == Period(
        since=date(2026, 12, 18), until=date(2026, 12, 31)
    )
    assert Period(since=date(2026, 3, 1), until=date(2026, 3, 1)).previous() == Period(
        since=date(2026, 2, 28), until=date(2026, 2, 28)
    )
    with pytest.raises(InvalidInput, match="after it ends"):
        Period(since=date(2026, 3, 2), until=date(2026, 3, 1))


def test_the_default_period_runs_from_the_previous_retro_to_today() -> None:
    today = date(2026, 11, 15)
    assert since_previous_retro(date(2026, 10, 31), today) == Period(
        since=date(2026, 11, 1), until=today
    )
    assert since_previous_retro(None, today) == Period(since=date(2026, 11, 2), until=today)


def test_formats_have_their_columns_and_custom_ones_are_checked() -> None:
    assert retro_columns(RetroFormat.SAILBOAT) == FORMAT_COLUMNS[RetroFormat.SAILBOAT]
    assert retro_columns(RetroFormat.CUSTOM, ("Kudos", "Puzzles")) == ("Kudos", "Puzzles")
    with pytest.raises(InvalidInput, match="2 to 8 columns"):
        retro_columns(RetroFormat.CUSTOM, ("Only one",))
    with pytest.raises(InvalidInput, match="different names"):
        retro_columns(RetroFormat.CUSTOM, ("Kudos", "kudos"))
    with pytest.raises(InvalidInput, match="its own columns"):
        retro_columns(RetroFormat.FOUR_LS, ("A", "B"))


# --- The evidence pack on a fixture history --------------------------------------------------

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
CURRENT = Period(since=date(2026, 11, 2), until=date(2026, 11, 15))
HISTORY = [
    # The previous fortnight (19 Oct - 1 Nov): two cards finished, cycle times 3 and 5 days.
    card(
        "A",
        ("backlog", "2026-10-19 09:00"),
        ("doing", "2026-10-20 09:00"),
        ("done", "2026-10-22 15:00"),
        tags=["t1"],
    ),
    card(
        "B",
        ("backlog", "2026-10-19 09:00"),
        ("doing", "2026-10-26 09:00"),
        ("done", "2026-10-30 15:00"),
    ),
    # This fortnight: three finished (2, 7 and 1 days), D reworked, one still in flight.
    card(
        "C",
        ("backlog", "2026-11-02 09:00"),
        ("doing", "2026-11-03 09:00"),
        ("done", "2026-11-04 15:00"),
        tags=["t1"],
    ),
    card(
        "D",
        ("backlog", "2026-11-02 09:00"),
        ("doing", "2026-11-03 09:00"),
        ("review", "2026-11-05 09:00"),
        ("doing", "2026-11-06 09:00"),
        ("done", "2026-11-09 15:00"),
        tags=["t2"],
        blocks=[block("Waiting for Legal", "2026-11-04 09:00", "2026-11-06 09:00")],
    ),
    card(
        "E",
        ("backlog", "2026-11-02 09:00"),
        ("doing", "2026-11-10 09:00"),
        ("done", "2026-11-10 17:00"),
        blocks=[block("waiting for legal!", "2026-11-10 10:00", "2026-11-10 16:00")],
    ),
    card(
        "F",
        ("backlog", "2026-11-02 09:00"),
        ("doing", "2026-11-12 09:00"),
        blocks=[block("design capacity", "2026-11-14 12:00")],
    ),
]


def _pack() -> Evidence:
    def report(period: Period) -> FlowReport:
        return flow_report(
            HISTORY, column_order=ORDER, since=period.since, until=period.until, now=NOW
        )

    return evidence_pack(report(CURRENT), report(CURRENT.previous()))


def _figures() -> dict[str, Figure]:
    return {f.name: f for f in _pack().figures}


def test_evidence_figures_match_the_hand_count() -> None:
    figures = _figures()
    assert (figures["throughput"].current, figures["throughput"].previous) == (3, 2)
    assert figures["throughput"].direction == "up"
    assert figures["throughput"].better == "up"
    # This period's cycle times are 1, 2 and 7 days; the previous one's 3 and 5.
    assert figures["cycle time p85"].current == 2
    assert figures["cycle time p85"].previous == 3
    assert figures["cycle time p85"].direction == "down"
    # Four cards started (C, D, E, F) and three finished; before, two and two.
    assert (figures["net flow"].current, figures["net flow"].previous) == (1, 0)
    assert (figures["rework"].current, figures["rework"].previous) == (1, 0)
    # Legal: 2 days (D) + 6 hours (E); design capacity: 1 day up to now, still open.
    assert figures["blocked time"].current == pytest.approx(3.25)
    assert figures["blocked time"].previous == 0
    assert figures["untagged share"].current == pytest.approx(1 / 3)
    assert figures["untagged share"].previous == pytest.approx(1 / 2)
    assert figures["untagged share"].direction == "down"
    assert figures["SLE hit rate"].direction in ("up", "down", "same")


def test_evidence_lists_slow_cards_blockers_with_a_prompt_and_value_tags() -> None:
    pack = _pack()
    assert [(c.key, c.days) for c in pack.slowest_finished] == [("D", 7), ("C", 2), ("E", 1)]
    top, second = pack.blockers
    assert top.reason == "waiting for legal"
    assert top.blocked_days == pytest.approx(2.25)
    assert top.card_keys == ("D", "E")
    assert top.prompt is not None
    for condition in ("policy", "dependency", "queue", "capacity"):
        assert condition in top.prompt
    assert second.reason == "design capacity"
    assert second.prompt is None
    tags = {t.tag_id: (t.current, t.previous, t.direction) for t in pack.value_tags}
    assert tags == {"t1": (1, 1, "same"), "t2": (1, 0, "up"), None: (1, 1, "same")}
    assert pack.cycle_times == (2, 7, 1)
    assert {c.key for c in pack.aging_in_flight} <= {"F"}
    assert pack.previous_period == CURRENT.previous()


# --- Notes, votes and actions ----------------------------------------------------------------


def _note(
    number: int, votes: int, group: str | None = None, author: str | None = "Ana"
) -> RetroNote:
    return RetroNote(
        id=f"n{number}",
        number=number,
        column="Start",
        text=f"note {number}",
        author=author,
        group=group,
        votes=votes,
        created_at=NOW,
    )


def test_notes_sort_by_votes_with_groups_ranked_by_their_total() -> None:
    notes = [_note(1, 2), _note(2, 1, "Legal"), _note(3, 2, "legal"), _note(4, 0)]
    assert [n.number for n in sort_by_votes(notes)] == [3, 2, 1, 4]


def test_hidden_notes_show_only_your_own_signed_ones_until_revealed() -> None:
    notes = [_note(1, 0, author="Ana"), _note(2, 0, author="Ben"), _note(3, 0, author=None)]
    assert [n.number for n in visible_notes(notes, hidden=True, revealed=False, viewer="ana")] == [
        1
    ]
    assert len(visible_notes(notes, hidden=True, revealed=True, viewer="Ana")) == 3
    assert len(visible_notes(notes, hidden=False, revealed=False, viewer="Ana")) == 3


def test_earlier_actions_are_summed_up_with_carry_over_and_completion() -> None:
    def action(number: int, done: bool) -> RetroAction:
        return RetroAction(
            id=f"a{number}{done}",
            retro_number=number,
            text="x",
            owner=None,
            due=None,
            card_key="GRW-1",
            done=done,
        )

    review = review_actions(
        (action(1, False), action(1, True), action(2, False), action(2, True)), 2
    )
    assert (review.open, review.done, review.carried_over) == (2, 2, 1)
    assert review.completion_rate == 0.5
    assert review_actions((), None).completion_rate is None
