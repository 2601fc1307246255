"""``pytest -p tradelint``: the project's own tests confirm the leaks tradelint finds.

Registered as the ``tradelint`` pytest11 entry point, so pytest loads it whenever tradelint is
installed; it stays inert (no patch, no hook doing work) unless enabled by ``-p tradelint`` named
on the command line, ``--tradelint``, or ``runtime = true`` in ``[tool.tradelint]``.
``-p no:tradelint`` keeps it out whatever the configuration says.

Enabled, it records task and resource creation sites (recorder.py), attaches the leaks of each
test to the test's teardown report (so pytest-xdist carries them to the controller), prints a
summary at the end and writes the last report as JSON (``--tradelint-report``, default
``.tradelint_cache/runtime.json`` under the rootdir), which ``tradelint check`` reads to mark
findings confirmed (matching.py).
"""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path
from typing import Any, Generator

import pytest

from tradelint.core.config import ConfigError, parse_config, read_pyproject
from tradelint.runtime.leaks import KIND_TEXT, Leak
from tradelint.runtime.recorder import Recorder

REPORT_KEY = "tradelint_leaks"
DEFAULT_REPORT = Path(".tradelint_cache") / "runtime.json"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tradelint", "tradelint runtime leak recording")
    group.addoption(
        "--tradelint", action="store_true", default=False,
        help="record asyncio tasks and async resources left unfinished or unclosed by each test",
    )
    group.addoption(
        "--tradelint-report", metavar="PATH", default=None,
        help=f"where to write the JSON report (default: {DEFAULT_REPORT} under the rootdir)",
    )


def _named_on_command_line(config: pytest.Config) -> bool:
    return "tradelint" in (getattr(config.option, "plugins", None) or [])


def _configured(config: pytest.Config) -> tuple[bool, tuple[tuple[str, str], ...]]:
    """``runtime`` and ``resources`` of the rootdir's ``[tool.tradelint]``. The table is validated
    only when it has a ``runtime`` key or the plugin is enabled otherwise: an unrelated mistake in
    it must not break the pytest runs of a project that only has tradelint installed."""
    path = config.rootpath / "pyproject.toml"
    if not path.is_file():
        return False, ()
    try:
        section = read_pyproject(path)
        if section is None or ("runtime" not in section.data and not config.option.tradelint
                               and not _named_on_command_line(config)):
            return False, ()
        cfg = parse_config(section.data, path, section.text)
    except ConfigError as exc:
        raise pytest.UsageError(f"tradelint: {exc}") from None
    return cfg.runtime, cfg.resources


def pytest_configure(config: pytest.Config) -> None:
    runtime, resources = _configured(config)
    if not (config.option.tradelint or _named_on_command_line(config) or runtime):
        return
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the controller writes the report
        report = None
    else:
        report = Path(config.option.tradelint_report or config.rootpath / DEFAULT_REPORT)
    config.pluginmanager.register(RuntimePlugin(config, resources, report), "tradelint-runtime")


class RuntimePlugin:
    def __init__(self, config: pytest.Config, resources: tuple[tuple[str, str], ...], report: Path | None) -> None:
        self.config = config
        self.report = report
        self.recorder = Recorder()
        self.recorder.install(resources)
        self.leaks: list[Leak] = []
        self.counts = {"task": 0, "resource": 0}
        if config.pluginmanager.hasplugin("xdist") and report is not None:
            config.pluginmanager.register(_XdistController(self), "tradelint-runtime-xdist")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, None, None]:
        self.recorder.instrument_imported()
        self.recorder.test = item.nodeid
        yield
        self.recorder.test = ""

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
        outcome = yield
        if call.when != "teardown":
            return
        # Only a test that left something unfinished pays for a collection.
        if any(True for _ in self.recorder.open_records(item.nodeid)):
            self.recorder.loops_closed(item.nodeid)
            gc.collect()
        leaks = self.recorder.take()
        if leaks:
            report: pytest.TestReport = outcome.get_result()
            report.user_properties.append((REPORT_KEY, [leak.as_json() for leak in leaks]))
            report.sections.append(("tradelint runtime leaks", "\n".join(describe(leak) for leak in leaks)))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == REPORT_KEY and isinstance(value, list):
                self.leaks.extend(Leak(**leak) for leak in value)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        gc.collect()
        self.recorder.session_end()
        ending = self.recorder.take()
        self.recorder.uninstall()
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:
            workeroutput[REPORT_KEY] = [leak.as_json() for leak in ending]
            workeroutput[REPORT_KEY + "_counts"] = self.recorder.counts
            return
        self.leaks.extend(ending)
        self.add_counts(self.recorder.counts)
        if self.report is not None:
            self.report.parent.mkdir(parents=True, exist_ok=True)
            data = {
                "version": 1,
                "root": str(self.config.rootpath),
                "recorded": {"tasks": self.counts["task"], "resources": self.counts["resource"]},
                "leaks": [leak.as_json() for leak in self.leaks],
            }
            temporary = self.report.with_name(self.report.name + f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
            os.replace(temporary, self.report)

    def add_counts(self, counts: dict[str, int]) -> None:
        for family, count in counts.items():
            self.counts[family] = self.counts.get(family, 0) + count

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.report is None:
            return
        terminalreporter.section("tradelint runtime")
        for leak in self.leaks:
            terminalreporter.write_line(describe(leak, self.config.rootpath))
        count = len(self.leaks)
        terminalreporter.write_line(
            f"{count} runtime leak{'' if count == 1 else 's'} among {self.counts['task']} tasks and "
            f"{self.counts['resource']} resources created; report: {self.report}"
        )


class _XdistController:
    """Collects the session-end leaks of each pytest-xdist worker."""

    def __init__(self, plugin: RuntimePlugin) -> None:
        self.plugin = plugin

    def pytest_testnodedown(self, node: Any, error: object) -> None:
        output = getattr(node, "workeroutput", {})
        for leak in output.get(REPORT_KEY, []):
            self.plugin.leaks.append(Leak(**leak))
        self.plugin.add_counts(output.get(REPORT_KEY + "_counts", {}))


def describe(leak: Leak, root: Path | None = None) -> str:
    path = leak.path
    if root is not None:
        try:
            path = os.path.relpath(leak.path, root)
        except ValueError:  # pragma: no cover - another drive on Windows
            pass
    code = leak.code if len(leak.code) > 4 else f"{leak.code}xx (shape not known)"
    test = f" [{leak.test}]" if leak.test else " [outside any test]"
    return f"{path}:{leak.line}: {code} {leak.what} {KIND_TEXT.get(leak.kind, leak.kind)}{test}"
