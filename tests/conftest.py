from __future__ import annotations

import gc
import getpass
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Iterator

import pytest

# The leak-fix manifest checks live in a helper module: rewrite its asserts as pytest does a test's.
pytest.register_assert_rewrite("tests.leak_manifests")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
sys.path.insert(0, str(ROOT))

# The suite starts hundreds of Python processes (the CLI, flake8, pip, pre-commit), each of which
# imports tradelint. Where the environment says not to write bytecode (PYTHONDONTWRITEBYTECODE,
# as in some CI images), every one of them compiled its 190 modules again: about half a second of
# a core each. The suite keeps compiled bytecode in one folder of its own instead
# (PYTHONPYCACHEPREFIX), for this process, the other test processes and all they start: never
# beside the sources, the fixtures or the projects the tests write, whatever the environment.
try:
    _USER = getpass.getuser()
except (KeyError, OSError):  # no name for this user id
    _USER = "anyone"
PYCACHE = Path(tempfile.gettempdir()) / f"tradelint-tests-pycache-{_USER}"
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
os.environ["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
sys.dont_write_bytecode = False
sys.pycache_prefix = str(PYCACHE)


def _subprocesses_import_this_tree() -> None:
    """Make the Python processes the suite starts import this tree's tradelint.

    The suite imports this tree (``sys.path`` above), but a process it starts (the CLI, a
    benchmark script, flake8) imports whatever the interpreter's environment installs: an editable
    install of another checkout (a second worktree of the same repository) would run that checkout's
    code, and a test would judge the wrong tree. Only then is this tree put first on
    ``PYTHONPATH``; where the environment already imports this tree (a clean clone installed as the
    README says) nothing changes, so tests of the installed package still see the installed one."""
    probe = "import os, tradelint; print(os.path.dirname(os.path.dirname(os.path.abspath(tradelint.__file__))))"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    try:
        found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env,
                               cwd=tempfile.gettempdir(), timeout=60, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return
    if found and Path(found).resolve() == ROOT:
        return
    paths = [str(ROOT), *(part for part in os.environ.get("PYTHONPATH", "").split(os.pathsep) if part)]
    os.environ["PYTHONPATH"] = os.pathsep.join(paths)


_subprocesses_import_this_tree()


def load_benchmark(name: str) -> ModuleType:
    """``benchmarks/<name>.py`` as a module (registered in ``sys.modules`` under ``name``, as its
    dataclasses need; loaded once however many test files ask)."""
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def git(cwd: Path, *args: str) -> str:
    """``git ARGS`` in ``cwd`` with no user or system configuration and a fixed author: the
    little repositories the benchmark scripts' tests build (mirrors of a parent and its fix)."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env=env).stdout


def preview_messages(path: Path, *select: str) -> list[str]:
    """``line code message`` of each finding of ``path`` with ``--preview``, for the families or
    codes ``select`` names."""
    from tradelint.api import check_paths

    return [f"{f.line} {f.code} {f.message}" for f in check_paths([path], select=list(select), preview=True)]


def source_findings(tmp_path: Path, source: str, select: str, name: str = "worker.py") -> list[str]:
    """``line:column CODE message`` of each finding of ``select`` in ``source``, written to
    ``tmp_path / name`` and checked alone (the detection tests of sessions 35 to 38)."""
    from tradelint.api import check_paths

    path = tmp_path / name
    path.write_text(source)
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path], select=[select])]


def tree_findings(
    tmp_path: Path, files: dict[str, str], select: str, project: bool = False, preview: bool = False
) -> list[str]:
    """``file:line:column CODE message`` of each finding of ``select`` in ``files`` (relative
    path: source) written under ``tmp_path`` and checked together, sorted; with ``project``, in a
    project named ``app`` (a ``pyproject.toml`` that judges methods nothing calls, as in an excerpt); with ``preview``, as ``--preview`` checks."""
    from tradelint.api import check_paths

    paths = []
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
        paths.append(path)
    if project:
        # (An excerpt: the code calling its methods is left out, so they are judged as if run.)
        (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n\n[tool.tradelint]\ncheck-uncalled-methods = true\n")
    return sorted(
        f"{Path(f.path).name}:{f.line}:{f.column} {f.code} {f.message}"
        for f in check_paths(paths, select=[select], preview=preview)
    )


def rename_run(root: Path, pack: str, files: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``tradelint --select TRD401`` (concise) run in ``root`` with ``files`` written there and the
    rename pack ``pack`` configured, from this checkout."""
    (root / "pyproject.toml").write_text(
        f"[project]\nname = 'app'\n[tool.tradelint]\nrename-packs = ['{pack}']\n", encoding="utf-8"
    )
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "tradelint", "--no-cache", "--select", "TRD401", "--output-format", "concise", *args, "."],
        cwd=root, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )


def ha_integration(tmp_path: Path, source: str, unload: str = "") -> Path:
    """A Home Assistant custom integration ``demo`` in ``tmp_path`` whose ``__init__.py`` is
    ``source``, with ``UNLOAD`` replaced by ``unload`` (the body of ``async_unload_entry``)."""
    folder = tmp_path / "custom_components" / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    # (An excerpt: what runs its methods is left out, so they are judged as if run.)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n\n[tool.tradelint]\ncheck-uncalled-methods = true\n", encoding="utf-8")
    (folder / "manifest.json").write_text('{"domain": "demo"}', encoding="utf-8")
    path = folder / "__init__.py"
    path.write_text(source.replace("UNLOAD", unload), encoding="utf-8")
    return path


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Each test process (each xdist worker) that ran a program under mypy made a warm cache in the
    # temporary folder (tests/programs.py): deleted when its session ends.
    programs = sys.modules.get("tests.programs")
    if programs is not None:
        programs.forget_warm_caches()
    # The garbage of the session (millions of objects in a worker that checked whole trees: 6 s
    # to collect on a loaded machine) is collected now, while an xdist worker still reports,
    # rather than by pytest's own last collection after the worker said it finished: execnet
    # then gives it 5 seconds before it sends a SIGINT, and a KeyboardInterrupt raised in a
    # weakref callback of that collection was a PytestUnraisableExceptionWarning. What is left
    # lives until the process ends: frozen, that last collection does not walk it again.
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _collector_as_it_was() -> Iterator[None]:
    # A test that runs mypy in its own process (``mypy.api``: a young collection every 200,000
    # allocations) or lets tradelint's signal handler run (no automatic collection at all, for a
    # process that is ending) changed the collector for every later test of its worker, which
    # then kept millions of objects of cyclic garbage. Its last collection, at the session's end,
    # outlasted the 5 seconds execnet gives a worker to stop before it sends it a SIGINT: a
    # KeyboardInterrupt in a weakref callback (PytestUnraisableExceptionWarning). Put back.
    thresholds, enabled = gc.get_threshold(), gc.isenabled()
    yield
    gc.set_threshold(*thresholds)
    if enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI caches results in ./.tradelint_cache by default: keep each test's in its own folder.
    from tradelint.runner import runner

    monkeypatch.setattr(runner, "DEFAULT_CACHE_DIR", tmp_path / ".tradelint_cache")
    # The key that signs caches lives in $XDG_CACHE_HOME/tradelint: a test's own, outside tmp_path
    # (which tests list), inherited by the tradelint processes it starts.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
