"""Fixes: rules describe them on ``ast`` nodes; libcst applies them, only to files that need it."""
