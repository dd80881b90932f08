from django.apps import AppConfig


class DeleteBenchConfig(AppConfig):
    """The delete benchmark's models; ``DELETEBENCH_ON_DELETE`` picks Python or DB cascade."""

    name = "benchmarks.deletebench"
    label = "deletebench"
