"""Linter precision (issue 13): peer-style material scored, SQL file sequences, the info level,
volatility from the parse tree and pg_proc, and each miss / false positive fixed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from benchmarks.lint_precision import Score, score
from safemigrations.__main__ import main
from safemigrations.db.scratch import scratch_database
from safemigrations.db.server import Server
from safemigrations.lint.config import LintConfig
from safemigrations.lint.engine import SqlSource, lint_sql_files, lint_sql_text
from safemigrations.lint.model import Finding, Severity
from safemigrations.lint.report import render
from safemigrations.lint.report.sarif import to_sarif
from safemigrations.lint.report.text import summary
from safemigrations.lint.sql import parse_one
from safemigrations.lint.volatility import DatabaseVolatility, pg_proc_lookup, volatility

DATA = Path(__file__).resolve().parent / "data"


def rules(sql: str, *, at_least: Severity = Severity.INFO) -> dict[str, list[Finding]]:
    """Findings of ``sql`` by rule, at or above ``at_least``."""
    out: dict[str, list[Finding]] = {}
    for f in lint_sql_text(sql, pg_version=16):
        if f.severity.rank >= at_least.rank:
            out.setdefault(f.rule, []).append(f)
    return out


# -- the scored material ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def scored() -> Score:
    return score()


@pytest.mark.parametrize(
    "group",
    [
        "django_unsafe",
        "django_safe",
        "sequences_bad",
        "sequences_good",
        "migration_linter_unsafe",
        "migration_linter_safe",
    ],
)
def test_every_case_of_the_material_meets_its_target(scored: Score, group: str) -> None:
    cases = scored.of(group)
    assert len(cases) >= 10
    misses = [(c.name, sorted(c.expected), sorted(c.reported)) for c in cases if not c.ok]
    assert misses == []


def test_the_material_names_real_hazards_on_some_safe_rewrites(scored: Score) -> None:
    # Dropping a column or a table stays a warning however it is written: code may still use it.
    hazards = {c.name: c.expected for c in scored.of("django_safe") if c.expected}
    assert hazards["remove_field.sql"] == {"SM603"}
    assert hazards["delete_model.sql"] == {"SM604"}


# -- the info level --------------------------------------------------------------------------


def test_rerun_advice_is_info_and_agrees_with_its_explanation() -> None:
    plain = rules('CREATE INDEX CONCURRENTLY "i" ON "t" ("a");')
    (note,) = plain["SM103"]
    assert note.severity == Severity.INFO
    assert "already exists" in note.message
    guarded = rules('CREATE INDEX CONCURRENTLY IF NOT EXISTS "i" ON "t" ("a");')
    (kept,) = guarded["SM103"]  # the explanation says IF NOT EXISTS keeps an INVALID index
    assert kept.severity == Severity.INFO
    assert "keeps the INVALID index" in kept.message
    dropped_first = (
        'DROP INDEX CONCURRENTLY IF EXISTS "i";\nCREATE INDEX CONCURRENTLY "i" ON "t" ("a");'
    )
    assert "SM103" not in rules(dropped_first)
    rerun = rules(
        'ALTER TABLE "t" ADD COLUMN "c" integer;\nALTER TABLE "t" ADD COLUMN "d" integer;'
    )
    assert {f.severity for f in rerun["SM966"]} == {Severity.INFO}


def test_info_never_fails_warning_but_fails_info(tmp_path: Path) -> None:
    path = tmp_path / "0001_index.sql"
    path.write_text('CREATE INDEX CONCURRENTLY "i" ON "shop_book" ("title");\n')
    assert main(["lint", "--fail-on", "warning", str(path)]) == 0
    assert main(["lint", "--fail-on", "info", str(path)]) == 1
    assert LintConfig.from_dict({"fail_on": "info"}).fails(Severity.INFO)


def test_info_in_every_output_format(capsys: pytest.CaptureFixture[str]) -> None:
    sql = 'CREATE INDEX CONCURRENTLY "i" ON "shop_book" ("title");\nALTER TABLE "shop_book" DROP COLUMN "x";'
    findings = lint_sql_text(sql, file="m.sql", pg_version=16)
    info = [f for f in findings if f.severity == Severity.INFO]
    assert info
    assert any(f.severity == Severity.WARNING for f in findings)
    as_json = json.loads(render(findings, "json"))
    assert {"SM103": "info"}.items() <= {d["rule"]: d["severity"] for d in as_json}.items()
    sarif = to_sarif(findings)
    schema = json.loads((DATA / "sarif-2.1.0-minimal.schema.json").read_text())
    jsonschema.validate(sarif, schema)
    levels = {r["ruleId"]: r["level"] for r in sarif["runs"][0]["results"]}
    assert levels["SM103"] == "note"
    descriptor = {d["id"]: d for d in sarif["runs"][0]["tool"]["driver"]["rules"]}["SM103"]
    assert descriptor["defaultConfiguration"]["level"] == "note"
    github = render(findings, "github").splitlines()
    assert any(line.startswith("::notice ") and "SM103" in line for line in github)
    assert not any(line.startswith("::warning ") and "SM103" in line for line in github)
    text = render(findings, "text")
    assert "info SM103" in text
    warnings = sum(1 for f in findings if f.severity == Severity.WARNING)
    assert summary(findings).startswith(f"{len(findings) - len(info)} finding")
    assert f"{warnings} warning" in summary(findings)
    assert summary(findings).endswith(f"{len(info)} note{'s' if len(info) != 1 else ''} (info)")
    assert summary(info) == f"No findings; {len(info)} note{'s' if len(info) != 1 else ''} (info)"


# -- SQL files as a sequence -----------------------------------------------------------------


def _write(folder: Path, files: dict[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return [folder / n for n in files]


def test_files_are_one_history_old_type_index_and_check_known(tmp_path: Path) -> None:
    paths = _write(
        tmp_path / "m",
        {
            "V1__books.sql": "CREATE TABLE books (id bigint PRIMARY KEY, title varchar(50), a_id bigint);",
            "V2__prepare.sql": (
                "SET lock_timeout = '2s';\n"
                "ALTER TABLE books ADD CONSTRAINT t_nn CHECK (title IS NOT NULL) NOT VALID;\n"
                "CREATE INDEX CONCURRENTLY books_a_idx ON books (a_id);"
            ),
            "V3__validate.sql": "ALTER TABLE books VALIDATE CONSTRAINT t_nn;",
            "V10__finish.sql": (
                "SET lock_timeout = '2s';\n"
                "ALTER TABLE books ALTER COLUMN title SET NOT NULL;\n"
                "ALTER TABLE books DROP CONSTRAINT t_nn;\n"
                "ALTER TABLE books ALTER COLUMN title TYPE text;\n"
                "ALTER TABLE books ADD CONSTRAINT a_fk FOREIGN KEY (a_id) REFERENCES a (id) NOT VALID;"
            ),
        },
    )
    sources = [SqlSource(str(p), p.read_text()) for p in paths]
    last = str(paths[-1])
    together = lint_sql_files(sources, pg_version=16)
    assert not [f for f in together if f.file == last and f.severity.rank >= 1]
    alone = lint_sql_files(sources[-1:], pg_version=16)
    assert {"SM501", "SM401"} <= {f.rule for f in alone}  # what the file alone cannot know
    # The directory form takes the files in natural order (V10 after V3).
    assert main(["lint", "--fail-on", "warning", str(tmp_path / "m")]) == 0
    assert main(["lint", "--fail-on", "warning", "--separately", str(tmp_path / "m")]) == 1


def test_session_settings_and_new_tables_do_not_carry_over() -> None:
    first = SqlSource("1.sql", "SET lock_timeout = '2s';\nCREATE TABLE t (id bigint, c text);")
    second = SqlSource("2.sql", "ALTER TABLE t ALTER COLUMN c SET NOT NULL;")
    found = {(f.file, f.rule) for f in lint_sql_files([first, second], pg_version=16)}
    assert ("2.sql", "SM962") in found  # a new session: no lock_timeout
    assert ("2.sql", "SM501") in found  # created by an earlier migration: it may have rows now


def test_transaction_per_file(tmp_path: Path) -> None:
    local = SqlSource("1.sql", "SET LOCAL lock_timeout = '2s';\nALTER TABLE t ADD COLUMN c text;")
    alone = {f.rule for f in lint_sql_files([local], pg_version=16)}
    assert {"SM967", "SM962"} <= alone
    wrapped = {f.rule for f in lint_sql_files([local], pg_version=16, transaction_per_file=True)}
    assert not {"SM967", "SM962"} & wrapped
    # A file holding CREATE INDEX CONCURRENTLY runs without a transaction, as the tools do.
    concurrent = SqlSource("2.sql", "CREATE INDEX CONCURRENTLY i ON t (c);")
    found = lint_sql_files([concurrent], pg_version=16, transaction_per_file=True)
    assert "SM102" not in {f.rule for f in found}
    path = tmp_path / "3.sql"
    path.write_text(local.text)
    assert main(["lint", "--fail-on", "warning", "--transaction-per-file", str(path)]) == 0
    assert main(["lint", "--fail-on", "warning", str(path)]) == 1


DUMP = """--
-- PostgreSQL database dump
--
SET statement_timeout = 0;
SET lock_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE TABLE public.books (
    id bigint NOT NULL,
    title character varying(50),
    author_id bigint,
    editor_id bigint
);
ALTER TABLE ONLY public.books ADD CONSTRAINT books_pkey PRIMARY KEY (id);
CREATE INDEX books_author_idx ON public.books USING btree (author_id);
"""


def test_schema_baseline(tmp_path: Path) -> None:
    dump = tmp_path / "schema.sql"
    dump.write_text(DUMP)
    migration = tmp_path / "0001.sql"
    migration.write_text(
        "SET lock_timeout = '2s';\n"
        "ALTER TABLE books ALTER COLUMN title TYPE varchar(80);\n"
        "ALTER TABLE books ADD CONSTRAINT a_fk FOREIGN KEY (author_id) REFERENCES authors (id) NOT VALID;\n"
        "ALTER TABLE books ADD CONSTRAINT e_fk FOREIGN KEY (editor_id) REFERENCES editors (id) NOT VALID;\n"
    )
    baseline = [SqlSource(str(dump), DUMP)]
    found = lint_sql_files(
        [SqlSource(str(migration), migration.read_text())], pg_version=16, baseline=baseline
    )
    assert all(f.file == str(migration) for f in found)  # the baseline is learned, not linted
    hazards = {(f.rule, f.line) for f in found if f.severity.rank >= 1}
    assert hazards == {("SM213", 4)}  # editor_id has no index in the baseline; author_id has
    without = {f.rule for f in lint_sql_text(migration.read_text(), pg_version=16)}
    assert "SM401" in without  # without the baseline the old type is unknown
    assert main(["lint", "--schema", str(dump), "--fail-on", "error", str(migration)]) == 0
    assert main(["lint", "--schema", str(tmp_path / "missing.sql"), str(migration)]) == 2


def test_unreadable_file_is_a_finding_and_the_run_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    latin = tmp_path / "1_latin.sql"
    latin.write_bytes("SELECT 'caf\xe9';\n".encode("latin-1"))
    good = tmp_path / "2_index.sql"
    good.write_text('CREATE INDEX "i" ON "t" ("a");\n')
    assert main(["lint", "--format", "json", str(latin), str(good)]) == 2
    out = json.loads(capsys.readouterr().out)
    by_file = {(d["file"], d["rule"]) for d in out}
    assert (str(latin), "SM003") in by_file
    assert (str(good), "SM101") in by_file  # the other file is still linted
    (sm003,) = [d for d in out if d["rule"] == "SM003"]
    assert "not UTF-8" in sm003["message"]
    assert sm003["severity"] == "error"


# -- volatility ------------------------------------------------------------------------------


def _default(expr: str) -> object:
    node, error, _ = parse_one(f"ALTER TABLE t ADD COLUMN c text DEFAULT {expr}")
    assert error is None
    assert node is not None
    return next(c for c in node.cmds[0].def_.constraints).raw_expr


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("PI()", "immutable"),
        ("0", "immutable"),
        ("lower('X') || 'y'", "immutable"),
        ("now()", "stable"),
        ("CURRENT_TIMESTAMP", "stable"),
        ("statement_timestamp() + interval '1 day'", "stable"),
        ("random()", "volatile"),
        ("gen_random_uuid()", "volatile"),
        ("nextval('s')", "volatile"),
        ("coalesce(clock_timestamp(), now())", "volatile"),
        ("my_function()", "unknown"),
        ("app.pi()", "unknown"),
    ],
)
def test_volatility_from_the_parse_tree(expr: str, expected: str) -> None:
    assert volatility(_default(expr)) == expected


def test_volatility_message_is_printed_from_the_tree() -> None:
    sql = 'ALTER TABLE "app_default_a" ADD COLUMN "u" uuid DEFAULT gen_random_uuid() NOT NULL;'
    (hit,) = rules(sql)["SM301"]
    assert hit.severity == Severity.ERROR
    assert "default gen_random_uuid() rewrites app_default_a" in hit.message
    assert "SM301" not in rules(sql.replace("gen_random_uuid()", "(PI())"))


def test_volatility_from_pg_proc(pg_server: Server) -> None:
    with scratch_database("lint_volatility", pg_server) as name, pg_server.connect(name) as conn:
        conn.execute(
            "CREATE FUNCTION stamp() RETURNS text LANGUAGE sql VOLATILE AS 'SELECT 1::text'"
        )
        conn.execute(
            "CREATE FUNCTION fixed() RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT 1::text'"
        )
        with conn.cursor() as cursor:
            lookup = pg_proc_lookup(cursor, ["stamp", "fixed", "pi", "missing"])
        assert (lookup("stamp"), lookup("fixed"), lookup("pi")) == (
            "volatile",
            "immutable",
            "immutable",
        )
        assert lookup("missing") is None
        sql = (
            "ALTER TABLE t ADD COLUMN a text DEFAULT stamp() NOT NULL;\n"
            "ALTER TABLE t ADD COLUMN b text DEFAULT fixed() NOT NULL;\n"
        )
        without = {
            (f.line, f.severity) for f in lint_sql_text(sql, pg_version=16) if f.rule == "SM301"
        }
        assert without == {(1, Severity.WARNING), (2, Severity.WARNING)}  # only "possibly"
        schema = DatabaseVolatility(conn)
        found = lint_sql_files([SqlSource("m.sql", sql)], pg_version=16, schema=schema)
        assert {(f.line, f.severity) for f in found if f.rule == "SM301"} == {(1, Severity.ERROR)}


# -- the other misses and false positives ----------------------------------------------------


def test_default_null_is_no_default() -> None:
    assert "SM302" in rules('ALTER TABLE "t" ADD COLUMN "c" integer DEFAULT NULL NOT NULL;')
    assert "SM302" in rules(
        'ALTER TABLE "t" ADD COLUMN "c" integer DEFAULT NULL::integer NOT NULL;'
    )
    assert "SM302" not in rules('ALTER TABLE "t" ADD COLUMN "c" integer DEFAULT 0 NOT NULL;')


def test_drop_default_then_set_again_in_the_transaction_is_quiet() -> None:
    add = 'ALTER TABLE "t" ADD COLUMN "c" integer DEFAULT 1 NOT NULL;\n'
    drop = 'ALTER TABLE "t" ALTER COLUMN "c" DROP DEFAULT;\n'
    again = 'ALTER TABLE "t" ALTER COLUMN "c" SET DEFAULT 1;\n'
    assert "SM303" not in rules(f"BEGIN;\n{add}{drop}{again}COMMIT;")
    (late,) = rules(f"BEGIN;\n{add}{drop}COMMIT;\nBEGIN;\n{again}COMMIT;")["SM303"]
    assert late.line == 3  # anchored at the DROP DEFAULT
    assert "SM303" in rules(f"BEGIN;\n{add}{drop}COMMIT;")


def test_many_to_many_table_does_not_hold_a_strong_lock() -> None:
    path = DATA / "lint_precision" / "migration_linter" / "app_add_manytomany_field"
    text = (path / "0003_a_many_to_many.sql").read_text()
    assert "SM961" not in rules(text)
    # An ACCESS EXCLUSIVE lock still counts.
    strong = (
        'BEGIN;\nALTER TABLE "a" ADD COLUMN "x" integer;\nCREATE INDEX "i" ON "b" ("y");\nCOMMIT;'
    )
    assert "SM961" in rules(strong)


def test_long_statement_after_access_exclusive() -> None:
    held = "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE books ADD COLUMN e text;\n"
    (hit,) = rules(held + "SELECT count(*) FROM books;\nCOMMIT;")["SM961"]
    assert hit.line == 4
    assert "reads books" in hit.message
    assert "ACCESS EXCLUSIVE" in hit.message
    assert "SM961" not in rules(held + "SELECT count(*) FROM pg_catalog.pg_class;\nCOMMIT;")
    assert "SM961" not in rules(held + "COMMIT;\nSELECT count(*) FROM books;")


def test_set_local_outside_a_transaction_is_noted() -> None:
    found = rules("SET LOCAL lock_timeout = '2s';\nALTER TABLE t ADD COLUMN c text;")
    (note,) = found["SM967"]
    assert note.severity == Severity.INFO
    assert "no effect" in note.message
    assert "SM962" in found  # the lock wait it meant to bound is still reported
    inside = "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE t ADD COLUMN c text;\nCOMMIT;"
    assert not {"SM967", "SM962"} & set(rules(inside))
    assert "SM967" in rules("SELECT set_config('lock_timeout', '2s', true);")
    assert "SM967" not in rules("SELECT set_config('lock_timeout', '2s', false);")


# -- replay on a scratch database ------------------------------------------------------------


def test_replay_judges_each_file_against_the_real_catalog(
    tmp_path: Path, pg_server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "1.sql"
    # Built dynamically: reading the SQL cannot see this table's column types or function.
    first.write_text(
        "DO $$ BEGIN EXECUTE 'CREATE TABLE books (id bigint, title varchar(50))'; END $$;\n"
        "CREATE FUNCTION stamp() RETURNS text LANGUAGE sql VOLATILE AS 'SELECT 1::text';\n"
    )
    second = tmp_path / "2.sql"
    second.write_text(
        "SET lock_timeout = '2s';\n"
        "ALTER TABLE books ALTER COLUMN title TYPE text;\n"
        "ALTER TABLE books ADD COLUMN s text DEFAULT stamp() NOT NULL;\n"
    )
    files = [str(first), str(second)]
    assert main(["lint", "--format", "json", *files]) == 0
    static = {(d["rule"], d["severity"]) for d in json.loads(capsys.readouterr().out)}
    assert {("SM401", "warning"), ("SM301", "warning")} <= static  # "may rewrite" guesses
    url = pg_server.conninfo()
    assert main(["lint", "--format", "json", "--replay", url, *files]) == 1
    replayed = json.loads(capsys.readouterr().out)
    hazards = {(d["rule"], d["severity"], d["line"]) for d in replayed if d["severity"] != "info"}
    # A verdict, not a guess; the rewrite's missing statement_timeout is folded into SM301.
    assert hazards == {("SM301", "error", 3)}
    with pg_server.connect() as conn:
        left = conn.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'safemigrations_lint_replay%'"
        ).fetchone()
    assert left == (0,)  # the scratch database is dropped


def test_replay_failure_is_reported_and_later_files_are_judged_statically(
    tmp_path: Path, pg_server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "1.sql"
    broken.write_text("ALTER TABLE never_created ADD COLUMN c integer;\n")
    later = tmp_path / "2.sql"
    later.write_text("CREATE INDEX i ON t (c);\n")
    url = pg_server.conninfo()
    assert main(["lint", "--format", "json", "--replay", url, str(broken), str(later)]) == 1
    found = json.loads(capsys.readouterr().out)
    (note,) = [d for d in found if d["rule"] == "SM004"]
    assert note["severity"] == "info"
    assert "never_created" in note["message"]
    assert note["file"] == str(broken)
    assert ("SM101", str(later)) in {(d["rule"], d["file"]) for d in found}
    assert main(["lint", "--replay", "postgresql://nobody@127.0.0.1:1/none", str(later)]) == 2


def test_the_material_meets_its_targets_when_replayed(pg_server: Server) -> None:
    replayed = score(replay_url=pg_server.conninfo())
    assert [(c.group, c.name, sorted(c.reported)) for c in replayed.misses()] == []
    assert len(replayed.of("sequences_good")) >= 10


# -- the Django side -------------------------------------------------------------------------


@pytest.mark.django_db
def test_contrib_add_index_concurrently_gets_a_note_not_a_warning(settings: Any) -> None:
    from django.db.migrations.loader import MigrationLoader

    from safemigrations.lint.project import lint_migrations

    settings.MIGRATION_MODULES = {"lintdj": "tests.testapps.lintdj.scenarios.safe"}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    keys = [k for k in loader.graph.forwards_plan(("lintdj", "0002_book_title_index"))]
    findings = lint_migrations([k for k in keys if k[0] == "lintdj"][-1:]).findings
    assert findings, "django.contrib.postgres' AddIndexConcurrently is linted"
    assert {(f.rule, f.severity) for f in findings} == {("SM103", Severity.INFO)}


def test_a_real_pg_dump_is_a_baseline() -> None:
    # schema.sql is `pg_dump --schema-only` (PostgreSQL 15) of a database with a validated
    # CHECK (isbn IS NOT NULL) inside CREATE TABLE, a varchar(50) title and foreign keys.
    folder = DATA / "lint_precision" / "baseline"
    baseline = [SqlSource("schema.sql", (folder / "schema.sql").read_text())]
    files = [
        SqlSource(p.name, p.read_text())
        for p in (folder / "V2__isbn_not_null.sql", folder / "V3__isbn_unique.sql")
    ]
    found = lint_sql_files(files, pg_version=16, baseline=baseline)
    assert [f.rule for f in found if f.severity.rank >= 1] == []
    alone = {f.rule for f in lint_sql_files(files, pg_version=16) if f.severity.rank >= 1}
    assert {"SM401", "SM501"} <= alone
