"""Errors the domain raises when a change is not allowed; each carries a one-line message."""

from __future__ import annotations


class SquadboardError(Exception):
    """Base class: a user-facing problem with a one-line message."""

    exit_code = 1


class InvalidInput(SquadboardError):
    """The user typed something that cannot be accepted (bad title, bad date, unknown name)."""

    exit_code = 2


class NotFound(InvalidInput):
    """A squad, column, tag or card named by the user does not exist."""


class Refused(SquadboardError):
    """A well-formed change that the board's rules refuse (WIP limit, non-empty column, ...)."""

    exit_code = 1


class WipLimitReached(Refused):
    """A move into a full `block` column without an override reason."""

    def __init__(self, column: str, limit: int, occupants: list[str]) -> None:
        self.column = column
        self.limit = limit
        self.occupants = occupants
        cards = ", ".join(occupants) if occupants else "none"
        super().__init__(
            f"column '{column}' is at its WIP limit of {limit} (cards: {cards}); "
            "finish or move one of them, or give an override reason"
        )
