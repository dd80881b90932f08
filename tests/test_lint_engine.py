"""The SQL side of the linter: splitting, transaction blocks, schema knowledge, false positives."""

from __future__ import annotations

from pathlib import Path

import pytest

from safemigrations.lint.config import LintConfig, LintConfigError
from safemigrations.lint.engine import lint_sql_text, lint_statements
from safemigrations.lint.locks import LockMode, blocked_traffic, conflicts
from safemigrations.lint.model import MemorySchema, Severity, Statement
from safemigrations.lint.split import split_sql
from safemigrations.lint.types import parse_type, rewrites_on_type_change


def rules(sql: str, **kwargs: object) -> list[str]:
    return [f.rule for f in lint_sql_text(sql, pg_version=16, **kwargs)]  # type: ignore[arg-type]


def test_split_keeps_positions_and_skips_psql_parts() -> None:
    text = (
        "-- header\nBEGIN;\nSELECT 'a;b', $$x;y$$; SELECT 2;\n\\set x 1\nSELECT 1 \\gset\n"
        "COPY t FROM stdin;\n1\t'2\n\\.\nSELECT 3;\n"
    )
    result = split_sql(text)
    assert [(p.text, p.line, p.column) for p in result.pieces] == [
        ("BEGIN", 2, 1),
        ("SELECT 'a;b', $$x;y$$", 3, 1),
        ("SELECT 2", 3, 24),
        ("SELECT 1", 5, 1),
        ("COPY t FROM stdin", 6, 1),
        ("SELECT 3", 9, 1),
    ]
    assert [n.line for n in result.notes] == [4, 5, 7]


def test_meta_commands_are_info_findings_and_can_be_disabled() -> None:
    findings = lint_sql_text("\\d shop_book\nSELECT 1;", pg_version=16)
    assert [(f.rule, f.severity, f.line) for f in findings] == [("SM001", Severity.INFO, 1)]
    config = LintConfig(disabled=frozenset({"SM001"}))
    assert lint_sql_text("\\d shop_book\n", pg_version=16, config=config) == []


def test_unparsable_statement_is_a_finding_and_the_rest_is_still_linted() -> None:
    findings = lint_sql_text(
        'SELECT 1;\nALTER TABLE t ADD COLUMNN x int;\nCREATE INDEX i ON "shop_book" (c);',
        pg_version=16,
    )
    syntax = next(f for f in findings if f.rule == "SM000")
    assert syntax.line == 2
    assert "syntax error" in syntax.message
    assert "line 2, column" in syntax.message
    assert any(f.rule == "SM101" and f.line == 3 for f in findings)


def test_explicit_transactions_decide_in_transaction() -> None:
    inside = "BEGIN;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c);\nCOMMIT;"
    assert "SM102" in rules(inside)
    assert "SM102" not in rules("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c);")
    for stmt in (
        "DROP INDEX CONCURRENTLY IF EXISTS i",
        "REINDEX INDEX CONCURRENTLY i",
        "ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY",
        "VACUUM t",
    ):
        assert "SM102" in rules(f"BEGIN;\n{stmt};\nCOMMIT;"), stmt


def test_tables_created_in_the_same_input_are_exempt() -> None:
    sql = (
        'CREATE TABLE "shop_new" ("id" bigint PRIMARY KEY, "t" text, "o_id" bigint);\n'
        'CREATE INDEX "i" ON "shop_new" ("t");\n'
        'ALTER TABLE "shop_new" ADD CONSTRAINT "fk" FOREIGN KEY ("o_id") REFERENCES "shop_o" ("id");\n'
        'ALTER TABLE "shop_new" ALTER COLUMN "t" SET NOT NULL;\n'
    )
    assert not {"SM101", "SM201", "SM501"} & set(rules(sql))


def test_safe_type_changes_are_not_reported_when_the_old_type_is_known() -> None:
    schema = MemorySchema(
        {"shop_book": {"title": "character varying(200)", "cost": "numeric(8,2)", "n": "integer"}}
    )
    stmts = [
        Statement('ALTER TABLE "shop_book" ALTER COLUMN "title" TYPE varchar(300)'),
        Statement('ALTER TABLE "shop_book" ALTER COLUMN "title" TYPE text USING "title"::text'),
        Statement('ALTER TABLE "shop_book" ALTER COLUMN "cost" TYPE numeric(12, 2)'),
    ]
    found = lint_statements(stmts, pg_version=16, schema=schema)
    assert "SM401" not in {f.rule for f in found}
    bad = lint_statements(
        [Statement('ALTER TABLE "shop_book" ALTER COLUMN "n" TYPE bigint USING "n"::bigint')],
        pg_version=16,
        schema=schema,
    )
    assert [(f.rule, f.severity) for f in bad if f.rule == "SM401"] == [("SM401", Severity.ERROR)]


def test_type_learned_from_create_table_in_plain_sql() -> None:
    sql = "CREATE TABLE t (v varchar(10), n int);\nALTER TABLE t ALTER COLUMN v TYPE varchar(20);"
    assert "SM401" not in rules(sql)
    assert "SM401" in rules(sql.replace("varchar(20)", "varchar(5)"))


@pytest.mark.parametrize(
    ("old", "new", "rewrites"),
    [
        ("character varying(100)", "character varying(200)", False),
        ("character varying(100)", "text", False),
        ("text", "character varying", False),
        ("character varying(100)", "character varying(50)", True),
        ("text", "character varying(50)", True),
        ("numeric(10,2)", "numeric(12,2)", False),
        ("numeric(10,2)", "numeric(12,3)", True),
        ("numeric(10,2)", "numeric", False),
        ("integer", "bigint", True),
        ("character(10)", "character varying(10)", True),
        ("json", "jsonb", True),
        ("cidr", "inet", False),
        ("timestamp(3) with time zone", "timestamp(6) with time zone", False),
        ("timestamp without time zone", "timestamp with time zone", None),
    ],
)
def test_type_change_rewrite_table(old: str, new: str, rewrites: bool | None) -> None:
    assert rewrites_on_type_change(parse_type(old), parse_type(new)) is rewrites


def test_stable_defaults_are_not_volatile() -> None:
    for default in (
        "now()",
        "(STATEMENT_TIMESTAMP())",
        "CURRENT_TIMESTAMP",
        "0",
        "''",
        "lower('X')",
        "pg_catalog.now()",
    ):
        sql = f'ALTER TABLE "shop_book" ADD COLUMN "z" timestamptz DEFAULT {default};'
        assert "SM301" not in rules(sql), default
    assert "SM301" in rules(
        'ALTER TABLE "shop_book" ADD COLUMN "z" uuid DEFAULT gen_random_uuid();'
    )
    unknown = lint_sql_text('ALTER TABLE "b" ADD COLUMN "z" int DEFAULT my_func();', pg_version=16)
    assert [f.severity for f in unknown if f.rule == "SM301"] == [Severity.WARNING]


def test_set_not_null_after_validated_is_not_null_check() -> None:
    sql = (
        'ALTER TABLE "b" ADD CONSTRAINT "nn" CHECK ("c" IS NOT NULL) NOT VALID;\n'
        'ALTER TABLE "b" VALIDATE CONSTRAINT "nn";\n'
        'ALTER TABLE "b" ALTER COLUMN "c" SET NOT NULL;\n'
    )
    assert "SM501" not in rules(sql)
    other = sql.replace('"c" IS NOT NULL', '"c" > 0')
    assert "SM501" in rules(other)


def test_statements_after_access_exclusive_in_one_transaction() -> None:
    sql = (
        "BEGIN;\n"
        'ALTER TABLE "b" ALTER COLUMN "c" SET DEFAULT 0;\n'
        'UPDATE "b" SET "c" = 0 WHERE "c" IS NULL;\n'
        'CREATE INDEX "i" ON "other" ("x");\n'
        "COMMIT;\n"
    )
    found = lint_sql_text(sql, pg_version=16)
    # The back-fill of b is SM502's finding (batches, out of the transaction): SM961 folds into
    # it. The index on another table is SM961's alone: b's traffic waits for it too.
    assert [(f.rule, f.line) for f in found if f.rule in ("SM502", "SM961")] == [
        ("SM502", 3),
        ("SM961", 4),
    ]
    # With the back-fill accepted (SM502 off), SM961 reports it again.
    accepted = LintConfig(disabled=frozenset({"SM502"}))
    after = [f for f in lint_sql_text(sql, pg_version=16, config=accepted) if f.rule == "SM961"]
    assert [f.line for f in after] == [3, 4]
    # issue 12: the line reference names its file ("the input" for SQL read without a name)
    assert "ACCESS EXCLUSIVE on b (taken at line 2 of the input)" in after[0].message
    assert "SM961" not in rules(sql.replace("BEGIN;\n", "").replace("COMMIT;\n", ""))


def test_lock_timeout_tracking() -> None:
    ddl = 'ALTER TABLE "b" ADD COLUMN "z" text;\n'
    assert rules(ddl).count("SM962") == 1
    assert rules(ddl * 3).count("SM962") == 1
    assert "SM962" not in rules("SET lock_timeout = '2s';\n" + ddl)
    assert "SM962" not in rules("SELECT set_config('lock_timeout', '2s', false);\n" + ddl)
    assert "SM962" in rules("SET lock_timeout = 0;\n" + ddl)
    local = "BEGIN;\nSET LOCAL lock_timeout = '1s';\nCOMMIT;\n" + ddl
    assert "SM962" in rules(local)


def test_transaction_nesting_and_open_transaction() -> None:
    assert "SM963" in rules("BEGIN;\nBEGIN;\nSELECT 1;\nCOMMIT;")
    unclosed = lint_sql_text("SELECT 0;\nBEGIN;\nSELECT 1;", pg_version=16)
    assert [(f.rule, f.line) for f in unclosed if f.rule == "SM963"] == [("SM963", 2)]


def test_severity_override_disable_and_exclude_apps() -> None:
    sql = 'CREATE INDEX "i" ON "b" ("c");'
    config = LintConfig.from_dict({"SEVERITY": {"create-index-non-concurrently": "warning"}})
    found = lint_sql_text(sql, pg_version=16, config=config)
    assert [f.severity for f in found if f.rule == "SM101"] == [Severity.WARNING]
    assert "SM101" not in [
        f.rule
        for f in lint_sql_text(
            sql, pg_version=16, config=LintConfig.from_dict({"disable": ["SM101"]})
        )
    ]
    stmts = [Statement(sql, app="legacy"), Statement(sql, app="shop")]
    excluded = lint_statements(
        stmts, pg_version=16, config=LintConfig(exclude_apps=frozenset({"legacy"}))
    )
    assert {f.app for f in excluded} == {"shop"}


def test_config_errors_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(LintConfigError, match="unknown key 'DISABLED'"):
        LintConfig.from_dict({"DISABLED": ["SM101"]})
    with pytest.raises(LintConfigError, match="use one of error, warning, info"):
        LintConfig.from_dict({"FAIL_ON": "fatal"})
    conf = tmp_path / "pyproject.toml"
    conf.write_text('[tool.safemigrations.lint]\nfail-on = "warning"\ntarget-pg-version = "15.4"\n')
    loaded = LintConfig.from_pyproject(conf)
    assert loaded.fail_on == Severity.WARNING
    assert loaded.target_pg_version == 15
    (tmp_path / "sub").mkdir()
    assert LintConfig.discover(tmp_path / "sub") == loaded


def test_lock_matrix() -> None:
    assert conflicts(LockMode.SHARE, LockMode.ROW_EXCLUSIVE)
    assert not conflicts(LockMode.SHARE_UPDATE_EXCLUSIVE, LockMode.ROW_EXCLUSIVE)
    assert conflicts(LockMode.SHARE_UPDATE_EXCLUSIVE, LockMode.SHARE_UPDATE_EXCLUSIVE)
    assert not conflicts(LockMode.SHARE, LockMode.SHARE)
    for a in LockMode:
        for b in LockMode:
            assert conflicts(a, b) == conflicts(b, a)
    assert blocked_traffic(LockMode.ACCESS_EXCLUSIVE)[0] == "SELECT"
    assert "SELECT" not in blocked_traffic(LockMode.SHARE)
    assert LockMode.parse("AccessExclusiveLock") is LockMode.ACCESS_EXCLUSIVE
    assert LockMode.ACCESS_EXCLUSIVE.pg_locks_name == "AccessExclusiveLock"


def test_session_lock_timeout_bounds_waits_until_sql_turns_it_off() -> None:
    """Under safemigrations' ``migrate`` the session already has a lock_timeout."""
    from safemigrations.lint.config import LintConfig

    sql = 'ALTER TABLE "shop_book" ADD COLUMN "notes" text NULL;'
    plain = lint_sql_text(sql, pg_version=16)
    assert "SM962" in {f.rule for f in plain}
    bounded = lint_sql_text(sql, pg_version=16, config=LintConfig(session_lock_timeout=True))
    assert "SM962" not in {f.rule for f in bounded}
    turned_off = lint_sql_text(
        "SET lock_timeout = 0;\n" + sql, pg_version=16, config=LintConfig(session_lock_timeout=True)
    )
    assert "SM962" in {f.rule for f in turned_off}
