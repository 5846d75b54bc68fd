"""Members' secret links for the board in a browser (`squadboard serve`), stored as hashes.

A token is 32 random bytes (URL-safe base64). Only its SHA-256 is stored: with 256 bits of
randomness nobody can guess a token from its hash, so a plain hash is enough (a slow,
salted password hash protects weak secrets, which these are not). Tokens live outside the
event log: access is not board history and must not travel to other copies through sync,
merge or export.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime

from kanban_tui.domain.clock import to_millis, uuid7
from kanban_tui.domain.errors import NotFound
from kanban_tui.storage import queries
from kanban_tui.storage.connection import Connection


@dataclass(frozen=True)
class MemberToken:
    """One secret link as `member list` shows it (never the token itself)."""

    id: str
    member: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None
    revoked_by: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def new_token() -> str:
    """A fresh secret: 32 random bytes, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The hex SHA-256 of a token: what the board file stores."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def resolve_member(conn: Connection, name: str) -> str:
    """The member of some squad in the file called `name` (ignoring case), as the squad spells it.

    Raises:
        NotFound: when no squad has such a member.
    """
    wanted = name.strip().casefold()
    members = {m for squad in queries.squads(conn) for m in squad.members}
    for member in sorted(members):
        if member.casefold() == wanted:
            return member
    listed = ", ".join(sorted(members)) or "none yet"
    raise NotFound(
        f"'{name.strip()}' is not a member of any squad (members: {listed}); "
        "add them with `squadboard squad edit --add-member`"
    )


def invite(conn: Connection, member: str, *, by: str, now: datetime) -> str:
    """Create a member's secret link, revoking any earlier one; returns the token (shown once).

    Call inside a write transaction.
    """
    revoke(conn, member, by=by, now=now)
    token = new_token()
    conn.execute(
        "INSERT INTO member_tokens (id, member, token_sha256, created_at, created_by) "
        "VALUES (?, ?, ?, ?, ?)",
        (uuid7(to_millis(now), os.urandom(10)), member, token_hash(token), now.isoformat(), by),
    )
    return token


def revoke(conn: Connection, member: str, *, by: str, now: datetime) -> int:
    """Revoke every active link of `member`; returns how many. Call inside a write transaction."""
    cursor = conn.execute(
        "UPDATE member_tokens SET revoked_at = ?, revoked_by = ? "
        "WHERE member = ? AND revoked_at IS NULL",
        (now.isoformat(), by, member),
    )
    return cursor.rowcount


def listing(conn: Connection) -> list[MemberToken]:
    """Every link ever created, oldest first, revoked ones included."""
    rows = conn.execute(
        "SELECT id, member, created_at, created_by, revoked_at, revoked_by "
        "FROM member_tokens ORDER BY created_at, id"
    )
    return [
        MemberToken(
            id=row[0],
            member=row[1],
            created_at=datetime.fromisoformat(row[2]),
            created_by=row[3],
            revoked_at=datetime.fromisoformat(row[4]) if row[4] else None,
            revoked_by=row[5],
        )
        for row in rows
    ]


def member_for(conn: Connection, token: str) -> str | None:
    """The member an active token belongs to, or None for an unknown or revoked token.

    Every active hash is compared in constant time, so how long a refusal takes tells an
    attacker nothing about how close a guess was.
    """
    wanted = token_hash(token)
    found = None
    rows = conn.execute("SELECT member, token_sha256 FROM member_tokens WHERE revoked_at IS NULL")
    for member, stored in rows:
        if hmac.compare_digest(stored, wanted):
            found = member
    return found
