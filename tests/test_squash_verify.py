"""Squashes proven on real PostgreSQL: equivalence, precise differences, apply/unapply, --check."""

from __future__ import annotations

import copy
import json
import shutil
import sys
import uuid
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.db.migrations import AddConstraint, CreateModel, RunPython
from django.db.migrations.loader import MigrationLoader

from safemigrations.exceptions import SquashError
from safemigrations.operations import AddConstraintNotValid
from safemigrations.squash.compare import compare
from safemigrations.squash.plan import plan_squash
from safemigrations.squash.verify import GraphLoader, build

MIGRATIONS = Path(__file__).parent / "testapps" / "squashapp" / "migrations"


def run(*args: str) -> tuple[str, int]:
    """Run a command; its output and exit status."""
    out = StringIO()
    try:
        call_command(*args, stdout=out)
    except CommandError as exc:
        return out.getvalue() + str(exc), exc.returncode
    return out.getvalue(), 0


@pytest.fixture
def squash_package(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of squashapp's migrations the test may write squashed migrations into."""
    package = f"sqpkg_{uuid.uuid4().hex[:8]}"
    target = tmp_path / package / "migrations"
    shutil.copytree(MIGRATIONS, target, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.MIGRATION_MODULES = {"squashapp": f"{package}.migrations"}
    return target


@pytest.mark.django_db
def test_squashmigrations_proves_the_squashapp_history(squash_package: Path) -> None:
    out, status = run(
        "squashmigrations", "squashapp", "0007", "--noinput", "--dry-run", "--format", "json"
    )
    assert status == 0, out
    (result,) = json.loads(out)
    assert result["verified"]
    assert result["equivalent"], result["differences"]
    assert (result["migrations_before"], result["migrations_after"]) == (7, 2)
    assert result["operations_after"] < result["operations_before"]
    assert result["migrate_seconds"]["original"] > 0
    assert result["migrate_seconds"]["squashed"] > 0
    assert result["files_written"] == []
    assert sorted(p.name for p in squash_package.glob("*squashed*")) == []


def _tampered(migration: Any, change: Any) -> Any:
    tampered = copy.deepcopy(migration)
    tampered.operations = change(list(tampered.operations))
    return tampered


def _book(operations: list[Any]) -> CreateModel:
    return next(o for o in operations if isinstance(o, CreateModel) and o.name == "Book")


def _author(operations: list[Any]) -> CreateModel:
    return next(o for o in operations if isinstance(o, CreateModel) and o.name == "Author")


def _without_on_delete(ops: list[Any]) -> list[Any]:
    book = _book(ops)
    book.fields = [
        (n, models.ForeignKey("squashapp.author", models.CASCADE) if n == "author" else f)
        for n, f in book.fields
    ]
    return ops


def _left_not_valid(ops: list[Any]) -> list[Any]:
    return [
        AddConstraintNotValid(o.model_name, o.constraint)
        if isinstance(o, AddConstraint) and o.constraint.name == "book_pages_gte_0"
        else o
        for o in ops
    ]


def _other_predicate(ops: list[Any]) -> list[Any]:
    book = _book(ops)
    book.options["indexes"] = [
        models.Index(fields=["title"], name="book_title_ix", condition=models.Q(pages__gt=1))
        if i.name == "book_title_ix"
        else i
        for i in book.options["indexes"]
    ]
    return ops


def _other_default(ops: list[Any]) -> list[Any]:
    author = _author(ops)
    author.fields = [
        (n, models.CharField(max_length=100, db_default="anonymous") if n == "name" else f)
        for n, f in author.fields
    ]
    return ops


def _no_seed(ops: list[Any]) -> list[Any]:
    return [
        o
        for o in ops
        if not (isinstance(o, RunPython) and getattr(o.code, "__name__", "") == "forwards")
    ]


@pytest.mark.django_db
def test_a_squash_that_differs_is_caught_with_a_precise_difference() -> None:
    plan = plan_squash("squashapp", None, "0006")
    (squashed,) = [r.migration for r in plan.rendered]
    apps = {"squashapp"}
    original = build(GraphLoader(), apps=apps)
    assert compare(original, build(GraphLoader(extra=[squashed]), apps=apps)).equivalent
    cases = [
        (_without_on_delete, ["squashapp_book", "on_delete 'CASCADE' vs 'NO ACTION'"]),
        (_left_not_valid, ["book_pages_gte_0", "validated True vs False"]),
        (_other_predicate, ["book_title_ix", "predicate '(pages > 0)' vs '(pages > 1)'"]),
        (_other_default, ["column squashapp_author.name", "default None vs"]),
        (_no_seed, ["table squashapp_author", "3 rows", "0"]),
    ]
    for change, expected in cases:
        result = compare(
            original, build(GraphLoader(extra=[_tampered(squashed, change)]), apps=apps)
        )
        assert not result.equivalent, change.__name__
        assert any(all(e in d for e in expected) for d in result.differences), (
            change.__name__,
            result.differences,
        )


@pytest.mark.django_db(transaction=True)
def test_written_squash_applies_unapplies_and_is_checked(squash_package: Path) -> None:
    out, status = run("squashmigrations", "squashapp", "0007", "--noinput")
    assert status == 0, out
    (written,) = squash_package.glob("*squashed*.py")
    assert written.name == "0001_squashed_0006_isbn_index.py"
    key = ("squashapp", written.stem)

    # The test database ran the originals: the squash counts as applied there.
    assert key in MigrationLoader(connection).applied_migrations
    # Backwards through the squash, then forwards again with it.
    call_command("migrate", "squashapp", "zero", verbosity=0)
    assert "squashapp_book" not in connection.introspection.table_names()
    call_command("migrate", "squashapp", verbosity=0)
    assert "squashapp_book" in connection.introspection.table_names()
    assert key in MigrationLoader(connection).applied_migrations

    with pytest.raises(SquashError, match="already replaced by the squashed migration"):
        plan_squash("squashapp", "0002", "0004")

    # A later migration that names the squash (as Django's docs advise once it exists) does not
    # break the graph of the originals that checksquashes builds.
    (squash_package / "0099_after_squash.py").write_text(
        "from django.db import migrations\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = [('squashapp', '{written.stem}'), "
        "('squashapp', '0007_tag_label_index')]\n"
        "    operations = []\n"
    )
    out, status = run("checksquashes", "squashapp")
    assert status == 0, out
    assert f"OK squashapp.{written.stem}" in out

    # A hand edit that changes the schema is caught.
    text = written.read_text()
    assert "('pages__gt', 0)" in text
    written.write_text(text.replace("('pages__gt', 0)", "('pages__gt', 5)"))
    shutil.rmtree(squash_package / "__pycache__", ignore_errors=True)
    # A CI run is a new process: forget the module as imported before the edit.
    package = squash_package.parent.name
    sys.modules.pop(f"{package}.migrations.{written.stem}", None)
    out, status = run("checksquashes", "squashapp", "--format", "json")
    assert status == 1
    report = json.loads(out.split("\n]")[0] + "\n]")
    assert report[0]["equivalent"] is False
    assert any("book_title_ix" in d and "predicate" in d for d in report[0]["differences"])


def test_an_unreachable_server_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import connections

    from safemigrations.db.server import Server

    closed = Server(params={"host": "127.0.0.1", "port": "1", "dbname": "postgres"}, source="test")
    monkeypatch.setattr(
        "safemigrations.db.scratch.lint_server",
        lambda database: (closed, connections[database].settings_dict),
    )
    out, status = run("squashmigrations", "squashapp", "0004", "--noinput", "--dry-run")
    assert status == 1
    assert "Cannot prove the squash" in out
    assert "--no-verify" in out
