"""System checks for database-level on_delete values (Django 6.1's ids where Django checks)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.db import models
from django.test.utils import isolate_apps

from safemigrations import DB_CASCADE, DB_RESTRICT, DB_SET_DEFAULT, DB_SET_NULL, InDatabaseToo
from safemigrations.deletion import NATIVE
from safemigrations.ondelete.checks import check_field, check_model, check_on_delete

DATABASES = ["default"]
ON_DELETE_APPS = ("ondelete", "ondelete_alter", "ondelete_rewrite")


def all_errors(model: Any) -> list[checks.CheckMessage]:
    """Django's own checks of the model and its fields, plus safemigrations' ones."""
    errors = list(model.check(databases=DATABASES))
    errors += check_model(model)
    for field in model._meta.local_fields:
        errors += check_field(field, DATABASES)
    return errors


def only(errors: list[checks.CheckMessage], check_id: str) -> checks.CheckMessage:
    found = [e for e in errors if e.id == check_id]
    assert len(found) == 1, [(e.id, e.msg) for e in errors]
    return found[0]


def ids(errors: list[checks.CheckMessage]) -> set[str]:
    return {str(e.id) for e in errors}


@isolate_apps("tests.testapps.ondelete")
def test_db_level_value_without_constraint_is_an_error() -> None:
    class Target(models.Model):
        class Meta:
            app_label = "ondelete"

    class Source(models.Model):
        target = models.ForeignKey(Target, DB_CASCADE, db_constraint=False)
        mirrored = models.ForeignKey(
            Target, InDatabaseToo(models.CASCADE), db_constraint=False, related_name="+"
        )

        class Meta:
            app_label = "ondelete"

    errors = [
        *check_field(Source._meta.get_field("target")),
        *check_field(Source._meta.get_field("mirrored")),
    ]
    assert ids(errors) == {"safemigrations.E001"}
    assert len(errors) == 2
    assert "db_constraint=False" in errors[0].msg
    assert "Remove db_constraint=False" in str(errors[0].hint)


@isolate_apps("tests.testapps.ondelete")
def test_set_null_on_a_non_null_field() -> None:
    class Target(models.Model):
        class Meta:
            app_label = "ondelete"

    class Source(models.Model):
        target = models.ForeignKey(Target, DB_SET_NULL)

        class Meta:
            app_label = "ondelete"

    class Mirrored(models.Model):
        target = models.ForeignKey(Target, InDatabaseToo(models.SET_NULL))

        class Meta:
            app_label = "ondelete"

    error = only(all_errors(Source), "fields.E320" if NATIVE else "safemigrations.E002")
    assert "on_delete=DB_SET_NULL, but cannot be null" in error.msg
    assert "null=True" in str(error.hint)
    mirrored = only(all_errors(Mirrored), "safemigrations.E002")
    assert "InDatabaseToo(SET_NULL)" in mirrored.msg


@isolate_apps("tests.testapps.ondelete")
def test_set_default_needs_db_default() -> None:
    class Target(models.Model):
        class Meta:
            app_label = "ondelete"

    class Source(models.Model):
        target = models.ForeignKey(Target, DB_SET_DEFAULT, default=1)

        class Meta:
            app_label = "ondelete"

    class Fine(models.Model):
        target = models.ForeignKey(Target, DB_SET_DEFAULT, db_default=1, related_name="+")

        class Meta:
            app_label = "ondelete"

    class Mirrored(models.Model):
        target = models.ForeignKey(Target, InDatabaseToo(models.SET_DEFAULT), default=1)

        class Meta:
            app_label = "ondelete"

    error = only(all_errors(Source), "fields.E322" if NATIVE else "safemigrations.E003")
    assert "DB_SET_DEFAULT" in error.msg
    assert "db_default" in error.msg
    assert all_errors(Fine) == []
    assert "db_default" in only(all_errors(Mirrored), "safemigrations.E003").msg


@isolate_apps("tests.testapps.ondelete")
def test_mixed_variants_along_a_chain() -> None:
    class Root(models.Model):
        class Meta:
            app_label = "ondelete"

    class Middle(models.Model):
        root = models.ForeignKey(Root, models.CASCADE)

        class Meta:
            app_label = "ondelete"

    class Leaf(models.Model):
        middle = models.ForeignKey(Middle, DB_CASCADE)

        class Meta:
            app_label = "ondelete"

    error = only(all_errors(Leaf), "fields.E323" if NATIVE else "safemigrations.E004")
    assert "database-level" in error.msg
    assert "Python-level" in error.msg
    assert "uniformly" in str(error.hint)


@isolate_apps("tests.testapps.ondelete")
def test_python_level_value_pointing_at_a_database_level_chain() -> None:
    class Root(models.Model):
        class Meta:
            app_label = "ondelete"

    class Middle(models.Model):
        root = models.ForeignKey(Root, DB_CASCADE)

        class Meta:
            app_label = "ondelete"

    class Leaf(models.Model):
        middle = models.ForeignKey(Middle, models.CASCADE)

        class Meta:
            app_label = "ondelete"

    error = only(all_errors(Leaf), "fields.E323" if NATIVE else "safemigrations.E004")
    assert "Python-level" in error.msg
    assert all_errors(Middle) == []


@isolate_apps("tests.testapps.ondelete")
def test_db_restrict_counts_as_database_level_in_chains() -> None:
    class Root(models.Model):
        class Meta:
            app_label = "ondelete"

    class Middle(models.Model):
        root = models.ForeignKey(Root, models.PROTECT)

        class Meta:
            app_label = "ondelete"

    class Leaf(models.Model):
        middle = models.ForeignKey(Middle, DB_RESTRICT)

        class Meta:
            app_label = "ondelete"

    only(all_errors(Leaf), "fields.E323" if NATIVE else "safemigrations.E004")


@isolate_apps("tests.testapps.ondelete")
def test_one_model_with_both_variants() -> None:
    class Target(models.Model):
        class Meta:
            app_label = "ondelete"

    class Source(models.Model):
        by_db = models.ForeignKey(Target, DB_CASCADE, related_name="+")
        by_python = models.ForeignKey(Target, models.CASCADE, related_name="+")

        class Meta:
            app_label = "ondelete"

    error = only(all_errors(Source), "models.E050" if NATIVE else "safemigrations.E005")
    assert "both database-level and Python-level" in error.msg


@isolate_apps("tests.testapps.ondelete")
def test_mirrored_value_mixes_with_python_values() -> None:
    """InDatabaseToo keeps its Python handler: it is a Python-level value for the checks."""

    class Target(models.Model):
        class Meta:
            app_label = "ondelete"

    class Source(models.Model):
        mirrored = models.ForeignKey(Target, InDatabaseToo(models.CASCADE), related_name="+")
        by_python = models.ForeignKey(Target, models.CASCADE, related_name="+")

        class Meta:
            app_label = "ondelete"

    assert all_errors(Source) == []


@isolate_apps("tests.testapps.ondelete")
def test_generic_foreign_key_content_type_cannot_be_db_level() -> None:
    class Tagged(models.Model):
        content_type = models.ForeignKey(ContentType, DB_CASCADE)
        object_id = models.PositiveIntegerField()
        content_object = GenericForeignKey("content_type", "object_id")

        class Meta:
            app_label = "ondelete"

    # The content type model lives outside the isolated registry: check the GFK itself.
    gfk = Tagged._meta.get_field("content_object")
    errors = [*gfk.check(), *check_model(Tagged)]
    error = only(errors, "contenttypes.E006" if NATIVE else "safemigrations.E006")
    assert "content_type" in error.msg


@pytest.mark.django_db
def test_test_apps_pass_and_the_check_is_registered() -> None:
    from django.apps import apps

    assert check_on_delete in checks.registry.registry.registered_checks
    app_configs = [apps.get_app_config(label) for label in ON_DELETE_APPS]
    errors = checks.run_checks(
        app_configs=app_configs, tags=[checks.Tags.models], databases=DATABASES
    )
    on_delete_ids = {"fields.E320", "fields.E322", "fields.E323", "fields.E324", "models.E050"}
    assert [
        e for e in errors if e.id in on_delete_ids or str(e.id).startswith("safemigrations.E00")
    ] == []
    # Called directly, the registered function agrees.
    assert check_on_delete(app_configs=app_configs, databases=DATABASES) == []
