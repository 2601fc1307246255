"""tradelint: static analysis for async Python services.

The product lives here once: foundations (``core``), per-module facts (``facts``), one model per
rule family (``models``), the rules, the fixes, the runner, and the front-ends built on them (the
CLI, its commands, the language server). The flake8 plugin (``flake8_tradelint``) and the mypy
plugin (``mypy_plugin``) are thin adapters over :mod:`tradelint.api`. ``docs/architecture.md``
draws the layers.

``import tradelint; tradelint.check_source(...)`` is the API of :mod:`tradelint.api`, loaded on
first use so that ``python -m tradelint`` installs its signal handlers before anything heavy.
"""

from __future__ import annotations

from tradelint._version import __version__

# Not ``typing.TYPE_CHECKING``: ``python -m tradelint`` imports this package while the checked
# project's folder is still first on ``sys.path`` (``__main__`` takes it off), where a ``typing.py``
# of the project's would be the one imported, and run.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tradelint.api import Config, Finding, FixResult, check_paths, check_source, fix_source, resolve_config

# ``pytest -p tradelint`` from a checkout whose pytest11 entry point is not installed (an editable
# install made before it existed): pytest imports this package as the plugin and loads the real one.
pytest_plugins = ["tradelint.runtime.pytest_plugin"]

__all__ = [
    "Config",
    "Finding",
    "FixResult",
    "__version__",
    "check_paths",
    "check_source",
    "fix_source",
    "resolve_config",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from tradelint import api

        return getattr(api, name)
    raise AttributeError(f"module 'tradelint' has no attribute {name!r}")
