"""Session 89: an ``except`` no error reaches, around a call of the project's own that catches
every error itself (issue 28, point 8; precision on applications).

Read on heads70 half a's random sample (``heads70_a3.tsv``): a Home Assistant integration makes
its client, then ``try: await client.async_test_connection() except Exception as err: raise
ConfigEntryNotReady from err``, and stores the client where its unload closes it. The connection
test logs, answers ``False`` for a missing password, and wraps the rest in ``try: ... except
Exception: ...; return False``: no ``Exception`` leaves it, so the ``raise`` is no way out and
leaves nothing open; only a cancellation leaves the call, which ``except Exception`` does not
catch. Twins: a test that catches some errors only, one whose handler raises, one with a
statement that may fail outside its ``try`` (a subscript), a setup's handler that catches the
cancellation (``BaseException``), and a test of a module function rather than a method.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

INTEGRATION = """\
import logging

import aiohttp

from homeassistant.exceptions import ConfigEntryNotReady

_LOGGER = logging.getLogger(__name__)


class Client:
    def __init__(self, host):
        self._host = host
        self._session = None

    async def connect(self):
        self._session = aiohttp.ClientSession()
        await self._session.get(f"http://{{self._host}}/ping")

    async def test_connection(self):
        \"\"\"Whether the device answers.\"\"\"
        _LOGGER.debug("testing %s", self._host)
        {prelude}
        if not self._host:
            _LOGGER.error("no host")
            return False
        try:
            await self.connect()
            return True
        except {caught} as err:
            _LOGGER.error("test failed: %s", err)
            {after}

    async def close(self):
        if self._session is not None:
            await self._session.close()


async def async_setup_entry(hass, entry):
    client = Client(entry.data["host"])
    try:
        await client.test_connection()
    {handler} as err:
        raise ConfigEntryNotReady("unreachable") from err
    hass.data[entry.entry_id] = client
    return True


async def async_unload_entry(hass, entry):
    client = hass.data.pop(entry.entry_id)
    await client.close()
    return True
"""

EXIT = ["__init__.py:{line}:5 TRD201 `client` (`Client(...)`) leaks on an exit before it is handed on; call its `close()` on that path"]


def integration(tmp_path: Path, caught: str = "Exception", after: str = "return False", prelude: str = "pass",
                handler: str = "except Exception") -> list[str]:
    source = INTEGRATION.format(caught=caught, after=after, prelude=prelude, handler=handler)
    files = {"custom_components/demo/manifest.json": '{"domain": "demo"}', "custom_components/demo/__init__.py": source}
    return tree_findings(tmp_path, files, "TRD2")


def test_a_connection_test_that_catches_every_error_reaches_no_handler_of_its_caller(tmp_path: Path) -> None:
    assert integration(tmp_path) == []


def test_a_connection_test_that_catches_some_errors_only_lets_the_others_reach_the_raise(tmp_path: Path) -> None:
    assert integration(tmp_path, caught="aiohttp.ClientError") == [EXIT[0].format(line=39)]


def test_a_connection_test_whose_handler_raises_reaches_the_raise(tmp_path: Path) -> None:
    assert integration(tmp_path, after="raise") == [EXIT[0].format(line=39)]


def test_a_statement_that_may_fail_outside_the_tests_try_reaches_the_raise(tmp_path: Path) -> None:
    assert integration(tmp_path, prelude='port = self._host.split(":")[1]') == [EXIT[0].format(line=39)]


def test_a_handler_of_the_cancellation_is_reached_by_it(tmp_path: Path) -> None:
    assert integration(tmp_path, handler="except BaseException") == [EXIT[0].format(line=39)]


CHECK = """\
import asyncio
import logging

logger = logging.getLogger(__name__)


class Client:
    async def ping(self):
        try:
            await asyncio.sleep(0)
            return True
        except Exception:
            logger.exception("ping failed")
            return False

    async def fetch(self):
        return {{}}[1]

    async def stop(self):
        pass


async def check(flag):
    try:
        client = Client()
        await client.{first}()
        await client.stop()
        return True
    except Exception:
        logger.exception("check failed")
        return False
"""


def test_an_except_reached_only_through_a_call_that_catches_every_error_is_not_reached(tmp_path: Path) -> None:
    assert source_findings(tmp_path, CHECK.format(first="ping"), "TRD2") == []


def test_an_except_reached_through_a_call_that_may_fail_leaves_the_value_open(tmp_path: Path) -> None:
    assert source_findings(tmp_path, CHECK.format(first="fetch"), "TRD2") == [
        "25:9 TRD201 `client` (`Client(...)`) is closed here on one path only: the `return` at line 31 leaves it open; "
        "close it in a `finally`"
    ]
