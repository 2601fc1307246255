"""A third-party schema library: dataclass bases and dataclass_transform helpers."""
