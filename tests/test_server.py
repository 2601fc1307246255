"""``tradelint server`` driven by a real LSP client (pytest-lsp) over stdio, no protocol mocks: what
an editor shows and offers for a file (diagnostics, code actions, fixes, noqa, positions).

Each test starts the installed server (``python -m tradelint server``) in a subprocess (one per
module: tests/lsp_session.py), opens files of a small project written to a temporary folder, and
reads what the server publishes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

from tests.lsp_session import (  # noqa: F401  (fixtures: pytest finds them by name here)
    BASE,
    MESSAGE_301,
    ROOT,
    ROOTS,
    SERVICE,
    SUB,
    _close_what_was_opened,
    _editor_blocks,
    _env,
    actions_at,
    apply_edit,
    change,
    cli_fix,
    client,
    edits_for,
    forget,
    open_file,
    project,
    published,
    published_until,
    resolved,
    summary,
    type_at,
    unsafe_client,
)
from tradelint.ruledocs import rule_docs


@pytest.mark.asyncio(loop_scope="module")
async def test_diagnostics_on_open_with_code_link_and_fix_safety(client: LanguageClient, project: Path) -> None:
    diagnostics = await open_file(client, project / "pkg" / "service.py")
    assert summary(diagnostics) == [("TRD301", 4, 4, 4, 31)]
    (diagnostic,) = diagnostics
    assert diagnostic.message == MESSAGE_301
    assert diagnostic.source == "tradelint"
    assert diagnostic.severity == lsp.DiagnosticSeverity.Warning
    assert diagnostic.code_description is not None
    # The rule's section of the docs/rules.md that ships with this copy of tradelint.
    assert diagnostic.code_description.href == (ROOT / "docs" / "rules.md").as_uri() + "#discarded-task-trd301"
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
        "        pass\n\n"
        "    async def __aexit__(self, *exc_info):\n"  # the end of a Worker's life: proven
        "        await self.shutdown()\n\n\n"
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
        "        pass\n\n"
        "    async def __aexit__(self, *exc_info):\n"  # the end of a Worker's life: proven
        "        await self.shutdown()\n"
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


def test_noqa_is_offered_only_where_a_comment_can_go() -> None:
    from tradelint.server.lsp import can_comment

    text = 'x = 1\ny = """a\nb"""\nz = (1 +\n  2)\nw = 1 + \\\n  2\n'
    # Not after a backslash (line 6), not inside a string that goes on (line 2).
    assert [can_comment(text, line) for line in range(1, 8)] == [True, False, True, True, True, False, True]


@pytest.mark.asyncio(loop_scope="module")
async def test_hover_on_a_finding_shows_the_rules_summary(client: LanguageClient, project: Path) -> None:
    path = project / "pkg" / "service.py"
    (diagnostic,) = await open_file(client, path)
    errors_before = [m for m in client.log_messages if m.type == lsp.MessageType.Error]
    inside = lsp.Position(line=4, character=10)  # within `asyncio.create_task(poll())`
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=path.as_uri()), position=inside)
    )
    assert hover is not None
    assert isinstance(hover.contents, lsp.MarkupContent) and hover.contents.kind == lsp.MarkupKind.Markdown
    doc = rule_docs()["TRD301"]
    link = (ROOT / "docs" / "rules.md").as_uri() + "#discarded-task-trd301"
    assert hover.contents.value == f"[TRD301]({link}) `discarded-task`: {doc.summary}"
    assert doc.summary.startswith("Flags a task whose creation result is thrown away: ")
    assert hover.range == diagnostic.range
    # Where there is no finding: null, not an error.
    for position in (lsp.Position(line=0, character=3), lsp.Position(line=40, character=0)):
        assert await client.text_document_hover_async(
            lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=path.as_uri()), position=position)
        ) is None
    assert [m for m in client.log_messages if m.type == lsp.MessageType.Error] == errors_before


@pytest.mark.asyncio(loop_scope="module")
async def test_a_fix_its_checks_refuse_is_not_offered(client: LanguageClient, project: Path) -> None:
    # The TRD102 fix rewrites the base class, where `CACHE_KEY: ClassVar[str] = ""` would be 33
    # characters: over the project's line length of 30, so the fixer refuses it.
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + "\n[tool.ruff]\nline-length = 30\n", encoding="utf-8")
    path = project / "pkg" / "sub.py"
    diagnostics = await open_file(client, path)
    assert summary(diagnostics) == [("TRD102", 4, 4, 4, 31)]
    assert diagnostics[0].data == {"fix": {"title": "Annotate `CacheSchema.CACHE_KEY` as `ClassVar`", "safety": "safe"}}
    actions = await actions_at(client, path, diagnostics)
    # Only the noqa comment: no quick fix with an empty edit, no fix-all.
    assert [a.title for a in actions] == ["tradelint: add `# noqa: TRD102` to this line"]
    assert all(a.edit is not None and edits_for(a.edit, path.as_uri()) for a in actions)
    assert cli_fix(path, SUB) == SUB  # `tradelint --fix` leaves it too


@pytest.mark.asyncio(loop_scope="module")
async def test_fix_all_is_not_offered_when_it_changes_nothing(client: LanguageClient, project: Path) -> None:
    # The TRD102 fix is in another file (the base class): fix-all edits this file only, so it has
    # nothing to do here; the quick fix, which edits the base, is offered with its edit.
    path = project / "pkg" / "sub.py"
    base = (project / "pkg" / "base.py").as_uri()
    diagnostics = await open_file(client, path)
    actions = await actions_at(client, path, diagnostics)
    assert [a.title for a in actions] == [
        "tradelint: Annotate `CacheSchema.CACHE_KEY` as `ClassVar` (TRD102)",
        "tradelint: add `# noqa: TRD102` to this line",
    ]
    fixed = apply_edit(BASE, edits_for((await resolved(client, actions[0])).edit, base))
    assert "    CACHE_KEY: ClassVar[str] = \"\"\n" in fixed
    assert await actions_at(client, path, diagnostics, only=[lsp.CodeActionKind.SourceFixAll]) == []


@pytest.mark.asyncio(loop_scope="module")
async def test_fix_all_is_safe_only_even_with_unsafe_fixes_on(unsafe_client: LanguageClient, project: Path) -> None:
    client = unsafe_client
    path = project / "pkg" / "worker.py"
    # TRD303 (unsafe: shutdown now cancels the work) and TRD301 (safe).
    source = (
        "import asyncio\n\n\n"
        "class Worker:\n"
        "    async def start(self, poll):\n"
        "        self.task = asyncio.create_task(poll())\n\n"
        "    async def shutdown(self):\n"
        "        pass\n\n"
        "    async def __aexit__(self, *exc_info):\n"
        "        await self.shutdown()\n\n\n"
        "async def kick(poll):\n"
        "    asyncio.create_task(poll())\n"
    )
    path.write_text(source, encoding="utf-8")
    diagnostics = await open_file(client, path)
    assert [(str(d.code), d.data["fix"]["safety"]) for d in diagnostics] == [("TRD303", "unsafe"), ("TRD301", "safe")]
    # The unsafe fix is offered as a quick fix (the opt-in is on) ...
    quick = await actions_at(client, path, diagnostics[:1], only=[lsp.CodeActionKind.QuickFix])
    assert quick[0].title.endswith("(TRD303) (unsafe)")
    # ... but fix-all applies the safe fixes only: the text `tradelint --fix` writes, not
    # `tradelint --fix --unsafe-fixes`.
    (fix_all,) = await actions_at(client, path, diagnostics, only=[lsp.CodeActionKind.SourceFixAll])
    fixed = apply_edit(source, edits_for(fix_all.edit, path.as_uri()))
    assert fixed == cli_fix(path, source) != cli_fix(path, source, unsafe=True)
    assert "    keep(asyncio.create_task(poll()))\n" in fixed and "self.task.cancel()" not in fixed


@pytest.mark.asyncio(loop_scope="module")
async def test_unsaved_buffer_gets_diagnostics_and_fixes(client: LanguageClient, tmp_path: Path) -> None:
    # An untitled buffer is checked as a file of the workspace's root folder, with its configuration.
    root = ROOTS[id(client)]
    uri = "untitled:Untitled-1"

    def text_document() -> lsp.TextDocumentIdentifier:
        return lsp.TextDocumentIdentifier(uri=uri)

    forget(client, uri)
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=SERVICE))
    )
    (diagnostics,) = await published(client, uri)
    assert summary(diagnostics) == [("TRD301", 4, 4, 4, 31)]
    assert diagnostics[0].message == MESSAGE_301
    result = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=text_document(), range=diagnostics[0].range,
            context=lsp.CodeActionContext(diagnostics=list(diagnostics)),
        )
    )
    actions = [a for a in result or [] if isinstance(a, lsp.CodeAction)]
    assert [a.title for a in actions] == [
        "tradelint: Keep a strong reference until the task is done (TRD301)",
        "tradelint: add `# noqa: TRD301` to this line",
        "tradelint: fix all auto-fixable problems",
    ]
    # The text `tradelint --fix` writes for the same file where no configuration applies.
    fixed = apply_edit(SERVICE, edits_for(actions[0].edit, uri))
    assert fixed == cli_fix(tmp_path / "Untitled-1.py", SERVICE) != SERVICE
    # The root's pyproject.toml applies to it: ignoring TRD301 there clears the buffer.
    pyproject = root / "pyproject.toml"
    pyproject.write_text('[tool.tradelint]\nignore = ["TRD301"]\n', encoding="utf-8")
    try:
        forget(client, uri)
        client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams(
                changes=[lsp.FileEvent(uri=pyproject.as_uri(), type=lsp.FileChangeType.Created)]
            )
        )
        # A check started before the reload may publish first: wait for the one after it.
        assert (await published_until(client, lambda found: found[0] == [], uri))[0] == []
    finally:
        pyproject.unlink()
        client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams(
                changes=[lsp.FileEvent(uri=pyproject.as_uri(), type=lsp.FileChangeType.Deleted)]
            )
        )
    forget(client, uri)
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(text_document()))
    # The check after the configuration's deletion may publish first; closing clears.
    assert (await published_until(client, lambda found: found[0] == [], uri))[0] == []


def test_no_placeholder_address_in_the_server_or_its_docs() -> None:
    from tradelint.server import lsp as server

    assert server.DOCS_URL == (ROOT / "docs" / "rules.md").as_uri()
    editor = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## In the editor\n", 1)[1].split("\n## ", 1)[0]
    for text in (editor, *(p.read_text(encoding="utf-8") for p in (ROOT / "tradelint").rglob("*.py"))):
        assert "your-org" not in text
