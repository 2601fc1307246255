"""Why a leak site was missed: a type the model never knew, or a creation it judged released.

Reads the ``--json`` of ``score_leak_fixes.py`` (one or several files: a pool's ``e*.json``) and,
for every TRD2 site the default rules missed, extracts the fix's parent again (as the scorer does,
from ``MIRRORS/owner+name/repo``) and asks tradelint's resource model, in this process, what it
makes of the site's statement:

- ``judged``: the model sees a resource made there (a creation of its kind: local, self, handed,
  ...) and judged it released, handed on or kept by an owner that ends it (no finding);
- ``unknown``: the model sees no resource made there at all. The call on the site's line is then
  sorted by what it calls: ``third_party`` (a name imported from a package neither the project nor
  the standard library has, as tradelint's ``facts.first_party.supplies`` decides it: a library
  not installed here nor read into the library table), ``first_party`` (a class or function of
  the project itself, a name the module defines or imports from a package of the project, or a
  relative import), ``stdlib``, ``method`` (a method
  of a value, ``self.browser.new_context(...)``, ``pool.acquire()``: its receiver's type decides)
  and ``other`` (no call on the line, a subscript's call, ...).

The split tells where recall is lost: type knowledge (what a call makes) or lifetime reasoning (how
long it lives). A missed TRD3 site is sorted by whether its statement calls a creator the task
model asks of every call (``task:creator``: seen, and judged kept or ended) or not
(``task:other``). ``--counts`` prints the totals alone, for a held-out set whose sites are not to be
read; without it, one line per site with its statement.

    PYTHONPATH=SRC python benchmarks/miss_causes.py JSON... [--mirrors /work/.mirror] [--counts]

``SRC`` is the tradelint tree to ask (the one the JSON was scored with). Nothing of the
repositories is committed.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import collections
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from score_leak_fixes import extract, git_dir_of  # noqa: E402  (the scorer's own extraction)

from tradelint.core.config import config_for  # noqa: E402
from tradelint.facts.context import ModuleInfo, Project  # noqa: E402
from tradelint.facts.first_party import supplies  # noqa: E402
from tradelint.facts.file_context import FileContext  # noqa: E402
from tradelint.models.resources.resource_model import ResourceAnalysis, resource_analysis  # noqa: E402
from tradelint.models.tasks.site_apis import SITE_ATTRIBUTES  # noqa: E402


def _statement(tree: ast.Module, line: int) -> ast.stmt | None:
    """The innermost statement that starts on ``line``."""
    found: ast.stmt | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno == line:
            if found is None or (node.col_offset, -(node.end_lineno or 0)) > (found.col_offset, -(found.end_lineno or 0)):
                found = node
    return found


def _site_call(stmt: ast.stmt) -> ast.Call | None:
    """The call a site's statement makes its value with: the assigned, returned or yielded value
    (an ``await`` and a conditional's branches looked through), else the first call in it."""
    value: ast.AST | None = getattr(stmt, "value", None)
    if isinstance(stmt, (ast.If, ast.While)):
        value = stmt.test
    seen = [value] if value is not None else []
    while seen:
        node = seen.pop(0)
        if isinstance(node, ast.Await):
            seen.append(node.value)
        elif isinstance(node, ast.NamedExpr):
            seen.append(node.value)
        elif isinstance(node, ast.IfExp):
            seen.extend([node.body, node.orelse])
        elif isinstance(node, ast.BoolOp):
            seen.extend(node.values)
        elif isinstance(node, ast.Compare):
            seen.append(node.left)
        elif isinstance(node, ast.Call):
            return node
    calls = [n for n in ast.walk(stmt) if isinstance(n, ast.Call)]
    return min(calls, key=lambda c: (c.lineno, c.col_offset)) if calls else None


def _relative_imports(tree: ast.Module) -> set[str]:
    return {alias.asname or alias.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level for alias in n.names}


def _defined(tree: ast.Module) -> set[str]:
    return {n.name for n in ast.walk(tree) if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))}


def callee_kind(module: ModuleInfo, call: ast.Call | None) -> str:
    if call is None:
        return "other"
    func = call.func
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Call):
        return callee_kind(module, func)
    if not isinstance(func, ast.Name):
        return "other"
    head = func.id
    if head in _relative_imports(module.tree):
        return "first_party"  # (the project's own, extracted or not)
    source = module.imports.names.get(head)
    if source is not None:
        if source.split(".")[0] in sys.stdlib_module_names:
            return "stdlib"
        # As tradelint decides it: whether the project's modules supply the name imported.
        return "first_party" if supplies(module.project, source, module.roots) else "third_party"
    if head in _defined(module.tree):
        return "first_party"
    if hasattr(builtins, head):
        return "other"
    return "method" if parts else "other"


def task_cause(module: ModuleInfo, line: int) -> str:
    """A missed TRD3 site: ``task:creator`` when its statement calls a creator the task model
    asks of every call (``create_task``, ``ensure_future``, ``gather``, a loop's or Home
    Assistant's creators: ``site_apis.SITE_ATTRIBUTES``), so the task was seen and judged kept or
    ended; ``task:other`` when it does not (a first-party wrapper, a library's spawner, a callback
    scheduler), so whether it makes a task at all is what decided."""
    stmt = _statement(module.tree, line)
    calls = [] if stmt is None else [n for n in ast.walk(stmt) if isinstance(n, ast.Call)]
    named = {c.func.attr if isinstance(c.func, ast.Attribute) else c.func.id if isinstance(c.func, ast.Name) else "" for c in calls}
    return "task:creator" if named & SITE_ATTRIBUTES else "task:other"


def causes(result: dict[str, Any], mirrors: Path) -> list[tuple[str, str, str]]:
    """(cause, site, statement) for each site the default rules missed in one scored entry."""
    missed = [(v["site"], v.get("text", "")) for v in result["modes"]["default"]["sites"] if not v["found"]]
    if not missed:
        return []
    out = []
    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="miss-causes-") as tmp:
        root = Path(tmp) / "parent"
        root.mkdir()
        # (the scorer's scope holds the top folder of each site outside it already)
        extract(git_dir_of(mirrors, result["repo"]), result["parent"], result["scope"], root)
        os.chdir(root)
        try:
            project = Project()
            analyses: dict[Path, ResourceAnalysis] = {}  # one per file, for all its sites
            for site, statement in missed:
                path, line_text, _ = site.rsplit(":", 2)
                line, file = int(line_text), root / path
                try:
                    module = project.module_at(file)
                    if module is None:
                        out.append(("other:unparsed", site, ""))
                        continue
                    if site.endswith(":TRD3"):
                        out.append((task_cause(module, line), site, statement))
                        continue
                    analysis = analyses.get(file)
                    if analysis is None:
                        analysis = analyses[file] = resource_analysis(FileContext(module, config_for(file)))
                    made = [c for c in analysis.creations
                            if c.call.lineno == line or getattr(c.stmt, "lineno", 0) <= line <= (getattr(c.stmt, "end_lineno", 0) or 0)]
                    if made:
                        out.append((f"judged:{made[0].kind}", site, statement))
                        continue
                    stmt = _statement(module.tree, line)
                    call = None if stmt is None else _site_call(stmt)
                    out.append((f"unknown:{callee_kind(module, call)}", site, statement))
                except Exception as error:  # a diagnostic: say so and go on
                    out.append((f"error:{type(error).__name__}", site, statement))
        finally:
            os.chdir(here)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("json", nargs="+", type=Path, help="score_leak_fixes.py --json outputs")
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--counts", action="store_true", help="print the totals alone (a held-out set)")
    args = parser.parse_args(argv)
    totals: collections.Counter[str] = collections.Counter()
    for path in args.json:
        for result in json.loads(path.read_text(encoding="utf-8")).get("results", []):
            for cause, site, statement in causes(result, args.mirrors):
                totals[cause] += 1
                if not args.counts:
                    print(f"{cause:24} {result['repo']} {result['commit'][:10]} {site} | {statement[:100]}", flush=True)
    families = collections.Counter(cause.split(":")[0] for cause in totals.elements())
    print(f"missed sites: {sum(totals.values())}; " + ", ".join(f"{k} {v}" for k, v in sorted(families.items())))
    for cause, count in sorted(totals.items()):
        print(f"  {cause}: {count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
