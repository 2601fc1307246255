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
from typing import Iterator

import pytest

from tests.conftest import ROOT
from tradelint.cli import run
from tradelint.core.config import clear_cache
from tests.trees import configs_for

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


def test_python_m_tradelint_imports_nothing_from_the_checked_folder(tmp_path: Path) -> None:
    """``python -m`` puts the current folder first on ``sys.path``: the modules tradelint itself
    imports at start (``typing``, ``json``, ``signal``, ``ast``) must not be the project's."""
    project = tmp_path / "project"
    names = ("typing", "json", "signal", "ast", "argparse", "dataclasses")
    for name in names:
        _write(project / f"{name}.py", SHADOW.format(name=name))
    _write(project / "app.py", "x = 1\n")
    proc = subprocess.run(
        [sys.executable, "-m", "tradelint", "app.py", "--no-cache"],
        capture_output=True, text=True, timeout=120, cwd=project, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    assert _timeless(proc.stdout) == "Checked 1 file in 0.00s: all checks passed.\n"
    assert sorted(p.name for p in project.iterdir()) == sorted([*(f"{name}.py" for name in names), "app.py"])


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


# -- 3. a cache is trusted only when signed with this user's key, kept outside it -----------------


def _check(src: Path, cache: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], list[str]]:
    code = run(["--output-format", "concise", "--quiet", "--cache-dir", str(cache), str(src)])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def _cache_claiming_clean(src: Path, cache: Path, capsys: pytest.CaptureFixture[str], key: bytes | None) -> None:
    """What an attacker's pull request leaves in a CI cache: the real entry for ``bug.py``, its
    findings removed, with the right SHA-256 checksum (all a cache needed before) and a signature
    under ``key`` (their own), or a made-up one (None)."""
    import hashlib
    import json

    from tradelint.runner import cache as cache_module

    assert _check(src, cache, capsys)[0] == 1
    raw = (cache / cache_module.CACHE_FILE).read_bytes()
    header, _, payload = raw.partition(b"\n")
    data = json.loads(payload)
    assert [len(entry[2]) for entry in data["entries"].values()] == [1]
    for entry in data["entries"].values():
        entry[2] = []
    body = json.dumps(data, separators=(",", ":")).encode()
    signature = "0" * 64 if key is None else cache_module.sign(key, body)
    forged = [*header.split(b" ")[:2], hashlib.sha256(body).hexdigest().encode(), signature.encode()]
    (cache / cache_module.CACHE_FILE).write_bytes(b" ".join(forged) + b"\n" + body)


@pytest.mark.parametrize("forgery", ["checksum only", "another user's key"])
def test_a_forged_cache_entry_claiming_clean_is_not_believed(
    tmp_path: Path, forgery: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    _write(src / "bug.py", BUG)
    cache = tmp_path / "restored-ci-cache"
    _cache_claiming_clean(src, cache, capsys, None if forgery == "checksum only" else os.urandom(32))
    code, out, err = _check(src, cache, capsys)
    # Not believed, and rebuilt without a warning: a CI runner with a fresh key restores a cache
    # it cannot trust on every run.
    assert (code, out, err) == (1, [f"{src / 'bug.py'}:5:5: TRD301 [*] {BUG_MESSAGE}"], [])
    assert _check(src, cache, capsys) == (1, out, [])  # rewritten under the user's key: trusted again


def test_a_cache_written_under_another_key_is_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same file and cache folder, two users (two keys): the second re-checks everything."""
    from tradelint.runner import runner

    src = tmp_path / "src"
    _write(src / "bug.py", BUG)
    _write(src / "clean.py", "x = 1\n")
    cache = tmp_path / "cache"
    configs = configs_for(src)
    assert runner.check_files(configs, cache_dir=cache).checked == 2
    assert runner.check_files(configs, cache_dir=cache).cached == 2  # this user's own cache: used
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-user"))
    again = runner.check_files(configs, cache_dir=cache)
    assert (again.cached, again.checked, len(again.findings)) == (0, 2, 1)
    assert capsys.readouterr().err == ""


def test_the_key_is_made_private_outside_the_cache_and_refused_when_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tradelint.runner.cache_key import key_path

    src = tmp_path / "src"
    _write(src / "bug.py", BUG)
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    assert _check(src, cache, capsys)[0] == 1
    key = key_path()
    assert key == tmp_path / "home-cache" / "tradelint" / "key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert not any(p.name == "key" for p in cache.rglob("*"))
    # A key others may read could sign a forged cache: neither it nor the cache is used.
    key.chmod(0o644)
    code, out, err = _check(src, cache, capsys)
    assert (code, len(out)) == (1, 1)
    assert err == [f"tradelint: warning: cache {cache / 'cache.json'}: cannot be authenticated: its key {key} "
                   "may be read or written by others (mode 0644); not used"]
    # A key inside the cache folder would travel with a restored cache.
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    code, out, err = _check(src, cache, capsys)
    assert (code, len(out)) == (1, 1)
    assert err == [f"tradelint: warning: cache {cache / 'cache.json'}: cannot be authenticated: its key "
                   f"{cache / 'tradelint' / 'key'} is inside the cache folder; not used"]
    assert not (cache / "tradelint").exists()


# -- 4. history is read under the check's limits; any file name is handled as git handles it -------


@pytest.fixture
def default_recursion_limit() -> Iterator[None]:
    """Python's default recursion limit for the test: what parses and what is "too deeply
    nested" depends on it, and a test run in the same process may have raised it (mypy's API
    sets 16,384)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


@pytest.mark.usefixtures("default_recursion_limit")
def test_renames_since_reads_history_under_the_checks_limits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """At REV: a blob over the 10 MiB limit (a 30 MB one took 13 GB before), one nested too deep
    to parse, and a file whose name is not UTF-8. Each is handled, and the real rename found."""
    from tests.test_rename_history import git

    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    _write(root / "vat.py", "class Vat:\n    def __init__(self):\n        self.spot_map = {}\n")
    _write(root / "big.py", "class Big:\n    def m(self):\n        pass\n" + "X = 1\n" * (2 * 2**20))  # 12 MiB
    _write(root / "deep.py", "class Deep:\n    def f(self):\n        return " + "+".join(["1"] * 20_000) + "\n")
    bad = root / os.fsdecode(b"bad\xff.py")
    bad.write_text("class Bad:\n    def __init__(self):\n        self.old_name = 1\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    _write(root / "vat.py", "class Vat:\n    def __init__(self):\n        self.spot_markets = {}\n")
    _write(root / "big.py", "class Big:\n    def m(self):\n        pass\n")
    _write(root / "deep.py", "class Deep:\n    def f(self):\n        return 1\n")
    bad.write_text("class Bad:\n    def __init__(self):\n        self.new_name = 1\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "v2")
    assert run(["renames", "--since", "HEAD~1", str(root)]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "tradelint renames: big.py at HEAD~1: skipped: file is too large (more than 10 MiB)",
        "tradelint renames: deep.py at HEAD~1: skipped: file is too deeply nested to parse",
    ]
    assert out.splitlines()[:3] == [
        "Renamed since HEAD~1:",
        "  bad\\xff.py: Bad.old_name -> new_name (instance attribute)",
        "  vat.py: Vat.spot_map -> spot_markets (instance attribute)",
    ]
    assert out.splitlines()[-1] == "No access under an old name remains."


# -- 5. under pressure: one clear line per file, whole machine-readable output, the rest done -----


def _memory_cap() -> None:
    """In the child: 400 MB of address space. tradelint itself needs well under 100 MB; parsing
    the large file below needs about 2 GB."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (400 * 2**20, 400 * 2**20))


@pytest.mark.parametrize("mode", ["check", "fix"])
def test_out_of_memory_costs_one_line_for_that_file_only(tmp_path: Path, mode: str) -> None:
    import json

    src = tmp_path / "src"
    _write(src / "huge.py", "x = [\n" + '    (1, 2, 3, "abc"),\n' * 400_000 + "]\n")  # 8.8 MB
    _write(src / "zz_bug.py", BUG)
    huge = (src / "huge.py").read_bytes()
    extra = ["--fix"] if mode == "fix" else []
    proc = subprocess.run(
        [sys.executable, "-m", "tradelint", str(src), "--output-format", "json", "--no-cache", *extra],
        capture_output=True, text=True, timeout=300, cwd=ROOT, preexec_fn=_memory_cap,
    )
    assert proc.returncode == 1
    found = [(f["path"], f["code"], f["message"]) for f in json.loads(proc.stdout)]  # one whole document
    expected = [(str(src / "huge.py"), "TRD001", "not checked: out of memory while checking this file")]
    if mode == "check":
        expected.append((str(src / "zz_bug.py"), "TRD301", BUG_MESSAGE))
        assert _timeless(proc.stderr) == "Checked 2 files in 0.00s: 2 findings, 1 fixable with `--fix`.\n"
    else:
        assert (src / "zz_bug.py").read_text(encoding="utf-8").endswith(FIXED_TAIL)
        assert _timeless(proc.stderr) == "Checked 2 files in 0.00s: fixed 1 finding, 1 remaining (none fixable).\n"
    assert found == expected
    assert (src / "huge.py").read_bytes() == huge


BUG_MESSAGE = "task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"


@pytest.mark.usefixtures("default_recursion_limit")
def test_fix_on_a_file_nested_too_deeply_says_so_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """900 levels of ``not``: ``ast`` parses it, the fixed file's name check cannot walk it."""
    deep = tmp_path / "deep.py"
    text = BUG + "x = " + "not " * 900 + "y\n"
    deep.write_text(text, encoding="utf-8")
    other = tmp_path / "other.py"
    other.write_text(BUG, encoding="utf-8")
    assert run([str(tmp_path), "--fix", "--output-format", "concise", "--no-cache"]) == 1
    out, err = capsys.readouterr()
    assert err == (
        f"tradelint: {deep}: fix not applied: undefined-name check failed: the file is nested too deeply to "
        "check its names (line 6)\n"
    )
    assert _timeless(out).splitlines() == [
        f"{deep}:5:5: TRD301 {BUG_MESSAGE}",
        "Checked 2 files in 0.00s: fixed 1 finding, 1 remaining (none fixable).",
    ]
    assert deep.read_text(encoding="utf-8") == text
    assert other.read_text(encoding="utf-8").endswith(FIXED_TAIL)
