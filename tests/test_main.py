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
                "--quiet"):
        assert opt in res.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["demo", "--rows", "-5"], "expected a positive integer"),
        (["demo", "--rows", "many"], "expected a positive integer"),
        (["demo", "--scheduler", "localhost"], "scheduler address like tcp://"),
        (["demo", "--bogus"], "unrecognized arguments"),
        ([], "required"),
    ],
)
def test_bad_options_exit_non_zero_with_message(args, message, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code != 0
    assert message in capsys.readouterr().err


def test_bench_unknown_name(capsys):
    assert main(["bench", "no_such_bench"]) == 2
    assert "no benchmark named" in capsys.readouterr().err


@pytest.mark.distributed
def test_demo_runs_small():
    res = _run(
        "demo", "--rows", "20000", "--chunk-rows", "5000", "--features", "6",
        "--clusters", "3", "--workers", "1", "--threads-per-worker", "2",
    )
    assert res.returncode == 0, res.stderr[-3000:]
    out = res.stdout
    assert "20,000 rows x 6 features" in out
    assert "peak memory" in out
    assert "inertia (SSE)" in out
    assert "accuracy" in out
    # progress lines go to stderr
    assert "iter" in res.stderr
