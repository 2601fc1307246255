"""``benchmarks/audit_packs.py`` on two versions of a small library written here (no network), and
the coverage each shipped pack records from the real audit."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

import pytest

from tradelint.core.rename_packs import available_packs, load_pack
from tests.test_rename_history import write

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import audit_packs  # noqa: E402

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

OLD = {
    "__init__.py": "from chain.main import Chain, connect\n",
    "main.py": '''\
from chain.utils import deprecated_for


class Provider:
    def isConnected(self): ...
    def is_connected(self): ...


class Chain(Provider):
    def __init__(self):
        self.web3 = None

    @deprecated_for("keccak")
    def sha3(self, text): ...

    def keccak(self, text): ...

    getBalance = DeprecatedMethod(get_balance, "getBalance", "get_balance")

    def get_balance(self): ...

    def retired(self): ...


def connect(url): ...
''',
}

NEW = {
    "__init__.py": "from chain.main import Chain, connect_to\n",
    "main.py": '''\
import warnings


class Provider:
    def is_connected(self): ...


class Chain(Provider):
    def __init__(self):
        self.w3 = None

    def keccak(self, text): ...

    def get_balance(self): ...

    def dict(self):
        warnings.warn("The `dict` method is deprecated; use `model_dump` instead.", DeprecationWarning)

    def model_dump(self): ...


def connect_to(url): ...
''',
}


def surface(tmp_path: Path, name: str, files: dict[str, str]) -> audit_packs.Surface:
    site = tmp_path / name / "site-packages"
    for rel, text in files.items():
        write(site / "chain" / rel, text)
    return audit_packs.read_surface(site, "chain")


def test_compare_lists_renames_disappearances_and_deprecations(tmp_path: Path) -> None:
    changes = audit_packs.compare(surface(tmp_path, "old", OLD), surface(tmp_path, "new", NEW))
    found = sorted((c.kind, c.label(), c.message) for c in changes)
    assert found == [
        ("disappeared", "Chain.retired", None),
        ("renamed", "Chain.getBalance -> get_balance", 'DeprecatedMethod(get_balance, \'getBalance\', \'get_balance\')'),
        ("renamed", "Chain.isConnected -> is_connected", None),
        ("renamed", "Chain.sha3 -> keccak", "keccak"),
        ("renamed", "Chain.web3 -> w3", None),
        ("renamed", "Provider.isConnected -> is_connected", None),
        ("renamed", "chain.connect -> connect_to", None),
        ("renamed", "chain.main.connect -> connect_to", None),
    ]


def test_deprecated_in_the_new_version_names_its_replacement(tmp_path: Path) -> None:
    old = {**OLD, "main.py": OLD["main.py"] + "\n\nclass Model:\n    def dict(self): ...\n    def model_dump(self): ...\n"}
    new = dict(NEW)
    new["main.py"] = NEW["main.py"] + '''

class Model:
    def dict(self):
        warnings.warn("The `dict` method is deprecated; use `model_dump` instead.", DeprecationWarning)

    def model_dump(self): ...
'''
    changes = audit_packs.compare(surface(tmp_path, "old", old), surface(tmp_path, "new", new))
    deprecated = [(c.label(), c.message) for c in changes if c.kind == "deprecated" and c.owner == "Model"]
    assert deprecated == [("Model.dict -> model_dump", "The `dict` method is deprecated; use `model_dump` instead.")]


@pytest.mark.parametrize("name", sorted(available_packs()))
def test_every_pack_records_its_audit(name: str) -> None:
    text = resources.files("tradelint").joinpath("packs", f"{name}.toml").read_text(encoding="utf-8")
    audit = tomllib.loads(text)["audit"]
    assert {"old", "new"} <= set(audit)
    pack = load_pack(name)
    # Written by `audit_packs.py --record`: every pack, ccxt's too (scope = "module-names").
    assert 0 <= audit["covered"] <= audit["to-cover"] <= audit["disappeared"] + audit["deprecated"]
    assert len(audit["uncovered"]) == audit["to-cover"] - audit["covered"]
    entries = {(owner.rpartition(".")[2], e.old) for e in pack.entries for owner in e.owners}
    for label in audit["uncovered"]:
        owner, _, old = label.partition(" -> ")[0].rpartition(".")
        assert (owner.rpartition(".")[2], old) not in entries, label


EXCHANGES_OLD = {
    "__init__.py": "from exch.okx import okx\nfrom exch.okex import okex\nfrom exch.ndax import ndax\n",
    "okx.py": "class okx:\n    def describe(self): ...\n",
    # An alias of an alias, both gone in the new version: okex5 -> okex -> okx.
    "okex.py": "from exch.okx import okx\n\n\nclass okex(okx):\n    def describe(self):\n"
               "        return {'id': 'okex', 'alias': True}\n",
    "okex5.py": "from exch.okex import okex\n\n\nclass okex5(okex):\n    def describe(self):\n"
                "        return {'id': 'okex5', 'alias': True}\n",
    "ndax.py": "class ndax:\n    pass\n",
    # A white-label exchange with its own urls: gone, but not renamed to its base.
    "flowbtc.py": "from exch.ndax import ndax\n\n\nclass flowbtc(ndax):\n    def describe(self):\n"
                  "        return {'id': 'flowbtc', 'urls': {}}\n",
    # Shares letters with a new exchange: two exchanges, not a rename.
    "currencycom.py": "class currencycom:\n    pass\n",
    # An empty subclass is an alias too.
    "huobi.py": "from exch.okx import okx\n\n\nclass huobi(okx):\n    \"\"\"Renamed.\"\"\"\n",
}
EXCHANGES_NEW = {
    "__init__.py": "from exch.okx import okx\nfrom exch.ndax import ndax\n",
    "okx.py": "class okx:\n    def describe(self): ...\n",
    "ndax.py": "class ndax:\n    pass\n",
    "cryptomus.py": "class cryptomus:\n    pass\n",
}


def test_module_names_scope_reads_top_level_names_and_alias_classes(tmp_path: Path) -> None:
    sites = {}
    for name, files in (("old", EXCHANGES_OLD), ("new", EXCHANGES_NEW)):
        sites[name] = tmp_path / name / "site-packages"
        for rel, text in files.items():
            write(sites[name] / "exch" / rel, text)
    old = audit_packs.read_module_names(sites["old"], ["exch"])
    assert old.classes == {}  # no class body is read
    assert sorted(old.modules["exch"]) == ["currencycom", "flowbtc", "huobi", "ndax", "okex", "okex5", "okx"]
    changes = audit_packs.compare_module_names(old, audit_packs.read_module_names(sites["new"], ["exch"]), sites["old"])
    assert sorted((c.kind, c.label(), c.message) for c in changes) == [
        ("disappeared", "exch.currencycom", None),
        ("disappeared", "exch.flowbtc", None),
        ("renamed", "exch.huobi -> okx", None),
        ("renamed", "exch.okex -> okx", "'alias': True"),
        ("renamed", "exch.okex5 -> okx", "'alias': True"),
    ]


# What maintainers' migration commits changed (benchmarks/MIGRATIONS.md) and the audits listed.
HIT_BY_TEAMS = {
    "web3-v6": {("ens.ENS", "fromWeb3"), ("web3.Web3", "sha3"), ("web3.Web3", "soliditySha3"),
                ("web3.Web3", "isConnected"), ("web3.Web3", "toChecksumAddress"), ("web3.Web3", "isChecksumAddress"),
                ("web3.eth.Eth", "getTransactionCount"), ("web3.Web3", "clientVersion")},
    "eth-account-0.13": {("eth_account.datastructures.SignedTransaction", "rawTransaction")},
    "eth-abi-4": {("eth_abi", "decode_single"), ("eth_abi", "encode_abi")},
    "numpy-2": {("numpy", "NaN"), ("numpy", "NAN"), ("numpy", "Inf"), ("numpy", "float_")},
    "pandas-2": {("pandas.Series", "iteritems"), ("pandas.Series", "is_monotonic")},
    "ccxt-exchange-ids": {("ccxt", "okex"), ("ccxt.async_support", "mexc3"), ("ccxt", "hitbtc3"), ("ccxt", "bitcoincom")},
}


@pytest.mark.parametrize("name", sorted(HIT_BY_TEAMS))
def test_names_teams_hit_are_in_the_packs(name: str) -> None:
    pack = load_pack(name)
    entries = {(owner, e.old) for e in pack.entries for owner in e.owners}
    assert HIT_BY_TEAMS[name] <= entries, HIT_BY_TEAMS[name] - entries
