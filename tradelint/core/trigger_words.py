"""The words each rule family needs in a file's source before it can report there (``Rule.triggers``).

A file none of whose enabled rules' words it contains, and which imports no first-party module
that does (``runner/demand.py``), cannot get a finding: demand-driven checking parses it only to
report a syntax error. The words are spelled as the source spells them, matched as bytes (a
substring: ``create_task`` also matches ``loop.create_task`` and ``async_create_task``).
"""

from __future__ import annotations

from typing import Any

# TRD3xx: the task creators, the loop and emitter callbacks whose result is thrown away, discord
# loops, task groups, and third-party task owners (models/tasks).
TASK_WORDS = (
    "create_task", "ensure_future", "Task", "call_soon", "call_later", "call_at", "add_signal_handler",
    "add_done_callback", "add_reader", "add_writer", ".on(", ".once(", "add_listener", "add_event_listener",
    "add_event_handler", "loop(", "Scheduler", "async_create", "gather", "as_completed",
)

# The resource tables' third-party packages, as one word: the library table
# (``packs/library_resources.json``) and the built-in table's ``aiohttp``, ``httpx``, ``redis``,
# ``asyncpg`` and ``websockets``. A file has it when it imports such a package (``import P``,
# ``from P``, ``import os, P``) and spells one of the names of that package's entries (a class, a
# factory, a maker and its class, a release: ``library_table.table_trigger_names``). A name
# alone is no trigger (``Client``, ``Session``, ``connect``, ``Redis`` in a licence's
# "Redistribution" are in most modules), nor an import alone (``from hikari import
# snowflakes``): the file must reach the library and name what it makes. ``runner/demand.py``
# reads it.
RESOURCE_TABLES = "\0resource-tables"

# TRD2xx: the resource tables (above; built in: models/resources/resource_types.py), asyncio's
# streams and servers, ccxt's exchanges, and a class that says how it must be ended
# (``__aexit__``: a first-party protocol type).
RESOURCE_WORDS = (
    RESOURCE_TABLES,
    "ccxt", "__aexit__", "open_connection", "open_unix_connection", "AsyncExitStack",
    "start_server", "start_unix_server",
    # an event loop's makers (``models/resources/loop_transports.py``)
    "create_connection", "create_datagram_endpoint", "create_unix_connection", "create_server", "create_unix_server",
    # asyncio's child processes (``models/resources/child_processes.py``)
    "create_subprocess",
)

# TRD1xx: dataclass makers (stdlib, attrs, pydantic, dataclass_transform) and ClassVar. attrs
# is imported as ``attr`` or ``attrs`` (``@define`` comes from one of them).
DATACLASS_WORDS = ("dataclass", "ClassVar", "attrs", "attr.", "import attr", "from attr ", "pydantic", "BaseModel")


def _last_names(dotted: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name.rpartition(".")[2] for name in dotted if name)


def task_config_words(config: Any) -> tuple[str, ...]:
    """The configured keeper and task owners (``Config``), by their last name."""
    return _last_names((config.task_keeper, *config.task_owners, *(cls for cls, _ in config.task_owner_classes)))


def resource_config_words(config: Any) -> tuple[str, ...]:
    """The configured extra resource types (``resources``), by their last name. (A class of any
    third-party package can be one the project's own code releases, known only from other
    files: ``runner/demand.py`` checks a file importing one for TRD2 without a word.)"""
    return _last_names(tuple(ctor for ctor, _ in config.resources))


def rename_config_words(config: Any) -> tuple[str, ...]:
    """The old names of the configured renames and enabled packs."""
    return tuple(rename.old for rename in config.all_renames)


# A first-party release called bare (``unawaited_release``): its name, as the call spells it.
RELEASE_WORDS = ("close(", "stop(", "shutdown(", "disconnect(", "cleanup(", "teardown(", "terminate(")
