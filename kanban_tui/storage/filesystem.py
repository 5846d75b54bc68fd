"""Is a board file on a network filesystem? SQLite's locking is unreliable there and WAL does
not work at all (it needs shared memory between the processes), so squadboard asks first."""

from __future__ import annotations

from pathlib import Path

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "9p",
        "afs",
        "ceph",
        "coda",
        "glusterfs",
        "gpfs",
        "lustre",
        "ncpfs",
        "davfs",
        "fuse.sshfs",
        "fuse.rclone",
        "fuse.glusterfs",
        "fuse.s3fs",
        "fuse.cephfs",
    }
)
MOUNTINFO = Path("/proc/self/mountinfo")


def _unescape(field: str) -> str:
    """Mount points in mountinfo escape space, tab, newline and backslash as octal."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def mount_type(path: Path, mountinfo: str) -> str | None:
    """The filesystem type of the mount holding `path`, from mountinfo text (None if unknown)."""
    best: tuple[int, str] | None = None
    target = path.as_posix()
    for line in mountinfo.splitlines():
        before, _, after = line.partition(" - ")
        fields = before.split()
        if len(fields) < 5 or not after:
            continue
        mount_point = _unescape(fields[4])
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and (best is None or len(mount_point) > best[0]):
            best = (len(mount_point), after.split()[0])
    return best[1] if best else None


def network_filesystem(path: Path) -> str | None:
    """The network filesystem type a board file is (or would be created) on, else None.

    Only Linux tells us cheaply (/proc/self/mountinfo); elsewhere this returns None.
    """
    try:
        mountinfo = MOUNTINFO.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    where = path.resolve()
    while not where.exists() and where != where.parent:
        where = where.parent  # a file not created yet lives on its nearest existing folder's mount
    kind = mount_type(where, mountinfo)
    return kind if kind in NETWORK_FILESYSTEMS else None
