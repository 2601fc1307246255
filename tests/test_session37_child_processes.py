"""Session 37 (issue 28): a child process is a resource whose end is its exit.

``proc = await asyncio.create_subprocess_exec(...)`` (or ``create_subprocess_shell``) starts a
process that runs on until it exits or is killed. A function that awaits its end
(``communicate()``, ``wait()``) says the process must not outlive it; the ways out before that
end leave it running (TRD201, reported where it is started, one finding per process):

- a timeout around the end or a read of its pipes whose ``TimeoutError`` nothing kills it on
  (uber/ADR ``5f5a74ad``: ``except asyncio.TimeoutError: return ...``);
- a cancellation of the task the function runs in, when its class cancels that task (a watch
  removed, a service stopped) and the function kills the process on another exit, but the
  ``CancelledError`` passes that handler (avibe-bot/avibe ``0baed63a``);
- a ``return`` or ``raise`` after the start and before the end, that kills nothing.

A cancellation alone, in a function that kills the process nowhere, is not reported (the common
``await proc.communicate()`` of a short command). A process kept on ``self`` that no code of the
class ends is TRD202.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings


def _check(tmp_path: Path, source: str, name: str = "runner.py") -> list[str]:
    return source_findings(tmp_path, source, "TRD2", name)


TIMEOUT = """\
import asyncio


async def run(cmd, timeout):
    proc = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.PIPE)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
{handler}
    return out
"""


def test_timeout_handled_without_kill(tmp_path: Path) -> None:
    source = TIMEOUT.replace("{handler}", "        return None")
    assert _check(tmp_path, source) == [
        "5:5 TRD201 `proc` (`create_subprocess_exec(...)`) keeps running after the timeout of `asyncio.wait_for` "
        "at line 7: the `except` at line 8 never kills it"
    ]


def test_timeout_handled_with_kill_is_clean(tmp_path: Path) -> None:
    source = TIMEOUT.replace("{handler}", "        proc.kill()\n        await proc.wait()\n        return None")
    assert _check(tmp_path, source) == []


def test_wait_for_without_a_limit_is_no_timeout(tmp_path: Path) -> None:
    source = TIMEOUT.replace("{handler}", "        return None").replace("proc.communicate(), timeout)", "proc.communicate(), None)")
    assert _check(tmp_path, source) == []


def test_timeout_leaving_the_function(tmp_path: Path) -> None:
    source = """\
import asyncio


async def run(cmd):
    proc = await asyncio.create_subprocess_shell(cmd, stdout=asyncio.subprocess.PIPE)
    async with asyncio.timeout(10):
        line = await proc.stdout.readline()
    await proc.wait()
    return line
"""
    assert _check(tmp_path, source) == [
        "5:5 TRD201 `proc` (`create_subprocess_shell(...)`) keeps running after the timeout of `asyncio.timeout` "
        "at line 6: nothing kills it"
    ]


def test_handler_going_on_to_a_kill_is_clean(tmp_path: Path) -> None:
    source = """\
import asyncio


async def lines(cmd):
    proc = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.PIPE)
    found = []
    while True:
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), 5)
        except asyncio.TimeoutError:
            break
        found.append(line)
    proc.kill()
    await proc.wait()
    return found
"""
    assert _check(tmp_path, source) == []


def test_handler_going_on_without_a_kill(tmp_path: Path) -> None:
    source = """\
import asyncio


async def output(cmd):
    proc = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.PIPE)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), 5)
    except asyncio.TimeoutError:
        out = b""
    return out
"""
    assert _check(tmp_path, source) == [
        "5:5 TRD201 `proc` (`create_subprocess_exec(...)`) keeps running after the timeout of `asyncio.wait_for` "
        "at line 7: the `except` at line 8 never kills it"
    ]


def test_finally_that_kills_a_running_process_is_clean(tmp_path: Path) -> None:
    source = """\
import asyncio


async def run(cmd):
    proc = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.PIPE)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
    return out
"""
    assert _check(tmp_path, source) == []


CANCEL = """\
import asyncio


class Watcher:
    def start(self, cmd):
        self._task = asyncio.create_task(self._loop(cmd))

    def stop(self):
        self._task.cancel()

    async def _loop(self, cmd):
        while True:
            await self._cycle(cmd, 60)

    async def _cycle(self, cmd, timeout):
        process = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.PIPE)
        try:
            out, _ = await asyncio.wait_for(process.communicate(), timeout)
        except asyncio.TimeoutError:
            process.kill()
            await process.communicate()
            return None
{cancel}        return out
"""


def test_cancellation_of_a_task_the_class_cancels(tmp_path: Path) -> None:
    source = CANCEL.replace("{cancel}", "")
    assert _check(tmp_path, source) == [
        "16:9 TRD201 `process` (`create_subprocess_exec(...)`) keeps running after a cancellation of its task at line 18: "
        "the `except` at line 19 that kills it does not take it"
    ]


def test_cancellation_killed_too_is_clean(tmp_path: Path) -> None:
    source = CANCEL.replace("{cancel}", "        except asyncio.CancelledError:\n            process.kill()\n            raise\n")
    assert _check(tmp_path, source) == []


def test_cancellation_of_a_task_nobody_cancels_is_not_reported(tmp_path: Path) -> None:
    # The same function in a class that never cancels the task it runs in.
    source = CANCEL.replace("{cancel}", "").replace("        self._task.cancel()", "        self._stopping = True")
    assert _check(tmp_path, source) == []


def test_cancellation_alone_is_not_reported(tmp_path: Path) -> None:
    # Nothing in the function kills the process on any exit: a short command awaited to its end.
    source = """\
import asyncio


async def git_branch():
    proc = await asyncio.create_subprocess_exec("git", "branch", "--show-current", stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    return out.decode().strip()
"""
    assert _check(tmp_path, source) == []


EXIT = """\
import asyncio


async def first_line(cmd):
    proc = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.PIPE)
    line = await proc.stdout.readline()
    if not line:
{exit}
    await proc.wait()
    return line
"""


def test_raise_before_the_end(tmp_path: Path) -> None:
    source = EXIT.replace("{exit}", "        raise RuntimeError('no output')")
    assert _check(tmp_path, source) == [
        "5:5 TRD201 `proc` (`create_subprocess_exec(...)`) keeps running after the `raise` at line 8: "
        "it leaves before the process ends, and nothing kills it"
    ]


def test_raise_after_a_kill_is_clean(tmp_path: Path) -> None:
    source = EXIT.replace("{exit}", "        proc.kill()\n        raise RuntimeError('no output')")
    assert _check(tmp_path, source) == []


def test_exit_under_a_test_of_the_process_is_clean(tmp_path: Path) -> None:
    source = EXIT.replace("    if not line:", "    if proc.returncode is not None:").replace("{exit}", "        return None")
    assert _check(tmp_path, source) == []


def test_process_handed_to_a_first_party_killer_is_clean(tmp_path: Path) -> None:
    source = """\
import asyncio


async def kill_tree(process):
    process.kill()
    await process.wait()


async def run(cmd, timeout):
    process = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.PIPE)
    try:
        out, _ = await asyncio.wait_for(process.communicate(), timeout)
    except (asyncio.TimeoutError, asyncio.CancelledError):
        await kill_tree(process)
        raise
    return out
"""
    assert _check(tmp_path, source) == []


def test_launch_never_awaited_is_not_judged(tmp_path: Path) -> None:
    source = """\
import asyncio


async def open_editor(path):
    editor = await asyncio.create_subprocess_exec("code", path)
    return None
"""
    assert _check(tmp_path, source) == []


def test_process_returned_is_not_judged(tmp_path: Path) -> None:
    source = """\
import asyncio


async def start(cmd):
    proc = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.PIPE)
    line = await asyncio.wait_for(proc.stdout.readline(), 5)
    return proc, line
"""
    assert _check(tmp_path, source) == []


KEPT = """\
import asyncio


class Tail:
    async def start(self, path):
        self._proc = await asyncio.create_subprocess_exec("tail", "-f", path, stdout=asyncio.subprocess.PIPE)

    async def read(self):
        return await self._proc.stdout.readline()

    async def close(self):
{close}
"""


def test_process_on_self_never_ended(tmp_path: Path) -> None:
    source = KEPT.replace("{close}", "        self._proc = None")
    assert _check(tmp_path, source) == [
        "6:9 TRD202 `self._proc` (`create_subprocess_exec(...)`) is never killed or waited for; end it in `close()`"
    ]


def test_process_on_self_terminated_by_close_is_clean(tmp_path: Path) -> None:
    source = KEPT.replace("{close}", "        if self._proc.returncode is None:\n            self._proc.terminate()\n            await self._proc.wait()")
    assert _check(tmp_path, source) == []
