"""Makers in another module, reached through aliases; __init_subclass__ that writes the class."""

import dataclasses
import functools
import logging
from typing import Any

from typing_extensions import dataclass_transform

from oracle_makers.makers import model

# A partial of the stdlib maker, in another module than its users.
frozen_record = functools.partial(dataclasses.dataclass, frozen=True)
# An alias of a project maker.
entity = model


# Writes class attributes for each subclass before its decorator runs: what the body's values
# become is this hook's business (unknown).
@dataclass_transform()
class Versioned:
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, value in list(vars(cls).items()):
            if name.isupper() and isinstance(value, str):
                setattr(cls, name, value.upper())
        dataclasses.dataclass(cls)


class Unmarked:
    """No marker, but its __init_subclass__ applies the stdlib maker: the runtime decides."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(cls)


REGISTERED: list = []


def register(cls: type) -> type:
    logging.getLogger(__name__).debug("registered %s", cls.__name__)
    REGISTERED.append(cls)
    return cls
