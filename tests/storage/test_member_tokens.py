"""Members' secret links: only hashes are stored, revoking works at once, nothing is an event."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kanban_tui.domain.errors import NotFound
from kanban_tui.domain.models import Squad
from kanban_tui.storage.store import Store
from tests.conftest import FakeClock
from tests.storage.helpers import event_count


def test_an_invitation_maps_its_token_to_the_member_and_stores_only_a_hash(
    store: Store, squad: Squad, db_path: Path
) -> None:
    member, token = store.invite_member("ben")

    assert member == "Ben"
    assert len(token) == 43  # 32 random bytes, URL-safe base64
    assert store.member_for_token(token) == "Ben"
    assert store.member_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert store.member_for_token("") is None
    store.close()
    wal = Path(f"{db_path}-wal")
    raw = db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert token.encode() not in raw
    assert hashlib.sha256(token.encode()).hexdigest().encode() in raw


def test_revoking_ends_a_link_at_once_and_a_new_invitation_replaces_the_old(
    store: Store, squad: Squad, clock: FakeClock
) -> None:
    _, first = store.invite_member("Ben")
    clock.advance(minutes=1)
    _, second = store.invite_member("Ben")
    assert store.member_for_token(first) is None
    assert store.member_for_token(second) == "Ben"

    assert store.revoke_member("ben") == ("Ben", 1)
    assert store.member_for_token(second) is None
    assert store.revoke_member("Ben") == ("Ben", 0)
    links = store.member_tokens()
    assert [(t.member, t.active, t.created_by, t.revoked_by) for t in links] == [
        ("Ben", False, "Ana", "Ana"),
        ("Ben", False, "Ana", "Ana"),
    ]


def test_links_are_not_board_history(store: Store, squad: Squad, db_path: Path) -> None:
    events = event_count(db_path)
    _, token = store.invite_member("Chloé")
    store.rebuild_projections()
    assert event_count(db_path) == events
    assert store.member_for_token(token) == "Chloé"


def test_only_squad_members_can_be_invited(store: Store, squad: Squad) -> None:
    with pytest.raises(NotFound, match="not a member of any squad"):
        store.invite_member("Mallory")
    assert store.member_tokens() == []


def test_tokens_from_another_process_are_seen_without_reopening(
    store: Store, squad: Squad, db_path: Path, clock: FakeClock
) -> None:
    with Store(db_path, actor="Chloé", clock=clock) as other:
        _, token = other.invite_member("Ana")
    assert store.member_for_token(token) == "Ana"
