"""``python -m safemigrations``: lint plain SQL files, exit codes, formats, generated rule docs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from safemigrations.__main__ import main
from safemigrations.lint.docs import rules_markdown

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def unsafe(tmp_path: Path) -> Path:
    path = tmp_path / "0002_index.sql"
    path.write_text('CREATE INDEX "i" ON "shop_book" ("title");\n')
    return path


@pytest.fixture
def warning_only(tmp_path: Path) -> Path:
    path = tmp_path / "0003_drop.sql"
    path.write_text('SET lock_timeout = \'2s\';\nALTER TABLE "shop_book" DROP COLUMN "notes";\n')
    return path


def test_error_finding_exits_1(unsafe: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(unsafe)]) == 1
    out = capsys.readouterr().out
    assert f"{unsafe}:1:1: error SM101" in out


def test_warning_fails_only_with_fail_on_warning(warning_only: Path) -> None:
    assert main(["lint", str(warning_only)]) == 0
    assert main(["lint", "--fail-on", "warning", str(warning_only)]) == 1


def test_clean_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ok.sql"
    path.write_text('CREATE TABLE "shop_new" ("id" bigint PRIMARY KEY);\n')
    assert main(["lint", "--format", "json", str(path)]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_unreadable_file_exits_2_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", str(tmp_path / "missing.sql")]) == 2
    err = capsys.readouterr().err
    assert "cannot read" in err
    assert "missing.sql" in err


def test_bad_version_and_bad_option_exit_2(
    unsafe: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", "--target-pg-version", "9", str(unsafe)]) == 2
    assert "PostgreSQL 9 is not supported" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["lint", "--format", "xml", str(unsafe)])
    assert exc.value.code == 2


def test_target_version_changes_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "expr.sql"
    path.write_text('ALTER TABLE "t" ALTER COLUMN "g" SET EXPRESSION AS (1);\n')
    main(["lint", "--format", "json", "--target-pg-version", "16", str(path)])
    assert "SM002" in {f["rule"] for f in json.loads(capsys.readouterr().out)}
    main(["lint", "--format", "json", "--target-pg-version", "17", str(path)])
    assert "SM002" not in {f["rule"] for f in json.loads(capsys.readouterr().out)}


def test_pyproject_config_disables_rules(unsafe: Path, tmp_path: Path) -> None:
    conf = tmp_path / "pyproject.toml"
    conf.write_text('[tool.safemigrations]\ndisable = ["create-index-non-concurrently"]\n')
    assert main(["lint", "--config", str(conf), str(unsafe)]) == 0


def test_console_entry_point_runs_as_module(unsafe: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "safemigrations", "lint", "--format", "github", str(unsafe)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("::error file=")


def test_rules_reference_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text()
    assert committed == rules_markdown(), (
        "docs/rules.md is stale: run `python -m safemigrations rules --format markdown > docs/rules.md`"
    )
