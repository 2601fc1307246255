"""The one place the version is written (``pyproject.toml`` reads it; see RELEASING in README)."""

__version__ = "0.2.0"
