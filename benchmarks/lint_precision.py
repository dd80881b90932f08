"""Linter precision on peer-style test material: unsafe SQL flagged, safe SQL quiet, sequences.

The material lives in ``tests/data/lint_precision/`` (written for this project in the style of
the peers' own test suites; none of their files are copied):

* ``django_unsafe/*.sql`` — the SQL Django emits per operation, one file per case; every file
  must be flagged (warning or error) with each rule its ``-- expect:`` header names.
* ``django_safe/*.sql`` — the same operations rewritten the way a zero-downtime database backend
  emits them (non-atomic, ``CONCURRENTLY``, ``NOT VALID`` + ``VALIDATE``, lock timeouts); the
  warning/error rules reported must be exactly those of the header (``clean``: none). Notes
  (``info``) are allowed: they never fail a run.
* ``sequences/<case>/{bad,good}/N.sql`` — SQL files run in order, each in one transaction (the
  lock-tracing tools' convention, ``--transaction-per-file``), linted as one migration history:
  a bad sequence must be flagged with the rule its first file's header names, the last file of a
  good sequence must be clean.
* ``migration_linter/<app>/NNNN_*.sql`` — ``sqlmigrate`` output of a Django migration linter's
  test-project style apps, linted per app as one history with the session ``lock_timeout`` that
  safemigrations' ``migrate`` sets; each file is judged by its header, like the two sets above.

Usage::

    python benchmarks/lint_precision.py            # the counts, and every miss
    python benchmarks/lint_precision.py --corpus ../shared/corpus/pg-regress   # + raw-SQL speed
    python benchmarks/lint_precision.py --replay "$DATABASE_URL"   # sequences replayed for real

Exit status 1 when a case misses its target.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from safemigrations.lint.config import LintConfig  # noqa: E402
from safemigrations.lint.engine import SqlSource, lint_sql_files, lint_sql_text  # noqa: E402
from safemigrations.lint.model import Finding, Severity  # noqa: E402

DATA = ROOT / "tests" / "data" / "lint_precision"
PG_VERSION = 16


@dataclass
class Case:
    """One judged file or sequence: what was expected, what was reported, and the verdict."""

    group: str
    name: str
    expected: frozenset[str]
    reported: frozenset[str]
    ok: bool
    detail: str = ""


@dataclass
class Score:
    """Every case of the material, by group."""

    cases: list[Case] = field(default_factory=list)

    def of(self, group: str) -> list[Case]:
        """The cases of one group."""
        return [c for c in self.cases if c.group == group]

    def misses(self) -> list[Case]:
        """The cases that missed their target."""
        return [c for c in self.cases if not c.ok]


def expected_rules(text: str) -> frozenset[str] | None:
    """The rules of a ``-- expect: SM101, SM962`` header (empty for ``clean``), or None."""
    for line in text.splitlines():
        if line.startswith("-- expect:"):
            value = line.split(":", 1)[1].strip()
            if value == "clean":
                return frozenset()
            return frozenset(v.strip() for v in value.split(",") if v.strip())
    return None


def hazards(findings: Iterable[Finding], file: str | None = None) -> frozenset[str]:
    """Rules reported at warning or error level (on ``file`` when given)."""
    return frozenset(
        f.rule
        for f in findings
        if f.severity.rank >= Severity.WARNING.rank and (file is None or f.file == file)
    )


def _judge_file(group: str, name: str, text: str, reported: frozenset[str], unsafe: bool) -> Case:
    expected = expected_rules(text)
    if expected is None:
        return Case(group, name, frozenset(), reported, False, "no '-- expect:' header")
    ok = expected <= reported if unsafe and expected else reported == expected
    return Case(group, name, expected, reported, ok)


def _lint_history(sources: list[SqlSource], replay: Any, **options: Any) -> list[Finding]:
    """Lint one history statically, or replayed on the scratch database of ``replay``."""
    if replay is None:
        return lint_sql_files(sources, pg_version=PG_VERSION, **options)
    replay.reset()
    return lint_sql_files(sources, pg_version=PG_VERSION, replay=replay, **options)


def score(data: Path = DATA, replay_url: str | None = None) -> Score:
    """Lint all the material and judge every case (sequences and apps replayed on a scratch
    database of ``replay_url`` when given, else judged statically)."""
    if replay_url is None:
        return _score(data, None)
    from safemigrations.lint.sql_replay import scratch_replay

    with scratch_replay(replay_url) as replay:
        return _score(data, replay)


def _score(data: Path, replay: Any) -> Score:
    result = Score()
    for group, unsafe in (("django_unsafe", True), ("django_safe", False)):
        for path in sorted((data / group).glob("*.sql")):
            text = path.read_text(encoding="utf-8")
            found = lint_sql_text(text, file=path.name, pg_version=PG_VERSION)
            result.cases.append(_judge_file(group, path.name, text, hazards(found), unsafe))
    for case_dir in sorted(p for p in (data / "sequences").iterdir() if p.is_dir()):
        for kind in ("bad", "good"):
            files = sorted((case_dir / kind).glob("*.sql"), key=lambda p: int(p.stem))
            if not files:
                continue
            sources = [SqlSource(str(p.relative_to(data)), p.read_text("utf-8")) for p in files]
            found = _lint_history(sources, replay, transaction_per_file=True)
            name = f"{case_dir.name}/{kind}"
            if kind == "bad":
                expected = expected_rules(sources[0].text) or frozenset()
                reported = hazards(found)
                ok = bool(expected) and expected <= reported
            else:
                expected = frozenset()
                reported = hazards(found, sources[-1].name)
                ok = not reported
            result.cases.append(Case(f"sequences_{kind}", name, expected, reported, ok))
    session = LintConfig(session_lock_timeout=True)
    for app in sorted(p for p in (data / "migration_linter").iterdir() if p.is_dir()):
        files = sorted(app.glob("*.sql"))
        sources = [SqlSource(str(p.relative_to(data)), p.read_text("utf-8")) for p in files]
        found = _lint_history(sources, replay, config=session)
        for source in sources:
            expected = expected_rules(source.text) or frozenset()
            group = "migration_linter_unsafe" if expected else "migration_linter_safe"
            reported = hazards(found, source.name)
            result.cases.append(
                _judge_file(group, str(source.name), source.text, reported, bool(expected))
            )
    return result


def corpus_seconds(corpus: Path) -> tuple[int, float, float]:
    """(files, wall seconds, CPU seconds) to lint every ``*.sql`` of PostgreSQL's regression
    corpus, one by one (CPU time is the steadier figure on a shared machine)."""
    files = sorted(corpus.glob("*.sql"))
    texts = [(p.name, p.read_text("utf-8", errors="replace")) for p in files]
    start, cpu = time.perf_counter(), time.process_time()
    for name, text in texts:
        lint_sql_text(text, file=name, pg_version=16)
    return len(files), time.perf_counter() - start, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    """Print the counts (and every miss); exit 1 when a case misses its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="PostgreSQL regression *.sql directory")
    parser.add_argument(
        "--replay", metavar="URL", help="replay sequences on a scratch database of this server"
    )
    args = parser.parse_args(argv)
    result = score(replay_url=args.replay)
    print(f"sequences judged {'by replay' if args.replay else 'statically'}")
    rows = [
        ("unsafe Django SQL flagged with the intended rule", "django_unsafe"),
        ("safe rewrites with no warning/error beyond the real hazard", "django_safe"),
        ("bad example sequences flagged with the intended rule", "sequences_bad"),
        ("good example sequences whose last file is clean", "sequences_good"),
        ("migration-linter-style unsafe migrations flagged", "migration_linter_unsafe"),
        ("migration-linter-style safe migrations clean", "migration_linter_safe"),
    ]
    for label, group in rows:
        cases = result.of(group)
        good = sum(c.ok for c in cases)
        print(f"{label:<62} {good:>3} / {len(cases)}")
    for miss in result.misses():
        print(
            f"MISS {miss.group} {miss.name}: expected {sorted(miss.expected) or 'clean'}, "
            f"reported {sorted(miss.reported) or 'nothing'} {miss.detail}".rstrip()
        )
    if args.corpus is not None:
        count, seconds, cpu = corpus_seconds(args.corpus)
        print(
            f"raw-SQL speed: {count} regression files linted in {seconds:.1f} s ({cpu:.1f} s CPU)"
        )
    return 1 if result.misses() else 0


if __name__ == "__main__":
    sys.exit(main())
