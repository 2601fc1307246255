"""``python -m flake8_tradelint``, kept for scripts written before the product moved to
``tradelint``: the same as ``python -m tradelint`` (the ``tradelint`` script's entry point)."""

from tradelint.__main__ import main

if __name__ == "__main__":
    main()
