"""Compare ruff (RUF006/008/009/012), flake8-async (ASYNC300) and tradelint (TRD1xx, TRD3xx) findings
on the same files, matched by (file, line): the numbers of docs/migration.md.

Input: a folder with, per application NAME, ``ruff_NAME.json`` (``ruff check --output-format
json``), ``trd_NAME.json`` (``tradelint --output-format json``) and, where flake8-async ran,
``fa_NAME.txt`` (``flake8 --format='%(path)s:%(row)d:%(col)d:%(code)s:%(text)s'`` run from the
folder holding the applications, APPS). The commands are in docs/migration.md.

    python benchmarks/compare_tools.py OUT APPS benchmarks/migration_apps.txt
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

Key = tuple[str, int]  # (absolute path, line)


def load(out: Path, apps_dir: Path, apps: list[str]) -> tuple[dict[str, set[tuple[str, str, int]]], set[str]]:
    rows: dict[str, set[tuple[str, str, int]]] = collections.defaultdict(set)
    with_fa = set()
    for app in apps:
        for f in json.loads((out / f"ruff_{app}.json").read_text(encoding="utf-8")):
            rows["ruff"].add((f["code"], f["filename"], f["location"]["row"]))
        for f in json.loads((out / f"trd_{app}.json").read_text(encoding="utf-8")):
            rows["trd"].add((f["code"], f["path"], f["line"]))
        fa = out / f"fa_{app}.txt"
        if fa.exists():
            with_fa.add(app)
            for line in fa.read_text(encoding="utf-8").splitlines():
                path, row, _col, code, _text = line.split(":", 4)
                rows["fa"].add((code, str(apps_dir / path), int(row)))
    return rows, with_fa


def pick(rows: set[tuple[str, str, int]], codes: set[str], apps_dir: Path, apps: set[str] | None = None) -> dict[Key, str]:
    def app_of(path: str) -> str:
        return Path(path).relative_to(apps_dir).parts[0]

    return {(f, n): c for c, f, n in rows if c in codes and (apps is None or app_of(f) in apps)}


def compare(title: str, other: dict[Key, str], trd: dict[Key, str], names: tuple[str, str] = ("the other tool", "tradelint")) -> None:
    both = other.keys() & trd.keys()
    only_other = other.keys() - trd.keys()
    only_trd = trd.keys() - other.keys()
    print(f"{title}: both {len(both)}, only {names[0]} {len(only_other)}, only {names[1]} {len(only_trd)}")
    for label, keys, source in (("both", both, trd), (f"only {names[0]}", only_other, other), (f"only {names[1]}", only_trd, trd)):
        counts = collections.Counter(source[k] for k in keys)
        print(f"  {label}: {dict(sorted(counts.items()))}")


def main(argv: list[str]) -> None:
    out, apps_dir, listing = Path(argv[0]), Path(argv[1]).resolve(), Path(argv[2])
    apps = [line.strip() for line in listing.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows, with_fa = load(out, apps_dir, apps)
    tasks = {"TRD301", "TRD302", "TRD303"}
    print(f"{len(apps)} applications; flake8-async ran on {len(with_fa)}")
    compare("RUF006 vs TRD301-303", pick(rows["ruff"], {"RUF006"}, apps_dir), pick(rows["trd"], tasks, apps_dir))
    compare(
        "RUF008/RUF009/RUF012 vs TRD101/TRD102",
        pick(rows["ruff"], {"RUF008", "RUF009", "RUF012"}, apps_dir),
        pick(rows["trd"], {"TRD101", "TRD102"}, apps_dir),
    )
    subset = f" (the {len(with_fa)} with flake8-async)"
    compare("ASYNC300 vs TRD301-303" + subset, pick(rows["fa"], {"ASYNC300"}, apps_dir),
            pick(rows["trd"], tasks, apps_dir, with_fa))
    compare("ASYNC300 vs RUF006" + subset, pick(rows["fa"], {"ASYNC300"}, apps_dir),
            pick(rows["ruff"], {"RUF006"}, apps_dir, with_fa), ("ASYNC300", "RUF006"))
    totals = collections.Counter(c for tool in ("ruff", "fa", "trd") for c, _, _ in rows[tool])
    print("totals:", dict(sorted(totals.items())))


if __name__ == "__main__":
    main(sys.argv[1:])
