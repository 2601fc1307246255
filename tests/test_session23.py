"""Session 23 (issue 28, point 1): a resource lent to something that outlives the function.

``session = ClientSession(); self.api = Api(session)``: the ``Api`` built from the session is kept
on ``self`` (or in ``hass.data``, a global list, a parameter's collection) after the function
returns, and uses the session there. The session is still never closed (the ``Api`` closes
nothing), but ``async with`` around the rest of the function would close it under its holder:
TRD201 names the holder and offers no fix. A session whose holder dies with the function keeps
the ``async with`` fix (the negative twin), and the program run before and after ``--fix`` shows
the holder still has an open session."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.programs import copy_program, run_python

DATA = Path(__file__).resolve().parent / "data" / "resource_programs"

API = """\
class Api:
    def __init__(self, session):
        self._session = session

    async def get(self):
        async with self._session.get("http://localhost") as r:
            return await r.json()
"""

USER = """\
import aiohttp

from pkg.api import Api

REGISTRY = []


class Bot:
    async def on_attribute(self):
        session = aiohttp.ClientSession()
        self.api = Api(session)

    async def on_item(self, hass, key):
        session = aiohttp.ClientSession()
        hass.data[key] = Api(session)

    async def in_global_list(self):
        session = aiohttp.ClientSession()
        client = Api(session)
        REGISTRY.append(client)

    async def through_a_display(self):
        session = aiohttp.ClientSession()
        client = Api(session=session)
        self.clients = [client]

    async def in_parameter_collection(self, registry: dict):
        session = aiohttp.ClientSession()
        registry.setdefault("http", Api(session))

    async def dies_with_the_function(self):
        session = aiohttp.ClientSession()
        client = Api(session)
        return await client.get()

    async def result_kept(self):
        session = aiohttp.ClientSession()
        data = await fetch(session)
        self.data = data


async def fetch(session):
    async with session.get("http://localhost") as r:
        return await r.json()
"""


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_python(args, cwd, timeout=120)


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "pkg" / "api.py").write_text(API, encoding="utf-8")
    (tmp_path / "pkg" / "bot.py").write_text(USER, encoding="utf-8")
    return tmp_path


def test_a_resource_lent_to_a_holder_kept_beyond_the_function_names_the_holder(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    proc = _run(["-m", "tradelint", "--no-cache", "--output-format", "concise", "-q", "pkg"], root)
    label = "`session` (`aiohttp.ClientSession(...)`) is never closed"
    kept = "`session` lives on in"
    assert proc.stdout.splitlines() == [
        f"pkg/bot.py:10:9: TRD201 {kept} `self.api` after the function, never closed; close it where that ends",
        f"pkg/bot.py:14:9: TRD201 {kept} `hass.data[key]` after the function, never closed; close it where that ends",
        f"pkg/bot.py:18:9: TRD201 {kept} `REGISTRY` after the function, never closed; close it where that ends",
        f"pkg/bot.py:23:9: TRD201 {kept} `self.clients` after the function, never closed; close it where that ends",
        f"pkg/bot.py:28:9: TRD201 {kept} `registry` after the function, never closed; close it where that ends",
        # The twins: what is built from the session dies with the function, or only a result
        # computed with it is kept: ``async with`` closes it at the right moment.
        f"pkg/bot.py:32:9: TRD201 [*] {label}; open it with `async with`",
        f"pkg/bot.py:37:9: TRD201 [*] {label}; open it with `async with`",
    ]
    diff = _run(["-m", "tradelint", "--no-cache", "--diff", "-q", "pkg"], root)
    changed = [line for line in diff.stdout.splitlines() if line.startswith(("-    ", "+    "))]
    assert changed == [
        "-        session = aiohttp.ClientSession()",
        "-        client = Api(session)",
        "-        return await client.get()",
        "+        async with aiohttp.ClientSession() as session:",
        "+            client = Api(session)",
        "+            return await client.get()",
        "-        session = aiohttp.ClientSession()",
        "-        data = await fetch(session)",
        "-        self.data = data",
        "+        async with aiohttp.ClientSession() as session:",
        "+            data = await fetch(session)",
        "+            self.data = data",
    ]


def test_the_holder_keeps_an_open_session_after_fix(tmp_path: Path) -> None:
    """The program's ``Api`` must find its session open after ``setup()`` returns. The old fix
    (``async with`` around the rest of ``setup()``) closed it there: the same program, rewritten
    so, prints False."""
    program = copy_program(DATA / "lent_to_holder", tmp_path)
    before = _run(["main.py"], program)
    assert (before.returncode, before.stdout) == (0, "usable after setup: True\n")
    check = _run(["-m", "tradelint", "--no-cache", "--output-format", "concise", "-q", "main.py"], program)
    assert check.stdout.splitlines() == [
        "main.py:18:9: TRD201 `session` lives on in `self.api` after the function, never closed; close it "
        "where that ends"
    ]
    source = (program / "main.py").read_text(encoding="utf-8")
    fixed = _run(["-m", "tradelint", "--no-cache", "--fix", "--unsafe-fixes", "-q", "main.py"], program)
    assert fixed.returncode == 1
    assert (program / "main.py").read_text(encoding="utf-8") == source
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout) == (0, "usable after setup: True\n")
    old_fix = source.replace(
        "        session = aiohttp.ClientSession()\n        self.api = Api(session)\n",
        "        async with aiohttp.ClientSession() as session:\n            self.api = Api(session)\n",
    )
    assert old_fix != source
    (program / "old_fix.py").write_text(old_fix, encoding="utf-8")
    broken = _run(["old_fix.py"], program)
    assert (broken.returncode, broken.stdout) == (0, "usable after setup: False\n")


# Issue 28, point 5 for tasks: a timer made with ``hass.async_create_task`` while a config entry
# is set up outlives the entry's unload.
SETUP = """\
import asyncio


async def async_setup_entry(hass, entry):
    async def _delayed_discovery() -> None:
        await asyncio.sleep(30)
        await hass.services.async_call("demo", "discover")

    async def _soon() -> None:
        await asyncio.sleep(1)
        await hass.services.async_call("demo", "discover")

    async def _once() -> None:
        await hass.services.async_call("demo", "discover")

    hass.async_create_task(_delayed_discovery())
    hass.async_create_task(_soon())
    hass.async_create_task(_once())
    entry.async_create_background_task(hass, _delayed_discovery(), "discovery")
    await _start_helpers(hass, entry)
    return True


async def _start_helpers(hass, entry):
    async def _refresh_later(delay) -> None:
        await asyncio.sleep(delay)
        await hass.services.async_call("demo", "refresh")

    hass.async_create_task(_refresh_later(300))
    hass.async_create_task(_refresh_later(0))


async def async_setup(hass, config):
    async def _later() -> None:
        await asyncio.sleep(60)
        await hass.services.async_call("demo", "discover")

    hass.async_create_task(_later())
    return True


async def async_unload_entry(hass, entry):
    UNLOAD
    return True
"""


def test_a_timer_made_at_entry_setup_outlives_the_entry(tmp_path: Path) -> None:
    from tests.conftest import ha_integration, preview_messages

    path = ha_integration(tmp_path, SETUP, "pass")
    message = "TRD301 timer task from `hass.async_create_task(...)` outlives the config entry; make it the entry's background task"
    # Not: a 1 s pause, a one-shot task, the entry's own background task, a pause of 0 given by
    # the call, the component's ``async_setup`` (as long-lived as ``hass``).
    assert preview_messages(path, "TRD3") == [f"16 {message}", f"29 {message}"]


# Issue 28, point 5: the startup phases of other frameworks are startups too. What a hook run once
# as the application starts keeps on the application (or its dispatcher, or its context) lives
# until the application ends, and must be closed by a shutdown hook; each has a twin that closes it.
FRAMEWORKS = {
    "quart": (
        """\
import aiohttp
from quart import Quart

app = Quart(__name__)


@app.before_serving
async def startup():
    app.session = aiohttp.ClientSession()
""",
        """

@app.after_serving
async def shutdown():
    await app.session.close()
""",
        "9 TRD201 `app.session` is made at startup and never closed; close it in a shutdown handler",
    ),
    "sanic": (
        """\
import aiohttp
from sanic import Sanic

app = Sanic("feed")


@app.listener("before_server_start")
async def setup(app, loop):
    app.ctx.session = aiohttp.ClientSession()
""",
        """

@app.listener("after_server_stop")
async def teardown(app, loop):
    await app.ctx.session.close()
""",
        "9 TRD201 `app.ctx.session` is made at startup and never closed; close it in a shutdown handler",
    ),
    "aiogram3": (
        """\
import aiohttp
from aiogram import Bot, Dispatcher

dp = Dispatcher()


@dp.startup()
async def on_startup(bot: Bot):
    dp["http"] = aiohttp.ClientSession()
""",
        """

@dp.shutdown()
async def on_shutdown(bot: Bot):
    await dp["http"].close()
""",
        "9 TRD201 `dp['http']` is made at startup and never closed; close it in a shutdown handler",
    ),
    "aiogram2": (
        """\
import aiohttp
from aiogram import executor


async def on_startup(dp):
    dp["http"] = aiohttp.ClientSession()


def main(dp):
    executor.start_polling(dp, on_startup=on_startup)
""",
        """

async def on_shutdown(dp):
    await dp["http"].close()
""",
        "6 TRD201 `dp['http']` is made at startup and never closed; close it in a shutdown handler",
    ),
    "telegram": (
        """\
import aiohttp
from telegram.ext import Application


async def post_init(application: Application) -> None:
    application.bot_data["http"] = aiohttp.ClientSession()


def main():
    Application.builder().token("t").post_init(post_init).build().run_polling()
""",
        """

async def post_shutdown(application: Application) -> None:
    await application.bot_data["http"].close()
""",
        "6 TRD201 `application.bot_data['http']` is made at startup and never closed; close it in a shutdown "
        "handler",
    ),
}


def test_startup_phases_of_other_frameworks_keep_what_they_make(tmp_path: Path) -> None:
    from tests.conftest import preview_messages

    for name, (source, closing, finding) in FRAMEWORKS.items():
        # Each in a project of its own: a close anywhere in the project counts.
        (tmp_path / name / "leaks").mkdir(parents=True)
        (tmp_path / name / "closed").mkdir(parents=True)
        leaking = tmp_path / name / "leaks" / "app.py"
        leaking.write_text(source, encoding="utf-8")
        closed = tmp_path / name / "closed" / "app.py"
        closed.write_text(source + closing, encoding="utf-8")
        assert preview_messages(leaking, "TRD2") == [finding], name
        assert preview_messages(closed, "TRD2") == [], name


# Issue 28, point 6: a task replaced while it runs, where the framework sends the storing event
# again: a discord client's or cog's ``on_ready`` follows each reconnect whose RESUME fails.
READY = """\
import asyncio

import discord
from discord.ext import commands


class Bot(discord.Client):
    async def on_ready(self):
        self.bg = self.loop.create_task(self.poll())

    async def poll(self):
        while True:
            await asyncio.sleep(60)

    async def close(self):
        self.bg.cancel()
        await super().close()


class Guarded(commands.Cog):
    def __init__(self, bot):
        self.task = None

    @commands.Cog.listener()
    async def on_ready(self):
        if self.task is None:
            self.task = asyncio.create_task(self.poll())

    async def poll(self):
        while True:
            await asyncio.sleep(60)

    def cog_unload(self):
        self.task.cancel()


def once(function):
    return function


class Once(commands.Cog):
    def __init__(self, bot):
        self.task = None

    @commands.Cog.listener()
    @once
    async def on_ready(self):
        self.task = asyncio.create_task(self.poll())

    async def poll(self):
        while True:
            await asyncio.sleep(60)

    def cog_unload(self):
        self.task.cancel()


class Plain:
    async def on_ready(self):
        self.task = asyncio.create_task(self.poll())

    async def poll(self):
        while True:
            await asyncio.sleep(60)

    def close(self):
        self.task.cancel()
"""


def test_a_task_stored_in_on_ready_replaces_a_running_one(tmp_path: Path) -> None:
    from tests.conftest import preview_messages

    path = tmp_path / "bot.py"
    path.write_text(READY, encoding="utf-8")
    # Not: a store that looks at the slot first, a handler under a decorator of the project's own
    # (a run-once guard: cheran-senthil/TLE's ``@discord_common.once``), nor ``on_ready`` of a
    # class that is no discord one.
    assert preview_messages(path, "TRD3") == [
        "9 TRD305 `self.bg` is stored over a task that still runs; cancel the old one first",
    ]


def test_the_reconnect_leaves_one_poller_after_the_fix(tmp_path: Path) -> None:
    program = copy_program(Path(__file__).resolve().parent / "data" / "task_programs" / "ready_twice", tmp_path)
    before = _run(["main.py"], program)
    # The first poller, replaced, outlives the cog's unload.
    assert (before.returncode, before.stdout) == (0, "pollers after the reconnect: 2\npollers after unload: 1\n")
    fixed = _run(["-m", "tradelint", "--no-cache", "--fix", "--unsafe-fixes", "main.py"], program)
    assert "fixed 1 finding, 0 remaining" in fixed.stdout + fixed.stderr
    text = (program / "main.py").read_text(encoding="utf-8")
    assert (
        "    async def on_ready(self) -> None:\n"
        "        if self.task is not None:\n"
        "            self.task.cancel()\n"
        "        self.task = asyncio.create_task(self.poll())\n"
    ) in text
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, "pollers after the reconnect: 1\npollers after unload: 0\n", "")
    mypy = _run(["-m", "mypy", "--strict", "--no-error-summary", "main.py"], program)
    assert mypy.returncode == 0, mypy.stdout


# Issue 28, point 1: a function whose code cannot be read (its package is neither installed nor
# in the project) proves nothing: the creator still owns what it gives it, as for such a class.
HANDED = """\
import aiohttp
from notinstalled_registry import register

from pkg.registry import keep


async def to_an_unread_function():
    session = aiohttp.ClientSession()
    register(session)


async def to_a_function_of_the_project():
    session = aiohttp.ClientSession()
    keep(session)
"""

REGISTRY = """\
SESSIONS = []


def keep(session):
    SESSIONS.append(session)


async def close_all():
    for session in SESSIONS:
        await session.close()
"""


def test_a_resource_given_to_a_function_nobody_can_read_is_still_the_creators(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "pkg" / "registry.py").write_text(REGISTRY, encoding="utf-8")
    (tmp_path / "pkg" / "handed.py").write_text(HANDED, encoding="utf-8")
    proc = _run(["-m", "tradelint", "--no-cache", "--output-format", "concise", "-q", "pkg"], tmp_path)
    # No fix: ``register`` may keep the session past an ``async with`` block. The project's own
    # ``keep`` is read: it keeps the session where ``close_all()`` closes it.
    assert proc.stdout.splitlines() == [
        "pkg/handed.py:8:5: TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`",
    ]


# A config entry's own background task is ended by Home Assistant at the entry's unload: kept by
# a coordinator (which ends with the entry) it is no finding; kept by an entity, which may be
# removed while the entry lives on, it still is. ``hass.async_create_background_task`` is ended
# only at the stop.
COORDINATOR = """\
import asyncio

from homeassistant.helpers.entity import Entity
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


class Coord(DataUpdateCoordinator):
    def __init__(self, hass, entry):
        self.hass = hass
        self.entry = entry
        self._keep = None
        self._other = None

    async def _keepalive(self):
        while True:
            await asyncio.sleep(5)

    def start(self):
        self._keep = self.entry.async_create_background_task(self.hass, self._keepalive(), "keepalive")
        self._other = self.hass.async_create_background_task(self._keepalive(), "other")


class Lamp(Entity):
    def __init__(self, hass, entry):
        self.hass = hass
        self.entry = entry
        self._blink = None

    async def _blinking(self):
        while True:
            await asyncio.sleep(1)

    async def async_added_to_hass(self):
        self._blink = self.entry.async_create_background_task(self.hass, self._blinking(), "blink")
"""


def test_a_config_entrys_background_task_ends_with_the_entry(tmp_path: Path) -> None:
    from tests.conftest import ha_integration, preview_messages

    ha_integration(tmp_path, "async def async_setup_entry(hass, entry):\n    return True\n\n\n"
                   "async def async_unload_entry(hass, entry):\n    UNLOAD\n    return True\n", "pass")
    path = tmp_path / "custom_components" / "demo" / "coordinator.py"
    path.write_text(COORDINATOR, encoding="utf-8")
    assert preview_messages(path, "TRD3") == [
        "20 TRD303 `self._other` is not cancelled at entry unload; cancel it from `async_unload_entry()`",
        "34 TRD303 `self._blink` is not cancelled at entity removal; cancel it from `async_will_remove_from_hass()`",
    ]


# Issue 28, point 5 (closed on one end but not another): a close on the success path and in an
# ``except Exception`` handler misses the cancellation, since ``asyncio.CancelledError`` derives
# from ``BaseException`` (voyage-ai/voyageai-python ``ee3da756``, a round 7 dev site).
CANCELLED = """\
import asyncio

import aiohttp


class Scoped:
    async def __aenter__(self):
        self._session = aiohttp.ClientSession()
        return self._session

    async def __aexit__(self, *exc):
        await self._session.close()


async def by_hand(send):
    ctx = Scoped()
    session = await ctx.__aenter__()
    try:
        resp = await send(session)
    except Exception:
        await ctx.__aexit__(None, None, None)
        raise
    await ctx.__aexit__(None, None, None)
    return resp


async def except_exception(url):
    session = aiohttp.ClientSession()
    try:
        data = await (await session.get(url)).read()
    except Exception:
        await session.close()
        raise
    await session.close()
    return data


async def except_base_exception(url):
    session = aiohttp.ClientSession()
    try:
        data = await (await session.get(url)).read()
    except BaseException:
        await session.close()
        raise
    await session.close()
    return data


async def except_bare(url):
    session = aiohttp.ClientSession()
    try:
        data = await (await session.get(url)).read()
    except:  # noqa: E722
        await session.close()
        raise
    await session.close()
    return data


async def except_cancelled_too(url):
    session = aiohttp.ClientSession()
    try:
        data = await (await session.get(url)).read()
    except (Exception, asyncio.CancelledError):
        await session.close()
        raise
    await session.close()
    return data
"""


def test_a_close_in_except_exception_misses_the_cancellation(tmp_path: Path) -> None:
    from tests.conftest import preview_messages

    path = tmp_path / "cancel.py"
    path.write_text(CANCELLED, encoding="utf-8")
    assert preview_messages(path, "TRD2") == [
        "16 TRD201 `ctx` (`Scoped(...)`) is closed only in an `except` that cancellation skips",
        "28 TRD201 `session` (`aiohttp.ClientSession(...)`) is closed only in an `except` that cancellation skips",
    ]


# A request the object makes, named like a release, does not end it (frankbria/codeframe
# ``27b15b6e``, a round 7 dev site: ``await client.close_pull_request(pr_number)``).
REQUEST = """\
import httpx


class GitHub:
    def __init__(self):
        self._client = httpx.AsyncClient()

    async def close_pull_request(self, number):
        await self._client.patch(f"/pulls/{number}", json={"state": "closed"})
        return True

    async def close_all(self):
        await self._client.aclose()


async def close_pr(number):
    client = GitHub()
    return await client.close_pull_request(number)


async def close_pr_and_the_client(number):
    client = GitHub()
    try:
        return await client.close_pull_request(number)
    finally:
        await client.close_all()
"""


def test_a_request_named_like_a_release_does_not_end_the_object(tmp_path: Path) -> None:
    from tests.conftest import preview_messages

    path = tmp_path / "github.py"
    path.write_text(REQUEST, encoding="utf-8")
    assert preview_messages(path, "TRD2") == [
        "17 TRD201 `client` (`GitHub(...)`) is never closed; call `await client.close_all()` in a `finally`",
    ]


# A context manager entered by hand (``await ClientSession().__aenter__()``) gives the session
# itself: kept on ``self`` and ended by its ``__aexit__`` in the class's own ``__aexit__`` (whose
# three parameters the protocol gives), the class is a resource type; it is no inline session
# that nothing closes (voyage-ai/voyageai-python's ``AioHTTPSession``).
ENTERED = """\
import aiohttp


class AioHTTPSession:
    def __init__(self):
        self._session = None

    async def __aenter__(self):
        self._session = await aiohttp.ClientSession().__aenter__()
        return self._session

    async def __aexit__(self, exc_type, exc_value, traceback):
        await self._session.__aexit__(exc_type, exc_value, traceback)


async def arequest(send):
    ctx = AioHTTPSession()
    session = await ctx.__aenter__()
    try:
        resp = await send(session)
    except Exception:
        await ctx.__aexit__(None, None, None)
        raise
    await ctx.__aexit__(None, None, None)
    return resp


async def arequest_entered(send):
    async with AioHTTPSession() as session:
        return await send(session)


class Leaky:
    async def start(self):
        self._session = await aiohttp.ClientSession().__aenter__()
"""


def test_a_session_entered_by_hand_is_the_session(tmp_path: Path) -> None:
    from tests.conftest import preview_messages

    path = tmp_path / "entered.py"
    path.write_text(ENTERED, encoding="utf-8")
    assert preview_messages(path, "TRD2") == [
        "17 TRD201 `ctx` (`AioHTTPSession(...)`) is closed only in an `except` that cancellation skips",
        "35 TRD202 `self._session` is never closed; add a `close()` method that calls its `close()`",
    ]
