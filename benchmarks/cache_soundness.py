"""Does every cross-module read of a check follow the dependency closure the cache stores?

Each file of a tree is checked with the project's memos emptied first (as the language server
does), so that every module its check needs is asked for again, and every ``find_path`` and
``module_at`` call is recorded. A read is covered when the module asking could have asked it:
some module of the file's closure (its import closure, as ``dependencies.module_names`` summarizes
modules) has that name in its summary and the same import roots; or the file lies under a scan
the check noted (``Project.note_scan``); or the read was from an installed package's folders
(covered by the environment digest). Anything else is printed: a result the cache could serve
stale.

    python benchmarks/cache_soundness.py tests/fixtures ~/.cache/tradelint-corpus/ccxt-4.5.90
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tradelint.cli import discover
from tradelint.core.config import Config, config_for
from tradelint.facts.context import ModuleInfo, Project
from tradelint.runner import dependencies
from tradelint.runner.cache_scans import search_reads
from tradelint.runner.engine import Checker


class Recording(Project):
    def __init__(self) -> None:
        super().__init__(module_budget=None)
        self.asked: list[tuple[str, tuple[Path, ...], Path | None]] = []
        self.opened: list[Path] = []

    def find_path(self, dotted: str, roots: tuple[Path, ...]) -> Path | None:
        found = super().find_path(dotted, roots)
        self.asked.append((dotted, roots, found))
        return found

    def module_at(self, path: Path) -> ModuleInfo | None:
        self.opened.append(Path(os.path.abspath(path)))
        return super().module_at(path)


def closure(project: Project, path: Path, config: Config) -> tuple[set[Path], set[tuple[str, tuple[Path, ...]]]]:
    modules: set[Path] = set()
    asked: set[tuple[str, tuple[Path, ...]]] = set()
    stack = [path]
    first = True
    while stack:
        current = stack.pop()
        if current in modules:
            continue
        modules.add(current)
        info = project.module_at(current)
        names = set(dependencies.module_names(info)) if info is not None else set()
        if first:
            names |= dependencies.config_names(config)
            first = False
        roots = project.locate(current)[1]
        for name in names:
            asked.add((name, roots))
            found = project.find_path(name, roots)
            if found is not None and found not in modules:
                stack.append(Path(os.path.abspath(found)))
    return modules, asked


_COVER: dict[tuple[str, str], tuple[set[Path], set[tuple[str, tuple[Path, ...]]]]] = {}


def words_cover(project: Project, kind: str, folder: str) -> tuple[set[Path], set[tuple[str, tuple[Path, ...]]]]:
    """What a ``words`` scan covers (``runner/cache_scans.py``): the files under ``folder`` naming
    a generic word or one of its words, and the modules and names of their import closures."""
    if (kind, folder) not in _COVER:
        from tradelint.facts.project_files import project_files
        from tradelint.models.dataclasses.family_index import WORD
        from tradelint.models.dataclasses.field_uses import GENERIC_WORDS

        words = set(kind.split()[1:])
        modules: set[Path] = set()
        asked: set[tuple[str, tuple[Path, ...]]] = set()
        for file in project_files(project, Path(folder)) or []:
            text = project.read_text(file)
            if text is None or not (GENERIC_WORDS.search(text) or words & set(WORD.findall(text))):
                continue
            found, names = closure(project, Path(os.path.abspath(file)), config_for(file))
            modules |= found
            asked |= names
        _COVER[kind, folder] = (modules, asked)
    return _COVER[kind, folder]


def main() -> None:
    uncovered = 0
    reads = 0
    other_roots = 0
    for tree in sys.argv[1:]:
        files = list(discover([Path(tree).expanduser()], None))
        summary_project = Project(module_budget=None)
        for file in files:
            file = Path(os.path.abspath(file))
            config = config_for(file)
            # A project of its own for each file: no memo, no lazily built table of another file.
            project = Recording()
            Checker(project).check_path(file, config)
            modules, names = closure(summary_project, file, config)
            scans = set(project.scans)
            installed = {root for roots in project.installed_roots.values() for root in roots}

            def under(path: Path | str, folder: str) -> bool:
                return str(path) == folder or str(path).startswith(folder + os.sep)

            def scanned(path: Path | None, roots: tuple[Path, ...] = (), dotted: str = "") -> bool:
                """A read of a module the check searched as part of a whole tree or folder, of a
                module naming a searched word, or of one a field search's files reach."""
                for kind, folder in scans:
                    if kind == "tree" and (path is None or under(path, folder)) and all(under(r, folder) for r in roots):
                        return True
                    if kind == "folder" and path is not None and str(path.parent) == folder:
                        return True
                    if kind.startswith(("mentions ", "releases ")) and path is not None and under(path, folder):
                        if search_reads(kind, os.path.relpath(path, folder), Path(path).read_bytes()):
                            return True  # (the cache stores no closure for these: none is covered)
                    if kind.startswith("words "):
                        covered, asked = words_cover(summary_project, kind, folder)
                        if (path is not None and Path(os.path.abspath(path)) in covered) or (path is None and (dotted, roots) in asked):
                            return True
                return False

            known = {name for name, _ in names}
            for dotted, roots, found in project.asked:
                reads += 1
                if (dotted, roots) in names or (roots and set(roots) <= installed) or scanned(found, roots, dotted):
                    continue
                if dotted in known and (found is None or Path(os.path.abspath(found)) in modules):
                    # A name of the closure, asked from another module's roots (a name that flows
                    # from one module into another's analysis): the same answer as from its own.
                    other_roots += 1
                    if found is None and any(summary_project.find_path(dotted, r) for n, r in names if n == dotted):
                        uncovered += 1
                        print(f"{file}: find_path({dotted!r}) from {[str(r) for r in roots]}: no module, one from its own roots")
                    continue
                uncovered += 1
                print(f"{file}: find_path({dotted!r}) from {[str(r) for r in roots]} -> {found}")
            for path in project.opened:
                reads += 1
                if path in modules or scanned(path) or "site-packages" in path.parts or path == file:
                    continue
                if any(str(path).startswith(str(root) + os.sep) for root in installed):
                    continue
                uncovered += 1
                print(f"{file}: module_at({path})")
        print(f"{tree}: {len(files)} files checked")
    print(f"{reads} reads, {uncovered} not covered by the stored closure ({other_roots} names of the closure asked"
          " from another module's roots, with the same answer)")


if __name__ == "__main__":
    main()
