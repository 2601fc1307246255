"""flake8 with the tradelint plugin against plain flake8 (the same flake8, interpreter, options and
files, the plugin's entry point dropped: ``bench.py``'s ``PLAIN_FLAKE8``), in alternated rounds,
CPU (user + sys) and peak memory of each process; each output compared with the first round's.

    python benchmarks/flake8_pair.py --packages driftpy-0.8.89 aiohttp-3.14.5 py-cord-2.8.1 \\
        hikari-2.7.0 web3-8.0.0 --rounds 3
    python benchmarks/flake8_pair.py --rounds 1                  # the whole corpus
    python benchmarks/flake8_pair.py ... --pythonpath A --pythonpath B   # two versions of the plugin
    python benchmarks/flake8_pair.py ... --cache     # the plugin without its cache, cold and warm

With ``--cache``, each version runs three ways per round: ``--tradelint-no-cache``; ``cold``, with
an empty cache folder of the round's own; ``warm``, the same folder again right after (nothing
changed: every file answered from the cache). Their outputs must be identical.

Every command runs from bytecode compiled in an uncounted warm-up (``PYTHONPYCACHEPREFIX``), as
``bench.py`` does. The ratio printed per round is each plugin run's CPU over that round's plain
run; the summary gives their median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import PLAIN_FLAKE8, run  # noqa: E402
from fetch_corpus import DEFAULT_DEST  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_DEST)
    parser.add_argument("--packages", nargs="*", help="package folder names (default: every package)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pythonpath", action="append", default=[], help="a tradelint checkout to run (repeatable)")
    parser.add_argument("--select", help="flake8's --select (default: flake8's default selection)")
    parser.add_argument("--cache", action="store_true", help="each version without its cache, cold and warm")
    parser.add_argument("--modes", default="nocache,cold,warm", help="with --cache: which of them (comma-separated)")
    args = parser.parse_args(argv)

    from tradelint.cli import discover

    corpus: Path = args.corpus.expanduser()
    folders = sorted(p for p in corpus.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    if args.packages:
        folders = [p for p in folders if p.name in args.packages]
    files = [str(f.relative_to(corpus)) for f in discover(folders, None)]
    py = sys.executable
    options = ["-j", "1", *(["--select", args.select] if args.select else [])]
    work = Path(tempfile.mkdtemp(prefix="tradelint-flake8-"))
    versions = args.pythonpath or [os.environ.get("PYTHONPATH", "")]

    def env_for(pythonpath: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(work / "bytecode")
        if pythonpath:
            env["PYTHONPATH"] = pythonpath
        return env

    # ``{cache}`` in a command: the round's cache folder of that version.
    commands: list[tuple[str, list[str], dict[str, str]]] = [("plain", [py, "-c", PLAIN_FLAKE8, *options, *files], env_for(versions[0]))]
    modes = [("nocache", ["--tradelint-no-cache"]), ("cold", ["--tradelint-cache-dir", "{cache}"]),
             ("warm", ["--tradelint-cache-dir", "{cache}"])] if args.cache else [("", ["{no-cache}"])]
    if args.cache:
        modes = [m for m in modes if m[0] in args.modes.split(",")]
    for i, version in enumerate(versions):
        # A version with a cache is run without it unless told (``--cache``): every round cold.
        helps = subprocess.run(
            [py, "-m", "flake8", "--help"], cwd=corpus, capture_output=True, text=True, env=env_for(version)
        ).stdout
        no_cache = ["--tradelint-no-cache"] if "--tradelint-no-cache" in helps else []
        for mode, extra in modes if no_cache else [("", [])]:  # (a version without a cache: as it is)
            name = " ".join(filter(None, ["plugin", str(i + 1) if len(versions) > 1 else "", mode]))
            extra = [x for e in extra for x in (no_cache if e == "{no-cache}" else [e])]
            commands.append((name, [py, "-m", "flake8", *options, *extra, *files], env_for(version)))
    for name, cmd, env in commands:  # not counted: compiles what each imports
        cmd = [c.replace("{cache}", str(work / "warm-up" / name)) for c in cmd]
        run([*cmd[: len(cmd) - len(files)], *files[:50]], corpus, env)
    print(f"{len(files)} files; {args.rounds} rounds; versions: {', '.join(v or '(installed)' for v in versions)}", flush=True)
    print(f"machine: {os.cpu_count()} cores, load {' '.join(f'{x:.2f}' for x in os.getloadavg())} at start", flush=True)
    outputs: dict[str, bytes] = {}
    ratios: dict[str, list[float]] = {name: [] for name, _, _ in commands[1:]}
    for rnd in range(args.rounds):
        plain = 0.0
        for name, cmd, env in commands:
            version = name.rsplit(" ", 1)[0] if args.cache else name
            cmd = [c.replace("{cache}", str(work / f"cache-{rnd}" / version)) for c in cmd]
            sample = run(cmd, corpus, env)
            same = outputs.setdefault(name, sample.stdout) == sample.stdout
            extra = ""
            if name == "plain":
                plain = sample.cpu
            else:
                ratios[name].append(sample.cpu / plain)
                extra = f"  x plain {sample.cpu / plain:.3f}"
            print(
                f"  [{rnd + 1}] {name:<14} cpu {sample.cpu:7.2f} s  wall {sample.wall:7.2f} s  rss {sample.rss_mb:5.0f} MB"
                f"  lines {sample.stdout.count(bytes([10])):6d}{'' if same else '  OUTPUT DIFFERS from round 1'}{extra}",
                flush=True,
            )
    for name, values in ratios.items():
        print(f"{name}: median x plain {statistics.median(values):.3f} ({', '.join(f'{v:.3f}' for v in values)})")
    trd = {name: b"".join(l + b"\n" for l in out.splitlines() if b": TRD" in l) for name, out in outputs.items()}
    if len(versions) > 1:
        first = trd[commands[1][0]]
        print("TRD lines identical across versions:", all(v == first for n, v in trd.items() if n != "plain"))
    if args.cache:
        first = outputs[commands[-1][0]]
        same = all(v == first for n, v in outputs.items() if n.endswith(("nocache", "cold", "warm")))
        print("outputs identical without the cache, cold and warm:", same)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
