"""Session 61 (branch ``s61-lazy``): a value that holds nothing because nothing ever opens it
(issue 28, TRD2 precision; haileyok/victrola ``test_images.py:49``, development pool 59).

A first-party class whose ``__init__`` makes only lazy library clients (``self._http =
httpx.AsyncClient()``: :attr:`ResourceSpec.lazy`, as the library table says) was taken as holding
them from its construction: :func:`.unopened.opening_methods` gave up on any class that makes a
client in ``__init__``, and an instance whose only use is a method that never touches the client
(``oai._convert_messages(conv)``) was reported as leaking it.

Principle: a value of a type that acquires only where a method opens it holds nothing until that
method (or a use that opens it) runs on it. For a lazy client made in ``__init__`` the opening
methods are those whose use of ``self.<client>`` opens it (a request, entering it, handing it
on, any use the library rule does not exempt), and every method that reaches one of those on
``self``; a creation from which no use reaches an opening method (in its function, or, kept on
``self``, in any method of the holder's family or any reader of the attribute) is no leak.

Twins (stay reported): the instance sends a request, is lent to an awaited call, has its client
reached into or entered; a class whose ``__init__`` already uses the client, starts a task or
hands the instance on; a holder attribute that a method of its owner sends through. Read only for
a holder (a class with no release of its own): a resource type, with a release, stays held from
its construction as the model already says (a labelled TP of that shape: see the test).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

HOLDER = """\
import httpx


class Api:
    def __init__(self, url):
        self._url = url
        self._http = httpx.AsyncClient(timeout=30)

    def build(self, body):
        return {"url": self._url, "body": body}

    async def _post(self, body):
        resp = await self._http.post(self._url, json=self.build(body))
        return resp.json()

    async def send(self, body):
        return await self._post(body)


async def convert_only(body):
    api = Api("http://x")
    return api.build(body)


async def sends(body):
    api = Api("http://x")
    return await api.send(body)


async def reaches_in(body):
    api = Api("http://x")
    await api._http.get("/")


class Service:
    def __init__(self):
        self.api = Api("http://x")
        self.other = Api("http://y")

    def describe(self):
        return self.api.build({})

    async def push(self, body):
        return await self.other.send(body)

    async def stop(self):
        pass
"""


def test_a_holder_of_lazy_clients_that_no_use_opens_holds_nothing(tmp_path: Path) -> None:
    # ``convert_only`` (21) and ``self.api`` (37, only ``build()``) are silent; a request made
    # through ``send()`` -> ``_post()`` (26, 38) and a reach into the client (31) open it.
    assert source_findings(tmp_path, HOLDER, "TRD2") == [
        "7:9 TRD202 `self._http` is never closed; add a `close()` method that calls its `aclose()`",
        "26:5 TRD201 `Api(...)` never closes its `self._http`; give the class an async `close()`, call it",
        "31:5 TRD201 `Api(...)` never closes its `self._http`; give the class an async `close()`, call it",
        "38:9 TRD202 `self.other` holds a `self._http` that nothing closes, and `stop()` cannot end it; "
        "give `Api` a `close()` that closes it and call it from `stop()`",
    ]


RESOURCE = """\
import httpx


class Api:
    def __init__(self, url):
        self._url = url
        self._http = httpx.AsyncClient(timeout=30)

    def build(self, body):
        return {"url": self._url, "body": body}

    async def send(self, body):
        resp = await self._http.post(self._url, json=self.build(body))
        return resp.json()

    async def close(self):
        await self._http.aclose()


async def convert_only(body):
    api = Api("http://x")
    return api.build(body)


async def sends(body):
    api = Api("http://x")
    return await api.send(body)


async def entered(body):
    api = Api("http://x")
    async with api._http:
        pass


class Service:
    def __init__(self):
        self.api = Api("http://x")
        self.other = Api("http://y")

    def describe(self):
        return self.api.build({})

    async def push(self, body):
        return await self.other.send(body)
"""


def test_a_resource_type_with_a_release_of_its_own_stays_held_from_construction(tmp_path: Path) -> None:
    # With a release of its own the class is a resource type, which the model holds from its
    # construction (``_held_lazily``): every instance is reported, opened or not (21, 38 too).
    # Not extended this session: a labelled TP of the development pool (elastic/connectors
    # ``job_cleanup.py:30``, an ``ESManagementClient`` never used) is of this shape.
    assert source_findings(tmp_path, RESOURCE, "TRD2") == [
        "21:5 TRD201 `api` (`Api(...)`) is never closed; call `await api.close()` in a `finally`",
        "26:5 TRD201 `api` (`Api(...)`) is never closed; call `await api.close()` in a `finally`",
        "31:5 TRD201 `api` (`Api(...)`) is never closed; call `await api.close()` in a `finally`",
        "38:9 TRD202 `self.api` is never closed; add a `close()` method that calls its `close()`",
        "39:9 TRD202 `self.other` is never closed; add a `close()` method that calls its `close()`",
    ]


OPENED = """\
import asyncio

import httpx


class Api:
    def __init__(self, url):
        self._url = url
        self._http = httpx.AsyncClient(timeout=30)

    def build(self, body):
        return {"url": self._url, "body": body}

    async def send(self, body):
        resp = await self._http.post(self._url, json=self.build(body))
        return resp.json()


class Warmed:
    def __init__(self, url):
        self._http = httpx.AsyncClient(base_url=url)
        self._http.headers["x"] = "y"

    def label(self):
        return "warmed"


class Ticking:
    def __init__(self, url):
        self._http = httpx.AsyncClient(base_url=url)
        self._task = asyncio.create_task(self._tick())

    async def _tick(self):
        await self._http.get("/")

    def label(self):
        return "ticking"


async def probe(api):
    return await api.send({})


async def lent():
    api = Api("http://x")
    return await probe(api)


async def entered():
    api = Api("http://x")
    async with api._http:
        return api.build({})


async def warmed():
    client = Warmed("http://x")
    return client.label()


async def ticking():
    client = Ticking("http://x")
    return client.label()


class Holder:
    def __init__(self):
        self.api = Api("http://x")

    async def stop(self):
        pass


async def through_a_holder(holder):
    return await holder.api.send({})
"""


def test_opened_ones_stay_reported(tmp_path: Path) -> None:
    # Lent to an awaited call (45), its client entered (50), a class whose ``__init__`` uses the
    # client (56) or starts a task (61), a public holder attribute another function sends
    # through (67): each may open what it holds.
    assert source_findings(tmp_path, OPENED, "TRD2") == [
        "9:9 TRD202 `self._http` is never closed; add a `close()` method that calls its `aclose()`",
        "21:9 TRD202 `self._http` is never closed; add a `close()` method that calls its `aclose()`",
        "30:9 TRD202 `self._http` is never closed; add a `close()` method that calls its `aclose()`",
        "45:5 TRD201 `Api(...)` never closes its `self._http`; give the class an async `close()`, call it",
        "50:5 TRD201 `Api(...)` never closes its `self._http`; give the class an async `close()`, call it",
        "56:5 TRD201 `Warmed(...)` never closes its `self._http`; give the class an async `close()`, call it",
        "61:5 TRD201 `Ticking(...)` never closes its `self._http`; give the class an async `close()`, call it",
        "67:9 TRD202 `self.api` holds a `self._http` that nothing closes, and `stop()` cannot end it; "
        "give `Api` a `close()` that closes it and call it from `stop()`",
    ]


HANDED_SELF = """\
import httpx


class Api:
    def __init__(self, url):
        self._url = url
        self._http = httpx.AsyncClient(timeout=30)

    def attach(self, bus):
        bus.register(self)

    def build(self, body):
        return {"url": self._url, "body": body}

    async def send(self, body):
        resp = await self._http.post(self._url, json=self.build(body))
        return resp.json()


async def attached(bus):
    api = Api("http://x")
    api.attach(bus)


async def built(body):
    api = Api("http://x")
    return api.build(body)


REGISTRY = []


class Registered:
    def __init__(self, url):
        self._http = httpx.AsyncClient(base_url=url)
        REGISTRY.append(self)

    def label(self):
        return "registered"


async def registered():
    client = Registered("http://x")
    return client.label()
"""


def test_a_method_that_hands_the_instance_on_opens_it(tmp_path: Path) -> None:
    # ``attach()`` gives the instance to a bus that may send through it (21); ``build()`` alone
    # (26) opens nothing; an ``__init__`` that hands the instance on opens it as it is made (43).
    assert source_findings(tmp_path, HANDED_SELF, "TRD2") == [
        "7:9 TRD202 `self._http` is never closed; add a `close()` method that calls its `aclose()`",
        "21:5 TRD201 `Api(...)` never closes its `self._http`; give the class an async `close()`, call it",
        "43:5 TRD201 `Registered(...)` never closes its `self._http`; give the class an async `close()`, call it",
    ]
