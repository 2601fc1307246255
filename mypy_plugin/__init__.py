"""mypy front-end: ``plugins = ["mypy_plugin"]`` in ``[tool.mypy]`` (or ``mypy.ini``/``setup.cfg``).

It reports, as mypy errors with codes named after the rules (``trd101``, ``trd102``, ``trd301``,
``trd401``), what needs types: dataclass fields inherited from any module or installed package,
renamed attributes on receivers of the configured owner type, tasks discarded from any call
that returns one. Rule codes, messages and configuration come from the core.
"""

from __future__ import annotations

from mypy.plugin import Plugin

from mypy_plugin.hooks import TradelintMypyPlugin


def plugin(version: str) -> type[Plugin]:
    return TradelintMypyPlugin
