"""The drift inspector against names the migration state does not generate (``driftnames``).

Found on wagtail, django-oscar and django-cms: a renamed table or field keeps its index and
constraint names, PostgreSQL cuts names to 63 bytes, and a varchar/text primary key has a
``_like`` index; each was reported as drift (a missing error plus an extra finding for one
object). And with no app named, a project whose apps all come from installed packages was
"No drift" after comparing nothing.
"""

from __future__ import annotations

import json
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from safemigrations.inspect import Inspection, inspect_database
from safemigrations.inspect.expected import pg_object_name
from safemigrations.operations.foreign_keys import pg_identifier
from tests.testapps.driftnames.models import LONG_UNIQUE, MULTIBYTE_UNIQUE

APP = "driftnames"

pytestmark = pytest.mark.django_db  # each test's DDL is rolled back with its transaction


def sql(*statements: str) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def names_on(table: str) -> set[str]:
    """Every index and constraint name on ``table``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass "
            "UNION SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass",
            [table, table],
        )
        return {row[0].strip('"') for row in cursor.fetchall()}


def inspect() -> Inspection:
    return inspect_database(connection, [APP])


def found(inspection: Inspection) -> list[tuple[str, str, tuple[str, ...]]]:
    return sorted((d.kind.id, d.subject, tuple(d.objects)) for d in inspection.findings)


def expected_index(inspection: Inspection, table: str, source: str) -> str:
    model = next(m for m in inspection.models if m.table == table)
    return next(i.name for i in model.indexes if i.source == source)


def test_names_left_by_renames_cut_to_63_bytes_and_like_indexes_are_not_drift() -> None:
    # The premises: the catalog holds names the migration state does not generate.
    notice = names_on("driftnames_notice")
    assert "driftnames_oldnotice_count_check" in notice  # RenameModel + RenameField
    assert any(re.fullmatch(r"driftnames_oldnotice_sent_[0-9a-f]{8}", n) for n in notice)
    assert len(LONG_UNIQUE.encode()) == 64
    assert LONG_UNIQUE[:63] in notice  # PostgreSQL's cut
    assert len(MULTIBYTE_UNIQUE.encode()) == 72
    multibyte = MULTIBYTE_UNIQUE.encode()[:62].decode()  # byte 63 is half of an "é"
    assert multibyte in notice
    nation = names_on("driftnames_nation")
    assert any(re.fullmatch(r"driftnames_country_code_[0-9a-f]{8}_like", n) for n in nation)
    assert any(re.fullmatch(r"driftnames_country_name_region_[0-9a-f]+_uniq", n) for n in nation)
    assert any(n.endswith("_like") for n in names_on("driftnames_page"))

    inspection = inspect()
    assert found(inspection) == []
    assert sorted(m.table for m in inspection.models) == [
        "driftnames_nation",
        "driftnames_notice",
        "driftnames_page",
    ]
    # The primary keys' _like indexes are expected, under the names the state generates.
    assert expected_index(inspection, "driftnames_nation", "like").startswith(
        "driftnames_nation_code_"
    )
    assert expected_index(inspection, "driftnames_page", "like").endswith("_like")
    # Only the implicit names were left by the renames: nothing to say about them.
    assert [d for d in inspection.findings if d.kind.id == "SMD155"] == []


def test_a_primary_key_like_index_dropped_is_missing() -> None:
    like = next(n for n in names_on("driftnames_nation") if n.endswith("_like"))
    sql(f'DROP INDEX "{like}"')
    inspection = inspect()
    name = expected_index(inspection, "driftnames_nation", "like")
    assert found(inspection) == [("SMD145", "driftnames.Country.code", (name,))]


def test_an_old_name_over_another_definition_is_still_drift() -> None:
    old_index = next(
        n
        for n in names_on("driftnames_notice")
        if re.fullmatch(r"driftnames_oldnotice_sent_\w{8}", n)
    )
    sql(
        # The field's check under its old name, but checking something else.
        "ALTER TABLE driftnames_notice DROP CONSTRAINT driftnames_oldnotice_count_check",
        "ALTER TABLE driftnames_notice ADD CONSTRAINT driftnames_oldnotice_count_check "
        "CHECK (total >= 5)",
        # The field's index under its old name, but partial.
        f"DROP INDEX {old_index}",
        f"CREATE INDEX {old_index} ON driftnames_notice (sent_at) WHERE total > 0",
    )
    inspection = inspect()
    notice = next(m for m in inspection.models if m.table == "driftnames_notice")
    field_index = next(
        i.name for i in notice.indexes if i.source == "field" and i.field == "sent_at"
    )
    assert found(inspection) == [
        ("SMD144", "driftnames.Notice.total", ("driftnames_notice_total_check",)),
        ("SMD145", "driftnames.Notice.sent_at", (field_index,)),
        ("SMD152", "driftnames.Notice", ("driftnames_oldnotice_count_check",)),
        ("SMD153", "driftnames.Notice", (old_index,)),
    ]


def test_a_meta_entry_under_another_name_is_information_not_missing_and_extra() -> None:
    sql(
        "ALTER INDEX notice_label_ix RENAME TO notice_label_by_hand",
        "ALTER TABLE driftnames_notice RENAME CONSTRAINT notice_label_check TO label_check_2",
        f'ALTER TABLE driftnames_notice RENAME CONSTRAINT "{LONG_UNIQUE[:63]}" TO notice_uniq_2',
    )
    inspection = inspect()
    assert found(inspection) == [
        ("SMD155", "driftnames.Notice", ("label_check_2", "notice_label_check")),
        ("SMD155", "driftnames.Notice", ("notice_label_by_hand", "notice_label_ix")),
        ("SMD155", "driftnames.Notice", ("notice_uniq_2", LONG_UNIQUE[:63])),
    ]
    assert {str(d.level) for d in inspection.findings} == {"info"}
    index = next(d for d in inspection.findings if d.objects[0] == "notice_label_by_hand")
    assert "ALTER INDEX notice_label_by_hand RENAME TO notice_label_ix" in index.fix


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("driftnames_a_table_with_a_rather_long_name", "and_a_column_name_that_is_long_too"),
        ("t_" + "é" * 40, "c_" + "ü" * 7),
        ("short", "c_" + "ß" * 40),
    ],
)
def test_the_name_postgresql_gives_an_inline_check_is_predicted(table: str, column: str) -> None:
    sql(f'CREATE TABLE "{table}" ("{column}" int CHECK ("{column}" >= 0))')
    stored = pg_identifier(table)
    assert names_on(f'"{stored}"') == {pg_object_name(stored, column, "check")}


def run(*args: str, **options: Any) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    try:
        call_command("inspectdrift", *args, stdout=out, stderr=err, **options)
    except CommandError as exc:
        return out.getvalue(), err.getvalue() + str(exc), exc.returncode
    return out.getvalue(), err.getvalue(), 0


def test_with_only_installed_package_apps_it_never_says_no_drift(monkeypatch: Any) -> None:
    # Found on wagtail/oscar/cms: every app came from site-packages, and the default run said
    # "No drift: the database matches the models (0 tables of 1 app ...)".
    from safemigrations.management.commands import inspectdrift

    monkeypatch.setattr(inspectdrift, "project_apps", lambda: ["safemigrations"])
    out, _, status = run()
    assert status == 0
    assert "No drift" not in out
    note, last = out.strip().splitlines()
    assert note.startswith(
        "Not inspected: 7 tables of 2 apps from installed packages (auth, contenttypes); "
    )
    assert "or all with --include-installed." in note
    assert last.startswith("Nothing compared: the selected app (safemigrations) has no table")

    out, err, status = run(format="json")
    assert json.loads(out) == []
    assert err.startswith("Not inspected: 7 tables of 2 apps")

    out, _, status = run(include_installed=True)
    assert "Not inspected" not in out
    assert "Nothing compared" not in out
    assert re.search(r"\b7 tables of \d+ apps", out), out

    monkeypatch.setattr(inspectdrift, "project_apps", lambda: [APP])
    out, _, status = run()
    note, last = out.strip().splitlines()
    assert note.startswith("Not inspected: 7 tables of 2 apps")
    assert last.startswith("No drift: the database matches the models (3 tables of 1 app")

    out, _, status = run("auth")  # named: nothing left out to mention
    assert "Not inspected" not in out


def test_a_field_index_under_its_old_name_is_still_the_field_s() -> None:
    # Found on django-cms (cms_title_language_... on cms_pagecontent): a redundant index kept
    # through a table rename was reported without its field, and --fix would not have said to
    # set db_index=False.
    old_index = next(
        n
        for n in names_on("driftnames_notice")
        if re.fullmatch(r"driftnames_oldnotice_sent_\w{8}", n)
    )
    sql("CREATE INDEX notice_sent_label_ix ON driftnames_notice (sent_at, label)")
    findings = inspect().findings
    assert sorted(d.kind.id for d in findings) == ["SMD122", "SMD153"]  # the new one: by hand
    drift = next(d for d in findings if d.kind.id == "SMD122")
    assert (drift.kind.id, drift.subject, drift.objects) == (
        "SMD122",
        "driftnames.Notice.sent_at",
        [old_index, "notice_sent_label_ix"],
    )
    assert drift.remedy == {
        "op": "drop_field_index",
        "model": "notice",
        "field": "sent_at",
        "app": APP,
    }
    assert "set db_index=False on driftnames.Notice.sent_at" in drift.fix
