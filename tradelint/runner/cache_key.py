"""The key that authenticates the cache: kept per user, outside every cache folder.

A cache folder can come from anywhere: a CI cache restored from a run on a pull request, a
colleague's checkout, an archive. Its checksum proves only that it is intact, not who wrote it,
so the cache file is signed with HMAC-SHA256 under this key, and a cache signed with any other key
(or forged, or edited) is not used. The key is 32 random bytes, written in hex to
``$XDG_CACHE_HOME/tradelint/key`` (``~/.cache/tradelint/key`` without it) on first use, mode 0600
in a folder made 0700. A key file that another user owns, that others may read or write, that is
a link or not a key, or that sits inside the cache folder itself is not used, and neither is the
cache then: a cache is a shortcut, never a reason to trust.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

KEY_BYTES = 32
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class KeyUnavailable(Exception):
    """Why no key can authenticate the cache, worded for the run's one cache warning."""


def key_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "")
    folder = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return folder / "tradelint" / "key"


def load_key(cache_folder: Path) -> bytes:
    """This user's key, made on first use; KeyUnavailable when there is none to trust."""
    try:
        path = key_path()
    except RuntimeError:  # no home folder
        raise KeyUnavailable("no home folder to keep its key in") from None
    if _inside(path, cache_folder):
        raise KeyUnavailable(f"its key {path} is inside the cache folder")
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise KeyUnavailable(f"cannot read its key {path} ({_reason(exc)})") from None
    try:
        _create(path)
        return _read(path)
    except OSError as exc:
        raise KeyUnavailable(f"cannot make its key {path} ({_reason(exc)})") from None


def _reason(exc: OSError) -> str:
    return "a symbolic link" if exc.errno == errno.ELOOP else exc.strerror or str(exc)


def _inside(path: Path, folder: Path) -> bool:
    key, cache = os.path.realpath(path), os.path.realpath(folder)
    return key == cache or key.startswith(cache.rstrip(os.sep) + os.sep)


def _read(path: Path) -> bytes:
    fd = os.open(path, _READ_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise KeyUnavailable(f"its key {path} is not a regular file")
        if os.name == "posix":
            if info.st_uid != os.geteuid():
                raise KeyUnavailable(f"its key {path} belongs to another user")
            if info.st_mode & 0o077:
                raise KeyUnavailable(f"its key {path} may be read or written by others (mode {stat.S_IMODE(info.st_mode):04o})")
        data = os.read(fd, 4 * KEY_BYTES)
    finally:
        os.close(fd)
    text = data.strip()
    try:
        key = bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise KeyUnavailable(f"its key {path} is not a tradelint key")
    return key


def _create(path: Path) -> None:
    """Write a new key whole under a temporary name, then link it in: two runs making it at
    once both end up reading the one that won."""
    os.makedirs(path.parent, mode=0o700, exist_ok=True)
    temp = path.with_name(f".key.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_hex(KEY_BYTES).encode("ascii") + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another run made it first: theirs is the key
        except OSError:  # a file system without hard links
            if not os.path.lexists(path):
                os.rename(temp, path)
    finally:
        try:
            os.unlink(temp)
        except OSError:
            pass
