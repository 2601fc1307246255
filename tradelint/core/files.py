"""Reading a source file without hanging, exhausting memory or trusting what the path points at.

Every reader of source files (the engine, cross-module lookups, the fixer) goes through
:func:`read_source_bytes`, so a FIFO, a device, a folder or a 50 MB generated file gets the same
one-line reason everywhere instead of a hang, a traceback or gigabytes of ``ast`` nodes.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

# Ten times the largest file in the real-code corpus (0.8 MB); above it, parsing alone takes
# minutes and ``ast`` nodes take gigabytes (a 50 MB file: 5 minutes, 9 GB).
MAX_FILE_BYTES = 10 * 1024 * 1024

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class UnreadableFile(Exception):
    """Why a path cannot be read as a source file, worded for a TRD001 finding. ``refused``: it
    could be read, but is not something to check (a FIFO, a device, a file over the limit)."""

    def __init__(self, message: str, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _open_error(path: Path, exc: OSError) -> UnreadableFile:
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return UnreadableFile(f"cannot read file: broken symbolic link to '{os.readlink(path)}'")
    if exc.errno == errno.ELOOP:
        return UnreadableFile("cannot read file: symbolic link loop")
    what = "folder" if os.path.isdir(path) else "file"
    return UnreadableFile(f"cannot read {what}: {exc.strerror or exc}")


def read_source_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, else :class:`UnreadableFile`."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise _open_error(path, exc) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)  # before fdopen, which refuses a folder
        raise UnreadableFile(f"{_kind(info.st_mode)}, not a regular file", refused=True)
    with os.fdopen(fd, "rb") as fh:
        if info.st_size > limit:
            raise UnreadableFile(
                f"file is too large ({info.st_size / 2**20:.1f} MiB; the limit is {limit / 2**20:.0f} MiB)",
                refused=True,
            )
        try:
            # One byte more than the limit: a file that grows while read is still refused.
            data = fh.read(limit + 1)
        except OSError as exc:
            raise UnreadableFile(f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise UnreadableFile(f"file is too large (more than {limit / 2**20:.0f} MiB)", refused=True)
    return data
