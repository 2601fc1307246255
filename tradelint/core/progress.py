"""Progress on stderr for long runs, so a terminal user sees that a big tree is being checked."""

from __future__ import annotations

import sys
import time
from typing import Callable, TextIO

# Below this many files a run is over before a progress line would help.
PROGRESS_THRESHOLD = 200
REDRAW_SECONDS = 0.1


class Progress:
    """``\\r``-redrawn line ``tradelint: checked N/M files (P%), Ts``, erased when the run is done.

    Shown only when the stream is a terminal and the run has more than PROGRESS_THRESHOLD files:
    redirected output, CI logs and pre-commit never see it.
    """

    def __init__(
        self,
        total: int,
        stream: TextIO | None = None,
        *,
        quiet: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.clock = clock
        self.started = clock()
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = not quiet and total > PROGRESS_THRESHOLD and bool(isatty and isatty())
        self._last = float("-inf")
        self._shown = False

    def advance(self, files: int = 1) -> None:
        """``files`` more files done (0: none, but the elapsed time is redrawn if due)."""
        self.done += files
        if not self.enabled:
            return
        now = self.clock()
        if now - self._last >= REDRAW_SECONDS or (files and self.done == self.total):
            self._last = now
            percent = self.done * 100 // self.total
            elapsed = now - self.started
            self.stream.write(f"\rtradelint: checked {self.done}/{self.total} files ({percent}%), {elapsed:.1f}s")
            self.stream.flush()
            self._shown = True

    def clear(self) -> None:
        """Erase the line (before other stderr output, and at the end)."""
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False
