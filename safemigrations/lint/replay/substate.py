"""The small project state a migration needs: only the models its operations can reach.

Django's schema editor works on rendered model classes, so applying a migration needs the
project state rendered. ``migrate`` keeps the whole state rendered and, after each operation,
renders again the changed model and every model related to it, directly or through others: on
a project of 170 models joined by foreign keys that is most of the project, about 0.2 s per
operation, and most of the time ``lintmigrations --all`` spent.

The linter applies one migration at a time on a scratch database that already has the whole
schema, so it renders a state of only what the migration's operations can reach
(:func:`reachable_state`):

* the models the operations name, and the models a ``CreateModel``/``AddField``/
  ``AlterField`` field or a string base points to;
* every model with a relation *into* a named model (the schema editor alters the foreign keys
  that point at a model whose key, name or table changes), the explicit ``through`` models of
  these, and their model bases, each with all its fields and options;
* the models those point to, as *stubs*: the primary key and the referenced columns only, under
  the same table name (what a foreign key to them needs: the column type and the table).

The SQL is the same as on the whole state (``tests/test_lint_substate.py`` compares both on
generated projects). Migrations whose operations may reach any model — ``RunPython`` (its
code gets the whole registry), operations of other packages and safemigrations' own (they
read the catalog through models they look up) — get None: the runner applies those on the
whole rendered state, as ``migrate`` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import migrations
from django.db.migrations.migration import Migration
from django.db.migrations.operations.base import Operation
from django.db.migrations.operations.fields import FieldOperation
from django.db.migrations.operations.models import IndexOperation, ModelOperation
from django.db.migrations.state import ModelState, ProjectState
from django.db.migrations.utils import resolve_relation

Key = tuple[str, str]

#: Options a stub keeps: what decides its table and whether it is a real table.
STUB_OPTIONS = ("db_table", "managed", "proxy", "swappable", "db_tablespace")

#: ``django.contrib.postgres`` operations that reach only the model they name.
_POSTGRES_MODEL_OPERATIONS = {
    "AddIndexConcurrently",
    "RemoveIndexConcurrently",
    "AddConstraintNotValid",
    "ValidateConstraint",
}


class Unreachable(Exception):
    """An operation may reach models it does not name: the whole state is needed."""


def reachable_state(state: ProjectState, migration: Migration) -> ProjectState | None:
    """A new, unrendered state holding what ``migration``'s operations can reach on top of
    ``state`` (see the module docstring), or None when it needs the whole state.

    The model states are copies: applying the migration to the result leaves ``state`` as it
    was (the caller advances it with ``migration.mutate_state``).
    """
    try:
        named, pointed = _named_models(migration.operations, migration.app_label)
    except Unreachable:
        return None
    models = state.models
    full = {key for key in named if key in models}
    for key, model_state in models.items():
        if any(target in named for target, _ in _relations(key, model_state)):
            full.add(key)
    full = _with_bases_and_throughs(full, models)
    stubs: dict[Key, set[str]] = {}
    for key in full:
        for target, field_name in _relations(key, models[key]):
            if target not in full and target in models:
                stubs.setdefault(target, set()).add(field_name)
    for target, field_name in pointed:
        if target not in full and target in models:
            stubs.setdefault(target, set()).add(field_name)
    sub: dict[Key, ModelState] = {key: models[key].clone() for key in full}
    # Stubs need other stubs (an inheriting model's parent, a proxy's concrete model): gather
    # every field each one needs first, then cut them out.
    pending = list(stubs)
    while pending:
        key = pending.pop()
        stub, needs = _stub(models[key], stubs[key])
        if stub is None:  # its key is not a plain field: take the model whole
            needs = list(_relations(key, models[key])) + list(_string_bases(models[key]))
        for other, field_name in needs:
            if other in models and other not in sub and field_name not in stubs.get(other, ()):
                stubs.setdefault(other, set()).add(field_name)
                pending.append(other)
    for key, field_names in stubs.items():
        if key not in sub:
            stub, _ = _stub(models[key], field_names)
            sub[key] = stub if stub is not None else models[key].clone()
    # In the state's order: models render, and relations are listed, in that order (the
    # foreign keys to a model whose key changes are altered in that order).
    ordered = {key: sub[key] for key in models if key in sub}
    return ProjectState(models=ordered, real_apps=state.real_apps)


def _walk(operations: Iterable[Any]) -> Iterator[Any]:
    """The operations, with those nested in ``SeparateDatabaseAndState`` and ``RunSQL``."""
    for operation in operations:
        yield operation
        if isinstance(operation, migrations.SeparateDatabaseAndState):
            yield from _walk(operation.state_operations)
            yield from _walk(operation.database_operations)
        elif isinstance(operation, migrations.RunSQL):
            yield from _walk(operation.state_operations)


def _named_models(operations: Iterable[Any], label: str) -> tuple[set[Key], set[tuple[Key, str]]]:
    """(models the operations name, (model, field name) pairs their new fields point to).

    Raises :class:`Unreachable` for an operation that may reach other models.
    """
    named: set[Key] = set()
    pointed: set[tuple[Key, str]] = set()
    for operation in _walk(operations):
        if isinstance(operation, migrations.RunSQL | migrations.SeparateDatabaseAndState):
            continue  # the SQL names no model; nested operations are walked
        module = type(operation).__module__
        if not isinstance(operation, Operation) or not (
            module.startswith("django.db.migrations.")
            or (
                module.startswith("django.contrib.postgres.")
                and type(operation).__name__ in _POSTGRES_MODEL_OPERATIONS
            )
        ):
            raise Unreachable(type(operation).__name__)
        if isinstance(operation, migrations.RunPython):
            raise Unreachable("RunPython")
        if isinstance(operation, ModelOperation):
            named.add((label, operation.name_lower))
            if isinstance(operation, migrations.RenameModel):
                named.add((label, operation.old_name_lower))
        elif isinstance(operation, FieldOperation | IndexOperation) or hasattr(
            operation, "model_name_lower"
        ):
            named.add((label, operation.model_name_lower))
        elif hasattr(operation, "model_name"):
            named.add((label, str(operation.model_name).lower()))
        else:
            raise Unreachable(type(operation).__name__)
        fields: list[Any] = []
        if isinstance(operation, migrations.CreateModel):
            fields = [field for _, field in operation.fields]
            for base in operation.bases or ():
                if isinstance(base, str):
                    named.add(_base_key(base))
        elif getattr(operation, "field", None) is not None:
            fields = [operation.field]
        for field in fields:
            for target, field_name in _field_relations(field, label, ""):
                pointed.add((target, field_name))
    return named, pointed


def _field_relations(field: Any, app_label: str, model_name: str) -> Iterator[tuple[Key, str]]:
    """(model, referenced field name or "" for its key) for a relation field, and its
    explicit ``through`` model."""
    if not getattr(field, "is_relation", False) or field.remote_field is None:
        return
    target = resolve_relation(field.remote_field.model, app_label, model_name)
    yield target, getattr(field.remote_field, "field_name", None) or ""
    through = getattr(field.remote_field, "through", None)
    if through is not None:
        yield resolve_relation(through, app_label, model_name), ""


def _relations(key: Key, model_state: ModelState) -> Iterator[tuple[Key, str]]:
    """Every (model, field name) ``model_state``'s relation fields point to."""
    for field in model_state.fields.values():
        yield from _field_relations(field, key[0], key[1])


def _base_key(base: str) -> Key:
    app_label, _, model_name = base.lower().partition(".")
    return app_label, model_name


def _string_bases(model_state: ModelState) -> Iterator[tuple[Key, str]]:
    for base in model_state.bases:
        if isinstance(base, str):
            yield _base_key(base), ""


def _with_bases_and_throughs(full: set[Key], models: dict[Key, ModelState]) -> set[Key]:
    """``full`` with the model bases and explicit ``through`` models of its models, repeatedly."""
    pending = list(full)
    full = set(full)
    while pending:
        key = pending.pop()
        model_state = models.get(key)
        if model_state is None:
            continue
        more = [k for k, _ in _string_bases(model_state)]
        for field in model_state.fields.values():
            through = getattr(getattr(field, "remote_field", None), "through", None)
            if field.many_to_many and through is not None:
                more.append(resolve_relation(through, key[0], key[1]))
        for other in more:
            if other not in full and other in models:
                full.add(other)
                pending.append(other)
    return full


def _stub(
    model_state: ModelState, field_names: set[str]
) -> tuple[ModelState | None, list[tuple[Key, str]]]:
    """A model with only its key and ``field_names`` (what points at it needs), and the
    (model, field) pairs the stub itself needs; (None, []) when that cannot be cut out."""
    key_names = [name for name, field in model_state.fields.items() if field.primary_key]
    wanted = {name for name in field_names if name} | set(key_names)
    if any(name not in model_state.fields for name in wanted) or any(
        not getattr(model_state.fields[name], "concrete", True)
        or type(model_state.fields[name]).__name__ == "CompositePrimaryKey"
        for name in key_names
    ):
        return None, []
    fields = {
        name: model_state.fields[name].clone() for name in model_state.fields if name in wanted
    }
    options = {k: v for k, v in model_state.options.items() if k in STUB_OPTIONS}
    stub = ModelState(
        model_state.app_label,
        model_state.name,
        list(fields.items()),
        options=options,
        bases=model_state.bases,
        managers=[],
    )
    needs = list(_string_bases(model_state))
    for field in fields.values():
        needs.extend(_field_relations(field, model_state.app_label, model_state.name_lower))
    return stub, needs
