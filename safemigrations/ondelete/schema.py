"""``ON DELETE`` in the foreign keys Django's schema editor creates, without a custom ENGINE.

Django 5.2/6.0 never write ``ON DELETE``. Foreign keys come out of three places of
``BaseDatabaseSchemaEditor``, and each gets the clause for fields whose ``on_delete`` has a
database action (:func:`safemigrations.deletion.db_action`):

- ``_create_fk_sql()``: ``ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY`` (PostgreSQL's
  ``CreateModel``, the re-add after an ``AlterField`` drops the key, MySQL, ...). The clause goes
  in front of the statement's ``deferrable`` part, right after ``REFERENCES t (c)``.
- the inline templates ``sql_create_inline_fk`` (SQLite's ``CREATE TABLE``, also used when
  SQLite remakes a table) and ``sql_create_column_inline_fk`` (``ADD COLUMN ... REFERENCES`` on
  PostgreSQL and SQLite). Django formats these right after calling ``column_sql(model, field)``
  for the same field, so ``column_sql`` sets the editor instance's templates for that field.

The hooks live on the base class, so PostgreSQL, PostGIS, SQLite and any backend built on them
get the clause. Django 6.1 writes the clause itself by calling ``on_delete.on_delete_sql()``,
which every safemigrations value provides; no schema hook is installed there.

On every version the field attribute ``non_db_attrs`` is extended so that a change of
``on_delete`` to, from or between values with a database action alters the column (drops and
re-adds the foreign key), as Django 6.1 does for its own values.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import NotSupportedError
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.ddl_references import Statement
from django.db.models import ForeignObject

from .. import deletion

_MARK = "_safemigrations_on_delete"
_INLINE_TEMPLATES = ("sql_create_inline_fk", "sql_create_column_inline_fk")
_REFERENCES = re.compile(r"\(\s*%\(to_column\)s\s*\)")


def with_on_delete(template: str, clause: str) -> str:
    """``template`` with ``clause`` right after its ``(%(to_column)s)``."""
    match = _REFERENCES.search(template)
    if match is None:
        raise NotSupportedError(
            f"Cannot add{clause} to this backend's inline foreign key SQL {template!r}. "
            "Use a backend built on Django's PostgreSQL or SQLite schema editor, or a Python-"
            "level on_delete value."
        )
    return template[: match.end()] + clause + template[match.end() :]


def _patched_create_fk_sql(original: Any) -> Any:
    def _create_fk_sql(self: Any, model: Any, field: Any, suffix: str) -> Any:
        statement = original(self, model, field, suffix)
        clause = deletion.on_delete_clause(field)
        if clause and isinstance(statement, Statement):
            if "deferrable" not in statement.parts:
                raise NotSupportedError(
                    f"Cannot add{clause} to the foreign key {statement}: the backend's "
                    "sql_create_fk has no %(deferrable)s part."
                )
            parts: dict[str, Any] = statement.parts
            parts["deferrable"] = clause + str(parts["deferrable"])
        return statement

    setattr(_create_fk_sql, _MARK, True)
    return _create_fk_sql


def _patched_column_sql(original: Any) -> Any:
    def column_sql(self: Any, model: Any, field: Any, include_default: bool = False) -> Any:
        clause = deletion.on_delete_clause(field)
        for name in _INLINE_TEMPLATES:
            template = getattr(type(self), name, None)
            if clause and template:
                setattr(self, name, with_on_delete(template, clause))
            else:
                self.__dict__.pop(name, None)
        return original(self, model, field, include_default)

    setattr(column_sql, _MARK, True)
    return column_sql


def _patched_non_db_attrs(original: Any) -> property:
    def non_db_attrs(self: Any) -> tuple[str, ...]:
        if original is not None:
            attrs = tuple(original.fget(self))
        else:
            attrs = tuple(super(ForeignObject, self).non_db_attrs)
        if deletion.db_action(self.remote_field.on_delete) is not None:
            return tuple(attr for attr in attrs if attr != "on_delete")
        if "on_delete" not in attrs:
            attrs += ("on_delete",)
        return attrs

    setattr(non_db_attrs, _MARK, True)
    return property(non_db_attrs)


def install() -> None:
    """Install the hooks once (schema SQL only where Django lacks database-level values)."""
    current = ForeignObject.__dict__.get("non_db_attrs")
    if not (isinstance(current, property) and getattr(current.fget, _MARK, False)):
        ForeignObject.non_db_attrs = _patched_non_db_attrs(current)  # type: ignore[assignment]
    if deletion.NATIVE:
        return
    editor: Any = BaseDatabaseSchemaEditor
    if not getattr(editor._create_fk_sql, _MARK, False):
        editor._create_fk_sql = _patched_create_fk_sql(editor._create_fk_sql)
    if not getattr(editor.column_sql, _MARK, False):
        editor.column_sql = _patched_column_sql(editor.column_sql)
