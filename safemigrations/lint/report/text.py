"""Human-readable report. Colors are applied through a ``style(role, text)`` hook.

A management command passes a hook built on ``self.style`` (e.g. role ``error`` ->
``style.ERROR``); the plain-SQL command passes ANSI colors when writing to a terminal; the default
leaves text unstyled. Roles: ``error``, ``warning``, ``info``, ``rule``, ``location``, ``label``,
``sql``, ``summary``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from safemigrations.lint.locks import LockMode
from safemigrations.lint.model import Finding, Severity
from safemigrations.lint.tablesize import size_text

Style = Callable[[str, str], str]

ANSI = {
    "error": "\033[1;31m",
    "warning": "\033[1;33m",
    "info": "\033[1;36m",
    "rule": "\033[1m",
    "location": "\033[1;34m",
    "label": "\033[2m",
    "sql": "\033[36m",
    "summary": "\033[1m",
}


def plain(_role: str, text: str) -> str:
    """No styling."""
    return text


def ansi(role: str, text: str) -> str:
    """ANSI terminal colors."""
    code = ANSI.get(role)
    return f"{code}{text}\033[0m" if code else text


def location(f: Finding) -> str:
    """``file:line:column``, or the Django migration and operation when there is no file."""
    if f.migration and f.app:
        where = f"{f.app}.{f.migration}"
        if f.operation_index is not None:
            where += f" #{f.operation_index}"
            if f.operation:
                where += f" ({f.operation})"
        if f.file:
            where += f" [{f.file}:{f.line}]"
        return where
    return f"{f.file or '<sql>'}:{f.line}:{f.column}"


def render(
    findings: Sequence[Finding],
    *,
    style: Style = plain,
    verbose: bool = True,
    explained: set[str] | None = None,
    **_options: object,
) -> str:
    """One block per finding (location, severity, rule, message, SQL, lock, why, fix) and a summary.

    ``explained`` (a set shared across calls) prints each rule's why and fix only the first
    time the rule appears; later findings of that rule point back to it, so a long report is
    not the same paragraphs over and over (a fix naming other tables or models is printed). A finding whose ``why`` carries its own details
    (a cut message, the full list of tables) always prints it.
    """
    lines: list[str] = []
    for f in findings:
        sev = str(f.severity)
        lines.append(
            f"{style('location', location(f))}: {style(sev, sev)} "
            f"{style('rule', f.rule)} {f.message}"
        )
        if f.sql:
            sql = " ".join(f.sql.split())
            lines.append(f"  {style('label', 'sql:')} {style('sql', _cut(sql, 160))}")
        if f.lock:
            lines.append(f"  {style('label', 'lock:')} {lock_text(f)}")
        if f.table_size:
            lines.append(f"  {style('label', 'size:')} {size_text(f.table_size)}")
        if f.fresh:
            lines.append(f"  {style('label', 'fresh:')} {f.fresh}")
        repeated = explained is not None and f.rule in explained and not _has_details(f)
        # A fix names the finding's own table and model: one that differs is printed again.
        same_fix = explained is not None and _fix_key(f) in explained
        if verbose and repeated and same_fix:
            lines.append(f"  {style('label', 'why, fix:')} as for {f.rule} above")
        elif verbose and repeated:
            lines.append(f"  {style('label', 'why:')} as for {f.rule} above")
            lines.append(_block(style("label", "fix:"), f.fix))
            if explained is not None:
                explained.add(_fix_key(f))
        elif verbose:
            if f.why:
                lines.append(_block(style("label", "why:"), f.why))
            if f.fix:
                lines.append(_block(style("label", "fix:"), f.fix))
            if explained is not None:
                explained.update((f.rule, _fix_key(f)))
        lines.append("")
    lines.append(style("summary", summary(findings)))
    return "\n".join(lines)


def _fix_key(f: Finding) -> str:
    """How ``explained`` remembers a fix already printed (next to the rule ids)."""
    return f"{f.rule}\nfix:{f.fix}"


def lock_text(f: Finding) -> str:
    """``MODE on t1, t2`` — or, when the tables get different modes, ``MODE on t1; MODE on t2``
    (strongest first), so a finding never shows a table under a mode it does not take."""
    if not f.tables:
        return f.lock or ""
    by_mode: dict[str, list[str]] = {}
    for table in f.tables:
        by_mode.setdefault(f.table_locks.get(table) or f.lock or "", []).append(table)

    def strength(mode: str) -> int:
        try:
            return int(LockMode.parse(mode))
        except ValueError:
            return 0

    modes = sorted(by_mode, key=strength, reverse=True)
    return "; ".join(f"{mode} on {', '.join(by_mode[mode])}" for mode in modes)


def summary(findings: Sequence[Finding], *, fresh: int = 0, fresh_shown: bool = False) -> str:
    """``3 findings: 1 error, 2 warnings`` (or ``No findings.``); notes (``info``) are counted
    apart, since they are advice that never fails a run by default: ``1 finding: 1 warning;
    2 notes (info)``. ``fresh`` findings (about tables created in the same migration) are
    counted too: left out, or shown as info."""
    if not findings:
        return "No findings." + fresh_note(fresh, shown=fresh_shown)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in Severity}
    notes = counts.pop(Severity.INFO, 0)
    parts = [f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in counts.items() if n]
    total = len(findings) - notes
    head = f"{total} finding{'s' if total != 1 else ''}" if total else "No findings"
    if parts:
        head += ": " + ", ".join(parts)
    if notes:
        head += f"; {notes} note{'s' if notes != 1 else ''} (info)"
    return head + fresh_note(fresh, shown=fresh_shown)


def fresh_note(fresh: int, *, shown: bool = False) -> str:
    """The summary's sentence about fresh findings (empty when there were none)."""
    if not fresh:
        return ""
    them = "finding" if fresh == 1 else "findings"
    if shown:
        return (
            f" ({fresh} of them on tables created in the same migration or fresh install, "
            "shown as info)"
        )
    return (
        f" {fresh} {them} on tables created in the same migration or fresh install (empty, no "
        "traffic) left out as fresh; --include-fresh shows them."
    )


def _has_details(f: Finding) -> bool:
    """True when the finding's ``why`` is more than its rule's text (details were added)."""
    from safemigrations.lint.rules.base import get_rule

    rule = get_rule(f.rule)
    return rule is None or f.why.strip() != rule.why.strip()


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _block(label: str, text: str) -> str:
    out = []
    for i, para in enumerate(text.splitlines() or [""]):
        prefix = f"  {label} " if i == 0 else "       "
        out.append(prefix + para if para.strip() else "")
    return "\n".join(out)
