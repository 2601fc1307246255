"""``benchmarks/mirror_list.py``: every repository the benchmarks read, once, the precision
applications first (apps72, then heads70's labelled half ``a``), then the held-out gate's files,
so a session that can fetch only part of them measures what it must (session 87's machine came
new, with no mirror)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import load_benchmark

MIRRORS = load_benchmark("mirror_list")
HERE = Path(__file__).resolve().parent.parent / "benchmarks"


def test_every_repository_once_applications_first_then_held_out() -> None:
    order = MIRRORS.fetch_order()
    assert len(order) == len(set(order))
    apps = list(dict.fromkeys(MIRRORS._repos(HERE / "apps72.txt")))
    assert order[: len(apps)] == apps
    heads = MIRRORS._repos(HERE / "heads70.txt")
    half_a = [r for r in heads if MIRRORS.half_of(r) == "a" and r not in apps]
    assert order[len(apps): len(apps) + len(half_a)] == half_a
    gate = {r for name in MIRRORS.GATE for r in MIRRORS._repos(HERE / name)}
    last_gate = max(order.index(r) for r in gate)
    assert last_gate < len(apps) + len(half_a) + len(gate)  # the gate's right after the applications
    named = {r for p in HERE.glob("leak_fixes*.txt") for r in MIRRORS._repos(p)}
    assert named | set(heads) | set(MIRRORS._repos(HERE / "apps28.txt")) <= set(order)
    held = {r for n in range(17, 30) for r in MIRRORS._repos(HERE / f"leak_fixes_r{n}_b.txt")}
    last_held = max(order.index(r) for r in held)
    pool_only = named - held - set(apps) - set(heads) - set(MIRRORS._repos(HERE / "apps28.txt")) - {
        r for n in range(17, 30) for p in (HERE / f"leak_fixes_r{n}.txt", HERE / f"leak_fixes_r{n}_a.txt") for r in MIRRORS._repos(p)}
    assert all(order.index(r) > last_held for r in pool_only)
    half_b_only = [r for r in heads if MIRRORS.half_of(r) == "b" and r not in named and r not in apps]
    assert all(order.index(r) > max(order.index(p) for p in pool_only) for r in half_b_only)
