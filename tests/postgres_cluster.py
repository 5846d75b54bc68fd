"""A throwaway PostgreSQL cluster on 127.0.0.1 for tests and benchmarks.

`initdb` refuses to run as root, so as root the cluster belongs to the unprivileged `postgres`
user (Debian's package creates it). The cluster listens on loopback only, on a free port, with
its socket in its own directory; logins use a password, so wrong-password cases are real.
Durability is switched off unless asked for: the cluster dies with the test run.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

REQUIRE_POSTGRES_ENV = "SQUADBOARD_REQUIRE_POSTGRES"
"""Set (by `.ci/run`) to fail, not skip, the server tests where no PostgreSQL is installed."""

SUPERUSER = "squadboard"
PASSWORD = "throwaway-test-password"


def server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when no PostgreSQL server is installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """One PostgreSQL server in a temporary folder: `start()`, `new_database()`, `stop()`."""

    def __init__(self, binaries: Path, *, durable: bool = False) -> None:
        self.binaries = binaries
        self.durable = durable
        """Keep fsync and synchronous commit on, as a real server does (for benchmarks)."""
        self.root = Path(tempfile.mkdtemp(prefix="squadboard-pg-"))
        self.port = _free_port()
        self._owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        command = [str(self.binaries / args[0]), *args[1:]]
        if self._owner is not None:
            command = ["runuser", "-u", self._owner.pw_name, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def start(self) -> None:
        """Create the cluster on the first call; start the server (again) on every call."""
        data = self.root / "data"
        if not data.exists():
            self._create(data)
        settings = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port}"
            f" -c unix_socket_directories={self.root} -c max_connections=200"
        )
        if not self.durable:
            settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        log = str(self.root / "log")
        self._run("pg_ctl", "-D", str(data), "-l", log, "-o", settings, "-w", "start")

    def _create(self, data: Path) -> None:
        password_file = self.root / "password"
        password_file.write_text(PASSWORD)
        if self._owner is not None:
            os.chown(self.root, self._owner.pw_uid, self._owner.pw_gid)
            os.chown(password_file, self._owner.pw_uid, self._owner.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            f"--pwfile={password_file}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )

    def url(self, database: str = "postgres", *, password: str = PASSWORD) -> str:
        return f"postgresql://{SUPERUSER}:{password}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A new, empty database; returns its URL."""
        import psycopg

        name = f"board_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; `fast` (the default) keeps what was committed, which `immediate`
        may not with durability off."""
        self._run("pg_ctl", "-D", str(self.root / "data"), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        """Stop the server if it still runs, and delete its folder."""
        try:
            if (self.root / "data" / "postmaster.pid").exists():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
