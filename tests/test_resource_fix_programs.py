"""TRD201's ``async with`` fix, proven by running the program: a response taken from the session
and read in a later statement stays inside the block (closing the session first made the read
fail with "Connection closed" on a large body), and a response that leaves the function gets no
fix at all."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.programs import copy_program, run_python

DATA = Path(__file__).resolve().parent / "data" / "resource_programs"


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_python(args, cwd, timeout=120)


def test_response_read_after_get_stays_inside_the_block(tmp_path: Path) -> None:
    program = copy_program(DATA / "read_after_get", tmp_path)
    before = _run(["main.py"], program)
    assert (before.returncode, before.stdout) == (0, "read 3276800 bytes\n")
    assert "Unclosed client session" in before.stderr
    fixed = _run(["-m", "tradelint", "--no-cache", "--fix", "."], program)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    text = (program / "main.py").read_text(encoding="utf-8")
    assert (
        "    async with ClientSession() as session:\n"
        "        response = await session.get(url)\n"
        "        return await response.read()\n"
    ) in text
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, "read 3276800 bytes\n", "")


def test_a_response_that_leaves_the_function_gets_no_fix(tmp_path: Path) -> None:
    source = (
        "from aiohttp import ClientSession\n\n\n"
        "async def fetch(url: str):\n"
        "    session = ClientSession()\n"
        "    response = await session.get(url)\n"
        "    return response\n"
    )
    (tmp_path / "m.py").write_text(source, encoding="utf-8")
    proc = _run(["-m", "tradelint", "--no-cache", "--output-format", "concise", "m.py"], tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith("m.py:5:5: TRD201 ") and "[*]" not in proc.stdout


def test_fixes_end_things_in_the_release_method_the_class_names(tmp_path: Path) -> None:
    """``stop_streaming()`` is no configured shutdown name: the messages name it (one notion of the
    release method, ``ownership.release_method``), and the TRD202 and TRD303 fixes close the
    session and cancel the task there. Before, neither had a fix."""
    program = copy_program(DATA / "own_release_name", tmp_path)
    before = _run(["main.py"], program)
    assert (before.returncode, before.stdout) == (0, "stopping\nrunning after stop: 1\n")
    assert "Unclosed client session" in before.stderr
    check = _run(["-m", "tradelint", "--no-cache", "--output-format", "concise", "-q", "main.py"], program)
    assert check.stdout.splitlines() == [
        "main.py:11:9: TRD202 [*] `self._session` is never closed; call its `close()` in `stop_streaming()`",
        "main.py:12:9: TRD303 [*unsafe] `self._pump` is never cancelled or awaited; cancel it in `stop_streaming()`",
    ]
    fixed = _run(["-m", "tradelint", "--no-cache", "--fix", "--unsafe-fixes", "."], program)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    text = (program / "main.py").read_text(encoding="utf-8")
    assert (
        "    async def stop_streaming(self) -> None:\n"
        '        if getattr(self, "_pump", None) is not None:\n'
        "            await self._end_tasks(self._pump)\n"  # drained, then cancelled (issue 29)
        '        print("stopping")\n'
        '        if (session := getattr(self, "_session", None)) is not None:\n'
        "            await session.close()\n"
    ) in text
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, "stopping\nrunning after stop: 0\n", "")


def test_a_close_never_awaited_is_awaited_by_the_fix(tmp_path: Path) -> None:
    """TRD205: ``self._session.close()`` without ``await`` only creates a coroutine; the session
    stays open ("coroutine ... was never awaited", "Unclosed client session"). The fix adds
    ``await``, and the same program then closes it and warns of nothing."""
    program = copy_program(DATA / "close_not_awaited", tmp_path)
    before = _run(["main.py"], program)
    assert (before.returncode, before.stdout) == (0, "closed: False\n")
    assert "was never awaited" in before.stderr and "Unclosed client session" in before.stderr
    check = _run(["-m", "tradelint", "--no-cache", "--output-format", "concise", "-q", "main.py"], program)
    assert check.stdout.splitlines() == [
        "main.py:11:9: TRD202 `self._session` is never closed: its `close()` is never awaited",
        "main.py:14:9: TRD205 [*] `self._session.close()` is never awaited, so it closes nothing; await it",
    ]
    fixed = _run(["-m", "tradelint", "--no-cache", "--fix", "."], program)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "        await self._session.close()\n" in (program / "main.py").read_text(encoding="utf-8")
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, "closed: True\n", "")


def test_a_subclass_of_the_session_is_closed_where_its_owner_disconnects(tmp_path: Path) -> None:
    """Session 30: a first-party subclass of ``aiohttp.ClientSession`` is a session; its own
    ``disconnect()`` (closing a websocket) does not end it, and the TRD202 fix closes it in the
    owner's ``disconnect()``."""
    program = copy_program(DATA / "subclass_session", tmp_path)
    before = _run(["main.py"], program)
    assert (before.returncode, before.stdout) == (0, "disconnected\nclient closed: False\n")
    assert "Unclosed client session" in before.stderr
    check = _run(["-m", "tradelint", "--no-cache", "--output-format", "concise", "-q", "main.py"], program)
    assert check.stdout.splitlines() == [
        "main.py:24:9: TRD202 [*] `self._client` is never closed; call its `close()` in `disconnect()`",
    ]
    fixed = _run(["-m", "tradelint", "--no-cache", "--fix", "."], program)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    text = (program / "main.py").read_text(encoding="utf-8")
    assert (
        '        print("disconnected")\n'
        "        if self._client is not None:\n"
        "            await self._client.close()\n"
    ) in text
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout) == (0, "disconnected\nclient closed: True\n")
    assert "Unclosed client session" not in after.stderr


def test_an_exit_only_release_is_called_with_the_exit_arguments(tmp_path: Path) -> None:
    """A class whose only release is ``__aexit__(self, exc_type, exc, tb)``, kept on ``self`` by
    another class: the TRD202 fix calls it as an exit without an exception. Before session 64 it
    wrote ``await self.api.__aexit__()``, which raised ``TypeError`` at the owner's ``close()``."""
    program = copy_program(DATA / "exit_only_release", tmp_path)
    before = _run(["main.py"], program)
    assert (before.returncode, before.stdout) == (0, "service closing\n")
    assert "Unclosed client session" in before.stderr
    check = _run(["-m", "tradelint", "--no-cache", "--output-format", "concise", "-q", "main.py"], program)
    assert check.stdout.splitlines() == [
        "main.py:12:9: TRD202 `self._session` is never closed: only `__aexit__()` closes it, and no `async with` enters a `Api`",
        "main.py:26:9: TRD202 [*] `self.api` is never closed; call its `__aexit__(None, None, None)` in `close()`",
        "main.py:33:5: TRD201 `Service(...)` never closes its `self.api`; give the class an async `close()`, call it",
    ]
    fixed = _run(["-m", "tradelint", "--no-cache", "--fix", "."], program)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    text = (program / "main.py").read_text(encoding="utf-8")
    assert (
        "    async def close(self) -> None:\n"
        '        print("service closing")\n'
        "        if self.api is not None:\n"
        "            await self.api.__aexit__(None, None, None)\n"
    ) in text
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, "service closing\napi closed\n", "")
