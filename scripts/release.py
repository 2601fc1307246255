"""Make a release: check that everything names the same version, build, and tag.

Usage:
    python scripts/release.py VERSION            # check, build dist/, then tag vVERSION (annotated)
    python scripts/release.py --check VERSION    # the checks only; nothing is built or tagged

The version is written in one place, ``tradelint/_version.py`` (pyproject.toml reads it
from there). Before tagging, the script requires: a clean git working tree on the commit to tag;
``__version__ == VERSION``; a ``## VERSION`` section in CHANGELOG.md; the README's pre-commit
example at a full commit SHA or ``rev: vVERSION`` (no other tag); no existing tag of that name. The tag's message is the CHANGELOG
section, so ``git show vVERSION`` tells what the release holds. The wheel and sdist are built
with ``python -m build --no-isolation`` into ``dist/`` (``build`` and ``setuptools`` come with the
test extras).
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


class ReleaseError(Exception):
    pass


def package_version(root: Path) -> str:
    tree = ast.parse((root / "tradelint" / "_version.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                return node.value.value
    raise ReleaseError("tradelint/_version.py sets no __version__ string")


def changelog_section(root: Path, version: str) -> str:
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    found = re.search(rf"^## {re.escape(version)}\b.*?$(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    if found is None:
        raise ReleaseError(f"CHANGELOG.md has no '## {version}' section")
    return found.group(0).strip()


def check(root: Path, version: str, *, tagging: bool) -> str:
    """Every check; returns the CHANGELOG section (the tag's message)."""
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise ReleaseError(f"'{version}' is not a version like 1.2.3")
    if package_version(root) != version:
        raise ReleaseError(f"tradelint/_version.py says {package_version(root)}, not {version}")
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    if "version" in project or "version" not in project.get("dynamic", []):
        raise ReleaseError("pyproject.toml writes a version of its own; it must read __version__ (dynamic)")
    section = changelog_section(root, version)
    readme = (root / "README.md").read_text(encoding="utf-8")
    revs = set(re.findall(r"^\s*rev:\s*(\S+)", readme, re.MULTILINE))
    # A commit SHA always exists; a tag must be the one this release makes.
    wrong = sorted(rev for rev in revs if rev != f"v{version}" and not re.fullmatch(r"[0-9a-f]{40}", rev))
    if not revs or wrong:
        raise ReleaseError(
            f"README.md's pre-commit example uses rev {', '.join(wrong) or '(none)'}, "
            f"not a commit SHA or v{version}"
        )
    if tagging:
        status = _git(root, "status", "--porcelain")
        if status.strip():
            raise ReleaseError("the working tree has uncommitted changes; commit them first")
        if _git(root, "tag", "--list", f"v{version}").strip():
            raise ReleaseError(f"tag v{version} exists already")
    return section


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version")
    parser.add_argument("--check", action="store_true", help="run the checks only")
    parser.add_argument("--no-build", action="store_true", help="tag without building dist/")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        section = check(args.root, args.version, tagging=not args.check)
    except (ReleaseError, subprocess.CalledProcessError) as exc:
        print(f"release: {exc}", file=sys.stderr)
        return 2
    if args.check:
        print(f"release: {args.version} is ready to tag")
        return 0
    if not args.no_build:
        subprocess.run(
            [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(args.root / "dist"), str(args.root)],
            check=True,
        )
    _git(args.root, "tag", "-a", "--cleanup=verbatim", f"v{args.version}", "-m", section)
    print(f"release: tagged v{args.version}; push it with `git push origin v{args.version}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
