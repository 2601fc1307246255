"""SIGINT and SIGTERM: stop at once, kill the workers, leave no temporary file, exit 130 or 143.

The CLI turns both signals into :class:`Interrupted`, raised in the main thread, so the same
unwinding that handles ``^C`` handles ``kill``: worker processes are killed (``runner``), and a
temporary file being written is removed. The few steps that create and then rename or remove a
temporary file run with both signals blocked (:func:`deferred`): a signal that arrives meanwhile
is delivered as soon as they are done, so it can never land between creating a file and owning
it. Workers ignore SIGINT (the main process decides for the run), die on SIGTERM and are killed
by the kernel if the main process dies first (``PR_SET_PDEATHSIG`` on Linux).
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """A signal asked the run to stop; ``code`` is the shell's exit status for it (128 + number)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.code = 128 + signum


_stopping = False
_received = 0  # the first signal's number, kept until the run ends


def _handler(signum: int, frame: FrameType | None) -> None:
    global _stopping, _received
    if _stopping:
        return  # already unwinding: a second ^C must not interrupt the clean-up itself
    _stopping = True
    _received = signum
    # Unwinding re-enables the paused collector; one full collection over every kept tree would
    # take longer than the second the run has to end in.
    gc.set_threshold(0)
    raise Interrupted(signum)


def install() -> None:
    """Make SIGINT and SIGTERM raise :class:`Interrupted` in this (the main) process."""
    global _stopping, _received
    _stopping = False
    _received = 0
    for signum in SIGNALS:
        signal.signal(signum, _handler)


def raise_if_received() -> None:
    """Raise :class:`Interrupted` again if a signal arrived since :func:`install`.

    The handler raises where the main thread happens to be; when that is inside a finalizer, or
    in Python code called from C or Rust (libcst's parser builds its nodes so), the exception
    can be printed and dropped, or come out as another one (a fix "not applied"). Called where a
    broad ``except Exception`` would otherwise carry on, and at the end of the run, so a signal is
    never lost: the run still stops with 128 + its number."""
    if _received:
        raise Interrupted(_received)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while the body runs; they are delivered when it ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def blocked() -> Iterator[None]:
    """Block the signals around starting worker processes: a child is born with them blocked and
    unblocks them in :func:`become_worker`, after its own handlers are in place."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


_PR_SET_PDEATHSIG = 1


def become_worker(parent: int) -> None:
    """In a worker process forked from ``parent``: ignore SIGINT, die on SIGTERM, die with ``parent``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        import ctypes  # (a worker's only: not at every start)

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the main process still kills its workers when it is interrupted
    if os.getppid() != parent:  # the main process died before the line above: nobody waits for us
        os._exit(1)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
