"""Add the **part** rule's entries (``scripts/resource_parts.py``), or with ``--rule factories``
the factories of ``scripts/resource_factories.py`` (``--rule task``: ``scripts/resource_tasks.py``),
to the shipped table without regenerating it whole, and prove that nothing else changes.

The shipped table (``tradelint/packs/library_resources.json``) was read from thousands of wheels;
this reads only the pins given (``--list`` with ``--src``, as ``make_resource_table.py`` does),
twice, every entry of the table known as a type of an earlier batch: once without the rule
(``PART_RULE = False``), once with it; every version of a distribution the rule enters from
that the table read must be among them (aiogram 2 and 3 both bind ``aiogram.Bot``, released
differently: the generator keeps neither, and so must the merge). The names found only with the rule are its entries (a
class released through its part, its subclasses, factories and re-exports); each is added, and
its wheel to the table's ``sources``. An entry of the table is never rewritten: the script
stops, writing nothing, if a name the rule finds is in the table already, and it prints the
proof: every entry of the table before is in the table after, unchanged.

    python scripts/merge_part_entries.py --table tradelint/packs/library_resources.json \\
        --src SRC --list scripts/library_resources.txt [FOLDER...]

A name whose module another distribution of the table's ``sources`` defines, not read here (a
fork), is left out, and with ``--first LIST`` (the populations the table read before its batches)
a batch pin never names a package another distribution defines, as the generator's batches never
do. Session 46's merge (``scripts/library_resources_s46.txt`` has the commands):

    python scripts/merge_part_entries.py --rule factories --table tradelint/packs/library_resources.json \\
        --src SRC --first scripts/library_resources.txt --first scripts/library_resources_ha.txt \\
        --list scripts/library_resources_s46.txt
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import multiprocessing
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_resource_table as gen  # noqa: E402 (this folder's script)


def known_entries(types: dict[str, dict[str, object]]) -> dict[str, gen.Entry]:
    return {
        name: gen.Entry(
            str(e["close"]), bool(e["awaited"]), bool(e["lazy"]), str(e["rule"]), str(e["source"]),
            tuple(e.get("ends", ())), tuple((g[0], g[1]) for g in e.get("given", ())), bool(e.get("enter", True)),  # type: ignore[union-attr,index]
        )
        for name, e in types.items()
    }


# The generator's switch for each rule this merges (``--rule``).
RULES = {"part": "PART_RULE", "factories": "MADE_FACTORY_RULE", "task": "TASK_RULE", "made": "METHOD_MADE_RULE", "exit": "EXIT_RULE"}


def _generate(folders: list[Path], known: dict[str, gen.Entry], rule: bool, switch: str = "PART_RULE") -> dict[str, gen.Entry]:
    setattr(gen, switch, rule)
    if switch != "EXIT_RULE":
        # (asked last, the exit rule takes what a rule switched off leaves: ``--rule exit`` alone merges it)
        gen.EXIT_RULE = False
    return gen.generate(folders, known=dict(known))


def table_row(entry: gen.Entry) -> dict[str, object]:
    return {
        "close": entry.close, "awaited": entry.awaited, "lazy": entry.lazy, "ends": list(entry.ends),
        "given": [list(g) for g in entry.given], "rule": entry.rule, "source": entry.source,
        **({} if entry.enter else {"enter": False}),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--table", type=Path, required=True)
    parser.add_argument("--src", type=Path)
    parser.add_argument("--list", type=Path, action="append", default=[])
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument(
        "--first", type=Path, action="append", default=[],
        help="a list of the populations the table read first (not in batches): their names win over a batch pin's",
    )
    parser.add_argument(
        "--rule", choices=sorted(RULES), default="part",
        help="the rule whose entries are merged: part (resource_parts.py), factories (resource_factories.py), task (resource_tasks.py), made (ClassFacts.made), exit (the last rule, session 64)",
    )
    args = parser.parse_args(argv)
    folders = gen.given_folders(args.folders, args.src, args.list)
    document = json.loads(args.table.read_text(encoding="utf-8"))
    before = json.loads(json.dumps(document["types"]))
    known = known_entries(document["types"])
    # Each reading in a process of its own: a run keeps every tree it parsed to its end.
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        without = pool.submit(_generate, folders, known, False, RULES[args.rule]).result()
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        with_rule = pool.submit(_generate, folders, known, True, RULES[args.rule]).result()
    added = {name: entry for name, entry in with_rule.items() if name not in without}
    # One import name in two versions of a distribution (aiogram 2 and 3): the generator keeps a
    # name only when every wheel that defines it agrees, so every version the table read is read.
    read = {f.name for f in folders}
    unread = sorted(
        source for source in document["sources"]
        if source not in read and any(source.rpartition("-")[0] == entry.source.rpartition("-")[0] for entry in added.values())
    )
    if unread:
        print(f"refused: other versions of a distribution the rule enters from are in the table's sources, not read: {unread}", file=sys.stderr)
        return 1
    # A module another distribution of the table defines (a fork: ``aiojobs-fork`` beside
    # ``aiojobs``), not read here: the generator keeps a name only when every definer agrees, so
    # the merge leaves it out; and a pin of a batch population (not ``--first``) never names a
    # package another distribution defines (``python-binance-async-ha``'s ``binance``), as the
    # generator's later batches never do.
    if args.src is not None:
        first = {folder.name for folder in gen.listed_folders(args.src, args.first)[0]}
        for name in sorted(added):
            source = added[name].source
            module = _module_path(args.src / source, name)
            top = name.split(".", 1)[0]
            if source in first or not args.first:
                # (a pin of the first populations: only another of them defining the module competes)
                shadowed = _definers(args.src, sorted(first) if args.first else document["sources"], module) - read if module else set()
            elif (args.src / source / top / "__init__.py").is_file() or (args.src / source / f"{top}.py").is_file():
                # (a batch pin never names a package another distribution defines: a fork, a shadow)
                module = top
                shadowed = _definers(args.src, document["sources"], top) - {source}
            else:
                shadowed = _definers(args.src, document["sources"], module) - read if module else set()
            if shadowed:
                print(f"left out {name}: {module} is defined too by {', '.join(sorted(shadowed)[:3])}, not read here", file=sys.stderr)
                del added[name]
    clash = sorted(name for name in added if name in before)
    if clash:
        print(f"refused: the rule would rewrite entries of the table: {clash}", file=sys.stderr)
        return 1
    for name, entry in sorted(added.items()):
        print(f"+ {name}: {entry.rule} {entry.close} (awaited={entry.awaited}, lazy={entry.lazy}, given={list(entry.given)}, enter={entry.enter}) [{entry.source}]")
    print(f"{len(without)} names new to the table without the rule (left out: the table is not regenerated)", file=sys.stderr)
    types = dict(document["types"])
    types.update({name: table_row(entry) for name, entry in added.items()})
    document["types"] = dict(sorted(types.items()))
    document["sources"] = sorted({*document["sources"], *(entry.source for entry in added.values())})
    changed = write_unchanged(args.table, document, before, args.dry_run)
    print(f"{len(before)} entries before, {len(document['types'])} after: {len(added)} added, {len(changed)} changed or gone", file=sys.stderr)
    if changed:
        print(f"refused: {changed[:20]}", file=sys.stderr)
        return 1
    return 0


def _module_path(folder: Path, name: str) -> str | None:
    """The path in ``folder`` of the module that defines ``name`` (``livekit/rtc/audio_stream``
    for ``livekit.rtc.audio_stream.AudioStream``, ``livekit/rtc`` for the re-export
    ``livekit.rtc.AudioStream``): a namespace package's other distributions define other modules."""
    parts = name.split(".")
    for end in range(len(parts) - 1, 0, -1):
        path = "/".join(parts[:end])
        if (folder / f"{path}.py").is_file() or (folder / path / "__init__.py").is_file():
            return path
    return None


def _definers(src: Path, sources: list[str], module: str) -> set[str]:
    """The wheels of ``sources`` (each read from ``SRC/<wheel>``) that define ``module`` (a path)."""
    return {source for source in sources if (src / source / f"{module}.py").is_file() or (src / source / module / "__init__.py").is_file()}


def write_unchanged(table: Path, document: dict[str, Any], before: dict[str, Any], dry_run: bool) -> list[str]:
    """The proof, then the write: the names of ``before`` whose entry ``document["types"]`` changed
    or lost (none: every entry before is there after, unchanged); ``table`` is written only when
    there are none and this is no dry run."""
    changed = [name for name, row in before.items() if document["types"].get(name) != row]
    if not changed and not dry_run:
        table.write_text(json.dumps(document, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return changed


if __name__ == "__main__":
    raise SystemExit(main())
