"""Session 22 (issue 28, points 1 and 3): a client class that makes its own resource only when
it is given none.

``self._session = session or aiohttp.ClientSession()`` (or ``ClientSession() if session is None
else session``, or ``if session is None: session = ClientSession()`` before ``self._session =
session``) in a class that closes ``self._session``: an instance made without a session owns
one and must be closed; an instance given a session its caller holds borrows it and makes none.
Each shape has its negative twin."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import preview_messages as _messages

CLIENTS = {
    "or": """\
import aiohttp


class Client:
    def __init__(self, session: aiohttp.ClientSession | None = None):
        self._session = session or aiohttp.ClientSession()

    async def close(self):
        await self._session.close()
""",
    "ifexp": """\
import aiohttp


class Client:
    def __init__(self, session=None):
        self._session = aiohttp.ClientSession() if session is None else session

    async def close(self):
        await self._session.close()
""",
    "branch": """\
import aiohttp


class Client:
    def __init__(self, session=None):
        if session is None:
            session = aiohttp.ClientSession()
            self._owned = True
        else:
            self._owned = False
        self._session = session

    async def close(self):
        if self._owned:
            await self._session.close()
""",
}

USER = """\
import aiohttp

from pkg.client import Client


async def one_off():
    client = Client()
    await client._session.get("https://example.com")


async def shared(session: aiohttp.ClientSession):
    by_name = Client(session=session)
    by_position = Client(session)
    await by_name._session.get("https://example.com")
    await by_position._session.get("https://example.com")


async def closed():
    client = Client()
    try:
        await client._session.get("https://example.com")
    finally:
        await client.close()


class Borrower:
    def __init__(self, session: aiohttp.ClientSession):
        self.client = Client(session)


class Owner:
    def __init__(self):
        self.client = Client()
"""


def _project(tmp_path: Path, client: str) -> Path:
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    (folder / "client.py").write_text(client, encoding="utf-8")
    user = folder / "user.py"
    user.write_text(USER, encoding="utf-8")
    return user


@pytest.mark.parametrize("shape", sorted(CLIENTS))
def test_an_instance_made_without_a_session_owns_one_and_one_given_a_session_borrows_it(
    tmp_path: Path, shape: str
) -> None:
    user = _project(tmp_path, CLIENTS[shape])
    assert _messages(user, "TRD2") == [
        "7 TRD201 `client` (`Client(...)`) is never closed; call `await client.close()` in a `finally`",
        "33 TRD202 `self.client` is never closed; add a `close()` method that calls its `close()`",
    ]


def test_a_class_that_never_closes_what_it_makes_leaks_it_only_from_instances_given_nothing(tmp_path: Path) -> None:
    # The twin: the same optional session, never closed by the class. Its attribute leaks
    # (TRD202 in the class), and so does every instance made without a session; an instance
    # given its caller's session makes nothing to leak.
    client = CLIENTS["or"].replace("    async def close(self):\n        await self._session.close()\n", "")
    user = _project(tmp_path, client)
    leak = "TRD201 `Client(...)` never closes its `self._session`; give the class an async `close()`, call it"
    assert _messages(user, "TRD2") == [f"7 {leak}", f"19 {leak}"]
    assert _messages(tmp_path / "pkg" / "client.py", "TRD2") == [
        "6 TRD202 `self._session` is never closed; add a `close()` method that calls its `close()`",
    ]


def test_a_parameter_stored_as_it_is_given_makes_nothing(tmp_path: Path) -> None:
    # The twin of the branch: the session is stored as given, and made by nobody here.
    client = """\
import aiohttp


class Client:
    def __init__(self, session=None):
        if session is None:
            raise ValueError("a session is needed")
        self._session = session

    async def close(self):
        await self._session.close()
"""
    user = _project(tmp_path, client)
    assert _messages(user, "TRD2") == []


# Issue 28, point 5 for tasks: a task a web application's startup keeps on the application
# runs until code of the project reads that place to end it.
APP = """\
import asyncio

from aiohttp import web


async def ticker():
    while True:
        await asyncio.sleep(1)


async def start_ticker(app):
    app["ticker"] = asyncio.create_task(ticker())


async def start_watcher(app):
    app["watcher"] = asyncio.create_task(ticker())


async def start_poller(app):
    app["poller"] = asyncio.create_task(ticker())


async def stop_watcher(app):
    app["watcher"].cancel()
    await app["watcher"]


async def health(request):
    return web.json_response({"alive": not request.app["poller"].done()})


def make_app():
    app = web.Application()
    app.on_startup.append(start_ticker)
    app.on_startup.append(start_watcher)
    app.on_startup.append(start_poller)
    app.on_cleanup.append(stop_watcher)
    return app
"""

FASTAPI_APP = """\
import asyncio

from fastapi import FastAPI

app = FastAPI()


async def refresh():
    while True:
        await asyncio.sleep(60)


@app.on_event("startup")
async def start():
    app.state.refresher = asyncio.create_task(refresh())
"""


def test_a_task_kept_on_the_application_at_startup_must_be_ended_at_shutdown(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(APP, encoding="utf-8")
    message = "TRD302 task kept in `{}` at startup is never cancelled at shutdown; cancel it in a shutdown handler"
    # The watcher is cancelled and awaited at cleanup; the poller is only looked at (done()).
    assert _messages(path, "TRD3") == [
        "12 " + message.format("app['ticker']"),
        "20 " + message.format("app['poller']"),
    ]


def test_a_task_kept_on_fastapi_state_at_startup_and_its_twin_ended_at_shutdown(tmp_path: Path) -> None:
    path = tmp_path / "main.py"
    path.write_text(FASTAPI_APP, encoding="utf-8")
    assert _messages(path, "TRD3") == [
        "15 TRD302 task kept in `app...refresher` at startup is never cancelled at shutdown; cancel it in a shutdown handler",
    ]
    path.write_text(
        FASTAPI_APP + '\n\n@app.on_event("shutdown")\nasync def stop():\n    app.state.refresher.cancel()\n',
        encoding="utf-8",
    )
    assert _messages(path, "TRD3") == []


# Issue 28, point 6: asyncio's documented way to keep background tasks alive (a set on the
# object, pruned by each task's done callback) keeps them only while they run; ending the
# running ones at the object's end is still the owner's.
KEEPER = """\
import asyncio


class Service:
    def __init__(self):
        self._tasks = set()

    def spawn(self, n):
        task = asyncio.create_task(self._run(n))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, n):
        while True:
            await asyncio.sleep(n)

    async def stop(self):
        STOP
"""


def test_a_set_pruned_by_done_callbacks_still_leaves_its_running_tasks_to_the_owner(tmp_path: Path) -> None:
    path = tmp_path / "service.py"
    path.write_text(KEEPER.replace("STOP", "pass"), encoding="utf-8")
    assert _messages(path, "TRD3") == [
        "9 TRD303 tasks in `self._tasks` are never cancelled or awaited; end each one in `stop()`",
    ]
    # The twin: the owner's end cancels the running ones.
    path.write_text(KEEPER.replace("STOP", "for task in self._tasks:\n            task.cancel()"), encoding="utf-8")
    assert _messages(path, "TRD3") == []


def test_a_set_pruned_by_done_callbacks_in_an_object_without_an_end_keeps_fire_and_forget_work(tmp_path: Path) -> None:
    # The other twin: an object with no end of its own (an event emitter, a playlist entry)
    # keeps one-shot work alive this way until it finishes by itself.
    # (Session 57: the work must be one-shot for that: a `while True` loop never finishes, so the
    # discard never drops it, and in an object with no end nothing ever ends it.)
    path = tmp_path / "emitter.py"
    no_end = KEEPER.replace("    async def stop(self):\n        STOP\n", "")
    one_shot = no_end.replace("        while True:\n            await asyncio.sleep(n)\n", "        await asyncio.sleep(0)\n        print(n)\n")
    path.write_text(one_shot, encoding="utf-8")
    assert _messages(path, "TRD3") == []
    path.write_text(no_end, encoding="utf-8")
    assert _messages(path, "TRD3") == [
        "9 TRD303 tasks in `self._tasks` are never cancelled or awaited; end each one in a shutdown method",
    ]


# Issue 28, point 1: ownership moves to a receiver proven to close what it keeps, and that
# receiver must then be closed in turn.
WRAPPER = """\
import aiohttp


class Wrapper:
    def __init__(self, session):
        self.session = session

    async def close(self):
        await self.session.close()
"""

WRAPPER_USERS = """\
import aiohttp

from pkg.wrapper import Wrapper


async def inline():
    wrapper = Wrapper(aiohttp.ClientSession())
    await wrapper.session.get("https://example.com")


async def through_a_local():
    session = aiohttp.ClientSession()
    wrapper = Wrapper(session)
    await wrapper.session.get("https://example.com")


async def lent(session: aiohttp.ClientSession):
    wrapper = Wrapper(session)
    await wrapper.session.get("https://example.com")


async def closed():
    wrapper = Wrapper(aiohttp.ClientSession())
    try:
        await wrapper.session.get("https://example.com")
    finally:
        await wrapper.close()


class Bot:
    def __init__(self):
        self.api = Wrapper(aiohttp.ClientSession())


class Coordinator:
    def __init__(self, wrapper):
        self.wrapper = wrapper


async def handed_on(store: dict):
    wrapper = Wrapper(aiohttp.ClientSession())
    store["coordinator"] = Coordinator(wrapper)
"""


def test_a_receiver_that_takes_over_a_resource_made_for_it_must_be_closed(tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    (folder / "wrapper.py").write_text(WRAPPER, encoding="utf-8")
    users = folder / "users.py"
    users.write_text(WRAPPER_USERS, encoding="utf-8")
    assert _messages(users, "TRD2") == [
        "7 TRD201 `wrapper` (`Wrapper(...)`) is never closed; call `await wrapper.close()` in a `finally`",
        "13 TRD201 `wrapper` (`Wrapper(...)`) is never closed; call `await wrapper.close()` in a `finally`",
        "32 TRD202 `self.api` is never closed; add a `close()` method that calls its `close()`",
    ]


def test_a_receiver_that_never_closes_what_it_keeps_takes_nothing_over(tmp_path: Path) -> None:
    # The twin: the wrapper keeps the session and never closes it, so the session made for it
    # is still its creator's to close.
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    (folder / "wrapper.py").write_text(WRAPPER.replace("        await self.session.close()", "        pass"), encoding="utf-8")
    users = folder / "users.py"
    users.write_text(WRAPPER_USERS, encoding="utf-8")
    given = "TRD201 `aiohttp.ClientSession(...)` given to `Wrapper(...)` is never closed; call `close()` when done"
    assert _messages(users, "TRD2") == [
        f"7 {given}",
        "12 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`",
        f"23 {given}",
        f"32 {given}",
        f"41 {given}",
    ]


# Precision: a lazy client whose awaited call a test expects to fail before it opens anything.
LAZY_CLIENT = """\
import aiohttp

TYPES = ("Audio", "Video")


class Client:
    def __init__(self, host):
        self._host = host
        self._session = None

    async def _get_session(self):
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def create_playlist(self, name, media_type):
        if media_type not in TYPES:
            raise ValueError("Invalid media_type")
        session = await self._get_session()
        return await session.post(self._host, json={"name": name})

    async def delete_playlist(self, name):
        session = await self._get_session()
        response = await session.delete(self._host)
        if response.status != 204:
            raise ValueError("not deleted")

    async def close(self):
        if self._session is not None:
            await self._session.close()
"""

LAZY_TESTS = """\
import pytest

from pkg.client import Client


async def test_invalid_type():
    client = Client("emby.local")
    with pytest.raises(ValueError, match="Invalid media_type"):
        await client.create_playlist("x", media_type="Invalid")


async def test_delete_fails():
    client = Client("emby.local")
    with pytest.raises(ValueError):
        await client.delete_playlist("x")
"""


def test_a_lazy_client_whose_call_fails_as_expected_before_opening_holds_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    (folder / "client.py").write_text(LAZY_CLIENT, encoding="utf-8")
    tests = tmp_path / "test_client.py"
    tests.write_text(LAZY_TESTS, encoding="utf-8")
    # The twin: ``delete_playlist`` raises only after the session is made and used.
    assert _messages(tests, "TRD2") == [
        "13 TRD201 `client` (`Client(...)`) is never closed; call `await client.close()` in a `finally`",
    ]


def test_a_set_pruned_by_done_callbacks_of_one_shot_work_needs_no_end(tmp_path: Path) -> None:
    # The third twin: the object has an end, but each task runs work that ends by itself (a
    # notification handler), so the set keeps it alive only until it is done.
    path = tmp_path / "handlers.py"
    one_shot = KEEPER.replace("        while True:\n            await asyncio.sleep(n)", "        await asyncio.sleep(n)")
    path.write_text(one_shot.replace("STOP", "pass"), encoding="utf-8")
    assert _messages(path, "TRD3") == []


# Precision: an attribute a mixin sets is ended where the class built from it ends it.
MIXIN = """\
import aiohttp


class Client:
    def __init__(self, key):
        self.key = key
        self.session = aiohttp.ClientSession()

    async def close(self):
        await self.session.close()


class ApiMixin:
    async def on_token_update(self, key):
        if self._client is None:
            self._client = Client(key)
"""

COG = """\
from discord.ext import commands

from pkg.api import ApiMixin, Client


class Translate(ApiMixin, commands.Cog):
    def __init__(self, bot):
        self._client = None

    async def cog_load(self):
        self._client = Client("key")

    async def cog_unload(self):
        END
"""


def test_a_mixins_attribute_is_ended_by_the_class_built_from_it(tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    api = folder / "api.py"
    api.write_text(MIXIN, encoding="utf-8")
    cog = folder / "cog.py"
    cog.write_text(COG.replace("END", "if self._client is not None:\n            await self._client.close()"), encoding="utf-8")
    assert _messages(api, "TRD2") == []
    # The twin: the cog built from the mixin never ends it either.
    cog.write_text(COG.replace("END", "pass"), encoding="utf-8")
    assert _messages(api, "TRD2") == [
        "16 TRD202 `self._client` is never closed; add a `close()` method that calls its `close()`",
    ]


def test_a_retry_loop_that_breaks_once_connected_ends_by_itself(tmp_path: Path) -> None:
    # The twin of the looping task: ``while True`` that ``break``s when it has connected is a
    # retry, and its task ends by itself.
    path = tmp_path / "retry.py"
    retry = KEEPER.replace(
        "        while True:\n            await asyncio.sleep(n)",
        "        while True:\n            try:\n                await asyncio.sleep(n)\n            except OSError:\n                continue\n            break",
    )
    path.write_text(retry.replace("STOP", "pass"), encoding="utf-8")
    assert _messages(path, "TRD3") == []
