"""Library resource types read from the libraries' own source by
``scripts/make_resource_table.py`` and shipped as data (``packs/library_resources.json``), so
that they are known where the library is not installed (pre-commit's own environment, CI
without the application's dependencies): ``openai.AsyncOpenAI`` closed by ``await
client.close()``, ``aiokafka.AIOKafkaProducer`` by ``await producer.stop()``."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from tradelint.models.resources.resource_types import ResourceSpec, library_spec


@lru_cache(maxsize=1)
def _table() -> dict[str, ResourceSpec]:
    text = resources.files("tradelint").joinpath("packs/library_resources.json").read_text(encoding="utf-8")
    types = json.loads(text)["types"]
    return {
        name: library_spec(
            entry["close"],
            awaited=entry["awaited"],
            lazy=entry["lazy"],
            ends=tuple(entry.get("ends", ())),
            given=tuple((name, position) for name, position in entry.get("given", ())),
        )
        for name, entry in types.items()
    }


def library_resource(qualified: str, asked_from: str | None = None) -> ResourceSpec | None:
    """The spec of a library resource type (or factory) by its qualified name, if the table has
    it. Not inside the library itself (``asked_from``, the asking module's name, in the same
    top-level package): there its classes are first-party, judged by the first-party rules."""
    if asked_from is not None and asked_from.partition(".")[0] == qualified.partition(".")[0]:
        return None
    return _table().get(qualified)


@lru_cache(maxsize=1)
def library_packages() -> frozenset[str]:
    """The top-level packages the table names: a module importing none of them makes none."""
    return frozenset(name.split(".", 1)[0] for name in _table())


@lru_cache(maxsize=1)
def library_trigger_words() -> tuple[str, ...]:
    """What a module that makes a library resource of the table must contain: the import of its
    package (``qualify`` resolves nothing else), for the rules' ``trigger_words``: ``import P``,
    ``from P`` or ``, P`` (``import os, P``), not the bare name, which many modules that make
    nothing contain (``discord`` in every module of a discord library)."""
    return tuple(f"{how}{package}" for package in sorted(library_packages()) for how in ("import ", "from ", ", "))
