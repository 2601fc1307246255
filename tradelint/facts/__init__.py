"""Syntax and per-module facts: the module index, imports, uses, summaries, and the lifecycle facts
(ownership) that the resource and task families share.

``summaries`` is imported here, first, so that every ``Project`` can summarise a module however
its user reached this package (``context`` holds no import of it: see its docstring).
"""

from tradelint.facts import summaries as summaries
