"""Session 63: the library table's ranked population (``make_resource_table.py --ranked-list``,
``scripts/resource_population.py``) and how it is chosen (``scripts/population_by_requirement.py``).

A ranked distribution is read after the others, in its list's order, and names only what it
defines: its roots (a top-level module, or the first package with an ``__init__.py`` down a
path, ``google.genai`` under the namespace ``google``) that no distribution read before defines.
Twins: a ranked fork shipping a package read before, a second ranked distribution of the same
root, and a root shadowing the standard library add nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_resource_table as gen
import population_by_requirement as population
import resource_population as ranked

from tests.test_library_table_rules import _write

HOLDER = '''\
import aiohttp


class {name}:
    def __init__(self):
        self._session = aiohttp.ClientSession()

    async def close(self):
        await self._session.close()
'''

BASE = '''\
class Client:
    def __init__(self):
        self._open = True

    async def close(self):
        self._open = False

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()
'''


def _pins(path: Path, pins: list[str]) -> Path:
    path.write_text("".join(f"{pin}\n" for pin in pins), encoding="utf-8")
    return path


def _table(tmp_path: Path) -> dict[str, dict[str, object]]:
    src = tmp_path / "src"
    _write(src, "baselib-1.0", {"baselib/__init__.py": BASE})
    _write(src, "nsbase-1.0", {"ns/first/__init__.py": HOLDER.format(name="First")})
    # ranked, in this order: a new library, a fork of baselib, a second one of ``newlib``, a
    # distribution in the namespace ``ns`` beside ``ns.first``, and one shadowing ``asyncio``.
    _write(src, "newlib-2.0", {
        "newlib/__init__.py": HOLDER.format(name="Hub") + "\n\nclass Wrapped(__import__('baselib').Client):\n    pass\n",
        "newlib/sub.py": "from baselib import Client\n\n\nclass Derived(Client):\n    pass\n",
    })
    _write(src, "baselib-fork-1.1", {"baselib/__init__.py": HOLDER.format(name="Client")})
    _write(src, "newlib-again-0.1", {"newlib/__init__.py": HOLDER.format(name="Other")})
    _write(src, "ns-second-3.0", {"ns/second/__init__.py": HOLDER.format(name="Second")})
    _write(src, "shadow-1.0", {"asyncio/__init__.py": HOLDER.format(name="Loop")})
    first = _pins(tmp_path / "first.txt", ["baselib==1.0", "nsbase==1.0"])
    later = _pins(tmp_path / "ranked.txt", [
        "newlib==2.0", "baselib-fork==1.1", "newlib-again==0.1", "ns-second==3.0", "shadow==1.0", "absent==9",
    ])
    out = tmp_path / "table.json"
    assert gen.main(["--out", str(out), "--src", str(src), "--list", str(first), "--ranked-list", str(later), "--ranked-budget", "40"]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert "newlib-again-0.1" in document["sources"] and "absent-9" not in document["sources"]
    return {name: {"close": e["close"], "rule": e["rule"], "source": e["source"]} for name, e in document["types"].items()}


def test_ranked_population_names_only_its_own_free_roots(tmp_path: Path) -> None:
    assert _table(tmp_path) == {
        "baselib.Client": {"close": "close", "rule": "protocol", "source": "baselib-1.0"},
        "ns.first.First": {"close": "close", "rule": "owner", "source": "nsbase-1.0"},
        "newlib.Hub": {"close": "close", "rule": "owner", "source": "newlib-2.0"},
        "newlib.sub.Derived": {"close": "close", "rule": "subclass", "source": "newlib-2.0"},
        "ns.second.Second": {"close": "close", "rule": "owner", "source": "ns-second-3.0"},
    }


def test_package_roots_go_down_namespace_folders(tmp_path: Path) -> None:
    folder = _write(tmp_path, "dist-1.0", {
        "top.py": "",
        "pkg/__init__.py": "",
        "pkg/inner/mod.py": "",
        "space/deep/__init__.py": "",
        "space/loose.py": "",
    })
    assert ranked.package_roots(folder, gen.modules) == {"top", "pkg", "space.deep", "space.loose"}


def test_free_roots_take_the_first_and_refuse_overlaps_and_the_stdlib(tmp_path: Path) -> None:
    a = _write(tmp_path, "a-1", {"google/genai/__init__.py": "", "json/__init__.py": ""})
    b = _write(tmp_path, "b-1", {"google/__init__.py": "", "other.py": ""})
    c = _write(tmp_path, "c-1", {"google/cloud/x/__init__.py": "", "other.py": "", "azure/core/__init__.py": ""})
    taken = {"google.auth"}
    # b's regular package ``google`` is around ``google.auth``: refused, and it is taken, so c's
    # ``google.cloud.x`` inside it is refused too; ``other`` is b's.
    assert ranked.free_roots([a, b, c], taken, gen.modules) == {
        "a-1": {"google.genai"},
        "b-1": {"other"},
        "c-1": {"azure.core"},
    }


def test_requirements_drop_extras_only() -> None:
    assert population.requirements([
        "aiohttp>=3.9",
        "httpx[http2] ; python_version >= '3.8'",
        "websockets ; extra == 'ws'",
        "Redis_Py.Cluster (>=2)",
    ]) == {"aiohttp", "httpx", "redis-py-cluster"}


def test_batches_keep_the_order_under_a_module_budget_and_leave_out_the_largest(tmp_path: Path) -> None:
    sizes = {"a-1": 3, "b-1": 2, "big-1": 11, "c-1": 4, "d-1": 1}
    folders = [
        _write(tmp_path, name, {f"{name[0]}{i}/__init__.py": "" for i in range(count)})
        for name, count in sizes.items()
    ]
    cut, left_out = ranked.batches(folders, 100, gen.modules)
    assert [[f.name for f in batch] for batch in cut] == [["a-1", "b-1", "c-1", "d-1"]]
    assert [f.name for f in left_out] == ["big-1"]
    ones = [_write(tmp_path, f"one{i}-1", {f"one{i}.py": ""}) for i in range(12)]
    cut, left_out = ranked.batches(ones, 10, gen.modules)
    assert [len(batch) for batch in cut] == [10, 2] and cut[1][1].name == "one11-1"
    assert left_out == []


def test_a_seed_table_is_kept_as_it_is_and_only_the_ranked_population_read(tmp_path: Path) -> None:
    src = tmp_path / "src"
    _write(src, "baselib-1.0", {"baselib/__init__.py": BASE})
    _write(src, "newlib-2.0", {"newlib/__init__.py": "from baselib import Client\n\n\nclass Derived(Client):\n    pass\n"})
    first = _pins(tmp_path / "first.txt", ["baselib==1.0"])
    later = _pins(tmp_path / "ranked.txt", ["newlib==2.0"])
    seed = tmp_path / "seed.json"
    # What the table said of baselib (here: released by ``shutdown``, which its source does not
    # say) is kept, the source is not read again, and the ranked subclass takes the seed's entry.
    seed.write_text(json.dumps({
        "sources": ["baselib-1.0"],
        "types": {"baselib.Client": {
            "close": "shutdown", "awaited": True, "lazy": False, "ends": [], "given": [], "rule": "owner", "source": "baselib-1.0",
        }},
        "makers": {"baselib.Pool.acquire": {"returns": "baselib.Client", "async": True, "by_name": False, "source": "baselib-1.0"}},
        "returns": {},
        "holders": {"baselib.Keeper": {"close": "close", "awaited": True, "given": [["c", 0]], "source": "baselib-1.0"}},
    }), encoding="utf-8")
    out = tmp_path / "table.json"
    assert gen.main([
        "--out", str(out), "--src", str(src), "--list", str(first), "--ranked-list", str(later), "--seed-table", str(seed),
    ]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["sources"] == ["baselib-1.0", "newlib-2.0"]
    assert {name: (e["close"], e["rule"], e["source"]) for name, e in document["types"].items()} == {
        "baselib.Client": ("shutdown", "owner", "baselib-1.0"),
        "newlib.Derived": ("shutdown", "subclass", "newlib-2.0"),
    }
    assert document["makers"] == {"baselib.Pool.acquire": {"returns": "baselib.Client", "async": True, "by_name": False, "source": "baselib-1.0"}}
    assert list(document["holders"]) == ["baselib.Keeper"]
