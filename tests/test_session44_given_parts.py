"""Session 44 (lead): a first-party class whose ``__init__`` wraps what it is given in a library
resource type that makes its own part only when given none (the regenerated table's part rule:
kubernetes_asyncio's ``CustomObjectsApi(api_client=None)`` makes an ``ApiClient`` when given none).

``self.custom_api = client.CustomObjectsApi(api_client)`` with ``api_client`` a parameter keeps the
caller's client: an instance holds a resource of its own only when a caller hands it one made for
it (``Higress(client.ApiClient(config))``), as ``ResourceSpec.takes`` says. Before this, every
``Higress(api_client)`` of a shared client was reported (gpustack/gpustack ``ca76943c``'s
``NetworkingHigressIoV1Api(api_client)``, two false findings in the session 44 pool); the twin
that makes the client in ``__init__`` (``Owned``) and the caller that hands over a new one are
still reported. A library wrapper given a client made for it (``CustomObjectsApi(ApiClient(config))``)
holds it as its part: a creation of the wrapper (``Owned``'s TRD202, MatterMiners/tardis
``13546c79``'s ``self._client = AppsV1Api(ApiClient(cfg))``), released through it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

API = """\
from kubernetes_asyncio import client


class Higress:
    def __init__(self, api_client: client.ApiClient):
        self.custom_api = client.CustomObjectsApi(api_client)

    async def get(self, name):
        return await self.custom_api.get_cluster_custom_object("g", "v1", "p", name)


class Owned:
    def __init__(self, config):
        self.custom_api = client.CustomObjectsApi(client.ApiClient(config))

    async def get(self, name):
        return await self.custom_api.get_cluster_custom_object("g", "v1", "p", name)
"""

MAIN = """\
from kubernetes_asyncio import client

from app.api import Higress, Owned


async def shared(api_client: client.ApiClient):
    api = Higress(api_client)
    return await api.get("a")


async def own(config):
    api = Owned(config)
    return await api.get("a")


async def fresh(config):
    api = Higress(client.ApiClient(config))
    return await api.get("a")
"""


GIVEN = """\
from kubernetes_asyncio import client


class Site:
    def __init__(self, configuration, api_client=None):
        self.configuration = configuration
        self._client = None
        self._shared = client.AppsV1Api(api_client) if api_client is not None else None

    @property
    def client(self):
        if self._client is None:
            self._client = client.AppsV1Api(client.ApiClient(self.configuration))
        return self._client
"""


def test_a_library_wrapper_given_a_client_made_for_it_holds_it(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, {"site.py": GIVEN}, "TRD2") == [
        "site.py:13:13 TRD202 `self._client` is never closed; add a `close()` method that calls its `api_client.close()`",
    ]


def test_a_wrapper_of_the_given_client_holds_one_only_when_handed_a_new_one(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/api.py": API, "app/main.py": MAIN}
    assert tree_findings(tmp_path, files, "TRD2") == [
        "api.py:14:9 TRD202 `self.custom_api` is never closed; add a `close()` method that calls its `api_client.close()`",
        "main.py:12:5 TRD201 `Owned(...)` never closes its `self.custom_api`; give the class an async `close()`, call it",
        "main.py:17:5 TRD201 `Higress(...)` never closes its `self.custom_api`; give the class an async `close()`, call it",
    ]
