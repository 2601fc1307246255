"""``tradelint server`` over a project that changes: edits in one file that change another's
findings, files changed on disk, configuration reloaded, hostile or unparsable buffers (a real LSP
client, as in tests/test_server.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

if sys.version_info >= (3, 11):
    pass
else:
    pass

from tests.lsp_session import (  # noqa: F401  (fixtures: pytest finds them by name here)
    BASE,
    OPENED,
    REGISTRATIONS,
    SERVICE,
    _close_what_was_opened,
    actions_at,
    apply_edit,
    change,
    cli,
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
)


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
    assert await published_until(client, lambda found: found == [[], []], base.as_uri(), sub.as_uri()) == [[], []]
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
    # A re-check of the caller started by opening the helper may publish first, under load: wait
    # for the one that follows the edit (or the last one seen at the timeout).
    helper_diagnostics, service_diagnostics = await published_until(
        client, lambda found: bool(found[1]), helpers.as_uri(), service.as_uri()
    )
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
    assert [w["globPattern"] for w in watch.register_options["watchers"]] == ["**/*.toml", "**/*.py"]
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
async def test_tradelint_toml_and_extend_targets_reload_the_configuration(client: LanguageClient, project: Path) -> None:
    service = project / "pkg" / "service.py"
    assert [str(d.code) for d in await open_file(client, service)] == ["TRD301"]
    # A tradelint.toml created nearer than the pyproject.toml in use takes its place (as ruff's
    # ruff.toml), announced as a watched file.
    shared = project / "shared.toml"
    shared.write_text('ignore = ["TRD3"]\n', encoding="utf-8")
    nearer = project / "pkg" / "tradelint.toml"
    nearer.write_text('extend = "../shared.toml"\n', encoding="utf-8")
    forget(client, service.as_uri())
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=nearer.as_uri(), type=lsp.FileChangeType.Created)])
    )
    assert await published(client, service.as_uri()) == [[]]
    # The file it extends, whatever its name, saved through the editor.
    shared.write_text('ignore = ["TRD1"]\n', encoding="utf-8")
    forget(client, service.as_uri())
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(shared.as_uri())))
    assert [str(d.code) for d in (await published(client, service.as_uri()))[0]] == ["TRD301"]
    # Changed again without any notice: read at the next edit, as pyproject.toml is.
    shared.write_text('ignore = ["TRD301"]\n', encoding="utf-8")
    forget(client, service.as_uri())
    type_at(client, service, 0, 0, "# edited\n")
    assert await published(client, service.as_uri()) == [[]]
    # Deleted without notice: the pyproject.toml applies again at the next edit.
    shared.unlink()
    nearer.unlink()
    forget(client, service.as_uri())
    type_at(client, service, 0, 0, "# again\n")
    assert [str(d.code) for d in (await published(client, service.as_uri()))[0]] == ["TRD301"]


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
    # Verified when checked: the refused fix is not offered (no quick fix with an empty edit).
    assert diagnostics[0].data == {"fix": None}
    actions = await actions_at(client, path, diagnostics)
    assert [a.title for a in actions] == ["tradelint: add `# noqa: TRD301` to this line"]
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
