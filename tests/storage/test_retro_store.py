"""Retros in the board file: votes within the limit (also across processes), anonymous notes
with no author in the file, actions as cards that come back, and evidence frozen at close."""

from __future__ import annotations

import json
import multiprocessing
from datetime import date, timedelta
from pathlib import Path

import pytest

from kanban_tui.domain.errors import NotFound, Refused
from kanban_tui.domain.models import RETRO_ACTION_MARKER, Squad
from kanban_tui.domain.retro import ANONYMOUS, Period, RetroFormat
from kanban_tui.storage.connection import connect
from kanban_tui.storage.store import Store
from tests.conftest import FakeClock, on_both_backends
from tests.storage import retro_worker
from tests.storage.helpers import dump_projections, query, same_board

FORTNIGHT = Period(since=date(2026, 10, 20), until=date(2026, 11, 2))


def _other(store: Store, actor: str) -> Store:
    return Store(same_board(store), actor=actor, clock=store.now)


@on_both_backends
def test_notes_and_votes_sort_by_votes_within_each_members_limit(
    store: Store, squad: Squad
) -> None:
    retro = store.start_retro(period=FORTNIGHT, vote_limit=2)
    assert retro.number == 1
    assert retro.columns == ("Start", "Stop", "Continue")
    assert retro.previous_period == Period(since=date(2026, 10, 6), until=date(2026, 10, 19))
    first = store.add_retro_note(1, "start", "Pair on the launch emails")
    second = store.add_retro_note(1, "Stop", "Starting work without a brief")
    assert (first.number, first.column, first.author) == (1, "Start", "Ana")
    assert store.vote(1, 2) == 1
    assert store.vote(1, 2) == 0
    with pytest.raises(Refused, match="used all 2 votes"):
        store.vote(1, 1)
    with _other(store, "Ben") as ben:
        ben.vote(1, 1)
    board = store.retro_board(1)
    assert [(n.number, n.votes) for n in board.notes] == [(second.number, 2), (1, 1)]
    assert board.votes_left == 0
    with pytest.raises(NotFound, match="no column 'Glad'"):
        store.add_retro_note(1, "Glad", "Wrong format")
    with pytest.raises(NotFound, match="no note 9"):
        store.vote(1, 9)


@on_both_backends
def test_hidden_notes_stay_hidden_until_the_facilitator_reveals_them(
    store: Store, squad: Squad
) -> None:
    store.start_retro(retro_format=RetroFormat.MAD_SAD_GLAD, hidden=True)
    store.add_retro_note(1, "Glad", "The webinar went well")
    with _other(store, "Ben") as ben:
        ben.add_retro_note(1, "Sad", "Review took days")
        board = ben.retro_board()
        assert [n.text for n in board.notes] == ["Review took days"]
        assert board.hidden_notes == 1
        with pytest.raises(Refused, match="hidden until the facilitator"):
            ben.vote(1, 1)
        with pytest.raises(Refused, match="only the facilitator \\(Ana\\)"):
            ben.reveal_retro(1)
    store.reveal_retro(1)
    with _other(store, "Ben") as ben:
        assert len(ben.retro_board().notes) == 2
        assert ben.vote(1, 1) == 2


def test_an_anonymous_notes_author_is_nowhere_in_the_file(
    store: Store, squad: Squad, db_path: Path
) -> None:
    store.start_retro()
    with _other(store, "Zephyrine") as writer:
        note = writer.add_retro_note(1, "Stop", "Deadlines set without us", anonymous=True)
        with pytest.raises(Refused, match="not yours to edit"):
            writer.edit_retro_note(1, note.number, "changed")
    with _other(store, "Quillon") as signer:
        signer.add_retro_note(1, "Start", "Signed note")
    assert note.author is None
    store.close()
    conn = connect(db_path)
    actors = {row[0] for row in conn.execute("SELECT actor FROM events WHERE kind LIKE 'retro.%'")}
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    assert actors == {"Ana", ANONYMOUS, "Quillon"}
    raw = db_path.read_bytes() + (
        Path(f"{db_path}-wal").read_bytes() if Path(f"{db_path}-wal").exists() else b""
    )
    assert b"Quillon" in raw  # the check can see a signed author...
    assert b"Zephyrine" not in raw  # ...and finds no trace of the anonymous one
    assert b"Deadlines set without us" in raw


@on_both_backends
def test_actions_become_cards_and_come_back_in_the_next_retro(
    store: Store, squad: Squad, clock: FakeClock
) -> None:
    store.start_retro()
    action, card = store.add_retro_action(
        1, "Agree a brief template", owner="ben", due=date(2026, 11, 20)
    )
    store.add_retro_action(1, "Book a legal slot each week")
    assert card.assignees == ("Ben",)
    assert card.due == date(2026, 11, 20)
    assert card.description.startswith(f"{RETRO_ACTION_MARKER} from retro 1")
    assert (action.owner, action.card_key, action.done) == ("Ben", card.key, False)
    store.close_retro(1)
    with pytest.raises(Refused, match="retro 1 is closed"):
        store.add_retro_note(1, "Start", "Too late")
    with pytest.raises(Refused, match="retro 1 is closed"):
        store.add_retro_action(1, "Too late")
    store.move_card(card.key, "Done")
    clock.advance(days=14)
    second = store.start_retro(retro_format=RetroFormat.SAILBOAT)
    # The default period runs from the day after the previous retro's period.
    assert second.period.since == store.retro_board(1).retro.period.until + timedelta(days=1)
    review = store.retro_board(2).earlier_actions
    assert [(a.text, a.done) for a in review.actions] == [
        ("Agree a brief template", True),
        ("Book a legal slot each week", False),
    ]
    assert (review.open, review.done, review.completion_rate) == (1, 1, 0.5)
    assert review.carried_over == 0


@on_both_backends
def test_a_second_retro_cannot_open_while_one_is_open(store: Store, squad: Squad) -> None:
    store.start_retro()
    with pytest.raises(Refused, match="retro 1 of Growth squad is still open"):
        store.start_retro()
    with _other(store, "Ben") as ben, pytest.raises(Refused, match="only the facilitator"):
        ben.close_retro(1)


@on_both_backends
def test_closing_freezes_the_evidence_and_a_rebuild_keeps_everything(
    store: Store, squad: Squad, clock: FakeClock
) -> None:
    started = store.add_card(None, "Launch email").card
    store.move_card(started.key, "Doing")
    clock.advance(days=2)
    store.move_card(started.key, "Done")
    store.start_retro(period=Period(since=date(2026, 10, 22), until=date(2026, 11, 4)))
    store.add_retro_note(1, "Continue", "Small batches", anonymous=True)
    store.vote(1, 1)
    store.close_retro(1)
    frozen = store.retro_board(1).evidence
    assert next(f for f in frozen.figures if f.name == "throughput").current == 1
    late = store.add_card(None, "Recorded late").card
    store.move_card(late.key, "Doing")
    store.move_card(late.key, "Done")
    assert store.retro_board(1).evidence == frozen
    before = dump_projections(store)
    store.rebuild_projections()
    assert dump_projections(store) == before
    assert store.retro_board(1).evidence == frozen


@pytest.mark.slow
@on_both_backends
def test_several_processes_add_notes_and_votes_and_the_limit_holds(
    tmp_path: Path, board_location: Path | str
) -> None:
    with Store(board_location, actor="Ana") as store:
        store.add_squad("Growth squad", members=["Ana"])
        store.start_retro(vote_limit=3)
        for text in ("One", "Two", "Three"):
            store.add_retro_note(1, "Start", text)
    members = [f"Member {n}" for n in range(1, 5)]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(members))
    outs = [tmp_path / f"{m}.json" for m in members]
    processes = [
        context.Process(
            target=retro_worker.run, args=(str(board_location), m, 1, n, str(out), barrier), name=m
        )
        for n, (m, out) in enumerate(zip(members, outs, strict=True))
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=180)
    results = [json.loads(out.read_text()) for out in outs]
    assert [r["crash"] for r in results] == [None] * len(members)
    assert [(r["notes"], r["votes"], r["refused"]) for r in results] == [(5, 3, 3)] * len(members)
    with Store(board_location, actor="Ana") as store:
        board = store.retro_board(1)
        assert sorted(n.number for n in board.notes) == list(range(1, 3 + 5 * len(members) + 1))
        assert sum(n.votes for n in board.notes) == 3 * len(members)
        per_voter = dict(query(store, "SELECT voter, count(*) FROM retro_votes GROUP BY voter"))
    assert per_voter == dict.fromkeys(members, 3)
