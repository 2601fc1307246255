"""Project-made class makers marked dataclass_transform: what each does at runtime is in its code."""

import dataclasses
from typing import Any, Callable, Optional, TypeVar, overload

from typing_extensions import dataclass_transform

T = TypeVar("T")
REGISTRY: dict = {}


# Only applies the stdlib maker (registering on the way): stdlib semantics.
@dataclass_transform()
def model(cls: Optional[type] = None, *, frozen: bool = False) -> Any:
    def wrap(cls: type) -> type:
        made = dataclasses.dataclass(frozen=frozen)(cls)
        REGISTRY[made.__name__] = made
        return made

    if cls is None:
        return wrap
    return wrap(cls)


# Marked, but does nothing at runtime: a plain class.
@dataclass_transform()
def tag(cls: type) -> type:
    return cls


# Rewrites the annotations before applying the maker: a subclass's plain value becomes the
# new default of an inherited field. Unknown: nothing is claimed.
@dataclass_transform()
def record(cls: type) -> type:
    annotations = cls.__dict__.get("__annotations__", {})
    for base in cls.__mro__[1:]:
        for name, f in getattr(base, "__dataclass_fields__", {}).items():
            if name in cls.__dict__ and name not in annotations:
                annotations[name] = f.type
    cls.__annotations__ = annotations
    return dataclasses.dataclass(cls)


# Base class whose __init_subclass__ applies the stdlib maker.
@dataclass_transform()
class Entity:
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(cls)


# Marked base with nothing behind the marker: subclasses stay plain.
@dataclass_transform()
class Described:
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)


# Metaclass that applies the stdlib maker to every class it makes.
@dataclass_transform()
class RowMeta(type):
    def __new__(mcs, name: str, bases: tuple, namespace: dict, **kwargs: Any) -> Any:
        return dataclasses.dataclass(super().__new__(mcs, name, bases, namespace, **kwargs))


class Row(metaclass=RowMeta):
    pass


# A framework's metaclass (the case): a subclass's plain `name = value` becomes the
# new default of the inherited field, on purpose.
@dataclass_transform()
class ConfigMeta(type):
    def __new__(mcs, name: str, bases: tuple, namespace: dict, **kwargs: Any) -> Any:
        annotations = dict(namespace.get("__annotations__", {}))
        for base in bases:
            for field_name, f in getattr(base, "__dataclass_fields__", {}).items():
                if field_name in namespace and field_name not in annotations:
                    annotations[field_name] = f.type
        namespace["__annotations__"] = annotations
        return dataclasses.dataclass(super().__new__(mcs, name, bases, namespace, **kwargs))


class Config(metaclass=ConfigMeta):
    pass
