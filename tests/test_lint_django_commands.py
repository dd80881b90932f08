"""``lintmigrations``, ``sqlmigrate --lint`` and ``makemigrations --lint``, output parsed back."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

SCENARIOS = Path(__file__).parent / "testapps" / "lintdj" / "scenarios"
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-2.1.0-minimal.schema.json"
GITHUB_LINE = re.compile(
    r"^::(error|warning|notice) file=[^,]+,line=\d+(,col=\d+)?(,endLine=\d+)?,title=SM\d{3} [a-z-]+::.+$"
)


def run(*args: str) -> tuple[str, int]:
    """Run a command, return its output and exit status (CommandError's returncode)."""
    out = StringIO()
    try:
        call_command(*args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc.returncode
    return out.getvalue(), 0


@pytest.fixture
def unsafe(settings) -> None:  # type: ignore[no-untyped-def]
    settings.MIGRATION_MODULES = {"lintdj": "tests.testapps.lintdj.scenarios.unsafe"}


@pytest.mark.django_db
@pytest.mark.usefixtures("unsafe")
def test_lintmigrations_json_is_the_stable_list() -> None:
    out, status = run("lintmigrations", "lintdj", "--format", "json")
    assert status == 1
    data = json.loads(out)
    assert isinstance(data, list)
    assert {"SM902", "SM903", "SM904", "SM905", "SM906", "SM907"} <= {d["rule"] for d in data}
    keys = {
        "rule", "severity", "app", "migration", "operation", "sql", "lock", "tables",
        "message", "why", "fix", "file", "line", "column",
    }  # fmt: skip
    assert all(set(d) == keys for d in data)
    fk = next(d for d in data if d["rule"] == "SM904")
    assert fk["app"] == "lintdj"
    assert fk["migration"] == "0009_book_author_index"
    assert fk["operation"] == {"index": 0, "description": "Alter field author on book"}
    assert fk["file"].endswith("0009_book_author_index.py")


@pytest.mark.django_db
@pytest.mark.usefixtures("unsafe")
def test_lintmigrations_sarif_validates() -> None:
    out, status = run("lintmigrations", "lintdj", "--format", "sarif")
    assert status == 1
    log = json.loads(out)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    results = log["runs"][0]["results"]
    assert any(r["ruleId"] == "SM905" for r in results)


@pytest.mark.django_db
@pytest.mark.usefixtures("unsafe")
def test_lintmigrations_github_annotations() -> None:
    out, status = run("lintmigrations", "lintdj", "0006", "--format", "github")
    assert status == 1
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines
    assert all(GITHUB_LINE.match(line) for line in lines), lines
    assert any("title=SM906 rename-used-by-code" in line for line in lines)


@pytest.mark.django_db
@pytest.mark.usefixtures("unsafe")
def test_lintmigrations_text_fail_on_and_trace() -> None:
    out, status = run("lintmigrations", "lintdj", "0007", "--trace", "--no-color")
    assert status == 0  # only warnings
    assert "SM907" in out
    assert "trace (pg_locks after each statement)" in out
    assert re.search(r"lock ROW EXCLUSIVE\s+on lintdj_book \(table\) until end of statement", out)
    _, status = run("lintmigrations", "lintdj", "0007", "--fail-on", "warning")
    assert status == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("unsafe")
def test_lintmigrations_rejects_bad_input_with_advice() -> None:
    with pytest.raises(CommandError, match=r"does not have migrations|No installed app"):
        call_command("lintmigrations", "nosuchapp")
    with pytest.raises(CommandError, match="not supported"):
        call_command("lintmigrations", "lintdj", "--target-pg-version", "12")
    with pytest.raises(CommandError, match="Cannot find a migration"):
        call_command("lintmigrations", "lintdj", "0999")


@pytest.mark.django_db
@pytest.mark.usefixtures("unsafe")
def test_sqlmigrate_lint_prints_real_sql_with_findings_under_statements() -> None:
    out, status = run("sqlmigrate", "--lint", "lintdj", "0002", "--no-color")
    assert status == 1
    lines = out.splitlines()
    drop = lines.index('DROP INDEX IF EXISTS "lintdj_book_author_id_56719f5b";')
    assert lines[drop + 1].startswith("--   ^ SM106 error:")
    assert lines[0] == "BEGIN;"
    assert lines[-1] == "COMMIT;"
    assert "-- Alter field author on book" in lines


@pytest.mark.django_db
@pytest.mark.usefixtures("unsafe")
def test_sqlmigrate_lint_exit_zero_without_errors() -> None:
    out, status = run("sqlmigrate", "--lint", "lintdj", "0007", "--no-color")
    assert status == 0
    assert "SM907 warning" in out


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.mark.django_db
def test_lintmigrations_since_lints_only_changed_files(tmp_path, settings, monkeypatch) -> None:
    package = tmp_path / "sincepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in ("__init__.py", "0001_initial.py", "0002_book_author_no_index.py"):
        shutil.copy(SCENARIOS / "unsafe" / name, package / name)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "base")
    shutil.copy(SCENARIOS / "unsafe" / "0003_book_title_index.py", package)  # new, untracked
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    settings.MIGRATION_MODULES = {"lintdj": "sincepkg"}
    out, status = run("lintmigrations", "lintdj", "--since", "HEAD", "--format", "json")
    data = json.loads(out)
    assert status == 1
    assert {d["migration"] for d in data} == {"0003_book_title_index"}
    with pytest.raises(CommandError, match="--since needs a git checkout"):
        call_command("lintmigrations", "--since", "no-such-ref")


@pytest.mark.django_db
def test_makemigrations_lint_lints_what_it_wrote(tmp_path, settings, monkeypatch) -> None:
    package = tmp_path / "mmpkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    shutil.copy(SCENARIOS / "unsafe" / "0001_initial.py", package)
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.MIGRATION_MODULES = {"lintdj": "mmpkg"}
    out, status = run("makemigrations", "lintdj", "--lint", "--no-input", "--no-color")
    written = sorted(p.name for p in package.glob("0002_*.py"))
    assert written, out
    assert f"Linting lintdj.{written[0][:-3]}" in out
    assert re.search(r"SM\d{3}|No findings\.", out)
    assert status in (0, 1)
