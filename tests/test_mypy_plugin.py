"""The mypy plugin, run through mypy's API over the packages in ``tests/data/mypy`` and over the
incident-001 fixture: exact reported lines, codes and messages, complete per package (a report
that is not listed fails the test as surely as a missing one)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from mypy import api

from tradelint.core.registry import ENGINE_CODES, all_rules
from mypy_plugin.codes import ERROR_CODES
from tests.conftest import FIXTURES, ROOT
from tests.markers import expected_findings

DATA = ROOT / "tests" / "data" / "mypy"
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<severity>error|note): (?P<message>.*?)(?:  \[(?P<code>[a-z0-9-]+)\])?$")

Report = tuple[str, int, str, str]  # path, line, code, message


@contextmanager
def working_directory(path: Path) -> Iterator[None]:
    # mypy resolves ``-p package`` from the current directory, as a user's run from the project root.
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


@pytest.fixture(scope="session")
def site_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An interpreter whose site-packages hold the fixture distributions in ``site/``: mypy, given
    ``--python-executable``, finds them as it finds any installed package (PEP 561)."""
    env = tmp_path_factory.mktemp("installed") / "venv"
    venv.create(env, with_pip=False, symlinks=os.name != "nt")
    python = env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    shutil.copytree(DATA / "site", purelib, dirs_exist_ok=True)
    return str(python)


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # typeshed is analysed once per session; each fixture package has its own top-level name.
    return tmp_path_factory.mktemp("mypy-cache")


def run_mypy(project: Path, package: str, python: str, cache: Path, *extra: str, config: str = "pyproject.toml") -> list[str]:
    with working_directory(project):
        stdout, stderr, status = api.run(
            [
                "--config-file", config,
                "--python-executable", python,
                "--cache-dir", str(cache),
                "--no-error-summary",
                "--hide-error-context",
                "--show-traceback",
                *extra,
                "-p", package,
            ]
        )
    assert status in (0, 1), f"mypy failed ({status}):\n{stdout}\n{stderr}"
    assert not stderr, stderr
    return stdout.splitlines()


def parse(lines: list[str]) -> list[Report]:
    reports = []
    for line in lines:
        match = LINE.match(line)
        assert match, f"unexpected mypy output line: {line!r}"
        reports.append((match["path"], int(match["line"]), match["code"] or "", match["message"]))
    return sorted(reports)


def tradelint_reports(lines: list[str]) -> list[Report]:
    return [r for r in parse(lines) if r[2].startswith("trd")]


def other_reports(lines: list[str]) -> list[Report]:
    return [r for r in parse(lines) if not r[2].startswith("trd")]


def trd101(name: str, cls: str) -> str:
    return f"`{name}` in dataclass `{cls}` is an instance field; annotate it `ClassVar[...]`"


def trd102(cls: str, name: str, base: str) -> str:
    return f"`{cls}.{name}` is shadowed on instances; make `{base}.{name}` a `ClassVar`"


TRD301 = "task from `{}(...)` is discarded; keep it and await or cancel it"


def trd401(receiver: str, old: str, new: str) -> str:
    return f"`{receiver}.{old}` was renamed: use `{new}`"


def trd401_string(old: str, new: str) -> str:
    return f'`"{old}"` names a renamed attribute: use `"{new}"`'


# -- error codes ---------------------------------------------------------------------------------


def test_every_rule_has_a_mypy_error_code_named_after_it() -> None:
    expected = {code: (code.lower(), rule.name) for code, rule in all_rules().items()}
    expected["TRD002"] = ("trd002", ENGINE_CODES["TRD002"])
    assert {code: (ec.code, ec.description) for code, ec in ERROR_CODES.items()} == expected
    assert {ec.category for ec in ERROR_CODES.values()} == {"tradelint"}


# -- TRD1xx ----------------------------------------------------------------------------------------

SHOP = [
    ("shop/cycle_a.py", 11, "trd101", trd101("KIND", "Node")),
    ("shop/cycle_b.py", 5, "trd102", trd102("Leaf", "KIND", "Node")),
    ("shop/cycle_b.py", 6, "trd102", trd102("Leaf", "weight", "Node")),
    ("shop/schemas.py", 10, "trd101", trd101("CACHE_KEY", "CacheSchema")),
    ("shop/schemas.py", 11, "trd101", trd101("VERSION", "CacheSchema")),
    ("shop/schemas.py", 15, "trd101", trd101("MAX_ITEMS", "CacheSchema")),
    ("shop/schemas.py", 32, "trd102", trd102("LocalOverride", "ttl", "CacheSchema")),
    ("shop/subclasses.py", 12, "trd102", trd102("SignalsSchema", "CACHE_KEY", "CacheSchema")),
    ("shop/subclasses.py", 13, "trd102", trd102("SignalsSchema", "VERSION", "CacheSchema")),
    ("shop/subclasses.py", 21, "trd102", trd102("MarketSchema", "CACHE_KEY", "CacheSchema")),
    ("shop/subclasses.py", 23, "trd101", trd101("SYMBOL", "MarketSchema")),
    ("shop/subclasses.py", 27, "trd102", trd102("Deeper", "CACHE_KEY", "CacheSchema")),
    ("shop/subclasses.py", 35, "trd102", trd102("KeywordOnly", "region", "CacheSchema")),
    ("shop/subclasses.py", 39, "trd102", trd102("Late", "CACHE_KEY", "CacheSchema")),
    ("shop/subclasses.py", 44, "trd102", trd102("Local", "CACHE_KEY", "CacheSchema")),
    ("shop/suppressed.py", 8, "trd102", trd102("Quiet", "VERSION", "CacheSchema")),
    # Bases from installed packages: located by their import path, not by a site-packages path;
    # their makers followed into their source. The stub-only `tickdata.Tick` (no runtime to judge)
    # and the marked `schemalib.models.Struct` (nothing behind the marker) give no finding.
    ("shop/third_party.py", 13, "trd102", trd102("Signals", "CACHE_KEY", "ExternalSchema")),
    ("shop/third_party.py", 17, "trd102", trd102("Feed", "CHANNEL", "Model")),
    ("shop/third_party.py", 18, "trd101", trd101("TOPIC", "Feed")),
    # `Order.SIDE` and `PriceSchema.CACHE_KEY` are passed as keywords in shop/usage.py
    # (`Order(SIDE="sell")`): set per instance, fields by intent, so neither front-end reports them.
    ("shop/third_party.py", 29, "trd101", trd101("VENUE", "Quote")),
]


@pytest.fixture(scope="module")
def shop_output(site_python: str, shared_cache: Path) -> list[str]:
    return run_mypy(DATA / "shop", "shop", site_python, shared_cache)


def test_dataclass_fields_from_any_module_or_installed_package(shop_output: list[str]) -> None:
    assert tradelint_reports(shop_output) == sorted(SHOP)


def test_mypy_keeps_its_own_dataclass_handling(shop_output: list[str], site_python: str, shared_cache: Path, tmp_path: Path) -> None:
    own = [("shop/usage.py", 10, "call-arg", 'Unexpected keyword argument "nope" for "CacheSchema"')]
    assert other_reports(shop_output) == own
    # And the same without the plugin: wrapping mypy's hooks changed nothing mypy itself reports.
    (tmp_path / "mypy.ini").write_text("[mypy]\npython_version = 3.11\n", encoding="utf-8")
    plain = run_mypy(DATA / "shop", "shop", site_python, tmp_path / "cache", config=str(tmp_path / "mypy.ini"))
    assert parse(plain) == own


def test_disable_error_code_silences_one_rule(site_python: str, shared_cache: Path) -> None:
    output = run_mypy(DATA / "shop", "shop", site_python, shared_cache, "--disable-error-code", "trd102")
    assert tradelint_reports(output) == sorted(r for r in SHOP if r[2] != "trd102")


def test_fixing_the_base_clears_its_subclasses_on_a_warm_cache(site_python: str, tmp_path: Path) -> None:
    # The fields come from mypy's record of the base, so mypy's own dependency tracking re-checks
    # the subclasses (unchanged files) when the base changes.
    project = tmp_path / "shop"
    shutil.copytree(DATA / "shop", project)
    cache = tmp_path / "cache"
    before = run_mypy(project, "shop", site_python, cache)
    assert tradelint_reports(before) == sorted(SHOP)
    schemas = project / "shop" / "schemas.py"
    schemas.write_text(
        schemas.read_text(encoding="utf-8").replace('    CACHE_KEY: str = ""', '    CACHE_KEY: ClassVar[str] = ""'),
        encoding="utf-8",
    )
    after = run_mypy(project, "shop", site_python, cache)
    gone = {
        ("shop/schemas.py", 10),
        ("shop/subclasses.py", 12),
        ("shop/subclasses.py", 21),
        ("shop/subclasses.py", 27),
        ("shop/subclasses.py", 39),
        ("shop/subclasses.py", 44),
    }
    assert tradelint_reports(after) == sorted(r for r in SHOP if (r[0], r[1]) not in gone)


def test_incident_001_layout_is_caught_by_mypy_alone(site_python: str, tmp_path: Path) -> None:
    project = FIXTURES / "incidents" / "001_cache_key"
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nplugins = mypy_plugin\npython_version = 3.11\n", encoding="utf-8")
    output = run_mypy(project, "src", site_python, tmp_path / "cache", config=str(config))
    reports = tradelint_reports(output)
    assert reports == [
        ("src/core/schemas/base.py", 19, "trd101", trd101("CACHE_KEY", "CacheSchema")),
        ("src/core/schemas/base.py", 20, "trd101", trd101("VERSION", "CacheSchema")),
        ("src/core/schemas/signals.py", 10, "trd102", trd102("SignalsSchema", "CACHE_KEY", "CacheSchema")),
        ("src/core/schemas/signals.py", 15, "trd102", trd102("MarketOverviewSchema", "CACHE_KEY", "CacheSchema")),
    ]
    # Exactly what the core's markers declare for these files.
    declared = {
        (path.relative_to(project).as_posix(), line, code.lower())
        for path in sorted(project.rglob("*.py"))
        for line, code in expected_findings(path)
    }
    assert {(path, line, code) for path, line, code, _ in reports} == declared


# -- TRD301 ------------------------------------------------------------------------------------------

TASKAPP = [
    ("taskapp/service.py", 28, "trd301", TRD301.format("spawn")),
    ("taskapp/service.py", 29, "trd301", TRD301.format("runtime.spawn")),
    ("taskapp/service.py", 31, "trd301", TRD301.format("self.sup.fire")),
    ("taskapp/service.py", 32, "trd301", TRD301.format("runtime.supervisor().fire")),
    ("taskapp/service.py", 33, "trd301", TRD301.format("Supervisor.detached")),
    ("taskapp/service.py", 36, "trd301", TRD301.format("self.ev.create_task")),
    ("taskapp/service.py", 37, "trd301", TRD301.format("asyncio.create_task")),
    ("taskapp/service.py", 38, "trd301", TRD301.format("asyncio.ensure_future")),
    # Checked by mypy on copies of the function (one per value of the type variable).
    ("taskapp/service.py", 56, "trd301", TRD301.format("asyncio.create_task")),
]


def test_discarded_tasks_by_type(site_python: str, shared_cache: Path) -> None:
    output = run_mypy(DATA / "taskapp", "taskapp", site_python, shared_cache)
    assert tradelint_reports(output) == TASKAPP
    assert other_reports(output) == []


def test_task_owners_come_from_the_core_configuration(site_python: str, tmp_path: Path) -> None:
    # Without the configured owner, hasslib's async_add_job (which keeps nothing) is reported.
    project = tmp_path / "taskapp"
    shutil.copytree(DATA / "taskapp", project)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace('task-owners = ["hass.async_add_job"]', ""),
        encoding="utf-8",
    )
    output = run_mypy(project, "taskapp", site_python, tmp_path / "cache")
    assert tradelint_reports(output) == sorted(
        [*TASKAPP, ("taskapp/service.py", 41, "trd301", TRD301.format("self.hass.async_add_job"))]
    )


# -- TRD401 ------------------------------------------------------------------------------------------

VATAPP = [
    ("vatapp/views.py", 12, "trd401", trd401("state.vat", "spot_map", "spot_markets")),
    ("vatapp/views.py", 17, "trd401", trd401("current_state().vat_or_raise()", "spot_map", "spot_markets")),
    ("vatapp/views.py", 21, "trd401", trd401("vat", "spot_map", "spot_markets")),
    ("vatapp/views.py", 25, "trd401", trd401("source", "spot_map", "spot_markets")),
    # A name that no longer exists reaches no hook (mypy reports `attr-defined` itself); the core
    # finds it from the source, as the CLI does.
    ("vatapp/views.py", 33, "trd401", trd401("drift", "spot_map", "spot_markets")),
    # `vat`'s and `drift`'s "spot_map": mypy shows an identical message once per line.
    ("vatapp/views.py", 37, "trd401", trd401_string("spot_map", "spot_markets")),
    ("vatapp/views.py", 41, "trd401", trd401("vat", "load", "load_all")),
    ("vatapp/views.py", 46, "trd401", trd401("Vat", "spot_map", "spot_markets")),
]


def test_renamed_attributes_by_receiver_type(site_python: str, shared_cache: Path) -> None:
    output = run_mypy(DATA / "vatapp", "vatapp", site_python, shared_cache)
    assert tradelint_reports(output) == VATAPP
    # mypy's own error for the name that no longer exists stays beside the rename.
    assert other_reports(output) == [("vatapp/views.py", 33, "attr-defined", '"Drift" has no attribute "spot_map"')]


def test_rename_pack_entries_on_deprecated_aliases(shared_cache: Path) -> None:
    # pydantic is a test extra: mypy reads it from this interpreter's site-packages.
    output = run_mypy(DATA / "packapp", "packapp", sys.executable, shared_cache)
    assert tradelint_reports(output) == [
        ("packapp/models.py", 20, "trd401", trd401("order", "dict", "model_dump")),
        ("packapp/models.py", 21, "trd401", trd401("order", "json", "model_dump_json")),
        ("packapp/models.py", 22, "trd401", trd401("Order", "parse_obj", "model_validate")),
    ]
    assert other_reports(output) == []


def _clean_vatapp(tmp_path: Path) -> tuple[Path, Path, str]:
    """vatapp with one module that mypy finds clean, and its [tool.tradelint] table emptied."""
    project = tmp_path / "vatapp"
    shutil.copytree(DATA / "vatapp", project)
    (project / "vatapp" / "views.py").write_text(
        "from vatlib import Vat\n\n\ndef count(vat: Vat) -> int:\n    return len(vat.spot_map)\n",
        encoding="utf-8",
    )
    pyproject = project / "pyproject.toml"
    with_renames = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(with_renames.split("[tool.tradelint]")[0] + "[tool.tradelint]\n", encoding="utf-8")
    return project, pyproject, with_renames


STALE_NAME = [("vatapp/views.py", 5, "trd401", trd401("vat", "spot_map", "spot_markets"))]


def test_configuration_changes_invalidate_mypy_cache(site_python: str, tmp_path: Path) -> None:
    project, pyproject, with_renames = _clean_vatapp(tmp_path)
    cache = tmp_path / "cache"
    assert run_mypy(project, "vatapp", site_python, cache) == []
    # Same sources, same mypy options; only [tool.tradelint] differs, and report_config_data makes
    # mypy re-check the modules it covers.
    pyproject.write_text(with_renames, encoding="utf-8")
    assert tradelint_reports(run_mypy(project, "vatapp", site_python, cache)) == STALE_NAME


def test_without_config_data_mypy_would_serve_stale_results(
    site_python: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control for the test above: it passes because of report_config_data, not by accident."""
    from mypy_plugin.hooks import TradelintMypyPlugin

    monkeypatch.setattr(TradelintMypyPlugin, "report_config_data", lambda self, ctx: None)
    project, pyproject, with_renames = _clean_vatapp(tmp_path)
    cache = tmp_path / "cache"
    assert run_mypy(project, "vatapp", site_python, cache) == []
    pyproject.write_text(with_renames, encoding="utf-8")
    assert run_mypy(project, "vatapp", site_python, cache) == []


def test_configuration_errors_are_reported_once_per_file(site_python: str, tmp_path: Path) -> None:
    project = tmp_path / "shop"
    shutil.copytree(DATA / "shop", project)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + "bogus = 1\n", encoding="utf-8")
    output = run_mypy(project, "shop", site_python, tmp_path / "cache")
    problem = (
        f"{pyproject}:6:1: [tool.tradelint] key 'bogus': unknown key (known keys: select, extend-select, "
        "ignore, extend-ignore, per-file-ignores, exclude, resources, task-owners, task-owner-classes, task-keeper, task-drain-seconds, shutdown-methods, renames, rename-packs, "
        "renames-unknown-receivers, preview, check-uncalled-methods, fixable, unfixable, extend, respect-gitignore, runtime)"
    )
    # On each file mypy checks, as flake8 reports it on each file it checks.
    files = ["__init__.py", "cycle_a.py", "cycle_b.py", "schemas.py", "subclasses.py", "suppressed.py",
             "third_party.py", "usage.py"]
    assert tradelint_reports(output) == [(f"shop/{name}", 1, "trd002", problem) for name in files]


# -- parity with the CLI ----------------------------------------------------------------------------

# The rules the plugin reports: wherever `tradelint` reports them, whatever mypy type-checks.
CLAIMED = ("TRD101", "TRD102", "TRD103", "TRD301", "TRD401")
FAMILIES = {
    "TRD1xx": [
        "fixtures/TRD101.py", "fixtures/TRD102.py", "fixtures/TRD103.py", "fixtures/aliases.py",
        "fixtures/cross_module/pkg/base.py", "fixtures/cross_module/pkg/sub_abs.py",
        "fixtures/cross_module/pkg/sub_reexport.py", "fixtures/cross_module/pkg/sub_rel.py",
    ],
    "TRD3xx": [
        "fixtures/TRD301.py", "fixtures/noqa.py", "fixtures/lifecycles/task_shapes.py",
        "fixtures/lifecycles/task_factory.py", "fixtures/lifecycles/task_factory_misses.py",
        "fixtures/lifecycles/tasks.py", "fixtures/lifecycles/attribute_wrappers.py",
    ],
    "TRD4xx": [
        "fixtures/TRD401.py", "fixtures/renames/inference.py", "fixtures/renames/packs_data.py",
        "fixtures/renames/packs_driftpy.py", "fixtures/renames/packs_pydantic.py",
        "fixtures/renames/packs_web3.py", "fixtures/renames/packs_web3_migration.py",
        "fixtures/renames/packs_web3_receivers.py", "fixtures/renames/wallets.py",
    ],
}


def _cli_findings(files: list[str]) -> set[tuple[str, int, str]]:
    import io
    import json
    from contextlib import redirect_stdout

    from tradelint.cli import run
    from tradelint.core.config import clear_cache

    clear_cache()
    out = io.StringIO()
    with working_directory(ROOT), redirect_stdout(out):
        run(["--output-format", "json", "--no-cache", *files])
    return {(f["path"], f["line"], f["code"]) for f in json.loads(out.getvalue()) if f["code"] in CLAIMED}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_the_plugin_reports_what_the_cli_reports(family: str, shared_cache: Path, tmp_path: Path) -> None:
    files = FAMILIES[family]
    config = tmp_path / "mypy.ini"
    # mypy's defaults (no check_untyped_defs): most fixture functions have no annotations.
    config.write_text("[mypy]\nplugins = mypy_plugin\npython_version = 3.11\n", encoding="utf-8")
    with working_directory(ROOT):
        stdout, stderr, status = api.run(
            ["--config-file", str(config), "--cache-dir", str(shared_cache), "--no-error-summary",
             "--hide-error-context", "--show-traceback", *files]
        )
    assert status in (0, 1) and not stderr, stderr
    via_mypy = {(path, line, code.upper()) for path, line, code, _ in tradelint_reports(stdout.splitlines())}
    via_cli = _cli_findings(files)
    assert len(via_cli) >= {"TRD1xx": 60, "TRD3xx": 60, "TRD4xx": 40}[family]
    assert {code for _, _, code in via_cli} >= {"TRD1xx": {"TRD101", "TRD102", "TRD103"}, "TRD3xx": {"TRD301"},
                                                 "TRD4xx": {"TRD401"}}[family]
    assert sorted(via_mypy - via_cli) == []
    assert sorted(via_cli - via_mypy) == []


UNANNOTATED = """\
import asyncio


async def poll() -> None:
    pass


async def annotated() -> None:
    asyncio.create_task(poll())


async def unannotated():
    asyncio.create_task(poll())


def unannotated_sync(loop):
    loop.create_task(poll())
    _ = asyncio.ensure_future(poll())
    asyncio.create_task(poll())  # type: ignore[trd301]
"""


def test_leaks_in_functions_without_annotations_are_reported(tmp_path: Path) -> None:
    # mypy's default configuration: it type-checks no statement of `unannotated` or
    # `unannotated_sync`; the core finds them as the CLI and flake8 do.
    (tmp_path / "leak.py").write_text(UNANNOTATED, encoding="utf-8")
    (tmp_path / "mypy.ini").write_text("[mypy]\nplugins = mypy_plugin\n", encoding="utf-8")
    message = TRD301 + "  [trd301]"
    expected = [
        f"leak.py:9: error: {message.format('asyncio.create_task')}",
        f"leak.py:13: error: {message.format('asyncio.create_task')}",
        f"leak.py:17: error: {message.format('loop.create_task')}",
        f"leak.py:18: error: {message.format('asyncio.ensure_future')}",
    ]
    with working_directory(tmp_path):
        for _ in range(2):  # a cold cache, then a warm one
            stdout, stderr, status = api.run(
                ["--config-file", "mypy.ini", "--cache-dir", str(tmp_path / "cache"), "--no-error-summary",
                 "--warn-unused-ignores", "leak.py"]
            )
            assert (stdout.splitlines(), stderr, status) == (expected, "", 1)


def test_dmypy_run_sees_an_edited_configuration(tmp_path: Path) -> None:
    # The daemon re-checks changed files only and asks report_config_data no more once running:
    # an edited [tool.tradelint] reaches it through the plugin's snapshot, which `dmypy run`
    # compares before each run (a restart, then mypy's cache per module).
    (tmp_path / "leak.py").write_text(UNANNOTATED.split("\n\nasync def unannotated")[0], encoding="utf-8")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.mypy]\nplugins = ["mypy_plugin"]\n\n[tool.tradelint]\n', encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    dmypy = [sys.executable, "-m", "mypy.dmypy", "--status-file", str(tmp_path / "status.json")]

    def run() -> list[str]:
        done = subprocess.run(
            [*dmypy, "run", "--", "--no-error-summary", "leak.py"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
        )
        assert done.stderr == ""
        return done.stdout.splitlines()

    finding = "leak.py:9: error: " + TRD301.format("asyncio.create_task") + "  [trd301]"
    try:
        assert run() == ["Daemon started", finding]
        assert run() == [finding]  # nothing changed: no restart
        pyproject.write_text(pyproject.read_text(encoding="utf-8") + 'ignore = ["TRD301"]\n', encoding="utf-8")
        assert run() == ["Restarting: plugins changed", "Daemon stopped", "Daemon started"]
        assert run() == []
        pyproject.write_text(pyproject.read_text(encoding="utf-8").replace('ignore = ["TRD301"]\n', ""), encoding="utf-8")
        assert run() == ["Restarting: plugins changed", "Daemon stopped", "Daemon started", finding]
        # An edited file is checked again by the running daemon, the core reading its new text.
        leak = tmp_path / "leak.py"
        leak.write_text(leak.read_text(encoding="utf-8") + "\n\nasync def later():\n    asyncio.create_task(poll())\n",
                        encoding="utf-8")
        assert run() == [finding, finding.replace("leak.py:9:", "leak.py:13:")]
    finally:
        subprocess.run([*dmypy, "kill"], cwd=tmp_path, env=env, capture_output=True, timeout=60, check=False)
