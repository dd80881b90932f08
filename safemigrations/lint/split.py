"""Cut SQL text into statements the way psql runs it, keeping each statement's position.

PostgreSQL's own parser (pglast) does the real work; this module only prepares the text for it:
psql meta-commands (``\\d``, ``\\set``, ``\\gset``, …) and ``COPY … FROM stdin`` data are blanked
out (their positions are kept, so line numbers stay right) and reported as notes. When the
whole text parses, the parser's statement boundaries are used; otherwise a small lexer that knows
quotes, dollar quotes and comments splits on top-level semicolons, so one bad statement does not
hide the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pglast import parser as pg_parser

# psql meta-commands that send the query buffer, like a semicolon does.
_SENDING_META = re.compile(r"\\(g|gx|gset|gexec|gdesc|crosstabview|watch|;)\b")
_COPY_FROM_STDIN = re.compile(r"^\s*copy\b.*\bfrom\s+stdin\b", re.IGNORECASE | re.DOTALL)
_COPY_END = re.compile(r"^\\\.[ \t]*$", re.MULTILINE)
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_\x80-\uffff][A-Za-z_0-9\x80-\uffff]*)?\$")
_SPECIAL = re.compile(r"['\"$\-/\\;]")


@dataclass
class Piece:
    """One statement's text and its place in the original input (offsets in characters)."""

    text: str
    start: int
    line: int
    column: int
    node: Any = None  # the parser's AST when the whole text parsed at once


@dataclass
class Note:
    """Something skipped while splitting (a psql meta-command, COPY data), with its line."""

    message: str
    line: int
    column: int = 1
    text: str = ""


@dataclass
class SplitResult:
    """The statements of a text, the notes about skipped parts, and the cleaned text."""

    pieces: list[Piece] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    cleaned: str = ""


class _LineIndex:
    def __init__(self, text: str) -> None:
        self.starts = [0]
        for match in re.finditer("\n", text):
            self.starts.append(match.end())

    def position(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self.starts[lo] + 1


def _skip_quoted(text: str, pos: int, quote: str, backslash_escapes: bool) -> int:
    """Index just after the closing quote of a literal starting at ``pos`` (or len(text))."""
    i = pos + 1
    n = len(text)
    while i < n:
        ch = text[i]
        if backslash_escapes and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if i + 1 < n and text[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    return n


def _skip_block_comment(text: str, pos: int) -> int:
    depth = 0
    i = pos
    n = len(text)
    while i < n:
        if text.startswith("/*", i):
            depth += 1
            i += 2
        elif text.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return n


def _scan(text: str) -> tuple[str, list[tuple[int, int]], list[tuple[int, str]]]:
    """Blank psql-only parts; return (cleaned text, top-level statement spans, skipped parts)."""
    out = list(text)
    spans: list[tuple[int, int]] = []
    skipped: list[tuple[int, str]] = []
    n = len(text)
    start = 0
    pos = 0

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    def end_statement(end: int, resume: int) -> int:
        """Close the statement at ``end`` (exclusive); skip COPY data; return next position."""
        nonlocal start
        spans.append((start, end))
        body = _strip_comments(text[start:end])
        nxt = resume
        if _COPY_FROM_STDIN.match(body):
            line_end = text.find("\n", nxt)
            data_start = n if line_end < 0 else line_end + 1
            terminator = _COPY_END.search(text, data_start)
            data_end = n if terminator is None else terminator.end()
            # A blank or comment line right after the COPY means there is no data block (the
            # COPY fails before reading, as in tests of COPY errors): what follows is SQL.
            first_end = text.find("\n", data_start)
            first_line = text[data_start : n if first_end < 0 else first_end]
            if data_end > data_start and first_line.strip() and not first_line.startswith("--"):
                blank(data_start, data_end)
                skipped.append((data_start, "COPY ... FROM stdin data"))
                nxt = max(nxt, data_end)
        start = nxt
        return nxt

    while pos < n:
        match = _SPECIAL.search(text, pos)
        if match is None:
            break
        i = match.start()
        ch = text[i]
        if ch == "'":
            escapes = i > 0 and text[i - 1] in "eE" and (i < 2 or not _is_ident(text[i - 2]))
            pos = _skip_quoted(text, i, "'", escapes)
        elif ch == '"':
            pos = _skip_quoted(text, i, '"', False)
        elif ch == "$":
            tag = _DOLLAR_TAG.match(text, i)
            if tag is None or (i > 0 and _is_ident(text[i - 1])):
                pos = i + 1
                continue
            close = text.find(tag.group(0), tag.end())
            pos = n if close < 0 else close + len(tag.group(0))
        elif ch == "-":
            if text.startswith("--", i):
                nl = text.find("\n", i)
                pos = n if nl < 0 else nl
            else:
                pos = i + 1
        elif ch == "/":
            pos = _skip_block_comment(text, i) if text.startswith("/*", i) else i + 1
        elif ch == "\\":
            nl = text.find("\n", i)
            end = n if nl < 0 else nl
            command = text[i:end]
            skipped.append((i, command.strip()))
            blank(i, end)
            if _SENDING_META.match(command):
                out[i] = ";"
                pos = end_statement(i, end)
            else:
                pos = end
        else:  # ";"
            pos = end_statement(i, i + 1)
    if start < n:
        spans.append((start, n))
    return "".join(out), spans, skipped


def _is_ident(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _strip_comments(sql: str) -> str:
    """Remove leading whitespace and comments (used to find where a statement really starts)."""
    i = 0
    n = len(sql)
    while i < n:
        if sql[i].isspace():
            i += 1
        elif sql.startswith("--", i):
            nl = sql.find("\n", i)
            i = n if nl < 0 else nl + 1
        elif sql.startswith("/*", i):
            i = _skip_block_comment(sql, i)
        else:
            break
    return sql[i:]


def split_sql(text: str) -> SplitResult:
    """Statements of ``text`` with 1-based line/column, plus notes for skipped psql parts."""
    cleaned, spans, skipped = _scan(text)
    index = _LineIndex(text)
    result = SplitResult(cleaned=cleaned)
    for offset, what in skipped:
        line, column = index.position(offset)
        if what.startswith("COPY"):
            message = "COPY ... FROM stdin data skipped (it is data, not SQL)"
        else:
            message = f"psql meta-command skipped: {what[:60]}"
        result.notes.append(Note(message=message, line=line, column=column, text=what))
    try:
        slices: list[tuple[int, int, Any]] = []
        for raw in pg_parser.parse_sql(cleaned):
            begin = raw.stmt_location or 0
            slices.append((begin, begin + raw.stmt_len if raw.stmt_len else len(cleaned), raw.stmt))
    except Exception:
        slices = [(a, b, None) for a, b in spans]
    for a, b, node in slices:
        _add_piece(result, cleaned, index, a, b, node)
    return result


def _add_piece(
    result: SplitResult, cleaned: str, index: _LineIndex, a: int, b: int, node: Any
) -> None:
    raw = cleaned[a:b]
    body = _strip_comments(raw)
    body = body.rstrip().rstrip(";").rstrip()
    if not body.strip(" \t\r\n;"):
        return
    start = a + (len(raw) - len(raw.lstrip())) if not body else a + raw.find(body)
    line, column = index.position(start)
    result.pieces.append(Piece(text=body, start=start, line=line, column=column, node=node))
