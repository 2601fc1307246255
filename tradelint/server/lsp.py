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
# Engine findings (the file or the configuration cannot be used) are errors; rule findings warn.
ERROR_CODES = {"TRD001", "TRD002"}
# Line breaks as LSP counts lines (``str.splitlines`` also breaks on \v, \f, \x1c, \u2028, ...).
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")

log = logging.getLogger(__name__)


def shipped_docs() -> str | None:
    """Where a diagnostic's code links to by default: ``docs/rules.md`` beside the package (a
    checkout, an editable install), as a ``file:`` URI; None where it is not there (a wheel
    ships no docs/): then no link, unless ``docsUrl`` in the settings names a copy."""
    rules = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
    try:
        with open(rules, encoding="utf-8") as file:
            ours = file.readline() == "# tradelint rules\n"  # not another project's docs/ in site-packages
    except (OSError, UnicodeDecodeError):
        return None
    return rules.as_uri() if ours else None


DOCS_URL = shipped_docs()


def split_lines(text: str) -> list[str]:
    """Lines with their endings, as LSP positions count them."""
    return LINE.findall(text)


class TradelintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("tradelint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.model = Model()
        self.docs_url = DOCS_URL
        self.untitled: dict[str, Path] = {}  # an unsaved buffer's URI -> the path it is checked as
        self._told: dict[int, FixOutcome] = {}  # outcomes whose refusals were logged, until the next change
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
        self._told.clear()  # the model computes its fixes again after a change
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

    def path_of(self, uri: str) -> Path | None:
        """The file a URI names; an unsaved buffer (``untitled:``) is checked as a file of the
        workspace's root folder (the current directory without one), whose configuration it gets."""
        if uri.startswith("untitled:"):
            return self.untitled.get(uri)
        return _path(uri)

    def open_untitled(self, uri: str) -> Path:
        known = self.untitled.get(uri)
        if known is not None:
            return known
        root = self.workspace.root_path or os.getcwd()
        name = re.sub(r"[^\w.-]", "_", uri[len("untitled:") :].lstrip("/")) or "untitled"
        # In a folder of the root that does not exist: never a file on disk, nor a module an
        # import can reach, whatever the buffer is called.
        path = Path(root).absolute() / "<untitled>" / (name if name.endswith(".py") else f"{name}.py")
        self.untitled[uri] = path
        return path

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
        if doc is not None and self.docs_url:
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

    # --- hover ----------------------------------------------------------------------------------------

    def hover(self, params: lsp.HoverParams) -> lsp.Hover | None:
        """What the rules found under the cursor: each finding's code, rule name and summary (the
        first sentence of its documentation's "What it does"), linked to the rule's docs where
        there are some; None elsewhere."""
        path = self.path_of(params.text_document.uri)
        if path is None or path not in self.model.buffers:
            return None
        lines = self.lines(path)
        if params.position.line >= len(lines):
            return None  # the codec would take it for the last line
        where = self.workspace.position_codec.position_from_client_units(lines, params.position)
        point = ServerTextRange(where, where)
        found = [f for f in self.model.findings.get(path, []) if _overlaps(f, point)]
        if not found:
            return None
        docs = rule_docs()
        parts: list[str] = []
        for finding in found:
            doc = docs.get(finding.code)
            if doc is None:
                parts.append(f"**{finding.code}**")
                continue
            head = f"**{finding.code}** `{doc.name}`"
            if self.docs_url:
                head = f"[{finding.code}]({self.docs_url}#{_anchor(doc)}) `{doc.name}`"
            parts.append(f"{head}: {doc.summary}")
        first = found[0]
        return lsp.Hover(
            contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n".join(dict.fromkeys(parts))),
            range=self.to_range(lines, first.line, first.column, first.end_line, first.end_column),
        )

    # --- code actions ------------------------------------------------------------------------------------

    def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        path = self.path_of(params.text_document.uri)
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
                    # The edit is computed before the action is offered: a fix the fixer's checks
                    # refuse (the line it makes is too long, a base class it cannot write) is
                    # not offered at all, rather than offered with an empty edit.
                    edit = self.fix_edit(self.model.fix_one(path, finding), complete=True)
                    if edit is not None:
                        mark = " (unsafe)" if finding.fix.safety == "unsafe" else ""
                        actions.append(
                            lsp.CodeAction(
                                title=f"tradelint: {finding.fix.title} ({finding.code}){mark}",
                                kind=lsp.CodeActionKind.QuickFix,
                                diagnostics=[diagnostic],
                                is_preferred=finding.fix.safety == "safe",
                                data={"uri": params.text_document.uri, "fix": _finding_key(finding)},
                                edit=edit,
                            )
                        )
                if can_comment(text, finding.line):
                    actions.append(self.noqa_action(params.text_document.uri, text, finding, diagnostic))
        # Safe fixes only, whatever ``unsafeFixes`` says: an action run on save must not change
        # what the code does (unsafe fixes are offered one at a time, as quick fixes).
        if _wants(only, FIX_ALL_KIND) and any(f.fix is not None and f.fix.safety == "safe" for f in findings):
            edit = self.fix_edit(self.model.fix_all(path), complete=False)
            if edit is not None:
                actions.append(
                    lsp.CodeAction(
                        title="tradelint: fix all auto-fixable problems",
                        kind=FIX_ALL_KIND,
                        data={"uri": params.text_document.uri, "fixAll": True},
                        edit=edit,
                    )
                )
        return actions

    def fix_edit(self, outcome: FixOutcome, *, complete: bool) -> lsp.WorkspaceEdit | None:
        """The edit of a fix outcome, or None when it changes nothing (every fix was refused) or,
        with ``complete``, when any part of it was refused (a fix whose other half, in another
        file, failed its checks is no fix). Why it was refused goes to the client's log."""
        if id(outcome) not in self._told:  # an outcome is kept until the next edit: told once
            self._told[id(outcome)] = outcome
            for error in outcome.errors:
                self.window_log_message(
                    lsp.LogMessageParams(type=lsp.MessageType.Warning, message=f"tradelint: {error}")
                )
        if not outcome.new_texts or (complete and outcome.errors):
            return None
        return self.workspace_edit(outcome)

    def resolve(self, action: lsp.CodeAction) -> lsp.CodeAction:
        """Every action is sent with its edit (it is computed to decide whether to offer it); a
        client that resolves one anyway gets it back as it was, or its edit computed again."""
        data = action.data if isinstance(action.data, dict) else {}
        uri = data.get("uri")
        path = self.path_of(uri) if isinstance(uri, str) else None
        if action.edit is not None or path is None or path not in self.model.buffers:
            return action
        if data.get("fixAll"):
            action.edit = self.fix_edit(self.model.fix_all(path), complete=False)
        else:
            finding = next(
                (f for f in self.model.findings.get(path, []) if _finding_key(f) == data.get("fix")), None
            )
            if finding is not None:
                action.edit = self.fix_edit(self.model.fix_one(path, finding), complete=True)
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
        return None  # remote schemes: no file, no configuration (``untitled:``: ``path_of``)
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

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: TradelintServer, params: lsp.InitializedParams) -> None:
        workspace = ls.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace is not None else None
        if watched is not None and watched.dynamic_registration:
            options = lsp.DidChangeWatchedFilesRegistrationOptions(
                watchers=[
                    # Configuration files, and the targets of ``extend`` (any name).
                    lsp.FileSystemWatcher(glob_pattern="**/*.toml"),
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
        uri = params.text_document.uri
        if params.text_document.language_id not in ("python", ""):
            return
        path = ls.open_untitled(uri) if uri.startswith("untitled:") else _path(uri)
        if path is None:
            return
        ls.versions[path] = params.text_document.version
        ls.uris[path] = params.text_document.uri
        ls.schedule(ls.guarded("opening a file", lambda: ls.model.set_buffer(path, params.text_document.text), []))

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: TradelintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        path = ls.path_of(params.text_document.uri)
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
        if ls.model.is_configuration(path):
            ls.schedule(ls.guarded("reloading the configuration", ls.model.reload_configuration, []))
        elif path in ls.model.buffers:
            ls.schedule([path])

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: TradelintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        path = ls.path_of(params.text_document.uri)
        if path is None or path not in ls.model.buffers:
            return
        ls.versions.pop(path, None)
        ls.schedule(ls.guarded("closing a file", lambda: ls.model.close_buffer(path), []))
        ls.clear(path)
        ls.uris.pop(path, None)
        ls.untitled.pop(params.text_document.uri, None)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: TradelintServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        paths = [(p, change.type) for change in params.changes if (p := _path(change.uri)) is not None]
        # A package's ``__init__.py`` created or deleted moves import roots and module names,
        # which parsed modules keep: start from a fresh project, as for the configuration.
        package_moved = any(p.name == "__init__.py" and kind != lsp.FileChangeType.Changed for p, kind in paths)
        if package_moved or any(ls.model.is_configuration(p) for p, _ in paths):
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

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: TradelintServer, params: lsp.HoverParams) -> lsp.Hover | None:
        return ls.guarded("describing a finding", lambda: ls.hover(params), None)  # type: ignore[no-any-return]

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
