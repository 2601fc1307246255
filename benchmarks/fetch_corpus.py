"""Fetch a corpus of real third-party async Python code to run tradelint on.

Usage: python benchmarks/fetch_corpus.py [--manifest benchmarks/corpus.txt] [--dest DIR]

Each manifest line is a pinned spec (``name==version``), optionally followed by the Python
version to ask pip for wheels of (default 3.12). Only the ``*.py`` files of each distribution
are kept, in ``DEST/<name>-<version>/``. The corpus lives outside the repository on purpose:
it is third-party code and must never be committed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

DEFAULT_DEST = Path.home() / ".cache" / "tradelint-corpus"
DEFAULT_MANIFEST = Path(__file__).with_name("corpus.txt")
DEFAULT_PYTHON = "3.12"
SDIST_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".zip")


@dataclass(frozen=True)
class Spec:
    name: str
    version: str
    python: str

    @property
    def pin(self) -> str:
        return f"{self.name}=={self.version}"

    @property
    def dirname(self) -> str:
        return f"{self.name}-{self.version}"


def canonical(name: str) -> str:
    # PEP 503: archive names spell the project differently (ib_async vs ib-async, Py-Cord).
    return re.sub(r"[-_.]+", "-", name).lower()


def read_manifest(path: Path) -> list[Spec]:
    specs: list[Spec] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        spec, *rest = line.split()
        name, sep, version = spec.partition("==")
        if not sep or not version:
            # An unpinned spec would make the corpus, and so any benchmark on it, drift.
            raise SystemExit(f"{path}: not pinned with '==': {raw!r}")
        specs.append(Spec(name.strip(), version.strip(), rest[0] if rest else DEFAULT_PYTHON))
    return specs


def archive_identity(filename: str) -> tuple[str, str] | None:
    """(canonical name, version) of a wheel or sdist file name, or None."""
    if filename.endswith(".whl"):
        parts = filename[: -len(".whl")].split("-")
        return (canonical(parts[0]), parts[1]) if len(parts) >= 5 else None
    for suffix in SDIST_SUFFIXES:
        if filename.endswith(suffix):
            name, sep, version = filename[: -len(suffix)].rpartition("-")
            return (canonical(name), version) if sep else None
    return None


def find_archive(dl: Path, spec: Spec) -> Path | None:
    # The download dir is shared, so pick this spec's file out of it; a wheel beats an sdist.
    want = (canonical(spec.name), spec.version)
    found = [p for p in dl.iterdir() if archive_identity(p.name) == want]
    found.sort(key=lambda p: not p.name.endswith(".whl"))
    return found[0] if found else None


def pip_download(spec: Spec, dl: Path) -> Path:
    base = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
            "-d", str(dl)]
    attempts = [
        base + ["--only-binary=:all:", "--python-version", spec.python, spec.pin],
        base + ["--no-binary=:all:", spec.pin],
    ]
    errors: list[str] = []
    for cmd in attempts:
        proc = subprocess.run(cmd, capture_output=True, text=True)
        archive = find_archive(dl, spec)
        if proc.returncode == 0 and archive is not None:
            return archive
        lines = [ln for ln in (proc.stderr or proc.stdout).splitlines() if ln.strip()]
        errors.append(lines[-1].strip() if lines else f"pip exited {proc.returncode}")
    raise RuntimeError("; ".join(dict.fromkeys(errors)))


def py_members(archive: Path) -> list[tuple[PurePosixPath, bytes]]:
    """The .py files of an archive, as (relative path, content)."""
    members: list[tuple[PurePosixPath, bytes]] = []
    if archive.name.endswith(".whl") or archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if not info.is_dir() and info.filename.endswith(".py"):
                    members.append((PurePosixPath(info.filename), zf.read(info)))
    else:
        with tarfile.open(archive) as tf:
            for member in tf.getmembers():
                if member.isfile() and member.name.endswith(".py"):
                    f = tf.extractfile(member)
                    if f is not None:
                        members.append((PurePosixPath(member.name), f.read()))
    if not archive.name.endswith(".whl"):
        # Sdists wrap everything in a single "<name>-<version>/" directory; drop it.
        members = [(PurePosixPath(*p.parts[1:]), data) for p, data in members if len(p.parts) > 1]
    # Never write outside the target, whatever the archive claims.
    return [(p, data) for p, data in members if not p.is_absolute() and ".." not in p.parts]


def unpack(archive: Path, target: Path) -> None:
    # Unpack beside the target and rename at the end, so an interrupted run leaves no
    # half-filled directory that a later run would mistake for a finished one.
    tmp = target.with_name(f".{target.name}.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    members = py_members(archive)
    if not members:
        raise RuntimeError(f"no .py files in {archive.name}")
    for rel, data in members:
        out = tmp.joinpath(*rel.parts)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    tmp.rename(target)


def measure(target: Path) -> tuple[int, int]:
    files = lines = 0
    for path in target.rglob("*.py"):
        files += 1
        lines += len(path.read_bytes().splitlines())
    return files, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST)
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    args = parser.parse_args(argv)

    specs = read_manifest(args.manifest)
    dest: Path = args.dest.expanduser()
    dl = dest / "_dl"
    dl.mkdir(parents=True, exist_ok=True)

    failures: dict[str, str] = {}
    total_files = total_lines = 0
    for spec in specs:
        target = dest / spec.dirname
        status = "cached"
        try:
            if not target.is_dir():
                status = "fetched"
                unpack(pip_download(spec, dl), target)
        except (RuntimeError, OSError, tarfile.TarError, zipfile.BadZipFile) as exc:
            failures[spec.pin] = str(exc)
            print(f"FAIL  {spec.pin:<32} {exc}", flush=True)
            continue
        files, lines = measure(target)
        total_files += files
        total_lines += lines
        print(f"{status:<7} {spec.dirname:<32} {files:>6} files {lines:>9} lines", flush=True)

    ok = len(specs) - len(failures)
    print(f"total   {ok}/{len(specs)} packages {total_files:>6} files {total_lines:>9} lines in {dest}")
    for pin, reason in failures.items():
        print(f"failed  {pin}: {reason}")
    return 1 if specs and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
