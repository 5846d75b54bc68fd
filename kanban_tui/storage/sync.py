"""Sharing a board through a synced folder (Dropbox, OneDrive, Syncthing, git): event logs.

Syncing a live SQLite file corrupts it, so each member's board file stays local and private.
`sync` appends the events the folder lacks to the member's own log, `DIR/events/<member>.jsonl`
(one writer per file, one JSON event per line, append-only), and imports every log in the folder,
other members' and the sync tool's conflict copies alike, by event id. Lines that do not parse
(a line still being synced, a conflict marker) are skipped and read again next time.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kanban_tui.domain.errors import Refused
from kanban_tui.domain.events import Event
from kanban_tui.storage.exchange import event_line, parse_event_line
from kanban_tui.storage.merge import MergeReport
from kanban_tui.storage.store import Store

LOG_FOLDER = "events"


def member_log(folder: Path, member: str) -> Path:
    """The member's own log: a readable name plus a hash, so two names never share a file."""
    slug = re.sub(r"[^a-z0-9]+", "-", member.casefold()).strip("-")[:40] or "member"
    digest = hashlib.sha256(member.encode("utf-8")).hexdigest()[:6]
    return folder / LOG_FOLDER / f"{slug}-{digest}.jsonl"


@dataclass(frozen=True)
class FolderEvents:
    """What the logs in a synced folder hold."""

    events: dict[str, Event]
    files: int
    skipped_lines: int
    signature: tuple[tuple[str, int, int], ...]
    """(name, size, mtime) of every log: unchanged means nothing new to read."""


def read_folder(folder: Path) -> FolderEvents:
    """Every event in every `*.jsonl` log under DIR/events, conflict copies included."""
    events: dict[str, Event] = {}
    skipped = 0
    signature = _folder_signature(folder)
    for name, _size, _mtime in signature:
        try:
            data = (folder / LOG_FOLDER / name).read_bytes()
        except OSError:
            continue  # the sync tool replaced it while we looked: read it next time
        for line in data.decode("utf-8", errors="replace").splitlines():
            if not line.strip():
                continue
            try:
                event = parse_event_line(line)
            except ValueError:
                skipped += 1
                continue
            events.setdefault(event.id, event)
    return FolderEvents(events, len(signature), skipped, signature)


def append_to_log(log: Path, events: list[Event]) -> None:
    """Append whole lines and fsync; a torn last line (a crash mid-write) is closed off first."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        if out.tell() > 0:
            with log.open("rb") as existing:
                existing.seek(-1, os.SEEK_END)
                if existing.read(1) != b"\n":
                    out.write(b"\n")
        out.write("".join(event_line(e) + "\n" for e in events).encode("utf-8"))
        out.flush()
        os.fsync(out.fileno())


@dataclass(frozen=True)
class SyncReport:
    """One sync: what came in from the folder and what went out to the member's log."""

    folder: str
    log: str
    files: int
    skipped_lines: int
    received: MergeReport
    written: int


def sync_once(store: Store, folder: Path, member: str) -> tuple[SyncReport, FolderEvents]:
    """Import the folder's events into the board, then write the ones the folder lacks."""
    if not folder.is_dir():
        raise Refused(f"no folder {folder}; create it (or point at your synced folder) first")
    found = read_folder(folder)
    received = store.receive(list(found.events.values()), source=str(folder))
    missing = store.event_ids() - found.events.keys()
    log = member_log(folder, member)
    if missing:
        append_to_log(log, store.events_by_id(missing))
    report = SyncReport(
        str(folder), str(log), found.files, found.skipped_lines, received, len(missing)
    )
    return report, found


def watch(
    store: Store,
    folder: Path,
    member: str,
    *,
    interval: float,
    on_sync: Callable[[SyncReport], None],
    rounds: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Sync every `interval` seconds, skipping rounds where neither the folder nor the board
    changed; `rounds` bounds the loop (tests), otherwise it runs until interrupted."""
    last: tuple[object, int] | None = None
    done = 0
    while rounds is None or done < rounds:
        if last is None or last != (_folder_signature(folder), store.data_version()):
            report, found = sync_once(store, folder, member)
            on_sync(report)
            # After writing our own log its signature is new; checking once more (rather than
            # re-reading the signature now) cannot miss a file the sync tool dropped meanwhile.
            last = (found.signature if not report.written else None, store.data_version())
        done += 1
        if rounds is None or done < rounds:
            sleep(interval)


def _folder_signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    entries = []
    for log in sorted((folder / LOG_FOLDER).glob("*.jsonl")):
        try:
            stat = log.stat()
        except OSError:
            continue
        entries.append((log.name, stat.st_size, stat.st_mtime_ns))
    return tuple(entries)
