"""Every finding's first line fits in 100 characters and its help adds something the message does
not say: over the whole fixture tree and the test programs (every rule, preview rules included),
on a program whose names are all very long, and for files that cannot be parsed."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tradelint.api import check_paths
from tradelint.core.finding import Finding
from tradelint.core.messages import HELP_LIMIT, MESSAGE_LIMIT, MIN_NAME, elide, fit, fit_help
from tradelint.core.registry import all_rules
from tests.conftest import FIXTURES, ROOT

# A help that shares this many words in a row with its message restates it.
RESTATED_WORDS = 4


def shared_run(message: str, help: str) -> list[str]:
    """The longest run of words (``\\w+``, any case) found in both texts."""
    a, b = re.findall(r"\w+", message.lower()), re.findall(r"\w+", help.lower())
    best: list[str] = []
    for i in range(len(a)):
        for j in range(len(b)):
            k = 0
            while i + k < len(a) and j + k < len(b) and a[i + k] == b[j + k]:
                k += 1
            if k > len(best):
                best = a[i : i + k]
    return best


def problems(finding: Finding) -> list[str]:
    found = []
    if len(finding.message) > MESSAGE_LIMIT:
        found.append(f"message of {len(finding.message)} characters")
    if "\n" in finding.message:
        found.append("message of several lines")
    if not finding.help:
        found.append("no help")
    else:
        if len(finding.help) > HELP_LIMIT or "\n" in finding.help:
            found.append(f"help of {len(finding.help)} characters")
        run = shared_run(finding.message, finding.help)
        if len(run) >= RESTATED_WORDS:
            found.append(f"help repeats {' '.join(run)!r}")
    return found


def assert_fit(findings: list[Finding]) -> None:
    bad = [(f"{f.path}:{f.line} {f.code}", f.message, f.help, problems(f)) for f in findings if problems(f)]
    assert bad == []


@pytest.fixture(scope="module")
def tree_findings() -> list[Finding]:
    files = sorted([*FIXTURES.rglob("*.py"), *(ROOT / "tests" / "data").rglob("*.py")])
    # Each file with its own configuration (renames, packs, task keepers), every rule selected.
    return check_paths(files, select=["ALL"], preview=True)


def test_every_finding_of_the_fixtures_and_test_programs_fits(tree_findings: list[Finding]) -> None:
    assert len(tree_findings) > 400
    assert_fit(tree_findings)


def test_the_tree_exercises_every_rule(tree_findings: list[Finding]) -> None:
    assert set(all_rules()) <= {f.code for f in tree_findings}


LONG = "a_remarkably_long_identifier_that_goes_on"  # 41 characters; two make a name of 82


def long_program() -> str:
    n = {key: f"{key}_{LONG}_{LONG}" for key in ("cls", "key", "const", "svc", "attr", "task", "fn", "var", "tvar",
                                                   "pending", "gen", "sess", "loop")}
    cap = {key: value.title().replace("_", "") for key, value in n.items()}
    return f'''\
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiohttp

if TYPE_CHECKING:
    from typing import ClassVar


@dataclass
class {cap["cls"]}:
    {n["key"].upper()}: str = ""
    {n["const"].upper()}: ClassVar[str] = ""


class {cap["cls"]}Child({cap["cls"]}):
    {n["key"].upper()} = "x"


{n["sess"]} = aiohttp.ClientSession()


class {cap["svc"]}:
    def __init__(self) -> None:
        self.{n["attr"]}s = {{}}

    async def {n["fn"]}(self) -> None:
        self.{n["attr"]} = aiohttp.ClientSession()
        self.{n["task"]} = asyncio.create_task(self.{n["fn"]}())


class {cap["svc"]}Stopping:
    async def {n["fn"]}(self) -> None:
        self.{n["attr"]} = aiohttp.ClientSession()
        self.{n["task"]} = asyncio.create_task(self.{n["fn"]}())

    async def {n["fn"]}_stop(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


async def replaced_and_late(url: str) -> None:
    {n["var"]} = aiohttp.ClientSession()
    {n["var"]} = aiohttp.ClientSession()
    await {n["var"]}.get(url)
    await {n["var"]}.close()
    await aiohttp.ClientSession().get(url)
    await {cap["sess"]}Keeper(aiohttp.ClientSession()).send()


class {cap["sess"]}Keeper:
    def __init__(self, {n["sess"]}: aiohttp.ClientSession) -> None:
        self.{n["sess"]} = {n["sess"]}

    async def send(self) -> None:
        await self.{n["sess"]}.post("https://example.com")


async def {n["fn"]}(url: str, {n["loop"]}: asyncio.AbstractEventLoop) -> None:
    {n["var"]} = aiohttp.ClientSession()
    await {n["var"]}.get(url)
    {n["loop"]}.create_task({n["fn"]}(url, {n["loop"]}))
    {n["tvar"]} = asyncio.ensure_future({n["fn"]}(url, {n["loop"]}))
    done, {n["pending"]} = await asyncio.wait([asyncio.create_task({n["fn"]}(url, {n["loop"]}))], timeout=1)
    await asyncio.wait([asyncio.create_task({n["fn"]}(url, {n["loop"]}))], timeout=1)
    {n["pending"]}_all = [asyncio.create_task({n["fn"]}(url, {n["loop"]}))]


async def {n["gen"]}():
    async with aiohttp.ClientSession() as {n["var"]}:
        yield {n["var"]}


def use(service: {cap["svc"]}, {n["var"]}):
    getattr(service, "{n["attr"]}_old")
    return service.{n["attr"]}s_x, service.{n["attr"]}_old, {n["var"]}.{n["svc"]}.{n["attr"]}_old
'''


def test_long_names_are_shortened_in_every_rule(tmp_path: Path) -> None:
    program = long_program()
    svc = f"svc_{LONG}_{LONG}".title().replace("_", "")
    attr = f"attr_{LONG}_{LONG}"
    (tmp_path / "pyproject.toml").write_text(
        "[tool.tradelint]\npreview = true\nrenames-unknown-receivers = true\n"
        f'renames = {{ "app.{svc}.{attr}_old" = "{attr}_new" }}\n',
        encoding="utf-8",
    )
    path = tmp_path / "app.py"
    path.write_text(program, encoding="utf-8")
    findings = check_paths([path], select=["ALL"], preview=True)
    codes = {f.code for f in findings}
    assert {"TRD101", "TRD102", "TRD103", "TRD201", "TRD202", "TRD203", "TRD204", "TRD301", "TRD302", "TRD303",
            "TRD304", "TRD401", "TRD402", "TRD403"} <= codes, sorted(codes)
    assert_fit(findings)
    # Shortened in the middle: both ends of each name stay.
    assert any("_goes_on`" in f.message and "..." in f.message for f in findings)


def test_unparsable_files(tmp_path: Path) -> None:
    (tmp_path / "syntax.py").write_text("def f(:\n    pass\n", encoding="utf-8")
    (tmp_path / "latin.py").write_bytes(b"x = '\xff'\n")
    (tmp_path / "nul.py").write_bytes(b"x = 1\x00\n")
    os.symlink(tmp_path / ("missing_" + "x" * 200 + ".py"), tmp_path / "link.py")
    findings = check_paths(sorted(tmp_path.glob("*.py")))
    assert sorted(f.code for f in findings) == ["TRD001"] * 4
    assert_fit(findings)
    link = next(f for f in findings if f.path.endswith("link.py"))
    assert link.message.startswith("cannot read file: broken symbolic link to '") and "..." in link.message


def test_fit_cuts_the_longest_names_in_the_middle() -> None:
    assert fit("`{a}` and `{b}`", a="short", b="x") == "`short` and `x`"
    long = "driftpy.drift_client.DriftClient.get_perp_market_account" * 3
    text = fit("`{a}` is `{b}`; use `{a}`", a=long, b="Vat")
    assert MESSAGE_LIMIT - 2 <= len(text) <= MESSAGE_LIMIT  # each use of `a` gives up its share
    assert text.startswith("`driftpy.drift_clien...") and "...erp_market_account` is `Vat`" in text
    # Two long names share the cut; none goes below MIN_NAME.
    both = fit("{a} {b}", a="a" * 80, b="b" * 80)
    assert len(both) <= MESSAGE_LIMIT and abs(both.index(" ") - (len(both) - both.index(" ") - 1)) <= 1
    assert len(fit("{a}" + "-" * 120, a="a" * 50)) == 120 + MIN_NAME
    assert fit("{a}", a="a multi-line\n    expression") == "a multi-line expression"
    assert len(fit_help("{a}", a="h" * 500)) == HELP_LIMIT
    assert elide("abcdefghij", 7) == "ab...ij"
