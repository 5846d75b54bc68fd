"""`squadboard member invite|revoke|list`: members' secret links to the board in a browser."""

from __future__ import annotations

from urllib.parse import urlsplit

import click
from rich.table import Table

from kanban_tui.cli.context import CliContext, json_option, pass_cli
from kanban_tui.cli.output import cell, console, emit_json, say

DEFAULT_URL = "http://127.0.0.1:8000"


def parse_base_url(value: str) -> str:
    """An http(s) address without its trailing slash, or a usage error."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"'{value}' is not an http(s) address like {DEFAULT_URL}")
    return value.rstrip("/")


def member_link(base_url: str, token: str) -> str:
    """The address a member opens: the server's with the token as `?token=`."""
    return f"{base_url}/?token={token}"


@click.group()
def member() -> None:
    """Give squad members a secret link to the board in a browser (`squadboard serve`).

    Changes made through a member's link are recorded under that member's name. Only a hash of
    each link's token is kept in the board file.
    """


@member.command("invite")
@click.argument("name")
@click.option(
    "--url",
    "base_url",
    default=DEFAULT_URL,
    show_default=True,
    metavar="URL",
    help="The address teammates reach `squadboard serve` at (e.g. the TLS proxy's).",
)
@json_option
@pass_cli
def invite(state: CliContext, name: str, base_url: str, as_json: bool) -> None:
    """Create NAME's secret link and print it, once (an earlier link of NAME stops working).

    NAME must be a member of a squad in the file. Send the link privately: whoever holds it
    acts as NAME until it is revoked.
    """
    base = parse_base_url(base_url)
    member_name, token = state.store().invite_member(name)
    link = member_link(base, token)
    if as_json:
        emit_json({"member": member_name, "token": token, "link": link})
        return
    say(f"Link for {member_name} (shown only now; `squadboard member revoke` ends it):")
    click.echo(link)


@member.command("revoke")
@click.argument("name")
@json_option
@pass_cli
def revoke(state: CliContext, name: str, as_json: bool) -> None:
    """End NAME's link at once; their open browser sessions close within seconds."""
    member_name, count = state.store().revoke_member(name)
    if as_json:
        emit_json({"member": member_name, "revoked": count})
    elif count:
        say(f"Revoked {member_name}'s link")
    else:
        say(f"{member_name} had no active link; nothing changed")


@member.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include revoked links.")
@json_option
@pass_cli
def list_members(state: CliContext, show_all: bool, as_json: bool) -> None:
    """Members' links: who has one, since when, and who created or revoked it."""
    links = [t for t in state.store(create=False).member_tokens() if show_all or t.active]
    if as_json:
        emit_json(
            [
                {
                    "id": t.id,
                    "member": t.member,
                    "active": t.active,
                    "created_at": t.created_at.isoformat(),
                    "created_by": t.created_by,
                    "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
                    "revoked_by": t.revoked_by,
                }
                for t in links
            ]
        )
        return
    if not links:
        say("No member links; create one with `squadboard member invite NAME`")
        return
    table = Table(box=None, header_style="bold")
    for title in ("Member", "Created", "By", "Revoked"):
        table.add_column(title)
    for t in links:
        revoked = f"{t.revoked_at:%Y-%m-%d %H:%M} by {t.revoked_by}" if t.revoked_at else ""
        table.add_row(
            cell(t.member),
            cell(f"{t.created_at:%Y-%m-%d %H:%M}"),
            cell(t.created_by),
            cell(revoked),
        )
    console().print(table)
