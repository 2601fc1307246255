"""TRD201's documentation of resources made by a library object's methods, and by the project's
makers that return them (moved out of :mod:`.unclosed_doc`, which includes it)."""

LIBRARY_MAKERS = """Methods of a library's objects make its resources too when its source says so: the table
also records the public methods of its public classes whose result is a new instance of
one of its resource types (272 methods of 109 libraries: a return annotation naming it,
`Optional[...]` or a string too, an awaitable wrapper of it when awaited, or a `return
T(...)` on every path): Playwright's `BrowserType.launch()` and `connect_over_cdp()` (a
`Browser`), `Browser.new_page()` and `BrowserContext.new_page()` (a `Page`), aiohttp's
`ClientSession.ws_connect()` awaited (a websocket). In a module that imports the library (in one that does not, only on an attribute that a first-party base in another module, importing it, states to be of the maker's class: `@property def context(self) -> BrowserContext`, `self._x: T | None`; novel-downloader `359cb4c5`), such a call on a receiver that nothing types
(awaited when the method is a coroutine) makes one, judged as a call of its class is. Not a
method so named that returns `self` or what it holds (`Page.opener()`: the page that exists),
a property, a context manager, nor a receiver of the project's own class. A name the
module's own classes define (a scanner's own `start()`) may be their method, and a name that
another public method of the library gives to something else (`APIRequest.new_context` makes
no resource) may be that one: either makes a resource only on a receiver typed as the
library's (`self.playwright = await async_playwright().start()` in `Scanner.start()`, whose
receiver the library's `async_playwright()` says is its context manager) or
bound from a maker of the class (`self.browser = await chromium.connect_over_cdp(url)`; a
`browser = None` after its close binds no other type),
annotated with it (`browser: Browser`, `Browser | None`, `Optional[Browser]`, `"Browser"`),
stored from a parameter annotated so (`def __init__(self, browser: Browser): self.browser =
browser`), bound from a project function that says it returns one (`self.browser = await
connect(url)`, `async def connect() -> Browser`), or declared so (`_index: SearchIndexClient` in
the class body, `index: SearchIndexClient = make()`) where the code of the values bound says
nothing (`self._index = make_client(url)`, a helper without a return annotation), as a type
checker reads a declaration:
```python
from playwright.async_api import async_playwright

async def screenshot(browser, url):
    page = await browser.new_page()     # reported: never closed
    await page.goto(url)
    return await page.screenshot()
```
What a maker makes from a parent resource ends when the parent ends (closing a browser closes
its contexts and pages; stopping the Playwright driver ends every browser it launched). A part
the code never ends itself, made from a parent that the same function makes and keeps (only its
methods called, its attributes read: stored, returned or handed on nowhere), once per parent (not
in a loop around which the parent lives on), relies on the parent: the function is judged for the
parent, released on every path or reported, and that finding is the one report
(GerapyPlaywright `841616ab`). A part the code closes itself is tracked as its own (a path that
skips its close is reported), and a part of a parent given as a parameter, kept on `self`, or one
made on each turn of a loop, leaks while the parent lives on, and is judged itself:
```python
async def render(pw, url):
    browser = await pw.chromium.launch()    # reported: closed outside `finally`
    context = await browser.new_context()   # not reported: ends with `browser`
    page = await context.new_page()         # not reported: ends with `context`
    await page.goto(url)
    await browser.close()

async def crawl(browser, urls):
    for url in urls:
        page = await browser.new_page()     # reported: never closed while `browser` lives on
        await page.goto(url)
```
A coroutine of the project that returns, on every path, what such a maker makes (`return await
self.browser.new_context()`, or `ws = await session.ws_connect(url)` ... `return ws`) is a maker
of it in turn: its caller owns what it gets, as with one returning a constructor's call; so is
a method of another object of the project's whose class is proven (`proc = await
self._pool.start_process(host, cmd)` where `Pool.start_process` returns `await
conn.create_process(cmd)`, asyncssh's process, which the caller must close). Not when
the maker keeps a hand on it (`self._ws = ws` before the `return`), nor a getter returning what
it keeps (`return self._ws`). A method that is no coroutine (`pubsub()`, `cursor()`) makes
nothing until used, and its use may end it (a redis pipeline's `execute()`): it makes one only
when its type's own `__aexit__` awaits its release (`async with` is how its library says to end
it) and the receiver is shown to be of the maker's class as above, or bound from a constructor
of the class or its class method (`self.redis = Redis.from_url(url)`); what nothing then opens
(no awaited use) holds nothing:
```python
class Broker:
    def __init__(self, url):
        self.redis = Redis.from_url(url)

    async def listen(self):
        pubsub = self.redis.pubsub()     # reported: its connection is held until `aclose()`
        await pubsub.subscribe("events")
        async for message in pubsub.listen():
            handle(message)
```
A class of the project that keeps what such a maker makes on `self` (`self._ws = await
self._session.ws_connect(url)` in `connect()`, `self._session` stored from a parameter annotated
`aiohttp.ClientSession`; `self.pubsub = self.redis.pubsub()` in `__init__`) and releases it in a
method of its own (`disconnect()` awaiting `self._ws.close()`) is a resource type, as one making
a constructor's call there is: an instance holds the resource once the method that makes it has
run, and whoever makes the instance and runs it must end it (hummingbot's `WSConnection`). A
factory's method that returns a new one around its own session (`return Connection(
self._session)`) makes one for its caller, since the class keeps the session and releases only
what it opens; one whose release closes what it is given (`return Api(self._session)`) is a view
of the factory's own and makes nothing:
```python
class Connection:
    def __init__(self, session: aiohttp.ClientSession):
        self._session = session

    async def connect(self, url):
        self._ws = await self._session.ws_connect(url)

    async def disconnect(self):
        await self._ws.close()

async def stream(session: aiohttp.ClientSession):
    connection = Connection(session)     # reported: connected, never disconnected
    await connection.connect(URL)
```
A method of the project's own class that returns what a library maker makes from the instance's
configuration (`return await asyncio.open_connection(self.host, self.port)`) makes a new one for
its caller, whole or as the element of a tuple the maker gives: the table says which parameters of
a library's type take a resource (`Redis(connection_pool=self.pool)` is a view of the instance's
pool and makes nothing); what else it reads from the instance is configuration. Its caller owns
it wherever the method is reached: on a receiver of proven class, through a function that returns
its result (`return await dialer.connect()`, `dialer: Dialer`), or run by an executor for its
result (`await asyncio.to_thread(self.factory.make)`, `await loop.run_in_executor(None,
factory.make)`). A module global that a function reads without binding it is typed by what the
module declares (`_redis: Optional[Redis] = None`) or binds it to (at module level, or in a
function declaring it `global`), as a local is by its value:
```python
class Dialer:
    def __init__(self, host):
        self.host = host

    async def connect(self):
        return await asyncio.open_connection(self.host, 80)

async def handshake(dialer: Dialer):
    reader, writer = await dialer.connect()     # reported: `writer` leaks if the read raises
    await reader.read(10)
    return reader, writer
```

Not inside the library's own package (a checkout of its repository, at a release the table may
not have read: a2a-python's own `await self._queue_manager.tap(task_id)`): there its code is the
project's, and says what its methods make.

"""
