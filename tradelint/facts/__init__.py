"""Syntax and per-module facts: the module index, imports, uses, summaries, and the lifecycle facts
(ownership) that the resource and task families share."""
