"""Session 43: a test's parameter named like a pytest fixture of its module is what the fixture
returns or yields, for the rename rules (crytic/slither ``12682c30``: ``def test_read_storage(web3,
ganache)`` with ``@pytest.fixture(name="web3")`` returning a ``Web3``)."""

from __future__ import annotations

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
