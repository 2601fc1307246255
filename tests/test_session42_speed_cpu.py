"""Issue 30, session 42 (CPU): the resource model's questions asked once, counted through hooks,
never timed.

``kept_instance_factory`` asked ``receiver_class`` for the receiver of every kept method call
(``db = factory.create_db()``): a function calling methods of the same receiver many times had
the same answer worked out each time (its annotation, its one binding, ``self``'s stores).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.trees import findings as _findings
from tests.trees import package_project
from tradelint.models.resources import class_factories

DB = """\
import aiohttp


class Database:
    async def close(self):
        pass


class Factory:
    def create_db(self) -> Database:
        return Database()

    def make_session(self):
        return aiohttp.ClientSession()


async def run(name, factory: Factory, other: Factory):
    first = factory.make_session()
    second = factory.make_session()
    third = other.make_session()
    await third.close()
    return first, second
"""


def test_a_receiver_is_resolved_once_per_function(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = class_factories.receiver_class

    def counting(module: Any, function: Any, expr: Any, depth: int = 0) -> Any:
        asked.append(f"{function.name}:{getattr(expr, 'id', '?')}")
        return real(module, function, expr, depth)

    monkeypatch.setattr(class_factories, "receiver_class", counting)
    root = package_project(tmp_path, {"db.py": DB})
    found = _findings(root, "TRD201")
    assert asked.count("run:factory") == 1 and asked.count("run:other") == 1
    assert found == [  # (both kept sessions, made through the same receiver, still found)
        "app/db.py:18:5 TRD201 `first` (`factory.make_session(...)`) leaks if an `await` before it is handed on raises; close it on that error",
        "app/db.py:19:5 TRD201 `second` (`factory.make_session(...)`) leaks if an `await` before it is handed on raises; close it on that error",
    ]
