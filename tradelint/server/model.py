"""The language server's warm project: open buffers over the disk, checked by one long-lived checker.

Nothing here knows the protocol (``lsp.py`` does). The model keeps one :class:`Project`, so a
first-party module (a base class, a task wrapper) is parsed once and stays parsed; an edit
replaces the tree of the edited buffer only. Each check records which first-party files it read,
as the runner's cache records the modules a result depended on, so that an edit re-checks the
open files that read the edited one, and nothing else.
"""

from __future__ import annotations

import gc
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

from tradelint.core.config import CONFIG_FILES, Config, ConfigError, clear_cache, config_for
from tradelint.core.finding import Finding
from tradelint.facts.context import Project
from tradelint.runner.engine import Checker, SourceError, collector_paused, parse_source
from tradelint.runner.fixer import FixOutcome
from tradelint.server import buffers


@dataclass(frozen=True)
class Settings:
    """The client's settings (``initializationOptions`` or the ``tradelint`` configuration section)."""

    unsafe_fixes: bool = False  # offer unsafe fixes too, as ``--unsafe-fixes``
    preview: bool = False  # run the preview rules, as ``--preview``

    @classmethod
    def from_client(cls, raw: object, base: Settings | None = None) -> Settings:
        settings = base or cls()
        if not isinstance(raw, dict):
            return settings
        if isinstance(raw.get("tradelint"), dict):  # ``{"tradelint": {...}}`` as VS Code sends it
            raw = raw["tradelint"]
            assert isinstance(raw, dict)
        if isinstance(raw.get("unsafeFixes"), bool):
            settings = replace(settings, unsafe_fixes=raw["unsafeFixes"])
        if isinstance(raw.get("preview"), bool):
            settings = replace(settings, preview=raw["preview"])
        return settings


# A full collection is due when the time spent checking since the last one reaches this many
# times what the last one took (at most a tenth of the time goes to collecting), or after this
# many checks, whichever comes first (bounds what replaced buffers leave behind).
COLLECTION_SHARE = 10
COLLECTION_CHECKS = 50


def settle() -> None:
    """After a check (the collector paused): free the check's young cyclic garbage (its file
    context, analyses and class models: the project's memos are dropped by then), then freeze
    what is left out of later collections, as the flake8 plugin does.

    The warm project holds every parsed module; re-enabling the collector after a check that
    allocated a new tree set off a full collection walking all of them (41 ms of a 66 ms edit of
    a 2,300-line module, under cProfile). Frozen objects are never collected, though, and a
    module's analyses that were alive at a freeze and die later are never freed by reference
    counting alone: :meth:`Model.collect_garbage` collects now and then, after the diagnostics
    are out."""
    gc.collect(0)
    gc.freeze()


def _mtime(path: Path) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _key(path: Path) -> Path:
    return Path(os.path.abspath(path))


def _nearer_candidates(path: Path, source: Path | None) -> list[Path]:
    """``source`` and the configuration files :func:`config_for` would have read before it, from
    ``path``'s folder up (every folder up to the root when no file configures ``path``)."""
    found: list[Path] = []
    for folder in _key(path).parents:
        for name in CONFIG_FILES:
            candidate = folder / name
            found.append(candidate)
            if source is not None and candidate == _key(source):
                return found
    return found


class _RecordingProject(Project):
    """A project that remembers which first-party files were looked up while it records."""

    def __init__(self, overlay: dict[Path, str]) -> None:
        super().__init__(overlay)
        self.recording: set[Path] | None = None

    def find_path(self, dotted: str, roots: tuple[Path, ...]) -> Path | None:
        found = super().find_path(dotted, roots)
        if self.recording is not None and found is not None:
            self.recording.add(_key(found))
        return found

    def start_recording(self) -> None:
        # The memos of lookups made for other files would answer without a lookup, and without
        # being recorded: a check starts from the parsed modules only (the costly part stays warm).
        # So do the verdicts kept past the budget (a base's, a wrapper's), which skip lookups too.
        self._lookup_cache.clear()
        self.class_memo.clear()
        self.lasting.clear()
        self.recording = set()

    def stop_recording(self) -> set[Path]:
        found, self.recording = self.recording or set(), None
        # Dropped now rather than at the next check: the class models they hold are cyclic (a
        # class and its fields point at each other), so let them die young (see ``settle``).
        self._lookup_cache.clear()
        self.class_memo.clear()
        return found

    def forget(self, path: Path) -> None:
        """``path`` changed (on disk, or a buffer that no longer parses): read it again when asked."""
        known = self._modules.pop(_key(path), None)
        if known is not None:
            self._kept -= known.size  # what the budget counts (``end_file``)
        self._current = None  # the file being checked may be this one: not its old tree either
        self._summaries.pop(_key(path), None)
        self._lookup_cache.clear()
        self.class_memo.clear()
        self.lasting.clear()  # verdicts that may rest on its old text (``replace_source``)

    def forget_layout(self) -> None:
        """Files were created or deleted: module names may resolve elsewhere now."""
        self._find_cache.clear()
        self._source_folders.clear()
        self._lookup_cache.clear()
        self.class_memo.clear()


class Model:
    """Open buffers, their last findings and what each one's check read."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.buffers: dict[Path, str] = {}
        self.findings: dict[Path, list[Finding]] = {}
        self.reads: dict[Path, set[Path]] = {}
        # The words whose files each check searched through no import (``mentions NAME`` scans:
        # a task factory, an owner closing a class's resource): an edit that names one re-checks it.
        self.searched: dict[Path, set[str]] = {}
        self._config_stamps: dict[Path, int | None] = {}  # configuration files read, and their mtime
        self._checking = 0.0  # seconds spent checking since the last full collection
        self._checks = 0  # checks since then
        self._collection_cost = 0.0  # seconds the last full collection took
        # Fixes computed since the last change of any text or setting: an editor asks for the
        # code actions of a line each time the cursor rests on it, and each action's edit is
        # computed before it is offered (an action whose fix is refused is not offered).
        self._outcomes: dict[tuple[object, ...], FixOutcome] = {}
        self._new_project()

    def collect_garbage(self) -> bool:
        """A full collection, when one is due (``COLLECTION_SHARE``, ``COLLECTION_CHECKS``): what
        replaced buffers and finished checks left behind is freed. Whether it ran."""
        if self._checking < COLLECTION_SHARE * self._collection_cost and self._checks < COLLECTION_CHECKS:
            return False
        started = time.perf_counter()
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._collection_cost = time.perf_counter() - started
        self._checking = 0.0
        self._checks = 0
        return True

    def _new_project(self) -> None:
        self.project = _RecordingProject(self.buffers)  # the overlay is the buffers themselves
        self.checker = Checker(self.project)

    # --- what the editor tells ------------------------------------------------------------------

    def set_buffer(self, path: Path, text: str) -> list[Path]:
        """A buffer was opened or edited: the open files to check again (itself first)."""
        path = _key(path)
        if self.buffers.get(path) == text and path in self.findings:
            return []
        self._outcomes.clear()
        old = self.project.read_text(path)
        self.project.source_changed(old, text)
        self.buffers[path] = text
        self.project.text_changed(path)
        with collector_paused():  # a new tree is a collection's worth of new containers
            gc.collect(0)  # what arrived since the last check (protocol messages): little
            try:
                tree = parse_source(text, str(path))
            except SourceError:
                # Dependents see what a check of the saved file would: a module that does not parse.
                self.project.forget(path)
            else:
                self.project.replace_source(path, text, tree)
                # The tree has no cycles and lives until the next edit: out of the young
                # collection that ends the check (``settle``), which then walks only the check's
                # own objects. Reference counting frees it when it is replaced.
                gc.freeze()
        return [path, *self.dependents(path, old, text)]

    def close_buffer(self, path: Path) -> list[Path]:
        """A buffer was closed: the disk is the truth again; its dependents are checked again."""
        path = _key(path)
        self._outcomes.clear()
        old = self.buffers.pop(path, None)
        self.findings.pop(path, None)
        self.reads.pop(path, None)
        self.searched.pop(path, None)
        new = self.project.read_text(path)
        self.project.source_changed(old, new)
        self.project.text_changed(path)  # the disk's text again, which may have changed meanwhile
        self.project.forget(path)
        return self.dependents(path, old, new)

    def files_changed(self, changed: list[Path], layout_changed: bool) -> list[Path]:
        """Files changed on disk (a checkout, another tool): closed ones are read again."""
        self._outcomes.clear()
        stale: list[Path] = []
        for path in map(_key, changed):
            if path not in self.buffers:
                self.project.forget(path)
                self.project.source_changed(None, None)  # what it said before is not known
            stale.append(path)
        if layout_changed:
            # A created module can satisfy an import that found nothing: check every open file.
            self.project.forget_layout()
            return sorted(self.buffers)
        return [
            p
            for p in sorted(self.buffers)
            if p not in stale and (self.reads.get(p, set()) & set(stale) or (self.searched.get(p) and any(
                path not in self.buffers for path in stale
            )))
        ]

    def reload_configuration(self, settings: Settings | None = None) -> list[Path]:
        """``pyproject.toml`` or the client's settings changed: every open file is checked again,
        in a fresh project (import roots depend on where the configuration sits)."""
        if settings is not None:
            self.settings = settings
        self._outcomes.clear()
        clear_cache()
        self._config_stamps.clear()
        self._new_project()
        for path, text in self.buffers.items():
            try:
                self.project.replace_source(path, text, parse_source(text, str(path)))
            except SourceError:
                pass
        self.reads.clear()
        self.searched.clear()
        return sorted(self.buffers)

    def dependents(self, path: Path, old: str | None = None, new: str | None = None) -> list[Path]:
        """The open files whose check read ``path``, or searched the project for a word that its
        text names, before (``old``) or after (``new``) the change."""
        path = _key(path)
        texts = [t for t in (old, new) if t is not None]
        return [
            p
            for p in sorted(self.buffers)
            if p != path
            and (path in self.reads.get(p, ()) or any(w in t for w in self.searched.get(p, ()) for t in texts))
        ]

    # --- checking ----------------------------------------------------------------------------------

    def config(self, path: Path) -> Config:
        """The CLI's configuration for ``path`` (raises ConfigError), with the client's ``preview``."""
        try:
            found = config_for(path)
        except ConfigError as exc:
            self._stamp(Path(exc.path))
            raise
        # Stamped too: the files it extends, and every configuration file that, created nearer
        # than the one in use, would take its place (an absent file's stamp is None).
        for source in (*found.extended, *_nearer_candidates(path, found.source)):
            self._stamp(source)
        return found.with_cli(None, (), self.settings.preview)

    def _stamp(self, source: Path) -> None:
        key = _key(source)
        if key not in self._config_stamps:
            self._config_stamps[key] = _mtime(key)

    def is_configuration(self, path: Path) -> bool:
        """Whether a change of ``path`` can change a configuration: a file named as one, or any
        file a configuration in use was read from (a target of ``extend`` has any name)."""
        return path.name in CONFIG_FILES or _key(path) in self._config_stamps

    def configuration_changed(self) -> bool:
        """Whether a ``pyproject.toml`` in use changed on disk since it was read: a stat per file,
        before each round of checks, for editors that neither watch files nor save it through
        the server."""
        return any(_mtime(source) != stamp for source, stamp in self._config_stamps.items())

    def check(self, path: Path) -> list[Finding]:
        """Findings for an open buffer, as ``tradelint PATH`` would report them were it saved.

        An excluded file (``exclude``) gets none, as with ``--force-exclude``: editors name every
        file they open, as pre-commit does."""
        path = _key(path)
        text = self.buffers[path]
        try:
            config = self.config(path)
        except ConfigError as exc:
            # As under flake8 and mypy: the problem, on line 1 of each file it stops.
            found = [Finding(str(path), 1, 1, "TRD002", "; ".join(exc.messages), 1, 1)]
            self.findings[path] = found
            return found
        if config.is_excluded(path):
            self.findings[path] = []
            return []
        self.project.start_recording()
        self.project.scans.clear()
        started = time.perf_counter()
        with collector_paused():
            try:
                tree = self.project.parsed(path)
                found = self.checker.check_source(path, text, config, display=str(path), tree=tree)
            finally:
                self.reads[path] = self.project.stop_recording() - {path}
                self.searched[path] = {
                    kind.split(" ")[1] for kind, _ in self.project.scans if kind.startswith(("mentions ", "releases "))
                }
                # A long session opens and looks up ever more modules: past the project's budget
                # the least recently used are forgotten (an open buffer's tree too: its text
                # stays in the overlay, and is parsed again when checked or looked up).
                self.project.end_file()
                settle()
                self._checking += time.perf_counter() - started
                self._checks += 1
        self.findings[path] = found
        return found

    # --- fixes -------------------------------------------------------------------------------------

    def fix_all(self, path: Path) -> FixOutcome:
        """Every safe fix of this buffer (``source.fixAll``): never an unsafe one, even with
        ``unsafeFixes`` on, which only offers them one at a time as quick fixes (as ruff does)."""
        path = _key(path)
        key: tuple[object, ...] = ("all", path)
        outcome = self._outcomes.get(key)
        if outcome is None:
            outcome = buffers.fix_buffers({path: self.config(path)}, self.buffers, False)
            self._outcomes[key] = outcome
        return outcome

    def fix_one(self, path: Path, finding: Finding) -> FixOutcome:
        """This finding's fix; a fix that also edits another first-party file (a base class) edits it."""
        path = _key(path)
        key: tuple[object, ...] = ("one", path, finding, self.settings.unsafe_fixes)
        outcome = self._outcomes.get(key)
        if outcome is not None:
            return outcome
        files = {path: self.config(path)}
        if finding.fix is not None:
            for edit in finding.fix.edits:
                other = _key(Path(edit.path))
                if other not in files and os.path.isfile(other):
                    files[other] = self.config(other)
        outcome = buffers.fix_buffers(files, self.buffers, self.settings.unsafe_fixes, only=(path, finding))
        self._outcomes[key] = outcome
        return outcome
