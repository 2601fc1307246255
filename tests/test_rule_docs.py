"""Rule documentation: sections, incidents, runnable examples, ``tradelint rule``/``rules`` and
the generated ``docs/rules.md``."""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest

from tradelint.cli import run
from tradelint.core.config import Config, config_for, parse_config
from tradelint.runner.engine import Checker
from tradelint.core.registry import ENGINE_CODES, all_rules
from tradelint.ruledocs import INCIDENTS, DocError, parse_sections, rule_docs, rules_markdown
from tests.conftest import FIXTURES, ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

RULE_CODES = sorted(all_rules())


def _example(code: str, title: str, tmp_path: Path) -> list[str]:
    """Run the section's python block through the engine, with the doc's toml block as config."""
    doc = rule_docs()[code]
    config = Config()
    for section in ("Example", "Use instead"):
        for lang, body in doc.code_blocks(section):
            if lang == "toml":
                config = parse_config(tomllib.loads(body)["tool"]["tradelint"], tmp_path / "pyproject.toml")
    if doc.preview:
        config = replace(config, preview=True)
    blocks = [body for lang, body in doc.code_blocks(title) if lang == "python"]
    assert len(blocks) == 1, f"{code} {title}: expected one python block"
    path = tmp_path / f"{title.replace(' ', '_')}.py"
    path.write_text(blocks[0], encoding="utf-8")
    compile(blocks[0], str(path), "exec")  # the example is real Python
    return [f.code for f in Checker().check_path(path, config)]


@pytest.mark.parametrize("code", RULE_CODES)
def test_example_is_flagged_and_use_instead_is_clean(code: str, tmp_path: Path) -> None:
    assert code in _example(code, "Example", tmp_path)
    assert _example(code, "Use instead", tmp_path) == []


@pytest.mark.parametrize("code", RULE_CODES)
def test_every_rule_links_its_incident(code: str) -> None:
    doc = rule_docs()[code]
    assert doc.incident is not None and doc.incident is INCIDENTS[all_rules()[code].incident or ""]
    assert (ROOT / doc.incident.reproduction).is_dir()
    assert f"Runnable reproduction: `{doc.incident.reproduction}` in the tradelint repository." in doc.markdown()


def test_sections_are_required_in_order() -> None:
    with pytest.raises(DocError, match=r"TRD999: sections are \['What it does', 'Example'\]"):
        parse_sections("TRD999", "## What it does\nx\n\n## Example\ny\n")
    with pytest.raises(DocError, match="TRD999: text before the first '## ' heading"):
        parse_sections("TRD999", "Intro.\n## What it does\nx\n")


def test_fix_availability_matches_the_fixtures() -> None:
    checker = Checker()
    with_fix: dict[str, set[bool]] = defaultdict(set)
    for path in sorted(FIXTURES.rglob("*.py")):
        for finding in checker.check_path(path, config_for(path)):
            with_fix[finding.code].add(finding.fix is not None)
    expected = {"always": {True}, "sometimes": {True, False}, "none": {False}}
    for code, cls in all_rules().items():
        assert with_fix[code] == expected[cls.fix_availability], code


def test_docs_rules_md_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    stored = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert stored == rules_markdown(), "docs/rules.md is stale: run `tradelint rule --all > docs/rules.md`"
    assert run(["rule", "--all"]) == 0
    assert capsys.readouterr().out == stored
    # Its links to the incidents' reproductions resolve from docs/.
    links = re.findall(r"\]\((\.\./[^)]+)\)", stored)
    assert len(links) == len(RULE_CODES)
    assert all((ROOT / "docs" / link).resolve().is_dir() for link in links)
    anchors = re.findall(r"\]\(#([^)]+)\)", stored)
    headings = {
        re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in re.findall(r"^## (.+)$", stored, re.MULTILINE)
    }
    assert len(anchors) == len(rule_docs()) and set(anchors) <= headings


def test_rule_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["rule", "TRD301"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "# discarded-task (TRD301)\n\nFamily: asyncio tasks (TRD3xx). Fix is sometimes available.\n\n"
        "## What it does\nFlags a task whose creation result is thrown away:"
    )
    assert (
        "\n## Example\n```python\nimport asyncio\n\nspawn = asyncio.ensure_future\n\nasync def start():\n"
        "    asyncio.create_task(poll())\n    asyncio.gather(refresh_prices(), refresh_orders())\n"
        "    spawn(heartbeat())\n```\n"
    ) in out
    assert out.endswith(
        "## Incident\nIncident 002, \"Unclosed client session\" and \"Task was destroyed but it is pending!\": "
        f"{INCIDENTS['002'].summary} Runnable reproduction: `fixtures/incidents/002_context_service_program/` "
        "in the tradelint repository.\n"
    )
    assert run(["rule", "discarded-task"]) == 0
    assert capsys.readouterr().out == out
    assert run(["rule", "trd301"]) == 0
    assert capsys.readouterr().out == out
    assert run(["rule", "TRD001"]) == 0
    assert capsys.readouterr().out.startswith("# unparsable-file (TRD001)\n\nFamily: engine (TRD0xx). No automatic fix.\n")


def test_rule_command_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["rule", "discarded-tasks"]) == 2
    assert capsys.readouterr().err == "tradelint: error: unknown rule 'discarded-tasks'; did you mean 'discarded-task'?\n"
    assert run(["rule", "XYZ"]) == 2
    assert capsys.readouterr().err == "tradelint: error: unknown rule 'XYZ'\n"


def test_rules_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    width = max(len(d.name) for d in rule_docs().values())
    assert lines[0] == "code    " + "name".ljust(width) + "  family               fix        preview"
    assert len(lines) == 1 + len(rule_docs())
    expected = {
        "TRD001": ("unparsable-file", "engine", "none"),
        "TRD101": ("dataclass-constant-without-classvar", "dataclass constants", "sometimes"),
        "TRD102": ("dataclass-field-overridden-by-class-attribute", "dataclass constants", "sometimes"),
        "TRD203": ("resource-created-at-import-time", "async resources", "none"),
        "TRD301": ("discarded-task", "asyncio tasks", "sometimes"),
        "TRD401": ("renamed-attribute", "renamed attributes", "sometimes"),
        "TRD402": ("renamed-attribute-unproven-receiver", "renamed attributes", "none"),
        "TRD403": ("misspelled-attribute", "renamed attributes", "none       yes"),
    }
    for code, (name, family, fix) in expected.items():
        assert f"{code}  {name.ljust(width)}  {family.ljust(19)}  {fix}" in lines
    assert [line[:6] for line in lines[1:]] == sorted(set(RULE_CODES) | set(ENGINE_CODES))
