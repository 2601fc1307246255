"""discord.py's ``commands.Cog``, reduced to its listener decorator."""

from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Cog:
    @staticmethod
    def listener() -> Callable[[F], F]:
        def decorate(function: F) -> F:
            return function

        return decorate
