"""Running checks and fixes over many files: the per-file engine, the cache and workers, ``--fix``."""
