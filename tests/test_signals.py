"""SIGINT and SIGTERM, to the main process or its whole group, during a check, ``--jobs N`` and
``--fix``: every process ends within a second, the exit status is 130 or 143, no worker is left
running and no temporary file is left behind. Real processes, real signals; survivors are found in
/proc (a zombie no one reaps counts as ended: it runs nothing and holds no memory)."""

from __future__ import annotations

import os
import random
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMP = re.compile(r"^\..+\.tradelint$|\.tmp$")
FIXABLE = (
    "import asyncio\n"
    "from dataclasses import dataclass\n\n\n"
    "@dataclass\n"
    "class Schema{i}:\n"
    '    CACHE_KEY: str = "key-{i}"\n\n\n'
    "async def worker_{i}():\n"
    "    asyncio.create_task(job())\n"
)
FILLER = "".join(f"def helper_{j}(a, b):\n    return [x * a + b for x in range({j})]\n\n\n" for j in range(400))

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc to find survivors")


def _tree(root: Path, files: int = 120) -> Path:
    root.mkdir(parents=True)
    for i in range(files):
        (root / f"mod_{i:03d}.py").write_text(FIXABLE.format(i=i) + FILLER, encoding="utf-8")
    return root


def _children(pid: int) -> set[int]:
    """Every live descendant of ``pid``."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != b"Z":
            parents[int(entry)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def _command(root: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "tradelint", "--no-cache", "--quiet", *extra, str(root)]


def _start(root: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        _command(root, *extra), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, start_new_session=True
    )


def _wait_for_workers(proc: subprocess.Popen[bytes], count: int) -> set[int]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = _children(proc.pid)
        if len(workers) >= count:
            return workers
        assert proc.poll() is None, "the run ended before its workers started"
        time.sleep(0.01)
    raise AssertionError("workers never started")


def _stop(proc: subprocess.Popen[bytes], signum: int, group: bool, watched: set[int]) -> tuple[int, float]:
    """Send the signal; the exit status and how long until the last process (main or worker) ended."""
    # A pidfd turns readable the moment its process ends: the time measured is the processes',
    # not this test's polling (the machine may be loaded).
    fds = []
    for pid in watched | {proc.pid}:
        try:
            fds.append(os.pidfd_open(pid))
        except ProcessLookupError:
            pass
    sent = time.monotonic()
    if group:
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    try:
        pending = list(fds)
        while pending and time.monotonic() - sent < 5:
            ready, _, _ = select.select(pending, [], [], 5)
            pending = [fd for fd in pending if fd not in ready]
        elapsed = time.monotonic() - sent
    finally:
        for fd in fds:
            os.close(fd)
    return proc.wait(timeout=10), elapsed


def _survivors(watched: set[int]) -> list[int]:
    survivors = [pid for pid in watched if _alive(pid)]
    for pid in survivors:  # never leave them to the next test
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return survivors


EXPECTED = {signal.SIGINT: 130, signal.SIGTERM: 143}


@pytest.mark.parametrize("group", [False, True], ids=["main", "group"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_jobs_workers_end_with_the_run(tmp_path: Path, signum: int, group: bool) -> None:
    root = _tree(tmp_path / "tree")
    proc = _start(root, "--jobs", "2")
    workers = _wait_for_workers(proc, 2)
    time.sleep(0.3)  # the workers are busy checking
    code, elapsed = _stop(proc, signum, group, workers)
    assert _survivors(workers) == []
    assert code == EXPECTED[signum], proc.stderr.read() if proc.stderr else b""
    assert elapsed < 1.0
    assert proc.stderr is not None and b"Traceback" not in proc.stderr.read()


@pytest.mark.parametrize("group", [False, True], ids=["main", "group"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_check_in_one_process_stops_at_once(tmp_path: Path, signum: int, group: bool) -> None:
    root = _tree(tmp_path / "tree")
    proc = _start(root)
    time.sleep(1.0)
    code, elapsed = _stop(proc, signum, group, set())
    assert (code, elapsed < 1.0) == (EXPECTED[signum], True)
    assert proc.stderr is not None and b"Traceback" not in proc.stderr.read()


def _fix_states(root: Path, originals: dict[str, bytes]) -> tuple[int, list[str]]:
    """How many files were fixed; every file must be its original or a whole fixed version."""
    fixed = 0
    for name, data in originals.items():
        now = (root / name).read_bytes()
        if now != data:
            assert now.startswith(b"import asyncio\nfrom dataclasses import dataclass\nfrom typing import Any, ClassVar, TypeVar\n")
            assert now.endswith(FILLER.encode())
            fixed += 1
    return fixed, sorted(n for n in os.listdir(root) if TEMP.search(n))


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_fix_stopped_at_random_moments_leaves_no_temporary_file(tmp_path: Path, signum: int) -> None:
    rng = random.Random(13 + signum)
    started = time.monotonic()
    # Two processes, as ``--jobs auto`` gives a run of 1 MiB on two cores (40 of these files), over
    # half of that: stopped at random moments of the same steps, at half the cost.
    args = ("--fix", "--unsafe-fixes", "--jobs", "2")
    reference = _tree(tmp_path / "reference", files=20)
    subprocess.run(_command(reference, *args), capture_output=True, cwd=ROOT)
    total = time.monotonic() - started
    outcomes: dict[int, int] = {}
    for attempt in range(4):
        root = _tree(tmp_path / f"run{attempt}", files=20)
        originals = {p.name: p.read_bytes() for p in root.iterdir()}
        proc = _start(root, *args)
        time.sleep(rng.uniform(0.5, total))
        code, elapsed = _stop(proc, signum, attempt % 2 == 1, set())
        outcomes[code] = outcomes.get(code, 0) + 1
        assert code in (EXPECTED[signum], 0), proc.stderr.read() if proc.stderr else b""  # 0: it finished first
        assert elapsed < 1.0
        _, leftovers = _fix_states(root, originals)
        assert leftovers == []
    assert outcomes.get(EXPECTED[signum], 0) >= 2, outcomes


@pytest.mark.slow
def test_fix_stopped_while_writing_leaves_whole_files(tmp_path: Path) -> None:
    """SIGTERM sent as soon as the first file is replaced: files are original or fully fixed."""
    root = _tree(tmp_path / "tree", files=60)
    originals = {p.name: p.read_bytes() for p in root.iterdir()}
    stamps = {p.name: p.stat().st_mtime_ns for p in root.iterdir()}
    proc = _start(root, "--fix", "--unsafe-fixes")
    deadline = time.monotonic() + 60
    folder = os.stat(root).st_mtime_ns
    polls = 0
    while proc.poll() is None and time.monotonic() < deadline:
        # Every millisecond one stat of the folder, which a temporary file made or renamed into
        # place changes; the files themselves every 20 (polling them all each time took a core).
        polls += 1
        if os.stat(root).st_mtime_ns != folder or polls % 20 == 0:
            if any(os.stat(root / n).st_mtime_ns != s for n, s in stamps.items() if os.path.exists(root / n)):
                break
            if any(TEMP.search(n) for n in os.listdir(root)):
                break
        time.sleep(0.001)
    code, _ = _stop(proc, signal.SIGTERM, False, set())
    fixed, leftovers = _fix_states(root, originals)
    assert leftovers == []
    assert code in (143, 0)
    print(f"files fixed when stopped: {fixed} of {len(originals)}")


def test_a_signal_that_libcst_turns_into_another_error_still_stops_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """libcst's parser builds its nodes from Rust by calling Python: the ``Interrupted`` that the
    handler raises there can come back as another exception. Seen in CI as ``fix not applied``
    and exit 1 after a SIGINT. The run must still stop with 130, every file whole."""
    import libcst

    from tradelint import cli
    from tradelint.core import interrupts

    root = _tree(tmp_path / "tree", files=3)
    originals = {p.name: p.read_bytes() for p in root.iterdir()}
    real = libcst.parse_module
    calls: list[int] = []

    def parse_module(code: str, *args: object, **kwargs: object) -> libcst.Module:
        calls.append(1)
        if len(calls) == 2:  # the signal lands inside the parser, which hands back another error
            try:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(1)
            except interrupts.Interrupted:
                raise ValueError("Module(body=[], footer=[])") from None
        return real(code, *args, **kwargs)

    monkeypatch.setattr(libcst, "parse_module", parse_module)
    previous = signal.getsignal(signal.SIGINT)
    interrupts.install()
    try:
        with pytest.raises(interrupts.Interrupted) as stopped:
            cli.run(["--no-cache", "--quiet", "--fix", "--unsafe-fixes", "--jobs", "1", str(root)])
    finally:
        signal.signal(signal.SIGINT, previous)
        interrupts.install()  # forget the signal for the tests that follow
        signal.signal(signal.SIGINT, previous)
    assert (stopped.value.code, len(calls) >= 2) == (130, True)
    assert "fix not applied" not in capsys.readouterr().err
    _, leftovers = _fix_states(root, originals)
    assert leftovers == []
