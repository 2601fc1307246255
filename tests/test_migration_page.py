"""docs/migration.md stays true: every TRD code its mapping names is a rule, every tradelint flag it
names is one `tradelint --help` lists, and its side-by-side example is what ruff and tradelint
print on that file today (ruff is in the test extras; flake8-async is not, so its line is text)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tradelint.core.registry import all_rules

PAGE = (ROOT / "docs" / "migration.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


def section(title: str) -> str:
    start = PAGE.index(f"\n## {title}\n")
    end = PAGE.find("\n## ", start + 1)
    return PAGE[start : end if end != -1 else len(PAGE)]


def table_column(text: str, column: int) -> list[str]:
    rows = [line for line in text.splitlines() if line.startswith("|")][2:]  # past header and rule
    return [row.strip("|").split("|")[column].strip() for row in rows]


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environ["PYTHONPATH"] = str(ROOT)
    environ["RUFF_NO_CACHE"] = "true"
    return subprocess.run([sys.executable, "-m", *args], check=False, cwd=cwd, capture_output=True, text=True, env=environ, timeout=300)


def normalize(output: str) -> str:
    return re.sub(r" in \d+\.\d\ds:", " in 0.00s:", output)


def test_every_trd_code_of_the_mapping_is_a_rule() -> None:
    named = set(re.findall(r"TRD\d{3}", " ".join(table_column(section("Rule mapping"), 1))))
    assert named == {"TRD101", "TRD102", "TRD103", "TRD301", "TRD302", "TRD303", "TRD304", "TRD305"}
    assert named <= set(all_rules())


def test_every_tradelint_flag_the_page_names_is_in_help(tmp_path: Path) -> None:
    help_text = run(["tradelint", "--help"], tmp_path).stdout
    listed = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])\b", help_text))
    column = table_column(section("Command-line flags"), 1)
    in_table = {flag for cell in column for flag in re.findall(r"`(--?[a-z][a-z-]*)", cell)}
    in_commands = {
        flag
        for match in FENCE.finditer(PAGE)
        if match["lang"] == "sh"
        for line in match["body"].splitlines()
        if line.strip().startswith("tradelint ")
        for flag in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", line)
    }
    assert len(in_table) >= 20
    assert in_table | in_commands <= listed, sorted((in_table | in_commands) - listed)


def test_side_by_side_example_is_what_both_tools_print(tmp_path: Path) -> None:
    text = section("One file, both tools")
    blocks = {m["lang"]: m["body"] for m in FENCE.finditer(text) if m["lang"] != "console"}
    transcripts = [m["body"] for m in FENCE.finditer(text) if m["lang"] == "console"]
    (tmp_path / "side.py").write_text(blocks["python"], encoding="utf-8")
    assert len(transcripts) == 2
    for body in transcripts:
        first, _, expected = body.partition("\n")
        command = first.removeprefix("$ ").split()
        proc = run(command, tmp_path)
        assert proc.returncode == 1, proc.stderr
        assert normalize(proc.stdout) == normalize(expected), command


def test_compare_tools_matches_by_file_and_line(tmp_path: Path) -> None:
    apps, out = tmp_path / "apps", tmp_path / "out"
    (apps / "o+a").mkdir(parents=True)
    out.mkdir()
    path = str(apps / "o+a" / "m.py")
    ruff = [{"code": c, "filename": path, "location": {"row": r}} for c, r in (("RUF006", 3), ("RUF006", 9), ("RUF012", 20))]
    trd = [{"code": c, "path": path, "line": r} for c, r in (("TRD301", 3), ("TRD301", 5), ("TRD303", 7), ("TRD101", 20))]
    (out / "ruff_o+a.json").write_text(json.dumps(ruff), encoding="utf-8")
    (out / "trd_o+a.json").write_text(json.dumps(trd), encoding="utf-8")
    (out / "fa_o+a.txt").write_text("o+a/m.py:3:5:ASYNC300:asyncio.create_task() called without saving the result\n")
    (tmp_path / "apps.txt").write_text("o+a\n", encoding="utf-8")
    script = ROOT / "benchmarks" / "compare_tools.py"
    proc = subprocess.run([sys.executable, str(script), str(out), str(apps), str(tmp_path / "apps.txt")],
                          check=False, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "1 applications; flake8-async ran on 1",
        "RUF006 vs TRD301-303: both 1, only the other tool 1, only tradelint 2",
        "  both: {'TRD301': 1}",
        "  only the other tool: {'RUF006': 1}",
        "  only tradelint: {'TRD301': 1, 'TRD303': 1}",
        "RUF008/RUF009/RUF012 vs TRD101/TRD102: both 1, only the other tool 0, only tradelint 0",
        "  both: {'TRD101': 1}",
        "  only the other tool: {}",
        "  only tradelint: {}",
        "ASYNC300 vs TRD301-303 (the 1 with flake8-async): both 1, only the other tool 0, only tradelint 2",
        "  both: {'TRD301': 1}",
        "  only the other tool: {}",
        "  only tradelint: {'TRD301': 1, 'TRD303': 1}",
        "ASYNC300 vs RUF006 (the 1 with flake8-async): both 1, only ASYNC300 0, only RUF006 1",
        "  both: {'RUF006': 1}",
        "  only ASYNC300: {}",
        "  only RUF006: {'RUF006': 1}",
        "totals: {'ASYNC300': 1, 'RUF006': 2, 'RUF012': 1, 'TRD101': 1, 'TRD301': 2, 'TRD303': 1}",
    ]


def test_ruff_flags_the_page_names_are_ruffs(tmp_path: Path) -> None:
    text = section("Command-line flags")
    ruff_help = run(["ruff", "check", "--help"], tmp_path).stdout
    tradelint_help = run(["tradelint", "--help"], tmp_path).stdout
    mapped = {flag for cell in table_column(text, 0) for flag in re.findall(r"`(--[a-z][a-z-]*)", cell)}
    missing = set(re.findall(r"`(--[a-z][a-z-]*)`", text.partition("ruff flags tradelint does not have:")[2]))
    assert len(mapped) >= 20 and len(missing) >= 10
    for flag in mapped | missing:
        assert re.search(rf"(?<![\w-]){flag}\b", ruff_help), flag
    for flag in missing:
        assert not re.search(rf"(?<![\w-]){flag}\b", tradelint_help), flag


def test_side_by_side_configuration_is_read_by_both(tmp_path: Path) -> None:
    toml = next(m["body"] for m in FENCE.finditer(section("Side by side")) if m["lang"] == "toml")
    (tmp_path / "pyproject.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "t.py").write_text("import asyncio\n\n\nasync def f(g):\n    asyncio.create_task(g())  # noqa: TRD301\n")
    config = run(["tradelint", "config", "tests/t.py"], tmp_path)
    assert config.returncode == 0, config.stderr
    assert '"tests/*" = ["TRD3"]' in config.stdout, config.stdout
    assert run(["tradelint", "tests/"], tmp_path).returncode == 0  # per-file-ignores
    ruff = run(["ruff", "check", "--extend-select", "RUF100,RUF102", "tests/"], tmp_path)
    assert ruff.returncode == 1, ruff.stdout + ruff.stderr  # RUF006: ruff does not read tradelint's per-file-ignores
    assert "RUF006" in ruff.stdout and "RUF100" not in ruff.stdout and "RUF102" not in ruff.stdout, ruff.stdout
