"""``tradelint server``: a language server (needs the ``server`` extra: pygls and lsprotocol)."""
