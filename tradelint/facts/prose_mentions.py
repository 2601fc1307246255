"""Where a module's text names a word without code that could reach what the word names.

:mod:`.unreachable` asks whether anything in the project names a method or a class, as a word,
outside its definition: a call, a bound method handed on, a string in a dispatch table. A word
can also stand where no code could use it to reach the definition, and those words are not
counted (:func:`code_words`):

- prose: a comment, a docstring (the string a module, class or function body starts with), or a
  constant part of a message given to a logging call (``_LOGGER.debug("reset: %s", x)``,
  ``self.log.info(f"SentinelManager ready {x}")``) or to ``print``: a message is formatted and
  written, never looked up (a string given to any other call may be: ``getattr(h, "reset")``);
- another module's object of the same name (:func:`foreign_words`, classes only): a module that
  defines a class or function of that name itself and imports none, or imports the name from a
  package that is not the project's (``from kafka import KafkaProducer`` in a project that
  defines its own ``KafkaProducer``), names that one wherever the name is read bare (``Name``),
  whatever else binds it being a constant (``KafkaProducer = None`` when the import fails); a
  ``module.KafkaProducer`` attribute or a string still counts.

The counts are those of :func:`word_count` (a word right after ``def`` or ``class`` is never
counted), so that what is left is the words code may use."""

from __future__ import annotations

import ast
import io
import re
import tokenize

from tradelint.facts.context import ModuleInfo
from tradelint.facts.first_party import supplies
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.uses import LOGGER_METHODS

__all__ = ["code_words", "foreign_words", "outside_of", "prose_lines", "word_count"]

_DOCUMENTED = (ast.Module, ast.ClassDef, *FUNCTION_NODES)


def code_words(module: ModuleInfo, text: str, name: str, skipped: ast.stmt | None = None, *, foreign: bool = False) -> int:
    """How often ``text`` (``module``'s whole text), without the lines of ``skipped`` when given,
    names ``name`` as a word in code: :func:`word_count` less the words in prose and, with
    ``foreign``, those naming another module's object of that name."""
    data = outside_of(text, skipped) if skipped is not None else text.encode("utf-8", "surrogateescape")
    every = word_count(data, name)
    if every == 0:
        return 0
    first, last = (skipped.lineno, skipped.end_lineno or skipped.lineno) if skipped is not None else (0, -1)
    lines = prose_lines(module, text, name)
    if foreign:
        lines = lines + foreign_words(module, name)
    return every - sum(1 for line in lines if not first <= line <= last)


def word_count(data: bytes, name: str) -> int:
    """How often ``data`` names ``name`` as a word, but right after ``def`` or ``class``."""
    word = re.escape(name.encode("utf-8"))
    every = len(re.findall(rb"(?<![A-Za-z0-9_])" + word + rb"(?![A-Za-z0-9_])", data))
    defined = len(re.findall(rb"(?<![A-Za-z0-9_])(?:def|class)[ \t]+" + word + rb"(?![A-Za-z0-9_])", data))
    return every - defined


def outside_of(text: str, node: ast.stmt) -> bytes:
    """The module's text without the lines of ``node``'s statement (a class, a method)."""
    lines = text.splitlines(keepends=True)
    return "".join(lines[: node.lineno - 1] + lines[node.end_lineno or node.lineno :]).encode("utf-8", "surrogateescape")


def prose_lines(module: ModuleInfo, text: str, name: str) -> list[int]:
    """The line of each word ``name`` in the comments, docstrings and log messages of ``module``,
    whose text is ``text``."""
    memo = module.project.class_memo
    key = ("prose_lines", module.path, name)
    if key not in memo:
        memo[key] = _prose_lines(module, text, name)
    found: list[int] = memo[key]
    return found


def _prose_lines(module: ModuleInfo, text: str, name: str) -> list[int]:
    found: list[int] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                found += [token.start[0]] * word_count(token.string.encode("utf-8", "surrogateescape"), name)
    except (tokenize.TokenError, SyntaxError):
        return []  # (text the tokenizer cannot follow: every word counts)
    for node in ast.walk(module.tree):
        strings: list[ast.expr] = []
        if isinstance(node, _DOCUMENTED) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                strings.append(first.value)
        elif isinstance(node, ast.Call) and _message_call(node):
            for arg in (*node.args, *(k.value for k in node.keywords)):
                strings += [arg] if isinstance(arg, ast.Constant) else [v for v in arg.values if isinstance(v, ast.Constant)] if isinstance(arg, ast.JoinedStr) else []
        for string in strings:
            if isinstance(string, ast.Constant) and isinstance(string.value, str):
                found += [string.lineno] * word_count(string.value.encode("utf-8", "surrogateescape"), name)
    return found


def _message_call(call: ast.Call) -> bool:
    """``print(...)``, ``_LOGGER.info(...)``, ``self._log.debug(...)``, ``logging.warning(...)``."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "print"
    if not (isinstance(func, ast.Attribute) and func.attr in LOGGER_METHODS):
        return False
    receiver = func.value
    return isinstance(receiver, ast.Name) or isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name)


def foreign_words(module: ModuleInfo, name: str) -> list[int]:
    """The line of each word ``name`` in ``module``'s code that names another module's object
    of that name (see the module's docstring): empty unless every binding of ``name`` at the
    module's top level is its own definition or an import from a package the project does not
    supply (or an assignment, ``KafkaProducer = None`` beside such an import), and one is."""
    bindings = _top_bindings(module, name)
    if not bindings:
        return []
    foreign = False
    for node in bindings:
        if isinstance(node, ast.ImportFrom):
            if node.level or supplies(module.project, node.module or "", module.roots):
                return []  # (the project's own module: perhaps the class asked about)
            foreign = True
        elif isinstance(node, (ast.ClassDef, *FUNCTION_NODES)):
            foreign = True
        elif not isinstance(node, ast.Assign):
            return []
    if not foreign:
        return []
    found: list[int] = []
    for each in ast.walk(module.tree):
        if isinstance(each, ast.Name) and each.id == name:
            found.append(each.lineno)
        elif isinstance(each, ast.ImportFrom):
            found += [each.lineno for alias in each.names if alias.name == name and alias.asname in (None, name)]
    return found


def _top_bindings(module: ModuleInfo, name: str) -> list[ast.stmt]:
    """Every statement of the module that binds ``name`` anywhere in it: an import of it (``from
    x import name``, no ``import name``), a ``class``/``def`` of it, an assignment to it; an
    unknown kind of binding (a ``global``, a ``for``, a ``with``, a walrus, ``import *``) is
    returned as itself, which :func:`foreign_words` takes as one it cannot read."""
    found: list[ast.stmt] = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" or (a.asname or a.name) == name for a in node.names):
            if any(a.name == "*" or a.name != name for a in node.names if (a.asname or a.name) == name or a.name == "*"):
                found.append(ast.Global(names=[name]))  # (``import *``, ``from x import other as name``)
            else:
                found.append(node)
        elif isinstance(node, ast.Import) and any((a.asname or a.name.partition(".")[0]) == name for a in node.names):
            found.append(ast.Global(names=[name]))
        elif isinstance(node, (ast.ClassDef, *FUNCTION_NODES)) and node.name == name:
            found.append(node if isinstance(module.parent(node), ast.Module) else ast.Global(names=[name]))
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            # (``KafkaProducer = None`` where the import fails: a constant, no object of the project)
            found.append(node if isinstance(node.value, ast.Constant) else ast.Global(names=[name]))
        elif isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, (ast.Store, ast.Del)):
            parent = module.parent(node)
            if not (isinstance(parent, ast.Assign) and node in parent.targets):
                found.append(ast.Global(names=[name]))  # (a ``for``, a ``with``, a walrus, a tuple target)
        elif isinstance(node, (ast.Global, ast.Nonlocal, ast.arg)) and name in getattr(node, "names", [getattr(node, "arg", None)]):
            found.append(ast.Global(names=[name]))
    return found
