"""The memory budget of a bounded :class:`~tradelint.facts.context.Project`: how much source it
keeps parsed between two files, and how many modules' plain-data facts it keeps past their trees
(``context`` reads both when a project is made; tests and benchmarks set them there)."""

from __future__ import annotations

import os

# Source kept parsed between two files, for cross-module lookups, in characters (or bytes) of
# source: the trees and indexes take about 35 times that. A run that parses more forgets the
# least recently used modules, and every memo built on them, between two files (never during one,
# so that one file's analyses see one tree per module). 2.25 MiB of source is a whole package of
# most projects; the corpus's largest module alone is 2.8 MiB (telethon's generated types). 4 MiB
# took the whole-corpus check (``--no-cache --jobs 1``) to a 324 MB peak, 3 MiB to 267 MB, for the
# same CPU within the noise (46.1 against 45.1 s, session 12). Since the rules grew, 3 MiB took it
# to 299,432 KB, 2.5 MiB to 289,432 KB and 2.25 MiB to 277,272 KB (session 45: ccxt's 100 large
# exchange modules are the peak, which the issue bounds at 300 MB).
MODULE_BUDGET = 9 * 2**20 // 4
# For benchmarks and stress runs: findings must not depend on it, only time and memory.
if os.environ.get("TRADELINT_MODULE_BUDGET", "").isdigit():
    MODULE_BUDGET = int(os.environ["TRADELINT_MODULE_BUDGET"])
# Modules whose plain-data facts (summaries, where each file's module is, lasting verdicts) a
# bounded project keeps outside the budget. Each costs 2.5 to 4 KB (a summary is about 1 % of
# its tree), so a run over tens of thousands of files would grow with their number (4.5 KB per
# file on a generated monorepo: +170 MB from 12,500 to 50,000 files): past this many, the oldest
# half is forgotten between two files, and asked again, a summary is read again from its tree
# (parsed again if it is not kept). 8,192 summaries are about 30 MB; a project of fewer modules
# (the 5,796-file corpus) forgets none.
SUMMARY_LIMIT = 8192
