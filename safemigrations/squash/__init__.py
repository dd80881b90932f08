"""The squash helper: fold safemigrations' operations into a squash, and prove it equivalent.

Entry points: :func:`safemigrations.squash.run.run_squash` (the ``squashmigrations`` command),
:func:`safemigrations.squash.check.check_squashes` (``checksquashes``). Modules, one job each:
``select`` (which migrations), ``fresh`` / ``recognise`` (fresh-database forms), ``atomicity``
(atomic or not, where to split), ``graph`` (dependency cycles), ``carry`` (RunPython code),
``plan`` (all of it, in memory), ``write`` (render, prove it imports, write), ``verify`` /
``compare`` (scratch databases and the catalog comparison), ``report`` (what it gained).
"""
