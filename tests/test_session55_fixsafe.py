"""A release named for what it ends (``stop_audio()``), on a class whose base is not read, is no
proven end of the object's life: TRD202 names no method there and offers no fix.

A voice agent's text-to-speech plugin implements the abstract ``stop_audio()`` of a base in
another distribution; the base's ``interrupt()`` calls it on every barge-in and its ``close()``
ends the service. A fix closing the plugin's client in ``stop_audio()`` would break the next
reply. With the base read, its ``close()`` is the end; with no base at all, the class's own
word is still where the fix goes (the fixtures' ``close_all()``)."""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths

PLUGIN = """\
from openai import AsyncOpenAI
{import_base}


class Speech({base}):
    def __init__(self):
        self.client = AsyncOpenAI()

    async def speak(self, text):
        return await self.client.audio.speech.create(input=text)

    async def stop_audio(self):
        self.queue_cleared = True
"""

BASE = """\
class Speech:
    async def interrupt(self):
        await self.stop_audio()

    async def stop_audio(self):
        raise NotImplementedError

    async def close(self):
        pass
"""


def _findings(tmp_path: Path, import_base: str, base: str, files: dict[str, str] | None = None) -> list[tuple[str, str | None]]:
    tree = {"app/__init__.py": "", "app/plugin.py": PLUGIN.replace("{import_base}", import_base).replace("{base}", base)}
    tree.update(files or {})
    paths = []
    for name, source in tree.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
        paths.append(path)
    return [
        (f"{f.line}:{f.column} {f.code} {f.message}", f.fix.safety if f.fix else None)
        for f in check_paths(paths, select=["TRD202"])
    ]


def test_own_word_for_a_part_on_a_class_whose_base_is_not_read(tmp_path: Path) -> None:
    assert _findings(tmp_path, "from voicekit.tts import Speech as BaseSpeech", "BaseSpeech") == [
        ("7:9 TRD202 `self.client` is never closed; add a `close()` method that calls its `close()`", None)
    ]


def test_own_word_for_a_part_on_a_class_without_a_base_twin(tmp_path: Path) -> None:
    assert _findings(tmp_path, "", "") == [
        ("7:9 TRD202 `self.client` is never closed; call its `close()` in `stop_audio()`", "safe")
    ]


def test_own_word_for_a_part_on_a_class_whose_base_is_read_twin(tmp_path: Path) -> None:
    found = _findings(tmp_path, "from app.base import Speech as BaseSpeech", "BaseSpeech", {"app/base.py": BASE})
    assert found == [("7:9 TRD202 `self.client` is never closed; call its `close()` in `close()`", None)]


def test_a_standard_library_base_is_read_enough_twin(tmp_path: Path) -> None:
    assert _findings(tmp_path, "import abc", "abc.ABC") == _findings(tmp_path, "", "")
