"""The drift inspector on a real database: each kind of drift made on purpose with raw SQL,
reported once with the right names, fixed by the migration ``--fix`` writes."""

from __future__ import annotations

import json
import shutil
import sys
import uuid
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from safemigrations.inspect import Inspection, inspect_database
from safemigrations.inspect.fix import write_fixes
from safemigrations.inspect.report import render
from safemigrations.testing.migrator import Migrator

APP = "drift"
MIGRATIONS = Path(__file__).parent / "testapps" / "drift" / "migrations"
TABLES = ["drift_tag", "drift_review", "drift_chapter", "drift_book", "drift_author"]


def sql(*statements: str) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def one(query: str) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchone()[0]


def fk_name(table: str, column: str) -> str:
    return str(
        one(
            f"SELECT conname FROM pg_constraint WHERE conrelid = '{table}'::regclass "
            f"AND contype = 'f' AND conkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE "
            f"attrelid = '{table}'::regclass AND attname = '{column}')]"
        )
    )


def index_on(table: str, column: str) -> str:
    return str(
        one(
            f"SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = '{table}'::regclass"
            f" AND indnatts = 1 AND indkey[0] = (SELECT attnum FROM pg_attribute WHERE "
            f"attrelid = '{table}'::regclass AND attname = '{column}') AND NOT indisunique "
            "AND NOT EXISTS (SELECT FROM pg_opclass o WHERE o.oid = indclass[0] "
            "AND o.opcname LIKE '%pattern_ops')"
        )
    )


@pytest.fixture
def drift_app(migrator: Migrator, tmp_path: Path) -> Iterator[str]:
    """The drift app migrated from a copy of its migrations (``--fix`` writes next to them)."""
    package = f"drift_migrations_{uuid.uuid4().hex[:8]}"
    shutil.copytree(MIGRATIONS, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(tmp_path))
    try:
        with override_settings(MIGRATION_MODULES={APP: package}):
            migrator.migrate(APP)
            try:
                yield package
            finally:
                sql(
                    f"DROP TABLE IF EXISTS {', '.join(TABLES)} CASCADE",
                    f"DELETE FROM django_migrations WHERE app = '{APP}'",
                )
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith(package)]:
            del sys.modules[name]


def inspect(**kwargs: Any) -> Inspection:
    return inspect_database(connection, [APP], **kwargs)


def found(inspection: Inspection) -> list[tuple[str, str, tuple[str, ...]]]:
    return sorted((d.kind.id, d.subject, tuple(d.objects)) for d in inspection.findings)


def test_freshly_migrated_database_reports_nothing(drift_app: str) -> None:
    inspection = inspect()
    assert found(inspection) == []
    assert len(inspection.models) == 5
    text = render(inspection, "text")
    assert text.startswith("No drift: the database matches the models (5 tables of 1 app")
    assert "\n" not in text


def break_everything() -> dict[str, str]:
    """Make one drift of each fixable kind; return the names the findings must carry."""
    names = {
        "author_fk": fk_name("drift_book", "author_id"),
        "editor_fk": fk_name("drift_book", "editor_id"),
        "chapter_fk": fk_name("drift_chapter", "book_id"),
        "tag_index": index_on("drift_tag", "book_id"),
        "review_index": index_on("drift_review", "book_id"),
        "chapter_index": index_on("drift_chapter", "book_id"),
        "pages_check": str(
            one(
                "SELECT conname FROM pg_constraint WHERE conrelid = 'drift_book'::regclass "
                "AND contype = 'c'"
            )
        ),
    }
    sql(
        # A rolled-back on_delete change: the model says PROTECT, the database cascades.
        f"ALTER TABLE drift_book DROP CONSTRAINT {names['author_fk']}",
        f"ALTER TABLE drift_book ADD CONSTRAINT {names['author_fk']} FOREIGN KEY (author_id) "
        "REFERENCES drift_author (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
        # ... and the reverse: InDatabaseToo(SET_NULL) lost its action.
        f"ALTER TABLE drift_book DROP CONSTRAINT {names['editor_fk']}",
        f"ALTER TABLE drift_book ADD CONSTRAINT {names['editor_fk']} FOREIGN KEY (editor_id) "
        "REFERENCES drift_author (id) DEFERRABLE INITIALLY DEFERRED",
        # A deploy that failed after ADD ... NOT VALID.
        f"ALTER TABLE drift_chapter DROP CONSTRAINT {names['chapter_fk']}",
        f"ALTER TABLE drift_chapter ADD CONSTRAINT {names['chapter_fk']} FOREIGN KEY (book_id) "
        "REFERENCES drift_book (id) DEFERRABLE INITIALLY DEFERRED NOT VALID",
        f"ALTER TABLE drift_book DROP CONSTRAINT {names['pages_check']}",
        f"ALTER TABLE drift_book ADD CONSTRAINT {names['pages_check']} CHECK (pages >= 0) "
        "NOT VALID",
        # A duplicate of Django's foreign key index, made by hand.
        "CREATE INDEX drift_chapter_book_copy ON drift_chapter (book_id)",
        # unique_together-like constraint next to Django's foreign key index (seed story).
        "ALTER TABLE drift_review ADD CONSTRAINT drift_review_book_reviewer_uniq "
        "UNIQUE (book_id, reviewer)",
        # The foreign key index of Tag.book, dropped by hand.
        f"DROP INDEX {names['tag_index']}",
        # Rows that make unique builds fail, for the INVALID leftovers below.
        "INSERT INTO drift_author (name) VALUES ('a')",
        "INSERT INTO drift_book (author_id, title, pages) SELECT id, 't', 1 FROM drift_author",
        "INSERT INTO drift_book (author_id, title, pages) SELECT id, 't', 1 FROM drift_author",
        "DROP INDEX drift_book_title_ix",
    )
    for name in ("drift_book_title_ix", "drift_book_leftover"):
        with pytest.raises(Exception, match="could not create unique index"):
            sql(f"CREATE UNIQUE INDEX CONCURRENTLY {name} ON drift_book (title)")
    return names


def test_each_drift_is_reported_once_with_its_names_and_fixed(drift_app: str) -> None:
    names = break_everything()
    # Added by hand on purpose and kept: accepted, so a fixed database inspects clean.
    allow = {"extra-constraint:drift_review_book_reviewer_uniq": "enforced for the importer"}
    inspection = inspect(allow=allow)
    assert found(inspection) == sorted(
        [
            ("SMD101", "drift.Book.author", (names["author_fk"],)),
            ("SMD101", "drift.Book.editor", (names["editor_fk"],)),
            ("SMD111", "drift.Chapter.book", (names["chapter_fk"],)),
            ("SMD111", "drift.Book.pages", (names["pages_check"],)),
            ("SMD112", "drift.Book", ("drift_book_leftover",)),
            ("SMD112", "drift.Book", ("drift_book_title_ix",)),
            ("SMD121", "drift.Chapter", ("drift_chapter_book_copy", names["chapter_index"])),
            (
                "SMD122",
                "drift.Review.book",
                (names["review_index"], "drift_review_book_reviewer_uniq"),
            ),
            ("SMD131", "drift.Tag.book", (fk_name("drift_tag", "book_id"),)),
        ]
    )
    assert all(d.fixable for d in inspection.findings)
    by_kind = {d.kind.id: d for d in inspection.findings}
    author = next(d for d in inspection.findings if d.field == "author")
    assert "on_delete=PROTECT" in author.message
    assert "ON DELETE CASCADE" in author.message
    assert author.rows >= 0
    assert author.size_bytes > 0
    assert by_kind["SMD122"].cost_bytes > 0

    plan = write_fixes(connection, inspection.findings, inspection.models)
    assert plan.not_fixed == []
    (written,) = plan.written
    assert written.name == "0002_fix_drift"
    assert written.model_edits == ["drift.Review.book: set db_index=False"]
    text = Path(written.path).read_text()
    assert "atomic = False" in text
    assert "AddDBCascadeConstraint" in text
    assert "SeparateDatabaseAndState" in text

    out = StringIO()
    call_command("lintmigrations", APP, "0002", stdout=out, fail_on="error", format="json")
    assert [f for f in json.loads(out.getvalue()) if f["severity"] == "error"] == []

    Migrator().migrate(APP)
    assert found(inspect(allow=allow)) == []


def run_command(*args: str, **options: Any) -> tuple[str, int]:
    """``inspectdrift`` output and exit status."""
    out = StringIO()
    try:
        call_command("inspectdrift", *args, stdout=out, stderr=out, **options)
    except CommandError as exc:
        return out.getvalue() + str(exc), exc.returncode
    return out.getvalue(), 0


def test_command_exit_status_and_formats(drift_app: str) -> None:
    output, status = run_command(APP)
    assert status == 0
    assert output.strip().startswith("No drift")
    assert len(output.strip().splitlines()) == 1

    sql("CREATE INDEX drift_chapter_book_copy ON drift_chapter (book_id)")  # a warning
    output, status = run_command(APP, format="json")
    assert status == 0  # below the default --fail-on error
    (finding,) = json.loads(output)
    assert finding["id"] == "SMD121"
    assert finding["kind"] == "duplicate-index"
    assert finding["objects"][0] == "drift_chapter_book_copy"
    assert finding["table"] == "drift_chapter"
    assert finding["fixable"] is True

    output, status = run_command(APP, format="sarif", fail_on="warning")
    assert status == 1
    sarif = json.loads(output[: output.rindex("}") + 1])
    (result,) = sarif["runs"][0]["results"]
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == "SMD121"
    assert result["level"] == "warning"

    output, status = run_command(APP, format="github")
    assert output.startswith("::warning title=SMD121 duplicate-index::drift.Chapter")

    output, status = run_command(APP)
    assert "drift.Chapter (drift_chapter, ~" in output
    assert "1 finding: 1 warning; 1 fixable with --fix" in output


def test_allowlist_hides_with_a_reason_and_reports_unused_entries(drift_app: str) -> None:
    sql("CREATE INDEX drift_chapter_book_copy ON drift_chapter (book_id)")
    allow = {
        "duplicate-index:drift_chapter_book_copy": "the reporting replica uses it",
        "SMD131:drift.Tag.*": "accepted while Tag is small",
        "redundant-index": "",
        "no-such-kind": "typo",
    }
    inspection = inspect(allow=allow)
    assert [(d, reason) for d, reason in inspection.allowed if d.kind.id == "SMD121"]
    assert [reason for _, reason in inspection.allowed] == ["the reporting replica uses it"]
    assert found(inspection) == [
        ("SMD191", "", ("SMD131:drift.Tag.*",)),
        ("SMD192", "", ("no-such-kind",)),
        ("SMD192", "", ("redundant-index",)),
    ]
    with override_settings(SAFEMIGRATIONS={"DRIFT": {"allow": allow, "fail_on": "warning"}}):
        output, status = run_command(APP)
    assert status == 1
    assert "1 accepted by the allowlist" in output
    assert "matched no finding" in output


def test_settings_errors_are_clear(drift_app: str) -> None:
    with override_settings(SAFEMIGRATIONS={"DRIFT": {"alow": {}}}):
        output, status = run_command(APP)
    assert status == 1
    assert "unknown key(s) alow" in output


def test_a_running_concurrent_build_is_not_a_dead_leftover(
    drift_app: str, test_db_conninfo: str
) -> None:
    import threading

    import psycopg

    with psycopg.connect(test_db_conninfo, autocommit=True) as writer:
        writer.execute("BEGIN")
        writer.execute("INSERT INTO drift_author (name) VALUES ('w')")
        builder = psycopg.connect(test_db_conninfo, autocommit=True)
        thread = threading.Thread(
            target=builder.execute,
            args=("CREATE INDEX CONCURRENTLY drift_author_name_building ON drift_author (name)",),
        )
        thread.start()
        try:
            for _ in range(200):
                if one(
                    "SELECT count(*) FROM pg_class WHERE relname = 'drift_author_name_building'"
                ):
                    break
                threading.Event().wait(0.02)
            inspection = inspect()
            assert found(inspection) == [
                ("SMD113", "drift.Author", ("drift_author_name_building",))
            ]
            assert not inspection.findings[0].fixable
        finally:
            writer.execute("COMMIT")
            thread.join(timeout=30)
            builder.close()
    # Finished: a valid index, now simply one no model declares.
    assert found(inspect()) == [("SMD153", "drift.Author", ("drift_author_name_building",))]


def test_fix_lists_what_it_cannot_fix(drift_app: str) -> None:
    fk = fk_name("drift_chapter", "book_id")
    sql(
        f"ALTER TABLE drift_chapter DROP CONSTRAINT {fk}",
        f"ALTER TABLE drift_chapter ADD CONSTRAINT {fk} FOREIGN KEY (book_id) "
        "REFERENCES drift_book (id) ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED",
    )
    output, status = run_command(APP, fix=True)
    assert status == 0
    assert "SMD102 on-update-mismatch" in output
    assert "Not fixed by --fix (1):" in output
    assert "Wrote" not in output


def test_every_field_type_and_model_shape_freshly_migrated_reports_nothing(
    transactional_db: None,
) -> None:
    inspection = inspect_database(connection, ["driftwide"])
    assert [(d.kind.id, d.message) for d in inspection.findings] == []
    tables = {m.table for m in inspection.models}
    assert "driftwide_everything_custom" in tables  # custom db_table
    assert "driftwide_label_items" in tables  # auto-created many-to-many
    assert "driftwide_restaurant" in tables  # multi-table inheritance
    assert "driftwide_legacy_outside" not in tables  # managed = False
    assert len(tables) == 8


def test_what_the_models_declare_and_the_database_lacks_and_back(drift_app: str) -> None:
    sql(
        "ALTER TABLE drift_author DROP COLUMN name",
        "ALTER TABLE drift_author ADD COLUMN note text",
        "ALTER TABLE drift_tag ADD COLUMN legacy int NOT NULL",
        "ALTER TABLE drift_chapter ALTER COLUMN number DROP NOT NULL",
        "ALTER TABLE drift_review ALTER COLUMN reviewer TYPE varchar(80)",
        "ALTER TABLE drift_book DROP CONSTRAINT drift_book_pages_check",
        "DROP INDEX drift_book_title_ix",
        "CREATE INDEX drift_tag_label_ix ON drift_tag (label) WHERE label <> ''",
        "ALTER TABLE drift_tag ADD CONSTRAINT drift_tag_label_check CHECK (label <> '')",
        "CREATE TABLE drift_oldthing (id int)",
        "CREATE TABLE unrelated_table (id int)",
    )
    try:
        inspection = inspect()
        assert found(inspection) == [
            ("SMD142", "drift.Author.name", ("name",)),
            ("SMD143", "drift.Chapter.number", ("number",)),
            ("SMD143", "drift.Review.reviewer", ("reviewer",)),
            ("SMD144", "drift.Book.pages", ("drift_book_pages_check",)),
            ("SMD145", "drift.Book", ("drift_book_title_ix",)),
            ("SMD151", "drift.Author", ("note",)),
            ("SMD151", "drift.Tag", ("legacy",)),
            ("SMD152", "drift.Tag", ("drift_tag_label_check",)),
            ("SMD153", "drift.Tag", ("drift_tag_label_ix",)),
            ("SMD154", "drift_oldthing", ("drift_oldthing",)),
        ]
        levels = {tuple(d.objects): str(d.level) for d in inspection.findings}
        assert levels[("legacy",)] == "error"  # NOT NULL, no default: Django's inserts fail
        assert levels[("note",)] == "warning"
        review = next(d for d in inspection.findings if d.field == "reviewer")
        assert "varchar(50)" in review.message
        assert "character varying(80)" in review.message

        sql("DROP TABLE drift_tag")
        assert ("SMD141", "drift.Tag", ("drift_tag",)) in found(inspect())
    finally:
        sql("DROP TABLE drift_oldthing, unrelated_table")


def test_the_example_project_freshly_migrated_reports_nothing(
    scratch_db: str, pg_server: Any
) -> None:
    import os
    import subprocess

    manage = Path(__file__).parent.parent / "example_app" / "manage.py"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = pg_server.conninfo(scratch_db)
    run = [sys.executable, str(manage)]
    migrated = subprocess.run(
        [*run, "migrate", "-v", "0"], env=env, capture_output=True, text=True, timeout=120
    )
    assert migrated.returncode == 0, migrated.stderr
    inspected = subprocess.run(
        [*run, "inspectdrift", "catalog", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert inspected.returncode == 0, inspected.stderr
    assert json.loads(inspected.stdout) == []


def test_cheap_drift_is_a_database_system_check(drift_app: str) -> None:
    from django.apps import apps
    from django.core import checks

    configs = [apps.get_app_config(APP)]
    assert checks.run_checks(configs, tags=[checks.Tags.database], databases=["default"]) == []
    names = break_everything()
    messages = checks.run_checks(configs, tags=[checks.Tags.database], databases=["default"])
    ids = sorted((m.id, str(m.obj)) for m in messages)
    assert ids == [
        ("safemigrations.W101", "drift.Book.author"),
        ("safemigrations.W101", "drift.Book.editor"),
        ("safemigrations.W102", "drift.Book.pages"),
        ("safemigrations.W102", "drift.Chapter.book"),
        ("safemigrations.W103", "drift.Book"),
        ("safemigrations.W103", "drift.Book"),
    ]
    assert any(names["author_fk"] in m.msg for m in messages)
    # Not run by a plain check (`manage.py check` without --database: no tags, no databases).
    plain = checks.run_checks(configs)
    assert not [m for m in plain if m.id in {"safemigrations.W101", "safemigrations.W102"}]
    with override_settings(SILENCED_SYSTEM_CHECKS=["safemigrations.W103"]):
        out = StringIO()
        call_command("check", APP, database=["default"], stdout=out, stderr=out)
    assert "safemigrations.W101" in out.getvalue()
    assert "safemigrations.W103" not in out.getvalue()


def test_an_auto_created_through_table_is_reported_but_not_fixed(transactional_db: None) -> None:
    fk = fk_name("driftwide_label_items", "label_id")
    definition = one(f"SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = '{fk}'")
    sql(
        f"ALTER TABLE driftwide_label_items DROP CONSTRAINT {fk}",
        f"ALTER TABLE driftwide_label_items ADD CONSTRAINT {fk} FOREIGN KEY (label_id) "
        "REFERENCES driftwide_label (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
    )
    try:
        (drift,) = inspect_database(connection, ["driftwide"]).findings
        assert (drift.kind.id, drift.table, drift.objects) == (
            "SMD101",
            "driftwide_label_items",
            [fk],
        )
        assert not drift.fixable
        assert "m2m_side=" in drift.fix
    finally:
        sql(
            f"ALTER TABLE driftwide_label_items DROP CONSTRAINT {fk}",
            f"ALTER TABLE driftwide_label_items ADD CONSTRAINT {fk} {definition}",
        )


def test_fix_from_the_command_keeps_json_on_stdout(drift_app: str) -> None:
    sql("CREATE INDEX drift_chapter_book_copy ON drift_chapter (book_id)")
    out, err = StringIO(), StringIO()
    call_command("inspectdrift", APP, format="json", fix=True, stdout=out, stderr=err)
    assert [f["id"] for f in json.loads(out.getvalue())] == ["SMD121"]
    assert "Wrote " in err.getvalue()
    assert "0002_fix_drift.py" in err.getvalue()
    # Not applied yet: a second --fix refuses instead of writing a second migration.
    output, status = run_command(APP, fix=True)
    assert status == 1
    assert "not applied to this database (0002_fix_drift)" in output
    Migrator().migrate(APP)
    output, status = run_command(APP)
    assert output.startswith("No drift")


def test_restrict_instead_of_no_action_is_a_warning(drift_app: str) -> None:
    fk = fk_name("drift_book", "author_id")
    sql(
        f"ALTER TABLE drift_book DROP CONSTRAINT {fk}",
        f"ALTER TABLE drift_book ADD CONSTRAINT {fk} FOREIGN KEY (author_id) "
        "REFERENCES drift_author (id) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED",
    )
    (drift,) = inspect().findings
    assert (drift.kind.id, str(drift.level), drift.objects) == ("SMD101", "warning", [fk])
    assert "RESTRICT checks at once" in drift.message


def test_a_table_locked_by_a_migration_is_reported_not_waited_for(
    drift_app: str, test_db_conninfo: str
) -> None:
    import psycopg
    from django.apps import apps
    from django.core import checks

    with psycopg.connect(test_db_conninfo) as holder:
        holder.execute("LOCK TABLE drift_chapter IN ACCESS EXCLUSIVE MODE")
        sql("SET lock_timeout = '5s'")  # a wait would fail the test instead of hanging it
        try:
            inspection = inspect()
            messages = checks.run_checks(
                [apps.get_app_config(APP)], tags=[checks.Tags.database], databases=["default"]
            )
        finally:
            sql("RESET lock_timeout")
        pid = holder.info.backend_pid
        holder.rollback()
    assert found(inspection) == [("SMD181", "drift.Chapter", ("drift_chapter",))]
    assert f"backend {pid}" in inspection.findings[0].message
    assert [m.id for m in messages] == ["safemigrations.W100"]
