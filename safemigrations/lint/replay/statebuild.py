"""Build the schema a migration runs against from the migration state, in one pass.

Replaying 260 migrations to reach the schema before the last one costs as much as a full
``migrate``. Django's ``ProjectState`` at that point already describes every table, column,
index and constraint; creating all its models with the schema editor (what ``migrate
--run-syncdb`` and test database creation do) gives the same schema in seconds.

The state cannot describe what the history did outside it. Each operation of the migrations
before the targets is sorted into one of four kinds (:func:`operation_kind`):

``described``
    Django's model, field, index and constraint operations, ``django.contrib.postgres``' index
    and constraint operations, safemigrations' own operations, and ``SeparateDatabaseAndState``
    without database operations: the state says what they did.
``data``
    ``RunPython``, and ``RunSQL`` whose statements only read or change rows (``INSERT``,
    ``UPDATE``, ``DELETE``, ``SELECT``) or do nothing: no schema object comes from them. The
    rows they make are missing from a state-built schema, so the runner checks any failure of
    a target there on the replayed history before reporting it.
``global``
    ``CreateExtension`` (and its subclasses), ``CreateCollation``, and ``RunSQL`` that only
    creates extensions: run once before the tables are created.
``opaque``
    Anything else (``RunSQL`` with DDL, ``SeparateDatabaseAndState`` with database operations,
    operations of other packages): the state may not describe it.

The rule (:func:`plan_build`): the migrations holding an ``opaque`` operation, and every
migration that depends on one of them, are replayed on top of a schema built from the state of
all the others (which cannot depend on an opaque one). With no such migration the whole base
comes from the state (mode ``state``); when every migration is replayed, mode ``replay``; in
between, mode ``state+replay``. A replay on top of a state build that fails is redone as a full
replay (the state build may name an index differently from what the history left), so a
failure is only ever the history's own.

For a few targets whose migrations only hold ``described`` operations, :func:`tables_for`
narrows the build to the tables they can touch (the runner checks a failure there against a
build of every table).

What a state build does not reproduce: the names Django gave indexes and constraints that a
later rename would have kept in a replayed database (the state build names them after the
current table and column), and objects a ``data`` operation created as a side effect. Use
``--build replay`` when a migration's SQL depends on those.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pglast
import pglast.stream
from django.db import migrations
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.migration import Migration
from django.db.migrations.state import ProjectState

Key = tuple[str, str]

#: How the schema before the targets was built (shown in the output and in JSON).
MODES = ("state", "state+replay", "replay")

DESCRIBED, DATA, GLOBAL, OPAQUE = "described", "data", "global", "opaque"

_DESCRIBED_MODULES = (
    "django.db.migrations.operations.models",
    "django.db.migrations.operations.fields",
    "safemigrations.operations",
)
_DESCRIBED_POSTGRES = {
    "AddIndexConcurrently",
    "RemoveIndexConcurrently",
    "AddConstraintNotValid",
    "ValidateConstraint",
}
_DATA_STATEMENTS = (
    pglast.ast.InsertStmt,
    pglast.ast.UpdateStmt,
    pglast.ast.DeleteStmt,
    pglast.ast.SelectStmt,
)


def operation_kind(operation: Any) -> str:
    """``described`` / ``data`` / ``global`` / ``opaque`` (see the module docstring)."""
    if isinstance(operation, migrations.SeparateDatabaseAndState):
        return OPAQUE if operation.database_operations else DESCRIBED
    if isinstance(operation, migrations.RunPython):
        return DATA
    if isinstance(operation, migrations.RunSQL):
        return _sql_kind(operation.sql)
    module = type(operation).__module__
    name = type(operation).__name__
    if module.startswith("django.contrib.postgres"):
        from django.contrib.postgres.operations import CollationOperation, CreateExtension

        if isinstance(operation, CreateExtension | CollationOperation):
            return GLOBAL
        if name in _DESCRIBED_POSTGRES:
            return DESCRIBED
        return OPAQUE
    if any(module == m or module.startswith(m + ".") for m in _DESCRIBED_MODULES):
        return DESCRIBED
    return OPAQUE


def _sql_kind(sql: Any) -> str:
    texts = _sql_texts(sql)
    if texts is None:
        return OPAQUE
    nodes: list[Any] = []
    for text in texts:
        try:
            nodes.extend(raw.stmt for raw in pglast.parse_sql(text))
        except pglast.parser.ParseError:
            return OPAQUE
    if not nodes:
        return DATA
    if all(isinstance(node, pglast.ast.CreateExtensionStmt) for node in nodes):
        return GLOBAL
    if all(isinstance(node, _DATA_STATEMENTS) for node in nodes):
        return DATA
    return OPAQUE


def _sql_texts(sql: Any) -> list[str] | None:
    """The SQL strings of a ``RunSQL.sql`` (a string, a list of strings or ``(sql, params)``
    pairs, or ``RunSQL.noop``); None for something else."""
    if sql == migrations.RunSQL.noop or not sql:
        return []
    if isinstance(sql, str):
        return [sql]
    texts = []
    for item in sql:
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, list | tuple) and item and isinstance(item[0], str):
            texts.append(item[0].replace("%s", "NULL"))  # its parameters, for parsing
        else:
            return None
    return texts


def migration_kinds(migration: Migration) -> set[str]:
    """The kinds of a migration's top-level operations."""
    return {operation_kind(op) for op in migration.operations}


@dataclass
class BuildPlan:
    """How to build the schema before the targets: ``from_state`` migrations come from the
    state in one pass, ``replayed`` ones are applied one by one; ``reason`` says why the replay
    starts where it does (the first migration with an operation the state cannot describe)."""

    mode: str
    from_state: list[Key]
    replayed: list[Key]
    reason: str = ""

    def describe(self) -> str:
        """One line for the command's output."""
        if self.mode == "state":
            return f"schema built from the migration state ({len(self.from_state)} migrations)"
        if self.mode == "replay":
            return f"schema built by replaying {len(self.replayed)} migrations" + (
                f" ({self.reason})" if self.reason else ""
            )
        return (
            f"schema built from the migration state ({len(self.from_state)} migrations), then "
            f"{len(self.replayed)} replayed ({self.reason})"
        )


def plan_build(
    base: Sequence[Key], nodes: dict[Key, Migration], mode: str = "auto", graph: Any = None
) -> BuildPlan:
    """Split ``base`` (the migrations before the targets, in plan order) into what is built
    from the state and what is replayed on top, following the module's rule. ``mode`` is
    ``auto`` (the rule), ``state`` (everything from the state) or ``replay`` (nothing).

    With the migration ``graph``, only the migrations holding an ``opaque`` operation and
    those that depend on them are replayed (every other one comes from the state: its
    ancestors cannot depend on an opaque one either); without it, everything from the first
    such migration in plan order on.
    """
    base = list(base)
    if mode == "replay" or not base:
        return BuildPlan("replay", [], base, "asked for" if mode == "replay" and base else "")
    if mode == "state":
        return BuildPlan("state", base, [])
    opaque = [key for key in base if OPAQUE in migration_kinds(nodes[key])]
    if not opaque:
        return BuildPlan("state", base, [])
    first = opaque[0]
    reason = (
        f"{first[0]}.{first[1]} has an operation the migration state cannot describe "
        f"({_first_opaque(nodes[first])})"
        + (f", and {len(opaque) - 1} more migration(s) like it" if len(opaque) > 1 else "")
    )
    by_graph = graph is not None
    replay = _descendants(graph, opaque) if by_graph else set(base[base.index(first) :])
    from_state = [k for k in base if k not in replay]
    replayed = [k for k in base if k in replay]
    if not from_state:
        return BuildPlan("replay", [], replayed, reason)
    return BuildPlan("state+replay", from_state, replayed, reason)


def _descendants(graph: Any, starts: Iterable[Key]) -> set[Key]:
    seen: set[Key] = set()
    stack = [graph.node_map[key] for key in starts]
    while stack:
        node = stack.pop()
        if node.key not in seen:
            seen.add(node.key)
            stack.extend(node.children)
    return seen


def _first_opaque(migration: Migration) -> str:
    for operation in migration.operations:
        if operation_kind(operation) == OPAQUE:
            return type(operation).__name__
    return "?"


def state_after(
    keys: Iterable[Key], nodes: dict[Key, Migration], real_apps: Iterable[str]
) -> ProjectState:
    """The project state after ``keys`` (in order), computed without touching a database."""
    state = ProjectState(real_apps=set(real_apps))
    for key in keys:
        advance(nodes[key], state)
    return state


def advance(migration: Migration, state: ProjectState) -> ProjectState:
    """``state`` moved past ``migration`` in place, without touching a database (Django's
    ``mutate_state(preserve=False)``, after :func:`detach_references`)."""
    detach_references(migration, state)
    return migration.mutate_state(state, preserve=False)


def detach_references(migration: Migration, state: ProjectState) -> None:
    """Before a migration that renames a field: give ``state`` its own copy of every relation
    field.

    Django's ``ProjectState.rename_field`` rewrites, in place, the ``to_field`` of the fields
    that reference the renamed one, and those field objects are the very ones of the
    ``CreateModel``/``AddField`` operations that added them. The linter builds the state of the
    same history more than once in a run; without copies, the second build would see the
    rename before it happened (``FieldDoesNotExist``).
    """
    if not any(_renames_field(operation) for operation in migration.operations):
        return
    for model_state in state.models.values():
        for name, field in list(model_state.fields.items()):
            if field.is_relation:
                model_state.fields[name] = field.clone()


def _renames_field(operation: Any) -> bool:
    if isinstance(operation, migrations.RenameField):
        return True
    if isinstance(operation, migrations.SeparateDatabaseAndState):
        inner = [*operation.state_operations, *operation.database_operations]
        return any(_renames_field(op) for op in inner)
    if isinstance(operation, migrations.RunSQL):
        return any(_renames_field(op) for op in operation.state_operations)
    return False


def build_from_state(
    state: ProjectState,
    connection: BaseDatabaseWrapper,
    global_operations: Iterable[tuple[str, Any]] = (),
    only: TableSet | None = None,
) -> int:
    """Create every model of ``state`` on ``connection`` in one schema-editor pass (foreign
    keys are deferred to its end, as ``migrate --run-syncdb`` does), after the ``global``
    operations (``(app_label, operation)``: extensions, collations). Returns the number of
    tables created. Models of unmigrated apps, proxy and unmanaged models are left out, as
    ``migrate`` leaves them out. ``only``: just those tables (see :func:`tables_for`)."""
    apps = state.apps
    models = []
    for app_label, model_name in sorted(state.models):
        if only is not None and (app_label, model_name) not in only.full:
            continue
        model = apps.get_model(app_label, model_name)
        if model._meta.can_migrate(connection):
            models.append(model)
    with connection.schema_editor(atomic=True) as editor:
        for app_label, operation in global_operations:
            _run_global(app_label, operation, editor, state)
    if only is not None:
        build_stubs(state, connection, only)
    # The statements are collected, then sent in one round trip: 170 tables are ~850 DDL
    # statements, and one execute per statement costs more than the DDL itself.
    with connection.schema_editor(collect_sql=True, atomic=False) as collector:
        for model in models:
            collector.create_model(model)
    with connection.schema_editor(atomic=True) as editor:
        editor.execute("\n".join(collector.collected_sql), params=None)
    return len(models)


def global_operations(keys: Iterable[Key], nodes: dict[Key, Migration]) -> list[tuple[str, Any]]:
    """The ``global`` operations of ``keys``, in order, with their app labels."""
    found = []
    for key in keys:
        for operation in nodes[key].operations:
            if operation_kind(operation) == GLOBAL:
                found.append((key[0], operation))
    return found


def _run_global(app_label: str, operation: Any, editor: Any, state: ProjectState) -> None:
    if isinstance(operation, migrations.RunSQL):
        for text in _sql_texts(operation.sql) or []:
            tree = pglast.parse_sql(text)
            for raw in tree:
                node = raw.stmt
                if isinstance(node, pglast.ast.CreateExtensionStmt):
                    node.if_not_exists = True
                    editor.execute(pglast.stream.RawStream()(node))
        return
    operation.database_forwards(app_label, editor, state, state)


@dataclass
class TableSet:
    """The tables a few target migrations need: ``full`` models created as the state says, and
    ``stubs`` (model → columns) holding only the key columns their foreign keys reference."""

    full: set[Key]
    stubs: dict[Key, set[str]]

    def digest(self) -> str:
        """Text for the template key (a template of some tables serves only the same set)."""
        stubs = sorted((k, sorted(v)) for k, v in self.stubs.items())
        return f"{sorted(self.full)}|{stubs}"


def tables_for(state: ProjectState, applied: Sequence[Migration]) -> TableSet | None:
    """The tables applying the ``applied`` migrations on top of ``state`` can touch, or None when one of
    their operations may reach beyond the models it names (``RunPython``, ``RunSQL``, another
    package's operation, …): then every table is built.

    The models the operations name, and the models with a relation to or from one of them, are
    created fully (Django's schema editor alters the foreign keys that point at a model whose
    key changes); the models those reference get a stub table with the referenced columns.
    """
    from django.db.migrations.operations.base import Operation
    from django.db.migrations.operations.models import ModelOperation
    from django.db.migrations.utils import resolve_relation

    named: set[Key] = set()
    for migration in applied:
        label = migration.app_label
        for operation in migration.operations:
            if operation_kind(operation) != DESCRIBED or not isinstance(operation, Operation):
                return None
            if isinstance(operation, migrations.SeparateDatabaseAndState):
                return None
            keys = []
            if isinstance(operation, ModelOperation):
                keys.append(operation.name_lower)
                if getattr(operation, "old_name_lower", None):
                    keys.append(getattr(operation, "old_name_lower"))  # noqa: B009
            elif getattr(operation, "model_name_lower", None):
                keys.append(getattr(operation, "model_name_lower"))  # noqa: B009
            else:
                return None
            named.update((label, k) for k in keys)
            # CreateModel's (name, field) pairs; other operations' ``fields`` are field names
            # (e.g. DropIndexConcurrently(fields=[...]) of a unique_together entry).
            fields = list(operation.fields) if isinstance(operation, migrations.CreateModel) else []
            if getattr(operation, "field", None) is not None:
                fields.append(("", getattr(operation, "field")))  # noqa: B009
            for _name, field in fields:
                if getattr(field, "is_relation", False) and field.remote_field is not None:
                    named.add(resolve_relation(field.remote_field.model, label))
    full = {key for key in named if key in state.models}
    for key, model_state in state.models.items():
        for field in model_state.fields.values():
            if field.is_relation and field.remote_field is not None:
                target = resolve_relation(field.remote_field.model, key[0], key[1])
                if target in named:
                    full.add(key)  # a relation into a named model
                if key in named:
                    full.add(target)  # a relation out of a named model
    full = {key for key in full if key in state.models}
    stubs: dict[Key, set[str]] = {}
    for key in full:
        for field in state.models[key].fields.values():
            if not (field.is_relation and field.remote_field is not None):
                continue
            target = resolve_relation(field.remote_field.model, key[0], key[1])
            if target in full or target not in state.models:
                continue
            columns = stubs.setdefault(target, set())
            field_name = getattr(field.remote_field, "field_name", None)
            if field_name:
                columns.add(field_name)
    return TableSet(full, stubs)


def build_stubs(state: ProjectState, connection: BaseDatabaseWrapper, stubs: TableSet) -> int:
    """The stub tables of ``stubs`` (primary key and referenced key columns only)."""
    apps = state.apps
    created = 0
    with connection.schema_editor(atomic=True) as editor:
        for key, names in sorted(stubs.stubs.items()):
            model = apps.get_model(*key)
            if not model._meta.can_migrate(connection):
                continue
            fields = [model._meta.pk] + [
                model._meta.get_field(n) for n in sorted(names) if n != model._meta.pk.name
            ]
            columns = []
            for field in fields:
                definition, params = editor.column_sql(model, field)
                if definition is None:
                    continue
                if params:
                    definition = definition % tuple(editor.quote_value(p) for p in params)
                columns.append(f"{editor.quote_name(field.column)} {definition}")
            editor.execute(
                f"CREATE TABLE {editor.quote_name(model._meta.db_table)} ({', '.join(columns)})",
                params=None,
            )
            created += 1
    return created
