"""Robustness: PostgreSQL's own regression SQL and random text never crash or hang the linter."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safemigrations.lint.engine import lint_sql_text
from safemigrations.lint.model import Finding

#: PostgreSQL's regression SQL (217 files). ``tests/conftest.py`` decides where it is:
#: ``SAFEMIGRATIONS_PG_REGRESS_DIR`` / ``--pg-regress-dir`` demand a directory (``.ci/run`` sets
#: it); without one the ``pg_regress`` tests are deselected and the run says so in its header and
#: summary.
CORPUS = Path(os.environ.get("SAFEMIGRATIONS_PG_REGRESS_DIR") or "/nonexistent/pg-regress")
CORPUS_FILES = sorted(CORPUS.glob("*.sql")) if CORPUS.is_dir() else []
PER_FILE_BUDGET_S = 10.0  # a hang guard, far above the ~0.05 s a file takes


def _check(findings: list[Finding], text: str) -> None:
    lines = text.count("\n") + 1
    for f in findings:
        assert f.rule.startswith("SM")
        assert f.message
        assert 1 <= f.line <= lines
        assert f.column >= 1
        f.to_dict()


@pytest.mark.pg_regress
def test_corpus_is_present() -> None:
    assert len(CORPUS_FILES) > 200, (
        f"PostgreSQL's regression corpus is missing at {CORPUS}: put the pg-regress *.sql files "
        "there or set SAFEMIGRATIONS_PG_REGRESS_DIR to their directory."
    )


@pytest.mark.pg_regress
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_regression_file_is_linted_without_crash(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    start = time.perf_counter()
    findings = lint_sql_text(text, file=path.name, pg_version=16)
    assert time.perf_counter() - start < PER_FILE_BUDGET_S
    _check(findings, text)
    meta_lines = {
        i + 1 for i, line in enumerate(text.splitlines()) if re.match(r"\\[a-z]+( |$)", line)
    }
    noted = {f.line for f in findings if f.rule == "SM001"}
    # Meta-commands at the start of a line are reported. A few sit after a COPY FROM stdin that
    # fails on the server (psql then sends no data), which text alone cannot tell.
    assert len(meta_lines - noted) <= 1 + len(meta_lines) // 10


SQL_WORDS = st.sampled_from(
    [
        "ALTER",
        "TABLE",
        "t",
        "ADD",
        "COLUMN",
        "c",
        "int",
        "DEFAULT",
        "now()",
        "random()",
        "CREATE",
        "INDEX",
        "CONCURRENTLY",
        "ON",
        "(",
        ")",
        ",",
        ";",
        "BEGIN",
        "COMMIT",
        "DROP",
        "NOT",
        "NULL",
        "SET",
        "TYPE",
        "bigint",
        "'x'",
        "$$",
        "$q$",
        "--",
        "/*",
        "*/",
        "\\d",
        "\n",
        "'",
        '"',
        "COPY",
        "FROM",
        "stdin",
        "\\.",
        "VALIDATE",
        "CONSTRAINT",
        "REFERENCES",
        "CHECK",
        "UNIQUE",
        "USING",
        "E'\\\\'",
        "é",
        "\x00",
        "::",
        "VACUUM",
        "FULL",
    ]
)


@settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(SQL_WORDS, max_size=40).map(" ".join))
def test_fuzz_sql_like_text(text: str) -> None:
    for version in (14, 18):
        _check(lint_sql_text(text, pg_version=version), text)


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=300))
def test_fuzz_arbitrary_text(text: str) -> None:
    _check(lint_sql_text(text, pg_version=16), text)
