"""What the models declare: tables, columns, foreign keys, constraints and indexes.

The models are read from an app registry: by default the migration state at the leaf of the
applied migrations (what ``migrate`` has put into the database), so migrations not yet applied
are not drift. Only concrete models the migrations manage are expected in the database:
``managed = False`` and proxy models are left out, and so are the apps not selected, models a
router sends to another database and schema-qualified tables (``'"other"."table"'``), which
are outside the search path the catalog is read from.

Names of the objects Django creates implicitly (a foreign key's index, ``unique=True``,
``unique_together``, the ``_like`` twin of a ``varchar``/``text`` index or primary key) are
computed with the connection's schema editor, as ``migrate`` would name them, and every name is
cut to 63 bytes as PostgreSQL stores it. Each index and check also keeps the SQL Django writes
for it, so :mod:`.matching` can recognise it by definition under another name (a leftover of a
table or field rename).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from safemigrations.deletion import db_action
from safemigrations.operations.foreign_keys import MAX_IDENTIFIER_BYTES, pg_identifier
from safemigrations.operations.indexing import IndexPlan, field_index_plans, unique_plan


@dataclass(frozen=True)
class ExpectedForeignKey:
    """A concrete ``ForeignKey``/``OneToOneField`` with a database constraint."""

    field: str  # the field's name on the model
    column: str
    referenced_table: str
    referenced_column: str
    on_delete: Any  # the model's value (``models.PROTECT``, ``DB_CASCADE``, ...)
    action: str  # the ON DELETE action the constraint must carry
    db_index: bool  # Django creates an index for it (False: ``db_index=False``)
    constraint_name: str  # the name Django gives the constraint

    @property
    def on_delete_label(self) -> str:
        """``PROTECT``, ``DB_CASCADE``, ``InDatabaseToo(CASCADE)``..."""
        return str(getattr(self.on_delete, "__name__", None) or self.on_delete)


@dataclass(frozen=True)
class ExpectedIndex:
    """An index the model asks for, and where it comes from (for messages and fixes)."""

    name: str
    columns: tuple[str, ...]
    source: str  # "field", "like", "unique", "unique_together", "meta_index", "meta_constraint"
    field: str | None = None  # the field of an implicit index
    fields: tuple[str, ...] = ()  # the unique_together entry
    unique: bool = False
    is_constraint: bool = False  # a UNIQUE constraint (not only an index)
    index: Any = None  # the models.Index / models.UniqueConstraint of Meta
    sql: str = ""  # the CREATE INDEX Django writes for a Meta entry (compared by definition)


@dataclass(frozen=True)
class ExpectedCheck:
    """A check (or exclusion) constraint: ``Meta.constraints`` or a field's own (``>= 0``)."""

    name: str
    source: str  # "field" (PositiveIntegerField & co.) or "meta_constraint"
    field: str | None = None
    aliases: tuple[str, ...] = ()  # other names the same constraint may have
    sql: str = ""  # the condition Django writes (``"pages" >= 0``), compared by definition


@dataclass(frozen=True)
class ExpectedColumn:
    """A column of a concrete field."""

    field: str
    name: str
    type: str | None  # the SQL type Django declares (None: a field without a column type)
    null: bool
    has_db_default: bool
    primary_key: bool = False
    autofield: bool = False
    generated: bool = False  # GeneratedField: the database computes it (no default, no NOT NULL)


@dataclass
class ExpectedModel:
    """One table the models manage, with what the database should hold for it."""

    app_label: str
    object_name: str
    table: str
    model: Any
    auto_created: bool = False  # the through table Django creates for a ManyToManyField
    columns: list[ExpectedColumn] = field(default_factory=list)
    foreign_keys: list[ExpectedForeignKey] = field(default_factory=list)
    indexes: list[ExpectedIndex] = field(default_factory=list)
    checks: list[ExpectedCheck] = field(default_factory=list)
    #: live name -> declared name, for the objects found by definition under another name
    #: (set by the inspection's :class:`~.context.Context`, from :mod:`.matching`)
    live_names: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``app_label.ObjectName``."""
        return f"{self.app_label}.{self.object_name}"

    @property
    def model_name(self) -> str:
        """The lower-case model name migration operations take."""
        return self.object_name.lower()

    def foreign_key_on(self, column: str) -> ExpectedForeignKey | None:
        """The foreign key whose column is ``column``."""
        return next((fk for fk in self.foreign_keys if fk.column == column), None)

    def index_named(self, name: str) -> ExpectedIndex | None:
        """The expected index (or unique constraint) called ``name`` in the database (its own
        name, or a name kept through a rename)."""
        name = self.live_names.get(name, name)
        return next((i for i in self.indexes if i.name == name), None)

    def check_named(self, name: str) -> ExpectedCheck | None:
        """The expected check or exclusion constraint called ``name`` in the database."""
        name = self.live_names.get(name, name)
        return next((c for c in self.checks if name == c.name or name in c.aliases), None)

    def meta_constraint_names(self) -> set[str]:
        """Names of ``Meta.constraints`` and ``Meta.indexes``: never implicit objects."""
        return {str(i.name) for i in self.model._meta.indexes} | {
            str(c.name) for c in self.model._meta.constraints
        }


def expected_models(
    registry: Any, app_labels: Iterable[str], connection: BaseDatabaseWrapper
) -> list[ExpectedModel]:
    """The tables the selected apps' models manage, from ``registry`` (an app registry)."""
    editor: Any = connection.schema_editor(collect_sql=True, atomic=False)
    result = [
        _expected(model, editor, connection)
        for model in _inspected_models(registry, app_labels, connection)
    ]
    return sorted(result, key=lambda m: m.table)


def table_counts(
    registry: Any, app_labels: Iterable[str], connection: BaseDatabaseWrapper
) -> dict[str, int]:
    """``{app_label: tables}`` the inspector would compare for each of ``app_labels`` (apps
    without any left out), to say what a selection left out."""
    counts: dict[str, int] = {}
    for model in _inspected_models(registry, app_labels, connection):
        counts[model._meta.app_label] = counts.get(model._meta.app_label, 0) + 1
    return dict(sorted(counts.items()))


def _inspected_models(
    registry: Any, app_labels: Iterable[str], connection: BaseDatabaseWrapper
) -> Iterable[Any]:
    labels = set(app_labels)
    for model in registry.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label not in labels or meta.proxy or not meta.managed or meta.swapped:
            continue
        if not meta.can_migrate(connection) or '"."' in meta.db_table:
            continue  # routed elsewhere, or a schema-qualified table outside the search path
        yield model


def _expected(model: Any, editor: Any, connection: BaseDatabaseWrapper) -> ExpectedModel:
    meta = model._meta
    expected = ExpectedModel(
        app_label=meta.app_label,
        object_name=meta.object_name,
        table=meta.db_table,
        model=model,
        auto_created=bool(meta.auto_created),
    )
    for f in meta.local_fields:
        expected.columns.append(_column(f, connection))
        if f.is_relation and f.concrete and (f.many_to_one or f.one_to_one) and f.db_constraint:
            expected.foreign_keys.append(_foreign_key(model, f, editor))
        check = getattr(f, "db_check", None) and f.db_check(connection)
        if check:
            # CREATE TABLE leaves the inline check to PostgreSQL's naming; AddField/AlterField
            # name it as Django's indexes.
            names = (
                pg_object_name(meta.db_table, f.column, "check"),
                pg_identifier(
                    str(editor._create_index_name(meta.db_table, [f.column], suffix="_check"))
                ),
            )
            expected.checks.append(
                ExpectedCheck(
                    name=names[0], source="field", field=f.name, aliases=names[1:], sql=check
                )
            )
        for plan in _field_plans(editor, model, f):
            expected.indexes.append(_from_plan(plan, f))
    for together in meta.unique_together:
        fields = [meta.get_field(name) for name in together]
        plan = unique_plan(editor, model, fields=fields)
        expected.indexes.append(
            ExpectedIndex(
                name=pg_identifier(plan.name),
                columns=plan.columns,
                source="unique_together",
                fields=tuple(together),
                unique=True,
                is_constraint=True,
            )
        )
    for index in meta.indexes:
        columns = tuple(meta.get_field(f.lstrip("-")).column for f in index.fields)
        expected.indexes.append(
            ExpectedIndex(
                name=pg_identifier(str(index.name)),
                columns=columns,
                source="meta_index",
                index=index,
                sql=_sql(index.create_sql, model, editor),
            )
        )
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            columns = tuple(meta.get_field(f).column for f in constraint.fields)
            plain = not (
                constraint.condition
                or constraint.expressions
                or getattr(constraint, "include", None)
                or getattr(constraint, "opclasses", None)
            )
            expected.indexes.append(
                ExpectedIndex(
                    name=pg_identifier(str(constraint.name)),
                    columns=columns,
                    source="meta_constraint",
                    unique=True,
                    is_constraint=plain,
                    index=constraint,
                    sql="" if plain else _sql(constraint.create_sql, model, editor),
                )
            )
        else:
            expected.checks.append(
                ExpectedCheck(
                    name=pg_identifier(str(constraint.name)),
                    source="meta_constraint",
                    sql=_sql(constraint.constraint_sql, model, editor),
                )
            )
    return expected


def _column(f: Any, connection: BaseDatabaseWrapper) -> ExpectedColumn:
    return ExpectedColumn(
        field=f.name,
        name=f.column,
        type=f.db_type(connection),
        null=bool(f.null) and not f.primary_key,
        has_db_default=f.db_default is not models.NOT_PROVIDED,
        primary_key=bool(f.primary_key),
        autofield=isinstance(f, models.AutoField | models.BigAutoField | models.SmallAutoField),
        generated=bool(getattr(f, "generated", False)),
    )


def _foreign_key(model: Any, f: Any, editor: Any) -> ExpectedForeignKey:
    from safemigrations.operations.foreign_keys import ForeignKeyRef

    ref = ForeignKeyRef.of(editor, model, f)
    return ExpectedForeignKey(
        field=f.name,
        column=f.column,
        referenced_table=ref.to_table,
        referenced_column=ref.to_column,
        on_delete=f.remote_field.on_delete,
        action=db_action(f.remote_field.on_delete) or "NO ACTION",
        db_index=bool(f.db_index) or bool(f.unique),
        constraint_name=pg_identifier(ref.name),
    )


def _field_plans(editor: Any, model: Any, f: Any) -> list[IndexPlan]:
    """The indexes Django's schema editor creates for ``f``: for a primary key (``unique`` is
    True for it), only the ``_like`` twin of a ``varchar``/``text`` key, as PostgreSQL's
    ``_create_like_index_sql`` decides; the key's own index belongs to the constraint."""
    if not (f.db_index or f.unique):
        return []
    return field_index_plans(editor, model, f)


def _sql(render: Any, model: Any, editor: Any) -> str:
    """Django's SQL for an index or constraint of ``Meta`` ("" when it cannot be rendered)."""
    try:
        return str(render(model, editor))
    except Exception:  # an exotic expression: then the object is only found by its name
        return ""


def pg_object_name(name1: str, name2: str, label: str) -> str:
    """The name PostgreSQL gives a constraint it names itself (``makeObjectName``): ``name1``
    _``name2``_``label``, the longer of the two names cut first (bytes, on a character
    boundary) so the whole fits in 63 bytes."""
    one, two = name1.encode(), name2.encode()
    available = MAX_IDENTIFIER_BYTES - len(label.encode()) - 2
    n1, n2 = len(one), len(two)
    while n1 + n2 > available:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    cut1 = one[:n1].decode(errors="ignore")
    cut2 = two[:n2].decode(errors="ignore")
    return f"{cut1}_{cut2}_{label}"


def _from_plan(plan: IndexPlan, f: Any) -> ExpectedIndex:
    source = {"index": "field", "like": "like", "unique": "unique"}.get(plan.kind, plan.kind)
    return ExpectedIndex(
        name=pg_identifier(plan.name),
        columns=plan.columns,
        source=source,
        field=f.name,
        unique=plan.unique,
        is_constraint=plan.is_constraint,
    )
