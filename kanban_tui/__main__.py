"""`python -m kanban_tui` runs the squadboard command line."""

from kanban_tui.cli import main

main()
