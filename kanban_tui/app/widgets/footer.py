"""The footer of key bindings: one widget that draws one line."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


@dataclass(frozen=True)
class ShownKey:
    """One key in the footer, and the columns it takes."""

    key: str
    """The key pressed when the entry is clicked."""
    label: str
    description: str
    enabled: bool


class KeyBar(Widget):
    """The screen's keys in one line, styled like Textual's Footer, with the palette key docked
    right; a click on a key presses it.

    Textual's Footer is a container of one widget per key (18 on the board), each styled, laid
    out and rebuilt when the bindings change; at start-up that cost about as much CPU as
    drawing every card on the screen. This draws the same line as a single widget.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "key-bar--key",
        "key-bar--description",
        "key-bar--disabled",
        "key-bar--separator",
    }
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-bar--disabled {
            text-style: dim;
        }
        .key-bar--separator {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.keys: tuple[ShownKey, ...] = ()
        self.palette: ShownKey | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Show the keys the focused widget and its ancestors offer, one per action."""
        keys: dict[str, ShownKey] = {}
        palette: ShownKey | None = None
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            shown = ShownKey(
                binding.key, self.app.get_key_display(binding), binding.description, enabled
            )
            if binding.key == self.app.COMMAND_PALETTE_BINDING:
                palette = shown if self.app.ENABLE_COMMAND_PALETTE else None
            elif binding.show:
                keys.setdefault(binding.action, shown)
        if (tuple(keys.values()), palette) != (self.keys, self.palette):
            self.keys, self.palette = tuple(keys.values()), palette
            self.refresh()

    def _spans(self) -> list[tuple[int, int, ShownKey]]:
        """(start, end, key) of each entry on the line; keys that would reach the palette key,
        docked at the right edge behind a separator, are left out."""
        palette_width = 0
        if self.palette is not None:
            palette_width = cell_len(self.palette.label) + cell_len(self.palette.description) + 4
        room = self.size.width - palette_width
        spans = []
        x = 0
        for shown in self.keys:
            width = cell_len(shown.label) + cell_len(shown.description) + 3
            if x + width > room:
                break
            spans.append((x, x + width, shown))
            x += width
        if self.palette is not None:
            spans.append((room + 1, self.size.width, self.palette))
        return spans

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        dim = self.get_component_rich_style("key-bar--disabled", partial=True)
        line = Text(no_wrap=True, overflow="crop", end="")
        for start, _end, shown in self._spans():
            if start > line.cell_len:
                line.append(" " * (start - 1 - line.cell_len))
                line.append("▏", self.get_component_rich_style("key-bar--separator"))
            extra = dim if not shown.enabled else None
            line.append(f" {shown.label} ", key_style + extra if extra else key_style)
            line.append(
                f"{shown.description} ",
                description_style + extra if extra else description_style,
            )
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, shown in self._spans():
            if start <= event.x < end and shown.enabled:
                self.app.simulate_key(shown.key)
                return
