"""TRD101/TRD102 fixes as programs: each runs before and after ``tradelint --fix`` (in a
subprocess, on a copy), and the fix either repairs it or is refused and leaves it running as it
did. Where a program passed ``mypy --strict`` before, it still does after."""

from __future__ import annotations

import ast
import difflib
import subprocess
import sys
from pathlib import Path

import pytest

from tradelint.models.dataclasses.dataclass_model import class_model
from tradelint.models.dataclasses.field_uses import field_uses
from tradelint.facts.packaging import target_python
from tradelint.core.config import clear_cache, config_for
from tradelint.facts.context import Project
from tradelint.runner.engine import Checker
from tests.conftest import ROOT
from tests.programs import copy_program, run_python

PROGRAMS = Path(__file__).parent / "data" / "trd1xx_programs"


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_python(args, cwd)


def _copy(name: str, tmp_path: Path) -> Path:
    return copy_program(PROGRAMS / name, tmp_path)


def _fix(program: Path, *flags: str) -> str:
    fixed = _run(["-m", "tradelint", "--fix", "--no-cache", "--quiet", *flags, "."], program)
    assert fixed.returncode in (0, 1), fixed.stdout + fixed.stderr
    assert fixed.stderr == ""
    return fixed.stdout


def _mypy_clean(program: Path) -> None:
    # The program's own pyproject.toml says ``strict = true``; the cache stays in the copy.
    checked = _run(["-m", "mypy", "--cache-dir", str(program / ".mypy_cache"), "main.py"], program)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _changed(program: Path, name: str) -> dict[str, tuple[list[str], list[str]]]:
    """Per file, the lines the fix removed and added."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for path in sorted(program.rglob("*.py")):
        rel = path.relative_to(program).as_posix()
        before = (PROGRAMS / name / rel).read_text(encoding="utf-8").splitlines()
        after = path.read_text(encoding="utf-8").splitlines()
        if before != after:
            diff = list(difflib.ndiff(before, after))
            out[rel] = ([d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")])
    return out


FIELD_USES_OUTPUT = [
    "keyword: 3",
    "alias: 2",
    "partial: 1",
    "replace: 4",
    "super: 30",
    "type(x): 6",
    "asdict: 5",
    "match: m:7",
    "slots: 10",
    "FastKw: 5",
]


def test_uses_in_other_modules_refuse_the_fix_and_an_unused_constant_is_fixed(tmp_path: Path) -> None:
    """``Desc(TIMEOUT=3)`` in another file, an alias, ``partial``, ``replace``, ``super().__init__``,
    ``type(x)(...)``, ``asdict(d)["TIMEOUT"]``, a positional ``match`` pattern and
    ``object.__setattr__`` on a slotted class: a ``ClassVar`` would raise in each. Only
    ``Plain``, used as a constant, is fixed (incident 001's shape)."""
    program = _copy("field_uses", tmp_path)
    before = _run(["main.py"], program)
    assert (before.returncode, before.stderr) == (0, "")
    assert before.stdout.splitlines() == [*FIELD_USES_OUTPUT, "FastPlain: 5"]
    _mypy_clean(program)
    _fix(program, "--unsafe-fixes")
    assert _changed(program, "field_uses") == {
        "app/models.py": (["    TIMEOUT: int = 5"], ["from typing import ClassVar", "    TIMEOUT: ClassVar[int] = 5"]),
    }
    assert program.joinpath("app/models.py").read_text(encoding="utf-8").count("ClassVar[int]") == 1
    after = _run(["main.py"], program)
    assert (after.returncode, after.stderr) == (0, "")
    assert after.stdout.splitlines() == [*FIELD_USES_OUTPUT, "FastPlain: 1"]
    _mypy_clean(program)


def test_each_use_is_named_as_evidence() -> None:
    path = (PROGRAMS / "field_uses" / "app" / "models.py").resolve()
    project = Project()
    module = project.module_at(path)
    assert module is not None
    found = {}
    for node in module.index.classes:
        uses = field_uses(class_model(module, node), "TIMEOUT")
        found[node.name] = [(e.describe(uses.root), e.strength) for e in uses.evidence]
    assert found == {
        "Kw": [("app/uses.py:30: a call passes `TIMEOUT=`", "breaks")],
        "FastKw": [],
        "Aliased": [("app/uses.py:31: a call passes `TIMEOUT=`", "breaks")],
        "Partial": [("app/uses.py:9: a call passes `TIMEOUT=`", "breaks")],
        "Replaced": [("app/uses.py:33: a call passes `TIMEOUT=`", "breaks")],
        "SuperInit": [("app/uses.py:14: a call passes `TIMEOUT=`", "breaks")],
        "TypeCall": [("app/uses.py:18: a call passes `TIMEOUT=`", "breaks")],
        "Dumped": [("app/uses.py:36: `asdict()` of a value that may be an instance", "breaks")],
        "Matched": [
            ("app/uses.py:23: a `match` class pattern reads it by position", "breaks"),
            ("app/uses.py:37: a call passes `TIMEOUT` by position", "breaks"),
        ],
        "Slotted": [("app/models.py:57: `__setattr__(..., \"TIMEOUT\", ...)` writes an instance", "breaks")],
        "Plain": [],
        "FastPlain": [],
    }


def _evidence_by_field(root: Path, names: list[str]) -> dict[str, list[tuple[str, str]]]:
    project = Project()
    module = project.module_at(root / "app" / "models.py")
    assert module is not None
    model = class_model(module, module.index.classes[0])
    found = {}
    for name in names:
        uses = field_uses(model, name)
        found[name] = [(e.describe(uses.root), e.strength) for e in uses.evidence]
    return found


def test_each_field_of_a_class_gets_its_own_evidence_from_one_search(tmp_path: Path) -> None:
    """The family and each file's uses are found once per class (a class of 49 constants made
    49 whole-project searches); what each field is told must not depend on the fields asked
    before it, nor on a file read only for the field it names (``only_b.py`` names neither the
    class nor a generic word). The ``match`` file has lone-CR line ends."""
    (tmp_path / "pyproject.toml").write_text("[tool.tradelint]\n", encoding="utf-8")
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "models.py").write_text(
        "from dataclasses import dataclass\n\n\n@dataclass\nclass Desc:\n    A: int = 1\n    B: int = 2\n    C: int = 3\n",
        encoding="utf-8",
    )
    (app / "use_a.py").write_text("from app.models import Desc\n\nDesc(A=3)\n", encoding="utf-8")
    (app / "only_b.py").write_text("def set_b(obj):\n    obj.B = 5\n", encoding="utf-8")
    (app / "match_c.py").write_bytes(
        b"from app.models import Desc\r\r\rdef g(x):\r    match x:\r        case Desc(C=1):\r            pass\r"
    )
    expected = {
        "A": [("app/use_a.py:3: a call passes `A=`", "breaks")],
        "B": [("app/only_b.py:2: an instance's `B` is written", "observes")],
        "C": [("app/match_c.py:6: a `match` class pattern reads `C=`", "observes")],
    }
    assert _evidence_by_field(tmp_path, ["A", "B", "C"]) == expected
    assert _evidence_by_field(tmp_path, ["C", "B", "A"]) == expected


def test_a_callable_constant_does_not_become_a_method(tmp_path: Path) -> None:
    program = _copy("callable_constant", tmp_path)
    before = _run(["main.py"], program)
    assert (before.returncode, before.stdout, before.stderr) == (0, "key: KEY:3\nlabel: ''\n", "")
    _mypy_clean(program)
    _fix(program, "--unsafe-fixes")
    assert _changed(program, "callable_constant") == {
        "main.py": (
            ["from typing import Callable", '    LABEL: str = ""'],
            ["from typing import Callable, ClassVar", '    LABEL: ClassVar[str] = ""'],
        ),
    }
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, "key: KEY:3\nlabel: 'custom'\n", "")
    _mypy_clean(program)


def test_classvar_import_bound_only_in_a_method_or_for_type_checkers_is_not_reused(tmp_path: Path) -> None:
    program = _copy("import_scope", tmp_path)
    before = _run(["main.py"], program)
    assert (before.returncode, before.stdout, before.stderr) == (0, "limit: 5\n", "")
    _mypy_clean(program)
    _fix(program)
    assert _changed(program, "import_scope") == {
        "main.py": (
            ["from typing import TYPE_CHECKING", "    LIMIT: int = 5"],
            ["from typing import TYPE_CHECKING, ClassVar", "    LIMIT: ClassVar[int] = 5"],
        ),
    }
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, "limit: 50\n", "")
    _mypy_clean(program)


def test_a_shadowed_classvar_name_gets_an_alias(tmp_path: Path) -> None:
    program = _copy("shadowed", tmp_path)
    before = _run(["main.py"], program)
    assert (before.returncode, before.stdout, before.stderr) == (0, "limit: 5\n", "")
    _fix(program)
    assert _changed(program, "shadowed") == {
        "main.py": (
            ["from typing import ClassVar", "    LIMIT: int = 5"],
            ["from typing import ClassVar, ClassVar as _ClassVar", "    LIMIT: _ClassVar[int] = 5"],
        ),
    }
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, "limit: 50\n", "")


def test_final_before_python_3_13_gets_no_fix(tmp_path: Path) -> None:
    program = _copy("final_py310", tmp_path)
    expected = "limit: 5, fields: ['LIMIT']\n"
    assert _run(["main.py"], program).stdout == expected
    check = _run(["-m", "tradelint", "--no-cache", "."], program).stdout
    assert check.endswith(": 1 finding, none fixable.\n"), check
    _fix(program, "--unsafe-fixes")
    assert _changed(program, "final_py310") == {}
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, expected, "")
    _mypy_clean(program)


def test_final_from_python_3_13_keeps_final_and_never_nests_classvar(tmp_path: Path) -> None:
    program = _copy("final_py313", tmp_path)
    # An installable package (``[project]``): the class may be used outside, so the fix is unsafe.
    assert "2 fixable with `--fix --unsafe-fixes`" in _run(["-m", "tradelint", "--no-cache", "."], program).stdout
    _fix(program, "--unsafe-fixes")
    assert _changed(program, "final_py313") == {
        "main.py": (
            ["    LIMIT: Final[int] = 5", '    NAME: Final[ClassVar[str]] = "limits"'],
            ["    LIMIT: ClassVar[Final[int]] = 5", '    NAME: ClassVar[Final[str]] = "limits"'],
        ),
    }
    if sys.version_info >= (3, 13):
        after = _run(["-c", "import main; print(sorted(main.Limits.__dataclass_fields__), main.Limits().LIMIT)"], program)
        assert after.stdout == "['LIMIT', 'NAME'] 5\n"


def test_trd102_in_a_dataclass_subclass_is_repaired_where_the_override_stands(tmp_path: Path) -> None:
    """``Schema(KEY=...)`` elsewhere keeps the base's field; the subclass's ``KEY = ...`` becomes
    its field default. ``VERSION``, used as a constant everywhere, is fixed in the base."""
    program = _copy("dataclass_subclass", tmp_path)
    before = _run(["main.py"], program)
    assert (before.returncode, before.stdout, before.stderr) == (0, "signals: '' V1 2\nadhoc: 'x'\n", "")
    _mypy_clean(program)
    _fix(program)
    assert _changed(program, "dataclass_subclass") == {
        "app/base.py": (
            ["    VERSION: Version = Version.V1"],
            ["from typing import ClassVar", "    VERSION: ClassVar[Version] = Version.V1"],
        ),
        "app/sub.py": (['    KEY = "analysis:signals"'], ["from typing import ClassVar", '    KEY: ClassVar[str] = "analysis:signals"']),
    }
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, "signals: 'analysis:signals' V2 2\nadhoc: 'x'\n", "")
    _mypy_clean(program)


def _safety(tmp_path: Path, files: dict[str, str], where: str, line: int) -> str:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    clear_cache()
    checker = Checker()
    target = tmp_path / where
    found = [f for f in checker.check_path(target, config_for(target)) if f.line == line and f.code.startswith("TRD10")]
    assert len(found) <= 1, found
    if not found:
        return "not reported"
    return found[0].fix.safety if found[0].fix is not None else "none"


MODEL = "from dataclasses import dataclass\n\n\n@dataclass\nclass Desc:\n    TIMEOUT: int = 5\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, "safe"),
        # No project marker at all (an unpacked wheel looks like this): who imports it is unknown.
        ({"pyproject.toml": None}, "unsafe"),
        # A public class of an installable package: code outside may construct it.
        ({"pyproject.toml": '[project]\nname = "shop"\nversion = "0"\n'}, "unsafe"),
        ({"setup.py": "from setuptools import setup\nsetup()\n"}, "unsafe"),
        # Private module path: not part of the package's interface.
        ({"pyproject.toml": '[project]\nname = "shop"\nversion = "0"\n', "_move": "shop/_models.py"}, "safe"),
        ({"shop/use.py": "from shop.models import Desc\n\nd = Desc()\nd.TIMEOUT = 3\n"}, "unsafe"),
        ({"shop/use.py": "from shop.models import Desc\nimport dataclasses\n\nprint(dataclasses.asdict(Desc()))\n"}, "unsafe"),
        ({"shop/use.py": "from shop.models import Desc\n\nprint(Desc(**{}))\n"}, "unsafe"),
        ({"shop/use.py": "from shop import models\n\nprint(models.Desc(3))\n"}, "none"),
        # A keyword names it: the project sets it per instance, a field by intent (no finding).
        ({"shop/use.py": "from shop.models import Desc as D\n\nprint(D(TIMEOUT=3))\n"}, "not reported"),
        # A keyword to an unrelated class or a method is not evidence.
        ({"shop/use.py": "class Other:\n    def __init__(self, TIMEOUT: int) -> None: ...\n\nOther(TIMEOUT=3)\n"}, "safe"),
        ({"shop/use.py": "print('a'.replace('a', 'b'))\n"}, "safe"),
        # Unparsable file that names the field: no way to look.
        ({"shop/broken.py": "Desc(TIMEOUT=3\n"}, "unsafe"),
    ],
    ids=["app", "no-marker", "project-table", "setup-py", "private-module", "instance-write", "asdict", "kwargs",
         "positional-module-attr", "import-alias", "unrelated-keyword", "str-replace", "unparsable"],
)
def test_field_use_evidence_decides_safety(tmp_path: Path, files: dict[str, str | None], expected: str) -> None:
    files = dict(files)
    where = files.pop("_move", None) or "shop/models.py"
    layout = {where: MODEL, "shop/__init__.py": "", "pyproject.toml": "[tool.tradelint]\n", **files}
    assert _safety(tmp_path, {k: v for k, v in layout.items() if v is not None}, where, 6) == expected


def test_field_uses_module_imports_neither_engine_nor_rules() -> None:
    source = (ROOT / "tradelint" / "models" / "dataclasses" / "field_uses.py").read_text(encoding="utf-8")
    imported = {
        node.module for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not any(m.endswith(".engine") or ".rules" in m for m in imported)


@pytest.mark.parametrize(
    ("pyproject", "expected"),
    [
        ('[project]\nname = "x"\nrequires-python = ">=3.9,<4"\n', (3, 9)),
        ('[project]\nname = "x"\nrequires-python = "~=3.13"\n', (3, 13)),
        ('[tool.ruff]\ntarget-version = "py312"\n', (3, 12)),
        ('[tool.black]\ntarget-version = ["py311", "py313"]\n', (3, 11)),
        ('[tool.mypy]\npython_version = "3.13"\n', (3, 13)),
        ("", sys.version_info[:2]),
    ],
)
def test_target_python_comes_from_the_project(tmp_path: Path, pyproject: str, expected: tuple[int, int]) -> None:
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (tmp_path / "m.py").write_text("x = 1\n", encoding="utf-8")
    module = Project().module_at(tmp_path / "m.py")
    assert module is not None
    assert target_python(module) == expected
