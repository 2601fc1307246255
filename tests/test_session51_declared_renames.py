"""Session 51 (issue 28 point 7, receivers typed through attributes): a class that declares
``w3: Web3`` in its body and binds it in ``__init__`` from a helper of its own whose code says
nothing of its type is a ``Web3`` there, as a type checker reads it, so a name web3.py 6 renamed
is flagged on it. Twins: no declaration (an unproven receiver: no finding), and a store whose
value is proven another class (the declaration and the value disagree: no finding)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import rename_run

BOT = '''\
from web3 import Web3

from .chain import connect


class Other:
    def isConnected(self) -> bool:
        return True


class Bot:
    {declaration}

    def __init__(self, url: str) -> None:
        self.w3 = {value}

    def ready(self) -> bool:
        return self.w3.isConnected()
'''


def _run(tmp_path: Path, declaration: str, value: str = "connect(url)") -> list[str]:
    done = rename_run(tmp_path, "web3-v6", {"bot.py": BOT.format(declaration=declaration, value=value)})
    return [line for line in done.stdout.splitlines() if "TRD401" in line]


def test_a_declared_attribute_bound_from_an_untyped_helper_is_its_declared_class(tmp_path: Path) -> None:
    assert _run(tmp_path, "w3: Web3") == [
        "bot.py:18:16: TRD401 [*] `self.w3.isConnected` was renamed: use `is_connected`",
    ]


def test_without_a_declaration_the_receiver_is_unproven(tmp_path: Path) -> None:
    assert _run(tmp_path, "pass") == []


def test_a_value_proven_another_class_leaves_the_receiver_unknown(tmp_path: Path) -> None:
    assert _run(tmp_path, "w3: Web3", value="Other()") == []
