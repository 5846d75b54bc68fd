"""The board screen: columns side by side, keys for every change, live updates from teammates.

Every store call runs in a thread worker that posts a message; the handlers here own the state.
Live refresh polls the log's insertion position a few times a second and re-reads only the cards
that changed, so focus, scroll, filter and open dialogs survive a teammate's change.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from kanban_tui.app.head import HeadRead, read_head, view_state
from kanban_tui.app.messages import (
    BoardLoaded,
    BoardReachable,
    BoardUnavailable,
    CardsChanged,
    ChangeDone,
    ChangeRefused,
    DetailsLoaded,
    EditConflict,
    SquadsLoaded,
    UndoStep,
    WipRefused,
)
from kanban_tui.app.screens.dialogs import ChecklistModal, ConfirmModal, ReasonModal, SquadPicker
from kanban_tui.app.view_model import (
    BoardState,
    CardFace,
    ColumnFace,
)
from kanban_tui.app.widgets.card_list import CardList
from kanban_tui.app.widgets.column import ColumnView
from kanban_tui.app.widgets.details import CardDetails
from kanban_tui.app.widgets.footer import KeyBar
from kanban_tui.domain.clock import Clock
from kanban_tui.domain.errors import SquadboardError, WipLimitReached
from kanban_tui.domain.filters import FILTER_HELP, CardQuery, parse_filter
from kanban_tui.domain.models import Card, Column
from kanban_tui.domain.rules import WipOutcome
from kanban_tui.domain.text import printable
from kanban_tui.storage.store import UNSET, CardChange, Store

if TYPE_CHECKING:
    from kanban_tui.app.screens.card_form import CardDraft

POLL_SECONDS = 0.25
"""How often to look for teammates' changes (a cheap read of the log's last row id)."""
FULL_RELOAD_AFTER = 300
"""Re-read the whole board rather than patch when this many cards changed at once."""
WAITING_DELAY = 0.4
"""Show "waiting for the board" when a write takes longer than this."""

Action = Callable[[Store], CardChange]


class BoardScreen(Screen[None]):
    """One squad's board."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """Textual's own, without its repaint of the whole screen on every focus change: a move
    takes the focus to the next column, and repainting all of it was half of the move's time.
    What focus changes is redrawn anyway: the two lists, and the `:focus` styles' widgets."""
    AUTO_FOCUS = "CardList"
    """Focus goes to the cards, never by default to the details panel (it can scroll, so it can
    take focus, and before the cards arrive it was the first focusable widget)."""
    BINDINGS = [
        Binding("left,h", "focus_column(-1)", "Column", show=False),
        Binding("right,l", "focus_column(1)", "Column", show=False),
        Binding("H,shift+left", "move_card(-1)", "Move ←", key_display="H"),
        Binding("L,shift+right", "move_card(1)", "Move →", key_display="L"),
        Binding("K,shift+up", "reorder(-1)", "Up", show=False),
        Binding("J,shift+down", "reorder(1)", "Down", show=False),
        Binding("n", "new_card", "New"),
        Binding("e,enter", "edit_card", "Edit"),
        Binding("b", "block", "Block"),
        Binding("a", "assign", "Assign"),
        Binding("t", "tags", "Tags"),
        Binding("x", "archive", "Archive"),
        Binding("d", "delete", "Delete"),
        Binding("slash", "filter", "Filter"),
        Binding("escape", "leave_filter", "Board", show=False),
        Binding("A", "toggle_archived", "Archived", show=False),
        Binding("i", "toggle_details", "Details", show=False),
        Binding("s", "switch_squad", "Squad"),
        Binding("u", "undo", "Undo"),
        Binding("f", "app.flow", "Flow"),
        Binding("R", "app.retro", "Retro"),
    ]

    def __init__(
        self,
        store: Store,
        clock: Clock,
        squad: str | None,
        *,
        poll_seconds: float | None = POLL_SECONDS,
        on_squad_chosen: Callable[[str], None] | None = None,
        head: HeadRead | None = None,
    ) -> None:
        super().__init__()
        self.head = head if head is not None and head.squad == squad else None
        """The first frame's read, started before the app (`squadboard open`); used once."""
        self.store = store
        self.clock = clock
        self.squad_name = squad
        self.poll_seconds = poll_seconds
        self.on_squad_chosen = on_squad_chosen
        self.state: BoardState | None = None
        self.last_rowid = 0
        self.query_filter: CardQuery = parse_filter("")
        self.show_archived = False
        self.undo_stack: list[UndoStep] = []
        self.follow_uid: str | None = None
        self.focused_column_id: str | None = None
        self.highlighted_uid: str | None = None
        self.squads: list[tuple[str, str]] = []
        self._writes_in_flight = 0
        self._after_writes: list[Callable[[], object]] = []
        """Moves asked for while a write was in flight: they run, in order, once it is done."""
        self._frozen = False
        self._status_notes: dict[str, str] = {}

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="board-header"):
            yield Static(id="squad-name", markup=False)
            yield Static(id="status", markup=False)
        yield Static(id="mission", markup=False)
        with Horizontal(id="board-body"):
            yield Horizontal(id="columns")
            yield CardDetails(id="details")
        yield Input(placeholder=f"Filter: {FILTER_HELP}", id="filter")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#squad-name", Static).update(Text("Loading the board…", style="dim"))
        self.query_one("#details", CardDetails).display = self.app.size.width >= 150
        self.query_one("#filter", Input).display = False
        if self.store.read_only:
            self._set_status("read-only", "READ-ONLY: you can look, not change")
        self.load_board(head_first=True)
        self.load_squads()
        if self.poll_seconds:
            self.set_interval(self.poll_seconds, self.check_changes)

    # -- reading -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="board-read", exit_on_error=False)
    def load_board(self, *, head_first: bool = False) -> None:
        """Read the whole board; with `head_first`, only what a first frame draws (the whole
        board is read after that frame), so a board of 10,000 cards appears as soon as one of
        100 does."""
        head = self.head
        try:
            if head_first and head and head.squad == self.squad_name and not head.taken:
                snapshot, state = head.take()  # waits here, in the worker, if still reading
            else:
                if head_first:
                    snapshot = read_head(self.store, self.squad_name, self.clock)
                else:
                    snapshot = self.store.snapshot(self.squad_name, include_archived=True)
                # The view state is built here, off the UI thread, the SLE included.
                state = view_state(snapshot, self.clock())
        except SquadboardError as error:
            self.post_message(BoardUnavailable(str(error)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(BoardLoaded(snapshot, state))

    @work(thread=True, group="squads", exit_on_error=False)
    def load_squads(self) -> None:
        squads = [(s.name, s.mission) for s in self.store.squads()]
        self.post_message(SquadsLoaded(squads))

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def check_changes(self) -> None:
        if self.state is None or self.state.is_head:
            return  # the whole board is on its way
        squad_id = self.state.shape.squad.id
        try:
            changes = self.store.changes_since(self.last_rowid, squad_id)
            if self._status_notes.get("unavailable"):
                self.post_message(BoardReachable())
            if not changes.count:
                return
            if changes.shape_changed or len(changes.card_uids) > FULL_RELOAD_AFTER:
                self.app.call_from_thread(self.load_board)
                return
            cards, times = self.store.cards_with_times(squad_id, sorted(changes.card_uids))
        except SquadboardError as error:
            self.post_message(BoardUnavailable(str(error)))
            return
        self.post_message(CardsChanged(changes, cards, times))

    @on(BoardLoaded)
    def board_loaded(self, message: BoardLoaded) -> None:
        snapshot = message.snapshot
        if snapshot.is_head:
            self.call_after_refresh(self.load_board)
            # `squadboard open` holds the garbage collector off until the first frame.
            self.call_after_refresh(gc.enable)
        elif not self._frozen:
            # Objects loaded so far live as long as the app; freezing them spares the
            # collector from rescanning them, which made every few moves stall.
            self._frozen = True
            self.call_after_refresh(gc.freeze)
        self.state = message.state
        self.last_rowid = snapshot.last_rowid
        self.squad_name = snapshot.board.squad.name
        squad = snapshot.board.squad
        self.query_one("#squad-name", Static).update(
            Text.assemble(
                (printable(squad.name), "bold"), ("  " + printable(self.store.actor), "dim")
            )
        )
        self.query_one("#mission", Static).update(Text(printable(squad.mission), style="italic"))
        self._rebuild_columns()
        self._set_status("unavailable", "")

    @on(BoardUnavailable)
    def board_unavailable(self, message: BoardUnavailable) -> None:
        gc.enable()  # held off by `squadboard open` until a first frame that may not come
        # What the user needs first comes first: a long reason is cut at the line's end.
        retrying = "showing the last state, retrying: " if self.state and self.poll_seconds else ""
        self._set_status("unavailable", f"⚠ {retrying}{message.reason}")
        if self.state is None:
            self.query_one("#squad-name", Static).update(
                Text(printable(message.reason), style="bold red")
            )

    @on(BoardReachable)
    def board_reachable(self) -> None:
        """Back after an outage: read the whole board again, since notices may have been missed."""
        self._set_status("unavailable", "")
        self.load_board()

    @on(CardsChanged)
    def cards_changed(self, message: CardsChanged) -> None:
        if self.state is None or message.changes.last_rowid <= self.last_rowid:
            return
        changes = message.changes
        found = {c.uid for c in message.cards}
        touched = self.state.patch(message.cards, message.times, changes.card_uids - found)
        self.last_rowid = changes.last_rowid
        self._refresh_columns(touched)
        if self.highlighted_uid in changes.card_uids:
            self._load_details_for(self.highlighted_uid)

    @on(SquadsLoaded)
    def squads_loaded(self, message: SquadsLoaded) -> None:
        self.squads = message.squads

    # -- drawing -------------------------------------------------------------------------------

    def _column_views(self) -> list[ColumnView]:
        return list(self.query_one("#columns", Horizontal).query(ColumnView))

    def _rebuild_columns(self) -> None:
        assert self.state is not None
        views = self._column_views()
        now = self.clock()
        faces = [
            self.state.face(c, now, self.query_filter, self.show_archived)
            for c in self.state.columns
        ]
        if [v.face.column.id for v in views] == [f.column.id for f in faces]:
            for view, face in zip(views, faces, strict=True):
                view.show(face, self._keep_for(view))
            self._follow()
        else:
            self.call_later(self._replace_columns, faces)
        self._update_filter_status()

    async def _replace_columns(self, faces: list[ColumnFace]) -> None:
        """Show another board's columns; focus is restored once the old ones are gone."""
        container = self.query_one("#columns", Horizontal)
        await container.remove_children()
        await container.mount_all(ColumnView(face) for face in faces)
        self._update_filter_status()
        self.call_after_refresh(self._restore_focus)

    def _refresh_columns(self, column_ids: set[str]) -> None:
        assert self.state is not None
        now = self.clock()
        for view in self._column_views():
            if view.face.column.id in column_ids:
                face = self.state.face(view.face.column, now, self.query_filter, self.show_archived)
                view.show(face, self._keep_for(view))
        self._follow()
        self._update_filter_status()

    def _keep_for(self, view: ColumnView) -> str | None:
        if self.follow_uid and view.face.cards.index_of(self.follow_uid) is not None:
            return self.follow_uid
        return None

    def _follow(self) -> None:
        """After our own move, keep the cursor on the moved card in its new column."""
        if not self.follow_uid:
            return
        for view in self._column_views():
            if view.cards.faces.index_of(self.follow_uid) is not None:
                view.cards.select_uid(self.follow_uid)
                view.cards.focus()
                self.follow_uid = None
                return

    def _restore_focus(self) -> None:
        views = self._column_views()
        if not views:
            return
        if self.follow_uid:
            self._follow()
            return
        target = next((v for v in views if v.face.column.id == self.focused_column_id), None)
        if target is None:
            target = next((v for v in views if v.cards.faces), views[0])
        target.cards.focus()
        target.cards.announce()  # it may have had focus already, before its cards arrived

    def _refresh_all(self) -> None:
        if self.state is not None:
            self._refresh_columns({c.id for c in self.state.columns})

    # -- focus and details ---------------------------------------------------------------------

    @on(CardList.Highlighted)
    def highlighted(self, message: CardList.Highlighted) -> None:
        if not message.card_list.has_focus:
            return  # a column redrawn in the background does not take the focus
        self.focused_column_id = message.card_list.column_id
        self.highlighted_uid = message.uid
        card = self.state.cards.get(message.uid or "") if self.state else None
        reason = f"{card.key} ⛔ {card.blocked_reason}" if card and card.blocked else ""
        self._set_status("blocked", reason)  # the reason shows on focus even without details
        # Read once the cursor is drawn: a worker thread beside the drawing slows it down.
        self.call_after_refresh(self._load_details_for, message.uid)

    def _load_details_for(self, uid: str | None) -> None:
        details = self.query_one("#details", CardDetails)
        if not details.display:
            return
        if uid is None or self.state is None or uid not in self.state.cards:
            details.clear()
            return
        self.load_details(self.state.cards[uid])

    @work(thread=True, exclusive=True, group="details", exit_on_error=False)
    def load_details(self, card: Card) -> None:
        # The details panel's Markdown widget is imported here, off the UI thread, the first
        # time; the UI thread then finds it loaded.
        from textual.widgets import Markdown  # noqa: F401

        try:
            history = self.store.events(card=card.key)
            fresh = self.store.card(card.key)
        except SquadboardError:
            return
        if not get_current_worker().is_cancelled:
            self.post_message(DetailsLoaded(fresh, history))

    @on(DetailsLoaded)
    def details_loaded(self, message: DetailsLoaded) -> None:
        if self.state is not None and message.card.uid == self.highlighted_uid:
            self.query_one("#details", CardDetails).show_card(
                message.card, self.state.shape, message.history
            )

    def action_toggle_details(self) -> None:
        details = self.query_one("#details", CardDetails)
        details.display = not details.display
        self._load_details_for(self.highlighted_uid)

    def _focused_view(self) -> ColumnView | None:
        views = self._column_views()
        return next((v for v in views if v.face.column.id == self.focused_column_id), None)

    def current_face(self) -> CardFace | None:
        view = self._focused_view()
        return view.cards.current if view else None

    def current_card(self) -> Card | None:
        face = self.current_face()
        if face is None or self.state is None:
            return None
        return self.state.cards.get(face.uid)

    def action_focus_column(self, step: int) -> None:
        views = self._column_views()
        if not views:
            return
        ids = [v.face.column.id for v in views]
        index = ids.index(self.focused_column_id) if self.focused_column_id in ids else 0
        views[max(0, min(len(views) - 1, index + step))].cards.focus()

    def jump_to(self, uid: str) -> None:
        """Focus a card wherever it is (command palette)."""
        self.follow_uid = uid
        self._follow()

    # -- writing -------------------------------------------------------------------------------

    def change(
        self,
        action: Action,
        summary: Callable[[CardChange], str],
        *,
        inverse: Callable[[CardChange], Action] | None = None,
        follow: bool = False,
        override: Callable[[str], Action] | None = None,
        take_back: Callable[[], None] | None = None,
    ) -> None:
        """Run one change in a worker; report it, remember how to undo it, follow the card.

        `take_back` undoes what the board drew before the write (a move), if the store refuses.
        """
        self._begin_write()
        self._write(action, summary, inverse, follow, override, take_back)

    def _begin_write(self) -> None:
        self._writes_in_flight += 1
        self.set_timer(WAITING_DELAY, self._show_waiting)

    @work(thread=True, group="write", exit_on_error=False)
    def _write(
        self,
        action: Action,
        summary: Callable[[CardChange], str],
        inverse: Callable[[CardChange], Action] | None,
        follow: bool,
        override: Callable[[str], Action] | None,
        take_back: Callable[[], None] | None,
    ) -> None:
        try:
            change = action(self.store)
        except WipLimitReached as error:
            if override is None:
                self.post_message(ChangeRefused(str(error), take_back))
                return

            def retry(reason: str) -> None:
                # A move drawn at once went back; once allowed, the cursor goes with it again.
                again = follow or take_back is not None
                self.change(override(reason), summary, inverse=inverse, follow=again)

            self.post_message(WipRefused(error, retry, take_back))
            return
        except SquadboardError as error:
            self.post_message(ChangeRefused(str(error), take_back))
            return
        undo = None
        if inverse is not None:
            undo = UndoStep(
                summary(change),
                change.card.key,
                change.card,
                inverse(change),
            )
        self.post_message(self._done(change, summary(change), undo, follow=follow))

    def _done(
        self,
        change: CardChange,
        summary: str,
        undo: UndoStep | None,
        *,
        follow: bool = False,
        announce: bool = False,
    ) -> ChangeDone:
        """The message for a committed change, with the card re-read (runs in the worker)."""
        card = change.card
        fresh: list[Card] | None
        try:
            fresh, times = self.store.cards_with_times(card.squad_id, [card.uid])
        except SquadboardError:
            fresh, times = None, {}
        return ChangeDone(
            change, summary, undo, follow=follow, announce=announce, fresh=fresh, times=times
        )

    def _write_finished(self) -> None:
        self._writes_in_flight = max(0, self._writes_in_flight - 1)
        if not self._writes_in_flight:
            self._set_status("waiting", "")
            # After the handler that called this has drawn the write's result.
            self.call_later(self._run_after_writes)

    def writes_pending(self) -> bool:
        """Changes the board shows or has queued that are not in the file yet."""
        return bool(self._writes_in_flight or self._after_writes)

    def after_writes(self, then: Callable[[], object]) -> None:
        """Run `then` once the pending writes are done (dropped if one is refused, so the user
        sees why before anything else happens)."""
        self._after_writes.append(then)

    def _run_after_writes(self) -> None:
        if not self._writes_in_flight:
            waiting, self._after_writes = self._after_writes, []
            for action in waiting:
                action()

    def _show_waiting(self) -> None:
        if self._writes_in_flight:
            self._set_status("waiting", "⏳ waiting for the board…")

    @on(ChangeDone)
    def change_done(self, message: ChangeDone) -> None:
        self._write_finished()
        if message.undo is not None:
            self.undo_stack.append(message.undo)
        if message.follow:
            self.follow_uid = message.change.card.uid
        card = message.change.card
        state = self.state
        if message.fresh is not None and state and card.squad_id == state.shape.squad.id:
            # Drawn now, not after the next poll's round trip; the poll then finds nothing new.
            gone = {card.uid} - {c.uid for c in message.fresh}
            self._refresh_columns(state.patch(message.fresh, message.times, gone))
        if message.announce:
            self.notify(message.summary, markup=False)
        change = message.change
        if change.wip is WipOutcome.BREACH and change.column is not None:
            self.notify(
                f"{change.column.name} is over its WIP limit of {change.column.wip_limit}; "
                "the breach is recorded.",
                title="WIP limit",
                severity="warning",
                markup=False,
            )
        elif change.wip is WipOutcome.OVERRIDE and change.column is not None:
            self.notify(f"Override recorded for {change.column.name}.", markup=False)
        # After the frame: the card is drawn already, and the poll's read would only compete
        # with drawing it.
        self.call_after_refresh(self.check_changes)

    @on(ChangeRefused)
    def change_refused(self, message: ChangeRefused) -> None:
        self._after_writes.clear()  # moves queued behind a refused one would surprise
        self.follow_uid = None
        if message.take_back:
            message.take_back()
        self._write_finished()
        self.notify(message.reason, title="Not changed", severity="error", markup=False)
        self.check_changes()

    @on(WipRefused)
    def wip_refused(self, message: WipRefused) -> None:
        self._after_writes.clear()
        if message.take_back:
            message.take_back()
        self._write_finished()
        self._ask_wip_override(message.error, message.retry)
        self.check_changes()

    def _ask_wip_override(self, error: WipLimitReached, retry: Callable[[str], None]) -> None:
        """The WIP dialog: cancel, or go over the limit with a reason (which is recorded)."""
        explanation = (
            f"{error.column} holds {len(error.occupants)} of its {error.limit} "
            f"({', '.join(error.occupants)}). Finishing work before starting more keeps cycle "
            "time down. To go over the limit anyway, say why; the reason is recorded."
        )

        def decided(reason: str | None) -> None:
            if reason:
                retry(reason)
            else:
                self.follow_uid = None

        self.app.push_screen(
            ReasonModal(
                f"{error.column} is at its WIP limit",
                explanation,
                "Move anyway",
                "Why go over the limit?",
            ),
            decided,
        )

    def _column_after(self, card: Card, step: int) -> Column | None:
        assert self.state is not None
        ids = [c.id for c in self.state.columns]
        index = ids.index(card.column_id) + step
        return self.state.columns[index] if 0 <= index < len(ids) else None

    def _undo_move(self, before: Card) -> Callable[[CardChange], Action]:
        assert self.state is not None
        names = {c.id: c.name for c in self.state.columns}

        def inverse(change: CardChange) -> Action:
            return lambda s: s.move_card(
                change.card.key, names[before.column_id], position=before.position
            )

        return inverse

    def action_move_card(self, step: int) -> None:
        """Move the card to the next or previous column: drawn at once, then written.

        The board decides the WIP limit from the cards it holds, so the dialog comes before
        anything moves; the store decides again when it writes, and if it refuses (a teammate
        filled the column meanwhile) the card goes back and the user is told why.
        """
        if self._writes_in_flight:
            # The board already shows the earlier move; this one waits for it to be written,
            # so that the file gets the moves in the order the keys were pressed.
            self._after_writes.append(lambda: self.action_move_card(step))
            return
        card = self.current_card()
        state = self.state
        if card is None or state is None:
            return
        target = self._column_after(card, step)
        if target is None:
            return
        key, name = card.key, target.name
        inverse = self._undo_move(card)

        def summary(change: CardChange) -> str:
            return f"Moved {change.card.key} to {name}"

        def override(reason: str) -> Action:
            return lambda s: s.move_card(key, name, override_reason=reason)

        def move(s: Store) -> CardChange:
            return s.move_card(key, name)

        if state.is_head:  # a first frame: the board does not hold the columns' every card
            self.change(move, summary, inverse=inverse, follow=True, override=override)
            return
        refusal = state.wip_refusal(card, target)
        if refusal is not None:

            def retry(reason: str) -> None:
                self.change(override(reason), summary, inverse=inverse, follow=True)

            self._ask_wip_override(refusal, retry)
            return
        local, touched = state.move_locally(card.uid, target, self.clock())
        self.follow_uid = card.uid
        self._refresh_columns(touched)

        def take_back() -> None:
            if self.state is state:
                self.follow_uid = card.uid
                self._refresh_columns(state.take_back(local))

        # The write starts once the frame is drawn: a worker thread running beside the drawing
        # shares the interpreter with it and slowed the frame by a third. No `follow`: the
        # cursor went with the card already, and the user may have moved on before the write.
        self._begin_write()
        self.call_after_refresh(self._write, move, summary, inverse, False, override, take_back)

    def action_reorder(self, step: int) -> None:
        view = self._focused_view()
        card = self.current_card()
        if view is None or card is None:
            return
        faces = view.cards.faces
        index = view.cards.cursor + step
        if not 0 <= index < len(faces) or faces[index].uid == card.uid:
            return
        neighbour = faces[index].key
        above, below = (neighbour, None) if step < 0 else (None, neighbour)
        self.change(
            lambda s: s.move_card(card.key, before=above, after=below),
            lambda c: f"Moved {c.card.key} {'up' if step < 0 else 'down'}",
            inverse=self._undo_move(card),
            follow=True,
        )

    def action_new_card(self) -> None:
        if self.state is None:
            return
        column = self._focused_view()
        column_name = column.face.column.name if column else None
        squad = self.state.shape.squad.name

        def save(draft: CardDraft | None) -> None:
            if draft is None:
                return

            def add(reason: str | None) -> Action:
                def run(s: Store) -> CardChange:
                    _ensure_tags(s, squad, draft.tags)
                    return s.add_card(
                        squad,
                        draft.title,
                        column=column_name,
                        description=draft.description,
                        tags=draft.tags,
                        assignees=draft.assignees,
                        class_of_service=draft.class_of_service,
                        due=draft.due,
                        override_reason=reason,
                    )

                return run

            self.change(
                add(None),
                lambda c: f"Added {c.card.key}",
                inverse=lambda c: lambda s: s.delete_card(c.card.key),
                follow=True,
                override=add,
            )

        from kanban_tui.app.screens.card_form import CardFormModal  # its TextArea loads on use

        self.app.push_screen(CardFormModal(self.state.shape, self.clock), save)

    def action_edit_card(self) -> None:
        card = self.current_card()
        if card is None or self.state is None:
            return
        opened = card
        squad = self.state.shape.squad.name

        def save(draft: CardDraft | None) -> None:
            if draft is not None:
                self._save_edit(opened, draft, squad, check=True)

        from kanban_tui.app.screens.card_form import CardFormModal  # its TextArea loads on use

        self.app.push_screen(CardFormModal(self.state.shape, self.clock, card), save)

    def _save_edit(self, opened: Card, draft: CardDraft, squad: str, *, check: bool) -> None:
        self._begin_write()
        self._edit(opened, draft, squad, check)

    @work(thread=True, group="write", exit_on_error=False)
    def _edit(self, opened: Card, draft: CardDraft, squad: str, check: bool) -> None:
        try:
            current = self.store.card(opened.key)
            if check and current != opened:
                since = [
                    e
                    for e in self.store.events(card=opened.key)
                    if e.recorded_at > opened.updated_at
                ]
                who = ", ".join(dict.fromkeys(e.actor for e in since)) or "someone"
                fields = _changed_fields(opened, current)

                def save_anyway() -> None:
                    self._save_edit(current, draft, squad, check=False)

                self.post_message(EditConflict(opened.key, who, fields, save_anyway))
                return
            change = self._apply_draft(current, draft, squad)
        except SquadboardError as error:
            self.post_message(ChangeRefused(str(error)))
            return
        undo_draft = _draft_of(current, self.store)
        self.post_message(
            self._done(
                change,
                f"Edited {current.key}",
                UndoStep(
                    f"Edited {current.key}",
                    current.key,
                    change.card,
                    lambda s: self._apply_draft(s.card(current.key), undo_draft, squad, store=s),
                ),
            )
        )

    def _apply_draft(
        self, card: Card, draft: CardDraft, squad: str, store: Store | None = None
    ) -> CardChange:
        """Bring a card to what the form says, one small change at a time."""
        s = store or self.store
        change: CardChange | None = None
        due_changed = draft.due != card.due
        edits = {
            "title": draft.title if draft.title != card.title else None,
            "description": draft.description if draft.description != card.description else None,
            "class_of_service": (
                draft.class_of_service if draft.class_of_service != card.class_of_service else None
            ),
        }
        if any(v is not None for v in edits.values()) or due_changed:
            change = s.edit_card(
                card.key,
                title=edits["title"],
                description=edits["description"],
                class_of_service=edits["class_of_service"],  # type: ignore[arg-type]
                due=draft.due if due_changed else UNSET,
            )
        tag_names = {t.id: t.name for t in s.board_of(card).tags}
        had_tags = [tag_names[t] for t in card.tag_ids if t in tag_names]
        change = _sync_tags(s, squad, card.key, had_tags, list(draft.tags)) or change
        change = _sync_people(s, card.key, list(card.assignees), list(draft.assignees)) or change
        if change is None:
            raise SquadboardError(f"nothing to change in {card.key}")
        return change

    @on(EditConflict)
    def edit_conflict(self, message: EditConflict) -> None:
        self._write_finished()

        def decided(yes: bool | None) -> None:
            if yes:
                message.save_anyway()

        self.app.push_screen(
            ConfirmModal(
                f"{message.changed_by} changed {message.key} while your form was open "
                f"({', '.join(message.fields) or 'details'}).\n"
                "Save your version over theirs? Their change stays in the history.",
                yes="Save mine",
            ),
            decided,
        )

    def action_block(self) -> None:
        card = self.current_card()
        if card is None:
            return
        key = card.key
        if card.blocked:
            reason = card.blocked_reason or ""
            self.change(
                lambda s: s.unblock_card(key),
                lambda c: f"Unblocked {key}",
                inverse=lambda _: lambda s: s.block_card(key, reason),
            )
            return

        def decided(reason: str | None) -> None:
            if reason:
                self.change(
                    lambda s: s.block_card(key, reason),
                    lambda c: f"Blocked {key}",
                    inverse=lambda _: lambda s: s.unblock_card(key),
                )

        self.app.push_screen(
            ReasonModal(f"Block {key}", printable(card.title), "Block", "What is it waiting for?"),
            decided,
        )

    def action_assign(self) -> None:
        card = self.current_card()
        if card is None or self.state is None:
            return
        key, had = card.key, list(card.assignees)

        def decided(chosen: list[str] | None) -> None:
            if chosen is None or set(chosen) == set(had):
                return
            self.change(
                lambda s: _changed(_sync_people(s, key, had, chosen), key),
                lambda c: f"Assigned {key}: {', '.join(chosen) or 'nobody'}",
                inverse=lambda _: lambda s: _changed(_sync_people(s, key, chosen, had), key),
            )

        self.app.push_screen(
            ChecklistModal(f"Assign {key}", self.state.shape.squad.members, had), decided
        )

    def action_tags(self) -> None:
        card = self.current_card()
        if card is None or self.state is None:
            return
        names = {t.id: t.name for t in self.state.shape.tags}
        key, had = card.key, [names[t] for t in card.tag_ids if t in names]
        squad = self.state.shape.squad.name

        def decided(chosen: list[str] | None) -> None:
            if chosen is None or set(chosen) == set(had):
                return
            self.change(
                lambda s: _changed(_sync_tags(s, squad, key, had, chosen), key),
                lambda c: f"Value tags of {key}: {', '.join(chosen) or 'none'}",
                inverse=lambda _: lambda s: _changed(_sync_tags(s, squad, key, chosen, had), key),
            )

        self.app.push_screen(
            ChecklistModal(
                f"Customer value of {key}",
                list(names.values()),
                had,
                new_item_label="New value tags, comma separated",
            ),
            decided,
        )

    def action_archive(self) -> None:
        card = self.current_card()
        if card is None:
            return
        key = card.key
        if card.archived:
            self.change(
                lambda s: s.unarchive_card(key),
                lambda c: f"Unarchived {key}",
                inverse=lambda _: lambda s: s.archive_card(key),
                override=lambda reason: lambda s: s.unarchive_card(key, override_reason=reason),
            )
        else:
            self.change(
                lambda s: s.archive_card(key),
                lambda c: f"Archived {key}",
                inverse=lambda _: lambda s: s.unarchive_card(key),
            )

    def action_delete(self) -> None:
        card = self.current_card()
        if card is None:
            return
        key = card.key

        def decided(yes: bool | None) -> None:
            if yes:
                self.change(
                    lambda s: s.delete_card(key),
                    lambda c: f"Deleted {key}",
                    inverse=lambda _: lambda s: s.restore_card(key),
                )

        self.app.push_screen(
            ConfirmModal(f"Delete {key}?\n{printable(card.title)}\n\nu undoes it.", yes="Delete"),
            decided,
        )

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing of yours to undo in this session.", markup=False)
            return
        step = self.undo_stack.pop()
        self._begin_write()
        self._undo(step)

    @work(thread=True, group="write", exit_on_error=False)
    def _undo(self, step: UndoStep) -> None:
        try:
            current = self.store.card(step.key)
        except SquadboardError:
            current = None  # a deleted card: its inverse restores it
        if current is not None and current != step.left:
            self.post_message(ChangeRefused(f"{step.key} was changed by someone since; not undone"))
            return
        try:
            change = step.inverse(self.store)
        except SquadboardError as error:
            self.post_message(ChangeRefused(f"could not undo: {error}"))
            return
        self.post_message(
            self._done(change, f"Undid: {step.description}", None, follow=True, announce=True)
        )

    # -- filter, archived, squads --------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    def action_leave_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus:
            if not box.value:
                box.display = False
            self._restore_focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.query_filter = parse_filter(event.value)
        self._refresh_all()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.action_leave_filter()

    def _update_filter_status(self) -> None:
        notes = []
        if not self.query_filter.is_empty:
            shown = sum(len(v.cards.faces) for v in self._column_views())
            notes.append(f"filter “{self.query_filter.raw}”: {shown} cards")
        if self.show_archived:
            notes.append("archived cards shown")
        self._set_status("view", " · ".join(notes))

    def _set_status(self, key: str, note: str) -> None:
        if self._status_notes.get(key, "") == note:
            return  # every move and focus change lands here; a new text lays out the screen
        self._status_notes[key] = note
        text = "  ".join(n for n in self._status_notes.values() if n)
        self.query_one("#status", Static).update(Text(printable(text), style="bold"))

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self._refresh_all()

    def action_switch_squad(self) -> None:
        if not self.squads:
            self.notify("No other squads in this file.", markup=False)
            return

        def chosen(name: str | None) -> None:
            if name:
                self.switch_to(name)

        self.app.push_screen(SquadPicker(self.squads, self.squad_name or ""), chosen)

    def switch_to(self, squad: str) -> None:
        """Show another squad's board (and remember it as this user's last squad)."""
        self.squad_name = squad
        self.state = None
        self.undo_stack.clear()
        self.focused_column_id = None
        self.load_board(head_first=True)
        if self.on_squad_chosen:
            self.on_squad_chosen(squad)

    def move_to(self, key: str, column: str) -> None:
        """Move a card to a named column (command palette)."""
        if self.state is None:
            return
        card = next((c for c in self.state.cards.values() if c.key == key), None)
        if card is None:
            return
        self.change(
            lambda s: s.move_card(key, column),
            lambda c: f"Moved {key} to {column}",
            inverse=self._undo_move(card),
            follow=True,
            override=lambda reason: lambda s: s.move_card(key, column, override_reason=reason),
        )


def _changed_fields(before: Card, after: Card) -> list[str]:
    names = (
        "title",
        "description",
        "assignees",
        "tag_ids",
        "class_of_service",
        "due",
        "column_id",
        "blocked",
        "archived",
    )
    labels = {"tag_ids": "value tags", "column_id": "column", "class_of_service": "class"}
    return [labels.get(n, n) for n in names if getattr(before, n) != getattr(after, n)]


def _draft_of(card: Card, store: Store) -> CardDraft:
    from kanban_tui.app.screens.card_form import CardDraft

    tags = {t.id: t.name for t in store.board_of(card).tags}
    return CardDraft(
        title=card.title,
        description=card.description,
        tags=tuple(tags[t] for t in card.tag_ids if t in tags),
        assignees=card.assignees,
        class_of_service=card.class_of_service,
        due=card.due,
    )


def _sync_people(store: Store, key: str, had: list[str], wanted: list[str]) -> CardChange | None:
    """Assign and unassign so the card has exactly `wanted`; None if nothing changed."""
    change: CardChange | None = None
    if added := [p for p in wanted if p not in had]:
        change = store.assign_card(key, added)
    if dropped := [p for p in had if p not in wanted]:
        change = store.assign_card(key, dropped, remove=True)
    return change


def _sync_tags(
    store: Store, squad: str, key: str, had: list[str], wanted: list[str]
) -> CardChange | None:
    """Tag and untag so the card has exactly `wanted`, creating new tags; None if no change."""
    _ensure_tags(store, squad, wanted)
    change: CardChange | None = None
    if added := [t for t in wanted if t not in had]:
        change = store.tag_card(key, added)
    if dropped := [t for t in had if t not in wanted]:
        change = store.tag_card(key, dropped, remove=True)
    return change


def _ensure_tags(store: Store, squad: str, names: Sequence[str]) -> None:
    """Create the value tags the user typed that the squad does not have yet."""
    known = {t.name.casefold() for t in store.board(squad, with_cards=False).tags}
    for name in names:
        if name.casefold() not in known:
            store.add_tag(squad, name)


def _changed(change: CardChange | None, key: str) -> CardChange:
    if change is None:
        raise SquadboardError(f"nothing to change in {key}")
    return change
