"""Issue 32, the attacks as an attacker would run them: tradelint never runs what it reads, never
writes what its user may not, never trusts a cache it did not write. ``docs/security.md`` names
each guarantee and the test here that performs its attack."""

from __future__ import annotations

import os
import re
import stat
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tradelint.cli import run
from tradelint.core.config import clear_cache

BUG = "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n"
FIXED_TAIL = "async def f():\n    _keep_task(asyncio.create_task(g()))\n"


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


def _timeless(text: str) -> str:
    return re.sub(r" in \d+\.\d\ds:", " in 0.00s:", text)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# -- 1. nothing read is ever run: not even a module that shadows the standard library -------------

SHADOW = (
    "import pathlib\n"
    "pathlib.Path(__file__).with_name('MARKER-{name}').write_text('ran')\n"
    "print('{name} WAS RUN')\n"
)


def test_a_module_shadowing_the_standard_library_is_never_run(tmp_path: Path) -> None:
    """An installed library's classes derive from ``asyncio.Protocol`` and ``this.Zen``; the
    project has its own ``asyncio.py`` and ``this.py`` and is run with ``python -m`` from its
    folder (so it is first on ``sys.path``), and ``this`` also stands for the real one, which
    prints when imported. Members come from the interpreter's own ``asyncio`` source."""
    site = tmp_path / "site"
    _write(
        site / "fakelib" / "__init__.py",
        "import asyncio, this\n"
        "class Proto(asyncio.Protocol):\n"
        "    def __init__(self):\n"
        "        self.port = 1\n"
        "class Zen(this.Zen):\n"
        "    pass\n",
    )
    project = tmp_path / "project"
    for name in ("asyncio", "this"):
        _write(project / f"{name}.py", SHADOW.format(name=name))
    _write(project / "pyproject.toml", "[tool.tradelint]\npreview = true\nselect = ['TRD404']\n")
    _write(
        project / "app.py",
        "from fakelib import Proto, Zen\n\n\n"
        "def f(p: Proto, z: Zen) -> object:\n"
        "    return p.prot, p.data_received, p.connection_made, z.anything\n",
    )
    for shadowed in (True, False):
        if not shadowed:
            for name in ("asyncio", "this"):
                (project / f"{name}.py").unlink()
        proc = subprocess.run(
            [sys.executable, "-m", "tradelint", "app.py", "--output-format", "concise", "--no-cache"],
            capture_output=True, text=True, timeout=120, cwd=project,
            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])},
        )
        assert (proc.returncode, proc.stderr) == (1, "")
        # The same finding with and without the shadowing modules: read from the real source.
        assert _timeless(proc.stdout).splitlines() == [
            "app.py:5:12: TRD404 `p.prot` is not defined on `Proto`; did you mean `port`?",
            "Checked 1 file in 0.00s: 1 finding, none fixable.",
        ]
        assert sorted(p.name for p in project.iterdir() if p.name.startswith("MARKER")) == []


def test_standard_library_members_come_from_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader itself, in this process: no standard-library module is imported for it, C
    modules are read from typeshed's stubs, and module-level ``Cls.name = ...`` counts."""
    from tradelint.facts import library_source
    from tradelint.facts.context import Project
    from tradelint.models.renames import library_classes

    monkeypatch.delitem(sys.modules, "this", raising=False)
    monkeypatch.delitem(sys.modules, "smtplib", raising=False)
    project = Project()
    members = {}
    for qualified in ("smtplib.SMTP", "collections.defaultdict", "socket.socket", "datetime.timedelta", "this.Zen", "asyncio.Protocol"):
        found = library_source.stdlib_class(project, qualified)
        members[qualified] = None if found is None else library_classes.class_members(project, *found)
    assert "this" not in sys.modules and "smtplib" not in sys.modules
    assert members["this.Zen"] is None  # no such class: unknown, so nothing is reported
    assert {"sendmail", "ehlo", "sock", "quit"} <= members["smtplib.SMTP"]  # type: ignore[operator]
    smtp = library_source.stdlib_class(project, "smtplib.SMTP")
    assert smtp is not None and smtp[0].path.suffix == ".py"
    # Written in C, imported from ``_collections``: typeshed's stub of ``collections``.
    defaultdict = library_source.stdlib_class(project, "collections.defaultdict")
    assert defaultdict is not None and defaultdict[0].path.suffix == ".pyi"
    assert {"default_factory", "setdefault", "items"} <= members["collections.defaultdict"]  # type: ignore[operator]
    # ``socket.py`` subclasses the C ``_socket.socket``, read from its stub.
    assert {"makefile", "sendfile", "recv", "setsockopt"} <= members["socket.socket"]  # type: ignore[operator]
    assert {"max", "min", "resolution", "total_seconds"} <= members["datetime.timedelta"]  # type: ignore[operator]
    assert {"data_received", "connection_made"} <= members["asyncio.Protocol"]  # type: ignore[operator]


# -- 2. --fix writes only what its user may, and keeps owner, group, mode, attributes, ACLs ------


def test_a_read_only_file_is_refused_in_one_line_and_left_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked.py"
    locked.write_text(BUG, encoding="utf-8")
    locked.chmod(0o444)
    other = tmp_path / "other.py"
    other.write_text(BUG, encoding="utf-8")
    before = locked.read_bytes()
    assert run([str(tmp_path), "--fix", "--output-format", "concise", "--no-cache"]) == 2
    out, err = capsys.readouterr()
    assert err == f"tradelint: {locked}: read-only, not fixed\n"
    assert _timeless(out).splitlines()[-1] == "Checked 2 files in 0.00s: fixed 1 finding, 1 remaining (1 fixable with `--fix`)."
    assert locked.read_bytes() == before and stat.S_IMODE(locked.stat().st_mode) == 0o444
    assert other.read_text(encoding="utf-8").endswith(FIXED_TAIL)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["locked.py", "other.py"]  # no temporary file left


def _acl(*entries: tuple[int, int, int]) -> bytes:
    """A Linux ``system.posix_acl_access`` value: version 2, then (tag, permissions, id) entries."""
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *entry) for entry in entries)


UNDEFINED_ID = 0xFFFFFFFF


def test_a_fix_keeps_mode_extended_attributes_and_acl(tmp_path: Path) -> None:
    path = tmp_path / "bug.py"
    path.write_text(BUG, encoding="utf-8")
    path.chmod(0o640)
    os.setxattr(path, "user.origin", b"reviewed")
    # Owner rw, user 12345 r, group r, mask r, other none: ``getfacl`` would print user:12345:r--.
    acl = _acl((0x01, 6, UNDEFINED_ID), (0x02, 4, 12345), (0x04, 4, UNDEFINED_ID), (0x10, 4, UNDEFINED_ID), (0x20, 0, UNDEFINED_ID))
    os.setxattr(path, "system.posix_acl_access", acl)
    before = path.stat()
    assert run([str(path), "--fix", "--no-cache"]) == 0
    after = path.stat()
    assert path.read_text(encoding="utf-8").endswith(FIXED_TAIL)
    assert after.st_ino != before.st_ino  # replaced by a new file, which took everything over
    assert (stat.S_IMODE(after.st_mode), after.st_uid, after.st_gid) == (0o640, before.st_uid, before.st_gid)
    assert os.getxattr(path, "user.origin") == b"reviewed"
    assert os.getxattr(path, "system.posix_acl_access") == acl


def test_a_fix_adds_no_acl_the_file_did_not_have(tmp_path: Path) -> None:
    """A folder's default ACL is inherited by the temporary file; the fixed file must not gain it."""
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "bug.py"
    path.write_text(BUG, encoding="utf-8")
    path.chmod(0o644)
    default = _acl((0x01, 7, UNDEFINED_ID), (0x02, 7, 12345), (0x04, 5, UNDEFINED_ID), (0x10, 7, UNDEFINED_ID), (0x20, 5, UNDEFINED_ID))
    os.setxattr(folder, "system.posix_acl_default", default)
    assert run([str(path), "--fix", "--no-cache"]) == 0
    assert path.read_text(encoding="utf-8").endswith(FIXED_TAIL)
    assert os.listxattr(path) == []
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
