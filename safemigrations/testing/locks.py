"""The ``pg_locks`` recorder for tests; it lives in :mod:`safemigrations.db.lock_recorder`.

Kept as an import path for test code: runtime code (``lintmigrations --trace``) imports the
``db`` module, so nothing the package runs depends on its test helpers.
"""

from safemigrations.db.lock_recorder import LockRecorder, LockRecording

__all__ = ["LockRecorder", "LockRecording"]
