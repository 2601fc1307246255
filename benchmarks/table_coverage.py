"""How much of what real code imports does the library resource table cover?

Reads Python code (never imports it), collects the top-level third-party modules it imports and
says which of them the table (``tradelint/packs/library_resources.json``) covers.

- A **third-party** module is the first name of an absolute import (``import a.b`` and ``from
  a.b import c`` name ``a``; relative imports are skipped) that is neither in the standard library
  (``sys.stdlib_module_names``, plus the modules removed from it since 3.11 so that the answer does
  not depend on the interpreter) nor resolvable inside the folder read: no file ``a.py`` and no
  folder ``a`` holding Python files anywhere under it (a first-party package, a sibling script).
  Every import counts, at any depth (under ``try``, in a function).
- **covered**: some key of the table (``types``, ``makers``, ``returns``, ``versions``) starts with
  ``a.``: the table knows at least one resource of that module.
- **read**: the table's ``sources`` name a distribution whose normalised name (PEP 503) is the
  module's (``aiohttp``, ``paho_mqtt`` for ``paho-mqtt``), or, with ``--libsrc``, a distribution
  unpacked there (one folder per source, ``NAME-VERSION``) has a top-level package or module ``a``:
  the table generator read its code, whether or not it found a resource in it.

Two populations:

- ``FOLDER...``: every folder is one application; a module counts once per file importing it
  (the files-weighted share), and the applications importing it are listed too.
- ``--entries DIR --mirrors MIRRORS``: every one-line manifest ``DIR/e*.txt`` (``owner/name commit
  sites... scope=a,b``, the leak-fix pool) is read at the commit's parent, its scope folders (or the
  sites' top folders) taken from the bare mirror into a temporary folder; a module counts once per
  entry.

Usage::

    python benchmarks/table_coverage.py /work/cache/apps/*  [--libsrc /work/cache/libsrc_all ...]
    python benchmarks/table_coverage.py --entries /tmp/entries --mirrors /work/.mirror

``--ranks LISTING`` adds whether a distribution named as the module is ranked in a registry
listing (``name<TAB>...<TAB>rank...``, e.g. PyPI's 15,000 most downloaded): how much of what is
neither covered nor read a population "the N most downloaded" would have read.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import re
import subprocess
import sys
import tempfile
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "tradelint" / "packs" / "library_resources.json"
# Removed from the standard library in 3.12/3.13; still stdlib for code written for 3.11.
REMOVED_STDLIB = frozenset({
    "aifc", "asynchat", "asyncore", "audioop", "cgi", "cgitb", "chunk", "crypt", "distutils", "imghdr", "imp",
    "lib2to3", "mailcap", "msilib", "nis", "nntplib", "ossaudiodev", "pipes", "smtpd", "sndhdr", "spwd", "sunau",
    "telnetlib", "uu", "xdrlib",
})
STDLIB = frozenset(sys.stdlib_module_names) | REMOVED_STDLIB
SKIP_DIRS = frozenset({".git", ".tox", ".venv", "venv", "node_modules", "__pycache__", "site-packages"})


def normalise(name: str) -> str:
    """PEP 503's normal form of a distribution name, ``_`` for ``-`` (a module's spelling)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def python_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*.py")):
        if not SKIP_DIRS.intersection(path.relative_to(folder).parts[:-1]):
            yield path


def local_names(folder: Path, files: Iterable[Path]) -> set[str]:
    """Top-level names an absolute import can reach inside ``folder``: every ``x.py`` and every
    folder (at any depth) that holds a Python file, directly or below."""
    names: set[str] = set()
    for path in files:
        parts = path.relative_to(folder).parts
        names.add(parts[-1][:-3])
        names.update(parts[:-1])
    return names


def imported_tops(source: str) -> set[str] | None:
    """The first names of the absolute imports of ``source``; None when it does not parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)  # "invalid escape sequence" of old code
            tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    tops: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            tops.update(alias.name.split(".", 1)[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            tops.add(node.module.split(".", 1)[0])
    return tops


def third_party(folder: Path, also_local: Iterable[str] = ()) -> tuple[Counter[str], int, int]:
    """Files per third-party module of ``folder``, how many files were read, how many did not parse;
    ``also_local``: names first-party outside ``folder`` (the rest of a repository's tree)."""
    files = list(python_files(folder))
    local = local_names(folder, files) | set(also_local)
    counts: Counter[str] = Counter()
    unparsed = 0
    for path in files:
        tops = imported_tops(path.read_text(encoding="utf-8", errors="replace"))
        if tops is None:
            unparsed += 1
            continue
        counts.update(t for t in tops if t not in STDLIB and t not in local and t != "__main__")
    return counts, len(files), unparsed


class Table:
    def __init__(self, path: Path, libsrc: list[Path]) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        keys = [k for part in ("types", "makers", "returns", "versions") for k in data.get(part, {})]
        self.covered_tops = {k.split(".", 1)[0] for k in keys if "." in k}
        # "aiohttp-3.9.1" -> "aiohttp": the name is everything before the last "-VERSION".
        self.dists = {normalise(s.rsplit("-", 1)[0]) for s in data.get("sources", [])}
        sources = {normalise(s) for s in data.get("sources", [])}
        self.read_tops: set[str] = set()
        for root in libsrc:
            for dist in root.iterdir():
                if dist.is_dir() and normalise(dist.name) in sources:
                    self.read_tops.update(p.name.removesuffix(".py") for p in dist.iterdir()
                                          if p.suffix == ".py" or (p.is_dir() and p.name.isidentifier()))

    def covered(self, module: str) -> bool:
        return module in self.covered_tops

    def read(self, module: str) -> bool:
        return normalise(module) in self.dists or module in self.read_tops


def ranked_names(path: Path) -> set[str]:
    """The normalised names of a registry listing (a TSV whose header names ``name`` and a
    ``rank...`` column) that have a rank: e.g. PyPI's 15,000 most downloaded projects."""
    with path.open(encoding="utf-8") as listing:
        header = listing.readline().rstrip("\n").split("\t")
        rank = next(i for i, column in enumerate(header) if column.startswith("rank"))
        return {normalise(cells[0]) for cells in (line.rstrip("\n").split("\t") for line in listing)
                if len(cells) > rank and cells[rank]}


def popular(module: str, ranked: set[str]) -> bool:
    """A ranked distribution is named as the module is (or ``python-``/``py`` + it): a guess, as
    ``yaml`` (PyYAML) or ``cv2`` (opencv-python) show."""
    name = normalise(module)
    return any(c in ranked for c in (name, f"python_{name}", f"py{name}", f"{name}_python"))


def git(git_dir: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], input=data, capture_output=True,
                          check=True).stdout


def entry_scope(line: str) -> tuple[str, str, list[str]]:
    """``owner/name``, the commit and the folders an entry's manifest line reads (as
    ``score_leak_fixes.parse_manifest``: ``scope=a,b`` or the sites' top folders)."""
    words = line.split("#", 1)[0].split()
    rest = words[2:]
    folders = [p for w in rest if w.startswith("scope=") for p in w.partition("=")[2].split(",") if p]
    if not folders:
        folders = sorted({w.split("/", 1)[0] if "/" in w.split(":", 1)[0] else "." for w in rest})
    return words[0], words[1], folders


def extract_parent(git_dir: Path, commit: str, folders: list[str], target: Path) -> set[str]:
    """The ``.py`` files of ``commit^`` under ``folders`` (``.``: the top-level files) into
    ``target``; a blob the mirror lacks is skipped. Returns the names an absolute import reaches
    anywhere in that tree (its folders holding Python files, its ``x.py``), first-party too."""
    parent = git(git_dir, "rev-parse", f"{commit}^").decode().strip()
    wanted = []
    local: set[str] = set()
    for record in git(git_dir, "ls-tree", "-r", "-z", parent).decode("utf-8", "replace").split("\0"):
        meta, _, path = record.partition("\t")
        if meta.split()[1:2] != ["blob"] or not path.endswith(".py"):
            continue
        parts = path.split("/")
        local.add(parts[-1][:-3])
        local.update(parts[:-1])
        if any((f == "." and "/" not in path) or path.startswith(f.strip("/") + "/") for f in folders):
            wanted.append((meta.split()[2], path))
    batch = io.BytesIO(git(git_dir, "cat-file", "--batch", data="".join(f"{s}\n" for s, _ in wanted).encode()))
    for _, path in wanted:
        header = batch.readline().split()
        if len(header) < 3:
            continue
        blob = batch.read(int(header[2]))
        batch.read(1)
        file = target / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(blob)
    return local


def git_dir_of(mirrors: Path, repo: str) -> Path:
    git_dir = mirrors / repo.replace("/", "+") / "repo"
    return git_dir / ".git" if (git_dir / ".git").is_dir() else git_dir


def render(counts: Counter[str], users: dict[str, set[str]], table: Table, unit: str, top: int,
           ranked: set[str] | None = None) -> str:
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    extra = (" ranked |", " --- |") if ranked is not None else ("", "")
    lines = [f"| module | {unit} | users | covered | read |{extra[0]}", f"| --- | ---: | ---: | --- | --- |{extra[1]}"]
    for module, n in rows[:top] if top else rows:
        line = (f"| {module} | {n} | {len(users[module])} | {'yes' if table.covered(module) else 'no'} | "
                f"{'yes' if table.read(module) else 'no'} |")
        if ranked is not None:
            line += f" {'yes' if popular(module, ranked) else 'no'} |"
        lines.append(line)
    total = sum(counts.values()) or 1
    covered = [m for m in counts if table.covered(m)]
    read = [m for m in counts if table.read(m)]
    lines += [
        "",
        (f"modules: {len(counts)}; covered (a table key): {len(covered)} ({len(covered) / max(len(counts), 1):.1%}), "
         f"{unit}-weighted {sum(counts[m] for m in covered) / total:.1%}; read by the generator: {len(read)} "
         f"({len(read) / max(len(counts), 1):.1%}), {unit}-weighted {sum(counts[m] for m in read) / total:.1%}"),
    ]
    if ranked is not None:
        unread = [m for m in counts if not table.read(m) and not table.covered(m)]
        hit = [m for m in unread if popular(m, ranked)]
        lines.append(f"neither covered nor read: {len(unread)} modules, {sum(counts[m] for m in unread)} {unit}; "
                     f"of them named as a ranked distribution: {len(hit)} ({len(hit) / max(len(unread), 1):.1%}), "
                     f"{unit}-weighted {sum(counts[m] for m in hit) / max(sum(counts[m] for m in unread), 1):.1%}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", type=Path, help="one application per folder")
    parser.add_argument("--table", type=Path, default=TABLE)
    parser.add_argument("--libsrc", type=Path, action="append", default=[],
                        help="folders of unpacked sources (NAME-VERSION/...) the table was made from")
    parser.add_argument("--entries", type=Path, help="folder of one-line manifests e*.txt (count per entry)")
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--top", type=int, default=0, help="rows to print (0: all)")
    parser.add_argument("--ranks", type=Path, help="a registry listing (TSV: name, ..., rank...): add a 'ranked' column")
    parser.add_argument("--json", type=Path, help="write {module: [users...]} here")
    args = parser.parse_args(argv)
    table = Table(args.table, args.libsrc)
    counts: Counter[str] = Counter()
    users: dict[str, set[str]] = {}
    if args.entries:
        unit = "entries"
        for manifest in sorted(args.entries.glob("e*.txt")):
            repo, commit, folders = entry_scope(manifest.read_text(encoding="utf-8").strip())
            with tempfile.TemporaryDirectory(prefix="s45-coverage-") as tmp:
                try:
                    local = extract_parent(git_dir_of(args.mirrors, repo), commit, folders, Path(tmp))
                except subprocess.CalledProcessError as error:
                    print(f"{manifest.name}: {repo} not read ({error.stderr.decode(errors='replace').strip()[:80]})",
                          file=sys.stderr)
                    continue
                found, _, _ = third_party(Path(tmp), local)
            counts.update(set(found))
            for module in found:
                users.setdefault(module, set()).add(f"{manifest.stem} {repo}")
    else:
        unit = "files"
        for folder in args.folders:
            found, files, unparsed = third_party(folder)
            if unparsed:
                print(f"{folder.name}: {unparsed} of {files} files do not parse", file=sys.stderr)
            counts.update(found)
            for module in found:
                users.setdefault(module, set()).add(folder.name)
    print(render(counts, users, table, unit, args.top, ranked_names(args.ranks) if args.ranks else None))
    if args.json:
        args.json.write_text(json.dumps({m: sorted(u) for m, u in sorted(users.items())}, indent=1) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
