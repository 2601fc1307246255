"""Precision of tradelint on real applications (issue 28), recomputed from committed labels.

Inputs:

- ``benchmarks/apps28.txt``: one application a line, ``owner/name COMMIT [subdir]  # kind: K``;
- ``benchmarks/labels/apps28.tsv``: one finding a row, tab-separated, with a header:
  ``app, path, line, code, mode, verdict, reason``. ``path`` is relative to the app's root,
  ``mode`` is ``default`` (the finding is made by the default rules) or ``preview`` (made only
  with ``--preview``), ``verdict`` is ``TP``, ``FP`` or ``UNSURE``.

Without ``--run`` the figures come from the labels alone. With ``--run`` every application is
checked again, from ``APPS_DIR/owner+name[/subdir]`` (extracted as the manifest's header says),
once with the default rules and once with ``--preview``, by ``--tradelint-cmd`` (default: this
interpreter, ``-m tradelint``) with ``--root`` (default: this checkout) first on ``PYTHONPATH``;
the figures then count the findings of that run, each with its label, and the script lists the
findings that have no label yet (to be read and labelled) and the labels whose finding is gone.
It exits 1 when a finding is unlabelled (in ``--run`` mode) or a label row is malformed.

Figures, per mode (``default``: the default rules; ``preview``: everything ``--preview``
reports, so the default findings too), per family (``TRD1`` ... ``TRD4``; ``TRD0`` for the
parse errors) and per code: findings, TP, FP, UNSURE, precision = TP / (TP + FP).

    python benchmarks/precision.py [--manifest F] [--labels F] [--json OUT]
    python benchmarks/precision.py --run [--apps-dir /work/cache/apps] [--root SRC]
        [--tradelint-cmd "PY -m tradelint"] [--only owner/name]
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERDICTS = ("TP", "FP", "UNSURE")
MODES = ("default", "preview")
COLUMNS = ("app", "path", "line", "code", "mode", "verdict", "reason")


@dataclass(frozen=True)
class App:
    repo: str
    commit: str
    subdir: str
    kind: str

    @property
    def folder(self) -> str:
        return self.repo.replace("/", "+", 1) + (
            f"/{self.subdir}" if self.subdir else ""
        )


def read_manifest(path: Path) -> list[App]:
    apps = []
    for raw in path.read_text().splitlines():
        body, _, comment = raw.partition("#")
        parts = body.split()
        if not parts:
            continue
        if len(parts) not in (2, 3):
            raise ValueError(f"{path}: bad manifest line: {raw!r}")
        kind = comment.split("kind:", 1)[1].strip() if "kind:" in comment else "?"
        apps.append(App(parts[0], parts[1], parts[2] if len(parts) == 3 else "", kind))
    return apps


Key = tuple[str, str, int, str]  # app, path, line, code


def read_labels(path: Path) -> tuple[dict[Key, dict[str, str]], list[str]]:
    """The labels by (app, path, line, code), and the problems found in the file."""
    labels: dict[Key, dict[str, str]] = {}
    problems = []
    with path.open(newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            return {}, [f"{path}: header must be {' '.join(COLUMNS)}"]
        for n, row in enumerate(reader, start=2):
            if row["verdict"] not in VERDICTS or row["mode"] not in MODES:
                problems.append(
                    f"{path}:{n}: verdict must be TP/FP/UNSURE, mode default/preview"
                )
                continue
            if not (row["reason"] or "").strip():
                problems.append(f"{path}:{n}: a label needs a reason")
            try:
                key = (row["app"], row["path"], int(row["line"]), row["code"])
            except ValueError:
                problems.append(f"{path}:{n}: line is not a number")
                continue
            if key in labels:
                problems.append(f"{path}:{n}: duplicate label for {key}")
            labels[key] = row
    return labels, problems


def family(code: str) -> str:
    return code[:4]


def tally(
    rows: list[tuple[str, str]],
) -> dict[str, dict[str, dict[str, float | int | None]]]:
    """rows: (code, verdict). Counts per family and per code."""
    out: dict[str, dict[str, dict[str, float | int | None]]] = {
        "family": {},
        "code": {},
    }
    for level, keyf in (("family", family), ("code", lambda c: c)):
        groups: dict[str, collections.Counter[str]] = collections.defaultdict(
            collections.Counter
        )
        for code, verdict in rows:
            groups[keyf(code)][verdict] += 1
        for name in sorted(groups):
            c = groups[name]
            tp, fp, unsure = c["TP"], c["FP"], c["UNSURE"]
            out[level][name] = {
                "findings": tp + fp + unsure + c["UNLABELLED"],
                "TP": tp,
                "FP": fp,
                "UNSURE": unsure,
                "unlabelled": c["UNLABELLED"],
                "precision": round(tp / (tp + fp), 4) if tp + fp else None,
            }
    return out


def figures(
    labels: dict[Key, dict[str, str]], found: dict[str, set[Key]] | None = None
):
    """Per mode: the tally. ``found`` (``--run``) gives each mode's findings; else the labels."""
    result = {}
    for mode in MODES:
        if found is None:
            keys = [
                k
                for k, row in labels.items()
                if mode == "preview" or row["mode"] == "default"
            ]
        else:
            keys = sorted(found[mode])
        rows = [
            (k[3], labels[k]["verdict"] if k in labels else "UNLABELLED") for k in keys
        ]
        result[mode] = tally(rows)
    return result


def run_tradelint(cmd: list[str], root: str, folder: Path, preview: bool) -> list[dict]:
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        PYTHONSAFEPATH="1",  # (the checked folder is the working directory: never import from it)
    )
    args = [
        *cmd,
        "--no-cache",
        "--output-format",
        "json",
        "--exit-zero",
        *(["--preview"] if preview else []),
        ".",
    ]
    proc = subprocess.run(
        args, cwd=folder, env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args)} in {folder}: exit {proc.returncode}\n{proc.stderr[-2000:]}"
        )
    return json.loads(proc.stdout or "[]")


def render(fig, apps_rows=None) -> str:
    out = []
    if apps_rows:
        out.append("| app | kind | files | default findings | preview only |")
        out.append("|---|---|---:|---:|---:|")
        for r in apps_rows:
            out.append(
                f"| {r['app']} | {r['kind']} | {r['files']} | {r['default']} | {r['preview_only']} |"
            )
        out.append("")
    for mode in MODES:
        for level in ("family", "code"):
            out.append(f"{mode}, per {level}:")
            out.append(
                f"| {level} | findings | TP | FP | UNSURE | unlabelled | precision |"
            )
            out.append("|---|---:|---:|---:|---:|---:|---:|")
            for name, c in fig[mode][level].items():
                p = (
                    "n/a"
                    if c["precision"] is None
                    else f"{100 * c['TP'] / (c['TP'] + c['FP']):.1f} %"
                )
                out.append(
                    f"| {name} | {c['findings']} | {c['TP']} | {c['FP']} | {c['UNSURE']} | {c['unlabelled']} | {p} |"
                )
            out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--manifest", type=Path, default=HERE / "apps28.txt")
    ap.add_argument("--labels", type=Path, default=HERE / "labels" / "apps28.tsv")
    ap.add_argument(
        "--run", action="store_true", help="check the applications again and compare"
    )
    ap.add_argument("--apps-dir", type=Path, default=Path("/work/cache/apps"))
    ap.add_argument(
        "--root", default=str(HERE.parent), help="source tree put first on PYTHONPATH"
    )
    ap.add_argument(
        "--tradelint-cmd", default=f"{shlex.quote(sys.executable)} -m tradelint"
    )
    ap.add_argument(
        "--only", action="append", default=[], help="owner/name (repeatable)"
    )
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args(argv)

    apps = read_manifest(args.manifest)
    if args.only:
        apps = [a for a in apps if a.repo in args.only]
    names = {a.repo for a in apps}
    labels, problems = read_labels(args.labels)
    for p in problems:
        print(f"label error: {p}", file=sys.stderr)
    strays = sorted(
        {k[0] for k in labels} - {a.repo for a in read_manifest(args.manifest)}
    )
    for s in strays:
        print(
            f"label error: {s} is labelled but not in {args.manifest}", file=sys.stderr
        )
    labels = {k: v for k, v in labels.items() if k[0] in names}

    status = 1 if problems or strays else 0
    apps_rows = None
    if not args.run:
        fig = figures(labels)
        apps_rows = []
        for app in apps:
            mine = [row for k, row in labels.items() if k[0] == app.repo]
            folder = args.apps_dir / app.folder
            apps_rows.append(
                {
                    "app": app.repo,
                    "kind": app.kind,
                    "files": sum(1 for _ in folder.rglob("*.py"))
                    if folder.is_dir()
                    else "?",
                    "default": sum(row["mode"] == "default" for row in mine),
                    "preview_only": sum(row["mode"] == "preview" for row in mine),
                }
            )
    else:
        cmd = shlex.split(args.tradelint_cmd)
        found: dict[str, set[Key]] = {m: set() for m in MODES}
        apps_rows = []
        for app in apps:
            folder = args.apps_dir / app.folder
            if not folder.is_dir():
                print(
                    f"missing: {folder} ({app.repo} {app.commit}); extract it first",
                    file=sys.stderr,
                )
                status = 1
                continue
            per = {}
            for mode in MODES:
                per[mode] = {
                    (app.repo, f["path"], int(f["line"]), f["code"])
                    for f in run_tradelint(cmd, args.root, folder, mode == "preview")
                }
                found[mode] |= per[mode]
            apps_rows.append(
                {
                    "app": app.repo,
                    "kind": app.kind,
                    "files": sum(1 for _ in folder.rglob("*.py")),
                    "default": len(per["default"]),
                    "preview_only": len(per["preview"] - per["default"]),
                }
            )
        seen = found["default"] | found["preview"]
        unlabelled = sorted(seen - labels.keys())
        gone = sorted(labels.keys() - seen)
        moved = sorted(
            k
            for k in found["preview"] - found["default"]
            if k in labels and labels[k]["mode"] == "default"
        )
        moved += sorted(
            k
            for k in found["default"]
            if k in labels and labels[k]["mode"] == "preview"
        )
        for k in unlabelled:
            mode = "default" if k in found["default"] else "preview"
            print(f"UNLABELLED\t{k[0]}\t{k[1]}\t{k[2]}\t{k[3]}\t{mode}")
        for k in gone:
            print(
                f"GONE\t{k[0]}\t{k[1]}\t{k[2]}\t{k[3]}\t(labelled {labels[k]['verdict']})"
            )
        for k in moved:
            print(
                f"MODE CHANGED\t{k[0]}\t{k[1]}\t{k[2]}\t{k[3]}\t(labelled {labels[k]['mode']})"
            )
        print(
            f"{len(unlabelled)} unlabelled finding(s), {len(gone)} label(s) whose finding is gone, "
            f"{len(moved)} mode change(s)\n"
        )
        if unlabelled:
            status = 1
        fig = figures(labels, found)
    print(render(fig, apps_rows))
    if args.json:
        args.json.write_text(
            json.dumps({"figures": fig, "apps": apps_rows}, indent=1) + "\n"
        )
    return status


if __name__ == "__main__":
    sys.exit(main())
