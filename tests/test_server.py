"""``tradelint server`` driven by a real LSP client (pytest-lsp) over stdio: no protocol mocks.

Each test starts the installed server (``python -m tradelint server``) in a subprocess,
opens files of a small project written to a temporary folder, and reads what the server
publishes.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, AsyncIterator, Sequence

import pytest
import pytest_asyncio
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tradelint.cli import run
from tradelint.core.config import clear_cache
from tradelint.server.lsp import split_lines

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

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
    (tmp_path / "pyproject.toml").write_text('[tool.tradelint]\ntask-keeper = "pkg.tasks.keep"\n', encoding="utf-8")
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


# One server per configuration for the whole module (starting one takes a second); each test
# writes its own project to its own folder and closes what it opened.
@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER, server_env=_env()))
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[None]:
    _accept_registrations(lsp_client)
    # VS Code's capabilities, and the initialization options of the README's VS Code settings.
    options = json.loads(_editor_blocks()["json"])["glspc.initializationOptions"]
    await lsp_client.initialize_session(_initialize_params(tmp_path_factory.mktemp("workspace"), options))
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


@pytest.mark.asyncio(loop_scope="module")
async def test_diagnostics_on_open_with_code_link_and_fix_safety(client: LanguageClient, project: Path) -> None:
    diagnostics = await open_file(client, project / "pkg" / "service.py")
    assert summary(diagnostics) == [("TRD301", 4, 4, 4, 31)]
    (diagnostic,) = diagnostics
    assert diagnostic.message == MESSAGE_301
    assert diagnostic.source == "tradelint"
    assert diagnostic.severity == lsp.DiagnosticSeverity.Warning
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href.endswith("docs/rules.md#discarded-task-trd301")
    assert diagnostic.data == {"fix": {"title": "Keep the task with `pkg.tasks.keep`", "safety": "safe"}}
    # The anchor is a heading of docs/rules.md.
    assert "## discarded-task (TRD301)" in (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


@pytest.mark.asyncio(loop_scope="module")
async def test_typing_a_dangling_task_then_applying_the_fix(client: LanguageClient, project: Path) -> None:
    path = project / "pkg" / "service.py"
    uri = path.as_uri()
    clean = "import asyncio\n\n\nasync def start(poll):\n    pass\n"
    assert await open_file(client, path, clean) == []
    # Keystrokes: the dangling create_task appears as it is typed.
    forget(client, uri)
    type_at(client, path, 4, 4, "asyncio.create_task(poll())\n    ")
    (diagnostics,) = await published(client, uri)
    assert summary(diagnostics) == [("TRD301", 4, 4, 4, 31)]
    text = "import asyncio\n\n\nasync def start(poll):\n    asyncio.create_task(poll())\n    pass\n"

    actions = await actions_at(client, path, diagnostics)
    titles = [a.title for a in actions]
    assert titles == [
        "tradelint: Keep the task with `pkg.tasks.keep` (TRD301)",
        "tradelint: add `# noqa: TRD301` to this line",
        "tradelint: fix all auto-fixable problems",
    ]
    fix = await resolved(client, actions[0])
    assert fix.kind == lsp.CodeActionKind.QuickFix and fix.is_preferred
    fixed = apply_edit(text, edits_for(fix.edit, uri))
    assert "    keep(asyncio.create_task(poll()))\n    pass\n" in fixed
    assert fixed == cli_fix(path, text)
    # The same text as `tradelint --fix` writes, and the client's edit is checked again: clean.
    forget(client, uri)
    change(client, path, fixed)
    assert (await published(client, uri))[0] == []


@pytest.mark.asyncio(loop_scope="module")
async def test_fix_matches_the_cli(client: LanguageClient, project: Path) -> None:
    path = project / "pkg" / "service.py"
    diagnostics = await open_file(client, path)
    action = (await actions_at(client, path, diagnostics))[0]
    fixed = apply_edit(SERVICE, edits_for((await resolved(client, action)).edit, path.as_uri()))
    assert fixed == cli_fix(path, SERVICE) != SERVICE


@pytest.mark.asyncio(loop_scope="module")
async def test_noqa_action_silences_the_line(client: LanguageClient, project: Path) -> None:
    path = project / "pkg" / "service.py"
    uri = path.as_uri()
    diagnostics = await open_file(client, path)
    noqa = (await actions_at(client, path, diagnostics))[1]
    assert noqa.title == "tradelint: add `# noqa: TRD301` to this line"
    text = apply_edit(SERVICE, edits_for(noqa.edit, uri))
    assert text.splitlines()[4] == "    asyncio.create_task(poll())  # noqa: TRD301"
    forget(client, uri)
    change(client, path, text)
    assert (await published(client, uri))[0] == []
    # A line that already names another code gets this one added to the same comment.
    forget(client, uri)
    change(client, path, SERVICE.replace("(poll())\n", "(poll())  # noqa: E501\n"))
    (diagnostics,) = await published(client, uri)
    noqa = (await actions_at(client, path, diagnostics))[1]
    text = apply_edit(SERVICE.replace("(poll())\n", "(poll())  # noqa: E501\n"), edits_for(noqa.edit, uri))
    assert text.splitlines()[4] == "    asyncio.create_task(poll())  # noqa: E501, TRD301"


@pytest.mark.asyncio(loop_scope="module")
async def test_fix_all_applies_safe_fixes_only(client: LanguageClient, project: Path) -> None:
    path = project / "pkg" / "worker.py"
    # TRD301 (safe) and TRD303 (unsafe: shutdown now cancels the work).
    source = (
        "import asyncio\n\n\n"
        "class Worker:\n"
        "    async def start(self, poll):\n"
        "        self.task = asyncio.create_task(poll())\n\n"
        "    async def shutdown(self):\n"
        "        pass\n\n\n"
        "async def kick(poll):\n"
        "    asyncio.create_task(poll())\n"
    )
    path.write_text(source, encoding="utf-8")
    uri = path.as_uri()
    diagnostics = await open_file(client, path)
    assert [str(d.code) for d in diagnostics] == ["TRD303", "TRD301"]
    assert [d.data for d in diagnostics] == [
        {"fix": {"title": diagnostics[0].data["fix"]["title"], "safety": "unsafe"}},
        {"fix": {"title": "Keep the task with `pkg.tasks.keep`", "safety": "safe"}},
    ]
    # Without the opt-in, the unsafe fix is not offered; the noqa action is.
    actions = await actions_at(client, path, diagnostics[:1], only=[lsp.CodeActionKind.QuickFix])
    assert [a.title for a in actions] == ["tradelint: add `# noqa: TRD303` to this line"]
    (fix_all,) = await actions_at(client, path, diagnostics, only=[lsp.CodeActionKind.SourceFixAll])
    assert fix_all.kind == "source.fixAll.tradelint"
    fixed = apply_edit(source, edits_for((await resolved(client, fix_all)).edit, uri))
    assert "    keep(asyncio.create_task(poll()))\n" in fixed
    assert fixed == cli_fix(path, source)  # the safe fixes only, as `tradelint --fix`
    forget(client, uri)
    change(client, path, fixed)
    (diagnostics,) = await published(client, uri)
    assert [str(d.code) for d in diagnostics] == ["TRD303"]
    # The opt-in through the workspace settings: the unsafe fix is offered now, and back off.
    forget(client, uri)
    client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings={"tradelint": {"unsafeFixes": True}})
    )
    (diagnostics,) = await published(client, uri)
    actions = await actions_at(client, path, diagnostics, only=[lsp.CodeActionKind.QuickFix])
    assert [a.title.endswith("(TRD303) (unsafe)") for a in actions] == [True, False]
    forget(client, uri)
    client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings={"tradelint": {"unsafeFixes": False}})
    )
    await published(client, uri)


@pytest.mark.asyncio(loop_scope="module")
async def test_unsafe_fixes_with_the_opt_in(unsafe_client: LanguageClient, project: Path) -> None:
    client = unsafe_client
    path = project / "pkg" / "worker.py"
    source = (
        "import asyncio\n\n\n"
        "class Worker:\n"
        "    async def start(self, poll):\n"
        "        self.task = asyncio.create_task(poll())\n\n"
        "    async def shutdown(self):\n"
        "        pass\n"
    )
    path.write_text(source, encoding="utf-8")
    uri = path.as_uri()
    diagnostics = await open_file(client, path)
    assert [str(d.code) for d in diagnostics] == ["TRD303"]
    actions = await actions_at(client, path, diagnostics)
    assert actions[0].title.endswith("(TRD303) (unsafe)")
    assert not actions[0].is_preferred
    assert all(a.edit is not None for a in actions)  # computed at once for this client
    fixed = apply_edit(source, edits_for(actions[0].edit, uri))
    # The same text as `tradelint --fix --unsafe-fixes`.
    assert fixed == cli_fix(path, source, unsafe=True) != source
    forget(client, uri)
    change(client, path, fixed)
    assert (await published(client, uri))[0] == []


@pytest.mark.asyncio(loop_scope="module")
async def test_editing_a_base_class_updates_its_open_subclass(client: LanguageClient, project: Path) -> None:
    base, sub = project / "pkg" / "base.py", project / "pkg" / "sub.py"
    assert summary(await open_file(client, sub)) == [("TRD102", 4, 4, 4, 31)]
    assert [str(d.code) for d in await open_file(client, base)] == ["TRD101"]
    forget(client, base.as_uri(), sub.as_uri())
    # The base's constant becomes a ClassVar in the buffer (not saved): the subclass is fine now.
    change(client, base, BASE.replace("from dataclasses import dataclass\n",
                                      "from dataclasses import dataclass\nfrom typing import ClassVar\n")
           .replace('CACHE_KEY: str = ""', 'CACHE_KEY: ClassVar[str] = ""'))
    assert await published(client, base.as_uri(), sub.as_uri()) == [[], []]
    # Undo: the finding comes back.
    forget(client, base.as_uri(), sub.as_uri())
    change(client, base, BASE)
    base_diagnostics, sub_diagnostics = await published(client, base.as_uri(), sub.as_uri())
    assert summary(sub_diagnostics) == [("TRD102", 4, 4, 4, 31)]
    # Closing the base: the subclass is checked against the file on disk (the same text).
    forget(client, base.as_uri(), sub.as_uri())
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(base.as_uri())))
    base_diagnostics, sub_diagnostics = await published(client, base.as_uri(), sub.as_uri())
    assert base_diagnostics == [] and summary(sub_diagnostics) == [("TRD102", 4, 4, 4, 31)]


@pytest.mark.asyncio(loop_scope="module")
async def test_editing_a_task_wrapper_updates_its_callers(client: LanguageClient, project: Path) -> None:
    helpers, service = project / "pkg" / "helpers.py", project / "pkg" / "caller.py"
    helpers.write_text("def spawn(coro):\n    return coro\n", encoding="utf-8")
    service.write_text("from pkg.helpers import spawn\n\n\nasync def start(poll):\n    spawn(poll())\n",
                       encoding="utf-8")
    assert await open_file(client, service) == []
    assert await open_file(client, helpers) == []
    forget(client, helpers.as_uri(), service.as_uri())
    change(client, helpers, "import asyncio\n\n\ndef spawn(coro):\n    return asyncio.create_task(coro)\n")
    helper_diagnostics, service_diagnostics = await published(client, helpers.as_uri(), service.as_uri())
    assert helper_diagnostics == []
    assert summary(service_diagnostics) == [("TRD301", 4, 4, 4, 17)]
    assert service_diagnostics[0].message.startswith("task from `spawn(...)` is discarded")


@pytest.mark.asyncio(loop_scope="module")
async def test_a_closed_file_changed_on_disk_rechecks_its_dependents(client: LanguageClient, project: Path) -> None:
    base, sub = project / "pkg" / "base.py", project / "pkg" / "sub.py"
    assert summary(await open_file(client, sub)) == [("TRD102", 4, 4, 4, 31)]
    base.write_text(BASE.replace('    CACHE_KEY: str = ""\n', ""), encoding="utf-8")
    forget(client, sub.as_uri())
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=base.as_uri(), type=lsp.FileChangeType.Changed)])
    )
    assert await published(client, sub.as_uri()) == [[]]


@pytest.mark.asyncio(loop_scope="module")
async def test_pyproject_change_reloads_the_configuration(client: LanguageClient, project: Path) -> None:
    service = project / "pkg" / "service.py"
    pyproject = project / "pyproject.toml"
    assert [str(d.code) for d in await open_file(client, service)] == ["TRD301"]
    # The server asked the editor to watch the configuration and the sources.
    watch = next(r for r in REGISTRATIONS if r.method == lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    assert [w["globPattern"] for w in watch.register_options["watchers"]] == ["**/pyproject.toml", "**/*.py"]
    # per-file-ignores, written to disk and announced as a watched-file change.
    pyproject.write_text('[tool.tradelint]\nper-file-ignores = { "pkg/service.py" = ["TRD301"] }\n', encoding="utf-8")
    forget(client, service.as_uri())
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=pyproject.as_uri(), type=lsp.FileChangeType.Changed)])
    )
    assert await published(client, service.as_uri()) == [[]]
    # A broken configuration: one TRD002 on line 1, as under flake8; saving a fixed one clears it.
    pyproject.write_text("[tool.tradelint]\nselec = ['TRD']\n", encoding="utf-8")
    forget(client, service.as_uri())
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(pyproject.as_uri())))
    (diagnostics,) = await published(client, service.as_uri())
    assert summary(diagnostics) == [("TRD002", 0, 0, 0, 0)]
    assert diagnostics[0].message == (
        f"{pyproject}:2:1: [tool.tradelint] key 'selec': unknown key; did you mean 'select'?"
    )
    assert diagnostics[0].severity == lsp.DiagnosticSeverity.Error
    pyproject.write_text("[tool.tradelint]\nexclude = ['pkg/service.py']\n", encoding="utf-8")
    forget(client, service.as_uri())
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(pyproject.as_uri())))
    assert await published(client, service.as_uri()) == [[]]  # excluded, as with --force-exclude


@pytest.mark.asyncio(loop_scope="module")
async def test_preview_setting_from_the_client(client: LanguageClient, project: Path) -> None:
    path = project / "pkg" / "renamed.py"
    text = (
        "class Vat:\n"
        "    def __init__(self):\n"
        "        self.spot_markets = {}\n\n\n"
        "def price(vat: Vat):\n"
        "    return vat.spot_market\n"
    )
    path.write_text(text, encoding="utf-8")
    with_preview = cli("--preview", "--no-cache", "--output-format", "concise", "-q", path)
    cli_default = cli("--no-cache", "--output-format", "concise", "-q", path)
    default = await open_file(client, path)
    assert default == [] and cli_default == ""
    assert " TRD403 `vat.spot_market` is not defined on " in with_preview  # a preview rule
    forget(client, path.as_uri())
    client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings={"tradelint": {"preview": True}})
    )
    (preview,) = await published(client, path.as_uri())
    # The first line of each diagnostic is the CLI's line (the second is the help).
    assert [
        f"{path}:{d.range.start.line + 1}:{d.range.start.character + 1}: {d.code} {d.message.splitlines()[0]}"
        for d in preview
    ] == with_preview.splitlines()
    forget(client, path.as_uri())
    client.workspace_did_change_configuration(
        lsp.DidChangeConfigurationParams(settings={"tradelint": {"preview": False}})
    )
    assert len((await published(client, path.as_uri()))[0]) == len(default)


@pytest.mark.asyncio(loop_scope="module")
async def test_unparsable_buffer_gives_one_diagnostic(client: LanguageClient, project: Path) -> None:
    path = project / "pkg" / "service.py"
    uri = path.as_uri()
    await open_file(client, path)
    forget(client, uri)
    change(client, path, SERVICE + "def broken(:\n")
    (diagnostics,) = await published(client, uri)
    assert len(diagnostics) == 1
    assert str(diagnostics[0].code) == "TRD001"
    assert diagnostics[0].message.startswith("syntax error: ")
    assert diagnostics[0].range.start.line == 5
    # Fixed again: back to the real finding.
    forget(client, uri)
    change(client, path, SERVICE)
    assert [str(d.code) for d in (await published(client, uri))[0]] == ["TRD301"]


@pytest.mark.asyncio(loop_scope="module")
async def test_closing_clears_diagnostics(client: LanguageClient, project: Path) -> None:
    path = project / "pkg" / "service.py"
    assert len(await open_file(client, path)) == 1
    forget(client, path.as_uri())
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(path.as_uri())))
    assert await published(client, path.as_uri()) == [[]]


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


@pytest.mark.asyncio(loop_scope="module")
async def test_internal_error_is_logged_and_the_server_keeps_serving(
    unsafe_client: LanguageClient, project: Path
) -> None:
    client = unsafe_client
    path = project / "pkg" / "service.py"
    assert await open_file(client, path, SERVICE + "# EXPLODE\n") == []
    errors = [m.message for m in client.log_messages if m.type == lsp.MessageType.Error]
    assert len(errors) == 1
    assert errors[0].startswith(f"tradelint: internal error while checking {path}; please report it:\n")
    assert "RuntimeError: rule exploded" in errors[0]
    forget(client, path.as_uri())
    change(client, path, SERVICE)
    assert [str(d.code) for d in (await published(client, path.as_uri()))[0]] == ["TRD301"]


def test_without_the_extra_the_command_exits_2(tmp_path: Path) -> None:
    # A Python that cannot import pygls: a folder on the path whose ``pygls`` fails to import.
    blocker = tmp_path / "blocker"
    (blocker / "pygls").mkdir(parents=True)
    (blocker / "pygls" / "__init__.py").write_text("raise ImportError('no pygls here')\n", encoding="utf-8")
    env = _env()
    env["PYTHONPATH"] = str(blocker) + os.pathsep + env["PYTHONPATH"]
    done = subprocess.run(
        [sys.executable, "-m", "tradelint", "server"],
        env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False, timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "tradelint: error: the language server needs the 'server' extra: pip install \"tradelint[server]\"\n"
    )


def _editor_blocks() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## In the editor\n", 1)[1].split("\n## ", 1)[0]
    return {m["lang"]: m["body"] for m in re.finditer(r"^```(?P<lang>\w+)\n(?P<body>.*?)^```$", section, re.M | re.S)}


def test_readme_editor_set_ups_name_the_same_command() -> None:
    blocks = _editor_blocks()
    assert sorted(blocks) == ["json", "lua", "toml"]
    vscode = json.loads(blocks["json"])
    assert [vscode["glspc.serverCommand"], *vscode["glspc.serverCommandArguments"]] == ["tradelint", "server"]
    assert vscode["glspc.languageId"] == "python"
    assert vscode["glspc.initializationOptions"] == {"unsafeFixes": False}
    neovim = re.search(r'cmd = \{ "(\w+)", "(\w+)" \}', blocks["lua"])
    assert neovim is not None and list(neovim.groups()) == ["tradelint", "server"]
    assert 'vim.lsp.enable("tradelint")' in blocks["lua"] and "init_options = { unsafeFixes = false }" in blocks["lua"]
    helix = tomllib.loads(blocks["toml"])
    server = helix["language-server"]["tradelint"]
    assert [server["command"], *server["args"]] == ["tradelint", "server"]
    assert server["config"] == {"unsafeFixes": False}
    assert "tradelint" in helix["language"][0]["language-servers"]


@pytest.mark.asyncio(loop_scope="module")
async def test_positions_in_the_clients_encoding(client: LanguageClient, project: Path) -> None:
    # VS Code counts UTF-16 code units; tradelint counts characters: the emoji is two units.
    path = project / "pkg" / "service.py"
    prefix = '    label = "\N{ROCKET}"; '
    text = SERVICE.replace("    asyncio.create_task(poll())\n", prefix + "asyncio.create_task(poll())\n")
    (diagnostic,) = await open_file(client, path, text)
    units = len(prefix.encode("utf-16-le")) // 2
    assert units == len(prefix) + 1
    assert summary([diagnostic]) == [("TRD301", 4, units, 4, units + len("asyncio.create_task(poll())"))]


@pytest.mark.asyncio(loop_scope="module")
async def test_a_fix_that_edits_the_base_class_in_another_file(client: LanguageClient, project: Path) -> None:
    base, sub = project / "pkg" / "base.py", project / "pkg" / "sub.py"
    (diagnostic,) = await open_file(client, sub)
    assert str(diagnostic.code) == "TRD102"
    fix = await resolved(client, (await actions_at(client, sub, [diagnostic]))[0])
    assert fix.edit is not None and fix.edit.document_changes is not None
    changed = {c.text_document.uri: c for c in fix.edit.document_changes if isinstance(c, lsp.TextDocumentEdit)}
    assert base.as_uri() in changed
    assert changed[base.as_uri()].text_document.version is None  # not open: the file on disk
    after = {p: apply_edit(p.read_text(encoding="utf-8"), edits_for(fix.edit, p.as_uri())) for p in (base, sub)}
    # What `tradelint --fix` writes for this one rule, given both files.
    cli("--fix", "--no-cache", "-q", "--select", "TRD102", sub, base)
    assert after == {p: p.read_text(encoding="utf-8") for p in (base, sub)}
    assert after[base] != BASE


def test_noqa_is_offered_only_where_a_comment_can_go() -> None:
    from tradelint.server.lsp import can_comment

    text = 'x = 1\ny = """a\nb"""\nz = (1 +\n  2)\nw = 1 + \\\n  2\n'
    # Not after a backslash (line 6), not inside a string that goes on (line 2).
    assert [can_comment(text, line) for line in range(1, 8)] == [True, False, True, True, True, False, True]


@pytest.mark.asyncio(loop_scope="module")
async def test_pyproject_edited_without_notice_is_read_at_the_next_edit(client: LanguageClient, project: Path) -> None:
    # An editor that neither watches files nor tells the server about the save.
    service = project / "pkg" / "service.py"
    assert [str(d.code) for d in await open_file(client, service)] == ["TRD301"]
    (project / "pyproject.toml").write_text('[tool.tradelint]\nignore = ["TRD301"]\n', encoding="utf-8")
    forget(client, service.as_uri())
    type_at(client, service, 0, 0, "# edited\n")
    assert await published(client, service.as_uri()) == [[]]


@pytest.mark.asyncio(loop_scope="module")
async def test_hostile_buffers_never_stop_the_server(client: LanguageClient, project: Path) -> None:
    path = project / "pkg" / "hostile.py"
    uri = path.as_uri()
    await open_file(client, path, "")
    hostile = {
        "(" * 5000: "syntax error: too many nested parentheses\nParsed with the Python ",
        "x = 1\n\0\n": "file contains a NUL byte: not Python source",
        'print "py2"\n': "syntax error: Missing parentheses in call to 'print'.",
    }
    for text, message in hostile.items():
        forget(client, uri)
        change(client, path, text)
        (diagnostics,) = await published(client, uri)
        assert [(str(d.code), d.message.startswith(message)) for d in diagnostics] == [("TRD001", True)]
    # Too deep for the parser from 3.11 on (3.10 parses it on a large stack): one TRD001 or none.
    forget(client, uri)
    change(client, path, "x = " + "1+" * 10_000 + "1\n")
    (diagnostics,) = await published(client, uri)
    expected = [] if sys.version_info < (3, 11) else [("TRD001", "file is too deeply nested to parse\nNo rule ran on this file")]
    assert [(str(d.code), d.message) for d in diagnostics] == expected
    # Deeper than libcst can rewrite: the finding is reported, its fix refused (and said why).
    deep = "import asyncio\n\n\nasync def start(poll, b):\n    asyncio.create_task(poll())\n    return " + \
        "b and " * 2000 + "b\n"
    forget(client, uri)
    change(client, path, deep)
    (diagnostics,) = await published(client, uri)
    assert [str(d.code) for d in diagnostics] == ["TRD301"]
    client.log_messages.clear()
    action = await resolved(client, (await actions_at(client, path, diagnostics))[0])
    assert edits_for(action.edit, uri) == []
    assert [m.message for m in client.log_messages] == [
        f"tradelint: {path}: fix not applied: nested more than 1000 levels deep; libcst cannot rewrite it"
    ]
    forget(client, uri)
    change(client, path, SERVICE)
    assert [str(d.code) for d in (await published(client, uri))[0]] == ["TRD301"]


@pytest.mark.asyncio(loop_scope="module")
async def test_diagnostics_come_back_under_the_clients_uri(client: LanguageClient, project: Path) -> None:
    folder = project / "my bots \N{LATIN SMALL LETTER E WITH ACUTE}"
    folder.mkdir()
    path = folder / "service.py"
    path.write_text(SERVICE, encoding="utf-8")
    # The same file, its URI spelled with lower-case escapes (as some clients do).
    uri = path.as_uri().replace("%C3%A9", "%c3%a9")
    assert uri != path.as_uri()
    forget(client, uri)
    OPENED[len(OPENED)] = (client, uri)
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=SERVICE))
    )
    (diagnostics,) = await published(client, uri)
    assert [str(d.code) for d in diagnostics] == ["TRD301"]
