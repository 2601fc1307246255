from __future__ import annotations

import ast
import difflib
import sys
from pathlib import Path
from typing import Iterator

from tradelint.core.messages import Text, fit, fit_help, short_type
from tradelint.core.registry import Report, Rule
from tradelint.facts.file_context import FileContext
from tradelint.models.renames.attribute_guards import guarded
from tradelint.models.renames.class_members import MIN_LENGTH
from tradelint.facts.requirements import allows_major, declared
from tradelint.models.renames.library_classes import installed_release, library_members, version_of
from tradelint.models.renames.receiver_types import UNKNOWN, find_class, types_for
from tradelint.models.renames.rename_model import facts_for, rename_sites


class MissingLibraryAttribute(Rule):
    """## What it does
    Flags `obj.name` where `obj` is proven to be an instance (or the class) of a class from an
    installed package (a constructor, a parameter, variable or attribute annotation, a return
    annotation) and no class of its hierarchy defines `name`: tradelint reads the class and its
    bases from the installed source or stubs (`.pyi` first), without importing them. Methods,
    properties, class attributes, annotations, `__slots__` and every attribute the class's methods
    assign count as defined. A class with `__getattr__`/`__getattribute__`, `setattr` or
    `__dict__` writes, a metaclass, an unknown decorator or base, or an abstract or protocol base
    may have more, and is never reported; nor is an access guarded by `hasattr`, a `getattr` with a
    default, or `except AttributeError`. Without the package installed, nothing is reported; nor
    when the project's own declaration (`requirements*.txt`, `pyproject.toml`, `setup.cfg`, a Home
    Assistant `manifest.json`) names a major series the installed release is not of
    (`web3==5.28.0` with web3 7 installed): the code is written for the release it runs on.

    ## Why is this bad?
    The access raises `AttributeError` on the path that reads it, often only in production. Library
    upgrades rename attributes without any rename map saying so: incident 000 read `vat.spot_map`
    where driftpy's `Vat` has only ever had `spot_markets`.

    ## Example
    ```python
    from driftpy.pickle.vat import Vat

    def spot_count(vat: Vat) -> int:
        return len(vat.spot_map)
    ```

    ## Use instead
    ```python
    from driftpy.pickle.vat import Vat

    def spot_count(vat: Vat) -> int:
        return len(vat.spot_markets)
    ```

    ## Fix safety
    No automatic fix: the suggestion is the closest name the class has, not necessarily the meant
    one. When a library renamed it, a rename pack or `renames` entry gives TRD401 and its fix.
    """

    code = "TRD404"
    triggers = ("import",)
    preview = True
    name = "missing-library-attribute"
    incident = "000"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        module = ctx.module
        if not module.imports.names:
            return  # no import, no installed class
        types = types_for(module, facts_for(ctx.config.rename_packs))
        stored = {node.attr for node in module.index.attributes if not isinstance(node.ctx, ast.Load)}
        # Per type: the members of the installed class it names, None when not one or open.
        classes: dict[str, frozenset[str] | None] = {}
        # A `renames` or pack entry already reports these, with the new name and a fix.
        renamed = {id(site.node) for site in rename_sites(ctx) if site.proven} if ctx.config.all_renames else set()
        for node in module.index.attributes:
            attr = node.attr
            if type(node.ctx) is not ast.Load or attr in stored or (attr.startswith("__") and attr.endswith("__")):
                continue
            type_name = types.receiver_type(node.value, node)
            if type_name == UNKNOWN or type_name.split(".", 1)[0] in sys.stdlib_module_names or "." not in type_name:
                continue
            if type_name not in classes:
                # A first-party class, or an installed release the project says it does not run on.
                unread = find_class(module, type_name) is not None or declared_elsewhere(
                    module.path.parent, type_name.split(".", 1)[0]
                )
                classes[type_name] = None if unread else library_members(type_name, module.roots, module.project)
            members = classes[type_name]
            if members is None or attr in members or id(node) in renamed or guarded(module, node):
                continue
            text = _text(ast.unparse(node.value), attr, type_name, closest(attr, members))
            yield Report(node, text.message, help=text.help)


def declared_elsewhere(folder: Path, top: str) -> bool:
    """Whether the project declares a release of the distribution providing module ``top`` whose
    major series the installed one is not (``web3==5.28.0`` beside web3 7 installed): the names it
    reads are those of the release it runs on, which is not the one read here."""
    release = installed_release(top)
    if release is None:
        return False
    specifiers = declared(folder, release[0])
    return specifiers is not None and not allows_major(specifiers, release[1])


def _text(receiver: str, attr: str, type_name: str, suggestion: str | None) -> Text:
    """The class by its own name in the message; in the help, in full with the installed
    version that was read."""
    hint = "did you mean `{suggestion}`?" if suggestion else "check the name against its API"
    names = {"receiver": receiver, "attr": attr, "cls": short_type(type_name), "suggestion": suggestion or ""}
    version = version_of(type_name.split(".", 1)[0])
    installed = "{version}, installed" if version else "installed"
    return Text(
        fit("`{receiver}.{attr}` is not defined on `{cls}`; " + hint, **names),
        fit_help("`{type}` (" + installed + ") lacks it: reading it raises `AttributeError`",
                 type=type_name, version=version or ""),
    )


def closest(name: str, members: frozenset[str]) -> str | None:
    """The existing name ``name`` most likely stands for: same letters in another case, or the
    closest spelling (``spot_map`` -> ``spot_markets``)."""
    if len(name) < MIN_LENGTH:
        return None  # too short for a suggestion to mean anything (`mid` -> `bid`)
    public = sorted(m for m in members if not (m.startswith("__") and m.endswith("__")))
    normal = name.replace("_", "").lower()
    same = [m for m in public if m.replace("_", "").lower() == normal]
    if same:
        return same[0]
    close = difflib.get_close_matches(name, public, n=1, cutoff=0.6)
    return close[0] if close else None
