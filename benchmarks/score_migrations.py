"""Score tradelint on maintainers' own migration commits (``benchmarks/migrations.txt``).

For each pinned commit, the sites the maintainers changed are read from the commit itself: in a
replaced block of a changed ``.py`` file, an access ``R.old`` that is gone from the block and an
access ``R.new`` that came, on the same receiver text or with the same name in another spelling
(``toChecksumAddress`` / ``to_checksum_address``, ``NaN`` / ``nan``); ``from M import old``
replaced by ``from M import new`` is a site too. Every site is printed, to be read. The parent commit's tree is then checked by tradelint (the rename rules only):

- ``none``: no configuration; TRD403/TRD404 (preview) read the installed libraries;
- ``packs``: the commit's rename packs (``rename-packs``), TRD401 and the preview rules;
- ``packs+unknown``: the same with ``renames-unknown-receivers`` (TRD402).

A site is found when a finding on its line names its old attribute; every other finding is an
extra, printed to be read. Last, ``tradelint renames --since PARENT`` runs in a clone at the
commit: the renames it prints and the accesses it still reports.

    python benchmarks/score_migrations.py [--mirrors /work/.mirror] [--json out.json]

The libraries are those installed beside tradelint (TRD404 reads them); the report names them.
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata
import io
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tradelint.commands.rename_edits import _changed_hunks  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TRADELINT = [sys.executable, "-m", "tradelint"]
SELECT = "TRD401,TRD402,TRD403,TRD404"
CONFIGS = ("none", "packs", "packs+unknown")
GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


@dataclass(frozen=True)
class Site:
    path: str
    line: int
    receiver: str
    old: str
    new: str


def git(git_dir: Path, *args: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], capture_output=True, text=True, check=True, env=GIT_ENV
    ).stdout


def _norm(name: str) -> str:
    return name.replace("_", "").lower()


def _accesses(text: str) -> list[tuple[int, str, str]]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            found.append((node.end_lineno or node.lineno, ast.unparse(node.value), node.attr))
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            # ``from numpy import Inf`` is an access of ``numpy.Inf`` too.
            found += [(alias.lineno, node.module, alias.name) for alias in node.names]
    return found


def migrated_sites(path: str, old_text: str, new_text: str) -> list[Site]:
    old_acc, new_acc = _accesses(old_text), _accesses(new_text)
    sites = []
    for old_range, new_range in _changed_hunks(old_text, new_text):
        i1, i2, j1, j2 = old_range.start - 1, old_range.stop - 1, new_range.start - 1, new_range.stop - 1
        removed = [a for a in old_acc if i1 < a[0] <= i2]
        added = [a for a in new_acc if j1 < a[0] <= j2]
        removed_names, added_names = {a[2] for a in removed}, {a[2] for a in added}
        for line, receiver, attr in removed:
            if attr in added_names:
                continue
            for _, new_receiver, new_attr in added:
                if new_attr in removed_names:
                    continue
                if new_receiver == receiver or _norm(new_attr) == _norm(attr):
                    sites.append(Site(path, line, receiver, attr, new_attr))
                    break
    return sites


def extract(git_dir: Path, commit: str, target: Path) -> None:
    """The ``.py``/``.pyi`` files of ``commit`` (a mirror may lack its largest blobs: notebooks, data)."""
    listing = git(git_dir, "ls-tree", "-r", "-z", commit)
    wanted = []
    for record in listing.split("\0"):
        meta, _, path = record.partition("\t")
        if path.endswith((".py", ".pyi")) and meta.split()[1:2] == ["blob"]:
            wanted.append((meta.split()[2], path))
    write_blobs(git_dir, wanted, target)


def write_blobs(git_dir: Path, wanted: list[tuple[str, str]], target: Path) -> int:
    """Write each (blob, path) under ``target`` in one ``git cat-file --batch``; a blob the mirror
    lacks is skipped. Returns how many were written."""
    batch = subprocess.run(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
        input="".join(f"{sha}\n" for sha, _ in wanted).encode(), capture_output=True, check=True, env=GIT_ENV,
    ).stdout
    stream = io.BytesIO(batch)
    written = 0
    for _, path in wanted:
        header = stream.readline().split()
        if len(header) < 3:
            continue  # "<sha> missing"
        data = stream.read(int(header[2]))
        stream.read(1)
        file = target / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)
        written += 1
    return written


def check(tree: Path, config: str, packs: list[str], work: Path) -> list[dict[str, Any]]:
    lines = []
    if config != "none":
        lines.append("rename-packs = [" + ", ".join(f'"{p}"' for p in packs) + "]")
    if config == "packs+unknown":
        lines.append("renames-unknown-receivers = true")
    toml = work / f"{config.replace('+', '-')}.toml"
    toml.parent.mkdir(parents=True, exist_ok=True)
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # ``--config`` wants a file named tradelint.toml; one folder per configuration.
    folder = work / config.replace("+", "-")
    folder.mkdir(exist_ok=True)
    (folder / "tradelint.toml").write_text(toml.read_text(encoding="utf-8"), encoding="utf-8")
    result = subprocess.run(
        [*TRADELINT, "--config", str(folder / "tradelint.toml"), "--select", SELECT, "--preview", "--no-cache",
         "--output-format", "json", "--exit-zero", "--quiet", "."],
        cwd=tree, capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    findings: list[dict[str, Any]] = json.loads(result.stdout or "[]")
    for finding in findings:
        finding["path"] = os.path.relpath(finding["path"], tree) if os.path.isabs(finding["path"]) else finding["path"]
    return findings


def _hits(site: Site, finding: dict[str, Any]) -> bool:
    return (
        finding["path"] == site.path
        and finding["line"] <= site.line <= finding.get("end_line", finding["line"])
        # ``TRD401 `signed_txn.rawTransaction` was renamed``: the old name ends a quoted access.
        and (f"`{site.old}`" in finding["message"] or f".{site.old}`" in finding["message"])
    )


def renames_since(git_dir: Path, commit: str, parent: str, work: Path) -> list[str]:
    clone = work / "clone"
    subprocess.run(["git", "clone", "-q", "--shared", "--no-checkout", str(git_dir), str(clone)], check=True, env=GIT_ENV)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", commit], check=True, env=GIT_ENV)
    result = subprocess.run([*TRADELINT, "renames", "--since", parent, "."], cwd=clone, capture_output=True, text=True)
    return result.stdout.splitlines()


def score(repo: str, commit: str, packs: list[str], mirrors: Path, excluded: set[str] = set()) -> dict[str, Any]:
    git_dir = mirrors / repo.replace("/", "+") / "repo"
    parent = git(git_dir, "rev-parse", f"{commit}^").strip()
    sites: list[Site] = []
    for path in git(git_dir, "diff", "--name-only", "--diff-filter=M", parent, commit, "--", "*.py").split():
        sites += migrated_sites(path, git(git_dir, "show", f"{parent}:{path}"), git(git_dir, "show", f"{commit}:{path}"))
    # ``exclude=np.zeros``: read and found not to be a rename (``np.zeros(n) * np.NaN`` rewritten
    # as ``np.full(n, np.nan)``: the ``np.NaN`` on that line is the site).
    sites = [s for s in sites if f"{s.receiver}.{s.old}" not in excluded]
    with tempfile.TemporaryDirectory(prefix="tradelint-migration-") as tmp:
        work = Path(tmp)
        tree = work / "parent"
        extract(git_dir, parent, tree)
        runs = {}
        for config in CONFIGS:
            findings = check(tree, config, packs, work)
            found = [s for s in sites if any(_hits(s, f) for f in findings)]
            extras = [f for f in findings if not any(_hits(s, f) for s in sites)]
            runs[config] = {
                "found": len(found),
                "by_code": sorted({f["code"] for f in findings if any(_hits(s, f) for s in sites)}),
                "missed": [asdict(s) for s in sites if s not in found],
                "extras": [f"{f['path']}:{f['line']}:{f['column']}: {f['code']} {f['message']}" for f in extras],
            }
        since = renames_since(git_dir, commit, parent, work)
    return {"repo": repo, "commit": commit, "parent": parent, "packs": packs,
            "sites": [asdict(s) for s in sites], "runs": runs, "renames_since": since}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, default=ROOT / "benchmarks" / "migrations.txt")
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"), help="owner+name/repo bare mirrors")
    parser.add_argument("--json", type=Path, help="write every site, finding and renames line as JSON")
    parser.add_argument("--only", help="only the repositories whose name contains this")
    args = parser.parse_args(argv)
    versions = {p: importlib.metadata.version(p) for p in ("web3", "eth-account", "numpy", "pandas")}
    print("installed: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    results = []
    for raw in args.manifest.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].split()
        if not line or (args.only and args.only not in line[0]):
            continue
        repo, commit = line[0], line[1]
        packs = [t for t in line[2:] if not t.startswith("exclude=")]
        excluded = {t.partition("=")[2] for t in line[2:] if t.startswith("exclude=")}
        result = score(repo, commit, packs, args.mirrors, excluded)
        results.append(result)
        counts = ", ".join(f"{c} {r['found']}/{len(result['sites'])}" for c, r in result["runs"].items())
        print(f"\n## {repo} {commit[:10]} ({' '.join(packs)}): {len(result['sites'])} sites; found: {counts}")
        for site in result["sites"]:
            print(f"  site {site['path']}:{site['line']}: {site['receiver']}.{site['old']} -> {site['new']}")
        for config, run in result["runs"].items():
            for missed in run["missed"]:
                print(f"  [{config}] missed {missed['path']}:{missed['line']}: {missed['receiver']}.{missed['old']}")
            for extra in run["extras"]:
                print(f"  [{config}] extra {extra}")
        for text in result["renames_since"]:
            print(f"  renames| {text}")
    total = sum(len(r["sites"]) for r in results)
    for config in CONFIGS:
        found = sum(r["runs"][config]["found"] for r in results)
        extras = sum(len(r["runs"][config]["extras"]) for r in results)
        print(f"{config}: {found}/{total} sites found, {extras} other findings")
    if args.json:
        args.json.write_text(json.dumps({"installed": versions, "results": results}, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
