"""Session 37 (issue 28 points 1, 3, 4 and 5): ownership proven through holders and collections.

- **A dataclass's generated ``__init__`` keeps each field.** ``ModelContext(model, client)`` of
  a ``@dataclass`` stores ``client`` in ``self.client`` as a written ``__init__`` would: the
  ownership model reads the fields as the constructor's stored parameters, so a resource handed
  to a dataclass that never releases it stays its creator's (PrimeIntellect-ai/verifiers
  ``6552a417``: ``Agent`` resolved its own client when none was passed, kept it in
  ``self.ctx = ModelContext(...)`` and never closed it).
- **A resource kept in a holder on ``self`` may be closed through it.** ``await
  self.ctx.client.close()`` in a method of the class that built ``self.ctx =
  ModelContext(client=client)`` closes the resource (the attribute the holder keeps it in), and
  nothing is reported (the verifiers fix).
- **What a collection's owner releases when it takes it out must be released on every way
  out.** ``await bots.pop(key).stop()`` or ``for task in self._tasks.values(): await
  task.destroy()`` says that the elements of that collection are ended by that method; a class
  call kept there under a key and taken out again unreleased by its function (``del
  self._tasks[key]`` when setup fails), or stored over an entry the function read and left
  running, leaks (acgnhiki/blrec ``5d3f54b0``, EXG1O/Telegram-Bots-Hub ``407d0901``).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings


def _check_tree(tmp_path: Path, files: dict[str, str]) -> list[str]:
    return tree_findings(tmp_path, files, "TRD2", project=True)


CLIENTS = """\
import httpx


class Client:
    def __init__(self, url):
        self._http = httpx.AsyncClient(base_url=url)

    async def close(self):
        await self._http.aclose()


def resolve_client(url):
    return Client(url)
"""

AGENT = """\
from dataclasses import dataclass

from app.clients import Client, resolve_client


@dataclass(frozen=True)
class ModelContext:
    model: str
    client: Client


class Agent:
    def __init__(self, model, url, client=None):
        if client is None:
            client = resolve_client(url)
        self.ctx = ModelContext(model, client)

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
{exit}
"""


def _agent(tmp_path: Path, exit_body: str) -> list[str]:
    return _check_tree(tmp_path, {
        "app/__init__.py": "",
        "app/clients.py": CLIENTS,
        "app/agent.py": AGENT.replace("{exit}", exit_body),
    })


def test_a_client_kept_in_a_dataclass_holder_and_never_closed_is_reported(tmp_path: Path) -> None:
    assert _agent(tmp_path, "        pass") == [
        "agent.py:15:13 TRD201 `client` lives on in `self.ctx` after the function, never closed; close it where that ends",
    ]


def test_a_client_closed_through_its_holder_is_not_reported(tmp_path: Path) -> None:
    assert _agent(tmp_path, "        await self.ctx.client.close()") == []


def test_a_dataclass_that_closes_its_field_takes_the_client_over(tmp_path: Path) -> None:
    source = AGENT.replace("{exit}", "        await self.ctx.close()").replace(
        "    client: Client\n", "    client: Client\n\n    async def close(self):\n        await self.client.close()\n"
    )
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/clients.py": CLIENTS, "app/agent.py": source}) == []


def test_a_dataclass_field_given_by_keyword_is_kept_alike(tmp_path: Path) -> None:
    source = AGENT.replace("{exit}", "        pass").replace("ModelContext(model, client)", "ModelContext(model=model, client=client)")
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/clients.py": CLIENTS, "app/agent.py": source}) == [
        "agent.py:15:13 TRD201 `client` lives on in `self.ctx` after the function, never closed; close it where that ends",
    ]


def test_a_close_of_another_part_of_the_holder_closes_nothing(tmp_path: Path) -> None:
    assert _agent(tmp_path, "        await self.ctx.session.close()") == [
        "agent.py:15:13 TRD201 `client` lives on in `self.ctx` after the function, never closed; close it where that ends",
    ]


ROUTES = """\
from gateway import Bot

from app.storage import bots


async def start_bot(key, token):
    bot = Bot(key, token)
    bots[key] = bot
    try:
        await bot.start()
    except RuntimeError:
{failed}
        del bots[key]


async def stop_bot(key):
{stop}
"""


def _routes(tmp_path: Path, failed: str, stop: str) -> list[str]:
    return _check_tree(tmp_path, {
        "app/__init__.py": "",
        "app/storage.py": "bots = {}\n",
        "app/routes.py": ROUTES.replace("{failed}", failed).replace("{stop}", stop),
    })


def test_an_element_dropped_from_a_registry_whose_elements_are_stopped_is_reported(tmp_path: Path) -> None:
    assert _routes(tmp_path, "        pass", "    await bots.pop(key).stop()") == [
        "routes.py:7:5 TRD201 this `Bot` is taken out of global `bots` unclosed; call its `stop()` first",
    ]


def test_an_element_stopped_before_it_is_dropped_is_not_reported(tmp_path: Path) -> None:
    assert _routes(tmp_path, "        await bot.stop()", "    await bots.pop(key).stop()") == []


def test_a_registry_whose_elements_nothing_releases_says_nothing_of_them(tmp_path: Path) -> None:
    assert _routes(tmp_path, "        pass", "    bots.pop(key)") == []


MANAGER = """\
from recorder import RecordTask


class TaskManager:
    def __init__(self):
        self._tasks = {}

    async def add_task(self, room_id):
        task = RecordTask(room_id)
        self._tasks[room_id] = task
        try:
            await task.setup()
        except Exception:
{failed}
            del self._tasks[room_id]
            raise

    async def destroy_all_tasks(self):
        for task in self._tasks.values():
{each}
        self._tasks.clear()
"""


def _manager(tmp_path: Path, failed: str, each: str) -> list[str]:
    return _check_tree(tmp_path, {"manager.py": MANAGER.replace("{failed}", failed).replace("{each}", each)})


def test_a_task_dropped_from_a_collection_whose_elements_are_destroyed_is_reported(tmp_path: Path) -> None:
    assert _manager(tmp_path, "            pass", "            await task.destroy()") == [
        "manager.py:9:9 TRD202 `add_task()` takes this `RecordTask(...)` out of `self._tasks` unclosed; call its `destroy()` first",
    ]


def test_a_task_destroyed_before_it_is_dropped_is_not_reported(tmp_path: Path) -> None:
    assert _manager(tmp_path, "            await task.destroy()", "            await task.destroy()") == []


def test_elements_only_looked_at_say_nothing_of_what_they_hold(tmp_path: Path) -> None:
    assert _manager(tmp_path, "            pass", "            await task.refresh()") == []


RESTART = """\
from gateway import Bot

from app.storage import bots


async def restart_bot(key):
    old = bots[key]
{stop_old}
    bot = Bot(key, old.token)
    bots[key] = bot
    await bot.start()


async def stop_bot(key):
    await bots.pop(key).stop()
"""


def test_an_entry_replaced_while_it_runs_is_reported(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/storage.py": "bots = {}\n", "app/routes.py": RESTART.replace("{stop_old}\n", "")}
    assert _check_tree(tmp_path, files) == [
        "routes.py:8:5 TRD201 this `Bot` is stored in global `bots` over one never closed; call the old one's `stop()` first",
    ]


def test_an_entry_stopped_before_it_is_replaced_is_not_reported(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/storage.py": "bots = {}\n", "app/routes.py": RESTART.replace("{stop_old}", "    await old.stop()")}
    assert _check_tree(tmp_path, files) == []


READ_TASK = """\
import aiohttp


class RecordTask:
    def __init__(self, room_id):
        self.room_id = room_id
        self.ready = False

    async def setup(self):
        self.ready = True

    async def destroy(self):
{destroy}
"""


def test_a_read_class_whose_release_ends_a_part_is_judged_by_the_owner(tmp_path: Path) -> None:
    manager = MANAGER.replace("from recorder import RecordTask", "from app.recorder import RecordTask")
    files = {
        "app/__init__.py": "",
        "app/recorder.py": READ_TASK.replace("{destroy}", "        await self._teardown()\n\n    async def _teardown(self):\n        self.ready = False"),
        "app/manager.py": manager.replace("{failed}", "            pass").replace("{each}", "            await task.destroy()"),
    }
    assert _check_tree(tmp_path, files) == [
        "manager.py:9:9 TRD202 `add_task()` takes this `RecordTask(...)` out of `self._tasks` unclosed; call its `destroy()` first",
    ]


def test_a_read_class_whose_release_only_resets_a_field_holds_nothing(tmp_path: Path) -> None:
    manager = MANAGER.replace("from recorder import RecordTask", "from app.recorder import RecordTask")
    files = {
        "app/__init__.py": "",
        "app/recorder.py": READ_TASK.replace("{destroy}", "        self.ready = False"),
        "app/manager.py": manager.replace("{failed}", "            pass").replace("{each}", "            await task.destroy()"),
    }
    assert _check_tree(tmp_path, files) == []
