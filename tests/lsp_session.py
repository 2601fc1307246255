"""A real LSP client (pytest-lsp) on the installed ``tradelint server``: the servers (one per
configuration and test module), the project written for each test, and what an editor does
(open, change, type, ask for code actions), shared by tests/test_server.py and
tests/test_server_project.py."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Sequence

import pytest
import pytest_asyncio
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tradelint.cli import run
from tradelint.core.config import clear_cache
from tradelint.server.lsp import split_lines

if sys.version_info >= (3, 11):
    pass
else:
    pass

ROOT = Path(__file__).resolve().parent.parent
# The README's command, as an editor starts it: the installed ``tradelint`` script.
SERVER = [str(Path(sys.executable).with_name("tradelint")), "server"]
TIMEOUT = 10.0

SERVICE = """\
import asyncio


async def start(poll):
    asyncio.create_task(poll())
"""

BASE = """\
from dataclasses import dataclass


@dataclass
class CacheSchema:
    CACHE_KEY: str = ""
    ttl: int = 120
"""

SUB = """\
from pkg.base import CacheSchema


class TickerSchema(CacheSchema):
    CACHE_KEY = "market:ticker"
"""

# The message, then the help on a second line.
MESSAGE_301 = (
    "task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it\n"
    "The event loop keeps only a weak reference, so the task can be garbage-collected mid-run"
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


KEEPER = """\
import asyncio
from typing import Any, TypeVar

F = TypeVar("F", bound="asyncio.Future[Any]")
_running: "set[asyncio.Future[Any]]" = set()


def keep(task: F) -> F:
    _running.add(task)
    task.add_done_callback(_running.discard)
    return task
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    # A package's discarded task is fixed with the project's own keeper (no keeper: no fix).
    # (An excerpt: its methods are judged whether or not anything calls them.)
    (tmp_path / "pyproject.toml").write_text('[tool.tradelint]\ntask-keeper = "pkg.tasks.keep"\ncheck-uncalled-methods = true\n', encoding="utf-8")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "tasks.py").write_text(KEEPER, encoding="utf-8")
    (pkg / "service.py").write_text(SERVICE, encoding="utf-8")
    (pkg / "base.py").write_text(BASE, encoding="utf-8")
    (pkg / "sub.py").write_text(SUB, encoding="utf-8")
    return tmp_path


def cli(*args: str | Path) -> str:
    """``tradelint ARGS`` run in this process (the CLI's own code path, faster than a process);
    its standard output."""
    clear_cache()  # the configuration as it is on disk now
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        run([str(a) for a in args])
    return out.getvalue()


def cli_fix(path: Path, text: str, *, unsafe: bool = False) -> str:
    """What ``tradelint --fix`` writes for ``text`` at ``path`` (the file is overwritten)."""
    path.write_text(text, encoding="utf-8")
    cli("--fix", "--no-cache", "-q", *(["--unsafe-fixes"] if unsafe else []), path)
    return path.read_text(encoding="utf-8")


def _initialize_params(
    project: Path, options: dict[str, Any] | None = None, editor: str = "visual-studio-code"
) -> lsp.InitializeParams:
    return lsp.InitializeParams(
        capabilities=client_capabilities(editor),
        root_uri=project.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=project.as_uri(), name="project")],
        initialization_options=options,
    )


REGISTRATIONS: list[lsp.Registration] = []


def _accept_registrations(client: LanguageClient) -> None:
    """What an editor does with ``client/registerCapability`` (pytest-lsp's client has no default)."""

    @client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params: lsp.RegistrationParams) -> None:
        REGISTRATIONS.extend(params.registrations)


# Each client's workspace root folder (by ``id`` of the client).
ROOTS: dict[int, Path] = {}


# One server per configuration for the whole module (starting one takes a second); each test
# writes its own project to its own folder and closes what it opened.
@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER, server_env=_env()))
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[None]:
    _accept_registrations(lsp_client)
    # VS Code's capabilities, and the initialization options of the README's VS Code settings.
    options = json.loads(_editor_blocks()["json"])["glspc.initializationOptions"]
    root = ROOTS[id(lsp_client)] = tmp_path_factory.mktemp("workspace")
    await lsp_client.initialize_session(_initialize_params(root, options))
    yield
    await lsp_client.shutdown_session()


OPENED: dict[int, tuple[LanguageClient, str]] = {}


@pytest_asyncio.fixture(autouse=True, loop_scope="module")
async def _close_what_was_opened() -> AsyncIterator[None]:
    yield
    for lsp_client, uri in list(OPENED.values()):
        lsp_client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri)))
    OPENED.clear()
    await asyncio.sleep(0.05)


# --- helpers: what an editor does ----------------------------------------------------------------


async def published(client: LanguageClient, *uris: str) -> list[Sequence[lsp.Diagnostic]]:
    """Wait until the server has published diagnostics for each of ``uris`` (cleared beforehand)."""
    deadline = time.monotonic() + TIMEOUT
    while not all(uri in client.diagnostics for uri in uris):
        if time.monotonic() > deadline:
            raise AssertionError(f"no diagnostics for {[u for u in uris if u not in client.diagnostics]}")
        await asyncio.sleep(0.01)
    return [list(client.diagnostics[uri]) for uri in uris]


async def published_until(
    client: LanguageClient, settled: Callable[[list[Sequence[lsp.Diagnostic]]], bool], *uris: str
) -> list[Sequence[lsp.Diagnostic]]:
    """The diagnostics of ``uris`` once ``settled`` holds for them, or the last ones seen when it
    never does within the timeout: a re-check started by an earlier event may publish first."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        found = await published(client, *uris)
        if settled(found) or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.01)


def forget(client: LanguageClient, *uris: str) -> None:
    for uri in uris:
        client.diagnostics.pop(uri, None)


async def open_file(client: LanguageClient, path: Path, text: str | None = None) -> Sequence[lsp.Diagnostic]:
    uri = path.as_uri()
    forget(client, uri)
    OPENED[len(OPENED)] = (client, uri)
    _versions[uri] = 1
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri=uri, language_id="python", version=1,
                                 text=path.read_text(encoding="utf-8") if text is None else text)
        )
    )
    return (await published(client, uri))[0]


_versions: dict[str, int] = {}


def change(client: LanguageClient, path: Path, text: str) -> None:
    """A whole-text change (as after applying an edit)."""
    uri = path.as_uri()
    _versions[uri] = _versions.get(uri, 1) + 1
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=_versions[uri]),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def type_at(client: LanguageClient, path: Path, line: int, character: int, typed: str) -> None:
    """An incremental change: text typed at a position, as an editor sends keystrokes."""
    uri = path.as_uri()
    _versions[uri] = _versions.get(uri, 1) + 1
    position = lsp.Position(line=line, character=character)
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=_versions[uri]),
            content_changes=[lsp.TextDocumentContentChangePartial(range=lsp.Range(position, position), text=typed)],
        )
    )


def summary(diagnostics: Sequence[lsp.Diagnostic]) -> list[tuple[str, int, int, int, int]]:
    return [
        (str(d.code), d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
        for d in diagnostics
    ]


def apply_edit(text: str, edits: Sequence[lsp.TextEdit]) -> str:
    """Apply text edits as a client does (positions in UTF-16; here all text is ASCII)."""
    lines = split_lines(text)

    def offset(position: lsp.Position) -> int:
        if position.line >= len(lines):
            return len(text)
        return sum(len(line) for line in lines[: position.line]) + position.character

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def edits_for(edit: lsp.WorkspaceEdit | None, uri: str) -> list[lsp.TextEdit]:
    assert edit is not None
    found: list[lsp.TextEdit] = []
    for change_ in edit.document_changes or []:
        assert isinstance(change_, lsp.TextDocumentEdit)
        if change_.text_document.uri == uri:
            found.extend(e for e in change_.edits if isinstance(e, lsp.TextEdit))
    for changed_uri, edits in (edit.changes or {}).items():
        if changed_uri == uri:
            found.extend(edits)
    return found


async def actions_at(
    client: LanguageClient, path: Path, diagnostics: Sequence[lsp.Diagnostic], only: list[str] | None = None
) -> list[lsp.CodeAction]:
    where = diagnostics[0].range if diagnostics else lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0))
    result = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=path.as_uri()),
            range=where,
            context=lsp.CodeActionContext(diagnostics=list(diagnostics), only=only),
        )
    )
    return [a for a in result or [] if isinstance(a, lsp.CodeAction)]


async def resolved(client: LanguageClient, action: lsp.CodeAction) -> lsp.CodeAction:
    if action.edit is not None:
        return action
    return await client.code_action_resolve_async(action)


# --- the tests ---------------------------------------------------------------------------------------


FAULTY_SERVER = [
    sys.executable,
    "-c",
    # The real server, with one rule that raises on a marker: an internal error must be logged to
    # the client, and the server must go on serving.
    "import sys; from tradelint.rules import discarded_task as m\n"
    "cls = next(v for v in vars(m).values() if isinstance(v, type) and getattr(v, 'code', '') == 'TRD301')\n"
    "original = cls.check\n"
    "def check(self, ctx):\n"
    "    if 'EXPLODE' in (ctx.module.text or ''):\n"
    "        raise RuntimeError('rule exploded')\n"
    "    return original(self, ctx)\n"
    "cls.check = check\n"
    "from tradelint.cli import main; main(['server'])\n",
]


# The second server: the same, opted in to unsafe fixes at start-up (initializationOptions), with
# one rule made to raise on a marker, for a client that cannot resolve a code action's edit later
# (Emacs's eglot): edits come with the actions.
@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=FAULTY_SERVER, server_env=_env()))
async def unsafe_client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[None]:
    _accept_registrations(lsp_client)
    await lsp_client.initialize_session(
        _initialize_params(tmp_path_factory.mktemp("workspace"), {"unsafeFixes": True}, editor="emacs")
    )
    yield
    await lsp_client.shutdown_session()


def _editor_blocks() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## In the editor\n", 1)[1].split("\n## ", 1)[0]
    return {m["lang"]: m["body"] for m in re.finditer(r"^```(?P<lang>\w+)\n(?P<body>.*?)^```$", section, re.M | re.S)}
