"""TRD201's ``async with`` fix, proven by running the program: a response taken from the session
and read in a later statement stays inside the block (closing the session first made the read
fail with "Connection closed" on a large body), and a response that leaves the function gets no
fix at all."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.programs import copy_program, run_python

DATA = Path(__file__).resolve().parent / "data" / "resource_programs"


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_python(args, cwd, timeout=120)


def test_response_read_after_get_stays_inside_the_block(tmp_path: Path) -> None:
    program = copy_program(DATA / "read_after_get", tmp_path)
    before = _run(["main.py"], program)
    assert (before.returncode, before.stdout) == (0, "read 3276800 bytes\n")
    assert "Unclosed client session" in before.stderr
    fixed = _run(["-m", "flake8_tradelint", "--no-cache", "--fix", "."], program)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    text = (program / "main.py").read_text(encoding="utf-8")
    assert (
        "    async with ClientSession() as session:\n"
        "        response = await session.get(url)\n"
        "        return await response.read()\n"
    ) in text
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, "read 3276800 bytes\n", "")


def test_a_response_that_leaves_the_function_gets_no_fix(tmp_path: Path) -> None:
    source = (
        "from aiohttp import ClientSession\n\n\n"
        "async def fetch(url: str):\n"
        "    session = ClientSession()\n"
        "    response = await session.get(url)\n"
        "    return response\n"
    )
    (tmp_path / "m.py").write_text(source, encoding="utf-8")
    proc = _run(["-m", "flake8_tradelint", "--no-cache", "--output-format", "concise", "m.py"], tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith("m.py:5:5: TRD201 ") and "[*]" not in proc.stdout
