"""Truthful on history (issue 12): what a large project's migration history showed the linter.

* the catalog read before a migration survives an expression-first partial unique index;
* findings on tables created earlier in the same migration (initial and squashed migrations'
  own tables) are left out as *fresh*, counted, and shown with ``--include-fresh``;
* false positives (proxy ``DeleteModel``, a foreign key after its column's rename, sequence
  renames, SM961 on weak locks, SM906 showing another statement's SQL, line references without
  a file, a 1,000-character message) are gone, while the valuable findings stay.

The Django half replays ``tests/testapps/lintdj/scenarios/truth`` on a scratch database.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.migrations.loader import MigrationLoader

from safemigrations.db.scratch import scratch_database
from safemigrations.db.server import Server
from safemigrations.lint.config import LintConfig
from safemigrations.lint.engine import MESSAGE_LIMIT, lint_sql_text, short_message
from safemigrations.lint.fresh import fresh_reason
from safemigrations.lint.model import Finding, MemorySchema, Severity
from safemigrations.lint.project import lint_migrations

TRUTH = "tests.testapps.lintdj.scenarios.truth"


@pytest.fixture
def truth(settings):  # type: ignore[no-untyped-def]
    settings.MIGRATION_MODULES = {"lintdj": TRUTH}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    leaf = loader.graph.leaf_nodes("lintdj")[0]
    return [k for k in loader.graph.forwards_plan(leaf) if k[0] == "lintdj"]


def of(findings: list[Finding], prefix: str) -> list[Finding]:
    return [f for f in findings if str(f.migration).startswith(prefix)]


def rules(sql: str, **kwargs: object) -> list[str]:
    return [f.rule for f in lint_sql_text(sql, pg_version=16, **kwargs)]  # type: ignore[arg-type]


# -- the Django history -------------------------------------------------------------------------


@pytest.mark.django_db
def test_history_is_linted_truthfully(truth) -> None:  # type: ignore[no-untyped-def]
    assert truth[1][1] == "0002_shelf_squashed_0003_shelf_size"  # the squash replaces its chain
    result = lint_migrations(truth)

    # The catalog is read before 0005, after 0004 built UniqueConstraint(Lower("name"), "id",
    # condition=...): that read used to fail and make 0005 "fail when migrate runs it".
    assert not [f for f in result.findings if f.rule == "SM901"]

    # Fresh: the initial migration changes its own new table; the squash its own new Shelf.
    assert of(result.findings, "0001") == []
    fresh = {(str(f.migration)[:4], f.rule, tuple(f.tables)) for f in result.fresh}
    assert ("0001", "SM401", ("lintdj_book",)) in fresh
    assert ("0002", "SM401", ("lintdj_shelf",)) in fresh
    assert all("created earlier in this migration" in str(f.fresh) for f in result.fresh)
    # ... but what the squash does to Book, which existed before it, stays reported.
    squash = of(result.findings, "0002")
    assert "SM101" in {f.rule for f in squash}
    assert all("lintdj_book" in f.tables for f in squash)

    later = of(result.findings, "0005")
    # The foreign key added on writer_id after RenameField(author -> writer): the index followed
    # the column, so no "foreign key without index".
    assert not [f for f in later if f.rule == "SM213"]
    # Each rename finding shows its own RENAME statement (the first statement of the FK rename
    # is a DROP CONSTRAINT).
    renames = sorted((f for f in later if f.rule == "SM906"), key=lambda f: f.operation_index or 0)
    assert [f.operation_index for f in renames] == [1, 2]
    assert 'RENAME COLUMN "author_id" TO "writer_id"' in renames[0].sql
    assert 'RENAME COLUMN "title" TO "heading"' in renames[1].sql
    # ... and names the database column the running code uses.
    assert "renames column lintdj_book.author_id to writer_id" in renames[0].message
    # Renaming the shelf's sequence breaks no running code.
    assert not [f for f in later if f.rule in ("SM602", "SM606")]
    # A line reference names the migration file it points into.
    held = [f for f in later if f.rule == "SM961"]
    assert held
    assert all("line 10 of 0005_widen_and_rename.py" in f.message for f in held)
    # The real findings of 0005 stay: the foreign key re-added validated under the rename.
    assert "SM201" in {f.rule for f in later}

    # Deleting a proxy model runs no SQL: no "drops table lintdj_author"; nor does deleting an
    # unmanaged model (re-created as a managed one in the same migration).
    assert of(result.findings, "0006") == []
    assert not [f for f in of(result.findings, "0008") if f.rule == "SM905"]


def lint_command(*args: str) -> tuple[str, str]:
    """``lintmigrations lintdj ARGS``: (stdout, stderr); exit status 1 is expected here."""
    out, err = StringIO(), StringIO()
    status = 0
    try:
        call_command("lintmigrations", "lintdj", *args, stdout=out, stderr=err, no_color=True)
    except CommandError as exc:
        status = exc.returncode
    assert status in (0, 1), err.getvalue()
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
@pytest.mark.usefixtures("truth")
def test_fresh_findings_are_counted_and_shown_on_request() -> None:
    text, _ = lint_command()
    assert "2 findings on tables created in the same migration or fresh install" in text
    assert "left out as fresh; --include-fresh shows them." in text
    assert "lintdj.0001_initial" not in text

    # Each rule's why and fix are printed once; later findings of the rule point back.
    assert text.count("why, fix: as for SM961 above") >= 1
    assert text.count("  why: PostgreSQL releases table locks only at the end") == 1

    text, _ = lint_command("--include-fresh")
    assert "lintdj.0001_initial" in text
    assert "fresh: lintdj_book is created earlier in this migration" in text
    assert (
        "(2 of them on tables created in the same migration or fresh install, shown as info)"
        in text
    )

    out, err = lint_command("--format", "json")
    assert not [d for d in json.loads(out) if d.get("fresh")]
    assert "2 findings on tables created in the same migration or fresh install" in err

    out, _ = lint_command("--format", "json", "--include-fresh")
    shown = [d for d in json.loads(out) if d.get("fresh")]
    assert len(shown) == 2
    assert {d["severity"] for d in shown} == {"info"}


@pytest.mark.django_db
@pytest.mark.usefixtures("truth")
def test_sqlmigrate_lint_after_a_squash_replays_the_graph_migrate_uses() -> None:
    """The squash and the migrations it replaces are all on disk: replaying both applied the
    same changes twice, and every migration after the squash came out "not linted"."""
    out = StringIO()
    with pytest.raises(CommandError) as failed:  # 0004 builds an index: an error finding
        call_command("sqlmigrate", "lintdj", "0004", "--lint", stdout=out, no_color=True)
    assert failed.value.returncode == 1
    text = out.getvalue()
    assert 'CREATE UNIQUE INDEX "author_lower_name_uniq"' in text
    assert "SM901" not in text
    # A migration the squash replaces is linted in the graph that still has it (a database that
    # applied only some of them), and stderr says which squash a new database runs instead.
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):  # its blocking index build is an error finding
        call_command("sqlmigrate", "lintdj", "0003_shelf_size", "--lint", stdout=out, stderr=err)
    assert 'CREATE INDEX "shelf_size_idx"' in out.getvalue()
    assert "SM901" not in out.getvalue()
    assert "replaced by the squashed migration lintdj.0002_shelf_sq" in err.getvalue()


def test_fresh_policy() -> None:
    created = {"shop_shelf"}
    assert fresh_reason("SM401", ["shop_shelf"], created)
    assert fresh_reason("SM401", ["public.shop_shelf"], created)
    # A table that existed before keeps the finding, even next to a new one.
    assert fresh_reason("SM202", ["shop_shelf", "auth_user"], created) is None
    # What holds whatever the table's age: a missing index, a truncated name, a failure.
    for rule in ("SM213", "SM964", "SM901", "SM102"):
        assert fresh_reason(rule, ["shop_shelf"], created) is None
    assert fresh_reason("SM401", [], created) is None


# -- false positives, each with its regression test ---------------------------------------------


def test_sequence_renames_are_not_renames_that_break_code() -> None:
    sql = (
        'ALTER SEQUENCE "shop_author_id_seq" RENAME TO "shop_writer_id_seq";\n'
        'ALTER TABLE "shop_author_id_seq" RENAME TO "shop_writer_id_seq";\n'
    )
    found = rules(sql)
    assert "SM606" not in found
    assert "SM602" not in found
    # Table renames stay reported.
    assert "SM602" in rules('ALTER TABLE "shop_author" RENAME TO "shop_writer";')


def test_code_keeps_working_after_a_sequence_rename(pg_server: Server) -> None:
    """The fact behind it: defaults hold the sequence's oid, and pg_get_serial_sequence (what
    Django's sequence reset uses) follows the rename."""
    with (
        scratch_database("truth_seq", pg_server) as db,
        psycopg.connect(pg_server.conninfo(db), autocommit=True) as conn,
    ):
        conn.execute(
            "CREATE TABLE a (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, x int);"
            "CREATE TABLE b (id serial PRIMARY KEY, x int);"
            "ALTER SEQUENCE a_id_seq RENAME TO w_id_seq; ALTER TABLE b_id_seq RENAME TO v_id_seq;"
        )
        conn.execute("INSERT INTO a (x) VALUES (1); INSERT INTO b (x) VALUES (1)")
        row = conn.execute(
            "SELECT pg_get_serial_sequence('a', 'id'), pg_get_serial_sequence('b', 'id'), "
            "(SELECT count(*) FROM a) + (SELECT count(*) FROM b)"
        ).fetchone()
    assert row == ("public.w_id_seq", "public.v_id_seq", 2)


def test_statements_after_strong_lock_needs_access_exclusive() -> None:
    # An M2M table: CREATE TABLE with foreign keys holds SHARE ROW EXCLUSIVE on the referenced
    # tables; reads go on, so the next statements are not "after a strong lock".
    m2m = (
        "BEGIN;\n"
        'CREATE TABLE "shop_book_tags" ("id" bigint PRIMARY KEY, '
        '"book_id" bigint NOT NULL REFERENCES "shop_book" ("id") DEFERRABLE INITIALLY DEFERRED, '
        '"tag_id" bigint NOT NULL REFERENCES "shop_tag" ("id") DEFERRABLE INITIALLY DEFERRED);\n'
        'ALTER TABLE "shop_note" ADD CONSTRAINT "n_fk" FOREIGN KEY ("book_id") '
        'REFERENCES "shop_book" ("id") NOT VALID;\n'
        'CREATE INDEX "shop_tag_name" ON "shop_tag" ("name");\n'
        "COMMIT;\n"
    )
    assert "SM961" not in rules(m2m)
    # After ACCESS EXCLUSIVE it stays, and says which file the lock was taken in.
    strong = m2m.replace(
        "BEGIN;\n", 'BEGIN;\nALTER TABLE "shop_tag" ALTER COLUMN "name" SET DEFAULT \'\';\n'
    )
    (held,) = [
        f for f in lint_sql_text(strong, pg_version=16, file="sql/0042.sql") if f.rule == "SM961"
    ][:1]
    assert "ACCESS EXCLUSIVE on shop_tag (taken at line 2 of 0042.sql)" in held.message


def test_fk_index_follows_a_column_rename_in_plain_sql() -> None:
    sql = (
        "SET lock_timeout = '1s';\n"
        'CREATE TABLE "p" ("id" bigint PRIMARY KEY);\n'
        'CREATE TABLE "c" ("id" bigint PRIMARY KEY, "p_id" bigint, "q_id" bigint);\n'
        'CREATE INDEX "c_p" ON "c" ("p_id");\n'
        'ALTER TABLE "c" RENAME COLUMN "p_id" TO "parent_id";\n'
        'ALTER TABLE "c" ADD CONSTRAINT "c_parent_fk" FOREIGN KEY ("parent_id") '
        'REFERENCES "p" ("id") NOT VALID;\n'
        'ALTER TABLE "c" ADD CONSTRAINT "c_q_fk" FOREIGN KEY ("q_id") REFERENCES "p" ("id") '
        "NOT VALID;\n"
    )
    hits = [f for f in lint_sql_text(sql, pg_version=16) if f.rule == "SM213"]
    assert [f.line for f in hits] == [7]  # q_id has no index; parent_id kept its index


def test_messages_stay_short_and_details_go_in_why() -> None:
    fks = "".join(
        f'ALTER TABLE "app_model{i}" ADD CONSTRAINT "app_model{i}_user_id_fk_auth_user_id" '
        f'FOREIGN KEY ("user_id") REFERENCES "auth_user" ("id") NOT VALID;\n'
        for i in range(40)
    )
    sql = fks + 'ALTER TABLE "auth_user" ALTER COLUMN "id" TYPE bigint;'
    (hit,) = [f for f in lint_sql_text(sql, pg_version=16) if f.rule == "SM403"]
    assert len(hit.message) < 200, hit.message
    assert "40 foreign keys of 40 tables reference it" in hit.message
    assert "and 37 more" in hit.message
    assert all(f"app_model{i}_user_id_fk_auth_user_id" in hit.why for i in range(40))
    # Any rule's message: cut at the limit, given whole in why.
    long = "word " * 200
    message, why = short_message(long, "Because.")
    assert len(message) <= MESSAGE_LIMIT
    assert why.startswith("In full: " + long)
    assert why.endswith("Because.")


# -- the valuable findings stay -----------------------------------------------------------------


def test_user_id_to_bigint_rewrites_and_rechecks_referencing_tables() -> None:
    schema = MemorySchema({"auth_user": {"id": "integer"}, "shop_order": {"user_id": "integer"}})
    sql = (
        'ALTER TABLE "shop_order" ADD CONSTRAINT "o_user_fk" FOREIGN KEY ("user_id") '
        'REFERENCES "auth_user" ("id") NOT VALID;\n'
        'ALTER TABLE "auth_user" ALTER COLUMN "id" TYPE bigint;\n'
    )
    found = {f.rule: f for f in lint_sql_text(sql, pg_version=16, schema=schema) if f.line == 2}
    assert "rewrites the table" in found["SM401"].message
    assert "shop_order" in found["SM403"].message
    assert str(found["SM403"].severity) == "error"


def test_type_change_rewriting_a_table_stays() -> None:
    schema = MemorySchema({"shop_event": {"payload": "character varying(200)"}})
    sql = 'ALTER TABLE "shop_event" ALTER COLUMN "payload" TYPE integer USING payload::integer;'
    assert "SM401" in rules(sql, schema=schema)


def test_index_dropped_and_rebuilt_in_one_transaction_stays() -> None:
    schema_sql = 'CREATE INDEX "shop_book_title" ON "shop_book" ("title");\n'
    sql = (
        "BEGIN;\n"
        'DROP INDEX "shop_book_title";\n'
        'CREATE INDEX "shop_book_title" ON "shop_book" ("title", "id");\n'
        "COMMIT;\n"
    )
    # The index's table unknown, the lock is held on "shop_book_title": SM101 (on shop_book)
    # does not name it, SM961 stays.
    assert {"SM106", "SM101", "SM961"} <= set(rules(sql))
    # Known to be shop_book's, the rebuild under the DROP's ACCESS EXCLUSIVE is SM101's finding
    # on the same table, whose fix (a concurrent build, out of the transaction) ends the wait:
    # SM961 folds into it, and comes back when the rebuild is accepted (SM101 off).
    found = rules(schema_sql + sql)
    assert "SM101" in found
    assert "SM961" not in found
    accepted = LintConfig(disabled=frozenset({"SM101"}))
    assert "SM961" in rules(schema_sql + sql, config=accepted)


def test_many_foreign_key_columns_in_one_transaction_stay() -> None:
    sql = "BEGIN;\n" + "".join(
        f'ALTER TABLE "shop_order" ADD COLUMN "{t}_id" bigint NULL REFERENCES "shop_{t}" ("id");\n'
        for t in ("customer", "coupon", "carrier", "warehouse")
    )
    found = rules(sql + "COMMIT;\n")
    assert found.count("SM202") == 4
    # Each SM202 names shop_order's ACCESS EXCLUSIVE and the referenced table's lock, and its
    # fix (AddForeignKeyField, non-atomic) ends the pile-up: SM961 folds into them ...
    assert found.count("SM961") == 0
    # ... and reports each further table locked under ACCESS EXCLUSIVE once SM202 is accepted.
    accepted = LintConfig(disabled=frozenset({"SM202"}))
    assert rules(sql + "COMMIT;\n", config=accepted).count("SM961") == 3


def test_truncated_constraint_name_stays() -> None:
    name = "shop_order_customer_reference_must_be_unique_per_warehouse_region_x"
    assert len(name) == 67
    sql = f'ALTER TABLE "shop_order" ADD CONSTRAINT "{name[:66]}" CHECK ("id" > 0) NOT VALID;'
    (hit,) = [f for f in lint_sql_text(sql, pg_version=16) if f.rule == "SM964"]
    assert "66 bytes" in hit.message


def test_config_keys_for_fresh_and_table_size(tmp_path: Path) -> None:
    config = LintConfig.from_dict(
        {
            "include-fresh": True,
            "small_table_rows": "50_000",
            "small_table_bytes": "20 MB",
            "large_table_rows": 2_000_000,
            "large_table_bytes": "2GB",
        }
    )
    assert config.include_fresh is True
    assert config.small_table_rows == 50_000
    assert config.small_table_bytes == 20 * 1024**2
    assert config.large_table_rows == 2_000_000
    assert config.large_table_bytes == 2 * 1024**3
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        "[tool.safemigrations]\ninclude_fresh = true\nlarge_table_rows = 5_000_000\n"
        'small_table_bytes = "1 MB"\n'
    )
    from_file = LintConfig.from_pyproject(pyproject)
    assert from_file.include_fresh is True
    assert from_file.large_table_rows == 5_000_000
    assert from_file.small_table_bytes == 1024**2
    with pytest.raises(ValueError, match=r"small_table_bytes must be a number like"):
        LintConfig.from_dict({"small_table_bytes": "lots"})
    with pytest.raises(ValueError, match="include_fresh must be true or false"):
        LintConfig.from_dict({"include_fresh": "yes"})


def test_type_change_after_a_rename_in_the_same_operation_knows_the_old_type() -> None:
    """Django's AlterField from a ForeignKey to a CharField renames page_id to page, then
    changes its type: the catalog read before it knows page_id."""
    schema = MemorySchema({"workflowstate": {"page_id": "integer"}})
    sql = (
        "BEGIN;\n"
        'ALTER TABLE "workflowstate" RENAME COLUMN "page_id" TO "page";\n'
        'ALTER TABLE "workflowstate" ALTER COLUMN "page" TYPE varchar(255) USING "page"::varchar;\n'
        "COMMIT;\n"
    )
    (hit,) = [f for f in lint_sql_text(sql, pg_version=16, schema=schema) if f.rule == "SM401"]
    assert "changing integer to character varying(255) rewrites" in hit.message
    assert str(hit.severity) == "error"
    renamed_table = sql.replace(
        'RENAME COLUMN "page_id" TO "page";\n',
        'RENAME COLUMN "page_id" TO "page";\nALTER TABLE "workflowstate" RENAME TO "wf";\n',
    ).replace('ALTER TABLE "workflowstate" ALTER', 'ALTER TABLE "wf" ALTER')
    (hit,) = [
        f for f in lint_sql_text(renamed_table, pg_version=16, schema=schema) if f.rule == "SM401"
    ]
    assert "changing integer to" in hit.message


def test_deleting_a_few_rows_by_key_is_not_a_backfill() -> None:
    # What Django's delete collector writes for obj.delete() in a RunPython.
    assert "SM502" not in rules(
        'DELETE FROM "wagtailcore_page" WHERE "wagtailcore_page"."id" IN (2);'
    )
    assert "SM502" not in rules('DELETE FROM "home_note" WHERE "home_note"."page_id" IN (2, 7);')
    # Back-fills stay reported.
    assert "SM502" in rules('UPDATE "shop_book" SET "isbn" = \'\' WHERE "isbn" IS NULL;')
    assert "SM502" in rules('UPDATE "shop_book" SET "x" = 1 WHERE "status" IN (1, 2);')
    assert "SM502" in rules('DELETE FROM "shop_book" WHERE "id" IN (SELECT "id" FROM "old");')
    many = ", ".join(str(i) for i in range(500))
    assert "SM502" in rules(f'DELETE FROM "shop_book" WHERE "id" IN ({many});')


def test_deferred_sql_says_when_it_runs() -> None:
    from safemigrations.lint.model import Statement
    from safemigrations.lint.rules._helpers import statement_place

    queued = Statement(
        sql="ALTER TABLE x ADD CONSTRAINT y FOREIGN KEY (a) REFERENCES b (id)",
        line=13,
        file="/p/shop/migrations/0031_groups.py",
        operation_index=0,
        deferred=True,
    )
    assert statement_place(queued) == (
        "operation #0 (line 13 of 0031_groups.py), deferred SQL run at the end of the migration"
    )


@pytest.mark.parametrize(
    "known",
    [
        {"wagtailcore_pagerevision": {"page_id": "integer"}},  # read before both renames
        {"wagtailcore_revision": {"page_id": "integer"}},  # between them
        {"wagtailcore_revision": {"page": "integer"}},  # after them
    ],
)
def test_type_change_after_table_and_column_renames(known: dict[str, dict[str, str]]) -> None:
    """wagtailcore 0070: RenameModel (table), then AlterField renaming page_id to page and
    changing its type, in one migration; the catalog may be read at any point between."""
    sql = (
        "BEGIN;\n"
        'ALTER TABLE "wagtailcore_pagerevision" RENAME TO "wagtailcore_revision";\n'
        'ALTER TABLE "wagtailcore_revision" RENAME COLUMN "page_id" TO "page";\n'
        'ALTER TABLE "wagtailcore_revision" ALTER COLUMN "page" TYPE varchar(255) '
        'USING "page"::varchar(255);\n'
        "COMMIT;\n"
    )
    findings = lint_sql_text(sql, pg_version=16, schema=MemorySchema(known))
    (hit,) = [f for f in findings if f.rule == "SM401"]
    assert "changing integer to character varying(255) rewrites" in hit.message


def test_sqlmigrate_lint_keeps_multi_line_messages_inside_comments() -> None:
    """A database error spans lines (``LINE 1: …`` and a caret): each stays an SQL comment."""
    from safemigrations.management.commands.sqlmigrate import Command as SqlmigrateCommand

    out = StringIO()
    command = SqlmigrateCommand(stdout=out, no_color=True)
    error = (
        'shop.0002 fails when migrate runs it: ProgrammingError: relation "x" does not exist\n'
        'LINE 1: SELECT "x"."id" FROM "x"\n'
        "                              ^"
    )
    command.write_findings([Finding(rule="SM901", severity=Severity.ERROR, message=error)])
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert all(line.startswith("--") for line in lines), lines


def test_fk_index_follows_renames_of_an_m2m_table_and_its_column() -> None:
    """django-cms 0032: RenameModel("Title", "PageContent") renames the auto-created M2M table
    and its column and re-adds the foreign key; the index (old name) moved with them."""
    from safemigrations.lint.snapshot import CatalogSchema, ForeignKeyInfo, IndexInfo, Snapshot

    snapshot = Snapshot(
        columns={"cms_title_placeholders": {"id": "integer", "title_id": "integer"}},
        indexes=[
            IndexInfo(
                "cms_title_placeholders_title_id_02f9", "cms_title_placeholders", ("title_id",)
            )
        ],
        foreign_keys=[
            ForeignKeyInfo(
                "cms_title_fk", "cms_title_placeholders", ("title_id",), "cms_title", ("id",)
            )
        ],
    )
    sql = (
        "SET lock_timeout = '1s';\n"
        'ALTER TABLE "cms_title" RENAME TO "cms_pagecontent";\n'
        'ALTER TABLE "cms_title_placeholders" RENAME TO "cms_pagecontent_placeholders";\n'
        'ALTER TABLE "cms_pagecontent_placeholders" DROP CONSTRAINT "cms_title_fk";\n'
        'ALTER TABLE "cms_pagecontent_placeholders" RENAME COLUMN "title_id" TO "pagecontent_id";\n'
        'ALTER TABLE "cms_pagecontent_placeholders" ADD CONSTRAINT "cms_pagecontent_fk" '
        'FOREIGN KEY ("pagecontent_id") REFERENCES "cms_pagecontent" ("id") NOT VALID;\n'
    )
    schema = CatalogSchema.from_snapshot(snapshot)
    assert "SM213" not in rules(sql, schema=schema)
    # Without the index the re-added key is reported: the rule still judges it.
    bare = CatalogSchema.from_snapshot(
        Snapshot(columns=snapshot.columns, foreign_keys=snapshot.foreign_keys)
    )
    assert "SM213" in rules(sql, schema=bare)
