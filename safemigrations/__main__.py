"""``python -m safemigrations`` (also the ``safemigrations`` script): lint plain SQL files.

``safemigrations lint [--format text|json|github|sarif] [--target-pg-version N]
[--fail-on error|warning] FILE.sql ...`` lints SQL as psql would run it. Exit status: 0 when no
finding reaches ``--fail-on``, 1 when one does, 2 for usage errors and unreadable files.
``safemigrations rules [--format text|markdown|json]`` lists the rules (``docs/rules.md`` is
generated with ``--format markdown``). Django projects use the management commands instead
(``lintmigrations``, ``sqlmigrate --lint``), which lint the SQL migrations really run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

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
    lint.add_argument("files", nargs="+", metavar="FILE.sql")
    lint.add_argument("--format", choices=FORMATS, default="text")
    lint.add_argument(
        "--target-pg-version",
        metavar="N",
        help="PostgreSQL major version the SQL will run on (default: pyproject, else 14)",
    )
    lint.add_argument("--fail-on", choices=("error", "warning"), default=None)
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
    from safemigrations.lint.engine import lint_sql_text
    from safemigrations.lint.model import Finding, Severity
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

    sources: list[tuple[str, str]] = []
    for name in args.files:
        try:
            if name == "-":
                sources.append(("<stdin>", sys.stdin.read()))
            else:
                sources.append((name, Path(name).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            print(
                f"safemigrations: error: cannot read {name}: {reason}. "
                "Pass paths of readable UTF-8 .sql files.",
                file=sys.stderr,
            )
            return EXIT_USAGE

    findings: list[Finding] = []
    for name, text in sources:
        findings.extend(lint_sql_text(text, file=name, config=config))
    options: dict[str, object] = {}
    if args.format == "text":
        color = not args.no_color and sys.stdout.isatty()
        options = {"style": ansi if color else plain, "verbose": not args.brief}
    output = render(findings, args.format, **options)
    if output:
        sys.stdout.write(output.rstrip("\n") + "\n")
    return EXIT_FINDINGS if any(config.fails(f.severity) for f in findings) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
