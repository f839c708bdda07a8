"""``python -m dask_scale demo --scheduler`` against a real cluster: a scheduler and two workers
started as separate processes with dask's own command-line tools (``dask scheduler``,
``dask worker``), on loopback, without dashboards, and stopped afterwards."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DASK = Path(sys.executable).parent / "dask"

pytestmark = [
    pytest.mark.distributed,
    pytest.mark.skipif(
        not DASK.exists(),
        reason=f"dask's command-line tool is not installed next to the interpreter ({DASK})",
    ),
]


def _env():
    # the workers unpickle dask_scale's kernels: they import the package under test
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), env.get("PYTHONPATH")) if p
    )
    return env


def _stop(proc, timeout=15):
    """Terminate ``proc`` and everything in its process group; kill what stays."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    # the group may still hold a worker process the nanny started: kill the group
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:  # pragma: no cover - reported by the test run
        pass


@pytest.fixture
def real_cluster(tmp_path):
    """(scheduler address, scheduler file) of a scheduler and two 1-thread workers, each its
    own process group, stopped (terminate, wait, kill) on teardown even if the test fails."""
    from distributed import Client

    scheduler_file = tmp_path / "scheduler.json"
    logs = []
    procs = []

    def start(name, *args):
        log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed in the finally
        logs.append(log)
        procs.append(subprocess.Popen(
            [str(DASK), *args], stdout=log, stderr=subprocess.STDOUT, env=_env(),
            cwd=tmp_path, start_new_session=True,
        ))

    def log_tails():
        return "\n".join(
            f"--- {p.name}\n{p.read_text()[-2000:]}" for p in sorted(tmp_path.glob("*.log"))
        )

    try:
        start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", "0",
              "--no-dashboard", "--scheduler-file", str(scheduler_file))
        deadline = time.monotonic() + 30
        while not scheduler_file.exists() or scheduler_file.stat().st_size == 0:
            if procs[0].poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"dask scheduler did not start\n{log_tails()}")
            time.sleep(0.1)
        for i in range(2):
            start(f"worker{i}", "worker", "--scheduler-file", str(scheduler_file),
                  "--host", "127.0.0.1", "--nthreads", "1", "--nworkers", "1",
                  "--no-dashboard", "--memory-limit", "1GB", "--name", f"real-worker-{i}",
                  "--local-directory", str(tmp_path / f"worker{i}"))
        with Client(scheduler_file=str(scheduler_file), timeout=30) as client:
            try:
                client.wait_for_workers(2, timeout=30)
            except TimeoutError:
                pytest.fail(f"the two dask workers did not join\n{log_tails()}")
            address = client.scheduler.address
        yield address, scheduler_file
    finally:
        for proc in reversed(procs):
            _stop(proc)
        for log in logs:
            log.close()
        assert all(p.poll() is not None for p in procs), "a cluster process is still running"


@pytest.mark.slow
def test_demo_on_scheduler_and_workers_started_by_the_dask_cli(real_cluster):
    from distributed import Client

    address, scheduler_file = real_cluster
    assert address.startswith("tcp://127.0.0.1:")
    res = subprocess.run(
        [sys.executable, "-m", "dask_scale", "demo", "--scheduler", address,
         "--rows", "20000", "--chunk-rows", "5000", "--features", "6", "--clusters", "3"],
        capture_output=True, text=True, timeout=120, env=_env(), cwd=ROOT,
    )
    assert res.returncode == 0, (res.stdout + res.stderr)[-4000:]
    out = res.stdout
    # the demo says where it ran and what it found there
    assert f"dask_scale demo on a scheduler {address}" in out
    assert "2 worker(s), 2 thread(s)" in out
    printed = out.split("2 thread(s): ")[1].splitlines()[0].split(", ")
    assert "20,000 rows x 6 features" in out
    assert "in 4 blocks" in out
    assert "inertia (SSE)" in out
    acc = float(out.split("accuracy on the 20,000 rows = ")[1].split()[0])
    assert 0.5 < acc <= 1.0
    assert "local cluster" not in out

    # the work ran on that scheduler's two workers, not in the demo's process (the functions
    # are local so that cloudpickle sends them by value: the workers cannot import this file)
    def _worker_counts(dask_worker):
        return dask_worker.name, dask_worker.state.executed_count

    def _prefix_counts(dask_scheduler):
        return {name: dict(tp.state_counts) for name, tp in dask_scheduler.task_prefixes.items()}

    with Client(scheduler_file=str(scheduler_file), timeout=30) as client:
        by_address = client.run(_worker_counts)
        executed = dict(by_address.values())
        prefixes = client.run_on_scheduler(_prefix_counts)
    assert set(executed) == {"real-worker-0", "real-worker-1"}
    assert sorted(printed) == sorted(by_address)  # the demo named these two workers
    # (the scheduler may run such small work on one worker only: the total is what counts)
    finished = {
        name: sum(n for state, n in counts.items() if state in ("memory", "released",
                                                                 "forgotten"))
        for name, counts in prefixes.items()
    }
    assert sum(finished.values()) >= sum(executed.values()) > 20, (executed, prefixes)
    # the generated data's blocks (4 of X and 4 of y at least) went through the scheduler
    assert any(name.startswith("make_classification") and n >= 4
               for name, n in finished.items()), prefixes
