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


WORD = re.compile(r"\w+")


def droppable(message: str) -> list[str]:
    """The quoted names of ``message`` that still have a whole token to give up: more than their
    first and last identifiers."""
    return [name for name in re.findall(r"`([^`]*)`", message) if len(WORD.findall(name)) > 2]


def problems(finding: Finding, whole_names_may_overflow: bool = False) -> list[str]:
    """What is wrong with a finding's text. Over the limit is wrong unless no quoted name has a
    token left to drop (identifiers are never cut), or, for names of 80 characters and more
    (``whole_names_may_overflow``), at all."""
    found = []
    if (
        len(finding.message) > MESSAGE_LIMIT
        and not whole_names_may_overflow
        and (droppable(finding.message) or "`" not in finding.message)
    ):
        found.append(f"message of {len(finding.message)} characters")
    if "\n" in finding.message:
        found.append("message of several lines")
    if not finding.help:
        found.append("no help")
    else:
        too_long = len(finding.help) > HELP_LIMIT and droppable(finding.help) and not whole_names_may_overflow
        if too_long or "\n" in finding.help:
            found.append(f"help of {len(finding.help)} characters")
        run = shared_run(finding.message, finding.help)
        if len(run) >= RESTATED_WORDS:
            found.append(f"help repeats {' '.join(run)!r}")
    return found


def assert_fit(findings: list[Finding], whole_names_may_overflow: bool = False) -> None:
    bad = [
        (f"{f.path}:{f.line} {f.code}", f.message, f.help, problems(f, whole_names_may_overflow))
        for f in findings
        if problems(f, whole_names_may_overflow)
    ]
    assert bad == []


@pytest.fixture(scope="module")
def tree_findings() -> list[Finding]:
    files = sorted([*FIXTURES.rglob("*.py"), *(ROOT / "tests" / "data").rglob("*.py")])
    # Each file with its own configuration (renames, packs, task keepers), every rule selected.
    return check_paths(files, select=["ALL"], preview=True)


@pytest.mark.slow
def test_every_finding_of_the_fixtures_and_test_programs_fits(tree_findings: list[Finding]) -> None:
    assert len(tree_findings) > 400
    assert_fit(tree_findings)


@pytest.mark.slow
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
    assert_fit(findings, whole_names_may_overflow=True)
    # Shortened in the middle between whole tokens: every identifier shown is one of the program's.
    assert any("..." in f.message for f in findings)
    identifiers = set(WORD.findall(program)) | {"self", "close", "aclose"}
    for finding in findings:
        for name in re.findall(r"`([^`]*\.\.\.[^`]*)`", finding.message):
            assert set(WORD.findall(name)) <= identifiers, (finding.message, name)


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


def test_fit_drops_whole_tokens_from_the_middle_of_the_longest_names() -> None:
    assert fit("`{a}` and `{b}`", a="short", b="x") == "`short` and `x`"
    long = ".".join(["driftpy.drift_client.DriftClient.get_perp_market_account"] * 3)
    text = fit("`{a}` is `{b}`; use `{a}`", a=long, b="Vat")
    assert text == (
        "`driftpy...get_perp_market_account` is `Vat`; use `driftpy...get_perp_market_account`"
    )
    assert len(text) <= MESSAGE_LIMIT
    # Two long names share the cut.
    a = ".".join(f"a{i}" for i in range(40))
    b = ".".join(f"b{i}" for i in range(40))
    assert fit("{a} {b}", a=a, b=b) == (
        "a0.a1.a2.a3...a31.a32.a33.a34.a35.a36.a37.a38.a39 b0.b1.b2.b3...b31.b32.b33.b34.b35.b36.b37.b38.b39"
    )
    assert fit("{a}", a="a multi-line\n    expression") == "a multi-line expression"
    assert fit_help("{a}", a=" ".join(["word"] * 100)) == "word..." + " ".join(["word"] * 22)
    assert len(fit_help("{a}", a=" ".join(["word"] * 100))) <= HELP_LIMIT


def test_an_identifier_is_never_cut() -> None:
    # Issue 31: `self._gate..._task` named nothing; an identifier stays whole, even past the limit.
    assert elide("self._gateway_heartbeat_task", 12) == "self._gateway_heartbeat_task"
    assert elide("abcdefghij", 7) == "abcdefghij"
    assert fit("`{a}`" + "-" * 120, a="a" * 50) == "`" + "a" * 50 + "`" + "-" * 120
    # A dot or a bracket never sits beside the elision; the first and last identifiers stay.
    assert elide("load_vat(dc, None, None).spot_map", 20) == "load_vat...spot_map"
    assert elide("self.feeds.binance.client.session", 24) == "self...client.session"
    assert elide("self.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z", 20) == "self...t.u.v.w.x.y.z"
    # Nothing fits: all that may go goes, the ends stay whole.
    assert elide("first_long_identifier.middle.last_long_identifier", 10) == "first_long_identifier...last_long_identifier"
    assert len(fit("`{a}`", a="x" * 40 + ".y" * 40)) <= MESSAGE_LIMIT
