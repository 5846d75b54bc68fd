"""What flow metrics need, read from the projections in a few set-based queries (no replay).

Transitions and blocks are already projected per card, so a squad's whole history is three
scans ordered by card; rows become domain models without re-validation (`trusted`: they come
from our own projections, with times already in UTC).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from kanban_tui.domain.flow import (
    SLE_HISTORY_DAYS,
    BlockSpan,
    CardBlock,
    CardHistory,
    Conventions,
    FinishedCard,
    FlowReport,
    SleTarget,
    WaitingStay,
    WipEvent,
    flow_report,
    recent_first_day,
)
from kanban_tui.domain.models import ClassOfService, Column, ColumnRole, Squad
from kanban_tui.storage import queries
from kanban_tui.storage.connection import Connection
from kanban_tui.storage.convert import from_db_time, to_db_time, trusted
from kanban_tui.storage.finishes import column_ids, in_list, squad_roles
from kanban_tui.storage.flow_summaries import read_histories


@dataclass(frozen=True)
class FlowInputs:
    """A squad's cards as histories, its board order and its WIP-limit exceptions."""

    squad: Squad
    columns: list[Column]
    """Current columns, left to right."""
    histories: list[CardHistory]
    wip_events: list[WipEvent]
    settled: dict[str, int] = field(default_factory=dict)
    """Cards read as counts per column instead of histories (see `flow_inputs`)."""
    waiting: list[WaitingStay] = field(default_factory=list)
    """The stays of cards read as stays alone instead of histories (see `flow_inputs`)."""
    finished: list[FinishedCard] = field(default_factory=list)
    """Finished cards read as the fold's summaries (see `summarised_flow_inputs`)."""
    exit_ages: dict[str, list[float]] | None = None
    blocks: list[CardBlock] | None = None

    @property
    def column_order(self) -> list[str]:
        return [c.id for c in self.columns]

    @property
    def wip_limits(self) -> dict[str, int]:
        return {c.id: c.wip_limit for c in self.columns if c.wip_limit is not None}

    def report(
        self,
        *,
        since: date,
        until: date,
        now: datetime,
        conventions: Conventions,
        per_card: bool = True,
        cumulative: bool = True,
    ) -> FlowReport:
        """The squad's flow report for a period, with its configured SLE (if any) in the
        report's unit; read the inputs with `look_back_from=look_back_start(since, now, ...)`.
        `per_card=False` leaves the report's `cards` empty, `cumulative=False` its cumulative
        flow (see `flow_report`)."""
        if self.exit_ages is not None and conventions.zone != self.squad.timezone:
            raise ValueError("summarised cards count days in the squad's own time zone")
        days = self.squad.sle_days
        sle = (
            SleTarget(
                value=days * (24 if conventions.unit == "hours" else 1),
                percent=self.squad.sle_percent,
            )
            if days is not None
            else None
        )
        return flow_report(
            self.histories,
            column_order=self.column_order,
            since=since,
            until=until,
            now=now,
            conventions=conventions,
            wip_events=self.wip_events,
            wip_limits=self.wip_limits,
            sle=sle,
            settled=self.settled,
            waiting=self.waiting,
            per_card=per_card,
            cumulative=cumulative,
            finished=self.finished,
            exit_ages=self.exit_ages,
            blocks=self.blocks,
        )


def _time(text: str | None) -> datetime | None:
    return from_db_time(text) if text else None


def _sort_cards(conn: Connection, squad_id: str, bound: datetime) -> dict[str, int]:
    """Fill the temporary table flow_cards with the squad's cards, the column each is settled
    in (the domain's `settled_column` at `bound`: it sat there, finished or never started, with
    no move and no block since before `bound`; NULL for every other card) and whether it is
    waiting (the domain's `is_waiting`); returns the settled counts per column.

    Column roles come from IN lists of the squad's column ids (a card's stay in a column of
    another squad counts as a queue, as in the histories), which spares a join per stay.
    """
    roles = squad_roles(conn, squad_id)
    started = column_ids(roles, lambda role: role is not ColumnRole.QUEUE)
    done = column_ids(roles, lambda role: role is ColumnRole.DONE)
    text = to_db_time(bound)
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS flow_cards"
        " (uid TEXT PRIMARY KEY, settled_in TEXT, waiting INTEGER NOT NULL)"
    )
    conn.execute("DELETE FROM flow_cards")
    conn.execute(
        "INSERT INTO flow_cards (uid, settled_in, waiting)"
        " SELECT c.uid,"
        "  CASE WHEN last.exited_at IS NULL AND last.entered_at < ?"
        f"   AND (last.column_id IN ({in_list(done)}) OR per_card.started = 0)"
        "   AND NOT EXISTS (SELECT 1 FROM card_blocks b WHERE b.card_uid = c.uid"
        "    AND (b.unblocked_at IS NULL OR b.unblocked_at >= ?))"
        "  THEN last.column_id END,"
        "  CASE WHEN coalesce(per_card.started, 0) = 0"
        "   AND NOT EXISTS (SELECT 1 FROM card_blocks b WHERE b.card_uid = c.uid)"
        "  THEN 1 ELSE 0 END"
        " FROM cards c"
        " LEFT JOIN ("
        "  SELECT t.card_uid, max(t.id) AS last_id,"
        f"   max(CASE WHEN t.column_id IN ({in_list(started)}) THEN 1 ELSE 0 END) AS started"
        "  FROM card_transitions t"
        "  WHERE t.card_uid IN (SELECT uid FROM cards WHERE squad_id = ? AND deleted = 0)"
        "  GROUP BY t.card_uid"
        " ) per_card ON per_card.card_uid = c.uid"
        " LEFT JOIN card_transitions last ON last.id = per_card.last_id"
        " WHERE c.squad_id = ? AND c.deleted = 0",
        [text, *done, text, *started, squad_id, squad_id],
    )
    return dict(
        conn.execute(
            "SELECT settled_in, count(*) FROM flow_cards"
            " WHERE settled_in IS NOT NULL GROUP BY settled_in"
        ).fetchall()
    )


def flow_inputs(
    conn: Connection,
    squad: Squad,
    *,
    card_uid: str | None = None,
    look_back_from: datetime | None = None,
    waiting_stays: bool = True,
) -> FlowInputs:
    """Read every (or one) non-deleted card's stays and blocks for a squad.

    With `look_back_from` (the domain's `look_back_start` of the report to be made), cards
    settled before it come as counts per column in `settled`, and waiting cards (never started,
    never blocked) as their stays alone in `waiting`, not as histories: the report is the same,
    and on a large board most cards are such. Only the cumulative flow counts those stays:
    `waiting_stays=False` leaves them unread, for a report made with `cumulative=False`.
    """
    roles = squad_roles(conn, squad.id)
    only = " AND c.uid = ?" if card_uid else ""
    params: list[object] = [squad.id, *([card_uid] if card_uid else [])]
    settled: dict[str, int] = {}
    waiting: list[WaitingStay] = []
    if look_back_from is not None and card_uid is None:
        settled = _sort_cards(conn, squad.id, look_back_from)
        only = " AND c.uid IN (SELECT uid FROM flow_cards WHERE settled_in IS NULL AND waiting = 0)"
        if waiting_stays:
            waiting = [
                (column_id, from_db_time(entered), _time(exited))
                for column_id, entered, exited in conn.execute(
                    "SELECT t.column_id, t.entered_at, t.exited_at FROM flow_cards f"
                    " JOIN card_transitions t ON t.card_uid = f.uid"
                    " WHERE f.settled_in IS NULL AND f.waiting = 1 ORDER BY t.id"
                )
            ]
    histories = read_histories(conn, roles, f"c.squad_id = ?{only}", params)
    return FlowInputs(
        squad,
        queries.columns(conn, squad.id),
        histories,
        _wip_events(conn, squad.id),
        settled,
        waiting,
    )


def _wip_events(conn: Connection, squad_id: str) -> list[WipEvent]:
    return [
        WipEvent.model_construct(
            kind="breach" if kind == "wip.breached" else "override",
            column_id=column_id,
            at=from_db_time(at),
            reason=reason,
        )
        for kind, column_id, at, reason in conn.execute(
            "SELECT kind, column_id, at, reason FROM wip_exceptions WHERE squad_id = ? ORDER BY at",
            [squad_id],
        )
    ]


def summarised_flow_inputs(
    conn: Connection, squad: Squad, *, look_back_from: datetime, now: datetime, unit: str
) -> FlowInputs:
    """A squad's flow inputs for a report without per-card measures or cumulative flow, from
    the fold's summaries: the cards finished from `look_back_from` (the report's
    `look_back_start`) to `now` as `FinishedCard`s, the cards in flight (or finished after `now`)
    as histories, the ages at which cards left their columns in the aging bands' look-back (in
    `unit`), and every block. The report is the same as from every card's history."""
    start_text, now_text = to_db_time(look_back_from), to_db_time(now)
    classes = {c.value: c for c in ClassOfService}
    lists: dict[str, tuple[str, ...]] = {}

    def parsed(text: str) -> tuple[str, ...]:
        found = lists.get(text)
        if found is None:
            found = lists[text] = tuple(json.loads(text))
        return found

    ordinal = date.fromordinal
    finished = [
        FinishedCard(
            uid=uid,
            key=key,
            created_at=from_db_time(created),
            tag_ids=parsed(tag_ids),
            class_of_service=classes[klass],
            assignees=parsed(assignees),
            start=from_db_time(started),
            finish=from_db_time(finish),
            created_day=ordinal(created_day),
            start_day=ordinal(start_day),
            finish_day=ordinal(finish_day),
            active_hours=active,
        )
        for (
            uid,
            key,
            created,
            tag_ids,
            klass,
            assignees,
            started,
            finish,
            created_day,
            start_day,
            finish_day,
            active,
        ) in conn.execute(
            "SELECT uid, key, created_at, tag_ids, class_of_service, assignees, started_at,"
            " finished_at, created_day, start_day, finish_day, active_hours FROM card_flow"
            " WHERE squad_id = ? AND finished_at >= ? AND finished_at <= ?",
            [squad.id, start_text, now_text],
        )
    ]
    histories = read_histories(
        conn,
        squad_roles(conn, squad.id),
        "c.uid IN (SELECT uid FROM card_flow WHERE squad_id = ? AND started_at IS NOT NULL"
        " AND (finished_at IS NULL OR finished_at > ?))",
        [squad.id, now_text],
    )
    first = recent_first_day(now, Conventions(zone=squad.timezone), SLE_HISTORY_DAYS)
    exit_ages: dict[str, list[float]] = defaultdict(list)
    if unit == "days":
        for column_id, age, count in conn.execute(
            "SELECT column_id, age_days, count(*) FROM flow_exits"
            " WHERE squad_id = ? AND exited_day >= ? AND exited_at <= ?"
            " GROUP BY column_id, age_days",
            [squad.id, first.toordinal(), now_text],
        ):
            exit_ages[column_id] += [float(age)] * count
    else:
        for column_id, age in conn.execute(
            "SELECT column_id, age_hours FROM flow_exits"
            " WHERE squad_id = ? AND exited_day >= ? AND exited_at <= ?",
            [squad.id, first.toordinal(), now_text],
        ):
            exit_ages[column_id].append(age)
    blocks = [
        CardBlock(
            key=key,
            span=trusted(
                BlockSpan,
                {
                    "reason": reason,
                    "blocked_at": from_db_time(blocked),
                    "unblocked_at": _time(unblocked),
                },
            ),
            start=_time(started),
            finish=_time(finish),
        )
        for key, started, finish, reason, blocked, unblocked in conn.execute(
            "SELECT f.key, f.started_at, f.finished_at, b.reason, b.blocked_at, b.unblocked_at"
            " FROM card_blocks b JOIN card_flow f ON f.uid = b.card_uid"
            " WHERE f.squad_id = ? AND (b.unblocked_at IS NULL OR b.unblocked_at >= ?)"
            " ORDER BY b.card_uid, b.id",
            [squad.id, start_text],
        )
    ]
    return FlowInputs(
        squad,
        queries.columns(conn, squad.id),
        histories,
        _wip_events(conn, squad.id),
        finished=finished,
        exit_ages=dict(exit_ages),
        blocks=blocks,
    )
