"""The flake8 entry point of tradelint (``flake8 --select TRD``): an adapter over
:mod:`tradelint.api`. The rules, the engine and the ``tradelint`` command live in ``tradelint``."""

from tradelint import __version__

__all__ = ["__version__"]
