"""Rule documentation, read from the rule classes' docstrings.

One source for ``tradelint rule``, ``tradelint rules``, the SARIF rule descriptors and the
generated ``docs/rules.md``; the docstrings' examples are run by the tests.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from functools import lru_cache

from tradelint.core.registry import ENGINE_CODES, ENGINE_NAMES, FixAvailability, all_rules, family
from tradelint.facts.unreachable import JUDGED_FAMILIES

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety")

CODE_BLOCK = re.compile(r"^```(?P<lang>[\w-]*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


class DocError(Exception):
    pass


@dataclass(frozen=True)
class Incident:
    number: str
    title: str
    summary: str
    reproduction: str  # folder in the repository, runnable by tests/test_incidents.py


INCIDENTS = {
    "000": Incident(
        "000",
        "`'Vat' object has no attribute 'spot_map'`",
        "A risk dashboard kept failing after `Vat.spot_map` had been renamed `spot_markets`: one "
        "reader still used the old name, and the `AttributeError` looked like a pickling or state "
        "problem, so it took hours to find.",
        "fixtures/incidents/000_vat_program/",
    ),
    "001": Incident(
        "001",
        "empty cache key",
        "A mobile dashboard showed no data: `CACHE_KEY: str = \"\"` in a dataclass base made the key an "
        "instance field, so every `SignalsSchema` instance carried `\"\"` instead of "
        "`\"analysis:signals\"` and memcached rejected every write (`invalid key: b''`).",
        "fixtures/incidents/001_cache_key_program/",
    ),
    "002": Incident(
        "002",
        "\"Unclosed client session\" and \"Task was destroyed but it is pending!\"",
        "A trading service's tests failed with both warnings: `ContextService.startup()` created an "
        "`aiohttp.ClientSession` and a backfill task, and `shutdown()` neither closed the one nor "
        "cancelled the other.",
        "fixtures/incidents/002_context_service_program/",
    ),
}

FIX_AVAILABILITY_TEXT = {
    "always": "Fix is always available.",
    "sometimes": "Fix is sometimes available.",
    "none": "No automatic fix.",
}


PREVIEW_TEXT = (
    " Preview rule: it runs only with `preview = true` in `[tool.tradelint]`, `--preview`, or"
    " `{code}` selected by its full code."
)


# Every rule of ``JUDGED_FAMILIES`` says what happens when code runs (tradelint/facts/unreachable.py).
UNCALLED_TEXT = """\
Not in a method an application never runs. In a Home Assistant integration, or a project that no
`setup.py`, `setup.cfg` or `pyproject.toml` (`[project]`, `[tool.poetry]` with a `[build-system]`,
packaging not turned off) makes a library, a
method is not judged when nothing in the project can run it: no file names its class outside the
class itself (no import, no call, no base, no string; unless a base defines `__init_subclass__`),
or none names the method (no call, no bound method handed on, no string, no comment; a `def` of
the same name elsewhere is no mention, nor is the method's own body: one that only reschedules
itself is started by nothing) and nothing of the class may reach code that calls a
method by name (`bot.add_cog(Mentions(bot))`): every instance the project makes is only called
methods on, read or tested (given to any call, put in a container, aliased or read in another
module, it may reach one), and the class itself is only called. The class has no decorator or
metaclass, runs no call in its body, and derives, as do its subclasses in the project, only from
first-party classes (a library base may call a method by name); the method has no decorator but
`staticmethod`/`classmethod` and is no dunder; no module of its lineage looks names up
(`getattr` with a computed name, `dir()`, `getmembers()`), none of the project composes one
around a part of the method's name or names `__subclasses__`, and the module is not a test. A
development application's `process_audio()`, left behind when its handler moved on, raced two
tasks that nothing could leave running:
```python
class GeminiApp:
    async def start(self): ...                 # called by the application's entry

    async def process_audio(self, chunk):      # named nowhere in the project
        timeout = asyncio.create_task(asyncio.sleep(3))
        response = asyncio.create_task(self._collect())
        await asyncio.wait([timeout, response], return_when=asyncio.FIRST_COMPLETED)   # not reported
```
Nor in a branch behind a parameter that no call gives (tradelint/facts/unpassed_defaults.py): in
such an application, an `if` whose test is a parameter with a false default (`False`, `None`, `0`,
`""`), alone or as an operand of `and`, never runs its body when the function never assigns the
parameter and every mention of the function's name in the project (tests too, other functions
of that name too) is a call giving it neither by keyword nor by position, none unpacking
`*args` or `**kwargs`, with one such call at least (a function the project never calls is
called by a framework that knows its name, with any argument); the function is a module-level function or a method of a class as above
(first-party lineage, no decorator), and no module composes a name for `getattr`. A development
integration's adapter started a reconnection only when asked, and no caller asked:
```python
class Adapter:
    async def disconnect(self, address, trigger_reconnect=False):
        await self.connected.pop(address).disconnect()
        if trigger_reconnect and self.reconnect_enabled:
            asyncio.create_task(self._reconnect(address))   # not reported: every call is `disconnect(address)`
```
Nor in a module that cannot be imported (tradelint/facts/unimportable.py): an import at the top
of the module (not in a `try`, an `if` or a function) from its own folder of a module that is not
there (`from .x import y`: no `x.py`, folder `x` or file `x.*`), not ignored by git (a module the
build writes), in a project without submodules; or a top-level import of a module of the project
that is there and cannot be imported in turn (up to three imports away), or a relative import in
a package whose `__init__.py` cannot be. Importing it raises `ImportError` before any of its code
runs. A trading bot kept three modules importing siblings deleted long ago:
```python
from .hybrid_portfolio_manager import HybridPortfolioManager   # no hybrid_portfolio_manager.py

class BalanceManagerV2:
    async def start(self):
        asyncio.create_task(self._refresh_loop())   # not reported: the module never loads
```
Nor in a module's function that nothing names (tradelint/facts/uncalled_functions.py): defined at
the top of an application's module (not a test, not a package's `__init__.py`), undecorated and
not a dunder, named nowhere in its module outside its `def` but in other functions of the module
that never run in turn, and named by no other file of the project at all (a name several modules
define is a convention a framework calls by name: `setup`, `async_setup_entry`, unless the
project's own code imports the other module's function by name, `from .ema import calculate_ema`,
from a module that imports nothing of this one) but in an import
of it that the importing module never uses, or as a plain name that module binds by importing
another module's function of that name; a module of the
project that is not a test imports the module by an `import` statement (a module nothing imports
is loaded by a framework, by its path, which may call any of its functions), and no module that
holds it, nor the module itself, looks a name up at run time (`getattr(mod, name)`,
`globals()[name]`) or composes one. A trading bot's indicators kept helpers their callers had
stopped calling:
```python
def calculate_atr(candles): ...                # imported and called by the bot

def calculate_atr_percentage(candles):         # named nowhere in the project
    asyncio.create_task(log_atr(candles))      # not reported: never runs
    return calculate_atr(candles) / candles[-1].close
```
`check-uncalled-methods = true` in `[tool.tradelint]` judges such methods, functions, branches and
modules too (for excerpts whose callers and imports are elsewhere)."""


@dataclass(frozen=True)
class RuleDoc:
    code: str
    name: str
    fix_availability: FixAvailability
    incident: Incident | None
    sections: tuple[tuple[str, str], ...]  # (title, markdown body), in SECTIONS order
    preview: bool = False

    @property
    def family(self) -> str:
        return family(self.code)

    def section(self, title: str) -> str:
        return dict(self.sections).get(title, "")

    @property
    def summary(self) -> str:
        """The first sentence of "What it does", on one line."""
        text = " ".join(self.section("What it does").split())
        match = re.match(r"(.+?[.!?])(\s|$)", text)
        return match.group(1) if match else text

    def code_blocks(self, title: str) -> list[tuple[str, str]]:
        return [(m["lang"], m["body"]) for m in CODE_BLOCK.finditer(self.section(title))]

    def markdown(self, level: int = 1, repository_prefix: str = "") -> str:
        """The documentation as Markdown; ``repository_prefix`` makes the incident's path a link
        relative to where the text is stored (``../`` for ``docs/rules.md``)."""
        head = "#" * level
        lines = [
            f"{head} {self.name} ({self.code})",
            "",
            f"Family: {self.family} ({self.code[:4]}xx). {FIX_AVAILABILITY_TEXT[self.fix_availability]}"
            + (PREVIEW_TEXT.format(code=self.code) if self.preview else ""),
            "",
        ]
        for title, body in self.sections:
            lines += [f"{head}# {title}", body, ""]
        if self.incident is not None:
            inc = self.incident
            where = (
                f"[`{inc.reproduction}`]({repository_prefix}{inc.reproduction})"
                if repository_prefix
                else f"`{inc.reproduction}` in the tradelint repository"
            )
            lines += [
                f"{head}# Incident",
                f"Incident {inc.number}, {inc.title}: {inc.summary} Runnable reproduction: {where}.",
                "",
            ]
        return "\n".join(lines).rstrip("\n") + "\n"


def parse_sections(code: str, docstring: str | None) -> tuple[tuple[str, str], ...]:
    """Split a rule docstring on its ``## `` headings; every section of SECTIONS, in order."""
    text = inspect.cleandoc(docstring or "")
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    if parts[0].strip():
        raise DocError(f"{code}: text before the first '## ' heading")
    sections = tuple((title.strip(), body.strip("\n")) for title, body in zip(parts[1::2], parts[2::2]))
    titles = tuple(title for title, _ in sections)
    if titles != SECTIONS:
        raise DocError(f"{code}: sections are {list(titles)}, expected {list(SECTIONS)}")
    return sections


def _engine_doc(code: str) -> RuleDoc:
    what = {
        "TRD001": "Reports a file that cannot be read, decoded or parsed; the run goes on with the other files.",
        "TRD002": "Reports, under flake8, a `[tool.tradelint]` configuration that cannot be used; the "
        "`tradelint` command stops with exit code 2 instead.",
        "TRD003": "Reports a `# noqa: TRD...` code that silences no finding on its line (ruff's RUF100 for "
        "tradelint's codes). Only codes of rules that run on the file are judged, never a bare `# noqa` or "
        "another linter's code. Not in the default selection: `--extend-select TRD003` (or `select` it).",
    }[code]
    why = {
        "TRD001": "A file tradelint cannot parse is a file it cannot check; saying so beats passing it silently.",
        "TRD002": "flake8 has no other way to stop a run: the finding names the file, the key and the problem.",
        "TRD003": "A stale suppression hides the next real finding on that line: a task discarded there "
        "later is never reported.",
    }[code]
    example = {
        "TRD001": "A syntax error, an undecodable byte, or an unknown key.",
        "TRD002": "`selec = [\"TRD\"]` in `[tool.tradelint]`.",
        "TRD003": "```python\ntask = asyncio.create_task(poll())  # noqa: TRD301\n```",
    }[code]
    use_instead = {
        "TRD003": "```python\ntask = asyncio.create_task(poll())\n```",
    }.get(code, "Fix the file or the configuration; the message says what is wrong.")
    safety = "Safe: removes the unused codes, or the directive when none is left." if code == "TRD003" else (
        "No automatic fix."
    )
    return RuleDoc(
        code,
        ENGINE_NAMES[code],
        "always" if code == "TRD003" else "none",
        None,
        (
            ("What it does", what),
            ("Why is this bad?", why),
            ("Example", example),
            ("Use instead", use_instead),
            ("Fix safety", safety),
        ),
    )


@lru_cache(maxsize=None)
def _all_docs() -> tuple[RuleDoc, ...]:
    docs = [_engine_doc(code) for code in sorted(ENGINE_CODES)]
    for code, cls in all_rules().items():
        incident = INCIDENTS[cls.incident] if cls.incident is not None else None
        sections = parse_sections(code, cls.__doc__)
        if code[:4] in JUDGED_FAMILIES:
            sections = tuple((title, f"{body}\n\n{UNCALLED_TEXT}" if title == "What it does" else body) for title, body in sections)
        docs.append(RuleDoc(code, cls.name, cls.fix_availability, incident, sections, cls.preview))
    return tuple(sorted(docs, key=lambda d: d.code))


def rule_docs() -> dict[str, RuleDoc]:
    """Every code, engine codes included, in code order."""
    return {doc.code: doc for doc in _all_docs()}


def rules_markdown() -> str:
    """The content of ``docs/rules.md``."""
    docs = rule_docs()
    out = [
        "# tradelint rules",
        "",
        "Generated from the rule classes' docstrings by `tradelint rule --all > docs/rules.md`;",
        "`tests/test_rule_docs.py` fails when this file is stale.",
        "",
        "| code | name | family | fix | preview |",
        "|---|---|---|---|---|",
    ]
    out += [
        f"| [{d.code}](#{_anchor(d)}) | {d.name} | {d.family} | {d.fix_availability} | {'yes' if d.preview else ''} |"
        for d in docs.values()
    ]
    out.append("")
    for doc in docs.values():
        out.append(doc.markdown(level=2, repository_prefix="../"))
    return "\n".join(out)


def _anchor(doc: RuleDoc) -> str:
    """GitHub's heading anchor for ``## name (CODE)``."""
    return re.sub(r"[^\w\- ]", "", f"{doc.name} ({doc.code})".lower()).replace(" ", "-")
