"""The **holder** section of the shipped library table: library classes that are no resource of
their own but close what they are given (issue 28 point 1, session 57).

A public class whose ``__init__`` stores a constructor parameter on ``self`` and whose own public
release (``aclose``, ``close``, ``disconnect``, ``shutdown``, ``stop``, ``dispose``: the first it
has, followed through the methods it calls on ``self``) closes that attribute
(:func:`tradelint.facts.library_ownership.released_parameters`): aiogram 3's ``RedisStorage``,
whose ``close()`` is ``await self.redis.aclose(close_connection_pool=True)``. A resource handed
to that parameter is released where the holder is released, and the holder must be released in
turn; the checker reads this table where the library is not installed (the checked project's
dependencies usually are not), never importing anything. A close under the holder's documented
owner flag (``if self._connector_owner:``, stored from a parameter of its own) is recorded with
that flag and its default: passed false, the holder takes nothing. One under a flag computed
from the resource's own parameter (``self._owns = session is None``) or any other test is no
holding. A class the table already has as a resource type is judged as one (its ``given``).

Only this section is written; every other section of the table is left as it was::

    python scripts/resource_holders.py --table tradelint/packs/library_resources.json \\
        --src SRC --list scripts/library_resources.txt [FOLDER...]

The names are the defining ones and every public re-export of them (``_aliases``), as for the
types. Nothing of the libraries is committed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_resource_table as gen  # noqa: E402 (this folder's script)

from tradelint.facts.library_ownership import HeldParameter, released_parameters  # noqa: E402


def holders(folders: list[Path], types: set[str]) -> dict[str, dict[str, Any]]:
    """The holder entries of ``folders``, by every public name (``types``: the table's resource
    types, left out)."""
    project = gen.WheelProject(folders, module_budget=None)
    project.freeze_parsed = True
    found: dict[str, gen.Entry] = {}
    held: dict[int, tuple[HeldParameter, ...]] = {}
    for folder in folders:
        for module_name, summary, facts in gen.classes(project, folder):
            key = f"{module_name}.{facts.name}"
            if key in types or key in found:
                continue
            try:
                reading = released_parameters(gen._family_nodes(project, summary, facts))
            except Exception as error:  # noqa: BLE001 (an odd class is skipped, the others are read)
                print(f"skipped {key} of {folder.name}: {type(error).__name__}: {error}", file=sys.stderr)
                continue
            if reading is None:
                continue
            release, awaited, params = reading
            entry = gen.Entry(release, awaited, True, "holder", folder.name, given=tuple((p.name, p.position) for p in params))
            found[key] = entry
            held[id(entry)] = params
    gen._aliases(project, folders, found)
    return {
        name: {
            "close": entry.close,
            "awaited": entry.awaited,
            "given": [
                [p.name, p.position, *([p.flag, p.flag_position, p.flag_default] if p.flag else [])] for p in held[id(entry)]
            ],
            "source": entry.source,
        }
        for name, entry in sorted(found.items())
        if name not in types
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, help="a folder per unpacked wheel")
    parser.add_argument("--table", type=Path, required=True)
    parser.add_argument("--src", type=Path, help="the folder holding a folder <name>-<version> per pin of --list")
    parser.add_argument("--list", type=Path, action="append", default=[], help="a file of pins (name==version)")
    args = parser.parse_args(argv)
    folders = gen.given_folders(args.folders, args.src, args.list)
    document = json.loads(args.table.read_text(encoding="utf-8"))
    types = set(document["types"]) | set(document.get("versions", {}))
    document["holders"] = holders(folders, types)
    args.table.write_text(json.dumps(document, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{len(document['holders'])} holder names of {len(folders)} libraries -> {args.table}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
