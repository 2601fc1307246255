from typing import Any, TypeVar

from typing_extensions import dataclass_transform

T = TypeVar("T")


@dataclass_transform(kw_only_default=True)
class ModelBase:
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)


class Model(ModelBase):
    CHANNEL: str = "default"
    retries: int = 3


@dataclass_transform()
def record(cls: type[T]) -> type[T]:
    return cls


@dataclass_transform()
class ModelMeta(type):
    pass


class MetaModel(metaclass=ModelMeta):
    pass
