"""Download the libraries of ``scripts/library_resources*.txt`` for ``make_resource_table.py``:
each pin's Python files unpacked into ``DEST/<name>-<version>`` (the name as the list writes it,
extras dropped). A pure-Python wheel is taken first, then a CPython 3.13 manylinux wheel, any
wheel, the sdist (its top folder and a ``src/`` layout flattened; top-level ``setup.py``,
``conftest.py`` and ``noxfile.py`` dropped). Only ``*.py`` files are written, nothing is run or
imported. A pin that cannot be had is printed and skipped.

    python scripts/download_pins.py --dest DIR scripts/library_resources.txt [...]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import io
import json
import shutil
import sys
import tarfile
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath

INDEX = "https://pypi.org/pypi/{name}/json"
DROPPED = {"setup.py", "conftest.py", "noxfile.py"}


def pins(lists: list[Path]) -> list[tuple[str, str]]:
    found = []
    for listed in lists:
        for line in listed.read_text(encoding="utf-8").splitlines():
            pin = line.split("#", 1)[0].strip()
            if "==" in pin:
                name, _, version = pin.partition("==")
                found.append((name.split("[", 1)[0].strip(), version.strip()))
    return found


def _same(a: str, b: str) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return False


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return bytes(response.read())


def _members(data: bytes, filename: str) -> list[tuple[str, bytes]]:
    if filename.endswith((".whl", ".zip")):
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = [n for n in archive.namelist() if n.endswith(".py")]
        files = [(n, archive.read(n)) for n in names]
        return files if filename.endswith(".whl") else [(n.split("/", 1)[-1], b) for n, b in files]
    tar = tarfile.open(fileobj=io.BytesIO(data))
    return [
        (m.name.split("/", 1)[-1], tar.extractfile(m).read())  # type: ignore[union-attr]
        for m in tar.getmembers()
        if m.isfile() and m.name.endswith(".py")
    ]


def download(name: str, version: str, dest: Path) -> str:
    folder = dest / f"{name}-{version}"
    if folder.exists():
        return "have"
    index = INDEX.format(name=name)
    try:
        releases = json.loads(_get(index)).get("releases") or {}
    except Exception as error:  # noqa: BLE001 (one pin that cannot be had is skipped)
        return f"no index entry ({error})"
    files = releases.get(version) or next((f for v, f in releases.items() if _same(v, version)), [])
    wheels = [f for f in files if f["packagetype"] == "bdist_wheel"]
    choice = (
        [f for f in wheels if f["filename"].endswith("-none-any.whl")]
        + [f for f in wheels if "cp313" in f["filename"] and "manylinux" in f["filename"] and "x86_64" in f["filename"]]
        + wheels
        + [f for f in files if f["packagetype"] == "sdist"]
    )
    if not choice:
        return "no file"
    try:
        members = _members(_get(urllib.parse.urljoin(index, choice[0]["url"])), choice[0]["filename"])
    except Exception as error:  # noqa: BLE001
        return f"unreadable ({error})"
    sdist = choice[0]["packagetype"] == "sdist"
    written = 0
    for member, data in members:
        path = PurePosixPath(member)
        if path.is_absolute() or ".." in path.parts:
            continue
        if sdist and path.parts[0] == "src" and len(path.parts) > 1:
            path = PurePosixPath(*path.parts[1:])
        if sdist and len(path.parts) == 1 and path.name in DROPPED:
            continue
        target = folder.joinpath(*path.parts)
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    if not written:
        shutil.rmtree(folder, ignore_errors=True)
        return "no Python source"
    return f"{written} files"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", type=Path, required=True)
    parser.add_argument("lists", nargs="+", type=Path)
    args = parser.parse_args(argv)
    wanted = pins(args.lists)
    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        for (name, version), result in zip(wanted, pool.map(lambda p: download(*p, args.dest), wanted)):
            print(f"{name}=={version}\t{result}", file=sys.stderr if "files" not in result and result != "have" else sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
