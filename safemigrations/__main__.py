"""``python -m safemigrations`` (also the ``safemigrations`` script): lint plain SQL files.

``safemigrations lint [--format text|json|github|sarif] [--target-pg-version N]
[--fail-on error|warning|info] [--schema DUMP.sql] [--transaction-per-file] [--separately]
[--database URL] [--replay URL]
FILE.sql|DIR ...`` lints SQL as psql would run it. Several files (or a directory's ``*.sql``, in
natural order) are one migration history: each file is judged against the schema the earlier
ones leave. Exit status: 0 when no finding reaches ``--fail-on``, 1 when one does, 2 for usage
errors and unreadable files (reported as ``SM003`` findings; the other files are still linted).
``safemigrations rules [--format text|markdown|json]`` lists the rules (``docs/rules.md`` is
generated with ``--format markdown``). Django projects use the management commands instead
(``lintmigrations``, ``sqlmigrate --lint``), which lint the SQL migrations really run.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from safemigrations.lint.config import LintConfig
    from safemigrations.lint.engine import SqlSource
    from safemigrations.lint.model import Finding

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    from safemigrations.lint.report import FORMATS

    parser = argparse.ArgumentParser(
        prog="safemigrations", description="Lint SQL migrations for PostgreSQL."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    lint = sub.add_parser("lint", help="lint .sql files ('-' reads standard input)")
    lint.add_argument(
        "files",
        nargs="+",
        metavar="FILE.sql",
        help="SQL files, or directories of *.sql files, in the order they run",
    )
    lint.add_argument("--format", choices=FORMATS, default="text")
    lint.add_argument(
        "--target-pg-version",
        metavar="N",
        help="PostgreSQL major version the SQL will run on (default: pyproject, else 14)",
    )
    lint.add_argument("--fail-on", choices=("error", "warning", "info"), default=None)
    lint.add_argument(
        "--schema",
        metavar="DUMP.sql",
        help="the schema before the first file (pg_dump --schema-only): learned, not linted",
    )
    lint.add_argument(
        "--database",
        metavar="URL",
        help="a PostgreSQL to read function volatility from (pg_proc); nothing is written",
    )
    lint.add_argument(
        "--replay",
        metavar="URL",
        help="run the files on a scratch database of this PostgreSQL server, so each is judged "
        "against the real catalog (default: learned statically)",
    )
    lint.add_argument(
        "--transaction-per-file",
        action="store_true",
        help="each file runs in one transaction (Flyway, sqitch, Rails) unless it has its own "
        "BEGIN/COMMIT or a statement refused in a transaction block",
    )
    lint.add_argument(
        "--separately",
        action="store_true",
        help="lint each file alone instead of as one migration history",
    )
    lint.add_argument("--config", metavar="PYPROJECT", help="pyproject.toml to read settings from")
    lint.add_argument("--no-color", action="store_true", help="never color text output")
    lint.add_argument("--brief", action="store_true", help="text output without why/fix")
    rules = sub.add_parser("rules", help="list the lint rules")
    rules.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status (also used by the console script)."""
    args = build_parser().parse_args(argv)
    if args.command == "rules":
        from safemigrations.lint import docs

        render = {"text": docs.rules_text, "markdown": docs.rules_markdown, "json": docs.rules_json}
        sys.stdout.write(render[args.format]().rstrip("\n") + "\n")
        return EXIT_OK
    return _lint(args)


def _lint(args: argparse.Namespace) -> int:
    from safemigrations.lint.config import LintConfig, LintConfigError, parse_pg_version
    from safemigrations.lint.engine import SqlSource
    from safemigrations.lint.model import Severity
    from safemigrations.lint.report import render
    from safemigrations.lint.report.text import ansi, plain

    try:
        config = LintConfig.from_pyproject(args.config) if args.config else LintConfig.discover()
        if args.target_pg_version is not None:
            config = config.merged(target_pg_version=parse_pg_version(args.target_pg_version))
        if args.fail_on is not None:
            config = config.merged(fail_on=Severity.parse(args.fail_on))
    except (LintConfigError, OSError) as exc:
        print(f"safemigrations: error: {exc}", file=sys.stderr)
        return EXIT_USAGE

    baseline: list[SqlSource] = []
    if args.schema:
        text, problem = _read(args.schema)
        if problem is not None:
            print(
                f"safemigrations: error: cannot read the --schema file {args.schema}: {problem}. "
                "Pass a readable UTF-8 file (pg_dump --schema-only output).",
                file=sys.stderr,
            )
            return EXIT_USAGE
        baseline.append(SqlSource(args.schema, text))

    sources: list[SqlSource] = []
    unreadable: list[Finding] = []
    for name in _expand(args.files):
        text, problem = _read(name)
        if problem is not None:
            unreadable.append(_unreadable(name, problem, config))
            print(
                f"safemigrations: error: cannot read {name}: {problem}. Pass readable UTF-8 .sql "
                "files; the other files are linted (SM003 in the report).",
                file=sys.stderr,
            )
        else:
            sources.append(SqlSource("<stdin>" if name == "-" else name, text))

    schema = None
    if args.database:
        try:
            import psycopg

            from safemigrations.lint.volatility import DatabaseVolatility

            schema = DatabaseVolatility(psycopg.connect(args.database, autocommit=True))
        except Exception as exc:
            print(
                f"safemigrations: error: cannot connect to --database: {exc}. Pass a reachable "
                "PostgreSQL URL, or leave --database out (a built-in table of PostgreSQL's "
                "functions is used then).",
                file=sys.stderr,
            )
            return EXIT_USAGE

    findings: list[Finding] = list(unreadable)
    groups = [[s] for s in sources] if args.separately else [sources]
    if len(sources) > 1 and not args.separately and args.format == "text":
        how = (
            f"replayed on a scratch database of {_redacted(args.replay)}"
            if args.replay
            else "learned statically from their SQL"
        )
        print(
            f"safemigrations: {len(sources)} files linted as one migration history, in this "
            "order: " + ", ".join(str(s.name) for s in sources) + ". Each file is judged against "
            "the schema the earlier files"
            + (f" and {args.schema}" if args.schema else "")
            + f" leave, {how} (--separately lints each alone).",
            file=sys.stderr,
        )
    try:
        for group in groups:
            findings.extend(_lint_group(group, args, config, schema, baseline))
    except _ReplayUnavailable as exc:
        print(
            f"safemigrations: error: cannot create a scratch database with --replay: {exc}. "
            "Pass the URL of a PostgreSQL server where you may create databases, or leave "
            "--replay out (the files are then judged statically).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    options: dict[str, object] = {}
    if args.format == "text":
        color = not args.no_color and sys.stdout.isatty()
        options = {"style": ansi if color else plain, "verbose": not args.brief}
    output = render(findings, args.format, **options)
    if output:
        sys.stdout.write(output.rstrip("\n") + "\n")
    if unreadable:
        return EXIT_USAGE
    return EXIT_FINDINGS if any(config.fails(f.severity) for f in findings) else EXIT_OK


class _ReplayUnavailable(Exception):
    """The ``--replay`` server could not be reached or refused to create a database."""


def _lint_group(
    group: list[SqlSource],
    args: argparse.Namespace,
    config: LintConfig,
    schema: object,
    baseline: list[SqlSource],
) -> list[Finding]:
    """Lint one history, on a fresh scratch database when ``--replay`` asks for one."""
    from safemigrations.lint.engine import lint_sql_files

    options = {
        "config": config,
        "schema": schema,
        "baseline": baseline,
        "transaction_per_file": args.transaction_per_file,
    }
    if not args.replay:
        return lint_sql_files(group, **options)  # type: ignore[arg-type]
    from safemigrations.lint.sql_replay import scratch_replay

    try:
        context = scratch_replay(args.replay)
        replay = context.__enter__()
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        raise _ReplayUnavailable(reason) from None
    try:
        return lint_sql_files(group, replay=replay, **options)  # type: ignore[arg-type]
    finally:
        context.__exit__(None, None, None)


def _redacted(url: str) -> str:
    """The server of a connection URL, without its password."""
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)


def _expand(names: Sequence[str]) -> list[str]:
    """The files to lint: each name as given, a directory as its ``*.sql`` files in natural
    order (``V2__x.sql`` before ``V10__y.sql``)."""
    out: list[str] = []
    for name in names:
        path = Path(name)
        if name != "-" and path.is_dir():
            out.extend(str(p) for p in sorted(path.glob("*.sql"), key=_natural_key))
        else:
            out.append(name)
    return out


def _natural_key(path: Path) -> list[tuple[int, int | str]]:
    parts = re.split(r"(\d+)", path.name)
    return [(0, int(p)) if p.isdigit() else (1, p.lower()) for p in parts]


def _read(name: str) -> tuple[str, str | None]:
    """(text, None), or ("", why the file could not be read)."""
    try:
        if name == "-":
            return sys.stdin.read(), None
        return Path(name).read_text(encoding="utf-8"), None
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start]
        return "", f"not UTF-8 text (byte 0x{bad:02x} at offset {exc.start})"
    except OSError as exc:
        return "", exc.strerror or str(exc)


def _unreadable(name: str, reason: str, config: LintConfig) -> Finding:
    """The ``SM003`` finding for a file that could not be read."""
    from safemigrations.lint.model import Finding
    from safemigrations.lint.rules.base import get_rule

    rule = get_rule("SM003")
    assert rule is not None
    return Finding(
        rule=rule.id,
        severity=config.severity_for(rule.id, rule.name, rule.severity),
        message=rule.format_message({"file": name, "reason": reason}),
        why=rule.why,
        fix=rule.fix,
        tables=[],
        file="<stdin>" if name == "-" else name,
    )


if __name__ == "__main__":
    sys.exit(main())
