"""``python -m tradelint`` and the ``tradelint`` script: SIGINT and SIGTERM are handled
from the first moment, before the rest of tradelint is imported; nothing is imported from the
current folder (the checked project's) on tradelint's behalf."""

from __future__ import annotations

import os
import sys

try:
    _here: str | None = os.getcwd()
except OSError:  # the current folder was deleted: nothing can be imported from it
    _here = None
# ``sys.flags.safe_path`` (``-P``) is Python 3.11's; before it the folder is always put first.
if __name__ == "__main__" and not getattr(sys.flags, "safe_path", False) and sys.path and sys.path[0] in ("", _here):
    # ``python -m tradelint`` put the current folder first on ``sys.path`` (``-P`` would not):
    # tradelint's own imports must not find the checked project's ``json.py`` or ``signal.py``
    # there and run it. Its own modules are found through the package, already imported.
    del sys.path[0]

from tradelint.core import interrupts  # noqa: E402


def main() -> None:
    interrupts.install()
    try:
        from tradelint.cli import main as run_cli
    except interrupts.Interrupted as exc:
        os._exit(exc.code)
    run_cli()


if __name__ == "__main__":
    main()
