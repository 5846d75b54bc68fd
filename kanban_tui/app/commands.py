"""Command palette entries built from the board: jump to a card, move it, switch squad.

Card titles are untrusted: hits are plain `Content`, never parsed as markup (Textual's
`Matcher.highlight` would parse them), so a title cannot run an action from the palette.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from kanban_tui.app.screens.board import BoardScreen
from kanban_tui.domain.text import printable

Entry = tuple[str, str, Callable[[], None]]


class BoardCommands(Provider):
    """Data-driven commands for the board on screen."""

    def _entries(self) -> Iterator[Entry]:
        screen = self.screen
        if not isinstance(screen, BoardScreen) or screen.state is None:
            return
        state = screen.state
        current = screen.current_card()
        if current is not None:
            for column in state.columns:
                if column.id != current.column_id:
                    yield (
                        f"Move {current.key} to {printable(column.name)}",
                        f"Move the focused card to {printable(column.name)}",
                        partial(screen.move_to, current.key, column.name),
                    )
        for name, _ in screen.squads:
            if name != screen.squad_name:
                yield (
                    f"Switch squad: {printable(name)}",
                    "Show this squad's board",
                    partial(screen.switch_to, name),
                )
        for card in state.cards.values():
            if not card.archived or screen.show_archived:
                yield (
                    f"Go to {card.key}: {printable(card.title)}",
                    "Focus this card",
                    partial(screen.jump_to, card.uid),
                )

    async def discover(self) -> Hits:
        for count, (text, help_text, command) in enumerate(self._entries()):
            if count >= 40:
                return
            yield DiscoveryHit(Content(text), command, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, command in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, Content(text), command, text=text, help=help_text)
