"""``tradelint server``: the Language Server Protocol over stdio, on pygls and lsprotocol.

Diagnostics come from the CLI's engine and configuration (:mod:`.model`); code actions from the
``--fix`` passes (:mod:`tradelint.server.buffers`). The server answers every message with the text it
has: a check that fails is logged to the client (``window/logMessage``) and the server goes on.
"""

from __future__ import annotations

import asyncio
import difflib
import io
import logging
import os
import re
import sys
import tokenize
import traceback
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace.position_codec import ServerTextPosition, ServerTextRange

from tradelint._version import __version__
from tradelint.core.finding import Finding
from tradelint.ruledocs import _anchor, rule_docs
from tradelint.runner.fixer import FixOutcome
from tradelint.server.model import Model, Settings

FIX_ALL_KIND = "source.fixAll.tradelint"
# Where a diagnostic's code links to; the project has no public address yet, so this is the
# README's placeholder, and ``docsUrl`` in the settings points it at a real copy of docs/rules.md.
DOCS_URL = "https://github.com/your-org/tradelint/blob/main/docs/rules.md"
# Engine findings (the file or the configuration cannot be used) are errors; rule findings warn.
ERROR_CODES = {"TRD001", "TRD002"}
# Line breaks as LSP counts lines (``str.splitlines`` also breaks on \v, \f, \x1c, \u2028, ...).
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")

log = logging.getLogger(__name__)


def split_lines(text: str) -> list[str]:
    """Lines with their endings, as LSP positions count them."""
    return LINE.findall(text)


class TradelintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("tradelint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.model = Model()
        self.docs_url = DOCS_URL
        self.resolve_edits = False  # whether the client asks for code actions' edits later (codeAction/resolve)
        self.versions: dict[Path, int] = {}  # the client's version of each open buffer
        self.uris: dict[Path, str] = {}  # and its URI, as the client spelled it
        self._pending: list[Path] = []
        self._flush: asyncio.Handle | None = None

    # --- errors: logged to the client, never fatal --------------------------------------------------

    def log_error(self, message: str) -> None:
        try:
            self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error, message=message))
        except Exception:  # the client went away: nothing left to tell
            log.exception("cannot log to the client")

    def report_server_error(self, error: Exception, source: Any) -> None:
        trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        self.log_error(f"tradelint: internal error; please report it:\n{trace}")

    def guarded(self, what: str, work: Callable[[], Any], default: Any = None) -> Any:
        try:
            return work()
        except Exception:
            self.log_error(f"tradelint: internal error while {what}; please report it:\n{traceback.format_exc()}")
            return default

    # --- checking and publishing -----------------------------------------------------------------------

    def schedule(self, paths: Iterable[Path]) -> None:
        """Check these files soon: edits that arrive together are checked once."""
        for path in paths:
            if path not in self._pending:
                self._pending.append(path)
        if self._flush is None and self._pending:
            self._flush = asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        self._flush = None
        pending, self._pending = self._pending, []
        if self.guarded("reading the configuration", self.model.configuration_changed, False):
            pending = self.guarded("reloading the configuration", self.model.reload_configuration, pending)
        for path in pending:
            if path in self.model.buffers:
                self.publish(path)
        if not self._pending:  # nothing waiting: the moment for a collection, if one is due
            self.guarded("collecting garbage", self.model.collect_garbage)

    def publish(self, path: Path) -> None:
        uri = self.uri(path)
        findings = self.guarded(f"checking {path}", lambda: self.model.check(path), default=[])
        version = self.versions.get(path)
        lines = self.lines(path) if findings else []  # most buffers have none: no need to split
        diagnostics = self.guarded(
            f"reporting on {path}", lambda: [self.diagnostic(f, lines) for f in findings], default=[]
        )
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    def uri(self, path: Path) -> str:
        """The URI the client named the file with (its own quoting), else one made from the path."""
        return self.uris.get(path) or from_fs_path(str(path)) or path.as_uri()

    def clear(self, path: Path) -> None:
        uri = self.uri(path)
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def lines(self, path: Path) -> list[str]:
        """The buffer's lines without their endings, as the position codec wants them."""
        return [ln.rstrip("\r\n") for ln in split_lines(self.model.buffers.get(path, ""))] or [""]

    def to_range(self, lines: list[str], line: int, column: int, end_line: int, end_column: int) -> lsp.Range:
        """1-based lines, 1-based character columns -> the client's position encoding."""
        server_range = ServerTextRange(
            ServerTextPosition(line - 1, column - 1), ServerTextPosition(end_line - 1, end_column - 1)
        )
        return self.workspace.position_codec.range_to_client_units(lines, server_range)

    def diagnostic(self, finding: Finding, lines: list[str]) -> lsp.Diagnostic:
        fix = None if finding.fix is None else {"title": finding.fix.title, "safety": finding.fix.safety}
        description = None
        doc = rule_docs().get(finding.code)
        if doc is not None:
            description = lsp.CodeDescription(href=f"{self.docs_url}#{_anchor(doc)}")
        return lsp.Diagnostic(
            range=self.to_range(lines, finding.line, finding.column, finding.end_line, finding.end_column),
            # The help on a second line: editors show the first in place, both on hover.
            message=finding.message if finding.help is None else f"{finding.message}\n{finding.help}",
            severity=lsp.DiagnosticSeverity.Error if finding.code in ERROR_CODES else lsp.DiagnosticSeverity.Warning,
            code=finding.code,
            code_description=description,
            source="tradelint",
            data={"fix": fix},
        )

    # --- code actions ------------------------------------------------------------------------------------

    def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        path = _path(params.text_document.uri)
        if path is None or path not in self.model.buffers:
            return []
        only = params.context.only
        text = self.model.buffers[path]
        actions: list[lsp.CodeAction] = []
        lines = self.lines(path)
        wanted = self.workspace.position_codec.range_from_client_units(lines, params.range)
        findings = self.model.findings.get(path, [])
        if _wants(only, lsp.CodeActionKind.QuickFix):
            for finding in findings:
                if finding.code in ERROR_CODES:
                    continue
                if not _overlaps(finding, wanted):
                    continue
                diagnostic = self.diagnostic(finding, lines)
                if finding.fix is not None and finding.fix.applies(self.model.settings.unsafe_fixes):
                    mark = " (unsafe)" if finding.fix.safety == "unsafe" else ""
                    action = lsp.CodeAction(
                        title=f"tradelint: {finding.fix.title} ({finding.code}){mark}",
                        kind=lsp.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        is_preferred=finding.fix.safety == "safe",
                        data={"uri": params.text_document.uri, "fix": _finding_key(finding)},
                    )
                    actions.append(action)
                if can_comment(text, finding.line):
                    actions.append(self.noqa_action(params.text_document.uri, text, finding, diagnostic))
        if _wants(only, FIX_ALL_KIND) and any(
            f.fix is not None and f.fix.applies(self.model.settings.unsafe_fixes) for f in findings
        ):
            actions.append(
                lsp.CodeAction(
                    title="tradelint: fix all auto-fixable problems",
                    kind=FIX_ALL_KIND,
                    data={"uri": params.text_document.uri, "fixAll": True},
                )
            )
        if not self.resolve_edits:
            actions = [self.resolve(action) for action in actions]
        return actions

    def resolve(self, action: lsp.CodeAction) -> lsp.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        uri = data.get("uri")
        path = _path(uri) if isinstance(uri, str) else None
        if action.edit is not None or path is None or path not in self.model.buffers:
            return action
        if data.get("fixAll"):
            outcome = self.model.fix_all(path)
        else:
            finding = next(
                (f for f in self.model.findings.get(path, []) if _finding_key(f) == data.get("fix")), None
            )
            if finding is None:
                return action
            outcome = self.model.fix_one(path, finding)
        for error in outcome.errors:
            self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Warning, message=f"tradelint: {error}"))
        action.edit = self.workspace_edit(outcome)
        return action

    def workspace_edit(self, outcome: FixOutcome) -> lsp.WorkspaceEdit:
        workspace = self.client_capabilities.workspace
        edit_support = workspace.workspace_edit if workspace is not None else None
        if edit_support is None or not edit_support.document_changes:
            # A client without versioned edits (rare): plain edits per URI.
            return lsp.WorkspaceEdit(
                changes={
                    self.uri(path): list(self.text_edits(outcome.sources[path].text, new))
                    for path, new in sorted(outcome.new_texts.items())
                }
            )
        changes: list[lsp.TextDocumentEdit] = []
        for path, new in sorted(outcome.new_texts.items()):
            old = outcome.sources[path].text
            uri = self.uri(path)
            changes.append(
                lsp.TextDocumentEdit(
                    text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=self.versions.get(path)),
                    edits=list(self.text_edits(old, new)),
                )
            )
        return lsp.WorkspaceEdit(document_changes=changes)

    def text_edits(self, old: str, new: str) -> Iterable[lsp.TextEdit]:
        """Whole-line edits for the lines that differ (positions at line starts: no encoding issue)."""
        before, after = split_lines(old), split_lines(new)
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            yield lsp.TextEdit(
                range=lsp.Range(self.line_start(old, before, i1), self.line_start(old, before, i2)),
                new_text="".join(after[j1:j2]),
            )

    def line_start(self, text: str, lines: list[str], index: int) -> lsp.Position:
        if index < len(lines) or not lines or lines[-1].endswith(("\n", "\r")):
            return lsp.Position(line=index, character=0)
        # The end of a last line without a line break.
        last = lines[-1]
        end = self.workspace.position_codec.position_to_client_units([last], ServerTextPosition(0, len(last)))
        return lsp.Position(line=len(lines) - 1, character=end.character)

    def noqa_action(self, uri: str, text: str, finding: Finding, diagnostic: lsp.Diagnostic) -> lsp.CodeAction:
        lines = split_lines(text)
        line = lines[finding.line - 1] if finding.line <= len(lines) else ""
        body = line.rstrip("\r\n")
        match = re.search(r"#\s*noqa:\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*)", body, re.IGNORECASE)
        if match is not None:  # extend the line's ``# noqa: X`` rather than add a second one
            new_body = body[: match.end("codes")] + f", {finding.code}" + body[match.end("codes") :]
        else:
            new_body = f"{body}  # noqa: {finding.code}"
        codec = self.workspace.position_codec
        end = codec.position_to_client_units([body], ServerTextPosition(0, len(body))).character
        edit = lsp.TextEdit(
            range=lsp.Range(lsp.Position(finding.line - 1, 0), lsp.Position(finding.line - 1, end)), new_text=new_body
        )
        return lsp.CodeAction(
            title=f"tradelint: add `# noqa: {finding.code}` to this line",
            kind=lsp.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            edit=lsp.WorkspaceEdit(changes={uri: [edit]}),
        )

    # --- configuration -------------------------------------------------------------------------------------

    async def pull_settings(self) -> None:
        """The ``tradelint`` section of the client's settings, where the client has them."""
        workspace = self.client_capabilities.workspace
        if workspace is None or not workspace.configuration:
            return
        try:
            answer = await self.workspace_configuration_async(
                lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section="tradelint")])
            )
        except Exception as exc:
            self.log_error(f"tradelint: cannot read the client's settings: {exc}")
            return
        if answer and isinstance(answer[0], dict):
            self.apply_settings(answer[0])

    def apply_settings(self, raw: object) -> None:
        settings = Settings.from_client(raw, self.model.settings)
        if isinstance(raw, dict):
            inner = raw.get("tradelint", raw)
            if isinstance(inner, dict) and isinstance(inner.get("docsUrl"), str):
                self.docs_url = inner["docsUrl"]
        if settings != self.model.settings:
            self.schedule(self.model.reload_configuration(settings))


def can_comment(text: str, line: int) -> bool:
    """Whether a comment can end line ``line``: not after a backslash continuation, and not inside
    a string that goes on to the next line (it would become part of the string)."""
    lines = split_lines(text)
    if not 1 <= line <= len(lines) or lines[line - 1].rstrip("\r\n").endswith("\\"):
        return False
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.start[0] > line:
                return True
            if token.start[0] <= line < token.end[0] and token.type != tokenize.NL and token.type != tokenize.NEWLINE:
                return False  # a token (a triple-quoted string) spans the end of the line
    except (tokenize.TokenError, SyntaxError):
        return False
    return True


def _path(uri: str) -> Path | None:
    if not uri.startswith("file:"):
        return None  # untitled buffers and remote schemes: no file, no configuration
    fs = to_fs_path(uri)
    return Path(fs).absolute() if fs else None


def _wants(only: Sequence[str] | None, kind: str) -> bool:
    """Whether a request restricted to ``only`` kinds wants ``kind`` (a kind covers its sub-kinds)."""
    return only is None or any(kind == k or kind.startswith(k + ".") for k in only)


def _overlaps(finding: Finding, wanted: ServerTextRange) -> bool:
    # Tuples, not the positions themselves: pygls orders them only from 2.1.1 on.
    start, end = (finding.line - 1, finding.column - 1), (finding.end_line - 1, finding.end_column - 1)
    return start <= (wanted.end.line, wanted.end.character) and (wanted.start.line, wanted.start.character) <= end


def _finding_key(finding: Finding) -> list[object]:
    return [finding.code, finding.line, finding.column, finding.end_line, finding.end_column]


def build_server() -> TradelintServer:
    server = TradelintServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: TradelintServer, params: lsp.InitializeParams) -> None:
        ls.apply_settings(params.initialization_options or {})
        text = params.capabilities.text_document
        action = text.code_action if text is not None else None
        resolvable = action.resolve_support.properties if action and action.resolve_support else []
        ls.resolve_edits = "edit" in resolvable

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: TradelintServer, params: lsp.InitializedParams) -> None:
        workspace = ls.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace is not None else None
        if watched is not None and watched.dynamic_registration:
            options = lsp.DidChangeWatchedFilesRegistrationOptions(
                watchers=[
                    lsp.FileSystemWatcher(glob_pattern="**/pyproject.toml"),
                    lsp.FileSystemWatcher(glob_pattern="**/*.py"),
                ]
            )
            registration = lsp.Registration(
                id="tradelint-watch", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
            )
            try:
                await ls.client_register_capability_async(lsp.RegistrationParams(registrations=[registration]))
            except Exception as exc:  # the client said no: pyproject.toml is still re-read on save
                ls.window_log_message(
                    lsp.LogMessageParams(type=lsp.MessageType.Warning, message=f"tradelint: cannot watch files: {exc}")
                )
        await ls.pull_settings()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: TradelintServer, params: lsp.DidOpenTextDocumentParams) -> None:
        path = _path(params.text_document.uri)
        if path is None or params.text_document.language_id not in ("python", ""):
            return
        ls.versions[path] = params.text_document.version
        ls.uris[path] = params.text_document.uri
        ls.schedule(ls.guarded("opening a file", lambda: ls.model.set_buffer(path, params.text_document.text), []))

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: TradelintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        path = _path(params.text_document.uri)
        if path is None or path not in ls.model.buffers:
            return
        ls.versions[path] = params.text_document.version
        text = ls.workspace.get_text_document(params.text_document.uri).source
        ls.schedule(ls.guarded("reading an edit", lambda: ls.model.set_buffer(path, text), []))

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: TradelintServer, params: lsp.DidSaveTextDocumentParams) -> None:
        path = _path(params.text_document.uri)
        if path is None:
            return
        if path.name == "pyproject.toml":
            ls.schedule(ls.guarded("reloading the configuration", ls.model.reload_configuration, []))
        elif path in ls.model.buffers:
            ls.schedule([path])

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: TradelintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        path = _path(params.text_document.uri)
        if path is None or path not in ls.model.buffers:
            return
        ls.versions.pop(path, None)
        ls.schedule(ls.guarded("closing a file", lambda: ls.model.close_buffer(path), []))
        ls.clear(path)
        ls.uris.pop(path, None)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: TradelintServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        paths = [(p, change.type) for change in params.changes if (p := _path(change.uri)) is not None]
        # A package's ``__init__.py`` created or deleted moves import roots and module names,
        # which parsed modules keep: start from a fresh project, as for the configuration.
        package_moved = any(p.name == "__init__.py" and kind != lsp.FileChangeType.Changed for p, kind in paths)
        if package_moved or any(p.name == "pyproject.toml" for p, _ in paths):
            ls.schedule(ls.guarded("reloading the configuration", ls.model.reload_configuration, []))
            return
        sources = [p for p, _ in paths if p.suffix == ".py"]
        layout = any(kind != lsp.FileChangeType.Changed for p, kind in paths if p.suffix == ".py")
        if sources:
            ls.schedule(ls.guarded("reading changed files", lambda: ls.model.files_changed(sources, layout), []))

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: TradelintServer, params: lsp.DidChangeConfigurationParams) -> None:
        if isinstance(params.settings, dict) and params.settings:
            ls.apply_settings(params.settings)
        else:
            await ls.pull_settings()

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(
            code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=True
        ),
    )
    def code_action(ls: TradelintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        return ls.guarded("computing code actions", lambda: ls.code_actions(params), [])  # type: ignore[no-any-return]

    @server.feature(lsp.CODE_ACTION_RESOLVE)
    def code_action_resolve(ls: TradelintServer, action: lsp.CodeAction) -> lsp.CodeAction:
        return ls.guarded("computing a fix", lambda: ls.resolve(action), action)  # type: ignore[no-any-return]

    return server


def serve() -> int:
    """Serve until the client says ``exit``: 0 after a ``shutdown`` request, 1 without (as the
    protocol asks). pygls closes stdout on exit, so later writes go nowhere."""
    server = build_server()
    server.start_io()
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until the process ends
    return 0 if getattr(server.protocol, "_shutdown", False) else 1
