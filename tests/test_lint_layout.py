"""The linter's modules split by job still serve every name under their first import paths."""

from __future__ import annotations

from safemigrations.lint import analyzer, engine, facts, learn, parsetree, rulepass, sql, sqlfiles
from safemigrations.lint.model import Statement


def test_old_sql_module_serves_the_same_objects() -> None:
    """Lint rules and users' code import these from ``safemigrations.lint.sql``."""
    assert sql.StatementFacts is facts.StatementFacts
    assert sql.Action is facts.Action
    assert sql.analyze is analyzer.analyze
    assert sql.Knowledge is analyzer.Knowledge
    for name in ("AT", "CT", "OT", "relname", "short", "func_name", "walk", "parse_one"):
        assert getattr(sql, name) is getattr(parsetree, name), name
    assert sql.column_types_of is parsetree.column_types_of
    assert set(sql.__all__) == {
        *("AT", "AX", "CT", "OT", "SRX", "SUX", "Action", "Knowledge", "StatementFacts"),
        *("analyze", "column_types_of", "func_name", "parse_one", "relname", "short", "walk"),
    }


def test_old_engine_module_serves_the_same_objects() -> None:
    assert engine.lint_sql_text is sqlfiles.lint_sql_text
    assert engine.lint_sql_files is sqlfiles.lint_sql_files
    assert engine.SqlSource is sqlfiles.SqlSource
    assert engine.short_message is rulepass.short_message
    assert engine.MESSAGE_LIMIT == rulepass.MESSAGE_LIMIT == 300
    assert engine.active_rules is rulepass.active_rules
    assert learn.enter_transaction.__module__ == "safemigrations.lint.learn"


def test_every_statement_handler_is_reached_through_one_dispatch() -> None:
    """Handlers spread over several modules still answer: one statement of each module's kind."""
    cases = {
        "ALTER TABLE t ADD COLUMN c serial": ("add_column", True),
        "CREATE INDEX i ON t (c)": ("create_index", False),
        "DROP TABLE t": ("drop_table", False),
        "VACUUM FULL t": ("vacuum", True),
        "UPDATE t SET c = 1": ("update", False),
    }
    for text, (kind, rewrites) in cases.items():
        result = analyzer.analyze(Statement(sql=text), pg_version=16)
        assert [a.kind for a in result.actions] == [kind], text
        assert ("t" in result.rewrites) is rewrites, text
    assert (
        analyzer.analyze(Statement(sql="CREATE DATABASE d"), pg_version=16).transactional is False
    )
