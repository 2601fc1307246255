"""Subcommands of ``tradelint`` other than ``check``, one module each, listed in ``cli.SUBCOMMANDS``."""
