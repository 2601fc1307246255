"""Add to the shipped table the names that two versions of one distribution read differently,
each version's reading under its own wheel, without regenerating the table whole.

The lists pin some distributions at several versions (aiogram 2 and 3, aioredis 1 and 2: a major
version still common in code). The generator keeps a name only when every version agrees (both
aiogram versions bind ``aiogram.Bot``, released by ``close()`` in 2 and by ``session.close()`` in
3: the table keeps neither). This reads each version of every such distribution alone, each in a
process of its own (a reading keeps every tree it parsed to its end), with the table's other
entries known (the types a class may hold: ``aiohttp.ClientSession``), and records, for every
name a version finds that the table has not, that version's entry: the table's ``versions``
(name -> wheel -> entry) and ``version_sources`` (distribution -> the wheels read). tradelint
picks the version a project declares (``facts/requirements.py``). The ``types`` are never
rewritten: the script stops, writing nothing, if they would change.

    python scripts/version_entries.py --table tradelint/packs/library_resources.json \\
        --src SRC --list scripts/library_resources.txt --list scripts/library_resources_aio.txt \\
        --list scripts/library_resources_ha.txt
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import multiprocessing
import sys
from pathlib import Path

from tradelint.facts.requirements import normal

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_resource_table as gen  # noqa: E402 (this folder's script)
from merge_part_entries import known_entries, table_row, write_unchanged  # noqa: E402


def distribution(name: str) -> str:
    """A distribution's normal name (PEP 503): ``Aiogram_Foo`` -> ``aiogram-foo``."""
    return normal(name)


def versioned(src: Path, lists: list[Path]) -> dict[str, list[Path]]:
    """The distributions pinned at more than one version, with the folders of their pins."""
    folders, _ = gen.listed_folders(src, lists)
    by_name: dict[str, list[Path]] = {}
    for folder in folders:
        name = distribution(folder.name.rpartition("-")[0])
        by_name.setdefault(name, [])
        if folder not in by_name[name]:
            by_name[name].append(folder)
    return {name: sorted(found) for name, found in sorted(by_name.items()) if len(found) > 1}


def _generate(folder: Path, known: dict[str, gen.Entry]) -> dict[str, gen.Entry]:
    return gen.generate([folder], known=dict(known))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--table", type=Path, required=True)
    parser.add_argument("--src", type=Path, required=True)
    parser.add_argument("--list", type=Path, action="append", default=[])
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    document = json.loads(args.table.read_text(encoding="utf-8"))
    before = json.loads(json.dumps(document["types"]))
    versions: dict[str, dict[str, dict[str, object]]] = {}
    sources: dict[str, list[str]] = {}
    for name, folders in versioned(args.src, args.list).items():
        read = {folder.name for folder in folders}
        # This distribution's own entries are found again by each reading, not known before it.
        known = known_entries({key: row for key, row in document["types"].items() if row["source"] not in read})
        sources[name] = sorted(read)
        for folder in folders:
            with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
                found = pool.submit(_generate, folder, known).result()
            for key, entry in sorted(found.items()):
                if key not in before:
                    versions.setdefault(key, {})[folder.name] = table_row(entry)
                    print(f"+ {key} [{folder.name}]: {entry.rule} {entry.close} (awaited={entry.awaited}, given={list(entry.given)})")
    document["versions"] = dict(sorted(versions.items()))
    document["version_sources"] = sources
    changed = write_unchanged(args.table, document, before, args.dry_run)
    print(f"{len(versions)} names by version of {len(sources)} distributions; {len(changed)} entries of types changed", file=sys.stderr)
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
