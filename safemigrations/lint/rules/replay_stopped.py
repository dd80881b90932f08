"""SM004: replaying the SQL files on a scratch database stopped at a failing statement (a note)."""

from __future__ import annotations

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Rule


class ReplayStopped(Rule):
    """``--replay`` could not run a statement: the files after it are judged statically."""

    id = "SM004"
    name = "replay-stopped"
    severity = Severity.INFO
    title = "Replay on the scratch database stopped"
    message = (
        "replaying the files on the scratch database stopped at {failure}; the files after it "
        "are judged from their SQL alone"
    )
    why = (
        "With `--replay URL` each file is run on a throw-away database after it is linted, so "
        "the next file is judged against the real catalog. A statement that fails there (a "
        "table the files never create and no `--schema` baseline describes, a psql variable, a "
        "real error) stops the replay; nothing is skipped silently: this note says where."
    )
    fix = (
        "Give the schema before the first file with `--schema` (a `pg_dump --schema-only`), or "
        "fix the failing statement; if the migration really fails there, it fails in "
        "production too."
    )
    unsafe_example = 'ALTER TABLE "table_never_created" ADD COLUMN "c" integer;'
    safe_example = 'CREATE TABLE "t" ("id" bigint);'
    command_level = True
