from __future__ import annotations

import ast
from typing import Iterator

from tradelint.core import trigger_words
from tradelint.core.messages import fit, fit_help
from tradelint.core.registry import Report, Rule
from tradelint.facts.file_context import FileContext
from tradelint.models.dataclasses.dataclass_model import class_model
from tradelint.models.dataclasses.field_intent import reported_constants
from tradelint.models.dataclasses.fixes import classvar_fix


class DataclassConstantWithoutClassVar(Rule):
    """## What it does
    Flags an UPPER_CASE name with a default, annotated without `ClassVar`, in a dataclass-like class
    (`@dataclass`, pydantic dataclasses, attrs, and a project's or library's own maker whose code
    is seen to apply one of them; a maker that does more, such as rewriting the namespace, is not
    judged).

    Not when the project proves the name is meant as a field: a constructor keyword names it
    (`Params(ORDER_SIDE="BUY")`, `replace(p, ORDER_SIDE=...)`, `**{"ORDER_SIDE": ...}`), or the
    class's own methods set it on the instance (`self.ORDER_SIDE = ...` in `__post_init__`, or
    `setattr(self, f.name, ...)` for every `f` in `fields(self)`). Such a class holds parameters
    that happen to be UPPER_CASE:

    ```python
    @dataclass
    class OrderParams:
        EXTRA_PARAMS: Optional[str] = None  # not reported: set per instance below

        def __post_init__(self) -> None:
            self.EXTRA_PARAMS = json.loads(self.EXTRA_PARAMS or "{}")
    ```

    Reads are no such proof (incident 001 read `schema.CACHE_KEY`), and a subclass that sets the
    name as a class attribute (`CACHE_KEY = "analysis:signals"`, TRD102) shows it is meant as a
    constant: then it is reported whatever else the project does.

    ## Why is this bad?
    The annotation makes it an instance field. Every instance gets the base's default from
    `__init__`, so a subclass that sets the constant as a class attribute is silently ignored:
    `schema.CACHE_KEY` is `""` while `SignalsSchema.CACHE_KEY` is `"analysis:signals"`.

    ## Example
    ```python
    from dataclasses import dataclass

    @dataclass
    class CacheSchema:
        CACHE_KEY: str = ""
    ```

    ## Use instead
    ```python
    from dataclasses import dataclass
    from typing import ClassVar

    @dataclass
    class CacheSchema:
        CACHE_KEY: ClassVar[str] = ""
    ```

    ## Fix safety
    Safe only when every module of the project was searched and nothing uses the name as a field
    (constructor calls through aliases, `partial`, `replace`, `super().__init__`, `type(x)(...)`;
    `asdict`/`astuple`/`fields`; `match` class patterns; instance writes; a dataclass subclass
    that re-declares it), and the class is not public in an installable package. Unsafe when
    something may observe the change; no fix when the program would break (a call passes the
    name), for a callable value (it would become a method), and for `Final` before Python 3.13.
    """

    code = "TRD101"
    triggers = trigger_words.DATACLASS_WORDS
    name = "dataclass-constant-without-classvar"
    incident = "001"
    fix_availability = "sometimes"

    @staticmethod
    def message(name: str, cls: str) -> str:
        return fit("`{name}` in dataclass `{cls}` is an instance field; annotate it `ClassVar[...]`", name=name, cls=cls)

    @staticmethod
    def help(name: str) -> str:
        return fit_help("`__init__` sets the default on every instance, so a subclass's `{name}` is never seen", name=name)

    def check(self, ctx: FileContext) -> Iterator[Report]:
        module = ctx.module
        for node in module.index.classes:
            model = class_model(module, node)
            if not model.known:
                continue  # a plain class, or a maker whose runtime is not known: nothing claimed
            for stmt in reported_constants(module, node):
                assert isinstance(stmt.target, ast.Name)
                name = stmt.target.id
                yield Report(stmt, self.message(name, node.name), classvar_fix(model, stmt), self.help(name))
