"""How volatile an SQL expression is, read from the parse tree (never from the SQL text).

``ADD COLUMN … DEFAULT <expr>`` rewrites the table only when ``<expr>`` is volatile: PostgreSQL
evaluates an immutable or stable default once and stores it in the catalog. This module answers
that question for a pglast expression node:

* function calls are looked up by name, first with the caller's ``lookup`` (a database's
  ``pg_proc.provolatile`` when one is at hand, see :func:`pg_proc_lookup`), then in the built-in
  table of PostgreSQL's own functions (:mod:`safemigrations.lint.volatility_table`); a function
  neither knows (a user or extension function) is ``unknown``;
* ``CURRENT_TIMESTAMP``, ``CURRENT_USER`` and the other SQL value functions are stable;
  constants, casts, operators on them, ``CASE``, ``COALESCE``, ``ARRAY[…]`` take the class of
  their parts;
* a sub-query is ``unknown`` (PostgreSQL rejects it in a default anyway).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pglast import ast

from safemigrations.lint.parsetree import walk
from safemigrations.lint.volatility_table import IMMUTABLE, STABLE, VOLATILE

#: The classes, from least to most volatile; ``unknown`` ranks between stable and volatile.
ORDER = ("immutable", "stable", "unknown", "volatile")

#: ``lookup(name)`` -> ``"immutable"``/``"stable"``/``"volatile"`` or None when it does not know.
Lookup = Callable[[str], str | None]


def builtin_volatility(name: str) -> str | None:
    """The class of a built-in PostgreSQL function (lower-case name), or None when unknown."""
    if name in VOLATILE:
        return "volatile"
    if name in STABLE:
        return "stable"
    if name in IMMUTABLE:
        return "immutable"
    return None


def function_volatility(node: Any, lookup: Lookup | None = None) -> str:
    """The class of one ``FuncCall`` node: the caller's lookup first, then the built-in table."""
    names = [getattr(n, "sval", "") or "" for n in (node.funcname or ())]
    name = (names[-1] if names else "").lower()
    schema = names[-2].lower() if len(names) > 1 else None
    if lookup is not None:
        qualified = f"{schema}.{name}" if schema else name
        found = lookup(qualified)
        if found is not None:
            return found
    if schema in (None, "pg_catalog", "public"):
        return builtin_volatility(name) or "unknown"
    return "unknown"


def volatility(expr: Any, lookup: Lookup | None = None) -> str:
    """The most volatile class found in ``expr``: ``immutable``, ``stable``, ``unknown`` or
    ``volatile`` (see the module docstring)."""
    worst = "immutable"
    for node in walk(expr):
        if isinstance(node, ast.FuncCall):
            found = function_volatility(node, lookup)
        elif isinstance(node, ast.SQLValueFunction):
            found = "stable"
        elif isinstance(node, ast.SubLink):
            found = "unknown"
        else:
            continue
        if ORDER.index(found) > ORDER.index(worst):
            worst = found
            if worst == "volatile":
                break
    return worst


def is_volatile(expr: Any, lookup: Lookup | None = None) -> bool:
    """True when ``expr`` is known to be volatile (evaluated per row)."""
    return volatility(expr, lookup) == "volatile"


def pg_proc_lookup(cursor: Any, names: Iterable[str]) -> Lookup:
    """A :data:`Lookup` answering from a database's ``pg_proc`` for the given function names
    (one query; overloads take the most volatile class). Names may be ``schema.name``."""
    wanted = sorted({n.lower() for n in names if n})
    classes: dict[str, str] = {}
    if wanted:
        cursor.execute(
            "SELECT n.nspname, p.proname, string_agg(DISTINCT p.provolatile::text, '') "
            "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE p.proname = ANY(%s) AND (n.nspname = 'pg_catalog' "
            "OR n.nspname = ANY(current_schemas(false)) "
            "OR n.nspname || '.' || p.proname = ANY(%s)) GROUP BY 1, 2",
            ([w.rsplit(".", 1)[-1] for w in wanted], wanted),
        )
        for schema, name, kinds in cursor.fetchall():
            kind = "volatile" if "v" in kinds else "stable" if "s" in kinds else "immutable"
            for key in (name, f"{schema}.{name}"):
                previous = classes.get(key)
                if previous is None or ORDER.index(kind) > ORDER.index(previous):
                    classes[key] = kind
    return lambda name: classes.get(name.lower())


class DatabaseVolatility:
    """A :class:`~safemigrations.lint.model.SchemaInfo` extra answering ``function_volatility``
    from a live database's ``pg_proc`` (read only, one query per new function name).

    ``safemigrations lint --database URL`` passes one as the schema, so user and extension
    functions get their real class instead of "possibly volatile".
    """

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self._known: dict[str, str | None] = {}

    def function_volatility(self, name: str) -> str | None:
        """``pg_proc.provolatile`` of ``name`` (``schema.name`` allowed), None when absent."""
        key = name.lower()
        if key not in self._known:
            with self.connection.cursor() as cursor:
                self._known[key] = pg_proc_lookup(cursor, [key])(key)
        return self._known[key]

    def column_type(self, table: str, column: str) -> str | None:
        """Not answered here (the engine learns column types from the SQL)."""
        return None


def called_functions(expr: Any) -> list[str]:
    """The (possibly schema-qualified) names of the functions ``expr`` calls."""
    out = []
    for node in walk(expr):
        if isinstance(node, ast.FuncCall):
            names = [getattr(n, "sval", "") or "" for n in (node.funcname or ())]
            out.append(".".join(names).lower())
    return out
