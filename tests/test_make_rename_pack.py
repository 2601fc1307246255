"""``scripts/make_rename_pack.py`` on two versions of a small library written here (no network):
each kind of evidence pairs a removed name with its successor, and each guard keeps a wrong pair out."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.test_rename_history import write

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_rename_pack as gen

OLD = {
    "__init__.py": "from chain.main import Chain, connect, connectTo, LIMIT\n",
    "main.py": '''\
import warnings

LIMIT = 3
_MSG = "`old_dump` is deprecated; use `dump` instead."


def deprecated_for(name):
    return lambda f: f


class Chain:
    def __init__(self):
        self.web3 = None

    @deprecated_for("keccak")
    def sha3(self, text): ...

    def keccak(self, text): ...

    getBalance = DeprecatedMethod(get_balance, "getBalance", "get_balance")

    def get_balance(self, who): ...

    def set_values_dict(self, values): ...

    def sign(self, data): ...

    def hashOf(self, value): ...


def connect(url): ...


def connectTo(url, timeout): ...


class Dataclass:
    x: int
''',
}
NEW = {
    "__init__.py": "from chain.main import Chain, connect_to, Limit\n",
    "main.py": '''\
import warnings

_MSG = "`old_dump` is deprecated; use `dump` instead."


class Chain:
    def __init__(self):
        self.w3 = None

    def keccak(self, text): ...

    def get_balance(self, who): ...

    def get_values_dict(self, values): ...

    def sign(self, data):
        warnings.warn("sign is deprecated in favor of sign_message", DeprecationWarning)
        return self.sign_message(data)

    def sign_message(self, data): ...

    def hash_of(self, value): ...


def connect_to(url, timeout): ...


def Limit(): ...


def dataclass(cls): ...
''',
}


def api(tmp_path: Path, name: str, files: dict[str, str]) -> gen.API:
    root = tmp_path / name
    for rel, text in files.items():
        write(root / "chain" / rel, text)
    return gen.read_api(root, ["chain"])


def test_each_kind_of_evidence_pairs_and_each_guard_holds(tmp_path: Path) -> None:
    changes = gen.compare(api(tmp_path, "old", OLD), api(tmp_path, "new", NEW))
    found = sorted((c.owner, c.old, c.new, c.still_there) for c in changes)
    assert found == [
        ("chain", "LIMIT", None, False),  # a constant does not become a function
        ("chain", "connect", None, False),
        ("chain", "connectTo", "connect_to", False),  # the same name in another spelling
        ("chain.main", "Dataclass", None, False),  # a class does not become a function
        ("chain.main", "LIMIT", None, False),
        ("chain.main", "connect", None, False),
        ("chain.main", "connectTo", "connect_to", False),
        ("chain.main", "deprecated_for", None, False),
        ("chain.main.Chain", "getBalance", "get_balance", False),  # DeprecatedMethod(...)
        ("chain.main.Chain", "hashOf", "hash_of", False),
        ("chain.main.Chain", "set_values_dict", None, False),  # get/set: opposite words
        ("chain.main.Chain", "sha3", "keccak", False),  # @deprecated_for("keccak")
        ("chain.main.Chain", "sign", "sign_message", True),  # a shim in the new version
        ("chain.main.Chain", "web3", None, False),  # `w3`: too few letters in common to guess
    ]


def test_a_table_of_retired_names_gives_the_successor_and_its_advice(tmp_path: Path) -> None:
    old = {"__init__.py": "NaN = float('nan')\nasfarray = None\n\ndef asarray(a): ...\n\nnan = NaN\n"}
    new = {
        "__init__.py": "def asarray(a): ...\n\nnan = float('nan')\n",
        "_expired.py": '__expired_attributes__ = {"NaN": "Use `np.nan` instead.", '
        '"asfarray": "Use `np.asarray` with a proper dtype instead."}\n',
    }
    changes = {c.old: c for c in gen.compare(api(tmp_path, "old", old), api(tmp_path, "new", new))}
    assert (changes["NaN"].new, changes["NaN"].note) == ("nan", None)
    assert (changes["asfarray"].new, changes["asfarray"].note) == (
        "asarray", "Use `np.asarray` with a proper dtype instead."
    )


def test_the_implementation_after_overload_stubs_is_read_not_the_first_stub(tmp_path: Path) -> None:
    # pydantic 2's ``root_validator`` (and a method the same way): ``@overload`` signatures come
    # first, and only the implementation's body warns. Reading the first stub found no deprecation.
    shim = '''\
    @{over}
    def {name}(*, pre: bool = False) -> object: ...

    @{over}
    def {name}(*args: object) -> object: ...

    def {name}(*args, pre=False):
        warnings.warn("`@{name}` is deprecated. Migrate to `@{new}`.", DeprecationWarning)
'''
    def body(over: str, indent: str) -> str:
        text = shim.format(over=over, name="root_check", new="model_check")
        return "\n".join(indent + line[4:] if line.strip() else "" for line in text.splitlines()) + "\n"

    old = {"__init__.py": "def root_check(*args, pre=False): ...\n\nclass Model:\n    def check(self): ...\n"}
    new = {
        "__init__.py": "import typing\nimport warnings\nfrom typing import overload\n\n"
        + body("overload", "")
        + "\ndef model_check(*args, mode='after'): ...\n\nclass Model:\n"
        + body("typing.overload", "    ").replace("root_check", "check").replace("model_check", "validate")
        + "\n    def validate(self): ...\n",
    }
    changes = sorted((c.owner, c.old, c.new, c.still_there)
                     for c in gen.compare(api(tmp_path, "old", old), api(tmp_path, "new", new)))
    assert changes == [
        ("chain", "root_check", "model_check", True),
        ("chain.Model", "check", "validate", True),
    ]


def test_overload_stubs_alone_still_define_the_name(tmp_path: Path) -> None:
    # A stub file (or a protocol) with only ``@overload`` signatures still has the name.
    stubs = "from typing import overload\n\n@overload\ndef get(x: int) -> int: ...\n\n@overload\ndef get(x: str) -> str: ...\n"
    found = gen.read_api(_written(tmp_path, stubs), ["chain"])
    assert "get" in found._top_level("chain")


def _written(tmp_path: Path, init: str) -> Path:
    write(tmp_path / "lib" / "chain" / "__init__.py", init)
    return tmp_path / "lib"
