"""``tradelint server``: the language server over stdio, for editors (needs ``tradelint[server]``)."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

INSTALL_HINT = 'pip install "tradelint[server]"'


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="tradelint server",
        description="Run the language server over stdio: diagnostics and fixes in the editor.",
    )
    parser.add_argument("--stdio", action="store_true", help="talk over stdin and stdout (the default and only mode)")
    parser.parse_args(argv)
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        print(f"tradelint: error: the language server needs the 'server' extra: {INSTALL_HINT}", file=sys.stderr)
        return 2
    from tradelint.server.lsp import serve

    return serve()
