"""Fixed code stays ``mypy --strict`` clean: typed programs, one per fix kind, pass before and after
``tradelint --fix --unsafe-fixes`` (what the fixes insert must be typed too)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.programs import mypy_cache_for

from tradelint.cli import run
from tradelint.core.config import clear_cache

PROGRAMS = {
    "TRD101": '''
        """Settings."""

        from dataclasses import dataclass


        @dataclass
        class Settings:
            name: str
            TIMEOUT: int = 5

            def timeout(self) -> int:
                return self.TIMEOUT
    ''',
    "TRD201": '''
        import aiohttp


        async def fetch(url: str) -> bytes:
            session = aiohttp.ClientSession()
            response = await session.get(url)
            data: bytes = await response.read()
            await session.close()
            return data
    ''',
    "TRD202": '''
        import aiohttp


        class Feed:
            async def startup(self) -> None:
                self.session = aiohttp.ClientSession()

            async def shutdown(self) -> None:
                pass
    ''',
    "TRD301": '''
        from __future__ import annotations

        import asyncio


        async def poll() -> None:
            await asyncio.sleep(1)


        async def start() -> None:
            asyncio.create_task(poll())
            asyncio.get_running_loop().create_task(poll())
    ''',
    "TRD303": '''
        import asyncio


        class Service:
            async def startup(self) -> None:
                self._task = asyncio.create_task(self._backfill())

            async def shutdown(self) -> None:
                pass

            async def __aenter__(self) -> "Service":
                return self

            async def __aexit__(self, *exc: object) -> None:
                await self.shutdown()

            async def _backfill(self) -> None:
                await asyncio.sleep(1)
    ''',
}


def _mypy_strict(path: Path) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--config-file", "",
         "--cache-dir", str(mypy_cache_for(path.parent)), str(path)],
        capture_output=True, text=True, cwd=path.parent,
    )
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.parametrize("code", sorted(PROGRAMS))
def test_fixed_program_stays_mypy_strict_clean(tmp_path: Path, code: str, capsys: pytest.CaptureFixture[str]) -> None:
    import textwrap

    program = tmp_path / "program.py"
    program.write_text(textwrap.dedent(PROGRAMS[code]).lstrip("\n"), encoding="utf-8")
    assert _mypy_strict(program) == (0, "")
    before = program.read_text(encoding="utf-8")
    clear_cache()
    assert run([str(program), "--select", code, "--output-format", "concise"]) == 1
    assert f" {code} " in capsys.readouterr().out
    run([str(program), "--fix", "--unsafe-fixes", "--quiet"])
    captured = capsys.readouterr()
    assert program.read_text(encoding="utf-8") != before, captured.err  # the fix was applied
    assert _mypy_strict(program) == (0, ""), program.read_text(encoding="utf-8")
