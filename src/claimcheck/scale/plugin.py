"""The worker plugin that gives every Dask worker process the run's Checker, built once.

The scheduler keeps registered plugins and sets them up on each worker that joins or restarts,
so a worker that died comes back with its Checker, and no task depends on data that could be
lost with a worker. Imported only when the Dask engine runs (it needs distributed).
"""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin

from .engine import CheckerSpec, forget, worker_checker


class CheckerPlugin(WorkerPlugin):
    """Builds the spec's Checker in each worker process when the worker starts."""

    def __init__(self, spec: CheckerSpec) -> None:
        self.spec = spec
        self.name = f"claimcheck-{spec.key}"

    def setup(self, worker: Any) -> None:
        worker_checker(self.spec)

    def teardown(self, worker: Any) -> None:
        forget(self.spec.key)
