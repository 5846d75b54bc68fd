"""Event files in and out: one JSON event per line (`jsonl`, also what `sync` writes) or a JSON
array; every event from outside is validated in full before any of it is stored."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kanban_tui.domain.errors import InvalidInput
from kanban_tui.domain.events import Event, checked_event

EVENT_FORMATS = ("jsonl", "json")


def event_data(event: Event) -> dict[str, Any]:
    """An event as plain JSON data, the same shape in every format and in sync logs."""
    return event.model_dump(mode="json")


def event_line(event: Event) -> str:
    """One event as one line of JSON (no newline inside: strings escape theirs)."""
    return json.dumps(event_data(event), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def parse_event_line(text: str) -> Event:
    """An event from one line of JSON, validated in full.

    Raises:
        ValueError: with a one-line reason.
    """
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg})") from None
    return checked_event(raw)


def _numbered(path: Path, fmt: str) -> Iterator[tuple[str, Any]]:
    """(where, raw event) pairs from an event file, `where` naming the line or item."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read {path}: {error}") from None
    if fmt == "jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield f"line {number}", line
        return
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"{path} is not JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(items, list):
        raise InvalidInput(f"{path} must hold a JSON array of events")
    for number, item in enumerate(items, start=1):
        yield f"item {number}", item


def read_event_file(path: Path, fmt: str) -> list[Event]:
    """Every event of a `jsonl` or `json` file, or an error naming the first bad line or item."""
    events = []
    for where, raw in _numbered(path, fmt):
        try:
            events.append(parse_event_line(raw) if fmt == "jsonl" else checked_event(raw))
        except ValueError as error:
            raise InvalidInput(f"{path} {where}: {error}; nothing was imported") from None
    return events


def write_events(events: Iterable[Event], fmt: str) -> Iterator[str]:
    """The text of an event file, in pieces, so a large log streams."""
    if fmt == "jsonl":
        for event in events:
            yield event_line(event) + "\n"
        return
    yield "["
    for index, event in enumerate(events):
        yield ("," if index else "") + "\n  " + event_line(event)
    yield "\n]\n"
