"""Every code block of README.md is exercised: shell commands are run (in a scratch project made
of the README's own Python blocks), console transcripts are compared with the real output, TOML
goes to the config loader and to the tool it configures, the flake8 INI to flake8, the pre-commit
YAML to pre-commit. The two set-up commands are checked word for word."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tradelint.core.config import parse_config
from tests.conftest import ROOT
from tests.precommit import environment, git_repo, installed_dependencies, local_config, manifest_hooks, pre_commit

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
HEADING = re.compile(r"^##+ (.+)$", re.MULTILINE)

SETUP = [
    "python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/tradelint --statistics fixtures/",
    'python3 -m venv .venv && .venv/bin/pip install -q --no-compile -e ".[test]" && .venv/bin/pip install -q --no-compile --no-deps "driftpy==0.8.89" '
    '&& .venv/bin/python -m pytest -q -n auto && .venv/bin/python -m pytest -q -n auto -m slow',
]

# Every shell command of the README (its comment dropped) and its exit code in the scratch
# project; commands of one block run in order, in one copy of the project.
COMMANDS = {
    "tradelint src/": 1,
    "tradelint --output-format concise src/": 1,
    "tradelint --output-format json src/": 1,
    "tradelint --statistics src/": 1,
    "tradelint --quiet src/": 1,
    "tradelint --select TRD3 --ignore TRD303 src/": 1,
    "tradelint --extend-select TRD403 --exit-zero src/": 0,
    "cat src/service.py | tradelint --stdin-filename src/service.py -": 1,
    "flake8 --select TRD src/": 1,
    "tradelint --jobs 1 src/": 1,
    "tradelint --output-file reports/lint.txt src/": 1,
    "tradelint --extend-exclude \"legacy_*.py,generated\" src/": 1,
    "tradelint --per-file-ignores \"src/service.py:TRD301\" src/": 0,
    "tradelint --no-respect-gitignore src/": 1,
    "tradelint --output-format github src/": 1,
    "tradelint --output-format sarif src/ > tradelint.sarif": 1,
    "tradelint --output-format gitlab src/ > gl-code-quality-report.json": 1,
    "tradelint --output-format junit src/ > tradelint-junit.xml": 1,
    "tradelint --output-format rdjson src/ > tradelint.rdjson": 1,
    "tradelint --output-format azure src/": 1,
    "tradelint --output-format pylint src/": 1,
    "tradelint --output-format json-lines src/": 1,
    "tradelint --output-format grouped src/": 1,
    "tradelint --diff src/": 1,
    "tradelint --fix src/": 0,
    "tradelint --fix --unsafe-fixes src/": 0,
    "tradelint --fix --show-fixes src/": 0,
    "tradelint --fix --exit-non-zero-on-fix src/": 0,  # the two commands above fixed everything
    "tradelint --fix-only src/": 0,
    "tradelint --extend-select TRD003 --fix src/": 0,
    "tradelint --add-noqa src/": 0,
    "tradelint rule TRD301": 0,
    "tradelint rules": 0,
    "tradelint config src/service.py": 0,
    "ruff check --extend-select RUF100,RUF102 --fix src/": 0,
    "pre-commit install": 0,
    "pre-commit run --all-files": 1,  # the fixing hook changes src/service.py
}
NOQA_FILE = "import asyncio\n\n\nasync def f(g):\n    asyncio.create_task(g())  # noqa: TRD301\n"


def blocks() -> list[tuple[str, str, str]]:
    """(language, body, section heading) of every fenced block, in order."""
    found = []
    for match in FENCE.finditer(README):
        headings = HEADING.findall(README, 0, match.start())
        found.append((match["lang"], match["body"], headings[-1] if headings else ""))
    return found


def blocks_of(lang: str, section: str | None = None) -> list[str]:
    return [body for lng, body, heading in blocks() if lng == lang and (section is None or heading == section)]


def commands(body: str) -> list[str]:
    return [re.sub(r"\s+#\s.*$", "", line).strip() for line in body.splitlines() if line.strip()]


def env() -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), environ.get("PATH", "")])
    environ["RUFF_NO_CACHE"] = "true"
    return environ


def project(tmp_path: Path) -> Path:
    """A scratch project of the README's Python blocks, each at the path its first line names."""
    root = tmp_path / "project"
    for body in blocks_of("python"):
        first = body.partition("\n")[0]
        assert first.startswith("# "), f"a README python block must start with its path: {first!r}"
        path = root / first[2:].strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")  # the path comment stays: line numbers as shown
    return root


def bash(command: str, cwd: Path, environ: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, capture_output=True, text=True, env=environ or env(), timeout=300
    )


def test_every_block_is_of_a_known_kind_and_every_command_has_an_expectation() -> None:
    kinds = [lang for lang, _, _ in blocks()]
    # json and lua: the editor set-up, exercised by tests/test_server.py.
    assert set(kinds) == {"sh", "python", "console", "toml", "ini", "yaml", "json", "lua"}, kinds
    in_readme = [c for body in blocks_of("sh") for c in commands(body)]
    assert sorted(set(in_readme) - set(SETUP)) == sorted(COMMANDS)
    assert len(in_readme) == len(set(in_readme))


def test_setup_commands_word_for_word() -> None:
    assert [c for body in blocks_of("sh", "Set-up: two commands") for c in commands(body)] == SETUP
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[-1] == SETUP[1]  # CI runs the second one
    # The first installs what the test run already has installed; its last step, run here:
    proc = bash("tradelint --statistics --no-cache fixtures/", ROOT)
    assert proc.returncode == 1, proc.stderr
    assert len(proc.stdout.splitlines()) < 40  # readable: counts per rule, not every finding
    # The README's numbers are this run's: with the test extras, of which web3 and driftpy
    # (installed on its own by the second command) are read by TRD404 and the rename packs;
    # without them, the bare install's. Between the two only with some of them.
    from importlib.util import find_spec

    bare, files, with_extras = stated_fixture_counts()
    installed = [find_spec(name) is not None for name in ("web3", "driftpy")]
    if all(installed) or not any(installed):
        expected = str(with_extras if all(installed) else bare)
    else:
        found = re.search(r": (\d+) findings", proc.stdout.splitlines()[-1])
        assert found is not None and bare < int(found[1]) < with_extras
        expected = found[1]
    assert re.fullmatch(
        rf"Checked {files} files in \d+\.\d\ds: {expected} findings, .*\.", proc.stdout.splitlines()[-1]
    ), proc.stdout.splitlines()[-1]


def test_the_long_command_is_the_test_install_then_the_long_tests() -> None:
    """``.ci/long``, which the set-up section names, makes the environment the test command makes
    and runs the tests marked ``long``, which neither step of the suite runs (``addopts``)."""
    assert "`.ci/long`" in README.split("## Set-up: two commands", 1)[1].split("\n## ", 1)[0]
    install = SETUP[1].split(" && .venv/bin/python -m pytest", 1)[0]
    ci = (ROOT / ".ci" / "long").read_text(encoding="utf-8").splitlines()
    assert ci[-1] == install + " && .venv/bin/python -m pytest -q -n auto -m long"
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert options["addopts"] == "-m 'not slow and not long'"
    assert sorted(marker.split(":")[0] for marker in options["markers"]) == ["long", "slow"]


def stated_fixture_counts() -> tuple[int, int, int]:
    """(findings in a bare install, files, findings with the test extras) as the README states them."""
    found = re.search(
        r"The fixtures hold (\d+) findings in (\d+) files.*?with the test extras below installed it is\s+(\d+):",
        README,
        re.DOTALL,
    )
    assert found is not None, "the set-up section must state the fixtures' counts"
    return int(found[1]), int(found[2]), int(found[3])


def _runtime_dependencies(into: Path) -> None:
    """Links in ``into`` to what ``pip install .`` would install besides tradelint (libcst and
    its own dependencies, tomli before 3.11), taken from this environment: no network in tests."""
    for dist in installed_dependencies("tradelint"):
        tops = {Path(str(file)).parts[0] for file in dist.files or [] if not str(file).startswith("..")}
        for top in tops - {"__pycache__"}:
            source = Path(str(dist.locate_file(top)))
            if source.exists() and not (into / top).exists():
                (into / top).symlink_to(source)


@pytest.mark.slow
def test_readme_fixture_count_in_a_bare_install(tmp_path: Path) -> None:
    """The README's first command, offline: this checkout's tracked files built into a wheel,
    installed into a fresh virtual environment with its runtime dependencies only (not the test
    extras: TRD404 reads installed libraries), then ``tradelint --statistics fixtures/``."""
    import venv

    source = tmp_path / "clone"
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", str(wheels), str(source)],
        check=True, capture_output=True,
    )
    fresh = tmp_path / ".venv"
    # No pip of its own (ensurepip: 6 s of a core): this environment's pip installs into it.
    venv.create(fresh, with_pip=False)
    clean = {k: v for k, v in env().items() if k != "PYTHONPATH"}
    [wheel] = wheels.iterdir()
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(fresh / "bin" / "python"), "install", "-q", "--no-deps",
         "--no-index", str(wheel)],
        check=True, capture_output=True, env=clean,
    )
    deps = tmp_path / "deps"
    deps.mkdir()
    _runtime_dependencies(deps)
    purelib = subprocess.run(
        [str(fresh / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True, env=clean,
    ).stdout.strip()
    (Path(purelib) / "runtime_deps.pth").write_text(f"{deps}\n", encoding="utf-8")
    proc = subprocess.run(
        [str(fresh / "bin" / "tradelint"), "--statistics", "--no-cache", "fixtures/"],
        cwd=source, capture_output=True, text=True, env=clean, timeout=600,
    )
    assert proc.returncode == 1, proc.stderr
    bare, files, _ = stated_fixture_counts()
    assert re.fullmatch(rf"Checked {files} files in \d+\.\d\ds: {bare} findings, .*\.", proc.stdout.splitlines()[-1]), (
        proc.stdout
    )


@pytest.mark.parametrize("section", sorted({h for lang, _, h in blocks() if lang == "sh"} - {"Set-up: two commands"}))
def test_shell_blocks(section: str, tmp_path: Path) -> None:
    root = project(tmp_path)
    environ = env()
    if section == "With ruff":
        (root / "pyproject.toml").write_text(blocks_of("toml", "With ruff")[0], encoding="utf-8")
        (root / "src" / "noqa.py").write_text(NOQA_FILE, encoding="utf-8")
    if section == "With pre-commit":
        environ = {**environment(tmp_path / "home"), "RUFF_NO_CACHE": "true"}
        git_repo(root, environ)
        user_hooks = yaml.safe_load(blocks_of("yaml", "With pre-commit")[0])["repos"][0]["hooks"]
        (root / ".pre-commit-config.yaml").write_text(local_config(user_hooks), encoding="utf-8")
        bash("git add -A", root, environ)
    for body in blocks_of("sh", section):
        for command in commands(body):
            proc = bash(command, root, environ)
            assert proc.returncode == COMMANDS[command], f"{command}\n{proc.stdout}\n{proc.stderr}"
            if command.endswith("> tradelint.sarif"):
                assert json.loads((root / "tradelint.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
            if command == "tradelint --fix src/":
                assert "_keep_task(asyncio.create_task(poll()))" in (root / "src" / "service.py").read_text()
            if command.startswith("ruff check"):
                # lint.external kept the comment that RUF102's fix would otherwise delete.
                assert (root / "src" / "noqa.py").read_text(encoding="utf-8") == NOQA_FILE
            if command == "pre-commit run --all-files":
                assert "tradelint (fix)" in proc.stdout and "- files were modified by this hook" in proc.stdout
                assert bash(command, root, environ).returncode == 0  # fixed: the next run passes


def test_ruff_strips_tradelint_noqa_without_the_readme_setting(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "src" / "noqa.py").write_text(NOQA_FILE, encoding="utf-8")
    proc = bash("ruff check --extend-select RUF100,RUF102 --fix src/", root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (root / "src" / "noqa.py").read_text(encoding="utf-8") == NOQA_FILE.replace("  # noqa: TRD301", "")


def test_console_transcripts(tmp_path: Path) -> None:
    root = project(tmp_path)
    transcripts = blocks_of("console")
    assert transcripts
    for body in transcripts:
        first, _, expected = body.partition("\n")
        assert first.startswith("$ ")
        proc = bash(first[2:], root)
        assert proc.returncode in (0, 1), proc.stderr
        normalize = lambda text: re.sub(r" in \d+\.\d\ds:", " in 0.00s:", text)  # noqa: E731
        assert normalize(proc.stdout) == normalize(expected)


def test_toml_blocks(tmp_path: Path) -> None:
    # Editors' files (Helix's languages.toml) are tested with the server: pyproject tables here.
    tables = [table for table in map(tomllib.loads, blocks_of("toml")) if "tool" in table]
    tools = [next(iter(t["tool"])) for t in tables]
    assert sorted(tools) == ["mypy", "ruff", "tradelint"]
    for table in tables:
        if "tradelint" in table["tool"]:
            # The block's task-keeper must name a function of the project: give it one.
            (tmp_path / "myapp").mkdir(exist_ok=True)
            (tmp_path / "myapp" / "__init__.py").write_text("", encoding="utf-8")
            (tmp_path / "myapp" / "tasks.py").write_text(
                "def keep_task(task):\n    return task\n", encoding="utf-8"
            )
            config = parse_config(table["tool"]["tradelint"], tmp_path / "pyproject.toml")
            assert config.ignore == ("TRD203",) and len(config.renames) == 2
        if "ruff" in table["tool"]:
            assert table["tool"]["ruff"]["lint"]["external"] == ["TRD"]
        if "mypy" in table["tool"]:
            root = project(tmp_path)
            (root / "pyproject.toml").write_text(blocks_of("toml", "With mypy")[0], encoding="utf-8")
            (root / "clean.py").write_text("x: int = 1\n", encoding="utf-8")
            environ = {**env(), "PYTHONPATH": str(ROOT)}
            proc = subprocess.run(
                [sys.executable, "-m", "mypy", "--no-incremental", "clean.py"],
                cwd=root, capture_output=True, text=True, env=environ, timeout=300,
            )
            assert (proc.returncode, proc.stdout) == (0, "Success: no issues found in 1 source file\n"), proc.stderr
            # The plugin is really loaded: a wrong name is an error.
            (root / "pyproject.toml").write_text('[tool.mypy]\nplugins = ["no_such_plugin"]\n', encoding="utf-8")
            broken = subprocess.run(
                [sys.executable, "-m", "mypy", "--no-incremental", "clean.py"],
                cwd=root, capture_output=True, text=True, env=environ, timeout=300,
            )
            assert broken.returncode == 2 and "no_such_plugin" in broken.stdout + broken.stderr


def test_flake8_ini_block(tmp_path: Path) -> None:
    [ini] = blocks_of("ini", "With flake8")
    root = project(tmp_path)
    (root / ".flake8").write_text(ini, encoding="utf-8")
    proc = bash("flake8 src/", root)
    assert proc.returncode == 1
    assert "src/service.py:6:5: TRD301 task from `asyncio.create_task(...)` is discarded; keep it" in proc.stdout
    # Without the README's extend-select, `select` leaves the plugin out.
    (root / ".flake8").write_text(ini.replace("extend-select = TRD\n", ""), encoding="utf-8")
    assert bash("flake8 src/", root).returncode == 0


def test_pre_commit_yaml_block(tmp_path: Path) -> None:
    [body] = blocks_of("yaml", "With pre-commit")
    config = yaml.safe_load(body)
    # No release tag exists to pin (issue 31): the example pins a full commit SHA.
    assert re.fullmatch(r"[0-9a-f]{40}", config["repos"][0]["rev"])
    hooks = config["repos"][0]["hooks"]
    assert [h["id"] for h in hooks] == ["tradelint-fix", "tradelint"]
    assert set(h["id"] for h in hooks) <= set(manifest_hooks())
    path = tmp_path / ".pre-commit-config.yaml"
    path.write_text(body, encoding="utf-8")
    proc = pre_commit(["validate-config", str(path)], tmp_path, environment(tmp_path / "home"))
    assert (proc.returncode, proc.stderr) == (0, "")


def test_readme_links_exist() -> None:
    for target in re.findall(r"\]\(([^)#:]+)\)", README):
        assert (ROOT / target).exists(), target
    assert shutil.which("tradelint", path=env()["PATH"]) is not None
