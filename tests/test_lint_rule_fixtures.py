"""Every lint rule against its own fixture file, case by case (in the style of ruff's and squawk's
rule tests).

``tests/lint_fixtures/<id>_<name>.sql`` holds a rule's cases: each starts with ``-- case: <what
it shows>`` and says ``-- expect: SM101 x2`` (the rule fires exactly twice) or ``-- expect:
none``; ``-- pg: 14`` sets the target PostgreSQL version (default 16); ``-- disable: SM101,
SM206`` turns rules off (a step accepted: what a rule folded into them reports then). The SQL
that follows is linted alone, as a plain ``.sql`` file, and only the file's rule is counted. Cases marked
``-- encoding: latin-1`` are written in that encoding and ``-- replay`` ones are replayed on a
scratch database: both go through the ``safemigrations lint`` command.

Django-level rules have ``<id>_<name>.migrations`` files: each case names a migration chain of
``tests/testapps/lintdj/scenarios`` (``-- scenario: unsafe``) and one migration of it
(``-- migration: 0003``), linted on the embedded PostgreSQL; ``-- fault: tracker`` makes the
linter's statement tracker fail on that migration (the only way to reach "not analysed").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from safemigrations.__main__ import main
from safemigrations.lint.config import LintConfig
from safemigrations.lint.engine import lint_sql_text
from safemigrations.lint.rules.base import Rule, all_rules

FIXTURES = Path(__file__).resolve().parent / "lint_fixtures"
DIRECTIVES = {
    "expect",
    "pg",
    "encoding",
    "replay",
    "scenario",
    "migration",
    "fault",
    "disable",
}
_EXPECT = re.compile(r"^(?:none|(SM\d{3})(?:\s+x(\d+))?)$")


@dataclass
class Case:
    """One case of a fixture file."""

    file: str
    rule: str
    title: str
    expect: int = -1
    directives: dict[str, str] = field(default_factory=dict)
    sql: str = ""

    @property
    def id(self) -> str:
        return f"{self.file}::{self.title}"


def _rule_of(path: Path) -> str:
    return path.name.split("_", 1)[0]


def parse(path: Path) -> list[Case]:
    """The cases of one fixture file (a malformed case raises, so a typo cannot pass)."""
    rule = _rule_of(path)
    cases: list[Case] = []
    body: list[str] = []

    def close() -> None:
        if cases:
            cases[-1].sql = "\n".join(body).strip()
        body.clear()

    for line in path.read_text().splitlines():
        directive = re.match(r"^--\s*([a-z]+):?\s*(.*)$", line)
        key = directive.group(1) if directive else ""
        if key == "case":
            assert directive is not None
            close()
            cases.append(Case(path.name, rule, directive.group(2).strip()))
        elif cases and key in DIRECTIVES:
            assert directive is not None
            value = directive.group(2).strip()
            if key == "expect":
                found = _EXPECT.match(value)
                assert found, f"{path.name}: bad expect {value!r}"
                assert found.group(1) in (None, rule), f"{path.name}: expects another rule"
                cases[-1].expect = 0 if value == "none" else int(found.group(2) or 1)
            else:
                cases[-1].directives[key] = value
        elif cases:
            body.append(line)
    close()
    for case in cases:
        assert case.expect >= 0, f"{path.name}: case {case.title!r} has no expect line"
    return cases


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.suffix in {".sql", ".migrations"})


SQL_CASES = [c for p in fixture_files() if p.suffix == ".sql" for c in parse(p)]
MIGRATION_CASES = [c for p in fixture_files() if p.suffix == ".migrations" for c in parse(p)]


def _count(rule: str, findings: list[Any]) -> list[Any]:
    return [f for f in findings if (f.rule if hasattr(f, "rule") else f["rule"]) == rule]


@pytest.mark.parametrize("case", SQL_CASES, ids=lambda c: c.id)
def test_sql_fixture_case(case: Case, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    version = int(case.directives.get("pg", "16"))
    disabled = frozenset(r.strip() for r in case.directives.get("disable", "").split(",") if r)
    if "encoding" in case.directives or "replay" in case.directives:
        assert not disabled, f"{case.id}: `disable` works on cases linted as text only"
        found = _through_the_command(case, version, tmp_path, request)
    else:
        config = LintConfig(disabled=disabled)
        found = _count(case.rule, lint_sql_text(case.sql, pg_version=version, config=config))
    assert len(found) == case.expect, (case.title, found)


def _through_the_command(
    case: Case, version: int, tmp_path: Path, request: pytest.FixtureRequest
) -> list[Any]:
    """Lint the case as a file with ``safemigrations lint --format json`` (what reads files and
    replays them); returns the file rule's findings."""
    path = tmp_path / "case.sql"
    path.write_bytes(case.sql.encode(case.directives.get("encoding") or "utf-8") + b"\n")
    argv = ["lint", "--format", "json", "--target-pg-version", str(version), "--fail-on", "info"]
    if "replay" in case.directives:
        argv += ["--replay", request.getfixturevalue("pg_server").conninfo()]
    capsys: pytest.CaptureFixture[str] = request.getfixturevalue("capsys")
    capsys.readouterr()
    status = main([*argv, str(path)])
    out = json.loads(capsys.readouterr().out)
    # --fail-on info: any finding fails the run (2: a file could not be read at all).
    assert status == (0 if not out else 2 if _count("SM003", out) else 1)
    return _count(case.rule, out)


@pytest.mark.django_db
@pytest.mark.parametrize("case", MIGRATION_CASES, ids=lambda c: c.id)
def test_migration_fixture_case(case: Case, scenario: Any, monkeypatch: Any) -> None:
    from safemigrations.lint.project import lint_migrations
    from safemigrations.lint.replay import capture

    keys = scenario(case.directives["scenario"])
    (key,) = [k for k in keys if k[1].startswith(case.directives["migration"])]
    if case.directives.get("fault") == "tracker":
        original = capture.OperationTracker.owner

        def owner(self: Any, sql: str) -> Any:
            if self.migration.name == key[1]:
                raise KeyError("operation map")
            return original(self, sql)

        monkeypatch.setattr(capture.OperationTracker, "owner", owner)
    found = _count(case.rule, lint_migrations([key]).findings)
    assert len(found) == case.expect, (case.title, [f.message for f in found])


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_every_rule_has_a_fixture_that_fires_and_one_that_does_not(rule: Rule) -> None:
    (path,) = [p for p in fixture_files() if _rule_of(p) == rule.id]
    assert path.stem == f"{rule.id}_{rule.name}"
    assert path.suffix == (".migrations" if rule.migration_level else ".sql")
    cases = parse(path)
    assert len(cases) >= 3
    assert any(c.expect > 0 for c in cases)
    assert any(c.expect == 0 for c in cases)
    assert len({c.title for c in cases}) == len(cases)


def test_no_fixture_for_an_unknown_rule() -> None:
    known = {r.id for r in all_rules()}
    assert {_rule_of(p) for p in fixture_files()} == known
