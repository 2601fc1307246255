"""Session 39 (issue 28, points 1-4): resources left open on a path the code does not follow.

- A library's method maker called on an attribute that a first-party base class, in another
  module, states to be of the library's class: ``login_page = await self.context.new_page()`` in a
  subclass whose base's ``@property def context(self) -> BrowserContext`` (Playwright) says what
  ``self.context`` is. The subclass's module imports nothing of Playwright, so the maker was
  not looked up; now it is, for such a typed receiver only, and the page closed only at the end
  of the happy path is reported (TRD201; saudadez21/novel-downloader ``359cb4c5``, the esjzone and
  yamibo login pages).
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths

BASE = """\
from playwright.async_api import BrowserContext


class BaseBrowser:
    def __init__(self) -> None:
        self._context: BrowserContext | None = None

    @property
    def context(self) -> {annotation}:
        if self._context is None:
            raise RuntimeError("no context")
        return self._context
"""

SUB = """\
from fetchers.base import BaseBrowser


class SiteBrowser(BaseBrowser):
    async def login(self, username: str, password: str) -> bool:
        if not (username and password):
            return False
{body}
        return True
"""

HAPPY_PATH = """\
        login_page = await self.context.new_page()
        await login_page.goto("https://example.org/login", wait_until="networkidle")
        await login_page.fill('input[name="email"]', username)
        await login_page.close()
"""

IN_FINALLY = """\
        login_page = await self.context.new_page()
        try:
            await login_page.goto("https://example.org/login", wait_until="networkidle")
            await login_page.fill('input[name="email"]', username)
        finally:
            await login_page.close()
"""


def _check(tmp_path: Path, annotation: str, body: str) -> list[str]:
    package = tmp_path / "fetchers"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text(BASE.replace("{annotation}", annotation))
    (package / "site.py").write_text(SUB.replace("{body}", body))
    found = check_paths(sorted(package.glob("*.py")), select=["TRD2"])
    return [f"{Path(f.path).name}:{f.line}:{f.column} {f.code} {f.message}" for f in found]


def test_page_of_an_inherited_typed_context_closed_on_the_happy_path_only(tmp_path: Path) -> None:
    assert _check(tmp_path, "BrowserContext", HAPPY_PATH) == [
        "site.py:8:9 TRD201 `login_page` (`self...new_page(...)`) is closed outside `finally`; "
        "move `login_page.close()` into a `finally`"
    ]


def test_optional_and_string_annotations_name_the_class(tmp_path: Path) -> None:
    assert [f.split(" ", 1)[0] for f in _check(tmp_path, '"Optional[BrowserContext]"', HAPPY_PATH)] == ["site.py:8:9"]


def test_twin_closed_in_finally(tmp_path: Path) -> None:
    assert _check(tmp_path, "BrowserContext", IN_FINALLY) == []


def test_twin_base_states_a_first_party_type(tmp_path: Path) -> None:
    # The base says ``self.context`` is its own class: its code, not Playwright's, says what
    # ``new_page()`` returns (here nothing to close).
    first_party = BASE.replace("from playwright.async_api import BrowserContext", "from playwright.async_api import BrowserContext\n\n\nclass PagePool:\n    async def new_page(self):\n        return object()\n")
    package = tmp_path / "fetchers"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text(first_party.replace("{annotation}", "PagePool"))
    (package / "site.py").write_text(SUB.replace("{body}", HAPPY_PATH))
    assert check_paths(sorted(package.glob("*.py")), select=["TRD2"]) == []


def test_twin_attribute_no_base_types(tmp_path: Path) -> None:
    # Nothing states what ``self.context`` is: the subclass's module imports no Playwright, so
    # ``new_page()`` is not taken for the library's maker.
    assert _check(tmp_path, "object", HAPPY_PATH) == []


# Point 1: a resource handed to a coroutine method of the caller's own class, awaited, that only
# calls through it (nothing of it keeps, returns, hands on or closes it), is still the caller's to
# close, as one handed to such a module-level coroutine already was (jbsparrow/CyberDropDownloader
# ``1f6d28f3``: ``asyncpraw.Reddit`` made per scraped URL and handed to ``self.get_user``).
CRAWLER = """\
import asyncpraw


class Crawler:
    def __init__(self):
        self.clients = []

    async def fetch(self, url):
        reddit = asyncpraw.Reddit(client_id="a", client_secret="b", user_agent="x")
        await self.{callee}(url, reddit)

    async def borrow(self, url, reddit):
        await self.read(url, reddit)

    async def read(self, url, reddit):
        return await reddit.subreddit(url)

    async def keep(self, url, reddit):
        await reddit.subreddit(url)
        self.clients.append(reddit)

    async def finish(self, url, reddit):
        try:
            await reddit.subreddit(url)
        finally:
            await reddit.close()
"""


def _crawl(tmp_path: Path, callee: str) -> list[str]:
    path = tmp_path / "crawler.py"
    path.write_text(CRAWLER.replace("{callee}", callee))
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path], select=["TRD2"])]


def test_lent_to_own_methods_that_only_borrow(tmp_path: Path) -> None:
    expected = [
        "9:9 TRD201 `reddit` (`asyncpraw.Reddit(...)`) is never closed; call `await reddit.close()` in a `finally`"
    ]
    assert _crawl(tmp_path, "borrow") == expected  # through two methods
    assert _crawl(tmp_path, "read") == expected


def test_twin_own_method_keeps_it(tmp_path: Path) -> None:
    assert _crawl(tmp_path, "keep") == []


def test_twin_own_method_closes_it(tmp_path: Path) -> None:
    assert _crawl(tmp_path, "finish") == []
