"""The cache is data only: a crafted, corrupt or odd cache is ignored with one warning, never run,
never trusted, and leaves no temporary file; its ``.gitignore`` goes only into a folder tradelint made."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tradelint.cli import run
from tradelint.core.config import clear_cache
from tradelint.runner import cache as cache_module
from tradelint.runner.cache_key import load_key

BUG = "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n"


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


class _Payload:
    """Unpickling this creates ``marker``: what a crafted cache in a pull request would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, ...]]:
        return (os.system, (f"touch {self.marker}",))


def _project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "bug.py").write_text(BUG, encoding="utf-8")
    return src


def _run(src: Path, cache: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], list[str]]:
    code = run(["--output-format", "concise", "--quiet", "--cache-dir", str(cache), str(src)])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp")) if folder.is_dir() else []


@pytest.mark.parametrize("name", ["cache.pickle", cache_module.CACHE_FILE])
def test_a_crafted_pickle_is_never_run(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    src = _project(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    marker = tmp_path / "pwned"
    (cache / name).write_bytes(pickle.dumps({"fingerprint": _Payload(marker), "entries": {}, "groups": {}}))
    code, out, _ = _run(src, cache, capsys)
    assert not marker.exists()
    assert code == 1 and len(out) == 1 and ": TRD301" in out[0]


def _valid_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, bytes]:
    src = _project(tmp_path)
    cache = tmp_path / "cache"
    assert _run(src, cache, capsys)[0] == 1
    return src, cache, (cache / cache_module.CACHE_FILE).read_bytes()


def _key() -> bytes:
    return load_key(Path("/nonexistent"))


def test_the_cache_is_json_with_a_version_and_a_signature(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, _, raw = _valid_cache(tmp_path, capsys)
    header, _, payload = raw.partition(b"\n")
    magic, version, digest, signature = header.split(b" ")
    assert (magic, version) == (b"tradelint-cache", str(cache_module.CACHE_FORMAT).encode())
    assert digest.decode() == hashlib.sha256(payload).hexdigest()
    assert signature.decode() == hmac.new(_key(), payload, hashlib.sha256).hexdigest()
    assert set(json.loads(payload)) == {"fingerprint", "environment", "roots", "modules", "lookups", "scans", "entries", "files"}


def _forge(raw: bytes, change: str) -> bytes:
    """A cache made from a valid one, damaged in one way; "right signature": signed with the
    user's own key, as a bug in tradelint could have written it."""
    header, _, payload = raw.partition(b"\n")
    magic, version, _, _ = header.split(b" ")

    def signed(body: bytes) -> bytes:
        sums = [hashlib.sha256(body).hexdigest().encode(), cache_module.sign(_key(), body).encode()]
        return b" ".join([magic, version, *sums]) + b"\n" + body

    if change == "flipped byte":
        return header + b"\n" + payload[:-5] + bytes([payload[-5] ^ 1]) + payload[-4:]
    if change == "truncated":
        return raw[: len(raw) // 2]
    if change == "foreign":
        return b"PK\x03\x04 some zip file\n"
    if change == "not json, right signature":
        return signed(b"{'fingerprint': 1}")
    if change == "wrong shape, right signature":
        data = json.loads(payload)
        for entry in data["entries"].values():
            entry[2] = [["line", 1, "TRD301", "m", 1, 1, None]]
        return signed(json.dumps(data).encode())
    if change == "deep json, right signature":
        return signed(b"[" * 100_000 + b"]" * 100_000)
    raise AssertionError(change)


@pytest.mark.parametrize(
    "change",
    ["flipped byte", "truncated", "foreign", "not json, right signature", "wrong shape, right signature",
     "deep json, right signature"],
)
def test_a_damaged_cache_is_ignored_with_one_warning(
    tmp_path: Path, change: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src, cache, raw = _valid_cache(tmp_path, capsys)
    (cache / cache_module.CACHE_FILE).write_bytes(_forge(raw, change))
    code, out, err = _run(src, cache, capsys)
    assert code == 1 and len(out) == 1 and ": TRD301" in out[0]
    assert len(err) == 1 and err[0].startswith(f"tradelint: warning: cache {cache / cache_module.CACHE_FILE}: ")
    assert err[0].endswith("; not used")
    assert _leftovers(cache) == []
    # ... and replaced by a good one: the next run is quiet and answered from it.
    assert _run(src, cache, capsys)[1:] == (out, [])


def test_a_cache_claiming_no_findings_for_other_content_is_not_believed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, cache, raw = _valid_cache(tmp_path, capsys)
    # Each entry is keyed by the content hash of its file: a forged "clean" entry for the file's
    # old content does not answer for its new content.
    (src / "bug.py").write_text(BUG.replace("g()", "h()"), encoding="utf-8")
    code, out, err = _run(src, cache, capsys)
    assert code == 1 and "TRD301" in out[0] and err == []


def test_a_cache_from_another_version_is_rebuilt_silently(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, cache, raw = _valid_cache(tmp_path, capsys)
    header, _, payload = raw.partition(b"\n")
    older = header.replace(f" {cache_module.CACHE_FORMAT} ".encode(), b" 1 ")
    assert older != header
    (cache / cache_module.CACHE_FILE).write_bytes(older + b"\n" + payload)
    code, out, err = _run(src, cache, capsys)
    assert (code, err) == (1, [])
    assert (cache / cache_module.CACHE_FILE).read_bytes().split(b" ")[1] == str(cache_module.CACHE_FORMAT).encode()


@pytest.mark.parametrize("kind", ["folder", "fifo", "link to a fifo"])
def test_a_cache_that_is_not_a_file_is_ignored_without_blocking(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _project(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    target = cache / cache_module.CACHE_FILE
    if kind == "folder":
        target.mkdir()
        (target / "x").write_text("x")
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        os.mkfifo(tmp_path / "pipe")
        target.symlink_to(tmp_path / "pipe")
    code, out, err = _run(src, cache, capsys)
    assert code == 1 and len(out) == 1
    assert len(err) == 1 and err[0].startswith("tradelint: warning: cache ")
    assert _leftovers(cache) == []
    if kind == "link to a fifo":
        assert os.path.exists(tmp_path / "pipe")  # the link was replaced, not written through


def test_an_unwritable_cache_folder_costs_one_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _project(tmp_path)
    (tmp_path / "file").write_text("")
    code, out, err = _run(src, tmp_path / "file" / "cache", capsys)
    assert code == 1 and len(out) == 1
    assert len(err) == 1 and "cannot be written" in err[0]


def test_gitignore_only_in_a_folder_tradelint_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _project(tmp_path)
    _run(src, src, capsys)  # --cache-dir src: the sources must stay visible to git
    assert not (src / ".gitignore").exists()
    assert (src / cache_module.CACHE_FILE).is_file()
    fresh = tmp_path / "new" / "cache"
    _run(src, fresh, capsys)
    assert (fresh / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert not (tmp_path / "new" / ".gitignore").exists()


def test_cache_dir_root_writes_no_gitignore(tmp_path: Path) -> None:
    # In a subprocess whose root is unwritable would need a container; instead check the rule
    # directly: "/" exists, so it is never a folder tradelint created.
    assert cache_module._make_folder(Path("/")) is False


def test_interrupted_save_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = cache_module.Cache(tmp_path / "cache", "fp")

    def interrupted(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cache_module.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.save()
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [".gitignore"]


def test_undecodable_file_names_round_trip(tmp_path: Path) -> None:
    name = os.fsdecode(b"bad\xff.py")
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / name).write_text(BUG, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "tradelint", "--quiet", "--output-format", "concise",
               "--cache-dir", str(tmp_path / "c"), str(folder)]
    first = subprocess.run(command, capture_output=True, env=env)
    second = subprocess.run(command, capture_output=True, env=env)
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout and b"TRD301" in first.stdout
    assert first.stderr == second.stderr == b""


def test_the_fingerprint_covers_every_rule_model_and_pack() -> None:
    """A changed rule must empty the cache: the fingerprint reads the whole package, not only the
    runner's folder it lives in, and its data: a regenerated library table changes findings too."""
    from tradelint.runner.cache_digests import PACKAGE_ROOT, tool_sources

    names = {path.relative_to(PACKAGE_ROOT).as_posix() for path in tool_sources()}
    assert {"rules/discarded_task.py", "models/tasks/task_model.py", "facts/syntax.py", "core/config.py",
            "packs/web3-v7.toml", "packs/library_resources.json", "runner/cache.py"} <= names
