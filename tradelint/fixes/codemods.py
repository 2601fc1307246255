"""Apply edits with libcst. Each edit names its node by position; nothing here re-judges a finding.

Every codemod is idempotent: applied to its own output it changes nothing, so fixing twice is a
no-op and overlapping fixes settle over successive passes.
"""

from __future__ import annotations

import ast
import bisect
import contextlib
import functools
import os
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Union

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from tradelint.core.fix_plan import Edit
from tradelint.fixes.imports import MERGED_LINE, first_party_test, import_block, insert_import
from tradelint.fixes.line_length import import_line_length

Block = Union[cst.IndentedBlock, cst.Module]


class CodemodError(Exception):
    """An edit could not be applied where its finding said; the file is left as it was."""


# What libcst is given at once (a statement, or a whole module) is refused above this size: it
# needs about 2.5 KB of memory per character (a 9 MB statement would need some 24 GB).
MAX_REWRITE_CHARS = 1024 * 1024


def _at(pos: CodeRange, edit: Edit, *, exact: bool = False) -> bool:
    span = edit.span
    if (pos.start.line, pos.start.column) != (span.line, span.col):
        return False
    return not exact or (pos.end.line, pos.end.column) == (span.end_line, span.end_col)


class EditTransformer(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, edits: Sequence[Edit], classvar_names: set[str] | None = None) -> None:
        super().__init__()
        self.by_kind: dict[str, list[Edit]] = {}
        # Edits by kind and start position: each node looks up its own, so a rewrite costs time
        # linear in nodes plus edits (scanning every edit at every node: 10,000 renames in one
        # statement took minutes).
        self.by_position: dict[tuple[str, int, int], list[Edit]] = {}
        # The same edit can come from two findings (TRD101 and TRD102 on one base field).
        for edit in dict.fromkeys(edits):
            self.by_kind.setdefault(edit.kind, []).append(edit)
            self.by_position.setdefault((edit.kind, edit.span.line, edit.span.col), []).append(edit)
        # Every spelling this file's edits use: the rewrite of one statement must know them all.
        if classvar_names is None:
            classvar_names = {e.param("classvar") for e in self.by_kind.get("wrap_classvar", ())}
        self.classvar_names = classvar_names
        self.imports: list[str] = []
        # Module-level code the task fixes need (a typed keeper, a TypeVar), in edit order.
        self.module_code: list[str] = []
        self.applied: set[Edit] = set()
        self._class_stack: list[str] = []
        # The class-level edits by the class they name (each class and method asks for its own:
        # a scan of every edit at each made a module of many fixed classes cost its square).
        self._class_codes: dict[str, list[Edit]] = {}
        for edit in (*self.by_kind.get("keep_task", ()), *self.by_kind.get("append_to_method", ())):
            params = dict(edit.params)
            if params.get("class_code") and "class" in params:
                self._class_codes.setdefault(params["class"], []).append(edit)
        self._appended: dict[tuple[str, str], list[Edit]] = {}
        for edit in self.by_kind.get("append_to_method", ()):
            self._appended.setdefault((edit.param("class"), edit.param("method")), []).append(edit)

    def _pos(self, node: cst.CSTNode) -> CodeRange:
        return self.get_metadata(PositionProvider, node)

    def _matching(self, kind: str, node: cst.CSTNode, *, exact: bool = False) -> list[Edit]:
        if kind not in self.by_kind:
            return []
        pos = self._pos(node)
        edits = self.by_position.get((kind, pos.start.line, pos.start.column))
        return [e for e in edits if _at(pos, e, exact=exact)] if edits else []

    # -- ClassVar -------------------------------------------------------------------------------

    def leave_AnnAssign(self, original: cst.AnnAssign, updated: cst.AnnAssign) -> cst.AnnAssign:
        for edit in self._matching("wrap_classvar", original):
            self.applied.add(edit)
            self.imports.extend(line for line in edit.param("import").splitlines() if line)
            annotation = _wrap_classvar(updated.annotation.annotation, edit.param("classvar"), self.classvar_names)
            updated = updated.with_changes(annotation=updated.annotation.with_changes(annotation=annotation))
        return updated

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.BaseSmallStatement:
        """TRD102 in a dataclass subclass: ``NAME = v`` -> ``NAME: T = v``, the field's new default."""
        for edit in self._matching("annotate_override", original):
            self.applied.add(edit)
            if len(updated.targets) != 1:
                raise CodemodError("expected one assignment target")
            return cst.AnnAssign(
                target=updated.targets[0].target,
                annotation=cst.Annotation(annotation=cst.parse_expression(edit.param("annotation"))),
                value=updated.value,
                semicolon=updated.semicolon,
            )
        return updated

    # -- noqa comments (TRD003) ----------------------------------------------------------------

    def _noqa(self, comment: cst.Comment | None) -> str | None:
        """The new text of ``comment`` when an edit rewrites it ("" to remove it), else None."""
        if comment is None:
            return None
        for edit in self._matching("noqa_comment", comment):
            self.applied.add(edit)
            return edit.param("new")
        return None

    def leave_TrailingWhitespace(
        self, original: cst.TrailingWhitespace, updated: cst.TrailingWhitespace
    ) -> cst.TrailingWhitespace:
        new = self._noqa(original.comment)
        if new is None:
            return updated
        if not new:  # the comment and the spaces before it go
            return updated.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)
        return updated.with_changes(comment=cst.Comment(new))

    def leave_EmptyLine(self, original: cst.EmptyLine, updated: cst.EmptyLine) -> cst.EmptyLine:
        new = self._noqa(original.comment)
        if new is None:
            return updated
        if not new:  # a comment alone on its line: the line stays, empty
            return updated.with_changes(indent=False, whitespace=cst.SimpleWhitespace(""), comment=None)
        return updated.with_changes(comment=cst.Comment(new))

    # -- renames --------------------------------------------------------------------------------

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        for edit in self._matching("rename_attribute", original, exact=True):
            self.applied.add(edit)
            if updated.attr.value == edit.param("old"):
                updated = updated.with_changes(attr=cst.Name(edit.param("new")))
        return updated

    def leave_ImportAlias(self, original: cst.ImportAlias, updated: cst.ImportAlias) -> cst.ImportAlias:
        for edit in self._matching("rename_import", original):
            self.applied.add(edit)
            if isinstance(updated.name, cst.Name) and updated.name.value == edit.param("old"):
                # ``from numpy import NaN`` -> ``from numpy import nan as NaN``: the module's own
                # uses of the name stay valid.
                asname = updated.asname or cst.AsName(name=cst.Name(edit.param("old")))
                updated = updated.with_changes(name=cst.Name(edit.param("new")), asname=asname)
        return updated

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString) -> cst.SimpleString:
        for edit in self._matching("rename_string", original, exact=True):
            self.applied.add(edit)
            prefix_len = len(updated.prefix) + len(updated.quote)
            if updated.evaluated_value == edit.param("old"):
                body = edit.param("new")
                updated = updated.with_changes(
                    value=updated.value[:prefix_len] + body + updated.value[len(updated.value) - len(updated.quote):]
                )
        return updated

    # -- tasks ----------------------------------------------------------------------------------

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        awaits = self._matching("await_call", original, exact=True)
        if awaits:
            # TRD205: ``session.close()`` -> ``await session.close()``.
            self.applied.update(awaits)
            return cst.Await(expression=updated)
        edits = self._matching("keep_task", original, exact=True)
        if not edits:
            return updated
        self.applied.update(edits)
        params = dict(edits[0].params)
        for edit in edits:
            self.imports.extend(line for line in dict(edit.params).get("import", "").splitlines() if line)
            code = dict(edit.params).get("module_code", "")
            if code and code not in self.module_code:
                self.module_code.append(code)
        wrapper = cst.parse_expression(params.get("wrapper", "_keep_task"))
        return cst.Call(func=wrapper, args=[cst.Arg(updated)])

    # -- async with -----------------------------------------------------------------------------

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        if self.by_kind.get("insert_before"):
            updated = self._insert_before(original, updated)
        edits = self.by_kind.get("async_with")
        if not edits:
            return updated
        found: list[tuple[int, Edit]] = []
        for index, stmt in enumerate(original.body):
            if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
                continue
            pos = self._pos(stmt.body[0])
            edit = next((e for e in self.by_position.get(("async_with", pos.start.line, pos.start.column), ()) if _at(pos, e)), None)
            if edit is not None:
                found.append((index, edit))
        if not found:
            return updated
        if len(updated.body) != len(original.body):
            found = found[:1]  # statements were inserted: one wrap, the others in the next pass
        body = list(updated.body)
        spans = [(k, k) for k in range(len(body))]  # the original statements each element holds
        for index, end, edit in reversed(_nested_wraps(original.body, found, self)):
            # The last first: a wrap takes statements after its assignment only, so the ones
            # before it keep their places; an outer wrap takes the inner ones whole.
            last = bisect.bisect_right(spans, end, key=lambda span: span[0]) - 1
            self.applied.add(edit)
            # In place: a copy of the block for each wrap made N sessions of one block cost N^2.
            body[index : last + 1] = [_wrap_async_with(body, index, last, edit)]
            spans[index : last + 1] = [(index, end)]
        return updated.with_changes(body=body)

    def _insert_before(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        """``insert_before``: statements put before one (cancel the old task before the new is
        stored), once: not again when they are there already."""
        body = list(updated.body)
        offset = 0
        for index, stmt in enumerate(original.body):
            if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
                continue
            pos = self._pos(stmt.body[0])
            for edit in self.by_position.get(("insert_before", pos.start.line, pos.start.column), ()):
                if not _at(pos, edit):
                    continue
                self.applied.add(edit)
                new = list(cst.parse_module(edit.param("code")).body)
                at = index + offset
                before = [cst.Module([]).code_for_node(s).strip() for s in body[max(at - len(new), 0) : at]]
                if before == [cst.Module([]).code_for_node(s).strip() for s in new]:
                    continue  # already there
                target = body[at]
                if isinstance(target, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                    new[0] = new[0].with_changes(leading_lines=target.leading_lines)
                    body[at] = target.with_changes(leading_lines=[])
                body[at:at] = new
                offset += len(new)
        return updated.with_changes(body=body)

    # -- shutdown methods -----------------------------------------------------------------------

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._class_stack.append(node.name.value)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        path = ".".join(self._class_stack)
        self._class_stack.pop()
        codes = [dict(e.params)["class_code"] for e in self._class_codes.get(path, ()) if e in self.applied]
        for code in dict.fromkeys(codes):
            updated = _add_methods(updated, code)
        return updated

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        if not self._appended:
            return updated
        path = ".".join(self._class_stack)
        for edit in self._appended.get((path, original.name.value), ()):
            self.applied.add(edit)
            self.imports.extend(line for line in edit.param("import").splitlines() if line)
            updated = _add_statements(updated, edit.param("code"), at_start=edit.param("where") == "start")
        return updated


def _head_code(annotation: cst.BaseExpression) -> str:
    head = annotation.value if isinstance(annotation, cst.Subscript) else annotation
    return cst.Module([]).code_for_node(head)


def _is_classvar_code(code: str, classvar: str, known: set[str]) -> bool:
    return code.split(".")[-1] == "ClassVar" or code == classvar or code in known


def _wrap_classvar(annotation: cst.BaseExpression, classvar: str, known: set[str]) -> cst.BaseExpression:
    """``T`` -> ``ClassVar[T]``; ``Final[T]`` -> ``ClassVar[Final[T]]`` (the spec offers it only
    for Python 3.13 on); ``Final[ClassVar[T]]`` -> ``ClassVar[Final[T]]``, never a nested ClassVar."""
    head_code = _head_code(annotation)
    if _is_classvar_code(head_code, classvar, known):
        return annotation  # already wrapped: idempotent
    if head_code.split(".")[-1] == "Final" and isinstance(annotation, cst.Subscript) and len(annotation.slice) == 1:
        inner = annotation.slice[0].slice
        if isinstance(inner, cst.Index) and isinstance(inner.value, cst.Subscript):
            if _is_classvar_code(_head_code(inner.value), classvar, known) and len(inner.value.slice) == 1:
                final = annotation.with_changes(slice=inner.value.slice)
                return inner.value.with_changes(slice=[cst.SubscriptElement(slice=cst.Index(value=final))])
    return cst.Subscript(
        value=cst.parse_expression(classvar),
        slice=[cst.SubscriptElement(slice=cst.Index(value=annotation))],
    )


def _closed_name(stmt: cst.BaseStatement) -> str | None:
    """``x`` of a statement ``await x.close()`` / ``await x.aclose()``, else None."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return None
    expr = stmt.body[0]
    if not (isinstance(expr, cst.Expr) and isinstance(expr.value, cst.Await)):
        return None
    call = expr.value.expression
    if (
        isinstance(call, cst.Call)
        and not call.args
        and isinstance(call.func, cst.Attribute)
        and isinstance(call.func.value, cst.Name)
        and call.func.attr.value in ("close", "aclose")
    ):
        return call.func.value.value
    return None


def _is_close_statement(stmt: cst.BaseStatement, name: str) -> bool:
    return _closed_name(stmt) == name


def _nested_wraps(
    original: Sequence[cst.BaseStatement], found: list[tuple[int, Edit]], transformer: EditTransformer
) -> list[tuple[int, int, Edit]]:
    """The ``async with`` wraps of one block that one pass applies: (index of the assignment,
    index of the last statement wrapped, edit), in order. The same as one wrap per pass, the
    first first, as the passes did: a wrap whose statements would end after an earlier wrap's
    last one is dropped (its session is then used outside the block that makes it, and no
    later pass fixes it); one holding a close statement of an earlier wrap is left to the next
    pass (the earlier wrap removes that close; inside this wrap it would stay)."""
    closes: dict[str, list[int]] = {}
    for k, stmt in enumerate(original):
        closed = _closed_name(stmt)
        if closed is not None:
            closes.setdefault(closed, []).append(k)
    taken: list[tuple[int, int, Edit]] = []
    open_: list[tuple[int, str]] = []  # the ends and names of the wraps around this one
    for index, edit in found:
        end = _last_index(original, index, int(edit.param("last_line")), transformer)
        while open_ and open_[-1][0] < index:
            open_.pop()
        if open_ and end > open_[-1][0]:
            continue
        if any(_any_between(closes.get(name, ()), index, end) for _, name in open_):
            continue
        taken.append((index, end, edit))
        open_.append((end, edit.param("name")))
    return taken


def _any_between(positions: Sequence[int], low: int, high: int) -> bool:
    """Whether the sorted ``positions`` hold one in ``[low, high]``."""
    at = bisect.bisect_left(positions, low)
    return at < len(positions) and positions[at] <= high


def _last_index(original: Sequence[cst.BaseStatement], index: int, last: int, transformer: EditTransformer) -> int:
    """The index of the last statement of ``original`` after ``index`` starting at or before line
    ``last`` (``index`` itself when there is none): the end of an ``async with`` wrap."""
    end = index
    for later in range(index + 1, len(original)):
        if transformer._pos(original[later]).start.line > last:
            break
        end = later
    return end


def _wrap_async_with(body: list[cst.BaseStatement], index: int, end: int, edit: Edit) -> cst.With:
    """``body[index]`` (``s = X(...)``) and the statements after it up to ``body[end]`` become
    ``async with X(...) as s:`` around the latter, less their ``await s.close()``: the statement
    that replaces ``body[index : end + 1]``."""
    name = edit.param("name")
    assign_line = body[index]
    assert isinstance(assign_line, cst.SimpleStatementLine)
    assign = assign_line.body[0]
    if not isinstance(assign, cst.Assign):
        raise CodemodError(f"expected an assignment to `{name}`")
    value = assign.value
    if isinstance(value, cst.Await):
        value = value.expression
    inner = [s for s in body[index + 1 : end + 1] if not _is_close_statement(s, name)]
    if not inner:
        raise CodemodError(f"nothing uses `{name}` after it is created")
    inner[0] = _with_leading(inner[0], [])
    with_stmt = cst.With(
        items=[cst.WithItem(item=value, asname=cst.AsName(name=cst.Name(name)))],
        body=cst.IndentedBlock(body=inner, header=assign_line.trailing_whitespace),
        asynchronous=cst.Asynchronous(),
        leading_lines=assign_line.leading_lines,
    )
    return with_stmt


def _add_statements(func: cst.FunctionDef, code: str, *, at_start: bool) -> cst.FunctionDef:
    new = list(cst.parse_module(code).body)
    block = func.body
    if isinstance(block, cst.SimpleStatementSuite):
        # ``async def shutdown(self): ...``: a stub on one line becomes an indented block.
        if not all(isinstance(s, cst.Pass) or (isinstance(s, cst.Expr) and isinstance(s.value, cst.Ellipsis)) for s in block.body):
            raise CodemodError(f"`{func.name.value}` has a one-line body")
        return func.with_changes(body=cst.IndentedBlock(body=new, header=block.trailing_whitespace))
    if not isinstance(block, cst.IndentedBlock):
        raise CodemodError(f"`{func.name.value}` has no indented body")
    body: list[cst.BaseStatement] = list(block.body)
    existing = {cst.Module([]).code_for_node(s).strip() for s in body}
    if all(cst.Module([]).code_for_node(s).strip() in existing for s in new):
        return func  # already there: idempotent
    # A body that is only ``pass`` / ``...`` (a stub) is replaced; a docstring is kept.
    kept: list[cst.BaseStatement] = [s for s in body if not _is_placeholder(s)]
    if at_start:
        # After a docstring, before anything that could drop or replace the reference.
        insert_at = 1 if kept and _is_docstring(kept[0]) else 0
        if insert_at < len(kept):
            kept[insert_at] = _with_leading(kept[insert_at], [])
    else:
        insert_at = len(kept)
        if kept and isinstance(kept[-1], cst.SimpleStatementLine) and isinstance(kept[-1].body[0], cst.Return):
            insert_at -= 1
    kept[insert_at:insert_at] = new
    return func.with_changes(body=block.with_changes(body=kept))


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _with_leading(stmt: cst.BaseStatement, extra: list[cst.EmptyLine]) -> cst.BaseStatement:
    """Keep a statement's comment lines; blank lines at the top of a block are dropped."""
    leading = [line for line in getattr(stmt, "leading_lines", []) if line.comment is not None]
    return stmt.with_changes(leading_lines=extra + leading)


def _is_placeholder(stmt: cst.BaseStatement) -> bool:
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return False
    small = stmt.body[0]
    if isinstance(small, cst.Pass):
        return True
    return isinstance(small, cst.Expr) and isinstance(small.value, cst.Ellipsis)


def _has_statement(module: cst.Module, code: str) -> bool:
    wanted = code.strip()
    return any(
        isinstance(s, cst.SimpleStatementLine) and module.code_for_node(s).strip() == wanted for s in module.body
    )


def add_imports(module: cst.Module, imports: Sequence[str], path: str | None = None) -> cst.Module:
    """Each import of ``imports`` the module lacks, where isort would put it (``imports.py``);
    ``path``: the file's, to tell first-party modules."""
    body: list[cst.BaseStatement] = list(module.body)
    first_party = first_party_test(path)
    width = import_line_length(Path(os.path.abspath(path)).parent) if path else MERGED_LINE
    for code in dict.fromkeys(imports):
        if _has_statement(module.with_changes(body=body), code):
            continue
        body = insert_import(body, code, first_party, width)
    return module.with_changes(body=body)


def _add_methods(cls: cst.ClassDef, code: str) -> cst.ClassDef:
    """Append the methods of ``code`` to the class body, each unless one of its name is there."""
    block = cls.body
    if not isinstance(block, cst.IndentedBlock):
        raise CodemodError(f"class `{cls.name.value}` has a one-line body")
    defined = {s.name.value for s in block.body if isinstance(s, cst.FunctionDef)}
    new = [s for s in cst.parse_module(code).body if isinstance(s, cst.FunctionDef) and s.name.value not in defined]
    if not new:
        return cls
    blank = cst.EmptyLine(indent=False)
    new = [s.with_changes(leading_lines=[blank]) for s in new]
    return cls.with_changes(body=block.with_changes(body=[*block.body, *new]))


@functools.lru_cache(maxsize=64)
def _statement_keys(code: str) -> frozenset[str]:
    return frozenset(ast.dump(stmt) for stmt in ast.parse(code).body)


@functools.lru_cache(maxsize=64)
def _code_block(code: str) -> tuple[tuple[cst.BaseStatement, str], ...]:
    """The statements of a block of module code and each one's ``ast.dump``: the same keeper
    or TypeVar goes into many files of one run, parsed once (libcst nodes are immutable)."""
    return tuple((s, ast.dump(ast.parse(cst.Module([s]).code).body[0])) for s in cst.parse_module(code).body)


def add_module_code(module: cst.Module, codes: Sequence[str], existing: AbstractSet[str] | None = None) -> cst.Module:
    """Insert each block of ``codes`` after the docstring, the ``__future__`` imports and the
    import block, unless its statements are all there already (``existing``: the ``ast.dump`` of
    every top-level statement, when the module given is only the head of the file)."""
    if existing is None:
        existing = {ast.dump(stmt) for stmt in ast.parse(module.code).body}  # this file's: not memoised
    body: list[cst.BaseStatement] = list(module.body)
    blank = cst.EmptyLine(indent=False)
    start, index = import_block(body)
    for code in codes:
        # Statements already there (a TypeVar another fix wrote) are not written twice; the rest
        # goes after whatever this call inserted before, which it may use.
        new: list[cst.BaseStatement] = [s for s, key in _code_block(code) if key not in existing]
        if not new:
            continue
        existing = existing | _statement_keys(code)
        if index:
            # As isort writes it: one blank line between the imports and an assignment, two
            # before a definition (and after a docstring).
            after_imports = index > start and not isinstance(new[0], (cst.FunctionDef, cst.ClassDef))
            new[0] = new[0].with_changes(leading_lines=[blank] if after_imports else [blank, blank])
        if index < len(body):
            following = body[index]
            leading = list(getattr(following, "leading_lines", []))
            blanks = next((i for i, line in enumerate(leading) if line.comment is not None), len(leading))
            if blanks < 2:
                body[index] = following.with_changes(leading_lines=[blank] * (2 - blanks) + leading)
        body[index:index] = new
        index += len(new)
    return module.with_changes(body=body)


# While :func:`parses_reused` is open, one entry: the last text parsed whole and its module in a
# metadata wrapper (None before the first), since checking fixes applies many edit sets to one
# text (fixes/verify.py).
_reused: list[tuple[str, MetadataWrapper] | None] = []


@contextlib.contextmanager
def parses_reused() -> Iterator[None]:
    """Within it, :func:`apply_to_module` parses a text once, however many edit sets it applies
    to it (a 150 KB ccxt module: 2 to 5 whole-module applications per check); the module is let
    go at the end (libcst's tree of a file is many times its size)."""
    _reused[:] = [None]
    try:
        yield
    finally:
        _reused.clear()


def apply_to_module(text: str, edits: Sequence[Edit]) -> tuple[str, set[Edit]]:
    """``apply_edits`` on the whole module: parsed, transformed and rendered by libcst."""
    if len(text) > MAX_REWRITE_CHARS:
        raise CodemodError(
            f"the file is too large to rewrite safely as a whole ({len(text):,} characters; "
            f"the limit is {MAX_REWRITE_CHARS:,})"
        )
    last = _reused[0] if _reused else None
    wrapper = last[1] if last is not None and last[0] == text else None
    if wrapper is None:
        module = cst.parse_module(text)
        if module.code != text:
            # e.g. libcst 1.9 drops the last newline of a file whose lines end in "\r" alone: what
            # libcst cannot reproduce untouched, it must not rewrite.
            raise CodemodError("libcst does not reproduce this file exactly; left as it is")
        # No copy: the module is never changed (libcst's nodes are immutable), and the wrapper
        # keeps the positions it computed for the next edit set on the same text.
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        if _reused:
            _reused[0] = (text, wrapper)
    transformer = EditTransformer(edits)
    updated = wrapper.visit(transformer)
    for edit in transformer.by_kind.get("runtime_import", ()):
        transformer.imports.append(edit.param("import"))
        transformer.applied.add(edit)
    if transformer.imports:
        updated = add_imports(updated, transformer.imports, edits[0].path if edits else None)
    if transformer.module_code:
        updated = add_module_code(updated, transformer.module_code)
    return updated.code, transformer.applied
