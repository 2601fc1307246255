"""How check and ``--fix`` grow along each axis of a tree: the fitted exponent of time against size.

Usage:
    python benchmarks/scaling.py [--axes files findings ...] [--scale 1 2 4 8] [--base 1.0]
                                 [--jobs 1 2] [--modes check fix] [--repeat 1]
                                 [--floor 1.0] [--max-cpu 60] [--sizes N ...]

Run on demand, not by the tests (issue 34). Each axis generates a tree at 1x, 2x, 4x and 8x of a
size and runs ``python -m tradelint --no-cache --exit-zero --quiet`` on it in a fresh process,
once as a check and once as ``--fix --unsafe-fixes`` (on a fresh copy), in one process
(``--jobs 1``) and with ``--jobs 2``.

The size of 1x is chosen per axis, mode and jobs so that the fit measures the part that grows,
not the start-up: it starts at the axis's base size (times ``--base``) and, while the CPU time
at 1x less that of the empty tree (its "net" time) is below ``--floor`` seconds (default 1.0),
is doubled (multiplied by 4 while the net time is below a quarter of the floor); the sizes
measured on the way are kept and reused. Only then are 2x, 4x and 8x measured. It stops growing,
and says so (``below floor``), when the next 8x would pass ``--max-cpu`` seconds (were the net
time linear from there) or have a file above the size tradelint reads (10 MiB), or a run times
out. ``--floor 0`` measures the base sizes as given;
``--sizes`` gives absolute sizes (for every axis), measured as given, and says whether their 1x
is above the floor. The axes:

    files      N files, each with one discarded task
    findings   one function with N discarded tasks
    fixes      one file of N small functions and N dataclasses, each with one fixable finding
    hierarchy  one module with a base dataclass and N - 1 subclasses of it, each with a constant
               field (TRD101) and a function constructing it
    depth      one module with a chain of N dataclasses, each subclassing the one before and
               each with a constant field (TRD101): the class at depth k has k fields and
               N - k subclasses, N^2/2 in all unless shared down the chain (they are)
    chain      N modules in an import chain, each importing and calling the previous module's
               dataclass and factory, each with a TRD101 finding and a discarded task
    pack       a `renames` table of N members, each used once in one file (TRD401)
    lines      one coroutine of N lines holding an unclosed session (TRD201, its fix re-indents
               all N lines) and one discarded task
    stored     one class storing N tasks into N ``self`` attributes, none ended (TRD303 each)
    refused    one function with N discarded tasks, one in 50 of whose fixes would pass the line
               length: the file's fixes fail together and the refused ones must be found
    workers    one module of N classes, each storing a task it never ends, with a stop()
               (TRD303 each: every class asks who calls its stop())
    sessions   one coroutine opening N sessions it never closes, in nested pairs (N ``async
               with`` fixes in one block: applied in one pass)
    holders    one module of N classes, each holding a session it never closes (TRD202 each:
               every class asks whether an owner closes its session)
    crowded    one function with N discarded tasks, two in each list display on one line: the
               two fixes of a line together make it too long (the first is kept, the second
               refused), and on every third line each alone does (both refused)
    spread     N modules, each with one class storing a task it never ends, with a stop()
               (TRD303), and one class holding a session it never closes (TRD202): every class
               asks the project (N files) who ends its task or closes its session
    keepers    N modules of a class keeping a task on ``self._task`` with a stop(), and N
               modules of a keeper class each holding an instance of one of them in a list and
               calling ``w.stop()`` on it at its close; every other keeper also cancels
               ``w._task`` (ended through the instance), the rest only look at it (TRD303)
    registry   N modules of such a class and one registry module naming them all, putting one
               of each in ``self.workers`` and cancelling every ``w._task`` at its close (the
               elements are of N classes: nothing proven, TRD303 each)
    readers    N modules, each with a class keeping ``self._task`` and a stopper class whose
               close() stops a ``w`` annotated with the next module's class and, in one in four,
               cancels ``w._task`` (TRD303 on half the classes): every file names a class and
               reads ``x._task``
    elements   N modules, each with a class putting sessions in ``self.clients[k]``, closed as
               elements at close() in every other one (TRD202 on the rest)
    pool       one class with N methods, each putting a session it makes in
               ``self.clients[k]`` (one collection, N element findings), never closed
    borrowed   one coroutine making N redis clients, half of a pool it is given (borrowed),
               half of a pool it makes (TRD201 each): each asks what its pool is bound to

It prints, per axis, mode and jobs, the CPU seconds (user + system of the process and the
workers it waited for), the wall seconds and the peak RSS at each of the four sizes fitted, then
the exponent of a least-squares fit of log(time) on log(size): on the CPU time as measured
("raw"), and on the CPU time less that of the same command on an empty tree ("net", the part
that grows; start-up would otherwise flatten every exponent towards 0). The empty tree is
measured again before each axis (best of two), so that a load changing during the run moves
both alike. Sizes measured on the way to the floor are listed after the fit (``grown from``),
not fitted. The last line gives the worst exponent over the fits whose 1x is above the floor,
and lists the fits that are not (their exponents are printed but near the empty tree the net
fit is mostly noise). Issue 34 asks every exponent to be <= 1.15.

``--repeat N`` keeps each fitted size's best CPU over N runs, made in rounds over the four sizes
(1x, 2x, 4x, 8x, then again), not back to back: CPU time grows when the machine's other work
takes the shared cores (session 25 measured the 8x of the holders ``--fix`` at 2.4 times its
4x; session 26, on the same code, 1.9 to 2.0 times), and a burst of other work then inflates one
run of a size, not all of its runs. ``--fix`` runs in one process whatever ``--jobs`` says
(``runner/fixer.py``): its two columns measure the same work, and their difference is the noise
of the sitting.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

Tree = dict[str, str]

TASK_FILE = "import asyncio\n\n\nasync def job():\n    pass\n\n\nasync def main():\n    asyncio.create_task(job())\n    return 1\n"


def files_tree(n: int) -> Tree:
    return {f"pkg/m{i}.py": TASK_FILE for i in range(n)} | {"pkg/__init__.py": ""}


def findings_tree(n: int) -> Tree:
    body = "".join(f"    asyncio.create_task(job_{i}())\n" for i in range(n))
    return {"many.py": "import asyncio\n\n\nasync def main():\n" + body}


def fixes_tree(n: int) -> Tree:
    parts = ["import asyncio\nfrom dataclasses import dataclass\n"]
    for i in range(n):
        parts.append(f"\n\nasync def run_{i}():\n    asyncio.create_task(job_{i}())\n    return {i}\n")
        parts.append(f"\n\n@dataclass\nclass Data{i}:\n    LIMIT: int = {i}\n    name: str = ''\n")
    return {"many.py": "".join(parts)}


def hierarchy_tree(n: int) -> Tree:
    parts = ["from dataclasses import dataclass\n\n\n@dataclass\nclass Base:\n    LIMIT: int = 0\n    name: str = ''\n"]
    for i in range(1, n):
        parts.append(f"\n\n@dataclass\nclass C{i}(Base):\n    K{i}: int = {i}\n\n\ndef make_{i}():\n    return C{i}(name='{i}')\n")
    return {"family.py": "".join(parts)}


def depth_tree(n: int) -> Tree:
    parts = ["from dataclasses import dataclass\n\n\n@dataclass\nclass C0:\n    K0: int = 0\n"]
    for i in range(1, n):
        parts.append(f"\n\n@dataclass\nclass C{i}(C{i - 1}):\n    K{i}: int = {i}\n")
    return {"family.py": "".join(parts)}


def chain_tree(n: int) -> Tree:
    tree: Tree = {"pkg/__init__.py": ""}
    head = "import asyncio\nfrom dataclasses import dataclass\n"
    for i in range(n):
        use = f"from pkg.m{i - 1} import D{i - 1}, make_{i - 1}\n" if i else ""
        before = f"    make_{i - 1}()\n    D{i - 1}()\n" if i else ""
        tree[f"pkg/m{i}.py"] = (
            head + use + f"\n\n@dataclass\nclass D{i}:\n    K{i}: int = {i}\n\n\ndef make_{i}():\n" + before
            + f"    return D{i}()\n\n\nasync def main():\n    asyncio.create_task(main())\n"
        )
    return tree


def pack_tree(n: int) -> Tree:
    table = ", ".join(f"'old_{i}' = 'new_{i}'" for i in range(n))
    uses = "".join(f"    total += vat.old_{i}\n" for i in range(n))
    return {
        "pyproject.toml": f"[tool.tradelint]\nrenames = {{ {table} }}\n",
        "use.py": "def f(vat):\n    total = 0\n" + uses + "    return total\n",
    }


def lines_tree(n: int) -> Tree:
    body = "".join(f"    r{i} = await s.get('u{i}')\n" for i in range(n))
    return {
        "long.py": "import asyncio\nimport aiohttp\n\n\nasync def main():\n    s = aiohttp.ClientSession()\n"
        + body
        + "    asyncio.create_task(main())\n    return r0\n"
    }


def stored_tree(n: int) -> Tree:
    body = "".join(f"        self.t{i} = asyncio.create_task(job())\n" for i in range(n))
    return {"stored.py": "import asyncio\n\n\nasync def job():\n    pass\n\n\nclass Owner:\n    async def start(self):\n" + body}


def refused_tree(n: int) -> Tree:
    """n discarded tasks in one function, one in 50 of whose keeper calls would pass the line
    length: the fixes of the file fail together and the refused ones must be found."""
    body = "".join(
        f"    asyncio.create_task(job({'11111111111, 2222222222, 3333333333, 44444444444' if i % 50 == 7 else i}))\n"
        for i in range(n)
    )
    return {
        "pyproject.toml": "[tool.ruff]\nline-length = 88\n",
        "many.py": "import asyncio\n\n\nasync def job(*a):\n    pass\n\n\nasync def main():\n" + body,
    }


def crowded_tree(n: int) -> Tree:
    """n discarded tasks, two per line: over-long lines that two fixes make, not one."""
    lines = []
    for i in range(n // 2):
        extra = ", 22" if i % 3 == 2 else ""
        lines.append(f"    [asyncio.create_task(job({10000 + i}, 1{extra})), asyncio.create_task(job({10000 + i}, 2{extra}))]\n")
    return {
        "pyproject.toml": "[tool.ruff]\nline-length = 88\n",
        "many.py": "import asyncio\n\n\nasync def job(*a):\n    pass\n\n\nasync def main():\n" + "".join(lines),
    }


def workers_tree(n: int) -> Tree:
    parts = ["import asyncio\n"]
    for i in range(n):
        parts.append(
            f"\n\nclass W{i}:\n    def start(self):\n        self._t = asyncio.create_task(self.run())\n\n"
            "    async def run(self):\n        pass\n\n    async def stop(self):\n        pass\n"
        )
    return {"workers.py": "".join(parts)}


def holders_tree(n: int) -> Tree:
    parts = ["import aiohttp\n"]
    for i in range(n):
        parts.append(
            f"\n\nclass C{i}:\n    def __init__(self):\n        self.session = aiohttp.ClientSession()\n\n"
            "    async def fetch(self):\n        return await self.session.get('u')\n"
        )
    return {"holders.py": "".join(parts)}


def sessions_tree(n: int) -> Tree:
    """One coroutine opening n sessions it never closes, in pairs: the second made and used
    inside the first's life (n ``async with`` fixes in one block, nested two deep)."""
    body = "".join(
        f"    a{i} = aiohttp.ClientSession()\n    b{i} = aiohttp.ClientSession()\n"
        f"    await b{i}.get('u')\n    await a{i}.get('u')\n"
        for i in range(n // 2)
    )
    return {"sessions.py": "import aiohttp\n\n\nasync def main():\n" + body}


def spread_tree(n: int) -> Tree:
    """``workers`` and ``holders`` spread over n modules, one class of each per module."""
    tree: Tree = {"pkg/__init__.py": ""}
    for i in range(n):
        tree[f"pkg/m{i}.py"] = (
            f"import asyncio\nimport aiohttp\n\n\nclass W{i}:\n    def start(self):\n"
            "        self._t = asyncio.create_task(self.run())\n\n    async def run(self):\n        pass\n\n"
            "    async def stop(self):\n        pass\n"
            f"\n\nclass C{i}:\n    def __init__(self):\n        self.session = aiohttp.ClientSession()\n\n"
            "    async def fetch(self):\n        return await self.session.get('u')\n"
        )
    return tree


WORKER = (
    "import asyncio\n\n\nclass {name}:\n    def start(self):\n        self._task = asyncio.create_task(self.run())\n\n"
    "    async def run(self):\n        pass\n\n    async def stop(self):\n        pass\n"
)


def keepers_tree(n: int) -> Tree:
    tree: Tree = {"pkg/__init__.py": ""}
    for i in range(n):
        tree[f"pkg/w{i}.py"] = WORKER.format(name=f"Worker{i}")
        end = "            w._task.cancel()\n" if i % 2 == 0 else "            if w._task.done():\n                pass\n"
        tree[f"pkg/k{i}.py"] = (
            f"from pkg.w{i} import Worker{i}\n\n\nclass Keeper{i}:\n    def __init__(self):\n"
            f"        self.workers = []\n        self.workers.append(Worker{i}())\n\n"
            "    async def close(self):\n        for w in self.workers:\n            await w.stop()\n" + end
        )
    return tree


def registry_tree(n: int) -> Tree:
    tree: Tree = {"pkg/__init__.py": ""}
    imports, adds = [], []
    for i in range(n):
        tree[f"pkg/w{i}.py"] = WORKER.format(name=f"Worker{i}")
        imports.append(f"from pkg.w{i} import Worker{i}\n")
        adds.append(f"        self.workers['w{i}'] = Worker{i}()\n")
    tree["pkg/registry.py"] = (
        "".join(imports) + "\n\nclass Registry:\n    def __init__(self):\n        self.workers = {}\n\n"
        "    def fill(self):\n" + "".join(adds) + "\n    async def close(self):\n"
        "        for w in self.workers.values():\n            await w.stop()\n            w._task.cancel()\n"
    )
    return tree


def readers_tree(n: int) -> Tree:
    tree: Tree = {"pkg/__init__.py": ""}
    for i in range(n):
        j = (i + 1) % n
        use = f"from pkg.m{j} import Worker{j}\n" if j != i else ""
        tree[f"pkg/m{i}.py"] = (
            use + WORKER.format(name=f"Worker{i}")
            + f"\n\nclass Stopper{i}:\n    async def close(self, w: Worker{j}):\n        await w.stop()\n"
            + ("        w._task.cancel()\n" if i % 4 == 0 else "        w._task.done()\n")
            + f"\n\ndef peek_{i}(w: Worker{j}):\n    return w._task.done()\n"
        )
    return tree


def elements_tree(n: int) -> Tree:
    tree: Tree = {"pkg/__init__.py": ""}
    for i in range(n):
        close = (
            "\n    async def close(self):\n        for c in self.clients.values():\n            await c.close()\n"
            if i % 2 == 0 else ""
        )
        tree[f"pkg/m{i}.py"] = (
            f"import aiohttp\n\n\nclass Holder{i}:\n    def __init__(self):\n        self.clients = {{}}\n\n"
            "    async def add(self, k):\n        client = aiohttp.ClientSession()\n        self.clients[k] = client\n"
            "        return await client.get('u')\n" + close
        )
    return tree


def pool_tree(n: int) -> Tree:
    methods = "".join(
        f"\n    async def open_{i}(self):\n        c = aiohttp.ClientSession()\n        self.clients['k{i}'] = c\n"
        "        return await c.get('u')\n"
        for i in range(n)
    )
    return {"pool.py": "import aiohttp\n\n\nclass Pool:\n    def __init__(self):\n        self.clients = {}\n" + methods}


def borrowed_tree(n: int) -> Tree:
    """One coroutine making n redis clients of a pool it is given (borrowed, no finding) and n
    of a pool it makes (TRD201 each): every client asks what its pool is bound to."""
    body = "".join(
        f"    a{i} = redis.asyncio.Redis(connection_pool=pool)\n    await a{i}.get('k')\n"
        f"    b{i} = redis.asyncio.Redis(connection_pool=own)\n    await b{i}.get('k')\n"
        for i in range(n // 2)
    )
    return {"borrowed.py": "import redis.asyncio\n\n\nasync def main(pool):\n    own = redis.asyncio.ConnectionPool()\n" + body}


AXES: dict[str, tuple[Callable[[int], Tree], int]] = {  # (tree, base size)
    "files": (files_tree, 100),
    "findings": (findings_tree, 250),
    "fixes": (fixes_tree, 100),
    "hierarchy": (hierarchy_tree, 100),
    "depth": (depth_tree, 50),
    "chain": (chain_tree, 100),
    "pack": (pack_tree, 400),
    "lines": (lines_tree, 500),
    "stored": (stored_tree, 100),
    "refused": (refused_tree, 250),
    "workers": (workers_tree, 100),
    "holders": (holders_tree, 100),
    "sessions": (sessions_tree, 50),
    "crowded": (crowded_tree, 250),
    "spread": (spread_tree, 100),
    "keepers": (keepers_tree, 100),
    "registry": (registry_tree, 100),
    "readers": (readers_tree, 100),
    "elements": (elements_tree, 100),
    "pool": (pool_tree, 100),
    "borrowed": (borrowed_tree, 250),
}


PREVIEW = False  # ``--preview``: every tree's configuration turns preview on


def write(tree: Tree, root: Path) -> None:
    if not any(name == "pyproject.toml" for name in tree):
        # (Excerpts: their methods are judged whether or not anything calls them.)
        (root / "pyproject.toml").write_text("[tool.tradelint]\ncheck-uncalled-methods = true\n", encoding="utf-8")
    if PREVIEW:
        tree = dict(tree)
        config = tree.get("pyproject.toml", "[tool.tradelint]\n")
        if "[tool.tradelint]" not in config:
            config = "[tool.tradelint]\n" + config
        tree["pyproject.toml"] = config.replace("[tool.tradelint]\n", "[tool.tradelint]\npreview = true\n", 1)
    for name, text in tree.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def run(root: Path, mode: str, jobs: int, timeout: float) -> tuple[float, float, float, int]:
    """(CPU s, wall s, peak RSS MB, exit status) of one fresh process on ``root``."""
    command = [sys.executable, "-m", "tradelint", "--no-cache", "--exit-zero", "--quiet", "--jobs", str(jobs)]
    if mode == "fix":
        command += ["--fix", "--unsafe-fixes"]
    command.append(".")
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            return math.inf, math.inf, usage.ru_maxrss / 1024, -9
        time.sleep(0.02)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"tradelint exited {code} in {root}: {proc.stderr.read().decode() if proc.stderr else ''}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024, code


def too_large(tree: Tree) -> bool:
    """Whether a file of ``tree`` is above the size tradelint refuses to read (it would be left out,
    not checked: a time that says nothing of the growth)."""
    try:
        from tradelint.core.files import MAX_FILE_BYTES
    except ImportError:  # pragma: no cover - another checkout on PYTHONPATH
        MAX_FILE_BYTES = 10 * 1024 * 1024
    return any(len(text.encode("utf-8")) > MAX_FILE_BYTES for text in tree.values())


def measure(tree: Tree, mode: str, jobs: int, repeat: int, timeout: float) -> tuple[float, float, float]:
    """Best CPU, its wall time and the peak RSS over ``repeat`` runs, each on a fresh copy;
    infinite for a tree with a file tradelint would refuse as too large."""
    best = (math.inf, math.inf, 0.0)
    if too_large(tree):
        return best
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="tradelint-scaling-") as folder:
            root = Path(folder)
            write(tree, root)
            cpu, wall, rss, _ = run(root, mode, jobs, timeout)
        if cpu < best[0]:
            best = (cpu, wall, rss)
    return best


def exponent(sizes: list[int], times: list[float]) -> float:
    """Slope of the least-squares line through (log size, log time)."""
    points = [(math.log(s), math.log(t)) for s, t in zip(sizes, times) if 0 < t < math.inf]
    if len(points) < 2:
        return math.nan
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    num = sum((x - mean_x) * (y - mean_y) for x, y in points)
    den = sum((x - mean_x) ** 2 for x, _ in points)
    return num / den


def ladder(
    make: Callable[[int], Tree], first: int, scale: list[int], grow: bool, floor: float, max_cpu: float,
    mode: str, jobs: int, repeat: int, timeout: float, empty: float,
) -> tuple[list[int], dict[int, tuple[float, float, float]], bool]:
    """The sizes fitted (``first`` grown until its net CPU is at least ``floor``, then times
    ``scale``), every measurement made on the way by size, and whether 1x is above the floor."""
    seen: dict[int, tuple[float, float, float]] = {}

    def at(size: int) -> tuple[float, float, float]:
        if size not in seen:
            seen[size] = measure(make(size), mode, jobs, 1, timeout)
        return seen[size]

    ratios = [k / scale[0] for k in scale]
    reached = True
    if grow:
        while True:
            cpu = at(first)[0]
            if cpu == math.inf:
                reached = False
                break
            net = cpu - empty
            if net >= floor:
                break
            factor = 4 if net < floor / 4 else 2
            if empty + max(net, 0.0) * factor * ratios[-1] > max_cpu:  # the next 8x, were it linear
                reached = False
                break
            if too_large(make(max(1, round(first * factor * ratios[-1])))):  # its file would be refused
                reached = False
                break
            first *= factor
    sizes = [max(1, round(first * r)) for r in ratios]
    for size in sizes:
        if at(size)[0] == math.inf:
            break
    rounds(make, sizes, seen, mode, jobs, repeat, timeout)
    return sizes, seen, reached


def rounds(
    make: Callable[[int], Tree], sizes: list[int], seen: dict[int, tuple[float, float, float]], mode: str,
    jobs: int, repeat: int, timeout: float,
) -> None:
    """Measure ``sizes`` again, ``repeat - 1`` rounds over them all, keeping each size's best CPU
    (a size that timed out or was refused is not run again)."""
    for _ in range(repeat - 1):
        for size in sizes:
            if size in seen and seen[size][0] < math.inf:
                again = measure(make(size), mode, jobs, 1, timeout)
                if again[0] < seen[size][0]:
                    seen[size] = again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--axes", nargs="+", choices=list(AXES), default=list(AXES))
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--base", type=float, default=1.0, help="multiply every axis's base size")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--modes", nargs="+", choices=["check", "fix"], default=["check", "fix"])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--preview", action="store_true", help="preview = true in every tree's configuration")
    parser.add_argument("--sizes", type=int, nargs="+", help="absolute sizes instead of base x scale (all axes; not grown)")
    parser.add_argument("--floor", type=float, default=1.0,
                        help="grow 1x until its CPU less the empty tree's is at least this many seconds (0: do not grow)")
    parser.add_argument("--max-cpu", type=float, default=60.0,
                        help="stop growing when the next 8x would take more CPU seconds than this")
    args = parser.parse_args()
    global PREVIEW
    PREVIEW = args.preview
    grow = args.floor > 0 and not args.sizes
    print(f"# {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f} at start, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
          + (", preview" if args.preview else "")
          + (f", best of {args.repeat} rounds" if args.repeat > 1 else "")
          + (f", floor {args.floor:g} s net at 1x" if grow else ", sizes as given"))
    worst = (-math.inf, "")
    below: list[str] = []
    for mode in args.modes:
        for jobs in args.jobs:
            for axis in args.axes:
                make, base = AXES[axis]
                empty = measure({}, mode, jobs, max(args.repeat, 2), args.timeout)[0]
                if args.sizes:
                    sizes = args.sizes
                    seen = {size: measure(make(size), mode, jobs, 1, args.timeout) for size in sizes}
                    rounds(make, sizes, seen, mode, jobs, args.repeat, args.timeout)
                    reached = seen[sizes[0]][0] - empty >= args.floor  # said, not grown
                else:
                    first = max(1, round(base * args.base * args.scale[0]))
                    sizes, seen, reached = ladder(
                        make, first, args.scale, grow, args.floor, args.max_cpu, mode, jobs, args.repeat,
                        args.timeout, empty,
                    )
                sizes = [size for size in sizes if size in seen]
                cpus = [seen[size][0] for size in sizes]
                cells = [f"{size}: {seen[size][0]:.2f} s cpu / {seen[size][1]:.2f} s wall / {seen[size][2]:.0f} MB"
                         for size in sizes]
                raw = exponent(sizes, cpus)
                net = exponent(sizes, [c - empty for c in cpus])
                name = f"{mode} jobs={jobs} {axis}"
                if reached:
                    for value in (raw, net):
                        if not math.isnan(value) and value > worst[0]:
                            worst = (value, name)
                else:
                    below.append(f"{name} (raw {raw:.2f} net {net:.2f})")
                before = sorted(size for size in seen if size < sizes[0])
                print(f"{mode:5} jobs={jobs} {axis:9} exponent raw {raw:.2f} net {net:.2f} | " + " | ".join(cells)
                      + f" | empty {empty:.2f} s" + ("" if reached else " | below floor")
                      + (" | grown from " + ", ".join(f"{s}: {seen[s][0]:.2f}" for s in before) if before else ""),
                      flush=True)
    if worst[1]:
        print(f"# worst exponent {worst[0]:.2f} ({worst[1]}; issue 34: <= 1.15) over the fits above the floor; "
              f"load {os.getloadavg()[0]:.2f} at end")
    else:
        print(f"# no fit of two sizes or more above the floor; load {os.getloadavg()[0]:.2f} at end")
    if below:
        print("# below the floor at 1x (not counted): " + "; ".join(below))


if __name__ == "__main__":
    main()
