"""Whether a dotted name an import names is the project's own or an installed library's, decided
as Python's import would decide it: by what the project's modules can supply from the file's
import roots, never by the name alone.

A first-party folder named like a library is not that library when it cannot supply what is
imported from it: livekit's plugin ``livekit/plugins/google/`` (a namespace package's portion,
``livekit`` and ``plugins`` without ``__init__.py``) has no ``genai``, so ``from google.genai
import Client`` is google-genai's; a Home Assistant integration ``custom_components/idm_heatpump/``
that does not bind ``IdmModbusClient`` makes ``from idm_heatpump import IdmModbusClient`` the
PyPI library's (the integration itself is imported as ``custom_components.idm_heatpump``); so does
one whose ``__init__`` binds it only by that very import, from its own name: a module cannot import
a name from itself."""

from __future__ import annotations

import os
from pathlib import Path

from tradelint.facts.context import Project


def supplies(project: Project, dotted: str, roots: tuple[Path, ...]) -> bool:
    """Whether the project's own modules under ``roots`` supply ``dotted``: its longest prefix
    that is a first-party module is all of it, or binds the next part (a definition, an
    assignment, an import, or any name through ``import *`` or a module ``__getattr__``). No first-party module of its first
    part: False. A module that cannot be read is taken to supply it (the answer before).
    Asked once per name and roots while the project's memos last (a module asks it for each of
    its imports, every rule's resource model of it again)."""
    key = ("supplies", dotted, roots)
    known: bool | None = project.class_memo.get(key)
    if known is None:
        known = project.class_memo[key] = _supplies(project, dotted, roots)
    return known


def _supplies(project: Project, dotted: str, roots: tuple[Path, ...]) -> bool:
    parts = dotted.split(".")
    for count in range(len(parts), 0, -1):
        path = project.find_path(".".join(parts[:count]), roots)
        if path is not None:
            break
    else:
        return False
    if count == len(parts):
        return True
    summary = project.summary(path)
    if summary is None:
        return True
    name = parts[count]
    bound = summary.definitions.keys() | summary.imports.keys()
    if name not in summary.definitions and summary.imports.get(name) == ".".join(parts[: count + 1]):
        # ``from idm_heatpump import IdmModbusClient`` in the folder ``idm_heatpump`` itself: a
        # module cannot bind a name by importing it from itself (the import would fail, the
        # module not being done yet); the import that works names another module, the library.
        bound = bound - {name}
    return name in bound or "__getattr__" in bound or _imports_everything(project, path)


def _imports_everything(project: Project, path: Path) -> bool:
    # ``from x import *`` binds names no summary records: such a module may supply any. Its
    # bytes are read once while the memos last (the names it is asked for differ).
    key = ("imports-everything", path)
    known: bool | None = project.class_memo.get(key)
    if known is None:
        try:
            with open(os.fspath(path), "rb") as handle:
                known = b"import *" in handle.read()
        except OSError:
            known = True
        project.class_memo[key] = known
    return known
