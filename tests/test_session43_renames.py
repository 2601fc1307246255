"""Session 43: a test's parameter named like a pytest fixture of its module is what the fixture
returns or yields, for the rename rules (crytic/slither ``12682c30``: ``def test_read_storage(web3,
ganache)`` with ``@pytest.fixture(name="web3")`` returning a ``Web3``)."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.conftest import rename_run

SOURCE = '''\
import pytest
from web3 import Web3


@pytest.fixture(scope="module", name="web3")
def fixture_web3():
    w3 = Web3(Web3.HTTPProvider("http://localhost:8545"))
    return w3


@pytest.fixture
def node():
    yield Web3(Web3.HTTPProvider("http://localhost:8545"))


def test_read(web3, node):
    assert web3.isConnected()
    assert node.isConnected()


class TestChain:
    def test_connected(self, web3):
        assert web3.isConnected()


@pytest.mark.parametrize("web3", [None])
def test_parametrized(web3):
    assert web3.isConnected()


def helper(web3):
    return web3.isConnected()


class Chain:
    def test_like(self, web3):
        return web3.isConnected()
'''


def test_fixture_parameters_are_typed_by_what_the_fixture_returns_or_yields(tmp_path: Path) -> None:
    proc = rename_run(tmp_path, "web3-v6", {"test_chain.py": SOURCE})
    assert proc.stdout.splitlines()[:-1] == [
        "test_chain.py:17:12: TRD401 [*] `web3.isConnected` was renamed: use `is_connected`",
        "test_chain.py:18:12: TRD401 [*] `node.isConnected` was renamed: use `is_connected`",
        "test_chain.py:23:16: TRD401 [*] `web3.isConnected` was renamed: use `is_connected`",
    ]
    assert proc.returncode == 1


def _api(root: Path, files: dict[str, str]) -> object:
    import make_rename_pack as gen

    for rel, text in files.items():
        path = root / "codec_lib" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return gen.read_api(root, ["codec_lib"])


CODEC_OLD = '''\
import warnings


class Codec:
    def encode(self, types, args): ...

    def encode_abi(self, types, args):
        warnings.warn("encode_abi() is deprecated in favor of encode()", DeprecationWarning)
        return self.encode(types, args)

    def helper(self): ...


default_codec = Codec()
encode = default_codec.encode
encode_abi = default_codec.encode_abi
helper = default_codec.helper
'''
CODEC_NEW = '''\
class Codec:
    def encode(self, types, args): ...


default_codec = Codec()
encode = default_codec.encode
'''


def test_the_generator_follows_module_names_bound_to_a_renamed_method(tmp_path: Path) -> None:
    # eth-abi 3 -> 4: ``encode_abi = default_codec.encode_abi`` is gone with the method it was bound
    # to; the new version binds ``encode`` to the method's successor on the same object. A name
    # bound to a method removed with no successor (``helper``) stays a removal.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import make_rename_pack as gen

    old = _api(tmp_path / "old", {"__init__.py": CODEC_OLD})
    new = _api(tmp_path / "new", {"__init__.py": CODEC_NEW})
    changes = gen.compare(old, new)  # type: ignore[arg-type]
    assert sorted((c.owner, c.old, c.new) for c in changes) == [
        ("codec_lib", "encode_abi", "encode"),
        ("codec_lib", "helper", None),
        ("codec_lib.Codec", "encode_abi", "encode"),
        ("codec_lib.Codec", "helper", None),
    ]
