"""Session 60 (issue 28): three places where the resource model decided on too little evidence,
each a general rule beside its negative twin.

- The end of a holder's owner (``holder_owners.owner_release``) is what runs at the end of the
  owner's life: what a framework runs (an entity's ``async_will_remove_from_hass()``, a
  coordinator's ``async_shutdown()``, a cog's ``cog_unload()``, defined or inherited), the
  ownership model's release method when its name says it ends the whole object or
  ``end_of_life`` proves it the object's last act, or a teardown the class defines
  (``__aexit__``). A callback named for an event (``on_close()``, run when a websocket closes;
  ``handle_disconnect()``) is no end: an owner with only such a method has no end to hang the
  close on, and the held class's own finding is the one to act on.
- A Home Assistant entity or coordinator in an integration that can be unloaded has an end: the
  hook Home Assistant runs at its removal or its entry's unload, which the holder's finding
  names (fuatakgun/eufy_security ``e9763d32``: the coordinator, whose only release-like method
  was the websocket callback ``on_close()``, ended by ``async_shutdown()``).
- A method that makes its resource unless given one (``def client(self, session=None): return
  Api(session or ClientSession(), session is None)``) is called bound: its receiver is no
  argument of the call, so ``self.client(s)`` lends ``s`` and makes nothing, and
  ``self.client(None, 5)`` makes one (the positions counted ``self``: the first was reported,
  the second missed).
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths


def _check(tmp_path: Path, source: str, name: str = "mod.py") -> list[str]:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path], select=["TRD2"])]


HOLDER = """\
import aiohttp


class Inference:
    def __init__(self):
        self._http = aiohttp.ClientSession()

    async def embed(self, text):
        return await self._http.get("/embed")


class Listener:
    def __init__(self):
        self._inference = Inference()

    {end}
"""

PART = "6:9 TRD202 `self._http` is never closed; add a `close()` method that calls its `close()`"


def test_an_event_callback_is_no_end_of_the_holder_owner(tmp_path: Path) -> None:
    # ``on_close()`` runs when something else closes (a websocket's done callback): not the
    # owner's end. Only the held class's own finding.
    callback = "def on_close(self, future=None):\n        self._inference = None"
    assert _check(tmp_path, HOLDER.replace("{end}", callback)) == [PART]
    assert _check(tmp_path, HOLDER.replace("{end}", "def handle_disconnect(self):\n        pass")) == [PART]


def test_an_end_named_as_the_objects_is_the_holder_owner_end(tmp_path: Path) -> None:
    # Twin: ``close()``, ``stop_listening()`` name the end of the whole object.
    for end in ("close", "stop_listening"):
        assert _check(tmp_path, HOLDER.replace("{end}", f"async def {end}(self):\n        self._inference = None")) == [
            PART,
            (
                f"14:9 TRD202 `self._inference` holds a `self._http` that nothing closes, and `{end}()` cannot end it; "
                f"give `Inference` a `close()` that closes it and call it from `{end}()`"
            ),
        ]


def test_an_event_callback_proven_the_last_act_is_the_end(tmp_path: Path) -> None:
    # Twin: a callback-like name that every caller calls as the instance's last use ends it.
    source = HOLDER.replace("{end}", "async def on_close(self):\n        self._inference = None") + """

async def main():
    listener = Listener()
    await listener._inference.embed("x")
    await listener.on_close()
"""
    assert _check(tmp_path, source) == [
        PART,
        (
            "14:9 TRD202 `self._inference` holds a `self._http` that nothing closes, and `on_close()` cannot end it; "
            "give `Inference` a `close()` that closes it and call it from `on_close()`"
        ),
    ]


INIT = """\
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    await hass.config_entries.async_forward_entry_setups(entry, ["sensor"])
    return True
{unload}"""

UNLOAD = """

async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    return await hass.config_entries.async_unload_platforms(entry, ["sensor"])
"""

SENSOR = """\
import aiohttp
from homeassistant.components.sensor import SensorEntity
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


class Feed:
    def __init__(self):
        self._session = aiohttp.ClientSession()

    async def fetch(self):
        return await self._session.get("http://x")
{feed_close}

class FeedSensor(SensorEntity):
    def __init__(self):
        self._feed = Feed()

    async def async_update(self):
        await self._feed.fetch()

    async def async_will_remove_from_hass(self):
        {remove}


class FeedCoordinator(DataUpdateCoordinator):
    def __init__(self, hass):
        super().__init__(hass, None, name="feed")
        self._feed = Feed()

    async def _async_update_data(self):
        return await self._feed.fetch()

    async def on_close(self):
        pass
"""

FEED_PART = "8:9 TRD202 `self._session` is never closed; add a `close()` method that calls its `close()`"


def _integration(tmp_path: Path, unload: str = UNLOAD, feed_close: str = "", remove: str = "pass") -> list[str]:
    folder = tmp_path / "custom_components" / "feed"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "__init__.py").write_text(INIT.replace("{unload}", unload))
    (folder / "manifest.json").write_text("{}")
    sensor = SENSOR.replace("{feed_close}", feed_close).replace("{remove}", remove)
    return _check(tmp_path, sensor, "custom_components/feed/sensor.py")


def test_a_home_assistant_entity_and_coordinator_end_at_unload(tmp_path: Path) -> None:
    # The entity's removal hook and the coordinator's ``async_shutdown()`` (its base registers
    # it on the entry's unload; its ``on_close()`` is a websocket callback) are their ends.
    assert _integration(tmp_path) == [
        FEED_PART,
        (
            "16:9 TRD202 `self._feed` holds a `self._session` that nothing closes, and `async_will_remove_from_hass()` "
            "cannot end it; give `Feed` a `close()` that closes it and call it from `async_will_remove_from_hass()`"
        ),
        (
            "28:9 TRD202 `self._feed` holds a `self._session` that nothing closes, and `async_shutdown()` cannot end it; "
            "give `Feed` a `close()` that closes it and call it from `async_shutdown()`"
        ),
    ]


def test_a_home_assistant_end_that_reaches_the_part_or_never_runs(tmp_path: Path) -> None:
    # Twins. Never unloaded (no ``async_unload_entry``): the coordinator's base hook ends
    # nothing while Home Assistant runs, and its ``on_close()`` is no end; the entity's own
    # removal hook still counts (``end_of_life.TEARDOWN_METHODS``).
    assert _integration(tmp_path, unload="") == [
        FEED_PART,
        (
            "16:9 TRD202 `self._feed` holds a `self._session` that nothing closes, and `async_will_remove_from_hass()` "
            "cannot end it; give `Feed` a `close()` that closes it and call it from `async_will_remove_from_hass()`"
        ),
    ]
    # A held class with a release of its own: the entity's hook that calls it ends it; the
    # coordinator, which never does, keeps the model's finding for a part never closed.
    close = "\n    async def close(self):\n        await self._session.close()\n"
    found = _integration(tmp_path, feed_close=close, remove="await self._feed.close()")
    assert not any(f.startswith(("8:9 ", "16:9 ")) for f in found)
    assert not any("cannot end it" in f for f in found)


FACTORY = """\
import aiohttp


class Api:
    def __init__(self, session, owned):
        self._session = session
        self._owned = owned

    async def close(self):
        if self._owned:
            await self._session.close()


class Factory:
    def client(self, session=None, timeout=10):
        return Api(session or aiohttp.ClientSession(), session is None)

    @staticmethod
    def make(session=None):
        return Api(session or aiohttp.ClientSession(), session is None)

    async def use(self, s):
        api = {call}
        return await api._session.get("x")
"""


def test_a_bound_method_made_unless_given_maps_its_arguments(tmp_path: Path) -> None:
    # ``self.client()`` / ``self.client(None, 5)`` make the session: the caller owns the holder.
    for call in ("self.client()", "self.client(None, 5)", "self.make()"):
        callee = call.partition("(")[0]
        assert _check(tmp_path, FACTORY.replace("{call}", call)) == [
            f"23:9 TRD201 `api` (`{callee}(...)`) is never closed; call `await api.close()` in a `finally`"
        ], call


def test_a_bound_method_given_the_resource_lends_it(tmp_path: Path) -> None:
    # Twins: given a session of the caller's, by position or keyword, the holder makes none.
    for call in ("self.client(s)", "self.client(s, 5)", "self.client(session=s)", "self.make(s)"):
        assert _check(tmp_path, FACTORY.replace("{call}", call)) == [], call


CONTEXT = """\
import aiohttp


class Inference:
    def __init__(self):
        self._http = aiohttp.ClientSession()

    async def embed(self, text):
        return await self._http.get("/embed")


class Client:
    def __init__(self):
        self._inference = Inference()
{close}
    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        {exit}
"""


def test_a_named_end_before_aexit_and_aexit_alone(tmp_path: Path) -> None:
    # The message names what a caller calls: ``close()`` before the ``__aexit__`` that calls it;
    # with no named end, ``__aexit__`` is the owner's end all the same.
    close = "\n    async def close(self):\n        self._inference = None\n"
    assert _check(tmp_path, CONTEXT.replace("{close}", close).replace("{exit}", "await self.close()"))[1:] == [
        (
            "14:9 TRD202 `self._inference` holds a `self._http` that nothing closes, and `close()` cannot end it; "
            "give `Inference` a `close()` that closes it and call it from `close()`"
        ),
    ]
    assert _check(tmp_path, CONTEXT.replace("{close}", "").replace("{exit}", "pass"))[1:] == [
        (
            "14:9 TRD202 `self._inference` holds a `self._http` that nothing closes, and `__aexit__()` cannot end it; "
            "give `Inference` a `close()` that closes it and call it from `__aexit__()`"
        ),
    ]
