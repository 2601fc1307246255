"""A Home Assistant-style entity description: a base made by a metaclass that keeps a frozen
dataclass beside the class, and hands a subclass its parent's annotations so that a plain
`name = value` there becomes the new default (written for these tests, after the pattern)."""

import dataclasses
from typing import Any

from typing_extensions import dataclass_transform


@dataclass_transform(field_specifiers=(dataclasses.field,), frozen_default=True, kw_only_default=True)
class FrozenOrThawedLike(type):
    def __new__(mcs, name: str, bases: tuple, namespace: dict, frozen_or_thawed: bool = False, **kwargs: Any) -> Any:
        namespace["_frozen_or_thawed"] = frozen_or_thawed
        return super().__new__(mcs, name, bases, namespace)

    def __init__(cls, name: str, bases: tuple, namespace: dict, **kwargs: Any) -> None:
        if namespace["_frozen_or_thawed"]:
            fields = [(n, t, dataclasses.field(default=getattr(cls, n, None))) for n, t in cls.__annotations__.items()]
            cls._dataclass = dataclasses.make_dataclass(name + "_dataclass", fields, frozen=True, kw_only=True)
            cls.__init__ = cls._dataclass.__init__
            return
        parent = cls.__mro__[1]
        if dataclasses.is_dataclass(parent) or not hasattr(parent, "_dataclass"):
            return
        cls.__annotations__ = {**parent._dataclass.__annotations__, **cls.__dict__.get("__annotations__", {})}


class EntityDescription(metaclass=FrozenOrThawedLike, frozen_or_thawed=True):
    key: str = ""
    has_entity_name: bool = False
    ICON: str = "mdi:eye"
