"""The linter applies each migration on a state of only the models it can reach
(``safemigrations.lint.replay.substate``): the SQL must be what the whole state gives."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.migrations.loader import MigrationLoader

from safemigrations.lint.collect import collect
from safemigrations.lint.replay.runner import state_after
from safemigrations.lint.replay.substate import reachable_state

Key = tuple[str, str]


def captured(keys: list[Key], settings: Any, *, whole: bool) -> tuple[dict[Key, Any], Any]:
    """The statements (SQL, operation, deferred, in a transaction) and outcome per migration."""
    settings.SAFEMIGRATIONS = {"LINT_WHOLE_STATE": whole}
    result = collect(keys, use_cache=False)
    return {
        m.key: (
            [(s.sql, s.operation_index, s.deferred, s.in_transaction) for s in m.statements],
            m.failure.error if m.failure else None,
            m.not_analysed,
        )
        for m in result.migrations
    }, result.stats


@pytest.mark.django_db
def test_every_kind_of_relation_gives_the_sql_of_the_whole_state(scenario, settings) -> None:
    """Key type change, rename of a referenced model, table rename with a many-to-many,
    inheritance, proxies, ``to_field``, explicit ``through``, deletions: the same statements."""
    keys = scenario("reach")
    whole, whole_stats = captured(keys, settings, whole=True)
    small, small_stats = captured(keys, settings, whole=False)
    assert whole_stats.reduced == 0
    assert small == whole
    assert all(statements for statements, _, _ in whole.values())
    assert all(error is None and not skipped for _, error, skipped in whole.values())
    # Every migration but the RunPython one ran on a small state, none had to be redone.
    assert small_stats.reduced == len(keys) - 1
    assert small_stats.reduced_fallbacks == 0
    # The foreign keys that point at the widened key were altered too.
    key_change = "\n".join(sql for sql, *_ in small[("lintdj", "0002_author_bigint")][0])
    assert '"lintdj_book" ALTER COLUMN "author_id" TYPE bigint' in key_change


@pytest.mark.django_db
def test_every_migration_of_the_test_project_gives_the_sql_of_the_whole_state(settings) -> None:
    """A project not written for this: every migration of the test suite's own apps."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    keys = sorted(graph.nodes)
    whole, _ = captured(keys, settings, whole=True)
    small, stats = captured(keys, settings, whole=False)
    assert small == whole
    assert stats.reduced > len(keys) // 2
    assert stats.reduced_fallbacks == 0


def test_models_out_of_reach_are_left_out_and_referenced_ones_are_stubs(scenario) -> None:
    keys = scenario("reach")
    nodes = MigrationLoader(None, ignore_no_migrations=True).graph.nodes
    before = state_after(keys[:4], nodes, set())
    small = reachable_state(before, nodes[("lintdj", "0005_review")])
    assert small is not None
    fields = {key[1]: sorted(state.fields) for key, state in small.models.items()}
    # Referenced only: the key and the referenced column; the inheritance chain and the proxy's
    # concrete model come along as stubs too. Book, ShelfBook, Person's other users: left out.
    assert fields == {
        "restaurant": ["place_ptr"],
        "place": ["id"],
        "writer": [],
        "publisher": ["code", "id"],
        "shelf": ["id"],
    }
    assert small.models[("lintdj", "restaurant")].bases == ("lintdj.place",)
    # The small state is a copy: applying to it leaves the project's state as it was.
    small.models[("lintdj", "publisher")].fields.pop("code")
    assert "code" in before.models[("lintdj", "publisher")].fields


def test_a_migration_with_code_needs_the_whole_state(scenario) -> None:
    keys = scenario("reach")
    nodes = MigrationLoader(None, ignore_no_migrations=True).graph.nodes
    before = state_after(keys[:7], nodes, set())
    assert reachable_state(before, nodes[("lintdj", "0008_data")]) is None
