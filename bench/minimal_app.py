"""The floor for `bench.tui`'s first-paint figures: a Textual app that shows one line of text.

    python bench/minimal_app.py

It imports nothing of squadboard, so the time until its line is on screen is what Python and
Textual alone cost on this machine; the board's first paint is compared with it in the same run.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

MARKER = "squadboard-bench minimal app"
"""The line the benchmark waits for on the tmux pane."""


class MinimalApp(App[None]):
    """One Static, nothing else."""

    def compose(self) -> ComposeResult:
        yield Static(MARKER)


if __name__ == "__main__":
    MinimalApp().run()
