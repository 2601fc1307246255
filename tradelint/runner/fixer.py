"""``--fix`` / ``--diff``: apply fixes over successive passes, verify, then write atomically.

Passes run on an in-memory overlay, so ``--diff`` writes nothing and a fix in one file (a TRD102
base class) is seen when the next pass re-checks the files that depend on it.
"""

from __future__ import annotations

import ast
import contextlib
import ctypes
import difflib
import errno
import fcntl
import gc
import os
import secrets
import signal
import stat
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from tradelint.core import interrupts
from tradelint.core.config import Config
from tradelint.core.file_metadata import copy_metadata
from tradelint.core.files import UnreadableFile
from tradelint.core.finding import Finding
from tradelint.core.fix_plan import Edit
from tradelint.facts.context import Project
from tradelint.facts.syntax import parse_module
from tradelint.fixes.codemods import CodemodError
from tradelint.fixes.line_length import line_limit
from tradelint.fixes.verify import apply_checked
from tradelint.runner import workers
from tradelint.runner.engine import Checker, collector_paused, out_of_memory
from tradelint.runner.fix_check import MAX_FIX_DEPTH as MAX_FIX_DEPTH
from tradelint.runner.fix_check import _apply, verified
from tradelint.runner.fix_check import fix_depth as fix_depth
from tradelint.runner.schedule import held_first
from tradelint.runner.snapshots import Snapshots as Snapshots
from tradelint.runner.snapshots import SnapshotTexts as SnapshotTexts
from tradelint.runner.snapshots import SourceFile as SourceFile

MAX_PASSES = 10

@dataclass
class FixOutcome:
    findings: list[Finding]  # what remains after fixing
    fixed: int
    new_texts: dict[Path, str] = field(default_factory=dict)
    sources: Mapping[Path, SourceFile] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    internal_errors: int = 0  # files whose check raised: a tradelint bug, reported in errors
    initial: int = 0  # findings before fixing: ``fixed`` is this minus what remains
    # (path as shown, code) of every finding before fixing: what was fixed, by file and code, is
    # this minus what remains (``--show-fixes``).
    initial_codes: Counter[tuple[str, str]] = field(default_factory=Counter)

    def fixed_codes(self, remaining: list[Finding] | None = None) -> Counter[tuple[str, str]]:
        """How many findings of each code each file had fixed; ``remaining``: what is left on
        disk when it differs from what was computed (a fix that could not be written)."""
        left = self.findings if remaining is None else remaining
        return self.initial_codes - Counter((f.path, f.code) for f in left)

    def diff(self, display: dict[Path, str]) -> str:
        return "".join(
            unified_diff(self.sources[path].text, new, display.get(path, str(path)))
            for path, new in sorted(self.new_texts.items())
        )


def unified_diff(old: str, new: str, name: str) -> str:
    """``old`` -> ``new`` as a unified diff of ``name``; a last line without its newline gets one,
    so diffs of several files concatenate."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=name, tofile=name
    )
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in lines)


def _key(path: Path) -> Path:
    return Path(os.path.abspath(path))


def compute_fixes(
    files: dict[Path, Config],
    unsafe: bool,
    display: dict[Path, str] | None = None,
    progress: Callable[[], None] | None = None,
    sources: dict[Path, SourceFile] | None = None,
) -> FixOutcome:
    """Check ``files``, apply every applicable fix until nothing changes; nothing is written.

    ``sources``: files already read (standard input), used instead of the disk.

    ``progress`` is called once per file of the first pass (the one that checks them all).

    Every file is read once, up front: its findings, its edits and the bytes that
    :func:`write_atomically` compares with the disk all come from that one snapshot, so a file
    edited meanwhile can only be refused, never patched at positions computed on other text.
    """
    display = display or {}
    line_limit.cache_clear()  # each run reads the projects' line lengths afresh (a long-lived server)
    given = {_key(path): source for path, source in (sources or {}).items()}
    # As the runner decides for a check: a run whose trees would cost over three module budgets
    # bounds its memory (the project forgets trees past its budget, and the snapshots are kept
    # compressed); a smaller one keeps every tree and every text as read, which is faster.
    bounded = workers.bounded_run(sum(workers.file_size(path) for path in files), len(files))
    snapshots = Snapshots(packed=bounded)
    for path in files:
        key = _key(path)
        try:
            known = given.get(key)
            snapshots.add(key, known or SourceFile.read(path), pack=known is None)
        except (UnreadableFile, SyntaxError, UnicodeDecodeError, LookupError):
            pass  # the check reports it (TRD001) from the disk; such a file is never written
    # One project for every pass: first-party modules are parsed once (while within its budget),
    # and a fixed file's new tree replaces its old one (``Project.replace_source``), so a later
    # pass re-checks only what changed or had fixes, against the current text of everything else.
    checker = workers.new_checker(bounded, overlay=SnapshotTexts(snapshots))
    with collector_paused():
        return _fix_passes(files, unsafe, display, progress, snapshots, checker.project, checker)


def _fix_passes(
    files: dict[Path, Config],
    unsafe: bool,
    display: dict[Path, str],
    progress: Callable[[], None] | None,
    sources: Mapping[Path, SourceFile],
    project: Project,
    checker: Checker,
) -> FixOutcome:
    checker.verify_fixes = False  # the passes below are the verification
    overlay: dict[Path, str] = {}
    errors: list[str] = []
    results: dict[Path, list[Finding]] = {}
    to_check = list(files)
    by_key = {_key(p): p for p in files}
    initial = 0
    initial_codes: Counter[tuple[str, str]] = Counter()
    internal = 0
    broken: set[Path] = set()
    history: dict[Path, list[str]] = {}
    refused: set[Edit] = set()
    failed_checks: set[tuple[Path, str]] = set()
    try:
        for pass_number in range(MAX_PASSES):
            edits: dict[Path, list[Edit]] = {}
            fixes: dict[Path, list[tuple[Edit, ...]]] = {}  # each fix's edits, by file
            fixable_files: set[Path] = set()
            # Checked while the trees a lookup parsed are held (``schedule.held_first``), every
            # finding then taken in the order given (the edits of a file, the errors).
            checked: dict[Path, list[Finding] | str] = {}  # str: an internal error's message
            for path in held_first(to_check, _key, project):
                key = _key(path)
                source = project.overlay.get(key)
                name = display.get(path, str(path))
                try:
                    checked[path] = (
                        checker.check_path(path, files[path], display=display.get(path))
                        if source is None
                        else checker.check_source(path, source, files[path], display=display.get(path))
                    )
                except MemoryError:
                    project.release()
                    checked[path] = [out_of_memory(name)]
                    broken.add(key)
                except Exception as exc:  # a bug in tradelint: this file is neither checked nor fixed
                    interrupts.raise_if_received()
                    internal += 1
                    broken.add(key)
                    checked[path] = f"{name}: internal error, file left alone; please report it: {exc!r}"
                if pass_number == 0 and progress is not None:
                    progress()
                if not checker.batch:
                    # As the runner does: the trees kept for cross-module lookups leave later
                    # collections, which would otherwise walk them all again for every file.
                    gc.freeze()
            for path in to_check:
                findings = checked[path]
                if isinstance(findings, str):
                    errors.append(findings)
                    results[path] = []
                    continue
                results[path] = findings
                for finding in findings:
                    if finding.fix is None or not finding.fix.applies(unsafe):
                        continue
                    if any(e in refused for e in finding.fix.edits):
                        continue
                    fixable_files.add(path)
                    for edit in finding.fix.edits:
                        edits.setdefault(Path(edit.path), []).append(edit)
                    for target in {Path(edit.path) for edit in finding.fix.edits}:
                        fixes.setdefault(target, []).append(tuple(e for e in finding.fix.edits if Path(e.path) == target))
            if pass_number == 0:
                initial = sum(len(f) for f in results.values())
                initial_codes = Counter((f.path, f.code) for found in results.values() for f in found)
            changed: dict[Path, tuple[str, ast.Module | None]] = {}
            # Within the module budget, a fixed file's new tree is kept for the next pass; past
            # it, only its text, parsed again when the file is checked again.
            room = project.module_budget
            for target, target_edits in edits.items():
                name = display.get(by_key.get(target, target), str(target))
                if target not in by_key:
                    # Like ruff, never write outside the files being checked (a TRD102 base class).
                    errors.append(f"{target}: fix not applied: not among the files being fixed")
                    refused.update(target_edits)
                    continue
                if target not in sources or target in broken:
                    refused.update(target_edits)
                    continue
                snapshot = sources[target]
                before = overlay.get(target, snapshot.text)
                try:
                    # The project holds the tree of every checked file's current text.
                    # Checked as a program (it compiles, no new unbound name, docstring and
                    # ``__future__`` first, line length): a refused fix leaves its finding.
                    after, tree, refusals = apply_checked(
                        before, fixes[target], project.parsed(target) or parse_module(before), target, _apply
                    )
                    if refusals:  # a refusal may be a signal libcst turned into an error
                        interrupts.raise_if_received()
                    for refused_edits, problem in refusals:
                        refused.update(refused_edits)
                        if (target, problem.partition(":")[0]) not in failed_checks:  # one line per check
                            failed_checks.add((target, problem.partition(":")[0]))
                            errors.append(f"{name}: fix not applied: {problem}")
                    snapshot.encode(after)
                except UnicodeEncodeError as exc:
                    # A rename to ``spöt_map`` in a file whose cookie says ascii.
                    errors.append(f"{name}: fix not applied: the fixed text cannot be encoded as {exc.encoding}")
                    refused.update(target_edits)
                    continue
                except RecursionError:
                    errors.append(f"{name}: fix not applied: the file is nested too deeply to rewrite it safely")
                    refused.update(target_edits)
                    continue
                except MemoryError:
                    errors.append(f"{name}: fix not applied: out of memory while rewriting it")
                    refused.update(target_edits)
                    continue
                except (CodemodError, SyntaxError, ValueError) as exc:
                    interrupts.raise_if_received()
                    errors.append(f"{name}: fix not applied: {exc}")
                    refused.update(target_edits)
                    continue
                except Exception as exc:  # libcst cannot parse what ast could: leave the file alone
                    interrupts.raise_if_received()
                    errors.append(f"{name}: fix not applied: {exc}")
                    refused.update(target_edits)
                    continue
                if after != before:
                    if after in history.setdefault(target, [snapshot.text]):
                        # Fixes that undo each other (renames a -> b here, b -> a through a subclass
                        # elsewhere) would never settle: the file is left as it was.
                        errors.append(f"{name}: fixes not applied: they undo each other")
                        refused.update(target_edits)
                        broken.add(target)
                        continue
                    history[target].append(after)
                    overlay[target] = after
                    if room is not None:
                        room -= len(after)
                    changed[target] = (after, tree if room is None or room >= 0 else None)
            if not changed:
                break
            for target, (after, kept_tree) in changed.items():
                project.replace_source(target, after, kept_tree)
            # Re-check what changed, what had fixes (a TRD102 subclass whose base was fixed), and
            # nothing else: unchanged files keep their findings.
            to_check = sorted({by_key[t] for t in changed if t in by_key} | fixable_files)
        else:
            for target in sorted(changed):
                errors.append(f"{display.get(by_key[target], str(target))}: fixes not applied: "
                              f"still changing after {MAX_PASSES} passes")
                broken.add(target)
    finally:
        gc.unfreeze()
    # A fix refused by the checks above is no fix: its finding is not "fixable" any more.
    remaining = [
        replace(f, fix=None) if f.fix is not None and any(e in refused for e in f.fix.edits) else f
        for path in files
        for f in results.get(path, [])
    ]
    remaining = _verify_unapplied(remaining, unsafe, project, sources, overlay)
    new_texts = {p: t for p, t in overlay.items() if t != sources[p].text and p not in broken}
    return FixOutcome(
        remaining, max(initial - len(remaining), 0), new_texts, sources, errors, internal, initial, initial_codes
    )


def _verify_unapplied(
    findings: list[Finding],
    unsafe: bool,
    project: Project,
    sources: Mapping[Path, SourceFile],
    overlay: Mapping[Path, str],
) -> list[Finding]:
    """The fixes the passes did not try (unsafe ones without ``--unsafe-fixes``), verified on
    the text they were computed on, so that what remains is called fixable only if it is."""
    by_file: dict[str, list[int]] = {}
    for index, finding in enumerate(findings):
        if finding.fix is not None and not finding.fix.applies(unsafe):
            by_file.setdefault(finding.fix.edits[0].path if finding.fix.edits else "", []).append(index)
    result = list(findings)
    for name, indexes in by_file.items():
        key = _key(Path(name)) if name else None
        if key is None or key not in sources:
            continue
        text = overlay.get(key, sources[key].text)
        checked = verified([findings[i] for i in indexes], text, project.parsed(key), key)
        for i, finding in zip(indexes, checked):
            result[i] = finding
    return result


class WriteError(Exception):
    pass


def write_fixes(outcome: FixOutcome, files: Iterable[Path]) -> list[str]:
    """Write every fixed text; the messages of the files that were not written.

    A symbolic link is never written through: when the file it points to is itself among
    ``files`` that file gets the fix, otherwise the link is refused (it may lead anywhere)."""
    inside = {os.path.realpath(f) for f in files if not os.path.islink(f)}
    failed: list[str] = []
    for path, text in sorted(outcome.new_texts.items()):
        source = outcome.sources[path]
        if os.path.islink(source.path) and os.path.realpath(source.path) in inside:
            continue  # the target is fixed as itself
        try:
            write_atomically(source, text)
        except (WriteError, OSError) as exc:
            failed.append(str(exc) if isinstance(exc, WriteError) else f"{source.path}: not fixed: {exc.strerror or exc}")
    return failed


# How many random bytes name a temporary file; the name is ``.NAME.<hex>.tradelint``.
_TEMP_TOKEN_BYTES = 4
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _libc_renameat2() -> Any:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return function


_renameat2 = _libc_renameat2()


def _exchange(folder_fd: int, a: str, b: str) -> bool:
    """Swap two names in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False when the system or
    the file system cannot. Nothing is unlinked: whatever ``b`` held is now at ``a``."""
    if _renameat2 is None:
        return False
    if _renameat2(folder_fd, os.fsencode(a), folder_fd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(error, os.strerror(error))


def _pread_all(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    offset = 0
    while offset <= limit:
        chunk = os.pread(fd, 1 << 20, offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _unchanged(fd: int, info: os.stat_result, data: bytes) -> bool:
    """The file open as ``fd`` is the inode stat'ed as ``info`` and still holds exactly ``data``."""
    now = os.fstat(fd)
    if (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino) or now.st_size != len(data):
        return False
    return _pread_all(fd, len(data)) == data


def write_atomically(source: SourceFile, text: str) -> None:
    """Replace the file whole or not at all, keeping owner, group, mode, extended attributes and
    ACLs, encoding, BOM and line endings; a file this user may not write, or whose owner, group or
    attributes the new file could not keep, is refused (one line) and left as it is.

    The new text goes to a temporary file in the same folder, is flushed to disk, and takes the
    file's name in one step: a reader, or a crash at any moment, sees the old file or the new one,
    never a mix. A killed run (SIGKILL) can leave only one ``.NAME.*.tradelint`` temporary file;
    SIGINT and SIGTERM wait for the few steps of the swap (``interrupts.deferred``) and leave none.

    Never through a symbolic link, and never over an edit made meanwhile: the names are swapped
    (``RENAME_EXCHANGE``), so the file that was replaced is still there under the temporary name,
    and it is checked *after* the swap. If anyone wrote to it since it was read, by appending
    through an open descriptor or by saving a new file over it, the swap is undone and the file
    refused: a concurrent edit is kept, never silently overwritten. Where names cannot be swapped
    (not Linux), the file is compared just before ``os.replace`` and again after it.
    """
    path = Path(os.path.abspath(source.path))
    folder, name = os.fspath(path.parent), path.name
    data = source.encode(text)
    with interrupts.deferred():
        folder_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC)
        try:
            _write_in(folder_fd, source, name, data)
        finally:
            os.close(folder_fd)


def _write_in(folder_fd: int, source: SourceFile, name: str, data: bytes) -> None:
    info = os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
    if stat.S_ISLNK(info.st_mode):
        raise WriteError(f"{source.path}: a symbolic link to a file outside the paths being fixed, not fixed")
    if not stat.S_ISREG(info.st_mode):
        raise WriteError(f"{source.path}: not a regular file, not fixed")
    # The mode bits as well as os.access: root may write anything, but a read-only file says
    # "leave me"; and a writable folder is no licence to replace a file its user may not write.
    if not info.st_mode & stat.S_IWUSR:
        raise WriteError(f"{source.path}: read-only, not fixed")
    if not os.access(name, os.W_OK, dir_fd=folder_fd, effective_ids=os.access in os.supports_effective_ids):
        raise WriteError(f"{source.path}: not writable by this user, not fixed")
    old_fd = os.open(name, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK | _CLOEXEC, dir_fd=folder_fd)
    try:
        with _read_lease(old_fd, source) as lease:
            if not _unchanged(old_fd, info, source.data):
                raise WriteError(f"{source.path}: changed on disk while fixing, not overwritten")
            temp = f".{name}.{secrets.token_hex(_TEMP_TOKEN_BYTES)}.tradelint"
            try:
                fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=folder_fd)
            except OSError as exc:
                if exc.errno == errno.ENAMETOOLONG:
                    raise WriteError(f"{source.path}: name too long for a temporary file beside it, not fixed") from None
                raise
            swapped = False
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    lost = copy_metadata(old_fd, fh.fileno(), info)
                    if lost is not None:
                        raise WriteError(f"{source.path}: {lost}, not fixed")
                    os.fsync(fh.fileno())
                # Compared last, just before the swap, to keep the window for a concurrent edit small.
                if not _unchanged(old_fd, info, source.data):
                    raise WriteError(f"{source.path}: changed on disk while fixing, not overwritten")
                swapped = _exchange(folder_fd, temp, name)
                if not swapped:
                    _replace_and_recheck(folder_fd, source, temp, name, old_fd, info)
                    return
                _keep_or_undo(folder_fd, source, temp, name, old_fd, info, len(data), lease)
            except BaseException:
                if not swapped:
                    _unlink_quietly(temp, folder_fd)
                raise
    finally:
        os.close(old_fd)
    _fsync_folder(folder_fd)


# How long a file that another program holds open for writing is waited for before it is refused.
LEASE_WAIT_SECONDS = 1.0


@contextlib.contextmanager
def _read_lease(fd: int, source: SourceFile) -> Iterator[bool]:
    """A Linux read lease on the file read: while it is held, any ``open`` of that file for
    writing (an append, an editor's save in place) breaks it, so the check after the swap knows
    whether anyone may have written to the file that is being replaced, even through a
    descriptor opened after the last compare. A file already open for writing elsewhere cannot be
    leased: it is waited for, then refused. Yields False where leases are unavailable (not
    Linux, not the file's owner without CAP_LEASE, a network file system, not the main thread)."""
    if not hasattr(fcntl, "F_SETLEASE") or threading.current_thread() is not threading.main_thread():
        yield False
        return
    # A broken lease is announced with SIGIO, whose default action ends the process.
    previous = signal.signal(signal.SIGIO, signal.SIG_IGN)
    try:
        deadline = time.monotonic() + LEASE_WAIT_SECONDS
        while True:
            try:
                fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
                break
            except OSError as exc:
                if exc.errno != errno.EAGAIN:
                    yield False  # leases unsupported here: the checks around the swap remain
                    return
                if time.monotonic() > deadline:
                    raise WriteError(
                        f"{source.path}: open for writing in another program, not overwritten"
                    ) from None
                time.sleep(0.005)
        try:
            yield True
        finally:
            try:
                fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
            except OSError:
                pass  # closing the descriptor, just after, releases it too
    finally:
        signal.signal(signal.SIGIO, previous)


def _lease_intact(fd: int) -> bool:
    """No one has opened the leased file for writing since the lease was taken."""
    return bool(fcntl.fcntl(fd, fcntl.F_GETLEASE) == fcntl.F_RDLCK)


def _keep_or_undo(
    folder_fd: int,
    source: SourceFile,
    temp: str,
    name: str,
    old_fd: int,
    info: os.stat_result,
    size: int,
    lease: bool,
) -> None:
    """After the swap, ``temp`` names what was at ``name``: the file read, unless someone edited it."""
    try:
        replaced = os.stat(temp, dir_fd=folder_fd, follow_symlinks=False)
        same = (
            (replaced.st_dev, replaced.st_ino) == (info.st_dev, info.st_ino)
            and _unchanged(old_fd, info, source.data)
            and (not lease or _lease_intact(old_fd))
        )
    except OSError:
        same = False
    if same:
        os.unlink(temp, dir_fd=folder_fd)
        return
    # Someone edited the file, or is opening it to write, since the last compare: give the name
    # back to their file (the lease, released by the caller, then lets their open go on).
    new_fd = os.open(name, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK | _CLOEXEC, dir_fd=folder_fd)
    try:
        new_info = os.fstat(new_fd)
        if not _exchange(folder_fd, temp, name):
            raise WriteError(f"{source.path}: changed on disk while fixing; the edit is in {temp}")
        after = os.fstat(new_fd)
        touched = after.st_size != size or new_info.st_mtime_ns != after.st_mtime_ns
    finally:
        os.close(new_fd)
    if touched:  # and ours was edited in the instant it had the name: keep that too
        raise WriteError(f"{source.path}: changed on disk while fixing, not overwritten; an edit made "
                         f"during the write is in {temp}")
    os.unlink(temp, dir_fd=folder_fd)
    raise WriteError(f"{source.path}: changed on disk while fixing, not overwritten")


def _replace_and_recheck(
    folder_fd: int, source: SourceFile, temp: str, name: str, old_fd: int, info: os.stat_result
) -> None:
    """Without an atomic swap: replace, then check that the file replaced was not edited meanwhile;
    if it was, write its content back."""
    os.replace(temp, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    if _unchanged(old_fd, info, source.data):
        _fsync_folder(folder_fd)
        return
    restore = f".{name}.{secrets.token_hex(_TEMP_TOKEN_BYTES)}.tradelint"
    fd = os.open(restore, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=folder_fd)
    with os.fdopen(fd, "wb") as fh:
        fh.write(_pread_all(old_fd, 1 << 62))
        copy_metadata(old_fd, fh.fileno(), info)  # kept when the fix was written: the text matters most now
    os.replace(restore, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    raise WriteError(f"{source.path}: changed on disk while fixing, not overwritten")


def _unlink_quietly(name: str, folder_fd: int) -> None:
    try:
        os.unlink(name, dir_fd=folder_fd)
    except OSError:
        pass


def _fsync_folder(folder_fd: int) -> None:
    """Make the rename itself durable; some systems cannot fsync a folder, which is harmless."""
    try:
        os.fsync(folder_fd)
    except OSError:
        pass
