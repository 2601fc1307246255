"""The calls the task analysis (``task_model``) asks about by their attribute: loop and emitter
APIs that are handed a callable or throw a callback's result away, and Home Assistant's own task
creators. Names of APIs, read by ``TaskAnalysis.sites`` before anything is resolved."""

from __future__ import annotations

from tradelint.models.tasks.creators import CREATOR_NAMES

# Loop methods whose callback's return value is thrown away.
CALLBACK_APIS = {
    "call_soon", "call_soon_threadsafe", "call_later", "call_at", "add_signal_handler",
    "add_done_callback", "add_reader", "add_writer",
}


# Event emitters (pyee, socketio, python-binance's websocket managers): the handler's result is
# thrown away, as a loop callback's is.
EMITTER_APIS = {"on", "once", "add_listener", "add_event_listener", "add_event_handler"}


# Loop methods handed a callable: ``loop.call_soon_threadsafe(asyncio.create_task, coro)``.
HANDLE_APIS = {"call_soon", "call_soon_threadsafe", "call_later", "call_at"}


# Attributes whose call ``sites`` asks about beyond ``self.method(...)``: the creators, the loop
# and emitter APIs handed a callable, discord's ``Loop.start``.
CALL_SITE_APIS = HANDLE_APIS | EMITTER_APIS


# Loop and emitter methods whose callback's result (a lambda's task) is thrown away.
LAMBDA_HOLDER_APIS = CALLBACK_APIS | EMITTER_APIS


# Home Assistant's own creators: ``hass`` keeps each task until it is done (a discarded one is
# no dangling task), and cancels it only when Home Assistant stops, not when the integration that
# made it is unloaded. A config entry's own (``entry.async_create_background_task``) are ended
# by the entry's unload, and are none of these.
HASS_CREATORS = frozenset({"async_create_task", "async_create_background_task"})


SITE_ATTRIBUTES = frozenset(CREATOR_NAMES | CALL_SITE_APIS | HASS_CREATORS | {"create_task", "start", "gather"})
