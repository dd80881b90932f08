"""SM606: renaming a function, type, domain, schema or enum value that code still uses.

Sequence renames are not reported: nothing in running code names a sequence (defaults store its
oid, Django resets sequences through ``pg_get_serial_sequence``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pglast import ast, enums

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts, relname

OT = enums.ObjectType

# Renamed objects this rule judges (tables, views and columns are SM601/SM602's). Sequences are
# not: code reaches them through the column default (``nextval('…'::regclass)`` stores the
# sequence's oid, which a rename keeps) or ``pg_get_serial_sequence`` (which follows it), and
# Django's ORM never names a sequence.
_KINDS = {
    OT.OBJECT_FUNCTION: "function",
    OT.OBJECT_PROCEDURE: "procedure",
    OT.OBJECT_ROUTINE: "routine",
    OT.OBJECT_AGGREGATE: "aggregate",
    OT.OBJECT_TYPE: "type",
    OT.OBJECT_DOMAIN: "domain",
    OT.OBJECT_SCHEMA: "schema",
    OT.OBJECT_ATTRIBUTE: "attribute",
}

# Statements that create one of those objects, and how to read its name.
_CREATES: dict[type, Any] = {
    ast.CreateSeqStmt: lambda n: relname(n.sequence),
    ast.CreateFunctionStmt: lambda n: _dotted(n.funcname),
    ast.CompositeTypeStmt: lambda n: relname(n.typevar),
    ast.CreateEnumStmt: lambda n: _dotted(n.typeName),
    ast.CreateRangeStmt: lambda n: _dotted(n.typeName),
    ast.CreateDomainStmt: lambda n: _dotted(n.domainname),
    ast.DefineStmt: lambda n: _dotted(n.defnames),
    ast.CreateSchemaStmt: lambda n: n.schemaname or "",
}


class RenameObject(Rule):
    """Servers on the previous release, views and functions keep using the old name and fail."""

    id = "SM606"
    name = "rename-object"
    severity = Severity.WARNING
    title = "Function, type, schema, type attribute or enum value renamed"
    message = "{what}: running code that uses the old name fails"
    why = (
        "The rename itself is instant (a brief lock on the object), but everything that names "
        "the old object breaks at once: application servers still on the previous release "
        "(raw SQL, `RunSQL`, enum values written by the ORM as strings), and function bodies, which PostgreSQL stores as text and resolves at call "
        'time. They fail with "does not exist" or "invalid input value for enum" until every '
        "caller is deployed again."
    )
    fix = (
        "Expand, then contract: create the object under its new name next to the old one (a new "
        "function, sequence or type; for an enum value, `ALTER TYPE … ADD VALUE 'new'` in a "
        "migration of its own and an `UPDATE` in batches), deploy code that uses the new name, "
        "and drop the old one in a later migration. If only the Python side needs the new "
        "name, keep the database name as it is.\n\n"
        "```python\n"
        "migrations.RunSQL(\"ALTER TYPE {type} ADD VALUE IF NOT EXISTS '{value}'\", "
        "migrations.RunSQL.noop)\n"
        "```"
    )
    unsafe_example = "ALTER TYPE \"mood\" RENAME VALUE 'ok' TO 'fine';"
    safe_example = "ALTER TYPE \"mood\" ADD VALUE IF NOT EXISTS 'fine';"

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag renames of objects that existed before this file or migration."""
        node = stmt.node
        origin = (stmt.statement.file, stmt.statement.app, stmt.statement.migration)
        memory = ctx.rule_state(self.id, dict)
        created: set[str] = memory.setdefault(origin, set())
        reader = _CREATES.get(type(node))
        if reader is not None:
            created.add(_short(reader(node)))
            return
        if isinstance(node, ast.AlterEnumStmt) and node.oldVal:
            type_name = _dotted(node.typeName)
            if _short(type_name) not in created:
                what = f"RENAME VALUE '{node.oldVal}' TO '{node.newVal}' on type {type_name}"
                yield Hit(params={"what": what, "type": type_name, "value": node.newVal or ""})
            return
        if not isinstance(node, ast.RenameStmt) or node.renameType not in _KINDS:
            return
        name = _renamed_name(node)
        owner = relname(node.relation) if node.renameType == OT.OBJECT_ATTRIBUTE else name
        if _short(owner) in created:
            return
        kind = _KINDS[node.renameType]
        yield Hit(params={"what": f"RENAME {kind} {name} TO {node.newname}"})


def _renamed_name(node: Any) -> str:
    """The old name of the renamed object, as written."""
    if node.renameType == OT.OBJECT_ATTRIBUTE:
        return f"{relname(node.relation)}.{node.subname}"
    if node.relation is not None:
        return relname(node.relation)
    if node.renameType == OT.OBJECT_SCHEMA:
        return node.subname or ""
    obj = node.object
    if isinstance(obj, ast.ObjectWithArgs):
        return _dotted(obj.objname)
    return _dotted(obj)


def _dotted(names: Any) -> str:
    if isinstance(names, ast.TypeName):
        names = names.names
    if not isinstance(names, tuple | list):
        return ""
    return ".".join(getattr(n, "sval", "") for n in names)


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]
