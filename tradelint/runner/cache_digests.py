"""What the cache is checked and keyed by, as digests: the SHA-256 of a file's bytes, the cache
file's signature, and the fingerprints of tradelint itself and of the installed packages (any
change to either empties the cache: ``cache.py``)."""

from __future__ import annotations

import hashlib
import hmac
import os
import sys
from pathlib import Path

from tradelint._version import __version__


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sign(key: bytes, payload: bytes) -> str:
    """The cache file's signature: HMAC-SHA256 of everything after its header line."""
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def _tool_fingerprint(cache_format: int) -> str:
    """tradelint's version, its own source and data (rename packs, the library table), the
    Python version and the cache's format: any change empties the cache."""
    package = PACKAGE_ROOT
    h = hashlib.sha256(f"{cache_format} {__version__} {sys.version_info[:2]}".encode())
    for source in tool_sources():
        h.update(source.relative_to(package).as_posix().encode())
        h.update(source.read_bytes())
    return h.hexdigest()


# The whole ``tradelint`` package (this module is two levels down): a change to any rule, model,
# rename pack or the library table empties the cache, not only a change to the runner.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def tool_sources() -> list[Path]:
    """The files whose text is part of the tool's fingerprint."""
    return sorted([*PACKAGE_ROOT.rglob("*.py"), *PACKAGE_ROOT.rglob("*.toml"), *PACKAGE_ROOT.rglob("*.json")])


# What the installed packages' names and versions show: a name without a dot is a folder (a
# package) or a file without a suffix; metadata folders name the version, their time changes on
# a reinstall.
_MODULE_SUFFIXES = (".py", ".pyi", ".so", ".pyd", ".pth", ".egg-link", ".zip", ".egg")
_METADATA_SUFFIXES = (".dist-info", ".egg-info", ".pth", ".egg-link", "-stubs")


def _environment() -> str:
    """The installed packages, as ``sys.path`` shows them: what ``library_classes`` and the class
    makers read from outside the project. Hidden names and plain files are left out, so that the
    cache folder or a new data file in the current folder changes nothing."""
    h = hashlib.sha256()
    for entry in sys.path:
        h.update(repr(entry).encode("utf-8", "surrogateescape"))
        folder = entry or "."
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if name.startswith(".") or name == "__pycache__":
                continue
            if "." in name and not name.endswith(_MODULE_SUFFIXES + _METADATA_SUFFIXES):
                continue
            h.update(name.encode("utf-8", "surrogateescape") + b"\0")
            if name.endswith(_METADATA_SUFFIXES):
                try:
                    h.update(str(os.stat(os.path.join(folder, name)).st_mtime_ns).encode())
                except OSError:
                    pass
    return h.hexdigest()
