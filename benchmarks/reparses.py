"""Re-parses of a bounded check, in one process, and what asked for them (issue 19).

Usage: python benchmarks/reparses.py BUDGET PATH... [--callers] [--size] [--findings FILE] [--hosted]

Checks every file under PATH with one batch checker (as the runner does) and a project whose
module budget is BUDGET bytes of source (``none``: keep every tree). Prints the findings count,
``Project.parses``, ``Project.reparses`` and the CPU time; ``--callers`` also counts each re-parse
by the first four tradelint frames that asked for it; ``--size`` compares, per module, the memory
traced for its summary with that of its tree and index, and the summaries' JSON with the source;
``--findings FILE`` writes every finding as JSON (one a line, in check order), to compare runs.

``--hosted``: as the flake8 plugin checks (``api.check_tree``, one file at a time, each parsed by
``ast.parse`` first as flake8 does, from the folder above the first PATH, by relative names as
flake8 gives them); BUDGET is then ignored (the plugin's own, ``api.HOSTED_MODULE_BUDGET``). Each
parse for a lookup is counted by whether its file was handed over before (its tree was flake8's),
is handed over later, or is not among the files checked; ``--callers`` splits them by whether
only its summary was asked for.
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import time
import tracemalloc
import traceback
from pathlib import Path
from typing import Any

from tradelint.cli import discover
from tradelint.core.config import config_for
from tradelint.facts.context import ModuleInfo, Project
from tradelint.runner.engine import Checker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("budget")
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--callers", action="store_true")
    parser.add_argument("--size", action="store_true")
    parser.add_argument("--findings", type=Path)
    parser.add_argument("--hosted", action="store_true")
    args = parser.parse_args()
    files = list(discover(args.paths, None))
    if args.size:
        sizes(files)
        return
    if args.hosted:
        hosted(files, args.paths[0].resolve().parent, args.callers, args.findings)
        return
    budget = None if args.budget == "none" else int(args.budget)
    callers: collections.Counter[str] = collections.Counter()
    project = Project(module_budget=budget)
    if args.callers:
        original = Project.module_at

        def module_at(self: Project, path: Path) -> ModuleInfo | None:
            before = self.reparses
            found = original(self, path)
            if self.reparses > before:
                frames = [
                    f for f in traceback.extract_stack()[:-1]
                    if "tradelint" in f.filename and not f.filename.endswith("context.py")
                ]
                callers[" <- ".join(f"{Path(f.filename).stem}:{f.name}" for f in reversed(frames[-4:]))] += 1
            return found

        Project.module_at = module_at  # type: ignore[method-assign]
    checker = Checker(project, batch=True)
    start = time.process_time()
    found = [f for file in files for f in checker.check_path(file, config_for(file))]
    cpu = time.process_time() - start
    count = len(found)
    if args.findings is not None:
        args.findings.write_text("".join(json.dumps(f.as_json(), sort_keys=True) + "\n" for f in found))
    print(f"budget {budget}: {count} findings, {project.parses} parses, {project.reparses} re-parses, {cpu:.2f} CPU s")
    for where, times in callers.most_common(20):
        print(f"{times:7} {where}")


def hosted(files: list[Path], top: Path, callers: bool, findings: Path | None) -> None:
    import ast
    import os
    import tokenize

    from tradelint import api
    from tradelint.facts import context

    names = [str(file.resolve().relative_to(top)) for file in files]
    os.chdir(top)
    every = {os.path.abspath(name) for name in names}
    handed: set[str] = set()
    kinds: collections.Counter[str] = collections.Counter()
    real_parse = context.parse_module

    def counting(source: Any, filename: str = "<unknown>", **kwargs: Any) -> Any:
        where = "handed over before" if filename in handed else "handed over later" if filename in every else "not checked"
        if callers:
            asked = {f.name for f in traceback.extract_stack()[:-1] if f.filename.endswith("context.py")}
            where += ", summary only" if asked & {"summary"} and not asked & {"lookup", "find_module"} else ", nodes"
        kinds[where] += 1
        return real_parse(source, filename=filename, **kwargs)

    context.parse_module = counting  # type: ignore[assignment]
    indexed = [0]
    real_index = context.build_index

    def counting_index(tree: ast.Module) -> Any:
        indexed[0] += 1
        return real_index(tree)

    context.build_index = counting_index  # type: ignore[assignment]
    found = []
    start = time.process_time()
    for name in names:
        try:
            with tokenize.open(name) as handle:
                source = handle.read()
            tree = ast.parse(source)
        except (SyntaxError, ValueError, UnicodeDecodeError, OSError):
            continue
        path = Path(name)
        found.extend(api.check_tree(path, source, tree, config_for(path), display=name))
        handed.add(os.path.abspath(name))
    cpu = time.process_time() - start
    project = api._HOSTED[0].project if api._HOSTED else None
    if findings is not None:
        findings.write_text("".join(json.dumps(f.as_json(), sort_keys=True) + "\n" for f in found))
    parses = project.parses if project else 0
    reparses = project.reparses if project else 0
    handed_on = getattr(project, "handed_on", None)
    print(
        f"hosted: {len(names)} files, {len(found)} findings, {parses} parses, {reparses} re-parses, "
        f"{indexed[0]} trees indexed, {handed_on} handed over and checked on the tree parsed before, "
        f"{cpu:.2f} CPU s (with flake8's parses)"
    )
    for where, times in sorted(kinds.items()):
        print(f"{times:7} {where}")


def sizes(files: list[Path]) -> None:
    project = Project(module_budget=None)
    source = as_json = trees = summaries = modules = 0
    for file in files:
        source += file.stat().st_size
        gc.collect()
        tracemalloc.start()
        info = project.module_at(file)
        if info is None:
            tracemalloc.stop()
            continue
        info.index, info.imports, info.top_level  # noqa: B018 (what a checked module holds)
        tree = tracemalloc.get_traced_memory()[0]
        summary = info.summary
        total = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        trees += tree
        summaries += total - tree
        modules += 1
        data: Any = summary.to_json()
        as_json += len(json.dumps(data))
        project._modules.clear()
    mib = 2**20
    print(
        f"{modules} modules, {source / mib:.1f} MiB of source; trees and indexes {trees / mib:.1f} MiB traced, "
        f"summaries {summaries / mib:.2f} MiB ({100 * summaries / max(trees, 1):.1f} %); "
        f"summaries as JSON {as_json / mib:.2f} MiB ({100 * as_json / max(source, 1):.1f} % of the source)"
    )


if __name__ == "__main__":
    main()
