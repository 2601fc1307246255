"""``benchmarks/miss_causes.py`` on a tiny repository built here (no network): each missed site
of a scored entry is sorted by what tradelint's models make of its statement at the parent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import git, load_benchmark

CAUSES = load_benchmark("miss_causes")

PARENT = '''\
import asyncio

import aiohttp
from somesdk import Client

from app.helpers import Helper, spawn


def make() -> aiohttp.ClientSession:
    session = aiohttp.ClientSession()
    return session


async def run(conn) -> None:
    client = Client()
    stream = await conn.open_stream()
    helper = Helper()
    task = asyncio.create_task(asyncio.sleep(1))
    spawn(asyncio.sleep(1))
    print(client, stream, helper, task)
'''

HELPERS = '''\
class Helper:
    pass


def spawn(coro):
    return coro
'''


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    base = tmp_path_factory.mktemp("causes")
    work = base / "work"
    (work / "app").mkdir(parents=True)
    git(work, "init", "-q")
    (work / "app" / "__init__.py").write_text("", encoding="utf-8")
    (work / "app" / "service.py").write_text(PARENT, encoding="utf-8")
    (work / "app" / "helpers.py").write_text(HELPERS, encoding="utf-8")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "parent")
    parent = git(work, "rev-parse", "HEAD").strip()
    git(base, "clone", "-q", "--mirror", str(work), str(base / "mirrors" / "someone+app" / "repo"))
    return base / "mirrors", parent


def test_each_missed_site_is_sorted_by_what_the_models_see(mirror: tuple[Path, str]) -> None:
    root, parent = mirror
    sites = ["app/service.py:10:TRD2", "app/service.py:15:TRD2", "app/service.py:16:TRD2",
             "app/service.py:17:TRD2", "app/service.py:18:TRD3", "app/service.py:19:TRD3"]
    result = {"repo": "someone/app", "commit": "f" * 40, "parent": parent, "scope": ["app"],
              "modes": {"default": {"sites": [{"site": s, "found": []} for s in sites]}}}
    assert [(cause, site) for cause, site, _ in CAUSES.causes(result, root)] == [
        ("judged:local", "app/service.py:10:TRD2"),  # made, and handed on by its return
        ("unknown:third_party", "app/service.py:15:TRD2"),  # a library nothing here reads
        ("unknown:method", "app/service.py:16:TRD2"),  # a method of an untyped value
        ("unknown:first_party", "app/service.py:17:TRD2"),  # the project's class that holds nothing
        ("task:creator", "app/service.py:18:TRD3"),  # asyncio's creator: seen, and judged
        ("task:other", "app/service.py:19:TRD3"),  # a first-party spawner
    ]


def test_found_sites_are_not_asked(mirror: tuple[Path, str]) -> None:
    root, parent = mirror
    result = {"repo": "someone/app", "commit": "f" * 40, "parent": parent, "scope": ["app"],
              "modes": {"default": {"sites": [{"site": "app/service.py:15:TRD2", "found": ["x"]}]}}}
    assert CAUSES.causes(result, root) == []
