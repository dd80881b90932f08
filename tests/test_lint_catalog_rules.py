"""Rules that judge statements against the schema: the catalog snapshot, and plain-SQL fallbacks.

Django side: the ``catalog`` scenario in ``tests/testapps/lintdj/scenarios/`` is replayed on a
scratch database; the rules read indexes, foreign keys and CHECK constraints from the snapshot
taken before each migration. Plain SQL: the same rules learn from the file's own statements.
Lock claims are checked against ``pg_locks``.
"""

from __future__ import annotations

import psycopg
import pytest
from django.db.migrations.loader import MigrationLoader

from safemigrations.db.catalog import locks_held
from safemigrations.db.scratch import scratch_database
from safemigrations.db.server import Server
from safemigrations.lint.collect import collect
from safemigrations.lint.config import LintConfig
from safemigrations.lint.engine import lint_sql_text
from safemigrations.lint.locks import LockMode
from safemigrations.lint.model import Finding, Statement
from safemigrations.lint.project import lint_migrations
from safemigrations.lint.report.text import render
from safemigrations.lint.snapshot import CatalogSchema, read_snapshot
from safemigrations.lint.sql import analyze

SCENARIO = "tests.testapps.lintdj.scenarios.catalog"


@pytest.fixture
def catalog_keys(settings):  # type: ignore[no-untyped-def]
    settings.MIGRATION_MODULES = {"lintdj": SCENARIO}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    leaf = loader.graph.leaf_nodes("lintdj")[0]
    return [k for k in loader.graph.forwards_plan(leaf) if k[0] == "lintdj"]


def by_migration(findings: list[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(str(f.migration)[:4], []).append(f)
    return out


@pytest.mark.django_db
def test_catalog_rules_on_django_migrations(catalog_keys) -> None:  # type: ignore[no-untyped-def]
    result = lint_migrations(catalog_keys[1:])
    found = by_migration(result.findings)
    rules = {k: {f.rule for f in v} for k, v in found.items()}

    # 0002: widening varchar is binary-coercible (no SM401), but the CHECK is re-validated.
    assert "SM401" not in rules.get("0002", set())
    (recheck,) = [f for f in found["0002"] if f.rule == "SM402"]
    assert "book_title_not_blank" in recheck.message
    assert recheck.tables == ["lintdj_book"]

    # 0003: the foreign key loses its only index (known from the catalog, not from the SQL).
    (lost,) = [f for f in found["0003"] if f.rule == "SM213"]
    assert "loses its index" in lost.message
    assert "DROP INDEX" in lost.sql
    assert set(lost.tables) == {"lintdj_book", "lintdj_author"}

    # 0004: a new FK column without an index is reported; the one with Django's index is not.
    new = [f for f in found["0004"] if f.rule == "SM213"]
    assert len(new) == 1
    assert "editor_id" in new[0].message
    assert "reviewer" not in new[0].message

    # 0005: drop the CHECK, widen, re-add NOT VALID: nothing re-checked.
    assert "SM402" not in rules.get("0005", set())


@pytest.mark.django_db
def test_snapshot_knows_foreign_keys_indexes_and_checks(catalog_keys) -> None:  # type: ignore[no-untyped-def]
    collected = collect([catalog_keys[2]]).migrations[0]  # 0003, after 0001 and 0002
    schema = collected.schema()
    assert collected.snapshot is not None
    (fk,) = [f for f in schema.foreign_keys() if f.table == "lintdj_book"]
    assert fk.referenced == "lintdj_author"
    assert fk.columns == ("author_id",)
    assert schema.foreign_key_target("lintdj_book", fk.name) == "lintdj_author"
    assert any(i.table == "lintdj_book" and i.columns == ("author_id",) for i in schema.indexes())
    assert schema.checks_on("lintdj_book", "title") == ["book_title_not_blank"]
    assert schema.checks_on("lintdj_book", "pages") == []

    # Django drops the foreign key to change db_index: with the catalog, the static model knows
    # the drop also takes ACCESS EXCLUSIVE on the referenced table.
    drops = [s for s in collected.to_statements() if "DROP CONSTRAINT" in s.sql]
    assert drops
    facts = analyze(drops[0], pg_version=16, known=schema)
    assert facts.locks["lintdj_author"] == LockMode.ACCESS_EXCLUSIVE
    without = analyze(drops[0], pg_version=16, known=CatalogSchema(collected.column_types))
    assert "lintdj_author" not in without.locks


@pytest.mark.parametrize("version", [14, 16, 18])
def test_foreign_key_index_rule_in_plain_sql(version: int) -> None:
    indexed = (
        'CREATE TABLE "t" ("id" bigint PRIMARY KEY, "p_id" bigint);\n'
        'ALTER TABLE "t" ADD CONSTRAINT "t_p_fk" FOREIGN KEY ("p_id") REFERENCES "p" ("id");\n'
        'CREATE INDEX "t_p_idx" ON "t" ("p_id", "id");'
    )
    assert not [f for f in lint_sql_text(indexed, pg_version=version) if f.rule == "SM213"]
    # A predicate the lookup `p_id = $1` cannot prove: the index does not serve it.
    partial = indexed.replace('("p_id", "id");', '("p_id") WHERE "id" > 0;')
    (hit,) = [f for f in lint_sql_text(partial, pg_version=version) if f.rule == "SM213"]
    assert hit.line == 2  # anchored at the ADD CONSTRAINT
    trailing = indexed.replace('("p_id", "id");', '("id", "p_id");')
    assert [f for f in lint_sql_text(trailing, pg_version=version) if f.rule == "SM213"]
    one_to_one = 'CREATE TABLE "u" ("id" bigint, "p_id" bigint UNIQUE REFERENCES "p" ("id"));'
    assert not [f for f in lint_sql_text(one_to_one, pg_version=version) if f.rule == "SM213"]


@pytest.mark.parametrize("version", [14, 17])
def test_type_change_with_check_in_plain_sql(version: int) -> None:
    sql = (
        'ALTER TABLE "b" ADD CONSTRAINT "b_qty" CHECK ("qty" >= 0) NOT VALID;\n'
        'ALTER TABLE "b" ALTER COLUMN "qty" TYPE integer;\n'
        'ALTER TABLE "b" VALIDATE CONSTRAINT "b_qty";\n'
        'ALTER TABLE "b" ALTER COLUMN "qty" TYPE integer;'
    )
    hits = [f for f in lint_sql_text(sql, pg_version=version) if f.rule == "SM402"]
    assert [f.line for f in hits] == [4]  # NOT VALID is not re-checked until validated


def test_statement_timeout_rule_follows_set_and_reset() -> None:
    # The blocking steps are accepted (their own rules disabled): SM965 is the finding left.
    accepted = LintConfig(disabled=frozenset({"SM204", "SM501", "SM101"}))

    def sm965(sql: str) -> list[Finding]:
        return [f for f in lint_sql_text(sql, pg_version=16, config=accepted) if f.rule == "SM965"]

    slow = 'ALTER TABLE "b" ADD CONSTRAINT "c" CHECK ("x" > 0);'
    assert sm965(slow)
    timed = "SET statement_timeout = '1min';\n" + slow
    assert not sm965(timed)
    reset = "SET statement_timeout = '1min';\nRESET statement_timeout;\n" + slow
    assert sm965(reset)
    local = "BEGIN;\nSET LOCAL statement_timeout = '1min';\nCOMMIT;\n" + slow
    assert sm965(local)
    concurrent = 'CREATE INDEX CONCURRENTLY "i" ON "b" ("x");'  # SHARE UPDATE EXCLUSIVE only
    assert not sm965(concurrent)
    # SetNotNull's steps: VALIDATE takes SHARE UPDATE EXCLUSIVE, and SET NOT NULL skips its
    # scan once a validated CHECK (x IS NOT NULL) exists.
    set_not_null = (
        'ALTER TABLE "b" ADD CONSTRAINT "b_x_nn" CHECK ("x" IS NOT NULL) NOT VALID;\n'
        'ALTER TABLE "b" VALIDATE CONSTRAINT "b_x_nn";\n'
        'ALTER TABLE "b" ALTER COLUMN "x" SET NOT NULL;'
    )
    assert not sm965(set_not_null)
    unchecked = 'ALTER TABLE "b" ALTER COLUMN "x" SET NOT NULL;'
    assert sm965(unchecked)


def test_statement_timeout_finding_is_folded_into_the_finding_on_the_same_statement() -> None:
    # The CHECK's own finding (SM204) names the lock, the table and the NOT VALID form: SM965
    # on the same statement repeated it. One SM965 per file, on a statement nothing else covers.
    sql = (
        'ALTER TABLE "b" ADD CONSTRAINT "c" CHECK ("x" > 0);\n'
        'CREATE INDEX "i" ON "b" ("x");\n'
        'ALTER TABLE "b" ALTER COLUMN "x" SET NOT NULL;\n'
    )
    rules = [(f.rule, f.line) for f in lint_sql_text(sql, pg_version=16)]
    assert {("SM204", 1), ("SM101", 2), ("SM501", 3)} <= set(rules)
    assert not [r for r in rules if r[0] == "SM965"]
    # With the index build accepted, its statement is the one SM965 is about, once.
    accepted = LintConfig(disabled=frozenset({"SM101"}))
    sm965 = [f for f in lint_sql_text(sql, pg_version=16, config=accepted) if f.rule == "SM965"]
    assert [(f.line, f.tables) for f in sm965] == [(2, ["b"])]


def test_text_report_shows_each_tables_own_lock() -> None:
    sql = (
        'ALTER TABLE "b" ADD CONSTRAINT "b_a_fk" FOREIGN KEY ("a_id") REFERENCES "a" ("id") '
        "NOT VALID;\nBEGIN;\n"
        'ALTER TABLE "b" ADD COLUMN "x" integer;\n'
        'ALTER TABLE "b" VALIDATE CONSTRAINT "b_a_fk";\n'
        "COMMIT;"
    )
    findings = [f for f in lint_sql_text(sql, pg_version=16) if f.line == 4]
    assert findings, findings
    text = render(findings, verbose=False)
    validate_lines = [ln for ln in text.splitlines() if ln.strip().startswith("lock:")]
    assert any(
        "SHARE UPDATE EXCLUSIVE on b" in ln and "ROW SHARE on a" in ln for ln in validate_lines
    ), text


def _locks_of(server: Server, db: str, setup: str, statement: str) -> dict[str, LockMode]:
    """The strongest lock per relation that ``statement`` holds, from ``pg_locks``."""
    held: dict[str, LockMode] = {}
    with psycopg.connect(server.conninfo(db), autocommit=True) as conn:
        conn.execute(setup)
        conn.execute("BEGIN")
        conn.execute(statement)
        for lk in locks_held(conn.cursor(), conn.info.backend_pid):
            if lk.relation:
                mode = LockMode.parse(lk.mode)
                held[lk.relation] = max(mode, held.get(lk.relation, mode))
        conn.execute("ROLLBACK")
    return held


@pytest.mark.parametrize(
    ("setup", "statement", "table", "mode"),
    [
        (
            "CREATE TABLE t (id int, x text); CREATE VIEW v AS SELECT id FROM t;",
            "CREATE OR REPLACE VIEW v AS SELECT id FROM t",
            "v",
            LockMode.ACCESS_EXCLUSIVE,
        ),
        (
            "CREATE TABLE t (id int, x text);",
            "ALTER TABLE t REPLICA IDENTITY FULL",
            "t",
            LockMode.ACCESS_EXCLUSIVE,
        ),
        (
            "CREATE TABLE t (id int, x text);",
            "ALTER TABLE t ALTER COLUMN x SET STORAGE EXTERNAL",
            "t",
            LockMode.ACCESS_EXCLUSIVE,
        ),
        (
            "CREATE TABLE t (id int, x text);",
            "ALTER TABLE t DISABLE TRIGGER ALL",
            "t",
            LockMode.SHARE_ROW_EXCLUSIVE,
        ),
        (
            "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE t (id int, p_id int, "
            "CONSTRAINT t_p_fk FOREIGN KEY (p_id) REFERENCES p (id));",
            "ALTER TABLE t DROP CONSTRAINT t_p_fk",
            "p",
            LockMode.ACCESS_EXCLUSIVE,
        ),
    ],
)
def test_brief_lock_forms_take_the_modelled_lock(
    pg_server: Server, setup: str, statement: str, table: str, mode: LockMode
) -> None:
    with scratch_database("lint_brief", pg_server) as db:
        held = _locks_of(pg_server, db, setup, statement)
        with psycopg.connect(pg_server.conninfo(db)) as conn:
            known = CatalogSchema.from_snapshot(read_snapshot(conn.cursor()))
    facts = analyze(Statement(sql=statement), pg_version=16, known=known)
    assert facts.locks[table] == mode
    assert held[table] == mode


def _scans(conn: psycopg.Connection[tuple[object, ...]], sql: str) -> int:
    """Sequential and index scans of table ``b`` while ``sql`` runs (in a rolled-back block)."""
    conn.execute("BEGIN")
    start = conn.execute("SELECT pg_stat_get_xact_numscans('b'::regclass)").fetchone()
    conn.execute(sql)
    end = conn.execute("SELECT pg_stat_get_xact_numscans('b'::regclass)").fetchone()
    conn.execute("ROLLBACK")
    assert start is not None
    assert end is not None
    return int(str(end[0])) - int(str(start[0]))


def test_type_change_with_check_rescans_on_postgresql(pg_server: Server) -> None:
    """The fact behind SM402: a binary-coercible change keeps the files but scans for the CHECK."""
    with (
        scratch_database("lint_recheck", pg_server) as db,
        psycopg.connect(pg_server.conninfo(db), autocommit=True) as conn,
    ):
        conn.execute(
            "CREATE TABLE b (id int, title varchar(10)); "
            "INSERT INTO b SELECT g, 'x' FROM generate_series(1, 2000) g;"
        )
        widen = "ALTER TABLE b ALTER COLUMN title TYPE varchar(20)"
        assert _scans(conn, widen) == 0
        conn.execute("ALTER TABLE b ADD CONSTRAINT b_t CHECK (title <> '')")
        assert _scans(conn, widen) >= 1


FK_TABLES = (
    "CREATE TABLE p (id bigint PRIMARY KEY);\n"
    "CREATE TABLE c (id bigint PRIMARY KEY, p_id bigint);\n"
    "ALTER TABLE c ADD CONSTRAINT c_p_fk FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID;\n"
)


@pytest.mark.parametrize(
    ("index", "reported"),
    [
        ("CREATE INDEX c_p_ix ON c (p_id);", False),
        # A sparse foreign key's usual index: every `p_id = $1` lookup can use it.
        ("CREATE INDEX c_p_ix ON c (p_id) WHERE p_id IS NOT NULL;", False),
        ("CREATE INDEX c_p_ix ON c (p_id) WHERE id > 5;", True),
        ("", True),
    ],
)
def test_fk_index_rule_accepts_a_not_null_partial_index(index: str, reported: bool) -> None:
    findings = lint_sql_text("SET lock_timeout = '1s';\n" + FK_TABLES + index, pg_version=16)
    assert ("SM213" in {f.rule for f in findings}) is reported


def test_snapshot_counts_a_not_null_partial_index_as_usable(pg_server: Server) -> None:
    with scratch_database("snap_partial", pg_server) as name, pg_server.connect(name) as conn:
        conn.execute(FK_TABLES)
        conn.execute("CREATE INDEX c_nn ON c (p_id) WHERE p_id IS NOT NULL")
        conn.execute("CREATE INDEX c_other ON c (p_id) WHERE id > 5")
        with conn.cursor() as cur:
            snap = read_snapshot(cur)
    by_name = {i.name: i for i in snap.indexes}
    assert by_name["c_nn"].partial is False
    assert by_name["c_other"].partial is True
