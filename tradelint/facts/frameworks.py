"""The framework base classes whose instances the framework itself ends, by calling one method of
theirs (``close()`` of a discord client, ``cog_unload()`` of a cog): a subclass releases what it
holds there, and the decorators of their event handlers. Read by the ownership model
(``facts/ownership.py``)."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from tradelint.facts.syntax import decorated_by


@dataclass(frozen=True)
class Framework:
    """A framework base class whose instances the framework itself ends, by calling one method
    of theirs: a subclass releases what it holds there (or in what that method calls)."""

    name: str
    bases: frozenset[str]
    # The method the framework calls at shutdown or unload.
    teardown: str
    # Methods the framework once called at teardown and no longer does: a release only there
    # never runs (discord.py >= 1.5 stops a bot with ``close()``, not ``logout()``).
    stale: tuple[str, ...] = ()


# Framework teardown knowledge, by the qualified name of a base class (as the class's module
# imports it). Small on purpose: each entry is documented by the framework.
FRAMEWORKS: tuple[Framework, ...] = (
    # ``Client.run()`` ends with ``close()``; ``logout()`` was an alias for it, then removed (2.0).
    Framework(
        "discord.py client",
        frozenset({
            "discord.Client", "discord.client.Client", "discord.AutoShardedClient",
            "discord.shard.AutoShardedClient", "discord.ext.commands.Bot", "discord.ext.commands.bot.Bot",
            "discord.ext.commands.AutoShardedBot", "discord.ext.commands.bot.AutoShardedBot",
            "redbot.core.bot.Red", "redbot.core.bot.RedBase",
        }),
        "close",
        ("logout",),
    ),
    # discord.py's forks keep its lifecycle: ``Client.run()`` ends with ``close()``.
    Framework(
        "disnake or nextcord client",
        frozenset({
            f"{fork}.{name}" for fork in ("disnake", "nextcord") for name in (
                "Client", "client.Client", "AutoShardedClient", "shard.AutoShardedClient", "ext.commands.Bot",
                "ext.commands.bot.Bot", "ext.commands.AutoShardedBot", "ext.commands.bot.AutoShardedBot",
            )
        } | {
            "disnake.ext.commands.InteractionBot", "disnake.ext.commands.AutoShardedInteractionBot",
            "disnake.ext.commands.interaction_bot_base.InteractionBotBase",
        }),
        "close",
    ),
    # ``Bot.remove_cog()`` (unload, reload, shutdown) calls the cog's ``cog_unload()``.
    Framework(
        "discord.py cog",
        frozenset({
            "discord.ext.commands.Cog", "discord.ext.commands.cog.Cog", "discord.ext.commands.GroupCog",
            "discord.ext.commands.cog.GroupCog", "redbot.core.commands.Cog", "redbot.core.commands.commands.Cog",
            "disnake.ext.commands.Cog", "disnake.ext.commands.cog.Cog",
            "nextcord.ext.commands.Cog", "nextcord.ext.commands.cog.Cog",
        }),
        "cog_unload",
    ),
    # interactions.py 5: ``Client.unload_extension()`` (and a reload) calls the extension's ``drop()``.
    Framework(
        "interactions.py extension",
        frozenset({"interactions.Extension", "interactions.models.internal.extension.Extension"}),
        "drop",
    ),
)


# Decorators of a framework's event handlers: a bot command, a listener, a background loop. A
# release there runs when a user types the command, not when the cog is unloaded.
_HANDLER_DECORATORS = frozenset({"command", "group", "hybrid_command", "hybrid_group", "listener", "loop", "event"})


def is_event_handler(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``@commands.command()``, ``@commands.Cog.listener()``, ``@tasks.loop(...)`` and the like."""
    return decorated_by(function, _HANDLER_DECORATORS)
