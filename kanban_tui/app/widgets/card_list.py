"""A column's cards drawn with Textual's line API: only visible lines are rendered.

One widget per column, not one per card, so a column of 10,000 cards costs no more to draw or
update than a column of ten (see ../shared/textual-notes.md: line-API columns stay flat).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kanban_tui.app.view_model import CardFace, FaceList
from kanban_tui.domain.models import ClassOfService

CARD_HEIGHT = 4
"""Three lines of card and one line of space."""

TAG_COLOURS = {
    "orange": "dark_orange",
    "purple": "purple",
    "pink": "hot_pink",
    "teal": "dark_cyan",
    "grey": "grey50",
}
CLASS_MARKERS = {
    ClassOfService.EXPEDITE: "⚡exp",
    ClassOfService.FIXED_DATE: "◷",
    ClassOfService.INTANGIBLE: "○",
    ClassOfService.STANDARD: "",
}


def tag_style(colour: str) -> Style:
    try:
        return Style(color=TAG_COLOURS.get(colour, colour))
    except Exception:  # an unknown colour from a merged file: draw it plainly
        return Style()


class CardList(ScrollView, can_focus=True):
    """The cards of one column, with a cursor on one of them."""

    COMPONENT_CLASSES = {
        "card-list--card",
        "card-list--cursor",
        "card-list--key",
        "card-list--muted",
        "card-list--blocked",
        "card-list--expedite",
        "card-list--conflict",
        "card-list--overdue",
        "card-list--hint",
        "card-list--age-ok",
        "card-list--age-warn",
        "card-list--age-late",
    }
    BINDINGS = [
        # ScrollView would scroll sideways on left/right; on the board they change column.
        Binding("left,h", "screen.focus_column(-1)", show=False),
        Binding("right,l", "screen.focus_column(1)", show=False),
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "cursor(-5)", show=False),
        Binding("pagedown", "cursor(5)", show=False),
        Binding("home", "cursor_to(0)", show=False),
        Binding("end", "cursor_to(-1)", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    @dataclass
    class Highlighted(Message):
        """The cursor is on another card (or the list got focus)."""

        card_list: CardList
        uid: str | None

        @property
        def control(self) -> CardList:
            return self.card_list

    def __init__(self, column_id: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.column_id = column_id
        self.faces = FaceList.empty()
        self.hidden = 0
        self._cache: dict[tuple[int, int, int, bool], Strip] = {}
        self._blank: Strip | None = None

    def _forget(self) -> None:
        """Drop the drawn lines (and the blank one): cards, cursor, focus or styles changed."""
        self._cache.clear()
        self._blank = None

    def notify_style_update(self) -> None:
        self._forget()  # a theme change recolours every line
        super().notify_style_update()

    @property
    def current(self) -> CardFace | None:
        return self.faces[self.cursor] if 0 <= self.cursor < len(self.faces) else None

    def show(self, faces: FaceList, hidden: int, keep_uid: str | None = None) -> None:
        """Replace the cards, keeping the cursor on the same card when it is still here."""
        keep = keep_uid or (self.current.uid if self.current else None)
        index = faces.index_of(keep)
        cursor = min(index if index is not None else self.cursor, max(0, len(faces) - 1))
        unchanged = self._draws_the_same(faces, hidden, cursor)
        self.faces = faces
        self.hidden = hidden
        if unchanged:
            return
        self._forget()
        self._fit_virtual_size()
        self.set_reactive(CardList.cursor, cursor)
        self.refresh()
        if self.has_focus:
            self._announce()

    def _draws_the_same(self, faces: FaceList, hidden: int, cursor: int) -> bool:
        """Whether these cards would draw what is on screen now: a store's confirmation of
        what the board drew already (a move) then costs no redraw. Lines drawn earlier for
        cards off screen are dropped: they may have changed."""
        if (len(faces), hidden, cursor) != (len(self.faces), self.hidden, self.cursor):
            return False
        first = self.scroll_offset.y // CARD_HEIGHT
        last = min(len(faces), (self.scroll_offset.y + self.size.height) // CARD_HEIGHT + 1)
        if any(faces[i] != self.faces[i] for i in range(first, last)):
            return False
        self._cache = {k: v for k, v in self._cache.items() if first <= k[0] < last}
        return True

    def select_uid(self, uid: str) -> None:
        index = self.faces.index_of(uid)
        if index is not None:
            self.cursor = index

    def announce(self) -> None:
        """Tell the screen which card the cursor is on (after focus was restored)."""
        self._announce()

    def action_cursor(self, step: int) -> None:
        if self.faces:
            self.cursor = max(0, min(len(self.faces) - 1, self.cursor + step))

    def action_cursor_to(self, index: int) -> None:
        if self.faces:
            self.cursor = index % len(self.faces)

    def watch_cursor(self) -> None:
        self._forget()
        self.scroll_to_region(
            Region(0, self.cursor * CARD_HEIGHT, 1, CARD_HEIGHT), animate=False, immediate=True
        )
        self.refresh()
        self._announce()

    def _announce(self) -> None:
        self.post_message(self.Highlighted(self, self.current.uid if self.current else None))

    def on_focus(self) -> None:
        self._forget()
        self.refresh()
        self._announce()

    def on_blur(self) -> None:
        self._forget()
        self.refresh()

    def on_resize(self) -> None:
        self._forget()
        self._fit_virtual_size()

    def _fit_virtual_size(self) -> None:
        """Make the scrollable height fit the cards (and the line about older cards).

        A new virtual size normally lays out the whole screen, most of the time a move took to
        show; when the scrollbar stays as it was (shown or not), only its thumb is updated.
        """
        extra = 1 if self.hidden else 0
        size = Size(0, (len(self.faces) + extra) * CARD_HEIGHT)
        if size == self.virtual_size:
            return
        overflows = self.size.height > 0 and size.height > self.container_size.height
        if self.size.height == 0 or overflows != self.show_vertical_scrollbar:
            self.virtual_size = size
            return
        self.set_reactive(CardList.virtual_size, size)
        if overflows:
            self.vertical_scrollbar.window_virtual_size = size.height
        self.scroll_y = self.validate_scroll_y(self.scroll_y)

    def on_click(self, event: events.Click) -> None:
        index = (event.y + self.scroll_offset.y) // CARD_HEIGHT
        if 0 <= index < len(self.faces):
            self.cursor = index

    def render_line(self, y: int) -> Strip:
        line = y + self.scroll_offset.y
        index, row = divmod(line, CARD_HEIGHT)
        width = self.scrollable_content_region.width
        if index >= len(self.faces):
            if index == len(self.faces) and self.hidden and row == 1:
                hint = f" … {self.hidden} older cards not shown"
                style = self._accent("card-list--hint")
                return Strip(
                    Segment.adjust_line_length([Segment(hint, style)], width, self.rich_style)
                )
            return self._blank_line(width)
        if row == CARD_HEIGHT - 1:
            return self._blank_line(width)
        selected = index == self.cursor and (self.has_focus or self.has_focus_within)
        key = (index, row, width, selected)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._render_card_row(
                self.faces[index], row, width, selected
            )
        return cached

    def _blank_line(self, width: int) -> Strip:
        # `rich_style` walks up the DOM for the background; the space between cards is
        # a quarter of the lines drawn, so it is built once.
        if self._blank is None or self._blank.cell_length != width:
            self._blank = Strip.blank(width, self.rich_style)
        return self._blank

    def _accent(self, component: str) -> Style:
        """A component's own colours only, so accents keep the card's background."""
        return self.get_component_rich_style(component, partial=True)

    def _render_card_row(self, face: CardFace, row: int, width: int, selected: bool) -> Strip:
        style = self.get_component_rich_style(
            "card-list--cursor" if selected else "card-list--card"
        )
        muted = style + self._accent("card-list--muted")
        parts: list[Segment] = [Segment(" ", style)]
        if row == 0:
            parts.append(Segment(face.key, style + self._accent("card-list--key")))
            marker = CLASS_MARKERS[face.class_of_service]
            if marker:
                kind = (
                    "card-list--expedite"
                    if face.class_of_service is ClassOfService.EXPEDITE
                    else "card-list--muted"
                )
                parts.append(Segment(f" {marker}", style + self._accent(kind)))
            if face.blocked:
                parts.append(Segment(" ⛔blocked", style + self._accent("card-list--blocked")))
            if face.edited_concurrently:
                parts.append(Segment(" ⇄edited", style + self._accent("card-list--conflict")))
            if face.retro_action:
                parts.append(Segment(" ↺retro", muted))
            if face.archived:
                parts.append(Segment(" archived", muted))
            used = sum(s.cell_length for s in parts)
            room = width - used - len(face.age) - 1
            if room > 0:
                parts.append(Segment(" " * room, style))
                age_style = (
                    style + self._accent(f"card-list--age-{face.age_level}")
                    if face.age_level
                    else muted
                )
                parts.append(Segment(face.age, age_style))
        elif row == 1:
            parts.append(Segment(_ellipsis(face.title, width - 2), style))
        else:
            for name, colour in face.tags:
                parts.append(Segment("■", style + tag_style(colour)))
                parts.append(Segment(f"{name[:12]} ", style))
            if face.initials:
                parts.append(Segment(face.initials + " ", muted))
            if face.due:
                due = "card-list--overdue" if face.overdue else "card-list--muted"
                parts.append(Segment(face.due, style + self._accent(due)))
        return Strip(Segment.adjust_line_length(parts, width, style))


def _ellipsis(text: str, width: int) -> str:
    if width <= 0:
        return ""
    from rich.cells import cell_len, set_cell_size

    return text if cell_len(text) <= width else set_cell_size(text, width - 1) + "…"
