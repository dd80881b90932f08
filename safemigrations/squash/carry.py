"""Carry ``RunPython`` functions defined in migration files into the squashed file.

Django can refer to a function of ``app/migrations/0002_backfill.py`` only as
``app.migrations.0002_backfill.forwards`` — not Python — so its ``squashmigrations`` writes a
file that does not import ("manual porting required"). Here the function's code is copied in:
the function, and every import, constant, helper function and class of its module that it uses
(transitively), read from the module's source with ``ast``. A name that two migrations bind
differently (three migrations defining ``forwards``) is renamed after its migration's number
(``forwards_0003``) in the copied code and in the operation. The squashed file sits in the same
package as the originals, so relative imports and paths built from ``__file__`` keep working.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.migrations.operations import RunPython, SeparateDatabaseAndState
from django.db.migrations.operations.base import Operation

#: A module Django cannot name in Python: ``app.migrations.0002_x``.
_MIGRATION_MODULE = re.compile(r"(^|\.)\d[^.]*$")

_PORTING_COMMENT = re.compile(
    r"\n\n# Functions from the following migrations need manual copying\.\n(?:# .*\n?)+"
)
_CLASS_LINE = "class Migration(migrations.Migration):"


@dataclass
class Carried:
    """Code copied from migration modules, and how references to it are rewritten."""

    statements: list[str] = field(default_factory=list)
    references: dict[str, str] = field(default_factory=dict)  # dotted path -> local name
    names: list[str] = field(default_factory=list)  # "0002_x.forwards -> forwards" for reports

    def apply(self, text: str) -> str:
        """``text`` (a rendered migration) with the code inserted and references made local."""
        if not self.references:
            return text
        used = {ref: local for ref, local in self.references.items() if ref in text}
        if not used:
            return text
        for ref, local in sorted(used.items(), key=lambda kv: -len(kv[0])):
            text = text.replace(ref, local)
        text = _PORTING_COMMENT.sub("\n", text)
        block = "\n\n\n".join(self.statements)
        return text.replace(_CLASS_LINE, f"{block}\n\n\n{_CLASS_LINE}", 1)


def _functions(operations: Iterable[Operation]) -> list[Any]:
    found: list[Any] = []
    for operation in operations:
        if isinstance(operation, RunPython):
            found.extend(f for f in (operation.code, operation.reverse_code) if f is not None)
        elif isinstance(operation, SeparateDatabaseAndState):
            found.extend(_functions(operation.database_operations))
    return found


def needs_carrying(function: Any) -> bool:
    """True for a function whose module Django's writer cannot import by name."""
    module = getattr(function, "__module__", None) or ""
    return bool(_MIGRATION_MODULE.search(module)) and "<" not in function.__qualname__


def carry_functions(
    app_label: str, operations: list[Operation], migrations_by_name: dict[str, Any]
) -> Carried | None:
    """The code to copy for the ``RunPython`` functions of ``operations`` (None: nothing)."""
    wanted: dict[str, list[str]] = {}
    for function in _functions(operations):
        if needs_carrying(function):
            wanted.setdefault(function.__module__, [])
            if function.__qualname__ not in wanted[function.__module__]:
                wanted[function.__module__].append(function.__qualname__)
    if not wanted:
        return None
    carried = Carried()
    bound: dict[str, str] = {}  # local name -> the source that binds it
    for module_name in sorted(wanted, key=lambda m: m.rsplit(".", 1)[-1]):
        module = sys.modules[module_name]
        tree = ast.parse(inspect.getsource(module))
        statements = _needed(tree, wanted[module_name])
        number = module_name.rsplit(".", 1)[-1].split("_", 1)[0]
        renames: dict[str, str] = {}
        for statement in statements:
            for name in _binds(statement):
                text = ast.unparse(statement)
                if name in bound and bound[name] != text:
                    renames[name] = f"{name}_{number}"
        renamer = _Renamer(renames)
        for statement in statements:
            new = renamer.visit(statement)
            text = ast.unparse(new)
            if text in carried.statements:
                continue
            for name in _binds(new):
                bound[name] = text
            carried.statements.append(text)
        short = module_name.rsplit(".", 1)[-1]
        for qualname in wanted[module_name]:
            local = renames.get(qualname, qualname)
            carried.references[f"{module_name}.{qualname}"] = local
            carried.names.append(f"{short}.{qualname} -> {local}")
    return carried


def _binds(statement: ast.stmt) -> list[str]:
    """Top-level names a statement binds."""
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [statement.name]
    if isinstance(statement, ast.Import | ast.ImportFrom):
        return [(a.asname or a.name).split(".")[0] for a in statement.names]
    if isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return []


def _uses(statement: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}


def _needed(tree: ast.Module, functions: list[str]) -> list[ast.stmt]:
    """The top-level statements ``functions`` need, in source order (never ``Migration``)."""
    binders: dict[str, list[int]] = {}
    body = [
        s
        for s in tree.body
        if not (isinstance(s, ast.ClassDef) and s.name == "Migration")
        and not (isinstance(s, ast.ImportFrom) and s.module == "__future__")
    ]
    for index, statement in enumerate(body):
        for name in _binds(statement):
            binders.setdefault(name, []).append(index)
    keep: set[int] = set()
    todo = list(functions)
    while todo:
        name = todo.pop()
        for index in binders.get(name, []):
            if index not in keep:
                keep.add(index)
                todo.extend(_uses(body[index]))
    return [body[i] for i in sorted(keep)]


class _Renamer(ast.NodeTransformer):
    """Rename top-level names in copied code."""

    def __init__(self, renames: dict[str, str]) -> None:
        self.renames = renames

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id in self.renames:
            node.id = self.renames[node.id]
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        self.generic_visit(node)
        node.name = self.renames.get(node.name, node.name)
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.ClassDef:
        self.generic_visit(node)
        node.name = self.renames.get(node.name, node.name)
        return node

    def visit_alias(self, node: ast.alias) -> ast.alias:
        local = (node.asname or node.name).split(".")[0]
        if local in self.renames and "." not in node.name:
            node.asname = self.renames[local]
        return node
