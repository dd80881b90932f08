"""System checks for database-level ``on_delete`` values.

On Django 5.2/6.0 these mirror the checks Django 6.1 runs for its own values (its ids in
brackets), so a project behaves the same before and after upgrading. On every version they also
cover what Django does not check: ``DB_RESTRICT``, :class:`~safemigrations.deletion.InDatabaseToo`
and a database action on a field without a constraint.

=====================  =====================================================================
safemigrations.E001    database action on a field with ``db_constraint=False`` (no constraint)
safemigrations.E002    ``DB_SET_NULL`` / ``InDatabaseToo(SET_NULL)`` on a non-null field [E320]
safemigrations.E003    ``DB_SET_DEFAULT`` / ``InDatabaseToo(SET_DEFAULT)`` without ``db_default``
                       [E322]
safemigrations.E004    database- and Python-level values mixed along a chain of references, or a
                       database-level value next to an auto-created many-to-many table [E323]
safemigrations.E005    one model with both database- and Python-level related fields [E050]
safemigrations.E006    a ``GenericForeignKey``'s content type key with a database-level value
                       [contenttypes.E006]
safemigrations.E007    the database backend cannot carry out the action [E324]
safemigrations.E008    a value that needs the ``safemigrations`` app while it is not installed
safemigrations.W001    an ON DELETE action on an auto-created many-to-many table, which the
                       migration state cannot keep (:mod:`.through_tables`)
=====================  =====================================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, router
from django.db.models import DO_NOTHING, NOT_PROVIDED, SET_DEFAULT, SET_NULL

from .. import deletion

#: Actions each backend vendor cannot put in a foreign key (the rest support all five).
_UNSUPPORTED_ACTIONS = {
    "mysql": {"SET DEFAULT"},
    "oracle": {"SET DEFAULT", "RESTRICT"},
}


def _on_delete(field: Any) -> Any:
    return getattr(getattr(field, "remote_field", None), "on_delete", None)


def _checked_by_django(on_delete: Any) -> bool:
    """Django 6.1 checks its own three values itself; do not report twice."""
    return deletion.NATIVE and on_delete in (
        deletion.DB_CASCADE,
        deletion.DB_SET_NULL,
        deletion.DB_SET_DEFAULT,
    )


def _mirrors_django(on_delete: Any) -> bool:
    """The Django 6.1 rules for database-level values apply and Django does not run them."""
    return deletion.is_db_level(on_delete) and not deletion.NATIVE


def _name(on_delete: Any) -> str:
    return str(getattr(on_delete, "__name__", on_delete))


def _relation_fields(model: Any) -> Iterator[Any]:
    for field in model._meta.get_fields():
        if field.is_relation and field.concrete and _on_delete(field) is not None:
            yield field


def check_field(field: Any, databases: Iterable[str] | None = None) -> list[checks.CheckMessage]:
    """Every field-level rule for one relation field."""
    on_delete = _on_delete(field)
    errors: list[checks.CheckMessage] = []
    if on_delete is None:
        return errors
    if not deletion.NATIVE and not field.model._meta.auto_created:
        # Django checks no field of an auto-created through model; check_m2m_field covers it.
        errors.extend(_check_chain(field, on_delete))
    action = deletion.db_action(on_delete)
    if action is None:
        return errors
    if not field.db_constraint:
        errors.append(
            checks.Error(
                f"Field specifies on_delete={_name(on_delete)}, but db_constraint=False: "
                "without a foreign key constraint the database has no ON DELETE action.",
                hint=(
                    "Remove db_constraint=False, or use a Python-level on_delete such as "
                    "models.CASCADE."
                ),
                obj=field,
                id="safemigrations.E001",
            )
        )
    mirrored = _mirrors_django(on_delete) or isinstance(on_delete, deletion.InDatabaseToo)
    sets_null = action == "SET NULL" or getattr(on_delete, "handler", None) is SET_NULL
    sets_default = action == "SET DEFAULT" or getattr(on_delete, "handler", None) is SET_DEFAULT
    if mirrored and sets_null and not field.null:
        errors.append(
            checks.Error(
                f"Field specifies on_delete={_name(on_delete)}, but cannot be null.",
                hint="Set null=True on the field, or change the on_delete rule.",
                obj=field,
                id="safemigrations.E002",
            )
        )
    if mirrored and sets_default and field.db_default is NOT_PROVIDED:
        errors.append(
            checks.Error(
                f"Field specifies on_delete={_name(on_delete)}, but has no db_default: the "
                "database sets the column to its default, so the column needs one.",
                hint="Set db_default on the field, or change the on_delete rule.",
                obj=field,
                id="safemigrations.E003",
            )
        )
    if not _checked_by_django(on_delete):
        errors.extend(_check_backend(field, on_delete, action, databases or ()))
    return errors


def _check_backend(
    field: Any, on_delete: Any, action: str, databases: Iterable[str]
) -> Iterator[checks.CheckMessage]:
    for alias in databases:
        if not router.allow_migrate_model(alias, field.model):
            continue
        connection = connections[alias]
        if action in _UNSUPPORTED_ACTIONS.get(connection.vendor, set()):
            yield checks.Error(
                f"{connection.display_name} does not support ON DELETE {action} "
                f"(on_delete={_name(on_delete)}).",
                hint="Change the on_delete rule to a Python-level one such as models.CASCADE.",
                obj=field,
                id="safemigrations.E007",
            )


def _is_python_level(on_delete: Any) -> bool:
    return on_delete is not None and on_delete != DO_NOTHING and not deletion.is_db_level(on_delete)


def _check_chain(field: Any, on_delete: Any) -> Iterator[checks.CheckMessage]:
    """The field and the referenced model's own foreign keys must use the same kind of value.

    Rows the database deletes get no Python handling further along the chain, and rows Python
    deletes one by one gain nothing from a database action behind them.
    """
    target = field.remote_field.model
    if on_delete == DO_NOTHING or isinstance(target, str):
        return
    is_db = deletion.is_db_level(on_delete)
    for ref_field in target._meta.get_fields():
        if not ref_field.related_model:
            continue
        ref_on_delete = getattr(ref_field.remote_field, "on_delete", None)
        if ref_on_delete is None or ref_on_delete == DO_NOTHING:
            continue
        if deletion.is_db_level(ref_on_delete) is not is_db:
            kind, ref_kind = ("database", "Python") if is_db else ("Python", "database")
            yield checks.Error(
                f"Field specifies {kind}-level on_delete={_name(on_delete)}, but the referenced "
                f"model {target._meta.label} uses a {ref_kind}-level variant "
                f"({ref_field.name}: {_name(ref_on_delete)}).",
                hint=(
                    "Use either database-level or Python-level on_delete values uniformly in "
                    "the chain of references."
                ),
                obj=field,
                id="safemigrations.E004",
            )
            return


def check_m2m_field(field: Any) -> list[checks.CheckMessage]:
    """A ManyToManyField whose auto-created table sits next to database-level keys [E323].

    The keys of an auto-created through table are Python ``CASCADE`` without an ``ON DELETE``
    action. When the database itself deletes a row of either model (a ``DB_CASCADE`` key of that
    model), the through table's rows that point at it stop the delete. Django 6.1 reports this
    for its own values; this mirrors it for the backport on 5.2 and 6.0.
    """
    through = field.remote_field.through
    if deletion.NATIVE or isinstance(through, str) or not through._meta.auto_created:
        return []
    errors: list[checks.CheckMessage] = []
    for key in through._meta.get_fields():
        model = key.related_model if key.many_to_one else None
        if model is None or isinstance(model, str):
            continue
        for ref_field in model._meta.get_fields():
            ref_on_delete = _on_delete(ref_field) if ref_field.concrete else None
            if not _mirrors_django(ref_on_delete):
                continue
            errors.append(
                checks.Error(
                    f"Field specifies database-level on_delete={_name(ref_on_delete)}, but "
                    f"{field.model._meta.label}.{field.name} has an auto-created intermediary "
                    f"table ({through._meta.db_table}) whose keys are Python-level: when the "
                    f"database deletes a {model._meta.object_name} row, the rows of that table "
                    "that point at it make the delete fail.",
                    hint=(
                        f"Give {field.model._meta.label}.{field.name} an explicit through model "
                        "whose foreign keys use database-level values (e.g. DB_CASCADE), or use "
                        "Python-level on_delete values."
                    ),
                    obj=ref_field,
                    id="safemigrations.E004",
                )
            )
    return errors


def check_model(model: Any) -> list[checks.CheckMessage]:
    """Model-level rules: no mixing of variants on one model, none on a GFK's content type."""
    errors: list[checks.CheckMessage] = []
    variants = {_on_delete(f) for f in model._meta.get_fields() if f.related_model}
    backports = [v for v in variants if _mirrors_django(v)]
    if backports and any(_is_python_level(v) for v in variants):
        errors.append(
            checks.Error(
                "The model cannot have related fields with both database-level and "
                "Python-level on_delete variants.",
                hint=(
                    "Use database-level values on all its relations, or Python-level values "
                    "on all of them (a multi-table inheritance child cannot use "
                    "database-level values)."
                ),
                obj=model,
                id="safemigrations.E005",
            )
        )
    for private in model._meta.private_fields:
        ct_field = getattr(private, "ct_field", None)
        if ct_field is None or not hasattr(private, "fk_field"):
            continue
        try:
            field = model._meta.get_field(ct_field)
        except FieldDoesNotExist:  # Django's own check reports it
            continue
        if _mirrors_django(_on_delete(field)):
            errors.append(
                checks.Error(
                    f"'{model._meta.object_name}.{ct_field}' cannot use the database-level "
                    "on_delete variant: generic relations are deleted by Python.",
                    hint="Change the on_delete rule to the Python-level variant.",
                    obj=private,
                    id="safemigrations.E006",
                )
            )
    return errors


def check_on_delete(
    app_configs: Any = None, databases: Iterable[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """The registered check: every model of the checked apps."""
    if app_configs is None:
        models = apps.get_models(include_auto_created=True)
    else:
        models = [m for config in app_configs for m in config.get_models(True)]
    errors: list[checks.CheckMessage] = []
    for model in models:
        if model._meta.swapped:
            continue
        errors.extend(check_model(model))
        for field in _relation_fields(model):
            errors.extend(check_field(field, databases))
        for field in model._meta.local_many_to_many:
            errors.extend(check_m2m_field(field))
    return errors


def check_app_installed(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Fail when a model uses a value that needs the app and ``safemigrations`` is not installed.

    Without the app's ``ready()`` nothing writes ``ON DELETE`` on Django 5.2/6.0 and the
    collector hands the relation to a value that cannot act, so every delete would fail in the
    database (or, for ``InDatabaseToo``, the constraint would silently lack the action).
    """
    if deletion.installed():
        return []
    if app_configs is None:
        models = apps.get_models(include_auto_created=True)
    else:
        models = [m for config in app_configs for m in config.get_models(True)]
    return [
        checks.Error(
            f"Field specifies on_delete={_name(_on_delete(field))}, but the safemigrations app, "
            "which teaches Django this value (the constraint's ON DELETE clause, the deletion "
            "collector, migrations), is not installed.",
            hint='Add "safemigrations" to INSTALLED_APPS.',
            obj=field,
            id="safemigrations.E008",
        )
        for model in models
        for field in _relation_fields(model)
        if deletion.needs_app(_on_delete(field))
    ]


def install() -> None:
    """Register :func:`check_on_delete` (``models``) and the through-table check (``database``).

    The through-table check reads every migration file, so it is tagged ``database``: Django runs
    it during ``migrate`` and ``check --database``, not on every ``check`` / ``runserver``.
    """
    from .through_tables import check_through_table_actions

    checks.register(check_on_delete, checks.Tags.models)
    checks.register(check_through_table_actions, checks.Tags.database)
