"""Annotations deferred: dataclasses reads ClassVar from the text, looked up in this module."""

from __future__ import annotations

import dataclasses
import typing
import typing as t
import typing_extensions
from dataclasses import dataclass
from typing import TYPE_CHECKING

from typing_extensions import ClassVar as ExtClassVar

if TYPE_CHECKING:
    from typing import ClassVar


@dataclass
class Deferred:
    KEY: ClassVar[str] = ""  # error: TRD103
    LABEL: typing.ClassVar[str] = "label"  # runtime: seen
    TAG: t.ClassVar[str] = "tag"  # runtime: seen
    EXT_ALIAS: ExtClassVar[str] = "ext"  # runtime: seen
    # dataclasses accepts only the `typing` module before the dot: this one is a field, though
    # spelled ClassVar (not claimed: no rule words it yet).
    EXT: typing_extensions.ClassVar[str] = "ext"  # runtime: shadowed -- spelled ClassVar, a field at runtime
    LIMIT: int = 5  # error: TRD101
    ttl: int = 5  # runtime: shadowed -- lower case


class DeferredChild(Deferred):
    KEY = "child"  # error: TRD102
    LABEL = "child"  # runtime: seen
    EXT = "child"  # error: TRD102
    LIMIT = 6  # error: TRD102


@dataclasses.dataclass(frozen=True)
class FrozenDeferred:
    WINDOW: "int" = 5  # error: TRD101
