from typing import TypeVar

from typing_extensions import dataclass_transform

T = TypeVar("T")

@dataclass_transform()
def dataclass(cls: type[T]) -> type[T]: ...
