"""``--trace`` reads locks from ``pg_locks``; the static lock model must agree with it.

Every statement rule ships an unsafe and a safe SQL example. Each example runs on a fresh copy of
a small shop schema through :class:`~safemigrations.lint.trace.Tracer`; for every statement that
runs, the strongest lock the linter predicts per pre-existing table must be the strongest lock
PostgreSQL reports for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from safemigrations.db.scratch import create_database, drop_database, scratch_database, scratch_name
from safemigrations.db.server import Server
from safemigrations.lint.model import Statement
from safemigrations.lint.rules.base import all_rules
from safemigrations.lint.snapshot import CatalogSchema, read_snapshot
from safemigrations.lint.split import split_sql
from safemigrations.lint.sql import analyze
from safemigrations.lint.trace import Tracer, static_table_locks

SHOP = """
CREATE TABLE shop_author (id bigint PRIMARY KEY, name text);
CREATE TABLE shop_book (
    id bigint PRIMARY KEY, title varchar(200), price integer, qty integer, isbn varchar(20),
    notes text, author_id bigint, total integer
);
CREATE INDEX book_title_idx ON shop_book (title);
CREATE TABLE shop_legacy (id bigint NOT NULL);
CREATE UNIQUE INDEX legacy_pk_idx ON shop_legacy (id);
CREATE UNIQUE INDEX legacy_idx ON shop_legacy (id);
CREATE TABLE shop_booking (id bigint, period tstzrange);
CREATE TABLE shop_writer (id bigint);
CREATE TYPE mood AS ENUM ('ok');
CREATE TABLE shop_review (id bigint, mood mood);
CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TABLE events_2024 (id bigint, at date);
CREATE MATERIALIZED VIEW shop_sales AS SELECT 1 AS x;
CREATE VIEW shop_cheap_books AS SELECT id, title FROM shop_book;
CREATE UNIQUE INDEX shop_sales_x ON shop_sales (x);
INSERT INTO shop_author SELECT g, 'a' || g FROM generate_series(1, 50) g;
INSERT INTO shop_book SELECT g, 't' || g, g, g, 'i' || g, NULL, 1 + g % 50, NULL
    FROM generate_series(1, 200) g;
"""
VIEWS = {"shop_cheap_books"}


@pytest.fixture(scope="module")
def shop_template(pg_server: Server) -> Iterator[str]:
    with scratch_database("lintdj_trace_shop", pg_server) as name:
        with pg_server.connect(name) as conn:
            conn.execute(SHOP)
        yield name


def trace_example(server: Server, template: str, sql: str) -> list[tuple[str, Any, CatalogSchema]]:
    """Run ``sql`` statement by statement on a copy of the shop: (statement, trace, catalog
    knowledge just before it) for each statement that ran."""
    name = scratch_name("lintdj_trace")
    create_database(server, name, template=template)
    out: list[tuple[str, Any, CatalogSchema]] = []
    try:
        with psycopg.connect(server.conninfo(name), autocommit=True) as conn:
            tracer = Tracer(conn, server.conninfo(name))
            for piece in split_sql(sql).pieces:
                text = piece.text.strip()
                word = text.split()[0].upper() if text else ""
                if word in ("BEGIN", "START"):
                    conn.execute(text)
                    continue
                if word in ("COMMIT", "ROLLBACK", "END"):
                    conn.execute(text)
                    tracer.transaction_ended()
                    continue
                with conn.cursor() as cur:
                    known = CatalogSchema.from_snapshot(read_snapshot(cur))

                def execute(t: str = text) -> object:
                    return conn.execute(t)

                try:
                    trace = tracer.run(execute, text)
                except psycopg.Error:
                    break  # not runnable on this schema: the rest depends on it
                out.append((text, trace, known))
    finally:
        drop_database(server, name)
    return out


def test_static_lock_model_agrees_with_pg_locks(pg_server: Server, shop_template: str) -> None:
    compared = 0
    disagreements: list[str] = []
    for rule in all_rules():
        if rule.migration_level:
            continue
        for label, example in (("unsafe", rule.unsafe_example), ("safe", rule.safe_example)):
            if not example:
                continue
            for sql, trace, known in trace_example(pg_server, shop_template, example):
                facts = analyze(Statement(sql=sql), pg_version=14, known=known)
                # Views are not traced (the tracer reads table-like relations); the lock a view
                # replacement takes is checked against pg_locks in test_lint_catalog_rules.py.
                gone = {t.rsplit(".", 1)[-1] for t in facts.dropped | facts.created} | VIEWS
                static = {
                    t: m for t, m in static_table_locks(sql, known=known).items() if t not in gone
                }
                observed = {t: m for t, m in trace.table_locks().items() if t not in gone}
                if trace.method == "polling":
                    # Polling sees a lower bound (a brief lock can fall between two polls):
                    # judge only the tables it saw, and no stronger than predicted.
                    agree = set(observed) <= set(static) and all(
                        observed[t] <= static[t] for t in observed
                    )
                else:
                    agree = static == observed
                if not agree:
                    disagreements.append(
                        f"{rule.id} {label}: {sql!r}: static {dict(static)} vs pg_locks "
                        f"{dict(observed)}"
                    )
                compared += 1
    assert compared >= 40, compared
    assert disagreements == [], "\n".join(disagreements)


def test_tracer_reports_hold_until_commit_and_rewrites(
    pg_server: Server, shop_template: str
) -> None:
    sql = (
        "BEGIN;\n"
        'ALTER TABLE "shop_book" ADD COLUMN "flag" boolean NULL;\n'
        'ALTER TABLE "shop_book" ALTER COLUMN "qty" TYPE bigint;\n'
        'UPDATE "shop_book" SET "flag" = true WHERE "id" = 1;\n'
        "COMMIT;"
    )
    traced = [t for _, t, _ in trace_example(pg_server, shop_template, sql)]
    add, retype, update = traced
    (span,) = [s for s in add.locks if s.relation == "shop_book"]
    assert span.label == "ACCESS EXCLUSIVE"
    assert span.released_by == "COMMIT"
    assert span.released_after == update.index
    assert "shop_book" in retype.rewritten
    assert "shop_book" not in add.rewritten
    assert not [
        s for s in update.locks if s.relation == "shop_book" and s.label == "ACCESS EXCLUSIVE"
    ]
