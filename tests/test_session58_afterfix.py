"""Session 58: closes the maintainers wrote that the model did not follow (issue 28, sites still
reported after their fix commit).

Raced tasks ended through the function's own collection: ``tasks = [send_loop, receive_loop]``
before ``await asyncio.wait([send_loop, receive_loop], ...)``, and ``finally: for task in
tasks: task.cancel()`` (ydb-platform/ydb-python-sdk ``b4a5006d``). The wait was given a literal
list, the ``finally`` ends another collection that holds the same tasks: a task is ended
wherever a local collection holding it is ended. Twins: the same shape whose ``finally`` only
looks at the collection, one without the ``finally``, and a collection that is handed on.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

KEPT_IN_A_LIST = """\
import asyncio


class Reconnector:
    async def run(self) -> None:
        while True:
            tasks = []
            try:
                send_loop = asyncio.create_task(self.send())
                receive_loop = asyncio.create_task(self.receive())
                tasks = [send_loop, receive_loop]
                done, _ = await asyncio.wait([send_loop, receive_loop], return_when=asyncio.FIRST_COMPLETED)
                done.pop().result()
            except Exception:
                return
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.wait(tasks)

    async def send(self) -> None:
        await asyncio.sleep(1)

    async def receive(self) -> None:
        await asyncio.sleep(1)
"""

SEND_LEFT = (
    "9:17 TRD304 task `send_loop` raced in `asyncio.wait` outlives a cancelled wait; cancel it in `finally`"
)
RECEIVE_LEFT = (
    "10:17 TRD304 task `receive_loop` raced in `asyncio.wait` outlives a cancelled wait; cancel it in `finally`"
)


def test_raced_tasks_cancelled_through_a_local_list(tmp_path: Path) -> None:
    assert source_findings(tmp_path, KEPT_IN_A_LIST, "TRD304") == []


def test_raced_tasks_appended_to_a_local_list(tmp_path: Path) -> None:
    appended = KEPT_IN_A_LIST.replace(
        "                tasks = [send_loop, receive_loop]\n",
        "                tasks.append(send_loop)\n                tasks.append(receive_loop)\n",
    )
    assert source_findings(tmp_path, appended, "TRD304") == []


def test_local_list_whose_finally_only_looks_twin(tmp_path: Path) -> None:
    looks = KEPT_IN_A_LIST.replace(
        "                for task in tasks:\n                    task.cancel()\n                await asyncio.wait(tasks)\n",
        "                print(len(tasks))\n",
    )
    assert source_findings(tmp_path, looks, "TRD304") == [SEND_LEFT, RECEIVE_LEFT]


def test_local_list_without_the_finally_twin(tmp_path: Path) -> None:
    bare = KEPT_IN_A_LIST.replace(
        "            finally:\n                for task in tasks:\n                    task.cancel()\n                await asyncio.wait(tasks)\n",
        "",
    )
    assert source_findings(tmp_path, bare, "TRD304") == [SEND_LEFT, RECEIVE_LEFT]


def test_list_of_one_task_ends_only_that_one_twin(tmp_path: Path) -> None:
    one = KEPT_IN_A_LIST.replace(
        "                tasks = [send_loop, receive_loop]\n", "                tasks = [send_loop]\n"
    )
    assert source_findings(tmp_path, one, "TRD304") == [RECEIVE_LEFT]


def test_list_handed_on_is_its_holders(tmp_path: Path) -> None:
    kept = KEPT_IN_A_LIST.replace(
        "                tasks = [send_loop, receive_loop]\n",
        "                tasks = [send_loop, receive_loop]\n                self.running = tasks\n",
    ).replace("                for task in tasks:\n                    task.cancel()\n                await asyncio.wait(tasks)\n", "                pass\n")
    assert source_findings(tmp_path, kept, "TRD304") == []
