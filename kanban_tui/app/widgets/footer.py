"""The footer of key bindings, rebuilt only when the keys it shows change."""

from __future__ import annotations

from collections.abc import Hashable

from textual.screen import Screen
from textual.widgets import Footer


class SteadyFooter(Footer):
    """Textual's Footer, minus the rebuild on every focus change.

    Footer recomposes (about 16 new widgets, each restyled) whenever the screen's bindings are
    updated, which happens on every focus move; on the board those moves leave the shown keys
    as they were, and the rebuild cost more CPU than the move or card change itself.
    """

    _shown: Hashable = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = tuple(
            (binding.key, binding.action, binding.description, binding.show, enabled, tooltip)
            for _node, binding, enabled, tooltip in screen.active_bindings.values()
        )
        if shown == self._shown:
            return
        super().bindings_changed(screen)
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # what the recompose Footer just scheduled will show
