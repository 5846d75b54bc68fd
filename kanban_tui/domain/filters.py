"""The board's filter language: free text plus `tag:`, `@member` / `assignee:` and `is:blocked`."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from kanban_tui.domain.models import Card

FILTER_HELP = "words, tag:NAME, @member, is:blocked (all must match)"


@dataclass(frozen=True)
class CardQuery:
    """A parsed filter; every part must match. An empty query matches every card."""

    words: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    blocked: bool | None = None
    raw: str = field(default="", compare=False)

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.tags or self.assignees or self.blocked is not None)

    def matches(self, card: Card, tag_names: dict[str, str]) -> bool:
        """Whether `card` passes; `tag_names` maps tag ids to names."""
        if self.blocked is not None and card.blocked != self.blocked:
            return False
        haystack = f"{card.key} {card.title} {card.description}".casefold()
        if any(word not in haystack for word in self.words):
            return False
        names = [tag_names.get(t, "").casefold() for t in card.tag_ids]
        if any(not any(wanted in name for name in names) for wanted in self.tags):
            return False
        people = [a.casefold() for a in card.assignees]
        return all(any(wanted in person for person in people) for wanted in self.assignees)


def parse_filter(text: str) -> CardQuery:
    """Read what the user typed in the filter box; never fails (bad quoting is taken literally)."""
    try:
        tokens = shlex.split(text)
    except ValueError:
        tokens = text.split()
    words: list[str] = []
    tags: list[str] = []
    people: list[str] = []
    blocked: bool | None = None
    for token in tokens:
        lowered = token.casefold()
        if lowered.startswith("tag:") and len(token) > 4:
            tags.append(lowered[4:])
        elif lowered.startswith("assignee:") and len(token) > 9:
            people.append(lowered[9:])
        elif lowered.startswith("@") and len(token) > 1:
            people.append(lowered[1:])
        elif lowered in ("is:blocked", "blocked:yes"):
            blocked = True
        elif lowered in ("-is:blocked", "not:blocked", "blocked:no"):
            blocked = False
        else:
            words.append(lowered)
    return CardQuery(tuple(words), tuple(tags), tuple(people), blocked, raw=text)
