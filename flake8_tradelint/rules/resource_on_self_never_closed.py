from __future__ import annotations

from typing import Iterator

from flake8_tradelint.analysis.ownership import release_method
from flake8_tradelint.engine import FileContext
from flake8_tradelint.fix.specs import shutdown_fix
from flake8_tradelint.registry import Report, Rule


class ResourceOnSelfNeverClosed(Rule):
    """## What it does
    Flags an async resource stored on `self` when no method of the class (or of its first-party
    base classes) ever closes it, once per attribute, at its first creation. A first-party class
    that acquires a resource and releases it in its own method is a resource too: a service that
    creates a provider whose `close()` closes its session must call `provider.close()`; a teardown
    named its own way (`finish()`, called by the owner's `shutdown()`) is found as the method that
    releases what the class acquires. Also flagged: a resource that `__init__` creates and
    another method re-creates (`reconnect()`) or sets to `None` (`reset()`) without closing the
    old one, and resources kept as elements of a collection on `self`
    (`self._sessions[key] = ClientSession()`) that no method reaches to close.

    ## Why is this bad?
    The object outlives the call that made the session, so only the class can close it. If its
    `shutdown()`/`close()` forgets, every instance leaks a session ("Unclosed client session").

    ## Example
    ```python
    import aiohttp

    class ContextService:
        async def startup(self):
            self._client_session = aiohttp.ClientSession()

        async def shutdown(self):
            pass
    ```

    ## Use instead
    ```python
    import aiohttp

    class ContextService:
        async def startup(self):
            self._client_session = aiohttp.ClientSession()

        async def shutdown(self):
            if self._client_session:
                await self._client_session.close()
    ```

    ## Fix safety
    Safe when the class has a shutdown-like method: the close is added there, guarded.
    """

    code = "TRD202"
    name = "resource-on-self-never-closed"
    incident = "002"
    fix_availability = "sometimes"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        for verdict in ctx.resources.verdicts:
            if verdict.problem not in ("self_never_closed", "self_replaced", "self_dropped", "elements_never_closed"):
                continue
            c = verdict.creation
            assert c.cls is not None and c.function is not None
            if verdict.problem == "self_replaced":
                yield Report(
                    c.stmt,
                    f"`self.{c.name}` (`{c.label}(...)`) is replaced in `{c.function.name}()` without closing the "
                    f"old one, which leaks; close it (`{c.spec.close}()`) before creating the new one",
                )
                continue
            if verdict.problem == "self_dropped":
                yield Report(
                    c.stmt,
                    f"`self.{c.name}` (`{c.label}(...)`) is set to `None` in `{verdict.detail}()` without being "
                    f"closed, which leaks it; close it (`{c.spec.close}()`) there first",
                )
                continue
            if verdict.problem == "elements_never_closed":
                shutdown = release_method(ctx.module, c.cls, ctx.config.shutdown_methods)
                where = f"in `{shutdown}()`" if shutdown else "in a `close()` method"
                yield Report(
                    c.stmt,
                    f"`{c.label}(...)` objects kept in `self.{c.name}` (added in `{c.function.name}()`) are never "
                    f"closed by `{c.cls.name}`; close each one {where}",
                )
                continue
            shutdown = release_method(ctx.module, c.cls, ctx.config.shutdown_methods)
            advice = f"close it in `{shutdown}()`" if shutdown else "add a `close()` method that closes it"
            awaited = "await " if c.spec.awaited else ""
            fix = shutdown_fix(
                ctx.module,
                c.cls,
                c.name,
                ctx.config.shutdown_methods,
                f"{awaited}{{x}}.{c.spec.close}()",
                f"Close `self.{c.name}` in `{{method}}()`",
                "safe",
            )
            what = f"`{c.label}(...)`, released by its `{c.spec.close}()`" if c.spec.first_party else f"`{c.label}(...)`"
            yield Report(
                c.stmt,
                f"`self.{c.name}` ({what}) is created in `{c.function.name}()` but no method "
                f"of `{c.cls.name}` closes it; {advice}",
                fix,
            )
