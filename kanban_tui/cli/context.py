"""What every command shares: the resolved file and user, the store, and common options."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click

from kanban_tui.config import SQUAD_ENV
from kanban_tui.domain.clock import Clock, system_clock
from kanban_tui.domain.errors import Refused
from kanban_tui.domain.when import parse_day, parse_moment
from kanban_tui.storage.postgres import is_database_url, redacted
from kanban_tui.storage.store import Store

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class CliContext:
    """Settings resolved from the root options; the store opens on first use."""

    board: str
    """The board as given: a file's path, or a `postgresql://` URL."""
    user: str
    clock: Clock = system_clock
    network_single_writer: bool = False
    _store: Store | None = field(default=None, repr=False)

    def store(self, *, create: bool = True) -> Store:
        """The board file; commands that only read pass `create=False` to never create one."""
        if self._store is None:
            read_only = (
                not self.on_server
                and self.db_path.exists()
                and not os.access(self.db_path, os.W_OK)
            )
            self._store = Store(
                self.board if self.on_server else self.db_path,
                actor=self.user,
                clock=self.clock,
                create=create,
                read_only=read_only,
                network_single_writer=self.network_single_writer,
            )
        return self._store

    @property
    def on_server(self) -> bool:
        return is_database_url(self.board)

    @property
    def db_path(self) -> Path:
        """The board file, for the commands that work on files only."""
        if self.on_server:
            raise Refused(
                f"{redacted(self.board)} is a board on a PostgreSQL server: this command works "
                "on board files; use PostgreSQL's own tools, or `squadboard pull` into a file"
            )
        return Path(self.board).expanduser()

    def board_exists(self) -> bool:
        """Whether the board file is there already (a server's database always is)."""
        return self.on_server or self.db_path.exists()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def moment(self, text: str | None, zone: ZoneInfo) -> datetime | None:
        return parse_moment(text, zone, self.clock()) if text else None

    def day(self, text: str, zone: ZoneInfo) -> date:
        return parse_day(text, zone, self.clock())


pass_cli = click.make_pass_decorator(CliContext)

json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON (and nothing else) on stdout."
)
squad_option = click.option(
    "--squad",
    "-s",
    metavar="NAME",
    envvar=SQUAD_ENV,
    help="The squad (default: $SQUADBOARD_SQUAD, or the only squad in the file).",
)
at_option = click.option(
    "--at",
    "at_text",
    metavar="WHEN",
    help="When it happened, if not now (e.g. 'yesterday 17:00'); never in the future.",
)
