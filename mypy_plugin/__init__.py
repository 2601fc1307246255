"""mypy front-end: ``plugins = ["mypy_plugin"]`` in ``[tool.mypy]`` (or ``mypy.ini``/``setup.cfg``).

It reports, as mypy errors with codes named after the rules (``trd101``, ``trd102``, ``trd301``,
``trd401``), what needs types: dataclass fields inherited from any module or installed package,
renamed attributes on receivers of the configured owner type, tasks discarded from any call
that returns one. Rule codes, messages and configuration come from the core.
"""

from __future__ import annotations

from mypy.plugin import Plugin

from mypy_plugin.hooks import TradelintMypyPlugin
from mypy_plugin.settings import snapshot_version


def plugin(version: str) -> type[Plugin]:
    return TradelintMypyPlugin


def __getattr__(name: str) -> str:
    # mypy's daemon compares the plugins' ``__version__`` (and file hashes) before each
    # ``dmypy run`` and restarts when they differ: see ``snapshot_version``.
    if name == "__version__":
        return snapshot_version()
    raise AttributeError(name)
