"""Session 44 (issue 30, memory): what changed is how long an answer is kept, never an answer.
Behaviour only, no timing.

- The class of a method call's receiver (``class_factories._receiver``: ``factory.make()`` with
  ``factory: Factory`` from another module) names that module's ``ModuleInfo``. It was kept on
  the calling function's node, so a kept tree held the other module (and its tree) alive after
  the project forgot it, and two such modules asking about each other made a cycle that a run's
  frozen collector never freed: a third of the trees alive at the end of the whole-corpus check.
  It is now kept in the project's ``class_memo``, forgotten with the modules.
"""

from __future__ import annotations

import ast
import gc
import weakref
from pathlib import Path

from tradelint.facts.context import Project
from tradelint.models.resources import class_factories


def _project(root: Path) -> Path:
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "factory.py").write_text(
        "import aiohttp\n\n\nclass Factory:\n    def make(self):\n        return aiohttp.ClientSession()\n"
    )
    app = pkg / "app.py"
    app.write_text(
        "from pkg.factory import Factory\n\n\nasync def main(factory: Factory):\n"
        "    session = factory.make()\n    session = factory.make()\n    return session\n"
    )
    return app


def _receiver_of_first_call(project: Project, app: Path) -> tuple[object, object]:
    module = project.module_at(app)
    assert module is not None
    call = next(n for n in ast.walk(module.tree) if isinstance(n, ast.Call))
    assert isinstance(call.func, ast.Attribute)
    function = module.enclosing_function(call.func)
    assert function is not None
    found = class_factories._receiver(module, function, call.func.value)
    assert found is not None
    return module, found


def test_the_receiver_class_is_found_once_per_function_and_receiver(tmp_path: Path) -> None:
    app = _project(tmp_path)
    project = Project(module_budget=None)
    module, (home, cls) = _receiver_of_first_call(project, app)  # type: ignore[misc]
    assert isinstance(cls, ast.ClassDef) and cls.name == "Factory"
    assert home is project.kept(tmp_path / "pkg" / "factory.py")
    # The same receiver in the same function: the same answer, not asked again.
    calls = [n for n in ast.walk(module.tree) if isinstance(n, ast.Call)]  # type: ignore[attr-defined]
    function = module.enclosing_function(calls[1].func)  # type: ignore[attr-defined]
    asked: list[object] = []
    real = class_factories.receiver_class
    class_factories.receiver_class = lambda *a: asked.append(a) or real(*a)  # type: ignore[assignment,func-returns-value]
    try:
        assert class_factories._receiver(module, function, calls[1].func.value) == (home, cls)  # type: ignore[arg-type]
    finally:
        class_factories.receiver_class = real
    assert asked == []


def test_a_forgotten_module_is_not_held_by_the_answer_of_a_kept_one(tmp_path: Path) -> None:
    app = _project(tmp_path)
    project = Project(module_budget=None)
    module, (home, _) = _receiver_of_first_call(project, app)
    gone = weakref.ref(home)
    del home
    # The project forgets every module and memo (as past its budget); the checked module's tree
    # is still held here.
    project.release()
    gc.collect()
    assert module.tree is not None  # type: ignore[attr-defined]
    assert gone() is None
