"""Hostile files: each gives at most one clear diagnostic for itself, and the rest of the run goes on.

Every test puts the hostile file beside an ordinary file with a bug, and checks the bug is still
reported: a hostile file must never cost the rest of the run.
"""

from __future__ import annotations

import ctypes
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tradelint.cli import run
from tradelint.core.config import clear_cache
from tradelint.core.files import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parent.parent
BUG = "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n"
FIXED_TAIL = "async def f():\n    _keep_task(asyncio.create_task(g()))\n"
MESSAGE = "TRD301 [*] task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


def _timeless(text: str) -> str:
    return re.sub(r" in \d+\.\d\ds:", " in 0.00s:", text)


def lint(tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[str], str]:
    """Run on ``tmp_path`` (plus ``extra`` paths); the bug beside the hostile file must be found."""
    (tmp_path / "zz_bug.py").write_text(BUG, encoding="utf-8")
    code = run([str(tmp_path), *extra, "--output-format", "concise"])
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    if "--fix" in extra:
        assert (tmp_path / "zz_bug.py").read_text(encoding="utf-8").endswith(FIXED_TAIL)
    else:
        assert f"{tmp_path / 'zz_bug.py'}:5:5: {MESSAGE}" in lines
    return code, [line for line in lines[:-1] if "zz_bug.py" not in line], captured.err


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", []),
        (b"# just a comment\n# and another, without a newline at the end", []),
        (b"\n\n\n", []),
        (b"x = 1\x00\ny = 2\n", ["hostile.py:1:6: TRD001 file contains a NUL byte: not Python source"]),
        (b"\x00" * 64, ["hostile.py:1:1: TRD001 file contains a NUL byte: not Python source"]),
        (b"x = 1\ny = '\xff\xfe'\n", ["hostile.py:2:6: TRD001 cannot decode file as utf-8: byte 0xff: invalid start byte"]),
        (b"# -*- coding: klingon -*-\nx = 1\n", ["hostile.py:1:1: TRD001 cannot decode file: unknown encoding: klingon"]),
        (
            b"# -*- coding: ascii -*-\nname = 'caf\xc3\xa9'\n",
            ["hostile.py:2:12: TRD001 cannot decode file as ascii: byte 0xc3: ordinal not in range(128)"],
        ),
        (
            b"\xef\xbb\xbf# -*- coding: latin-1 -*-\nx = 1\n",
            ["hostile.py:1:1: TRD001 cannot decode file: a UTF-8 byte order mark and a coding cookie for another encoding"],
        ),
        (b"\xef\xbb\xbfx = 1\n", []),
        (b"x = 1\r\ny = 2\nz = 3\rw = 4\n", []),
        (b"if x:\n\tif y:\n\t\tpass\n        pass\n", [f"hostile.py:4:1: TRD001 syntax error: inconsistent use of tabs and spaces in indentation"]),
        (b"print 'hello'\n", [f"hostile.py:1:1: TRD001 syntax error: Missing parentheses in call to 'print'. Did you mean print(...)?"]),
        (b"x = " + b"(" * 300 + b"1" + b")" * 300 + b"\n", [f"hostile.py:1:205: TRD001 syntax error: too many nested parentheses"]),
        (
            b"x = " + b"+".join([b"1"] * 200_000) + b"\n",
            # 3.10 parses it on a large stack (on its own it crashed: no depth check); 3.11+ refuse.
            [] if sys.version_info < (3, 11) else ["hostile.py:1:1: TRD001 file is too deeply nested to parse"],
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["hostile.py:1:1: TRD001 cannot decode file as utf-8: byte 0x89: invalid start byte"]),
    ],
    ids=[
        "empty", "only-comments", "blank-lines", "nul-byte", "all-nul", "invalid-utf8", "unknown-cookie",
        "wrong-cookie", "bom-and-other-cookie", "bom", "mixed-line-endings", "inconsistent-tabs", "python2",
        "nested-parentheses", "nested-beyond-recursion-limit", "binary",
    ],
)
def test_hostile_content(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, expected: list[str]) -> None:
    (tmp_path / "hostile.py").write_bytes(data)
    code, lines, err = lint(tmp_path, capsys)
    assert code == 1
    assert lines == [f"{tmp_path}/{line}" for line in expected]
    assert err == ""


def test_syntax_newer_than_the_interpreter(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # PEP 695 (3.12) is a syntax error before 3.12; PEP 758 (3.14, ``except`` without
    # parentheses) is read on every version (tests/test_pep758.py).
    (tmp_path / "pep695.py").write_text("type Pair = tuple[int, int]\n\n\ndef first[T](x: list[T]) -> T:\n    return x[0]\n")
    (tmp_path / "pep758.py").write_text("try:\n    pass\nexcept ValueError, TypeError:\n    pass\n")
    code, lines, _ = lint(tmp_path, capsys)
    expected = []
    if sys.version_info < (3, 12):
        expected.append(f"{tmp_path / 'pep695.py'}:1:6: TRD001 syntax error: invalid syntax")
    assert lines == expected
    assert code == (1 if expected else 0)


@pytest.fixture(scope="session")
def fifty_megabytes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 50 MB file of real Python, with a bug in every function, made once per session."""
    chunk = "".join(f"async def f{i}():\n    asyncio.create_task(g())\n\n\n" for i in range(1000))
    path = tmp_path_factory.mktemp("big") / "generated.py"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("import asyncio\n\n\n")
        while fh.tell() < 50 * 2**20:
            fh.write(chunk)
    return path


def test_fifty_megabyte_file_is_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fifty_megabytes: Path
) -> None:
    size = fifty_megabytes.stat().st_size
    assert size > 50 * 2**20 > MAX_FILE_BYTES
    os.link(fifty_megabytes, tmp_path / "generated.py")
    before = fifty_megabytes.read_bytes()
    code, lines, _ = lint(tmp_path, capsys, "--fix")
    assert code == 1
    assert lines == [f"{tmp_path / 'generated.py'}:1:1: TRD001 not checked: file is too large ({size / 2**20:.1f} MiB; the limit is 10 MiB)"]
    assert fifty_megabytes.read_bytes() == before


def test_a_file_under_the_limit_is_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = "".join(f"async def f{i}():\n    asyncio.create_task(g())\n\n\n" for i in range(20_000))
    (tmp_path / "large.py").write_text("import asyncio\n\n\n" + body, encoding="utf-8")
    assert 10**6 < (tmp_path / "large.py").stat().st_size < MAX_FILE_BYTES
    code, lines, _ = lint(tmp_path, capsys)
    assert code == 1
    assert len(lines) == 20_000 and all(": TRD301 " in line for line in lines)


def test_symlinks_broken_and_looping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "broken.py").symlink_to("nowhere.py")
    (tmp_path / "loop_a.py").symlink_to("loop_b.py")
    (tmp_path / "loop_b.py").symlink_to("loop_a.py")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "up").symlink_to("..")  # a folder loop: folders are walked, links not followed
    (tmp_path / "pkg" / "self").symlink_to(".")
    code, lines, _ = lint(tmp_path, capsys)
    assert code == 1
    assert lines == [
        f"{tmp_path / 'broken.py'}:1:1: TRD001 cannot read file: broken symbolic link to 'nowhere.py'",
        f"{tmp_path / 'loop_a.py'}:1:1: TRD001 cannot read file: symbolic link loop",
        f"{tmp_path / 'loop_b.py'}:1:1: TRD001 cannot read file: symbolic link loop",
    ]


def test_non_python_files_named_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "other" / "NOTES.md"
    notes.parent.mkdir()
    notes.write_text("# Notes\n\nSome *markdown*, not Python.\n")
    script = tmp_path / "other" / "run-bot"  # a script without an extension is still Python
    script.write_text("#!/usr/bin/env python3\n" + BUG)
    image = tmp_path / "other" / "logo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "other" / "unnamed.txt").write_text("not = python = at all\n")
    code, lines, _ = lint(tmp_path / "other", capsys, str(notes), str(script), str(image))
    assert code == 1
    assert lines == [
        f"{notes}:3:16: TRD001 syntax error: invalid syntax",
        f"{script}:6:5: {MESSAGE}",
        f"{image}:1:1: TRD001 cannot decode file as utf-8: byte 0x89: invalid start byte",
    ]


def test_special_files_neither_hang_nor_are_read(tmp_path: Path) -> None:
    """A FIFO named ``*.py`` in a folder, and one and a device named on the command line."""
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "zz_bug.py").write_text(BUG, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "tradelint", str(tmp_path), str(tmp_path / "pipe.py"), "/dev/zero", "--output-format", "concise"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert proc.returncode == 1
    assert _timeless(proc.stdout).splitlines() == [
        f"{tmp_path / 'pipe.py'}:1:1: TRD001 not checked: a named pipe, not a regular file",
        f"{tmp_path / 'zz_bug.py'}:5:5: {MESSAGE}",
        "/dev/zero:1:1: TRD001 not checked: a device, not a regular file",
        "Checked 3 files in 0.00s: 3 findings, 1 fixable with `--fix`.",
    ]


# -- unreadable files: root reads anything, so the child drops the two capabilities that let it --

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def _drop_file_capabilities() -> None:
    """In the child, before exec: without these capabilities root obeys file modes like anyone."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_unreadable_file_and_folder(tmp_path: Path) -> None:
    secret = tmp_path / "secret.py"
    secret.write_text(BUG)
    secret.chmod(0)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inside.py").write_text(BUG)
    (tmp_path / "zz_bug.py").write_text(BUG, encoding="utf-8")
    locked.chmod(0)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "tradelint", str(tmp_path), "--fix", "--output-format", "concise"],
            capture_output=True, text=True, timeout=120, cwd=ROOT, preexec_fn=_drop_file_capabilities,
        )
    finally:
        locked.chmod(0o755)
        secret.chmod(0o644)
    assert proc.stderr == ""
    assert proc.returncode == 1
    assert _timeless(proc.stdout).splitlines() == [
        f"{secret}:1:1: TRD001 cannot read file: Permission denied",
        f"{locked}:1:1: TRD001 cannot read folder: Permission denied",
        "Checked 3 files in 0.00s: fixed 1 finding, 2 remaining (none fixable).",
    ]
    assert secret.read_text() == BUG and (locked / "inside.py").read_text() == BUG
    assert (tmp_path / "zz_bug.py").read_text().endswith(FIXED_TAIL)


# -- the fixer on hostile files ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (BUG.replace("\n", "\r\n").encode(), FIXED_TAIL.replace("\n", "\r\n").encode()),
        (
            b"import asyncio\r\n\n\nasync def f():\r\n    asyncio.create_task(g())\r    x = 1\n",
            b"async def f():\r\n    _keep_task(asyncio.create_task(g()))\r    x = 1\n",
        ),
        (BUG.replace("    ", "\t").encode(), FIXED_TAIL.replace("    ", "\t").encode()),
        (b"\xef\xbb\xbf" + BUG.encode(), FIXED_TAIL.encode()),
        (BUG.encode() + b"\x0c\nw = 1", FIXED_TAIL.encode() + b"\x0c\nw = 1"),
    ],
    ids=["crlf", "mixed", "tabs", "bom", "form-feed-no-final-newline"],
)
def test_fix_keeps_line_endings_tabs_and_bom(tmp_path: Path, raw: bytes, expected: bytes) -> None:
    path = tmp_path / "bug.py"
    path.write_bytes(raw)
    assert run([str(path), "--fix"]) == 0
    fixed = path.read_bytes()
    assert expected in fixed
    assert fixed.startswith(b"\xef\xbb\xbf") == raw.startswith(b"\xef\xbb\xbf")
    assert run([str(path), "--fix"]) == 0
    assert path.read_bytes() == fixed  # fixing twice is a no-op


def test_code_too_deep_for_libcst_elsewhere_does_not_block_a_fix(tmp_path: Path) -> None:
    # libcst rewrites only the statement that holds the fix; the deep one is kept byte for byte.
    path = tmp_path / "deep.py"
    deep = "ok = " + "[" * 190 + "]" * 190 + "\n"
    path.write_text(BUG + deep, encoding="utf-8")
    proc = _fix_in_subprocess(path)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert _timeless(proc.stdout) == "Checked 1 file in 0.00s: fixed 1 finding, 0 remaining.\n"
    assert path.read_text(encoding="utf-8").endswith(FIXED_TAIL + deep)


def test_fixer_leaves_what_libcst_cannot_reproduce(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Lines ended by "\r" alone (classic Mac OS): libcst 1.9 drops the last one on output.
    path = tmp_path / "bug.py"
    raw = BUG.replace("\n", "\r").encode()
    path.write_bytes(raw)
    assert run([str(path), "--fix"]) == 1
    assert capsys.readouterr().err == f"tradelint: {path}: fix not applied: libcst does not reproduce this file exactly; left as it is\n"
    assert path.read_bytes() == raw


def _fix_in_subprocess(path: Path) -> subprocess.CompletedProcess[str]:
    # A subprocess: a native stack overflow in the parser would kill it, not the test run.
    return subprocess.run(
        [sys.executable, "-m", "tradelint", str(path), "--fix", "--output-format", "concise"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )


@pytest.mark.parametrize(
    ("tail", "reason"),
    [
        # ``ast`` keeps these flat; libcst nests them and its native parser overflowed the C stack
        # (SIGSEGV) from about 10,000 operands.
        ("ok = " + " and ".join(["a"] * 20_000), "nested more than 1000 levels deep; libcst cannot rewrite it"),
        ("ok = (\n" + "\n".join(["    'a'"] * 2_000) + "\n)", "nested more than 1000 levels deep; libcst cannot rewrite it"),
        # Deep enough for libcst's recursive visitors, within what ``ast`` and MAX_FIX_DEPTH accept,
        # in the statement the fix rewrites (libcst sees only that statement: see the next test).
        (None, "nested too deeply for libcst to rewrite it"),
    ],
    ids=["long-boolean-chain", "long-string-concatenation", "deep-list"],
)
def test_fixer_leaves_files_too_deep_for_libcst(tmp_path: Path, tail: str | None, reason: str) -> None:
    path = tmp_path / "deep.py"
    if tail is None:
        # Parenthesised: the wrap cannot be spliced as text, so libcst has to rewrite it.
        deep = "(asyncio.create_task(g(" + "[" * 190 + "]" * 190 + ")))"
        path.write_text(BUG.replace("asyncio.create_task(g())", deep), encoding="utf-8")
    else:
        path.write_text(BUG + tail + "\n", encoding="utf-8")
    before = path.read_bytes()
    proc = _fix_in_subprocess(path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == f"tradelint: {path}: fix not applied: {reason}\n"
    assert _timeless(proc.stdout).splitlines()[-1] == "Checked 1 file in 0.00s: fixed 0 findings, 1 remaining (none fixable)."
    assert path.read_bytes() == before


def test_fixer_never_writes_what_does_not_parse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradelint.fixes import regions

    def broken(before: str, edits: object, tree: object = None) -> tuple[str, set[object]]:
        return before.replace("async def f():", "async def f(:"), set()

    monkeypatch.setattr(regions, "apply_edits", broken)  # what the fixer's checks apply with
    path = tmp_path / "bug.py"
    path.write_text(BUG, encoding="utf-8")
    assert run([str(path), "--fix"]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"tradelint: {path}: fix not applied: invalid syntax (<unknown>, line 4)\n"
    assert path.read_text(encoding="utf-8") == BUG


def test_fixer_leaves_a_file_libcst_cannot_parse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import libcst

    def refuse(source: str, *args: object, **kwargs: object) -> object:
        raise libcst.ParserSyntaxError("newer syntax", lines=[source], raw_line=1, raw_column=0)

    monkeypatch.setattr(libcst, "parse_module", refuse)
    path = tmp_path / "bug.py"
    path.write_text(BUG, encoding="utf-8")
    mode = stat.S_IMODE(path.stat().st_mode)
    assert run([str(path), "--fix"]) == 1
    assert capsys.readouterr().err.startswith(f"tradelint: {path}: fix not applied: Syntax Error @ 1:1.\nnewer syntax")
    assert path.read_text(encoding="utf-8") == BUG and stat.S_IMODE(path.stat().st_mode) == mode


def test_undecodable_file_names_and_an_ascii_terminal(tmp_path: Path) -> None:
    os.mkdir(tmp_path / "src")
    with open(os.path.join(os.fsencode(tmp_path / "src"), b"\xff_latin.py"), "wb") as fh:
        fh.write(BUG.encode())
    (tmp_path / "src" / "café.py").write_text(BUG, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "tradelint", str(tmp_path / "src"), "--fix"],
        capture_output=True, cwd=ROOT, env={**os.environ, "PYTHONIOENCODING": "ascii"},
    )
    assert proc.returncode == 0, proc.stderr
    assert _timeless(proc.stdout.decode()) == "Checked 2 files in 0.00s: fixed 2 findings, 0 remaining.\n"
    fixed = [os.path.join(os.fsencode(tmp_path / "src"), name) for name in (b"\xff_latin.py", "café.py".encode())]
    assert all(open(path, "rb").read().endswith(FIXED_TAIL.encode()) for path in fixed)
    proc = subprocess.run(
        [sys.executable, "-m", "tradelint", str(tmp_path / "src"), "--select", "TRD001"],
        capture_output=True, cwd=ROOT, env={**os.environ, "PYTHONIOENCODING": "ascii"},
    )
    assert (proc.returncode, _timeless(proc.stdout.decode()), proc.stderr) == (0, "Checked 2 files in 0.00s: all checks passed.\n", b"")
    (tmp_path / "src" / "café.py").write_text(BUG, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "tradelint", str(tmp_path / "src" / "café.py"), "--output-format", "concise"],
        capture_output=True, cwd=ROOT, env={**os.environ, "PYTHONIOENCODING": "ascii"},
    )
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0] == f"{tmp_path}/src/caf\\xe9.py:5:5: {MESSAGE}".encode()


def test_reader_leaving_early_is_not_a_crash(tmp_path: Path) -> None:
    for i in range(2000):
        (tmp_path / f"m{i:04d}.py").write_text(BUG, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tradelint", str(tmp_path), "--output-format", "concise"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # ``| head -1``
    err = proc.stderr.read()
    assert proc.wait(timeout=300) == 1
    assert first.startswith(f"{tmp_path / 'm0000.py'}:5:5: TRD301".encode())
    assert err == b""


def test_text_output_neither_reads_special_files_nor_prints_megabyte_lines(tmp_path: Path) -> None:
    """The default output shows each finding's source line: it must not open a FIFO to get it
    (that blocked for ever), nor print a whole minified line."""
    os.mkfifo(tmp_path / "pipe.py")
    numbers = ",".join(["1"] * 500)
    (tmp_path / "wide.py").write_text(
        f"import asyncio\n\n\nasync def f():\n    x = [{numbers}]; asyncio.create_task(g()); y = [{numbers}]\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "tradelint", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.returncode == 1, proc.stderr
    line = f"    x = [{numbers}]; asyncio.create_task(g()); y = [{numbers}]"
    # 160 characters, the finding's column 40 characters in (after the "..."), cut at both ends.
    shown = "..." + line[1011 - 40 : 1011 + 120] + "..."
    assert shown.startswith("...1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]; asyncio.create_task(g())")
    assert _timeless(proc.stdout).splitlines() == [
        f"{tmp_path / 'pipe.py'}:1:1: TRD001 not checked: a named pipe, not a regular file",
        "  = help: Only regular files of at most 10 MiB are checked",
        "",
        f"{tmp_path / 'wide.py'}:5:1012: {MESSAGE}",
        "  |",
        f"5 | {shown}",
        "  |" + " " * 44 + "^" * 24,  # under `asyncio.create_task(g())`
        "  = help: The event loop keeps only a weak reference, so the task can be garbage-collected mid-run",
        "",
        "Checked 2 files in 0.00s: 2 findings, 1 fixable with `--fix`.",
    ]


def test_fix_that_the_file_encoding_cannot_hold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A rename to a non-ASCII name in a file whose cookie says ascii: the write raised
    UnicodeEncodeError through the CLI; now the fix is refused and the file left alone."""
    (tmp_path / "pyproject.toml").write_text('[tool.tradelint]\nrenames = { "spot_map" = "spöt" }\n', encoding="utf-8")
    path = tmp_path / "a.py"
    raw = b"# -*- coding: ascii -*-\ndef f(v):\n    return v.spot_map\n"
    path.write_bytes(raw)
    assert run([str(tmp_path), "--fix", "--unsafe-fixes", "--output-format", "concise"]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"tradelint: {path}: fix not applied: the fixed text cannot be encoded as ascii\n"
    assert path.read_bytes() == raw


def test_large_stack_parse_falls_back_when_no_such_thread_can_start() -> None:
    """The 3.10 parse runs on a 512 MB thread stack; where the address space is capped
    (``ulimit -v``), that thread cannot start and the parse happens on the calling thread."""
    script = (
        "import resource, threading\n"
        "from tradelint.facts import syntax as context\n"
        "resource.setrlimit(resource.RLIMIT_AS, (400 * 2**20, 400 * 2**20))\n"
        "threading.stack_size(context.PARSE_STACK_BYTES)\n"
        "try:\n"
        "    threading.Thread(target=print).start()\n"
        "    print('started')\n"
        "except RuntimeError as exc:\n"
        "    print('refused:', exc)\n"
        "threading.stack_size(0)\n"
        "print(type(context._parse_on_a_large_stack('x = 1 + 2', 'x.py')).__name__)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.stdout == "refused: can't start new thread\nModule\n", proc.stderr
