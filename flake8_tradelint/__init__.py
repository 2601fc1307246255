"""tradelint: static analysis for async Python services.

The rules live here once; the flake8 plugin, the ``tradelint`` command and the mypy plugin are
thin front-ends over :func:`flake8_tradelint.engine.check_source`.
"""

__version__ = "0.2.0"
