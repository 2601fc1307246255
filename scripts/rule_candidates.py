"""The pins of the lists whose source meets the syntactic conditions of the session 46 rules
(``resource_factories.py``, ``resource_tasks.py``), read with ``ast`` alone, one module at a time:
the population a targeted merge (``merge_part_entries.py --rule factories|task``) must read for
its result to equal a full regeneration's, for what each library defines itself.

A class is a candidate when, in its own body, ``__init__`` starts a task it keeps and a release
method needs no argument and ends it (``task_release``), or a public async class method returns a
new instance it opened (``opened_instance``) and the class's release method releases what it
holds (``class_release``); a module function when it returns what a callable made in it
constructs, whatever type it names (``callable_made_factory`` without the table). What the
conditions leave out is what the rules cannot enter from that library: a class inheriting its
``__init__`` or release from a base is read here through its own body only (the few of those are
left to the next full regeneration), and a holder of a newly entered type in another library is
entered only by the full regeneration.

    python scripts/rule_candidates.py --src SRC --list scripts/library_resources.txt \\
        --list scripts/library_resources_ha.txt --list scripts/library_resources_aio.txt > PINS

With ``--made``, also session 49's condition: a public class keeping on ``self`` what a method of
another value named like a maker of the table makes (``merge_part_entries.py --rule made``).
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from resource_factories import callable_made_factory, class_release, opened_instance  # noqa: E402
from resource_tasks import task_release  # noqa: E402

from tradelint.facts.returned_makers import method_of_a_value  # noqa: E402


class _AnyImports:
    """``module.imports`` for :func:`callable_made_factory` without a project: ``functools.partial``
    and ``partial`` named as they are written."""

    @staticmethod
    def qualify(node: ast.expr) -> str | None:
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "functools":
            return f"functools.{node.attr}"
        if isinstance(node, ast.Name) and node.id == "partial":
            return "functools.partial"
        return None


class _Module:
    imports = _AnyImports()


def _keeps_made(cls: ast.ClassDef, makers: frozenset[str]) -> bool:
    """Session 49's **made** condition: a method of ``cls`` keeps on ``self`` what a method of
    another value named like a maker of the table makes (``self._ws = await
    self._session.ws_connect(url)``), read as the summaries read the store they record as
    ``ClassFacts.made`` (``method_of_a_value``); ``makers``: the maker names of the libraries the
    module imports (the checker asks no other)."""
    for method in cls.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or not method.args.args:
            continue
        me = method.args.args[0].arg
        for node in ast.walk(method):
            if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if not any(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == me for t in targets):
                continue
            value = node.value.value if isinstance(node.value, ast.Await) else node.value
            if isinstance(value, ast.Call) and method_of_a_value(value, me) in makers:
                return True
    return False


def candidates(
    tree: ast.Module, makers: frozenset[str] = frozenset(), packages: dict[str, frozenset[str]] | None = None
) -> list[str]:
    """The names in ``tree`` that meet a rule's conditions (module docstring); ``makers``: the
    method names of the table's makers, for the **made** condition, and ``packages`` the
    libraries whose makers have each name: a store counts only for a maker of a library the
    module imports, as the checker's ``imported_makers`` (None: any)."""
    names: list[str] = []
    if packages is not None:
        imported = {
            (alias.name if isinstance(node, ast.Import) else node.module or "").partition(".")[0]
            for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom)) and not getattr(node, "level", 0)
            for alias in node.names
        }
        makers = frozenset(name for name in makers if packages.get(name, frozenset()) & imported)
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef) and not stmt.name.startswith("_"):
            if makers and _keeps_made(stmt, makers):
                names.append(f"{stmt.name} (kept)")
            elif task_release([stmt]) is not None:
                names.append(f"{stmt.name} (task)")
            elif class_release([stmt]) is not None and any(
                isinstance(m, ast.AsyncFunctionDef) and opened_instance(stmt, m) for m in stmt.body
            ):
                names.append(f"{stmt.name} (opened)")
        elif isinstance(stmt, ast.AsyncFunctionDef) and not stmt.name.startswith("_"):
            named = lambda node: ast.unparse(node) if node is not None else None  # noqa: E731 (any type it names)
            if callable_made_factory(_Module(), stmt, named, lambda name: True) is not None:  # type: ignore[arg-type]
                names.append(f"{stmt.name} (made)")
    return names


def main(argv: list[str] | None = None) -> int:
    import make_resource_table as gen

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", type=Path, required=True)
    parser.add_argument("--list", type=Path, action="append", default=[])
    parser.add_argument("--made", action="store_true", help="session 49's made condition too (ClassFacts.made)")
    args = parser.parse_args(argv)
    packages: dict[str, frozenset[str]] | None = None
    if args.made:
        from tradelint.models.resources.library_table import library_makers

        packages = {}
        for package, methods in library_makers().items():
            for name, _ in methods:
                packages[name] = packages.get(name, frozenset()) | {package}
    makers = frozenset(packages or ())
    for listed in args.list:
        for line in listed.read_text(encoding="utf-8").splitlines():
            pin = line.split("#", 1)[0].strip()
            if not pin:
                continue
            name, _, version = pin.partition("==")
            folder = args.src / f"{name.split('[', 1)[0].strip()}-{version.strip()}"
            if not folder.is_dir():
                continue
            found: list[str] = []
            for path in gen.modules(folder):
                try:
                    tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
                except (SyntaxError, ValueError, RecursionError):
                    continue
                found += [f"{path.relative_to(folder)}:{n}" for n in candidates(tree, makers, packages)]
            if found:
                print(f"{pin}  # {', '.join(found[:6])}{' ...' if len(found) > 6 else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
