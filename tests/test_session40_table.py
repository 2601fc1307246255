"""Session 40 (issue 28): why the library table missed classes of libraries it already read, and
the two general readings of ``scripts/make_resource_table.py`` that fix it, each on a small
made-up library beside its negative twin:

- **a re-export through a private package**: ``azure.identity.aio.CertificateCredential`` is bound
  by ``aio/__init__`` to ``aio._credentials.CertificateCredential``, which ``_credentials/__init__``
  binds to the class in ``_credentials/certificate.py``. The private package's ``__init__`` was
  not read at all, so the chain broke there and only the private path was entered; it is now a
  link that is followed (never a name entered itself);
- **an acquisition through a decorator**: matrix-nio's ``AsyncClient`` makes its
  ``aiohttp.ClientSession`` in the wrapper of a decorator of its module (``@client_session``:
  ``self.client_session = ClientSession(...)``) and closes it in ``close()``; what a decorator's
  wrapper stores on the instance it is called with is acquired by the class in the decorated
  method, and the owner rule judges it as it judges the method's own ``self.<attr> = ...``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_resource_table as gen

CREDS = {
    "credlib/__init__.py": "",
    "credlib/aio/__init__.py": "from ._credentials import CertCredential, PlainCredential\n",
    "credlib/aio/_credentials/__init__.py": (
        "from .certificate import CertCredential\n"
        "from .plain import PlainCredential\n"
    ),
    "credlib/aio/_credentials/certificate.py": '''\
import aiohttp


class CertCredential:
    def __init__(self, cert):
        self._session = aiohttp.ClientSession()

    async def close(self):
        await self._session.close()
''',
    # The twin: re-exported by the same chain, but it holds nothing and has no release.
    "credlib/aio/_credentials/plain.py": '''\
class PlainCredential:
    def __init__(self, token):
        self._token = token

    async def close(self):
        pass
''',
}

MATRIX = {
    "matrixlib/__init__.py": "from .client import *\n",
    "matrixlib/client/__init__.py": "from .async_client import AsyncClient, Peeker, Keeper\n",
    "matrixlib/client/async_client.py": '''\
from functools import wraps

from aiohttp import ClientSession


def client_session(func):
    """Ensure that the client has a session."""

    @wraps(func)
    async def wrapper(self, *args, **kwargs):
        if not self.client_session:
            self.client_session = ClientSession()
        return await func(self, *args, **kwargs)

    return wrapper


def logged(func):
    @wraps(func)
    async def wrapper(self, *args, **kwargs):
        self.last_call = dict(name=func.__name__)
        return await func(self, *args, **kwargs)

    return wrapper


class AsyncClient:
    def __init__(self, homeserver):
        self.homeserver = homeserver
        self.client_session = None

    @client_session
    async def send(self, method, path):
        return await self.client_session.request(method, self.homeserver + path)

    async def close(self):
        if self.client_session:
            await self.client_session.close()
            self.client_session = None


class Peeker:
    """The twin: its decorator stores a plain dict, not a resource."""

    def __init__(self):
        self.last_call = None

    @logged
    async def peek(self):
        return self.last_call

    async def close(self):
        self.last_call = None


class Keeper:
    """The other twin: the session is made by the same decorator, but the class has no release
    of it (it is never closed by the class's own code): not a resource the library says ends."""

    def __init__(self):
        self.client_session = None

    @client_session
    async def send(self):
        return await self.client_session.get("/")
''',
}


def _write(folder: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_class_re_exported_through_a_private_package_is_entered_by_its_public_name(tmp_path: Path) -> None:
    folder = tmp_path / "credlib-1.0"
    _write(folder, CREDS)
    found = gen.generate([folder])
    assert sorted(found) == [
        "credlib.aio.CertCredential",
        "credlib.aio._credentials.certificate.CertCredential",
    ]
    entry = found["credlib.aio.CertCredential"]
    assert (entry.close, entry.awaited, entry.rule) == ("close", True, "owner")
    # The private package's own name is a link, never an entry; the twin is absent by every name.
    assert "credlib.aio._credentials.CertCredential" not in found
    assert not any(name.endswith("PlainCredential") for name in found)


def test_without_the_private_link_only_the_private_path_is_entered(tmp_path: Path) -> None:
    """The same library with the private package's ``__init__`` binding nothing (the public
    package imports the module directly): the public name is entered as before, by the public
    ``__init__``'s own binding, so the link changes nothing where there is none."""
    files = dict(CREDS)
    files["credlib/aio/__init__.py"] = "from ._credentials.certificate import CertCredential\n"
    files["credlib/aio/_credentials/__init__.py"] = ""
    folder = tmp_path / "credlib-1.0"
    _write(folder, files)
    assert sorted(gen.generate([folder])) == [
        "credlib.aio.CertCredential",
        "credlib.aio._credentials.certificate.CertCredential",
    ]


def test_a_resource_a_decorator_stores_on_the_instance_is_the_class_s_when_it_releases_it(tmp_path: Path) -> None:
    folder = tmp_path / "matrixlib-1.0"
    _write(folder, MATRIX)
    found = gen.generate([folder])
    assert sorted(found) == [
        "matrixlib.AsyncClient",
        "matrixlib.client.AsyncClient",
        "matrixlib.client.async_client.AsyncClient",
    ]
    entry = found["matrixlib.AsyncClient"]
    # Made on the first request, not by the constructor: lazy.
    assert (entry.close, entry.awaited, entry.lazy, entry.rule) == ("close", True, True, "owner")


def test_decorated_acquisitions_read_the_wrapper_s_stores_only(tmp_path: Path) -> None:
    folder = tmp_path / "matrixlib-1.0"
    _write(folder, MATRIX)
    project = gen.WheelProject([folder], module_budget=None)
    path = folder / "matrixlib/client/async_client.py"
    module = project.module_at(path)
    assert module is not None
    by_class = {
        node.name: [(a.attr, a.ref, a.method) for a in gen.decorated_acquisitions(module, node)]
        for node in module.tree.body
        if isinstance(node, ast.ClassDef)
    }
    assert by_class == {
        "AsyncClient": [("client_session", ("qualified", "aiohttp.ClientSession"), "send")],
        "Peeker": [],  # ``dict(...)`` is no class the module defines or imports
        "Keeper": [("client_session", ("qualified", "aiohttp.ClientSession"), "send")],
    }
