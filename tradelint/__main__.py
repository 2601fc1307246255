"""``python -m tradelint`` and the ``tradelint`` script: SIGINT and SIGTERM are handled
from the first moment, before the rest of tradelint is imported."""

from __future__ import annotations

import os

from tradelint.core import interrupts


def main() -> None:
    interrupts.install()
    try:
        from tradelint.cli import main as run_cli
    except interrupts.Interrupted as exc:
        os._exit(exc.code)
    run_cli()


if __name__ == "__main__":
    main()
