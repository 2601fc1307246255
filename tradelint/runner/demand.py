"""Demand-driven checking: which rule families can report in each file of a run, so that a file
is checked for those only, and a file none can report in only has its syntax checked
(``TRADELINT_DEMAND=1``; off by default, see below).

A file is checked for a family when its source contains a trigger word of a rule of that family
(``Rule.trigger_words``: each rule's own and the configuration's: keepers, task owners, extra
resource types, renames and packs; ``noqa`` where TRD003 is enabled), or when it imports a
first-party module checked for that family and names one of the names it offers (a base class,
a wrapper, an owner: the facts another file's finding can rest on), transitively; a class on a
third-party base can get TRD1 and a module importing a third-party package TRD2 without a word.
One rule (:class:`HostedDemand`) decides for the command line and the flake8 plugin.
A file of no family is only parsed (:func:`parses`): a syntax error or an unreadable file gets
exactly the check's TRD001, as the full check is run for it then.

Off by default: identical to a full check on the corpus and 93 applications (session 24), but
not faster there (benchmarks/RESULTS.md): most of the corpus's source holds a trigger word of
its own. Runs with a cache check in full (the cache stores each checked file's summary).
"""

from __future__ import annotations

import os
import re
import symtable
import sys
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from tradelint.core import trigger_words as trigger_word_lists
from tradelint.core.config import Config
from tradelint.core.files import UnreadableFile, read_source_bytes
from tradelint.core.registry import all_rules
from tradelint.facts.context import Project
from tradelint.facts.syntax import resolve_relative
from tradelint.models.resources.library_table import table_trigger_names
from tradelint.models.resources.loop_transports import LOOP_MADE
from tradelint.models.resources.resource_types import BUILTIN_RESOURCES, EXCHANGE_MODULES
from tradelint.runner.unused_noqa import CODE as UNUSED_NOQA

# The switch: "1" checks on demand, anything else in full.
ENV = "TRADELINT_DEMAND"


def demand_enabled() -> bool:
    return os.environ.get(ENV) == "1"


# Matched in the source after a newline put in front (a literal first character is searched fast;
# ``^`` in multi-line mode is tried at every position: 3x slower).
_IMPORT = re.compile(rb"\n[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import\b([^\n#;]*)|import[ \t]+([^\n#;]*))")


def trigger_words(config: Config, path: Path) -> dict[str, tuple[bytes, ...]]:
    """For each rule family (``TRD3``) enabled for ``path``, the words one of which its source
    must contain for the family to be able to report there by itself."""
    if config.per_file_ignores or config.cli_per_file_ignores:
        return _trigger_words(config, path)
    return _config_words(config)


@lru_cache(maxsize=64)
def _config_words(config: Config) -> dict[str, tuple[bytes, ...]]:
    # By equal configuration, not identity: the command line makes one ``Config`` per file (a
    # memo by ``id`` kept each one alive with its 3,000 words: 1.2 GB over the corpus, and
    # built the words again for every file).
    return _trigger_words(config, None)


def run_trigger_words(config: Config) -> dict[str, tuple[bytes, ...]]:
    """:func:`trigger_words` for the families enabled anywhere under ``config`` (its
    ``per-file-ignores`` left out): a module's words count for its importers, whose rules are
    not the module's own (a wrapper in a file that ignores TRD301 still makes its callers'
    discarded tasks)."""
    return _config_words(config)


def _trigger_words(config: Config, path: Path | None) -> dict[str, tuple[bytes, ...]]:
    words: dict[str, set[str]] = {}
    for code, rule in all_rules().items():
        if config.enabled(code, path):
            words.setdefault(code[:4], set()).update(rule.trigger_words(config))
    if config.enabled(UNUSED_NOQA, path):
        words.setdefault("TRD0", set()).add("noqa")  # matched case-insensitively: see ``_has_word``
    return {family: tuple(sorted(w.encode("utf-8") for w in found if w)) for family, found in words.items()}


def run_families(data: bytes, config: Config) -> set[str]:
    """The families enabled anywhere under ``config`` one of whose words ``data`` contains."""
    return {family for family, matcher in _config_matchers(config).items() if matcher.found_in(data)}


class _Matcher:
    """Whether a source contains any of a family's words, as ``word in source`` would say for
    each (``noqa`` in any case; the resource tables' word as :class:`_TableWords` says): one
    regular expression whose alternatives share their common beginnings (a trie), so the source
    is scanned once, not once per word."""

    def __init__(self, words: tuple[bytes, ...]) -> None:
        self.noqa = b"noqa" in words
        self.library = _RESOURCE_TABLES in words
        literal = [word for word in words if word not in (b"noqa", _RESOURCE_TABLES)]
        self.pattern = re.compile(_trie(literal)) if literal else None

    def found_in(self, data: bytes) -> bool:
        if self.pattern is not None and self.pattern.search(data) is not None:
            return True
        if self.library and _table_words().found_in(data):
            return True
        return self.noqa and b"noqa" in data.lower()


_RESOURCE_TABLES = trigger_word_lists.RESOURCE_TABLES.encode("utf-8")


class _TableWords:
    """The resource tables' word (``trigger_words.RESOURCE_TABLES``): an import of one of their
    packages, ``import P``, ``from P`` or ``, P`` (``import os, P``), as the earlier words were
    spelt, and in the same source one of the names of that package's entries
    (``table_trigger_names``), as bytes anywhere (``word in source``). The packages are one
    alternation (a trie: the 1,400 packages cost about what one word does); the names of each
    package imported, one more."""

    def __init__(self, names: dict[str, frozenset[str]]) -> None:
        self.names = {package.encode("utf-8"): tuple(sorted(n.encode("utf-8") for n in found)) for package, found in names.items()}
        # The whole name after the import, for every package of the table it begins with
        # (``from aiohttp_retry``: aiohttp_retry's and aiohttp's, as the word ``from aiohttp``
        # matched it before).
        self.imports = re.compile(b"(?:import |from |, )(?=" + _trie(self.names) + b")(\\w+)") if self.names else None
        self.patterns: dict[bytes, re.Pattern[bytes]] = {}

    def found_in(self, data: bytes) -> bool:
        if self.imports is None:
            return False
        at = 0
        seen: set[bytes] = set()
        while (match := self.imports.search(data, at)) is not None:
            at = match.end()
            for package in self._prefixes(match.group(1)):
                if package not in seen:
                    seen.add(package)
                    if self._names_of(package).search(data) is not None:
                        return True
        return False

    def _names_of(self, package: bytes) -> re.Pattern[bytes]:
        pattern = self.patterns.get(package)
        if pattern is None:
            pattern = self.patterns[package] = re.compile(_trie(self.names[package]))
        return pattern

    def _prefixes(self, found: bytes) -> list[bytes]:
        """The table's packages that the matched text begins with (``aiohttp`` and
        ``aiohttp_retry`` for ``aiohttp_retry``)."""
        return [found[:end] for end in range(1, len(found) + 1) if found[:end] in self.names]


@lru_cache(maxsize=1)
def _table_words() -> _TableWords:
    return _TableWords(table_trigger_names())


def _trie(words: Iterable[bytes]) -> bytes:
    """A pattern matching exactly where one of ``words`` (non-empty) begins: a word that is the
    beginning of another makes the longer one needless (``Task`` finds ``TaskGroup``).

    Branches that end in the same subtree are written once, behind their alternatives: the
    library table's packages after ``import ``, ``from `` and ``, `` make one alternation, not
    three (``(?:import |from |, )(?:aiohttp|...)``): 10.5 KB of pattern instead of 29.6 KB, built
    and compiled in about half the time, once per process that filters by demand (each flake8
    run, about a tenth of its CPU on one file)."""
    root: dict[int, Any] = {}
    for word in words:
        node = root
        for byte in word:
            node = node.setdefault(byte, {})
        node[-1] = {}

    def emit(node: dict[int, Any]) -> bytes:
        if -1 in node:
            return b""
        # Each branch's run of single bytes, by the pattern of the subtree it ends in (equal
        # patterns, equal languages: the runs become one alternation before it).
        heads: dict[bytes, list[bytes]] = {}
        for byte in sorted(node):
            run, child = [byte], node[byte]
            while -1 not in child and len(child) == 1:
                (next_byte, child), = child.items()
                run.append(next_byte)
            heads.setdefault(emit(child), []).append(re.escape(bytes(run)))
        branches = [(runs[0] if len(runs) == 1 else b"(?:" + b"|".join(runs) + b")") + tail for tail, runs in heads.items()]
        return branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"

    return emit(root)


@lru_cache(maxsize=64)
def _config_matchers(config: Config) -> dict[str, _Matcher]:
    return {family: _matcher(words) for family, words in _config_words(config).items()}


@lru_cache(maxsize=64)
def _matcher(words: tuple[bytes, ...]) -> _Matcher:
    return _Matcher(words)


def _has_word(data: bytes, words: Iterable[bytes]) -> bool:
    return _matcher(tuple(words)).found_in(data)


def _imported(data: bytes, module_name: str | None, is_package: bool) -> set[str]:
    """The dotted names a source imports (each ``from M import n``: ``M`` and ``M.n``)."""
    found: set[str] = set()
    for match in _IMPORT.finditer(b"\n" + data):
        source, names, plain = match.groups()
        if plain is not None:
            for part in plain.decode("utf-8", "replace").replace("(", " ").replace(")", " ").split(","):
                dotted = part.split(" as ")[0].strip().rstrip("\\").strip()
                if dotted:
                    found.add(dotted)
            continue
        text = source.decode("utf-8", "replace")
        level = len(text) - len(text.lstrip("."))
        base = resolve_relative(text[level:] or None, level, module_name, is_package)
        if base is None:
            continue
        if base:
            found.add(base)
        for part in names.decode("utf-8", "replace").replace("(", " ").replace(")", " ").split(","):
            name = part.split(" as ")[0].strip().rstrip("\\").strip()
            if name and name != "*":
                found.add(f"{base}.{name}" if base else name)
    return found


# The names a module offers its importers: its top-level classes, functions and assignments, and
# the names it imports itself (a package's ``__init__`` re-exports).
_DEFINED = re.compile(rb"\n(?:(?:async[ \t]+def|def|class)[ \t]+(\w+)|([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)[ \t]*(?!(?:logging\.)?getLogger\(|TypeVar\())")


def _offered(data: bytes, imported_names: Iterable[str]) -> frozenset[bytes]:
    names = {a or b for a, b in _DEFINED.findall(b"\n" + data)}
    names.update(name.rpartition(".")[2].encode("utf-8") for name in imported_names)
    return frozenset(name for name in names if name and not name.startswith(b"__"))


def full_check_needed(files: Sequence[tuple[Path, Config]]) -> list[bool]:
    """For each file, whether any rule family can report in it (:func:`families_needed`)."""
    return [found is None or bool(found) for found in families_needed(files)]


def families_needed(files: Sequence[tuple[Path, Config]]) -> list[frozenset[str] | None]:
    """For each file, the rule families that can report in it, None for every family (its source,
    or that of a module it names something of, could not be read here): the command line's
    question, answered file by file by the rule the flake8 plugin applies
    (:meth:`HostedDemand.families`), so that both decide alike. An empty set: the file is only
    parsed."""
    demand = HostedDemand(Project())
    found: list[frozenset[str] | None] = []
    for path, config in files:
        try:
            data = read_source_bytes(path)
        except (UnreadableFile, OSError):
            found.append(None)
            continue
        families = demand.families(path, data, config)
        found.append(None if "any" in families else families)
    return found


def _evidence_family(
    found: set[str], run_words: dict[str, tuple[bytes, ...]], imported: Iterable[str], third_party: Callable[[str], bool],
    tables: frozenset[str] = frozenset(),
) -> bool:
    """Whether a file without a TRD2 word of its own can still get TRD2: it imports a package that
    is neither the standard library's nor first-party (``third_party(top)``), one of whose
    classes the project's own code may release elsewhere, which makes it a resource here
    (``models/resources/project_evidence.py``). Not a package the built-in or configured tables
    name (``tables``): such a package is judged by the table (``released_by_project`` says nothing
    of it), and a file reaching its resources has the tables' word. A package of the library
    table is not left out: a class of it the table does not name is judged by the project's
    evidence (session 64)."""
    if "TRD2" in found or "TRD2" not in run_words:
        return False
    for dotted in imported:
        top = dotted.split(".", 1)[0]
        if top and top not in sys.stdlib_module_names and top != "__future__" and top not in tables and third_party(top):
            return True
    return False


def table_packages(config: Config) -> frozenset[str]:
    """The top-level packages the run's resource tables name as a whole: the built-in table's,
    ccxt's exchanges' and the configured resource types' (``resources``), as
    ``released_by_project`` reads them (the library table speaks only for the names it has)."""
    return _table_packages(tuple(ctor for ctor, _ in config.resources))


@lru_cache(maxsize=16)
def _table_packages(configured: tuple[str, ...]) -> frozenset[str]:
    names = (*BUILTIN_RESOURCES, *LOOP_MADE, *EXCHANGE_MODULES, *configured)
    return frozenset({name.partition(".")[0] for name in names})


def _is_word_in(name: bytes, data: bytes) -> bool:
    """Whether ``name`` occurs in ``data`` as a whole word (not inside a longer identifier)."""
    at = data.find(name)
    while at >= 0:
        end = at + len(name)
        before = data[at - 1 : at] if at else b" "
        after = data[end : end + 1] or b" "
        if not (before.isalnum() or before == b"_") and not (after.isalnum() or after == b"_"):
            return True
        at = data.find(name, at + 1)
    return False


def parses(data: bytes, display: str) -> bool:
    """Whether the parser accepts the source (then ``ast.parse`` does, and the full check's
    TRD001 has nothing to say about it); False for anything else, which the full check then
    judges. ``symtable`` runs the parser and the symbol table over C structures, without the
    Python objects of a tree or the compiler's code generation: 0.7x an ``ast.parse`` of the
    same files where ``compile()`` cost 1.2x (1,961 application files, CPython 3.13). It refuses
    a little more than the parser (``nonlocal x`` at module level): such a file is checked in
    full."""
    if b"\0" in data:
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Bytes, as ``compile()`` takes them: the coding cookie and BOM are honoured.
            _SYMTABLE(data, display, "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError, SystemError, OverflowError):
        return False
    return True


# typeshed types its source as ``str``; CPython reads bytes as ``compile()`` does.
_SYMTABLE: Any = symtable.symtable


class HostedDemand:
    """Demand-driven checking, one file at a time: the rule families a file must be checked for,
    from its own words and, transitively, from the first-party modules it imports and names
    something of (a class, a function, an assignment, a re-export), family by family, with
    imports found as the checker finds them (``Project.find_path`` from the importing module's
    roots). The flake8 plugin asks it for each file flake8 hands over; the command line's
    :func:`families_needed` for each file of its run. Each module's words, imports and offered
    names are read once per process from its bytes; a module's families once known are final
    (they rest only on the modules it reaches), so each is computed once, whichever file asked
    first."""

    def __init__(self, project: Project) -> None:
        self.project = project
        # By configuration: each one seen, by its id, kept alive beside its key; equal ones (the
        # command line makes one per file) share a key, and what is learnt for it.
        self._configs: dict[int, tuple[Config, int]] = {}
        self._keys: dict[Config, int] = {}
        # By configuration key and absolute path.
        self._final: dict[tuple[int, Path], frozenset[str]] = {}
        # What each module read offers its importers (a few names each).
        self._offers: dict[Path, frozenset[bytes]] = {}

    def _key(self, config: Config) -> int:
        seen = self._configs.get(id(config))
        if seen is not None and seen[0] is config:
            return seen[1]
        if len(self._configs) >= 64:
            self._configs.clear()
        key = self._keys.get(config)
        if key is None:
            if len(self._keys) >= 16:  # a host that makes a different configuration per file: start over
                self._keys.clear()
                self._configs.clear()
                self._final.clear()
            key = self._keys[config] = len(self._keys)
        self._configs[id(config)] = (config, key)
        return key

    def families(self, path: Path, data: bytes, config: Config) -> frozenset[str]:
        """The families (``TRD3``) ``path``, whose source is ``data``, can get a finding of;
        ``"any"`` among them: every family (an imported module could not be read)."""
        key = self._key(config)
        start = self.project.absolute(path)
        known = self._final.get((key, start))
        if known is not None:
            return known
        run_words = run_trigger_words(config)
        # The modules ``start`` reaches by imports whose families are not known yet.
        own: dict[Path, set[str]] = {}
        offered: dict[Path, frozenset[bytes]] = {}
        imports: dict[Path, list[Path]] = {}
        sources: dict[Path, bytes | None] = {start: data}
        todo = [start]
        while todo:
            module = todo.pop()
            if module in own:
                continue
            source = sources.get(module)
            if source is None and module != start:
                try:
                    source = read_source_bytes(module)
                except (UnreadableFile, OSError):
                    source = None
                sources[module] = source
            if source is None:
                own[module], offered[module], imports[module] = {"any"}, frozenset(), []
                continue
            name, roots = self.project.locate(module)
            is_package = module.name == "__init__.py"
            imported = _imported(source, name, is_package)
            # Every family enabled anywhere: the engine leaves out those the file ignores.
            own[module] = run_families(source, config)
            offered[module] = self._offers[module] = _offered(source, imported if is_package else ())
            paths = {self.project.find_path(dotted, roots) for dotted in imported}
            targets = [self.project.absolute(p) for p in paths if p is not None]
            # The dataclass model follows installed packages' class makers (a base whose
            # ``__init_subclass__`` or ``dataclass_transform`` makes its subclasses dataclass-like,
            # read from the library's source): a class on a base of a third-party package can get
            # TRD1xx without a word of its own.
            if (
                "TRD1" in run_words
                and "TRD1" not in own[module]
                and _CLASS_WITH_BASES.search(b"\n" + source)
                and any(self._third_party(dotted, roots) for dotted in imported)
            ):
                own[module].add("TRD1")
            tables = table_packages(config)
            if _evidence_family(own[module], run_words, imported, lambda top: self._third_party(top, roots), tables):
                own[module].add("TRD2")
            imports[module] = [t for t in targets if t != module]
            # A checked module that another imports keeps its summary (``Project.end_file``).
            self.project.imported.update(imports[module])
            todo.extend(t for t in imports[module] if (key, t) not in self._final and t not in own)
        families = {module: set(found) for module, found in own.items()}
        importers: dict[Path, list[Path]] = {}
        for module, targets in imports.items():
            for target in targets:
                importers.setdefault(target, []).append(module)
        # Modules reached whose families are final feed the walk as they are.
        work = [m for m, found in families.items() if found]
        work.extend({t for targets in imports.values() for t in targets if t not in families})
        names_offered: dict[tuple[Path, Path], bool] = {}
        while work:
            j = work.pop()
            has = families[j] if j in families else self._final[key, j]
            for i in importers.get(j, ()):
                new = has - families[i]
                if not new:
                    continue
                if (i, j) not in names_offered:
                    j_offers = offered[j] if j in offered else self._offers.get(j, frozenset())
                    text = sources.get(i)
                    names_offered[i, j] = text is None or any(_is_word_in(n, text) for n in j_offers)
                if names_offered[i, j]:
                    families[i] |= new
                    work.append(i)
        for module, found in families.items():
            self._final[key, module] = frozenset(found)
        return self._final[key, start]

    def _third_party(self, dotted: str, roots: tuple[Path, ...]) -> bool:
        """Whether an absolute import names a package that is neither the standard library's nor
        found among the first-party roots (``__future__`` included in the former)."""
        top = dotted.split(".", 1)[0]
        if not top or top in sys.stdlib_module_names or top == "__future__":
            return False
        return self.project.find_path(top, roots) is None


# A class statement with bases or keywords (``class Hero(SQLModel, table=True):``), or a decorated one.
_CLASS_WITH_BASES = re.compile(rb"\n[ \t]*(?:class[ \t]+\w+[ \t]*\(|@)")
