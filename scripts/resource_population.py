"""The ranked population's batches for ``make_resource_table.py`` (``--ranked-list``): libraries
chosen by ``population_by_requirement.py`` (PyPI's most downloaded distributions that require
one the table knows), read after the other populations, in the list's order (most downloaded
first), in batches, each with every type found before it known.

Unlike the ``aio`` population, whose batches may only name top-level packages that say "aio" or
"async", a ranked distribution names what it defines: its **roots**, each top-level module, or
the first package down a path that has an ``__init__.py`` (``google.genai`` under the namespace
package ``google``, ``azure.core`` under ``azure``). A name is kept only under a root of the
distribution it was read from that no distribution read before defines (nor one inside or
around it): a fork, a vendored copy or a second distribution of one import name (a ranked
library shipping ``aiohttp`` or ``google.genai``) never changes what a name is, nor does one
shadowing the standard library.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

_T = TypeVar("_T")


def package_roots(folder: Path, modules: Callable[[Path], Any]) -> set[str]:
    """The import names ``folder``'s distribution defines (see the module docstring)."""
    roots: set[str] = set()
    for path in modules(folder):
        parts = path.relative_to(folder).parts
        if len(parts) == 1:
            roots.add(path.stem)
            continue
        for depth in range(1, len(parts)):
            if (folder.joinpath(*parts[:depth]) / "__init__.py").is_file():
                roots.add(".".join(parts[:depth]))
                break
        else:  # a module in namespace folders only: the module is its own root
            roots.add(".".join((*parts[:-1], path.stem)))
    return roots


def _overlaps(root: str, others: set[str]) -> bool:
    """``root`` is one of ``others``, inside one of them, or around one."""
    for other in others:
        if root == other or root.startswith(other + ".") or other.startswith(root + "."):
            return True
    return False


def free_roots(folders: list[Path], taken: set[str], modules: Callable[[Path], Any]) -> dict[str, set[str]]:
    """Each folder's roots that no earlier folder (``taken``, then those before it in
    ``folders``) defines, nor the standard library; ``taken`` grows by every root seen."""
    free: dict[str, set[str]] = {}
    for folder in folders:
        roots = package_roots(folder, modules)
        free[folder.name] = {
            root for root in roots
            if root.split(".", 1)[0] not in sys.stdlib_module_names and not _overlaps(root, taken)
        }
        taken |= roots
    return free


def _under(name: str, roots: set[str]) -> bool:
    return any(name == root or name.startswith(root + ".") for root in roots)


def keep(items: dict[str, _T], source: Callable[[_T], str], free: dict[str, set[str]]) -> dict[str, _T]:
    """The names of ``items`` under a free root of the distribution each was read from."""
    return {name: item for name, item in items.items() if _under(name, free.get(source(item), set()))}


def batches(folders: list[Path], budget: int, modules: Callable[[Path], Any]) -> tuple[list[list[Path]], list[Path]]:
    """``folders`` in their order, cut into batches of at most ``budget`` modules; a distribution
    of more than a tenth of the budget is left out (generated SDKs and frameworks: their trees
    would fill the memory that thousands of small libraries share), and returned apart."""
    cut: list[list[Path]] = [[]]
    left_out: list[Path] = []
    size = 0
    for folder in folders:
        count = sum(1 for _ in modules(folder))
        if count > budget // 10:
            left_out.append(folder)
            continue
        if cut[-1] and size + count > budget:
            cut.append([])
            size = 0
        cut[-1].append(folder)
        size += count
    return [batch for batch in cut if batch], left_out


def generate_ranked(
    generate: Callable[..., dict[str, Any]],
    modules: Callable[[Path], Any],
    read_before: list[Path],
    ranked: list[Path],
    budget: int,
    found: dict[str, Any],
    makers: dict[str, Any] | None,
    typed: dict[str, tuple[str, str]] | None,
    clear: Callable[[], None],
) -> dict[str, Any]:
    """``ranked`` (in its own order) read in batches of at most ``budget`` modules after
    ``read_before``, whose names are ``found``; returns ``found`` with the ranked names added.
    ``ranked`` keeps only the distributions read."""
    taken: set[str] = set()
    for folder in read_before:
        taken |= package_roots(folder, modules)
    cut, left_out = batches(ranked, budget, modules)
    for folder in left_out:
        print(f"left out {folder.name}: more than {budget // 10} modules", file=sys.stderr)
    ranked[:] = [folder for batch in cut for folder in batch]
    for number, batch in enumerate(cut, 1):
        free = free_roots(batch, taken, modules)
        gc.unfreeze()
        gc.collect()
        clear()
        made: dict[str, Any] = {}
        returned: dict[str, tuple[str, str]] = {}
        new = generate(batch, found, made, returned)
        found.update(keep({k: e for k, e in new.items() if k not in found}, lambda e: e.source, free))
        if makers is not None:
            makers.update(keep({k: m for k, m in made.items() if k not in makers}, lambda m: m.source, free))
        if typed is not None:
            typed.update(keep({k: t for k, t in returned.items() if k not in typed}, lambda t: t[1], free))
        print(f"ranked batch {number}: {len(batch)} libraries, {len(found)} names so far", file=sys.stderr)
    return found


def seeded(
    document: dict[str, Any],
    entry: Callable[..., Any],
    maker: Callable[..., Any],
    makers: dict[str, Any],
    typed: dict[str, tuple[str, str]],
) -> dict[str, Any]:
    """A table written before, as the generator's own values: its types (returned), its method
    makers and typed returns (into ``makers`` and ``typed``), each as it was written."""
    for name, m in document.get("makers", {}).items():
        makers[name] = maker(m["returns"], m["async"], m["source"], m["by_name"])
    for name, r in document.get("returns", {}).items():
        typed[name] = (r["returns"], r["source"])
    return {
        name: entry(
            e["close"], e["awaited"], e["lazy"], e["rule"], e["source"], tuple(e["ends"]),
            tuple(tuple(g) for g in e["given"]), e.get("enter", True),
        )
        for name, e in document["types"].items()
    }

