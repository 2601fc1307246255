"""A stand-in for discord.py: only what the program needs (no network, nothing installed)."""
