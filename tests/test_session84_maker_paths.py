"""Session 84: a maker of the project that returns a resource on one path, and an instance of
a class of the project with no such release on the others (issue 28, point 3).

``funkekaiser/polyarb`` ``a4280bc5`` (round 28, half a): ``build_notifier()`` returns a
``WebhookNotifier``, which owns an ``httpx.AsyncClient`` closed by its ``aclose()``, when the
configuration asks for a webhook, and a ``NullNotifier`` (no ``aclose()``) otherwise. The scan
command made one and never closed it, so every scan with a webhook left its client open. Such a
maker was taken for no maker at all, because the ``NullNotifier`` has no ``aclose()``: the caller
owns the ``WebhookNotifier`` it gets on the path that makes one all the same
(``factories.factory_spec``, ``ResourceSpec.some_paths``). No fix writes the release, which would
fail on a ``NullNotifier`` (the help says to give the other classes one). Twins: a maker whose
other path returns a library object the model does not know (no maker), and a close in a
``finally``.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

NOTIFY = """\
import httpx


class WebhookNotifier:
    def __init__(self, url):
        self._url = url
        self._client = httpx.AsyncClient()

    async def notify(self, event):
        await self._client.post(self._url, json=event)

    async def aclose(self):
        await self._client.aclose()


class NullNotifier:
    async def notify(self, event):
        pass


def build_notifier(kind, url=None):
    if kind == "webhook":
        return WebhookNotifier(url)
    return NullNotifier()
"""

SCAN = NOTIFY + """

async def scan(kind, url, events):
    notifier = build_notifier(kind, url)
    for event in events:
        await notifier.notify(event)
"""

SCANNER = """\
from notify import build_notifier


class Scanner:
    def __init__(self, kind, url):
        self.notifier = build_notifier(kind, url)

    async def scan(self, events):
        for event in events:
            await self.notifier.notify(event)

    async def stop(self):
        pass
"""


def test_a_maker_returning_a_resource_on_one_path_makes_one(tmp_path: Path) -> None:
    assert source_findings(tmp_path, SCAN, "TRD2") == [
        "28:5 TRD201 `notifier` (`build_notifier(...)`) is never closed; call `await notifier.aclose()` in a `finally`"]


def test_its_help_asks_for_a_release_on_the_other_classes(tmp_path: Path) -> None:
    from tradelint.api import check_paths

    path = tmp_path / "worker.py"
    path.write_text(SCAN)
    [finding] = check_paths([path], select=["TRD201"])
    assert finding.help == (
        "`build_notifier` returns one on some paths only, and other classes without `aclose()` on the others: give them one too "
        "(a method that does nothing), so that every caller can close what it gets")
    assert finding.fix is None


def test_twin_closed_in_a_finally(tmp_path: Path) -> None:
    source = NOTIFY + """

async def scan(kind, url, events):
    notifier = build_notifier(kind, url)
    try:
        for event in events:
            await notifier.notify(event)
    finally:
        if isinstance(notifier, WebhookNotifier):
            await notifier.aclose()
"""
    assert source_findings(tmp_path, source, "TRD2") == []


def test_twin_the_other_path_returns_what_the_model_does_not_know(tmp_path: Path) -> None:
    source = SCAN.replace("    return NullNotifier()", "    return structlog.get_logger()").replace("import httpx", "import httpx\nimport structlog")
    assert source_findings(tmp_path, source, "TRD2") == []


def test_kept_on_self_it_is_reported_without_a_fix(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, {"notify.py": NOTIFY, "scanner.py": SCANNER}, "TRD2") == [
        "scanner.py:6:9 TRD202 `self.notifier` is never closed; call its `aclose()` in `stop()`"]
    from tradelint.api import check_paths

    [finding] = check_paths([tmp_path / "scanner.py"], select=["TRD202"])
    assert finding.fix is None  # (``await self.notifier.aclose()`` would fail on a ``NullNotifier``)


def test_twin_every_class_it_returns_has_the_release_keeps_the_fix(tmp_path: Path) -> None:
    notify = NOTIFY.replace("    async def notify(self, event):\n        pass\n",
                            "    async def notify(self, event):\n        pass\n\n    async def aclose(self):\n        pass\n")
    (tmp_path / "notify.py").write_text(notify)
    (tmp_path / "scanner.py").write_text(SCANNER)
    from tradelint.api import check_paths

    [finding] = check_paths([tmp_path / "scanner.py"], select=["TRD202"])
    assert finding.message == "`self.notifier` is never closed; call its `aclose()` in `stop()`"
    assert finding.fix is not None
