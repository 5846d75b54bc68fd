"""The Store: one object per board file; every change is one `BEGIN IMMEDIATE` transaction that
checks the board's rules, appends events and updates the projections together."""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kanban_tui.domain import rules
from kanban_tui.domain.clock import Clock, next_hlc, system_clock, to_millis, uuid7
from kanban_tui.domain.errors import InvalidInput, NotFound, Refused, SquadboardError
from kanban_tui.domain.events import (
    CardAssigned,
    CardBlocked,
    CardCreated,
    CardEdited,
    CardMoved,
    CardTagged,
    ColumnAdded,
    ColumnEdited,
    ColumnMoved,
    ColumnRemoved,
    Event,
    EventKind,
    MemberChanged,
    NoPayload,
    Payload,
    RetroActionAdded,
    SquadCreated,
    SquadEdited,
    TagAdded,
    TagEdited,
    WipException,
    payload_json,
)
from kanban_tui.domain.models import (
    RETRO_ACTION_MARKER,
    Board,
    Card,
    CardTimes,
    ClassOfService,
    Column,
    ColumnRole,
    Squad,
    Transition,
    ValueTag,
    WipPolicy,
)
from kanban_tui.domain.ordering import key_between, key_for_slot
from kanban_tui.domain.text import (
    NAMED_COLOURS,
    clean_colour,
    clean_description,
    clean_name,
    clean_prefix,
    clean_reason,
    clean_sentence,
    clean_title,
    prefix_from_name,
)
from kanban_tui.storage import queries
from kanban_tui.storage.backend import Backend, PostgresBackend, SQLiteBackend
from kanban_tui.storage.connection import Connection, SQLiteConnection
from kanban_tui.storage.convert import EVENT_VALUES, event_from_row, event_to_row
from kanban_tui.storage.postgres import StaleConnection, is_database_url
from kanban_tui.storage.projector import (
    EventRecord,
    card_heads,
    event_records,
    project,
    rebuild,
)
from kanban_tui.storage.queries import CardFilter, EventFilter
from kanban_tui.storage.schema import PROJECTION_TABLES

if TYPE_CHECKING:
    from kanban_tui.domain.retro import (
        Period,
        Retro,
        RetroAction,
        RetroBoard,
        RetroFormat,
        RetroNote,
    )
    from kanban_tui.storage.flow_data import FlowInputs
    from kanban_tui.storage.member_tokens import MemberToken
    from kanban_tui.storage.merge import MergeReport

T = TypeVar("T")

UNSET: Any = object()
"""Marks an optional argument the caller did not give (distinct from None, which clears)."""


@dataclass(frozen=True)
class BoardSnapshot:
    """A board as read in one transaction, for the UI."""

    board: Board
    times: dict[str, CardTimes]
    last_rowid: int
    counts: dict[str, int] | None = None
    """Set when only the head of each column was read: the cards counting toward WIP per
    column, which the board's cards alone no longer tell."""
    recent_finishes: tuple[tuple[datetime, datetime], ...] = ()
    """With a head: (start, finish) of the cards that reached a done column lately, for the
    squad's SLE."""

    @property
    def is_head(self) -> bool:
        return self.counts is not None


@dataclass(frozen=True)
class CardDraft:
    """A new card's fields, checked (title, description) or resolved by name when added."""

    title: str
    column: str | None = None
    description: str = ""
    tags: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    class_of_service: ClassOfService = ClassOfService.STANDARD
    due: date | None = None


class RowRefused(SquadboardError):
    """One of many cards could not be added, so none was."""

    def __init__(self, row: int, error: SquadboardError) -> None:
        self.row = row
        self.exit_code = error.exit_code
        super().__init__(f"row {row}: {error}; nothing was imported")


class _DryRunDone(Exception):
    """Unwinds a dry run's transaction, carrying what it would have added."""

    def __init__(self, cards: list[Card]) -> None:
        self.cards = cards


@dataclass(frozen=True)
class CardChange:
    """The outcome of a change to one card."""

    card: Card
    events: tuple[Event, ...]
    wip: rules.WipOutcome = rules.WipOutcome.WITHIN_LIMIT
    column: Column | None = None
    """The column the card entered, when the change put it somewhere new."""


class _Writer:
    """Appends events inside one open write transaction and folds each into the projections."""

    def __init__(self, conn: Connection, actor: str, now: datetime, at: datetime | None) -> None:
        self.conn = conn
        self.actor = actor
        self.now = now
        if at is not None:
            rules.check_effective_time(at, now, None)
        self.at = at or now
        self.backdated = at is not None
        self._hlc = queries.last_hlc(conn)
        self.events: list[Event] = []

    def new_id(self) -> str:
        return uuid7(to_millis(self.now), os.urandom(10))

    def append(
        self,
        kind: EventKind,
        payload: Payload,
        *,
        squad_id: str,
        card_uid: str | None = None,
        event_id: str | None = None,
        actor: str | None = None,
    ) -> Event:
        """Append one event by the writer's actor, or by `actor` (the anonymous marker)."""
        self._hlc = next_hlc(self._hlc, self.now)
        parents = card_heads(self.conn, card_uid) if card_uid is not None else None
        event = Event(
            id=event_id or self.new_id(),
            hlc=self._hlc,
            at=self.at,
            recorded_at=self.now,
            actor=actor or self.actor,
            squad_id=squad_id,
            card_uid=card_uid,
            kind=kind,
            payload=payload_json(payload),
            parents=parents,
        )
        row = event_to_row(event)
        self.conn.execute(f"INSERT INTO events {EVENT_VALUES}", row)
        project(
            self.conn,
            EventRecord(
                event.id,
                event.hlc,
                row["at"],
                event.actor,
                squad_id,
                card_uid,
                event.kind.value,
                event.payload,
                parents,
            ),
        )
        self.events.append(event)
        return event

    def check_card_time(self, card: Card) -> None:
        """A back-dated change may not come before the card's last recorded change."""
        if self.backdated:
            rules.check_effective_time(
                self.at, self.now, queries.last_change_at(self.conn, card.uid)
            )

    def admit(
        self, card: Card | None, column: Column, override_reason: str | None
    ) -> rules.WipOutcome:
        """Check the column's WIP limit for one more card; record a breach or override event."""
        if not column.limits_wip:
            return rules.WipOutcome.WITHIN_LIMIT
        reason = clean_reason(override_reason, "override reason") if override_reason else None
        occupants = queries.occupants(self.conn, column.id, card.uid if card else None)
        return rules.decide_wip(column, occupants, reason)

    def record_wip(
        self, outcome: rules.WipOutcome, card: Card, column: Column, override_reason: str | None
    ) -> None:
        if outcome is rules.WipOutcome.WITHIN_LIMIT or column.wip_limit is None:
            return
        count = len(queries.occupants(self.conn, column.id))
        if outcome is rules.WipOutcome.BREACH:
            kind, reason = EventKind.WIP_BREACHED, None
        else:
            kind, reason = EventKind.WIP_OVERRIDDEN, clean_reason(override_reason or "", "reason")
        self.append(
            kind,
            WipException(column_id=column.id, limit=column.wip_limit, count=count, reason=reason),
            squad_id=card.squad_id,
            card_uid=card.uid,
        )

    def position_in(
        self,
        column_id: str,
        card_uid: str | None,
        *,
        top: bool = False,
        before: str | None = None,
        after: str | None = None,
    ) -> str:
        """An ordering key for a card placed in a column: last by default."""
        others = "column_id = ? AND deleted = 0 AND uid != ?"
        params = [column_id, card_uid or ""]
        if before or after:
            neighbour = queries.card(self.conn, before or after or "")
            if neighbour.column_id != column_id or neighbour.uid == card_uid:
                raise InvalidInput(f"{neighbour.key} is not another card in the target column")
            if before:
                lower = self.conn.execute(
                    f"SELECT max(position) FROM cards WHERE {others} AND position < ?",
                    [*params, neighbour.position],
                ).fetchone()[0]
                return key_between(lower, neighbour.position)
            upper = self.conn.execute(
                f"SELECT min(position) FROM cards WHERE {others} AND position > ?",
                [*params, neighbour.position],
            ).fetchone()[0]
            return key_between(neighbour.position, upper)
        edge = "min" if top else "max"
        current = self.conn.execute(
            f"SELECT {edge}(position) FROM cards WHERE {others}", params
        ).fetchone()[0]
        if current is None:
            return key_between(None, None)
        return key_between(None, current) if top else key_between(current, None)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a bulk load builds millions of small objects.

    They are not garbage, so the collector would only rescan them over and over (seconds at
    100,000 cards). It is switched back on afterwards, if it was on, and then collects anything
    left meanwhile.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class Store:
    """A squadboard board: a SQLite file, or a database on a PostgreSQL server.

    Connections are per thread (SQLite connections must not be shared), opened on first use.
    Every write method is one transaction: it either changes the board and appends its events,
    or raises a `SquadboardError` and changes nothing.
    """

    def __init__(
        self,
        location: Path | str,
        *,
        actor: str,
        clock: Clock = system_clock,
        create: bool = True,
        read_only: bool = False,
        network_single_writer: bool = False,
    ) -> None:
        self.backend: Backend
        if isinstance(location, str) and is_database_url(location):
            self.backend = PostgresBackend(location, create=create, read_only=read_only)
        else:
            self.backend = SQLiteBackend(
                Path(location),
                create=create and not read_only,
                read_only=read_only,
                single_writer=network_single_writer,
            )
        self.location = self.backend.location
        """Where the board is, for messages: a path, or a server URL without its password."""
        self.actor = clean_name(actor, "user name")
        self._clock = clock
        self.read_only = read_only
        """Opened for reading only (the file is not writable for this user): writes are refused."""
        self._local = threading.local()
        self._connections: list[Connection] = []
        self._lock = threading.Lock()
        self._quiet_log: tuple[int | None, int] | None = None
        """(data version, log position) when the log was last read for changes."""
        try:
            self._connection()  # open now, so a bad file is reported before any work
        except BaseException:
            self.backend.shutdown()
            raise

    @property
    def created(self) -> bool:
        """This store created the board (it was an empty file or database)."""
        return self.backend.created

    @property
    def path(self) -> Path:
        """The board file; refused for a board on a server, where the file commands (backup,
        check, merge into it from a path it is not) do not apply."""
        if isinstance(self.backend, SQLiteBackend):
            return self.backend.path
        raise self._not_a_file()

    def _not_a_file(self) -> Refused:
        return Refused(
            f"{self.location} is a board on a PostgreSQL server: this works on board files; "
            "use PostgreSQL's own tools (pg_dump), or `squadboard pull` to copy it into a file"
        )

    def _file_connection(self) -> SQLiteConnection:
        """This thread's connection to the board file, for SQLite's own tools."""
        conn = self._connection()
        if not isinstance(conn, SQLiteConnection):
            raise self._not_a_file()
        return conn

    # -- connections -------------------------------------------------------------------------

    def _connection(self) -> Connection:
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            if self.backend.usable(conn):
                return conn
            self._forget(conn)  # a lost server connection: open a new one
        conn = self.backend.open()
        self._local.conn = conn
        with self._lock:
            self._connections.append(conn)
        return conn

    def _forget(self, conn: Connection) -> None:
        with self._lock:
            self._connections.remove(conn)
        self.backend.close(conn)
        self._local.conn = None

    def close(self) -> None:
        """Close every connection this store opened (call once, when done)."""
        with self._lock:
            for conn in self._connections:
                self.backend.close(conn)
            self._connections.clear()
        self.backend.shutdown()
        self._local = threading.local()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self, work: Callable[[Connection], T]) -> T:
        return self._in_transaction(self.backend.read, work)

    def _in_transaction(
        self,
        bracket: Callable[[Connection, Callable[[], T]], T],
        work: Callable[[Connection], T],
    ) -> T:
        """`work` in a transaction on this thread's connection; once more on a new connection
        when the old one turns out dead before anything was sent (a server that restarted)."""
        conn = self._connection()
        try:
            return bracket(conn, lambda: work(conn))
        except StaleConnection:
            fresh = self._connection()
            return bracket(fresh, lambda: work(fresh))

    def _check_writable(self) -> None:
        if self.read_only:
            raise Refused(
                f"{self.location} is read-only for you: the board can be viewed, not changed"
            )

    def _write(self, work: Callable[[_Writer], T], at: datetime | None = None) -> T:
        self._check_writable()
        return self._in_transaction(
            self.backend.write, lambda conn: work(_Writer(conn, self.actor, self._clock(), at))
        )

    def now(self) -> datetime:
        """The store's clock (injected in tests)."""
        return self._clock()

    # -- reads -------------------------------------------------------------------------------

    def squads(self) -> list[Squad]:
        return self._read(queries.squads)

    def squad(self, name: str | None = None) -> Squad:
        """The named squad, or the only one in the file."""
        return self._read(lambda conn: queries.resolve_squad(conn, name))

    def board(
        self, squad: str | None = None, *, include_archived: bool = False, with_cards: bool = True
    ) -> Board:
        """A squad's board; `with_cards=False` gives just its columns and tags (cheap)."""
        return self._read(
            lambda conn: queries.board(
                conn,
                queries.resolve_squad(conn, squad),
                include_archived=include_archived,
                with_cards=with_cards,
            )
        )

    def board_of(self, card: Card) -> Board:
        """The columns and value tags of the squad a card belongs to (no cards)."""
        return self._read(
            lambda conn: queries.board(
                conn, queries.squad_by_id(conn, card.squad_id), with_cards=False
            )
        )

    def card(self, key: str) -> Card:
        return self._read(lambda conn: queries.card(conn, key))

    def cards(
        self,
        squad: str | None = None,
        *,
        column: str | None = None,
        tag: str | None = None,
        assignee: str | None = None,
        blocked: bool | None = None,
        text: str | None = None,
        include_archived: bool = False,
    ) -> list[Card]:
        """Cards of a squad in board order, narrowed by any of the filters."""

        def read(conn: Connection) -> list[Card]:
            found = queries.resolve_squad(conn, squad)
            where = CardFilter(
                column_id=queries.column_named(conn, found, column).id if column else None,
                tag_id=queries.tags_named(conn, found, [tag])[0].id if tag else None,
                assignee=assignee,
                blocked=blocked,
                text=text,
                include_archived=include_archived,
            )
            return queries.cards(conn, found.id, where)

        return self._read(read)

    def transitions(self, key: str) -> list[Transition]:
        return self._read(lambda conn: queries.transitions(conn, queries.card(conn, key).uid))

    def events(
        self,
        *,
        squad: str | None = None,
        card: str | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        kinds: Sequence[str] = (),
        limit: int | None = None,
    ) -> list[Event]:
        """The event history, oldest first, narrowed by any of the filters."""

        def read(conn: Connection) -> list[Event]:
            where = EventFilter(
                squad_id=queries.resolve_squad(conn, squad).id if squad else None,
                card_uid=queries.card(conn, card).uid if card else None,
                actor=actor,
                since=since,
                until=until,
                kinds=tuple(kinds),
                limit=limit,
            )
            return queries.events(conn, where)

        return self._read(read)

    def snapshot(
        self, squad: str | None = None, *, include_archived: bool = False
    ) -> BoardSnapshot:
        """A squad's whole board with card times, and the log position it reflects (for refresh)."""

        def read(conn: Connection) -> BoardSnapshot:
            found = queries.resolve_squad(conn, squad)
            return BoardSnapshot(
                board=queries.board(conn, found, include_archived=include_archived),
                times=queries.card_times(conn, found.id),
                last_rowid=queries.last_rowid(conn),
            )

        return self._read(read)

    def board_head(
        self, squad: str | None, rows_each: int, finished_since: datetime
    ) -> BoardSnapshot:
        """The first `rows_each` cards each column draws, with WIP counts and the finishes since
        `finished_since`: enough for a first frame of a big board, read in a few milliseconds."""

        def read(conn: Connection) -> BoardSnapshot:
            found = queries.resolve_squad(conn, squad)
            shape = queries.board(conn, found, with_cards=False)
            cards = queries.column_heads(conn, shape.columns, rows_each)
            return BoardSnapshot(
                board=shape.model_copy(update={"cards": tuple(cards)}),
                times=queries.card_times(conn, found.id, [c.uid for c in cards]),
                last_rowid=queries.last_rowid(conn),
                counts=queries.column_counts(conn, found.id),
                recent_finishes=tuple(queries.recent_finishes(conn, found.id, finished_since)),
            )

        return self._read(read)

    def log_position(self) -> int:
        """The log's insertion position: it moves whenever anyone appends (cheap to poll)."""
        return self._read(queries.last_rowid)

    def changes_since(self, rowid: int, squad_id: str) -> queries.Changes:
        """What was appended to the log after `rowid` (cheap when nothing was; on a server the
        log is only read again after a notification)."""
        version = self.data_version() if self.backend.notifies else None
        if version is not None and self._quiet_log == (version, rowid):
            return queries.Changes(rowid, frozenset(), False, 0)
        changes = self._read(lambda conn: queries.changes_since(conn, rowid, squad_id))
        self._quiet_log = (version, changes.last_rowid)
        return changes

    def cards_with_times(
        self, squad_id: str, uids: Sequence[str]
    ) -> tuple[list[Card], dict[str, CardTimes]]:
        """Re-read some cards (deleted ones are missing from the result) and their times."""
        return self._read(
            lambda conn: (
                queries.cards_by_uid(conn, uids),
                queries.card_times(conn, squad_id, uids),
            )
        )

    def flow_inputs(
        self,
        squad: str | None = None,
        *,
        card: str | None = None,
        look_back_from: datetime | None = None,
        waiting_stays: bool = True,
    ) -> FlowInputs:
        """A squad's card histories for flow metrics (or one card's, by key); cards settled
        before `look_back_from` come as counts per column (see `flow_data.flow_inputs`)."""

        from kanban_tui.storage.flow_data import flow_inputs  # the flow metrics load when asked

        def read(conn: Connection) -> FlowInputs:
            if card is not None:
                found = queries.card(conn, card)
                owner = queries.squad_by_id(conn, found.squad_id)
                return flow_inputs(conn, owner, card_uid=found.uid)
            found_squad = queries.resolve_squad(conn, squad)
            return flow_inputs(
                conn, found_squad, look_back_from=look_back_from, waiting_stays=waiting_stays
            )

        return self._read(read)

    def summarised_flow_inputs(
        self, squad: str | None, *, look_back_from: datetime, now: datetime, unit: str
    ) -> FlowInputs:
        """A squad's flow inputs from the fold's summaries, for a report without per-card
        measures or cumulative flow (see `flow_data.summarised_flow_inputs`): it reads the
        cards of the period, not every stay of every card."""

        from kanban_tui.storage.flow_data import summarised_flow_inputs

        def read(conn: Connection) -> FlowInputs:
            return summarised_flow_inputs(
                conn,
                queries.resolve_squad(conn, squad),
                look_back_from=look_back_from,
                now=now,
                unit=unit,
            )

        return self._read(read)

    def finishes_per_day(self, squad: Squad, since: date, until: date) -> tuple[int, ...]:
        """How many of the squad's cards finished on each of its local days from `since` to
        `until` (reads only the open done stays of those days)."""

        from kanban_tui.storage.finishes import finishes_per_day

        return self._read(lambda conn: finishes_per_day(conn, squad, since, until))

    def finished_cycle_days(
        self, squad: Squad, since: date, until: date, now: datetime
    ) -> list[tuple[datetime, float]]:
        """The finish and cycle time in inclusive days of each of the squad's cards finished
        from local day `since` to `until` (the flow screen's scatter), in a few queries."""

        from kanban_tui.storage.finishes import finished_cycle_days

        return self._read(lambda conn: finished_cycle_days(conn, squad, since, until, now))

    def card_keys(self, uids: Sequence[str]) -> dict[str, str]:
        return self._read(lambda conn: queries.card_keys(conn, uids))

    def data_version(self) -> int:
        """Changes whenever another connection commits; cheap to poll for live refresh."""
        return self.backend.data_version(self._connection())

    # -- squads ------------------------------------------------------------------------------

    def add_squad(
        self,
        name: str,
        *,
        mission: str = "",
        timezone: str = "UTC",
        prefix: str | None = None,
        members: Iterable[str] = (),
        columns: Sequence[rules.ColumnSpec] = rules.DEFAULT_COLUMNS,
        at: datetime | None = None,
    ) -> Squad:
        """Create a squad with its board (the default workflow unless `columns` is given)."""
        name = clean_name(name, "squad name")
        payload = SquadCreated(
            name=name,
            mission=clean_sentence(mission, "mission"),
            timezone=rules.check_timezone(timezone),
            prefix=clean_prefix(prefix) if prefix else prefix_from_name(name),
            members=tuple(dict.fromkeys(clean_name(m, "member name") for m in members)),
        )
        rules.check_column_order([(c.name, c.role) for c in columns])
        for spec in columns:
            rules.check_wip_settings(spec.name, spec.role, spec.wip_limit, spec.wip_policy)

        def work(w: _Writer) -> Squad:
            existing = queries.squads(w.conn)
            if any(s.name.casefold() == name.casefold() for s in existing):
                raise Refused(f"a squad named '{name}' already exists in this file")
            if prefix and any(s.prefix == payload.prefix for s in existing):
                raise Refused(f"card prefix {payload.prefix} is already used by another squad")
            squad_id = w.new_id()
            w.append(EventKind.SQUAD_CREATED, payload, squad_id=squad_id)
            position = None
            for spec in columns:
                position = key_between(position, None)
                w.append(
                    EventKind.COLUMN_ADDED,
                    ColumnAdded(
                        column_id=w.new_id(),
                        name=clean_name(spec.name, "column name"),
                        role=spec.role,
                        wip_limit=spec.wip_limit,
                        wip_policy=spec.wip_policy,
                        position=position,
                    ),
                    squad_id=squad_id,
                )
            return queries.squad_by_id(w.conn, squad_id)

        return self._write(work, at)

    def edit_squad(
        self,
        squad: str | None,
        *,
        name: str | None = None,
        mission: str | None = None,
        timezone: str | None = None,
        add_members: Iterable[str] = (),
        remove_members: Iterable[str] = (),
        sle_days: float | None = UNSET,
        sle_percent: int | None = None,
        at: datetime | None = None,
    ) -> Squad:
        """Rename a squad, change its mission, time zone, members or SLE (None clears the SLE)."""
        if sle_days is not UNSET and sle_days is not None and not 0 < sle_days <= 3650:
            raise InvalidInput("an SLE must be a positive number of days (at most 3650)")
        if sle_percent is not None and not 1 <= sle_percent <= 99:
            raise InvalidInput("an SLE probability must be a whole percentage from 1 to 99")
        new_name = clean_name(name, "squad name") if name is not None else None
        edit = SquadEdited(
            name=new_name,
            mission=clean_sentence(mission, "mission") if mission is not None else None,
            timezone=rules.check_timezone(timezone) if timezone is not None else None,
            sle_days=sle_days if sle_days is not UNSET else None,
            sle_percent=sle_percent,
            clear_sle=sle_days is None,
        )
        joining = [clean_name(m, "member name") for m in add_members]
        leaving = [m.strip() for m in remove_members]

        def work(w: _Writer) -> Squad:
            found = queries.resolve_squad(w.conn, squad)
            if new_name and any(
                s.name.casefold() == new_name.casefold() and s.id != found.id
                for s in queries.squads(w.conn)
            ):
                raise Refused(f"a squad named '{new_name}' already exists in this file")
            if payload_json(edit):
                w.append(EventKind.SQUAD_EDITED, edit, squad_id=found.id)
            for member in joining:
                if member not in found.members:
                    w.append(EventKind.MEMBER_ADDED, MemberChanged(name=member), squad_id=found.id)
            for member in leaving:
                if member not in found.members:
                    raise NotFound(f"'{member}' is not a member of {found.name}")
                w.append(EventKind.MEMBER_REMOVED, MemberChanged(name=member), squad_id=found.id)
            if not w.events:
                raise InvalidInput("nothing to change: give at least one new value")
            return queries.squad_by_id(w.conn, found.id)

        return self._write(work, at)

    # -- columns -----------------------------------------------------------------------------

    def add_column(
        self,
        squad: str | None,
        name: str,
        role: ColumnRole,
        *,
        wip_limit: int | None = None,
        wip_policy: WipPolicy | None = None,
        before: str | None = None,
        after: str | None = None,
        at: datetime | None = None,
    ) -> Column:
        """Add a column; it goes last unless placed `before` or `after` another column."""
        name = clean_name(name, "column name")
        policy = wip_policy or (WipPolicy.WARN if wip_limit else WipPolicy.OFF)
        rules.check_wip_settings(name, role, wip_limit, policy)

        def work(w: _Writer) -> Column:
            found = queries.resolve_squad(w.conn, squad)
            existing = queries.columns(w.conn, found.id)
            if any(c.name.casefold() == name.casefold() for c in existing):
                raise Refused(f"{found.name} already has a column named '{name}'")
            index = self._slot(w.conn, found, existing, before, after)
            order = [(c.name, c.role) for c in existing]
            order.insert(index, (name, role))
            rules.check_column_order(order)
            column_id = w.new_id()
            w.append(
                EventKind.COLUMN_ADDED,
                ColumnAdded(
                    column_id=column_id,
                    name=name,
                    role=role,
                    wip_limit=wip_limit,
                    wip_policy=policy,
                    position=key_for_slot([c.position for c in existing], index),
                ),
                squad_id=found.id,
            )
            return queries.column_named(w.conn, found, name)

        return self._write(work, at)

    @staticmethod
    def _slot(
        conn: Connection,
        squad: Squad,
        existing: Sequence[Column],
        before: str | None,
        after: str | None,
    ) -> int:
        if before and after:
            raise InvalidInput("give either --before or --after, not both")
        if before or after:
            anchor = queries.column_named(conn, squad, before or after or "")
            index = next(i for i, c in enumerate(existing) if c.id == anchor.id)
            return index if before else index + 1
        return len(existing)

    def edit_column(
        self,
        squad: str | None,
        name: str,
        *,
        new_name: str | None = None,
        role: ColumnRole | None = None,
        wip_limit: int | None = UNSET,
        wip_policy: WipPolicy | None = None,
        at: datetime | None = None,
    ) -> Column:
        """Rename a column or change its role, WIP limit (None removes it) or WIP policy."""
        new_name = clean_name(new_name, "column name") if new_name is not None else None

        def work(w: _Writer) -> Column:
            found = queries.resolve_squad(w.conn, squad)
            column = queries.column_named(w.conn, found, name)
            existing = queries.columns(w.conn, found.id)
            if new_name and any(
                c.name.casefold() == new_name.casefold() and c.id != column.id for c in existing
            ):
                raise Refused(f"{found.name} already has a column named '{new_name}'")
            limit = column.wip_limit if wip_limit is UNSET else wip_limit
            policy = wip_policy or column.wip_policy
            if wip_limit is None and wip_policy is None:
                policy = WipPolicy.OFF  # removing the limit turns its policy off too
            elif limit is not None and column.wip_limit is None and wip_policy is None:
                policy = WipPolicy.WARN  # a first limit warns until the squad chooses to block
            new_role = role or column.role
            rules.check_wip_settings(new_name or column.name, new_role, limit, policy)
            rules.check_column_order(
                [(c.name, new_role if c.id == column.id else c.role) for c in existing]
            )
            edit = ColumnEdited(
                column_id=column.id,
                name=new_name if new_name and new_name != column.name else None,
                role=new_role if new_role is not column.role else None,
                wip_limit=limit if limit != column.wip_limit else None,
                clear_wip_limit=limit is None and column.wip_limit is not None,
                wip_policy=policy if policy is not column.wip_policy else None,
            )
            if len(payload_json(edit)) == 1:
                raise InvalidInput(f"nothing to change in column '{column.name}'")
            w.append(EventKind.COLUMN_EDITED, edit, squad_id=found.id)
            return queries.column_named(w.conn, found, new_name or column.name)

        return self._write(work, at)

    def move_column(
        self,
        squad: str | None,
        name: str,
        *,
        before: str | None = None,
        after: str | None = None,
        at: datetime | None = None,
    ) -> Column:
        """Move a column before or after another one."""
        if not before and not after:
            raise InvalidInput("say where: --before COLUMN or --after COLUMN")

        def work(w: _Writer) -> Column:
            found = queries.resolve_squad(w.conn, squad)
            column = queries.column_named(w.conn, found, name)
            others = [c for c in queries.columns(w.conn, found.id) if c.id != column.id]
            if column.name.casefold() == (before or after or "").strip().casefold():
                raise InvalidInput("a column cannot move relative to itself")
            index = self._slot(w.conn, found, others, before, after)
            order = [(c.name, c.role) for c in others]
            order.insert(index, (column.name, column.role))
            rules.check_column_order(order)
            position = key_for_slot([c.position for c in others], index)
            w.append(
                EventKind.COLUMN_MOVED,
                ColumnMoved(column_id=column.id, position=position),
                squad_id=found.id,
            )
            return queries.column_named(w.conn, found, column.name)

        return self._write(work, at)

    def remove_column(self, squad: str | None, name: str, *, at: datetime | None = None) -> Column:
        """Remove an empty column (archived cards count: they keep their history there)."""

        def work(w: _Writer) -> Column:
            found = queries.resolve_squad(w.conn, squad)
            column = queries.column_named(w.conn, found, name)
            held = queries.column_cards(w.conn, column.id)
            if held:
                archived = sum(c.archived for c in held)
                note = f", {archived} of them archived" if archived else ""
                raise Refused(
                    f"column '{column.name}' still holds {len(held)} card(s){note}; "
                    "move them out first"
                )
            rest = [
                (c.name, c.role) for c in queries.columns(w.conn, found.id) if c.id != column.id
            ]
            rules.check_column_order(rest)
            w.append(
                EventKind.COLUMN_REMOVED, ColumnRemoved(column_id=column.id), squad_id=found.id
            )
            return column

        return self._write(work, at)

    # -- value tags --------------------------------------------------------------------------

    def add_tag(
        self,
        squad: str | None,
        name: str,
        *,
        description: str = "",
        colour: str | None = None,
        at: datetime | None = None,
    ) -> ValueTag:
        """Add a customer value tag; without a colour it takes the next unused one."""
        name = clean_name(name, "tag name")
        description = clean_sentence(description, "tag description")
        chosen = clean_colour(colour) if colour else None

        def work(w: _Writer) -> ValueTag:
            found = queries.resolve_squad(w.conn, squad)
            existing = queries.tags(w.conn, found.id)
            if any(t.name.casefold() == name.casefold() for t in existing):
                raise Refused(f"{found.name} already has a value tag named '{name}'")
            used = {t.colour for t in existing}
            free = [c for c in NAMED_COLOURS if c not in used]
            tag_colour = chosen or (free or list(NAMED_COLOURS))[0]
            w.append(
                EventKind.TAG_ADDED,
                TagAdded(tag_id=w.new_id(), name=name, description=description, colour=tag_colour),
                squad_id=found.id,
            )
            return queries.tags_named(w.conn, found, [name])[0]

        return self._write(work, at)

    def edit_tag(
        self,
        squad: str | None,
        name: str,
        *,
        new_name: str | None = None,
        description: str | None = None,
        colour: str | None = None,
        at: datetime | None = None,
    ) -> ValueTag:
        new_name = clean_name(new_name, "tag name") if new_name is not None else None
        edit_fields = {
            "name": new_name,
            "description": (
                clean_sentence(description, "tag description") if description is not None else None
            ),
            "colour": clean_colour(colour) if colour is not None else None,
        }

        def work(w: _Writer) -> ValueTag:
            found = queries.resolve_squad(w.conn, squad)
            tag = queries.tags_named(w.conn, found, [name])[0]
            if new_name and any(
                t.name.casefold() == new_name.casefold() and t.id != tag.id
                for t in queries.tags(w.conn, found.id)
            ):
                raise Refused(f"{found.name} already has a value tag named '{new_name}'")
            edit = TagEdited(tag_id=tag.id, **edit_fields)
            if len(payload_json(edit)) == 1:
                raise InvalidInput(f"nothing to change in value tag '{tag.name}'")
            w.append(EventKind.TAG_EDITED, edit, squad_id=found.id)
            return queries.tags_named(w.conn, found, [new_name or tag.name])[0]

        return self._write(work, at)

    # -- cards -------------------------------------------------------------------------------

    def add_card(
        self,
        squad: str | None,
        title: str,
        *,
        column: str | None = None,
        description: str = "",
        tags: Sequence[str] = (),
        assignees: Sequence[str] = (),
        class_of_service: ClassOfService = ClassOfService.STANDARD,
        due: date | None = None,
        top: bool = False,
        override_reason: str | None = None,
        at: datetime | None = None,
    ) -> CardChange:
        """Add a card at the bottom (or `top`) of a column, the board's first column by default."""
        draft = CardDraft(
            title=clean_title(title),
            column=column,
            description=clean_description(description),
            tags=tuple(tags),
            assignees=tuple(assignees),
            class_of_service=class_of_service,
            due=due,
        )
        return self._write(
            lambda w: self._add_card(w, squad, draft, top=top, override_reason=override_reason),
            at,
        )

    def add_cards(
        self, squad: str | None, drafts: Sequence[CardDraft], *, dry_run: bool = False
    ) -> list[Card]:
        """Add many cards in one transaction: all of them, or (on the first problem) none.

        With `dry_run` every card is checked exactly as for real, then nothing is kept.

        Raises:
            RowRefused: naming the draft (1-based) the board refused, and why.
        """

        def work(w: _Writer) -> list[Card]:
            added = []
            for number, draft in enumerate(drafts, start=1):
                try:
                    added.append(self._add_card(w, squad, draft).card)
                except SquadboardError as error:
                    raise RowRefused(number, error) from None
            if dry_run:
                raise _DryRunDone(added)
            return added

        try:
            return self._write(work)
        except _DryRunDone as done:
            return done.cards

    def _add_card(
        self,
        w: _Writer,
        squad: str | None,
        draft: CardDraft,
        *,
        top: bool = False,
        override_reason: str | None = None,
    ) -> CardChange:
        found = queries.resolve_squad(w.conn, squad)
        board_columns = queries.columns(w.conn, found.id)
        if not board_columns:
            raise Refused(f"{found.name} has no columns; add one with `squadboard column add`")
        target = (
            queries.column_named(w.conn, found, draft.column) if draft.column else board_columns[0]
        )
        tag_ids = tuple(t.id for t in queries.tags_named(w.conn, found, draft.tags))
        people = self._members(found, draft.assignees)
        outcome = w.admit(None, target, override_reason)
        number = int(
            w.conn.execute("SELECT next_number FROM squads WHERE id = ?", [found.id]).fetchone()[0]
        )
        uid = w.new_id()
        first_event = len(w.events)
        w.append(
            EventKind.CARD_CREATED,
            CardCreated(
                number=number,
                title=draft.title,
                description=draft.description,
                column_id=target.id,
                position=w.position_in(target.id, None, top=top),
                assignees=people,
                tag_ids=tag_ids,
                class_of_service=draft.class_of_service,
                due=draft.due,
            ),
            squad_id=found.id,
            card_uid=uid,
            event_id=uid,
        )
        card = queries.card(w.conn, f"{found.prefix}-{number}")
        w.record_wip(outcome, card, target, override_reason)
        return CardChange(card, tuple(w.events[first_event:]), outcome, target)

    @staticmethod
    def _members(squad: Squad, names: Iterable[str]) -> tuple[str, ...]:
        """Resolve names to the squad's members, ignoring case."""
        by_fold = {m.casefold(): m for m in squad.members}
        chosen = []
        for name in names:
            member = by_fold.get(name.strip().casefold())
            if member is None:
                listed = ", ".join(squad.members) or "none yet"
                raise NotFound(
                    f"'{name.strip()}' is not a member of {squad.name} (members: {listed}); "
                    "add them with `squadboard squad edit --add-member`"
                )
            chosen.append(member)
        return tuple(dict.fromkeys(chosen))

    def _card_write(
        self, key: str, work: Callable[[_Writer, Card, Squad], None], at: datetime | None
    ) -> CardChange:
        """Run a change to one existing card and return the card as it is afterwards."""

        def run(w: _Writer) -> CardChange:
            card = queries.card(w.conn, key)
            w.check_card_time(card)
            work(w, card, queries.squad_by_id(w.conn, card.squad_id))
            return CardChange(queries.card(w.conn, card.key), tuple(w.events))

        return self._write(run, at)

    def edit_card(
        self,
        key: str,
        *,
        title: str | None = None,
        description: str | None = None,
        class_of_service: ClassOfService | None = None,
        due: date | None = UNSET,
        at: datetime | None = None,
    ) -> CardChange:
        """Change a card's title, description, class of service or due date (None clears it)."""
        fields: dict[str, Any] = {
            "title": clean_title(title) if title is not None else None,
            "description": clean_description(description) if description is not None else None,
        }

        def work(w: _Writer, card: Card, squad: Squad) -> None:
            edit = CardEdited(
                title=fields["title"] if fields["title"] != card.title else None,
                description=(
                    fields["description"] if fields["description"] != card.description else None
                ),
                class_of_service=(
                    class_of_service
                    if class_of_service not in (None, card.class_of_service)
                    else None
                ),
                due=due if due not in (UNSET, None, card.due) else None,
                clear_due=due is None and card.due is not None,
            )
            if not payload_json(edit):
                raise InvalidInput(f"nothing to change in {card.key}")
            w.append(EventKind.CARD_EDITED, edit, squad_id=squad.id, card_uid=card.uid)

        return self._card_write(key, work, at)

    def move_card(
        self,
        key: str,
        column: str | None = None,
        *,
        top: bool = False,
        before: str | None = None,
        after: str | None = None,
        override_reason: str | None = None,
        at: datetime | None = None,
        position: str | None = None,
    ) -> CardChange:
        """Move a card to another column (last, `top`, or next to a card), or within its column.

        `position` puts the card back at an exact ordering key (undo uses it).

        The target column's WIP limit is checked inside the transaction, so two teammates cannot
        both fill the last slot. A `warn` column records a breach; a full `block` column refuses
        unless `override_reason` is given, which is recorded.
        """
        if sum(bool(x) for x in (top, before, after)) > 1:
            raise InvalidInput("give only one of --top, --before and --after")

        def run(w: _Writer) -> CardChange:
            card = queries.card(w.conn, key)
            w.check_card_time(card)
            squad = queries.squad_by_id(w.conn, card.squad_id)
            target = (
                queries.column_named(w.conn, squad, column)
                if column
                else next(c for c in queries.columns(w.conn, squad.id) if c.id == card.column_id)
            )
            changes_column = target.id != card.column_id
            if not changes_column and not (top or before or after or position):
                raise Refused(f"{card.key} is already in '{target.name}'")
            outcome = (
                w.admit(card, target, override_reason)
                if changes_column and not card.archived
                else rules.WipOutcome.WITHIN_LIMIT
            )
            new_position = position or w.position_in(
                target.id, card.uid, top=top, before=before, after=after
            )
            w.append(
                EventKind.CARD_MOVED,
                CardMoved(
                    from_column_id=card.column_id, column_id=target.id, position=new_position
                ),
                squad_id=squad.id,
                card_uid=card.uid,
            )
            w.record_wip(outcome, card, target, override_reason)
            return CardChange(
                queries.card(w.conn, card.key),
                tuple(w.events),
                outcome,
                target if changes_column else None,
            )

        return self._write(run, at)

    def block_card(self, key: str, reason: str, *, at: datetime | None = None) -> CardChange:
        """Mark a card blocked, with the reason (blocked time is measured from here)."""
        reason = clean_reason(reason, "block reason")

        def work(w: _Writer, card: Card, squad: Squad) -> None:
            if card.blocked:
                raise Refused(f"{card.key} is already blocked ({card.blocked_reason})")
            w.append(
                EventKind.CARD_BLOCKED,
                CardBlocked(reason=reason),
                squad_id=squad.id,
                card_uid=card.uid,
            )

        return self._card_write(key, work, at)

    def unblock_card(self, key: str, *, at: datetime | None = None) -> CardChange:
        def work(w: _Writer, card: Card, squad: Squad) -> None:
            if not card.blocked:
                raise Refused(f"{card.key} is not blocked")
            w.append(EventKind.CARD_UNBLOCKED, NoPayload(), squad_id=squad.id, card_uid=card.uid)

        return self._card_write(key, work, at)

    def assign_card(
        self, key: str, names: Sequence[str], *, remove: bool = False, at: datetime | None = None
    ) -> CardChange:
        """Assign squad members to a card, or with `remove` take them off it."""
        if not names:
            raise InvalidInput("name at least one member")

        def work(w: _Writer, card: Card, squad: Squad) -> None:
            kind = EventKind.CARD_UNASSIGNED if remove else EventKind.CARD_ASSIGNED
            for name in self._members(squad, names):
                if (name in card.assignees) != remove:
                    continue
                w.append(kind, CardAssigned(name=name), squad_id=squad.id, card_uid=card.uid)
            if not w.events:
                state = "not assigned" if remove else "already assigned"
                raise Refused(
                    f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} {state} to {card.key}"
                )

        return self._card_write(key, work, at)

    def tag_card(
        self,
        key: str,
        tag_names: Sequence[str],
        *,
        remove: bool = False,
        at: datetime | None = None,
    ) -> CardChange:
        """Link a card to customer value tags, or with `remove` unlink it."""
        if not tag_names:
            raise InvalidInput("name at least one value tag")

        def work(w: _Writer, card: Card, squad: Squad) -> None:
            kind = EventKind.CARD_UNTAGGED if remove else EventKind.CARD_TAGGED
            for tag in queries.tags_named(w.conn, squad, tag_names):
                if (tag.id in card.tag_ids) != remove:
                    continue
                w.append(kind, CardTagged(tag_id=tag.id), squad_id=squad.id, card_uid=card.uid)
            if not w.events:
                raise Refused(f"{card.key} {'lacks' if remove else 'already has'} those tags")

        return self._card_write(key, work, at)

    def archive_card(self, key: str, *, at: datetime | None = None) -> CardChange:
        """Hide a card from the board; it keeps its history and leaves WIP."""

        def work(w: _Writer, card: Card, squad: Squad) -> None:
            if card.archived:
                raise Refused(f"{card.key} is already archived")
            w.append(EventKind.CARD_ARCHIVED, NoPayload(), squad_id=squad.id, card_uid=card.uid)

        return self._card_write(key, work, at)

    def unarchive_card(
        self, key: str, *, override_reason: str | None = None, at: datetime | None = None
    ) -> CardChange:
        """Bring an archived card back; it counts toward its column's WIP again."""

        def run(w: _Writer) -> CardChange:
            card = queries.card(w.conn, key)
            w.check_card_time(card)
            if not card.archived:
                raise Refused(f"{card.key} is not archived")
            column = next(
                c for c in queries.columns(w.conn, card.squad_id) if c.id == card.column_id
            )
            outcome = w.admit(card, column, override_reason)
            w.append(
                EventKind.CARD_UNARCHIVED, NoPayload(), squad_id=card.squad_id, card_uid=card.uid
            )
            w.record_wip(outcome, card, column, override_reason)
            return CardChange(queries.card(w.conn, card.key), tuple(w.events), outcome, column)

        return self._write(run, at)

    def delete_card(self, key: str) -> CardChange:
        """Delete a card: it disappears from the board and metrics; its events stay in the log.

        The returned change carries the card as it was, since it can no longer be read.
        """

        def run(w: _Writer) -> CardChange:
            card = queries.card(w.conn, key)
            w.append(EventKind.CARD_DELETED, NoPayload(), squad_id=card.squad_id, card_uid=card.uid)
            return CardChange(card, tuple(w.events))

        return self._write(run)

    def restore_card(self, key: str) -> CardChange:
        """Undo a delete."""

        def run(w: _Writer) -> CardChange:
            card = queries.deleted_card(w.conn, key)
            w.append(
                EventKind.CARD_RESTORED, NoPayload(), squad_id=card.squad_id, card_uid=card.uid
            )
            return CardChange(queries.card(w.conn, card.key), tuple(w.events))

        return self._write(run)

    # -- retrospectives ----------------------------------------------------------------------
    # Each method imports retro_data itself: it brings the flow metrics, which opening the
    # board does not need.

    def retros(self, squad: str | None = None) -> list[Retro]:
        """A squad's retros, oldest first."""
        from kanban_tui.storage import retro_data

        return self._read(
            lambda conn: retro_data.retros(conn, queries.resolve_squad(conn, squad).id)
        )

    def retro_squad(self, number: int) -> Squad:
        """The squad a retro belongs to."""
        from kanban_tui.storage import retro_data

        return self._read(
            lambda conn: queries.squad_by_id(conn, retro_data.retro(conn, number).squad_id)
        )

    def retro_board(self, number: int | None = None, squad: str | None = None) -> RetroBoard:
        """A retro (the squad's newest by default) as this store's user sees it."""
        from kanban_tui.storage import retro_data

        def read(conn: Connection) -> RetroBoard:
            found = (
                retro_data.retro(conn, number)
                if number is not None
                else retro_data.latest(conn, queries.resolve_squad(conn, squad).id)
            )
            return retro_data.board(conn, found, self.actor, self._clock())

        return self._read(read)

    def start_retro(
        self,
        squad: str | None = None,
        *,
        title: str | None = None,
        retro_format: RetroFormat | None = None,
        custom_columns: Sequence[str] = (),
        period: Period | None = None,
        vote_limit: int | None = None,
        hidden: bool = False,
    ) -> Retro:
        """Open a retro on `period` (default: since the squad's previous retro), by its
        facilitator, this store's user (a Start/Stop/Continue board and the default number of
        votes unless given)."""
        from kanban_tui.domain.retro import DEFAULT_VOTES, RetroFormat
        from kanban_tui.storage import retro_data

        return self._write(
            lambda w: retro_data.start(
                w,
                queries.resolve_squad(w.conn, squad),
                title=title,
                retro_format=retro_format or RetroFormat.START_STOP_CONTINUE,
                custom_columns=custom_columns,
                period=period,
                vote_limit=DEFAULT_VOTES if vote_limit is None else vote_limit,
                hidden=hidden,
            )
        )

    def add_retro_note(
        self, number: int, column: str, text: str, *, anonymous: bool = False
    ) -> RetroNote:
        """Add a note; an anonymous one is stored with no author at all."""
        from kanban_tui.storage import retro_data

        return self._write(
            lambda w: retro_data.add_note(w, number, column, text, anonymous=anonymous)
        )

    def edit_retro_note(self, number: int, note: int, text: str) -> RetroNote:
        """Change the text of one of your own signed notes."""
        from kanban_tui.storage import retro_data

        return self._write(lambda w: retro_data.edit_note(w, number, note, text))

    def group_retro_notes(self, number: int, notes: Sequence[int], group: str | None) -> None:
        """Put notes in a named group (None takes them out of any group)."""
        from kanban_tui.storage import retro_data

        self._write(lambda w: retro_data.group_notes(w, number, notes, group))

    def reveal_retro(self, number: int) -> Retro:
        """Show every note to everyone (facilitator only)."""
        from kanban_tui.storage import retro_data

        return self._write(lambda w: retro_data.reveal(w, number))

    def vote(self, number: int, note: int) -> int:
        """Place one of your dots on a note; returns how many you have left."""
        from kanban_tui.storage import retro_data

        return self._write(lambda w: retro_data.vote(w, number, note))

    def add_retro_action(
        self, number: int, text: str, *, owner: str | None = None, due: date | None = None
    ) -> tuple[RetroAction, Card]:
        """Agree an action: it becomes a card in the board's first column, marked as a retro
        action and linked back to the retro."""
        from kanban_tui.storage import retro_data

        title = clean_title(text)

        def work(w: _Writer) -> tuple[RetroAction, Card]:
            found = retro_data.open_retro(w.conn, number)
            squad = queries.squad_by_id(w.conn, found.squad_id)
            draft = CardDraft(
                title=title,
                description=f"{RETRO_ACTION_MARKER} from retro {found.number}: {found.title}",
                assignees=(owner,) if owner else (),
                due=due,
            )
            change = self._add_card(w, squad.name, draft)
            event = w.append(
                EventKind.RETRO_ACTION_ADDED,
                RetroActionAdded(
                    retro_id=found.id,
                    text=title,
                    owner=change.card.assignees[0] if owner else None,
                    due=due,
                ),
                squad_id=squad.id,
                card_uid=change.card.uid,
            )
            action = next(a for a in retro_data.actions(w.conn, [found.id]) if a.id == event.id)
            return action, change.card

        return self._write(work)

    def close_retro(self, number: int) -> Retro:
        """Close a retro (facilitator only): it becomes read-only and its evidence is frozen."""
        from kanban_tui.storage import retro_data

        return self._write(lambda w: retro_data.close(w, number))

    # -- browser access (`squadboard serve`) -------------------------------------------------
    # Links are access control, not board history: no events, and never written by a merge.

    def invite_member(self, name: str) -> tuple[str, str]:
        """Create a member's secret link (revoking an earlier one): (member, token), shown once."""
        from kanban_tui.storage import member_tokens

        def work(w: _Writer) -> tuple[str, str]:
            member = member_tokens.resolve_member(w.conn, name)
            return member, member_tokens.invite(w.conn, member, by=w.actor, now=w.now)

        return self._write(work)

    def revoke_member(self, name: str) -> tuple[str, int]:
        """Revoke every active link of a member: (member, how many links were revoked)."""
        from kanban_tui.storage import member_tokens

        def work(w: _Writer) -> tuple[str, int]:
            member = member_tokens.resolve_member(w.conn, name)
            return member, member_tokens.revoke(w.conn, member, by=w.actor, now=w.now)

        return self._write(work)

    def member_tokens(self) -> list[MemberToken]:
        """Every link ever created (without the secrets), oldest first."""
        from kanban_tui.storage import member_tokens

        return self._read(member_tokens.listing)

    def member_for_token(self, token: str) -> str | None:
        """The member whose active link this is, or None (unknown or revoked)."""
        from kanban_tui.storage import member_tokens

        return self._read(lambda conn: member_tokens.member_for(conn, token))

    # -- bulk loads and integrity ------------------------------------------------------------

    def append_history(
        self, history: Iterable[Event], progress: Callable[[int], None] | None = None
    ) -> int:
        """Append a ready-made history (demo data, imports, merges) in one transaction and refold.

        Events already in the log (by id) are skipped. The events may be older than the log's
        newest, so the projections are rebuilt from the whole log afterwards rather than folded
        one by one. Returns how many events were new.
        """

        self._check_writable()
        # A busy retry runs `work` again, so a one-shot iterator is read into a list first.
        events = history if isinstance(history, Sequence) else list(history)

        def work() -> int:
            conn = self._connection()
            count = 0
            batch: list[dict[str, Any]] = []
            for event in events:
                batch.append(event_to_row(event))
                if len(batch) == 5_000:
                    count += self._insert_events(conn, batch)
                    batch.clear()
                    if progress:
                        progress(count)
            count += self._insert_events(conn, batch)
            if count:
                self._refold(conn)
            return count

        conn = self._connection()
        with self.backend.bulk(conn), paused_gc():
            return self.backend.write(conn, work)

    @staticmethod
    def _insert_events(conn: Connection, batch: list[dict[str, Any]]) -> int:
        cursor = conn.executemany(f"INSERT OR IGNORE INTO events {EVENT_VALUES}", batch)
        return cursor.rowcount

    @staticmethod
    def _refold(conn: Connection) -> int:
        return rebuild(conn, PROJECTION_TABLES, event_records(conn))

    def event_ids(self) -> set[str]:
        """The id of every event in the log (cheap: read from the primary key's index)."""
        return self._read(lambda conn: {r[0] for r in conn.execute("SELECT id FROM events")})

    def events_by_id(self, ids: Iterable[str]) -> list[Event]:
        """These events, in log order."""

        def read(conn: Connection) -> list[Event]:
            wanted = list(ids)
            found: list[Event] = []
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ", ".join("?" for _ in chunk)
                found += [
                    event_from_row(row)
                    for row in queries.rows(
                        conn, f"SELECT * FROM events WHERE id IN ({marks})", chunk
                    )
                ]
            return sorted(found, key=lambda e: (e.hlc, e.id))

        return self._read(read)

    def unknown_events(self, events: Sequence[Event]) -> int:
        """How many of `events` this board does not have yet (by id)."""
        return len({e.id for e in events} - self.event_ids())

    def merge(self, other: Path) -> MergeReport:
        """Take in every event of another copy of this board (see `storage.merge`)."""
        # Merging, like backups, loads its code when used: opening the board needs neither.
        from kanban_tui.storage.merge import read_board_events

        if isinstance(self.backend, SQLiteBackend) and other.resolve() == self.path.resolve():
            raise Refused("a board cannot be merged with itself")
        return self.receive(read_board_events(other), source=str(other))

    def receive(
        self,
        events: Sequence[Event],
        *,
        source: str,
        progress: Callable[[int], None] | None = None,
    ) -> MergeReport:
        """Add the events this board lacks, refold, and report what that changed."""
        from kanban_tui.storage.merge import MergeReport, concurrent_edits, over_block_limits

        self._check_writable()
        seen = {(c.lost_event, c.field) for c in self._read(concurrent_edits)}
        added = self.append_history(events, progress)

        def report(conn: Connection) -> MergeReport:
            edits = [c for c in concurrent_edits(conn) if (c.lost_event, c.field) not in seen]
            return MergeReport(source, len(events), added, edits, over_block_limits(conn))

        return self._read(report)

    def rebuild_projections(self) -> int:
        """Rebuild every projection from the event log alone; returns the events folded."""
        self._check_writable()
        conn = self._connection()
        return self.backend.write(conn, lambda: self._refold(conn))

    def backup(self, destination: Path) -> int:
        """Write a consistent copy of the board to a new file; returns its size in bytes."""
        from kanban_tui.storage.maintenance import backup_board

        return backup_board(self._file_connection(), destination)

    def integrity_check(self) -> list[str]:
        """SQLite's own integrity check: ['ok'] for a sound file."""
        return [str(r[0]) for r in self._file_connection().execute("PRAGMA integrity_check")]
