"""One board column: a header with its WIP state, and its cards."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from kanban_tui.app.view_model import ColumnFace, WipState
from kanban_tui.app.widgets.card_list import CardList

STATE_CLASSES = {
    WipState.OVER_LIMIT: "-over-limit",
    WipState.AT_LIMIT: "-at-limit",
    WipState.CAN_PULL: "-can-pull",
}


class ColumnView(Vertical):
    """A column: header (`Doing 3/3 ■ at limit`) above a virtualised card list."""

    def __init__(self, face: ColumnFace) -> None:
        super().__init__(id=f"column-{face.column.id}", classes="column")
        self.face = face
        self.cards = CardList(face.column.id, id=f"cards-{face.column.id}")
        self._header_shown: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id=f"header-{self.face.column.id}", classes="column-header", markup=False)
        yield self.cards

    def on_mount(self) -> None:
        self.show(self.face)

    def show(self, face: ColumnFace, keep_uid: str | None = None) -> None:
        """Redraw the header and the cards from a new face."""
        self.face = face
        if face.header != self._header_shown:
            header = self.query_one(".column-header", Static)
            header.update(face.header, layout=False)  # one line of CSS-fixed size, whatever it says
            self._header_shown = face.header
        for state, css_class in STATE_CLASSES.items():
            self.set_class(face.state is state, css_class)
        self.cards.show(face.cards, face.hidden, keep_uid)
