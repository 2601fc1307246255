"""Score tradelint on maintainers' own leak-fix commits (``benchmarks/leak_fixes.txt``).

Each manifest line names a repository, a commit that fixed a leaked async resource or a task never
awaited, cancelled or kept, and the *sites*: ``path:line:FAMILY`` (``TRD2`` or ``TRD3``), the
line of each leaking creation in the commit's first parent, read by hand from the diff. The
parent's and the fix's source folders (``scope=a,b``, or the sites' top folders) are extracted
into a temporary directory and checked with ``--select TRD2,TRD3``, once with the default rules
and once with ``--preview``:

- a site is *found* at the parent when a finding of its family is on its line, or on a line of
  the statement that starts there;
- at the fix commit, the site's line is mapped through the diff (an unchanged line keeps its
  place; a line the commit replaced maps to the replacing block, or ``path:line:FAMILY@N`` says
  where it is); a finding of the family still there is a site the fix did not end in tradelint's
  eyes: a false positive once the maintainers fixed it;
- every other finding at the parent is printed, to be read: not a site is not necessarily wrong.

    python benchmarks/score_leak_fixes.py [--manifest FILE] [--mirrors /work/.mirror] [--only NAME]
        [--json out.json] [--summary-json summary.json] [--root SRC] [--tradelint-cmd "PY -m MODULE"]
        [--modes default]

``--manifest`` picks the manifest (default ``benchmarks/leak_fixes.txt``; the second round is
``leak_fixes_r2_dev.txt`` / ``leak_fixes_r2_holdout.txt``). The tool is run as ``--tradelint-cmd``
(default: this interpreter, ``-m tradelint``) with ``--root`` (default: this checkout) first on
``PYTHONPATH``, so the code checked is the named source tree and never whatever ``tradelint`` the
interpreter has installed; the module file actually imported is printed first. At the end the
scorer prints, per mode and family, the sites found over the sites (recall) and those left after
the fix, then every MISSED site with its line at the parent; ``--summary-json`` writes those.

Nothing of the repositories is committed here: fetch a bare mirror of each (the ``fetch`` tool,
or ``git clone --mirror``) under ``MIRRORS/owner+name/repo``.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import shlex
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from score_migrations import git, write_blobs  # noqa: E402  (the same mirrors, read alike)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tradelint.facts.requirements import declares  # noqa: E402  (the files a check reads for releases)

ROOT = Path(__file__).resolve().parent.parent
TRADELINT = [sys.executable, "-m", "tradelint"]
# The source tree put first on PYTHONPATH for every run (``--root``): this checkout by default.
SOURCE_ROOT: Path | None = ROOT
SELECT = "TRD2,TRD3"
MODES = ("default", "preview")
CHECKOUT = False  # ``--checkout``: the whole commit extracted, the scope checked in it
FAMILIES = ("TRD2", "TRD3")


@dataclass(frozen=True)
class Site:
    path: str
    line: int
    family: str
    fix_line: int | None = None  # where the creation is at the fix commit, when the diff can't say


@dataclass
class Entry:
    repo: str
    commit: str
    sites: list[Site]
    scope: list[str]


def parse_site(text: str) -> Site:
    """``path:line:FAMILY`` or ``path:line:FAMILY@fixline``."""
    path, line, family = text.rsplit(":", 2)
    family, _, fix = family.partition("@")
    if family not in FAMILIES:
        raise ValueError(f"{text}: the family is TRD2 or TRD3, not {family!r}")
    return Site(path, int(line), family, int(fix) if fix else None)


def parse_manifest(text: str) -> list[Entry]:
    entries = []
    for raw in text.splitlines():
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        repo, commit, rest = words[0], words[1], words[2:]
        scope = [w.partition("=")[2] for w in rest if w.startswith("scope=")]
        sites = [parse_site(w) for w in rest if not w.startswith("scope=")]
        folders = [p for s in scope for p in s.split(",") if p]
        if not folders:
            folders = sorted({s.path.split("/", 1)[0] if "/" in s.path else "." for s in sites})
        # A site outside every folder of the scope would never be extracted, hence never found
        # (``scope=.`` is the top-level files only): its top folder is added, and said.
        for site in sites:
            if not _under(site.path, folders):
                top = site.path.split("/", 1)[0] if "/" in site.path else "."
                print(f"note: {repo} {site.path} is outside scope={','.join(folders)}; {top} is extracted too",
                      file=sys.stderr)
                folders.append(top)
        entries.append(Entry(repo, commit, sites, folders))
    return entries




def _under(path: str, folders: list[str]) -> bool:
    """Whether ``extract`` writes ``path`` for ``folders`` (``.``: the top-level files)."""
    return any((f == "." and "/" not in path) or path == f or path.startswith(f.rstrip("/") + "/") for f in folders)


def extract(git_dir: Path, commit: str, folders: list[str], target: Path, whole: bool = False) -> int:
    """The ``.py`` files of ``commit`` under ``folders`` (``.``: the top-level files only; a
    mirror may lack its largest blobs), and the files declaring the project's requirements
    (``requirements*.txt``, ``pyproject.toml``, ``setup.cfg``, ``manifest.json``) under them or in
    a folder above one, as a checkout has them: a check reads the declared release upward from
    each file. With ``whole``, every ``.py`` and declaring file of the commit, as a full checkout
    has them (``--checkout``). Returns how many were written."""
    listing = git(git_dir, "ls-tree", "-r", "-z", commit)
    above = {""} | {"/".join(f.strip("/").split("/")[:n]) for f in folders if f != "."
                    for n in range(1, f.strip("/").count("/") + 2)}
    wanted = []
    for record in listing.split("\0"):
        meta, _, path = record.partition("\t")
        if meta.split()[1:2] != ["blob"]:
            continue
        folder, _, name = path.rpartition("/")
        under = whole or _under(path, folders)
        if (path.endswith(".py") and under) or (declares(name) and (under or folder in above)):
            wanted.append((meta.split()[2], path))
    return write_blobs(git_dir, wanted, target)


def git_dir_of(mirrors: Path, repo: str) -> Path:
    """``MIRRORS/owner+name/repo``: a bare mirror, or a clone whose git directory is ``repo/.git``."""
    git_dir = mirrors / repo.replace("/", "+") / "repo"
    return git_dir / ".git" if (git_dir / ".git").is_dir() else git_dir


def tool_env(root: Path | None = None) -> dict[str, str]:
    """The environment of each run: ``root`` (default ``SOURCE_ROOT``) first on ``PYTHONPATH``, and
    ``PYTHONSAFEPATH`` set: ``python -m tradelint`` run in a checked tree would otherwise put the tree
    first on ``sys.path``, and a module of it named like one of the standard library (a repository's
    own ``types.py``) would be imported, and run, in its place (Python 3.11+; 3.10 ignores it)."""
    root = SOURCE_ROOT if root is None else root
    env = dict(os.environ, PYTHONSAFEPATH="1")
    if root is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(root), *filter(None, [env.get("PYTHONPATH")])])
    return env


def tool_origin(command: list[str], root: Path | None = None) -> str:
    """Which file ``command`` (``PY -m MODULE ...``) imports its module from, run as ``check`` runs
    it (the same environment, from a folder outside any checkout)."""
    if len(command) < 3 or command[1] != "-m":
        return "(not a 'python -m module' command: not probed)"
    probe = ("import importlib.util, sys; m = sys.argv[1]; "
             "print(importlib.util.find_spec(m).origin, importlib.util.find_spec('tradelint').origin)")
    with tempfile.TemporaryDirectory(prefix="tradelint-probe-") as tmp:
        result = subprocess.run([command[0], "-c", probe, command[2]], cwd=tmp, capture_output=True, text=True,
                                env=tool_env(root), check=False)
    return (result.stdout or result.stderr).strip()


def _scope_paths(tree: Path, folders: list[str]) -> list[str]:
    """What a run in a full checkout is given for ``folders``: each folder (``.``: the top-level
    ``.py`` files), those that exist at the commit."""
    paths: list[str] = []
    for folder in folders:
        if folder == ".":
            paths += sorted(p.name for p in tree.glob("*.py"))
        elif (tree / folder).exists():
            paths.append(folder.rstrip("/"))
    return paths


def check(tree: Path, preview: bool, paths: list[str] | None = None) -> list[dict[str, Any]]:
    # An empty configuration: the repository's own settings are not extracted, and nothing above
    # the temporary directory may configure the run.
    (tree / "tradelint.toml").write_text("", encoding="utf-8")
    result = subprocess.run(
        [*TRADELINT, "--config", str(tree / "tradelint.toml"), "--select", SELECT, *(["--preview"] if preview else []),
         "--no-cache", "--jobs", "1", "--output-format", "json", "--exit-zero", "--quiet", *(paths or ["."])],
        cwd=tree, capture_output=True, text=True, env=tool_env(),
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    findings: list[dict[str, Any]] = json.loads(result.stdout or "[]")
    for finding in findings:
        path = finding["path"]
        finding["path"] = (os.path.relpath(path, tree) if os.path.isabs(path) else path).replace(os.sep, "/")
        finding["path"] = finding["path"].removeprefix("./")
    return findings


def statement_span(source: str, line: int) -> tuple[int, int]:
    """The lines of the outermost statement that starts on ``line`` (a creation written over
    several lines is reported on any of them), or just the line."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return line, line
    best: tuple[int, int] | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno == line:
            end = node.end_lineno or line
            # A compound statement (``if``/``with``/``def``) spans its body: keep its header only.
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                end = body[0].lineno - 1
            if best is None or end > best[1]:
                best = (line, max(end, line))
    return best or (line, line)


def map_line(old_text: str, new_text: str, line: int) -> tuple[int, int] | None:
    """The lines of the fix commit that hold parent line ``line``: the same line when it was not
    changed, the replacing block when it was, None when it was deleted without a replacement."""
    matcher = difflib.SequenceMatcher(None, old_text.splitlines(), new_text.splitlines(), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i1 < line <= i2:
            if tag == "equal":
                return line - i1 + j1, line - i1 + j1
            if tag == "delete":
                return None
            return j1 + 1, j2
    return None


def _on(finding: dict[str, Any], path: str, span: tuple[int, int], family: str) -> bool:
    return finding["path"] == path and finding["code"].startswith(family) and span[0] <= finding["line"] <= span[1]


def _text(f: dict[str, Any]) -> str:
    return f"{f['path']}:{f['line']}:{f['column']}: {f['code']} {f['message']}"


def score(entry: Entry, mirrors: Path) -> dict[str, Any]:
    git_dir = git_dir_of(mirrors, entry.repo)
    commit = git(git_dir, "rev-parse", entry.commit).strip()
    parent = git(git_dir, "rev-parse", f"{commit}^").strip()
    spans: dict[Site, tuple[int, int]] = {}
    texts: dict[Site, str] = {}
    fix_spans: dict[Site, tuple[int, int] | None] = {}
    for site in entry.sites:
        old = git(git_dir, "show", f"{parent}:{site.path}")
        spans[site] = statement_span(old, site.line)
        old_lines = old.splitlines()
        texts[site] = old_lines[site.line - 1].strip() if 0 < site.line <= len(old_lines) else "<no such line>"
        try:
            new = git(git_dir, "show", f"{commit}:{site.path}")
        except subprocess.CalledProcessError:
            fix_spans[site] = None  # the file is gone
            continue
        if site.fix_line is not None:
            fix_spans[site] = statement_span(new, site.fix_line)
        else:
            mapped = map_line(old, new, site.line)
            fix_spans[site] = None if mapped is None else (
                statement_span(new, mapped[0]) if mapped[0] == mapped[1] else mapped)
    runs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="tradelint-leakfix-") as tmp:
        for side, rev in (("parent", parent), ("fix", commit)):
            tree = Path(tmp) / side
            tree.mkdir()
            extract(git_dir, rev, entry.scope, tree, whole=CHECKOUT)
            paths = _scope_paths(tree, entry.scope) if CHECKOUT else None
            for mode in MODES:
                runs[f"{side}/{mode}"] = check(tree, mode == "preview", paths) if paths != [] else []
    result: dict[str, Any] = {"repo": entry.repo, "commit": commit, "parent": parent, "scope": entry.scope,
                              "sites": [asdict(s) for s in entry.sites], "modes": {}}
    for mode in MODES:
        at_parent, at_fix = runs[f"parent/{mode}"], runs[f"fix/{mode}"]
        found, kept, verdicts = [], [], []
        for site in entry.sites:
            hits = [f for f in at_parent if _on(f, site.path, spans[site], site.family)]
            span = fix_spans[site]
            left = [] if span is None else [f for f in at_fix if _on(f, site.path, span, site.family)]
            if hits:
                found.append(site)
            if left:
                kept.append(site)
            verdicts.append({"site": f"{site.path}:{site.line}:{site.family}", "text": texts[site],
                             "found": [_text(f) for f in hits], "after_fix": [_text(f) for f in left]})
        others = [_text(f) for f in at_parent
                  if not any(_on(f, s.path, spans[s], s.family) for s in entry.sites)]
        result["modes"][mode] = {
            "found": {fam: sum(1 for s in found if s.family == fam) for fam in FAMILIES},
            "kept_after_fix": {fam: sum(1 for s in kept if s.family == fam and s in found) for fam in FAMILIES},
            "sites": verdicts,
            "not_sites": others,
        }
    return result


def totals(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for mode in MODES:
        row: dict[str, Any] = {}
        for fam in FAMILIES:
            sites = sum(1 for r in results for s in r["sites"] if s["family"] == fam)
            found = sum(r["modes"][mode]["found"][fam] for r in results)
            kept = sum(r["modes"][mode]["kept_after_fix"][fam] for r in results)
            row[fam] = {"sites": sites, "found": found, "recall": round(found / sites, 3) if sites else None,
                        "kept_after_fix": kept,
                        "precision_at_fix": round((found - kept) / found, 3) if found else None}
        row["not_sites"] = sum(len(r["modes"][mode]["not_sites"]) for r in results)
        out[mode] = row
    return out


def missed(results: list[dict[str, Any]]) -> dict[str, list[dict[str, str]]]:
    """Per mode, every site with no finding of its family at the parent, with its line there."""
    return {mode: [{"repo": r["repo"], "commit": r["commit"], "site": v["site"], "text": v["text"]}
                   for r in results for v in r["modes"][mode]["sites"] if not v["found"]] for mode in MODES}


def main(argv: list[str] | None = None) -> int:
    global SOURCE_ROOT, TRADELINT, MODES, CHECKOUT
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, default=ROOT / "benchmarks" / "leak_fixes.txt")
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"), help="owner+name/repo bare mirrors")
    parser.add_argument("--json", type=Path, help="write every site, finding and total as JSON")
    parser.add_argument("--summary-json", type=Path, help="write the totals and the missed sites as JSON")
    parser.add_argument("--only", help="only the repositories whose name contains this")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the tradelint source tree put first on PYTHONPATH (default: this checkout)")
    parser.add_argument("--modes", default=",".join(MODES),
                        help="the modes to run, comma-separated (default: default,preview)")
    parser.add_argument("--checkout", action="store_true",
                        help="extract the whole commit (every .py and requirements file) and check only the scope's "
                             "folders in it, as a run in a full checkout would; default: the scope alone")
    parser.add_argument("--tradelint-cmd", default=None,
                        help="the command that runs tradelint (default: this interpreter, -m tradelint)")
    args = parser.parse_args(argv)
    SOURCE_ROOT = args.root.resolve()
    CHECKOUT = args.checkout
    MODES = tuple(m for m in MODES if m in args.modes.split(","))
    if args.tradelint_cmd:
        TRADELINT = shlex.split(args.tradelint_cmd)
    origin = tool_origin(TRADELINT)
    print(f"manifest {args.manifest}; tradelint: {' '.join(TRADELINT)} with PYTHONPATH={tool_env()['PYTHONPATH']}")
    print(f"imports: {origin}")
    entries = [e for e in parse_manifest(args.manifest.read_text(encoding="utf-8"))
               if not args.only or args.only in e.repo]
    results = []
    unscored = [e for e in entries if not git_dir_of(args.mirrors, e.repo).is_dir()]
    for entry in unscored:
        print(f"not scored: no mirror of {entry.repo} under {args.mirrors} ({entry.commit[:10]}, "
              f"{len(entry.sites)} site(s))")
    for entry in entries:
        if entry in unscored:
            continue
        result = score(entry, args.mirrors)
        results.append(result)
        print(f"\n## {entry.repo} {result['commit'][:10]} (scope {' '.join(entry.scope)})")
        for mode in MODES:
            run = result["modes"][mode]
            for verdict in run["sites"]:
                state = "found" if verdict["found"] else "MISSED"
                after = " | STILL AFTER FIX" if verdict["after_fix"] and verdict["found"] else ""
                print(f"  [{mode}] {state} {verdict['site']}{after}")
                for text in verdict["found"] + (verdict["after_fix"] if after else []):
                    print(f"      {text}")
            for text in run["not_sites"]:
                print(f"  [{mode}] not a site: {text}")
    summary = totals(results)
    misses = missed(results)
    print()
    for mode, row in summary.items():
        for fam in FAMILIES:
            r = row[fam]
            print(f"{mode} {fam}: {r['found']}/{r['sites']} sites found (recall {r['recall']}), "
                  f"{r['kept_after_fix']} still reported after the fix (precision at fix {r['precision_at_fix']})")
        print(f"{mode}: {row['not_sites']} findings at parents that are not sites")
    if unscored:
        print(f"not scored (no mirror): {len(unscored)} commit(s), {sum(len(e.sites) for e in unscored)} site(s); "
              "the totals above count only the scored ones")
    for mode in MODES:
        print(f"\nMISSED [{mode}]: {len(misses[mode])}")
        for m in misses[mode]:
            print(f"  {m['repo']} {m['commit'][:10]} {m['site']}  | {m['text']}")
    if args.json:
        args.json.write_text(json.dumps({"totals": summary, "results": results}, indent=1) + "\n", encoding="utf-8")
    if args.summary_json:
        args.summary_json.write_text(json.dumps({
            "manifest": str(args.manifest), "checkout": CHECKOUT, "command": TRADELINT, "root": str(SOURCE_ROOT), "imports": origin,
            "commits": len(results), "totals": summary, "missed": misses,
            "not_scored": [{"repo": e.repo, "commit": e.commit, "sites": len(e.sites)} for e in unscored],
            "per_commit": [{"repo": r["repo"], "commit": r["commit"],
                            **{mode: {"found": r["modes"][mode]["found"],
                                      "kept_after_fix": r["modes"][mode]["kept_after_fix"]} for mode in MODES}}
                           for r in results],
        }, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
