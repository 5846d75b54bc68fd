"""A board on a PostgreSQL server: the SQL translation, connection trouble told in one line,
roles that may only read, notifications for live refresh, and a server that goes away."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kanban_tui.domain.errors import Refused
from kanban_tui.domain.models import Squad
from kanban_tui.storage import postgres
from kanban_tui.storage.postgres import ServerUnavailable, redacted, translate
from kanban_tui.storage.store import Store
from tests.conftest import FakeClock
from tests.postgres_cluster import PASSWORD, Cluster
from tests.storage.helpers import dump_projections, log_length, query
from tests.storage.test_fold_laws import Operation, operations, play_history


def test_placeholders_and_literals_are_translated_without_touching_strings() -> None:
    assert translate("SELECT * FROM cards WHERE key = ? AND title LIKE '%?%'") == (
        "SELECT * FROM cards WHERE key = %s AND title LIKE '%%?%%'"
    )
    assert translate("INSERT INTO events (id, at) VALUES (:id, :at)") == (
        "INSERT INTO events (id, at) VALUES (%(id)s, %(at)s)"
    )
    assert translate("SELECT '10:30', x::json FROM t") == "SELECT '10:30', x::json FROM t"


def test_sqlite_only_spellings_become_the_servers() -> None:
    assert translate("INSERT OR IGNORE INTO card_heads (a) VALUES (?)") == (
        "INSERT INTO card_heads (a) VALUES (%s) ON CONFLICT DO NOTHING"
    )
    assert translate("SELECT 1 FROM json_each(c.tag_ids) WHERE instr(a, ?) > 0") == (
        "SELECT 1 FROM squadboard_json_values(c.tag_ids) WHERE strpos(a, %s) > 0"
    )
    assert translate("SELECT 1 FROM t WHERE +c.squad_id = ? AND a + b.c > 0") == (
        "SELECT 1 FROM t WHERE c.squad_id = %s AND a + b.c > 0"
    )
    assert translate("DELETE FROM cards WHERE uid = ?") == "DELETE FROM cards WHERE uid = %s"


def test_urls_are_shown_without_their_password() -> None:
    assert redacted("postgresql://ana:s3cret@db.example:5433/growth") == (
        "postgresql://ana:***@db.example:5433/growth"
    )
    assert redacted("postgresql://ana@db.example/growth") == "postgresql://ana@db.example/growth"
    assert postgres.is_database_url("postgres://db/x")
    assert not postgres.is_database_url("board.db")
    assert not postgres.is_database_url("postgresql.db")


def test_a_server_that_cannot_be_reached_is_one_clear_line(postgres: Cluster) -> None:
    closed = postgres.url().replace(f":{postgres.port}/", ":1/")
    with pytest.raises(ServerUnavailable, match="cannot be reached") as caught:
        Store(closed, actor="Ana")
    assert PASSWORD not in str(caught.value)


def test_a_wrong_password_is_refused_without_echoing_it(postgres: Cluster) -> None:
    with pytest.raises(ServerUnavailable, match="refused the login") as caught:
        Store(postgres.url(password="not-the-password"), actor="Ana")
    assert "not-the-password" not in str(caught.value)


def test_a_missing_database_says_so(postgres: Cluster) -> None:
    with pytest.raises(ServerUnavailable, match="database 'no_such_board' does not exist"):
        Store(postgres.url("no_such_board"), actor="Ana")


def test_reading_a_database_with_no_board_does_not_create_one(postgres: Cluster) -> None:
    url = postgres.new_database()
    with pytest.raises(ServerUnavailable, match="no board at"):
        Store(url, actor="Ana", create=False)
    with psycopg.connect(url) as conn:
        found = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'squadboard'")
        assert found.fetchone() == (0,)


def test_a_board_written_by_a_newer_squadboard_is_refused(postgres: Cluster) -> None:
    url = postgres.new_database()
    Store(url, actor="Ana").close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE squadboard.meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(ServerUnavailable, match="newer squadboard"):
        Store(url, actor="Ana")


def test_a_board_from_an_older_squadboard_is_brought_up_to_date_and_refolded(
    postgres: Cluster, clock: FakeClock
) -> None:
    url = postgres.new_database()
    with Store(url, actor="Ana", clock=clock) as store:
        store.add_squad("Growth squad", prefix="GRW")
        key = store.add_card(None, "Launch email").card.key
        store.edit_card(key, title="Launch email, v2")
        before = dump_projections(store)
        events = log_length(store)
    # Schema 2: before causal parents (m003) and retros (m004).
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(
            "DROP TABLE squadboard.card_heads, squadboard.card_conflicts, squadboard.retros,"
            " squadboard.retro_notes, squadboard.retro_votes, squadboard.retro_actions;"
            " ALTER TABLE squadboard.events DROP COLUMN parents;"
            " ALTER TABLE squadboard.cards DROP COLUMN edited_concurrently;"
            " UPDATE squadboard.meta SET value = '2' WHERE key = 'schema_version'"
        )
    with pytest.raises(ServerUnavailable, match="needs an upgrade"):
        Store(url, actor="Ana", clock=clock, create=False)
    with Store(url, actor="Ana", clock=clock) as upgraded:
        assert log_length(upgraded) == events
        assert dump_projections(upgraded) == before  # refolded: card heads are back
        assert upgraded.card(key).title == "Launch email, v2"
        upgraded.start_retro()


def _reader_role(cluster: Cluster, url: str, name: str) -> str:
    """A login role that may read the board's tables and nothing more, as docs/postgres.md
    sets one up for dashboards."""
    database = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {name} LOGIN PASSWORD 'pw-{name}'")
        conn.execute(f"GRANT USAGE ON SCHEMA squadboard TO {name}")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA squadboard TO {name}")
    return f"postgresql://{name}:pw-{name}@127.0.0.1:{cluster.port}/{database}"


def test_a_read_only_role_sees_the_board_and_every_change_is_refused(
    postgres: Cluster, clock: FakeClock
) -> None:
    url = postgres.new_database()
    with Store(url, actor="Ana", clock=clock) as owner:
        owner.add_squad("Growth squad")
        key = owner.add_card(None, "visible").card.key
        events = log_length(owner)
    with Store(_reader_role(postgres, url, "dashboard"), actor="Dash", clock=clock) as viewer:
        assert viewer.card(key).title == "visible"
        with pytest.raises(Refused, match="read-only for your database role"):
            viewer.move_card(key, "Doing")
        assert viewer.card(key).title == "visible"
        assert log_length(viewer) == events


MEMBER_GRANTS = """
CREATE ROLE growth_members NOLOGIN;
GRANT CONNECT, TEMPORARY ON DATABASE {database} TO growth_members;
GRANT USAGE ON SCHEMA squadboard TO growth_members;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA squadboard TO growth_members;
GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA squadboard TO growth_members;
CREATE ROLE ana LOGIN PASSWORD 'pw-ana' IN ROLE growth_members;
"""
"""The member grants of docs/postgres.md, word for word."""


def test_a_member_role_with_the_documented_grants_can_do_everything_a_squad_does(
    postgres: Cluster, clock: FakeClock
) -> None:
    url = postgres.new_database()
    database = url.rsplit("/", 1)[1]
    with Store(url, actor="Owner", clock=clock) as owner:
        owner.add_squad("Growth squad", prefix="GRW")
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(MEMBER_GRANTS.format(database=database))
    member_url = f"postgresql://ana:pw-ana@127.0.0.1:{postgres.port}/{database}"
    with Store(member_url, actor="Ana", clock=clock) as member:
        key = member.add_card(None, "Launch email").card.key
        member.move_card(key, "Doing")
        clock.advance(days=2)
        member.move_card(key, "Done")
        clock.advance(days=1)
        done = member.board().column_named("Done")
        assert done is not None
        # The flow metrics' scratch table needs TEMPORARY on the database.
        assert member.flow_inputs(look_back_from=clock.now).settled == {done.id: 1}
        # A rebuild (merge, push) empties tables and restarts their numbering.
        assert member.rebuild_projections() == log_length(member)
        member.start_retro()
        member.add_retro_note(1, "Start", "Demos on Fridays", anonymous=True)
        assert member.card(key).column_id == done.id


def test_notifications_tell_a_board_of_a_teammates_commit_at_once(
    store_on_server: Store, squad: Squad, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres, "FALLBACK_POLL_SECONDS", 3600.0)
    position = store_on_server.log_position()
    quiet = store_on_server.changes_since(position, squad.id)
    assert quiet.count == 0
    assert store_on_server.changes_since(position, squad.id).count == 0  # no query: no notice
    url = store_on_server.backend.url  # type: ignore[attr-defined]
    with Store(url, actor="Ben") as teammate:
        teammate.add_card(None, "from Ben")
    deadline = time.monotonic() + 1
    changes = store_on_server.changes_since(position, squad.id)
    while not changes.count and time.monotonic() < deadline:
        time.sleep(0.02)
        changes = store_on_server.changes_since(position, squad.id)
    assert changes.count == 1


def test_connections_the_server_dropped_are_replaced_without_losing_the_change(
    store_on_server: Store, squad: Squad, postgres: Cluster
) -> None:
    store_on_server.add_card(None, "before")
    with psycopg.connect(postgres.url(), autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'squadboard' AND pid != pg_backend_pid()"
        )
    # The dead connection is found as the transaction begins, before anything was sent, so the
    # change runs once on a new connection.
    store_on_server.add_card(None, "after the server dropped us")
    assert [c.title for c in store_on_server.cards()] == ["before", "after the server dropped us"]


def test_a_server_that_is_down_is_reported_and_nothing_half_done_remains(
    postgres: Cluster, clock: FakeClock
) -> None:
    url = postgres.new_database()
    with Store(url, actor="Ana", clock=clock) as store:
        store.add_squad("Growth squad")
        postgres.stop()
        try:
            with pytest.raises(ServerUnavailable, match=r"cannot be reached|connection to the"):
                store.add_card(None, "while the server is down")
        finally:
            postgres.start()
        assert [c.title for c in store.cards()] == []


@pytest.fixture
def store_on_server(postgres: Cluster, clock: FakeClock) -> Iterator[Store]:
    with Store(postgres.new_database(), actor="Ana", clock=clock) as opened:
        yield opened


@pytest.fixture
def squad(store_on_server: Store) -> Squad:  # the server's board, not the file of conftest
    return store_on_server.add_squad("Growth squad", prefix="GRW", members=["Ana", "Ben"])


def test_a_file_merged_into_a_server_board_keeps_its_events(
    store_on_server: Store, squad: Squad, tmp_path: Path, clock: FakeClock
) -> None:
    other = tmp_path / "laptop.db"
    with Store(other, actor="Ben", clock=clock) as laptop:
        laptop.append_history(store_on_server.events())
        laptop.add_card(None, "written offline")
    report = store_on_server.merge(other)
    assert report.added == 1
    assert [c.title for c in store_on_server.cards()] == ["written offline"]
    assert query(store_on_server, "SELECT count(*) FROM card_transitions") == [(1,)]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(operations, min_size=1, max_size=30),
    st.lists(st.integers(0, 600), min_size=30, max_size=30),
)
def test_a_server_folds_the_same_events_into_the_same_board_as_a_file(
    postgres: Cluster, ops: list[Operation], gaps: list[int]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        on_file = play_history(Path(folder) / "board.db", ops, gaps)
        with Store(postgres.new_database(), actor="Ben", clock=FakeClock()) as on_server:
            on_server.append_history(on_file.events())
            assert dump_projections(on_server) == dump_projections(on_file)
            on_server.rebuild_projections()
            assert dump_projections(on_server) == dump_projections(on_file)
        on_file.close()
