"""safemigrations: safe Django schema migrations for large PostgreSQL tables."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .deletion import DB_CASCADE, DB_RESTRICT, DB_SET_DEFAULT, DB_SET_NULL, InDatabaseToo

__version__ = "0.1.0.dev0"

__all__ = [
    "DB_CASCADE",
    "DB_RESTRICT",
    "DB_SET_DEFAULT",
    "DB_SET_NULL",
    "InDatabaseToo",
    "__version__",
]

#: Names served lazily from :mod:`safemigrations.deletion` (importing it needs Django).
_DELETION_EXPORTS = ("DB_CASCADE", "DB_SET_NULL", "DB_SET_DEFAULT", "DB_RESTRICT", "InDatabaseToo")


def __getattr__(name: str) -> Any:
    """``from safemigrations import DB_CASCADE`` without importing Django at package import."""
    if name in _DELETION_EXPORTS:
        from . import deletion

        return getattr(deletion, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
