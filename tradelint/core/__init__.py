"""Foundations: findings, the rule registry, configuration, files, globs, suppression, messages."""
