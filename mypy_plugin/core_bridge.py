"""The core's view of a file mypy is checking: the same ``ast`` analyses the CLI and flake8 run.

The plugin asks the core what only the source can tell (is this statement a constant without
``ClassVar``? does this wrapper keep the task it creates?) and keeps to types for the rest, so
no rule logic exists twice.
"""

from __future__ import annotations

import ast
from pathlib import Path

from mypy.nodes import MypyFile

from tradelint.api import (
    FUNCTION_NODES,
    Config,
    FileContext,
    ModuleInfo,
    Project,
    TaskAnalysis,
    fit_to_build,
    tasks_kept_by_a_factory,
)

INSTALLED_DIRS = frozenset({"site-packages", "dist-packages"})


class CoreBridge:
    def __init__(self) -> None:
        # One per mypy build: each file the plugin needs is parsed by the core once, kept for
        # the whole build when it is small (``build_loaded``), else while it fits in the
        # project's budget (``checking``).
        self.project = Project()
        self._checking: str | None = None

    def build_loaded(self, modules: dict[str, MypyFile]) -> None:
        """mypy has loaded the build's modules: the project keeps every tree it parses when the CLI
        would in a run over the files the plugin checks (the build's own Python source), as the
        CLI does in a small run. A search of the whole project for a dataclass field's uses then
        parses each module once, not again after each file of the build."""
        fit_to_build(self.project, [
            Path(file.path) for file in modules.values()
            if file.path.endswith(".py") and INSTALLED_DIRS.isdisjoint(Path(file.path).parts)
        ])

    def checking(self, path: str) -> None:
        """A hook runs for a node of the file mypy checks at ``path``. When that file is another
        than the last one's, the last one is done: the project forgets modules past its budget
        (as the CLI does between two files), so a build of many modules does not keep every
        tree. No hook keeps a module between two calls: each asks the project again."""
        if path != self._checking:
            self._checking = path
            self.project.end_file()

    def source_changed(self, path: str) -> None:
        """The file at ``path`` changed since the core read it: its new text from now on, and
        no verdict that may rest on the old one."""
        text = self.project.read_text(Path(path))
        if text is not None:
            self.project.replace_source(Path(path), text, None)

    def module(self, path: str) -> ModuleInfo | None:
        if not path.endswith(".py"):
            return None  # stubs and compiled modules have no runtime source to judge
        return self.project.module_at(Path(path))

    def installed_from(self, modules: dict[str, MypyFile]) -> None:
        """Find installed packages (whose class makers the core follows) where mypy found them:
        mypy may check for another interpreter than the one it runs in."""
        if self.project.installed_finder is not None:
            return

        def find(top: str) -> tuple[Path, ...]:
            found = modules.get(top)
            if found is None or not found.path.endswith(".py"):
                return ()  # a stub has no runtime to follow; the running interpreter may have one
            path = Path(found.path)
            return (path.parent.parent,) if path.name == "__init__.py" else (path.parent,)

        self.project.installed_finder = find

    def class_node(self, path: str, name: str, line: int) -> tuple[ModuleInfo, ast.ClassDef] | None:
        module = self.module(path)
        if module is None:
            return None
        for node in module.index.classes:
            if node.name == name and _starts_at(node, line):
                return module, node
        return None

    def function_node(self, path: str, name: str, line: int) -> tuple[ModuleInfo, ast.stmt] | None:
        module = self.module(path)
        if module is None:
            return None
        for node in module.index.functions:
            if node.name == name and _starts_at(node, line):
                return module, node
        return None

    def judges_task_call(self, path: str, line: int, column: int, config: Config) -> bool:
        """Whether the core decides about the call at ``line``/``column`` (mypy's positions are
        ``ast``'s): it knows the callee as a task creator, or the project's own task factory keeps
        every task. Then the core's verdict, reported once mypy has checked the module, is the
        CLI's, and the type of the call adds nothing."""
        module = self.module(path)
        if module is None:
            return False
        if tasks_kept_by_a_factory(module):
            return True
        analysis = TaskAnalysis(FileContext(module, config))
        return any(
            call.lineno == line and call.col_offset == column and analysis.creator_label(call) is not None
            for call in module.index.calls
        )

    def leaves_task_unowned(self, module: ModuleInfo, func: ast.stmt, config: Config) -> bool:
        if not isinstance(func, FUNCTION_NODES) or isinstance(func, ast.AsyncFunctionDef):
            return False
        return TaskAnalysis(FileContext(module, config)).leaves_task_unowned(module, func)


def _starts_at(node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef, line: int) -> bool:
    """mypy places a decorated definition on its first decorator's line, ``ast`` on ``def``."""
    return node.lineno == line or any(decorator.lineno == line for decorator in node.decorator_list)
