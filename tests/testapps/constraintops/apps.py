from django.apps import AppConfig


class ConstraintOpsConfig(AppConfig):
    """Foreign keys of every shape switched by AddDBCascadeConstraint, and NOT VALID + VALIDATE."""

    name = "tests.testapps.constraintops"
    label = "constraintops"
