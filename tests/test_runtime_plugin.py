"""The pytest plugin (``pytest -p tradelint``, issue 33): small projects' test suites run in a
pytest of their own (a subprocess, so that the patched event loop class never reaches this
session), and the leaks it reports are compared whole: kind, TRD code, shape, site, test."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

pytest_plugins = ["pytester"]

LEAKY = '''\
import asyncio

import aiohttp


async def worker():
    await asyncio.sleep(10)


async def start_discarded():
    asyncio.create_task(worker())
    await asyncio.sleep(0)


async def open_session():
    session = aiohttp.ClientSession()
    await asyncio.sleep(0)


class Poller:
    async def start(self):
        self._task = asyncio.create_task(worker())
        await asyncio.sleep(0)


async def clean():
    async with aiohttp.ClientSession():
        task = asyncio.create_task(worker())
        await asyncio.sleep(0)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
'''

TESTS = '''\
import asyncio

import app


def test_discarded():
    asyncio.run(app.start_discarded())


def test_session():
    asyncio.run(app.open_session())


def test_poller():
    asyncio.run(app.Poller().start())


def test_clean():
    asyncio.run(app.clean())
'''


def leak(kind: str, code: str, shape: str, path: Path, line: int, test: str, what: str) -> dict[str, Any]:
    return {"kind": kind, "code": code, "shape": shape, "path": str(path), "line": line, "test": test, "what": what}


def project(pytester: pytest.Pytester, tests: str = TESTS, pyproject: str = "") -> Path:
    pytester.makepyprojecttoml(pyproject)
    pytester.makepyfile(app=LEAKY, test_app=tests)
    return pytester.path


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def loaded_as_the_entry_point() -> tuple[str, ...]:
    """The arguments that load the plugin as its pytest11 entry point does, without enabling it:
    none where tradelint is installed with the entry point (pytest loads it; naming the module
    again would register it twice), else the module itself (an editable install made before the
    entry point existed)."""
    if importlib.metadata.entry_points(group="pytest11", name="tradelint"):
        return ()
    return ("-p", "tradelint.runtime.pytest_plugin")


def report(root: Path) -> list[dict[str, Any]]:
    data = json.loads((root / ".tradelint_cache" / "runtime.json").read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["root"] == str(root)
    leaks: list[dict[str, Any]] = data["leaks"]
    return leaks


def test_each_leak_is_reported_with_its_site_test_and_rule(pytester: pytest.Pytester) -> None:
    root = project(pytester)
    result = run(pytester, "-p", "tradelint")
    result.assert_outcomes(passed=4)
    app = root / "app.py"
    assert report(root) == [
        leak("task_pending_at_loop_close", "TRD301", "discarded", app, 11, "test_app.py::test_discarded", "task worker()"),
        # One leak: the session's own connector is the session's to close.
        leak("resource_never_closed", "TRD201", "local", app, 16, "test_app.py::test_session", "aiohttp.ClientSession"),
        leak("task_pending_at_loop_close", "TRD303", "self", app, 22, "test_app.py::test_poller", "task worker()"),
    ]
    result.stdout.fnmatch_lines(
        [
            "*= tradelint runtime =*",
            "app.py:11: TRD301 task worker() still pending when its loop closed [test_app.py::test_discarded]",
            "app.py:16: TRD201 aiohttp.ClientSession never closed [test_app.py::test_session]",
            "app.py:22: TRD303 task worker() still pending when its loop closed [test_app.py::test_poller]",
            # asyncio.run's own task for each test, and the three workers; two sessions.
            f"3 runtime leaks among 7 tasks and 2 resources created; report: {root / '.tradelint_cache' / 'runtime.json'}",
        ]
    )


def test_a_clean_test_reports_nothing(pytester: pytest.Pytester) -> None:
    root = project(pytester)
    result = run(pytester, "-p", "tradelint", "-k", "clean", "--tradelint-report", "out/leaks.json")
    result.assert_outcomes(passed=1, deselected=3)
    data = json.loads((root / "out" / "leaks.json").read_text(encoding="utf-8"))
    assert data["leaks"] == []
    assert data["recorded"] == {"tasks": 2, "resources": 1}
    result.stdout.fnmatch_lines(["0 runtime leaks among 2 tasks and 1 resources created; report: out/leaks.json"])


def test_a_task_destroyed_while_pending(pytester: pytest.Pytester) -> None:
    root = project(
        pytester,
        tests='''\
import asyncio
import gc


async def waiter(future):
    await future


def test_destroyed():
    loop = asyncio.new_event_loop()
    future = loop.create_future()
    loop.create_task(waiter(future))
    loop.run_until_complete(asyncio.sleep(0))
    del future
    gc.collect()
    loop.close()
''',
    )
    run(pytester, "-p", "tradelint").assert_outcomes(passed=1)
    assert report(root) == [
        leak(
            "task_destroyed_pending", "TRD301", "discarded", root / "test_app.py", 12,
            "test_app.py::test_destroyed", "task waiter()",
        )
    ]


ASYNC_TESTS = '''\
import asyncio

import pytest

import app


@pytest.mark.asyncio
async def test_discarded():
    asyncio.create_task(app.worker())
    await asyncio.sleep(0)


@pytest.mark.asyncio
async def test_poller():
    await app.Poller().start()


@pytest.mark.asyncio
async def test_clean():
    await app.clean()
'''


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_pytest_asyncio_loops_are_recorded(pytester: pytest.Pytester, mode: str) -> None:
    root = project(
        pytester, tests=ASYNC_TESTS, pyproject=f'[tool.pytest.ini_options]\nasyncio_mode = "{mode}"\n'
        'asyncio_default_fixture_loop_scope = "function"\n',
    )
    run(pytester, "-p", "tradelint", "-p", "asyncio").assert_outcomes(passed=3)
    assert report(root) == [
        leak(
            "task_pending_at_loop_close", "TRD301", "discarded", root / "test_app.py", 10,
            "test_app.py::test_discarded", "task worker()",
        ),
        leak("task_pending_at_loop_close", "TRD303", "self", root / "app.py", 22, "test_app.py::test_poller", "task worker()"),
    ]


OWN_LOOP = '''\
import asyncio


class OwnLoop(asyncio.SelectorEventLoop):
    """Makes its tasks and closes itself as uvloop's compiled loop does: neither the patched
    BaseEventLoop.create_task nor its close runs."""

    def create_task(self, coro, *, name=None, context=None):
        factory = self.get_task_factory()
        return factory(self, coro) if factory is not None else asyncio.Task(coro, loop=self)

    def close(self):
        self._selector.close()
        self._closed = True


class OwnPolicy(asyncio.DefaultEventLoopPolicy):
    _loop_factory = OwnLoop
'''

OWN_LOOP_TESTS = '''\
import asyncio
import sys
from pathlib import Path

import aiohttp

import app

# An installed library, as uvloop is: its frames are never a creation site.
sys.path.insert(0, str(Path(__file__).parent / "site-packages"))
from ownloop import OwnPolicy


def test_run():
    asyncio.set_event_loop_policy(OwnPolicy())
    try:
        asyncio.run(app.start_discarded())
    finally:
        asyncio.set_event_loop_policy(None)


def test_closed_unseen():
    loop = OwnPolicy().new_event_loop()
    loop.run_until_complete(app.start_discarded())
    loop.close()


async def handed_over():
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector())
    print(aiohttp.ClientSession())


def test_connector():
    asyncio.run(handed_over())
'''


def test_loops_making_their_own_tasks_and_handed_over_connectors(pytester: pytest.Pytester) -> None:
    """A loop class whose create_task and close are its own (uvloop's) is recorded through a task
    factory set where the loop is made, its tasks left pending are seen once it is closed; a
    connector handed to a session's constructor is the session's to close (one leak); a session
    given to another call is not "discarded"."""
    root = project(pytester, tests=OWN_LOOP_TESTS)
    (root / "site-packages").mkdir()
    (root / "site-packages" / "ownloop.py").write_text(OWN_LOOP, encoding="utf-8")
    run(pytester, "-p", "tradelint", "-W", "ignore::ResourceWarning").assert_outcomes(passed=3)
    app, tests = root / "app.py", root / "test_app.py"
    assert report(root) == [
        leak("task_pending_at_loop_close", "TRD301", "discarded", app, 11, "test_app.py::test_run", "task worker()"),
        leak(
            "task_pending_at_loop_close", "TRD301", "discarded", app, 11, "test_app.py::test_closed_unseen",
            "task worker()",
        ),
        # Not discarded: the argument of a call whose result is (collected first).
        leak("resource_never_closed", "TRD2", "unknown", tests, 30, "test_app.py::test_connector", "aiohttp.ClientSession"),
        leak(
            "resource_never_closed", "TRD201", "local", tests, 29, "test_app.py::test_connector",
            "aiohttp.ClientSession",
        ),
    ]


FRAMEWORK_TESTS = '''\
import asyncio

import pytest
from aiohttp import web

import app


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_anyio():
    asyncio.create_task(app.worker())
    await asyncio.sleep(0)


@pytest.mark.asyncio
async def test_pytest_aiohttp(aiohttp_client):
    async def hello(request):
        await app.open_session()
        return web.Response(text="hi")

    application = web.Application()
    application.router.add_get("/", hello)
    client = await aiohttp_client(application)
    assert (await client.get("/")).status == 200
'''


def test_anyio_and_pytest_aiohttp_tests_are_recorded(pytester: pytest.Pytester) -> None:
    """anyio's runner (one loop for the session, closed at its end) and pytest-aiohttp's client
    and server fixtures: the leaks are the program's, each with the test that made it."""
    root = project(
        pytester, tests=FRAMEWORK_TESTS, pyproject='[tool.pytest.ini_options]\nasyncio_mode = "strict"\n'
        'asyncio_default_fixture_loop_scope = "function"\n',
    )
    run(pytester, "-p", "tradelint", "-p", "asyncio", "-p", "anyio", "-p", "aiohttp").assert_outcomes(passed=2)
    app = root / "app.py"
    assert sorted(report(root), key=lambda leak: leak["line"]) == [
        leak("task_pending_at_loop_close", "TRD301", "discarded", root / "test_app.py", 16, "test_app.py::test_anyio", "task worker()"),
        leak("resource_never_closed", "TRD201", "local", app, 16, "test_app.py::test_pytest_aiohttp", "aiohttp.ClientSession"),
    ]


def test_inert_when_loaded_but_not_enabled(pytester: pytest.Pytester) -> None:
    """Loaded as its entry point loads it, without ``--tradelint`` or ``runtime = true``: no patch,
    no report, no summary."""
    root = project(
        pytester,
        tests=TESTS + '''

def test_event_loop_untouched():
    assert asyncio.BaseEventLoop.create_task.__module__ == "asyncio.base_events"
''',
    )
    result = run(pytester, *loaded_as_the_entry_point())
    result.assert_outcomes(passed=5)
    assert not (root / ".tradelint_cache").exists()
    assert "tradelint runtime" not in result.stdout.str()


def test_enabled_by_the_configuration(pytester: pytest.Pytester) -> None:
    root = project(pytester, pyproject="[tool.tradelint]\nruntime = true\n")
    run(pytester, *loaded_as_the_entry_point(), "-k", "discarded").assert_outcomes(passed=1, deselected=3)
    assert [(leak["code"], leak["line"]) for leak in report(root)] == [("TRD301", 11)]


def test_a_wrong_runtime_value_names_file_and_key(pytester: pytest.Pytester) -> None:
    root = project(pytester, pyproject='[tool.tradelint]\nruntime = "yes"\n')
    result = run(pytester, *loaded_as_the_entry_point())
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [f"ERROR: tradelint: {root / 'pyproject.toml'}:2:1: [tool.tradelint] key 'runtime': expected true or false, got 'yes'"]
    )


def test_the_entry_point_gives_the_tradelint_option(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pytest11 entry point declared in pyproject.toml, as an installed tradelint exposes it:
    auto-loaded, inert without the option, recording with ``--tradelint``."""
    entry_points = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["entry-points"]
    site = pytester.path / "site"
    dist = site / "tradelint_entry_point-0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: tradelint-entry-point\nVersion: 0\n", encoding="utf-8")
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points["pytest11"].items())
    (dist / "entry_points.txt").write_text(f"[pytest11]\n{lines}", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), str(ROOT)]))
    root = project(pytester)
    run(pytester, "-k", "discarded").assert_outcomes(passed=1, deselected=3)
    assert not (root / ".tradelint_cache").exists()
    run(pytester, "--tradelint", "-k", "discarded").assert_outcomes(passed=1, deselected=3)
    assert [(leak["code"], leak["line"]) for leak in report(root)] == [("TRD301", 11)]


def tradelint(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "tradelint", *args], cwd=root, env=env, capture_output=True, text=True, check=False
    )


def test_static_findings_confirmed_and_runtime_only_leaks_listed(pytester: pytest.Pytester) -> None:
    root = project(
        pytester,
        tests=TESTS + '''

async def spawn_gathered():
    asyncio.gather(app.worker())
    await asyncio.sleep(0)


def test_gathered():
    asyncio.run(spawn_gathered())


async def spawn_through_a_local():
    spawn = getattr(asyncio, "ensure_future")
    spawn(app.worker())
    await asyncio.sleep(0)


def test_local():
    asyncio.run(spawn_through_a_local())
''',
    )
    run(pytester, "-p", "tradelint").assert_outcomes(passed=6)
    checked = tradelint(root, "--output-format", "json", "app.py", "test_app.py")
    assert checked.returncode == 1, checked.stderr
    assert [(f["path"], f["code"], f["line"], f.get("confirmed")) for f in json.loads(checked.stdout)] == [
        ("app.py", "TRD301", 11, True),
        ("app.py", "TRD201", 16, True),
        ("app.py", "TRD303", 22, True),
        ("test_app.py", "TRD301", 23, True),  # the discarded asyncio.gather's task
    ]
    # A creator reached through getattr in a local is one no static rule follows: listed with its
    # shape, on stderr beside the machine-readable output.
    assert checked.stderr.splitlines()[-3:] == [
        "Runtime report .tradelint_cache/runtime.json: 4 findings confirmed",
        "Runtime leaks no static rule found (1):",
        "  test_app.py:33: TRD301 (discarded) task worker() still pending when its loop closed "
        "[test_app.py::test_local]",
    ]
    text = tradelint(root, "--output-format", "concise", "app.py")
    assert text.stdout.splitlines()[0] == (
        "app.py:11:5: TRD301 [*] [confirmed at runtime] task from `asyncio.create_task(...)` is discarded; "
        "keep it and await or cancel it"
    )


def test_after_the_fix_the_suite_reports_no_leak_at_the_fixed_site(pytester: pytest.Pytester) -> None:
    root = project(pytester)
    run(pytester, "-p", "tradelint").assert_outcomes(passed=4)
    assert ("TRD301", 11) in [(leak["code"], leak["line"]) for leak in report(root)]
    fixed = tradelint(root, "--fix", "--select", "TRD301", "app.py")
    assert "fixed 1 finding" in fixed.stdout + fixed.stderr
    source = (root / "app.py").read_text(encoding="utf-8")
    line = source.splitlines().index("    _keep_task(asyncio.create_task(worker()))") + 1
    run(pytester, "-p", "tradelint").assert_outcomes(passed=4)
    leaks = report(root)
    assert [leak["code"] for leak in leaks] == ["TRD201", "TRD303"]
    assert all(leak["line"] != line for leak in leaks)
    # And the check now confirms the two findings left, and nothing else at runtime.
    checked = tradelint(root, "--output-format", "json", "app.py")
    assert [(f["code"], f.get("confirmed")) for f in json.loads(checked.stdout)] == [("TRD201", True), ("TRD303", True)]
    assert checked.stderr.splitlines()[-1] == "Runtime report .tradelint_cache/runtime.json: 2 findings confirmed"


def test_pytest_xdist_workers_report_to_the_controller(pytester: pytest.Pytester) -> None:
    """A worker's per-test leaks travel in its reports, its session-end ones (a session kept in
    a global, still open when the tests are over) in its output; the controller writes them."""
    root = project(
        pytester,
        tests=TESTS + '''

async def open_global():
    global SESSION
    SESSION = aiohttp.ClientSession()


def test_global():
    asyncio.run(open_global())
''',
    )
    tests = (root / "test_app.py").read_text(encoding="utf-8")
    (root / "test_app.py").write_text(tests.replace("import app\n", "import aiohttp\n\nimport app\n"), encoding="utf-8")
    result = run(pytester, "-p", "tradelint", "-p", "xdist", "-n", "1")
    result.assert_outcomes(passed=5)
    assert sorted((leak["kind"], leak["code"], leak["line"], leak["test"]) for leak in report(root)) == [
        ("resource_never_closed", "TRD201", 16, "test_app.py::test_session"),
        ("resource_never_closed", "TRD201", 26, "test_app.py::test_global"),
        ("task_pending_at_loop_close", "TRD301", 11, "test_app.py::test_discarded"),
        ("task_pending_at_loop_close", "TRD303", 22, "test_app.py::test_poller"),
    ]
