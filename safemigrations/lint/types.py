"""Column types as the catalog spells them, and which type changes rewrite the table.

PostgreSQL skips the table rewrite of ``ALTER COLUMN … TYPE`` when the old type is
binary-coercible to the new one and the new type modifier accepts every old value: widening
``varchar(n)``, ``varchar`` to ``text``, raising ``numeric`` precision at the same scale, raising
a time precision, ``cidr`` to ``inet``. Everything else rewrites the table and its indexes under
ACCESS EXCLUSIVE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_ALIASES = {
    "int2": "smallint",
    "int4": "integer",
    "int": "integer",
    "int8": "bigint",
    "serial": "integer",
    "serial4": "integer",
    "bigserial": "bigint",
    "serial8": "bigint",
    "smallserial": "smallint",
    "serial2": "smallint",
    "float4": "real",
    "float8": "double precision",
    "float": "double precision",
    "bool": "boolean",
    "varchar": "character varying",
    "bpchar": "character",
    "char": "character",
    "decimal": "numeric",
    "timestamp": "timestamp without time zone",
    "timestamptz": "timestamp with time zone",
    "time": "time without time zone",
    "timetz": "time with time zone",
    "varbit": "bit varying",
}

SERIAL_TYPES = frozenset({"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"})

_LENGTH_TYPES = {"character varying", "bit varying"}
_PRECISION_TYPES = {
    "timestamp without time zone",
    "timestamp with time zone",
    "time without time zone",
    "time with time zone",
    "interval",
}
_TYPE_TEXT = re.compile(
    r"^(?P<base>.*?)\s*(?:\((?P<mods>[\d\s,]*)\))?\s*(?P<tz>with(?:out)? time zone)?\s*"
    r"(?P<array>(?:\[\d*\])*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SqlType:
    """A column type reduced to what decides rewrites: base name, modifiers, array-ness."""

    base: str
    mods: tuple[int, ...] = ()
    array: bool = False

    def __str__(self) -> str:
        mods = "(" + ",".join(str(m) for m in self.mods) + ")" if self.mods else ""
        if self.base in _PRECISION_TYPES and " " in self.base and mods:
            head, _, tail = self.base.partition(" ")
            text = f"{head}{mods} {tail}"
        else:
            text = f"{self.base}{mods}"
        return text + ("[]" if self.array else "")


def normalize_base(name: str) -> str:
    """Catalog name of a type (``int4`` and ``int`` become ``integer``)."""
    name = name.strip().lower().strip('"')
    if name.startswith("pg_catalog."):
        name = name[len("pg_catalog.") :]
    return _ALIASES.get(name, name)


def parse_type(text: str) -> SqlType:
    """Read ``character varying(100)``, ``numeric(10, 2)``, ``timestamp(3) with time zone``."""
    match = _TYPE_TEXT.match(text.strip())
    if match is None:  # pragma: no cover - the pattern accepts any text
        return SqlType(normalize_base(text))
    base = match.group("base")
    if match.group("tz"):
        base = f"{base} {match.group('tz').lower()}"
    mods = tuple(int(m) for m in re.findall(r"\d+", match.group("mods") or ""))
    return SqlType(normalize_base(base), mods, bool(match.group("array")))


def from_type_name(node: Any) -> SqlType:
    """The :class:`SqlType` of a pglast ``TypeName`` node."""
    names = [getattr(n, "sval", "") for n in (node.names or ())]
    if len(names) > 1 and names[0] == "pg_catalog":
        names = names[1:]
    base = normalize_base(".".join(names))
    mods: list[int] = []
    for mod in node.typmods or ():
        val = getattr(mod, "val", None)
        ival = getattr(val, "ival", None)
        if isinstance(ival, int):
            mods.append(ival)
    if base == "interval" and len(mods) > 1:
        mods = mods[-1:]  # interval fields mask comes first
    return SqlType(base, tuple(mods), bool(node.arrayBounds))


def type_name_text(node: Any) -> str:
    """Type name as written (``bigserial``, ``my_domain``): what serial/domain checks need."""
    names = [getattr(n, "sval", "") for n in (node.names or ())]
    return ".".join(n for n in names if n != "pg_catalog").lower()


def rewrites_on_type_change(old: SqlType, new: SqlType) -> bool | None:
    """True when changing ``old`` to ``new`` rewrites the table, False when it does not.

    None means "depends on the session": ``timestamp`` to ``timestamptz`` is free only when the
    session ``TimeZone`` is UTC (Django connections use UTC when ``USE_TZ = True``).
    """
    if old == new:
        return False
    if old.array != new.array:
        return True
    if old.base == new.base:
        if old.base in _LENGTH_TYPES:
            return bool(new.mods) and (not old.mods or new.mods[0] < old.mods[0])
        if old.base == "numeric":
            if not new.mods:
                return False
            if not old.mods:
                return True
            old_scale = old.mods[1] if len(old.mods) > 1 else 0
            new_scale = new.mods[1] if len(new.mods) > 1 else 0
            return not (new_scale == old_scale and new.mods[0] >= old.mods[0])
        if old.base in _PRECISION_TYPES:
            if not new.mods:
                return False
            return not old.mods or new.mods[0] < old.mods[0]
        return True
    text_like = {"character varying", "text"}
    if old.base in text_like and new.base in text_like and not new.mods:
        return False
    if old.base == "cidr" and new.base == "inet":
        return False
    if (old.base, new.base) == ("timestamp without time zone", "timestamp with time zone"):
        return None
    return True
