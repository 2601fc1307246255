"""Session 91: code an application never runs, two more ways (``facts/prose_mentions.py``,
``facts/unfilled_registries.py``).

- A word in prose names nothing code can reach: a method or a class named only in a comment, a
  docstring or a message given to a logging call or ``print`` is named by no code, and a class
  named only where another module imports its own object of that name (``from kafka import
  KafkaProducer`` beside the project's ``KafkaProducer``) is named by none either. Twins, each
  still reported: the name in a string given to another call (a dispatch table); the name in
  an f-string's expression; a module importing the project's own class; an attribute
  ``module.Name``.
- A loop over a registry that starts empty and that only a method nothing runs fills
  (``register_callback()`` named in a docstring's example only) never runs its body: the task it
  starts per callback is not reported. Twins: the register method called; the registry filled
  from outside the class or named in a string; handed to a call; made filled, or filled in
  ``__init__``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.trees import findings, write

CLIENT = '''\
import asyncio


class Poller:
    """A poller; call ``Poller.poll_forever()`` from your setup."""

    def __init__(self):
        self.running = False

    async def start(self):
        self.running = True

    async def poll_forever(self):
        asyncio.create_task(self._tick())

    async def _tick(self):
        await asyncio.sleep(1)
'''

SETUP = '''\
import logging

from .client import Poller

_LOGGER = logging.getLogger(__name__)


async def async_setup_entry(hass, entry):
    poller = Poller()
    await poller.start()
    # poll_forever used to run here
    _LOGGER.debug("poll_forever is off")
    return poller.running
'''

TICK = "custom_components/demo/client.py:14:9 TRD301 task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"


def _integration(root: Path, client: str = CLIENT, setup: str = SETUP, extra: str = "") -> Path:
    write(root / ".gitignore", "__pycache__/\n")  # (the project's marker)
    folder = root / "custom_components" / "demo"
    write(folder / "__init__.py", setup)
    write(folder / "client.py", client)
    if extra:
        write(folder / "other.py", extra)
    return root


def test_a_method_named_in_prose_only_never_runs(tmp_path: Path) -> None:
    assert findings(_integration(tmp_path), "TRD3") == []


@pytest.mark.parametrize(
    "extra",
    [
        'ACTIONS = {"go": "poll_forever"}\n',
        "def later(poller):\n    return f\"{poller.poll_forever}\"\n",
        "async def later(poller):\n    await poller.poll_forever()\n",
        "print(len('x'))  # poll_forever\nHANDLERS = ['poll_forever']\n",
    ],
    ids=["dispatch_string", "fstring_expression", "call", "string_beside_a_comment"],
)
def test_twins_the_method_named_in_code(tmp_path: Path, extra: str) -> None:
    assert findings(_integration(tmp_path, extra=extra), "TRD3") == [TICK]


PRODUCER = '''\
import asyncio


class KafkaProducer:
    async def send_later(self, value):
        asyncio.create_task(self._send(value))

    async def _send(self, value):
        await asyncio.sleep(0)
'''

# Another module of the project uses the library's class of the same name.
LIBRARY_USER = '''\
try:
    from kafka import KafkaProducer
except ImportError:
    KafkaProducer = None


def make():
    """Return a KafkaProducer, or None."""
    return KafkaProducer(bootstrap_servers="x") if KafkaProducer else None
'''

SEND = "custom_components/demo/producer.py:6:9 TRD301 task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"


def _producer(root: Path, user: str) -> Path:
    write(root / ".gitignore", "__pycache__/\n")
    folder = root / "custom_components" / "demo"
    write(folder / "__init__.py", "async def async_setup_entry(hass, entry):\n    return True\n")
    write(folder / "producer.py", PRODUCER)
    write(folder / "sender.py", user)
    return root


def test_a_class_named_only_as_a_library_object_of_the_same_name_never_runs(tmp_path: Path) -> None:
    assert findings(_producer(tmp_path, LIBRARY_USER), "TRD3") == []


@pytest.mark.parametrize(
    "user",
    [
        "from .producer import KafkaProducer\n\n\nasync def send(value):\n    await KafkaProducer().send_later(value)\n",
        LIBRARY_USER + "\nfrom . import producer\n\nMADE = producer.KafkaProducer\n",
        LIBRARY_USER.replace("    KafkaProducer = None", "    from .producer import KafkaProducer"),
        "KafkaProducer = __import__('custom_components.demo.producer').KafkaProducer\n",
    ],
    ids=["own_import", "module_attribute", "own_import_as_fallback", "assigned_a_value"],
)
def test_twins_the_class_may_be_the_projects(tmp_path: Path, user: str) -> None:
    assert findings(_producer(tmp_path, user), "TRD3") == [SEND]


TRACKER = '''\
import asyncio


class SizeTracker:
    """Tracks sizes.

    Example::

        tracker.register_callback(on_change)
    """

    def __init__(self):
        self._callbacks = []
        self._by_symbol = {}

    def register_callback(self, callback):
        if callback not in self._callbacks:
            self._callbacks.append(callback)

    def register_for(self, symbol, callback):
        if symbol not in self._by_symbol:
            self._by_symbol[symbol] = []
        self._by_symbol[symbol].append(callback)

    async def track(self, symbol, size):
        for callback in list(self._callbacks):
            asyncio.create_task(callback(size))
        if symbol in self._by_symbol:
            for callback in self._by_symbol[symbol]:
                asyncio.create_task(callback(size))
        return size
'''

TRACKER_SETUP = '''\
from .tracker import SizeTracker


async def async_setup_entry(hass, entry):
    tracker = SizeTracker()
    await tracker.track("BTC", 1)
    return True
'''

ALL = "custom_components/demo/tracker.py:27:13 TRD301 task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"
BY_SYMBOL = "custom_components/demo/tracker.py:30:17 TRD301 task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"


def _tracker(root: Path, tracker: str = TRACKER, extra: str = "") -> Path:
    write(root / ".gitignore", "__pycache__/\n")
    folder = root / "custom_components" / "demo"
    write(folder / "__init__.py", TRACKER_SETUP)
    write(folder / "tracker.py", tracker)
    if extra:
        write(folder / "other.py", extra)
    return root


def test_a_loop_over_a_registry_nothing_run_fills_never_runs_its_body(tmp_path: Path) -> None:
    assert findings(_tracker(tmp_path), "TRD3") == []


# Each twin's tracker keeps one loop, so that the finding it keeps is the one it had before.
ONLY_ALL = TRACKER.replace(
    "        if symbol in self._by_symbol:\n            for callback in self._by_symbol[symbol]:\n"
    "                asyncio.create_task(callback(size))\n", ""
)
ONLY_BY_SYMBOL = TRACKER.replace("        for callback in list(self._callbacks):\n            asyncio.create_task(callback(size))\n", "")


@pytest.mark.parametrize(
    ("tracker", "extra", "expected"),
    [
        (ONLY_ALL, "def later(tracker, cb):\n    tracker.register_callback(cb)\n", ALL),
        (ONLY_BY_SYMBOL, "def later(tracker, cb):\n    tracker.register_for('ETH', cb)\n", BY_SYMBOL.replace(":30:", ":28:")),
        (ONLY_ALL, "def later(tracker, cb):\n    tracker._callbacks.append(cb)\n", ALL),
        (ONLY_BY_SYMBOL, "def later(tracker):\n    return getattr(tracker, '_by_symbol')\n", BY_SYMBOL.replace(":30:", ":28:")),
    ],
    ids=["register_called", "register_for_called", "filled_from_outside", "named_in_a_string"],
)
def test_twins_the_registry_may_be_filled(tmp_path: Path, tracker: str, extra: str, expected: str) -> None:
    assert findings(_tracker(tmp_path, tracker, extra=extra), "TRD3") == [expected]


@pytest.mark.parametrize(
    "change",
    [
        ("        self._callbacks = []\n", "        self._callbacks = []\n        load_into(self._callbacks)\n"),
        ("        self._callbacks = []\n", "        self._callbacks = [print]\n"),
        ("        self._callbacks = []\n", "        self._callbacks = []\n        self._callbacks.append(print)\n"),
    ],
    ids=["handed_to_a_call", "starts_filled", "filled_in_init"],
)
def test_twins_the_registry_filled_where_it_is_made(tmp_path: Path, change: tuple[str, str]) -> None:
    tracker = ONLY_ALL.replace(*change).replace("import asyncio\n", "import asyncio\n\nfrom .loader import load_into\n")
    shift = 2 + change[1].count("\n") - change[0].count("\n")
    assert findings(_tracker(tmp_path, tracker), "TRD3") == [ALL.replace(":27:", f":{27 + shift}:")]
