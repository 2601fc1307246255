"""Python 3.14's ``except A, B:`` (PEP 758) on the interpreters tradelint runs on (3.10-3.13),
which cannot parse it: the module is read as if parenthesized, its text is never changed, and
``except A, B as e:`` (still a syntax error in 3.14) stays one."""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths

SOURCE = """\
import aiohttp


async def fetch(url):
    session = aiohttp.ClientSession()
    try:
        return await session.get(url)
    except ValueError, TypeError:
        return None
    except* OSError, KeyError:
        return None
"""


def test_a_module_with_bare_except_tuples_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "client.py"
    path.write_text(SOURCE.replace("    except* OSError, KeyError:\n        return None\n", ""), encoding="utf-8")
    assert [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path])] == [
        "5:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`",
    ]
    assert path.read_text(encoding="utf-8") == SOURCE.replace("    except* OSError, KeyError:\n        return None\n", "")


def test_an_except_tuple_with_as_is_still_a_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("try:\n    pass\nexcept A, B as e:\n    pass\n", encoding="utf-8")
    assert [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path])] == [
        "3:8 TRD001 syntax error: multiple exception types must be parenthesized",
    ]
