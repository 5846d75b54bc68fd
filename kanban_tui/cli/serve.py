"""`squadboard serve`: the board in teammates' browsers, through textual-serve."""

from __future__ import annotations

import sys

import click

from kanban_tui.cli.context import CliContext, pass_cli
from kanban_tui.domain.errors import Refused

DEFAULT_MAX_SESSIONS = 12
"""Open browser tabs at once. Each is a board process of ~67 MB; on 2 cores moves take ~110 ms
(median) with 12 sessions open and ~260 ms with 16 (docs/serve.md, measured)."""


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on; anything but loopback is plain HTTP on the network.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port (0: any free port).",
)
@click.option(
    "--public-url",
    metavar="URL",
    help="The https:// address teammates use through a TLS proxy: the session cookie is then "
    "sent over https only.",
)
@click.option(
    "--max-sessions",
    type=click.IntRange(1, 1000),
    default=DEFAULT_MAX_SESSIONS,
    show_default=True,
    help="Browser tabs open at once (each runs its own board process).",
)
@pass_cli
def serve(
    state: CliContext, host: str, port: int, public_url: str | None, max_sessions: int
) -> None:
    """Serve the board to web browsers: each tab is the same board, under its member's name.

    Every visitor needs a link: yours is printed when the server starts; teammates get theirs
    from `squadboard member invite NAME`. Stop with Ctrl+C.
    """
    if state.on_server:
        raise Refused(
            "serve works on a board file for now, not on a board on a PostgreSQL server; "
            "`squadboard pull URL FILE` makes a file copy (docs/postgres.md)"
        )
    if state.network_single_writer:
        raise Refused(
            "serve runs one board process per browser tab, so it cannot keep to a single "
            "writer; run it on the host that stores the board file"
        )
    from kanban_tui.cli.members import member_link, parse_base_url

    public_url = parse_base_url(public_url) if public_url else None
    store = state.store(create=False)
    import asyncio

    from kanban_tui.web.server import BoardServer, is_loopback, run_server

    if not is_loopback(host):
        click.echo(
            f"squadboard: warning: {host} is reachable from the network over plain HTTP, links "
            "included; put a TLS proxy in front (docs/serve.md)",
            err=True,
        )
    import logging

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stderr
    )
    secure = bool(public_url and public_url.lower().startswith("https://"))
    server = BoardServer(store, owner=state.user, max_sessions=max_sessions, secure_cookie=secure)

    def ready(url: str) -> None:
        click.echo(f"Serving {store.path} at {url}")
        click.echo(f"Your link (as {state.user}, until the server stops):")
        click.echo(member_link((public_url or url).rstrip("/"), server.owner_token))
        click.echo("Teammates: `squadboard member invite NAME`. Stop with Ctrl+C.")

    try:
        asyncio.run(run_server(server, host, port, ready))
    except OSError as error:
        raise Refused(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
