"""Stored tasks of one class judged from per-class tables (issue 34): each attribute still gets
its own answer (a ``getattr`` load, a drop after an await, or nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint.cli import run
from tradelint.core.config import clear_cache

OWNER = '''import asyncio


async def job():
    pass


class Owner:
    async def start(self):
        self.a = asyncio.create_task(job())
        self.b = asyncio.create_task(job())
        self.c = asyncio.create_task(job())

    async def close(self):
        task = getattr(self, "a", None)
        if task is not None:
            task.cancel()

    async def stop(self, event):
        await event.wait()
        self.b = None
'''


def test_each_stored_attribute_is_judged_on_its_own(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clear_cache()
    path = tmp_path / "owner.py"
    path.write_text(OWNER, encoding="utf-8")
    assert run([str(path), "--no-cache", "--exit-zero", "--output-format", "concise"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:-1] == [f"{path}:12:9: TRD303 `self.c` is never cancelled or awaited; cancel it in `close()`"]


def test_many_stored_attributes_of_one_class_each_get_their_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "".join(f"        self.t{i} = asyncio.create_task(job())\n" for i in range(40))
    path = tmp_path / "many.py"
    path.write_text("import asyncio\n\n\nasync def job():\n    pass\n\n\nclass Owner:\n    async def start(self):\n"
                    + body + "\n    async def stop(self, event):\n        await event.wait()\n        self.t7 = None\n"
                    + "        getattr(self, 't9').cancel()\n", encoding="utf-8")
    clear_cache()
    assert run([str(path), "--no-cache", "--exit-zero", "--output-format", "concise"]) == 0
    found = [line for line in capsys.readouterr().out.splitlines() if "TRD30" in line]
    assert len(found) == 38
    assert not any("`self.t7`" in line or "`self.t9`" in line for line in found)
