"""The command line: `python -m dask_scale demo|bench`."""

import subprocess
import sys

import pytest

from dask_scale.__main__ import main


def _run(*args, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "dask_scale", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_help_documents_every_option():
    res = _run("demo", "--help")
    assert res.returncode == 0
    for opt in ("--rows", "--features", "--chunk-rows", "--clusters", "--scheduler",
                "--workers", "--threads-per-worker", "--memory-limit", "--seed", "--stream",
                "--quiet", "--connect-timeout", "--progress"):
        assert opt in res.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["demo", "--rows", "-5"], "expected a positive integer"),
        (["demo", "--rows", "many"], "expected a positive integer"),
        (["demo", "--rows", "1.5"], "expected a positive integer"),
        (["demo", "--rows", "5"], "must be at least --clusters (8)"),
        (["demo", "--memory-limit", "lots"], "expected 'auto', a size such as 2GB"),
        (["demo", "--memory-limit=-1GB"], "expected 'auto', a size such as 2GB"),
        (["demo", "--scheduler", "localhost"], "scheduler address like tcp://"),
        (["demo", "--scheduler", "tcp://127.0.0.1:8786", "--workers", "2",
          "--memory-limit", "1GB"], "--workers, --memory-limit size the local cluster"),
        (["demo", "--scheduler", "tcp://127.0.0.1:8786", "--threads-per-worker", "1"],
         "--threads-per-worker size the local cluster and cannot change"),
        (["demo", "--bogus"], "unrecognized arguments"),
        ([], "required"),
    ],
)
def test_bad_options_exit_non_zero_with_message(args, message, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code != 0
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("text, value", [("1000", 1000), ("1_000", 1000), ("1e3", 1000)])
def test_rows_accept_integer_spellings(text, value):
    from dask_scale.__main__ import _parser

    assert _parser().parse_args(["demo", "--rows", text]).rows == value


@pytest.mark.parametrize("text, value", [("auto", "auto"), ("2GB", 2_000_000_000),
                                         ("512MiB", 512 * 2**20), ("0.25", 0.25)])
def test_memory_limit_spellings(text, value):
    from dask_scale.__main__ import _parser

    assert _parser().parse_args(["demo", "--memory-limit", text]).memory_limit == value


def test_progress_flag_is_off_by_default():
    from dask_scale.__main__ import _parser

    assert _parser().parse_args(["demo"]).progress is False
    assert _parser().parse_args(["demo", "--progress"]).progress is True


def test_unreachable_scheduler_is_a_clear_error(capsys):
    # nothing listens on this loopback port: the demo says so and exits 2
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = main(["demo", "--scheduler", f"tcp://127.0.0.1:{port}", "--connect-timeout", "2"])
    assert code == 2
    assert "could not connect to the dask scheduler" in capsys.readouterr().err


@pytest.mark.distributed
def test_scheduler_without_workers_is_a_clear_error(capsys):
    from distributed import LocalCluster

    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as cluster:
        code = main(["demo", "--scheduler", cluster.scheduler_address,
                     "--connect-timeout", "1"])
    assert code == 2
    err = capsys.readouterr().err
    assert "has no worker" in err
    assert "dask worker" in err


def test_bench_unknown_name(capsys):
    assert main(["bench", "no_such_bench"]) == 2
    assert "no benchmark named" in capsys.readouterr().err


@pytest.mark.distributed
def test_demo_runs_small():
    res = _run(
        "demo", "--rows", "20000", "--chunk-rows", "5000", "--features", "6",
        "--clusters", "3", "--workers", "1", "--threads-per-worker", "2", "--progress",
    )
    assert res.returncode == 0, res.stderr[-3000:]
    out = res.stdout
    assert "20,000 rows x 6 features" in out
    assert "peak memory" in out
    assert "inertia (SSE)" in out
    assert "accuracy" in out
    # progress lines go to stderr
    assert "iter" in res.stderr
    # --progress: the bars too, each fit's outer bar closed complete
    for fit in ("KMeans", "LogisticRegression[lbfgs]"):
        assert f"{fit}: 100%" in res.stderr, res.stderr[-3000:]
