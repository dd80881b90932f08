"""SM964: an identifier longer than 63 bytes, silently truncated by PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable

from pglast import parser as pg_parser

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts

MAX_IDENTIFIER_BYTES = 63


class IdentifierTooLong(Rule):
    """PostgreSQL cuts names to 63 bytes: a later step that uses the full name does not find it."""

    id = "SM964"
    name = "identifier-too-long"
    severity = Severity.WARNING
    title = "Identifier longer than 63 bytes"
    message = "{name!r} is {length} bytes; PostgreSQL truncates it to 63 bytes"
    why = (
        "Names longer than NAMEDATALEN-1 (63 bytes) are truncated with only a NOTICE. Two long "
        "names can collide, and a later migration that refers to the full name (DROP INDEX, "
        "VALIDATE CONSTRAINT) fails, which breaks re-runs and rollbacks."
    )
    fix = (
        "Choose a name of at most 63 bytes. Django checks `Index(name=...)` against 30 "
        "characters, but not constraint names (`UniqueConstraint`, `CheckConstraint`) nor names "
        "in `RunSQL`: PostgreSQL cuts those silently, and two long names can then collide."
    )
    unsafe_example = (
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS "' + "x" * 70 + '" ON "shop_book" ("title");'
    )
    safe_example = (
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS "book_title_idx" ON "shop_book" ("title");'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag over-long identifiers in DDL (the parser has already truncated them in the AST)."""
        if stmt.node is None or not stmt.is_ddl:
            return
        try:
            tokens = pg_parser.scan(stmt.sql)
        except Exception:
            return
        seen: set[str] = set()
        for token in tokens:
            if token.name != "IDENT":
                continue
            name = stmt.sql[token.start : token.end + 1].strip('"')
            if len(name.encode()) > MAX_IDENTIFIER_BYTES and name not in seen:
                seen.add(name)
                yield Hit(params={"name": name, "length": len(name.encode())})
