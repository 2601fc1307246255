"""Latency and memory of ``tradelint server`` with a real LSP client (pygls) over stdio.

Not a test: run on demand, record the results in benchmarks/RESULTS.md.

1. Latency: open one real module of 2,000+ lines, then send ``didChange`` edits (a line typed at
   the end of a function, then removed: the text alternates, as when typing) and time each until
   the server's ``publishDiagnostics`` for that version arrives: a warm server, as in an editor.
2. Memory: the server's resident set (``VmRSS``, ``VmHWM`` from /proc) after opening the module,
   and after opening every module of a large project (every file open at once: a ceiling, far
   beyond what an editor keeps open).

    python benchmarks/server_latency.py                       # freqtrade's rpc/telegram.py, 40 edits
    python benchmarks/server_latency.py --module PATH --project DIR --edits 100

The defaults come from the corpus (``benchmarks/fetch_corpus.py --manifest benchmarks/corpus.txt``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

CORPUS = Path.home() / ".cache" / "tradelint-corpus"
DEFAULT_MODULE = CORPUS / "freqtrade-2026.9" / "freqtrade" / "rpc" / "telegram.py"
DEFAULT_PROJECT = CORPUS / "freqtrade-2026.9"


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("tradelint-benchmark", "1")
        self.waiting: dict[tuple[str, int | None], asyncio.Future[list[lsp.Diagnostic]]] = {}
        self.latest: dict[str, list[lsp.Diagnostic]] = {}

    def expect(self, uri: str, version: int | None) -> asyncio.Future[list[lsp.Diagnostic]]:
        future: asyncio.Future[list[lsp.Diagnostic]] = asyncio.get_running_loop().create_future()
        self.waiting[(uri, version)] = future
        return future


def rss(pid: int) -> dict[str, float]:
    """Resident set now and at its peak, in MiB."""
    found = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process so far: what an edit costs, whatever the machine's load."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run(module: Path, project: Path, edits: int, profile: Path | None = None) -> None:
    client = Client()

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: lsp.PublishDiagnosticsParams) -> None:
        client.latest[params.uri] = list(params.diagnostics)
        future = client.waiting.pop((params.uri, params.version), None)
        if future is not None and not future.done():
            future.set_result(list(params.diagnostics))

    started = time.perf_counter()
    if profile is None:
        await client.start_io(sys.executable, "-m", "tradelint", "server")
    else:  # the same server under cProfile, its statistics written when it exits
        code = f"import cProfile; from tradelint.server.lsp import serve; cProfile.run('serve()', {str(profile)!r})"
        await client.start_io(sys.executable, "-c", code)
    assert client._server is not None
    pid = client._server.pid
    await client.initialize_async(
        lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), root_uri=project.as_uri(), process_id=os.getpid())
    )
    client.initialized(lsp.InitializedParams())
    print(f"server up in {time.perf_counter() - started:.2f} s (pid {pid}), {rss(pid)['VmRSS']:.0f} MiB")

    text = module.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    uri = module.as_uri()
    print(f"module: {module} ({len(lines)} lines)")
    waiter = client.expect(uri, 1)
    started = time.perf_counter()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, text)))
    first = await asyncio.wait_for(waiter, 120)
    print(f"open (cold: parses the module and what it imports): {1000 * (time.perf_counter() - started):.0f} ms, "
          f"{len(first)} diagnostics")
    after_open = rss(pid)

    # An edit inside the module: a statement typed on a new line after the first ``def``'s first
    # line of body, then removed again (incremental changes, as an editor sends them).
    anchor = next(i for i, line in enumerate(lines) if line.lstrip().startswith(("def ", "async def ")))
    while not lines[anchor].rstrip().endswith(":"):
        anchor += 1
    body = lines[anchor + 1]
    indent = body[: len(body) - len(body.lstrip())]
    typed = f"{indent}asyncio.sleep(0)\n"
    where = lsp.Position(line=anchor + 1, character=0)
    timings: list[float] = []
    version = 1
    cpu_before = cpu_seconds(pid)
    for i in range(edits):
        version += 1
        if i % 2 == 0:
            change = lsp.TextDocumentContentChangePartial(range=lsp.Range(where, where), text=typed)
        else:
            end = lsp.Position(line=anchor + 2, character=0)
            change = lsp.TextDocumentContentChangePartial(range=lsp.Range(where, end), text="")
        waiter = client.expect(uri, version)
        started = time.perf_counter()
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]
            )
        )
        await asyncio.wait_for(waiter, 60)
        timings.append(1000 * (time.perf_counter() - started))
    cpu = 1000 * (cpu_seconds(pid) - cpu_before) / edits
    timings.sort()
    print(
        f"didChange -> publishDiagnostics over {edits} edits: median {statistics.median(timings):.1f} ms, "
        f"p90 {timings[int(0.9 * (len(timings) - 1))]:.1f} ms, min {timings[0]:.1f} ms, max {timings[-1]:.1f} ms; "
        f"server CPU {cpu:.1f} ms per edit; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"memory after opening the module: RSS {after_open['VmRSS']:.0f} MiB")

    files = sorted(p for p in project.rglob("*.py") if p.is_file())
    total_lines = 0
    started = time.perf_counter()
    cpu_before = cpu_seconds(pid)
    for path in files:
        body_text = path.read_text(encoding="utf-8", errors="replace")
        total_lines += body_text.count("\n")
        file_uri = path.as_uri()
        if file_uri == uri:
            continue
        waiter = client.expect(file_uri, 1)
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(file_uri, "python", 1, body_text)))
        await asyncio.wait_for(waiter, 120)
    elapsed = time.perf_counter() - started
    memory = rss(pid)
    print(
        f"every module of {project.name} open ({len(files)} files, {total_lines:,} lines, {elapsed:.1f} s, "
        f"server CPU {cpu_seconds(pid) - cpu_before:.1f} s): "
        f"RSS {memory['VmRSS']:.0f} MiB, peak {memory['VmHWM']:.0f} MiB"
    )
    # Warm again, with the whole project open: an edit re-checks the module and nothing else
    # (no other module reads it).
    timings = []
    cpu_before = cpu_seconds(pid)
    for i in range(min(edits, 20)):
        version += 1
        if i % 2 == 0:
            change = lsp.TextDocumentContentChangePartial(range=lsp.Range(where, where), text=typed)
        else:
            end = lsp.Position(line=anchor + 2, character=0)
            change = lsp.TextDocumentContentChangePartial(range=lsp.Range(where, end), text="")
        waiter = client.expect(uri, version)
        started = time.perf_counter()
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]
            )
        )
        await asyncio.wait_for(waiter, 60)
        timings.append(1000 * (time.perf_counter() - started))
    cpu = 1000 * (cpu_seconds(pid) - cpu_before) / len(timings)
    print(
        f"didChange with the whole project open: median {statistics.median(timings):.1f} ms over {len(timings)} "
        f"edits; server CPU {cpu:.1f} ms per edit (garbage collections included); RSS {rss(pid)['VmRSS']:.0f} MiB"
    )

    await client.shutdown_async(None)
    client.exit(None)
    if client._server is not None:
        await client._server.wait()
    await client.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", type=Path, default=DEFAULT_MODULE, help="the module edited (2,000+ lines)")
    parser.add_argument("--project", type=Path, default=DEFAULT_PROJECT, help="the project opened whole for memory")
    parser.add_argument("--edits", type=int, default=40, help="how many didChange edits to time")
    parser.add_argument("--profile", type=Path, help="run the server under cProfile, statistics to this file")
    args = parser.parse_args()
    if not args.module.is_file():
        sys.exit(f"{args.module}: not found; fetch the corpus: benchmarks/fetch_corpus.py --manifest benchmarks/corpus.txt")
    asyncio.run(run(args.module.resolve(), args.project.resolve(), args.edits, args.profile))


if __name__ == "__main__":
    main()
