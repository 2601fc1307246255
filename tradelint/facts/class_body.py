"""What a class body's annotated statements are, read from syntax alone: an annotation's head,
whether it is a runtime ``ClassVar`` or not a field at all, whether a name has a default. The
summaries record these facts per class (``field_facts``); the dataclass model reads them under
whichever maker made the class.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Literal

from tradelint.facts.context import ModuleInfo
from tradelint.facts.summary_data import AttrsInit, FieldFacts
from tradelint.facts.syntax import parse_expression

# What made a class dataclass-like; "unknown" when its maker does more than the stdlib.
Kind = Literal["dataclass", "pydantic", "attrs", "unknown"]

# attrs: ``auto`` makes every annotation a field, ``explicit`` only ``attr.ib``/``attrs.field``
# assignments, ``detect`` is ``attrs.define``'s choice between the two, made from the class body.
AttrsMode = Literal["auto", "explicit", "detect"]


@dataclass(frozen=True)
class Maker:
    kind: Kind
    attrs_mode: AttrsMode = "auto"


STDLIB_DATACLASS = {"dataclasses.dataclass"}
PYDANTIC_DATACLASS = {"pydantic.dataclasses.dataclass"}
ATTRS_DECORATORS = {
    "attrs.define", "attrs.frozen", "attrs.mutable",
    "attr.define", "attr.frozen", "attr.mutable",
}
ATTRS_AUTO = {"attr.dataclass"}
# These make fields of annotations only with ``auto_attribs=True``.
ATTRS_CLASSIC = {"attr.s", "attr.attrs", "attr.attributes", "attrs.attrs"}


def known_maker(qualified: str | None, call: ast.Call | None) -> Maker | None:
    """The maker a decorator's full name means, with its call's options (``auto_attribs``)."""
    if qualified is None:
        return None
    if qualified in STDLIB_DATACLASS:
        return Maker("dataclass")
    if qualified in PYDANTIC_DATACLASS:
        return Maker("pydantic")
    auto = constant_keyword(call, "auto_attribs")
    if qualified in ATTRS_AUTO:
        return Maker("attrs", "auto")
    if qualified in ATTRS_DECORATORS:
        return Maker("attrs", "auto" if auto is True else "explicit" if auto is False else "detect")
    if qualified in ATTRS_CLASSIC:
        return Maker("attrs", "auto" if auto is True else "explicit")
    return None


def constant_keyword(call: ast.Call | None, name: str) -> object:
    if call is None:
        return None
    for keyword in call.keywords:
        if keyword.arg == name and isinstance(keyword.value, ast.Constant):
            return keyword.value.value
    return None


CLASSVAR = {"typing.ClassVar", "typing_extensions.ClassVar"}


NOT_FIELDS = {"dataclasses.InitVar", "dataclasses.KW_ONLY"}


FIELD_FACTORIES = {
    "dataclasses.field", "attrs.field", "attr.ib", "attr.attrib", "attr.attr", "attr.field",
    "attrs.Factory", "attr.Factory",
    "pydantic.Field", "pydantic.fields.Field", "pydantic.dataclasses.Field",
}


# attrs' explicit fields: in a class without ``auto_attribs`` only these are fields.
ATTRS_FIELDS = {"attrs.field", "attr.ib", "attr.attrib", "attr.attr", "attr.field"}


# attrs recognises ``ClassVar`` by the annotation's text (``attr._make._is_class_var``).
ATTRS_CLASSVAR_PREFIXES = ("typing.ClassVar", "t.ClassVar", "ClassVar", "typing_extensions.ClassVar")


def _terminal_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_attrs_field(module: ModuleInfo, value: ast.expr | None) -> bool:
    return isinstance(value, ast.Call) and module.imports.qualify(value.func) in ATTRS_FIELDS


def annotation_head(module: ModuleInfo, annotation: ast.expr) -> ast.expr | None:
    """The outer name of an annotation (``ClassVar`` in ``ClassVar[int]``), strings parsed."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = parse_expression(annotation.value.strip())
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.value
    return annotation if isinstance(annotation, (ast.Name, ast.Attribute)) else None


def _is_string(module: ModuleInfo, annotation: ast.expr) -> bool:
    """Whether the maker receives the annotation as text (quoted, or annotations deferred)."""
    return module.index.future_annotations or (
        isinstance(annotation, ast.Constant) and isinstance(annotation.value, str)
    )


def _stdlib_string_is(module: ModuleInfo, head: ast.expr, names: set[str], module_name: str) -> bool | None:
    """``dataclasses._is_type`` on a string annotation: a bare name is looked up in the class's
    module globals; ``m.Name`` counts only when ``m`` is bound to the module ``module_name`` itself
    (so ``"typing_extensions.ClassVar[int]"`` is a field). None: cannot tell (star import)."""
    if isinstance(head, ast.Name):
        qualified = module.imports.qualify(head)
        if qualified is None:
            return None
        return qualified in names and head.id not in module.imports.type_checking_only
    if isinstance(head, ast.Attribute) and isinstance(head.value, ast.Name):
        prefix = head.value.id
        return (
            module.imports.names.get(prefix) == module_name
            and prefix not in module.imports.type_checking_only
            and f"{module_name}.{head.attr}" in names
        )
    return False


def _runtime_classvar(module: ModuleInfo, annotation: ast.expr, head: ast.expr, kind: Kind | None) -> bool:
    """``is_runtime_classvar`` of an annotation whose head is ``head``."""
    if not _is_string(module, annotation):
        # ``classvar_binding`` is not None: evaluated, a TYPE_CHECKING-only name fails loudly at
        # import.
        qualified = module.imports.qualify(head)
        return qualified in CLASSVAR if qualified is not None else _terminal_name(head) == "ClassVar"
    if kind == "attrs":
        text = annotation.value if isinstance(annotation, ast.Constant) else ast.unparse(annotation)
        text = str(text).strip()
        if text[:1] in ("'", '"') and text[-1:] in ("'", '"'):
            text = text[1:-1]
        return text.startswith(ATTRS_CLASSVAR_PREFIXES)
    found = _stdlib_string_is(module, head, CLASSVAR, "typing")
    if found is None:
        return _terminal_name(head) == "ClassVar"
    return found


def _not_a_field(module: ModuleInfo, annotation: ast.expr, head: ast.expr) -> bool:
    """``is_not_a_field`` (not attrs) of an annotation whose head is ``head``."""
    if _is_string(module, annotation):
        found = _stdlib_string_is(module, head, NOT_FIELDS, "dataclasses")
        if found is not None:
            return found
        return _terminal_name(head) in {"InitVar", "KW_ONLY"}
    qualified = module.imports.qualify(head)
    if qualified is not None:
        return qualified in NOT_FIELDS
    return _terminal_name(head) in {"InitVar", "KW_ONLY"}


def _is_field_callee(value: ast.Call, qualified: str | None) -> bool:
    """``is_field_call`` of a call whose callee qualifies to ``qualified``."""
    if qualified is not None:
        return qualified in FIELD_FACTORIES or qualified.endswith((".field", ".Field"))
    return _terminal_name(value.func) in {"field", "Field", "ib", "attrib"}


def _has_default(module: ModuleInfo, value: ast.expr | None) -> bool:
    if value is None:
        return False
    if not isinstance(value, ast.Call):
        return True
    return _call_has_default(value, module.imports.qualify(value.func))


def field_facts(module: ModuleInfo, node: ast.ClassDef) -> tuple[FieldFacts, ...]:
    """The statements of a class body that ``_own_fields`` can take, with what it asks of each
    under any maker: the summary's share of the dataclass model."""
    found: list[FieldFacts] = []
    for stmt in node.body:
        if isinstance(stmt, ast.Assign):
            if len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and _is_attrs_field(module, stmt.value):
                default = _has_default(module, stmt.value)
                found.append(FieldFacts(stmt.targets[0].id, stmt.lineno, False, True, default, False, False))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            value = stmt.value
            # ``_is_attrs_field`` and ``_has_default`` of the value, qualifying its callee once.
            if isinstance(value, ast.Call):
                callee = module.imports.qualify(value.func)
                attrs_field = callee in ATTRS_FIELDS
                has_default = _call_has_default(value, callee)
            else:
                attrs_field = False
                has_default = value is not None
            found.append(
                FieldFacts(stmt.target.id, stmt.lineno, True, attrs_field, has_default, *_classvar_facts(module, stmt.annotation))
            )
    return tuple(found)


def _call_has_default(value: ast.Call, qualified: str | None) -> bool:
    """``_has_default`` of a call whose callee qualifies to ``qualified``."""
    if not _is_field_callee(value, qualified):
        return True
    if qualified in ("attr.ib", "attr.attrib", "attr.attr") and value.args:
        return True  # ``attr.ib(default)``: the first positional parameter
    if (qualified or "").endswith("Factory"):
        return True
    return any(kw.arg in ("default", "default_factory", "factory") for kw in value.keywords)


def _classvar_facts(module: ModuleInfo, annotation: ast.expr) -> tuple[bool, bool]:
    """``is_runtime_classvar(.., "attrs")``, and ``is_runtime_classvar(.., "dataclass") or
    is_not_a_field(.., "dataclass")``: the same answers, with the annotation's head found (a
    string annotation parsed) once instead of up to five times."""
    head = annotation_head(module, annotation)
    if head is None:
        return False, False
    return (
        _runtime_classvar(module, annotation, head, "attrs"),
        _runtime_classvar(module, annotation, head, "dataclass") or _not_a_field(module, annotation, head),
    )


def attrs_detect(module: ModuleInfo, node: ast.ClassDef) -> AttrsMode:
    """``attrs.define``: annotations are fields unless an unannotated ``attrs.field()`` is present."""
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and _is_attrs_field(module, stmt.value):
            return "explicit"
    return "auto"


# An ``__init__`` a maker generates: (parameter, the attribute it is stored in, its position; None
# when keyword-only or when a base's fields may come first).
InitParams = list[tuple[str, str, "int | None"]]


def generated_init(module: ModuleInfo, node: ast.ClassDef, facts: tuple[FieldFacts, ...]) -> tuple[InitParams, AttrsInit | None]:
    """The parameters of the ``__init__`` that ``dataclasses.dataclass`` or an attrs maker
    generates for ``node``, each stored in its field's attribute, and for attrs what the positions
    of a class with bases are computed from. Empty unless such a maker made the class and the
    class writes no ``__init__`` of its own (issue 28, session 37: ``ModelContext(client=c)``
    keeps ``c`` as any ``__init__`` storing ``self.client = client`` does; session 50: attrs,
    apscheduler's ``RedisEventBroker(client)``).

    attrs differs from the stdlib in three ways read here: which statements are fields (its
    ``auto_attribs``), a field's parameter (``_x`` takes ``x`` unless ``alias=`` says
    otherwise), and a field's own ``kw_only=True``/``init=False``, which move no other field."""
    maker: Maker | None = None
    call: ast.Call | None = None
    by_mro = False
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        qualified = module.imports.qualify(call.func if call is not None else decorator)
        maker = known_maker(qualified, call)
        if maker is not None and maker.kind in ("dataclass", "attrs"):
            by_mro = qualified in ATTRS_DECORATORS or constant_keyword(call, "collect_by_mro") is True
            break
        maker = None
    if maker is None or any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__init__" for s in node.body):
        return [], None
    if constant_keyword(call, "init") is False:
        return [], None
    attrs = maker.kind == "attrs"
    keyword_only = constant_keyword(call, "kw_only") is True
    explicit = attrs and (maker.attrs_mode if maker.attrs_mode != "detect" else attrs_detect(module, node)) == "explicit"
    # The stdlib's positions start after its bases' fields, unread here; attrs' are computed over
    # the family (``facts.attrs_init``).
    positional = not keyword_only and not node.bases
    found: InitParams = []
    own: list[str] = []  # attrs: the own fields taken positionally
    for field in facts:
        if attrs and not (field.attrs_field if explicit else field.annotated and not field.attrs_classvar):
            continue
        if not attrs and (not field.annotated or field.not_a_field):
            continue
        stmt = next((s for s in node.body if isinstance(s, (ast.AnnAssign, ast.Assign)) and s.lineno == field.line), None)
        value = stmt.value if stmt is not None else None
        options = {k.arg: k.value for k in value.keywords if k.arg} if isinstance(value, ast.Call) else {}
        if not attrs:
            if any(isinstance(o := options.get(k), ast.Constant) and o.value in (False, True) for k in ("init", "kw_only")):
                positional = False  # ``field(init=False)`` / ``field(kw_only=True)``: not followed
                if _false(options.get("init")):
                    continue
            found.append((field.name, field.name, len(found) if positional else None))
            continue
        if not field.attrs_field:
            options = {}  # a default made by a call (``x: Foo = Foo(init=False)``), not a field's options
        init, kw_only, alias = options.get("init"), options.get("kw_only"), options.get("alias")
        if _false(init):
            continue
        if any(o is not None and not isinstance(o, ast.Constant) for o in (init, kw_only)):
            keyword_only, positional = True, False  # options not read: no position is claimed
            own.clear()
        param = alias.value if isinstance(alias, ast.Constant) and isinstance(alias.value, str) else field.name.lstrip("_")
        taken = not keyword_only and not (isinstance(kw_only, ast.Constant) and kw_only.value is True)
        if taken:
            own.append(field.name)
        if alias is None or isinstance(alias, ast.Constant):
            found.append((param, field.name, len(own) - 1 if taken and positional else None))
    return found, (AttrsInit(keyword_only, tuple(own), by_mro) if attrs else None)


def _false(option: ast.expr | None) -> bool:
    return isinstance(option, ast.Constant) and option.value is False
