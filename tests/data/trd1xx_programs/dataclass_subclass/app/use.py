from app.base import Schema


def adhoc(key: str) -> Schema:
    return Schema(KEY=key)
