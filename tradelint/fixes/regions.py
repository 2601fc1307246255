"""Rewrite only the statements that hold edits: libcst on a few lines instead of the whole module.

libcst costs about ten times ``ast`` to parse, and its position metadata needs the whole module
rendered once more: on a 2,000-line file that is half a second for a one-token edit. Here each
edit is located in the ``ast`` tree the check already built, and only the smallest statement
around it that owns whole lines (a *region*) goes through libcst, wrapped in a few lines that
make libcst see what it would see in the whole module (the file's default newline and indent).
The rendered region replaces exactly those lines; every other character of the file is kept as
it was. Module-level additions (imports, the ``_keep_task`` helper) are made on the *head*: the
docstring and import block, with a one-line stand-in for the statement that follows.

The result must be the one :func:`tradelint.fixes.codemods.apply_to_module` gives. Whenever
that cannot be guaranteed cheaply (an edit kind that needs the whole module, a line ending libcst
mishandles, a region libcst does not reproduce exactly), :func:`apply_in_regions` returns None
and the caller rewrites the whole module.
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass, replace

import libcst as cst
from libcst.metadata import MetadataWrapper

from tradelint.core import interrupts
from tradelint.core.fix_plan import Edit, Span
from tradelint.fixes.codemods import (
    MAX_REWRITE_CHARS,
    CodemodError,
    EditTransformer,
    add_imports,
    add_module_code,
    apply_to_module,
)

# What the transformer does with these depends only on the node at the edit's position (and for
# ``async_with`` on the block around it); ``append_to_method`` matches methods by class path
# anywhere in the module, so it keeps the whole-module rewrite.
REGION_KINDS = frozenset(
    {
        "keep_task", "rename_attribute", "rename_import", "rename_string", "wrap_classvar", "runtime_import",
        "async_with", "await_call", "noqa_comment",
    }
)
# Edits that may add a module-level import or the ``_keep_task`` helper.
HEAD_KINDS = frozenset({"keep_task", "runtime_import"})
LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")
FIRST_NEWLINE = re.compile(r"\r\n?|\n")  # as libcst picks a module's default newline
PLACEHOLDER = "pass"


@dataclass
class Region:
    first: int  # 1-based line numbers, inclusive
    last: int
    indent: str
    edits: list[Edit]
    block: int = 0  # the id of the block (list of statements) the region's statements are in


class Layout:
    """Lines and line offsets of a text, and the defaults libcst would detect for the whole module."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = LINE.findall(text)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        match = FIRST_NEWLINE.search(text)
        self.newline = match.group(0) if match is not None else "\n"

    def offset(self, line: int) -> int:
        """Offset of the start of 1-based ``line`` (the end of the text past the last line)."""
        return self.starts[min(line - 1, len(self.lines))]

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else ""

    def default_indent(self) -> str | None:
        """The first indentation of the file, as libcst takes it for new blocks; None if unsure."""
        try:
            for token in tokenize.generate_tokens(io.StringIO(self.text).readline):
                if token.type == tokenize.INDENT:
                    return token.string if _blank(token.string) else None
        except (tokenize.TokenError, SyntaxError):
            return None
        return "    "  # libcst's fallback for a file without any indented block


def _blank(text: str) -> bool:
    return text.strip(" \t") == ""


def _start_line(stmt: ast.stmt) -> int:
    decorators: list[ast.expr] = getattr(stmt, "decorator_list", None) or []
    return min([stmt.lineno, *(d.lineno for d in decorators)])


def _byte_col(layout: Layout, line: int, col: int) -> int:
    return len(layout.line(line)[:col].encode("utf-8"))


def _contains(stmt: ast.stmt, line: int, byte_col: int, end_line: int, end_byte_col: int) -> bool:
    start = (_start_line(stmt), 0) if getattr(stmt, "decorator_list", None) else (stmt.lineno, stmt.col_offset)
    end = (stmt.end_lineno or stmt.lineno, stmt.end_col_offset or 0)
    return start <= (line, byte_col) and (end_line, end_byte_col) <= end


Position = tuple[int, int, int, int]  # line, byte column, end line, end byte column


def _start(stmt: ast.stmt) -> tuple[int, int]:
    return (_start_line(stmt), 0) if getattr(stmt, "decorator_list", None) else (stmt.lineno, stmt.col_offset)


class Blocks:
    """The statements of each block, in source order with their start positions, built once per
    tree: each edit finds its statement by bisection, not by scanning every sibling (10,000
    edits in one function body made that quadratic)."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self._blocks: dict[int, tuple[list[tuple[int, int]], list[ast.stmt], list[int]]] = {}

    def children(self, node: ast.AST) -> tuple[list[tuple[int, int]], list[ast.stmt], list[int]]:
        """(start positions, statements, the id of the block each is in) inside ``node``."""
        found = self._blocks.get(id(node))
        if found is None:
            entries: list[tuple[tuple[int, int], ast.stmt, int]] = []
            if isinstance(node, ast.Module):
                entries = [(_start(s), s, id(node.body)) for s in node.body]
            else:
                for name in ("body", "orelse", "finalbody"):
                    block = getattr(node, name, None) or []
                    entries.extend((_start(s), s, id(block)) for s in block if isinstance(s, ast.stmt))
                for holder in [*(getattr(node, "handlers", None) or ()), *(getattr(node, "cases", None) or ())]:
                    entries.extend((_start(s), s, id(holder.body)) for s in holder.body)
            entries.sort(key=lambda e: e[0])
            found = ([e[0] for e in entries], [e[1] for e in entries], [e[2] for e in entries])
            self._blocks[id(node)] = found
        return found


def _chain(blocks: Blocks, layout: Layout, span: Span) -> list[tuple[ast.stmt, int]]:
    """The statements around ``span``, outermost first, each with the id of its block."""
    position = (
        span.line,
        _byte_col(layout, span.line, span.col),
        span.end_line,
        _byte_col(layout, span.end_line, span.end_col),
    )
    chain: list[tuple[ast.stmt, int]] = []
    node: ast.AST = blocks.tree
    while True:
        starts, stmts, block_ids = blocks.children(node)
        # Statements of a block do not overlap: only the last one starting at or before the
        # span can contain it.
        index = bisect.bisect_right(starts, position[:2]) - 1
        if index < 0 or not _contains(stmts[index], *position):
            return chain
        chain.append((stmts[index], block_ids[index]))
        node = stmts[index]


def _owns_lines(stmt: ast.stmt, layout: Layout) -> str | None:
    """The indentation of ``stmt`` if it alone fills its lines (comments aside), else None."""
    first = _start_line(stmt)
    text = layout.line(first)
    if getattr(stmt, "decorator_list", None):
        stripped = text.lstrip(" \t")
        if not stripped.startswith("@"):
            return None
        indent = text[: len(text) - len(stripped)]
    else:
        head = text.encode("utf-8")[: stmt.col_offset]
        if not _blank(head.decode("utf-8", "replace")):
            return None
        indent = head.decode("utf-8")
    last = stmt.end_lineno or stmt.lineno
    rest = layout.line(last).encode("utf-8")[stmt.end_col_offset or 0 :].decode("utf-8", "replace").strip()
    if rest and not rest.startswith("#"):
        return None  # ``a = 1; b = 2`` or a line continuation
    return indent


def _region_for(edit: Edit, blocks: Blocks, layout: Layout) -> Region | None:
    chain = _chain(blocks, layout, edit.span)
    if edit.kind == "async_with" and chain:
        # The assignment's block is what the codemod rewrites: start from the statement around it.
        chain = chain[:-1]
    for stmt, block in reversed(chain):
        indent = _owns_lines(stmt, layout)
        if indent is not None:
            return Region(_start_line(stmt), stmt.end_lineno or stmt.lineno, indent, [edit], block)
    return None


def _merge(regions: list[Region]) -> list[Region]:
    """Regions are nested or disjoint (each is whole statements); keep the outermost."""
    merged: list[Region] = []
    for region in sorted(regions, key=lambda r: (r.first, -r.last)):
        if merged and region.first <= merged[-1].last:
            outer = merged[-1]
            outer.last = max(outer.last, region.last)
            outer.edits.extend(region.edits)
        else:
            merged.append(Region(region.first, region.last, region.indent, list(region.edits), region.block))
    return merged


# Neighbouring regions in one block are rewritten together, up to this many characters: each
# libcst parse has a fixed cost (about 10 ms), so 10,000 one-line regions one by one took minutes.
BATCH_CHARS = 64 * 1024


def _batch(regions: list[Region], layout: Layout) -> list[Region]:
    """Join consecutive regions of the same block (the statements between them come along,
    untouched): a run of sibling statements is itself a valid block at that indentation."""
    batched: list[Region] = []
    for region in regions:
        if batched:
            last = batched[-1]
            size = layout.offset(region.last + 1) - layout.offset(last.first)
            if last.block == region.block and last.indent == region.indent and size <= BATCH_CHARS:
                last.last = region.last
                last.edits.extend(region.edits)
                continue
        batched.append(Region(region.first, region.last, region.indent, list(region.edits), region.block))
    return batched




def _shifted(edit: Edit, delta: int) -> Edit:
    span = edit.span
    params = edit.params
    if edit.kind == "async_with":
        params = tuple((k, str(int(v) + delta) if k == "last_line" else v) for k, v in params)
    return replace(edit, span=Span(span.line + delta, span.col, span.end_line + delta, span.end_col), params=params)


class Rewriter:
    """Accumulates what the transformer reports over several regions, in source order."""

    def __init__(self, edits: Sequence[Edit]) -> None:
        self.classvar_names = {e.param("classvar") for e in edits if e.kind == "wrap_classvar"}
        self.imports: list[str] = []
        self.module_code: list[str] = []
        self.applied: set[Edit] = set()

    def transform(self, module: cst.Module, edits: Sequence[Edit], originals: dict[Edit, Edit]) -> cst.Module:
        transformer = EditTransformer(edits, classvar_names=self.classvar_names)
        # Freshly parsed and never shared, so the wrapper need not copy it first.
        updated = MetadataWrapper(module, unsafe_skip_copy=True).visit(transformer)
        self.imports.extend(transformer.imports)
        self.module_code.extend(c for c in transformer.module_code if c not in self.module_code)
        self.applied.update(originals[e] for e in transformer.applied)
        return updated


def _parse_exactly(code: str) -> cst.Module | None:
    try:
        module = cst.parse_module(code)
    except Exception:  # libcst refuses it: the whole-module path reports why
        interrupts.raise_if_received()
        return None
    return module if module.code == code else None


def _rewrite_region(region: Region, layout: Layout, indent: str, rewriter: Rewriter) -> str | None:
    nl = layout.newline
    # An indented block first, so libcst takes the file's default indent for blocks it creates;
    # then a block at the region's own indentation.
    prefix = f"if 1:{nl}{indent}{PLACEHOLDER}{nl}" + (f"if 1:{nl}" if region.indent else "")
    delta = prefix.count(nl) - (region.first - 1)
    original = layout.text[layout.offset(region.first) : layout.offset(region.last + 1)]
    if len(original) > MAX_REWRITE_CHARS:
        raise CodemodError(
            f"the statement at lines {region.first}-{region.last} is too large to rewrite safely "
            f"({len(original):,} characters; the limit is {MAX_REWRITE_CHARS:,})"
        )
    module = _parse_exactly(prefix + original)
    if module is None:
        return None
    shifted = {_shifted(e, delta): e for e in region.edits}
    code = rewriter.transform(module, list(shifted), shifted).code
    if not code.startswith(prefix):
        return None
    return code[len(prefix) :]


def _groups(tree: ast.Module) -> list[list[ast.stmt]]:
    """Top-level statements as libcst groups them: ``a = 1; b = 2`` is one statement line."""
    groups: list[list[ast.stmt]] = []
    for stmt in tree.body:
        if groups and _start_line(stmt) == (groups[-1][-1].end_lineno or groups[-1][-1].lineno):
            groups[-1].append(stmt)
        else:
            groups.append([stmt])
    return groups


SIMPLE = (
    ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Delete, ast.Pass, ast.Break,
    ast.Continue, ast.Raise, ast.Assert, ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal,
)


def _head_size(groups: list[list[ast.stmt]]) -> int:
    """How many leading groups can be the docstring and import block (at least libcst's count)."""
    count = 0
    for i, group in enumerate(groups):
        if not all(isinstance(s, SIMPLE) for s in group):
            break
        first = group[0]
        docstring = i == 0 and isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(
            first.value.value, (str, bytes)
        )
        if not (docstring or all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in group)):
            break
        count = i + 1
    return count


def _char_before(text: str, index: int) -> str:
    """``text[:index].rstrip(" \\t")[-1:]`` without copying the text before ``index`` (asked per
    splice, the copy made thousands of splices in one file cost its square)."""
    while index > 0 and text[index - 1] in " \t":
        index -= 1
    return text[index - 1] if index > 0 else ""


def _char_after(text: str, index: int) -> str:
    """``text[index:].lstrip(" \\t")[:1]`` without copying the text after ``index``."""
    while index < len(text) and text[index] in " \t":
        index += 1
    return text[index] if index < len(text) else ""


def _splice(edit: Edit, layout: Layout) -> tuple[int, int, str] | None:
    """The text change an edit makes, when it is a plain replacement at its span that gives
    exactly what the transformer would render: (start, end, new text); None otherwise.

    A rename replaces the attribute's name token; a keeper (``_keep_task(...)``) wraps the call's text. Both
    are what libcst renders for these nodes, so thousands of them cost no libcst parse at all (a
    parse costs about 10 ms per statement). A parenthesised node is left to libcst, whose node
    includes the parentheses."""
    if edit.kind not in ("rename_attribute", "keep_task"):
        return None
    if edit.kind == "keep_task" and dict(edit.params).get("class_code"):
        return None  # methods added to the class: the transformer's work
    text = layout.text
    start = layout.offset(edit.span.line) + edit.span.col
    end = layout.offset(edit.span.end_line) + edit.span.end_col
    if not 0 <= start < end <= len(text):
        return None
    before = _char_before(text, start)
    after = _char_after(text, end)
    if before == "(" or after == ")":
        return None
    if edit.kind == "keep_task":
        return start, end, f"{dict(edit.params).get('wrapper', '_keep_task')}({text[start:end]})"
    old = edit.param("old")
    name_start = end - len(old)
    if text[name_start:end] != old or text[start:name_start].rstrip(" \t")[-1:] != ".":
        return None  # a continuation line, a comment after the dot: libcst decides
    return name_start, end, edit.param("new")


def _place_splices(
    splices: list[tuple[int, int, str, Edit]], regions: list[Region]
) -> list[tuple[int, int, str, Edit]]:
    """Splices (not overlapping each other) that no region rewrites; a splice inside a region
    becomes one of its edits instead."""
    kept: list[tuple[int, int, str, Edit]] = []
    firsts = [r.first for r in regions]
    for splice in splices:
        edit = splice[3]
        index = bisect.bisect_right(firsts, edit.span.line) - 1
        if index >= 0 and edit.span.line <= regions[index].last:
            regions[index].edits.append(edit)
            continue
        kept.append(splice)
    return kept


def apply_in_regions(text: str, edits: Sequence[Edit], tree: ast.Module) -> tuple[str, set[Edit]] | None:
    """``apply_to_module(text, edits)``, rewriting only the statements that hold edits; None when
    that cannot be guaranteed to give the same text."""
    unique = list(dict.fromkeys(edits))
    if any(e.kind not in REGION_KINDS or dict(e.params).get("class_code") for e in unique):
        return None  # methods added to a class: the class is rewritten in the whole module
    if "\r" in text.replace("\r\n", ""):
        return None  # libcst mishandles lines ending in "\r" alone: the whole-module path refuses
    layout = Layout(text)
    indent = layout.default_indent()
    if indent is None:
        return None
    needs_head = any(e.kind in HEAD_KINDS or (e.kind == "wrap_classvar" and e.param("import")) for e in unique)
    groups = _groups(tree)
    head_groups = _head_size(groups) if needs_head else 0
    boundary = None  # the first line after the head, or None when the head is the whole module
    if needs_head and head_groups < len(groups):
        boundary = _start_line(groups[head_groups][0])
    head_edits: list[Edit] = []
    regions: list[Region] = []
    splices: list[tuple[int, int, str, Edit]] = []
    spliced_regions: dict[Edit, Region] = {}
    blocks = Blocks(tree)
    for edit in unique:
        if edit.kind == "runtime_import":
            continue  # adds an import; nothing to rewrite in place
        region = _region_for(edit, blocks, layout)
        if region is None:
            return None
        if needs_head and (boundary is None or region.first < boundary):
            head_edits.append(edit)
            continue
        splice = _splice(edit, layout)
        if splice is not None:
            splices.append((*splice, edit))
            spliced_regions[edit] = region
        else:
            regions.append(region)
    # Overlapping splices (a rename inside a wrapped call) go to libcst, in their regions.
    splices.sort(key=lambda s: s[0])
    overlapping = {
        i for i in range(len(splices)) for j in (i - 1, i + 1)
        if 0 <= j < len(splices) and splices[min(i, j)][1] > splices[max(i, j)][0]
    }
    regions += [spliced_regions[splices[i][3]] for i in sorted(overlapping)]
    splices = [s for i, s in enumerate(splices) if i not in overlapping]
    rewriter = Rewriter(unique)
    batched = _batch(_merge(regions), layout)
    spliced = _place_splices(splices, batched)
    head: cst.Module | None = None
    head_text = ""
    if needs_head:
        head_text = layout.text[: layout.offset(boundary)] if boundary is not None else layout.text
        stand_in = f"{PLACEHOLDER}{layout.newline}" if boundary is not None else ""
        head = _parse_exactly(head_text + stand_in)
        if head is None:
            return None
        if head_edits:
            head = rewriter.transform(head, head_edits, {e: e for e in head_edits})
    pieces: list[str] = []
    position = len(head_text)
    changes: list[tuple[int, int, Region | str]] = [
        (layout.offset(r.first), layout.offset(r.last + 1), r) for r in batched
    ] + [(start, end, new) for start, end, new, _ in spliced]
    for start, end, change in sorted(changes, key=lambda c: c[0]):
        if isinstance(change, Region):
            rewritten = _rewrite_region(change, layout, indent, rewriter)
            if rewritten is None:
                return None
        else:
            rewritten = change
        pieces.append(layout.text[position:start])
        pieces.append(rewritten)
        position = end
    pieces.append(layout.text[position:])
    for _, _, _, edit in spliced:
        rewriter.applied.add(edit)
        if edit.kind == "keep_task":
            # What the transformer's ``leave_Call`` records for the head: the keeper's import or code.
            params = dict(edit.params)
            rewriter.imports.extend(line for line in params.get("import", "").splitlines() if line)
            code = params.get("module_code", "")
            if code and code not in rewriter.module_code:
                rewriter.module_code.append(code)
    for edit in unique:
        if edit.kind == "runtime_import":
            rewriter.imports.append(edit.param("import"))
            rewriter.applied.add(edit)
    if head is not None:
        rest = groups[head_groups:] if boundary is not None else []
        new_head = _finish_head(head, rest, layout, indent, rewriter, unique[0].path if unique else None)
        if new_head is None:
            return None
        if boundary is not None:
            stand_in = f"{PLACEHOLDER}{layout.newline}"
            if not new_head.endswith(stand_in):
                return None
            new_head = new_head[: -len(stand_in)]
        pieces.insert(0, new_head)
    return "".join(pieces), rewriter.applied


def _shape(stmt: ast.stmt) -> tuple[str, str | None]:
    """What two equal statements share and is cheap to read: their kind and the name they bind."""
    target: ast.expr | None = None
    if isinstance(stmt, ast.Assign) and stmt.targets:
        target = stmt.targets[0]
    elif isinstance(stmt, ast.AnnAssign):
        target = stmt.target
    name = getattr(stmt, "name", None) if target is None else getattr(target, "id", None)
    return type(stmt).__name__, name if isinstance(name, str) else None


def _statement_dumps(head: cst.Module) -> set[str]:
    return {ast.dump(s) for s in ast.parse(head.code).body}


def _finish_head(
    head: cst.Module,
    rest: list[list[ast.stmt]],
    layout: Layout,
    indent: str,
    rewriter: Rewriter,
    path: str | None = None,
) -> str | None:
    """The head with the imports and helper the whole-module rewrite would add, as text."""
    head = head.with_changes(default_indent=indent, default_newline=layout.newline)
    if rewriter.imports:
        # ``add_imports`` skips an import the module already has anywhere at top level; one
        # that may match after the head needs the whole module to decide.
        wanted = {code.strip() for code in rewriter.imports}
        for group in rest:
            if all(isinstance(s, SIMPLE) for s in group):
                first, last = _start_line(group[0]), group[-1].end_lineno or group[-1].lineno
                if layout.text[layout.offset(first) : layout.offset(last + 1)].strip() in wanted:
                    return None
        head = add_imports(head, rewriter.imports, path)
    if rewriter.module_code:
        # Only a statement of the same shape can be one of the blocks: dumping every statement of
        # the module made each apply cost the whole file (apply_checked applies many times).
        shapes = {_shape(s) for code in rewriter.module_code for s in ast.parse(code).body}
        existing = {ast.dump(s) for group in rest for s in group if _shape(s) in shapes}
        head = add_module_code(head, rewriter.module_code, existing | _statement_dumps(head))
    return head.code


def apply_edits(text: str, edits: Sequence[Edit], tree: ast.Module | None = None) -> tuple[str, set[Edit]]:
    """The new text and the edits that found their node.

    With ``tree`` (the ``ast`` of ``text``), only the statements that hold edits go through
    libcst when that gives the same text (see :mod:`tradelint.fixes.regions`)."""
    if tree is not None:
        done = apply_in_regions(text, edits, tree)
        if done is not None:
            return done
    return apply_to_module(text, edits)
