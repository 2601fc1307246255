"""mypy front-end (``plugins = ["mypy_plugin"]``). Type-aware checks arrive with issue 4; for now the
plugin loads and adds nothing, so enabling it early is harmless."""

from __future__ import annotations

from mypy.plugin import Plugin


class TradelintMypyPlugin(Plugin):
    pass


def plugin(version: str) -> type[Plugin]:
    return TradelintMypyPlugin
