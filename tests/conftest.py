"""Shared test configuration: small data, deterministic hypothesis profile."""

import os

import dask
import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)
settings.register_profile(
    "dev",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _threaded_scheduler():
    # Each test starts on dask's threaded scheduler unless it sets up its own.
    with dask.config.set(scheduler="threads"):
        yield


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def client():
    """A small in-process distributed cluster for tests that need one."""
    from distributed import Client, LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster, Client(cluster) as c:
        yield c


# --------------------------------------------------------------------------------------------
# graph keys: one key, one task, for good
# --------------------------------------------------------------------------------------------

_RUN_SPEC_WARNING = "Detected different `run_spec`"


class _RunSpecLog:
    """Collects the scheduler's "Detected different `run_spec`" records."""

    def __init__(self):
        import logging

        self.handler = logging.Handler(level=logging.DEBUG)
        self.handler.emit = self._emit
        self.messages = []

    def _emit(self, record):
        message = record.getMessage()
        if _RUN_SPEC_WARNING in message:
            self.messages.append(message)


def _key_dependencies_plugin():
    from distributed.diagnostics.plugin import SchedulerPlugin

    class KeyDependencies(SchedulerPlugin):
        """The dependencies each key had when the scheduler first saw it.

        The scheduler compares a resubmitted key with its previous task only while that task is
        still known (the "Detected different `run_spec`" warning); this records every key's
        dependencies for the whole test, so a key given another task after it was forgotten is
        caught too, whatever the timing.
        """

        name = "dask_scale-key-dependencies"

        def __init__(self):
            self.first = {}
            self.collisions = []

        def update_graph(self, scheduler, *, tasks, **kwargs):
            for key in tasks:
                ts = scheduler.tasks.get(key)
                if ts is None or ts.run_spec is None:
                    continue
                deps = frozenset(dts.key for dts in ts.dependencies)
                old = self.first.setdefault(key, deps)
                if old != deps:
                    self.collisions.append(
                        f"key {key!r}: dependencies {sorted(map(str, old))} first, then "
                        f"{sorted(map(str, deps))}"
                    )

    return KeyDependencies()


def _running_schedulers():
    from distributed import Scheduler
    from distributed.core import Status

    return [s for s in list(Scheduler._instances) if s.status == Status.running]


def _on_scheduler_loop(scheduler, func):
    from distributed.utils import sync

    async def run():
        func()

    sync(scheduler.loop, run)


@pytest.fixture
def unique_task_keys(request):
    """Fail the test if a graph key is given two different tasks on a distributed scheduler.

    Two checks, on every scheduler running in this process (a ``LocalCluster``'s scheduler
    runs in the client's process, with ``processes=True`` or False; a cluster the test starts
    in its body gets the first check only, one from a fixture both):

    - the ``distributed.scheduler`` log holds no "Detected different `run_spec`" warning
      (a key resubmitted with another task while the scheduler still knows the old one);
    - no key reaches the scheduler with other dependencies than the first time it did
      during the test (same collision, after the old task was forgotten).

    Yields a checker whose ``check()`` asserts both now (new problems only); it runs again at
    teardown.
    """
    import logging

    if "client" in request.fixturenames:
        request.getfixturevalue("client")  # its scheduler first, to watch it
    log = _RunSpecLog()
    logger = logging.getLogger("distributed.scheduler")
    logger.addHandler(log.handler)
    plugin = _key_dependencies_plugin()
    schedulers = _running_schedulers()
    for s in schedulers:
        _on_scheduler_loop(s, lambda s=s: s.add_plugin(plugin, name=plugin.name))

    class Checker:
        reported = 0

        def check(self):
            problems = (log.messages + plugin.collisions)[self.reported :]
            self.reported += len(problems)
            if problems:
                pytest.fail(
                    f"{len(problems)} graph key(s) given two different tasks on the "
                    "scheduler (keys must name one task for good):\n"
                    + "\n".join(p[:1500] for p in problems[:5]),
                    pytrace=False,
                )

    checker = Checker()
    try:
        yield checker
    finally:
        logger.removeHandler(log.handler)
        for s in schedulers:
            if s.status.name == "running":
                _on_scheduler_loop(s, lambda s=s: s.remove_plugin(plugin.name))
    checker.check()
