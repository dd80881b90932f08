"""Test helpers for projects that check their migrations against a real PostgreSQL.

``load``: concurrent writers and readers with stall and error reports; ``locks``: a recorder of
the locks a backend takes while a migration runs; ``migrator``: migrate an app to a given
migration and read the SQL it runs.
"""
