"""Session 42: pydantic 2's ``root_validator`` (read past its ``@overload`` stubs by the pack
generator) and no automatic fix for an import whose pack entry carries a note."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import rename_run

SOURCE = '''\
from pydantic import BaseModel, root_validator, validator
import pydantic


class Pose(BaseModel):
    x: float

    @root_validator(pre=True)
    def check(cls, values):
        return values

    @pydantic.root_validator
    def check2(cls, values):
        return values
'''


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return rename_run(tmp_path, "pydantic-v2", {"models.py": SOURCE}, *args)


def test_root_validator_is_reported_with_its_note_and_no_fix(tmp_path: Path) -> None:
    proc = _run(tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "models.py:1:33: TRD401 `root_validator` from `pydantic` was renamed: import `model_validator` (see the note)",
        "models.py:1:49: TRD401 `validator` from `pydantic` was renamed: import `field_validator` (see the note)",
        "models.py:12:6: TRD401 `pydantic.root_validator` was renamed: use `model_validator` (see the note)",
        "Checked 1 file in 0.00s: 3 findings, none fixable.".replace("0.00s", proc.stdout.split(" in ")[1].split(":")[0]),
    ]


def test_fix_leaves_imports_whose_successor_needs_more_than_its_name(tmp_path: Path) -> None:
    # ``field_validator as validator`` would keep ``@validator("x", pre=True)`` and v1's
    # ``(cls, v, values)`` signature, which pydantic 2's field_validator rejects or misreads.
    _run(tmp_path, "--fix")
    assert (tmp_path / "models.py").read_text(encoding="utf-8") == SOURCE


BUILDER = '''\
import pydantic


class Submission(pydantic.BaseModel):
    title: str


@pydantic.dataclasses.dataclass
class IssueInfo:
    path: str
    submission: Submission = pydantic.Field(default=None)

    def create_submission(self):
        self.submission = Submission(title=self.path)
        return self

    def maybe(self, ok):
        if ok:
            return self
        return None


issue = IssueInfo(path="x").create_submission()
inputs = issue.submission.dict()
other = IssueInfo(path="x").maybe(True)
more = other.submission.dict()
'''


def test_a_method_that_returns_its_receiver_types_the_call(tmp_path: Path) -> None:
    # ProjectPythia's submission script: ``IssueInfo(...).create_submission()`` returns ``self``,
    # unannotated, so ``issue.submission`` is a pydantic model and ``.dict()`` was renamed. A
    # method that may return something else (``maybe``) types nothing.
    proc = rename_run(tmp_path, "pydantic-v2", {"submit.py": BUILDER})
    assert proc.stdout.splitlines()[:-1] == [
        "submit.py:24:10: TRD401 [*] `issue.submission.dict` was renamed: use `model_dump`",
    ]


def test_a_script_whose_name_is_no_identifier_resolves_its_own_classes(tmp_path: Path) -> None:
    # ``.github/workflows/collect-user-submission.py``: no import root gives it a dotted name,
    # but run as a script it is a module, and its classes type its receivers.
    proc = rename_run(tmp_path, "pydantic-v2", {".github/workflows/collect-user-submission.py": BUILDER})
    assert proc.stdout.splitlines()[:-1] == [
        ".github/workflows/collect-user-submission.py:24:10: TRD401 [*] `issue.submission.dict` was renamed: use `model_dump`",
    ]


def test_module_name_of_a_script_that_nothing_can_import() -> None:
    from tradelint.facts.module_paths import module_name_under

    root = Path("/repo")
    assert module_name_under("/repo/pkg/mod.py", [root]) == "pkg.mod"
    assert module_name_under("/repo/.github/workflows/run-it.py", [root, root / ".github" / "workflows"]) == "run-it"
    assert module_name_under("/repo/.github/workflows/run.it.py", [root, root / ".github" / "workflows"]) is None
    assert module_name_under("/repo/.github/workflows/run-it.py", [root]) is None


def test_an_import_from_a_module_the_new_version_removed(tmp_path: Path) -> None:
    # web3 7 removed ``web3.middleware.geth_poa``, where web3 6 defined the middleware that
    # ``web3.middleware`` re-exported: the import fails. Reported with the package to import the
    # new name from, and no automatic fix (renaming the name alone keeps the missing module).
    source = (
        "from web3.middleware.geth_poa import geth_poa_middleware\n"
        "from web3.middleware import geth_poa_middleware as poa\n"
        "from web3.middleware.signing import construct_sign_and_send_raw_middleware\n"
    )
    proc = rename_run(tmp_path, "web3-v7", {"chain.py": source}, "--fix")
    assert proc.stdout.splitlines()[:-1] == [
        "chain.py:1:38: TRD401 `geth_poa_middleware` from `web3...geth_poa` was renamed: import "
        "`ExtraDataToPOAMiddleware` from `web3.middleware` (`web3...geth_poa` is gone)",
    ]
    assert (tmp_path / "chain.py").read_text(encoding="utf-8") == source.replace(
        "import geth_poa_middleware as poa", "import ExtraDataToPOAMiddleware as poa"
    )


def test_the_generator_names_removed_modules_whose_names_a_package_re_exported(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import make_rename_pack as gen

    def api(name: str, files: dict[str, str]) -> object:
        for rel, text in files.items():
            path = tmp_path / name / "chain" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return gen.read_api(tmp_path / name, ["chain"])

    old = api("old", {
        "__init__.py": "",
        "middleware/__init__.py": "from .poa import poa_middleware, helper\nfrom .kept import other\n",
        "middleware/poa.py": "def poa_middleware(): ...\ndef helper(): ...\n",
        "middleware/kept.py": "def other(): ...\n",
    })
    new = api("new", {
        "__init__.py": "",
        "middleware/__init__.py": "from .proof import ExtraData\nfrom .kept import other\n",
        "middleware/proof.py": "class ExtraData: ...\n",
        "middleware/kept.py": "def other(): ...\n",
    })
    named = [("chain.middleware", "poa_middleware"), ("chain.middleware", "other")]
    assert gen.gone_modules(old, new, named) == {"chain.middleware.poa": "chain.middleware"}  # type: ignore[arg-type]


def test_importing_a_removed_module_itself(tmp_path: Path) -> None:
    # delvtech/agent0: ``from web3.middleware import geth_poa`` then ``geth_poa.geth_poa_middleware``.
    # The import of the module fails in web3 7; what the file reads of it names the successor. A
    # module of the package that is still there (``signing``) is nothing.
    source = (
        "from web3 import Web3\nfrom web3.middleware import geth_poa\nfrom web3.middleware import signing\n\n\n"
        "def make(w3: Web3) -> None:\n    w3.middleware_onion.inject(geth_poa.geth_poa_middleware, layer=0)\n"
    )
    proc = rename_run(tmp_path, "web3-v7", {"setup_web3.py": source}, "--fix")
    assert proc.stdout.splitlines()[:-1] == [
        "setup_web3.py:2:29: TRD401 `web3...geth_poa` is gone: `geth_poa.geth_poa_middleware` was renamed, "
        "import `ExtraDataToPOAMiddleware` from `web3.middleware`",
    ]
    assert (tmp_path / "setup_web3.py").read_text(encoding="utf-8") == source
