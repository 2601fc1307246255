"""``benchmarks/mirror_list.py``: every repository the benchmarks read, once, the precision
applications first, then the held-out halves, so a session that can fetch only part of them
measures what it must."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import load_benchmark

MIRRORS = load_benchmark("mirror_list")
HERE = Path(__file__).resolve().parent.parent / "benchmarks"


def test_every_repository_once_applications_first_then_held_out() -> None:
    order = MIRRORS.fetch_order()
    assert len(order) == len(set(order))
    apps = MIRRORS._repos(HERE / "apps28.txt")
    assert order[: len(set(apps))] == list(dict.fromkeys(apps))
    named = {r for p in HERE.glob("leak_fixes*.txt") for r in MIRRORS._repos(p)}
    assert named <= set(order)
    held = {r for n in range(17, 30) for r in MIRRORS._repos(HERE / f"leak_fixes_r{n}_b.txt")}
    last_held = max(order.index(r) for r in held)
    pool_only = named - held - set(apps) - {
        r for n in range(17, 30) for p in (HERE / f"leak_fixes_r{n}.txt", HERE / f"leak_fixes_r{n}_a.txt") for r in MIRRORS._repos(p)}
    assert all(order.index(r) > last_held for r in pool_only)
