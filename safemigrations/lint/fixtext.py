"""A rule's fix text, filled with the names of the finding it is shown with.

A rule's ``fix`` is a template: its code examples write ``{model}``, ``{table}``, ``{column}`` …
where a name goes. A finding fills them with its own names (the table and column of the SQL,
the model and field of the Django operation that emitted it), so the advice can be copied as
it is; a name the finding does not know is shown as a neutral placeholder (``<model>``). The
generated rule reference fills them with example names instead (:data:`EXAMPLE_NAMES`).
Literal braces in a fix are written doubled (``{{"SM101": "why"}}``), as in ``str.format``.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

#: Every name a fix template may use, and what a finding shows when it does not know it.
FIX_NAMES: dict[str, str] = {
    "app": "<app>",  # Django app label of the migration
    "model": "<model>",  # Django model name, as migrations write it (``model_name="book"``)
    "field": "<field>",  # Django field name (falls back to the column)
    "table": "<table>",
    "column": "<column>",
    "index": "<index>",
    "constraint": "<constraint>",
    "referenced": "<referenced_table>",  # the table a foreign key points at
    "to": "<app>.<Model>",  # the model a ForeignKey points at, as its first argument
    "type": "<type>",  # a type or enum name
    "value": "<new_value>",  # an enum value
    "condition": "...",  # a CHECK condition, as Django writes it (``models.Q(...)``)
}

#: The names the rule reference (docs/rules.md) shows; a rule may change some with ``fix_example``.
EXAMPLE_NAMES: dict[str, str] = {
    "app": "shop",
    "model": "book",
    "field": "title",
    "table": "shop_book",
    "column": "title",
    "index": "book_title_idx",
    "constraint": "book_title_not_blank",
    "referenced": "shop_author",
    "to": "shop.Author",
    "type": "shop_status",
    "value": "archived",
    "condition": "models.Q(price__gte=0)",
}

#: Values a rule puts in its params when it does not know a name: not a name to show.
_UNKNOWN = {"", "(unnamed)"}


def known_names(params: Mapping[str, Any]) -> dict[str, str]:
    """The fix names among ``params`` (a hit's params, a statement's Django names) that hold a
    real name; others (``what``, ``mode``, an unnamed constraint) are left out."""
    out: dict[str, str] = {}
    for key in FIX_NAMES:
        value = params.get(key)
        if isinstance(value, str) and value not in _UNKNOWN:
            out[key] = value
    if "field" not in out and "column" in out:
        out["field"] = out["column"]
    return out


def foreign_key_field(column: str | None) -> str | None:
    """The Django field name of a foreign key column (``author_id`` -> ``author``), else None."""
    if column and column.endswith("_id") and len(column) > 3:
        return column[:-3]
    return None


def index_names(node: Any) -> dict[str, str]:
    """The fix names of a ``CREATE INDEX`` parse tree: its name and first key column."""
    names: dict[str, str] = {}
    if getattr(node, "idxname", None):
        names["index"] = node.idxname
    first = next(iter(getattr(node, "indexParams", None) or ()), None)
    column = getattr(first, "name", None)
    if isinstance(column, str) and column:
        names["column"] = column
    return names


def fill(template: str, names: Mapping[str, str]) -> str:
    """``template`` with each ``{name}`` replaced by ``names[name]``, else its placeholder.

    A name outside :data:`FIX_NAMES` raises ``KeyError`` (a typo in a rule's template; the
    test-suite renders every template); ``{{``/``}}`` become literal braces.
    """
    values = {key: names.get(key) or fallback for key, fallback in FIX_NAMES.items()}
    return template.format_map(_Strict(values))


def template_names(template: str) -> set[str]:
    """The ``{name}`` fields a template uses."""
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


def operation_names(operation: Any, app: str | None) -> dict[str, str]:
    """The Django names an operation knows: its app, model, field, index, constraint and the
    model a relation points at (what a fix template written for Django code needs)."""
    names: dict[str, str] = {"app": app} if app else {}
    model = getattr(operation, "model_name", None)
    if model is None and hasattr(operation, "fields"):  # CreateModel
        model = getattr(operation, "name_lower", None)
    if model is None and type(operation).__name__ in {"DeleteModel", "AlterModelTable"}:
        model = getattr(operation, "name_lower", None)
    if isinstance(model, str):
        names["model"] = model.lower()
        # With ``model_name``, ``name`` is a field (AddField, SetNotNull), an index (RemoveIndex,
        # DropIndexConcurrently) or a constraint (RemoveConstraint, ValidateConstraint).
        name = getattr(operation, "name", None)
        if isinstance(name, str) and hasattr(operation, "model_name"):
            kind = type(operation).__name__
            key = "index" if "Index" in kind else "constraint" if "Constraint" in kind else "field"
            if kind in _FIELD_NAMED:
                key = "field"
            names[key] = name
    field = getattr(operation, "field", None)
    remote = getattr(getattr(field, "remote_field", None), "model", None)
    if isinstance(remote, str):
        names["to"] = remote if "." in remote or not app else f"{app}.{remote}"
    elif remote is not None and hasattr(remote, "_meta"):
        names["to"] = remote._meta.label
    column = getattr(field, "column", None)
    if isinstance(column, str):
        names["column"] = column
    for attr in ("index", "constraint"):
        named = getattr(getattr(operation, attr, None), "name", None)
        if isinstance(named, str) and named:
            names[attr] = named
    return names


#: Operations whose ``name`` is a field although their class names a constraint.
_FIELD_NAMED = {"AddDBCascadeConstraint"}


class _Strict(dict[str, str]):
    def __missing__(self, key: str) -> str:
        raise KeyError(f"{key!r} is not a fix name (known: {', '.join(sorted(FIX_NAMES))})")
