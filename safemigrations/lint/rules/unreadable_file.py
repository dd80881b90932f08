"""SM003: a SQL file that cannot be read or decoded (reported by the command, per file)."""

from __future__ import annotations

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Rule


class UnreadableFile(Rule):
    """A file given to ``safemigrations lint`` that could not be read as UTF-8 text.

    The other files are still linted; the run exits with status 2.
    """

    id = "SM003"
    name = "unreadable-file"
    severity = Severity.ERROR
    title = "SQL file that cannot be read"
    message = "cannot read {file}: {reason}"
    why = (
        "The file could not be opened or is not UTF-8 text, so nothing in it was checked. The "
        "other files of the run are linted; later files of a migration history are judged "
        "without what this one would have changed."
    )
    fix = (
        "Pass a readable UTF-8 `.sql` file (convert it with `iconv -f LATIN1 -t UTF-8`, or fix "
        "its path or permissions)."
    )
    unsafe_example = "SELECT 'caf\\xe9';  -- the file is saved as Latin-1, not UTF-8"
    safe_example = "SELECT 'café';  -- saved as UTF-8"
    command_level = True
