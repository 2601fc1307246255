"""Regenerate the stored fixed outputs: ``python -m tests.update_fixed``. Read the diff before committing."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import FIXTURES
from tests.fixes import FIXED_SUFFIX, fix_tree, fixture_files


def main() -> None:
    outcome = fix_tree(FIXTURES)
    for path in fixture_files():
        stored = path.with_name(path.name + FIXED_SUFFIX)
        new = outcome.new_texts.get(Path(os.path.abspath(path)))
        if new is None:
            stored.unlink(missing_ok=True)
        else:
            stored.write_text(new, encoding="utf-8")
    for error in outcome.errors:
        print(error)


if __name__ == "__main__":
    main()
