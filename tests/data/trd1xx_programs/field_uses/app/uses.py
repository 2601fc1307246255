"""Each of these uses ``TIMEOUT`` as a field: after a ``ClassVar`` fix it would raise."""

import dataclasses
import functools

from app.aliases import A
from app.models import Dumped, Kw, Matched, Partial, Replaced, SuperInit, TypeCall

make_partial = functools.partial(Partial, TIMEOUT=1)


class SlowInit(SuperInit):
    def __init__(self) -> None:
        super().__init__(TIMEOUT=30)


def clone(x: TypeCall) -> TypeCall:
    return type(x)(TIMEOUT=x.TIMEOUT + 1)


def describe(m: Matched) -> str:
    match m:
        case Matched(timeout, name):
            return f"{name}:{timeout}"
    return "?"


def report() -> list[str]:
    return [
        f"keyword: {Kw(TIMEOUT=3).TIMEOUT}",
        f"alias: {A(TIMEOUT=2).TIMEOUT}",
        f"partial: {make_partial().TIMEOUT}",
        f"replace: {dataclasses.replace(Replaced(), TIMEOUT=4).TIMEOUT}",
        f"super: {SlowInit().TIMEOUT}",
        f"type(x): {clone(TypeCall()).TIMEOUT}",
        f"asdict: {dataclasses.asdict(Dumped())['TIMEOUT']}",
        f"match: {describe(Matched(7, 'm'))}",
    ]
