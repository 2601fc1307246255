"""What one module's calls, attribute writes and ``match`` patterns are, whatever the class family
asking: sorted out once per run per module, so that each dataclass's field search then judges
only the calls that may construct an instance of some class (issue 34: a module of N dataclasses
and N calls made every search judge every call, N x N)."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tradelint.facts.context import ModuleInfo
from tradelint.models.dataclasses.dataclass_model import class_model
from tradelint.models.dataclasses.family_index import (
    Resolutions,
    alias_candidates,
    terminal_name,
)

# (position among the module's calls, the call, its keyword names)
Numbered = tuple[int, ast.Call, set[str | None]]


@dataclass
class ModuleCalls:
    # Calls that may construct an instance of some family (a class, a local alias's name, a
    # ``partial``/``type(x)``/``cls``/``__class__``/``__init__`` shape): judged for each family.
    strong: list[Numbered]
    # Calls of an imported name (and of a class's name): they construct a family instance only
    # when that qualified name is an alias of the family (``_Search.aliases``), by that name.
    by_qualified: dict[str, list[Numbered]]
    # Calls of a class's name (nothing else): judged only for a family that class is in.
    by_place: dict[tuple[Path, int], list[Numbered]]
    # What the calls not in ``strong`` contribute when they construct nothing: (position,
    # call), in the order of the module's calls.
    by_keyword: dict[str, list[tuple[int, ast.Call]]]
    whole_instance: list[tuple[int, ast.Call]]
    setattrs: list[tuple[int, ast.Call]]
    writes: dict[str, list[ast.Attribute]]
    match_classes: list[ast.MatchClass]
    # ``kind`` of each call, for when it constructs nothing: "whole", "setattr" or "".
    kinds: dict[int, str] = field(default_factory=dict)
    _strings: set[str] | None = None
    _plain: tuple[dict[str, list[ast.Call]], list[ast.Call], list[ast.Call]] | None = None

    def plain(self) -> tuple[dict[str, list[ast.Call]], list[ast.Call], list[ast.Call]]:
        """``by_keyword``, ``whole_instance`` and ``setattrs`` without the positions, built once
        (a family for which no call of ``strong`` or ``by_qualified`` changes them shares them)."""
        if self._plain is None:
            self._plain = (
                {k: [c for _, c in v] for k, v in self.by_keyword.items()},
                [c for _, c in self.whole_instance],
                [c for _, c in self.setattrs],
            )
        return self._plain

    def merged(
        self, extra: list[Numbered], removed: set[int]
    ) -> tuple[Mapping[str, list[ast.Call]], list[ast.Call], list[ast.Call]]:
        """The three lists with the calls of ``extra`` (of ``strong``, constructing nothing for
        this family) added and those at ``removed`` (the others, constructing) taken
        out, each in the order of the module's calls. The keywords' lists are built when asked
        (a family searches a few field names, not every keyword each call of the module passes)."""
        by_keyword, whole, setattrs = self.plain()
        if not extra and not removed:
            return by_keyword, whole, setattrs
        lists = []
        for kind, static in (("whole", self.whole_instance), ("setattr", self.setattrs)):
            numbered = [(p, c) for p, c in static if p not in removed]
            numbered += [(p, c) for p, c, _ in extra if self.kinds[p] == kind]
            lists.append([c for _, c in sorted(numbered, key=lambda n: n[0])])
        return _MergedKeywords(self, extra, removed), lists[0], lists[1]

    def strings(self, module: ModuleInfo) -> set[str]:
        if self._strings is None:
            self._strings = {n.value for n in ast.walk(module.tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        return self._strings


class _MergedKeywords(Mapping[str, list[ast.Call]]):
    """``ModuleCalls.by_keyword`` with one family's ``extra`` calls added and ``removed`` ones
    taken out, a keyword's list built (and kept) the first time it is asked for."""

    def __init__(self, calls: ModuleCalls, extra: list[Numbered], removed: set[int]) -> None:
        self._calls, self._extra, self._removed = calls, extra, removed
        self._extra_by_key: dict[str, list[tuple[int, ast.Call]]] | None = None
        self._lists: dict[str, list[ast.Call]] = {}

    def __getitem__(self, key: str) -> list[ast.Call]:
        found = self._lists.get(key)
        if found is not None:
            return found
        if self._extra_by_key is None:
            self._extra_by_key = {}
            for p, c, keywords in self._extra:
                for k in keywords:
                    if k is not None:
                        self._extra_by_key.setdefault(k, []).append((p, c))
        numbered = self._calls.by_keyword.get(key)
        added = self._extra_by_key.get(key)
        if numbered is None and added is None:
            raise KeyError(key)
        if not added and not any(p in self._removed for p, _ in numbered or ()):
            found = self._calls.plain()[0][key]
        else:
            kept = [(p, c) for p, c in numbered or () if p not in self._removed] + (added or [])
            found = [c for _, c in sorted(kept, key=lambda n: n[0])]
        self._lists[key] = found
        return found

    def __iter__(self) -> Iterator[str]:
        keys = dict.fromkeys(self._calls.by_keyword)
        keys.update(dict.fromkeys(k for _, _, kws in self._extra for k in kws if k is not None))
        return iter(keys)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def kind_of(call: ast.Call, qualified: str | None, whole_instance: set[str]) -> str:
    bare = call.func.id if isinstance(call.func, ast.Name) else ""
    if qualified in whole_instance or bare in {"asdict", "astuple", "fields"}:
        return "whole"
    if bare == "setattr" or terminal_name(call.func) == "__setattr__":
        return "setattr"
    return ""


def module_calls(
    module: ModuleInfo,
    resolved: Resolutions,
    qualified_of: Callable[[ModuleInfo, ast.expr], str | None],
    whole_instance: set[str],
    match_statement: re.Pattern[str],
) -> ModuleCalls:
    """``module``'s calls sorted out (see ``ModuleCalls``), once per run (``resolved`` keeps it)."""
    known = resolved.modules.get(module.tree)
    if isinstance(known, ModuleCalls):
        return known
    local_names = {t.id for _, targets, _ in alias_candidates(module.tree) for t in targets}
    found = ModuleCalls([], {}, {}, {}, [], [], {}, [])
    for position, call in enumerate(module.index.calls):
        func = call.func
        keywords = {kw.arg for kw in call.keywords}
        numbered = (position, call, keywords)
        qualified = resolved.qualify(module, func) if isinstance(func, (ast.Name, ast.Attribute)) else None
        found.kinds[position] = kind_of(call, qualified_of(module, func), whole_instance)
        if (
            isinstance(func, ast.Call)
            or (isinstance(func, ast.Attribute) and func.attr in ("__class__", "__init__"))
            or (isinstance(func, ast.Name) and (func.id == "cls" or func.id in local_names))
        ):
            found.strong.append(numbered)
            continue
        if isinstance(func, (ast.Name, ast.Attribute)):
            # A class's name: it constructs an instance of a family when that class (as the
            # import or the definition resolves it) is in the family, or is an alias of it.
            named = resolved.resolve_class(module, func)
            definition = resolved.resolve_definition(module, func)
            places = {(named.path, named.line)} if named is not None else set()
            if definition is not None and isinstance(definition[1], ast.ClassDef):
                defined = class_model(definition[0], definition[1])
                places.add((defined.path, defined.line))
            for place in places:
                found.by_place.setdefault(place, []).append(numbered)
        if qualified is not None:
            found.by_qualified.setdefault(qualified, []).append(numbered)
        for keyword in keywords:
            if keyword is not None:
                found.by_keyword.setdefault(keyword, []).append((position, call))
        kind = found.kinds[position]
        if kind == "whole":
            found.whole_instance.append((position, call))
        elif kind == "setattr":
            found.setattrs.append((position, call))
    for attribute in module.index.attributes:
        if isinstance(attribute.ctx, (ast.Store, ast.Del)):
            found.writes.setdefault(attribute.attr, []).append(attribute)
    if match_statement.search(module.text or module.project.read_text(module.path) or ""):
        found.match_classes = [node for node in ast.walk(module.tree) if isinstance(node, ast.MatchClass)]
    resolved.modules[module.tree] = found
    return found
