"""Database-level on_delete on 5.2/6.0 behaves as Django 6.1's: M2M checks, admin, app, speed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin.utils import NestedObjects
from django.core import checks
from django.db import connection, models
from django.db.migrations import AlterField
from django.test.utils import CaptureQueriesContext, isolate_apps

from safemigrations import DB_CASCADE, InDatabaseToo
from safemigrations.db import catalog
from safemigrations.db.server import Server
from safemigrations.deletion import NATIVE, force_collection
from safemigrations.ondelete.checks import (
    check_app_installed,
    check_field,
    check_m2m_field,
    check_model,
)
from safemigrations.ondelete.through_tables import (
    check_through_table_actions,
    through_table_actions,
)
from safemigrations.operations import AddDBCascadeConstraint
from tests.testapps.ondelete.models import (
    Child,
    GrandChild,
    MirrorChild,
    NullChild,
    Parent,
    PythonChild,
    RestrictChild,
)

ROOT = Path(__file__).resolve().parent.parent
DATABASES = ["default"]


def every_error(*models_: Any) -> list[checks.CheckMessage]:
    """Django's checks and safemigrations' for ``models_`` and their auto-created tables."""
    errors: list[checks.CheckMessage] = []
    for model in models_:
        errors += model.check(databases=DATABASES)
        errors += check_model(model)
        for field in model._meta.local_fields:
            errors += check_field(field, DATABASES)
        for m2m in model._meta.local_many_to_many:
            errors += check_m2m_field(m2m)
            through = m2m.remote_field.through
            if through._meta.auto_created:  # Django checks none of its fields; nor may we
                errors += check_model(through)
                for field in through._meta.local_fields:
                    errors += check_field(field, DATABASES)
    return errors


# -- fields.E323 for auto-created many-to-many tables -------------------------------------------


@isolate_apps("tests.testapps.ondelete")
def test_db_level_key_next_to_an_auto_created_m2m_table_is_reported_once() -> None:
    class Author(models.Model):
        class Meta:
            app_label = "ondelete"

    class Tag(models.Model):
        class Meta:
            app_label = "ondelete"

    class Post(models.Model):
        author = models.ForeignKey(Author, DB_CASCADE)
        tags = models.ManyToManyField(Tag)

        class Meta:
            app_label = "ondelete"

    errors = every_error(Author, Tag, Post)
    ours = [e for e in errors if e.id == "safemigrations.E004"]
    djangos = [e for e in errors if e.id == "fields.E323"]
    if NATIVE:  # Django 6.1 reports it itself; safemigrations must not add a second error
        assert ours == []
        assert len(djangos) == 1
        assert djangos[0].obj is Post._meta.get_field("author")
    else:
        assert djangos == []
        assert len(ours) == 1, [(e.id, e.msg) for e in errors]
        error = ours[0]
        assert error.obj is Post._meta.get_field("author")
        assert "on_delete=DB_CASCADE" in error.msg
        assert "auto-created intermediary table (ondelete_post_tags)" in error.msg
        assert "ondelete.Post.tags an explicit through model" in str(error.hint)
    assert len(errors) == 1, [(e.id, e.msg) for e in errors]


@isolate_apps("tests.testapps.ondelete")
def test_explicit_through_model_or_python_values_pass() -> None:
    class Author(models.Model):
        class Meta:
            app_label = "ondelete"

    class Tag(models.Model):
        class Meta:
            app_label = "ondelete"

    class Post(models.Model):
        author = models.ForeignKey(Author, DB_CASCADE)
        tags = models.ManyToManyField(Tag, through="PostTag")

        class Meta:
            app_label = "ondelete"

    class PostTag(models.Model):
        post = models.ForeignKey(Post, DB_CASCADE)
        tag = models.ForeignKey(Tag, DB_CASCADE)

        class Meta:
            app_label = "ondelete"

    class Note(models.Model):
        author = models.ForeignKey(Author, models.CASCADE)
        tags = models.ManyToManyField(Tag, related_name="+")

        class Meta:
            app_label = "ondelete"

    assert every_error(Author, Tag, Post, PostTag, Note) == []


# -- safemigrations.W001: actions on auto-created through tables ---------------------------------


def test_actions_left_on_auto_created_through_tables_are_read_from_the_migrations() -> None:
    actions = through_table_actions()
    assert actions[("constraintops", "article", "tags", "from")] == (
        "CASCADE",
        "constraintops.0002_switch_on_delete",
    )
    assert actions[("constraintops", "article", "tags", "to")][0] == "CASCADE"


def test_warning_names_the_key_the_state_cannot_keep() -> None:
    warnings = check_through_table_actions()
    assert {w.id for w in warnings} == {"safemigrations.W001"}
    field = apps.get_model("constraintops", "article")._meta.get_field("tags")
    assert [w.obj for w in warnings] == [field, field]
    from_side, to_side = warnings
    assert "constraintops_article_tags's key to constraintops.Article ON DELETE CASCADE" in (
        from_side.msg
    )
    assert "m2m_side='from'" in from_side.msg
    assert "key to constraintops.Tag" in to_side.msg
    assert "explicit through model" in str(to_side.hint)
    assert all(isinstance(w, checks.Warning) for w in warnings)
    other_app = [apps.get_app_config("ondelete")]
    assert check_through_table_actions(app_configs=other_app) == []
    registered = checks.registry.registry.get_checks(include_deployment_checks=False)
    assert check_through_table_actions in registered
    # It loads every migration file: only `migrate` / `check --database` run it.
    model_checks = checks.registry.registry.run_checks(tags=[checks.Tags.models])
    assert "safemigrations.W001" not in {m.id for m in model_checks}
    assert {m.id for m in checks.registry.registry.run_checks(databases=["default"])} >= {
        "safemigrations.W001"
    }


# -- the admin's delete confirmation page (NestedObjects) ----------------------------------------


def listed(collector: NestedObjects) -> set[Any]:
    """Every object of the collector's nested list, flattened."""

    def walk(items: list[Any]) -> Any:
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item

    return set(walk(collector.nested()))


@pytest.mark.django_db
def test_admin_lists_rows_the_database_cascades_and_the_rows_that_restrict() -> None:
    parent = Parent.objects.create(name="p")
    child = Child.objects.create(parent=parent)
    grandchild = GrandChild.objects.create(child=child)
    null_child = NullChild.objects.create(parent=parent)
    mirror = MirrorChild.objects.create(parent=parent)
    python_child = PythonChild.objects.create(parent=parent)

    collector = NestedObjects(using="default")
    collector.collect([parent])
    assert listed(collector) == {parent, child, grandchild, mirror, python_child}
    assert null_child not in listed(collector)  # DB_SET_NULL keeps the row: not listed
    assert collector.protected == set()
    assert force_collection.get() is False

    blocker = RestrictChild.objects.create(parent=parent)
    collector = NestedObjects(using="default")
    collector.collect([parent])
    assert collector.protected == {blocker}


@pytest.mark.django_db
def test_plain_delete_after_the_admin_collection_still_leaves_rows_to_the_database() -> None:
    parent = Parent.objects.create(name="p")
    Child.objects.create(parent=parent)
    NestedObjects(using="default").collect([parent])
    with CaptureQueriesContext(connection) as ctx:
        parent.delete()
    assert not any('"ondelete_child"' in q["sql"] for q in ctx.captured_queries)
    assert not Child.objects.exists()


# -- safemigrations used without the app in INSTALLED_APPS --------------------------------------

WITHOUT_APP = """
import json, os, sys
import django
from django.conf import settings

settings.configure(
    DATABASES={"default": json.loads(os.environ["TEST_DATABASE"])},
    INSTALLED_APPS=["django.contrib.contenttypes", "tests.testapps.ondelete"],
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
)
django.setup()
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.apps import apps
from django.db import connection
from tests.testapps.ondelete.models import Parent, RestrictChild

try:
    call_command("check")
except SystemCheckError as error:
    print("CHECK:", error)
else:
    print("CHECK: passed")
with connection.schema_editor() as editor:
    for model in apps.get_app_config("ondelete").get_models():
        editor.create_model(model)
parent = Parent.objects.create(name="p")
RestrictChild.objects.create(parent=parent)
try:
    parent.delete()
except ImproperlyConfigured as error:
    print("DELETE:", error)
else:
    print("DELETE: passed")
"""


def test_values_without_the_app_fail_loudly(pg_server: Server, scratch_db: str) -> None:
    env = {
        **os.environ,
        "TEST_DATABASE": json.dumps(pg_server.django_database(scratch_db)),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(WITHOUT_APP)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    check_line = next(line for line in out.splitlines() if line.startswith("CHECK:"))
    assert "(safemigrations.E008)" in out
    assert (
        "on_delete=InDatabaseToo(CASCADE), but the safemigrations app" in out
    )  # every version: needs the app
    assert "ondelete.RestrictChild.parent" in out
    assert 'HINT: Add "safemigrations" to INSTALLED_APPS.' in out
    assert check_line != "CHECK: passed"
    assert ("ondelete.Child.parent: (safemigrations.E008)" in out) is not NATIVE
    assert "DELETE: on_delete=DB_RESTRICT needs the safemigrations app." in out
    assert 'Add "safemigrations" to INSTALLED_APPS' in out.split("DELETE:")[1]


def test_app_check_is_silent_with_the_app_installed() -> None:
    assert check_app_installed() == []


# -- InDatabaseToo(models.CASCADE) keeps Django's fast delete ------------------------------------


@pytest.mark.django_db
def test_mirrored_cascade_children_are_deleted_with_one_query_like_cascade() -> None:
    parent = Parent.objects.create(name="p")
    for note in ("a", "b", "c"):
        MirrorChild.objects.create(parent=parent, note=note)
        PythonChild.objects.create(parent=parent)
    with CaptureQueriesContext(connection) as ctx:
        _, per_model = parent.delete()
    mirror_sql = [q["sql"] for q in ctx.captured_queries if '"ondelete_mirrorchild"' in q["sql"]]
    python_sql = [q["sql"] for q in ctx.captured_queries if '"ondelete_pythonchild"' in q["sql"]]
    assert len(mirror_sql) == 1
    assert mirror_sql[0].startswith("DELETE FROM")
    assert [s.replace("mirrorchild", "X") for s in mirror_sql] == [
        s.replace("pythonchild", "X") for s in python_sql
    ]
    assert per_model["ondelete.MirrorChild"] == 3  # counted, as CASCADE counts them
    assert not MirrorChild.objects.exists()


@pytest.mark.django_db
def test_mirrored_cascade_still_collects_rows_when_receivers_listen() -> None:
    from django.db.models.signals import pre_delete

    parent = Parent.objects.create(name="p")
    MirrorChild.objects.create(parent=parent, note="a")
    seen: list[str] = []

    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        seen.append(instance.note)

    pre_delete.connect(receiver, sender=MirrorChild)
    try:
        parent.delete()
    finally:
        pre_delete.disconnect(receiver, sender=MirrorChild)
    assert seen == ["a"]


@isolate_apps("tests.testapps.ondelete")
def test_mirrored_cascade_to_an_inheriting_model_is_not_fast_deleted() -> None:
    from django.db.models.deletion import Collector

    class Base(models.Model):
        class Meta:
            app_label = "ondelete"

    class Owner(models.Model):
        class Meta:
            app_label = "ondelete"

    class Inheriting(Base):
        owner = models.ForeignKey(Owner, InDatabaseToo(models.CASCADE))

        class Meta:
            app_label = "ondelete"

    class Plain(models.Model):
        owner = models.ForeignKey(Owner, InDatabaseToo(models.CASCADE), related_name="+")

        class Meta:
            app_label = "ondelete"

    collector = Collector(using="default")
    inheriting_owner: Any = Inheriting._meta.get_field("owner")
    plain_owner: Any = Plain._meta.get_field("owner")
    assert (
        collector.can_fast_delete(Inheriting._default_manager.all(), from_field=inheriting_owner)
        is False
    )
    assert collector.can_fast_delete(Plain._default_manager.all(), from_field=plain_owner) is True


def through_key_action(column: str) -> str | None:
    with connection.cursor() as cursor:
        found = [
            c.on_delete
            for c in catalog.constraints(cursor, "constraintops_article_tags").values()
            if c.type == "foreign key" and c.columns == (column,)
        ]
    assert len(found) == 1, found
    return found[0]


def test_why_w001_exists_a_later_alter_field_drops_the_through_table_action(
    migrator: Any,
) -> None:
    """The premise of safemigrations.W001, shown on the real database."""
    migrator.migrate("constraintops")
    state = migrator.state("constraintops", "0005_validate")
    initial = through_key_action("tag_id")  # CASCADE after 0002, unless a test switched it

    def set_tag_key(on_delete: Any) -> None:
        op = AddDBCascadeConstraint("article", "tags", on_delete, m2m_side="to")
        with connection.schema_editor(atomic=False) as editor:
            op.database_forwards("constraintops", editor, state, state)

    set_tag_key(DB_CASCADE)
    assert through_key_action("tag_id") == "CASCADE"
    retype = AlterField(
        "tag", "id", models.AutoField(auto_created=True, primary_key=True, serialize=False)
    )
    new = state.clone()
    retype.state_forwards("constraintops", new)
    try:
        with connection.schema_editor() as editor:
            retype.database_forwards("constraintops", editor, state, new)
        assert through_key_action("tag_id") == "NO ACTION"  # silently gone
    finally:
        with connection.schema_editor() as editor:
            retype.database_backwards("constraintops", editor, new, state)
        set_tag_key(DB_CASCADE if initial == "CASCADE" else models.CASCADE)
    assert through_key_action("tag_id") == initial
