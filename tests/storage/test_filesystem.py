"""Network filesystems: detected from mountinfo, refused, or opened with one writer by consent."""

from __future__ import annotations

from pathlib import Path

import pytest

from kanban_tui.storage import backend as backend_module
from kanban_tui.storage.connection import BoardFileError, connect
from kanban_tui.storage.filesystem import mount_type
from kanban_tui.storage.store import Store
from tests.cli.helpers import Squadboard, file_hash
from tests.conftest import FakeClock

MOUNTINFO = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 253:0 / / rw,relatime - ext4 /dev/vda rw
40 27 0:45 / /mnt/team rw,relatime - nfs4 files:/export/team rw,vers=4.2
41 40 0:46 / /mnt/team/local rw,relatime - ext4 /dev/vdb rw
42 27 0:47 / /home/ana/Shared\\040Drive rw - fuse.sshfs ana@files:/srv rw
43 27 0:48 / /media/smb rw - cifs //files/marketing rw
"""


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/mnt/team/board.db", "nfs4"),
        ("/mnt/team/local/board.db", "ext4"),
        ("/mnt/teamwork/board.db", "ext4"),
        ("/home/ana/Shared Drive/squad/board.db", "fuse.sshfs"),
        ("/media/smb/board.db", "cifs"),
        ("/home/ana/board.db", "ext4"),
    ],
)
def test_the_mount_holding_a_path_is_the_longest_matching_one(path: str, kind: str) -> None:
    assert mount_type(Path(path), MOUNTINFO) == kind


@pytest.fixture
def on_nfs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backend_module, "network_filesystem", lambda path: "nfs4")


@pytest.mark.usefixtures("on_nfs")
def test_a_board_on_a_network_filesystem_is_refused_and_not_created(
    db_path: Path, clock: FakeClock
) -> None:
    with pytest.raises(BoardFileError, match=r"network filesystem \(nfs4\).*sync"):
        Store(db_path, actor="Ana", clock=clock)
    assert not db_path.exists()


@pytest.mark.usefixtures("on_nfs")
def test_one_writer_at_a_time_is_an_explicit_choice_with_a_rollback_journal(
    db_path: Path, clock: FakeClock
) -> None:
    with Store(db_path, actor="Ana", clock=clock, network_single_writer=True) as store:
        store.add_squad("Growth squad", prefix="GRW")
        store.add_card(None, "works")
    conn = connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert not Path(f"{db_path}-wal").exists()


def test_the_cli_refuses_in_one_line_and_takes_the_flag_or_its_variable(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sb = Squadboard(db_path)
    sb.ok("squad", "add", "Growth squad", "--prefix", "GRW", "--tz", "UTC")
    monkeypatch.setattr(backend_module, "network_filesystem", lambda path: "cifs")
    digest = file_hash(sb.db)

    assert "--network-fs-single-writer" in sb.fail(1, "card", "list")
    assert file_hash(sb.db) == digest
    assert len(sb.json("--network-fs-single-writer", "card", "list")) == 0
    monkeypatch.setenv("SQUADBOARD_NETWORK_FS_SINGLE_WRITER", "1")
    sb.ok("card", "add", "from the network share")
