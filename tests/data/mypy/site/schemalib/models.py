import dataclasses
from typing import Any, TypeVar

from typing_extensions import dataclass_transform

T = TypeVar("T")


# Each maker applies the stdlib maker: the core follows its installed source to know it.
@dataclass_transform(kw_only_default=True)
class ModelBase:
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(kw_only=True)(cls)


class Model(ModelBase):
    CHANNEL: str = "default"
    retries: int = 3


@dataclass_transform()
def record(cls: type[T]) -> type[T]:
    return dataclasses.dataclass(cls)


@dataclass_transform()
class ModelMeta(type):
    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any) -> Any:
        return dataclasses.dataclass(super().__new__(mcs, name, bases, namespace, **kwargs))


class MetaModel(metaclass=ModelMeta):
    pass


# Marked, with nothing behind the marker at runtime: its subclasses are plain classes.
@dataclass_transform()
class Struct:
    pass
