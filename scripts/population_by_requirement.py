"""Choose a population of libraries for ``make_resource_table.py`` by a rule, not by example:
every distribution among PyPI's most downloaded (the registry listing's rank column) that
requires, directly and unconditionally, a distribution the shipped table already has a type or
maker from (its Requires-Dist at its newest release, entries under an ``extra ==`` marker
dropped). A library that builds on an async client, server or pool is where a new resource type
can be (a client keeping an ``aiohttp.ClientSession``, a bus keeping a ``websockets``
connection); one that requires none of them holds none the table could know of, unless it opens
the standard library's own sockets and streams (not chosen here: no rule says so from the outside).

Left out: a distribution already in ``scripts/library_resources*.txt`` (read at that version),
type stubs (``types-*``, ``*-stubs``), and a newest release with no file at most ``--max-mb``
(15 MB) large. Prints one pin per line (``name==version  # requires ...``); the registry answers are
kept under ``--cache`` so that a second run asks nothing.

    python scripts/population_by_requirement.py --ranks /work/.library/env/packages/pypi.tsv \\
        --table tradelint/packs/library_resources.json --cache /work/cache/pypi_meta > PINS
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import json
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tradelint.facts.requirements import normal as normalise

sys.path.insert(0, str(Path(__file__).resolve().parent))

from download_pins import pins  # noqa: E402 (this folder's script)

INDEX = "https://pypi.org/pypi/{name}/json"
HERE = Path(__file__).resolve().parent


def listed() -> set[str]:
    """The distributions every population list pins (``download_pins.pins`` reads them)."""
    return {normalise(name) for name, _ in pins(sorted(HERE.glob("library_resources*.txt")))}


def keyed(table: Path) -> set[str]:
    document = json.loads(table.read_text(encoding="utf-8"))
    return {
        normalise(entry["source"].rsplit("-", 1)[0])
        for section in ("types", "makers")
        for entry in document[section].values()
    }


def ranked(ranks: Path, top: int) -> list[tuple[int, str, str]]:
    found = []
    with ranks.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t")
        next(rows, None)
        for row in rows:
            if len(row) > 3 and row[3].isdigit() and int(row[3]) <= top:
                found.append((int(row[3]), row[0], row[1]))
    return sorted(found)


def metadata(name: str, version: str, cache: Path) -> dict[str, Any] | None:
    path = cache / f"{normalise(name)}-{version}.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8")) or None
    try:
        with urllib.request.urlopen(INDEX.format(name=name), timeout=60) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError:  # the registry has no such release: it is not chosen
        answer = {}
    except Exception:  # noqa: BLE001 (no answer now, e.g. a name not resolved: asked again next run)
        return None
    info = answer.get("info") or {}
    kept = {
        "version": info.get("version"),
        "requires_dist": info.get("requires_dist") or [],
        "sizes": [f.get("size", 0) for f in answer.get("urls") or []],
    } if answer else {}
    path.write_text(json.dumps(kept), encoding="utf-8")
    return kept or None


REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def requirements(requires: list[str]) -> set[str]:
    """Distributions required unconditionally: a marker naming an ``extra`` drops the entry."""
    names = set()
    for requirement in requires:
        requirement_text, _, marker = requirement.partition(";")
        if re.search(r"\bextra\s*==", marker):
            continue
        match = REQUIREMENT.match(requirement_text)
        if match:
            names.add(normalise(match.group(1)))
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ranks", type=Path, required=True)
    parser.add_argument("--table", type=Path, required=True)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--top", type=int, default=15000)
    parser.add_argument("--max-mb", type=float, default=15.0)
    parser.add_argument("--threads", type=int, default=32, help="registry requests at a time")
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    have, known = listed(), keyed(args.table)
    todo = [
        (rank, name, version) for rank, name, version in ranked(args.ranks, args.top)
        if normalise(name) not in have and not normalise(name).startswith("types-")
        and not normalise(name).endswith("-stubs")
    ]
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        answers = list(pool.map(lambda item: metadata(item[1], item[2], args.cache), todo))
    chosen = 0
    for (rank, name, version), answer in zip(todo, answers):
        if not answer:
            continue
        sizes = [int(s) for s in answer["sizes"] if s] or [0]
        if min(sizes) > args.max_mb * 1e6:
            continue
        needs = sorted(requirements(answer["requires_dist"]) & known)
        if needs and normalise(name) not in known:
            chosen += 1
            print(f"{name}=={answer['version'] or version}  # rank {rank}; requires {', '.join(needs)}")
    print(f"{chosen} of {len(todo)} ranked distributions not read before", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
