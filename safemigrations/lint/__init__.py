"""Lint the SQL that migrations really run: locks, rewrites, scans, runtime failures, re-runs.

Entry points: :func:`safemigrations.lint.engine.lint_statements` and
:func:`safemigrations.lint.engine.lint_sql_text`; shared types live in
:mod:`safemigrations.lint.model`.
"""
