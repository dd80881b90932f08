"""safemigrations' operations named like ``django.contrib.postgres``'s take every call Django's take.

A project moves from Django's ``AddIndexConcurrently``, ``RemoveIndexConcurrently`` (here
``DropIndexConcurrently``), ``AddConstraintNotValid`` or ``ValidateConstraint`` by swapping the
import: the same call, positional or by keyword, builds an operation that runs on PostgreSQL and
leaves the catalog and the migration state Django's leaves. The linter and the squash helper tell
the namesakes by class, not by name.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from django.contrib.postgres import operations as django_ops
from django.db import models
from django.db.migrations.state import ProjectState

from safemigrations.lint.rules._django import is_kind
from safemigrations.lint.rules.django_concurrent_in_atomic import needs_non_atomic
from safemigrations.operations import (
    AddConstraintNotValid,
    AddIndexConcurrently,
    DropIndexConcurrently,
    SetNotNull,
    ValidateConstraint,
)
from safemigrations.operations.namesakes import is_operation
from safemigrations.testing.migrator import Migrator
from tests.indexops_support import (
    APP,
    constraints,
    indexes,
    run_backwards,
    run_forwards,
    state_at,
)
from tests.indexops_support import app as app  # the fixture

NAMESAKES = [
    (AddIndexConcurrently, django_ops.AddIndexConcurrently),
    (DropIndexConcurrently, django_ops.RemoveIndexConcurrently),
    (AddConstraintNotValid, django_ops.AddConstraintNotValid),
    (ValidateConstraint, django_ops.ValidateConstraint),
]

INDEX = "indexops_member_scored_email"
CHECK = "indexops_member_score_gte_0"


def _index() -> models.Index:
    return models.Index(fields=["email"], name=INDEX, condition=models.Q(score__gt=0))


def _check() -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(score__gte=0), name=CHECK)


def calls(*args: Any) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Django's call of ``(model_name, second)``: positionally, then by keyword."""
    model_name, second_name, second = args
    return [((model_name, second), {}), ((), {"model_name": model_name, second_name: second})]


def member(state: ProjectState) -> Any:
    return state.models[APP, "member"]


def after(operation: Any, state: ProjectState) -> ProjectState:
    state = state.clone()
    operation.state_forwards(APP, state)
    return state


def round_trips(operation: Any) -> None:
    """``deconstruct()`` rebuilds an equal operation, as a migration file would."""
    name, args, kwargs = operation.deconstruct()
    assert name == type(operation).__name__
    rebuilt = type(operation)(*args, **kwargs)
    assert rebuilt.deconstruct() == (name, args, kwargs)


@pytest.mark.parametrize(("ours", "theirs"), NAMESAKES, ids=lambda c: c.__name__)
def test_every_parameter_of_djangos_constructor_is_accepted_the_same_way(
    ours: type, theirs: type
) -> None:
    def parameters(cls: type) -> list[inspect.Parameter]:
        return list(inspect.signature(cls.__init__).parameters.values())[1:]  # type: ignore[misc]

    theirs_params, ours_params = parameters(theirs), parameters(ours)
    for position, param in enumerate(theirs_params):
        assert ours_params[position].name == param.name
        assert ours_params[position].kind == inspect.Parameter.POSITIONAL_OR_KEYWORD
    # What only ours takes is optional, so Django's calls never miss an argument.
    extra = ours_params[len(theirs_params) :]
    assert extra
    assert all(p.default is not inspect.Parameter.empty for p in extra)


def test_a_migration_written_by_django_builds_ours_after_swapping_the_import() -> None:
    for ours, theirs in [
        (AddIndexConcurrently, django_ops.AddIndexConcurrently("member", _index())),
        (DropIndexConcurrently, django_ops.RemoveIndexConcurrently("member", INDEX)),
        (AddConstraintNotValid, django_ops.AddConstraintNotValid("member", _check())),
        (ValidateConstraint, django_ops.ValidateConstraint("member", CHECK)),
    ]:
        _, args, kwargs = theirs.deconstruct()
        op = ours(*args, **kwargs)
        assert op.deconstruct() == (ours.__name__, [], kwargs)
        assert op.references_model("Member", APP)


def test_add_index_concurrently_leaves_what_djangos_leaves(app: Migrator) -> None:
    before = state_at(app, "0001")
    theirs = django_ops.AddIndexConcurrently("member", _index())
    run_forwards(theirs, before)
    expected_index = indexes()[INDEX]
    expected_state = member(after(theirs, before))
    run_backwards(theirs, before)
    assert INDEX not in indexes()

    for args, kwargs in calls("member", "index", _index()):
        ours = AddIndexConcurrently(*args, **kwargs)
        round_trips(ours)
        run_forwards(ours, before)
        assert indexes()[INDEX] == expected_index
        assert expected_index.valid
        assert expected_index.predicate == "(score > 0)"
        assert member(after(ours, before)) == expected_state
        run_backwards(ours, before)
        assert INDEX not in indexes()


def test_drop_index_concurrently_takes_remove_index_concurrently_calls(app: Migrator) -> None:
    before = after(AddIndexConcurrently("member", _index()), state_at(app, "0001"))
    run_forwards(AddIndexConcurrently("member", _index()), state_at(app, "0001"))
    built = indexes()[INDEX]
    theirs = django_ops.RemoveIndexConcurrently("member", INDEX)
    run_forwards(theirs, before)
    expected_indexes = indexes()
    expected_state = member(after(theirs, before))
    assert INDEX not in expected_indexes
    run_backwards(theirs, before)
    assert indexes()[INDEX] == built

    for args, kwargs in calls("member", "name", INDEX):
        ours = DropIndexConcurrently(*args, **kwargs)
        round_trips(ours)
        run_forwards(ours, before)
        assert indexes() == expected_indexes
        assert member(after(ours, before)) == expected_state
        run_backwards(ours, before)
        assert indexes()[INDEX] == built


def test_not_valid_and_validate_leave_what_djangos_leave(app: Migrator) -> None:
    before = state_at(app, "0001")
    theirs_add = django_ops.AddConstraintNotValid("member", _check())
    run_forwards(theirs_add, before)
    added = after(theirs_add, before)
    not_valid = constraints()[CHECK]
    assert not not_valid.validated
    theirs_validate = django_ops.ValidateConstraint("member", CHECK)
    run_forwards(theirs_validate, added)
    validated = constraints()[CHECK]
    assert validated.validated
    expected_state = member(after(theirs_validate, added))
    run_backwards(theirs_add, before)
    assert CHECK not in constraints()

    for (add_args, add_kwargs), (args, kwargs) in zip(
        calls("member", "constraint", _check()), calls("member", "name", CHECK), strict=True
    ):
        add = AddConstraintNotValid(*add_args, **add_kwargs)
        round_trips(add)
        run_forwards(add, before)
        assert constraints()[CHECK] == not_valid
        assert member(after(add, before)) == member(added)
        ours = ValidateConstraint(*args, **kwargs)
        round_trips(ours)
        run_forwards(ours, added)
        assert constraints()[CHECK] == validated
        assert member(after(ours, added)) == expected_state
        run_backwards(add, before)
        assert CHECK not in constraints()


# -- told apart by class, not by name ------------------------------------------------------


def test_the_linter_and_the_squash_helper_tell_namesakes_by_class() -> None:
    class ValidateConstraintOfAnotherPackage(django_ops.ValidateConstraint):
        pass

    # Same name, same module, yet another class (a project's copy, a reloaded module).
    impostor = type(
        "ValidateConstraint", (), {"__module__": "safemigrations.operations.not_valid"}
    )()
    for op in (
        ValidateConstraint("member", CHECK),
        django_ops.ValidateConstraint("member", CHECK),
        ValidateConstraintOfAnotherPackage("member", CHECK),
    ):
        assert is_kind(op, ValidateConstraint)
        assert is_operation(op, ValidateConstraint)
    assert not is_kind(impostor, ValidateConstraint)
    assert not is_kind(AddConstraintNotValid("member", _check()), ValidateConstraint)


def test_concurrent_operations_are_told_by_class() -> None:
    class ProjectAddIndex(django_ops.AddIndexConcurrently):
        pass

    index = _index()
    assert needs_non_atomic(django_ops.AddIndexConcurrently("member", index))
    assert needs_non_atomic(django_ops.RemoveIndexConcurrently("member", INDEX))
    assert needs_non_atomic(ProjectAddIndex("member", index))
    assert needs_non_atomic(AddIndexConcurrently("member", index))
    assert needs_non_atomic(SetNotNull("member", "nickname"))
    assert not needs_non_atomic(ValidateConstraint("member", CHECK))  # runs in a transaction
    impostor = type("AddIndexConcurrently", (), {"requires_non_atomic": True})()
    assert not needs_non_atomic(impostor)
