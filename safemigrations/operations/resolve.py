"""Find the model and field an operation names, with errors that list what does exist.

A migration that names a model or field wrongly should fail before it touches the database, and
say which names it could have meant.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.migrations.state import ModelState, ProjectState

from safemigrations.exceptions import OperationTargetError


def state_model(
    state: ProjectState, app_label: str, model_name: str, operation: str = ""
) -> ModelState:
    """Model ``app_label.model_name`` of a migration state, or an error listing the app's models."""
    model_state = state.models.get((app_label, model_name.lower()))
    if model_state is None:
        known = sorted(m for (app, m) in state.models if app == app_label)
        raise OperationTargetError(
            f"{operation + ': ' if operation else ''}there is no model {app_label}.{model_name} "
            f"at this point of the migrations. Models of {app_label!r}: "
            f"{', '.join(known) or '(none)'}. Check model_name= and the migration's dependencies."
        )
    return model_state


def state_field(
    state: ProjectState, app_label: str, model_name: str, name: str, operation: str = ""
) -> Any:
    """Field ``name`` of model ``app_label.model_name`` in a migration state (unrendered).

    A missing model or field is an :class:`OperationTargetError` that lists the models of the
    app, or the fields of the model, as they are at this point of the migrations.
    """
    model_state = state_model(state, app_label, model_name, operation)
    field = model_state.fields.get(name)
    if field is None:
        raise OperationTargetError(
            f"{operation + ': ' if operation else ''}model {app_label}.{model_name} has no field "
            f"{name!r}. Its fields: {', '.join(sorted(model_state.fields))} (at this point of the "
            "migrations)."
        )
    return field


def get_model(apps: Any, app_label: str, model_name: str) -> type[models.Model]:
    """The rendered model ``app_label.model_name`` from a migration state's apps."""
    try:
        return apps.get_model(app_label, model_name)  # type: ignore[no-any-return]
    except LookupError:
        try:
            known = sorted(m._meta.model_name for m in apps.get_app_config(app_label).get_models())
        except LookupError:
            raise OperationTargetError(
                f"App {app_label!r} has no models in the migration state."
            ) from None
        raise OperationTargetError(
            f"Model {app_label}.{model_name} does not exist in the migration state. "
            f"Models of {app_label!r}: {', '.join(known) or '(none)'}."
        ) from None


def get_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The field ``name`` of ``model``, by field name or column name."""
    opts = model._meta
    try:
        return opts.get_field(name)  # type: ignore[return-value]
    except FieldDoesNotExist:
        for field in opts.local_fields:
            if field.column == name:
                return field
        known = sorted(f.name for f in opts.get_fields() if not f.auto_created or f.concrete)
        raise OperationTargetError(
            f"Model {opts.label} has no field {name!r}. Its fields: {', '.join(known)}."
        ) from None


def foreign_key_names(model: type[models.Model]) -> list[str]:
    """Names of the model's ForeignKey / OneToOneField / ManyToManyField fields, for messages."""
    return sorted(
        f.name
        for f in model._meta.get_fields()
        if f.is_relation
        and not f.auto_created
        and (f.many_to_one or f.one_to_one or f.many_to_many)
    )


def get_foreign_key(
    model: type[models.Model], name: str, m2m_side: str | None = None
) -> tuple[type[models.Model], Any]:
    """The model that holds the foreign key, and the key, for ``model.name``.

    For a ManyToManyField with an auto-created through table, ``m2m_side`` picks the through
    table's key: ``"from"`` (to ``model``) or ``"to"`` (to the related model).
    """
    field: Any = get_field(model, name)
    label = f"{model._meta.label}.{field.name}"
    if field.many_to_many:
        if m2m_side not in ("from", "to"):
            raise OperationTargetError(
                f"{label} is a ManyToManyField: pass m2m_side='from' for its through table's "
                f"key to {model._meta.label}, or m2m_side='to' for the key to "
                f"{field.related_model._meta.label}."
            )
        through = field.remote_field.through
        if not through._meta.auto_created:
            raise OperationTargetError(
                f"{label} has an explicit through model {through._meta.label}: name that model "
                f"and its foreign key instead (e.g. model_name={through._meta.model_name!r})."
            )
        fk_name = field.m2m_field_name() if m2m_side == "from" else field.m2m_reverse_field_name()
        return through, through._meta.get_field(fk_name)
    if m2m_side is not None:
        raise OperationTargetError(f"m2m_side is only for ManyToManyField; {label} is not one.")
    if not (field.many_to_one or field.one_to_one) or not field.concrete:
        raise OperationTargetError(
            f"{label} is a {type(field).__name__}, not a ForeignKey or OneToOneField. "
            f"Foreign keys of {model._meta.label}: {', '.join(foreign_key_names(model)) or '(none)'}."
        )
    return model, field
