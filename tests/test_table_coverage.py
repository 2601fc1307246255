"""benchmarks/table_coverage.py: which imports of a folder are third-party, and which of those the
library resource table covers (a table key under the module) or read (a source distribution)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import load_benchmark

COVERAGE = load_benchmark("table_coverage")


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


APP = {
    # first-party: the package itself, a sibling script, a folder holding Python files lower down
    "app/__init__.py": "",
    "app/main.py": (
        "import asyncio, json\n"                       # stdlib
        "import os.path\n"                             # stdlib, dotted
        "from . import helpers\n"                      # relative
        "from .helpers import x\n"                     # relative
        "from app.helpers import y\n"                  # first-party package
        "import helpers\n"                             # a sibling module, first-party
        "import plugins.loader\n"                      # a folder of Python files, first-party
        "import aiohttp\n"                             # third-party, covered and read
        "from aiohttp.web import Application\n"        # the same module again: one per file
        "from paho.mqtt import client\n"               # third-party, read only by its name
        "import huawei_solar.modbus as hs\n"           # third-party, neither
        "import asynchat, distutils.core\n"            # removed from stdlib since 3.11: still stdlib
        "def f():\n"
        "    import huawei_solar\n"                    # nested: counted, once per file
        "try:\n"
        "    import ujson\n"                           # under try: counted
        "except ImportError:\n"
        "    import json as ujson\n"
    ),
    "app/helpers.py": "import aiohttp\nimport __main__\nfrom __future__ import annotations\n",
    "tools/plugins/loader.py": "import yaml\n",
    "broken.py": "def (:\n",
    ".venv/lib/site.py": "import shouldnotcount\n",
}

TABLE = {
    "sources": ["aiohttp-3.9.1", "paho-mqtt-2.1.0", "PyYAML-6.0"],
    "types": {"aiohttp.ClientSession": {}},
    "makers": {},
    "returns": {},
    "versions": {},
}


@pytest.fixture
def app(tmp_path: Path) -> Path:
    write(tmp_path / "app1", APP)
    (tmp_path / "table.json").write_text(json.dumps(TABLE), encoding="utf-8")
    return tmp_path


def test_third_party_classification(app: Path) -> None:
    counts, files, unparsed = COVERAGE.third_party(app / "app1")
    assert dict(counts) == {"aiohttp": 2, "paho": 1, "huawei_solar": 1, "ujson": 1, "yaml": 1}
    assert (files, unparsed) == (5, 1)


def test_table_covered_and_read(app: Path) -> None:
    table = COVERAGE.Table(app / "table.json", [])
    assert [table.covered(m) for m in ("aiohttp", "paho", "yaml", "huawei_solar")] == [True, False, False, False]
    # "paho" is not the distribution "paho-mqtt"; "yaml" is PyYAML's module, known by name only
    # through --libsrc.
    assert [table.read(m) for m in ("aiohttp", "paho", "yaml", "huawei_solar")] == [True, False, False, False]
    assert table.read("paho_mqtt")
    libsrc = app / "libsrc"
    write(libsrc, {"PyYAML-6.0/yaml/__init__.py": "", "paho-mqtt-2.1.0/paho/mqtt/client.py": "",
                   "other-1.0/huawei_solar/__init__.py": ""})
    table = COVERAGE.Table(app / "table.json", [libsrc])
    assert [table.read(m) for m in ("aiohttp", "paho", "yaml", "huawei_solar")] == [True, True, True, False]


def test_markdown_output(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert COVERAGE.main([str(app / "app1"), "--table", str(app / "table.json")]) == 0
    assert capsys.readouterr().out == (
        "| module | files | users | covered | read |\n"
        "| --- | ---: | ---: | --- | --- |\n"
        "| aiohttp | 2 | 1 | yes | yes |\n"
        "| huawei_solar | 1 | 1 | no | no |\n"
        "| paho | 1 | 1 | no | no |\n"
        "| ujson | 1 | 1 | no | no |\n"
        "| yaml | 1 | 1 | no | no |\n"
        "\n"
        "modules: 5; covered (a table key): 1 (20.0%), files-weighted 33.3%; "
        "read by the generator: 1 (20.0%), files-weighted 33.3%\n"
    )


def test_entry_scope() -> None:
    line = "o/n 0123abc pkg/a.py:3:TRD2 scope=pkg,lib  # comment scope=no"
    assert COVERAGE.entry_scope(line) == ("o/n", "0123abc", ["pkg", "lib"])
    assert COVERAGE.entry_scope("o/n c x/a.py:3:TRD2 top.py:4:TRD3") == ("o/n", "c", [".", "x"])


def test_ranked_column(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (app / "ranks.tsv").write_text("name\tversion\trank_among_most_downloaded\nujson\t5\t12\nPyYAML\t6\t3\n"
                                   "huawei-solar\t3\t\npython-paho\t1\t40\n", encoding="utf-8")
    assert COVERAGE.ranked_names(app / "ranks.tsv") == {"ujson", "pyyaml", "python_paho"}
    assert COVERAGE.main([str(app / "app1"), "--table", str(app / "table.json"), "--ranks", str(app / "ranks.tsv")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2] == "| aiohttp | 2 | 1 | yes | yes | no |"
    assert out[4] == "| paho | 1 | 1 | no | no | yes |"
    assert out[-1] == ("neither covered nor read: 4 modules, 4 files; of them named as a ranked distribution: "
                       "3 (75.0%), files-weighted 75.0%")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True,
                          capture_output=True, text=True).stdout


def test_entries_read_at_the_parent(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each entry is read at its commit's parent, its scope only; a name first-party elsewhere in
    the tree (``shared``) is not third-party; a module counts once per entry."""
    repo = app / "mirrors" / "o+n" / "repo"
    write(repo, {"svc/a.py": "import aiohttp\nimport shared\n", "svc/b.py": "import aiohttp\nimport redis\n",
                 "shared/__init__.py": "import notinscope\n"})
    git(repo, "init", "-q")
    git(repo, "commit", "-qm", "a", "--allow-empty")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "b")
    write(repo, {"svc/b.py": "import aiohttp\n"})
    git(repo, "commit", "-qam", "fix")
    fix = git(repo, "rev-parse", "HEAD").strip()
    entries = app / "entries"
    write(entries, {"e001.txt": f"o/n {fix} svc/b.py:2:TRD2 scope=svc\n",
                    "e002.txt": f"o/n {fix} svc/b.py:2:TRD2\n"})
    assert COVERAGE.main(["--entries", str(entries), "--mirrors", str(app / "mirrors"),
                          "--table", str(app / "table.json")]) == 0
    assert capsys.readouterr().out.splitlines()[2:5] == [
        "| aiohttp | 2 | 2 | yes | yes |", "| redis | 2 | 2 | no | no |", ""]
