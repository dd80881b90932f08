"""Linter configuration: which rules run, how severe they are, and when a run fails.

Read from ``settings.SAFEMIGRATIONS["LINT"]`` (a dict) in Django projects, or from
``[tool.safemigrations]`` (or its ``[tool.safemigrations.lint]`` sub-table) in pyproject.toml for
plain SQL files. Keys are case-insensitive and accept ``-`` or ``_``:

``disable``            rule ids or names to skip (``["SM102", "drop-column"]``)
``severity``           overrides, ``{"SM101": "warning"}``
``exclude_apps``       Django app labels never linted
``fail_on``            ``"error"`` (default), ``"warning"`` or ``"info"``: the lowest severity that
                       fails a run (``info`` notes are advice and never fail a run otherwise)
``target_pg_version``  the PostgreSQL major version the migrations will run on (14+)
``include_fresh``      report findings on tables created earlier in the same migration too (as
                       ``info``; default false: they are left out and counted)
``small_table_rows``, ``small_table_bytes``, ``large_table_rows``, ``large_table_bytes``
                       with table statistics (``--table-stats``): below both small thresholds a
                       finding is ``info``, above either large one it is ``error``
                       (defaults 10,000 rows and 10 MB; 1,000,000 rows and 1 GB)
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from safemigrations.exceptions import LintConfigError
from safemigrations.lint.model import Severity

DEFAULT_PG_VERSION = 14
"""Used when nothing says which server runs the migrations: the oldest supported major, so every
finding holds on every supported server."""

MIN_PG_VERSION = 14
MAX_PG_VERSION = 18

_KNOWN_KEYS = {
    "disable",
    "severity",
    "exclude_apps",
    "fail_on",
    "target_pg_version",
    "include_fresh",
    "small_table_rows",
    "small_table_bytes",
    "large_table_rows",
    "large_table_bytes",
}
_SIZE_KEYS = ("small_table_rows", "small_table_bytes", "large_table_rows", "large_table_bytes")
_UNITS = {"": 1, "B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def parse_pg_version(value: Any) -> int:
    """Read a PostgreSQL major version (``15``, ``"15"``, ``"15.4"``, ``150004``) as an int."""
    text = str(value).strip()
    try:
        if text.isdigit() and int(text) >= 10000:
            major = int(text) // 10000
        else:
            major = int(text.split(".")[0])
    except ValueError:
        raise LintConfigError(
            f"target PostgreSQL version {value!r} is not a number: use a major version like 16"
        ) from None
    if major < MIN_PG_VERSION:
        raise LintConfigError(
            f"PostgreSQL {major} is not supported: safemigrations needs PostgreSQL "
            f"{MIN_PG_VERSION} or newer"
        )
    return major


@dataclass(frozen=True)
class LintConfig:
    """What to lint and how to judge it; immutable, build variants with :meth:`merged`."""

    disabled: frozenset[str] = frozenset()
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    exclude_apps: frozenset[str] = frozenset()
    fail_on: Severity = Severity.ERROR
    target_pg_version: int | None = None
    #: The statements run on a session that already has ``lock_timeout`` set, as every statement
    #: of safemigrations' ``migrate`` does (``SAFEMIGRATIONS["MIGRATE_LOCK_WAITS"]``): rules about
    #: lock waits without a timeout then judge them as bounded (a ``SET lock_timeout = 0`` in the
    #: SQL still counts).
    session_lock_timeout: bool = False
    #: Report findings about tables created earlier in the same migration (as ``info``)
    #: instead of leaving them out (see :mod:`safemigrations.lint.fresh`).
    include_fresh: bool = False
    #: Size thresholds for severity by table size (:mod:`safemigrations.lint.tablesize`).
    small_table_rows: int = 10_000
    small_table_bytes: int = 10 * 1024**2
    large_table_rows: int = 1_000_000
    large_table_bytes: int = 1024**3

    def is_enabled(self, rule_id: str, rule_name: str = "") -> bool:
        """False when the rule's id or name is in ``disabled``."""
        keys = {rule_id.upper(), rule_name.lower()}
        return not ({d.upper() for d in self.disabled} & keys) and not (
            {d.lower() for d in self.disabled} & keys
        )

    def severity_for(self, rule_id: str, rule_name: str, default: Severity) -> Severity:
        """The configured severity of a rule (by id or name), else its own."""
        for key, sev in self.severity_overrides.items():
            if key.upper() == rule_id.upper() or key.lower() == rule_name.lower():
                return sev
        return default

    def fails(self, severity: Severity) -> bool:
        """True when a finding of this severity makes the run fail."""
        return severity.rank >= self.fail_on.rank

    def pg_version(self, default: int = DEFAULT_PG_VERSION) -> int:
        """The target PostgreSQL major version, or ``default``."""
        return self.target_pg_version or default

    def merged(self, **changes: Any) -> LintConfig:
        """A copy with the given fields replaced (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None, *, source: str = "LINT") -> LintConfig:
        """Build from a settings dict; unknown keys and bad values raise :class:`LintConfigError`."""
        if not data:
            return cls()
        if not isinstance(data, Mapping):
            raise LintConfigError(f"{source} must be a dict/table, got {type(data).__name__}")
        values: dict[str, Any] = {}
        for raw_key, value in data.items():
            key = str(raw_key).lower().replace("-", "_")
            if key not in _KNOWN_KEYS:
                known = ", ".join(sorted(_KNOWN_KEYS))
                raise LintConfigError(f"{source}: unknown key {raw_key!r} (known keys: {known})")
            values[key] = value
        kwargs: dict[str, Any] = {}
        if "disable" in values:
            kwargs["disabled"] = frozenset(_str_list(values["disable"], f"{source}.disable"))
        if "exclude_apps" in values:
            kwargs["exclude_apps"] = frozenset(
                _str_list(values["exclude_apps"], f"{source}.exclude_apps")
            )
        if "severity" in values:
            sev = values["severity"]
            if not isinstance(sev, Mapping):
                raise LintConfigError(
                    f'{source}.severity must map rule ids to "error"/"warning"/"info"'
                )
            try:
                kwargs["severity_overrides"] = {str(k): Severity.parse(v) for k, v in sev.items()}
            except ValueError as exc:
                raise LintConfigError(f"{source}.severity: {exc}") from None
        if "fail_on" in values:
            try:
                kwargs["fail_on"] = Severity.parse(values["fail_on"])
            except ValueError as exc:
                raise LintConfigError(f"{source}.fail_on: {exc}") from None
        if values.get("target_pg_version") is not None:
            kwargs["target_pg_version"] = parse_pg_version(values["target_pg_version"])
        if "include_fresh" in values:
            if not isinstance(values["include_fresh"], bool):
                raise LintConfigError(f"{source}.include_fresh must be true or false")
            kwargs["include_fresh"] = values["include_fresh"]
        for key in _SIZE_KEYS:
            if key in values:
                kwargs[key] = parse_size(
                    values[key], f"{source}.{key}", bytes_=key.endswith("bytes")
                )
        return cls(**kwargs)

    @classmethod
    def from_pyproject(cls, path: str | Path) -> LintConfig:
        """Read ``[tool.safemigrations]`` (or ``[tool.safemigrations.lint]``) from a pyproject.toml."""
        path = Path(path)
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise LintConfigError(f"{path}: not valid TOML ({exc})") from None
        section = data.get("tool", {}).get("safemigrations", {})
        if isinstance(section, Mapping) and isinstance(section.get("lint"), Mapping):
            section = section["lint"]
        elif isinstance(section, Mapping):
            section = {
                k: v for k, v in section.items() if k.lower().replace("-", "_") in _KNOWN_KEYS
            }
        return cls.from_dict(section, source=f"{path}: [tool.safemigrations]")

    @classmethod
    def discover(cls, start: str | Path | None = None) -> LintConfig:
        """The config of the nearest pyproject.toml at or above ``start`` (default: cwd)."""
        here = Path(start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            candidate = folder / "pyproject.toml"
            if candidate.is_file():
                return cls.from_pyproject(candidate)
        return cls()


def _str_list(value: Any, where: str) -> Iterable[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(v) for v in value]
    raise LintConfigError(f"{where} must be a list of strings")


def parse_size(value: Any, where: str, *, bytes_: bool = False) -> int:
    """A non-negative count (``10000``, ``"10_000"``) or, for byte sizes, ``"10 MB"``/``"1GB"``."""
    text = str(value).strip().upper().replace("_", "").replace(",", "")
    number, unit = text, ""
    if bytes_:
        for name in sorted(_UNITS, key=len, reverse=True):
            if name and text.endswith(name):
                number, unit = text[: -len(name)].strip(), name
                break
    try:
        result = int(float(number) * _UNITS[unit])
    except ValueError:
        example = '"10 MB" or 10485760' if bytes_ else "10000"
        raise LintConfigError(f"{where} must be a number like {example}, got {value!r}") from None
    if result < 0:
        raise LintConfigError(f"{where} must not be negative, got {value!r}")
    return result
