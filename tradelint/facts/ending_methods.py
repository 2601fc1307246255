"""Whether a method named like an end ends anything of its object.

A release word alone (``close()``, ``stop()``, ``dispose()``) is the class's own word for its end,
whatever the body does: an empty ``close()`` is still where its owner ends it. A release word with
an object (``cleanup_invalid_descriptions_in_db()``, ``stop_polling()``, ``close_all()``) names
what it ends, which may be something else than the object: a table's rows, a remote session.
Such a method is an end of the object only when its body shows it (issue 28: "methods named like
shutdown that are not the end of the object's life"): it cancels a task, stops, closes or sets
something the object holds (``self._ws.close()``, ``self._stop.set()``), awaits a task it keeps
(``await self._task``), drops what it holds (``self._session = None``, ``self._running = False``,
``del self._client``), releases the elements of a collection (``for c in self._clients: await
c.close()``), or runs a method of the class that does (a few calls deep). MaiBot's
``ImageManager.cleanup_invalid_descriptions_in_db()`` deletes database rows through a session it
opens and closes with ``with``: it ends nothing of the manager, which has no end of its own.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from tradelint.facts.release_names import DUNDER_RELEASE, TEST_TEARDOWNS, is_release_name
from tradelint.facts.syntax import walk
from tradelint.facts.uses import self_name

Function = ast.FunctionDef | ast.AsyncFunctionDef

# A release word alone, a leading underscore aside: the class's end by its name.
_SINGLE_WORD = re.compile(
    r"^(a?close|stop|shutdown|disconnect|cleanup|clean_up|teardown|tear_down|terminate|dispose|release|finalize|destroy)$"
)
# What, called on something the object holds, stops or releases it besides the release words
# (``self._stop.set()``, ``self._proc.kill()``); not ``clear``/``remove``, a collection's own.
_STOPPERS = frozenset({"cancel", "set", "kill", "unsubscribe", "join", "wait_closed"})


def named_end(name: str) -> bool:
    """A release word alone (``close``, ``_stop``), an exit or a test teardown: an end by name."""
    return name in DUNDER_RELEASE or name in TEST_TEARDOWNS or bool(_SINGLE_WORD.match(name.lstrip("_")))


def ends_something(method: Function, methods: Mapping[str, Function], depth: int = 0) -> bool:
    """Whether ``method`` ends something its object holds, itself or through the methods of the
    class it runs on ``self`` (three calls deep)."""
    receiver = self_name(method)
    if receiver is None:
        return False

    def on_self(node: ast.AST) -> bool:
        while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
            node = node.func if isinstance(node, ast.Call) else node.value
        return isinstance(node, ast.Name) and node.id == receiver

    for node in walk(method):
        if isinstance(node, ast.Delete) and any(isinstance(t, (ast.Attribute, ast.Subscript)) and on_self(t) for t in node.targets):
            return True
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and node.value.value in (None, False):
            if any(isinstance(t, ast.Attribute) and on_self(t) for t in node.targets):
                return True
        if isinstance(node, ast.Await) and isinstance(node.value, ast.Attribute) and on_self(node.value):
            return True
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name, target = node.func.attr, node.func.value
        if name == "cancel":
            return True
        if isinstance(target, ast.Name) and target.id == receiver:
            callee = methods.get(name)
            if callee is not None and depth < 3 and callee is not method:
                if named_end(name) or ends_something(callee, methods, depth + 1):
                    return True
            continue
        if is_release_name(name) or (name in _STOPPERS and on_self(target)):
            # A release on what the object holds (``self._ws.close()``) or on an element of it
            # (``for c in self._clients: await c.close()``); a stop on what it holds only
            # (``self._stop.set()``, not a cache's ``set(key, value)``).
            return True
    return False
