from typing import Any

from typing_extensions import dataclass_transform

@dataclass_transform(kw_only_default=True)
class ModelMetaclass(type): ...

class BaseModel(metaclass=ModelMetaclass):
    def __init__(self, **data: Any) -> None: ...
