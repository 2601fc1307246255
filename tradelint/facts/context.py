"""A parsed module and the project that holds it: per-module facts computed once and shared by
every rule (parents, imports, definitions, the summary), and the modules read across files.

A :class:`ModuleInfo` is built for the checked file and for any first-party module a rule reads
across files (a base class in another module); :class:`Project` keeps one per path, within a
budget of source bytes (see its lifecycle).

How a module is summarised (``summaries.summarize``) is handed to this module by ``summaries``
when it is imported (``tradelint.facts`` imports it first), so that this lower module never
imports the higher one: :data:`SUMMARIZERS`.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import io
import os
import sys
import tokenize
from collections import OrderedDict
from functools import cached_property
from pathlib import Path
from types import EllipsisType
from typing import Any, Callable, Iterator, MutableMapping

from tradelint.core.files import UnreadableFile, read_source_bytes
from tradelint.core.heap import return_free_memory
from tradelint.facts.budget import MODULE_BUDGET as MODULE_BUDGET
from tradelint.facts.budget import SUMMARY_LIMIT as SUMMARY_LIMIT
from tradelint.facts.module_paths import drop_oldest as _drop_oldest
from tradelint.facts.module_paths import module_name_under as module_name_under
from tradelint.facts.module_paths import packaging_root as _packaging_root
from tradelint.facts.module_paths import sibling_source as _sibling_source
from tradelint.facts.module_paths import source_folders as _source_folders
from tradelint.facts.module_paths import unlink as _unlink
from tradelint.facts.summary_data import Definition, ModuleSummary
from tradelint.facts.syntax import (
    FUNCTION_NODES,
    NEWLINE,
    SCOPE_NODES,
    ImportMap,
    Index,
    build_imports,
    build_index,
    content_digest,
    in_function_frame,
    parse_module,
    top_level_statements,
)

# ``summaries.summarize``, registered by ``summaries`` itself (see the module docstring).
SUMMARIZERS: list[Callable[[ModuleInfo], ModuleSummary]] = []


class ModuleInfo:
    """A parsed module and the facts rules ask about it."""

    def __init__(
        self,
        path: Path,
        tree: ast.Module,
        project: Project,
        text: str | None = None,
        size: int | None = None,
        digest: str | None = None,
    ) -> None:
        self.path = path
        self.tree = tree
        self.project = project
        self.module_name, self.roots = project.locate(path)
        self.is_package = path.name == "__init__.py"
        self._text = text
        # What keeping this module costs, in source characters or bytes: the tree and its index
        # are about 35 times that (3.1 GB for the 89 MiB of the 5,796-file corpus).
        self.size = size if size is not None else len(text or "")
        # The file the project was at when it kept this module, and whether it was parsed for
        # another module or asked for by a later file (``Project._forget_down_to``).
        self.seen, self.shared = 0, False
        if digest is not None:
            self.digest = digest

    @cached_property
    def digest(self) -> str:
        """sha256 of the text the tree was parsed from (:func:`content_digest`)."""
        text = self._text if self._text is not None else self.project.read_text(self.path)
        return content_digest(text or "")

    @cached_property
    def summary(self) -> ModuleSummary:
        """What other modules ask about this one, as plain data that outlives the tree."""
        return self.project.summary_of(self)

    @property
    def text(self) -> str | None:
        """The source the tree was parsed from when it was given (a checked file), else None."""
        return self._text

    @cached_property
    def lines(self) -> list[str]:
        """Source lines split as the tokenizer does (``\r\n``, ``\r``, ``\n``), for columns."""
        text = self._text if self._text is not None else self.project.read_text(self.path)
        return NEWLINE.split(text or "")

    @cached_property
    def index(self) -> Index:
        return build_index(self.tree)

    @cached_property
    def imports(self) -> ImportMap:
        return build_imports(self.index, self.module_name, self.is_package)

    @cached_property
    def top_level(self) -> dict[str, ast.stmt]:
        """Top-level classes and functions by name (the last definition wins, as at runtime)."""
        found: dict[str, ast.stmt] = {}
        for stmt in top_level_statements(self.tree.body):
            if isinstance(stmt, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                found[stmt.name] = stmt
        return found

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.index.parents.get(node)

    def ancestors(self, node: ast.AST, stop: ast.AST | None = None) -> Iterator[ast.AST]:
        parents = self.index.parents  # from the nearest up, ``stop`` (say, the function) excluded
        current = parents.get(node)
        while current is not None and current is not stop:
            yield current
            current = parents.get(current)

    def enclosing_scope(self, node: ast.AST) -> ast.AST | None:
        """The nearest function, lambda or class around ``node``; None at module level."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, SCOPE_NODES):
                return ancestor
        return None

    def enclosing_function(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, FUNCTION_NODES):
                return ancestor
        return None

    def evaluating_function(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The function in whose frame ``node`` is evaluated: for a name in a ``def``'s
        annotations, defaults or decorators, the one around that ``def`` (None: module level)."""
        child = node
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, FUNCTION_NODES) and in_function_frame(ancestor, child):
                return ancestor
            child = ancestor
        return None

    def enclosing_class(self, node: ast.AST) -> ast.ClassDef | None:
        """The class whose method contains ``node`` (directly: nested functions do not count)."""
        function = self.enclosing_function(node)
        if function is None:
            return None
        owner = self.parent(function)
        return owner if isinstance(owner, ast.ClassDef) else None

    def qualify(self, node: ast.AST) -> str | None:
        """Dotted name of ``node``: imports resolved, top-level definitions prefixed by this module."""
        qualified = self.imports.qualify(node)
        if qualified is not None:
            return qualified
        root = self.imports.root_name(node)
        if root is not None and root in self.top_level and self.module_name is not None:
            rest = ast.unparse(node)[len(root):] if isinstance(node, ast.Attribute) else ""
            return f"{self.module_name}.{root}{rest}"
        return None


CASTS = frozenset({"typing.cast", "typing_extensions.cast"})


def cast_of(module: ModuleInfo, node: ast.AST | None, value: ast.AST) -> bool:
    """Whether ``node`` is ``cast(T, value)``: ``typing.cast`` returns its value unchanged, so a
    resource made inside one is made where the ``cast`` stands (``self._client = cast(Protocol,
    await connect(url))``)."""
    return (
        isinstance(node, ast.Call)
        and len(node.args) == 2
        and node.args[1] is value
        and isinstance(node.func, (ast.Name, ast.Attribute))
        and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) == "cast"
        and module.imports.qualify(node.func) in CASTS
    )


def uncast(module: ModuleInfo, value: ast.expr) -> ast.expr:
    """``value`` with ``[await] cast(T, x)`` read as ``x`` (awaited or not), as often as nested."""
    while True:
        inner = value.value if isinstance(value, ast.Await) else value
        if not (isinstance(inner, ast.Call) and len(inner.args) == 2 and cast_of(module, inner, inner.args[1])):
            return value
        value = inner.args[1]




class Project:
    """First-party modules, parsed at most once per file checked, found from import roots.

    Lifecycle: a module is parsed when a file is checked or when a rule asks for another module
    (``module_at``, ``find_module``, ``lookup``); it stays parsed while the modules kept fit in
    ``module_budget``. Between two files (``end_file``), a project over budget forgets its least
    recently used modules down to half the budget, together with ``class_memo`` and the lookup
    memo (their values hold trees and nodes of the forgotten modules). What other modules ask
    about a module (its definitions, imports, classes and their ownership facts) is its
    :class:`~tradelint.facts.summary_data.ModuleSummary`: plain data, built once per text
    (when asked, or when its module is forgotten) and kept outside the budget (up to
    ``summary_limit`` modules, then the oldest half is forgotten), so that ``summary``,
    ``resolve`` and the queries built on them do not parse a forgotten module again; verdicts
    that depend on other modules as well (a dataclass base's makers, a task wrapper) outlive
    trees in ``lasting``. Only an analysis that needs a definition's nodes (``lookup``,
    ``module_at``: a body walked for the first time, a fix) parses it again (``reparses`` counts
    it). Memos and
    summaries are pure functions of the source, so what is found does not depend on the budget,
    only the time it takes.
    """

    def __init__(
        self,
        overlay: MutableMapping[Path, str] | None = None,
        *,
        keep_checked: bool = True,
        module_budget: int | None | EllipsisType = ...,
        summary_limit: int | None | EllipsisType = ...,
    ) -> None:
        # Sources that differ from the disk (fixes computed but not written, for ``--diff``).
        self.overlay = overlay if overlay is not None else {}
        # Keep the trees of checked files, so that a later lookup does not parse them again.
        # Under flake8, which parses every file itself, keeping them costs more than it saves.
        self.keep_checked = keep_checked
        # A batch checker's project (``Checker``): a module parsed for a lookup is indexed and
        # frozen at once, as a checked file is. Left young, the collection between two files
        # walked every such tree once more (1.6 s of a 34 s check of the corpus) to find the few
        # dozen objects of cyclic garbage per file that the analyses leave.
        self.freeze_parsed = False
        # None: keep every module for the life of the project; ``...``: ``MODULE_BUDGET``.
        self.module_budget = MODULE_BUDGET if module_budget is ... else module_budget
        # Per-module facts kept outside the budget (``SUMMARY_LIMIT``); None: all, for a project
        # that keeps every tree anyway.
        if summary_limit is ...:
            summary_limit = SUMMARY_LIMIT if self.module_budget is not None else None
        self.summary_limit = summary_limit
        # Least recently used first; None for a file that cannot be parsed.
        self._modules: OrderedDict[Path, ModuleInfo | None] = OrderedDict()
        # The file being checked, kept or not: a question about its own module (a name it
        # imports from its own package's ``__init__``, a qualified name of its own) reads its
        # tree, not a second one parsed from the disk. Under flake8, which keeps no checked tree,
        # telethon's 2.8 MiB generated module was parsed twice (+144 MB, +1 s).
        self._current: ModuleInfo | None = None
        self._kept = 0  # the sizes of the modules in ``_modules``
        self._files = 0  # files ended so far
        self._ever_parsed: set[Path] = set()
        self.parses = 0  # modules parsed for lookups (checked files are parsed by the engine)
        self.reparses = 0  # of which parsed again after being forgotten
        self.handed_on = 0  # files handed over by a host and checked on a tree parsed for a lookup
        # Modules a module read imports (noted by the demand filter): one checked keeps its summary
        self.imported: set[Path] = set()  # past its tree (``end_file``), not read from a second parse
        self._locate_cache: dict[Path, tuple[str | None, tuple[Path, ...]]] = {}
        # Every cross-module question names a module by its path (a summary's string, a Path):
        # made absolute once per name, not once per question.
        self._absolute: dict[Path | str | tuple[str, Path | str], Path] = {}
        self._folder_roots: dict[Path, list[Path]] = {}
        self._packaged: dict[Path, Path | None] = {}  # per package root (shared by folders), its packaging root
        self._find_cache: dict[tuple[str, tuple[Path, ...]], Path | None] = {}
        self._source_folders: dict[Path, dict[str, tuple[Path, ...]]] = {}  # (``sibling_source``)
        # Every call site asks for its callee (is it a task wrapper?): the same names, over and over.
        self._lookup_cache: dict[tuple[str, tuple[Path, ...]], tuple[ModuleSummary, Definition] | None] = {}
        # Every module summarised in this run (None: it cannot be read or parsed), outside the
        # budget: a summary is about 1 % of its tree.
        self._summaries: dict[Path, ModuleSummary | None] = {}
        # Plain-data verdicts about one version of a module (keyed by its path, its digest and a
        # line): kept past the tree budget, as summaries are, since they hold no node.
        self.lasting: dict[tuple[Any, ...], Any] = {}
        # Per-class memo for analyses that walk a class hierarchy (keyed by the ClassDef node).
        self.class_memo: dict[tuple[Any, ...], Any] = {}
        # Installed packages whose source the dataclass model follows (a class maker's code): the
        # folders each top-level name is found in. The mypy plugin finds them where mypy did.
        self.installed_finder: Callable[[str], tuple[Path, ...]] | None = None
        self.installed_roots: dict[str, tuple[Path, ...]] = {}
        # Reads that follow no import (every module of a project searched for a field's uses, a
        # folder's modules read for who imports whom), as (kind, folder): the runner's cache makes
        # the result of a file whose check noted one depend on all of it (see runner/cache.py).
        self.scans: set[tuple[str, str]] = set()
        # Answers of searches that read every file of the project naming a word (a task factory,
        # an owner that closes a class's resource), by that word: plain data, kept past the
        # budget, and dropped when the text of a file that names the word, before or after, changes.
        self._scan_memos: dict[str, dict[Any, Any]] = {}
        # The words of the project's files on disk, per project folder (``project_files.files_naming``),
        # dropped when a file's text on disk is not known any more.
        self.disk_words: dict[Path, Any] = {}
        # When a run asks (a list): the paths parsed for lookups since it last took them, so that
        # it checks such a file while its tree is held (``runner/schedule.py``).
        self.parsed_ahead: list[Path] | None = None

    @property
    def files_ended(self) -> int:
        return self._files

    def note_scan(self, kind: str, folder: Path) -> None:
        """A check read ``folder`` as a whole (``kind``: ``tree``, ``folder``, ``markers`` or
        ``mentions NAME``).
        Noted on every call, memo hit or not: the cache must know each file that relied on it."""
        self.scans.add((kind, os.path.abspath(folder)))

    def absolute(self, path: Path | str) -> Path:
        """``Path(os.path.abspath(path))``, remembered (a relative name with the current folder:
        a checked file is asked for by the name it was given, three times per check)."""
        found = self._absolute.get(path)
        if found is None:
            key = path if os.path.isabs(path) else (os.getcwd(), path)
            found = self._absolute.get(key)
            if found is None:
                found = self._absolute[key] = Path(os.path.abspath(path))
        return found

    def scan_memo(self, word: str) -> dict[Any, Any]:
        """The memo of a search through the project's files that name ``word``
        (``field_uses.files_naming``)."""
        return self._scan_memos.setdefault(word, {})

    def text_changed(self, path: Path) -> None:
        """The text of ``path`` as read for the project changed (a buffer, a fix): its words are
        indexed again when next searched (``project_files.files_naming``)."""
        for index in self.disk_words.values():
            index.dirty.add(path)

    def source_changed(self, old: str | None, new: str | None) -> None:
        """A file's text went from ``old`` to ``new`` (None: not known): drop the search memos
        whose word either text names."""
        if old is None or new is None:
            self._scan_memos.clear()
            self.disk_words.clear()
            return
        for word in [w for w in self._scan_memos if w in old or w in new]:
            del self._scan_memos[word]

    def locate(self, path: Path) -> tuple[str | None, tuple[Path, ...]]:
        """The module name of ``path`` and the folders its absolute imports are searched from."""
        path = self.absolute(path)
        cached = self._locate_cache.get(path)
        if cached is not None:
            return cached
        folder = path.parent
        roots = self._folder_roots.get(folder)
        if roots is None:
            roots = self._folder_roots[folder] = self._roots_of(folder)
        result = (module_name_under(str(path), roots), tuple(roots))
        self._locate_cache[path] = result
        return result

    def _roots_of(self, folder: Path) -> list[Path]:
        # The same for every file of a folder: stat the ``__init__.py`` chain once per folder.
        from tradelint.core.config import config_for

        package_root = folder
        # os.path, not pathlib: an unsearchable folder must not raise here.
        while os.path.isfile(package_root / "__init__.py") and package_root.parent != package_root:
            package_root = package_root.parent
        roots: list[Path] = [package_root]
        try:
            config_root = config_for(folder).root
        except Exception:  # a broken config is reported by the engine, not here
            config_root = None
        if config_root is not None:
            roots += [config_root, config_root / "src"]
        # A ``src/`` layout imported from ``tests/``: the nearest folder that packages the
        # project (a ``pyproject.toml``, ``setup.py`` or ``setup.cfg``) is where its absolute
        # imports start, with or without a ``[tool.tradelint]`` table. Then the folder above the
        # top package, a namespace package's (``custom_components.demo``), and the file's own.
        known = package_root in self._packaged
        packaged = self._packaged[package_root] = self._packaged[package_root] if known else _packaging_root(package_root)
        if packaged is not None:
            roots += [packaged, packaged / "src"]
        roots += [package_root.parent, folder] if package_root != folder else [folder]
        return list(dict.fromkeys(roots))

    def parsed(self, path: Path) -> ast.Module | None:
        """The tree of a module already parsed for a cross-module lookup: parse each file once."""
        info = self._modules.get(self.absolute(path))
        return info.tree if info is not None else None

    def kept(self, path: Path) -> ModuleInfo | None:
        """The module at ``path`` when its tree is kept now; None (nothing parsed) otherwise."""
        return self._modules.get(self.absolute(path))

    def _keep(self, path: Path, info: ModuleInfo | None) -> None:
        known = self._modules.pop(path, None)
        if known is not None:
            self._kept -= known.size
        self._modules[path] = info
        if info is not None:
            self._kept += info.size
            info.seen = self._files

    def end_file(self) -> None:
        """Between two files: over budget, forget the least recently used modules (down to half
        the budget) and every memo, whose values hold their trees and nodes; then, past the limit,
        the oldest summaries (trimmed first, those of the modules then forgotten were made again)."""
        current, self._current = self._current, None
        if current is not None and current.path in self.imported and "index" in vars(current):
            with contextlib.suppress(RecursionError):  # then parsed again when asked
                current.summary  # noqa: B018 (kept by ``summary_of``: its tree is not)
        self._files += 1
        budget = self.module_budget
        if budget is not None and self._kept > budget:
            self._forget_down_to(budget // 2)
        self._trim_facts()

    def release(self) -> None:
        """After running out of memory: forget every kept module and memo (their facts too: summarising
        a tree needs memory), so that the next file starts from what the project needs, not from
        what filled it."""
        self._current = None
        self._modules.clear()
        self._kept = 0
        self._summaries.clear()
        self.forget_memos()

    def make_room(self, size: int) -> None:
        """Between two files, before one of ``size`` characters is checked: forget the least
        recently used modules until they and the file fit in the budget together. Its tree and
        what a front-end holds of it are the peak of a run with a large file (flake8 holds 364
        MB for telethon's 2.8 MiB module before the plugin sees its tree)."""
        budget = self.module_budget
        if budget is not None and self._kept + size > budget:
            self._forget_down_to(max(budget - size, 0))

    def _forget_down_to(self, target: int) -> None:
        # The modules no other file asked for go first (the checked files, seldom asked for
        # again), least recently used first; then the shared ones (``ModuleInfo.shared``: the
        # base class of every ccxt exchange, 450 KB, was parsed 27 times by least recently used
        # alone, each exchange checked after it pushing it out).
        for shared in (False, True):
            for path in [p for p, info in self._modules.items() if (info is not None and info.shared) is shared]:
                if self._kept <= target:
                    break
                info = self._modules.pop(path)
                if info is not None:
                    self._kept -= info.size
                    if path not in self._summaries:
                        # Its tree goes, its facts stay: asked again, it is not parsed again (the
                        # summary its tree was asked for, or one made now).
                        try:
                            self._summaries[path] = info.summary
                        except RecursionError:  # asked again, it is parsed again, as any analysis's
                            pass
        self.forget_memos()
        # The trees just freed were mostly the C heap's (texts, lines, large tables): its free
        # pages go back to the system now, or the process keeps the size of its busiest file.
        return_free_memory()

    def _trim_facts(self) -> None:
        """Past ``summary_limit`` modules summarised, forget the oldest half of the summaries,
        the lasting verdicts in the same proportion, and the module names found by path and by
        name (memos of a few stats each): what a project keeps stays flat however many files it
        checks. All are pure functions of the source, so what is found does not change."""
        limit = self.summary_limit
        if limit is None or len(self._summaries) <= limit:
            return
        _drop_oldest(self._summaries, len(self._summaries) - limit // 2)
        if len(self.lasting) > limit:
            _drop_oldest(self.lasting, len(self.lasting) - limit // 2)
        self._locate_cache.clear()
        self._find_cache.clear()
        self._source_folders.clear()
        self._absolute.clear()
        # A module is parsed again only if it is asked for again, so this set grows with what is
        # parsed, not with what is checked; forgotten, a later parse is not counted as a re-parse.
        for grown in (self._ever_parsed, self.imported):  # (a checked module's summary then goes with its tree)
            if len(grown) > limit:
                grown.clear()
        self.forget_memos()  # the lookup memo holds summaries

    def forget_memos(self) -> None:
        self._lookup_cache.clear()
        # The class models in the memo point at each other (a class and its fields), and the
        # collector does not walk what a run froze: unlinked here, reference counting frees them
        # with the trees they hold.
        for value in self.class_memo.values():
            _unlink(value)
        self.class_memo.clear()

    def read_text(self, path: Path) -> str | None:
        path = self.absolute(path)
        if path in self.overlay:
            return self.overlay[path]
        try:
            data = read_source_bytes(path)
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            text = data.decode(encoding)
        except (UnreadableFile, SyntaxError, UnicodeDecodeError, LookupError):
            return None
        return text[1:] if text.startswith("\ufeff") else text

    def register(self, path: Path, tree: ast.Module, text: str | None = None) -> ModuleInfo:
        path = self.absolute(path)
        known = self._modules.get(path)
        # Parsed for a lookup before it was checked: that tree serves, indexed, also when a host
        # (flake8) hands over its own tree of the same text (the host's is not kept).
        if known is not None and (
            known.tree is tree or (text is not None and known.text is None and known.digest == content_digest(text))
        ):
            if known.text is None:
                known._text = text
            self._modules.move_to_end(path)
            self.handed_on += known.tree is not tree
            return known
        info = ModuleInfo(path, tree, self, text)
        if self.keep_checked or known is not None:
            self._keep(path, info)
        self._current = info
        return info

    def replace_source(self, path: Path, text: str, tree: ast.Module | None) -> None:
        """``path`` now reads ``text`` (a fix computed in memory): serve its new tree from now on
        (parsed again from the text when asked, if ``tree`` is None: a fixer over its budget),
        and forget every cross-module memo, since any of them may have read the old one."""
        path = self.absolute(path)
        if self._scan_memos:
            self.source_changed(self.read_text(path), text)
        self.overlay[path] = text
        self.text_changed(path)
        self._summaries.pop(path, None)
        if tree is not None:
            self._keep(path, ModuleInfo(path, tree, self, text))
        else:
            known = self._modules.pop(path, None)
            if known is not None:
                self._kept -= known.size
        self.forget_memos()
        # A verdict is keyed by its own module's text, but may rest on this one's (a base's
        # fields, a wrapper it calls, a line that moved): none is trusted past a change.
        self.lasting.clear()

    def module_at(self, path: Path, *, summary_only: bool = False) -> ModuleInfo | None:
        """The parsed module at ``path``, kept. ``summary_only`` (asked for its summary alone): not
        kept when the trees kept besides the checked file's are past the budget already, which is otherwise enforced between
        files only (ccxt's ``__init__`` asks whether 109 exchange modules bind their class: +324 MB
        of trees held within that one file). The first past it is kept, as before: a module read
        for its summary, then for a definition's nodes, is parsed once."""
        path = self.absolute(path)
        if path in self._modules:
            self._modules.move_to_end(path)
            known = self._modules[path]
            if known is not None and known.seen < self._files:
                known.shared = True
            return known
        current = self._current
        if current is not None and current.path == path:
            return current
        self._keep(path, None)
        try:
            source: str | bytes = self.overlay[path] if path in self.overlay else read_source_bytes(path)
            if self.freeze_parsed:  # the young garbage first, not frozen with the tree (see below)
                gc.collect(0)
            tree = parse_module(source, filename=str(path))
        except (UnreadableFile, SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        self.parses += 1
        if path in self._ever_parsed:
            self.reparses += 1
        self._ever_parsed.add(path)
        info = ModuleInfo(
            path, tree, self, source if isinstance(source, str) else None, len(source), content_digest(source)
        )
        held = self._kept - (now.size if (now := self._current) is not None and self._modules.get(now.path) is now else 0)
        if summary_only and self.module_budget is not None and held > self.module_budget:
            del self._modules[path]
            return info
        self._keep(path, info)
        info.shared = True
        if self.parsed_ahead is not None:
            self.parsed_ahead.append(path)
        if self.freeze_parsed:
            # Frozen, it is never walked by a collection; nor is what is young now (this file's
            # analyses so far): the cyclic garbage among them was collected before the parse, or a
            # recursive closure holding a class's methods would keep their nodes past their tree.
            info.index  # noqa: B018 (what every question about it reads first)
            gc.freeze()
        return info

    def summary(self, path: Path) -> ModuleSummary | None:
        """The summary of the module at ``path``: kept from earlier, or read from its tree (parsed
        now if it is not kept, and its tree kept only within the budget); None for a file that
        cannot be read or parsed."""
        path = self.absolute(path)
        if path in self._summaries:
            return self._summaries[path]
        held = self._modules.get(path)
        if held is not None and "summary" in vars(held):
            return held.summary  # a bounded project's, built, of a module it holds (``summary_of``)
        info = self.module_at(path, summary_only=True)
        if info is None:
            self._summaries[path] = None
            return None
        return info.summary

    def summary_of(self, module: ModuleInfo) -> ModuleSummary:
        """``module``'s summary: the one kept for its path when it was built from the same text."""
        known = self._summaries.get(module.path)
        if known is not None and known.digest == module.digest:
            return known
        built = SUMMARIZERS[0](module)
        held = self._modules.get(module.path)
        # Not an older tree of a module since replaced; bounded, not one whose tree is held: its
        # ``ModuleInfo`` holds it, and ``_forget_down_to`` keeps it when the tree goes, so that
        # ``summary_limit`` counts the summaries that outlive their trees (trimmed, the summaries
        # of modules still to be checked were made again, 10,000 of 12,800 generated modules).
        if held is None or (held is module and self.summary_limit is None):
            self._summaries[module.path] = built
        return built

    def summaries(self) -> dict[Path, ModuleSummary]:
        """Every module summarised so far (for a cache that stores them)."""
        return {path: summary for path, summary in self._summaries.items() if summary is not None}

    def find_module(self, dotted: str, roots: tuple[Path, ...]) -> ModuleInfo | None:
        found = self.find_path(dotted, roots)
        return self.module_at(found) if found is not None else None

    def find_path(self, dotted: str, roots: tuple[Path, ...]) -> Path | None:
        """The file of first-party module ``dotted`` under ``roots``, without parsing it."""
        if not dotted:
            return None
        key = (dotted, roots)
        if key not in self._find_cache:
            self._find_cache[key] = None
            rel = os.path.join(*dotted.split("."))
            for root in roots:
                for candidate in (os.path.join(root, rel + ".py"), os.path.join(root, rel, "__init__.py")):
                    if os.path.isfile(candidate):
                        self._find_cache[key] = Path(candidate)
                        break
                if self._find_cache[key] is not None:
                    break
            else:
                self._find_cache[key] = _sibling_source(dotted, roots, self._source_folders_of)
        return self._find_cache[key]

    def _source_folders_of(self, root: Path) -> dict[str, tuple[Path, ...]]:
        found = self._source_folders.get(root)
        if found is None:
            found = self._source_folders[root] = _source_folders(root)
        return found

    def resolutions(self) -> dict[tuple[str, tuple[Path, ...]], Path | None]:
        """Every module name this project looked for, and the file found: what a result read."""
        return dict(self._find_cache)

    def lookup(self, qualified: str, roots: tuple[Path, ...], depth: int = 0) -> tuple[ModuleInfo, ast.stmt] | None:
        """The first-party class or function a dotted name refers to, following re-exports, as a
        node of its parsed module: the re-exports are followed through summaries, and only the
        module that defines it is parsed (when it is not kept)."""
        found = self.resolve(qualified, roots, depth)
        if found is None:
            return None
        summary, definition = found
        module = self.module_at(self.absolute(summary.path))
        stmt = module.top_level.get(definition.name) if module is not None else None
        return (module, stmt) if module is not None and stmt is not None else None

    def resolve(
        self, qualified: str, roots: tuple[Path, ...], depth: int = 0
    ) -> tuple[ModuleSummary, Definition] | None:
        """The first-party class or function a dotted name refers to, following re-exports, from
        module summaries only."""
        if depth == 0:
            key = (qualified, roots)
            if key not in self._lookup_cache:
                self._lookup_cache[key] = self._resolve(qualified, roots, 0)
            return self._lookup_cache[key]
        return self._resolve(qualified, roots, depth)

    def _resolve(
        self, qualified: str, roots: tuple[Path, ...], depth: int
    ) -> tuple[ModuleSummary, Definition] | None:
        if depth > 8 or "." not in qualified:
            return None
        if qualified.split(".", 1)[0] in sys.stdlib_module_names:
            return None
        module_name, _, name = qualified.rpartition(".")
        path = self.find_path(module_name, roots)
        summary = self.summary(path) if path is not None else None
        if summary is None:
            return None
        definition = summary.defined(name)
        if definition is not None:
            return summary, definition
        target = summary.imports.get(name)
        if target is not None and target != qualified:
            return self._resolve(target, self.locate(self.absolute(summary.path))[1], depth + 1)
        return None

