"""Severity by real table size: ``exporttablestats``, ``--table-stats`` and every report format.

The export reads a real PostgreSQL's statistics (a table of 20,000 analysed rows must come out
as 20,000); the judgement is checked on findings of the ``truth`` scenario replayed on a scratch
database, in text, JSON, SARIF and GitHub output.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from safemigrations.db.catalog import TableSize
from safemigrations.lint.config import LintConfig
from safemigrations.lint.model import Finding, Severity
from safemigrations.lint.tablesize import TableStats, TableStatsError, judge_by_size, load

TRUTH = "tests.testapps.lintdj.scenarios.truth"


@pytest.fixture
def truth(settings):  # type: ignore[no-untyped-def]
    settings.MIGRATION_MODULES = {"lintdj": TRUTH}
    MigrationLoader(None, ignore_no_migrations=True)


def lint_command(*args: str) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    status = 0
    try:
        call_command("lintmigrations", "lintdj", *args, stdout=out, stderr=err, no_color=True)
    except CommandError as exc:
        status = exc.returncode
    return out.getvalue(), err.getvalue(), status


def stats_file(tmp_path: Path, **tables: tuple[int, int]) -> Path:
    stats = TableStats(
        [TableSize("public", name, rows, size) for name, (rows, size) in tables.items()]
    )
    path = tmp_path / "stats.json"
    path.write_text(stats.to_json(database="prod"))
    return path


def finding(rule: str, *tables: str, severity: Severity = Severity.WARNING) -> Finding:
    return Finding(rule=rule, severity=severity, message="m", tables=list(tables))


def test_judgement_by_size() -> None:
    stats = TableStats(
        [
            TableSize("public", "tiny", 40, 16_384),
            TableSize("public", "mid", 200_000, 50 * 1024**2),
            TableSize("public", "huge", 3_000_000, 2 * 1024**3),
            TableSize("public", "wide", 5_000, 3 * 1024**3),  # few rows, but 3 GB
        ],
        source="stats.json",
    )
    config = LintConfig()
    small = finding("SM101", "tiny", severity=Severity.ERROR)
    medium = finding("SM101", "mid", severity=Severity.ERROR)
    large = finding("SM401", "huge", severity=Severity.WARNING)
    wide = finding("SM401", "wide")
    unknown = finding("SM101", "nowhere", severity=Severity.ERROR)
    mixed = finding("SM202", "tiny", "nowhere")
    largest = finding("SM403", "tiny", "huge")
    rename = finding("SM906", "huge", severity=Severity.ERROR)  # not judged by size
    judge_by_size([small, medium, large, wide, unknown, mixed, largest, rename], stats, config)
    assert small.severity == Severity.INFO
    assert small.table_size is not None
    assert small.table_size["class"] == "small"
    assert (small.table_size["rows"], small.table_size["total_bytes"]) == (40, 16_384)
    assert medium.severity == Severity.ERROR
    assert medium.table_size is not None
    assert medium.table_size["class"] == "medium"
    assert large.severity == Severity.ERROR
    assert wide.severity == Severity.ERROR  # over the byte threshold
    assert unknown.severity == Severity.ERROR
    assert unknown.table_size == {
        "class": "unknown",
        "unknown": ["nowhere"],
        "source": "stats.json",
    }
    assert mixed.severity == Severity.WARNING  # the unknown table may be the big one
    assert largest.severity == Severity.ERROR
    assert largest.table_size is not None
    assert largest.table_size["table"] == "huge"
    assert rename.table_size is None

    # Thresholds come from the configuration.
    strict = LintConfig.from_dict({"small_table_rows": 10, "large_table_rows": 100})
    again = finding("SM101", "tiny")
    judge_by_size([again], stats, strict)
    assert again.severity == Severity.WARNING  # 40 rows: medium under these thresholds


def test_bad_statistics_files_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(TableStatsError, match="does not exist: create it with"):
        load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(TableStatsError, match="cannot be read"):
        load(bad)
    bad.write_text('{"tables": []}')
    with pytest.raises(TableStatsError, match="is not a table statistics file"):
        load(bad)


@pytest.mark.django_db
def test_exporttablestats_reads_real_statistics(tmp_path: Path) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE truth_big AS SELECT g AS id, repeat('x', 100) AS pad "
            "FROM generate_series(1, 20000) g; ANALYZE truth_big;"
            "CREATE TABLE truth_parted (id int, at date) PARTITION BY RANGE (at);"
            "CREATE TABLE truth_parted_1 PARTITION OF truth_parted "
            "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');"
            "INSERT INTO truth_parted SELECT g, '2026-05-01' FROM generate_series(1, 3000) g;"
            "ANALYZE truth_parted_1;"
        )
    path = tmp_path / "stats.json"
    err = StringIO()
    call_command("exporttablestats", "-o", str(path), stderr=err)
    assert f"to {path}" in err.getvalue()
    stats = load(path)
    big = stats.size_of("truth_big")
    assert big is not None
    assert big.rows == 20_000
    assert big.total_bytes > 2_000_000  # 20,000 rows of ~130 bytes
    parted = stats.size_of("public.truth_parted")
    assert parted is not None
    assert parted.rows == 3_000  # a partitioned table counts its partitions
    raw = json.loads(path.read_text())
    assert set(raw["tables"][0]) == {"schema", "table", "rows", "total_bytes"}  # no data

    out = StringIO()
    call_command("exporttablestats", stdout=out)
    assert json.loads(out.getvalue())["format"] == "safemigrations-table-stats"
    with pytest.raises(CommandError, match="not in DATABASES"):
        call_command("exporttablestats", "--database", "nope")


@pytest.mark.django_db
@pytest.mark.usefixtures("truth")
def test_lintmigrations_judges_findings_by_table_size(tmp_path: Path) -> None:
    path = stats_file(
        tmp_path,
        lintdj_book=(50, 64 * 1024),
        lintdj_author=(4_000_000, 900 * 1024**2),
    )
    text, _, status = lint_command("--table-stats", str(path))
    assert status == 1
    # 0002 builds an index on the 50-row book table: info; 0004 on the 4M-row author table.
    assert "size: lintdj_book ~50 rows, 64.0 kB (small: info)" in text
    assert "size: lintdj_author ~4,000,000 rows, 900.0 MB (large: error)" in text
    assert "Severity judged by table size from " in text

    out, _, _ = lint_command("--table-stats", str(path), "--format", "json")
    data = json.loads(out)
    book_index = [d for d in data if d["rule"] == "SM101" and d["tables"] == ["lintdj_book"]]
    assert book_index
    assert book_index[0]["severity"] == "info"
    assert book_index[0]["table_size"]["rows"] == 50
    author_index = [d for d in data if d["rule"] == "SM101" and d["tables"] == ["lintdj_author"]]
    assert author_index[0]["severity"] == "error"
    assert author_index[0]["table_size"]["class"] == "large"

    out, _, _ = lint_command("--table-stats", str(path), "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    judged = [r for r in results if "table_size" in r["properties"]]
    assert judged
    assert any("[table size: lintdj_book ~50 rows" in r["message"]["text"] for r in judged)
    assert {r["level"] for r in judged if r["properties"]["table_size"]["class"] == "small"} == {
        "note"
    }

    out, _, _ = lint_command("--table-stats", str(path), "--format", "github")
    assert "Table size: lintdj_author ~4,000,000 rows" in out

    # A table not in the statistics keeps its rule's severity, and says so.
    only_author = stats_file(tmp_path, lintdj_author=(5, 8192))
    text, _, _ = lint_command("--table-stats", str(only_author))
    assert "lintdj_book: not in the table statistics (rule severity kept)" in text

    _, _, status = lint_command("--table-stats", str(tmp_path / "none.json"))
    assert status == 1
    with pytest.raises(CommandError, match="does not exist"):
        call_command("lintmigrations", "lintdj", "--table-stats", str(tmp_path / "none.json"))


@pytest.mark.django_db
@pytest.mark.usefixtures("truth")
def test_table_stats_read_live_from_a_database_alias() -> None:
    # The test database's lintdj tables are empty: every judged finding is on a small table.
    out, _, status = lint_command("--table-stats-database", "default", "--format", "json")
    assert status in (0, 1)
    judged = [d for d in json.loads(out) if "table_size" in d]
    assert judged
    assert {d["table_size"]["class"] for d in judged} <= {"small", "unknown"}
    assert any(d["severity"] == "info" for d in judged)

    sql_out = StringIO()
    # 0004's index build (SM101, an error) is on an empty table: info, so the command passes.
    call_command(
        "sqlmigrate", "lintdj", "0004", "--lint", "--table-stats-database", "default",
        stdout=sql_out, no_color=True,
    )  # fmt: skip
    assert "--   ^ SM101 info: CREATE INDEX on lintdj_author" in sql_out.getvalue()
    assert "--     size: lintdj_author ~0 rows" in sql_out.getvalue()
