"""Labels, imported by the worker: the package's modules import each other."""


def label(name: str) -> str:
    return f"[{name}]"
