"""Checking the value of a setting, from a configuration file or the command line: a list of
strings, a table, rule codes, globs, dotted Python names (NFKC-normalised, as Python reads
them), a path; the error names the file and the key, and the closest known word."""

from __future__ import annotations

import argparse
import difflib
import keyword
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Mapping

from tradelint.core.config_errors import ConfigError
from tradelint.core.globs import FilePattern, GlobError
from tradelint.core.registry import all_codes


def non_empty_path(value: str) -> Path:
    """A path given as a command-line argument; ``""`` would silently mean the current folder."""
    if not value.strip():
        raise argparse.ArgumentTypeError("empty path")
    return Path(value)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'select'?"`` for the closest candidate, or ``""``."""
    match = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def _is_identifier(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def identifier(name: str) -> str:
    """``name`` as Python reads it in source: NFKC-normalised (PEP 3131), so ``ﬁeld`` (a
    ligature) or a decomposed ``café`` in the configuration means the attribute the code names."""
    return unicodedata.normalize("NFKC", name)


def _dotted(name: str) -> str:
    return ".".join(identifier(part) for part in name.split("."))


def _string_list(path: Path, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(path, key, f"expected a list of strings, got {value!r}")
    for entry in value:
        if not entry.strip():
            # ``exclude = [""]`` or ``select = [" "]``: almost always a template left unfilled.
            raise ConfigError(path, key, f"empty entry {entry!r}; remove it or give a value")
    return tuple(value)


def _non_empty(path: Path, key: str, values: tuple[str, ...], meaning: str) -> tuple[str, ...]:
    if not values:
        raise ConfigError(path, key, f"empty list: {meaning}; remove the key or give a value")
    return values


def _codes(path: Path, key: str, value: object) -> tuple[str, ...]:
    codes = _string_list(path, key, value)
    known = all_codes()
    for code in codes:
        if code != "ALL" and not any(k.startswith(code) for k in known):
            raise ConfigError(path, key, f"unknown rule code or prefix '{code}'{did_you_mean(code, known)}")
    return codes


def _globs(path: Path, key: str, patterns: Iterable[str], negation: bool) -> None:
    for pattern in patterns:
        try:
            FilePattern.make(pattern, path.parent, allow_negation=negation)
        except GlobError as exc:
            raise ConfigError(path, key, str(exc)) from None


def _table(path: Path, key: str, value: object) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(path, key, f"expected a table, got {value!r}")
    return value
