"""Audit the rename packs against the libraries themselves.

For each pack, the old and the new version of its library (the pack's ``[audit]`` table) are
installed side by side, each in its own venv under a cache folder (``pip install --no-deps``: the
source is read, never imported), and their public classes and module names are compared:

- a public member of a class (method, property, class attribute, annotation, ``self.x``) or a
  public module-level name that exists in the old version and not in the new one *disappeared*;
- a disappeared name whose class (or module) gained a related name (a shared word, or mostly the
  same letters; the same rule as ``tradelint renames``) was *renamed*, probably;
- a name the new version still has but marks deprecated (``typing_extensions.deprecated``,
  ``warnings.warn(..., DeprecationWarning)``) is listed with its message too, as is the old
  version's deprecation message of a disappeared name (web3 5's ``@deprecated_for("keccak")``).

A pack whose library is too large to read whole (ccxt: thousands of classes, each exchange a
module of several hundred kilobytes, three times over) sets ``scope = "module-names"`` in its
``[audit]`` table: only the modules that own the pack's entries are read, each for its top-level
statements and its submodules' file names, never a class body. A name that disappeared there and
whose old definition was an alias class (a subclass of one name the new version still has, with
an empty body or marked ``'alias': True`` as ccxt does) was renamed to that name. The letter
heuristics are not used there: two exchange ids that share letters are two exchanges.

Classes are matched by name across modules (web3 6 moved ``web3/contract.py`` to
``web3/contract/contract.py``), with the members of same-package bases included. Each pack's
coverage is how many of the renamed and deprecated names it has an entry for; ``--record`` writes
the counts and the uncovered names into the pack's ``[audit]`` table.

    python benchmarks/audit_packs.py                    # every pack
    python benchmarks/audit_packs.py --pack web3-v6 --json web3.json
    python benchmarks/audit_packs.py --record           # update the packs' [audit] tables
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys
import venv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tradelint.commands.renames import related_names  # noqa: E402
from tradelint.core.rename_packs import RenamePack, available_packs, load_pack  # noqa: E402

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tradelint-pack-audit"
DEPRECATED = re.compile(r"deprecat", re.IGNORECASE)
SKIP_PARTS = {"tests", "test", "testing", "_testing", "conftest"}


@dataclass
class ClassInfo:
    module: str
    members: dict[str, str | None] = field(default_factory=dict)  # name -> deprecation message
    bases: list[str] = field(default_factory=list)  # base class names (last component)


@dataclass
class Surface:
    """The public names of one installed version."""

    classes: dict[str, ClassInfo] = field(default_factory=dict)  # by class name
    modules: dict[str, dict[str, str | None]] = field(default_factory=dict)  # module -> name -> deprecation

    def all_members(self, name: str, seen: frozenset[str] = frozenset()) -> set[str]:
        info = self.classes.get(name)
        if info is None or name in seen:
            return set()
        found = set(info.members)
        for base in info.bases:
            found |= self.all_members(base, seen | {name})
        return found


def install(cache: Path, library: str, version: str) -> Path:
    """A venv holding ``library==version`` alone; its site-packages folder."""
    target = cache / f"{library}-{version}"
    marker = target / ".installed"
    if not marker.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(target)
        python = target / ("Scripts" if os.name == "nt" else "bin") / "python"
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check", f"{library}=={version}"],
            check=True,
        )
        marker.write_text(f"{library}=={version}\n", encoding="utf-8")
    found = sorted(target.glob("lib/python*/site-packages")) or sorted(target.glob("Lib/site-packages"))
    return found[0]


def _deprecation(node: ast.AST) -> str | None:
    """The message of a deprecation marker on a definition: a decorator or a warning in its body."""
    calls: list[ast.Call] = []
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        calls += [d for d in node.decorator_list if isinstance(d, ast.Call)]
        for d in node.decorator_list:
            if not isinstance(d, ast.Call) and DEPRECATED.search(ast.unparse(d)):
                return ast.unparse(d)
        for stmt in node.body[:4] if not isinstance(node, ast.ClassDef) else []:
            calls += [n for n in ast.walk(stmt) if isinstance(n, ast.Call)]
        doc = ast.get_docstring(node) or ""
        said = [" ".join(line.split()) for line in re.split(r"\n\s*\n", doc) if DEPRECATED.search(line)]
        if said and not calls:
            return said[0]  # ``.. CAUTION:: Deprecated for :meth:`unsafe_sign_hash`.``
    elif isinstance(node, ast.Assign):
        calls += [n for n in ast.walk(node.value) if isinstance(n, ast.Call)]
    for call in calls:
        text = ast.unparse(call)
        if not (DEPRECATED.search(ast.unparse(call.func)) or "DeprecationWarning" in text or "FutureWarning" in text):
            continue
        if isinstance(node, ast.Assign):
            return text  # ``getBalance = DeprecatedMethod(get_balance, 'getBalance', 'get_balance')``
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                return arg.value
            if isinstance(arg, (ast.JoinedStr, ast.BinOp)):
                return ast.unparse(arg)
            if isinstance(arg, ast.Call) and arg.args and isinstance(arg.args[0], (ast.Constant, ast.JoinedStr)):
                first = arg.args[0]
                return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ast.unparse(first)
        return text
    return None


def _public(name: str) -> bool:
    return not name.startswith("_")


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.If):
            yield from _statements(stmt.body)
            yield from _statements(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            for block in (stmt.body, stmt.orelse, *(h.body for h in stmt.handlers)):
                yield from _statements(block)


def read_surface(site: Path, module: str) -> Surface:
    surface = Surface()
    package = site / module
    files = [package.with_suffix(".py")] if not package.is_dir() else sorted(package.rglob("*.py*"))
    # A stub beside a module describes the same module: read the stub (``.pyi`` first).
    chosen: dict[Path, Path] = {}
    for file in files:
        if file.suffix not in (".py", ".pyi"):
            continue
        key = file.with_suffix("")
        if key not in chosen or file.suffix == ".pyi":
            chosen[key] = file
    for key, file in sorted(chosen.items()):
        rel = key.relative_to(site).parts
        if rel[-1] == "__init__":
            rel = rel[:-1]
        if any(not _public(p) or p in SKIP_PARTS for p in rel[1:]):
            continue
        try:
            tree = ast.parse(file.read_bytes())
        except (SyntaxError, ValueError):
            continue
        dotted = ".".join(rel)
        names = surface.modules.setdefault(dotted, {})
        for stmt in _statements(tree.body):
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and _public(stmt.name):
                names[stmt.name] = _deprecation(stmt)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    if isinstance(target, ast.Name) and _public(target.id):
                        names[target.id] = _deprecation(stmt) if isinstance(stmt, ast.Assign) else None
            elif isinstance(stmt, ast.ImportFrom) and file.stem == "__init__":
                for alias in stmt.names:
                    local = alias.asname or alias.name
                    if local != "*" and _public(local):
                        names.setdefault(local, None)
            if isinstance(stmt, ast.ClassDef) and _public(stmt.name):
                info = surface.classes.setdefault(stmt.name, ClassInfo(dotted))
                info.bases += [ast.unparse(b).rpartition(".")[2] for b in stmt.bases]
                _class_members(stmt, info)
    return surface


def _module_file(site: Path, dotted: str) -> Path | None:
    """The stub or source of a module (``.pyi`` first): ``pkg/__init__.py*`` or ``pkg/mod.py*``."""
    base = site.joinpath(*dotted.split("."))
    for candidate in (base / "__init__.pyi", base / "__init__.py", base.with_suffix(".pyi"), base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def read_module_names(site: Path, modules: list[str]) -> Surface:
    """The cheap surface of ``scope = "module-names"``: each module's top-level names (definitions,
    assignments, imports of a package's ``__init__``) and its public submodules, with the deprecation
    message of an alias class (see :func:`alias_of`). No class body is read."""
    surface = Surface()
    for dotted in modules:
        file = _module_file(site, dotted)
        if file is None:
            continue
        names = surface.modules.setdefault(dotted, {})
        try:
            tree = ast.parse(file.read_bytes())
        except (SyntaxError, ValueError):
            tree = ast.Module(body=[], type_ignores=[])
        for stmt in _statements(tree.body):
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and _public(stmt.name):
                names[stmt.name] = _deprecation(stmt)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
                    if isinstance(target, ast.Name) and _public(target.id):
                        names[target.id] = None
            elif isinstance(stmt, ast.ImportFrom) and file.stem == "__init__":
                for alias in stmt.names:
                    local = alias.asname or alias.name
                    if local != "*" and _public(local):
                        names.setdefault(local, None)
        if file.stem == "__init__":
            # A submodule is an attribute of its package once imported (``ccxt.okex``).
            for child in sorted(file.parent.iterdir()):
                stem = child.name.partition(".")[0]
                if _public(stem) and stem.isidentifier() and stem not in SKIP_PARTS and (
                    child.suffix in (".py", ".pyi") or (child / "__init__.py").is_file()
                ):
                    names.setdefault(stem, None)
    return surface


def alias_of(site: Path, module: str, name: str) -> tuple[str, str | None] | None:
    """(base, marker) when ``module.name`` is an alias class: a class of that name, in the module or
    its submodule of that name, whose first base is a plain name and whose body is empty or says
    ``'alias': True`` (ccxt 4.1's ``class okex(okx, ImplicitAPI)``; not ``class flowbtc(ndax)``,
    a white-label exchange with its own urls)."""
    for dotted in (f"{module}.{name}", module):
        file = _module_file(site, dotted)
        if file is None:
            continue
        try:
            tree = ast.parse(file.read_bytes())
        except (SyntaxError, ValueError):
            continue
        for stmt in tree.body:
            if not (isinstance(stmt, ast.ClassDef) and stmt.name == name and stmt.bases):
                continue
            first = stmt.bases[0]
            base = first.id if isinstance(first, ast.Name) else first.attr if isinstance(first, ast.Attribute) else None
            empty = all(isinstance(s, (ast.Pass, ast.Expr)) for s in stmt.body)
            marked = "'alias': True" in ast.unparse(stmt)
            if base is None or base == name or not (empty or marked):
                return None
            return base, ("'alias': True" if marked else None)
    return None


def compare_module_names(old: Surface, new: Surface, old_site: Path) -> list[Change]:
    """:func:`compare` for ``scope = "module-names"``: a disappeared alias class was renamed to its
    base, followed through aliases that disappeared too (``okex5`` -> ``okex`` -> ``okx``)."""
    changes = []
    for module, names in sorted(old.modules.items()):
        now = new.modules.get(module)
        if now is None:
            continue
        for name in sorted(n for n in names if n not in now):
            target, message, seen = name, names[name], {name}
            while target not in now:
                found = alias_of(old_site, module, target)
                if found is None or found[0] in seen:
                    break
                target, marker = found
                message = message or marker
                seen.add(target)
            new_name = target if target in now and target != name else None
            changes.append(Change(module, name, "renamed" if new_name else "disappeared", new_name, message))
    return changes


def _class_members(cls: ast.ClassDef, info: ClassInfo) -> None:
    for stmt in _statements(cls.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            info.members.setdefault(stmt.name, _deprecation(stmt))
            if stmt.name == "__init__" or not stmt.name.startswith("_"):
                for node in ast.walk(stmt):
                    if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                        if isinstance(node.value, ast.Name) and node.value.id == "self":
                            info.members.setdefault(node.attr, None)
        elif isinstance(stmt, ast.ClassDef):
            info.members.setdefault(stmt.name, None)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    info.members.setdefault(target.id, _deprecation(stmt) if isinstance(stmt, ast.Assign) else None)


@dataclass
class Change:
    owner: str  # the class name, or the module's dotted name
    old: str
    kind: str  # "renamed", "disappeared" or "deprecated"
    new: str | None = None
    message: str | None = None
    covered: bool = False

    def label(self) -> str:
        target = f" -> {self.new}" if self.new else ""
        return f"{self.owner}.{self.old}{target}"


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _pair(gone: list[str], came: list[str], kept: set[str], messages: dict[str, str | None]) -> dict[str, str]:
    """Old name -> new name: named by the old version's deprecation message (``@deprecated_for(
    "keccak")``), its snake_case spelling kept beside it (web3 5's ``getBalance`` and
    ``get_balance``), or the one related name that appeared."""
    found: dict[str, str] = {}
    for name in gone:
        message = messages.get(name)
        named = _named_in(message, kept | set(came)) if message else None
        if named is not None and named != name:
            found[name] = named
            continue
        if _snake(name) != name and _snake(name) in kept | set(came):
            found[name] = _snake(name)
            continue
        candidates = [c for c in came if related_names(name, c)]
        # ``get_perp_market`` -> ``get_perp_market_account`` (not ``..._accounts``): the shortest
        # new name that extends the old one.
        extended = sorted((c for c in candidates if c.startswith(name)), key=len)
        if len(extended) == 1 or (len(extended) > 1 and len(extended[0]) < len(extended[1])):
            found[name] = extended[0]
        elif len(candidates) == 1:
            found[name] = candidates[0]
    return found


def compare(old: Surface, new: Surface) -> list[Change]:
    changes: list[Change] = []
    for name, info in sorted(old.classes.items()):
        if name not in new.classes:
            continue
        before = {m for m in old.all_members(name) if _public(m)}
        after = {m for m in new.all_members(name) if _public(m)}
        gone = sorted(before - after)
        messages = {m: _message(old, name, m) for m in gone}
        renamed = _pair(gone, sorted(after - before), after & before, messages)
        for member in gone:
            changes.append(
                Change(name, member, "renamed" if member in renamed else "disappeared", renamed.get(member),
                       _message(old, name, member))
            )
        for member in sorted(before & after):
            message = _message(new, name, member)
            if message is not None:
                changes.append(Change(name, member, "deprecated", _named_in(message, after - {member}), message))
    for module, names in sorted(old.modules.items()):
        if module not in new.modules:
            continue
        now = new.modules[module]
        gone = sorted(n for n in names if n not in now)
        renamed = _pair(gone, sorted(set(now) - set(names)), set(now) & set(names), names)
        for name in gone:
            changes.append(
                Change(module, name, "renamed" if name in renamed else "disappeared", renamed.get(name), names[name])
            )
    return changes


def _message(surface: Surface, cls: str, member: str, seen: frozenset[str] = frozenset()) -> str | None:
    info = surface.classes.get(cls)
    if info is None or cls in seen:
        return None
    if member in info.members:
        return info.members[member]
    for base in info.bases:
        found = _message(surface, base, member, seen | {cls})
        if found is not None:
            return found
    return None


def _named_in(message: str, names: set[str]) -> str | None:
    """The replacement a deprecation message names (``use `model_dump` instead``)."""
    mentioned = [n for n in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", message) if n in names]
    return mentioned[0] if mentioned else None


def coverage(pack: RenamePack, changes: list[Change], old: Surface, exact_modules: bool = False) -> None:
    """A change is covered by an entry for the same old name on its class, a base or a subclass of
    it (tradelint follows the hierarchy: an entry on web3's ``BaseProvider`` covers ``HTTPProvider``),
    or, for a module's name, on that module or a package or module around it (``web3.middleware``
    re-exports ``web3.middleware.attrdict``'s names); with ``exact_modules`` (``scope = "module-names"``)
    on that module only: ``ccxt.pro`` is its own namespace, not a re-export of ``ccxt``."""
    owners: dict[str, set[str]] = {}
    for entry in pack.entries:
        for owner in entry.owners:
            owners.setdefault(entry.old, set()).add(owner)
    for change in changes:
        candidates = owners.get(change.old, set())
        if change.owner in old.classes:
            family = _ancestors(old, change.owner) | _descendants(old, change.owner)
            change.covered = any(c.rpartition(".")[2] in family for c in candidates)
        else:
            change.covered = any(
                change.owner == c
                or (not exact_modules and (change.owner.startswith(c + ".") or c.startswith(change.owner + ".")))
                for c in candidates
            )


def _ancestors(surface: Surface, name: str, seen: frozenset[str] = frozenset()) -> set[str]:
    info = surface.classes.get(name)
    if info is None or name in seen:
        return {name}
    found = {name}
    for base in info.bases:
        found |= _ancestors(surface, base, seen | {name})
    return found


def _descendants(surface: Surface, name: str) -> set[str]:
    found = {name}
    grew = True
    while grew:
        grew = False
        for cls, info in surface.classes.items():
            if cls not in found and found & set(info.bases):
                found.add(cls)
                grew = True
    return found


def audit(pack: RenamePack, cache: Path) -> dict[str, Any]:
    table = _audit_table(pack.name)
    old_version, new_version = str(table["old"]), str(table["new"])
    old_site = install(cache, pack.library, old_version)
    new_site = install(cache, pack.library, new_version)
    if table.get("scope") == "module-names":
        owners = sorted({pack.module, *(o for e in pack.entries for o in e.owners)})
        old_surface = read_module_names(old_site, owners)
        changes = compare_module_names(old_surface, read_module_names(new_site, owners), old_site)
        return _result(pack, table, changes, old_surface)
    old_surface = read_surface(old_site, pack.module)
    changes = compare(old_surface, read_surface(new_site, pack.module))
    extra = table.get("modules", [])
    for module in extra if isinstance(extra, list) else []:
        more = read_surface(old_site, module)
        changes += compare(more, read_surface(new_site, module))
        old_surface.classes.update({k: v for k, v in more.classes.items() if k not in old_surface.classes})
    return _result(pack, table, changes, old_surface)


def _result(pack: RenamePack, table: dict[str, Any], changes: list[Change], old_surface: Surface) -> dict[str, Any]:
    old_version, new_version = str(table["old"]), str(table["new"])
    coverage(pack, changes, old_surface, exact_modules=table.get("scope") == "module-names")
    # What a pack should cover: the names with a replacement, found by the heuristics above or by
    # the pack itself (an entry for a name the heuristics left as merely disappeared).
    wanted = [c for c in changes if (c.kind in ("renamed", "deprecated") and c.new) or c.covered]
    return {
        "pack": pack.name,
        "library": pack.library,
        "old": old_version,
        "new": new_version,
        "disappeared": sum(c.kind != "deprecated" for c in changes),
        "renamed": sum(c.kind == "renamed" for c in changes),
        "deprecated": sum(c.kind == "deprecated" for c in changes),
        "to_cover": len(wanted),
        "covered": sum(c.covered for c in wanted),
        "uncovered": [c.label() for c in wanted if not c.covered],
        "changes": [c.__dict__ for c in changes],
    }


def _audit_table(name: str) -> dict[str, Any]:
    text = (ROOT / "tradelint" / "packs" / f"{name}.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text).get("audit")
    if not isinstance(table, dict) or "old" not in table or "new" not in table:
        raise SystemExit(f"packs/{name}.toml: no [audit] table with 'old' and 'new' versions")
    return table


def record(result: dict[str, Any]) -> None:
    """Rewrite the counts and the uncovered names of the pack's ``[audit]`` table."""
    path = ROOT / "tradelint" / "packs" / f"{result['pack']}.toml"
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("\n[audit]\n")
    body = rest.split("\n[", 1)
    # A comment block after the table (make_rename_pack.py's marker before its generated entries)
    # belongs to what follows.
    own, comment, after = body[0].partition("\n\n#")
    if comment:
        body = [own, "".join(["#", after, "\n[", body[1]]) if len(body) > 1 else "#" + after]
        tail_text = "\n\n" + body[1]
    table = tomllib.loads("[audit]\n" + body[0])["audit"]
    lines = [f'old = "{table["old"]}"', f'new = "{table["new"]}"']
    if "modules" in table:
        lines.append("modules = [" + ", ".join(f'"{m}"' for m in table["modules"]) + "]")
    if "scope" in table:
        lines.append(f'scope = "{table["scope"]}"')
    lines += [
        f"disappeared = {result['disappeared']}",
        f"renamed = {result['renamed']}",
        f"deprecated = {result['deprecated']}",
        f"to-cover = {result['to_cover']}",
        f"covered = {result['covered']}",
        "uncovered = [" + "".join(f'\n    "{name}",' for name in result["uncovered"]) + ("\n]" if result["uncovered"] else "]"),
    ]
    tail = tail_text if comment else ("\n[" + body[1]) if len(body) > 1 else "\n"
    path.write_text(head + "\n[audit]\n" + "\n".join(lines) + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pack", action="append", help="a pack name (default: every pack)")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, help=f"venvs go here (default: {DEFAULT_CACHE})")
    parser.add_argument("--json", type=Path, help="write every change found, per pack, as JSON")
    parser.add_argument("--record", action="store_true", help="write the coverage into each pack's [audit] table")
    args = parser.parse_args(argv)
    names = args.pack or sorted(available_packs())
    results = []
    for name in names:
        result = audit(load_pack(name), args.cache_dir)
        results.append(result)
        print(
            f"{name}: {result['library']} {result['old']} -> {result['new']}: {result['disappeared']} public names "
            f"disappeared ({result['renamed']} renamed), {result['deprecated']} deprecated; "
            f"{result['covered']} of {result['to_cover']} renamed or deprecated-for names covered"
        )
        for label in result["uncovered"]:
            print(f"  not covered: {label}")
        if args.record:
            record(result)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
