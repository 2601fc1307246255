import dataclasses
from typing import Any

from typing_extensions import dataclass_transform


@dataclass_transform(frozen_default=True)
def frozen_model(cls: type) -> type:
    return dataclasses.dataclass(frozen=True)(cls)


# Settings: a subclass's plain value becomes the field's new default.
@dataclass_transform()
class SettingsMeta(type):
    def __new__(mcs, name: str, bases: tuple, namespace: dict, **kwargs: Any) -> Any:
        annotations = dict(namespace.get("__annotations__", {}))
        for base in bases:
            for field_name, f in getattr(base, "__dataclass_fields__", {}).items():
                if field_name in namespace and field_name not in annotations:
                    annotations[field_name] = f.type
        namespace["__annotations__"] = annotations
        return dataclasses.dataclass(super().__new__(mcs, name, bases, namespace, **kwargs))


class Settings(metaclass=SettingsMeta):
    pass


# Marked, with nothing behind the marker at runtime.
@dataclass_transform()
class Struct:
    pass
