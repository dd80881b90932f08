"""Report formats: the stable JSON shape, GitHub annotations, SARIF 2.1.0, text."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from safemigrations.lint.engine import lint_sql_text
from safemigrations.lint.model import Finding, Severity
from safemigrations.lint.report import render
from safemigrations.lint.report.sarif import to_sarif
from safemigrations.lint.report.text import summary

SQL = """BEGIN;
CREATE INDEX "book_title_idx" ON "shop_book" ("title");
ALTER TABLE "shop_book" ADD CONSTRAINT "c1" CHECK ("price" >= 0);
COMMIT;
"""
KEYS = [
    "rule",
    "severity",
    "app",
    "migration",
    "operation",
    "sql",
    "lock",
    "tables",
    "message",
    "why",
    "fix",
    "file",
    "line",
    "column",
]


def _findings() -> list[Finding]:
    return lint_sql_text(SQL, file="migrations/0002,odd:name.sql", pg_version=16)


def test_json_shape_is_stable() -> None:
    data = json.loads(render(_findings(), "json"))
    assert data
    assert all(list(item) == KEYS for item in data)
    index = next(d for d in data if d["rule"] == "SM101")
    assert index["lock"] == "SHARE"
    assert index["tables"] == ["shop_book"]
    assert index["line"] == 2
    assert index["column"] == 1
    assert index["operation"] is None


def test_json_operation_object_for_django_findings() -> None:
    f = Finding(
        rule="SM101",
        severity=Severity.ERROR,
        message="m",
        app="shop",
        migration="0002_x",
        operation_index=1,
        operation="Add index",
    )
    assert f.to_dict()["operation"] == {"index": 1, "description": "Add index"}


def test_github_annotations_escape_properties_and_data() -> None:
    lines = render(_findings(), "github").splitlines()
    assert lines
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    first = next(line for line in lines if "SM101" in line)
    assert "file=migrations/0002%2Codd%3Aname.sql,line=2,col=1" in first
    assert "title=SM101 create-index-non-concurrently::" in first
    assert "\n" not in first
    assert "%0A" in first


def test_sarif_validates_against_the_schema() -> None:
    schema = json.loads(
        (Path(__file__).parent / "data" / "sarif-2.1.0-minimal.schema.json").read_text()
    )
    log = json.loads(render(_findings(), "sarif"))
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
    assert {r["level"] for r in run["results"]} <= {"error", "warning", "note"}


def test_sarif_rejects_a_broken_log() -> None:
    schema = json.loads(
        (Path(__file__).parent / "data" / "sarif-2.1.0-minimal.schema.json").read_text()
    )
    log = to_sarif(_findings())
    log["runs"][0]["results"][0]["level"] = "fatal"
    try:
        jsonschema.validate(log, schema)
    except jsonschema.ValidationError:
        return
    raise AssertionError("an invalid level was accepted")


def test_text_report_has_location_lock_and_summary() -> None:
    out = render(_findings(), "text")
    assert "migrations/0002,odd:name.sql:2:1: error SM101" in out
    assert "lock: SHARE on shop_book" in out
    assert out.rstrip().endswith(summary(_findings()))
    assert summary([]) == "No findings."


def test_text_style_hook_is_applied() -> None:
    out = render(_findings(), "text", style=lambda role, text: f"<{role}>{text}</{role}>")
    assert "<error>error</error>" in out
    assert "<rule>SM101</rule>" in out
