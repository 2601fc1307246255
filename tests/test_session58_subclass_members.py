"""TRD403 and a receiver declared as a base class (session 58).

A receiver typed as class ``C`` may hold an instance of any class the project builds on ``C``:
when one of them (at any depth) defines the name read, the read is not proven to fail. Seen in a
monorepo: a producer's ``self.channel`` is declared as the base ``Channel`` and is the subclass
that defines ``get_filtered_consumers``. The twin: no subclass defines it, still reported.
"""

from __future__ import annotations

from pathlib import Path

from tests.test_rename_history import write
from tradelint.core.config import config_for
from tradelint.facts.context import Project
from tradelint.runner.engine import Checker

BASE = '''\
class Channel:
    def __init__(self) -> None:
        self.consumers = []

    def _filter_consumers(self, **kw):
        return self.consumers


class Producer:
    def __init__(self, channel: Channel) -> None:
        self.channel: Channel = channel
'''

USER = '''\
from chan.base import Channel, Producer


class BotProducer(Producer):
    def send(self, bot_id):
        return self.channel.get_filtered_consumers(bot_id=bot_id)
'''

SUBCLASS = '''\
from chan.base import Channel


class Middle(Channel):
    pass


class BotChannel(Middle):
    def get_filtered_consumers(self, bot_id):
        return [c for c in self.consumers if c == bot_id]
'''

FOUND = [
    "6:16 `self.channel.get_filtered_consumers` is not defined on `Channel`; did you mean `_filter_consumers`?"
]


def check(tmp_path: Path, files: dict[str, str]) -> list[str]:
    project = tmp_path / "project"
    write(project / "pyproject.toml", "[tool.tradelint]\npreview = true\nselect = ['TRD403']\n")
    write(project / "chan" / "__init__.py", "")
    write(project / "chan" / "base.py", BASE)
    write(project / "chan" / "producer.py", USER)
    for name, text in files.items():
        write(project / "chan" / name, text)
    path = project / "chan" / "producer.py"
    return [f"{f.line}:{f.column} {f.message}" for f in Checker(Project()).check_path(path, config_for(path))]


def test_a_subclass_defining_the_name_is_what_the_receiver_may_hold(tmp_path: Path) -> None:
    assert check(tmp_path, {"channels.py": SUBCLASS}) == []


def test_no_subclass_defines_it_still_reported(tmp_path: Path) -> None:
    assert check(tmp_path, {}) == FOUND
    other = SUBCLASS.replace("def get_filtered_consumers", "def get_consumers")
    assert check(tmp_path / "b", {"channels.py": other}) == FOUND
