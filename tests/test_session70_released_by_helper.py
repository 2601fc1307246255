"""Session 70: what a class keeps is released by a coroutine of the project that releases what it
is given (issue 28 point 1: ownership, read from the code that ends it; a false positive on fresh
applications, IvanShankin/Autoshop-telegram-bot).

``await close_redis(self.redis)`` in the class's ``shutdown()``, where ``close_redis`` is the
project's ``async def close_redis(redis): await redis.aclose()``, ends the client the class keeps.
The model already read such a callee for a local (``callee_release``); for an attribute of a
class, a library's resource handed to an awaited call was read as lent, so the class was told
to close what it closes. Twins: a helper that only reads the client, and a class that never calls
the helper, are still reported; the helper is found through a package's re-export too.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

CORE = '''\
from redis.asyncio import Redis


def init_redis() -> Redis:
    return Redis(host="localhost")


async def close_redis(redis: Redis) -> None:
    await redis.aclose()


async def ping_redis(redis: Redis) -> None:
    await redis.ping()
'''

CONTAINER = '''\
from app.infra import init_redis, HELPER


class Container:
    def __init__(self):
        self.redis = init_redis()

    async def shutdown(self):
        await HELPER(self.redis)
'''

NEVER_CLOSED = (
    "container.py:6:9 TRD202 `self.redis` is never closed; call its `aclose()` in `shutdown()`"
)


def _check(tmp_path: Path, helper: str, package: str = "from app.infra.core import close_redis, init_redis, ping_redis\n") -> list[str]:
    files = {
        "app/__init__.py": "",
        "app/infra/__init__.py": package,
        "app/infra/core.py": CORE,
        "app/container.py": CONTAINER.replace("HELPER", helper),
    }
    return tree_findings(tmp_path, files, "TRD202", project=True)


def test_a_helper_of_the_project_that_closes_what_it_is_given(tmp_path: Path) -> None:
    assert _check(tmp_path, "close_redis") == []


def test_twin_a_helper_that_only_uses_it(tmp_path: Path) -> None:
    assert _check(tmp_path, "ping_redis") == [NEVER_CLOSED]


def test_the_helper_through_the_package_that_reexports_it(tmp_path: Path) -> None:
    package = "from app.infra.core import close_redis, init_redis, ping_redis\n\n__all__ = ['close_redis', 'init_redis', 'ping_redis']\n"
    assert _check(tmp_path, "close_redis", package) == []
