"""``--jobs`` by default: the cores this process may use, a control group's CPU quota respected."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tradelint.core import cores


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _v2(tmp_path: Path, group: str, limits: dict[str, str]) -> tuple[Path, Path]:
    root = tmp_path / "cgroup"
    _write(root / "cgroup.controllers", "cpu memory\n")
    for folder, text in limits.items():
        _write(root / folder.strip("/") / "cpu.max", text)
    proc = tmp_path / "proc_cgroup"
    _write(proc, f"0::{group}\n")
    return root, proc


def test_cgroup_v2_quota(tmp_path: Path) -> None:
    root, proc = _v2(tmp_path, "/user.slice/app", {"user.slice/app": "150000 100000\n"})
    assert cores.cgroup_quota(root, proc) == 1.5
    # No limit at any level, and an unreadable or malformed file: no quota.
    root, proc = _v2(tmp_path / "a", "/app", {"app": "max 100000\n", "": "max 100000\n"})
    assert cores.cgroup_quota(root, proc) is None
    root, proc = _v2(tmp_path / "b", "/app", {"app": "lots 100000\n"})
    assert cores.cgroup_quota(root, proc) is None


def test_cgroup_v2_tightest_level_counts(tmp_path: Path) -> None:
    # A parent's limit binds its children: the tightest of the group and its ancestors.
    root, proc = _v2(tmp_path, "/outer/inner", {"outer": "100000 100000\n", "outer/inner": "400000 100000\n"})
    assert cores.cgroup_quota(root, proc) == 1.0
    # A container sees its own group as "/": the root's file is its limit.
    root, proc = _v2(tmp_path / "c", "/", {"": "250000 100000\n"})
    assert cores.cgroup_quota(root, proc) == 2.5


def test_cgroup_v1_quota(tmp_path: Path) -> None:
    root = tmp_path / "cgroup"
    _write(root / "cpu,cpuacct" / "docker" / "abc" / "cpu.cfs_quota_us", "200000\n")
    _write(root / "cpu,cpuacct" / "docker" / "abc" / "cpu.cfs_period_us", "100000\n")
    _write(root / "cpu,cpuacct" / "cpu.cfs_quota_us", "-1\n")
    _write(root / "cpu,cpuacct" / "cpu.cfs_period_us", "100000\n")
    proc = tmp_path / "proc_cgroup"
    _write(proc, "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n")
    assert cores.cgroup_quota(root, proc) == 2.0
    _write(root / "cpu,cpuacct" / "docker" / "abc" / "cpu.cfs_quota_us", "-1\n")
    assert cores.cgroup_quota(root, proc) is None


def test_no_control_groups(tmp_path: Path) -> None:
    assert cores.cgroup_quota(tmp_path / "none", tmp_path / "no_proc_file") is None


def test_usable_cores_is_the_affinity_bounded_by_the_quota(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4, 5, 6, 7}, raising=False)
    root, proc = _v2(tmp_path, "/app", {"app": "150000 100000\n"})
    assert cores.usable_cores(root, proc) == 2  # 1.5 CPUs: two processes keep them busy
    root, proc = _v2(tmp_path / "a", "/app", {"app": "max 100000\n"})
    assert cores.usable_cores(root, proc) == 8
    root, proc = _v2(tmp_path / "b", "/app", {"app": "20000 100000\n"})
    assert cores.usable_cores(root, proc) == 1  # a fifth of a CPU: still one process
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3}, raising=False)
    root, proc = _v2(tmp_path / "c", "/app", {"app": "400000 100000\n"})
    assert cores.usable_cores(root, proc) == 1  # pinned to one CPU by taskset
