"""attrs reads a deferred annotation's text: it knows ClassVar only by these prefixes
(`typing.ClassVar`, `t.ClassVar`, `ClassVar`, `typing_extensions.ClassVar`)."""

from __future__ import annotations

import typing_extensions as te
from typing import TYPE_CHECKING

import attrs
from typing_extensions import ClassVar as CV

if TYPE_CHECKING:
    from typing import ClassVar


@attrs.define
class Limits:
    # Only imported for type checkers, but attrs goes by the text: not a field.
    REGISTRY: ClassVar[dict] = {}  # runtime: seen
    # An alias attrs cannot read: a field at runtime, though spelled ClassVar (not claimed).
    ALIASED: CV[int] = 1  # runtime: shadowed -- spelled ClassVar, a field at runtime
    MODULE_ALIAS: te.ClassVar[int] = 2  # runtime: shadowed -- spelled ClassVar, a field at runtime
    MAX_ORDERS: int = 10  # error: TRD101


class StrictLimits(Limits):
    REGISTRY = {"strict": 1}  # runtime: seen
    ALIASED = 5  # error: TRD102
    MAX_ORDERS = 1  # error: TRD102
