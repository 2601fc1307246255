"""How many cores this process may use: the default of ``--jobs``.

The CPUs the process may run on (``os.sched_getaffinity``: ``taskset``, a container's cpuset),
further bounded by a CPU quota of its control group (cgroup v2 ``cpu.max``, cgroup v1
``cpu.cfs_quota_us`` / ``cpu.cfs_period_us``): a container limited to 1.5 CPUs on a 64-core host
gets 2 workers, not 64. Never less than 1.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
PROC_CGROUP = Path("/proc/self/cgroup")


def usable_cores(root: Path = CGROUP_ROOT, proc_cgroup: Path = PROC_CGROUP) -> int:
    """The number of cores this process can keep busy (``root`` and ``proc_cgroup``: tests)."""
    cores = _affinity()
    quota = cgroup_quota(root, proc_cgroup)
    if quota is not None:
        cores = min(cores, max(1, math.ceil(quota)))
    return max(1, cores)


def _affinity() -> int:
    getaffinity = getattr(os, "sched_getaffinity", None)  # not on macOS or Windows
    if getaffinity is not None:
        try:
            return len(getaffinity(0)) or 1
        except OSError:
            pass
    return os.cpu_count() or 1


def cgroup_quota(root: Path = CGROUP_ROOT, proc_cgroup: Path = PROC_CGROUP) -> float | None:
    """The CPU quota of this process's control group, in CPUs (``1.5``), or None for none (no
    control groups, no limit, or files that cannot be read). The tightest quota from the
    process's own group up to the root counts, as the kernel enforces every level."""
    try:
        lines = proc_cgroup.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    v2_path: str | None = None
    v1_path: str | None = None
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        hierarchy, controllers, path = parts
        if hierarchy == "0" and controllers == "":
            v2_path = path
        elif "cpu" in controllers.split(","):
            v1_path = path
    quotas: list[float] = []
    if v1_path is not None:
        for base in (root / "cpu", root / "cpu,cpuacct", root / "cpuacct,cpu"):
            if base.is_dir():
                quotas += _v1_quotas(base, v1_path)
                break
    elif (root / "cgroup.controllers").exists() or v2_path is not None:
        quotas += _v2_quotas(root, v2_path or "/")
    return min(quotas) if quotas else None


def _ancestors(base: Path, path: str) -> list[Path]:
    """``base`` joined with ``path`` and each of its parents up to ``base`` itself (a container
    sees its own group as ``/``: then only ``base``)."""
    parts = [part for part in path.split("/") if part and part not in (".", "..")]
    return [base.joinpath(*parts[:n]) for n in range(len(parts), -1, -1)]


def _v2_quotas(root: Path, path: str) -> list[float]:
    quotas = []
    for folder in _ancestors(root, path):
        try:
            fields = (folder / "cpu.max").read_text(encoding="utf-8").split()
        except (OSError, UnicodeDecodeError):
            continue
        if len(fields) >= 1 and fields[0] != "max":
            period = fields[1] if len(fields) > 1 else "100000"
            quota = _ratio(fields[0], period)
            if quota is not None:
                quotas.append(quota)
    return quotas


def _v1_quotas(base: Path, path: str) -> list[float]:
    quotas = []
    for folder in _ancestors(base, path):
        try:
            quota_text = (folder / "cpu.cfs_quota_us").read_text(encoding="utf-8").strip()
            period_text = (folder / "cpu.cfs_period_us").read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            continue
        quota = _ratio(quota_text, period_text)
        if quota is not None:
            quotas.append(quota)
    return quotas


def _ratio(quota: str, period: str) -> float | None:
    """``quota / period`` as CPUs; None for no limit (``-1`` in v1) or a malformed file."""
    try:
        q, p = int(quota), int(period)
    except ValueError:
        return None
    if q <= 0 or p <= 0:
        return None
    return q / p
